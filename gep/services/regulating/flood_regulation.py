"""Flood regulation (洪水调蓄): reservoir capacity and marsh storage, valued at reservoir cost."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...compute import regulating as R
from .._base import Quantity
from ..rates import scalar, statistic
from ._common import REF_BYD, REF_GARZE, REF_SPEC, declare, method, quantity, with_given
from .water_conservation import storage_value

_fr_value = storage_value("flood_regulation")


def _fr_tabular(ctx, params) -> Quantity:
    sid = "flood_regulation"
    areas = ctx.require_areas(sid)
    regions = ctx.regions
    capacity = statistic(ctx, "reservoir_capacity", "m³", sid, required=False)
    reservoir = xr.DataArray(np.zeros(len(regions)), dims=("region",), coords={"region": regions})
    if capacity:
        ratio = scalar(ctx, "param.reservoir_flood_ratio", "1", sid)
        water = areas.sel(ecosystem="water") if "water" in areas.ecosystem else reservoir
        if float(water.sum()) > 0:
            share = water / float(water.sum())
        else:
            share = xr.full_like(reservoir, 1 / len(regions))
            ctx.trace.append({"service": sid, "key": "allocation.reservoir_capacity", "value": "equal shares",
                              "source": "no water area in the land use: reservoir capacity shared equally"})
        reservoir = R.reservoir_flood_storage(capacity, ratio) * share
    depth = scalar(ctx, "param.marsh_storage_depth", "m", sid)
    marsh_km2 = areas.sel(ecosystem="wetland") / 100.0 if "wetland" in areas.ecosystem else reservoir * 0
    marsh = R.marsh_flood_storage(marsh_km2, depth)
    total = reservoir + marsh
    return quantity(total, "m³", {"reservoir": reservoir, "marsh": marsh})


declare(
    id="flood_regulation", zh="洪水调蓄", en="Flood regulation", unit="m³",
    pzh="洪水调蓄量", pen="flood water stored", default="tabular", refs=(REF_GARZE, REF_BYD, REF_SPEC),
    dzh="水库 C = 0.35·总库容；沼泽 C = h·S；影子工程法",
    den="reservoirs C = 0.35 × total capacity (allocated by water area); marshes C = depth × area; valued at reservoir cost",
    methods=with_given({
        "tabular": method("tabular", "水库库容与沼泽面积", "reservoir capacity and marsh area", "tabular",
                           _fr_tabular, _fr_value, inputs=("land_use", "economy:reservoir_capacity"),
                           keys=("param.reservoir_flood_ratio", "param.marsh_storage_depth", "price.water_storage"),
                           vzh="影子工程法", ven="shadow project (reservoir cost)", refs=(REF_GARZE,)),
    }, "flood_regulation", "m³", _fr_value, ("price.water_storage",)),
)

"""Flood regulation (洪水调蓄): reservoir capacity and marsh storage, valued at reservoir cost.

``tabular`` counts reservoirs (C = 0.35 × total capacity) and marshes (C = depth ×
area) as Garzé 2017 does. Lakes are not counted: the only readable lake model,
C = e^6.636·A^0.678·T (饶恩明 2014, used by Garzé), is the Qinghai-Tibet Plateau
regression, needs each lake's own area, and the regressions of the other lake
zones (e.g. 东部平原) could not be read. ``tabular_vegetation`` adds the storm water forests hold
back compared with bare land, in the per-type coefficient form of 缪建群 2017:
Q = Σ A_i · J₀ · K · R_i.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...compute import regulating as R
from .._base import Quantity
from ..rates import per_ecosystem, per_region, scalar, statistic
from ._common import REF_BYD, REF_GARZE, REF_SPEC, declare, method, quantity, record_method, with_given
from .water_conservation import storage_value

_fr_value = storage_value("flood_regulation")

REF_MIAO = ("缪建群, 孙松, 王志强, 黄国勤. 江西高天岩自然保护区生态系统服务功能价值评估. 生态学报, 2017, 37(19): "
            "6422-6430 (table 1 eqs. (7)-(10): Q = Σ A_i·J·R, J = J₀·K, K = 0.6; R 常绿针叶林 0.36, 常绿阔叶林 0.39, "
            "常绿针阔混交林 0.34, 竹林 0.22, 灌木 0.14; ChinaXiv:201711.00109).")
VEGETATION_GROUPS = ("forest",)


def _vegetation_storage(ctx, sid: str):
    """Storm water held back by forests compared with bare land, m³ by (region, ecosystem)."""
    areas = ctx.require_areas(sid)
    reduction = per_ecosystem(ctx, "rate.storm_runoff_reduction", "1", VEGETATION_GROUPS, sid)
    rain = per_region(ctx, "climate.precipitation", "mm", sid)
    share = scalar(ctx, "param.storm_rain_share", "1", sid)
    return R.vegetation_storm_storage_miao(areas, rain, share, reduction).transpose("region", "ecosystem", ...)


def _fr_tabular_vegetation(ctx, params) -> Quantity:
    sid = "flood_regulation"
    base = _fr_tabular(ctx, params, record=False)
    record_method(ctx, sid, "tabular_vegetation", "0.35·C_t + h·S_marsh + Σ A_i·J₀·K·R_i",
                  "Garzé 2017 (reservoirs, marshes); 缪建群 2017 eqs. (7)-(10) (forests)")
    vegetation = _vegetation_storage(ctx, sid)
    total = base.data + vegetation.sum("ecosystem")
    return quantity(total, "m³", {**base.components, "vegetation": vegetation})


def _fr_tabular(ctx, params, record=True) -> Quantity:
    sid = "flood_regulation"
    if record:
        record_method(ctx, sid, "tabular", "0.35·C_t + h·S_marsh", "Garzé 2017 eqs. C_r, C_m")
    areas = ctx.require_areas(sid)
    regions = ctx.regions
    capacity = statistic(ctx, "reservoir_capacity", "m³", sid, required=False)
    reservoir = xr.DataArray(np.zeros(len(regions)), dims=("region",), coords={"region": regions})
    if capacity:
        ratio = scalar(ctx, "param.reservoir_flood_ratio", "1", sid)
        water = areas.sel(ecosystem="water") if "water" in areas.ecosystem else reservoir
        if "water" in areas.ecosystem and float(ctx.areas.sel(ecosystem="water").sum()) > 0:  # the mapped areas
            share = water / water.sum("region")
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
    dzh="水库 C = 0.35·总库容；沼泽 C = h·S；可选加森林暴雨蓄水 Q = Σ A·J₀·K·R（缪建群 2017）；影子工程法",
    den="reservoirs C = 0.35 × total capacity (allocated by water area); marshes C = depth × area; optionally "
        "the storm water forests hold back, Q = Σ A·J₀·K·R (缪建群 2017); valued at reservoir cost",
    methods=with_given({
        "tabular": method("tabular", "水库库容与沼泽面积", "reservoir capacity and marsh area", "tabular",
                           _fr_tabular, _fr_value, inputs=("land_use", "economy:reservoir_capacity"),
                           keys=("param.reservoir_flood_ratio", "param.marsh_storage_depth", "price.water_storage"),
                           vzh="影子工程法", ven="shadow project (reservoir cost)", refs=(REF_GARZE,),
                           formula="0.35·C_t + h·S_marsh"),
        "tabular_vegetation": method(
            "tabular_vegetation", "水库、沼泽与森林暴雨蓄水（按森林类型的减少径流系数）",
            "reservoirs, marshes and forest storm storage (runoff reduction by forest type)", "tabular",
            _fr_tabular_vegetation, _fr_value, inputs=("land_use", "economy:reservoir_capacity"),
            keys=("param.reservoir_flood_ratio", "param.marsh_storage_depth", "rate.storm_runoff_reduction",
                  "climate.precipitation", "param.storm_rain_share", "price.water_storage"),
            vzh="影子工程法", ven="shadow project (reservoir cost)", refs=(REF_GARZE, REF_MIAO), variant_of="tabular",
            formula="0.35·C_t + h·S_marsh + Σ A_i·J₀·K·R_i"),
    }, "flood_regulation", "m³", _fr_value, ("price.water_storage",)),
)

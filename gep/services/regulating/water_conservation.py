"""Water conservation (水源涵养): water balance, valued at reservoir construction cost."""

from __future__ import annotations

import xarray as xr

from ...compute import regulating as R
from ...compute import valuation as V
from .._base import Quantity
from ..rates import per_ecosystem, per_region, scalar, types_in
from ..spatial import zonal_total
from ._common import HM2_TO_M2, REF_GARZE, REF_SPEC, declare, method, quantity, with_given

WATER_GROUPS = ("forest", "grassland", "wetland")


def storage_value(sid: str):
    """``value`` step pricing water stored (m³) at the reservoir construction cost per m³ (影子工程法).

    Shared by water conservation and flood regulation.
    """

    def value(ctx, physical: Quantity, params) -> Quantity:
        p = scalar(ctx, "price.water_storage", "元/m³", sid)
        return quantity(ctx.priced(V.shadow_project, physical.data, p, service=sid), "元")

    return value


_wc_value = storage_value("water_conservation")


def _wc_tabular(ctx, params) -> Quantity:
    sid = "water_conservation"
    areas = ctx.require_areas(sid)
    precip = per_region(ctx, "climate.precipitation", "mm", sid)
    alpha = per_ecosystem(ctx, "rate.runoff_coefficient", "1", WATER_GROUPS, sid)
    et = per_ecosystem(ctx, "rate.evapotranspiration", "mm", WATER_GROUPS, sid)
    mask = xr.DataArray([e in types_in(WATER_GROUPS) for e in areas.ecosystem.values], dims=("ecosystem",),
                        coords={"ecosystem": areas.ecosystem.values})
    runoff = R.runoff_from_coefficient(precip, alpha)
    q = R.water_conservation_volume(precip, runoff, et, areas * HM2_TO_M2).where(mask, 0.0)
    return quantity(q.transpose("region", "ecosystem", ...), "m³")


def _wc_spatial(ctx, params) -> Quantity:
    def per_pixel(layers):
        alpha = layers["runoff_coefficient"]
        return R.water_conservation_volume(layers["precipitation"], R.runoff_from_coefficient(layers["precipitation"], alpha),
                                           layers["evapotranspiration"], 1.0)  # mm → m³ per m² of pixel

    data = zonal_total(ctx, "water_conservation", per_pixel, "m³", per_hm2=False,
                       layers=["precipitation", "evapotranspiration", "runoff_coefficient"], groups=WATER_GROUPS)
    return quantity(data, "m³")


declare(
    id="water_conservation", zh="水源涵养", en="Water conservation", unit="m³",
    pzh="水源涵养量", pen="water retained", default="tabular", refs=(REF_GARZE, REF_SPEC),
    dzh="水量平衡法 Q = Σ(P − R − ET)·A，R = P·α；影子工程法（水库单位库容造价）",
    den="water balance Q = Σ(P − R − ET)·A with R = P·α; valued at reservoir construction cost per m³",
    methods=with_given({
        "tabular": method("tabular", "水量平衡（按生态系统类型）", "water balance by ecosystem type", "tabular",
                           _wc_tabular, _wc_value, inputs=("land_use",),
                           keys=("climate.precipitation", "rate.runoff_coefficient", "rate.evapotranspiration",
                                 "price.water_storage"), vzh="影子工程法", ven="shadow project (reservoir cost)",
                           refs=(REF_GARZE,)),
        "spatial": method("spatial", "水量平衡（逐像元）", "water balance per pixel", "spatial",
                           _wc_spatial, _wc_value,
                           inputs=("raster:land_use", "raster:zones", "raster:precipitation", "raster:evapotranspiration"),
                           keys=("rate.runoff_coefficient", "price.water_storage"), vzh="影子工程法",
                           ven="shadow project (reservoir cost)", refs=(REF_GARZE,)),
    }, "water_conservation", "m³", _wc_value, ("price.water_storage",)),
)

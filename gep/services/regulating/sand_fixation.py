"""Sand fixation (防风固沙): RWEQ potential − actual wind erosion, valued at sand-control cost."""

from __future__ import annotations

from ...compute import regulating as R
from ...compute import valuation as V
from .._base import Quantity
from ..rates import scalar
from ..spatial import zonal_total
from ._common import REF_GARZE, REF_SPEC, declare, given_quantity, method, quantity


def _sand_value(ctx, physical: Quantity, params) -> Quantity:
    sid = "sand_fixation"
    rho = scalar(ctx, "param.sand_bulk_density", "t/m³", sid)
    h = scalar(ctx, "param.sand_thickness", "m", sid)
    cost = scalar(ctx, "price.sand_control", "元/m²", sid)
    area = R.sand_fixation_area_m2(physical.data, rho, h)
    return quantity(ctx.priced(V.replacement_cost, area, cost, service=sid), "元")


def _sand_spatial(ctx, params) -> Quantity:
    def per_pixel(layers):
        z = layers["downwind_length"]
        factors = [layers[k] for k in ("weather_factor", "erodible_fraction", "crust_factor", "roughness_factor")]
        q_pot = R.rweq_qmax(*factors, c=1.0)
        s_pot = R.rweq_critical_length(*factors, c=1.0)
        q_act = R.rweq_qmax(*factors, c=layers["vegetation_factor"])
        s_act = R.rweq_critical_length(*factors, c=layers["vegetation_factor"])
        return R.rweq_loss(z, q_pot, s_pot) - R.rweq_loss(z, q_act, s_act)  # kg/m² → t/hm² ×10

    data = zonal_total(ctx, "sand_fixation", lambda L: per_pixel(L) * 10.0, "t", per_hm2=True,
                          layers=["weather_factor", "erodible_fraction", "crust_factor", "roughness_factor",
                                  "vegetation_factor", "downwind_length"], groups=None)
    return quantity(data, "t")


declare(
    id="sand_fixation", zh="防风固沙", en="Sand fixation", unit="t",
    pzh="防风固沙量", pen="soil kept from wind erosion", default="given", refs=(REF_GARZE, REF_SPEC),
    dzh="RWEQ 潜在风蚀 − 实际风蚀；治沙工程成本 × 固沙量/(ρ·h)",
    den="RWEQ potential − actual wind erosion; valued at sand-control cost per m² of mass/(ρ·h)",
    methods={
        "given": method("given", "给定实物量", "given physical quantity", "given",
                         given_quantity("sand_fixation", "t"), _sand_value, inputs=("physical",),
                         keys=("param.sand_bulk_density", "param.sand_thickness", "price.sand_control"),
                         vzh="替代成本法", ven="replacement cost (sand control)", refs=(REF_GARZE,)),
        "spatial": method("spatial", "RWEQ（逐像元）", "RWEQ per pixel", "spatial", _sand_spatial, _sand_value,
                           inputs=("raster:zones", "raster:weather_factor", "raster:erodible_fraction",
                                   "raster:crust_factor", "raster:roughness_factor", "raster:vegetation_factor"),
                           keys=("param.sand_bulk_density", "param.sand_thickness", "price.sand_control"),
                           vzh="替代成本法", ven="replacement cost (sand control)", refs=(REF_GARZE,)),
    },
)

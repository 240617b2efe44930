"""Soil retention (土壤保持): RUSLE, valued as avoided dredging and avoided N and P treatment."""

from __future__ import annotations

import xarray as xr

from ...compute import regulating as R
from ...compute import valuation as V
from .._base import Quantity
from ..rates import per_ecosystem, per_region, scalar, types_in
from ..spatial import zonal_total
from ._common import REF_BO, REF_GARZE, REF_SPEC, declare, method, quantity, with_given

SOIL_GROUPS = ("forest", "grassland", "farmland")


def _sr_value(ctx, physical: Quantity, params) -> Quantity:
    sid = "soil_retention"
    lam = scalar(ctx, "param.sediment_ratio", "1", sid)
    rho = scalar(ctx, "param.soil_bulk_density", "t/m³", sid)
    dredge = scalar(ctx, "price.dredging", "元/m³", sid)
    cn = scalar(ctx, "param.soil_n_content", "1", sid)
    cp = scalar(ctx, "param.soil_p_content", "1", sid)
    pn = scalar(ctx, "price.n_removal", "元/t", sid)
    pp = scalar(ctx, "price.p_removal", "元/t", sid)
    a = physical.data
    sediment = ctx.priced(V.replacement_cost, R.sediment_volume(a, lam, rho), dredge, service=sid, part="sediment")
    nitrogen = ctx.priced(V.avoided_cost, R.nutrient_retained(a, cn), pn, service=sid, part="nitrogen")
    phosphorus = ctx.priced(V.avoided_cost, R.nutrient_retained(a, cp), pp, service=sid, part="phosphorus")
    return quantity(sediment + nitrogen + phosphorus, "元",
              {"sediment": sediment, "nitrogen": nitrogen, "phosphorus": phosphorus})


def _sr_tabular(ctx, params) -> Quantity:
    sid = "soil_retention"
    areas = ctx.require_areas(sid)
    r = per_region(ctx, "soil.rainfall_erosivity", "MJ*mm/(hm²*h*a)", sid)
    k = per_region(ctx, "soil.erodibility", "t*hm²*h/(hm²*MJ*mm)", sid)
    ls = per_region(ctx, "terrain.ls_factor", "1", sid)
    c = per_ecosystem(ctx, "rate.rusle_c", "1", SOIL_GROUPS, sid)
    p = per_ecosystem(ctx, "rate.rusle_p", "1", SOIL_GROUPS, sid)
    mask = xr.DataArray([e in types_in(SOIL_GROUPS) for e in areas.ecosystem.values], dims=("ecosystem",),
                        coords={"ecosystem": areas.ecosystem.values})
    per_hm2 = R.soil_retention(r, k, ls, c, p)  # t/(hm²·a)
    return quantity((per_hm2 * areas).where(mask, 0.0).transpose("region", "ecosystem", ...), "t")


def _sr_spatial(ctx, params) -> Quantity:
    def per_pixel(layers):
        return R.soil_retention(layers["rainfall_erosivity"], layers["soil_erodibility"], layers["ls_factor"],
                                layers["rusle_c"], layers["rusle_p"])

    return quantity(zonal_total(ctx, "soil_retention", per_pixel, "t", per_hm2=True,
                                layers=["rainfall_erosivity", "soil_erodibility", "ls_factor", "rusle_c", "rusle_p"],
                                groups=SOIL_GROUPS), "t")


_SR_KEYS = ("param.sediment_ratio", "param.soil_bulk_density", "price.dredging", "param.soil_n_content",
            "param.soil_p_content", "price.n_removal", "price.p_removal")
declare(
    id="soil_retention", zh="土壤保持", en="Soil retention", unit="t",
    pzh="土壤保持量", pen="soil retained", default="tabular", refs=(REF_GARZE, REF_BO, REF_SPEC),
    dzh="RUSLE 潜在侵蚀 − 实际侵蚀；减少泥沙淤积 λ·A/ρ·清淤成本 + 减少氮磷面源污染",
    den="RUSLE potential − actual erosion; valued as avoided reservoir sediment λ·A/ρ × dredging cost plus avoided N and P",
    methods=with_given({
        "tabular": method("tabular", "RUSLE（区域因子 × 生态系统 C、P）", "RUSLE with regional factors and C, P by ecosystem",
                           "tabular", _sr_tabular, _sr_value, inputs=("land_use",),
                           keys=("soil.rainfall_erosivity", "soil.erodibility", "terrain.ls_factor", "rate.rusle_c",
                                 "rate.rusle_p") + _SR_KEYS, vzh="替代成本法", ven="replacement cost",
                           refs=(REF_GARZE, REF_BO)),
        "spatial": method("spatial", "RUSLE（逐像元）", "RUSLE per pixel", "spatial", _sr_spatial, _sr_value,
                           inputs=("raster:zones", "raster:rainfall_erosivity", "raster:soil_erodibility",
                                   "raster:ls_factor", "raster:land_use"),
                           keys=("rate.rusle_c", "rate.rusle_p") + _SR_KEYS, vzh="替代成本法", ven="replacement cost",
                           refs=(REF_GARZE, REF_BO)),
    }, "soil_retention", "t", _sr_value, _SR_KEYS),
)

"""Carbon sequestration (固碳) and oxygen release (释氧) from NPP (photosynthesis equation)."""

from __future__ import annotations

import xarray as xr

from ...compute import regulating as R
from ...compute import valuation as V
from ...errors import MissingCoefficient, problem
from .._base import Quantity
from ..rates import per_ecosystem, scalar
from ..spatial import zonal_total
from ._common import REF_BYD, REF_GARZE, REF_SPEC, declare, method, quantity, with_given

NPP_GROUPS = ("forest", "grassland", "farmland", "wetland")


def _npp_tabular(ctx, sid) -> xr.DataArray:
    areas = ctx.require_areas(sid)
    npp = per_ecosystem(ctx, "rate.npp", "t/(hm²*a)", NPP_GROUPS, sid)
    return (npp * areas).transpose("region", "ecosystem")  # t dry matter / a


def _npp_spatial(ctx, sid) -> xr.DataArray:
    """NPP summed over the pixels of the ecosystems that fix carbon (as the tabular method)."""
    from ..spatial import group_mask

    mask = group_mask(ctx, NPP_GROUPS)
    return zonal_total(ctx, sid, lambda layers: layers["npp"] * mask.data, "t", per_hm2=True, layers=["npp"],
                       groups=NPP_GROUPS)


def _carbon_q(source):
    def quantify(ctx, params) -> Quantity:
        npp = source(ctx, "carbon_sequestration")
        return quantity(R.co2_from_npp(npp), "t")
    return quantify


#: carbon price keys: key -> factor to 元 per t CO₂ (a price per t C applies to 12/44 of the CO₂ mass)
CARBON_PRICE_KEYS = (("price.co2", 1.0), ("price.carbon_afforestation", 12.0 / 44.0))


def _carbon_price(ctx, sid: str) -> float:
    """Price per t CO₂: ``price.co2``, or ``price.carbon_afforestation`` (per t C) × 12/44.

    When both resolve, the row of the more specific set (earlier in the ``extends``
    chain) wins, so a county set that prices carbon per t C is not overridden by the
    per-t-CO₂ price of the set it extends; within one set ``price.co2`` wins.
    """
    chain = list(ctx.coefficients.chain)
    found = []
    for key, factor in CARBON_PRICE_KEYS:
        try:
            res = ctx.coefficients.resolve(key, regions=ctx.resolution_chain["__root__"], year=ctx.year)
        except MissingCoefficient:
            continue
        found.append((chain.index(res.set_id) if res.set_id in chain else len(chain), key, factor))
    if not found:
        raise MissingCoefficient(problem(
            "missing_coefficient", f"服务 {sid} 缺少碳价：price.co2（元/t CO₂）或 price.carbon_afforestation（元/t C）",
            f"service {sid} needs a carbon price: price.co2 (元/t CO₂) or price.carbon_afforestation (元/t C)",
            value="price.co2", hint_zh="在县级系数集中补充其中一行（注明来源）",
            hint_en="add one of them (with its source) to a county set"))
    _, key, factor = min(found, key=lambda f: f[0])
    return scalar(ctx, key, "元/t", sid) * factor


def _carbon_value(ctx, physical: Quantity, params) -> Quantity:
    sid = "carbon_sequestration"
    return quantity(ctx.priced(V.replacement_cost, physical.data, _carbon_price(ctx, sid), service=sid), "元")


def _oxygen_q(source):
    def quantify(ctx, params) -> Quantity:
        return quantity(R.o2_from_npp(source(ctx, "oxygen_release")), "t")
    return quantify


def _oxygen_value(ctx, physical: Quantity, params) -> Quantity:
    sid = "oxygen_release"
    return quantity(ctx.priced(V.replacement_cost, physical.data, scalar(ctx, "price.oxygen", "元/t", sid),
                               service=sid), "元")


declare(
    id="carbon_sequestration", zh="固碳", en="Carbon sequestration", unit="t",
    pzh="固定二氧化碳量", pen="CO₂ fixed", default="tabular", refs=(REF_BYD, REF_GARZE, REF_SPEC),
    dzh="光合作用方程：每 kg 干物质固定 1.63 kg CO₂；造林成本法或碳价",
    den="photosynthesis: 1.63 kg CO₂ per kg dry matter (NPP); valued at afforestation cost or carbon price",
    methods=with_given({
        "tabular": method("tabular", "NPP × 面积（按生态系统类型）", "NPP by ecosystem type × area", "tabular",
                           _carbon_q(_npp_tabular), _carbon_value, inputs=("land_use",), keys=("rate.npp", "price.co2"),
                           vzh="造林成本法/碳价", ven="afforestation cost or carbon price", refs=(REF_BYD,)),
        "spatial": method("spatial", "NPP 栅格", "NPP raster", "spatial", _carbon_q(_npp_spatial), _carbon_value,
                           inputs=("raster:npp", "raster:zones"), keys=("price.co2",),
                           vzh="造林成本法/碳价", ven="afforestation cost or carbon price", refs=(REF_BYD,)),
    }, "carbon_sequestration", "t", _carbon_value, ("price.co2",)),
)
declare(
    id="oxygen_release", zh="释氧", en="Oxygen release", unit="t",
    pzh="释放氧气量", pen="O₂ released", default="tabular", refs=(REF_BYD, REF_GARZE),
    dzh="光合作用方程：每 kg 干物质释放 1.2 kg O₂；工业制氧法",
    den="photosynthesis: 1.2 kg O₂ per kg dry matter (NPP); valued at the industrial oxygen price",
    methods=with_given({
        "tabular": method("tabular", "NPP × 面积（按生态系统类型）", "NPP by ecosystem type × area", "tabular",
                           _oxygen_q(_npp_tabular), _oxygen_value, inputs=("land_use",),
                           keys=("rate.npp", "price.oxygen"), vzh="工业制氧法", ven="industrial oxygen price",
                           refs=(REF_BYD,)),
        "spatial": method("spatial", "NPP 栅格", "NPP raster", "spatial", _oxygen_q(_npp_spatial), _oxygen_value,
                           inputs=("raster:npp", "raster:zones"), keys=("price.oxygen",), vzh="工业制氧法",
                           ven="industrial oxygen price", refs=(REF_BYD,)),
    }, "oxygen_release", "t", _oxygen_value, ("price.oxygen",)),
)

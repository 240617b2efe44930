"""Carbon sequestration (固碳) and oxygen release (释氧) from NPP (photosynthesis equation).

Published variants (``gep run --compare-methods`` shows them side by side):

carbon
    ``tabular`` gross fixation 1.63 × NPP (江波 2017; default); ``tabular_nep_rh`` net,
    NEP = NPP·72/162 − R_h with the 裴志永 regression of soil heterotrophic
    respiration on monthly temperature and precipitation (李远航 2022, 王川 2021);
    ``tabular_nep`` net, NEP per area given by ecosystem type (博文静 2017: NEP = NPP − R_s).
oxygen
    ``tabular`` 1.2 × NPP (江波 2017; default); ``tabular_lyt1721`` 1.19 × NPP
    (LY/T 1721—2008 as printed by 缪建群 2017); ``tabular_stoichiometric`` 32/44 × 1.63 × NPP;
    the same three for the NPP raster (``spatial`` …).
"""

from __future__ import annotations

import xarray as xr

from ...compute import regulating as R
from ...compute import valuation as V
from ...errors import MissingCoefficient, problem
from .._base import Quantity
from ..rates import per_ecosystem, scalar, types_in
from ..spatial import zonal_total
from ._common import REF_BO, REF_BYD, REF_GARZE, REF_SPEC, declare, method, quantity, record_method, with_given

NPP_GROUPS = ("forest", "grassland", "farmland", "wetland")
MONTHS = tuple(f"m{m:02d}" for m in range(1, 13))
G_M2_TO_T_HM2 = 1e-2
"""1 g/m² = 10 kg/hm² = 0.01 t/hm²."""

REF_MIAO = ("缪建群, 孙松, 王志强, 黄国勤. 江西高天岩自然保护区生态系统服务功能价值评估. 生态学报, 2017, 37(19): "
            "6422-6430 (table 1 eqs. (3)(4): V_c = Σ NPP_i × 1.63 × P_c, V_o = Σ NPP_i × 1.19 × P_o; ChinaXiv:201711.00109).")
REF_LI = ("李远航, 郝兴明, 张静静, 范雪, 赵卓怡. 近17a阿克苏绿洲农田净碳汇功能的时空变化 (ChinaXiv:202209.00152) §1.3.1: "
          "NEP = NPP − R_h, R_h = 0.22·[exp(0.0912T) + ln(0.3145R + 1)]·30·46.5 % (T 月均温 °C, R 月总降水 mm), "
          "citing 裴志永, 周才平, 欧阳华 et al. 2010, 地理研究 29(1): 102-110; the same regression in 王川, 刘永昌, 李稚 "
          "(ChinaXiv:202106.00081). Units of R_h not printed: read as g C/(m²·month) [U].")
REF_STOICH = ("Photosynthesis releases one O₂ per CO₂ fixed: O₂ = 32/44 × CO₂ by mass [D]; with 1.63 t CO₂ per t of dry "
              "matter (" + REF_BYD + ") this is 1.1855 t O₂ per t. The MEE guide (2020) is recalled to print "
              "Q_O2 = 32/44 · Q_CO2 [U].")
REF_BO_NEP = REF_BO + " NEP = NPP − R_s; V_c = NEP × 造林成本 (ChinaXiv:201706.00846 l. 101-114)."


def _npp_tabular(ctx, sid) -> xr.DataArray:
    areas = ctx.require_areas(sid)
    npp = per_ecosystem(ctx, "rate.npp", "t/(hm²*a)", NPP_GROUPS, sid)
    return (npp * areas).transpose("region", "ecosystem", ...)  # t dry matter / a


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


def _respiration_by_region(ctx, sid: str) -> xr.DataArray:
    """Annual soil heterotrophic respiration per region, t C/(hm²·a): Σ over 12 months of the 裴志永 regression."""
    total = None
    for m in MONTHS:
        temp = ctx.coef_by_region(f"climate.monthly_temperature.{m}", "degC", service=sid)
        rain = ctx.coef_by_region(f"climate.monthly_precipitation.{m}", "mm", service=sid)
        rh = R.heterotrophic_respiration_pei(temp, rain)
        total = rh if total is None else total + rh
    return (total * G_M2_TO_T_HM2).assign_attrs(units="t/(hm²*a)")


def _carbon_nep_rh(ctx, params) -> Quantity:
    sid = "carbon_sequestration"
    areas = ctx.require_areas(sid)
    record_method(ctx, sid, "tabular_nep_rh", "44/12 · Σ (NPP_i·72/162 − R_h)·A_i", "李远航 2022 §1.3.1; 裴志永 2010")
    npp = per_ecosystem(ctx, "rate.npp", "t/(hm²*a)", NPP_GROUPS, sid)
    rh = _respiration_by_region(ctx, sid)
    counted = xr.DataArray([e in set(types_in(NPP_GROUPS)) for e in map(str, areas.ecosystem.values)],
                           dims=("ecosystem",), coords={"ecosystem": areas.ecosystem.values})
    nep = (R.nep_from_npp_rh(npp, rh * counted) * areas).transpose("region", "ecosystem", ...)  # t C / a
    return quantity(R.co2_from_nep(nep), "t", {"nep": nep.assign_attrs(units="t"),
                                               "heterotrophic_respiration": (rh * counted * areas).assign_attrs(units="t")})


def _carbon_nep_given(ctx, params) -> Quantity:
    sid = "carbon_sequestration"
    areas = ctx.require_areas(sid)
    record_method(ctx, sid, "tabular_nep", "44/12 · Σ NEP_i·A_i", "博文静 2017 (NEP = NPP − R_s)")
    nep = (per_ecosystem(ctx, "rate.nep", "t/(hm²*a)", NPP_GROUPS, sid) * areas).transpose("region", "ecosystem", ...)
    return quantity(R.co2_from_nep(nep), "t", {"nep": nep.assign_attrs(units="t")})


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


#: oxygen variant suffix -> (t O₂ per t dry matter, formula, source, label zh, label en, reference)
OXYGEN_RATIOS = {
    "": (R.O2_PER_DRY_MATTER, "1.2·NPP", "江波 2017", "", "", REF_BYD),
    "_lyt1721": (R.O2_PER_DRY_MATTER_LYT1721, "1.19·NPP", "LY/T 1721—2008 as printed by 缪建群 2017",
                 "（1.19，LY/T 1721）", " (1.19, LY/T 1721)", REF_MIAO),
    "_stoichiometric": (R.O2_PER_CO2 * R.CO2_PER_DRY_MATTER, "32/44 · 1.63·NPP",
                        "photosynthesis stoichiometry: O₂ = 32/44 × CO₂ fixed [D]",
                        "（32/44 × 固碳量）", " (32/44 × CO₂ fixed)", REF_STOICH),
}


def _oxygen_q(source, suffix: str = "", base: str = "tabular"):
    ratio, formula, src = OXYGEN_RATIOS[suffix][:3]

    def quantify(ctx, params) -> Quantity:
        record_method(ctx, "oxygen_release", base + suffix, formula, src)
        return quantity(R.o2_from_npp(source(ctx, "oxygen_release"), ratio), "t")
    return quantify


def _oxygen_value(ctx, physical: Quantity, params) -> Quantity:
    sid = "oxygen_release"
    return quantity(ctx.priced(V.replacement_cost, physical.data, scalar(ctx, "price.oxygen", "元/t", sid),
                               service=sid), "元")


declare(
    id="carbon_sequestration", zh="固碳", en="Carbon sequestration", unit="t",
    pzh="固定二氧化碳量", pen="CO₂ fixed", default="tabular", refs=(REF_BYD, REF_GARZE, REF_SPEC),
    dzh="光合作用方程：每 kg 干物质固定 1.63 kg CO₂（总固定，默认）；或净生态系统生产力 NEP × 44/12"
        "（NEP = NPP − 土壤异养呼吸，或按生态系统类型给定）；造林成本法或碳价",
    den="photosynthesis: 1.63 kg CO₂ per kg dry matter (NPP, gross fixation, default); or net ecosystem "
        "production NEP × 44/12 (NEP = NPP − soil heterotrophic respiration, or given per ecosystem type); "
        "valued at afforestation cost or carbon price",
    methods=with_given({
        "tabular": method("tabular", "NPP × 面积（按生态系统类型；总固定 1.63·NPP）",
                           "NPP by ecosystem type × area (gross fixation 1.63·NPP)", "tabular",
                           _carbon_q(_npp_tabular), _carbon_value, inputs=("land_use",), keys=("rate.npp", "price.co2"),
                           vzh="造林成本法/碳价", ven="afforestation cost or carbon price", refs=(REF_BYD, REF_MIAO),
                           formula="1.63·Σ NPP_i·A_i"),
        "tabular_nep_rh": method(
            "tabular_nep_rh", "净生态系统生产力：NPP − 土壤异养呼吸（裴志永回归，逐月气温与降水）",
            "net ecosystem production: NPP − soil heterotrophic respiration (裴志永 regression on monthly "
            "temperature and precipitation)", "tabular", _carbon_nep_rh, _carbon_value, inputs=("land_use",),
            keys=("rate.npp", *(f"climate.monthly_temperature.{m}" for m in MONTHS),
                  *(f"climate.monthly_precipitation.{m}" for m in MONTHS), "price.co2"),
            vzh="造林成本法/碳价", ven="afforestation cost or carbon price", refs=(REF_LI, REF_BO_NEP),
            variant_of="tabular", formula="44/12·Σ (NPP_i·72/162 − R_h)·A_i"),
        "tabular_nep": method(
            "tabular_nep", "净生态系统生产力（按生态系统类型给定 NEP）", "net ecosystem production given per ecosystem type",
            "tabular", _carbon_nep_given, _carbon_value, inputs=("land_use",), keys=("rate.nep", "price.co2"),
            vzh="造林成本法/碳价", ven="afforestation cost or carbon price", refs=(REF_BO_NEP,),
            variant_of="tabular", formula="44/12·Σ NEP_i·A_i"),
        "spatial": method("spatial", "NPP 栅格", "NPP raster", "spatial", _carbon_q(_npp_spatial), _carbon_value,
                           inputs=("raster:npp", "raster:zones"), keys=("price.co2",),
                           vzh="造林成本法/碳价", ven="afforestation cost or carbon price", refs=(REF_BYD,)),
    }, "carbon_sequestration", "t", _carbon_value, ("price.co2",)),
)
declare(
    id="oxygen_release", zh="释氧", en="Oxygen release", unit="t",
    pzh="释放氧气量", pen="O₂ released", default="tabular", refs=(REF_BYD, REF_MIAO, REF_GARZE),
    dzh="光合作用方程：每 kg 干物质释放 1.2 kg O₂（默认）、1.19 kg（LY/T 1721）或 32/44 × 固碳量；工业制氧法",
    den="photosynthesis: 1.2 kg O₂ per kg dry matter (NPP; default), 1.19 kg (LY/T 1721) or 32/44 × CO₂ fixed; "
        "valued at the industrial oxygen price",
    methods=with_given({
        **{f"tabular{suffix}": method(
            f"tabular{suffix}", f"NPP × 面积（按生态系统类型）{zh}", f"NPP by ecosystem type × area{en}", "tabular",
            _oxygen_q(_npp_tabular, suffix, "tabular"), _oxygen_value, inputs=("land_use",),
            keys=("rate.npp", "price.oxygen"), vzh="工业制氧法", ven="industrial oxygen price", refs=(ref,),
            variant_of="tabular" if suffix else "", formula=f"{formula} (Σ NPP_i·A_i)")
           for suffix, (_, formula, _, zh, en, ref) in OXYGEN_RATIOS.items()},
        **{f"spatial{suffix}": method(
            f"spatial{suffix}", f"NPP 栅格{zh}", f"NPP raster{en}", "spatial",
            _oxygen_q(_npp_spatial, suffix, "spatial"), _oxygen_value, inputs=("raster:npp", "raster:zones"),
            keys=("price.oxygen",), vzh="工业制氧法", ven="industrial oxygen price", refs=(ref,),
            variant_of="spatial" if suffix else "", formula=f"{formula} (NPP raster)")
           for suffix, (_, formula, _, zh, en, ref) in OXYGEN_RATIOS.items()},
    }, "oxygen_release", "t", _oxygen_value, ("price.oxygen",)),
)

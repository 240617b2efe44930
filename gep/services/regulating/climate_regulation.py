"""Climate regulation (气候调节): transpiration and water-surface evaporation as electricity saved.

The vegetation term is the same in every method; the water-surface term has
three published readings, each a method (``gep run --compare-methods`` shows
them side by side):

``tabular``
    as printed by Garzé 2017: heat of vaporisation + humidifier, E·ρ·q/3600 + E·γ;
``tabular_cop``
    the heat divided by the air conditioner's efficiency, as the vegetation term
    is: E·ρ·q/(3600·R) + E·γ (no source prints it; the consistent reading, [D]);
``tabular_humidifier_only``
    humidifying only, E·γ (商慧敏 et al. 2018, Jiaozhou Bay).
"""

from __future__ import annotations

from ...compute import regulating as R
from ...compute import valuation as V
from .._base import Quantity
from ..rates import per_ecosystem, per_region, scalar
from ._common import HM2_TO_M2, REF_BO, REF_GARZE, REF_SPEC, declare, method, quantity, record_method, with_given

VEG_GROUPS = ("forest", "grassland")
EVAP_GROUPS = ("water", "wetland")
SID = "climate_regulation"

REF_SHANG = ("商慧敏, 郗敏, 李悦, 孔范龙, 王森. 胶州湾滨海湿地生态系统服务价值变化. 生态学报, 2018, 38(2): 421-431 "
             "(table 1, §2.3.4: climate regulation = 水面蒸发量 × 125 kWh/m³ × 电价; ChinaXiv:201801.00481).")
REF_GARZE_WATER = REF_GARZE + " §2.4.8(2) eq. V_e = (E·ρ·q/3600 + E·γ)·c, as printed."
REF_COP_DERIVED = ("Derived [D] from " + REF_GARZE + " §2.4.8(1)-(2): the water term's cooling part divided by the "
                   "air-conditioner efficiency R as the paper's vegetation term is; no readable source prints it.")

VEG_FORMULA = "Σ q_i·S_i·d/(3600·R)"
#: method -> (formula of the water term, its source, label zh, label en, reference)
WATER_TERMS = {
    "tabular": ("E·ρ·q/3600 + E·γ", "Garzé 2017 eq. V_e (as printed)",
                "蒸腾与水面蒸发（按生态系统类型；水面项按原文：蒸发潜热 + 加湿器）",
                "transpiration and evaporation by ecosystem type (water term as printed: latent heat + humidifier)",
                REF_GARZE_WATER),
    "tabular_cop": ("E·ρ·q/(3600·R) + E·γ", "derived: Garzé 2017 vegetation term's ÷R applied to the water term",
                    "蒸腾与水面蒸发（水面降温项除以空调能效比 + 加湿器）",
                    "transpiration and evaporation (water cooling divided by the air conditioner's efficiency + humidifier)",
                    REF_COP_DERIVED),
    "tabular_humidifier_only": ("E·γ", "商慧敏 2018 table 1, §2.3.4",
                                "蒸腾与水面蒸发（水面项仅计加湿器耗电）",
                                "transpiration and evaporation (water term as humidifying only)", REF_SHANG),
}


def _water_term(ctx, name: str, evap_m3):
    humid = scalar(ctx, "param.humidifier_kwh", "kWh/m³", SID)
    if name == "tabular_humidifier_only":
        return R.water_humidifying_kwh(evap_m3, humid)
    latent = scalar(ctx, "param.latent_heat", "J/g", SID)
    if name == "tabular_cop":
        return R.water_evaporation_kwh_cop(evap_m3, scalar(ctx, "param.ac_cop", "1", SID), latent, humid)
    return R.water_evaporation_kwh(evap_m3, latent, humid)


def _climate_q(name: str):
    formula, source = WATER_TERMS[name][:2]

    def quantify(ctx, params) -> Quantity:
        areas = ctx.require_areas(SID)
        record_method(ctx, SID, name, f"{VEG_FORMULA} + {formula}", source)
        heat = per_ecosystem(ctx, "rate.transpiration_heat", "kJ/(m²*d)", VEG_GROUPS, SID)
        days = per_region(ctx, "climate.cooling_days", "d", SID)
        cop = scalar(ctx, "param.ac_cop", "1", SID)
        veg = R.vegetation_cooling_kwh(heat, areas * HM2_TO_M2, days, cop).sum("ecosystem")
        evap_mm = per_ecosystem(ctx, "rate.water_evaporation", "mm", EVAP_GROUPS, SID)
        evap_m3 = (evap_mm * 1e-3 * areas * HM2_TO_M2).sum("ecosystem")
        water = _water_term(ctx, name, evap_m3)
        return quantity(veg + water, "kWh", {"vegetation": veg, "water_surface": water})

    quantify.__name__ = f"climate_{name}"
    return quantify


def _climate_value(ctx, physical: Quantity, params) -> Quantity:
    price = scalar(ctx, "price.electricity", "元/kWh", SID)
    return quantity(ctx.priced(V.replacement_cost, physical.data, price, service=SID), "元")


_KEYS = {
    "tabular": ("param.latent_heat", "param.humidifier_kwh"),
    "tabular_cop": ("param.latent_heat", "param.humidifier_kwh"),
    "tabular_humidifier_only": ("param.humidifier_kwh",),
}


def _method(name: str):
    formula, _, zh, en, ref = WATER_TERMS[name]
    keys = ("rate.transpiration_heat", "climate.cooling_days", "param.ac_cop", "rate.water_evaporation",
            *_KEYS[name], "price.electricity")
    return method(name, zh, en, "tabular", _climate_q(name), _climate_value, inputs=("land_use",), keys=keys,
                  vzh="替代成本法", ven="replacement cost (electricity)", refs=(REF_BO, ref),
                  variant_of="" if name == "tabular" else "tabular", formula=f"{VEG_FORMULA} + {formula}")


declare(
    id=SID, zh="气候调节", en="Climate regulation", unit="kWh",
    pzh="蒸散降温增湿等效耗电量", pen="electricity equivalent of evapotranspiration cooling and humidifying",
    default="tabular", refs=(REF_BO, REF_GARZE, REF_SHANG, REF_SPEC),
    dzh="植被蒸腾：Σ 蒸腾耗热 × 面积 × 空调开放天数 /(3600 × 能效比)；水面蒸发三种已发表写法："
        "E·ρ·q/3600 + E·γ（甘孜州原文，默认）、E·ρ·q/(3600·R) + E·γ（与植被项一致的推导）、E·γ（仅加湿，商慧敏 2018）；替代成本法（电价）",
    den="vegetation: Σ transpiration heat × area × cooling days / (3600 × COP); water surface, three published "
        "readings: E·ρ·q/3600 + E·γ (Garzé as printed, default), E·ρ·q/(3600·R) + E·γ (consistent with the "
        "vegetation term, derived), E·γ (humidifying only, 商慧敏 2018); valued at the electricity price",
    methods=with_given({name: _method(name) for name in WATER_TERMS},
                       SID, "kWh", _climate_value, ("price.electricity",)),
)

"""Climate regulation (气候调节): transpiration and water-surface evaporation as electricity saved."""

from __future__ import annotations

from ...compute import regulating as R
from ...compute import valuation as V
from .._base import Quantity
from ..rates import per_ecosystem, per_region, scalar
from ._common import HM2_TO_M2, REF_BO, REF_GARZE, REF_SPEC, declare, method, quantity, with_given

VEG_GROUPS = ("forest", "grassland")
EVAP_GROUPS = ("water", "wetland")


def _climate_q(ctx, params) -> Quantity:
    sid = "climate_regulation"
    areas = ctx.require_areas(sid)
    heat = per_ecosystem(ctx, "rate.transpiration_heat", "kJ/(m²*d)", VEG_GROUPS, sid)
    days = per_region(ctx, "climate.cooling_days", "d", sid)
    cop = scalar(ctx, "param.ac_cop", "1", sid)
    veg = R.vegetation_cooling_kwh(heat, areas * HM2_TO_M2, days, cop).sum("ecosystem")
    evap_mm = per_ecosystem(ctx, "rate.water_evaporation", "mm", EVAP_GROUPS, sid)
    evap_m3 = (evap_mm * 1e-3 * areas * HM2_TO_M2).sum("ecosystem")
    latent = scalar(ctx, "param.latent_heat", "J/g", sid)
    humid = scalar(ctx, "param.humidifier_kwh", "kWh/m³", sid)
    water = R.water_evaporation_kwh(evap_m3, latent, humid)
    return quantity(veg + water, "kWh", {"vegetation": veg, "water_surface": water})


def _climate_value(ctx, physical: Quantity, params) -> Quantity:
    sid = "climate_regulation"
    price = scalar(ctx, "price.electricity", "元/kWh", sid)
    return quantity(ctx.priced(V.replacement_cost, physical.data, price, service=sid), "元")


declare(
    id="climate_regulation", zh="气候调节", en="Climate regulation", unit="kWh",
    pzh="蒸散降温增湿等效耗电量", pen="electricity equivalent of evapotranspiration cooling and humidifying",
    default="tabular", refs=(REF_BO, REF_GARZE, REF_SPEC),
    dzh="植被蒸腾：Σ 蒸腾耗热 × 面积 × 空调开放天数 /(3600 × 能效比)；水面蒸发：E·ρ·q/3600 + E·γ；替代成本法（电价）",
    den="vegetation: Σ transpiration heat × area × cooling days / (3600 × COP); water surface: E·ρ·q/3600 + E·γ; "
        "valued at the electricity price",
    methods=with_given({
        "tabular": method("tabular", "蒸腾与水面蒸发（按生态系统类型）", "transpiration and evaporation by ecosystem type",
                           "tabular", _climate_q, _climate_value, inputs=("land_use",),
                           keys=("rate.transpiration_heat", "climate.cooling_days", "param.ac_cop",
                                 "rate.water_evaporation", "param.latent_heat", "param.humidifier_kwh",
                                 "price.electricity"), vzh="替代成本法", ven="replacement cost (electricity)",
                           refs=(REF_BO,)),
    }, "climate_regulation", "kWh", _climate_value, ("price.electricity",)),
)

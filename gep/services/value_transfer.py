"""Tier 1: value transfer with the Xie et al. (2015) equivalent factors.

Eleven services, each valued as

    ESV_f = Σ_k A_k · e_fk · F_f · E_a

with A_k the area of ecosystem type k [hm²], e_fk the equivalent factor of
service f for type k [1], F_f the spatial adjustment factor that applies to the
service [1] and E_a the value of one standard equivalent [元/hm²].

The physical step computes the equivalent-weighted area A_k·e_fk·F_f
(标准当量面积, hm²); the valuation step multiplies it by E_a. E_a is the
national 3406.50 元/hm² (2010) of the coefficient set, a value given in the
config with its source, or recomputed from the region's grain statistics
(``gep.compute.value_transfer.regional_equivalent_value``).

Which adjustment factor applies to which service follows the usual reading of
Xie et al. (2015): NPP for food, raw materials, gas and climate regulation,
purification, nutrient cycling, biodiversity and aesthetic landscape;
precipitation for water supply and hydrological regulation; the soil
conservation ratio for soil conservation. This mapping is marked unverified
in gep's research notes (the paper's body was not reachable).
"""

from __future__ import annotations

from typing import Mapping


from ..compute.value_transfer import equivalent_area, esv_value
from ._base import Method, Quantity, Service, register

__all__ = ["XIE_SERVICES", "ADJUSTMENT_OF"]

REFERENCE = (
    "谢高地, 张彩霞, 张雷明, 陈文辉, 李士美. 基于单位面积价值当量因子的生态系统服务价值化方法改进. "
    "自然资源学报, 2015, 30(8): 1243-1254."
)

#: id -> (category, zh, en, adjustment factor)
XIE_SERVICES: dict[str, tuple[str, str, str, str]] = {
    "food_production": ("provisioning", "食物生产", "Food production", "npp"),
    "raw_materials": ("provisioning", "原料生产", "Raw materials", "npp"),
    "water_supply": ("provisioning", "水资源供给", "Water supply", "precipitation"),
    "gas_regulation": ("regulating", "气体调节", "Gas regulation", "npp"),
    "climate_regulation": ("regulating", "气候调节", "Climate regulation", "npp"),
    "purification": ("regulating", "净化环境", "Environmental purification", "npp"),
    "hydrological_regulation": ("regulating", "水文调节", "Hydrological regulation", "precipitation"),
    "soil_conservation": ("regulating", "土壤保持", "Soil conservation", "soil"),
    "nutrient_cycling": ("supporting", "维持养分循环", "Nutrient cycling", "npp"),
    "biodiversity": ("supporting", "生物多样性", "Biodiversity", "npp"),
    "aesthetic_landscape": ("cultural", "美学景观", "Aesthetic landscape", "npp"),
}

#: service id -> adjustment factor kind
ADJUSTMENT_OF = {f"esv.{k}": v[3] for k, v in XIE_SERVICES.items()}

FACTOR_LABELS = {
    "npp": {"zh": "NPP 调节因子", "en": "NPP adjustment factor"},
    "precipitation": {"zh": "降水调节因子", "en": "precipitation adjustment factor"},
    "soil": {"zh": "土壤保持调节因子", "en": "soil conservation adjustment factor"},
}


def _make_quantify(service_key: str, factor_kind: str):
    service_id = f"esv.{service_key}"

    def quantify(ctx, params: Mapping) -> Quantity:
        areas = ctx.require_areas(service_id)
        eq = ctx.coef_by_ecosystem(f"esv.equivalent.{service_key}", "1", service=service_id)
        factors = ctx.param("value_transfer", "adjustment")
        factor = factors[factor_kind] if factors is not None else 1.0
        data = equivalent_area(areas, eq, factor)
        data = data.assign_attrs(units="hm²")
        trace = []
        if factors is not None:
            trace.append({"service": service_id, "key": f"adjustment.{factor_kind}",
                          "value": "by region", "source": ctx.param("value_transfer", "adjustment_source", "config")})
        return Quantity(data=data, trace=trace)

    return quantify


def _value(ctx, physical: Quantity, params: Mapping) -> Quantity:
    unit_value = ctx.param("value_transfer", "equivalent_value_yuan_per_hm2")
    trace = []
    if unit_value is None:
        res = ctx.coef("esv.standard_equivalent_value", service=physical.data.name or "esv")
        unit_value = res.to("元/hm²")
    else:
        from_year = ctx.param("value_transfer", "equivalent_value_price_year")
        factor = ctx.rebase_factor(from_year)
        trace.append({"key": "esv.standard_equivalent_value", "value": unit_value, "unit": "元/hm²",
                      "price_year": from_year, "rebase_factor": factor,
                      "source": ctx.param("value_transfer", "equivalent_value_source", "config")})
        unit_value = unit_value * factor
    data = esv_value(physical.data, unit_value).assign_attrs(units="元")
    return Quantity(data=data, trace=trace)


for _key, (_cat, _zh, _en, _factor) in XIE_SERVICES.items():
    register(
        Service(
            id=f"esv.{_key}",
            category=_cat,
            label={"zh": _zh, "en": _en},
            physical_unit="hm²",
            physical_label={"zh": "标准当量面积", "en": "equivalent-weighted area"},
            methods={
                "xie2015": Method(
                    name="xie2015",
                    label={"zh": "谢高地 2015 当量因子法", "en": "Xie et al. 2015 equivalent factors"},
                    tier="value_transfer",
                    quantify=_make_quantify(_key, _factor),
                    value=_value,
                    inputs=("land_use",),
                    coefficient_keys=(f"esv.equivalent.{_key}", "esv.standard_equivalent_value"),
                    valuation={"zh": "价值当量转移", "en": "value transfer"},
                    references=(REFERENCE,),
                    params={"adjustment": f"{_factor} adjustment factor [1]",
                            "equivalent_value": "value of one standard equivalent [元/hm²]"},
                )
            },
            default_method="xie2015",
            references=(REFERENCE,),
            description={
                "zh": f"{_zh}：生态系统面积 × 当量因子 × {FACTOR_LABELS[_factor]['zh']} × 单位当量价值",
                "en": f"{_en}: ecosystem area × equivalent factor × {FACTOR_LABELS[_factor]['en']} × value of one equivalent",
            },
            family="xie2015",
        )
    )

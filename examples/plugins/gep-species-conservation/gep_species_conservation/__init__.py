"""Example gep plugin: species conservation (物种保育), U = Σ S_i · A_i.

The service gep does not ship, because the unit values are not sourced in gep's
research (the Shannon-Wiener class table of LY/T 1721 / GB/T 38582 could not be
read): here the county gives its own unit value per ecosystem type, with its
source, in its coefficient set (key ``rate.species_conservation_value``), e.g.
from the Shannon-Wiener index of its forest survey.

Method (LY/T 1721—2008 form, as implemented in public code): U = S × A, with
S the opportunity cost of species loss per unit area (单位面积年物种损失的机会成本,
元·hm⁻²·a⁻¹) and A the stand area (hm²). A published line item to check it with:
孙庆祥, 周华荣, 《阿尔泰山森林生态系统服务功能及其价值评估》 table 2 (ChinaXiv
202101.00012): 西伯利亚落叶松 507 147.6 hm² → 5071.48 ×10⁶ 元, i.e. S = 10 000
元/hm².

This file is also what a county would write for ``[account] plugins =
["species.py"]`` -- the same ``gep_plugin`` serves both ways in.
"""

from __future__ import annotations

from gep.services import Method, Plugin, Quantity, Service
from gep.services.rates import per_ecosystem, types_in

SID = "species_conservation"
KEY = "rate.species_conservation_value"
#: ecosystem types (or groups) the county gives a unit value for
GROUPS = ("forest",)
REFERENCES = (
    "LY/T 1721—2008 森林生态系统服务功能评估规范: U_生物 = S_生 × A (form as implemented in public code; "
    "the standard's text and its Shannon-Wiener class table were not read).",
    "王兵, 郑秋红, 郭浩. 基于Shannon-Wiener指数的中国森林物种多样性保育价值评估方法. 林业科学研究, 2008, 21(2): 268-274.",
    "孙庆祥, 周华荣. 阿尔泰山森林生态系统服务功能及其价值评估 (ChinaXiv:202101.00012), table 2 (check of U = S × A).",
)


def opportunity_cost(area_hm2, unit_value):
    r"""Species conservation value: area × opportunity cost of species loss per unit area.

    Parameters
    ----------
    area_hm2 : numeric
        Stand area :math:`A`. [hm²]
    unit_value : numeric
        :math:`S_生`, 单位面积年物种损失的机会成本. [元/(hm²·a)]

    Returns
    -------
    numeric
        :math:`U = S \cdot A`. [元/a]
    """
    return area_hm2 * unit_value


def _area(ctx, params) -> Quantity:
    """Physical quantity: the area of the ecosystem types the service applies to (hm²)."""
    areas = ctx.require_areas(SID)
    counted = areas.ecosystem.isin(types_in(GROUPS))
    return Quantity(data=areas.where(counted, 0.0).transpose("region", "ecosystem").assign_attrs(units="hm²"))


def _value(ctx, physical: Quantity, params) -> Quantity:
    # per type; a type with area and no row in the county's set is an error naming the key and type
    unit_value = per_ecosystem(ctx, KEY, "元/(hm²*a)", GROUPS, SID)
    data = ctx.priced(opportunity_cost, physical.data, unit_value, service=SID)
    return Quantity(data=data.transpose("region", "ecosystem").assign_attrs(units="元"))


SERVICE = Service(
    id=SID, category="regulating",
    label={"zh": "物种保育", "en": "Species conservation"},
    physical_unit="hm²", physical_label={"zh": "物种保育面积", "en": "area valued for species conservation"},
    methods={"unit_value": Method(
        name="unit_value", label={"zh": "面积 × 单位面积物种保育价值", "en": "area × unit value of species conservation"},
        tier="tabular", quantify=_area, value=_value, inputs=("land_use",), coefficient_keys=(KEY,),
        valuation={"zh": "机会成本法（单位面积价值）", "en": "opportunity cost per unit area"},
        references=REFERENCES, formula="Σ S_i·A_i")},
    default_method="unit_value", references=REFERENCES,
    description={"zh": "物种保育价值 U = Σ S_i·A_i，S 为县提供的单位面积物种保育价值（注明来源）",
                 "en": "species conservation U = Σ S_i·A_i, with S the unit value the county gives (with its source)"},
    family="species-conservation-plugin",
)

KEYS = {
    KEY: {"zh": "单位面积年物种保育价值（物种损失的机会成本）", "en": "annual value of species conservation per unit area",
          "unit": "元/(hm²·a)", "dimensionality": "[currency] / [length] ** 2 / [time]", "indexed_by": ["ecosystem"]},
}


def gep_plugin() -> Plugin:
    """What gep loads: the service and the coefficient key it reads."""
    return Plugin(services=(SERVICE,), keys=KEYS, name="species_conservation", version="0.1.0")

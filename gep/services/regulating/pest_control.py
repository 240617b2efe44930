"""Pest control (病虫害控制): the natural area that recovers from pests without control,
valued at the cost of controlling pests by hand (防治费用法).

Garzé 2017 (§2.4.9): "生态系统通过提高物种多样性水平增加天敌而降低植食性昆虫的种群数量……
采用防治费用法，用发生病虫害后自愈的面积和人工防治病虫害的成本来核算", with 375 元/hm² for
forest and 112.5 元/hm² for grassland (table 3). The "self-recovering area" it used
is the natural-ecosystem area, not pest-incidence statistics: 158 万hm² of natural
forest (天然林, about half its forest ecosystem) and its whole natural grassland,
711.1387 万hm² -- 5.9250 + 8.0003 = 13.93 亿元 (2010).

``tabular`` takes the land-use area of the forest types (conifer, mixed, broadleaf;
not shrubland, which Garzé counts as 灌丛) and of the grassland types. Where the
county has plantations, that overstates Garzé's natural-forest area: map the
plantation classes of the land-use scheme to another type, or leave the service
out. (There is no ``given`` method: one area per region could not be priced, the
two prices differ by type.)
"""

from __future__ import annotations

from ...compute import valuation as V
from .._base import Quantity
from ..rates import per_ecosystem, types_in
from ._common import REF_GARZE, declare, method, quantity, record_method

SID = "pest_control"
#: ecosystem types Garzé counts: 森林 (forest, not 灌丛) and 草地
PEST_TYPES = ("forest_conifer", "forest_mixed", "forest_broadleaf", "grassland")
REF_PEST = REF_GARZE + " §2.4.9 (method), table 3 and §3.2.9 (158 万hm² × 375 元/hm²; 711.13 万hm² × 112.5 元/hm²)."


def _pest_area(ctx, params) -> Quantity:
    areas = ctx.require_areas(SID)
    record_method(ctx, SID, "tabular", "Σ A_k·C_k (forest and grassland types of the land use)", "Garzé 2017 §2.4.9")
    counted = areas.ecosystem.isin(types_in(PEST_TYPES))
    return quantity(areas.where(counted, 0.0).transpose("region", "ecosystem", ...), "hm²")


def _pest_value(ctx, physical: Quantity, params) -> Quantity:
    # one price per ecosystem type; a counted type with area and no price row is an error
    price = per_ecosystem(ctx, "price.pest_control", "元/hm²", PEST_TYPES, SID)
    return quantity(ctx.priced(V.avoided_cost, physical.data, price, service=SID).transpose("region", "ecosystem", ...),
                    "元")


declare(
    id=SID, zh="病虫害控制", en="Pest control", unit="hm²",
    pzh="病虫害自愈面积", pen="area that recovers from pests without control",
    default="tabular", refs=(REF_PEST,),
    dzh="防治费用法：Σ 自愈面积 × 人工防治成本（森林 375、草地 112.5 元/hm²，甘孜州 2010）",
    den="avoided cost: Σ self-recovering area × cost of controlling pests by hand (forest 375, grassland "
        "112.5 元/hm², Garzé 2010)",
    methods={
        "tabular": method("tabular", "森林与草地面积（按生态系统类型）", "forest and grassland area by ecosystem type",
                           "tabular", _pest_area, _pest_value, inputs=("land_use",), keys=("price.pest_control",),
                           vzh="防治费用法", ven="avoided cost (manual pest control)", refs=(REF_PEST,),
                           formula="Σ A_k·C_k"),
    },
)

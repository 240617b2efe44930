"""Coastal protection (海岸带防护): protected shoreline × seawall cost ÷ service life [method unverified]."""

from __future__ import annotations

import xarray as xr

from ...compute import valuation as V
from ...errors import ConfigError, problem
from .._base import Quantity
from ..rates import scalar, statistic
from ._common import REF_SPEC, declare, method, quantity, with_given


def _coastal_q(ctx, params) -> Quantity:
    sid = "coastal_protection"
    length = statistic(ctx, "coastline_length", "m", sid)
    areas = ctx.require_areas(sid)
    if length == 0:  # an inland region declares coastline_length = 0
        return quantity(xr.zeros_like(areas.sum("ecosystem")), "m")
    flats = areas.sel(ecosystem="wetland") if "wetland" in areas.ecosystem else None
    if flats is None or float(ctx.areas.sel(ecosystem="wetland").sum()) == 0:  # the mapped areas
        raise ConfigError(problem("no_coastal_ecosystem", "有岸线但没有滨海湿地面积，无法分配海岸带防护",
                                  "a coastline is given but no coastal wetland area to allocate it to"))
    return quantity(length * flats / flats.sum("region"), "m")


def _coastal_value(ctx, physical: Quantity, params) -> Quantity:
    if float(abs(physical.data).sum()) == 0:
        return quantity(physical.data * 0.0, "元")
    sid = "coastal_protection"
    p = scalar(ctx, "price.seawall", "元/m", sid)
    life = scalar(ctx, "param.seawall_lifetime", "a", sid)
    return quantity(ctx.priced(V.replacement_cost, physical.data, p, service=sid) / life, "元")


declare(
    id="coastal_protection", zh="海岸带防护", en="Coastal protection", unit="m",
    pzh="受生态系统防护的岸线长度", pen="shoreline protected by coastal ecosystems", default="tabular",
    refs=(REF_SPEC,),
    dzh="防护岸线长度 × 单位长度海堤造价 ÷ 使用年限（替代成本法）[方法未经核实]",
    den="protected shoreline × seawall cost per metre ÷ service life (replacement cost) [method unverified]",
    methods=with_given({
        "tabular": method("tabular", "岸线长度（按滨海湿地分配）", "coastline length allocated by coastal wetland",
                           "tabular", _coastal_q, _coastal_value, inputs=("land_use", "economy:coastline_length"),
                           keys=("price.seawall", "param.seawall_lifetime"), vzh="替代成本法",
                           ven="replacement cost (seawall)", refs=(REF_SPEC,)),
    }, "coastal_protection", "m", _coastal_value, ("price.seawall", "param.seawall_lifetime")),
)

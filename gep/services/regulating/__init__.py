"""Regulating services (调节服务) the way the GEP standards compute them.

Each service first measures a physical quantity (功能量) per region, then prices
it (价值量) with a pricing method of :mod:`gep.compute.valuation` (the function
that ran is recorded in the provenance). Three ways in:

``tabular`` (tier 2)
    ecosystem area per region × per-area rates (coefficient set, by ecosystem
    type), with regional climate/soil factors resolved per region and regional
    statistics (emissions, reservoir capacity, coastline) from the account's
    ``economy`` table.
``spatial`` (tier 3)
    per-pixel models on rasters of one grid, summed by zone (township) with
    :func:`gep.services.spatial.zonal_total` (water balance, RUSLE, NPP).
``given``
    physical quantities computed elsewhere (InVEST, a survey): the
    ``[inputs] physical`` table ``region, service, quantity, unit``.

One module per service (``carbon_oxygen`` holds the two NPP services; ``pest_control``
is the Garzé 2017 service no profile lists by default). Where published methods differ,
each variant is a method naming the method it varies (``variant_of``), see ``docs/methods.md``;
formulas in :mod:`gep.compute.regulating`; prices and parameters in
coefficient sets (``cn-rcees`` and sets extending it). Each service declares
the ecosystem groups it applies to; an applicable ecosystem type with area but
no coefficient row is an error (never a silent zero).

References
----------
白玛卓嘎, 肖燚, 欧阳志云, 王莉雁 (2017). 甘孜藏族自治州生态系统生产总值核算研究.
生态学报 37(19): 6302-6312 -- formulas (1)-(10) and table 3 prices.
江波 et al. (2017). 白洋淀湿地生态系统最终服务价值评估. 生态学报 37(8).
GB/T 46869—2025; 《生态产品总值核算规范（试行）》 (发改基础〔2022〕481号);
DB33/T 2274—2025 (service list).
"""

# registration order is the order of `gep services list` and of the docs  # isort: skip_file
from . import water_conservation  # noqa: F401
from . import soil_retention  # noqa: F401
from . import flood_regulation  # noqa: F401
from . import purification  # noqa: F401
from . import carbon_oxygen  # noqa: F401
from . import climate_regulation  # noqa: F401
from . import coastal_protection  # noqa: F401
from . import sand_fixation  # noqa: F401
from . import pest_control  # noqa: F401
from ._common import REGULATING, given_quantity

__all__ = ["REGULATING", "given_quantity"]

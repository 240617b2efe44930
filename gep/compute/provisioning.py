"""Provisioning services (物质产品), pure functions.

Every function takes numbers (scalars, numpy arrays or pandas objects) in the
canonical units written in brackets after each parameter, and returns numbers.
There is no I/O, no unit registry and no coefficient look-up in here: reading
and converting a yearbook table is :mod:`gep.statistics`.

The method is the market-value method (市场价值法): value = quantity × price,
or the output value (产值) the statistics already give. Two choices that the
standards make differently are explicit arguments, never hidden defaults:

* **gross or net output** -- Garzé (白玛卓嘎 et al. 2017) used net output
  (净产值 = gross output − intermediate consumption); later county accounts
  mostly use gross output value (总产值) [U]. See :func:`net_output_value`.
* **external inflow** -- GB/T 46869—2025 subtracts the value of eco-products
  originating outside the region. See :func:`external_inflow_deduction`.

References
----------
白玛卓嘎, 肖燚, 欧阳志云, 王莉雁 (2017). 甘孜藏族自治州生态系统生产总值核算研究.
生态学报 37(19): 6302-6312 (ChinaXiv:201711.00120V1).
江波, 陈媛媛, 肖洋, 赵娟娟, 欧阳志云 (2017). 白洋淀湿地生态系统最终服务价值评估.
生态学报 37(8) (ChinaXiv:201704.00322V1).
GB/T 46869—2025 生态系统评估 陆域生态产品总值核算技术指南.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .valuation import market_value

__all__ = [
    "product_value",
    "net_output_value",
    "ecosystem_share_value",
    "external_inflow_deduction",
    "water_supply_value",
    "hydropower_value",
]


def _check_share(share, name: str = "share"):
    arr = np.asarray(share, dtype=float)
    if np.any(~np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"{name} must lie in [0, 1], got {share!r}")
    return share


def product_value(quantity, price):
    r"""Market value of a product (市场价值法): :func:`gep.compute.valuation.market_value` applied to products.

    Parameters
    ----------
    quantity : array_like
        Physical output :math:`Q_i` of product *i* in the year. [t] (or the
        product's own unit: m³ for timber and water, kWh for power, 根 for
        bamboo stems)
    price : array_like
        Price :math:`P_i` of one unit of the product. [元/t] (元 per the unit of
        ``quantity``)

    Returns
    -------
    array_like
        :math:`V_i = Q_i \cdot P_i`. [元/a]

    Notes
    -----
    .. math:: V_m = \sum_i Q_i \, P_i

    summed over products by the caller. The price is the producer (farm-gate)
    price of the accounting year, or of the base year for constant prices.

    Examples
    --------
    白洋淀 2011 water supply: ``product_value(0.98e8, 0.5)`` = 0.49×10⁸ 元.

    References
    ----------
    白玛卓嘎 et al. (2017), 物质产品 (市场价值法); 江波 et al. (2017), table of
    final services.
    """
    return market_value(np.asarray(quantity), np.asarray(price))


def net_output_value(gross, intermediate_consumption):
    r"""Net output value (净产值): gross output minus intermediate consumption.

    Parameters
    ----------
    gross : array_like
        Gross output value (总产值) :math:`V_g`. [元/a]
    intermediate_consumption : array_like
        Intermediate consumption (中间消耗: seed, feed, fertiliser, fuel …)
        :math:`C` of the same products. [元/a]

    Returns
    -------
    array_like
        :math:`V_n = V_g - C`. [元/a]

    Notes
    -----
    Garzé (2017) valued 农林牧渔 products at net output (净产值) so that
    purchased inputs are not credited to ecosystems. Most later standards and
    county accounts use gross output value [U]; :mod:`gep` defaults to gross
    (see :func:`gep.services.product_values.provisioning_by_group`).

    Raises
    ------
    ValueError
        If intermediate consumption exceeds gross output.

    References
    ----------
    白玛卓嘎 et al. (2017), 物质产品.
    """
    net = np.subtract(gross, intermediate_consumption)
    if np.any(np.asarray(net, dtype=float) < 0):
        raise ValueError("intermediate consumption exceeds gross output value")
    return net


def ecosystem_share_value(value, share):
    r"""Part of a value attributable to ecosystems.

    Parameters
    ----------
    value : array_like
        Output value of a product. [元/a]
    share : array_like
        Share :math:`s \in [0, 1]` of that value supplied by ecosystems (e.g.
        the part of fishery output from open waters, not from feed). [1]

    Returns
    -------
    array_like
        :math:`V \cdot s`. [元/a]

    Raises
    ------
    ValueError
        If a share lies outside [0, 1].
    """
    _check_share(share)
    return np.multiply(value, share)


def external_inflow_deduction(value, external_share):
    r"""Value left after subtracting eco-products that come from outside the region.

    Parameters
    ----------
    value : array_like
        Value of an eco-product accounted in the region. [元/a]
    external_share : array_like
        Share :math:`e \in [0, 1]` of that value that originates in ecosystems
        outside the region (e.g. water transferred in, fish caught in distant
        waters). [1]

    Returns
    -------
    array_like
        :math:`V \cdot (1 - e)`: the value net of the external inflow. [元/a]

    Notes
    -----
    GB/T 46869—2025 defines GEP as the sum of the money values of all
    eco-products that a region's ecosystems supply in the accounting period
    *minus the value of eco-products from outside the region*. The deducted
    amount itself is ``value * external_share``.

    References
    ----------
    GB/T 46869—2025 (definition, as quoted in the publication news; body text
    not checked).
    """
    _check_share(external_share, "external_share")
    return np.multiply(value, np.subtract(1.0, external_share))


def water_supply_value(use_m3_by_sector, price_by_sector):
    r"""Value of water supplied by ecosystems (水资源供给): Σ use × price by sector.

    Parameters
    ----------
    use_m3_by_sector : array_like or mapping or pandas.Series
        Water use :math:`W_k` by sector *k* (生活, 工业, 农业 …). A mapping or
        Series is matched to ``price_by_sector`` by key; arrays are matched by
        position along the last axis. [m³/a]
    price_by_sector : array_like or mapping or pandas.Series
        Water price :math:`P_k` of each sector. [元/m³]

    Returns
    -------
    float or numpy.ndarray
        :math:`V_w = \sum_k W_k P_k`. [元/a]

    Raises
    ------
    KeyError
        If a sector with water use has no price.

    Notes
    -----
    Garzé (2017) prices 生活 2.6, 工业 3.6 and 农业 0.07 元/m³ (甘孜 2010);
    白洋淀 (江波 et al. 2017) uses a single 0.5 元/m³ (水利工程水价).

    References
    ----------
    白玛卓嘎 et al. (2017); 江波 et al. (2017).
    """
    if isinstance(use_m3_by_sector, (Mapping, pd.Series)):
        use = pd.Series(dict(use_m3_by_sector) if isinstance(use_m3_by_sector, Mapping) else use_m3_by_sector,
                        dtype=float)
        price = pd.Series(dict(price_by_sector) if isinstance(price_by_sector, Mapping) else price_by_sector,
                          dtype=float)
        missing = [k for k in use.index if k not in price.index]
        if missing:
            raise KeyError(f"no water price for sector(s): {missing}")
        return float((use * price.reindex(use.index)).sum())
    return np.sum(np.multiply(use_m3_by_sector, price_by_sector), axis=-1)


def hydropower_value(kwh, price, share=1.0):
    r"""Value of hydropower (生态能源: 水力发电).

    Parameters
    ----------
    kwh : array_like
        Hydropower generation :math:`E`. [kWh/a]
    price : array_like
        Electricity price :math:`c`. [元/kWh]
    share : array_like
        Share of generation attributable to ecosystems (run-off supplied by the
        region's catchments); 1 counts all generation as in Garzé. [1]

    Returns
    -------
    array_like
        :math:`V_e = E \cdot c \cdot s`. [元/a]

    Notes
    -----
    Garzé (2017) valued 水电 at 0.53 元/kWh (甘孜 2010).

    References
    ----------
    白玛卓嘎 et al. (2017), 物质产品 (水电).
    """
    _check_share(share)
    return np.multiply(np.multiply(kwh, price), share)

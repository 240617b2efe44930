r"""Pricing methods (价值量核算方法) of GEP accounting.

Pure functions, broadcast elementwise over numbers, numpy arrays and xarray
DataArrays. Apart from the travel-cost method they all compute quantity ×
unit price; they are separate functions because the standards name the
method used for each service, and the name goes into the account's
provenance. The physical quantity and its price must be in matching units
(m³ with 元/m³, t with 元/t, kWh with 元/kWh): the ``services`` layer converts
them before calling.

================================ =========================== ===================================
function                         standard term               used for (CAS-RCEES lineage)
================================ =========================== ===================================
:func:`market_value`             市场价值法 (market price)     products, water supply, hydropower
:func:`replacement_cost`         替代成本法 (replacement cost) soil retention, sand fixation, climate
:func:`shadow_project`           影子工程法 (shadow project)   water conservation, flood regulation
:func:`avoided_cost`             防治费用法 (treatment cost)   air and water purification, pests
:func:`travel_cost`              旅行费用法 (travel cost)      recreation (景观游憩 / 休闲旅游)
================================ =========================== ===================================

References
----------
.. [Garze2017] 白玛卓嘎, 肖燚, 欧阳志云, 王莉雁 (2017). 甘孜藏族自治州生态系统生产
   总值核算研究. 生态学报 37(19): 6302-6312, table 2 (methods per service) [V].
.. [Jiang2017] 江波, 陈媛媛, 肖洋, 赵娟娟, 欧阳志云 (2017). 白洋淀湿地生态系统最终
   服务价值评估. 生态学报 37(8) (individual travel-cost model) [V].
"""

from __future__ import annotations

__all__ = ["market_value", "replacement_cost", "shadow_project", "avoided_cost", "travel_cost"]


def market_value(quantity, price):
    r"""Market-value method (市场价值法): quantity × market price.

    Parameters
    ----------
    quantity : numeric
        Physical quantity supplied, e.g. water used, electricity generated.
        [unit/a, e.g. m³/a]
    price : numeric
        Market price per unit of quantity. [元/unit, e.g. 元/m³]

    Returns
    -------
    numeric
        Value. [元/a]

    Notes
    -----
    .. math:: V = Q \cdot P

    References
    ----------
    .. [1] Garzé (2017): provisioning products, water resources, hydropower [V].
    """
    return quantity * price


def replacement_cost(quantity, unit_cost):
    r"""Replacement-cost method (替代成本法): quantity × cost of the man-made substitute.

    Parameters
    ----------
    quantity : numeric
        Physical quantity of the service in the unit of the substitute, e.g. m³
        of sediment to dredge, m² of desertified land to restore, kWh of
        air-conditioning. [unit/a]
    unit_cost : numeric
        Cost of the substitute per unit (dredging 元/m³, sand control 元/m²,
        electricity 元/kWh). [元/unit]

    Returns
    -------
    numeric
        Value. [元/a]

    Notes
    -----
    .. math:: V = Q \cdot C

    References
    ----------
    .. [1] Garzé (2017): soil retention, sand fixation, climate regulation [V].
    """
    return quantity * unit_cost


def shadow_project(quantity, unit_cost):
    r"""Shadow-project method (影子工程法): quantity × unit cost of an equivalent project.

    Parameters
    ----------
    quantity : numeric
        Water volume conserved or flood volume stored. [m³/a]
    unit_cost : numeric
        Construction cost of reservoir capacity (水库单位库容工程造价). [元/m³]

    Returns
    -------
    numeric
        Value. [元/a]

    Notes
    -----
    .. math:: V = Q \cdot P_w

    Check with Jiang et al. (2017): 2.45×10⁸ m³ × 6.11 元/m³ = 14.97×10⁸ 元 [V].

    References
    ----------
    .. [1] Garzé (2017): water conservation and flood regulation [V].
    """
    return quantity * unit_cost


def avoided_cost(quantity, unit_cost):
    r"""Treatment-cost (avoided-cost) method (防治费用法): quantity × cost of treating it.

    Parameters
    ----------
    quantity : numeric
        Pollutant removed by ecosystems (t), or area where pests were
        controlled naturally (hm²). [t/a or hm²/a]
    unit_cost : numeric
        Cost of treating one unit by engineering means (SO₂, NOx, dust, COD,
        NH₃-N …), or of controlling pests per hm². [元/t or 元/hm²]

    Returns
    -------
    numeric
        Value. [元/a]

    Notes
    -----
    .. math:: V = Q \cdot C

    References
    ----------
    .. [1] Garzé (2017): air and water purification, pest control [V].
    """
    return quantity * unit_cost


def travel_cost(visits, travel_cost, time_cost, consumer_surplus):
    r"""Travel-cost method (旅行费用法), individual form.

    Parameters
    ----------
    visits : numeric
        Number of visits. [人次/a]
    travel_cost : numeric
        Mean travel expenses per visit (transport, lodging, tickets). [元/人次]
    time_cost : numeric
        Mean value of travel time per visit (e.g. 30 % of the daily wage ×
        days). [元/人次]
    consumer_surplus : numeric
        Mean consumer surplus per visit, from a demand curve. [元/人次]

    Returns
    -------
    numeric
        Recreation value. [元/a]

    Notes
    -----
    .. math:: V = N \cdot (C_{travel} + C_{time} + CS)

    Check with Jiang et al. (2017): 135×10⁴ visits × (52.47 + 343.33 + 578.03)
    元 = 13.15×10⁸ 元 [V].

    References
    ----------
    .. [1] Jiang et al. (2017) (白洋淀, time value 30 % of wage, zero-truncated Poisson
       for consumer surplus) [V].
    """
    return visits * (travel_cost + time_cost + consumer_surplus)

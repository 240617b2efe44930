"""Cultural services (文化服务), pure functions.

Two families of methods:

* **recreation / tourism** (休闲旅游, 景观游憩): the travel-cost method, either
  per visit (白洋淀: travel cost + time cost + consumer surplus, times visits)
  or from total tourism revenue times the share attributable to ecosystems;
* **landscape value** (景观价值, 自然景观溢价): a hedonic premium on the value of
  property that enjoys a natural landscape -- a method reported by Shenzhen
  (自然景观溢价价值), whose exact specification was not found [U].

Every function takes an explicit share of the value attributable to
ecosystems: tourism revenue includes shopping, culture and business travel,
and a property premium may be due to schools as much as to lakes.

References
----------
江波, 陈媛媛, 肖洋, 赵娟娟, 欧阳志云 (2017). 白洋淀湿地生态系统最终服务价值评估.
生态学报 37(8) (ChinaXiv:201704.00322V1).
白玛卓嘎, 肖燚, 欧阳志云, 王莉雁 (2017). 甘孜藏族自治州生态系统生产总值核算研究.
生态学报 37(19): 6302-6312.
张亚立, 韩宝龙, 孙芳芳 (2023). 生态学报 43(17): 7023-7034 (Shenzhen GEP method).
"""

from __future__ import annotations

import numpy as np

from .provisioning import _check_share
from .valuation import travel_cost

__all__ = [
    "travel_cost_value",
    "time_cost",
    "tourism_revenue_value",
    "landscape_premium",
]


def travel_cost_value(visits, travel_cost_per_visit, time_cost_per_visit=0.0,
                      consumer_surplus_per_visit=0.0, share=1.0):
    r"""Recreation value by the individual travel-cost method (旅行费用法), times the ecosystem share.

    :func:`gep.compute.valuation.travel_cost` × ``share``.

    Parameters
    ----------
    visits : array_like
        Number of visits :math:`N` in the year. [人次/a]
    travel_cost_per_visit : array_like
        Mean travel expenses per visit :math:`C_t` (transport, lodging, food,
        tickets). [元/人次]
    time_cost_per_visit : array_like
        Mean value of the time spent per visit :math:`C_w`; see
        :func:`time_cost`. [元/人次]
    consumer_surplus_per_visit : array_like
        Mean consumer surplus per visit :math:`S` (from the demand curve; 白洋淀
        fitted a zero-truncated Poisson model). [元/人次]
    share : array_like
        Share of the recreation value attributable to ecosystems. [1]

    Returns
    -------
    array_like
        :math:`V_r = N \, (C_t + C_w + S) \, s`. [元/a]

    Notes
    -----
    白洋淀 2011: 135×10⁴ 人次 × (52.47 + 343.33 + 578.03) 元/人次
    = 13.1467×10⁸ 元, published as 13.15×10⁸ 元.

    References
    ----------
    江波 et al. (2017), 休闲娱乐.
    """
    _check_share(share)
    value = travel_cost(np.asarray(visits), np.asarray(travel_cost_per_visit), np.asarray(time_cost_per_visit),
                        np.asarray(consumer_surplus_per_visit))
    return np.multiply(value, share)


def time_cost(daily_wage, duration, share=0.3, *, hours_per_day=None):
    r"""Value of the time a visitor spends on a trip (时间成本).

    Parameters
    ----------
    daily_wage : array_like
        Visitor's wage for one working day :math:`w`. [元/d]
    duration : array_like
        Time spent on the trip (travel and stay) :math:`t`. [d], or [h] when
        ``hours_per_day`` is given.
    share : float
        Opportunity cost of leisure time as a share of the wage rate; 0.3 in
        白洋淀 (time value = 30 % of the daily wage). [1]
    hours_per_day : float, optional
        Working hours in one day, to convert a duration given in hours. No
        default: say how long the working day is. [h/d]

    Returns
    -------
    array_like
        :math:`C_w = w \, t \, k`. [元/人次]

    References
    ----------
    江波 et al. (2017): time value = 30 % of the daily wage.
    """
    _check_share(share)
    days = duration if hours_per_day is None else np.divide(duration, hours_per_day)
    return np.multiply(np.multiply(daily_wage, days), share)


def tourism_revenue_value(revenue, eco_share):
    r"""Recreation value from total tourism revenue (旅游收入法).

    Parameters
    ----------
    revenue : array_like
        Tourism revenue of the region :math:`R` (旅游总收入). [元/a]
    eco_share : array_like
        Share :math:`s` of that revenue attributable to ecosystems (nature-based
        tourism). No default: 1 reproduces an account that counts all tourism
        revenue (as Garzé's 旅游总收入 basis [V]); a cultural-heritage or urban
        destination needs less. [1]

    Returns
    -------
    array_like
        :math:`V_r = R \cdot s`. [元/a]

    References
    ----------
    白玛卓嘎 et al. (2017), 文化服务 (travel-cost method from 旅游总人次 and
    旅游总收入).
    """
    _check_share(eco_share, "eco_share")
    return np.multiply(revenue, eco_share)


def landscape_premium(property_value, premium_rate, share=1.0, *, includes_premium=True,
                      annual_rate=None):
    r"""Hedonic landscape premium (景观溢价) on property near natural landscapes. [U]

    Parameters
    ----------
    property_value : array_like
        Value of the property that enjoys the landscape :math:`P`; compute it
        as floor area × unit price when that is what you have. [元]
    premium_rate : array_like
        Price uplift :math:`r` of such property over comparable property
        without the landscape (from a hedonic regression: :math:`r = e^\beta - 1`
        for a log-price coefficient :math:`\beta`). [1]
    share : array_like
        Share of the uplift attributable to ecosystems (rather than to the
        view of a built landmark, say). [1]
    includes_premium : bool
        ``True`` when :math:`P` is the observed value (premium included), so
        the premium is :math:`P \, r / (1 + r)`; ``False`` when :math:`P` is
        the value without the landscape, so the premium is :math:`P \, r`.
    annual_rate : float, optional
        Rate that turns the capitalised premium (a stock) into a yearly flow
        (e.g. a discount or rent-to-price rate). ``None`` returns the
        capitalised premium. [1/a]

    Returns
    -------
    array_like
        :math:`V_l = P \, \frac{r}{1 + r} \, s \, [\times a]`. [元] or [元/a]

    Notes
    -----
    Shenzhen reports 自然景观溢价价值 (109.75×10⁸ 元 in 2020, §4.4 of the
    methods notes) but how it is specified and annualised was not found: this
    function is a generic hedonic premium and is marked **[U]** (unverified
    against a standard).

    References
    ----------
    张亚立, 韩宝龙, 孙芳芳 (2023), 生态学报 43(17): 7023-7034 (Shenzhen GEP;
    opening only).
    """
    _check_share(share)
    r = np.asarray(premium_rate, dtype=float)
    if np.any(r < 0) or np.any(~np.isfinite(r)):
        raise ValueError(f"premium_rate must be finite and >= 0, got {premium_rate!r}")
    uplift = np.divide(premium_rate, np.add(1.0, premium_rate)) if includes_premium else premium_rate
    value = np.multiply(np.multiply(property_value, uplift), share)
    if annual_rate is not None:
        value = np.multiply(value, annual_rate)
    return value

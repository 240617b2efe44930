"""Eco-economy indicators of the 两山 base plans (表1 rows 11-14), pure functions.

The plans ("绿水青山就是金山银山"实践创新基地建设指标, e.g. 上虞区 表1) list, under
推动两山转化:

====  ==================================================  =========================
row   indicator                                           function
====  ==================================================  =========================
11    居民人均生态产品产值占比                             :func:`resident_eco_product_share`
12    绿色、有机农产品产值占农业总产值比重                 :func:`green_organic_share`
13    生态加工业产值占工业总产值比重                       :func:`eco_processing_share`
14    生态旅游收入占服务业总产值比重                       :func:`eco_tourism_share`
====  ==================================================  =========================

No reachable source gave the official definitions; the ones here are the
plain ratios their names say, tagged **[U]**, with each choice an argument.
Every ratio is returned in percent. Money arguments may be in any one money
unit (元, 万元, 亿元) as long as numerator and denominator use the same one.

Check with the 上虞 2021 figures (seed 000_01c03a54af597a57, 二、(4) and 表1):
旅游总收入 66.8 亿元 ÷ 第三产业增加值 512.63 亿元 = 13.03 % (表1 row 14: 13.03 %).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "green_organic_share",
    "eco_processing_share",
    "eco_tourism_share",
    "resident_eco_product_share",
    "eco_economy_output",
    "realised_gep",
    "per_resident",
]


def _percent(numerator, denominator):
    den = np.asarray(denominator, dtype=float)
    if np.any(den <= 0):
        raise ValueError(f"denominator must be positive, got {denominator!r}")
    return np.multiply(np.divide(numerator, denominator), 100.0)


def green_organic_share(green_output, agri_output):
    r"""Share of green and organic farm products in agricultural output (表1 row 12). [U]

    Parameters
    ----------
    green_output : array_like
        Output value of certified green, organic (and, in some plans,
        geographical-indication) farm products :math:`G`. [元/a]
    agri_output : array_like
        Agricultural output value :math:`A`; 上虞 uses 农林牧渔业总产值. [元/a]

    Returns
    -------
    array_like
        :math:`100 \, G / A`. [%]

    Notes
    -----
    上虞's plan notes that it used the "绿色优质农产品比率" statistic (58.2 % in
    2021), so its numerator may be wider than certified green/organic output.
    """
    return _percent(green_output, agri_output)


def eco_processing_share(eco_processing_output, industrial_output):
    r"""Share of eco-product processing in industrial output (表1 row 13). [U]

    Parameters
    ----------
    eco_processing_output : array_like
        Output value of industries that process eco-products (food, tea,
        bamboo and wood processing …) :math:`P`. [元/a]
    industrial_output : array_like
        Industrial output value :math:`I` (工业总产值; a county often only has
        规模以上工业产值). [元/a]

    Returns
    -------
    array_like
        :math:`100 \, P / I`. [%]
    """
    return _percent(eco_processing_output, industrial_output)


def eco_tourism_share(eco_tourism_revenue, tertiary_value_added):
    r"""Share of eco-tourism revenue in the service sector (表1 row 14). [U]

    Parameters
    ----------
    eco_tourism_revenue : array_like
        Eco-tourism revenue :math:`T`; 上虞 2021 matches 旅游总收入. [元/a]
    tertiary_value_added : array_like
        Service-sector output :math:`S`; 上虞 2021 matches 第三产业增加值. [元/a]

    Returns
    -------
    array_like
        :math:`100 \, T / S`. [%]

    Notes
    -----
    Hand check (上虞 2021): 66.8 / 512.63 = 13.03 %, the plan's status value.
    The indicator's name says 服务业总产值 but the matching denominator is value
    added (增加值); revenue and value added are not like for like, which is
    why this is a ratio indicator, not a share of anything.
    """
    return _percent(eco_tourism_revenue, tertiary_value_added)


def eco_economy_output(green_output, eco_processing_output, eco_tourism_revenue):
    r"""Numerator option A of row 11: the three 生态经济 items of 表1. [U]

    Parameters
    ----------
    green_output : array_like
        Green/organic farm output (row 12 numerator). [元/a]
    eco_processing_output : array_like
        Eco-processing industry output (row 13 numerator). [元/a]
    eco_tourism_revenue : array_like
        Eco-tourism revenue (row 14 numerator). [元/a]

    Returns
    -------
    array_like
        :math:`G + P + T`. [元/a]
    """
    return np.add(np.add(green_output, eco_processing_output), eco_tourism_revenue)


def realised_gep(provisioning, cultural):
    r"""Numerator option B of row 11: realised GEP (两山转化价值). [V]

    Parameters
    ----------
    provisioning : array_like
        Value of provisioning services (物质产品). [元/a]
    cultural : array_like
        Value of cultural services (文化服务). [元/a]

    Returns
    -------
    array_like
        :math:`V_m + V_c`: the part of GEP that is sold in markets. [元/a]

    References
    ----------
    陈梅 et al. (2021). 生态学报 41(14): 5899-5907 (宁海: “两山”转化价值 =
    生态产品价值 + 生态文化价值).
    """
    return np.add(provisioning, cultural)


def per_resident(total, population):
    r"""A total divided by the resident population.

    Parameters
    ----------
    total : array_like
        Total (GDP, eco-product output …). [元/a]
    population : array_like
        Resident population :math:`N`. [人]

    Returns
    -------
    array_like
        :math:`X / N`. [元/(人·a)]
    """
    pop = np.asarray(population, dtype=float)
    if np.any(pop <= 0):
        raise ValueError(f"population must be positive, got {population!r}")
    return np.divide(total, population)


def resident_eco_product_share(numerator_total, population, denominator_per_resident):
    r"""Resident eco-product share (居民人均生态产品产值占比, 表1 row 11). [U]

    Parameters
    ----------
    numerator_total : array_like
        Eco-product output value of the region :math:`E`, one of
        (A) the three 生态经济 items, :func:`eco_economy_output`, or
        (B) realised GEP = provisioning + cultural, :func:`realised_gep`. [元/a]
    population : array_like
        Population :math:`N` used for "per resident" (户籍 or 常住). [人]
    denominator_per_resident : array_like
        Per-resident denominator :math:`D`: GDP per resident
        (:func:`per_resident` of GDP) or disposable income per resident
        (居民人均可支配收入). [元/(人·a)]

    Returns
    -------
    array_like
        :math:`100 \, (E / N) / D`. [%]

    Notes
    -----
    The official definition was not found. The methods notes recall the
    denominator as 人均可支配收入 [U]; with GDP per resident (computed on the same
    population) the ratio reduces to :math:`E / \mathrm{GDP}`.

    With 上虞 2021 figures (all in 亿元): option A with 农林牧渔业总产值 73.80 in
    place of the green share, 1.24 % × 1914.82 = 23.74 and 66.8 gives
    164.34 / 1135.68 = 14.47 % with a GDP denominator, near the plan's
    14.45 %; the plan does not say how it computed its value, so this is a
    coincidence worth checking, not a definition.
    """
    return _percent(per_resident(numerator_total, population), denominator_per_resident)

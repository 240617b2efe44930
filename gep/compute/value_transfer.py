"""Value transfer with equivalent factors (当量因子法), pure functions.

Reference: 谢高地, 张彩霞, 张雷明, 陈文辉, 李士美 (2015). 基于单位面积价值当量因子
的生态系统服务价值化方法改进. 自然资源学报 30(8): 1243-1254.
"""

from __future__ import annotations

import numpy as np

__all__ = ["regional_equivalent_value", "equivalent_area", "esv_value"]


def regional_equivalent_value(sown_area, price, yield_per_area, natural_share=1 / 7):
    r"""Value of one standard equivalent for a region, from its grain statistics.

    Parameters
    ----------
    sown_area : array_like
        Sown area :math:`m_i` of each grain crop. [hm²]
    price : array_like
        Average price :math:`p_i` of each crop. [元/t]
    yield_per_area : array_like
        Yield :math:`q_i` of each crop. [t/hm²]
    natural_share : float
        Share of the farmland grain value that an ecosystem without human input
        supplies; 1/7 in the method. [1]

    Returns
    -------
    float
        :math:`E_a`. [元/hm²]

    Notes
    -----
    .. math:: E_a = \frac{1}{7} \sum_i \frac{m_i p_i q_i}{M}, \qquad M = \sum_i m_i

    Worked example (晋陕蒙, ChinaXiv:201809.00013): a grain yield of
    3088.33 kg/hm² at 2.30 元/kg gives 3088.33 × 2.30 / 7 = 1014.74 元/hm².

    References
    ----------
    ChinaXiv:201903.00171, ChinaXiv:202209.00159 (method text);
    Xie et al. (2015).
    """
    m = np.asarray(sown_area, dtype=float)
    p = np.asarray(price, dtype=float)
    q = np.asarray(yield_per_area, dtype=float)
    total = m.sum()
    if total <= 0:
        raise ValueError("total sown area must be positive")
    return float(natural_share * (m * p * q).sum() / total)


def equivalent_area(area_hm2, equivalent, factor=1.0):
    r"""Equivalent-weighted area: the physical quantity of value transfer.

    Parameters
    ----------
    area_hm2 : array_like
        Area of each ecosystem type :math:`A_k`. [hm²]
    equivalent : array_like
        Equivalent factor of the service for each type :math:`e_{fk}`. [1]
    factor : array_like
        Spatial adjustment factor of the service (NPP, precipitation or soil
        conservation ratio of the region to the reference). [1]

    Returns
    -------
    array_like
        :math:`A_k \cdot e_{fk} \cdot F`. [hm²] (standard-equivalent hectares)
    """
    return area_hm2 * equivalent * factor


def esv_value(equivalent_hm2, unit_value):
    r"""Ecosystem service value of an equivalent-weighted area.

    Parameters
    ----------
    equivalent_hm2 : array_like
        Equivalent-weighted area (:func:`equivalent_area`). [hm²]
    unit_value : array_like
        Value of one standard equivalent :math:`E_a`. [元/hm²]

    Returns
    -------
    array_like
        :math:`ESV = \sum_k A_k e_{fk} F \cdot E_a`. [元/a]

    References
    ----------
    ChinaXiv:202104.00050, ChinaXiv:202108.00069 (ESV = Σ A_k·VC_fk,
    VC = equivalent × E_a).
    """
    return equivalent_hm2 * unit_value

r"""Air and water purification (空气净化 / 水质净化): pollutants removed, capped at emissions.

Pure functions, broadcast elementwise; canonical units in each docstring.
Evidence tags: **[V]** read in the source, **[D]** derived, **[U]** unverified
(``research/gep_methods.md``).

Sources cited below
-------------------
.. [Garze2017] 白玛卓嘎, 肖燚, 欧阳志云, 王莉雁 (2017). 甘孜藏族自治州生态系统
   生产总值核算研究. 生态学报 37(19): 6302-6312. doi:10.5846/stxb201607011362
.. [Bo2017] 博文静 et al. (2017). ChinaXiv 201706.00846.
"""

from __future__ import annotations

import numpy as np

__all__ = ["purification_capacity", "capped_purification"]


# ---------------------------------------------------------------------------
# 空气净化 / 水质净化 Purification
# ---------------------------------------------------------------------------
def purification_capacity(rate_per_area, area):
    r"""Pollutant an ecosystem can absorb or retain in a year (净化能力).

    Parameters
    ----------
    rate_per_area : numeric
        Purification rate per unit area, e.g. SO₂ absorbed. [kg/(hm²·a)]
    area : numeric
        Ecosystem area. [hm²]

    Returns
    -------
    numeric
        Purification capacity. [kg/a]

    Notes
    -----
    .. math:: Q_{cap} = \sum_i q_i \cdot A_i

    Any consistent pair works (t/(km²·a) × km² → t/a); the canonical pair
    is the one above.

    References
    ----------
    .. [1] [Bo2017]_ per-area form :math:`V_a = (Q_{SO_2} c_{SO_2} + …) \cdot A` [V].
    .. [2] MEE guide (2020) :math:`Q = \sum Q_i A_i` [U].
    """
    return rate_per_area * area


def capped_purification(capacity, emission):
    r"""Purified quantity: the capacity, but never more than what is emitted.

    Parameters
    ----------
    capacity : numeric
        Purification capacity of the ecosystems (:func:`purification_capacity`). [t/a]
    emission : numeric
        Emission of the same pollutant in the region. [t/a]

    Returns
    -------
    numeric
        :math:`\min(Q_{cap}, E)` elementwise. [t/a]

    Notes
    -----
    .. math:: Q = \min(Q_{cap}, E)

    A NaN in either input gives NaN (never silently the other value).

    References
    ----------
    .. [1] [Garze2017]_ used the emission totals as the purified quantity [V].
    .. [2] MEE guide (2020): use emissions when they are below capacity [U].
    """
    return np.minimum(capacity, emission)

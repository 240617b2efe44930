r"""Dividing a budget among regions: weights, a floor and a cap, and rounding that adds up.

Pure arithmetic for :mod:`gep.decisions` (``gep allocate``). Every rule there
turns the figures of an account into one non-negative **weight** per region
(its GEP, its GEP per km², its regulating-service GEP, or a reward/penalty
weight from its GEP change); this module divides the budget by those
weights.

Division with a floor and a cap
-------------------------------
With budget :math:`B`, weights :math:`w_i \ge 0` (:math:`i = 1 … n`), a
floor :math:`f` and a cap :math:`c` (amounts per region):

.. math::

    a_i = \min\bigl(c,\; f + \lambda\, w_i\bigr), \qquad
    \text{with } \lambda \ge 0 \text{ such that } \sum_i a_i = B .

Every region gets the floor; the rest is shared in proportion to the weights;
a region that would pass the cap is held at the cap and what it would have had
goes to the others, again in proportion to their weights. Without floor and
cap this is the plain proportional share :math:`a_i = B\,w_i / \sum_j w_j`.
:math:`a_i` never decreases when :math:`w_i` increases (a region with more of
the base never gets less). The division is done in exact rational arithmetic
(:class:`fractions.Fraction`), so no rounding error enters before the last
step.

Rounding that adds up (largest remainder)
-----------------------------------------
Amounts are paid in whole units (元, or 万元 …). Each region first gets
:math:`\lfloor a_i \rfloor` units; the :math:`B - \sum_i \lfloor a_i \rfloor`
units left (fewer than :math:`n`) go one each to the regions with the largest
fractional parts :math:`a_i - \lfloor a_i \rfloor` (Hamilton's method; ties go
to the larger weight, then to the region listed first). The rounded amounts
add up to :math:`B` exactly, and each differs from :math:`a_i` by less than
one unit.

All amounts here are **integers in units of the rounding unit** (a budget of
1 亿元 paid in 万元 is ``budget_units = 10000``); converting units is the
caller's job (:mod:`gep.units`).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence

import numpy as np

from ..errors import AllocationError, problem

__all__ = [
    "divide_with_floor_cap",
    "largest_remainder",
    "allocate_units",
    "change_weights",
]


def _check_weights(weights) -> list[Fraction]:
    w = np.asarray(weights, dtype=float).ravel()
    problems = []
    if w.size == 0:
        problems.append(problem("no_regions", "没有可分配的地区", "there are no regions to allocate to"))
    bad = [i for i, x in enumerate(w) if not math.isfinite(x)]
    if bad:
        problems.append(problem("weight_not_finite", f"分配依据中有空值或无穷值（第 {bad} 项）",
                                f"the allocation base has empty or infinite values (items {bad})", value=bad,
                                hint_zh="检查核算结果中这些地区的数值", hint_en="check these regions' figures in the account"))
    neg = [i for i, x in enumerate(w) if math.isfinite(x) and x < 0]
    if neg:
        problems.append(problem("negative_weight", f"分配依据不能为负（第 {neg} 项）",
                                f"allocation weights must not be negative (items {neg})", value=neg,
                                hint_zh="按比例分配只适用于非负的依据；有增有减的变化量请用 gep_change 规则",
                                hint_en="proportional rules need a non-negative base; for changes that can be negative "
                                        "use the gep_change rule"))
    if problems:
        raise AllocationError(problems)
    return [Fraction(float(x)) for x in w]


def divide_with_floor_cap(weights: Sequence[float], budget: int | Fraction, floor: int | Fraction = 0,
                          cap: int | Fraction | None = None) -> list[Fraction]:
    r"""Exact amounts :math:`a_i = \min(c, f + \lambda w_i)` adding up to the budget.

    Parameters
    ----------
    weights : sequence of float
        Non-negative weight of each region (any unit; only ratios matter).
    budget : int or Fraction
        Budget :math:`B`. [unit of the allocation]
    floor : int or Fraction, default 0
        Amount every region gets at least, :math:`f`. [unit of the allocation]
    cap : int or Fraction, optional
        Amount no region gets more than, :math:`c`. [unit of the allocation]

    Returns
    -------
    list of Fraction
        :math:`a_i`, exactly, in the order of ``weights``; they add up to :math:`B`.

    Raises
    ------
    AllocationError
        No regions; a weight that is negative, empty or infinite; a negative
        budget, floor or cap; a cap below the floor; a floor the budget
        cannot pay (:math:`n f > B`); a cap that cannot take the whole budget;
        all weights zero while money is left above the floors.
    """
    w = _check_weights(weights)
    n = len(w)
    B, f = Fraction(budget), Fraction(floor)
    c = None if cap is None else Fraction(cap)
    problems = []
    if B < 0:
        problems.append(problem("negative_budget", f"预算不能为负：{float(B):g}", f"the budget must not be negative: {float(B):g}",
                                value=float(B)))
    if f < 0:
        problems.append(problem("negative_floor", f"保底额不能为负：{float(f):g}", f"the floor must not be negative: {float(f):g}",
                                value=float(f)))
    if c is not None and c < f:
        problems.append(problem("cap_below_floor", f"封顶额 {float(c):g} 低于保底额 {float(f):g}",
                                f"the cap {float(c):g} is below the floor {float(f):g}", value=float(c)))
    if problems:
        raise AllocationError(problems)
    if n * f > B:
        raise AllocationError(problem(
            "floor_exceeds_budget", f"保底额 {float(f):g} × {n} 个地区 = {float(n * f):g}，超过预算 {float(B):g}",
            f"floor {float(f):g} × {n} regions = {float(n * f):g} is more than the budget {float(B):g}",
            value=float(f), hint_zh="降低保底额或提高预算", hint_en="lower the floor or raise the budget"))
    rest = B - n * f
    positive = [i for i in range(n) if w[i] > 0]
    if rest > 0 and not positive:
        raise AllocationError(problem(
            "all_zero_base", "所有地区的分配依据都为 0：保底之外的预算无法按比例分配",
            "every region's allocation base is zero: the budget above the floors cannot be shared in proportion",
            hint_zh="换一个分配规则，或检查核算结果", hint_en="choose another rule, or check the account's figures"))
    if c is not None:
        room = len(positive) * (c - f)
        if rest > room:
            raise AllocationError(problem(
                "cap_too_low", f"封顶额 {float(c):g} 过低：{len(positive)} 个可分配地区最多分得 "
                f"{float(n * f + room):g}，少于预算 {float(B):g}",
                f"the cap {float(c):g} is too low: the {len(positive)} regions with a positive base can take at most "
                f"{float(n * f + room):g}, less than the budget {float(B):g}",
                value=float(c), hint_zh="提高封顶额或降低预算", hint_en="raise the cap or lower the budget"))
    amounts = [f] * n
    if rest == 0:
        return amounts
    if c is None:
        total_w = sum(w[i] for i in positive)
        for i in positive:
            amounts[i] = f + rest * w[i] / total_w
        return amounts
    # regions reach the cap in order of the threshold (c - f) / w_i at which they would pass it
    room_each = c - f
    order = sorted(positive, key=lambda i: (room_each / w[i], i))
    free_w = sum(w[i] for i in positive)
    capped = 0
    while True:
        lam = (rest - capped * room_each) / free_w
        nxt = order[capped] if capped < len(order) else None
        if nxt is None or lam * w[nxt] <= room_each:
            break
        free_w -= w[nxt]
        capped += 1
    for k, i in enumerate(order):
        amounts[i] = c if k < capped else f + lam * w[i]
    return amounts


def largest_remainder(amounts: Sequence[Fraction], total: int, weights: Sequence[float] | None = None) -> np.ndarray:
    r"""Round exact amounts to whole units that add up to ``total`` (Hamilton's method).

    Parameters
    ----------
    amounts : sequence of Fraction
        Exact amounts :math:`a_i \ge 0` that add up to ``total``. [units]
    total : int
        The whole number of units to hand out. [units]
    weights : sequence of float, optional
        Tie-break: of two equal fractional parts, the larger weight gets the
        unit first (then the earlier region).

    Returns
    -------
    numpy.ndarray of int64
        :math:`\lfloor a_i \rfloor`, plus one unit for the
        :math:`\mathrm{total} - \sum \lfloor a_i \rfloor` largest fractional parts.

    Raises
    ------
    ValueError
        If ``amounts`` do not add up to ``total`` exactly or one is negative
        (a programming error, not a user's).
    """
    exact = [Fraction(a) for a in amounts]
    if any(a < 0 for a in exact) or sum(exact) != total:
        raise ValueError("amounts must be non-negative and add up to total exactly")
    base = [math.floor(a) for a in exact]
    left = int(total) - sum(base)
    w = list(weights) if weights is not None else [0.0] * len(exact)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - base[i]), -w[i], i))
    for i in order[:left]:
        base[i] += 1
    return np.asarray(base, dtype=np.int64)


def allocate_units(weights: Sequence[float], budget_units: int, floor_units: int = 0,
                   cap_units: int | None = None) -> tuple[list[Fraction], np.ndarray]:
    """Divide ``budget_units`` whole units by weights, with floor and cap, and round.

    Returns ``(exact, rounded)``: the exact amounts of
    :func:`divide_with_floor_cap` and the whole units of
    :func:`largest_remainder`, which add up to ``budget_units`` and keep
    floor and cap (both are whole units).
    """
    for name, value in (("budget", budget_units), ("floor", floor_units), ("cap", cap_units)):
        if value is not None and (isinstance(value, bool) or int(value) != value):
            raise AllocationError(problem(
                f"{name}_not_whole_units", f"{name} 必须是取整单位的整数倍：{value}",
                f"the {name} must be a whole number of the rounding unit: {value}", value=value))
    exact = divide_with_floor_cap(weights, int(budget_units), int(floor_units),
                                  None if cap_units is None else int(cap_units))
    return exact, largest_remainder(exact, int(budget_units), weights=[float(x) for x in np.asarray(weights, float).ravel()])


def change_weights(growth_pct, reward_per_point: float, penalty_per_point: float) -> np.ndarray:
    r"""Reward/penalty weights from GEP growth, relative to an equal share.

    .. math::

        w_i = \max\Bigl(0,\; 1 + r\,\max(g_i, 0) - p\,\max(-g_i, 0)\Bigr)

    A region whose GEP did not change has weight 1 (an equal share before the
    budget is balanced); each percentage point of growth adds :math:`r`, each
    point of decline takes away :math:`p`. The weights are then divided by
    :func:`divide_with_floor_cap`, so the budget is kept: what one region
    gains, the others give up. :math:`w_i` never decreases when :math:`g_i`
    increases.

    Parameters
    ----------
    growth_pct : array_like
        GEP growth at constant prices :math:`g_i`. [%]
    reward_per_point : float
        :math:`r`, weight added per percentage point of growth. [1/%]
    penalty_per_point : float
        :math:`p`, weight taken away per percentage point of decline. [1/%]

    Returns
    -------
    numpy.ndarray
        :math:`w_i`. [1]

    Notes
    -----
    The shape (a fixed amount per percentage point, the penalty rate larger
    than the reward rate) follows the reward/penalty on energy use per unit of
    GDP in Zhejiang's 《关于建立健全绿色发展财政奖补机制的若干意见》 (2017):
    each point of decrease rewarded with 50 万元, each point of increase
    penalised with 100 万元 (央广网/浙江在线, 2017-09-20). Applying it to GEP
    growth, and balancing it within a fixed budget, is this library's
    configurable formula, not a published rule.
    """
    g = np.asarray(growth_pct, dtype=float)
    problems = []
    if not np.all(np.isfinite(g)):
        problems.append(problem("growth_not_finite", "GEP 增长率中有空值或无穷值（某地区上一年 GEP 为 0？）",
                                "GEP growth has empty or infinite values (a region with zero GEP in the earlier year?)"))
    for name, value in (("reward_per_point", reward_per_point), ("penalty_per_point", penalty_per_point)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
            problems.append(problem(f"bad_{name}", f"{name} 必须是非负数：{value!r}", f"{name} must be a non-negative number: {value!r}",
                                    value=value))
    if problems:
        raise AllocationError(problems)
    return np.maximum(0.0, 1.0 + reward_per_point * np.maximum(g, 0.0) - penalty_per_point * np.maximum(-g, 0.0))

r"""Judging a figure against a target: met or not, the margin, the probability, the rank.

Pure arithmetic for :mod:`gep.decisions` (``gep appraise``). Figure and
target are in the same unit (the caller converts).

Directions
----------
==============  ======  ==========================================  ==================
direction       sign    met when                                    margin :math:`m`
==============  ======  ==========================================  ==================
``at_least``    ≥       :math:`v \ge t` (or equal to rounding)      :math:`v - t`
``above``       >       :math:`v > t` and not equal to rounding     :math:`v - t`
``at_most``     ≤       :math:`v \le t` (or equal to rounding)      :math:`t - v`
``below``       <       :math:`v < t` and not equal to rounding     :math:`t - v`
==============  ======  ==========================================  ==================

The margin is signed so that a positive margin is always on the good side of
the target; the relative margin is :math:`m / |t|` (undefined for
:math:`t = 0`). "Equal to rounding" is :func:`math.isclose` with relative
tolerance ``rtol`` (default 10⁻⁹), so 100.00000000001 meets "≥ 100".

With draws of the figure (Monte Carlo, a ``draw`` dimension), the
probability of having met the target is the share of draws that meet it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DIRECTIONS", "margin", "is_met", "relative_margin", "probability_met", "competition_rank"]

#: direction id -> symbol, labels, and +1 when higher is better / -1 when lower is better
DIRECTIONS: dict[str, dict] = {
    "at_least": {"symbol": "≥", "zh": "不低于", "en": "at least", "sense": +1, "strict": False},
    "above": {"symbol": ">", "zh": "高于", "en": "above", "sense": +1, "strict": True},
    "at_most": {"symbol": "≤", "zh": "不高于", "en": "at most", "sense": -1, "strict": False},
    "below": {"symbol": "<", "zh": "低于", "en": "below", "sense": -1, "strict": True},
}


def _spec(direction: str) -> dict:
    try:
        return DIRECTIONS[direction]
    except KeyError:
        raise ValueError(f"unknown direction {direction!r}; use one of {', '.join(DIRECTIONS)}") from None


def margin(value, target, direction: str):
    r"""Signed margin, positive on the good side of the target.

    Parameters
    ----------
    value : array_like
        Figure :math:`v`. [unit of the target]
    target : array_like
        Target :math:`t`. [unit of the target]
    direction : str
        One of :data:`DIRECTIONS`.

    Returns
    -------
    array_like
        :math:`v - t` for ``at_least``/``above``, :math:`t - v` for
        ``at_most``/``below``. [unit of the target]
    """
    return _spec(direction)["sense"] * (np.asarray(value, dtype=float) - np.asarray(target, dtype=float))


def _close(value, target, rtol):
    v, t = np.asarray(value, dtype=float), np.asarray(target, dtype=float)
    return np.abs(v - t) <= rtol * np.maximum(np.abs(v), np.abs(t))


def is_met(value, target, direction: str, rtol: float = 1e-9):
    """Whether the figure meets the target (boolean array; see the module table)."""
    spec = _spec(direction)
    m = margin(value, target, direction)
    close = _close(value, target, rtol)
    return (m > 0) & ~close if spec["strict"] else (m > 0) | close


def relative_margin(margin_value, target):
    r""":math:`m / |t|` (NaN where :math:`t = 0`). [1]"""
    m, t = np.asarray(margin_value, dtype=float), np.abs(np.asarray(target, dtype=float))
    return np.divide(m, t, out=np.full(np.broadcast(m, t).shape, np.nan), where=t != 0)


def probability_met(draws, target, direction: str, rtol: float = 1e-9) -> float:
    r"""Share of draws that meet the target, :math:`P(\text{met}) = \frac{1}{N}\sum_k [v_k \text{ meets } t]`.

    Parameters
    ----------
    draws : array_like, 1-D
        :math:`N` draws of the figure. [unit of the target]
    target : float
        [unit of the target]
    direction : str

    Raises
    ------
    ValueError
        If there are no draws or a draw is not finite.
    """
    d = np.asarray(draws, dtype=float).ravel()
    if d.size == 0 or not np.all(np.isfinite(d)):
        raise ValueError("draws must be a non-empty array of finite numbers")
    return float(np.mean(is_met(d, target, direction, rtol)))


def competition_rank(scores):
    """Rank, 1 = highest score; equal scores share the best rank ("1224"); NaN is not ranked (NaN).

    Parameters
    ----------
    scores : array_like
        Higher is better.

    Returns
    -------
    numpy.ndarray of float
    """
    s = np.asarray(scores, dtype=float)
    out = np.full(s.shape, np.nan)
    ok = np.isfinite(s)
    vals = s[ok]
    # rank = 1 + number of strictly better scores
    out[ok] = 1 + (vals[None, :] > vals[:, None]).sum(axis=1)
    return out

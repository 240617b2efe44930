"""Sums by group, to the last bit as pandas gives them, without building a pandas groupby.

``Series.groupby(keys).sum()`` (and ``pivot_table(aggfunc="sum")``, which uses it)
adds the values of each group in row order with Kahan's compensation
(``group_sum`` in ``pandas/_libs/groupby.pyx``): the sum of 10¹⁶ and four 1.0 is
10¹⁶ + 4, where a plain loop gives 10¹⁶. An account's tables are short (a
statistics table, a land-use table of a few hundred rows), so setting up a
groupby costs far more than the additions; :func:`grouped_sums` does the same
additions in a loop, so the sums are the same to the last bit
(``tests/test_speed_equivalence.py`` compares them with pandas).
"""

from __future__ import annotations

from typing import Hashable, Iterable

__all__ = ["grouped_sums"]


def grouped_sums(keys: Iterable[Hashable], values: Iterable[float]) -> dict[Hashable, float]:
    r"""Sum of ``values`` by key, each key's values added in their order with Kahan's compensation.

    For each key, with running sum :math:`s` and compensation :math:`c` (both 0 at first),
    every value :math:`v` gives :math:`y = v - c`, :math:`t = s + y`, :math:`c = (t - s) - y`,
    :math:`s = t`; a NaN value is skipped (the key still gets a sum, 0 if all are NaN), and a
    compensation that became NaN (an infinite value) is set back to 0 -- as pandas does.

    Parameters
    ----------
    keys : iterable of hashable
        The group of each row.
    values : iterable of float
        The value of each row (Python or numpy floats).

    Returns
    -------
    dict
        key -> sum, keys in the order they first appear (sort them for ``groupby(sort=True)``).
    """
    total: dict[Hashable, float] = {}
    compensation: dict[Hashable, float] = {}
    for key, value in zip(keys, values):
        if key not in total:
            total[key], compensation[key] = 0.0, 0.0
        if value != value:  # NaN: skipped
            continue
        s = total[key]
        y = value - compensation[key]
        t = s + y
        c = t - s - y
        compensation[key] = 0.0 if c != c else c
        total[key] = t
    return total

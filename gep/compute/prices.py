r"""Price indices: chain yearly changes into a level series, and rebase values.

Money in an account always has a price year (DESIGN.md §5). To compare two
years at constant prices, or to bring a coefficient priced in 2010 to the
account's year, a value is multiplied by the ratio of a price index between
the two years. China's National Bureau of Statistics publishes the consumer
price index (居民消费价格指数, CPI) as a yearly change "上年=100" (previous
year = 100); :func:`chain_index` turns those changes into a level series,
:func:`rebase_factor` and :func:`rebase` use it.

A year that is needed and missing is an error (:class:`~gep.errors.DeflatorError`)
naming the year and the series -- never a silent factor of 1.0.

These functions are pure: numbers and pandas Series in, numbers and Series
out. Loading an index from a coefficient set is :func:`gep.coefficients.deflators.price_index_series`.
"""

from __future__ import annotations

from typing import Literal, Mapping

import pandas as pd

from ..errors import DeflatorError, problem

__all__ = ["chain_index", "rebase_factor", "rebase", "missing_years"]

ChangeKind = Literal["change_pct", "index_prev100", "ratio"]


def missing_years(years) -> list[int]:
    """Years missing between the smallest and the largest of ``years``.

    Parameters
    ----------
    years : iterable of int
        Years present. [a]

    Returns
    -------
    list of int
        Sorted gaps; empty when the years are contiguous.
    """
    ys = sorted({int(y) for y in years})
    if not ys:
        return []
    present = set(ys)
    return [y for y in range(ys[0], ys[-1] + 1) if y not in present]


def _ratios(changes: Mapping[int, float] | pd.Series, kind: ChangeKind, name: str) -> dict[int, float]:
    items = changes.items() if hasattr(changes, "items") else dict(changes).items()
    out: dict[int, float] = {}
    for year, v in items:
        v = float(v)
        if kind == "change_pct":
            r = 1.0 + v / 100.0
        elif kind == "index_prev100":
            r = v / 100.0
        elif kind == "ratio":
            r = v
        else:
            raise ValueError(f"kind must be 'change_pct', 'index_prev100' or 'ratio', got {kind!r}")
        if not r > 0:  # also catches NaN
            raise DeflatorError(problem(
                "bad_price_change",
                f"价格指数 {name} 的 {int(year)} 年变化 {v!r} 使价格水平非正",
                f"price index {name}: the change {v!r} for {int(year)} gives a non-positive price level",
                value=v,
                hint_zh="检查数值与其形式（涨幅百分数、上年=100 指数或比值）",
                hint_en="check the value and its form (percent change, index with previous year = 100, or ratio)"))
        out[int(year)] = r
    return out


def chain_index(
    annual_change_pct_by_year: Mapping[int, float] | pd.Series,
    base_year: int,
    *,
    kind: ChangeKind = "change_pct",
    name: str = "price index",
) -> pd.Series:
    r"""Chain yearly price changes into a price level series with ``base_year`` = 1.

    Parameters
    ----------
    annual_change_pct_by_year : mapping or pandas.Series
        Year → change of the price level from the previous year to that year.
        With ``kind="change_pct"`` (default) the percent change, e.g. ``0.9``
        for NBS's 2021 CPI of 100.9 (上年=100); with ``kind="index_prev100"``
        the index itself, ``100.9``; with ``kind="ratio"`` the ratio,
        ``1.009``. [%], [上年=100] or [1]
    base_year : int
        Year whose level is 1.0. It must lie in the span the changes cover:
        from the year before the first change to the last year. [a]
    kind : {"change_pct", "index_prev100", "ratio"}
        Form of the values (see above).
    name : str
        Name of the series, used in error messages and as the Series name.

    Returns
    -------
    pandas.Series
        Year → price level relative to ``base_year`` (float, index named
        ``year``), covering the year before the first change through the last
        change. [1]

    Raises
    ------
    DeflatorError
        If the years are not contiguous (the message lists the missing
        years), if ``base_year`` is outside the span, or a change would make
        the level non-positive.

    Notes
    -----
    With :math:`r_t` the ratio of the price level in year :math:`t` to that of
    year :math:`t-1` (:math:`r_t = 1 + c_t/100` for a percent change
    :math:`c_t`), the level relative to base year :math:`b` is

    .. math::

        I_t = \prod_{s=b+1}^{t} r_s \quad (t > b), \qquad I_b = 1, \qquad
        I_t = \prod_{s=t+1}^{b} r_s^{-1} \quad (t < b).

    Hand check: CPI 2020 = 102.5 and 2021 = 100.9 (上年=100) with base 2019
    give :math:`I_{2021} = 1.025 \times 1.009 = 1.034225`.

    References
    ----------
    国家统计局 (National Bureau of Statistics of China). 居民消费价格指数
    (CPI), 上年=100, in the yearly 国民经济和社会发展统计公报 and the
    December CPI release of each year.
    """
    ratios = _ratios(annual_change_pct_by_year, kind, name)
    if not ratios:
        raise DeflatorError(problem(
            "empty_price_index", f"价格指数 {name} 没有任何年份", f"price index {name} has no years",
            hint_zh="提供逐年的价格变化", hint_en="give the yearly price changes"))
    gaps = missing_years(ratios)
    if gaps:
        raise DeflatorError(problem(
            "price_index_gap",
            f"价格指数 {name} 缺少年份：{', '.join(map(str, gaps))}",
            f"price index {name} is missing years: {', '.join(map(str, gaps))}",
            value=gaps,
            hint_zh="补齐缺失年份的价格指数（注明来源）；不会按 1.0 处理",
            hint_en="add the missing years (with their source); a missing year is never taken as 1.0"))
    first, last = min(ratios) - 1, max(ratios)
    base_year = int(base_year)
    if not first <= base_year <= last:
        raise DeflatorError(problem(
            "base_year_outside_index",
            f"基年 {base_year} 不在价格指数 {name} 的覆盖范围 {first}–{last} 内",
            f"base year {base_year} is outside the span {first}–{last} of price index {name}",
            value=base_year,
            hint_zh="选择覆盖范围内的基年，或补充更多年份",
            hint_en="choose a base year in the span, or add years to the index"))
    levels = {base_year: 1.0}
    for year in range(base_year + 1, last + 1):
        levels[year] = levels[year - 1] * ratios[year]
    for year in range(base_year - 1, first - 1, -1):
        levels[year] = levels[year + 1] / ratios[year + 1]
    out = pd.Series(levels, dtype=float, name=name).sort_index()
    out.index.name = "year"
    out.attrs["base_year"] = base_year
    return out


def rebase_factor(index: pd.Series | Mapping[int, float], from_year: int, to_year: int) -> float:
    r"""Factor that brings a value from ``from_year`` prices to ``to_year`` prices.

    Parameters
    ----------
    index : pandas.Series or mapping
        Year → price level (any base), e.g. from :func:`chain_index`. [1]
    from_year : int
        Price year of the value. [a]
    to_year : int
        Price year wanted. [a]

    Returns
    -------
    float
        :math:`I_{to} / I_{from}`. [1]

    Raises
    ------
    DeflatorError
        If either year is not in ``index`` (the message names the year and the
        series and gives the years it covers), or a level is not positive.

    Notes
    -----
    .. math:: f = \frac{I_{\text{to}}}{I_{\text{from}}}

    A value in 2019 prices times :math:`f` is in 2021 prices. With the NBS
    CPI (2020: 102.5, 2021: 100.9, 上年=100), :math:`f = 1.025 \times 1.009`.
    """
    name = getattr(index, "name", None) or "price index"
    levels = index if isinstance(index, pd.Series) else pd.Series(dict(index), dtype=float)
    for year in (from_year, to_year):
        if int(year) not in levels.index:
            covered = f"{int(levels.index.min())}–{int(levels.index.max())}" if len(levels) else "none"
            raise DeflatorError(problem(
                "missing_price_index_year",
                f"价格指数 {name} 中没有 {int(year)} 年（已有年份：{covered}）",
                f"price index {name} has no value for {int(year)} (years covered: {covered})",
                value=int(year),
                hint_zh="在价格指数系数集中补充该年（注明来源），或改用覆盖该年的指数",
                hint_en="add the year to the price-index coefficient set (with its source), or use an index that covers it"))
    lo, hi = float(levels.loc[int(from_year)]), float(levels.loc[int(to_year)])
    if not (lo > 0 and hi > 0):
        raise DeflatorError(problem(
            "bad_price_level", f"价格指数 {name} 的水平值非正或缺失", f"price index {name} has a non-positive or missing level",
            value=(lo, hi)))
    return hi / lo


def rebase(value, price_year: int, target_year: int, index: pd.Series | Mapping[int, float]):
    r"""Express a money value given in ``price_year`` prices in ``target_year`` prices.

    Parameters
    ----------
    value : scalar, array_like, xarray.DataArray or pandas object
        Money value(s) in prices of ``price_year``. [元]
    price_year : int
        The year whose prices ``value`` is in. [a]
    target_year : int
        The year whose prices are wanted. [a]
    index : pandas.Series or mapping
        Year → price level, e.g. :func:`chain_index` output. [1]

    Returns
    -------
    same type as ``value``
        ``value × rebase_factor(index, price_year, target_year)``. [元]

    Raises
    ------
    DeflatorError
        If a year is missing from ``index``.

    Notes
    -----
    .. math:: V_{\text{target}} = V_{\text{price year}} \, \frac{I_{\text{target}}}{I_{\text{price year}}}
    """
    return value * rebase_factor(index, price_year, target_year)

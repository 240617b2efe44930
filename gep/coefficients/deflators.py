"""Price index series read from a coefficient set.

A price index is stored in a coefficient set like any coefficient: one row per
year under a key declared in ``gep/data/keys/prices.toml`` (``price_index.cpi``,
``price_index.ppi``), ``valid_from`` = the year, the value as the index with
the previous year = 100 and unit ``%`` (so ``100.9 %`` is the ratio 1.009).
The shipped set ``cn-price-indices`` holds China's national CPI.

:func:`price_index_series` turns those rows into a price *level* series with
:func:`gep.compute.prices.chain_index`, ready for
:func:`gep.compute.prices.rebase`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pandas as pd

from ..compute.prices import chain_index, missing_years
from ..errors import DeflatorError, problem
from ..units import parse_unit

__all__ = ["price_index_series", "PLAUSIBLE_RATIO"]

#: A yearly price ratio outside this open interval is taken as a unit mistake
#: (e.g. 100.9 stored with unit "1" instead of "%", or a percent change 0.9
#: stored as if it were the index), not as a price change.
PLAUSIBLE_RATIO = (0.5, 2.0)


def price_index_series(
    cset,
    key: str = "price_index.cpi",
    region_chain: Sequence[str] = ("*",),
    *,
    base_year: int | None = None,
) -> pd.Series:
    """Price level series (year → level) chained from a set's yearly index rows.

    Parameters
    ----------
    cset : CoefficientSet or str or path
        A loaded set, or a shipped set name / set folder to load.
    key : str, default "price_index.cpi"
        Coefficient key of the index.
    region_chain : sequence of str, default ("*",)
        Region codes from most to least specific; ``"*"`` is appended if
        absent. For each year the row of the most specific region that has
        that year is used, so a county set may give its own index for some
        years and fall back to the national one for the others.
    base_year : int, optional
        Year whose level is 1.0; default the first year of the series (the
        year before the first change).

    Returns
    -------
    pandas.Series
        Year → price level (float, index named ``year``, name = key), from
        the year before the first row through the last row. ``attrs`` hold
        ``set``, ``key``, ``base_year`` and ``provenance`` (year → set, source,
        region, file and row of the row used). [1]

    Raises
    ------
    DeflatorError
        If the set has no row for ``key``, the years are not contiguous (the
        message lists the missing years), or a row's ratio is implausible
        (outside :data:`PLAUSIBLE_RATIO`, usually a wrong unit).
    """
    if not hasattr(cset, "table"):
        from .load import load_coefficients

        p = Path(str(cset))
        cset = load_coefficients(path=p) if p.is_dir() else load_coefficients(str(cset))
    chain = [str(r) for r in region_chain] + (["*"] if "*" not in region_chain else [])
    # a set is read-only (gep.coefficients.sets): its series is chained once, and a copy handed out
    cache = cset.__dict__.setdefault("_price_index_series", {})
    ident = (key, tuple(chain), base_year)
    if ident not in cache:
        cache[ident] = _series(cset, key, chain, base_year)
    return cache[ident].copy(deep=True)


def _series(cset, key: str, chain: list[str], base_year: int | None) -> pd.Series:
    """The price level series of :func:`price_index_series` (uncached)."""
    table = cset.table
    rows = table[(table["key"] == key) & (table["ecosystem"] == "*") & (table["region"].astype(str).isin(chain))]
    if rows.empty:
        raise DeflatorError(problem(
            "missing_price_index",
            f"系数集 {cset.id} 中没有价格指数 {key}（地区 {', '.join(chain)}）",
            f"coefficient set {cset.id} has no price index {key} (regions {', '.join(chain)})",
            value=key,
            hint_zh="使用内置系数集 cn-price-indices，或在县级系数集中补充逐年指数（注明来源）",
            hint_en="use the shipped set cn-price-indices, or add the yearly index (with sources) to a county set"))
    rank = {r: i for i, r in enumerate(chain)}
    rows = rows.assign(_rank=rows["region"].astype(str).map(rank)).sort_values(["valid_from", "_rank"])
    chosen = rows.drop_duplicates("valid_from", keep="first")

    ratios: dict[int, float] = {}
    provenance: dict[int, dict] = {}
    for _, r in chosen.iterrows():
        year = int(r["valid_from"])
        ratio = float((parse_unit(r["unit"] or "1") * float(r["value"])).to("dimensionless").magnitude)
        lo, hi = PLAUSIBLE_RATIO
        if not lo < ratio < hi:
            raise DeflatorError(problem(
                "implausible_price_index",
                f"{key} {year} 年的值 {r['value']} {r['unit']} 折合比值 {ratio:g}，不像上年=100 的价格指数",
                f"{key} for {year}: {r['value']} {r['unit']} is a ratio of {ratio:g} to the previous year, "
                f"which is not a plausible price change",
                file=str(r["_file"]), row=int(r["_row"]), column="unit", value=f"{r['value']} {r['unit']}",
                hint_zh="按统计公报的上年=100 指数填写并以 % 为单位，如 100.9 与 %",
                hint_en="store the index with previous year = 100 and unit %, e.g. 100.9 with unit %"))
        ratios[year] = ratio
        provenance[year] = {
            "set": str(r["_set"]), "source": str(r["source"]), "region": str(r["region"]),
            "file": str(r["_file"]), "row": int(r["_row"]), "value": float(r["value"]), "unit": str(r["unit"]),
        }
    gaps = missing_years(ratios)
    if gaps:
        raise DeflatorError(problem(
            "price_index_gap",
            f"系数集 {cset.id} 的价格指数 {key} 缺少年份：{', '.join(map(str, gaps))}",
            f"price index {key} in coefficient set {cset.id} is missing years: {', '.join(map(str, gaps))}",
            value=gaps,
            hint_zh="补齐缺失年份（注明来源）；缺失年份不会按 1.0 处理",
            hint_en="add the missing years (with their sources); a missing year is never taken as 1.0"))
    first = min(ratios) - 1
    series = chain_index(ratios, first if base_year is None else base_year, kind="ratio", name=key)
    series.attrs.update(set=cset.id, key=key, provenance=provenance)
    return series

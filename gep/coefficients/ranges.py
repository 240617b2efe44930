"""The range of a coefficient row: ``low``, ``high``, ``distribution``, ``range_source``, ``range_note``.

A row may say how uncertain its value is. The columns are optional; a row
without them is used at its value in every draw of an uncertainty run
(``gep run --uncertainty N``), and the run lists it as not sampled.

``distribution``
    ``uniform``, ``triangular``, ``normal`` or ``lognormal`` -- a *parametric*
    range, what ``low`` and ``high`` mean for each is in :mod:`gep.compute.sampling`
    (normal and lognormal: the 2.5 % and 97.5 % quantiles); or ``structural`` --
    the lowest and highest of several *published point values* of the same
    parameter (other studies, years, places). A structural range is not a
    sampling distribution: an uncertainty run reports the GEP at each end of it
    apart (one row at a time) and samples it (uniformly) only when asked
    (``[uncertainty] include_structural = true``), and then says so.
``low``, ``high``
    In the row's unit and, for money, the row's ``price_year`` (they are rebased
    with the value).
``range_source``
    Source id(s) of the range, ``;``-separated, each declared under
    ``[sources]`` of the manifest, when the range comes from other sources than
    the value (a structural range always does). Empty: the row's ``source``.
``range_note``
    Where the range comes from: the published values, their years, any arithmetic.
    Required with every range (``range_without_note``): ``low`` and ``high`` are
    numbers that enter an uncertainty run, and like every number they say where
    they are printed.

The range columns are not part of :attr:`CoefficientSet.sha256` (what a
deterministic account rests on); :attr:`CoefficientSet.ranges_sha256` hashes them.
"""

from __future__ import annotations

import math

import pandas as pd

from ..compute.sampling import DISTRIBUTIONS, range_problem
from ..errors import Problem, problem

__all__ = ["RANGE_COLUMNS", "DISTRIBUTIONS", "check_ranges", "range_sources"]

#: columns that describe a row's range (optional; excluded from the set's ``sha256``)
RANGE_COLUMNS = ["low", "high", "distribution", "range_source", "range_note"]


def _text(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


def _number(v):
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def range_sources(frame: pd.DataFrame) -> set[str]:
    """Source ids named in ``range_source`` of a table."""
    if "range_source" not in frame:
        return set()
    out = set()
    for v in frame["range_source"]:
        out.update(s.strip() for s in _text(v).split(";") if s.strip())
    return out


def check_ranges(frame: pd.DataFrame, sources: dict) -> list[Problem]:
    """Problems with the range columns of a coefficient table (every row, every problem)."""
    if not any(c in frame for c in ("low", "high", "distribution", "range_source")):
        return []
    problems: list[Problem] = []
    for _, r in frame.iterrows():
        where = dict(file=r["_file"], row=int(r["_row"]))
        dist = _text(r.get("distribution"))
        low, high = _number(r.get("low")), _number(r.get("high"))
        raw_low, raw_high = _text(r.get("low")), _text(r.get("high"))
        for col, raw, num in (("low", raw_low, low), ("high", raw_high, high)):
            if raw and raw.lower() != "nan" and num is None:
                problems.append(problem("bad_range_value", f"{col} {raw!r} 不是数字", f"{col} {raw!r} is not a number",
                                        column=col, value=raw, **where))
        if not dist:
            if low is not None or high is not None:
                problems.append(problem(
                    "range_without_distribution", "给出了 low/high 却没有 distribution",
                    "low/high are given without a distribution", column="distribution", **where,
                    hint_zh=f"distribution 写 {', '.join(DISTRIBUTIONS)} 之一（多个已发表点值之间的范围写 structural）",
                    hint_en=f"write one of {', '.join(DISTRIBUTIONS)} (structural for the range of several published "
                            "point values)"))
            continue
        value = r.get("value")
        if value is None or pd.isna(value):
            continue  # the value's own problem is reported by check_rows
        found = range_problem(dist, float(value), low, high)
        if found is not None:
            code, zh, en = found
            problems.append(problem(code, f"系数 {r['key']} 的范围：{zh}", f"range of {r['key']}: {en}",
                                    column="distribution" if code == "bad_distribution" else "low",
                                    value=dist if code == "bad_distribution" else f"{low}–{high}", **where,
                                    hint_zh="low/high 的含义见 docs/uncertainty.md；没有发表的范围就留空",
                                    hint_en="what low/high mean is in docs/uncertainty.md; leave them empty when no "
                                            "range is published"))
        if not _text(r.get("range_note")):  # low and high are numbers: they say where they are printed
            problems.append(problem(
                "range_without_note", f"系数 {r['key']} 的范围没有 range_note（范围印在来源的何处、如何得出）",
                f"the range of {r['key']} has no range_note (where its source prints it, or how it was derived)",
                column="range_note", **where,
                hint_zh="写出页码/表号与原文数值（如“表 3：均值 ± 标准差 …”）；没有发表的范围就把 low/high/distribution 留空",
                hint_en="give the page/table and the printed figures (e.g. 'Table 3: mean ± SD …'); leave low/high/"
                        "distribution empty when no range is published"))
        if dist == "structural" and not _text(r.get("range_source")):
            problems.append(problem(
                "structural_without_source", f"系数 {r['key']} 的 structural 范围需要 range_source（其他发表值的来源）",
                f"the structural range of {r['key']} needs range_source (the sources of the other published values)",
                column="range_source", **where))
    for _, r in frame.iterrows():
        for sid in (s.strip() for s in _text(r.get("range_source")).split(";") if s.strip()):
            if sid not in sources:
                problems.append(problem(
                    "unknown_source", f"range_source 中的来源 {sid!r} 未在 manifest.toml 的 [sources] 中声明",
                    f"range source {sid!r} is not declared under [sources] in manifest.toml", column="range_source",
                    value=sid, file=r["_file"], row=int(r["_row"])))
    return problems

"""Judging the Two-Mountains indicator table (表1 of the plans) against its targets.

The table is read by :func:`gep.io.two_mountains.read_indicator_table`;
:func:`evaluate_indicator_table` fills the rows ``gep`` computes from the
account and says, row by row, whether the target is met -- or why that cannot
be said. Nothing is guessed: a row whose target cannot be judged from the
numbers given gets ``met = None`` and a reason in both languages.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Mapping

import pandas as pd

from ..errors import ConfigError, problem
from ..io.tables import frame_records
from ..io.two_mountains import COMPUTED_BY, read_indicator_table

__all__ = ["evaluate_indicator_table", "judge_row"]


def _num(x) -> float | None:
    if x is None:
        return None
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    return float(x)


def _fmt(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _judge(r: Mapping, value, prev: float | None, rtol: float):
    """(met, reference, reference_kind, reason_zh, reason_en) for one row."""
    direction = r["direction"]
    target = _num(r["target_value"])
    baseline = _num(r["baseline_value"])
    tol = _num(r["tolerance"])

    if direction == "qualitative":
        if r.get("achieved") is not None and not (isinstance(r["achieved"], float) and math.isnan(r["achieved"])):
            ok = bool(r["achieved"])
            return ok, r["target_text"], "achieved", "按 achieved 列的判断", "as recorded in column achieved"
        status = "" if value is None else str(value)
        if status and status == str(r["target_text"]).strip():
            return True, r["target_text"], "target_text", "现状与目标表述相同", "status text equals the target text"
        if not status:
            return None, r["target_text"], "", "没有现状值", "no status value"
        return (None, r["target_text"], "", f"定性目标“{r['target_text']}”与现状“{status}”需人工判断，结果填入 achieved 列",
                f"qualitative target {r['target_text']!r} vs status {status!r}: judge by hand and record it in column achieved")

    if value is None:
        return None, target, "target" if target is not None else "", "本年没有数值", "no value for this year"

    def close(a, b):
        return math.isclose(a, b, rel_tol=rtol, abs_tol=0.0)

    if direction in ("greater_than", "less_than", "equal"):
        if direction == "greater_than":
            ok = value > target and not close(value, target)
            sym = ">"
        elif direction == "less_than":
            ok = value < target and not close(value, target)
            sym = "<"
        else:
            ok = close(value, target)
            sym = "="
        return (ok, target, "target", f"数值 {_fmt(value)}，目标 {sym} {_fmt(target)}：{'达到' if ok else '未达到'}",
                f"value {_fmt(value)}, target {sym} {_fmt(target)}: {'met' if ok else 'not met'}")

    if direction in ("higher_is_better", "lower_is_better"):
        up = direction == "higher_is_better"
        verdicts = []
        parts_zh, parts_en = [], []
        if target is not None:
            hit = value >= target or close(value, target) if up else value <= target or close(value, target)
            verdicts.append(hit)
            parts_zh.append(f"目标值 {_fmt(target)}：{'已达到' if hit else '未达到'}")
            parts_en.append(f"target {_fmt(target)} {'reached' if hit else 'not reached'}")
        if prev is not None:
            moved = (value > prev if up else value < prev) and not close(value, prev)
            verdicts.append(moved)
            word_zh = ("提高" if moved else "未提高") if up else ("下降" if moved else "未下降")
            word_en = ("increased" if moved else "did not increase") if up else ("decreased" if moved else "did not decrease")
            parts_zh.append(f"上年 {_fmt(prev)} → 本年 {_fmt(value)}：{word_zh}")
            parts_en.append(f"previous year {_fmt(prev)} -> {_fmt(value)}: {word_en}")
        ref, kind = (prev, "previous") if prev is not None else (target, "target" if target is not None else "")
        if any(verdicts):
            return True, ref, kind, "；".join(parts_zh), "; ".join(parts_en)
        if prev is None:
            extra_zh = "；" + "；".join(parts_zh) if parts_zh else ""
            extra_en = "; " + "; ".join(parts_en) if parts_en else ""
            return None, ref, kind, "没有上年数值可比" + extra_zh, "no previous year to compare" + extra_en
        return False, ref, kind, "；".join(parts_zh), "; ".join(parts_en)

    # not_less_than, not_more_than, keep: a reference value
    if target is not None:
        ref, kind, kind_zh = target, "target", "目标值"
    elif baseline is not None:
        ref, kind, kind_zh = baseline, "baseline", "基准值"
    elif prev is not None:
        ref, kind, kind_zh = prev, "previous", "上年值"
    else:
        return (None, None, "", "没有目标值、基准值或上年值可比",
                "no target, baseline or previous year to compare with")
    if direction == "not_less_than":
        ok = value >= ref or close(value, ref)
        return ok, ref, kind, f"数值 {_fmt(value)}，应 ≥ {kind_zh} {_fmt(ref)}：{'达到' if ok else '未达到'}", \
            f"value {_fmt(value)}, must be ≥ {kind} {_fmt(ref)}: {'met' if ok else 'not met'}"
    if direction == "not_more_than":
        ok = value <= ref or close(value, ref)
        return ok, ref, kind, f"数值 {_fmt(value)}，应 ≤ {kind_zh} {_fmt(ref)}：{'达到' if ok else '未达到'}", \
            f"value {_fmt(value)}, must be ≤ {kind} {_fmt(ref)}: {'met' if ok else 'not met'}"
    # keep
    if close(value, ref):
        return True, ref, kind, f"与{kind_zh} {_fmt(ref)} 相同", f"equal to {kind} {_fmt(ref)}"
    if tol is None:
        return (None, ref, kind, f"与{kind_zh} {_fmt(ref)} 相差 {_fmt(value - ref)}，未给出允许变幅 tolerance，无法判断是否“保持稳定”",
                f"differs from {kind} {_fmt(ref)} by {_fmt(value - ref)} and no tolerance is given to judge 'kept stable'")
    ok = abs(value - ref) <= tol
    return ok, ref, kind, f"与{kind_zh} {_fmt(ref)} 相差 {_fmt(value - ref)}，允许 ±{_fmt(tol)}", \
        f"differs from {kind} {_fmt(ref)} by {_fmt(value - ref)}, tolerance ±{_fmt(tol)}: {'met' if ok else 'not met'}"


def _target_year_passed(r: Mapping) -> tuple[int, int] | None:
    """``(target_year, year)`` when the row's target is for a year before the year of its value, else None."""
    target_year, year = _num(r.get("target_year")), _num(r.get("year"))
    if target_year is None or year is None or target_year >= year:
        return None
    return int(target_year), int(year)


#: the judgement of one row: ``judge_row(row, value, previous, rtol) -> (met, reference, reference_kind,
#: reason_zh, reason_en)`` -- what :func:`evaluate_indicator_table` applies to every row (an uncertainty
#: run applies it to every draw of a computed value)
judge_row = _judge


def evaluate_indicator_table(
    table: pd.DataFrame | str | Path,
    computed: Mapping[str, float] | None = None,
    previous: Mapping[int, float] | None = None,
    *,
    rtol: float = 1e-9,
) -> pd.DataFrame:
    """Judge each indicator of a Two-Mountains table against its target.

    Parameters
    ----------
    table : pandas.DataFrame or path-like
        Output of :func:`read_indicator_table`, or a CSV path to read.
    computed : mapping, optional
        Values ``gep`` computed, by :data:`COMPUTED_BY` id, in the unit of the
        row that names that id (e.g. ``{"gep_per_area": 1234.5}`` in
        万元/km²). A row with ``computed_by`` uses this value instead of its
        ``status_value``.
    previous : mapping, optional
        Previous year's value by indicator number ``no``, for the
        ``higher_is_better`` / ``lower_is_better`` rows (稳定提高 …) and as
        the last-resort reference of ``not_less_than`` / ``keep`` rows.
    rtol : float, default 1e-9
        Relative tolerance for "equal" (so 100 = 100.00000000001). [1]

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``no, indicator_zh, indicator_en, unit, year,
        direction, value, value_source`` (``computed`` / ``table`` /
        ``missing``), ``target_text, target_value, reference,
        reference_kind`` (``target`` / ``baseline`` / ``previous`` /
        ``target_text`` / ``achieved`` / empty), ``met`` (True, False or None)
        and ``reason_zh, reason_en`` saying why -- e.g. "no previous year to
        compare" rather than a guess. A row whose ``target_year`` is before
        its ``year`` says that its target has expired.

    Raises
    ------
    ConfigError
        If ``computed`` names an id not in :data:`COMPUTED_BY` or a value is
        not a number, or ``previous`` has a key that is not an indicator
        number of the table.
    """
    if not isinstance(table, pd.DataFrame):
        table = read_indicator_table(table)
    computed = dict(computed or {})
    problems = []
    for k, v in computed.items():
        if k not in COMPUTED_BY:
            problems.append(problem(
                "unknown_computed_value", f"未知的计算指标 {k!r}", f"unknown computed indicator {k!r}", value=k,
                hint_zh=f"可选：{', '.join(COMPUTED_BY)}", hint_en=f"use one of: {', '.join(COMPUTED_BY)}"))
        else:
            try:
                computed[k] = float(v)
            except (TypeError, ValueError):
                problems.append(problem(
                    "non_numeric_computed_value", f"计算指标 {k} 的值 {v!r} 不是数字",
                    f"computed indicator {k}: value {v!r} is not a number", value=v))
    prev: dict[int, float] = {}
    numbers = set(int(n) for n in table["no"])
    for k, v in (previous or {}).items():
        try:
            key = int(k)
        except (TypeError, ValueError):
            key = None
        if key is None or key not in numbers:
            problems.append(problem(
                "unknown_previous_indicator", f"previous 中的 {k!r} 不是表中的指标序号",
                f"previous has {k!r}, which is not an indicator number of the table", value=k))
            continue
        try:
            prev[key] = float(v)
        except (TypeError, ValueError):
            problems.append(problem(
                "non_numeric_previous_value", f"指标 {k} 的上年值 {v!r} 不是数字",
                f"indicator {k}: previous value {v!r} is not a number", value=v))
    if problems:
        raise ConfigError(problems)

    rows = []
    for r in frame_records(table):
        no = int(r["no"])
        cb = r["computed_by"]
        if r["direction"] == "qualitative":
            value = r["status_value"] or None
            source = "table" if value else "missing"
        elif cb and cb in computed:
            value, source = computed[cb], "computed"
        elif _num(r["status_number"]) is not None:
            value, source = float(r["status_number"]), "table"
        else:
            value, source = None, "missing"
        met, ref, kind, why_zh, why_en = _judge(r, value, prev.get(no), rtol)
        if source == "missing" and cb and r["direction"] != "qualitative":
            why_zh += f"（由 gep 计算的 {cb} 未提供）"
            why_en += f" (the value gep computes, {cb}, was not given)"
        passed = _target_year_passed(r)
        if passed is not None:
            why_zh += f"（目标年 {passed[0]} 已过：按已到期的目标判断 {passed[1]} 年）"
            why_en += f" (target year {passed[0]} has passed: {passed[1]} judged against an expired target)"
        rows.append({
            "no": no,
            "indicator_zh": r["indicator_zh"],
            "indicator_en": r["indicator_en"],
            "unit": r["unit"],
            "year": r["year"],
            "direction": r["direction"],
            "value": value,
            "value_source": source,
            "target_text": r["target_text"],
            "target_value": _num(r["target_value"]),
            "reference": ref,
            "reference_kind": kind,
            "met": met,
            "reason_zh": why_zh,
            "reason_en": why_en,
        })
    out = pd.DataFrame(rows)
    out["met"] = out["met"].astype(object)
    return out

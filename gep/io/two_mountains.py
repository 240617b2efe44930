"""The Two-Mountains indicator table (“两山”实践创新基地建设指标, 表1 of the plans).

A county's plan lists its indicators with a target, a status value and the
department that supplies it (e.g. 上虞区 表1: 20 rows under 构筑绿水青山 /
推动两山转化 / 建立长效机制). ``gep`` reads such a table from a CSV, fills the
rows it can compute from the account (GEP per area and the eco-economy
shares, rows 10–14 of 上虞 表1); :func:`gep.indicators.two_mountains.evaluate_indicator_table`
says, row by row, whether the target is met -- or why that cannot be said.

The CSV (UTF-8) has one row per indicator:

================  ==========================================================
column            meaning
================  ==========================================================
no                indicator number (序号), unique integer
goal_zh, task_zh  目标 and 任务 the indicator is grouped under
indicator_zh/_en  indicator name in Chinese and English
unit              unit of target and status values (``%``, ``平方公里``, …)
target_text       the target as printed (``>96%``, ``稳定提高``, ``获得``)
target_value      the target as a number in ``unit`` (empty if none)
direction         how the target is judged, one of :data:`DIRECTIONS`
status_value      the value for ``year``: a number in ``unit``, or text for
                  a ``qualitative`` row; empty if there is none
year              the year of ``status_value``
data_source       department that supplies the value, and where it is printed
computed_by       empty, or the id of the value ``gep`` computes
                  (one of :data:`COMPUTED_BY`)
================  ==========================================================

Optional columns: ``target_year`` (year of the target, e.g. 2024),
``baseline_value`` (reference of ``not_less_than`` / ``keep`` rows such as
不减少 or 保持稳定), ``tolerance`` (allowed change of a ``keep`` row, in
``unit``), ``achieved`` (``yes``/``no``/``是``/``否``: a person's judgement of
a qualitative row) and ``note``.

Nothing is guessed: a row whose target cannot be judged from the numbers
given gets ``met = None`` and a reason in both languages, e.g. "no previous
year to compare".
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from ..errors import InputFileError, Problem, csv_row, problem
from .tables import read_csv_checked

__all__ = [
    "read_indicator_table",
    "DIRECTIONS",
    "COMPUTED_BY",
    "GEP_VALUES",
    "REQUIRED_COLUMNS",
    "OPTIONAL_COLUMNS",
]

REQUIRED_COLUMNS = [
    "no", "goal_zh", "task_zh", "indicator_zh", "indicator_en", "unit", "target_text", "target_value",
    "direction", "status_value", "year", "data_source", "computed_by",
]
OPTIONAL_COLUMNS = ["target_year", "baseline_value", "tolerance", "achieved", "note"]

#: direction id -> labels, the wordings of the plans it covers, and whether a
#: numeric ``target_value`` is required.
DIRECTIONS: dict[str, dict] = {
    "higher_is_better": {
        "zh": "稳定提高", "en": "higher is better",
        "wordings": ("稳定提高", "稳步提高", "持续提高", "逐步提高"),
        "needs_target": False,
        "rule": "met if the value increased over the previous year's, or reached target_value",
    },
    "lower_is_better": {
        "zh": "稳步下降", "en": "lower is better",
        "wordings": ("稳步下降", "持续下降", "逐步降低"),
        "needs_target": False,
        "rule": "met if the value decreased from the previous year's, or is at most target_value",
    },
    "greater_than": {
        "zh": "大于", "en": "greater than", "wordings": (">",), "needs_target": True,
        "rule": "met if value > target_value",
    },
    "less_than": {
        "zh": "小于", "en": "less than", "wordings": ("<",), "needs_target": True,
        "rule": "met if value < target_value",
    },
    "not_less_than": {
        "zh": "不低于 / 不减少", "en": "not less than", "wordings": ("≥", "不低于", "不减少"),
        "needs_target": False,
        "rule": "met if value ≥ target_value, else ≥ baseline_value, else ≥ the previous year's value",
    },
    "not_more_than": {
        "zh": "不高于 / 不增加", "en": "not more than", "wordings": ("≤", "不高于", "不增加"),
        "needs_target": False,
        "rule": "met if value ≤ target_value, else ≤ baseline_value, else ≤ the previous year's value",
    },
    "equal": {
        "zh": "等于", "en": "equal to", "wordings": ("100%",), "needs_target": True,
        "rule": "met if value = target_value (to rounding)",
    },
    "keep": {
        "zh": "保持稳定", "en": "kept stable", "wordings": ("保持稳定",), "needs_target": False,
        "rule": "met if value equals the reference (target_value, else baseline_value, else the previous "
                "year's value) or differs from it by at most tolerance",
    },
    "qualitative": {
        "zh": "定性", "en": "qualitative",
        "wordings": ("获得", "建立实施", "逐步完善", "完成…任务"),
        "needs_target": False,
        "rule": "met as recorded in column achieved; else met if the status text equals the target text; "
                "else not judged",
    },
}

#: Values ``gep`` computes from an account, by id (see gep.indicators and
#: gep.compute.eco_economy); the row's ``unit`` is the unit they come in.
COMPUTED_BY: dict[str, dict] = {
    "gep_per_area": {"zh": "单位国土面积生态系统生产总值", "en": "GEP per unit land area", "unit": "万元/km²"},
    "resident_eco_product_share": {"zh": "居民人均生态产品产值占比", "en": "resident eco-product share", "unit": "%"},
    "green_organic_share": {"zh": "绿色、有机农产品产值占农业总产值比重", "en": "green and organic share of agricultural output", "unit": "%"},
    "eco_processing_share": {"zh": "生态加工业产值占工业总产值比重", "en": "eco-processing share of industrial output", "unit": "%"},
    "eco_tourism_share": {"zh": "生态旅游收入占服务业总产值比重", "en": "eco-tourism revenue relative to the service sector", "unit": "%"},
}

#: the values of :data:`COMPUTED_BY` that are GEP (per land area; the resident share, whose numerator is realised
#: GEP): an account that reports ESV (supporting services counted, not GEP) gives them to no row
GEP_VALUES = ("gep_per_area", "resident_eco_product_share")

_YES = {"yes", "y", "true", "1", "是", "已完成", "达标"}
_NO = {"no", "n", "false", "0", "否", "未完成", "未达标"}


# ------------------------------------------------------------------- read
def _number(text: str) -> float | None:
    """``float`` of a cell, None if empty; raises ValueError if not a number."""
    text = str(text).strip()
    if text == "":
        return None
    value = float(text)
    if math.isnan(value):
        raise ValueError(text)
    return value


def _same_unit(given: str, unit: str) -> bool:
    """Whether ``given`` is ``unit`` (spelt any way pint reads: 万元/平方公里 is 万元/km²)."""
    if str(given).strip() == unit:
        return True
    from ..units import conversion_factor

    try:
        return math.isclose(conversion_factor(str(given).strip() or "1", unit), 1.0, rel_tol=1e-12)
    except Exception:  # noqa: BLE001 - a unit that does not parse, or measures something else
        return False


def _printed_percent(text: str) -> float | None:
    """The one percentage a target text prints (``">96%"`` -> 96.0); ``None`` when it prints none or several."""
    found = re.findall(r"(\d+(?:\.\d+)?)\s*[%％]", str(text))
    return float(found[0]) if len(found) == 1 else None


def read_indicator_table(path: str | Path) -> pd.DataFrame:
    """Read and check a Two-Mountains indicator table.

    Parameters
    ----------
    path : path-like
        UTF-8 CSV with the columns of the module docstring.

    Returns
    -------
    pandas.DataFrame
        One row per indicator, in file order, with ``no`` (int),
        ``target_value``, ``baseline_value``, ``tolerance`` and
        ``status_number`` (float, NaN if empty), ``status_value`` (the text as
        written), ``year`` and ``target_year`` (nullable int), ``achieved``
        (True/False/None) and the text columns; ``attrs["file"]`` is the path.

    Raises
    ------
    InputFileError
        Listing every problem at once, each with file, spreadsheet row and
        column: unknown ``direction`` or ``computed_by``, a non-numeric
        ``target_value`` / ``status_value`` / ``baseline_value`` /
        ``tolerance`` where a number is needed, a numeric direction without
        the ``target_value`` it needs, a duplicate or non-integer ``no``, a
        bad ``year`` or ``achieved``. Missing or unknown columns and files
        that are not UTF-8 CSV are reported by
        :func:`gep.io.tables.read_csv_checked`.
    """
    path = Path(path)
    frame = read_csv_checked(path, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS, dtype=str)
    first_row = frame.attrs.get("first_row", 2)
    frame = frame.fillna("")
    for col in OPTIONAL_COLUMNS:
        if col not in frame:
            frame[col] = ""
    for col in frame.columns:
        frame[col] = frame[col].astype(str).str.strip()

    problems: list[Problem] = []
    file = str(path)
    seen: dict[int, int] = {}
    out = []
    for i, r in frame.iterrows():
        row = csv_row(i, first_row)

        def bad(code, zh, en, column, value=None, hint_zh="", hint_en=""):
            problems.append(problem(code, zh, en, file=file, row=row, column=column, value=value,
                                    hint_zh=hint_zh, hint_en=hint_en))

        rec = dict(r)
        # no
        no = int(r["no"]) if re.fullmatch(r"[0-9]+", r["no"]) else None
        if no is None:
            bad("bad_indicator_no", f"序号 {r['no']!r} 不是整数", f"no {r['no']!r} is not an integer", "no", r["no"],
                "序号填写整数，如 1", "write the indicator number as an integer, e.g. 1")
        if no is not None:
            if no in seen:
                bad("duplicate_indicator_no", f"序号 {no} 重复（第 {seen[no]} 行已有）",
                    f"indicator number {no} appears twice (also on row {seen[no]})", "no", no,
                    "每个指标一个唯一序号", "give each indicator its own number")
            else:
                seen[no] = row
        rec["no"] = no

        # direction
        direction = r["direction"]
        if direction not in DIRECTIONS:
            bad("unknown_direction", f"未知的 direction {direction!r}", f"unknown direction {direction!r}",
                "direction", direction, f"可选：{', '.join(DIRECTIONS)}", f"use one of: {', '.join(DIRECTIONS)}")
            spec = None
        else:
            spec = DIRECTIONS[direction]
        numeric = direction != "qualitative"

        # numbers
        for col in ("target_value", "baseline_value", "tolerance"):
            try:
                rec[col] = _number(r[col])
            except ValueError:
                rec[col] = None
                bad(f"non_numeric_{col}", f"{col} {r[col]!r} 不是数字", f"{col} {r[col]!r} is not a number", col, r[col],
                    f"{col} 只填数字，单位写在 unit 列（如 96 与 %）",
                    "write a plain number; the unit goes in column unit (e.g. 96 and %)")
        if rec["tolerance"] is not None and rec["tolerance"] < 0:
            bad("negative_tolerance", "tolerance 不能为负", "tolerance must not be negative", "tolerance", r["tolerance"])
        printed = _printed_percent(r["target_text"]) if str(r["unit"]).strip() in ("%", "％") else None
        if printed is not None and rec["target_value"] is not None and not math.isclose(
                printed, rec["target_value"], rel_tol=1e-9, abs_tol=1e-12):
            # ">96%" with target_value 0.96 (a share where the unit says per cent) would judge against 0.96 %
            bad("target_text_disagrees", f"target_value {rec['target_value']:g} 与目标文字 {r['target_text']!r} 中的 "
                f"{printed:g}% 不一致", f"target_value {rec['target_value']:g} disagrees with the {printed:g}% of the "
                f"target text {r['target_text']!r}", "target_value", r["target_value"],
                f"unit 为 % 时 target_value 写百分数（{printed:g}，不是 {printed / 100:g}）",
                f"with unit %, write target_value as a percentage ({printed:g}, not {printed / 100:g})")
        if spec is not None and spec["needs_target"] and rec["target_value"] is None and r["target_value"] == "":
            bad("missing_target_value", f"direction {direction} 需要数值目标 target_value",
                f"direction {direction} needs a numeric target_value", "target_value", r["target_text"],
                f"把目标 {r['target_text']!r} 写成数字填入 target_value",
                f"write the target {r['target_text']!r} as a number in target_value")

        # status
        rec["status_number"] = None
        if numeric and r["status_value"] != "":
            try:
                rec["status_number"] = _number(r["status_value"])
            except ValueError:
                bad("non_numeric_status", f"status_value {r['status_value']!r} 不是数字",
                    f"status_value {r['status_value']!r} is not a number", "status_value", r["status_value"],
                    "只填数字（单位写在 unit 列）；没有数值时留空并在 note 中说明",
                    "write a plain number (unit in column unit); leave it empty and explain in note if there is none")

        # years
        for col in ("year", "target_year"):
            try:
                y = _number(r[col])
                if y is not None and y != int(y):
                    raise ValueError
                rec[col] = None if y is None else int(y)
            except ValueError:
                rec[col] = None
                bad(f"bad_{col}", f"{col} {r[col]!r} 不是年份", f"{col} {r[col]!r} is not a year", col, r[col])

        # computed_by
        cb = r["computed_by"]
        if cb and cb not in COMPUTED_BY:
            bad("unknown_computed_by", f"未知的 computed_by {cb!r}", f"unknown computed_by {cb!r}", "computed_by", cb,
                f"留空或选择：{', '.join(COMPUTED_BY)}", f"leave empty or use one of: {', '.join(COMPUTED_BY)}")
        if cb and direction == "qualitative":
            bad("computed_by_on_qualitative", "定性指标不能由 gep 计算", "a qualitative indicator cannot be computed by gep",
                "computed_by", cb)
        elif cb in COMPUTED_BY and not _same_unit(r["unit"], COMPUTED_BY[cb]["unit"]):
            # gep puts its value in the unit it computes: a row in 元/km² would print 8109.97 元/km² for
            # 8109.97 万元/km², and judge it against a target in 元/km²
            want = COMPUTED_BY[cb]["unit"]
            bad("computed_unit_differs", f"unit {r['unit']!r} 与 gep 计算 {cb} 所用的单位 {want} 不同",
                f"unit {r['unit']!r} is not the unit gep computes {cb} in ({want})", "unit", r["unit"],
                f"把 unit 写成 {want}，target_value 与 status_value 也按 {want} 填写",
                f"write unit as {want}, and target_value and status_value in {want}")

        # achieved
        a = r["achieved"].lower()
        if a == "":
            rec["achieved"] = None
        elif a in _YES:
            rec["achieved"] = True
        elif a in _NO:
            rec["achieved"] = False
        else:
            rec["achieved"] = None
            bad("bad_achieved", f"achieved {r['achieved']!r} 应为 是/否", f"achieved {r['achieved']!r} must be yes or no",
                "achieved", r["achieved"])
        out.append(rec)

    if problems:
        raise InputFileError(problems)
    table = pd.DataFrame(out, columns=REQUIRED_COLUMNS + OPTIONAL_COLUMNS + ["status_number"])
    table["no"] = table["no"].astype(int)
    for col in ("target_value", "baseline_value", "tolerance", "status_number"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype(float)
    for col in ("year", "target_year"):
        table[col] = pd.array(table[col], dtype="Int64")
    table.attrs["file"] = file
    return table

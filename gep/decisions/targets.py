"""The targets table: yearly targets by region and indicator (CSV or Excel, Chinese or English headers).

One row per target::

    region,indicator,target,unit,direction,year,price_year,status,note,source
    shangyu,gep,1100,亿元,at_least,2021,2021,illustrative,示例目标,
    *,gep_growth,0,%,at_least,2021,,illustrative,各乡镇 GEP 不下降,

================  ===========================================================
column            meaning (Chinese headers accepted: 地区, 指标, 目标值, 单位, 方向, 年份, 价格年份, 状态, 备注, 来源)
================  ===========================================================
region            a region id of the account, its Chinese or English name;
                  the county (its id, ``county``, 全县 / 全区); or ``*`` /
                  全部乡镇 for every township
indicator         one of :data:`TARGET_INDICATORS` (id, or the Chinese name)
target            the target, a plain number in ``unit``
unit              any unit of the right kind: 亿元, 万元, 元; 万元/km²; %; 1 …
direction         ``at_least`` (≥, 不低于), ``above`` (>, 高于), ``at_most``
                  (≤, 不高于) or ``below`` (<, 低于)
year              the year the target is for
price_year        money targets only (required there): the year whose prices
                  the target is in; optional for ``gep_growth``
status            optional: official / estimated / illustrative … (an
                  illustrative target is reported as such)
note, source      optional free text
================  ===========================================================

:func:`read_targets` checks every row and reports every problem at once, each
with file, row and column (:class:`~gep.errors.TargetsError`). A target in
亿元 against a figure in 元 is converted; a target whose unit measures the
wrong thing (亿元 for a ratio, km² for GEP) is an error.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pint

from ..errors import TargetsError, csv_row, problem
from ..units import conversion_factor, parse_unit
from .figures import FIGURE_UNITS

__all__ = ["TARGET_INDICATORS", "DIRECTION_WORDS", "Targets", "read_targets", "STATUSES"]

#: indicators a target may name: labels, canonical unit, whether it is money (needs price_year),
#: and whether only the county has it
TARGET_INDICATORS: dict[str, dict] = {
    "gep": {"zh": "生态系统生产总值（GEP）", "en": "Gross ecosystem product (GEP)", "money": True,
            "aliases": ("gep", "生态系统生产总值", "生态产品总值", "gep总值")},
    "gep_per_area": {"zh": "单位国土面积生态系统生产总值", "en": "GEP per unit land area", "money": True,
                     "aliases": ("单位国土面积生态系统生产总值", "单位面积gep", "地均gep", "gep_per_km2")},
    "gep_growth": {"zh": "GEP 增长率（不变价）", "en": "GEP growth at constant prices", "money": False,
                   "aliases": ("gep增长率", "gep增速", "gep增幅", "生态系统生产总值增长率")},
    "regulating_gep": {"zh": "调节服务价值", "en": "Regulating-service GEP", "money": True,
                       "aliases": ("调节服务价值", "调节服务gep", "调节服务价值量", "regulating")},
    "gep_gdp_ratio": {"zh": "GEP 与 GDP 之比", "en": "GEP/GDP ratio", "money": False,
                      "aliases": ("gep/gdp", "gep与gdp之比", "gep与gdp比值", "ggi")},
    "gep_per_resident": {"zh": "人均 GEP", "en": "GEP per resident", "money": True,
                         "aliases": ("人均gep", "人均生态系统生产总值")},
}
#: Two-Mountains indicators the account computes for the county only (gep.indicators)
COUNTY_ONLY = {
    "resident_eco_product_share": ("居民人均生态产品产值占比", "Resident eco-product share"),
    "green_organic_share": ("绿色、有机农产品产值占农业总产值比重", "Share of green and organic products in agricultural output"),
    "eco_processing_share": ("生态加工业产值占工业总产值比重", "Share of eco-processing industry in industrial output"),
    "eco_tourism_share": ("生态旅游收入占服务业总产值比重", "Share of eco-tourism revenue in service-sector output"),
}
for _id, (_zh, _en) in COUNTY_ONLY.items():
    TARGET_INDICATORS[_id] = {"zh": _zh, "en": _en, "money": False, "county_only": True, "unit": "%",
                              "aliases": (_zh,)}

#: direction id -> the words that mean it
DIRECTION_WORDS = {
    "at_least": ("at_least", "≥", ">=", "不低于", "不少于", "不小于", "达到", "至少", "min", "minimum"),
    "above": ("above", ">", "高于", "大于", "超过", "greater_than"),
    "at_most": ("at_most", "≤", "<=", "不高于", "不超过", "不大于", "至多", "max", "maximum"),
    "below": ("below", "<", "低于", "小于", "less_than"),
}

STATUSES = ("official", "literature", "local_survey", "estimated", "unverified", "illustrative")

#: canonical column -> accepted headers
COLUMNS = {
    "region": ("region", "地区", "区域", "乡镇", "乡镇街道"),
    "indicator": ("indicator", "指标", "指标名称"),
    "target": ("target", "target_value", "目标", "目标值"),
    "unit": ("unit", "单位"),
    "direction": ("direction", "方向", "判定", "比较"),
    "year": ("year", "年份", "年度", "考核年度", "目标年"),
    "price_year": ("price_year", "价格年份", "价格年", "价格基期", "基期"),
    "status": ("status", "状态", "数据状态"),
    "note": ("note", "备注", "说明"),
    "source": ("source", "来源", "依据"),
}
REQUIRED = ("region", "indicator", "target", "unit", "direction", "year")


def _norm(text) -> str:
    return re.sub(r"[\s（）()_\-:：]", "", str(text)).lower()


def unit_of(indicator: str) -> str:
    return TARGET_INDICATORS[indicator].get("unit") or FIGURE_UNITS[indicator]


def _lookup(words: dict, text: str) -> str | None:
    key = _norm(text)
    for ident, aliases in words.items():
        if key in {_norm(ident)} | {_norm(a) for a in aliases}:
            return ident
    return None


def _map_header(col: str) -> str | None:
    """``地区``, ``Region``, ``地区 Region``, ``目标值 Target`` -> canonical name."""
    candidates = [col] + str(col).split()
    for c in candidates:
        hit = _lookup(COLUMNS, c)
        if hit:
            return hit
    return None


def _count_exponents(unit: str) -> dict:
    """Exponents of the count units (人, 人次) in a unit: 元/人 and 元 have the same dimension in pint."""
    q = parse_unit(unit)
    return {k: v for k, v in q.units._units.items() if k in ("person", "visit")}


@dataclass
class Targets:
    """A checked targets table.

    ``frame`` columns: ``row`` (spreadsheet row), ``region`` (as written),
    ``indicator`` (id), ``target`` (float, in ``unit``), ``unit``,
    ``factor`` (one ``unit`` in the indicator's canonical unit),
    ``direction`` (id), ``year``, ``price_year`` (nullable int),
    ``status``, ``note``, ``source``.
    """

    frame: pd.DataFrame
    file: str = "<in-memory>"

    @property
    def illustrative(self) -> bool:
        return bool((self.frame["status"] == "illustrative").any())


def _read_frame(source) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        return source.astype(object).where(source.notna(), "").astype(str), "<in-memory>"
    from ..io.tables import read_table

    path = Path(source)
    frame = read_table(path, dtype=str, allow_empty=True)  # a table without rows is this reader's no_targets
    return frame.fillna("").astype(str), str(path)


def read_targets(source) -> Targets:
    """Read and check a targets table (path to CSV/Excel, a DataFrame, or :class:`Targets`).

    Raises
    ------
    TargetsError
        Every problem at once: missing or duplicated columns, an unknown
        indicator or direction, a target that is not a number, a unit that
        does not parse or measures the wrong thing, a money target without
        ``price_year``, a bad year or status.
    InputFileError
        The file is missing, not UTF-8 or not a table.
    """
    if isinstance(source, Targets):
        return source
    raw, file = _read_frame(source)
    problems = []
    mapping: dict[str, str] = {}
    for col in raw.columns:
        canon = _map_header(col)
        if canon is None:
            problems.append(problem("unknown_target_column", f"未知列 {col!r}", f"unknown column {col!r}", file=file, row=1,
                                    column=col, hint_zh=f"可用列：{', '.join(COLUMNS)}（或其中文名）",
                                    hint_en=f"known columns: {', '.join(COLUMNS)} (or their Chinese names)"))
        elif canon in mapping:
            problems.append(problem("duplicate_target_column", f"列 {col!r} 与 {mapping[canon]!r} 重复",
                                    f"column {col!r} repeats {mapping[canon]!r}", file=file, row=1, column=col))
        else:
            mapping[canon] = col
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        problems.append(problem("missing_target_columns", f"缺少列：{', '.join(missing)}", f"missing columns: {', '.join(missing)}",
                                file=file, row=1, value=missing,
                                hint_zh=f"首行应包含：{', '.join(REQUIRED)}", hint_en=f"the header row must contain: {', '.join(REQUIRED)}"))
    if problems:
        raise TargetsError(problems)
    frame = raw.rename(columns={v: k for k, v in mapping.items()})
    for col in COLUMNS:
        if col not in frame:
            frame[col] = ""
        frame[col] = frame[col].astype(str).str.strip()
    if frame.empty:
        raise TargetsError(problem("no_targets", "目标表没有数据行", "the targets table has no rows", file=file))

    rows = []
    for i, r in frame.iterrows():
        row = csv_row(i)

        def bad(code, zh, en, column, value=None, hint_zh="", hint_en=""):
            problems.append(problem(code, zh, en, file=file, row=row, column=column, value=value,
                                    hint_zh=hint_zh, hint_en=hint_en))

        rec = {"row": row, "region": r["region"], "note": r["note"], "source": r["source"]}
        if not r["region"]:
            bad("missing_region", "地区为空", "region is empty", "region",
                hint_zh="填写地区 id、名称、全县或 *（全部乡镇）", hint_en="give a region id or name, the county, or * for every township")
        ind = _lookup({k: v["aliases"] for k, v in TARGET_INDICATORS.items()}, r["indicator"]) if r["indicator"] else None
        if ind is None:
            bad("unknown_target_indicator", f"未知指标 {r['indicator']!r}", f"unknown indicator {r['indicator']!r}", "indicator",
                r["indicator"], f"可选：{', '.join(TARGET_INDICATORS)}", f"use one of: {', '.join(TARGET_INDICATORS)}")
        rec["indicator"] = ind
        direction = _lookup(DIRECTION_WORDS, r["direction"]) if r["direction"] else None
        if direction is None:
            bad("unknown_target_direction", f"未知方向 {r['direction']!r}", f"unknown direction {r['direction']!r}", "direction",
                r["direction"], "可选：at_least(≥ 不低于)、above(> 高于)、at_most(≤ 不高于)、below(< 低于)",
                "use at_least (≥), above (>), at_most (≤) or below (<)")
        rec["direction"] = direction
        try:
            target = float(r["target"].replace(",", ""))
            if not math.isfinite(target):
                raise ValueError
        except ValueError:
            target = None
            bad("non_numeric_target", f"目标值 {r['target']!r} 不是数字", f"target {r['target']!r} is not a number", "target",
                r["target"], "只填数字，单位写在 unit 列（如 1100 与 亿元）", "write a plain number; the unit goes in column unit (e.g. 1100 and 亿元)")
        rec["target"] = target
        for col in ("year", "price_year"):
            text = r[col]
            if text == "":
                rec[col] = None
                continue
            try:
                y = float(text)
                if y != int(y) or not 1900 <= y <= 2200:
                    raise ValueError
                rec[col] = int(y)
            except ValueError:
                rec[col] = None
                bad(f"bad_target_{col}", f"{col} {text!r} 不是年份", f"{col} {text!r} is not a year", col, text)
        if r["year"] == "":
            bad("missing_target_year", "年份为空", "year is empty", "year", hint_zh="填写目标所属年份", hint_en="give the year the target is for")
        status = r["status"].lower()
        if status and status not in STATUSES:
            bad("bad_target_status", f"状态 {r['status']!r} 无效", f"status {r['status']!r} is not known", "status", r["status"],
                f"可选：{', '.join(STATUSES)}", f"use one of: {', '.join(STATUSES)}")
        rec["status"] = status
        rec["unit"] = r["unit"]
        rec["factor"] = None
        if ind is not None:
            spec = TARGET_INDICATORS[ind]
            canonical = unit_of(ind)
            if not r["unit"]:
                bad("missing_target_unit", "单位为空", "unit is empty", "unit",
                    hint_zh=f"填写单位，如 {canonical}", hint_en=f"give the unit, e.g. {canonical}")
            else:
                wrong = (f"单位 {r['unit']!r} 与指标 {spec['zh']} 的单位 {canonical} 不是同一种量",
                         f"unit {r['unit']!r} does not measure the same thing as {spec['en']} ({canonical})")
                try:
                    factor = conversion_factor(r["unit"], canonical)
                except ValueError:
                    bad("bad_target_unit", f"无法识别单位 {r['unit']!r}", f"cannot read unit {r['unit']!r}", "unit", r["unit"],
                        f"如 {canonical}", f"e.g. {canonical}")
                except pint.DimensionalityError:
                    bad("wrong_target_unit", *wrong, "unit", r["unit"], f"使用与 {canonical} 同类的单位",
                        f"use a unit of the same kind as {canonical}")
                else:
                    if _count_exponents(r["unit"]) != _count_exponents(canonical):  # 元/人 vs 元: same dimension to pint
                        bad("wrong_target_unit", *wrong, "unit", r["unit"], f"使用与 {canonical} 同类的单位",
                            f"use a unit of the same kind as {canonical}")
                    else:
                        rec["factor"] = factor
            if spec["money"] and rec.get("price_year") is None and r["price_year"] == "":
                bad("missing_target_price_year", f"货币指标 {spec['zh']} 的目标需要价格年份 price_year",
                    f"a money target ({spec['en']}) needs price_year: the year whose prices it is in", "price_year",
                    hint_zh="填写目标值所用价格的年份（如当年价填核算年份）",
                    hint_en="give the year whose prices the target is stated in (the target year for current prices)")
            if not spec["money"] and ind != "gep_growth" and r["price_year"] != "":
                bad("price_year_not_applicable", f"比值指标 {spec['zh']} 与价格年份无关，price_year 应留空",
                    f"{spec['en']} is a ratio: price_year does not apply, leave it empty", "price_year", r["price_year"])
        rows.append(rec)
    if problems:
        raise TargetsError(problems)
    out = pd.DataFrame(rows, columns=["row", "region", "indicator", "target", "unit", "factor", "direction", "year",
                                      "price_year", "status", "note", "source"])
    out["year"] = out["year"].astype(int)
    out["price_year"] = pd.array(out["price_year"], dtype="Int64")
    return Targets(frame=out, file=file)

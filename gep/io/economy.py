"""The economy table: county figures the indicators divide by.

Columns ``indicator, value, unit, status, source`` (``label_zh, note``
optional); one row per indicator id of :data:`ECONOMY_ITEMS`. Every value is
converted to its canonical unit; a row without a source is an error.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..errors import DuplicateRows, InputFileError, UnitError, csv_row, problem
from ..units import conversion_factor

__all__ = ["ECONOMY_ITEMS", "read_economy"]

#: id -> (zh, en, canonical unit)
ECONOMY_ITEMS: dict[str, tuple[str, str, str]] = {
    "gdp": ("地区生产总值", "gross domestic product", "元"),
    "population": ("常住（户籍）人口", "residents", "person"),
    "tertiary_value_added": ("第三产业增加值", "tertiary-sector value added", "元"),
    "tourism_revenue": ("旅游总收入", "tourism revenue", "元"),
    "agricultural_output": ("农林牧渔业总产值", "gross output of agriculture, forestry, livestock and fishery", "元"),
    "industrial_output": ("规模以上工业总产值", "gross industrial output (enterprises above designated size)", "元"),
    "green_organic_agri_output": ("绿色、有机农产品产值", "output of green and organic farm products", "元"),
    "eco_processing_output": ("生态加工业产值", "output of eco-processing industry", "元"),
    "eco_tourism_revenue": ("生态旅游收入", "eco-tourism revenue", "元"),
    "disposable_income_per_resident": ("居民人均可支配收入", "disposable income per resident", "元/person"),
    "eco_compensation_income": ("生态补偿类收入", "eco-compensation income", "元"),
    "fiscal_revenue": ("财政总收入", "total fiscal revenue", "元"),
    # regional statistics the regulating services need (caps and physical stocks)
    "so2_emission": ("二氧化硫排放量", "SO₂ emissions", "t"),
    "nox_emission": ("氮氧化物排放量", "NOx emissions", "t"),
    "dust_emission": ("颗粒物（烟粉尘）排放量", "particulate (dust) emissions", "t"),
    "cod_emission": ("化学需氧量排放量", "COD emissions", "t"),
    "nh3n_emission": ("氨氮排放量", "ammonia nitrogen emissions", "t"),
    "tn_emission": ("总氮排放量", "total nitrogen emissions", "t"),
    "tp_emission": ("总磷排放量", "total phosphorus emissions", "t"),
    "reservoir_capacity": ("水库总库容", "total reservoir capacity", "m³"),
    "coastline_length": ("海岸线长度", "coastline length", "m"),
}

STATUSES = ("official", "derived", "estimated", "illustrative")


def read_economy(source: str | Path | pd.DataFrame, *, file: str | None = None) -> pd.DataFrame:
    """Read and check an economy table.

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``value_canonical`` and ``canonical_unit``.

    Raises
    ------
    InputFileError, UnitError, DuplicateRows
        Unknown indicator ids, non-numbers, units that do not convert, rows
        without source, duplicates -- all listed together.
    """
    if isinstance(source, pd.DataFrame):
        frame, fname = source.copy(), file or "economy"
    else:
        from .tables import read_csv_checked

        frame = read_csv_checked(source, required=["indicator", "value", "unit", "status", "source"],
                                 optional=["label_zh", "label_en", "note"], dtype=str)
        fname = str(source)
    first_row = frame.attrs.get("first_row", 2)
    frame = frame.fillna("")
    problems = []
    canon, units = [], []
    for i, r in frame.reset_index(drop=True).iterrows():
        row = csv_row(i, first_row)
        ind = str(r["indicator"]).strip()
        if ind not in ECONOMY_ITEMS:
            problems.append(problem("unknown_economy_indicator", f"未知的经济指标 {ind!r}", f"unknown economy indicator {ind!r}",
                                    file=fname, row=row, column="indicator", value=ind,
                                    hint_zh=f"可用：{', '.join(ECONOMY_ITEMS)}", hint_en=f"known: {', '.join(ECONOMY_ITEMS)}"))
            canon.append(float("nan")); units.append("")
            continue
        target = ECONOMY_ITEMS[ind][2]
        try:
            v = float(r["value"])
            if not math.isfinite(v):
                raise ValueError(v)
        except ValueError:
            problems.append(problem("bad_number", f"值不是数字：{r['value']!r}", f"value is not a number: {r['value']!r}",
                                    file=fname, row=row, column="value", value=r["value"]))
            canon.append(float("nan")); units.append(target)
            continue
        if v < 0:
            problems.append(problem("negative_value", f"值为负：{v}", f"negative value: {v}", file=fname, row=row, column="value"))
        try:
            canon.append(v * conversion_factor(str(r["unit"]), target))
            if not math.isfinite(canon[-1]):
                canon.pop()
                raise OverflowError(v)
        except OverflowError:
            problems.append(problem("bad_number", f"值过大：{r['value']!r} {r['unit']}",
                                    f"value too large: {r['value']!r} {r['unit']}", file=fname, row=row, column="value",
                                    value=r["value"]))
            canon.append(float("nan"))
        except Exception:
            problems.append(problem("bad_unit", f"单位 {r['unit']!r} 无法换算为 {target}", f"unit {r['unit']!r} does not convert to {target}",
                                    file=fname, row=row, column="unit", value=r["unit"]))
            canon.append(float("nan"))
        units.append(target)
        if not str(r["source"]).strip():
            problems.append(problem("row_without_source", "该行缺少来源 source", "row has no source", file=fname, row=row, column="source"))
        if str(r["status"]).strip() not in STATUSES:
            problems.append(problem("bad_status", f"status {r['status']!r} 应为 {', '.join(STATUSES)}",
                                    f"status {r['status']!r} must be one of {', '.join(STATUSES)}", file=fname, row=row, column="status"))
    dups = frame[frame["indicator"].duplicated(keep=False)]
    if not dups.empty:
        raise DuplicateRows([problem("duplicate_rows", f"指标 {v} 重复", f"indicator {v} appears twice", file=fname,
                                     row=csv_row(i, first_row), column="indicator", value=v) for i, v in dups["indicator"].items()])
    if problems:
        kinds = {p.code for p in problems}
        raise (UnitError if kinds == {"bad_unit"} else InputFileError)(problems)
    frame["value_canonical"] = canon
    frame["canonical_unit"] = units
    return frame

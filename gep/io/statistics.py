"""Yearbook-style statistics tables: reading the file (CSV or Excel) into canonical columns.

A statistics table has one row per product (and region, and year), in CSV or in
an Excel sheet, with Chinese or English headers::

    地区,项目,产量(吨),单价(元/吨),产值(万元),年份
    shangyu,稻谷,52000,2800,,2021
    shangyu,茶叶,,,41000,2021

:func:`read_statistics_table` recognises the headers (:data:`HEADER_ALIASES`,
with units written in brackets: ``产量(万吨)``, ``产值（万元）``), and returns the
cells as text with the canonical column names. What the rows *mean* -- the
product of the catalogue, the unit conversion, the totals and their parts -- is
:func:`gep.statistics.read_statistics`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..errors import InputFileError, Problem, problem
from .tables import EXAMPLE_STATUS, missing_columns_problem, normalise_name

__all__ = ["HEADER_ALIASES", "MISSING_TOKENS", "StatisticsTable", "read_statistics_table", "cell_number", "cell_text"]

#: Header aliases: canonical column -> names accepted (compared without case,
#: spaces or a unit in brackets).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "region": ("地区", "区域", "行政区", "行政区划", "县区", "乡镇", "乡镇街道", "乡镇(街道)", "region", "district",
               "county", "town", "township"),
    "item": ("项目", "产品", "产品名称", "品种", "品名", "指标", "指标名称", "名称", "item", "product", "name"),
    "quantity": ("产量", "数量", "实物量", "产品产量", "用水量", "发电量", "quantity", "amount", "production"),
    "unit": ("单位", "计量单位", "产量单位", "数量单位", "unit", "units", "quantity_unit"),
    "price": ("单价", "价格", "平均价格", "平均单价", "price", "unit_price"),
    "price_unit": ("价格单位", "单价单位", "price_unit"),
    "output_value": ("产值", "总产值", "价值", "产值金额", "金额", "收入", "output_value", "value", "gross_output_value",
                     "gross_output"),
    "value_unit": ("产值单位", "价值单位", "金额单位", "value_unit", "output_value_unit"),
    "intermediate_consumption": ("中间消耗", "中间投入", "intermediate_consumption"),
    "intermediate_unit": ("中间消耗单位", "intermediate_consumption_unit", "intermediate_unit"),
    "year": ("年份", "年度", "年", "year"),
    "status": ("状态", "数据状态", "status"),
    "source": ("来源", "数据来源", "source"),
    "note": ("备注", "说明", "注释", "note", "notes"),
}

MISSING_TOKENS = {"", "-", "–", "—", "/", "…", "nan", "none", "null", "na", "n/a"}
"""Cell texts that mean "no value" in a yearbook table."""


_HEADER_UNIT = re.compile(r"^(?P<label>.*?)\s*[\(\[](?P<unit>[^\(\)\[\]]*(?:\([^\(\)]*\)[^\(\)\[\]]*)*)[\)\]]\s*$")


def _split_header(header: str) -> tuple[str, str | None]:
    h = str(header).strip()
    for a, b in (("（", "("), ("）", ")"), ("［", "["), ("］", "]"), ("【", "["), ("】", "]")):
        h = h.replace(a, b)
    m = _HEADER_UNIT.match(h)
    if m and m.group("label").strip():
        unit = m.group("unit").strip()
        return m.group("label").strip(), (unit or None)
    return h, None


@lru_cache(maxsize=1)
def _header_lookup() -> dict[str, str]:
    out = {}
    for canon, names in HEADER_ALIASES.items():
        for n in (canon, *names):
            out[normalise_name(n)] = canon
    return out


def cell_number(raw: Any) -> float | None | str:
    """Float, ``None`` for an empty cell, or the raw text when it is not a number."""
    if raw is None:
        return None
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
        return None if math.isnan(float(raw)) else float(raw)
    s = unicodedata.normalize("NFKC", str(raw)).strip()
    if s.lower() in MISSING_TOKENS:
        return None
    s2 = s.replace(",", "").replace(" ", "")
    try:
        return float(s2)
    except ValueError:
        return s


def cell_text(raw: Any) -> str | None:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    s = str(raw).strip()
    return s or None


_NOTE_ROW = re.compile(r"^(注|注释|说明|备注|资料来源|数据来源|来源|note|notes|source)\s*[:：]", re.IGNORECASE)


def _is_unit(text: str) -> bool:
    from ..units import unit_factor

    try:
        unit_factor(text, text)
        return True
    except Exception:
        return False


def _header_accepts(cells: list[str]) -> bool:
    """A row is the header when it names an item column and a quantity or output-value column."""
    lookup = _header_lookup()
    canon = {lookup.get(normalise_name(_split_header(c)[0])) for c in cells if c}
    return "item" in canon and bool({"quantity", "output_value"} & canon)


def _combine_subheader(upper: list[str], lower: list[str]) -> list[str] | None:
    """Headers of a two-row header (a group label merged over ``数量 | 单位``, or units under the labels).

    ``lower`` is a sub-header when it holds no number and each of its cells is
    empty, the cell above repeated (a vertical merge), a known header name, or
    a unit. Returns the combined headers, or ``None`` when ``lower`` is data.
    """
    lookup = _header_lookup()
    if not any(lower) or any(cell_number(c) is not None and not isinstance(cell_number(c), str) for c in lower):
        return None
    for u, low in zip(upper, lower):
        if low and low != u and normalise_name(low) not in lookup and not _is_unit(low):
            return None
    out = []
    for u, low in zip(upper, lower):
        if not low or low == u:
            out.append(u)
        elif normalise_name(low) in lookup:
            out.append(low)                    # 产量 merged over 数量 | 单位
        else:
            out.append(f"{u}({low})")          # 产值 above 万元
    return out


def _read_frame(path: Path, sheet, header_row: int | None = None) -> tuple[pd.DataFrame, str, int, dict]:
    """The table under its header: title and note rows above it, a sub-header and footnote rows dropped.

    Returns ``(frame, file, first_row, info)``: cells as text (numbers of an
    Excel sheet stay numbers), how messages name the file, the spreadsheet
    number of the first data row, and what was skipped.
    """
    from .tables import find_header_row, header_name, read_rows

    rows, info = read_rows(path, sheet)
    file = info["file"]
    width = max((len(r) for r in rows), default=0)
    grid = [list(r) + [None] * (width - len(r)) for r in rows]
    h = find_header_row(grid, _header_accepts, header_row, file)
    header = [header_name(c) for c in grid[h]] if grid else []
    start = h + 1
    if start < len(grid):
        combined = _combine_subheader(header, [header_name(c) for c in grid[start]])
        if combined is not None:
            header, start = combined, start + 1
    keep = [j for j, name in enumerate(header) if name]
    body = [[grid[i][j] for j in keep] for i in range(start, len(grid))]
    skipped = {"title_rows": h, "subheader": start - h - 1, "notes": []}
    # footnotes at the bottom (注：… / 资料来源：…): one text cell, nothing else
    while body:
        texts = [_cell_text_raw(c) for c in body[-1]]
        filled = [t for t in texts if t]
        if not filled:
            body.pop()
            continue
        if len(filled) == 1 and _NOTE_ROW.match(filled[0]):
            skipped["notes"].insert(0, filled[0])
            body.pop()
            continue
        break
    frame = pd.DataFrame(body, columns=[header[j] for j in keep], dtype=object)
    if not info["excel"]:
        frame = frame.fillna("")
    frame.columns = [str(c).strip() for c in frame.columns]
    info = {**info, **skipped, "header_row": h + 1}
    return frame, file, start + 1, info


def _cell_text_raw(c) -> str:
    if c is None or (isinstance(c, float) and math.isnan(c)):
        return ""
    return str(c).strip()


def _map_headers(columns, file: str, header_row: int = 1) -> tuple[dict[str, str], dict[str, str | None], list[str]]:
    lookup = _header_lookup()
    mapping: dict[str, str] = {}          # canonical -> original header
    header_units: dict[str, str | None] = {}
    ignored: list[str] = []
    dups: list[Problem] = []
    for col in columns:
        label, unit = _split_header(col)
        canon = lookup.get(normalise_name(label))
        if canon is None and unit is not None:
            canon = lookup.get(normalise_name(col))
            unit = None if canon else unit
        if canon is None:
            ignored.append(col)
            continue
        if canon in mapping:
            dups.append(problem("duplicate_columns", f"列 {mapping[canon]!r} 与 {col!r} 含义相同（{canon}）",
                                f"columns {mapping[canon]!r} and {col!r} mean the same ({canon})",
                                file=file, row=header_row, column=col, value=col,
                                hint_zh="删除或改名其中一列", hint_en="remove or rename one of them"))
            continue
        mapping[canon] = col
        header_units[canon] = unit
    if dups:
        raise InputFileError(dups)
    missing = [c for c in ("item",) if c not in mapping]
    if not ({"quantity", "output_value"} & set(mapping)):
        missing.append("quantity|output_value")
    if missing:
        from dataclasses import replace

        raise InputFileError(replace(
            missing_columns_problem(missing, [_split_header(c)[0] for c in columns], file=file), row=header_row,
            hint_zh="至少需要 项目 列，以及 产量 或 产值 列（可写为 产量(吨)、产值(万元)）",
            hint_en="an item column and a quantity or output value column are needed "
                    "(units may go in the header: 产量(吨), 产值(万元))"))
    return mapping, header_units, ignored


class StatisticsTable(NamedTuple):
    """A statistics file as read: cells as text under canonical column names.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per spreadsheet row (blank rows kept, so row numbers hold),
        columns named by the canonical names of :data:`HEADER_ALIASES`.
    columns : dict
        Canonical column -> the header as written in the file.
    header_units : dict
        Canonical column -> unit written in its header (``产量(吨)`` -> ``吨``), or ``None``.
    ignored : list of str
        Headers that are not recognised (kept out of the table, reported).
    file : str
        ``path`` or ``path[sheet]``: how messages name the file.
    """

    frame: pd.DataFrame
    columns: dict
    header_units: dict
    ignored: list
    file: str
    first_row: int = 2
    encoding: str | None = None
    skipped: dict | None = None


def read_statistics_table(path: str | Path, sheet: str | int | None = None,
                          header_row: int | None = None) -> StatisticsTable:
    """Read a statistics file (CSV in UTF-8 or GBK, or an Excel sheet) and recognise its headers.

    Yearbook sheets are read as they are published: title and note rows above
    the header are skipped (the header is the first row with an item column and
    a quantity or output-value column, or row ``header_row``), a two-row header
    (``产量`` merged over ``数量 | 单位``; units in the row under the labels) is
    combined, and footnote rows at the bottom (``注：…``, ``资料来源：…``) are left out.

    Raises
    ------
    InputFileError
        Missing file, unknown encoding, not a table, a missing item column or a
        missing quantity/output-value column, two columns meaning the same, a
        table with no rows.
    """
    from .tables import _to_fill

    frame, file, first_row, info = _read_frame(Path(path) if not isinstance(path, Path) else path, sheet, header_row)
    mapping, header_units, ignored = _map_headers(frame.columns, file, info["header_row"])
    canonical = pd.DataFrame({canon: frame[col].to_numpy() for canon, col in mapping.items()}, index=frame.index)
    if canonical.empty or all(cell_text(v) is None for v in canonical.to_numpy().ravel()):
        raise _to_fill(file, info["header_row"] - 1)
    if "status" in canonical:
        examples = [problem("example_row", "这是模板中的示例行，请删除", "this is an example row of the template: delete it",
                            file=file, row=first_row + i, column=mapping["status"], value=v,
                            hint_zh="删除全部 status 为“示例”的行，再填写本县数据",
                            hint_en="delete every row whose status is 'example', then enter the county's own rows")
                    for i, v in enumerate(canonical["status"].tolist()) if normalise_name(v) in EXAMPLE_STATUS]
        if examples:
            raise InputFileError(examples)
    return StatisticsTable(canonical, mapping, header_units, ignored, file, first_row, info["encoding"],
                           {k: info[k] for k in ("title_rows", "subheader", "notes", "header_row")})

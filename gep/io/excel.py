"""The bilingual Excel report (``accounts.xlsx``).

Sheets: 汇总 Summary, 分项 By service, 分区 By region, 实物量 Physical,
指标 Indicators, 系数 Coefficients used, 输入 Inputs (and any extra sheets an
engine adds). Numbers are written as numbers, units in the column headers,
columns sized to their content, the header row frozen. Text that starts like
a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) is written with a
leading ``'`` as text (:mod:`gep.io.safe_text`).

What each cell holds and how it looks is decided once, by :func:`sheet_layout`,
independently of the library that writes the file. Every workbook gep writes
(``accounts.xlsx`` and the standalone decision workbooks) is written with
XlsxWriter (:func:`write_tables`: about 3× faster than openpyxl, which
serialises every cell through a pure-Python XML tree, and without openpyxl's
0.1 s import). Workbooks are read with openpyxl everywhere.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from functools import cache
from numbers import Real
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple

import pandas as pd

from .safe_text import UNSTORABLE, neutralise, shown_with_controls
from .summary import in_measure, total_key

from ..numformat import MISSING, excel_format

__all__ = ["write_excel", "write_tables", "report_tables", "sheet_layout"]

YI = 1e8


#: the characters that take two columns: CJK (above U+2E80)
_WIDE = re.compile("[\u2e81-\U0010ffff]")


def _width(value) -> int:
    """Columns the text of ``value`` takes: a CJK character (above U+2E80) two, any other one."""
    s = "" if value is None else str(value)
    if s.isascii():   # most cells (numbers, ids): one column a character
        return len(s)
    return len(s) + len(_WIDE.findall(s))


_UNIT_IN_HEADER = re.compile(r"[(（]([^()（）]+)[)）]\s*$")
#: columns whose unit is given row by row, in this column
ROW_UNIT_COLUMNS = ("单位 Unit", "实物量单位 Physical unit")


def _unit_of(header: str) -> str | None:
    """The unit in a header such as "价值量 Value (亿元)" or "面积 Area（km²）"."""
    m = _UNIT_IN_HEADER.search(str(header))
    return m.group(1).strip() if m else None


#: headers of columns that identify a row rather than measure it ("行 Row", "序号 No", "核算年 Year",
#: "起始年 Valid from"): their whole numbers never take the format of the row's unit ("2,021.00")
_IDENTIFIER_HEADER = re.compile(r"(?:\b(?:row|no\.?|rank|year|valid from|valid to)|年)$", re.IGNORECASE)


def _identifies(header: str) -> bool:
    """Whether a column without a unit of its own names the row (a row number, a rank, a year)."""
    return _unit_of(header) is None and bool(_IDENTIFIER_HEADER.search(str(header).strip()))


# ------------------------------------------------------------------ the layout of a sheet (any library)
class CellStyle(NamedTuple):
    """How a cell looks: ``kind`` is "note", "header", "missing" or "number"; a number's Excel format."""

    kind: str
    number_format: str = "General"


#: a note above the table: italic, grey (555555)
NOTE = CellStyle("note")
#: the header row: bold on light green (DDEBDD), wrapped, top-aligned
HEADER = CellStyle("header")
#: a missing number, shown as "—": brown (8A5A00), right-aligned
MISSING_NUMBER = CellStyle("missing")


@cache
def number_style(unit: str) -> CellStyle:
    """The style of a number in ``unit``: its Excel format (:func:`gep.numformat.excel_format`)."""
    return CellStyle("number", excel_format(unit))


@dataclass
class SheetLayout:
    """One sheet, cell by cell, before any library writes it.

    ``rows`` are the rows from row 1 down, each as two lists from column A: the
    values (``None`` for no cell) and their styles (``None`` for a plain cell).
    ``widths`` are the column widths in Excel's character units; the rows up to
    ``header_row`` (1-based) stay frozen.
    """

    rows: list[tuple[list[Any], list[CellStyle | None]]]
    widths: list[int]
    header_row: int


def sheet_layout(frame: pd.DataFrame, notes: Iterable[str] = ()) -> SheetLayout:
    """One sheet: notes, a bold header row, numbers in the one format of their unit (gep.numformat), "—" for missing.

    A number's unit comes from its column header ("(亿元)") or, for mixed
    tables, from the row's unit column ("单位 Unit"); any other number is a
    physical quantity. A missing number is written as "—": the sheet's notes or
    its reason column say why. Text is neutralised (:func:`gep.io.safe_text.neutralise`).
    A column is as wide as its widest value among the first 200 rows (a CJK
    character counting two), at least 10 and at most 60 characters.
    """
    notes = list(notes)
    header_row = len(notes) + (2 if notes else 1)
    # one object array per column (iterating a pandas string column cell by cell costs more than writing it)
    block = frame.to_numpy(dtype=object)
    columns = [block[:, k] for k in range(frame.shape[1])]
    widths = []
    for col, values in zip(frame.columns, columns):
        longest = max([_width(col) // 2 + 2] + [_width(v) for v in values[:200]]) if len(frame) else _width(col)
        widths.append(min(max(10, longest + 2), 60))
    rows: list[tuple[list[Any], list[CellStyle | None]]] = [([neutralise(note)], [NOTE]) for note in notes]
    if notes:
        rows.append(([], []))
    rows.append(([neutralise(str(col)) for col in frame.columns], [HEADER] * frame.shape[1]))
    row_unit_col = next((frame.columns.get_loc(c) for c in ROW_UNIT_COLUMNS if c in frame.columns), None)
    row_units = None if row_unit_col is None else \
        [u if isinstance(u, str) else None for u in columns[row_unit_col]]
    # column by column (what a cell becomes depends on its column and, for a number, its row's unit)
    cells = [_column_cells(values, numeric=pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype),
                           unit=_unit_of(col), identifier=_identifies(col),
                           row_units=row_units if j != row_unit_col else None)
             for j, (col, dtype, values) in enumerate(zip(frame.columns, frame.dtypes.tolist(), columns))]
    for values, styles in zip(zip(*(c[0] for c in cells)), zip(*(c[1] for c in cells))):
        rows.append((list(values), list(styles)))
    return SheetLayout(rows, widths, header_row)


def _column_cells(values, *, numeric: bool, unit: str | None, identifier: bool,
                  row_units: list | None) -> tuple[list, list]:
    """The cells of one column of :func:`sheet_layout`: values and styles.

    ``unit`` is the header's unit; without one, a number takes its row's unit from ``row_units`` (the unit column's
    text, ``None`` where it has none). A column that identifies rows (``identifier``) writes its whole numbers as
    they are. A missing value of a ``numeric`` column is :data:`MISSING`, any other missing value no cell.
    """
    if all(type(v) is float for v in values):  # a column of floats (the common case): no item() or int to check
        if identifier and any(v.is_integer() for v in values):
            pass  # years or row numbers held as floats: cell by cell below
        elif unit is not None or row_units is None:
            style = number_style(unit or "")
            missing = (MISSING, MISSING_NUMBER) if numeric else (None, None)
            cells = [(v, style) if v == v else missing for v in values]
            return [c[0] for c in cells], [c[1] for c in cells]
    elif all(type(v) is str for v in values):  # a column of text
        return [neutralise(v) for v in values], [None] * len(values)
    out, styles = [], []
    for i, v in enumerate(values):
        if isinstance(v, float) and v != v:
            v = None
        elif hasattr(v, "item") and not isinstance(v, str):
            v = v.item()
        if identifier and isinstance(v, float) and v.is_integer():
            v = int(v)  # a year or row number held in a float column (one that has gaps): 2024, not 2024.0
        style = None
        if v is None and numeric:
            v, style = MISSING, MISSING_NUMBER
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            u = unit
            if isinstance(v, int) and identifier:
                u = None  # a row number, a rank or a year is written as it is
            elif u is None and row_units is not None:
                u = row_units[i]
            if u is not None or isinstance(v, float):
                style = number_style(u or "")
        else:
            v = neutralise(v)  # text as text, never a formula
        out.append(v)
        styles.append(style)
    return out, styles


# ------------------------------------------------------------------ XlsxWriter (every workbook gep writes)
#: the XlsxWriter formats of the styles of :func:`sheet_layout`: notes italic grey, the header bold on light green
XLSX_LOOKS = {
    "note": {"italic": True, "font_color": "#555555"},
    "header": {"bold": True, "pattern": 1, "bg_color": "#DDEBDD", "text_wrap": True, "valign": "top"},
    "missing": {"font_color": "#8A5A00", "align": "right"},
    "number": {},
}
#: an Excel column of width ``w`` (characters of the default font) is ``7 * w`` pixels wide (Calibri 11: 7 px a digit)
_PIXELS_PER_CHARACTER = 7
#: chart sizes are given in cm, as openpyxl's were; XlsxWriter takes pixels (96 per inch)
_PIXELS_PER_CM = 96 / 2.54


#: the most characters a cell holds; longer text is cut, as openpyxl cut it
MAX_CELL_TEXT = 32767


def _check_sheet_text(layout: "SheetLayout", sheet: str) -> None:
    """Raise :func:`_checked_text`'s error for the first text cell of ``layout`` that no workbook can hold.

    The sheet's text is searched in one pass (a line feed between cells, which a cell may hold); the
    cells one by one only when that pass finds a control character, to name the cell.
    """
    texts = [v for values, _ in layout.rows for v in values if type(v) is str]
    if not UNSTORABLE.search("\n".join(texts)):
        return
    for r, (values, _) in enumerate(layout.rows):
        for c, value in enumerate(values):
            if isinstance(value, str):
                _checked_text(value, sheet, r, c)


def _checked_text(text: str, sheet: str, row: int, col: int) -> str:
    """``text`` as a cell holds it, as openpyxl wrote it: at most 32,767 characters (:data:`MAX_CELL_TEXT`).

    Raises
    ------
    OutputError
        ``unstorable_text``: the text holds a control character no workbook can hold
        (:data:`gep.io.safe_text.UNSTORABLE`), named with its sheet and cell. The inputs gep reads are
        checked for them already; this names any that came another way (a config string, a plugin).
    """
    text = text[:MAX_CELL_TEXT]
    bad = UNSTORABLE.search(text)
    if bad:
        from xlsxwriter.utility import xl_rowcol_to_cell

        from ..errors import OutputError, problem

        where, code = f"{sheet}!{xl_rowcol_to_cell(row, col)}", f"U+{ord(bad.group()):04X}"
        raise OutputError(problem(
            "unstorable_text", f"工作表单元格 {where} 的文字含有控制字符 {code}，工作簿无法保存：{shown_with_controls(text)}",
            f"the text of cell {where} holds the control character {code}, which no workbook can hold: "
            f"{shown_with_controls(text)}", value=shown_with_controls(text),
            hint_zh="在给出这段文字的输入（地区名、来源、配置）中删除该字符；它常随从其他程序粘贴的文字而来",
            hint_en="delete it from the input that gives this text (a region name, a source, the config); it often "
                    "comes with text pasted from another program"))
    return text


def _unique_title(titles: list[str], title: str) -> str:
    """``title``, or ``title`` with the next number when a sheet has it already (case-insensitive; openpyxl's rule)."""
    if title.lower() not in {t.lower() for t in titles}:
        return title
    numbers = [int(m.group(1)) for t in titles if (m := re.fullmatch(re.escape(title) + r"(\d*)", t, re.IGNORECASE))
               and m.group(1)]
    return f"{title}{max(numbers, default=0) + 1}"


def _write_layout(wb, ws, layout: SheetLayout, formats: dict) -> None:
    """Write ``layout`` into the XlsxWriter worksheet ``ws`` (``formats``: CellStyle -> XlsxWriter format, filled here)."""
    for j, width in enumerate(layout.widths):
        ws.set_column_pixels(j, j, width * _PIXELS_PER_CHARACTER)
    ws.freeze_panes(layout.header_row, 0)
    sheet = ws.get_name()
    _check_sheet_text(layout, sheet)
    write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
    for r, (values, styles) in enumerate(layout.rows):
        for c, (value, style) in enumerate(zip(values, styles)):
            fmt = None
            if style is not None:
                fmt = formats.get(style)
                if fmt is None:
                    fmt = formats[style] = wb.add_format(
                        {**XLSX_LOOKS[style.kind], **({"num_format": style.number_format}
                                                      if style.kind == "number" else {})})
            kind = type(value)
            if kind is str:
                if value:
                    # always write_string, never ws.write() (which would make "=…" a formula); text such as
                    # "#N/A" stays text (openpyxl made it an error cell; no gep table has such a text)
                    write_string(r, c, value if len(value) <= MAX_CELL_TEXT else value[:MAX_CELL_TEXT], fmt)
                elif fmt is not None:
                    write_blank(r, c, None, fmt)
            elif kind is float or kind is int:
                if kind is float and not math.isfinite(value):
                    # no value (openpyxl wrote ±inf as an empty number): a cell only when it has a style
                    if fmt is not None:
                        write_blank(r, c, None, fmt)
                else:
                    write_number(r, c, value, fmt)
            else:
                _write_other(ws, r, c, value, fmt)


def _write_other(ws, r: int, c: int, value, fmt) -> None:
    """A cell whose value is not a plain str, float or int: none, text or a number of another type, a bool."""
    if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)
    elif isinstance(value, str):
        ws.write_string(r, c, _checked_text(value, ws.get_name(), r, c), fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, Real):
        ws.write_number(r, c, value, fmt)
    else:
        raise ValueError(f"Cannot convert {value!r} to Excel")


def _add_bar_chart(wb, ws, title: str, axis_title: str, values: tuple[int, int, int], categories: tuple[int, int, int],
                   *, name_cell: tuple[int, int] | None = None, width_cm: float = 16, height_cm: float = 7.5,
                   anchor: tuple[int, int]) -> None:
    """A native Excel chart of horizontal bars of one column; ``axis_title`` names the value axis.

    ``values`` and ``categories`` are (first row, last row, column), 0-based; ``name_cell`` (row, column)
    holds the series name; ``anchor`` (row, column) is the chart's top-left cell.
    """
    sheet = ws.get_name()
    chart = wb.add_chart({"type": "bar"})   # horizontal bars
    series = {"values": [sheet, values[0], values[2], values[1], values[2]],
              "categories": [sheet, categories[0], categories[2], categories[1], categories[2]],
              "fill": {"color": "#3A7D44"}}
    if name_cell is not None:
        series["name"] = [sheet, *name_cell]
    chart.add_series(series)
    chart.set_style(10)
    chart.set_title({"name": title})
    chart.set_x_axis({"name": axis_title})   # in XlsxWriter's bar chart the x axis is the (horizontal) value axis
    chart.set_legend({"none": True})
    chart.set_size({"width": round(width_cm * _PIXELS_PER_CM), "height": round(height_cm * _PIXELS_PER_CM)})
    ws.insert_chart(*anchor, chart, {"object_position": 2})   # moves with its cells, keeps its size


def report_tables(res, summary: dict | None = None) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    """The report's sheets as DataFrames (sheet title -> (frame, notes)).

    ``summary`` is ``res.summary()`` when the caller has just built it (the
    outputs of a run write summary.json from the same dict).
    """
    s = res.summary() if summary is None else summary
    cat_labels = {"provisioning": ("物质产品", "Provisioning"), "regulating": ("调节服务", "Regulating"),
                  "cultural": ("文化服务", "Cultural"), "supporting": ("支持服务", "Supporting")}
    tk = total_key(s)
    total = s[tk]
    rows = [("生态系统生产总值 GEP", "Gross ecosystem product", total / YI, "亿元", "") if tk == "gep" else
            ("生态系统服务价值 ESV", "Ecosystem service value (not GEP: includes supporting services)", total / YI, "亿元", "")]
    for cat, v in s["by_category"].items():
        zh, en = cat_labels.get(cat, (cat, cat))
        rows.append((zh, en, v / YI, "亿元", ""))
    for ind_id, ind in s["indicators"].items():
        reason = "" if ind["value"] is not None else (
            "缺少 missing: " + ", ".join(ind.get("missing") or ["—"]))
        rows.append((ind["label"]["zh"], ind["label"]["en"], ind["value"], ind["unit"], reason))
    summary = pd.DataFrame(rows, columns=["项目", "Item", "数值 Value", "单位 Unit", "说明 Note"])
    notes_summary = [
        f"{res.name.get('zh', '')} {res.name.get('en', '')} — {res.year} 年 / year {res.year}",
        f"价格口径 Prices: {res.prices}; 系数集 Coefficient set: {res.coefficients['id']} ({res.coefficients['version']}); "
        f"核算方案 Profile: {res.extra.get('profile')}",
        f"国土面积 Land area: {res.land_area_km2:.2f} km²",
    ]
    # the data-quality banner and the warnings come first: a reader sees them before any figure
    banner = [f"⚠ {w['zh']} / {w['en']}" for w in s.get("warnings", [])
              if w["code"] in ("illustrative_data", "unverified_data")]
    others = [f"注意 Warning: {w['zh']} / {w['en']}" for w in s.get("warnings", [])
              if w["code"] not in ("illustrative_data", "unverified_data")]
    notes_summary = banner + notes_summary + others

    by_service = pd.DataFrame([
        {"服务 Service ID": sid, "服务 (中文)": v["label"]["zh"], "Service (English)": v["label"]["en"],
         "类别 Category": f"{cat_labels[v['category']][0]} {cat_labels[v['category']][1]}",
         "方法 Method": v["method"], "层级 Tier": v["tier"],
         "实物量 Physical": v["physical"], "实物量单位 Physical unit": v["physical_unit"],
         "价值量 Value (亿元)": v["value"] / YI, "占比 Share (%)": (v["value"] / total * 100) if total else None}
        for sid, v in s["by_service"].items()
    ])

    wide = (res.value / YI).to_pandas().T  # region × service
    wide.columns = [f"{res.services.at[c, 'label_zh']} {res.services.at[c, 'label_en']} (亿元)" for c in wide.columns]
    measure = "GEP" if tk == "gep" else "ESV"  # an ESV account's columns say ESV
    total_column = in_measure("GEP (亿元)", measure)
    wide.insert(0, total_column, (res.value.sum("service") / YI).to_series().reindex(wide.index))
    wide.insert(0, "面积 Area (km²)", res.regions.loc[wide.index, "area_km2"].to_numpy())
    wide.insert(0, "Region", res.regions.loc[wide.index, "name_en"].to_numpy())
    wide.insert(0, "地区", res.regions.loc[wide.index, "name_zh"].to_numpy())
    wide.insert(0, "ID", wide.index)
    wide.insert(len(wide.columns), in_measure("单位面积GEP GEP per area (万元/km²)", measure),
                wide[total_column] * 1e4 / wide["面积 Area (km²)"])
    by_region = wide.reset_index(drop=True)

    tidy = res.to_dataframe()
    physical = tidy[["region", "region_zh", "service", "service_zh", "service_en", "physical", "physical_unit"]].rename(
        columns={"region": "地区 Region", "region_zh": "地区名 Region name", "service": "服务 Service",
                 "service_zh": "服务 (中文)", "service_en": "Service (English)", "physical": "实物量 Physical quantity",
                 "physical_unit": "单位 Unit"})

    ind_rows = []
    for ind_id, ind in s["indicators"].items():
        comps = ind.get("components", {}) or {}
        ind_rows.append({"指标 Indicator": f"{ind['label']['zh']} / {ind['label']['en']}", "ID": ind_id,
                         "数值 Value": ind["value"], "单位 Unit": ind["unit"],
                         "构成 Components": "; ".join(f"{k} = {v:,.6g}" if isinstance(v, (int, float)) else f"{k} = {v}"
                                                     for k, v in comps.items()),
                         "缺少 Missing": ", ".join(ind.get("missing", []))})
    for extra in res.extra.get("indicator_rows", []):
        ind_rows.append(extra)
    indicators = pd.DataFrame(ind_rows)

    prov = res.provenance.copy()
    keep = [c for c in ("service", "method", "key", "ecosystem", "for_region", "region", "year", "value", "unit",
                        "price_year", "source", "locator", "status", "set", "file", "row", "valid_from", "note")
            if c in prov.columns]
    coeffs = prov[keep].drop_duplicates().rename(columns={
        "service": "服务 Service", "method": "方法 Method", "key": "系数 Key", "ecosystem": "生态系统 Ecosystem",
        "for_region": "用于地区 For region", "region": "适用地区 Row region", "year": "核算年 Year", "value": "数值 Value",
        "unit": "单位 Unit", "price_year": "价格年 Price year", "source": "来源 Source", "locator": "出处 Locator",
        "status": "状态 Status", "set": "系数集 Set", "file": "文件 File", "row": "行 Row",
        "valid_from": "起始年 Valid from", "note": "说明 Note"}) if keep else prov
    sources = pd.DataFrame([{"来源 Source": k, "引用 Citation": v.get("citation", v.get("title", "")) if isinstance(v, dict) else v}
                            for k, v in res.coefficients.get("sources", {}).items()])

    inputs = pd.DataFrame([{"文件 File": f, "SHA-256": h} for f, h in res.inputs.items()])
    tables = {
        "汇总 Summary": (summary, notes_summary),
        "分项 By service": (by_service, ["价值量单位：亿元 (10⁸ CNY)"]),
        "分区 By region": (by_region, ["价值量单位：亿元 (10⁸ CNY)"]),
        "实物量 Physical": (physical, []),
        "指标 Indicators": (indicators, []),
        "系数 Coefficients used": (coeffs, ["每一行是一次系数解析 / one row per coefficient resolution"]),
        "来源 Sources": (sources, []),
        "输入 Inputs": (inputs, ["输入文件及其 SHA-256 / input files and their SHA-256"]),
    }
    if res.land_use_rows is not None:
        tables["土地利用 Land use"] = (res.land_use_rows.rename(columns={
            "row": "行 Row", "region": "地区 Region", "code": "地类代码 Code", "area": "面积 Area", "unit": "单位 Unit",
            "area_hm2": "面积 Area (hm²)", "ecosystem": "生态系统 Ecosystem"}), ["每个输入行及其归类 / every input row and what it became"])
    stats_report = res.extra.get("statistics_report")
    if stats_report is not None:
        frame = stats_report.copy()
        if "source_row" in frame:
            frame["source_row"] = frame["source_row"].map(lambda v: _short_path(v))
        frame = frame.rename(columns={
            "source_row": "来源行 Source row", "row": "行 Row", "region": "地区 Region", "item_input": "原始项目 Item as given",
            "item": "项目 Item", "group": "类别 Group", "outcome": "去向 Outcome", "output_value": "产值 Output value (元)",
            "detail": "说明 Detail"})
        tables["统计输入 Statistics rows"] = (frame, ["每个统计输入行及其去向 / every statistics row and what it became"])
    tm = res.extra.get("two_mountains")
    if tm is not None:
        cols = {"no": "序号 No", "indicator_zh": "指标", "indicator_en": "Indicator", "unit": "单位 Unit",
                "value": f"{res.year} 值 Value", "value_source": "来源 Value source", "target_text": "目标 Target",
                "reference": "比较基准 Reference", "met": "达标 Met", "reason_zh": "说明", "reason_en": "Reason"}
        frame = tm[[c for c in cols if c in tm.columns]].rename(columns=cols)
        tm_in = res.extra.get("two_mountains_input")
        if tm_in is not None and "target_year" in tm_in:  # the year each target is for (表1: 2024)
            years = dict(zip(tm_in["no"].astype(int), tm_in["target_year"]))
            frame.insert(frame.columns.get_loc("目标 Target") + 1, "目标年 Target year",
                         [None if pd.isna(years.get(int(n))) else int(years[int(n)]) for n in tm["no"]])
        tables["两山指标 Two-Mountains"] = (frame, [
            "“两山”实践创新基地建设指标：目标、现状与是否达标 / Two-Mountains indicators: target, value, met",
            "value source: computed = 由 gep 核算 / computed by gep; table = 指标表给出 / from the indicator table"])
    yoy = res.extra.get("year_on_year")
    if yoy is not None:
        a, b = yoy["a"], yoy["b"]

        def fmt(frame, label):
            f = frame.copy() / YI
            f["change_%"] = frame["change_%"]
            f = f.rename(columns={"value_a": f"{a} (亿元)", "value_b": f"{b} (亿元)", "change": "变化 Change (亿元)",
                                  "area": "面积与结构效应 Area effect (亿元)", "intensity": "强度效应 Intensity effect (亿元)",
                                  "quantity": "数量效应 Quantity effect (亿元)", "price": "价格效应 Price effect (亿元)",
                                  "change_%": "变化率 Change (%)"})
            f.insert(0, "项目 Item", f.index)
            f.insert(0, "层级 Level", label)
            return f.reset_index(drop=True)

        blocks = [fmt(yoy["by_category"], "类别 Category"), fmt(yoy["by_service"], "服务 Service"),
                  fmt(yoy["by_region"], "地区 Region")]
        frame = pd.concat(blocks, ignore_index=True)
        tables["年度对比 Year-on-year"] = (frame, [
            f"{a} → {b}，价格口径 prices: {yoy['prices']}。各效应之和等于变化（Shapley 分解）/ effects add up to the change (Shapley decomposition)"])
        tables["指标年度对比 Indicators by year"] = (yoy["indicators"].rename(columns={
            "indicator": "指标 ID", "label_zh": "指标", "label_en": "Indicator", "unit": "单位 Unit",
            "growth_%": "增长 Growth (%)"}), [
            f"各年指标按核算口径 indicators as accounted, prices: {yoy.get('indicator_prices', yoy['prices'])}"])
    for title, (frame, notes) in res.extra.get("report_sheets", {}).items():
        tables[title] = (frame, notes)
    return tables


def _short_path(value) -> str:
    """``/any/folder/statistics.csv:12`` -> ``statistics.csv:12`` (reports do not carry machine paths)."""
    text = str(value)
    return Path(text.split(":")[0]).name + (":" + text.split(":", 1)[1] if ":" in text else "")


def write_tables(path: str | Path, sheets: dict[str, tuple[pd.DataFrame, list[str]]], *,
                 after_sheet: Callable[..., None] | None = None) -> Path:
    """Write ``{title: (frame, notes)}`` as one workbook with XlsxWriter, each sheet laid out by :func:`sheet_layout`.

    Titles are cut to Excel's 31 characters (a repeat gets a number). ``after_sheet(wb, ws, title, frame,
    layout)`` may add to a sheet once its cells are written (the charts of ``accounts.xlsx``). The file is
    built in memory and written at the end in one piece: an error on the way leaves no half-written
    workbook, and a folder that cannot be written raises the same ``OSError`` as any other file. Numbers
    are stored with 16 significant digits, as openpyxl stored them.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    # in memory (no temporary file per sheet); text is written with write_string only, never parsed
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False})
    formats: dict[CellStyle, Any] = {}
    titles: list[str] = []
    for title, (frame, notes) in sheets.items():
        titles.append(_unique_title(titles, title[:31]))
        ws = wb.add_worksheet(titles[-1])
        layout = sheet_layout(frame, notes)
        _write_layout(wb, ws, layout, formats)
        if after_sheet is not None:
            after_sheet(wb, ws, title, frame, layout)
    wb.set_properties({"author": "gep"})
    wb.close()
    path = Path(path)
    with open(path, "wb") as fh:
        fh.write(buffer.getbuffer())
    return path


def write_excel(res, path: str | Path, *, summary: dict | None = None) -> Path:
    """Write ``accounts.xlsx``: every sheet of :func:`report_tables` (:func:`write_tables`), with two native charts.

    The summary sheet charts GEP by category, the sheet by region GEP by township.
    """
    n_cat = len(res.by_category)  # the rows of the summary sheet that follow its GEP row
    measure = getattr(res, "measure", "GEP")  # an ESV account's charts say ESV

    def charts(wb, ws, title: str, frame: pd.DataFrame, layout: SheetLayout) -> None:
        start = layout.header_row - 1   # 0-based row of the header
        if title == "汇总 Summary":   # GEP by category: the rows after the GEP row
            rows = (start + 2, start + 1 + n_cat)
            _add_bar_chart(wb, ws, in_measure("GEP 分类构成 GEP by category (亿元)", measure), "亿元", values=(*rows, 2),
                           categories=(*rows, 0),
                           width_cm=14, height_cm=6.0, anchor=(start, 6))
        elif title == "分区 By region":
            col = list(frame.columns).index(in_measure("GEP (亿元)", measure))
            rows = (start + 1, start + len(frame))
            _add_bar_chart(wb, ws, in_measure("乡镇 GEP GEP by township (亿元)", measure), "亿元", values=(*rows, col),
                           categories=(*rows, 1),
                           name_cell=(start, col), height_cm=max(7.5, 0.5 * len(frame)),
                           anchor=(start, len(frame.columns) + 1))

    return write_tables(path, report_tables(res, summary), after_sheet=charts)

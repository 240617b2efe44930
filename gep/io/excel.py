"""The bilingual Excel report (``accounts.xlsx``).

Sheets: 汇总 Summary, 分项 By service, 分区 By region, 实物量 Physical,
指标 Indicators, 系数 Coefficients used, 输入 Inputs (and any extra sheets an
engine adds). Numbers are written as numbers, units in the column headers,
columns sized to their content, the header row frozen. Text that starts like
a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) is written with a
leading ``'`` as text (:mod:`gep.io.safe_text`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .safe_text import neutralise
from .summary import total_key

from ..numformat import MISSING, excel_format

__all__ = ["write_excel", "report_tables"]

HEADER_FILL = PatternFill("solid", fgColor="DDEBDD")
YI = 1e8


def _width(value) -> int:
    s = "" if value is None else str(value)
    # CJK characters take about two columns
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


_UNIT_IN_HEADER = re.compile(r"[(（]([^()（）]+)[)）]\s*$")
#: columns whose unit is given row by row, in this column
ROW_UNIT_COLUMNS = ("单位 Unit", "实物量单位 Physical unit")


def _unit_of(header: str) -> str | None:
    """The unit in a header such as "价值量 Value (亿元)" or "面积 Area（km²）"."""
    m = _UNIT_IN_HEADER.search(str(header))
    return m.group(1).strip() if m else None


NOTE_FONT = Font(italic=True, color="555555")
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
MISSING_FONT = Font(color="8A5A00")
MISSING_ALIGNMENT = Alignment(horizontal="right")


def _sheet(wb: Workbook, title: str, frame: pd.DataFrame, notes: Iterable[str] = ()):
    """One sheet: notes, a bold header row, numbers in the one format of their unit (gep.numformat), "—" for missing.

    A number's unit comes from its column header ("(亿元)") or, for mixed
    tables, from the row's unit column ("单位 Unit"); any other number is a
    physical quantity. A missing number is written as "—": the sheet's notes or
    its reason column say why.

    The workbook is written in openpyxl's write-only mode (rows streamed in
    order), so column widths and the frozen header are set before the rows.
    """
    ws = wb.create_sheet(title)
    notes = list(notes)
    start = len(notes) + (2 if notes else 1)
    for j, col in enumerate(frame.columns, start=1):
        longest = max([_width(col) // 2 + 2] + [_width(v) for v in frame.iloc[:200, j - 1].to_numpy(dtype=object)]) \
            if len(frame) else _width(col)
        ws.column_dimensions[get_column_letter(j)].width = min(max(10, longest + 2), 60)
    ws.freeze_panes = f"A{start + 1}"
    for note in notes:
        ws.append([_styled(ws, neutralise(note), font=NOTE_FONT)])
    if notes:
        ws.append([])
    ws.append([_styled(ws, neutralise(str(col)), font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT)
               for col in frame.columns])
    header_units = {j: _unit_of(col) for j, col in enumerate(frame.columns, start=1)}
    row_unit_col = next((frame.columns.get_loc(c) for c in ROW_UNIT_COLUMNS if c in frame.columns), None)
    numeric = {j for j, col in enumerate(frame.columns, start=1)
               if pd.api.types.is_numeric_dtype(frame[col]) and not pd.api.types.is_bool_dtype(frame[col])}
    # one object array per column (iterating a pandas string column cell by cell costs more than writing it)
    columns = [frame.iloc[:, k].to_numpy(dtype=object) for k in range(frame.shape[1])]
    for row in zip(*columns):
        cells = []
        for j, v in enumerate(row, start=1):
            if isinstance(v, float) and v != v:
                v = None
            elif hasattr(v, "item") and not isinstance(v, str):
                v = v.item()
            if v is None and j in numeric:
                cells.append(_styled(ws, MISSING, font=MISSING_FONT, alignment=MISSING_ALIGNMENT))
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                unit = header_units[j]
                if unit is None and row_unit_col is not None and j - 1 != row_unit_col:
                    unit = row[row_unit_col] if isinstance(row[row_unit_col], str) else None
                if unit is not None or isinstance(v, float):
                    cells.append(_styled(ws, v, number_format=excel_format(unit or "")))
                    continue
            cells.append(neutralise(v))  # text as text, never a formula
        ws.append(cells)
    return ws, start


def _styled(ws, value, **style) -> WriteOnlyCell:
    """A cell of a write-only sheet with its style (font, fill, alignment, number_format)."""
    cell = WriteOnlyCell(ws, value=value)
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def _bar_chart(ws, start: int, n_rows: int, label_col: int, value_col: int, title: str, y_title: str, anchor: str,
               *, horizontal: bool = True, height: float = 7.5):
    """A native Excel bar chart of one column of the table starting at row ``start`` (its header)."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.style = 10
    chart.title = title
    chart.y_axis.title = y_title
    chart.legend = None
    chart.height, chart.width = height, 16
    data = Reference(ws, min_col=value_col, min_row=start, max_row=start + n_rows)
    cats = Reference(ws, min_col=label_col, min_row=start + 1, max_row=start + n_rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.series[0].graphicalProperties.solidFill = "3A7D44"
    ws.add_chart(chart, anchor)
    return chart


def report_tables(res) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    """The report's sheets as DataFrames (sheet title -> (frame, notes))."""
    s = res.summary()
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
    wide.insert(0, "GEP (亿元)", (res.value.sum("service") / YI).to_series().reindex(wide.index))
    wide.insert(0, "面积 Area (km²)", res.regions.loc[wide.index, "area_km2"].to_numpy())
    wide.insert(0, "Region", res.regions.loc[wide.index, "name_en"].to_numpy())
    wide.insert(0, "地区", res.regions.loc[wide.index, "name_zh"].to_numpy())
    wide.insert(0, "ID", wide.index)
    wide.insert(len(wide.columns), "单位面积GEP GEP per area (万元/km²)",
                wide["GEP (亿元)"] * 1e4 / wide["面积 Area (km²)"])
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


def write_excel(res, path: str | Path) -> Path:
    """Write the workbook (openpyxl's write-only mode: each sheet streamed once, in order)."""
    wb = Workbook(write_only=True)
    n_cat = len(res.by_category)  # the rows of the summary sheet that follow its GEP row
    for title, (frame, notes) in report_tables(res).items():
        ws, start = _sheet(wb, title[:31], frame, notes)
        if title == "汇总 Summary":   # GEP by category: the rows after the GEP row
            chart = BarChart()
            chart.type, chart.style, chart.legend = "bar", 10, None
            chart.title = "GEP 分类构成 GEP by category (亿元)"
            chart.y_axis.title = "亿元"
            chart.height, chart.width = 6.0, 14
            chart.add_data(Reference(ws, min_col=3, min_row=start + 2, max_row=start + 1 + n_cat))
            chart.set_categories(Reference(ws, min_col=1, min_row=start + 2, max_row=start + 1 + n_cat))
            chart.series[0].graphicalProperties.solidFill = "3A7D44"
            ws.add_chart(chart, f"G{start}")
        elif title == "分区 By region":
            col = list(frame.columns).index("GEP (亿元)") + 1
            _bar_chart(ws, start, len(frame), 2, col, "乡镇 GEP GEP by township (亿元)", "亿元",
                       f"{get_column_letter(len(frame.columns) + 2)}{start}", height=max(7.5, 0.5 * len(frame)))
    wb.properties.creator = "gep"
    path = Path(path)
    wb.save(path)
    return path

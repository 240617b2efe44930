"""The reference: ``accounts.xlsx`` as gep wrote it with openpyxl (gep.io.excel at commit e38b972).

Kept, unchanged but for its name, so that tests can compare the XlsxWriter
writer of :mod:`gep.io.excel` with it cell by cell. The tables come from the
current :func:`gep.io.excel.report_tables` (the writer, not the tables, is what
changed); everything else below is the old writer's own code.
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

from gep.io.excel import report_tables
from gep.io.safe_text import neutralise
from gep.numformat import MISSING, excel_format

HEADER_FILL = PatternFill("solid", fgColor="DDEBDD")


def _width(value) -> int:
    s = "" if value is None else str(value)
    # CJK characters take about two columns
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


_UNIT_IN_HEADER = re.compile(r"[(（]([^()（）]+)[)）]\s*$")
ROW_UNIT_COLUMNS = ("单位 Unit", "实物量单位 Physical unit")


def _unit_of(header: str) -> str | None:
    m = _UNIT_IN_HEADER.search(str(header))
    return m.group(1).strip() if m else None


NOTE_FONT = Font(italic=True, color="555555")
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
MISSING_FONT = Font(color="8A5A00")
MISSING_ALIGNMENT = Alignment(horizontal="right")


def reference_sheet(wb: Workbook, title: str, frame: pd.DataFrame, notes: Iterable[str] = ()):
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
            cells.append(neutralise(v))
        ws.append(cells)
    return ws, start


def _styled(ws, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def _bar_chart(ws, start: int, n_rows: int, label_col: int, value_col: int, title: str, y_title: str, anchor: str,
               *, horizontal: bool = True, height: float = 7.5):
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


def reference_write_excel(res, path: str | Path) -> Path:
    wb = Workbook(write_only=True)
    n_cat = len(res.by_category)
    for title, (frame, notes) in report_tables(res).items():
        ws, start = reference_sheet(wb, title[:31], frame, notes)
        if title == "汇总 Summary":
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

"""``accounts.xlsx`` written with XlsxWriter holds what the openpyxl writer wrote, cell by cell.

The reference is gep's former writer (openpyxl, :mod:`openpyxl_report_writer`).
Both workbooks are read back with openpyxl and compared on everything a reader
sees: sheet names, every cell's value and type, number format, font (bold,
italic, colour), fill, alignment, column widths, the frozen header, the charts
(data, categories, series name, colour, titles, anchor cell) and the author.
"""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import gep
from gep.errors import OutputError
from gep.account.years import run_years
from gep.io.excel import _write_layout, sheet_layout, write_excel, write_tables
from openpyxl_report_writer import reference_sheet, reference_write_excel


def _rgb(color) -> str | None:
    """The RGB of an openpyxl colour without its alpha byte (openpyxl wrote 00, XlsxWriter FF: both opaque)."""
    rgb = getattr(color, "rgb", None)
    return rgb[-6:] if isinstance(rgb, str) else None


def _cell(c) -> tuple:
    f, fill, a = c.font, c.fill, c.alignment
    return (c.value,
            c.data_type if c.value is not None else None,   # an empty cell has no type to compare
            c.number_format, bool(f.b), bool(f.i), _rgb(f.color),
            fill.fill_type, _rgb(fill.fgColor) if fill.fill_type else None,
            bool(a.wrap_text), a.vertical, a.horizontal)


def _widths(ws) -> dict[int, float]:
    """Column number -> width (XlsxWriter writes neighbours of one width as one <col min max> range)."""
    out = {}
    for d in ws.column_dimensions.values():
        if d.customWidth:
            out.update({i: d.width for i in range(d.min, d.max + 1)})
    return out


def _title(t) -> str | None:
    return None if t is None else "".join(r.t for p in t.tx.rich.p for r in (p.r or []))


def _chart(ch) -> dict:
    s = ch.series[0]
    fill = s.graphicalProperties.solidFill if s.graphicalProperties else None
    return {"direction": ch.barDir, "legend": ch.legend,
            "values": s.val.numRef.f.replace("$", ""),
            "categories": (s.cat.numRef or s.cat.strRef).f.replace("$", ""),
            "name": s.tx.strRef.f.replace("$", "") if s.tx and s.tx.strRef else None,
            "colour": getattr(fill.srgbClr, "val", fill.srgbClr) if fill is not None else None,
            "title": _title(ch.title), "value axis": _title(ch.y_axis.title),
            "top-left": (ch.anchor._from.row, ch.anchor._from.col)}


def differences(path_a, path_b) -> list:
    """Every difference a reader can see between two workbooks (empty: the same)."""
    a, b = load_workbook(path_a), load_workbook(path_b)
    out = []
    if a.sheetnames != b.sheetnames:
        out.append(("sheets", a.sheetnames, b.sheetnames))
    if a.properties.creator != b.properties.creator:
        out.append(("creator", a.properties.creator, b.properties.creator))
    for name in a.sheetnames:
        sa, sb = a[name], b[name]
        for what, va, vb in [("size", (sa.max_row, sa.max_column), (sb.max_row, sb.max_column)),
                             ("frozen", sa.freeze_panes, sb.freeze_panes),
                             ("widths", _widths(sa), _widths(sb)),
                             ("charts", [_chart(c) for c in sa._charts], [_chart(c) for c in sb._charts])]:
            if va != vb:
                out.append((name, what, va, vb))
        for ra, rb in zip(sa.iter_rows(), sb.iter_rows()):
            out += [(name, ca.coordinate, _cell(ca), _cell(cb)) for ca, cb in zip(ra, rb) if _cell(ca) != _cell(cb)]
    return out


@pytest.fixture(scope="module")
def results(example_result):
    """The example county; with a missing indicator; its 2021 account compared with 2020 (year-on-year sheets)."""
    missing = copy.copy(example_result)
    missing.indicators = copy.deepcopy(example_result.indicators)
    missing.indicators["gep_gdp_ratio"].update(value=None, missing=["gdp"])
    years = run_years(gep.example_config())
    assert "year_on_year" in years[2021].extra
    return {"example": example_result, "missing indicator": missing, "2021 after 2020": years[2021]}


def _identifier_shown_plain(diff) -> bool:
    """The one intended change since the reference: a whole number in a column that names the row (a row
    number, a year) is written without the row unit's number format (it showed "2,021.00" for a year)."""
    if len(diff) != 4 or not isinstance(diff[2], tuple):
        return False
    (va, *a), (vb, *b) = diff[2], diff[3]
    same_number = isinstance(va, (int, float)) and va == vb and float(va).is_integer()
    return same_number and a[0] == b[0] and a[1] != "General" and b[1] == "General" and a[2:] == b[2:]


@pytest.mark.parametrize("which", ["example", "missing indicator", "2021 after 2020"])
def test_workbook_is_the_openpyxl_writers_cell_by_cell(tmp_path, results, which):
    res = results[which]
    new = write_excel(res, tmp_path / "new.xlsx")
    old = reference_write_excel(res, tmp_path / "old.xlsx")
    diffs = differences(old, new)
    plain = [d for d in diffs if _identifier_shown_plain(d)]
    assert [d for d in diffs if d not in plain] == []
    headers = {(sheet, coord[0]) for sheet, coord, *_ in plain}
    assert ("土地利用 Land use", "A") in headers  # 行 Row: "2", not "2.00"
    sheets = load_workbook(new, read_only=True).sheetnames
    assert len(sheets) >= 11 and ("年度对比 Year-on-year" in sheets) == (which == "2021 after 2020")


#: a table with every kind of cell: text (some looking like formulas), empty text, ints and floats with and
#: without a unit, a missing number, an infinite one, a row unit column, a boolean column
EVERY_KIND = pd.DataFrame({
    "名称 Name": ["百官", "=1+1", "-3", "", "@x"],
    "价值量 Value (亿元)": [1.25, None, -0.1, 3.0, 1e-9],
    "数量 Count": [1, 2, 3, 4, 5],
    "实物量 Physical": [12345.678, 0.30000000000000004, None, 7.0, float("inf")],
    "单位 Unit": ["t", "%", "万元/km²", "元/人", "hm²"],
    "有效 Valid": [True, False, True, True, False],
})


def test_every_kind_of_cell_is_written_alike_by_both_libraries(tmp_path):
    """One layout, three writers: the old openpyxl sheet, XlsxWriter's, and the decision workbooks' (write_tables)."""
    import xlsxwriter

    notes = ["+a note that looks like a formula", "第二条说明"]
    ref = Workbook(write_only=True)
    reference_sheet(ref, "t", EVERY_KIND, notes)
    ref.save(tmp_path / "reference.xlsx")
    write_tables(tmp_path / "decisions.xlsx", {"t": (EVERY_KIND, notes)})
    xw = xlsxwriter.Workbook(str(tmp_path / "xlsxwriter.xlsx"))
    _write_layout(xw, xw.add_worksheet("t"), sheet_layout(EVERY_KIND, notes), {})
    xw.set_properties({"author": "openpyxl"})   # the author openpyxl gives a workbook by default
    xw.close()
    assert [d for d in differences(tmp_path / "reference.xlsx", tmp_path / "decisions.xlsx")
            if d != ("creator", "openpyxl", "gep")] == []
    assert differences(tmp_path / "reference.xlsx", tmp_path / "xlsxwriter.xlsx") == []
    ws = load_workbook(tmp_path / "xlsxwriter.xlsx")["t"]
    assert [ws.cell(row=r, column=1).value for r in range(5, 10)] == ["百官", "'=1+1", "'-3", None, "'@x"]
    assert ws["B6"].value == "—" and ws["D6"].value == 0.3 and ws["D5"].value == 12345.678  # 16 digits, as before
    assert ws["D9"].value is None and ws["D9"].number_format == "#,##0.00"   # inf: an empty cell, as before
    assert [ws.cell(row=r, column=6).value for r in range(5, 10)] == [True, False, True, True, False]


def test_text_a_worksheet_cannot_hold_is_an_error_naming_its_cell(tmp_path, example_result):
    """A control character that reached a name another way than a table (those are refused when read): an error
    naming the sheet and cell and showing the character, and no half-written workbook."""
    res = copy.copy(example_result)
    res.regions = example_result.regions.copy()
    res.regions.at["baiguan", "name_en"] = "Bai\x00guan"
    with pytest.raises(OutputError) as exc:
        write_excel(res, tmp_path / "accounts.xlsx")
    assert exc.value.codes == ["unstorable_text"]
    assert "U+0000" in exc.value.problems[0].en and "'Bai\\x00guan" in exc.value.problems[0].en
    assert "分区 By region!C4 " in exc.value.problems[0].en
    assert not (tmp_path / "accounts.xlsx").exists()
    # the cell named is where the name goes: the same result with the name as given writes it there
    ws = load_workbook(write_excel(example_result, tmp_path / "good.xlsx"))["分区 By region"]
    assert ws["C4"].value == example_result.regions.at["baiguan", "name_en"]


def test_a_folder_that_does_not_exist_is_an_os_error(tmp_path, example_result):
    with pytest.raises(FileNotFoundError):
        write_excel(example_result, tmp_path / "no such folder" / "accounts.xlsx")


@given(st.text(max_size=40))
def test_width_counts_a_cjk_character_twice(text):
    from gep.io.excel import _width

    assert _width(text) == sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

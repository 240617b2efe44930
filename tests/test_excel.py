from openpyxl import load_workbook


def test_excel_report_sheets_and_numbers(tmp_path, example_result):
    path = example_result.write(tmp_path, formats=("xlsx",))["accounts.xlsx"]
    wb = load_workbook(path)
    for name in ("汇总 Summary", "分项 By service", "分区 By region", "实物量 Physical", "指标 Indicators",
                 "系数 Coefficients used", "来源 Sources", "输入 Inputs", "土地利用 Land use"):
        assert name in wb.sheetnames
    ws = wb["分项 By service"]
    header = [c.value for c in ws[3]]
    assert "价值量 Value (亿元)" in header
    col = header.index("价值量 Value (亿元)") + 1
    values = [ws.cell(row=r, column=col).value for r in range(4, ws.max_row + 1)]
    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    assert sum(values) == __import__("pytest").approx(example_result.total / 1e8, rel=1e-9)
    assert ws.column_dimensions["B"].width >= 10
    lu = wb["土地利用 Land use"]
    assert lu.max_row - 3 == 394  # every input row reported


def test_workbook_formats_charts_and_missing(tmp_path, example_result):
    """One number format per unit, native charts on the summary and township sheets, "—" for a missing figure."""
    import copy

    import pytest

    res = copy.copy(example_result)
    res.indicators = copy.deepcopy(example_result.indicators)
    res.indicators["gep_gdp_ratio"].update(value=None, missing=["gdp"])
    path = res.write(tmp_path, formats=("xlsx",))["accounts.xlsx"]
    wb = load_workbook(path)
    ws = wb["汇总 Summary"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=1) if r[0].value}
    gep_row = rows["生态系统生产总值 GEP"]
    assert gep_row[2].number_format == "#,##0.00" and gep_row[3].value == "亿元"
    assert gep_row[2].value == pytest.approx(example_result.total / 1e8)
    per_area = rows["单位国土面积生态系统生产总值"]
    assert per_area[2].number_format == "#,##0.0" and per_area[3].value == "万元/km²"
    share = rows["居民人均生态产品产值占比"]
    assert share[2].number_format == "#,##0.00" and share[3].value == "%"
    ratio = rows["GEP 与 GDP 之比（绿金指数）"]
    assert ratio[2].value == "—" and ratio[4].value == "缺少 missing: gdp"
    assert len(ws._charts) == 1
    chart = ws._charts[0]
    first = gep_row[0].row + 1          # the category rows follow the GEP row
    assert chart.series[0].val.numRef.f == f"'汇总 Summary'!$C${first}:$C${first + 2}"
    assert [ws[f"A{r}"].value for r in range(first, first + 3)] == ["物质产品", "调节服务", "文化服务"]
    assert [ws[f"C{r}"].value * 1e8 for r in range(first, first + 3)] == pytest.approx(
        list(example_result.by_category.values))
    towns = wb["分区 By region"]
    assert len(towns._charts) == 1
    header = [c.value for c in towns[3]]
    col = header.index("GEP (亿元)") + 1
    assert towns.cell(row=4, column=col).number_format == "#,##0.00"
    assert towns.cell(row=4, column=header.index("单位面积GEP GEP per area (万元/km²)") + 1).number_format == "#,##0.0"
    assert towns.cell(row=4, column=header.index("面积 Area (km²)") + 1).number_format == "#,##0.00"


def _stored(x: float) -> float:
    """A number as the workbook stores it: 16 significant digits (openpyxl's "%.16g", XlsxWriter's "{:.16G}")."""
    return float(f"{x:.16g}")


def test_named_cells_of_the_example_workbook(tmp_path, example_result):
    """Values, number formats, fonts, fills, alignment, widths and frozen header of named cells of the example."""
    import copy

    res = copy.copy(example_result)
    res.indicators = copy.deepcopy(example_result.indicators)
    res.indicators["gep_gdp_ratio"].update(value=None, missing=["gdp"])
    wb = load_workbook(res.write(tmp_path, formats=("xlsx",))["accounts.xlsx"])
    s = example_result.summary()
    assert wb.properties.creator == "gep"

    ws = wb["汇总 Summary"]
    assert ws["A1"].value.startswith("⚠ 示例数据：94.0% 的核算结果依赖示例") and ws["A1"].font.i
    assert ws["A1"].font.color.rgb[-6:] == "555555" and not ws["A1"].font.b
    assert ws["A4"].value == "国土面积 Land area: 1362.00 km²"
    assert [ws[f"{c}6"].value for c in "ABCDE"] == ["项目", "Item", "数值 Value", "单位 Unit", "说明 Note"]
    header = ws["C6"]
    assert header.font.b and header.fill.fill_type == "solid" and header.fill.fgColor.rgb[-6:] == "DDEBDD"
    assert header.alignment.wrap_text and header.alignment.vertical == "top"
    assert ws.freeze_panes == "A7"
    assert [ws.column_dimensions[c].width for c in "ABCD"] == [38, 60, 20, 10]
    assert ws["A7"].value == "生态系统生产总值 GEP" and ws["D7"].value == "亿元"
    assert ws["C7"].value == _stored(s["gep"] / 1e8) and ws["C7"].number_format == "#,##0.00"
    assert ws["C7"].data_type == "n" and not ws["C7"].font.b
    assert [ws[f"C{r}"].value for r in (8, 9, 10)] == [_stored(s["by_category"][c] / 1e8)
                                                      for c in ("provisioning", "regulating", "cultural")]
    ratio = next(r for r in ws.iter_rows(min_row=7) if r[0].value == "GEP 与 GDP 之比（绿金指数）")
    assert ratio[2].value == "—" and ratio[2].font.color.rgb[-6:] == "8A5A00"
    assert ratio[2].alignment.horizontal == "right" and ratio[4].value == "缺少 missing: gdp"
    assert ws._charts[0].anchor._from.row == 5 and ws._charts[0].anchor._from.col == 6   # G6

    ws = wb["分区 By region"]
    assert [ws[f"{c}4"].value for c in "ABC"] == ["baiguan", "百官街道", "Baiguan Subdistrict"]
    assert ws["D4"].value == 45.2 and ws["D4"].number_format == "#,##0.00"
    assert ws["E4"].value == _stored(s["by_region"]["baiguan"]["gep"] / 1e8) and ws["E4"].number_format == "#,##0.00"
    assert ws.freeze_panes == "A4" and ws.column_dimensions["J"].width == 47

    ws = wb["指标 Indicators"]
    assert ws["B2"].value == "gep_per_area" and ws["D2"].value == "万元/km²"
    assert ws["C2"].value == _stored(s["indicators"]["gep_per_area"]["value"]) and ws["C2"].number_format == "#,##0.0"
    assert ws["B5"].value == "gep_per_resident" and ws["C5"].number_format == "#,##0"
    assert ws["C5"].value == _stored(s["indicators"]["gep_per_resident"]["value"])

    ws = wb["实物量 Physical"]
    assert [ws[f"{c}2"].value for c in "ACG"] == ["baiguan", "agricultural_products", "t"]
    assert ws["F2"].value == _stored(example_result.to_dataframe().at[0, "physical"]) and ws["F2"].number_format == "General"

    ws = wb["土地利用 Land use"]
    assert [ws[f"{c}4"].value for c in "BCDEFG"] == ["baiguan", "0101", "542.40", "hm²", 542.4, "farmland_paddy"]
    assert ws["C4"].data_type == "s" and ws["F4"].number_format == "#,##0.00"

    ws = wb["统计输入 Statistics rows"]
    assert ws["A4"].value == "statistics.csv:2" and ws["H4"].value == 7380000000 and ws["H4"].data_type == "n"

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

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

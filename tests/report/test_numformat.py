"""One number format per unit (gep.numformat)."""

import math

import pytest

from gep.numformat import DECIMALS, MISSING, excel_format, fmt, fmt_money


@pytest.mark.parametrize("value, unit, text", [
    (1103.639013, "亿元", "1,103.64"),          # two decimals, thousands separator
    (8103.076453, "万元/km²", "8,103.1"),        # one decimal
    (153903.0837, "元/人", "153,903"),           # whole yuan
    (12.522541, "%", "12.52"),
    (0.971787, "1", "0.97"),
    (1362.0, "km²", "1,362.00"),
    (161.8, "平方公里", "161.80"),               # the Two-Mountains table's spelling of km²
    (71.71, "万人", "71.71"),
    (150000.0, "t", "150,000"),                 # physical: whole numbers from 100 up
    (0.012345, "t", "0.0123"),                  # three significant digits below
    (5.3, "m³", "5.30"),
])
def test_one_format_per_unit(value, unit, text):
    assert fmt(value, unit) == text


def test_sign_unit_and_missing():
    assert fmt(1.5, "%", signed=True, with_unit=True) == "+1.50 %"
    assert fmt(-0.001, "亿元") == "0.00"                # never "-0.00"
    assert fmt(0.97, "1", with_unit=True) == "0.97"      # a ratio has no unit to append
    for bad in (None, float("nan"), math.inf, "text"):
        assert fmt(bad, "亿元") == MISSING
    # 元 → 亿元: 110 363 901 300 元 = 1 103.639013 亿元
    assert fmt_money(110_363_901_300.0, with_unit=True) == "1,103.64 亿元"
    assert fmt_money(None) == MISSING


def test_excel_formats_match_the_text_formats():
    assert excel_format("亿元") == "#,##0.00"
    assert excel_format("万元/km²") == "#,##0.0"
    assert excel_format("元/人") == "#,##0"
    assert excel_format("平方公里") == "#,##0.00"
    assert excel_format("t") == "General"          # physical quantities keep every digit in the workbook
    for unit, decimals in DECIMALS.items():
        assert excel_format(unit).count("0") - 1 == decimals

import pint
import pytest

from gep.units import conversion_factor, is_dimension, parse_unit


@pytest.mark.parametrize(
    "src,dst,factor",
    [
        ("亩", "hm²", 1 / 15),
        ("km²", "hm²", 100.0),
        ("hm²", "m²", 1e4),
        ("公顷", "亩", 15.0),
        ("平方公里", "亩", 1500.0),
        ("亿元", "万元", 1e4),
        ("万元", "元", 1e4),
        ("CNY", "元", 1.0),
        ("万t", "t", 1e4),
        ("亿m³", "m³", 1e8),
        ("亿千瓦时", "kWh", 1e8),
        ("万人次", "人次", 1e4),
        ("万人", "人", 1e4),
        ("t/(hm²·a)", "kg/(m²·a)", 0.1),
        ("元/m³", "万元/亿m³", 1e4),
        ("%", "1", 0.01),
    ],
)
def test_conversions_exact(src, dst, factor):
    assert conversion_factor(src, dst) == pytest.approx(factor, rel=1e-12)


def test_money_is_its_own_dimension():
    assert is_dimension("万元", "[currency]")
    assert not is_dimension("元", "[length] ** 2")
    with pytest.raises(pint.DimensionalityError):
        conversion_factor("元", "hm²")


def test_standard_notation_parses():
    for s in ("t/(hm²·a)", "元/t", "m³/a", "万元/km²", "kg/(hm²·a)", "J/g", "kWh/m³", "元/kWh", "mm", "t/m³"):
        parse_unit(s)


def test_bad_unit_message_names_the_string():
    with pytest.raises(ValueError, match="furlongs per fortnight-ish"):
        parse_unit("furlongs per fortnight-ish")

"""Provisioning services: hand-computed values and invariants."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gep.compute.provisioning import (
    ecosystem_share_value,
    external_inflow_deduction,
    hydropower_value,
    net_output_value,
    product_value,
    water_supply_value,
)

finite = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


# one product of every group, by hand -------------------------------------------------------

@pytest.mark.parametrize(
    "group, quantity, price, expected",
    [
        ("agriculture: 稻谷 60000 t × 3000 元/t", 60000, 3000, 1.8e8),
        ("forestry: 木材 20000 m³ × 1000 元/m³", 20000, 1000, 2.0e7),
        ("livestock: 猪肉 25000 t × 24000 元/t", 25000, 24000, 6.0e8),
        ("fishery: 水产品 60000 t × 20000 元/t", 60000, 20000, 1.2e9),
        ("water: 生活用水 6e7 m³ × 2.6 元/m³", 6e7, 2.6, 1.56e8),
        ("energy: 水电 2e7 kWh × 0.53 元/kWh", 2e7, 0.53, 1.06e7),
    ],
)
def test_product_value_by_hand(group, quantity, price, expected):
    assert product_value(quantity, price) == pytest.approx(expected, rel=1e-12)


def test_product_value_arrays():
    np.testing.assert_allclose(product_value([1.0, 2.0, 3.0], [10.0, 20.0, 30.0]), [10.0, 40.0, 90.0])


# 白洋淀 2011 (江波 et al. 2017; gep_methods §4.2): quantity × price, to the published rounding
@pytest.mark.parametrize(
    "service, quantity, price, published_1e8",
    [
        ("水资源供给 0.98e8 m³ × 0.5 元/m³", 0.98e8, 0.5, 0.49),
        ("调蓄洪水 2.45e8 m³ × 6.11 元/m³", 2.45e8, 6.11, 14.97),
        ("固碳 1.66e4 t × 1320 元/t", 1.66e4, 1320, 0.22),
        ("释氧 4.49e4 t × 1000 元/t", 4.49e4, 1000, 0.45),
    ],
)
def test_baiyangdian_2011_market_value_items(service, quantity, price, published_1e8):
    assert round(product_value(quantity, price) / 1e8, 2) == published_1e8


def test_baiyangdian_water_supply_exact():
    assert water_supply_value({"all": 0.98e8}, {"all": 0.5}) == pytest.approx(0.49e8)


def test_water_supply_value_garze_prices_by_sector():
    use = {"生活": 6e7, "工业": 8e7, "农业": 1e8}
    price = {"农业": 0.07, "工业": 3.6, "生活": 2.6}  # Garzé 2010, 元/m³ (order does not matter)
    assert water_supply_value(use, price) == pytest.approx(6e7 * 2.6 + 8e7 * 3.6 + 1e8 * 0.07)
    assert water_supply_value(pd.Series(use), pd.Series(price)) == pytest.approx(4.51e8)
    np.testing.assert_allclose(water_supply_value(np.array([6e7, 8e7, 1e8]), np.array([2.6, 3.6, 0.07])), 4.51e8)


def test_water_supply_value_missing_price():
    with pytest.raises(KeyError, match="生态"):
        water_supply_value({"生活": 1.0, "生态": 2.0}, {"生活": 2.6})


def test_hydropower_value_and_share():
    assert hydropower_value(2e7, 0.53) == pytest.approx(1.06e7)
    assert hydropower_value(2e7, 0.53, share=0.5) == pytest.approx(5.3e6)


def test_net_output_value():
    assert net_output_value(100.0, 35.0) == 65.0
    np.testing.assert_allclose(net_output_value([100.0, 50.0], [10.0, 50.0]), [90.0, 0.0])
    with pytest.raises(ValueError, match="exceeds"):
        net_output_value(10.0, 11.0)


def test_ecosystem_share_value():
    assert ecosystem_share_value(200.0, 0.25) == 50.0
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(ValueError, match="share"):
            ecosystem_share_value(1.0, bad)


def test_external_inflow_deduction():
    assert external_inflow_deduction(100.0, 0.2) == pytest.approx(80.0)
    assert external_inflow_deduction(100.0, 0.0) == 100.0
    assert external_inflow_deduction(100.0, 1.0) == 0.0
    with pytest.raises(ValueError, match="external_share"):
        external_inflow_deduction(100.0, 1.2)


# invariants ---------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=8), st.floats(min_value=0, max_value=100))
def test_value_linear_in_prices(rows, factor):
    q = np.array([r[0] for r in rows])
    p = np.array([r[1] for r in rows])
    base = product_value(q, p).sum()
    assert product_value(q, factor * p).sum() == pytest.approx(factor * base, rel=1e-9, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=2, max_size=8), st.integers(min_value=1, max_value=7))
def test_value_additive_across_products(rows, cut):
    cut = min(cut, len(rows) - 1)
    q = np.array([r[0] for r in rows])
    p = np.array([r[1] for r in rows])
    whole = water_supply_value(q, p)
    split = water_supply_value(q[:cut], p[:cut]) + water_supply_value(q[cut:], p[cut:])
    assert whole == pytest.approx(split, rel=1e-9, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(finite, st.floats(min_value=0, max_value=1), st.floats(min_value=0, max_value=1))
def test_shares_compose(value, share, external):
    a = external_inflow_deduction(ecosystem_share_value(value, share), external)
    b = ecosystem_share_value(external_inflow_deduction(value, external), share)
    assert a == pytest.approx(b, rel=1e-12, abs=1e-9)
    assert a <= value * (1 + 1e-12) or math.isclose(a, value)

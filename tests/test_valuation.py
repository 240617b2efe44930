"""Valuation methods: hand-computed values and published line items."""

import numpy as np
import pytest
import xarray as xr

from gep.compute import valuation as v


@pytest.mark.parametrize("method", [v.market_value, v.replacement_cost, v.shadow_project, v.avoided_cost])
def test_quantity_times_price(method):
    # 3 units × 2.5 元/unit = 7.5 元
    assert method(3.0, 2.5) == pytest.approx(7.5)


@pytest.mark.parametrize("method", [v.market_value, v.replacement_cost, v.shadow_project, v.avoided_cost])
def test_broadcast_xarray(method):
    q = xr.DataArray([[1.0, 2.0], [3.0, 4.0]], dims=("region", "eco"))
    p = xr.DataArray([10.0, 100.0], dims="eco")
    out = method(q, p)
    np.testing.assert_allclose(out.values, [[10.0, 200.0], [30.0, 400.0]])


def test_garze_water_resources_market_value():
    # 1.36 亿m³ × 2.6 + 150.17 × 3.6 + 17.31 × 0.07 = 3.536 + 540.612 + 1.2117 = 545.36 亿元
    q = np.array([1.36e8, 150.17e8, 17.31e8])
    p = np.array([2.6, 3.6, 0.07])
    assert v.market_value(q, p).sum() / 1e8 == pytest.approx(545.36, abs=0.005)
    # hydropower 95.30 亿kWh × 0.53 = 50.509 亿元
    assert v.market_value(95.30e8, 0.53) / 1e8 == pytest.approx(50.509, abs=1e-3)


def test_garze_pest_control_avoided_cost():
    # forest 158 万hm² × 375 = 5.925 亿元; grass 711.13 万hm² × 112.5 = 8.0002 亿元
    assert v.avoided_cost(158e4, 375) / 1e8 == pytest.approx(5.925)
    assert v.avoided_cost(711.13e4, 112.5) / 1e8 == pytest.approx(8.0002, abs=1e-4)


def test_travel_cost_hand():
    # 10 visits × (20 + 30 + 50) = 1000 元
    assert v.travel_cost(10, 20.0, 30.0, 50.0) == pytest.approx(1000.0)


def test_baiyangdian_recreation():
    # 135e4 人次 × (52.47 + 343.33 + 578.03) = 135e4 × 973.83 = 13.147e8 → 13.15 亿元
    assert round(v.travel_cost(135e4, 52.47, 343.33, 578.03) / 1e8, 2) == 13.15


def test_baiyangdian_2011_line_items():
    # water supply 0.98e8 m³ × 0.5 = 0.49 亿元 (市场价值法)
    assert round(v.market_value(0.98e8, 0.5) / 1e8, 2) == 0.49
    # flood 2.45e8 m³ × 6.11 = 14.97 亿元 (影子工程法)
    assert round(v.shadow_project(2.45e8, 6.11) / 1e8, 2) == 14.97
    # carbon 1.66e4 t × 1320 = 0.22 亿元; oxygen 4.49e4 t × 1000 = 0.45 亿元
    assert round(v.replacement_cost(1.66e4, 1320) / 1e8, 2) == 0.22
    assert round(v.replacement_cost(4.49e4, 1000) / 1e8, 2) == 0.45


def test_baiyangdian_line_items_from_shipped_set():
    """The same line items, with the prices resolved from the shipped coefficient set."""
    from gep.coefficients import load_coefficients

    cset = load_coefficients("baiyangdian-2011")
    p_w = cset.resolve("price.water_storage", year=2011).to("元/m³")
    p_c = cset.resolve("price.carbon_afforestation", year=2011).to("元/t")
    p_o = cset.resolve("price.oxygen", year=2011).to("元/t")
    assert (p_w, p_c, p_o) == (6.11, 1320.0, 1000.0)
    assert round(v.shadow_project(2.45e8, p_w) / 1e8, 2) == 14.97
    assert round(v.replacement_cost(1.66e4, p_c) / 1e8, 2) == 0.22
    assert round(v.replacement_cost(4.49e4, p_o) / 1e8, 2) == 0.45
    # the Garzé base rows stay in force before 2011
    assert load_coefficients("cn-rcees").resolve("price.oxygen", year=2010).value == 727.0

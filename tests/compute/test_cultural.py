"""Cultural services: both recreation methods and the landscape premium, by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gep.compute.cultural import landscape_premium, time_cost, tourism_revenue_value, travel_cost_value
from gep.services.product_values import cultural_values
from gep.statistics import read_statistics

EXAMPLE = Path(__file__).resolve().parents[2] / "gep" / "examples" / "shangyu" / "statistics.csv"

money = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


def test_travel_cost_baiyangdian_2011():
    # 江波 et al. 2017: 135×10⁴ 人次 × (52.47 + 343.33 + 578.03) 元 = 13.15×10⁸ 元 (published)
    v = travel_cost_value(135e4, 52.47, 343.33, 578.03)
    assert v == pytest.approx(135e4 * 973.83)
    assert round(v / 1e8, 2) == 13.15


def test_travel_cost_defaults_and_share():
    assert travel_cost_value(1000, 50.0) == 50000.0
    assert travel_cost_value(1000, 50.0, 30.0, 20.0, share=0.5) == 50000.0
    with pytest.raises(ValueError):
        travel_cost_value(1000, 50.0, share=2.0)


def test_time_cost_thirty_percent_of_daily_wage():
    assert time_cost(200.0, 1.5) == pytest.approx(90.0)          # 200 元/d × 1.5 d × 0.3
    assert time_cost(200.0, 16.0, hours_per_day=8.0) == pytest.approx(120.0)  # 16 h = 2 d
    assert time_cost(200.0, 1.0, share=1.0) == 200.0
    np.testing.assert_allclose(time_cost(np.array([100.0, 300.0]), 2.0), [60.0, 180.0])


def test_tourism_revenue_value():
    assert tourism_revenue_value(66.8e8, 1.0) == pytest.approx(66.8e8)
    assert tourism_revenue_value(66.8e8, 0.5) == pytest.approx(33.4e8)
    with pytest.raises(ValueError, match="eco_share"):
        tourism_revenue_value(1.0, -0.1)


def test_landscape_premium():
    # observed value includes the premium: P·r/(1+r)
    assert landscape_premium(1.1e9, 0.1) == pytest.approx(1e8)
    # value without the landscape: P·r
    assert landscape_premium(1e9, 0.1, includes_premium=False) == pytest.approx(1e8)
    assert landscape_premium(1.1e9, 0.1, share=0.5) == pytest.approx(5e7)
    assert landscape_premium(1.1e9, 0.1, annual_rate=0.05) == pytest.approx(5e6)
    with pytest.raises(ValueError, match="premium_rate"):
        landscape_premium(1e9, -0.1)


@settings(max_examples=60, deadline=None)
@given(money, money, money, money, st.floats(min_value=0, max_value=100))
def test_travel_cost_linear_in_costs(visits, tc, wc, cs, factor):
    base = travel_cost_value(visits, tc, wc, cs)
    scaled = travel_cost_value(visits, factor * tc, factor * wc, factor * cs)
    assert scaled == pytest.approx(factor * base, rel=1e-9, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(money, money, money)
def test_travel_cost_additive_in_visits(a, b, tc):
    assert travel_cost_value(a + b, tc) == pytest.approx(travel_cost_value(a, tc) + travel_cost_value(b, tc),
                                                         rel=1e-9, abs=1e-6)


# both methods on the example county -------------------------------------------------------

def test_cultural_values_revenue_method_example():
    stats = read_statistics(EXAMPLE)
    out = cultural_values(stats)
    assert list(out["item"]) == ["旅游总收入"]
    assert out["value"].iloc[0] == pytest.approx(66.8e8)
    assert out["method"].iloc[0] == "tourism_revenue"
    half = cultural_values(stats, eco_share=0.5)
    assert half["value"].iloc[0] == pytest.approx(33.4e8)


def test_cultural_values_travel_cost_method_example():
    stats = read_statistics(EXAMPLE)
    # per-visit amounts of 白洋淀 applied to the illustrative 1000 万人次
    out = cultural_values(stats, method="travel_cost", travel_cost_per_visit=52.47,
                          time_cost_per_visit=343.33, consumer_surplus_per_visit=578.03)
    assert list(out["item"]) == ["旅游人次"]
    assert out["quantity"].iloc[0] == pytest.approx(1e7)
    assert out["value"].iloc[0] == pytest.approx(1e7 * 973.83)
    by_region = cultural_values(stats, method="travel_cost", travel_cost_per_visit={"shangyu": 100.0})
    assert by_region["value"].iloc[0] == pytest.approx(1e9)


def test_cultural_values_travel_cost_needs_cost():
    from gep.errors import StatisticsError

    with pytest.raises(StatisticsError, match="travel_cost_per_visit"):
        cultural_values(read_statistics(EXAMPLE), method="travel_cost")


def test_cultural_values_eco_revenue_and_landscape(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text(
        "地区,项目,产值(亿元)\n"
        "a,旅游总收入,10\n"
        "a,生态旅游收入,4\n"
        "b,旅游总收入,10\n"
        "a,自然景观溢价,2\n"
        "a,景观受益房产价值,11\n",
        encoding="utf-8")
    stats = read_statistics(f)
    out = cultural_values(stats, eco_share=0.5, premium_rate=0.1)
    v = out.set_index(["region", "item"])["value"]
    assert v[("a", "生态旅游收入")] == pytest.approx(4e8)          # face value, replaces 旅游总收入 of a
    assert ("a", "旅游总收入") not in v.index
    assert v[("b", "旅游总收入")] == pytest.approx(5e8)            # × eco_share
    assert v[("a", "自然景观溢价")] == pytest.approx(2e8)
    assert v[("a", "景观受益房产价值")] == pytest.approx(11e8 * 0.1 / 1.1)

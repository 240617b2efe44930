"""Judging a figure against a target, by hand; the probability from synthetic draws; ranks."""

import numpy as np
import pytest

from gep.compute import appraisal as calc
from gep.compute import green_gold as gg


@pytest.mark.parametrize("direction, value, target, met, margin", [
    ("at_least", 105.0, 100.0, True, 5.0),     # 105 ≥ 100, margin 105 - 100
    ("at_least", 100.0, 100.0, True, 0.0),     # equal meets "≥"
    ("at_least", 95.0, 100.0, False, -5.0),
    ("above", 100.0, 100.0, False, 0.0),       # equal does not meet ">"
    ("above", 100.5, 100.0, True, 0.5),
    ("at_most", 1.5, 2.0, True, 0.5),          # margin t - v = 2 - 1.5
    ("at_most", 2.5, 2.0, False, -0.5),
    ("below", 2.0, 2.0, False, 0.0),
    ("below", 1.0, 2.0, True, 1.0),
])
def test_met_and_margin(direction, value, target, met, margin):
    assert bool(calc.is_met(value, target, direction)) is met
    assert float(calc.margin(value, target, direction)) == pytest.approx(margin)


def test_equal_to_rounding_meets_at_least():
    assert calc.is_met(100.00000000001, 100.0, "at_least")
    assert calc.is_met(99.99999999999, 100.0, "at_least")
    assert not calc.is_met(100.00000000001, 100.0, "above")


def test_relative_margin():
    # 0.1 / |3.9| = 0.025641…; a zero target has no relative margin
    np.testing.assert_allclose(calc.relative_margin([0.1, 1.0], [3.9, -2.0]), [0.1 / 3.9, 0.5])
    assert np.isnan(calc.relative_margin(1.0, 0.0))


def test_probability_from_synthetic_draws():
    draws = np.arange(1, 101, dtype=float)                     # 1 … 100
    assert calc.probability_met(draws, 51, "at_least") == 0.5  # 51 … 100: 50 of 100
    assert calc.probability_met(draws, 51, "above") == 0.49    # 52 … 100
    assert calc.probability_met(draws, 10, "at_most") == 0.10
    with pytest.raises(ValueError):
        calc.probability_met([], 1, "at_least")
    with pytest.raises(ValueError):
        calc.probability_met([1.0, np.nan], 1, "at_least")


def test_competition_rank():
    # scores 3, 1, 3, 2 -> two share first place, then 3rd and 4th ("1224" style); NaN unranked
    np.testing.assert_array_equal(calc.competition_rank([3, 1, 3, 2, np.nan]), [1, 4, 1, 3, np.nan])


def test_unknown_direction():
    with pytest.raises(ValueError):
        calc.margin(1, 1, "sideways")


# ------------------------------------------------------------ 绿金 index
def test_green_gold_by_hand():
    # ratio: 110 / 200 = 0.55
    assert float(gg.ratio(110.0, 200.0)) == 0.55
    # growth: 110/100 - 1 = 10 %
    assert float(gg.growth_pct(100.0, 110.0)) == pytest.approx(10.0)
    # J0 = 100; J1 = 100 · (110/100)^0.5 · (200/200)^0.5 = 104.88088…;
    # J2 = J1 · (121/110)^0.5 · (220/200)^0.5 = J1 · 1.1 = 115.36897…
    j = gg.joint_growth_index([100.0, 110.0, 121.0], [200.0, 200.0, 220.0])
    np.testing.assert_allclose(j, [100.0, 100 * 1.1 ** 0.5, 100 * 1.1 ** 0.5 * 1.1])
    # weight 1 on GEP: the GEP volume index 100, 110, 121
    np.testing.assert_allclose(gg.joint_growth_index([100.0, 110.0, 121.0], [200.0, 200.0, 220.0], weight_gep=1.0),
                               [100.0, 110.0, 121.0])
    np.testing.assert_array_equal(gg.both_grew([1.0, 2.0, -1.0], [1.0, -0.5, 3.0]), [True, False, False])


@pytest.mark.parametrize("call", [
    lambda: gg.ratio(1.0, 0.0),
    lambda: gg.growth_pct(0.0, 1.0),
    lambda: gg.joint_growth_index([1.0, 2.0], [1.0], 0.5),
    lambda: gg.joint_growth_index([1.0, 2.0], [1.0, 2.0], 1.5),
    lambda: gg.joint_growth_index([1.0, -2.0], [1.0, 2.0], 0.5),
])
def test_green_gold_refusals(call):
    with pytest.raises(ValueError):
        call()

"""Budget division: hand-computed cases, every refusal, and the invariants (exact sum, monotonicity)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gep.compute.allocation import (allocate_units, change_weights, divide_with_floor_cap,
                                    largest_remainder)
from gep.errors import AllocationError


# ------------------------------------------------------------- by hand
def test_proportional_by_hand():
    # weights 10, 20, 30, 40 (e.g. GEP in 亿元), budget 1000 units: 1000·w/100 = 100, 200, 300, 400
    exact, units = allocate_units([10, 20, 30, 40], 1000)
    assert exact == [100, 200, 300, 400]
    assert units.tolist() == [100, 200, 300, 400]


def test_largest_remainder_by_hand():
    # budget 1001: quotas 100.1, 200.2, 300.3, 400.4 -> floors add up to 1000, one unit left,
    # it goes to the largest fractional part (.4, the last region)
    exact, units = allocate_units([10, 20, 30, 40], 1001)
    assert exact == [Fraction(1001, 10), Fraction(2002, 10), Fraction(3003, 10), Fraction(4004, 10)]
    assert units.tolist() == [100, 200, 300, 401]


def test_floor_and_cap_by_hand():
    # B = 100, floor 10, cap 40, weights 1, 1, 2, 6: 60 above the floors.
    # Without the cap λ = 60/10 = 6 -> 16, 16, 22, 46; 46 > 40, so region 4 is held at 40 and
    # the other three share 60 - 30 = 30 by weight 4: λ = 7.5 -> 17.5, 17.5, 25, 40 (sum 100).
    exact = divide_with_floor_cap([1, 1, 2, 6], 100, floor=10, cap=40)
    assert exact == [Fraction(35, 2), Fraction(35, 2), 25, 40]
    # rounding: floors 17, 17, 25, 40 = 99; the one unit left goes to the first of the two .5 (equal weights)
    _, units = allocate_units([1, 1, 2, 6], 100, 10, 40)
    assert units.tolist() == [18, 17, 25, 40]


def test_cap_that_binds_twice():
    # B = 90, no floor, cap 30, weights 8, 4, 1, 1: λ = 90/14 -> 51.4 > 30: cap region 1;
    # 60 left for weight 6: λ = 10 -> 40 > 30: cap region 2; 30 left for weight 2: 15, 15.
    assert divide_with_floor_cap([8, 4, 1, 1], 90, cap=30) == [30, 30, 15, 15]


def test_zero_weight_gets_only_the_floor():
    # floor 5 each, 90 left shared by weights 0, 1, 2 -> 5, 35, 65
    assert divide_with_floor_cap([0, 1, 2], 105, floor=5) == [5, 35, 65]


def test_budget_equal_to_floors_needs_no_weights():
    assert divide_with_floor_cap([0, 0], 10, floor=5) == [5, 5]


def test_change_weights_by_hand():
    # w = max(0, 1 + 0.2·max(g,0) - 0.4·max(-g,0)):
    # g = -2 -> 1 - 0.8 = 0.2; g = 0 -> 1; g = 3 -> 1.6; g = -5 -> max(0, 1 - 2) = 0
    w = change_weights([-2, 0, 3, -5], reward_per_point=0.2, penalty_per_point=0.4)
    np.testing.assert_allclose(w, [0.2, 1.0, 1.6, 0.0])


# ------------------------------------------------------------- refusals
@pytest.mark.parametrize("weights, budget, kw, code", [
    ([1, -1], 10, {}, "negative_weight"),
    ([1, float("nan")], 10, {}, "weight_not_finite"),
    ([1, float("inf")], 10, {}, "weight_not_finite"),
    ([], 10, {}, "no_regions"),
    ([0, 0], 10, {}, "all_zero_base"),
    ([1, 1], 10, {"floor": 6}, "floor_exceeds_budget"),
    ([1, 1], 10, {"floor": 2, "cap": 1}, "cap_below_floor"),
    ([1, 1], 10, {"cap": 4}, "cap_too_low"),
    ([1, 0], 10, {"cap": 6}, "cap_too_low"),          # the zero-weight region cannot take money above the floor
    ([1, 1], -10, {}, "negative_budget"),
    ([1, 1], 10, {"floor": -1}, "negative_floor"),
])
def test_refusals(weights, budget, kw, code):
    with pytest.raises(AllocationError) as exc:
        divide_with_floor_cap(weights, budget, **kw)
    assert code in exc.value.codes
    assert all(p.zh and p.en for p in exc.value.problems)


def test_units_must_be_whole():
    with pytest.raises(AllocationError) as exc:
        allocate_units([1, 1], 10.5)
    assert exc.value.codes == ["budget_not_whole_units"]


@pytest.mark.parametrize("kw, code", [({"reward_per_point": -1, "penalty_per_point": 0}, "bad_reward_per_point"),
                                      ({"reward_per_point": 0, "penalty_per_point": float("nan")}, "bad_penalty_per_point")])
def test_change_weight_refusals(kw, code):
    with pytest.raises(AllocationError) as exc:
        change_weights([1.0], **kw)
    assert code in exc.value.codes


def test_change_weights_need_finite_growth():
    with pytest.raises(AllocationError) as exc:
        change_weights([np.inf], 0.1, 0.1)
    assert exc.value.codes == ["growth_not_finite"]


def test_largest_remainder_rejects_inconsistent_input():
    with pytest.raises(ValueError):
        largest_remainder([Fraction(1, 2)], 1)


# ------------------------------------------------------------- invariants
weights_st = st.lists(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False),
                      min_size=1, max_size=25).filter(lambda w: any(x > 0 for x in w))


@settings(max_examples=150, deadline=None)
@given(weights=weights_st, budget=st.integers(min_value=0, max_value=10**13), data=st.data())
def test_sum_is_exactly_the_budget(weights, budget, data):
    n = len(weights)
    floor = data.draw(st.integers(min_value=0, max_value=budget // n))
    positive = sum(1 for w in weights if w > 0)
    # the smallest cap that can still take the whole budget
    least_cap = floor + -(-(budget - n * floor) // positive)
    cap = data.draw(st.one_of(st.none(), st.integers(min_value=least_cap, max_value=least_cap + 10**6)))
    exact, units = allocate_units(weights, budget, floor, cap)
    assert sum(exact) == budget                      # exact arithmetic: no rounding before the last step
    assert int(units.sum()) == budget                # and the rounded amounts add up too
    assert all(u >= floor for u in units)
    if cap is not None:
        assert all(u <= cap for u in units)
    assert all(abs(Fraction(int(u)) - a) < 1 for u, a in zip(units, exact))


@settings(max_examples=150, deadline=None)
@given(weights=weights_st, budget=st.integers(min_value=0, max_value=10**9), data=st.data())
def test_more_base_never_gets_less(weights, budget, data):
    n = len(weights)
    floor = data.draw(st.integers(min_value=0, max_value=budget // n))
    positive = sum(1 for w in weights if w > 0)
    least_cap = floor + -(-(budget - n * floor) // positive)
    cap = data.draw(st.one_of(st.none(), st.integers(min_value=least_cap, max_value=least_cap + 1000)))
    exact, units = allocate_units(weights, budget, floor, cap)
    for i in range(n):
        for j in range(n):
            if weights[i] > weights[j]:
                assert exact[i] >= exact[j]
                assert units[i] >= units[j]


@settings(max_examples=100, deadline=None)
@given(growth=st.lists(st.floats(min_value=-50, max_value=50, allow_nan=False), min_size=2, max_size=20),
       r=st.floats(min_value=0, max_value=1), p=st.floats(min_value=0, max_value=1))
def test_more_growth_never_gets_a_smaller_weight(growth, r, p):
    w = change_weights(growth, r, p)
    order = np.argsort(growth, kind="stable")
    assert np.all(np.diff(w[order]) >= -1e-12)

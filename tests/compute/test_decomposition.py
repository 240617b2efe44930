"""Exact additive decompositions of a change of value (gep.compute.decomposition).

Hand case used throughout: two services × two regions, two years. All numbers
are illustrative (made up for the arithmetic), not data about any place.

    cell               q0    p0    q1    p1     V0    V1    ΔV
    water, region 1   100     2   120   2.5    200   300   100
    water, region 2   200     2   200   2.5    400   500   100
    soil,  region 1    50    10    40    10    500   400  -100
    soil,  region 2    10    10    20    12    100   240   140
                                          total 1200  1440   240
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gep.compute.decomposition import lmdi, lmdi_applicable, logarithmic_mean, shapley, shapley3

# rows = service (water, soil), columns = region (1, 2)
Q0 = np.array([[100.0, 200.0], [50.0, 10.0]])
P0 = np.array([[2.0, 2.0], [10.0, 10.0]])
Q1 = np.array([[120.0, 200.0], [40.0, 20.0]])
P1 = np.array([[2.5, 2.5], [10.0, 12.0]])


def _total(q0, p0, q1, p1):
    return q1 * p1 - q0 * p0


def _assert_exact(effects: dict, q0, p0, q1, p1, rel=1e-9):
    """Parts add up to V1 − V0 in every cell, to rounding.

    Rounding is relative to the size of the cell: the largest of the products
    |q_i · p_j| (i, j ∈ {0, 1}), which bounds every term of the effects.
    """
    parts = sum(np.asarray(e, dtype=float) for e in effects.values())
    total = np.asarray(_total(q0, p0, q1, p1), dtype=float)
    scale = np.max([np.abs(np.asarray(q * p, dtype=float)) for q in (q0, q1) for p in (p0, p1)], axis=0)
    assert np.all(np.abs(parts - total) <= rel * scale + 1e-300), (parts, total)


# ------------------------------------------------------------- hand cases
def test_shapley_hand_case():
    # water r1: ΔV_q = 20 × (2 + 2.5)/2 = 45,   ΔV_p = 0.5 × (100 + 120)/2 = 55
    # water r2: ΔV_q = 0,                        ΔV_p = 0.5 × 200 = 100
    # soil  r1: ΔV_q = −10 × 10 = −100,          ΔV_p = 0
    # soil  r2: ΔV_q = 10 × (10 + 12)/2 = 110,   ΔV_p = 2 × (10 + 20)/2 = 30
    # totals:   ΔV_q = 55, ΔV_p = 185, sum 240 = 1440 − 1200
    eff = shapley(Q0, P0, Q1, P1)
    np.testing.assert_allclose(eff["quantity"], [[45.0, 0.0], [-100.0, 110.0]], rtol=1e-12)
    np.testing.assert_allclose(eff["price"], [[55.0, 100.0], [0.0, 30.0]], rtol=1e-12)
    assert eff["quantity"].sum() == pytest.approx(55.0, rel=1e-12)
    assert eff["price"].sum() == pytest.approx(185.0, rel=1e-12)
    assert eff["quantity"].sum() + eff["price"].sum() == pytest.approx(240.0, rel=1e-12)


def test_lmdi_hand_case():
    # L(a, b) = (a − b)/ln(a/b)
    # water r1: L(300, 200) = 100/ln 1.5 ≈ 246.630346
    #           ΔV_q = L·ln 1.2  ≈ 44.966029,  ΔV_p = L·ln 1.25 ≈ 55.033971
    # water r2: L(500, 400) = 100/ln 1.25 ≈ 448.142012
    #           ΔV_q = L·ln 1 = 0,           ΔV_p = L·ln 1.25 = 100
    # soil  r1: L(400, 500) = −100/ln 0.8 ≈ 448.142012
    #           ΔV_q = L·ln 0.8 = −100,      ΔV_p = 0
    # soil  r2: L(240, 100) = 140/ln 2.4 ≈ 159.914334
    #           ΔV_q = L·ln 2 ≈ 110.844170,  ΔV_p = L·ln 1.2 ≈ 29.155830
    # totals:   ΔV_q ≈ 55.810198, ΔV_p ≈ 184.189802, sum 240
    l_w1 = 100 / math.log(1.5)
    l_s2 = 140 / math.log(2.4)
    expected_q = [[l_w1 * math.log(1.2), 0.0], [-100.0, l_s2 * math.log(2.0)]]
    expected_p = [[l_w1 * math.log(1.25), 100.0], [0.0, l_s2 * math.log(1.2)]]
    eff = lmdi(Q0, P0, Q1, P1)
    np.testing.assert_allclose(eff["quantity"], expected_q, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(eff["price"], expected_p, rtol=1e-12, atol=1e-12)
    # the rounded figures of the comment
    assert eff["quantity"][0, 0] == pytest.approx(44.966029, abs=1e-6)
    assert eff["price"][1, 1] == pytest.approx(29.155830, abs=1e-6)
    assert eff["quantity"].sum() == pytest.approx(55.810198, abs=1e-6)
    assert eff["price"].sum() == pytest.approx(184.189802, abs=1e-6)
    assert eff["quantity"].sum() + eff["price"].sum() == pytest.approx(240.0, rel=1e-12)
    assert lmdi_applicable(Q0, P0, Q1, P1).all()


def test_logarithmic_mean():
    assert logarithmic_mean(300.0, 200.0) == pytest.approx(100 / math.log(1.5), rel=1e-14)
    assert logarithmic_mean(5.0, 5.0) == 5.0
    # symmetric, between geometric and arithmetic means, stable for close values
    a, b = 1.0 + 1e-12, 1.0
    assert logarithmic_mean(a, b) == pytest.approx(1.0 + 0.5e-12, rel=1e-15)
    assert logarithmic_mean(2.0, 8.0) == pytest.approx(logarithmic_mean(8.0, 2.0), rel=1e-15)
    assert math.sqrt(16.0) < logarithmic_mean(2.0, 8.0) < 5.0
    assert np.isnan(logarithmic_mean(0.0, 3.0))


def test_shapley3_hand_case():
    # V = a·b·c, year 0: 10 × 2 × 3 = 60, year 1: 12 × 2.5 × 4 = 120, ΔV = 60
    # ΔV_a = 2 × [(2·3 + 2.5·4)/3 + (2·4 + 2.5·3)/6] = 2 × (16/3 + 15.5/6) = 15.8333…
    # ΔV_b = 0.5 × [(10·3 + 12·4)/3 + (10·4 + 12·3)/6] = 0.5 × (26 + 76/6) = 19.3333…
    # ΔV_c = 1 × [(10·2 + 12·2.5)/3 + (10·2.5 + 12·2)/6] = 50/3 + 49/6 = 24.8333…
    eff = shapley3(10.0, 2.0, 3.0, 12.0, 2.5, 4.0)
    assert float(eff["area"]) == pytest.approx(2 * (16 / 3 + 15.5 / 6), rel=1e-14)
    assert float(eff["intensity"]) == pytest.approx(0.5 * (26 + 76 / 6), rel=1e-14)
    assert float(eff["price"]) == pytest.approx(50 / 3 + 49 / 6, rel=1e-14)
    assert float(eff["area"] + eff["intensity"] + eff["price"]) == pytest.approx(60.0, rel=1e-14)


def test_shapley3_reduces_to_shapley_when_one_factor_is_constant():
    # with a constant area the intensity and price effects are the 2-factor Shapley effects
    a = np.array([3.0, 5.0])
    eff3 = shapley3(a, Q0[0], P0[0], a, Q1[0], P1[0])
    eff2 = shapley(a * Q0[0], P0[0], a * Q1[0], P1[0])
    np.testing.assert_allclose(eff3["area"], 0.0)
    np.testing.assert_allclose(eff3["intensity"], eff2["quantity"], rtol=1e-13)
    np.testing.assert_allclose(eff3["price"], eff2["price"], rtol=1e-13)


def test_names_label_the_effects():
    eff = shapley(Q0, P0, Q1, P1, names=("physical", "unit_price"))
    assert set(eff) == {"physical", "unit_price"}
    eff3 = shapley3(1.0, 1.0, 1.0, 2.0, 2.0, 2.0, names=("x", "y", "z"))
    assert set(eff3) == {"x", "y", "z"}


# ------------------------------------------------------- zeros and signs
def test_lmdi_falls_back_to_shapley_cell_by_cell():
    # soil r2 starts in year 1 (q0 = 0) and water r2 loses its price (p1 = 0)
    q0 = Q0.copy()
    q0[1, 1] = 0.0
    p1 = P1.copy()
    p1[0, 1] = 0.0
    eff = lmdi(q0, P0, Q1, p1)
    shap = shapley(q0, P0, Q1, p1)
    applicable = lmdi_applicable(q0, P0, Q1, p1)
    assert applicable.tolist() == [[True, False], [True, False]]
    # fallback cells equal the Shapley split: soil r2 all quantity (20 × 12/2 = 120 and 10 × 20/2 = 100? no:
    # ΔV_q = (20 − 0)(10 + 12)/2 = 220, ΔV_p = (12 − 10)(0 + 20)/2 = 20, sum 240 = 20·12 − 0)
    assert eff["quantity"][1, 1] == pytest.approx(220.0)
    assert eff["price"][1, 1] == pytest.approx(20.0)
    np.testing.assert_allclose(eff["quantity"][~applicable], shap["quantity"][~applicable])
    # the LMDI cells are unchanged
    full = lmdi(Q0, P0, Q1, P1)
    np.testing.assert_allclose(eff["quantity"][applicable], full["quantity"][applicable])
    _assert_exact(eff, q0, P0, Q1, p1)


def test_lmdi_negative_values_fall_back():
    eff = lmdi(np.array([-5.0]), np.array([2.0]), np.array([4.0]), np.array([3.0]))
    # Shapley: ΔV_q = 9 × 2.5 = 22.5, ΔV_p = 1 × (−0.5) = −0.5; total 12 − (−10) = 22
    assert eff["quantity"][0] == pytest.approx(22.5)
    assert eff["price"][0] == pytest.approx(-0.5)


def test_nan_gives_nan_not_a_number():
    eff = lmdi(np.array([np.nan, 1.0]), np.array([1.0, 1.0]), np.array([1.0, 2.0]), np.array([1.0, 1.0]))
    assert np.isnan(eff["quantity"][0]) and np.isnan(eff["price"][0])
    assert eff["quantity"][1] == pytest.approx(1.0)


# ------------------------------------------------------ containers
def test_xarray_in_xarray_out_and_aggregation():
    coords = {"service": ["water", "soil"], "region": ["r1", "r2"]}
    da = {n: xr.DataArray(v, dims=("service", "region"), coords=coords) for n, v in
          dict(q0=Q0, p0=P0, q1=Q1, p1=P1).items()}
    for f in (lmdi, shapley):
        eff = f(da["q0"], da["p0"], da["q1"], da["p1"])
        assert all(isinstance(e, xr.DataArray) for e in eff.values())
        assert eff["quantity"].dims == ("service", "region")
        assert list(eff["quantity"].service.values) == ["water", "soil"]
        by_region = sum(e.sum("service") for e in eff.values())
        np.testing.assert_allclose(by_region.values, [100 - 100, 100 + 140], rtol=1e-12, atol=1e-9)
    eff = lmdi(da["q0"], da["p0"], da["q1"], da["p1"])
    assert float(eff["price"].sel(service="water", region="r2")) == pytest.approx(100.0)


def test_xarray_dask_backed():
    pytest.importorskip("dask")
    q0 = xr.DataArray(Q0, dims=("service", "region")).chunk({"service": 1})
    eff = lmdi(q0, xr.DataArray(P0, dims=("service", "region")), xr.DataArray(Q1, dims=("service", "region")),
               xr.DataArray(P1, dims=("service", "region")))
    np.testing.assert_allclose(eff["quantity"].compute().values, lmdi(Q0, P0, Q1, P1)["quantity"], rtol=1e-14)


def test_pandas_series_keep_their_index():
    idx = pd.Index(["water-r1", "water-r2", "soil-r1", "soil-r2"])
    s = [pd.Series(x.ravel(), index=idx) for x in (Q0, P0, Q1, P1)]
    eff = lmdi(*s)
    assert isinstance(eff["quantity"], pd.Series)
    assert list(eff["quantity"].index) == list(idx)
    assert eff["price"]["water-r2"] == pytest.approx(100.0)


def test_scalars_broadcast_against_arrays():
    # one price for every cell
    eff = shapley(Q0, 2.0, Q1, 2.0)
    assert eff["price"].shape == Q0.shape
    np.testing.assert_array_equal(eff["price"], 0.0)


# ------------------------------------------------------ properties
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
# zeros, and values of either sign away from the subnormal range
with_zeros = st.one_of(st.just(0.0), positive, positive.map(lambda x: -x))


@st.composite
def four_arrays(draw, elements):
    n = draw(st.integers(min_value=1, max_value=12))
    return tuple(draw(arrays(np.float64, n, elements=elements)) for _ in range(4))


@settings(max_examples=200, deadline=None)
@given(four_arrays(positive))
def test_lmdi_parts_sum_to_total_positive(arrs):
    q0, p0, q1, p1 = arrs
    _assert_exact(lmdi(q0, p0, q1, p1), q0, p0, q1, p1)
    assert lmdi_applicable(q0, p0, q1, p1).all()


@settings(max_examples=200, deadline=None)
@given(four_arrays(with_zeros))
def test_lmdi_parts_sum_to_total_with_zeros_and_signs(arrs):
    q0, p0, q1, p1 = arrs
    eff = lmdi(q0, p0, q1, p1)
    _assert_exact(eff, q0, p0, q1, p1)
    assert all(np.isfinite(e).all() for e in eff.values())


@settings(max_examples=200, deadline=None)
@given(four_arrays(with_zeros))
def test_shapley_parts_sum_to_total(arrs):
    q0, p0, q1, p1 = arrs
    _assert_exact(shapley(q0, p0, q1, p1), q0, p0, q1, p1)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10).flatmap(
    lambda n: st.tuples(*[arrays(np.float64, n, elements=st.floats(-1e4, 1e4, allow_nan=False)) for _ in range(6)])))
def test_shapley3_parts_sum_to_total(arrs):
    a0, b0, c0, a1, b1, c1 = arrs
    eff = shapley3(a0, b0, c0, a1, b1, c1)
    total = a1 * b1 * c1 - a0 * b0 * c0
    scale = np.maximum(np.maximum(np.abs(a0 * b0 * c0), np.abs(a1 * b1 * c1)), 1.0)
    # every product term is bounded by the largest |a||b||c| mix; scale by it
    mix = np.max([np.abs(x * y * z) for x in (a0, a1) for y in (b0, b1) for z in (c0, c1)], axis=0)
    assert np.all(np.abs(sum(eff.values()) - total) <= 1e-9 * np.maximum(scale, mix))


@settings(max_examples=100, deadline=None)
@given(four_arrays(positive))
def test_nothing_changes_no_effect(arrs):
    q0, p0, _, _ = arrs
    for f in (lmdi, shapley):
        eff = f(q0, p0, q0.copy(), p0.copy())
        for e in eff.values():
            np.testing.assert_array_equal(e, 0.0)
    eff3 = shapley3(q0, p0, q0, q0.copy(), p0.copy(), q0.copy())
    for e in eff3.values():
        np.testing.assert_array_equal(e, 0.0)


@settings(max_examples=100, deadline=None)
@given(four_arrays(positive))
def test_constant_prices_all_change_is_quantity(arrs):
    q0, p0, q1, _ = arrs
    for f in (lmdi, shapley):
        eff = f(q0, p0, q1, p0.copy())
        np.testing.assert_array_equal(eff["price"], 0.0)
        np.testing.assert_allclose(eff["quantity"], q1 * p0 - q0 * p0, rtol=1e-9, atol=1e-9 * np.max(q1 * p0))

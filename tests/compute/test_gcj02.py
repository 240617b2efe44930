"""GCJ-02 ↔ WGS84: the forward offset by hand at one point, and the inverse as a round trip."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gep.compute.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02


def test_forward_offset_by_hand_at_105E_35N():
    # x = λ − 105 = 0, y = φ − 35 = 0: every sine and √|x| vanish, so T_φ = −100 and T_λ = 300.
    # sin²35° = 0.328989928; W² = 1 − 0.006693421623 × 0.328989928 = 0.997797932, W = 0.998898359
    # M = a(1 − e²)/W³ = 6 335 552.717 / 0.996700... = 6 356 537.448 m;  N = a/W = 6 385 279.285 m
    # Δφ = −100 × 180 / (π M) = −0.000901368 °;  Δλ = 300 × 180 / (π N cos 35°) = 0.003286241 °
    lon, lat = wgs84_to_gcj02(105.0, 35.0)
    assert float(lat) - 35.0 == pytest.approx(-0.0009013677647, rel=1e-9)
    assert float(lon) - 105.0 == pytest.approx(0.0032862414571, rel=1e-9)


def test_outside_china_is_not_moved():
    lon, lat = np.array([10.0, 140.0, 100.0]), np.array([50.0, 30.0, 60.0])
    for f in (wgs84_to_gcj02, gcj02_to_wgs84):
        x, y = f(lon, lat)
        np.testing.assert_array_equal(x, lon)
        np.testing.assert_array_equal(y, lat)


def test_offset_is_a_few_hundred_metres_in_china():
    lon, lat = np.meshgrid(np.linspace(75, 134, 30), np.linspace(18, 53, 30))
    glon, glat = wgs84_to_gcj02(lon, lat)
    metres = np.hypot((glon - lon) * 111e3 * np.cos(np.radians(lat)), (glat - lat) * 111e3)
    assert 50 < metres.min() and metres.max() < 1000


@settings(max_examples=60, deadline=None)
@given(st.floats(72.5, 137.5), st.floats(1.0, 55.5))
def test_inverse_round_trip(lon, lat):
    glon, glat = wgs84_to_gcj02(lon, lat)
    back_lon, back_lat = gcj02_to_wgs84(glon, glat)
    assert abs(float(back_lon) - lon) < 1e-8 and abs(float(back_lat) - lat) < 1e-8  # < 1 mm

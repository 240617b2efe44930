"""Polygon-zone reductions with coverage fractions (gep.compute.coverage), worked by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gep.compute.coverage import coverage_class_area, coverage_sum
from gep.errors import RasterError


def test_class_area_by_hand():
    # three pixels of 10 000 m² (1 hm²): pixel A class 1 wholly in zone 0; pixel B class 2 split 0.25 / 0.75
    # between zones 0 and 1; pixel C nodata (255) half in zone 1
    classes = [1, 2, 2, 255]
    zone = [0, 0, 1, 1]
    frac = [1.0, 0.25, 0.75, 0.5]
    table, nodata = coverage_class_area(classes, zone, frac, 10_000.0, n_zones=2, n_classes=3, nodata_class=255)
    # zone 0: class 1 = 1 × 10 000; class 2 = 0.25 × 10 000 = 2 500; zone 1: class 2 = 0.75 × 10 000 = 7 500
    np.testing.assert_allclose(table, [[0.0, 10_000.0, 2_500.0], [0.0, 0.0, 7_500.0]])
    np.testing.assert_allclose(nodata, [0.0, 5_000.0])   # 0.5 × 10 000


def test_sum_by_hand():
    # values 4 and NaN and 2 t/hm²; weights 1 hm² per pixel; fractions 0.5, 1, 0.25
    res = coverage_sum([4.0, np.nan, 2.0], [0, 0, 1], [0.5, 1.0, 0.25], n_zones=2, weights=1.0)
    np.testing.assert_allclose(res.sum, [2.0, 0.5])   # 4 × 0.5 = 2; 2 × 0.25 = 0.5
    assert res.count.tolist() == [1, 1] and res.masked.tolist() == [1, 0]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=40))
def test_a_pixel_split_between_zones_keeps_its_area(cells):
    """Each pixel split between zone 0 (share f) and zone 1 (share g·(1−f)): areas add up to what is covered."""
    classes, zone, frac = [], [], []
    for c, f, g in cells:
        classes += [c, c]
        zone += [0, 1]
        frac += [f, g * (1 - f)]
    table, _ = coverage_class_area(classes, zone, frac, 900.0, n_zones=2, n_classes=4)
    want = 900.0 * sum(f + g * (1 - f) for _, f, g in cells)
    assert table.sum() == pytest.approx(want, rel=1e-12, abs=1e-9)


def test_errors():
    with pytest.raises(RasterError) as exc:
        coverage_class_area([1], [2], [1.0], 1.0, n_zones=2, n_classes=3)
    assert exc.value.codes == ["zone_out_of_range"]
    with pytest.raises(RasterError) as exc:
        coverage_class_area([1], [0], [1.5], 1.0, n_zones=2, n_classes=3)
    assert exc.value.codes == ["coverage_out_of_range"]
    with pytest.raises(RasterError) as exc:
        coverage_class_area([7], [0], [1.0], 1.0, n_zones=1, n_classes=3)
    assert exc.value.codes == ["class_out_of_range"]
    with pytest.raises(RasterError) as exc:
        coverage_sum([1.0, 2.0], [0], [1.0], n_zones=1)
    assert exc.value.codes == ["shape_mismatch"]

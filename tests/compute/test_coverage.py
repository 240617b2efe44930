"""Polygon-zone reductions with coverage fractions (gep.compute.coverage), worked by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gep.compute.coverage import (
    class_area_from_coverage,
    coverage_class_area,
    coverage_sum,
    geodesic_polygon_area_m2,
)
from gep.compute.zonal import ellipsoid_band_area_m2
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


# ------------------------------------------------ one polygon: class areas and its geodesic area
def test_class_areas_by_hand():
    # class 1: 0.5 × 10 + 1.0 × 10 = 15; class 2: 0.2 × 30 = 6; nodata (255): 0.25 × 8 = 2
    area, nodata = class_area_from_coverage([1, 1, 2, 255], [0.5, 1.0, 0.2, 0.25], [10.0, 10.0, 30.0, 8.0], 3,
                                            nodata=255)
    np.testing.assert_allclose(area, [0.0, 15.0, 6.0])
    assert nodata == pytest.approx(2.0)


def test_class_out_of_range_is_an_error_not_dropped():
    with pytest.raises(RasterError) as exc:
        class_area_from_coverage([1, 17], [1.0, 1.0], [1.0, 1.0], 17, nodata=255)
    assert exc.value.codes == ["class_out_of_range"] and "17" in exc.value.problems[0].en


def test_nodata_without_a_nodata_value_is_out_of_range():
    with pytest.raises(RasterError):
        class_area_from_coverage([255], [1.0], [1.0], 17)


@pytest.mark.parametrize("coverage,code", [([1.2], "coverage_out_of_range"), ([-0.1], "coverage_out_of_range"),
                                           ([np.nan], "coverage_out_of_range")])
def test_bad_coverage(coverage, code):
    with pytest.raises(RasterError) as exc:
        class_area_from_coverage([0], coverage, [1.0], 2)
    assert exc.value.codes == [code]


def test_lengths_and_cell_areas_checked():
    with pytest.raises(RasterError) as exc:
        class_area_from_coverage([0, 1], [1.0], [1.0, 1.0], 2)
    assert exc.value.codes == ["shape_mismatch"]
    with pytest.raises(RasterError) as exc:
        class_area_from_coverage([0], [1.0], [-1.0], 2)
    assert exc.value.codes == ["cell_area"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.floats(0, 1), st.floats(0, 1e7)), min_size=1, max_size=50))
def test_class_areas_add_up_to_the_covered_area(cells):
    v = [c[0] if c[0] < 4 else 255 for c in cells]
    cov = [c[1] for c in cells]
    a = [c[2] for c in cells]
    area, nodata = class_area_from_coverage(v, cov, a, 4, nodata=255)
    assert area.sum() + nodata == pytest.approx(float(np.dot(cov, a)), rel=1e-12, abs=1e-6)
    assert (area >= 0).all()


def _box(lon0, lat0, lon1, lat1, n=2000):
    """A lon/lat rectangle whose edges are densified along the parallels and meridians."""
    t = np.linspace(0, 1, n, endpoint=False)
    south = np.column_stack([lon0 + (lon1 - lon0) * t, np.full(n, lat0)])
    east = np.column_stack([np.full(n, lon1), lat0 + (lat1 - lat0) * t])
    north = np.column_stack([lon1 - (lon1 - lon0) * t, np.full(n, lat1)])
    west = np.column_stack([np.full(n, lon0), lat1 - (lat1 - lat0) * t])
    ring = np.vstack([south, east, north, west])
    return np.vstack([ring, ring[:1]])


def test_polygon_area_tends_to_the_band_area():
    # a 1° × 1° cell at the equator is 12 308.46 km² on WGS84 (ellipsoid_band_area_m2; 111.32 km × 110.57 km);
    # with edges densified the geodesic polygon converges to it
    expected = float(ellipsoid_band_area_m2(0.0, 1.0, 1.0))
    assert expected / 1e6 == pytest.approx(12308.46, abs=0.01)
    assert geodesic_polygon_area_m2([[_box(120.0, 0.0, 121.0, 1.0)]]) == pytest.approx(expected, rel=1e-6)


def test_holes_are_subtracted_and_orientation_does_not_matter():
    outer = _box(120.0, 30.0, 121.0, 31.0)
    hole = _box(120.25, 30.25, 120.75, 30.75)[::-1]
    full = float(ellipsoid_band_area_m2(30.0, 31.0, 1.0))
    cut = float(ellipsoid_band_area_m2(30.25, 30.75, 0.5))
    assert geodesic_polygon_area_m2([[outer, hole]]) == pytest.approx(full - cut, rel=1e-6)
    assert geodesic_polygon_area_m2([[outer[::-1]]]) == pytest.approx(full, rel=1e-6)
    # two parts add up
    assert geodesic_polygon_area_m2([[outer], [_box(125.0, 30.0, 126.0, 31.0)]]) == pytest.approx(2 * full, rel=1e-6)


def test_densify_ring_by_hand():
    from gep.compute.coverage import densify_ring

    # 0.025° at a step of 0.01° → ceil(2.5) = 3 equal steps of 0.008333°; the last vertex kept
    out = densify_ring([[0.0, 0.0], [0.025, 0.0], [0.025, 0.005]], 0.01)
    np.testing.assert_allclose(out, [[0, 0], [0.025 / 3, 0], [0.05 / 3, 0], [0.025, 0], [0.025, 0.005]])


def test_edges_are_straight_in_lon_lat():
    # four corners only: the edges are parallels and meridians (GeoJSON's straight lines), so the area is the
    # band area. Left as four geodesics, the two 1° parallels bulge poleward (sagitta L² tan φ / 8R ≈ 0.12 km
    # for L = 78.8 km at 45° N) and nearly cancel: −1.3 × 10⁻⁵. One long edge alone does not cancel
    # (米东区's outline moved by 5.5 × 10⁻⁴ before densifying).
    corners = np.array([[120.0, 45.0], [121.0, 45.0], [121.0, 46.0], [120.0, 46.0], [120.0, 45.0]])
    band = float(ellipsoid_band_area_m2(45.0, 46.0, 1.0))
    assert geodesic_polygon_area_m2([[corners]]) == pytest.approx(band, rel=1e-8)
    geodesic = geodesic_polygon_area_m2([[corners]], max_step_deg=None)
    assert geodesic / band - 1 == pytest.approx(-1.33e-5, rel=0.01)
    # a triangle with one long parallel edge: the geodesic bulge is not cancelled
    tri = np.array([[120.0, 45.0], [121.0, 45.0], [120.5, 45.2], [120.0, 45.0]])
    straight = geodesic_polygon_area_m2([[tri]])
    assert abs(geodesic_polygon_area_m2([[tri]], max_step_deg=None) / straight - 1) > 1e-3

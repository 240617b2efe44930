"""Zonal class areas and sums: hand cases, a naive loop, invariants, dask, cluster."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from gep.compute import zonal
from gep.compute.zonal import (
    ellipsoid_band_area_m2,
    pixel_area_m2,
    zonal_class_area,
    zonal_sum,
)
from gep.errors import RasterError

da = pytest.importorskip("dask.array")

# 4×4 land use (255 = nodata) and 2 zones (top half zone 0, bottom half zone 1)
from conftest import CLASSES, ZONES  # noqa: E402  (the shared 4×4 case)
# zone 0: class 1 ×4, class 2 ×4; zone 1: class 0 ×3, class 3 ×4, one nodata pixel
EXPECTED = np.array([[0, 4, 4, 0],
                     [3, 0, 0, 4]])


def naive(classes, zones, n_classes, n_zones, nodata_class=None, nodata_zone=None, area=None):
    out = np.zeros((n_zones, n_classes))
    masked = 0.0
    h, w = classes.shape
    for i in range(h):
        for j in range(w):
            a = 1.0 if area is None else (area if np.ndim(area) == 0 else area[i])
            c, z = classes[i, j], zones[i, j]
            if c == nodata_class or z == nodata_zone:
                masked += a
                continue
            out[z, c] += a
    return out, masked


# ------------------------------------------------------------------- hand cases
def test_hand_4x4_counts():
    table, masked = zonal_class_area(CLASSES, ZONES, nodata_class=255, return_masked=True)
    np.testing.assert_array_equal(table, EXPECTED)
    assert masked == 1
    assert table.dtype == np.int64


def test_hand_4x4_area_scalar_30m():
    # 30 m pixels: 900 m² each → zone 0 class 1 = 4 × 900 = 3600 m²
    table, masked = zonal_class_area(CLASSES, ZONES, nodata_class=255, pixel_area=900.0, return_masked=True)
    np.testing.assert_allclose(table, EXPECTED * 900.0)
    assert masked == 900.0


def test_hand_4x4_area_per_row():
    rows = np.array([1.0, 2.0, 3.0, 4.0])
    # zone 1 class 3: rows 2 and 3, two pixels each → 2×3 + 2×4 = 14; class 0: 2×3 + 1×4 = 10
    table, masked = zonal_class_area(CLASSES, ZONES, nodata_class=255, pixel_area=rows, return_masked=True)
    np.testing.assert_allclose(table, [[0, 6, 6, 0], [10, 0, 0, 14]])
    assert masked == 4.0


def test_explicit_n_classes_and_zones_pad():
    table = zonal_class_area(CLASSES, ZONES, n_classes=6, n_zones=3, nodata_class=255)
    assert table.shape == (3, 6)
    np.testing.assert_array_equal(table[:2, :4], EXPECTED)
    assert table[2].sum() == 0 and table[:, 4:].sum() == 0


def test_generic_dtype_path_matches_uint8():
    t8 = zonal_class_area(CLASSES, ZONES, nodata_class=255)
    t32 = zonal_class_area(CLASSES.astype(np.int32), ZONES.astype(np.int64), nodata_class=255)
    np.testing.assert_array_equal(t8, t32)


def test_float_classes_nan_is_nodata():
    c = CLASSES.astype(np.float64)
    c[c == 255] = np.nan
    table, masked = zonal_class_area(c, ZONES.astype(np.int16), return_masked=True)
    np.testing.assert_array_equal(table, EXPECTED)
    assert masked == 1


def test_nodata_zone_counted():
    z = ZONES.copy()
    z[0, 0] = 254
    table, masked = zonal_class_area(CLASSES, z, nodata_class=255, nodata_zone=254, return_masked=True)
    assert masked == 2
    assert table[0, 1] == 3


def test_out_of_range_class_raises():
    with pytest.raises(RasterError) as exc:
        zonal_class_area(CLASSES, ZONES, n_classes=3, nodata_class=255)
    assert exc.value.codes == ["class_out_of_range"]
    assert "3" in str(exc.value)


def test_undeclared_nodata_is_out_of_range():
    with pytest.raises(RasterError) as exc:
        zonal_class_area(CLASSES, ZONES, n_classes=4)
    assert "255" in str(exc.value)


def test_out_of_range_zone_generic_raises():
    with pytest.raises(RasterError):
        zonal_class_area(CLASSES.astype(np.int32), ZONES.astype(np.int32) + 5, n_zones=2, nodata_class=255)


def test_shape_mismatch_raises():
    with pytest.raises(RasterError) as exc:
        zonal_class_area(CLASSES, ZONES[:3])
    assert exc.value.codes == ["shape_mismatch"]


def test_bad_per_row_area_raises():
    with pytest.raises(RasterError):
        zonal_class_area(CLASSES, ZONES, pixel_area=np.ones(3), nodata_class=255)


# ---------------------------------------------------------- random vs naive loop
def test_random_equals_naive_loop():
    rng = np.random.default_rng(42)
    c = rng.integers(0, 9, size=(37, 23)).astype(np.uint8)
    c[rng.random(c.shape) < 0.05] = 255
    z = rng.integers(0, 5, size=c.shape).astype(np.uint8)
    rows = rng.uniform(800, 1000, size=c.shape[0])
    expected, masked_exp = naive(c, z, 9, 5, nodata_class=255, area=rows)
    got, masked = zonal_class_area(c, z, n_classes=9, n_zones=5, nodata_class=255, pixel_area=rows,
                                   return_masked=True)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert masked == pytest.approx(masked_exp)


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.uint8, st.tuples(st.integers(1, 30), st.integers(1, 30)), elements=st.integers(0, 6)),
    st.integers(1, 4),
    st.floats(1.0, 1e4),
    st.data(),
)
def test_area_conservation(classes, n_zones, area, data):
    """Σ over zones and classes + masked area = pixel count × pixel area."""
    zones = data.draw(arrays(np.uint8, classes.shape, elements=st.integers(0, n_zones - 1)))
    table, masked = zonal_class_area(classes, zones, n_classes=6, n_zones=n_zones, nodata_class=6,
                                     pixel_area=area, return_masked=True)
    n_valid = int((classes != 6).sum())
    assert table.sum() == pytest.approx(n_valid * area, rel=1e-12)
    assert table.sum() + masked == pytest.approx(classes.size * area, rel=1e-12)
    # and the generic path agrees
    t2 = zonal_class_area(classes.astype(np.int32), zones.astype(np.int32), n_classes=6, n_zones=n_zones,
                          nodata_class=6, pixel_area=area)
    np.testing.assert_allclose(table, t2)


def test_block_boundaries(monkeypatch):
    """Tiny blocks (one row each) give the same table as one block."""
    rng = np.random.default_rng(7)
    c = rng.integers(0, 8, size=(50, 40)).astype(np.uint8)
    z = rng.integers(0, 3, size=c.shape).astype(np.uint8)
    rows = np.linspace(900, 950, 50)
    whole = zonal_class_area(c, z, pixel_area=rows)
    monkeypatch.setattr(zonal, "BLOCK_PIXELS", 7)
    np.testing.assert_allclose(zonal_class_area(c, z, pixel_area=rows), whole)


# ------------------------------------------------------------------------ dask
@pytest.mark.parametrize("dtype", [np.uint8, np.int32])
def test_dask_equals_numpy(dtype):
    rng = np.random.default_rng(1)
    c = rng.integers(0, 8, size=(101, 67)).astype(dtype)
    c[:5, :5] = 255 if dtype == np.uint8 else -1
    z = rng.integers(0, 4, size=c.shape).astype(dtype)
    nd = 255 if dtype == np.uint8 else -1
    rows = rng.uniform(1, 2, size=c.shape[0])
    ref = zonal_class_area(c, z, nodata_class=nd, pixel_area=rows, return_masked=True)
    got = zonal_class_area(da.from_array(c, chunks=(17, 30)), da.from_array(z, chunks=(25, 20)),
                           nodata_class=nd, pixel_area=rows, return_masked=True)
    np.testing.assert_allclose(got[0], ref[0], rtol=1e-12)
    assert got[1] == pytest.approx(ref[1])


@pytest.mark.slow
def test_distributed_local_cluster_equals_numpy():
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(3)
    c = rng.integers(0, 8, size=(300, 200)).astype(np.uint8)
    z = rng.integers(0, 5, size=c.shape).astype(np.uint8)
    rows = rng.uniform(800, 900, size=c.shape[0])
    ref = zonal_class_area(c, z, pixel_area=rows)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        got = zonal_class_area(da.from_array(c, chunks=(64, 64)), da.from_array(z, chunks=(64, 64)),
                               pixel_area=rows)
        zs = zonal_sum(da.from_array(c.astype(float), chunks=64), da.from_array(z, chunks=64), 5)
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    np.testing.assert_allclose(zs.sum, np.bincount(z.ravel(), weights=c.ravel().astype(float), minlength=5))


# ------------------------------------------------------------------ zonal sum
def test_zonal_sum_hand():
    v = np.array([[1.0, np.nan, 3.0],
                  [4.0, -9999.0, 6.0]])
    z = np.array([[0, 0, 1],
                  [1, 1, 7]])
    r = zonal_sum(v, z, 2, nodata_value=-9999.0, nodata_zone=7)
    # zone 0: 1 (NaN masked); zone 1: 3 + 4 (−9999 masked); 6 is outside (zone 7 = nodata)
    np.testing.assert_allclose(r.sum, [1.0, 7.0])
    np.testing.assert_array_equal(r.count, [1, 2])
    np.testing.assert_array_equal(r.masked, [1, 1])
    assert r.outside == 1


def test_zonal_sum_weights():
    v = np.array([[2.0, 2.0], [3.0, 3.0]])
    z = np.array([[0, 1], [0, 1]])
    # per-row weights [10, 100]: zone 0 = 2×10 + 3×100 = 320
    np.testing.assert_allclose(zonal_sum(v, z, 2, weights=np.array([10.0, 100.0])).sum, [320.0, 320.0])
    # scalar weight 0.09 hm² per 30 m pixel: zone 0 = 5 × 0.09 = 0.45
    np.testing.assert_allclose(zonal_sum(v, z, 2, weights=0.09).sum, [0.45, 0.45])
    # full array weights
    w = np.array([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(zonal_sum(v, z, 2, weights=w).sum, [2.0, 3.0])


def test_zonal_sum_dask_equals_numpy():
    rng = np.random.default_rng(5)
    v = rng.normal(size=(60, 50))
    v[rng.random(v.shape) < 0.1] = np.nan
    z = rng.integers(0, 3, size=v.shape)
    rows = rng.uniform(1, 2, size=60)
    a = zonal_sum(v, z, 3, weights=rows)
    b = zonal_sum(da.from_array(v, chunks=(13, 21)), da.from_array(z, chunks=(13, 21)), 3, weights=rows)
    np.testing.assert_allclose(a.sum, b.sum, rtol=1e-12)
    np.testing.assert_array_equal(a.count, b.count)
    np.testing.assert_array_equal(a.masked, b.masked)
    assert a.count.sum() + a.masked.sum() == v.size


def test_zonal_sum_zone_out_of_range():
    with pytest.raises(RasterError):
        zonal_sum(np.ones((2, 2)), np.array([[0, 1], [2, 3]]), 2)


# ------------------------------------------------------------------ pixel area
def test_projected_metre_pixel_area():
    # 30 m UTM pixels: 900 m²
    assert pixel_area_m2((30.0, 0, 500000.0, 0, -30.0, 4e6), "EPSG:32650", 10) == 900.0


def test_equator_degree_cell_wgs84():
    # 1°×1° at the equator on WGS84 = 12 308.46 km² (the 12 363.7 km² often quoted is the authalic
    # *sphere*: 6371007² × π/180 × sin 1°); cross-checked against pyproj.Geod with densified parallels
    assert ellipsoid_band_area_m2(0.0, 1.0, 1.0) / 1e6 == pytest.approx(12308.4639, abs=1e-3)


def test_sphere_limit():
    # inv_flattening → ∞: R² Δλ (sin φ2 − sin φ1)
    R = 6371007.0
    exact = R * R * np.radians(2.0) * (np.sin(np.radians(30)) - np.sin(np.radians(29)))
    assert ellipsoid_band_area_m2(29, 30, 2, R, 1e12) == pytest.approx(exact, rel=1e-9)


def test_geodesic_rows_sum_to_band():
    # 0.01° pixels, rows from 40°N to 41°N, 100 columns = 1° wide
    tr = (0.01, 0.0, 110.0, 0.0, -0.01, 41.0)
    rows = pixel_area_m2(tr, "EPSG:4326", 100, geodesic=True)
    assert rows.shape == (100,)
    assert (np.diff(rows) > 0).all()  # pixels grow towards the equator
    assert rows.sum() * 100 == pytest.approx(ellipsoid_band_area_m2(40, 41, 1), rel=1e-10)


def test_geodesic_matches_pyproj_geod():
    pyproj = pytest.importorskip("pyproj")
    g = pyproj.Geod(ellps="WGS84")
    n = 400
    lon = np.concatenate([np.linspace(0, 1, n), np.linspace(1, 0, n)])
    lat = np.concatenate([np.full(n, 45.0), np.full(n, 46.0)])
    area, _ = g.polygon_area_perimeter(lon, lat)
    assert ellipsoid_band_area_m2(45, 46, 1) == pytest.approx(abs(area), rel=1e-9)


def test_geographic_without_flag_raises():
    with pytest.raises(RasterError) as exc:
        pixel_area_m2((0.01, 0, 110, 0, -0.01, 41), "EPSG:4326", 10)
    assert exc.value.codes == ["geographic_crs"]
    assert "geodesic=True" in str(exc.value)


def test_feet_crs_raises():
    # NAD83 / California zone 6 (ftUS)
    with pytest.raises(RasterError) as exc:
        pixel_area_m2((100, 0, 0, 0, -100, 0), "EPSG:2230", 10)
    assert exc.value.codes == ["non_metre_crs"]


def test_missing_crs_raises():
    with pytest.raises(RasterError) as exc:
        pixel_area_m2((30, 0, 0, 0, -30, 0), None, 10)
    assert exc.value.codes == ["missing_crs"]

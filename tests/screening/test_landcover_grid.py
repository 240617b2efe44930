"""County class areas on a synthetic copy of the MCD12C1 grid: exact coverage × geodesic cell area by hand.

No data package is needed: a 7200 × 3600 global 0.05° GeoTIFF is written with
three known cells; the outline covers half of the first, all of the second and
half of the third (a fill cell).
"""

import numpy as np
import pytest

from gep.compute.zonal import ellipsoid_band_area_m2
from gep.errors import RasterError
from gep.screening.landcover import GRID, NODATA, county_land_cover, read_window

pytest.importorskip("exactextract")
rasterio = pytest.importorskip("rasterio")

ROW = 1199  # 30.05–30.00 °N
COL = 6000  # 120.00–120.05 °E


def _box(lon0, lat0, lon1, lat1, n=400):
    """Rectangle with densified edges (a geodesic outline then follows the parallels)."""
    t = np.linspace(0, 1, n, endpoint=False)
    ring = np.vstack([np.column_stack([lon0 + (lon1 - lon0) * t, np.full(n, lat0)]),
                      np.column_stack([np.full(n, lon1), lat0 + (lat1 - lat0) * t]),
                      np.column_stack([lon1 - (lon1 - lon0) * t, np.full(n, lat1)]),
                      np.column_stack([np.full(n, lon0), lat1 - (lat1 - lat0) * t])])
    return np.vstack([ring, ring[:1]])


@pytest.fixture(scope="module")
def grid_tif(tmp_path_factory):
    data = np.zeros((GRID["height"], GRID["width"]), dtype=np.uint8)
    data[ROW, COL] = 4  # deciduous broadleaf forest
    data[ROW, COL + 1] = 12  # cropland
    data[ROW, COL + 2] = NODATA
    path = tmp_path_factory.mktemp("grid") / "mcd12c1-synthetic.tif"
    with rasterio.open(path, "w", driver="GTiff", width=GRID["width"], height=GRID["height"], count=1, dtype="uint8",
                       crs="EPSG:4326", transform=rasterio.Affine(*GRID["transform"]), nodata=NODATA,
                       compress="deflate") as dst:
        dst.write(data, 1)
    return path


def test_class_areas_by_hand(grid_tif):
    # one cell of row 1199 (30.00–30.05 °N, 0.05° wide) on WGS84, at 30.025 °N:
    # N cos φ Δλ = 6 383 489 m × 0.865807 × 8.72665e-4 rad = 4.82310 km; M Δφ = 6 351 401 m × 8.72665e-4 = 5.54264 km;
    # a ≈ 4.82310 × 5.54264 = 26.7327 km²
    a = float(ellipsoid_band_area_m2(30.0, 30.05, 0.05)) / 1e6
    assert a == pytest.approx(26.7327, abs=1e-4)
    # outline 120.025–120.125 °E: half of the forest cell, all of the cropland cell, half of the fill cell
    lc = county_land_cover("t", [[_box(120.025, 30.0, 120.125, 30.05)]], path=grid_tif)
    assert lc.class_area_km2[4] == pytest.approx(0.5 * a, rel=1e-9)
    assert lc.class_area_km2[12] == pytest.approx(a, rel=1e-9)
    assert lc.nodata_km2 == pytest.approx(0.5 * a, rel=1e-9)
    assert lc.classified_km2 == pytest.approx(1.5 * a, rel=1e-9)
    assert lc.outline_area_km2 == pytest.approx(2 * a, rel=1e-6)
    assert abs(lc.coverage_gap) < 1e-6
    assert lc.cells == 3 and lc.cell_equivalents == pytest.approx(2.0, rel=1e-9)  # 0.5 + 1 + 0.5


def test_a_hole_leaves_its_cell_out(grid_tif):
    a = float(ellipsoid_band_area_m2(30.0, 30.05, 0.05)) / 1e6
    outer = _box(120.0, 30.0, 120.1, 30.05)
    hole = _box(120.05, 30.0, 120.1, 30.05)[::-1]  # the cropland cell, cut out
    lc = county_land_cover("t", [[outer, hole]], path=grid_tif)
    assert lc.class_area_km2[4] == pytest.approx(a, rel=1e-9)
    assert lc.class_area_km2[12] == pytest.approx(0.0, abs=1e-6)
    assert lc.outline_area_km2 == pytest.approx(a, rel=1e-4)


def test_window_has_a_margin_and_stays_inside_the_grid(grid_tif):
    values, row0, col0 = read_window((120.01, 30.01, 120.04, 30.04), grid_tif)
    assert (row0, col0) == (ROW - 1, COL - 1) and values.shape == (3, 3) and values[1, 1] == 4
    values, row0, col0 = read_window((-180.0, 89.99, -179.99, 90.0), grid_tif)
    assert (row0, col0) == (0, 0)


def test_another_grid_is_refused(tmp_path):
    path = tmp_path / "small.tif"
    with rasterio.open(path, "w", driver="GTiff", width=10, height=10, count=1, dtype="uint8", crs="EPSG:4326",
                       transform=rasterio.Affine(0.05, 0, 120, 0, -0.05, 31)) as dst:
        dst.write(np.zeros((10, 10), dtype=np.uint8), 1)
    with pytest.raises(RasterError) as exc:
        read_window((120.1, 30.6, 120.2, 30.7), path)
    assert exc.value.codes == ["unexpected_land_cover_grid"]

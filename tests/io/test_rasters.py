"""Raster I/O: opening with nodata, alignment checks, land-use account, chunked writing."""

import os

import numpy as np
import pytest
import xarray as xr

rasterio = pytest.importorskip("rasterio")
pytest.importorskip("rioxarray")
from rasterio.transform import from_origin  # noqa: E402

from gep.errors import InputFileError, RasterError  # noqa: E402
from gep.io.rasters import check_aligned, class_area_by_zone, open_raster, write_raster_chunked  # noqa: E402

UTM = "EPSG:32650"
from conftest import CLASSES, ZONES  # noqa: E402  (the shared 4×4 case)


def write(path, data, crs=UTM, transform=None, nodata=255):
    transform = transform or from_origin(500000.0, 4000000.0, 30.0, 30.0)
    profile = dict(driver="GTiff", height=data.shape[0], width=data.shape[1], count=1, dtype=data.dtype,
                   crs=crs, transform=transform)
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


@pytest.fixture
def pair(tmp_path):
    lu = write(tmp_path / "lu.tif", CLASSES)
    zn = write(tmp_path / "zones.tif", ZONES, nodata=254)
    return lu, zn


def test_open_raster_keeps_uint8_and_nodata(pair):
    da = open_raster(pair[0])
    assert da.dims == ("y", "x")
    assert da.dtype == np.uint8
    assert da.rio.nodata == 255


def test_open_raster_masked_float(pair):
    da = open_raster(pair[0], masked=True)
    assert np.isnan(da.values[3, 3])
    assert float(da.values[0, 0]) == 1.0


def test_open_raster_without_nodata_raises(tmp_path):
    p = write(tmp_path / "nond.tif", CLASSES, nodata=None)
    with pytest.raises(RasterError) as exc:
        open_raster(p)
    assert exc.value.codes == ["missing_nodata"]
    assert "nodata=" in str(exc.value)
    # explicit nodata is accepted
    assert open_raster(p, nodata=255).rio.nodata == 255


def test_the_hint_for_a_raster_without_nodata_is_a_command_that_works(tmp_path):
    """A CLI user has no open_raster: the hint names rasterio's own `rio edit-info`, and running it fixes the file."""
    import shutil
    import subprocess
    import sys

    p = write(tmp_path / "nond.tif", CLASSES, nodata=None)
    with pytest.raises(RasterError) as exc:
        open_raster(p)
    hint = exc.value.problems[0].hint_en
    assert f"rio edit-info --nodata VALUE {p.name}" in hint
    rio = shutil.which("rio", path=os.path.dirname(sys.executable)) or shutil.which("rio")
    assert rio, "rasterio installs the rio command"
    subprocess.run([rio, "edit-info", "--nodata", "255", str(p)], check=True, timeout=120)
    assert open_raster(p).rio.nodata == 255


def test_open_raster_missing_file(tmp_path):
    with pytest.raises(InputFileError):
        open_raster(tmp_path / "nope.tif")


def test_class_area_by_zone_hand(pair):
    lu, zn = open_raster(pair[0]), open_raster(pair[1])
    out = class_area_by_zone(lu, zn)
    # 30 m pixels = 0.09 hm²; zone 0: class 1 ×4, class 2 ×4; zone 1: class 0 ×3, class 3 ×4
    assert out.attrs["units"] == "hm²"
    assert list(out.land_use.values) == [0, 1, 2, 3]
    np.testing.assert_allclose(out.values, np.array([[0, 4, 4, 0], [3, 0, 0, 4]]) * 0.09)
    assert out.attrs["nodata_area_hm2"] == pytest.approx(0.09)
    assert float(out.sum()) + out.attrs["nodata_area_hm2"] == pytest.approx(16 * 0.09)


def test_class_area_by_zone_dask_equals_numpy(pair):
    ref = class_area_by_zone(open_raster(pair[0]), open_raster(pair[1]))
    lazy = class_area_by_zone(open_raster(pair[0], chunks=2), open_raster(pair[1], chunks=2))
    np.testing.assert_allclose(lazy.values, ref.values)
    tup = class_area_by_zone(open_raster(pair[0], chunks=(2, 3)), open_raster(pair[1], chunks=(2, 3)))
    np.testing.assert_allclose(tup.values, ref.values)


def test_class_area_by_zone_listed_classes(pair):
    lu, zn = open_raster(pair[0]), open_raster(pair[1])
    out = class_area_by_zone(lu, zn, classes=[0, 1, 2, 3, 5])
    assert list(out.land_use.values) == [0, 1, 2, 3, 5]
    assert float(out.sel(land_use=5).sum()) == 0.0
    with pytest.raises(RasterError) as exc:
        class_area_by_zone(lu, zn, classes=[1, 2, 3])
    assert exc.value.codes == ["unlisted_land_use_code"]


def test_misaligned_rasters_raise(tmp_path, pair):
    shifted = write(tmp_path / "shift.tif", ZONES, transform=from_origin(500030.0, 4000000.0, 30.0, 30.0), nodata=254)
    other_crs = write(tmp_path / "crs.tif", ZONES, crs="EPSG:32651", nodata=254)
    lu = open_raster(pair[0])
    with pytest.raises(RasterError) as exc:
        check_aligned(lu, open_raster(shifted), open_raster(other_crs), names=["lu", "shifted", "other_crs"])
    assert exc.value.codes == ["rasters_not_aligned", "rasters_not_aligned"]
    msg = str(exc.value)
    assert "shifted" in msg and "transform" in msg
    assert "other_crs" in msg and "CRS" in msg


def test_align_true_reprojects(tmp_path, pair):
    shifted = write(tmp_path / "shift.tif", ZONES, transform=from_origin(500030.0, 4000000.0, 30.0, 30.0), nodata=254)
    lu, zn = check_aligned(open_raster(pair[0]), open_raster(shifted), align=True)
    assert zn.rio.transform() == lu.rio.transform()
    assert zn.shape == lu.shape


def test_geographic_crs_needs_geodesic(tmp_path):
    tr = from_origin(110.0, 41.0, 0.01, 0.01)
    lu = open_raster(write(tmp_path / "geo.tif", CLASSES, crs="EPSG:4326", transform=tr))
    zn = open_raster(write(tmp_path / "geoz.tif", ZONES, crs="EPSG:4326", transform=tr, nodata=254))
    with pytest.raises(RasterError) as exc:
        class_area_by_zone(lu, zn)
    assert exc.value.codes == ["geographic_crs"]
    out = class_area_by_zone(lu, zn, geodesic=True)
    # 0.01° pixels near 41°N ≈ 0.839 km × 1.11 km ≈ 93 hm² each; total = 15 valid pixels
    assert float(out.sum()) == pytest.approx(15 * 93.3, rel=0.01)


def test_non_metre_projected_crs_raises(tmp_path):
    lu = open_raster(write(tmp_path / "ft.tif", CLASSES, crs="EPSG:2230"))
    zn = open_raster(write(tmp_path / "ftz.tif", ZONES, crs="EPSG:2230", nodata=254))
    with pytest.raises(RasterError) as exc:
        class_area_by_zone(lu, zn)
    assert exc.value.codes == ["non_metre_crs"]


def test_write_raster_chunked_roundtrip(tmp_path, pair):
    lu = open_raster(pair[0], chunks=2)
    out = write_raster_chunked(lu, tmp_path / "out" / "lu_copy.tif")
    back = open_raster(out)
    np.testing.assert_array_equal(back.values, CLASSES)
    assert back.rio.crs == lu.rio.crs
    with rasterio.open(out) as src:
        assert src.profile["tiled"]
    # numpy-backed too
    out2 = write_raster_chunked(open_raster(pair[0]), tmp_path / "lu_np.tif")
    np.testing.assert_array_equal(open_raster(out2).values, CLASSES)


# ------------------------------------------------------------------ chunks read from their windows of the file
def test_chunked_raster_reads_every_window_as_the_whole_file(tmp_path):
    # 5 × 7 with chunks of 2 × 3: edge chunks are narrower; band 2 of a 2-band file; masked float and raw uint8
    rng = np.random.default_rng(3)
    bands = rng.integers(0, 9, size=(2, 5, 7)).astype(np.uint8)
    bands[1, 0, 0] = 255  # nodata in band 2
    path = tmp_path / "two.tif"
    with rasterio.open(path, "w", driver="GTiff", height=5, width=7, count=2, dtype="uint8", crs=UTM,
                       transform=from_origin(500000, 3300000, 30, 30), nodata=255) as dst:
        dst.write(bands)
    for band in (1, 2):
        eager = open_raster(path, band=band)
        lazy = open_raster(path, chunks=(2, 3), band=band)
        assert lazy.data.chunks == ((2, 2, 1), (3, 3, 1))
        np.testing.assert_array_equal(lazy.values, bands[band - 1])
        np.testing.assert_array_equal(lazy.values, eager.values)
        assert lazy.rio.nodata == eager.rio.nodata == 255 and lazy.rio.crs == eager.rio.crs
        masked = open_raster(path, chunks=(2, 3), band=band, masked=True).values
        np.testing.assert_array_equal(np.isnan(masked), bands[band - 1] == 255)
        np.testing.assert_array_equal(masked[~np.isnan(masked)], bands[band - 1][bands[band - 1] != 255])


def test_class_area_by_zone_is_one_task_per_chunk(pair):
    # the two rasters' windows are read by the task that counts them: nothing to move between workers
    lu, zn = open_raster(pair[0], chunks=2), open_raster(pair[1], chunks=2)
    from gep.compute.zonal import _reduce

    parts = _reduce(lambda c, z, r0, r1: np.zeros(3), [lu.data, zn.data], 3, np.float64)
    graph = dict(parts.__dask_optimize__(parts.__dask_graph__(), parts.__dask_keys__()))
    chunks = len(lu.data.chunks[0]) * len(lu.data.chunks[1])
    assert chunks == 4
    names = {str(k[0] if isinstance(k, tuple) else k).rsplit("-", 1)[0] for k in graph}
    assert not any(n.startswith(("original", "getitem", "array", "open_rasterio")) for n in names), names
    assert len(graph) <= chunks + 3  # a task per chunk (read both windows, count) and the tree sum


def test_a_rewritten_raster_is_not_taken_for_the_old_one(tmp_path):
    import pickle

    import dask.base

    path = tmp_path / "a.tif"
    write(path, np.zeros((4, 4), np.uint8))
    first = open_raster(path, chunks=2)
    write(path, np.ones((4, 4), np.uint8))  # the same size
    os.utime(path, ns=(10**9, 10**9))  # a modification time other than the first file's
    second = open_raster(path, chunks=2)
    assert dask.base.tokenize(first.data) != dask.base.tokenize(second.data)
    assert int(second.sum()) == 16
    assert pickle.loads(pickle.dumps(second.data.dask)) is not None  # a worker can receive the graph


SELECTIONS = {
    "a column": lambda d: d.isel(x=0),
    "one pixel": lambda d: d.isel(x=6, y=4),
    "every 2nd row, every 3rd column": lambda d: d[::2, ::3],
    "reversed rows": lambda d: d[::-1, 1:4],
    "stepping back": lambda d: d[4:0:-2, 6:0:-4],
    "listed columns": lambda d: d.isel(x=[5, 0, 3]),
    "listed rows and columns": lambda d: d.isel(x=[6, 1], y=[4, 0, 2]),
    "the last corner": lambda d: d[-2:, -3:],
    "nothing": lambda d: d[3:3, :],
}


@pytest.mark.parametrize("name", list(SELECTIONS))
def test_a_selection_of_a_chunked_raster_is_the_selection_of_the_whole_file(tmp_path, name):
    # dask folds a selection made after opening into the read of each chunk: a step or a list must never
    # be read as a plain window (a stepped selection once came back as the first rows and columns)
    rng = np.random.default_rng(7)
    data = rng.integers(0, 200, size=(5, 7)).astype(np.uint8)
    path = write(tmp_path / "r.tif", data)
    select = SELECTIONS[name]
    expected = np.asarray(select(open_raster(path)))
    got = np.asarray(select(open_raster(path, chunks=(2, 3))))
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(expected, np.asarray(select(xr.DataArray(data, dims=("y", "x")))))


def test_a_raster_changed_after_opening_is_refused_not_mixed(tmp_path):
    # chunks are read when computed: a file replaced in between would give some chunks of each version
    path = write(tmp_path / "a.tif", np.zeros((4, 4), np.uint8))
    lazy = open_raster(path, chunks=2)
    write(path, np.ones((4, 4), np.uint8))
    os.utime(path, ns=(10**9, 10**9))
    with pytest.raises(InputFileError) as err:
        lazy.load()
    assert err.value.problems[0].code == "raster_changed" and err.value.problems[0].file == str(path)

r"""Zonal accounting of rasters: class areas and sums by region, in one pass.

Everything here is a reduction by a combined integer index and
:func:`numpy.bincount`, done in row blocks of about a million pixels so the
temporaries stay small (and never an ``int64`` copy of the whole raster). The
same block function runs on numpy arrays directly and on dask arrays through
``map_blocks`` followed by a tree sum, so a raster that does not fit in memory,
or a ``dask.distributed`` cluster, gives the same numbers.

Nothing is dropped silently: pixels whose class or zone is nodata are counted
and returned, and a class or zone value outside the declared range raises
:class:`~gep.errors.RasterError`.

Pixel areas come from :func:`pixel_area_m2`: one number for a projected CRS in
metres, one number per row for a geographic CRS (exact ellipsoidal band area).
Degrees² are never treated as m².
"""

from __future__ import annotations

import math
import threading
from typing import NamedTuple

import numpy as np

from ..errors import RasterError, problem

__all__ = ["zonal_class_area", "zonal_sum", "ZonalSum", "pixel_area_m2", "ellipsoid_band_area_m2"]

#: Pixels per block on the numpy path (measured optimum 2¹⁸–2²⁰ on a 2-core box).
BLOCK_PIXELS = 1 << 20


_BUFFERS = threading.local()


def _index_buffer(n: int) -> np.ndarray:
    """An index array of ``n`` np.intp for this thread, reused from block to block.

    A block's index is only read by the ``np.bincount`` of the same block, in the
    same thread. Allocating it afresh for every block costs page faults where large
    arrays are always mapped anew (``dask.distributed`` workers set
    ``MALLOC_TRIM_THRESHOLD_``, which turns off glibc's adaptive reuse): the class
    area pass ran 1.4× slower in a worker than in the client.
    """
    buf = getattr(_BUFFERS, "index", None)
    if buf is None or buf.size < n:
        buf = _BUFFERS.index = np.empty(max(n, BLOCK_PIXELS), dtype=np.intp)
    return buf[:n]


def _is_dask(x) -> bool:
    return type(x).__module__.split(".")[0] == "dask"


def _as_array(x):
    """numpy or dask array behind x (unwraps xarray objects)."""
    data = getattr(x, "data", x)
    if _is_dask(data):
        return data
    return np.asarray(data)


# --------------------------------------------------------------------- pixel area
def _wgs84_like(crs):
    import pyproj

    try:
        if hasattr(crs, "to_wkt") and not isinstance(crs, pyproj.CRS):
            crs = crs.to_wkt()
        return pyproj.CRS.from_user_input(crs)
    except Exception as exc:  # pyproj raises CRSError; anything else is also unusable
        raise RasterError(problem(
            "unknown_crs", f"无法识别坐标参考系：{crs!r}", f"cannot interpret the CRS {crs!r}: {exc}",
            value=crs, hint_zh="为栅格设置投影坐标系（如 EPSG:32650 或 CGCS2000 高斯投影）",
            hint_en="give the raster a CRS (e.g. EPSG:32650, or a CGCS2000 Gauss-Kruger projection)")) from None


def ellipsoid_band_area_m2(lat1_deg, lat2_deg, dlon_deg, semi_major_m=6378137.0, inv_flattening=298.257223563):
    r"""Exact area of a band of the ellipsoid between two latitudes.

    Parameters
    ----------
    lat1_deg, lat2_deg : numeric
        Latitudes bounding the band. [°]
    dlon_deg : numeric
        Longitude width. [°]
    semi_major_m : float
        Semi-major axis :math:`a` (WGS84 default). [m]
    inv_flattening : float
        Inverse flattening :math:`1/f` (WGS84 default). [1]

    Returns
    -------
    numeric
        Area. [m²]

    Notes
    -----
    With :math:`b = a(1-f)`, :math:`e^2 = f(2-f)`,

    .. math::

        A = \frac{b^2 \Delta\lambda}{2} \left| F(\varphi_2) - F(\varphi_1) \right|,\quad
        F(\varphi) = \frac{\sin\varphi}{1 - e^2 \sin^2\varphi} + \frac{\operatorname{artanh}(e \sin\varphi)}{e}

    (the authalic-latitude area formula; it tends to :math:`R^2 \Delta\lambda
    (\sin\varphi_2 - \sin\varphi_1)` for a sphere). A 1° × 1° cell at the
    equator on WGS84 is 12 308.46 km² (12 363.7 km² is that of the authalic sphere).

    References
    ----------
    .. [1] Snyder J P (1987). Map Projections — A Working Manual. USGS
       Professional Paper 1395, eq. 3-12 (q of the authalic latitude).
    """
    f = 1.0 / inv_flattening
    e2 = f * (2.0 - f)
    e = math.sqrt(e2)
    b = semi_major_m * (1.0 - f)

    def F(lat):
        s = np.sin(np.radians(lat))
        return s / (1.0 - e2 * s * s) + np.arctanh(e * s) / e

    return 0.5 * b * b * np.radians(np.abs(dlon_deg)) * np.abs(F(lat2_deg) - F(lat1_deg))


def pixel_area_m2(transform, crs, height, *, geodesic=False):
    r"""Area of the pixels of a raster: one number, or one per row.

    Parameters
    ----------
    transform : affine.Affine or sequence of 6 floats
        Pixel-to-CRS transform ``(a, b, c, d, e, f)`` (rasterio / rioxarray order).
    crs : str, int, rasterio.crs.CRS or pyproj.CRS
        Coordinate reference system of the raster.
    height : int
        Number of rows. [px]
    geodesic : bool, default False
        For a geographic CRS (degrees): compute the exact ellipsoidal area of
        each row. Without it, a geographic CRS is an error, so degrees² can
        never pass for m².

    Returns
    -------
    float or numpy.ndarray
        Projected CRS in metres: :math:`|a e - b d|` [m²]. Geographic CRS with
        ``geodesic=True``: array of length ``height``, the area of one pixel of
        each row [m²].

    Raises
    ------
    RasterError
        A CRS that is missing or unknown, projected in another unit than the
        metre (feet, …), geographic without ``geodesic=True``, or geographic
        and rotated.

    Notes
    -----
    Row *i* spans latitudes :math:`f + i e` to :math:`f + (i+1) e` and
    longitudes of width :math:`|a|`; its pixel area is
    :func:`ellipsoid_band_area_m2` on the CRS's own ellipsoid.
    """
    a, b, c, d, e, f = (float(v) for v in tuple(transform)[:6])
    if crs is None:
        raise RasterError(problem(
            "missing_crs", "栅格没有坐标参考系，无法计算像元面积", "the raster has no CRS, so pixel areas are unknown",
            hint_zh="用 rio.write_crs() 写入正确的坐标系", hint_en="set the right CRS with rio.write_crs()"))
    pcrs = _wgs84_like(crs)
    if pcrs.is_projected:
        units = {(ax.unit_name or "").lower() for ax in pcrs.axis_info}
        factors = {float(ax.unit_conversion_factor) for ax in pcrs.axis_info}
        if not units <= {"metre", "meter", "m"} or factors != {1.0}:
            raise RasterError(problem(
                "non_metre_crs",
                f"投影坐标系的单位是 {', '.join(sorted(units))}，不是米",
                f"the projected CRS is in {', '.join(sorted(units))}, not metres",
                value=pcrs.name,
                hint_zh="将栅格重投影到以米为单位的坐标系（如 UTM 或 CGCS2000 高斯投影）后再核算",
                hint_en="reproject the raster to a metre-based CRS (e.g. UTM or a CGCS2000 Gauss-Kruger zone)"))
        return abs(a * e - b * d)
    if pcrs.is_geographic:
        if not geodesic:
            raise RasterError(problem(
                "geographic_crs",
                f"栅格使用地理坐标系 {pcrs.name}（单位为度），像元面积不是常数",
                f"the raster is in the geographic CRS {pcrs.name} (degrees); pixels have no single area in m²",
                value=pcrs.name,
                hint_zh="传入 geodesic=True 按椭球逐行计算像元面积，或重投影到等积投影（如 Albers）",
                hint_en="pass geodesic=True to compute the ellipsoidal area of each row, or reproject to an equal-area CRS (e.g. Albers)"))
        if b != 0.0 or d != 0.0:
            raise RasterError(problem(
                "rotated_geographic", "地理坐标系下的旋转栅格无法按行计算面积",
                "a rotated raster in a geographic CRS has no per-row area",
                hint_zh="先重采样为南北向栅格", hint_en="resample it to a north-up grid first"))
        ax_units = {(ax.unit_name or "").lower() for ax in pcrs.axis_info}
        to_deg = 1.0
        if ax_units != {"degree"}:
            factor = float(pcrs.axis_info[0].unit_conversion_factor)  # radians per unit
            to_deg = math.degrees(factor)
        ell = pcrs.ellipsoid
        rows = np.arange(int(height) + 1, dtype=np.float64)
        lat = (f + rows * e) * to_deg
        inv_f = ell.inverse_flattening if ell.inverse_flattening else 1e300
        return ellipsoid_band_area_m2(lat[:-1], lat[1:], a * to_deg, ell.semi_major_metre, inv_f)
    raise RasterError(problem(
        "unsupported_crs", f"不支持的坐标参考系类型：{pcrs.name}", f"unsupported kind of CRS: {pcrs.name}",
        value=pcrs.name, hint_zh="使用以米为单位的投影坐标系", hint_en="use a projected CRS in metres"))


# ------------------------------------------------------------ blockwise engine
def _row_blocks(height, width):
    step = max(1, BLOCK_PIXELS // max(1, width))
    for r0 in range(0, height, step):
        yield r0, min(height, r0 + step)


def _reduce(block_fn, arrays, size, dtype):
    """Sum ``block_fn(*blocks, r0, r1)`` (flat length ``size``) over row blocks.

    numpy inputs: loop over row blocks. dask inputs: ``map_blocks`` per chunk
    (the chunk's row range comes from ``block_info``) then a tree sum.
    """
    if any(_is_dask(x) for x in arrays):
        import dask.array as da

        first = next(x for x in arrays if _is_dask(x))
        chunks = first.chunks
        darrs = []
        for x in arrays:
            x = x if _is_dask(x) else da.from_array(x, chunks=chunks)
            if x.chunks != chunks:
                x = x.rechunk(chunks)
            darrs.append(x)
        if darrs[0].ndim != 2:
            darrs = [x.reshape(1, -1) if x.ndim == 1 else x for x in darrs]
            chunks = darrs[0].chunks

        def per_chunk(*blocks, block_info=None):
            r0 = block_info[0]["array-location"][0][0]
            out = _numpy_reduce(block_fn, blocks, size, dtype, row_offset=r0)
            return out.reshape(1, 1, size)

        parts = da.map_blocks(
            per_chunk, *darrs, dtype=dtype, new_axis=[2],
            chunks=((1,) * len(chunks[0]), (1,) * len(chunks[1]), (size,)),
        )
        return parts.sum(axis=(0, 1))  # still lazy; caller computes
    return _numpy_reduce(block_fn, arrays, size, dtype)


def _numpy_reduce(block_fn, arrays, size, dtype, row_offset=0):
    """Sum ``block_fn`` over row blocks of in-memory arrays (rows numbered from ``row_offset``)."""
    arrs = [np.asarray(x) for x in arrays]
    if arrs[0].ndim != 2:
        arrs = [x.reshape(1, -1) for x in arrs]
    h, w = arrs[0].shape
    total = np.zeros(size, dtype=dtype)
    for r0, r1 in _row_blocks(h, w):
        total += block_fn(*(x[r0:r1] for x in arrs), row_offset + r0, row_offset + r1)
    return total


def _compute(x):
    return x.compute() if _is_dask(x) else x


def _row_weights(pixel_area, r0, r1, width):
    """Per-pixel weights of rows r0:r1 for a per-row area, else None."""
    if pixel_area is None or np.ndim(pixel_area) == 0:
        return None
    return np.repeat(np.asarray(pixel_area, dtype=np.float64)[r0:r1], width)


def _check_pixel_area(pixel_area, shape):
    if pixel_area is None or np.ndim(pixel_area) == 0:
        return
    pa = np.asarray(pixel_area)
    if pa.ndim != 1 or len(shape) != 2 or pa.shape[0] != shape[0]:
        raise RasterError(problem(
            "bad_pixel_area", f"逐行像元面积的长度 {pa.shape} 与栅格行数 {shape[:1]} 不符",
            f"per-row pixel_area of shape {pa.shape} does not match the raster's {shape[:1]} rows",
            hint_zh="用 pixel_area_m2(transform, crs, height) 计算", hint_en="compute it with pixel_area_m2(transform, crs, height)"))


def _out_of_range(kind, values, limit):
    vals = ", ".join(str(v) for v in values[:10])
    zh = "分类" if kind == "class" else "分区"
    return RasterError(problem(
        f"{kind}_out_of_range",
        f"{zh}栅格中有超出 0…{limit - 1} 的值：{vals}",
        f"the {kind} raster has values outside 0…{limit - 1}: {vals}",
        value=vals,
        hint_zh=f"增大 n_{'classes' if kind == 'class' else 'zones'}，或把这些值设为 nodata",
        hint_en=f"raise n_{'classes' if kind == 'class' else 'zones'}, or declare these values as nodata"))


# ------------------------------------------------------------ class area by zone
def _check_same_shape(arr, zones, kind_zh: str, kind_en: str) -> None:
    """A raster and the zone raster must have one shape (RasterError otherwise)."""
    if tuple(arr.shape) != tuple(zones.shape):
        raise RasterError(problem(
            "shape_mismatch", f"{kind_zh} {tuple(arr.shape)} 与分区栅格 {tuple(zones.shape)} 形状不同",
            f"{kind_en} {tuple(arr.shape)} and zone raster {tuple(zones.shape)} differ in shape",
            hint_zh="先对齐：配置 [rasters] 中写 align = true，或在 Python 中用 check_aligned(..., align=True)",
            hint_en="align them first: align = true in [rasters] of the config, or check_aligned(..., align=True) in "
                    "Python"))


def zonal_class_area(classes, zones, *, n_classes=None, n_zones=None, pixel_area=None,
                     nodata_class=None, nodata_zone=None, return_masked=False, class_values=None):
    r"""Pixel count (or area) of every class in every zone, in one pass.

    Parameters
    ----------
    classes : array_like of int, 2-D (rows, cols)
        Class raster (land-use codes 0 … n_classes−1). numpy or dask; xarray is
        unwrapped. Float rasters are accepted when their values are integral;
        NaN is nodata.
    zones : array_like of int, same shape
        Zone raster (region index 0 … n_zones−1).
    n_classes, n_zones : int, optional
        Number of classes / zones. When omitted, taken as largest value present
        + 1 (for uint8 rasters at no extra cost; otherwise one extra pass).
    pixel_area : float or 1-D array, optional
        Area of one pixel [m²], or of one pixel of each row (geodesic rows,
        :func:`pixel_area_m2`). Without it the result is a pixel count.
    nodata_class, nodata_zone : int, optional
        Values that mean "no data". Their pixels are excluded and counted.
    return_masked : bool, default False
        Also return the number (or area) of excluded pixels.
    class_values : sequence of int, optional
        Integer class rasters other than uint8: the values to count. The table's
        columns are then these values, in this order, and any other value that
        is not nodata is out of range. Sparse codes (GB/T 21010 runs to 1207
        with a few dozen used) keep a small table: with 2,000 zones a table of
        every code up to the largest would be 2.4 million bins per block.

    Returns
    -------
    numpy.ndarray, shape (n_zones, n_classes) or (n_zones, len(class_values))
        Pixel counts (int64) or areas (float64, [m²] when pixel_area is in m²).
    masked : int or float
        Only with ``return_masked``: pixels (or area) whose class or zone is
        nodata.

    Raises
    ------
    RasterError
        Shapes differ, a class or zone value is outside its declared range (and
        is not nodata), or ``pixel_area`` does not match the rows.

    Notes
    -----
    With :math:`k = z \cdot N_c + c`, the table is
    :math:`T_k = \sum_{p: k_p = k} w_p` (``np.bincount(k, weights=w)``) reshaped
    to (zone, class). For uint8 classes and zones the index is
    :math:`256 z + c` in uint16, so nodata and out-of-range values fall in their
    own bins and need no masking pass. Area conservation:
    ``T.sum() + masked == pixel count × pixel area``.
    """
    c_arr, z_arr = _as_array(classes), _as_array(zones)
    _check_same_shape(c_arr, z_arr, "分类栅格", "class raster")
    _check_pixel_area(pixel_area, tuple(c_arr.shape))
    weighted = pixel_area is not None and np.ndim(pixel_area) == 1
    dtype = np.float64 if weighted else np.int64

    u8 = c_arr.dtype == np.uint8 and z_arr.dtype == np.uint8
    if u8:
        NC, NZ = 256, 256

        def block(c, z, r0, r1):
            # 256·z + c, written straight into a reused index of np.bincount's own integer type: no index
            # array allocated per block, and none cast again inside np.bincount
            idx = _index_buffer(c.size)
            np.left_shift(z.ravel(), 8, out=idx, dtype=np.intp)
            np.bitwise_or(idx, c.ravel(), out=idx)
            w = _row_weights(pixel_area, r0, r1, c.shape[-1] if c.ndim == 2 else c.size)
            return np.bincount(idx, weights=w, minlength=NC * NZ).astype(dtype, copy=False)

        raw = _compute(_reduce(block, [c_arr, z_arr], NC * NZ, dtype)).reshape(NZ, NC)
        ndz = int(nodata_zone) if nodata_zone is not None and 0 <= int(nodata_zone) < 256 else None
        ndc = int(nodata_class) if nodata_class is not None and 0 <= int(nodata_class) < 256 else None
    else:
        dense = None
        if class_values is not None and np.issubdtype(c_arr.dtype, np.integer):
            values = np.asarray([int(v) for v in class_values], dtype=np.int64)
            if values.size and values.min() >= 0 and len(set(values.tolist())) == values.size:
                n_classes = values.size
                dense = np.full(int(values.max()) + 1, n_classes + 1, dtype=np.int64)  # value -> column
                dense[values] = np.arange(n_classes)
        if n_classes is None or n_zones is None:
            if n_classes is None:
                n_classes = _max_valid(c_arr, nodata_class) + 1
            if n_zones is None:
                n_zones = _max_valid(z_arr, nodata_zone) + 1
        nc, nz = int(n_classes), int(n_zones)
        NC, NZ = nc + 2, nz + 2  # extra bins: nodata, out of range

        def block(c, z, r0, r1):
            if dense is None:
                ci = _bin_index(c.ravel(), nc, nodata_class)
            else:
                ci = _dense_index(c.ravel(), dense, nc, nodata_class)
            zi = _bin_index(z.ravel(), nz, nodata_zone)
            idx = zi * NC + ci
            w = _row_weights(pixel_area, r0, r1, c.shape[-1] if c.ndim == 2 else c.size)
            return np.bincount(idx, weights=w, minlength=NC * NZ).astype(dtype, copy=False)

        raw = _compute(_reduce(block, [c_arr, z_arr], NC * NZ, dtype)).reshape(NZ, NC)
        ndz, ndc = nz, nc

    raw = raw.copy()
    masked = 0
    if ndz is not None:
        masked += raw[ndz].sum()
        raw[ndz] = 0
    if ndc is not None:
        masked += raw[:, ndc].sum()
        raw[:, ndc] = 0
    if u8:
        if n_classes is None:
            nzc = np.flatnonzero(raw.sum(axis=0))
            n_classes = int(nzc[-1]) + 1 if nzc.size else 0
        if n_zones is None:
            nzz = np.flatnonzero(raw.sum(axis=1))
            n_zones = int(nzz[-1]) + 1 if nzz.size else 0
        bad_c = np.flatnonzero(raw[:, int(n_classes):].sum(axis=0)) + int(n_classes)
        bad_z = np.flatnonzero(raw[int(n_zones):].sum(axis=1)) + int(n_zones)
        if bad_c.size:
            raise _out_of_range("class", bad_c.tolist(), int(n_classes))
        if bad_z.size:
            raise _out_of_range("zone", bad_z.tolist(), int(n_zones))
    else:
        if raw[:, -1].sum():
            raise _out_of_range("class", ["(values ≥ n_classes or < 0)"], int(n_classes))
        if raw[-1].sum():
            raise _out_of_range("zone", ["(values ≥ n_zones or < 0)"], int(n_zones))
    table = raw[: int(n_zones), : int(n_classes)]
    if pixel_area is not None and np.ndim(pixel_area) == 0:
        table = table * float(pixel_area)
        masked = masked * float(pixel_area)
    if return_masked:
        return table, (masked.item() if hasattr(masked, "item") else masked)
    return table


def _bin_index(x, n, nodata):
    """Map values to bins 0…n−1, nodata → n, anything else → n+1 (int64)."""
    if np.issubdtype(x.dtype, np.floating):
        nan = np.isnan(x)
        xi = np.where(nan, -1, x).astype(np.int64)
        frac = (xi != x) & ~nan
        idx = np.where((xi >= 0) & (xi < n) & ~frac, xi, n + 1)
        idx[nan] = n
    else:
        xi = x.astype(np.int64, copy=False)
        idx = np.where((xi >= 0) & (xi < n), xi, n + 1)
    if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
        idx[x == nodata] = n
    return idx


def _dense_index(x, dense, n, nodata):
    """Map integer values to columns through ``dense`` (value -> column 0…n−1, or n+1 when not
    listed); nodata -> n, values beyond ``dense`` -> n+1 (int64)."""
    xi = x.astype(np.int64, copy=False)
    inside = (xi >= 0) & (xi < dense.size)
    idx = dense[np.where(inside, xi, 0)]
    idx[~inside] = n + 1
    if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
        idx[x == nodata] = n
    return idx


def _max_valid(x, nodata):
    """Largest value that is not nodata (one extra pass).

    Nodata pixels are replaced by 0, not −1: in an unsigned raster −1 wraps to
    the dtype's maximum (65535 for uint16), which would size the table for
    every possible value. Negative values are out of range anyway.
    """
    floating = np.issubdtype(x.dtype, np.floating)
    if _is_dask(x):
        import dask.array as da

        plain = int((da.nanmax(x) if floating else x.max()).compute())
        if nodata is None or plain != nodata:
            return plain  # nodata is absent or below the maximum: no masked pass needed
        m = da.where(x == nodata, 0, x)
        return int((da.nanmax(m) if floating else m.max()).compute())
    plain = int(np.nanmax(x) if floating else x.max())
    if nodata is None or plain != nodata:
        return plain
    m = np.where(x == nodata, 0, x)
    return int(np.nanmax(m) if floating else m.max())


# --------------------------------------------------------------- zonal sums
class ZonalSum(NamedTuple):
    """Result of :func:`zonal_sum`.

    Attributes
    ----------
    sum : numpy.ndarray (n_zones,)
        Sum of valid values (× weight) per zone.
    count : numpy.ndarray (n_zones,)
        Number of valid pixels per zone.
    masked : numpy.ndarray (n_zones,)
        Pixels per zone whose value is NaN or nodata (excluded from the sum);
        with ``needed``, only the needed ones: the pixels a service lacks data for.
    outside : int
        Pixels whose zone is nodata (not in any zone).
    skipped : numpy.ndarray (n_zones,)
        With ``needed``: pixels per zone the quantity does not apply to (excluded,
        not missing). Zeros without ``needed``.
    """

    sum: np.ndarray
    count: np.ndarray
    masked: np.ndarray
    outside: int
    skipped: np.ndarray | None = None


def zonal_sum(values, zones, n_zones, weights=None, *, nodata_value=None, nodata_zone=None, needed=None):
    r"""Sum a per-pixel quantity by zone, counting what is masked.

    Parameters
    ----------
    values : array_like of float, 2-D
        Per-pixel quantity, e.g. soil retention [t/(hm²·a)] or water yield [mm].
        NaN (and ``nodata_value``) pixels are excluded and counted.
    zones : array_like of int, same shape
        Zone raster 0 … n_zones−1.
    n_zones : int
        Number of zones.
    weights : float, 1-D array or 2-D array, optional
        Multiplier per pixel: a scalar, a per-row array (e.g. pixel area in hm²
        per row, so t/(hm²·a) sums to t/a), or a full array of the raster shape.
    nodata_value : float, optional
        Value of ``values`` that means no data (besides NaN).
    nodata_zone : int, optional
        Value of ``zones`` that means outside every zone.
    needed : array_like, same shape, optional
        Where the quantity applies (true / non-zero, finite): elsewhere a pixel is
        *skipped*, not *masked*. So a NaN over a land use the service does not
        count is not a gap, and a NaN where it does count is.

    Returns
    -------
    ZonalSum
        ``sum``, ``count``, ``masked`` (and ``skipped``) per zone and the ``outside`` count.

    Raises
    ------
    RasterError
        Shapes differ, or a zone value is outside 0 … n_zones−1 and not nodata.

    Notes
    -----
    .. math:: S_z = \sum_{p \in z,\ v_p\ \text{valid}} v_p w_p

    Two bincounts over the index :math:`k = z + (n_z + 2) \cdot [v_p\ \text{masked}]`:
    one of ones (counts), one weighted by :math:`v w` (sums).
    """
    v_arr, z_arr = _as_array(values), _as_array(zones)
    _check_same_shape(v_arr, z_arr, "数值栅格", "value raster")
    nz = int(n_zones)
    K = nz + 2
    full_w = weights is not None and np.ndim(weights) == 2
    if weights is not None and np.ndim(weights) == 1:
        _check_pixel_area(weights, tuple(v_arr.shape))
    has_needed = needed is not None
    if has_needed:
        _check_same_shape(_as_array(needed), z_arr, "适用范围栅格", "needed mask")
    arrays = [v_arr, z_arr] + ([_as_array(weights)] if full_w else []) + ([_as_array(needed)] if has_needed else [])

    def block(v, z, *rest):
        *extra, r0, r1 = rest
        if has_needed:
            *w2, nd = extra
        else:
            w2, nd = extra, None
        vf = v.ravel().astype(np.float64, copy=False)
        bad = np.isnan(vf)
        if nodata_value is not None:
            bad |= vf == nodata_value
        zi = _bin_index(z.ravel(), nz, nodata_zone)
        state = bad.astype(np.int64)
        if nd is not None:
            ndf = nd.ravel()
            skip = ~(np.isfinite(ndf) & (ndf != 0)) if ndf.dtype.kind == "f" else ~ndf.astype(bool)
            state = np.where(skip, 2, state)
            bad = bad | skip
        key = zi + K * state
        if w2:
            w = w2[0].ravel().astype(np.float64, copy=False)
        else:
            w = _row_weights(weights, r0, r1, v.shape[-1] if v.ndim == 2 else v.size)
        contrib = np.where(bad, 0.0, vf if w is None else vf * w)
        counts = np.bincount(key, minlength=3 * K).astype(np.float64)
        sums = np.bincount(key, weights=contrib, minlength=3 * K)
        return np.concatenate([counts, sums])

    out = _compute(_reduce(block, arrays, 6 * K, np.float64))
    counts, sums = out[: 3 * K], out[3 * K:]
    if counts[nz + 1] + counts[K + nz + 1] + counts[2 * K + nz + 1]:
        raise _out_of_range("zone", ["(values ≥ n_zones or < 0)"], nz)
    total = sums[:nz]
    if weights is not None and np.ndim(weights) == 0:
        total = total * float(weights)
    return ZonalSum(
        sum=total,
        count=counts[:nz].astype(np.int64),
        masked=counts[K: K + nz].astype(np.int64),
        outside=int(counts[nz] + counts[K + nz] + counts[2 * K + nz]),
        skipped=counts[2 * K: 2 * K + nz].astype(np.int64),
    )

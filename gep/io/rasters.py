"""Reading, checking, accounting and writing rasters (rioxarray + dask).

* :func:`open_raster` opens one band lazily (``chunks=``) and insists on a
  declared nodata value, so a 0 or −9999 is never summed as data.
* :func:`check_aligned` compares CRS, transform and shape and names the raster
  that differs (or reprojects it onto the first with ``align=True``).
* :func:`class_area_by_zone` is the land-use account: hm² of every land-use
  code in every zone, built on :func:`gep.compute.zonal.zonal_class_area`.
* :func:`write_raster_chunked` writes a per-pixel map window by window.

GDAL's block cache is bounded to :data:`GDAL_CACHEMAX_MB` unless ``GDAL_CACHEMAX``
is set in the environment: GDAL's own default (5 % of RAM) fills up with the
decoded blocks of a large chunked raster and holds them to the end (1.2 GB of a
10⁹-pixel GeoTIFF pair on a 24 GB machine), in every worker process.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Sequence

import numpy as np
import xarray as xr

from ..compute.zonal import pixel_area_m2, zonal_class_area
from ..errors import InputFileError, RasterError, problem

__all__ = ["open_raster", "check_aligned", "class_area_by_zone", "write_raster_chunked"]

M2_PER_HM2 = 1e4

#: GDAL block cache in MB when the environment does not set GDAL_CACHEMAX (read by GDAL at its first
#: block read; worker processes started later inherit it). Tiles are read once, so a small cache costs nothing.
GDAL_CACHEMAX_MB = 256
os.environ.setdefault("GDAL_CACHEMAX", str(GDAL_CACHEMAX_MB))


def open_raster(path, chunks=None, *, nodata=None, masked=None, band=1) -> xr.DataArray:
    """Open one band of a raster file as a 2-D DataArray (y, x).

    Parameters
    ----------
    path : str or Path
        GeoTIFF (or any GDAL raster).
    chunks : int, tuple, dict or "auto", optional
        Dask chunks; ``None`` reads into memory. Chunks are read without a lock:
        each is decoded in its own file handle, in parallel on dask's threads.
    nodata : number, optional
        Nodata value to use when the file declares none. Required for such a
        file: without it a fill value (0, −9999…) would be counted as data.
    masked : bool, optional
        ``True``: nodata → NaN (float result). ``False``: keep the stored dtype
        and the nodata value in ``.rio.nodata``. Default: ``False`` for integer
        rasters (class maps stay uint8, 8× smaller than float64), ``True`` for
        float rasters.
    band : int, default 1
        Band to read (1-based).

    Returns
    -------
    xarray.DataArray
        Dimensions ``(y, x)``, with ``rio`` CRS, transform and nodata.

    Raises
    ------
    InputFileError
        The file does not exist or GDAL cannot read it.
    RasterError
        The file has no nodata value and none was given.
    """
    import rioxarray  # noqa: F401  (registers .rio)

    p = Path(path)
    if not p.is_file():
        raise InputFileError(problem(
            "file_not_found", f"找不到栅格文件 {p}", f"raster file not found: {p}", file=str(p),
            hint_zh="检查路径", hint_en="check the path"))
    if isinstance(chunks, (tuple, list)) and len(chunks) == 2:
        chunks = {"band": 1, "y": chunks[0], "x": chunks[1]}
    elif isinstance(chunks, int) and not isinstance(chunks, bool):
        chunks = {"band": 1, "y": chunks, "x": chunks}
    try:
        # chunked: no lock, so every dask thread (or worker) opens the file and decodes its own
        # chunks in parallel; closing that handle frees its blocks from GDAL's cache, so the cache
        # holds the chunks being read, not the whole file
        lock = False if chunks is not None else None
        da = rioxarray.open_rasterio(p, chunks=chunks, masked=False, lock=lock)
    except Exception as exc:
        raise InputFileError(problem(
            "unreadable_raster", f"无法读取栅格 {p}：{exc}", f"cannot read raster {p}: {exc}", file=str(p),
            hint_zh="确认文件是 GDAL 可读的栅格（如 GeoTIFF）", hint_en="check it is a raster GDAL can read (e.g. GeoTIFF)")) from None
    if not isinstance(da, xr.DataArray):  # a container of several subdatasets (NetCDF, HDF), not one raster
        raise InputFileError(problem(
            "unreadable_raster", f"{p.name} 含多个子数据集，不是单个栅格", f"{p.name} holds several subdatasets, not one raster",
            file=str(p), hint_zh="导出为单波段 GeoTIFF", hint_en="export it as a single-band GeoTIFF"))
    _check_size(da, p, in_memory=chunks is None, masked=masked)
    _check_blocks(p)
    if "band" in da.dims:
        if da.sizes["band"] > 1:
            da = da.sel(band=band, drop=True)
        else:
            band = int(da["band"].values[0])
            da = da.squeeze("band", drop=True)
    if chunks is not None:
        # the same chunks, each read straight from its window of the file: a single graph layer that dask
        # fuses with what is computed from it, so a chunk is read where it is used (no copy of the band
        # selection, and on a cluster no chunk sent from the worker that read it to the one that uses it)
        da = da.copy(data=_read_by_chunks(p, band, da))
    declared = da.rio.nodata
    if declared is None:
        if nodata is None:
            raise RasterError(problem(
                "missing_nodata", f"栅格 {p.name} 没有设置 nodata 值", f"raster {p.name} declares no nodata value",
                file=str(p),
                hint_zh=f"在文件中设置 nodata（随 rasterio 安装的命令：rio edit-info --nodata 值 {p.name}），或在 Python 中调用 "
                        "open_raster(..., nodata=值)；若确实没有无数据像元，也请设一个不出现的值",
                hint_en=f"set nodata in the file (with the command rasterio installs: rio edit-info --nodata VALUE {p.name}), or "
                        "pass open_raster(..., nodata=value) in Python; if every pixel is valid, use a value that never occurs"))
        da = da.rio.write_nodata(nodata)
    elif nodata is not None and not _same(nodata, declared):
        da = da.rio.write_nodata(nodata)
    is_float = np.issubdtype(da.dtype, np.floating)
    if masked is None:
        masked = is_float
    if chunks is None:  # read now, so a damaged file is reported here and not in the middle of an account
        try:
            da = da.load()
        except Exception as exc:
            raise _damaged(p, exc) from None
    if masked:
        nd = da.rio.nodata
        out = da.astype(np.float64) if not is_float else da
        if nd is not None and not (isinstance(nd, float) and np.isnan(nd)):
            out = out.where(da != nd)
        out = out.rio.write_nodata(np.nan, encoded=False)
        out.attrs["source_file"] = str(p)
        return out
    da.attrs["source_file"] = str(p)
    return da


class BandWindows:
    """One band of a raster file, read window by window: the source of a chunked raster's dask array.

    ``windows[rows, cols]`` (two slices) opens the file and reads that window
    of the band, so every chunk is decoded in its own file handle, without a
    lock, on whichever thread or worker computes it. It holds only the path and
    the band (cheap to send to a worker); its dask token includes the file's
    modification time and size, so a rewritten file is never taken for the old one.
    """

    ndim = 2

    def __init__(self, path, band: int, shape: tuple[int, int], dtype):
        self.path, self.band = str(path), int(band)
        self.shape, self.dtype = (int(shape[0]), int(shape[1])), np.dtype(dtype)
        #: the file as it was opened: a chunk read from a file changed since is an error, not a mix of versions
        self.stamp = _stamp(self.path)

    def __getitem__(self, key) -> np.ndarray:
        """The band indexed by ``key``, as numpy would index the whole band.

        A chunk (two slices of step 1) is read as its window. Anything else dask
        may ask for once it folds a later selection into the read (a step, a
        reversed slice, a list of positions, a single row or column) is read as
        the window that bounds it and indexed in memory.
        """
        key = key if isinstance(key, tuple) else (key,)
        if len(key) > 2 or any(k is Ellipsis or k is None for k in key):
            raise IndexError(f"BandWindows takes (rows, columns), not {key!r}")
        key = key + (slice(None),) * (2 - len(key))
        if all(isinstance(k, slice) and k.step in (None, 1) for k in key):
            (r0, r1, _), (c0, c1, _) = (k.indices(n) for k, n in zip(key, self.shape))
            return self._read(r0, max(r0, r1), c0, max(c0, c1))
        if sum(not isinstance(k, slice) and np.ndim(k) > 0 for k in key) > 1:
            raise IndexError("BandWindows takes a list of positions on one axis at a time")  # numpy would pair them
        # the positions asked for, on each axis, as numpy finds them (negative, stepped, listed, single)
        rows, cols = (np.arange(n)[k] for k, n in zip(key, self.shape))
        if np.size(rows) == 0 or np.size(cols) == 0:
            return np.empty(np.shape(rows) + np.shape(cols), dtype=self.dtype)
        r0, c0 = int(np.min(rows)), int(np.min(cols))
        window = self._read(r0, int(np.max(rows)) + 1, c0, int(np.max(cols)) + 1)
        return window[np.ix_(np.atleast_1d(rows) - r0, np.atleast_1d(cols) - c0)].reshape(
            np.shape(rows) + np.shape(cols))

    def _read(self, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
        """Rows r0:r1 and columns c0:c1 of the band, read from the file."""
        import rasterio
        from rasterio.windows import Window

        if _stamp(self.path) != self.stamp:
            raise InputFileError(problem(
                "raster_changed", f"栅格 {self.path} 在读取过程中被修改或替换", f"raster {self.path} changed while it was read",
                file=self.path, hint_zh="等文件写完后重新运行（不要在核算运行时覆盖输入）",
                hint_en="run again once the file is complete (do not overwrite inputs while an account runs)"))
        with rasterio.open(self.path) as src:
            return src.read(self.band, window=Window(c0, r0, c1 - c0, r1 - r0))

    def __dask_tokenize__(self):
        return ("gep.io.rasters.BandWindows", self.path, self.band, *self.stamp)


def _stamp(path: str) -> tuple[int, int]:
    """Modification time (ns) and size of a file."""
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def _read_by_chunks(path: Path, band: int, da: xr.DataArray):
    """A dask array of ``da``'s chunks, each read from its window of band ``band`` of ``path``."""
    import dask.array as dsa

    source = BandWindows(path, band, da.shape, da.dtype)
    return dsa.from_array(source, chunks=da.data.chunks, lock=False, inline_array=True,
                          meta=np.empty((0, 0), dtype=da.dtype))


def _damaged(p: Path, exc: Exception) -> InputFileError:
    cause = exc.__cause__ or exc.__context__
    detail = str(cause or exc).strip().splitlines()[0][:160] if str(cause or exc).strip() else type(exc).__name__
    return InputFileError(problem(
        "damaged_raster", f"栅格 {p.name} 的像元数据无法读取（文件损坏或不完整）：{detail}",
        f"the pixel data of raster {p.name} cannot be read (the file is damaged or incomplete): {detail}",
        file=str(p), hint_zh="重新复制或导出该文件", hint_en="copy or export the file again"))


def _check_size(da: xr.DataArray, p: Path, *, in_memory: bool, masked) -> None:
    """Refuse a raster above ``[limits] max_raster_pixels``, or too large for memory when read into it."""
    from . import limits

    lim = limits.current()
    pixels = int(da.sizes.get("y", 1)) * int(da.sizes.get("x", 1))
    bands = int(da.sizes.get("band", 1))
    if pixels > lim.max_raster_pixels:
        raise RasterError(problem(
            "raster_too_large", f"栅格 {p.name} 有 {pixels:,} 个像元，超过上限 {lim.max_raster_pixels:,}",
            f"raster {p.name} has {pixels:,} pixels, above the limit of {lim.max_raster_pixels:,}", file=str(p),
            hint_zh="确认文件头中的行列数正确；确需处理时在配置 [limits] 中提高 max_raster_pixels",
            hint_en="check the width and height in its header; if they are right, raise max_raster_pixels in the config's [limits]"))
    if not in_memory:
        return
    available = limits.available_memory_bytes()
    itemsize = np.dtype(da.dtype).itemsize
    as_float = masked or (masked is None and np.issubdtype(da.dtype, np.floating))
    need = pixels * bands * itemsize + (pixels * 8 if as_float else 0)  # the band(s) read, and the float64 copy
    if available is not None and need > lim.max_memory_share * available:
        raise RasterError(problem(
            "raster_too_large_for_memory",
            f"栅格 {p.name} 读入内存约需 {need / 1e9:,.2f} GB，超过可用内存 {available / 1e9:,.2f} GB 的 {lim.max_memory_share:.0%}",
            f"reading raster {p.name} into memory needs about {need / 1e9:,.2f} GB, more than "
            f"{lim.max_memory_share:.0%} of the {available / 1e9:,.2f} GB available", file=str(p),
            hint_zh="在 [rasters] 中设置 chunks = 4096（或删除 chunks = false），分块读取",
            hint_en="set chunks = 4096 in [rasters] (or remove chunks = false) to read it in blocks"))


#: above this many blocks, a GeoTIFF's block table is not checked (2 µs a block: one second)
MAX_BLOCKS_CHECKED = 500_000


def _check_blocks(p: Path) -> None:
    """A GeoTIFF whose blocks point past the end of the file is truncated: say so before reading it.

    Reads only the block table (offset and size of each tile or strip), never the pixels.
    """
    import rasterio

    try:
        src = rasterio.open(p)
    except Exception:  # pragma: no cover - open_rasterio has already opened it
        return
    with src:
        if src.driver != "GTiff":
            return
        size = p.stat().st_size
        bands = [1] if src.interleaving is not None and src.interleaving.value == "PIXEL" else range(1, src.count + 1)
        for b in bands:
            bh, bw = src.block_shapes[b - 1]
            rows, cols = -(-src.height // bh), -(-src.width // bw)
            if rows * cols * len(bands) > MAX_BLOCKS_CHECKED:
                return
            for yi in range(rows):
                for xi in range(cols):
                    off = src.get_tag_item(f"BLOCK_OFFSET_{xi}_{yi}", "TIFF", bidx=b)
                    n = src.get_tag_item(f"BLOCK_SIZE_{xi}_{yi}", "TIFF", bidx=b)
                    if off is None or n is None:
                        return  # this GDAL does not expose the block table
                    end = int(off) + int(n)
                    if int(n) and end > size:
                        raise InputFileError(problem(
                            "truncated_raster",
                            f"栅格 {p.name} 不完整：文件长 {size:,} 字节，数据块 ({yi}, {xi}) 需读到第 {end:,} 字节",
                            f"raster {p.name} is truncated: the file has {size:,} bytes, block ({yi}, {xi}) "
                            f"needs {end:,}", file=str(p),
                            hint_zh="文件可能未复制或下载完整，请重新复制或导出",
                            hint_en="the copy or download may have stopped early: copy or export it again"))


def _same(a, b) -> bool:
    try:
        return float(a) == float(b) or (np.isnan(float(a)) and np.isnan(float(b)))
    except (TypeError, ValueError):
        return False


def check_aligned(*arrays: xr.DataArray, names: Sequence[str] | None = None, align: bool = False,
                  resampling: str = "nearest") -> list[xr.DataArray]:
    """Check that rasters share CRS, transform and shape.

    Parameters
    ----------
    *arrays : xarray.DataArray
        Rasters with ``rio`` metadata; the first is the reference.
    names : sequence of str, optional
        Names for the messages (default: ``source_file`` attr, else position).
    align : bool, default False
        Reproject every differing raster onto the first
        (``rio.reproject_match``) instead of raising.
    resampling : str, default "nearest"
        Resampling used with ``align=True`` (nearest keeps class codes).

    Returns
    -------
    list of xarray.DataArray
        The rasters (reprojected where needed when ``align=True``).

    Raises
    ------
    RasterError
        One problem per raster that differs, naming what differs.
    """
    import rioxarray  # noqa: F401
    from rasterio.enums import Resampling

    if not arrays:
        return []
    if names is None:
        names = [a.attrs.get("source_file", f"raster {i + 1}") for i, a in enumerate(arrays)]
    ref = arrays[0]
    ref_crs, ref_tr, ref_shape = ref.rio.crs, ref.rio.transform(), ref.shape[-2:]
    out, problems = [ref], []
    for name, a in zip(names[1:], arrays[1:]):
        diffs = []
        if a.rio.crs != ref_crs:
            diffs.append(("CRS", "坐标系", str(a.rio.crs), str(ref_crs)))
        if not a.rio.transform().almost_equals(ref_tr, precision=1e-9 * max(1.0, abs(ref_tr.a))):
            diffs.append(("transform", "仿射变换", tuple(a.rio.transform())[:6], tuple(ref_tr)[:6]))
        if a.shape[-2:] != ref_shape:
            diffs.append(("shape", "形状", tuple(a.shape[-2:]), tuple(ref_shape)))
        if not diffs:
            out.append(a)
            continue
        if align:
            out.append(a.rio.reproject_match(ref, resampling=getattr(Resampling, resampling)))
            continue
        problems.append(problem(
            "rasters_not_aligned",
            f"栅格 {name} 与 {names[0]} 的" + "、".join(d[1] for d in diffs) + "不同："
            + "; ".join(f"{d[1]} {d[2]} ≠ {d[3]}" for d in diffs),
            f"raster {name} differs from {names[0]} in " + ", ".join(d[0] for d in diffs) + ": "
            + "; ".join(f"{d[0]} {d[2]} != {d[3]}" for d in diffs),
            file=str(name),
            hint_zh="在配置的 [rasters] 中写 align = true（Python 中为 align=True），重投影到土地利用栅格的网格；或在 GIS 中统一网格",
            hint_en="write align = true in [rasters] of the config (align=True in Python) to reproject onto the land-use "
                    "grid, or put them on one grid in a GIS"))
    if problems:
        raise RasterError(problems)
    return out


def class_area_by_zone(land_use: xr.DataArray, zones: xr.DataArray, classes: Sequence[int] | None = None, *,
                       geodesic: bool = False, align: bool = False, n_zones: int | None = None) -> xr.DataArray:
    """Area of every land-use code in every zone, in hm².

    Parameters
    ----------
    land_use : xarray.DataArray
        Land-use code raster (integer), from :func:`open_raster` (numpy or dask).
    zones : xarray.DataArray
        Zone raster (integer zone index 0…n−1, e.g. townships), same grid.
    classes : sequence of int, optional
        Codes to report (columns); codes present but not listed raise an error.
        Default: every code present.
    geodesic : bool, default False
        Allow a geographic CRS, with exact per-row ellipsoidal pixel areas.
    align : bool, default False
        Reproject ``zones`` onto the land-use grid when they differ.
    n_zones : int, optional
        Number of zones (rows 0 … n_zones−1; a zone value beyond raises). Default:
        the largest zone present + 1, which costs a pass over a non-uint8 zone raster.

    Returns
    -------
    xarray.DataArray
        Dimensions ``(zone, land_use)``, in hm² (``attrs["units"]``); attrs
        also hold ``nodata_area_hm2`` (area with nodata land use or zone).

    Raises
    ------
    RasterError
        Misaligned rasters, a CRS without metres, a code outside ``classes``.
    """
    land_use, zones = check_aligned(land_use, zones, names=["land_use", "zones"], align=align)
    area = pixel_area_m2(land_use.rio.transform(), land_use.rio.crs, land_use.shape[-2], geodesic=geodesic)
    nodata_c, nodata_z = land_use.rio.nodata, zones.rio.nodata
    n_classes = None
    dense = False
    if classes is not None:
        classes = [int(c) for c in classes]
        n_classes = max(classes) + 1
        # a land-use raster that is not uint8 is counted in the columns of `classes` only (GB/T 21010
        # codes run to 1207): a small table, however many zones. Pixel counts only (one pixel area):
        # with per-row areas the sums of the nodata row would be added in another grouping
        dense = land_use.dtype != np.uint8 and np.issubdtype(land_use.dtype, np.integer) \
            and min(classes) >= 0 and len(set(classes)) == len(classes) and np.ndim(area) == 0
    table = None
    if dense:
        try:
            table, masked = zonal_class_area(
                land_use.data, zones.data, n_zones=n_zones, pixel_area=area, nodata_class=nodata_c,
                nodata_zone=nodata_z, return_masked=True, class_values=classes)
        except RasterError as exc:
            if not any(p.code == "class_out_of_range" for p in exc.problems):
                raise
            table = None  # a code not in `classes`: counted below in full, to name it
    if table is None:
        dense = False
        table, masked = zonal_class_area(
            land_use.data, zones.data, n_classes=n_classes, n_zones=n_zones, pixel_area=area,
            nodata_class=nodata_c, nodata_zone=nodata_z, return_masked=True)
    table = np.asarray(table, dtype=np.float64) / M2_PER_HM2
    masked = float(masked) / M2_PER_HM2
    if dense:
        codes = classes
    elif classes is None:
        present = np.flatnonzero(table.sum(axis=0))
        codes = [int(c) for c in present]
    else:
        extra = sorted(set(np.flatnonzero(table.sum(axis=0)).tolist()) - set(classes))
        if extra:
            raise RasterError(problem(
                "unlisted_land_use_code", f"土地利用栅格中有未列出的代码：{extra}",
                f"the land-use raster has codes that are not in `classes`: {extra}", value=extra,
                hint_zh="把这些代码加入 classes，或在栅格中设为 nodata",
                hint_en="add them to `classes`, or set them to nodata in the raster"))
        codes = classes
    out = xr.DataArray(
        table if dense else table[:, codes], dims=("zone", "land_use"),
        coords={"zone": np.arange(table.shape[0]), "land_use": codes},
        name="area",
        attrs={"units": "hm²", "nodata_area_hm2": masked,
               "long_name": "land-use area by zone", "long_name_zh": "分区土地利用面积"},
    )
    return out


def write_raster_chunked(da: xr.DataArray, path, *, compress: str = "deflate", **kwargs) -> Path:
    """Write a per-pixel map as a tiled GeoTIFF, window by window.

    Parameters
    ----------
    da : xarray.DataArray
        2-D raster with ``rio`` CRS and transform; numpy or dask. A dask array
        is computed chunk by chunk and each chunk written as it is ready, so
        the whole map is never held in memory.
    path : str or Path
        Output file.
    compress : str, default "deflate"
        GeoTIFF compression.
    **kwargs
        Passed to ``rio.to_raster`` (e.g. ``blockxsize``).

    Returns
    -------
    Path
    """
    import rioxarray  # noqa: F401

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    opts = dict(tiled=True, compress=compress, windowed=True)
    opts.update(kwargs)
    if hasattr(da.data, "dask"):
        opts.pop("windowed", None)
        opts.setdefault("lock", threading.Lock())
    da.rio.to_raster(p, **opts)
    return p

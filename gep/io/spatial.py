"""The raster inputs of an account (tier 3), and their reduction by zone.

Config (``[rasters]``)::

    [rasters]
    land_use = "rasters/land_use.tif"    # integer land-use codes of the scheme
    zones = "rasters/townships.tif"      # integer zone numbers
    zone_ids = "rasters/zones.csv"       # columns zone, region
    code_format = "{:04d}"               # raster value -> scheme code (GB/T 21010: 101 -> "0101")
    precipitation = "rasters/precip.tif" # any other layer by name
    chunks = 1024                        # dask chunks; default "auto": in memory up to 16 M px, 4096² chunks above
    geodesic = false                     # allow geographic CRS (exact per-row areas)
    align = false                        # reproject layers onto the land-use grid

Areas by region × ecosystem come from one pass over the land-use and zone
rasters (:func:`gep.io.rasters.class_area_by_zone`); per-pixel models are summed
by zone with :func:`gep.compute.zonal.zonal_sum`. Every layer must share the
land-use grid unless ``align = true``; nodata pixels are masked and counted.

On loading, every per-pixel layer is checked against a plausible range in its
canonical unit (:data:`LAYER_RANGES`): a negative precipitation, or a soil
erodibility K above 0.2 t·hm²·h/(hm²·MJ·mm) (a K in US customary units that
was not multiplied by 0.1317), is a :class:`~gep.errors.RasterError` naming
the layer, not a silently wrong account.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ..errors import ConfigError, RasterError, csv_row, problem

__all__ = ["RasterInputs", "load_rasters", "check_ranges", "land_use_rows_from_rasters", "LAYER_UNITS",
           "DERIVABLE_LAYER_UNITS", "LAYER_RANGES", "LAYER_FLOOR_KEYS"]

#: canonical unit of each named per-pixel layer
LAYER_UNITS = {
    "precipitation": "mm",
    "evapotranspiration": "mm",
    "rainfall_erosivity": "MJ·mm/(hm²·h·a)",
    "soil_erodibility": "t·hm²·h/(hm²·MJ·mm)",
    "ls_factor": "1",
    "npp": "t/(hm²·a)",
    "weather_factor": "1",
    "erodible_fraction": "1",
    "crust_factor": "1",
    "roughness_factor": "1",
    "vegetation_factor": "1",
    "downwind_length": "m",
}

#: layers that may be given as rasters or, when not given, are derived from the land-use raster
#: through a coefficient by ecosystem type (:data:`gep.services.spatial.LOOKUP_LAYERS`)
DERIVABLE_LAYER_UNITS = {"runoff_coefficient": "1", "rusle_c": "1", "rusle_p": "1"}

CONTROL_KEYS = {"land_use", "zones", "zone_ids", "zone_id_field", "code_format", "chunks", "geodesic", "align",
                "status", "max_missing", "fill", "nodata"}

#: plausible range of each per-pixel layer in its canonical unit (LAYER_UNITS), and what to check when a
#: value falls outside: (low, high, hint_zh, hint_en). ``None``: no bound on that side.
LAYER_RANGES = {
    "precipitation": (0.0, 12000.0,
                      "年降水量超过世界纪录（约 12 000 mm）：栅格是否以 0.1 mm 为单位（应除以 10），或是多年之和？",
                      "annual precipitation above the world record (about 12 000 mm): is the raster in 0.1 mm "
                      "(divide by 10), or a sum over several years?"),
    "evapotranspiration": (0.0, 3000.0,
                           "年蒸散量超过 3000 mm：栅格是否带比例因子（如 MOD16 以 0.1 mm 存储）？",
                           "annual evapotranspiration above 3000 mm: does the raster carry a scale factor "
                           "(MOD16 stores 0.1 mm)?"),
    "rainfall_erosivity": (0.0, 60000.0,
                           "R 应以 MJ·mm/(hm²·h·a) 为单位（中国各地约 500–30 000）；以 J 或 0.01 为单位的数据需换算，"
                           "美制单位 (hundreds of ft·tonf·in/(ac·h·a)) 需乘以 17.02",
                           "R must be in MJ·mm/(hm²·h·a) (about 500–30 000 across China); convert data in J or in "
                           "0.01 units, and multiply US customary R (hundreds of ft·tonf·in/(ac·h·a)) by 17.02"),
    "soil_erodibility": (0.0, 0.2,
                         "K 应以 t·hm²·h/(hm²·MJ·mm) 为单位，常见值 0.001–0.09；美制单位 (t·ac·h/(100·ac·ft·tonf·in)) "
                         "的 K 需乘以 0.1317",
                         "K must be in t·hm²·h/(hm²·MJ·mm), usually 0.001–0.09; a K in US customary units "
                         "(t·ac·h/(100·ac·ft·tonf·in)) must be multiplied by 0.1317"),
    "ls_factor": (0.0, 1000.0, "LS 是无量纲因子，不能为负，也不会上千：检查计算或比例因子",
                  "LS is a dimensionless factor, never negative and never in the thousands: check how it was "
                  "computed, or a scale factor"),
    "npp": (0.0, 100.0,
            "NPP 应为干物质 t/(hm²·a)（森林约 5–30）；若为 g C/(m²·a)，干物质 t/(hm²·a) = g C/(m²·a) × 0.01 ÷ 含碳率（约 0.45）",
            "NPP must be dry matter in t/(hm²·a) (forests about 5–30); from g C/(m²·a): "
            "t/(hm²·a) = g C/(m²·a) × 0.01 / carbon fraction (about 0.45)"),
    "weather_factor": (0.0, None, "气象因子不能为负", "the weather factor cannot be negative"),
    "downwind_length": (0.0, None, "下风向距离不能为负", "the downwind length cannot be negative"),
    **{name: (0.0, 1.0, "该因子是 0–1 之间的比例；若以百分数给出，请除以 100",
              "this factor is a fraction in [0, 1]; if it is in percent, divide by 100")
       for name in ("erodible_fraction", "crust_factor", "roughness_factor", "vegetation_factor",
                    "runoff_coefficient", "rusle_c", "rusle_p")},
}


#: the coefficient key whose declared floor (``typical_min`` in ``gep/data/keys/*.toml``, with its basis) a
#: per-pixel layer shares: most of a layer's pixels (with data, above 0) below it is a unit slip towards small
LAYER_FLOOR_KEYS = {"npp": "rate.npp", "evapotranspiration": "rate.evapotranspiration",
                    "rainfall_erosivity": "soil.rainfall_erosivity"}


class RasterInputs:
    """Opened raster layers on one grid, with zone → region mapping."""

    def __init__(self, layers: dict[str, xr.DataArray], zone_region: dict[int, str], code_format: str,
                 geodesic: bool, files: dict[str, Path], coverage=None, warnings: list | None = None):
        self.layers = layers
        #: polygon zones (:class:`gep.io.zones.Coverage`) instead of a zone raster, or None
        self.coverage = coverage
        self.zone_region = zone_region
        self.code_format = code_format
        self.geodesic = geodesic
        self.files = files
        #: warnings of the layers' values (:func:`check_ranges`): most pixels below their floor
        self.warnings: list = list(warnings or [])

    @property
    def land_use(self) -> xr.DataArray:
        return self.layers["land_use"]

    @property
    def zones(self) -> xr.DataArray:
        return self.layers["zones"]

    def pixel_area_m2(self):
        from ..compute.zonal import pixel_area_m2

        lu = self.land_use
        return pixel_area_m2(lu.rio.transform(), lu.rio.crs, lu.shape[-2], geodesic=self.geodesic)


def load_rasters(cfg: dict, base: Path, regions: list[str], file: str = "config", *,
                 floors: dict | None = None) -> RasterInputs:
    """Open and check every raster named in ``[rasters]`` (``floors``: as :func:`check_ranges` takes them)."""
    from .rasters import check_aligned
    from .tables import read_csv_checked

    from .boundaries import is_vector

    polygons = is_vector(cfg.get("zones"))  # township polygons instead of a zone raster (gep.io.zones)
    for key in ("land_use", "zones") + (() if polygons else ("zone_ids",)):
        if key not in cfg:
            raise ConfigError(problem("missing_config_key", f"[rasters] 缺少 {key}", f"[rasters] has no {key}",
                                      file=file, column=f"rasters.{key}"))
    chunks = cfg.get("chunks", "auto")
    if chunks is False:
        chunks = None  # in memory, whatever the size
    elif chunks == "auto":
        chunks = _auto_chunks(base / cfg["land_use"] if not Path(cfg["land_use"]).is_absolute() else Path(cfg["land_use"]))
    nodata = nodata_of_layers(cfg, file)
    files = {}
    layers = {}
    for name, rel in cfg.items():
        if name in CONTROL_KEYS - {"land_use", "zones"} or (name == "zones" and polygons):
            continue
        if name not in LAYER_UNITS and name not in ("land_use", "zones") and name not in DERIVABLE_LAYER_UNITS:
            raise ConfigError(problem(
                "unknown_raster_layer", f"未知的栅格图层 {name!r}", f"unknown raster layer {name!r}", file=file,
                column=f"rasters.{name}",
                hint_zh=f"可用图层：land_use, zones, {', '.join(LAYER_UNITS)}",
                hint_en=f"known layers: land_use, zones, {', '.join(LAYER_UNITS)}"))
        path = Path(rel) if Path(rel).is_absolute() else base / rel
        files[name] = path
        layers[name] = _open_layer(path, chunks, name, nodata.get(name))
    # land use first: it is the reference grid (align = true reprojects the others onto it)
    names = ["land_use"] + ([] if polygons else ["zones"]) + [n for n in layers if n not in ("land_use", "zones")]
    aligned = check_aligned(*[layers[n] for n in names], names=names, align=bool(cfg.get("align", False)))
    layers = dict(zip(names, aligned))
    lu = layers["land_use"]
    try:  # a CRS whose pixels have no area in m² fails here, before any service runs
        from ..compute.zonal import pixel_area_m2

        pixel_area_m2(lu.rio.transform(), lu.rio.crs, lu.shape[-2], geodesic=bool(cfg.get("geodesic", False)))
    except RasterError as exc:
        raise RasterError([replace(p, file=p.file or str(files["land_use"])) for p in exc.problems]) from None
    warnings = check_ranges(layers, files, floors)
    if polygons:
        from .zones import polygon_coverage

        zpath = Path(cfg["zones"]) if Path(cfg["zones"]).is_absolute() else base / cfg["zones"]
        files["zones"] = zpath
        cov = polygon_coverage(zpath, cfg.get("zone_id_field", "region"), lu, files["land_use"], list(regions))
        return RasterInputs(layers, dict(enumerate(cov.regions)), cfg.get("code_format", "{:04d}"),
                            bool(cfg.get("geodesic", False)), files, coverage=cov, warnings=warnings)
    ids = read_csv_checked(base / cfg["zone_ids"], required=["zone", "region"], optional=["note"])
    zone_region = {}
    probs = []
    known = set(regions)
    for i, zone_value, region in zip(ids.index, ids["zone"], ids["region"]):
        try:
            zone = float(zone_value)
            if zone != int(zone):
                raise ValueError
        except (ValueError, TypeError, OverflowError):
            probs.append(problem("bad_zone", f"分区号应为整数：{str(zone_value)[:40]!r}",
                                 f"the zone must be a whole number: {str(zone_value)[:40]!r}",
                                 file=str(base / cfg["zone_ids"]), row=csv_row(i), column="zone",
                                 value=str(zone_value)[:40]))
            continue
        if str(region) not in known:
            probs.append(problem("zone_region_unknown", f"分区表中的地区 {region!r} 不是核算地区",
                                 f"region {region!r} of the zone table is not a region of the account",
                                 file=str(base / cfg["zone_ids"]), row=csv_row(i), column="region", value=region))
        zone_region[int(zone)] = str(region)
    missing = sorted(set(regions) - set(zone_region.values()))
    if missing:
        probs.append(problem("region_without_zone", f"以下地区在分区栅格中没有对应分区：{missing}",
                             f"these regions have no zone in the zone raster: {missing}",
                             file=str(base / cfg["zone_ids"]), value=missing))
    if probs:
        raise RasterError(probs)
    return RasterInputs(layers, zone_region, cfg.get("code_format", "{:04d}"), bool(cfg.get("geodesic", False)), files,
                        warnings=warnings)


def nodata_of_layers(cfg: dict, file: str = "config") -> dict[str, float]:
    """``[rasters] nodata = {layer = value}``: the nodata value of layers whose file declares none.

    Raises
    ------
    ConfigError
        A layer that is not one of ``[rasters]``, or a value that is not a number.
    """
    given = cfg.get("nodata")
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise ConfigError(problem(
            "bad_nodata", "[rasters] nodata 应为按图层的表，如 nodata = { precipitation = -9999 }",
            "[rasters] nodata must be a table by layer, e.g. nodata = { precipitation = -9999 }", file=file,
            column="rasters.nodata", value=str(given)[:40]))
    layers = [k for k in cfg if k not in CONTROL_KEYS or k in ("land_use", "zones")]
    probs, out = [], {}
    for name, value in given.items():
        if name not in layers:
            probs.append(problem(
                "unknown_raster_layer", f"[rasters] nodata 中的 {name!r} 不是 [rasters] 给出的图层",
                f"{name!r} in [rasters] nodata is not a layer given in [rasters]", file=file,
                column=f"rasters.nodata.{name}", value=name,
                hint_zh=f"给出的图层：{', '.join(layers)}", hint_en=f"layers given: {', '.join(layers)}"))
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            probs.append(problem(
                "bad_nodata", f"图层 {name} 的 nodata 应为数字，实为 {value!r}",
                f"the nodata value of layer {name} must be a number, not {value!r}", file=file,
                column=f"rasters.nodata.{name}", value=str(value)[:40],
                hint_zh="写成数字，如 -9999、255 或 nan", hint_en="write a number, e.g. -9999, 255 or nan"))
        else:
            out[name] = value
    if probs:
        raise ConfigError(probs)
    return out


def _open_layer(path: Path, chunks, name: str, nodata) -> xr.DataArray:
    """One layer of ``[rasters]``: its file's own nodata, or ``[rasters] nodata`` when the file declares none.

    A file that declares another nodata value than the config is refused (``raster_nodata_conflict``):
    one of the two would be counted as data. A file that declares none, with no value in the config, is
    ``missing_nodata``, with the config key that fixes it in the hint.
    """
    from .rasters import _same, open_raster

    if nodata is None:
        try:
            return open_raster(path, chunks=chunks)
        except RasterError as exc:
            if [p.code for p in exc.problems] != ["missing_nodata"]:
                raise
            p = exc.problems[0]
            raise RasterError(replace(
                p, column=f"rasters.{name}",
                hint_zh=f"在配置中写 [rasters] nodata = {{ {name} = 值 }}（文件中表示无数据的值），" + p.hint_zh,
                hint_en=f"write [rasters] nodata = {{ {name} = VALUE }} in the config (the value that means no data in "
                        f"the file), or " + p.hint_en)) from None
    declared = _declared_nodata(path)
    if declared is not None and not _same(nodata, declared):
        raise RasterError(problem(
            "raster_nodata_conflict",
            f"栅格 {path.name} 自身声明的 nodata 为 {declared:g}，配置 [rasters] nodata 给出 {nodata:g}",
            f"raster {path.name} declares nodata {declared:g}; [rasters] nodata gives {nodata:g}",
            file=str(path), column=f"rasters.nodata.{name}", value=nodata,
            hint_zh="每个图层只有一个 nodata 值：删去配置中的值，或把文件中的无数据像元改为同一个值后重设文件的 nodata",
            hint_en="a layer has one nodata value: remove the config's, or give the file's no-data pixels one value "
                    "and set the file's nodata to it"))
    return open_raster(path, chunks=chunks, nodata=nodata)


def _declared_nodata(path: Path):
    """The nodata value the raster file declares, or None (none declared, or a file GDAL cannot open:
    :func:`~gep.io.rasters.open_raster` then names what is wrong)."""
    import rasterio

    try:
        with rasterio.open(path) as src:
            return src.nodata
    except (rasterio.errors.RasterioIOError, OSError):
        return None


def check_ranges(layers: dict[str, xr.DataArray], files: dict[str, Path] | None = None,
                 floors: dict | None = None) -> list:
    """Raise :class:`RasterError` for every layer with values outside :data:`LAYER_RANGES`; return the warnings
    of the layers most of whose pixels above 0 are below their floor (a unit slip towards small). ``floors``:
    layer -> ``(floor, basis_zh, basis_en)`` in the layer's unit, the declared floors of the keys of
    :data:`LAYER_FLOOR_KEYS` (the account gives them: :mod:`gep.io` does not read the key declarations).

    One pass over each layer (min, max and the counts of pixels out of range and below the floor;
    with dask, one ``compute`` for all layers). NaN (nodata) is ignored.
    """
    checks = {n: LAYER_RANGES[n] for n in layers if n in LAYER_RANGES}
    if not checks:
        return []
    stats = {}
    for name, (lo, hi, *_) in checks.items():
        da = layers[name]
        lo_ = -np.inf if lo is None else lo
        hi_ = np.inf if hi is None else hi
        floor = (floors or {}).get(name, (None,))[0]
        stats[name] = (da.min(skipna=True).data, da.max(skipna=True).data,
                       (da < lo_).sum().data, (da > hi_).sum().data,
                       (da > 0).sum().data, ((da > 0) & (da < floor)).sum().data if floor is not None else 0)
    if any(hasattr(v, "dask") for vals in stats.values() for v in vals):
        import dask

        stats = dask.compute(stats)[0]
    probs, warnings = [], []
    for name, (lo, hi, hint_zh, hint_en) in checks.items():
        vmin, vmax, n_lo, n_hi, n_positive, n_below = (float(v) for v in stats[name])
        unit = LAYER_UNITS.get(name) or DERIVABLE_LAYER_UNITS.get(name, "1")
        file = str(files[name]) if files and name in files else None
        for n_bad, bad, side_zh, side_en, bound in ((n_lo, vmin, "低于", "below", lo), (n_hi, vmax, "高于", "above", hi)):
            if n_bad > 0:
                probs.append(problem(
                    "raster_value_out_of_range",
                    f"栅格图层 {name} 有 {int(n_bad)} 个像元{side_zh}合理范围（{bound:g} {unit}），极值 {bad:g}",
                    f"raster layer {name} has {int(n_bad)} pixel(s) {side_en} the plausible range ({bound:g} {unit}); "
                    f"extreme value {bad:g}",
                    file=file, column=f"rasters.{name}", value=bad,
                    hint_zh=("负值没有物理意义：设为 nodata 或修正插值" if side_en == "below" and bound == 0 else hint_zh),
                    hint_en=("negative values are not physical: set them to nodata or fix the interpolation"
                             if side_en == "below" and bound == 0 else hint_en)))
        if name in (floors or {}) and n_positive > 0 and n_below > n_positive / 2:
            floor, basis_zh, basis_en = floors[name]
            share = n_below / n_positive
            warnings.append(problem(
                "raster_below_floor",
                f"栅格图层 {name} 的数值中有 {share:.0%} 低于合理下限 {floor:g} {unit}（最小值 {vmin:g}）：{basis_zh}",
                f"{share:.0%} of the values of raster layer {name} are below the plausible floor of {floor:g} {unit} "
                f"(smallest {vmin:g}): {basis_en}",
                file=file, column=f"rasters.{name}", value=name,
                hint_zh="检查图层的单位与比例因子；数值无误时可忽略此提示",
                hint_en="check the layer's unit and scale factor; if the values are right, this warning may be ignored"))
    if probs:
        raise RasterError(probs)
    return warnings


#: rasters with more pixels than this are read in dask chunks unless ``chunks`` says otherwise
AUTO_CHUNK_PIXELS = 1 << 24
AUTO_CHUNK_SIDE = 4096


def _auto_chunks(path: Path):
    """``None`` (read into memory) for a small raster, 4096² dask chunks for a large one.

    Chunked reading decodes tiles on both cores and never holds the whole raster;
    below 16 M pixels the dask overhead is larger than what it saves.
    """
    try:
        import rasterio

        with rasterio.open(path) as src:
            return AUTO_CHUNK_SIDE if src.width * src.height > AUTO_CHUNK_PIXELS else None
    except Exception:
        return None  # open_raster reports a missing or unreadable file with its own error


def land_use_rows_from_rasters(rin: RasterInputs, codes: list[int]) -> tuple[pd.DataFrame, float]:
    """Land-use area by zone's region × land-use code (hm²), counted from the rasters.

    Parameters
    ----------
    rin : RasterInputs
    codes : list of int
        The land-use codes of the scheme, as raster values: they size the
        class table, so no pass over the raster looks for its largest value.

    Returns
    -------
    rows : pandas.DataFrame
        ``region, code, area, unit`` — the same shape as a land-use table, one
        row per region × code with area; ``code`` formatted with ``code_format``.
    nodata_area_hm2 : float
        Area of nodata pixels inside the zones.
    """
    from .rasters import class_area_by_zone

    if rin.coverage is not None:  # polygon zones: every pixel weighted by the share each polygon covers
        return rin.coverage.land_use_rows(rin.land_use, rin.pixel_area_m2(), codes, rin.code_format)
    nodata = rin.land_use.rio.nodata
    classes = sorted(set(codes) | ({int(nodata)} if nodata is not None and nodata >= 0 else set()))
    # the zone table sizes the table too: no pass over a uint16 zone raster to find its largest value
    n_zones = max(rin.zone_region) + 1 if rin.zone_region and min(rin.zone_region) >= 0 else None
    try:
        try:
            table = class_area_by_zone(rin.land_use, rin.zones, classes=classes, geodesic=rin.geodesic,
                                       n_zones=n_zones)
        except RasterError as exc:
            if n_zones is None or not any(p.code == "zone_out_of_range" for p in exc.problems):
                raise
            # a zone beyond the table: counted as before, so that it is reported as an unmapped zone
            table = class_area_by_zone(rin.land_use, rin.zones, classes=classes, geodesic=rin.geodesic)
    except RasterError as exc:
        if any(p.code in ("unlisted_land_use_code", "class_out_of_range") for p in exc.problems):
            table = class_area_by_zone(rin.land_use, rin.zones, geodesic=rin.geodesic)  # reported later as unknown codes
        else:
            raise
    if nodata is not None and nodata in table.land_use.values:
        table = table.drop_sel(land_use=nodata)
    values = table.values
    zone_ids = [int(z) for z in table.zone.values]
    land_codes = [int(c) for c in table.land_use.values]
    zone_sums = values.sum(axis=1)
    unknown_zones = [z for i, z in enumerate(zone_ids) if z not in rin.zone_region and zone_sums[i] > 0]
    if unknown_zones:
        raise RasterError(problem("unmapped_zone", f"分区栅格中的分区 {unknown_zones} 不在分区表中",
                                  f"zones {unknown_zones} of the zone raster are not in the zone table",
                                  value=unknown_zones, hint_zh="在 zone_ids 表中补充这些分区",
                                  hint_en="add them to the zone_ids table"))
    # one row per zone × code with area, zone by zone and code by code (row-major order of the table)
    mapped = np.array([z in rin.zone_region for z in zone_ids], dtype=bool)
    ii, jj = np.nonzero((values > 0) & mapped[:, None])
    if not ii.size:
        return pd.DataFrame([]), float(table.attrs.get("nodata_area_hm2", 0.0))
    region_of = [rin.zone_region.get(z) for z in zone_ids]
    code_of = [rin.code_format.format(c) for c in land_codes]
    rows = {"region": [region_of[i] for i in ii], "code": [code_of[j] for j in jj],
            "area": values[ii, jj].tolist(), "unit": ["hm²"] * ii.size}
    return pd.DataFrame(rows), float(table.attrs.get("nodata_area_hm2", 0.0))

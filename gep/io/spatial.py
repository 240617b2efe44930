"""The raster inputs of an account (tier 3), and their reduction by zone.

Config (``[rasters]``)::

    [rasters]
    land_use = "rasters/land_use.tif"    # integer land-use codes of the scheme
    zones = "rasters/townships.tif"      # integer zone numbers
    zone_ids = "rasters/zones.csv"       # columns zone, region
    code_format = "{:04d}"               # raster value -> scheme code (GB/T 21010: 101 -> "0101")
    precipitation = "rasters/precip.tif" # any other layer by name
    chunks = 1024                        # dask chunks (omit to read into memory)
    geodesic = false                     # allow geographic CRS (exact per-row areas)
    align = false                        # reproject layers onto the land-use grid

Areas by region × ecosystem come from one pass over the land-use and zone
rasters (:func:`gep.io.rasters.class_area_by_zone`); per-pixel models are summed
by zone with :func:`gep.compute.zonal.zonal_sum`. Every layer must share the
land-use grid unless ``align = true``; nodata pixels are masked and counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import xarray as xr

from ..errors import ConfigError, RasterError, csv_row, problem

__all__ = ["RasterInputs", "load_rasters", "zonal_total", "raster_layers", "LAYER_UNITS"]

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

#: layers that can be derived from the land-use raster through a coefficient by ecosystem
LOOKUP_LAYERS = {
    "runoff_coefficient": ("rate.runoff_coefficient", "1", ("forest", "grassland", "wetland")),
    "rusle_c": ("rate.rusle_c", "1", ("forest", "grassland", "farmland")),
    "rusle_p": ("rate.rusle_p", "1", ("forest", "grassland", "farmland")),
}

CONTROL_KEYS = {"land_use", "zones", "zone_ids", "code_format", "chunks", "geodesic", "align"}


class RasterInputs:
    """Opened raster layers on one grid, with zone → region mapping."""

    def __init__(self, layers: dict[str, xr.DataArray], zone_region: dict[int, str], code_format: str,
                 geodesic: bool, files: dict[str, Path]):
        self.layers = layers
        self.zone_region = zone_region
        self.code_format = code_format
        self.geodesic = geodesic
        self.files = files

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


def load_rasters(cfg: dict, base: Path, regions: list[str], file: str = "config") -> RasterInputs:
    """Open and check every raster named in ``[rasters]``."""
    from .rasters import check_aligned, open_raster
    from .tables import read_csv_checked

    for key in ("land_use", "zones", "zone_ids"):
        if key not in cfg:
            raise ConfigError(problem("missing_config_key", f"[rasters] 缺少 {key}", f"[rasters] has no {key}",
                                      file=file, column=f"rasters.{key}"))
    chunks = cfg.get("chunks")
    files = {}
    layers = {}
    for name, rel in cfg.items():
        if name in CONTROL_KEYS - {"land_use", "zones"}:
            continue
        if name not in LAYER_UNITS and name not in ("land_use", "zones") and name not in LOOKUP_LAYERS:
            raise ConfigError(problem(
                "unknown_raster_layer", f"未知的栅格图层 {name!r}", f"unknown raster layer {name!r}", file=file,
                column=f"rasters.{name}",
                hint_zh=f"可用图层：land_use, zones, {', '.join(LAYER_UNITS)}",
                hint_en=f"known layers: land_use, zones, {', '.join(LAYER_UNITS)}"))
        path = Path(rel) if Path(rel).is_absolute() else base / rel
        files[name] = path
        layers[name] = open_raster(path, chunks=chunks)
    names = list(layers)
    aligned = check_aligned(*[layers[n] for n in names], names=names, align=bool(cfg.get("align", False)))
    layers = dict(zip(names, aligned))
    ids = read_csv_checked(base / cfg["zone_ids"], required=["zone", "region"], optional=["note"])
    zone_region = {}
    probs = []
    for i, r in ids.iterrows():
        if str(r["region"]) not in regions:
            probs.append(problem("zone_region_unknown", f"分区表中的地区 {r['region']!r} 不是核算地区",
                                 f"region {r['region']!r} of the zone table is not a region of the account",
                                 file=str(base / cfg["zone_ids"]), row=csv_row(i), column="region", value=r["region"]))
        zone_region[int(r["zone"])] = str(r["region"])
    missing = sorted(set(regions) - set(zone_region.values()))
    if missing:
        probs.append(problem("region_without_zone", f"以下地区在分区栅格中没有对应分区：{missing}",
                             f"these regions have no zone in the zone raster: {missing}",
                             file=str(base / cfg["zone_ids"]), value=missing))
    if probs:
        raise RasterError(probs)
    return RasterInputs(layers, zone_region, cfg.get("code_format", "{:04d}"), bool(cfg.get("geodesic", False)), files)


def areas_from_rasters(rin: RasterInputs, scheme, regions: list[str]) -> tuple[xr.DataArray, pd.DataFrame]:
    """Area by region × ecosystem (hm²) from the land-use and zone rasters."""
    from ..classifications import areas_by_ecosystem
    from .rasters import class_area_by_zone

    table = class_area_by_zone(rin.land_use, rin.zones, geodesic=rin.geodesic)
    unknown_zones = [int(z) for z in table.zone.values if int(z) not in rin.zone_region and float(table.sel(zone=z).sum()) > 0]
    if unknown_zones:
        raise RasterError(problem("unmapped_zone", f"分区栅格中的分区 {unknown_zones} 不在分区表中",
                                  f"zones {unknown_zones} of the zone raster are not in the zone table",
                                  value=unknown_zones, hint_zh="在 zone_ids 表中补充这些分区",
                                  hint_en="add them to the zone_ids table"))
    rows = []
    for z in table.zone.values:
        if int(z) not in rin.zone_region:
            continue
        for code in table.land_use.values:
            a = float(table.sel(zone=z, land_use=code))
            if a > 0:
                rows.append({"region": rin.zone_region[int(z)], "code": rin.code_format.format(int(code)), "area": a,
                             "unit": "hm²"})
    frame = pd.DataFrame(rows)
    areas, report = areas_by_ecosystem(frame, scheme, file=str(rin.files["land_use"]), regions=regions)
    areas.attrs["nodata_area_hm2"] = table.attrs.get("nodata_area_hm2", 0.0)
    return areas, report


def raster_layers(ctx, needed) -> dict[str, xr.DataArray]:
    """The named layers, deriving lookup layers (runoff coefficient, C, P) from land use."""
    rin: RasterInputs = ctx.rasters
    if rin is None:
        raise ConfigError(problem("missing_input", "栅格方法需要 [rasters] 输入", "spatial methods need [rasters] inputs",
                                  hint_zh="在配置中添加 [rasters] 节", hint_en="add a [rasters] section to the config"))
    out = {}
    for name in needed:
        if name in rin.layers:
            out[name] = rin.layers[name]
        elif name in LOOKUP_LAYERS:
            out[name] = _lookup_layer(ctx, name)
        else:
            raise ConfigError(problem("missing_raster_layer", f"缺少栅格图层 {name}", f"raster layer {name} is missing",
                                      column=f"rasters.{name}", hint_zh=f"在 [rasters] 中给出 {name}",
                                      hint_en=f"give {name} in [rasters]"))
    return out


def _lookup_layer(ctx, name: str) -> xr.DataArray:
    """Per-pixel coefficient from the land-use raster: code → ecosystem → coefficient."""
    from ..classifications import ecosystem_types
    from ..services.regulating import _per_ecosystem

    key, unit, groups = LOOKUP_LAYERS[name]
    rin: RasterInputs = ctx.rasters
    per_eco = _per_ecosystem(ctx, key, unit, groups, f"raster:{name}")
    mapping = ctx.params.get("_scheme_mapping", {})
    lu = rin.land_use
    max_code = int(max(int(c.lstrip("0") or 0) for c in mapping if c.isdigit())) if mapping else 255
    lut = np.full(max(max_code + 1, 256), np.nan, dtype="float64")
    applicable = {t for t, spec in ecosystem_types().items() if spec.group in groups}
    for code, eco in mapping.items():
        if not code.isdigit():
            continue
        v = int(code)
        if v < lut.size:
            lut[v] = float(per_eco.sel(ecosystem=eco)) if eco in per_eco.ecosystem else np.nan
            if eco not in applicable:
                lut[v] = np.nan
    nodata = lu.rio.nodata

    def apply(block):
        b = np.asarray(block)
        vals = lut[np.clip(b.astype(np.int64), 0, lut.size - 1)]
        if nodata is not None:
            vals = np.where(b == nodata, np.nan, vals)
        return vals

    return xr.apply_ufunc(apply, lu, dask="parallelized", output_dtypes=[np.float64]).assign_attrs(units=unit)


def zonal_total(ctx, service: str, per_pixel: Callable, unit: str, *, per_hm2: bool, layers: list[str]) -> xr.DataArray:
    """Σ per_pixel(layers) × pixel area by region.

    ``per_pixel`` returns a quantity per hm² (``per_hm2=True``: t/(hm²·a)) or per
    m² (``per_hm2=False``: e.g. m³ per m² from a water balance in mm × 10⁻³).
    Pixels that are NaN in any layer are excluded and counted in the trace.
    """
    from ..compute.zonal import zonal_sum

    rin: RasterInputs = ctx.rasters
    needed = list(layers)
    values = per_pixel(raster_layers(ctx, needed))
    area = rin.pixel_area_m2()
    weights = (area / 1e4) if per_hm2 else area
    zones = rin.zones
    n_zones = int(max(rin.zone_region)) + 1
    res = zonal_sum(values.data if hasattr(values, "data") else values, zones.data, n_zones, weights=weights,
                    nodata_zone=zones.rio.nodata)
    out = xr.DataArray(np.zeros(len(ctx.regions)), dims=("region",), coords={"region": ctx.regions})
    for z, region in rin.zone_region.items():
        out.loc[region] += float(res.sum[z])
    ctx.trace.append({"service": service, "key": f"raster.{service}",
                      "value": f"{int(np.sum(res.count))} px summed, {int(np.sum(res.masked))} px masked (nodata)",
                      "source": ", ".join(str(rin.files[n]) for n in needed if n in rin.files)})
    return out.assign_attrs(units=unit)

"""Raster inputs as a service method sees them: named layers, and their sum by zone.

The rasters are opened and checked by :mod:`gep.io.spatial` (the account layer
puts them on the :class:`~gep.services.context.Context` as ``ctx.rasters``);
this module gives a service's ``quantify`` step what it needs:

* :func:`raster_layers` — the named per-pixel layers, deriving the lookup layers
  (runoff coefficient, RUSLE C and P) from the land-use raster through a
  coefficient by ecosystem type when they are not given as rasters;
* :func:`zonal_total` — Σ per-pixel quantity × pixel area by region
  (:func:`gep.compute.zonal.zonal_sum`), counting pixels without a value;
* :func:`group_mask` — restrict a per-pixel product to the ecosystems a service counts.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import xarray as xr

from ..classifications import ecosystem_types
from ..compute.zonal import zonal_sum
from ..errors import ConfigError, problem
from .rates import per_ecosystem

__all__ = ["LOOKUP_LAYERS", "raster_layers", "zonal_total", "group_mask"]

#: layers that can be derived from the land-use raster through a coefficient by ecosystem:
#: name -> (coefficient key, unit, ecosystem groups the coefficient applies to)
LOOKUP_LAYERS = {
    "runoff_coefficient": ("rate.runoff_coefficient", "1", ("forest", "grassland", "wetland")),
    "rusle_c": ("rate.rusle_c", "1", ("forest", "grassland", "farmland")),
    "rusle_p": ("rate.rusle_p", "1", ("forest", "grassland", "farmland")),
}


def raster_layers(ctx, needed) -> dict[str, xr.DataArray]:
    """The named layers, deriving lookup layers (runoff coefficient, C, P) from land use."""
    rin = ctx.rasters
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
    key, unit, groups = LOOKUP_LAYERS[name]
    rin = ctx.rasters
    if ctx.draws is None:
        per_eco = per_ecosystem(ctx, key, unit, groups, f"raster:{name}", by_region=False)
    else:  # an uncertainty run: a per-pixel lookup is not drawn (it would need a draw axis on every pixel)
        with ctx.draws.holding("per_pixel_lookup"):
            per_eco = per_ecosystem(ctx, key, unit, groups, f"raster:{name}", by_region=False)
    mapping = ctx.params.get("_scheme_mapping", {})
    lu = rin.land_use
    max_code = int(max(int(c.lstrip("0") or 0) for c in mapping if c.isdigit())) if mapping else 255
    lut = np.full(max(max_code + 1, 256), np.nan, dtype="float64")
    applicable = {t for t, spec in ecosystem_types().items() if spec.group in groups}
    rate_of = {str(eco): float(rate) for eco, rate in zip(per_eco.ecosystem.values, per_eco.values)}
    for code, eco in mapping.items():
        if not code.isdigit():
            continue
        v = int(code)
        if v < lut.size:
            lut[v] = rate_of.get(eco, np.nan)
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


def zonal_total(ctx, service: str, per_pixel: Callable, unit: str, *, per_hm2: bool, layers: list[str],
                groups=None) -> xr.DataArray:
    """Σ per_pixel(layers) × pixel area by region, with the coverage of every region checked.

    ``per_pixel`` returns a quantity per hm² (``per_hm2=True``: t/(hm²·a)) or per
    m² (``per_hm2=False``: e.g. m³ per m² from a water balance in mm × 10⁻³).
    ``groups`` names the ecosystem groups the service applies to (all mapped
    land uses when ``None``): a pixel of those land uses is *needed*; a needed
    pixel without a finite value in every layer is *missing*. The needed and
    missing counts of every region go to ``ctx.params["_coverage"]``, where
    :func:`gep.account.checks.raster_coverage` turns gaps into warnings or
    errors; ``[rasters] fill = "region_mean"`` scales a region's sum by
    needed / with-data pixels (recorded in the trace).
    """
    rin = ctx.rasters
    names = list(layers)
    values = per_pixel(raster_layers(ctx, names))
    area = rin.pixel_area_m2()
    weights = (area / 1e4) if per_hm2 else area
    needed = group_mask(ctx, groups)
    if rin.coverage is not None:  # polygon zones: every pixel weighted by the share each polygon covers
        res = rin.coverage.zonal_sum(values, weights, needed=needed)
    else:
        zones = rin.zones
        n_zones = int(max(rin.zone_region)) + 1
        res = zonal_sum(values.data if hasattr(values, "data") else values, zones.data, n_zones, weights=weights,
                        nodata_zone=zones.rio.nodata, needed=needed.data)
    position = {r: i for i, r in enumerate(ctx.regions)}
    total = np.zeros(len(ctx.regions))  # by region, numpy: the same additions in the same order as on a DataArray
    counts: dict[str, list[int]] = {r: [0, 0] for r in ctx.regions}
    for z, region in rin.zone_region.items():
        total[position[region]] += float(res.sum[z])
        counts[region][0] += int(res.count[z]) + int(res.masked[z])
        counts[region][1] += int(res.masked[z])
    files = ", ".join(str(rin.files[n]) for n in names if n in rin.files) or str(rin.files["land_use"])
    fill = (ctx.params.get("_rasters_cfg") or {}).get("fill")
    for region, (n_needed, n_missing) in counts.items():
        ctx.params.setdefault("_coverage", []).append(
            {"service": service, "region": region, "needed": n_needed, "missing": n_missing, "files": files})
        if fill == "region_mean" and n_missing and n_needed > n_missing:
            factor = n_needed / (n_needed - n_missing)
            total[position[region]] *= factor
            ctx.trace.append({"service": service, "key": f"raster.fill.{service}", "for_region": region,
                              "value": factor, "unit": "1",
                              "source": f"{n_missing} of {n_needed} needed pixels without data: sum scaled by "
                                        f"needed / with data ([rasters] fill = region_mean)"})
    out = xr.DataArray(total, dims=("region",), coords={"region": ctx.regions})
    maps = ctx.params.get("_maps")
    if maps is not None:
        # the per-pixel quantity, lazily: written window by window after the run
        per_pixel_unit = f"{unit}/hm²" if per_hm2 else f"{unit}/m²"
        template = rin.land_use
        da = xr.DataArray(values.data if hasattr(values, "data") else values, dims=template.dims,
                          coords={d: template.coords[d] for d in template.dims})
        da = da.rio.write_crs(template.rio.crs).rio.write_transform(template.rio.transform())
        maps[service] = da.astype("float32").rio.write_nodata(np.nan).assign_attrs(
            units=per_pixel_unit, long_name=f"{service} per unit area")
    lookups = [n for n in names if n not in rin.files and n in LOOKUP_LAYERS]
    sources = [str(rin.files[n]) for n in names if n in rin.files]
    if lookups:
        sources.append(f"{rin.files['land_use']} → {', '.join(LOOKUP_LAYERS[n][0] for n in lookups)}")
    ctx.trace.append({"service": service, "key": f"raster.{service}",
                      "value": f"{int(np.sum(res.count))} px summed, {int(np.sum(res.masked))} needed px without a "
                               f"value (nodata or NaN), {int(np.sum(res.skipped))} px of land uses the service "
                               f"does not apply to",
                      "source": ", ".join(sources)})
    return out.assign_attrs(units=unit)


def group_mask(ctx, groups=None) -> xr.DataArray:
    """1.0 on pixels whose land use maps to an ecosystem of ``groups`` (any ecosystem when ``None``), NaN elsewhere.

    Used to restrict a per-pixel product (e.g. an NPP raster, which also has
    values over built-up land and water) to the ecosystems a service counts,
    and as the *needed* mask of :func:`zonal_total`.
    """
    rin = ctx.rasters
    types = {t for t, spec in ecosystem_types().items() if groups is None or spec.group in groups}
    mapping = ctx.params.get("_scheme_mapping", {})
    lut = np.full(65536, np.nan)
    for code, eco in mapping.items():
        if code.isdigit() and int(code) < lut.size and eco in types:
            lut[int(code)] = 1.0
    lu = rin.land_use

    def apply(block):
        return lut[np.clip(np.asarray(block).astype(np.int64), 0, lut.size - 1)]

    return xr.apply_ufunc(apply, lu, dask="parallelized", output_dtypes=[np.float64])

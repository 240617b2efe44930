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
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..errors import RasterError, problem

__all__ = ["coverage_class_area", "coverage_sum", "CoverageSum"]


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
    if fraction.size and (np.nanmin(fraction) < 0 or np.nanmax(fraction) > 1 + 1e-9 or np.isnan(fraction).any()):
        raise RasterError(problem("coverage_out_of_range", "覆盖度应在 0 与 1 之间", "coverage fractions must be in [0, 1]",
                                  value=[float(np.nanmin(fraction)), float(np.nanmax(fraction))]))
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

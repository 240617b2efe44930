r"""Exact additive decompositions of the change of a value between two years.

An account values each service (and region) as quantity × price,
:math:`V = \sum_i q_i \, p_i`. Between a year 0 and a year 1 the change
:math:`V^1 - V^0` splits into a *quantity effect* (the ecosystem supplied
more or less) and a *price effect* (each unit was valued higher or lower).
The Quzhou plan asks for a yearly GEP-and-GDP ("绿金") accounting; telling
a real change from a price change is what makes such a series readable.

Every function here is elementwise: each cell (service × region) is
decomposed on its own and the effects have the shape of the inputs, so
summing them over any dimension decomposes the aggregate. The effects add
up to :math:`V^1 - V^0` in every cell, to rounding (relative to the largest
product :math:`|q_i p_j|` of the cell); no residual term is left.

=====================  =====================================================
function               decomposition
=====================  =====================================================
:func:`lmdi`           logarithmic mean Divisia index, LMDI-I, additive form
:func:`shapley`        two-factor Shapley (Shapley–Sun) split
:func:`shapley3`       three-factor Shapley split of :math:`V = a\,b\,c`
=====================  =====================================================

Inputs are numbers, numpy arrays, xarray DataArrays (dask-backed ones too)
or pandas Series; they broadcast against each other. No units are checked:
quantities and prices must be in the same units in both years, and the
effects are in the units of :math:`q \cdot p` (元 when prices are in 元 per
unit of quantity). For a change at constant prices, rebase the prices of
both years first (:mod:`gep.compute.prices`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["lmdi", "lmdi_applicable", "logarithmic_mean", "shapley", "shapley3"]


# ----------------------------------------------------------------- helpers
def _is_xarray(*xs) -> bool:
    try:
        import xarray as xr
    except ImportError:  # pragma: no cover - xarray is a dependency
        return False
    return any(isinstance(x, xr.DataArray) for x in xs)


def _pandas_template(*xs):
    import pandas as pd

    for x in xs:
        if isinstance(x, (pd.Series, pd.DataFrame)):
            return x
    return None


def _wrap_like(template, values: np.ndarray):
    """Put ``values`` back into the pandas container ``template`` came in."""
    import pandas as pd

    if template is None:
        return values
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index, name=template.name)
    return pd.DataFrame(values, index=template.index, columns=template.columns)


def _as_float(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _log_mean_np(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Logarithmic mean of positive arrays; NaN where either is not positive.

    Written as :math:`(a-b)/\\log1p((a-b)/b)` when ``a`` and ``b`` are within
    a factor 1.5 of each other, so that it stays accurate when they are close
    (the naive form divides two tiny differences), and with :math:`\\ln(a/b)`
    otherwise.
    """
    a, b = np.broadcast_arrays(_as_float(a), _as_float(b))
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & (b > 0)
    same = ok & (a == b)
    diff = ok & (a != b)
    out[same] = a[same]
    a, b = a[diff], b[diff]
    d = a - b
    x = d / b
    near = np.abs(x) < 0.5
    log_ratio = np.where(near, np.log1p(np.where(near, x, 0.0)), np.log(np.where(near, 1.0, a / b)))
    out[diff] = d / log_ratio
    return out


# ------------------------------------------------------- logarithmic mean
def logarithmic_mean(a, b):
    r"""Logarithmic mean of two positive numbers.

    Parameters
    ----------
    a, b : array_like
        Positive values, in any one unit. [any]

    Returns
    -------
    array_like
        :math:`L(a, b)`, in the unit of ``a``; NaN where ``a`` or ``b`` is not
        positive. [unit of a]

    Notes
    -----
    .. math::

        L(a, b) = \frac{a - b}{\ln a - \ln b}, \qquad L(a, a) = a.

    :math:`L` lies between the geometric and the arithmetic mean. It is
    evaluated as :math:`(a - b) / \operatorname{log1p}((a - b)/b)`, which has
    no cancellation when :math:`a \approx b` (and as :math:`(a-b)/\ln(a/b)`
    when :math:`|a-b| \ge b/2`, where ``log1p`` near −1 would lose precision).

    References
    ----------
    Ang, B. W. (2005). The LMDI approach to decomposition analysis: a
    practical guide. *Energy Policy*, 33, 867–871.
    """
    if _is_xarray(a, b):
        import xarray as xr

        return xr.apply_ufunc(_log_mean_np, a, b, dask="parallelized", output_dtypes=[float])
    template = _pandas_template(a, b)
    return _wrap_like(template, _log_mean_np(a, b))


# ---------------------------------------------------------------- Shapley
def shapley(q0, p0, q1, p1, *, names: tuple[str, str] = ("quantity", "price")) -> dict:
    r"""Two-factor Shapley decomposition of the change of :math:`V = q \cdot p`.

    Parameters
    ----------
    q0, q1 : array_like
        Physical quantity in year 0 and year 1, e.g. m³/a of water retained,
        t/a of soil kept. [quantity unit]
    p0, p1 : array_like
        Unit price in year 0 and year 1, per unit of the same quantity.
        [元 / quantity unit]
    names : tuple of str, default ("quantity", "price")
        Keys of the two effects in the returned dict.

    Returns
    -------
    dict
        ``{names[0]: ΔV_q, names[1]: ΔV_p}``, each broadcast to the shape of
        the inputs, summing to :math:`q_1 p_1 - q_0 p_0` cell by cell. [元]

    Notes
    -----
    The Shapley value of each factor is its marginal effect averaged over
    the two orders in which the factors can be changed:

    .. math::

        \Delta V_q = \tfrac12\left[(q_1 - q_0)\,p_0 + (q_1 - q_0)\,p_1\right]
                   = (q_1 - q_0)\,\frac{p_0 + p_1}{2}

        \Delta V_p = \tfrac12\left[q_0\,(p_1 - p_0) + q_1\,(p_1 - p_0)\right]
                   = (p_1 - p_0)\,\frac{q_0 + q_1}{2}

    and :math:`\Delta V_q + \Delta V_p = q_1 p_1 - q_0 p_0` exactly. It is
    defined for zeros and negative values, which is why :func:`lmdi` falls
    back to it.

    References
    ----------
    Shapley, L. S. (1953). A value for n-person games. In *Contributions to
    the Theory of Games II*, Annals of Mathematics Studies 28, 307–317.

    Albrecht, J., François, D., & Schoors, K. (2002). A Shapley decomposition
    of carbon emissions without residuals. *Energy Policy*, 30, 727–736.
    https://doi.org/10.1016/S0301-4215(01)00131-8
    """
    dq = q1 - q0
    dp = p1 - p0
    q_effect = 0.5 * (dq * p0 + dq * p1)
    p_effect = 0.5 * (q0 * dp + q1 * dp)
    return _broadcast_effects({names[0]: q_effect, names[1]: p_effect})


def shapley3(a0, b0, c0, a1, b1, c1, *, names: tuple[str, str, str] = ("area", "intensity", "price")) -> dict:
    r"""Three-factor Shapley decomposition of the change of :math:`V = a\,b\,c`.

    The tabular tier values a service as area × per-area quantity × price
    (e.g. hm² of forest × t/(hm²·a) of soil retained × 元/t). The change then
    splits into an area (structure) effect, an intensity effect and a price
    effect.

    Parameters
    ----------
    a0, a1 : array_like
        First factor in year 0 and year 1, e.g. ecosystem area. [hm²]
    b0, b1 : array_like
        Second factor, e.g. physical quantity per unit area. [quantity/(hm²·a)]
    c0, c1 : array_like
        Third factor, e.g. unit price. [元/quantity]
    names : tuple of str, default ("area", "intensity", "price")
        Keys of the three effects in the returned dict.

    Returns
    -------
    dict
        ``{names[0]: ΔV_a, names[1]: ΔV_b, names[2]: ΔV_c}``, summing to
        :math:`a_1 b_1 c_1 - a_0 b_0 c_0` cell by cell. [元/a]

    Notes
    -----
    Averaging the marginal effect of :math:`a` over the 3! orders in which
    the factors can be changed gives

    .. math::

        \Delta V_a = (a_1 - a_0)\left[\frac{b_0 c_0 + b_1 c_1}{3}
                     + \frac{b_0 c_1 + b_1 c_0}{6}\right]

    (two orders change :math:`a` first, two last, one after :math:`b`
    only, one after :math:`c` only), and likewise for :math:`b` and
    :math:`c` by symmetry. The three effects add up to
    :math:`a_1 b_1 c_1 - a_0 b_0 c_0` exactly, for any signs and zeros.

    References
    ----------
    Albrecht, J., François, D., & Schoors, K. (2002). A Shapley decomposition
    of carbon emissions without residuals. *Energy Policy*, 30, 727–736.
    https://doi.org/10.1016/S0301-4215(01)00131-8
    """

    def effect(x0, x1, y0, y1, z0, z1):
        return (x1 - x0) * ((y0 * z0 + y1 * z1) / 3.0 + (y0 * z1 + y1 * z0) / 6.0)

    return _broadcast_effects({
        names[0]: effect(a0, a1, b0, b1, c0, c1),
        names[1]: effect(b0, b1, a0, a1, c0, c1),
        names[2]: effect(c0, c1, a0, a1, b0, b1),
    })


def _broadcast_effects(effects: dict) -> dict:
    """Give every effect the broadcast shape (a scalar effect of a constant stays an array)."""
    if _is_xarray(*effects.values()):
        import xarray as xr

        arrays = [e if isinstance(e, xr.DataArray) else xr.DataArray(e) for e in effects.values()]
        return dict(zip(effects, xr.broadcast(*arrays)))
    if _pandas_template(*effects.values()) is not None:
        return effects
    arrays = np.broadcast_arrays(*[np.asarray(e, dtype=float) for e in effects.values()])
    return {k: np.array(v) for k, v in zip(effects, arrays)}


# ------------------------------------------------------------------- LMDI
def _lmdi_applicable_np(q0, p0, q1, p1) -> np.ndarray:
    q0, p0, q1, p1 = np.broadcast_arrays(*(_as_float(x) for x in (q0, p0, q1, p1)))
    return (q0 > 0) & (p0 > 0) & (q1 > 0) & (p1 > 0)


def lmdi_applicable(q0, p0, q1, p1):
    """Cells where :func:`lmdi` uses the LMDI formula (True) or falls back to Shapley (False).

    Parameters
    ----------
    q0, p0, q1, p1 : array_like
        As in :func:`lmdi`. [quantity unit], [元/quantity unit]

    Returns
    -------
    array_like of bool
        True where all four factors are positive (so :math:`V^0, V^1 > 0`
        and every logarithm is defined). NaN inputs give False.
    """
    if _is_xarray(q0, p0, q1, p1):
        import xarray as xr

        return xr.apply_ufunc(_lmdi_applicable_np, q0, p0, q1, p1, dask="parallelized", output_dtypes=[bool])
    return _wrap_like(_pandas_template(q0, p0, q1, p1), _lmdi_applicable_np(q0, p0, q1, p1))


def _lmdi_np(q0, p0, q1, p1):
    q0, p0, q1, p1 = np.broadcast_arrays(*(_as_float(x) for x in (q0, p0, q1, p1)))
    v0 = q0 * p0
    v1 = q1 * p1
    ok = (q0 > 0) & (p0 > 0) & (q1 > 0) & (p1 > 0)
    # Shapley everywhere first (defined for zeros and signs), LMDI where it applies.
    q_eff = 0.5 * (q1 - q0) * (p0 + p1)
    p_eff = 0.5 * (p1 - p0) * (q0 + q1)
    if ok.any():
        w = _log_mean_np(v1[ok], v0[ok])
        q_eff[ok] = w * np.log(q1[ok] / q0[ok])
        p_eff[ok] = w * np.log(p1[ok] / p0[ok])
    # NaN anywhere in a cell gives NaN effects (not a silent Shapley value).
    nan = np.isnan(q0) | np.isnan(p0) | np.isnan(q1) | np.isnan(p1)
    q_eff[nan] = np.nan
    p_eff[nan] = np.nan
    return q_eff, p_eff


def lmdi(q0, p0, q1, p1, *, names: tuple[str, str] = ("quantity", "price")) -> dict:
    r"""LMDI-I additive decomposition of the change of :math:`V = q \cdot p`.

    Parameters
    ----------
    q0, q1 : array_like
        Physical quantity in year 0 and year 1 (per service × region cell).
        [quantity unit, e.g. m³/a]
    p0, p1 : array_like
        Unit price in year 0 and year 1. [元 / quantity unit]
    names : tuple of str, default ("quantity", "price")
        Keys of the two effects in the returned dict.

    Returns
    -------
    dict
        ``{names[0]: ΔV_q, names[1]: ΔV_p}`` with the broadcast shape of the
        inputs (DataArray in, DataArray out), summing to
        :math:`q_1 p_1 - q_0 p_0` in every cell. [元/a]

    Notes
    -----
    With :math:`V_i = q_i p_i` and the logarithmic mean
    :math:`L(a, b) = (a - b)/(\ln a - \ln b)`, :math:`L(a, a) = a`
    (:func:`logarithmic_mean`), each cell contributes

    .. math::

        \Delta V_q = L(V^1, V^0)\,\ln\frac{q^1}{q^0}, \qquad
        \Delta V_p = L(V^1, V^0)\,\ln\frac{p^1}{p^0},

    and since :math:`\ln(q^1/q^0) + \ln(p^1/p^0) = \ln(V^1/V^0)`,
    :math:`\Delta V_q + \Delta V_p = V^1 - V^0` with no residual.

    **Zeros and sign changes.** The logarithms need all four factors of a
    cell to be positive. In any other cell -- a service that starts or stops
    (:math:`q^0 = 0` or :math:`q^1 = 0`), a zero price, :math:`V^0 \le 0` or
    :math:`V^1 \le 0` -- that cell is decomposed with the two-factor Shapley
    split (:func:`shapley`) instead, so the effects still add up exactly to
    the cell's change. The small-value substitution of Ang & Liu (2007) is
    not used: it leaves a residual that depends on the arbitrary small value.
    :func:`lmdi_applicable` returns which cells used which formula. A NaN in
    any factor of a cell gives NaN effects for that cell.

    Because the decomposition is per cell, the effects of a region or of the
    whole account are the sums of the cell effects (the additive LMDI-I
    aggregates exactly).

    References
    ----------
    Ang, B. W. (2005). The LMDI approach to decomposition analysis: a
    practical guide. *Energy Policy*, 33, 867–871.

    Ang, B. W., & Liu, N. (2007). Handling zero values in the logarithmic mean
    Divisia index decomposition approach. *Energy Policy*, 35, 238–246.
    https://doi.org/10.1016/j.enpol.2005.11.001
    """
    if _is_xarray(q0, p0, q1, p1):
        import xarray as xr

        q_eff, p_eff = xr.apply_ufunc(
            _lmdi_np, q0, p0, q1, p1,
            output_core_dims=[[], []], dask="parallelized", output_dtypes=[float, float],
        )
        return {names[0]: q_eff, names[1]: p_eff}
    template = _pandas_template(q0, p0, q1, p1)
    q_eff, p_eff = _lmdi_np(q0, p0, q1, p1)
    return {names[0]: _wrap_like(template, q_eff), names[1]: _wrap_like(template, p_eff)}

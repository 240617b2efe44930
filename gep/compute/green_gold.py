r"""The 绿金指数 (green-gold index) from GEP and GDP: its components and two definitions.

The Quzhou plan asks for "a yearly accounting of a 绿金指数 based on GEP and
GDP" (建立基于GEP和GDP的“绿金指数”逐年核算机制; 浙江（衢州）“两山”实践示范区
总体方案, 2018). No published definition of that index was found (see
``docs/decisions.md``). This module offers the parts such an index is made of,
and two definitions; :mod:`gep.decisions` says which one a table uses.

``ratio`` (default)
    :math:`I_t = \mathrm{GEP}_t / \mathrm{GDP}_t`, both in the prices of the
    same year. This is the GEP/GDP ratio that 马国霞, 於方, 王金南 et al.
    (2017, 中国环境科学 37(4):1474–1482) call the GGI ("GGI指数(GEP与GDP比值)";
    China 2015: 1.01).

``joint_growth``
    A chained index of the joint growth of GEP and GDP at constant prices,
    base year = 100:

    .. math::

        J_{t_0} = 100, \qquad
        J_t = J_{t-1} \left(\frac{\mathrm{GEP}_t}{\mathrm{GEP}_{t-1}}\right)^{w}
                      \left(\frac{\mathrm{GDP}_t}{\mathrm{GDP}_{t-1}}\right)^{1-w}

    with weight :math:`w` on GEP (default ½: the geometric mean of the two
    growth factors). It rises when both grow ("GDP和GEP双增长", the phrase
    used for Quzhou's results) and weighs a fall of one against a rise of the
    other. The form is this library's, configurable, not a published rule.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ratio", "growth_pct", "joint_growth_index", "both_grew"]


def ratio(gep, gdp):
    r"""GEP/GDP, :math:`\mathrm{GEP}/\mathrm{GDP}` (GGI). [1]

    Parameters
    ----------
    gep, gdp : array_like
        In the same money unit and the same prices. [元]

    Raises
    ------
    ValueError
        If a GDP is not positive.
    """
    gdp = np.asarray(gdp, dtype=float)
    if np.any(~(gdp > 0)):
        raise ValueError("GDP must be positive")
    return np.asarray(gep, dtype=float) / gdp


def growth_pct(earlier, later):
    r"""Growth :math:`100\,(x_t / x_{t-1} - 1)`. [%]

    Raises
    ------
    ValueError
        If an earlier value is not positive.
    """
    a = np.asarray(earlier, dtype=float)
    if np.any(~(a > 0)):
        raise ValueError("the earlier value must be positive")
    return (np.asarray(later, dtype=float) / a - 1.0) * 100.0


def joint_growth_index(gep_constant, gdp_constant, weight_gep: float = 0.5, base: float = 100.0):
    r"""Chained joint-growth index :math:`J_t` over consecutive years (see the module docstring).

    Parameters
    ----------
    gep_constant, gdp_constant : array_like, 1-D
        GEP and GDP of consecutive years at constant prices of one base
        year. [元]
    weight_gep : float, default 0.5
        :math:`w`, in [0, 1]. [1]
    base : float, default 100
        :math:`J` of the first year.

    Returns
    -------
    numpy.ndarray
        :math:`J_t`, one per year. [1]

    Raises
    ------
    ValueError
        If ``weight_gep`` is outside [0, 1], the series differ in length, or
        a value is not positive.
    """
    if not 0.0 <= weight_gep <= 1.0:
        raise ValueError("weight_gep must be between 0 and 1")
    e, d = np.asarray(gep_constant, dtype=float), np.asarray(gdp_constant, dtype=float)
    if e.shape != d.shape or e.ndim != 1:
        raise ValueError("GEP and GDP must be 1-D series of the same length")
    if np.any(~(e > 0)) or np.any(~(d > 0)):
        raise ValueError("GEP and GDP must be positive")
    steps = (e[1:] / e[:-1]) ** weight_gep * (d[1:] / d[:-1]) ** (1.0 - weight_gep)
    return base * np.concatenate([[1.0], np.cumprod(steps)])


def both_grew(gep_growth, gdp_growth):
    """True where GEP and GDP both grew (双增长)."""
    return (np.asarray(gep_growth, dtype=float) > 0) & (np.asarray(gdp_growth, dtype=float) > 0)

r"""First- and total-order Sobol indices from a Saltelli design (no second order).

The model is evaluated on a design of ``N`` base samples and ``D`` groups, in the
row order of :func:`gep.compute.sampling.saltelli_column`: for each base sample
:math:`A_j`, then :math:`A_B^{(1)}, …, A_B^{(D)}` (:math:`A` with group :math:`i`
taken from :math:`B`), then :math:`B_j` — ``N·(D + 2)`` outputs.

With the outputs standardised (:math:`Y ← (Y − \bar Y)/s_Y`) and
:math:`V = \operatorname{Var}(f(A) ∪ f(B))`:

.. math::

    S_i = \frac{\frac1N \sum_j f(B)_j\,\bigl(f(A_B^{(i)})_j − f(A)_j\bigr)}{V}
    \qquad \text{(Saltelli et al. 2010, eq. b)}

    S_{Ti} = \frac{\frac1{2N} \sum_j \bigl(f(A)_j − f(A_B^{(i)})_j\bigr)^2}{V}
    \qquad \text{(Jansen 1999; Saltelli et al. 2010, eq. f)}

Confidence: the estimators recomputed on ``num_resamples`` bootstrap resamples of
the base samples (drawn with ``numpy.random.default_rng(seed)``), half-width
:math:`z_{(1+c)/2}·\mathrm{sd}` (``conf_level`` c = 0.95: 1.96·sd).

These are the estimators and the bootstrap of SALib's ``sobol.analyze``
(Herman & Usher 2017) with ``calc_second_order=False``; the tests check the two
agree to the last bit. gep computes them itself so that an uncertainty run does
not import ``scipy.stats`` (0.6–0.7 s, more than the whole Monte Carlo of the
example county), and a seed of 0 is a seed like any other.

References
----------
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., Tarantola, S. (2010).
Variance based sensitivity analysis of model output. Computer Physics Communications
181(2): 259–270.
Jansen, M. J. W. (1999). Analysis of variance designs for model output. Computer Physics
Communications 117(1–2): 35–43.
Herman, J., Usher, W. (2017). SALib: An open-source Python library for Sensitivity
Analysis. Journal of Open Source Software 2(9): 97.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

__all__ = ["sobol_indices"]

_EPS = np.finfo(float).eps


def sobol_indices(y, n_groups: int, *, seed: int, num_resamples: int = 100,
                  conf_level: float = 0.95) -> dict[str, np.ndarray]:
    """``S1``, ``S1_conf``, ``ST`` and ``ST_conf`` (one value per group) of the outputs ``y`` of a Saltelli design.

    Parameters
    ----------
    y : array_like, shape (N·(n_groups + 2),)
        Model outputs in the design's row order (module docstring).
    n_groups : int
        Number of groups ``D``.
    seed : int
        Seed of the bootstrap resamples.
    num_resamples : int, default 100
    conf_level : float, default 0.95

    Returns
    -------
    dict of str -> numpy.ndarray
        Indices are dimensionless; a group's index is 0 where the outputs do not vary.
    """
    y = np.asarray(y, dtype=float)
    step = n_groups + 2
    if n_groups < 1 or y.size % step:
        raise ValueError(f"{y.size} outputs are not a Saltelli design of {n_groups} groups (a multiple of {step})")
    if not 0 < conf_level < 1:
        raise ValueError("conf_level must be between 0 and 1")
    n = y.size // step
    out = {k: np.zeros(n_groups) for k in ("S1", "S1_conf", "ST", "ST_conf")}
    if y.std() == 0.0:
        return out  # the outputs do not vary: no variance to apportion
    y = (y - y.mean()) / y.std()
    a, b = y[0::step], y[step - 1::step]
    ab = np.zeros((n, n_groups))
    for i in range(n_groups):
        ab[:, i] = y[i + 1::step]
    resample = np.random.default_rng(seed).integers(n, size=(n, num_resamples))
    z = ndtri(0.5 + conf_level / 2)
    for i in range(n_groups):
        out["S1"][i] = _first_order(a, ab[:, i], b)
        out["ST"][i] = _total_order(a, ab[:, i], b)
        if np.ptp(np.r_[a[resample], b[resample]]) != 0.0:
            out["S1_conf"][i] = z * _first_order(a[resample], ab[resample, i], b[resample]).std(ddof=1)
            out["ST_conf"][i] = z * _total_order(a[resample], ab[resample, i], b[resample]).std(ddof=1)
    return out


def _first_order(a, ab, b):
    """:math:`S_i` (Saltelli 2010), along the first axis (columns: bootstrap resamples)."""
    y = np.r_[a, b]
    if np.ptp(y) <= _EPS:
        return np.zeros(y.shape[1:])
    var = np.var(y, axis=0)
    return np.divide(np.mean(b * (ab - a), axis=0), var, out=np.zeros_like(var, dtype=np.float64), where=var > _EPS)


def _total_order(a, ab, b):
    """:math:`S_{Ti}` (Jansen 1999), along the first axis (columns: bootstrap resamples)."""
    y = np.r_[a, b]
    if np.ptp(y) <= _EPS:
        return np.zeros(y.shape[1:])
    var = np.var(y, axis=0)
    return np.divide(0.5 * np.mean((a - ab) ** 2, axis=0), var, out=np.zeros_like(var, dtype=np.float64),
                     where=var > _EPS)

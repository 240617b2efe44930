r"""Sampling a coefficient's range: seeded uniforms, the four distributions, and the Saltelli design.

Pure functions, numbers in and numbers out; :mod:`gep.services.draws` puts them
behind a :class:`~gep.services.context.Context` in draw mode and
:mod:`gep.account.uncertainty` runs an account along a ``draw`` dimension.

What ``low`` and ``high`` mean
------------------------------
Every distribution is given by a row's ``value`` and two numbers, ``low`` and
``high``, in the row's unit:

============  ==================================================  ===========================================
distribution  ``low``, ``high``                                   the row's ``value``
============  ==================================================  ===========================================
uniform       the bounds: :math:`X \sim U(\text{low}, \text{high})`  inside the bounds (the mean when centred)
triangular    the bounds; the mode is the row's value              the mode :math:`c`
normal        the 2.5 % and 97.5 % quantiles:                      the mean, :math:`\mu = (\text{low} + \text{high})/2`
              :math:`\mu = (l + h)/2`, :math:`\sigma = (h - l) / (2 z_{0.975})`
lognormal     the 2.5 % and 97.5 % quantiles of :math:`X`:          the median, :math:`e^{m} = \sqrt{\text{low}\cdot\text{high}}`
              :math:`\ln X \sim N(m, s)`, :math:`m = (\ln l + \ln h)/2`,
              :math:`s = (\ln h - \ln l)/(2 z_{0.975})`
============  ==================================================  ===========================================

with :math:`z_{0.975} = \Phi^{-1}(0.975) = 1.959964`. ``structural`` (a range of
published point values, not a sampling distribution) is drawn like ``uniform``
when a run asks for it.

Seeded and independent of chunking
----------------------------------
Each uncertain quantity has its own stream, named by a stable string (a
coefficient row's set, key, ecosystem, region and ``valid_from``): the stream
is ``numpy.random.Generator(PCG64(SeedSequence(seed, spawn_key=(h,))))`` with
``h`` the first 8 bytes of the SHA-256 of the name. Draw :math:`k` of a stream
is its :math:`k`-th double (one 64-bit output each), so draws ``[start, stop)``
come from advancing the generator by ``start`` -- the same numbers whatever
the chunks, and the same for a row whichever services read it and in which
order. Every value goes through the inverse CDF (:func:`ppf`), one uniform per
draw, :math:`u = r + 2^{-54} \in (0, 1)`.

References
----------
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., Tarantola, S. (2010).
Variance based sensitivity analysis of model output. Design and estimator for the
total sensitivity index. Computer Physics Communications 181(2): 259-270 -- the
A, B, A_B^(i) design (:func:`saltelli_column`).
Herman, J., Usher, W. (2017). SALib: An open-source Python library for Sensitivity
Analysis. Journal of Open Source Software 2(9): 97 -- the estimators gep calls.
"""

from __future__ import annotations

import hashlib

import numpy as np
from scipy.special import ndtri

__all__ = ["DISTRIBUTIONS", "Z975", "stream_uniforms", "ppf", "distribution_parameters", "range_problem",
           "saltelli_column", "saltelli_size"]

#: distributions a coefficient row can give (``structural`` is drawn as ``uniform`` when included)
DISTRIBUTIONS = ("uniform", "triangular", "normal", "lognormal", "structural")

#: :math:`\Phi^{-1}(0.975)`: low and high of a normal or lognormal row are its 2.5 % and 97.5 % quantiles
Z975 = float(ndtri(0.975))

#: how far the value of a normal (lognormal) row may sit from the middle of (the logs of) its range,
#: as a share of the half-width: published ranges are rounded
SYMMETRY_TOLERANCE = 0.01


def _stream_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")


def stream_uniforms(seed: int, name: str, start: int, stop: int) -> np.ndarray:
    """Uniforms ``start … stop-1`` of the stream ``name`` under ``seed``, in the open interval (0, 1).

    Parameters
    ----------
    seed : int
        The run's seed (``gep run --seed``).
    name : str
        Stable name of the uncertain quantity (its stream).
    start, stop : int
        Draw positions; ``stream_uniforms(s, n, 0, 10)[3:] == stream_uniforms(s, n, 3, 10)`` bit for bit.

    Returns
    -------
    numpy.ndarray
        ``stop - start`` uniforms :math:`u = r + 2^{-54}`, :math:`r` from
        ``Generator.random`` (53 random bits).
    """
    if start < 0 or stop < start:
        raise ValueError(f"draw positions must satisfy 0 <= start <= stop, got {start}, {stop}")
    bits = np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=(_stream_key(name),)))
    bits.advance(int(start))
    return np.random.Generator(bits).random(int(stop - start)) + 2.0 ** -54


def distribution_parameters(distribution: str, value: float, low: float, high: float) -> dict:
    """The parameters a row's ``low``/``high`` stand for (see the module docstring).

    Returns
    -------
    dict
        uniform/structural ``{a, b}``; triangular ``{a, c, b}``; normal ``{mu, sigma}``;
        lognormal ``{m, s}`` (of :math:`\\ln X`).
    """
    if distribution in ("uniform", "structural"):
        return {"a": low, "b": high}
    if distribution == "triangular":
        return {"a": low, "c": value, "b": high}
    if distribution == "normal":
        return {"mu": (low + high) / 2.0, "sigma": (high - low) / (2.0 * Z975)}
    if distribution == "lognormal":
        return {"m": (np.log(low) + np.log(high)) / 2.0, "s": (np.log(high) - np.log(low)) / (2.0 * Z975)}
    raise ValueError(f"unknown distribution {distribution!r}; one of {', '.join(DISTRIBUTIONS)}")


def ppf(distribution: str, u, value: float, low: float, high: float) -> np.ndarray:
    r"""Inverse CDF: the values whose cumulative probability is ``u``.

    Parameters
    ----------
    distribution : str
        One of :data:`DISTRIBUTIONS`.
    u : array_like
        Probabilities in (0, 1).
    value, low, high : float
        The row's value and range, in its unit (meaning per distribution in the module docstring).

    Returns
    -------
    numpy.ndarray
        uniform :math:`a + u(b - a)`; triangular :math:`a + \sqrt{u(b-a)(c-a)}` for
        :math:`u < (c-a)/(b-a)`, else :math:`b - \sqrt{(1-u)(b-a)(b-c)}`; normal
        :math:`\mu + \sigma\Phi^{-1}(u)`; lognormal :math:`e^{m + s\Phi^{-1}(u)}`.
    """
    u = np.asarray(u, dtype=float)
    p = distribution_parameters(distribution, value, low, high)
    if distribution in ("uniform", "structural"):
        return p["a"] + u * (p["b"] - p["a"])
    if distribution == "triangular":
        a, c, b = p["a"], p["c"], p["b"]
        fc = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
        return np.where(u < fc, left, right)
    if distribution == "normal":
        return p["mu"] + p["sigma"] * ndtri(u)
    return np.exp(p["m"] + p["s"] * ndtri(u))


def range_problem(distribution: str, value: float, low, high) -> tuple[str, str, str] | None:
    """What is wrong with a row's range, as ``(code, zh, en)``, or ``None`` when it is usable.

    A range is refused when ``low``/``high`` are missing or not ordered, when the
    value lies outside it, when a normal or lognormal range is not centred on the
    value (within :data:`SYMMETRY_TOLERANCE` of the half-width; the value is the
    mean, or the median), when a lognormal range does not lie above 0, or when a
    normal range of a non-negative value would draw negative values more often than
    once in a thousand draws (use lognormal).
    """
    if distribution not in DISTRIBUTIONS:
        return ("bad_distribution", f"distribution {distribution!r} 无效，应为 {', '.join(DISTRIBUTIONS)} 之一",
                f"distribution {distribution!r} is not one of {', '.join(DISTRIBUTIONS)}")
    if low is None or high is None or np.isnan(low) or np.isnan(high):
        return ("range_incomplete", f"distribution = {distribution} 需要 low 与 high 两个数",
                f"distribution = {distribution} needs both low and high (numbers)")
    if not low < high:
        return ("range_not_ordered", f"low {low:g} 应小于 high {high:g}", f"low {low:g} must be below high {high:g}")
    if not low <= value <= high:
        return ("value_outside_range", f"数值 {value:g} 不在 low–high 范围 {low:g}–{high:g} 内",
                f"value {value:g} lies outside low–high {low:g}–{high:g}")
    if distribution == "normal":
        if abs(value - (low + high) / 2.0) > SYMMETRY_TOLERANCE * (high - low) / 2.0:
            return ("range_not_centred", f"正态分布的 low、high 是 2.5 %、97.5 % 分位数，应以数值 {value:g} 为中点",
                    f"low and high of a normal row are its 2.5 % and 97.5 % quantiles and must be centred on the "
                    f"value {value:g}; give a triangular or lognormal range instead")
        mu, sigma = (low + high) / 2.0, (high - low) / (2.0 * Z975)
        if value >= 0 and mu - 3.090232 * sigma < 0:  # Φ⁻¹(0.001) = −3.090232
            return ("normal_range_negative", "该正态范围会以超过千分之一的概率抽到负值",
                    "this normal range would draw negative values in more than one draw in a thousand; "
                    "give a lognormal range instead")
    if distribution == "lognormal":
        if low <= 0:
            return ("lognormal_not_positive", f"对数正态分布的 low {low:g} 必须大于 0",
                    f"low {low:g} of a lognormal row must be above 0")
        mid = (np.log(low) + np.log(high)) / 2.0
        if value <= 0 or abs(np.log(value) - mid) > SYMMETRY_TOLERANCE * (np.log(high) - np.log(low)) / 2.0:
            return ("range_not_centred", f"对数正态分布的数值 {value:g} 应为中位数 √(low·high) = {np.exp(mid):g}",
                    f"the value {value:g} of a lognormal row must be its median √(low·high) = {np.exp(mid):g}")
    return None


def saltelli_size(n_base: int, n_groups: int) -> int:
    """Model evaluations of a Saltelli design without second-order terms: :math:`N(G + 2)`."""
    return int(n_base) * (int(n_groups) + 2)


def saltelli_column(a, b, group: int, n_groups: int) -> np.ndarray:
    r"""One input's column of the Saltelli (2010) design, in the row order SALib's ``sobol.analyze`` reads.

    For base sample :math:`j` the design has :math:`G + 2` rows: :math:`A_j`, then
    :math:`A_B^{(1)} … A_B^{(G)}` (:math:`A_j` with the inputs of group :math:`k`
    taken from :math:`B_j`), then :math:`B_j`. An input of group ``group`` takes
    :math:`B_j` in the rows :math:`A_B^{(group+1)}` and :math:`B_j`, :math:`A_j` elsewhere.

    Parameters
    ----------
    a, b : array_like
        The input's values (or uniforms) in matrices A and B, one per base sample.
    group : int
        Index of the input's group, ``0 … n_groups-1``.
    n_groups : int

    Returns
    -------
    numpy.ndarray
        ``len(a) × (n_groups + 2)`` values, base sample by base sample.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if not 0 <= group < n_groups:
        raise ValueError(f"group {group} is not in 0 … {n_groups - 1}")
    block = np.repeat(a[:, None], n_groups + 2, axis=1)
    block[:, group + 1] = b
    block[:, -1] = b
    return block.ravel()

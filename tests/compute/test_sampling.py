"""Sampling a coefficient's range (gep.compute.sampling): the four distributions against scipy.stats,
what low/high mean, seeded streams independent of chunking, the Saltelli design, and the Sobol estimators against SALib's."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from gep.compute.sampling import (
    DISTRIBUTIONS,
    Z975,
    distribution_parameters,
    ppf,
    range_problem,
    saltelli_column,
    saltelli_size,
    stream_uniforms,
)
from gep.compute.sensitivity import sobol_indices

#: (distribution, value, low, high, the scipy.stats distribution low/high stand for)
CASES = {
    # uniform: low/high are the bounds
    "uniform": (5.0, 2.0, 8.0, stats.uniform(loc=2.0, scale=6.0)),
    # triangular: low/high the bounds, the value the mode: c = (3 − 1)/(9 − 1) = 0.25
    "triangular": (3.0, 1.0, 9.0, stats.triang(c=0.25, loc=1.0, scale=8.0)),
    # normal: low/high the 2.5/97.5 % quantiles: μ = 10, σ = (12 − 8)/(2·1.959964) = 1.020427
    "normal": (10.0, 8.0, 12.0, stats.norm(loc=10.0, scale=4.0 / (2 * 1.959963984540054))),
    # lognormal: ln X ~ N(m, s), m = (ln 0.5 + ln 2)/2 = 0, s = (ln 2 − ln 0.5)/(2·1.959964) = 0.353642
    "lognormal": (1.0, 0.5, 2.0, stats.lognorm(s=math.log(4.0) / (2 * 1.959963984540054), scale=1.0)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_inverse_cdf_is_scipys(name):
    value, low, high, dist = CASES[name]
    u = np.linspace(0.001, 0.999, 999)
    np.testing.assert_allclose(ppf(name, u, value, low, high), dist.ppf(u), rtol=1e-12, atol=1e-12)


def test_low_and_high_mean_what_the_docs_say():
    # Φ⁻¹(0.975) = 1.959964 (two-sided 95 %)
    assert Z975 == pytest.approx(1.959963984540054, rel=1e-15)
    # normal 8–12: the 2.5 % quantile is 8 and the 97.5 % quantile 12, the median 10
    assert ppf("normal", [0.025, 0.5, 0.975], 10.0, 8.0, 12.0) == pytest.approx([8.0, 10.0, 12.0], rel=1e-12)
    # lognormal 0.5–2: quantiles 0.5 and 2, median √(0.5·2) = 1
    assert ppf("lognormal", [0.025, 0.5, 0.975], 1.0, 0.5, 2.0) == pytest.approx([0.5, 1.0, 2.0], rel=1e-12)
    # triangular (1, 3, 9): F(3) = (3−1)/(9−1) = 0.25, so u = 0.25 gives the mode;
    # u = 0.5: 9 − √(0.5·8·6) = 9 − 4.898979 = 4.101021
    assert ppf("triangular", [0.25, 0.5], 3.0, 1.0, 9.0) == pytest.approx([3.0, 9 - math.sqrt(24.0)], rel=1e-12)
    # uniform 2–8: u = 0.3 → 2 + 0.3·6 = 3.8; a structural range is drawn the same way when included
    assert ppf("uniform", 0.3, 5.0, 2.0, 8.0) == pytest.approx(3.8)
    assert ppf("structural", 0.3, 5.0, 2.0, 8.0) == pytest.approx(3.8)
    # σ = (12 − 8)/(2·1.959964) = 1.020427
    assert distribution_parameters("normal", 10.0, 8.0, 12.0)["sigma"] == pytest.approx(1.020427, rel=1e-6)


@pytest.mark.parametrize("name", list(CASES))
def test_the_sampler_has_the_distributions_quantiles(name):
    """Quantiles of 100 000 draws against scipy.stats: by the DKW inequality the empirical CDF is within
    0.01 of the true one everywhere except with probability 2·exp(−2·10⁵·10⁻⁴) = 4e-9."""
    value, low, high, dist = CASES[name]
    x = ppf(name, stream_uniforms(20261122, f"test|{name}", 0, 100_000), value, low, high)
    for q in (0.05, 0.5, 0.95):
        assert dist.cdf(np.quantile(x, q)) == pytest.approx(q, abs=0.01)
    assert low <= x.min() if name in ("uniform", "triangular") else True
    assert x.max() <= high if name in ("uniform", "triangular") else True


def test_same_seed_same_draws_whatever_the_chunks():
    whole = stream_uniforms(7, "coef|set|price.x|*|*|2010", 0, 1000)
    chunks = np.concatenate([stream_uniforms(7, "coef|set|price.x|*|*|2010", a, b)
                             for a, b in ((0, 7), (7, 100), (100, 999), (999, 1000))])
    assert np.array_equal(whole, chunks)                    # bit for bit
    assert np.array_equal(whole, stream_uniforms(7, "coef|set|price.x|*|*|2010", 0, 1000))
    assert not np.array_equal(whole, stream_uniforms(8, "coef|set|price.x|*|*|2010", 0, 1000))  # another seed
    assert not np.array_equal(whole, stream_uniforms(7, "coef|set|price.y|*|*|2010", 0, 1000))  # another row
    assert ((whole > 0) & (whole < 1)).all()                # open interval: Φ⁻¹ is finite
    with pytest.raises(ValueError):
        stream_uniforms(7, "x", 5, 3)


def test_saltelli_layout_is_the_one_salib_reads():
    # base samples j = 0, 1; G = 2 groups; an input of group 1 takes B in the rows A_B^(2) and B:
    # [A0, A_B1, A_B2, B0, A1, A_B1, A_B2, B1] = [1, 1, 10, 10, 2, 2, 20, 20]
    assert saltelli_column([1.0, 2.0], [10.0, 20.0], 1, 2).tolist() == [1, 1, 10, 10, 2, 2, 20, 20]
    assert saltelli_column([1.0, 2.0], [10.0, 20.0], 0, 2).tolist() == [1, 10, 1, 10, 2, 20, 2, 20]
    assert saltelli_size(512, 3) == 512 * 5
    with pytest.raises(ValueError):
        saltelli_column([1.0], [2.0], 2, 2)


def test_sobol_indices_of_a_linear_function_are_the_analytical_ones():
    r"""Y = Σ a_i X_i with independent X_i: S_i = ST_i = a_i² σ_i² / Σ_j a_j² σ_j².

    X_1 ~ U(0, 1) (σ² = 1/12), X_2 normal 4–6 (σ = 2/(2·1.959964) = 0.510214, σ² = 0.260318),
    X_3 ~ U(−1, 1) (σ² = 1/3); a = (3, 1, 2): a²σ² = (0.75, 0.260318, 1.333333), total 2.343651
    → S = (0.320014, 0.111074, 0.568913)."""
    specs = [("uniform", 0.5, 0.0, 1.0), ("normal", 5.0, 4.0, 6.0), ("uniform", 0.0, -1.0, 1.0)]
    a = np.array([3.0, 1.0, 2.0])
    var = np.array([1 / 12, (2 / (2 * Z975)) ** 2, 4 / 12])
    expected = a ** 2 * var / (a ** 2 * var).sum()
    assert expected == pytest.approx([0.320014, 0.111074, 0.568913], abs=1e-6)
    n = 2 ** 13
    cols = []
    for i, spec in enumerate(specs):
        ua = stream_uniforms(1, f"x{i}|A", 0, n)
        ub = stream_uniforms(1, f"x{i}|B", 0, n)
        cols.append(ppf(spec[0], saltelli_column(ua, ub, i, 3), *spec[1:]))
    y = a @ np.vstack(cols)
    si = sobol_indices(y, 3, seed=1)
    np.testing.assert_allclose(si["S1"], expected, atol=0.03)
    np.testing.assert_allclose(si["ST"], expected, atol=0.03)
    assert np.all(si["S1_conf"] > 0) and np.all(si["S1_conf"] < 0.05)


@pytest.mark.parametrize("groups, n, seed", [(1, 64, 3), (3, 256, 1), (22, 128, 7), (4, 50, 0)])
def test_sobol_indices_are_salibs_to_the_last_bit(groups, n, seed):
    # SALib's sobol.analyze (calc_second_order=False) is the reference: the same estimators and bootstrap
    import warnings

    sobol = pytest.importorskip("SALib.analyze.sobol")
    rng = np.random.default_rng(groups * 1000 + n)
    y = 1e9 + rng.normal(size=n * (groups + 2)) * rng.uniform(1.0, 5.0, size=n * (groups + 2))
    names = [f"g{i}" for i in range(groups)]
    if seed == 0:  # SALib draws its resamples unseeded for seed 0: only the indices can be compared
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            si = sobol.analyze({"num_vars": groups, "names": names, "groups": names}, y, calc_second_order=False)
        mine = sobol_indices(y, groups, seed=0)
        assert np.array_equal(si["S1"], mine["S1"]) and np.array_equal(si["ST"], mine["ST"])
        assert np.array_equal(sobol_indices(y, groups, seed=0)["S1_conf"], mine["S1_conf"])  # seed 0 is a seed
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        si = sobol.analyze({"num_vars": groups, "names": names, "groups": names}, y, calc_second_order=False,
                           seed=seed)
    mine = sobol_indices(y, groups, seed=seed)
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        assert np.array_equal(np.asarray(si[key]), mine[key]), key


def test_sobol_indices_of_outputs_that_do_not_vary_are_zero():
    out = sobol_indices(np.full(5 * 4, 7.0), 2, seed=1)
    assert all(np.array_equal(v, np.zeros(2)) for v in out.values())
    with pytest.raises(ValueError):
        sobol_indices(np.zeros(7), 2, seed=1)  # not a multiple of groups + 2


@pytest.mark.parametrize("args, code", [
    (("gaussian", 1.0, 0.5, 1.5), "bad_distribution"),
    (("uniform", 1.0, None, 2.0), "range_incomplete"),
    (("uniform", 1.0, float("nan"), 2.0), "range_incomplete"),
    (("uniform", 1.0, 2.0, 1.0), "range_not_ordered"),
    (("uniform", 1.0, 1.0, 1.0), "range_not_ordered"),
    (("triangular", 3.0, 0.5, 2.0), "value_outside_range"),
    (("normal", 1.0, 0.9, 1.5), "range_not_centred"),          # midpoint 1.2, half-width 0.3: 0.2 > 0.003
    (("normal", 1.0, 0.1, 1.9), "normal_range_negative"),      # σ = 0.4592, μ − 3.09σ = −0.419 < 0
    (("lognormal", 1.0, -1.0, 2.0), "lognormal_not_positive"),
    (("lognormal", 1.0, 0.5, 4.0), "range_not_centred"),       # median √(0.5·4) = 1.414 ≠ 1
])
def test_a_range_that_cannot_be_drawn_is_named(args, code):
    found = range_problem(*args)
    assert found is not None and found[0] == code
    assert found[1] and found[2]                                # Chinese and English


def test_usable_ranges_pass():
    for name, (value, low, high, _) in CASES.items():
        assert range_problem(name, value, low, high) is None
    assert range_problem("normal", 1.0, 0.7, 1.3) is None          # ±30 %: μ − 3.09σ = 0.527 > 0
    assert range_problem("normal", 1.0, 0.801, 1.2) is None        # off-centre by 0.0005 ≤ 1 % of 0.1995
    assert range_problem("triangular", 1.0, 1.0, 10.0) is None     # mode at the lower bound
    assert range_problem("structural", 7.06, 5.797, 7.144) is None
    assert set(DISTRIBUTIONS) == {"uniform", "triangular", "normal", "lognormal", "structural"}

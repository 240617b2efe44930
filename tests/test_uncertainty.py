"""The uncertainty of an account (gep.account_uncertainty): draws along a ``draw`` dimension, one per row.

The tiny account values two townships by value transfer (profile xie2015-gep, set xie-2015, year 2010 so
nothing is rebased): GEP = Σ_services Σ_types A_type · eq_{service,type} · V with V the value of one
standard equivalent (元/hm²). With the default equivalents its GEP is 23 466 000 元 at V = 3000, so
GEP = K·V with K = 7822 hm² (equivalent-weighted area, all nine services).
"""

from __future__ import annotations

import json
import math

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import gep
from gep.account.uncertainty import settings_from_config
from gep.compute.sampling import Z975, ppf, stream_uniforms
from gep.errors import CoefficientError, ConfigError, GepError
from gep.testing import write_coefficient_set
from conftest import tiny_regions

YEAR = 2010
K = 7822.0                      # hm²: GEP / V of the tiny account
LAND = xr.DataArray([[60.0, 40.0, 0.0, 0.0], [0.0, 0.0, 150.0, 50.0]], dims=("region", "ecosystem"),
                    coords={"region": ["t0", "t1"],
                            "ecosystem": ["forest_broadleaf", "water", "grassland_meadow", "farmland_paddy"]},
                    attrs={"units": "hm²"})
V_ROW = {"key": "esv.standard_equivalent_value", "value": 3000, "unit": "元/hm²", "price_year": YEAR,
         "valid_from": YEAR}
#: the stream of V's row: coef|<set>|<key>|<ecosystem>|<region>|<valid_from>
V_STREAM = f"coef|tiny-unc|esv.standard_equivalent_value|*|*|{YEAR}"


def tiny(tmp_path, rows=(), v=None, **sections) -> gep.Account:
    """The tiny account, V given by ``v`` (a dict of extra columns: a range), other rows as given."""
    records = [{**V_ROW, **(v or {})}] + list(rows)
    cset = write_coefficient_set(tmp_path / "tiny-unc", records, set_id="tiny-unc", extends="xie-2015")
    return gep.Account.from_inputs(year=YEAR, regions=tiny_regions((1.0, 2.0)), land_use=LAND,
                                   coefficients=str(cset), sections=sections or None)


UNIFORM_V = {"low": 2000, "high": 4000, "distribution": "uniform", "range_note": "test"}


@pytest.fixture(scope="module")
def uniform_v(tmp_path_factory):
    acct = tiny(tmp_path_factory.mktemp("uv"), v=UNIFORM_V)
    return acct, gep.account_uncertainty(acct, 20_000, seed=3, variants=False)


def test_the_tiny_account_is_k_times_v(uniform_v):
    acct, unc = uniform_v
    # deterministic: 23 466 000 元 = 7822 hm² × 3000 元/hm²
    assert unc.deterministic.total == pytest.approx(K * 3000, rel=1e-12)
    # one draw of V per draw, the same for every township and all nine services that read it:
    # GEP_k = K · V_k with V_k = 2000 + 2000 · u_k, u_k the k-th uniform of V's stream
    v = ppf("uniform", stream_uniforms(3, V_STREAM, 0, 20_000), 3000, 2000, 4000)
    np.testing.assert_allclose(unc.gep, K * v, rtol=1e-12)
    per_service = unc.value.sum("region").values                           # draw × service
    k_s = unc.deterministic.by_service.reindex(unc.value.service.values).to_numpy() / 3000
    np.testing.assert_allclose(per_service / k_s, np.repeat(v[:, None], len(k_s), axis=1), rtol=1e-12)
    assert [s["key"] for s in unc.sampled] == ["esv.standard_equivalent_value"]
    assert unc.sampled[0]["distribution"] == "uniform" and unc.sampled[0]["status"] == "illustrative"
    # the equivalent factors have no range: used at their value, and listed
    assert {h["reason"] for h in unc.held} == {"no_range"}
    assert all(h["key"].startswith("esv.equivalent.") for h in unc.held)


def test_percentiles_are_those_of_k_times_a_uniform(uniform_v):
    _, unc = uniform_v
    s = unc.summary()
    # V ~ U(2000, 4000): 5 % = 2100, 50 % = 3000, 95 % = 3900; × K = 1.64262e7, 2.3466e7, 3.05058e7 元.
    # The empirical quantile of 20 000 draws is within ±0.01 in probability (DKW), i.e. ±20 元/hm² of V.
    for q, v in ((5, 2100), (50, 3000), (95, 3900)):
        assert s["gep"][f"p{q}"] == pytest.approx(K * v, abs=K * 20)
    assert s["gep"]["deterministic"] == pytest.approx(2.3466e7)
    assert s["by_category"]["regulating"]["p50"] == pytest.approx(
        unc.deterministic.by_category["regulating"], rel=0.01)
    assert unc.interval() == pytest.approx((K * 2100, K * 3000, K * 3900), abs=K * 20)


def test_the_mean_converges_to_the_deterministic_result_for_symmetric_ranges(tmp_path):
    """Symmetric, independent ranges (V uniform, two equivalent factors normal, one triangular with the mode in
    the middle): E[GEP] = GEP at the values (products of independent means). The mean of N draws is within
    4 standard errors (4·sd/√N) of it, which fails by chance with probability 6e-5."""
    rows = [{"key": "esv.equivalent.hydrological_regulation", "ecosystem": "water", "value": 102.24, "unit": "1",
             "valid_from": 2010, "low": 102.24 * 0.8, "high": 102.24 * 1.2, "distribution": "normal", "range_note": "test"},
            {"key": "esv.equivalent.climate_regulation", "ecosystem": "forest_broadleaf", "value": 5.07, "unit": "1",
             "valid_from": 2010, "low": 4.0, "high": 6.14, "distribution": "triangular", "range_note": "test"},
            {"key": "esv.equivalent.soil_conservation", "ecosystem": "grassland_meadow", "value": 1.72, "unit": "1",
             "valid_from": 2010, "low": 1.72 * 0.7, "high": 1.72 * 1.3, "distribution": "normal", "range_note": "test"}]
    acct = tiny(tmp_path, rows, v=UNIFORM_V)
    n = 40_000
    unc = gep.account_uncertainty(acct, n, seed=11, sobol_samples=0, variants=False)
    det = unc.deterministic.total
    mean, sd = unc.gep.mean(), unc.gep.std(ddof=1)
    assert abs(mean - det) <= 4 * sd / math.sqrt(n)
    assert abs(mean - det) / det < 0.01
    assert len(unc.sampled) == 4


def test_sobol_indices_of_the_tiny_account_are_the_linear_ones(tmp_path):
    r"""With V fixed, GEP = c + a_1 x_1 + a_2 x_2 for two equivalent factors of different keys:
    x_1 = eq(hydrological_regulation, water) ~ U(80, 120), a_1 = 40 hm² × 3000 = 1.2e5, a_1²σ_1² = 1.44e10·1600/12 = 1.92e12;
    x_2 = eq(climate_regulation, forest) normal 4–6 (σ = 0.510214), a_2 = 60 × 3000 = 1.8e5,
    a_2²σ_2² = 3.24e10·0.260318 = 8.43430e9.
    S_1 = 1.92e12 / 1.928434e12 = 0.995626, S_2 = 0.004374; ST_i = S_i (no interaction)."""
    rows = [{"key": "esv.equivalent.hydrological_regulation", "ecosystem": "water", "value": 100, "unit": "1",
             "valid_from": 2010, "low": 80, "high": 120, "distribution": "uniform", "range_note": "test"},
            {"key": "esv.equivalent.climate_regulation", "ecosystem": "forest_broadleaf", "value": 5, "unit": "1",
             "valid_from": 2010, "low": 4, "high": 6, "distribution": "normal", "range_note": "test"}]
    acct = tiny(tmp_path, rows)
    unc = gep.account_uncertainty(acct, 1000, seed=5, sobol_samples=4096, variants=False)
    sens = unc.sensitivity
    assert sens["status"] == "ok" and sens["base_samples"] == 4096 and sens["evaluations"] == 4096 * 4
    got = {g["group"]: g for g in sens["groups"]}
    v1 = (40 * 3000) ** 2 * 40 ** 2 / 12
    v2 = (60 * 3000) ** 2 * (2 / (2 * Z975)) ** 2
    s1 = v1 / (v1 + v2)
    assert s1 == pytest.approx(0.995626, abs=1e-6)
    for key, s in (("esv.equivalent.hydrological_regulation", s1), ("esv.equivalent.climate_regulation", 1 - s1)):
        assert got[key]["S1"] == pytest.approx(s, abs=0.03)
        assert got[key]["ST"] == pytest.approx(s, abs=0.03)
    assert [g["group"] for g in sens["groups"]][0] == "esv.equivalent.hydrological_regulation"   # ranked by ST


def test_the_same_seed_gives_bit_identical_draws_whatever_the_chunks(tmp_path):
    rows = [{"key": "esv.equivalent.hydrological_regulation", "ecosystem": "water", "value": 100, "unit": "1",
             "valid_from": 2010, "low": 50, "high": 200, "distribution": "lognormal", "range_note": "test"}]
    acct = tiny(tmp_path, rows, v=UNIFORM_V)
    kw = dict(sobol_samples=0, variants=False, land_use_accuracy=0.9, land_use_error_source="test")
    a = gep.account_uncertainty(acct, 300, seed=42, chunk=1000, **kw)
    b = gep.account_uncertainty(acct, 300, seed=42, chunk=7, **kw)
    c = gep.account_uncertainty(acct, 300, seed=42, chunk=128, **kw)
    assert np.array_equal(a.value.values, b.value.values) and np.array_equal(a.value.values, c.value.values)
    assert not np.array_equal(a.value.values, gep.account_uncertainty(acct, 300, seed=43, **kw).value.values)
    # the first 100 draws of 300 are the 100 draws of a run of 100
    assert np.array_equal(a.value.values[:100], gep.account_uncertainty(acct, 100, seed=42, **kw).value.values)


def _two_mountains(folder, target: float, direction: str = "not_less_than"):
    row = {"no": 1, "goal_zh": "目标", "task_zh": "任务", "indicator_zh": "单位国土面积生态系统生产总值",
           "indicator_en": "GEP per unit land area", "unit": "万元/km²", "target_text": f"≥{target:g}",
           "target_value": target, "direction": direction, "status_value": "", "year": YEAR,
           "data_source": "test", "computed_by": "gep_per_area"}
    path = folder / "two_mountains.csv"
    pd.DataFrame([row]).to_csv(path, index=False)
    return path


def test_probability_of_a_target_met_by_hand(tmp_path):
    r"""GEP per area = K·V / 10⁴ / 3 km² (万元/km²). Target ≥ T with T = K·3500/(3·10⁴) = 912.5667:
    met when V ≥ 3500, P = (4000 − 3500)/(4000 − 2000) = 0.25. With 20 000 draws the share is within
    4·√(0.25·0.75/20 000) = 0.0122 of it. The appraisal's p_met of a GEP target ≥ K·3500 元 is the same share."""
    acct = tiny(tmp_path, v=UNIFORM_V)
    target = K * 3500 / 3e4
    assert target == pytest.approx(912.5667, abs=1e-4)
    acct.config["inputs"]["two_mountains"] = str(_two_mountains(tmp_path, target))
    unc = gep.account_uncertainty(acct, 20_000, seed=9, sobol_samples=0, variants=False)
    (row,) = unc.two_mountains
    assert row["computed_by"] == "gep_per_area" and row["met"] is False     # 3000 < 3500 at the value
    assert row["p_met"] == pytest.approx(0.25, abs=0.0122)
    share = float(np.mean(unc.gep / 1e4 / 3.0 >= target))
    assert row["p_met"] == pytest.approx(share, abs=1e-12)
    # the appraisal reads the draws (value: draw × service × region)
    targets = pd.DataFrame([{"region": "c", "indicator": "gep", "target": K * 3500, "unit": "元",
                             "direction": "at_least", "year": YEAR, "price_year": YEAR, "status": "illustrative"}])
    from gep.decisions import appraise

    app = appraise(unc.deterministic, targets, draws=unc.value)
    assert app.table.iloc[0]["met"] == False  # noqa: E712  (3000 < 3500 at the value)
    assert app.table.iloc[0]["p_met"] == pytest.approx(float(np.mean(unc.gep >= K * 3500)), abs=1e-12)


def test_structural_ranges_are_shown_apart_unless_asked_for(tmp_path):
    """A structural range (published point values 2500 and 3500) is not drawn: GEP at each end, one at a time,
    is K·2500 = 19 555 000 and K·3500 = 27 377 000 元. With include_structural it is drawn, uniformly, and flagged."""
    acct = tiny(tmp_path, v={"low": 2500, "high": 3500, "distribution": "structural", "range_note": "test", "range_source": "test",
                             "range_note": "two other published values"})
    unc = gep.account_uncertainty(acct, 500, seed=1, variants=False)
    assert unc.sampled == [] and np.allclose(unc.gep, K * 3000, rtol=1e-12)
    (rng,) = unc.structural["ranges"]
    assert rng["gep_at_low"] == pytest.approx(K * 2500, rel=1e-12)
    assert rng["gep_at_high"] == pytest.approx(K * 3500, rel=1e-12)
    assert rng["range_note"] == "two other published values"
    assert {h["reason"] for h in unc.held if h["key"] == "esv.standard_equivalent_value"} == {"structural"}
    assert unc.summary()["includes_structural"] is False
    assert unc.sensitivity["status"] == "not_computed"
    inc = gep.account_uncertainty(acct, 2000, seed=1, include_structural=True, sobol_samples=0, variants=False)
    assert inc.summary()["includes_structural"] is True
    assert inc.gep.min() >= K * 2500 and inc.gep.max() <= K * 3500 and inc.gep.std() > 0
    assert any("structural" in n for n in inc.sheet()[1])


def test_land_use_error_moves_area_between_classes_and_keeps_region_totals(tmp_path):
    r"""Overall accuracy 0.9: every class's area × f_c, f_c normal with 95 % interval 1 ± 0.1, then scaled so
    each township keeps its land area: A'_{t0,forest} = 60 f_f · 100 / (60 f_f + 40 f_w)."""
    from dataclasses import replace

    from gep.services.draws import DrawMode
    from gep.account.uncertainty import MonteCarlo

    acct = tiny(tmp_path)
    ctx = acct.plan().context
    mode = DrawMode(MonteCarlo(4, 0, 1000), 1000, ctx.coefficients,
                    land_use_error={e: 0.1 for e in map(str, LAND.ecosystem.values)})
    drawn = replace(ctx, draws=mode).require_areas("test")
    np.testing.assert_allclose(drawn.sum("ecosystem").values, np.repeat(LAND.sum("ecosystem").values[:, None], 1000, 1),
                               rtol=1e-12)
    f = {e: ppf("normal", stream_uniforms(4, f"land_use|{e}", 0, 1000), 1.0, 0.9, 1.1) for e in ("forest_broadleaf", "water")}
    expected = 60 * f["forest_broadleaf"] * 100 / (60 * f["forest_broadleaf"] + 40 * f["water"])
    np.testing.assert_allclose(drawn.sel(region="t0", ecosystem="forest_broadleaf").values, expected, rtol=1e-12)
    assert float(drawn.sel(region="t0", ecosystem="grassland_meadow").max()) == 0.0   # no area stays no area
    # the account with it: the land-use group is drawn and named in the summary
    unc = gep.account_uncertainty(acct, 300, seed=4, land_use_accuracy=0.9, land_use_error_source="test",
                                  sobol_samples=0, variants=False)
    s = unc.summary()
    assert s["inputs"]["land_use"]["relative_error"] == {e: 0.1 for e in LAND.ecosystem.values}
    assert s["inputs"]["land_use"]["kind"] == "overall_accuracy"
    assert {r["group"] for r in unc.sampled} == {"input.land_use"}
    assert unc.gep.std() > 0


def test_a_shipped_product_accuracy_gives_each_class_one_minus_it():
    s = settings_from_config({"uncertainty": {"land_use_product": "cnlucc"}}, ["forest_broadleaf", "water"])
    # CNLUCC ≥ 94.3 %: 1 − 0.943 = 0.057 for every class
    assert s.land_use_error == {"forest_broadleaf": 0.057, "water": 0.057}
    assert s.land_use_basis["product"] == "cnlucc" and "94.3" in s.land_use_basis["source"]
    s = settings_from_config({"uncertainty": {"land_use_error": {"forest": 0.1, "water": 0.2},
                                              "land_use_error_source": "county error matrix 2021"}},
                             ["forest_broadleaf", "forest_mixed", "water", "built_up"])
    assert s.land_use_error == {"forest_broadleaf": 0.1, "forest_mixed": 0.1, "water": 0.2}   # a group or a type


@pytest.mark.parametrize("section, column", [
    ({"land_use_accuracy": 0.95}, "uncertainty.land_use_error_source"),
    ({"land_use_accuracy": 0.5, "land_use_error_source": "x"}, "uncertainty.land_use_accuracy"),
    ({"land_use_product": "corine"}, "uncertainty.land_use_product"),
    ({"land_use_product": "cnlucc", "land_use_accuracy": 0.9}, "uncertainty.land_use_product"),
    ({"land_use_error": {"forest": 0.5}, "land_use_error_source": "x"}, "uncertainty.land_use_error.forest"),
    ({"land_use_error": {"jungle": 0.1}, "land_use_error_source": "x"}, "uncertainty.land_use_error.jungle"),
    ({"land_use_error": 0.1, "land_use_error_source": "x"}, "uncertainty.land_use_error"),
    ({"statistics_error": 0.05}, "uncertainty.statistics_error_source"),
    ({"statistics_error": -0.05, "statistics_error_source": "x"}, "uncertainty.statistics_error"),
    ({"chunk": 0}, "uncertainty.chunk"),
    ({"sobol_samples": 1.5}, "uncertainty.sobol_samples"),
    ({"include_structural": "yes"}, "uncertainty.include_structural"),
])
def test_a_bad_uncertainty_setting_is_named(section, column):
    with pytest.raises(ConfigError) as exc:
        settings_from_config({"uncertainty": section}, ["forest_broadleaf", "water"])
    assert any(p.column == column and p.code == "bad_uncertainty_setting" for p in exc.value.problems), \
        [p.column for p in exc.value.problems]


def test_bad_draws_or_seed_are_named():
    for kw, col in (({"draws": 1}, "uncertainty.draws"), ({"draws": 10, "seed": -1}, "uncertainty.seed")):
        with pytest.raises(ConfigError) as exc:
            settings_from_config({}, [], **kw)
        assert exc.value.problems[0].column == col


def test_an_account_with_problems_is_refused_like_run(tmp_path):
    acct = tiny(tmp_path)
    acct.config["inputs"]["land_use"] = str(tmp_path / "missing.csv")
    with pytest.raises(GepError):
        gep.account_uncertainty(acct, 10)


def test_sensitivity_needs_neither_salib_nor_scipy_stats(tmp_path):
    # the Sobol estimators are gep's own (gep.compute.sensitivity): an uncertainty run imports neither SALib nor
    # scipy.stats (0.6-0.7 s, more than the example's whole Monte Carlo), checked in a fresh interpreter
    import subprocess
    import sys

    code = ("import sys, gep\n"
            "acct = gep.Account.from_config(gep.example_config())\n"
            "unc = gep.account_uncertainty(acct, 64, seed=1, variants=False)\n"
            "assert unc.sensitivity['status'] == 'ok', unc.sensitivity\n"
            "print(sorted(m for m in ('SALib', 'scipy.stats') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_a_range_that_cannot_be_drawn_stops_the_set(tmp_path):
    with pytest.raises(CoefficientError) as exc:
        gep.load_coefficients(write_coefficient_set(tmp_path / "bad", [
            {**V_ROW, "low": 3500, "high": 4000, "distribution": "uniform"},  # value outside, and no range_note
            {"key": "esv.natural_share", "value": 0.14, "unit": "1", "low": 0.1, "high": 0.2},  # no distribution
            {"key": "price.co2", "value": 100, "unit": "元/t", "price_year": 2010, "low": 50, "high": 150,
             "distribution": "structural", "range_note": "test"},                                                  # no range_source
            {"key": "price.oxygen", "value": 100, "unit": "元/t", "price_year": 2010, "low": 50, "high": 150,
             "distribution": "uniform", "range_note": "test", "range_source": "nowhere"},                          # undeclared source
        ], set_id="bad", extends="xie-2015"))
    codes = {p.code for p in exc.value.problems}
    assert codes == {"value_outside_range", "range_without_note", "range_without_distribution",
                     "structural_without_source", "unknown_source"}
    assert all(p.file and p.row for p in exc.value.problems)


def test_ranges_do_not_change_what_a_deterministic_account_rests_on(tmp_path):
    plain = gep.load_coefficients(write_coefficient_set(tmp_path / "a", [V_ROW], set_id="s", extends="xie-2015"))
    ranged = gep.load_coefficients(write_coefficient_set(tmp_path / "b", [{**V_ROW, **UNIFORM_V}], set_id="s",
                                                         extends="xie-2015"))
    wider = gep.load_coefficients(write_coefficient_set(tmp_path / "c", [{**V_ROW, **UNIFORM_V, "high": 4500}],
                                                        set_id="s", extends="xie-2015"))
    assert plain.sha256 == ranged.sha256 == wider.sha256
    assert len({plain.ranges_sha256, ranged.ranges_sha256, wider.ranges_sha256}) == 3
    other = gep.load_coefficients(write_coefficient_set(tmp_path / "d", [{**V_ROW, "value": 3001}], set_id="s",
                                                        extends="xie-2015"))
    assert other.sha256 != plain.sha256


def test_rebased_prices_are_drawn_in_the_row_s_price_year_and_rebased_alike(tmp_path):
    """V of 2010 in a 2011 account at current prices: value and draws × CPI 2011 (105.4 %)."""
    cset = write_coefficient_set(tmp_path / "tiny-unc", [{**V_ROW, **UNIFORM_V}], set_id="tiny-unc",
                                 extends="xie-2015")
    acct = gep.Account.from_inputs(year=2011, regions=tiny_regions((1.0, 2.0)), land_use=LAND,
                                   coefficients=str(cset))
    unc = gep.account_uncertainty(acct, 1000, seed=2, sobol_samples=0, variants=False)
    v = ppf("uniform", stream_uniforms(2, V_STREAM, 0, 1000), 3000, 2000, 4000)
    assert unc.deterministic.total == pytest.approx(K * 3000 * 1.054, rel=1e-9)
    np.testing.assert_allclose(unc.gep, K * v * 1.054, rtol=1e-9)


def test_outputs_summary_sheet_console_and_report(uniform_v):
    from gep.report.html import _percentiles

    acct, unc = uniform_v
    res = acct.run()
    unc.attach(res)
    s = json.loads(json.dumps(res.summary()["uncertainty"]))          # plain JSON
    assert s["draws"] == 20_000 and s["seed"] == 3 and s["includes_structural"] is False
    assert set(s["gep"]) == {"deterministic", "mean", "sd", "p5", "p50", "p95"}
    assert set(s["by_region"]) == {"t0", "t1"} and "regulating" in s["by_category"]
    assert set(s["indicators"]) >= {"gep_per_area", "gep_per_resident", "gep_gdp_ratio"}
    # GEP per area: K·V/10⁴/3 km² → p50 ≈ 7822·3000/3e4 = 782.2 万元/km²
    assert s["indicators"]["gep_per_area"]["p50"] == pytest.approx(782.2, abs=782.2 * 0.01)
    assert _percentiles(s["gep"]) == (s["gep"]["p5"], s["gep"]["p50"], s["gep"]["p95"])   # the report reads it
    assert all(_percentiles(r) for r in s["by_service"].values())
    frame, notes = res.extra["report_sheets"]["不确定性 Uncertainty"]
    gep_row = frame[frame["项目 Item"] == "GEP"].iloc[0]
    assert gep_row["5 %"] == pytest.approx(s["gep"]["p5"] / 1e8) and gep_row["单位 Unit"] == "亿元"
    assert "敏感性 Sensitivity" in res.extra["report_sheets"]
    assert any("90 %" in title for title in res.extra["console_tables"])
    assert any("illustrative" in n for n in notes)


# ------------------------------------------------------------------------------------ the example county
@pytest.fixture(scope="module")
def example_unc():
    acct = gep.Account.from_config(gep.example_config())
    return acct, gep.account_uncertainty(acct, 400, seed=1, sobol_samples=0, variants=False)


def test_the_example_county_draws_its_illustrative_ranges_land_use_and_statistics(example_unc):
    acct, unc = example_unc
    s = unc.summary()
    kinds = {r["kind"] for r in unc.sampled}
    assert kinds == {"coefficient", "land_use", "statistics"}
    assert all(r["status"] == "illustrative" for r in unc.sampled if r["kind"] == "coefficient")
    # [uncertainty] of gep.toml: CNLUCC's 94.3 % as an illustrative accuracy, ±5 % on statistics rows
    assert s["inputs"]["land_use"]["overall_accuracy"] == 0.943
    assert set(s["inputs"]["land_use"]["relative_error"].values()) == {0.057}
    assert s["inputs"]["statistics"]["relative_error"] == 0.05
    # a statistics row's value moves by its own factor: provisioning_k − provisioning = Σ_r v_r (f_r − 1)
    from gep.services.products import statistics_values

    rows = statistics_values(acct.plan().context)["provisioning"]
    # each row's stream is named "statistics|<file name>:<row>" (the folder left out)
    f = {r["source_row"]: ppf("normal", stream_uniforms(1, f"statistics|{Path(r['source_row']).name}", 0, 400),
                              1.0, 0.95, 1.05)
         for r in unc.sampled if r["kind"] == "statistics"}
    expected = sum(v * (f[str(src)] - 1.0) for v, src in zip(rows["value"], rows["source_row"]))
    provisioning = unc.by_category()["provisioning"]
    np.testing.assert_allclose(provisioning - unc.deterministic.by_category["provisioning"], expected,
                               rtol=1e-9, atol=1e-3)
    # the literature rows of cn-rcees carry no range: used at their value and listed
    assert "price.electricity" in s["held"]["keys"]
    lo, mid, hi = unc.interval()
    assert lo < unc.deterministic.total < hi


def test_the_example_county_judges_its_two_mountains_rows_in_every_draw(example_unc):
    _, unc = example_unc
    rows = {r["computed_by"]: r for r in unc.two_mountains}
    # 表1 rows 10 and 11 are "稳定提高" (higher is better): a one-year account has no previous year,
    # so neither the account nor any draw can judge them; the reason is kept
    assert rows["gep_per_area"]["p_met"] is None and rows["gep_per_area"]["met"] is None
    assert rows["gep_per_area"]["reason"]["en"] == "no previous year to compare"


def test_per_pixel_lookups_of_spatial_methods_are_held_and_listed():
    acct = gep.Account.from_config(gep.example_config("gep-spatial.toml"))
    unc = gep.account_uncertainty(acct, 50, seed=1, sobol_samples=0, variants=False)
    reasons = {(h["key"], h["reason"]) for h in unc.held}
    assert ("rate.rusle_c", "per_pixel_lookup") in reasons
    assert unc.gep.std() > 0                        # the prices and rates read after the zonal sums are drawn


def test_gep_under_a_method_variant_has_the_interval_of_a_run_with_that_method(example_copy):
    # the structural spread of methods, with the parametric interval of each variant: on the same draws
    # (common random numbers), G_k − V_{s,k} + V^v_{s,k} must be the GEP of draw k of a run that chose v
    from conftest import choose_method

    acct = gep.Account.from_config(example_copy)
    unc = gep.account_uncertainty(acct, 150, seed=4, sobol_samples=0, chunk=60)
    intervals = unc.summary()["structural"]["method_variants"]["intervals"]
    assert set(intervals["climate_regulation"]) == {"tabular", "tabular_cop", "tabular_humidifier_only"}
    own = intervals["climate_regulation"]["tabular"]
    assert (own["p5"], own["p50"], own["p95"]) == tuple(np.percentile(unc.gep, [5, 50, 95]))
    choose_method(example_copy, "climate_regulation", "tabular_cop")
    cop = gep.account_uncertainty(gep.Account.from_config(example_copy), 150, seed=4, sobol_samples=0,
                                  variants=False)
    got = intervals["climate_regulation"]["tabular_cop"]
    assert got["deterministic"] == pytest.approx(cop.deterministic.total, rel=1e-12)
    for q, v in zip(("p5", "p50", "p95"), np.percentile(cop.gep, [5, 50, 95])):
        assert got[q] == pytest.approx(v, rel=1e-9)
    assert got["mean"] == pytest.approx(cop.gep.mean(), rel=1e-9)
    # the ÷R reading cuts the water term by 2/3: its GEP and its spread are both lower
    assert got["p95"] < own["p5"] and got["sd"] < own["sd"]

    # the workbook sheet and the report show the same numbers (亿元), with P(met) and the structural ranges
    res = unc.deterministic
    unc.attach(res)
    frame, _ = res.extra["report_sheets"]["不确定性 Uncertainty"]
    (row,) = frame[frame["项目 Item"] == "climate_regulation:tabular_cop"].to_dict("records")
    assert row["层级 Level"] == "method_variant" and row["5 %"] == pytest.approx(got["p5"] / 1e8, rel=1e-12)
    assert row["确定性结果 Deterministic"] == pytest.approx(got["deterministic"] / 1e8, rel=1e-12)
    levels = set(frame["层级 Level"])
    assert levels >= {"gep", "category", "service", "region", "indicator", "two_mountains", "method_variant",
                      "structural_range"}
    tm = frame[frame["层级 Level"] == "two_mountains"]
    assert list(tm["达标概率 P(met)"]) == [r["p_met"] for r in unc.two_mountains]
    (rng,) = frame[frame["项目 Item"] == "param.humidifier_kwh"].to_dict("records")
    (end,) = [r for r in unc.structural["ranges"] if r["key"] == "param.humidifier_kwh"]
    assert rng["GEP 高端 at high"] == pytest.approx(end["gep_at_high"] / 1e8, rel=1e-12)

    from gep.report.data import ReportData
    from gep.report.html import _uncertainty      # the report's section (the whole page would draw its charts)

    import html as htmllib
    import re

    section = _uncertainty(ReportData.from_result(res))
    text = re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", section)))
    from gep.numformat import fmt_money

    cop_row = " ".join(["tabular_cop", *(fmt_money(got[k]) for k in ("deterministic", "p5", "p50", "p95"))])
    assert cop_row in text
    (baiguan,) = [unc.summary()["by_region"]["baiguan"]]
    assert " ".join(["百官街道 Baiguan Subdistrict", *(fmt_money(baiguan[k]) for k in ("p5", "p50", "p95"))]) in text


def test_with_nothing_drawn_every_variant_keeps_its_own_gep(example_copy):
    # no range anywhere and no input error: every draw is the deterministic account, so GEP under a variant
    # is that variant's GEP in every draw (a service constant under the account's method is still
    # computed under the variant's, not taken from the account's constants)
    import pandas as pd

    table = example_copy.parent / "coefficients" / "example.csv"
    rows = pd.read_csv(table, dtype=str, keep_default_na=False)
    rows[["low", "high", "distribution", "range_source", "range_note"]] = ""
    rows.to_csv(table, index=False)
    text = example_copy.read_text(encoding="utf-8")
    example_copy.write_text(text.split("[uncertainty]")[0], encoding="utf-8")
    unc = gep.account_uncertainty(gep.Account.from_config(example_copy), 20, seed=1, sobol_samples=0, chunk=10)
    assert unc.gep.std() <= 1e-6 * unc.deterministic.total
    intervals = unc.summary()["structural"]["method_variants"]["intervals"]
    assert intervals["climate_regulation"]["tabular_cop"]["deterministic"] < 0.7 * unc.deterministic.total
    for sid, by_method in intervals.items():
        for method, got in by_method.items():
            for q in ("p5", "p50", "p95"):
                assert got[q] == pytest.approx(got["deterministic"], rel=1e-9), (sid, method, q)
    # a zero-width interval is not a certain figure: the result says nothing was drawn
    res = unc.attach(unc.deterministic)
    assert [w.code for w in res.warnings].count("nothing_drawn") == 1
    assert any("nothing was drawn" in w["en"] for w in res.summary()["warnings"])


def test_a_variant_that_cannot_be_drawn_is_said_so_not_dropped(monkeypatch):
    # a variant that runs at the values but fails on the draws keeps its deterministic GEP and its reason;
    # the sheet, the console and the report name it, and the account's own interval stands
    from gep.account import uncertainty as U
    from gep.errors import problem
    from gep.report.data import ReportData
    from gep.report.html import _uncertainty

    real = U._Runner.evaluate

    def failing(self, sampler, n, **kw):
        if (kw.get("methods") or {}).get("climate_regulation") == "tabular_cop":
            raise GepError([problem("nonfinite_value", "测试：抽样中出现非有限值", "test: a non-finite value in a draw")])
        return real(self, sampler, n, **kw)

    monkeypatch.setattr(U._Runner, "evaluate", failing)
    acct = gep.Account.from_config(gep.example_config())
    unc = gep.account_uncertainty(acct, 60, seed=1, sobol_samples=0)
    cop = unc.structural["method_variants"]["intervals"]["climate_regulation"]["tabular_cop"]
    assert cop["status"] == "not_computed" and "p5" not in cop
    assert cop["reason"]["en"] == "test: a non-finite value in a draw"
    assert cop["deterministic"] == pytest.approx(unc.structural["method_variants"]["by_service"]["climate_regulation"]
                                                 ["tabular_cop"], rel=1e-12)
    assert "p5" in unc.structural["method_variants"]["intervals"]["climate_regulation"]["tabular_humidifier_only"]
    res = unc.deterministic
    unc.attach(res)
    frame, _ = res.extra["report_sheets"]["不确定性 Uncertainty"]
    (row,) = frame[frame["项目 Item"] == "climate_regulation:tabular_cop"].to_dict("records")
    assert "test: a non-finite value in a draw" in row["说明 Note"] and pd.isna(row["5 %"])
    rows = [r for t in res.extra["console_tables"].values() for r in t if r.get("方法 Method") == "tabular_cop"]
    assert rows and rows[0]["5 %"] == "—"
    assert "test: a non-finite value in a draw" in _uncertainty(ReportData.from_result(res))


def test_the_same_inputs_in_another_folder_give_the_same_draws(tmp_path):
    # the random stream of a statistics row is named by its file's name and row, not by the folder it is in:
    # a county's inputs copied elsewhere give the same intervals with the same seed
    from gep.scaffold import copy_example

    values = []
    for name in ("here", "elsewhere/deeper"):
        copy_example(tmp_path / name)
        acct = gep.Account.from_config(tmp_path / name / "gep.toml")
        unc = gep.account_uncertainty(acct, 64, seed=3, sobol_samples=0, variants=False)
        assert any(r["kind"] == "statistics" for r in unc.sampled)  # statistics rows are drawn
        values.append(unc.value.values)
    assert np.array_equal(values[0], values[1])

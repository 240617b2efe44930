"""Appraisal against targets: hand-computed rows, ranks, price bases, draws, the illustrative flag, refusals."""

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from gep.decisions import appraise
from gep.errors import TargetsError

from .hand_account import targets_frame


def row(app, region, indicator, year=2021, **kw):
    t = app.table
    sel = t[(t["region"] == region) & (t["indicator"] == indicator) & (t["year"] == year)]
    for k, v in kw.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1
    return sel.iloc[0]


#: the hand county's targets (region, indicator, target, unit, direction, year, price year, status, note)
HAND_TARGETS = [
    ("c", "gep", 3.9, "亿元", "at_least", 2021, 2021, "illustrative", "county GEP"),
    ("*", "gep_per_area", 1000, "万元/km²", "≥", 2021, 2021, "", ""),
    ("全部乡镇", "gep_growth", 0, "%", "不低于", 2021, "", "", ""),
    ("甲镇", "regulating_gep", 1.5, "亿元", "at_most", 2021, 2021, "", ""),
    ("county", "gep_gdp_ratio", 0.6, "1", "at_least", 2021, "", "", ""),
    ("c", "gep_gdp_ratio", 50, "%", "at_least", 2021, "", "", ""),
    ("c", "gep", 3.8, "亿元", "above", 2021, 2020, "", "constant prices"),
    ("c", "resident_eco_product_share", 20, "%", "at_least", 2021, "", "", ""),
    ("c", "gep", 5, "亿元", "at_least", 2025, 2021, "", "a later year"),
]


@pytest.fixture
def hand_appraisal(hand_figures):
    return appraise(hand_figures, targets_frame(HAND_TARGETS))


def test_county_gep_by_hand(hand_appraisal):
    r = row(hand_appraisal, "c", "gep", price_year=2021)
    # GEP 4.0e8 元 = 4 亿元 ≥ 3.9 亿元: margin 0.1 亿元, 0.1/3.9 = 2.5641 %
    assert r["value"] == pytest.approx(4.0)
    assert r["margin"] == pytest.approx(0.1)
    assert r["margin_pct"] == pytest.approx(0.1 / 3.9 * 100)
    assert r["met"] is True and r["target_status"] == "illustrative"
    assert np.isnan(r["rank"])                         # the county is not ranked among townships


def test_per_area_and_rank_by_hand(hand_appraisal):
    a = row(hand_appraisal, "a", "gep_per_area")
    b = row(hand_appraisal, "b", "gep_per_area")
    # a: 3.0e8 元 / 10 km² = 3.0e7 元/km² = 3000 万元/km²: margin 2000, +200 %
    # b: 1.0e8 元 / 20 km² = 5.0e6 元/km² = 500 万元/km²: margin −500, −50 %
    assert (a["value"], a["margin"], a["margin_pct"]) == pytest.approx((3000, 2000, 200))
    assert (b["value"], b["margin"], b["margin_pct"]) == pytest.approx((500, -500, -50))
    assert (a["met"], b["met"]) == (True, False)
    assert (a["rank"], b["rank"], a["ranked"]) == (1, 2, 2)


def test_growth_at_constant_prices_by_hand(hand_appraisal):
    a = row(hand_appraisal, "a", "gep_growth")
    b = row(hand_appraisal, "b", "gep_growth")
    # a: 2.94e8 / 2.8e8 − 1 = +5 %; b: 0.96e8 / 1.0e8 − 1 = −4 % (both at 2020 prices)
    assert a["value"] == pytest.approx(5.0) and b["value"] == pytest.approx(-4.0)
    assert (a["met"], b["met"]) == (True, False)
    assert a["price_year"] == 2020
    # the target is 0: ranked by margin (5 vs −4)
    assert (a["rank"], b["rank"]) == (1, 2)


def test_at_most_and_ratio_by_hand(hand_appraisal):
    r = row(hand_appraisal, "a", "regulating_gep")
    # 2.0 亿元 ≤ 1.5 亿元? no: margin 1.5 − 2.0 = −0.5
    assert (r["value"], r["margin"], r["met"]) == (pytest.approx(2.0), pytest.approx(-0.5), False)
    ratio = row(hand_appraisal, "c", "gep_gdp_ratio", unit="1")
    # 4.0e8 / 8.0e8 = 0.5 < 0.6
    assert (ratio["value"], ratio["margin"], ratio["met"]) == (pytest.approx(0.5), pytest.approx(-0.1), False)
    pct = row(hand_appraisal, "c", "gep_gdp_ratio", unit="%")
    # the same ratio in percent: 50 % ≥ 50 %
    assert pct["value"] == pytest.approx(50.0) and pct["met"] is True


def test_constant_price_target(hand_appraisal):
    r = row(hand_appraisal, "c", "gep", price_year=2020)
    # GEP 2021 at 2020 prices 3.9e8 元 = 3.9 亿元 > 3.8
    assert r["value"] == pytest.approx(3.9) and r["met"] is True


def test_county_indicator_of_the_run(hand_appraisal):
    r = row(hand_appraisal, "c", "resident_eco_product_share")
    assert r["value"] == pytest.approx(18.75) and r["met"] is False and r["margin"] == pytest.approx(-1.25)


def test_other_years_are_skipped_not_judged(hand_appraisal):
    assert hand_appraisal.skipped.to_dict(orient="records") == [
        {"row": 10, "region": "c", "indicator": "gep", "year": 2025}]
    assert hand_appraisal.summary()["counts"]["skipped"] == 1


def test_illustrative_flag_from_provenance(hand_appraisal):
    a = row(hand_appraisal, "a", "gep_per_area")
    b = row(hand_appraisal, "b", "gep_per_area")
    c = row(hand_appraisal, "c", "gep", price_year=2021)
    # a: the regulating service (2.0e8 of 3.0e8) uses an illustrative row: 66.67 %; b has none;
    # the county: 2.0e8 of 4.0e8 = 50 %
    assert a["illustrative"] is True and a["illustrative_share_pct"] == pytest.approx(200 / 3)
    assert b["illustrative"] is False and b["illustrative_share_pct"] == 0
    assert c["illustrative"] is True and c["illustrative_share_pct"] == pytest.approx(50)
    assert hand_appraisal.summary()["regions_on_illustrative_data"] == ["a", "c"]


def test_illustrative_flag_from_summary_quality(hand_figures):
    from gep.decisions import Figures

    from .hand_account import summary_2021

    s = summary_2021()
    s["quality"] = {"gep": {"official": 0.9, "illustrative": 0.1},
                    "by_region": {"a": {"official": 1.0}, "b": {"illustrative": 40.0, "official": 60.0}}}
    figs = Figures.from_summaries({2021: s})
    app = appraise(figs, targets_frame([("*", "gep", 1, "亿元", "at_least", 2021, 2021, "", "")]))
    assert row(app, "a", "gep")["illustrative"] is False
    b = row(app, "b", "gep")
    assert b["illustrative"] is True and b["illustrative_share_pct"] == pytest.approx(40)   # given in percent


def test_growth_needs_two_years(one_year_figures):
    app = appraise(one_year_figures, targets_frame([("a", "gep_growth", 1, "%", "at_least", 2021, "", "", "")]))
    r = app.table.iloc[0]
    assert r["met"] is None and "previous year" in r["reason_en"] and "上一年" in r["reason_zh"]
    assert app.summary()["counts"]["not_judged"] == 1


def test_missing_county_indicator_is_not_judged(hand_figures):
    app = appraise(hand_figures, targets_frame([("c", "green_organic_share", 50, "%", "at_least", 2021, "", "", "")]))
    r = app.table.iloc[0]
    assert r["met"] is None and "green_organic_agri_output" in r["reason_en"]


def test_probability_from_synthetic_draws(hand_figures):
    # township a's GEP per km², 4 draws in 元/km²: 2e6, 5e6, 1.2e7, 3e7 against ≥ 1000 万元/km² (1e7):
    # 2 of 4 meet it -> 50 %
    draws = {(2021, "a", "gep_per_area"): np.array([2e6, 5e6, 1.2e7, 3e7])}
    app = appraise(hand_figures, targets_frame([("a", "gep_per_area", 1000, "万元/km²", "at_least", 2021, 2021, "", "")]),
                   draws=draws)
    assert app.table.iloc[0]["p_met"] == 0.5
    assert "50%" in app.table.iloc[0]["reason_zh"]


def test_probability_from_a_draw_dimension(hand_figures):
    # value(draw, service, region): 3 draws; county GEP = 4e8 × (0.9, 1.0, 1.1) -> 3.6, 4.0, 4.4 亿元;
    # ≥ 3.9 亿元 is met in 2 of 3 draws
    base = np.array([[2.0e8, 0.5e8], [1.0e8, 0.5e8]])
    value = xr.DataArray(np.stack([base * f for f in (0.9, 1.0, 1.1)]), dims=("draw", "service", "region"),
                         coords={"service": ["s_reg", "s_pro"], "region": ["a", "b"],
                                 "category": ("service", ["regulating", "provisioning"])})
    app = appraise(hand_figures, targets_frame([("c", "gep", 3.9, "亿元", "at_least", 2021, 2021, "", ""),
                                                ("b", "regulating_gep", 0.5, "亿元", "at_least", 2021, 2021, "", "")]),
                   draws=value)
    assert app.table.iloc[0]["p_met"] == pytest.approx(2 / 3)
    # b's regulating GEP 0.5e8 × (0.9, 1.0, 1.1) ≥ 0.5 亿元 in 2 of 3 draws
    assert app.table.iloc[1]["p_met"] == pytest.approx(2 / 3)


def test_attach_puts_it_in_summary_and_workbook(hand_appraisal, tmp_path):
    class Res:
        extra, inputs = {}, {}

    res = Res()
    hand_appraisal.attach(res)
    section = res.extra["summary_sections"]["appraisal"]
    json.dumps(section)                                   # plain JSON: no NaN, no numpy types
    # met: county GEP, a per km², a growth, ratio in %, county GEP at 2020 prices;
    # not met: b per km², b growth, a regulating, ratio 0.6, resident share
    assert section["counts"] == {"met": 5, "not_met": 5, "not_judged": 0, "skipped": 1}
    frame, notes = res.extra["report_sheets"]["考核 Appraisal"]
    assert "达标 Met" in frame.columns and any("illustrative" in n for n in notes)
    written = hand_appraisal.write(tmp_path)
    assert written["appraisal.xlsx"].is_file()
    assert json.loads(written["appraisal.json"].read_text(encoding="utf-8"))["counts"]["met"] == 5


# ------------------------------------------------------------ refusals
@pytest.mark.parametrize("rows, code, column", [
    ([("nowhere", "gep", 1, "亿元", "at_least", 2021, 2021, "", "")], "unknown_target_region", "region"),
    ([("a", "resident_eco_product_share", 1, "%", "at_least", 2021, "", "", "")], "indicator_county_only", "region"),
    ([("a", "gep", 1, "亿元", "at_least", 2021, 2019, "", "")], "price_basis_unavailable", "price_year"),
    ([("a", "gep", 1, "亿元", "at_least", 2030, 2021, "", "")], "no_targets_for_run", "year"),
])
def test_refusals(hand_figures, rows, code, column):
    with pytest.raises(TargetsError) as exc:
        appraise(hand_figures, targets_frame(rows))
    p = exc.value.problems[0]
    assert p.code == code and p.column == column and p.zh and p.en


def test_a_target_in_another_unit_is_refused_not_judged(hand_figures):
    """A county GEP target in 万元 written under 亿元 (10⁴ times): it was judged, without a word; a level target
    more than 1,000 times from its value is refused. A percentage may be far from its value (0.01 % growth)."""
    good = appraise(hand_figures, targets_frame([("county", "gep", 1, "亿元", "at_least", 2021, 2021, "", "")]))
    value = float(good.table.iloc[0]["value"])  # the accounted county GEP, in 亿元
    with pytest.raises(TargetsError) as exc:
        appraise(hand_figures, targets_frame([("county", "gep", value * 1e4, "亿元", "at_least", 2021, 2021, "", "")]))
    assert exc.value.codes == ["target_far_from_value"] and exc.value.problems[0].column == "unit"
    near = appraise(hand_figures, targets_frame([("county", "gep", value * 900, "亿元", "at_least", 2021, 2021, "", "")]))
    assert near.table.iloc[0]["met"] == False  # noqa: E712 - within 1,000 times: judged


def test_every_problem_at_once(hand_figures):
    with pytest.raises(TargetsError) as exc:
        appraise(hand_figures, targets_frame([("x", "gep", 1, "亿元", "at_least", 2021, 2021, "", ""),
                                              ("a", "gep", 1, "亿元", "at_least", 2021, 2018, "", "")]))
    assert exc.value.codes == ["unknown_target_region", "price_basis_unavailable"]
    assert [p.row for p in exc.value.problems] == [2, 3]


def test_growth_over_two_years_is_not_judged():
    from gep.decisions import Figures

    from .hand_account import summary_2021

    s = summary_2021()
    s["year_on_year"]["from"] = 2019
    app = appraise(Figures.from_summaries({2021: s}), targets_frame([("a", "gep_growth", 1, "%", "at_least", 2021, "", "", "")]))
    r = app.table.iloc[0]
    assert r["met"] is None and "2 years" in r["reason_en"] and r["value"] == pytest.approx(5.0)


def test_output_folder_and_memory_agree(example_multi, tmp_path):
    """The same run, in memory and written out, gives the same appraisal."""
    from gep.examples import example_dir

    out = tmp_path / "out"
    example_multi[2021].write(out)
    example_multi[2020].write(out / "years" / "2020")
    targets = example_dir() / "targets.csv"
    mem, disk = appraise(example_multi, targets), appraise(out, targets)
    cols = ["region", "indicator", "year", "met", "rank", "illustrative"]
    pd.testing.assert_frame_equal(mem.table[cols], disk.table[cols])
    np.testing.assert_allclose(mem.table["value"].astype(float), disk.table["value"].astype(float), rtol=1e-12)


def test_example_county_is_flagged_and_targets_illustrative(example_multi):
    from gep.examples import example_dir

    app = appraise(example_multi, example_dir() / "targets.csv")
    assert app.illustrative_targets and set(app.table["target_status"]) == {"illustrative"}
    towns = app.table[app.table["level"] == "township"]
    # every township's regulating services use the example's illustrative coefficient rows
    assert towns["illustrative"].all() and (towns["illustrative_share_pct"] > 50).all()
    assert set(app.skipped["year"]) == {2024}
    growth = app.table[(app.table["indicator"] == "gep_growth") & (app.table["level"] == "township")]
    assert growth["ranked"].eq(20).all()
    assert growth.loc[growth["value"].idxmax(), "rank"] == 1 and growth.loc[growth["value"].idxmin(), "rank"] == 20


def test_a_township_missing_from_one_year_is_not_judged():
    from gep.decisions import Figures

    from .hand_account import summary_2020, summary_2021

    s20, s21 = summary_2020(), summary_2021()
    del s20["by_region"]["b"]
    del s21["year_on_year"]["by_region"]["b"]          # b is new in 2021: no 2020 figure anywhere
    app = appraise(Figures.from_summaries({2020: s20, 2021: s21}),
                   targets_frame([("b", "gep", 1, "亿元", "at_least", 2020, 2020, "", "")]))
    r = app.table.iloc[0]
    assert r["met"] is None and "no such figure" in r["reason_en"]


def test_an_esv_account_judges_no_gep_target(hand_figures):
    # the hand county as an account that reports ESV (supporting services counted): its total is not GEP, so
    # neither are its per-area, per-resident, GDP-ratio and growth figures, nor a share of realised GEP
    from gep.decisions.appraisal import GEP_TARGETS
    from gep.decisions.figures import Figures

    from .hand_account import provenance_2021, summary_2020, summary_2021, values_2021

    def as_esv(s):
        s = json.loads(json.dumps(s))
        s["measure"], s["esv"] = "ESV", s.pop("gep")
        for r in s["by_region"].values():
            r["esv"] = r.pop("gep")
        return s

    esv = Figures.from_summaries({2020: as_esv(summary_2020()), 2021: as_esv(summary_2021())},
                                 values={2021: values_2021()}, provenance={2021: provenance_2021()}, source="hand")
    targets = targets_frame(HAND_TARGETS)   # every kind of target, one in constant prices, one of another year
    app, judged = appraise(esv, targets), appraise(hand_figures, targets)
    gep_rows = app.table[app.table["indicator"].isin(GEP_TARGETS)]
    assert len(gep_rows) == len(app.table) - 1 and gep_rows["met"].isna().all() and gep_rows["value"].isna().all()
    assert all("reports ESV" in r and "not GEP" in r for r in gep_rows["reason_en"])
    assert all("不是 GEP" in r for r in gep_rows["reason_zh"])
    # the same targets against the account as GEP are judged; the regulating services are judged either way
    assert judged.table["met"].notna().sum() >= 5
    a, g = row(app, "a", "regulating_gep"), row(judged, "a", "regulating_gep")
    assert (a["value"], a["met"]) == (g["value"], g["met"]) and a["met"] is not None

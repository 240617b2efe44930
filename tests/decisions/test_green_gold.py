"""The 绿金指数 series: components by hand, both definitions, refusals."""

import math

import pytest

from gep.decisions import Figures, green_gold_index
from gep.errors import GepError

from .hand_account import summary_2021


def test_ratio_and_components_by_hand(hand_figures):
    gg = green_gold_index(hand_figures)
    t = gg.table.set_index("year")
    # ratio: 2020 3.8e8 / 7.5e8 = 0.50667; 2021 4.0e8 / 8.0e8 = 0.5
    assert t.loc[2020, "ratio"] == pytest.approx(3.8 / 7.5) and t.loc[2021, "ratio"] == pytest.approx(0.5)
    assert t["index"].tolist() == t["ratio"].tolist()
    # at 2020 prices: GEP 3.8e8 -> 3.9e8 (+2.6316 %), GDP 7.5e8 -> 7.8e8 (+4 %): both grew
    assert t.loc[2021, "gep_growth_pct"] == pytest.approx((3.9 / 3.8 - 1) * 100)
    assert t.loc[2021, "gdp_growth_pct"] == pytest.approx(4.0)
    assert t.loc[2021, "both_grew"] is True or t.loc[2021, "both_grew"] == True  # noqa: E712
    # joint growth: 100 · (3.9/3.8)^0.5 · (7.8/7.5)^0.5 = 103.3135
    assert t.loc[2021, "joint_growth_index"] == pytest.approx(100 * math.sqrt(3.9 / 3.8 * 7.8 / 7.5))
    assert gg.constant_prices == "constant:2020"
    s = gg.summary()
    assert s["official_definition_found"] is False and "GGI" in s["source"]


def test_joint_growth_definition(hand_figures):
    gg = green_gold_index(hand_figures, definition="joint_growth", weight_gep=1.0)
    # weight 1 on GEP: the GEP volume index 100, 100 · 3.9/3.8
    assert gg.table["index"].tolist() == pytest.approx([100.0, 100 * 3.9 / 3.8])
    frame, notes = gg.sheet()
    assert "绿金指数 Index" in frame.columns and any("J_t" in n for n in notes)


@pytest.mark.parametrize("kw, code", [({"definition": "made_up"}, "unknown_green_gold_definition"),
                                      ({"weight_gep": 2}, "bad_weight_gep")])
def test_refusals(hand_figures, kw, code):
    with pytest.raises(GepError) as exc:
        green_gold_index(hand_figures, **kw)
    assert exc.value.codes == [code]


def test_joint_growth_needs_two_years(one_year_figures):
    assert len(green_gold_index(one_year_figures).table) == 1          # the ratio alone is fine
    with pytest.raises(GepError) as exc:
        green_gold_index(one_year_figures, definition="joint_growth")
    assert exc.value.codes == ["green_gold_needs_years"]


def test_needs_gdp():
    s = summary_2021()
    del s["indicators"]["gep_gdp_ratio"]
    with pytest.raises(GepError) as exc:
        green_gold_index(Figures.from_summaries({2021: s}))
    assert exc.value.codes == ["green_gold_needs_gdp"]

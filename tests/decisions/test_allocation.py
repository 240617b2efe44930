"""Allocating a budget among townships: each rule by hand, units, and every refusal."""

import copy
import json

import pytest

from gep.decisions import Figures, allocate, read_allocation_spec
from gep.errors import AllocationError

from .hand_account import summary_2020, summary_2021


def amounts(alloc):
    return dict(zip(alloc.table["region"], alloc.table["amount"].tolist()))


def test_proportional_to_gep_by_hand(hand_figures):
    # GEP a 3.0e8, b 1.0e8: 10000 元 × 3/4 = 7500, × 1/4 = 2500
    a = allocate(hand_figures, 10000, rule="gep")
    assert amounts(a) == {"a": 7500, "b": 2500}
    assert a.table["share_pct"].tolist() == [75.0, 25.0]
    assert a.table["gep_yuan"].tolist() == [3.0e8, 1.0e8]       # the figures it rests on


def test_per_area_with_largest_remainder_by_hand(hand_figures):
    # GEP per km²: a 3.0e7, b 5.0e6 元/km² -> 1 万元 = 10000 元 × 30/35 = 8571.43, × 5/35 = 1428.57;
    # floors 8571 + 1428 = 9999, the unit left goes to the larger remainder (.57, b): 8571, 1429
    a = allocate(hand_figures, "1 万元", unit="元", rule="gep_per_area")
    assert amounts(a) == {"a": 8571, "b": 1429} and a.table["amount"].sum() == 10000
    assert a.table["share_exact_pct"].tolist() == pytest.approx([600 / 7, 100 / 7])


def test_regulating_in_wan_yuan(hand_figures):
    # regulating a 2.0e8, b 0.5e8: 1 亿元 = 10000 万元 × 0.8 / 0.2
    a = allocate(hand_figures, "1亿元", unit="万元", rule="regulating")
    assert amounts(a) == {"a": 8000, "b": 2000}
    assert a.table["amount_yuan"].tolist() == [8.0e7, 2.0e7]
    assert a.summary()["budget_yuan"] == 1e8


def test_gep_increase_with_floor_by_hand(hand_figures):
    # ΔGEP at 2020 prices: a 2.94e8 − 2.8e8 = +1.4e7; b 0.96e8 − 1.0e8 = −4e6 -> weights 1.4e7, 0.
    # floor 1000 each; the 8000 left all go to a: 9000, 1000
    a = allocate(hand_figures, 10000, rule="gep_increase", floor=1000)
    assert amounts(a) == {"a": 9000, "b": 1000}
    assert a.table["gep_change_yuan"].tolist() == pytest.approx([1.4e7, -4e6])
    assert a.table["at_floor"].tolist() == [False, True] and a.from_year == 2020 and a.prices == "constant:2020"


def test_gep_change_reward_penalty_by_hand(hand_figures):
    # growth a +5 %, b −4 %; r = 0.1, p = 0.2: w_a = 1 + 0.1·5 = 1.5, w_b = 1 − 0.2·4 = 0.2;
    # 10000 × 1.5/1.7 = 8823.53, × 0.2/1.7 = 1176.47 -> floors 8823 + 1176 = 9999, +1 to a (.53): 8824, 1176
    a = allocate(hand_figures, 10000, rule="gep_change", reward_per_point=0.1, penalty_per_point=0.2)
    assert a.table["weight"].tolist() == pytest.approx([1.5, 0.2])
    assert amounts(a) == {"a": 8824, "b": 1176}
    # with a cap of 8000 a is held there and b gets the rest
    capped = allocate(hand_figures, 10000, rule="gep_change", reward_per_point=0.1, penalty_per_point=0.2, cap=8000)
    assert amounts(capped) == {"a": 8000, "b": 2000} and capped.table["at_cap"].tolist() == [True, False]


def test_summary_and_files(hand_figures, tmp_path):
    a = allocate(hand_figures, 10000, rule="gep", status="illustrative", note="an example")
    s = a.summary()
    assert s["total"] == s["budget"] == 10000 and s["status"] == "illustrative" and "GEP" in s["formula"]["en"]
    frame, notes = a.sheet()
    assert frame.iloc[-1]["地区 ID"] == "合计 Total" and frame.iloc[-1]["分配额 Amount (元)"] == 10000
    assert frame.iloc[-1]["折合元 Amount in 元"] == 10000.0
    assert any("illustrative" in n for n in notes)
    written = a.write(tmp_path)
    assert json.loads(written["allocation.json"].read_text(encoding="utf-8"))["total"] == 10000


# ------------------------------------------------------------ refusals
@pytest.mark.parametrize("kw, code", [
    ({"budget": "5 km²"}, "budget_wrong_unit"),
    ({"budget": 100, "unit": "km²"}, "allocation_unit_not_money"),
    ({"budget": "100.5"}, "budget_not_whole_units"),
    ({"budget": "1.5 元", "unit": "元"}, "budget_not_whole_units"),
    ({"budget": "10000 元", "unit": "万元"}, None),                       # 1 万元: fine
    ({"budget": "10001 元", "unit": "万元"}, "budget_not_whole_units"),  # 1.0001 万元 cannot be paid in 万元
    ({"budget": "a lot"}, "bad_budget"),
    ({"budget": 100, "floor": 60}, "floor_exceeds_budget"),
    ({"budget": 100, "floor": "1 km"}, "floor_wrong_unit"),
    ({"budget": 100, "cap": 40}, "cap_too_low"),
    ({"budget": 100, "rule": "by_size"}, "unknown_rule"),
    ({"budget": 100, "rule": "gep_change"}, "missing_rule_parameter"),
    ({"budget": 100, "rule": "gep", "reward_per_point": 0.1}, "parameter_not_used"),
    ({"budget": 100, "year": 2019}, "year_not_in_run"),
])
def test_refusals(hand_figures, kw, code):
    kw = dict(kw)
    budget = kw.pop("budget")
    kw.setdefault("rule", "gep")
    if code is None:
        assert allocate(hand_figures, budget, **kw).table["amount"].sum() == 1
        return
    with pytest.raises(AllocationError) as exc:
        allocate(hand_figures, budget, **kw)
    assert code in exc.value.codes
    assert all(p.zh and p.en for p in exc.value.problems)


def test_change_rule_needs_two_years(one_year_figures):
    with pytest.raises(AllocationError) as exc:
        allocate(one_year_figures, 100, rule="gep_increase")
    assert exc.value.codes == ["rule_needs_two_years"]


def _figures_with(**region_updates):
    s = copy.deepcopy(summary_2021())
    for reg, upd in region_updates.items():
        s["by_region"][reg]["by_category"].update(upd)
    return Figures.from_summaries({2020: summary_2020(), 2021: s})


def test_negative_base_is_refused():
    with pytest.raises(AllocationError) as exc:
        allocate(_figures_with(a={"regulating": -1.0}), 100, rule="regulating")
    assert exc.value.codes == ["negative_weight"]


def test_all_zero_base_is_refused():
    with pytest.raises(AllocationError) as exc:
        allocate(_figures_with(a={"regulating": 0.0}, b={"regulating": 0.0}), 100, rule="regulating")
    assert exc.value.codes == ["all_zero_base"]
    # no township's GEP increased at all: nothing to share in proportion to an increase
    s = summary_2021()
    for r in s["year_on_year"]["by_region"].values():
        r["b"] = r["a"] * 0.9
    with pytest.raises(AllocationError) as exc:
        allocate(Figures.from_summaries({2021: s}), 100, rule="gep_increase")
    assert exc.value.codes == ["all_zero_base"]


def test_missing_base_is_refused():
    s = summary_2021()
    del s["by_region"]["b"]["by_category"]
    with pytest.raises(AllocationError) as exc:
        allocate(Figures.from_summaries({2021: s}), 100, rule="regulating")
    assert exc.value.codes == ["missing_base"]


def test_spec_file(tmp_path):
    p = tmp_path / "t.toml"
    p.write_text('budget = "1 亿元"\nunit = "万元"\nrule = "gep"\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(AllocationError) as exc:
        read_allocation_spec(p)
    assert exc.value.codes == ["unknown_allocation_key"]
    with pytest.raises(AllocationError):
        read_allocation_spec(tmp_path / "none.toml")


def test_example_transfer_is_illustrative_and_adds_up(example_multi):
    from gep.examples import example_dir

    spec = read_allocation_spec(example_dir() / "transfer.toml")
    assert spec["status"] == "illustrative"
    a = allocate(example_multi, spec.pop("budget"), **spec)
    assert a.illustrative and a.table["amount"].sum() == 10000 and len(a.table) == 20
    assert (a.table["amount"] >= 200).all() and (a.table["amount"] <= 600).all()
    assert (a.table["illustrative_share_pct"] > 0).all()

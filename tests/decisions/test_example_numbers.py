"""The example county's numbers that docs/decisions.md quotes (if the account changes, the page must too)."""

import pytest

from gep.decisions import allocate, appraise, green_gold_index, read_allocation_spec
from gep.examples import example_dir


def test_numbers_quoted_in_the_docs(example_multi):
    app = appraise(example_multi, example_dir() / "targets.csv")
    assert app.summary()["counts"] == {"met": 32, "not_met": 15, "not_judged": 0, "skipped": 1}
    t = app.table.set_index(["region", "indicator", "year"])
    assert t.loc[("shangyu", "gep", 2021), "value"].round(2) == 1104.58
    assert t.loc[("shangyu", "gep_growth", 2021), "value"].round(2) == 1.57
    assert t.loc[("xiaguan", "regulating_gep", 2021), "value"].round(2) == 32.87
    assert t.loc[("lingnan", "regulating_gep", 2021), "value"].round(2) == 23.98
    towns = app.table[app.table["level"] == "township"]
    assert towns["illustrative_share_pct"].min() >= 82 and towns["illustrative_share_pct"].max() <= 98

    spec = read_allocation_spec(example_dir() / "transfer.toml")
    alloc = allocate(example_multi, spec.pop("budget"), **spec).table.set_index("region")["amount"]
    assert (alloc["baiguan"], alloc["lingnan"], alloc["chenxi"]) == (428, 600, 600)

    gg = green_gold_index(example_multi).table.set_index("year")
    assert gg.loc[2020, "ratio"] == pytest.approx(1.017, abs=5e-4)
    assert gg.loc[2021, "ratio"] == pytest.approx(0.973, abs=5e-4)
    assert gg.loc[2021, "gep_growth_pct"] == pytest.approx(1.57, abs=5e-3)
    assert gg.loc[2021, "gdp_growth_pct"] == pytest.approx(6.18, abs=5e-3)
    assert gg.loc[2021, "joint_growth_index"] == pytest.approx(103.85, abs=5e-3)

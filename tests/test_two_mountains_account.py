"""The Two-Mountains table (上虞区 表1) inside accounts: computed rows, year-on-year judgement, the report sheet."""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest

import gep
import gep.account.years
from gep.account.config import load_config
from gep.account.plan import table_for_year as _table_for_year
from gep.indicators.two_mountains import evaluate_indicator_table
from gep.io.two_mountains import COMPUTED_BY, read_indicator_table

TABLE = gep.examples.example_dir() / "two_mountains.csv"
COMPUTED_ROWS = {10: "gep_per_area", 11: "resident_eco_product_share", 12: "green_organic_share",
                 13: "eco_processing_share", 14: "eco_tourism_share"}
FROM_TABLE = [n for n in range(1, 21) if n not in COMPUTED_ROWS]


@pytest.fixture(scope="module")
def years() -> gep.account.years.MultiYearResult:
    return gep.account.years.run_years(gep.example_config())   # [account] years = [2020, 2021]


def _rows(tm: pd.DataFrame) -> dict[int, pd.Series]:
    return {int(r["no"]): r for _, r in tm.iterrows()}


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def test_the_example_table_is_shangyu_table_1():
    t = read_indicator_table(TABLE)
    assert list(t["no"]) == list(range(1, 21))
    assert {int(n): cb for n, cb in zip(t["no"], t["computed_by"]) if cb} == COMPUTED_ROWS
    assert set(COMPUTED_ROWS.values()) == set(COMPUTED_BY)
    assert set(t["target_year"].dropna().astype(int)) == {2024}
    assert set(t["year"].dropna().astype(int)) == {2021}


def test_2021_account_fills_rows_10_to_14_from_gep(example_result):
    tm = example_result.extra["two_mountains"]
    rows = _rows(tm)
    assert len(rows) == 20
    for no, ind in COMPUTED_ROWS.items():
        r = rows[no]
        assert r["value_source"] == "computed", no
        assert r["value"] == pytest.approx(example_result.indicators[ind]["value"], rel=1e-12)
        assert r["year"] == 2021
    # the plan prints 14.45 % for row 11; the account's definition (realised GEP ÷ GDP) wins and is used
    assert rows[11]["value"] != pytest.approx(14.45, abs=0.01)
    # a one-year account has no previous year: 稳定提高 cannot be judged, and says why
    for no in COMPUTED_ROWS:
        assert rows[no]["met"] is None
        assert "no previous year to compare" in rows[no]["reason_en"]
    # rows from the table keep their 2021 status values
    assert rows[1]["value_source"] == "table" and rows[1]["value"] == pytest.approx(95.9)
    assert rows[1]["met"] is False and rows[2]["met"] is True


def test_rows_are_judged_against_2020_in_the_two_year_run(years):
    now, before = _rows(years[2021].extra["two_mountains"]), _rows(years[2020].extra["two_mountains"])
    for no, ind in COMPUTED_ROWS.items():
        r = now[no]
        assert r["direction"] == "higher_is_better"            # 稳定提高
        assert r["value_source"] == "computed"
        assert r["value"] == pytest.approx(years[2021].indicators[ind]["value"], rel=1e-12)
        assert r["reference_kind"] == "previous"
        # money (GEP per unit area) is compared in 2021 prices: 2020's value × GEP's own price change
        # (current / constant totals of 2021: the CPI 100.9 % on every rebased price, administered fees unchanged)
        gep_price = years[2021].total / years.constant[2021].total
        assert 1.0 < gep_price <= 1.009
        price = gep_price if ind == "gep_per_area" else 1.0
        assert r["reference"] == pytest.approx(before[no]["value"] * price, rel=1e-9)
        assert r["reference"] == pytest.approx(years[2020].indicators[ind]["value"] * price, rel=1e-9)
        assert r["met"] is (r["value"] > r["reference"]), no
        assert "previous year" in r["reason_en"]
    # in the example every computed row increased over the illustrative 2020
    assert all(now[no]["met"] is True for no in COMPUTED_ROWS)
    # 稳定提高 rows with only a 2021 value in the table still cannot be judged
    for no in (15, 17):
        assert now[no]["met"] is None and "no previous year to compare" in now[no]["reason_en"]


def test_a_2021_status_value_is_not_used_for_2020(years):
    rows = _rows(years[2020].extra["two_mountains"])
    assert len(rows) == 20
    for no in FROM_TABLE:
        r = rows[no]
        assert _blank(r["value"]), (no, r["value"])
        assert r["value_source"] == "missing"
        assert r["met"] is None
        assert r["reason_en"] and r["reason_zh"]
        assert r["year"] == 2020
    assert rows[1]["reason_en"] == "no value for this year"
    # a qualitative status (获得 in 2021) is a status of 2021 too
    assert rows[16]["direction"] == "qualitative" and rows[16]["reason_en"] == "no status value"
    # the rows gep computes have their 2020 values, with nothing before them to compare with
    for no, ind in COMPUTED_ROWS.items():
        assert rows[no]["value_source"] == "computed"
        assert rows[no]["value"] == pytest.approx(years[2020].indicators[ind]["value"], rel=1e-12)
        assert rows[no]["met"] is None and rows[no]["reason_en"] == "no previous year to compare"


def test_a_one_year_2020_account_blanks_the_2021_values_too():
    cfg, folder = load_config(gep.example_config())
    # account_for_year: the region table (2021 GDP and population) is shared, not 2020's own figures
    res = gep.account.years.account_for_year(cfg, folder, 2020).run()
    rows = _rows(res.extra["two_mountains"])
    assert res.year == 2020
    assert all(rows[no]["value_source"] == "missing" and rows[no]["met"] is None for no in FROM_TABLE)
    assert all(rows[no]["value_source"] == "computed" for no in COMPUTED_ROWS)


def test_a_judgement_recorded_for_2021_is_not_a_judgement_of_2020():
    table = read_indicator_table(TABLE)
    table.loc[table["no"] == 18, "achieved"] = True              # 逐步完善 judged achieved in 2021
    judged_2021 = _rows(evaluate_indicator_table(_table_for_year(table, 2021)))
    judged_2020 = _rows(evaluate_indicator_table(_table_for_year(table, 2020)))
    assert judged_2021[18]["met"] is True and judged_2021[18]["reference_kind"] == "achieved"
    assert judged_2020[18]["met"] is None
    # a row without a year keeps its status value
    table.loc[table["no"] == 20, "year"] = pd.NA
    judged = _rows(evaluate_indicator_table(_table_for_year(table, 2020)))
    assert judged[20]["value"] == pytest.approx(3.26) and judged[20]["met"] is True


def test_report_sheet_lists_all_20_rows_next_to_their_2024_targets(years, tmp_path):
    path = years[2021].write(tmp_path, formats=("xlsx",))["accounts.xlsx"]
    ws = openpyxl.load_workbook(path)["两山指标 Two-Mountains"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    h = next(i for i, r in enumerate(rows) if all(v is not None for v in r))
    header, data = rows[h], [r for r in rows[h + 1:] if r[0] is not None]
    col = {name: header.index(name) for name in
           ("序号 No", "指标", "Indicator", "2021 值 Value", "来源 Value source", "目标 Target",
            "目标年 Target year", "达标 Met", "Reason")}
    assert [r[col["序号 No"]] for r in data] == list(range(1, 21))
    source = pd.read_csv(TABLE, dtype=str, keep_default_na=False)
    assert [r[col["目标 Target"]] for r in data] == list(source["target_text"])
    assert [r[col["指标"]] for r in data] == list(source["indicator_zh"])
    assert all(r[col["目标年 Target year"]] == 2024 for r in data)
    by_no = {r[0]: r for r in data}
    for no in COMPUTED_ROWS:
        assert by_no[no][col["来源 Value source"]] == "computed"
        assert isinstance(by_no[no][col["2021 值 Value"]], float)
        assert by_no[no][col["达标 Met"]] is True
    assert by_no[1][col["2021 值 Value"]] == pytest.approx(95.9) and by_no[1][col["达标 Met"]] is False
    assert by_no[16][col["2021 值 Value"]] == "获得"
    assert by_no[15][col["达标 Met"]] is None and by_no[15][col["Reason"]].startswith("no previous year")

    # the 2020 report has the same 20 rows, "—" (missing, the reason beside it) where the table has only 2021 values
    path = years[2020].write(tmp_path / "2020", formats=("xlsx",))["accounts.xlsx"]
    ws = openpyxl.load_workbook(path)["两山指标 Two-Mountains"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    h = next(i for i, r in enumerate(rows) if all(v is not None for v in r))
    header, data = rows[h], [r for r in rows[h + 1:] if r[0] is not None]
    assert len(data) == 20 and "2020 值 Value" in header
    value = header.index("2020 值 Value")
    assert all(r[value] == "—" for r in data if r[0] in FROM_TABLE)
    reason = header.index("Reason")
    assert all(r[reason] for r in data if r[0] in FROM_TABLE)


def test_resident_share_definition_is_configurable(example_copy):
    text = example_copy.read_text(encoding="utf-8")
    example_copy.write_text(text.replace('resident_share_numerator = "realised_gep"',
                                         'resident_share_numerator = "eco_economy"'), encoding="utf-8")
    res = gep.Account.from_config(example_copy).run()
    comps = res.indicators["resident_eco_product_share"]["components"]
    assert comps["numerator"] == "eco_economy" and comps["denominator"] == "gdp"
    econ = dict(zip(res.economy["indicator"], res.economy["value_canonical"]))
    expected = (econ["green_organic_agri_output"] + econ["eco_processing_output"] + econ["eco_tourism_revenue"]) \
        / econ["gdp"] * 100
    row11 = _rows(res.extra["two_mountains"])[11]
    assert row11["value_source"] == "computed"
    assert row11["value"] == pytest.approx(expected, rel=1e-12)

"""Accounts over several years: decomposition by hand, price rebasing, multi-year runs and reports.

The hand-computed case is a value-transfer account (Xie et al. 2015 services)
with a small coefficient set written here: two townships, two ecosystem types
(dry farmland 0103, broadleaf forest 0301), two services with non-zero
equivalent factors (food production, gas regulation; the other seven are 0),
and a flat price index, so that every number below is worked out on paper.

=========================  ==========  ==========
                           2020        2021
=========================  ==========  ==========
value of one equivalent E  1000 元/hm²  1200 元/hm²
food: farmland, forest     2, 0.5      2, 0.5
gas: farmland, forest      1, 4        1, 5
township a: farm, forest   150, 50 hm²  120, 80 hm²
township b: farm, forest   100, 100    100, 100
=========================  ==========  ==========

With V = Σ_k A_k · e_k · E per township, the 3-factor Shapley effects of one
ecosystem type are ΔV_a = (a₁−a₀)[(b₀c₀+b₁c₁)/3 + (b₀c₁+b₁c₀)/6] and the same by
symmetry for intensity b = e and price c = E; with b or c unchanged they reduce
to (a₁−a₀)·b·(c₀+c₁)/2 etc.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import gep
import gep.account.years
from gep.cli import app
from gep.errors import ConfigError, DeflatorError
from gep.services.value_transfer import XIE_SERVICES
from gep.account.years import MultiYearResult, decompose, parse_years, run_years

runner = CliRunner()

HEADER = "key,ecosystem,region,valid_from,value,unit,price_year,source,locator,status,note"
FACTORS = {"food_production": {"farmland_dry": 2.0, "forest_broadleaf": 0.5},
           "gas_regulation": {"farmland_dry": 1.0, "forest_broadleaf": 4.0}}


def write_set(folder: Path, *, cpi: dict | None = None, equivalent_values=((2020, 1000.0, 2020), (2021, 1200.0, 2021)),
              gas_forest_2021: float | None = 5.0) -> Path:
    """A coefficient set for the hand-computed accounts; ``cpi`` = {year: index, previous year = 100}."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.toml").write_text(
        'id = "hand"\ntitle = { zh = "手算测试", en = "hand-computed test" }\nversion = "1"\n\n'
        '[sources.hand]\ncitation = "Illustrative round numbers for a hand-computed test."\n', encoding="utf-8")
    rows = [HEADER]
    for svc in XIE_SERVICES:
        rows.append(f"esv.equivalent.{svc},*,*,2020,0,1,,hand,,illustrative,")
        for eco, v in FACTORS.get(svc, {}).items():
            rows.append(f"esv.equivalent.{svc},{eco},*,2020,{v},1,,hand,,illustrative,")
    if gas_forest_2021 is not None:
        rows.append(f"esv.equivalent.gas_regulation,forest_broadleaf,*,2021,{gas_forest_2021},1,,hand,,illustrative,")
    for valid_from, value, price_year in equivalent_values:
        rows.append(f"esv.standard_equivalent_value,*,*,{valid_from},{value},元/hm²,{price_year},hand,,illustrative,")
    for year, index in (cpi or {}).items():
        rows.append(f"price_index.cpi,*,*,{year},{index},%,,hand,,illustrative,")
    (folder / "values.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


REGIONS = pd.DataFrame([
    {"id": "county", "parent": "", "name_zh": "县", "name_en": "County", "area": 4, "area_unit": "km²",
     "code": "990000"},
    {"id": "a", "parent": "county", "name_zh": "甲镇", "name_en": "Town A", "area": 200, "area_unit": "hm²"},
    {"id": "b", "parent": "county", "name_zh": "乙镇", "name_en": "Town B", "area": 200, "area_unit": "hm²"},
])
LAND_USE = {2020: (150, 50, 100, 100), 2021: (120, 80, 100, 100)}


def land_use(a_farm, a_forest, b_farm, b_forest) -> pd.DataFrame:
    return pd.DataFrame({"region": ["a", "a", "b", "b"], "code": ["0103", "0301", "0103", "0301"],
                         "area": [a_farm, a_forest, b_farm, b_forest], "unit": "hm²"})


#: the hand set gives every service but two explicit zero equivalents: declared zeros ([checks] allow_zero)
ZEROS_DECLARED = {"checks": {"allow_zero": [f"esv.{s}" for s in XIE_SERVICES]}}
ZEROS_DECLARED_TOML = "\n[checks]\nallow_zero = [" + ", ".join(f'"esv.{s}"' for s in XIE_SERVICES) + "]\n"


def account(year: int, cset: Path, areas=None, prices: str = "current", **kw) -> gep.Account:
    sections = {**ZEROS_DECLARED, **kw.pop("sections", {})}
    return gep.Account.from_inputs(name="hand", year=year, regions=REGIONS,
                                   land_use=land_use(*(areas or LAND_USE[year])), coefficients=str(cset),
                                   profile="xie2015-gep", prices=prices, sections=sections, **kw)


@pytest.fixture(scope="module")
def flat_set(tmp_path_factory) -> Path:
    return write_set(tmp_path_factory.mktemp("sets") / "hand", cpi={2020: 100, 2021: 100})


@pytest.fixture(scope="module")
def hand_years(flat_set) -> MultiYearResult:
    results = {y: account(y, flat_set).run() for y in (2020, 2021)}
    multi = MultiYearResult(results)
    multi.link_years()
    return multi


# ------------------------------------------------------------ by hand
#: (service, region) -> value 2020, value 2021, area, intensity, price effects (元)
HAND = {
    ("esv.food_production", "a"): (325_000, 336_000, -49_500, 0, 60_500),
    ("esv.food_production", "b"): (250_000, 300_000, 0, 0, 50_000),
    ("esv.gas_regulation", "a"): (350_000, 624_000, 116_000, 72_000, 86_000),
    ("esv.gas_regulation", "b"): (500_000, 720_000, 0, 110_000, 110_000),
}


def test_hand_computed_values_and_effects_per_cell(hand_years):
    c = hand_years.compare(2020, 2021)
    assert c.effects == ["area", "intensity", "price"]
    cells = c.cells.set_index(["service", "region"])
    for key, (v0, v1, area, intensity, price) in HAND.items():
        row = cells.loc[key]
        assert row["value_a"] == pytest.approx(v0, rel=1e-12)
        assert row["value_b"] == pytest.approx(v1, rel=1e-12)
        assert row["change"] == pytest.approx(v1 - v0, rel=1e-12)
        assert row["area"] == pytest.approx(area, rel=1e-12, abs=1e-6)
        assert row["intensity"] == pytest.approx(intensity, rel=1e-12, abs=1e-6)
        assert row["price"] == pytest.approx(price, rel=1e-12, abs=1e-6)
        assert row[c.effects].sum() == pytest.approx(row["change"], rel=1e-12)
    others = cells.drop(index=list(HAND))
    assert (others[["value_a", "value_b", "change", "area", "intensity", "price"]].abs() < 1e-9).all().all()
    assert c.check() < 1e-12


def test_hand_computed_sums_by_service_category_region(hand_years):
    c = hand_years.compare(2020, 2021)
    by_svc = c.by("service")
    assert by_svc.loc["esv.food_production", "change"] == pytest.approx(61_000)
    assert by_svc.loc["esv.gas_regulation", ["area", "intensity", "price"]].tolist() == pytest.approx(
        [116_000, 182_000, 196_000])
    by_cat = c.by("category")
    assert by_cat.loc["provisioning", ["value_a", "value_b"]].tolist() == pytest.approx([575_000, 636_000])
    assert by_cat.loc["regulating", "change"] == pytest.approx(494_000)
    by_reg = c.by("region")
    assert by_reg.loc["a", ["area", "intensity", "price"]].tolist() == pytest.approx([66_500, 72_000, 146_500])
    assert by_reg.loc["b", "change"] == pytest.approx(270_000)
    total = c.total()
    assert total["change"] == pytest.approx(1_980_000 - 1_425_000)
    assert total[["area", "intensity", "price"]].sum() == pytest.approx(total["change"], rel=1e-12)
    for frame in (by_svc, by_cat, by_reg):
        assert np.allclose(frame[c.effects].sum(axis=1), frame["change"], rtol=1e-12, atol=1e-6)


def test_multi_year_result_value_total_and_indicators(hand_years):
    m = hand_years
    assert m.years == [2020, 2021]
    assert m.value.dims == ("year", "service", "region")
    assert float(m.value.sel(year=2021, service="esv.gas_regulation", region="a")) == pytest.approx(624_000)
    assert m.total.to_dict() == pytest.approx({2020: 1_425_000, 2021: 1_980_000})
    ind = m.indicators()
    # GEP per area: 元 / 1e4 / 4 km²
    assert ind.loc["gep_per_area", 2020] == pytest.approx(1_425_000 / 1e4 / 4)
    assert ind.loc["gep_per_area", "growth_2020_2021_%"] == pytest.approx((1_980_000 / 1_425_000 - 1) * 100)
    assert m[2021].extra["year_on_year"]["a"] == 2020


def test_two_factor_split_by_hand():
    # V = Q · P: 10 t at 10 元/t -> 12 t at 11 元/t; ΔV_Q = 2 · 10.5, ΔV_P = 1 · 11
    eff = decompose(10.0, 100.0, 12.0, 132.0)
    assert eff == pytest.approx({"quantity": 21.0, "price": 11.0})
    # a product that appears: all of it is quantity
    assert decompose(0.0, 0.0, 5.0, 40.0) == pytest.approx({"quantity": 40.0, "price": 0.0})


# ------------------------------------------------------------ prices
def test_rebasing_by_hand_with_the_shipped_cpi(tmp_path):
    """E given at 2019 prices, account 2021 at current prices: × 1.025 × 1.009 (NBS CPI 2020, 2021)."""
    cset = write_set(tmp_path / "set2019", cpi=None, equivalent_values=((2019, 1000.0, 2019),), gas_forest_2021=None)
    res = account(2021, cset, areas=LAND_USE[2020]).run()
    factor = 1.025 * 1.009
    # food in township a: (150·2 + 50·0.5) hm² equivalents × 1000 元/hm² at 2019 prices
    assert float(res.value.sel(service="esv.food_production", region="a")) == pytest.approx(325 * 1000 * factor,
                                                                                          rel=1e-12)
    prov = res.provenance
    row = prov[prov["key"] == "esv.standard_equivalent_value"].iloc[0]
    assert row["rebased_from_value"] == 1000.0 and row["rebased_from_year"] == 2019
    assert row["rebase_factor"] == pytest.approx(1.034225, rel=1e-12)
    assert row["value"] == pytest.approx(1034.225, rel=1e-12) and row["price_year"] == 2021

    # at constant 2019 prices nothing is rebased; at constant 2020 prices only the 2020 step
    same = account(2021, cset, areas=LAND_USE[2020], prices="constant:2019").run()
    assert float(same.value.sel(service="esv.food_production", region="a")) == pytest.approx(325_000, rel=1e-12)
    p2020 = account(2021, cset, areas=LAND_USE[2020], prices="constant:2020").run()
    assert p2020.total == pytest.approx(same.total * 1.025, rel=1e-12)


def test_rebasing_uses_the_index_of_the_accounts_own_set(tmp_path):
    cset = write_set(tmp_path / "own", cpi={2020: 110, 2021: 120}, equivalent_values=((2019, 1000.0, 2019),),
                     gas_forest_2021=None)
    res = account(2021, cset, areas=LAND_USE[2020]).run()
    assert res.total == pytest.approx(1_425_000 * 1.1 * 1.2, rel=1e-12)


def test_prices_index_set_names_another_set(tmp_path):
    index_only = write_set(tmp_path / "index", cpi={2020: 104, 2021: 105})
    cset = write_set(tmp_path / "plain", cpi=None, equivalent_values=((2019, 1000.0, 2019),), gas_forest_2021=None)
    res = account(2021, cset, areas=LAND_USE[2020], sections={"prices": {"index_set": str(index_only)}}).run()
    assert res.total == pytest.approx(1_425_000 * 1.04 * 1.05, rel=1e-12)


def test_missing_deflator_year_is_an_error(tmp_path):
    # the set's index starts with the change into 2021 (levels 2020–2021); E is at 2019 prices
    cset = write_set(tmp_path / "short", cpi={2021: 100.9}, equivalent_values=((2019, 1000.0, 2019),),
                     gas_forest_2021=None)
    with pytest.raises(DeflatorError) as err:
        account(2021, cset, areas=LAND_USE[2020]).run()
    assert "2019" in str(err.value) and "price_index.cpi" in str(err.value)

    # a gap in the series is never bridged with a factor of 1
    gap = write_set(tmp_path / "gap", cpi={2019: 102.9, 2021: 100.9}, equivalent_values=((2019, 1000.0, 2019),),
                    gas_forest_2021=None)
    with pytest.raises(DeflatorError) as err:
        account(2021, gap, areas=LAND_USE[2020]).run()
    assert err.value.problems[0].code == "price_index_gap" and "2020" in str(err.value)

    # a year after the shipped national CPI
    with pytest.raises(DeflatorError) as err:
        gep.Account.from_inputs(year=2026, regions=REGIONS, land_use=land_use(*LAND_USE[2021]),
                                coefficients="xie-2015").run()
    assert err.value.problems[0].code == "missing_price_index_year" and "2026" in str(err.value)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a_farm=st.integers(0, 200), b_farm=st.integers(0, 200), index=st.integers(950, 1100).map(lambda x: x / 10))
def test_unchanged_quantities_at_constant_prices_give_no_change(a_farm, b_farm, index):
    """Same land use and coefficients both years: at constant prices, the change and every effect are zero;
    at current prices, the change is all price (inflation)."""
    with tempfile.TemporaryDirectory() as tmp:
        cset = write_set(Path(tmp) / "set", cpi={2020: 100.0, 2021: index},
                         equivalent_values=((2020, 1000.0, 2020),), gas_forest_2021=None)
        areas_ = (a_farm, 200 - a_farm, b_farm, 200 - b_farm)
        const = {y: account(y, cset, areas=areas_, prices="constant:2020").run() for y in (2020, 2021)}
        current = {y: account(y, cset, areas=areas_).run() for y in (2020, 2021)}
    scale = max(const[2020].total, 1.0)
    c = MultiYearResult(current, constant=const).compare(2020, 2021)  # default: constant prices
    assert abs(c.total()["change"]) <= 1e-12 * scale
    for effect in c.effects:
        assert c.cells[effect].abs().max() <= 1e-12 * scale
    nominal = MultiYearResult(current, constant=const).compare(2020, 2021, prices="as_run")
    ratio = index / 100.0
    assert nominal.total()["change"] == pytest.approx(const[2020].total * (ratio - 1), rel=1e-9, abs=1e-6)
    assert nominal.total()["price"] == pytest.approx(nominal.total()["change"], rel=1e-9, abs=1e-6)
    assert abs(nominal.total()["area"]) + abs(nominal.total()["intensity"]) <= 1e-9 * scale


# ------------------------------------------------------------ configs over years
def _county(folder: Path, cset: Path, *, placeholder: bool) -> Path:
    """A county folder with land use for 2020 and 2021 and a config for both years."""
    folder.mkdir(parents=True, exist_ok=True)
    REGIONS.to_csv(folder / "regions.csv", index=False)
    if placeholder:
        for y in (2020, 2021):
            land_use(*LAND_USE[y]).to_csv(folder / f"land_use_{y}.csv", index=False)
        inputs = 'land_use = "land_use_{year}.csv"\n'
        overrides = ""
    else:
        land_use(*LAND_USE[2021]).to_csv(folder / "land_use.csv", index=False)
        land_use(*LAND_USE[2020]).to_csv(folder / "land_use_2020.csv", index=False)
        inputs = 'land_use = "land_use.csv"\n'
        overrides = '\n[years.2020]\nland_use = "land_use_2020.csv"\n'
    config = folder / "gep.toml"
    config.write_text(
        '[account]\nname = { zh = "手算县", en = "Hand county" }\nyear = 2021\nyears = [2020, 2021]\n'
        f'profile = "xie2015-gep"\ncoefficients = "{cset.as_posix()}"\nprices = "current"\n'
        'allow_outside_paths = true\n\n'  # the set is shared, in a folder of its own
        f'[inputs]\nregions = "regions.csv"\n{inputs}scheme = "gbt21010-2017"\n{overrides}{ZEROS_DECLARED_TOML}',
        encoding="utf-8")
    return config


@pytest.mark.parametrize("placeholder", [True, False], ids=["year-placeholder", "years-table"])
def test_run_years_reads_each_years_inputs(tmp_path, flat_set, placeholder):
    config = _county(tmp_path / "county", flat_set, placeholder=placeholder)
    m = run_years(config)
    assert m.years == [2020, 2021]
    assert m.total.to_dict() == pytest.approx({2020: 1_425_000, 2021: 1_980_000})
    c = m.compare(2020, 2021)
    cells = c.cells.set_index(["service", "region"])
    for key, (v0, v1, area, intensity, price) in HAND.items():
        assert cells.loc[key, ["area", "intensity", "price"]].tolist() == pytest.approx([area, intensity, price],
                                                                                         abs=1e-6)
    # flat deflator: the constant-price twin equals the current-price account
    assert m.constant is not None and m.constant[2021].prices == "constant:2020"
    assert m.constant[2021].total == pytest.approx(m[2021].total, rel=1e-12)
    # the years argument overrides the config's
    only = run_years(config, years="2020")
    assert only.years == [2020] and only.total[2020] == pytest.approx(1_425_000)


def test_parse_years():
    assert parse_years("2019-2021") == [2019, 2020, 2021]
    assert parse_years("2021, 2019") == [2019, 2021]
    assert parse_years([2021, 2020, 2021]) == [2020, 2021]
    with pytest.raises(ConfigError):
        parse_years("2021-2019")
    with pytest.raises(ConfigError):
        parse_years("last year")


# ------------------------------------------------------------ command line and reports
@pytest.fixture(scope="module")
def hand_cli_out(tmp_path_factory, flat_set) -> Path:
    folder = tmp_path_factory.mktemp("hand")
    config = _county(folder / "county", flat_set, placeholder=True)
    out = folder / "out"
    r = runner.invoke(app, ["run", str(config), "--years", "2020-2021", "--out", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="module")
def example_cli_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example") / "out"
    r = runner.invoke(app, ["run", str(gep.example_config()), "--years", "2020-2021", "--out", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    return out


def _summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def test_run_years_writes_latest_at_root_and_earlier_under_years(hand_cli_out):
    out = hand_cli_out
    for name in ("summary.json", "accounts.xlsx", "accounts.nc", "run.toml"):
        assert (out / name).is_file()
        assert (out / "years" / "2020" / name).is_file()
    assert not (out / "years" / "2021").exists()
    latest, earlier = _summary(out), _summary(out / "years" / "2020")
    assert latest["year"] == 2021 and earlier["year"] == 2020
    assert latest["gep"] == pytest.approx(1_980_000) and earlier["gep"] == pytest.approx(1_425_000)
    assert "year_on_year" in latest and "year_on_year" not in earlier


def test_run_one_year_of_a_multi_year_config(tmp_path, flat_set):
    config = _county(tmp_path / "county", flat_set, placeholder=False)
    r = runner.invoke(app, ["run", str(config), "--years", "2020", "--out", str(tmp_path / "o"), "--quiet"])
    assert r.exit_code == 0, r.output
    s = _summary(tmp_path / "o")
    assert s["year"] == 2020 and s["gep"] == pytest.approx(1_425_000)  # the [years.2020] land use


@pytest.mark.parametrize("which", ["hand", "example"])
def test_summary_year_on_year_effects_add_up(which, hand_cli_out, example_cli_out):
    out = hand_cli_out if which == "hand" else example_cli_out
    yoy = _summary(out)["year_on_year"]
    assert (yoy["from"], yoy["to"]) == (2020, 2021)
    assert yoy["prices"] == "constant:2020"
    effects = [e for e in ("area", "intensity", "quantity", "price") if e in yoy["gep"]]
    assert effects
    g = yoy["gep"]
    assert g["b"] - g["a"] == pytest.approx(g["change"], rel=1e-12)
    assert sum(g[e] for e in effects) == pytest.approx(g["change"], rel=1e-9, abs=1e-3)
    for entry in list(yoy["by_category"].values()) + list(yoy["by_service"].values()):
        assert sum(entry[e] for e in effects) == pytest.approx(entry["change"], rel=1e-9, abs=1e-3)
    assert sum(v["change"] for v in yoy["by_category"].values()) == pytest.approx(g["change"], rel=1e-9, abs=1e-3)
    if which == "hand":
        assert g["change"] == pytest.approx(555_000)
        assert yoy["by_service"]["esv.gas_regulation"]["intensity"] == pytest.approx(182_000)
    # indicators are compared as run (current prices), like the Indicators sheet of each year
    ind = yoy["indicators"]["gep_per_area"]
    assert ind["b"] == pytest.approx(_summary(out)["indicators"]["gep_per_area"]["value"], rel=1e-12)
    assert ind["a"] == pytest.approx(_summary(out / "years" / "2020")["indicators"]["gep_per_area"]["value"],
                                     rel=1e-12)


def test_compare_prints_change_by_category_service_region(example_cli_out):
    out = example_cli_out
    r = runner.invoke(app, ["compare", str(out / "years" / "2020"), str(out)])
    assert r.exit_code == 0, r.output
    text = r.output
    for title in ("By category", "By service", "By region"):
        assert title in text
    a, b = _summary(out / "years" / "2020"), _summary(out)
    assert f"{a['gep'] / 1e8:,.2f}" in text and f"{b['gep'] / 1e8:,.2f}" in text
    assert f"{(b['gep'] - a['gep']) / 1e8:+,.2f}" in text
    assert "调节服务 Regulating" in text and "百官街道" in text and "Recreation and tourism" in text
    change = (b["by_category"]["cultural"] - a["by_category"]["cultural"]) / 1e8
    assert f"{change:+,.2f}" in text                     # 亿元, two decimals, as everywhere
    # each run is labelled by its folder and its year
    assert f"{out / 'years' / '2020'} (2020)" in " ".join(text.split()) or "(2020)" in text
    assert "(2021)" in text


def test_compare_keeps_two_runs_of_one_year_apart(example_cli_out, tmp_path):
    import shutil

    out = example_cli_out
    other = tmp_path / "prices"
    shutil.copytree(out, other)
    r = runner.invoke(app, ["compare", str(out), str(other)])
    assert r.exit_code == 0, r.output
    flat = "".join(r.output.split())
    assert f"{out}(2021)".replace(" ", "") in flat and f"{other}(2021)".replace(" ", "") in flat


def test_compare_bad_folder_exits_1(tmp_path, hand_cli_out):
    r = runner.invoke(app, ["compare", str(tmp_path / "nowhere"), str(hand_cli_out)])
    assert r.exit_code == 1
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "summary.json").write_text("{not json", encoding="utf-8")
    r = runner.invoke(app, ["compare", str(tmp_path / "broken"), str(hand_cli_out)])
    assert r.exit_code == 1


def _sheet_rows(ws) -> tuple[list, list[list]]:
    """Header and data rows of a report sheet (the notes above the header are skipped)."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if all(v is not None for v in r))  # the header fills every column
    return rows[start], [r for r in rows[start + 1:] if any(v is not None for v in r)]


def test_excel_report_of_latest_year_has_year_sheets_with_numbers(example_cli_out):
    wb = openpyxl.load_workbook(example_cli_out / "accounts.xlsx")
    for name in ("年度对比 Year-on-year", "指标年度对比 Indicators by year", "两山指标 Two-Mountains"):
        assert name in wb.sheetnames
    earlier = openpyxl.load_workbook(example_cli_out / "years" / "2020" / "accounts.xlsx")
    assert "年度对比 Year-on-year" not in earlier.sheetnames

    header, rows = _sheet_rows(wb["年度对比 Year-on-year"])
    assert header[:5] == ["层级 Level", "项目 Item", "2020 (亿元)", "2021 (亿元)", "变化 Change (亿元)"]
    effect_cols = [i for i, h in enumerate(header) if "effect" in str(h)]
    assert len(effect_cols) == 4
    for r in rows:
        for i in [2, 3, 4] + effect_cols:
            assert isinstance(r[i], (int, float)), (r, header[i])
        assert sum(r[i] for i in effect_cols) == pytest.approx(r[4], rel=1e-9, abs=1e-9)
    levels = {r[0] for r in rows}
    assert levels == {"类别 Category", "服务 Service", "地区 Region"}

    header, rows = _sheet_rows(wb["指标年度对比 Indicators by year"])
    assert header == ["指标 ID", "指标", "Indicator", "单位 Unit", "2020", "2021", "增长 Growth (%)"]
    gpa = next(r for r in rows if r[0] == "gep_per_area")
    assert all(isinstance(v, float) for v in gpa[4:7])
    assert gpa[6] == pytest.approx((gpa[5] / gpa[4] - 1) * 100)

    header, rows = _sheet_rows(wb["两山指标 Two-Mountains"])
    value_col = header.index("2021 值 Value")
    row10 = next(r for r in rows if r[0] == 10)
    assert isinstance(row10[value_col], float) and isinstance(row10[0], int)
    assert row10[header.index("达标 Met")] is True


def test_compare_says_what_its_change_holds(example_cli_out):
    """gep compare of two years at current prices printed +2.48 % with no word (the constant-price change was
    +1.57 %); of two counties, −100 % for every township. Now each is said before the figures."""
    import copy

    from gep.cli import _compare_notes

    out = example_cli_out
    a, b = _summary(out / "years" / "2020"), _summary(out)
    r = runner.invoke(app, ["compare", str(out / "years" / "2020"), str(out)])
    assert r.exit_code == 0 and "holds inflation" in " ".join(r.output.split())
    assert _compare_notes(b, b) == []                       # one run against itself: nothing to say
    other = copy.deepcopy(b)
    other["root"], other["by_region"] = "shengzhou", {f"x{k}": v for k, v in b["by_region"].items()}
    assert any("different regions" in en for _, en in _compare_notes(b, other))
    constant = dict(a, prices="constant:2020")
    notes = [en for _, en in _compare_notes(constant, b)]
    assert len(notes) == 1 and "different price bases" in notes[0]

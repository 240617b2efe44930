"""Tier 1 (Xie et al. 2015) against hand-computed numbers and published cases."""

from pathlib import Path

import numpy as np
import pytest

import gep
from gep.coefficients import load_coefficients
from gep.compute.value_transfer import equivalent_area, esv_value, regional_equivalent_value
from gep.validation import load_study

from conftest import CPI_2010_2021

E_NATIONAL = 3406.50  # 元/hm², Xie et al. 2015 (2010 prices)
E_2021 = E_NATIONAL * CPI_2010_2021  # the example reports current (2021) prices


def test_regional_equivalent_value_jinshanmeng():
    # ChinaXiv:201809.00013: 3088.33 kg/hm² × 2.30 元/kg ÷ 7 = 1014.74 元/hm²
    e = regional_equivalent_value([1.0], [2300.0], [3.08833])
    assert e == pytest.approx(3.08833 * 2300.0 / 7)
    assert round(e, 2) == 1014.74


def test_regional_equivalent_value_weights_by_sown_area():
    # two crops: 100 hm² × 6 t/hm² × 2600 元/t and 300 hm² × 4 t/hm² × 2400 元/t
    # Σ m p q / M = (1 560 000 + 2 880 000) / 400 = 11 100 元/hm²; ÷ 7 = 1585.714…
    assert regional_equivalent_value([100, 300], [2600, 2400], [6, 4]) == pytest.approx(11100 / 7)


#: 晋陕蒙 Table 1 (ChinaXiv:201809.00013), as the validation gallery records it (validation/jinshanmeng-1995-2015)
JSM = {f.id: f for f in load_study(Path(__file__).resolve().parent.parent / "validation" / "jinshanmeng-1995-2015").figures}


@pytest.mark.parametrize("ecosystem", ["farmland_dry", "forest_broadleaf", "grassland_steppe", "water", "bare", "built_up"])
def test_jinshanmeng_per_type_totals(ecosystem):
    """晋陕蒙 Table 1: Σ equivalents × 1014.74 元/hm² (耕地 4069.11, 林地 23 288.28, … 未利用地 202.95)."""
    published = JSM[f"coefficient_{ecosystem}_total"].published
    cs = load_coefficients("xie-2015")
    keys = [k for k in cs.keys() if k.startswith("esv.equivalent.")]
    assert len(keys) == 11
    total_eq = sum(cs.resolve(k, ecosystem=ecosystem, year=2015).value for k in keys)
    # the paper rounds each service coefficient to 0.01 元/hm² before summing
    assert esv_value(equivalent_area(1.0, total_eq), 1014.74) == pytest.approx(published, abs=0.02)


# Lingnan township (岭南乡) of the example county, hm² by ecosystem type (from land_use.csv):
LINGNAN = {"farmland_dry": 233.70, "farmland_paddy": 272.65, "forest_broadleaf": 6504.65, "shrub": 233.70,
           "grassland_shrub": 77.90, "wetland": 7.79, "water": 186.96, "built_up": 272.65}
# the county, hm² by ecosystem type
COUNTY = {"farmland_dry": 5380.17, "farmland_paddy": 19055.85, "farmland_irrigated": 1989.28,
          "forest_broadleaf": 62673.22, "shrub": 2598.26, "grassland_shrub": 1657.35, "wetland": 4695.86,
          "bare": 564.74, "water": 12131.64, "built_up": 25453.63}


def test_example_food_production_lingnan(vt_result):
    # 3406.50 × (233.70×0.85 + 272.65×1.36 + 6504.65×0.29 + 233.70×0.19 + 77.90×0.38 + 7.79×0.51 + 186.96×0.80)
    # = 3406.50 × (198.645 + 370.804 + 1886.3485 + 44.403 + 29.602 + 3.9729 + 149.568)
    # = 3406.50 × 2683.3434 = 9 140 809.29 元 in 2010 prices; × 1.29218 (CPI 2010→2021)
    expected = 3406.50 * 2683.3434 * CPI_2010_2021
    got = float(vt_result.value.sel(service="esv.food_production", region="lingnan"))
    assert got == pytest.approx(expected, rel=1e-9)
    assert float(vt_result.physical["esv.food_production"].sel(region="lingnan").sum()) == pytest.approx(2683.3434, rel=1e-9)


def test_example_hydrological_regulation_county(vt_result):
    eq = {"farmland_dry": 0.27, "farmland_paddy": 2.72, "farmland_irrigated": 1.90, "forest_broadleaf": 4.74,
          "shrub": 3.35, "grassland_shrub": 3.82, "wetland": 24.23, "bare": 0.03, "water": 102.24, "built_up": 0.0}
    # Σ = 1452.6459 + 51831.912 + 3779.632 + 297071.0628 + 8704.171 + 6331.077 + 113780.6878 + 16.9422
    #     + 1240338.8736 = 1 723 307.0043 equivalent-hm²; × 3406.50 元/hm²
    weighted = sum(COUNTY[k] * eq[k] for k in COUNTY)
    assert weighted == pytest.approx(1723307.0043, rel=1e-10)
    got = float(vt_result.value.sel(service="esv.hydrological_regulation").sum())
    assert got == pytest.approx(1723307.0043 * E_2021, rel=1e-9)


def test_example_water_supply_county_has_negative_paddy_term(vt_result):
    eq = {"farmland_dry": 0.02, "farmland_paddy": -2.63, "farmland_irrigated": -1.84, "forest_broadleaf": 0.34,
          "shrub": 0.22, "grassland_shrub": 0.31, "wetland": 2.59, "bare": 0.0, "water": 8.29, "built_up": 0.0}
    # 107.6034 − 50116.8855 − 3660.2752 + 21308.8948 + 571.6172 + 513.7785 + 12162.2774 + 0 + 100571.2956
    # = 81 458.3062 equivalent-hm²
    weighted = sum(COUNTY[k] * eq[k] for k in COUNTY)
    assert weighted == pytest.approx(81458.3062, rel=1e-9)
    got = float(vt_result.value.sel(service="esv.water_supply").sum())
    assert got == pytest.approx(81458.3062 * E_2021, rel=1e-9)
    paddy = float(vt_result.value_by_ecosystem.sel(service="esv.water_supply", ecosystem="farmland_paddy").sum())
    assert paddy == pytest.approx(-50116.8855 * E_2021, rel=1e-9)


def test_adjustment_factor_applies_to_its_services_only(vt_copy):
    text = vt_copy.read_text(encoding="utf-8").replace(
        'equivalent_value = "national"',
        'equivalent_value = "national"\nadjustment = { npp = 1.0, precipitation = 1.5, soil = 1.0 }\n'
        'adjustment_source = "test: synthetic factor"')
    vt_copy.write_text(text, encoding="utf-8")
    base = gep.Account.from_config(gep.example_config("gep-value-transfer.toml")).run()
    adj = gep.Account.from_config(vt_copy).run()
    for sid in base.value.service.values:
        ratio = float(adj.value.sel(service=sid).sum() / base.value.sel(service=sid).sum())
        expected = 1.5 if sid in ("esv.water_supply", "esv.hydrological_regulation") else 1.0
        assert ratio == pytest.approx(expected, rel=1e-12), sid


def test_equivalent_value_from_grain_statistics(vt_copy):
    grain = vt_copy.parent / "grain.csv"
    grain.write_text("crop,sown_area,area_unit,yield,yield_unit,price,price_unit,source\n"
                     "rice,100,hm²,6,t/hm²,2.6,元/kg,test\nwheat,300,hm²,4000,kg/hm²,2400,元/t,test\n", encoding="utf-8")
    text = vt_copy.read_text(encoding="utf-8").replace('equivalent_value = "national"',
                                                             'equivalent_value = { grain = "grain.csv" }')
    vt_copy.write_text(text, encoding="utf-8")
    base = gep.Account.from_config(gep.example_config("gep-value-transfer.toml")).run()
    res = gep.Account.from_config(vt_copy).run()
    # E = 11 100 / 7 元/hm² from this year's grain prices (see test_regional_equivalent_value_weights_by_sown_area),
    # no rebasing; the base account's 3406.50 is rebased from 2010 to 2021
    assert res.total == pytest.approx(base.total * (11100 / 7) / E_2021, rel=1e-9)
    assert "grain.csv" in res.inputs


def test_esv_profile_adds_supporting_services(vt_copy):
    text = vt_copy.read_text(encoding="utf-8").replace('profile = "xie2015-gep"', 'profile = "xie2015-esv"')
    vt_copy.write_text(text, encoding="utf-8")
    esv = gep.Account.from_config(vt_copy).run()
    assert "supporting" in esv.by_category.index
    assert esv.value.sizes["service"] == 11
    assert np.isclose(esv.total, esv.by_category.sum())


def test_an_esv_account_is_written_by_gep_run(vt_copy, tmp_path):
    """An ESV account's total is under "esv": the outputs' check for missing figures looks for it there."""
    import json

    from typer.testing import CliRunner

    from gep.cli import app

    text = vt_copy.read_text(encoding="utf-8").replace('profile = "xie2015-gep"', 'profile = "xie2015-esv"')
    vt_copy.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["run", str(vt_copy), "-o", str(out)], env={"COLUMNS": "200"})  # with its tables
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert "gep" not in summary
    assert summary["esv"] == pytest.approx(gep.Account.from_config(vt_copy).run().total, rel=1e-12)
    assert all("esv" in region for region in summary["by_region"].values())
    # the indicators it computes from ESV say so (ESV per land area is not GEP per land area)
    assert summary["indicators"]["gep_per_area"]["label"] == {"zh": "单位国土面积生态系统服务价值",
                                                             "en": "ESV per unit land area"}
    assert summary["indicators"]["gep_per_resident"]["label"]["en"] == "ESV per resident"
    assert "ESV (亿元)" in r.output
    assert {"summary.json", "accounts.xlsx", "accounts.nc", "run.toml"} <= {p.name for p in out.iterdir()}

    # gep compare reads the total under "esv", and says when the other run reports GEP
    gep_out = tmp_path / "gep"
    vt_copy.write_text(text.replace('profile = "xie2015-esv"', 'profile = "xie2015-gep"'), encoding="utf-8")
    assert CliRunner().invoke(app, ["run", str(vt_copy), "-q", "-o", str(gep_out)]).exit_code == 0
    r = CliRunner().invoke(app, ["compare", str(out), str(out)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    first_region = next(iter(summary["by_region"].values()))
    assert f"{first_region['esv'] / 1e8:,.2f}" in r.output and "ESV" in r.output.splitlines()[0]
    r = CliRunner().invoke(app, ["compare", str(gep_out), str(out)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "one run reports GEP, the other ESV" in r.output


def test_an_esv_account_gives_no_gep_value_to_the_two_mountains_table(vt_copy):
    """ESV per land area is not GEP per land area: the Two-Mountains row gep computes from GEP gets no value."""
    text = vt_copy.read_text(encoding="utf-8").replace('profile = "xie2015-gep"', 'profile = "xie2015-esv"')
    text = text.replace('land_use = "land_use.csv"', 'land_use = "land_use.csv"\ntwo_mountains = "two_mountains.csv"\n'
                        'economy = "economy.csv"', 1)
    vt_copy.write_text(text, encoding="utf-8")
    res = gep.Account.from_config(vt_copy).run()
    assert res.measure == "ESV" and res.indicators["gep_per_area"]["value"] is not None   # the indicator, as ESV
    # which the result itself calls ESV (the summary, the workbook's indicators by year and the API alike)
    assert res.indicators["gep_per_area"]["label"] == {"zh": "单位国土面积生态系统服务价值", "en": "ESV per unit land area"}
    assert res.indicators["gep_gdp_ratio"]["label"]["en"] == "ESV/GDP ratio"
    tm = res.extra["two_mountains"].set_index("no")
    table = res.extra["two_mountains_input"].set_index("no")
    gep_rows = [n for n in table.index if table.at[n, "computed_by"] == "gep_per_area"]
    assert gep_rows and all(tm.at[n, "value"] is None and tm.at[n, "value_source"] == "missing" for n in gep_rows)
    assert all("this account reports ESV" in tm.at[n, "reason_en"] for n in gep_rows)
    assert "gep_per_area" not in res.extra["two_mountains_computed"]
    assert "green_organic_share" in res.extra["two_mountains_computed"]   # the economy's shares are no GEP
    assert "gep_rows_of_an_esv_account" in [w.code for w in res.warnings]
    # the same county as GEP gives the row its value
    vt_copy.write_text(text.replace('profile = "xie2015-esv"', 'profile = "xie2015-gep"'), encoding="utf-8")
    res = gep.Account.from_config(vt_copy).run()
    tm = res.extra["two_mountains"].set_index("no")
    assert all(tm.at[n, "value_source"] == "computed" for n in gep_rows)
    assert res.indicators["gep_per_area"]["label"]["en"] == "GEP per unit land area"


def test_an_esv_accounts_uncertainty_says_esv(vt_copy, tmp_path):
    """The intervals of an ESV account are of ESV: the console tables, the workbook sheet and its notes say so."""
    import re

    import openpyxl
    from typer.testing import CliRunner

    from gep.cli import app

    text = vt_copy.read_text(encoding="utf-8").replace('profile = "xie2015-gep"', 'profile = "xie2015-esv"')
    vt_copy.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["run", str(vt_copy), "--uncertainty", "40", "-o", str(out)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "Uncertainty 2021: ESV 90 % 区间" in r.output and "生态系统服务价值 ESV" in r.output
    gep_word = re.compile(r"\bGEP\b|生态系统生产总值")
    console = [line for line in r.output.splitlines() if gep_word.search(line) and "not GEP" not in line]
    assert console == []
    sheet = openpyxl.load_workbook(out / "accounts.xlsx")["不确定性 Uncertainty"]
    cells = [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert "生态系统服务价值" in cells and "ESV per unit land area" in cells
    assert [v for v in cells if gep_word.search(v)] == []
    # summary.json keeps the interval of the total under "esv", as it keeps the total itself
    import json

    unc = json.loads((out / "summary.json").read_text(encoding="utf-8"))["uncertainty"]
    assert "gep" not in unc and unc["esv"]["deterministic"] == pytest.approx(
        json.loads((out / "summary.json").read_text(encoding="utf-8"))["esv"], rel=1e-12)
    # the same county as GEP keeps its GEP labels
    vt_copy.write_text(text.replace('profile = "xie2015-esv"', 'profile = "xie2015-gep"'), encoding="utf-8")
    r = CliRunner().invoke(app, ["run", str(vt_copy), "--uncertainty", "40", "-o", str(tmp_path / "g")],
                           env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "Uncertainty 2021: GEP 90 % 区间" in r.output and "生态系统生产总值 GEP" in r.output


def test_an_esv_multi_year_run_keeps_its_change_under_esv(vt_copy, tmp_path):
    """The year-on-year section of an ESV account holds the change of its total under "esv", as the summary holds
    the total; the report's decomposition reads it there and says ESV."""
    import json
    import re

    from typer.testing import CliRunner

    from gep.cli import app

    text = vt_copy.read_text(encoding="utf-8").replace('profile = "xie2015-gep"', 'profile = "xie2015-esv"')
    text = text.replace("year = 2021\n", "year = 2021\nyears = [2020, 2021]\n", 1) + "\n[years.2020]\nreuse = 2021\n"
    vt_copy.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["run", str(vt_copy), "--report", "-q", "-o", str(out)])
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    yoy = summary["year_on_year"]
    assert "gep" not in yoy and yoy["esv"]["a"] > 0 and yoy["prices"] == "constant:2020"  # 2021 at 2020 prices
    assert yoy["esv"]["change"] == pytest.approx(yoy["esv"]["b"] - yoy["esv"]["a"])
    html = (out / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="year-on-year"'):]
    text = re.sub(r"<[^>]+>", " ", section[:section.index("</section>")])
    assert "ESV" in text and not re.search(r"\bGEP\b(?! CJK)", text.replace("not GEP", ""))

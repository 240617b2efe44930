"""Accounts of years before a coefficient set's rows, '{year}' in one year's input paths, and
the price year of a hand-set value of one equivalent (issue 17).

- a dimensionless factor (Xie equivalents, photosynthesis ratios) applies to any year, its earliest row
  taken before its valid_from; a price too, through its price year and the deflator; a rate with
  another dimension stays bound, and a set can keep any key bound (``strict_valid_from``);
- a missing coefficient is reported for the ecosystem types the account has area of, all at once;
- ``land_use = "land_use_{year}.csv"`` works with a single ``year``;
- ``equivalent_value`` needs the price year the paper used, and the grain table's ``price_year``.
"""

from __future__ import annotations

import pandas as pd
import pytest

import gep
from gep.coefficients import load_coefficients
from gep.errors import DeflatorError, MissingCoefficient
from gep.testing import write_coefficient_set

from conftest import CPI_2010_2021

XIE_SUM = {  # Σ of the eleven Xie (2015) equivalents of a type (coefficients/xie-2015/equivalents.csv)
    "farmland_dry": 0.85 + 0.40 + 0.02 + 0.67 + 0.36 + 0.10 + 0.27 + 1.03 + 0.12 + 0.13 + 0.06,  # 4.01
    "water": 0.80 + 0.23 + 8.29 + 0.77 + 2.29 + 5.55 + 102.24 + 0.93 + 0.07 + 2.55 + 1.89,  # 125.61
}


def regions_without_money(area_km2: float = 2.0) -> pd.DataFrame:
    """One county, one township, no GDP (an account at constant prices then needs no deflator for its year)."""
    return pd.DataFrame([
        {"id": "c", "parent": "", "name_zh": "县", "name_en": "County", "area": area_km2, "area_unit": "km²"},
        {"id": "t0", "parent": "c", "name_zh": "镇", "name_en": "Town", "area": area_km2, "area_unit": "km²"}])


def land_use_1km2_each() -> pd.DataFrame:
    # GB/T 21010 0103 = 旱地 (farmland_dry), 1101 = 河流水面 (water): 100 hm² each
    return pd.DataFrame({"region": ["t0", "t0"], "code": ["0103", "1101"], "area": [100.0, 100.0],
                         "unit": ["hm²", "hm²"]})


def xie_account(year: int, prices: str, **kw) -> gep.Account:
    return gep.Account.from_inputs(name="test", year=year, regions=regions_without_money(), land_use=land_use_1km2_each(),
                                   coefficients=kw.pop("coefficients", "xie-2015"), profile="xie2015-esv",
                                   prices=prices, **kw)


# ----------------------------------------------------------------- resolution
def test_dimensionless_equivalent_applies_before_its_first_row():
    cs = load_coefficients("xie-2015")
    r = cs.resolve("esv.equivalent.food_production", ecosystem="farmland_dry", year=1999)
    assert (r.value, r.valid_from, r.year, r.before_valid_from) == (0.85, 2010, 1999, True)
    note = r.trace()["note"]
    assert "valid from 2010 applied to 1999" in note and "dimensionless" in note


def test_rate_with_a_dimension_stays_bound_to_valid_from():
    cs = load_coefficients("cn-rcees")
    # t/m³ is neither dimensionless nor money: a soil parameter of 2010 is not assumed for 1999
    with pytest.raises(MissingCoefficient, match="param.soil_bulk_density") as info:
        cs.resolve("param.soil_bulk_density", year=1999)
    assert "rows start in 2010" in str(info.value) and "2010 年起有效" in str(info.value)
    # a dimensionless parameter of the same set does apply
    assert cs.resolve("param.sediment_ratio", year=1999).value == 0.24


def test_strict_valid_from_keeps_a_key_bound_and_is_inherited(tmp_path):
    rows = [{"key": "esv.equivalent.food_production", "ecosystem": "farmland_dry", "valid_from": 2010, "value": 0.9,
             "unit": "1"}]
    folder = write_coefficient_set(tmp_path / "strict", rows)
    manifest = folder / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        'version = "1"', 'version = "1"\nstrict_valid_from = ["esv.equivalent.*"]'), encoding="utf-8")
    strict = load_coefficients(path=folder)
    assert strict.strict_valid_from == ("esv.equivalent.*",)
    with pytest.raises(MissingCoefficient, match="rows start in 2010"):
        strict.resolve("esv.equivalent.food_production", ecosystem="farmland_dry", year=1999)
    assert strict.resolve("esv.equivalent.food_production", ecosystem="farmland_dry", year=2012).value == 0.9
    # a county set extending it inherits the rule (and the rows of xie-2015 it does not list stay unbound)
    child = write_coefficient_set(tmp_path / "child", [], set_id="child", extends=str(folder))
    inherited = load_coefficients(path=child)
    assert inherited.strict_valid_from == ("esv.equivalent.*",)
    with pytest.raises(MissingCoefficient):
        inherited.resolve("esv.equivalent.food_production", ecosystem="farmland_dry", year=1999)


def test_strict_valid_from_must_be_a_list_of_keys(tmp_path):
    folder = write_coefficient_set(tmp_path / "bad", [])
    manifest = folder / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        'version = "1"', 'version = "1"\nstrict_valid_from = "esv.equivalent.*"'), encoding="utf-8")
    with pytest.raises(gep.GepError) as info:
        load_coefficients(path=folder)
    (p,) = info.value.problems
    assert p.code == "bad_manifest" and p.file.endswith("manifest.toml")


# -------------------------------------------------------------------- accounts
def test_value_transfer_account_of_1999_at_constant_2010_prices():
    # 100 hm² of dry farmland and 100 hm² of river, national 3406.50 元/hm² (2010 prices), not rebased:
    # ESV = (100 × 4.01 + 100 × 125.61) × 3406.50 = 12 962 × 3406.50 = 44 155 053 元
    res = xie_account(1999, "constant:2010").run()
    assert res.year == 1999
    assert res.total == pytest.approx((100 * XIE_SUM["farmland_dry"] + 100 * XIE_SUM["water"]) * 3406.50, rel=1e-12)
    assert res.total == pytest.approx(44_155_053.0, rel=1e-9)
    prov = res.provenance
    eq = prov[prov["key"] == "esv.equivalent.food_production"]
    assert set(eq["ecosystem"]) == {"farmland_dry", "water"}  # types without area are not resolved
    assert eq["note"].str.contains("applied to 1999").all()
    ev = prov[prov["key"] == "esv.standard_equivalent_value"].iloc[0]
    assert ev["price_year"] == 2010 and "rebased from its price year" in ev["note"]


def test_value_transfer_account_of_1999_at_current_prices_needs_the_deflator():
    # 3406.50 is a 2010 price: in 1999 prices it needs the CPI of 1999, which cn-price-indices lacks
    with pytest.raises(DeflatorError, match="1999"):
        xie_account(1999, "current").run()


def test_price_before_its_first_row_is_rebased_with_the_deflator():
    # 2007 at current prices: 3406.50 (2010) × CPI 2007→2010 = 3406.50 / (1.059 × 0.993 × 1.033)
    factor = 1 / (1.059 * 0.993 * 1.033)
    res = xie_account(2007, "current").run()
    assert res.total == pytest.approx((100 * XIE_SUM["farmland_dry"] + 100 * XIE_SUM["water"]) * 3406.50 * factor,
                                      rel=1e-9)


def test_missing_coefficient_names_only_the_types_the_account_uses(tmp_path):
    # a set that gives food-production equivalents for dry farmland only: the account has water too
    rows = [{"key": "esv.equivalent.food_production", "ecosystem": "farmland_dry", "value": 0.85, "unit": "1"},
            {"key": "esv.standard_equivalent_value", "value": 3406.5, "unit": "元/hm²", "price_year": 2010}]
    folder = write_coefficient_set(tmp_path / "partial", rows)
    acct = gep.Account.from_inputs(name="t", year=2010, regions=regions_without_money(), land_use=land_use_1km2_each(),
                                   coefficients=str(folder), profile="xie2015-gep",
                                   services={"esv.food_production": "xie2015"})
    with pytest.raises(MissingCoefficient) as info:
        acct.run()
    text = str(info.value)
    assert "water" in text and "farmland_paddy" not in text and "forest_broadleaf" not in text


def test_every_missing_type_is_reported_at_once(tmp_path):
    rows = [{"key": "esv.standard_equivalent_value", "value": 3406.5, "unit": "元/hm²", "price_year": 2010}]
    folder = write_coefficient_set(tmp_path / "empty", rows)
    acct = gep.Account.from_inputs(name="t", year=2010, regions=regions_without_money(), land_use=land_use_1km2_each(),
                                   coefficients=str(folder), profile="xie2015-gep")
    with pytest.raises(MissingCoefficient) as info:
        acct.run()
    # every service of the plan reports its own missing rows (the plan runs them all): only these two types
    assert sorted({p.en.split("ecosystem ")[1].split(",")[0] for p in info.value.problems}) == \
        ["farmland_dry", "water"]


# ------------------------------------------------------------ {year} in paths
def test_year_placeholder_with_a_single_year(tmp_path):
    regions_without_money().to_csv(tmp_path / "regions.csv", index=False)
    land_use_1km2_each().to_csv(tmp_path / "land_use_2014.csv", index=False)
    (tmp_path / "gep.toml").write_text(
        '[account]\nyear = 2014\nprofile = "xie2015-esv"\ncoefficients = "xie-2015"\nprices = "constant:2010"\n'
        '[inputs]\nregions = "regions.csv"\nland_use = "land_use_{year}.csv"\n', encoding="utf-8")
    res = gep.Account.from_config(tmp_path / "gep.toml").run()
    assert "land_use_2014.csv" in res.inputs
    assert res.total == pytest.approx(44_155_053.0, rel=1e-9)


def test_year_placeholder_names_the_missing_file_of_that_year(tmp_path):
    regions_without_money().to_csv(tmp_path / "regions.csv", index=False)
    (tmp_path / "gep.toml").write_text(
        '[account]\nyear = 2015\nprofile = "xie2015-esv"\ncoefficients = "xie-2015"\n'
        '[inputs]\nregions = "regions.csv"\nland_use = "land_use_{year}.csv"\n', encoding="utf-8")
    problems = gep.Account.from_config(tmp_path / "gep.toml").validate()
    assert problems and any("land_use_2015.csv" in (p.file or "") + p.en for p in problems)
    assert not any("{year}" in (p.file or "") + p.en for p in problems)


# ----------------------------------------------- price year of one equivalent
def test_equivalent_value_without_price_year_asks_for_the_papers_price_year():
    acct = xie_account(2015, "current", value_transfer={"equivalent_value": 1014.74,
                                                        "equivalent_value_source": "a paper, table 1"})
    (p,) = acct.validate()
    assert p.code == "value_without_price_year" and p.column == "value_transfer.equivalent_value_price_year"
    assert "1014.74" in p.en and "the year whose prices the paper used" in p.en
    assert "价格年份" in p.zh


@pytest.mark.parametrize("vt,code", [
    ({"equivalent_value": 1014.74, "equivalent_value_price_year": 2015}, "value_without_source"),
    ({"equivalent_value": 1014.74, "equivalent_value_source": "p", "equivalent_value_price_year": "2015"},
     "bad_config_value"),
    ({"equivalent_value": -5.0, "equivalent_value_source": "p", "equivalent_value_price_year": 2015},
     "bad_config_value"),
    ({"equivalent_value": True, "equivalent_value_source": "p", "equivalent_value_price_year": 2015},
     "bad_config_value"),
])
def test_bad_given_equivalent_values(vt, code):
    (p,) = xie_account(2015, "current", value_transfer=vt).validate()
    assert p.code == code


def test_given_equivalent_value_is_rebased_from_its_price_year():
    # 1000 元/hm² in 2010 prices, account in 2021 prices: × CPI 2010→2021
    res = xie_account(2021, "current", value_transfer={
        "equivalent_value": 1000.0, "equivalent_value_source": "test", "equivalent_value_price_year": 2010}).run()
    assert res.total == pytest.approx(12_962 * 1000.0 * CPI_2010_2021, rel=1e-9)


GRAIN = "crop,sown_area,area_unit,yield,yield_unit,price,price_unit,source{py_col}\n" \
        "grain,1,hm²,3088.33,kg/hm²,2.30,元/kg,ChinaXiv:201809.00013 §2.1.2{py}\n"


def test_grain_price_year_is_honoured(tmp_path):
    # E = 3088.33 × 2.30 / 7 = 1014.737… 元/hm² in 2010 prices; the account is in 2021 prices
    (tmp_path / "grain.csv").write_text(GRAIN.format(py_col=",price_year", py=",2010"), encoding="utf-8")
    res = xie_account(2021, "current", value_transfer={"equivalent_value": {"grain": str(tmp_path / "grain.csv")}}).run()
    assert res.total == pytest.approx(12_962 * 3088.33 * 2.30 / 7 * CPI_2010_2021, rel=1e-9)
    # without the column the grain prices are the account year's: not rebased
    (tmp_path / "grain.csv").write_text(GRAIN.format(py_col="", py=""), encoding="utf-8")
    res = xie_account(2021, "current", value_transfer={"equivalent_value": {"grain": str(tmp_path / "grain.csv")}}).run()
    assert res.total == pytest.approx(12_962 * 3088.33 * 2.30 / 7, rel=1e-9)


def test_grain_table_with_two_price_years_is_an_error(tmp_path):
    text = GRAIN.format(py_col=",price_year", py=",2010") + "maize,1,hm²,5000,kg/hm²,2.0,元/kg,test,2015\n"
    (tmp_path / "grain.csv").write_text(text, encoding="utf-8")
    (p,) = xie_account(2021, "current", value_transfer={"equivalent_value": {"grain": str(tmp_path / "grain.csv")}}
                       ).validate()
    assert p.code == "bad_price_year" and p.column == "price_year"


# ------------------------------------------------------------ profile files
def test_profile_file_relative_to_the_config(tmp_path):
    regions_without_money().to_csv(tmp_path / "regions.csv", index=False)
    land_use_1km2_each().to_csv(tmp_path / "land_use.csv", index=False)
    (tmp_path / "profile.toml").write_text('id = "food-only"\nservices = ["esv.food_production"]\n', encoding="utf-8")
    (tmp_path / "gep.toml").write_text(
        '[account]\nyear = 2010\nprofile = "profile.toml"\ncoefficients = "xie-2015"\n'
        '[inputs]\nregions = "regions.csv"\nland_use = "land_use.csv"\n', encoding="utf-8")
    res = gep.Account.from_config(tmp_path / "gep.toml").run()
    assert list(res.value.service.values) == ["esv.food_production"]
    # (100 × 0.85 + 100 × 0.80) × 3406.50 = 16 500 × 3406.5 / 100 = 562 072.5 元
    assert res.total == pytest.approx(562_072.5, rel=1e-12)
    assert "profile.toml" in res.inputs


@pytest.mark.parametrize("text,code", [
    ('id = "x"\nservices = []\n', "bad_profile"),
    ('services = ["esv.food_production"]\n', "bad_profile"),
    ('id = "x"\nservices = ["esv.food_production"]\nservice = 1\n', "unknown_config_key"),
    ('id = "x"\nservices = [', "bad_toml"),
])
def test_bad_profile_files(tmp_path, text, code):
    (tmp_path / "profile.toml").write_text(text, encoding="utf-8")
    acct = gep.Account.from_inputs(name="t", year=2010, regions=regions_without_money(), land_use=land_use_1km2_each(),
                                   coefficients="xie-2015", profile="profile.toml", base_dir=tmp_path)
    problems = acct.validate()
    assert code in {p.code for p in problems}
    assert all(p.file.endswith("profile.toml") for p in problems if p.code == code)


def test_missing_profile_file(tmp_path):
    acct = gep.Account.from_inputs(name="t", year=2010, regions=regions_without_money(), land_use=land_use_1km2_each(),
                                   coefficients="xie-2015", profile="nowhere.toml", base_dir=tmp_path)
    assert "file_not_found" in {p.code for p in acct.validate()}


def test_grain_table_without_its_columns(tmp_path):
    (tmp_path / "grain.csv").write_text("crop,sown_area\nrice,1\n", encoding="utf-8")
    acct = xie_account(2021, "current", value_transfer={"equivalent_value": {"grain": str(tmp_path / "grain.csv")}})
    (p,) = acct.validate()
    assert p.code == "missing_columns" and p.file.endswith("grain.csv") and "price_unit" in p.en

"""The account end to end: additivity, determinism, in-memory inputs, and every bad input."""

import json

import pandas as pd
import pytest
import xarray as xr
from hypothesis import assume, example, given, settings, strategies as st

import gep
from gep import errors as E
from conftest import tiny_regions


# ------------------------------------------------------------------ additivity
def test_townships_services_categories_add_up(example_result):
    res = example_result
    s = res.summary()
    assert sum(v["gep"] for v in s["by_region"].values()) == pytest.approx(s["gep"], rel=1e-12)
    assert sum(v["value"] for v in s["by_service"].values()) == pytest.approx(s["gep"], rel=1e-12)
    assert sum(s["by_category"].values()) == pytest.approx(s["gep"], rel=1e-12)
    assert float(res.value_by_ecosystem.sum()) == pytest.approx(res.total, rel=1e-12)
    assert set(s["by_region"]) == set(res.regions.index[res.regions["parent"] == "shangyu"])


def test_indicators_from_hand(example_result):
    s = example_result.summary()
    gep_yuan = s["gep"]
    assert s["indicators"]["gep_per_area"]["value"] == pytest.approx(gep_yuan / 1e4 / 1362.0)
    share = s["indicators"]["resident_eco_product_share"]
    realised = s["by_category"]["provisioning"] + s["by_category"]["cultural"]
    # population cancels: (realised / 717 100) / (1135.68e8 / 717 100) × 100
    assert share["value"] == pytest.approx(realised / 1135.68e8 * 100, rel=1e-9)
    assert share["components"]["numerator"] == "realised_gep"
    assert s["indicators"]["gep_gdp_ratio"]["value"] == pytest.approx(gep_yuan / 1135.68e8)
    assert s["indicators"]["gep_per_resident"]["value"] == pytest.approx(gep_yuan / 717100)


def test_tidy_dataframe(example_result):
    df = example_result.to_dataframe()
    assert len(df) == 20 * example_result.value.sizes["service"]
    assert df["value_yuan"].sum() == pytest.approx(example_result.total, rel=1e-12)
    assert {"region", "service", "category", "physical", "physical_unit", "value_yuan"} <= set(df.columns)


def test_value_is_xarray_in_yuan(example_result):
    v = example_result.value
    assert isinstance(v, xr.DataArray) and v.dims == ("service", "region") and v.attrs["units"] == "元"
    assert example_result.value_by_ecosystem.dims == ("service", "region", "ecosystem")
    assert example_result.physical["climate_regulation"].attrs["units"] == "kWh"
    assert example_result.physical["water_conservation"].attrs["units"] == "m³"


def test_provenance_traces_every_value_to_a_row(vt_result):
    prov = vt_result.provenance
    eq = prov[prov["key"] == "esv.equivalent.food_production"]
    assert set(eq["ecosystem"]) >= {"farmland_paddy", "forest_broadleaf"}
    row = eq[eq["ecosystem"] == "farmland_paddy"].iloc[0]
    assert row["value"] == 1.36 and row["source"] == "chinaxiv-201810-00160" and row["file"].endswith("equivalents.csv")
    assert row["row"] >= 2


# ---------------------------------------------------------------- determinism
def test_same_inputs_give_identical_summary(tmp_path):
    a = gep.Account.from_config(gep.example_config()).run().write(tmp_path / "a", formats=("json", "toml"))
    b = gep.Account.from_config(gep.example_config()).run().write(tmp_path / "b", formats=("json", "toml"))
    assert a["summary.json"].read_bytes() == b["summary.json"].read_bytes()
    assert a["run.toml"].read_bytes() == b["run.toml"].read_bytes()
    s = json.loads(a["summary.json"].read_text(encoding="utf-8"))
    assert {"regions.csv", "land_use.csv", "statistics.csv", "economy.csv"} <= set(s["inputs"])
    assert all(len(h) == 64 for h in s["inputs"].values())


def test_outputs_written(tmp_path, example_result):
    written = example_result.write(tmp_path)
    # regions.geojson: the example has township polygons ([inputs] boundaries), written for the report's maps
    assert set(written) == {"summary.json", "accounts.xlsx", "accounts.nc", "run.toml", "regions.geojson"}
    import json

    geo = json.loads(written["regions.geojson"].read_text(encoding="utf-8"))
    assert [f["properties"]["region"] for f in geo["features"]] == list(example_result.value.region.values)
    ds = xr.open_dataset(written["accounts.nc"], engine="netcdf4")
    assert float(ds["value"].sum()) == pytest.approx(example_result.total, rel=1e-12)
    import tomllib
    run = tomllib.loads(written["run.toml"].read_text(encoding="utf-8"))
    assert run["account"]["year"] == 2021 and run["coefficients"]["sha256"] == example_result.coefficients["sha256"]


# ------------------------------------------------------------ in-memory inputs
def test_in_memory_inputs_equal_files(vt_result):
    folder = gep.example_config().parent
    regions = pd.read_csv(folder / "regions.csv", dtype=str)
    land_use = pd.read_csv(folder / "land_use.csv", dtype={"code": str})
    res = gep.Account.from_inputs(name={"zh": "上虞区（示例）", "en": "Shangyu District (example)"}, year=2021,
                                  regions=regions, land_use=land_use, region_code="330604").run()
    xr.testing.assert_allclose(res.value, vt_result.value, rtol=1e-12)


def test_areas_as_dataarray():
    areas = xr.DataArray([[50.0, 50.0], [100.0, 100.0]], dims=("region", "ecosystem"),
                         coords={"region": ["t0", "t1"], "ecosystem": ["water", "forest_broadleaf"]},
                         attrs={"units": "hm²"})
    res = gep.Account.from_inputs(year=2021, regions=tiny_regions(), land_use=areas, prices="constant:2010").run()
    # t0: 50 hm² water × 102.24 + 50 hm² broadleaf × 4.74 = 5349 eq-hm² of hydrological regulation
    got = float(res.value.sel(service="esv.hydrological_regulation", region="t0"))
    assert got == pytest.approx((50 * 102.24 + 50 * 4.74) * 3406.5, rel=1e-12)


# ----------------------------------------------------------- unit invariance
def _land_use(unit: str, factor: float) -> pd.DataFrame:
    rows = [("t0", "0101", 40.0), ("t0", "0301", 60.0), ("t1", "1101", 50.0), ("t1", "0404", 150.0)]
    return pd.DataFrame([{"region": r, "code": c, "area": a * factor, "unit": unit} for r, c, a in rows])


def test_unit_invariance_mu_hm2_km2():
    regions = tiny_regions()
    results = [gep.Account.from_inputs(year=2021, regions=regions, land_use=_land_use(u, f)).run().total
               for u, f in (("hm²", 1.0), ("亩", 15.0), ("km²", 0.01), ("m²", 1e4), ("公顷", 1.0))]
    for r in results[1:]:
        assert r == pytest.approx(results[0], rel=1e-9)


# --------------------------------------------------------- property tests
@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(0, 1e4), min_size=4, max_size=4), st.floats(100, 1e5))
@example(areas=[0.0, 1.0, 0.0, 1.0], price=100.0)  # 2 hm² holding a township's people: implausible density
def test_additive_across_regions_and_linear_in_price(areas, price):
    a = areas
    assume(a[0] + a[1] > 1e-3 and a[2] + a[3] > 1e-3)
    regions = tiny_regions(((a[0] + a[1]) / 100, (a[2] + a[3]) / 100))
    # the arbitrary areas make arbitrary people per km² and value per GDP: the figures' plausibility checks and the
    # resident share (realised value ÷ GDP) are not what this test is about
    regions.loc[0, "gdp"] = 1e15
    lu = pd.DataFrame([{"region": "t0", "code": "0101", "area": a[0], "unit": "hm²"},
                       {"region": "t0", "code": "0301", "area": a[1], "unit": "hm²"},
                       {"region": "t1", "code": "1101", "area": a[2], "unit": "hm²"},
                       {"region": "t1", "code": "0404", "area": a[3], "unit": "hm²"}])
    no_plausibility = {"checks": {"plausibility": False}}
    base = gep.Account.from_inputs(year=2021, regions=regions, land_use=lu, prices="constant:2010",
                                   sections=no_plausibility).run()
    priced = gep.Account.from_inputs(year=2021, regions=regions, land_use=lu, prices="constant:2010",
                                     sections=no_plausibility,
                                     value_transfer={"equivalent_value": price, "equivalent_value_price_year": 2010,
                                                     "equivalent_value_source": "test"}).run()
    # linear in the price of one equivalent
    assert priced.total == pytest.approx(base.total * price / 3406.5, rel=1e-9, abs=1e-6)
    # additive: regions, services and categories all sum to GEP
    assert float(base.value.sum("service").sum()) == pytest.approx(base.total, rel=1e-12, abs=1e-9)
    assert base.by_category.sum() == pytest.approx(base.total, rel=1e-12, abs=1e-9)
    # splitting a township's land into the other township changes nothing in the total
    moved = lu.assign(region="t0")
    regions_one = tiny_regions(((a[0] + a[1] + a[2] + a[3]) / 100,))
    merged = gep.Account.from_inputs(year=2021, regions=regions_one, land_use=moved, prices="constant:2010",
                                    sections=no_plausibility).run()
    assert merged.total == pytest.approx(base.total, rel=1e-9, abs=1e-6)


# ------------------------------------------------------------- bad input
def _write(example_copy, name, text):
    (example_copy.parent / name).write_text(text, encoding="utf-8")


def _edit_land_use(example_copy, fn):
    path = example_copy.parent / "land_use.csv"
    df = pd.read_csv(path, dtype=str)
    df = fn(df)
    df.to_csv(path, index=False)


def _problems(config):
    return gep.Account.from_config(config).validate()


def test_unknown_land_use_codes_listed_with_area(example_copy):
    def change(df):
        other = df.index[df["region"] == "lingnan"][0]
        df.loc[0, "code"] = "9999"
        df.loc[1, "code"] = "ABCD"
        df.loc[other, "code"] = "9999"
        return df
    _edit_land_use(example_copy, change)
    with pytest.raises(E.UnknownLandUseCode) as exc:
        gep.Account.from_config(example_copy).run()
    codes = {p.value for p in exc.value.problems}
    assert codes == {"9999", "ABCD"}
    msg = str(exc.value)
    assert "hm²" in msg and "land_use.csv" in msg and "row 2" in msg


def test_unknown_land_use_codes_of_a_raster_are_not_given_rows():
    """The codes of a raster come from its pixels: no row of the file to point at (the class table's rows meant
    nothing to a reader); a table's codes keep their rows."""
    import pandas as pd

    from gep.classifications import load_scheme, unknown_code_problems

    unknown = pd.DataFrame({"code": ["0999", "0999"], "area_hm2": [300.0, 200.0], "_row": [129, 272]})
    scheme = load_scheme("gbt21010-2017")
    raster = unknown_code_problems(unknown, scheme, "rasters/land_use.tif")[0]
    assert raster.row is None and "500.00 hm² of the raster's pixels" in raster.en and "row" not in raster.en
    table = unknown_code_problems(unknown, scheme, "land_use.csv")[0]
    assert table.row == 129 and "rows 129, 272" in table.en


def test_negative_nan_empty_area(example_copy):
    def change(df):
        df.loc[0, "area"] = "-5"
        df.loc[1, "area"] = "nan"
        df.loc[2, "area"] = None
        return df
    _edit_land_use(example_copy, change)
    problems = _problems(example_copy)
    assert [p.code for p in problems] == ["negative_area", "area_not_a_number", "area_not_a_number"]
    assert [p.row for p in problems] == [2, 3, 4]


def test_area_in_yuan_is_a_unit_error(example_copy):
    _edit_land_use(example_copy, lambda df: df.assign(unit=["元" if i == 3 else u for i, u in enumerate(df["unit"])]))
    with pytest.raises(E.UnitError) as exc:
        gep.Account.from_config(example_copy).run()
    p = exc.value.problems[0]
    assert p.row == 5 and p.column == "unit" and "[currency]" in p.en


def test_area_mismatch_beyond_tolerance(example_copy):
    _edit_land_use(example_copy, lambda df: df.assign(area=[str(float(a) * (1.01 if r == "lingnan" else 1))
                                                              for a, r in zip(df["area"], df["region"])]))
    problems = _problems(example_copy)
    assert [p.code for p in problems] == ["area_mismatch"] and problems[0].value == "lingnan"
    # a looser tolerance accepts it
    text = example_copy.read_text(encoding="utf-8").replace("area_tolerance = 0.001", "area_tolerance = 0.02")
    example_copy.write_text(text, encoding="utf-8")
    assert _problems(example_copy) == []


def test_region_in_land_use_not_in_region_table_and_reverse(example_copy):
    _edit_land_use(example_copy, lambda df: df.assign(region=df["region"].replace({"lingnan": "lingnam"})))
    problems = _problems(example_copy)
    assert {(p.code, p.value) for p in problems} == {("region_not_in_region_table", "lingnam"),
                                                     ("region_without_land_use", "lingnan")}


def test_duplicate_land_use_rows(example_copy):
    _edit_land_use(example_copy, lambda df: pd.concat([df, df.iloc[[0]]], ignore_index=True))
    problems = _problems(example_copy)
    assert problems[0].code == "duplicate_land_use_rows" and problems[0].row == 396


def test_missing_coefficient_for_service_and_ecosystem(vt_copy, tmp_path):
    example_copy = vt_copy
    county = example_copy.parent / "thin-set"  # inside the config's folder (input paths are confined to it)
    county.mkdir()
    import shutil
    src = gep.shipped_sets()["xie-2015"]
    shutil.copy(src / "manifest.toml", county / "manifest.toml")
    shutil.copy(src / "standard_value.csv", county / "standard_value.csv")
    eq = pd.read_csv(src / "equivalents.csv", dtype=str)
    eq = eq[~((eq["key"] == "esv.equivalent.soil_conservation") & (eq["ecosystem"] == "wetland"))]
    eq.to_csv(county / "equivalents.csv", index=False)
    text = example_copy.read_text(encoding="utf-8").replace('coefficients = "xie-2015"', f'coefficients = "{county}"')
    example_copy.write_text(text, encoding="utf-8")
    with pytest.raises(E.MissingCoefficient, match="esv.equivalent.soil_conservation.*wetland"):
        gep.Account.from_config(example_copy).run()


def test_unknown_config_key(example_copy):
    # a misspelled key is reported by validate() together with every other problem (it does not hide them),
    # and run() refuses it
    text = example_copy.read_text(encoding="utf-8").replace("year = 2021", "year = 2021\nyaer = 2021")
    example_copy.write_text(text, encoding="utf-8")
    acct = gep.Account.from_config(example_copy)
    assert [p.code for p in acct.validate()] == ["unknown_config_key"]
    with pytest.raises(E.ConfigError) as exc:
        acct.run()
    assert exc.value.problems[0].code == "unknown_config_key" and "yaer" in str(exc.value)


def test_gbk_land_use_is_read_and_its_encoding_recorded(example_copy):
    """What Chinese Excel saves as "CSV" (GBK) reads as the UTF-8 file does; the provenance says how it was read."""
    path = example_copy.parent / "land_use.csv"
    before = gep.Account.from_config(example_copy).run()
    path.write_bytes(path.read_text(encoding="utf-8").replace("hm²", "公顷").encode("gbk"))
    acct = gep.Account.from_config(example_copy)
    assert acct.validate() == []
    res = acct.run()
    assert res.total == before.total
    rec = res.provenance[res.provenance["key"] == "input.encoding"]
    assert list(rec["file"]) == ["land_use.csv"] and list(rec["value"]) == ["gb18030"]


def test_file_in_an_unknown_encoding(example_copy):
    path = example_copy.parent / "land_use.csv"
    path.write_bytes(path.read_bytes() + "shangyu_x,0101,café,1,hm²,x\n".encode("latin-1"))
    problems = _problems(example_copy)
    assert problems[0].code == "unknown_encoding" and problems[0].file.endswith("land_use.csv")
    assert "UTF-8" in problems[0].hint_en


def test_file_not_csv(example_copy):
    (example_copy.parent / "land_use.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    problems = _problems(example_copy)
    assert problems[0].code in ("not_csv", "not_utf8")


def test_missing_columns(example_copy):
    _write(example_copy, "land_use.csv", "region,code,size,unit\nlingnan,0101,1,hm²\n")
    problems = _problems(example_copy)
    assert problems[0].code == "missing_columns" and "area" in problems[0].en


def test_validate_returns_all_problems_at_once(example_copy):
    def change(df):
        df.loc[0, "code"] = "9999"
        return df
    _edit_land_use(example_copy, change)
    regions = example_copy.parent / "regions.csv"
    regions.write_text(regions.read_text(encoding="utf-8").replace("Lingnan Township,,77.90", "Lingnan Township,,-77.90"),
                       encoding="utf-8")
    text = example_copy.read_text(encoding="utf-8").replace('coefficients = "coefficients"', 'coefficients = "nope"')
    example_copy.write_text(text, encoding="utf-8")
    codes = {p.code for p in _problems(example_copy)}
    assert {"unknown_coefficient_set", "invalid_region_area"} <= codes


def test_problem_messages_are_bilingual(example_copy):
    _edit_land_use(example_copy, lambda df: df.assign(code=df["code"].replace({"0101": "0109"})))
    for p in _problems(example_copy):
        assert p.zh and p.en and any("\u4e00" <= ch <= "\u9fff" for ch in p.zh)


@pytest.mark.parametrize("code, ok", [("330604", True), (330604, True), (True, False), ([330604], False)])
def test_region_code_is_text_or_a_whole_number_and_said_once(code, ok):
    # 330604 written without quotes is still the code; anything else is one problem, not one per check
    found = [p for p in gep.Account({"account": {"year": 2021, "region_code": code}}).config_problems
             if p.column == "account.region_code"]
    assert found == [] if ok else [p.code for p in found] == ["bad_config_value"]

"""``gep init``: a new county from zero, and the clean copy of the example county.

The acceptance test of issue 13 drives the command line as a bureau would:
``gep init`` → ``gep validate`` lists exactly what is left to fill → the templates
are filled with the example county's data → ``gep validate`` is clean → ``gep run``
gives the example's account, figure for figure.
"""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import gep
from gep.account.needs import profile_needs
from gep.cli import app
from gep.scaffold import WORKBOOK, copy_example, init_county

EXAMPLE = gep.example_config().parent
runner = CliRunner()


def _validate_codes(config: Path) -> list:
    return gep.Account.from_config(config).validate()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("new") / "county"
    result = runner.invoke(app, ["init", str(folder), "--profile", "rcees-gep", "--region-code", "330604",
                                 "--year", "2021"])
    assert result.exit_code == 0, result.output
    return folder


def test_init_writes_a_ready_folder(fresh):
    names = {p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file()}
    assert names == {"gep.toml", "regions.csv", "land_use.csv", "statistics.csv", "economy.csv", "two_mountains.csv",
                     WORKBOOK, "coefficients/manifest.toml", "coefficients/county.csv", "README.md"}
    cfg = tomllib.loads((fresh / "gep.toml").read_text(encoding="utf-8"))
    assert cfg["account"]["region_code"] == "330604" and cfg["account"]["profile"] == "rcees-gep"
    manifest = tomllib.loads((fresh / "coefficients" / "manifest.toml").read_text(encoding="utf-8"))
    assert manifest["extends"] == "cn-rcees" and manifest["region"] == "330604"


def test_fresh_folder_validate_lists_exactly_what_is_left_to_fill(fresh):
    problems = _validate_codes(fresh / "gep.toml")
    needs = profile_needs("rcees-gep", region_code="330604", year=2021)
    counts = Counter(p.code for p in problems)
    # the name, one problem per empty coefficient row, one per empty table -- and nothing else
    assert counts == {"config_to_fill": 1, "coefficient_to_fill": len(needs.to_supply), "table_to_fill": 4}
    assert {p.value for p in problems if p.code == "coefficient_to_fill"} == \
        {f"{n.key}/{n.ecosystem}" for n in needs.to_supply}
    assert {Path(p.file).name for p in problems if p.code == "table_to_fill"} == \
        {"regions.csv", "land_use.csv", "statistics.csv", "economy.csv"}
    # the CLI prints the same list and fails
    result = runner.invoke(app, ["validate", str(fresh / "gep.toml")])
    assert result.exit_code == 1 and f"{len(problems)} problem(s)" in result.output


def test_county_set_lists_the_keys_cn_rcees_does_not_give():
    needs = profile_needs("rcees-gep", region_code="330604", year=2021)
    keys = {n.key for n in needs.to_supply}
    # provided by cn-rcees (Garzé 2010 prices): not asked of the county
    assert not keys & {"price.water_storage", "price.co2", "price.oxygen", "param.sediment_ratio", "price.electricity"}
    # regional climate, soil and per-area rates: the county's own
    assert {"climate.precipitation", "soil.erodibility", "rate.runoff_coefficient", "rate.npp",
            "price.seawall"} <= keys
    # per-area rates for every type of the groups the service applies to (forest, grassland, wetland)
    assert {n.ecosystem for n in needs.to_supply if n.key == "rate.runoff_coefficient"} == {
        "forest_conifer", "forest_mixed", "forest_broadleaf", "shrub", "grassland_steppe", "grassland_shrub",
        "grassland_meadow", "wetland"}


def _fill_table(template: Path, source: Path) -> None:
    """Write the example's rows under the template's header (the template's columns, in its order)."""
    header = template.read_text(encoding="utf-8").strip().split(",")
    rows = pd.read_csv(source, dtype=str, keep_default_na=False).reindex(columns=header, fill_value="")
    rows.to_csv(template, index=False, lineterminator="\n")


def _fill_coefficients(folder: Path, year: int) -> None:
    """Each row to fill takes the example's value for its key and ecosystem (latest row valid in ``year``);
    rows of ecosystem types the example county does not have are deleted, as the README says."""
    rows = pd.read_csv(folder / "coefficients" / "county.csv", dtype=str, keep_default_na=False)
    ex = pd.read_csv(EXAMPLE / "coefficients" / "example.csv", dtype=str, keep_default_na=False)
    ex = ex[ex["valid_from"].astype(int) <= year].sort_values("valid_from")
    filled = []
    for _, r in rows.iterrows():
        hit = ex[(ex["key"] == r["key"]) & (ex["ecosystem"] == r["ecosystem"])]
        if hit.empty:
            continue
        h = hit.iloc[-1]
        filled.append({**r.to_dict(), **{c: h[c] for c in ("value", "unit", "price_year", "source", "locator",
                                                           "status", "valid_to", "price_basis")}})
    pd.DataFrame(filled, columns=rows.columns).to_csv(folder / "coefficients" / "county.csv", index=False,
                                                      lineterminator="\n")
    example_manifest = (EXAMPLE / "coefficients" / "manifest.toml").read_text(encoding="utf-8")
    sources = example_manifest[example_manifest.index("[sources."):]
    with open(folder / "coefficients" / "manifest.toml", "a", encoding="utf-8") as fh:
        fh.write("\n" + sources)


def _fill_config(folder: Path) -> None:
    text = (folder / "gep.toml").read_text(encoding="utf-8")
    text = text.replace('name = { zh = "", en = "" }', 'name = { zh = "上虞区（示例）", en = "Shangyu District (example)" }')
    text = text.replace('# two_mountains = "two_mountains.csv"', 'two_mountains = "two_mountains.csv"')
    example = tomllib.loads(gep.example_config().read_text(encoding="utf-8"))["cultural"]
    text = text.replace('# eco_share = 1.0', f'eco_share = {example["eco_share"]}')
    text = text.replace('# eco_share_source = ""', f'eco_share_source = "{example["eco_share_source"]}"')
    # the services the example does not account (they would be exactly zero)
    dropped = [s for s, m in tomllib.loads(gep.example_config().read_text(encoding="utf-8"))["services"].items()
               if m is False]
    text = text.replace("# coastal_protection = false", "\n".join(f"{s} = false" for s in dropped))
    (folder / "gep.toml").write_text(text, encoding="utf-8")


def _same_account(res, expected) -> None:
    a, b = res.summary(), expected.summary()
    for key in ("gep", "by_category", "by_service", "by_region", "indicators", "land_area_km2", "profile"):
        assert a[key] == b[key], key
    assert res.value.equals(expected.value)
    pd.testing.assert_frame_equal(res.extra["two_mountains"], expected.extra["two_mountains"])


@pytest.fixture(scope="module")
def expected():
    return gep.Account.from_config(gep.example_config()).run()


def test_init_fill_validate_run_equals_the_example(tmp_path, expected):
    folder = tmp_path / "county"
    assert runner.invoke(app, ["init", str(folder), "-r", "330604", "-y", "2021"]).exit_code == 0
    for name in ("regions", "land_use", "statistics", "economy", "two_mountains"):
        _fill_table(folder / f"{name}.csv", EXAMPLE / f"{name}.csv")
    _fill_coefficients(folder, 2021)
    problems = _validate_codes(folder / "gep.toml")
    # only the config is left: the name, and the services the county does not account (exactly zero)
    assert Counter(p.code for p in problems) == {"config_to_fill": 1, "zero_service": 2}
    _fill_config(folder)
    result = runner.invoke(app, ["validate", str(folder / "gep.toml")])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder / "gep.toml"), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    golden = json.loads((Path(__file__).parent / "data" / "golden" / "gep.toml.summary.json").read_text(encoding="utf-8"))
    for key in ("gep", "by_category", "by_service", "by_region", "indicators"):
        assert summary[key] == golden[key], key
    _same_account(gep.Account.from_config(folder / "gep.toml").run(), expected)


def test_workbook_sheets_read_like_the_csv_files(tmp_path, expected):
    """The workbook: bilingual headers, example rows deleted, the county's rows entered; the config points at it."""
    folder = tmp_path / "county"
    init_county(folder, "rcees-gep", "330604", year=2021, name_zh="上虞区（示例）", name_en="Shangyu District (example)")
    wb = openpyxl.load_workbook(folder / WORKBOOK)
    assert wb.sheetnames[0] == "说明"
    for name in ("regions", "land_use", "statistics", "economy"):
        ws = wb[name]
        header = [str(c.value).splitlines()[-1] for c in ws[1]]
        assert all("\n" in str(c.value) for c in ws[1])                 # Chinese label, (unit,) column name
        assert ws.max_row == 3 and ws.cell(row=2, column=header.index("status") + 1).value == "示例"
    # left as written, the example rows are refused
    text = (folder / "gep.toml").read_text(encoding="utf-8")
    for name in ("regions", "land_use", "statistics", "economy"):
        text = text.replace(f'{name} = "{name}.csv"', f'{name} = "{WORKBOOK}#{name}"')
    (folder / "gep.toml").write_text(text, encoding="utf-8")
    codes = Counter(p.code for p in _validate_codes(folder / "gep.toml"))
    assert codes["example_row"] == 2 * 4   # two example rows in each of the four sheets
    # the county's rows replace them
    for name in ("regions", "land_use", "statistics", "economy"):
        ws = wb[name]
        header = [str(c.value).splitlines()[-1] for c in ws[1]]
        ws.delete_rows(2, ws.max_row)
        frame = pd.read_csv(EXAMPLE / f"{name}.csv", dtype=str, keep_default_na=False).reindex(columns=header,
                                                                                                fill_value="")
        for rec in frame.itertuples(index=False):
            ws.append(list(rec))
    wb.save(folder / WORKBOOK)
    _fill_coefficients(folder, 2021)
    text = (folder / "gep.toml").read_text(encoding="utf-8").replace(
        '# two_mountains = "two_mountains.csv"', 'two_mountains = "two_mountains.csv"')
    text = text.replace('# eco_share = 1.0', 'eco_share = 1.0')
    text = text.replace("# coastal_protection = false", "other_products = false\nlandscape_value = false")
    (folder / "gep.toml").write_text(text, encoding="utf-8")
    _fill_table(folder / "two_mountains.csv", EXAMPLE / "two_mountains.csv")
    assert _validate_codes(folder / "gep.toml") == []
    res = gep.Account.from_config(folder / "gep.toml").run()
    assert res.summary()["gep"] == expected.summary()["gep"]
    assert f"{WORKBOOK}" in res.inputs


def test_init_never_overwrites(tmp_path):
    (tmp_path / "county").mkdir()
    (tmp_path / "county" / "gep.toml").write_text("keep me", encoding="utf-8")
    result = runner.invoke(app, ["init", str(tmp_path / "county"), "-r", "330604"])
    assert result.exit_code == 1 and "folder_not_empty" not in result.output and "never overwrites" in result.output
    assert (tmp_path / "county" / "gep.toml").read_text(encoding="utf-8") == "keep me"


def test_init_refuses_a_bad_region_code(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "c"), "-r", "3306"])
    assert result.exit_code == 1 and "six-digit" in result.output
    assert not (tmp_path / "c").exists()


def test_value_transfer_profile_needs_no_county_coefficients(tmp_path):
    needs = profile_needs("xie2015-gep", region_code="330604", year=2021)
    assert needs.to_supply == [] and [t.input for t in needs.tables] == ["regions", "land_use"]
    init_county(tmp_path / "vt", "xie2015-gep", "330604", year=2021, name_zh="县", name_en="County")
    codes = Counter(p.code for p in _validate_codes(tmp_path / "vt" / "gep.toml"))
    assert codes == {"table_to_fill": 2}


# ----------------------------------------------------------------- the example, copied clean
def test_example_copy_is_clean_and_says_it_is_illustrative(tmp_path):
    dest = tmp_path / "my-county"
    result = runner.invoke(app, ["example", "--copy", str(dest)])
    assert result.exit_code == 0, result.output
    files = [p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()]
    assert not [f for f in files if "__pycache__" in f or f.endswith(".py") or f.endswith(".pyc")]
    assert "coefficients/example.csv" in files and "gep.toml" in files and "README.md" in files
    info = copy_example(tmp_path / "again")
    rows = pd.read_csv(EXAMPLE / "coefficients" / "example.csv", dtype=str)
    assert info["rows"] == len(rows) and info["illustrative"] == int(rows["status"].isin(["illustrative", "unverified"]).sum())
    assert f"{info['illustrative']} of the {info['rows']} rows" in " ".join(result.output.split())
    # the copy runs as the example does
    res = gep.Account.from_config(dest / "gep.toml").run()
    assert res.total == gep.Account.from_config(gep.example_config()).run().total

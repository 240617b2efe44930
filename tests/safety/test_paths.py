"""Input paths stay inside the config's folder; messages quote the config cell, never a file's content."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

import gep
from gep.account.paths import input_paths, outside_paths
from gep.cli import app
from gep.io.tables import missing_columns_problem
from safety_helpers import one_year_county

runner = CliRunner()
SECRET = "root:x:0:0:SECRET-MARKER-42:/root:/bin/bash"


@pytest.fixture
def county(tmp_path):
    config = one_year_county(tmp_path / "county")
    (tmp_path / "secret").write_text(SECRET + "\nsecond line\n", encoding="utf-8")
    return config


def set_input(config, key, value):
    text = config.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith(f"{key} = "))
    config.write_text(text.replace(old, f'{key} = "{value}"'), encoding="utf-8")


@pytest.mark.parametrize("key", ["regions", "economy", "statistics", "two_mountains", "land_use"])
@pytest.mark.parametrize("how", ["relative", "absolute"])
def test_an_input_outside_the_folder_is_refused_unread(county, key, how):
    secret = county.parent.parent / "secret"
    value = "../secret" if how == "relative" else secret.as_posix()
    set_input(county, key, value)
    r = runner.invoke(app, ["validate", str(county)])
    assert r.exit_code == 1
    assert f"the input path {value!r} is outside the config's folder" in r.output
    assert f"column 'inputs.{key}'" in r.output and "allow_outside_paths = true" in r.output
    assert "SECRET-MARKER" not in r.output and "root:x" not in r.output


def test_a_symbolic_link_inside_that_points_outside_is_refused(county):
    (county.parent / "regions.csv").unlink()
    (county.parent / "regions.csv").symlink_to(county.parent.parent / "secret")
    with pytest.raises(gep.GepError) as info:
        gep.Account.from_config(county).run()
    assert info.value.codes == ["input_outside_folder"] and "SECRET" not in str(info.value)


def test_rasters_coefficients_and_the_years_tables_are_confined(county):
    text = county.read_text(encoding="utf-8")
    text = text.replace('coefficients = "coefficients"', 'coefficients = "../.."')
    text += '\n[rasters]\nland_use = "/rasters/land_use.tif"\nzones = "z.tif"\nzone_ids = "../zones.csv"\nchunks = 256\n'
    text = text.replace('land_use = "land_use_2020.csv"', 'land_use = "../land_use_2020.csv"')  # in [years.2020]
    county.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["validate", str(county)])
    assert r.exit_code == 1
    for column in ("account.coefficients", "rasters.land_use", "rasters.zone_ids"):
        assert f"column '{column}'" in r.output
    assert "rasters.zones" not in r.output and "rasters.chunks" not in r.output  # inside / not a file
    # the [years.2020] table is checked when that year is accounted
    county.write_text(county.read_text(encoding="utf-8").replace('coefficients = "../.."', 'coefficients = "coefficients"')
                      .split("\n[rasters]")[0], encoding="utf-8")
    r = runner.invoke(app, ["run", str(county), "--years", "2020", "--out", str(county.parent.parent / "o")])
    assert r.exit_code == 1 and "'../land_use_2020.csv'" in r.output


def test_allow_outside_paths_reads_them_and_still_quotes_no_content(county):
    set_input(county, "regions", (county.parent.parent / "secret").as_posix())
    text = county.read_text(encoding="utf-8").replace("[account]\n", "[account]\nallow_outside_paths = true\n", 1)
    county.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["validate", str(county)])
    assert r.exit_code == 1
    assert "missing columns: id, parent, name_zh, name_en, area, area_unit (the header row has 1 column(s))" in r.output
    assert "SECRET-MARKER" not in r.output and "root:x" not in r.output


def test_allow_outside_paths_must_be_a_boolean(county):
    text = county.read_text(encoding="utf-8").replace("[account]\n", '[account]\nallow_outside_paths = "yes"\n', 1)
    county.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["validate", str(county)])
    assert r.exit_code == 1 and "allow_outside_paths must be true or false" in r.output


def test_python_accounts_built_from_objects_are_not_confined(tmp_path):
    # a notebook user passes paths of their own: no config folder to confine them to
    src = gep.example_config().parent
    shutil.copy(src / "regions.csv", tmp_path / "regions.csv")
    acct = gep.Account.from_inputs(year=2021, regions=str(tmp_path / "regions.csv"),
                                   land_use=str(src / "land_use.csv"), coefficients="xie-2015")
    assert [p.code for p in acct.validate()] == []


def test_input_paths_lists_every_file_a_config_reads(tmp_path):
    (tmp_path / "coefs").mkdir()
    cfg = {
        "account": {"coefficients": ["cn-rcees", "coefs", "/shared/set"]},
        "inputs": {"regions": "r.csv", "land_use": "lu_{year}.csv", "scheme": "gbt21010-2017", "economy": "e.csv"},
        "years": {"2020": {"statistics": "s2020.xlsx", "scheme": "my_scheme.csv"}},
        "rasters": {"land_use": "lu.tif", "zones": "z.tif", "zone_ids": "z.csv", "code_format": "{:04d}",
                    "chunks": 256, "geodesic": False, "align": True},
        "value_transfer": {"equivalent_value": {"grain": "grain.csv"}, "adjustment": "adj.csv"},
    }
    got = {(column, value) for column, value, _ in input_paths(cfg, tmp_path)}
    assert got == {
        ("account.coefficients", "coefs"), ("account.coefficients", "/shared/set"), ("inputs.regions", "r.csv"),
        ("inputs.land_use", "lu_{year}.csv"), ("inputs.economy", "e.csv"), ("years.2020.statistics", "s2020.xlsx"),
        ("years.2020.scheme", "my_scheme.csv"), ("rasters.land_use", "lu.tif"), ("rasters.zones", "z.tif"),
        ("rasters.zone_ids", "z.csv"), ("value_transfer.equivalent_value.grain", "grain.csv"),
        ("value_transfer.adjustment", "adj.csv")}
    outside = outside_paths(cfg, tmp_path, "gep.toml")
    assert [(p.column, p.value) for p in outside] == [("account.coefficients", "/shared/set")]


def test_a_missing_column_message_suggests_a_close_name_but_never_quotes_the_header():
    p = missing_columns_problem(["region", "area"], ["regoin", "code", "area_x"], file="lu.csv")
    assert "is 'regoin' meant to be 'region'?" in p.en and "'area_x' meant to be 'area'" in p.en
    p = missing_columns_problem(["id", "parent"], [SECRET], file="/etc/passwd")
    assert "SECRET" not in p.en + p.zh + p.hint_en + p.hint_zh and "header row has 1 column(s)" in p.en


def test_statistics_headers_are_not_quoted_either(tmp_path):
    from gep.io.statistics import read_statistics_table
    from gep.errors import InputFileError

    path = tmp_path / "stats.csv"
    pd.DataFrame({SECRET: ["1"], "产量": ["2"]}).to_csv(path, index=False)
    with pytest.raises(InputFileError) as info:
        read_statistics_table(path)
    assert info.value.codes == ["missing_columns"] and "SECRET" not in str(info.value)

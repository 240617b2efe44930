"""Random corruptions of the example county's inputs: a message, never a traceback, never a non-finite figure.

Each example copies the one-year example county, corrupts one of its CSV
tables, its TOML config or one of its rasters (hypothesis draws what and
where), and runs ``gep run`` in-process. It must end with exit code 0 (the
corruption was harmless, and every figure written is a finite number) or 1
(a typed, bilingual problem) -- never a traceback, an internal error (70) or
``Infinity``/``NaN`` in ``summary.json``.

The number of examples is kept modest so the suite stays fast; set
``GEP_FUZZ_EXAMPLES=500`` to search longer. The examples are drawn
deterministically (``derandomize``), so CI is stable; a new failure found
locally is a real defect: add it to the typed-error tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gep.cli import app
from gep.io.outputs import _toml_value, non_finite_figures
from safety_helpers import one_year_county

runner = CliRunner()
N = int(os.environ.get("GEP_FUZZ_EXAMPLES", "0"))
FUZZ = dict(deadline=None, derandomize=not N, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                   HealthCheck.data_too_large])

TABLES = ["regions.csv", "land_use.csv", "statistics.csv", "economy.csv", "two_mountains.csv",
          "coefficients/example.csv", "rasters/zones.csv"]
RASTERS = ["land_use.tif", "townships.tif", "precipitation.tif", "npp.tif", "soil_erodibility.tif"]

#: cells a bureau's spreadsheet really holds when something went wrong
HOSTILE_CELLS = ["", " ", "abc", "-1", "0", "1e308", "-1e308", "inf", "-inf", "nan", "NaN", "1e-320", "１２３",
                 "1,234.5", "12.3.4", "=1+1", "[bold]x[/bold]", "[/x]", ":x:", "\x00", "\t", "\r", '"', "'",
                 "0101", "01", "9999", "shangyu", "baiguan", "亿元", "万元", "hm²", "km²", "元/吨", "m", "%",
                 "official", "illustrative", "greater_than", "qualitative", "yes", "2021", "2020", "-", "—", "/",
                 "x" * 5000]
TOML_VALUES = ['"../../etc/passwd"', '"/etc/passwd"', '""', '"."', '"nonexistent.csv"', "5", "-1", "0", "1e308",
               "inf", "nan", "true", "false", "[]", '[1, "a"]', "{}", "{ zh = 1 }", '"[bold]x[/bold]"', '"=1+1"',
               '"rasters/land_use.tif"', '"coefficients"', '"regions.csv"', "99999", "2021", "1800",
               '"constant:1900"', '"constant:2021"', '"current"', '"xie-2015"', '"rcees-gep"', '"national"',
               "{ grain = \"economy.csv\" }", '"spatial"', '"given"', '"gross"', '"net"', '"travel_cost"', "0.5",
               "-0.5", "[2020, 2021]", '"2019-2023"', "[2021, \"x\"]"]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return one_year_county(tmp_path_factory.mktemp("fuzz") / "county").parent


def run_checked(config: Path, out: Path) -> None:
    r = runner.invoke(app, ["run", str(config), "--out", str(out), "-q"])
    report = ""
    m = re.search(r"crash report: (\S+)", r.output)
    if m and Path(m.group(1)).is_file():
        report = Path(m.group(1)).read_text(encoding="utf-8")
    assert r.exit_code in (0, 1), f"exit {r.exit_code}\n{r.output}\n{report}"
    assert "Traceback" not in r.output, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    codes = re.findall(r"-> |\n\d+\. ", r.output)
    event(f"exit {r.exit_code}" + ("" if r.exit_code == 0 else f", {len(codes)} problem line(s)"))
    if r.exit_code == 0:
        def refuse(token):
            raise AssertionError(f"summary.json holds {token}")

        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"), parse_constant=refuse)
        assert non_finite_figures(summary) == []
    else:
        assert not out.exists(), "a failed run left outputs"
        assert "problem(s) found" in r.output or "interrupted" in r.output, r.output


def corrupt_csv(path: Path, data) -> None:
    raw = path.read_bytes()
    lines = raw.decode("utf-8").split("\n")
    op = data.draw(st.sampled_from(["cell", "cell", "cell", "drop_line", "dup_line", "truncate", "bytes", "header",
                                    "delimiter"]))
    if op == "cell":
        i = data.draw(st.integers(0, len(lines) - 1))
        cells = lines[i].split(",")
        j = data.draw(st.integers(0, max(0, len(cells) - 1)))
        cells[j] = data.draw(st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=12)))
        lines[i] = ",".join(cells)
    elif op == "drop_line":
        del lines[data.draw(st.integers(0, len(lines) - 1))]
    elif op == "dup_line":
        i = data.draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
    elif op == "header":
        cells = lines[0].split(",")
        j = data.draw(st.integers(0, len(cells) - 1))
        cells[j] = data.draw(st.sampled_from(["", "Region", "area ", "面积", cells[j] + "x", cells[0]]))
        lines[0] = ",".join(cells)
    elif op == "delimiter":
        i = data.draw(st.integers(0, len(lines) - 1))
        lines[i] = lines[i].replace(",", data.draw(st.sampled_from([";", "\t", "，", ""])))
    text = "\n".join(lines)
    if op == "truncate":
        path.write_bytes(raw[: data.draw(st.integers(0, len(raw)))])
    elif op == "bytes":
        pos = data.draw(st.integers(0, len(raw)))
        path.write_bytes(raw[:pos] + data.draw(st.binary(min_size=1, max_size=8)) + raw[pos:])
    else:
        path.write_text(text, encoding="utf-8")


@settings(max_examples=N or 24, **FUZZ)
@given(data=st.data())
def test_corrupt_tables(base, data):
    with tempfile.TemporaryDirectory() as tmp:
        county = Path(tmp) / "county"
        shutil.copytree(base, county)
        name = data.draw(st.sampled_from(TABLES[:-1]))
        corrupt_csv(county / name, data)
        run_checked(county / "gep.toml", Path(tmp) / "out")


@settings(max_examples=N or 24, **FUZZ)
@given(data=st.data())
def test_corrupt_config(base, data):
    with tempfile.TemporaryDirectory() as tmp:
        county = Path(tmp) / "county"
        shutil.copytree(base, county)
        config = county / data.draw(st.sampled_from(["gep.toml", "gep.toml", "gep-spatial.toml"]))
        lines = config.read_text(encoding="utf-8").split("\n")
        keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*[\w\"]+\s*=", line)]
        op = data.draw(st.sampled_from(["value", "value", "value", "drop", "dup", "truncate", "garbage", "new_key"]))
        i = data.draw(st.sampled_from(keyed))
        if op == "value":
            value = data.draw(st.one_of(st.sampled_from(TOML_VALUES), st.text(max_size=10).map(_toml_value),
                                        st.floats(allow_nan=True, allow_infinity=True).map(_toml_value),
                                        st.integers(-10**20, 10**20).map(str)))
            lines[i] = lines[i].split("=", 1)[0] + "= " + value
        elif op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "garbage":
            lines.insert(i, data.draw(st.sampled_from(["[", "x = ", "[inputs", "\x00", "a = 1\na = 2", "[[account]]"])))
        elif op == "new_key":
            section = data.draw(st.sampled_from(["[account]", "[inputs]", "[rasters]", "[services]", "[limits]"]))
            key = data.draw(st.sampled_from(["max_table_rows", "max_file_mb", "chunks", "npp", "esv.food_production",
                                             "allow_outside_paths", "statistics", "physical", "zzz"]))
            value = data.draw(st.sampled_from(TOML_VALUES))
            text = "\n".join(lines)
            text = text.replace(section + "\n", f"{section}\n{key} = {value}\n", 1) if section in text \
                else text + f"\n{section}\n{key} = {value}\n"
            lines = text.split("\n")
        text = "\n".join(lines)
        if op == "truncate":
            text = text[: data.draw(st.integers(0, len(text)))]
        config.write_text(text, encoding="utf-8")
        run_checked(config, Path(tmp) / "out")


@settings(max_examples=N or 12, **FUZZ)
@given(data=st.data())
def test_corrupt_rasters(base, data):
    with tempfile.TemporaryDirectory() as tmp:
        county = Path(tmp) / "county"
        shutil.copytree(base, county)
        if data.draw(st.integers(0, 5)) == 0:
            corrupt_csv(county / "rasters" / "zones.csv", data)
        else:
            tif = county / "rasters" / data.draw(st.sampled_from(RASTERS))
            raw = bytearray(tif.read_bytes())
            op = data.draw(st.sampled_from(["truncate", "flip", "flip", "header", "empty", "text"]))
            if op == "truncate":
                raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
            elif op == "flip":
                for _ in range(data.draw(st.integers(1, 20))):
                    pos = data.draw(st.integers(0, len(raw) - 1))
                    raw[pos] = data.draw(st.integers(0, 255))
            elif op == "header":
                pos = data.draw(st.integers(0, min(400, len(raw) - 8)))
                raw[pos:pos + 8] = data.draw(st.binary(min_size=8, max_size=8))
            elif op == "empty":
                raw = bytearray()
            else:
                raw = bytearray(b"zone,region\n1,baiguan\n")
            tif.write_bytes(bytes(raw))
        run_checked(county / "gep-spatial.toml", Path(tmp) / "out")

"""No traceback for any input: the crashes the issue found are typed errors; a defect gets a crash report."""

from __future__ import annotations

import math
import re

import pytest
import rasterio
from typer.testing import CliRunner

import gep
from gep.cli import app
from gep.io.outputs import non_finite_figures
from gep.safety import EXIT_INTERNAL, EXIT_INTERRUPTED
from safety_helpers import one_year_county

runner = CliRunner()


@pytest.fixture
def spatial(tmp_path):
    one_year_county(tmp_path / "county")
    return tmp_path / "county" / "gep-spatial.toml"


def test_a_truncated_geotiff_is_named(spatial):
    tif = spatial.parent / "rasters" / "npp.tif"
    data = tif.read_bytes()
    tif.write_bytes(data[: len(data) // 2])
    r = runner.invoke(app, ["validate", str(spatial)])
    assert r.exit_code == 1, r.output
    assert "raster npp.tif is truncated" in r.output and "栅格 npp.tif 不完整" in r.output
    assert "Traceback" not in r.output


def test_damaged_pixel_data_is_named(spatial):
    tif = spatial.parent / "rasters" / "precipitation.tif"
    data = bytearray(tif.read_bytes())
    with rasterio.open(tif) as src:
        start = int(src.get_tag_item("BLOCK_OFFSET_0_0", "TIFF", bidx=1))
    data[start + 10: start + 2010] = b"\xff" * 2000  # the deflate stream of the first tile, overwritten
    tif.write_bytes(bytes(data))
    r = runner.invoke(app, ["run", str(spatial), "--out", str(spatial.parent.parent / "out"), "-q"])
    assert r.exit_code == 1, r.output
    assert "the pixel data of raster precipitation.tif cannot be read" in r.output
    assert not (spatial.parent.parent / "out").exists()


def test_a_quantity_of_1e308_names_the_service_and_regions(tmp_path):
    config = one_year_county(tmp_path / "county")
    stats = config.parent / "statistics.csv"
    stats.write_text(stats.read_text(encoding="utf-8").replace("shangyu,稻谷,60000,", "shangyu,稻谷,1e308,"),
                     encoding="utf-8")
    r = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "out"), "-q"])
    assert r.exit_code == 1, r.output
    assert "service agricultural_products produced NaN or infinite" in r.output
    assert "(regions ['baiguan', 'caoe'" in r.output
    assert "TypeError" not in r.output and not (tmp_path / "out").exists()


@pytest.mark.parametrize("value, message", [("inf", "value is not a number: 'inf'"),
                                            ("-inf", "value is not a number: '-inf'"),
                                            ("1e308", "value too large: '1e308' 亿元")])
def test_economy_figures_must_be_finite(tmp_path, value, message):
    config = one_year_county(tmp_path / "county")
    econ = config.parent / "economy.csv"
    econ.write_text(econ.read_text(encoding="utf-8").replace("gdp,1135.68,", f"gdp,{value},"), encoding="utf-8")
    problems = gep.Account.from_config(config).validate()
    assert [(p.code, p.row, p.column) for p in problems] == [("bad_number", 2, "value")]
    assert message in problems[0].en


def test_a_sum_that_overflows_is_not_written():
    inf = math.inf
    summary = {"gep": inf, "by_category": {"regulating": 1.0e308, "cultural": None},
               "by_service": {"esv.gas_regulation": {"value": inf}, "x": {"value": 2.0}},
               "by_region": {"t0": {"gep": 3.0}}, "indicators": {"ratio": {"value": None}}}
    assert non_finite_figures(summary) == ["gep", "by_service.esv.gas_regulation.value", "by_category.cultural"]


def test_an_esv_summary_needs_its_total_under_esv():
    summary = {"measure": "ESV", "esv": 5.0, "by_region": {"t0": {"esv": 3.0}, "t1": {"esv": None}}}
    assert non_finite_figures(summary) == ["by_region.t1.esv"]
    assert non_finite_figures({"measure": "ESV", "gep": 5.0}) == ["esv"]


def test_compare_of_something_that_is_not_a_summary(tmp_path):
    for name, text in (("list", "[1, 2]"), ("no-gep", '{"by_service": {}}'), ("text-gep", '{"gep": "lots"}')):
        (tmp_path / name).mkdir()
        (tmp_path / name / "summary.json").write_text(text, encoding="utf-8")
        r = runner.invoke(app, ["compare", str(tmp_path / name), str(tmp_path / name)])
        assert r.exit_code == 1, (name, r.output)
        assert "this is not a summary.json written by gep" in r.output


# ------------------------------------------------------------ a defect of gep
def test_an_internal_error_writes_a_crash_report(tmp_path, monkeypatch):
    config = one_year_county(tmp_path / "county")

    def broken(self):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(gep.Account, "run", broken)
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    r = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "out"), "-q"])
    assert r.exit_code == EXIT_INTERNAL
    assert "内部错误" in r.output and "internal error: a defect of gep, not of your data (ZeroDivisionError)" in r.output
    assert "Traceback" not in r.output
    path = re.search(r"crash report: (\S+)", r.output).group(1)
    report = open(path, encoding="utf-8").read()
    assert f"command: gep run {config} --out {tmp_path / 'out'} -q" in report
    assert "ZeroDivisionError: a bug" in report and "Traceback (most recent call last)" in report
    for name in ("gep ", "python ", "platform ", "numpy ", "pandas ", "rasterio "):
        assert f"\n  {name}" in report
    assert not (tmp_path / "out").exists()
    r = runner.invoke(app, ["--debug", "run", str(config), "--out", str(tmp_path / "out"), "-q"])
    assert r.exit_code == EXIT_INTERNAL and "Traceback (most recent call last)" in r.output


def test_ctrl_c_in_any_command(monkeypatch, tmp_path):
    config = one_year_county(tmp_path / "county")

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(gep.Account, "plan", interrupted)
    r = runner.invoke(app, ["validate", str(config)])
    assert r.exit_code == EXIT_INTERRUPTED and "已中断 / interrupted" in r.output


def test_out_of_memory_is_a_message(monkeypatch, tmp_path):
    config = one_year_county(tmp_path / "county")

    def too_big(self):
        raise MemoryError

    monkeypatch.setattr(gep.Account, "plan", too_big)
    r = runner.invoke(app, ["validate", str(config)])
    assert r.exit_code == 1 and "out of memory" in r.output and "Traceback" not in r.output


def test_a_bad_config_value_type_is_typed(tmp_path):
    config = one_year_county(tmp_path / "county")
    text = config.read_text(encoding="utf-8").replace('coefficients = "coefficients"', "coefficients = 5")
    config.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["validate", str(config)])
    assert r.exit_code == 1, r.output
    assert "[account] coefficients must be text or a list: 5" in r.output
    assert "column 'account.coefficients'" in r.output

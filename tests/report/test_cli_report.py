"""The command line: gep report, gep run --report, full keys in narrow tables, progress bars only on a terminal."""

import io

import pytest
from typer.testing import CliRunner

import gep
from gep.cli import app

runner = CliRunner()


def test_gep_report_writes_the_report_of_a_folder(example_out, tmp_path):
    import shutil

    out = tmp_path / "run"
    shutil.copytree(example_out, out)
    (out / "report.html").unlink(missing_ok=True)
    r = runner.invoke(app, ["report", str(out), "--no-pdf"])
    assert r.exit_code == 0, r.output
    assert (out / "report.html").is_file() and "report.html" in r.output
    r = runner.invoke(app, ["report", str(tmp_path / "nowhere")])
    assert r.exit_code == 1 and "summary.json" in r.output


def test_gep_run_report_without_a_browser_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("GEP_CHROMIUM", str(tmp_path / "no-browser"))
    cfg = gep.example_config("gep.toml")
    r = runner.invoke(app, ["run", str(cfg), "--out", str(tmp_path / "o"), "--quiet", "--years", "2021", "--report"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o" / "report.html").is_file() and not (tmp_path / "o" / "report.pdf").exists()
    assert "no Chrome, Edge or Chromium found" in " ".join(r.output.split())
    assert "年份" not in r.output          # no progress bar when the output is not a terminal


@pytest.mark.parametrize("width", [60, 100])
def test_keys_are_never_cut(width, monkeypatch):
    from gep import cli
    from gep.coefficients import load_coefficients

    monkeypatch.setattr(cli.console, "width", width)
    r = runner.invoke(app, ["coefficients", "show", "cn-rcees", "--key", "price."])
    assert r.exit_code == 0, r.output
    keys = set(load_coefficients("cn-rcees").to_frame().query("key.str.startswith('price.')", engine="python")["key"])
    assert len(keys) > 5
    for k in keys:
        assert k in r.output, k
    r = runner.invoke(app, ["services", "list"])
    assert r.exit_code == 0
    for svc in gep.services():
        for m in svc.methods.values():
            for k in m.coefficient_keys:
                assert k in r.output, (svc.id, k)


def test_progress_bars_show_years_on_a_terminal():
    from rich.console import Console

    from gep.progress import progress

    buf = io.StringIO()
    term = Console(file=buf, force_terminal=True, width=100)
    with progress(enabled=True, console=term) as bar:
        bar.year(2020, 0, 2)
        bar.year(2021, 1, 2)
        import dask.array as da

        assert float(da.ones((64, 64), chunks=16).sum().compute()) == 4096.0   # raster-like dask work
        assert bar._p.tasks[1].total == bar._p.tasks[1].completed > 0          # every task counted
    assert bar._p.tasks[0].description == "年份 year 2021"
    silent = io.StringIO()
    with progress(enabled=False, console=Console(file=silent)) as bar:
        bar.year(2020, 0, 1)
    assert silent.getvalue() == ""

import json

from typer.testing import CliRunner

from gep.cli import app

runner = CliRunner()


def test_example_prints_tables_and_writes_outputs(tmp_path):
    r = runner.invoke(app, ["example", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    for text in ("GEP", "亿元", "单位国土面积生态系统生产总值", "GEP per unit land area", "居民人均生态产品产值占比",
                 "岭南乡", "物质产品 Provisioning"):
        assert text in r.output
    assert {p.name for p in tmp_path.iterdir()} >= {"summary.json", "accounts.xlsx", "accounts.nc", "run.toml"}
    s = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert s["year"] == 2021 and s["gep"] > 0
    # the illustrative targets and transfer of the example (gep.decisions)
    assert s["appraisal"]["illustrative_targets"] and "考核 Appraisal" in r.output
    alloc = json.loads((tmp_path / "allocation.json").read_text(encoding="utf-8"))
    assert alloc["status"] == "illustrative" and alloc["total"] == alloc["budget"] == 10000
    # the example shows GEP under every published variant of climate regulation (and the other services)
    assert "方法变体 Method variants" in r.output and "tabular_cop" in r.output
    climate = s["method_variants"]["services"]["climate_regulation"]
    assert climate["chosen"] == "tabular"
    assert set(climate["variants"]) == {"tabular", "tabular_cop", "tabular_humidifier_only"}
    assert all(v["status"] == "ok" and v["gep"] > 0 for v in climate["variants"].values())
    # ... and its 90 % interval (gep example draws 1000 times by default; seed 1)
    unc = s["uncertainty"]
    assert unc["draws"] == 1000 and unc["seed"] == 1
    assert unc["gep"]["p5"] < s["gep"] < unc["gep"]["p95"]
    assert "不确定性 Uncertainty 2021: GEP 90 % 区间 interval" in r.output
    assert unc["structural"]["method_variants"]["by_service"]["climate_regulation"]["tabular_cop"] == \
        climate["variants"]["tabular_cop"]["gep"]
    # GEP under each climate-regulation variant with its 90 % interval: in summary.json and printed
    cop = unc["structural"]["method_variants"]["intervals"]["climate_regulation"]["tabular_cop"]
    assert cop["deterministic"] == climate["variants"]["tabular_cop"]["gep"] and cop["p5"] < cop["p50"] < cop["p95"]
    assert "GEP under each method variant and its 90 % interval" in " ".join(r.output.split())
    assert f"{cop['p5'] / 1e8:,.2f}" in r.output and f"{cop['p95'] / 1e8:,.2f}" in r.output
    # the appraisal's county GEP target of 2021 has the probability of having been met
    (row,) = [r for r in s["appraisal"]["rows"] if r["region"] == "shangyu" and r["indicator"] == "gep"
              and r["year"] == 2021]
    assert 0 < row["p_met"] < 1


def test_run_bad_config_exits_nonzero_bilingual(example_copy, tmp_path):
    lu = example_copy.parent / "land_use.csv"
    lu.write_text(lu.read_text(encoding="utf-8").replace("lingnan,0101", "lingnan,0199", 1), encoding="utf-8")
    r = runner.invoke(app, ["run", str(example_copy), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1
    assert "0199" in r.output and "地类代码" in r.output and "land-use code" in r.output
    assert not (tmp_path / "o").exists()


def test_validate(example_copy):
    r = runner.invoke(app, ["validate", str(example_copy)])
    assert r.exit_code == 0 and "no problems" in r.output


def test_coefficients_commands(tmp_path):
    r = runner.invoke(app, ["coefficients", "list"])
    assert r.exit_code == 0 and "xie-2015" in r.output
    r = runner.invoke(app, ["coefficients", "show", "xie-2015", "--key", "esv.standard"])
    assert r.exit_code == 0 and "3406.5" in r.output and "chinaxiv-202104-00049" in r.output
    r = runner.invoke(app, ["coefficients", "check", "xie-2015"])
    assert r.exit_code == 0
    county = tmp_path / "c"
    county.mkdir()
    (county / "manifest.toml").write_text('id = "c"\nextends = "xie-2015"\n[sources.s]\ncitation = "survey"\n',
                                          encoding="utf-8")
    (county / "v.csv").write_text("key,ecosystem,region,valid_from,value,unit,price_year,source,locator,status,note\n"
                                  "esv.standard_equivalent_value,*,*,2010,2900,元/hm²,2021,s,t1,local_survey,\n",
                                  encoding="utf-8")
    r = runner.invoke(app, ["coefficients", "diff", "xie-2015", str(county)])
    assert r.exit_code == 0 and "2900" in r.output and "changed" in r.output
    (county / "v.csv").write_text("key,ecosystem,region,valid_from,value,unit,price_year,source,locator,status,note\n"
                                  "esv.standard_equivalent_value,*,*,2010,2900,元/hm²,,,t1,local_survey,\n", encoding="utf-8")
    r = runner.invoke(app, ["coefficients", "check", str(county)])
    assert r.exit_code == 1 and "price_year" in r.output and "source" in r.output


def test_services_and_schemes_list():
    r = runner.invoke(app, ["services", "list"])
    assert r.exit_code == 0 and "esv.hydrological_regulation" in r.output and "水文调节" in r.output
    r = runner.invoke(app, ["schemes", "show", "gbt21010-2017"])
    assert r.exit_code == 0 and "0101" in r.output


def test_coefficients_diff_shows_price_year_status_and_source_changes(tmp_path):
    """380 元/t at 2010 prices restated as 68 元/t at 2023 prices: the price year, status and source change too."""
    def write_set(folder, row, source):
        folder.mkdir()
        (folder / "manifest.toml").write_text(f'id = "{folder.name}"\n[sources.{source}]\ncitation = "{source} report"\n',
                                              encoding="utf-8")
        (folder / "p.csv").write_text("key,ecosystem,region,valid_from,value,unit,price_year,source,locator,status,note\n"
                                      + row + "\n", encoding="utf-8")
    write_set(tmp_path / "a", "price.co2,*,*,2010,380,元/t,2010,garze,表3,literature,", "garze")
    write_set(tmp_path / "b", "price.co2,*,*,2023,68,元/t,2023,market,p1,official,", "market")
    from gep.coefficients import diff_sets, load_coefficients

    d = diff_sets(load_coefficients(path=tmp_path / "a"), load_coefficients(path=tmp_path / "b"))
    assert list(d["change"]) == ["changed"]
    assert d.loc[0, "fields"] == "value, price_year, status, source, valid_from"
    r = runner.invoke(app, ["coefficients", "diff", str(tmp_path / "a"), str(tmp_path / "b")])
    out = " ".join(r.output.split())
    assert r.exit_code == 0
    for shown in ("380 → 68", "2010 → 2023", "literature → official", "garze → market"):
        assert shown in out, shown
    assert "2010.0" not in r.output and "380.0" not in r.output


def test_coefficients_show_prints_integers_as_integers():
    r = runner.invoke(app, ["coefficients", "show", "cn-rcees", "--key", "price.co2"])
    assert r.exit_code == 0 and "2010" in r.output and "2010.0" not in r.output


def test_the_command_process_ends_without_collecting_its_objects_one_by_one(tmp_path):
    """The console entry point: fewer full collections while a command runs, none of every object at exit
    (gep.cli._leave_objects_to_the_os); the command's output and exit code are as ever."""
    import subprocess
    import sys

    record = tmp_path / "gc.json"
    code = ("import atexit, gc, json, sys\n"
            f"atexit.register(lambda: open({str(record)!r}, 'w').write(json.dumps("
            "[gc.get_freeze_count(), gc.get_threshold()])))\n"
            "sys.argv = ['gep', 'services', 'list']\n"
            "from gep.cli import main\n"
            "main()\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "carbon_sequestration" in run.stdout
    frozen, threshold = json.loads(record.read_text())
    assert frozen > 10_000  # every object of the process, left to the operating system
    from gep.cli import OLDEST_GENERATION_EVERY

    assert threshold[2] == OLDEST_GENERATION_EVERY


def test_the_command_process_holds_numeric_libraries_to_one_thread_unless_told(tmp_path, monkeypatch):
    """The console entry point sets OPENBLAS/OMP/MKL_NUM_THREADS to 1 before numpy loads (its OpenBLAS threads
    spun 0.25 s of a core per run), keeps a value the user set, and leaves a program that imports gep alone."""
    import subprocess
    import sys

    from gep.cli import NUMERIC_THREAD_VARIABLES, _one_thread_for_numeric_libraries

    for name in NUMERIC_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    _one_thread_for_numeric_libraries()
    import os

    assert [os.environ[n] for n in NUMERIC_THREAD_VARIABLES] == ["1", "4", "1"]

    # in a fresh command process: numpy is not loaded before main() sets the variables, so OpenBLAS reads them
    record = tmp_path / "env.json"
    code = ("import atexit, json, os, sys\n"
            "from gep.cli import main\n"
            "loaded_before = 'numpy' in sys.modules\n"
            f"atexit.register(lambda: open({str(record)!r}, 'w').write(json.dumps("
            "[loaded_before, os.environ.get('OPENBLAS_NUM_THREADS'), 'numpy' in sys.modules])))\n"
            "sys.argv = ['gep', 'services', 'list']\n"
            "main()\n")
    env = {k: v for k, v in os.environ.items() if k not in NUMERIC_THREAD_VARIABLES}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    assert json.loads(record.read_text()) == [False, "1", True]

    # a program that imports gep keeps its own environment
    run = subprocess.run([sys.executable, "-c", "import os, gep, gep.cli; print(os.environ.get('OPENBLAS_NUM_THREADS'))"],
                         capture_output=True, text=True, timeout=120, env=env)
    assert run.stdout.strip() == "None", run.stderr

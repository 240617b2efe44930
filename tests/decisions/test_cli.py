"""gep appraise | allocate | green-gold on a run's output folder; gep run --targets."""

import json

from typer.testing import CliRunner

from gep.cli import app
from gep.examples import example_dir

runner = CliRunner()
TARGETS = str(example_dir() / "targets.csv")


def test_appraise(example_out, tmp_path):
    r = runner.invoke(app, ["appraise", str(example_out), "--targets", TARGETS, "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "考核 Appraisal" in r.output and "illustrative" in r.output and "百官街道" in r.output
    s = json.loads((tmp_path / "appraisal.json").read_text(encoding="utf-8"))
    assert s["illustrative_targets"] and s["counts"]["skipped"] == 1
    assert (tmp_path / "appraisal.xlsx").is_file()


def test_appraise_refuses_a_wrong_unit(example_out, tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_text("region,indicator,target,unit,direction,year,price_year\nshangyu,gep,1100,km²,at_least,2021,2021\n",
                   encoding="utf-8")
    r = runner.invoke(app, ["appraise", str(example_out), "--targets", str(bad), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1
    assert "km²" in r.output and "不是同一种量" in r.output and "does not measure the same thing" in r.output
    assert not (tmp_path / "o").exists()


def test_allocate(example_out, tmp_path):
    r = runner.invoke(app, ["allocate", str(example_out), "--budget", "100000000", "--unit", "元", "--rule", "gep",
                            "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "allocation.json").read_text(encoding="utf-8"))
    assert s["total"] == s["budget"] == 100000000 and len(s["rows"]) == 20
    assert "100,000,000" in r.output


def test_allocate_from_the_example_spec(example_out, tmp_path):
    r = runner.invoke(app, ["allocate", str(example_out), "--spec", str(example_dir() / "transfer.toml"),
                            "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "illustrative" in r.output and "10,000" in r.output


def test_allocate_refusals(example_out, tmp_path):
    r = runner.invoke(app, ["allocate", str(example_out), "--budget", "5 km²", "--rule", "gep", "-o", str(tmp_path)])
    assert r.exit_code == 1 and "not money" in r.output and "不是货币单位" in r.output
    r = runner.invoke(app, ["allocate", str(example_out), "--rule", "gep", "-o", str(tmp_path)])
    assert r.exit_code == 1 and "no budget given" in r.output
    r = runner.invoke(app, ["allocate", str(tmp_path), "--budget", "100", "--rule", "gep"])
    assert r.exit_code == 1 and "summary.json" in r.output
    r = runner.invoke(app, ["allocate", str(example_out), "--budget", "100", "--rule", "gep", "--floor", "6",
                            "-o", str(tmp_path)])
    assert r.exit_code == 1 and "floor" in r.output and "保底额" in r.output


def test_green_gold(example_out, tmp_path):
    r = runner.invoke(app, ["green-gold", str(example_out), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "green_gold.json").read_text(encoding="utf-8"))
    assert s["definition"] == "ratio" and s["official_definition_found"] is False
    assert [row["year"] for row in s["rows"]] == [2020, 2021]


def test_run_with_targets_of_one_year(example_copy, tmp_path):
    out = tmp_path / "o"
    r = runner.invoke(app, ["run", str(example_copy), "--years", "2021", "--out", str(out), "-q",
                            "--targets", str(example_copy.parent / "targets.csv")])
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    rows = s["appraisal"]["rows"]
    growth = [x for x in rows if x["indicator"] == "gep_growth"]
    assert growth and all(x["met"] is None for x in growth)      # one year: growth cannot be judged
    assert s["appraisal"]["counts"]["skipped"] == 2               # the 2020 and 2024 targets
    assert "targets.csv" in s["inputs"]

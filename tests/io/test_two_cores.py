"""A multi-year run on two processes (gep.io.two_cores): each checks, runs, links and writes its years.

The second process must write the very files one process writes, hand back its
results and what it wrote, and never lose an error: its GepError comes back as
itself, and a process that dies comes back as an error naming its exit code.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import time

import pandas as pd
import pytest
import xarray as xr

import gep
from gep.errors import (
    GepError,
    MissingCoefficient,
    OutputError,
    UnknownRegion,
    combined_error,
    problem,
)
from gep.io import two_cores
from gep.io.outputs import write_into
from gep.io.two_cores import usable_workers

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the second process is forked on Linux only"),
    # pytest-xdist runs threads of its own; the second process here runs only the jobs it is given
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of fork:DeprecationWarning"),
]


@pytest.fixture
def forking(monkeypatch):
    """Fork even though pytest (xdist) runs threads besides the main one: the jobs here touch none of their locks."""
    monkeypatch.setattr(two_cores, "_can_fork", lambda: True)
    monkeypatch.setenv("GEP_WORKERS", "2")


@pytest.fixture(scope="module")
def two_years():
    return gep.run_years(gep.example_config(), [2020, 2021])


def _five_years(root):
    """The example with 2022-2024 reusing 2021's inputs (its yearly targets, of 2020-2021, left out): five valid years,
    2020-2021 for the second process, 2022-2024 for this one (2022 waits for the link from 2021)."""
    import shutil

    folder = root / "county"
    shutil.copytree(gep.example_config().parent, folder, ignore=shutil.ignore_patterns("__pycache__"))
    config = folder / "gep.toml"
    text = "\n".join(line for line in config.read_text(encoding="utf-8").splitlines() if not line.startswith("targets ="))
    config.write_text(text + "".join(f"\n[years.{y}]\nreuse = 2021\n" for y in range(2022, 2025)), encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def five_years(tmp_path_factory):
    return _five_years(tmp_path_factory.mktemp("five"))


def _writer(folder, then=None):
    """A ``write_year`` that writes a year's set into ``folder/<year>`` and says which process wrote it."""
    def write_year(res):
        if then is not None:
            then(res)
        return {**write_into(res, folder / str(res.year)), "pid": os.getpid()}
    return write_year


def test_each_process_writes_the_sets_of_its_years_as_one_process_writes_them(five_years, tmp_path, forking, monkeypatch):
    split = gep.run_years(five_years, "2020-2024", workers=2, write_year=_writer(tmp_path / "two"))
    written = split.written_sets()
    assert list(written) == [2020, 2021, 2022, 2023]  # every year but the latest (its set is the caller's)
    assert os.getpid() not in {written[y]["pid"] for y in (2020, 2021)}  # the second process: its years …
    assert {written[y]["pid"] for y in (2022, 2023)} == {os.getpid()}    # … this one: its own, 2022 after the link
    assert split.written_sets() == written  # asked again: the same, no waiting
    monkeypatch.setenv("GEP_WORKERS", "1")
    one = gep.run_years(five_years, "2020-2024", workers=1, write_year=_writer(tmp_path / "one")).written_sets()
    assert list(one) == list(written) and {w["pid"] for w in one.values()} == {os.getpid()}
    for y in written:
        a, b = written[y], one[y]
        assert set(a) == set(b) == {"summary.json", "accounts.xlsx", "accounts.nc", "regions.geojson", "run.toml", "pid"}
        assert a["summary.json"] == tmp_path / "two" / str(y) / "summary.json"  # the paths it wrote, handed back
        for name in ("summary.json", "regions.geojson", "run.toml"):
            assert a[name].read_bytes() == b[name].read_bytes(), (y, name)
        with xr.open_dataset(a["accounts.nc"]) as x, xr.open_dataset(b["accounts.nc"]) as z:
            assert x.load().identical(z.load())
        from openpyxl import load_workbook

        wa, wb = load_workbook(a["accounts.xlsx"], read_only=True), load_workbook(b["accounts.xlsx"], read_only=True)
        assert wa.sheetnames == wb.sheetnames
        for sheet in wa.sheetnames:
            assert list(wa[sheet].values) == list(wb[sheet].values), (y, sheet)
        wa.close(), wb.close()
    # 2022's set holds its link to 2021, a year the other process ran
    assert json.loads(written[2022]["summary.json"].read_text(encoding="utf-8"))["year_on_year"]["from"] == 2021


def test_an_error_in_the_second_process_is_raised_here_as_itself(five_years, tmp_path, forking):
    here = os.getpid()

    def wrong(res):
        if os.getpid() != here and res.year == 2021:
            raise UnknownRegion(problem("region_not_in_region_table", "地区 X 不在地区表中",
                                        "region X is not in the region table", file="statistics.csv", row=7,
                                        column="region", value="X"))

    multi = gep.run_years(five_years, "2020-2024", workers=2, write_year=_writer(tmp_path, then=wrong))
    with pytest.raises(UnknownRegion) as info:
        multi.written_sets()
    (p,) = info.value.problems
    assert (p.code, p.file, p.row, p.column, p.value) == ("region_not_in_region_table", "statistics.csv", 7, "region", "X")


def test_a_second_process_that_dies_is_reported_with_its_exit_code(five_years, tmp_path, forking):
    here = os.getpid()
    with pytest.raises(OutputError, match="exit code 3") as info:  # dead before its results were read, or after
        gep.run_years(five_years, "2020-2024", workers=2,
                      write_year=_writer(tmp_path, then=lambda res: os.getpid() != here and os._exit(3))).written_sets()
    assert info.value.codes == ["second_process_failed"]
    assert "GEP_WORKERS=1" in info.value.problems[0].hint_en


def test_an_error_here_stops_the_second_process(five_years, forking, tmp_path):
    here, mark = os.getpid(), tmp_path / "second-finished"

    def slow_there_wrong_here(res):
        if os.getpid() == here:
            raise OSError("disk full")
        time.sleep(5)
        mark.write_text("done")

    started = time.monotonic()
    with pytest.raises(OSError, match="disk full"):  # 2023's set, written here before the other process's results
        gep.run_years(five_years, "2020-2024", workers=2, write_year=_writer(tmp_path, then=slow_there_wrong_here))
    assert time.monotonic() - started < 4.5  # not waiting for the second process: it was stopped
    time.sleep(0.2)
    assert not mark.exists()


def test_a_run_that_fails_later_stops_the_writing(five_years, forking, tmp_path):
    here, mark = os.getpid(), tmp_path / "second-finished"

    def slow_there(res):
        if os.getpid() != here:
            time.sleep(5)
            mark.write_text("done")

    multi = gep.run_years(five_years, "2020-2024", workers=2, write_year=_writer(tmp_path, then=slow_there))
    multi.stop_writing()  # what `gep run` does when the latest year's set fails
    time.sleep(0.2)
    assert not mark.exists()
    assert list(multi.written_sets()) == [2022, 2023]  # what this process wrote; the stopped one's are not claimed


def test_one_process_when_asked_or_when_it_cannot_fork(five_years, tmp_path, monkeypatch):
    monkeypatch.setenv("GEP_WORKERS", "1")
    assert usable_workers() == 1
    assert two_cores.start_second_process(dict, "test") is None
    monkeypatch.setenv("GEP_WORKERS", "2")
    monkeypatch.setattr(two_cores.threading, "active_count", lambda: 2)  # another thread runs: no fork
    multi = gep.run_years(five_years, "2020-2024", workers=2, write_year=_writer(tmp_path))
    assert {w["pid"] for w in multi.written_sets().values()} == {os.getpid()}


@pytest.mark.parametrize("text", ["0", "-1", "two", "1.5"])
def test_a_wrong_gep_workers_is_an_error(monkeypatch, text):
    monkeypatch.setenv("GEP_WORKERS", text)
    with pytest.raises(OutputError) as info:
        two_cores.start_second_process(dict, "test")
    assert info.value.codes == ["bad_gep_workers"]


def test_gep_errors_pickle_with_every_field():
    # what lets a second process (or a dask worker) hand an error back as itself
    one = UnknownRegion(problem("c", "中", "en", file="a.csv", row=3, column="region", value="X", hint_en="h"))
    back = pickle.loads(pickle.dumps(one))
    assert type(back) is UnknownRegion and back.problems == one.problems and str(back) == str(one)
    both = combined_error([MissingCoefficient, UnknownRegion])([problem("a", "b", "c"), problem("d", "e", "f")])
    back = pickle.loads(pickle.dumps(both))
    assert isinstance(back, MissingCoefficient) and isinstance(back, UnknownRegion) and isinstance(back, GepError)
    assert back.codes == ["a", "d"] and str(back) == str(both)


def test_gep_run_years_writes_the_same_sets_on_two_processes(tmp_path, forking, monkeypatch):
    from typer.testing import CliRunner

    from gep.cli import app

    writers = []
    real = two_cores.start_second_process
    monkeypatch.setattr(two_cores, "start_second_process", lambda fn, name, **kw: writers.append(name) or real(fn, name, **kw))
    runner = CliRunner()
    outs = {}
    for workers in ("2", "1"):
        monkeypatch.setenv("GEP_WORKERS", workers)
        outs[workers] = tmp_path / f"out{workers}"
        r = runner.invoke(app, ["run", str(gep.example_config()), "--years", "2020-2021", "--out", str(outs[workers]),
                                "--quiet", "--formats", "json,toml"])
        assert r.exit_code == 0, r.output
    assert writers == ["gep-years"]  # one second process: it ran 2020 and wrote its set
    for name in ("summary.json", "years/2020/summary.json", "years/2020/run.toml", "run.toml"):
        assert (outs["2"] / name).read_bytes() == (outs["1"] / name).read_bytes(), name


def test_what_is_handed_over_comes_first_and_as_it_was(forking):
    big = pd.DataFrame({"value": range(200_000)})  # more than a pipe holds: sent from a thread, the process goes on

    def work(hand_over):
        hand_over((os.getpid(), big))
        big.loc[0, "value"] = -1  # changed after the hand-over: this process does not see it
        return "finished"

    second = two_cores.start_second_process(work, "test", hands_over=True)
    time.sleep(0.3)  # the process has handed over and returned; its sender waits for this one to read
    pid, back = second.handed_over()
    assert pid != os.getpid() and back["value"].iloc[0] == 0 and len(back) == 200_000
    assert second.result() == "finished"


def test_a_process_that_fails_before_handing_over_raises_its_error_there(forking):
    def work(hand_over):
        raise MissingCoefficient(problem("missing_coefficient", "缺少系数", "a coefficient is missing"))

    second = two_cores.start_second_process(work, "test", hands_over=True)
    with pytest.raises(MissingCoefficient, match="a coefficient is missing"):
        second.handed_over()
    with pytest.raises(RuntimeError, match="already taken"):
        second.result()
    second = two_cores.start_second_process(lambda hand_over: None, "test", hands_over=True)
    with pytest.raises(RuntimeError, match="without handing anything over"):
        second.handed_over()


def test_a_second_process_hands_back_what_it_returned(forking):
    frame = pd.DataFrame({"service": ["carbon", "water"], "value": [1.0, float("nan")]})
    second = two_cores.start_second_process(lambda: (os.getpid(), frame), "test")
    pid, back = second.result()
    assert pid != os.getpid()
    pd.testing.assert_frame_equal(back, frame)
    with pytest.raises(RuntimeError, match="already taken"):
        second.result()


def test_gep_example_computes_the_other_ways_on_a_second_process(tmp_path, forking, monkeypatch):
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from gep.cli import app

    started = []
    real = two_cores.start_second_process
    monkeypatch.setattr(two_cores, "start_second_process", lambda fn, name, **kw: started.append(name) or real(fn, name, **kw))
    sheets = {}
    for workers in ("2", "1"):
        monkeypatch.setenv("GEP_WORKERS", workers)
        out = tmp_path / f"out{workers}"
        r = CliRunner().invoke(app, ["example", "--out", str(out), "--quiet", "--uncertainty", "0",
                                     "--no-compare-methods", "--formats", "json,xlsx"])
        assert r.exit_code == 0, r.output
        wb = load_workbook(out / "accounts.xlsx", read_only=True)
        sheets[workers] = list(wb["方法对比 Methods"].values)
        wb.close()
        assert (out / "summary.json").is_file()
    assert started[0] == "gep-example-other-ways"
    assert len(sheets["2"]) > 10 and sheets["2"] == sheets["1"]  # spatial and value transfer, the same numbers


def test_the_second_process_ends_with_the_run(tmp_path):
    # a run killed while its second process writes: the kernel stops the second process too
    import signal
    import subprocess

    script = tmp_path / "run.py"
    script.write_text(
        "import os, sys, time\n"
        "from gep.io import two_cores\n"
        "two_cores._can_fork = lambda: True\n"
        "second = two_cores.start_second_process(lambda: time.sleep(60), 'test')\n"
        "print(second._process.pid, flush=True)\n"
        "time.sleep(60)\n", encoding="utf-8")
    run = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                           env={**os.environ, "GEP_WORKERS": "2"})
    child = int(run.stdout.readline())
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    def running(pid):  # a process that ended but was not yet reaped by whoever adopted it is a zombie ("Z")
        try:
            with open(f"/proc/{pid}/stat") as fh:
                return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    for _ in range(100):
        if not running(child):
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the second process outlived the run")


def _years_county(tmp_path):
    """The example with 2018 and 2019 reusing 2021's inputs: its county rows start in 2020, so those years lack them."""
    import shutil

    folder = tmp_path / "county"
    shutil.copytree(gep.example_config().parent, folder, ignore=shutil.ignore_patterns("__pycache__"))
    config = folder / "gep.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[years.2018]\nreuse = 2021\n[years.2019]\nreuse = 2021\n",
                      encoding="utf-8")
    return config


def test_run_years_on_two_processes_gives_the_same_accounts(forking, two_years):
    started = []
    real = two_cores.start_second_process
    two_cores.start_second_process = lambda fn, name, **kw: started.append(name) or real(fn, name, **kw)
    try:
        split = gep.run_years(gep.example_config(), [2020, 2021], workers=2)
    finally:
        two_cores.start_second_process = real
    assert started == ["gep-years"]
    for y in (2020, 2021):
        assert split[y].summary() == two_years[y].summary()
        assert split.constant[y].summary() == two_years.constant[y].summary()
    pd.testing.assert_frame_equal(split.compare(2020, 2021).cells, two_years.compare(2020, 2021).cells, check_exact=True)
    assert split.accounts[(2021, "as_run")] is not None  # the latest year's account, for --uncertainty


def test_run_years_on_two_processes_reports_the_same_problems_in_the_same_order(forking, tmp_path):
    config = _years_county(tmp_path)
    errors = {}
    for workers in (2, 1):
        with pytest.raises(GepError) as info:
            gep.run_years(config, "2018-2021", workers=workers)
        errors[workers] = info.value
    assert type(errors[2]) is type(errors[1])
    assert [(p.code, p.en, p.file, p.row) for p in errors[2].problems] == \
           [(p.code, p.en, p.file, p.row) for p in errors[1].problems]
    assert any(p.en.startswith("[2018]") for p in errors[2].problems)  # a year the second process checked


def test_run_years_stops_its_second_process_when_this_one_fails(forking, monkeypatch):
    from gep.account.account import Account

    here, children = os.getpid(), []
    real_start, real_validate = two_cores.start_second_process, Account.validate

    def start(fn, name, **kw):
        second = real_start(fn, name, **kw)
        children.append(second._process)
        return second

    def validate(self):
        if os.getpid() == here:  # this process only: the second one checks its years as usual
            raise RuntimeError("a defect while checking")
        return real_validate(self)

    monkeypatch.setattr(two_cores, "start_second_process", start)
    monkeypatch.setattr(Account, "validate", validate)
    with pytest.raises(RuntimeError, match="a defect while checking"):
        gep.run_years(gep.example_config(), [2020, 2021], workers=2)
    (child,) = children
    assert not child.is_alive()


def test_on_a_terminal_the_progress_bars_leave_the_years_two_processes(tmp_path):
    """rich's refresh thread would forbid the fork (a second thread): the bars are redrawn by the work instead, so a
    run on a terminal, bars showing, checks and runs its years on two processes as a run into a pipe does."""
    import subprocess
    import threading

    record = tmp_path / "started.json"
    script = tmp_path / "run.py"
    script.write_text(
        "import json, os, sys, threading\n"
        "from gep.io import two_cores\n"
        "real, started = two_cores.start_second_process, []\n"
        "def start(fn, name, **kw):\n"
        "    second = real(fn, name, **kw)\n"
        "    started.append([name, second is not None, threading.active_count()])\n"
        "    return second\n"
        "two_cores.start_second_process = start\n"
        "record = sys.argv[3]\n"
        "sys.argv = ['gep', 'run', sys.argv[1], '--years', '2020,2021', '--out', sys.argv[2]]\n"
        "from gep.cli import main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    open(record, 'w').write(json.dumps(started))\n", encoding="utf-8")
    terminal, screen = os.openpty()  # the run's stdout and stderr are a terminal: rich shows its bars
    shown = []
    reader = threading.Thread(target=lambda: shown.append(_read_all(terminal)), daemon=True)
    reader.start()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_INTERACTIVE", "TERM")}
    run = subprocess.run([sys.executable, str(script), str(gep.example_config()), str(tmp_path / "out"), str(record)],
                         stdin=screen, stdout=screen, stderr=screen, timeout=300,
                         env={**env, "GEP_WORKERS": "2", "TERM": "xterm-256color", "COLUMNS": "120"})
    os.close(screen)
    reader.join(timeout=30)
    assert run.returncode == 0, shown
    assert "年份 year" in shown[0]  # the bars were shown
    started = json.loads(record.read_text())
    assert ["gep-years", True, 1] in started, started


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # the other end closed (Linux raises EIO)
            break
        if not data:
            break
        chunks.append(data)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


def test_the_sobol_design_on_a_second_process_gives_the_same_uncertainty(forking, monkeypatch):
    from gep.account.uncertainty import account_uncertainty

    account = gep.Account.from_config(gep.example_config())
    result = account.run()
    started = []
    real = two_cores.start_second_process
    monkeypatch.setattr(two_cores, "start_second_process", lambda fn, name, **kw: started.append(name) or real(fn, name, **kw))
    one = account_uncertainty(account, 300, 7, result=result, workers=1)
    assert started == []  # one process unless asked
    two = account_uncertainty(account, 300, 7, result=result, workers=2)
    assert started == ["gep-sensitivity"]
    assert one.sensitivity["status"] == "ok" and one.sensitivity["evaluations"] > 0
    assert json.dumps(one.summary(), sort_keys=True) == json.dumps(two.summary(), sort_keys=True)
    xr.testing.assert_identical(one.value, two.value)


def test_an_error_of_the_sobol_design_in_the_second_process_is_raised_as_itself(forking, monkeypatch):
    from gep.account import uncertainty

    account = gep.Account.from_config(gep.example_config())

    def failing(*args, **kwargs):
        raise MissingCoefficient(problem("missing_coefficient", "缺少系数", f"a coefficient is missing (pid {os.getpid()})"))

    monkeypatch.setattr(uncertainty, "_sensitivity", failing)
    with pytest.raises(MissingCoefficient, match="a coefficient is missing") as raised:
        uncertainty.account_uncertainty(account, 200, 1, workers=2)
    assert f"(pid {os.getpid()})" not in raised.value.problems[0].en  # raised there, handed back as itself

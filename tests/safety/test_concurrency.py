"""Two ``gep run`` into one ``--out``, a reader polling it, and Ctrl-C while writing (real processes).

The runs pause inside their write phase through the test-only hook
``GEP_TEST_PAUSE_DURING_WRITE`` (:func:`gep.io.safe_write.pause_for_tests`):
the run creates the named file once ``summary.json`` is in its staging folder
and waits until the test deletes it. So "B starts while A is writing" and
"Ctrl-C during writing" happen every time, not by luck of timing.
"""

from __future__ import annotations

import hashlib
import signal
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gep.cli import app
from gep.safety import EXIT_BUSY, EXIT_INTERRUPTED
from safety_helpers import gep_process, one_year_county, read_set

PAUSE = "GEP_TEST_PAUSE_DURING_WRITE"


def wait_for(path: Path, proc, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"gep stopped before pausing (exit {proc.returncode}): {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("gep did not reach its write phase")
        time.sleep(0.05)


class Reader(threading.Thread):
    """Polls ``out`` as a script or a colleague would; records every set it sees and every partial read."""

    def __init__(self, out: Path):
        super().__init__(daemon=True)
        self.out, self.seen, self.errors, self.stop = out, [], [], threading.Event()

    def run(self):
        while True:
            # one last read begun after the test said stop: the set the last run committed is always seen (a read
            # still under way when the last run committed would otherwise be the last, and miss it)
            last = self.stop.is_set()
            try:
                got = read_set(self.out)
            except Exception as exc:  # a truncated JSON, an unreadable workbook: what must never happen
                self.errors.append(repr(exc))
                got = None
            if got is not None:
                summary, notes = got
                name = summary["name"]["en"]
                if name not in notes:
                    self.errors.append(f"mixed set: summary.json of {name!r}, accounts.xlsx of {notes!r}")
                if not self.seen or self.seen[-1] != name:
                    self.seen.append(name)
            if last:
                return
            time.sleep(0.01)


@pytest.fixture
def two_configs(tmp_path):
    """One county, two configs that differ only in the name (so each output set says which run wrote it)."""
    a = one_year_county(tmp_path / "county", name_en="Run A")
    b = a.with_name("gep-b.toml")
    b.write_text(a.read_text(encoding="utf-8").replace('en = "Run A"', 'en = "Run B"'), encoding="utf-8")
    return a, b


def test_second_run_fails_at_once_then_waits_its_turn(two_configs, tmp_path):
    config_a, config_b = two_configs
    out = tmp_path / "out"
    reader = Reader(out)
    reader.start()
    procs = []
    try:
        # 1. A is writing; B without --wait fails at once with its own exit code, and computes nothing
        flag = tmp_path / "a-writing"
        a = gep_process("run", str(config_a), "--out", str(out), "-q", env={PAUSE: str(flag)})
        procs.append(a)
        wait_for(flag, a)
        start = time.monotonic()
        b = gep_process("run", str(config_b), "--out", str(out), "-q")
        procs.append(b)
        b_out, b_err = b.communicate(timeout=240)
        assert b.returncode == EXIT_BUSY, (b_out, b_err)
        assert "another gep run is writing into this output folder" in b_err and "另一个 gep 正在写入" in b_err
        assert "--wait" in b_err and "Traceback" not in b_err
        assert time.monotonic() - start < 60  # at once: no account was computed
        flag.unlink()  # let A finish
        a_out, a_err = a.communicate(timeout=240)
        assert a.returncode == 0, (a_out, a_err)
        assert read_set(out)[0]["name"]["en"] == "Run A"

        # 2. B is writing; A with --wait says it waits, then runs when B is done: both finish, in turn
        flag = tmp_path / "b-writing"
        b = gep_process("run", str(config_b), "--out", str(out), "-q", env={PAUSE: str(flag)})
        procs.append(b)
        wait_for(flag, b)
        a = gep_process("run", str(config_a), "--out", str(out), "-q", "--wait")
        procs.append(a)
        line = a.stderr.readline()  # blocks until A has found the folder busy
        assert "waiting for another gep run" in line and "等待另一个 gep" in line
        flag.unlink()
        b_out, b_err = b.communicate(timeout=240)
        a_out, a_err = a.communicate(timeout=240)
        assert (b.returncode, a.returncode) == (0, 0), (b_err, a_err)
    finally:
        for proc in procs:  # a failed assertion must not leave a paused run behind
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        reader.stop.set()
        reader.join(timeout=30)
    assert reader.errors == []
    # the reader saw whole sets only, in the order they were written: A, then B, then A again
    assert reader.seen == ["Run A", "Run B", "Run A"]
    assert read_set(out)[0]["name"]["en"] == "Run A"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county", "out"]  # no lock, staging or old set left


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_ctrl_c_while_writing_keeps_the_previous_outputs(tmp_path):
    config = one_year_county(tmp_path / "county")
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["run", str(config), "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    before = digest(out)
    flag = tmp_path / "writing"
    proc = gep_process("run", str(config), "--out", str(out), "-q", env={PAUSE: str(flag)})
    try:
        wait_for(flag, proc)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == EXIT_INTERRUPTED, (stdout, stderr)
    assert "已中断：未写出任何文件，之前的输出保持不变" in stderr
    assert "interrupted: nothing written, the previous outputs are kept" in stderr
    assert "Traceback" not in stderr + stdout
    assert digest(out) == before  # the previous set, byte for byte
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county", "out", "writing"]


def test_ctrl_c_in_process_before_anything_existed(tmp_path, monkeypatch):
    """The same path in-process: KeyboardInterrupt in the write phase of a first run leaves nothing."""
    from gep.io import outputs

    def interrupt(stage):
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "pause_for_tests", interrupt)
    config = one_year_county(tmp_path / "county")
    r = CliRunner().invoke(app, ["run", str(config), "--out", str(tmp_path / "out"), "-q"])
    assert r.exit_code == EXIT_INTERRUPTED
    assert "已中断：未写出任何文件 / interrupted: nothing written" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county"]

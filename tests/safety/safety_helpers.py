"""Helpers of the safety tests: a one-year copy of the example county, and reading an output set."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import shutil
import subprocess
import sys
from pathlib import Path

import gep

ROOT = Path(__file__).resolve().parents[2]


def one_year_county(folder: Path, *, name_en: str | None = None) -> Path:
    """A copy of the example county whose gep.toml accounts 2021 only (one account: faster); returns gep.toml."""
    shutil.copytree(gep.example_config().parent, folder)
    config = folder / "gep.toml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"^years = .*\n", "", text, flags=re.M)
    if name_en is not None:
        text = text.replace('en = "Shangyu District (example)"', f'en = "{name_en}"')
    config.write_text(text, encoding="utf-8")
    return config


def read_set(out: Path) -> tuple[dict, str] | None:
    """``(summary, the note lines of accounts.xlsx's summary sheet)`` of one set, read through one handle of the folder.

    ``None`` when the folder, or a file of it, is not there (before the first
    run, or a set swapped out while being read). Raises if a file is partial.
    """
    from openpyxl import load_workbook

    try:
        fd = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except (FileNotFoundError, NotADirectoryError):
        return None
    try:
        blobs = {}
        for name in ("summary.json", "accounts.xlsx"):
            try:
                f = os.open(name, os.O_RDONLY, dir_fd=fd)
            except FileNotFoundError:
                return None
            with os.fdopen(f, "rb") as fh:
                blobs[name] = fh.read()
    finally:
        os.close(fd)
    summary = json.loads(blobs["summary.json"].decode("utf-8"))
    wb = load_workbook(io.BytesIO(blobs["accounts.xlsx"]), read_only=True)
    try:  # the note lines above the summary table (a data-quality banner, then the account's name …)
        notes = " | ".join(str(row[0]) for row in wb["汇总 Summary"].iter_rows(max_row=6, max_col=1, values_only=True))
    finally:
        wb.close()
    return summary, notes


def gep_process(*args: str, env: dict | None = None) -> subprocess.Popen:
    """``gep ARGS`` in a subprocess (stdout and stderr piped, text)."""
    full_env = {k: v for k, v in os.environ.items() if k != "GEP_TEST_PAUSE_DURING_WRITE"}
    full_env.update(env or {})
    # Ctrl-C reaches the run as it reaches a command typed in a terminal, even when the tests themselves run
    # in the background of a shell (which starts them with SIGINT ignored, and children inherit that)
    return subprocess.Popen([sys.executable, "-c", "from gep.cli import main; main()", *args], env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            cwd=str(ROOT), preexec_fn=_default_sigint if os.name == "posix" else None)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)

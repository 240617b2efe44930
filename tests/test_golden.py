"""The example county's ``summary.json`` is byte-identical to the committed golden files.

A refactor, a speed-up or a new output must not change a single figure. When a change
of numbers is intended, regenerate the files with
``python tests/data/golden/make_golden.py`` and say in the commit which figures changed
and why.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
spec = importlib.util.spec_from_file_location("make_golden", GOLDEN / "make_golden.py")
make_golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_golden)


@pytest.fixture(scope="module")
def summaries():
    return make_golden.summaries()


@pytest.mark.parametrize("config", make_golden.CONFIGS)
def test_summary_is_byte_identical_to_the_golden_file(summaries, config):
    expected = (GOLDEN / f"{config}.summary.json").read_text(encoding="utf-8")
    assert summaries[config] == expected, (
        f"summary.json of {config} changed; if intended, run `python tests/data/golden/make_golden.py` "
        "and explain the change in the commit")

"""Helpers for tests and notebooks: small coefficient sets written in a few lines.

>>> from gep.testing import write_coefficient_set, flat_price_index
>>> write_coefficient_set(tmp / "county", [
...     {"key": "climate.precipitation", "region": "t1", "value": 1200, "unit": "mm"}],
...     extends="cn-rcees", rows_extra=flat_price_index(2001, 2021))
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from .coefficients import COLUMNS

__all__ = ["write_coefficient_set", "flat_price_index"]

_DEFAULTS = {"ecosystem": "*", "region": "*", "valid_from": 2000, "price_year": "", "source": "test",
             "locator": "tests", "status": "illustrative", "note": ""}


def write_coefficient_set(folder: str | Path, rows: Iterable[Mapping], *, set_id: str = "test-set",
                          extends: str | None = None, region: str = "*",
                          citation: str = "round numbers chosen for the gep test suite",
                          rows_extra: Iterable[Mapping] = ()) -> Path:
    """Write a coefficient set folder (``manifest.toml`` + ``values.csv``) and return it.

    Each row is a mapping with at least ``key``, ``value`` and ``unit``; the other
    columns default to ``*`` / ``test`` / ``illustrative`` (every row of such a set
    is illustrative, and says so). All rows cite one source, ``test``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'id = "{set_id}"', 'title = { zh = "测试系数", en = "test coefficients" }', f'region = "{region}"']
    if extends:
        lines.append(f'extends = "{extends}"')
    lines += ['version = "1"', 'currency = "CNY"', "", "[sources.test]", f'citation = "{citation}"', ""]
    (folder / "manifest.toml").write_text("\n".join(lines), encoding="utf-8")
    records = [{**_DEFAULTS, **dict(r)} for r in list(rows) + list(rows_extra)]
    pd.DataFrame(records, columns=COLUMNS).to_csv(folder / "values.csv", index=False)
    return folder


def flat_price_index(first: int, last: int) -> list[dict]:
    """``price_index.cpi`` rows of 100 % from ``first`` to ``last``: prices enter unchanged whatever their year."""
    return [{"key": "price_index.cpi", "valid_from": y, "value": 100, "unit": "%"} for y in range(first, last + 1)]

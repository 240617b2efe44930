"""Helpers for tests and notebooks: small coefficient sets written in a few lines, and
a plugin "installed" for the length of a test.

>>> from gep.testing import write_coefficient_set, flat_price_index
>>> write_coefficient_set(tmp / "county", [
...     {"key": "climate.precipitation", "region": "t1", "value": 1200, "unit": "mm"}],
...     extends="cn-rcees", rows_extra=flat_price_index(2001, 2021))

>>> with installed_plugin(Path("examples/plugins/gep-species-conservation"), tmp / "site"):
...     gep.Account.from_config(...)      # the plugin's services are registered
"""

from __future__ import annotations

import contextlib
import importlib
import shutil
import sys
import tomllib
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import pandas as pd

from .coefficients import COLUMNS, OPTIONAL_COLUMNS

__all__ = ["write_coefficient_set", "flat_price_index", "installed_plugin"]

_DEFAULTS = {"ecosystem": "*", "region": "*", "valid_from": 2000, "price_year": "", "source": "test",
             "locator": "tests", "status": "illustrative", "note": ""}


def write_coefficient_set(folder: str | Path, rows: Iterable[Mapping], *, set_id: str = "test-set",
                          extends: str | None = None, region: str = "*",
                          citation: str = "round numbers chosen for the gep test suite",
                          rows_extra: Iterable[Mapping] = ()) -> Path:
    """Write a coefficient set folder (``manifest.toml`` + ``values.csv``) and return it.

    Each row is a mapping with at least ``key``, ``value`` and ``unit``; the other
    columns default to ``*`` / ``test`` / ``illustrative`` (every row of such a set
    is illustrative, and says so). All rows cite one source, ``test``. Optional
    columns (``low, high, distribution`` …) are written when a row has them.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'id = "{set_id}"', 'title = { zh = "测试系数", en = "test coefficients" }', f'region = "{region}"']
    if extends:
        lines.append(f'extends = "{extends}"')
    lines += ['version = "1"', 'currency = "CNY"', "", "[sources.test]", f'citation = "{citation}"', ""]
    (folder / "manifest.toml").write_text("\n".join(lines), encoding="utf-8")
    records = [{**_DEFAULTS, **dict(r)} for r in list(rows) + list(rows_extra)]
    optional = [c for c in OPTIONAL_COLUMNS if any(c in r for r in records)]  # e.g. a range: low, high, distribution
    pd.DataFrame(records, columns=COLUMNS + optional).to_csv(folder / "values.csv", index=False)
    return folder


def flat_price_index(first: int, last: int) -> list[dict]:
    """``price_index.cpi`` rows of 100 % from ``first`` to ``last``: prices enter unchanged whatever their year."""
    return [{"key": "price_index.cpi", "valid_from": y, "value": 100, "unit": "%"} for y in range(first, last + 1)]


@contextlib.contextmanager
def installed_plugin(project: str | Path, site: str | Path) -> Iterator[list[str]]:
    """A plugin project "installed" for the duration of a ``with`` block, without pip.

    Copies the project's packages into ``site`` with a ``<name>.dist-info``
    folder holding ``METADATA`` and the ``entry_points.txt`` of its
    ``pyproject.toml`` -- what ``pip install`` would write -- puts ``site`` on
    ``sys.path`` and loads the ``gep.services`` entry points. On exit the
    plugins' services and keys are unregistered and ``site`` leaves
    ``sys.path``. Yields the names of the plugins loaded.
    """
    from .services.plugins import ENTRY_POINT_GROUP, load_plugins, loaded_plugins, unload_plugin

    project, site = Path(project), Path(site)
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    packages = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8")).get("tool", {}).get(
        "setuptools", {}).get("packages", [])
    site.mkdir(parents=True, exist_ok=True)
    for pkg in packages:
        shutil.copytree(project / pkg, site / pkg, dirs_exist_ok=True)
    dist = site / f"{meta['name'].replace('-', '_')}-{meta['version']}.dist-info"
    dist.mkdir(exist_ok=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n",
                                   encoding="utf-8")
    eps = meta.get("entry-points", {}).get(ENTRY_POINT_GROUP, {})
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()), encoding="utf-8")
    sys.path.insert(0, str(site))
    importlib.invalidate_caches()
    before = set(loaded_plugins())
    try:
        yield load_plugins()
    finally:
        for name in set(loaded_plugins()) - before:
            unload_plugin(name)
        if str(site) in sys.path:
            sys.path.remove(str(site))
        for pkg in packages:
            for mod in [m for m in sys.modules if m == pkg or m.startswith(pkg + ".")]:
                del sys.modules[mod]
        importlib.invalidate_caches()

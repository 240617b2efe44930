"""The files an account config reads, and the rule that keeps them inside the config's folder.

Counties pass configs to each other. A config is data, not a program: it may
name its own tables (``regions = "regions.csv"``, ``rasters/land_use.tif``,
a coefficient folder next to it) but not ``../../../etc/passwd`` or
``/home/someone/secret.xlsx``. Every input path of a config loaded from a file
must resolve -- after following symbolic links -- inside the config's folder,
unless the config says ``[account] allow_outside_paths = true`` (for a county
that keeps its rasters on a shared drive, say). Shipped coefficient sets and
schemes named by id are not paths and are always allowed.

:func:`input_paths` lists every path a config names (also used to keep
``--out`` away from the inputs); :func:`outside_paths` gives a problem for each
one outside the folder, quoting the config key and the value as written --
never anything read from the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from ..errors import ConfigError, Problem, problem
from ..io.spatial import CONTROL_KEYS
from ..io.tables import split_sheet

__all__ = ["input_paths", "outside_paths", "confine", "RASTER_CONTROL_KEYS"]

#: keys of [rasters] that are settings, not files
RASTER_CONTROL_KEYS = CONTROL_KEYS - {"land_use", "zones", "zone_ids"}


def _coefficient_path(spec: Any, base: Path) -> bool:
    """Whether a coefficient spec names a folder (else it is a shipped set id)."""
    if not isinstance(spec, str) or not spec.strip():
        return False
    p = Path(spec)
    return p.is_absolute() or "/" in spec or "\\" in spec or spec.startswith(".") or (base / p).is_dir()


def input_paths(cfg: Mapping, base: str | Path) -> list[tuple[str, str, Path]]:
    """Every file or folder a config reads: ``(config key, value as written, path)``.

    Relative values are joined to ``base`` (the config's folder); values that
    are not text (in-memory tables) and ids (shipped coefficient sets and
    schemes) are left out. ``{year}`` placeholders are kept as written.
    """
    base = Path(base)
    out: list[tuple[str, str, Path]] = []

    def add(column: str, value: Any) -> None:
        if isinstance(value, str) and value.strip():
            p, _ = split_sheet(value)  # "book.xlsx#sheet" names the workbook
            out.append((column, value, p if p.is_absolute() else base / p))

    def section(name: str) -> Mapping:
        body = cfg.get(name)
        return body if isinstance(body, Mapping) else {}

    plugins = section("account").get("plugins")
    for spec in plugins if isinstance(plugins, list) else []:
        if isinstance(spec, str) and spec.strip().endswith(".py"):  # a module name is not a path
            add("account.plugins", spec.strip())
    coef = section("account").get("coefficients")
    for spec in coef if isinstance(coef, list) else [coef]:
        if _coefficient_path(spec, base):
            add("account.coefficients", spec)

    def add_inputs(prefix: str, body: Mapping) -> None:
        for key, value in body.items():
            if key == "scheme" and not (isinstance(value, str) and value.lower().endswith(".csv")):
                continue
            add(f"{prefix}.{key}", value)

    add_inputs("inputs", section("inputs"))
    for year, body in section("years").items():
        if isinstance(body, Mapping):
            add_inputs(f"years.{year}", body)
    for key, value in section("rasters").items():
        if key not in RASTER_CONTROL_KEYS:
            add(f"rasters.{key}", value)
    vt = section("value_transfer")
    add("value_transfer.adjustment", vt.get("adjustment"))
    ev = vt.get("equivalent_value")
    if isinstance(ev, Mapping):
        add("value_transfer.equivalent_value.grain", ev.get("grain"))
    return out


def _outside_problem(column: str, value: str, file: str) -> Problem:
    return problem(
        "input_outside_folder", f"输入路径 {value!r} 位于配置文件所在文件夹之外",
        f"the input path {value!r} is outside the config's folder", file=file, column=column, value=value,
        hint_zh="把该文件放到配置文件所在文件夹（或其子文件夹）中；若信任此配置，可在 [account] 中设置 allow_outside_paths = true",
        hint_en="put the file in the config's folder (or a folder below it); if you trust this config, set "
                "allow_outside_paths = true in [account]")


def _inside(path: Path, root: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(root)


def outside_paths(cfg: Mapping, base: str | Path, file: str = "config") -> list[Problem]:
    """A problem for every input path of ``cfg`` that resolves outside ``base`` (after symbolic links)."""
    root = Path(os.path.realpath(base))
    return [_outside_problem(column, value, file) for column, value, path in input_paths(cfg, base)
            if not _inside(path, root)]


def confine(path: str | Path, base: str | Path, *, value: Any = None, column: str | None = None,
            file: str = "config") -> Path:
    """``path`` itself when it resolves inside ``base``; else :class:`~gep.errors.ConfigError`."""
    path = Path(path)
    if not _inside(path, Path(os.path.realpath(base))):
        raise ConfigError(_outside_problem(column or "inputs", str(value if value is not None else path), file))
    return path

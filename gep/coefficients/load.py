"""Loading coefficient sets: shipped ones by id, county folders by path, with their ``extends`` chain."""

from __future__ import annotations

import threading
import tomllib
from importlib import resources
from pathlib import Path

import pandas as pd

from ..errors import (
    CoefficientError,
    InputFileError,
    Problem,
    problem,
)
from ..io.filecache import clear_digests, file_digest
from . import keys as _keys
from .rows import MANIFEST_KEYS, _empty_table, _merge, _read_table, check_rows
from .sets import CoefficientSet

__all__ = ["load_coefficients", "shipped_sets", "check_set"]


def _shipped_root() -> Path:
    """Folder holding the shipped sets (inside the wheel, or the source tree)."""
    inside = Path(str(resources.files("gep"))) / "_coefficients"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / "coefficients"


def shipped_sets() -> dict[str, Path]:
    """Ids of the shipped coefficient sets mapped to their folders."""
    root = _shipped_root()
    return {
        p.name: p
        for p in sorted(root.iterdir())
        if p.is_dir() and (p / "manifest.toml").is_file()
    }



def load_coefficients(name: str | None = None, *, path: str | Path | None = None) -> CoefficientSet:
    """Load a shipped set by ``name`` or a set folder by ``path`` (not both).

    A folder whose manifest ``extends`` another set inherits its rows; its own
    rows override on (key, ecosystem, region, valid_from). ``name`` may also be
    a path to a folder, for convenience.

    Raises
    ------
    CoefficientError
        Listing every problem in the set (see :func:`check_set`).
    """
    if name is not None and path is not None:
        raise ValueError("give either name or path, not both")
    if name is None and path is None:
        raise ValueError("give a shipped set name or a path")
    cset = _load(name=name, path=path, seen=())
    if cset.problems:
        raise CoefficientError(list(cset.problems))
    return cset


def check_set(name_or_path: str | Path) -> list[Problem]:
    """Every problem in a coefficient set (empty list when it is clean)."""
    try:
        p = Path(name_or_path)
        cset = _load(name=None, path=p, seen=()) if p.is_dir() else _load(name=str(name_or_path), path=None, seen=())
    except CoefficientError as exc:
        return exc.problems
    except InputFileError as exc:
        return exc.problems
    return list(cset.problems)


def _locate(name: str | None, path: str | Path | None, relative_to: Path | None = None) -> Path:
    if path is not None:
        p = Path(path)
        if relative_to is not None and not p.is_absolute():
            p = (relative_to / p).resolve()
        return p
    shipped = shipped_sets()
    if name in shipped:
        return shipped[name]
    candidate = Path(name)
    if relative_to is not None and not candidate.is_absolute():
        candidate = relative_to / candidate
    if candidate.is_dir() and (candidate / "manifest.toml").is_file():
        return candidate.resolve()
    raise CoefficientError(
        problem(
            "unknown_coefficient_set",
            f"找不到系数集 {name!r}；已内置：{', '.join(shipped)}",
            f"unknown coefficient set {name!r}; shipped sets: {', '.join(shipped)}",
            value=name,
            hint_zh="使用 `gep coefficients list` 查看内置系数集，或给出系数集文件夹路径",
            hint_en="run `gep coefficients list`, or give the path of a set folder",
        )
    )


# ------------------------------------------------------------------ the cache of loaded sets
#: folder -> (stamps of the folders read, the set loaded from them); see :func:`_load`
_CACHE: dict[tuple[Path, tuple[str, ...]], tuple[tuple, CoefficientSet]] = {}
_CACHE_LOCK = threading.Lock()
#: sets kept at most (a screening of every county reads the same few)
CACHE_SIZE = 64


def _stamp(folder: Path) -> tuple:
    """What a set folder holds: the name and SHA-256 of its manifest and of each CSV table.

    A set is read again whenever this changes, so a cached set is never stale: an edit
    that keeps a file's size and modification time still changes its hash
    (:func:`gep.io.filecache.file_digest` hashes again any file that changed, or might have, since).
    """
    return tuple((f.name, file_digest(f)) for f in [folder / "manifest.toml"] + sorted(folder.glob("*.csv")))


def clear_cache() -> None:
    """Forget every loaded set (the next load reads the files again)."""
    with _CACHE_LOCK:
        _CACHE.clear()
    clear_digests()


def _load(name, path, seen: tuple[str, ...]) -> CoefficientSet:
    """A set and the sets it extends, read once per content (:func:`_stamp`) and shared afterwards.

    The cached set is valid while every folder of its ``extends`` chain holds the
    same files and the declared coefficient keys are the same (a plugin may declare
    keys, which changes what the rows' check finds). A loaded set is shared between
    accounts, so it is never changed in place: :meth:`CoefficientSet.override` and
    :meth:`~CoefficientSet.with_value` return new sets.
    """
    return _load_with_folders(name, path, seen)[0]


def _load_with_folders(name, path, seen: tuple[str, ...]) -> tuple[CoefficientSet, tuple]:
    """:func:`_load`, and the ``(folder, stamp)`` of every folder of the chain it read."""
    folder = _locate(name, path)
    declared = tuple(sorted(_keys._DECLARED_BY.items()))
    cache_key = (folder.resolve(), seen)
    with _CACHE_LOCK:
        hit = _CACHE.get(cache_key)
    if hit is not None:
        keys_then, folders, cset = hit
        if keys_then == declared and all(_stamp(f) == st for f, st in folders):
            return cset, folders
    before = _stamp(folder)
    cset, folders = _load_uncached(folder, seen)
    if before == folders[0][1]:  # nothing changed while it was read: keep it
        with _CACHE_LOCK:
            if len(_CACHE) >= CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[cache_key] = (declared, folders, cset)
    return cset, folders


def _load_uncached(folder: Path, seen: tuple[str, ...]) -> tuple[CoefficientSet, tuple]:
    """Read and check one set folder (its parent through :func:`_load_with_folders`)."""
    manifest_path = folder / "manifest.toml"
    if not manifest_path.is_file():
        raise CoefficientError(problem(
            "missing_manifest", f"{folder} 中没有 manifest.toml", f"{folder} has no manifest.toml",
            file=str(folder), hint_en="a coefficient set is a folder with manifest.toml and CSV tables",
            hint_zh="系数集是一个包含 manifest.toml 和 CSV 表的文件夹"))
    try:
        with open(manifest_path, "rb") as fh:
            manifest = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CoefficientError(problem(
            "bad_manifest", f"manifest.toml 无法解析：{exc}", f"manifest.toml does not parse: {exc}",
            file=str(manifest_path))) from None
    problems: list[Problem] = []
    for k in manifest:
        if k not in MANIFEST_KEYS:
            problems.append(problem(
                "unknown_manifest_key", f"manifest.toml 中有未知键 {k!r}", f"unknown key {k!r} in manifest.toml",
                file=str(manifest_path), value=k, hint_en=f"allowed keys: {', '.join(sorted(MANIFEST_KEYS))}",
                hint_zh=f"允许的键：{', '.join(sorted(MANIFEST_KEYS))}"))
    set_id = str(manifest.get("id", folder.name))
    if set_id in seen:
        raise CoefficientError(problem(
            "extends_cycle", f"系数集继承形成循环：{' -> '.join(seen + (set_id,))}",
            f"coefficient sets extend each other in a cycle: {' -> '.join(seen + (set_id,))}",
            file=str(manifest_path)))
    parent, parent_folders = None, ()
    if manifest.get("extends"):
        ext = manifest["extends"]
        parent_path = None
        if "/" in ext or ext.startswith("."):
            parent_path = (folder / ext).resolve()
        parent, parent_folders = _load_with_folders(name=None if parent_path else ext, path=parent_path,
                                                    seen=seen + (set_id,))
        problems += parent.problems
    sources = dict(parent.sources) if parent else {}
    own_sources = manifest.get("sources", {})
    for sid, rec in own_sources.items():
        if not isinstance(rec, dict) or not (rec.get("citation") or rec.get("title")):
            problems.append(problem(
                "source_without_citation", f"来源 {sid} 缺少 citation", f"source {sid} has no citation",
                file=str(manifest_path), value=sid,
                hint_en="give each [sources.<id>] a full citation", hint_zh="为每个 [sources.<id>] 写出完整引用"))
    sources.update(own_sources)
    strict = manifest.get("strict_valid_from", [])
    if not isinstance(strict, list) or not all(isinstance(k, str) for k in strict):
        problems.append(problem(
            "bad_manifest", "strict_valid_from 应为系数键（可含 *）的列表", "strict_valid_from must be a list of coefficient keys (patterns allowed)",
            file=str(manifest_path), value=str(strict)))
        strict = []

    frames = []
    for csv in sorted(folder.glob("*.csv")):
        frame, file_problems = _read_table(csv, set_id)
        problems += file_problems
        if frame is not None:
            frames.append(frame)
    own = pd.concat(frames, ignore_index=True) if frames else _empty_table()
    problems += check_rows(own, sources)
    table = _merge(parent.table, own) if parent is not None else own
    cset = CoefficientSet(
        id=set_id,
        manifest=manifest,
        table=table.reset_index(drop=True),
        sources=sources,
        chain=[set_id] + (parent.chain if parent else []),
        path=folder,
        problems=problems,
        strict_valid_from=tuple(strict) + (parent.strict_valid_from if parent else ()),
    )
    # the folders this set was read from, with what they held: the cache checks them all
    return cset, ((folder, _stamp(folder)),) + tuple(parent_folders)



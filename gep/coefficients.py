"""Coefficient sets: load, extend, check, resolve and diff.

A coefficient set is a folder (DESIGN.md §3.2)::

    my-set/
      manifest.toml      id, title {zh,en}, region, extends, version, checked_on,
                         currency, [sources.<id>] with full citations
      *.csv              long tables, one value per row

Every row of every table carries ``key, ecosystem, region, valid_from, value,
unit, price_year, source, locator, status, note`` (``low, high, distribution``
optional). ``status`` is one of :data:`STATUSES`. A monetary row must have a
``price_year``; every row must name a ``source`` declared in the manifest of its
set (or of a set it extends).

Resolution (:meth:`CoefficientSet.resolve`): the most specific region first
(township → county → prefecture → province → ``*``), then the latest
``valid_from`` not after the account year. Each resolution is returned with the
row it came from, so the account can put it in its provenance table.
"""

from __future__ import annotations

import fnmatch
import hashlib
import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from .errors import (
    CoefficientError,
    InputFileError,
    MissingCoefficient,
    Problem,
    csv_row,
    problem,
)
from .units import is_dimension, parse_unit

__all__ = [
    "CoefficientSet",
    "Resolved",
    "load_coefficients",
    "shipped_sets",
    "coefficient_keys",
    "diff_sets",
    "COLUMNS",
    "STATUSES",
]

COLUMNS = [
    "key",
    "ecosystem",
    "region",
    "valid_from",
    "value",
    "unit",
    "price_year",
    "source",
    "locator",
    "status",
    "note",
]
OPTIONAL_COLUMNS = ["low", "high", "distribution"]
STATUSES = ("official", "literature", "local_survey", "estimated", "illustrative", "unverified")
MANIFEST_KEYS = {
    "id",
    "title",
    "description",
    "region",
    "extends",
    "version",
    "checked_on",
    "currency",
    "sources",
    "status_note",
}


def _shipped_root() -> Path:
    """Folder holding the shipped sets (inside the wheel, or the source tree)."""
    inside = Path(str(resources.files("gep"))) / "_coefficients"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parent.parent / "coefficients"


def shipped_sets() -> dict[str, Path]:
    """Ids of the shipped coefficient sets mapped to their folders."""
    root = _shipped_root()
    return {
        p.name: p
        for p in sorted(root.iterdir())
        if p.is_dir() and (p / "manifest.toml").is_file()
    }


# --------------------------------------------------------------------- keys
@dataclass(frozen=True)
class KeySpec:
    """Declaration of one coefficient key (``gep/data/keys/*.toml``)."""

    key: str
    zh: str
    en: str
    dimensionality: str
    unit: str
    indexed_by: tuple[str, ...] = ()

    @property
    def monetary(self) -> bool:
        return "[currency]" in self.dimensionality


def _load_keys() -> dict[str, KeySpec]:
    raw: dict = {}
    for path in sorted((Path(__file__).parent / "data" / "keys").glob("*.toml")):
        with open(path, "rb") as fh:
            part = tomllib.load(fh)
        clash = set(part) & set(raw)
        if clash:
            raise RuntimeError(f"coefficient keys declared twice ({path.name}): {sorted(clash)}")
        raw.update(part)
    out = {}
    for key, spec in raw.items():
        out[key] = KeySpec(
            key=key,
            zh=spec["zh"],
            en=spec["en"],
            dimensionality=spec.get("dimensionality", ""),
            unit=spec["unit"],
            indexed_by=tuple(spec.get("indexed_by", ())),
        )
    return out


_KEYS: dict[str, KeySpec] | None = None


def coefficient_keys() -> dict[str, KeySpec]:
    """All declared coefficient keys (patterns with ``*`` allowed)."""
    global _KEYS
    if _KEYS is None:
        _KEYS = _load_keys()
    return _KEYS


def key_spec(key: str) -> KeySpec | None:
    """The declaration matching ``key`` (exact first, then ``*`` patterns)."""
    keys = coefficient_keys()
    if key in keys:
        return keys[key]
    for pattern, spec in keys.items():
        if "*" in pattern and fnmatch.fnmatchcase(key, pattern):
            return spec
    return None


# ---------------------------------------------------------------- resolution
@dataclass(frozen=True)
class Resolved:
    """A coefficient value resolved for one (key, ecosystem, region, year)."""

    key: str
    ecosystem: str
    region: str
    year: int
    value: float
    unit: str
    price_year: int | None
    source: str
    locator: str
    status: str
    set_id: str
    row: int
    file: str
    low: float | None = None
    high: float | None = None
    distribution: str | None = None

    def to(self, unit: str) -> float:
        """The value converted to ``unit``."""
        q = parse_unit(self.unit) * self.value
        target = parse_unit(unit)
        return float(q.to(target.units).magnitude / target.magnitude)

    def trace(self, **extra) -> dict:
        """Provenance record of this resolution."""
        d = {
            "key": self.key,
            "ecosystem": self.ecosystem,
            "region": self.region,
            "year": self.year,
            "value": self.value,
            "unit": self.unit,
            "price_year": self.price_year,
            "source": self.source,
            "locator": self.locator,
            "status": self.status,
            "set": self.set_id,
            "file": f"{self.set_id}/{Path(self.file).name}" if self.file.startswith("/") else self.file,
            "row": self.row,
        }
        d.update(extra)
        return d


@dataclass
class CoefficientSet:
    """A loaded coefficient set, with the rows of every set it extends.

    Attributes
    ----------
    id : str
    manifest : dict
    table : pandas.DataFrame
        All rows in effect (overrides applied), with ``_set``, ``_file`` and
        ``_row`` columns saying where each came from.
    sources : dict
        Source id -> citation record, merged along ``extends``.
    chain : list of str
        This set's id followed by the ids of the sets it extends.
    """

    id: str
    manifest: dict
    table: pd.DataFrame
    sources: dict
    chain: list[str]
    path: Path | None = None
    problems: list[Problem] = field(default_factory=list)

    # ---------------------------------------------------------- identity
    @property
    def title(self) -> dict:
        return self.manifest.get("title", {"zh": self.id, "en": self.id})

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", ""))

    @property
    def sha256(self) -> str:
        """Content hash of the rows in effect and of the sources (order-free)."""
        cols = COLUMNS + [c for c in OPTIONAL_COLUMNS if c in self.table]
        frame = self.table[cols].astype(str).sort_values(cols).to_csv(index=False)
        src = repr(sorted((k, sorted(v.items()) if isinstance(v, dict) else v) for k, v in self.sources.items()))
        return hashlib.sha256((frame + src).encode("utf-8")).hexdigest()

    # --------------------------------------------------------- resolution
    def resolve(
        self,
        key: str,
        *,
        ecosystem: str = "*",
        regions: Sequence[str] = ("*",),
        year: int,
    ) -> Resolved:
        """Resolve one coefficient.

        Parameters
        ----------
        key : str
            Coefficient key, e.g. ``"price.water_storage"``.
        ecosystem : str
            Ecosystem type id, or ``"*"`` for a value that applies to all.
            A row for the exact ecosystem wins over a ``*`` row.
        regions : sequence of str
            Region codes from most to least specific; ``"*"`` is appended if
            absent.
        year : int
            Account year; the latest row with ``valid_from <= year`` is taken.

        Raises
        ------
        MissingCoefficient
            If no row matches; the message names key, ecosystem, regions, year.
        """
        regions = list(regions) + (["*"] if "*" not in regions else [])
        index = self._index
        for eco in (ecosystem, "*") if ecosystem != "*" else ("*",):
            for reg in regions:
                candidates = index.get((key, eco, str(reg)))
                if not candidates:
                    continue
                valid = [c for c in candidates if c[0] <= year]
                if valid:
                    return self._resolved(self._records[valid[-1][1]], key, ecosystem, year)
        raise MissingCoefficient(
            problem(
                "missing_coefficient",
                f"系数集 {self.id} 中没有系数 {key}（生态系统 {ecosystem}，地区 {regions[:-1] or ['*']}，"
                f"年份 ≤ {year}）",
                f"coefficient set {self.id} has no value for {key} (ecosystem {ecosystem}, "
                f"regions {regions[:-1] or ['*']}, valid in {year})",
                value=key,
                hint_zh="在县级系数集中补充该行（注明来源），或更换系数集",
                hint_en="add the row (with its source) to a county set that extends this one, or choose another set",
            )
        )

    def has(self, key: str, ecosystem: str = "*") -> bool:
        rows = self._by_key.get(key)
        if rows is None:
            return False
        return bool(((rows["ecosystem"] == ecosystem) | (rows["ecosystem"] == "*")).any())

    def ecosystems_for(self, key: str) -> list[str]:
        rows = self._by_key.get(key)
        return [] if rows is None else sorted(set(rows["ecosystem"]) - {"*"})

    def keys(self) -> list[str]:
        return sorted(self._by_key)

    def _resolved(self, r: dict, key: str, ecosystem: str, year: int) -> Resolved:
        def opt(name):
            v = r.get(name)
            return None if v is None or (isinstance(v, float) and math.isnan(v)) or v == "" else v

        py = opt("price_year")
        return Resolved(
            key=key,
            ecosystem=ecosystem,
            region=str(r["region"]),
            year=year,
            value=float(r["value"]),
            unit=str(r["unit"]),
            price_year=None if py is None else int(float(py)),
            source=str(r["source"]),
            locator=str(opt("locator") or ""),
            status=str(r["status"]),
            set_id=str(r["_set"]),
            row=int(r["_row"]),
            file=str(r["_file"]),
            low=None if opt("low") is None else float(opt("low")),
            high=None if opt("high") is None else float(opt("high")),
            distribution=opt("distribution"),
        )

    @property
    def _by_key(self) -> dict[str, pd.DataFrame]:
        cache = self.__dict__.get("_cache")
        if cache is None:
            cache = {k: g for k, g in self.table.groupby("key", sort=False)}
            self.__dict__["_cache"] = cache
        return cache

    @property
    def _records(self) -> list[dict]:
        recs = self.__dict__.get("_recs")
        if recs is None:
            recs = self.table.to_dict("records")
            self.__dict__["_recs"] = recs
        return recs

    @property
    def _index(self) -> dict[tuple[str, str, str], list[tuple[float, int]]]:
        """(key, ecosystem, region) -> [(valid_from, record position)] sorted by valid_from."""
        idx = self.__dict__.get("_idx")
        if idx is None:
            idx = {}
            for pos, r in enumerate(self._records):
                idx.setdefault((r["key"], r["ecosystem"], str(r["region"])), []).append((r["valid_from"], pos))
            for v in idx.values():
                v.sort()
            self.__dict__["_idx"] = idx
        return idx

    # ----------------------------------------------------------- overlays
    def override(self, rows: pd.DataFrame | str | Path, *, set_id: str | None = None) -> "CoefficientSet":
        """A new set with ``rows`` replacing rows on (key, ecosystem, region, valid_from).

        ``rows`` is a DataFrame with the standard columns, or a CSV path. The
        original set is not modified. Rows are checked like any table.
        """
        name = set_id or f"{self.id}+override"
        if not isinstance(rows, pd.DataFrame):
            frame, problems = _read_table(Path(rows), name)
        else:
            frame = rows.copy()
            for col in COLUMNS:
                if col not in frame:
                    frame[col] = "" if col not in ("valid_from", "value") else None
            frame["_set"], frame["_file"], frame["_row"] = name, "<DataFrame>", [csv_row(i) for i in range(len(frame))]
            frame = _coerce(frame)
            problems = []
        problems += check_rows(frame, self.sources)
        if problems:
            raise CoefficientError(problems)
        table = _merge(self.table, frame)
        return CoefficientSet(
            id=name,
            manifest={**self.manifest, "id": name, "extends": self.id},
            table=table,
            sources=dict(self.sources),
            chain=[name] + self.chain,
            path=None,
        )

    def with_value(self, key: str, value: float, *, unit: str | None = None, ecosystem: str = "*",
                   region: str = "*", valid_from: int = 0, source: str | None = None,
                   status: str = "estimated", note: str = "") -> "CoefficientSet":
        """A new set in which one value is replaced (a quick what-if).

        Every other column is copied from the row being replaced, so the new row
        keeps its unit and price year; ``status`` defaults to ``estimated`` and
        ``note`` records the change.
        """
        base = self.table[(self.table["key"] == key) & (self.table["ecosystem"] == ecosystem)]
        if base.empty:
            raise MissingCoefficient(problem(
                "missing_coefficient", f"没有可替换的系数 {key}/{ecosystem}",
                f"no row {key}/{ecosystem} to replace", value=key))
        row = base.sort_values("valid_from").iloc[-1].to_dict()
        row.update(value=float(value), status=status, note=note or f"what-if: replaced {row['value']}",
                   locator=f"what-if (was {row['value']} at {row.get('locator', '')})")
        if unit:
            row["unit"] = unit
        if source:
            row["source"] = source
        if region != "*":
            row["region"] = region
        if valid_from:
            row["valid_from"] = valid_from
        frame = pd.DataFrame([{c: row.get(c) for c in COLUMNS + OPTIONAL_COLUMNS if c in row}])
        return self.override(frame, set_id=f"{self.id}+what-if")

    def used_sources(self) -> dict:
        return {s: self.sources.get(s, {}) for s in sorted(set(self.table["source"]))}

    def to_frame(self) -> pd.DataFrame:
        """The rows in effect, with the set each came from."""
        cols = COLUMNS + [c for c in OPTIONAL_COLUMNS if c in self.table] + ["_set", "_file", "_row"]
        return self.table[cols].rename(columns={"_set": "set", "_file": "file", "_row": "row"}).reset_index(drop=True)


# ------------------------------------------------------------------ loading
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
        raise CoefficientError(cset.problems)
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
    return cset.problems


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


def _load(name, path, seen: tuple[str, ...]) -> CoefficientSet:
    folder = _locate(name, path)
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
    parent = None
    if manifest.get("extends"):
        ext = manifest["extends"]
        parent_path = None
        if "/" in ext or ext.startswith("."):
            parent_path = (folder / ext).resolve()
        parent = _load(name=None if parent_path else ext, path=parent_path, seen=seen + (set_id,))
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

    frames = []
    for csv in sorted(folder.glob("*.csv")):
        frame, file_problems = _read_table(csv, set_id)
        problems += file_problems
        if frame is not None:
            frames.append(frame)
    own = pd.concat(frames, ignore_index=True) if frames else _empty_table()
    problems += check_rows(own, sources)
    table = _merge(parent.table, own) if parent is not None else own
    return CoefficientSet(
        id=set_id,
        manifest=manifest,
        table=table.reset_index(drop=True),
        sources=sources,
        chain=[set_id] + (parent.chain if parent else []),
        path=folder,
        problems=problems,
    )


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS + ["_set", "_file", "_row"]})


def _read_table(csv: Path, set_id: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    from .io.tables import read_csv_checked

    try:
        frame = read_csv_checked(csv, required=COLUMNS, dtype=str)
    except InputFileError as exc:
        return None, exc.problems
    frame = frame.fillna("")
    frame["_set"] = set_id
    frame["_file"] = str(csv)
    frame["_row"] = [csv_row(i) for i in range(len(frame))]
    return _coerce(frame), []


def _coerce(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in ("key", "ecosystem", "region", "unit", "source", "locator", "status", "note"):
        frame[col] = frame[col].fillna("").astype(str).str.strip()
    frame["ecosystem"] = frame["ecosystem"].replace("", "*")
    frame["region"] = frame["region"].replace("", "*")
    frame["_value_raw"] = frame["value"].astype(str)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    vf = pd.to_numeric(frame["valid_from"].replace("", "0"), errors="coerce")
    frame["_valid_from_raw"] = frame["valid_from"].astype(str)
    frame["valid_from"] = vf
    frame["_price_year_raw"] = frame["price_year"].astype(str)
    frame["price_year"] = pd.to_numeric(frame["price_year"].replace("", None), errors="coerce")
    for col in ("low", "high"):
        if col in frame:
            frame[col] = pd.to_numeric(frame[col].replace("", None), errors="coerce")
    return frame


def check_rows(frame: pd.DataFrame, sources: dict) -> list[Problem]:
    """Row-level checks of a coefficient table (see module docstring)."""
    problems: list[Problem] = []
    for _, r in frame.iterrows():
        where = dict(file=r["_file"], row=int(r["_row"]))
        key = r["key"]
        if not key:
            problems.append(problem("empty_key", "key 为空", "empty key", column="key", **where))
            continue
        spec = key_spec(key)
        if spec is None:
            problems.append(problem(
                "unknown_coefficient_key", f"未声明的系数键 {key!r}", f"undeclared coefficient key {key!r}",
                column="key", value=key, **where,
                hint_en="use a key listed by `gep coefficients keys`", hint_zh="使用 `gep coefficients keys` 列出的键"))
        if pd.isna(r["value"]):
            problems.append(problem(
                "bad_value", f"值 {r['_value_raw']!r} 不是数字", f"value {r['_value_raw']!r} is not a number",
                column="value", value=r["_value_raw"], **where))
        if pd.isna(r["valid_from"]):
            problems.append(problem(
                "bad_valid_from", f"valid_from {r['_valid_from_raw']!r} 不是年份",
                f"valid_from {r['_valid_from_raw']!r} is not a year", column="valid_from", **where))
        unit = r["unit"]
        try:
            parse_unit(unit if unit else "1")
            if spec is not None and not is_dimension(unit or "1", spec.dimensionality):
                problems.append(problem(
                    "wrong_unit_dimension", f"单位 {unit!r} 与系数 {key} 的量纲不符（应如 {spec.unit}）",
                    f"unit {unit!r} does not measure what {key} needs (expected {spec.dimensionality or 'dimensionless'}, e.g. {spec.unit})",
                    column="unit", value=unit, **where))
        except ValueError as exc:
            problems.append(problem("bad_unit", f"单位无法解析：{exc}", f"unit does not parse: {exc}",
                                    column="unit", value=unit, **where))
        if not r["source"]:
            problems.append(problem(
                "row_without_source", "该行缺少来源 source", "row has no source", column="source", **where,
                hint_en="every value must name a source declared in manifest.toml",
                hint_zh="每个数值都必须注明 manifest.toml 中声明的来源"))
        elif r["source"] not in sources:
            problems.append(problem(
                "unknown_source", f"来源 {r['source']!r} 未在 manifest.toml 的 [sources] 中声明",
                f"source {r['source']!r} is not declared under [sources] in manifest.toml",
                column="source", value=r["source"], **where))
        if r["status"] not in STATUSES:
            problems.append(problem(
                "bad_status", f"status {r['status']!r} 无效，应为 {', '.join(STATUSES)}",
                f"status {r['status']!r} is not one of {', '.join(STATUSES)}", column="status",
                value=r["status"], **where))
        if spec is not None and spec.monetary and pd.isna(r["price_year"]):
            problems.append(problem(
                "missing_price_year", f"货币系数 {key} 缺少价格年份 price_year",
                f"monetary coefficient {key} has no price_year", column="price_year", **where,
                hint_en="give the year whose prices the value is in", hint_zh="填写该价格所属的年份"))
    dup_cols = ["key", "ecosystem", "region", "valid_from"]
    dups = frame[frame.duplicated(dup_cols, keep=False)]
    for _, group in dups.groupby(dup_cols, dropna=False):
        rows = ", ".join(str(x) for x in group["_row"])
        first = group.iloc[0]
        problems.append(problem(
            "duplicate_coefficient_rows",
            f"重复的系数行 {tuple(first[c] for c in dup_cols)}（第 {rows} 行）",
            f"duplicate coefficient rows for {tuple(first[c] for c in dup_cols)} (rows {rows})",
            file=first["_file"], row=int(group.iloc[1]["_row"]),
            hint_en="keep one row per key/ecosystem/region/valid_from", hint_zh="每个键/生态系统/地区/起始年份只保留一行"))
    return problems


def _merge(parent: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    if own.empty:
        return parent.copy()
    ident = ["key", "ecosystem", "region", "valid_from"]
    own_keys = set(map(tuple, own[ident].astype(str).values))
    keep = [tuple(r) not in own_keys for r in parent[ident].astype(str).values]
    return pd.concat([parent[keep], own], ignore_index=True)


# --------------------------------------------------------------------- diff
def diff_sets(a: CoefficientSet, b: CoefficientSet) -> pd.DataFrame:
    """Rows that differ between two sets, on (key, ecosystem, region, valid_from).

    Returns a frame with ``change`` ∈ {added, removed, changed} and the values,
    units and sources on both sides.
    """
    ident = ["key", "ecosystem", "region", "valid_from"]
    cols = ident + ["value", "unit", "price_year", "source", "status"]
    left = a.table[cols].copy()
    right = b.table[cols].copy()
    m = left.merge(right, on=ident, how="outer", suffixes=("_a", "_b"), indicator=True)
    out = []
    for _, r in m.iterrows():
        if r["_merge"] == "left_only":
            change = "removed"
        elif r["_merge"] == "right_only":
            change = "added"
        else:
            same = all(
                (pd.isna(r[f"{c}_a"]) and pd.isna(r[f"{c}_b"])) or r[f"{c}_a"] == r[f"{c}_b"]
                for c in ("value", "unit", "price_year", "source", "status")
            )
            if same:
                continue
            change = "changed"
        rec = {c: r[c] for c in ident}
        rec["change"] = change
        for c in ("value", "unit", "price_year", "source", "status"):
            rec[f"{c}_a"] = r[f"{c}_a"]
            rec[f"{c}_b"] = r[f"{c}_b"]
        out.append(rec)
    cols_out = ident + ["change"] + [f"{c}_{s}" for c in ("value", "unit", "price_year", "source", "status") for s in "ab"]
    return pd.DataFrame(out, columns=cols_out).sort_values(ident).reset_index(drop=True)


def iter_rows(cset: CoefficientSet, key_prefix: str = "") -> Iterable[pd.Series]:
    t = cset.table
    if key_prefix:
        t = t[t["key"].str.startswith(key_prefix)]
    for _, r in t.iterrows():
        yield r

"""A coefficient set in memory: :class:`CoefficientSet`, resolution with provenance (:class:`Resolved`), diff.

Years before the first row. A dimensionless factor (an equivalent factor, a
photosynthesis ratio, a unit conversion) is not a price of its year: when no
row of its key is valid yet, the earliest row applies to the earlier year too.
So does a monetary row, which always has a price year: the account brings it
to its own price basis with the deflator (and a deflator without that year is
an error, never a silent 1.0). Rows with another dimension (rates, climate,
statistics) stay bound to ``valid_from``, and a set can keep any key bound by
listing it (patterns allowed) under ``strict_valid_from`` in its manifest. The
provenance of such a resolution says which ``valid_from`` it was taken from.
"""

from __future__ import annotations

import fnmatch
import hashlib
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from ..errors import (
    CoefficientError,
    MissingCoefficient,
    Problem,
    csv_row,
    problem,
)
from ..units import parse_unit
from .keys import key_spec
from .ranges import RANGE_COLUMNS, range_sources
from .rows import COLUMNS, OPTIONAL_COLUMNS, _coerce, _merge, _read_table, check_rows

__all__ = ["CoefficientSet", "Resolved", "diff_sets", "iter_rows"]


def _convert(value: float, src: str, dst: str) -> float:
    """``value`` in unit ``src`` converted to unit ``dst`` (pint)."""
    q = parse_unit(src) * value
    target = parse_unit(dst)
    return float(q.to(target.units).magnitude / target.magnitude)


@lru_cache(maxsize=4096)
def _converted(value_hex: str, src: str, dst: str) -> float:
    """:func:`_convert` of the float written ``value_hex`` (``float.hex``: its exact bits, so 0.0 and -0.0
    are two entries), remembered: a coefficient set's values are converted again by every account."""
    return _convert(float.fromhex(value_hex), src, dst)


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
    #: ``administered``: a fee schedule or tariff, the nominal price in force (never rebased)
    price_basis: str = ""
    valid_to: int | None = None
    #: ``valid_from`` of the row; later than ``year`` when a dimensionless or
    #: monetary row was applied to a year before its first row
    valid_from: int | None = None

    @property
    def before_valid_from(self) -> bool:
        """Whether the row was applied to a year before its ``valid_from``."""
        return self.valid_from is not None and self.valid_from > self.year

    def to(self, unit: str) -> float:
        """The value converted to ``unit``."""
        if type(self.value) is float:  # the same conversion of the same number is looked up, not redone by pint
            return _converted(self.value.hex(), self.unit, unit)
        return _convert(self.value, self.unit, unit)

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
            "valid_from": self.valid_from,
        }
        if self.before_valid_from:
            d["note"] = (f"row valid from {self.valid_from} applied to {self.year}: "
                         + ("a price, rebased from its price year" if self.price_year is not None
                            else "a dimensionless factor"))
        d.update(extra)
        return d


@dataclass
class CoefficientSet:
    """A loaded coefficient set, with the rows of every set it extends.

    A set is read-only: :func:`gep.load_coefficients` shares one set between the
    accounts that load it (until its files change), and its look-ups (index,
    content hash, price-index series) are computed once. :meth:`override` and
    :meth:`with_value` return new sets.

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
    #: key patterns whose ``valid_from`` binds in every year (manifest
    #: ``strict_valid_from`` of this set and of the sets it extends)
    strict_valid_from: tuple[str, ...] = ()

    def __copy__(self) -> "CoefficientSet":
        return self  # read-only: a copy would be the same set, without the look-ups computed for it

    def __deepcopy__(self, memo) -> "CoefficientSet":
        return self  # an account deep-copies its config, which may hold the set itself (Account.from_inputs)

    #: look-ups computed from ``table`` on first use, and again after unpickling
    _DERIVED = ("_cache", "_recs", "_idx", "_regions_for", "_derived")

    def __getstate__(self) -> dict:
        """The set without its look-ups: a set sent to another process (a second process's results, a dask
        worker) arrives as fast as its table does. The look-up by key alone is a hundred small tables,
        which took 57 ms to unpickle for the example's set; the receiver computes what it uses again."""
        return {k: v for k, v in self.__dict__.items() if k not in self._DERIVED}

    # ---------------------------------------------------------- identity
    @property
    def title(self) -> dict:
        return self.manifest.get("title", {"zh": self.id, "en": self.id})

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", ""))

    @property
    def sha256(self) -> str:
        """Content hash of the rows in effect and of the sources (order-free).

        What a deterministic account rests on: the range columns (``low, high,
        distribution, range_source, range_note``), which only an uncertainty run
        reads, and the sources only they name are in :attr:`ranges_sha256`.
        """
        digest = self.__dict__.get("_sha256")  # computed once per set (a set is read-only once loaded)
        if digest is None:
            cols = COLUMNS + [c for c in OPTIONAL_COLUMNS if c in self.table and c not in RANGE_COLUMNS]
            frame = self.table[cols].astype(str).sort_values(cols).to_csv(index=False)
            only_ranges = range_sources(self.table) - set(self.table["source"])
            src = repr(sorted((k, sorted(v.items()) if isinstance(v, dict) else v) for k, v in self.sources.items()
                              if k not in only_ranges))
            digest = self.__dict__["_sha256"] = hashlib.sha256((frame + src).encode("utf-8")).hexdigest()
        return digest

    @property
    def ranges_sha256(self) -> str:
        """Content hash of the rows' ranges and of the sources they name (order-free)."""
        ident = ["key", "ecosystem", "region", "valid_from"]
        cols = ident + [c for c in RANGE_COLUMNS if c in self.table]
        frame = self.table[cols].astype(str).sort_values(cols).to_csv(index=False)
        named = range_sources(self.table)
        src = repr(sorted((k, sorted(v.items()) if isinstance(v, dict) else v) for k, v in self.sources.items()
                          if k in named))
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
        ecos = (ecosystem, "*") if ecosystem != "*" else ("*",)
        first_rows, ended = [], []
        for eco in ecos:
            for reg in regions:
                candidates = index.get((key, eco, str(reg)))
                if not candidates:
                    continue
                valid = [c for c in candidates if c[0] <= year]
                if valid:
                    rec = self._records[valid[-1][1]]
                    end = rec.get("valid_to")
                    if end is not None and not (isinstance(end, float) and math.isnan(end)) and year > end:
                        ended.append((rec, int(end)))
                        continue  # the row stopped applying (an administered rate that was replaced)
                    return self._resolved(rec, key, ecosystem, year)
                first_rows.append(candidates[0])
        if ended:
            rec, end = ended[0]
            raise MissingCoefficient(problem(
                "coefficient_ended",
                f"系数集 {rec['_set']} 中 {key} 的值 {rec['value']:g} {rec['unit']} 只适用到 {end} 年（valid_to），"
                f"{year} 年已不再适用",
                f"in set {rec['_set']}, {key} = {rec['value']:g} {rec['unit']} applies until {end} (valid_to), not "
                f"in {year}", value=key,
                hint_zh=f"在县级系数集中补充 {year} 年适用的值（注明来源），如现行收费或税额标准",
                hint_en=f"add the value in force in {year} (with its source) to a county set, e.g. the current fee or "
                        f"tax schedule"))
        if first_rows and self.applies_before_valid_from(key) and \
                self._records[first_rows[0][1]].get("price_basis") != "administered":  # a fee is not in force before it starts
            # the most specific row that exists, from its first year on
            return self._resolved(self._records[first_rows[0][1]], key, ecosystem, year)
        later = (f"；该键的行从 {int(min(r[0] for r in first_rows))} 年起有效（valid_from）" if first_rows else "",
                 f"; its rows start in {int(min(r[0] for r in first_rows))} (valid_from)" if first_rows else "")
        raise MissingCoefficient(
            problem(
                "missing_coefficient",
                f"系数集 {self.id} 中没有系数 {key}（生态系统 {ecosystem}，地区 {regions[:-1] or ['*']}，"
                f"年份 ≤ {year}）{later[0]}",
                f"coefficient set {self.id} has no value for {key} (ecosystem {ecosystem}, "
                f"regions {regions[:-1] or ['*']}, valid in {year}){later[1]}",
                value=key,
                hint_zh="在县级系数集中补充该行（注明来源），或更换系数集",
                hint_en="add the row (with its source) to a county set that extends this one, or choose another set",
            )
        )

    def applies_before_valid_from(self, key: str) -> bool:
        """Whether the first row of ``key`` also applies to earlier years.

        True for dimensionless keys and for monetary keys (rebased from their
        price year by the account), unless a set of the ``extends`` chain lists
        the key under ``strict_valid_from``.
        """
        spec = key_spec(key)
        if spec is None or not (spec.dimensionality == "" or spec.monetary):
            return False
        return not any(fnmatch.fnmatchcase(key, pat) for pat in self.strict_valid_from)

    def has(self, key: str, ecosystem: str = "*") -> bool:
        rows = self._by_key.get(key)
        if rows is None:
            return False
        return bool(((rows["ecosystem"] == ecosystem) | (rows["ecosystem"] == "*")).any())

    def regions_for(self, key: str) -> set[str]:
        """The region codes that have rows for ``key`` (``"*"`` among them when a row applies everywhere)."""
        found = self.__dict__.setdefault("_regions_for", {})
        if key not in found:
            rows = self._by_key.get(key)
            found[key] = set() if rows is None else set(rows["region"].astype(str))
        return found[key]

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
            valid_from=None if pd.isna(r["valid_from"]) else int(r["valid_from"]),
            price_basis=str(opt("price_basis") or ""),
            valid_to=None if opt("valid_to") is None else int(float(opt("valid_to"))),
        )

    def derived(self, name: str, compute):
        """``compute()`` for this set, computed once and kept with its look-ups (not pickled): what every account
        that uses the set asks of its rows, such as the checks of :mod:`gep.account.checks`."""
        store = self.__dict__.setdefault("_derived", {})
        if name not in store:
            store[name] = compute()
        return store[name]

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
            strict_valid_from=self.strict_valid_from,
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


_DIFF_FIELDS = ("value", "unit", "price_year", "status", "source")


def _same(x, y) -> bool:
    return (pd.isna(x) and pd.isna(y)) or x == y


def diff_sets(a: CoefficientSet, b: CoefficientSet) -> pd.DataFrame:
    """Rows that differ between two sets.

    Rows are matched on (key, ecosystem, region, valid_from); a row that only
    ``a`` has and a row that only ``b`` has for the same (key, ecosystem,
    region) -- one each -- are the same coefficient restated (e.g. a price
    re-surveyed in a later year) and are compared as one ``changed`` row.

    Returns
    -------
    pandas.DataFrame
        ``key, ecosystem, region, valid_from, valid_from_b, change, fields``
        and ``value_a/_b, unit_a/_b, price_year_a/_b, status_a/_b,
        source_a/_b``. ``change`` ∈ {added, removed, changed}; ``fields``
        names what changed (``value, price_year, status`` …), so a price
        restated at another price year is never shown as a value change alone.
    """
    ident = ["key", "ecosystem", "region", "valid_from"]
    cols = ident + list(_DIFF_FIELDS)
    left = a.table[cols].copy()
    right = b.table[cols].copy()
    m = left.merge(right, on=ident, how="outer", suffixes=("_a", "_b"), indicator=True)
    # pair one removed row with one added row of the same coefficient
    only_a = m[m["_merge"] == "left_only"]
    only_b = m[m["_merge"] == "right_only"]
    pairs = {}
    for k, ga in only_a.groupby(["key", "ecosystem", "region"]):
        gb = only_b[(only_b["key"] == k[0]) & (only_b["ecosystem"] == k[1]) & (only_b["region"] == k[2])]
        if len(ga) == 1 and len(gb) == 1:
            pairs[ga.index[0]] = gb.index[0]
    paired_b = set(pairs.values())
    out = []
    for i, r in m.iterrows():
        if i in paired_b:
            continue
        rec = {c: r[c] for c in ident}
        rec["valid_from_b"] = r["valid_from"]
        if i in pairs:
            rb = m.loc[pairs[i]]
            rec["valid_from_b"] = rb["valid_from"]
            for c in _DIFF_FIELDS:
                rec[f"{c}_a"], rec[f"{c}_b"] = r[f"{c}_a"], rb[f"{c}_b"]
            change = "changed"
        else:
            for c in _DIFF_FIELDS:
                rec[f"{c}_a"], rec[f"{c}_b"] = r[f"{c}_a"], r[f"{c}_b"]
            change = {"left_only": "removed", "right_only": "added"}.get(r["_merge"], "changed")
        fields = [c for c in _DIFF_FIELDS if not _same(rec[f"{c}_a"], rec[f"{c}_b"])]
        if change == "changed" and rec["valid_from"] != rec["valid_from_b"]:
            fields.append("valid_from")
        if change == "changed" and not fields:
            continue
        rec["change"] = change
        rec["fields"] = ", ".join(fields) if change == "changed" else ""
        out.append(rec)
    cols_out = ident + ["valid_from_b", "change", "fields"] + [f"{c}_{s}" for c in _DIFF_FIELDS for s in "ab"]
    return pd.DataFrame(out, columns=cols_out).sort_values(ident).reset_index(drop=True)


def iter_rows(cset: CoefficientSet, key_prefix: str = "") -> Iterable[pd.Series]:
    t = cset.table
    if key_prefix:
        t = t[t["key"].str.startswith(key_prefix)]
    for _, r in t.iterrows():
        yield r

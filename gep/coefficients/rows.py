"""The rows of a coefficient table: columns, statuses, reading, checking and merging."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import (
    InputFileError,
    Problem,
    csv_row,
    problem,
)
from ..units import is_dimension, parse_unit
from .keys import key_spec
from .ranges import check_ranges

__all__ = ["COLUMNS", "OPTIONAL_COLUMNS", "STATUSES", "MANIFEST_KEYS", "check_rows"]

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
#: ``low, high, distribution, range_source, range_note``: the row's range (:mod:`.ranges`)
OPTIONAL_COLUMNS = ["low", "high", "distribution", "valid_to", "price_basis", "range_source", "range_note"]
#: ``price_basis`` of a row: empty (a price of its ``price_year``, rebased with the deflator) or
#: ``administered`` (a fee schedule or tariff: the nominal price in force in every year from
#: ``valid_from`` to ``valid_to``, never rebased)
PRICE_BASES = ("", "administered")
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
    "strict_valid_from",
}



def _empty_table() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS + ["_set", "_file", "_row"]})


def _read_table(csv: Path, set_id: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    from ..io.tables import read_csv_checked

    try:
        frame = read_csv_checked(csv, required=COLUMNS, dtype=str, allow_empty=True)
    except InputFileError as exc:
        return None, exc.problems
    first_row = frame.attrs.get("first_row", 2)
    frame = frame.fillna("")
    frame["_set"] = set_id
    frame["_file"] = str(csv)
    frame["_row"] = [csv_row(i, first_row) for i in range(len(frame))]
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
    if "valid_to" in frame:
        frame["_valid_to_raw"] = frame["valid_to"].fillna("").astype(str)
        frame["valid_to"] = pd.to_numeric(frame["valid_to"].replace("", None), errors="coerce")
    if "price_basis" in frame:
        frame["price_basis"] = frame["price_basis"].fillna("").astype(str).str.strip()
    for col in ("distribution", "range_source", "range_note"):
        if col in frame:
            frame[col] = frame[col].fillna("").astype(str).str.strip()
    return frame


def _to_fill(r, spec, where: dict) -> Problem:
    """A row of a county set written by ``gep init`` whose value is still empty: one problem saying what to write."""
    from ..classifications import ecosystem_types

    key, eco = r["key"], r["ecosystem"]
    types = ecosystem_types()
    eco_zh = f"，生态系统 {types[eco].zh} {eco}" if eco in types else ""
    eco_en = f", ecosystem {eco} ({types[eco].en})" if eco in types else ""
    label_zh = f"（{spec.zh}）" if spec is not None else ""
    label_en = f" ({spec.en})" if spec is not None else ""
    unit = r["unit"] or (spec.unit if spec is not None else "")
    monetary = spec is not None and spec.monetary
    what_zh = f"value（单位 {unit}）、source、status" + ("、price_year（价格年份）" if monetary else "")
    what_en = f"value (in {unit}), source, status" + (", price_year" if monetary else "")
    return problem(
        "coefficient_to_fill", f"待填写：系数 {key}{label_zh}{eco_zh}：填写 {what_zh}",
        f"to fill: coefficient {key}{label_en}{eco_en}: write {what_en}", column="value", value=f"{key}/{eco}",
        hint_zh="来源写 manifest.toml [sources] 中声明的 id；status 为 official、literature、local_survey、estimated、"
                "unverified 之一" + ("；本县没有该类生态系统时删除此行" if eco in types else ""),
        hint_en="source: an id declared under [sources] in manifest.toml; status: official, literature, local_survey, "
                "estimated or unverified" + ("; delete the row if the county has no land of this type" if eco in types else ""),
        **where)


def _physically_possible(r, spec, where: dict) -> list[Problem]:
    """A value above the largest its key can physically be (``physical_max`` of its declaration, in the declared
    unit): a unit slip, such as g/m² written under t/(hm²·a), which is 100 times. Not a plausibility judgement:
    the bounds are beyond any measurement (each declaration says why), so there is nothing to switch off."""
    if spec is None or spec.physical_max is None or pd.isna(r["value"]):
        return []
    value = spec.in_unit(r["value"], r["unit"])
    if value is None or value <= spec.physical_max:
        return []
    given = f"{float(r['value']):g}" + ("" if (r["unit"] or "1") == "1" else f" {r['unit']}")
    limit = f"{spec.physical_max:g}" + ("" if spec.unit == "1" else f" {spec.unit}")
    if (r["unit"] or "1") != spec.unit:
        given += f"（{value:,.6g} {spec.unit}）"
    return [problem(
        "physically_impossible", f"{r['key']} = {given} 超过物理上限 {limit}：{spec.physical_basis_zh}",
        f"{r['key']} = {given.replace('（', ' (').replace('）', ')')} is above the physical limit of {limit}: "
        f"{spec.physical_basis}", column="value", value=r["_value_raw"],
        hint_zh="检查单位（如 g/m² 是 t/hm² 的 1/100）与小数点", hint_en="check the unit (g/m² is a hundredth of t/hm²) "
        "and the decimal point", **where)]


#: a row may be valid from next year (a tariff announced for it), not later: a later year is a typo (2201 for 2021)
VALID_FROM_AHEAD = 1


def _row_can_apply(r, spec, where: dict, types: list[str], latest: int) -> list[Problem]:
    """A row no account would use as meant: a negative price or cost (a money coefficient below 0), an ecosystem
    that is not one of the ecosystem ``types`` (its rows are never looked up: a misspelt ``forest_broadleave``
    leaves the type's other rows to answer for it), or a ``valid_from`` after ``latest`` (a typo: the year's
    account takes an earlier row)."""
    import difflib

    out = []
    if spec is not None and spec.monetary and not pd.isna(r["value"]) and float(r["value"]) < 0:
        out.append(problem(
            "negative_price", f"货币系数 {r['key']} 为负：{r['_value_raw']}", f"the money coefficient {r['key']} is "
            f"negative: {r['_value_raw']}", column="value", value=r["_value_raw"],
            hint_zh="价格与成本不能为负：检查符号", hint_en="a price or cost cannot be negative: check the sign", **where))
    eco = str(r["ecosystem"])
    if eco not in ("*", "") and eco not in types:
        close = difflib.get_close_matches(eco, types, n=3, cutoff=0.6) or types
        out.append(problem(
            "unknown_ecosystem", f"生态系统 {eco!r} 不是生态系统类型：这一行不会被使用",
            f"ecosystem {eco!r} is not an ecosystem type: this row would never be used", column="ecosystem",
            value=eco, hint_zh=f"可用类型：{', '.join(close)}（或 * 表示所有类型）",
            hint_en=f"ecosystem types: {', '.join(close)} (or * for every type)", **where))
    if not pd.isna(r["valid_from"]) and int(r["valid_from"]) > latest:
        out.append(problem(
            "valid_from_in_future", f"valid_from {r['_valid_from_raw']} 晚于 {latest} 年：该行尚不适用于任何核算",
            f"valid_from {r['_valid_from_raw']} is after {latest}: no account can use this row yet",
            column="valid_from", value=r["_valid_from_raw"],
            hint_zh="是否笔误（如 2201 应为 2021）？否则该年的核算会使用更早的行",
            hint_en="a typo (2201 for 2021)? Otherwise the year's account takes an earlier row", **where))
    return out


def check_rows(frame: pd.DataFrame, sources: dict) -> list[Problem]:
    """Row-level checks of a coefficient table (see module docstring)."""
    import datetime

    from ..classifications import ecosystem_types

    problems: list[Problem] = []
    types, latest = list(ecosystem_types()), datetime.date.today().year + VALID_FROM_AHEAD
    for _, r in frame.iterrows():
        where = dict(file=r["_file"], row=int(r["_row"]))
        key = r["key"]
        if not key:
            problems.append(problem("empty_key", "key 为空", "empty key", column="key", **where))
            continue
        spec = key_spec(key)
        if str(r["_value_raw"]).strip() in ("", "nan"):
            problems.append(_to_fill(r, spec, where))
            continue
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
        problems += _physically_possible(r, spec, where)
        problems += _row_can_apply(r, spec, where, types, latest)
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
        raw_to = r.get("_valid_to_raw", "")
        if "valid_to" in r and not pd.isna(raw_to) and str(raw_to) not in ("", "nan", "None"):
            if pd.isna(r["valid_to"]) or (not pd.isna(r["valid_from"]) and r["valid_to"] < r["valid_from"]):
                problems.append(problem(
                    "bad_valid_to", f"valid_to {r['_valid_to_raw']!r} 不是不早于 valid_from 的年份",
                    f"valid_to {r['_valid_to_raw']!r} is not a year on or after valid_from", column="valid_to",
                    value=r["_valid_to_raw"], **where))
        if "price_basis" in r and not pd.isna(r["price_basis"]) and r["price_basis"] not in PRICE_BASES:
            problems.append(problem(
                "bad_price_basis", f"price_basis {r['price_basis']!r} 应为空或 administered",
                f"price_basis {r['price_basis']!r} must be empty or 'administered'", column="price_basis",
                value=r["price_basis"], **where,
                hint_zh="收费标准、核定价格等行政定价写 administered（按名义价格使用，不做价格指数折算）",
                hint_en="write administered for a fee schedule or tariff (used at its nominal value, never rebased)"))
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
    problems += check_ranges(frame, sources)
    dup_cols = ["key", "ecosystem", "region", "valid_from"]
    dups = frame[frame.duplicated(dup_cols, keep=False)]
    for _, group in dups.groupby(dup_cols, dropna=False):
        rows = ", ".join(str(x) for x in group["_row"])
        first = group.iloc[0]
        ident = tuple(first[c].item() if hasattr(first[c], "item") else first[c] for c in dup_cols)  # 2020, not np.int64
        problems.append(problem(
            "duplicate_coefficient_rows",
            f"重复的系数行 {ident}（第 {rows} 行）",
            f"duplicate coefficient rows for {ident} (rows {rows})",
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

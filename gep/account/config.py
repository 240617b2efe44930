"""The account config (TOML): schema, strict parsing, defaults.

See DESIGN.md §3.1 and ``docs/config.md``. Unknown keys are errors (a typo
must not silently fall back to a default); every problem is reported at once.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Problem, problem

__all__ = ["SCHEMA", "load_config", "check_config", "config_to_fill", "blocking_problems", "DEFAULTS"]

#: section -> {key: description}; "*" accepts any key (validated elsewhere).
SCHEMA: dict[str, dict[str, str]] = {
    "account": {
        "name": "{zh, en} name of the account",
        "year": "accounting year",
        "region_code": "GB/T 2260 code of the root region (for coefficient resolution)",
        "profile": "profile id (gep/standards)",
        "coefficients": "coefficient set id or folder, or a list of them (later ones override)",
        "prices": "'current' or 'constant:YEAR'",
        "area_tolerance": "relative tolerance between land-use areas and stated region areas",
        "description": "free text",
        "years": "years `gep run` accounts and compares (inputs per year in [years.<year>] or '{year}' in paths)",
        "purpose": "'official' refuses illustrative and unverified rows; 'analysis' (default) shows them in a banner",
        "plugins": "service plugins to load: Python files (relative to the config) or modules, each defining gep_plugin",
        "allow_outside_paths": "true: input paths may lie outside the config's folder (default false; docs/safety.md)",
    },
    "inputs": {
        "regions": "regions CSV",
        "land_use": "land-use CSV (region, code, area, unit)",
        "scheme": "land-use scheme id or CSV",
        "statistics": "statistics table (CSV or Excel)",
        "physical": "physical quantities computed elsewhere (region, service, quantity, unit)",
        "economy": "county economy table (indicator, value, unit, source)",
        "two_mountains": "Two-Mountains indicator table (targets, directions, status values)",
        "targets": "yearly targets by region (CSV or Excel) that `gep run` appraises the account against (gep.decisions)",
        "boundaries": "polygons of the leaf regions (GeoJSON, GeoPackage or Shapefile) for maps and area checks",
        "boundary_id_field": "attribute of the boundary file holding the region id (default 'region')",
    },
    "years": {"*": "per-year input overrides: [years.2020] land_use = \"land_use_2020.csv\" …; "
                   "reuse = 2021 (or {land_use = 2021}) to account a year with another year's inputs, said so"},
    "services": {"*": "service id = method name (overrides the profile)"},
    "rasters": {"*": "raster layers: land_use, zones (a raster, or polygons: .geojson/.gpkg/.shp with zone_id_field), "
                     "zone_ids, code_format, chunks, geodesic, align, nodata ({layer = value} for files that "
                     "declare none), "
                     "and per-pixel layers (precipitation, evapotranspiration, rainfall_erosivity, …)"},
    "value_transfer": {
        "equivalent_value": "'national', a number in 元/hm² with source, or {grain = CSV}",
        "equivalent_value_source": "source of a given equivalent value",
        "equivalent_value_price_year": "price year of a given equivalent value",
        "adjustment": "{npp, precipitation, soil} factors, or a CSV by region",
        "adjustment_source": "where the adjustment factors come from",
    },
    "statistics": {
        "method": "'gross' (gross output value, default) or 'net' (net output value, as Garzé 2017)",
        "external_share": "share of provisioning value from outside the region (GB/T 46869—2025 deduction): number or {item/group = share}",
        "intermediate_share": "intermediate consumption share for the net method: number or {item/group = share}",
        "eco_only": "count only catalogue items marked as eco-products (default true)",
        "sheet": "sheet name of an Excel statistics table",
        "header_row": "spreadsheet row of the statistics table's header (first row = 1; detected when not given)",
        "catalogue": "the county's product catalogue CSV, added to the shipped one (same columns as products.csv)",
    },
    "cultural": {
        "method": "'revenue' (eco-tourism revenue) or 'travel_cost'",
        "eco_share": "share of tourism attributable to ecosystems (number or by region)",
        "eco_share_source": "where eco_share comes from",
        "travel_cost_per_visit": "元/人次 for the travel-cost method",
        "time_cost_per_visit": "元/人次",
        "consumer_surplus_per_visit": "元/人次",
        "premium_rate": "hedonic premium rate for landscape value",
        "landscape_share": "share of the premium attributable to ecosystems",
        "source": "where the per-visit amounts or rates come from",
    },
    "allocation": {"*": "product group = proxy for allocating county statistics to townships "
                        "('area', 'population' or a list of ecosystem groups)"},
    "checks": {
        "allow_zero": "services allowed to yield exactly zero for the whole account (otherwise an error)",
        "figure_tolerance": "relative tolerance between two statements of one figure (default 0.005)",
        "plausibility": "check GDP per resident and population density for unit slips (default true)",
    },
    "prices": {
        "index": "coefficient key of the deflator series (default price_index.cpi)",
        "index_set": "coefficient set holding the series when the account's sets do not (default cn-price-indices)",
    },
    "uncertainty": {
        "land_use_product": "land-cover product whose published overall accuracy gives each class's area error "
                            "(cnlucc, esa-worldcover-2020, esa-worldcover-2021, mcd12q1-c5, clcd, copernicus-lc100-2019)",
        "land_use_accuracy": "overall accuracy of the county's land-use map (share, e.g. 0.943): each class's area "
                             "error is ±(1 − accuracy) at 95 %",
        "land_use_error": "{ecosystem type or group = relative error of its area (95 % half-width)}",
        "land_use_error_source": "where land_use_accuracy or land_use_error comes from",
        "statistics_error": "relative error of every statistics row (95 % half-width, e.g. 0.05)",
        "statistics_error_source": "where statistics_error comes from",
        "include_structural": "also draw structural ranges (between published point values), uniformly (default false)",
        "chunk": "draws computed at a time (default: a region × ecosystem × draw array of 2 million numbers, 100 to 10 000 draws)",
        "sobol_samples": "base samples of the Sobol design (default: draws ÷ (2 (groups + 2)), at least 128; 0: none)",
    },
    "indicators": {
        "resident_share_numerator": "'realised_gep' (provisioning + cultural) or 'eco_economy' (表1 items 12–14)",
        "resident_share_denominator": "'gdp' (GDP per resident) or 'disposable_income' (per resident)",
    },
    "limits": {
        "max_table_rows": "data rows of one table or workbook sheet (default 1 000 000)",
        "max_file_mb": "size of one table, workbook (uncompressed) or config file, in MB (default 500)",
        "max_workbook_sheets": "sheets of one workbook (default 200)",
        "max_raster_pixels": "pixels (width × height) of one raster (default 20 000 000 000)",
        "max_memory_share": "share of the available memory a raster read into memory may take (default 0.5)",
    },
}

#: the kinds of value each key takes (keys not listed take any value that their section accepts):
#: text, number, integer, bool, list (of text), table, and object (an in-memory value given from Python)
KINDS: dict[str, dict[str, tuple[str, ...]]] = {
    "account": {"name": ("text", "table"), "region_code": ("text", "integer"), "profile": ("text",),
                "coefficients": ("text", "list", "object"), "area_tolerance": ("number",), "description": ("text",),
                "years": ("text", "integer", "list")},
    "inputs": {"*": ("text", "object")},
    "rasters": {"code_format": ("text",), "chunks": ("integer", "text", "bool", "list"), "geodesic": ("bool",),
                "align": ("bool",), "status": ("text",), "max_missing": ("number",), "fill": ("text",), "nodata": ("table",),
                "*": ("text",)},
    "value_transfer": {"adjustment": ("text", "table")},  # the given equivalent value: AccountInputs checks it
    "statistics": {"method": ("text",), "external_share": ("number", "table"), "intermediate_share": ("number", "table"),
                   "eco_only": ("bool",), "sheet": ("text", "integer")},
    "cultural": {"method": ("text",), "eco_share": ("number", "table"), "eco_share_source": ("text",),
                 "travel_cost_per_visit": ("number",), "time_cost_per_visit": ("number",),
                 "consumer_surplus_per_visit": ("number",), "premium_rate": ("number",),
                 "landscape_share": ("number",), "source": ("text",)},
    "allocation": {"*": ("text", "list")},
    "checks": {"allow_zero": ("list",), "figure_tolerance": ("number",), "plausibility": ("bool",)},
    "prices": {"index": ("text",), "index_set": ("text",)},
}

#: keys whose value is one of a few words
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("statistics", "method"): ("gross", "net"),
    ("cultural", "method"): ("revenue", "travel_cost"),
    ("rasters", "fill"): ("region_mean",),
}
#: keys holding a non-negative number
NON_NEGATIVE = {("account", "area_tolerance"), ("cultural", "travel_cost_per_visit"),
                ("cultural", "time_cost_per_visit"), ("cultural", "consumer_surplus_per_visit"),
                ("cultural", "premium_rate")}

_KIND_NAMES = {"text": ("文本", "text"), "number": ("数值", "a number"), "integer": ("整数", "an integer"),
               "bool": ("true/false", "true or false"), "list": ("列表", "a list"), "table": ("表", "a table"),
               "object": ("", "")}


def _kind_of(v) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "table"
    return "object"  # a DataFrame, a CoefficientSet, a Path … given from Python


def _kind_ok(v, kinds: tuple[str, ...]) -> bool:
    kind = _kind_of(v)
    if kind == "integer" and "number" in kinds:
        return True
    if kind == "list" and "list" in kinds:  # a list of text (or of years)
        return all(_kind_of(x) in ("text", "integer", "object") for x in v)
    return kind in kinds


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_values(section: str, key: str, v, file: str) -> list[Problem]:
    """Words and signs of the keys that have them, and no infinite or NaN number (shares: :func:`_check_shares`)."""
    column = f"{section}.{key}"
    shown = repr(v) if len(repr(v)) <= 60 else repr(v)[:59] + "…"
    numbers = list(v.values()) if isinstance(v, dict) else [v]
    if any(isinstance(x, float) and not math.isfinite(x) for x in numbers):
        return [problem("bad_config_value", f"[{section}] {key} 不能为无穷或 NaN：{shown}",
                        f"[{section}] {key} cannot be infinite or NaN: {shown}", file=file, column=column, value=shown)]
    if (section, key) in CHOICES and v not in CHOICES[section, key]:
        options = CHOICES[section, key]
        return [problem("bad_config_value", f"[{section}] {key} 应为 {' / '.join(options)}：{shown}",
                        f"[{section}] {key} must be one of {', '.join(options)}: {shown}", file=file, column=column,
                        value=shown)]
    if (section, key) == ("account", "years") and isinstance(v, list) and not all(
            isinstance(y, int) and not isinstance(y, bool) and 1000 <= y <= 9999 for y in v):
        return [problem("bad_config_value", f"[account] years 应为四位年份的列表：{shown}",
                        f"[account] years must be a list of four-digit years: {shown}", file=file, column=column,
                        value=shown, hint_zh="如 years = [2020, 2021]", hint_en="e.g. years = [2020, 2021]")]
    if (section, key) == ("value_transfer", "adjustment") and isinstance(v, dict) and not all(
            _is_number(x) for x in v.values()):
        return [problem("bad_config_value", f"[value_transfer] adjustment 的因子应为数值：{shown}",
                        f"[value_transfer] adjustment factors must be numbers: {shown}", file=file, column=column,
                        value=shown)]
    if (section, key) in NON_NEGATIVE and _is_number(v) and v < 0:
        return [problem("bad_config_value", f"[{section}] {key} 不能为负：{shown}",
                        f"[{section}] {key} cannot be negative: {shown}", file=file, column=column, value=shown)]
    return []


def _check_kinds(cfg: dict, file: str) -> list[Problem]:
    problems = []

    def check(section: str, key: str, v, kinds: tuple[str, ...], column: str) -> None:
        if _kind_ok(v, kinds):
            return
        want = [_KIND_NAMES[k] for k in kinds if k != "object"]
        shown = repr(v) if len(repr(v)) <= 60 else repr(v)[:59] + "…"
        quote = kinds == ("text",) and _kind_of(v) in ("integer", "number")
        problems.append(problem(
            "bad_config_value", f"[{section}] {key} 应为{' 或 '.join(z for z, _ in want)}：{shown}",
            f"[{section}] {key} must be {' or '.join(e for _, e in want)}: {shown}", file=file, column=column,
            value=shown, hint_zh=f'加上引号：{key} = "{v}"' if quote else "",
            hint_en=f'put it in quotes: {key} = "{v}"' if quote else ""))

    for section, kinds in KINDS.items():
        body = cfg.get(section)
        if not isinstance(body, dict):
            continue
        for key, v in body.items():
            k = kinds.get(key, kinds.get("*"))
            if k is not None:
                before = len(problems)
                check(section, key, v, k, f"{section}.{key}")
                if len(problems) == before:
                    problems += _check_values(section, key, v, file)
    years = cfg.get("years")
    if isinstance(years, dict):
        for year, body in years.items():
            if not (str(year).isdigit() and len(str(year)) == 4):
                problems.append(problem("bad_config_value", f"[years.{year}] 应以四位年份命名",
                                        f"[years.{year}] must be named by a four-digit year", file=file,
                                        column=f"years.{year}", value=str(year)))
            if not isinstance(body, dict):
                problems.append(problem("bad_config_section", f"[years.{year}] 应为表", f"[years.{year}] must be a table",
                                        file=file, column=f"years.{year}"))
                continue
            for key, v in body.items():
                if key == "reuse":  # reuse = 2021, or {land_use = 2021}: checked with the year's inputs
                    check(f"years.{year}", key, v, ("integer", "table"), f"years.{year}.{key}")
                    problems += reuse_problems(year, v, file)
                elif key == "rasters":  # [years.2020.rasters] land_use = "…_2020.tif": the year's own raster layers
                    if not isinstance(v, dict):
                        problems.append(problem("bad_config_section", f"[years.{year}.rasters] 应为表",
                                                f"[years.{year}.rasters] must be a table", file=file,
                                                column=f"years.{year}.rasters"))
                        continue
                    for layer, path in v.items():
                        check(f"years.{year}.rasters", layer, path, ("text",), f"years.{year}.rasters.{layer}")
                elif key not in SCHEMA["inputs"]:
                    problems.append(problem(
                        "unknown_config_key", f"[years.{year}] 中有未知键 {key!r}", f"unknown key {key!r} in [years.{year}]",
                        file=file, column=f"years.{year}.{key}", value=key,
                        hint_zh=f"可用键：{', '.join(SCHEMA['inputs'])}, reuse；栅格图层写在 [years.{year}.rasters] 中",
                        hint_en=f"known keys: {', '.join(SCHEMA['inputs'])}, reuse; raster layers go in "
                                f"[years.{year}.rasters]"))
                else:
                    check(f"years.{year}", key, v, ("text", "object"), f"years.{year}.{key}")
    return problems


def _check_limits(cfg: dict, file: str) -> list[Problem]:
    """``[limits]``: positive finite numbers; ``max_memory_share`` at most 1."""
    problems = []
    lim = cfg.get("limits", {})
    if isinstance(lim, dict):
        for key, v in lim.items():
            share = key == "max_memory_share"
            ok = _is_number(v) and math.isfinite(v) and v > 0 and (not share or v <= 1)
            if key in SCHEMA["limits"] and not ok:
                problems.append(problem(
                    "bad_config_value", f"[limits] {key} 应为{'0 到 1 之间的数' if share else '正数'}：{v!r}",
                    f"[limits] {key} must be {'a number in (0, 1]' if share else 'a positive number'}: {v!r}",
                    file=file, column=f"limits.{key}"))
    return problems


def blocking_problems(cfg: dict, file: str = "config") -> list[Problem]:
    """The problems of a config that no input can be read or computed past (a subset of :func:`check_config`).

    A table where a path belongs, a method that does not exist, a share of 5:
    :class:`~gep.account.Account` reports these before it reads any input.
    """
    return _check_kinds(cfg, file) + _check_shares(cfg, file) + _check_limits(cfg, file)


DEFAULTS = {
    "account": {"prices": "current", "area_tolerance": 0.001, "profile": "xie2015-gep"},
    "indicators": {"resident_share_numerator": "realised_gep", "resident_share_denominator": "gdp"},
}


def check_config(cfg: dict, file: str = "config") -> list[Problem]:
    """Problems with the structure of a config dict (unknown keys, types)."""
    problems: list[Problem] = []
    for section, body in cfg.items():
        if section not in SCHEMA:
            problems.append(problem(
                "unknown_config_section", f"未知的配置节 [{section}]", f"unknown config section [{section}]",
                file=file, value=section, hint_zh=f"可用：{', '.join(SCHEMA)}", hint_en=f"known sections: {', '.join(SCHEMA)}"))
            continue
        if not isinstance(body, dict):
            problems.append(problem("bad_config_section", f"[{section}] 应为表", f"[{section}] must be a table",
                                    file=file, value=section))
            continue
        allowed = SCHEMA[section]
        if "*" in allowed:
            continue
        for key in body:
            if key not in allowed:
                problems.append(problem(
                    "unknown_config_key", f"[{section}] 中有未知键 {key!r}", f"unknown key {key!r} in [{section}]",
                    file=file, column=f"{section}.{key}", value=key,
                    hint_zh=f"可用键：{', '.join(allowed)}", hint_en=f"known keys: {', '.join(allowed)}"))
    acct = cfg.get("account", {})
    if isinstance(acct, dict):
        if "year" not in acct:
            problems.append(problem("missing_config_key", "[account] 缺少 year", "[account] has no year", file=file,
                                    column="account.year"))
        elif not isinstance(acct["year"], int):
            problems.append(problem("bad_config_value", f"year 应为整数：{acct['year']!r}",
                                    f"year must be an integer: {acct['year']!r}", file=file, column="account.year"))
        prices = acct.get("prices", "current")
        if not (prices == "current" or (isinstance(prices, str) and prices.startswith("constant:")
                                          and prices.split(":", 1)[1].isdigit())):
            problems.append(problem("bad_config_value", f"prices 应为 'current' 或 'constant:年份'：{prices!r}",
                                    f"prices must be 'current' or 'constant:YEAR': {prices!r}", file=file,
                                    column="account.prices"))
        purpose = acct.get("purpose", "analysis")
        if purpose not in ("official", "analysis"):
            problems.append(problem("bad_config_value", f"purpose 应为 'official' 或 'analysis'：{purpose!r}",
                                    f"purpose must be 'official' or 'analysis': {purpose!r}", file=file,
                                    column="account.purpose"))
        plugins = acct.get("plugins", [])
        if not (isinstance(plugins, list) and all(isinstance(x, str) and x.strip() for x in plugins)):
            problems.append(problem("bad_config_value", f"plugins 应为字符串列表：{plugins!r}",
                                    f"plugins must be a list of strings: {plugins!r}", file=file,
                                    column="account.plugins", hint_zh='例如 plugins = ["county_services.py"]',
                                    hint_en='e.g. plugins = ["county_services.py"]'))
    problems.extend(_check_shares(cfg, file))
    if isinstance(acct, dict) and not isinstance(acct.get("allow_outside_paths", False), bool):
        problems.append(problem("bad_config_value", f"allow_outside_paths 应为 true 或 false：{acct['allow_outside_paths']!r}",
                                f"allow_outside_paths must be true or false: {acct['allow_outside_paths']!r}",
                                file=file, column="account.allow_outside_paths"))
    problems += _check_limits(cfg, file)
    problems += _check_kinds(cfg, file)
    ind = cfg.get("indicators", {})
    if isinstance(ind, dict):
        for key, options in (("resident_share_numerator", ("realised_gep", "eco_economy")),
                             ("resident_share_denominator", ("gdp", "disposable_income"))):
            if key in ind and ind[key] not in options:
                problems.append(problem("bad_config_value", f"{key} 应为 {' / '.join(options)}：{ind[key]!r}",
                                        f"{key} must be one of {', '.join(options)}: {ind[key]!r}", file=file,
                                        column=f"indicators.{key}"))
    return problems


#: config values that are shares (fractions in [0, 1]): section -> keys
SHARES = {"cultural": ("eco_share", "landscape_share"), "statistics": ("external_share", "intermediate_share")}


def _check_shares(cfg: dict, file: str) -> list[Problem]:
    """A share (a number, or a mapping of numbers) must lie in [0, 1]."""
    out = []
    for section, keys in SHARES.items():
        body = cfg.get(section)
        if not isinstance(body, dict):
            continue
        for key in keys:
            if key not in body:
                continue
            val = body[key]
            items = val.items() if isinstance(val, dict) else [(None, val)]
            for sub_key, v in items:
                where = f"{section}.{key}" + (f".{sub_key}" if sub_key is not None else "")
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not (0.0 <= float(v) <= 1.0):
                    out.append(problem(
                        "bad_share", f"{where} 应为 0 到 1 之间的比例，而不是 {v!r}",
                        f"{where} must be a share between 0 and 1, not {v!r}", file=file, column=where, value=v,
                        hint_zh="比例写成小数，如 0.8（不是 80）", hint_en="write a share as a fraction, e.g. 0.8 (not 80)"))
    return out


def config_to_fill(cfg: dict, file: str = "config") -> list[Problem]:
    """What a config written by ``gep init`` still leaves empty (the account's name).

    Not a structural problem: :func:`load_config` reads such a config, and
    ``validate`` lists these next to the tables and coefficients still to fill.
    """
    name = (cfg.get("account") or {}).get("name") if isinstance(cfg.get("account"), dict) else None
    if isinstance(name, dict) and not all(str(name.get(k, "")).strip() for k in ("zh", "en")):
        return [problem("config_to_fill", "待填写：[account] name（核算名称，中文 zh 与英文 en）",
                        "to fill: [account] name (the account's name, zh and en)", file=file, column="account.name",
                        hint_zh='如 name = { zh = "某某县", en = "Moumou County" }',
                        hint_en='e.g. name = { zh = "某某县", en = "Moumou County" }')]
    return []


def load_config(path: str | Path, *, strict: bool = True) -> tuple[dict, Path]:
    """Read a TOML config; returns ``(config, folder)``.

    With ``strict=False`` the structural problems of the config (unknown keys,
    bad values) are left for :meth:`gep.account.Account.validate`, which
    reports them together with the problems of the inputs.

    Raises
    ------
    ConfigError
        Not found, not UTF-8, not TOML; with ``strict`` also structural problems (all of them).
    """
    from ..io import limits

    path = Path(path)
    if not path.is_file():
        raise ConfigError(problem("file_not_found", f"找不到配置文件 {path}", f"config file not found: {path}",
                                  file=str(path)))
    cap = limits.current().max_file_bytes
    if path.stat().st_size > cap:
        raise ConfigError(problem("file_too_large", f"配置文件过大（超过 {cap / 1e6:g} MB）：这不像是一个配置文件",
                                  f"the config file is larger than {cap / 1e6:g} MB: it is not a config",
                                  file=str(path)))
    try:
        cfg = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(problem("not_utf8", "配置文件不是 UTF-8 编码", "config file is not UTF-8", file=str(path),
                                  hint_zh="以 UTF-8 保存", hint_en="save it as UTF-8")) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(problem("bad_toml", f"配置文件不是有效的 TOML：{exc}", f"config is not valid TOML: {exc}",
                                  file=str(path))) from None
    except RecursionError:
        raise ConfigError(problem("bad_toml", "配置文件嵌套过深", "the config is nested too deeply to be a config",
                                  file=str(path))) from None
    except OSError as exc:
        raise ConfigError(problem("unreadable_file", f"无法读取配置文件：{exc.strerror}",
                                  f"cannot read the config file: {exc.strerror}", file=str(path))) from None
    problems = check_config(cfg, str(path)) if strict else []
    if problems:
        raise ConfigError(problems)
    return cfg, path.resolve().parent


def with_defaults(cfg: dict) -> dict:
    out: dict[str, Any] = {k: dict(v) if isinstance(v, dict) else v for k, v in cfg.items()}
    acct = out.get("account")
    if isinstance(acct, dict) and isinstance(acct.get("region_code"), int) and not isinstance(acct["region_code"], bool):
        acct["region_code"] = str(acct["region_code"])  # 330604 written without quotes is still the code
    for section, defaults in DEFAULTS.items():
        sec = out.setdefault(section, {})
        for k, v in defaults.items():
            sec.setdefault(k, v)
    return out


#: inputs that describe one year: another year's account needs its own (or says it reuses them)
YEAR_SPECIFIC_INPUTS = ("land_use", "statistics", "economy", "physical")
#: per-pixel layers that describe one year's weather or growth: another year's account needs its own (a long-term
#: mean meant for every year is said so with ``reuse``); soil erodibility, LS and the soil factors stay as they are
YEAR_SPECIFIC_LAYERS = ("precipitation", "evapotranspiration", "rainfall_erosivity", "npp", "weather_factor",
                        "vegetation_factor")


def for_year(cfg: dict, year: int) -> dict:
    """The config of one year: ``year`` set, ``{year}`` filled in input and raster paths,
    ``[years.<year>]`` overrides applied, the multi-year keys removed."""
    import copy

    out = copy.deepcopy(cfg)
    out.setdefault("account", {})["year"] = int(year)
    out["account"].pop("years", None)
    for section in ("inputs", "rasters"):
        body = out.get(section)
        if isinstance(body, dict):
            for key, val in list(body.items()):
                if isinstance(val, str) and "{year}" in val:
                    body[key] = val.replace("{year}", str(year))
    inputs = out.setdefault("inputs", {})
    overrides = dict((cfg.get("years") or {}).get(str(year), {}))
    overrides.pop("reuse", None)
    rasters = overrides.pop("rasters", None)
    inputs.update(overrides)
    if isinstance(rasters, dict):
        base_rasters = out.setdefault("rasters", {})
        if isinstance(rasters.get("nodata"), dict) and isinstance(base_rasters.get("nodata"), dict):
            # a year's nodata values add to the shared ones (its own layers), they do not replace them
            rasters = {**rasters, "nodata": {**base_rasters["nodata"], **rasters["nodata"]}}
        base_rasters.update(rasters)
    out.pop("years", None)
    return out


def reuse_problems(year, reuse, file: str = "config") -> list[Problem]:
    """The inputs ``[years.<year>] reuse = {input = year}`` names that are not inputs a year may reuse: a typo
    would leave the input it meant unreused, and unsaid (the year then fails for want of it, with a hint
    to write what was written)."""
    known = (*YEAR_SPECIFIC_INPUTS, *YEAR_SPECIFIC_LAYERS)
    return [problem("unknown_config_key", f"[years.{year}] reuse 中有未知的输入 {name!r}",
                    f"unknown input {name!r} in reuse of [years.{year}]", file=file,
                    column=f"years.{year}.reuse.{name}", value=name,
                    hint_zh=f"可沿用的输入：{', '.join(known)}", hint_en=f"inputs that may be reused: {', '.join(known)}")
            for name in (reuse if isinstance(reuse, dict) else {}) if name not in known]


def year_inputs(cfg: dict, year: int, file: str = "config") -> tuple[list[Problem], dict[str, int]]:
    """Whether ``year`` has inputs of its own: ``(problems, reused)``.

    The ``[inputs]`` of a config are the inputs of its ``[account] year``.
    Another year has its own land use, statistics, economy table and given
    quantities when their path holds ``{year}`` or ``[years.<year>]`` names
    them; an input that is neither is an error -- the account would silently
    repeat the other year and book the difference as a price change -- unless
    ``[years.<year>] reuse = <year>`` (or ``reuse = {land_use = <year>}``) says
    so. ``reused`` maps each reused input to the year it comes from.
    """
    base = (cfg.get("account") or {}).get("year")
    section = (cfg.get("years") or {}).get(str(year), {})
    section = section if isinstance(section, dict) else {}  # not a table: bad_config_section, from check_config
    reuse = section.get("reuse")
    problems, reused = reuse_problems(year, reuse, file), {}
    if not isinstance(base, int) or year == base:
        return problems, reused
    inputs = cfg.get("inputs") or {}
    candidates = [k for k in YEAR_SPECIFIC_INPUTS if k in inputs]
    rasters = cfg.get("rasters") or {}
    candidates += [f"rasters.{layer}" for layer in ("land_use", *YEAR_SPECIFIC_LAYERS) if rasters.get(layer) is not None]
    for key in candidates:
        name = key.split(".")[-1]
        if key.startswith("rasters."):
            own = "{year}" in str(rasters[name]) or name in (section.get("rasters") or {})
        else:
            own = "{year}" in str(inputs[key]) or key in section
        if own:
            continue
        from_year = reuse.get(name) if isinstance(reuse, dict) else reuse
        if isinstance(from_year, int) and not isinstance(from_year, bool):
            reused[key] = int(from_year)
            continue
        where = f"years.{year}.rasters" if key.startswith("rasters.") else f"years.{year}"  # a raster in its table
        layer = key.startswith("rasters.") and name != "land_use"
        problems.append(problem(
            "year_without_inputs", f"{year} 年没有自己的 {key} 输入：将沿用 {base} 年的数据",
            f"year {year} has no {key} of its own: it would silently reuse the {base} input",
            file=file, column=f"years.{year}", value=key,
            hint_zh=f"在 [{where}] 中给出 {name}，或在路径中使用 {{year}}；若确实沿用，在 [years.{year}] 中写 reuse = {base}"
                    + (f"（多年平均值用于每一年时，写 reuse = {{{name} = {base}}}）" if layer else ""),
            hint_en=f"give {name} in [{where}] or use {{year}} in its path; to reuse on purpose, "
                    f"write reuse = {base} in [years.{year}]"
                    + (f" (a long-term mean meant for every year: reuse = {{{name} = {base}}})" if layer else "")))
    return problems, reused

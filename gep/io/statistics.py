"""Yearbook-style statistics: read, check, and value provisioning and cultural services.

A statistics table has one row per product (and region, and year), in CSV or in
an Excel sheet, with Chinese or English headers::

    地区,项目,产量(吨),单价(元/吨),产值(万元),年份
    shangyu,稻谷,52000,2800,,2021
    shangyu,茶叶,,,41000,2021

Units are written either in a unit column (``单位``, ``价格单位``, ``产值单位``) or
in the header (``产量(万吨)``, ``产值（万元）``); a unit column wins over the
header. :func:`read_statistics` maps every item to the product catalogue
(``gep/classifications/products.csv``), converts quantities to the item's
canonical unit and money to 元, checks sector totals against their parts and
returns a tidy table plus a report of what became of every input row. It
collects every problem and raises them together.

:func:`provisioning_by_group` and :func:`cultural_values` turn that table into
values (元) by region × group × item, with the method written in each row.

Totals
------
Three kinds of total rows are recognised and checked against their parts; a
total whose parts are listed is dropped from the tidy table (so nothing is
counted twice), a total whose parts are not listed stands for them:

* subgroup totals from the catalogue (``subgroup = total:<name>``: 粮食, 水果, 肉类);
* group totals from the catalogue (``subgroup = total``: 农业, 林业, 牧业, 渔业,
  水产品, 用水总量);
* 农林牧渔业总产值 (all four farm groups plus 农林牧渔服务业) and 合计 / 总计 /
  total (every row of the region and year). A 合计 without parts is ignored
  (reported), since it cannot be classified.

A total contradicts its parts when they differ by more than ``total_rtol``
(relative, default 0.5 %, about the rounding of a yearbook in 万元) in output
value, or in quantity when the values are not all known.
"""

from __future__ import annotations

import difflib
import io
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pint

from ..compute import cultural as _cul
from ..compute import provisioning as _prov
from ..errors import (
    DuplicateRows,
    InputFileError,
    Problem,
    StatisticsError,
    UnitError,
    UnknownProduct,
    csv_row,
    problem,
)
from ..units import conversion_factor
from .tables import read_table

__all__ = [
    "GROUPS",
    "PROVISIONING_GROUPS",
    "CULTURAL_GROUPS",
    "HEADER_ALIASES",
    "TOTAL_NAMES",
    "ProductCatalogue",
    "StatisticsResult",
    "load_product_catalogue",
    "read_statistics",
    "provisioning_by_group",
    "cultural_values",
    "unit_factor",
]

_CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "classifications" / "products.csv"

#: Product groups: id -> labels. The first seven are the 物质产品 classes, the
#: last two the cultural ones; ``farm_sectors`` only holds an undivided
#: 农林牧渔业总产值.
GROUPS: dict[str, dict[str, str]] = {
    "agriculture": {"zh": "农业产品", "en": "Agricultural products"},
    "forestry": {"zh": "林业产品", "en": "Forest products"},
    "livestock": {"zh": "畜牧业产品", "en": "Livestock products"},
    "fishery": {"zh": "渔业产品", "en": "Fishery products"},
    "water_supply": {"zh": "水资源", "en": "Water supply"},
    "eco_energy": {"zh": "生态能源", "en": "Ecological energy"},
    "other": {"zh": "其他", "en": "Other products"},
    "tourism": {"zh": "休闲旅游", "en": "Recreation and tourism"},
    "landscape": {"zh": "景观价值", "en": "Landscape value"},
    "farm_sectors": {"zh": "农林牧渔业（未分项）", "en": "Agriculture, forestry, livestock and fishery (undivided)"},
}
PROVISIONING_GROUPS = ("agriculture", "forestry", "livestock", "fishery", "water_supply", "eco_energy", "other",
                       "farm_sectors")
CULTURAL_GROUPS = ("tourism", "landscape")
_FARM_GROUPS = ("agriculture", "forestry", "livestock", "fishery")

#: Header aliases: canonical column -> names accepted (compared without case,
#: spaces or a unit in brackets).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "region": ("地区", "区域", "行政区", "行政区划", "县区", "乡镇", "乡镇街道", "乡镇(街道)", "region", "district",
               "county", "town", "township"),
    "item": ("项目", "产品", "产品名称", "品种", "品名", "指标", "指标名称", "名称", "item", "product", "name"),
    "quantity": ("产量", "数量", "实物量", "产品产量", "用水量", "发电量", "quantity", "amount", "production"),
    "unit": ("单位", "计量单位", "产量单位", "数量单位", "unit", "units", "quantity_unit"),
    "price": ("单价", "价格", "平均价格", "平均单价", "price", "unit_price"),
    "price_unit": ("价格单位", "单价单位", "price_unit"),
    "output_value": ("产值", "总产值", "价值", "产值金额", "金额", "收入", "output_value", "value", "gross_output_value",
                     "gross_output"),
    "value_unit": ("产值单位", "价值单位", "金额单位", "value_unit", "output_value_unit"),
    "intermediate_consumption": ("中间消耗", "中间投入", "intermediate_consumption"),
    "intermediate_unit": ("中间消耗单位", "intermediate_consumption_unit", "intermediate_unit"),
    "year": ("年份", "年度", "年", "year"),
    "status": ("状态", "数据状态", "status"),
    "source": ("来源", "数据来源", "source"),
    "note": ("备注", "说明", "注释", "note", "notes"),
}
_COLUMN_ZH = {"region": "地区", "item": "项目", "quantity": "产量", "unit": "单位", "price": "单价",
              "price_unit": "价格单位", "output_value": "产值", "value_unit": "产值单位",
              "intermediate_consumption": "中间消耗", "intermediate_unit": "中间消耗单位", "year": "年份"}

#: Total rows not in the catalogue: normalised name -> scope.
TOTAL_NAMES: dict[str, str] = {
    **{k: "grand" for k in ("合计", "总计", "总产值合计", "total", "grandtotal", "sum")},
    **{k: "farm" for k in ("农林牧渔业总产值", "农林牧渔业", "农林牧渔业产值", "农林牧渔总产值",
                           "农林牧渔业总产值合计",
                           "grossoutputvalueofagriculture,forestry,animalhusbandryandfishery",
                           "agriculture,forestry,animalhusbandryandfishery")},
}

_VALUE_COLUMNS = ("quantity", "price", "output_value", "intermediate_consumption")
_UNIT_OF = {"quantity": "unit", "price": "price_unit", "output_value": "value_unit",
            "intermediate_consumption": "intermediate_unit"}
_MISSING_TOKENS = {"", "-", "–", "—", "/", "…", "nan", "none", "null", "na", "n/a"}


# --------------------------------------------------------------------------------------------
# units

_COUNT_WORDS = ("根", "头", "只", "株", "棵", "羽", "个", "支")
_UNIT_FIXES = (("公斤", "kg"), ("千克", "kg"), ("市斤", "(0.5*kg)"), ("斤", "(0.5*kg)"), ("m3", "m³"),
               ("m2", "m²"), ("kwh", "kWh"), ("KWh", "kWh"), ("KWH", "kWh"))


def _prep_unit(text: str) -> tuple[str, str | None]:
    s = unicodedata.normalize("NFKC", str(text)).strip() if text is not None else ""
    # NFKC turns ³ into 3; restore the superscripts the registry reads.
    s = s.replace("m3", "m³").replace("m2", "m²")
    for a, b in _UNIT_FIXES:
        s = s.replace(a, b)
    words = {w for w in _COUNT_WORDS if w in s}
    if len(words) > 1:
        raise ValueError(f"more than one count word in unit {text!r}")
    word = words.pop() if words else None
    if word:
        s = s.replace(word, "mol")  # stands for "one counted thing"; never shown
    return s, word


@lru_cache(maxsize=512)
def unit_factor(src: str, dst: str) -> float:
    """Multiplier converting a number in ``src`` to ``dst``.

    Like :func:`gep.units.conversion_factor`, plus the spellings of Chinese
    statistics (千克, 斤, m3) and count units (根, 头, 只, 株 …): ``万根`` converts
    to ``根`` and ``元/根``, but never to ``t``.

    Raises
    ------
    ValueError
        If a unit does not parse.
    pint.DimensionalityError
        If the units measure different things.
    """
    s, ws = _prep_unit(src)
    d, wd = _prep_unit(dst)
    if ws != wd:
        raise pint.DimensionalityError(src, dst)
    return conversion_factor(s, d)


def _is_money(unit: str) -> bool:
    try:
        unit_factor(unit, "元")
        return True
    except (ValueError, pint.DimensionalityError):
        return False


# --------------------------------------------------------------------------------------------
# names

def _norm_name(text: Any) -> str:
    """Normalise an item or header name for matching."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = re.sub(r"^(其中|内)[:：]?", "", s)
    s = s.lstrip("#*△▲-·")
    return re.sub(r"[\s_\u3000]+", "", s)


_HEADER_UNIT = re.compile(r"^(?P<label>.*?)\s*[\(\[](?P<unit>[^\(\)\[\]]*(?:\([^\(\)]*\)[^\(\)\[\]]*)*)[\)\]]\s*$")


def _split_header(header: str) -> tuple[str, str | None]:
    h = str(header).strip()
    for a, b in (("（", "("), ("）", ")"), ("［", "["), ("］", "]"), ("【", "["), ("】", "]")):
        h = h.replace(a, b)
    m = _HEADER_UNIT.match(h)
    if m and m.group("label").strip():
        unit = m.group("unit").strip()
        return m.group("label").strip(), (unit or None)
    return h, None


@lru_cache(maxsize=1)
def _header_lookup() -> dict[str, str]:
    out = {}
    for canon, names in HEADER_ALIASES.items():
        for n in (canon, *names):
            out[_norm_name(n)] = canon
    return out


# --------------------------------------------------------------------------------------------
# catalogue

@dataclass(frozen=True)
class ProductCatalogue:
    """The product catalogue: one row per canonical item, with its aliases.

    Attributes
    ----------
    table : pandas.DataFrame
        ``item_zh, item_en, aliases, group, subgroup, default_unit, eco_product, note``.
    lookup : dict
        Normalised name or alias -> ``item_zh``.
    """

    table: pd.DataFrame
    lookup: dict

    def match(self, name: Any) -> pd.Series | None:
        """The catalogue row of an item name or alias, or ``None``."""
        key = self.lookup.get(_norm_name(name))
        return None if key is None else self.table.loc[key]

    def suggest(self, name: Any, n: int = 3) -> list[str]:
        """Close catalogue names, for a hint."""
        hits = difflib.get_close_matches(_norm_name(name), list(self.lookup), n=n, cutoff=0.5)
        return list(dict.fromkeys(self.lookup[h] for h in hits))


_CATALOGUE_COLUMNS = ("item_zh", "item_en", "aliases", "group", "subgroup", "default_unit", "eco_product", "note")


def load_product_catalogue(source: str | Path | pd.DataFrame | ProductCatalogue | None = None) -> ProductCatalogue:
    """Load the shipped product catalogue, or a user one (CSV path or DataFrame).

    A user catalogue has the shipped columns
    (``item_zh,item_en,aliases,group,subgroup,default_unit,eco_product,note``);
    to extend the shipped one, concatenate it with your rows.

    Raises
    ------
    InputFileError
        Missing columns, an unknown group, a unit that does not parse, a bad
        ``eco_product`` flag.
    DuplicateRows
        A name or alias used by two items.
    """
    if isinstance(source, ProductCatalogue):
        return source
    if source is None:
        return _shipped_catalogue()
    if isinstance(source, pd.DataFrame):
        return _build_catalogue(source.copy(), "<catalogue>")
    return _build_catalogue(read_table(source, dtype=str), str(source))


@lru_cache(maxsize=1)
def _shipped_catalogue() -> ProductCatalogue:
    frame = pd.read_csv(_CATALOGUE_PATH, dtype=str, keep_default_na=False, encoding="utf-8")
    return _build_catalogue(frame, str(_CATALOGUE_PATH))


def _build_catalogue(frame: pd.DataFrame, file: str) -> ProductCatalogue:
    frame = frame.fillna("")
    missing = [c for c in _CATALOGUE_COLUMNS if c not in frame.columns and c != "note"]
    if missing:
        raise InputFileError(problem(
            "missing_columns", f"产品目录缺少列：{', '.join(missing)}", f"product catalogue lacks columns: {', '.join(missing)}",
            file=file, row=1, value=missing, hint_zh=f"首行应为：{','.join(_CATALOGUE_COLUMNS)}",
            hint_en=f"the header must be: {','.join(_CATALOGUE_COLUMNS)}"))
    if "note" not in frame.columns:
        frame["note"] = ""
    problems: list[Problem] = []
    dup: list[Problem] = []
    lookup: dict[str, str] = {}
    flags = []
    for i, row in frame.reset_index(drop=True).iterrows():
        r = csv_row(i)
        if row["group"] not in GROUPS or row["group"] == "farm_sectors":
            problems.append(problem("unknown_group", f"未知的产品类别 {row['group']!r}", f"unknown product group {row['group']!r}",
                                    file=file, row=r, column="group", value=row["group"],
                                    hint_zh=f"可用类别：{', '.join(g for g in GROUPS if g != 'farm_sectors')}",
                                    hint_en=f"groups: {', '.join(g for g in GROUPS if g != 'farm_sectors')}"))
        try:
            unit_factor(row["default_unit"], row["default_unit"])
        except (ValueError, pint.DimensionalityError):
            problems.append(problem("bad_unit", f"无法解析单位 {row['default_unit']!r}", f"unit {row['default_unit']!r} does not parse",
                                    file=file, row=r, column="default_unit", value=row["default_unit"]))
        flag = str(row["eco_product"]).strip().lower()
        if flag not in ("true", "false", "1", "0", "yes", "no", "是", "否"):
            problems.append(problem("bad_flag", f"eco_product 应为 true/false，而不是 {row['eco_product']!r}",
                                    f"eco_product must be true/false, not {row['eco_product']!r}",
                                    file=file, row=r, column="eco_product", value=row["eco_product"]))
        flags.append(flag in ("true", "1", "yes", "是"))
        names = [row["item_zh"], row["item_en"], *str(row["aliases"]).split("|")]
        for n in names:
            key = _norm_name(n)
            if not key:
                continue
            if key in lookup and lookup[key] != row["item_zh"]:
                dup.append(problem("duplicate_alias", f"名称 {n!r} 同时属于 {lookup[key]} 与 {row['item_zh']}",
                                   f"name {n!r} belongs to both {lookup[key]} and {row['item_zh']}",
                                   file=file, row=r, column="aliases", value=n,
                                   hint_zh="每个名称只能指向一个产品", hint_en="each name may point to one item only"))
            lookup.setdefault(key, row["item_zh"])
    if problems:
        raise InputFileError(problems)
    if dup:
        raise DuplicateRows(dup)
    frame = frame.reset_index(drop=True).assign(eco_product=flags)
    if frame["item_zh"].duplicated().any():
        raise DuplicateRows([problem("duplicate_item", f"产品 {n} 重复", f"item {n} appears twice", file=file,
                                     value=n) for n in frame.loc[frame["item_zh"].duplicated(), "item_zh"]])
    return ProductCatalogue(frame.set_index("item_zh", drop=False), lookup)


# --------------------------------------------------------------------------------------------
# reading

class StatisticsResult(NamedTuple):
    """What :func:`read_statistics` returns: ``table, report = read_statistics(...)``.

    Attributes
    ----------
    table : pandas.DataFrame
        Tidy rows, one per product (region, year): ``region, year, item,
        item_input, item_en, group, subgroup, eco_product, quantity,
        quantity_unit, price, price_unit, output_value`` (元), ``value_basis,
        intermediate_consumption`` (元), ``status, source, source_row``.
    report : pandas.DataFrame
        One row per input row: ``source_row, row, region, item_input, item,
        group, outcome, output_value`` (元), ``detail``. ``outcome`` is
        ``item``, ``total_checked``, ``total_kept``, ``total_ignored``,
        ``total_unchecked`` or ``blank``.
    """

    table: pd.DataFrame
    report: pd.DataFrame


_ERROR_ORDER = (UnknownProduct, UnitError, DuplicateRows, StatisticsError)


@lru_cache(maxsize=None)
def _combined_error(classes: tuple[type, ...]) -> type:
    if len(classes) == 1:
        return classes[0]
    return type("StatisticsProblems", classes, {
        "__doc__": "Several kinds of problems in one statistics table; an instance of each kind's class.",
        "__module__": __name__})


def _raise(problems: list[tuple[type, Problem]]) -> None:
    if not problems:
        return
    classes = tuple(c for c in _ERROR_ORDER if any(k is c for k, _ in problems))
    classes += tuple(dict.fromkeys(k for k, _ in problems if k not in classes))
    raise _combined_error(classes)([p for _, p in problems])


def _to_number(raw: Any) -> float | None | str:
    """Float, ``None`` for an empty cell, or the raw text when it is not a number."""
    if raw is None:
        return None
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
        return None if math.isnan(float(raw)) else float(raw)
    s = unicodedata.normalize("NFKC", str(raw)).strip()
    if s.lower() in _MISSING_TOKENS:
        return None
    s2 = s.replace(",", "").replace(" ", "")
    try:
        return float(s2)
    except ValueError:
        return s


def _text(raw: Any) -> str | None:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    s = str(raw).strip()
    return s or None


def _read_frame(path: Path, sheet) -> tuple[pd.DataFrame, str]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = read_table(path, sheet=sheet, dtype=object)
        return frame, f"{path}[{sheet if sheet is not None else _first_sheet(path)}]"
    read_table(path, dtype=str)  # typed errors: missing file, not UTF-8, not a CSV table
    text = path.read_bytes().decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), dtype=str, skip_blank_lines=False, keep_default_na=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, str(path)


def _first_sheet(path: Path) -> str:
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            return wb.sheetnames[0]
        finally:
            wb.close()
    except Exception:  # pragma: no cover - the sheet name is only decoration
        return "0"


def _map_headers(columns, file: str) -> tuple[dict[str, str], dict[str, str | None], list[str]]:
    lookup = _header_lookup()
    mapping: dict[str, str] = {}          # canonical -> original header
    header_units: dict[str, str | None] = {}
    ignored: list[str] = []
    dups: list[Problem] = []
    for col in columns:
        label, unit = _split_header(col)
        canon = lookup.get(_norm_name(label))
        if canon is None and unit is not None:
            canon = lookup.get(_norm_name(col))
            unit = None if canon else unit
        if canon is None:
            ignored.append(col)
            continue
        if canon in mapping:
            dups.append(problem("duplicate_columns", f"列 {mapping[canon]!r} 与 {col!r} 含义相同（{canon}）",
                                f"columns {mapping[canon]!r} and {col!r} mean the same ({canon})",
                                file=file, row=1, column=col, value=col,
                                hint_zh="删除或改名其中一列", hint_en="remove or rename one of them"))
            continue
        mapping[canon] = col
        header_units[canon] = unit
    if dups:
        raise InputFileError(dups)
    missing = [c for c in ("item",) if c not in mapping]
    if not ({"quantity", "output_value"} & set(mapping)):
        missing.append("quantity|output_value")
    if missing:
        raise InputFileError(problem(
            "missing_columns", f"缺少列：{', '.join(missing)}（现有列：{', '.join(map(str, columns))}）",
            f"missing columns: {', '.join(missing)} (columns present: {', '.join(map(str, columns))})",
            file=file, row=1, value=missing,
            hint_zh="至少需要 项目 列，以及 产量 或 产值 列（可写为 产量(吨)、产值(万元)）",
            hint_en="an item column and a quantity or output value column are needed "
                    "(units may go in the header: 产量(吨), 产值(万元))"))
    return mapping, header_units, ignored


def read_statistics(path: str | Path, sheet: str | int | None = None, catalogue=None, *,
                    default_region: str | None = None, require_value: bool = True,
                    total_rtol: float = 0.005) -> StatisticsResult:
    """Read a yearbook-style statistics table into tidy, canonical rows.

    Parameters
    ----------
    path : path-like
        CSV (UTF-8) or Excel (``.xlsx``) file.
    sheet : str or int, optional
        Excel sheet; the first one by default.
    catalogue : path-like, DataFrame or ProductCatalogue, optional
        Product catalogue; the shipped ``products.csv`` by default.
    default_region : str, optional
        Region of every row when the table has no region column.
    require_value : bool
        When ``True`` (default) a row needs an output value, or a quantity and
        a price; when ``False`` a quantity alone is accepted (prices can then
        come from :func:`provisioning_by_group`'s ``prices``). Tourist visits
        never need a price.
    total_rtol : float
        Relative tolerance of the total-vs-parts checks. [1]

    Returns
    -------
    StatisticsResult
        ``(table, report)``; see :class:`StatisticsResult`. ``quantity`` is in
        the catalogue's ``default_unit`` of the item, ``price`` in 元 per that
        unit, ``output_value`` in 元. ``source_row`` is ``file:row`` or
        ``file[sheet]:row`` with spreadsheet row numbers (header = 1).

    Raises
    ------
    InputFileError
        Missing file, not UTF-8, missing columns, two columns meaning the same.
    UnknownProduct, UnitError, DuplicateRows, StatisticsError
        Every problem of the table at once; when there are several kinds the
        exception is an instance of each kind's class (``err.codes`` lists
        them): unknown items, units that do not convert or are missing,
        numbers that are not numbers or are negative, rows without a value,
        duplicate (region, year, item) rows, totals that contradict their parts.
    """
    path = Path(path)
    cat = load_product_catalogue(catalogue)
    frame, file = _read_frame(path, sheet)
    mapping, header_units, ignored = _map_headers(frame.columns, file)
    if "region" not in mapping and default_region is None:
        raise InputFileError(problem(
            "missing_columns", "缺少 地区 列", "missing column: region", file=file, row=1, value=["region"],
            hint_zh="添加 地区 列，或调用时给出 default_region", hint_en="add a region column or pass default_region"))

    problems: list[tuple[type, Problem]] = []
    records: list[dict] = []
    report: list[dict] = []

    def where(r, canon):
        return dict(file=file, row=r, column=mapping.get(canon, canon))

    for i in range(len(frame)):
        r = csv_row(i)
        src = f"{file}:{r}"
        raw = {canon: frame.iloc[i][col] for canon, col in mapping.items()}
        values_present = [raw.get(c) for c in raw]
        if all(_text(v) is None for v in values_present):
            report.append(dict(source_row=src, row=r, region=None, item_input=None, item=None, group=None,
                               outcome="blank", output_value=np.nan, detail="empty row skipped"))
            continue
        item_input = _text(raw.get("item"))
        region = _text(raw.get("region")) if "region" in mapping else None
        region = region if region is not None else default_region
        year = _to_number(raw.get("year")) if "year" in mapping else None
        year = int(year) if isinstance(year, float) and year.is_integer() else year
        base = dict(source_row=src, row=r, region=region, item_input=item_input)
        n_before = len(problems)
        if region is None:
            problems.append((StatisticsError, problem(
                "missing_region", "地区为空", "region is empty", **where(r, "region"),
                hint_zh="填写地区（与 regions 表的 id 一致）", hint_en="fill in the region (an id of the regions table)")))
        if item_input is None:
            problems.append((StatisticsError, problem(
                "missing_item", "项目为空", "item is empty", **where(r, "item"),
                hint_zh="填写产品名称", hint_en="fill in the product name")))
            report.append({**base, "item": None, "group": None, "outcome": "error", "output_value": np.nan,
                           "detail": "item is empty"})
            continue

        # what is this row?
        key = _norm_name(item_input)
        scope = TOTAL_NAMES.get(key)
        entry = None
        if scope is None:
            entry = cat.match(item_input)
            if entry is None:
                sugg = cat.suggest(item_input)
                problems.append((UnknownProduct, problem(
                    "unknown_product", f"产品目录中没有 {item_input!r}", f"item {item_input!r} is not in the product catalogue",
                    **where(r, "item"), value=item_input,
                    hint_zh=("是否指 " + "、".join(sugg) + "？" if sugg else "") + "改用目录中的名称或别名，或扩展产品目录（catalogue=）",
                    hint_en=(f"did you mean {', '.join(sugg)}? " if sugg else "")
                    + "use a catalogue name or alias, or extend the catalogue (catalogue=)")))
                report.append({**base, "item": None, "group": None, "outcome": "error", "output_value": np.nan,
                               "detail": "unknown product"})
                continue
            sub = str(entry["subgroup"])
            if sub == "total":
                scope = f"group:{entry['group']}"
            elif sub.startswith("total:"):
                scope = f"subgroup:{entry['group']}:{sub.split(':', 1)[1]}"
        item = entry["item_zh"] if entry is not None else item_input
        unit_target = entry["default_unit"] if entry is not None else None

        # numbers
        nums: dict[str, float | None] = {}
        for c in _VALUE_COLUMNS:
            if c not in mapping:
                nums[c] = None
                continue
            v = _to_number(raw[c])
            if isinstance(v, str):
                problems.append((StatisticsError, problem(
                    "not_a_number", f"{_COLUMN_ZH.get(c, c)} 不是数字：{v!r}", f"{c} is not a number: {v!r}",
                    **where(r, c), value=v, hint_zh="只填数字（单位写在单位列或列名括号中）",
                    hint_en="write a plain number (units go in the unit column or the header)")))
                v = None
            elif v is not None and v < 0:
                problems.append((StatisticsError, problem(
                    "negative_value", f"{_COLUMN_ZH.get(c, c)} 为负数：{v:g}", f"negative {c}: {v:g}",
                    **where(r, c), value=v, hint_zh="产量、价格与产值不能为负", hint_en="quantities, prices and values cannot be negative")))
                v = None
            nums[c] = v

        def unit_of(c):
            u = _text(raw.get(_UNIT_OF[c])) if _UNIT_OF[c] in mapping else None
            return u if u is not None else header_units.get(c)

        # an item recorded by value, given in the quantity column with a money unit: it is a value
        q_unit = unit_of("quantity")
        if (nums["quantity"] is not None and nums["output_value"] is None and q_unit and _is_money(q_unit)
                and (unit_target is None or _is_money(unit_target))):
            nums["output_value"], nums["quantity"] = nums["quantity"], None
            moved_unit = q_unit
        else:
            moved_unit = None

        converted: dict[str, float | None] = {}
        targets = {"quantity": unit_target, "price": None if unit_target is None else f"元/{unit_target}",
                   "output_value": "元", "intermediate_consumption": "元"}
        for c in _VALUE_COLUMNS:
            v = nums[c]
            if v is None:
                converted[c] = None
                continue
            u = moved_unit if (c == "output_value" and moved_unit) else unit_of(c)
            tgt = targets[c]
            if tgt is None:  # the quantity of a 合计 row: no unit to check against
                converted[c] = None
                continue
            if u is None:
                problems.append((UnitError, problem(
                    "missing_unit", f"{_COLUMN_ZH.get(c, c)} 没有单位", f"{c} has no unit",
                    **where(r, c), value=v, hint_zh=f"在单位列或列名括号中写明单位，如 {_COLUMN_ZH.get(c, c)}({tgt})",
                    hint_en=f"give the unit in a unit column or in the header, e.g. {c} ({tgt})")))
                converted[c] = None
                continue
            try:
                converted[c] = v * unit_factor(u, tgt)
            except ValueError:
                problems.append((UnitError, problem(
                    "bad_unit", f"无法解析单位 {u!r}", f"unit {u!r} does not parse", **where(r, _UNIT_OF[c]),
                    value=u, hint_zh=f"使用可识别的单位，如 {tgt}", hint_en=f"use a known unit such as {tgt}")))
                converted[c] = None
            except pint.DimensionalityError:
                zh_hint = ("金额请填入 产值 列" if c == "quantity" and _is_money(u)
                           else f"{item} 的{_COLUMN_ZH.get(c, c)}应能换算为 {tgt}")
                en_hint = ("put money in the output value column" if c == "quantity" and _is_money(u)
                           else f"{c} of {item} must convert to {tgt}")
                problems.append((UnitError, problem(
                    "unit_mismatch", f"{item} 的{_COLUMN_ZH.get(c, c)}单位 {u!r} 无法换算为 {tgt}",
                    f"{c} unit {u!r} of {item} does not convert to {tgt}", **where(r, _UNIT_OF[c]),
                    value=u, hint_zh=zh_hint, hint_en=en_hint)))
                converted[c] = None

        q, p, ov = converted["quantity"], converted["price"], converted["output_value"]
        detail = []
        if ov is not None:
            value, basis = ov, "output_value"
            if q is not None and p is not None:
                qp = q * p
                if not math.isclose(qp, ov, rel_tol=0.01):
                    detail.append(f"quantity×price = {qp:.6g} 元 differs from output value {ov:.6g} 元; output value used")
        elif q is not None and p is not None:
            value, basis = q * p, "quantity×price"
        else:
            value, basis = np.nan, "quantity only"
            visits = entry is not None and str(entry["subgroup"]) == "visits"
            deferred = scope is not None and q is not None  # a total: checked later, valued only if kept
            if len(problems) == n_before and not (q is not None and (visits or deferred or not require_value)):
                what = "有产量但没有价格和产值" if q is not None else "既没有产量×价格，也没有产值"
                problems.append((StatisticsError, problem(
                    "no_value", f"{item}：{what}", f"{item}: "
                    + ("a quantity without price and without output value" if q is not None
                       else "neither quantity × price nor an output value"),
                    **where(r, "price" if q is not None else "output_value"), value=item_input,
                    hint_zh="补充单价（及价格单位）或产值（及产值单位）",
                    hint_en="add a price (with its unit) or an output value (with its unit)")))

        if len(problems) > n_before:
            report.append({**base, "item": item, "group": None if entry is None else entry["group"],
                           "outcome": "error", "output_value": np.nan, "detail": "; ".join(p.code for _, p in problems[n_before:])})
            continue

        records.append(dict(
            region=region, year=year, item=item, item_input=item_input,
            item_en=None if entry is None else entry["item_en"],
            group=None if entry is None else entry["group"],
            subgroup=None if entry is None else entry["subgroup"],
            eco_product=None if entry is None else bool(entry["eco_product"]),
            quantity=np.nan if q is None else q, quantity_unit=unit_target,
            price=np.nan if p is None else p, price_unit=None if unit_target is None else f"元/{unit_target}",
            output_value=value, value_basis=basis,
            intermediate_consumption=np.nan if converted["intermediate_consumption"] is None
            else converted["intermediate_consumption"],
            status=_text(raw.get("status")), source=_text(raw.get("source")),
            source_row=src, row=r, scope=scope, detail="; ".join(detail)))

    # duplicates
    seen: dict[tuple, dict] = {}
    for rec in records:
        k = (rec["region"], rec["year"], rec["item"] if rec["scope"] is None or rec["group"] else _norm_name(rec["item"]))
        if k in seen:
            first = seen[k]
            problems.append((DuplicateRows, problem(
                "duplicate_row", f"{rec['region']} 的 {rec['item']} 重复（第 {first['row']} 行已有，输入为 {first['item_input']!r}）",
                f"duplicate row for {rec['item']} in {rec['region']} (already in row {first['row']} as {first['item_input']!r})",
                file=file, row=rec["row"], column=mapping["item"], value=rec["item_input"],
                hint_zh="同一地区、年份的同一产品只能有一行：合并或删除", hint_en="one row per product, region and year: merge or delete")))
            rec["duplicate"] = True
        else:
            seen[k] = rec
    records = [rec for rec in records if not rec.get("duplicate")]

    # totals
    kept, checks = _resolve_totals(records, total_rtol, file, mapping)
    for cls_prob in checks["problems"]:
        problems.append(cls_prob)
    if require_value:
        for rec in kept:
            if rec["scope"] is not None and math.isnan(rec["output_value"]):
                problems.append((StatisticsError, problem(
                    "no_value", f"{rec['item']}：有产量但没有价格和产值（且未列出分项）",
                    f"{rec['item']}: a quantity without price and without output value (and no parts listed)",
                    file=file, row=rec["row"], column=mapping.get("price", "price"), value=rec["item_input"],
                    hint_zh="补充单价或产值，或列出其分项", hint_en="add a price or an output value, or list its parts")))

    _raise(problems)

    outcome = checks["outcome"]
    for rec in records:
        out, det = outcome.get(id(rec), ("item", ""))
        report.append(dict(source_row=rec["source_row"], row=rec["row"], region=rec["region"],
                           item_input=rec["item_input"], item=rec["item"], group=rec["group"], outcome=out,
                           output_value=rec["output_value"],
                           detail="; ".join(x for x in (rec["detail"], det) if x) or rec["value_basis"]))
    report_frame = pd.DataFrame(report, columns=["source_row", "row", "region", "item_input", "item", "group",
                                                 "outcome", "output_value", "detail"])
    report_frame = report_frame.sort_values("row", kind="stable").reset_index(drop=True)
    report_frame.attrs["ignored_columns"] = list(ignored)

    cols = ["region", "year", "item", "item_input", "item_en", "group", "subgroup", "eco_product", "quantity",
            "quantity_unit", "price", "price_unit", "output_value", "value_basis", "intermediate_consumption",
            "status", "source", "source_row"]
    table = pd.DataFrame([{c: rec[c] for c in cols} for rec in kept], columns=cols)
    for c in ("quantity", "price", "output_value", "intermediate_consumption"):
        table[c] = table[c].astype(float)
    return StatisticsResult(table.reset_index(drop=True), report_frame)


def _sum_parts(total: dict, parts: list[dict]) -> tuple[str, float, float] | None:
    """(what, total, sum of parts) for the best comparable measure, or None."""
    if not math.isnan(total["output_value"]) and all(not math.isnan(p["output_value"]) for p in parts):
        return "output_value", total["output_value"], float(sum(p["output_value"] for p in parts))
    if (not math.isnan(total["quantity"]) and total["quantity_unit"] is not None
            and all(not math.isnan(p["quantity"]) for p in parts)):
        try:
            s = sum(p["quantity"] * unit_factor(p["quantity_unit"], total["quantity_unit"]) for p in parts)
        except (ValueError, pint.DimensionalityError, TypeError):
            return None
        return "quantity", total["quantity"], float(s)
    return None


def _resolve_totals(records: list[dict], rtol: float, file: str, mapping: dict):
    outcome: dict[int, tuple[str, str]] = {}
    probs: list[tuple[type, Problem]] = []

    def check(total: dict, parts: list[dict]):
        cmp = _sum_parts(total, parts)
        names = "、".join(str(p["item"]) for p in parts)
        if cmp is None:
            outcome[id(total)] = ("total_unchecked", f"total not checked: its parts ({names}) lack comparable values")
            return
        what, t, s = cmp
        unit = "元" if what == "output_value" else total["quantity_unit"]
        if abs(t - s) > rtol * max(abs(t), abs(s)):
            probs.append((StatisticsError, problem(
                "total_mismatch",
                f"{total['item_input']} 为 {t:.6g} {unit}，而其分项（{names}）合计 {s:.6g} {unit}，相差 {t - s:.6g} {unit}",
                f"{total['item_input']} is {t:.6g} {unit} but its parts ({names}) add up to {s:.6g} {unit} "
                f"(difference {t - s:.6g} {unit})",
                file=file, row=total["row"], column=mapping.get(what, what), value=t,
                hint_zh="更正合计或分项，或补充缺少的分项（如 其他…）",
                hint_en="correct the total or the parts, or add the missing part (e.g. 其他… / other …)")))
            outcome[id(total)] = ("error", "total contradicts parts")
        else:
            outcome[id(total)] = ("total_checked", f"{what} total {t:.6g} {unit} = parts {s:.6g} {unit}; not counted again")

    def settle(totals: list[dict], parts: list[dict], group: str | None = None) -> list[dict]:
        """Check ``totals`` against ``parts``; returns the effective rows of the scope."""
        if parts:
            for t in totals:
                check(t, parts)
            return parts
        if not totals:
            return []
        first = totals[0]
        if group is not None:
            first["group"] = group
        outcome[id(first)] = ("total_kept", "total without listed parts: stands for them")
        for t in totals[1:]:
            check(t, [first])
        return [first]

    by_key: dict[tuple, list[dict]] = {}
    for rec in records:
        by_key.setdefault((rec["region"], rec["year"]), []).append(rec)

    kept: list[dict] = []
    for _, recs in by_key.items():
        effective: list[dict] = []
        groups = list(dict.fromkeys(r["group"] for r in recs if r["group"] is not None))
        for g in groups:
            in_g = [r for r in recs if r["group"] == g]
            leaves = [r for r in in_g if r["scope"] is None]
            eff_g: list[dict] = []
            sub_totals = [r for r in in_g if str(r["scope"]).startswith("subgroup:")]
            subs = list(dict.fromkeys(str(r["scope"]).split(":", 2)[2] for r in sub_totals))
            covered = set()
            for s in subs:
                totals = [r for r in sub_totals if str(r["scope"]).split(":", 2)[2] == s]
                parts = [r for r in leaves if r["subgroup"] == s]
                covered.update(id(p) for p in parts)
                eff_g += settle(totals, parts)
            eff_g += [r for r in leaves if id(r) not in covered]
            group_totals = [r for r in in_g if str(r["scope"]).startswith("group:")]
            eff_g = settle(group_totals, eff_g)
            effective += eff_g
        farm_totals = [r for r in recs if r["scope"] == "farm"]
        farm_parts = [r for r in effective if r["group"] in _FARM_GROUPS or r["subgroup"] == "farm_services"]
        kept_farm = settle(farm_totals, farm_parts, group="farm_sectors")
        if not farm_parts and kept_farm:
            kept_farm[0]["subgroup"] = "total"
            kept_farm[0]["eco_product"] = True
            kept_farm[0]["quantity"] = np.nan
            effective += kept_farm
        grand = [r for r in recs if r["scope"] == "grand"]
        if effective:
            for t in grand:
                check(t, effective)
        else:
            for t in grand:
                outcome[id(t)] = ("total_ignored", "合计 without parts cannot be classified: ignored")
        kept += sorted(effective, key=lambda r: r["row"])
    return kept, {"outcome": outcome, "problems": probs}


# --------------------------------------------------------------------------------------------
# valuation

def _table(stats) -> pd.DataFrame:
    if isinstance(stats, StatisticsResult):
        return stats.table
    if isinstance(stats, tuple) and len(stats) == 2 and isinstance(stats[0], pd.DataFrame):
        return stats[0]
    if isinstance(stats, pd.DataFrame):
        return stats
    raise TypeError("stats must be the result of read_statistics or its table")


def _lookup(param, row: pd.Series, name: str, keys=("item", "subgroup", "group")):
    """Scalar, or mapping keyed by item, subgroup, group or region (first hit)."""
    if param is None or np.isscalar(param):
        return param
    if isinstance(param, Mapping):
        for k in (*keys, "region"):
            v = row.get(k)
            if v is not None and v in param:
                return param[v]
        return param.get("*", None)
    raise TypeError(f"{name} must be a number or a mapping, not {type(param).__name__}")


def _price_table(prices) -> dict:
    """item (or (region, item)) -> price in 元 per the item's default unit (converted later)."""
    if prices is None:
        return {}
    if isinstance(prices, Mapping):
        return {k: (float(v), None) for k, v in prices.items()}
    frame = pd.DataFrame(prices)
    need = {"item", "price"}
    if not need <= set(frame.columns):
        raise InputFileError(problem("missing_columns", "价格表需要 item、price 列（可选 price_unit、region）",
                                     "the price table needs item and price columns (price_unit and region optional)",
                                     value=list(frame.columns)))
    out = {}
    for _, r in frame.iterrows():
        key = (r["region"], r["item"]) if "region" in frame.columns and _text(r["region"]) else r["item"]
        out[key] = (float(r["price"]), _text(r.get("price_unit")) if "price_unit" in frame.columns else None)
    return out


def provisioning_by_group(stats, prices=None, method: str = "gross", external_share=None, *,
                          intermediate_share=None, eco_only: bool = True,
                          catalogue=None) -> pd.DataFrame:
    """Value provisioning services (物质产品) by region × group × item.

    Parameters
    ----------
    stats : StatisticsResult or DataFrame
        Output of :func:`read_statistics` (or its table).
    prices : mapping or DataFrame, optional
        Prices that replace the table's: ``{item: price}`` in 元 per the
        item's canonical unit, or a frame ``item, price[, price_unit][, region]``.
        Applied to rows that have a quantity (value = quantity × price). [元/unit]
    method : {"gross", "net"}
        ``"gross"`` (default): gross output value (总产值) -- what most later
        standards and county accounts use [U], and what yearbooks publish.
        ``"net"``: net output value (净产值 = gross − intermediate consumption)
        of farm, forest, livestock and fishery products, as Garzé (2017) did;
        needs an ``intermediate_consumption`` column in the statistics or
        ``intermediate_share``. Water and energy are valued gross either way.
    external_share : float or mapping, optional
        Share of value originating outside the region (GB/T 46869—2025
        deduction): a number, or a mapping by item, subgroup, group or region. [1]
    intermediate_share : float or mapping, optional
        Intermediate consumption as a share of gross output (for ``"net"``),
        by item, subgroup, group or region. [1]
    eco_only : bool
        Drop items the catalogue does not count as eco-products (``eco_product
        = false``: 生态用水, 农林牧渔服务业, wind and solar power).
    catalogue : optional
        Catalogue used to convert ``price_unit`` of a price frame.

    Returns
    -------
    pandas.DataFrame
        ``region, year, group, subgroup, item, quantity, quantity_unit, price,
        gross_value, intermediate_consumption, external_share, value, method,
        basis, source_row``; ``value`` in 元.

    Raises
    ------
    StatisticsError
        A row without a value, or ``"net"`` without intermediate consumption.
    """
    if method not in ("gross", "net"):
        raise ValueError(f"method must be 'gross' or 'net', not {method!r}")
    t = _table(stats)
    t = t[t["group"].isin(PROVISIONING_GROUPS)]
    if eco_only:
        t = t[t["eco_product"].astype(bool)]
    price_map = _price_table(prices)
    problems: list[Problem] = []
    rows = []
    for _, r in t.iterrows():
        q, value, basis = r["quantity"], r["output_value"], r["value_basis"]
        price = r["price"]
        hit = price_map.get((r["region"], r["item"]), price_map.get(r["item"]))
        if hit is not None and not math.isnan(q):
            p, pu = hit
            if pu is not None:
                p = p * unit_factor(pu, f"元/{r['quantity_unit']}")
            price, value, basis = p, float(_prov.product_value(q, p)), "quantity×price (price table)"
        if value is None or math.isnan(value):
            problems.append(problem("no_value", f"{r['region']} 的 {r['item']} 没有产值或价格",
                                    f"{r['item']} in {r['region']} has no output value and no price",
                                    file=r["source_row"], value=r["item"],
                                    hint_zh="在统计表中补充价格或产值，或通过 prices= 给出价格",
                                    hint_en="add a price or output value to the table, or pass prices="))
            continue
        gross = value
        ic = np.nan
        if method == "net" and r["group"] in (*_FARM_GROUPS, "farm_sectors"):
            ic = r["intermediate_consumption"]
            if math.isnan(ic):
                share = _lookup(intermediate_share, r, "intermediate_share")
                if share is None:
                    problems.append(problem("no_intermediate_consumption",
                                            f"{r['item']}：净产值法需要中间消耗", f"{r['item']}: the net method needs intermediate consumption",
                                            file=r["source_row"], value=r["item"],
                                            hint_zh="在统计表中加 中间消耗 列，或给出 intermediate_share",
                                            hint_en="add an intermediate_consumption column or pass intermediate_share"))
                    continue
                ic = float(_prov.ecosystem_share_value(gross, share))
            value = float(_prov.net_output_value(gross, ic))
        ext = _lookup(external_share, r, "external_share")
        ext = 0.0 if ext is None else float(ext)
        value = float(_prov.external_inflow_deduction(value, ext))
        rows.append(dict(region=r["region"], year=r.get("year"), group=r["group"], subgroup=r["subgroup"],
                         item=r["item"], quantity=q, quantity_unit=r["quantity_unit"], price=price,
                         gross_value=gross, intermediate_consumption=ic, external_share=ext, value=value,
                         method=f"market_value:{method}", basis=basis, source_row=r["source_row"]))
    if problems:
        raise StatisticsError(problems)
    cols = ["region", "year", "group", "subgroup", "item", "quantity", "quantity_unit", "price", "gross_value",
            "intermediate_consumption", "external_share", "value", "method", "basis", "source_row"]
    return pd.DataFrame(rows, columns=cols)


def cultural_values(stats, method: str = "revenue", *, eco_share=1.0, travel_cost_per_visit=None,
                    time_cost_per_visit=0.0, consumer_surplus_per_visit=0.0, premium_rate=None,
                    landscape_share=1.0, includes_premium: bool = True, annual_rate=None) -> pd.DataFrame:
    """Value cultural services (文化服务) by region × group × item.

    Parameters
    ----------
    stats : StatisticsResult or DataFrame
        Output of :func:`read_statistics`.
    method : {"revenue", "travel_cost"}
        Recreation method. ``"revenue"``: tourism revenue × ``eco_share``
        (:func:`gep.compute.cultural.tourism_revenue_value`); a region's
        生态旅游收入, when given, is used at face value instead of its
        旅游总收入. ``"travel_cost"``: visits × (travel cost + time cost +
        consumer surplus) per visit × ``eco_share``
        (:func:`gep.compute.cultural.travel_cost_value`, 白洋淀 variant).
    eco_share : float or mapping
        Share of recreation attributable to ecosystems; 1 by default, which
        counts all of 旅游总收入 (as an account that values tourism revenue
        wholesale does) -- lower it for cultural or urban tourism. [1]
    travel_cost_per_visit, time_cost_per_visit, consumer_surplus_per_visit : float or mapping
        Per-visit amounts for ``"travel_cost"`` (by region if a mapping). [元/人次]
    premium_rate : float or mapping, optional
        Hedonic premium rate applied to 景观受益房产价值 rows
        (:func:`gep.compute.cultural.landscape_premium`). [1]
    landscape_share : float or mapping
        Share of the premium attributable to ecosystems. [1]
    includes_premium : bool
        Whether the property value includes the premium.
    annual_rate : float, optional
        Annualisation rate of the capitalised premium. [1/a]

    Returns
    -------
    pandas.DataFrame
        ``region, year, group, subgroup, item, quantity, value, method, share,
        basis, source_row``; ``value`` in 元, ``quantity`` in 人次 for visits.
    """
    if method not in ("revenue", "travel_cost"):
        raise ValueError(f"method must be 'revenue' or 'travel_cost', not {method!r}")
    t = _table(stats)
    t = t[t["group"].isin(CULTURAL_GROUPS) & t["eco_product"].astype(bool)]
    problems: list[Problem] = []
    rows = []

    def add(r, value, meth, share, basis, quantity=np.nan):
        rows.append(dict(region=r["region"], year=r.get("year"), group=r["group"], subgroup=r["subgroup"],
                         item=r["item"], quantity=quantity, value=float(value), method=meth, share=share,
                         basis=basis, source_row=r["source_row"]))

    tour = t[t["group"] == "tourism"]
    for (region, year), g in tour.groupby(["region", tour["year"].astype(str)], sort=False, dropna=False):
        if method == "revenue":
            eco = g[g["subgroup"] == "eco_revenue"]
            use = eco if len(eco) else g[g["subgroup"] == "revenue"]
            for _, r in use.iterrows():
                share = 1.0 if r["subgroup"] == "eco_revenue" else float(_lookup(eco_share, r, "eco_share"))
                add(r, _cul.tourism_revenue_value(r["output_value"], share), "tourism_revenue", share,
                    "生态旅游收入 at face value" if r["subgroup"] == "eco_revenue" else "旅游总收入 × eco_share")
        else:
            for _, r in g[g["subgroup"] == "visits"].iterrows():
                tc = _lookup(travel_cost_per_visit, r, "travel_cost_per_visit", keys=())
                if tc is None:
                    problems.append(problem("no_travel_cost", f"{region}：旅行费用法需要人均旅行费用",
                                            f"{region}: the travel-cost method needs travel_cost_per_visit",
                                            file=r["source_row"], hint_zh="给出 travel_cost_per_visit（元/人次）",
                                            hint_en="pass travel_cost_per_visit (元/人次)"))
                    continue
                wc = _lookup(time_cost_per_visit, r, "time_cost_per_visit", keys=())
                cs = _lookup(consumer_surplus_per_visit, r, "consumer_surplus_per_visit", keys=())
                share = float(_lookup(eco_share, r, "eco_share"))
                v = _cul.travel_cost_value(r["quantity"], tc, wc or 0.0, cs or 0.0, share)
                add(r, v, "travel_cost", share, f"visits × ({tc:g} + {wc or 0:g} + {cs or 0:g}) 元/人次",
                    quantity=r["quantity"])
    for _, r in t[t["group"] == "landscape"].iterrows():
        share = float(_lookup(landscape_share, r, "landscape_share"))
        if r["subgroup"] == "premium":
            add(r, float(_prov.ecosystem_share_value(r["output_value"], share)), "landscape_premium", share,
                "premium value given")
        else:
            rate = _lookup(premium_rate, r, "premium_rate")
            if rate is None:
                problems.append(problem("no_premium_rate", f"{r['item']}：需要景观溢价率",
                                        f"{r['item']}: a landscape premium rate is needed", file=r["source_row"],
                                        hint_zh="给出 premium_rate", hint_en="pass premium_rate"))
                continue
            v = _cul.landscape_premium(r["output_value"], rate, share, includes_premium=includes_premium,
                                       annual_rate=annual_rate)
            add(r, v, "landscape_premium", share, f"property value × premium rate {rate:g}")
    if problems:
        raise StatisticsError(problems)
    cols = ["region", "year", "group", "subgroup", "item", "quantity", "value", "method", "share", "basis",
            "source_row"]
    return pd.DataFrame(rows, columns=cols)

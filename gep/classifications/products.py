"""The product catalogue: the products of yearbook statistics and the product groups they are valued in.

:class:`ProductCatalogue` maps an item name or alias as written in a statistics
table (稻谷, 茶叶, 香菇…) to a canonical product with its group (agriculture,
forestry… tourism), its canonical unit and whether it counts as an eco-product.
The shipped catalogue is ``gep/classifications/products.csv``; a county may
extend it (:func:`load_product_catalogue`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pint

from ..errors import DuplicateRows, InputFileError, Problem, csv_row, problem
from ..io.tables import normalise_name, read_table
from ..units import unit_factor

__all__ = ["GROUPS", "PROVISIONING_GROUPS", "CULTURAL_GROUPS", "FARM_GROUPS", "ProductCatalogue",
           "load_product_catalogue", "extended_catalogue"]

_CATALOGUE_PATH = Path(__file__).resolve().parent / "products.csv"

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
#: the four farm sectors whose undivided total is 农林牧渔业总产值
FARM_GROUPS = ("agriculture", "forestry", "livestock", "fishery")


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
        key = self.lookup.get(normalise_name(name))
        return None if key is None else self.table.loc[key]

    def suggest(self, name: Any, n: int = 3) -> list[str]:
        """Close catalogue names, for a hint."""
        hits = difflib.get_close_matches(normalise_name(name), list(self.lookup), n=n, cutoff=0.5)
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


def extended_catalogue(path: str | Path) -> ProductCatalogue:
    """The shipped catalogue extended by a county's CSV (``[statistics] catalogue = "products_extra.csv"``).

    The county file has the columns of ``products.csv``. A row whose
    ``item_zh`` is a new product adds it (every column filled: group,
    subgroup, default_unit, eco_product). A row whose ``item_zh`` is a shipped
    product adds its ``aliases`` to that product (the other columns may be left
    empty; if given they must equal the shipped ones). A name used by two
    products is an error, as in the shipped catalogue.

    Raises
    ------
    InputFileError
        Missing columns; a row redefining a shipped product's group, subgroup,
        unit or eco-product flag; the row checks of :func:`load_product_catalogue`.
    DuplicateRows
        A name or alias used by two products.
    """
    extra = read_table(path, dtype=str, required=["item_zh", "aliases"])
    first_row = extra.attrs.get("first_row", 2)
    file = extra.attrs.get("file", str(path))
    extra = extra.fillna("")
    base = _shipped_catalogue().table.reset_index(drop=True).copy()
    base["eco_product"] = base["eco_product"].map({True: "true", False: "false"})
    for col in _CATALOGUE_COLUMNS:
        if col not in extra:
            extra[col] = ""
    problems: list[Problem] = []
    rows = []
    for i, r in extra.reset_index(drop=True).iterrows():
        item = str(r["item_zh"]).strip()
        hit = base.index[base["item_zh"] == item]
        if len(hit):
            j = hit[0]
            for col in ("item_en", "group", "subgroup", "default_unit", "eco_product"):
                given = str(r[col]).strip()
                if given and given.lower() != str(base.at[j, col]).lower():
                    problems.append(problem(
                        "catalogue_redefines_item", f"县产品目录改变了内置产品 {item} 的 {col}：{given!r}（内置为 {base.at[j, col]!r}）",
                        f"the county catalogue changes {col} of the shipped product {item}: {given!r} "
                        f"(shipped: {base.at[j, col]!r})", file=file, row=csv_row(i, first_row), column=col, value=given,
                        hint_zh="只为内置产品增加别名（其他列留空），或用新的产品名称",
                        hint_en="only add aliases to a shipped product (leave the other columns empty), or use a new name"))
            aliases = [a for a in str(r["aliases"]).split("|") if a.strip()]
            base.at[j, "aliases"] = "|".join([a for a in str(base.at[j, "aliases"]).split("|") if a] + aliases)
        else:
            rows.append({**{c: str(r[c]).strip() for c in _CATALOGUE_COLUMNS}, "_row": str(csv_row(i, first_row))})
    if problems:
        raise InputFileError(problems)
    if rows:
        new = pd.DataFrame(rows)
        _build_catalogue(new, file)  # row checks of the county's new products, with their own rows
        base = pd.concat([base, new], ignore_index=True)
    return _build_catalogue(base, file)


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
        own_row = str(row.get("_row", "")).strip()
        r = int(float(own_row)) if own_row not in ("", "nan") else csv_row(i, frame.attrs.get("first_row", 2))
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
            key = normalise_name(n)
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
    frame = frame.drop(columns=["_row"], errors="ignore").reset_index(drop=True).assign(eco_product=flags)
    if frame["item_zh"].duplicated().any():
        raise DuplicateRows([problem("duplicate_item", f"产品 {n} 重复", f"item {n} appears twice", file=file,
                                     value=n) for n in frame.loc[frame["item_zh"].duplicated(), "item_zh"]])
    return ProductCatalogue(frame.set_index("item_zh", drop=False), lookup)

"""Yearbook-style statistics: what the rows of a statistics table mean, checked.

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

The file itself is read by :func:`gep.io.statistics.read_statistics_table`;
:func:`gep.services.product_values.provisioning_by_group` and
:func:`~gep.services.product_values.cultural_values` turn the checked table into
values (元) by region × group × item.

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

import math
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pint

from .classifications.products import FARM_GROUPS, load_product_catalogue
from .errors import (
    DuplicateRows,
    InputFileError,
    Problem,
    StatisticsError,
    UnitError,
    UnknownProduct,
    combined_error,
    csv_row,
    problem,
)
from .io.statistics import cell_number, cell_text, read_statistics_table
from .io.tables import normalise_name
from .units import is_money, unit_factor

__all__ = ["TOTAL_NAMES", "StatisticsResult", "read_statistics"]

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


def _raise(problems: list[tuple[type, Problem]]) -> None:
    if not problems:
        return
    classes = tuple(c for c in _ERROR_ORDER if any(k is c for k, _ in problems))
    classes += tuple(dict.fromkeys(k for k, _ in problems if k not in classes))
    raise combined_error(classes)([p for _, p in problems])


def read_statistics(path: str | Path, sheet: str | int | None = None, catalogue=None, *,
                    default_region: str | None = None, require_value: bool = True,
                    total_rtol: float = 0.005, header_row: int | None = None,
                    priced_by_set=()) -> StatisticsResult:
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
    priced_by_set : iterable of (group, subgroup)
        Items whose price the account takes from its coefficient set when the
        row gives a quantity only (water use by sector, hydropower: see
        :data:`gep.services.products.SET_PRICES`); such rows are read.
    header_row : int, optional
        Spreadsheet row of the header (first row = 1); by default the first row
        naming an item column and a quantity or output-value column (title and
        note rows above it are skipped, see :func:`gep.io.statistics.read_statistics_table`).

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
    cat = load_product_catalogue(catalogue)
    read = read_statistics_table(path, sheet, header_row)
    frame, mapping, header_units, ignored, file = read.frame, read.columns, read.header_units, read.ignored, read.file
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
        r = csv_row(i, read.first_row)
        src = f"{file}:{r}"
        raw = {canon: frame.iloc[i][canon] for canon in mapping}
        values_present = [raw.get(c) for c in raw]
        if all(cell_text(v) is None for v in values_present):
            report.append(dict(source_row=src, row=r, region=None, item_input=None, item=None, group=None,
                               outcome="blank", output_value=np.nan, detail="empty row skipped"))
            continue
        item_input = cell_text(raw.get("item"))
        region = cell_text(raw.get("region")) if "region" in mapping else None
        region = region if region is not None else default_region
        year = cell_number(raw.get("year")) if "year" in mapping else None
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
        key = normalise_name(item_input)
        scope = TOTAL_NAMES.get(key)
        entry = None
        if scope is None:
            entry = cat.match(item_input)
            if entry is None:
                sugg = cat.suggest(item_input)
                problems.append((UnknownProduct, problem(
                    "unknown_product", f"产品目录中没有 {item_input!r}", f"item {item_input!r} is not in the product catalogue",
                    **where(r, "item"), value=item_input,
                    hint_zh=("是否指 " + "、".join(sugg) + "？" if sugg else "")
                    + "改用目录中的名称或别名，或在县文件夹中扩展产品目录（配置 [statistics] catalogue = \"products_extra.csv\"）",
                    hint_en=(f"did you mean {', '.join(sugg)}? " if sugg else "")
                    + "use a catalogue name or alias, or extend the catalogue from the county folder "
                      "([statistics] catalogue = \"products_extra.csv\" in the config)")))
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
            v = cell_number(raw[c])
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
            u = cell_text(raw.get(_UNIT_OF[c])) if _UNIT_OF[c] in mapping else None
            return u if u is not None else header_units.get(c)

        # an item recorded by value, given in the quantity column with a money unit: it is a value
        q_unit = unit_of("quantity")
        if (nums["quantity"] is not None and nums["output_value"] is None and q_unit and is_money(q_unit)
                and (unit_target is None or is_money(unit_target))):
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
                zh_hint = ("金额请填入 产值 列" if c == "quantity" and is_money(u)
                           else f"{item} 的{_COLUMN_ZH.get(c, c)}应能换算为 {tgt}")
                en_hint = ("put money in the output value column" if c == "quantity" and is_money(u)
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
            # water use and hydropower: the coefficient set has their prices (price.water.*, price.hydropower)
            visits = visits or (entry is not None and (str(entry["group"]), str(entry["subgroup"])) in set(priced_by_set))
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
            status=cell_text(raw.get("status")), source=cell_text(raw.get("source")),
            source_row=src, row=r, scope=scope, detail="; ".join(detail)))

    # duplicates
    seen: dict[tuple, dict] = {}
    for rec in records:
        k = (rec["region"], rec["year"], rec["item"] if rec["scope"] is None or rec["group"] else normalise_name(rec["item"]))
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
        farm_parts = [r for r in effective if r["group"] in FARM_GROUPS or r["subgroup"] == "farm_services"]
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

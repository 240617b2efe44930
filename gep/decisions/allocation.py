"""Transfers tied to GEP: a budget divided among townships by a named rule.

:func:`allocate` turns each township's figures into a weight by the rule
chosen, divides the budget by the weights with an optional floor and cap,
and rounds to whole units of the unit asked (元, 万元 …) by largest
remainder, so the amounts add up to the budget exactly
(:mod:`gep.compute.allocation`).

Rules
-----
================  ==============================================================
rule              weight :math:`w_i` of township :math:`i`
================  ==============================================================
``gep``           GEP, in the prices the account was run in
``gep_per_area``  GEP ÷ land area
``regulating``    regulating-service GEP (the non-market part of GEP)
``gep_increase``  :math:`\\max(0, \\Delta \\mathrm{GEP}_i)`, the GEP increase from the
                  previous accounted year at constant prices
``gep_change``    :math:`\\max(0, 1 + r\\max(g_i,0) - p\\max(-g_i,0))` with
                  :math:`g_i` the GEP growth at constant prices (%), :math:`r`
                  ``reward_per_point`` and :math:`p` ``penalty_per_point``
================  ==============================================================

then :math:`a_i = \\min(c, f + \\lambda w_i)` with floor :math:`f`, cap
:math:`c` and :math:`\\sum a_i = B`. Each rule's formula is configurable
and documented with the county practice it comes closest to
(``docs/decisions.md``); none of them is "the official rule" of any county.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pint

from ..compute.allocation import allocate_units, change_weights
from ..errors import AllocationError, problem
from ..units import conversion_factor, is_dimension
from .figures import Figures, gather

__all__ = ["allocate", "Allocation", "RULES", "read_allocation_spec", "SHEET_TITLE"]

SHEET_TITLE = "分配 Allocation"

_PROPORTIONAL_PRACTICE = (
    "按客观因素公式化分配是中央对地方重点生态功能区转移支付的做法（财政部《中央对地方重点生态功能区转移支付办法》，2017）；"
    "浙江将生态环保财力转移支付资金与“绿色指数”挂钩分配（浙江省政府办公厅《关于建立健全绿色发展财政奖补机制的若干意见》，2017，"
    "央广网转浙江在线 2017-09-20）。以 GEP 为分配因素是本库的可配置公式，未见县级正式规则。 / "
    "Formula allocation by objective factors is how the central transfer to key ecological function areas is divided "
    "(Ministry of Finance, 中央对地方重点生态功能区转移支付办法, 2017); Zhejiang divides its eco-environmental transfer in "
    "proportion to a 'green index' (关于建立健全绿色发展财政奖补机制的若干意见, 2017, as reported by cnr.cn/zjol 2017-09-20). "
    "Using GEP as the factor is this library's configurable formula; no county rule doing exactly this was found.")

#: rule id -> labels, formula (zh / en), what it needs, the practice it comes closest to
RULES: dict[str, dict] = {
    "gep": {
        "zh": "按 GEP 比例分配", "en": "in proportion to GEP",
        "formula_zh": "a_i = min(c, f + λ·GEP_i)，Σa_i = B", "formula_en": "a_i = min(c, f + λ·GEP_i), Σa_i = B",
        "base": "gep", "change": False, "practice": _PROPORTIONAL_PRACTICE,
    },
    "gep_per_area": {
        "zh": "按单位面积 GEP 比例分配", "en": "in proportion to GEP per km²",
        "formula_zh": "a_i = min(c, f + λ·GEP_i/面积_i)，Σa_i = B", "formula_en": "a_i = min(c, f + λ·GEP_i/area_i), Σa_i = B",
        "base": "gep_per_area", "change": False, "practice": _PROPORTIONAL_PRACTICE,
    },
    "regulating": {
        "zh": "按调节服务价值比例分配", "en": "in proportion to regulating-service GEP",
        "formula_zh": "a_i = min(c, f + λ·调节服务价值_i)，Σa_i = B",
        "formula_en": "a_i = min(c, f + λ·regulating GEP_i), Σa_i = B",
        "base": "regulating_gep", "change": False, "practice": _PROPORTIONAL_PRACTICE + (
            " 调节服务是 GEP 中不经市场实现的部分，按其分配接近“生态补偿”的含义。 / Regulating services are the part of "
            "GEP no market pays for, which is what ecological compensation is for."),
    },
    "gep_increase": {
        "zh": "按 GEP 增量（不变价）比例分配", "en": "in proportion to the GEP increase at constant prices",
        "formula_zh": "a_i = min(c, f + λ·max(0, ΔGEP_i))，ΔGEP 为不变价较上一核算年的增量，Σa_i = B",
        "formula_en": "a_i = min(c, f + λ·max(0, ΔGEP_i)), ΔGEP at constant prices from the previous accounted year, Σa_i = B",
        "base": "gep_change_yuan", "change": True, "practice": (
            "景宁畲族自治县于 2019 年 12 月根据大均乡 2018 年度 GEP 增量，给予大均乡 188 万元“生态增值奖励付费”"
            "（浙江日报/浙江在线，丁施昊，《护好“金饭碗” 找准“两山路” 丽水创新推动高质量绿色发展》，2020-07-09）。"
            "报道只给出金额，未给出公式；本规则（预算按各乡镇不变价 GEP 增量比例分配）是同一思路的可配置公式，不是景宁的规则。 / "
            "Jingning county paid Dajun township 1.88 million yuan as an 'ecological value-added reward' for its 2018 GEP "
            "increase, in December 2019 (Zhejiang Daily / zjol.com.cn, 2020-07-09). The report gives the amount, not the "
            "formula; this rule is a configurable formula in that spirit, not Jingning's rule."),
    },
    "gep_change": {
        "zh": "按 GEP 增长率奖惩（不变价，有保底与封顶）", "en": "reward/penalty on GEP growth at constant prices (floor and cap)",
        "formula_zh": "w_i = max(0, 1 + r·max(g_i,0) − p·max(−g_i,0))，g_i 为不变价 GEP 增长率（%）；a_i = min(c, f + λ·w_i)，Σa_i = B",
        "formula_en": "w_i = max(0, 1 + r·max(g_i,0) − p·max(−g_i,0)), g_i the GEP growth at constant prices (%); "
                      "a_i = min(c, f + λ·w_i), Σa_i = B",
        "base": "weight", "change": True, "practice": (
            "形式（每个百分点定额奖励、扣罚重于奖励）参照浙江单位生产总值能耗财政奖惩：每降低 1 个百分点奖励 50 万元，每提高 1 个百分点扣罚 100 万元"
            "（《关于建立健全绿色发展财政奖补机制的若干意见》，2017，央广网转浙江在线 2017-09-20）。用于 GEP 增长率并在固定预算内平衡，"
            "是本库的可配置公式，不是已发布的规则。 / The shape (a fixed amount per percentage point, penalties heavier than "
            "rewards) follows Zhejiang's reward/penalty on energy use per unit of GDP (50万元 per point of decrease, 100万元 per "
            "point of increase; 2017, as reported by cnr.cn/zjol 2017-09-20). Applying it to GEP growth within a fixed budget "
            "is this library's configurable formula, not a published rule."),
        "parameters": ("reward_per_point", "penalty_per_point"),
    },
}

SPEC_KEYS = {"budget", "unit", "rule", "year", "floor", "cap", "reward_per_point", "penalty_per_point", "status", "note",
             "source"}


# ------------------------------------------------------------------- units
def _units_of(value, unit: str, name: str) -> int:
    """A money amount (number in ``unit``, ``"1 亿元"`` or a pint Quantity) as a whole number of ``unit``."""
    where = {"column": name, "value": str(value)}
    if isinstance(value, pint.Quantity):
        number, from_unit = Fraction(repr(float(value.magnitude))), f"{value.units:~}"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise AllocationError(problem(f"bad_{name}", f"{name} 不是有限数", f"{name} is not a finite number", **where))
        number, from_unit = Fraction(repr(value)) if isinstance(value, float) else Fraction(value), unit
    else:
        m = re.fullmatch(r"\s*([-+]?[0-9][0-9,]*(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)\s*(.*?)\s*", str(value))
        if not m:
            raise AllocationError(problem(f"bad_{name}", f"无法读取 {name}：{value!r}", f"cannot read the {name}: {value!r}",
                                          hint_zh="写成数字，或数字加单位，如 1亿元", hint_en="write a number, or a number with a unit, e.g. 1亿元",
                                          **where))
        number, from_unit = Fraction(m.group(1).replace(",", "")), (m.group(2) or unit)
    try:
        if not is_dimension(from_unit, "[currency]"):
            raise pint.DimensionalityError(from_unit, "元")
        factor = Fraction(repr(conversion_factor(from_unit, unit)))
    except ValueError:
        raise AllocationError(problem(f"bad_{name}_unit", f"无法识别单位 {from_unit!r}", f"cannot read the unit {from_unit!r}",
                                      **where)) from None
    except pint.DimensionalityError:
        raise AllocationError(problem(
            f"{name}_wrong_unit", f"{name} 的单位 {from_unit!r} 不是货币单位", f"the {name} is in {from_unit!r}, which is not money",
            hint_zh="使用 元、万元 或 亿元", hint_en="use 元, 万元 or 亿元", **where)) from None
    units = number * factor
    if units.denominator != 1:
        raise AllocationError(problem(
            f"{name}_not_whole_units", f"{name} {value} 不是 {unit} 的整数倍，无法精确分到 {unit}",
            f"the {name} {value} is not a whole number of {unit}, so it cannot be paid out exactly in {unit}",
            hint_zh="调整金额或取整单位（--unit）", hint_en="change the amount or the rounding unit (--unit)", **where))
    return int(units)


def _check_unit(unit: str) -> None:
    try:
        ok = is_dimension(unit, "[currency]")
    except ValueError:
        ok = False
    if not ok:
        raise AllocationError(problem("allocation_unit_not_money", f"取整单位 {unit!r} 不是货币单位",
                                      f"the rounding unit {unit!r} is not a money unit", column="unit", value=unit,
                                      hint_zh="使用 元、万元 或 亿元", hint_en="use 元, 万元 or 亿元"))


# ------------------------------------------------------------------ result
@dataclass
class Allocation:
    """The outcome of :func:`allocate`.

    ``table`` holds one row per township: ``region, region_zh, region_en``,
    the figures the rule rests on, ``weight``, ``share_exact_pct`` (share
    before rounding), ``amount`` (whole ``unit``), ``amount_yuan``,
    ``share_pct`` (of the budget, after rounding), ``at_floor``, ``at_cap``,
    ``illustrative`` and ``illustrative_share_pct``.
    """

    table: pd.DataFrame
    rule: str
    budget_units: int
    unit: str
    year: int
    prices: str
    parameters: dict
    status: str = ""
    note: str = ""
    source: str = ""
    figures_source: str = ""
    from_year: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def illustrative(self) -> bool:
        return self.status == "illustrative"

    def summary(self) -> dict:
        spec = RULES[self.rule]

        def clean(v):
            if isinstance(v, np.generic):
                v = v.item()
            return None if isinstance(v, float) and math.isnan(v) else v

        return {
            "rule": self.rule, "label": {"zh": spec["zh"], "en": spec["en"]},
            "formula": {"zh": spec["formula_zh"], "en": spec["formula_en"]}, "practice": spec["practice"],
            "budget": self.budget_units, "unit": self.unit, "budget_yuan": self.budget_units * conversion_factor(self.unit, "元"),
            "year": self.year, "from_year": self.from_year, "prices": self.prices, "parameters": self.parameters,
            "status": self.status, "note": self.note, "source": self.source,
            "total": int(self.table["amount"].sum()),
            "rows": [{k: clean(v) for k, v in r.items()} for r in self.table.to_dict(orient="records")],
        }

    def sheet(self) -> tuple[pd.DataFrame, list[str]]:
        t = self.table
        spec = RULES[self.rule]
        cols = {"region": "地区 ID", "region_zh": "地区", "region_en": "Region",
                "gep_yuan": "GEP (元)", "area_km2": "面积 Area (km²)", "gep_per_area": "单位面积 GEP (元/km²)",
                "regulating_yuan": "调节服务价值 Regulating (元)", "gep_a_yuan": "上年 GEP（不变价）Earlier GEP (元)",
                "gep_b_yuan": "本年 GEP（不变价）GEP (元)", "gep_change_yuan": "GEP 变化 Change (元)",
                "gep_growth_pct": "GEP 增长率 Growth (%)", "weight": "权重 Weight",
                "share_exact_pct": "精确份额 Exact share (%)", "amount": f"分配额 Amount ({self.unit})",
                "amount_yuan": "折合元 Amount in 元", "share_pct": "份额 Share (%)", "at_floor": "保底 At floor",
                "at_cap": "封顶 At cap", "illustrative_share_pct": "示例数据占比 Illustrative share (%)"}
        frame = t[[c for c in cols if c in t]].rename(columns=cols)
        total = {c: "" for c in frame.columns}
        total.update({"地区 ID": "合计 Total", f"分配额 Amount ({self.unit})": int(t["amount"].sum()),
                      "折合元 Amount in 元": float(t["amount_yuan"].sum()), "份额 Share (%)": float(t["share_pct"].sum())})
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
        params = ", ".join(f"{k} = {v}" for k, v in self.parameters.items())
        notes = [f"规则 Rule: {self.rule} — {spec['zh']} / {spec['en']}",
                 f"公式 Formula: {spec['formula_zh']} / {spec['formula_en']}",
                 f"预算 Budget: {self.budget_units:,} {self.unit}；{self.year} 年 / year {self.year}"
                 + (f"（与 {self.from_year} 年比较 / compared with {self.from_year}）" if self.from_year else "")
                 + f"；价格 prices: {self.prices}；参数 parameters: {params or '—'}",
                 "最大余数法取整，合计等于预算 / rounded by largest remainder: the amounts add up to the budget exactly",
                 f"依据 Practice: {spec['practice']}"]
        if self.illustrative:
            notes.insert(0, f"⚠ 示例分配 illustrative allocation: {self.note or '预算与参数为示例 / budget and parameters are examples'}")
        if (t["illustrative_share_pct"] > 0).any():
            notes.insert(0, "⚠ 示例数据 illustrative data: 部分乡镇的 GEP 基于示例数据 / some townships' GEP rests on illustrative data")
        return frame, notes

    def write(self, folder: str | Path) -> dict[str, Path]:
        """Write ``allocation.xlsx`` and ``allocation.json`` into ``folder``."""
        from .workbook import write_workbook

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        xlsx = write_workbook(folder / "allocation.xlsx", {SHEET_TITLE: self.sheet()})
        js = folder / "allocation.json"
        js.write_text(json.dumps(self.summary(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return {"allocation.xlsx": xlsx, "allocation.json": js}

    def __repr__(self) -> str:
        return f"<Allocation {self.rule}: {self.budget_units:,} {self.unit} among {len(self.table)} townships, {self.year}>"


# --------------------------------------------------------------- allocate
def read_allocation_spec(path: str | Path) -> dict:
    """An allocation written down (TOML): ``budget, unit, rule`` and optional ``year, floor, cap,
    reward_per_point, penalty_per_point, status, note, source``."""
    path = Path(path)
    try:
        spec = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise AllocationError(problem("file_not_found", f"找不到文件 {path}", f"file not found: {path}", file=str(path))) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AllocationError(problem("bad_toml", f"不是有效的 UTF-8 TOML：{exc}", f"not valid UTF-8 TOML: {exc}",
                                      file=str(path))) from None
    unknown = sorted(set(spec) - SPEC_KEYS)
    if unknown:
        raise AllocationError(problem("unknown_allocation_key", f"未知键 {unknown}", f"unknown keys {unknown}", file=str(path),
                                      hint_zh=f"可用键：{', '.join(sorted(SPEC_KEYS))}", hint_en=f"known keys: {', '.join(sorted(SPEC_KEYS))}"))
    return spec


def allocate(result_or_out, budget, *, unit: str = "元", rule: str = "gep", year: int | None = None, floor=0,
             cap=None, reward_per_point: float | None = None, penalty_per_point: float | None = None,
             status: str = "", note: str = "", source: str = "") -> Allocation:
    """Divide ``budget`` among the townships of an account by ``rule``.

    Parameters
    ----------
    result_or_out : AccountResult, result of :func:`gep.run_years`, path, or Figures
    budget : number, str or pint.Quantity
        A number in ``unit``, or an amount with its unit (``"1 亿元"``).
    unit : str, default "元"
        Money unit the amounts are paid in (and rounded to).
    rule : str
        One of :data:`RULES`.
    year : int, optional
        The account year (default: the latest of the run).
    floor, cap : number, str or pint.Quantity, optional
        Least and most any township gets (whole ``unit``).
    reward_per_point, penalty_per_point : float
        ``gep_change`` only: weight added per percentage point of growth, taken
        per point of decline (see :func:`gep.compute.allocation.change_weights`).
    status, note, source : str
        What the allocation is (``illustrative`` for an example) and where its
        budget and parameters come from; shown with the result.

    Raises
    ------
    AllocationError
        An unknown rule; a budget, floor or cap in a unit that is not money or
        not a whole number of ``unit``; negative weights, an all-zero base, a
        floor the budget cannot pay, a cap too low; a change rule on a run of
        one year; a parameter missing or given to a rule that has none.
    """
    if rule not in RULES:
        raise AllocationError(problem("unknown_rule", f"未知分配规则 {rule!r}", f"unknown allocation rule {rule!r}", column="rule",
                                      value=rule, hint_zh=f"可选：{', '.join(RULES)}", hint_en=f"use one of: {', '.join(RULES)}"))
    spec = RULES[rule]
    _check_unit(unit)
    budget_u = _units_of(budget, unit, "budget")
    floor_u = _units_of(floor if floor is not None else 0, unit, "floor")
    cap_u = None if cap is None else _units_of(cap, unit, "cap")
    params = {"reward_per_point": reward_per_point, "penalty_per_point": penalty_per_point}
    wanted = spec.get("parameters", ())
    problems = [problem("missing_rule_parameter", f"规则 {rule} 需要参数 {k}", f"rule {rule} needs parameter {k}", column=k,
                        hint_zh="这是可配置公式，没有默认值：请按本地政策给定", hint_en="this is a configurable formula with no default: "
                        "set it by local policy") for k in wanted if params[k] is None]
    problems += [problem("parameter_not_used", f"规则 {rule} 不使用参数 {k}", f"rule {rule} does not use parameter {k}", column=k)
                 for k, v in params.items() if v is not None and k not in wanted]
    if problems:
        raise AllocationError(problems)
    figs: Figures = gather(result_or_out)
    year = figs.years[-1] if year is None else int(year)
    if year not in figs.years:
        raise AllocationError(problem("year_not_in_run", f"核算中没有 {year} 年", f"the run has no year {year}", column="year",
                                      value=year, hint_zh=f"可选：{figs.years}", hint_en=f"the run has: {figs.years}"))
    towns = figs.townships
    as_run = figs.lookup(year, figs.root, "gep")
    basis = as_run["price_year"].iloc[0] if not as_run.empty else None
    rows = []
    missing = []
    from_year = None
    const_basis = None
    for r in towns:
        name = figs.names[r]
        rec: dict[str, Any] = {"region": r, "region_zh": name["zh"], "region_en": name["en"]}
        gep = figs.value(year, r, "gep", basis)
        rec["gep_yuan"] = gep
        per = figs.value(year, r, "gep_per_area", basis)
        rec["area_km2"] = gep / per if gep and per else None
        rec["gep_per_area"] = per
        rec["regulating_yuan"] = figs.value(year, r, "regulating_gep", basis)
        if spec["change"]:
            g = figs.lookup(year, r, "gep_growth")
            if g.empty:
                raise AllocationError(problem(
                    "rule_needs_two_years", f"规则 {rule} 需要上一年的不变价核算，本次核算只有 {figs.years}",
                    f"rule {rule} needs the previous year's account at constant prices; this run has {figs.years}",
                    column="rule", value=rule, hint_zh="用 gep run --years 核算两年", hint_en="run two years with gep run --years"))
            const_basis = int(g["price_year"].iloc[0])
            from_year = int(g["from_year"].iloc[0])
            rec["gep_a_yuan"] = figs.value(from_year, r, "gep", const_basis)
            rec["gep_b_yuan"] = figs.value(year, r, "gep", const_basis)
            rec["gep_change_yuan"] = (None if rec["gep_a_yuan"] is None or rec["gep_b_yuan"] is None
                                      else rec["gep_b_yuan"] - rec["gep_a_yuan"])
            rec["gep_growth_pct"] = None if pd.isna(g["value"].iloc[0]) else float(g["value"].iloc[0])
        rows.append(rec)
    table = pd.DataFrame(rows)
    if rule == "gep_change":
        base_col = "gep_growth_pct"
    elif rule == "gep_increase":
        base_col = "gep_change_yuan"
    else:
        base_col = {"gep": "gep_yuan", "gep_per_area": "gep_per_area", "regulating": "regulating_yuan"}[rule]
    missing = [r for r, v in zip(table["region"], table[base_col]) if v is None or pd.isna(v)]
    if missing:
        raise AllocationError(problem("missing_base", f"以下乡镇缺少分配依据 {base_col}：{missing}",
                                      f"these townships have no {base_col} to allocate on: {missing}", value=missing,
                                      hint_zh="检查核算结果", hint_en="check the account's figures"))
    base = table[base_col].astype(float).to_numpy()
    if rule == "gep_change":
        weights = change_weights(base, float(reward_per_point), float(penalty_per_point))
    elif rule == "gep_increase":
        weights = np.maximum(base, 0.0)
    else:
        weights = base
    exact, units = allocate_units(weights, budget_u, floor_u, cap_u)
    table["weight"] = weights
    table["share_exact_pct"] = [float(a / budget_u * 100) if budget_u else 0.0 for a in exact]
    table["amount"] = units
    to_yuan = conversion_factor(unit, "元")
    table["amount_yuan"] = units * to_yuan
    table["share_pct"] = units / budget_u * 100.0 if budget_u else 0.0
    table["at_floor"] = units == floor_u
    table["at_cap"] = (units == cap_u) if cap_u is not None else False
    shares = [figs.quality_of(year, r)["illustrative_share"] for r in towns]
    table["illustrative_share_pct"] = [np.nan if s is None else s * 100.0 for s in shares]
    used = {k: v for k, v in params.items() if k in wanted}
    used.update({"floor": floor_u, "cap": cap_u})
    prices = figs.prices.get(year, "") if not spec["change"] else f"constant:{const_basis}"
    return Allocation(table=table, rule=rule, budget_units=budget_u, unit=unit, year=year, prices=prices, parameters=used,
                      status=str(status or ""), note=str(note or ""), source=str(source or ""),
                      figures_source=figs.source, from_year=from_year)

"""The yearly 绿金指数 (green-gold index) of a county, with every component shown.

The Quzhou plan asks for a yearly GEP-and-GDP index (建立基于GEP和GDP的
“绿金指数”逐年核算机制). **No published definition of the 绿金指数 was
found** (searched: 衢州 绿金指数; 丽水; GDP和GEP 双核算 双评估 双考核; see
``docs/decisions.md``). :func:`green_gold_index` therefore shows the
components and computes the index by a named, configurable definition
(:mod:`gep.compute.green_gold`):

* ``ratio`` (default): GEP ÷ GDP in the same year's prices -- the GGI of
  马国霞 et al. (2017), the one published GEP-and-GDP index found;
* ``joint_growth``: a chained index (first year = 100) of the joint growth of
  GEP and GDP at constant prices, weight ``weight_gep`` on GEP.

GDP at constant prices is the county GDP rebased with the account's own
deflator (the one its money is rebased with, ``[prices] index``), not the
statistical bureau's GDP volume index; this is said in the table's notes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..compute import green_gold as calc
from ..errors import GepError, problem
from .figures import gather

__all__ = ["green_gold_index", "GreenGold", "DEFINITIONS"]

DEFINITIONS = {
    "ratio": {"zh": "GEP/GDP（GGI，马国霞等 2017）", "en": "GEP/GDP (GGI, Ma Guoxia et al. 2017)",
              "source": "马国霞, 於方, 王金南 等 (2017) 中国陆地生态系统生产总值核算研究. 中国环境科学 37(4):1474-1482 — "
                        "“GGI指数(GEP与GDP比值)”"},
    "joint_growth": {"zh": "GEP 与 GDP 不变价联合增长链式指数（首年 = 100）",
                     "en": "chained joint-growth index of GEP and GDP at constant prices (first year = 100)",
                     "source": "gep: configurable formula (no published definition found)"},
}
NOT_FOUND = ("未找到“绿金指数”的正式定义（衢州方案只要求“建立基于GEP和GDP的‘绿金指数’逐年核算机制”）；本表按所选定义计算并列出全部构成 / "
             "no official definition of the 绿金指数 was found (the Quzhou plan only asks for a yearly GEP-and-GDP index); "
             "this table uses the definition named and shows every component")


@dataclass
class GreenGold:
    """The series: ``table`` has one row per year (see :func:`green_gold_index`)."""

    table: pd.DataFrame
    definition: str
    weight_gep: float
    constant_prices: str | None

    def summary(self) -> dict:
        def clean(v):
            if isinstance(v, np.generic):
                v = v.item()
            return None if isinstance(v, float) and math.isnan(v) else v

        d = DEFINITIONS[self.definition]
        return {"definition": self.definition, "label": {"zh": d["zh"], "en": d["en"]}, "source": d["source"],
                "official_definition_found": False, "note": NOT_FOUND, "weight_gep": self.weight_gep,
                "constant_prices": self.constant_prices,
                "rows": [{k: clean(v) for k, v in r.items()} for r in self.table.to_dict(orient="records")]}

    def sheet(self) -> tuple[pd.DataFrame, list[str]]:
        cols = {"year": "年份 Year", "prices": "价格 Prices", "gep_yuan": "GEP (元)", "gdp_yuan": "GDP (元)",
                "ratio": "GEP/GDP", "gep_constant_yuan": "GEP 不变价 (元)", "gdp_constant_yuan": "GDP 不变价 (元)",
                "gep_growth_pct": "GEP 增长率 (%)", "gdp_growth_pct": "GDP 增长率 (%)", "both_grew": "双增长 Both grew",
                "joint_growth_index": "联合增长指数 Joint growth", "index": "绿金指数 Index"}
        frame = self.table[[c for c in cols if c in self.table]].rename(columns=cols)
        d = DEFINITIONS[self.definition]
        notes = [f"绿金指数 = {d['zh']} / index = {d['en']}; 来源 source: {d['source']}", NOT_FOUND,
                 f"不变价 constant prices: {self.constant_prices or '—'}；GDP 按核算所用价格指数折算，非统计部门可比价 / "
                 "GDP rebased with the account's deflator, not the statistics bureau's volume index"]
        if self.definition == "joint_growth":
            notes.append(f"J_t = J_(t-1) · (GEP_t/GEP_(t-1))^{self.weight_gep:g} · (GDP_t/GDP_(t-1))^{1 - self.weight_gep:g}")
        return frame, notes

    def write(self, folder: str | Path) -> dict[str, Path]:
        from .workbook import write_workbook

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        xlsx = write_workbook(folder / "green_gold.xlsx", {"绿金指数 Green-gold": self.sheet()})
        js = folder / "green_gold.json"
        js.write_text(json.dumps(self.summary(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return {"green_gold.xlsx": xlsx, "green_gold.json": js}


def green_gold_index(result_or_out, *, definition: str = "ratio", weight_gep: float = 0.5) -> GreenGold:
    """The county's yearly 绿金指数 and its components.

    Returns a :class:`GreenGold` whose ``table`` has, per year: ``prices``,
    ``gep_yuan`` and ``gdp_yuan`` (as accounted), ``ratio`` (GEP/GDP),
    ``gep_constant_yuan`` and ``gdp_constant_yuan`` (constant prices of a
    multi-year run), ``gep_growth_pct``, ``gdp_growth_pct``, ``both_grew``,
    ``joint_growth_index`` and ``index`` (by ``definition``).

    Raises
    ------
    GepError
        An unknown definition, a weight outside [0, 1], a year without GDP, or
        ``joint_growth`` on a run without constant-price figures of every year.
    """
    if definition not in DEFINITIONS:
        raise GepError(problem("unknown_green_gold_definition", f"未知定义 {definition!r}", f"unknown definition {definition!r}",
                               hint_zh=f"可选：{', '.join(DEFINITIONS)}", hint_en=f"use one of: {', '.join(DEFINITIONS)}"))
    if not (isinstance(weight_gep, (int, float)) and 0.0 <= weight_gep <= 1.0):
        raise GepError(problem("bad_weight_gep", f"weight_gep 应在 0 与 1 之间：{weight_gep!r}",
                               f"weight_gep must be between 0 and 1: {weight_gep!r}"))
    figs = gather(result_or_out)
    root = figs.root
    rows = []
    growth = figs.table[(figs.table["region"] == root) & (figs.table["indicator"] == "gep_growth")]
    const = None if growth.empty else int(growth["price_year"].iloc[0])
    for y in figs.years:
        as_run = figs.lookup(y, root, "gep")
        py = None if as_run.empty else as_run["price_year"].iloc[0]
        gep, gdp = figs.value(y, root, "gep", py), figs.value(y, root, "gdp", py)
        if gdp is None:
            raise GepError(problem("green_gold_needs_gdp", f"{y} 年没有 GDP：绿金指数需要 GDP",
                                   f"no GDP for {y}: the green-gold index needs GDP",
                                   hint_zh="在 economy 表或地区表中给出 GDP", hint_en="give GDP in the economy table or the regions table"))
        rows.append({"year": y, "prices": figs.prices.get(y), "gep_yuan": gep, "gdp_yuan": gdp,
                     "ratio": float(calc.ratio(gep, gdp)),
                     "gep_constant_yuan": figs.value(y, root, "gep", const) if const is not None else None,
                     "gdp_constant_yuan": figs.value(y, root, "gdp", const) if const is not None else None})
    table = pd.DataFrame(rows)
    for col in ("gep_constant_yuan", "gdp_constant_yuan"):
        table[col] = pd.to_numeric(table[col], errors="coerce")
    complete = len(table) > 1 and table[["gep_constant_yuan", "gdp_constant_yuan"]].notna().all().all()
    if complete:
        table["gep_growth_pct"] = [np.nan] + list(calc.growth_pct(table["gep_constant_yuan"].to_numpy()[:-1],
                                                                  table["gep_constant_yuan"].to_numpy()[1:]))
        table["gdp_growth_pct"] = [np.nan] + list(calc.growth_pct(table["gdp_constant_yuan"].to_numpy()[:-1],
                                                                  table["gdp_constant_yuan"].to_numpy()[1:]))
        table["both_grew"] = [None] + list(calc.both_grew(table["gep_growth_pct"][1:], table["gdp_growth_pct"][1:]))
        table["joint_growth_index"] = calc.joint_growth_index(table["gep_constant_yuan"], table["gdp_constant_yuan"],
                                                              weight_gep=weight_gep)
    else:
        for col in ("gep_growth_pct", "gdp_growth_pct", "joint_growth_index"):
            table[col] = np.nan
        table["both_grew"] = None
    if definition == "joint_growth" and not complete:
        raise GepError(problem("green_gold_needs_years", "联合增长指数需要至少两年的不变价 GEP 与 GDP",
                               "the joint-growth index needs GEP and GDP at constant prices for at least two years",
                               hint_zh="用 gep run --years 核算多年", hint_en="run several years with gep run --years"))
    table["index"] = table["ratio"] if definition == "ratio" else table["joint_growth_index"]
    return GreenGold(table=table, definition=definition, weight_gep=float(weight_gep),
                     constant_prices=None if const is None else f"constant:{const}")

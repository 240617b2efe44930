"""Appraisal: each township and the county against its yearly targets.

:func:`appraise` joins a targets table (:mod:`gep.decisions.targets`) to the
figures of an account (:mod:`gep.decisions.figures`) and says, target by
target: met or not, by how much (the margin, in the target's unit and
relative to it), the township's rank among the townships appraised on the
same target, the probability of having met it when the account has Monte
Carlo draws, and whether the figure rests on illustrative data.

Rules
-----
* The figure is compared in the **target's unit** (a target in 亿元 against
  a GEP in 元 is converted through pint; a wrong-dimension unit was refused
  when the table was read).
* A **money** target is compared with the figure in the prices of its
  ``price_year``: the prices the account was run in, or -- for a multi-year
  run -- the constant prices of its year-on-year comparison. Any other
  price year is an error that says which ones the run has.
* **GEP growth** is the change at constant prices from the previous
  accounted year; a run of one year, or a gap of more than one year, cannot
  be judged (``met`` is empty and the reason says why).
* **Rank** (1 = best) among the townships appraised on the same indicator,
  year, price basis and direction, by relative margin (margin ÷ |target|),
  or by margin when a target is 0; equal scores share a rank.
* A region whose GEP rests on illustrative data (any share of its value) is
  flagged, with the share (:class:`~gep.decisions.figures.Figures`
  ``quality``).
* Targets for years the run does not have are listed as skipped, not judged.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..compute import appraisal as calc
from ..errors import TargetsError, problem
from ..units import conversion_factor
from .figures import COUNTY, FIGURE_UNITS, Figures, gather
from .targets import TARGET_INDICATORS, read_targets

__all__ = ["appraise", "Appraisal", "SHEET_TITLE"]

SHEET_TITLE = "考核 Appraisal"
ALL_TOWNSHIPS = {"*", "全部", "全部乡镇", "各乡镇", "所有乡镇", "all", "alltownships", "every township", "townships"}
COUNTY_WORDS = {"county", "全县", "全区", "全市", "县域", "区域", "全县（区）"}


def _fmt(x: float) -> str:
    return f"{x:,.6g}"


@dataclass
class Appraisal:
    """The outcome of :func:`appraise`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per target × region: ``row`` (of the targets file),
        ``year, region, region_zh, region_en, level, indicator, indicator_zh,
        indicator_en, direction, target, unit, price_year, value`` (in
        ``unit``), ``margin`` (in ``unit``, positive = on the good side),
        ``margin_pct`` (margin ÷ |target| × 100), ``met`` (True / False /
        None), ``p_met`` (share of draws meeting the target, or NaN),
        ``rank``, ``ranked`` (how many townships were ranked),
        ``illustrative`` (True / False / None), ``illustrative_share_pct``,
        ``target_status, reason_zh, reason_en, note, source``.
    skipped : pandas.DataFrame
        Target rows for years the run does not have.
    """

    table: pd.DataFrame
    skipped: pd.DataFrame
    targets_file: str
    figures_source: str
    illustrative_targets: bool
    years: list = field(default_factory=list)

    # ------------------------------------------------------------ views
    def summary(self) -> dict:
        """The ``summary.json["appraisal"]`` section (numbers as numbers, no NaN)."""
        t = self.table

        def clean(v):
            if isinstance(v, (np.generic,)):
                v = v.item()
            if isinstance(v, float) and math.isnan(v):
                return None
            if v is pd.NA:
                return None
            return v

        rows = [{k: clean(v) for k, v in rec.items()} for rec in t.to_dict(orient="records")]
        met = t["met"]
        return {
            "targets": Path(self.targets_file).name if self.targets_file != "<in-memory>" else self.targets_file,
            "years": self.years,
            "counts": {"met": int((met == True).sum()), "not_met": int((met == False).sum()),  # noqa: E712
                       "not_judged": int(met.isna().sum()), "skipped": int(len(self.skipped))},
            "illustrative_targets": self.illustrative_targets,
            "regions_on_illustrative_data": sorted(set(t.loc[t["illustrative"] == True, "region"])),  # noqa: E712
            "rows": rows,
            "skipped": [{k: clean(v) for k, v in rec.items()} for rec in self.skipped.to_dict(orient="records")],
        }

    def sheet(self) -> tuple[pd.DataFrame, list[str]]:
        """The workbook sheet: bilingual headers, and notes saying what is illustrative."""
        t = self.table
        met_text = {True: "✓ 达标 met", False: "✗ 未达标 not met"}
        frame = pd.DataFrame({
            "年份 Year": t["year"],
            "地区 ID": t["region"],
            "地区": t["region_zh"],
            "Region": t["region_en"],
            "指标": t["indicator_zh"],
            "Indicator": t["indicator_en"],
            "方向 Direction": [calc.DIRECTIONS[d]["symbol"] for d in t["direction"]],
            "目标 Target": t["target"],
            "单位 Unit": t["unit"],
            "价格年 Price year": t["price_year"].astype(object).where(t["price_year"].notna(), None),
            "数值 Value": t["value"],
            "差距 Margin": t["margin"],
            "差距率 Margin (%)": t["margin_pct"],
            "达标 Met": [met_text.get(m, "? 无法判断 not judged") for m in t["met"]],
            "达标概率 P(met)": t["p_met"],
            "乡镇排名 Rank": t["rank"],
            "参与排名 Ranked": t["ranked"],
            "示例数据 Illustrative data": [{True: "是 yes", False: "否 no"}.get(x, "—") for x in t["illustrative"]],
            "示例数据占比 Illustrative share (%)": t["illustrative_share_pct"],
            "目标状态 Target status": t["target_status"],
            "说明": t["reason_zh"],
            "Reason": t["reason_en"],
            "备注 Note": t["note"],
            "来源 Source": t["source"],
            "目标表行 Targets row": t["row"],
        })
        notes = [f"目标表 Targets: {Path(self.targets_file).name}；核算 Account: {Path(self.figures_source).name or self.figures_source}",
                 "差距为正表示优于目标；排名按差距率（目标为 0 时按差距）/ a positive margin is on the good side of the "
                 "target; townships are ranked by margin ÷ |target| (by margin when a target is 0)"]
        if self.illustrative_targets:
            notes.append("⚠ 示例目标 illustrative targets: 本表中标为 illustrative 的目标是示例，不是任何机构的正式目标 / "
                         "targets marked illustrative are examples, not anyone's official targets")
        flagged = sorted(set(t.loc[t["illustrative"] == True, "region"]))  # noqa: E712
        if flagged:
            notes.append(f"⚠ 示例数据 illustrative data: {len(flagged)} 个地区的 GEP 部分基于示例数据 / the GEP of "
                         f"{len(flagged)} region(s) rests partly on illustrative data")
        if len(self.skipped):
            years = sorted(set(self.skipped["year"]))
            notes.append(f"未考核 not appraised: {len(self.skipped)} 个目标属于本次核算之外的年份 {years} / "
                         f"{len(self.skipped)} target(s) are for years this run does not have {years}")
        return frame, notes

    def attach(self, res) -> None:
        """Add the appraisal to an :class:`~gep.AccountResult`'s workbook sheet and ``summary.json``."""
        res.extra.setdefault("report_sheets", {})[SHEET_TITLE] = self.sheet()
        res.extra.setdefault("summary_sections", {})["appraisal"] = self.summary()
        if self.targets_file != "<in-memory>" and Path(self.targets_file).is_file():
            from ..io.tables import sha256_file

            res.inputs[Path(self.targets_file).name] = sha256_file(self.targets_file)

    def write(self, folder: str | Path) -> dict[str, Path]:
        """Write ``appraisal.xlsx`` and ``appraisal.json`` into ``folder``."""
        from .workbook import write_workbook

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        frame, notes = self.sheet()
        xlsx = write_workbook(folder / "appraisal.xlsx", {SHEET_TITLE: (frame, notes)})
        js = folder / "appraisal.json"
        js.write_text(json.dumps(self.summary(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return {"appraisal.xlsx": xlsx, "appraisal.json": js}

    def __repr__(self) -> str:
        c = self.summary()["counts"]
        return (f"<Appraisal {len(self.table)} targets: {c['met']} met, {c['not_met']} not met, "
                f"{c['not_judged']} not judged, {c['skipped']} skipped>")


# ------------------------------------------------------------------ regions
def _resolve_regions(text: str, figs: Figures) -> list[str] | None:
    key = str(text).strip()
    if key.lower().replace(" ", "") in {w.replace(" ", "") for w in ALL_TOWNSHIPS}:
        return figs.townships
    if key in figs.names:
        return [key]
    if key.lower() in COUNTY_WORDS or key in COUNTY_WORDS:
        return [figs.root]
    hits = [r for r, n in figs.names.items() if key in (n["zh"], n["en"]) or key.lower() == n["en"].lower()]
    return hits if len(hits) == 1 else None


# ------------------------------------------------------------------ draws
def _user_draws(draws, figs: Figures) -> dict:
    """Draws given by the caller: a ``value(draw, service, region)`` DataArray of the latest year (as-run prices),
    or a mapping ``(year, region, indicator) -> array`` in the indicator's canonical unit."""
    if draws is None:
        return {}
    out = {}
    if hasattr(draws, "dims"):
        from .figures import _value_draws

        latest = figs.years[-1]
        basis = figs.lookup(latest, figs.root, "gep")["price_year"]
        py = None if basis.empty else int(basis.iloc[0])
        for region, d in _value_draws(draws, figs.root).items():
            gep = d["gep"]
            out[(latest, region, "gep", py)] = gep
            if d["regulating"] is not None:
                out[(latest, region, "regulating_gep", py)] = d["regulating"]
            area = _area(figs, latest, region)
            if area:
                out[(latest, region, "gep_per_area", py)] = gep / area
        return out
    if isinstance(draws, Mapping):
        for key, arr in draws.items():
            if len(key) != 3:
                raise TypeError("draws mapping keys are (year, region, indicator)")
            out[(int(key[0]), str(key[1]), str(key[2]), "*")] = np.asarray(arr, dtype=float).ravel()
        return out
    raise TypeError("draws must be an xarray DataArray with a 'draw' dimension or a mapping (year, region, indicator) -> array")


def _area(figs: Figures, year: int, region: str) -> float | None:
    gep = figs.value(year, region, "gep")
    per = figs.value(year, region, "gep_per_area")
    return gep / per if gep and per else None


def _find_draws(all_draws: dict, year, region, indicator, price_year):
    for key in ((year, region, indicator, price_year), (year, region, indicator, "*"), (year, region, indicator, None)):
        if key in all_draws:
            return all_draws[key]
    return None


# ----------------------------------------------------------------- appraise
def appraise(result_or_out, targets, *, draws=None, rtol: float = 1e-9) -> Appraisal:
    """Appraise the regions of an account against a targets table.

    Parameters
    ----------
    result_or_out : AccountResult, result of :func:`gep.run_years`, path, or Figures
        The account: in memory, or the output folder of ``gep run``.
    targets : path, pandas.DataFrame or Targets
        The targets table (:func:`~gep.decisions.targets.read_targets`).
    draws : xarray.DataArray or mapping, optional
        Monte Carlo draws: a ``value`` array with a ``draw`` dimension
        (``draw × service × region`` in 元, the latest year, in the prices the
        account was run in), or ``{(year, region, indicator): array}`` in the
        indicator's canonical unit (元, 元/km², 元/人, %, 1). Draws the account
        itself carries are used too. With draws, ``p_met`` is the share of
        draws that meet the target.
    rtol : float, default 1e-9
        Relative tolerance for "equal to the target".

    Returns
    -------
    Appraisal

    Raises
    ------
    TargetsError
        Every problem at once: a region the account does not have, a county-only
        indicator for a township, a money target in prices the run does not
        have, no target for any year of the run.
    """
    figs = gather(result_or_out)
    tg = read_targets(targets)
    all_draws = dict(figs.draws)
    all_draws.update(_user_draws(draws, figs))
    problems, rows, skipped = [], [], []
    file = tg.file
    for _, t in tg.frame.iterrows():
        where = dict(file=file, row=int(t["row"]))
        regions = _resolve_regions(t["region"], figs)
        if regions is None:
            known = ", ".join(list(figs.names)[:8]) + (" …" if len(figs.names) > 8 else "")
            problems.append(problem("unknown_target_region", f"核算中没有地区 {t['region']!r}",
                                    f"the account has no region {t['region']!r}", column="region", value=t["region"],
                                    hint_zh=f"使用地区 id 或名称（{known}），全县，或 *（全部乡镇）",
                                    hint_en=f"use a region id or name ({known}), the county, or * for every township", **where))
            continue
        if int(t["year"]) not in figs.years:
            skipped.append({"row": int(t["row"]), "region": t["region"], "indicator": t["indicator"], "year": int(t["year"])})
            continue
        spec = TARGET_INDICATORS[t["indicator"]]
        if spec.get("county_only") and any(figs.names[r]["level"] != COUNTY for r in regions):
            problems.append(problem("indicator_county_only", f"{spec['zh']} 只对全县核算，不能给乡镇设目标",
                                    f"{spec['en']} is accounted for the county only, not for townships",
                                    column="region", value=t["region"], **where))
            continue
        for region in regions:
            rec = _judge_row(t, region, figs, all_draws, rtol, problems, where)
            if rec is not None:
                rows.append(rec)
    if not problems and not rows and skipped:
        problems.append(problem("no_targets_for_run", f"目标表中没有本次核算年份 {figs.years} 的目标",
                                f"the targets table has no target for the years of this run {figs.years}", file=file,
                                column="year", hint_zh="检查 year 列", hint_en="check column year"))
    if problems:
        raise TargetsError(problems)
    table = _rank(pd.DataFrame(rows))
    if not table.empty:
        table["price_year"] = pd.array(table["price_year"], dtype="Int64")
        table["illustrative"] = table["illustrative"].astype(object)
    return Appraisal(table=table, skipped=pd.DataFrame(skipped, columns=["row", "region", "indicator", "year"]),
                     targets_file=file, figures_source=figs.source, illustrative_targets=tg.illustrative,
                     years=list(figs.years))


#: a target this many times above or below the accounted value is in another unit (万元 for 元 is 10⁴): refused
FAR_APART = 1000.0


def _far_apart(value: float, target: float, unit: str) -> bool:
    """Whether a target of a level (money, per area, per resident, a ratio) is :data:`FAR_APART` from its value.
    A percentage (a growth rate, a share) may well be: 0.01 % against 2 %."""
    if unit.strip() in ("%", "％") or not (value > 0 and target > 0):
        return False
    return max(value / target, target / value) > FAR_APART


#: the targets of GEP, or of a share whose numerator is realised GEP: an account that reports ESV (supporting services
#: counted, not GEP) does not judge them (:data:`gep.io.two_mountains.GEP_VALUES` is the same rule for 表1)
GEP_TARGETS = ("gep", "gep_per_area", "gep_growth", "gep_gdp_ratio", "gep_per_resident", "resident_eco_product_share")


def _judge_row(t, region: str, figs: Figures, all_draws: dict, rtol: float, problems: list, where: dict) -> dict | None:
    ind, year, direction = t["indicator"], int(t["year"]), t["direction"]
    spec = TARGET_INDICATORS[ind]
    name = figs.names[region]
    target, unit = float(t["target"]), t["unit"]
    want_py = None if pd.isna(t["price_year"]) else int(t["price_year"])
    value = price_year = None
    reason_zh = reason_en = ""
    if ind in GEP_TARGETS and figs.measures.get(year) == "ESV":
        raw = None
        reason_zh = f"{year} 年核算报告的是生态系统服务价值（ESV，含支持服务），不是 GEP：不据此判定 GEP 的目标"
        reason_en = (f"the {year} account reports ESV (ecosystem service value, supporting services included), not "
                     "GEP: a GEP target is not judged against it")
    elif spec.get("county_only"):
        entry = figs.county_indicators.get(year, {}).get(ind) or {}
        fig_unit = entry.get("unit") or "%"
        raw = entry.get("value")
        if raw is None:
            missing = ", ".join(entry.get("missing", [])) or "—"
            reason_zh, reason_en = f"核算未得出该指标（缺少：{missing}）", f"the account did not compute it (missing: {missing})"
    else:
        fig_unit = FIGURE_UNITS[ind]
        rows = figs.lookup(year, region, ind)
        if ind == "gep_growth" and rows.empty:
            have = ", ".join(map(str, figs.years))
            reason_zh = f"GEP 增长率需要上一年的不变价核算；本次核算的年份：{have}"
            reason_en = f"GEP growth needs the previous year's account at constant prices; this run has: {have}"
            raw = None
        elif rows.empty:
            raw = None
            reason_zh = f"本次核算没有 {name['zh']} {year} 年的这一数值"
            reason_en = f"the run has no such figure for {name['en']} in {year}"
        else:
            if want_py is not None:
                match = rows[rows["price_year"] == want_py]
                if match.empty:
                    have = sorted({int(p) for p in rows["price_year"].dropna()})
                    problems.append(problem(
                        "price_basis_unavailable",
                        f"{name['zh']} {year} 年的 {spec['zh']} 没有 {want_py} 年价格的数值（本次核算有：{have}）",
                        f"{spec['en']} of {name['en']} in {year} is not available in {want_py} prices (this run has: {have})",
                        column="price_year", value=want_py,
                        hint_zh=f"把目标换算为 {have} 年价格，或以 prices = \"constant:{want_py}\" 重新核算",
                        hint_en=f"state the target in {have} prices, or run the account with prices = \"constant:{want_py}\"",
                        **where))
                    return None
                rows = match
            raw = None if rows.empty else rows.iloc[0]["value"]
            raw = None if raw is None or (isinstance(raw, float) and math.isnan(raw)) else float(raw)
            if not rows.empty and not pd.isna(rows.iloc[0]["price_year"]):
                price_year = int(rows.iloc[0]["price_year"])
            if raw is None and not rows.empty:
                note = rows.iloc[0]["note"] or ""
                reason_zh = "缺少计算该指标所需的数据" + (f"（{note}）" if note else "")
                reason_en = "the data this figure needs are missing" + (f" ({note})" if note else "")
            if ind == "gep_growth" and not rows.empty and raw is not None:
                span = year - int(rows.iloc[0]["from_year"])
                if span != 1:
                    reason_zh = f"上一个核算年为 {year - span} 年：增长跨 {span} 年，不能与年度目标比较"
                    reason_en = f"the previous accounted year is {year - span}: growth over {span} years cannot be judged against a yearly target"
                    value = raw * conversion_factor(fig_unit, unit)   # shown, not judged
                    raw = None
    met = p_met = margin = margin_pct = None
    if raw is not None:
        value = raw * conversion_factor(fig_unit, unit)
        if _far_apart(value, target, unit):
            problems.append(problem(
                "target_far_from_value", f"{name['zh']} {year} 年 {spec['zh']} 的目标 {_fmt(target)} {unit} 与核算值 "
                f"{_fmt(value)} {unit} 相差 {max(value / target, target / value):,.0f} 倍",
                f"the {year} target for {spec['en']} of {name['en']}, {_fmt(target)} {unit}, is "
                f"{max(value / target, target / value):,.0f} times away from the accounted {_fmt(value)} {unit}",
                column="unit", value=unit, hint_zh="检查目标的单位（元/万元/亿元，km²/hm²）", hint_en="check the unit of "
                "the target (元/万元/亿元, km²/hm²)", **where))
            return None
        met = bool(calc.is_met(value, target, direction, rtol))
        margin = float(calc.margin(value, target, direction))
        rel = float(calc.relative_margin(margin, target))
        margin_pct = None if math.isnan(rel) else rel * 100.0
        sym = calc.DIRECTIONS[direction]["symbol"]
        reason_zh = f"数值 {_fmt(value)} {unit}，目标 {sym} {_fmt(target)} {unit}：{'达标' if met else '未达标'}"
        reason_en = f"value {_fmt(value)} {unit}, target {sym} {_fmt(target)} {unit}: {'met' if met else 'not met'}"
        d = _find_draws(all_draws, year, region, ind, price_year)
        if d is not None:
            p_met = calc.probability_met(np.asarray(d, float) * conversion_factor(fig_unit, unit), target, direction, rtol)
            reason_zh += f"；达标概率 {p_met:.0%}（{len(d)} 次抽样）"
            reason_en += f"; P(met) = {p_met:.0%} ({len(d)} draws)"
    q = figs.quality_of(year, region)
    share = q["illustrative_share"]
    return {
        "row": int(t["row"]), "year": year, "region": region, "region_zh": name["zh"], "region_en": name["en"],
        "level": name["level"], "indicator": ind, "indicator_zh": spec["zh"], "indicator_en": spec["en"],
        "direction": direction, "target": target, "unit": unit,
        "price_year": want_py if want_py is not None else price_year,
        "value": value, "margin": margin, "margin_pct": margin_pct, "met": met,
        "p_met": np.nan if p_met is None else p_met, "rank": np.nan, "ranked": 0,
        "illustrative": None if share is None else bool(share > 0),
        "illustrative_share_pct": np.nan if share is None else share * 100.0,
        "target_status": t["status"], "reason_zh": reason_zh, "reason_en": reason_en,
        "note": t["note"], "source": t["source"], "_margin_canonical": None if margin is None else margin * float(t["factor"]),
    }


def _rank(table: pd.DataFrame) -> pd.DataFrame:
    """Rank the judged township rows within each (indicator, year, price basis, direction) group."""
    if table.empty:
        return table
    table["met"] = table["met"].astype(object)
    judged = (table["level"] != COUNTY) & table["met"].notna()
    keys = ["indicator", "year", "direction"]
    py = table["price_year"].astype(object).where(table["price_year"].notna(), -1)
    for _, idx in table[judged].groupby(keys + [py[judged]]).groups.items():
        group = table.loc[idx]
        relative = (group["target"] != 0).all()
        score = group["margin_pct"] if relative else group["_margin_canonical"]
        ranks = calc.competition_rank(score.astype(float).to_numpy())
        table.loc[idx, "rank"] = ranks
        table.loc[idx, "ranked"] = len(idx)
    table = table.drop(columns="_margin_canonical")
    table["ranked"] = table["ranked"].astype(int)
    return table

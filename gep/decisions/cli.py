"""The decisions commands of the ``gep`` CLI: ``appraise``, ``allocate``, ``green-gold``.

Registered on the main app by :func:`register`; each command reads the
output folder of ``gep run``, prints a short table and writes its workbook
and JSON beside the run's outputs (or into ``--out``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

import typer

from ..errors import GepError
from ..progress import Table  # rich, imported when a table is printed

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["register", "print_appraisal", "print_allocation", "print_green_gold"]


def _n(v, digits=2) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "—"
    return f"{v:,.{digits}f}"


def print_appraisal(appraisal, console: Console, limit: int | None = None) -> None:
    t = appraisal.table
    title = "考核 Appraisal" + (" — ⚠ 示例目标 illustrative targets" if appraisal.illustrative_targets else "")
    table = Table(title=title)
    for c, j in (("年 Year", "right"), ("地区 Region", "left"), ("指标 Indicator", "left"), ("目标 Target", "right"),
                 ("数值 Value", "right"), ("差距 Margin", "right"), ("达标 Met", "left"), ("P(met)", "right"),
                 ("排名 Rank", "right"), ("示例 Illus.", "left")):
        table.add_column(c, justify=j)
    shown = t if limit is None else t.head(limit)
    for _, r in shown.iterrows():
        from ..compute.appraisal import DIRECTIONS

        met = {True: "✓ 达标", False: "✗ 未达标"}.get(r["met"], "? " + str(r["reason_zh"])[:24])
        rank = "" if r["rank"] != r["rank"] else f"{int(r['rank'])}/{int(r['ranked'])}"
        illus = {True: f"⚠ {r['illustrative_share_pct']:.0f}%", False: ""}.get(r["illustrative"], "—")
        table.add_row(str(r["year"]), r["region_zh"], r["indicator_zh"],
                      f"{DIRECTIONS[r['direction']]['symbol']} {r['target']:,.4g} {'' if r['unit'] == '1' else r['unit']}".strip(),
                      _n(r["value"], 3), _n(r["margin"], 3), met, "" if r["p_met"] != r["p_met"] else f"{r['p_met']:.0%}",
                      rank, illus)
    console.print(table)
    if limit is not None and len(t) > limit:
        console.print(f"… {len(t) - limit} more rows in the workbook / 其余 {len(t) - limit} 行见工作簿")
    c = appraisal.summary()["counts"]
    console.print(f"达标 met {c['met']}, 未达标 not met {c['not_met']}, 无法判断 not judged {c['not_judged']}, "
                  f"未考核（其他年份）skipped {c['skipped']}")


def print_allocation(alloc, console: Console) -> None:
    from .allocation import RULES

    spec = RULES[alloc.rule]
    title = f"分配 Allocation: {spec['zh']} / {spec['en']}" + (" — ⚠ 示例 illustrative" if alloc.illustrative else "")
    table = Table(title=title)
    base = {"gep": ("gep_yuan", "GEP (亿元)", 1e-8), "gep_per_area": ("gep_per_area", "GEP/km² (万元)", 1e-4),
            "regulating": ("regulating_yuan", "调节 Regulating (亿元)", 1e-8),
            "gep_increase": ("gep_change_yuan", "ΔGEP (万元)", 1e-4),
            "gep_change": ("gep_growth_pct", "增长 Growth (%)", 1.0)}[alloc.rule]
    for c, j in (("地区 Region", "left"), (base[1], "right"), ("权重 Weight", "right"), (f"分配 Amount ({alloc.unit})", "right"),
                 ("份额 Share", "right"), ("", "left")):
        table.add_column(c, justify=j)
    for _, r in alloc.table.iterrows():
        flag = "保底 floor" if r["at_floor"] else ("封顶 cap" if r["at_cap"] else "")
        table.add_row(f"{r['region_zh']} {r['region_en']}", _n(r[base[0]] * base[2], 3), f"{r['weight']:,.6g}",
                      f"{int(r['amount']):,}", f"{r['share_pct']:.2f} %", flag)
    table.add_row("合计 Total", "", "", f"{int(alloc.table['amount'].sum()):,}", f"{alloc.table['share_pct'].sum():.2f} %", "")
    console.print(table)
    yuan = alloc.summary()["budget_yuan"]
    console.print(f"预算 budget: {alloc.budget_units:,} {alloc.unit} = {yuan / 1e8:,.6g} 亿元；{alloc.year} 年 / year {alloc.year}"
                  + (f"（较 {alloc.from_year} 年 / against {alloc.from_year}）" if alloc.from_year else "")
                  + f"；价格 prices: {alloc.prices}", highlight=False)
    console.print(f"公式 formula: {spec['formula_en']}", highlight=False)


def print_green_gold(gg, console: Console) -> None:
    from .green_gold import DEFINITIONS

    d = DEFINITIONS[gg.definition]
    table = Table(title=f"绿金指数 Green-gold index — {d['zh']} / {d['en']}")
    for c in ("年 Year", "GEP (亿元)", "GDP (亿元)", "GEP/GDP", "GEP 增长 (%)", "GDP 增长 (%)", "联合增长 Joint", "指数 Index"):
        table.add_column(c, justify="right")
    for _, r in gg.table.iterrows():
        table.add_row(str(r["year"]), _n(r["gep_yuan"] / 1e8), _n(r["gdp_yuan"] / 1e8), _n(r["ratio"], 4),
                      _n(r["gep_growth_pct"]), _n(r["gdp_growth_pct"]), _n(r["joint_growth_index"], 2), _n(r["index"], 4))
    console.print(table)
    console.print("未找到“绿金指数”的正式定义；上表按所选定义计算 / no official definition of the 绿金指数 was found; "
                  "the index follows the definition named above", highlight=False)


def register(app: typer.Typer, console: Console, fail: Callable[[GepError], None]) -> None:
    """Add ``appraise``, ``allocate`` and ``green-gold`` to the ``gep`` app."""

    @app.command()
    def appraise(out: Path = typer.Argument(..., help="gep run 的输出目录 / output folder of gep run"),
                 targets: Path = typer.Option(..., "--targets", "-t", help="目标表 CSV/Excel / targets table"),
                 write_to: Optional[Path] = typer.Option(None, "--out", "-o",
                                                         help="写出目录（默认同 OUT）/ where to write (default: OUT)")):
        """乡镇与全县对照年度目标考核 / appraise townships and the county against yearly targets."""
        from .appraisal import appraise as run

        try:
            result = run(out, targets)
            written = result.write(write_to or out)
        except GepError as exc:
            fail(exc)
        print_appraisal(result, console)
        console.print("写出 / wrote: " + ", ".join(str(p) for p in written.values()))

    @app.command()
    def allocate(out: Path = typer.Argument(..., help="gep run 的输出目录 / output folder of gep run"),
                 budget: Optional[str] = typer.Option(None, "--budget", "-b", help="预算：带单位（如 1亿元），或以 --unit 计的数（默认 元；--unit 万元 时 10000 即 1亿元）/ budget: with its unit (1亿元), or a number in --unit (元 by default; with --unit 万元, 10000 is 1亿元)"),
                 unit: Optional[str] = typer.Option(None, "--unit", "-u", help="取整单位：元、万元 / unit paid in (default 元)"),
                 rule: Optional[str] = typer.Option(None, "--rule", "-r",
                                                    help="gep | gep_per_area | regulating | gep_increase | gep_change"),
                 year: Optional[int] = typer.Option(None, "--year", help="核算年（默认最近一年）/ account year"),
                 floor: Optional[str] = typer.Option(None, "--floor", help="每个乡镇保底额 / least per township"),
                 cap: Optional[str] = typer.Option(None, "--cap", help="每个乡镇封顶额 / most per township"),
                 reward: Optional[float] = typer.Option(None, "--reward-per-point",
                                                        help="gep_change：每增长 1 个百分点增加的权重 / weight per point of growth"),
                 penalty: Optional[float] = typer.Option(None, "--penalty-per-point",
                                                         help="gep_change：每下降 1 个百分点减少的权重 / weight per point of decline"),
                 spec: Optional[Path] = typer.Option(None, "--spec", help="分配设定 TOML（选项优先）/ allocation spec (options win)"),
                 write_to: Optional[Path] = typer.Option(None, "--out", "-o", help="写出目录（默认同 OUT）/ where to write")):
        """按规则将预算分配到乡镇，合计精确等于预算 / divide a budget among townships by a rule, adding up exactly."""
        from .allocation import allocate as run
        from .allocation import read_allocation_spec

        try:
            given = read_allocation_spec(spec) if spec else {}
            options = {"budget": budget, "unit": unit, "rule": rule, "year": year, "floor": floor, "cap": cap,
                       "reward_per_point": reward, "penalty_per_point": penalty}
            given.update({k: v for k, v in options.items() if v is not None})
            from ..errors import AllocationError, problem

            missing = [k for k in ("budget", "rule") if k not in given]
            if missing:
                raise AllocationError([problem(f"missing_{k}", f"没有给出 {k}（--{k} 或 --spec）", f"no {k} given (--{k} or --spec)",
                                               column=k) for k in missing])
            result = run(out, given.pop("budget"), **{"unit": "元", **given})
            written = result.write(write_to or out)
        except GepError as exc:
            fail(exc)
        print_allocation(result, console)
        console.print("写出 / wrote: " + ", ".join(str(p) for p in written.values()))

    @app.command("green-gold")
    def green_gold(out: Path = typer.Argument(..., help="gep run 的输出目录 / output folder of gep run"),
                   definition: str = typer.Option("ratio", "--definition", help="ratio | joint_growth"),
                   weight_gep: float = typer.Option(0.5, "--weight-gep", help="joint_growth 中 GEP 的权重 / weight on GEP"),
                   write_to: Optional[Path] = typer.Option(None, "--out", "-o", help="写出目录（默认同 OUT）/ where to write")):
        """逐年绿金指数（GEP 与 GDP）及其构成 / the yearly green-gold index from GEP and GDP, with its components."""
        from .green_gold import green_gold_index

        try:
            result = green_gold_index(out, definition=definition, weight_gep=weight_gep)
            written = result.write(write_to or out)
        except GepError as exc:
            fail(exc)
        print_green_gold(result, console)
        console.print("写出 / wrote: " + ", ".join(str(p) for p in written.values()))

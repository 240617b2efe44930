"""``gep screen``: the command body (registered in :mod:`gep.cli`).

    gep screen 330604                 one county by code
    gep screen 上虞区 --out DIR        by name; writes summary.json, accounts.xlsx, class_areas.csv
    gep screen --province 33          every county of a province (dask) → table, records, map
    gep screen --all --scheduler tcp://host:8786    every county of China on a dask cluster
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

__all__ = ["command"]


def _banner(console) -> None:
    from rich.panel import Panel

    from .county import BANNER

    from rich.text import Text

    banner = Text(BANNER["zh"], style="bold") + Text("\n" + BANNER["en"])  # gep's consoles read no markup
    console.print(Panel(banner, border_style="yellow"), highlight=False)


def _print_one(s, console) -> None:
    from rich.table import Table

    from .county import LIMITS

    d, lc, res = s.division, s.land_cover, s.result
    yi = 1e8
    _banner(console)
    console.print(d["name"], style="bold", end=" ")
    console.print(f"{d['code']}（{d['province']} {d['prefecture']}）  "
                  f"profile: {s.profile}; coefficients: {res.coefficients['id']}; prices: 2019", highlight=False)
    console.print(f"县界面积 outline {lc.outline_area_km2:,.2f} km²; 分类面积 classified {lc.classified_km2:,.2f} km² "
                  f"(差 gap {lc.coverage_gap:+.1e}); 水体 water (IGBP 0) {lc.water_km2:,.2f} km²; "
                  f"无数据 nodata {lc.nodata_km2:,.2f} km²; {lc.cells} cells", highlight=False)
    t = Table(title="土地覆盖 Land cover (MODIS MCD12C1 2019, IGBP)")
    for c, j in (("IGBP", "right"), ("类别 Class", "left"), ("生态系统 Ecosystem", "left"), ("km²", "right"),
                 ("%", "right")):
        t.add_column(c, justify=j)
    for _, r in s.class_table().iterrows():
        if r["area_km2"] > 0:
            t.add_row(str(r["code"]), f"{r['name_zh']} {r['name_en']}", f"{r['ecosystem_zh']} {r['ecosystem']}",
                      f"{r['area_km2']:,.2f}", f"{r['share'] * 100:.1f}")
    console.print(t)
    t = Table(title=f"分项 By service (亿元, 2019 prices) — {s.measure}")
    for c, j in (("服务 Service", "left"), ("类别 Category", "left"), ("价值 Value", "right")):
        t.add_column(c, justify=j)
    for sid, v in res.by_service.items():
        row = res.services.loc[sid]
        t.add_row(f"{row['label_zh']} {row['label_en']}", row["category"], f"{v / yi:,.3f}")
    console.print(t)
    cats = "; ".join(f"{c} {v / yi:,.2f}" for c, v in res.by_category.items())
    label = "生态系统服务价值 ESV" if s.measure == "ESV" else "生态系统生产总值 GEP（筛查）"
    console.print(f"{label} = {s.total / yi:,.2f} 亿元 (10⁸ CNY)", style="bold green", end="")
    console.print(f"; {cats}", highlight=False)
    console.print(f"单位面积 per km²: {s.total / 1e4 / lc.outline_area_km2:,.1f} 万元/km²", highlight=False)
    shares = s.screening_section()["quality"]["value_share_by_status"]
    console.print("系数状态 coefficient status (share of value): "
                  + ", ".join(f"{k} {v * 100:.1f} %" for k, v in shares.items()), highlight=False)
    for w in s.screening_section()["warnings"]:
        console.print(f"注意 warning: {w['zh']} / {w['en']}", style="bold yellow", highlight=False)
    for lim in LIMITS:
        console.print(f"· {lim['zh']} / {lim['en']}", style="dim", highlight=False)


def _print_many(table, console) -> None:
    from rich.table import Table

    _banner(console)
    yi = 1e8
    t = Table(title=f"分省 By province ({table.measure}, 亿元, 2019 prices)")
    for c, j in (("省 Province", "left"), ("县 Counties", "right"), ("km²", "right"), ("亿元", "right"),
                 ("万元/km²", "right")):
        t.add_column(c, justify=j)
    for _, r in table.by_province().iterrows():
        t.add_row(f"{r['province_code'][:2]} {r['province']}", str(r["counties"]), f"{r['outline_km2']:,.0f}",
                  f"{r['total_yuan'] / yi:,.1f}", f"{r['per_area_wan_yuan_per_km2']:,.1f}")
    console.print(t)
    frame = table.frame
    if "warnings" in frame:
        for code in ("water_dominated", "few_cells", "land_cover_nodata"):
            hit = frame[frame["warnings"].fillna("").str.contains(code)]
            if len(hit):
                console.print(f"注意 warning {code}: {len(hit)} counties ({', '.join(hit['name'].head(8))}"
                              f"{' …' if len(hit) > 8 else ''}) — see screening.json", style="yellow", highlight=False)
    for f in table.failures:
        console.print(f"未筛查 not screened: {f['code']} {f.get('name', '')}: {f['status']}", style="red", highlight=False)


def command(console, err_console, fail):
    """The ``gep screen`` command, printing to ``console`` and reporting errors with ``fail`` (those of
    :mod:`gep.cli`, which registers it: ``app.command("screen")(command(console, err_console, _fail))``)."""

    def screen(target: Optional[str] = typer.Argument(None, help="县级行政区代码或名称，如 330604、上虞区 / county code or name"),
               province: Optional[str] = typer.Option(None, "--province", "-p",
                                                      help="筛查一个省的全部县，如 33 或 浙江 / every county of a province"),
               all_: bool = typer.Option(False, "--all", help="筛查全国 2,875 个县级行政区 / every county of China"),
               out: Optional[Path] = typer.Option(None, "--out", "-o", help="输出目录 / output folder"),
               profile: str = typer.Option("xie2015-gep", "--profile",
                                           help="xie2015-gep（GEP，默认）或 xie2015-esv（ESV，含支持服务）"),
               scheduler: str = typer.Option("processes", "--scheduler",
                                             help="dask: processes | threads | synchronous | tcp://host:port"),
               no_map: bool = typer.Option(False, "--no-map", help="不画地图 / no choropleth"),
               quiet: bool = typer.Option(False, "--quiet", "-q", help="不打印表格 / do not print tables")):
        """一级筛查：任一县的 5 km 土地覆盖价值当量估算（不是核算）/ tier-1 screening of any Chinese county (not an account)."""
        from ..errors import GepError, problem
        from . import counties, require, resolve_province, screen as screen_one, screen_many
        from .errors import ScreeningError

        try:
            chosen = sum(x is not None and x is not False for x in (target, province, all_ or None))
            if chosen != 1:
                raise ScreeningError(problem(
                    "screen_target", "请给出一个县（代码或名称），或 --province，或 --all 三者之一",
                    "give exactly one of: a county (code or name), --province, or --all",
                    hint_zh="例如 gep screen 330604、gep screen --province 33、gep screen --all",
                    hint_en="e.g. gep screen 330604, gep screen --province 33, gep screen --all"))
            require()
            if target is not None:
                s = screen_one(target, profile=profile)
                if not quiet:
                    _print_one(s, console)
                if out is not None:
                    written = s.write(out)
                    console.print("\n写出 / wrote: " + ", ".join(str(p) for p in written.values()), highlight=False)
                return
            if all_:
                codes, scope = list(counties().index), {"all": True}
            else:
                code = resolve_province(province)
                codes, scope = list(counties(code).index), {"province": code}
            table = screen_many(codes, profile=profile, scheduler=scheduler, scope=scope)
            written = table.write(out or Path("gep-screening"), map_png=not no_map)
        except GepError as exc:
            fail(exc)
        if not quiet:
            _print_many(table, console)
        console.print("\n写出 / wrote: " + ", ".join(str(p) for p in written.values()), highlight=False)
        if table.failures:
            err_console.print(f"{len(table.failures)} 个县未能筛查 / counties could not be screened (see screening.json)",
                              style="red")
            raise typer.Exit(code=1)

    return screen

"""The ``gep`` command line.

    gep init DIR --region-code C       a new county's folder: config, templates, coefficients to fill
    gep example [--out DIR]            run the embedded example county (--copy DIR: copy its inputs)
    gep run CONFIG --out DIR           run any county's config
    gep validate CONFIG                list every problem, change nothing
    gep appraise OUT --targets T       townships and county against yearly targets
    gep allocate OUT --budget B --rule R   a budget divided among townships by a rule
    gep green-gold OUT                 the yearly green-gold index (GEP and GDP)
    gep coefficients list|show|check|diff|keys
    gep services list [--family F]
    gep schemes list|show ID
    gep check-studies [DIR]            reproduce the published studies of validation/, write docs/validation.md
    gep screen CODE_OR_NAME | --province P | --all   (tier-1 screening, gep.screening)

Problems are printed in Chinese and English and the exit code is 1; another
run writing into the same ``--out``: 75; Ctrl-C: 130; an internal error: 70
with a crash report (``gep.safety``, ``docs/safety.md``). The consoles never
read markup or emoji codes: text from the inputs is printed as it is (style
with ``style=`` or :class:`rich.text.Text`, never with ``[bold]`` markup).
"""

# annotations are evaluated as the commands are defined (no ``from __future__ import annotations``):
# typer reads every command's signature at each start, and evaluating them from strings was a fifth
# of ``gep --help``
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from .errors import GepError, OutputBusy
from .numformat import fmt  # one number format per unit
from .progress import LazyConsole, Table  # rich, imported when a command prints (`gep --help` needs none of it)

from .safety import EXIT_BUSY, EXIT_INTERRUPTED, EXIT_PROBLEMS, GuardedGroup, print_problems, set_debug

# help and usage errors in click's plain format: typer's rich help imports rich's markdown and
# traceback machinery, which alone costs more than typer itself (benchmarks/run_all.py)
app = typer.Typer(add_completion=False, no_args_is_help=True, cls=GuardedGroup, rich_markup_mode=None,
                  help="gep — 生态系统生产总值核算 / Gross Ecosystem Product accounting")
coef_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="系数集 / coefficient sets")
svc_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="生态系统服务 / ecosystem services")
scheme_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="土地利用分类 / land-use schemes")
app.add_typer(coef_app, name="coefficients")
app.add_typer(svc_app, name="services")
app.add_typer(scheme_app, name="schemes")

def _width(stream) -> int | None:
    """The terminal's width on a terminal (None: rich measures it as it prints), else 120 for files and pipes."""
    try:
        return None if stream.isatty() else 120
    except (AttributeError, ValueError):
        return 120


# markup and emoji codes off: a township named "[/old name]" or ":x:" is printed as it is, in every table and
# line (styles are given with style= or rich Text, never as markup)
console = LazyConsole(width=_width(sys.stdout), markup=False, emoji=False)
err_console = LazyConsole(stderr=True, width=_width(sys.stderr), markup=False, emoji=False)


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="内部错误时打印回溯 / print the traceback of an internal error")):
    """gep — 生态系统生产总值核算 / Gross Ecosystem Product accounting"""
    set_debug(debug)


def _fail(exc: GepError) -> None:
    print_problems(exc, err_console)
    raise typer.Exit(code=EXIT_BUSY if isinstance(exc, OutputBusy) else EXIT_PROBLEMS)


def _cell(v) -> str:
    """A table cell: empty for a missing value, integers as integers (a price year 2010, not 2010.0)."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def _fmt(v, digits=2) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


def print_warnings(warnings) -> None:
    """Warnings first: the data-quality banner, then what the account found that did not stop it."""
    banner = [w for w in warnings if getattr(w, "code", "") in ("illustrative_data", "unverified_data")]
    for w in banner:
        err_console.print(f"⚠ {w.zh}", style="bold yellow", markup=False, highlight=False)
        err_console.print(f"  {w.en}", style="yellow", markup=False, highlight=False)
    for w in warnings:
        if w not in banner:
            err_console.print(f"注意 / warning: {w.format('zh')}", style="yellow", markup=False, highlight=False,
                              soft_wrap=True)
            err_console.print(f"  {w.format('en')}", markup=False, highlight=False, soft_wrap=True)


def print_result(res) -> None:
    """Readable tables of a result: total, category, service, region, indicators (亿元)."""
    from .io.summary import total_key

    s = res.summary()
    yi = 1e8
    print_warnings(res.warnings)
    console.print(f"\n{res.name.get('zh', '')} / {res.name.get('en', '')} — {res.year}", style="bold", end="")
    console.print(f"  prices: {res.prices}; coefficients: {res.coefficients['id']}; profile: {s.get('profile')}")
    key = total_key(s)  # "gep", or "esv" for an account that reports ESV
    total = s[key]
    if key == "gep":
        console.print(f"GEP 生态系统生产总值 = {s['gep'] / yi:,.2f} 亿元 (10⁸ CNY)\n", style="bold green")
    else:
        console.print(f"ESV 生态系统服务价值 = {s['esv'] / yi:,.2f} 亿元 (10⁸ CNY) "
                      "(含支持服务，不是 GEP / includes supporting services: not GEP)\n", style="bold green")

    t = Table(title="分类 By category (亿元)")
    t.add_column("类别 Category"); t.add_column("价值 Value", justify="right"); t.add_column("占比 Share", justify="right")
    labels = {"provisioning": "物质产品 Provisioning", "regulating": "调节服务 Regulating",
              "cultural": "文化服务 Cultural", "supporting": "支持服务 Supporting"}
    for cat, v in s["by_category"].items():
        t.add_row(labels.get(cat, cat), _fmt(v / yi), fmt(v / total * 100 if total else None, "%", with_unit=True))
    console.print(t)

    t = Table(title="分项 By service")
    for col, just in (("服务 Service", "left"), ("类别 Cat.", "left"), ("方法 Method", "left"),
                      ("实物量 Physical", "right"), ("单位 Unit", "left"), ("价值 Value (亿元)", "right")):
        t.add_column(col, justify=just)
    for sid, v in s["by_service"].items():
        t.add_row(f"{v['label']['zh']} {v['label']['en']}", v["category"][:4], v["method"],
                  fmt(v["physical"], v["physical_unit"]), v["physical_unit"], _fmt(v["value"] / yi))
    console.print(t)

    t = Table(title="分区 By region")
    t.add_column("地区 Region"); t.add_column("面积 km²", justify="right")
    t.add_column(f"{key.upper()} (亿元)", justify="right")
    t.add_column("万元/km²", justify="right")
    for rid, v in s["by_region"].items():
        t.add_row(f"{v['name']['zh']} {v['name']['en']}", fmt(v["land_area_km2"], "km²"), _fmt(v[key] / yi),
                  fmt(v[key] / 1e4 / v["land_area_km2"] if v["land_area_km2"] else None, "万元/km²"))
    console.print(t)

    t = Table(title="指标 Indicators")
    t.add_column("指标 Indicator"); t.add_column("数值 Value", justify="right"); t.add_column("单位 Unit")
    t.add_column("说明 Note")
    for ind in s["indicators"].values():
        note = ""
        comps = ind.get("components") or {}
        if "numerator" in comps:
            note = f"numerator={comps['numerator']}, denominator={comps['denominator']}"
        if ind.get("missing"):
            note = "missing: " + ", ".join(ind["missing"])
        t.add_row(f"{ind['label']['zh']}\n{ind['label']['en']}", fmt(ind["value"], ind["unit"]), ind["unit"], note)
    console.print(t)
    tm = res.extra.get("two_mountains")
    if tm is not None:
        t = Table(title="“两山”指标 Two-Mountains indicators (表1)")
        for c, j in (("序号", "right"), ("指标 Indicator", "left"), ("值 Value", "right"), ("目标 Target", "left"),
                     ("达标 Met", "left")):
            t.add_column(c, justify=j)
        for _, r in tm.iterrows():
            v = r["value"]
            shown = fmt(v, str(r.get("unit") or "")) if isinstance(v, (int, float)) and v == v else ("—" if v is None else str(v))
            met = {True: "✓ 达标 met", False: "✗ 未达标 not met"}.get(r["met"], "? " + str(r.get("reason_en", ""))[:40])
            src = " (gep)" if r.get("value_source") == "computed" else ""
            t.add_row(str(r["no"]), f"{r['indicator_zh']}", shown + src, str(r["target_text"]), met)
        console.print(t)
    yoy = res.extra.get("year_on_year")
    if yoy is not None:
        a, b = yoy["a"], yoy["b"]
        frame = yoy["by_category"]
        effects = [c for c in ("area", "intensity", "quantity", "price") if c in frame]
        t = Table(title=f"年度对比 Year-on-year {a} → {b} (亿元, prices: {yoy['prices']})")
        for c in ["类别 Category", str(a), str(b), "变化 Change", "%"] + effects:
            t.add_column(c, justify="left" if c.startswith("类别") else "right")
        rows = list(frame.iterrows()) + [(key.upper(), frame.sum())]
        for cat, r in rows:
            pct = r["change"] / r["value_a"] * 100 if r["value_a"] else float("nan")
            t.add_row(labels.get(cat, cat), _fmt(r["value_a"] / yi), _fmt(r["value_b"] / yi), _fmt(r["change"] / yi),
                      fmt(pct, "%", signed=True), *[_fmt(r[e] / yi) for e in effects])
        console.print(t)
    for title, rows in res.extra.get("console_tables", {}).items():
        t = Table(title=title)
        if rows:
            for col in rows[0]:
                t.add_column(str(col))
            for r in rows:
                t.add_row(*[str(x) for x in r.values()])
        console.print(t)


def _appraise_into(res, result, cfg: dict, folder: Path, targets: Path | None, draws=None):
    """Appraise against ``--targets`` or ``[inputs] targets`` and put it in ``res``'s outputs (gep.decisions)."""
    path = targets or cfg.get("inputs", {}).get("targets")
    if path is None:
        return None
    from .decisions import appraise

    path = Path(path) if targets or Path(path).is_absolute() else folder / path
    appraisal = appraise(result, path, draws=draws)
    appraisal.attach(res)
    return appraisal


def _compare_methods(acct, res) -> None:
    """GEP under every published method variant, added to the result's outputs (``--compare-methods``)."""
    from .account.methods import compare_methods

    compare_methods(acct, res).attach(res)


#: what `--formats` may name (gep.io.outputs.write_into)
OUTPUT_FORMATS = ("json", "xlsx", "nc", "toml")


def _formats(text: str) -> tuple[str, ...]:
    """``"json,xlsx"`` -> ``("json", "xlsx")``; an unknown or empty list is a problem (exit 1)."""
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in str(text).split(",") if f.strip()))
    unknown = [f for f in chosen if f not in OUTPUT_FORMATS]
    if unknown or not chosen:
        from .errors import ConfigError, problem

        _fail(ConfigError(problem(
            "unknown_output_format", f"--formats 中有未知的输出格式：{', '.join(unknown) or '（空）'}",
            f"--formats names unknown output formats: {', '.join(unknown) or '(none given)'}", value=text,
            hint_zh=f"可选：{', '.join(OUTPUT_FORMATS)}（逗号分隔）", hint_en=f"choose from {', '.join(OUTPUT_FORMATS)}, comma-separated")))
    return chosen


def _uncertainty(acct, res, draws: int, seed: int):
    """Monte Carlo intervals, target probabilities and Sobol indices, added to the outputs (``--uncertainty N``);
    the Sobol design on the second core when it can (:mod:`gep.io.two_cores`)."""
    if not draws:
        return None
    from .account.uncertainty import account_uncertainty
    from .io.two_cores import usable_workers

    return account_uncertainty(acct, draws, seed, result=res, workers=usable_workers()).attach(res).extra["uncertainty"]


def _input_files(config: Path, cfg: dict, folder: Path, wanted: list[int]) -> list[Path]:
    """The config and every file or folder it reads, for every year of the run (kept away from ``--out``)."""
    from .account.config import for_year
    from .account.paths import input_paths

    files = [Path(config)]
    for c in ([for_year(cfg, y) for y in wanted] if wanted else [cfg]):
        files += [path for _, _, path in input_paths(c, folder)]
    return list(dict.fromkeys(files))


def _run(config: Path, out: Path, quiet: bool = False, years: str | None = None, maps: bool = False,
         targets: Path | None = None, official: bool = False, compare_methods: bool = False, report: bool = False,
         wait: bool = False, extra=None, also_reads: tuple[Path, ...] = (), uncertainty: int = 0, seed: int = 1,
         formats: tuple[str, ...] = OUTPUT_FORMATS, busy_second_core: bool = False):
    """Run one year, or several years (``--years`` or ``[account] years``), and replace ``out`` with the outputs.

    ``out`` is checked and locked before anything is computed; every file
    (years, maps, the report) is written into a staging folder beside it,
    which then takes its place in one step (:class:`gep.io.safe_write.OutputFolder`).
    ``extra(res, result)`` may add to the outputs before they are written; it
    returns ``(write, show)``: ``write(staging)`` writes further files into the
    set, ``show()`` prints (either may be ``None``). ``also_reads`` are further
    input files. ``uncertainty`` draws (``--uncertainty N``, seeded by ``seed``) are of the latest year;
    ``formats`` names the outputs of every year (:data:`OUTPUT_FORMATS`). The years are
    checked, run and written on two processes (each writes the sets of the years it ran), unless
    ``busy_second_core`` (another process already computes for this run).
    """
    from contextlib import ExitStack

    from .account import Account
    from .account.config import load_config
    from .account.years import parse_years, run_years
    from .io.outputs import write_into, write_map_files
    from .io.safe_write import OutputFolder
    from .io.two_cores import usable_workers
    from .progress import progress

    dest, appraisal, write_more, show_more, reported = None, None, None, None, {}
    try:
        cfg, folder = load_config(config)
        wanted = parse_years(years) if years else parse_years(cfg.get("account", {}).get("years", []))
        inputs = _input_files(config, cfg, folder, wanted) + list(also_reads)
        if targets is not None:
            inputs.append(targets)
        dest = OutputFolder(out, inputs=inputs, wait=wait, on_wait=lambda holder: err_console.print(
            f"等待另一个 gep 写完 {out}（{holder}）… / waiting for another gep run writing into {out} ({holder}) …",
            style="yellow", soft_wrap=True))
        with dest, ExitStack() as running:  # --out checked and locked: nothing is computed before this
            for zh, en in dest.recovered:
                err_console.print(f"恢复 / recovered: {zh}\n    {en}", style="yellow", soft_wrap=True)
            multi, unc = None, None
            with progress(enabled=console.is_terminal and not quiet, console=console) as bar:
                if len(wanted) > 1:
                    # the sets of the earlier years are written as each is linked, on the second core for its years
                    multi = run_years(config, wanted, maps=maps, official=official, progress=bar.year,
                                      workers=1 if busy_second_core else usable_workers(),
                                      write_year=lambda r: write_into(r, dest.staging / "years" / str(r.year),
                                                                      formats=formats))
                    running.callback(multi.stop_writing)  # a run that fails stops it before the staging folder goes
                    res = multi[multi.years[-1]]
                    if compare_methods or uncertainty:  # the latest year's account, its inputs as the run read them
                        latest = multi.accounts[(res.year, "as_run")]
                        if compare_methods:
                            _compare_methods(latest, res)
                        unc = _uncertainty(latest, res, uncertainty, seed)
                else:
                    if wanted:  # one year: that year's inputs ([years.<year>], '{year}'), not [account] year's
                        from .account.years import account_for_year

                        acct = account_for_year(cfg, folder, wanted[0], source=str(config))
                    else:
                        acct = Account.from_config(config)
                    acct.maps = maps
                    if official:
                        acct.config["account"]["purpose"] = "official"
                    res = acct.run()
                    if compare_methods:
                        _compare_methods(acct, res)
                    unc = _uncertainty(acct, res, uncertainty, seed)
            appraisal = _appraise_into(res, multi or res, cfg, folder, targets, draws=None if unc is None else unc.value)
            if extra is not None:
                write_more, show_more = extra(res, multi or res)
            staged = write_into(res, dest.staging, formats=formats)
            if maps:
                staged.update({f"maps/{k}": v for k, v in write_map_files(res, dest.staging / "maps").items()})
            for y, written in (multi.written_sets() if multi else {}).items():
                staged.update({f"{y}/{k}": v for k, v in written.items()})
            if write_more is not None:
                staged.update(write_more(dest.staging))
            if report:
                from .report import write_report

                reported = write_report(res, dest.staging, pdf="auto")
                staged.update(reported)
            dest.commit()
        if not quiet:
            print_result(res)
            if appraisal is not None:
                from .decisions.cli import print_appraisal

                print_appraisal(appraisal, console, limit=12)
            if show_more is not None:
                show_more()
        if report and "report.pdf" not in reported:
            console.print("未找到 Chrome/Edge/Chromium，未生成 PDF；可用浏览器打开 report.html 打印 / no Chrome, Edge or "
                          "Chromium found: no PDF written; open report.html in a browser and print it "
                          "(or set GEP_CHROMIUM)", style="yellow")
        console.print("\n写出 / wrote: " + ", ".join(str(dest.path(p)) for p in staged.values()))
    except GepError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        _interrupted(dest)
    return res


def _interrupted(dest) -> None:
    """Ctrl-C: say what ``--out`` holds now, exit 130."""
    if dest is not None and dest.committed:
        zh, en = "输出已完整写出", "the new outputs had already been written completely"
    elif dest is not None and dest.existed:
        zh, en = "未写出任何文件，之前的输出保持不变", "nothing written, the previous outputs are kept"
    else:
        zh, en = "未写出任何文件", "nothing written"
    err_console.print(f"已中断：{zh} / interrupted: {en}", style="bold red")
    raise typer.Exit(code=EXIT_INTERRUPTED)


_WAIT = typer.Option(False, "--wait", help="另一个 gep 正在写入同一 --out 时排队等候 / wait for another run writing into --out")


@app.command()
def run(config: Path = typer.Argument(..., help="账户配置 TOML / account config"),
        out: Path = typer.Option(Path("gep-out"), "--out", "-o", help="输出目录 / output folder"),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="不打印表格 / do not print tables"),
        years: Optional[str] = typer.Option(None, "--years", "-y",
                                            help="多年核算，如 2019-2023 或 2020,2021 / several years, e.g. 2019-2023"),
        maps: bool = typer.Option(False, "--maps", help="写出栅格方法的逐像元图 / write per-pixel maps of spatial methods"),
        official: bool = typer.Option(False, "--official",
                                      help="正式核算：拒绝示例与未核实数据 / official account: refuse illustrative and "
                                           "unverified rows"),
        targets: Optional[Path] = typer.Option(None, "--targets", "-t",
                                               help="目标表：考核结果写入工作簿与 summary.json / targets table to appraise against"),
        compare_methods: bool = typer.Option(False, "--compare-methods",
                                             help="并列各服务已发表方法变体下的 GEP / GEP under every published method variant"),
        uncertainty: int = typer.Option(0, "--uncertainty", min=0, metavar="N",
                                        help="蒙特卡洛抽样次数：区间、达标概率与 Sobol 敏感性 / Monte Carlo draws: "
                                             "intervals, probabilities of targets met, Sobol indices"),
        seed: int = typer.Option(1, "--seed", min=0, help="随机种子 / random seed of --uncertainty"),
        report: bool = typer.Option(False, "--report", help="同时写出 report.html 与 report.pdf / also write the report"),
        wait: bool = _WAIT,
        formats: str = typer.Option(",".join(OUTPUT_FORMATS), "--formats",
                                    help="写出的文件，逗号分隔 / outputs to write, comma-separated: json (summary.json), "
                                         "xlsx (accounts.xlsx), nc (accounts.nc), toml (run.toml)")):
    """核算一个县的 GEP / run the account of a config."""
    _run(config, out, quiet, years, maps, targets, official, compare_methods, report, wait,
         uncertainty=uncertainty, seed=seed, formats=_formats(formats))


@app.command("report")
def report_cmd(out: Path = typer.Argument(..., help="gep run 的输出目录 / output folder of gep run"),
               pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="打印 PDF / print the PDF")):
    """写出核算报告 report.html 与 report.pdf / write the report of a run's output folder."""
    from .report.command import report_command

    report_command(out, out, pdf=pdf, console=console, fail=_fail)


def _summary(path: Path) -> dict:
    """``summary.json`` of an output folder, checked to be one (typed errors, never a KeyError)."""
    import json

    from .errors import InputFileError, problem

    file = path / "summary.json"
    try:
        s = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(problem("file_not_found", "找不到 summary.json", "summary.json not found", file=str(file),
                                     hint_zh="给出 gep run 的输出文件夹", hint_en="give an output folder of gep run")) from None
    except (OSError, ValueError) as exc:  # a file instead of a folder, not UTF-8, not JSON
        raise InputFileError(problem("bad_summary", f"无法读取 summary.json（{type(exc).__name__}）",
                                     f"cannot read summary.json ({type(exc).__name__})", file=str(file))) from None
    from .io.summary import total_key

    num = (int, float)
    ok = isinstance(s, dict)
    total = total_key(s) if ok else "gep"  # "esv" in an account that reports ESV
    ok = ok and (isinstance(s.get(total), num) and not isinstance(s.get(total), bool)
                 and all(isinstance(s.get(k), dict) for k in ("by_category", "by_service", "by_region")))
    if ok:
        ok = all(isinstance(v, num) for v in s["by_category"].values()) and all(
            isinstance(v, dict) and isinstance(v.get(f), num) and isinstance(v.get(lab, {}), dict)
            for key, f, lab in (("by_service", "value", "label"), ("by_region", total, "name"))
            for v in s[key].values())
    if not ok:
        raise InputFileError(problem("bad_summary", "这不是 gep 写出的 summary.json（缺少或损坏了数值）",
                                     "this is not a summary.json written by gep (figures missing or damaged)",
                                     file=str(file), hint_zh="给出 gep run 的输出文件夹",
                                     hint_en="give an output folder of gep run"))
    return s




def _compare_notes(a: dict, b: dict) -> list[tuple[str, str]]:
    """What a reader of ``gep compare`` must know before reading its changes: other price bases, other regions, or
    current prices of two years (the change then holds inflation)."""
    from .io.summary import total_key

    notes = []
    if total_key(a) != total_key(b):
        notes.append(("一次为 GEP、一次为 ESV（含支持服务）：两者不可直接比较",
                      "one run reports GEP, the other ESV (which includes supporting services): they are not "
                      "comparable as they stand"))
    if a.get("prices") != b.get("prices"):
        notes.append(("价格口径不同", f"different price bases ({a.get('prices')} vs {b.get('prices')})"))
    elif a.get("prices") == "current" and a.get("year") != b.get("year"):
        notes.append((f"两次运行均为当年价（{a.get('year')} 与 {b.get('year')}），变化中包含价格上涨；不变价的变化见多年核算的“年度对比”",
                      f"both runs are at current prices of their years ({a.get('year')} and {b.get('year')}): the "
                      "change holds inflation; the change at constant prices is in the year-on-year sheet of a "
                      "multi-year run (gep run --years)"))
    if a.get("root") != b.get("root") or not set(a.get("by_region", {})) & set(b.get("by_region", {})):
        names = [(s.get("name") or {}).get("zh") or s.get("root") for s in (a, b)]
        notes.append((f"两次运行的地区不同（{names[0]} 与 {names[1]}），没有共同的乡镇",
                      f"the two runs are of different regions ({a.get('root')} and {b.get('root')}): the townships "
                      "of one are not in the other"))
    return notes


@app.command()
def compare(out_a: Path = typer.Argument(..., help="较早一次运行的输出目录 / output folder of the earlier run"),
            out_b: Path = typer.Argument(..., help="较晚一次运行的输出目录 / output folder of the later run")):
    """比较两次运行的 summary.json / compare two runs by service, category and township."""
    try:
        a, b = _summary(out_a), _summary(out_b)
    except GepError as exc:
        _fail(exc)
    from .io.summary import total_key
    from .numformat import fmt, fmt_money
    from .services import CATEGORIES

    # each run is named by its folder (as given) and its year: two runs of one year stay apart
    la, lb = f"{out_a} ({a.get('year')})", f"{out_b} ({b.get('year')})"
    for zh, en in _compare_notes(a, b):
        console.print(f"注意：{zh} / note: {en}", style="yellow", soft_wrap=True)
    ka, kb = total_key(a), total_key(b)  # "gep", or "esv" for an account that reports ESV
    ta, tb = a[ka], b[kb]
    pct = fmt((tb / ta - 1) * 100, "%", signed=True, with_unit=True) if ta else "—"
    console.print(f"{ka.upper()} {la}: {fmt_money(ta, with_unit=True)} → {kb.upper()} {lb}: "
                  f"{fmt_money(tb, with_unit=True)} ({fmt_money(tb - ta, signed=True, with_unit=True)}, {pct})",
                  highlight=False)
    for title, key, label in (("分类 By category", "by_category", None), ("分项 By service", "by_service", "label"),
                              ("分区 By region", "by_region", "name")):
        t = Table(title=f"{title}（亿元）")
        t.add_column("", no_wrap=True)   # names whole; the long folder labels fold instead
        for c in (la, lb, "变化 Change", "变化率 Change (%)"):
            t.add_column(c, justify="right", overflow="fold")
        for k in list(dict.fromkeys(list(a[key]) + list(b[key]))):
            def val(s):
                v = s[key].get(k)
                return 0.0 if v is None else (v if isinstance(v, (int, float)) else
                                              v.get("value", v.get(total_key(s), 0.0)))
            va, vb = val(a), val(b)
            name = f"{CATEGORIES[k]['zh']} {CATEGORIES[k]['en']}" if key == "by_category" and k in CATEGORIES else k
            rec = b[key].get(k) or a[key].get(k)
            if label and isinstance(rec, dict) and label in rec:
                name = f"{rec[label].get('zh', '')} {rec[label].get('en', '')}"
            t.add_row(name, fmt_money(va), fmt_money(vb), fmt_money(vb - va, signed=True),
                      fmt((vb / va - 1) * 100, "%", signed=True) if va else "—")
        console.print(t)


@app.command()
def init(folder: Path = typer.Argument(..., help="新的县文件夹 / a new folder for the county"),
         profile: str = typer.Option("rcees-gep", "--profile", "-p", help="核算方案 / profile id"),
         region_code: str = typer.Option(..., "--region-code", "-r", help="6 位行政区划代码 / six-digit GB/T 2260 code"),
         year: Optional[int] = typer.Option(None, "--year", "-y", help="核算年份（默认上一年）/ accounting year (default: last year)"),
         name: str = typer.Option("", "--name", help="核算名称（中文）/ the account's name in Chinese"),
         name_en: str = typer.Option("", "--name-en", help="核算名称（英文）/ the account's name in English"),
         scheme: str = typer.Option("gbt21010-2017", "--scheme", help="土地利用分类 / land-use scheme")):
    """新建一个县的核算文件夹（配置、输入模板、待填系数）/ write a new county's folder: config, templates, coefficients to fill."""
    from .scaffold import init_county

    try:
        written = init_county(folder, profile, region_code, year=year, name_zh=name, name_en=name_en, scheme=scheme)
    except GepError as exc:
        _fail(exc)
    console.print(f"写出 / wrote {len(written)} files in {folder}: " + ", ".join(written), highlight=False)
    console.print("下一步 / next: 填写后运行 fill them in, then run  ", end="")
    console.print(f"gep validate {folder / 'gep.toml'}", style="bold")


@app.command()
def example(out: Path = typer.Option(Path("gep-example-out"), "--out", "-o", help="输出目录 / output folder"),
            quiet: bool = typer.Option(False, "--quiet", "-q", help="不打印表格 / do not print tables"),
            compare_methods: bool = typer.Option(True, "--compare-methods/--no-compare-methods",
                                                 help="并列各服务已发表方法变体下的 GEP / GEP under every published method variant"),
            uncertainty: int = typer.Option(1000, "--uncertainty", min=0, metavar="N",
                                            help="蒙特卡洛抽样次数（0：不做）/ Monte Carlo draws (0: none)"),
            seed: int = typer.Option(1, "--seed", min=0, help="随机种子 / random seed of --uncertainty"),
            copy: Optional[Path] = typer.Option(None, "--copy", help="把示例县的输入复制到此文件夹（不运行）/ copy the example's inputs to this folder (no run)"),
            wait: bool = _WAIT,
            formats: str = typer.Option(",".join(OUTPUT_FORMATS), "--formats",
                                        help="写出的文件，逗号分隔 / outputs to write, comma-separated (json, xlsx, nc, toml)")):
    """运行内置示例县（上虞区 2021 及示意的 2020）/ run the embedded example county (Shangyu 2021, with an illustrative 2020)."""
    from .account import Account
    from .account.comparison import side_by_side
    from .account.config import load_config
    from .examples import example_config, example_dir

    if copy is not None:
        from .scaffold import copy_example

        try:
            info = copy_example(copy)
        except GepError as exc:
            _fail(exc)
        console.print(f"复制 / copied {len(info['files'])} files to {copy}")
        console.print(f"注意 / note: {info['illustrative']} of the {info['rows']} rows of "
                      f"{copy / 'coefficients' / 'example.csv'} are illustrative or unverified (示意值/未核实): "
                      "replace them with the county's own sourced values before any real account. "
                      "A new county starts better from `gep init`.", style="bold yellow", highlight=False)
        return

    def other_ways():
        # the same county by the raster path and by value transfer (independent of the tabular account)
        return {label: Account.from_config(example_config(name)).run()
                for label, name in (("spatial", "gep-spatial.toml"), ("value transfer", "gep-value-transfer.toml"))}

    def methods_and_transfer(res, result):
        # the same county by the raster path and by value transfer, side by side, in the same report
        others = {"tabular": res, **(other_ways_later.result() if other_ways_later is not None else other_ways())}
        table = side_by_side(others)
        res.extra.setdefault("report_sheets", {})["方法对比 Methods"] = (
            (table / 1e8).reset_index().rename(columns={"category": "类别 Category", "service": "服务 Service ID",
                                                        "label_zh": "服务", "label_en": "Service"}), ["同一县三种核算方式的价值量（亿元）/ the same county accounted three ways (10⁸ CNY)",
                                          "tabular = 面积×单位面积功能量与统计数据; spatial = 栅格逐像元; value transfer = 谢高地当量因子"])
        # an illustrative transfer tied to GEP (gep.decisions; the spec says it is illustrative), in the same set
        from .decisions import allocate, read_allocation_spec

        spec = read_allocation_spec(example_dir() / "transfer.toml")
        allocation = allocate(result, spec.pop("budget"), **spec)

        def show():
            from .decisions.cli import print_allocation

            print_allocation(allocation, console)
            t = Table(title="方法对比 Methods side by side (亿元)")
            t.add_column("服务 Service")
            for label in others:
                t.add_column(label, justify="right")
            for (cat, sid, zh, en), r in table.iterrows():
                name = f"{zh} {en}" if zh else sid
                t.add_row(name, *[_fmt(r[label] / 1e8, 2) if r[label] == r[label] else "" for label in others])
            console.print(t)
        return allocation.write, show

    also = [example_dir() / "transfer.toml"]
    for name in ("gep-spatial.toml", "gep-value-transfer.toml"):
        cfg, folder = load_config(example_config(name))
        also += _input_files(example_config(name), cfg, folder, [])
    chosen = _formats(formats)
    from .io.two_cores import second_process

    # on the other core, when it can; stopped if the run fails before it needs them
    with second_process(other_ways, "gep-example-other-ways") as other_ways_later:
        _run(example_config(), out, quiet, compare_methods=compare_methods, wait=wait, extra=methods_and_transfer,
             also_reads=tuple(also), uncertainty=uncertainty, seed=seed, formats=chosen,
             busy_second_core=other_ways_later is not None)


@app.command()
def validate(config: Path = typer.Argument(..., help="账户配置 TOML / account config"),
             years: Optional[str] = typer.Option(None, "--years", "-y", help="多年核算的年份 / years of a multi-year run"),
             official: bool = typer.Option(False, "--official",
                                           help="按正式核算检查：列出示例与未核实数据 / check as an official account")):
    """检查配置、输入与每项服务，一次列出全部问题 / check config, inputs and every service; list every problem.

    与 `gep run` 构建同一个核算计划：检查通过，运行即可成功。
    Builds the same plan as `gep run`: if validate passes, run succeeds.
    """
    from .account.years import validate_config

    try:
        problems, warnings = validate_config(config, years, official=official)
    except GepError as exc:
        problems, warnings = exc.problems, []
    print_warnings(warnings)
    if problems:
        _fail(GepError(problems))
    console.print("没有发现问题 / no problems found", style="green")


@app.command()
def needs(profile: str = typer.Argument(..., help="核算方案 id / profile id (gep/standards)"),
          region: Optional[str] = typer.Option(None, "--region", help="县级行政区划代码 / county code (GB/T 2260)"),
          coefficients: Optional[str] = typer.Option(None, "--coefficients",
                                                     help="要检查的系数集 / coefficient set to check")):
    """一个核算方案需要哪些输入表与系数 / what a profile needs: input tables, columns, coefficient keys."""
    from .account.needs import needs as profile_needs

    try:
        n = profile_needs(profile, region_code=region, coefficients=coefficients)
    except GepError as exc:
        _fail(exc)
    t = Table(title=f"输入表 Input tables — {profile}", width=None)
    for c in ("输入 Input", "配置 Config", "必需列 Required columns", "服务 Services"):
        t.add_column(c, overflow="fold")
    for _, r in n.inputs.iterrows():
        t.add_row(f"{r['zh']} {r['en']}", r["config"], r["required_columns"], r["services"])
    console.print(t)
    t = Table(title=f"系数 Coefficient keys — set {n.coefficient_set}" + (f", region {region}" if region else ""))
    for c in ("键 Key", "名称 Name", "单位 Unit", "系数集提供 Provided", "说明 Note"):
        t.add_column(c, overflow="fold")
    for _, r in n.keys.iterrows():
        provided = "✗ 需本县提供 county supplies" if r["county_supplies"] else f"✓ {r['provided_by']}"
        t.add_row(r["key"], f"{r['zh']} / {r['en']}", r["unit"], provided, r["note"])
    console.print(t)
    must = n.county_must_supply
    console.print(f"{len(must)} / {len(n.keys)} 个系数需由本县系数集提供 / keys the county's own set must supply"
                  + (": " + ", ".join(must) if must else ""), markup=False)


# ---------------------------------------------------------------- coefficients
@coef_app.command("list")
def coef_list():
    """列出内置系数集 / list shipped coefficient sets."""
    from rich.text import Text

    from .coefficients import load_coefficients, shipped_sets

    t = Table()
    for c in ("ID", "名称 Title", "继承 Extends", "版本 Version", "行数 Rows", "核对日期 Checked"):
        t.add_column(c)
    for sid in shipped_sets():
        try:
            cs = load_coefficients(sid)
        except GepError as exc:
            t.add_row(sid, Text(f"{len(exc.problems)} problems", style="red"), "", "", "", "")
            continue
        t.add_row(sid, f"{cs.title.get('zh', '')}\n{cs.title.get('en', '')}", str(cs.manifest.get("extends", "")),
                  cs.version, str(len(cs.table)), str(cs.manifest.get("checked_on", "")))
    console.print(t)


@coef_app.command("show")
def coef_show(set_id: str = typer.Argument(..., help="系数集 id 或路径 / set id or folder"),
              key: Optional[str] = typer.Option(None, "--key", "-k", help="只显示以此开头的键 / key prefix")):
    """显示系数集中的每个值及其来源 / show every value of a set with its source."""
    from .coefficients import load_coefficients

    try:
        cs = load_coefficients(path=set_id) if Path(set_id).is_dir() else load_coefficients(set_id)
    except GepError as exc:
        _fail(exc)
    console.print(f"{cs.id}", style="bold", end=" ")
    console.print(f"{cs.title.get('zh', '')} / {cs.title.get('en', '')} (chain: {' → '.join(map(str, cs.chain))})")
    frame = cs.to_frame()
    if key:
        frame = frame[frame["key"].str.startswith(key)]
    t = Table()
    longest = int(frame["key"].str.len().max()) if len(frame) else 3
    for c in ("key", "ecosystem", "region", "valid_from", "value", "unit", "price_year", "source", "status", "set"):
        # a key is never cut: price.water_supply and price.water_purification must stay two keys
        t.add_column(c, no_wrap=c in ("key", "value", "unit"), min_width=longest if c == "key" else None,
                     overflow="fold")
    for _, r in frame.iterrows():
        t.add_row(*[_cell(r[c]) for c in
                    ("key", "ecosystem", "region", "valid_from", "value", "unit", "price_year", "source", "status", "set")])
    console.print(t)
    console.print("\n来源 Sources", style="bold")
    for sid, rec in cs.used_sources().items():
        console.print(f"  {sid}: {rec.get('citation', '') if isinstance(rec, dict) else rec}", highlight=False)


@coef_app.command("check")
def coef_check(path: str = typer.Argument(..., help="系数集文件夹或 id / set folder or id")):
    """检查系数集（单位、来源、价格年份、重复）/ check a set (units, sources, price years, duplicates)."""
    from .coefficients import check_set

    problems = check_set(path)
    if problems:
        _fail(GepError(problems))
    console.print(f"{path}: 没有发现问题 / no problems found", style="green")


@coef_app.command("diff")
def coef_diff(a: str, b: str):
    """比较两个系数集 / show what changed between two sets."""
    from .coefficients import diff_sets, load_coefficients

    def load(x):
        return load_coefficients(path=x) if Path(x).is_dir() else load_coefficients(x)

    try:
        d = diff_sets(load(a), load(b))
    except GepError as exc:
        _fail(exc)
    if d.empty:
        console.print("没有差异 / no differences")
        return
    t = Table(title=f"{a} → {b}: {len(d)} rows differ（→ 表示变化 / → marks a change）")
    t.add_column("系数 key [生态系统] @地区", overflow="fold")
    for c in ("change", "value", "unit", "price year", "status", "source", "valid from"):
        t.add_column(c, overflow="fold", no_wrap=c in ("value", "price year", "status", "valid from"))

    def pair(r, c):
        x, y = _cell(r[f"{c}_a"]), _cell(r[f"{c}_b"])
        return y if r["change"] == "added" else x if r["change"] == "removed" or x == y else f"{x} → {y}"

    for _, r in d.iterrows():
        vf = _cell(r["valid_from"]) if r["valid_from"] == r["valid_from_b"] else \
            f"{_cell(r['valid_from'])} → {_cell(r['valid_from_b'])}"
        what = f"{r['key']}" + (f" [{r['ecosystem']}]" if r["ecosystem"] != "*" else "") + \
            (f" @{r['region']}" if r["region"] != "*" else "")
        t.add_row(what, str(r["change"]), pair(r, "value"), pair(r, "unit"), pair(r, "price_year"), pair(r, "status"),
                  pair(r, "source"), vf)
    console.print(t)


@coef_app.command("keys")
def coef_keys():
    """列出所有已声明的系数键 / list every declared coefficient key."""
    from .coefficients import coefficient_keys

    t = Table()
    for c in ("key", "中文", "English", "unit", "dimensionality"):
        t.add_column(c)
    for k, spec in coefficient_keys().items():
        t.add_row(k, spec.zh, spec.en, spec.unit, spec.dimensionality or "1")
    console.print(t)


# -------------------------------------------------------------------- services
@svc_app.command("list")
def services_list(family: Optional[str] = typer.Option(None, help="只列出某一族 / only one family")):
    """列出所有服务、方法、输入、单位与参考文献 / list services with methods, inputs, units and references."""
    from .services import CATEGORIES, TIERS, load_plugins, services
    from .services.plugins import plugin_of

    try:
        load_plugins()
    except GepError as exc:
        _fail(exc)

    # one block per service: readable at any terminal width
    for s in services(family):
        cat = CATEGORIES[s.category]
        origin = f"  (plugin {plugin_of(s.id)})" if plugin_of(s.id) else ""
        console.print(f"\n{s.id}", style="bold", end="")
        console.print(f"{origin}  {s.label['zh']} / {s.label['en']}  ·  {cat['zh']} {cat['en']}  ·  "
                      f"实物量单位 unit: {s.physical_unit}", highlight=False)
        t = Table(show_header=True, box=None, padding=(0, 1), pad_edge=False)
        t.add_column("方法 Method", no_wrap=True, style="cyan")
        for c in ("说明 Label", "层级 Tier", "输入 Inputs"):
            t.add_column(c, overflow="fold")
        keys = [k for m in s.methods.values() for k in m.coefficient_keys]
        t.add_column("系数 Coefficient keys", no_wrap=True, min_width=max([len(k) for k in keys] + [4]))
        for m in s.methods.values():   # one key a line: a key is never cut
            t.add_row(m.name, f"{m.label['zh']} / {m.label['en']}", TIERS[m.tier]["en"], ", ".join(m.inputs) or "—",
                      "\n".join(m.coefficient_keys) or "—")
        console.print(t)
        for ref in s.references:
            console.print(f"  参考 ref: {ref}", highlight=False, soft_wrap=False, overflow="fold")


# --------------------------------------------------------------------- schemes
@scheme_app.command("list")
def schemes_list():
    """列出内置土地利用分类 / list shipped land-use schemes."""
    from .classifications import shipped_schemes

    for sid, meta in shipped_schemes().items():
        console.print(sid, style="bold", end="  ")
        console.print(f"{meta['zh']}\n    {meta['en']}\n    source: {meta['citation']}", highlight=False)


@scheme_app.command("show")
def schemes_show(scheme: str):
    """显示一个分类的代码与生态系统映射 / show a scheme's codes and mapping."""
    from .classifications import load_scheme

    try:
        sc = load_scheme(scheme)
    except GepError as exc:
        _fail(exc)
    t = Table(title=f"{sc.id}: {sc.meta.get('mapping_basis', '')}")
    for c in ("code", "name_zh", "name_en", "ecosystem", "basis"):
        t.add_column(c)
    for _, r in sc.table.iterrows():
        t.add_row(*[str(r[c]) for c in ("code", "name_zh", "name_en", "ecosystem", "basis")])
    console.print(t)


from .validation.cli import check_studies_command  # noqa: E402  (the validation gallery)

app.command("check-studies")(check_studies_command)

from .decisions.cli import register as _register_decisions  # noqa: E402  (gep appraise | allocate | green-gold)

_register_decisions(app, console, _fail)

from .screening.cli import command as _screen_command  # noqa: E402

app.command("screen")(_screen_command(console, err_console, _fail))


def main() -> None:  # console-script entry point
    """Run the ``gep`` command of ``sys.argv``; the process exits with its code (click's standalone mode)."""
    _one_thread_for_numeric_libraries()
    _collect_the_oldest_objects_less_often()
    try:
        app()
    except GepError as exc:  # pragma: no cover - commands handle their own
        err_console.print(str(exc))  # the consoles read no markup
        sys.exit(1)
    finally:
        _leave_objects_to_the_os()


#: the numeric libraries' own thread pools, held to one thread in a command's process (as dask holds them in its
#: workers: distributed.nanny.pre-spawn-environ); a value the user has set is kept
NUMERIC_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _one_thread_for_numeric_libraries() -> None:
    """One thread for the BLAS and OpenMP pools of numpy and scipy in a command's process, unless the user set them.

    On loading, the OpenBLAS of numpy and the one of scipy each start a thread per core, which spin before
    they sleep: about 0.25 s of a core in every ``gep run``, taken from the core a second process works on
    (``gep run`` of one year: 118 % of a core, 1.08 s; with one thread 99 %, 1.06 s; ten years 3.7 s of CPU
    instead of 3.95 s). gep's work uses no large matrix products; its parallelism is its second process and
    dask's threads. Set before numpy is imported (``import gep.cli`` imports neither); only the CLI's own
    process, never a program that imports gep.
    """
    for name in NUMERIC_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


#: the oldest generation is collected once in this many collections of the middle one (Python's default: 10;
#: 100 saves as much in ``gep example`` as 1000 did, and keeps cyclic garbage of a long raster run from piling up)
OLDEST_GENERATION_EVERY = 100


def _collect_the_oldest_objects_less_often() -> None:
    """Fewer full collections in a command's process: the young objects are still collected as often as ever.

    A run loads some 160,000 long-lived objects (the modules of pandas, xarray, dask, pint); with Python's
    default thresholds every tenth collection of the middle generation walks all of them again, which was
    half the collector's time in ``gep example`` (0.13 of 0.26 s); every hundredth saves it. Only the CLI's
    own process is tuned, never a program that imports gep.
    """
    import gc

    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, OLDEST_GENERATION_EVERY)


def _leave_objects_to_the_os() -> None:
    """The process ends next: its objects are left for the operating system to reclaim, not collected.

    Python's shutdown collects the cycles of every module it tears down: 0.3-0.4 s after a run of the example
    (pandas, xarray, dask and pint loaded; benchmarks/run_all.py). ``gc.freeze()`` moves every object out of
    the collector's reach, so that work is skipped. Nothing is lost: every output file has been written and
    closed by the command (the ``--out`` folder is replaced in one step before it returns), and atexit handlers
    and the flushing of stdout and stderr still run.
    """
    import gc

    gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()

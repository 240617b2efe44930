"""``gep check-studies``: run the validation gallery and write its page.

Registered in :mod:`gep.cli`; the work is done by :mod:`gep.validation.studies`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import GepError
from ..progress import LazyConsole, Table  # rich, imported when something is printed

__all__ = ["check_studies_command"]

console = LazyConsole(width=120, markup=False, emoji=False)  # study names and figures printed as they are
err_console = LazyConsole(stderr=True, width=120, markup=False, emoji=False)


def _problems(exc: GepError) -> None:
    err_console.print(f"发现 {len(exc.problems)} 个问题 / {len(exc.problems)} problem(s) found", style="bold red")
    for i, p in enumerate(exc.problems, 1):
        err_console.print(f"{i}. {p.format('zh')}", highlight=False, soft_wrap=True, markup=False, style="red")
        err_console.print(f"   {p.format('en')}", highlight=False, soft_wrap=True, markup=False)
    raise typer.Exit(code=1)


def check_studies_command(
        root: Path = typer.Argument(Path("validation"), help="研究文件夹的上级目录 / folder holding the study folders"),
        page: Path = typer.Option(Path("docs/validation.md"), "--page", "-p",
                                  help="生成的页面 / the gallery page to write"),
        check: bool = typer.Option(False, "--check",
                                   help="不写入，页面不是最新时失败 / write nothing; fail if the page is not current"),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="只打印失败项 / print failures only")):
    """运行验证研究并生成验证页面 / run every validation study, compare each published figure, write the page."""
    from .studies import STATUS, check_studies, not_reproduced_studies, render_page, write_page

    try:
        results = check_studies(root)
        skipped = not_reproduced_studies(root)
    except GepError as exc:
        _problems(exc)
    if not quiet:
        t = Table(title="验证研究 Validation studies")
        for col in ("研究 Study", "年份 Years", "数值 Figures", STATUS["match"], STATUS["explained"], STATUS["fail"]):
            t.add_column(col, justify="left" if col.startswith("研究") else "right")
        for r in results:
            n = {k: sum(1 for f in r.figures if f.status == k) for k in STATUS}
            t.add_row(r.study.id, ", ".join(map(str, r.study.meta["years"])), str(len(r.figures)),
                      str(n["match"]), str(n["explained"]), str(n["fail"] + (1 if r.error else 0)))
        console.print(t)
    failed = False
    for r in results:
        if r.error:
            failed = True
            err_console.print(f"{r.study.id}: 核算未能运行 / the account does not run: {r.error}", markup=False, soft_wrap=True)
        for f in r.failures:
            failed = True
            err_console.print(f"{r.study.id} / {f.figure.id}: {f.message}", markup=False, style="red", soft_wrap=True)
    if check:
        current = page.is_file() and page.read_text(encoding="utf-8") == render_page(results, skipped)
        if not current:
            failed = True
            err_console.print(f"{page} 不是最新 / is not current: run `gep check-studies` to regenerate it", markup=False, soft_wrap=True)
    else:
        changed = write_page(results, page, skipped)
        console.print(f"{'写出 / wrote' if changed else '未变 / unchanged'}: {page}")
    if failed:
        raise typer.Exit(code=1)

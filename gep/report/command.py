"""Bodies of ``gep report OUT`` and ``gep run --report`` (registered in :mod:`gep.cli`)."""

from __future__ import annotations

from pathlib import Path

from ..errors import GepError

__all__ = ["report_command"]


def report_command(source, out: Path, *, pdf: bool, console, fail) -> dict:
    """Write the report of ``source`` (a result or an output folder) into ``out``; print what was written.

    ``pdf=True`` prints the PDF when a browser is found and says so (in both
    languages) when none is; ``pdf=False`` writes the HTML only.
    """
    from . import write_report
    from .pdf import find_browser

    try:
        written = write_report(source, out, pdf="auto" if pdf else False)
    except GepError as exc:
        fail(exc)
        return {}
    if pdf and "report.pdf" not in written and find_browser() is None:
        console.print("未找到 Chrome/Edge/Chromium，未生成 PDF；可用浏览器打开 report.html 打印 / "
                      "no Chrome, Edge or Chromium found: no PDF written; open report.html in a browser and print it "
                      "(or set GEP_CHROMIUM)", style="yellow")  # gep's consoles read no markup
    console.print("报告 / report: " + ", ".join(str(p) for p in written.values()), soft_wrap=True)
    return written

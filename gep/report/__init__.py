"""The report a county hands to its leaders: ``report.html`` and ``report.pdf``.

>>> import gep
>>> res = gep.Account.from_config(gep.example_config()).run()
>>> gep.report.write_report(res, "out")          # out/report.html, out/report.pdf
>>> gep.report.write_report("gep-out", "gep-out") # from the folder `gep run` wrote

See ``docs/report.md`` for what the report holds. Needs ``pip install "gep-accounting[report]"``
(matplotlib and the Noto Sans CJK font); the PDF needs Chrome, Edge or Chromium.
"""

from __future__ import annotations

import os
from pathlib import Path

from .data import ReportData

__all__ = ["ReportData", "write_report", "report_data"]


def _require() -> None:
    """Raise the bilingual MissingDependency when ``gep-accounting[report]`` is not installed."""
    from ..errors import missing_dependency

    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise missing_dependency("matplotlib", "report", "绘制报告图表", "Drawing the report's charts") from None
    from .fonts import collection_path

    collection_path()  # the font package


def report_data(source) -> ReportData:
    """A :class:`ReportData` from an AccountResult, an output folder, or a ReportData."""
    if isinstance(source, ReportData):
        return source
    if isinstance(source, (str, Path)):
        return ReportData.from_folder(source)
    if hasattr(source, "results") and hasattr(source, "years"):  # a MultiYearResult: the latest year
        source = source[source.years[-1]]
    return ReportData.from_result(source)


def write_report(source, out: str | Path, *, pdf: bool | str = "auto") -> dict[str, Path]:
    """Write ``report.html`` (and ``report.pdf``) for an account.

    Parameters
    ----------
    source : AccountResult, MultiYearResult, ReportData, str or Path
        The result, or the output folder of ``gep run``.
    out : str or Path
        A folder (``report.html`` and ``report.pdf`` go in it) or a ``.html`` path
        (the PDF goes beside it, same name).
    pdf : bool or "auto"
        ``True``: print the PDF, raise :class:`~gep.errors.ReportError` when no
        browser is found; ``"auto"``: print it when a browser is found;
        ``False``: HTML only.

    Returns
    -------
    dict
        ``{"report.html": path, "report.pdf": path}`` (the PDF only when written).
    """
    from .charts import all_charts
    from .html import render_html
    from .pdf import find_browser, print_pdf

    _require()
    out = Path(out)
    html_path = out if out.suffix.lower() in (".html", ".htm") else out / "report.html"
    html_path.parent.mkdir(parents=True, exist_ok=True)
    data = report_data(source)
    figs = all_charts(data)
    text = render_html(data, figs)
    tmp = html_path.with_name(html_path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, html_path)  # never a half-written report
    written = {"report.html": html_path}
    if pdf is True or (pdf == "auto" and find_browser() is not None):
        written["report.pdf"] = print_pdf(html_path, html_path.with_suffix(".pdf"))
    return written

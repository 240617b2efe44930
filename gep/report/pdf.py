"""``report.pdf``: the HTML report printed by a headless Chromium-family browser.

Why a browser: every bureau PC has Chrome or Edge (both Chromium), Linux has
Debian's ``chromium`` package, and the browser prints exactly the page the
user sees, with the CSS ``@page`` size (A4), margins and page breaks of
``report.html``. A Python PDF engine (WeasyPrint) would need Pango/GTK, which
a Windows PC does not have.

The browser is found in this order: the ``GEP_CHROMIUM`` environment variable,
``chromium``, ``chromium-browser``, ``google-chrome``, ``google-chrome-stable``,
``chrome``, ``msedge`` and ``microsoft-edge`` on the PATH, then the usual
install folders of Chrome and Edge on Windows and macOS.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import ReportError, problem

__all__ = ["find_browser", "print_pdf", "browser_args"]

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "msedge", "microsoft-edge")
WINDOWS = (r"Google\Chrome\Application\chrome.exe", r"Microsoft\Edge\Application\msedge.exe", r"Chromium\Application\chrome.exe")
MACOS = ("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
         "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
         "/Applications/Chromium.app/Contents/MacOS/Chromium")


def find_browser() -> str | None:
    """Path of a Chromium-family browser, or None."""
    env = os.environ.get("GEP_CHROMIUM")
    if env:
        return env if (Path(env).is_file() or shutil.which(env)) else None
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    if sys.platform.startswith("win"):
        for base in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)"), os.environ.get("LOCALAPPDATA")):
            for rel in WINDOWS:
                if base and (Path(base) / rel).is_file():
                    return str(Path(base) / rel)
    if sys.platform == "darwin":
        for path in MACOS:
            if Path(path).is_file():
                return path
    return None


def browser_args(browser: str, profile_dir: str) -> list[str]:
    """Command-line options for a headless run that leaves nothing behind and calls no server."""
    args = [browser, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
            "--disable-dev-shm-usage", f"--user-data-dir={profile_dir}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start its sandbox as root (CI, containers)
    return args


def print_pdf(html_path: str | Path, pdf_path: str | Path, *, browser: str | None = None, timeout: float = 180) -> Path:
    """Print ``html_path`` to ``pdf_path`` with a headless browser.

    Raises
    ------
    ReportError
        No browser found, the browser failed, or it wrote no PDF.
    """
    browser = browser or find_browser()
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    if browser is None:
        raise ReportError(problem(
            "no_browser_for_pdf", "找不到 Chrome、Edge 或 Chromium 浏览器，无法生成 PDF（report.html 已写出）",
            "no Chrome, Edge or Chromium browser found to print the PDF (report.html is written)",
            file=str(html_path),
            hint_zh="安装 Chrome/Edge/Chromium（Debian: apt-get install chromium），或设置 GEP_CHROMIUM 为浏览器路径；"
                    "也可用浏览器打开 report.html 后打印为 PDF",
            hint_en="install Chrome, Edge or Chromium (Debian: apt-get install chromium) or set GEP_CHROMIUM to its "
                    "path; or open report.html in a browser and print it to PDF"))
    tmp_pdf = pdf_path.with_name(pdf_path.name + ".part")
    with tempfile.TemporaryDirectory(prefix="gep-chromium-") as profile:
        args = browser_args(browser, profile) + ["--no-pdf-header-footer", f"--print-to-pdf={tmp_pdf}",
                                                 html_path.as_uri()]
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReportError(problem("pdf_failed", f"浏览器打印 PDF 失败：{exc}", f"the browser failed to print the PDF: {exc}",
                                      file=str(browser))) from None
    if not tmp_pdf.is_file() or tmp_pdf.stat().st_size == 0 or tmp_pdf.read_bytes()[:5] != b"%PDF-":
        detail = (proc.stderr or "").strip().splitlines()[-3:]
        if tmp_pdf.exists():
            tmp_pdf.unlink()
        raise ReportError(problem("pdf_failed", f"浏览器没有写出 PDF（退出码 {proc.returncode}）：{' '.join(detail)}",
                                  f"the browser wrote no PDF (exit code {proc.returncode}): {' '.join(detail)}",
                                  file=str(browser)))
    os.replace(tmp_pdf, pdf_path)
    return pdf_path

"""What the command line promises when something goes wrong: a message, never a traceback.

Every command of ``gep`` runs inside :class:`GuardedGroup`:

* a problem with the user's input (:class:`~gep.errors.GepError`) is printed
  in Chinese and English with its place, exit code **1**;
* another run writing into the same ``--out`` (:class:`~gep.errors.OutputBusy`):
  exit code **75** (retry later, or ``--wait``);
* Ctrl-C: "已中断 / interrupted", exit code **130**;
* anything else is a defect of ``gep``: a short bilingual "internal error"
  message, a crash report (traceback, versions, the command line, the
  platform) written to a file whose path is printed, exit code **70**;
  ``gep --debug …`` (or ``GEP_DEBUG=1``) also prints the traceback.

The exit codes follow ``sysexits.h`` (70 = internal software error, 75 =
temporary failure) and the shell's 128 + SIGINT. See ``docs/safety.md``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from typer.core import TyperGroup

from .errors import GepError, OutputBusy

if TYPE_CHECKING:  # rich is imported when something is printed (`gep --help` needs none of it)
    from rich.console import Console

__all__ = ["EXIT_PROBLEMS", "EXIT_INTERNAL", "EXIT_BUSY", "EXIT_INTERRUPTED", "GuardedGroup", "print_problems",
           "write_crash_report", "set_debug"]

EXIT_PROBLEMS = 1
EXIT_INTERNAL = 70
EXIT_BUSY = 75
EXIT_INTERRUPTED = 130

_DEBUG = {"on": False}


def _passed_through() -> tuple[type, ...]:
    """Exceptions the command-line framework handles itself (exit, abort, usage errors), whatever its version.

    Click's own exceptions count only once click is imported (a plugin's command may use it): a program
    that never imported click cannot raise them, and ``gep --help`` does not pay for importing it.
    """
    kinds: list[type] = [typer.Exit, typer.Abort]
    try:  # typer >= 0.25 carries its own click
        from typer.exceptions import TyperException

        kinds.append(TyperException)
    except ImportError:  # pragma: no cover - older typer on click
        pass
    click = sys.modules.get("click")
    if click is not None:
        kinds += [click.exceptions.Exit, click.exceptions.Abort, click.ClickException]
    return tuple(kinds)


def set_debug(on: bool) -> None:
    """Print tracebacks of internal errors (``gep --debug``)."""
    _DEBUG["on"] = bool(on)


def _debug() -> bool:
    return _DEBUG["on"] or os.environ.get("GEP_DEBUG", "") not in ("", "0")


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, width=120, markup=False, emoji=False, highlight=False)


def print_problems(exc: GepError, console: Console | None = None) -> None:
    """Every problem of ``exc`` in Chinese and English, printed literally (never as markup)."""
    console = console or _stderr()
    n = len(exc.problems)
    console.print(f"发现 {n} 个问题 / {n} problem(s) found", style="bold red", markup=False)
    for i, p in enumerate(exc.problems, 1):
        console.print(f"{i}. {p.format('zh')}", highlight=False, soft_wrap=True, markup=False, style="red")
        console.print(f"   {p.format('en')}", highlight=False, soft_wrap=True, markup=False)


def _versions() -> list[str]:
    from ._version import __version__

    import platform  # here and below: only a crash needs them (`gep --help` imports this module)

    lines = [f"gep {__version__}", f"python {platform.python_version()} ({sys.executable})",
             f"platform {platform.platform()}"]
    from importlib.metadata import PackageNotFoundError, version

    for name in ("numpy", "pandas", "xarray", "pint", "scipy", "openpyxl", "rioxarray", "rasterio", "dask",
                 "netCDF4", "typer", "click", "rich"):
        try:
            lines.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            lines.append(f"{name} (not installed)")
    return lines


def write_crash_report(exc: BaseException, argv: list[str] | None = None) -> Path | None:
    """Write what a bug report needs into a file of the system's temporary folder; its path, or ``None``."""
    import shlex
    import tempfile
    import traceback

    argv = list(sys.argv[1:] if argv is None else argv)
    text = "\n".join([
        "gep crash report / gep 崩溃报告",
        f"time: {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
        f"command: {shlex.join(['gep', *map(str, argv)])}",
        f"working folder: {os.getcwd()}",
        "", "versions:", *(f"  {v}" for v in _versions()),
        "", "traceback:", "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    ])
    name = f"gep-crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    for folder in (Path(tempfile.gettempdir()), Path.cwd()):
        try:
            path = folder / name
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def _translated(exc: BaseException) -> GepError | None:
    """Failures a user causes that reach us as plain exceptions: a typed error instead."""
    from .errors import InputFileError, problem

    if isinstance(exc, MemoryError):
        return GepError(problem(
            "out_of_memory", "内存不足：输入过大", "out of memory: the inputs are too large for this machine",
            hint_zh="对大栅格在 [rasters] 中设置 chunks = 4096；检查是否给错了文件",
            hint_en="for large rasters set chunks = 4096 in [rasters]; check the right files are given"))
    if type(exc).__module__.startswith("rasterio") and "IOError" in type(exc).__name__:
        cause = exc.__cause__ or exc.__context__
        detail = (str(cause) if cause else str(exc)).strip().splitlines()
        return InputFileError(problem(
            "damaged_raster", f"栅格数据无法读取（文件损坏或不完整）：{detail[0][:200] if detail else ''}",
            f"raster data cannot be read (a damaged or incomplete file): {detail[0][:200] if detail else ''}",
            hint_zh="重新复制或导出该栅格", hint_en="copy or export the raster again"))
    return None


class GuardedGroup(TyperGroup):
    """The ``gep`` command group: every command runs under the promises of this module."""

    _argv: list[str] = []

    def main(self, args=None, *a, **kw):
        GuardedGroup._argv = list(sys.argv[1:] if args is None else args)
        return super().main(args, *a, **kw)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except _passed_through():
            raise
        except OutputBusy as exc:
            print_problems(exc)
            raise typer.Exit(EXIT_BUSY) from None
        except GepError as exc:
            print_problems(exc)
            raise typer.Exit(EXIT_PROBLEMS) from None
        except KeyboardInterrupt:
            _stderr().print("已中断 / interrupted", style="bold red", markup=False)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Exception as exc:  # a defect of gep: a report, not a traceback
            typed = _translated(exc)
            if typed is not None:
                print_problems(typed)
                raise typer.Exit(EXIT_PROBLEMS) from None
            path = write_crash_report(exc, self._argv)
            err = _stderr()
            err.print(f"内部错误：这是 gep 的缺陷，不是您数据的问题（{type(exc).__name__}）。", style="bold red",
                      markup=False)
            err.print(f"internal error: a defect of gep, not of your data ({type(exc).__name__}).", markup=False)
            if path is not None:
                err.print(f"崩溃报告 / crash report: {path}", markup=False, soft_wrap=True)
                err.print("请在报告问题时附上该文件 / please attach this file when you report the problem; "
                          "gep --debug … shows the traceback", markup=False)
            if _debug():
                import traceback

                err.print("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)), markup=False,
                          highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_INTERNAL) from None

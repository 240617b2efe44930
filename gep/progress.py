"""The terminal of the CLI: progress bars for long work (``gep run``), and rich made on first use.

:class:`LazyConsole` and :func:`Table` put off importing rich's console and
tables (about 0.07 s) until a command prints: ``gep --help`` does without them.

Progress bars track raster computations and the years of a multi-year account.

Shown only on a terminal and never with ``--quiet``: a log file or a pipe gets
no bar. The bars are redrawn as the work advances (at most ten times a second), not
by rich's refresh thread: a process of the CLI runs no thread of its own, so it
may fork its second process (:mod:`gep.io.two_cores`) on a terminal too. Raster
work is tracked through dask's scheduler callbacks (tasks done out of tasks
planned), so it is exact for chunked rasters and silent for small in-memory
ones, which finish at once.

    with progress(enabled=console.is_terminal and not quiet, console=console) as bar:
        run_years(config, years, progress=bar.year)
"""

from __future__ import annotations

import time
from contextlib import contextmanager

__all__ = ["progress", "LazyConsole", "Table"]


class LazyConsole:
    """A :class:`rich.console.Console` built on first use, with the arguments given now.

    Every attribute is the console's (``console.print``, ``console.is_terminal``);
    :meth:`get` returns the console itself, for code that needs the real object.
    """

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._console = None

    def get(self):
        """The rich Console (built on the first call)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._kwargs)
        return self._console

    def __getattr__(self, name: str):
        return getattr(self.get(), name)


def Table(*args, **kwargs):  # noqa: N802 - stands for the class it builds
    """A :class:`rich.table.Table` (rich imported on first use)."""
    from rich.table import Table as RichTable

    return RichTable(*args, **kwargs)


#: seconds between two redraws of the bars while raster tasks finish
REDRAW_EVERY = 0.1


class _Bars:
    def __init__(self, rich_progress):
        self._p = rich_progress
        self._years = None
        self._raster = None
        self._drawn = 0.0

    def _redraw(self, now: bool = False) -> None:
        t = time.monotonic()
        if now or t - self._drawn >= REDRAW_EVERY:
            self._drawn = t
            self._p.refresh()

    def year(self, year: int, done: int, total: int) -> None:
        """Called by :func:`gep.run_years` as each year starts (``done`` years finished of ``total``)."""
        if self._p is None:
            return
        if self._years is None:
            self._years = self._p.add_task("年份 years", total=total)
        self._p.update(self._years, completed=done, description=f"年份 year {year}")
        self._redraw(now=True)

    def _raster_start(self, total: int) -> None:
        if self._p is None:
            return
        if self._raster is None:
            self._raster = self._p.add_task("栅格计算 raster work", total=total)
        else:
            self._p.reset(self._raster, total=total)
        self._redraw(now=True)

    def _raster_step(self) -> None:
        if self._p is not None and self._raster is not None:
            self._p.advance(self._raster)
            self._redraw()


@contextmanager
def progress(*, enabled: bool, console=None):
    """A context in which dask work and years show progress bars (a no-op when not ``enabled``)."""
    if not enabled:
        yield _Bars(None)
        return
    from dask.callbacks import Callback
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if isinstance(console, LazyConsole):
        console = console.get()

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True, auto_refresh=False) as p:  # no refresh thread: see above
        bars = _Bars(p)

        class _DaskBar(Callback):
            def _start_state(self, dsk, state):
                bars._raster_start(sum(len(state[k]) for k in ("ready", "waiting", "running", "finished")))

            def _posttask(self, key, result, dsk, state, worker_id):
                bars._raster_step()

        with _DaskBar():
            yield bars

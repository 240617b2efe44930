"""Work that needs nothing from the rest of a run, on the second core: the earlier half of the years of a
multi-year run, with their output sets (:func:`gep.account.years.run_years` with ``workers=2``), and the
example's other two accounts (``gep example``), each through :func:`second_process`.

``gep run --years 2015-2024`` checks, runs and links 2015-2019 in a forked second process while this
one does 2020-2024. The second process hands its results back as soon as they are linked (this one
needs them for the link from 2019 to 2020 and for the latest year's report) and then writes the
output sets of its own years (``summary.json``, ``accounts.xlsx``, ``accounts.nc``, ``run.toml``: about
0.1 s a year, most of it in pure Python, which holds the GIL, so threads would not help), while this
process writes the sets of its years. Fork shares what was read before it (it copies nothing until it
is written to); only the results and the names of the files written come back, through a pipe.

The files are the ones one process writes, byte for byte (the same function writes them;
``tests/io/test_two_cores.py`` compares). Nothing changes for a reader: they are written into the
staging folder of the run, which replaces ``--out`` in one step only when both processes have finished.

The work stays in this process when

- ``GEP_WORKERS=1``, or fewer usable cores than two;
- the platform cannot fork (Windows; macOS, where forking a process that has
  loaded system frameworks is unsafe);
- this process runs threads besides the main one (dask's thread pool after a
  raster account, a notebook's): a forked process holds copies of their locks, as
  they were at the fork, and could wait on them forever.

An error in the second process (a GepError, a full disk …) is raised here, as the
same error; a second process that dies without a word (killed, out of memory) is
reported with its exit code.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..errors import OutputError, problem

__all__ = ["SecondProcess", "second_process", "start_second_process", "usable_workers"]


def usable_workers() -> int:
    """How many processes may do a run's work: ``GEP_WORKERS``, else the cores this process may run on; at most 2."""
    text = os.environ.get("GEP_WORKERS", "").strip()
    if text:
        wanted = int(text) if text.isdigit() else 0
        if wanted < 1:
            raise OutputError(problem(
                "bad_gep_workers", f"环境变量 GEP_WORKERS 应为正整数，而不是 {text!r}",
                f"the environment variable GEP_WORKERS must be a positive whole number, not {text!r}",
                value=text, hint_zh="设为 1（单进程）或 2", hint_en="set it to 1 (one process) or 2"))
        return min(wanted, 2)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, 2)


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def _die_with(parent: int) -> None:
    """Have the kernel stop this (forked) process when ``parent`` ends (Linux ``PR_SET_PDEATHSIG``): a run
    killed while its second process still writes leaves no process writing into its staging folder."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux's C library
        pass
    if os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(1)


class SecondProcess:
    """``fn()`` running in a forked process; :meth:`result` waits for it and returns what it returned.

    What ``fn`` returns is pickled back through a pipe; an exception it raises is
    raised by :meth:`result`, as itself (its text when it cannot be pickled); a
    process that dies without a word is an :class:`~gep.errors.OutputError` with its
    exit code. Start one with :func:`start_second_process`.

    With ``hands_over=True``, ``fn`` is called as ``fn(hand_over)``: ``hand_over(value)``
    sends ``value`` back at once, while ``fn`` goes on, and :meth:`handed_over` receives it
    here. ``value`` is pickled before ``hand_over`` returns (what ``fn`` changes afterwards
    does not reach this process); it is sent from a thread, so ``fn`` does not wait for
    this process to read it.
    """

    def __init__(self, fn: Callable[..., object], name: str, *, hands_over: bool = False):
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self._receive, send = ctx.Pipe(duplex=False)
        receive = self._receive

        parent = os.getpid()

        def run():
            receive.close()
            _die_with(parent)
            senders = []

            def hand_over(value):
                from multiprocessing.reduction import ForkingPickler

                data = bytes(ForkingPickler.dumps(("handed_over", value)))
                for earlier in senders:  # one message on the pipe at a time
                    earlier.join()
                sender = threading.Thread(target=send.send_bytes, args=(data,), name=f"{name}-hand-over", daemon=True)
                sender.start()
                senders.append(sender)

            try:
                message = ("done", fn(hand_over) if hands_over else fn())
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent, as itself
                message = ("failed", exc)
            for sender in senders:  # what was handed over goes first, whole
                sender.join()
            try:
                send.send(message)
            except Exception:  # noqa: BLE001 - what cannot be pickled goes back as text
                import traceback

                send.send(("failed_text", "".join(traceback.format_exception(message[1]))
                           if message[0] == "failed" else f"what {name} returned could not be sent back"))
            finally:
                send.close()

        self.name = name
        self._process = ctx.Process(target=run, name=name, daemon=True)
        self._process.start()
        send.close()  # only the child writes: a child that dies ends the pipe, and recv() then fails
        self._done = False

    def handed_over(self):
        """Wait for what the process handed over (``hand_over(value)``, see the class); its error raised here when
        it failed, or ended, before handing anything over."""
        if self._done:
            raise RuntimeError(f"the result of {self.name} was already taken")
        kind, payload = self._next_message()
        if kind == "handed_over":
            return payload
        self._done = True
        self._end()
        if kind == "done":
            raise RuntimeError(f"{self.name} ended without handing anything over")
        self._raise(kind, payload)

    def result(self):
        """Wait for the process; its return value, or its error raised here."""
        if self._done:
            raise RuntimeError(f"the result of {self.name} was already taken")
        self._done = True
        try:
            kind, payload = self._next_message()
            while kind == "handed_over":  # not taken: :meth:`handed_over` was not called
                kind, payload = self._next_message()
        finally:
            self._end()
        if kind == "done":
            return payload
        self._raise(kind, payload)

    def _next_message(self) -> tuple[str, object]:
        try:
            return self._receive.recv()
        except (EOFError, OSError):  # ended, or died in the middle of a message
            return "died", None

    def _end(self) -> None:
        self._receive.close()
        self._process.join()

    def _raise(self, kind: str, payload) -> None:
        if kind == "failed":
            raise payload
        detail = payload if kind == "failed_text" else f"exit code {self._process.exitcode}"
        raise OutputError(problem(
            "second_process_failed", f"第二个进程（{self.name}）失败：{detail}",
            f"the second process ({self.name}) failed: {detail}", value=detail,
            hint_zh="设置环境变量 GEP_WORKERS=1 后重新运行（单进程）",
            hint_en="run again with the environment variable GEP_WORKERS=1 (everything in one process)"))

    def stop(self) -> None:
        """Stop the process if it still runs (its result is then never taken)."""
        if not self._done:
            self._done = True
            self._process.kill()
            self._process.join()
            self._receive.close()


def start_second_process(fn: Callable[..., object], name: str, *, hands_over: bool = False) -> SecondProcess | None:
    """``fn()`` started in a second process (``fn(hand_over)`` with ``hands_over``: :class:`SecondProcess`), or
    ``None`` when this process cannot fork one (module docstring): the caller then runs ``fn`` itself."""
    if usable_workers() < 2 or not _can_fork():
        return None
    return SecondProcess(fn, name, hands_over=hands_over)


@contextmanager
def second_process(fn: Callable[[], object] | None, name: str) -> Iterator[SecondProcess | None]:
    """:func:`start_second_process` for the block (``None`` when ``fn`` is ``None`` or this process cannot fork);
    a process whose result the block did not take (it raised, or returned early) is stopped at its end."""
    second = start_second_process(fn, name) if fn is not None else None
    try:
        yield second
    finally:
        if second is not None:
            second.stop()


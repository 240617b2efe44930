"""An output folder that is replaced all at once, by one writer at a time.

``gep run CONFIG --out DIR`` writes several files (``summary.json``,
``accounts.xlsx``, ``accounts.nc``, ``run.toml``, ``years/``, ``maps/``). A
reader of ``DIR`` -- a script, a colleague's Excel, a second ``gep run`` --
must never see half of them, or some from this run and some from the last.
:class:`OutputFolder` keeps three promises:

1. **Checked before anything is computed.** ``DIR`` is not a file, no folder
   above it is a file, its parent is writable, it is not, does not hold and is
   not inside any input file or folder of the run, and it holds nothing but
   what ``gep`` writes (so replacing it never deletes a file of yours).
2. **One writer.** A lock file beside it (``DIR.lock``, removed after the run)
   is held for the whole run: a second run into the same ``DIR`` stops at once
   with :class:`~gep.errors.OutputBusy`, or waits its turn (``wait=True``).
3. **All or nothing.** Everything is written into ``DIR.tmp-<pid>`` beside
   ``DIR`` (same file system), flushed to disk, and then swapped in: on Linux
   with one atomic ``renameat2(RENAME_EXCHANGE)``, elsewhere with two renames
   (``DIR`` → ``DIR.old-<pid>``, ``DIR.tmp-<pid>`` → ``DIR``). ``DIR`` holds
   either the previous complete set or the new complete set. A run killed
   between the two renames leaves ``DIR.old-<pid>``; the next run into ``DIR``
   puts it back (:func:`recover`) and says so, and removes unfinished
   ``DIR.tmp-<pid>`` folders.

A reader that wants several files of one set opens ``DIR`` once and reads the
files relative to that handle (``os.open(DIR)`` + ``dir_fd=``): a swap in the
meantime cannot mix two sets. One file alone (``summary.json``) is always
complete.

Ctrl-C (SIGINT) during the swap is held back until the swap is done.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import os
import shutil
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import OutputBusy, OutputError, problem

__all__ = ["OutputFolder", "OUTPUT_NAMES", "check_output_folder", "recover", "pause_for_tests"]

#: what gep writes into an output folder: the account (``gep run``; ``regions.geojson`` with township polygons),
#: the report (``gep report``, ``--report``) and what ``gep appraise``, ``gep allocate`` and ``gep green-gold``
#: add to it (gep.decisions); with ``maps/*.tif`` and ``years/<year>/`` holding the same
OUTPUT_NAMES = {"summary.json", "accounts.xlsx", "accounts.nc", "run.toml", "regions.geojson",
                "report.html", "report.pdf",
                "appraisal.xlsx", "appraisal.json", "allocation.xlsx", "allocation.json",
                "green_gold.xlsx", "green_gold.json"}

#: set in tests only: the write phase creates this file and waits until it is deleted (docs/safety.md)
PAUSE_ENV = "GEP_TEST_PAUSE_DURING_WRITE"


def pause_for_tests(stage: str) -> None:
    """A hook for tests only: pause inside the write phase, deterministically.

    When the environment variable ``GEP_TEST_PAUSE_DURING_WRITE`` names a
    file, the first call creates it (holding ``stage``) and waits until the
    test deletes it (at most 120 s); without the variable nothing happens.
    Tests use it to send SIGINT, or start a second run, while a run is
    writing. The variable is read once per process.
    """
    global _PAUSED
    flag = os.environ.get(PAUSE_ENV)
    if not flag or _PAUSED:
        return
    _PAUSED = True
    Path(flag).write_text(f"{os.getpid()} {stage}\n", encoding="utf-8")
    deadline = time.monotonic() + 120
    while Path(flag).exists() and time.monotonic() < deadline:
        time.sleep(0.02)


_PAUSED = False


# ----------------------------------------------------------------- checks
def _is_map(entry) -> bool:
    return entry.name.endswith(".tif") and entry.is_file(follow_symlinks=False)


def _entries(folder) -> list:
    return sorted(os.scandir(folder), key=lambda e: e.name)


def _is_gep_output(folder: Path, kind: str = "outputs", prefix: str = "", depth: int = 0) -> list[str]:
    """Entries of ``folder`` that gep did not write (relative names), at most a few.

    gep writes ``summary.json``, ``accounts.xlsx``, ``accounts.nc``, ``run.toml``,
    ``maps/*.tif`` and ``years/<year>/`` holding the same; a ``kind="maps"``
    folder holds ``*.tif`` only.
    """
    other: list[str] = []
    for entry in _entries(folder):
        name = prefix + entry.name
        is_dir = entry.is_dir(follow_symlinks=False)
        if kind == "maps" or (is_dir and entry.name == "maps"):
            inside = [entry] if kind == "maps" else _entries(entry.path)
            other += [(prefix if kind == "maps" else name + "/") + e.name for e in inside if not _is_map(e)]
        elif entry.name in OUTPUT_NAMES and entry.is_file(follow_symlinks=False):
            pass
        elif depth == 0 and is_dir and entry.name == "years":
            for sub in _entries(entry.path):
                if sub.name.isdigit() and sub.is_dir(follow_symlinks=False):
                    other += _is_gep_output(Path(sub.path), prefix=f"years/{sub.name}/", depth=1)
                else:
                    other.append(f"years/{sub.name}")
        else:
            other.append(name)
        if len(other) >= 5:
            return other[:5]
    return other


def _samefile(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _overlaps(out: Path, path: Path) -> str | None:
    """``"is"``, ``"holds"`` or ``"is inside"`` when ``out`` and an input path overlap, else ``None``."""
    real_out, real_in = Path(os.path.realpath(out)), Path(os.path.realpath(path))
    if real_out == real_in or _samefile(out, path):
        return "is"
    if real_in.is_relative_to(real_out) or any(_samefile(out, a) for a in Path(path).absolute().parents):
        return "holds"
    if real_out.is_relative_to(real_in) or any(_samefile(a, path) for a in out.parents):
        return "is inside"
    return None


def check_output_folder(out: str | Path, inputs: Iterable[str | Path] = (), kind: str = "outputs") -> list:
    """Every reason ``out`` cannot receive the outputs (problems; empty when it can).

    ``kind`` is ``"outputs"`` (what ``gep run`` writes) or ``"maps"`` (a folder
    of ``<service>.tif`` maps). Nothing is created or changed.
    """
    out = Path(os.path.abspath(out))
    shown = str(out)
    problems = []

    def bad(code, zh, en, hint_zh, hint_en, value=None):
        problems.append(problem(code, zh, en, file=shown, column="--out", value=value, hint_zh=hint_zh,
                                hint_en=hint_en))

    overlapping: dict[str, list[str]] = {}  # how -> the inputs: one problem for each way of overlapping
    for path in inputs:
        how = _overlaps(out, Path(path))
        if how:
            overlapping.setdefault(how, []).append(str(path))
    for how, paths in overlapping.items():
        paths.sort(key=lambda x: Path(x).name not in OUTPUT_NAMES)  # those named like an output first
        zh = {"is": "就是输入", "holds": "包含输入", "is inside": "位于输入文件夹之内"}[how]
        listed = ", ".join(paths[:5]) + (f" …（共 {len(paths)} 个）" if len(paths) > 5 else "")
        listed_en = ", ".join(paths[:5]) + (f" … ({len(paths)} in all)" if len(paths) > 5 else "")
        bad("out_overlaps_input", f"输出文件夹{zh} {listed}：写出会覆盖或删除输入",
            f"the output folder {how} the input{'s' if len(paths) > 1 else ''} {listed_en}: writing would overwrite "
            f"or delete {'them' if len(paths) > 1 else 'it'}",
            "把 --out 指向输入以外的新文件夹", "point --out at a new folder away from the inputs",
            value=paths[0] if len(paths) == 1 else paths)
    if out.exists() and not out.is_dir():
        bad("out_is_file", "输出路径是一个已存在的文件，不是文件夹", "the output path is an existing file, not a folder",
            "给出一个新的或空的文件夹", "give a new or empty folder")
        return problems
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                bad("out_parent_is_file", f"输出路径的上级 {parent} 是文件，不是文件夹",
                    f"{parent}, above the output path, is a file, not a folder",
                    "给出位于某个文件夹中的输出路径", "give an output path inside a folder", value=str(parent))
                return problems
            if not os.access(parent, os.W_OK | os.X_OK):
                bad("out_not_writable", f"无法在 {parent} 中写入（没有写权限）", f"cannot write in {parent} (no permission)",
                    "选择有写权限的文件夹", "choose a folder you can write in", value=str(parent))
                return problems
            break
    if out.is_dir():
        if not os.access(out, os.W_OK | os.X_OK):
            bad("out_not_writable", "输出文件夹没有写权限", "no permission to write in the output folder",
                "选择有写权限的文件夹", "choose a folder you can write in")
        else:
            try:
                other = _is_gep_output(out, kind=kind)
            except OSError as exc:
                other = [f"({exc.strerror})"]
            if other:
                listed = ", ".join(other) + (" …" if len(other) >= 5 else "")
                bad("out_holds_other_files", f"输出文件夹中有不是 gep 写出的内容：{listed}",
                    f"the output folder holds things gep did not write: {listed}",
                    "gep 会整体替换输出文件夹：请给出一个新的、空的或以前由 gep 写出的文件夹",
                    "gep replaces the output folder as a whole: give a new or empty folder, or one gep wrote before",
                    value=other)
    return problems


# ----------------------------------------------------------------- lock
class _Lock:
    """An exclusive lock on ``path`` (flock on POSIX, msvcrt on Windows), removed when released on POSIX."""

    def __init__(self, path: Path, wait: bool, on_wait=None):
        self.path = path
        self.fd: int | None = None
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                _lock_fd(fd, False)
            except BlockingIOError:
                if not wait:
                    os.close(fd)
                    raise
                if on_wait is not None:
                    on_wait(_holder(path))
                    on_wait = None
                try:
                    _lock_fd(fd, True)
                except BaseException:
                    os.close(fd)
                    raise
            if sys.platform == "win32":  # pragma: no cover - the file is never removed on Windows
                break
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the previous holder removed the file between our open and our lock: again
        self.fd = fd
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())

    def release(self) -> None:
        if self.fd is None:
            return
        if sys.platform != "win32":
            try:
                os.unlink(self.path)  # while still held, so a waiter re-opens the new file
            except OSError:
                pass
        _unlock_fd(self.fd)
        os.close(self.fd)
        self.fd = None


def _lock_fd(fd: int, wait: bool) -> None:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                if not wait:
                    raise BlockingIOError from None
                time.sleep(0.2)
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))


def _unlock_fd(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _holder(lock_path: Path) -> str:
    try:
        return lock_path.read_text(encoding="utf-8", errors="replace").strip()[:80]
    except OSError:
        return ""


# ------------------------------------------------------------- recovery
def _siblings(out: Path, kind: str) -> list[Path]:
    pattern = glob.escape(str(out)) + f".{kind}-*"
    return sorted((Path(p) for p in glob.glob(pattern) if Path(p).name.rsplit("-", 1)[-1].isdigit()
                   and Path(p).is_dir() and not Path(p).is_symlink()), key=lambda p: p.stat().st_mtime)


def recover(out: str | Path) -> list[tuple[str, str]]:
    """Finish what an interrupted run left beside ``out``; returns what was done, ``(zh, en)`` each.

    Call it only while holding the lock of ``out`` (then every ``out.tmp-*`` and
    ``out.old-*`` folder belongs to a run that is over). When ``out`` is missing
    and a previous set waits in ``out.old-<pid>`` (a run stopped between its two
    renames), that set is put back; unfinished ``out.tmp-<pid>`` folders and
    leftover previous sets are removed.
    """
    out = Path(out)
    done = []
    olds = _siblings(out, "old")
    if not out.exists() and olds:
        keep = olds.pop()  # the newest
        os.rename(keep, out)
        done.append((f"恢复了之前的输出：{keep.name} → {out.name}（上一次运行在替换输出时中断）",
                     f"restored the previous outputs: {keep.name} → {out.name} (a run was interrupted while "
                     f"replacing them)"))
    for path in olds + _siblings(out, "tmp"):
        shutil.rmtree(path, ignore_errors=True)
        done.append((f"删除了未完成运行留下的 {path.name}", f"removed {path.name}, left by an unfinished run"))
    return done


# ----------------------------------------------------------------- swap
def _fsync_tree(root: Path) -> None:
    """Flush every file and folder under ``root`` (``root`` included) to disk.

    The files are flushed on several threads, then the folders: a flush mostly
    waits for the disk, and without the GIL, so the disk takes them together
    (a ten-year run's 60 files: 55 ms one after another, 12 ms together, on
    an ext4 virtual disk). Every flush is done before this returns; the first
    error is raised.
    """
    from concurrent.futures import ThreadPoolExecutor

    folders, files = [], []
    for folder, _, names in os.walk(root):
        folders.append(Path(folder))
        files.extend(os.path.join(folder, name) for name in names)
    if len(files) + len(folders) <= 4:  # a thread is not worth starting
        for path in files:
            _fsync_file(path)
        for folder in folders:
            _fsync_dir(folder)
        return
    with ThreadPoolExecutor(max_workers=min(16, len(files) or 1), thread_name_prefix="gep-fsync") as pool:
        list(pool.map(_fsync_file, files))  # list(): each flush's error is raised here
        list(pool.map(_fsync_dir, folders))


def _fsync_file(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - directories cannot be opened on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a directory
        pass
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2``); ``False`` where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
        return False  # the kernel or the file system does not offer it: two renames
    raise OSError(err, os.strerror(err), str(b))


@contextmanager
def _sigint_held() -> Iterator[list]:
    """Hold back SIGINT for a block (main thread only); the caller learns whether one came."""
    got: list = []
    if threading.current_thread() is not threading.main_thread():
        yield got
        return
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda *a: got.append(True))
    try:
        yield got
    finally:
        signal.signal(signal.SIGINT, previous)


def _swap_in(staging: Path, out: Path) -> None:
    """Put ``staging`` in place of ``out`` (previous set removed)."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous set
        return
    old = out.with_name(f"{out.name}.old-{os.getpid()}")
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)  # put the previous set back
        raise
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- folder
class OutputFolder:
    """Write a set of outputs into ``out`` as one step (a context manager).

    Parameters
    ----------
    out : path-like
        The output folder.
    inputs : iterable of path-like
        Every input file and folder of the run: ``out`` may not be, hold or be inside any.
    wait : bool, default False
        Wait for another run writing into ``out`` instead of failing at once.
    kind : {"outputs", "maps"}
        What ``out`` may already hold: an output set, or per-pixel maps.
    on_wait : callable, optional
        Called once, with what the lock file says about its holder, when
        ``wait`` is true and another run holds ``out`` (to tell the user).

    Examples
    --------
    >>> with OutputFolder("out", inputs=[config]) as folder:   # doctest: +SKIP
    ...     (folder.staging / "summary.json").write_text(text)
    ...     folder.commit()

    Without :meth:`commit` (an error, Ctrl-C) the staging folder is removed and
    ``out`` keeps what it held.

    Raises
    ------
    OutputError
        ``out`` cannot be used (all reasons at once), or the swap failed.
    OutputBusy
        Another run holds ``out`` and ``wait`` is false.
    """

    def __init__(self, out: str | Path, *, inputs: Iterable[str | Path] = (), wait: bool = False,
                 kind: str = "outputs", on_wait=None):
        out = Path(os.path.abspath(out))
        if out.is_symlink():  # replace the folder the link points at, not the link
            out = out.resolve()
        self.out = out
        self.inputs = list(inputs)
        self.wait = wait
        self.kind = kind
        self.on_wait = on_wait
        self.existed = False
        self.committed = False
        self.recovered: list[tuple[str, str]] = []
        self.staging: Path = out.with_name(f"{out.name}.tmp-{os.getpid()}")
        self._lock: _Lock | None = None

    @property
    def lock_path(self) -> Path:
        return self.out.with_name(f"{self.out.name}.lock")

    def __enter__(self) -> "OutputFolder":
        problems = check_output_folder(self.out, self.inputs, self.kind)
        if problems:
            raise OutputError(problems)
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._lock = _Lock(self.lock_path, self.wait, self.on_wait)
        except BlockingIOError:
            holder = _holder(self.lock_path)
            raise OutputBusy(problem(
                "out_busy", f"另一个 gep 正在写入这个输出文件夹{f'（{holder}）' if holder else ''}",
                f"another gep run is writing into this output folder{f' ({holder})' if holder else ''}",
                file=str(self.out), column="--out",
                hint_zh="等它结束后再运行，或加 --wait 排队等候，或换一个 --out",
                hint_en="run again when it has finished, add --wait to wait for it, or choose another --out")) from None
        except OSError as exc:
            raise OutputError(problem(
                "out_not_writable", f"无法在输出文件夹旁建立锁文件：{exc.strerror}",
                f"cannot create the lock file beside the output folder: {exc.strerror}", file=str(self.out),
                column="--out", hint_zh="选择有写权限的文件夹", hint_en="choose a folder you can write in")) from None
        try:
            self.recovered = recover(self.out)
            if self.out.exists():  # checked again under the lock: another run may have written it meanwhile
                problems = check_output_folder(self.out, self.inputs, self.kind)
                if problems:
                    raise OutputError(problems)
            self.existed = self.out.exists()
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging.mkdir()
        except BaseException:
            self._release()
            raise
        return self

    def commit(self) -> None:
        """Flush the staging folder to disk and swap it in place of ``out``."""
        _fsync_tree(self.staging)
        with _sigint_held() as interrupted:
            try:
                _swap_in(self.staging, self.out)
            except OSError as exc:
                raise OutputError(problem(
                    "out_in_use", f"无法替换输出文件夹（{exc.strerror}）：之前的输出保持不变",
                    f"cannot replace the output folder ({exc.strerror}); the previous outputs are kept",
                    file=str(self.out), column="--out",
                    hint_zh="关闭打开了其中文件的程序（如 Excel）后重试",
                    hint_en="close programs that have its files open (e.g. Excel) and try again")) from None
            self.committed = True
            _fsync_dir(self.out.parent)
        if interrupted:
            raise KeyboardInterrupt

    def path(self, staged: Path) -> Path:
        """Where a file written into the staging folder is after :meth:`commit`."""
        return self.out / Path(staged).relative_to(self.staging)

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __exit__(self, *exc) -> None:
        try:
            if not self.committed:
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._release()

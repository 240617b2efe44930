"""Caps on what a reader accepts, so an absurd input gets a message instead of a hang or swapping.

A table of ten million rows, a 5 GB CSV, a workbook of a thousand sheets or a
raster larger than the memory of the machine is almost always a mistake (a
wrong file, an export gone wrong, a header that declares a size the file does
not have). The readers of :mod:`gep.io` check these caps before reading, and
raise a typed error naming the file, what the cap is, and the config key that
raises it (``[limits]``, see ``docs/safety.md``).

The caps in force are held in a context variable: :func:`using` sets them for
a block (the account sets them from its ``[limits]`` section while it reads
its inputs), :func:`current` reads them.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
from dataclasses import dataclass, fields, replace
from typing import Iterator, Mapping

__all__ = ["Limits", "DEFAULT_LIMITS", "current", "using", "available_memory_bytes"]


@dataclass(frozen=True)
class Limits:
    """What a reader accepts.

    Attributes
    ----------
    max_table_rows : int
        Data rows of one CSV table or workbook sheet (Excel itself stops at 1 048 576).
    max_file_mb : float
        Size of one table, workbook (uncompressed) or config file, in MB (10⁶ bytes).
    max_workbook_sheets : int
        Sheets of one workbook.
    max_raster_pixels : int
        Pixels (width × height) of one raster, however it is read.
    max_memory_share : float
        Share of the memory available when a raster is opened that reading it
        into memory (``[rasters] chunks = false`` or a small raster) may take.
    """

    max_table_rows: int = 1_000_000
    max_file_mb: float = 500.0
    max_workbook_sheets: int = 200
    max_raster_pixels: int = 20_000_000_000
    max_memory_share: float = 0.5

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1e6)

    def updated(self, overrides: Mapping | None) -> "Limits":
        """These limits with the given keys replaced (unknown keys are ignored here; the config check names them)."""
        if not overrides:
            return self
        kinds = {f.name: f.type for f in fields(self)}
        return replace(self, **{k: (int(v) if kinds[k] in (int, "int") else float(v))
                                for k, v in overrides.items() if k in kinds})


#: the caps when nothing else is said (``[limits]`` documents each)
DEFAULT_LIMITS = Limits()

_CURRENT: contextvars.ContextVar[Limits] = contextvars.ContextVar("gep_limits", default=DEFAULT_LIMITS)


def current() -> Limits:
    """The limits in force."""
    return _CURRENT.get()


@contextlib.contextmanager
def using(overrides: Limits | Mapping | None = None) -> Iterator[Limits]:
    """Set the limits for a block: a :class:`Limits`, or a mapping of the keys to change."""
    new = overrides if isinstance(overrides, Limits) else current().updated(overrides)
    token = _CURRENT.set(new)
    try:
        yield new
    finally:
        _CURRENT.reset(token)


def available_memory_bytes() -> int | None:
    """Memory the system can give now (Linux ``MemAvailable``; ``None`` when unknown)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        class _Status(ctypes.Structure):
            _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                        ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                        ("ullTotalPageFile", ctypes.c_ulonglong), ("ullAvailPageFile", ctypes.c_ulonglong),
                        ("ullTotalVirtual", ctypes.c_ulonglong), ("ullAvailVirtual", ctypes.c_ulonglong),
                        ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

        status = _Status()
        status.dwLength = ctypes.sizeof(_Status)
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
            return int(status.ullAvailPhys)
        return None
    try:  # other POSIX systems
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return None

"""What was read from files, kept while the files hold the same bytes.

An account reads the same coefficient sets, schemes and profiles as the
account before it (every year of a multi-year run, every county of a
screening). :class:`ContentCache` keeps what was built from a group of files
under the SHA-256 of each file, so it is never stale: a changed file is read
again, whatever its size or modification time. :func:`file_digest` hashes a
file again only when its stat signature changed, or when it was modified so
shortly before it was hashed that a rewrite could have kept the signature.
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path
from typing import Callable, Hashable, Iterable, TypeVar

__all__ = ["file_digest", "ContentCache", "clear_digests", "RACY_NS"]

T = TypeVar("T")

#: path -> (stat signature, SHA-256, when it was hashed [ns])
_DIGESTS: dict[Path, tuple[tuple, str, int]] = {}
_LOCK = threading.Lock()
#: a file modified less than this before it was hashed is hashed again at every look-up: file systems
#: stamp modification times in ticks of up to a few milliseconds, so a rewrite within the same tick keeps
#: the stat signature (git's "racily clean" files)
RACY_NS = 2_000_000_000


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file (``None`` when it cannot be read), hashed again whenever it may have changed."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return None
    signature = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    with _LOCK:
        known = _DIGESTS.get(path)
    if known is not None and known[0] == signature and known[2] - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
        return known[1]
    hashed_at = time.time_ns()
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    with _LOCK:
        _DIGESTS[path] = (signature, digest, hashed_at)
    return digest


class ContentCache:
    """Values built from files, each kept while its files' contents are unchanged.

    Parameters
    ----------
    size : int
        Entries kept at most (the oldest goes first).
    """

    def __init__(self, size: int = 64):
        self.size = size
        self._items: dict[Hashable, tuple[tuple, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, files: Iterable[Path], build: Callable[[], T]) -> T:
        """The value for ``key`` built from ``files``: the kept one while they hold the same bytes, else ``build()``.

        A value whose files changed while it was built is returned but not kept.
        An exception of ``build`` is raised and nothing is kept.
        """
        files = list(files)
        stamp = tuple(file_digest(f) for f in files)
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]  # type: ignore[return-value]
        value = build()
        if tuple(file_digest(f) for f in files) == stamp:
            with self._lock:
                self._items.pop(key, None)
                if len(self._items) >= self.size:
                    self._items.pop(next(iter(self._items)))
                self._items[key] = (stamp, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def clear_digests() -> None:
    """Forget every file hash (each file is hashed again on its next look-up)."""
    with _LOCK:
        _DIGESTS.clear()

"""The CJK font of the report: Noto Sans CJK SC, installed with ``gep-accounting[report]``.

Charts and the HTML report never rely on a font of the machine: a fresh
Debian, a bureau's Windows PC and CI all draw the same glyphs.

* The font comes from the PyPI package ``noto-cjk-sans-otc`` (Noto Sans CJK
  Regular as an OpenType collection, SIL Open Font License 1.1, about 15 MB
  download, 19 MB installed).
* The collection holds the Japanese, Korean, Simplified Chinese, Traditional
  Chinese and Hong Kong faces; the **Simplified Chinese** face (``Noto Sans
  CJK SC``, Chinese glyph forms) is copied once into a cache folder
  (:func:`sc_font_path`) and registered with matplotlib (:func:`use_cjk_font`).
* The HTML report embeds a **subset** of the same face holding only the
  characters the report prints (:func:`subset_woff`, a few tens of kB), as a
  data URI: the page and its PDF render the same everywhere, offline.

:func:`missing_glyphs` tells which characters of a text the face cannot draw
(a test checks every string the report draws: no tofu boxes).
"""

from __future__ import annotations

import base64
import io
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from ..errors import missing_dependency

__all__ = ["FAMILY", "collection_path", "sc_font_path", "use_cjk_font", "missing_glyphs", "subset_woff",
           "font_face_css", "font_licence"]

#: the family name matplotlib and the HTML page use
FAMILY = "Noto Sans CJK SC"


def collection_path() -> Path:
    """Path of the Noto Sans CJK collection installed by ``gep-accounting[report]``."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        raise missing_dependency("noto-cjk-sans-otc", "report", "报告中的中文字体", "Drawing Chinese text in the report") from None
    return Path(str(noto_cjk_sans_otc.FONT_PATH))


def _cache_dir() -> Path:
    if os.environ.get("GEP_CACHE_DIR"):
        folder = Path(os.environ["GEP_CACHE_DIR"])
    elif os.environ.get("XDG_CACHE_HOME"):
        folder = Path(os.environ["XDG_CACHE_HOME"]) / "gep"
    else:
        folder = Path.home() / ".cache" / "gep"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
        return folder
    except OSError:
        folder = Path(tempfile.gettempdir()) / "gep-cache"
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def _sc_index(ttc: Path) -> int:
    from fontTools.ttLib import TTCollection

    coll = TTCollection(str(ttc), lazy=True)
    for i, font in enumerate(coll.fonts):
        if font["name"].getDebugName(1) == FAMILY:
            return i
    raise RuntimeError(f"{ttc} has no face named {FAMILY!r}")  # a broken install of the font package


@lru_cache(maxsize=1)
def sc_font_path() -> Path:
    """The Simplified Chinese face as one OpenType file in the cache (copied on first use, ~0.5 s)."""
    from fontTools.ttLib import TTFont

    ttc = collection_path()
    stat = ttc.stat()
    target = _cache_dir() / f"NotoSansCJKsc-Regular-{stat.st_size}.otf"
    if target.is_file() and target.stat().st_size > 0:
        return target
    font = TTFont(str(ttc), fontNumber=_sc_index(ttc), lazy=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".otf.part")
    os.close(fd)
    try:
        font.save(tmp)
        os.replace(tmp, target)  # atomic: parallel test workers never see half a font
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Register the SC face with matplotlib and make it the default sans-serif; returns the family."""
    import matplotlib
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(sc_font_path()))
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [FAMILY] + [f for f in matplotlib.rcParams["font.sans-serif"] if f != FAMILY]
    matplotlib.rcParams["axes.unicode_minus"] = True
    matplotlib.rcParams["svg.fonttype"] = "path"   # glyphs as outlines: the SVG needs no font to display
    matplotlib.rcParams["svg.hashsalt"] = "gep"    # the same figure gives the same SVG
    return FAMILY


@lru_cache(maxsize=1)
def _cmap() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(sc_font_path()), lazy=True).getBestCmap())


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` the face has no glyph for (whitespace and controls excluded)."""
    cmap = _cmap()
    return {ch for ch in text if not ch.isspace() and ord(ch) >= 0x20 and ord(ch) not in cmap}


def subset_woff(text: str) -> bytes:
    """The SC face cut down to the characters of ``text`` (plus printable ASCII), as WOFF (zlib).

    Cutting the 65 000-glyph face takes a few seconds, so each character set's
    subset is kept in the cache folder and reused.
    """
    import hashlib

    from fontTools import subset
    from fontTools.ttLib import TTFont

    chars = "".join(sorted(set(text) | {chr(c) for c in range(0x20, 0x7F)}))
    key = hashlib.sha256((str(sc_font_path().name) + chars).encode("utf-8")).hexdigest()[:32]
    cached = _cache_dir() / "subsets" / f"{key}.woff"
    if cached.is_file() and cached.stat().st_size > 0:
        return cached.read_bytes()
    font = TTFont(str(sc_font_path()))
    options = subset.Options()
    options.layout_features = []   # Chinese and plain Latin need no OpenType features; the subset is half the size
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and licence records
    sub = subset.Subsetter(options)
    sub.populate(text=chars)
    sub.subset(font)
    font.flavor = "woff"
    buf = io.BytesIO()
    font.save(buf)
    data = buf.getvalue()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, cached)
    except OSError:
        pass  # no cache: the next report cuts its subset again
    return data


def font_face_css(text: str, family: str = "GEP CJK") -> str:
    """An ``@font-face`` rule embedding the subset of ``text`` as a data URI."""
    data = base64.b64encode(subset_woff(text)).decode("ascii")
    return (f"@font-face {{ font-family: '{family}'; font-style: normal; font-weight: 400 700; "
            f"src: url(data:font/woff;base64,{data}) format('woff'); }}")


def font_licence() -> str:
    """The font's copyright and licence as its name table states them."""
    from fontTools.ttLib import TTFont

    name = TTFont(str(sc_font_path()), lazy=True)["name"]
    parts = [name.getDebugName(i) for i in (0, 13)]
    return " ".join(p for p in parts if p)

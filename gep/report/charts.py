"""The report's charts: matplotlib figures with Chinese and English labels, saved as SVG.

Each ``*_chart`` function takes a :class:`~gep.report.data.ReportData` and
returns a :class:`matplotlib.figure.Figure` (or ``None`` when the data for it
are missing), so a notebook can show, restyle or save it. :func:`to_svg`
turns a figure into self-contained SVG (glyphs as outlines, no font needed,
byte-identical for the same figure).

Units on the axes follow :mod:`gep.numformat`: money in 亿元, GEP per area in
万元/km². Every text drawn uses the bundled Noto Sans CJK SC face
(:mod:`gep.report.fonts`).
"""

from __future__ import annotations

import io
import math

import numpy as np

from ..numformat import fmt
from ..io.summary import in_measure, total_key
from .data import CATEGORY_LABELS, EFFECT_LABELS, ReportData
from .fonts import use_cjk_font

__all__ = ["CATEGORY_COLOURS", "category_chart", "service_chart", "township_chart", "map_chart", "waterfall_chart",
           "to_svg", "all_charts", "texts_of"]

CATEGORY_COLOURS = {"provisioning": "#c8963e", "regulating": "#3a7d44", "cultural": "#3b6ea5", "supporting": "#8c8c8c"}
WIDTH_IN = 6.8          # the printed column of an A4 page (170 mm)
YI = 1e8


def _figure(height: float, width: float = WIDTH_IN):
    use_cjk_font()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def _cat_label(cat: str) -> str:
    zh, en = CATEGORY_LABELS.get(cat, (cat, cat))
    return f"{zh} {en}"


# ------------------------------------------------------------------ by category and service
def category_chart(data: ReportData):
    """GEP by category, 亿元 (horizontal bars, each labelled with its value and share)."""
    cats = [c for c, v in data.summary["by_category"].items() if v is not None]
    values = [data.summary["by_category"][c] / YI for c in cats]
    fig = _figure(1.2 + 0.35 * len(cats))
    ax = fig.add_subplot()
    y = np.arange(len(cats))[::-1]
    ax.barh(y, values, color=[CATEGORY_COLOURS.get(c, "#888888") for c in cats], height=0.6)
    ax.set_yticks(y, [_cat_label(c) for c in cats])
    total = data.gep / YI
    for yi, v in zip(y, values):
        share = f"{v / total * 100:.1f} %" if total else ""
        ax.annotate(f"{fmt(v, '亿元')}（{share}）", (v, yi), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_xlabel("价值 Value（亿元 100 million CNY）", fontsize=8)
    ax.set_xlim(0, max(values + [0]) * 1.25 or 1)
    ax.set_title("GEP 分类构成 GEP by category", fontsize=10, loc="left")
    _style(ax)
    return fig


def service_chart(data: ReportData):
    """Value of every service with a value, 亿元, largest first, coloured by category."""
    items = [(sid, v) for sid, v in data.summary["by_service"].items() if v.get("value")]
    items.sort(key=lambda kv: kv[1]["value"])
    fig = _figure(1.0 + 0.24 * max(len(items), 1))
    ax = fig.add_subplot()
    y = np.arange(len(items))
    vals = [v["value"] / YI for _, v in items]
    ax.barh(y, vals, color=[CATEGORY_COLOURS.get(v["category"], "#888888") for _, v in items], height=0.65)
    ax.set_yticks(y, [f"{v['label']['zh']} {v['label']['en']}" for _, v in items], fontsize=7)
    for yi, v in zip(y, vals):
        ax.annotate(fmt(v, "亿元"), (v, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
    ax.set_xlim(0, max(vals + [0]) * 1.18 or 1)
    ax.set_xlabel("价值 Value（亿元 100 million CNY）", fontsize=8)
    ax.set_title("各项服务价值 Value by service", fontsize=10, loc="left")
    _legend(ax, {data.summary["by_service"][s]["category"] for s, _ in items})
    _style(ax)
    return fig


def _legend(ax, cats) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(color=CATEGORY_COLOURS[c], label=_cat_label(c)) for c in CATEGORY_LABELS if c in cats]
    ax.legend(handles=handles, fontsize=7, frameon=False, loc="lower right")


# ------------------------------------------------------------------ townships
def township_chart(data: ReportData):
    """Townships ranked by GEP, 亿元, stacked by category; GEP per km² written beside each bar."""
    table = data.region_table().sort_values("gep")
    cats = [c for c in CATEGORY_LABELS if c in table.columns and table[c].abs().sum() > 0]
    fig = _figure(1.0 + 0.24 * len(table))
    ax = fig.add_subplot()
    y = np.arange(len(table))
    left = np.zeros(len(table))
    for cat in cats:
        vals = table[cat].to_numpy() / YI
        ax.barh(y, vals, left=left, color=CATEGORY_COLOURS[cat], height=0.7, label=_cat_label(cat))
        left += vals
    ax.set_yticks(y, [f"{r.name_zh} {r.name_en}" for r in table.itertuples()], fontsize=7)
    for yi, r in zip(y, table.itertuples()):
        ax.annotate(f"{fmt(r.gep / YI, '亿元')}  ·  {fmt(r.gep_per_km2, '万元/km²')} 万元/km²", (r.gep / YI, yi),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=6.5)
    ax.set_xlim(0, float(table["gep"].max()) / YI * 1.45 if len(table) else 1)
    ax.set_xlabel("GEP（亿元 100 million CNY）", fontsize=8)
    ax.set_title("乡镇（街道）GEP 排序 Townships ranked by GEP", fontsize=10, loc="left")
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    _style(ax)
    return fig


def _rings(geometry: dict) -> list[list[list[np.ndarray]]]:
    """Polygons of a GeoJSON geometry as lists of rings (exterior first)."""
    if geometry is None:
        return []
    if geometry["type"] == "Polygon":
        polys = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polys = geometry["coordinates"]
    else:
        return []
    return [[np.asarray(ring, dtype=float)[:, :2] for ring in poly] for poly in polys]


def _ring_area_centroid(ring: np.ndarray) -> tuple[float, float, float]:
    x, y = ring[:, 0], ring[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    a = cross.sum() / 2
    if a == 0:
        return 0.0, float(x.mean()), float(y.mean())
    cx = ((x[:-1] + x[1:]) * cross).sum() / (6 * a)
    cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * a)
    return abs(a), cx, cy


def map_chart(data: ReportData, kind: str = "gep"):
    """Choropleth of the townships: ``kind="gep"`` (亿元) or ``"per_km2"`` (万元/km²); None without boundaries."""
    if data.boundaries is None:
        return None
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    table = data.region_table()
    column, unit, title = {
        "gep": ("gep", "亿元", "GEP（亿元）\nGEP by township"),
        "per_km2": ("gep_per_km2", "万元/km²", "单位面积 GEP（万元/km²）\nGEP per km²"),
    }[kind]
    scale = YI if kind == "gep" else 1.0
    patches, values, regions, labels = [], [], [], []
    all_xy = []
    for feat in data.boundaries.get("features", []):
        rid = str((feat.get("properties") or {}).get("region"))
        if rid not in table.index:
            continue
        polys = _rings(feat.get("geometry"))
        verts, codes = [], []
        best = (0.0, 0.0, 0.0)
        for poly in polys:
            for ring in poly:
                verts.extend(ring.tolist())
                codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY])
                all_xy.append(ring)
            best = max(best, _ring_area_centroid(poly[0]))
        if not verts:
            continue
        patches.append(PathPatch(MplPath(verts, codes)))
        v = table.at[rid, column]
        values.append(np.nan if v is None else float(v) / scale)
        regions.append(rid)
        labels.append((best[1], best[2], data.region_names[rid]["zh"]))
    fig = _figure(4.4, width=WIDTH_IN / 2)
    ax = fig.add_subplot()
    coll = PatchCollection(patches, cmap="YlGn", edgecolor="white", linewidth=0.6)
    coll.set_array(np.asarray(values))
    coll.gep_regions = regions  # region id of each patch, in order (read back by tests and notebooks)
    ax.add_collection(coll)
    xy = np.concatenate(all_xy) if all_xy else np.zeros((1, 2))
    ax.set_xlim(xy[:, 0].min(), xy[:, 0].max())
    ax.set_ylim(xy[:, 1].min(), xy[:, 1].max())
    lat0 = float(np.mean(xy[:, 1]))
    geographic = abs(lat0) <= 90 and np.abs(xy[:, 0]).max() <= 180
    ax.set_aspect(1 / math.cos(math.radians(lat0)) if geographic else 1)
    for x, y, text in labels:
        ax.annotate(text, (x, y), ha="center", va="center", fontsize=4.5, color="#222222")
    ax.set_axis_off()
    cbar = fig.colorbar(coll, ax=ax, shrink=0.6, pad=0.01, location="bottom")
    cbar.set_label(f"{'GEP' if kind == 'gep' else '单位面积 GEP GEP per km²'}（{unit}）", fontsize=7)
    cbar.ax.tick_params(labelsize=7)
    ax.set_title(title, fontsize=9, loc="left")
    return fig


# ------------------------------------------------------------------ year on year
def waterfall_chart(data: ReportData):
    """GEP of the first year → each effect → GEP of the later year, 亿元 at the comparison's prices; None for one year."""
    yoy = data.summary.get("year_on_year")
    if not yoy:
        return None
    g = yoy[total_key(data.summary)]  # "esv" for an account that reports ESV
    effects = [e for e in EFFECT_LABELS if g.get(e) is not None and (
        g[e] != 0 or any((row or {}).get(e) for row in yoy["by_category"].values()))]
    steps = [(f"{yoy['from']}", g["a"] / YI, "total")]
    steps += [(f"{EFFECT_LABELS[e][0]}\n{EFFECT_LABELS[e][1]}", g[e] / YI, "effect") for e in effects]
    steps += [(f"{yoy['to']}", g["b"] / YI, "total")]
    fig = _figure(3.4)
    ax = fig.add_subplot()
    running = 0.0
    levels = []
    for i, (label, v, kind) in enumerate(steps):
        if kind == "total":
            bottom, height, colour = 0.0, v, "#7f7f7f"
            running = v
        else:
            bottom, height = (running, v) if v >= 0 else (running + v, -v)
            colour = "#3a7d44" if v >= 0 else "#b03a2e"
            running += v
        levels.append(running)
        ax.bar(i, height, bottom=bottom, color=colour, width=0.6)
        text = fmt(v, "亿元", signed=(kind == "effect"))
        ax.annotate(text, (i, max(bottom + height, running)), xytext=(0, 2), textcoords="offset points",
                    ha="center", fontsize=7)
    ax.set_xticks(range(len(steps)), [s[0] for s in steps], fontsize=7)
    # the change is small beside the level: the axis shows the range the levels move in, and says so
    lo, hi = min(levels), max(levels)
    pad = max(hi - lo, abs(hi) * 0.002, 1e-9)
    ax.set_ylim(max(0.0, lo - 1.5 * pad), hi + 0.8 * pad)
    if ax.get_ylim()[0] > 0:
        ax.text(0.0, -0.16, "纵轴不从 0 开始 / the axis does not start at 0", transform=ax.transAxes, fontsize=6.5,
                color="#555555")
    ax.set_ylabel("GEP（亿元 100 million CNY）", fontsize=8)
    ax.set_title(f"GEP 年度变化及分解 Change {yoy['from']} → {yoy['to']}（价格 prices: {yoy['prices']}）",
                 fontsize=10, loc="left")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", labelsize=7)
    return fig


# ------------------------------------------------------------------ output
def to_svg(fig) -> str:
    """The figure as SVG text: text as outlines, no timestamp, the same bytes for the same figure."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "gep"})
    return buf.getvalue()


def all_charts(data: ReportData) -> dict[str, object]:
    """Every chart the report shows, by name (a chart without data is left out)."""
    charts = {
        "categories": category_chart(data),
        "services": service_chart(data),
        "townships": township_chart(data),
        "map_gep": map_chart(data, "gep"),
        "map_per_km2": map_chart(data, "per_km2"),
        "waterfall": waterfall_chart(data),
    }
    charts = {k: v for k, v in charts.items() if v is not None}
    if data.measure != "GEP":  # an ESV account's charts say ESV where they say GEP
        from matplotlib.text import Text

        for fig in charts.values():
            for t in fig.findobj(Text):
                t.set_text(in_measure(t.get_text(), data.measure))
    return charts


def texts_of(fig) -> list[str]:
    """Every string drawn on a figure (titles, labels, tick labels, annotations, legends, colour bars)."""
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


"""``report.html``: one self-contained, print-friendly page, Chinese first with English beside.

Everything is inside the file: the CSS, the charts (SVG data URIs, glyphs as
outlines) and a subset of the Noto Sans CJK SC font holding exactly the
characters the page prints (a WOFF data URI). No script, no CDN, no request
leaves the page: it opens offline and prints the same everywhere.

Sections (each starts a new printed page):

1. 概要 Headline figures — GEP, GEP per km², per resident, GEP/GDP, the
   resident eco-product share with its components; the data-quality banner
   when the result carries ``quality``.
2. 构成 GEP by category and service.
3. 乡镇 Townships — choropleth maps (GEP, GEP per km²), ranked chart, table.
4. “两山”指标 Two-Mountains table coloured by status.
5. 年度变化 Year-on-year change — waterfall and its decomposition (runs with years).
6. 不确定性与方法变体 Intervals and method variants (when the result has them).
7. 附录 Appendix — methods, coefficients, sources, inputs, number formats.

A figure that is missing is printed as "—" and the reason is said next to it.
"""

from __future__ import annotations

import base64
import contextvars
import html
import re

import pandas as pd

from .. import __version__
from ..numformat import DECIMALS, MISSING, fmt, fmt_money, is_missing
from . import charts as C
from ..io.summary import in_measure, total_key
from .data import CATEGORY_LABELS, EFFECT_LABELS, ReportData

__all__ = ["render_html", "SECTIONS"]

#: the printed sections, in order: (anchor, 中文, English)
SECTIONS = [
    ("headline", "核算概要", "Headline figures"),
    ("composition", "价值构成", "GEP by category and service"),
    ("townships", "乡镇（街道）", "Townships"),
    ("two-mountains", "“两山”指标", "Two-Mountains indicators"),
    ("year-on-year", "年度变化", "Year-on-year change"),
    ("uncertainty", "不确定性与方法变体", "Intervals and method variants"),
    ("appendix", "附录：方法、系数与来源", "Appendix: methods, coefficients and sources"),
]

CSS = """
@page { size: A4; margin: 16mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
html { font-family: 'GEP CJK', 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif; font-size: 10pt; color: #1d1d1d; }
body { margin: 0 auto; max-width: 190mm; padding: 8mm 6mm; line-height: 1.45; background: #ffffff; }
h1 { font-size: 17pt; margin: 0 0 2mm 0; color: #1f4d2b; }
h1 .en, h2 .en, h3 .en { font-weight: normal; color: #555555; }
h1 .en { display: block; font-size: 11pt; }
h2 { font-size: 13pt; border-bottom: 1.5pt solid #3a7d44; padding-bottom: 1mm; margin: 0 0 3mm 0; color: #1f4d2b; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm 0; }
section { break-before: page; page-break-before: always; }
section:first-of-type { break-before: auto; page-break-before: auto; }
.meta { color: #555555; font-size: 8.5pt; margin-bottom: 3mm; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 3mm; margin: 3mm 0; }
.card { border: 0.8pt solid #c9d9c9; border-radius: 2mm; padding: 2.5mm 3mm; background: #f6faf6; break-inside: avoid; }
.card .label { font-size: 8.5pt; color: #444444; }
.card .value { font-size: 15pt; font-weight: bold; color: #1f4d2b; }
.card .unit { font-size: 9pt; color: #444444; margin-left: 1mm; }
.card .note { font-size: 7.5pt; color: #555555; }
.banner { border: 1pt solid #c77c02; background: #fff6e0; padding: 2mm 3mm; border-radius: 1.5mm; margin: 2mm 0 3mm 0; }
.banner.none { border-color: #bbbbbb; background: #f4f4f4; color: #555555; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 1.5mm 0 3mm 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border-bottom: 0.5pt solid #d0d0d0; padding: 1mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #e6efe6; font-weight: bold; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; border-top: 0.8pt solid #888888; }
tr.met td.status { background: #dcefdc; color: #1f5d2b; }
tr.not-met td.status { background: #f8dcd8; color: #8a2a1f; }
tr.undecided td.status { background: #f1f1f1; color: #555555; }
.missing { color: #8a5a00; font-size: 8pt; }
figure { margin: 2mm 0 4mm 0; break-inside: avoid; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-size: 7.5pt; color: #555555; }
.small { font-size: 7.5pt; color: #555555; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; }
@media screen { body { box-shadow: 0 0 4mm #cccccc; margin-top: 6mm; margin-bottom: 6mm; } }
@media print { body { max-width: none; padding: 0; margin: 0; box-shadow: none; } }
"""


_SUB = {chr(0x2080 + i): str(i) for i in range(10)}
_SUP = {chr(c): str(i) for i, c in enumerate((0x2070, 0xB9, 0xB2, 0xB3, 0x2074, 0x2075, 0x2076, 0x2077, 0x2078, 0x2079))}
_SUP_MISSING = {k: v for k, v in _SUP.items() if k not in "¹²³"}  # Latin-1 superscripts are in the font


def e(text) -> str:
    """Escaped text; sub- and superscript digits the CJK font lacks (SO₂, 10⁸) become <sub>/<sup>."""
    out = html.escape("" if text is None else str(text), quote=True)
    if any(ch in _SUB or ch in _SUP_MISSING for ch in out):
        out = "".join(f"<sub>{_SUB[ch]}</sub>" if ch in _SUB else f"<sup>{_SUP_MISSING[ch]}</sup>" if ch in _SUP_MISSING
                      else ch for ch in out)
    return out


#: what the report being rendered measures ("GEP", or "ESV"): its labels say so (:func:`_m`)
_MEASURE: contextvars.ContextVar[str] = contextvars.ContextVar("measure", default="GEP")


def _m(text: str) -> str:
    """A label of the report in its account's measure (:func:`gep.io.summary.in_measure`)."""
    return in_measure(text, _MEASURE.get())


def bi(zh: str, en: str) -> str:
    """Chinese first, English beside (gep's own labels: in the account's measure, :func:`_m`)."""
    return f'{e(_m(zh))} <span class="en">{e(_m(en))}</span>'


def bi_as_given(zh, en) -> str:
    """Chinese first, English beside, as the user's table gives them (a plan's indicator keeps its name)."""
    return f'{e(zh)} <span class="en">{e(en)}</span>'


def missing(reason: tuple[str, str] | None) -> str:
    if not reason:
        return f'<span class="missing">{MISSING}</span>'
    return f'<span class="missing">{MISSING} {e(reason[0])} / {e(reason[1])}</span>'


def table(headers: list[tuple[str, bool]], rows: list[list[str]], row_classes: list[str] | None = None) -> str:
    """``headers``: (label html, numeric?) pairs; ``rows``: cell html."""
    head = "".join(f'<th class="num">{_m(h)}</th>' if num else f"<th>{_m(h)}</th>" for h, num in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        cells = "".join(f'<td class="num">{c}</td>' if headers[j][1] else
                        (f'<td class="status">{c}</td>' if headers[j][0].startswith("达标") else f"<td>{c}</td>")
                        for j, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def figure(fig, alt_zh: str, alt_en: str, caption: str = "") -> str:
    svg = getattr(fig, "_gep_svg", None) or C.to_svg(fig)
    fig._gep_svg = svg  # a figure drawn once is not drawn again for another page
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{e(_m(alt_zh))} / {e(_m(alt_en))}">{cap}</figure>'


# ------------------------------------------------------------------ sections
def _header(d: ReportData) -> str:
    s = d.summary
    name = d.name
    coef = s.get("coefficients") or {}
    zh, en = (("生态系统生产总值（GEP）核算报告", "Gross Ecosystem Product account") if d.measure == "GEP" else
              ("生态系统服务价值（ESV）评估报告", "Ecosystem service value (ESV, not GEP)"))
    return (f"<header><h1>{e(name.get('zh'))} {d.year} 年{zh}"
            f'<span class="en">{en}, {e(name.get("en"))}, {d.year}</span></h1>'
            f'<div class="meta">价格口径 Prices: {e(s.get("prices"))} · 核算方案 Profile: {e(s.get("profile"))} · '
            f'系数集 Coefficient set: {e(coef.get("id"))} {e(coef.get("version"))} · gep {e(s.get("gep_version", __version__))}'
            f"</div></header>")


def _quality_banner(d: ReportData) -> str:
    return _m(_quality_banner_text(d))


def _quality_banner_text(d: ReportData) -> str:
    q = d.optional("quality")
    if q is None:
        return ""
    shares = _status_shares(q)
    if shares is None:
        return ('<div class="banner none">数据质量：结果中有 quality 节，但其格式无法识别，未显示 / '
                "Data quality: the result has a quality section in a form this report cannot read; not shown</div>")
    weak = {k: v for k, v in shares.items() if k in ("illustrative", "unverified") and v > 0}
    parts = " · ".join(f"{e(k)} {fmt(v * 100, '%', with_unit=True)}" for k, v in sorted(shares.items(), key=lambda kv: -kv[1]))
    if weak:
        lead = ("示例或未核实数据承载了部分 GEP：" + "，".join(
            f"{'示例数据 illustrative' if k == 'illustrative' else '未核实 unverified'} {fmt(v * 100, '%', with_unit=True)}"
            for k, v in weak.items()))
        return (f'<div class="banner"><b>数据质量 Data quality</b> — {e(lead)} / part of GEP rests on illustrative or '
                f"unverified data. <br><span class=\"small\">GEP 按数据状态的构成 share of GEP by data status: {parts}</span></div>")
    return (f'<div class="banner none"><b>数据质量 Data quality</b> — GEP 按数据状态的构成 share of GEP by data status: '
            f"{parts}</div>")


def _status_shares(q) -> dict[str, float] | None:
    """Share (0–1) of GEP by data status from ``summary["quality"]``; None when its form is not recognised."""
    if not isinstance(q, dict):
        return None
    cand = None
    for key in ("gep", "share_of_gep", "by_status", "gep_by_status"):
        if isinstance(q.get(key), dict):
            cand = q[key]
            break
    if cand is None and all(isinstance(v, (int, float)) for v in q.values()):
        cand = q
    if cand is None:
        return None
    nums = {str(k): float(v) for k, v in cand.items() if isinstance(v, (int, float)) and not is_missing(v)}
    total = sum(nums.values())
    if nums and abs(total - 1) < 0.02:
        return nums
    if nums and abs(total - 100) < 2:
        return {k: v / 100 for k, v in nums.items()}
    return None


def _status_mix(shares) -> str:
    """``{"illustrative": 0.9, "official": 0.1}`` → "illustrative 90.00 % · official 10.00 %" (largest first)."""
    if not isinstance(shares, dict) or not shares:
        return MISSING
    items = sorted(((k, v) for k, v in shares.items() if isinstance(v, (int, float))), key=lambda kv: -kv[1])
    return " · ".join(f"{k} {fmt(v * 100, '%', with_unit=True)}" for k, v in items) or MISSING


def _warnings(d: ReportData) -> str:
    """The run's warnings (``summary.json["warnings"]``), each in both languages."""
    banner = _status_shares(d.optional("quality")) is not None  # the banner already states the illustrative share
    items = [w for w in (d.summary.get("warnings") or [])
             if isinstance(w, dict) and not (banner and w.get("code") == "illustrative_data")]
    if not items:
        return ""
    lis = "".join(f"<li>{e(w.get('zh'))}<br><span class=\"small\">{e(w.get('en'))}</span></li>" for w in items)
    return f'<div class="banner"><b>注意 Warnings</b><ul>{lis}</ul></div>'


def _card(label_zh: str, label_en: str, value: str, unit: str, note: str = "") -> str:
    return (f'<div class="card"><div class="label">{e(_m(label_zh))}<br>{e(_m(label_en))}</div>'
            f'<div class="value">{value}<span class="unit">{e(unit)}</span></div>'
            + (f'<div class="note">{note}</div>' if note else "") + "</div>")


def _indicator_value(d: ReportData, ind_id: str, unit: str) -> tuple[str, str]:
    ind = d.indicator(ind_id)
    if ind is None:
        return MISSING, f"{e('本次核算未计算该指标')} / not computed in this account"
    if ind.get("value") is None:
        miss = ", ".join(ind.get("missing") or [])
        return MISSING, f"缺少 missing: {e(miss) or '—'}"
    return e(fmt(ind["value"], unit)), ""


def _headline(d: ReportData) -> str:
    s = d.summary
    cards = [_card(*d.measure_label, e(fmt_money(d.gep)), "亿元")]
    v, note = _indicator_value(d, "gep_per_area", "万元/km²")
    cards.append(_card("单位国土面积 GEP", "GEP per km² of land", v, "万元/km²",
                       note or f"国土面积 land area {e(fmt(s.get('land_area_km2'), 'km²', with_unit=True))}"))
    per_res = d.indicator("gep_per_resident")
    v, note = _indicator_value(d, "gep_per_resident", "元/人")
    if per_res and per_res.get("components", {}).get("population"):
        note = note or f"常住人口 residents {e(fmt(per_res['components']['population'] / 1e4, '万人', with_unit=True))}"
    cards.append(_card("人均 GEP", "GEP per resident", v, "元/人", note))
    ratio = d.indicator("gep_gdp_ratio")
    v, note = _indicator_value(d, "gep_gdp_ratio", "1")
    if ratio and ratio.get("components", {}).get("gdp_yuan"):
        note = note or f"GDP {e(fmt_money(ratio['components']['gdp_yuan'], with_unit=True))}"
    cards.append(_card("GEP 与 GDP 之比", "GEP / GDP", v, "", note))
    share = d.indicator("resident_eco_product_share")
    v, note = _indicator_value(d, "resident_eco_product_share", "%")
    cards.append(_card("居民人均生态产品产值占比", "Resident eco-product share", v, "%", note))
    out = [f'<section id="headline"><h2>{bi("核算概要", "Headline figures")}</h2>', _quality_banner(d), _warnings(d),
           f'<div class="cards">{"".join(cards)}</div>']
    # the resident share's components
    if share is not None:
        c = share.get("components") or {}
        rows = []
        num_kind = c.get("numerator")
        labels = {
            "provisioning_yuan": ("物质产品价值", "provisioning value", "亿元"),
            "cultural_yuan": ("文化服务价值", "cultural value", "亿元"),
            "numerator_total_yuan": ("分子合计", "numerator, total", "亿元"),
            "numerator_per_resident_yuan": ("人均生态产品产值", "eco-product value per resident", "元/人"),
            "population": ("常住人口", "residents", "万人"),
            "gdp_per_resident_yuan": ("人均 GDP", "GDP per resident", "元/人"),
            "disposable_income_per_resident_yuan": ("人均可支配收入", "disposable income per resident", "元/人"),
        }
        for key, (zh, en, unit) in labels.items():
            if key not in c:
                continue
            val = c[key]
            shown = fmt_money(val) if unit == "亿元" else fmt(val / 1e4 if unit == "万人" else val, unit)
            rows.append([bi(zh, en), e(shown), e(unit)])
        if share.get("value") is not None:
            rows.append([bi("占比", "share"), e(fmt(share["value"], "%")), "%"])
        head = (f"<h3>{bi('居民人均生态产品产值占比的构成', 'Components of the resident eco-product share')}</h3>"
                f'<p class="small">分子 numerator: {e(num_kind)}; 分母 denominator: {e(c.get("denominator"))}</p>')
        if share.get("missing"):
            head += f"<p>{missing(('缺少 ' + ', '.join(share['missing']), 'missing ' + ', '.join(share['missing'])))}</p>"
        out.append(head + table([("项目 Item", False), ("数值 Value", True), ("单位 Unit", False)], rows))
    # every indicator of the summary
    rows = []
    for ind_id, ind in (s.get("indicators") or {}).items():
        value = ind.get("value")
        cell = e(fmt(value, ind.get("unit", ""))) if value is not None else missing(
            ("缺少 " + ", ".join(ind.get("missing") or ["—"]), "missing " + ", ".join(ind.get("missing") or ["—"])))
        rows.append([bi(ind["label"]["zh"], ind["label"]["en"]), cell, e(ind.get("unit", ""))])
    out.append(f"<h3>{bi('全部指标', 'All indicators')}</h3>"
               + table([("指标 Indicator", False), ("数值 Value", True), ("单位 Unit", False)], rows))
    out.append("</section>")
    return "".join(out)


def _composition(d: ReportData, figs: dict) -> str:
    s = d.summary
    gep = d.gep
    quality = (d.optional("quality") or {}).get("by_service") or {}
    out = [f'<section id="composition"><h2>{bi("价值构成", "GEP by category and service")}</h2>']
    out.append(figure(figs["categories"], "GEP 分类构成", "GEP by category"))
    rows = []
    for cat, v in s["by_category"].items():
        zh, en = CATEGORY_LABELS.get(cat, (cat, cat))
        rows.append([bi(zh, en), e(fmt_money(v)), e(fmt(v / gep * 100 if gep and v is not None else None, "%"))])
    rows.append([bi("合计", d.measure), e(fmt_money(gep)), e(fmt(100.0, "%"))])
    out.append(table([("类别 Category", False), ("价值 Value（亿元）", True), ("占比 Share（%）", True)], rows,
                     [""] * (len(rows) - 1) + ["total"]))
    out.append(figure(figs["services"], "各项服务价值", "Value by service"))
    rows = []
    for sid, v in sorted(s["by_service"].items(), key=lambda kv: -(kv[1].get("value") or 0)):
        zh, en = CATEGORY_LABELS.get(v["category"], (v["category"], v["category"]))
        phys = v.get("physical")
        rows.append([bi(v["label"]["zh"], v["label"]["en"]), bi(zh, en), e(v.get("method")),
                     e(fmt(phys, v.get("physical_unit") or "")) + f" {e(v.get('physical_unit') or '')}",
                     e(fmt_money(v.get("value"))),
                     e(fmt((v.get("value") or 0) / gep * 100 if gep else None, "%"))]
                    + ([e(_status_mix(quality.get(sid)))] if quality else []))
    heads = [("服务 Service", False), ("类别 Category", False), ("方法 Method", False),
             ("实物量 Physical", True), ("价值 Value（亿元）", True), ("占比 Share（%）", True)]
    out.append(table(heads + ([("数据状态 Data status", False)] if quality else []), rows))
    out.append("</section>")
    return "".join(out)


def _townships(d: ReportData, figs: dict) -> str:
    out = [f'<section id="townships"><h2>{bi("乡镇（街道）", "Townships")}</h2>']
    if "map_gep" in figs:
        out.append('<div class="two">' + figure(figs["map_gep"], "乡镇 GEP 地图", "Map of GEP by township")
                   + figure(figs["map_per_km2"], "单位面积 GEP 地图", "Map of GEP per km²") + "</div>")
        out.append(f'<p class="small">{e(_boundary_note(d))}</p>')
    else:
        out.append(f"<p>{bi('地图', 'Maps')}: {missing(d.reasons.get('maps'))}</p>")
    out.append(figure(figs["townships"], "乡镇 GEP 排序", "Townships ranked by GEP"))
    t = d.region_table().sort_values("gep", ascending=False)
    cats = [c for c in CATEGORY_LABELS if c in t.columns]
    poly = {f["properties"]["region"]: f["properties"] for f in (d.boundaries or {}).get("features", [])}
    extra = [k for k in ("polygon_area_km2", "counted_area_km2") if any(k in p for p in poly.values())]
    rows = []
    for rid, r in t.iterrows():
        rows.append([bi(r["name_zh"], r["name_en"]), e(fmt(r["area_km2"], "km²"))]
                    + [e(fmt(poly.get(rid, {}).get(k), "km²")) for k in extra]
                    + [e(fmt_money(r["gep"])), e(fmt(r["gep_per_km2"], "万元/km²"))] + [e(fmt_money(r[c])) for c in cats])
    names = {"polygon_area_km2": "边界面积 Polygon（km²）", "counted_area_km2": "栅格计入 Counted（km²）"}
    heads = [("乡镇 Township", False), ("面积 Area（km²）", True)] + [(names[k], True) for k in extra]
    heads += [("GEP（亿元）", True), ("单位面积 per km²（万元/km²）", True)]
    heads += [(f"{CATEGORY_LABELS[c][0]} {CATEGORY_LABELS[c][1]}（亿元）", True) for c in cats]
    out.append(table(heads, rows))
    if extra:
        out.append('<p class="small">面积 = regions.csv 所列面积（核算所用）；边界面积 = 多边形的椭球面面积；栅格计入 = 以精确覆盖度计入土地利用栅格的面积 / '
                   "Area: as stated in regions.csv (used by the account); Polygon: ellipsoidal area of the polygon; "
                   "Counted: area counted on the land-use grid with exact coverage.</p>")
    out.append("</section>")
    return "".join(out)


def _boundary_note(d: ReportData) -> str:
    props = {}
    for feat in (d.boundaries or {}).get("features", []):
        p = feat.get("properties") or {}
        if p.get("status"):
            props.setdefault("status", set()).add(str(p["status"]))
        if p.get("source"):
            props.setdefault("source", set()).add(str(p["source"]))
    meta = (d.boundaries or {}).get("gep", {})
    bits = []
    if props.get("status"):
        bits.append("边界状态 boundary status: " + ", ".join(sorted(props["status"])))
    bits += [f"{k}: {v}" for k, v in meta.items()]
    return "; ".join(bits)


def _two_mountains(d: ReportData) -> str:
    out = [f'<section id="two-mountains"><h2>{bi("“两山”指标", "Two-Mountains indicators")}</h2>']
    tm = d.two_mountains
    if tm is None:
        out.append(f"<p>{missing(d.reasons.get('two_mountains'))}</p></section>")
        return "".join(out)
    rows, classes = [], []
    for _, r in tm.iterrows():
        value = r.get("value")
        unit = "" if pd.isna(r.get("unit")) else str(r.get("unit"))
        if isinstance(value, (int, float)) and not is_missing(value):
            shown = e(fmt(value, unit))
        elif value is None or (isinstance(value, float) and value != value):
            shown = missing((str(r.get("reason_zh") or "没有现状值"), str(r.get("reason_en") or "no status value")))
        else:
            shown = e(value)
        met = r.get("met")
        if met is True:
            status, cls = "达标 met", "met"
        elif met is False:
            status, cls = "未达标 not met", "not-met"
        else:
            status, cls = "待判断 to be judged", "undecided"
        src = "gep 核算 computed" if r.get("value_source") == "computed" else ("指标表 table" if r.get("value_source") == "table" else "—")
        rows.append([e(r.get("no")), bi_as_given(r.get("indicator_zh"), r.get("indicator_en")), shown, e(unit),
                     e(r.get("target_text")), e(status), f'{e(r.get("reason_zh"))}<br><span class="small">{e(r.get("reason_en"))}</span>',
                     e(src)])
        classes.append(cls)
    out.append(table([("序号 No", True), ("指标 Indicator", False), ("现状 Value", True), ("单位 Unit", False),
                      ("目标 Target", False), ("达标 Status", False), ("说明 Reason", False), ("来源 Source", False)],
                     rows, classes))
    counts = pd.Series(classes).value_counts()
    out.append(f'<p class="small">达标 met: {counts.get("met", 0)} · 未达标 not met: {counts.get("not-met", 0)} · '
               f'待判断 to be judged: {counts.get("undecided", 0)}</p></section>')
    return "".join(out)


def _year_on_year(d: ReportData, figs: dict) -> str:
    out = [f'<section id="year-on-year"><h2>{bi("年度变化", "Year-on-year change")}</h2>']
    yoy = d.summary.get("year_on_year")
    if not yoy:
        out.append(f"<p>{missing(d.reasons.get('year_on_year'))}</p></section>")
        return "".join(out)
    out.append(figure(figs["waterfall"], "GEP 年度变化分解", "Decomposition of the change in GEP"))
    out.append(f'<p class="small">{yoy["from"]} → {yoy["to"]}，价格口径 prices: {e(yoy["prices"])}（按第一年不变价比较，'
               "通胀不计为增长 / compared at the first year's constant prices, so inflation is not growth）。"
               "各效应之和等于变化（Shapley 分解）/ the effects add up to the change (Shapley decomposition).</p>")
    total = yoy[total_key(d.summary)]  # "esv" for an account that reports ESV
    effects = [k for k in EFFECT_LABELS if k in total]
    heads = [("类别 Category", False), (f"{yoy['from']}（亿元）", True), (f"{yoy['to']}（亿元）", True),
             ("变化 Change（亿元）", True), ("变化率 Change（%）", True)]
    heads += [(f"{EFFECT_LABELS[k][0]} {EFFECT_LABELS[k][1]}（亿元）", True) for k in effects]
    rows = []
    items = list(yoy["by_category"].items()) + [("GEP", total)]
    for cat, r in items:
        zh, en = CATEGORY_LABELS.get(cat, ("合计", "GEP"))
        pct = r["change"] / r["a"] * 100 if r.get("a") else None
        rows.append([bi(zh, en), e(fmt_money(r["a"])), e(fmt_money(r["b"])), e(fmt_money(r["change"], signed=True)),
                     e(fmt(pct, "%", signed=True))] + [e(fmt_money(r.get(k), signed=True)) for k in effects])
    out.append(table(heads, rows, [""] * (len(rows) - 1) + ["total"]))
    inds = yoy.get("indicators") or {}
    if inds:
        labels = d.summary.get("indicators") or {}
        rows = []
        for ind_id, r in inds.items():
            lab = labels.get(ind_id, {}).get("label", {"zh": ind_id, "en": ind_id})
            unit = labels.get(ind_id, {}).get("unit", "")
            rows.append([bi(lab["zh"], lab["en"]), e(fmt(r.get("a"), unit)), e(fmt(r.get("b"), unit)), e(unit),
                         e(fmt(r.get("growth_%"), "%", signed=True))])
        out.append(f"<h3>{bi('指标的年度变化', 'Indicators by year')}</h3>"
                   + table([("指标 Indicator", False), (str(yoy["from"]), True), (str(yoy["to"]), True),
                            ("单位 Unit", False), ("增长 Growth（%）", True)], rows))
    out.append("</section>")
    return "".join(out)


_PCT = {5: ("p5", "p05", "q5", "q05", "5", "5%", "0.05", "low"), 50: ("p50", "q50", "50", "50%", "0.5", "median"),
        95: ("p95", "q95", "95", "95%", "0.95", "high")}


def _percentiles(rec) -> tuple | None:
    if not isinstance(rec, dict):
        return None
    got = []
    for q in (5, 50, 95):
        val = next((rec[k] for k in _PCT[q] if k in rec and isinstance(rec[k], (int, float))), None)
        got.append(val)
    return tuple(got) if all(v is not None for v in got) else None


def _uncertainty(d: ReportData) -> str:
    out = [f'<section id="uncertainty"><h2>{bi("不确定性与方法变体", "Intervals and method variants")}</h2>']
    unc = d.optional("uncertainty")
    out.append(f"<h3>{bi('90% 区间', '90 % intervals')}</h3>")
    rows = []
    if unc is not None:
        entries = [("GEP", "GEP", unc.get("esv" if d.measure == "ESV" else "gep"))]  # bi() says ESV for ESV
        for cat, rec in (unc.get("by_category") or {}).items():
            zh, en = CATEGORY_LABELS.get(cat, (cat, cat))
            entries.append((zh, en, rec))
        for sid, rec in (unc.get("by_service") or {}).items():
            lab = (d.summary["by_service"].get(sid) or {}).get("label", {"zh": sid, "en": sid})
            entries.append((lab["zh"], lab["en"], rec))
        for zh, en, rec in entries:
            p = _percentiles(rec)
            if p is not None:
                rows.append([bi(zh, en), e(fmt_money(p[0])), e(fmt_money(p[1])), e(fmt_money(p[2]))])
    if rows:
        draws = unc.get("draws") or unc.get("n_draws")
        out.append(table([("项目 Item", False), ("5 %（亿元）", True), ("中位数 median（亿元）", True), ("95 %（亿元）", True)], rows))
        if draws:
            out.append(f'<p class="small">蒙特卡洛抽样次数 Monte Carlo draws: {e(draws)}; 随机种子 seed: {e(unc.get("seed", "—"))}</p>')
        if unc.get("includes_structural"):
            out.append(f'<p class="small">{bi("区间包含结构性范围（已发表点值之间，均匀抽样）", "the intervals include structural ranges (between published point values, drawn uniformly)")}</p>')
        out.append(_uncertainty_regions_indicators(d, unc))
        out.append(_uncertainty_details(unc, d.summary.get("by_service")))
    elif unc is not None:
        out.append(f"<p>{missing(('结果中的 uncertainty 节没有可识别的 5/50/95 % 分位数', 'the uncertainty section has no 5/50/95 % percentiles this report can read'))}</p>")
    else:
        out.append(f"<p>{missing(d.reasons.get('uncertainty'))}</p>")
    variants = d.optional("method_variants")
    out.append(f"<h3>{bi('方法变体', 'Method variants')}</h3>")
    vrows = []
    if isinstance(variants, dict) and isinstance(variants.get("services"), dict):
        # gep run --compare-methods: services → variants → value of the service and GEP under the variant
        for sid, rec in variants["services"].items():
            label = (rec.get("label") or {}).get("zh", sid) if isinstance(rec, dict) else sid
            for variant, val in ((rec or {}).get("variants") or {}).items():
                v = val.get("gep") if isinstance(val, dict) else None
                if isinstance(v, (int, float)):
                    chosen = " ✓" if rec.get("chosen") == variant else ""
                    vrows.append([e(label), e(sid), e(variant + chosen), e(fmt_money(v))])
        heads = [("项目", False), ("Item", False), ("变体 Variant（✓ 所用 used）", False), ("GEP（亿元）", True)]
    elif isinstance(variants, dict):
        heads = [("项目", False), ("Item", False), ("变体 Variant", False), ("价值 Value（亿元）", True)]
        for item, rec in variants.items():
            if not isinstance(rec, dict):
                continue
            label = "GEP" if item == "gep" else (d.summary["by_service"].get(item) or {}).get("label", {}).get("zh", item)
            for variant, val in rec.items():
                v = val.get("value") if isinstance(val, dict) else val
                if isinstance(v, (int, float)):
                    vrows.append([e(_m(label)), e(item), e(variant), e(fmt_money(v))])
    if vrows:
        out.append(table(heads, vrows))
    elif variants is not None:
        out.append(f"<p>{missing(('结果中的 method_variants 节没有可识别的数值', 'the method_variants section has no values this report can read'))}</p>")
    else:
        out.append(f"<p>{missing(d.reasons.get('method_variants'))}</p>")
    out.append("</section>")
    return "".join(out)


def _uncertainty_regions_indicators(d: ReportData, unc: dict) -> str:
    """The 5/50/95 % of every region's GEP and of the indicators computed from GEP."""
    out = []
    rows = []
    for r, rec in (unc.get("by_region") or {}).items():
        name = (d.summary.get("by_region", {}).get(r) or {}).get("name") or {"zh": r, "en": r}
        p = _percentiles(rec)
        if p is not None:
            rows.append([bi(name.get("zh", r), name.get("en", r)), e(fmt_money(p[0])), e(fmt_money(p[1])),
                         e(fmt_money(p[2]))])
    if rows:
        out.append(f"<h3>{bi('各乡镇 GEP 的 90% 区间', '90 % intervals of GEP by township')}</h3>")
        out.append(table([("乡镇 Township", False), ("5 %（亿元）", True), ("中位数 median（亿元）", True),
                          ("95 %（亿元）", True)], rows))
    rows = []
    for k, rec in (unc.get("indicators") or {}).items():
        p = _percentiles(rec)
        if p is None:
            continue
        lab = rec.get("label") or {"zh": k, "en": k}
        rows.append([bi(lab.get("zh", k), lab.get("en", k)), e(rec.get("unit", "")),
                     *[e(f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.4g}") for v in p]])
    if rows:
        out.append(f"<h3>{bi('指标的 90% 区间', '90 % intervals of the indicators')}</h3>")
        out.append(table([("指标 Indicator", False), ("单位 Unit", False), ("5 %", True), ("中位数 median", True),
                          ("95 %", True)], rows))
    return "".join(out)


def _variant_intervals(unc: dict, labels: dict | None = None) -> str:
    """GEP under every published method variant with its 90 % interval (the structural spread of methods)."""
    mv = (unc.get("structural") or {}).get("method_variants") or {}
    rows = []
    for sid, by_method in (mv.get("intervals") or {}).items():
        for method, rec in (by_method or {}).items():
            p = _percentiles(rec)
            det = rec.get("deterministic") if isinstance(rec, dict) else None
            if not isinstance(det, (int, float)):
                continue
            lab = ((labels or {}).get(sid) or {}).get("label") or {"zh": sid, "en": sid}
            if p is None:  # the variant could not be drawn: its reason, never a made-up interval
                reason = rec.get("reason") if isinstance(rec.get("reason"), dict) else None
                cells = [missing((reason.get("zh", ""), reason.get("en", "")) if reason else None)] * 3
            else:
                cells = [e(fmt_money(v)) for v in p]
            rows.append([bi(lab.get("zh", sid), lab.get("en", sid)), e(method), e(fmt_money(det)), *cells])
    if not rows:
        return ""
    head = bi("各方法变体下的 GEP 及其 90% 区间（结构性差异，不是概率）",
              "GEP under each method variant and its 90 % interval (a structural spread, not a probability)")
    note = bi("每次只换一项服务的方法，同一组抽样（公共随机数）：两个变体的区间之差只来自方法",
              "one service's method changed at a time, on the same draws (common random numbers): the intervals "
              "of two variants differ by the method alone")
    return (f"<h3>{head}</h3>"
            + table([("服务 Service", False), ("变体 Variant", False), ("GEP（亿元）", True), ("5 %（亿元）", True),
                     ("中位数 median（亿元）", True), ("95 %（亿元）", True)], rows)
            + f'<p class="small">{note}</p>')


def _uncertainty_details(unc: dict, labels: dict | None = None) -> str:
    """What drives the interval (Sobol indices), the structural ranges apart, and the probabilities of targets."""
    out = []
    sens = unc.get("sensitivity")
    if isinstance(sens, dict) and sens.get("status") == "ok" and sens.get("groups"):
        rows = [[e(g["group"]), e(g.get("rows", "")), e(f"{g['S1']:.3f} ± {g['S1_conf']:.3f}"),
                 e(f"{g['ST']:.3f} ± {g['ST_conf']:.3f}")] for g in sens["groups"][:10]]
        out.append(f"<h3>{bi('敏感性：哪些系数决定 GEP 的区间', 'Sensitivity: what drives the interval of GEP')}</h3>")
        out.append(table([("系数键或输入 Key or input", False), ("行数 Rows", True), ("一阶 S1", True), ("总效应 ST", True)],
                         rows))
        out.append(f'<p class="small">Sobol 指数（Saltelli 2010 与 Jansen 估计量，{e(sens.get("base_samples"))} 个基样本）；同一系数键的各行为一组 / '
                   f'Sobol indices (Saltelli 2010 and Jansen estimators, {e(sens.get("base_samples"))} base samples); the rows of one key form one group; '
                   '± = 95 %</p>')
    out.append(_variant_intervals(unc, labels))
    ranges = (unc.get("structural") or {}).get("ranges") or []
    if ranges:
        rows = [[e(r["key"]), e(f"{r['low']:g} – {r['high']:g} {r.get('unit', '')}"), e(fmt_money(r["gep_at_low"])),
                 e(fmt_money(r["gep_at_high"]))] for r in ranges]
        out.append(f"<h3>{bi('结构性范围（已发表点值之间，不计入区间）', 'Structural ranges (between published values, not in the interval)')}</h3>")
        out.append(table([("系数 Coefficient", False), ("范围 Range", False), ("低端 GEP at low（亿元）", True),
                          ("高端 GEP at high（亿元）", True)], rows))
    judged = [r for r in unc.get("two_mountains") or [] if isinstance(r, dict)]
    if judged:
        rows = [[e(r.get("indicator_zh", "")), e(r.get("target_text", "")),
                 e("—" if r.get("p_met") is None else f"{r['p_met'] * 100:.1f} %"),
                 e("" if r.get("p_met") is not None else (r.get("reason") or {}).get("zh", ""))] for r in judged]
        out.append(f"<h3>{bi('“两山”指标的达标概率', 'Probability that Two-Mountains targets are met')}</h3>")
        out.append(table([("指标 Indicator", False), ("目标 Target", False), ("达标概率 P(met)", True),
                          ("说明 Note", False)], rows))
    return "".join(out)


def _appendix(d: ReportData) -> str:
    s = d.summary
    out = [f'<section id="appendix"><h2>{bi("附录：方法、系数与来源", "Appendix: methods, coefficients and sources")}</h2>']
    rows = []
    for sid, v in s["by_service"].items():
        val = d.valuation.get(sid)
        rows.append([bi(v["label"]["zh"], v["label"]["en"]), e(sid), e(v.get("method")), e(v.get("tier")),
                     bi(*val) if val else MISSING])
    out.append(f"<h3>{bi('核算方法', 'Methods')}</h3>"
               + table([("服务 Service", False), ("ID", False), ("方法 Method", False), ("层级 Tier", False),
                        ("价值化方法 Valuation", False)], rows))
    co = d.coefficients_used
    out.append(f"<h3>{bi('所用系数', 'Coefficients used')}</h3>")
    if co is None or not len(co):
        out.append(f"<p>{missing(d.reasons.get('workbook', ('没有系数记录', 'no coefficient records')))}</p>")
    else:
        if "status" in co:
            counts = co["status"].replace({"nan": "—", "None": "—"}).value_counts()
            out.append('<p class="small">系数行按状态计数 coefficient rows by status: '
                       + " · ".join(f"{e(k)} {int(v)}" for k, v in counts.items()) + "</p>")
        rows = []
        for _, r in co.iterrows():
            def cell(col):
                v = r.get(col)
                return "" if v is None or (isinstance(v, float) and v != v) or str(v) in ("nan", "None") else v
            val = cell("value")
            rows.append([e(cell("key")), e(cell("ecosystem")),
                         e(fmt(val, "") if isinstance(val, (int, float)) else val), e(cell("unit")),
                         e(_int(cell("price_year"))), e(cell("status")), e(cell("source"))])
        out.append(table([("系数 Key", False), ("生态系统 Ecosystem", False), ("数值 Value", True), ("单位 Unit", False),
                          ("价格年 Price year", True), ("状态 Status", False), ("来源 Source", False)], rows))
    out.append(f"<h3>{bi('文献来源', 'Sources')}</h3>")
    if d.sources:
        out.append(table([("来源 ID", False), ("引用 Citation", False)], [[e(k), e(v)] for k, v in d.sources.items()]))
    else:
        out.append(f"<p>{missing(d.reasons.get('workbook', ('没有来源记录', 'no source records')))}</p>")
    inputs = s.get("inputs") or {}
    if inputs:
        out.append(f"<h3>{bi('输入文件', 'Input files')}</h3>"
                   + table([("文件 File", False), ("SHA-256", False)],
                           [[e(k), f'<span class="small">{e(v)}</span>'] for k, v in inputs.items()]))
    fmt_rows = [[e(u), e(str(n))] for u, n in DECIMALS.items()]
    out.append(f"<h3>{bi('数字格式', 'Number formats')}</h3>"
               '<p class="small">每个单位只用一种格式；缺失值显示为 “—” 并注明原因 / one format per unit; a missing '
               'figure is shown as “—” with its reason. 实物量 Physical quantities: 千位分隔，≥100 取整，否则三位有效数字 / '
               "thousands separators, whole numbers from 100, three significant digits below.</p>"
               + table([("单位 Unit", False), ("小数位 Decimals", True)], fmt_rows))
    out.append('<p class="small">字体 Font: Noto Sans CJK SC (SIL Open Font License 1.1), embedded as a subset. '
               f"由 gep {e(s.get('gep_version', __version__))} 生成 / written by gep.</p></section>")
    return "".join(out)


def _int(v):
    try:
        return str(int(float(v)))
    except (TypeError, ValueError):
        return v


# ------------------------------------------------------------------ page
def render_html(d: ReportData, figs: dict | None = None) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    from .fonts import font_face_css

    figs = figs if figs is not None else C.all_charts(d)
    token = _MEASURE.set(d.measure)  # the labels of an ESV account's report say ESV
    try:
        body = "".join([_header(d), _headline(d), _composition(d, figs), _townships(d, figs), _two_mountains(d),
                        _year_on_year(d, figs), _uncertainty(d), _appendix(d)])
        title = _m(f"{d.name.get('zh', '')} {d.year} GEP 核算报告 / GEP account report")
    finally:
        _MEASURE.reset(token)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body)) + title
    css = font_face_css(text) + CSS
    return ("<!DOCTYPE html>\n"
            f'<html lang="zh-Hans"><head><meta charset="utf-8"><title>{e(title)}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="gep {e(__version__)}">'
            f"<style>{css}</style></head><body>{body}</body></html>\n")

"""The validation gallery: published studies reproduced line by line.

Each folder of ``validation/`` holds one published study: the account config
(``gep.toml``), its inputs taken from the paper, a coefficient set where the
study has its own prices, and ``expected.toml`` with every published figure
that ``gep`` computes -- its value, unit, printed precision, and where it is
printed (table, section, page). :func:`check_studies` runs every study and
compares each figure; :func:`render_page` writes the gallery page
(``docs/validation.md``); ``gep check-studies`` does both.

How a figure is judged
----------------------
A figure is compared at the precision the paper prints it: one printed as
``0.03`` 亿元 matches when ``gep`` gives a value within half a unit of its last
digit (0.025–0.035 亿元). A deviation beyond that needs an explanation in
``expected.toml`` with its kind:

``input_rounding``
    the paper multiplied unrounded quantities but printed them rounded; the
    published figure must lie within the range the printed input's rounding
    allows (``input_printed``, ``input_decimals``; checked here).
``paper_arithmetic``
    the paper's own arithmetic does not give its figure;
``not_accounted``
    the published figure includes an item ``gep`` does not account;
``gep_method``
    ``gep`` values the item differently from the paper (e.g. an open issue).

Every kind but ``input_rounding`` carries ``recomputed``: the value the
explanation says ``gep`` gives, written with two more decimals than the paper
prints (or to 7 significant digits, whichever is coarser), and ``gep`` must
give it. So an explanation cannot go stale: a figure
whose deviation disappears (a fix in ``gep``), or whose recomputation no
longer holds, fails until ``expected.toml`` is updated.

``expected.toml``
-----------------
```toml
[study]
id = "garze-2010"
title = { zh = "…", en = "…" }
citation = "…"                      # full reference
read_via = "…"                      # where the text was read
region = { zh = "…", en = "…" }
years = [2010]
methods = ["physical_then_value", "statistics"]
config = "gep.toml"
inputs = { zh = "…", en = "…" }     # what was taken from the paper, and where

[[figure]]
id = "water_conservation"
label = { zh = "水源涵养", en = "Water conservation" }
published = 2269.71
unit = "亿元"
decimals = 2
table = "表3"                       # table or figure of the paper ("" if text)
locator = "表3 价值量; §3.2.1"       # where exactly (section, row, page)
gep = { service = "water_conservation" }
year = 2010                         # multi-year studies

[figure.explained]                  # only when the deviation is beyond rounding
kind = "input_rounding"
input_printed = 321.49
input_decimals = 2
zh = "…"
en = "…"

[[not_reproduced]]                  # published items gep does not reproduce
item = { zh = "…", en = "…" }
published = "13.93 亿元"
locator = "表3"
reason = { zh = "…", en = "…" }
```

The ``gep`` selector picks what to compare: ``total = true``; ``category``;
``service`` (one id or a list; with ``region``, ``ecosystem`` or ``ecosystems``,
``component``);
``ecosystems`` alone (all services); ``physical`` (a service's physical
quantity); ``equivalent_value = true`` (the value of one equivalent used);
``per_area = true`` divides by the area selected (value per hm² of the
region or ecosystem types); ``change = [a, b]`` takes the difference between
two years (``per_year = true`` divides it by ``b − a``; ``change_pct = true``
gives it in % of year ``a``; ``annual_pct = true`` gives the mean annual
growth rate in %, ``(v_b / v_a)^(1/(b − a)) − 1``).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..errors import ConfigError, GepError, problem
from ..units import conversion_factor

__all__ = ["Figure", "FigureResult", "Study", "StudyResult", "load_study", "run_study", "check_studies",
           "compare_figure", "render_page", "METHOD_FAMILIES", "EXPLANATION_KINDS"]

#: method families a study can cover (labels for the page)
METHOD_FAMILIES: dict[str, dict[str, str]] = {
    "physical_then_value": {"zh": "先实物量后价值量（中科院生态中心方法谱系）",
                            "en": "physical quantity, then value (CAS-RCEES lineage)"},
    "statistics": {"zh": "统计数据核算物质产品与文化服务", "en": "provisioning and cultural services from statistics"},
    "value_transfer_national": {"zh": "价值当量法（全国单位当量价值）",
                                "en": "value transfer at the national value of one equivalent"},
    "value_transfer_local": {"zh": "价值当量法（本地重算的单位当量价值）",
                             "en": "value transfer at a locally recomputed value of one equivalent"},
    "multi_year": {"zh": "多年份比较", "en": "multi-year comparison"},
}

#: kinds of explanation of a deviation beyond rounding
EXPLANATION_KINDS: dict[str, dict[str, str]] = {
    "input_rounding": {"zh": "输入按印刷精度取整", "en": "printed input rounded"},
    "paper_arithmetic": {"zh": "原文计算不一致", "en": "the paper's own arithmetic"},
    "not_accounted": {"zh": "gep 未核算的项目", "en": "item gep does not account"},
    "gep_method": {"zh": "gep 方法不同", "en": "gep values it differently"},
}

SELECTOR_KEYS = {"total", "category", "service", "region", "ecosystem", "ecosystems", "component", "physical",
                 "equivalent_value", "per_area", "change", "per_year", "change_pct", "annual_pct"}
FIGURE_KEYS = {"id", "label", "published", "unit", "decimals", "table", "locator", "page", "gep", "year",
               "explained", "note"}
STUDY_KEYS = {"id", "title", "citation", "doi", "read_via", "region", "years", "methods", "config", "inputs",
              "coefficients", "notes"}

#: a value within this relative margin of the half-unit bound still matches (float noise)
_EPS = 1e-9


# ----------------------------------------------------------------- records
@dataclass(frozen=True)
class Figure:
    """One published figure and how to find it in the ``gep`` result."""

    id: str
    label: Mapping[str, str]
    published: float
    unit: str
    decimals: int
    table: str
    locator: str
    selector: Mapping[str, Any]
    year: int | None = None
    page: str = ""
    explained: Mapping[str, Any] | None = None
    note: str = ""

    @property
    def tolerance(self) -> float:
        """Half a unit of the last printed digit, in :attr:`unit`."""
        return 0.5 * 10.0 ** (-self.decimals)


@dataclass
class FigureResult:
    """The comparison of one figure."""

    figure: Figure
    gep: float | None
    status: str  # "match" | "explained" | "fail"
    message: str = ""

    @property
    def deviation(self) -> float | None:
        return None if self.gep is None else self.gep - self.figure.published


@dataclass
class Study:
    """A study folder read: its metadata, figures and the items it does not reproduce."""

    folder: Path
    meta: Mapping[str, Any]
    figures: list[Figure]
    not_reproduced: list[Mapping[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.meta["id"])


@dataclass
class StudyResult:
    study: Study
    figures: list[FigureResult]
    error: str = ""

    @property
    def failures(self) -> list[FigureResult]:
        return [r for r in self.figures if r.status == "fail"]

    @property
    def ok(self) -> bool:
        return not self.error and not self.failures


# ----------------------------------------------------------------- loading
def _bad(file: Path, zh: str, en: str, *, column: str | None = None, value=None) -> ConfigError:
    return ConfigError(problem("bad_expected", zh, en, file=str(file), column=column, value=value,
                               hint_zh="见 gep/validation/studies.py 中 expected.toml 的格式说明",
                               hint_en="see the expected.toml format in gep/validation/studies.py"))


def _check_selector(sel: Mapping, file: Path, fid: str) -> None:
    from ..services import CATEGORIES, REGISTRY

    where = dict(column=f"figure {fid}.gep")
    unknown = set(sel) - SELECTOR_KEYS
    if unknown:
        raise _bad(file, f"图表项 {fid} 的 gep 选择器有未知键 {sorted(unknown)}",
                   f"figure {fid}: unknown selector keys {sorted(unknown)} (known: {', '.join(sorted(SELECTOR_KEYS))})",
                   **where)
    heads = [k for k in ("total", "category", "service", "physical", "equivalent_value") if k in sel]
    if len(heads) > 1 or (not heads and "ecosystems" not in sel and "ecosystem" not in sel):
        raise _bad(file, f"图表项 {fid}：选择器须且只能含 total、category、service、physical、equivalent_value 之一（或仅 ecosystems）",
                   f"figure {fid}: the selector needs exactly one of total, category, service, physical, "
                   f"equivalent_value (or ecosystems alone)", **where)
    for key in ("service", "physical"):
        ids = sel.get(key, [])
        for sid in ids if isinstance(ids, list) else [ids]:
            if sid not in REGISTRY:
                raise _bad(file, f"图表项 {fid}：未知服务 {sid!r}", f"figure {fid}: unknown service {sid!r}",
                           value=sid, **where)
    if "component" in sel and not isinstance(sel.get("service"), str):
        raise _bad(file, f"图表项 {fid}：component 需要单个 service", f"figure {fid}: component needs one service",
                   **where)
    if "category" in sel and sel["category"] not in CATEGORIES:
        raise _bad(file, f"图表项 {fid}：未知类别 {sel['category']!r}", f"figure {fid}: unknown category {sel['category']!r}",
                   value=sel["category"], **where)
    if "change" in sel and not (isinstance(sel["change"], list) and len(sel["change"]) == 2
                                and all(isinstance(y, int) for y in sel["change"])):
        raise _bad(file, f"图表项 {fid}：change 应为两个年份 [a, b]", f"figure {fid}: change must be two years [a, b]",
                   **where)


def _figure(raw: Mapping, file: Path, index: int) -> Figure:
    fid = str(raw.get("id", f"#{index + 1}"))
    unknown = set(raw) - FIGURE_KEYS
    if unknown:
        raise _bad(file, f"图表项 {fid} 有未知键 {sorted(unknown)}", f"figure {fid}: unknown keys {sorted(unknown)}",
                   column=f"figure {fid}")
    for key in ("id", "label", "published", "unit", "decimals", "locator", "gep"):
        if key not in raw or raw[key] in ("", None):
            raise _bad(file, f"图表项 {fid} 缺少 {key}（每个数值都要注明出处与印刷精度）",
                       f"figure {fid} has no {key} (every figure needs its value, unit, printed precision and locator)",
                       column=f"figure {fid}.{key}")
    label = raw["label"]
    if not (isinstance(label, Mapping) and label.get("zh") and label.get("en")):
        raise _bad(file, f"图表项 {fid} 的 label 需要 zh 与 en", f"figure {fid}: label needs zh and en",
                   column=f"figure {fid}.label")
    published = raw["published"]
    if isinstance(published, bool) or not isinstance(published, (int, float)) or not math.isfinite(published):
        raise _bad(file, f"图表项 {fid} 的 published 应为数字", f"figure {fid}: published must be a number",
                   column=f"figure {fid}.published", value=published)
    decimals = raw["decimals"]
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise _bad(file, f"图表项 {fid} 的 decimals 应为非负整数", f"figure {fid}: decimals must be a whole number ≥ 0",
                   column=f"figure {fid}.decimals", value=decimals)
    try:
        conversion_factor(str(raw["unit"]), str(raw["unit"]))
    except Exception:
        raise _bad(file, f"图表项 {fid} 的单位无法解析：{raw['unit']!r}", f"figure {fid}: unit does not parse: {raw['unit']!r}",
                   column=f"figure {fid}.unit", value=raw["unit"]) from None
    sel = raw["gep"]
    if not isinstance(sel, Mapping):
        raise _bad(file, f"图表项 {fid} 的 gep 应为表", f"figure {fid}: gep must be a table", column=f"figure {fid}.gep")
    _check_selector(sel, file, fid)
    expl = raw.get("explained")
    if expl is not None:
        kind = expl.get("kind")
        if kind not in EXPLANATION_KINDS:
            raise _bad(file, f"图表项 {fid} 的解释类型 {kind!r} 无效", f"figure {fid}: explanation kind {kind!r} is not one of "
                       f"{', '.join(EXPLANATION_KINDS)}", column=f"figure {fid}.explained.kind", value=kind)
        if not (expl.get("zh") and expl.get("en")):
            raise _bad(file, f"图表项 {fid} 的解释需要 zh 与 en", f"figure {fid}: the explanation needs zh and en",
                       column=f"figure {fid}.explained")
        need = ("input_printed", "input_decimals") if kind == "input_rounding" else ("recomputed",)
        for key in need:
            if key not in expl:
                raise _bad(file, f"图表项 {fid} 的解释（{kind}）缺少 {key}", f"figure {fid}: a {kind} explanation needs {key}",
                           column=f"figure {fid}.explained.{key}")
    return Figure(id=fid, label=dict(label), published=float(published), unit=str(raw["unit"]), decimals=decimals,
                  table=str(raw.get("table", "")), locator=str(raw["locator"]), selector=dict(sel),
                  year=raw.get("year"), page=str(raw.get("page", "")), explained=dict(expl) if expl else None,
                  note=str(raw.get("note", "")))


def load_study(folder: str | Path) -> Study:
    """Read ``expected.toml`` of a study folder (every problem names the file and the figure)."""
    folder = Path(folder)
    file = folder / "expected.toml"
    if not file.is_file():
        raise ConfigError(problem("file_not_found", f"{folder} 中没有 expected.toml", f"{folder} has no expected.toml",
                                  file=str(file)))
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(problem("bad_toml", f"expected.toml 不是有效的 TOML：{exc}", f"expected.toml is not valid TOML: {exc}",
                                  file=str(file))) from None
    meta = raw.get("study")
    if not isinstance(meta, Mapping):
        raise _bad(file, "缺少 [study] 表", "no [study] table")
    unknown = set(meta) - STUDY_KEYS
    if unknown:
        raise _bad(file, f"[study] 中有未知键 {sorted(unknown)}", f"unknown keys in [study]: {sorted(unknown)}")
    for key in ("id", "title", "citation", "read_via", "region", "years", "methods", "config", "inputs"):
        if not meta.get(key):
            raise _bad(file, f"[study] 缺少 {key}", f"[study] has no {key}", column=f"study.{key}")
    bad_methods = set(meta["methods"]) - set(METHOD_FAMILIES)
    if bad_methods:
        raise _bad(file, f"[study] methods 中有未知方法族 {sorted(bad_methods)}",
                   f"unknown method families in [study] methods: {sorted(bad_methods)} (known: {', '.join(METHOD_FAMILIES)})",
                   column="study.methods")
    figures = [_figure(f, file, i) for i, f in enumerate(raw.get("figure", []))]
    if not figures:
        raise _bad(file, "没有任何 [[figure]]", "no [[figure]] entries")
    ids = [f.id for f in figures]
    dups = sorted({i for i in ids if ids.count(i) > 1})
    if dups:
        raise _bad(file, f"重复的图表项 id {dups}", f"duplicate figure ids {dups}")
    years = set(meta["years"])
    for f in figures:
        needed = set(f.selector.get("change", [])) | ({f.year} if f.year is not None else set())
        if len(years) > 1 and f.year is None and "change" not in f.selector:
            raise _bad(file, f"多年份研究中图表项 {f.id} 需要 year", f"figure {f.id}: a multi-year study needs its year",
                       column=f"figure {f.id}.year")
        if needed - years:
            raise _bad(file, f"图表项 {f.id} 的年份 {sorted(needed - years)} 不在 [study] years 中",
                       f"figure {f.id}: years {sorted(needed - years)} are not in [study] years", column=f"figure {f.id}")
    for item in raw.get("not_reproduced", []):
        for key in ("item", "published", "locator", "reason"):
            if not item.get(key):
                raise _bad(file, f"[[not_reproduced]] 缺少 {key}", f"a [[not_reproduced]] entry has no {key}",
                           column=f"not_reproduced.{key}")
    return Study(folder=folder, meta=dict(meta), figures=figures, not_reproduced=list(raw.get("not_reproduced", [])))


# ----------------------------------------------------------------- running
def _results_by_year(study: Study) -> dict[int, Any]:
    """Run the study's config: ``{year: AccountResult}``.

    A study of several years runs as ``gep run`` runs a multi-year config
    (:func:`gep.run_years`, each year's inputs from ``[years.<year>]`` or
    ``{year}`` in input paths); a study of one year is one account.
    """
    from ..account import Account
    from ..account.years import run_years

    config = study.folder / str(study.meta["config"])
    years = sorted(study.meta["years"])
    if len(years) > 1:
        return dict(run_years(config, years).results)
    return {years[0]: _one_year(Account, config, years[0])}


def _one_year(account_cls, config: Path, year: int):
    from ..account.config import for_year, load_config

    cfg, folder = load_config(config)
    return account_cls(for_year(cfg, year), folder, source=f"{config} [{year}]").run()


def _area_hm2(res, sel: Mapping) -> float:
    areas = res.extra["areas"]
    if areas is None or ("ecosystem" not in sel and "ecosystems" not in sel and "region" not in sel):
        # no land use, or the whole account: the land area of the region (table)
        return float(res.regions.at[sel.get("region", res.root), "area_km2"]) * 100.0
    if "region" in sel:
        areas = areas.sel(region=sel["region"])
    ecos = sel.get("ecosystems") or ([sel["ecosystem"]] if "ecosystem" in sel else None)
    if ecos:
        areas = areas.sel(ecosystem=list(ecos))
    return float(areas.sum())


def _select(res, sel: Mapping) -> tuple[float, str]:
    """The figure a selector names in one year's result, with its unit."""
    if sel.get("equivalent_value"):
        prov = res.provenance[res.provenance["key"] == "esv.standard_equivalent_value"]
        if prov.empty:
            raise GepError(problem("not_in_result", "该核算没有单位当量价值", "the account used no value of one equivalent"))
        r = prov.iloc[0]
        value = float(r["value"])
        already = "rebased_from_value" in prov and r.get("rebased_from_value") == r.get("rebased_from_value")
        factor = r.get("rebase_factor") if "rebase_factor" in prov else None
        if not already and factor is not None and factor == factor:
            value *= float(factor)
        return value, "元/hm²"
    if "physical" in sel:
        sid = sel["physical"]
        da = res.physical[sid]
        if "region" in sel:
            da = da.sel(region=sel["region"])
        if "ecosystem" in sel or "ecosystems" in sel:
            da = da.sel(ecosystem=list(sel.get("ecosystems") or [sel["ecosystem"]]))
        return float(da.sum()), str(res.physical[sid].attrs["units"])
    if "component" in sel:
        parts = res.extra["value_components"].get(sel["service"], {})
        if sel["component"] not in parts:
            raise GepError(problem("not_in_result", f"服务 {sel['service']} 没有分项 {sel['component']!r}",
                                   f"service {sel['service']} has no component {sel['component']!r} "
                                   f"(has: {', '.join(parts) or 'none'})"))
        da = parts[sel["component"]]
        if "region" in sel:
            da = da.sel(region=sel["region"])
        return float(da.sum()), "元"
    vbe = res.value_by_ecosystem
    if "service" in sel:
        vbe = vbe.sel(service=sel["service"] if isinstance(sel["service"], list) else [sel["service"]])
    elif "category" in sel:
        cats = res.services["category"]
        vbe = vbe.sel(service=[s for s in vbe.service.values if cats.get(s) == sel["category"]])
    if "region" in sel:
        vbe = vbe.sel(region=[sel["region"]])
    ecos = sel.get("ecosystems") or ([sel["ecosystem"]] if "ecosystem" in sel else None)
    if ecos:
        vbe = vbe.sel(ecosystem=[e for e in ecos if e in vbe.ecosystem.values])
    value = float(vbe.sum())
    if sel.get("per_area"):
        return value / _area_hm2(res, sel), "元/hm²"
    return value, "元"


def figure_value(results: Mapping[int, Any], figure: Figure) -> float:
    """The value ``gep`` gives for a figure, in the figure's unit."""
    sel = dict(figure.selector)
    if "change" in sel:
        a, b = sel["change"]
        va, unit = _select(results[a], sel)
        vb, _ = _select(results[b], sel)
        if sel.get("change_pct"):
            return (vb / va - 1.0) * 100.0 if va else float("nan")
        if sel.get("annual_pct"):
            return ((vb / va) ** (1.0 / (b - a)) - 1.0) * 100.0 if va else float("nan")
        if sel.get("per_year"):
            return (vb - va) / (b - a) * conversion_factor(f"({unit})/a", figure.unit)
        return (vb - va) * conversion_factor(unit, figure.unit)
    year = figure.year if figure.year is not None else next(iter(results))
    value, unit = _select(results[year], sel)
    return value * conversion_factor(unit, figure.unit)


def compare_figure(figure: Figure, value: float | None) -> FigureResult:
    """Judge one figure (see the module docstring)."""
    if value is None or not math.isfinite(value):
        return FigureResult(figure, value, "fail", "gep gives no finite value")
    tol = figure.tolerance
    dev = value - figure.published
    within = abs(dev) <= tol * (1 + _EPS) + 1e-12 * max(abs(value), 1.0)
    expl = figure.explained
    if within:
        if expl:
            return FigureResult(figure, value, "fail",
                                "gep now agrees within the printed precision: remove the explanation from expected.toml")
        return FigureResult(figure, value, "match")
    if not expl:
        return FigureResult(figure, value, "fail",
                            f"deviation {dev:+.{figure.decimals + 2}f} {figure.unit} beyond the printed precision "
                            f"(±{tol:g}) and not explained")
    if expl["kind"] == "input_rounding":
        x, h = float(expl["input_printed"]), 0.5 * 10.0 ** (-int(expl["input_decimals"]))
        low, high = value * (1 - h / abs(x)), value * (1 + h / abs(x))
        if min(low, high) - tol <= figure.published <= max(low, high) + tol:
            return FigureResult(figure, value, "explained")
        return FigureResult(figure, value, "fail",
                            f"the printed input {x:g} (±{h:g}) cannot explain the deviation: gep gives {low:.6g}–{high:.6g}")
    recomputed = float(expl["recomputed"])
    rtol = max(0.5 * 10.0 ** (-(figure.decimals + 2)), 1e-7 * abs(recomputed))
    if abs(value - recomputed) <= rtol * (1 + _EPS):
        return FigureResult(figure, value, "explained")
    return FigureResult(figure, value, "fail",
                        f"the explanation's recomputation {recomputed:g} no longer holds: gep gives {value:.{figure.decimals + 3}f}")


def run_study(study: Study) -> StudyResult:
    """Run one study and compare every figure; an account that fails is reported, not raised."""
    try:
        results = _results_by_year(study)
    except GepError as exc:
        return StudyResult(study, [], error=str(exc))
    out = []
    for fig in study.figures:
        try:
            value = figure_value(results, fig)
        except (GepError, KeyError, ValueError) as exc:
            out.append(FigureResult(fig, None, "fail", f"not found in the result: {exc}"))
            continue
        out.append(compare_figure(fig, value))
    return StudyResult(study, out)


def study_folders(root: str | Path) -> list[Path]:
    """Study folders under ``root`` (those holding ``expected.toml``), in name order."""
    root = Path(root)
    if not root.is_dir():
        raise ConfigError(problem("file_not_found", f"找不到验证研究文件夹 {root}", f"no validation folder {root}",
                                  file=str(root), hint_zh="在仓库根目录运行，或给出 validation/ 的路径",
                                  hint_en="run from the repository root, or give the path of validation/"))
    return sorted(p.parent for p in root.glob("*/expected.toml"))


def check_studies(root: str | Path) -> list[StudyResult]:
    """Run every study under ``root``."""
    return [run_study(load_study(folder)) for folder in study_folders(root)]


def not_reproduced_studies(root: str | Path) -> list[Mapping[str, Any]]:
    """Published studies looked at and left out (``root/not_reproduced.toml``)."""
    path = Path(root) / "not_reproduced.toml"
    if not path.is_file():
        return []
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    out = raw.get("study", [])
    for item in out:
        for key in ("citation", "read_via", "reason"):
            if not item.get(key):
                raise _bad(path, f"[[study]] 缺少 {key}", f"a [[study]] entry has no {key}", column=f"study.{key}")
    return out


# ------------------------------------------------------------------- page
_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _unit_text(unit: str) -> str:
    """``10^10 元`` → ``10¹⁰ 元`` for the page."""
    if unit.startswith("10^"):
        exp, _, rest = unit[3:].partition(" ")
        return f"10{exp.translate(_SUP)} {rest}".strip()
    return unit


def _num(x: float | None, decimals: int) -> str:
    if x is None or not math.isfinite(x):
        return "—"
    text = f"{x:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")
    return text.replace("-", "−")


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


STATUS = {"match": "✓", "explained": "≈", "fail": "✗"}


def render_page(results: list[StudyResult], not_reproduced: list[Mapping[str, Any]] = ()) -> str:
    """The gallery page (Markdown), deterministic: the same results give the same bytes."""
    lines = [
        "<!-- Generated by `gep check-studies` from validation/*/expected.toml and the gep accounts of each study. "
        "Do not edit: edit the study folders and run `gep check-studies`. -->",
        "",
        "# Validation gallery 验证：已发表研究的复现",
        "",
        "Each study below is a folder of `validation/` in the repository "
        "(config, inputs taken from the paper, the study's own coefficient set where it has its own prices, "
        "and `expected.toml` with every published figure, its unit, the precision it is printed at and where). "
        "`gep check-studies` runs them all, compares every figure and writes this page; the test suite runs it on "
        "every change, so the page cannot drift from the code.",
        "",
        "下面每项研究都是仓库 `validation/` 中的一个文件夹：核算配置、取自原文的输入、研究自有价格的系数集，以及 "
        "`expected.toml`（每个发表数值、单位、印刷精度与出处）。`gep check-studies` 运行全部研究、逐项比较并生成本页；"
        "测试在每次改动时运行它，本页不会与代码脱节。",
        "",
        "**How figures are compared 比较方法.** A figure is compared at the precision the paper prints it: "
        "one printed as 0.03 亿元 passes when gep gives 0.025–0.035 亿元, i.e. within half a unit of its last digit. "
        "A deviation beyond that is shown with its explanation and the recomputation; an explanation is itself "
        "checked (the recomputed value must be what gep gives, or the printed input's rounding must cover the "
        "deviation), so it fails as soon as it no longer holds. "
        "按原文印刷精度比较：印为 0.03 亿元的数值，gep 结果在 0.025–0.035 亿元之间即为一致（末位半个单位）。"
        "超出的偏差均给出解释与复算，解释本身也被检验。",
        "",
        "Status: ✓ within the printed precision 在印刷精度内一致 · ≈ deviation explained 偏差已解释 · "
        "✗ failing 不一致.",
        "",
        "## Summary 概览",
        "",
        "| Study 研究 | Region 地区 | Years 年份 | Methods 方法 | Figures 数值 | ✓ | ≈ | ✗ |",
        "|---|---|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        m = r.study.meta
        counts = {k: sum(1 for f in r.figures if f.status == k) for k in STATUS}
        methods = "; ".join(METHOD_FAMILIES[x]["en"] for x in m["methods"])
        years = ", ".join(str(y) for y in m["years"])
        lines.append(f"| [{_cell(m['title']['zh'])}](#{r.study.id}) | {_cell(m['region']['zh'])} "
                     f"{_cell(m['region']['en'])} | {years} | {_cell(methods)} | {len(r.figures)} | "
                     f"{counts['match']} | {counts['explained']} | {counts['fail'] + (1 if r.error else 0)} |")
    lines.append("")
    for r in results:
        lines += _study_section(r)
    if not_reproduced:
        lines += ["## Studies not reproduced 未复现的研究", "",
                  "Published studies that were read and left out, with the reason. Inputs are never invented to "
                  "reach a published total. 已阅读但未纳入的研究及原因；从不为凑出发表结果而编造输入。", ""]
        for item in not_reproduced:
            lines.append(f"- **{_cell(item['citation'])}** ({_cell(item['read_via'])}). "
                         f"{_cell(item['reason'].get('en', ''))} {_cell(item['reason'].get('zh', ''))}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _study_section(r: StudyResult) -> list[str]:
    s, m = r.study, r.study.meta
    lines = [f"## {_cell(m['title']['zh'])} {{#{s.id}}}", "", f"*{_cell(m['title']['en'])}*", "",
             f"- **Source 文献**: {_cell(m['citation'])}" + (f" doi:{m['doi']}" if m.get("doi") else ""),
             f"- **Read via 阅读来源**: {_cell(m['read_via'])}",
             f"- **Region 地区**: {_cell(m['region']['zh'])} / {_cell(m['region']['en'])}",
             f"- **Years 年份**: {', '.join(str(y) for y in m['years'])}",
             "- **Methods 方法**: " + "; ".join(f"{METHOD_FAMILIES[x]['zh']} / {METHOD_FAMILIES[x]['en']}"
                                              for x in m["methods"]),
             f"- **Inputs 输入**: {_cell(m['inputs']['en'])} {_cell(m['inputs']['zh'])}",
             f"- **Folder 文件夹**: `validation/{s.folder.name}/` (config `{m['config']}`)"]
    if m.get("coefficients"):
        lines.append(f"- **Coefficients 系数**: {_cell(m['coefficients'])}")
    if m.get("notes"):
        lines.append(f"- **Notes 说明**: {_cell(m['notes'].get('en', ''))} {_cell(m['notes'].get('zh', ''))}")
    lines.append("")
    if r.error:
        lines += ["!!! failure \"The account does not run 核算未能运行\"", "", f"    {_cell(r.error)}", ""]
        return lines
    multi = len(m["years"]) > 1
    head = "| Figure 数值 | " + ("Year 年份 | " if multi else "") + \
        "Where 出处 | Published 发表 | gep | Deviation 偏差 | |"
    lines += [head, "|---|" + ("---|" if multi else "") + "---|---:|---:|---:|---|"]
    notes: list[FigureResult] = []  # one note per distinct explanation (figures may share one)
    for fr in r.figures:
        f = fr.figure
        unit = _unit_text(f.unit)
        mark = STATUS[fr.status]
        if f.explained and fr.status != "match":
            key = (f.explained["kind"], f.explained["en"], f.explained["zh"])
            known = [i for i, n in enumerate(notes, 1)
                     if (n.figure.explained["kind"], n.figure.explained["en"], n.figure.explained["zh"]) == key]
            if not known:
                notes.append(fr)
            number = known[0] if known else len(notes)
            mark += f" [{number}](#{s.id}-note-{number})"
        if fr.status == "fail" and fr.message:
            mark += f" {_cell(fr.message)}"
        year = ""
        if multi:
            year = (f"{f.selector['change'][0]}→{f.selector['change'][1]} | " if "change" in f.selector
                    else f"{f.year} | ")
        where = f.locator + (f", p. {f.page}" if f.page else "")
        sep = "×" if unit.startswith("10") else " "
        lines.append(f"| {_cell(f.label['zh'])} {_cell(f.label['en'])} | {year}{_cell(where)} | "
                     f"{_num(f.published, f.decimals)}{sep}{unit} | {_num(fr.gep, f.decimals + 2)} | "
                     f"{_num(fr.deviation, f.decimals + 2)} | {mark} |")
    lines.append("")
    if notes:
        lines += ["**Deviations explained 偏差说明**", ""]
        for i, fr in enumerate(notes, 1):
            e = fr.figure.explained
            kind = EXPLANATION_KINDS[e["kind"]]
            lines.append(f"{i}. <a id=\"{s.id}-note-{i}\"></a>*{kind['en']} / {kind['zh']}.* "
                         f"{_cell(e['en'])} {_cell(e['zh'])}")
        lines.append("")
    if s.not_reproduced:
        lines += ["**Published items not reproduced 未复现的发表项**", ""]
        for item in s.not_reproduced:
            lines.append(f"- {_cell(item['item']['zh'])} {_cell(item['item']['en'])} ({_cell(item['published'])}; "
                         f"{_cell(item['locator'])}): {_cell(item['reason']['en'])} {_cell(item['reason']['zh'])}")
        lines.append("")
    return lines


def write_page(results: list[StudyResult], path: str | Path, not_reproduced=()) -> bool:
    """Write the page; returns whether the file changed."""
    path = Path(path)
    text = render_page(results, not_reproduced)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


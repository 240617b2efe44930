r"""The uncertainty of an account: Monte Carlo along a ``draw`` dimension, Sobol indices, structural spreads.

    >>> acct = gep.Account.from_config(gep.example_config())
    >>> unc = gep.account_uncertainty(acct, draws=10_000, seed=1)
    >>> unc.interval()                  # GEP: 5 %, 50 %, 95 % (元)
    >>> unc.summary()                   # the summary.json["uncertainty"] section
    >>> unc.value                       # value (draw, service, region), 元

How it is computed
------------------
The account's own plan (:func:`gep.account.plan.build_plan`: inputs read and
checked once) is executed again with its :class:`~gep.services.context.Context`
in *draw mode* (:mod:`gep.services.draws`): every coefficient row with a range
is an array of draws along a ``draw`` dimension, and so are the land-use areas
(classification error) and the statistics rows (their error), when the
config gives those errors. The services' formulas broadcast over it, so a
chunk of draws is one pass of every service (:func:`gep.account.plan.execute_step`),
not one run per draw. Chunks keep memory bounded (``[uncertainty] chunk``; by default
as many draws as keep one region × ecosystem × draw array at :data:`CHUNK_CELLS` numbers,
16 MB, between 100 and 10 000); draw :math:`k` is the same whatever the chunks
(:mod:`gep.compute.sampling`).
What is kept is GEP by service × region for every draw: :math:`N \times S \times R` numbers.

* **Intervals**: 5 %, 50 % and 95 % of GEP, of each category, service and region and of
  the indicators computed from GEP, over the draws.
* **Targets**: each row of the Two-Mountains table that ``gep`` computes, judged in
  every draw by the rule of the deterministic judgement; ``p_met`` is the share of
  draws that meet it. The appraisal's ``p_met`` (``gep run --targets``) reads :attr:`Uncertainty.value`.
* **Sensitivity**: first- and total-order Sobol indices of GEP (Saltelli et al. 2010 and
  Jansen estimators, :func:`gep.compute.sensitivity.sobol_indices`) for groups of inputs: every coefficient key (all its rows --
  by ecosystem, by region -- together), the land-use areas, the statistics rows.
  The design (:func:`gep.compute.sampling.saltelli_column`) is evaluated along the
  same ``draw`` dimension, :math:`N_s (G + 2)` evaluations for :math:`G` groups (by default
  :math:`N_s = N / (2(G + 2))`: half the cost of the draws; the 95 % confidence of each index is reported).
* **Structural spread**, apart: the GEP at each end of every ``structural`` range (one
  row at a time, the others at their value), and GEP under every published method
  variant (:func:`gep.account.methods.compare_methods`). Neither is a probability.

What is not sampled is listed (:attr:`Uncertainty.held`): rows without a range, the
structural ranges (unless ``include_structural``), the per-pixel lookups of spatial
methods; the economy table (emissions, reservoir capacity, GDP) and raster pixels
are used at their values.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Mapping

import numpy as np
import pandas as pd
import xarray as xr

from ..classifications.accuracy import LAND_COVER_ACCURACY, MAX_RELATIVE_ERROR, class_errors
from ..classifications import ecosystem_types
from ..compute.sampling import ppf, saltelli_column, saltelli_size, stream_uniforms
from ..compute.sensitivity import sobol_indices
from ..errors import ConfigError, GepError, problem
from ..services import CATEGORIES, get_service
from ..services.draws import DrawMode, Uncertain, row_index

__all__ = ["Uncertainty", "UncertaintySettings", "account_uncertainty", "settings_from_config", "SHEET_TITLE",
           "SENSITIVITY_SHEET_TITLE", "CHUNK_CELLS", "PERCENTILES", "default_chunk"]

#: Titles of the workbook sheets (31 characters at most).
SHEET_TITLE = "不确定性 Uncertainty"
SENSITIVITY_SHEET_TITLE = "敏感性 Sensitivity"
#: numbers in one region × ecosystem × draw array of a chunk (2 million: 16 MB) -- the default chunk size
CHUNK_CELLS = 2_000_000
#: the percentiles reported
PERCENTILES = (5, 50, 95)
#: smallest base sample of the Sobol design when it is derived from the number of draws
MIN_SOBOL_SAMPLES = 128

SAMPLED_NOTE = {
    "zh": "参数不确定性：系数行的 low/high/distribution（每次抽样每行一个值，所有乡镇、所有服务共用），以及配置中给出的"
          "土地利用分类误差与统计数据误差；结构性差异（已发表点值之间的范围、方法变体）单列，不计入区间",
    "en": "parametric uncertainty: the low/high/distribution of coefficient rows (one value per row and draw, shared "
          "by every township and service), and the land-use and statistics errors the config gives; structural spreads "
          "(ranges of published point values, method variants) are shown apart, not in the intervals",
}


# --------------------------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class UncertaintySettings:
    """What an uncertainty run draws (``[uncertainty]`` of the config, or arguments).

    Attributes
    ----------
    draws, seed : int
    chunk : int or None
        Draws computed at a time (``None``: :func:`default_chunk`).
    include_structural : bool
        Draw ``structural`` ranges (uniformly) in the Monte Carlo; the summary says so.
    land_use_error : dict
        Ecosystem type -> relative error of its area (half-width of the 95 % interval).
    land_use_basis : dict
        Where it comes from: ``{"kind": "product" | "overall_accuracy" | "table", "source": …}``.
    statistics_error : float or None
        Relative error of every statistics row (half-width of the 95 % interval).
    statistics_source : str
    sobol_samples : int or None
        Base samples of the Sobol design (``None``: draws ÷ (2 (groups + 2)), at least 128, so the design
        costs about half the Monte Carlo; 0: no Sobol indices).
    """

    draws: int = 10_000
    seed: int = 1
    chunk: int | None = None
    include_structural: bool = False
    land_use_error: Mapping[str, float] = field(default_factory=dict)
    land_use_basis: Mapping[str, Any] = field(default_factory=dict)
    statistics_error: float | None = None
    statistics_source: str = ""
    sobol_samples: int | None = None


#: fewer draws than this give 5 % and 95 % quantiles from a handful of values: the result says so (``few_draws``)
MIN_DRAWS_FOR_INTERVALS = 100


def _bad(key: str, zh: str, en: str, value=None, **kw):
    return problem("bad_uncertainty_setting", f"[uncertainty] {key}：{zh}", f"[uncertainty] {key}: {en}",
                   column=f"uncertainty.{key}", value=value, **kw)


def _relative_error(key: str, v, problems: list) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < float(v) <= MAX_RELATIVE_ERROR:
        problems.append(_bad(key, f"相对误差应为 (0, {MAX_RELATIVE_ERROR}] 之间的数（95 % 区间的半宽，如 0.05 = ±5 %）",
                             f"a relative error is a number in (0, {MAX_RELATIVE_ERROR}] (half-width of the 95 % "
                             "interval, e.g. 0.05 = ±5 %)", value=v,
                             **(dict(hint_zh="误差更大时需要分类误差矩阵与面积估计，而不是一个系数",
                                     hint_en="a larger error needs the error matrix and an area estimate, not a factor")
                                if key.startswith("land_use") else
                                dict(hint_zh="写成比例：±5 % 写 0.05", hint_en="write it as a share: 0.05 for ±5 %"))))
        return None
    return float(v)


def settings_from_config(config: Mapping, ecosystems, *, draws: int | None = None, seed: int | None = None,
                         **overrides) -> UncertaintySettings:
    """The settings of an uncertainty run from the ``[uncertainty]`` section, with arguments winning.

    Raises
    ------
    ConfigError
        Every bad setting at once: an error outside (0, 0.3], an error without its source, an unknown
        land-cover product, a chunk or sample size that is not a positive integer.
    """
    cfg = dict(config.get("uncertainty", {}) or {})
    cfg.update({k: v for k, v in overrides.items() if v is not None})
    problems: list = []
    ecosystems = list(map(str, ecosystems))

    def count(key: str, value, minimum: int):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            problems.append(_bad(key, f"应为不小于 {minimum} 的整数", f"must be an integer of at least {minimum}", value=value))
            return None
        return value

    n = count("draws", int(draws) if isinstance(draws, (int, np.integer)) else draws, 2) if draws is not None else 10_000
    s = seed if seed is not None else 1
    if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0:
        problems.append(_bad("seed", "应为非负整数", "must be a non-negative integer", value=s))
    chunk = cfg.get("chunk")
    chunk = None if chunk is None else count("chunk", chunk, 1)
    sobol = cfg.get("sobol_samples")
    if sobol is not None:
        sobol = count("sobol_samples", sobol, 0)
    include = cfg.get("include_structural", False)
    if not isinstance(include, bool):
        problems.append(_bad("include_structural", "应为 true 或 false", "must be true or false", value=include))

    # land use: a per-class table, an overall accuracy, or a product gep knows
    given = [k for k in ("land_use_error", "land_use_accuracy", "land_use_product") if k in cfg]
    lu_error, basis = {}, {}
    if len(given) > 1:
        problems.append(_bad(given[1], f"只能给出 {', '.join(given)} 中的一个", f"give only one of {', '.join(given)}"))
    elif given == ["land_use_product"]:
        pid = cfg["land_use_product"]
        if pid not in LAND_COVER_ACCURACY:
            problems.append(_bad("land_use_product", f"未知的土地覆盖产品 {pid!r}", f"unknown land-cover product {pid!r}",
                                 value=pid, hint_zh=f"可选：{', '.join(LAND_COVER_ACCURACY)}",
                                 hint_en=f"one of: {', '.join(LAND_COVER_ACCURACY)}"))
        else:
            prod = LAND_COVER_ACCURACY[pid]
            lu_error = class_errors(ecosystems, prod["overall_accuracy"])
            basis = {"kind": "product", "product": pid, "overall_accuracy": prod["overall_accuracy"],
                     "source": prod["source"], "note": prod["note"]}
    elif given:
        key = given[0]
        source = cfg.get("land_use_error_source")
        if not source:
            problems.append(_bad("land_use_error_source", f"给出 {key} 时须注明来源", f"{key} needs its source",
                                 hint_zh="写明精度评价报告或文献", hint_en="name the accuracy assessment or publication"))
        if key == "land_use_accuracy":
            oa = cfg[key]
            if isinstance(oa, bool) or not isinstance(oa, (int, float)) or not 1 - MAX_RELATIVE_ERROR <= oa <= 1:
                problems.append(_bad(key, f"总体精度应为 [{1 - MAX_RELATIVE_ERROR:g}, 1] 之间的比例（如 0.943）",
                                     f"an overall accuracy is a share in [{1 - MAX_RELATIVE_ERROR:g}, 1] (e.g. 0.943)",
                                     value=oa))
            else:
                lu_error = class_errors(ecosystems, oa)
                basis = {"kind": "overall_accuracy", "overall_accuracy": float(oa), "source": source}
        else:
            table = cfg[key]
            if not isinstance(table, Mapping) or not table:
                problems.append(_bad(key, "应为 {生态系统类型或类组 = 相对误差} 的表",
                                     "must be a table {ecosystem type or group = relative error}", value=table))
            else:
                types = ecosystem_types()
                for name, err in table.items():
                    e = _relative_error(f"{key}.{name}", err, problems)
                    members = [t for t, spec in types.items() if t == name or spec.group == name]
                    if not members:
                        problems.append(_bad(f"{key}.{name}", f"{name!r} 不是生态系统类型或类组",
                                             f"{name!r} is not an ecosystem type or group", value=name))
                    elif e is not None:
                        lu_error.update({t: e for t in members if t in ecosystems})
                basis = {"kind": "table", "source": source}
    stats_error = None
    if "statistics_error" in cfg:
        stats_error = _relative_error("statistics_error", cfg["statistics_error"], problems)
        if not cfg.get("statistics_error_source"):
            problems.append(_bad("statistics_error_source", "给出 statistics_error 时须注明来源或依据",
                                 "statistics_error needs its source or basis"))
    if problems:
        raise ConfigError(problems)
    return UncertaintySettings(draws=int(n), seed=int(s), chunk=chunk, include_structural=bool(include),
                               land_use_error=lu_error, land_use_basis=basis, statistics_error=stats_error,
                               statistics_source=str(cfg.get("statistics_error_source", "")),
                               sobol_samples=None if sobol is None else int(sobol))


def default_chunk(regions: int, ecosystems: int) -> int:
    """Draws per chunk: one region × ecosystem × draw array of at most :data:`CHUNK_CELLS` numbers,
    at least 100 and at most 10 000 draws (the example county, 20 regions × 16 types: 6250)."""
    return int(min(10_000, max(100, CHUNK_CELLS // max(1, regions * ecosystems))))


# --------------------------------------------------------------------------------------------- samplers
class MonteCarlo:
    """Draws ``start … stop-1`` of every quantity's own stream (independent of chunking)."""

    def __init__(self, seed: int, start: int, stop: int):
        self.seed, self.start, self.stop = seed, start, stop

    def __call__(self, u: Uncertain) -> np.ndarray:
        return ppf(u.distribution, stream_uniforms(self.seed, u.stream, self.start, self.stop), u.value, u.low, u.high)


class SaltelliDesign:
    """Base samples ``start … stop-1`` of the Saltelli design for ``groups`` (matrices A and B: own streams)."""

    def __init__(self, seed: int, groups: list[str], start: int, stop: int):
        self.seed, self.start, self.stop = seed, start, stop
        self.index = {g: i for i, g in enumerate(groups)}

    def __call__(self, u: Uncertain) -> np.ndarray | None:
        g = self.index.get(u.group)
        if g is None:
            return None
        a = stream_uniforms(self.seed, u.stream + "|sobol-A", self.start, self.stop)
        b = stream_uniforms(self.seed, u.stream + "|sobol-B", self.start, self.stop)
        return ppf(u.distribution, saltelli_column(a, b, g, len(self.index)), u.value, u.low, u.high)


class StructuralEnds:
    """Two draws per structural row: its ``low``, then its ``high``; every other quantity at its value."""

    def __init__(self, streams: list[str]):
        self.position = {s: i for i, s in enumerate(streams)}
        self.n = 2 * len(streams)

    def __call__(self, u: Uncertain) -> np.ndarray | None:
        k = self.position.get(u.stream)
        if k is None:
            return None
        out = np.full(self.n, u.value, dtype=float)
        out[2 * k], out[2 * k + 1] = u.low, u.high
        return out


# --------------------------------------------------------------------------------------------- running
class _Runner:
    """Executes the account's plan in draw mode, chunk by chunk."""

    def __init__(self, account, settings: UncertaintySettings):
        plan = account.plan()
        self.account, self.plan, self.settings = account, plan, settings
        self.ctx = plan.context
        self.services = list(plan.steps)
        self.methods = {sid: step.method for sid, step in plan.steps.items()}
        self.regions = list(self.ctx.regions)
        self.sampled: dict[str, tuple] = {}
        self.held: dict[str, tuple] = {}
        #: services whose value has no draw dimension in the Monte Carlo (they read nothing drawn): their value
        #: by region, computed once and repeated in later chunks and in the Sobol design
        self.constant: dict[str, np.ndarray] = {}
        #: what the services compute in draw mode that does not depend on the draws (:attr:`DrawMode.cache`)
        self.cache: dict = {}
        #: the same for a pass under method variants, one per set of variants
        self.variant_cache: dict = {}
        self.rows = row_index(self.ctx.coefficients)

    def evaluate(self, sampler, n: int, *, inputs: bool = True, include_structural: bool | None = None,
                 reuse: bool = True, methods: Mapping[str, str] | None = None) -> np.ndarray:
        """Value by service × region of ``n`` draws: array ``(n, services, regions)`` in 元.

        ``reuse``: take the services found constant so far from :attr:`constant` (and record new ones);
        a pass that draws other quantities than the Monte Carlo (the structural ends) runs everything.
        ``methods``: only these services, each under the method given (a method variant); the other
        services' columns are zero.
        """
        from .plan import execute_step

        s = self.settings
        mode = DrawMode(sampler, n, self.ctx.coefficients,
                        include_structural=s.include_structural if include_structural is None else include_structural,
                        land_use_error=s.land_use_error if inputs else None,
                        statistics_error=s.statistics_error if inputs else None, rows=self.rows,
                        cache=self.cache if methods is None else self.variant_cache.setdefault(
                            tuple(sorted(methods.items())), {}))
        params = dict(self.ctx.params)
        params.update(_coverage=[], _maps=None)
        ctx = replace(self.ctx, draws=mode, trace=[], params=params)
        out = np.zeros((n, len(self.services), len(self.regions)))
        # the constants found so far are the values of the account's own methods: a variant is computed
        reuse = reuse and methods is None
        for k, sid in enumerate(self.services):
            if methods is not None and sid not in methods:
                continue
            if reuse and sid in self.constant:
                out[:, k, :] = self.constant[sid]
                continue
            step = execute_step(ctx, sid, self.methods[sid] if methods is None else methods[sid])
            if step.problems:
                raise GepError(step.problems)
            out[:, k, :] = _by_region(step.value.data, self.regions, n)
            if reuse and "draw" not in step.value.data.dims:
                self.constant[sid] = out[0, k, :].copy()
        if methods is not None:  # a variant's draws: what it reads is not the account's sampled/held list
            return out
        for stream, rec in mode.sampled.items():
            self.sampled.setdefault(stream, rec)
        for stream, rec in mode.held.items():
            if stream not in self.sampled:
                self.held.setdefault(stream, rec)
        return out


def _by_region(da: xr.DataArray, regions: list[str], n: int) -> np.ndarray:
    """A value (region[, ecosystem][, draw]) as an array (draw, region), a value without draws repeated."""
    if "ecosystem" in da.dims:
        da = da.sum("ecosystem")
    da = da.reindex(region=regions, fill_value=0.0)
    if "draw" not in da.dims:
        return np.broadcast_to(da.values[None, :], (n, len(regions)))
    return da.transpose("draw", "region").values


def _stats(x: np.ndarray, deterministic: float | None) -> dict:
    p = np.percentile(x, PERCENTILES)
    return {"deterministic": deterministic, "mean": float(np.mean(x)), "sd": float(np.std(x, ddof=1)),
            **{f"p{q}": float(v) for q, v in zip(PERCENTILES, p)}}


def _held_reason(reason: str) -> dict:
    return {
        "no_range": {"zh": "该行没有范围（low/high/distribution）", "en": "the row has no range (low/high/distribution)"},
        "structural": {"zh": "结构性范围（已发表点值之间），单列于 structural", "en": "a structural range (between published "
                       "point values), shown apart under structural"},
        "per_pixel_lookup": {"zh": "栅格方法的逐像元查表系数，未抽样", "en": "a per-pixel lookup of a spatial method, not drawn"},
    }[reason]


@dataclass
class Uncertainty:
    """The outcome of :func:`account_uncertainty`.

    Attributes
    ----------
    year : int
    settings : UncertaintySettings
    value : xarray.DataArray
        ``(draw, service, region)`` in 元, with a ``category`` coordinate (what
        :func:`gep.decisions.appraise` reads as ``draws=``).
    deterministic : AccountResult
        The account as run.
    indicators : dict
        Indicator id -> ``{"draws": array, "unit", "label", "deterministic"}`` (indicators that depend on GEP).
    sampled, held : list of dict
        What was drawn (with its distribution) and what was used at its value (with why).
    two_mountains : list of dict
        One per Two-Mountains row gep computes: the deterministic judgement and ``p_met``.
    sensitivity : dict or None
    structural : dict
    """

    year: int
    settings: UncertaintySettings
    value: xr.DataArray
    deterministic: Any
    indicators: dict
    sampled: list
    held: list
    two_mountains: list = field(default_factory=list)
    sensitivity: dict | None = None
    structural: dict = field(default_factory=dict)
    ranges_sha256: str = ""

    # ---------------------------------------------------------------- draws
    @property
    def gep(self) -> np.ndarray:
        """GEP of every draw (元)."""
        return self.value.sum(("service", "region")).values

    def by_category(self) -> dict[str, np.ndarray]:
        cats = self.value["category"].values
        return {c: self.value.values[:, cats == c, :].sum(axis=(1, 2)) for c in CATEGORIES if (cats == c).any()}

    def interval(self, level: float = 0.90) -> tuple[float, float, float]:
        """GEP's lower end, median and upper end of the central ``level`` interval (元)."""
        tail = (1 - level) / 2 * 100
        lo, mid, hi = np.percentile(self.gep, [tail, 50, 100 - tail])
        return float(lo), float(mid), float(hi)

    # -------------------------------------------------------------- outputs
    def summary(self) -> dict:
        """The ``summary.json["uncertainty"]`` section (money in 元; keys in docs/uncertainty.md)."""
        res = self.deterministic
        det_service = res.by_service
        det_region = res.by_region
        det_cat = res.by_category
        v = self.value.values
        cats = self.value["category"].values
        by_service = {str(sid): _stats(v[:, k, :].sum(axis=1), float(det_service[sid]))
                      for k, sid in enumerate(self.value.service.values)}
        by_region = {str(r): _stats(v[:, :, j].sum(axis=1), float(det_region[r]))
                     for j, r in enumerate(self.value.region.values)}
        by_category = {c: _stats(x, float(det_cat.get(c, 0.0))) for c, x in self.by_category().items()
                       if c in set(cats)}
        s = self.settings
        out = {
            "draws": s.draws, "seed": s.seed, "chunk": s.chunk,
            "method": {"zh": "蒙特卡洛模拟（沿 draw 维逐块计算）；区间为抽样的 5 %、50 %、95 % 分位数",
                       "en": "Monte Carlo along a draw dimension, chunk by chunk; intervals are the 5 %, 50 % and 95 % "
                             "percentiles of the draws"},
            "sampled_note": SAMPLED_NOTE,
            "includes_structural": s.include_structural,
            self._total_key: _stats(self.gep, float(res.total)),  # "esv" for an account that reports ESV
            "by_category": by_category,
            "by_service": by_service,
            "by_region": by_region,
            "indicators": {k: {"unit": d["unit"], "label": d["label"], **_stats(d["draws"], d["deterministic"])}
                           for k, d in self.indicators.items()},
            "two_mountains": self.two_mountains,
            "sensitivity": self.sensitivity,
            "structural": self.structural,
            "sampled": self.sampled,
            "inputs": {"land_use": {"relative_error": dict(s.land_use_error), **dict(s.land_use_basis)}
                       if s.land_use_error else None,
                       "statistics": {"relative_error": s.statistics_error, "source": s.statistics_source}
                       if s.statistics_error else None},
            "held": {"count": len(self.held), "keys": sorted({h["key"] for h in self.held}),
                     "by_reason": {r: sum(1 for h in self.held if h["reason"] == r)
                                   for r in sorted({h["reason"] for h in self.held})}},
            "coefficients_ranges_sha256": self.ranges_sha256,
        }
        return out

    @property
    def _total_key(self) -> str:
        """The key of the total in :meth:`summary`: ``"gep"``, or ``"esv"`` for an account that reports ESV (as the
        total of ``summary.json``, :func:`gep.io.summary.total_key`)."""
        return "esv" if self.deterministic.measure == "ESV" else "gep"

    def _in_measure(self, text: str) -> str:
        """``text`` with GEP as the account's measure: ESV (生态系统服务价值) for an account with supporting services
        (:func:`gep.io.summary.in_measure`)."""
        from ..io.summary import in_measure

        return in_measure(text, self.deterministic.measure)

    def table(self) -> pd.DataFrame:
        """GEP, categories, services, regions and indicators: deterministic value, mean and percentiles."""
        s = self.summary()
        res = self.deterministic
        m = self._in_measure  # an ESV account's labels say ESV (生态系统服务价值), never GEP
        rows = [{"level": "gep", "item": m("GEP"), "label_zh": m("生态系统生产总值"), "label_en": m("GEP"), "unit": "元",
                 **s[self._total_key]}]
        for c, rec in s["by_category"].items():
            rows.append({"level": "category", "item": c, "label_zh": CATEGORIES[c]["zh"], "label_en": CATEGORIES[c]["en"],
                         "unit": "元", **rec})
        for sid, rec in s["by_service"].items():
            rows.append({"level": "service", "item": sid, "label_zh": res.services.at[sid, "label_zh"],
                         "label_en": res.services.at[sid, "label_en"], "unit": "元", **rec})
        for r, rec in s["by_region"].items():
            rows.append({"level": "region", "item": r, "label_zh": res.regions.at[r, "name_zh"],
                         "label_en": res.regions.at[r, "name_en"], "unit": "元", **rec})
        for k, rec in s["indicators"].items():
            rows.append({"level": "indicator", "item": k, "label_zh": m(rec["label"]["zh"]), "label_en": m(rec["label"]["en"]),
                         **{kk: vv for kk, vv in rec.items() if kk != "label"}})
        return pd.DataFrame(rows)

    def sheet(self) -> tuple[pd.DataFrame, list[str]]:
        """The workbook sheet: intervals (money in 亿元), with notes on what was drawn."""
        t = self.table()
        money = t["unit"] == "元"
        frame = pd.DataFrame({
            "层级 Level": t["level"], "项目 Item": t["item"], "名称": t["label_zh"], "Name": t["label_en"],
            "单位 Unit": np.where(money, "亿元", t["unit"]),
        })
        for col, head in (("deterministic", "确定性结果 Deterministic"), ("mean", "均值 Mean"), ("sd", "标准差 SD"),
                          ("p5", "5 %"), ("p50", "中位数 Median"), ("p95", "95 %")):
            frame[head] = np.where(money, t[col].astype(float) / 1e8, t[col].astype(float))
        frame = pd.concat([frame, *self._structural_rows()], ignore_index=True)
        frame = frame.rename(columns=self._in_measure)
        s = self.settings
        notes = [f"{self.year} 年蒙特卡洛 {s.draws} 次抽样（种子 {s.seed}）/ Monte Carlo, {s.draws} draws, seed {s.seed}",
                 SAMPLED_NOTE["zh"] + " / " + SAMPLED_NOTE["en"],
                 f"抽样的系数行 sampled rows: {len(self.sampled)}; 按数值使用的系数行 rows used at their value: {len(self.held)}"]
        if s.include_structural:
            notes.append("⚠ 本次抽样包含结构性范围（已发表点值之间，均匀分布），区间不只是参数不确定性 / the draws include "
                         "structural ranges (between published point values, drawn uniformly): the intervals are not "
                         "parametric uncertainty alone")
        if any(r.get("status") == "illustrative" for r in self.sampled):
            notes.append("⚠ 部分范围为示意值 / some ranges are illustrative")
        notes.append("层级 two_mountains：“两山”指标在各次抽样中按同一规则判定，达标概率 = 达标的抽样比例 / each Two-Mountains "
                     "row judged in every draw by its own rule, P(met) = the share of draws meeting it; 层级 method_variant："
                     "每次只换一项服务的已发表方法变体，同一组抽样下 GEP 的区间（结构性差异，不是概率）/ GEP under each published "
                     "method variant, one service at a time, on the same draws (a structural spread, not a probability); "
                     "层级 structural_range：已发表点值之间范围两端的 GEP（一次一行）/ GEP at each end of a range between "
                     "published values (one row at a time)")
        return frame, [self._in_measure(n) for n in notes]

    def _structural_rows(self) -> list[pd.DataFrame]:
        """Rows of the sheet after the intervals: P(met) of the Two-Mountains rows, GEP under every method
        variant (with its interval), GEP at the ends of every structural range (亿元)."""
        blocks = []
        tm = [r for r in self.two_mountains]
        if tm:
            blocks.append(pd.DataFrame({
                "层级 Level": "two_mountains", "项目 Item": [f"表1-{r['no']}" for r in tm],
                "名称": [r["indicator_zh"] for r in tm], "Name": [r["indicator_en"] for r in tm],
                "单位 Unit": [r["unit"] for r in tm], "确定性结果 Deterministic": [r["value"] for r in tm],
                "目标 Target": [r["target_text"] for r in tm],
                "达标 Met": [{True: "✓", False: "✗", None: "—"}[r["met"]] for r in tm],
                "达标概率 P(met)": [r["p_met"] for r in tm],
                "说明 Note": ["" if r["p_met"] is not None else f"{r['reason']['zh']} / {r['reason']['en']}" for r in tm]}))
        mv = (self.structural or {}).get("method_variants") or {}
        rows = []
        for sid, by_method in (mv.get("intervals") or {}).items():
            svc = get_service(sid)
            for method, st in by_method.items():
                label = svc.method(method).label
                chosen = method == str(self.deterministic.services.at[sid, "method"])
                note = "本次核算所用方法 the account's method" if chosen else \
                    self._in_measure("GEP 在此变体下 GEP under this variant")
                if "p5" not in st:
                    note = f"未能在抽样上计算 not computed on the draws: {st['reason']['zh']} / {st['reason']['en']}"
                rows.append({"层级 Level": "method_variant", "项目 Item": f"{sid}:{method}",
                             "名称": f"{svc.label['zh']}：{label['zh']}", "Name": f"{svc.label['en']}: {label['en']}",
                             "单位 Unit": "亿元", **{head: st[col] / 1e8 for col, head in (
                                 ("deterministic", "确定性结果 Deterministic"), ("mean", "均值 Mean"),
                                 ("sd", "标准差 SD"), ("p5", "5 %"), ("p50", "中位数 Median"), ("p95", "95 %"))
                                 if col in st},
                             "说明 Note": note})
        if rows:
            blocks.append(pd.DataFrame(rows))
        ranges = (self.structural or {}).get("ranges") or []
        if ranges:
            blocks.append(pd.DataFrame({
                "层级 Level": "structural_range", "项目 Item": [r["key"] for r in ranges],
                "名称": [f"{r['key']} {r['low']:g} – {r['high']:g} {r['unit']}" for r in ranges],
                "Name": [f"{r['ecosystem']} / {r['region']} ({r['set']})" for r in ranges],
                "单位 Unit": "亿元", "确定性结果 Deterministic": self.deterministic.total / 1e8,
                "GEP 低端 at low": [r["gep_at_low"] / 1e8 for r in ranges],
                "GEP 高端 at high": [r["gep_at_high"] / 1e8 for r in ranges],
                "说明 Note": [r["range_note"] for r in ranges]}))
        return blocks

    def sensitivity_sheet(self) -> tuple[pd.DataFrame, list[str]] | None:
        sens = self.sensitivity
        if not sens or sens.get("status") != "ok":
            return None
        frame = pd.DataFrame([{"组 Group": g["group"], "行数 Rows": g["rows"], "一阶 S1": g["S1"], "S1 ±": g["S1_conf"],
                               "总效应 ST": g["ST"], "ST ±": g["ST_conf"]} for g in sens["groups"]])
        notes = [f"GEP 的 Sobol 指数（Saltelli 2010 与 Jansen 估计量），{sens['base_samples']} 个基样本、{sens['evaluations']} 次计算 / "
                 f"Sobol indices of GEP (Saltelli 2010 and Jansen estimators), {sens['base_samples']} base samples, "
                 f"{sens['evaluations']} evaluations",
                 "每个系数键的所有行为一组（按生态系统、地区的各行一起）/ every coefficient key is one group (all its rows "
                 "by ecosystem and region together); ± = 95 % 置信区间半宽 half-width of the 95 % confidence interval"]
        return frame, [self._in_measure(n) for n in notes]

    def console_rows(self) -> list[dict]:
        t = self.table()
        t = t[t["level"].isin(["gep", "category", "service"])]
        return [{"项目 Item": f"{r['label_zh']} {r['label_en']}", "确定性 Det. (亿元)": f"{r['deterministic'] / 1e8:,.2f}",
                 "5 %": f"{r['p5'] / 1e8:,.2f}", "50 %": f"{r['p50'] / 1e8:,.2f}", "95 %": f"{r['p95'] / 1e8:,.2f}"}
                for _, r in t.iterrows()]

    def attach(self, result) -> Any:
        """Add the analysis to ``result``'s summary, workbook and console output.

        When nothing was drawn (no coefficient row with a range, no input error in ``[uncertainty]``) the
        intervals have no width; the result says so in a warning, so that a zero-width interval is never
        read as a certain figure.
        """
        s = self.settings
        if not self.sampled and not s.land_use_error and not s.statistics_error and not any(
                w.code == "nothing_drawn" for w in result.warnings):
            from ..errors import problem

            result.warnings.append(problem(
                "nothing_drawn",
                "--uncertainty：没有任何抽样对象（系数行没有 low/high 范围，[uncertainty] 也没有输入误差），区间宽度为零，"
                "这不表示结果没有不确定性",
                "--uncertainty: nothing was drawn (no coefficient row has a low/high range and [uncertainty] gives "
                "no input error): the intervals have no width, which does not mean the figures are certain",
                hint_zh="在系数集中为主要系数填写有来源的 low/high/distribution，或在 [uncertainty] 中给出分类精度与统计误差"
                        "（见 docs/uncertainty.md）",
                hint_en="give sourced low/high/distribution to the main coefficient rows, or land-use accuracy and "
                        "statistics error in [uncertainty] (docs/uncertainty.md)"))
        if s.draws < MIN_DRAWS_FOR_INTERVALS and not any(w.code == "few_draws" for w in result.warnings):
            from ..errors import problem

            result.warnings.append(problem(
                "few_draws", f"--uncertainty {s.draws}：{s.draws} 次抽样不足以估计 5 %–95 % 区间（至少需要 "
                f"{MIN_DRAWS_FOR_INTERVALS} 次），区间与达标概率只是粗略示意",
                f"--uncertainty {s.draws}: {s.draws} draws cannot estimate a 5 %–95 % interval (it needs at least "
                f"{MIN_DRAWS_FOR_INTERVALS}): the intervals and the probabilities of meeting targets are rough",
                value=s.draws, hint_zh="正式结果用 --uncertainty 10000（默认）", hint_en="use --uncertainty 10000 "
                "(the default) for figures to publish"))
        result.extra.setdefault("summary_sections", {})["uncertainty"] = self.summary()
        sheets = result.extra.setdefault("report_sheets", {})
        sheets[SHEET_TITLE] = self.sheet()
        sens = self.sensitivity_sheet()
        if sens is not None:
            sheets[SENSITIVITY_SHEET_TITLE] = sens
        lo, mid, hi = self.interval()
        m = self._in_measure
        result.extra.setdefault("console_tables", {})[m(
            f"不确定性 Uncertainty {self.year}: GEP 90 % 区间 interval {lo / 1e8:,.2f} – {hi / 1e8:,.2f} 亿元 "
            f"({self.settings.draws} draws, seed {self.settings.seed})")] = self.console_rows()
        variants = self.variant_console_rows()
        if variants:
            result.extra["console_tables"][m(
                f"方法变体下的 GEP 及其 90 % 区间 GEP under each method variant and its 90 % interval {self.year} "
                "(亿元; 结构性差异，不是概率 a structural spread, not a probability)")] = variants
        result.extra["uncertainty"] = self
        return result

    def variant_console_rows(self) -> list[dict]:
        """GEP under each published method variant with its 90 % interval (亿元), for the command line."""
        mv = (self.structural or {}).get("method_variants") or {}
        out = []
        for sid, by_method in (mv.get("intervals") or {}).items():
            chosen = str(self.deterministic.services.at[sid, "method"])
            for method, st in by_method.items():
                ok = "p5" in st
                out.append({"服务 Service": get_service(sid).label["zh"],
                            "方法 Method": method + (" ✓" if method == chosen else ""),
                            self._in_measure("GEP (亿元)"): f"{st['deterministic'] / 1e8:,.2f}",
                            "5 %": f"{st['p5'] / 1e8:,.2f}" if ok else "—",
                            "95 %": f"{st['p95'] / 1e8:,.2f}" if ok else f"— {st['reason']['en']}"})
        return out


# ------------------------------------------------------------------------------------------ the analysis
def account_uncertainty(account, draws: int = 10_000, seed: int = 1, *, result=None, chunk: int | None = None,
                        include_structural: bool | None = None, sobol_samples: int | None = None,
                        land_use_accuracy: float | None = None, land_use_product: str | None = None,
                        land_use_error: Mapping | None = None, land_use_error_source: str | None = None,
                        statistics_error: float | None = None, statistics_error_source: str | None = None,
                        variants: bool = True, workers: int = 1) -> Uncertainty:
    """Intervals, target probabilities, Sobol indices and structural spreads of an account.

    Parameters
    ----------
    account : gep.Account
    draws : int
        Monte Carlo draws (``gep run --uncertainty N``).
    seed : int
        The same seed gives bit-identical draws, whatever ``chunk``.
    result : AccountResult, optional
        The account's result when it has been run already.
    chunk, include_structural, sobol_samples, land_use_accuracy, land_use_product, land_use_error,
    land_use_error_source, statistics_error, statistics_error_source
        Override the ``[uncertainty]`` section of the config (see :class:`UncertaintySettings`).
    variants : bool
        Also account every published method variant (the structural spread of methods).
    workers : int
        ``2``: the Sobol design is evaluated in a second process while this one computes the structural
        spreads (:func:`gep.io.two_cores.second_process`; ``gep run --uncertainty`` asks for it when two
        cores are free). The same numbers as one process: every draw comes from its own seeded stream.

    Returns
    -------
    Uncertainty
    """
    plan = account.plan()
    if plan.problems:
        from .inputs import _most_specific

        raise _most_specific(plan.problems)
    areas = plan.context.areas
    ecosystems = [] if areas is None else [str(e) for e, a in zip(areas.ecosystem.values, abs(areas).sum("region").values)
                                           if a > 0]
    settings = settings_from_config(account.config, ecosystems, draws=draws, seed=seed, chunk=chunk,
                                    include_structural=include_structural, sobol_samples=sobol_samples,
                                    land_use_accuracy=land_use_accuracy, land_use_product=land_use_product,
                                    land_use_error=land_use_error, land_use_error_source=land_use_error_source,
                                    statistics_error=statistics_error,
                                    statistics_error_source=statistics_error_source)
    if settings.chunk is None:
        grid = 1 if areas is None else areas.sizes["ecosystem"]
        settings = replace(settings, chunk=default_chunk(len(plan.context.regions), grid))
    runner = _Runner(account, settings)
    result = result if result is not None else account.run()

    n, chunk = settings.draws, settings.chunk
    values = np.empty((n, len(runner.services), len(runner.regions)))
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        values[start:stop] = runner.evaluate(MonteCarlo(settings.seed, start, stop), stop - start)
    cats = [get_service(sid).category for sid in runner.services]
    value = xr.DataArray(values, dims=("draw", "service", "region"),
                         coords={"draw": np.arange(n), "service": runner.services, "region": runner.regions,
                                 "category": ("service", cats)},
                         attrs={"units": "元", "long_name": "GEP by service and region, Monte Carlo draws"})

    sampled = [_sampled_record(u, rec) for u, rec in runner.sampled.values()]
    held = [{**rec, "reason": reason, "reason_label": _held_reason(reason)}
            for u, rec, reason in runner.held.values()]
    unc = Uncertainty(year=account.year, settings=settings, value=value, deterministic=result, indicators={},
                      sampled=sampled, held=held, ranges_sha256=runner.ctx.coefficients.ranges_sha256)
    unc.indicators = _indicator_draws(runner, unc)
    unc.two_mountains = _two_mountains(runner, unc)
    structural = [(u, rec) for u, rec, reason in runner.held.values() if reason == "structural"]
    sensitivity = partial(_sensitivity, runner, settings, list(runner.sampled.values()))
    from ..io.two_cores import second_process

    # the Sobol design on the second core, when asked and worth it, beside the structural spreads here: neither reads
    # what the other computes (runner.constant, filled by the Monte Carlo above, is only read)
    worth_it = workers > 1 and settings.sobol_samples != 0 and bool(runner.sampled)
    with second_process(sensitivity if worth_it else None, "gep-sensitivity") as later:
        unc.structural = _structural(runner, unc, result, structural, variants)
        unc.sensitivity = later.result() if later is not None else sensitivity()
    return unc


def _sampled_record(u: Uncertain, rec: dict) -> dict:
    out = {"kind": u.kind, "group": u.group, "distribution": u.distribution, "low": u.low, "high": u.high,
           "value": u.value}
    out.update({k: v for k, v in rec.items() if k not in out})
    return out


def _indicator_draws(runner: _Runner, unc: Uncertainty) -> dict:
    """The indicators computed from GEP, in every draw."""
    from .plan import indicators_of

    by_cat = unc.by_category()
    ind, _ = indicators_of(runner.account, runner.plan.inputs, runner.ctx, unc.gep, by_cat)
    out = {}
    det = runner.plan.indicators
    for k, entry in ind.items():
        v = entry.get("value")
        if isinstance(v, np.ndarray) and v.shape == unc.gep.shape:
            out[k] = {"draws": v, "unit": entry["unit"], "label": entry["label"],
                      "deterministic": (det.get(k) or {}).get("value")}
    return out


def _two_mountains(runner: _Runner, unc: Uncertainty) -> list[dict]:
    """Each Two-Mountains row gep computes, judged in every draw: the share of draws meeting its target.

    Judged as the account's table was (:func:`gep.indicators.two_mountains.judge_row`), with the same
    reference: a row judged against the previous year (a multi-year run) keeps that year's value as accounted.
    """
    tm = unc.deterministic.extra.get("two_mountains")
    tm = runner.plan.two_mountains if tm is None else tm
    table = runner.plan.inputs.get("two_mountains")
    if tm is None or table is None:
        return []
    from ..indicators.two_mountains import judge_row
    from ..io.two_mountains import COMPUTED_BY, GEP_VALUES
    from .plan import plan_measure, table_for_year

    esv = plan_measure(runner.plan) != "GEP"  # an ESV account gives no GEP value to the table (GEP_VALUES)
    draws = {k: d["draws"] for k, d in unc.indicators.items() if k in COMPUTED_BY and not (esv and k in GEP_VALUES)}
    rows = table_for_year(table, runner.account.year)
    out = []
    for r in rows.to_dict("records"):
        cb = r["computed_by"]
        if r["direction"] == "qualitative" or not cb or cb not in draws:
            continue
        det = tm[tm["no"] == int(r["no"])].iloc[0]
        prev = float(det["reference"]) if det["reference_kind"] == "previous" else None
        verdicts = [judge_row(r, float(x), prev, 1e-9)[0] for x in draws[cb]]
        judged = [v for v in verdicts if v is not None]
        p = None if len(judged) < len(verdicts) else float(np.mean(verdicts))
        out.append({"no": int(r["no"]), "indicator_zh": r["indicator_zh"], "indicator_en": r["indicator_en"],
                    "unit": r["unit"], "target_text": r["target_text"], "direction": r["direction"],
                    "computed_by": cb, "value": None if det["value"] is None else float(det["value"]),
                    "met": None if det["met"] is None else bool(det["met"]), "p_met": p,
                    "reason": None if p is not None else {"zh": det["reason_zh"], "en": det["reason_en"]}})
    return out


def _sensitivity(runner: _Runner, settings: UncertaintySettings, sampled: list) -> dict:
    """First- and total-order Sobol indices of GEP by group (coefficient key, land use, statistics)."""
    groups = sorted({u.group for u, _ in sampled})
    rows_in = {g: sum(1 for u, _ in sampled if u.group == g) for g in groups}
    base = {"method": "Sobol (Saltelli 2010 first-order and Jansen total-order estimators, as SALib's sobol.analyze; "
                      "no second order)",
            "grouping": {"zh": "每个系数键为一组（该键按生态系统、地区的所有行一起抽样变化）；土地利用面积、统计数据各为一组",
                         "en": "one group per coefficient key (all its rows, by ecosystem and region, varied together); "
                               "the land-use areas and the statistics rows are one group each"}}
    if settings.sobol_samples == 0:
        return {**base, "status": "not_computed", "reason": {"zh": "sobol_samples = 0", "en": "sobol_samples = 0"}}
    if not groups:
        return {**base, "status": "not_computed", "reason": {"zh": "没有抽样的输入", "en": "nothing was drawn"}}
    n_groups = len(groups)
    n_base = settings.sobol_samples or max(MIN_SOBOL_SAMPLES, settings.draws // (2 * (n_groups + 2)))
    per_chunk = max(1, settings.chunk // (n_groups + 2))
    y = []
    for start in range(0, n_base, per_chunk):
        stop = min(start + per_chunk, n_base)
        design = SaltelliDesign(settings.seed, groups, start, stop)
        y.append(runner.evaluate(design, saltelli_size(stop - start, n_groups)).sum(axis=(1, 2)))
    si = sobol_indices(np.concatenate(y), n_groups, seed=settings.seed)
    rows = [{"group": g, "rows": rows_in[g], "S1": float(si["S1"][i]), "S1_conf": float(si["S1_conf"][i]),
             "ST": float(si["ST"][i]), "ST_conf": float(si["ST_conf"][i])} for i, g in enumerate(groups)]
    rows.sort(key=lambda r: -r["ST"])
    return {**base, "status": "ok", "base_samples": n_base, "evaluations": saltelli_size(n_base, n_groups),
            "groups": rows}


def _structural(runner: _Runner, unc: Uncertainty, result, rows: list, variants: bool) -> dict:
    """GEP at each end of every structural range (one at a time), and under every published method variant."""
    out: dict = {"note": {"zh": "结构性差异：已发表点值之间的范围与已发表的方法变体；不是概率分布，不计入区间（除非 include_structural）",
                          "en": "structural spread: ranges between published point values and published method "
                                "variants; not a probability distribution and not in the intervals (unless "
                                "include_structural)"},
                 "ranges": [], "method_variants": None}
    if rows:
        ends = StructuralEnds([u.stream for u, _ in rows])
        gep = runner.evaluate(ends, ends.n, inputs=False, include_structural=True, reuse=False).sum(axis=(1, 2))
        for k, (u, rec) in enumerate(rows):
            out["ranges"].append({"key": rec["key"], "ecosystem": rec["ecosystem"], "region": rec["region"],
                                  "set": rec["set"], "value": u.value, "low": u.low, "high": u.high, "unit": rec["unit"],
                                  "range_source": rec["range_source"], "range_note": rec["range_note"],
                                  "gep_at_low": float(gep[2 * k]), "gep_at_high": float(gep[2 * k + 1])})
    if variants:
        from .methods import compare_methods

        cmp = result.extra.get("method_variants") or compare_methods(runner.account, result)
        geps = {}
        for r in cmp.rows:
            if r["status"] == "ok":
                geps.setdefault(r["service"], {})[r["method"]] = r["gep"]
        all_geps = [g for s in geps.values() for g in s.values()]
        out["method_variants"] = {"gep_min": min(all_geps) if all_geps else None,
                                  "gep_max": max(all_geps) if all_geps else None, "by_service": geps,
                                  "intervals": _variant_intervals(runner, unc, geps)}
    return out


def _variant_intervals(runner: _Runner, unc: Uncertainty, geps: dict) -> dict:
    """GEP's 5/50/95 % under every published method variant, on the draws of the Monte Carlo.

    One service at a time, as :func:`gep.account.methods.compare_methods` does: in draw :math:`k`,
    GEP under variant :math:`v` of service :math:`s` is :math:`G_k - V_{s,k} + V^{v}_{s,k}`, with the
    same draws of every coefficient (the same streams: common random numbers), so the intervals of two
    variants differ by the method alone. Returns ``{service: {method: {"deterministic", "mean", "sd",
    "p5", "p50", "p95"}}}`` in 元; the account's own method is the Monte Carlo itself.
    """
    s = unc.settings
    gep = unc.gep
    out: dict = {}
    for sid, by_method in geps.items():
        k = runner.services.index(sid)
        chosen_draws = unc.value.values[:, k, :].sum(axis=1)
        out[sid] = {}
        for method, det in by_method.items():
            if method == runner.methods[sid]:
                out[sid][method] = _stats(gep, det)
                continue
            variant = np.empty(s.draws)
            try:
                for start in range(0, s.draws, s.chunk):
                    stop = min(start + s.chunk, s.draws)
                    v = runner.evaluate(MonteCarlo(s.seed, start, stop), stop - start, methods={sid: method})
                    variant[start:stop] = v[:, k, :].sum(axis=1)
            except GepError as exc:  # the variant ran at the values but not on the draws: say why, no numbers
                first = exc.problems[0]
                out[sid][method] = {"deterministic": det, "status": "not_computed",
                                    "reason": {"zh": first.zh, "en": first.en}}
                continue
            out[sid][method] = _stats(gep - chosen_draws + variant, det)
    return out

"""Accounts over several years: one result with a ``year`` dimension, and why GEP changed.

A multi-year account is the same config run for each year. Inputs that change
by year are given either with a ``{year}`` placeholder in their path
(``land_use = "land_use_{year}.csv"``) or in a ``[years.<year>]`` table that
overrides ``[inputs]`` for that year::

    [account]
    years = [2020, 2021]         # or: gep run CONFIG --years 2020-2021
    prices = "constant:2020"     # compare at constant prices

    [years.2020]
    land_use = "land_use_2020.csv"
    statistics = "statistics_2020.csv"

:meth:`MultiYearResult.compare` splits the change of every service × region
cell into additive effects (Shapley decomposition, :mod:`gep.compute.decomposition`):

* with land use by ecosystem (a physical quantity per ecosystem type):
  ``area`` (ecosystem area and structure), ``intensity`` (physical quantity
  per hm²) and ``price`` (value per unit of physical quantity);
* otherwise ``quantity`` and ``price``.

The effects of each cell add up to its change exactly (to rounding), and so
do their sums by service, category, region and in total.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ..compute.decomposition import shapley, shapley3
from ..errors import ConfigError, problem
from ..io.summary import rows_by_label
from .account import Account
from .config import YEAR_SPECIFIC_LAYERS, for_year, load_config, year_inputs
from .result import AccountResult

__all__ = ["MultiYearResult", "run_years", "parse_years", "compare_results", "decompose"]

#: computed Two-Mountains indicators that are money (compared across years in the same prices)
MONEY_INDICATORS = {"gep_per_area"}


def parse_years(text: str | list | tuple) -> list[int]:
    """``"2019-2023"`` / ``"2019,2021"`` / ``[2019, 2021]`` -> sorted list of years."""
    if isinstance(text, (list, tuple)):
        years = [int(y) for y in text]
    else:
        years = []
        for part in str(text).split(","):
            part = part.strip()
            m = re.fullmatch(r"(\d{4})\s*[-–:]\s*(\d{4})", part)
            if m:
                a, b = int(m.group(1)), int(m.group(2))
                if b < a:
                    raise ConfigError(problem("bad_years", f"年份范围 {part} 颠倒", f"year range {part} is reversed",
                                              value=part))
                years += list(range(a, b + 1))
            elif re.fullmatch(r"\d{4}", part):
                years.append(int(part))
            else:
                raise ConfigError(problem("bad_years", f"无法解析年份 {part!r}（应如 2019-2023 或 2019,2021）",
                                          f"cannot read years {part!r} (use 2019-2023 or 2019,2021)", value=part))
    return sorted(set(years))


def run_years(config: str | Path, years=None, *, maps: bool = False, official: bool = False,
              progress=None, workers: int = 1,
              write_year: Callable[[AccountResult], dict] | None = None) -> "MultiYearResult":
    """Run a config for several years (``years`` or ``[account] years``).

    ``maps=True`` keeps the per-pixel maps of the spatial methods of the
    latest year (``AccountResult.write_maps``, ``gep run --years … --maps``).
    ``progress(year, done, total)`` is called as each year starts (a progress bar).
    ``workers=2`` checks, runs and links the earlier half of the years in a second process
    (:mod:`gep.io.two_cores`; ``gep run --years`` asks for it), which hands back their
    problems and results: the same figures, problems and order as one process. Each
    process links its own years to each other (a year's link reads the year before only
    as it was run); this one then links the two halves.

    ``write_year(result)`` (``gep run --years`` gives it) writes the output set of one
    year and returns what it wrote: it is called for every year but the latest, once that
    year is linked, by the process that ran it. The second process writes the sets of its
    years after handing back its results, while this one writes its own; what was written
    is :meth:`MultiYearResult.written_sets` (which waits for the second process). A process
    writes nothing when one of its years has a problem, but this one may have written sets of its
    years before it learns of a problem of the other half, which is then raised: write into a
    staging folder that replaces the outputs only on success, as ``gep run`` does
    (:class:`gep.io.safe_write.OutputFolder`).
    """
    from ..io.two_cores import start_second_process

    accounts = year_accounts(config, years, maps=maps, official=official)
    keys = list(accounts)
    all_years = sorted({y for y, _ in keys})
    theirs = [k for k in keys if k[0] in all_years[:len(all_years) // 2]] if workers > 1 else []
    second = start_second_process(partial(_their_years, accounts, theirs, write_year), "gep-years",
                                  hands_over=True) if theirs else None
    try:
        mine = keys if second is None else [k for k in keys if k not in theirs]
        validated, ran = _check_run_and_link(accounts, mine, progress)
        # this process's years whose links are complete: all but the first when the second process ran the
        # years before it (its link waits for theirs), and never the latest (its set is the caller's)
        first_mine = min(y for y, _ in mine) if second is not None else None
        written = {y: write_year(ran[(y, "as_run")])
                   for y in sorted({y for y, _ in mine}) if y not in (first_mine, all_years[-1])} \
            if write_year is not None and ran else {}
        if second is not None:
            their_problems, their_results = second.handed_over()
            validated.update(their_problems)
            ran.update(their_results)
        problems = accounts.problems(validated)
        if problems:
            from .inputs import _most_specific

            raise _most_specific(problems)
        multi = _multi_year(accounts, keys, ran)
        if second is not None:  # the one link across the halves
            multi.link_years([(all_years[len(all_years) // 2 - 1], first_mine)])
            if write_year is not None and first_mine != all_years[-1]:
                written[first_mine] = write_year(multi[first_mine])
            if write_year is None:
                second.result()  # it wrote nothing: it has ended
                second = None
    except BaseException:
        if second is not None:
            second.stop()
        raise
    multi._written, multi._writing = written, second
    return multi


def _their_years(accounts: YearAccounts, keys: list, write_year, hand_over) -> dict:
    """The second process's part of :func:`run_years`: check, run and link ``keys``, hand back their problems
    and results, then write the sets of their years (none when one has a problem). What it wrote, by year."""
    validated, ran = _check_run_and_link(accounts, keys)
    hand_over((validated, ran))
    if write_year is None or not ran:
        return {}
    return {y: write_year(ran[(y, "as_run")]) for y in sorted({y for y, _ in keys})}


def _multi_year(accounts: YearAccounts, keys: list, ran: dict) -> "MultiYearResult":
    """The results of ``keys`` as one :class:`MultiYearResult` (not linked)."""
    results, constant = {}, {}
    for (y, kind) in keys:
        (results if kind == "as_run" else constant)[y] = ran[(y, kind)]
    return MultiYearResult(results, constant=constant or None, reused=dict(accounts.reused), accounts=accounts)


def _check_run_and_link(accounts: YearAccounts, keys: list, progress=None) -> tuple[dict, dict]:
    """:func:`_check_and_run` for ``keys``, then each year of them that reused inputs says so, and each is
    linked to the year before when that year is among them. A second process does this for its years."""
    validated, ran = _check_and_run(accounts, keys, progress)
    if ran:
        for (y, kind), res in ran.items():
            if kind == "as_run" and accounts.reused.get(y):
                res.extra.setdefault("summary_sections", {})["inputs_reused"] = dict(accounts.reused[y])
                res.warnings.append(_reuse_warning(y, accounts.reused[y]))
        _multi_year(accounts, keys, ran).link_years()
    return validated, ran


def _check_and_run(accounts: YearAccounts, keys: list, progress=None) -> tuple[dict, dict]:
    """The problems of the accounts ``keys`` (each account's own list), and their results when no year has a
    problem (none otherwise: :func:`run_years` then raises them all)."""
    validated = {k: list(accounts[k].validate()) for k in keys}
    ran = {}
    if not accounts.year_problems and not any(validated.values()):
        for i, k in enumerate(keys):
            if progress is not None:  # one step per account run (each year, and each year at constant prices)
                progress(k[0], i, len(keys))
            ran[k] = accounts[k].run()
    return validated, ran


class YearAccounts(dict):
    """The accounts of a multi-year run, keyed ``(year, "as_run" | "constant")``, with the year-input checks."""

    year_problems: list
    reused: dict
    base_year: int | None = None
    declared_reuse: dict | None = None

    def problems(self, validated: dict | None = None) -> list:
        """Every problem of every year (each marked with its year), the year-input checks first.

        ``validated`` holds each account's own problems when they were found already
        (``{(year, kind): [Problem, …]}``, some by a second process): they are then not looked for again.
        """
        out = list(self.year_problems) + self.repeated_inputs()
        seen = set()
        for (year, kind), acct in self.items():
            for p in (validated[(year, kind)] if validated is not None else acct.validate()):
                key = (p.code, p.file, p.row, p.column, str(p.value), p.en)
                if kind == "constant" and key in seen:
                    continue  # the constant-price run repeats the problems of its year
                seen.add(key)
                out.append(_with_year(p, year))
        return out

    def warnings(self) -> list:
        return [_with_year(w, y) for (y, kind), acct in self.items() if kind == "as_run" for w in acct.plan().warnings]

    def repeated_inputs(self) -> list:
        """A year whose land use (table or raster), statistics, economy table or weather or growth raster
        (:data:`gep.account.config.YEAR_SPECIFIC_LAYERS`) is byte for byte another year's, not declared reused.

        Naming last year's file again in ``[years.<year>]`` (a copy-paste slip), or a copy of it, repeats that
        year's data as silently as giving none (``year_without_inputs``): the change between the two years is then
        booked as a price change. ``[years.<year>] reuse`` says it is meant. A statistics table whose rows carry a
        ``year`` is shared by every year on purpose: each account takes its own rows.
        """
        from ..io.filecache import file_digest

        first: dict[tuple[str, str], tuple[int, Path]] = {}
        out = []
        # an input a year does not have of its own is a problem already (year_without_inputs)
        missing = {(p.column, p.value) for p in self.year_problems if p.code == "year_without_inputs"}
        for (year, kind), acct in sorted(self.items()):
            if kind != "as_run":
                continue
            for key in ("land_use", "statistics", "economy", "rasters.land_use",
                        *(f"rasters.{layer}" for layer in YEAR_SPECIFIC_LAYERS)):
                value = ((acct.config.get("rasters") or {}).get(key.split(".")[-1]) if key.startswith("rasters.")
                         else (acct.config.get("inputs") or {}).get(key))
                declared = (getattr(self, "declared_reuse", None) or {}).get(year)
                if not isinstance(value, (str, Path)) or key in (self.reused.get(year) or {}) \
                        or (f"years.{year}", key) in missing \
                        or (isinstance(declared, int) and not isinstance(declared, bool)) \
                        or (isinstance(declared, dict) and key.split(".")[-1] in declared):
                    continue
                path = Path(str(value).split("#")[0])
                path = path if path.is_absolute() else Path(acct.base_dir) / path
                digest = file_digest(path)
                if digest is None:
                    continue
                earlier, earlier_path = first.setdefault((key, digest), (year, path))
                if earlier != year and not (key == "statistics" and _rows_carry_years(acct)):
                    # the slip is in the [years.<year>] section, not in the [inputs] of the config's own year
                    mine, theirs = (earlier, year) if year == getattr(self, "base_year", None) else (year, earlier)
                    path = earlier_path if mine == earlier else path
                    out.append(problem(
                        "year_repeats_inputs", f"{mine} 年的 {key}（{path.name}）与 {theirs} 年的逐字节相同：将重复 {theirs} 年的数据",
                        f"the {key} of {mine} ({path.name}) is byte for byte that of {theirs}: it would repeat the "
                        f"{theirs} data", file=str(path), column=f"years.{mine}.{key}", value=key,
                        hint_zh=f"给出 {mine} 年自己的 {key}；若确实沿用，在 [years.{mine}] 中写 reuse = {theirs}",
                        hint_en=f"give the {key} of {mine}; to reuse it on purpose, write reuse = {theirs} in "
                                f"[years.{mine}]"))
        return out


#: a service whose value (at constant prices) grows or shrinks more than this factor from one year to the next is
#: named in a warning: a unit slip in one year's inputs (万 for 亿, m for km) moves a service by 10⁴ or 10³
JUMP_FACTOR = 10.0
#: ... when it is at least this share of the year's GEP (a service of a few thousand 元 may well jump)
JUMP_MIN_SHARE = 0.01


def _year_on_year_jump(comp: "Comparison"):
    """A warning naming the services whose value changed more than :data:`JUMP_FACTOR` times between the two
    years (constant prices), or ``None``. Not an error: a new reservoir or a method change can do it; a unit slip
    in one year's inputs does it more often, and then every growth rate of the report is wrong."""
    by = comp.by("service")
    big = max(abs(comp.totals[0]), abs(comp.totals[1])) * JUMP_MIN_SHARE
    jumps = []
    for sid, va, vb in zip(by.index, by["value_a"].tolist(), by["value_b"].tolist()):
        if va > 0 and vb > 0 and max(va, vb) >= big and max(va / vb, vb / va) > JUMP_FACTOR:
            jumps.append(f"{sid} ×{vb / va:.3g}")
    if not jumps:
        return None
    a, b = comp.a.year, comp.b.year
    return problem(
        "year_on_year_jump", f"{a}→{b} 年价值变化超过 {JUMP_FACTOR:g} 倍的服务：{'，'.join(jumps)}（不变价）",
        f"services whose value changed more than {JUMP_FACTOR:g} times from {a} to {b}: {', '.join(jumps)} "
        "(constant prices)", value=", ".join(jumps),
        hint_zh="检查这两年该服务输入的单位（万/亿、m/km、m³/万m³）与数值；若确有其事（新建水库、方法改变），请在报告中说明",
        hint_en="check the units (万/亿, m/km, m³/万m³) and numbers of that service's inputs in both years; if the change "
                "is real (a new reservoir, a change of method), say so in the report")


def _rows_carry_years(acct) -> bool:
    """Whether the account's statistics table gives a year on its rows (one table for several years)."""
    stats = acct.plan().inputs.get("statistics")
    table = getattr(stats, "table", stats)
    return table is not None and "year" in table and bool(pd.to_numeric(table["year"], errors="coerce").notna().any())


def _with_year(p, year: int):
    """The problem with its year in front (a multi-year run reports every year's problems together)."""
    from dataclasses import replace

    q = replace(p, zh=f"[{year}] {p.zh}", en=f"[{year}] {p.en}")
    if getattr(p, "_kind", None) is not None:
        object.__setattr__(q, "_kind", p._kind)
    return q


def validate_config(config: str | Path, years=None, *, official: bool = False) -> tuple[list, list]:
    """``(problems, warnings)`` of a config, every year of it: what ``gep validate`` reports.

    One year (no ``years``): the account's plan. Several: every year's plan
    (and the constant-price plans a multi-year run compares with), and whether
    each year has inputs of its own.
    """
    cfg, folder = load_config(config, strict=False)
    wanted = parse_years(years if years is not None else cfg.get("account", {}).get("years", []))
    if len(wanted) > 1:
        accounts = year_accounts(config, wanted, official=official)
        return accounts.problems(), accounts.warnings()
    acct = account_for_year(cfg, folder, wanted[0], source=str(config)) if wanted else Account(cfg, folder, source=str(config))
    if official:
        acct.config["account"]["purpose"] = "official"
    plan = acct.plan()
    return list(plan.problems), list(plan.warnings)


def year_accounts(config: str | Path, years=None, *, maps: bool = False, official: bool = False) -> YearAccounts:
    """One :class:`Account` per year (and per year at constant prices when the config is at current prices).

    Every year's inputs are checked (:func:`gep.account.config.year_inputs`):
    a year that would silently reuse another year's land use or statistics is
    a problem unless ``[years.<year>] reuse`` says so.
    """
    cfg, folder = load_config(config, strict=False)
    years = parse_years(years if years is not None else cfg.get("account", {}).get("years", []))
    if len(years) < 1:
        raise ConfigError(problem("no_years", "没有给出年份（--years 或 [account] years）",
                                  "no years given (--years or [account] years)", file=str(config)))
    out = YearAccounts()
    out.year_problems, out.reused = [], {}
    out.base_year = (cfg.get("account") or {}).get("year")  # the year the config's own [inputs] belong to
    out.declared_reuse = {y: ((cfg.get("years") or {}).get(str(y)) or {}).get("reuse") for y in years}
    current = str(cfg.get("account", {}).get("prices", "current")) == "current"
    for y in years:
        probs, reused = year_inputs(cfg, y, str(config))
        out.year_problems += probs
        out.reused[y] = reused
        acct = account_for_year(cfg, folder, y, source=f"{config} [{y}]")
        acct.maps = bool(maps) and y == years[-1]
        out[(y, "as_run")] = acct
        if current and len(years) > 1:
            # changes are compared at constant prices of the first year, so inflation is not growth
            # (the same inputs, read once, and the same physical quantities: only the values are computed again)
            out[(y, "constant")] = account_for_year(cfg, folder, y, prices=f"constant:{years[0]}",
                                                    source=f"{config} [{y}, constant:{years[0]}]").reprice(acct)
    if official:
        for acct in out.values():
            acct.config["account"]["purpose"] = "official"
    return out


def account_for_year(cfg: dict, folder, year: int, *, prices: str | None = None, source: str = "config") -> Account:
    """The account of one year of a multi-year config (``[years.<year>]``, ``{year}`` paths).

    The region table is shared by the years unless ``[years.<year>]`` names
    another: its population and GDP then belong to the config's ``[account]
    year``, and are not compared with another year's economy figures.
    """
    year_cfg = for_year(cfg, year)
    if prices is not None:
        year_cfg["account"]["prices"] = prices
    acct = Account(year_cfg, folder, source=source)
    regions = (cfg.get("inputs") or {}).get("regions")
    own = "regions" in ((cfg.get("years") or {}).get(str(year)) or {}) or "{year}" in str(regions)
    base = (cfg.get("account") or {}).get("year")
    acct.regions_year = year if own or not isinstance(base, int) else base
    return acct


def _reuse_warning(year: int, reused: dict):
    what = ", ".join(f"{k} ← {v}" for k, v in reused.items())
    return problem("inputs_reused", f"{year} 年沿用其他年份的输入（{what}）：与该年比较的变化不反映这些输入的变化",
                   f"{year} reuses other years' inputs ({what}): changes against it do not reflect these inputs",
                   value=what)


@dataclass
class MultiYearResult:
    """Results of the same account for several years."""

    results: dict[int, AccountResult]
    #: the same years at constant prices of the first year (when ``results`` are at current prices)
    constant: dict[int, AccountResult] | None = None
    #: year -> {input: year it was reused from} (``[years.<year>] reuse``)
    reused: dict = field(default_factory=dict)
    #: the accounts that were run, keyed ``(year, "as_run" | "constant")`` (:func:`year_accounts`): a method
    #: comparison or an uncertainty analysis of a year starts from its account, not from reading it again
    accounts: "YearAccounts | None" = field(default=None, repr=False)
    _value: xr.DataArray | None = field(default=None, repr=False)
    #: the sets ``run_years(write_year=…)`` wrote in this process, by year, and the second process writing the rest
    _written: dict = field(default_factory=dict, repr=False)
    _writing: object = field(default=None, repr=False)

    def written_sets(self) -> dict[int, dict]:
        """What ``run_years(write_year=…)`` wrote for each year but the latest, by year (ascending): waits
        for the second process to finish writing its years' sets, and raises its error if it failed."""
        if self._writing is not None:
            writing, self._writing = self._writing, None
            self._written.update(writing.result())
        return dict(sorted(self._written.items()))

    def stop_writing(self) -> None:
        """Stop the second process of ``run_years(write_year=…)`` if it still writes (a run that failed)."""
        if self._writing is not None:
            writing, self._writing = self._writing, None
            writing.stop()

    @property
    def years(self) -> list[int]:
        return sorted(self.results)

    @property
    def value(self) -> xr.DataArray:
        """``(year, service, region)`` in 元."""
        if self._value is None:
            self._value = xr.concat([self.results[y].value for y in self.years], dim=pd.Index(self.years, name="year"),
                                    join="outer", fill_value=0.0)
        return self._value

    @property
    def total(self) -> pd.Series:
        return pd.Series({y: self.results[y].total for y in self.years}, name="gep")

    def indicators(self) -> pd.DataFrame:
        """Indicators by year with growth rates (%), GEP/GDP included."""
        rows = []
        for y in self.years:
            for k, v in self.results[y].indicators.items():
                rows.append({"year": y, "indicator": k, "value": v["value"], "unit": v["unit"]})
        frame = pd.DataFrame(rows).pivot(index="indicator", columns="year", values="value")
        for a, b in zip(self.years, self.years[1:]):
            frame[f"growth_{a}_{b}_%"] = (frame[b] / frame[a] - 1.0) * 100.0
        return frame

    def compare(self, a: int, b: int, *, prices: str = "constant", arrays: dict | None = None) -> "Comparison":
        """Change from year ``a`` to year ``b``, with its decomposition.

        ``prices="constant"`` (default) compares at constant prices when the
        accounts are at current prices (so the price effect holds only real
        changes of unit values); ``"as_run"`` compares the results as run.
        ``arrays``: see :func:`compare_results`.
        """
        source = self.constant if (prices == "constant" and self.constant) else self.results
        return compare_results(source[a], source[b], arrays=arrays)

    def link_years(self, pairs: list[tuple[int, int]] | None = None) -> None:
        """Give each year its comparison with the year before: the Two-Mountains
        table judged against the previous year's values, and the year-on-year
        sheet and summary section of its report.

        ``pairs`` (default: every year and the one before) are ``(previous, year)``;
        a link changes only ``year``'s result and reads ``previous`` only as it was run
        (its values, not its own link), so pairs may be linked in any order or process.
        """
        from ..indicators.two_mountains import evaluate_indicator_table

        totals, arrays = {}, {}  # each year's GEP as run and at constant prices, and its arrays: read once
        for prev, year in (zip(self.years, self.years[1:]) if pairs is None else pairs):
            res, before = self.results[year], self.results[prev]
            tm, tm_prev = res.extra.get("two_mountains"), before.extra.get("two_mountains")
            if tm is not None and tm_prev is not None:
                previous = {int(r["no"]): r["value"] for _, r in tm_prev.iterrows()
                            if isinstance(r["value"], (int, float)) and r["value"] == r["value"]}
                # a money indicator (GEP per unit area) of last year is compared in this year's prices,
                # so inflation alone does not count as an increase
                factor = self._price_change(prev, year, totals)
                for _, r in res.extra["two_mountains_input"].iterrows():
                    if r.get("computed_by") in MONEY_INDICATORS and int(r["no"]) in previous:
                        previous[int(r["no"])] *= factor
                res.extra["two_mountains"] = evaluate_indicator_table(
                    res.extra["two_mountains_input"], computed=res.extra["two_mountains_computed"], previous=previous)
            comp = self.compare(prev, year, arrays=arrays)
            attach_comparison(res, comp, previous=before)
            jump = _year_on_year_jump(comp)
            if jump is not None:
                res.warnings.append(jump)
            reused = {y: self.reused[y] for y in (prev, year) if self.reused.get(y)}
            if reused:
                # a decomposition against a year that reused inputs is partly an artefact: say so where it is read
                res.extra["summary_sections"]["year_on_year"]["inputs_reused"] = {
                    str(y): dict(r) for y, r in reused.items()}
                res.extra["year_on_year"]["inputs_reused"] = reused

    def _price_change(self, a: int, b: int, totals: dict | None = None) -> float:
        """Price level of year ``b`` relative to year ``a`` as the accounts apply it (1 without constant runs).
        ``totals`` keeps each year's (as run, constant) GEP for the next call."""
        if not self.constant:
            return 1.0
        totals = {} if totals is None else totals
        for y in (a, b):
            if y not in totals:
                totals[y] = (self.results[y].total, self.constant[y].total)

        def ratio(y):
            as_run, constant = totals[y]
            return as_run / constant if constant else 1.0

        return ratio(b) / ratio(a)

    def __getitem__(self, year: int) -> AccountResult:
        return self.results[year]


@dataclass
class Comparison:
    """Change between two results, by service × region, with additive effects."""

    a: AccountResult
    b: AccountResult
    cells: pd.DataFrame

    @property
    def effects(self) -> list[str]:
        return [c for c in ("area", "intensity", "quantity", "price") if c in self.cells]

    def by(self, level: str) -> pd.DataFrame:
        """Sum of value and effects by ``service``, ``category`` or ``region`` (a table of its own each call)."""
        summed = self.__dict__.setdefault("_by", {})  # the cells do not change: each level is summed once
        if level not in summed:
            cols = ["value_a", "value_b", "change"] + self.effects
            out = self.cells.groupby(level)[cols].sum()
            out["change_%"] = np.where(out["value_a"] != 0, out["change"] / out["value_a"] * 100.0, np.nan)
            summed[level] = out
        return summed[level].copy()

    @cached_property
    def totals(self) -> tuple[float, float]:
        """GEP of ``a`` and of ``b`` (元)."""
        return self.a.total, self.b.total

    def total(self) -> pd.Series:
        return self.cells[["value_a", "value_b", "change"] + self.effects].sum()

    def check(self, rtol: float = 1e-9) -> float:
        """Largest |Σ effects − change| over cells, relative to the total GEP (should be ~0)."""
        gap = (self.cells[self.effects].sum(axis=1) - self.cells["change"]).abs().max()
        return float(gap / max(abs(self.cells["value_a"]).sum(), 1.0))


def decompose(pa: xr.DataArray, va: xr.DataArray, pb: xr.DataArray, vb: xr.DataArray,
              area_a: xr.DataArray | None = None, area_b: xr.DataArray | None = None) -> dict[str, float]:
    """Effects of one service in one region (arrays over ecosystem, or scalars).

    With areas: V = A · (Q/A) · (V/Q) per ecosystem, 3-factor Shapley; else
    V = Q · (V/Q), 2-factor Shapley. A unit value (or intensity) that is
    undefined in one year (zero quantity) takes the other year's, so its
    effect is zero and the change goes to the factor that moved.
    """
    def ratio(n, d):
        n, d = np.asarray(n, float), np.asarray(d, float)
        return np.divide(n, d, out=np.zeros_like(n), where=d != 0)

    pa_, va_, pb_, vb_ = (np.atleast_1d(np.asarray(x, float)) for x in (pa, va, pb, vb))
    price_a, price_b = ratio(va_, pa_), ratio(vb_, pb_)
    price_a = np.where(pa_ == 0, price_b, price_a)
    price_b = np.where(pb_ == 0, price_a, price_b)
    if area_a is not None:
        aa, ab = (np.atleast_1d(np.asarray(x, float)) for x in (area_a, area_b))
        ia, ib = ratio(pa_, aa), ratio(pb_, ab)
        ia = np.where(aa == 0, ib, ia)
        ib = np.where(ab == 0, ia, ib)
        eff = shapley3(aa, ia, price_a, ab, ib, price_b)
        return {"area": float(np.sum(eff["area"])), "intensity": float(np.sum(eff["intensity"])),
                "price": float(np.sum(eff["price"]))}
    eff = shapley(pa_, price_a, pb_, price_b)
    return {"quantity": float(np.sum(eff["quantity"])), "price": float(np.sum(eff["price"]))}


def compare_results(a: AccountResult, b: AccountResult, *, arrays: dict | None = None) -> Comparison:
    """Decompose the change from result ``a`` to result ``b`` cell by cell.

    Each cell (service × region) is decomposed on its own, as :func:`decompose`
    would: by ecosystem (area, intensity, price) when both years have the
    service's physical quantity by ecosystem and land-use areas, else
    (quantity, price). The arithmetic runs on whole arrays, one service at a
    time over every region and ecosystem, and gives the same numbers as the
    cell-by-cell :func:`decompose` to the last bit (``tests/test_years.py``).

    ``arrays`` keeps each result's arrays for the next comparison (a run of years compares each year twice).
    """
    services = list(dict.fromkeys(list(a.value.service.values) + list(b.value.service.values)))
    regions = list(dict.fromkeys(list(a.value.region.values) + list(b.value.region.values)))
    arrays = {} if arrays is None else arrays
    for res in (a, b):
        if id(res) not in arrays:
            arrays[id(res)] = (res, _ResultArrays(res, res.extra.get("areas")))  # the result kept: ids stay unique
    arrays_a, arrays_b = arrays[id(a)][1], arrays[id(b)][1]
    in_a_services, in_b_services = set(a.value.service.values), set(b.value.service.values)
    blocks, effect_order = [], []
    for sid in services:
        in_a, in_b = sid in in_a_services, sid in in_b_services
        cat, label = (arrays_a if in_a else arrays_b).labels[sid]
        pa = _ServiceParts(arrays_a, sid, regions) if in_a else None
        pb = _ServiceParts(arrays_b, sid, regions) if in_b else None
        n = len(regions)
        present_a = pa.present if pa is not None else np.zeros(n, bool)
        present_b = pb.present if pb is not None else np.zeros(n, bool)
        va = np.where(present_a, pa.value_total if pa is not None else 0.0, 0.0)
        vb = np.where(present_b, pb.value_total if pb is not None else 0.0, 0.0)
        block = {"va": va, "vb": vb, "effects": {}}
        by_eco = present_a & present_b & (pa is not None and pa.by_eco) & (pb is not None and pb.by_eco)
        if by_eco.any():
            eco = sorted(set(map(str, pa.eco)) | set(map(str, pb.eco)))
            eff = _decompose_by_ecosystem(*pa.on(eco, by_eco), *pb.on(eco, by_eco))
            for name, values in eff.items():
                block["effects"].setdefault(name, np.full(n, np.nan))[by_eco] = values
        other = ~by_eco
        if other.any():
            qa = np.where(present_a, pa.quantity if pa is not None else 0.0, 0.0)[other]
            qb = np.where(present_b, pb.quantity if pb is not None else 0.0, 0.0)[other]
            eff = _decompose_totals(qa, va[other], qb, vb[other])
            for name, values in eff.items():
                block["effects"].setdefault(name, np.full(n, np.nan))[other] = values
        # the column order a table of one dict per cell gets: effects in the order the cells first name them
        first = [("area", "intensity", "price") if e else ("quantity", "price") for e in by_eco]
        for names in first:
            effect_order.extend(x for x in names if x not in effect_order)
        blocks.append((sid, label, cat, block))
    n = len(regions)
    cells = pd.DataFrame({
        "service": [sid for sid, *_ in blocks for _ in range(n)],
        "label_zh": [label for _, label, *_ in blocks for _ in range(n)],
        "category": [cat for _, _, cat, _ in blocks for _ in range(n)],
        "region": regions * len(blocks),
        "value_a": _concat([blk["va"] for *_, blk in blocks]),
        "value_b": _concat([blk["vb"] for *_, blk in blocks]),
        "change": _concat([blk["vb"] - blk["va"] for *_, blk in blocks]),
        **{name: _concat([blk["effects"].get(name, np.full(n, np.nan)) for *_, blk in blocks]) for name in effect_order},
    })
    for col in ("area", "intensity", "quantity", "price"):
        if col in cells:
            cells[col] = cells[col].fillna(0.0)
    return Comparison(a=a, b=b, cells=cells)


def _concat(arrays: list) -> list[float]:
    """Python floats, as a table built one cell at a time holds them."""
    return np.concatenate(arrays).tolist() if arrays else []


class _ResultArrays:
    """One result as numpy arrays with label -> position maps (read once per comparison, not once per service)."""

    def __init__(self, res: AccountResult, areas):
        self.res = res
        value = res.value.transpose("service", "region")
        self.regions = [str(r) for r in value.region.values]
        self.region_at = {r: i for i, r in enumerate(self.regions)}
        self.service_at = {str(s): i for i, s in enumerate(value.service.values)}
        self.value = value.values
        #: service -> (category, Chinese label)
        self.labels = rows_by_label(res.services, ("category", "label_zh"))
        vbe = res.value_by_ecosystem.transpose("service", "region", "ecosystem")
        self.vbe_service_at = {str(s): i for i, s in enumerate(vbe.service.values)}
        vbe_region_at = {str(r): i for i, r in enumerate(vbe.region.values)}
        self.vbe_eco_at = {str(e): i for i, e in enumerate(vbe.ecosystem.values)}
        self.vbe = vbe.values
        # the physical quantities: every variable of the Dataset on its one region (and ecosystem) index
        phys = res.physical
        self.physical = phys.variables
        phys_rows = {str(r): i for i, r in enumerate(phys["region"].values)} if "region" in phys.indexes else {}
        self.phys_eco = list(phys["ecosystem"].values) if "ecosystem" in phys.indexes else []
        # the result's regions (in its own order) as rows of the physical quantities and of the value grid
        self.own_in_phys = np.array([phys_rows[r] for r in self.regions], dtype=int) if self.regions else None
        self.own_in_vbe = [vbe_region_at[r] for r in self.regions]
        self.areas = None
        if areas is not None:
            areas_re = areas.transpose("region", "ecosystem")
            self.area_region_at = {str(r): i for i, r in enumerate(areas_re.region.values)}
            self.area_eco_at = {str(e): i for i, e in enumerate(areas_re.ecosystem.values)}
            self.areas = areas_re.values
        self._rows: dict[tuple, tuple] = {}

    def rows(self, regions: list) -> tuple[np.ndarray, np.ndarray]:
        """Whether each of ``regions`` is in the result, and its row (row 0 for one it lacks, to be masked out)."""
        key = tuple(regions)
        if key not in self._rows:
            rows = np.array([self.region_at.get(str(r), -1) for r in regions], dtype=int)
            self._rows[key] = (rows >= 0, np.where(rows >= 0, rows, 0))
        return self._rows[key]


def _columns(x: np.ndarray, position: dict, labels: list) -> np.ndarray:
    """The columns ``labels`` of ``x`` (positions by label), 0 for a label ``x`` lacks (``reindex(fill_value=0.0)``)."""
    cols = np.array([position.get(str(e), -1) for e in labels], dtype=int)
    out = np.zeros((x.shape[0], len(labels)), dtype=float)
    have = cols >= 0
    out[:, have] = x[:, cols[have]]
    return out


class _ServiceParts:
    """One service of one result as arrays over the comparison's regions.

    ``present`` (the region is in the result), ``value_total`` (元 per region),
    ``quantity`` (physical quantity per region, NaN counted as 0 as xarray's
    sum does) and, when the physical quantity is by ecosystem and the result
    has land-use areas (``by_eco``), the (region × ecosystem) arrays of
    physical quantity, value and area on the service's own ecosystems
    (``eco``): what :func:`decompose` takes for one cell. The arrays are picked
    from :class:`_ResultArrays` by position (no arithmetic: the same numbers as
    selecting each cell by label).
    """

    def __init__(self, arrays: _ResultArrays, sid: str, regions: list):
        own = arrays.regions
        self.present, take = arrays.rows(regions)
        phys = arrays.physical[sid]
        self.by_eco = "ecosystem" in phys.dims and arrays.areas is not None
        if not own:
            self.by_eco, self.value_total, self.quantity = False, np.zeros(len(regions)), np.zeros(len(regions))
            return
        if self.by_eco:
            self.eco = arrays.phys_eco
            phys_re = phys.transpose("region", "ecosystem").values[arrays.own_in_phys]
            self.phys = np.ascontiguousarray(phys_re[take], dtype=float)
            vbe = arrays.vbe[arrays.vbe_service_at[sid]][arrays.own_in_vbe]
            self.value = np.ascontiguousarray(_columns(vbe, arrays.vbe_eco_at, self.eco)[take], dtype=float)
            area_rows = arrays.areas[[arrays.area_region_at[own[i]] for i in take]]
            self.area = np.ascontiguousarray(_columns(area_rows, arrays.area_eco_at, self.eco), dtype=float)
            self.value_total = _row_nansum(self.value)
            self.quantity = _row_nansum(self.phys)
        else:
            self.value_total = np.asarray(arrays.value[arrays.service_at[sid]][take], dtype=float)
            other = [d for d in phys.dims if d != "region"]
            q = phys.transpose("region", *other).values[arrays.own_in_phys][take]
            self.quantity = _row_nansum(np.ascontiguousarray(q.reshape(len(take), -1), dtype=float))

    def on(self, eco: list[str], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Physical quantity, value and area of the ``rows`` regions on the ecosystems ``eco`` (0 elsewhere)."""
        position = {str(e): i for i, e in enumerate(self.eco)}
        return tuple(_columns(x[rows], position, eco) for x in (self.phys, self.value, self.area))


def _row_nansum(x: np.ndarray) -> np.ndarray:
    """Sum of each row, NaN counted as 0 (xarray's ``sum``); rows C-contiguous, so each is summed as on its own."""
    return np.ascontiguousarray(np.where(np.isnan(x), 0.0, x)).sum(axis=1)


def _ratio(n: np.ndarray, d: np.ndarray) -> np.ndarray:
    return np.divide(n, d, out=np.zeros_like(n), where=d != 0)


def _decompose_by_ecosystem(pa, va, aa, pb, vb, ab) -> dict[str, np.ndarray]:
    """:func:`decompose` with areas, for many cells at once (rows: cells, columns: ecosystems)."""
    price_a, price_b = _ratio(va, pa), _ratio(vb, pb)
    price_a = np.where(pa == 0, price_b, price_a)
    price_b = np.where(pb == 0, price_a, price_b)
    ia, ib = _ratio(pa, aa), _ratio(pb, ab)
    ia = np.where(aa == 0, ib, ia)
    ib = np.where(ab == 0, ia, ib)
    eff = shapley3(aa, ia, price_a, ab, ib, price_b)
    return {k: np.ascontiguousarray(eff[k]).sum(axis=1) for k in ("area", "intensity", "price")}


def _decompose_totals(qa, va, qb, vb) -> dict[str, np.ndarray]:
    """:func:`decompose` without areas, for many cells at once (one number per cell each)."""
    price_a, price_b = _ratio(va, qa), _ratio(vb, qb)
    price_a = np.where(qa == 0, price_b, price_a)
    price_b = np.where(qb == 0, price_a, price_b)
    eff = shapley(qa, price_a, qb, price_b)
    return {"quantity": eff["quantity"], "price": eff["price"]}


def _gdp(res: AccountResult) -> float | None:
    """GDP in the prices of ``res`` (as its GEP/GDP indicator used it), or None."""
    return (res.indicators.get("gep_gdp_ratio", {}).get("components") or {}).get("gdp_yuan")


def _rows_of(frame: pd.DataFrame):
    """``(label, {column: float})`` for each row of a table of numbers (``iterrows`` without a Series a row)."""
    columns = {c: frame[c].to_numpy(dtype=float).tolist() for c in frame.columns}
    for i, label in enumerate(frame.index):
        yield label, {c: values[i] for c, values in columns.items()}


def attach_comparison(res: AccountResult, comp: "Comparison", previous: AccountResult | None = None) -> None:
    """Add the year-on-year tables of ``comp`` to ``res``'s report and summary.

    The indicators are compared as ``res`` and ``previous`` were run (default
    ``comp.a``): a ratio such as GEP/GDP needs GEP in the prices of the GDP it
    is divided by, so it is not taken from the constant-price comparison.
    """
    a, b = comp.a.year, comp.b.year
    by_cat = comp.by("category")
    by_svc = comp.by("service")
    by_reg = comp.by("region")
    by_reg_cat = comp.cells.groupby(["region", "category"])[["value_a", "value_b"]].sum()
    cats_of_region: dict = {}  # region -> {category: {a, b}}, in the order of the grouped table
    for (reg, cat), va, vb in zip(by_reg_cat.index, by_reg_cat["value_a"].tolist(), by_reg_cat["value_b"].tolist()):
        cats_of_region.setdefault(reg, {})[str(cat)] = {"a": float(va), "b": float(vb)}
    effects = comp.effects
    ind_a = (previous if previous is not None else comp.a).indicators
    ind_b = res.indicators if previous is not None else comp.b.indicators
    ind_rows = []
    for k, v in ind_b.items():
        va = ind_a.get(k, {}).get("value")
        vb = v.get("value")
        growth = (vb / va - 1.0) * 100.0 if (va not in (None, 0) and vb is not None) else None
        ind_rows.append({"indicator": k, "label_zh": v["label"]["zh"], "label_en": v["label"]["en"], "unit": v["unit"],
                         str(a): va, str(b): vb, "growth_%": growth})
    res.extra["year_on_year"] = {"a": a, "b": b, "by_category": by_cat, "by_service": by_svc, "by_region": by_reg,
                                 "indicators": pd.DataFrame(ind_rows), "prices": comp.b.prices,
                                 "indicator_prices": res.prices if previous is not None else comp.b.prices}
    total_a, total_b = comp.totals
    res.extra.setdefault("summary_sections", {})["year_on_year"] = {
        "from": a, "to": b, "prices": comp.b.prices,
        # the total's change, under "esv" for an account that reports ESV (as the summary's total)
        ("esv" if res.measure == "ESV" else "gep"): {"a": total_a, "b": total_b, "change": total_b - total_a,
                                                    **{e: float(comp.cells[e].sum()) for e in effects}},
        "by_category": {c: {"a": r["value_a"], "b": r["value_b"], "change": r["change"], **{e: r[e] for e in effects}}
                        for c, r in _rows_of(by_cat)},
        "by_service": {sv: {"change": r["change"], **{e: r[e] for e in effects}} for sv, r in _rows_of(by_svc)},
        "indicators": {r["indicator"]: {"a": r[str(a)], "b": r[str(b)], "growth_%": r["growth_%"]} for r in ind_rows},
        # by township and in the comparison's prices: what GEP growth targets and transfers are judged on
        "by_region": {str(reg): {"a": r["value_a"], "b": r["value_b"], "change": r["change"],
                                 "by_category": cats_of_region.get(reg, {})}
                      for reg, r in _rows_of(by_reg)},
        "gdp": {"a": _gdp(comp.a), "b": _gdp(comp.b)},
    }

"""The plan of an account: what ``validate()`` checks and ``run()`` executes — the same object.

:func:`build_plan` reads and checks every input (:mod:`gep.account.inputs`),
then executes every service of the profile — physical step, value step — with
each service's problems collected instead of stopping at the first, and runs
the checks that need the whole account: statistics of other years, raster
coverage, services that yield exactly zero, figures given twice, shares,
the status of every row a value rests on, and the official-purpose rule.

``Account.validate()`` returns the plan's problems; ``Account.run()`` builds
the same plan (cached) and turns it into an :class:`~gep.account.AccountResult`
only when it has none. So **if ``validate`` passes, ``run`` succeeds**, and
``validate`` reports the problems of every stage at once.

Warnings (a problem that does not stop the account, such as a few nodata
pixels below ``max_missing`` or statistics rows of another year left out)
travel with the result: ``res.warnings``, the top of the CLI output,
``summary.json["warnings"]`` and the workbook's summary sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import GepError, Problem, problem
from ..io.summary import labels_in_measure
from ..services import get_service
from ..services._base import Quantity
from . import checks
from .quality import STATUS_ORDER, quality_of

__all__ = ["Plan", "Step", "build_plan"]


@dataclass
class Step:
    """One service of the plan: its method, what it computed, what it rests on, what went wrong."""

    service: str
    method: str
    physical: Quantity | None = None
    value: Quantity | None = None
    trace: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: the records of the physical step (what the account's trace gets from it, in that order)
    physical_records: list[dict] = field(default_factory=list, repr=False)
    #: the physical step looked up nothing priced (no money coefficient, no deflator): the same
    #: quantity at other prices (:meth:`gep.account.Account.reprice`)
    price_free: bool = False
    #: the value step looked up nothing priced either: the same value at other prices, before statistics
    #: are brought to the account's prices (``raw_value``, with the records of the step, ``value_records``)
    value_price_free: bool = False
    raw_value: Quantity | None = field(default=None, repr=False)
    value_records: list[dict] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems and self.value is not None

    @property
    def value_by_region(self):
        """The value summed over the ecosystems, a ``(region,)`` DataArray (元), summed once: the quality and the
        checks each read it."""
        summed = self.__dict__.get("_value_by_region")
        if summed is None or summed[0] is not self.value:  # summed again if the value was replaced
            data = self.value.data
            summed = self.__dict__["_value_by_region"] = (
                self.value, data.sum("ecosystem") if "ecosystem" in data.dims else data)
        return summed[1]

    @property
    def region_values(self) -> tuple[list[str], np.ndarray]:
        """:attr:`value_by_region` as its region labels (Python strings) and its values (float): read once."""
        read = self.__dict__.get("_region_values")
        by_region = self.value_by_region
        if read is None or read[0] is not by_region:
            read = self.__dict__["_region_values"] = (
                by_region, np.asarray(by_region.region.values).astype(str).tolist(),
                np.asarray(by_region.values, dtype=float))
        return read[1], read[2]

    @property
    def value_total(self) -> float:
        """The service's value summed over the account (元; NaN counted as 0, as xarray's ``sum``), summed once:
        the indicators and two checks each read it."""
        summed = self.__dict__.get("_value_total")
        if summed is None or summed[0] is not self.value:  # summed again if the value was replaced
            summed = self.__dict__["_value_total"] = (self.value, float(self.value.data.sum()))
        return summed[1]


@dataclass
class Plan:
    """Everything one yearly account uses and computes, checked.

    Attributes
    ----------
    inputs : dict
        The inputs as read (:meth:`AccountInputs._load_inputs`).
    context : Context or None
        What the service methods saw (``None`` when the inputs are too broken to run any).
    services : list of (service, method)
        The profile's services after the config's ``[services]`` changes.
    dropped : list of str
        Services of the profile the config drops (``[services] id = false``).
    steps : dict of str -> Step
    indicators : dict
        The account's indicators (GEP per area, shares …), computed from the steps.
    quality : dict
        Status mix of the value (``summary.json["quality"]``).
    problems, warnings : list of Problem
    """

    year: int | None
    inputs: dict
    context: Any
    services: list
    dropped: list
    steps: dict = field(default_factory=dict)
    indicators: dict = field(default_factory=dict)
    quality: dict = field(default_factory=dict)
    two_mountains: Any = None
    #: the Two-Mountains table with the status values of other years blanked (:func:`table_for_year`), as judged
    two_mountains_input: Any = None
    #: factor that brought the economy table's money to the account's prices (1 at current prices)
    economy_price_factor: float = 1.0
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    #: what the checks that read the inputs only found, by check (:func:`_input_check`): the same for an account
    #: repriced from this one (:meth:`gep.account.Account.reprice`), which takes them from here
    input_checks: dict = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def trace(self) -> list[dict]:
        """Every coefficient resolution and input value the account uses, service by service."""
        return [rec for step in self.steps.values() for rec in step.trace]

    def table(self) -> pd.DataFrame:
        """The plan as a table: one row per service × resolved row (coefficient, statistic, input)."""
        return pd.DataFrame(self.trace)


# ---------------------------------------------------------------------------------------------- build
def build_plan(account) -> Plan:
    """Read, check and execute the account; collect every problem of every stage (each once)."""
    plan = _build_plan(account)
    plan.problems[:] = _unique(plan.problems)
    plan.warnings[:] = _unique(plan.warnings)
    return plan


def _unique(problems: list) -> list:
    """The problems without repeats (the same missing deflator year met by every service is one problem)."""
    seen, out = set(), []
    for p in problems:
        key = (p.code, p.en, p.file, p.row, p.column)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _build_plan(account) -> Plan:
    inputs, problems = account._load_inputs()
    problems = list(problems)
    warnings: list[Problem] = list(inputs.get("warnings", []))
    services = inputs.get("plan") or []
    plan = Plan(year=account.year_or_none, inputs=inputs, context=None, services=services,
                dropped=list(inputs.get("dropped") or []), problems=problems, warnings=warnings)
    if inputs.get("regions") is None or inputs.get("coefficients") is None or account.year_or_none is None \
            or account.price_year is None:
        return plan  # nothing can run without the region tree, the coefficients, the year and the price basis
    try:
        ctx = account._context(inputs)
    except GepError as exc:
        problems.extend(exc.problems)
        return plan
    plan.context = ctx
    source = _repriced_plan(account)

    def input_check(name: str, check, *args):
        return _input_check(plan, source, name, check, *args)

    problems.extend(checks.given_rows_are_used(ctx, services))
    warnings.extend(input_check("coefficient_rows_for_no_region", checks.coefficient_rows_for_no_region, ctx))
    warnings.extend(checks.coefficients_far_from_reference(ctx))
    warnings.extend(checks.coefficients_below_typical(ctx))
    failed = failed_inputs(account, inputs)
    shared_steps, shared_coverage = _physical_steps_of(account)
    for sid, method in services:
        if _rests_on(sid, method, failed):
            continue  # its input did not load: that problem is reported, a consequence of it would be noise
        same = shared_steps.get(sid)
        if same is not None and same.method == method and same.ok and same.price_free:
            plan.steps[sid] = execute_step(ctx, sid, method, physical_from=same)
            # what the physical step records for the plan's checks (raster coverage), as if it had run here
            coverage = [r for r in shared_coverage if r["service"] == sid]
            if coverage:
                ctx.params.setdefault("_coverage", []).extend(coverage)
        else:
            plan.steps[sid] = execute_step(ctx, sid, method)
        problems.extend(plan.steps[sid].problems)
    ok_steps = {sid: s for sid, s in plan.steps.items() if s.ok}
    complete = len(ok_steps) == len(services)

    if complete:
        problems.extend(checks.zero_services(ok_steps, account.config))
        problems.extend(checks.negative_totals(ok_steps))
        problems.extend(checks.physical_magnitudes(ok_steps, inputs, account))
        warnings.extend(checks.negative_services(ok_steps))
    cov_problems, cov_warnings = checks.raster_coverage(ctx, account.config)
    problems.extend(cov_problems)
    warnings.extend(cov_warnings)
    stat_problems, stat_warnings = checks.statistics_years(ctx, ok_steps)
    problems.extend(stat_problems)
    warnings.extend(stat_warnings)
    fig_problems, fig_warnings = input_check("figures_agree", checks.figures_agree, inputs, account)
    problems.extend(fig_problems)
    warnings.extend(fig_warnings)

    if complete and not problems:
        try:
            plan.indicators, plan.economy_price_factor = account_indicators(account, inputs, ctx, ok_steps)
            # an ESV account's indicators say ESV (生态系统服务价值), in the result and everything written from it
            plan.indicators = labels_in_measure(plan.indicators, plan_measure(plan))
        except GepError as exc:
            problems.extend(exc.problems)
        problems.extend(checks.indicator_ranges(plan.indicators))
        plan.quality = quality_of(ok_steps, inputs)
        problems.extend(checks.official_purpose(account.config, plan.quality, account.source))
        warnings.extend(checks.quality_warning(plan.quality, account.config))
        if inputs.get("two_mountains") is not None and not problems:
            table = inputs["two_mountains"]
            for check in (checks.status_written_as_share, checks.target_written_as_share, checks.targets_expired):
                warnings.extend(input_check(check.__name__, check, table, account.year))
            try:
                plan.two_mountains_input = input_check("table_for_year", table_for_year, table, account.year).copy()
                measure = plan_measure(plan)
                plan.two_mountains = evaluate_two_mountains(account, inputs, plan.indicators,
                                                            table=plan.two_mountains_input, measure=measure)
                if measure != "GEP":
                    warnings.extend(checks.gep_rows_of_an_esv_account(table))
            except GepError as exc:
                problems.extend(exc.problems)
    return plan


def _repriced_plan(account) -> Plan | None:
    """The plan of the account ``account`` reprices (:meth:`gep.account.Account.reprice`: the same inputs, read
    once), or ``None``."""
    source = getattr(account, "repriced_from", None)
    return None if source is None else source.plan()


def _input_check(plan: Plan, source: Plan | None, name: str, check, *args):
    """``check(*args)`` of a check that reads the inputs only (never a value or a price), kept in
    ``plan.input_checks[name]``. An account repriced from another (``source``: the same inputs at other prices)
    takes what the other's check found instead of running it again (a copy of each list it returned)."""
    if source is not None and name in source.input_checks:
        found = source.input_checks[name]
    else:
        found = check(*args)
    plan.input_checks[name] = found
    return tuple(list(part) for part in found) if isinstance(found, tuple) else \
        (list(found) if isinstance(found, list) else found)


def _physical_steps_of(account) -> tuple[dict, list]:
    """The steps whose physical quantity ``account`` may take as they are, and their raster coverage records:
    those of the account it reprices (:meth:`gep.account.Account.reprice`); none otherwise."""
    source = getattr(account, "repriced_from", None)
    plan = source.plan() if source is not None else None
    if plan is None or plan.context is None:
        return {}, []
    return dict(plan.steps), list(plan.context.params.get("_coverage") or [])


#: method input -> the loaded input it needs (``raster:*`` inputs need the rasters)
_INPUT_OF = {"land_use": "areas", "statistics": "statistics", "physical": "physical"}


def failed_inputs(account, inputs: dict) -> set[str]:
    """Inputs the config names that did not load (their problems are already in the plan)."""
    given = account.config.get("inputs", {})
    rasters = bool(account.config.get("rasters"))
    bad_sections = {str(p.column).split(".")[0] for p in account.config_problems if p.column}
    failed = {name for name in ("statistics", "physical", "economy")
              if given.get(name) is not None and inputs.get(name) is None}
    if (given.get("land_use") is not None or rasters) and inputs.get("areas") is None:
        failed.add("land_use")
    if rasters and inputs.get("rasters") is None:
        failed.add("rasters")
    if bad_sections & {"statistics", "cultural", "allocation"}:
        failed.add("statistics")  # the services valued from statistics would run on a value validate refused
    if bad_sections & {"rasters"}:
        failed.add("rasters")
    return failed


def _rests_on(sid: str, method: str, failed: set[str]) -> bool:
    if not failed:
        return False
    try:
        m = get_service(sid).method(method)
    except GepError:
        return False
    for inp in m.inputs:
        kind = inp.split(":")[0]
        if kind in failed or (kind == "raster" and failed & {"rasters", "land_use"}):
            return True
    return False


def execute_step(ctx, sid: str, method_name: str, *, physical_from: Step | None = None) -> Step:
    """Run one service: physical step, value step, statistics rebased to the account's prices.

    A problem of this service (a missing coefficient, a missing input, a
    non-finite figure) is collected in the step, not raised: the other services
    still run, so ``validate`` lists every service's problems at once.

    ``physical_from`` is a step of the same service, method and inputs at other
    prices whose physical step looked up nothing priced (``Step.price_free``):
    its physical quantity and records are taken as they are, and only the value
    step runs (a constant-price account of a multi-year run). When its value step
    looked up nothing priced either (``Step.value_price_free``: a product valued
    at the prices of its statistics), that value is taken too, and only brought
    to this account's prices.
    """
    step = Step(service=sid, method=method_name)
    start = len(ctx.trace)
    physical_records: list[dict] = []
    try:
        svc = get_service(sid)
        method = svc.method(method_name)
        params = ctx.params.get(sid, {})
        if physical_from is not None:
            phys = physical_from.physical
            physical_records = list(physical_from.physical_records)
            step.price_free = True
        else:
            lookups = ctx.price_lookups
            phys = method.quantify(ctx, params)
            checks.finite(phys.data, sid, "physical")
            physical_records = ctx.trace[start:]
            step.price_free = ctx.price_lookups == lookups and _of_gep(method.quantify)
        start = len(ctx.trace)
        if physical_from is not None and physical_from.value_price_free and ctx.draws is None:
            val = physical_from.raw_value
            ctx.trace.extend(physical_from.value_records)
            step.value_price_free = True
        else:
            lookups = ctx.price_lookups
            val = method.value(ctx, phys, params)
            step.value_price_free = step.price_free and ctx.price_lookups == lookups and _of_gep(method.value)
        step.raw_value, step.value_records = val, ctx.trace[start:]
        if "statistics" in method.inputs and ctx.price_year != ctx.year:
            # statistics are in the prices of their own year: bring them to the account's basis
            factor = ctx.rebase_factor(ctx.year)
            val = type(val)(data=(val.data * factor).assign_attrs(units="元"), trace=val.trace + [
                {"key": "rebase.statistics", "value": factor, "unit": "1",
                 "source": f"deflator {ctx.year} → {ctx.price_year}"}],
                components={k: v * factor for k, v in val.components.items()})
        checks.finite(val.data, sid, "value")
        step.physical, step.value = phys, val
        step.physical_records = physical_records
        records = physical_records + ctx.trace[start:] + phys.trace + val.trace
    except GepError as exc:
        step.problems.extend(exc.problems)
        step.price_free = step.value_price_free = False
        records = physical_records + ctx.trace[start:]
    step.trace = [{"service": sid, "method": method_name, **{k: v for k, v in rec.items() if k != "service"}}
                  for rec in records]
    return step


def _of_gep(fn) -> bool:
    """Whether ``fn`` is a method of gep itself: those reach prices only through the context, which counts each
    look-up (``Context.price_lookups``); a plugin's might not."""
    return str(getattr(fn, "__module__", "")).startswith("gep.")


# ------------------------------------------------------------------------------------------ indicators
def account_indicators(account, inputs: dict, ctx, steps: dict) -> tuple[dict, float]:
    """GEP per area, GEP/GDP, GEP per resident and the resident eco-product share, at the account's prices.

    Returns the indicators and the factor that brought the economy table's money
    (GDP …) to the account's prices.
    """
    total = sum(s.value_total for s in steps.values())
    by_cat: dict[str, float] = {}
    for sid, s in steps.items():
        cat = get_service(sid).category
        by_cat[cat] = by_cat.get(cat, 0.0) + s.value_total
    return indicators_of(account, inputs, ctx, total, by_cat)


def indicators_of(account, inputs: dict, ctx, total, by_cat: dict) -> tuple[dict, float]:
    """The indicators of a GEP ``total`` and its ``by_cat`` parts (元; numbers, or arrays of draws)."""
    from ..indicators import account_indicators as compute

    rt = inputs["regions"]
    econ = inputs.get("economy")
    econ_values = None if econ is None else dict(zip(econ["indicator"], econ["value_canonical"]))
    ind_cfg = account.config.get("indicators", {})
    root_info = rt.frame.loc[rt.root]
    # year-specific economy figures win over the region table's
    pop = (econ_values or {}).get("population", root_info["population_persons"])
    gdp = (econ_values or {}).get("gdp", root_info["gdp_yuan"])
    has_gdp = gdp is not None and not pd.isna(gdp)
    money = set() if econ is None else set(econ.loc[econ["canonical_unit"].str.startswith("元"), "indicator"])
    factor = 1.0
    if ctx.price_year != ctx.year and (has_gdp or money):
        # money of the economy table is in the account year's prices: bring it to the same basis as GEP
        # (an account without such money needs no deflator for its own year)
        factor = ctx.rebase_factor(ctx.year)
        gdp = gdp * factor if has_gdp else gdp
        if econ is not None:
            econ_values = {k: (v * factor if k in money else v) for k, v in econ_values.items()}
    return compute(
        gep=total, by_category=by_cat, land_area_km2=rt.area_km2(), population=None if pd.isna(pop) else float(pop),
        gdp=None if pd.isna(gdp) else float(gdp), economy=econ_values,
        numerator=ind_cfg.get("resident_share_numerator", "realised_gep"),
        denominator=ind_cfg.get("resident_share_denominator", "gdp")), factor


def table_for_year(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """The indicator table with the status values of other years blanked (a 2021
    status value is not the value of 2020, nor is a 2021 qualitative status or
    judgement such as 获得 / achieved); the blanked rows then hold ``year``. A
    row without a year keeps its value."""
    t = table.copy()
    other = (pd.to_numeric(t["year"], errors="coerce") != year).fillna(False).to_numpy(dtype=bool)
    if "status_number" in t:
        t.loc[other, "status_number"] = np.nan
    t.loc[other, "status_value"] = ""
    if "achieved" in t:
        t["achieved"] = t["achieved"].astype(object)
        t.loc[other, "achieved"] = None
    t.loc[other, "year"] = year
    return t


def plan_measure(plan) -> str:
    """``"GEP"``, or ``"ESV"`` when the plan's services include supporting services (as ``AccountResult.measure``)."""
    return "ESV" if any(get_service(sid).category == "supporting" for sid in plan.steps) else "GEP"


def computed_ids(indicators: dict, measure: str = "GEP") -> dict:
    """The computed indicators the Two-Mountains table can name (``computed_by``); an ESV account's, without
    :data:`gep.io.two_mountains.GEP_VALUES` (its per-area value is ESV, which a GEP row must not take)."""
    from ..io.two_mountains import COMPUTED_BY, GEP_VALUES

    values = {k: v["value"] for k, v in indicators.items() if v.get("value") is not None}
    return {k: v for k, v in values.items() if k in COMPUTED_BY and (measure == "GEP" or k not in GEP_VALUES)}


def evaluate_two_mountains(account, inputs: dict, indicators: dict, *, table=None, measure: str = "GEP"):
    """The Two-Mountains table of the account's year judged (``table``: that table, when already made). In an
    ESV account the rows of :data:`gep.io.two_mountains.GEP_VALUES` get no value, and their reason says why."""
    from ..indicators.two_mountains import evaluate_indicator_table
    from ..io.two_mountains import GEP_VALUES

    if table is None:
        table = table_for_year(inputs["two_mountains"], account.year)
    out = evaluate_indicator_table(table, computed=computed_ids(indicators, measure))
    if measure != "GEP":
        rows = (table["computed_by"].isin(GEP_VALUES).to_numpy(dtype=bool)
                & (out["value_source"] == "missing").to_numpy(dtype=bool))  # not a value the table gives itself
        out.loc[rows, "reason_zh"] = out.loc[rows, "reason_zh"] + "：本核算为 ESV（含支持服务），不是 GEP"
        out.loc[rows, "reason_en"] = out.loc[rows, "reason_en"] + ": this account reports ESV (supporting services " \
                                                                  "counted), not GEP"
    return out


def order_statuses(statuses) -> list[str]:
    """Statuses from the most to the least reliable (see :data:`gep.account.quality.STATUS_ORDER`)."""
    return sorted(set(statuses), key=lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER))


__all__ += ["execute_step", "account_indicators", "indicators_of", "table_for_year", "computed_ids", "plan_measure",
            "order_statuses", "problem"]

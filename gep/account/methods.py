"""Published method variants side by side: GEP and each affected service under every variant.

Where published methods of a service differ (the water-surface term of climate
regulation, gross or net carbon, 1.2 or 1.19 t O₂ per t of dry matter, forests in
flood regulation …), each variant is a method of the service that names the
method it is a variant of (:attr:`gep.services.Method.variant_of`).
:func:`compare_methods` accounts every variant of every service of an account
on the account's own inputs and puts the results side by side::

    >>> acct = gep.Account.from_config(gep.example_config())
    >>> cmp = compare_methods(acct)
    >>> cmp.table()          # one row per service × variant, values in 元
    >>> cmp.summary()        # the summary.json["method_variants"] section

One service is varied at a time, the others keep the account's methods. The
services of an account are independent (GEP is their sum), so GEP under a
variant is the account's GEP minus the service's value under the account's
method plus its value under the variant -- exactly what a full run with
``[services] <service> = "<variant>"`` gives (a test checks it). The variant
runs as a step of the account's plan (:func:`gep.account.plan.execute_step`)
and meets the checks a run with it would make (no NaN, no negative GEP of a
region, not exactly zero).

A variant that cannot run on the account's inputs (a coefficient or input it
needs is missing) or that such a run would refuse is listed with its reason,
never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import GepError
from ..services import get_service
from .result import AccountResult

__all__ = ["MethodComparison", "compare_methods", "SHEET_TITLE"]

#: Title of the workbook sheet (31 characters at most).
SHEET_TITLE = "方法变体 Method variants"


@dataclass
class MethodComparison:
    """GEP and each affected service under every published variant.

    Attributes
    ----------
    gep : float
        GEP of the account as run (元).
    year : int
    rows : list of dict
        One per service × variant: ``service, label_zh, label_en, method,
        method_zh, method_en, chosen, status (ok | not_applicable), value,
        physical, physical_unit, gep, gep_change, gep_change_pct, formula,
        references, reason_zh, reason_en``.
    """

    gep: float
    year: int
    rows: list[dict] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        """One row per service × variant (values in 元)."""
        return pd.DataFrame(self.rows)

    def summary(self) -> dict:
        """The ``summary.json["method_variants"]`` section.

        ``{"year", "gep", "note": {zh, en}, "services": {service: {"label", "chosen",
        "physical_unit", "variants": {method: {"label", "formula", "references",
        "status", "value", "physical", "gep", "gep_change", "gep_change_pct",
        "reason"}}}}}`` -- money in 元; ``status`` is ``"ok"`` or
        ``"not_applicable"`` (then the numbers are ``null`` and ``reason`` says why).
        """
        services: dict[str, dict] = {}
        for r in self.rows:
            s = services.setdefault(r["service"], {
                "label": {"zh": r["label_zh"], "en": r["label_en"]}, "chosen": None,
                "physical_unit": r["physical_unit"], "variants": {}})
            if r["chosen"]:
                s["chosen"] = r["method"]
            s["variants"][r["method"]] = {
                "label": {"zh": r["method_zh"], "en": r["method_en"]}, "formula": r["formula"],
                "references": list(r["references"]), "status": r["status"], "value": r["value"],
                "physical": r["physical"], "gep": r["gep"], "gep_change": r["gep_change"],
                "gep_change_pct": r["gep_change_pct"],
                "reason": None if r["status"] == "ok" else {"zh": r["reason_zh"], "en": r["reason_en"]},
            }
        return {
            "year": self.year, "gep": self.gep,
            "note": {"zh": "每次只改变一项服务的方法，其余服务按本次核算的方法；GEP = 本次 GEP − 该服务原值 + 该服务在此方法下的值",
                     "en": "one service varied at a time, the others as accounted; GEP = the account's GEP − the "
                           "service's value + its value under the variant"},
            "services": services,
        }

    def sheet(self) -> tuple[pd.DataFrame, list[str]]:
        """The workbook sheet: the table in 亿元 with bilingual headers, and its notes."""
        yi = 1e8
        rows = []
        for r in self.rows:
            ok = r["status"] == "ok"
            rows.append({
                "服务 Service": f"{r['label_zh']} {r['label_en']}", "方法 Method": r["method"],
                "采用 Chosen": "✓" if r["chosen"] else "",
                "方法说明": r["method_zh"], "Method": r["method_en"], "公式 Formula": r["formula"],
                "服务价值 Value (亿元)": r["value"] / yi if ok else None,
                "GEP (亿元)": r["gep"] / yi if ok else None,
                "GEP 变化 Change (亿元)": r["gep_change"] / yi if ok else None,
                "GEP 变化 Change (%)": r["gep_change_pct"] if ok else None,
                "实物量 Physical": r["physical"] if ok else None, "单位 Unit": r["physical_unit"],
                "状态 Status": "可用 ok" if ok else f"不适用 not applicable: {r['reason_zh']} / {r['reason_en']}",
                "来源 Sources": " | ".join(r["references"]),
            })
        notes = [f"{self.year} 年各服务在已发表方法变体下的价值与 GEP（亿元）/ value of each service and GEP under every "
                 f"published method variant, {self.year} (10⁸ CNY)",
                 "每次只改变一项服务的方法 / one service varied at a time; 采用 ✓ = 本次核算所用方法 / the method of this account"]
        return pd.DataFrame(rows), notes

    def console_rows(self) -> list[dict]:
        """Rows for the command line's table (亿元)."""
        out = []
        for r in self.rows:
            ok = r["status"] == "ok"
            out.append({
                "服务 Service": r["label_zh"], "方法 Method": r["method"] + (" ✓" if r["chosen"] else ""),
                "价值 Value (亿元)": f"{r['value'] / 1e8:,.3f}" if ok else "—",
                "GEP (亿元)": f"{r['gep'] / 1e8:,.2f}" if ok else "—",
                "变化 Change": f"{r['gep_change_pct']:+.2f} %" if ok else "不适用 n/a",
            })
        return out

    def attach(self, result: AccountResult) -> AccountResult:
        """Add the comparison to ``result``'s summary, workbook and console output."""
        result.extra.setdefault("summary_sections", {})["method_variants"] = self.summary()
        result.extra.setdefault("report_sheets", {})[SHEET_TITLE] = self.sheet()
        result.extra.setdefault("console_tables", {})[
            f"方法变体 Method variants {self.year} (亿元; ✓ = 所用方法 the account's method)"] = self.console_rows()
        result.extra["method_variants"] = self
        return result


def _reason(exc: GepError) -> tuple[str, str]:
    """The first problem, and how many more there are."""
    first, more = exc.problems[0], len(exc.problems) - 1
    return (first.zh + (f"（另有 {more} 个问题）" if more else ""), first.en + (f" (and {more} more)" if more else ""))


def _variant_step(account, sid: str, method_name: str):
    """The plan step of one service under another method, on the account's inputs (a fresh context)."""
    from .plan import execute_step

    step = execute_step(account.context(), sid, method_name)
    if step.ok:
        # a figure the run would refuse (NaN) never reaches the table: execute_step checks every cell
        return step
    raise GepError(step.problems)


def _account_checks(account, sid: str, step) -> None:
    """The whole-account checks a run with this variant would make (a negative GEP, a service that is zero)."""
    from . import checks

    steps = {k: (step if k == sid else v) for k, v in account.plan().steps.items()}
    problems = checks.negative_totals(steps) + checks.zero_services({sid: step}, account.config)
    if problems:
        raise GepError(problems)


def compare_methods(account, result: AccountResult | None = None, *, services=None) -> MethodComparison:
    """GEP and each affected service of ``account`` under every published method variant.

    Parameters
    ----------
    account : gep.Account
    result : AccountResult, optional
        The account's result, when it has been run already (saves a run).
    services : iterable of str, optional
        Only these services (default: every service of the account that has variants).

    Returns
    -------
    MethodComparison
    """
    result = result if result is not None else account.run()
    base_gep = result.total
    by_service = result.by_service
    wanted = None if services is None else set(services)
    rows = []
    for sid in result.services.index:
        if wanted is not None and sid not in wanted:
            continue
        svc = get_service(sid)
        chosen = str(result.services.at[sid, "method"])
        variants = svc.variants(chosen)
        if len(variants) < 2:
            continue
        base_value = float(by_service[sid])
        phys_da = result.physical[sid]
        for m in variants:
            row = {"service": sid, "label_zh": svc.label["zh"], "label_en": svc.label["en"], "method": m.name,
                   "method_zh": m.label["zh"], "method_en": m.label["en"], "chosen": m.name == chosen,
                   "physical_unit": svc.physical_unit, "formula": m.formula, "references": tuple(m.references),
                   "reason_zh": "", "reason_en": ""}
            try:
                if m.name == chosen:
                    value, physical = base_value, float(phys_da.sum())
                else:
                    step = _variant_step(account, sid, m.name)
                    _account_checks(account, sid, step)
                    value, physical = float(step.value.data.sum()), float(step.physical.data.sum())
            except GepError as exc:
                row["reason_zh"], row["reason_en"] = _reason(exc)
                row.update(status="not_applicable", value=None, physical=None, gep=None, gep_change=None,
                           gep_change_pct=None)
            else:
                gep = base_gep - base_value + value
                row.update(status="ok", value=value, physical=physical, gep=gep, gep_change=gep - base_gep,
                           gep_change_pct=(gep / base_gep - 1.0) * 100.0 if base_gep else np.nan)
            rows.append(row)
    return MethodComparison(gep=base_gep, year=result.year, rows=rows)

"""The quality of every figure: the status of the rows a value rests on.

Every coefficient row, statistics row, economy figure, land-use row and given
quantity carries a ``status`` (:data:`STATUS_ORDER`, most to least reliable).
A value rests on several rows; its quality is the status of its **weakest**
row — a township's soil retention computed from an illustrative land use and
literature prices is illustrative. Statistics-based services are attributed
row by row (each valued row carries its own status), the others cell by cell
(service × region, with the rows resolved for that region or for the whole
account).

``summary.json["quality"]``::

    {"definition": "...",
     "gep": {"literature": 0.03, "illustrative": 0.97},        # share of GEP by status
     "by_service": {"climate_regulation": {"illustrative": 1.0}, ...},
     "by_region": {"baiguan": {"official": 0.04, "illustrative": 0.96}, ...},   # share of each region's GEP
     "rows": {"climate_regulation": {"literature": 5, "illustrative": 21}, ...},
     "weak_rows": [...]}                                          # illustrative / unverified rows used

A row without a status is ``unstated``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..services import get_service

__all__ = ["STATUS_ORDER", "WEAK_STATUSES", "DEFINITION", "quality_of", "weakest"]

#: statuses from the most to the least reliable
STATUS_ORDER = ("official", "local_survey", "literature", "derived", "estimated", "unstated", "unverified",
                "illustrative")
#: statuses that raise the data-quality banner and that an official account refuses
WEAK_STATUSES = ("unverified", "illustrative")

DEFINITION = ("share of the value by the status of the weakest row it rests on (coefficient, statistics, economy, "
              "land-use and given-quantity rows); statistics-based services row by row")


def _status(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unstated"
    s = str(value).strip()
    return s if s in STATUS_ORDER else ("unstated" if not s else s)


def weakest(statuses) -> str:
    """The least reliable of ``statuses`` (``unstated`` for none)."""
    ranked = [s for s in statuses if s]
    if not ranked:
        return "unstated"
    return max(ranked, key=lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER))


def _uses_land_use(sid: str, method: str) -> bool:
    """Whether the method rests on the land use (a table, or rasters: every raster method reads the land use)."""
    m = get_service(sid).method(method)
    return any(i == "land_use" or i.startswith("raster:") for i in m.inputs)


def quality_of(steps: dict, inputs: dict) -> dict:
    """Share of each service's value (and of the total) by status; row counts; the weak rows used."""
    land = inputs.get("land_use_status") or {}
    raster_status = inputs.get("raster_status")
    totals: dict[str, float] = {}
    regional: dict[str, dict[str, float]] = {}
    by_service: dict[str, dict[str, float]] = {}
    rows: dict[str, dict[str, int]] = {}
    weak_rows: list[dict] = []
    seen_weak = set()
    grand = 0.0
    for sid, step in steps.items():
        trace = [r for r in step.trace if "status" in r]
        counts: dict[str, int] = {}
        for rec in trace:
            st = _status(rec.get("status"))
            counts[st] = counts.get(st, 0) + 1
            if st in WEAK_STATUSES:
                what = rec.get("key", "")
                if rec.get("ecosystem") not in (None, "*") and isinstance(rec.get("ecosystem"), str):
                    what += f" [{rec['ecosystem']}]"
                ident = (sid, what, rec.get("file"), rec.get("row"))
                if ident not in seen_weak:
                    seen_weak.add(ident)
                    weak_rows.append({"service": sid, "status": st, "what": what, "file": rec.get("file"),
                                      "row": None if rec.get("row") is None or pd.isna(rec.get("row")) else int(rec["row"])})
        if _uses_land_use(sid, step.method):
            weak_regions = sorted(r for r, sts in land.items() if set(sts) & set(WEAK_STATUSES))
            if not land and raster_status in WEAK_STATUSES:
                weak_rows.append({"service": sid, "status": raster_status, "what": "rasters ([rasters] status)",
                                  "file": None, "row": None})
            for st in WEAK_STATUSES:
                regions = [r for r in weak_regions if st in land[r]]
                if regions:
                    weak_rows.append({"service": sid, "status": st, "what": f"land use of {', '.join(regions)}",
                                      "file": inputs.get("land_use_file"), "row": None})
        per_region = _by_region(step)
        labels, floats = _labels_and_floats(step, per_region)
        shares: dict[str, float] = {}
        stat_rows = [r for r in trace if str(r.get("key", "")).startswith("statistics.") and r.get("unit") == "元"]
        if stat_rows:
            for rec in stat_rows:
                v = float(rec.get("value") or 0.0)
                st = _status(rec.get("status"))
                shares[st] = shares.get(st, 0.0) + v
            scale = float(per_region.sum())
            raw = sum(shares.values())
            shares = {k: v * scale / raw for k, v in shares.items()} if raw else {}
            # county rows are spread over the townships: each township's value has the service's mix
            for region, v in zip(labels, floats):
                mix = regional.setdefault(region, {})
                for st, s in shares.items():
                    mix[st] = mix.get(st, 0.0) + (v * s / scale if scale else 0.0)
        else:
            uses_land = _uses_land_use(sid, step.method)
            everywhere, by_region = _statuses_by_region(trace)
            weakest_everywhere = _weakest_item(everywhere)
            picked: dict = {}  # the status of regions without rows of their own, by their land-use statuses
            no_land = ((raster_status,) if raster_status else ("unstated",)) if uses_land else ()
            for region, v in zip(labels, floats):
                # weakest of: the rows for every region, those for this one, then the land use's statuses
                extra = (tuple(land.get(region, ())) or no_land) if uses_land and land else no_land
                key = (region if region in by_region else None, extra)
                st = picked.get(key)
                if st is None:
                    items = [weakest_everywhere, _weakest_item(by_region.get(region, []))]
                    if uses_land:
                        items.append(_weakest_item([(len(trace) + j, s) for j, s in enumerate(extra) if s]))
                    st = picked[key] = _weakest_item([i for i in items if i is not None] or [(0, "unstated")])[1]
                shares[st] = shares.get(st, 0.0) + v
                mix = regional.setdefault(region, {})
                mix[st] = mix.get(st, 0.0) + v
        shares = {k: v for k, v in shares.items() if v != 0.0}
        total = sum(shares.values())
        by_service[sid] = {k: (v / total if total else 0.0) for k, v in _ordered(shares).items()}
        rows[sid] = dict(_ordered(counts))
        for k, v in shares.items():
            totals[k] = totals.get(k, 0.0) + v
        grand += total
    gep = {k: (v / grand if grand else 0.0) for k, v in _ordered(totals).items() if v != 0.0}
    by_region = {}
    for region, mix in regional.items():
        total = sum(mix.values())
        by_region[region] = {k: (v / total if total else 0.0) for k, v in _ordered(mix).items() if v != 0.0}
    return {"definition": DEFINITION, "gep": gep, "by_service": by_service, "by_region": by_region, "rows": rows,
            "weak_rows": weak_rows}


def _statuses_by_region(trace: list) -> tuple[list, dict]:
    """Statuses of the trace rows as ``(position, status)``: those for every region, and by region.

    A row is for every region when its ``for_region`` is missing, ``"*"`` or NaN. Grouping once
    keeps the per-region look-up linear in the rows of that region (2,000 townships: 2,000 short
    lists, not 2,000 scans of the whole trace).
    """
    everywhere: list = []
    by_region: dict = {}
    for i, r in enumerate(trace):
        fr = r.get("for_region")
        item = (i, _status(r.get("status")))
        if fr is None or fr == "*" or (isinstance(fr, float) and math.isnan(fr)):
            everywhere.append(item)
        else:
            by_region.setdefault(fr, []).append(item)
    return everywhere, by_region


def _rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def _weakest_item(items: list):
    """The ``(position, status)`` :func:`weakest` would pick from these in position order, or None.

    The least reliable status; among equally unreliable ones, the first (as ``max`` keeps the
    first of equal keys), so combining the picks of parts gives the pick of the whole.
    """
    if not items:
        return None
    return max(items, key=lambda it: (_rank(it[1]), -it[0]))


def _ordered(d: dict) -> dict:
    return dict(sorted(d.items(), key=lambda kv: _ORDER.get(kv[0], 99)))


_ORDER = {s: i for i, s in enumerate(STATUS_ORDER)}


def _by_region(step):
    """A step's value summed over the ecosystems (:attr:`gep.account.plan.Step.value_by_region`, summed once)."""
    if hasattr(type(step), "value_by_region"):
        return step.value_by_region
    value = step.value.data
    return value.sum("ecosystem") if "ecosystem" in value.dims else value


def _labels_and_floats(step, per_region) -> tuple[list[str], list[float]]:
    """The region labels (Python strings) and values (floats) of ``per_region``."""
    if hasattr(type(step), "region_values"):
        labels, values = step.region_values
        return labels, values.tolist()
    return np.asarray(per_region.region.values).astype(str).tolist(), np.asarray(per_region.values, float).tolist()

"""``summary.json``: the machine-readable outcome of an account (DESIGN.md §3.3).

Money in 元 (CNY) as plain numbers. ``by_region`` holds the leaf regions; they,
``by_service`` and ``by_category`` each add up to ``gep``. No timestamps, so
the same inputs give a byte-identical file.

``measure`` is ``"GEP"``; a profile that includes supporting services (Xie's
nutrient cycling and biodiversity) reports ``"ESV"`` and its total under
``"esv"`` -- never under ``"gep"``. ``quality`` gives the share of the value by
the status of the rows it rests on; ``warnings`` what the account found that
does not stop it.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np

from .._version import __version__

__all__ = ["build_summary", "dumps", "total_key", "rows_by_label", "in_measure", "labels_in_measure"]


def _num(x):
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def _clean(obj):
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        obj = obj.item()
    if isinstance(obj, float):
        return None if math.isnan(obj) else obj
    return obj


#: the word GEP in a label, not in "not GEP" / "不是 GEP" (what an ESV account says of itself)
_GEP_WORD = re.compile(r"(?<!not )(?<!不是 )(?<![A-Za-z])GEP(?![A-Za-z])")
_GEP_ZH = re.compile(r"(?<!不是)生态系统生产总值")


def in_measure(text: str, measure: str) -> str:
    """``text`` with GEP (生态系统生产总值) as ``measure``: the labels of an ESV account's summary, workbook, report
    and charts say ESV (生态系统服务价值, which includes supporting services), never GEP."""
    if measure == "GEP":
        return text
    return _GEP_ZH.sub("生态系统服务价值", _GEP_WORD.sub(measure, text)) if measure == "ESV" else \
        _GEP_WORD.sub(measure, text)


def labels_in_measure(indicators: dict, measure: str) -> dict:
    """The indicators with their labels in the account's measure (a copy: the result's own are not changed)."""
    if measure == "GEP":
        return indicators
    out = {}
    for k, ind in indicators.items():
        label = ind.get("label") if isinstance(ind, dict) else None
        out[k] = {**ind, "label": {lang: in_measure(str(v), measure) for lang, v in label.items()}} \
            if isinstance(label, dict) else ind
    return out


def total_key(summary: dict) -> str:
    """``"gep"``, or ``"esv"`` for an account that reports ESV (the key its total is under)."""
    return "esv" if summary.get("measure") == "ESV" else "gep"


def _nansum(values) -> float:
    """The sum skipping NaN, as xarray's ``.sum()`` of a float array computes it (NaN -> 0, then ``numpy.sum``)."""
    values = np.asarray(values)
    if values.dtype.kind == "f":
        values = np.where(np.isnan(values), 0, values)
    return values.sum()


def rows_by_label(frame, columns: tuple[str, ...]) -> dict:
    """label -> the values of ``columns`` in its row of the DataFrame ``frame``, each as ``frame.at[label,
    column]`` gives it (one pass over each column, not one look-up per cell)."""
    return dict(zip(frame.index, zip(*(list(frame[c].array) for c in columns))))


def build_summary(res) -> dict:
    measure = getattr(res, "measure", "GEP")
    total_key = "gep" if measure == "GEP" else "esv"
    services = res.services
    value = res.value.transpose("service", "region")  # the numbers, read once (not one .sel per row)
    grid = value.values
    service_ids = value.service.values
    by_service = {}
    rows = rows_by_label(services, ("category", "label_zh", "label_en", "method", "tier", "physical_unit"))
    for i, sid in enumerate(service_ids):
        category, label_zh, label_en, method, tier, physical_unit = rows[sid]
        by_service[str(sid)] = {
            "category": category,
            "label": {"zh": label_zh, "en": label_en},
            "method": method,
            "tier": tier,
            "value": _num(_nansum(grid[i])),
            "physical": _num(_nansum(res.physical.variables[sid].values)),
            "physical_unit": physical_unit,
        }
    by_region = {}
    cats = services["category"].reindex(service_ids).to_numpy() if len(services) else []
    # GDP of a region in the prices GEP is in (the factor the engine rebased the county's GDP with)
    gdp_factor = res.extra.get("economy_price_factor", 1.0)
    regions = rows_by_label(res.regions, ("gdp_yuan", "population_persons", "name_zh", "name_en", "area_km2"))
    for j, reg in enumerate(value.region.values):
        column = grid[:, j]
        gdp, pop, name_zh, name_en, area = regions[reg]
        by_region[str(reg)] = {
            "name": {"zh": name_zh, "en": name_en},
            total_key: _num(_nansum(column)),
            "land_area_km2": _num(area),
            "by_category": {str(c): _num(column[cats == c].sum()) for c in dict.fromkeys(cats)},
            "gdp": _num(gdp * gdp_factor) if gdp is not None else None,
            "population": _num(pop),
        }
    out = {
        "gep_version": __version__,
        "name": dict(res.name),
        "year": res.year,
        "prices": res.prices,
        "currency": "CNY",
        "profile": res.extra.get("profile"),
        "measure": measure,
        "root": res.root,
        "land_area_km2": _num(res.land_area_km2),
        total_key: _num(res.total),
        "by_category": {k: _num(v) for k, v in res.by_category.items()},
        "by_service": by_service,
        "by_region": by_region,
        "indicators": labels_in_measure(res.indicators, measure),
        "quality": getattr(res, "quality", {}) or {},
        "warnings": [p.to_dict() for p in getattr(res, "warnings", [])],
        "dropped_services": list(res.extra.get("dropped_services", [])),
        "coefficients": {"id": res.coefficients["id"], "version": res.coefficients["version"],
                         "sha256": res.coefficients["sha256"]},
        "inputs": dict(res.inputs),
    }
    for key, val in res.extra.get("summary_sections", {}).items():
        out[key] = val
    return _clean(out)


def dumps(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=False) + "\n"

"""Coefficients a service resolves through its :class:`~gep.services.context.Context`, shaped for the formulas.

* :func:`per_ecosystem` — a per-area rate by ecosystem type (``rate.*`` keys),
  for the types a service applies to; an applicable type with area but no row
  is an error, never a silent zero;
* :func:`per_region` — a regional factor (``climate.*``, ``soil.*``…), township
  rows winning over county rows;
* :func:`scalar` — one price or parameter of the account's region;
* :func:`statistic` — a county statistic of the ``economy`` table.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..classifications import ecosystem_types
from ..errors import ConfigError, MissingCoefficient, problem
from ..units import conversion_factor
from .draws import as_draws

__all__ = ["types_in", "per_ecosystem", "per_region", "scalar", "statistic"]


def types_in(groups) -> list[str]:
    """Ecosystem types whose group (forest, grassland, wetland…) is in ``groups``, or that are named there."""
    return [t for t, spec in ecosystem_types().items() if spec.group in groups or t in groups]


def per_ecosystem(ctx, key: str, unit: str, groups, service: str, *, by_region: bool = True) -> xr.DataArray:
    """A per-area rate by ecosystem type, for the applicable types that have area.

    Types outside ``groups`` get 0. An applicable type with area but no
    coefficient row raises :class:`MissingCoefficient` naming service and type.
    When the coefficient set has township rows for ``key`` (and ``by_region``),
    the rate is resolved per region as well: dims ``(region, ecosystem)``.
    """
    ctx.require_areas(service)
    areas = ctx.areas  # the mapped areas (in draw mode too: which types have area does not vary)
    applicable = set(types_in(groups))
    ecosystems = list(map(str, areas.ecosystem.values))
    regional = by_region and ctx.has_regional_rows(key)
    targets = ctx.regions if regional else [None]
    values = np.zeros((len(targets), len(ecosystems)))
    missing, drawn = [], {}
    for j, eco in enumerate(ecosystems):
        if eco not in applicable:
            continue
        for i, reg in enumerate(targets):
            try:
                v = ctx.coef(key, ecosystem=eco, region=reg, service=service).to(unit)
            except MissingCoefficient:
                if eco not in missing and float(areas.sum("region").sel(ecosystem=eco)) > 0:
                    missing.append(eco)
                continue
            if isinstance(v, xr.DataArray):  # draw mode: a row with a range
                drawn[(i, j)] = v
            else:
                values[i, j] = v
    if missing:
        present = areas.sum("region")  # area of each type (hm²), named in the problem
        raise MissingCoefficient([problem(
            "missing_coefficient",
            f"服务 {service} 缺少系数 {key}（生态系统 {eco}，面积 {float(present.sel(ecosystem=eco)):.2f} hm²）",
            f"service {service} has no coefficient {key} for ecosystem {eco} ({float(present.sel(ecosystem=eco)):.2f} hm²)",
            value=f"{key}/{eco}", hint_zh="在县级系数集中补充该行（注明来源），或选择其他方法",
            hint_en="add the row (with its source) to a county coefficient set, or choose another method")
            for eco in missing])
    dims = ("region", "ecosystem") if regional else ("ecosystem",)
    coords = {"region": ctx.regions, "ecosystem": ecosystems} if regional else {"ecosystem": ecosystems}
    if drawn:
        values = as_draws(values, drawn, ctx.draws.n)
        dims = dims + ("draw",)
    return xr.DataArray(values if regional else values[0], dims=dims, coords=coords, attrs={"units": unit})


def per_region(ctx, key: str, unit: str, service: str) -> xr.DataArray:
    """A per-region factor (township rows win over county rows)."""
    return ctx.coef_by_region(key, unit, service=service)


def scalar(ctx, key: str, unit: str, service: str) -> float | xr.DataArray:
    """One coefficient of the account's region (a price or a parameter), in ``unit``.

    A float; in draw mode, a ``draw`` DataArray when the row has a range.
    """
    return ctx.coef(key, service=service).to(unit)


def statistic(ctx, indicator: str, unit: str, service: str, required: bool = True) -> float | None:
    """A county statistic from the economy table, converted to ``unit``."""
    econ = ctx.economy
    if econ is not None:
        first = _first_rows(ctx, econ)
        if indicator in first:
            r = econ.iloc[first[indicator]]
            value = float(r["value_canonical"]) * conversion_factor(r["canonical_unit"], unit)
            ctx.trace.append({"service": service, "key": f"statistic.{indicator}", "value": value, "unit": unit,
                              "source": r["source"], "status": r["status"]})
            return value
    if required:
        raise ConfigError(problem(
            "missing_statistic", f"服务 {service} 需要统计指标 {indicator}（经济/统计表 [inputs] economy）",
            f"service {service} needs the statistic {indicator} in the economy table ([inputs] economy)",
            value=indicator, hint_zh=f"在 economy 表中加一行 {indicator}，注明单位与来源",
            hint_en=f"add a row {indicator} with its unit and source to the economy table"))
    return None


def _first_rows(ctx, econ) -> dict:
    """Indicator -> position of its first row in the economy table (built once per account, not a scan per look-up)."""
    cache = ctx.params.get("_economy_rows")
    if cache is None or cache[0] is not econ:
        positions: dict = {}
        for i, name in enumerate(econ["indicator"].tolist()):
            positions.setdefault(name, i)
        cache = ctx.params["_economy_rows"] = (econ, positions)
    return cache[1]

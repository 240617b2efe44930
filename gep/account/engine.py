"""Running an account: the checked plan turned into an :class:`~gep.account.AccountResult`.

The work — reading inputs, executing every service, the checks — is the plan's
(:func:`gep.account.plan.build_plan`); ``validate()`` builds the same plan. This
module only refuses a plan with problems and assembles the result of one
without: value by service × region × ecosystem, physical accounts, the
services table, indicators, provenance, quality and warnings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from ..services import get_service
from .plan import Plan, table_for_year
from .result import AccountResult

__all__ = ["run_account", "assemble", "UNATTRIBUTED"]

#: Ecosystem label for value that a method does not break down by ecosystem.
UNATTRIBUTED = "unattributed"


def run_account(account) -> AccountResult:
    """Build (or reuse) the account's plan; raise its problems, or assemble the result."""
    plan = account.plan()
    if plan.problems:
        from .inputs import _most_specific

        raise _most_specific(plan.problems)
    return assemble(account, plan)


def assemble(account, plan: Plan) -> AccountResult:
    """The result of a plan without problems."""
    ctx = plan.context
    inputs = plan.inputs
    regions = ctx.regions
    eco_types = list(ctx.areas.ecosystem.values) if ctx.areas is not None else []
    ecosystems = eco_types + [UNATTRIBUTED]
    physical_vars, service_rows, traces, components = {}, [], [], {}
    # value by service × region × ecosystem, filled in place (one array, not a DataArray per service to concat)
    grid = np.zeros((len(plan.steps), len(regions), len(ecosystems)))
    template = xr.DataArray(np.zeros(len(regions)), dims=("region",), coords={"region": regions})
    r_index, e_index = {r: i for i, r in enumerate(regions)}, {e: j for j, e in enumerate(ecosystems)}
    for k, (sid, step) in enumerate(plan.steps.items()):
        svc = get_service(sid)
        method = svc.method(step.method)
        traces.extend(step.trace)
        physical_vars[sid] = _on_regions(step.physical.data, regions, template, attrs=dict(
            units=svc.physical_unit, long_name=svc.physical_label["en"], long_name_zh=svc.physical_label["zh"],
            service_label_en=svc.label["en"], service_label_zh=svc.label["zh"], method=method.name))
        _fill_region_ecosystem(grid[k], step.value.data, r_index, e_index, UNATTRIBUTED)
        val = step.value
        if val.components:  # named parts of the value (sediment / N / P, pollutants, statistics items), 元 by region
            components[sid] = {
                name: _on_regions(part.sum("ecosystem") if "ecosystem" in part.dims else part, regions, template,
                                  attrs={"units": "元"}) for name, part in val.components.items()}
        service_rows.append({
            "service": sid, "category": svc.category, "label_zh": svc.label["zh"], "label_en": svc.label["en"],
            "method": method.name, "tier": method.tier, "physical_unit": svc.physical_unit,
            "valuation_zh": method.valuation.get("zh", ""), "valuation_en": method.valuation.get("en", ""),
        })

    # the service labels as object strings, as concatenating one DataArray per service gave them
    service_labels = np.array(list(plan.steps), dtype=object) if plan.steps else []
    vbe = xr.DataArray(grid, dims=("service", "region", "ecosystem"),
                       coords={"service": service_labels, "region": regions, "ecosystem": ecosystems})
    # keep the unattributed column only when something is in it
    if UNATTRIBUTED in vbe.ecosystem.values and not vbe.sel(ecosystem=UNATTRIBUTED).any():
        vbe = vbe.drop_sel(ecosystem=UNATTRIBUTED)
    vbe = vbe.assign_attrs(units="元", long_name="ecosystem service value", long_name_zh="生态系统服务价值")
    value = vbe.sum("ecosystem").assign_attrs(units="元", long_name="GEP by service and region",
                                             long_name_zh="分服务分地区生态系统生产总值")
    services = pd.DataFrame(service_rows).set_index("service") if service_rows else pd.DataFrame(
        columns=["category", "label_zh", "label_en", "method", "tier", "physical_unit"])
    physical = xr.Dataset(physical_vars)

    rt = inputs["regions"]
    cset = ctx.coefficients
    base = str(account.base_dir).rstrip("/") + "/"
    for rec in traces:  # provenance names input files relative to the config, not by machine path
        for k in ("source", "file"):
            if isinstance(rec.get(k), str) and base in rec[k]:
                rec[k] = rec[k].replace(base, "")
    for rel, enc in getattr(account, "input_encodings", {}).items():  # a file read as GBK/GB18030, not UTF-8
        traces.append({"service": "inputs", "key": "input.encoding", "value": enc, "unit": "", "file": rel,
                       "source": f"{rel} decoded as {enc} (not UTF-8)"})
    provenance = pd.DataFrame(traces)
    tm_input = account.config.get("inputs", {}).get("two_mountains")
    from .plan import computed_ids, plan_measure

    return AccountResult(
        name=account.name, year=account.year, prices=account.config["account"].get("prices", "current"),
        value=value, value_by_ecosystem=vbe, physical=physical, services=services,
        regions=rt.frame, root=rt.root, land_area_km2=rt.area_km2(), indicators=plan.indicators,
        provenance=provenance,
        coefficients={"id": cset.id, "version": cset.version, "sha256": cset.sha256, "chain": cset.chain,
                      "title": cset.manifest.get("title", {}), "sources": cset.used_sources()},
        inputs=dict(sorted(account.input_hashes.items())), config=account.config,
        land_use_rows=inputs.get("land_use_rows"), economy=inputs.get("economy"),
        warnings=list(plan.warnings), quality=dict(plan.quality),
        extra={"areas": ctx.areas, "profile": account.config["account"]["profile"], "coefficient_set": cset,
               "dropped_services": list(plan.dropped),
               "two_mountains": plan.two_mountains,
               "two_mountains_input": None if tm_input is None else (
                   plan.two_mountains_input.copy() if plan.two_mountains_input is not None
                   else table_for_year(inputs["two_mountains"], account.year)),
               "two_mountains_computed": computed_ids(plan.indicators, plan_measure(plan)) if tm_input is not None
               else None,
               "statistics_report": getattr(ctx.statistics, "report", None),
               "maps": ctx.params.get("_maps") or {},
               "value_components": components, "economy_price_factor": plan.economy_price_factor,
               "boundaries": None if inputs.get("boundaries") is None else inputs["boundaries"].collection},
    )


def _fill_region_ecosystem(out: np.ndarray, da: xr.DataArray, r_index: dict[str, int], e_index: dict[str, int],
                           unattributed: str) -> None:
    """Put a (region[, ecosystem]) result on the full (region, ecosystem) grid ``out`` (zeros elsewhere).

    Written into one slice of the service × region × ecosystem array (a result
    without an ecosystem dimension goes to ``unattributed``); ``r_index`` and
    ``e_index``: the position of each region and ecosystem on the grid.
    """
    rows = _positions(da.region.values, r_index)
    if "ecosystem" in da.dims:
        cols = _positions(da.ecosystem.values, e_index)
        values = da.values if da.dims == ("region", "ecosystem") else da.transpose("region", "ecosystem").values
        if isinstance(rows, slice) or isinstance(cols, slice):
            out[rows, cols] = values
        else:
            out[np.ix_(rows, cols)] = values
    else:
        out[rows, e_index[unattributed]] = da.values


def _positions(labels: np.ndarray, index: dict[str, int]) -> slice | list[int]:
    """Positions of ``labels`` on a grid whose ``index`` maps label → position; a slice when they are its first ones
    in order (the usual case: every result on the account's regions)."""
    names = np.asarray(labels).astype(str).tolist()
    if names == list(index)[:len(names)]:
        return slice(0, len(names))
    return [index[n] for n in names]


def _on_regions(da: xr.DataArray, regions: list[str], template: xr.DataArray, attrs: dict | None = None) -> xr.DataArray:
    """``da.reindex(region=regions, fill_value=0.0).assign_attrs(attrs)``; ``template``: a zero DataArray on ``regions``.

    A result already on exactly ``regions`` (the usual case) is a copy of its
    values, without xarray's alignment machinery: on the template when it has
    no other dimension or coordinate, else on its own coordinates. Any other
    result is reindexed. ``attrs`` are set on that new array (``assign_attrs`` would copy it once more).
    """
    # the same labels, in order, of the same dtype (Index.equals compares the labels: a few µs, not the 40 of
    # building the coordinate's DataArray to compare its values as lists)
    if "region" in da.xindexes and da.get_index("region").equals(template.get_index("region")) \
            and da.coords.variables["region"].dtype == template.coords.variables["region"].dtype:
        if da.dims == ("region",) and len(da.coords) == 1:
            out = template.copy(deep=False, data=da.values.copy())
            out.attrs.update(da.attrs)  # a shallow copy has attrs of its own
        else:
            out = da.copy(deep=False, data=da.values.copy())
    else:
        out = da.reindex(region=regions, fill_value=0.0)
    if attrs:
        out.attrs = {**out.attrs, **attrs}  # a new dict: never the attributes of ``da``
    return out

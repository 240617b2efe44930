"""Running an account: every planned service, physical step then value step."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from ..services.context import Context
from ..indicators import account_indicators
from ..services import get_service

__all__ = ["run_account", "UNATTRIBUTED"]

#: Ecosystem label for value that a method does not break down by ecosystem.
UNATTRIBUTED = "unattributed"


def _by_region_ecosystem(da: xr.DataArray, regions: list[str], ecosystems: list[str]) -> xr.DataArray:
    """Bring a (region[, ecosystem]) result onto the full (region, ecosystem) grid."""
    out = np.zeros((len(regions), len(ecosystems)))
    r_index = {r: i for i, r in enumerate(regions)}
    e_index = {e: j for j, e in enumerate(ecosystems)}
    rows = [r_index[str(r)] for r in da.region.values]
    if "ecosystem" in da.dims:
        cols = [e_index[str(e)] for e in da.ecosystem.values]
        out[np.ix_(rows, cols)] = da.transpose("region", "ecosystem").values
    else:
        out[rows, e_index[UNATTRIBUTED]] = da.values
    return xr.DataArray(out, dims=("region", "ecosystem"), coords={"region": regions, "ecosystem": ecosystems})


def _check_finite(da: xr.DataArray, service: str, step: str) -> None:
    bad = ~np.isfinite(da.values)
    if bad.any():
        from ..errors import GepError, problem

        where = da.where(bad, drop=True)
        regions = list(map(str, where.region.values)) if "region" in where.dims else []
        raise GepError(problem(
            "non_finite_result", f"服务 {service} 的{('实物量' if step == 'physical' else '价值量')}出现 NaN/无穷（地区 {regions}）",
            f"service {service} produced NaN or infinite {step} values (regions {regions})",
            hint_zh="检查该服务的输入与系数", hint_en="check the inputs and coefficients of this service"))


def _check_given_rows_are_used(ctx: Context, plan) -> None:
    """Every row of the physical table must feed a service accounted with its ``given`` method."""
    if ctx.physical is None:
        return
    given = {sid for sid, method in plan if method == "given"}
    unused = ctx.physical[~ctx.physical["service"].isin(given)]
    if unused.empty:
        return
    from ..errors import ConfigError, problem

    raise ConfigError([problem(
        "given_quantity_unused", f"服务 {r['service']} 的给定实物量未被使用：该服务不在核算方案中或未选用 given 方法",
        f"the given quantity of {r['service']} would not be used: the service is not in the profile or its method is not 'given'",
        row=int(r["_row"]), column="service", value=r["service"],
        hint_zh=f"在 [services] 中设置 \"{r['service']}\" = \"given\"", hint_en=f"set \"{r['service']}\" = \"given\" in [services]")
        for _, r in unused.iterrows()])


def _table_for_year(table: pd.DataFrame, year: int) -> pd.DataFrame:
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


def _computed_ids(computed: dict) -> dict:
    from ..io.two_mountains import COMPUTED_BY

    return {k: v for k, v in computed.items() if k in COMPUTED_BY}


def run_account(account) -> "AccountResult":  # noqa: F821
    from .result import AccountResult

    ctx: Context = account.context()
    loaded = account._load()
    plan = loaded["plan"]
    regions = ctx.regions
    eco_types = list(ctx.areas.ecosystem.values) if ctx.areas is not None else []
    ecosystems = eco_types + [UNATTRIBUTED]

    _check_given_rows_are_used(ctx, plan)
    values, physical_vars, service_rows, traces = [], {}, [], []
    for sid, method_name in plan:
        svc = get_service(sid)
        method = svc.method(method_name)
        params = ctx.params.get(sid, {})
        start = len(ctx.trace)
        phys = method.quantify(ctx, params)
        _check_finite(phys.data, sid, "physical")
        val = method.value(ctx, phys, params)
        if "statistics" in method.inputs and ctx.price_year != ctx.year:
            # statistics are in the prices of their own year: bring them to the account's basis
            factor = ctx.rebase_factor(ctx.year)
            val = type(val)(data=(val.data * factor).assign_attrs(units="元"), trace=val.trace + [
                {"key": "rebase.statistics", "value": factor, "unit": "1",
                 "source": f"deflator {ctx.year} → {ctx.price_year}"}], components=val.components)
        _check_finite(val.data, sid, "value")
        for rec in ctx.trace[start:] + phys.trace + val.trace:
            traces.append({"service": sid, "method": method.name, **{k: v for k, v in rec.items() if k != "service"}})
        pdata = phys.data.reindex(region=regions, fill_value=0.0)
        physical_vars[sid] = pdata.assign_attrs(
            units=svc.physical_unit, long_name=svc.physical_label["en"], long_name_zh=svc.physical_label["zh"],
            service_label_en=svc.label["en"], service_label_zh=svc.label["zh"], method=method.name)
        values.append(_by_region_ecosystem(val.data, regions, ecosystems).expand_dims(service=[sid]))
        service_rows.append({
            "service": sid, "category": svc.category, "label_zh": svc.label["zh"], "label_en": svc.label["en"],
            "method": method.name, "tier": method.tier, "physical_unit": svc.physical_unit,
            "valuation_zh": method.valuation.get("zh", ""), "valuation_en": method.valuation.get("en", ""),
        })

    vbe = xr.concat(values, dim="service") if values else xr.DataArray(
        np.zeros((0, len(regions), len(ecosystems))), dims=("service", "region", "ecosystem"),
        coords={"service": [], "region": regions, "ecosystem": ecosystems})
    # keep the unattributed column only when something is in it
    if UNATTRIBUTED in vbe.ecosystem.values and not vbe.sel(ecosystem=UNATTRIBUTED).any():
        vbe = vbe.drop_sel(ecosystem=UNATTRIBUTED)
    vbe = vbe.assign_attrs(units="元", long_name="ecosystem service value", long_name_zh="生态系统服务价值")
    value = vbe.sum("ecosystem").assign_attrs(units="元", long_name="GEP by service and region",
                                             long_name_zh="分服务分地区生态系统生产总值")
    services = pd.DataFrame(service_rows).set_index("service") if service_rows else pd.DataFrame(
        columns=["category", "label_zh", "label_en", "method", "tier", "physical_unit"])
    physical = xr.Dataset(physical_vars)

    rt = loaded["regions"]
    total = float(value.sum())
    cats = services["category"].reindex(value.service.values) if len(services) else pd.Series(dtype=str)
    by_cat = value.sum("region").to_series().groupby(cats.values).sum().to_dict() if len(services) else {}
    econ = loaded.get("economy")
    econ_values = None if econ is None else dict(zip(econ["indicator"], econ["value_canonical"]))
    ind_cfg = account.config.get("indicators", {})
    root_info = rt.frame.loc[rt.root]
    # year-specific economy figures win over the region table's
    pop = (econ_values or {}).get("population", root_info["population_persons"])
    gdp = (econ_values or {}).get("gdp", root_info["gdp_yuan"])
    factor = 1.0
    if ctx.price_year != ctx.year:
        # money of the economy table is in the account year's prices: bring it to the same basis as GEP
        factor = ctx.rebase_factor(ctx.year)
        gdp = gdp * factor if gdp is not None and not pd.isna(gdp) else gdp
        if econ is not None:
            money = set(econ.loc[econ["canonical_unit"].str.startswith("元"), "indicator"])
            econ_values = {k: (v * factor if k in money else v) for k, v in econ_values.items()}
    indicators = account_indicators(
        gep=total, by_category=by_cat, land_area_km2=rt.area_km2(), population=None if pd.isna(pop) else float(pop),
        gdp=None if pd.isna(gdp) else float(gdp), economy=econ_values,
        numerator=ind_cfg.get("resident_share_numerator", "realised_gep"),
        denominator=ind_cfg.get("resident_share_denominator", "gdp"))

    cset = ctx.coefficients
    base = str(account.base_dir).rstrip("/") + "/"
    for rec in traces:  # provenance names input files relative to the config, not by machine path
        for k in ("source", "file"):
            if isinstance(rec.get(k), str) and base in rec[k]:
                rec[k] = rec[k].replace(base, "")
    provenance = pd.DataFrame(traces)
    two_mountains = None
    tm_input = account.config.get("inputs", {}).get("two_mountains")
    if tm_input is not None:
        from ..indicators.two_mountains import evaluate_indicator_table

        computed = _computed_ids({k: v["value"] for k, v in indicators.items() if v.get("value") is not None})
        two_mountains = evaluate_indicator_table(_table_for_year(loaded["two_mountains"], account.year),
                                                 computed=computed)
    return AccountResult(
        name=account.name, year=account.year, prices=account.config["account"].get("prices", "current"),
        value=value, value_by_ecosystem=vbe, physical=physical, services=services,
        regions=rt.frame, root=rt.root, land_area_km2=rt.area_km2(), indicators=indicators,
        provenance=provenance,
        coefficients={"id": cset.id, "version": cset.version, "sha256": cset.sha256, "chain": cset.chain,
                      "title": cset.manifest.get("title", {}), "sources": cset.used_sources()},
        inputs=dict(sorted(account.input_hashes.items())), config=account.config,
        land_use_rows=loaded.get("land_use_rows"), economy=econ,
        extra={"areas": ctx.areas, "profile": account.config["account"]["profile"], "coefficient_set": cset,
               "two_mountains": two_mountains,
               "two_mountains_input": None if tm_input is None else _table_for_year(loaded["two_mountains"], account.year),
               "two_mountains_computed": computed if tm_input is not None else None,
               "statistics_report": getattr(ctx.statistics, "report", None),
               "maps": ctx.params.get("_maps") or {}, "economy_price_factor": factor},
    )

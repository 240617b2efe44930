"""The checks of the account plan that need more than one input: nothing wrong passes silently.

Each check returns problems (the account stops) and, where a finding does not
invalidate the figures, warnings (they travel with the result). See
:mod:`gep.account.plan` for when each runs, and ``docs/errors.md`` for every
code.

========================== =========================================================================
check                      what it catches
========================== =========================================================================
:func:`finite`             NaN or infinite physical quantity or value (names service and regions)
:func:`negative_totals`    a negative GEP, of the account or of a region (names services and regions)
:func:`negative_services`  (a warning) a service of the physical-then-value kind with a negative total
:func:`given_rows_are_used` a given physical quantity no service of the plan would use
:func:`zero_services`      a service of the profile that yields exactly zero for the whole account
:func:`raster_coverage`    pixels a service needs but has no data for (nodata, NaN), per region
:func:`statistics_years`   statistics rows of other years; a service left with only other years' rows
:func:`figures_agree`      GDP or population given twice with two values; implausible magnitudes
                           (GDP per resident, density, reservoir capacity, coastline, money figures ÷ GDP)
:func:`physical_magnitudes` a year's water supply deeper than 20 m over the county's land
:func:`indicator_ranges`   a share above 100 %, a non-finite indicator
:func:`official_purpose`   ``purpose = "official"`` with illustrative or unverified rows carrying value
========================== =========================================================================
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import xarray as xr

from ..errors import GepError, Problem, problem

__all__ = ["finite", "negative_totals", "given_rows_are_used", "zero_services", "raster_coverage", "statistics_years",
           "figures_agree", "physical_magnitudes", "negative_services", "coefficient_rows_for_no_region", "indicator_ranges", "official_purpose", "quality_warning", "DEFAULT_MAX_MISSING",
           "FIGURE_TOLERANCE", "PLAUSIBLE", "MULTIPLE_OF_GDP", "LEAST_SHARE_OF_GDP", "TOWNSHIPS_OVER_COUNTY"]

#: share of the pixels a service needs in a region that may lack data before the account stops
DEFAULT_MAX_MISSING = 0.001

#: relative tolerance between two statements of the same figure (regions table vs economy table)
FIGURE_TOLERANCE = 0.005

#: plausible ranges of county figures in canonical units: (low, high, unit, what a slip looks like)
PLAUSIBLE = {
    "gdp_per_resident": (1_000.0, 5_000_000.0, "元/人",
                         "GDP 的单位（元/万元/亿元）或人口的单位（人/万人）可能写错",
                         "the unit of GDP (元/万元/亿元) or of population (人/万人) is probably wrong"),
    # 双湖县 (Tibet) has some 14,000 residents on 116,600 km²: 0.12 per km²
    "population_density": (0.05, 60_000.0, "人/km²",
                           "人口的单位（人/万人）或面积的单位可能写错",
                           "the unit of population (人/万人) or of the area is probably wrong"),
    # a physical bound: the reservoirs' total capacity spread over the county's land. The Three Gorges (39.3 km³)
    # over the 3,424 km² of 夷陵区 that holds its dam is 11.5 m; 100 m is no county's
    "reservoir_depth": (0.0, 100.0, "m",
                        "水库总库容的单位（m³/万m³/亿m³）可能写错：库容平铺在全县土地上深度超过 100 m",
                        "the unit of reservoir_capacity (m³/万m³/亿m³) is probably wrong: spread over the county's "
                        "land it would stand more than 100 m deep"),
    # China's mainland coastline is about 18,000 km: no county has more
    "coastline_length": (0.0, 18_000.0, "km",
                         "海岸线长度的单位（m/km）可能写错：超过中国大陆海岸线全长（约 1.8 万 km）",
                         "the unit of coastline_length (m/km) is probably wrong: longer than China's whole mainland "
                         "coastline (about 18,000 km)"),
    # domestic water per resident of the region a statistics row is for. WHO's survival minimum for drinking and
    # cooking is 7.5 L a day (Technical notes on drinking-water, sanitation and hygiene in emergencies, 2013, note
    # 9): 2.7 m³ a year. 1,000 m³ a year is 2,700 L a day, several times any city's domestic use
    "domestic_water_per_resident": (2.7, 1_000.0, "m³/(人·a)",
                                    "生活用水量的单位（m³/万m³）或人口的单位（人/万人）可能写错",
                                    "the unit of the domestic water use (m³/万m³) or of the population (人/万人) is "
                                    "probably wrong"),
    # tourism revenue per visit of a region's statistics rows. China's domestic tourists spent 5.73 万亿元 on
    # 60.06 亿 trips in 2019, 954 元 a trip (文化和旅游部《2019 年文化和旅游发展统计公报》): a county's average
    # below 10 元 or above 100,000 元 is a unit slip (人次 for 万人次, 元 for 万元)
    "spending_per_visit": (10.0, 100_000.0, "元/人次",
                           "旅游人次的单位（人次/万人次）或旅游收入的单位（元/万元/亿元）可能写错",
                           "the unit of the visits (人次/万人次) or of the tourism revenue (元/万元/亿元) is probably "
                           "wrong"),
    # water supplied in a year, spread over the county's land: Shanghai's 7.8 km³ over 6,340 km² is 1.2 m
    "water_use_depth": (0.0, 20.0, "m/a",
                        "供水量的单位（m³/万m³/亿m³）可能写错：一年的供水平铺在全县土地上深度超过 20 m",
                        "the unit of a water-use quantity (m³/万m³/亿m³) is probably wrong: a year's supply spread over "
                        "the county's land would stand more than 20 m deep"),
}

#: money figures of the economy table as a multiple of GDP: the highest plausible, and why. A figure above it is a
#: unit slip (万元 written as 亿元 is 10⁴ times); ``[checks] plausibility = false`` accepts one that is right
#: ... and each of them, when not zero, at least this share of GDP: a figure in 万元 written under 亿元 is 10⁴
#: times too small (66.8 万元 of eco-tourism revenue in a county of 1,135 亿元 GDP is 6·10⁻⁶ of it)
LEAST_SHARE_OF_GDP = 1e-5

MULTIPLE_OF_GDP = {
    "tertiary_value_added": (1.0, "第三产业增加值是 GDP 的一部分", "tertiary value added is a part of GDP"),
    "fiscal_revenue": (1.0, "财政总收入来自 GDP 的一部分", "fiscal revenue is raised from a part of GDP"),
    "eco_compensation_income": (1.0, "生态补偿收入不会超过 GDP", "eco-compensation income does not exceed GDP"),
    "agricultural_output": (3.0, "农林牧渔业总产值约为其增加值的两倍", "gross farm output is about twice its value added"),
    "green_organic_agri_output": (3.0, "是农林牧渔业总产值的一部分", "a part of the gross farm output"),
    "industrial_output": (10.0, "工业总产值与增加值之比很少超过 5", "gross industrial output is rarely 5 times its value added"),
    "eco_processing_output": (10.0, "是工业产值的一部分", "a part of the gross industrial output"),
    "tourism_revenue": (10.0, "旅游收入最高的县也只有 GDP 的数倍", "even the most visited counties take a few times their GDP"),
    "eco_tourism_revenue": (10.0, "是旅游收入的一部分", "a part of the tourism revenue"),
}


def _regions_where(da: xr.DataArray, mask: np.ndarray) -> list[str]:
    if "region" not in da.dims:
        return []
    m = np.asarray(mask)
    other = [d for d in da.dims if d != "region"]
    if other:
        axes = tuple(da.dims.index(d) for d in other)
        m = m.any(axis=axes)
    return [str(r) for r, bad in zip(da.region.values, np.atleast_1d(m)) if bad]


def finite(da: xr.DataArray, service: str, step: str) -> None:
    """Raise ``non_finite_result`` when a quantity or value has NaN or infinite cells."""
    values = np.asarray(da.values, dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        regions = _regions_where(da, bad)
        what_zh = "实物量" if step == "physical" else "价值量"
        raise GepError(problem(
            "non_finite_result", f"服务 {service} 的{what_zh}出现 NaN/无穷（地区 {regions}）",
            f"service {service} produced NaN or infinite {step} values (regions {regions})", value=service,
            hint_zh="检查该服务的输入与系数（是否有空值、无数据像元或超大数值）",
            hint_en="check the inputs and coefficients of this service (empty cells, nodata pixels, huge numbers)"))


def _region_values(step) -> tuple[list[str], np.ndarray]:
    """A step's value by region as labels and values: :attr:`gep.account.plan.Step.region_values` (summed once)
    when the step has it, else summed here."""
    if hasattr(type(step), "region_values"):
        return step.region_values
    da = step.value.data
    r = da.sum("ecosystem") if "ecosystem" in da.dims else da
    return np.asarray(r.region.values).astype(str).tolist(), np.asarray(r.values, dtype=float)


def negative_totals(steps: dict) -> list[Problem]:
    """GEP, and GEP of each region, is never negative.

    A single service may be negative where its method says so (value transfer's
    water supply of paddy fields, Xie 2015: −2.63 equivalents), but the total of
    a region is not: a negative total names the regions and the negative services.
    """
    if all(s.value is None for s in steps.values()):
        return []
    names0, per_region = None, None  # GEP by region, summed service by service
    aligned: pd.Series | None = None  # the same, aligned on the labels, once a service has other regions
    negative_cells: dict[str, list[str]] = {}
    for sid, s in steps.items():
        if s.value is None:
            continue
        names, values = _region_values(s)
        for k in np.flatnonzero(values < 0):
            negative_cells.setdefault(names[k], []).append(sid)
        if aligned is None and (names0 is None or names == names0):  # the usual case: one array of the regions
            names0, per_region = names, values.copy() if per_region is None else per_region + values
            continue
        if aligned is None:
            aligned = pd.Series(per_region, index=names0)
        aligned = aligned.add(pd.Series(values, index=names), fill_value=0.0)
    if aligned is not None:
        names0, per_region = [str(x) for x in aligned.index], aligned.to_numpy()
    bad = sorted(names0[k] for k in np.flatnonzero(per_region < 0))
    total = float(per_region.sum())
    out = []
    if bad or total < 0:
        services = sorted({s for reg in (bad or list(negative_cells)) for s in negative_cells.get(reg, [])})
        out.append(problem(
            "negative_value", f"生态系统生产总值为负：地区 {bad or '全部'}（负值服务：{services}）",
            f"GEP is negative: regions {bad or 'all'} (services with negative values: {services})", value=bad,
            hint_zh="检查这些服务的系数与输入（如负的当量因子占主导、扣减比例、负的实物量）",
            hint_en="check the coefficients and inputs of these services (negative equivalents dominating, "
                    "deduction shares, negative quantities)"))
    return out


def negative_services(steps: dict) -> list[Problem]:
    """Warnings: a service of the physical-then-value kind whose total over the account is negative.

    Its physical quantity came out below zero: water conservation where evapotranspiration and runoff exceed the
    precipitation, for instance. That happens in a desert; it happens far more often when a raster is in metres
    or a day's total where the method needs an annual total in mm. Value transfer may be negative by its method
    (the water supply of paddy fields, Xie 2015) and is not warned about.
    """
    out = []
    for sid, s in steps.items():
        if s.value is None or sid.startswith("esv."):
            continue
        total = s.value_total
        if total < 0:
            phys = s.physical.data if s.physical is not None else None
            q = "" if phys is None else f"{float(phys.sum()):,.6g} {phys.attrs.get('units', '')}"
            out.append(problem(
                "negative_service", f"服务 {sid} 合计为负：{total / 1e8:,.4g} 亿元（实物量 {q}）",
                f"service {sid} totals a negative {total / 1e8:,.4g} 亿元 (physical quantity {q})", value=sid,
                hint_zh="检查其输入的单位（降水、蒸散发应为年总量 mm，而不是 m 或日值）；干旱地区确可为负，请在报告中说明",
                hint_en="check the units of its inputs (precipitation and evapotranspiration as annual totals in mm, not m "
                        "or a day's); in a dry region it may truly be negative: say so in the report"))
    return out


def coefficient_rows_for_no_region(ctx) -> list[Problem]:
    """Warnings: rows of the account's own coefficient set for a region that is none of the account's regions or
    their codes (a mistyped code: 330640 for 330604). They are never used, and the value of an older row, or of the
    parent set, stands in for them without a word. Rows of the sets it extends may cover any region."""
    import difflib

    cs = getattr(ctx, "coefficients", None)
    table = getattr(cs, "table", None)
    if table is None or table.empty or "_set" not in table or not getattr(ctx, "resolution_chain", None):
        return []
    known = {str(c) for chain in ctx.resolution_chain.values() for c in chain}
    own = table[(table["_set"] == cs.id) & ~table["region"].astype(str).isin(known | {"*", "", "nan", "None"})]
    out = []
    for region, rows in own.groupby(own["region"].astype(str), sort=True):
        near = difflib.get_close_matches(region, sorted(known), n=1, cutoff=0.6)
        keys = sorted(set(rows["key"].astype(str)))
        out.append(problem(
            "coefficient_rows_for_no_region",
            f"系数集 {cs.id} 中地区 {region!r} 的 {len(rows)} 行（{'、'.join(keys[:3])}）不属于本核算的任何地区，不会被使用"
            + (f"；是否指 {near[0]}？" if near else ""),
            f"{len(rows)} rows of coefficient set {cs.id} are for region {region!r} ({', '.join(keys[:3])}), none of "
            f"this account's regions or their codes: they are never used" + (f"; did you mean {near[0]}?" if near else ""),
            file=str(rows["_file"].iloc[0]), row=int(rows["_row"].iloc[0]), column="region", value=region,
            hint_zh="更正地区代码；否则这些键会取较早年份或上级系数集的值", hint_en="correct the region code; otherwise these "
            "keys take an older row's value or the parent set's"))
    return out


def _of_the_set(ctx, check) -> list[Problem]:
    """``check(cs)`` of the account's coefficient set ``cs``: a property of the set alone, computed once per set
    (:meth:`gep.coefficients.CoefficientSet.derived`) for every account that uses it."""
    cs = getattr(ctx, "coefficients", None)
    if cs is None:
        return []
    return list(cs.derived(check.__name__, lambda: check(cs)) if hasattr(cs, "derived") else check(cs))


#: the columns of a coefficient row that :func:`_rows_in_key_units` gives with its value in the key's unit
_ROW_COLUMNS = ("key", "ecosystem", "_set", "_file", "_row")


def _rows_in_key_units(frame: pd.DataFrame):
    """``(key, ecosystem, set, file, row, spec, value)`` of each declared row of ``frame``, its value in the
    key's unit (rows whose value does not convert left out)."""
    from ..coefficients.keys import key_spec

    for (key, eco, set_id, file, row), value, unit in zip(zip(*(frame[c].tolist() for c in _ROW_COLUMNS)),
                                                          frame["value"].tolist(), frame["unit"].tolist()):
        spec = key_spec(key)
        v = None if spec is None else spec.in_unit(value, unit)
        if v is not None:
            yield key, str(eco), set_id, file, row, spec, v


#: a coefficient row this many times above or below every row of its key in the sets its set extends: a unit slip
#: (元/kg for 元/t is 1,000 times; g/m² for t/hm² 100 times) rather than a county that differs. Prices of other
#: years and places differ by less: the shipped sets' CO₂ prices, the widest, span 13 times (29.57–380 元/t)
FAR_FROM_REFERENCE = 30.0


def coefficients_far_from_reference(ctx) -> list[Problem]:
    """Warnings: a row of a set in the account's chain whose value, in its key's unit, is more than
    :data:`FAR_FROM_REFERENCE` times above or below every row of the same key (and ecosystem) in the sets it
    extends. A county's SO₂ price in 元/kg where the unit column says 元/t made air purification 692 times larger
    without a word; the sets it extends (cn-rcees: 1,200 元/t) say what such a value looks like."""
    return _of_the_set(ctx, _far_from_reference)


def _far_from_reference(cs) -> list[Problem]:
    """:func:`coefficients_far_from_reference` of the set ``cs``."""
    table = getattr(cs, "table", None)
    chain = list(getattr(cs, "chain", None) or [])
    if table is None or table.empty or "_set" not in table or len(chain) < 2:
        return []
    depth = {sid: i for i, sid in enumerate(chain)}  # 0: the account's own set; higher: the sets it extends
    frame = table[table["_set"].isin(depth)]
    shared = frame.groupby("key", sort=True)["_set"].nunique()  # keys with rows in two sets or more
    frame = frame[frame["key"].isin(shared.index[shared.to_numpy() > 1])]
    specs: dict = {}
    by_key: dict[str, list] = {}  # key -> (depth of its set, ecosystem, value in the key's unit, set, file, row)
    for key, eco, set_id, file, row, spec, v in _rows_in_key_units(frame):
        specs[key] = spec
        by_key.setdefault(key, []).append((depth[set_id], eco, v, set_id, file, row))
    out = []
    for key in sorted(by_key):
        values, spec = by_key[key], specs[key]
        for d, eco, v, set_id, file, row in values:
            reference = [(w, s_) for e, x, w, s_, _, _ in values if e > d and x in (eco, "*") and w > 0]
            if v <= 0 or not reference:
                continue
            (low, _), (high, high_set) = min(reference), max(reference)
            if low / FAR_FROM_REFERENCE <= v <= high * FAR_FROM_REFERENCE:
                continue
            above = v > high
            times = v / high if above else low / v
            ref = f"{high_set}：" + f"{low:,.6g}" + (f"–{high:,.6g}" if high != low else "") + f" {spec.unit}"
            ref_en = ref.replace("：", ": ")
            where_zh = f"是所继承系数集取值（{ref}）的 {times:,.0f} 倍" if above else \
                f"只有所继承系数集取值（{ref}）的 {times:,.0f} 分之一"
            out.append(problem(
                "coefficient_far_from_reference",
                f"系数 {key} = {v:,.6g} {spec.unit}（{set_id}）{where_zh}：可能是单位错误",
                f"coefficient {key} = {v:,.6g} {spec.unit} ({set_id}) is {times:,.0f} times "
                f"{'above' if above else 'below'} the value of the set it extends ({ref_en}): a unit slip?",
                file=str(file), row=int(row), column="value", value=key,
                hint_zh="检查该行的单位（元/kg 是 元/t 的 1000 倍，g/m² 是 t/hm² 的 1/100）与小数点；数值无误时在 note 中说明原因",
                hint_en="check the row's unit (元/kg is 1,000 times 元/t; g/m² a hundredth of t/hm²) and decimal point; if "
                        "the value is right, say why in its note"))
    return out


def coefficients_below_typical(ctx) -> list[Problem]:
    """Warnings: a positive row of the account's coefficient chain below the ``typical_min`` its key declares
    (``gep/data/keys/*.toml``, each with its basis): NPP in kg/(hm²·a) under the unit t/(hm²·a) made carbon
    sequestration and oxygen release a thousandth without a word. A warning, not an error: the bound is a
    judgement, unlike ``physical_max``."""
    return _of_the_set(ctx, _below_typical)


def _below_typical(cs) -> list[Problem]:
    """:func:`coefficients_below_typical` of the set ``cs``."""
    from ..coefficients.keys import coefficient_keys

    table = getattr(cs, "table", None)
    if table is None or table.empty:
        return []
    bounded = [k for k, spec in coefficient_keys().items() if spec.typical_min is not None]
    low: dict[tuple[str, str], list] = {}  # (key, set) -> its rows below the floor: one warning each
    for key, eco, set_id, file, row, spec, v in _rows_in_key_units(table[table["key"].isin(bounded)]):
        if 0 < v < spec.typical_min:
            low.setdefault((key, set_id), []).append((eco, v, file, row, spec))
    out = []
    for (key, set_id), found in low.items():
        eco, v, file, row, spec = found[0]
        others = f"（及另外 {len(found) - 1} 行）" if len(found) > 1 else ""
        others_en = f" (and {len(found) - 1} more rows)" if len(found) > 1 else ""
        out.append(problem(
            "coefficient_below_typical",
            f"系数 {key}（{eco}，{set_id}）= {v:,.6g} {spec.unit}{others}，低于合理下限 {spec.typical_min:g} {spec.unit}："
            f"{spec.typical_basis_zh}",
            f"coefficient {key} ({eco}, {set_id}) = {v:,.6g} {spec.unit}{others_en} is below the plausible floor of "
            f"{spec.typical_min:g} {spec.unit}: {spec.typical_basis}",
            file=None if file is None or pd.isna(file) else str(file),
            row=None if row is None or pd.isna(row) else int(row), column="value", value=key,
            hint_zh="检查这些行的单位（kg 与 t、J 与 kJ、m 与 mm）与小数点；数值无误时在 note 中说明原因",
            hint_en="check the unit of these rows (kg or t, J or kJ, m or mm) and the decimal point; if the value is "
                    "right, say why in its note"))
    return out


def given_rows_are_used(ctx, services) -> list[Problem]:
    """Every row of the physical table must feed a service accounted with its ``given`` method."""
    if ctx.physical is None:
        return []
    given = {sid for sid, method in services if method == "given"}
    unused = ctx.physical[~ctx.physical["service"].isin(given)]
    return [problem(
        "given_quantity_unused", f"服务 {r['service']} 的给定实物量未被使用：该服务不在核算方案中或未选用 given 方法",
        f"the given quantity of {r['service']} would not be used: the service is not in the profile or its method "
        f"is not 'given'", row=int(r["_row"]), column="service", value=r["service"],
        hint_zh=f"在 [services] 中设置 \"{r['service']}\" = \"given\"", hint_en=f"set \"{r['service']}\" = \"given\" in [services]")
        for _, r in unused.iterrows()]


def zero_services(steps: dict, config: dict) -> list[Problem]:
    """A service of the profile that yields exactly zero everywhere is an error unless declared.

    Declared means dropped (``[services] id = false``) or listed in
    ``[checks] allow_zero``. The undivided farm total (``farm_products_undivided``)
    is exempt when the farm groups are given item by item: it then holds nothing
    by construction.
    """
    allowed = set((config.get("checks") or {}).get("allow_zero", []))
    out = []
    for sid, step in steps.items():
        if sid in allowed or step.value is None:
            continue
        value = float(np.abs(np.asarray(step.value.data.values, dtype=float)).sum())
        physical = float(np.abs(np.asarray(step.physical.data.values, dtype=float)).sum())
        if value != 0.0 or physical != 0.0:
            continue
        if sid == "farm_products_undivided" and any(
                s.value is not None and s.value_total > 0 for k, s in steps.items()
                if k in ("agricultural_products", "forestry_products", "livestock_products", "fishery_products")):
            continue
        out.append(problem(
            "zero_service", f"服务 {sid} 在整个核算区域的结果恰为 0",
            f"service {sid} yields exactly zero for the whole account", value=sid, column=f"services.{sid}",
            hint_zh=f"若本地不核算该服务，在 [services] 中写 {sid} = false；若 0 是真实结果，在 [checks] allow_zero "
                    f"中列出它；否则检查它的输入（统计表是否有该类行、栅格是否全为无数据）",
            hint_en=f"if the county does not account this service, write {sid} = false in [services]; if zero is "
                    f"the true result, list it in [checks] allow_zero; otherwise check its inputs (rows of its "
                    f"group in the statistics, a raster that is all nodata)"))
    return out


def raster_coverage(ctx, config: dict) -> tuple[list[Problem], list[Problem]]:
    """Pixels a spatial method needs vs pixels with data, per region and service.

    A pixel is *needed* when its land use maps to an ecosystem the service
    applies to; it *has data* when every layer of the service has a finite value
    there. Any gap is a warning with counts; a gap above ``[rasters]
    max_missing`` (a share of the region's needed pixels, default 0.1 %) is an
    error, unless ``[rasters] fill = "region_mean"`` fills it (recorded).
    """
    records = ctx.params.get("_coverage") or []
    rcfg = config.get("rasters") or {}
    limit = float(rcfg.get("max_missing", DEFAULT_MAX_MISSING))
    fill = rcfg.get("fill")
    problems, warnings = [], []
    for rec in records:
        needed, missing = rec["needed"], rec["missing"]
        if missing == 0:
            continue
        share = missing / needed if needed else 1.0
        where = f"{rec['service']} / {rec['region']}"
        text_zh = (f"服务 {rec['service']} 在地区 {rec['region']} 需要 {needed} 个像元，其中 {missing} 个"
                   f"（{share:.2%}）没有数据（无数据值或 NaN）")
        text_en = (f"service {rec['service']} needs {needed} pixels in region {rec['region']}; {missing} of them "
                   f"({share:.2%}) have no data (nodata or NaN)")
        if needed == 0 or (share > limit and not fill):
            problems.append(problem(
                "raster_gap", text_zh, text_en, value=where, file=rec.get("files"), column="rasters.max_missing",
                hint_zh=f"补齐栅格数据；或在 [rasters] 中设置 fill = \"region_mean\"（按地区均值填补，结果中会注明），"
                        f"或放宽 max_missing（当前 {limit:g}）",
                hint_en=f"fill the rasters; or set fill = \"region_mean\" in [rasters] (filled with the region's mean, "
                        f"recorded), or raise max_missing (now {limit:g})"))
        else:
            filled = " — filled with the region's mean (fill = region_mean)" if fill and share > 0 else ""
            warnings.append(problem("raster_gap", text_zh + ("，已按地区均值填补" if filled else ""),
                                    text_en + filled, value=where, file=rec.get("files")))
    return problems, warnings


def statistics_years(ctx, steps: dict) -> tuple[list[Problem], list[Problem]]:
    """Statistics rows count for their own year only: report the others; a service left with none is an error."""
    stats = ctx.statistics
    if stats is None:
        return [], []
    table = stats.table if hasattr(stats, "table") else stats
    if "year" not in table or table.empty:
        return [], []
    years = pd.to_numeric(table["year"], errors="coerce")
    other = years.notna() & (years != ctx.year)
    if not other.any():
        return [], []
    from ..services.products import PRODUCT_SERVICES

    problems, warnings = [], []
    other_years = sorted(set(years[other].astype(int)))
    report = getattr(stats, "report", None)
    if report is not None:
        rows = set(table.loc[other, "source_row"])
        hit = report["source_row"].isin(rows)
        report.loc[hit, "outcome"] = "other_year"
        report.loc[hit, "detail"] = f"row of another year: not counted in the {ctx.year} account"
    warnings.append(problem(
        "statistics_other_year", f"统计表中有 {int(other.sum())} 行属于其他年份 {other_years}，未计入 {ctx.year} 年核算",
        f"{int(other.sum())} statistics rows are of other years {other_years}: left out of the {ctx.year} account",
        value=other_years))
    this_year = ~other
    for sid, (group, *_rest) in PRODUCT_SERVICES.items():
        if sid not in steps:
            continue
        in_group = table["group"] == group
        if (in_group & other).any() and not (in_group & this_year).any():
            problems.append(problem(
                "statistics_wrong_year",
                f"服务 {sid}：统计表中该类（{group}）只有 {sorted(set(years[in_group & other].astype(int)))} 年的行，"
                f"没有 {ctx.year} 年的",
                f"service {sid}: the statistics have rows of group {group} only for "
                f"{sorted(set(years[in_group & other].astype(int)))}, none for {ctx.year}",
                value=sid, column="year",
                hint_zh=f"提供 {ctx.year} 年的统计数据（或检查 年份 列）", hint_en=f"give the {ctx.year} statistics "
                                                                     f"(or check the year column)"))
    return problems, warnings


def _root_figures(inputs: dict) -> dict:
    rt = inputs["regions"]
    root = rt.frame.loc[rt.root]
    return {"population": root.get("population_persons"), "gdp": root.get("gdp_yuan"), "area_km2": rt.area_km2()}


def figures_agree(inputs: dict, account) -> tuple[list[Problem], list[Problem]]:
    """A figure given in two places agrees; magnitudes are plausible (a unit slip is an error)."""
    rt = inputs.get("regions")
    if rt is None:
        return [], []
    cfg = account.config.get("checks") or {}
    tol = float(cfg.get("figure_tolerance", FIGURE_TOLERANCE))
    problems: list[Problem] = []
    root = _root_figures(inputs)
    econ = inputs.get("economy")
    econ_values = {} if econ is None else dict(zip(econ["indicator"], econ["value_canonical"]))
    labels = {"gdp": ("地区生产总值 GDP", "GDP", "元"), "population": ("人口", "population", "人")}
    same_year = getattr(account, "regions_year", None) in (None, account.year_or_none)
    for key, (zh, en, unit) in (labels.items() if same_year else ()):
        a, b = root.get(key), econ_values.get(key)
        if a is None or b is None or pd.isna(a) or pd.isna(b):
            continue
        if not math.isclose(float(a), float(b), rel_tol=tol):
            problems.append(problem(
                "figure_disagrees", f"{zh} 在地区表中为 {float(a):,.6g} {unit}，在经济表中为 {float(b):,.6g} {unit}（相差超过 {tol:.1%}）",
                f"{en} is {float(a):,.6g} {unit} in the region table but {float(b):,.6g} {unit} in the economy table "
                f"(more than {tol:.1%} apart)", value=key, file=str(getattr(rt, "file", "regions")), column=key,
                hint_zh="同一数字应一致：检查两处的单位（元/万元/亿元，人/万人）与数值",
                hint_en="one figure, one value: check the units (元/万元/亿元, 人/万人) and numbers in both places"))
    problems.extend(_tourism_revenue_agrees(inputs, account, econ_values, econ, tol))
    problems.extend(_region_code_agrees(rt, account))
    if cfg.get("plausibility", True):
        if same_year:
            problems.extend(_townships_within_county(rt, root))
            problems.extend(_township_magnitudes(rt, root))
        problems.extend(_magnitudes(econ_values, root, _economy_file(econ)))
        problems.extend(_statistics_magnitudes(inputs, account, econ_values.get("population", root.get("population"))))
    return problems, []


#: what every plausibility problem adds to its hint: the figure may be right
_SWITCH_OFF = ("；若数字确实如此，在 [checks] 中设置 plausibility = false",
               "; if the figure is right, set plausibility = false in [checks]")


def _implausible(name: str, value: float, of: str = "", **where) -> Problem:
    """The ``implausible_figure`` problem of ``value`` outside its :data:`PLAUSIBLE` range ``name`` (of the region
    ``of``, when it is not the county's)."""
    lo, hi, unit, hint_zh, hint_en = PLAUSIBLE[name]
    head = f"{of}：" if of else ""
    return problem(
        "implausible_figure", f"{head}{name} = {value:,.6g} {unit}，不在合理范围 {lo:g}–{hi:g} {unit} 内",
        f"{of + ': ' if of else ''}{name} = {value:,.6g} {unit} is outside the plausible range {lo:g}–{hi:g} {unit}",
        value=name, hint_zh=hint_zh + _SWITCH_OFF[0], hint_en=hint_en + _SWITCH_OFF[1], **where)


def _economy_file(econ) -> str:
    """How messages name the economy table."""
    return str((econ.attrs.get("file") if econ is not None else None) or "economy")


def _magnitudes(econ: dict, root: dict, econ_file: str) -> list[Problem]:
    """The county figures against :data:`PLAUSIBLE` and the money figures of the economy table against
    :data:`MULTIPLE_OF_GDP` (figures in canonical units: 元, 人, m³, m)."""
    def given(v) -> bool:
        return v is not None and not pd.isna(v)

    pop, gdp = econ.get("population", root.get("population")), econ.get("gdp", root.get("gdp"))
    area, capacity, coast = root.get("area_km2"), econ.get("reservoir_capacity"), econ.get("coastline_length")
    checks = []  # (PLAUSIBLE name, value, where it was given)
    if given(pop) and given(gdp) and pop > 0:
        checks.append(("gdp_per_resident", float(gdp) / float(pop), {}))
    if given(pop) and area:
        checks.append(("population_density", float(pop) / float(area), {}))
    if given(capacity) and area:
        checks.append(("reservoir_depth", float(capacity) / (float(area) * 1e6),
                       {"file": econ_file, "column": "reservoir_capacity"}))
    if given(coast):
        checks.append(("coastline_length", float(coast) / 1000.0, {"file": econ_file, "column": "coastline_length"}))
    out = [_implausible(name, value, **where) for name, value, where in checks
           if not PLAUSIBLE[name][0] <= value <= PLAUSIBLE[name][1]]
    if not given(gdp) or float(gdp) <= 0:
        return out
    for key, (most, why_zh, why_en) in MULTIPLE_OF_GDP.items():
        v = econ.get(key)
        if given(v) and 0 < float(v) < LEAST_SHARE_OF_GDP * float(gdp):
            share = float(v) / float(gdp)
            out.append(problem(
                "implausible_figure", f"{key} = {float(v):,.6g} 元，仅为 GDP 的 {share:.2g}（不足 {LEAST_SHARE_OF_GDP:g}："
                "可能把以万元计的数字写在了亿元下，或相反）", f"{key} = {float(v):,.6g} 元 is only {share:.2g} of GDP (below "
                f"{LEAST_SHARE_OF_GDP:g}: a figure in 万元 written under 亿元?)", value=key, file=econ_file, column=key,
                hint_zh="检查其单位（元/万元/亿元）" + _SWITCH_OFF[0], hint_en="check its unit (元/万元/亿元)" + _SWITCH_OFF[1]))
        if not given(v) or float(v) <= most * float(gdp):
            continue
        ratio = float(v) / float(gdp)
        out.append(problem(
            "implausible_figure", f"{key} = {float(v):,.6g} 元，是 GDP 的 {ratio:,.4g} 倍（合理上限 {most:g} 倍：{why_zh}）",
            f"{key} = {float(v):,.6g} 元 is {ratio:,.4g} times GDP (at most {most:g} times is plausible: {why_en})",
            value=key, file=econ_file, column=key, hint_zh="检查其单位（元/万元/亿元）" + _SWITCH_OFF[0],
            hint_en="check its unit (元/万元/亿元)" + _SWITCH_OFF[1]))
    return out


#: the townships' population or GDP may add up to more than the county's (resident and registered counts,
#: estimates by township), but not to more than this multiple of it
TOWNSHIPS_OVER_COUNTY = 2.0


def _townships_within_county(rt, root: dict) -> list[Problem]:
    """The townships' population and GDP do not add up to more than twice the county's: one of them is in the wrong
    unit (万人 written as 人 is 10⁴ times). The areas are reconciled exactly elsewhere (``area_mismatch``)."""
    leaves = [r for r in rt.leaves if r != rt.root]
    out = []
    for key, column, zh, en, unit in (("population", "population_persons", "人口", "population", "人"),
                                      ("gdp", "gdp_yuan", "地区生产总值", "GDP", "元")):
        county = root.get(key)
        if not leaves or column not in rt.frame or county is None or pd.isna(county) or float(county) <= 0:
            continue
        by_township = pd.to_numeric(rt.frame.loc[leaves, column], errors="coerce").dropna()
        total = float(by_township.sum())
        if total <= TOWNSHIPS_OVER_COUNTY * float(county):
            continue
        largest = by_township.sort_values(ascending=False).index[:3].tolist()
        out.append(problem(
            "townships_exceed_county", f"各乡镇{zh}合计 {total:,.6g} {unit}，是全县 {float(county):,.6g} {unit} 的 "
            f"{total / float(county):,.4g} 倍（最大：{'、'.join(map(str, largest))}）",
            f"the townships' {en} adds up to {total:,.6g} {unit}, {total / float(county):,.4g} times the county's "
            f"{float(county):,.6g} {unit} (largest: {', '.join(map(str, largest))})",
            file=str(getattr(rt, "file", "regions")), column=key, value=largest[0] if largest else None,
            hint_zh="检查这些乡镇的单位（人/万人，元/万元/亿元）",
            hint_en="check the units of these townships (人/万人, 元/万元/亿元)"))
    return out


#: a township's GDP, when not zero, is at least this share of its county's: a township's GDP in 万元 written under
#: 亿元 is 10⁴ times too small (曹娥街道's 128.6 亿元 of 上虞区's 1,135.68 亿元 became 1.1·10⁻⁵ of it); the smallest
#: township of a county of 1,000 亿元 would need less than 1,000 万元 of GDP to fall below
TOWNSHIP_LEAST_SHARE_OF_GDP = 1e-4


def _township_magnitudes(rt, root: dict) -> list[Problem]:
    """Each township's own figures: GDP per resident within :data:`PLAUSIBLE` (one township's GDP in 万元 under
    亿元 is 10⁴ times too small, and hides in the sum over the townships), and, without a population, a township's
    GDP at least :data:`TOWNSHIP_LEAST_SHARE_OF_GDP` of the county's."""
    leaves = [r for r in rt.leaves if r != rt.root]
    if not leaves or not {"population_persons", "gdp_yuan"} <= set(rt.frame):
        return []
    lo, hi, unit, why_zh, why_en = PLAUSIBLE["gdp_per_resident"]
    frame = rt.frame.loc[leaves]
    pop = pd.to_numeric(frame["population_persons"], errors="coerce").tolist()
    gdp = pd.to_numeric(frame["gdp_yuan"], errors="coerce").tolist()
    rows = frame["_row"].tolist() if "_row" in frame else [None] * len(leaves)
    names = frame["name_zh"].tolist() if "name_zh" in frame else [""] * len(leaves)
    county_gdp = root.get("gdp")
    file = str(getattr(rt, "file", "regions"))
    out = []
    for region, p, g, row, name_zh in zip(leaves, pop, gdp, rows, names):
        name = f"{name_zh} {region}".strip()
        row = None if row is None or pd.isna(row) else int(row)
        if p == p and g == g and p > 0 and not lo <= g / p <= hi:
            out.append(problem(
                "implausible_figure", f"{name} 的人均地区生产总值 {g / p:,.6g} {unit}，不在合理范围 {lo:g}–{hi:g} {unit} 内",
                f"GDP per resident of {name} is {g / p:,.6g} {unit}, outside the plausible range {lo:g}–{hi:g} {unit}",
                file=file, row=row, column="gdp", value=region,
                hint_zh=f"该乡镇：{why_zh}" + _SWITCH_OFF[0], hint_en=f"this township: {why_en}" + _SWITCH_OFF[1]))
        elif not (p == p and p > 0) and g == g and county_gdp is not None and not pd.isna(county_gdp) \
                and float(county_gdp) > 0 and 0 < g < TOWNSHIP_LEAST_SHARE_OF_GDP * float(county_gdp):
            share = g / float(county_gdp)
            least = TOWNSHIP_LEAST_SHARE_OF_GDP
            out.append(problem(
                "implausible_figure", f"{name} 的地区生产总值 {g:,.6g} 元仅为全县的 {share:.2g}（不足 {least:g}）",
                f"the GDP of {name}, {g:,.6g} 元, is only {share:.2g} of the county's (below {least:g})",
                file=file, row=row, column="gdp", value=region,
                hint_zh="检查该乡镇 GDP 的单位（元/万元/亿元）" + _SWITCH_OFF[0],
                hint_en="check the unit of this township's GDP (元/万元/亿元)" + _SWITCH_OFF[1]))
    return out


def _region_code_agrees(rt, account) -> list[Problem]:
    """``[account] region_code`` and the code the region table gives its root are one code: two are a slip in one
    of them, and the coefficient rows of the wrong county would be chosen."""
    given = str(account.config.get("account", {}).get("region_code") or "").strip()
    if not given or "code" not in rt.frame:
        return []
    root_code = str(rt.frame.at[rt.root, "code"] if rt.root in rt.frame.index else "").strip()
    if not root_code or root_code in ("nan", "None") or root_code == given:
        return []
    return [problem(
        "figure_disagrees", f"[account] region_code 为 {given}，地区表中 {rt.root} 的代码为 {root_code}",
        f"[account] region_code is {given}, but the region table gives {rt.root} the code {root_code}",
        file=str(getattr(account, "source", "config")), column="account.region_code", value=given,
        hint_zh="同一地区只有一个行政区划代码（GB/T 2260）：改正其中之一", hint_en="a region has one GB/T 2260 code: "
        "correct one of them")]


def _tourism_revenue_agrees(inputs: dict, account, econ_values: dict, econ, tol: float) -> list[Problem]:
    """The tourism revenue of the economy table and the statistics' tourism revenue rows (the recreation
    service values these) are one figure: two values beyond ``tol`` are a unit slip in one of them."""
    stated = econ_values.get("tourism_revenue")
    stats = inputs.get("statistics")
    table = getattr(stats, "table", stats)
    if stated is None or pd.isna(stated) or table is None or not {"group", "subgroup", "output_value"} <= set(table):
        return []
    rows = table[(table["group"] == "tourism") & (table["subgroup"] == "revenue")]
    if "year" in rows and account.year_or_none is not None:
        years = pd.to_numeric(rows["year"], errors="coerce")
        rows = rows[years.isna() | (years == account.year_or_none)]
    values = pd.to_numeric(rows["output_value"], errors="coerce")
    if rows.empty or values.isna().all():
        return []
    total = float(values.sum())
    if math.isclose(total, float(stated), rel_tol=tol):
        return []
    sources = rows["source_row"].astype(str).tolist() if "source_row" in rows else []
    return [problem(
        "figure_disagrees", f"旅游总收入在经济表中为 {float(stated):,.6g} 元，统计表各行合计为 {total:,.6g} 元（相差超过 {tol:.1%}）",
        f"tourism revenue is {float(stated):,.6g} 元 in the economy table but {total:,.6g} 元 in the statistics "
        f"rows ({', '.join(sources[:3])}; more than {tol:.1%} apart)", value="tourism_revenue", file=_economy_file(econ),
        column="tourism_revenue", hint_zh="同一数字应一致：检查两处的单位（元/万元/亿元）与数值；游憩服务按统计表的数值核算",
        hint_en="one figure, one value: check the units (元/万元/亿元) and numbers in both places; the recreation "
                "service is valued from the statistics rows")]


def _statistics_magnitudes(inputs: dict, account, county_population) -> list[Problem]:
    """Statistics rows against :data:`PLAUSIBLE`, region by region: the domestic water use per resident
    (``domestic_water_per_resident``) and the tourism revenue per visit (``spending_per_visit``). A row in m³ under
    万m³, or visits in 人次 under 万人次, is 10⁴ times off: it changed no total that is checked elsewhere (the visits
    change no value at all). A region's population is the region table's (the county's also the economy table's)."""
    stats = inputs.get("statistics")
    table = getattr(stats, "table", stats)
    rt = inputs.get("regions")
    if table is None or rt is None or not {"region", "group", "subgroup", "quantity", "quantity_unit",
                                           "output_value", "source_row"} <= set(table):
        return []
    # the columns as plain arrays, read once (a filtered frame per kind of row costs more than the check)
    kind = (table["group"].astype(str) + "/" + table["subgroup"].astype(str)).to_numpy(dtype=object)
    keep = np.ones(len(table), dtype=bool)
    if "year" in table and account.year_or_none is not None:
        years = pd.to_numeric(table["year"], errors="coerce").to_numpy(dtype=float)
        keep = np.isnan(years) | (years == account.year_or_none)
    regions, units = table["region"].astype(str).to_numpy(), table["quantity_unit"].astype(object).to_numpy()
    sources = table["source_row"].astype(str).to_numpy()

    def by_region(group: str, subgroup: str, column: str, unit: str | None) -> dict:
        """``column`` summed by region over the rows of one kind (in ``unit``), and each region's first row."""
        rows = keep & (kind == f"{group}/{subgroup}")
        if unit is not None:
            rows &= units == unit
        out: dict = {}
        if not rows.any():
            return out
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
        for i in np.flatnonzero(rows & ~np.isnan(values)):
            total, first = out.get(regions[i], (0.0, sources[i]))
            out[regions[i]] = (total + float(values[i]), first)
        return out

    def population(region: str):
        pop = county_population if region == rt.root else None
        if (pop is None or pd.isna(pop)) and region in rt.frame.index and "population_persons" in rt.frame:
            pop = rt.frame.at[region, "population_persons"]
        return None if pop is None or pd.isna(pop) or float(pop) <= 0 else float(pop)

    def where(source: str) -> dict:
        file, _, row = source.rpartition(":")
        return {"file": file or source, "row": int(row) if row.isdigit() else None, "column": "quantity"}

    checks = []  # (PLAUSIBLE name, value, region, the row that says it)
    for region, (m3, source) in by_region("water_supply", "domestic", "quantity", "m³").items():
        pop = population(region)
        if pop is not None and m3 > 0:
            checks.append(("domestic_water_per_resident", m3 / pop, region, source))
    revenue = by_region("tourism", "revenue", "output_value", None)
    for region, (visits, source) in by_region("tourism", "visits", "quantity", "人次").items():
        if region in revenue and visits > 0 and revenue[region][0] > 0:
            checks.append(("spending_per_visit", revenue[region][0] / visits, region, source))
    out = []
    for name, value, region, source in checks:
        if not PLAUSIBLE[name][0] <= value <= PLAUSIBLE[name][1]:
            out.append(_implausible(name, value, of=region, **where(source)))
    return out


def physical_magnitudes(steps: dict, inputs: dict, account) -> list[Problem]:
    """A physical quantity no county could have, from quantities given in the statistics: a unit slip.

    The water supplied in a year (``water_supply``, from the statistics' water-use rows) spread over the
    county's land deeper than :data:`PLAUSIBLE` ``["water_use_depth"]`` allows. ``[checks] plausibility = false``
    accepts it.
    """
    cfg = account.config.get("checks") or {}
    step, rt = steps.get("water_supply"), inputs.get("regions")
    if not cfg.get("plausibility", True) or step is None or step.physical is None or rt is None:
        return []
    from ..units import conversion_factor

    area = rt.area_km2()
    data = step.physical.data
    try:
        m3 = float(data.sum()) * conversion_factor(str(data.attrs.get("units", "m³")), "m³")
    except Exception:  # noqa: BLE001 - a quantity in another unit than a volume: nothing to compare
        return []
    if not area or not math.isfinite(m3):
        return []
    depth = m3 / (float(area) * 1e6)
    lo, hi, unit, hint_zh, hint_en = PLAUSIBLE["water_use_depth"]
    if depth <= hi:
        return []
    stats = inputs.get("statistics")
    table = getattr(stats, "table", stats)
    rows = [] if table is None or "group" not in table else \
        table.loc[table["group"] == "water_supply", "source_row"].astype(str).tolist()
    file = rows[0].rsplit(":", 1)[0] if rows else "statistics"
    return [problem(
        "implausible_figure", f"供水量 {m3:,.6g} m³ 平铺在全县 {float(area):,.6g} km² 土地上深 {depth:,.4g} m（合理上限 {hi:g} {unit}）",
        f"the water supplied, {m3:,.6g} m³, would stand {depth:,.4g} m deep over the county's {float(area):,.6g} km² "
        f"(at most {hi:g} {unit} is plausible)", value="water_use_depth", file=str(file),
        hint_zh=hint_zh + _SWITCH_OFF[0], hint_en=hint_en + _SWITCH_OFF[1])]


def indicator_ranges(indicators: dict) -> list[Problem]:
    """A share above 100 % or a non-finite indicator is an error, not a figure to publish."""
    out = []
    for ind_id, ind in (indicators or {}).items():
        v = ind.get("value")
        if v is None:
            continue
        if not math.isfinite(float(v)):
            out.append(problem("non_finite_indicator", f"指标 {ind_id} 不是有限数值（{v}）",
                               f"indicator {ind_id} is not finite ({v})", value=ind_id,
                               hint_zh="检查其分母（GDP、人口、面积）是否为 0 或缺失",
                               hint_en="check its denominator (GDP, population, area): zero or missing"))
        elif ind.get("unit") == "%" and float(v) > 100.0:
            out.append(problem("share_above_100", f"指标 {ind_id} = {float(v):.4g} %，占比超过 100 %",
                               f"indicator {ind_id} = {float(v):.4g} %: a share above 100 %", value=ind_id,
                               hint_zh="检查分子与分母的单位（元/万元/亿元）和口径",
                               hint_en="check the units (元/万元/亿元) and scope of numerator and denominator"))
    return out


#: a status in % this many times below (or above) its target, and 100 times it as close as this: a share
#: written where the unit says per cent (0.0326 for 3.26 %)
SHARE_FOR_PERCENT = 10.0


def _percent_pairs(table: pd.DataFrame, year: int) -> list[tuple[int, dict, float, float]]:
    """``(position, row, status, target)`` of the Two-Mountains rows of ``year`` with unit % and both numbers."""
    needed = {"unit", "year", "status_number", "target_value"}
    if not needed <= set(table):
        return []
    status = pd.to_numeric(table["status_number"], errors="coerce")
    target = pd.to_numeric(table["target_value"], errors="coerce")
    year_of = pd.to_numeric(table["year"], errors="coerce")
    mask = (table["unit"].astype(str).str.strip().isin(("%", "％")) & (year_of == year) & status.notna()
            & target.notna()).to_numpy(dtype=bool)
    return [(int(i), table.iloc[i].to_dict(), float(status.iat[i]), float(target.iat[i])) for i in np.flatnonzero(mask)]


def _within_reach(small: float, large: float) -> bool:
    """``small`` (below 1) is :data:`SHARE_FOR_PERCENT` times below ``large`` (1 or more), and 100 times it within
    that factor of ``large``: a share written where a percentage is meant."""
    return (0 < abs(small) < 1 <= abs(large) and abs(small) * SHARE_FOR_PERCENT <= abs(large)
            and abs(large) / SHARE_FOR_PERCENT <= abs(small) * 100 <= abs(large) * SHARE_FOR_PERCENT)


def status_written_as_share(table: pd.DataFrame, year: int) -> list[Problem]:
    """Warnings for the Two-Mountains rows of ``year`` whose ``status_value`` looks like a share where the unit
    says per cent: below 1, at least :data:`SHARE_FOR_PERCENT` times below a target of 1 % or more, and within
    that factor of it once multiplied by 100 (0.0326 against ">3%"). A warning, not an error: a status of 0.05 %
    may be true; the verdict it gives is named so that a reader checks it."""
    from ..errors import csv_row

    first_row = table.attrs.get("first_row", 2)
    return [problem(
        "status_written_as_share", f"两山指标第 {r['no']} 项：现状值 {s:g}（单位 %）比目标 {target:g} 低两个数量级："
        f"若为比例，应写 {s * 100:g}", f"Two-Mountains indicator {r['no']}: status {s:g} (unit %) is two orders of "
        f"magnitude below its target {target:g}: if it is a share, write {s * 100:g}",
        file=table.attrs.get("file"), row=csv_row(i, first_row), column="status_value", value=s,
        hint_zh="unit 为 % 时 status_value 写百分数", hint_en="with unit %, write status_value as a percentage")
        for i, r, s, target in _percent_pairs(table, year) if target >= 1 and _within_reach(s, target)]


def target_written_as_share(table: pd.DataFrame, year: int) -> list[Problem]:
    """Warnings for the Two-Mountains rows of ``year`` whose ``target_value`` looks like a share where the unit says
    per cent: below 1, at least :data:`SHARE_FOR_PERCENT` times below a status of 1 % or more, and within that factor
    of it once multiplied by 100 (a growth target of 0.02 against a growth of 2.5 %). The mirror of
    :func:`status_written_as_share`; a target of 0.5 % may be true, and the verdict it gives is named."""
    from ..errors import csv_row

    first_row = table.attrs.get("first_row", 2)
    return [problem(
        "target_written_as_share", f"两山指标第 {r['no']} 项：目标值 {target:g}（单位 %）比现状 {s:g} 低两个数量级："
        f"若为比例，应写 {target * 100:g}", f"Two-Mountains indicator {r['no']}: target {target:g} (unit %) is two "
        f"orders of magnitude below its status {s:g}: if it is a share, write {target * 100:g}",
        file=table.attrs.get("file"), row=csv_row(i, first_row), column="target_value", value=target,
        hint_zh="unit 为 % 时 target_value 写百分数", hint_en="with unit %, write target_value as a percentage")
        for i, r, s, target in _percent_pairs(table, year) if _within_reach(target, s)]


def gep_rows_of_an_esv_account(table: pd.DataFrame) -> list[Problem]:
    """A warning naming the Two-Mountains rows that take a GEP value gep computes (GEP per land area, the resident
    share) when the account reports ESV: ESV counts supporting services and is not GEP, so those rows get no value
    (they would have been judged on ESV, under a GEP target)."""
    from ..io.two_mountains import GEP_VALUES

    if "computed_by" not in table:
        return []
    rows = table[table["computed_by"].isin(GEP_VALUES).to_numpy(dtype=bool)]
    if rows.empty:
        return []
    nos = "、".join(str(n) for n in rows["no"])
    return [problem(
        "gep_rows_of_an_esv_account", f"本核算为 ESV（含支持服务），不是 GEP：两山指标第 {nos} 项（由 GEP 计算）不填数值",
        f"this account reports ESV (supporting services counted), not GEP: Two-Mountains indicators "
        f"{nos.replace('、', ', ')} (computed from GEP) get no value", file=table.attrs.get("file"),
        column="computed_by", value=nos,
        hint_zh="用 GEP 核算方案（如 rcees-gep 或 xie2015-gep）核算这些指标", hint_en="account these indicators with a "
        "GEP profile (rcees-gep, or xie2015-gep for value transfer)")]


def targets_expired(table: pd.DataFrame, year: int) -> list[Problem]:
    """A warning naming the Two-Mountains rows whose ``target_year`` is before the account year: they are judged
    against targets that have expired (a 2024 plan's targets in a 2025 account). Each such row's reason says so."""
    if "target_year" not in table:
        return []
    years = pd.to_numeric(table["target_year"], errors="coerce")
    old = table[(years < year).fillna(False).to_numpy(dtype=bool)]
    if old.empty:
        return []
    nos = "、".join(str(n) for n in old["no"])
    last = int(pd.to_numeric(old["target_year"]).max())
    return [problem(
        "target_year_passed", f"两山指标第 {nos} 项的目标年（最晚 {last}）早于核算年 {year}：按已到期的目标判断是否达标",
        f"Two-Mountains indicators {nos.replace('、', ', ')} have target years (latest {last}) before the account year "
        f"{year}: they are judged against targets that have expired", file=table.attrs.get("file"),
        column="target_year", value=last,
        hint_zh="换用现行规划的指标表（目标与目标年），或检查核算年份",
        hint_en="use the indicator table of the plan in force (its targets and target years), or check the account year")]


def official_purpose(config: dict, quality: dict, source: str) -> list[Problem]:
    """``[account] purpose = "official"`` refuses illustrative and unverified rows that carry value.

    One problem per row (a coefficient row, an economy figure, a statistics row,
    the land use of some regions), naming the services that use it.
    """
    if (config.get("account") or {}).get("purpose") != "official":
        return []
    grouped: dict[tuple, list[str]] = {}
    for row in quality.get("weak_rows", []):
        key = (row["status"], row["what"], row.get("file"), row.get("row"))
        grouped.setdefault(key, []).append(row["service"])
    out = []
    for (status, what, file, row), services in grouped.items():
        services = ", ".join(dict.fromkeys(services))
        out.append(problem(
            "not_official_data", f"正式核算不能使用 {status} 数据：{what}（服务 {services}）",
            f"an official account cannot rest on {status} data: {what} (services {services})",
            file=file, row=row, value=what,
            hint_zh="用有来源的正式数据替换（县级系数集、统计表或土地利用调查），或去掉 purpose = \"official\"",
            hint_en="replace it with sourced data (a county coefficient set, the statistics, the land survey), or "
                    "remove purpose = \"official\""))
    return out


def quality_warning(quality: dict, config: dict) -> list[Problem]:
    """The banner: illustrative or unverified data carry part of the value."""
    shares = quality.get("gep", {})
    ill, unv = shares.get("illustrative", 0.0), shares.get("unverified", 0.0)
    out = []
    if ill > 0:
        out.append(problem("illustrative_data", f"示例数据：{ill:.1%} 的核算结果依赖示例（illustrative）数据，不能作为正式结果发布",
                           f"illustrative data: {ill:.1%} of the value rests on illustrative numbers; not a figure "
                           f"to publish", value=round(ill, 6)))
    if unv > 0:
        out.append(problem("unverified_data", f"未核实数据：{unv:.1%} 的核算结果依赖未核实（unverified）的系数",
                           f"unverified data: {unv:.1%} of the value rests on unverified coefficients",
                           value=round(unv, 6)))
    return out

"""Provisioning (物质产品) and cultural (文化服务) services from statistics tables.

A yearbook-style statistics table (``[inputs] statistics``) is read by
:func:`gep.statistics.read_statistics`, which maps every item to a product
group of the bilingual catalogue. Each group is one service here:

======================== =============== ============================================
service                  group           value
======================== =============== ============================================
agricultural_products    agriculture     market value (gross or net output value)
forestry_products        forestry        market value
livestock_products       livestock       market value
fishery_products         fishery         market value
farm_products_undivided  farm_sectors    a 农林牧渔业总产值 given without its parts
water_supply             water_supply    use by sector × water price
eco_energy               eco_energy      generation × electricity price (hydropower …)
other_products           other           market value
recreation               tourism         eco-tourism revenue, or travel cost
landscape_value          landscape       hedonic premium on nearby property
======================== =============== ============================================

Statistics given for a region that has sub-regions (a county total) are
allocated to its leaves by a proxy -- the area of the ecosystem groups that
supply the product, the land area, or the population -- configurable in
``[allocation]`` and recorded in the provenance.

References
----------
白玛卓嘎, 肖燚, 欧阳志云, 王莉雁 (2017). 甘孜藏族自治州生态系统生产总值核算研究.
生态学报 37(19): 6302-6312 (market value of provisioning, travel cost).
江波 et al. (2017). 白洋淀湿地生态系统最终服务价值评估. 生态学报 37(8) (individual
travel-cost variant). GB/T 46869—2025 (deduction of eco-products from outside
the region).
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from ..errors import ConfigError, UnknownRegion, problem
from ._base import Method, Quantity, Service, register

__all__ = ["PRODUCT_SERVICES", "DEFAULT_ALLOCATION", "SET_PRICES", "statistics_values"]

#: (group, subgroup) of the catalogue -> coefficient key of the price a statistics row of that item takes
#: when it gives a quantity only (a price or an output value in the statistics wins)
SET_PRICES: dict[tuple[str, str], tuple[str, str]] = {
    ("water_supply", "agricultural"): ("price.water.agricultural", "元/m³"),
    ("water_supply", "industrial"): ("price.water.industrial", "元/m³"),
    ("water_supply", "domestic"): ("price.water.domestic", "元/m³"),
    ("eco_energy", "hydropower"): ("price.hydropower", "元/kWh"),
}

REF_GARZE = ("白玛卓嘎, 肖燚, 欧阳志云, 王莉雁. 甘孜藏族自治州生态系统生产总值核算研究. 生态学报, 2017, "
             "37(19): 6302-6312.")
REF_BYD = "江波, 陈媛媛, 肖洋, 赵娟娟, 欧阳志云. 白洋淀湿地生态系统最终服务价值评估. 生态学报, 2017, 37(8)."
REF_GBT = "GB/T 46869—2025 生态系统评估 陆域生态产品总值核算技术指南."

#: physical quantity and valuation of the product groups reported by mass
_BY_MASS = ("t", "以质量计的产品产量", "output of products reported by mass", "市场价值法", "market value")

#: service id -> (group, category, zh, en, physical unit, physical label zh, en, valuation zh, en)
PRODUCT_SERVICES: dict[str, tuple] = {
    "agricultural_products": ("agriculture", "provisioning", "农业产品", "Agricultural products", *_BY_MASS),
    "forestry_products": ("forestry", "provisioning", "林业产品", "Forest products", *_BY_MASS),
    "livestock_products": ("livestock", "provisioning", "畜牧业产品", "Livestock products", *_BY_MASS),
    "fishery_products": ("fishery", "provisioning", "渔业产品", "Fishery products", *_BY_MASS),
    "farm_products_undivided": ("farm_sectors", "provisioning", "农林牧渔产品（未分项）",
                                "Farm, forest, livestock and fishery products (undivided)", *_BY_MASS),
    "water_supply": ("water_supply", "provisioning", "水资源", "Water supply", "m³",
                     "用水量", "water use", "市场价值法（分用途水价）", "market value (water price by use)"),
    "eco_energy": ("eco_energy", "provisioning", "生态能源", "Ecological energy", "kWh",
                   "发电量", "electricity generated", "市场价值法（电价）", "market value (electricity price)"),
    "other_products": ("other", "provisioning", "其他物质产品", "Other products", *_BY_MASS),
    "recreation": ("tourism", "cultural", "休闲旅游", "Recreation and tourism", "人次",
                   "游客人次", "visits", "旅游收入法或旅行费用法", "tourism revenue or travel cost"),
    "landscape_value": ("landscape", "cultural", "景观价值", "Landscape value", "元",
                        "受益房产价值", "value of benefiting property", "享乐价格法（景观溢价）", "hedonic premium"),
}

#: group -> proxy used to allocate a county figure to townships
DEFAULT_ALLOCATION: dict[str, object] = {
    "agriculture": ["farmland"],
    "forestry": ["forest"],
    "livestock": ["farmland", "grassland"],
    "fishery": ["water", "wetland"],
    "farm_sectors": ["farmland", "forest", "grassland", "water", "wetland"],
    "water_supply": ["forest", "grassland", "wetland", "water"],
    "eco_energy": ["water"],
    "other": "area",
    "tourism": ["forest", "grassland", "wetland", "water"],
    "landscape": ["forest", "grassland", "wetland", "water"],
}


#: caches of a context that depend on its inputs and its ``[allocation]`` only, never on prices: an account
#: repriced from another (:meth:`gep.account.Account.reprice`, the same inputs at other prices) shares them
PRICE_FREE_CACHES = ("_allocation_weights", "_leaves_under", "_leaf_positions", "_region_columns", "_area_columns")


def _leaves_under(ctx, region: str) -> list[str]:
    """Leaf regions of the account that lie under ``region`` (itself included); computed once per region."""
    cache = ctx.params.setdefault("_leaves_under", {})
    if region not in cache:
        cache[region] = _find_leaves_under(ctx, region)
    return cache[region]


def _find_leaves_under(ctx, region: str) -> list[str]:
    """:func:`_leaves_under`, uncached."""
    parent = ctx.region_info["parent"]
    out = []
    for leaf in ctx.regions:
        r = leaf
        while r:
            if r == region:
                out.append(leaf)
                break
            r = parent.get(r, "")
    return out


def _allocation_weights(ctx, group: str, within: list[str] | None = None) -> tuple[np.ndarray, str]:
    """Weights over leaf regions (on ``ctx.regions``, sum 1) for allocating a non-leaf region's figure.

    ``within``: the leaves the figure belongs to (those under the region it was given
    for); the others get weight 0. Computed once per (group, leaves) and account.
    """
    cache = ctx.params.setdefault("_allocation_weights", {})
    ident = (group, None if within is None else tuple(within))
    if ident not in cache:
        cache[ident] = _weights(ctx, group, within)
    return cache[ident]


def _weights(ctx, group: str, within: list[str] | None) -> tuple[np.ndarray, str]:
    """:func:`_allocation_weights`, uncached: the weights on ``ctx.regions`` (numpy) and what they are."""
    alloc = dict(DEFAULT_ALLOCATION)
    alloc.update(ctx.params.get("allocation", {}))
    proxy = alloc.get(group, "area")
    regions = ctx.regions
    if proxy == "population":
        w = _region_column(ctx, "population_persons")
        label = "population"
    elif proxy == "area" or ctx.areas is None:
        w = _region_column(ctx, "area_km2")
        label = "land area"
    else:
        from ..classifications import ecosystem_types

        groups = [proxy] if isinstance(proxy, str) else list(proxy)
        areas, column = _area_columns(ctx)
        types = [t for t, spec in ecosystem_types().items() if spec.group in groups and t in column]
        # the areas of those ecosystems summed by region, NaN counted as 0: ``areas.sel(ecosystem=types).sum(
        # "ecosystem")``, the same additions in the same order, on the array read once per account
        chosen = areas[:, [column[t] for t in types]]
        w = np.where(np.isnan(chosen), 0.0, chosen).sum(axis=1)
        label = f"area of {'+'.join(groups)} ecosystems"
    w = np.nan_to_num(np.asarray(w, dtype=float))
    if within is not None:
        w = w * np.isin(np.asarray(regions, dtype=object), list(within))
    if w.sum() <= 0:
        raise ConfigError(problem(
            "allocation_without_weight", f"无法将 {group} 分配到下级地区：代理指标 {label} 之和为 0",
            f"cannot allocate {group} to sub-regions: the proxy ({label}) adds up to 0",
            hint_zh="在 [allocation] 中换用 area 或 population，或按乡镇给出统计数据",
            hint_en="use area or population in [allocation], or give the statistics by township"))
    return w / w.sum(), label


def _region_column(ctx, column: str) -> np.ndarray:
    """A numeric column of the region table on ``ctx.regions`` (float), read once per account."""
    cache = ctx.params.setdefault("_region_columns", {})
    if column not in cache:
        cache[column] = ctx.region_info.loc[ctx.regions, column].astype(float).to_numpy()
    return cache[column]


def _area_columns(ctx) -> tuple[np.ndarray, dict[str, int]]:
    """The land-use areas as a (region × ecosystem) array on ``ctx.regions`` (NaN for a region without land use),
    and each ecosystem's column: read once per account."""
    cache = ctx.params.setdefault("_area_columns", {})
    if not cache:
        areas = ctx.areas.transpose("region", "ecosystem")
        if areas.region.values.tolist() != list(ctx.regions):
            areas = areas.reindex(region=ctx.regions)
        cache["areas"] = areas.to_numpy()
        cache["column"] = {str(e): j for j, e in enumerate(areas.ecosystem.values)}
    return cache["areas"], cache["column"]


def _sums_by_region(regions: np.ndarray, values: np.ndarray) -> dict[str, float]:
    """``values`` summed by region, regions in sorted order: ``pd.Series(values).groupby(regions).sum()``.

    When no region has two rows (an item's rows, a table by township) and every
    value is a finite non-zero number, a region's sum is its one value, and no
    groupby is built. Otherwise pandas adds them: its compensated summation
    (and its sign of a zero sum) differs between pandas versions and decides
    the last bit, so it is not written again here.
    """
    keys = regions.tolist()
    if values.dtype == np.float64 and len(set(keys)) == len(keys) and np.all(np.isfinite(values) & (values != 0)):
        return dict(sorted(zip(keys, values.tolist())))
    return pd.Series(values).groupby(regions).sum().to_dict()


def _spread(ctx, frame: pd.DataFrame, column: str, group: str) -> tuple[xr.DataArray, list[dict]]:
    """Sum ``column`` of ``frame`` by leaf region, allocating non-leaf rows."""
    if frame.empty:
        return _by_leaf(ctx, np.zeros(len(ctx.regions))), []
    values = pd.to_numeric(frame[column], errors="coerce").fillna(0.0).to_numpy()
    return _spread_values(ctx, frame["region"].astype(str).to_numpy(), values, group)


def _spread_values(ctx, regions: np.ndarray, values: np.ndarray, group: str) -> tuple[xr.DataArray, list[dict]]:
    """:func:`_spread` of the rows' regions and numeric values (numpy arrays, one element per row).

    A leaf region's sum is added to it; a non-leaf region's sum is allocated to
    the leaves under it by :func:`_allocation_weights` -- region by region, in
    sorted order (the order of the additions, and so the last bit, as before).
    """
    position = _leaf_positions(ctx)
    out = np.zeros(len(ctx.regions))  # numpy, not a DataArray per step: the same additions, in the same order
    trace = []
    for reg, v in _sums_by_region(regions, values).items():
        if reg in position:
            out[position[reg]] += v
        else:
            if reg not in ctx.region_info.index:
                raise UnknownRegion(problem(
                    "region_not_in_region_table", f"统计表中的地区 {reg!r} 不在地区表中",
                    f"region {reg!r} of the statistics table is not in the region table", column="region",
                    value=reg, hint_zh="检查地区 id 拼写，或在地区表中增加该地区",
                    hint_en="check the region id, or add the region to the region table"))
            weights, label = _allocation_weights(ctx, group, within=_leaves_under(ctx, reg))
            out = out + weights * v
            trace.append({"key": f"allocation.{group}", "value": f"{reg} → leaves by {label}",
                          "source": "gep allocation proxy (configurable in [allocation])", "for_region": reg})
    return _by_leaf(ctx, out), trace


def _leaf_positions(ctx) -> dict[str, int]:
    """Leaf region -> its position in ``ctx.regions`` (computed once per account)."""
    cache = ctx.params.setdefault("_leaf_positions", {})
    if not cache:
        cache.update({r: i for i, r in enumerate(ctx.regions)})
    return cache


def _by_leaf(ctx, values: np.ndarray) -> xr.DataArray:
    """A ``region`` DataArray of the leaf regions holding ``values``.

    Copied from one zero template per account: building the region index from
    the list of names each time costs ten times more than the copy.
    """
    template = ctx.params.get("_leaf_template")
    if template is None:
        template = ctx.params["_leaf_template"] = xr.DataArray(np.zeros(len(ctx.regions)), dims=("region",),
                                                               coords={"region": ctx.regions})
    return template.copy(deep=False, data=values)


def _records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as dicts, each value exactly as ``frame.iterrows()`` gives it
    (an element of ``frame.values``), without building a Series per row. The twin of
    :func:`gep.io.tables.frame_records`, which the services' layer may not import."""
    columns = list(frame.columns)
    return [dict(zip(columns, row)) for row in frame.values]


def statistics_values(ctx) -> dict[str, pd.DataFrame]:
    """Valued statistics (cached on the context): provisioning and cultural frames."""
    cache = ctx.params.setdefault("_statistics_cache", {})
    if "provisioning" in cache:
        return cache
    from .product_values import cultural_values, provisioning_by_group

    stats = ctx.statistics
    if stats is None:
        raise ConfigError(problem(
            "missing_input", "物质产品与文化服务需要统计数据 [inputs] statistics",
            "provisioning and cultural services need a statistics table ([inputs] statistics)",
            hint_zh="提供统计年鉴格式的统计表", hint_en="give a yearbook-style statistics table"))
    sp = ctx.params.get("statistics", {})
    cp = dict(ctx.params.get("cultural", {}))
    stats = _rows_of_year(ctx, stats)
    fallback_prices = _set_prices(ctx, stats)
    cache["provisioning"] = provisioning_by_group(
        stats, method=sp.get("method", "gross"), external_share=sp.get("external_share"),
        intermediate_share=sp.get("intermediate_share"), eco_only=sp.get("eco_only", True),
        fallback_prices=fallback_prices)
    #: groups whose value may rest on a price looked up in the coefficient set (a price lookup of their value)
    cache["priced_groups"] = {group for group, _ in fallback_prices}
    cache["cultural"] = cultural_values(
        stats, method=cp.get("method", "revenue"), eco_share=cp.get("eco_share", 1.0),
        travel_cost_per_visit=cp.get("travel_cost_per_visit"), time_cost_per_visit=cp.get("time_cost_per_visit", 0.0),
        consumer_surplus_per_visit=cp.get("consumer_surplus_per_visit", 0.0), premium_rate=cp.get("premium_rate"),
        landscape_share=cp.get("landscape_share", 1.0))
    _check_levels(ctx, pd.concat([cache["provisioning"], cache["cultural"]], ignore_index=True))
    return cache


def _set_prices(ctx, stats) -> dict:
    """Prices of the coefficient set for the statistics rows that give a quantity only (water use, hydropower)."""
    table = stats.table if hasattr(stats, "table") else stats
    if table is None or table.empty:
        return {}
    no_value = table["output_value"].isna() & table["quantity"].notna()
    wanted = {(g, s) for g, s in zip(table.loc[no_value, "group"], table.loc[no_value, "subgroup"])}
    service = {"water_supply": "water_supply", "eco_energy": "eco_energy"}
    return {gs: (ctx.coef(key, service=service.get(gs[0], "")).to(unit), key)
            for gs, (key, unit) in SET_PRICES.items() if gs in wanted}


def _rows_of_year(ctx, stats):
    """The statistics rows of the account year (rows without a year count for every year).

    A table holding several years gives each account its own rows; the rows of
    other years are recorded in the provenance, not silently summed or lost.
    """
    table = stats.table if hasattr(stats, "table") else stats
    if "year" not in table:
        return stats
    years = pd.to_numeric(table["year"], errors="coerce")
    other = years.notna() & (years != ctx.year)
    if not other.any():
        return stats
    ctx.trace.append({"key": "statistics.other_years", "value": int(other.sum()),
                      "source": f"rows of years {sorted(set(years[other].astype(int)))} left out of the {ctx.year} account"})
    kept = table[~other]
    return stats._replace(table=kept) if hasattr(stats, "_replace") else kept


def _check_levels(ctx, frame: pd.DataFrame) -> None:
    """An item given both for a region and for regions under it would be counted twice."""
    from ..errors import StatisticsError

    leaves = set(ctx.regions)
    problems = []
    # item -> (its regions, the source of its first row): frame.groupby("item") (items sorted, unnamed left out)
    # from plain lists, not a sub-frame per item
    by_item: dict = {}
    for item, region, source in zip(frame["item"].tolist(), frame["region"].astype(str).tolist(),
                                    frame["source_row"].tolist()):
        if not pd.isna(item):
            by_item.setdefault(item, (set(), source))[0].add(region)
    for item in sorted(by_item):
        regions, first_source = by_item[item]
        upper, lower = regions - leaves, regions & leaves
        for up in sorted(upper):
            under = sorted(r for r in lower if up in ctx.resolution_chain.get(r, []))
            if under:
                problems.append(problem(
                    "statistics_double_level",
                    f"{item} 同时按 {up} 和其下级地区 {under[:3]} 给出，会重复计算",
                    f"{item} is given both for {up} and for regions under it {under[:3]}: it would be counted twice",
                    value=item, file=str(first_source),
                    hint_zh="只保留一种层级（县合计或乡镇明细）", hint_en="keep one level (the county total or the townships)"))
    if problems:
        raise StatisticsError(problems)


def _rows(ctx, group: str, category: str) -> pd.DataFrame:
    """The valued statistics rows of one product group (selected once per account: quantify and value share them)."""
    frames = statistics_values(ctx)
    selected = ctx.params.setdefault("_statistics_rows", {})
    if (group, category) not in selected:
        frame = frames["provisioning" if category == "provisioning" else "cultural"]
        selected[(group, category)] = frame[frame["group"] == group]
    return selected[(group, category)]


def _drawn_value(ctx, service_id: str, rows: pd.DataFrame, group: str) -> Quantity:
    r"""The value in draw mode: every statistics row's value times its factor of the draw (a statistics error).

    :math:`V_{r,k} = V_r + \sum_i v_i\,w_{i,r}\,(f_{i,k} - 1)`: the value as accounted plus each row's value
    :math:`v_i`, allocated to the leaf regions as the account allocates it (:math:`w_{i,r}`), times its factor
    minus one. What does not depend on the draws is computed once, in ``ctx.draws.cache``.
    """
    cache = ctx.draws.cache
    if ("statistics", service_id) not in cache:
        base = _spread(ctx, rows, "value", group)[0]
        unit: dict[str, np.ndarray] = {}      # one unit of a row of this region, by leaf region
        columns = []
        for region, v in zip(rows["region"].astype(str), pd.to_numeric(rows["value"], errors="coerce").fillna(0.0)):
            if region not in unit:
                unit[region] = _spread_values(ctx, np.array([region], dtype=object), np.array([1.0]), group)[0].values
            columns.append(unit[region] * float(v))
        weights = np.column_stack(columns) if columns else np.zeros((len(ctx.regions), 0))
        cache[("statistics", service_id)] = (base, weights, list(rows["source_row"].astype(str)))
    base, weights, sources = cache[("statistics", service_id)]
    factors = [ctx.draws.statistics_factor(src) for src in sources]
    if not factors or factors[0] is None:
        return Quantity(data=base.assign_attrs(units="元"))
    moved = weights @ (np.vstack(factors) - 1.0)                  # region × draw
    data = base + xr.DataArray(moved, dims=("region", "draw"), coords={"region": base.region.values})
    return Quantity(data=data.assign_attrs(units="元"))


def _item_values(ctx, rows: pd.DataFrame, group: str) -> dict[str, xr.DataArray]:
    """The value of each item, by leaf region (allocated as the total is).

    Items in the order they first appear, an item without a name left out
    (``rows.groupby("item", sort=False)``); each item's rows spread by
    :func:`_spread_values` on plain arrays, not a sub-frame per item.
    """
    if not len(rows):
        return {}
    items = rows["item"].to_numpy()
    regions = rows["region"].astype(str).to_numpy()
    values = pd.to_numeric(rows["value"], errors="coerce").fillna(0.0).to_numpy()
    named = ~pd.isna(items)
    parts = {}
    for item in dict.fromkeys(items[named].tolist()):
        mine = named & (items == item)
        parts[str(item)] = _spread_values(ctx, regions[mine], values[mine], group)[0]
    return parts


def _make(service_id: str, group: str, category: str, unit: str):
    def quantify(ctx, params: Mapping) -> Quantity:
        if ctx.draws is not None and ("physical", service_id) in ctx.draws.cache:
            return ctx.draws.cache[("physical", service_id)]  # an uncertainty run: the physical quantity as accounted
        rows = _rows(ctx, group, category)
        if category == "provisioning":
            qu = rows.get("quantity_unit", pd.Series(dtype=str)).astype(str)
            mask = qu == unit
            phys_rows = rows[mask]
        elif group == "tourism":
            table = ctx.statistics.table if hasattr(ctx.statistics, "table") else ctx.statistics
            phys_rows = table[(table["group"] == "tourism") & (table["subgroup"] == "visits")]
        else:
            phys_rows = rows.assign(quantity=rows["value"])
        data, trace = _spread(ctx, phys_rows, "quantity", group)
        trace += [{"key": f"statistics.{r['item']}", "value": r.get("quantity"), "unit": unit,
                   "source": r["source_row"]} for r in _records(phys_rows)]
        out = Quantity(data=data.assign_attrs(units=unit), trace=trace)
        if ctx.draws is not None:
            ctx.draws.cache[("physical", service_id)] = out
        return out

    def value(ctx, physical: Quantity, params: Mapping) -> Quantity:
        rows = _rows(ctx, group, category)
        if group in statistics_values(ctx)["priced_groups"]:
            ctx.price_lookups += 1  # rows of this group without a price of their own took the coefficient set's
        if ctx.draws is not None:
            return _drawn_value(ctx, service_id, rows, group)
        data, trace = _spread(ctx, rows, "value", group)
        trace += [{"key": f"statistics.{r['item']}", "value": r["value"], "unit": "元", "source": r["source_row"],
                   "note": f"{r.get('method', '')}: {r.get('basis', '')}", "for_region": str(r["region"]),
                   "status": r.get("status") if isinstance(r.get("status"), str) and r.get("status") else "unstated"}
                  for r in _records(rows)]
        return Quantity(data=data.assign_attrs(units="元"), trace=trace, components=_item_values(ctx, rows, group))

    return quantify, value


for _sid, (_group, _cat, _zh, _en, _unit, _pzh, _pen, _vzh, _ven) in PRODUCT_SERVICES.items():
    _q, _v = _make(_sid, _group, _cat, _unit)
    register(Service(
        id=_sid,
        category=_cat,
        label={"zh": _zh, "en": _en},
        physical_unit=_unit,
        physical_label={"zh": _pzh, "en": _pen},
        methods={"statistics": Method(
            name="statistics",
            label={"zh": "统计数据核算", "en": "from statistics"},
            tier="tabular",
            quantify=_q,
            value=_v,
            inputs=("statistics",),
            coefficient_keys=(),
            valuation={"zh": _vzh, "en": _ven},
            references=(REF_GARZE, REF_BYD, REF_GBT) if _cat == "cultural" else (REF_GARZE, REF_GBT),
        )},
        default_method="statistics",
        references=(REF_GARZE, REF_GBT),
        description={"zh": f"{_zh}：由统计年鉴数据按市场价值法（或所述方法）核算",
                     "en": f"{_en}: valued from yearbook statistics ({_ven})"},
        family="gep",
    ))

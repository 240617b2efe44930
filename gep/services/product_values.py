"""Valuing the rows of a checked statistics table: provisioning (物质产品) and cultural (文化服务) values.

:func:`provisioning_by_group` and :func:`cultural_values` take the table of
:func:`gep.statistics.read_statistics` and return values (元) by region × group
× item, with the method and its basis written in each row. Market value is
:func:`gep.compute.valuation.market_value`; recreation by travel cost is
:func:`gep.compute.valuation.travel_cost` (through :mod:`gep.compute.cultural`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..classifications.products import CULTURAL_GROUPS, FARM_GROUPS, PROVISIONING_GROUPS
from ..compute import cultural as _cul
from ..compute import provisioning as _prov
from ..errors import InputFileError, Problem, StatisticsError, problem
from ..statistics import StatisticsResult
from ..units import unit_factor

__all__ = ["provisioning_by_group", "cultural_values"]


def cell_text(raw) -> str | None:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    s = str(raw).strip()
    return s or None


def _table(stats) -> pd.DataFrame:
    if isinstance(stats, StatisticsResult):
        return stats.table
    if isinstance(stats, tuple) and len(stats) == 2 and isinstance(stats[0], pd.DataFrame):
        return stats[0]
    if isinstance(stats, pd.DataFrame):
        return stats
    raise TypeError("stats must be the result of read_statistics or its table")


def _lookup(param, row: pd.Series, name: str, keys=("item", "subgroup", "group")):
    """Scalar, or mapping keyed by item, subgroup, group or region (first hit)."""
    if param is None or np.isscalar(param):
        return param
    if isinstance(param, Mapping):
        for k in (*keys, "region"):
            v = row.get(k)
            if v is not None and v in param:
                return param[v]
        return param.get("*", None)
    raise TypeError(f"{name} must be a number or a mapping, not {type(param).__name__}")


def _price_table(prices) -> dict:
    """item (or (region, item)) -> price in 元 per the item's default unit (converted later)."""
    if prices is None:
        return {}
    if isinstance(prices, Mapping):
        return {k: (float(v), None) for k, v in prices.items()}
    frame = pd.DataFrame(prices)
    need = {"item", "price"}
    if not need <= set(frame.columns):
        raise InputFileError(problem("missing_columns", "价格表需要 item、price 列（可选 price_unit、region）",
                                     "the price table needs item and price columns (price_unit and region optional)",
                                     value=list(frame.columns)))
    out = {}
    for _, r in frame.iterrows():
        key = (r["region"], r["item"]) if "region" in frame.columns and cell_text(r["region"]) else r["item"]
        out[key] = (float(r["price"]), cell_text(r.get("price_unit")) if "price_unit" in frame.columns else None)
    return out


def provisioning_by_group(stats, prices=None, method: str = "gross", external_share=None, *,
                          intermediate_share=None, eco_only: bool = True,
                          catalogue=None, fallback_prices=None) -> pd.DataFrame:
    """Value provisioning services (物质产品) by region × group × item.

    Parameters
    ----------
    stats : StatisticsResult or DataFrame
        Output of :func:`read_statistics` (or its table).
    prices : mapping or DataFrame, optional
        Prices that replace the table's: ``{item: price}`` in 元 per the
        item's canonical unit, or a frame ``item, price[, price_unit][, region]``.
        Applied to rows that have a quantity (value = quantity × price). [元/unit]
    method : {"gross", "net"}
        ``"gross"`` (default): gross output value (总产值) -- what most later
        standards and county accounts use [U], and what yearbooks publish.
        ``"net"``: net output value (净产值 = gross − intermediate consumption)
        of farm, forest, livestock and fishery products, as Garzé (2017) did;
        needs an ``intermediate_consumption`` column in the statistics or
        ``intermediate_share``. Water and energy are valued gross either way.
    external_share : float or mapping, optional
        Share of value originating outside the region (GB/T 46869—2025
        deduction): a number, or a mapping by item, subgroup, group or region. [1]
    intermediate_share : float or mapping, optional
        Intermediate consumption as a share of gross output (for ``"net"``),
        by item, subgroup, group or region. [1]
    eco_only : bool
        Drop items the catalogue does not count as eco-products (``eco_product
        = false``: 生态用水, 农林牧渔服务业, wind and solar power).
    catalogue : optional
        Catalogue used to convert ``price_unit`` of a price frame.
    fallback_prices : mapping, optional
        ``{(group, subgroup): (price, label)}`` in 元 per the item's canonical
        unit, used only for rows that give a quantity and neither a price nor
        an output value (a price in the statistics always wins); ``label``
        names where the price comes from (a coefficient key).

    Returns
    -------
    pandas.DataFrame
        ``region, year, group, subgroup, item, quantity, quantity_unit, price,
        gross_value, intermediate_consumption, external_share, value, method,
        basis, source_row``; ``value`` in 元.

    Raises
    ------
    StatisticsError
        A row without a value, or ``"net"`` without intermediate consumption.
    """
    if method not in ("gross", "net"):
        raise ValueError(f"method must be 'gross' or 'net', not {method!r}")
    t = _table(stats)
    t = t[t["group"].isin(PROVISIONING_GROUPS)]
    if eco_only:
        t = t[t["eco_product"].astype(bool)]
    price_map = _price_table(prices)
    problems: list[Problem] = []
    rows = []
    columns = list(t.columns)
    # each row as a dict of its values exactly as iterrows gives them (an element of t.values), no Series per row
    for r in (dict(zip(columns, values)) for values in t.values):
        q, value, basis = r["quantity"], r["output_value"], r["value_basis"]
        price = r["price"]
        hit = price_map.get((r["region"], r["item"]), price_map.get(r["item"]))
        if hit is not None and not math.isnan(q):
            p, pu = hit
            if pu is not None:
                p = p * unit_factor(pu, f"元/{r['quantity_unit']}")
            price, value, basis = p, float(_prov.product_value(q, p)), "quantity×price (price table)"
        fb = (fallback_prices or {}).get((r["group"], r["subgroup"]))
        if (value is None or math.isnan(value)) and fb is not None and not math.isnan(q):
            price, value = fb[0], float(_prov.product_value(q, fb[0]))
            basis = f"quantity×set price ({fb[1]})"
        if value is None or math.isnan(value):
            problems.append(problem("no_value", f"{r['region']} 的 {r['item']} 没有产值或价格",
                                    f"{r['item']} in {r['region']} has no output value and no price",
                                    file=r["source_row"], value=r["item"],
                                    hint_zh="在统计表中补充价格或产值，或通过 prices= 给出价格",
                                    hint_en="add a price or output value to the table, or pass prices="))
            continue
        gross = value
        ic = np.nan
        if method == "net" and r["group"] in (*FARM_GROUPS, "farm_sectors"):
            ic = r["intermediate_consumption"]
            if math.isnan(ic):
                share = _lookup(intermediate_share, r, "intermediate_share")
                if share is None:
                    problems.append(problem("no_intermediate_consumption",
                                            f"{r['item']}：净产值法需要中间消耗", f"{r['item']}: the net method needs intermediate consumption",
                                            file=r["source_row"], value=r["item"],
                                            hint_zh="在统计表中加 中间消耗 列，或给出 intermediate_share",
                                            hint_en="add an intermediate_consumption column or pass intermediate_share"))
                    continue
                ic = float(_prov.ecosystem_share_value(gross, share))
            value = float(_prov.net_output_value(gross, ic))
        ext = _lookup(external_share, r, "external_share")
        ext = 0.0 if ext is None else float(ext)
        value = float(_prov.external_inflow_deduction(value, ext))
        rows.append(dict(region=r["region"], year=r.get("year"), group=r["group"], subgroup=r["subgroup"],
                         item=r["item"], quantity=q, quantity_unit=r["quantity_unit"], price=price,
                         gross_value=gross, intermediate_consumption=ic, external_share=ext, value=value,
                         method=f"market_value:{method}", basis=basis, source_row=r["source_row"],
                         status=r.get("status")))
    if problems:
        raise StatisticsError(problems)
    cols = ["region", "year", "group", "subgroup", "item", "quantity", "quantity_unit", "price", "gross_value",
            "intermediate_consumption", "external_share", "value", "method", "basis", "source_row", "status"]
    return pd.DataFrame(rows, columns=cols)


def cultural_values(stats, method: str = "revenue", *, eco_share=1.0, travel_cost_per_visit=None,
                    time_cost_per_visit=0.0, consumer_surplus_per_visit=0.0, premium_rate=None,
                    landscape_share=1.0, includes_premium: bool = True, annual_rate=None) -> pd.DataFrame:
    """Value cultural services (文化服务) by region × group × item.

    Parameters
    ----------
    stats : StatisticsResult or DataFrame
        Output of :func:`read_statistics`.
    method : {"revenue", "travel_cost"}
        Recreation method. ``"revenue"``: tourism revenue × ``eco_share``
        (:func:`gep.compute.cultural.tourism_revenue_value`); a region's
        生态旅游收入, when given, is used at face value instead of its
        旅游总收入. ``"travel_cost"``: visits × (travel cost + time cost +
        consumer surplus) per visit × ``eco_share``
        (:func:`gep.compute.cultural.travel_cost_value`, 白洋淀 variant).
    eco_share : float or mapping
        Share of recreation attributable to ecosystems; 1 by default, which
        counts all of 旅游总收入 (as an account that values tourism revenue
        wholesale does) -- lower it for cultural or urban tourism. [1]
    travel_cost_per_visit, time_cost_per_visit, consumer_surplus_per_visit : float or mapping
        Per-visit amounts for ``"travel_cost"`` (by region if a mapping). [元/人次]
    premium_rate : float or mapping, optional
        Hedonic premium rate applied to 景观受益房产价值 rows
        (:func:`gep.compute.cultural.landscape_premium`). [1]
    landscape_share : float or mapping
        Share of the premium attributable to ecosystems. [1]
    includes_premium : bool
        Whether the property value includes the premium.
    annual_rate : float, optional
        Annualisation rate of the capitalised premium. [1/a]

    Returns
    -------
    pandas.DataFrame
        ``region, year, group, subgroup, item, quantity, value, method, share,
        basis, source_row``; ``value`` in 元, ``quantity`` in 人次 for visits.
    """
    if method not in ("revenue", "travel_cost"):
        raise ValueError(f"method must be 'revenue' or 'travel_cost', not {method!r}")
    t = _table(stats)
    t = t[t["group"].isin(CULTURAL_GROUPS) & t["eco_product"].astype(bool)]
    problems: list[Problem] = []
    rows = []

    def add(r, value, meth, share, basis, quantity=np.nan):
        rows.append(dict(region=r["region"], year=r.get("year"), group=r["group"], subgroup=r["subgroup"],
                         item=r["item"], quantity=quantity, value=float(value), method=meth, share=share,
                         basis=basis, source_row=r["source_row"], status=r.get("status")))

    tour = t[t["group"] == "tourism"]
    for (region, year), g in tour.groupby(["region", tour["year"].astype(str)], sort=False, dropna=False):
        if method == "revenue":
            eco = g[g["subgroup"] == "eco_revenue"]
            use = eco if len(eco) else g[g["subgroup"] == "revenue"]
            for _, r in use.iterrows():
                share = 1.0 if r["subgroup"] == "eco_revenue" else float(_lookup(eco_share, r, "eco_share"))
                add(r, _cul.tourism_revenue_value(r["output_value"], share), "tourism_revenue", share,
                    "生态旅游收入 at face value" if r["subgroup"] == "eco_revenue" else "旅游总收入 × eco_share")
        else:
            for _, r in g[g["subgroup"] == "visits"].iterrows():
                tc = _lookup(travel_cost_per_visit, r, "travel_cost_per_visit", keys=())
                if tc is None:
                    problems.append(problem("no_travel_cost", f"{region}：旅行费用法需要人均旅行费用",
                                            f"{region}: the travel-cost method needs travel_cost_per_visit",
                                            file=r["source_row"], hint_zh="给出 travel_cost_per_visit（元/人次）",
                                            hint_en="pass travel_cost_per_visit (元/人次)"))
                    continue
                wc = _lookup(time_cost_per_visit, r, "time_cost_per_visit", keys=())
                cs = _lookup(consumer_surplus_per_visit, r, "consumer_surplus_per_visit", keys=())
                share = float(_lookup(eco_share, r, "eco_share"))
                v = _cul.travel_cost_value(r["quantity"], tc, wc or 0.0, cs or 0.0, share)
                add(r, v, "travel_cost", share, f"visits × ({tc:g} + {wc or 0:g} + {cs or 0:g}) 元/人次",
                    quantity=r["quantity"])
    for _, r in t[t["group"] == "landscape"].iterrows():
        share = float(_lookup(landscape_share, r, "landscape_share"))
        if r["subgroup"] == "premium":
            add(r, float(_prov.ecosystem_share_value(r["output_value"], share)), "landscape_premium", share,
                "premium value given")
        else:
            rate = _lookup(premium_rate, r, "premium_rate")
            if rate is None:
                problems.append(problem("no_premium_rate", f"{r['item']}：需要景观溢价率",
                                        f"{r['item']}: a landscape premium rate is needed", file=r["source_row"],
                                        hint_zh="给出 premium_rate", hint_en="pass premium_rate"))
                continue
            v = _cul.landscape_premium(r["output_value"], rate, share, includes_premium=includes_premium,
                                       annual_rate=annual_rate)
            add(r, v, "landscape_premium", share, f"property value × premium rate {rate:g}")
    if problems:
        raise StatisticsError(problems)
    cols = ["region", "year", "group", "subgroup", "item", "quantity", "value", "method", "share", "basis",
            "source_row", "status"]
    return pd.DataFrame(rows, columns=cols)

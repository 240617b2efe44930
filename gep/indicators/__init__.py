"""The indicators the "Two Mountains" plans track (DESIGN.md §4).

Pure functions over numbers in canonical units, and :func:`account_indicators`
that computes them for an account result, with every component visible.

Definitions
-----------
单位国土面积生态系统生产总值 (GEP per unit land area)
    GEP ÷ land area, reported in 万元/km².
居民人均生态产品产值占比 (resident eco-product share)
    (eco-product output value ÷ residents) ÷ (a per-resident denominator) × 100 %.
    The official definition text was not found (gep_methods.md §2). Numerator:
    ``realised_gep`` = provisioning + cultural value of the account (the
    "两山转化价值" of 陈梅 et al. 2021, 生态学报 41(14):5899) or
    ``eco_economy`` = green/organic agricultural output + eco-processing
    industry output + eco-tourism revenue (the 生态经济 items 12–14 of the
    Shangyu plan's 表1). Denominator: ``gdp`` = GDP per resident (default) or
    ``disposable_income`` = disposable income per resident.
    The default is GDP per resident because the numerator is an *output value*
    (产值); dividing it by an output value per resident keeps like with like,
    and GDP is an official figure every county publishes. With this default the
    indicator equals eco-product output ÷ GDP (population cancels).
GEP/GDP ("绿金" ratio)
    GEP ÷ GDP (马国霞 et al. 2017 call it GGI).
GEP per resident
    GEP ÷ residents, 元/人.
"""

from __future__ import annotations

import math

__all__ = [
    "gep_per_area",
    "resident_eco_product_share",
    "gep_gdp_ratio",
    "gep_per_resident",
    "INDICATORS",
]

#: id -> labels and unit
INDICATORS = {
    "gep_per_area": {"zh": "单位国土面积生态系统生产总值", "en": "GEP per unit land area", "unit": "万元/km²"},
    "resident_eco_product_share": {"zh": "居民人均生态产品产值占比", "en": "Resident eco-product share", "unit": "%"},
    "gep_gdp_ratio": {"zh": "GEP 与 GDP 之比（绿金指数）", "en": "GEP/GDP ratio", "unit": "1"},
    "gep_per_resident": {"zh": "人均 GEP", "en": "GEP per resident", "unit": "元/人"},
    "green_organic_share": {"zh": "绿色、有机农产品产值占农业总产值比重",
                            "en": "Share of green and organic products in agricultural output", "unit": "%"},
    "eco_processing_share": {"zh": "生态加工业产值占工业总产值比重",
                             "en": "Share of eco-processing industry in industrial output", "unit": "%"},
    "eco_tourism_share": {"zh": "生态旅游收入占服务业总产值比重",
                          "en": "Share of eco-tourism revenue in service-sector output", "unit": "%"},
}

#: 表1 rows 12–14: indicator -> (numerator item, denominator item) of the economy table
ECO_ECONOMY = {
    "green_organic_share": ("green_organic_agri_output", "agricultural_output"),
    "eco_processing_share": ("eco_processing_output", "industrial_output"),
    "eco_tourism_share": ("eco_tourism_revenue", "tertiary_value_added"),
}


def gep_per_area(gep_yuan: float, land_area_km2: float) -> float:
    """GEP per unit land area.

    Parameters
    ----------
    gep_yuan : float
        GEP. [元]
    land_area_km2 : float
        Land area (国土面积). [km²]

    Returns
    -------
    float
        GEP ÷ area. [万元/km²]
    """
    if not land_area_km2 > 0:
        raise ValueError("land area must be positive")
    return gep_yuan / 1e4 / land_area_km2


def resident_eco_product_share(eco_output_yuan: float, population: float, denominator_per_resident_yuan: float) -> float:
    """Resident eco-product share.

    Parameters
    ----------
    eco_output_yuan : float
        Eco-product output value of the region (numerator total). [元]
    population : float
        Residents. [人]
    denominator_per_resident_yuan : float
        GDP per resident or disposable income per resident. [元/人]

    Returns
    -------
    float
        (eco_output / population) / denominator × 100. [%]
    """
    if not population > 0 or not denominator_per_resident_yuan > 0:
        raise ValueError("population and denominator must be positive")
    return eco_output_yuan / population / denominator_per_resident_yuan * 100.0


def gep_gdp_ratio(gep_yuan: float, gdp_yuan: float) -> float:
    """GEP ÷ GDP. [1]"""
    if not gdp_yuan > 0:
        raise ValueError("GDP must be positive")
    return gep_yuan / gdp_yuan


def gep_per_resident(gep_yuan: float, population: float) -> float:
    """GEP ÷ residents. [元/人]"""
    if not population > 0:
        raise ValueError("population must be positive")
    return gep_yuan / population


def _entry(ind_id: str, value, **extra) -> dict:
    meta = INDICATORS[ind_id]
    return {"value": value, "unit": meta["unit"], "label": {"zh": meta["zh"], "en": meta["en"]}, **extra}


def account_indicators(*, gep: float, by_category: dict, land_area_km2: float, population: float | None,
                       gdp: float | None, economy: dict | None, numerator: str, denominator: str) -> dict:
    """All indicators of one account, each with its components.

    ``economy`` maps economy-table indicator ids to values in canonical units
    (元, 人, 元/人). An indicator whose inputs are missing is reported with
    ``value = None`` and a ``missing`` list, never a made-up number.
    """
    economy = economy or {}
    out: dict[str, dict] = {}
    out["gep_per_area"] = _entry("gep_per_area", gep_per_area(gep, land_area_km2),
                                 components={"gep_yuan": gep, "land_area_km2": land_area_km2})

    pop = population if population and not math.isnan(population) else economy.get("population")
    gdp_ = gdp if gdp and not math.isnan(gdp) else economy.get("gdp")
    if numerator == "realised_gep":
        num_parts = {"provisioning_yuan": by_category.get("provisioning", 0.0),
                     "cultural_yuan": by_category.get("cultural", 0.0)}
        missing = []
    else:
        items = ("green_organic_agri_output", "eco_processing_output", "eco_tourism_revenue")
        num_parts = {f"{k}_yuan": economy.get(k) for k in items}
        missing = [k for k in items if economy.get(k) is None]
    if denominator == "gdp":
        denom = gdp_ / pop if (gdp_ and pop) else None
        denom_name = "gdp_per_resident_yuan"
    else:
        denom = economy.get("disposable_income_per_resident")
        denom_name = "disposable_income_per_resident_yuan"
    if denom is None:
        missing.append(denom_name)
    if not pop:
        missing.append("population")
    components = {**num_parts, "population": pop, denom_name: denom,
                  "numerator": numerator, "denominator": denominator}
    if missing:
        out["resident_eco_product_share"] = _entry("resident_eco_product_share", None, components=components,
                                                   missing=sorted(set(missing)))
    else:
        total = sum(num_parts.values())
        components["numerator_total_yuan"] = total
        components["numerator_per_resident_yuan"] = total / pop
        out["resident_eco_product_share"] = _entry(
            "resident_eco_product_share", resident_eco_product_share(total, pop, denom), components=components)

    out["gep_gdp_ratio"] = (_entry("gep_gdp_ratio", gep_gdp_ratio(gep, gdp_), components={"gep_yuan": gep, "gdp_yuan": gdp_})
                            if gdp_ else _entry("gep_gdp_ratio", None, missing=["gdp"]))
    out["gep_per_resident"] = (_entry("gep_per_resident", gep_per_resident(gep, pop), components={"gep_yuan": gep, "population": pop})
                               if pop else _entry("gep_per_resident", None, missing=["population"]))
    if economy:
        from ..compute import eco_economy

        for ind_id, (num, den) in ECO_ECONOMY.items():
            fn = getattr(eco_economy, ind_id)
            if economy.get(num) is not None and economy.get(den):
                out[ind_id] = _entry(ind_id, float(fn(economy[num], economy[den])),
                                     components={f"{num}_yuan": economy[num], f"{den}_yuan": economy[den]})
            else:
                out[ind_id] = _entry(ind_id, None, missing=[k for k in (num, den) if not economy.get(k)])
    return out

"""A hand-made two-township account, as ``summary.json`` dicts, for the decisions tests.

County ``c`` (30 km²), townships ``a`` (10 km²) and ``b`` (20 km²); years 2020 and 2021, run at
current prices, compared at constant 2020 prices. All money in 元.

=========================  ===========  ===========  ============
figure                     a            b            county c
=========================  ===========  ===========  ============
GEP 2021 (2021 prices)     3.0e8        1.0e8        4.0e8
  regulating               2.0e8        0.5e8        2.5e8
GDP 2021                   6.0e8        2.0e8        8.0e8
population                 1.0e4        0.5e4        1.5e4
GEP 2020 (2020 prices)     2.8e8        1.0e8        3.8e8
GEP 2021 (2020 prices)     2.94e8       0.96e8       3.9e8
growth at 2020 prices      +5 %         −4 %         +2.631… %
=========================  ===========  ===========  ============
"""

from __future__ import annotations

import copy

import pandas as pd
import xarray as xr


def _region(name, gep, area, regulating, gdp, pop):
    return {"name": {"zh": name[0], "en": name[1]}, "gep": gep, "land_area_km2": area,
            "by_category": {"provisioning": gep - regulating, "regulating": regulating},
            "gdp": gdp, "population": pop}


def summary_2021() -> dict:
    return {
        "year": 2021, "prices": "current", "root": "c", "name": {"zh": "示例县", "en": "Test County"},
        "gep": 4.0e8, "land_area_km2": 30.0, "by_category": {"provisioning": 1.5e8, "regulating": 2.5e8},
        "by_region": {"a": _region(("甲镇", "Town A"), 3.0e8, 10.0, 2.0e8, 6.0e8, 1.0e4),
                      "b": _region(("乙镇", "Town B"), 1.0e8, 20.0, 0.5e8, 2.0e8, 0.5e4)},
        "indicators": {
            "gep_gdp_ratio": {"value": 0.5, "unit": "1", "components": {"gep_yuan": 4.0e8, "gdp_yuan": 8.0e8}},
            "gep_per_resident": {"value": 4.0e8 / 1.5e4, "unit": "元/人",
                                 "components": {"gep_yuan": 4.0e8, "population": 1.5e4}},
            "resident_eco_product_share": {"value": 18.75, "unit": "%", "label": {"zh": "居民人均生态产品产值占比"}},
            "green_organic_share": {"value": None, "unit": "%", "missing": ["green_organic_agri_output"]},
        },
        "year_on_year": {
            "from": 2020, "to": 2021, "prices": "constant:2020",
            "gep": {"a": 3.8e8, "b": 3.9e8},
            "by_category": {"regulating": {"a": 2.3e8, "b": 2.4e8}, "provisioning": {"a": 1.5e8, "b": 1.5e8}},
            "by_region": {"a": {"a": 2.8e8, "b": 2.94e8, "by_category": {"regulating": {"a": 1.8e8, "b": 1.9e8}}},
                          "b": {"a": 1.0e8, "b": 0.96e8, "by_category": {"regulating": {"a": 0.5e8, "b": 0.5e8}}}},
            "gdp": {"a": 7.5e8, "b": 7.8e8},
        },
    }


def summary_2020() -> dict:
    s = copy.deepcopy(summary_2021())
    s["year"] = 2020
    s.pop("year_on_year")
    s["gep"], s["by_category"] = 3.8e8, {"provisioning": 1.5e8, "regulating": 2.3e8}
    s["by_region"]["a"].update(gep=2.8e8, by_category={"provisioning": 1.0e8, "regulating": 1.8e8})
    s["by_region"]["b"].update(gep=1.0e8, by_category={"provisioning": 0.5e8, "regulating": 0.5e8})
    s["indicators"]["gep_gdp_ratio"]["components"] = {"gep_yuan": 3.8e8, "gdp_yuan": 7.5e8}
    return s


def values_2021() -> xr.DataArray:
    """service × region (元): s_reg (regulating) and s_pro (provisioning), adding up to the summary."""
    return xr.DataArray([[2.0e8, 0.5e8], [1.0e8, 0.5e8]], dims=("service", "region"),
                        coords={"service": ["s_reg", "s_pro"], "region": ["a", "b"],
                                "category": ("service", ["regulating", "provisioning"])})


def provenance_2021() -> pd.DataFrame:
    """One illustrative coefficient row, used for township a's regulating service only."""
    return pd.DataFrame([
        {"service": "s_reg", "for_region": "a", "status": "illustrative"},
        {"service": "s_reg", "for_region": "b", "status": "literature"},
        {"service": "s_pro", "for_region": "*", "status": "official"},
        {"service": "s_pro", "for_region": None, "status": None},
    ])


def targets_frame(rows) -> pd.DataFrame:
    cols = ["region", "indicator", "target", "unit", "direction", "year", "price_year", "status", "note"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols).fillna("")

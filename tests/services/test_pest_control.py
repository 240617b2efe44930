"""Pest control (病虫害控制) reproduces the Garzé 2010 line item from its areas and prices.

白玛卓嘎 et al. 2017, table 3 and §3.2.9 (ChinaXiv 201711.00120 l. 231, 273): natural forest
158 万hm² × 375 元/hm² = 5.9250 亿元; natural grassland 711.13 万hm² × 112.5 元/hm² = 8.0003 亿元
(the unrounded grassland area of its table 1, 71 113.87 km² = 7 111 387 hm², gives 8.00031);
total 13.93 亿元 (2010 prices).
"""

from __future__ import annotations

import pandas as pd
import pytest
import xarray as xr

import gep
from gep.services import get_service
from conftest import CPI_2010_2021, choose_method

FOREST_HM2 = 1_580_000.0        # 158 万hm² 天然林
GRASSLAND_HM2 = 7_111_387.0     # 71 113.87 km² 草地 (table 1)


def garze_account() -> gep.Account:
    """Garzé 2010 as one region: the natural forest and grassland areas the paper priced."""
    area_km2 = (FOREST_HM2 + GRASSLAND_HM2) / 100
    regions = pd.DataFrame([
        {"id": "garze", "parent": "", "name_zh": "甘孜州", "name_en": "Garzé", "area": area_km2, "area_unit": "km²",
         "population": "", "population_unit": "", "gdp": "", "gdp_unit": ""},
        {"id": "all", "parent": "garze", "name_zh": "全州", "name_en": "whole prefecture", "area": area_km2,
         "area_unit": "km²", "population": "", "population_unit": "", "gdp": "", "gdp_unit": ""}])
    land = xr.DataArray([[FOREST_HM2, GRASSLAND_HM2]], dims=("region", "ecosystem"),
                        coords={"region": ["all"], "ecosystem": ["forest_broadleaf", "grassland_meadow"]},
                        attrs={"units": "hm²"})
    return gep.Account.from_inputs(year=2010, regions=regions, land_use=land, coefficients="cn-rcees",
                                   profile="rcees-gep")


def test_pest_control_reproduces_garze_2010():
    ctx = garze_account().context()
    method = get_service("pest_control").method("tabular")
    phys = method.quantify(ctx, {})
    val = method.value(ctx, phys, {})
    forest = float(val.data.sel(region="all", ecosystem="forest_broadleaf"))
    grass = float(val.data.sel(region="all", ecosystem="grassland_meadow"))
    # 1 580 000 hm² × 375 元/hm² = 592 500 000 元 = 5.9250 亿元 (printed 5.9250)
    assert forest == pytest.approx(592_500_000.0, rel=1e-12)
    # 7 111 387 hm² × 112.5 元/hm² = 800 031 037.5 元 = 8.0003 亿元 (printed 8.0003)
    assert grass == pytest.approx(800_031_037.5, rel=1e-12)
    assert round(grass / 1e8, 4) == 8.0003
    # total 13.9253 亿元 → printed 13.93
    total = float(val.data.sum())
    assert round(total / 1e8, 2) == 13.93
    assert float(phys.data.sum()) == pytest.approx(FOREST_HM2 + GRASSLAND_HM2, rel=1e-12)
    # priced with the avoided-cost method (防治费用法), recorded in the provenance
    assert any(r["key"] == "valuation.avoided_cost" for r in ctx.trace)
    prices = {r["ecosystem"]: (r["value"], r["price_year"], r["source"]) for r in ctx.trace
              if r["key"] == "price.pest_control"}
    assert prices["forest_broadleaf"] == (375.0, 2010, "bai2017garze")
    assert prices["grassland_meadow"] == (112.5, 2010, "bai2017garze")


def test_pest_control_chosen_in_the_example_county(example_copy, example_result):
    # [services] pest_control = "tabular" adds the service to the rcees-gep plan; the example county has
    # forest_broadleaf 62 673.22 hm² and grassland_shrub 1 657.35 hm² (shrub 2 598.26 hm² is 灌丛, not counted)
    # value = (62 673.22 × 375 + 1 657.35 × 112.5) 元 of 2010 × CPI 2010→2021
    #       = (23 502 457.5 + 186 451.875) × 1.2094… = 23 688 909.375 × CPI
    choose_method(example_copy, "pest_control", "tabular")
    res = gep.Account.from_config(example_copy).run()
    expected = (62_673.22 * 375 + 1_657.35 * 112.5) * CPI_2010_2021
    assert 62_673.22 * 375 + 1_657.35 * 112.5 == pytest.approx(23_688_909.375, rel=1e-12)
    assert float(res.by_service["pest_control"]) == pytest.approx(expected, rel=1e-9)
    assert res.services.at["pest_control", "method"] == "tabular"
    # the other services are untouched
    assert res.total == pytest.approx(example_result.total + expected, rel=1e-12)

"""A library that behaves like its neighbours: labels on arrays, CF units, no global state, reprs."""

from __future__ import annotations

import subprocess
import sys

import cf_units
import numpy as np
import xarray as xr

import gep
from gep.units import cf_units as gep_cf_units
from gep.units import registry


def test_import_gep_leaves_pints_application_registry_alone():
    code = ("import pint; before = pint.get_application_registry().get(); import gep; "
            "after = pint.get_application_registry().get(); print(before is after, after is gep.units.registry)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]


def test_the_registry_is_there_to_use_explicitly():
    q = registry.Quantity(3, "万元")
    assert q.to("元").magnitude == 30000          # 3 × 10⁴ 元
    assert registry.Quantity(1, "亩").to("m²").magnitude == 10000 / 15


def test_value_carries_the_labels_accounts_nc_has(example_result):
    v = example_result.value
    assert {"service_zh", "service_en", "category", "region_zh", "region_en"} <= set(v.coords)
    assert v.sel(service="water_conservation").service_zh.item() == "水源涵养"
    assert v.sel(region="baiguan").region_zh.item() == "百官街道"
    assert set(v.category.values) == {"provisioning", "regulating", "cultural"}
    ds = example_result.to_dataset()
    for c in ("service_zh", "service_en", "category", "region_zh", "region_en"):
        np.testing.assert_array_equal(ds[c].values, v[c].values)
    # labels do not change a figure
    assert float(v.sum()) == example_result.summary()["gep"]


def test_accounts_nc_units_are_udunits_or_absent_for_money(example_result, tmp_path):
    path = example_result.write(tmp_path, formats=("nc",))["accounts.nc"]
    ds = xr.open_dataset(path, engine="netcdf4")
    assert ds.attrs["Conventions"] == "CF-1.8"
    for name, var in ds.data_vars.items():
        zh = var.attrs["units_zh"]
        if zh == "元":
            assert "units" not in var.attrs and var.attrs["currency"] == "CNY", name
        else:
            cf_units.Unit(var.attrs["units"])             # parses in UDUNITS (raises otherwise)
    assert ds["physical__water_conservation"].attrs["units"] == "m3"
    assert ds["physical__recreation"].attrs["units"] == "1" and ds["physical__recreation"].attrs["units_zh"] == "人次"


def test_cf_units_convert_as_gep_units_do():
    # 1 t/(hm²·a) = 1000 kg / 10⁴ m² / a = 0.1 kg m-2 year-1
    assert cf_units.Unit(gep_cf_units("t/(hm²·a)")).convert(1.0, cf_units.Unit("kg m-2 year-1")) == 0.1
    assert cf_units.Unit(gep_cf_units("kWh")).convert(1.0, cf_units.Unit("J")) == 3.6e6
    assert gep_cf_units("万元") is None and gep_cf_units("元/t") is None
    assert gep_cf_units("bananas") is None


def test_reprs(example_result):
    acct = gep.Account.from_config(gep.example_config())
    r = repr(acct)
    assert r.startswith("<Account 上虞区（示例） / Shangyu District (example) 2021") and "rcees-gep" in r
    assert "inputs not yet read" in r
    acct.validate()
    assert "inputs checked" in repr(acct)
    rr = repr(example_result)
    assert "GEP 1,104.58 亿元" in rr and "regulating" in rr and "17 services × 20 regions" in rr

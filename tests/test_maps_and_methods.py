"""Per-pixel map output and the side-by-side comparison of methods."""

import numpy as np
import pytest

import gep
from gep.account.comparison import side_by_side


def test_maps_sum_to_the_account(tmp_path):
    acct = gep.Account.from_config(gep.example_config("gep-spatial.toml"))
    acct.maps = True
    res = acct.run()
    written = res.write_maps(tmp_path)
    assert set(written) == {"water_conservation", "soil_retention", "carbon_sequestration", "oxygen_release"}
    import rioxarray

    soil = rioxarray.open_rasterio(written["soil_retention"], masked=True)
    # t/hm² per 100 m pixel (1 hm²): the map sums to the account's physical quantity
    assert float(soil.sum()) == pytest.approx(float(res.physical["soil_retention"].sum()), rel=1e-6)
    assert soil.rio.crs == acct.context().rasters.land_use.rio.crs


def test_no_maps_unless_asked():
    res = gep.Account.from_config(gep.example_config("gep-spatial.toml")).run()
    assert res.extra["maps"] == {}


def test_side_by_side(example_result, vt_result):
    table = side_by_side({"tabular": example_result, "value transfer": vt_result})
    gep_row = table.xs("GEP", level="service")
    assert float(gep_row["tabular"].iloc[0]) == pytest.approx(example_result.total)
    assert float(gep_row["value transfer"].iloc[0]) == pytest.approx(vt_result.total)
    # a service of one method is blank, not zero, for the other
    assert np.isnan(table.xs("esv.food_production", level="service")["tabular"].iloc[0])
    totals = table[table.index.get_level_values("service").str.startswith("total:")]
    assert float(totals["tabular"].sum()) == pytest.approx(example_result.total)

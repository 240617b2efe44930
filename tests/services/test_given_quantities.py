"""Physical quantities given by the user (``[inputs] physical``), valued through the account.

The tiny county of ``test_regulating_services`` (townships t0, t1; a county set
extending cn-rcees with a flat deflator) is reused; the 白洋淀 2011 case uses the
shipped ``baiyangdian-2011`` set.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import xarray as xr

import gep
from gep import errors as E
from conftest import tiny_regions
from test_regulating_services import account, physical, value

GIVEN = {"water_conservation": "given"}


def table(*rows, component=False) -> pd.DataFrame:
    cols = ["region", "service", "quantity", "unit"] + (["component"] if component else [])
    return pd.DataFrame([[str(x) for x in r] for r in rows], columns=cols)


def write_table(tmp_path: Path, frame: pd.DataFrame) -> str:
    path = tmp_path / "physical.csv"
    frame.to_csv(path, index=False)
    return str(path)


# ----------------------------------------------------------------- valued like the rest
def test_water_conservation_given_in_wan_m3(tmp_path):
    # t0: 10 万m³ = 100 000 m³ × 7.06 元/m³ = 706 000 元
    # t1: 200 000 m³ + 0.001 亿m³ (= 100 000 m³) = 300 000 m³ × 7.06 = 2 118 000 元 (rows of one region add up)
    phys = table(("t0", "water_conservation", 10, "万m³"), ("t1", "water_conservation", 200000, "m³"),
                 ("t1", "water_conservation", 0.001, "亿m³"))
    res = account(tmp_path, physical=phys, services=GIVEN).run()
    assert res.services.at["water_conservation", "method"] == "given"
    assert res.services.at["water_conservation", "tier"] == "given"
    assert physical(res, "water_conservation", "t0") == pytest.approx(100_000.0, rel=1e-12)
    assert value(res, "water_conservation", "t0") == pytest.approx(706_000.0, rel=1e-12)
    assert physical(res, "water_conservation", "t1") == pytest.approx(300_000.0, rel=1e-12)
    assert value(res, "water_conservation", "t1") == pytest.approx(2_118_000.0, rel=1e-12)
    # every given row is in the provenance with its row number (header = row 1)
    prov = res.provenance[res.provenance["key"] == "given.water_conservation"]
    assert sorted(prov["row"].astype(int)) == [2, 3, 4]
    # the value of a given quantity has no ecosystem breakdown
    assert float(res.value_by_ecosystem.sel(service="water_conservation", ecosystem="unattributed").sum()) == \
        pytest.approx(706_000.0 + 2_118_000.0, rel=1e-12)


def test_given_equals_tabular_for_the_same_quantity(tmp_path):
    # the tabular method gives t0 685 000 m³ and t1 1 220 000 m³ (test_regulating_services);
    # given as such, they are valued the same: 4 836 100 and 8 613 200 元
    tab = account(tmp_path / "tab").run()
    phys = table(("t0", "water_conservation", 685000, "m³"), ("t1", "water_conservation", 122, "万m³"))
    giv = account(tmp_path / "giv", physical=phys, services=GIVEN).run()
    for reg, expected in (("t0", 4_836_100.0), ("t1", 8_613_200.0)):
        assert value(giv, "water_conservation", reg) == pytest.approx(expected, rel=1e-12)
        assert value(tab, "water_conservation", reg) == pytest.approx(expected, rel=1e-12)


def test_region_without_rows_is_zero(tmp_path):
    res = account(tmp_path, physical=table(("t0", "water_conservation", 1, "万m³")), services=GIVEN).run()
    assert value(res, "water_conservation", "t1") == 0.0


def test_sand_fixation_given(tmp_path):
    # sand fixation is not in the rcees-gep profile; [services] adds it with its (default) given method
    # area = Q / (ρ·h) = 12 800 t / (1.28 t/m³ × 0.1 m) = 100 000 m²; × 3.75 元/m² (Garzé) = 375 000 元
    res = account(tmp_path, physical=table(("t0", "sand_fixation", 1.28, "万t")),
                  services={"sand_fixation": "given"}).run()
    assert physical(res, "sand_fixation", "t0") == pytest.approx(12_800.0, rel=1e-12)
    assert value(res, "sand_fixation", "t0") == pytest.approx(375_000.0, rel=1e-12)


# -------------------------------------------------------------- purification by component
def test_water_purification_given_by_component(tmp_path):
    # t0: COD 10 t × 700 + NH3-N 2 000 kg = 2 t × 875 + TP 0.5 t × 75.07 万元/t
    #     = 7 000 + 1 750 + 375 350 = 384 100 元
    # t1: COD 5 t × 700 = 3 500 元
    phys = table(("t0", "water_purification", 10, "t", "cod"), ("t0", "water_purification", 2000, "kg", "nh3n"),
                 ("t0", "water_purification", 0.5, "t", "tp"), ("t1", "water_purification", 5, "t", "cod"),
                 component=True)
    res = account(tmp_path, physical=phys, services={"water_purification": "given"}).run()
    assert physical(res, "water_purification", "t0") == pytest.approx(12.5, rel=1e-12)
    assert value(res, "water_purification", "t0") == pytest.approx(384_100.0, rel=1e-12)
    assert value(res, "water_purification", "t1") == pytest.approx(3_500.0, rel=1e-12)


def test_air_purification_given_by_component(tmp_path):
    # t0: SO2 2 t × 1200 + dust 100 t × 150 = 2 400 + 15 000 = 17 400 元 (given quantities are not capped)
    phys = table(("t0", "air_purification", 2, "t", "so2"), ("t0", "air_purification", 100, "t", "dust"),
                 component=True)
    res = account(tmp_path, physical=phys, services={"air_purification": "given"}).run()
    assert value(res, "air_purification", "t0") == pytest.approx(17_400.0, rel=1e-12)


def test_purification_given_without_component_names_the_row(tmp_path):
    phys = table(("t0", "water_purification", 10, "t", "cod"), ("t1", "water_purification", 5, "t", ""),
                 component=True)
    with pytest.raises(E.ConfigError, match="component") as info:
        account(tmp_path, physical=phys, services={"water_purification": "given"}).run()
    assert info.value.problems[0].row == 3


# --------------------------------------------------------------------------- 白洋淀 2011
def baiyangdian(phys: pd.DataFrame, given=("flood_regulation", "carbon_sequestration", "oxygen_release")
                ) -> gep.AccountResult:
    """白洋淀 (157.29 km² of wetland) in 2011, with the regulating line items given physically.

    The value-transfer profile supplies the rest of the plan; [services] adds the three
    regulating services with their given method, valued with the baiyangdian-2011 set.
    """
    areas = xr.DataArray([[15_729.0]], dims=("region", "ecosystem"), coords={"region": ["t0"], "ecosystem": ["wetland"]},
                         attrs={"units": "hm²"})
    return gep.Account.from_inputs(
        name="白洋淀", year=2011, regions=tiny_regions((157.29,)), land_use=areas,
        coefficients=["xie-2015", "baiyangdian-2011"], physical=phys,
        services={sid: "given" for sid in given}).run()


def test_baiyangdian_2011_regulating_line_items():
    # 江波 et al. 2017 table (gep_methods.md §4.2):
    #   调蓄洪水 2.45×10⁸ m³ × 6.11 元/m³ = 14.9695×10⁸ → 14.97 亿元
    #   固碳: 3.74×10⁴ t reed × 1.63 = 60 962 t CO₂ (= 1.66×10⁴ t C); the set prices carbon at
    #         1320 元/t C, i.e. 1320 × 12/44 = 360 元/t CO₂: 60 962 × 360 = 21 946 320 元 → 0.22 亿元
    #   释氧 4.49×10⁴ t × 1000 元/t = 44 900 000 元 → 0.45 亿元
    phys = table(("t0", "flood_regulation", 2.45, "亿m³"), ("t0", "carbon_sequestration", 3.74e4 * 1.63, "t"),
                 ("t0", "oxygen_release", 4.49, "万t"))
    res = baiyangdian(phys)
    flood = value(res, "flood_regulation", "t0")
    carbon = value(res, "carbon_sequestration", "t0")
    oxygen = value(res, "oxygen_release", "t0")
    assert flood == pytest.approx(2.45e8 * 6.11, rel=1e-12)
    assert carbon == pytest.approx(60_962 * 360, rel=1e-12)
    assert oxygen == pytest.approx(44_900_000.0, rel=1e-12)
    assert (round(flood / 1e8, 2), round(carbon / 1e8, 2), round(oxygen / 1e8, 2)) == (14.97, 0.22, 0.45)
    # the carbon price used is the set's own per-t-C row, not the per-t-CO₂ row of cn-rcees it extends
    prov = res.provenance[res.provenance["service"] == "carbon_sequestration"]
    assert "price.carbon_afforestation" in set(prov["key"]) and "price.co2" not in set(prov["key"])


def test_baiyangdian_carbon_from_the_published_tonnes_of_carbon():
    # the published 1.66×10⁴ t is carbon; the service's unit is t CO₂, so it is given as
    # 1.66×10⁴ × 44/12 = 60 866.7 t CO₂ → × 360 元/t CO₂ = 1.66×10⁴ × 1320 = 21 912 000 元 → 0.22 亿元
    res = baiyangdian(table(("t0", "carbon_sequestration", 1.66e4 * 44 / 12, "t")), given=("carbon_sequestration",))
    carbon = value(res, "carbon_sequestration", "t0")
    assert carbon == pytest.approx(1.66e4 * 1320, rel=1e-12)
    assert round(carbon / 1e8, 2) == 0.22


# ------------------------------------------------------------------------------ errors
def test_unknown_service_names_file_and_row(tmp_path):
    path = write_table(tmp_path, table(("t0", "water_conservation", 1, "m³"), ("t1", "water_conservaton", 1, "m³")))
    with pytest.raises(E.GepError) as info:
        account(tmp_path, physical=path, services=GIVEN).run()
    (p,) = info.value.problems
    assert p.code == "unknown_service" and p.file == path and p.row == 3 and p.value == "water_conservaton"
    assert path in str(info.value) and "row 3" in str(info.value)


def test_unknown_service_error_class(tmp_path):
    path = write_table(tmp_path, table(("t1", "water_conservaton", 1, "m³")))
    with pytest.raises(E.GepError) as info:
        account(tmp_path, physical=path, services=GIVEN).run()
    assert isinstance(info.value, E.UnknownService)


def test_unit_that_does_not_convert_names_the_row(tmp_path):
    path = write_table(tmp_path, table(("t0", "water_conservation", 100, "元")))
    with pytest.raises(E.GepError, match="元") as info:
        account(tmp_path, physical=path, services=GIVEN).run()
    (p,) = info.value.problems
    assert (p.code, p.file, p.row, p.column) == ("bad_unit", path, 2, "unit")
    assert "m³" in p.en and "water_conservation" in p.en


def test_unit_error_class(tmp_path):
    path = write_table(tmp_path, table(("t0", "water_conservation", 100, "元")))
    with pytest.raises(E.GepError) as info:
        account(tmp_path, physical=path, services=GIVEN).run()
    assert isinstance(info.value, E.UnitError)


def test_negative_quantity(tmp_path):
    path = write_table(tmp_path, table(("t0", "water_conservation", -5, "m³")))
    with pytest.raises(E.GepError) as info:
        account(tmp_path, physical=path, services=GIVEN).run()
    (p,) = info.value.problems
    assert (p.code, p.row, p.column, p.value) == ("bad_quantity", 2, "quantity", "-5")


def test_region_not_in_region_table(tmp_path):
    path = write_table(tmp_path, table(("t0", "water_conservation", 5, "m³"), ("nowhere", "water_conservation", 5, "m³")))
    with pytest.raises(E.UnknownRegion) as info:
        account(tmp_path, physical=path, services=GIVEN).run()
    (p,) = info.value.problems
    assert (p.code, p.row, p.value) == ("region_not_in_region_table", 3, "nowhere")


def test_validate_lists_every_bad_row_at_once(tmp_path):
    path = write_table(tmp_path, table(("t0", "water_conservaton", 1, "m³"), ("t0", "water_conservation", 1, "元"),
                                       ("t0", "water_conservation", "lots", "m³"),
                                       ("nowhere", "water_conservation", 1, "m³")))
    problems = account(tmp_path, physical=path, services=GIVEN).validate()
    assert sorted((p.code, p.row) for p in problems) == [
        ("bad_quantity", 4), ("bad_unit", 3), ("region_not_in_region_table", 5), ("unknown_service", 2)]

"""Regulating services (调节服务), tabular method, on a tiny account with hand-computed numbers.

The account has one county ``c`` and two townships, ``t0`` (2 km²) and ``t1``
(4 km²). Land use (hm²):

=========== ================ ================ ============== ===== ======= ========
township    forest_broadleaf grassland_meadow farmland_paddy water wetland built_up
=========== ================ ================ ============== ===== ======= ========
t0          100              0                50             20    10      20
t1          200              100              40             30    20      10
=========== ================ ================ ============== ===== ======= ========

The coefficient set (written to ``tmp_path``) extends ``cn-rcees`` and gives
round rates; the pollutant and N/P prices are the 2003 fee rates cn-rcees carries,
restated for 2021 (an administered fee of cn-rcees applies to 2003–2014 only);
every other price comes from ``cn-rcees`` (Garzé 2010:
7.06 元/m³ reservoir cost, 15.58 元/m³ dredging, λ = 0.24, ρ = 0.93 t/m³,
N 0.37 %, P 0.108 %, 875 / 2800 元/t N / P, SO₂ 1200, NOx 630, dust 150, COD
700, NH₃-N 875 元/t, TP 75.07 万元/t, CO₂ 380 元/t, O₂ 727 元/t, COP 3.0,
q = 2450 J/g, γ = 120 kWh/m³, reservoir ratio 0.35, marsh depth 0.3 m).

Every expected value below is worked out by hand in the test, in the units of
the standard, from the formula, not from the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import xarray as xr

import gep
from gep.testing import write_coefficient_set
from gep import errors as E
from gep.services import get_service
from conftest import FEES_2003, PRODUCTS_WITHOUT_ROWS, tiny_regions

YEAR = 2021
ECOSYSTEMS = ["forest_broadleaf", "grassland_meadow", "farmland_paddy", "water", "wetland", "built_up"]
AREAS_HM2 = {
    "t0": [100.0, 0.0, 50.0, 20.0, 10.0, 20.0],   # 200 hm² = 2 km²
    "t1": [200.0, 100.0, 40.0, 30.0, 20.0, 10.0],  # 400 hm² = 4 km²
}

#: (key, ecosystem, region, value, unit, price_year) of the tiny county set.
COUNTY_ROWS = [
    # water conservation: P by region (t1 has its own row, which wins over the county row)
    ("climate.precipitation", "*", "c", 1500, "mm", ""),
    ("climate.precipitation", "*", "t1", 1200, "mm", ""),
    ("rate.runoff_coefficient", "forest_broadleaf", "*", 0.05, "1", ""),
    ("rate.runoff_coefficient", "grassland_meadow", "*", 0.10, "1", ""),
    ("rate.runoff_coefficient", "wetland", "*", 0.0, "1", ""),
    ("rate.evapotranspiration", "forest_broadleaf", "*", 800, "mm", ""),
    ("rate.evapotranspiration", "grassland_meadow", "*", 600, "mm", ""),
    ("rate.evapotranspiration", "wetland", "*", 900, "mm", ""),
    # soil retention: regional R, K, LS; C and P by ecosystem
    ("soil.rainfall_erosivity", "*", "c", 4000, "MJ·mm/(hm²·h·a)", ""),
    ("soil.erodibility", "*", "c", 0.03, "t·hm²·h/(hm²·MJ·mm)", ""),
    ("terrain.ls_factor", "*", "c", 2.0, "1", ""),
    ("rate.rusle_c", "forest_broadleaf", "*", 0.01, "1", ""),
    ("rate.rusle_c", "grassland_meadow", "*", 0.05, "1", ""),
    ("rate.rusle_c", "farmland_paddy", "*", 0.2, "1", ""),
    ("rate.rusle_p", "forest_broadleaf", "*", 1.0, "1", ""),
    ("rate.rusle_p", "grassland_meadow", "*", 1.0, "1", ""),
    ("rate.rusle_p", "farmland_paddy", "*", 0.5, "1", ""),
    # water purification (wetland, water), t/(hm²·a)
    ("rate.cod_purification", "wetland", "*", 0.5, "t/(hm²·a)", ""),
    ("rate.cod_purification", "water", "*", 0.2, "t/(hm²·a)", ""),
    ("rate.nh3n_purification", "wetland", "*", 0.05, "t/(hm²·a)", ""),
    ("rate.nh3n_purification", "water", "*", 0.02, "t/(hm²·a)", ""),
    ("rate.tp_purification", "wetland", "*", 0.01, "t/(hm²·a)", ""),
    ("rate.tp_purification", "water", "*", 0.004, "t/(hm²·a)", ""),
    # air purification (forest, grassland), kg/(hm²·a)
    ("rate.so2_absorption", "forest_broadleaf", "*", 100, "kg/(hm²·a)", ""),
    ("rate.so2_absorption", "grassland_meadow", "*", 20, "kg/(hm²·a)", ""),
    ("rate.nox_absorption", "forest_broadleaf", "*", 6, "kg/(hm²·a)", ""),
    ("rate.nox_absorption", "grassland_meadow", "*", 2, "kg/(hm²·a)", ""),
    ("rate.dust_retention", "forest_broadleaf", "*", 10000, "kg/(hm²·a)", ""),
    ("rate.dust_retention", "grassland_meadow", "*", 1000, "kg/(hm²·a)", ""),
    # NPP, dry matter
    ("rate.npp", "forest_broadleaf", "*", 10, "t/(hm²·a)", ""),
    ("rate.npp", "grassland_meadow", "*", 5, "t/(hm²·a)", ""),
    ("rate.npp", "farmland_paddy", "*", 8, "t/(hm²·a)", ""),
    ("rate.npp", "wetland", "*", 6, "t/(hm²·a)", ""),
    # climate regulation
    ("rate.transpiration_heat", "forest_broadleaf", "*", 1800, "kJ/(m²·d)", ""),
    ("rate.transpiration_heat", "grassland_meadow", "*", 900, "kJ/(m²·d)", ""),
    ("climate.cooling_days", "*", "c", 60, "d", ""),
    ("rate.water_evaporation", "water", "*", 1000, "mm", ""),
    ("rate.water_evaporation", "wetland", "*", 800, "mm", ""),
    ("price.electricity", "*", "c", 0.5, "元/kWh", 2021),  # overrides cn-rcees 0.53
    # coastal protection
    ("price.seawall", "*", "c", 60000, "元/m", 2021),
    ("param.seawall_lifetime", "*", "c", 40, "a", ""),
    # the 2003 fee rates of cn-rcees end in 2014: restated for the 2021 county (conftest.FEES_2003)
    *[(key, "*", "c", v, "元/t", YEAR) for key, v in FEES_2003.items()],
]
#: A flat deflator (every year 100 % of the one before) so that the prices of cn-rcees (price years
#: 2003, 2010, 2015) enter the 2021 account unchanged and the arithmetic below stays the standard's.
#: test_prices_are_rebased_to_the_account_year checks the rebasing itself.
FLAT_INDEX = [("price_index.cpi", "*", "*", 100, "%", "", year) for year in range(2001, YEAR + 1)]

#: economy rows: emissions far above capacity (no cap binds), reservoirs, coastline
ECONOMY_BASE = {
    "cod_emission": (100, "t"), "nh3n_emission": (10, "t"), "tp_emission": (1, "t"),
    "so2_emission": (100, "t"), "nox_emission": (100, "t"), "dust_emission": (10000, "t"),
    "reservoir_capacity": (1000, "万m³"), "coastline_length": (10, "km"),
}

REGULATING = ["water_conservation", "soil_retention", "flood_regulation", "water_purification", "air_purification",
              "carbon_sequestration", "oxygen_release", "climate_regulation", "coastal_protection"]


# ------------------------------------------------------------------------------ builders
def write_set(folder: Path, rows=COUNTY_ROWS, drop=(), index=FLAT_INDEX) -> Path:
    """A county coefficient set extending cn-rcees (with a deflator series), in ``folder``."""
    records = [{"key": k, "ecosystem": e, "region": r, "valid_from": vf, "value": v, "unit": u, "price_year": py,
                "locator": "tests/services"}
               for k, e, r, v, u, py, vf in [row + (YEAR,) for row in rows] + list(index)
               if (k, e) not in drop and k not in drop]
    return write_coefficient_set(folder, records, set_id="tiny-county", extends="cn-rcees", region="c")


def economy(**changes) -> pd.DataFrame:
    """The economy table; ``name=None`` drops a row, ``name=(value, unit)`` sets it."""
    rows = dict(ECONOMY_BASE)
    for k, v in changes.items():
        if v is None:
            rows.pop(k, None)
        else:
            rows[k] = v
    return pd.DataFrame([{"indicator": k, "value": str(v), "unit": u, "status": "illustrative", "source": "test"}
                         for k, (v, u) in rows.items()])


def statistics() -> pd.DataFrame:
    """One provisioning row, so the rcees-gep profile has what it needs."""
    return pd.DataFrame([{"region": "c", "item": "稻谷", "quantity": "100", "unit": "吨", "price": "3000",
                          "price_unit": "元/吨", "output_value": "", "value_unit": "", "status": "illustrative",
                          "source": "test"}])


def areas(**override) -> xr.DataArray:
    table = {**AREAS_HM2, **override}
    return xr.DataArray([table["t0"], table["t1"]], dims=("region", "ecosystem"),
                        coords={"region": ["t0", "t1"], "ecosystem": ECOSYSTEMS}, attrs={"units": "hm²"})


#: the profile's product services the one statistics row does not feed: not accounted here
#: (a service that yields exactly zero for the whole account is an error)
UNFED_PRODUCTS = {sid: False for sid in PRODUCTS_WITHOUT_ROWS}


def account(tmp_path: Path, *, econ=None, land=None, drop=(), rows=COUNTY_ROWS, index=FLAT_INDEX,
            services=None, **inputs) -> gep.Account:
    """The tiny account (rcees-gep profile); ``inputs`` go to ``from_inputs`` (physical …)."""
    cset = write_set(tmp_path / "tiny-county", rows=rows, drop=drop, index=index)
    land = areas() if land is None else land
    sizes = tuple(float(land.sel(region=r).sum()) / 100 for r in ("t0", "t1"))
    return gep.Account.from_inputs(year=YEAR, regions=tiny_regions(sizes), land_use=land, coefficients=str(cset),
                                   profile="rcees-gep", economy=economy() if econ is None else econ,
                                   statistics=statistics(), services={**UNFED_PRODUCTS, **(services or {})},
                                   **inputs)


def value(res, sid: str, region: str) -> float:
    return float(res.value.sel(service=sid, region=region))


def physical(res, sid: str, region: str) -> float:
    da = res.physical[sid]
    da = da.sum("ecosystem") if "ecosystem" in da.dims else da
    return float(da.sel(region=region))


def run_service(acct: gep.Account, sid: str, method: str = "tabular"):
    """Quantify and value one service on the account's context (to see components)."""
    ctx = acct.context()
    m = get_service(sid).method(method)
    phys = m.quantify(ctx, {})
    return phys, m.value(ctx, phys, {})


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return account(tmp_path_factory.mktemp("base")).run()


# ------------------------------------------------------------------ water conservation
def test_water_conservation(base):
    # Q = Σ (P − P·α − ET) · A · 1e-3 (mm × m² → m³); V = Q × 7.06 元/m³ (cn-rcees, Garzé table 3)
    # t0, P = 1500 mm (county row):
    #   forest  100 hm² = 1e6 m²: (1500 − 1500×0.05 − 800) = 1500 − 75 − 800 = 625 mm → 625 × 1e6 × 1e-3 = 625 000 m³
    #   wetland  10 hm² = 1e5 m²: (1500 − 0 − 900) = 600 mm → 600 × 1e5 × 1e-3 =  60 000 m³
    #   paddy, water, built_up: not water-conservation ecosystems → 0
    #   total 685 000 m³ × 7.06 = 4 836 100 元
    assert physical(base, "water_conservation", "t0") == pytest.approx(685_000.0, rel=1e-12)
    assert value(base, "water_conservation", "t0") == pytest.approx(4_836_100.0, rel=1e-12)
    # t1, P = 1200 mm (its own row wins over the county's 1500):
    #   forest  200 hm² = 2e6 m²: (1200 − 60 − 800)  = 340 mm → 680 000 m³
    #   meadow  100 hm² = 1e6 m²: (1200 − 120 − 600) = 480 mm → 480 000 m³
    #   wetland  20 hm² = 2e5 m²: (1200 − 0 − 900)   = 300 mm →  60 000 m³
    #   total 1 220 000 m³ × 7.06 = 8 613 200 元
    assert physical(base, "water_conservation", "t1") == pytest.approx(1_220_000.0, rel=1e-12)
    assert value(base, "water_conservation", "t1") == pytest.approx(8_613_200.0, rel=1e-12)
    assert base.physical["water_conservation"].attrs["units"] == "m³"
    by_eco = base.value_by_ecosystem.sel(service="water_conservation", region="t0")
    assert float(by_eco.sel(ecosystem="forest_broadleaf")) == pytest.approx(625_000 * 7.06, rel=1e-12)


# ---------------------------------------------------------------------- soil retention
def test_soil_retention_quantity(base):
    # A_c = R·K·LS − R·K·LS·C·P; R·K·LS = 4000 × 0.03 × 2 = 240 t/(hm²·a)
    #   forest: 240 × (1 − 0.01 × 1)  = 237.6 t/hm²; meadow: 240 × (1 − 0.05 × 1) = 228 t/hm²
    #   paddy:  240 × (1 − 0.2 × 0.5) = 216 t/hm²
    # t0: 100 × 237.6 + 50 × 216 = 23 760 + 10 800 = 34 560 t
    # t1: 200 × 237.6 + 100 × 228 + 40 × 216 = 47 520 + 22 800 + 8 640 = 78 960 t
    assert physical(base, "soil_retention", "t0") == pytest.approx(34_560.0, rel=1e-12)
    assert physical(base, "soil_retention", "t1") == pytest.approx(78_960.0, rel=1e-12)
    # wetland and water have no C/P rows and are not soil-retention ecosystems: 0
    assert float(base.physical["soil_retention"].sel(region="t1", ecosystem="wetland")) == 0.0


def test_soil_retention_value(base, tmp_path):
    # V = λ·A/ρ·P_dredge + A·C_N·P_N + A·C_P·P_P with the Garzé parameters of cn-rcees
    # t0, A = 34 560 t:
    #   sediment   0.24 × 34 560 / 0.93 = 8 918.7097 m³ × 15.58 元/m³ = 138 953.50 元
    #   nitrogen   34 560 × 0.37 % = 127.872 t × 875 元/t   = 111 888.00 元
    #   phosphorus 34 560 × 0.108 % = 37.3248 t × 2800 元/t = 104 509.44 元
    #   total 355 350.94 元
    sediment = 0.24 * 34_560 / 0.93 * 15.58
    assert sediment == pytest.approx(138_953.50, abs=0.01)
    assert value(base, "soil_retention", "t0") == pytest.approx(sediment + 111_888.0 + 104_509.44, rel=1e-12)
    # t1, A = 78 960 t: 0.24 × 78 960 / 0.93 × 15.58 = 317 470.14; 78 960 × 0.0037 × 875 = 255 633;
    #   78 960 × 0.00108 × 2800 = 238 775.04; total 811 878.18 元
    assert value(base, "soil_retention", "t1") == pytest.approx(811_878.18, abs=0.01)
    # the three parts, seen on the method's components
    _, val = run_service(account(tmp_path), "soil_retention")
    assert float(val.components["sediment"].sel(region="t0").sum()) == pytest.approx(sediment, rel=1e-12)
    assert float(val.components["nitrogen"].sel(region="t0").sum()) == pytest.approx(111_888.0, rel=1e-12)
    assert float(val.components["phosphorus"].sel(region="t0").sum()) == pytest.approx(104_509.44, rel=1e-12)


# -------------------------------------------------------------------- flood regulation
def test_flood_regulation(base):
    # reservoirs: 0.35 × 1000 万m³ = 0.35 × 1e7 m³ = 3 500 000 m³, allocated by water area
    #   t0: 20 / (20 + 30) = 0.4 → 1 400 000 m³;  t1: 0.6 → 2 100 000 m³
    # marshes: 0.3 m × wetland area (km²) × 1e6 m²/km²
    #   t0: 10 hm² = 0.1 km² → 0.3 × 0.1 × 1e6 = 30 000 m³;  t1: 0.2 km² → 60 000 m³
    # t0: 1 430 000 m³ × 7.06 = 10 095 800 元;  t1: 2 160 000 m³ × 7.06 = 15 249 600 元
    assert physical(base, "flood_regulation", "t0") == pytest.approx(1_430_000.0, rel=1e-12)
    assert physical(base, "flood_regulation", "t1") == pytest.approx(2_160_000.0, rel=1e-12)
    assert value(base, "flood_regulation", "t0") == pytest.approx(10_095_800.0, rel=1e-12)
    assert value(base, "flood_regulation", "t1") == pytest.approx(15_249_600.0, rel=1e-12)


def test_flood_regulation_without_reservoirs_is_marsh_only(tmp_path):
    # no reservoir_capacity row: only the marsh part, 30 000 and 60 000 m³
    res = account(tmp_path, econ=economy(reservoir_capacity=None)).run()
    assert physical(res, "flood_regulation", "t0") == pytest.approx(30_000.0, rel=1e-12)
    assert value(res, "flood_regulation", "t1") == pytest.approx(60_000 * 7.06, rel=1e-12)


# ------------------------------------------------------------------ water purification
def test_water_purification_below_cap(base):
    # capacity = Σ rate × area (t/a):
    #   COD  t0: 10 × 0.5 + 20 × 0.2 = 9 t;       t1: 20 × 0.5 + 30 × 0.2 = 16 t;     county 25 t  < 100 t emitted
    #   NH3N t0: 10 × 0.05 + 20 × 0.02 = 0.9 t;   t1: 1.0 + 0.6 = 1.6 t;              county 2.5 t < 10 t
    #   TP   t0: 10 × 0.01 + 20 × 0.004 = 0.18 t; t1: 0.2 + 0.12 = 0.32 t;           county 0.5 t < 1 t
    # no cap binds; value = 700 元/t COD + 875 元/t NH3-N + 75.07 万元/t TP
    #   t0: 9 × 700 + 0.9 × 875 + 0.18 × 750 700 = 6 300 + 787.5 + 135 126 = 142 213.5 元
    #   t1: 16 × 700 + 1.6 × 875 + 0.32 × 750 700 = 11 200 + 1 400 + 240 224 = 252 824 元
    assert physical(base, "water_purification", "t0") == pytest.approx(9 + 0.9 + 0.18, rel=1e-12)
    assert physical(base, "water_purification", "t1") == pytest.approx(16 + 1.6 + 0.32, rel=1e-12)
    assert value(base, "water_purification", "t0") == pytest.approx(142_213.5, rel=1e-12)
    assert value(base, "water_purification", "t1") == pytest.approx(252_824.0, rel=1e-12)


def test_water_purification_above_cap(tmp_path):
    # COD emitted 10 t < capacity 25 t → each township's capacity × 10/25 = 0.4: t0 3.6 t, t1 6.4 t
    # TP emitted 0.25 t < capacity 0.5 t → × 0.5: t0 0.09 t, t1 0.16 t
    # NH3-N emitted 10 t > 2.5 t: not capped (0.9, 1.6 t)
    #   t0: 3.6 × 700 + 0.9 × 875 + 0.09 × 750 700 = 2 520 + 787.5 + 67 563 = 70 870.5 元
    #   t1: 6.4 × 700 + 1.6 × 875 + 0.16 × 750 700 = 4 480 + 1 400 + 120 112 = 125 992 元
    res = account(tmp_path, econ=economy(cod_emission=(10, "t"), tp_emission=(250, "kg"))).run()
    assert physical(res, "water_purification", "t0") == pytest.approx(3.6 + 0.9 + 0.09, rel=1e-12)
    assert value(res, "water_purification", "t0") == pytest.approx(70_870.5, rel=1e-12)
    assert value(res, "water_purification", "t1") == pytest.approx(125_992.0, rel=1e-12)
    # the county's purified COD is exactly the emission
    _, val = run_service(account(tmp_path / "again", econ=economy(cod_emission=(10, "t"))), "water_purification")
    assert float(val.components["cod"].sum()) == pytest.approx(10 * 700, rel=1e-12)


def test_water_purification_without_emission_rows_is_uncapped(tmp_path):
    # documents the present behaviour: no emission row → capacity counted in full (no cap)
    res = account(tmp_path, econ=economy(cod_emission=None, nh3n_emission=None, tp_emission=None)).run()
    assert value(res, "water_purification", "t0") == pytest.approx(142_213.5, rel=1e-12)


# -------------------------------------------------------------------- air purification
def test_air_purification_below_cap(base):
    # capacity (kg → t):
    #   SO2  t0: 100 × 100 kg = 10 t;      t1: 200 × 100 + 100 × 20 = 22 000 kg = 22 t;    county 32 t < 100 t
    #   NOx  t0: 100 × 6 = 0.6 t;          t1: 200 × 6 + 100 × 2 = 1.4 t;                  county 2 t  < 100 t
    #   dust t0: 100 × 10 000 = 1 000 t;   t1: 200 × 10 000 + 100 × 1 000 = 2 100 t;       county 3 100 t < 10 000 t
    # value (1200 / 630 / 150 元/t):
    #   t0: 10 × 1200 + 0.6 × 630 + 1000 × 150 = 12 000 + 378 + 150 000 = 162 378 元
    #   t1: 22 × 1200 + 1.4 × 630 + 2100 × 150 = 26 400 + 882 + 315 000 = 342 282 元
    assert physical(base, "air_purification", "t0") == pytest.approx(10 + 0.6 + 1000, rel=1e-12)
    assert value(base, "air_purification", "t0") == pytest.approx(162_378.0, rel=1e-12)
    assert value(base, "air_purification", "t1") == pytest.approx(342_282.0, rel=1e-12)


def test_air_purification_above_cap(tmp_path):
    # SO2 emitted 16 t < 32 t capacity → × 0.5: t0 5 t, t1 11 t
    # dust emitted 1 550 t < 3 100 t → × 0.5: t0 500 t, t1 1 050 t; NOx not capped
    #   t0: 5 × 1200 + 0.6 × 630 + 500 × 150 = 6 000 + 378 + 75 000 = 81 378 元
    #   t1: 11 × 1200 + 1.4 × 630 + 1050 × 150 = 13 200 + 882 + 157 500 = 171 582 元
    res = account(tmp_path, econ=economy(so2_emission=(16, "t"), dust_emission=(1550, "t"))).run()
    assert value(res, "air_purification", "t0") == pytest.approx(81_378.0, rel=1e-12)
    assert value(res, "air_purification", "t1") == pytest.approx(171_582.0, rel=1e-12)
    # the county totals are the emissions: 16 t SO2, 1550 t dust (+ 2 t NOx uncapped)
    assert physical(res, "air_purification", "t0") + physical(res, "air_purification", "t1") == pytest.approx(
        16 + 1550 + 2.0, rel=1e-12)


# ------------------------------------------------------------------- carbon and oxygen
def test_carbon_sequestration(base):
    # NPP (t dry matter): t0 = 100 × 10 + 50 × 8 + 10 × 6 = 1 000 + 400 + 60 = 1 460 t
    #                     t1 = 200 × 10 + 100 × 5 + 40 × 8 + 20 × 6 = 2 000 + 500 + 320 + 120 = 2 940 t
    # CO2 = 1.63 × NPP: t0 2 379.8 t, t1 4 792.2 t; × 380 元/t CO2 (cn-rcees) = 904 324 and 1 821 036 元
    assert physical(base, "carbon_sequestration", "t0") == pytest.approx(2_379.8, rel=1e-12)
    assert physical(base, "carbon_sequestration", "t1") == pytest.approx(4_792.2, rel=1e-12)
    assert value(base, "carbon_sequestration", "t0") == pytest.approx(904_324.0, rel=1e-12)
    assert value(base, "carbon_sequestration", "t1") == pytest.approx(1_821_036.0, rel=1e-12)
    # water has no NPP rate and is not an NPP ecosystem: 0
    assert float(base.physical["carbon_sequestration"].sel(region="t1", ecosystem="water")) == 0.0


def test_oxygen_release(base):
    # O2 = 1.2 × NPP: t0 1.2 × 1 460 = 1 752 t, t1 1.2 × 2 940 = 3 528 t
    # × 727 元/t (cn-rcees industrial oxygen): 1 273 704 and 2 564 856 元
    assert physical(base, "oxygen_release", "t0") == pytest.approx(1_752.0, rel=1e-12)
    assert physical(base, "oxygen_release", "t1") == pytest.approx(3_528.0, rel=1e-12)
    assert value(base, "oxygen_release", "t0") == pytest.approx(1_273_704.0, rel=1e-12)
    assert value(base, "oxygen_release", "t1") == pytest.approx(2_564_856.0, rel=1e-12)


# ------------------------------------------------------------------ climate regulation
def test_climate_regulation_parts(base, tmp_path):
    # vegetation: Σ q·S·d / (3600 · COP), q in kJ/(m²·d), S in m², d = 60 days, COP = 3.0
    #   t0: 1800 × 1e6 m² × 60 / 10 800 = 10 000 000 kWh
    #   t1: 1800 × 2e6 × 60 / 10 800 + 900 × 1e6 × 60 / 10 800 = 20 000 000 + 5 000 000 = 25 000 000 kWh
    # water surface: E·ρ·q/3600 + E·γ with E in m³, ρ = 1000 kg/m³, q = 2450 J/g, γ = 120 kWh/m³
    #   per m³: 1000 × 2450 / 3600 + 120 = 680.5556 + 120 = 800.5556 kWh
    #   t0: E = 20 hm² × 1.0 m + 10 hm² × 0.8 m = 200 000 + 80 000 = 280 000 m³ → 224 155 555.6 kWh
    #   t1: E = 30 hm² × 1.0 m + 20 hm² × 0.8 m = 300 000 + 160 000 = 460 000 m³ → 368 255 555.6 kWh
    per_m3 = 1000 * 2450 / 3600 + 120
    water_t0, water_t1 = 280_000 * per_m3, 460_000 * per_m3
    assert water_t0 == pytest.approx(224_155_555.6, abs=0.1)
    phys, _ = run_service(account(tmp_path), "climate_regulation")
    assert float(phys.components["vegetation"].sel(region="t0")) == pytest.approx(10_000_000.0, rel=1e-12)
    assert float(phys.components["vegetation"].sel(region="t1")) == pytest.approx(25_000_000.0, rel=1e-12)
    assert float(phys.components["water_surface"].sel(region="t0")) == pytest.approx(water_t0, rel=1e-12)
    assert float(phys.components["water_surface"].sel(region="t1")) == pytest.approx(water_t1, rel=1e-12)
    # value at 0.5 元/kWh (the county row overrides cn-rcees' 0.53):
    #   t0: (10 000 000 + 224 155 555.6) × 0.5 = 117 077 777.8 元
    assert physical(base, "climate_regulation", "t0") == pytest.approx(10_000_000 + water_t0, rel=1e-12)
    assert value(base, "climate_regulation", "t0") == pytest.approx(117_077_777.8, abs=0.1)
    assert value(base, "climate_regulation", "t1") == pytest.approx((25_000_000 + water_t1) * 0.5, rel=1e-12)


# ------------------------------------------------------------------ coastal protection
def test_coastal_protection(base):
    # coastline 10 km = 10 000 m, allocated by wetland area: t0 10 / 30, t1 20 / 30
    #   t0 3 333.33 m, t1 6 666.67 m
    # value = L × 60 000 元/m ÷ 40 a = L × 1 500 元/(m·a): t0 5 000 000 元, t1 10 000 000 元
    assert physical(base, "coastal_protection", "t0") == pytest.approx(10_000 / 3, rel=1e-12)
    assert value(base, "coastal_protection", "t0") == pytest.approx(5_000_000.0, rel=1e-12)
    assert value(base, "coastal_protection", "t1") == pytest.approx(10_000_000.0, rel=1e-12)


def test_missing_coastline_is_a_config_error_naming_the_statistic(tmp_path):
    with pytest.raises(E.ConfigError, match="coastline_length") as info:
        account(tmp_path, econ=economy(coastline_length=None)).run()
    assert info.value.codes == ["missing_statistic"]
    assert info.value.problems[0].value == "coastline_length"


# ------------------------------------------------------- applicability and missing rates
def test_missing_rate_for_applicable_ecosystem_with_area(tmp_path):
    acct = account(tmp_path, drop=[("rate.evapotranspiration", "grassland_meadow")])
    with pytest.raises(E.MissingCoefficient) as info:
        acct.run()
    text = str(info.value)
    assert "water_conservation" in text and "grassland_meadow" in text and "rate.evapotranspiration" in text


def test_missing_rate_for_an_ecosystem_without_area_is_not_an_error(tmp_path):
    # no meadow anywhere (its 100 hm² in t1 become forest): its missing ET row does not matter
    land = areas(t1=[300.0, 0.0, 40.0, 30.0, 20.0, 10.0])
    res = account(tmp_path, land=land, drop=[("rate.evapotranspiration", "grassland_meadow")]).run()
    # t1 forest 300 hm² = 3e6 m²: (1200 − 60 − 800) = 340 mm → 1 020 000 m³; wetland 60 000 m³
    assert physical(res, "water_conservation", "t1") == pytest.approx(1_080_000.0, rel=1e-12)


def test_missing_npp_rate_names_carbon_service(tmp_path):
    with pytest.raises(E.MissingCoefficient, match="farmland_paddy") as info:
        account(tmp_path, drop=[("rate.npp", "farmland_paddy")]).run()
    assert "carbon_sequestration" in str(info.value)


def test_built_up_contributes_nothing(base, tmp_path):
    vbe = base.value_by_ecosystem.sel(service=REGULATING)
    assert float(abs(vbe.sel(ecosystem="built_up")).sum()) == 0.0
    # 50 more hm² of built-up land in each township changes no regulating value
    more = areas(t0=[100.0, 0.0, 50.0, 20.0, 10.0, 70.0], t1=[200.0, 100.0, 40.0, 30.0, 20.0, 60.0])
    res = account(tmp_path, land=more).run()
    xr.testing.assert_allclose(res.value.sel(service=REGULATING), base.value.sel(service=REGULATING), rtol=1e-12)


def test_every_regulating_service_is_in_the_run(base):
    assert set(REGULATING) <= set(map(str, base.value.service.values))
    assert (base.services.loc[REGULATING, "method"] == "tabular").all()
    # GEP adds up over services and regions
    assert float(base.value.sum()) == pytest.approx(base.total, rel=1e-12)


# ---------------------------------------------------------------------- price basis
def test_prices_are_rebased_to_the_account_year(tmp_path):
    # a county deflator with prices flat up to 2020 and +10 % in 2021 (110 % of 2020):
    # a 2010-priced coefficient is worth × 1.1 in the 2021 account, a 2021-priced one is unchanged.
    index = [(k, e, r, 110 if year == YEAR else v, u, py, year) for k, e, r, v, u, py, year in FLAT_INDEX]
    res = account(tmp_path, index=index).run()
    # water conservation t0: 685 000 m³ × 7.06 元/m³ (2010 prices) × 1.1 = 5 319 710 元
    assert value(res, "water_conservation", "t0") == pytest.approx(685_000 * 7.06 * 1.1, rel=1e-12)
    # coastal protection prices are the county's own 2021 rows: unchanged, 5 000 000 元
    assert value(res, "coastal_protection", "t0") == pytest.approx(5_000_000.0, rel=1e-12)
    # the physical quantity does not depend on prices
    assert physical(res, "water_conservation", "t0") == pytest.approx(685_000.0, rel=1e-12)

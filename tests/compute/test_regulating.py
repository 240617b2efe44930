"""Hand-computed values for every regulating-service formula.

Each expected value is worked out in the test, so a reader can check the
arithmetic without running anything. Published cases: Garzé 2010 (白玛卓嘎 et
al. 2017, table 3) and 白洋淀 2011 (江波 et al. 2017).
"""

import math

import numpy as np
import pytest
import xarray as xr

from gep.compute import regulating as r
from gep.compute import valuation as v


# ------------------------------------------------------------ water conservation
def test_water_conservation_volume_hand():
    # P = 1500 mm, R = 0.4 P = 600 mm, ET = 800 mm over 2 km² = 2e6 m²
    # (1500 − 600 − 800) mm × 2e6 m² × 1e-3 m/mm = 100 × 2e3 = 200 000 m³
    runoff = r.runoff_from_coefficient(1500.0, 0.4)
    assert runoff == pytest.approx(600.0)
    assert r.water_conservation_volume(1500.0, runoff, 800.0, 2e6) == pytest.approx(200_000.0)


def test_water_conservation_negative_balance_not_clipped():
    # (500 − 100 − 600) mm × 1e4 m² × 1e-3 = −2000 m³
    assert r.water_conservation_volume(500, 100, 600, 1e4) == pytest.approx(-2000.0)


def test_water_conservation_broadcasts_over_ecosystems_xarray():
    eco = ["forest", "grass"]
    p = xr.DataArray([1200.0, 1200.0], dims="eco", coords={"eco": eco})
    alpha = xr.DataArray([0.1, 0.3], dims="eco", coords={"eco": eco})
    et = xr.DataArray([700.0, 500.0], dims="eco", coords={"eco": eco})
    area = xr.DataArray([1e6, 2e6], dims="eco", coords={"eco": eco})
    q = r.water_conservation_volume(p, r.runoff_from_coefficient(p, alpha), et, area)
    # forest: (1200 − 120 − 700) × 1e6 × 1e-3 = 380 000; grass: (1200 − 360 − 500) × 2e6 × 1e-3 = 680 000
    assert isinstance(q, xr.DataArray)
    np.testing.assert_allclose(q.values, [380_000.0, 680_000.0])
    assert float(q.sum()) == pytest.approx(1_060_000.0)


def test_garze_water_conservation_value():
    # 321.49 亿m³ × 7.06 元/m³ = 2269.72 亿元 (published 2269.71)
    assert v.shadow_project(321.49e8, 7.06) / 1e8 == pytest.approx(2269.71, abs=0.01)


# ------------------------------------------------------------------ soil retention
def test_rusle_hand():
    # R = 3000 MJ·mm/(hm²·h·a), K = 0.03, LS = 2 → potential 180 t/(hm²·a)
    assert r.rusle_potential(3000.0, 0.03, 2.0) == pytest.approx(180.0)
    # C = 0.1, P = 0.5 → actual 180 × 0.05 = 9
    assert r.rusle_actual(3000.0, 0.03, 2.0, 0.1, 0.5) == pytest.approx(9.0)
    # retention = 180 − 9 = 171
    assert r.soil_retention(3000.0, 0.03, 2.0, 0.1, 0.5) == pytest.approx(171.0)


def test_soil_retention_numpy_array():
    R = np.array([1000.0, 2000.0])
    # [1000×0.02×1×(1−0.2×1), 2000×0.02×1×(1−1×1)] = [16, 0]
    np.testing.assert_allclose(r.soil_retention(R, 0.02, 1.0, np.array([0.2, 1.0]), 1.0), [16.0, 0.0])


def test_sediment_volume_hand_and_garze():
    # 1000 t × 0.24 / 1.2 t/m³ = 200 m³
    assert r.sediment_volume(1000.0, 0.24, 1.2) == pytest.approx(200.0)
    # Garzé 2010: 38.86 亿t × 0.24 / 0.93 = 10.03 亿m³; × 15.58 元/m³ = 156.26 亿元
    vol = r.sediment_volume(38.86e8, 0.24, 0.93)
    assert vol / 1e8 == pytest.approx(10.03, abs=0.005)
    assert v.replacement_cost(vol, 15.58) / 1e8 == pytest.approx(156.26, abs=0.05)


def test_nutrient_retained_hand_and_garze():
    # 1000 t × 0.37 % = 3.7 t
    assert r.nutrient_retained(1000.0, 0.0037) == pytest.approx(3.7)
    # Garzé: 38.86 亿t × 0.37 % = 1437.8 万t N (published 1437.94);
    #        38.86 亿t × 0.108 % = 419.7 万t P (published 419.72)
    n = r.nutrient_retained(38.86e8, 0.0037)
    p = r.nutrient_retained(38.86e8, 0.00108)
    assert n / 1e4 == pytest.approx(1437.94, rel=2e-4)
    assert p / 1e4 == pytest.approx(419.72, rel=2e-4)
    # values from the published quantities: 1437.94 万t × 875 = 125.82 亿元; 419.72 万t × 2800 = 117.52 亿元
    assert v.avoided_cost(1437.94e4, 875) / 1e8 == pytest.approx(125.82, abs=0.005)
    assert v.avoided_cost(419.72e4, 2800) / 1e8 == pytest.approx(117.52, abs=0.005)


# ---------------------------------------------------------------- flood regulation
def test_lake_flood_storage_qtp_hand():
    # A = 1 km², T = 1 → e^6.636 = 762.04 万m³
    assert r.lake_flood_storage_qtp(1.0) == pytest.approx(762.04, abs=0.01)
    # A = 100 km², T = 2 → 762.04 × 100^0.678 × 2 = 762.04 × 22.699 × 2 = 34 595 万m³
    assert 100**0.678 == pytest.approx(22.699, abs=1e-3)
    assert r.lake_flood_storage_qtp(100.0, 2.0) == pytest.approx(34_595, abs=2)


def test_reservoir_flood_storage_hand_and_garze():
    # 1e6 m³ × 0.35 = 350 000 m³
    assert r.reservoir_flood_storage(1e6) == pytest.approx(350_000.0)
    # Garzé: total capacity 0.03 亿m³ → 0.0105 ≈ 0.01 亿m³
    assert r.reservoir_flood_storage(0.03e8) / 1e8 == pytest.approx(0.01, abs=0.001)


def test_marsh_flood_storage_units_trap():
    # 0.3 m × 10 km² × 1e6 m²/km² = 3e6 m³ (m³, not 万m³)
    assert r.marsh_flood_storage(10.0) == pytest.approx(3e6)
    # Garzé: ≈70 % of 2864.27 km² wetland is marsh ≈ 2005 km² → 6.0e8 m³ = 6.00 亿m³ (table 3);
    # × 7.06 元/m³ = 42.3 亿元 (published 42.34 for exactly 6.00 亿m³ rounded)
    c = r.marsh_flood_storage(0.7 * 2864.27)
    assert c / 1e8 == pytest.approx(6.0, abs=0.02)
    assert v.shadow_project(6.00e8, 7.06) / 1e8 == pytest.approx(42.36, abs=0.03)


def test_vegetation_flood_storage_hand():
    # (200 − 50) mm × 1e6 m² × 1e-3 = 150 000 m³
    assert r.vegetation_flood_storage(200.0, 50.0, 1e6) == pytest.approx(150_000.0)


# ------------------------------------------------------------------ purification
def test_purification_capacity_and_cap():
    # 88.65 kg/(hm²·a) SO2 × 1000 hm² = 88 650 kg/a
    cap = r.purification_capacity(88.65, 1000.0)
    assert cap == pytest.approx(88_650.0)
    # capped by emission: min(88.65 t, 50 t) = 50 t; min(88.65, 120) = 88.65
    np.testing.assert_allclose(r.capped_purification(88.65, np.array([50.0, 120.0])), [50.0, 88.65])


def test_capped_purification_nan_propagates():
    out = r.capped_purification(np.array([1.0, np.nan]), np.array([np.nan, 2.0]))
    assert np.isnan(out).all()


def test_capped_purification_xarray():
    cap = xr.DataArray([10.0, 5.0], dims="region")
    em = xr.DataArray([7.0, 9.0], dims="region")
    out = r.capped_purification(cap, em)
    assert isinstance(out, xr.DataArray)
    np.testing.assert_allclose(out.values, [7.0, 5.0])


def test_garze_purification_values():
    # SO2 1137 t × 1200 = 0.0136 亿元; NOx 2772 × 630 = 0.0175; dust 941 × 150 = 0.0014
    assert v.avoided_cost(1137, 1200) / 1e8 == pytest.approx(0.0136, abs=5e-5)
    assert v.avoided_cost(2772, 630) / 1e8 == pytest.approx(0.0175, abs=5e-5)
    assert v.avoided_cost(941, 150) / 1e8 == pytest.approx(0.0014, abs=5e-5)
    # COD 5424 t × 700 = 0.0380; NH3-N 625 t × 875 = 0.0055
    assert v.avoided_cost(5424, 700) / 1e8 == pytest.approx(0.0380, abs=5e-5)
    assert v.avoided_cost(625, 875) / 1e8 == pytest.approx(0.0055, abs=5e-5)


# ---------------------------------------------------------------- carbon / oxygen
def test_carbon_oxygen_factors_hand():
    # 100 t DM → 163 t CO2, 120 t O2
    assert r.co2_from_npp(100.0) == pytest.approx(163.0)
    assert r.o2_from_npp(100.0) == pytest.approx(120.0)
    # 12 t C → 44 t CO2
    assert r.co2_from_nep(12.0) == pytest.approx(44.0)
    # 44 t CO2 → 32 t O2
    assert r.o2_from_co2(44.0) == pytest.approx(32.0)
    # NEP = 0.5 × 162 t DM × 72/162 = 36 t C
    assert r.nep_from_npp(162.0, 0.5) == pytest.approx(36.0)


def test_baiyangdian_carbon_oxygen_chain_from_reed():
    # 白洋淀 2011: reed 3.74e4 t DM. CO2 = 1.63 × 3.74e4 = 6.096e4 t; in carbon × 12/44 = 1.663e4 t C,
    # which is the published "固碳 1.66×10⁴ t" (so that quantity is in t C, priced at 1320 元/t C).
    reed = 3.74e4
    co2 = r.co2_from_npp(reed)
    assert co2 == pytest.approx(6.0962e4, rel=1e-4)
    carbon = co2 / r.CO2_PER_C
    assert carbon == pytest.approx(1.66e4, rel=3e-3)
    # O2 = 1.2 × 3.74e4 = 4.488e4 t → published 4.49e4 t
    assert r.o2_from_npp(reed) == pytest.approx(4.49e4, rel=1e-3)


# ---------------------------------------------------------------- climate regulation
def test_vegetation_cooling_kwh_hand():
    # 360 kJ/(m²·d) × 1e4 m² × 100 d / (3600 × 3) = 3.6e8 / 1.08e4 = 33 333.3 kWh
    assert r.vegetation_cooling_kwh(360.0, 1e4, 100.0, 3.0) == pytest.approx(33_333.333, rel=1e-6)


def test_water_evaporation_kwh_hand():
    # 1 m³ × 1000 kg/m³ × 2450 J/g: kg·J/g = 1000 J = 1 kJ, so 2.45e6 kJ / 3600 = 680.56 kWh
    # (check: 1e6 g × 2450 J/g = 2.45e9 J = 680.56 kWh); plus 1 m³ × 120 kWh/m³ → 800.56 kWh
    assert r.water_evaporation_kwh(1.0) == pytest.approx(2.45e6 / 3600 + 120, rel=1e-12)
    assert r.water_evaporation_kwh(1.0) == pytest.approx(800.556, abs=1e-3)
    # 1000 m³ → 800 555.6 kWh
    assert r.water_evaporation_kwh(1000.0) == pytest.approx(800_555.56, abs=0.01)


def test_garze_climate_value():
    # 2799.10 亿kWh × 0.53 元/kWh = 1483.52 亿元; 1272.35 亿kWh × 0.53 = 674.35 (published 674.34)
    assert v.replacement_cost(2799.10e8, 0.53) / 1e8 == pytest.approx(1483.52, abs=0.01)
    assert v.replacement_cost(1272.35e8, 0.53) / 1e8 == pytest.approx(674.34, abs=0.02)


# ----------------------------------------------------------------- sand fixation
def test_rweq_hand():
    # WF·EF·SCF·K'·C = 10 × 0.5 × 0.8 × 0.5 × 1 = 2 → Qmax = 109.8 × 2 = 219.6 kg/m
    assert r.rweq_qmax(10.0, 0.5, 0.8, 0.5) == pytest.approx(219.6)
    # s = 150.71 × 2^−0.3711 = 150.71 × 0.77313 = 116.52 m
    s = r.rweq_critical_length(10.0, 0.5, 0.8, 0.5)
    assert s == pytest.approx(150.71 * 2**-0.3711)
    assert s == pytest.approx(116.52, abs=0.01)
    # z = s → S_L = 2/s × Qmax × e^−1
    assert r.rweq_loss(s, 219.6, s) == pytest.approx(2.0 / s * 219.6 * math.exp(-1.0))
    # z = 50, s = 100, Qmax = 100: 2×50/1e4 × 100 × e^−0.25 = 1 × 0.7788 = 0.7788 kg/m²
    assert r.rweq_loss(50.0, 100.0, 100.0) == pytest.approx(0.778801, abs=1e-6)


def test_rweq_vegetation_reduces_loss():
    q_pot = r.rweq_qmax(10.0, 0.5, 0.8, 0.5, 1.0)
    q_act = r.rweq_qmax(10.0, 0.5, 0.8, 0.5, 0.2)
    s_pot = r.rweq_critical_length(10.0, 0.5, 0.8, 0.5, 1.0)
    s_act = r.rweq_critical_length(10.0, 0.5, 0.8, 0.5, 0.2)
    fixed = r.rweq_loss(50.0, q_pot, s_pot) - r.rweq_loss(50.0, q_act, s_act)
    assert fixed > 0


def test_sand_fixation_area_hand_and_garze():
    # 128 t / (1.28 t/m³ × 0.1 m) = 1000 m²
    assert r.sand_fixation_area_m2(128.0) == pytest.approx(1000.0)
    # Garzé: 779.42 万t → 60.89 km²; × 3.75 元/m² = 2.28 亿元 (2.2835)
    area = r.sand_fixation_area_m2(779.42e4)
    assert area / 1e6 == pytest.approx(60.89, abs=0.005)
    assert v.replacement_cost(area, 3.75) / 1e8 == pytest.approx(2.2835, abs=5e-4)


# --------------------------------------------------------------- coastal protection
def test_coastal_protection_cost_hand():
    # coastal protection is priced with the replacement-cost method (no formula of its own)
    # 2 km of mangrove shore × 5000 元/m = 1e7 元
    assert v.replacement_cost(2000.0, 5000.0) == pytest.approx(1e7)


# ---------------------------------------------------------------- 白洋淀 line items
def test_baiyangdian_2011_regulating_line_items():
    # flood: 2.45e8 m³ × 6.11 元/m³ = 14.9695e8 → 14.97 亿元
    assert round(v.shadow_project(2.45e8, 6.11) / 1e8, 2) == 14.97
    # carbon: 1.66e4 t (C) × 1320 元/t = 0.21912e8 → 0.22 亿元
    assert round(v.replacement_cost(1.66e4, 1320) / 1e8, 2) == 0.22
    # oxygen: 4.49e4 t × 1000 元/t = 0.449e8 → 0.45 亿元
    assert round(v.replacement_cost(4.49e4, 1000) / 1e8, 2) == 0.45


def test_all_functions_work_on_dask():
    da = pytest.importorskip("dask.array")
    x = da.from_array(np.array([1.0, 4.0]), chunks=1)
    out = r.capped_purification(r.purification_capacity(x, 2.0), 5.0)
    np.testing.assert_allclose(out.compute(), [2.0, 5.0])
    np.testing.assert_allclose(r.lake_flood_storage_qtp(x).compute(), np.exp(6.636) * np.array([1.0, 4.0]) ** 0.678)

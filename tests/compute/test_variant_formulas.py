"""Hand-computed values for the formulas of the published method variants (issue 11).

Published cases: 缪建群 et al. 2017 (高天岩, table 2: carbon, oxygen, forest storm
storage), 商慧敏 et al. 2018 (Jiaozhou Bay, humidifier-only climate regulation),
李远航 et al. (R_h regression of 裴志永 2010).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gep.compute import regulating as r
from gep.compute import valuation as v

#: 缪建群 2017 table 2 (ChinaXiv 201711.00109 l. 85): NPP t/a, CO2 t/a, CO2 value 10⁴ 元, O2 t/a, O2 value 10⁴ 元
MIAO_TABLE_2 = {
    "针叶林": (6050.31, 9862.01, 374.62, 7199.87, 835.69),
    "阔叶林": (40584.50, 66152.74, 2512.94, 48295.56, 5605.67),
    "针阔混交林": (4774.77, 7782.88, 295.65, 5681.98, 659.51),
    "毛竹林": (5560.52, 9063.65, 344.30, 6617.02, 768.04),
    "灌木林": (1042.60, 1699.44, 64.56, 1240.69, 144.01),
}
#: prices of LY/T 1721—2008 corrected to 2014 (缪建群 2017 table 1): 元/t CO2, 元/t O2
P_CO2, P_O2 = 379.87, 1160.70


# ------------------------------------------------------------------ climate regulation
def test_water_evaporation_with_cop_hand():
    # 1 m³: 1000 kg × 2450 J/g = 2.45e6 kJ ÷ 3600 = 680.556 kWh of heat; ÷ R = 3 → 226.852 kWh; + γ = 120
    # → 346.852 kWh per m³ (against 800.556 as printed)
    assert r.water_evaporation_kwh_cop(1.0, 3.0) == pytest.approx(2.45e6 / 3600 / 3 + 120, rel=1e-12)
    assert r.water_evaporation_kwh_cop(1.0, 3.0) == pytest.approx(346.852, abs=1e-3)
    # R = 1 gives the printed form back
    assert r.water_evaporation_kwh_cop(1000.0, 1.0) == pytest.approx(r.water_evaporation_kwh(1000.0), rel=1e-12)


def test_humidifier_only_hand_shang_2018():
    # 商慧敏 2018: Q_e = 125 kWh/m³ (a 32 W humidifier); 1000 m³ evaporated → 125 000 kWh
    assert r.water_humidifying_kwh(1000.0, 125.0) == pytest.approx(125_000.0)
    # with the 120 kWh/m³ of the 酉阳 platform default: 1 m³ → 120 kWh
    assert r.water_humidifying_kwh(1.0) == pytest.approx(120.0)


def test_water_term_variants_ratio():
    # per m³ with the defaults: as printed 800.556, ÷R 346.852, humidifier 120 kWh
    per_m3 = [r.water_evaporation_kwh(1.0), r.water_evaporation_kwh_cop(1.0, 3.0), r.water_humidifying_kwh(1.0)]
    assert per_m3 == pytest.approx([800.556, 346.852, 120.0], abs=1e-3)
    # the ÷R variant is 43.3 % of the printed one: 346.852 / 800.556 = 0.43326
    assert per_m3[1] / per_m3[0] == pytest.approx(0.43326, abs=1e-5)


@settings(max_examples=50, deadline=None)
@given(evap=st.floats(0, 1e9), cop=st.floats(1.0, 8.0), latent=st.floats(2200, 2600), humid=st.floats(0, 200))
def test_water_term_variants_are_ordered(evap, cop, latent, humid):
    # for an efficiency R ≥ 1: humidifier only ≤ cooling ÷ R + humidifier ≤ as printed
    printed = r.water_evaporation_kwh(evap, latent, humid)
    divided = r.water_evaporation_kwh_cop(evap, cop, latent, humid)
    humidifying = r.water_humidifying_kwh(evap, humid)
    assert humidifying <= divided * (1 + 1e-12) + 1e-9
    assert divided <= printed * (1 + 1e-12) + 1e-9


# ---------------------------------------------------------------------- carbon, oxygen
@pytest.mark.parametrize("forest", list(MIAO_TABLE_2))
def test_miao_2017_carbon_and_oxygen_line_items(forest):
    npp, co2, co2_value, o2, o2_value = MIAO_TABLE_2[forest]
    # e.g. 针叶林: 6050.31 × 1.63 = 9862.01 t CO2; × 379.87 = 374.628 ×10⁴ 元 (printed 374.62: the paper
    # truncates, so the tolerance is 0.01 ×10⁴ 元); 6050.31 × 1.19 = 7199.87 t O2; × 1160.70 = 835.689 ×10⁴ 元
    assert r.co2_from_npp(npp) == pytest.approx(co2, abs=0.01)
    assert r.o2_from_npp(npp, r.O2_PER_DRY_MATTER_LYT1721) == pytest.approx(o2, abs=0.01)
    assert v.replacement_cost(r.co2_from_npp(npp), P_CO2) / 1e4 == pytest.approx(co2_value, abs=0.011)
    assert v.replacement_cost(r.o2_from_npp(npp, 1.19), P_O2) / 1e4 == pytest.approx(o2_value, abs=0.011)


def test_miao_2017_totals():
    # 合计: NPP 58 012.70 t → CO2 94 560.72 t (3592.07 ×10⁴ 元), O2 69 035.12 t (8012.92 ×10⁴ 元)
    npp = sum(row[0] for row in MIAO_TABLE_2.values())
    assert npp == pytest.approx(58_012.70, abs=0.01)
    assert r.co2_from_npp(npp) == pytest.approx(94_560.72, abs=0.05)
    assert r.o2_from_npp(npp, 1.19) == pytest.approx(69_035.12, abs=0.05)


def test_oxygen_ratios():
    # 1.2 (江波 2017) vs 1.19 (LY/T 1721) vs 32/44 × 1.63 = 1.185454…: 100 t NPP → 120, 119, 118.545 t O2
    assert r.o2_from_npp(100.0) == pytest.approx(120.0)
    assert r.o2_from_npp(100.0, r.O2_PER_DRY_MATTER_LYT1721) == pytest.approx(119.0)
    assert r.o2_from_co2(r.co2_from_npp(100.0)) == pytest.approx(118.5454545, rel=1e-9)
    # 1.2 / 1.19 = 1.0084: the rounded 1.2 is 0.84 % above LY/T 1721
    assert r.O2_PER_DRY_MATTER / r.O2_PER_DRY_MATTER_LYT1721 == pytest.approx(1.0084, abs=1e-4)


def test_pei_heterotrophic_respiration_hand():
    # T = 20 °C, R = 100 mm: e^(0.0912 × 20) = e^1.824 = 6.19660; ln(0.3145 × 100 + 1) = ln 32.45 = 3.47971
    # 0.22 × (6.19660 + 3.47971) × 30 × 0.465 = 9.67631 × 3.069 = 29.6966 g C/(m²·month)
    assert math.exp(1.824) == pytest.approx(6.19660, abs=1e-5)
    assert math.log(32.45) == pytest.approx(3.47971, abs=1e-5)
    assert r.heterotrophic_respiration_pei(20.0, 100.0) == pytest.approx(29.6966, abs=1e-4)
    # T = 0 °C, R = 0 mm: 0.22 × (1 + 0) × 13.95 = 3.069
    assert r.heterotrophic_respiration_pei(0.0, 0.0) == pytest.approx(3.069, rel=1e-12)
    # twelve months at once (broadcast): the sum is 12 × the one month
    months = r.heterotrophic_respiration_pei(np.full(12, 20.0), np.full(12, 100.0))
    assert months.sum() == pytest.approx(12 * 29.6966, abs=1e-3)


def test_nep_from_npp_minus_rh_hand():
    # 10 t dry matter × 72/162 = 4.4444 t C; − R_h 3.5636 t C = 0.8808 t C; × 44/12 = 3.2297 t CO2
    nep = r.nep_from_npp_rh(10.0, 3.5636)
    assert nep == pytest.approx(10 * 72 / 162 - 3.5636, rel=1e-12)
    assert nep == pytest.approx(0.8808, abs=1e-4)
    assert r.co2_from_nep(nep) == pytest.approx(3.2297, abs=1e-4)
    # R_h = 0: the net form gives back the gross 1.63 × NPP to 1.6296 (44/12 × 72/162)
    assert r.co2_from_nep(r.nep_from_npp_rh(1.0, 0.0)) == pytest.approx(1.62963, abs=1e-5)
    # respiration above production: a carbon source, not clipped
    assert r.nep_from_npp_rh(1.0, 1.0) == pytest.approx(72 / 162 - 1.0)


@settings(max_examples=50, deadline=None)
@given(npp=st.floats(0, 50), rh=st.floats(0, 20))
def test_net_fixation_never_exceeds_gross(npp, rh):
    net_co2 = r.co2_from_nep(r.nep_from_npp_rh(npp, rh))
    assert net_co2 <= r.co2_from_npp(npp) + 1e-9


# ---------------------------------------------------------------- forest storm storage
#: 缪建群 2017: areas (§1, hm²), runoff reduction R (table 1), storage (table 2, ×10⁴ m³/a)
MIAO_STORM = {"针叶林": (613, 0.36, 23.83), "阔叶林": (2350, 0.39, 98.98), "针阔混交林": (1287, 0.34, 47.26),
              "毛竹林": (196, 0.22, 4.66), "灌木林": (260, 0.14, 3.93)}


@pytest.mark.parametrize("forest", list(MIAO_STORM))
def test_miao_2017_storm_storage_line_items(forest):
    # Q_i = A_i × J₀ × K × R_i × 10 m³/(mm·hm²); the printed items all equal A_i × 1080 × R_i m³, i.e.
    # J₀·K = 108 mm with J₀ = 180 mm, K = 0.6. 针叶林: 613 × 180 × 0.6 × 0.36 × 10 = 238 334.4 m³ = 23.83 ×10⁴
    area, reduction, printed = MIAO_STORM[forest]
    q = r.vegetation_storm_storage_miao(area, 180.0, 0.6, reduction)
    assert q == pytest.approx(area * 1080 * reduction, rel=1e-12)
    assert q / 1e4 == pytest.approx(printed, abs=0.005)


def test_miao_2017_storm_storage_total_and_value():
    # total 178.66 ×10⁴ m³ × 0.92 元/m³ = 164.37 ×10⁴ 元
    total = sum(r.vegetation_storm_storage_miao(a, 180.0, 0.6, rr) for a, rr, _ in MIAO_STORM.values())
    assert total / 1e4 == pytest.approx(178.66, abs=0.005)
    assert v.shadow_project(total, 0.92) / 1e4 == pytest.approx(164.37, abs=0.005)

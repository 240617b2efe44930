r"""Physical quantities (功能量) of regulating services (调节服务).

Pure functions: numbers, numpy arrays, xarray DataArrays or dask arrays in,
the same kind out, broadcast elementwise. Each function fixes its canonical
units in the docstring (``[units]`` after every parameter); the caller converts
before calling. No function sums over ecosystem types: the :math:`\sum_i` of a
formula is left to the caller (``.sum()`` over an ecosystem dimension), so the
per-type contributions stay visible in the account.

Evidence tags in the References follow ``research/gep_methods.md``:
**[V]** read in the cited source, **[D]** derived by arithmetic, **[U]**
unverified (recalled; check before relying on it).

Sources cited below
-------------------
.. [Garze2017] 白玛卓嘎, 肖燚, 欧阳志云, 王莉雁 (2017). 甘孜藏族自治州生态系统
   生产总值核算研究. 生态学报 37(19): 6302-6312. doi:10.5846/stxb201607011362
.. [Jiang2017] 江波, 陈媛媛, 肖洋, 赵娟娟, 欧阳志云 (2017). 白洋淀湿地生态系统
   最终服务价值评估. 生态学报 37(8).
.. [Bo2017] 博文静 et al. (2017). ChinaXiv 201706.00846.
.. [Rao2014] 饶恩明, 肖燚, 欧阳志云, 江波, 严登华 (2014). 中国湖泊水量调节能力及
   其动态变化. 生态学报 34(21): 6225-6231.
.. [Fryrear1998] Fryrear D W, Saleh A, Bilbro J D, Schomberg H M, Stout J E,
   Zobeck T M (1998). Revised Wind Erosion Equation (RWEQ). USDA-ARS Technical
   Bulletin 1.
.. [Renard1997] Renard K G et al. (1997). Predicting soil erosion by water: a
   guide to conservation planning with the Revised Universal Soil Loss Equation
   (RUSLE). USDA Agriculture Handbook 703.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    # water conservation
    "water_conservation_volume",
    "runoff_from_coefficient",
    # soil retention
    "rusle_potential",
    "rusle_actual",
    "soil_retention",
    "sediment_volume",
    "nutrient_retained",
    # flood regulation
    "lake_flood_storage_qtp",
    "reservoir_flood_storage",
    "marsh_flood_storage",
    "vegetation_flood_storage",
    # purification
    "purification_capacity",
    "capped_purification",
    # carbon and oxygen
    "co2_from_npp",
    "o2_from_npp",
    "co2_from_nep",
    "nep_from_npp",
    "o2_from_co2",
    # climate regulation
    "vegetation_cooling_kwh",
    "water_evaporation_kwh",
    # sand fixation
    "rweq_qmax",
    "rweq_critical_length",
    "rweq_loss",
    "sand_fixation_area_m2",
    # coastal protection
    "coastal_protection_cost",
]

MM_M2_TO_M3 = 1e-3
"""1 mm of water over 1 m² is 10⁻³ m³."""

KM2_TO_M2 = 1e6
"""1 km² = 10⁶ m²."""

KJ_PER_KWH = 3600.0
"""1 kWh = 3600 kJ."""

CO2_PER_DRY_MATTER = 1.63
"""t CO₂ fixed per t of plant dry matter produced (photosynthesis equation)."""

O2_PER_DRY_MATTER = 1.2
"""t O₂ released per t of plant dry matter produced (photosynthesis equation)."""

CO2_PER_C = 44.0 / 12.0
"""Molar-mass ratio CO₂ / C."""

O2_PER_CO2 = 32.0 / 44.0
"""Molar-mass ratio O₂ / CO₂."""

C_PER_DRY_MATTER = 72.0 / 162.0
"""Carbon fraction of carbohydrate dry matter, C₆ in C₆H₁₀O₅ (72/162)."""


# ---------------------------------------------------------------------------
# 水源涵养 Water conservation
# ---------------------------------------------------------------------------
def water_conservation_volume(precip_mm, runoff_mm, et_mm, area_m2):
    r"""Water conserved by an ecosystem in a year (水源涵养量), water-balance method.

    Parameters
    ----------
    precip_mm : numeric
        Annual precipitation :math:`P_i`. [mm/a]
    runoff_mm : numeric
        Annual (storm) surface runoff :math:`R_i`. [mm/a]
    et_mm : numeric
        Annual evapotranspiration :math:`ET_i`. [mm/a]
    area_m2 : numeric
        Area of the ecosystem :math:`A_i`. [m²]

    Returns
    -------
    numeric
        Water conservation volume :math:`Q_{w,i}`. [m³/a]

    Notes
    -----
    .. math::

        Q_{w} = \sum_i (P_i - R_i - ET_i) \cdot A_i \cdot 10^{-3}

    The published formula has no :math:`10^{-3}`; it is the unit conversion
    mm·m² → m³ (1 mm = 10⁻³ m) [D]. The sum over ecosystem types *i* is left to
    the caller. A negative balance (ET + R > P) is returned as is, not clipped:
    whether to clip is a method choice of the standard, made by the caller.

    References
    ----------
    .. [1] [Garze2017]_ eq. for :math:`Q_w` [V]; same water-balance form in the
       MEE guide (2020) and HJ 1173-2021 A.1 [U].
    """
    return (precip_mm - runoff_mm - et_mm) * area_m2 * MM_M2_TO_M3


def runoff_from_coefficient(precip_mm, alpha):
    r"""Surface runoff from precipitation and a runoff coefficient.

    Parameters
    ----------
    precip_mm : numeric
        Annual precipitation :math:`P`. [mm/a]
    alpha : numeric
        Mean surface-runoff coefficient of the ecosystem type :math:`\alpha`
        (平均地表径流系数), a fraction in [0, 1]. [1]

    Returns
    -------
    numeric
        Runoff :math:`R = P \cdot \alpha`. [mm/a]

    Notes
    -----
    .. math:: R = P \cdot \alpha

    References
    ----------
    .. [1] MEE guide (2020) / national spec (2022): :math:`R_i = P_i \alpha_i` with
       :math:`\alpha` tabulated per ecosystem type [U]; corroborated by an
       operational indicator library (:math:`R = P \times d_i`) [V, see
       gep_methods.md §1.2(1)].
    """
    return precip_mm * alpha


# ---------------------------------------------------------------------------
# 土壤保持 Soil retention
# ---------------------------------------------------------------------------
def rusle_potential(R, K, LS):
    r"""Potential soil erosion, bare and unprotected (潜在土壤侵蚀量).

    Parameters
    ----------
    R : numeric
        Rainfall erosivity. [MJ·mm/(hm²·h·a)]
    K : numeric
        Soil erodibility. [t·hm²·h/(hm²·MJ·mm)]
    LS : numeric
        Slope length and steepness factor. [1]

    Returns
    -------
    numeric
        Potential erosion :math:`A_p`. [t/(hm²·a)]

    Notes
    -----
    .. math:: A_p = R \cdot K \cdot LS

    With R and K in the units above the product is in t/(hm²·a) with no
    further factor. (R in US customary or K in SI t·h/(MJ·mm) need converting
    first: 1 US erosivity unit = 17.02 MJ·mm/(hm²·h·a), 1 US K unit = 0.1317
    t·hm²·h/(hm²·MJ·mm).)

    References
    ----------
    .. [1] [Renard1997]_ (RUSLE).
    .. [2] [Garze2017]_ (USLE, potential − actual) [V].
    """
    return R * K * LS


def rusle_actual(R, K, LS, C, P):
    r"""Actual soil erosion under the present cover and practice (实际土壤侵蚀量).

    Parameters
    ----------
    R : numeric
        Rainfall erosivity. [MJ·mm/(hm²·h·a)]
    K : numeric
        Soil erodibility. [t·hm²·h/(hm²·MJ·mm)]
    LS : numeric
        Slope length and steepness factor. [1]
    C : numeric
        Cover-management factor, in [0, 1]. [1]
    P : numeric
        Support-practice factor, in [0, 1] (1 where no practice). [1]

    Returns
    -------
    numeric
        Actual erosion :math:`A_a`. [t/(hm²·a)]

    Notes
    -----
    .. math:: A_a = R \cdot K \cdot LS \cdot C \cdot P

    References
    ----------
    .. [1] [Renard1997]_ (RUSLE).
    """
    return R * K * LS * C * P


def soil_retention(R, K, LS, C, P):
    r"""Soil retained by vegetation and practice (土壤保持量): potential − actual erosion.

    Parameters
    ----------
    R : numeric
        Rainfall erosivity. [MJ·mm/(hm²·h·a)]
    K : numeric
        Soil erodibility. [t·hm²·h/(hm²·MJ·mm)]
    LS : numeric
        Slope length and steepness factor. [1]
    C : numeric
        Cover-management factor. [1]
    P : numeric
        Support-practice factor; pass 1 for the 博文静 (2017) form without P. [1]

    Returns
    -------
    numeric
        Soil retention :math:`A_c`. [t/(hm²·a)]

    Notes
    -----
    .. math:: A_c = R \cdot K \cdot LS - R \cdot K \cdot LS \cdot C \cdot P
              = R \cdot K \cdot LS \cdot (1 - C \cdot P)

    Multiply by the area in hm² for t/a.

    References
    ----------
    .. [1] [Garze2017]_: 土壤保持量 = potential − actual erosion [V].
    .. [2] [Bo2017]_: :math:`A_c = R K L S (1 - C)` [V]; the P term is the usual
       RUSLE form [U for the standards].
    """
    return rusle_potential(R, K, LS) - rusle_actual(R, K, LS, C, P)


def sediment_volume(soil_t, lambda_, bulk_density_t_m3):
    r"""Sediment deposition avoided, as a volume (减少泥沙淤积量).

    Parameters
    ----------
    soil_t : numeric
        Soil retained :math:`A_s`. [t/a]
    lambda_ : numeric
        Sediment deposition ratio :math:`\lambda` (泥沙淤积系数; 0.24 in
        [Garze2017]_). [1]
    bulk_density_t_m3 : numeric
        Soil bulk density :math:`\rho`. [t/m³]

    Returns
    -------
    numeric
        Volume of sediment that would have been deposited. [m³/a]

    Notes
    -----
    .. math:: Q_{sd} = \lambda \cdot A_s / \rho

    Value with the dredging cost (元/m³): :math:`V_{s1} = Q_{sd} \cdot P_s`.
    Check with [Garze2017]_: 38.86×10⁸ t × 0.24 / 0.93 = 10.03×10⁸ m³ [V].

    References
    ----------
    .. [1] [Garze2017]_ eq. :math:`V_{s1}` [V].
    """
    return lambda_ * soil_t / bulk_density_t_m3


def nutrient_retained(soil_t, content_fraction):
    r"""Nutrient (N, P, K) kept out of runoff with the retained soil (减少面源污染量).

    Parameters
    ----------
    soil_t : numeric
        Soil retained :math:`A_s`. [t/a]
    content_fraction : numeric
        Pure nutrient content of the soil :math:`C_i` as a **fraction**
        (0.37 % → 0.0037). [1]

    Returns
    -------
    numeric
        Nutrient retained. [t/a]

    Notes
    -----
    .. math:: Q_i = A_s \cdot C_i

    The standards print :math:`C_i` in %; divide by 100 before calling (a
    coefficient row in ``%`` converts to 1 through the unit registry).
    Value with the treatment cost (元/t): :math:`V_{s2} = \sum_i Q_i P_i`.

    References
    ----------
    .. [1] [Garze2017]_ eq. :math:`V_{s2}` (N, P) [V]; [Bo2017]_ adds K [V].
    """
    return soil_t * content_fraction


# ---------------------------------------------------------------------------
# 洪水调蓄 Flood regulation
# ---------------------------------------------------------------------------
def lake_flood_storage_qtp(area_km2, turnover=1.0):
    r"""Flood-storage capacity of lakes, Qinghai-Tibet-Plateau model (湖泊可调蓄水量).

    Parameters
    ----------
    area_km2 : numeric
        Lake surface area :math:`A`. [km²]
    turnover : numeric, default 1
        Water turnover count :math:`T` (换水次数). [1/a]

    Returns
    -------
    numeric
        Lake storage capacity :math:`C_l`. [10⁴ m³/a] (万m³/a) -- note the unit;
        multiply by 10⁴ for m³/a.

    Notes
    -----
    .. math:: C_l = e^{6.636} \cdot A^{0.678} \cdot T

    This is the **青藏高原 (Qinghai-Tibet Plateau) lake-zone** regression of
    [Rao2014]_ as used in [Garze2017]_. The regressions for the other lake zones
    (东部平原, 东北平原与山地, 云贵高原, 蒙新高原) have other constants and are not
    implemented here. Because of the power 0.678, :math:`A` must be in km² and
    the result is in 万m³/a; no other units may be substituted.

    References
    ----------
    .. [1] [Garze2017]_ eq. :math:`C_l` (units 万m³/a, A km², T = 1) [V].
    .. [2] [Rao2014]_.
    """
    return np.exp(6.636) * np.power(area_km2, 0.678) * turnover


def reservoir_flood_storage(total_capacity_m3, ratio=0.35):
    r"""Flood-regulating capacity of reservoirs (水库防洪库容).

    Parameters
    ----------
    total_capacity_m3 : numeric
        Total reservoir capacity :math:`C_t`. [m³]
    ratio : numeric, default 0.35
        Flood-control share of total capacity. [1]

    Returns
    -------
    numeric
        Reservoir flood storage :math:`C_r`. [m³/a] (same volume unit as the input)

    Notes
    -----
    .. math:: C_r = 0.35 \cdot C_t

    The ratio is dimensionless, so [Garze2017]_'s 万m³ in → 万m³ out works the
    same way. Check: 0.03×10⁸ m³ × 0.35 ≈ 0.01×10⁸ m³ [V].

    References
    ----------
    .. [1] [Garze2017]_ eq. :math:`C_r` [V]; ratio from [Rao2014]_.
    """
    return ratio * total_capacity_m3


def marsh_flood_storage(area_km2, depth_m=0.3):
    r"""Flood storage of marshes by surface ponding (沼泽洪水调蓄能力).

    Parameters
    ----------
    area_km2 : numeric
        Marsh area :math:`S`. [km²]
    depth_m : numeric, default 0.3
        Storable water depth (surface ponding). [m]

    Returns
    -------
    numeric
        Marsh flood storage :math:`C_m`. [m³/a]

    Notes
    -----
    .. math:: C_m = d \cdot S \cdot 10^{6}

    **Unit trap.** [Garze2017]_ prints :math:`C_m = 0.3 \cdot S \cdot 10^6` and
    labels :math:`C_m` in 万m³/a. The :math:`10^6` is km² → m², and 0.3 is a depth
    in m, so the result is in **m³**, not 万m³. The paper's own numbers agree
    with m³: ≈2000 km² of marsh (70 % of 2864 km² wetland) gives 6.0×10⁸ m³,
    which is the 6.00 亿m³ of its table 3 [D]. Reading the label literally would
    overstate marsh storage 10⁴-fold.

    References
    ----------
    .. [1] [Garze2017]_ eq. :math:`C_m` and table 3 [V]; units resolved here [D].
    """
    return depth_m * area_km2 * KM2_TO_M2


def vegetation_flood_storage(storm_precip_mm, storm_runoff_mm, area_m2):
    r"""Storm water held back by vegetation and soil (植被洪水调蓄量).

    Parameters
    ----------
    storm_precip_mm : numeric
        Precipitation of storm events in the year. [mm/a]
    storm_runoff_mm : numeric
        Runoff of those storm events from the ecosystem. [mm/a]
    area_m2 : numeric
        Ecosystem area :math:`S_i`. [m²]

    Returns
    -------
    numeric
        Vegetation flood storage :math:`C_{vf}`. [m³/a]

    Notes
    -----
    .. math:: C_{vf} = \sum_i (P_{storm} - R_{storm,i}) \cdot S_i \cdot 10^{-3}

    References
    ----------
    .. [1] MEE guide (2020) / national spec (2022) vegetation flood storage [U].
    """
    return (storm_precip_mm - storm_runoff_mm) * area_m2 * MM_M2_TO_M3


# ---------------------------------------------------------------------------
# 空气净化 / 水质净化 Purification
# ---------------------------------------------------------------------------
def purification_capacity(rate_per_area, area):
    r"""Pollutant an ecosystem can absorb or retain in a year (净化能力).

    Parameters
    ----------
    rate_per_area : numeric
        Purification rate per unit area, e.g. SO₂ absorbed. [kg/(hm²·a)]
    area : numeric
        Ecosystem area. [hm²]

    Returns
    -------
    numeric
        Purification capacity. [kg/a]

    Notes
    -----
    .. math:: Q_{cap} = \sum_i q_i \cdot A_i

    Any consistent pair works (t/(km²·a) × km² → t/a); the canonical pair
    is the one above.

    References
    ----------
    .. [1] [Bo2017]_ per-area form :math:`V_a = (Q_{SO_2} c_{SO_2} + …) \cdot A` [V].
    .. [2] MEE guide (2020) :math:`Q = \sum Q_i A_i` [U].
    """
    return rate_per_area * area


def capped_purification(capacity, emission):
    r"""Purified quantity: the capacity, but never more than what is emitted.

    Parameters
    ----------
    capacity : numeric
        Purification capacity of the ecosystems (:func:`purification_capacity`). [t/a]
    emission : numeric
        Emission of the same pollutant in the region. [t/a]

    Returns
    -------
    numeric
        :math:`\min(Q_{cap}, E)` elementwise. [t/a]

    Notes
    -----
    .. math:: Q = \min(Q_{cap}, E)

    A NaN in either input gives NaN (never silently the other value).

    References
    ----------
    .. [1] [Garze2017]_ used the emission totals as the purified quantity [V].
    .. [2] MEE guide (2020): use emissions when they are below capacity [U].
    """
    return np.minimum(capacity, emission)


# ---------------------------------------------------------------------------
# 固碳 / 释氧 Carbon sequestration and oxygen release
# ---------------------------------------------------------------------------
def co2_from_npp(npp_t_dm):
    r"""CO₂ fixed, from net primary production in dry matter.

    Parameters
    ----------
    npp_t_dm : numeric
        Net primary production (or harvested biomass). [t dry matter/a]

    Returns
    -------
    numeric
        CO₂ fixed. [t CO₂/a]

    Notes
    -----
    .. math:: Q_{CO_2} = 1.63 \cdot NPP

    1.63 = 264/162 from 6 CO₂ + 6 H₂O → C₆H₁₂O₆ + 6 O₂ → C₆H₁₀O₅. Check with
    [Jiang2017]_: 3.74×10⁴ t reed × 1.63 = 6.10×10⁴ t CO₂ = 1.66×10⁴ t C [D].

    References
    ----------
    .. [1] [Jiang2017]_: 1 kg dry matter fixes 1.63 kg CO₂ [V].
    """
    return CO2_PER_DRY_MATTER * npp_t_dm


def o2_from_npp(npp_t_dm):
    r"""O₂ released, from net primary production in dry matter.

    Parameters
    ----------
    npp_t_dm : numeric
        Net primary production. [t dry matter/a]

    Returns
    -------
    numeric
        O₂ released. [t O₂/a]

    Notes
    -----
    .. math:: Q_{O_2} = 1.2 \cdot NPP

    1.2 rounds 192/162 = 1.185; so 1.2 × NPP is 1.2 % more than
    (32/44) × 1.63 × NPP. Keep the published 1.2 to reproduce published numbers.

    References
    ----------
    .. [1] [Jiang2017]_: 1 kg dry matter releases 1.2 kg O₂ [V].
    """
    return O2_PER_DRY_MATTER * npp_t_dm


def co2_from_nep(nep_t_c):
    r"""CO₂ fixed, from net ecosystem production in carbon.

    Parameters
    ----------
    nep_t_c : numeric
        Net ecosystem production. [t C/a]

    Returns
    -------
    numeric
        CO₂ fixed. [t CO₂/a]

    Notes
    -----
    .. math:: Q_{CO_2} = \frac{44}{12} \cdot NEP

    References
    ----------
    .. [1] MEE guide (2020) / national spec (2022) [U].
    """
    return CO2_PER_C * nep_t_c


def nep_from_npp(npp_dm, nep_ratio):
    r"""Net ecosystem production in carbon, from NPP in dry matter.

    Parameters
    ----------
    npp_dm : numeric
        Net primary production. [t dry matter/a]
    nep_ratio : numeric
        NEP/NPP ratio :math:`\alpha` of the ecosystem type. [1]

    Returns
    -------
    numeric
        NEP. [t C/a]

    Notes
    -----
    .. math:: NEP = \alpha \cdot NPP \cdot \frac{72}{162}

    72/162 is the carbon mass fraction of carbohydrate (C₆H₁₀O₅) and turns dry
    matter into carbon. **[U]**: this form and the α table are recalled, not read
    in a standard text. [Bo2017]_ instead uses :math:`NEP = NPP - R_s` (soil
    respiration) [V].

    References
    ----------
    .. [1] MEE guide (2020) / national spec (2022) [U].
    """
    return nep_ratio * npp_dm * C_PER_DRY_MATTER


def o2_from_co2(co2_t):
    r"""O₂ released for a given CO₂ fixed (stoichiometric).

    Parameters
    ----------
    co2_t : numeric
        CO₂ fixed. [t CO₂/a]

    Returns
    -------
    numeric
        O₂ released. [t O₂/a]

    Notes
    -----
    .. math:: Q_{O_2} = \frac{32}{44} \cdot Q_{CO_2}

    References
    ----------
    .. [1] MEE guide (2020) / national spec (2022) [U].
    """
    return O2_PER_CO2 * co2_t


# ---------------------------------------------------------------------------
# 气候调节 Climate regulation
# ---------------------------------------------------------------------------
def vegetation_cooling_kwh(heat_kj_m2_d, area_m2, days, cop):
    r"""Electricity an air conditioner would use to remove the heat vegetation
    consumes by transpiration (植被蒸腾降温增湿).

    Parameters
    ----------
    heat_kj_m2_d : numeric
        Heat consumed by transpiration per unit area and day (单位面积蒸腾消耗热量;
        printed "GPP" in [Garze2017]_, "EPP" in the MEE guide). [kJ/(m²·d)]
    area_m2 : numeric
        Ecosystem area :math:`S_i` (forest, shrub, grassland). [m²]
    days : numeric
        Days the air conditioners would run (空调开放天数; days above 26 °C in the
        MEE guide [U]). [d/a]
    cop : numeric
        Energy-efficiency ratio of the air conditioner :math:`R` (空调能效比;
        3.0 in [Bo2017]_). [1]

    Returns
    -------
    numeric
        Equivalent electricity. [kWh/a]

    Notes
    -----
    .. math:: E_{pt} = \sum_i \frac{q_i \cdot S_i \cdot d}{3600 \cdot R}

    kJ/(m²·d) × m² × d = kJ, ÷ 3600 kJ/kWh = kWh of heat, ÷ R = kWh of
    electricity. The MEE guide prints :math:`\times 10^6` because its
    :math:`S_i` is in km² [U]; here area is in m², so there is no factor.

    References
    ----------
    .. [1] [Garze2017]_ eq. :math:`V_a` [V]; [Bo2017]_ R = 3.0 [V].
    """
    return heat_kj_m2_d * area_m2 * days / (KJ_PER_KWH * cop)


def water_evaporation_kwh(evap_m3, latent_heat_j_g=2450.0, humidifier_kwh_m3=120.0, density=1000.0):
    r"""Energy a humidifier and the latent heat of evaporation represent for water
    evaporated from a water surface (水面蒸发降温增湿).

    Parameters
    ----------
    evap_m3 : numeric
        Water evaporated from the water surface :math:`E`. [m³/a]
    latent_heat_j_g : numeric, default 2450
        Latent heat of vaporisation :math:`q` (挥发潜热). [J/g]
    humidifier_kwh_m3 : numeric, default 120
        Electricity a humidifier uses to turn 1 m³ of water into vapour
        :math:`\gamma`. [kWh/m³]
    density : numeric, default 1000
        Density of water :math:`\rho`. [kg/m³]

    Returns
    -------
    numeric
        Equivalent energy. [kWh/a]

    Notes
    -----
    .. math:: E_{we} = \frac{E \cdot \rho \cdot q}{3600} + E \cdot \gamma

    Unit algebra of the first term: m³ × kg/m³ = kg; kg × J/g = 1000 g × J/g =
    1000 J = **kJ**, so :math:`E \rho q` with these units is numerically in kJ,
    and ÷ 3600 kJ/kWh gives kWh. Second term: m³ × kWh/m³ = kWh. For 1 m³:
    1000 × 2450 / 3600 = 680.6 kWh + 120 kWh = 800.6 kWh.

    The first term is heat, not electricity, and unlike the vegetation term it
    is not divided by an air-conditioner efficiency; and a humidifier's
    electricity already covers vaporising the water, so the sum counts the
    latent heat twice in physical terms. This function reproduces the published
    formula as printed; whether to keep both terms is a method choice.

    References
    ----------
    .. [1] [Garze2017]_ eq. :math:`V_e` [V].
    .. [2] 酉阳县生态产品价值实现平台 defaults q = 2450 J/g, γ = 120 kWh/m³ [V].
    """
    return evap_m3 * density * latent_heat_j_g / KJ_PER_KWH + evap_m3 * humidifier_kwh_m3


# ---------------------------------------------------------------------------
# 防风固沙 Sand fixation (RWEQ)
# ---------------------------------------------------------------------------
def rweq_qmax(wf, ef, scf, k_prime, c=1.0):
    r"""Maximum wind-transport capacity of RWEQ.

    Parameters
    ----------
    wf : numeric
        Weather factor. [kg/m]
    ef : numeric
        Soil erodible fraction. [1]
    scf : numeric
        Soil crust factor. [1]
    k_prime : numeric
        Soil roughness factor :math:`K'`. [1]
    c : numeric, default 1
        Vegetation factor; 1 for the potential (bare-soil) case. [1]

    Returns
    -------
    numeric
        :math:`Q_{max}`. [kg/m]

    Notes
    -----
    .. math:: Q_{max} = 109.8 \cdot (WF \cdot EF \cdot SCF \cdot K' \cdot C)

    References
    ----------
    .. [1] [Fryrear1998]_; as cited by [Garze2017]_ (constants **[U]**: recalled,
       not read in the cited text).
    """
    return 109.8 * (wf * ef * scf * k_prime * c)


def rweq_critical_length(wf, ef, scf, k_prime, c=1.0):
    r"""Critical field length of RWEQ.

    Parameters
    ----------
    wf : numeric
        Weather factor. [kg/m]
    ef : numeric
        Soil erodible fraction. [1]
    scf : numeric
        Soil crust factor. [1]
    k_prime : numeric
        Soil roughness factor :math:`K'`. [1]
    c : numeric, default 1
        Vegetation factor; 1 for the potential case. [1]

    Returns
    -------
    numeric
        Critical field length :math:`s`. [m]

    Notes
    -----
    .. math:: s = 150.71 \cdot (WF \cdot EF \cdot SCF \cdot K' \cdot C)^{-0.3711}

    References
    ----------
    .. [1] [Fryrear1998]_ (constants **[U]**).
    """
    return 150.71 * np.power(wf * ef * scf * k_prime * c, -0.3711)


def rweq_loss(z, qmax, s):
    r"""Soil loss by wind at distance *z* downwind (RWEQ).

    Parameters
    ----------
    z : numeric
        Distance from the upwind edge of the field (often the pixel size
        or a fixed 50 m). [m]
    qmax : numeric
        Maximum transport capacity, :func:`rweq_qmax`. [kg/m]
    s : numeric
        Critical field length, :func:`rweq_critical_length`. [m]

    Returns
    -------
    numeric
        Soil loss :math:`S_L`. [kg/m²]

    Notes
    -----
    .. math:: S_L = \frac{2 z}{s^2} \cdot Q_{max} \cdot e^{-(z/s)^2}

    Sand fixed (防风固沙量) = :math:`S_{L,potential} - S_{L,actual}`, the
    potential one computed with C = 1. kg/m² × 10 = t/hm².

    References
    ----------
    .. [1] [Fryrear1998]_ (form **[U]**: recalled, not read in the cited text).
    """
    ratio = z / s
    return 2.0 * z / (s * s) * qmax * np.exp(-(ratio * ratio))


def sand_fixation_area_m2(mass_t, bulk_density=1.28, thickness_m=0.1):
    r"""Land area the fixed sand would have covered (固沙面积).

    Parameters
    ----------
    mass_t : numeric
        Sand fixed :math:`Q_f`. [t/a]
    bulk_density : numeric, default 1.28
        Bulk density of deposited sand :math:`\rho` (沙砾堆积密度). [t/m³]
    thickness_m : numeric, default 0.1
        Standard covering thickness that makes land desertified :math:`h`
        (土壤沙化标准覆沙厚度). [m]

    Returns
    -------
    numeric
        Area. [m²/a]

    Notes
    -----
    .. math:: S_f = \frac{Q_f}{\rho \cdot h}

    t ÷ (t/m³ × m) = m². Value with the sand-control cost (元/m²):
    :math:`V_f = S_f \cdot P_f`. Check with [Garze2017]_: 779.42×10⁴ t ÷ (1.28 ×
    0.1) = 60.89 km², × 3.75 元/m² = 2.28×10⁸ 元 [V].

    References
    ----------
    .. [1] [Garze2017]_ eq. :math:`V_f` and §3.2.3 [V].
    """
    return mass_t / (bulk_density * thickness_m)


# ---------------------------------------------------------------------------
# 海岸带防护 Coastal protection
# ---------------------------------------------------------------------------
def coastal_protection_cost(length_m, unit_cost_per_m):
    r"""Cost of the seawall the coastal ecosystems stand in for (海岸带防护).

    Parameters
    ----------
    length_m : numeric
        Length of coastline protected by mangrove, salt marsh, reef or beach. [m]
    unit_cost_per_m : numeric
        Construction (and maintenance) cost of seawall per unit length. [元/m]

    Returns
    -------
    numeric
        Value. [元/a] when the cost is annualised, else [元]

    Notes
    -----
    .. math:: V = L \cdot c

    **[U]**: not found in any reachable source; the form is recalled from the
    MEE guide (2020). Check against the standard text before use.

    References
    ----------
    .. [1] MEE guide (2020) 海岸带防护 [U].
    """
    return length_m * unit_cost_per_m

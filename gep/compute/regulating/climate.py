r"""Climate regulation (气候调节): the electricity that evapotranspiration saves.

Pure functions, broadcast elementwise; canonical units in each docstring.
Evidence tags: **[V]** read in the source, **[D]** derived, **[U]** unverified
(``research/gep_methods.md``).

Sources cited below
-------------------
.. [Garze2017] 白玛卓嘎, 肖燚, 欧阳志云, 王莉雁 (2017). 甘孜藏族自治州生态系统
   生产总值核算研究. 生态学报 37(19): 6302-6312. doi:10.5846/stxb201607011362
.. [Bo2017] 博文静 et al. (2017). ChinaXiv 201706.00846.
"""

from __future__ import annotations

__all__ = ["vegetation_cooling_kwh", "water_evaporation_kwh"]

KJ_PER_KWH = 3600.0
"""1 kWh = 3600 kJ."""


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

r"""Climate regulation (气候调节): the electricity that evapotranspiration saves.

Pure functions, broadcast elementwise; canonical units in each docstring.
Evidence tags: **[V]** read in the source, **[D]** derived, **[U]** unverified
(``research/gep_methods.md``).

Sources cited below
-------------------
.. [Garze2017] 白玛卓嘎, 肖燚, 欧阳志云, 王莉雁 (2017). 甘孜藏族自治州生态系统
   生产总值核算研究. 生态学报 37(19): 6302-6312. doi:10.5846/stxb201607011362
.. [Bo2017] 博文静 et al. (2017). ChinaXiv 201706.00846.
.. [Shang2018] 商慧敏, 郗敏, 李悦, 孔范龙, 王森 (2018). 胶州湾滨海湿地生态系统服务
   价值变化. 生态学报 38(2): 421-431 (ChinaXiv 201801.00481).

Variants of the water-surface term
----------------------------------
Published formulations of the water-surface term differ; each is a function
here and a named method of the ``climate_regulation`` service:

=================================== ============= ================================================
function                            kWh per m³    published by
=================================== ============= ================================================
:func:`water_evaporation_kwh`       800.556       [Garze2017]_ eq. V_e, as printed: ρq/3600 + γ
:func:`water_evaporation_kwh_cop`   346.852       none found; ρq/(3600·R) + γ, derived [D]
:func:`water_humidifying_kwh`       120 (or 125)  [Shang2018]_ §2.3.4: γ only
=================================== ============= ================================================

(ρ = 1000 kg/m³, q = 2450 J/g, γ = 120 kWh/m³, R = 3.) Whether the evaporation
*E* counts over the whole year or over the cooling days only is a further
choice; no readable source restricts *E* to the cooling days, so gep counts
the year's evaporation (as [Garze2017]_ and [Shang2018]_ print it).
"""

from __future__ import annotations

__all__ = ["vegetation_cooling_kwh", "water_evaporation_kwh", "water_evaporation_kwh_cop", "water_humidifying_kwh"]

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
    r"""Energy of water-surface evaporation as printed by Garzé (水面蒸发降温增湿):
    the heat of vaporisation plus a humidifier's electricity.

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
    1000 × 2450 / 3600 = 680.556 kWh + 120 kWh = 800.556 kWh.

    The method sentence of [Garze2017]_ reads "采用空调、加湿器等效降温增湿所需要的
    耗电量乘以电费": two devices, two services -- cooling (the heat the
    evaporation takes from the air) and humidifying (the vapour it adds). As
    printed, the cooling part is the heat itself, **not divided by an
    air-conditioner efficiency** as the vegetation term is; see
    :func:`water_evaporation_kwh_cop` for the divided reading and
    :func:`water_humidifying_kwh` for the humidifier-only form.

    References
    ----------
    .. [1] [Garze2017]_ §2.4.8(2), eq. :math:`V_e` [V].
    .. [2] 酉阳县生态产品价值实现平台 defaults q = 2450 J/g, γ = 120 kWh/m³ [V].
    """
    return evap_m3 * density * latent_heat_j_g / KJ_PER_KWH + evap_m3 * humidifier_kwh_m3


def water_evaporation_kwh_cop(evap_m3, cop, latent_heat_j_g=2450.0, humidifier_kwh_m3=120.0, density=1000.0):
    r"""Water-surface evaporation with the cooling part divided by the
    air-conditioner efficiency, as the vegetation term is (水面蒸发降温 ÷ 能效比 + 增湿).

    Parameters
    ----------
    evap_m3 : numeric
        Water evaporated from the water surface :math:`E`. [m³/a]
    cop : numeric
        Energy-efficiency ratio of the air conditioner :math:`R` (空调能效比). [1]
    latent_heat_j_g : numeric, default 2450
        Latent heat of vaporisation :math:`q`. [J/g]
    humidifier_kwh_m3 : numeric, default 120
        Electricity a humidifier uses per m³ vaporised :math:`\gamma`. [kWh/m³]
    density : numeric, default 1000
        Density of water :math:`\rho`. [kg/m³]

    Returns
    -------
    numeric
        Equivalent electricity. [kWh/a]

    Notes
    -----
    .. math:: E_{we} = \frac{E \cdot \rho \cdot q}{3600 \cdot R} + E \cdot \gamma

    An air conditioner removes :math:`R` kWh of heat per kWh of electricity, so
    the electricity that would remove the heat of evaporation is the heat ÷ R,
    as in the vegetation term :func:`vegetation_cooling_kwh` of the same paper.
    For 1 m³ with R = 3: 680.556 / 3 + 120 = 226.852 + 120 = 346.852 kWh [D].

    **Evidence.** No readable source prints this form; it is the reading of
    [Garze2017]_'s water term that is consistent with its vegetation term
    (derived, [D]). Whether the national specification divides the water term
    by R could not be read.

    References
    ----------
    .. [1] [Garze2017]_ §2.4.8(1)-(2) (vegetation term ÷ R; water term) [V]; the
       combination is derived here [D].
    """
    return evap_m3 * density * latent_heat_j_g / (KJ_PER_KWH * cop) + evap_m3 * humidifier_kwh_m3


def water_humidifying_kwh(evap_m3, humidifier_kwh_m3=120.0):
    r"""Water-surface evaporation valued as humidifying only (水面蒸发增湿).

    Parameters
    ----------
    evap_m3 : numeric
        Water evaporated from the water surface :math:`Q_{r4}` (水面蒸发量). [m³/a]
    humidifier_kwh_m3 : numeric, default 120
        Electricity to turn 1 m³ of water into vapour :math:`Q_e` (单位体积水量转化
        为蒸汽耗电量; 125 kWh/m³ in [Shang2018]_, from a 32 W humidifier). [kWh/m³]

    Returns
    -------
    numeric
        Equivalent electricity. [kWh/a]

    Notes
    -----
    .. math:: E_{we} = E \cdot \gamma

    [Shang2018]_ values the climate regulation of the Jiaozhou Bay wetlands as
    :math:`V_{r4} = Q_{r4} \times Q_e \times P_{r4}` (evaporation × humidifier
    electricity × electricity price), with no latent-heat cooling term.
    1 000 m³ with γ = 125 kWh/m³: 125 000 kWh [D].

    References
    ----------
    .. [1] [Shang2018]_ table 1 and §2.3.4 (γ = 125 kWh/m³) [V]; the same form is
       cited there from 江波 et al. 2011 and 崔丽娟 et al. 2016 [U].
    """
    return evap_m3 * humidifier_kwh_m3

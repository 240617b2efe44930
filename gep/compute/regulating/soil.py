r"""Soil retention (土壤保持, RUSLE) and sand fixation (防风固沙, RWEQ): soil kept from erosion.

Pure functions, broadcast elementwise; canonical units in each docstring.
Evidence tags: **[V]** read in the source, **[D]** derived, **[U]** unverified
(``research/gep_methods.md``).

Sources cited below
-------------------
.. [Garze2017] 白玛卓嘎, 肖燚, 欧阳志云, 王莉雁 (2017). 甘孜藏族自治州生态系统
   生产总值核算研究. 生态学报 37(19): 6302-6312. doi:10.5846/stxb201607011362
.. [Bo2017] 博文静 et al. (2017). ChinaXiv 201706.00846.
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
    "rusle_potential",
    "rusle_actual",
    "soil_retention",
    "sediment_volume",
    "nutrient_retained",
    "rweq_qmax",
    "rweq_critical_length",
    "rweq_loss",
    "sand_fixation_area_m2",
]


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

r"""Water conservation (水源涵养) and flood regulation (洪水调蓄): water kept and stored.

Pure functions, broadcast elementwise; canonical units in each docstring.
Evidence tags: **[V]** read in the source, **[D]** derived, **[U]** unverified
(``research/gep_methods.md``).

Sources cited below
-------------------
.. [Garze2017] 白玛卓嘎, 肖燚, 欧阳志云, 王莉雁 (2017). 甘孜藏族自治州生态系统
   生产总值核算研究. 生态学报 37(19): 6302-6312. doi:10.5846/stxb201607011362
.. [Rao2014] 饶恩明, 肖燚, 欧阳志云, 江波, 严登华 (2014). 中国湖泊水量调节能力及
   其动态变化. 生态学报 34(21): 6225-6231.
.. [Miao2017] 缪建群, 孙松, 王志强, 黄国勤 (2017). 江西高天岩自然保护区生态系统服务
   功能价值评估. 生态学报 37(19): 6422-6430 (ChinaXiv 201711.00109).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "water_conservation_volume",
    "runoff_from_coefficient",
    "lake_flood_storage_qtp",
    "reservoir_flood_storage",
    "marsh_flood_storage",
    "vegetation_flood_storage",
    "vegetation_storm_storage_miao",
]

MM_HM2_TO_M3 = 10.0
"""1 mm of water over 1 hm² is 10 m³."""

MM_M2_TO_M3 = 1e-3
"""1 mm of water over 1 m² is 10⁻³ m³."""

KM2_TO_M2 = 1e6
"""1 km² = 10⁶ m²."""


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


def vegetation_storm_storage_miao(area_hm2, annual_rain_mm, runoff_rain_share, runoff_reduction):
    r"""Storm water forests hold back compared with bare land, per-type coefficient
    form (森林调洪蓄水量, 成果参数法).

    Parameters
    ----------
    area_hm2 : numeric
        Area of the forest type :math:`A_i`. [hm²]
    annual_rain_mm : numeric
        Mean annual rainfall :math:`J_0` (年均降雨总量). [mm/a]
    runoff_rain_share : numeric
        Share of the rainfall that falls in runoff-producing events (P > 20 mm)
        :math:`K` (产流降雨量/降雨总量; 0.6 in [Miao2017]_). [1]
    runoff_reduction : numeric
        Reduction of the runoff rate relative to bare land :math:`R = R_0 - R_g`
        of the forest type (减少径流效益系数; [Miao2017]_: 常绿针叶林 0.36, 常绿阔叶林
        0.39, 常绿针阔混交林 0.34, 竹林 0.22, 灌木 0.14). [1]

    Returns
    -------
    numeric
        Water held back :math:`Q_i`. [m³/a]

    Notes
    -----
    .. math::

        Q = \sum_i A_i \cdot J \cdot R_i, \qquad J = J_0 \cdot K

    with 1 mm × 1 hm² = 10 m³ (the :math:`\times 10` is the unit conversion,
    not printed). Valued at a reservoir's unit cost (影子工程法).

    **The printed volumes.** The converted text of [Miao2017]_ garbles
    :math:`J_0` ("取J18.K=0.6"). Its five line items (table 2: 针叶 23.83, 阔叶
    98.98, 混交 47.26, 竹 4.66, 灌 3.93 ×10⁴ m³, with the areas 613, 2350, 1287,
    196, 260 hm² of its §1) all equal :math:`A_i \cdot 1080 \cdot R_i` m³ [D]:
    :math:`J_0 \cdot K = 108` mm with the factor 10, or :math:`J_0` = 1800 mm
    (near the site's annual 1673 mm) without it. :math:`J_0` is defined as the
    annual rainfall, so the second reading is likelier, and then the printed
    volumes are 10× smaller than the formula in consistent units gives. This
    function keeps the units consistent.

    References
    ----------
    .. [1] [Miao2017]_ table 1 eqs. (7)-(10), R values and K = 0.6; table 2 line
       items [V]; the J₀ reading is derived here [D].
    """
    return area_hm2 * annual_rain_mm * runoff_rain_share * runoff_reduction * MM_HM2_TO_M3

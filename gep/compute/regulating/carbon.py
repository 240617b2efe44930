r"""Carbon sequestration (固碳) and oxygen release (释氧) from plant production.

Pure functions, broadcast elementwise; canonical units in each docstring.
Evidence tags: **[V]** read in the source, **[D]** derived, **[U]** unverified
(``research/gep_methods.md``).

Sources cited below
-------------------
.. [Jiang2017] 江波, 陈媛媛, 肖洋, 赵娟娟, 欧阳志云 (2017). 白洋淀湿地生态系统
   最终服务价值评估. 生态学报 37(8).
.. [Bo2017] 博文静, 王莉雁, 操建华, 王效科, 肖燚, 欧阳志云 (2017). 中国森林生态资产
   价值评估. 生态学报 37(12): 4182-4190 (ChinaXiv 201706.00846).
.. [Miao2017] 缪建群, 孙松, 王志强, 黄国勤 (2017). 江西高天岩自然保护区生态系统服务
   功能价值评估. 生态学报 37(19): 6422-6430 (ChinaXiv 201711.00109).
.. [Li2022] 李远航, 郝兴明, 张静静, 范雪, 赵卓怡. 近17a阿克苏绿洲农田净碳汇功能的
   时空变化 (ChinaXiv 202209.00152), §1.3.1; the R_h regression is cited there
   from 裴志永, 周才平, 欧阳华 et al. (2010). 青藏高原高寒草原区域碳估测.
   地理研究 29(1): 102-110.
.. [Wang2021] 王川, 刘永昌, 李稚. 塔里木河下游生态输水对植被碳源/汇空间格局的影响
   (ChinaXiv 202106.00081): the same R_h regression.
"""

from __future__ import annotations

import numpy as np

__all__ = ["co2_from_npp", "o2_from_npp", "co2_from_nep", "nep_from_npp", "o2_from_co2",
           "heterotrophic_respiration_pei", "nep_from_npp_rh"]

CO2_PER_DRY_MATTER = 1.63
"""t CO₂ fixed per t of plant dry matter produced (photosynthesis equation)."""

O2_PER_DRY_MATTER = 1.2
"""t O₂ released per t of plant dry matter produced, as 江波 et al. 2017 print it (192/162 rounded)."""

O2_PER_DRY_MATTER_LYT1721 = 1.19
"""t O₂ per t of dry matter in the LY/T 1721—2008 form (缪建群 et al. 2017; 192/162 = 1.185 to two decimals)."""

CO2_PER_C = 44.0 / 12.0
"""Molar-mass ratio CO₂ / C."""

O2_PER_CO2 = 32.0 / 44.0
"""Molar-mass ratio O₂ / CO₂."""

C_PER_DRY_MATTER = 72.0 / 162.0
"""Carbon fraction of carbohydrate dry matter, C₆ in C₆H₁₀O₅ (72/162)."""


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


def o2_from_npp(npp_t_dm, ratio=O2_PER_DRY_MATTER):
    r"""O₂ released, from net primary production in dry matter.

    Parameters
    ----------
    npp_t_dm : numeric
        Net primary production. [t dry matter/a]
    ratio : numeric, default 1.2
        t O₂ per t of dry matter: 1.2 ([Jiang2017]_) or 1.19 (LY/T 1721—2008 as
        printed by [Miao2017]_, :data:`O2_PER_DRY_MATTER_LYT1721`). [1]

    Returns
    -------
    numeric
        O₂ released. [t O₂/a]

    Notes
    -----
    .. math:: Q_{O_2} = 1.2 \cdot NPP \quad\text{or}\quad 1.19 \cdot NPP

    Both round 192/162 = 1.1852 (six O₂ per C₆H₁₀O₅); (32/44) × 1.63 = 1.1855 [D].
    1.2 × NPP is 0.84 % more than 1.19 × NPP. Check with [Miao2017]_ table 2:
    6050.31 t NPP × 1.19 = 7199.87 t O₂ [V].

    References
    ----------
    .. [1] [Jiang2017]_: 1 kg dry matter releases 1.2 kg O₂ [V].
    .. [2] [Miao2017]_ table 1 eq. (4): :math:`V_o = \sum NPP_i \times 1.19 \times P_o` [V].
    """
    return ratio * npp_t_dm


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

    44/12 is the molar-mass ratio CO₂/C [D]. 1 t C → 3.6667 t CO₂.

    References
    ----------
    .. [1] MEE guide (2020) / national spec (2022) [U]; [Bo2017]_ values NEP at
       the afforestation cost (:math:`V_c = NEP \cdot CM`) [V].
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

    Photosynthesis releases one O₂ for each CO₂ fixed; 32/44 is their
    molar-mass ratio [D]. With :math:`Q_{CO_2} = 1.63 \cdot NPP` this is
    1.1855 × NPP, the 1.19 of LY/T 1721 to two decimals.

    References
    ----------
    .. [1] photosynthesis stoichiometry [D]; the same form in the MEE guide (2020)
       / national spec (2022) [U].
    """
    return O2_PER_CO2 * co2_t


def heterotrophic_respiration_pei(temp_c, precip_mm):
    r"""Soil heterotrophic respiration of one month, the 裴志永 regression.

    Parameters
    ----------
    temp_c : numeric
        Mean temperature of the month :math:`T` (月均温). [°C]
    precip_mm : numeric
        Total precipitation of the month :math:`R` (月总降水). [mm]

    Returns
    -------
    numeric
        Heterotrophic (soil microbial) respiration of the month :math:`R_h`.
        [g C/(m²·month)] -- **read, not printed**: see Notes.

    Notes
    -----
    .. math:: R_h = 0.22 \cdot \left[e^{0.0912\,T} + \ln(0.3145\,R + 1)\right] \cdot 30 \cdot 46.5\,\%

    The regression and its constants are printed identically in [Li2022]_
    §1.3.1 and [Wang2021]_, both citing 裴志永 et al. (2010); both apply it month
    by month and sum to a year, and report NEP = NPP − R_h in g·m⁻²·a⁻¹ (of
    carbon). Neither prints the unit of :math:`R_h`; reading it as g C per m²
    per month (a daily rate × 30 days × 46.5 %) is **[U]**. Hand check: T =
    20 °C, R = 100 mm gives 0.22 × (6.1966 + 3.4797) × 30 × 0.465 = 29.70 [D].

    The regression was fitted for an alpine steppe of the Qinghai-Tibet Plateau
    and has been applied to arid Central Asia and oasis farmland; applying it
    elsewhere is an extrapolation the account should state.

    References
    ----------
    .. [1] [Li2022]_ §1.3.1 (ChinaXiv 202209.00152, l. 50-60) [V].
    .. [2] [Wang2021]_ (ChinaXiv 202106.00081, l. 69-74) [V].
    """
    return 0.22 * (np.exp(0.0912 * temp_c) + np.log(0.3145 * precip_mm + 1.0)) * 30.0 * 0.465


def nep_from_npp_rh(npp_t_dm, rh_t_c):
    r"""Net ecosystem production in carbon: NPP (dry matter) minus heterotrophic respiration.

    Parameters
    ----------
    npp_t_dm : numeric
        Net primary production. [t dry matter/a] (or per area: t/(hm²·a))
    rh_t_c : numeric
        Soil heterotrophic respiration over the same area and year. [t C/a]
        (or t C/(hm²·a))

    Returns
    -------
    numeric
        NEP. [t C/a] -- negative where respiration exceeds production (a
        carbon source); not clipped.

    Notes
    -----
    .. math:: NEP = NPP \cdot \frac{72}{162} - R_h

    NEP = NPP − R_h is the form of [Li2022]_ and [Wang2021]_ (and, with total
    soil respiration R_s, of [Bo2017]_) [V]. They take NPP in carbon; here NPP
    is in dry matter (as the gross method :func:`co2_from_npp` takes it) and is
    turned into carbon with 72/162 (C₆ in C₆H₁₀O₅), so that with
    :math:`R_h = 0` the CO₂ is :math:`\frac{44}{12}\cdot\frac{72}{162}\,NPP = 1.6296\,NPP`,
    the gross 1.63 × NPP [D].

    References
    ----------
    .. [1] [Li2022]_ §1.3.1; [Wang2021]_; [Bo2017]_ §1.2 (NEP = NPP − R_s) [V].
    """
    return npp_t_dm * C_PER_DRY_MATTER - rh_t_c

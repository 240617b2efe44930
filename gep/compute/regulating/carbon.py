r"""Carbon sequestration (固碳) and oxygen release (释氧) from plant production.

Pure functions, broadcast elementwise; canonical units in each docstring.
Evidence tags: **[V]** read in the source, **[D]** derived, **[U]** unverified
(``research/gep_methods.md``).

Sources cited below
-------------------
.. [Jiang2017] 江波, 陈媛媛, 肖洋, 赵娟娟, 欧阳志云 (2017). 白洋淀湿地生态系统
   最终服务价值评估. 生态学报 37(8).
.. [Bo2017] 博文静 et al. (2017). ChinaXiv 201706.00846.
"""

from __future__ import annotations

__all__ = ["co2_from_npp", "o2_from_npp", "co2_from_nep", "nep_from_npp", "o2_from_co2"]

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

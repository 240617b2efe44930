r"""Coastal protection (海岸带防护): the cost of the seawall that coastal ecosystems replace.

Pure functions, broadcast elementwise; canonical units in each docstring.
Evidence tags: **[V]** read in the source, **[D]** derived, **[U]** unverified
(``research/gep_methods.md``).
"""

from __future__ import annotations

__all__ = ["coastal_protection_cost"]


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

"""Coefficient sets: load, extend, check, resolve and diff.

A coefficient set is a folder (DESIGN.md §3.2)::

    my-set/
      manifest.toml      id, title {zh,en}, region, extends, version, checked_on,
                         currency, [sources.<id>] with full citations
      *.csv              long tables, one value per row

Every row of every table carries ``key, ecosystem, region, valid_from, value,
unit, price_year, source, locator, status, note`` (``low, high, distribution``
optional). ``status`` is one of :data:`STATUSES`. A monetary row must have a
``price_year``; every row must name a ``source`` declared in the manifest of its
set (or of a set it extends).

Resolution (:meth:`CoefficientSet.resolve`): the most specific region first
(township → county → prefecture → province → ``*``), then the latest
``valid_from`` not after the account year. Each resolution is returned with the
row it came from, so the account can put it in its provenance table.

Modules: :mod:`.keys` (the declared keys), :mod:`.rows` (columns, checks),
:mod:`.sets` (:class:`CoefficientSet`, resolution, diff), :mod:`.load` (shipped
sets and county folders), :mod:`.deflators` (price index series).
"""

from .deflators import price_index_series
from .keys import KeySpec, coefficient_keys, key_spec
from .load import check_set, load_coefficients, shipped_sets
from .rows import COLUMNS, MANIFEST_KEYS, OPTIONAL_COLUMNS, STATUSES, check_rows
from .sets import CoefficientSet, Resolved, diff_sets, iter_rows

__all__ = [
    "CoefficientSet",
    "Resolved",
    "KeySpec",
    "load_coefficients",
    "shipped_sets",
    "check_set",
    "check_rows",
    "coefficient_keys",
    "key_spec",
    "diff_sets",
    "iter_rows",
    "price_index_series",
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "STATUSES",
    "MANIFEST_KEYS",
]

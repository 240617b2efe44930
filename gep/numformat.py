"""One number format per unit, for everything a person reads (report, workbook, terminal).

A figure is always shown in the same way wherever it appears, whatever its size:

==================  ==========  ======================  ==========================
unit                decimals    example                 used for
==================  ==========  ======================  ==========================
亿元 (10⁸ 元)        2           1,103.64 亿元            GEP, categories, services
万元/km²             1           8,103.1 万元/km²         GEP per unit land area
元/人                0           153,903 元/人            GEP per resident
%                    2           12.52 %                 shares, growth, change
1 (ratio)            2           0.97                    GEP/GDP
km²                  2           1,362.00 km²            land area (given to 0.01 km²)
hm²                  2           4,520.00 hm²            land-use areas
万人                 2           71.71 万人               population
==================  ==========  ======================  ==========================

Physical quantities (t, m³, kWh …) have many units; they are shown with
thousands separators, as whole numbers from 100 up and with three significant
digits below. A missing figure is shown as "—" (:data:`MISSING`), always with
the reason next to it or in a note; never as 0 or as a blank.

The same table gives the Excel number format of each unit
(:func:`excel_format`), so the workbook and the report agree; in the workbook
physical quantities and coefficients keep every digit (Excel's "General").
"""

from __future__ import annotations

import math

__all__ = ["MISSING", "DECIMALS", "ALIASES", "fmt", "fmt_money", "excel_format", "is_missing"]

#: what a missing figure looks like
MISSING = "—"

#: decimals shown for each unit (see the table above)
DECIMALS: dict[str, int] = {
    "亿元": 2,
    "万元/km²": 1,
    "元/人": 0,
    "%": 2,
    "1": 2,
    "km²": 2,
    "hm²": 2,
    "万人": 2,
}

#: other spellings of the units above (e.g. the Two-Mountains table's 平方公里)
ALIASES = {"平方公里": "km²", "km2": "km²", "公顷": "hm²", "hm2": "hm²", "万元/平方公里": "万元/km²", "": "1"}

#: units written without a space before them
_TIGHT = {"1"}


def is_missing(value) -> bool:
    """``None``, NaN and infinities are missing (never shown as numbers)."""
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def _physical(value: float) -> str:
    if abs(value) >= 100 or value == 0:
        return f"{value:,.0f}"
    digits = max(0, 2 - int(math.floor(math.log10(abs(value)))))
    return f"{value:,.{digits}f}"


def fmt(value, unit: str, *, signed: bool = False, with_unit: bool = False) -> str:
    """``value`` (already in ``unit``) as text in the one format of ``unit``.

    Parameters
    ----------
    value : float or None
        The figure, already in ``unit`` (e.g. 亿元, not 元).
    unit : str
        A unit of :data:`DECIMALS`; any other unit is formatted as a physical quantity.
    signed : bool
        Show ``+`` for positive numbers (changes).
    with_unit : bool
        Append the unit (``"1,103.64 亿元"``); the ratio unit ``1`` is never appended.

    Returns
    -------
    str
        ``"—"`` for a missing value.

    Examples
    --------
    >>> fmt(1103.639013, "亿元")
    '1,103.64'
    >>> fmt(8103.0765, "万元/km²", with_unit=True)
    '8,103.1 万元/km²'
    >>> fmt(12.5225, "%", with_unit=True)
    '12.52 %'
    >>> fmt(None, "%")
    '—'
    """
    if is_missing(value):
        return MISSING
    value = float(value)
    unit = ALIASES.get(unit, unit)
    if unit in DECIMALS:
        text = f"{value:{'+' if signed else ''},.{DECIMALS[unit]}f}"
    else:
        text = _physical(value)
        if signed and value > 0:
            text = "+" + text
    if text.lstrip("+-").strip("0.,") == "" and text.startswith("-"):
        text = text[1:]  # no "-0.00"
    if with_unit and unit not in _TIGHT and unit:
        text = f"{text} {unit}"
    return text


def fmt_money(value_yuan, *, signed: bool = False, with_unit: bool = False) -> str:
    """A money figure given in 元, shown in 亿元 with two decimals."""
    return fmt(None if is_missing(value_yuan) else float(value_yuan) / 1e8, "亿元", signed=signed,
               with_unit=with_unit)


def excel_format(unit: str) -> str:
    """The Excel number format of ``unit`` (same decimals as :func:`fmt`)."""
    unit = ALIASES.get(unit, unit)
    if unit in DECIMALS:
        d = DECIMALS[unit]
        return "#,##0" + ("." + "0" * d if d else "")
    return "General"   # physical quantities and coefficients: every digit as stored, for further calculation

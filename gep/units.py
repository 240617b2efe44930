"""The one unit registry of ``gep``.

Every unit string that enters an account -- in a coefficient table, a land-use
table, a config or an xarray ``attrs["units"]`` -- is parsed here. Money is a
dimension of its own (``[currency]``), so an area given in 元 or a price given
in t cannot pass silently.

Units defined on top of pint's defaults
---------------------------------------
=========== ======================= =========================================
canonical   aliases                 definition
=========== ======================= =========================================
yuan        元, CNY, RMB             base unit of ``[currency]``
wan_yuan    万元                     10⁴ 元
yi_yuan     亿元                     10⁸ 元
mu          亩                       10000/15 m² (exactly 1/15 hm²)
hm²         公顷                     pint's hectometre², i.e. the hectare
a           年                       pint's year (annum)
person      人                       a head count (dimensionless count unit)
visit       人次                     one visit (dimensionless count unit)
=========== ======================= =========================================

Chinese magnitude prefixes are accepted in front of any unit when written with
a unit the registry knows: ``万t`` (10⁴ t), ``亿m³`` (10⁸ m³), ``万人次``,
``亿千瓦时`` (千瓦时 = kWh). Unit strings in the standards' own notation parse as
written: ``t/(hm²·a)``, ``元/m³``, ``万元/km²``, ``mm``.
"""

from __future__ import annotations

import math
import os
import re
import threading
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pint

__all__ = ["ureg", "registry", "cf_units", "Quantity", "parse_unit", "conversion_factor", "is_dimension", "DIMENSIONS", "unit_factor",
           "is_money", "get_registry"]

#: gep's units on top of pint's defaults (one ``define`` each, in this order)
DEFINITIONS = (
    "yuan = [currency] = 元 = CNY = RMB",
    "wan_yuan = 10000 * yuan = 万元",
    "yi_yuan = 100000000 * yuan = 亿元",
    "mu = 10000 / 15 * meter ** 2 = 亩",
    "gongqing = hectare = 公顷",
    "pingfanggongli = kilometer ** 2 = 平方公里",
    "person = [] = 人",
    "visit = [] = 人次",
    "qianwashi = kilowatt_hour = 千瓦时 = 度",
    "dun = metric_ton = 吨",
    "gongjin = kilogram = 公斤",
    "lifangmi = meter ** 3 = 立方米",
    "nian = year = 年",
)

_REGISTRY: "pint.UnitRegistry | None" = None
_REGISTRY_LOCK = threading.Lock()


def _cache_folder():
    """Where pint keeps its parsed default definitions (``GEP_PINT_CACHE``; empty turns the cache off).

    pint names each cache file by the content of the definitions file, its own
    version and Python's, so a cache is never stale: a new pint or a changed file
    is parsed again.
    """
    folder = os.environ.get("GEP_PINT_CACHE")
    if folder is not None:
        return folder or None
    import platformdirs  # a dependency of pint

    return platformdirs.user_cache_path("gep", appauthor=False) / "pint"


def _new_registry(cache_folder) -> "pint.UnitRegistry":
    import pint

    reg = pint.UnitRegistry(preprocessors=[], autoconvert_offset_to_baseunit=True, on_redefinition="raise",
                            cache_folder=cache_folder)
    for definition in DEFINITIONS:
        reg.define(definition)
    reg.formatter.default_format = "~P"
    return reg


def get_registry() -> "pint.UnitRegistry":
    """gep's unit registry, built on first use (``import gep`` does not load pint).

    Building pint's registry means parsing its definitions file (about 0.25 s);
    pint's disk cache (:func:`_cache_folder`) makes it about 0.06 s. A cache that
    cannot be read or written (a read-only home, a file half-written by another
    process) is skipped: the registry is then built without it.
    """
    global _REGISTRY
    if _REGISTRY is None:
        with _REGISTRY_LOCK:  # dask threads may parse units at the same time
            if _REGISTRY is None:
                try:
                    reg = _new_registry(_cache_folder())
                except Exception:  # noqa: BLE001 - any cache failure: the same registry, parsed afresh
                    reg = _new_registry(None)
                _REGISTRY = reg
    return _REGISTRY


def __getattr__(name: str):
    """``ureg``, ``registry`` and ``Quantity``: built on first use (PEP 562)."""
    if name in ("ureg", "registry"):
        #: The registry to use explicitly (``gep.units.registry.Quantity(3, "万元")``). ``import gep`` does
        #: not make it pint's application registry: a library must not change global state of the
        #: process it is imported into. To mix gep's quantities with pint-xarray or pickled
        #: quantities in your own code, call ``pint.set_application_registry(gep.units.registry)`` yourself.
        return get_registry()
    if name == "Quantity":
        return get_registry().Quantity
    raise AttributeError(f"module 'gep.units' has no attribute {name!r}")


#: Dimensionalities used in declarations (coefficient keys, service inputs).
DIMENSIONS = {
    "area": "[length] ** 2",
    "money": "[currency]",
    "money_per_area": "[currency] / [length] ** 2",
    "dimensionless": "",
}

_PREFIXES = {"万": "1e4", "亿": "1e8", "千": "1e3", "百": "1e2"}
_SUPERSCRIPTS = {"²": "**2", "³": "**3", "⁻¹": "**-1", "·": "*"}


def _pint():
    """The pint module (imported with the registry, on first use)."""
    import pint

    return pint


def _normalise(text: str) -> str:
    """Rewrite a unit string into a form pint parses.

    Handles the middle dot and superscripts of the standards' notation, and
    Chinese magnitude prefixes (万, 亿) in front of a known unit.
    """
    s = text.strip().replace("（", "(").replace("）", ")")
    if s in ("", "1", "-", "–", "—"):
        return "dimensionless"
    if s == "%":
        return "percent"

    def prefix(match: re.Match) -> str:
        return f"({_PREFIXES[match.group(1)]} * {match.group(2)})"

    # a prefix followed by a unit token that is not itself a defined Chinese
    # unit name (万元, 亿元 are units of their own); the token is bracketed so
    # that 万元/亿m³ reads as 万元 / (1e8 m³).
    s = re.sub(r"(万|亿)(?!元)([^\s*/()·]+)", prefix, s)
    return s


@lru_cache(maxsize=1024)
def parse_unit(text: str) -> pint.Quantity:
    """Parse a unit string into a pint Quantity of magnitude 1 (or the prefix).

    Parameters
    ----------
    text : str
        Unit in the standards' notation, e.g. ``"t/(hm²·a)"``, ``"万元"``,
        ``"亿千瓦时"``.

    Returns
    -------
    pint.Quantity
        ``1 unit`` -- or ``1e4 unit`` for a 万-prefixed unit.

    Raises
    ------
    ValueError
        If the string does not parse; the message repeats the string.
    """
    if not isinstance(text, str):
        if text is None or (isinstance(text, float) and math.isnan(text)):
            raise ValueError("empty unit")
        text = str(text)
    try:
        return get_registry().Quantity(_normalise(text))
    except (_pint().errors.PintError, SyntaxError, TypeError, AttributeError, ValueError, AssertionError) as exc:
        raise ValueError(f"cannot parse unit {text!r}: {exc}") from None


@lru_cache(maxsize=1024)
def conversion_factor(src: str, dst: str) -> float:
    """Multiplier that converts a number in unit ``src`` to unit ``dst`` (kept per pair: a region table of
    2,000 townships asks for "km²" → "km²" 2,000 times).

    Raises
    ------
    pint.DimensionalityError
        If the two units measure different things (e.g. 元 and hm²).
    """
    return float(parse_unit(src).to(parse_unit(dst).units).magnitude / parse_unit(dst).magnitude)


def is_dimension(unit: str, dimensionality: str) -> bool:
    """True when ``unit`` has the given dimensionality (``"[length] ** 2"``, ``""``)."""
    q = parse_unit(unit)
    if dimensionality in ("", "dimensionless"):
        return q.dimensionless
    return q.dimensionality == get_registry().get_dimensionality(dimensionality)


# ---------------------------------------------------------------- statistics spellings
_COUNT_WORDS = ("根", "头", "只", "株", "棵", "羽", "个", "支")
_UNIT_FIXES = (("公斤", "kg"), ("千克", "kg"), ("市斤", "(0.5*kg)"), ("斤", "(0.5*kg)"), ("m3", "m³"),
               ("m2", "m²"), ("kwh", "kWh"), ("KWh", "kWh"), ("KWH", "kWh"))


def _prep_unit(text: str) -> tuple[str, str | None]:
    s = unicodedata.normalize("NFKC", str(text)).strip() if text is not None else ""
    # NFKC turns ³ into 3; restore the superscripts the registry reads.
    s = s.replace("m3", "m³").replace("m2", "m²")
    for a, b in _UNIT_FIXES:
        s = s.replace(a, b)
    words = {w for w in _COUNT_WORDS if w in s}
    if len(words) > 1:
        raise ValueError(f"more than one count word in unit {text!r}")
    word = words.pop() if words else None
    if word:
        s = s.replace(word, "mol")  # stands for "one counted thing"; never shown
    return s, word


@lru_cache(maxsize=512)
def unit_factor(src: str, dst: str) -> float:
    """Multiplier converting a number in ``src`` to ``dst``.

    Like :func:`gep.units.conversion_factor`, plus the spellings of Chinese
    statistics (千克, 斤, m3) and count units (根, 头, 只, 株 …): ``万根`` converts
    to ``根`` and ``元/根``, but never to ``t``.

    Raises
    ------
    ValueError
        If a unit does not parse.
    pint.DimensionalityError
        If the units measure different things.
    """
    s, ws = _prep_unit(src)
    d, wd = _prep_unit(dst)
    if ws != wd:
        raise _pint().DimensionalityError(src, dst)
    return conversion_factor(s, d)


@lru_cache(maxsize=4096)
def is_money(unit: str) -> bool:
    """Whether ``unit`` is an amount of money (元, 万元, 亿元…), in the spellings :func:`unit_factor` reads.

    Kept per unit string: for any other unit the answer is a failed conversion, and
    pint takes about a millisecond to raise it (the registry never changes once built).
    """
    try:
        unit_factor(unit, "元")
        return True
    except (ValueError, _pint().DimensionalityError):
        return False


#: gep's unit strings -> UDUNITS strings (CF conventions, §3.1), for the units accounts hold.
_CF_UNITS = {
    "1": "1", "%": "%",
    # counts have no dimension: CF writes them "1"
    "人次": "1", "visit": "1", "人": "1", "person": "1", "根": "1",
}
#: unit symbols -> UDUNITS symbols (in UDUNITS ``a`` is the are, 100 m²: a year is ``year``)
_CF_BASE = {"hm": "hm", "km": "km", "m": "m", "mm": "mm", "t": "t", "kg": "kg", "g": "g", "a": "year",
            "d": "day", "h": "h", "kWh": "kW h", "MJ": "MJ", "kJ": "kJ", "J": "J"}
_POWERS = {"": 1, "²": 2, "³": 3}


def _cf_factor(token: str, sign: int) -> str | None:
    m = re.fullmatch(r"(.+?)([²³]?)", token.strip())
    base = _CF_BASE.get(m.group(1)) if m else None
    if base is None:
        return None
    power = sign * _POWERS[m.group(2)]
    return base if power == 1 else f"{base}{power}"


@lru_cache(maxsize=4096)
def cf_units(unit: str) -> str | None:
    """The CF ``units`` string (UDUNITS syntax) of a gep unit, or ``None`` when there is none.

    Money (元, 万元 …) has no UDUNITS unit, so it gets ``None``: a CF file then
    carries no ``units`` for it, but ``units_zh`` and ``currency`` (see
    :func:`gep.io.netcdf.result_to_dataset`). Counts (人次, 人) are ``"1"``.

    >>> cf_units("hm²"), cf_units("kWh"), cf_units("t/(hm²·a)"), cf_units("元")
    ('hm2', 'kW h', 't hm-2 year-1', None)
    """
    text = str(unit).strip()
    if text in _CF_UNITS:
        return _CF_UNITS[text]
    try:
        if is_money(text):
            return None
    except Exception:
        return None
    num, _, den = text.partition("/")
    factors = [_cf_factor(t, 1) for t in re.split(r"[·*]", num) if t.strip()]
    factors += [_cf_factor(t, -1) for t in re.split(r"[·*]", den.strip("()")) if t.strip()]
    if not factors or any(f is None for f in factors):
        return None
    return " ".join(factors)

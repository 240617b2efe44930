"""Errors of the screening (all :class:`gep.GepError`, bilingual, with what to do)."""

from __future__ import annotations

from ..errors import GepError

__all__ = ["ScreeningError", "ScreeningDataMissing", "UnknownDivision", "AmbiguousDivision"]


class ScreeningError(GepError):
    """A screening cannot be made as asked."""


class ScreeningDataMissing(ScreeningError):
    """The optional data packages (or ``exactextract``) are not installed."""


class UnknownDivision(ScreeningError):
    """No county matches the code or name; the problem lists the nearest ones."""


class AmbiguousDivision(ScreeningError):
    """Several counties share the name; the problem lists them with codes and parents."""

"""Typed, bilingual errors.

Every problem ``gep`` finds in a user's input is a :class:`Problem`: what is wrong
(in Chinese and English), where (file, row, column), the offending value, and
what to do. A :class:`GepError` carries one or more problems, so
``Account.validate()`` can report all of them at once and the CLI can print
them in both languages.

Rows are reported the way a person sees them in a spreadsheet: row 1 is the
header, the first data row is row 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

__all__ = [
    "Problem",
    "GepError",
    "ConfigError",
    "InputFileError",
    "UnitError",
    "UnknownLandUseCode",
    "InvalidArea",
    "AreaMismatch",
    "UnknownRegion",
    "DuplicateRows",
    "CoefficientError",
    "MissingCoefficient",
    "UnknownService",
    "UnknownMethod",
    "UnknownProduct",
    "RasterError",
    "StatisticsError",
    "DeflatorError",
    "TargetsError",
    "AllocationError",
    "ReportError",
    "MissingDependency",
    "missing_dependency",
    "OutputError",
    "OutputBusy",
    "csv_row",
    "problem",
    "combined_error",
    "error_for",
]


def csv_row(index: int, first_row: int = 2) -> int:
    """Spreadsheet row number of the data row at zero-based position ``index``.

    ``first_row`` is the spreadsheet number of the first data row: 2 when the
    header is the first row; a table read below title rows says where its data
    start in ``frame.attrs["first_row"]`` (see :func:`gep.io.tables.read_csv_checked`).
    """
    return int(index) + int(first_row)


@dataclass(frozen=True)
class Problem:
    """One problem in one place.

    Attributes
    ----------
    code : str
        Stable machine-readable identifier, e.g. ``"unknown_land_use_code"``.
    zh, en : str
        What is wrong, in Chinese and in English.
    file : str, optional
        The file the problem is in.
    row : int, optional
        Spreadsheet row number (header = 1).
    column : str, optional
        Column name.
    value : Any, optional
        The offending value.
    hint_zh, hint_en : str
        What to do about it.
    """

    code: str
    zh: str
    en: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    hint_zh: str = ""
    hint_en: str = ""

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def format(self, lang: str = "both") -> str:
        """Render the problem; ``lang`` is ``"zh"``, ``"en"`` or ``"both"``."""
        where = self.where()
        prefix = f"{where}: " if where else ""
        en = f"{prefix}{self.en}" + (f" -> {self.hint_en}" if self.hint_en else "")
        zh = f"{prefix}{self.zh}" + (f"。{self.hint_zh}" if self.hint_zh else "")
        if lang == "en":
            return en
        if lang == "zh":
            return zh
        return f"{zh}\n    {en}"

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "zh": self.zh,
            "en": self.en,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "hint_zh": self.hint_zh,
            "hint_en": self.hint_en,
        }


class GepError(Exception):
    """Base class of every error ``gep`` raises about user input.

    Parameters
    ----------
    problems : Problem or iterable of Problem
        What went wrong; at least one.
    """

    default_code = "error"

    def __init__(self, problems: Problem | Iterable[Problem]):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("GepError needs at least one problem")
        if not getattr(type(self), "_combined", False):
            for p in self.problems:  # the kind of error a problem was first raised as (see error_for)
                if getattr(p, "_kind", None) is None:
                    object.__setattr__(p, "_kind", type(self))
        super().__init__(self._message())

    def __reduce__(self):
        """Pickled as its class and problems (to and from a dask worker or a second process, with every
        field); an error of several kinds (:func:`combined_error`) as the kinds it combines."""
        if getattr(type(self), "_combined", False):
            return _combined_from_pickle, (type(self).__bases__, self.problems)
        return type(self), (self.problems,)

    def _message(self) -> str:
        if len(self.problems) == 1:
            return self.problems[0].format("both")
        lines = [f"{len(self.problems)} problems / 个问题:"]
        lines += [f"  [{i}] {p.format('both')}" for i, p in enumerate(self.problems, 1)]
        return "\n".join(lines)

    @classmethod
    def single(cls, code: str, zh: str, en: str, **where: Any) -> "GepError":
        """Build an error holding one problem (a convenience for raising)."""
        return cls(Problem(code=code, zh=zh, en=en, **where))

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


class ConfigError(GepError):
    """The account config has an unknown key, a missing key or a bad value."""


class InputFileError(GepError):
    """A file cannot be read: missing, not UTF-8, not CSV, missing columns."""


class UnitError(GepError):
    """A unit does not parse or measures the wrong thing (e.g. area in 元)."""


class UnknownLandUseCode(GepError):
    """Land-use codes that the chosen scheme does not map to an ecosystem type."""


class InvalidArea(GepError):
    """Negative, NaN or empty area."""


class AreaMismatch(GepError):
    """Land-use areas of a region do not add up to the region's stated area."""


class UnknownRegion(GepError):
    """A region in one table is missing from another."""


class DuplicateRows(GepError):
    """The same key appears in more than one row."""


class CoefficientError(GepError):
    """A coefficient set is malformed (missing source or price year, bad unit…)."""


class MissingCoefficient(GepError):
    """No coefficient row resolves for a key / ecosystem / region / year."""


class UnknownService(GepError):
    """A service id that is not in the registry."""


class UnknownMethod(GepError):
    """A method name that the service does not have."""


class UnknownProduct(GepError):
    """A statistics item that the product catalogue cannot map."""


class RasterError(GepError):
    """Rasters that are misaligned, lack nodata, or have a CRS we cannot measure."""


class StatisticsError(GepError):
    """A statistics table is inconsistent (totals vs parts, no price, …)."""


class DeflatorError(GepError):
    """A price index year needed for rebasing is missing."""


_COMBINED: dict[tuple[type, ...], type] = {}


def combined_error(classes: Iterable[type]) -> type:
    """An error class that is a subclass of each of ``classes`` (one class: that class).

    ``validate()`` and ``run()`` report the problems of every stage at once; the
    error they raise is an instance of the class of each kind of problem it
    holds, so ``except MissingCoefficient`` still catches it when other kinds
    are present (``err.codes`` lists them all).
    """
    classes = tuple(dict.fromkeys(c for c in classes if c is not GepError)) or (GepError,)
    if len(classes) == 1:
        return classes[0]
    if classes not in _COMBINED:
        _COMBINED[classes] = type("GepProblems", classes, {
            "__doc__": "Problems of several kinds; an instance of each kind's class.", "__module__": __name__,
            "_combined": True})
    return _COMBINED[classes]


def _combined_from_pickle(classes: tuple[type, ...], problems: list[Problem]) -> GepError:
    return combined_error(classes)(problems)


def error_for(problems: Iterable[Problem], by_code: dict[str, type] | None = None) -> GepError:
    """Wrap problems in the error class of each kind they were raised as (or their code's class)."""
    problems = list(problems)
    kinds = []
    for p in problems:
        k = getattr(p, "_kind", None)
        if k is None or k is GepError:  # raised without a kind of its own: the kind its code names
            k = (by_code or {}).get(p.code) or GepError
        if k not in kinds:
            kinds.append(k)
    return combined_error(kinds)(problems)


class TargetsError(GepError):
    """A targets table, or a target the account cannot be appraised against (gep.decisions)."""


class AllocationError(GepError):
    """A budget allocation that would be meaningless (gep.decisions): negative weights, a budget in
    the wrong unit, a floor the budget cannot pay…"""


class OutputError(GepError):
    """The output folder cannot be used: a file, not writable, holding inputs or other files."""


class OutputBusy(OutputError):
    """Another run is writing into the same output folder (see ``docs/safety.md``)."""


def problem(code: str, zh: str, en: str, **where: Any) -> Problem:
    """Shorthand constructor used across the package."""
    return Problem(code=code, zh=zh, en=en, **where)


class ReportError(GepError):
    """A report cannot be written (output folder incomplete, no browser for the PDF)."""


class MissingDependency(GepError):
    """An optional dependency (an extra such as ``gep-accounting[report]`` or ``gep-accounting[maps]``) is not installed."""


def missing_dependency(package: str, extra: str, purpose_zh: str, purpose_en: str) -> MissingDependency:
    """The bilingual error for a missing optional package, naming the extra that brings it."""
    return MissingDependency(problem(
        "missing_dependency", f"{purpose_zh}需要可选依赖 {package}，尚未安装",
        f"{purpose_en} needs the optional package {package}, which is not installed", value=package,
        hint_zh=f"安装：pip install \"gep-accounting[{extra}]\"", hint_en=f"install it: pip install \"gep-accounting[{extra}]\""))


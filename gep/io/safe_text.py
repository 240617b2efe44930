"""Text from the inputs, made safe for spreadsheets (formula injection).

A township named ``=HYPERLINK("http://…?"&A1,"百官")`` in a region table would
become a live formula in every cell of ``accounts.xlsx`` that shows the name;
Excel and LibreOffice evaluate a cell (or a CSV field) that starts with ``=``,
``+``, ``-`` or ``@``, and a leading tab or carriage return hides such a start.
Following the OWASP guidance on CSV injection, every *text* cell that starts
with one of these characters is written with a leading apostrophe ``'`` and
stored as text; numbers are never touched (``-3.2`` the number stays a number).

Every writer of a spreadsheet or CSV in :mod:`gep.io` passes its text cells
through :func:`neutralise`; :func:`write_csv` is the CSV writer to use.

A workbook cannot hold every character: XML 1.0, which an ``.xlsx`` file is made
of, forbids the control characters U+0000–U+0008, U+000B, U+000C and
U+000E–U+001F (:data:`UNSTORABLE`). They come with text pasted from other
programs (a vertical tab from a word processor, a form feed from a PDF). Every
table gep reads is checked for them (:func:`gep.io.tables.read_rows`: the file,
row and column are named), and a workbook writer that meets one anyway raises an
error naming the sheet and cell (:func:`gep.io.excel.write_tables`), never a
half-written file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["FORMULA_START", "UNSTORABLE", "neutralise", "neutralise_frame", "shown_with_controls", "write_csv"]

#: the characters no workbook can hold: XML 1.0 forbids these control characters (tab, line feed and carriage
#: return are allowed); the rule openpyxl applies
UNSTORABLE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def shown_with_controls(text: str, n: int = 60) -> str:
    r"""``text`` (its first ``n`` characters) quoted, every control character written as an escape, for a message.

    >>> print(shown_with_controls("Bai\x0bguan"))
    'Bai\x0bguan'
    """
    return repr(text[:n] + ("…" if len(text) > n else ""))

#: first characters that make a spreadsheet treat text as a formula (or hide such a start)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text starting like a formula; anything else unchanged.

    >>> neutralise('=HYPERLINK("http://x")'), neutralise("-12"), neutralise(-12.0), neutralise("百官")
    ('\\'=HYPERLINK("http://x")', "'-12", -12.0, '百官')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised (numbers untouched)."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) if not isinstance(c, (int, float)) else c for c in out.columns]
    for col in out.columns[[dt == object or pd.api.types.is_string_dtype(dt) for dt in out.dtypes]]:
        out[col] = out[col].map(neutralise).astype(object)
    if not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(neutralise)
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, **kwargs) -> Path:
    """Write ``frame`` as UTF-8 CSV (with BOM, so Excel reads the Chinese) after :func:`neutralise_frame`.

    Every text field is quoted (a carriage return inside a name stays inside
    its field); numbers are not.
    """
    import csv

    path = Path(path)
    kwargs.setdefault("encoding", "utf-8-sig")
    kwargs.setdefault("quoting", csv.QUOTE_NONNUMERIC)
    neutralise_frame(frame).to_csv(path, **kwargs)
    return path

"""Standalone workbooks of the decisions (``appraisal.xlsx``, ``allocation.xlsx``, ``green_gold.xlsx``).

Written with the same sheet layout as ``accounts.xlsx`` (notes on top, a
bold bilingual header row, numbers as numbers, the header frozen).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["write_workbook"]


def write_workbook(path: str | Path, sheets: dict[str, tuple[pd.DataFrame, list[str]]]) -> Path:
    """Write ``{title: (frame, notes)}`` as one workbook (:func:`gep.io.excel.write_tables`); returns the path."""
    from ..io.excel import write_tables

    return write_tables(path, sheets)

"""Reading user tables strictly: UTF-8, real CSV (or Excel), the columns we need.

Chinese Windows machines often save CSV in GBK; pandas would then either fail
with a cryptic traceback or, worse, read mojibake. :func:`read_csv_checked`
decodes as UTF-8 (a BOM is accepted), and a file that is not UTF-8 or not a
table raises :class:`~gep.errors.InputFileError` naming the file and what to do.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from ..errors import InputFileError, problem

__all__ = ["read_table", "read_csv_checked", "sha256_file", "normalise_name"]


def sha256_file(path: str | Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _decode(path: Path) -> str:
    if not path.is_file():
        raise InputFileError(problem(
            "file_not_found", f"找不到文件 {path}", f"file not found: {path}", file=str(path),
            hint_zh="检查配置中的路径（相对路径以配置文件所在目录为准）",
            hint_en="check the path in the config (relative paths are resolved against the config file)"))
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(problem(
            "not_utf8", f"文件不是 UTF-8 编码（第 {line} 行附近，字节位置 {exc.start}）",
            f"file is not UTF-8 (near line {line}, byte {exc.start})", file=str(path), row=line,
            hint_zh="用 Excel“另存为 CSV UTF-8（逗号分隔）”或在编辑器中转换为 UTF-8",
            hint_en="save it as 'CSV UTF-8 (comma delimited)' in Excel, or convert it to UTF-8")) from None


def read_csv_checked(
    path: str | Path,
    *,
    required: Sequence[str] = (),
    optional: Sequence[str] | None = None,
    dtype=None,
) -> pd.DataFrame:
    """Read a UTF-8 CSV and check its columns.

    Parameters
    ----------
    path : path-like
    required : sequence of str
        Columns that must be present.
    optional : sequence of str, optional
        If given, any column not in ``required`` or ``optional`` is an error
        (so a misspelt column is not silently ignored).
    dtype : optional
        Passed to :func:`pandas.read_csv`.

    Raises
    ------
    InputFileError
        Missing file, not UTF-8, not a CSV table, missing or unknown columns.
    """
    path = Path(path)
    text = _decode(path)
    if "\x00" in text[:4096] or not text.strip():
        raise InputFileError(problem(
            "not_csv", "文件为空或不是文本 CSV 表格", "file is empty or not a text CSV table", file=str(path),
            hint_zh="提供逗号分隔、首行为列名的 CSV 文件", hint_en="give a comma-separated file whose first row names the columns"))
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=dtype, skipinitialspace=True, keep_default_na=True)
    except (pd.errors.ParserError, csv.Error, pd.errors.EmptyDataError) as exc:
        raise InputFileError(problem(
            "not_csv", f"无法按 CSV 解析：{exc}", f"does not parse as CSV: {exc}", file=str(path),
            hint_zh="检查分隔符（应为逗号）与引号", hint_en="check the delimiter (comma) and quoting")) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputFileError(problem(
            "missing_columns", f"缺少列：{', '.join(missing)}（现有列：{', '.join(frame.columns)}）",
            f"missing columns: {', '.join(missing)} (columns present: {', '.join(frame.columns)})",
            file=str(path), row=1, value=missing,
            hint_zh=f"首行应包含：{', '.join(required)}", hint_en=f"the header row must contain: {', '.join(required)}"))
    if optional is not None:
        allowed = set(required) | set(optional)
        extra = [c for c in frame.columns if c not in allowed]
        if extra:
            raise InputFileError(problem(
                "unknown_columns", f"未知列：{', '.join(extra)}", f"unknown columns: {', '.join(extra)}",
                file=str(path), row=1, value=extra,
                hint_zh=f"允许的列：{', '.join(sorted(allowed))}", hint_en=f"allowed columns: {', '.join(sorted(allowed))}"))
    return frame


def read_table(path: str | Path, *, sheet: str | int | None = None, **kwargs) -> pd.DataFrame:
    """Read a CSV or an Excel sheet (first sheet unless ``sheet`` names one).

    Excel files are read with openpyxl; columns are checked as in
    :func:`read_csv_checked`.
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if not path.is_file():
            _decode(path)  # raises the not-found error
        try:
            frame = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, engine="openpyxl",
                                  dtype=kwargs.get("dtype"))
        except ValueError as exc:
            raise InputFileError(problem(
                "bad_sheet", f"无法读取工作表 {sheet!r}：{exc}", f"cannot read sheet {sheet!r}: {exc}",
                file=str(path))) from None
        frame.columns = [str(c).strip() for c in frame.columns]
        required = kwargs.get("required", ())
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise InputFileError(problem(
                "missing_columns", f"缺少列：{', '.join(missing)}", f"missing columns: {', '.join(missing)}",
                file=f"{path}[{sheet if sheet is not None else 0}]", row=1, value=missing))
        return frame
    return read_csv_checked(path, **kwargs)


def normalise_name(text: Any) -> str:
    """Normalise an item or header name for matching: NFKC, lower case, no spaces, no 其中/内 prefix or list marks."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = re.sub(r"^(其中|内)[:：]?", "", s)
    s = s.lstrip("#*△▲-·")
    return re.sub(r"[\s_\u3000]+", "", s)

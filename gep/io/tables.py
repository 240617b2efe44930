"""Reading user tables as offices write them: CSV in UTF-8 or GBK/GB18030, Excel sheets with titles.

One reader for every table a user gives (regions, land use, economy, statistics,
coefficient rows, Two-Mountains table…), so the promises about files are kept
in one place:

* **Encoding.** A CSV is decoded as UTF-8 (a BOM is accepted); when that fails
  it is decoded as GB18030, the superset of the GBK that Chinese Excel writes
  as "CSV". The encoding used is recorded (``frame.attrs["encoding"]``,
  :func:`text_encoding`), and a GB18030 reading whose non-ASCII characters are
  not mostly Chinese is refused rather than read as mojibake
  (``unknown_encoding``).
* **Excel.** ``.xlsx``/``.xlsm`` files are read with openpyxl; a path may name
  a sheet as ``"file.xlsx#sheet"``. Merged cells are filled with the value of
  their top-left cell, so a header merged over two rows or a title merged
  across the sheet reads as a person sees it.
* **Header row.** Title and note rows above the header (``2021年各乡镇主要农产品
  产量``, ``单位：吨``) are skipped: the header is the first row that names the
  required columns (or the row ``header_row`` says, counted as in the
  spreadsheet, first row = 1). Rows keep their spreadsheet numbers in messages
  (``frame.attrs["first_row"]``, read by :func:`gep.errors.csv_row`).
* **Bilingual headers.** A header cell written as a Chinese label, a line break
  and the column name (``"地区编号\\nid"``, as the templates of ``gep init``
  write them) is read as the column name.
* **Templates.** A table with a header and no rows is a table still to fill
  (``table_to_fill``); a row whose ``status`` is ``示例``/``example`` is an
  example row to delete (``example_row``).

Every failure is an :class:`~gep.errors.InputFileError` naming the file and
what to do.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd

from ..errors import InputFileError, problem

__all__ = ["read_table", "read_csv_checked", "sha256_file", "normalise_name", "split_sheet", "read_rows",
           "text_encoding", "decode_text", "find_header_row", "EXAMPLE_STATUS", "ENCODINGS"]

#: Encodings tried in order for a text table. GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8", "gb18030")

#: ``status`` cells that mark an example row of a template (to delete before the account is run).
EXAMPLE_STATUS = {"示例", "example", "示例example", "示例/example", "示例(example)"}

#: How many rows from the top are searched for the header row.
HEADER_SEARCH_ROWS = 30

_EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def sha256_file(path: str | Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def split_sheet(path: str | Path) -> tuple[Path, str | None]:
    """``"book.xlsx#sheet"`` -> ``(Path("book.xlsx"), "sheet")``; any other path -> ``(path, None)``."""
    text = str(path)
    head, sep, sheet = text.rpartition("#")
    if sep and head.lower().endswith(_EXCEL_SUFFIXES) and sheet:
        return Path(head), sheet
    return Path(text), None


def _not_found(path: Path) -> InputFileError:
    return InputFileError(problem(
        "file_not_found", f"找不到文件 {path}", f"file not found: {path}", file=str(path),
        hint_zh="检查配置中的路径（相对路径以配置文件所在目录为准）",
        hint_en="check the path in the config (relative paths are resolved against the config file)"))


def _mostly_chinese(text: str) -> bool:
    """Whether the non-ASCII characters of ``text`` are CJK characters, CJK punctuation or full-width forms."""
    others = [ch for ch in text if ord(ch) > 127]
    if not others:
        return True
    def ok(ch):
        o = ord(ch)
        return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF
                or 0x2000 <= o <= 0x206F or ch in "²³°±×÷·—–‰℃¥￥μ")
    return sum(map(ok, others)) >= 0.95 * len(others)


def decode_text(raw: bytes, file: str = "") -> tuple[str, str]:
    """Decode the bytes of a text table: ``(text, encoding)``.

    UTF-8 first (a BOM is accepted), then GB18030 (which contains GBK). A
    GB18030 reading whose non-ASCII characters are not Chinese is refused, so a
    file in another encoding is never read as mojibake.

    Raises
    ------
    InputFileError
        ``unknown_encoding``: neither UTF-8 nor plausible GB18030/GBK Chinese.
    """
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first_error = exc
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text[:4096] and _mostly_chinese(text):
        return text, "gb18030"
    line = raw[: first_error.start].count(b"\n") + 1
    raise InputFileError(problem(
        "unknown_encoding",
        f"无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030 中文（第 {line} 行附近，字节位置 {first_error.start}）",
        f"unknown text encoding: neither UTF-8 nor GBK/GB18030 Chinese (near line {line}, byte {first_error.start})",
        file=file, row=line,
        hint_zh="用 Excel“另存为 CSV UTF-8（逗号分隔）”，或在编辑器中转换为 UTF-8",
        hint_en="save it as 'CSV UTF-8 (comma delimited)' in Excel, or convert it to UTF-8"))


def text_encoding(path: str | Path) -> str | None:
    """The encoding a text table is read in (``"utf-8"`` or ``"gb18030"``); ``None`` for Excel or unreadable files."""
    path, _ = split_sheet(path)
    if not path.is_file() or path.suffix.lower() in _EXCEL_SUFFIXES:
        return None
    try:
        return decode_text(path.read_bytes(), str(path))[1]
    except InputFileError:
        return None


def _decode(path: Path) -> tuple[str, str]:
    if not path.is_file():
        raise _not_found(path)
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputFileError(problem(
            "not_csv", "文件不是文本 CSV 表格（含二进制内容）", "file is not a text CSV table (binary content)",
            file=str(path), hint_zh="提供逗号分隔、首行为列名的 CSV 文件，或 .xlsx 工作簿",
            hint_en="give a comma-separated file whose first row names the columns, or an .xlsx workbook"))
    return decode_text(raw, str(path))


def _cell_str(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _excel_rows(path: Path, sheet: str | int | None) -> tuple[list[list[Any]], str]:
    """The cells of one sheet, merged ranges filled with their top-left value; ``(rows, sheet name)``."""
    import openpyxl

    if not path.is_file():
        raise _not_found(path)
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # not a workbook (zip error, bad XML …)
        raise InputFileError(problem(
            "not_excel", f"无法作为 Excel 工作簿读取：{exc}", f"cannot be read as an Excel workbook: {exc}",
            file=str(path), hint_zh="另存为 .xlsx 工作簿，或导出为 CSV", hint_en="save it as an .xlsx workbook, or export it as CSV")
        ) from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int):
            ws = wb.worksheets[sheet]
        else:
            ws = wb[sheet]
    except (KeyError, IndexError):
        raise InputFileError(problem(
            "bad_sheet", f"工作簿中没有工作表 {sheet!r}（现有：{', '.join(wb.sheetnames)}）",
            f"the workbook has no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})", file=str(path), value=sheet,
            hint_zh="检查工作表名称", hint_en="check the sheet name")) from None
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(rows) else None
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            for c in range(rng.min_col - 1, rng.max_col):
                if c < len(rows[r]):
                    rows[r][c] = top
    title = ws.title
    wb.close()
    return rows, title


def read_rows(path: str | Path, sheet: str | int | None = None) -> tuple[list[list[Any]], dict]:
    """Every row of a CSV or of an Excel sheet as a list of cells, and where they came from.

    Returns
    -------
    rows : list of list
        CSV cells as text; Excel cells as openpyxl gives them (numbers stay numbers).
    info : dict
        ``file`` (how messages name it: ``path`` or ``path[sheet]``), ``encoding``
        (``"utf-8"``, ``"gb18030"`` or ``None`` for Excel), ``excel`` (bool),
        ``merged_rows`` (Excel: rows, 0-based, touched by a horizontally merged range).
    """
    p, spec_sheet = split_sheet(path)
    sheet = sheet if sheet is not None else spec_sheet
    if p.suffix.lower() in _EXCEL_SUFFIXES:
        rows, title = _excel_rows(p, sheet)
        return rows, {"file": f"{p}[{title}]", "encoding": None, "excel": True}
    text, enc = _decode(p)
    if "\x00" in text[:4096] or not text.strip():
        raise InputFileError(problem(
            "not_csv", "文件为空或不是文本 CSV 表格", "file is empty or not a text CSV table", file=str(p),
            hint_zh="提供逗号分隔、首行为列名的 CSV 文件", hint_en="give a comma-separated file whose first row names the columns"))
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputFileError(problem(
            "not_csv", f"无法按 CSV 解析：{exc}", f"does not parse as CSV: {exc}", file=str(p),
            hint_zh="检查分隔符（应为逗号）与引号", hint_en="check the delimiter (comma) and quoting")) from None
    return rows, {"file": str(p), "encoding": enc, "excel": False, "text": text}


def header_name(cell: Any) -> str:
    """The column name of a header cell: ``"地区编号\\nid"`` -> ``"id"`` (bilingual template headers), else the text."""
    s = _cell_str(cell)
    if "\n" in s:
        last = s.splitlines()[-1].strip()
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", last):
            return last
    return s


def find_header_row(rows: Sequence[Sequence[Any]], accept: Callable[[list[str]], bool],
                    header_row: int | None = None, file: str = "") -> int:
    """Zero-based index of the header row.

    ``header_row`` (spreadsheet numbering, first row = 1) wins when given;
    otherwise the first of the top :data:`HEADER_SEARCH_ROWS` rows whose cells
    ``accept`` takes as a header; row 0 when none does (so a missing column is
    reported against the first row, as a person expects).
    """
    if header_row is not None:
        if not isinstance(header_row, int) or isinstance(header_row, bool) or not 1 <= header_row <= max(len(rows), 1):
            raise InputFileError(problem(
                "bad_header_row", f"header_row = {header_row!r} 不在表格行范围内（1–{len(rows)}）",
                f"header_row = {header_row!r} is not a row of the table (1–{len(rows)})", file=file, value=header_row,
                hint_zh="填写表头所在的行号（第一行为 1）", hint_en="give the row number of the header (first row = 1)"))
        return header_row - 1
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if accept([header_name(c) for c in row]):
            return i
    return 0


def _to_fill(file: str, header_row: int) -> InputFileError:
    return InputFileError(problem(
        "table_to_fill", "表格只有表头，尚未填写数据", "the table has a header and no rows yet: fill it in",
        file=file, row=header_row + 1,
        hint_zh="按表头逐行填写（说明见 gep init 生成的 输入模板.xlsx 的“说明”工作表）",
        hint_en="fill in one row per record under the header (see the instructions sheet of the workbook "
                "gep init writes)"))


def _example_rows(frame: pd.DataFrame, file: str, first_row: int) -> list:
    if "status" not in frame.columns:
        return []
    out = []
    for i, v in enumerate(frame["status"].tolist()):
        if normalise_name(v) in EXAMPLE_STATUS:
            out.append(problem(
                "example_row", "这是模板中的示例行，请删除", "this is an example row of the template: delete it",
                file=file, row=first_row + i, column="status", value=_cell_str(v),
                hint_zh="删除全部 status 为“示例”的行，再填写本县数据",
                hint_en="delete every row whose status is 'example', then enter the county's own rows"))
    return out


def read_csv_checked(
    path: str | Path,
    *,
    required: Sequence[str] = (),
    optional: Sequence[str] | None = None,
    dtype=None,
    header_row: int | None = None,
    sheet: str | int | None = None,
    allow_empty: bool = False,
) -> pd.DataFrame:
    """Read a table (CSV in UTF-8 or GBK, or an Excel sheet) and check its columns.

    Parameters
    ----------
    path : path-like
        A CSV file, an ``.xlsx`` workbook (first sheet), or ``"book.xlsx#sheet"``.
    required : sequence of str
        Columns that must be present; the header row is the first row naming them all.
    optional : sequence of str, optional
        If given, any column not in ``required`` or ``optional`` is an error
        (so a misspelt column is not silently ignored).
    dtype : optional
        Passed to :func:`pandas.read_csv` (``str`` keeps codes such as ``0101`` as written).
    header_row : int, optional
        Spreadsheet row number of the header (first row = 1); detected when not given.
    sheet : str or int, optional
        Excel sheet (overrides a ``#sheet`` in the path).
    allow_empty : bool
        Accept a header without rows (a coefficient table that overrides nothing);
        by default it is a template still to fill (``table_to_fill``).

    Returns
    -------
    pandas.DataFrame
        With ``attrs["encoding"]`` (``"utf-8"``, ``"gb18030"`` or ``None`` for
        Excel) and ``attrs["first_row"]`` (spreadsheet number of the first data row).

    Raises
    ------
    InputFileError
        Missing file, unknown encoding, not a CSV table or workbook, missing or
        unknown columns, a table with no rows (``table_to_fill``), example rows
        of a template left in (``example_row``).
    """
    rows, info = read_rows(path, sheet)
    file = info["file"]
    need = set(required)
    h = find_header_row(rows, lambda cells: bool(need) and need <= set(cells), header_row, file)
    if info["excel"]:
        body = [r for r in rows[h + 1:]]
        header = [header_name(c) for c in rows[h]] if rows else []
        keep = [j for j, name in enumerate(header) if name]
        data = [[r[j] if j < len(r) else None for j in keep] for r in body]
        # drop trailing empty rows (a sheet's formatting often reaches further than its data)
        while data and all(_cell_str(c) == "" for c in data[-1]):
            data.pop()
        frame = pd.DataFrame(data, columns=[header[j] for j in keep])
        if dtype is str:
            frame = frame.map(lambda c: None if _cell_str(c) == "" else _cell_str(c))
        elif dtype is not None:
            frame = frame.astype(dtype)
    else:
        text = info["text"]
        if h:
            text = "\n".join(text.splitlines()[h:]) + "\n"
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=dtype, skipinitialspace=True, keep_default_na=True)
        except (pd.errors.ParserError, csv.Error, pd.errors.EmptyDataError) as exc:
            raise InputFileError(problem(
                "not_csv", f"无法按 CSV 解析：{exc}", f"does not parse as CSV: {exc}", file=file,
                hint_zh="检查分隔符（应为逗号）与引号", hint_en="check the delimiter (comma) and quoting")) from None
        frame.columns = [header_name(c) for c in frame.columns]
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputFileError(problem(
            "missing_columns", f"缺少列：{', '.join(missing)}（现有列：{', '.join(frame.columns)}）",
            f"missing columns: {', '.join(missing)} (columns present: {', '.join(frame.columns)})",
            file=file, row=h + 1, value=missing,
            hint_zh=f"表头应包含：{', '.join(required)}", hint_en=f"the header row must contain: {', '.join(required)}"))
    if optional is not None:
        allowed = set(required) | set(optional)
        extra = [c for c in frame.columns if c not in allowed]
        if extra:
            raise InputFileError(problem(
                "unknown_columns", f"未知列：{', '.join(extra)}", f"unknown columns: {', '.join(extra)}",
                file=file, row=h + 1, value=extra,
                hint_zh=f"允许的列：{', '.join(sorted(allowed))}", hint_en=f"allowed columns: {', '.join(sorted(allowed))}"))
    if frame.empty and not allow_empty:
        raise _to_fill(file, h)
    examples = _example_rows(frame, file, h + 2)
    if examples:
        raise InputFileError(examples)
    frame.attrs["encoding"] = info["encoding"]
    frame.attrs["first_row"] = h + 2
    frame.attrs["file"] = file
    return frame


def read_table(path: str | Path, *, sheet: str | int | None = None, **kwargs) -> pd.DataFrame:
    """Read a CSV or an Excel sheet (first sheet unless ``sheet`` names one); see :func:`read_csv_checked`."""
    return read_csv_checked(path, sheet=sheet, **kwargs)


def normalise_name(text: Any) -> str:
    """Normalise an item or header name for matching: NFKC, lower case, no spaces, no 其中/内 prefix or list marks."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = re.sub(r"^(其中|内)[:：]?", "", s)
    s = s.lstrip("#*△▲-·")
    return re.sub(r"[\s_\u3000]+", "", s)

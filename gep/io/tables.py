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

* **Caps.** A file above ``[limits] max_file_mb`` (a workbook: uncompressed),
  a table above ``max_table_rows`` rows or a workbook above
  ``max_workbook_sheets`` sheets is refused before it is parsed
  (:mod:`gep.io.limits`); workbooks are read in openpyxl's read-only
  (streaming) mode, formulas as their cached values, no external links.
* **Messages** quote the cells that are wrong, never a file's content at
  large: a header without the columns needed is not printed back (a wrong
  path's first line could be anything).

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

from ..errors import InputFileError, Problem, problem
from . import limits
from .safe_text import UNSTORABLE, shown_with_controls

__all__ = ["frame_records", "read_table", "read_csv_checked", "sha256_file", "normalise_name", "split_sheet", "read_rows",
           "text_encoding", "decode_text", "find_header_row", "check_workbook", "missing_columns_problem",
           "EXAMPLE_STATUS", "ENCODINGS"]

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
        _check_size(path)
        return decode_text(path.read_bytes(), str(path))[1]
    except InputFileError:
        return None


def _check_size(path: Path) -> None:
    """A file above ``[limits] max_file_mb`` is refused before it is read."""
    lim = limits.current()
    size = path.stat().st_size
    if size > lim.max_file_bytes:
        raise InputFileError(problem(
            "file_too_large", f"文件过大：{size / 1e6:,.1f} MB，上限 {lim.max_file_mb:g} MB",
            f"file too large: {size / 1e6:,.1f} MB, the limit is {lim.max_file_mb:g} MB", file=str(path),
            hint_zh="确认这是正确的文件；确需读取时在配置 [limits] 中提高 max_file_mb",
            hint_en="check it is the right file; if it is, raise max_file_mb in the config's [limits]"))


def _too_many_rows(path, n_rows: int) -> InputFileError:
    lim = limits.current()
    return InputFileError(problem(
        "too_many_rows", f"表格行数超过上限 {lim.max_table_rows:,}（至少 {n_rows:,} 行）",
        f"the table has more than {lim.max_table_rows:,} rows (at least {n_rows:,})", file=str(path),
        hint_zh="确认这是正确的文件；确需读取时在配置 [limits] 中提高 max_table_rows",
        hint_en="check it is the right file; if it is, raise max_table_rows in the config's [limits]"))


def _short(text, n: int = 40) -> str:
    """A cell as quoted in a message: at most ``n`` characters."""
    s = str(text)
    return s if len(s) <= n else s[: n - 1] + "…"


def missing_columns_problem(missing: Sequence[str], present: Sequence[Any], *, file: str,
                            required: Sequence[str] = ()) -> Problem:
    """The problem of a header without the columns a table needs.

    The header found is not quoted: a file that is not the table at all (a
    wrong path) would have its first line printed. Only a present column that
    is close to a missing one is named, as a suggestion.
    """
    import difflib

    present = [str(c) for c in present]
    close = {}
    for m in missing:
        for alt in m.split("|"):
            hit = difflib.get_close_matches(alt, present, n=1, cutoff=0.75)
            if hit:
                close[m] = hit[0]
                break
    guess_zh = "".join(f"；{_short(c)!r} 是否应为 {m!r}？" for m, c in close.items())
    guess_en = "".join(f"; is {_short(c)!r} meant to be {m!r}?" for m, c in close.items())
    need = ", ".join(required or missing)
    return problem(
        "missing_columns", f"缺少列：{', '.join(missing)}（首行共 {len(present)} 列）{guess_zh}",
        f"missing columns: {', '.join(missing)} (the header row has {len(present)} column(s)){guess_en}",
        file=file, row=1, value=list(missing),
        hint_zh=f"首行应包含：{need}；确认文件是逗号分隔的表格", hint_en=f"the header row must contain: {need}; "
                                                               "check the file is a comma-separated table")


def _decode(path: Path) -> tuple[str, str]:
    if not path.is_file():
        raise _not_found(path)
    _check_size(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(problem(
            "unreadable_file", f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}",
            file=str(path), hint_zh="检查文件权限", hint_en="check the file's permissions")) from None
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


def check_workbook(path: str | Path) -> list[str]:
    """Check a workbook against the caps before it is parsed; returns its sheet names.

    The file is a zip: its uncompressed size is checked first (a small file
    that expands to gigabytes is refused), then the number of sheets and the
    rows of each, reading in openpyxl's read-only (streaming) mode.

    Raises
    ------
    InputFileError
        Not a workbook, above ``[limits] max_file_mb`` uncompressed, more than
        ``max_workbook_sheets`` sheets, or a sheet of more than ``max_table_rows`` rows.
    """
    import zipfile

    path = Path(path)
    lim = limits.current()
    _check_size(path)
    try:
        with zipfile.ZipFile(path) as zf:
            expanded = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputFileError(problem(
            "not_excel", "文件不是有效的 Excel 工作簿（.xlsx）", "the file is not a valid Excel workbook (.xlsx)",
            file=str(path), hint_zh="用 Excel 重新另存为 .xlsx，或另存为 CSV UTF-8",
            hint_en="save it again as .xlsx from Excel, or as CSV UTF-8")) from None
    if expanded > lim.max_file_bytes:
        raise InputFileError(problem(
            "file_too_large", f"工作簿解压后过大：{expanded / 1e6:,.1f} MB，上限 {lim.max_file_mb:g} MB",
            f"the workbook expands to {expanded / 1e6:,.1f} MB, the limit is {lim.max_file_mb:g} MB", file=str(path),
            hint_zh="确认这是正确的文件；确需读取时在配置 [limits] 中提高 max_file_mb",
            hint_en="check it is the right file; if it is, raise max_file_mb in the config's [limits]"))
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputFileError(problem(
            "not_excel", f"无法打开工作簿（{type(exc).__name__}）", f"cannot open the workbook ({type(exc).__name__})",
            file=str(path), hint_zh="用 Excel 重新另存为 .xlsx，或另存为 CSV UTF-8",
            hint_en="save it again as .xlsx from Excel, or as CSV UTF-8")) from None
    try:
        names = list(wb.sheetnames)
        if len(names) > lim.max_workbook_sheets:
            raise InputFileError(problem(
                "too_many_sheets", f"工作簿有 {len(names)} 个工作表，上限 {lim.max_workbook_sheets}",
                f"the workbook has {len(names)} sheets, the limit is {lim.max_workbook_sheets}", file=str(path),
                hint_zh="只保留需要的工作表，或在配置 [limits] 中提高 max_workbook_sheets",
                hint_en="keep the sheets that are needed, or raise max_workbook_sheets in the config's [limits]"))
        for name in names:
            ws = wb[name]
            declared = ws.max_row if isinstance(getattr(ws, "max_row", None), int) else None
            if declared is not None and declared - 1 <= lim.max_table_rows:
                continue
            for n, _ in enumerate(ws.iter_rows(values_only=True)):  # no (or a huge) declared size: count
                if n > lim.max_table_rows:
                    raise _too_many_rows(f"{path}[{name}]", n)
    except InputFileError:
        raise
    except Exception as exc:
        raise InputFileError(problem(
            "not_excel", f"无法读取工作簿（{type(exc).__name__}）", f"cannot read the workbook ({type(exc).__name__})",
            file=str(path), hint_zh="用 Excel 重新另存为 .xlsx，或另存为 CSV UTF-8",
            hint_en="save it again as .xlsx from Excel, or as CSV UTF-8")) from None
    finally:
        wb.close()
    return names


def _merged_ranges(ws) -> list[tuple[int, int, int, int]]:
    """``(min_col, min_row, max_col, max_row)`` of every merged range of a read-only worksheet.

    openpyxl's read-only (streaming) worksheets do not parse merged cells; the
    ``<mergeCell ref="A1:C1"/>`` elements are read from the sheet's XML as it streams by.
    """
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    out = []
    with ws._get_source() as src:
        for _, el in iterparse(src):
            if el.tag.endswith("}mergeCell") and el.get("ref"):
                out.append(range_boundaries(el.get("ref")))
            el.clear()
    return out


def _excel_rows(path: Path, sheet: str | int | None) -> tuple[list[list[Any]], str]:
    """The cells of one sheet, merged ranges filled with their top-left value; ``(rows, sheet name)``.

    The workbook is checked against the caps first (:func:`check_workbook`) and
    read in read-only mode (formulas as their cached values, no external links).
    """
    import openpyxl

    if not path.is_file():
        raise _not_found(path)
    names = check_workbook(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # not a workbook (zip error, bad XML …)
        raise InputFileError(problem(
            "not_excel", f"无法作为 Excel 工作簿读取（{type(exc).__name__}）",
            f"cannot be read as an Excel workbook ({type(exc).__name__})",
            file=str(path), hint_zh="另存为 .xlsx 工作簿，或导出为 CSV", hint_en="save it as an .xlsx workbook, or export it as CSV")
        ) from None
    try:
        try:
            if sheet is None:
                ws = wb.worksheets[0]
            elif isinstance(sheet, int):
                ws = wb.worksheets[sheet]
            else:
                ws = wb[sheet]
        except (KeyError, IndexError):
            shown = ", ".join(_short(n, 31) for n in names[:20])
            raise InputFileError(problem(
                "bad_sheet", f"工作簿中没有工作表 {_short(sheet)!r}（现有：{shown}）",
                f"the workbook has no sheet {_short(sheet)!r} (sheets: {shown})", file=str(path), value=_short(sheet),
                hint_zh="检查工作表名称", hint_en="check the sheet name")) from None
        try:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            merged = _merged_ranges(ws)
        except Exception as exc:  # a damaged sheet
            raise InputFileError(problem(
                "not_excel", f"无法读取工作表（{type(exc).__name__}）", f"cannot read the sheet ({type(exc).__name__})",
                file=f"{path}[{ws.title}]", hint_zh="另存为 .xlsx 工作簿，或导出为 CSV",
                hint_en="save it as an .xlsx workbook, or export it as CSV")) from None
        title = ws.title
    finally:
        wb.close()
    for min_col, min_row, max_col, max_row in merged:
        if min_row - 1 >= len(rows):
            continue
        top = rows[min_row - 1][min_col - 1] if min_col - 1 < len(rows[min_row - 1]) else None
        for r in range(min_row - 1, min(max_row, len(rows))):
            if len(rows[r]) < max_col:  # a streamed row stops at its last cell
                rows[r] += [None] * (max_col - len(rows[r]))
            for c in range(min_col - 1, max_col):
                rows[r][c] = top
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
        _refuse_unstorable(rows, f"{p}[{title}]")
        return rows, {"file": f"{p}[{title}]", "encoding": None, "excel": True}
    text, enc = _decode(p)
    if "\x00" in text[:4096] or not text.strip():
        raise InputFileError(problem(
            "not_csv", "文件为空或不是文本 CSV 表格", "file is empty or not a text CSV table", file=str(p),
            hint_zh="提供逗号分隔、首行为列名的 CSV 文件", hint_en="give a comma-separated file whose first row names the columns"))
    cap = limits.current().max_table_rows
    try:
        rows = []
        for row in csv.reader(io.StringIO(text)):
            rows.append(row)
            if len(rows) > cap + HEADER_SEARCH_ROWS:  # the header may sit below a few title rows
                raise _too_many_rows(p, len(rows))
    except csv.Error as exc:
        raise InputFileError(problem(
            "not_csv", f"无法按 CSV 解析：{exc}", f"does not parse as CSV: {exc}", file=str(p),
            hint_zh="检查分隔符（应为逗号）与引号", hint_en="check the delimiter (comma) and quoting")) from None
    if UNSTORABLE.search(text):  # one pass over the text; the cells only when there is one
        _refuse_unstorable(rows, str(p))
    return rows, {"file": str(p), "encoding": enc, "excel": False, "text": text}


#: cells named one by one in an ``unstorable_text`` error, before "and N more"
MAX_CELLS_SHOWN = 20


def _refuse_unstorable(rows: Sequence[Sequence[Any]], file: str) -> None:
    """Raise one problem per text cell holding a control character no workbook can hold (:data:`UNSTORABLE`).

    Such a character (a vertical tab, a form feed … pasted from another program) would stop the workbook of
    the run at the end, after every account was computed; here the file, row (as the spreadsheet numbers it)
    and column (its letter) are named before anything is computed. Nothing is removed silently.
    """
    from openpyxl.utils import get_column_letter

    found = [(i, j, cell, m.group()) for i, row in enumerate(rows) for j, cell in enumerate(row)
             if isinstance(cell, str) and (m := UNSTORABLE.search(cell))]
    if not found:
        return
    problems = []
    for i, j, cell, ch in found[:MAX_CELLS_SHOWN]:
        col, code, text = get_column_letter(j + 1), f"U+{ord(ch):04X}", shown_with_controls(cell)
        problems.append(problem(
            "unstorable_text", f"文字含有控制字符 {code}，工作簿无法保存：{text}",
            f"the text holds the control character {code}, which no workbook can hold: {text}",
            file=file, row=i + 1, column=col, value=text,
            hint_zh="删除该字符（它常随从其他程序粘贴的文字而来），再运行", hint_en="delete the character (it often "
            "comes with text pasted from another program) and run again"))
    if len(found) > MAX_CELLS_SHOWN:
        more = len(found) - MAX_CELLS_SHOWN
        problems.append(problem("unstorable_text", f"另有 {more} 个单元格含有控制字符",
                                f"{more} more cells hold control characters", file=file, value=more))
    raise InputFileError(problems)


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
            frame = pd.read_csv(io.StringIO(text), dtype=dtype, skipinitialspace=True, keep_default_na=True,
                                nrows=limits.current().max_table_rows + 1)
        except (pd.errors.ParserError, csv.Error, pd.errors.EmptyDataError, ValueError) as exc:
            raise InputFileError(problem(
                "not_csv", f"无法按 CSV 解析：{exc}", f"does not parse as CSV: {exc}", file=file,
                hint_zh="检查分隔符（应为逗号）与引号", hint_en="check the delimiter (comma) and quoting")) from None
        frame.columns = [header_name(c) for c in frame.columns]
    if len(frame) > limits.current().max_table_rows:
        raise _too_many_rows(file, len(frame))
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        from dataclasses import replace

        raise InputFileError(replace(missing_columns_problem(missing, frame.columns, file=file, required=required),
                                     row=h + 1))
    if optional is not None:
        allowed = set(required) | set(optional)
        extra = [c for c in frame.columns if c not in allowed]
        if extra:
            shown = ", ".join(repr(_short(c)) for c in extra[:10]) + (" …" if len(extra) > 10 else "")
            raise InputFileError(problem(
                "unknown_columns", f"未知列：{shown}", f"unknown columns: {shown}",
                file=file, row=h + 1, value=[_short(c) for c in extra[:10]],
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


def frame_records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as dicts, each value exactly as ``frame.iterrows()`` gives it (an element of
    ``frame.values``), without building a Series per row (about 30 µs a row)."""
    columns = list(frame.columns)
    return [dict(zip(columns, row)) for row in frame.values]

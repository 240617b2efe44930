"""``gep init``: a new county's folder, ready to fill; ``gep example --copy``: a clean copy of the example county.

:func:`init_county` writes, from what the profile needs (:func:`gep.account.needs.profile_needs`):

* ``gep.toml`` -- the account config (profile, region code, year, inputs);
* one CSV template per input table (the header, no rows): ``regions.csv``,
  ``land_use.csv``, ``statistics.csv``, ``economy.csv`` and, not yet in the
  config, ``two_mountains.csv``;
* ``输入模板-inputs.xlsx`` -- the same tables as one workbook for people who
  fill tables in Excel: an instructions sheet (说明), bilingual headers
  (Chinese label, unit, column name), example rows marked ``示例`` to delete,
  land-use codes formatted as text (so ``0101`` keeps its zero);
* ``coefficients/`` -- a county coefficient set that ``extends`` the profile's
  set, with one row per coefficient the county must supply: key, ecosystem
  type, region, year and unit written, ``value``, ``source`` and ``status``
  (and ``price_year`` for money) left empty;
* ``README.md`` -- the steps, in Chinese and English.

``gep validate gep.toml`` on the fresh folder lists exactly what is left to
fill: the account's name (``config_to_fill``), each empty table
(``table_to_fill``) and each empty coefficient row (``coefficient_to_fill``).
"""

from __future__ import annotations

import datetime as _dt
import shutil
from pathlib import Path

import pandas as pd

from .account.needs import TABLES, ProfileNeeds, profile_needs
from .classifications import ecosystem_types
from .errors import ConfigError, problem
from .examples import example_dir
from .standards import load_profile

__all__ = ["init_county", "copy_example", "WORKBOOK", "COUNTY_SET_FILE", "COLUMN_LABELS"]

#: Name of the workbook ``gep init`` writes.
WORKBOOK = "输入模板-inputs.xlsx"
#: The county coefficient rows to fill.
COUNTY_SET_FILE = "county.csv"

#: column -> (Chinese label, English label, units or values accepted)
COLUMN_LABELS: dict[str, tuple[str, str, str]] = {
    "id": ("地区编号", "region id", "字母数字，如 baiguan"),
    "parent": ("上级地区编号", "parent region id", "县一行留空"),
    "level": ("层级", "level", "county / township"),
    "name_zh": ("中文名称", "name in Chinese", ""),
    "name_en": ("英文名称", "name in English", ""),
    "code": ("代码", "code", "文本格式，保留前导零"),
    "area": ("面积", "area", "数字"),
    "area_unit": ("面积单位", "area unit", "km²、hm²、公顷、亩"),
    "population": ("人口", "population", "数字"),
    "population_unit": ("人口单位", "population unit", "人、万人"),
    "gdp": ("地区生产总值", "GDP", "数字"),
    "gdp_unit": ("生产总值单位", "GDP unit", "元、万元、亿元"),
    "status": ("数据状态", "status", "official / estimated / illustrative …"),
    "source": ("来源", "source", "文件、年鉴表号或部门"),
    "note": ("备注", "note", ""),
    "region": ("地区编号", "region id", "与地区表 id 一致"),
    "unit": ("单位", "unit", "hm²、吨、万m³ …"),
    "item": ("项目", "item", "产品目录中的名称或别名"),
    "quantity": ("产量", "quantity", "数字"),
    "price": ("单价", "price", "数字"),
    "price_unit": ("价格单位", "price unit", "元/吨 …"),
    "output_value": ("产值", "output value", "数字"),
    "value_unit": ("产值单位", "value unit", "元、万元、亿元"),
    "year": ("年份", "year", "四位数"),
    "indicator": ("指标", "indicator id", "gdp、population、coastline_length …"),
    "value": ("数值", "value", "数字"),
    "label_zh": ("中文名称", "label in Chinese", ""),
    "label_en": ("英文名称", "label in English", ""),
}

_STATUS_HELP = [
    ("official", "官方统计或监测数据", "official statistics or monitoring"),
    ("literature", "公开文献", "published literature"),
    ("local_survey", "本地调查", "local survey"),
    ("estimated", "估算（说明方法）", "estimated (say how)"),
    ("unverified", "未核实", "not verified"),
    ("illustrative", "示意值，不可用于正式核算", "illustrative, never for an official account"),
]


def _config(needs: ProfileNeeds, year: int, name_zh: str, name_en: str, scheme: str, coef_set: str) -> str:
    prof = load_profile(needs.profile)
    tables = {t.input for t in needs.tables}
    lines = [
        "# 县级 GEP 核算配置 / county GEP account config — written by `gep init`",
        "# 填写顺序见 README.md；`gep validate gep.toml` 列出尚未填写的内容。",
        "# Fill in the order of README.md; `gep validate gep.toml` lists what is left to fill.",
        "",
        "[account]",
        f'name = {{ zh = "{name_zh}", en = "{name_en}" }}',
        f"year = {year}",
        f'region_code = "{needs.region_code}"',
        f'profile = "{needs.profile}"              # {prof["title"]["zh"]}',
        f'coefficients = "coefficients"      # 本县系数集，继承 {coef_set} / the county set, extends {coef_set}',
        'prices = "current"',
        "",
        "[inputs]",
        'regions = "regions.csv"',
    ]
    if "land_use" in tables:
        lines += ['land_use = "land_use.csv"', f'scheme = "{scheme}"']
    if "statistics" in tables:
        lines.append('statistics = "statistics.csv"')
    if "economy" in tables:
        lines.append('economy = "economy.csv"')
    if "physical" in tables:
        lines.append('physical = "physical.csv"')
    lines += [
        '# two_mountains = "two_mountains.csv"   # “两山”基地的表1（如有）/ a Two-Mountains plan table, if any',
        f'# 用 Excel 填写时改为工作表 / to read the workbook instead: regions = "{WORKBOOK}#regions"',
        "",
    ]
    lines += [
        "[services]",
        "# 不核算的服务写 false（产出恰为零的服务会报错）/ a service the county does not account: false",
        "# (a service that yields exactly zero is an error), e.g. an inland county:",
        "# coastal_protection = false",
        "",
    ]
    if "statistics" in tables:
        lines += [
            "[statistics]",
            'method = "gross"                  # 总产值 gross output value; "net" 净产值',
            '# catalogue = "products_extra.csv"  # 本县产品目录补充 / the county\'s own products and aliases',
            "# header_row = 3                    # 表头所在行（默认自动识别）/ header row (detected by default)",
            "",
            "[cultural]",
            'method = "revenue"                # 旅游收入法 tourism revenue × eco_share',
            "# eco_share = 1.0                  # 生态旅游占比，默认 1.0 / share of tourism owed to ecosystems",
            '# eco_share_source = ""',
            "",
        ]
    return "\n".join(lines)


def _county_rows(needs: ProfileNeeds, year: int) -> pd.DataFrame:
    types = ecosystem_types()
    rows = []
    for c in needs.to_supply:
        eco = f"{types[c.ecosystem].zh} " if c.ecosystem in types else ""
        rows.append({
            "key": c.key, "ecosystem": c.ecosystem, "region": needs.region_code, "valid_from": year, "value": "",
            "unit": c.spec.unit, "price_year": "", "source": "", "locator": "", "status": "",
            "note": f"待填 to fill: {eco}{c.spec.zh} / {c.spec.en} (for {', '.join(c.services)})",
            "valid_to": "", "price_basis": "",
        })
    # valid_to and price_basis: a fee or tax rate (排污费, 环境保护税) is "administered": the nominal rate in force
    return pd.DataFrame(rows, columns=["key", "ecosystem", "region", "valid_from", "value", "unit", "price_year",
                                       "source", "locator", "status", "note", "valid_to", "price_basis"])


def _manifest(needs: ProfileNeeds, year: int, name_zh: str) -> str:
    who = name_zh or needs.region_code
    return "\n".join([
        f'id = "county-{needs.region_code}"',
        f'title = {{ zh = "{who}核算参数", en = "County parameters ({needs.region_code})" }}',
        'description = """',
        f"本县的区域参数与单位面积速率，继承 {needs.coefficient_set}。{COUNTY_SET_FILE} 中每一行都要填写数值、来源和状态。",
        f"The county's regional factors and per-area rates, on top of {needs.coefficient_set}. Every row of",
        f"{COUNTY_SET_FILE} needs its value, source and status.",
        '"""',
        f'region = "{needs.region_code}"',
        f'extends = "{needs.coefficient_set}"',
        f'version = "{year}.1"',
        'currency = "CNY"',
        "",
        "# 每个来源一节，行的 source 列写其 id / one section per source; a row's source names its id:",
        "# [sources.county-monitoring]",
        '# citation = "某县气象局. 2024 年气候公报. / County Meteorological Bureau, climate bulletin 2024."',
        "",
    ])


def _example_rows(name: str) -> list[dict]:
    """Two rows of the example county's table, marked 示例 (to delete)."""
    src = example_dir() / f"{name}.csv"
    if not src.is_file():
        return []
    frame = pd.read_csv(src, dtype=str, keep_default_na=False).head(2)
    if "status" not in frame:
        return []
    frame["status"] = "示例"
    return frame.to_dict("records")


def _columns(name: str) -> list[str]:
    t = TABLES[name]
    if name == "statistics":
        return ["region", "item", "quantity", "unit", "price", "price_unit", "output_value", "value_unit",
                "status", "source"]
    if name == "land_use":
        return ["region", "code", "name_zh", "area", "unit", "status", "source"]
    return list(t.required) + [c for c in t.optional if c not in t.required]


def _workbook(path: Path, needs: ProfileNeeds, names: list[str]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    info = wb.active
    info.title = "说明"
    bold = Font(bold=True)
    lines = [
        ("GEP 核算输入模板 / GEP account input templates", ""),
        (f"核算方案 profile: {needs.profile}；地区代码 region code: {needs.region_code}；年份 year: {needs.year}", ""),
        ("", ""),
        ("步骤 / steps", ""),
        ("1. 每个工作表一张输入表，第一行为表头：中文名称、单位、列名（列名不要改动）。",
         "1. One sheet per input table; row 1 is the header: Chinese label, unit, column name (keep the column name)."),
        ("2. 删除 数据状态 为“示例”的示例行，再填写本县数据（示例行不会被计入，但会报错）。",
         "2. Delete the example rows (status 示例), then enter the county's rows (example rows left in are errors)."),
        ("3. 在 gep.toml 的 [inputs] 中指向本工作簿的工作表，如 regions = \"输入模板-inputs.xlsx#regions\"；"
         "或把各表另存为同名 CSV（UTF-8 或 GBK 均可）。",
         "3. Point [inputs] in gep.toml at the sheets (regions = \"输入模板-inputs.xlsx#regions\"), or save each "
         "sheet as the CSV of the same name (UTF-8 or GBK)."),
        ("4. 在 coefficients/county.csv 中填写每个系数的数值、来源与状态（来源在 coefficients/manifest.toml 中声明）。",
         "4. Fill value, source and status of each row of coefficients/county.csv (declare sources in manifest.toml)."),
        ("5. 运行 gep validate gep.toml，直到没有问题；再运行 gep run gep.toml --out 输出目录。",
         "5. Run gep validate gep.toml until it finds nothing; then gep run gep.toml --out OUTPUT."),
        ("", ""),
        ("数据状态 status", ""),
        *[(f"{s}：{zh}", en) for s, zh, en in _STATUS_HELP],
        ("", ""),
        ("工作表 / sheets", ""),
        *[(f"{n}：{TABLES[n].label['zh']}", TABLES[n].label["en"]) for n in names],
    ]
    for zh, en in lines:
        info.append([zh, en])
    for row in (1, 4, 11, 11 + len(_STATUS_HELP) + 2):
        info.cell(row=row, column=1).font = bold
    info.column_dimensions["A"].width = 90
    info.column_dimensions["B"].width = 90

    head_fill = PatternFill("solid", fgColor="DDEBD9")
    example_font = Font(italic=True, color="888888")
    for name in names:
        ws = wb.create_sheet(name)
        cols = _columns(name)
        headers = []
        for c in cols:
            zh, en, units = COLUMN_LABELS.get(c, (c, c, ""))
            headers.append("\n".join(x for x in (zh, f"({units})" if units else "", c) if x))
        ws.append(headers)
        for j, c in enumerate(cols, start=1):
            cell = ws.cell(row=1, column=j)
            cell.font, cell.fill = bold, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[cell.column_letter].width = 18
            if c == "code":  # keep leading zeros (0101): the column is text
                ws.column_dimensions[cell.column_letter].number_format = "@"
        ws.row_dimensions[1].height = 60
        for rec in _example_rows(name):
            ws.append([rec.get(c, "") for c in cols])
            for j, c in enumerate(cols, start=1):
                ws.cell(row=ws.max_row, column=j).font = example_font
                if c == "code":
                    ws.cell(row=ws.max_row, column=j).number_format = "@"
        ws.freeze_panes = "A2"
    wb.save(path)


def _readme(needs: ProfileNeeds, names: list[str]) -> str:
    n = len(needs.to_supply)
    return "\n".join([
        f"# 县级 GEP 核算文件夹 / a county's GEP account folder ({needs.region_code}, {needs.year})",
        "",
        f"由 `gep init` 按核算方案 `{needs.profile}` 写出 / written by `gep init` for the profile `{needs.profile}`.",
        "",
        "| 文件 file | 填写什么 what to fill |",
        "|---|---|",
        "| `gep.toml` | 核算名称 `name`（中、英文）/ the account's name |",
        *[f"| `{t}.csv` | {TABLES[t].label['zh']} / {TABLES[t].label['en']} |" for t in names],
        f"| `{WORKBOOK}` | 同样的表格（Excel，双语表头、单位、示例行）/ the same tables as one workbook |",
        f"| `coefficients/{COUNTY_SET_FILE}` | {n} 个本县系数：数值、来源、状态 / {n} county coefficients: value, source, status |",
        "| `coefficients/manifest.toml` | 来源 `[sources.<id>]` / the sources the rows cite |",
        "",
        "```bash",
        "gep validate gep.toml          # 列出尚未填写的内容 / lists what is left to fill",
        "gep run gep.toml --out out     # 填完后核算 / the account, once everything is filled",
        "```",
        "",
        "本县没有的生态系统类型（如冰川），删除 county.csv 中对应的行。",
        "Delete the rows of county.csv for ecosystem types the county does not have (glacier, …).",
        "",
    ])


def init_county(folder: str | Path, profile: str, region_code: str, *, year: int | None = None,
                name_zh: str = "", name_en: str = "", scheme: str = "gbt21010-2017") -> dict[str, Path]:
    """Write a new county's account folder (see the module docstring); returns what was written.

    Parameters
    ----------
    folder : path-like
        A new or empty folder (an existing file is never overwritten).
    profile : str
        Profile id (``gep/standards``), e.g. ``"rcees-gep"``.
    region_code : str
        The county's GB/T 2260 code (six digits), e.g. ``"330604"``.
    year : int, optional
        Accounting year; last year by default.
    name_zh, name_en : str
        The account's name; left empty (to fill) when not given.
    scheme : str
        Land-use scheme of the land-use table.

    Raises
    ------
    ConfigError
        The folder is not empty, the region code is not six digits, an unknown profile.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigError(problem(
            "folder_not_empty", f"{folder} 已存在且不是空文件夹：gep init 不覆盖已有文件",
            f"{folder} exists and is not an empty folder: gep init never overwrites files", file=str(folder),
            hint_zh="给出一个新的文件夹名", hint_en="give a new folder name"))
    code = str(region_code).strip()
    if not (len(code) == 6 and code.isdigit()):
        raise ConfigError(problem(
            "bad_region_code", f"地区代码应为 6 位 GB/T 2260 行政区划代码：{region_code!r}",
            f"the region code must be a six-digit GB/T 2260 code: {region_code!r}", value=region_code,
            hint_zh="如 330604（上虞区）", hint_en="e.g. 330604 (Shangyu District)"))
    year = int(year) if year is not None else _dt.date.today().year - 1
    needs = profile_needs(profile, region_code=code, year=year)
    names = [t.input for t in needs.tables if t.input in ("regions", "land_use", "statistics", "economy", "physical")]
    names.append("two_mountains")

    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}

    def write(rel: str, text: str) -> None:
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        written[rel] = p

    write("gep.toml", _config(needs, year, name_zh, name_en, scheme, needs.coefficient_set))
    for name in names:
        write(f"{name}.csv", ",".join(_columns(name)) + "\n")
    _workbook(folder / WORKBOOK, needs, names)
    written[WORKBOOK] = folder / WORKBOOK
    write("coefficients/manifest.toml", _manifest(needs, year, name_zh))
    rows = _county_rows(needs, year)
    if len(rows):  # nothing to supply (value transfer): the set holds only what the county chooses to override
        write(f"coefficients/{COUNTY_SET_FILE}", rows.to_csv(index=False, lineterminator="\n"))
    write("README.md", _readme(needs, names))
    return written


def copy_example(dest: str | Path) -> dict:
    """A clean copy of the example county (no caches, no generator scripts); returns what it holds.

    Returns
    -------
    dict
        ``files`` (list of paths) and ``illustrative`` / ``rows``: how many rows
        of the example's coefficient set are illustrative or unverified, of all
        its own rows -- to be replaced before any real account.
    """
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ConfigError(problem(
            "folder_not_empty", f"{dest} 已存在且不是空文件夹", f"{dest} exists and is not an empty folder",
            file=str(dest), hint_zh="给出一个新的文件夹名", hint_en="give a new folder name"))
    shutil.copytree(example_dir(), dest, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "make_*.py", "__init__.py"))
    rows = pd.read_csv(dest / "coefficients" / "example.csv", dtype=str, keep_default_na=False)
    not_real = int(rows["status"].isin(["illustrative", "unverified"]).sum())
    return {"files": sorted(p for p in dest.rglob("*") if p.is_file()), "illustrative": not_real, "rows": len(rows)}

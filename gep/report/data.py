"""What a report shows, gathered from an :class:`~gep.AccountResult` or from a run's output folder.

:class:`ReportData` is the one input of the charts and the HTML page. It is
built either

* from a result in memory (:meth:`ReportData.from_result`), or
* from the folder ``gep run`` wrote (:meth:`ReportData.from_folder`):
  ``summary.json`` (figures, indicators, the year-on-year section and any
  optional sections), ``accounts.nc`` (value by service × region),
  ``regions.geojson`` (township polygons, when the account had them) and the
  workbook's Two-Mountains, coefficient and source sheets.

Sections other helpers add to ``summary.json`` are read when present and
left out otherwise — never filled with a made-up figure:

``uncertainty``
    percentiles of GEP, categories, services, regions and indicators;
``method_variants``
    GEP or a service's value under each named method variant;
``quality``
    share of GEP (and of each service) by data status
    (official, literature, …, unverified, illustrative).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ReportError, problem

__all__ = ["ReportData", "CATEGORY_LABELS", "EFFECT_LABELS"]

#: category → (中文, English)
CATEGORY_LABELS = {
    "provisioning": ("物质产品", "Provisioning"),
    "regulating": ("调节服务", "Regulating"),
    "cultural": ("文化服务", "Cultural"),
    "supporting": ("支持服务", "Supporting"),
}

#: year-on-year effect → (中文, English)
EFFECT_LABELS = {
    "area": ("面积与结构", "area and structure"),
    "intensity": ("单位面积功能量", "intensity"),
    "quantity": ("实物量", "quantity"),
    "price": ("价格", "price"),
}

#: workbook sheets the folder reader takes tables from (gep.io.excel.report_tables)
SHEET_TWO_MOUNTAINS = "两山指标 Two-Mountains"
SHEET_COEFFICIENTS = "系数 Coefficients used"
SHEET_SOURCES = "来源 Sources"
SHEET_SERVICES = "分项 By service"


@dataclass
class ReportData:
    """Everything the report draws, in plain Python and pandas (money in 元)."""

    summary: dict
    #: value by region × service in 元 (rows: region ids, columns: service ids)
    region_service: pd.DataFrame
    #: region id → {"zh", "en"}
    region_names: dict[str, dict]
    #: region id → land area in km²
    region_area_km2: dict[str, float]
    #: service id → category
    service_category: dict[str, str]
    #: GeoJSON FeatureCollection of the leaf regions (``properties.region``), or None
    boundaries: dict | None = None
    #: the Two-Mountains table (one row per indicator), or None
    two_mountains: pd.DataFrame | None = None
    #: coefficient resolutions (key, value, unit, price_year, source, status …), or None
    coefficients_used: pd.DataFrame | None = None
    #: source id → citation
    sources: dict[str, str] = field(default_factory=dict)
    #: service id → valuation method (zh, en), when known
    valuation: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: why a section is empty: section → (中文, English)
    reasons: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: the earlier years' summaries (year → summary.json), when the run has years
    years: dict[int, dict] = field(default_factory=dict)

    # ------------------------------------------------------------ builders
    @classmethod
    def from_result(cls, res) -> "ReportData":
        """Gather a report's data from an :class:`~gep.AccountResult`."""
        summary = res.summary()
        value = res.value.transpose("region", "service").to_pandas()
        names = {str(r): {"zh": str(res.regions.at[r, "name_zh"]), "en": str(res.regions.at[r, "name_en"])}
                 for r in value.index}
        areas = {str(r): float(res.regions.at[r, "area_km2"]) for r in value.index}
        cats = {str(s): str(res.services.at[s, "category"]) for s in value.columns}
        data = cls(summary=summary, region_service=value, region_names=names, region_area_km2=areas,
                   service_category=cats, boundaries=res.extra.get("boundaries"))
        tm = res.extra.get("two_mountains")
        if tm is not None:
            data.two_mountains = tm.reset_index(drop=True)
        prov = res.provenance
        if prov is not None and len(prov):
            data.coefficients_used = _coefficient_rows(prov)
        data.sources = {str(k): (v.get("citation") or v.get("title") or "") if isinstance(v, dict) else str(v)
                        for k, v in (res.coefficients.get("sources") or {}).items()}
        if "valuation_zh" in res.services:
            data.valuation = {str(s): (str(res.services.at[s, "valuation_zh"]), str(res.services.at[s, "valuation_en"]))
                              for s in res.services.index}
        data._fill_reasons(config=res.config)
        return data

    @classmethod
    def from_folder(cls, folder: str | Path) -> "ReportData":
        """Gather a report's data from the output folder of ``gep run``."""
        folder = Path(folder)
        summary = _read_summary(folder / "summary.json")
        nc = folder / "accounts.nc"
        if not nc.is_file():
            raise ReportError(problem("report_input_missing", f"输出目录中没有 accounts.nc：{folder}",
                                      f"the output folder has no accounts.nc: {folder}", file=str(nc),
                                      hint_zh="用 gep run CONFIG --out 目录 重新写出", hint_en="write it again with gep run CONFIG --out FOLDER"))
        from ..io.netcdf import load_netcdf

        ds = load_netcdf(nc)
        value = ds["value"].transpose("region", "service").to_pandas()
        value.index = [str(r) for r in value.index]
        value.columns = [str(s) for s in value.columns]
        names = {r: {"zh": v["name"]["zh"], "en": v["name"]["en"]} for r, v in summary["by_region"].items()}
        areas = {r: v.get("land_area_km2") for r, v in summary["by_region"].items()}
        cats = {s: v["category"] for s, v in summary["by_service"].items()}
        boundaries = None
        geo = folder / "regions.geojson"
        if geo.is_file():
            boundaries = json.loads(geo.read_text(encoding="utf-8"))
        data = cls(summary=summary, region_service=value, region_names=names, region_area_km2=areas,
                   service_category=cats, boundaries=boundaries)
        if boundaries is None and _run_had_boundaries(folder / "run.toml"):
            data.reasons["maps"] = ("输出目录中没有 regions.geojson，但本次核算给出了乡镇边界：用 gep run 重新写出该目录",
                                    "the output folder has no regions.geojson, though the account had township "
                                    "boundaries: write the folder again with gep run")
        xlsx = folder / "accounts.xlsx"
        if xlsx.is_file():
            sheets = _read_sheets(xlsx, [SHEET_TWO_MOUNTAINS, SHEET_COEFFICIENTS, SHEET_SOURCES])
            tm = sheets.get(SHEET_TWO_MOUNTAINS)
            if tm is not None:
                data.two_mountains = _two_mountains_from_sheet(tm)
            co = sheets.get(SHEET_COEFFICIENTS)
            if co is not None:
                data.coefficients_used = _coefficients_from_sheet(co)
            so = sheets.get(SHEET_SOURCES)
            if so is not None and len(so.columns) >= 2:
                data.sources = {str(a): str(b) for a, b in zip(so.iloc[:, 0], so.iloc[:, 1]) if pd.notna(a)}
        else:  # what the report reads from the workbook is missing for that reason, not for want of an input
            missing = ("输出目录中没有 accounts.xlsx（报告从中读取两山指标表、所用系数与来源）：用 gep run 重新写出（--formats 含 xlsx）",
                       "the output folder has no accounts.xlsx (the report reads the Two-Mountains table, the "
                       "coefficients used and the sources from it): write it again with gep run (--formats with xlsx)")
            data.reasons["workbook"] = missing
            data.reasons["two_mountains"] = missing
        for sub in sorted((folder / "years").glob("*/summary.json")) if (folder / "years").is_dir() else []:
            try:
                data.years[int(sub.parent.name)] = _read_summary(sub)
            except (ValueError, ReportError):
                continue
        data._fill_reasons(config=None)
        return data

    # ------------------------------------------------------------ figures
    @property
    def measure(self) -> str:
        """``"GEP"``, or ``"ESV"`` for a value-transfer account that counts supporting services (not GEP)."""
        return "ESV" if self.summary.get("measure") == "ESV" else "GEP"

    @property
    def measure_label(self) -> tuple[str, str]:
        return (("生态系统生产总值", "Gross ecosystem product") if self.measure == "GEP" else
                ("生态系统服务价值", "Ecosystem service value (not GEP)"))

    @property
    def gep(self) -> float:
        """The account's total in 元 (GEP, or ESV for an ESV account)."""
        return float(self.summary["esv" if self.measure == "ESV" else "gep"])

    @property
    def year(self) -> int:
        return int(self.summary["year"])

    @property
    def name(self) -> dict:
        return dict(self.summary.get("name") or {"zh": "", "en": ""})

    def indicator(self, ind_id: str) -> dict | None:
        return (self.summary.get("indicators") or {}).get(ind_id)

    def region_table(self) -> pd.DataFrame:
        """One row per leaf region: names, area, GEP (元), GEP per km² (万元/km²) and value by category (元)."""
        rows = []
        for rid in self.region_service.index:
            row = {"region": rid, "name_zh": self.region_names[rid]["zh"], "name_en": self.region_names[rid]["en"],
                   "area_km2": self.region_area_km2.get(rid), "gep": float(self.region_service.loc[rid].sum())}
            for cat in CATEGORY_LABELS:
                cols = [s for s in self.region_service.columns if self.service_category.get(s) == cat]
                if cols:
                    row[cat] = float(self.region_service.loc[rid, cols].sum())
            area = row["area_km2"]
            row["gep_per_km2"] = row["gep"] / 1e4 / area if area else None
            rows.append(row)
        return pd.DataFrame(rows).set_index("region")

    def optional(self, key: str) -> Any:
        """An optional section of ``summary.json`` (``uncertainty``, ``method_variants``, ``quality``), or None."""
        val = self.summary.get(key)
        return val if val else None

    # ------------------------------------------------------------ reasons
    def _fill_reasons(self, config: dict | None) -> None:
        r = self.reasons
        if self.boundaries is None:
            r.setdefault("maps", ("本次核算没有乡镇边界（配置中未给出 boundaries 或矢量 zones），无法绘制地图",
                                  "the account has no township boundaries ([inputs] boundaries or vector [rasters] "
                                  "zones), so no map is drawn"))
        if self.two_mountains is None:
            r.setdefault("two_mountains", ("配置中没有“两山”指标表（[inputs] two_mountains）",
                                           "the config gives no Two-Mountains table ([inputs] two_mountains)"))
        if not self.summary.get("year_on_year"):
            r.setdefault("year_on_year", ("本次运行只核算了一年（多年核算见 gep run --years）",
                                          "the run accounts one year only (several years: gep run --years)"))
        for key, zh, en in (("uncertainty", "本次运行没有进行不确定性分析", "the run has no uncertainty analysis"),
                            ("method_variants", "本次运行没有进行方法变体对比", "the run compares no method variants"),
                            ("quality", "结果中没有数据质量分项（summary.json 无 quality 节）",
                             "the result carries no data-quality breakdown (no quality section in summary.json)")):
            if not self.summary.get(key):
                r.setdefault(key, (zh, en))


# ------------------------------------------------------------------ helpers
def _run_had_boundaries(run_toml: Path) -> bool:
    """Whether the run record says the account had township polygons ([inputs] boundaries, vector zones)."""
    import tomllib

    try:
        run = tomllib.loads(run_toml.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    zones = str((run.get("rasters") or {}).get("zones", ""))
    return bool((run.get("inputs") or {}).get("boundaries")) or zones.lower().endswith((".geojson", ".gpkg", ".shp"))


def _read_summary(path: Path) -> dict:
    if not path.is_file():
        raise ReportError(problem("report_input_missing", f"找不到 summary.json：{path}", f"summary.json not found: {path}",
                                  file=str(path), hint_zh="给出 gep run 的输出目录", hint_en="give the output folder of gep run"))
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReportError(problem("report_input_unreadable", f"summary.json 不是有效的 JSON：{exc}",
                                  f"summary.json is not valid JSON: {exc}", file=str(path))) from None
    missing = [k for k in ("year", "by_category", "by_service", "by_region", "indicators") if k not in summary]
    if "gep" not in summary and "esv" not in summary:
        missing.insert(0, "gep")
    if missing:
        raise ReportError(problem("report_input_unreadable", f"summary.json 缺少 {missing}",
                                  f"summary.json lacks {missing}", file=str(path),
                                  hint_zh="用当前版本的 gep run 重新写出", hint_en="write it again with this version of gep run"))
    return summary


def _coefficient_rows(prov: pd.DataFrame) -> pd.DataFrame:
    keep = [c for c in ("service", "key", "ecosystem", "value", "unit", "price_year", "source", "locator", "status",
                        "set") if c in prov.columns]
    frame = prov[keep].copy()
    frame = frame[frame["key"].notna()] if "key" in frame else frame
    frame = frame.astype({c: str for c in ("key", "ecosystem", "source", "status", "set") if c in frame})
    return frame.drop_duplicates(subset=[c for c in ("key", "ecosystem", "value", "source") if c in frame]).reset_index(drop=True)


def _read_sheets(path: Path, names: list[str]) -> dict[str, pd.DataFrame]:
    """Sheets of the workbook as frames; the header row is the first row whose first cell is bold."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=False, data_only=True)
    out = {}
    for name in names:
        title = name[:31]
        if title not in wb.sheetnames:
            continue
        ws = wb[title]
        header_row = None
        for row in ws.iter_rows(min_row=1, max_row=12):
            if row[0].value is not None and row[0].font is not None and row[0].font.b:
                header_row = row[0].row
                break
        if header_row is None:
            continue
        rows = list(ws.iter_rows(min_row=header_row, values_only=True))
        header = [str(h) if h is not None else f"col{i}" for i, h in enumerate(rows[0])]
        body = [r for r in rows[1:] if any(v is not None for v in r)]
        frame = pd.DataFrame(body, columns=header)
        out[name] = frame.mask(frame.map(lambda v: isinstance(v, str) and v == "—"))  # the workbook's "missing"
    return out


def _two_mountains_from_sheet(sheet: pd.DataFrame) -> pd.DataFrame:
    rename = {"序号 No": "no", "指标": "indicator_zh", "Indicator": "indicator_en", "单位 Unit": "unit",
              "来源 Value source": "value_source", "目标 Target": "target_text", "目标年 Target year": "target_year",
              "比较基准 Reference": "reference", "达标 Met": "met", "说明": "reason_zh", "Reason": "reason_en"}
    frame = sheet.rename(columns=rename)
    value_col = [c for c in frame.columns if str(c).endswith("值 Value")]
    if value_col:
        frame = frame.rename(columns={value_col[0]: "value"})
    if "met" in frame:
        frame["met"] = frame["met"].map(lambda v: None if v is None or (isinstance(v, float) and v != v) else bool(v))
    return frame


def _coefficients_from_sheet(sheet: pd.DataFrame) -> pd.DataFrame:
    rename = {"服务 Service": "service", "系数 Key": "key", "生态系统 Ecosystem": "ecosystem", "数值 Value": "value",
              "单位 Unit": "unit", "价格年 Price year": "price_year", "来源 Source": "source", "出处 Locator": "locator",
              "状态 Status": "status", "系数集 Set": "set"}
    frame = sheet.rename(columns=rename)
    return _coefficient_rows(frame[[c for c in rename.values() if c in frame.columns]])

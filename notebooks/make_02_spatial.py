"""Write ``notebooks/02_spatial.ipynb`` (without outputs) from the cells below.

Run ``python notebooks/make_02_spatial.py`` after editing a cell; the notebook
itself is executed by ``tests/test_notebooks.py``.
"""

from __future__ import annotations

from pathlib import Path

from _notebook import write

HERE = Path(__file__).resolve().parent

CELLS = [
    ("md", """\
# Rasters: the spatial path of an account · 栅格核算（空间方法）

The tabular methods multiply **areas by ecosystem type** by **one rate per type** and one climate or soil factor per
township. The spatial (tier-3) methods work **pixel by pixel** — precipitation, evapotranspiration, RUSLE factors,
NPP — and sum the result by township (分区统计). This notebook walks through that path on the example county:

1. open the example rasters with rioxarray (`gep.io.rasters.open_raster`) and draw the land-use and township maps;
2. compute the land-use account — hm² of every class in every township — from the rasters
   (`gep.io.rasters.class_area_by_zone`) and check it against the land-use table;
3. run the account on rasters (`gep-spatial.toml`) and compare it with the tabular account, service by service;
4. make a per-pixel map of soil retention (土壤保持量) with `gep.compute.regulating.soil_retention` and write it
   as a GeoTIFF;
5. read the same rasters lazily with **dask** (`chunks=`) and get the same totals.

> **The rasters are synthetic.** `gep/examples/shangyu/make_rasters.py` builds them from the example's
> illustrative township land use: townships are blocks in five bands (coast in the north, mountains in the south),
> land-use patches are shuffled 500 m tiles, and every per-pixel layer is a smooth made-up field. The class areas
> of each township match `land_use.csv` to the rounding of whole pixels (1 pixel = 1 hm²); the map is not a map of
> 上虞区."""),
    ("code", """\
import tomllib
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

import gep
from gep.examples import example_dir

warnings.filterwarnings("ignore", message="Glyph .* missing from font")
warnings.filterwarnings("ignore", category=PendingDeprecationWarning)   # affine `*` inside rioxarray

folder = example_dir()
rasters = folder / "rasters"
sorted(p.name for p in rasters.iterdir())"""),
    ("md", """\
## 1. Open the rasters · 读取栅格

`open_raster` opens one band as an `xarray.DataArray` with dims `(y, x)` and the `rio` accessor (CRS, transform,
nodata). It **insists on a declared nodata value**, so a 0 or −9999 fill is never summed as data. Integer class
maps keep their dtype (uint16 land-use codes, uint8 township numbers) and their nodata value; float layers are
masked: nodata becomes NaN.

The example grid is UTM zone 51N (EPSG:32651) in metres with 100 m pixels, so one pixel is exactly 1 hm²."""),
    ("code", """\
from gep.io.rasters import class_area_by_zone, open_raster, write_raster_chunked

lu = open_raster(rasters / "land_use.tif")        # GB/T 21010 codes as integers: 101 = "0101" 水田
zones = open_raster(rasters / "townships.tif")    # township zones 1…20, 0 = outside
print("land use:", lu.dtype, "nodata", lu.rio.nodata, "| zones:", zones.dtype, "nodata", zones.rio.nodata)
print("CRS", lu.rio.crs, "| pixel", lu.rio.resolution(), "m | grid", lu.shape)
precip = open_raster(rasters / "precipitation.tif")
print("precipitation:", precip.dtype, f"{float(precip.min()):.0f}–{float(precip.max()):.0f} mm,",
      int(precip.isnull().sum()), "NaN pixels (outside the county)")"""),
    ("md", """\
`zones.csv` says which township (`region` of `regions.csv`) each zone number is:"""),
    ("code", """\
zone_ids = pd.read_csv(rasters / "zones.csv")
zone_region = dict(zip(zone_ids["zone"], zone_ids["region"]))
zone_ids.head()"""),
    ("md", """\
### Maps · 地图

The land-use map is drawn by first-level ecosystem group (the scheme `gbt21010-2017` maps every GB/T 21010 class
to an ecosystem type, and every type belongs to a group). The township map labels each zone with its id."""),
    ("code", """\
from gep.classifications import ecosystem_types, load_scheme

scheme = load_scheme("gbt21010-2017")
group_of = {t: spec.group for t, spec in ecosystem_types().items()}
groups = ["farmland", "forest", "grassland", "wetland", "water", "urban", "desert"]
colours = ["#f3d36b", "#2e7d32", "#9ccc65", "#4db6ac", "#1e88e5", "#9e9e9e", "#d7ccc8"]

codes = np.unique(lu.values[lu.values != lu.rio.nodata])
lut = np.full(int(codes.max()) + 1, np.nan)
for c in codes:
    lut[c] = groups.index(group_of[scheme.mapping[f"{int(c):04d}"]])
group_map = np.where(lu.values != lu.rio.nodata, lut[lu.values], np.nan)

left, bottom, right, top = lu.rio.bounds()
extent = [v / 1000 for v in (left, right, bottom, top)]   # km
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 7), constrained_layout=True)
ax1.imshow(group_map, cmap=ListedColormap(colours), vmin=-0.5, vmax=len(groups) - 0.5, extent=extent,
           interpolation="nearest")
ax1.legend(handles=[Patch(color=c, label=g) for g, c in zip(groups, colours)], loc="lower left", fontsize=8)
ax1.set_title("land use by ecosystem group")
z = zones.values
ax2.imshow(np.ma.masked_equal(z, 0), cmap="tab20", extent=extent, interpolation="nearest")
rows, cols = np.indices(z.shape)
for zone, region in zone_region.items():
    m = z == zone
    x = left + (cols[m].mean() + 0.5) * 100
    y = top - (rows[m].mean() + 0.5) * 100
    ax2.text(x / 1000, y / 1000, region, ha="center", va="center", fontsize=7)
ax2.set_title("township zones")
for ax in (ax1, ax2):
    ax.set_xlabel("easting (km, UTM 51N)")
ax1.set_ylabel("northing (km)")
plt.show()"""),
    ("md", """\
## 2. The land-use account from rasters · 由栅格统计分乡镇土地利用面积

`class_area_by_zone` makes one pass over the land-use and zone rasters (a `bincount` on a combined index, in
blocks) and returns the area of every code in every zone, in hm², as a `(zone, land_use)` DataArray. Pixels with
nodata land use or zone are not dropped silently: their area is in `attrs["nodata_area_hm2"]`."""),
    ("code", """\
areas = class_area_by_zone(lu, zones)
print(areas.attrs["units"], "| nodata margin:", areas.attrs["nodata_area_hm2"], "hm²")
areas.sel(zone=slice(1, 4), land_use=[101, 103, 301, 302, 701, 1101])"""),
    ("md", """\
Against the land-use table: every township's total is exact, every class within one pixel (1 hm²) — the
largest-remainder rounding of `make_rasters.py`."""),
    ("code", """\
table = pd.read_csv(folder / "land_use.csv", dtype={"code": str})
raster = (areas.to_series().rename("raster").reset_index()
          .query("raster > 0 and zone > 0")
          .assign(region=lambda d: d["zone"].map(zone_region), code=lambda d: d["land_use"].map("{:04d}".format)))
both = (raster.set_index(["region", "code"])["raster"].to_frame()
        .join(table.set_index(["region", "code"])["area"].rename("table"), how="outer").fillna(0.0))
by_town = both.groupby(level="region").sum()
by_town["difference"] = by_town["raster"] - by_town["table"]
print("largest class difference:", round(float((both["raster"] - both["table"]).abs().max()), 2), "hm²")
by_town.round(2).head(8)"""),
    ("md", """\
## 3. The account on rasters · 栅格核算

`gep-spatial.toml` is the example account with a `[rasters]` section instead of `[inputs] land_use`: the areas by
township × ecosystem come from the rasters (as above), and `[services]` switches four regulating services to their
per-pixel methods. The runoff coefficient and the RUSLE C and P factors are not rasters here: they are derived
from the land-use raster through the coefficient set (class → ecosystem type → rate)."""),
    ("code", """\
spatial_cfg = gep.example_config("gep-spatial.toml")
text = spatial_cfg.read_text(encoding="utf-8")
print(text[text.index("[rasters]"):text.index("[statistics]")])"""),
    ("code", """\
spa = gep.Account.from_config(spatial_cfg).run()
tab = gep.Account.from_config(gep.example_config()).run()
print("spatial:", spa)
print("tabular:", tab)"""),
    ("md", """\
### Spatial vs tabular, service by service · 空间方法与表格方法对比

The four spatial services differ from the tabular ones because the rasters vary inside each township; every other
service runs on the same areas in both accounts and differs only by the rounding of areas to whole pixels."""),
    ("code", """\
SPATIAL = ["water_conservation", "soil_retention", "carbon_sequestration", "oxygen_release"]


def physical_total(res, sid):
    da = res.physical[sid]
    return float(da.sum())


cmp = pd.DataFrame({
    "service": [spa.services.at[s, "label_zh"] for s in SPATIAL],
    "unit": [spa.services.at[s, "physical_unit"] for s in SPATIAL],
    "physical, tabular": [physical_total(tab, s) for s in SPATIAL],
    "physical, spatial": [physical_total(spa, s) for s in SPATIAL],
    "亿元, tabular": [tab.by_service[s] / 1e8 for s in SPATIAL],
    "亿元, spatial": [spa.by_service[s] / 1e8 for s in SPATIAL],
}, index=SPATIAL)
cmp["spatial / tabular"] = cmp["亿元, spatial"] / cmp["亿元, tabular"]
others = [s for s in tab.by_service.index if s not in SPATIAL and tab.by_service[s] > 0]
print("other services, largest relative difference:",
      f"{float((spa.by_service[others] / tab.by_service[others] - 1).abs().max()):.1e}")
cmp.round(3)"""),
    ("code", """\
ax = cmp[["亿元, tabular", "亿元, spatial"]].rename(columns={"亿元, tabular": "tabular", "亿元, spatial": "spatial"}).plot.bar(
    figsize=(8, 4), color=["#9e9e9e", "#2e7d32"], rot=0)
ax.set_ylabel("value (10⁸ CNY)")
ax.set_title("Example county 2021: tabular vs spatial methods")
plt.show()"""),
    ("md", """\
Why soil retention is higher on rasters: the tabular method uses one county LS factor for every hectare,
while in the rasters LS is high in the southern hills and mountains — exactly where the forests, which retain
the most soil, are. The area-weighted mean of each factor over the pixels the service applies to tells the story
(the pixels with a C factor are the forest, grassland and farmland pixels):"""),
    ("code", """\
from gep.services.spatial import raster_layers

ctx = gep.Account.from_config(spatial_cfg).context()
L = raster_layers(ctx, ["rainfall_erosivity", "soil_erodibility", "ls_factor", "rusle_c", "rusle_p",
                        "precipitation"])
applies = L["rusle_c"].notnull()
keys = {"rainfall_erosivity": ("soil.rainfall_erosivity", "MJ*mm/(hm²*h*a)"),
        "soil_erodibility": ("soil.erodibility", "t*hm²*h/(hm²*MJ*mm)"),
        "ls_factor": ("terrain.ls_factor", "1"), "precipitation": ("climate.precipitation", "mm")}
# the value the tabular method uses (one county row of the example set, resolved for every township)
county_set = {k: float(ctx.coef_by_region(key, unit).mean()) for k, (key, unit) in keys.items()}
pd.DataFrame({
    "county coefficient (tabular)": county_set,
    "mean over all pixels": {k: float(L[k].mean()) for k in county_set},
    "mean over soil-retention pixels": {k: float(L[k].where(applies).mean()) for k in county_set},
}).round(4)"""),
    ("md", """\
## 4. A per-pixel map of soil retention · 逐像元土壤保持量

`gep.compute.regulating.soil_retention(R, K, LS, C, P)` is the same function the account uses; on DataArrays it
gives a map in t/(hm²·a). Pixels where the service does not apply (water, built-up land) are NaN. Because a pixel
is 1 hm², the sum of the map over a township is its soil retention in t/a — the number of the spatial account."""),
    ("code", """\
from gep.compute import regulating as R

sr = R.soil_retention(L["rainfall_erosivity"], L["soil_erodibility"], L["ls_factor"], L["rusle_c"], L["rusle_p"])
sr = sr.rio.write_crs(lu.rio.crs).rio.write_nodata(np.nan, encoded=False)
sr.attrs.update(units="t/(hm²·a)", long_name="soil retention")

fig, ax = plt.subplots(figsize=(6, 7))
im = ax.imshow(sr.values, extent=extent, cmap="YlOrBr", interpolation="nearest")
fig.colorbar(im, ax=ax, label="soil retention, t/(hm²·a)", shrink=0.8)
ax.set_title("soil retention per pixel (synthetic rasters)")
ax.set_xlabel("easting (km)")
ax.set_ylabel("northing (km)")
plt.show()"""),
    ("code", """\
from gep.compute.zonal import zonal_sum

res = zonal_sum(sr.values, zones.values, n_zones=21, weights=1.0, nodata_zone=0)   # 1 hm² per pixel
by_zone = pd.Series(res.sum[1:], index=[zone_region[z] for z in range(1, 21)])
account = spa.physical["soil_retention"].to_series()
print("largest difference, map sum vs account:", float((by_zone - account.reindex(by_zone.index)).abs().max()), "t")
print(f"county: {by_zone.sum() / 1e4:,.1f} 万t; pixels summed {int(res.count.sum())}, without a value "
      f"{int(res.masked.sum())} (water, built-up), outside {res.outside}")"""),
    ("md", """\
`write_raster_chunked` writes the map as a tiled, compressed GeoTIFF (window by window for a dask array); here into
the notebook's working folder, then read back:"""),
    ("code", """\
out = write_raster_chunked(sr.astype("float32"), "soil_retention.tif")
back = open_raster(out)
print(out, back.rio.crs, back.shape, f"{out.stat().st_size / 1e3:.0f} kB")
assert np.allclose(back.values, sr.values, equal_nan=True, rtol=1e-6)"""),
    ("md", """\
## 5. The same with dask · 分块（dask）计算

With `chunks=` the rasters are read lazily in blocks; the zonal reductions run block by block and add the
partial tables, so a raster larger than memory — or a `dask.distributed` cluster — gives the same numbers. In a
config, set `chunks = 256` in `[rasters]`."""),
    ("code", """\
lu_d = open_raster(rasters / "land_use.tif", chunks=128)
zones_d = open_raster(rasters / "townships.tif", chunks=128)
print(type(lu_d.data).__name__, lu_d.data.chunksize)
areas_d = class_area_by_zone(lu_d, zones_d)
print("largest difference from the in-memory table:", float(abs(areas_d - areas).max()), "hm²")"""),
    ("code", """\
cfg = tomllib.loads(spatial_cfg.read_text(encoding="utf-8"))
cfg["rasters"]["chunks"] = 128
spa_d = gep.Account(cfg, base_dir=spatial_cfg.parent, source=str(spatial_cfg)).run()
diff = (spa_d.by_service - spa.by_service).abs().max()
print(f"GEP {spa_d.total / 1e8:.4f} 亿元 (in memory {spa.total / 1e8:.4f}); largest service difference {diff:.2e} 元")
assert diff <= 1e-9 * spa.total"""),
]


if __name__ == "__main__":
    write(CELLS, "spatial", HERE / "02_spatial.ipynb")

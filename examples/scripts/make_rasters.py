"""Write the example county's synthetic raster set (``rasters/``) and check it.

The rasters let the example county run the per-pixel (``spatial``, tier 3)
methods: ``gep-spatial.toml`` reads them instead of ``land_use.csv``. They are
**synthetic and illustrative**, like the township land use they are built
from: a schematic map, not a map of 上虞区. Township shapes, the position of
every land-use patch and every per-pixel value are made up. Do not quote them.

What is written (all GeoTIFF, one band, tiled, deflate-compressed, nodata
declared; CRS EPSG:32651 = WGS 84 / UTM zone 51N, metres; 100 m pixels, so one
pixel is exactly 1 hm²):

=========================  =======  ====================  =================================
file                       dtype    nodata                content
=========================  =======  ====================  =================================
``townships.tif``          uint8    0                     zone number 1…20 (``zones.csv``)
``zones.csv``              —        —                     ``zone,region,note``: zone → township id
``land_use.tif``           uint16   0                     GB/T 21010 code as an integer (101 = "0101")
``precipitation.tif``      float32  −9999                 annual precipitation [mm]
``evapotranspiration.tif`` float32  −9999                 annual actual ET [mm]
``rainfall_erosivity.tif`` float32  −9999                 RUSLE R [MJ·mm/(hm²·h·a)]
``soil_erodibility.tif``   float32  −9999                 RUSLE K [t·hm²·h/(hm²·MJ·mm)]
``ls_factor.tif``          float32  −9999                 RUSLE LS [1]
``npp.tif``                float32  −9999                 NPP, dry matter [t/(hm²·a)]
=========================  =======  ====================  =================================

How it is built (deterministic: the only random numbers come from a generator
with the fixed seed 330604, the county's division code):

1. **Townships.** The 20 townships are put in five west–east bands, north to
   south: the coastal reclaimed plain, the urban core and water-network plain,
   the central hills, the southern hills and the southern mountains (the
   landscape types of ``make_land_use.py``). Each band is a rectangle about
   300 pixels wide, filled column by column, top to bottom; each township
   takes the next ``area_km2 × 100`` pixels. So every township zone has
   *exactly* its area of ``regions.csv`` in whole hm² (the areas are given to
   0.01 km² = 1 hm²) and the county has 136 200 pixels. A 10-pixel margin of
   nodata surrounds the county.
2. **Land use.** For each township the hm² of each class in ``land_use.csv``
   (given to 0.01 hm²) become whole pixels by the largest-remainder method, so
   the pixels add up to the township's area and each class is within 1 hm² of
   the table. The township's pixels are cut into 5 × 5 tiles; the tiles are
   shuffled (fixed seed) and filled with the classes in code order. The map
   is a mosaic of small blocks: it keeps the areas, not the geography.
3. **Per-pixel layers.** Smooth functions of position (``s`` = 0 at the
   northern edge … 1 at the southern edge, ``t`` = 0 west … 1 east):

   * precipitation 1300 → 1600 mm north to south, ± 20 mm west–east ripple
     (county set: 1450 mm);
   * evapotranspiration = the class's ``rate.evapotranspiration`` of the
     example coefficient set (through the GB/T 21010 → ecosystem mapping),
     with ± 3 % smooth variation; classes without a rate get a plausible value
     (farmland 650, water 950, built-up 350, bare 400 mm) — they are outside
     water conservation, which needs a runoff coefficient;
   * rainfall erosivity 4100 → 4900 north to south (county set: 4500);
   * soil erodibility 0.035 ± 10 % (county set: 0.035);
   * LS by landscape type (coastal 0.3, urban 0.4, plain 0.5, central 2.0,
     hilly 4.0, mountain 6.5), smoothed across township borders with a 15-pixel
     moving average, ± 20 % ripple: high in the southern hills and mountains
     (county set: a single 2.5);
   * NPP = the class's ``rate.npp`` with ± 5 % variation, 0 on built-up land,
     water and bare land (no NPP rate there).

   Values are rounded (0.1 mm, 1 R unit, 10⁻⁴ K, 0.01 LS, 0.01 t) so the files
   compress well.

Run ``python examples/scripts/make_rasters.py`` to rewrite ``rasters/``. It
reads the files back and prints, per township, the raster area against
``land_use.csv`` and the largest per-class difference, and asserts both.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parents[2] / "gep" / "examples" / "shangyu"  # the example county's inputs
OUT = HERE / "rasters"

CRS = "EPSG:32651"        # WGS 84 / UTM zone 51N (metres)
PIXEL_M = 100.0           # 100 m × 100 m = 1 hm²
CENTRE_E, CENTRE_N = 297_400.0, 3_320_600.0   # ≈ 120.90° E, 30.00° N
MARGIN = 10               # nodata pixels around the county
BAND_WIDTH = 300          # target band width [px]
TILE = 5                  # land-use patch size [px]
SEED = 330604
FLOAT_NODATA = -9999.0

# Bands north → south; townships west → east (illustrative layout).
BANDS = [
    ("coastal", ["songxia", "gaibei", "xietang"]),
    ("urban/plain", ["daoxu", "caoe", "baiguan", "dongguan", "xiaoyue"]),
    ("central", ["lianghu", "shangpu", "yiting", "changtang"]),
    ("hilly", ["tangpu", "zhangzhen", "fenghui", "yonghe", "dingzhai"]),
    ("mountain", ["lingnan", "chenxi", "xiaguan"]),
]
# Landscape type of each township (as in make_land_use.py) → LS factor.
KIND = {
    "baiguan": "urban", "caoe": "urban", "dongguan": "plain", "daoxu": "plain", "xiaoyue": "plain",
    "lianghu": "central", "songxia": "coastal", "zhangzhen": "hilly", "fenghui": "hilly", "shangpu": "central",
    "tangpu": "hilly", "yonghe": "hilly", "yiting": "central", "xietang": "coastal", "gaibei": "coastal",
    "changtang": "central", "xiaguan": "mountain", "lingnan": "mountain", "chenxi": "mountain", "dingzhai": "hilly",
}
LS_BY_KIND = {"coastal": 0.3, "urban": 0.4, "plain": 0.5, "central": 2.0, "hilly": 4.0, "mountain": 6.5}
# ET [mm] and NPP [t/(hm²·a)] of ecosystem types the example set has no rate for.
ET_FALLBACK = {"farmland": 650.0, "water": 950.0, "urban": 350.0, "desert": 400.0}
NPP_ZERO_GROUPS = {"water", "urban", "desert"}


# --------------------------------------------------------------------- inputs
def read_inputs():
    """Townships (id → whole hm², in regions.csv order) and land use (id → {code: area in 0.01 hm²})."""
    with open(HERE / "regions.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["level"] == "township"]
    towns = {}
    for r in rows:
        assert r["area_unit"] == "km²", r
        towns[r["id"]] = round(float(r["area"]) * 100)   # km² (to 0.01) → whole hm² = pixels
    land = defaultdict(dict)
    with open(HERE / "land_use.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            assert r["unit"] == "hm²", r
            land[r["region"]][r["code"]] = round(float(r["area"]) * 100)   # 0.01 hm²
    return towns, dict(land)


def largest_remainder(cents: dict[str, int], total_px: int) -> dict[str, int]:
    """Whole pixels (hm²) per class from areas in 0.01 hm², adding up to ``total_px``."""
    floors = {c: a // 100 for c, a in cents.items()}
    short = total_px - sum(floors.values())
    assert 0 <= short <= len(cents), (short, len(cents))
    order = sorted(cents, key=lambda c: (-(cents[c] % 100), c))   # largest remainder first, ties by code
    for c in order[:short]:
        floors[c] += 1
    return floors


def class_rates():
    """Per GB/T 21010 code: (ecosystem group, ET mm, NPP t/(hm²·a)) from the example coefficient set."""
    from gep.classifications import ecosystem_types, load_scheme

    mapping = load_scheme("gbt21010-2017").mapping
    groups = {t: spec.group for t, spec in ecosystem_types().items()}
    rates = defaultdict(dict)
    with open(HERE / "coefficients" / "example.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["key"] in ("rate.evapotranspiration", "rate.npp"):
                rates[r["key"]][r["ecosystem"]] = float(r["value"])

    def rate(code):
        eco = mapping[code]
        g = groups[eco]
        et = rates["rate.evapotranspiration"].get(eco, ET_FALLBACK.get(g))
        npp = 0.0 if g in NPP_ZERO_GROUPS else rates["rate.npp"][eco]
        return g, et, npp

    return rate


# --------------------------------------------------------------------- layout
def layout(towns: dict[str, int]):
    """Zone raster (uint8, 0 outside) and the band of each row."""
    heights, widths = [], []
    for _, members in BANDS:
        total = sum(towns[t] for t in members)
        h = round(total / BAND_WIDTH)
        heights.append(h)
        widths.append(-(-total // h))
    ny = sum(heights) + 2 * MARGIN
    nx = max(widths) + 2 * MARGIN
    zone_of = {t: i + 1 for i, t in enumerate(towns)}          # regions.csv order
    zones = np.zeros((ny, nx), dtype=np.uint8)
    y0 = MARGIN
    for (_, members), h, w in zip(BANDS, heights, widths):
        x0 = MARGIN + (max(widths) - w) // 2                      # centre the band
        k = 0
        for t in members:
            idx = np.arange(k, k + towns[t])
            zones[y0 + idx % h, x0 + idx // h] = zone_of[t]       # column by column, top to bottom
            k += towns[t]
        y0 += h
    return zones, zone_of


def place_land_use(zones, zone_of, pixels_by_town, rng):
    """Land-use raster (uint16 codes, 0 outside): shuffled 5×5 tiles filled in code order."""
    lu = np.zeros(zones.shape, dtype=np.uint16)
    for town, z in zone_of.items():
        rows, cols = np.nonzero(zones == z)
        tile = (rows // TILE) * (zones.shape[1] // TILE + 1) + cols // TILE
        uniq, inverse = np.unique(tile, return_inverse=True)
        rank = rng.permutation(len(uniq))[inverse]
        order = np.lexsort((cols, rows, rank))                  # by shuffled tile, then row, then column
        counts = pixels_by_town[town]
        seq = np.concatenate([np.full(n, int(code), dtype=np.uint16) for code, n in sorted(counts.items())])
        assert seq.size == rows.size, (town, seq.size, rows.size)
        lu[rows[order], cols[order]] = seq
    return lu


def smooth(a, width):
    """Separable moving average (edge-padded)."""
    k = np.ones(width) / width
    pad = width // 2
    b = np.pad(a, pad, mode="edge")
    b = np.apply_along_axis(lambda r: np.convolve(r, k, mode="valid"), 1, b)
    b = np.apply_along_axis(lambda c: np.convolve(c, k, mode="valid"), 0, b)
    return b


def layers(zones, zone_of, lu):
    ny, nx = zones.shape
    s = (np.arange(ny)[:, None] + 0.5) / ny * np.ones((1, nx))    # 0 north … 1 south
    t = np.ones((ny, 1)) * (np.arange(nx)[None, :] + 0.5) / nx     # 0 west … 1 east
    inside = zones > 0
    rate = class_rates()
    codes = np.unique(lu[inside])
    et_c = np.zeros(lu.shape)
    npp_c = np.zeros(lu.shape)
    for c in codes:
        _, et, npp = rate(f"{int(c):04d}")
        m = lu == c
        et_c[m], npp_c[m] = et, npp
    kind_ls = np.zeros(lu.shape)
    for town, z in zone_of.items():
        kind_ls[zones == z] = LS_BY_KIND[KIND[town]]
    # before smoothing, fill the margin with the mean LS of the nearest row that has county pixels,
    # so the county's edge is not pulled towards 0
    has = inside.any(axis=1)
    row_mean = np.where(has, np.where(inside, kind_ls, 0).sum(1) / np.maximum(inside.sum(1), 1), 0.0)
    idx = np.flatnonzero(has)
    nearest = idx[np.abs(np.arange(ny)[:, None] - idx[None, :]).argmin(axis=1)]
    kind_ls = np.where(inside, kind_ls, row_mean[nearest][:, None])
    ripple = np.sin(2 * np.pi * (2 * t + s)) * np.cos(2 * np.pi * 3 * s)
    out = {
        "precipitation": np.round(1300 + 300 * s + 20 * np.sin(2 * np.pi * t), 1),
        "evapotranspiration": np.round(et_c * (1 + 0.03 * ripple), 1),
        "rainfall_erosivity": np.round(4100 + 800 * s + 50 * np.sin(2 * np.pi * 2 * t)),
        "soil_erodibility": np.round(0.035 * (1 + 0.1 * np.sin(3 * np.pi * t) * np.cos(2 * np.pi * s)), 4),
        "ls_factor": np.round(smooth(kind_ls, 15) * (1 + 0.2 * ripple), 2),
        "npp": np.round(npp_c * (1 + 0.05 * ripple), 2),
    }
    for k, v in out.items():
        out[k] = np.where(inside, v, FLOAT_NODATA).astype(np.float32)
    return out


# --------------------------------------------------------------------- writing
def write_tif(path, data, nodata, transform):
    import rasterio

    profile = dict(driver="GTiff", height=data.shape[0], width=data.shape[1], count=1, dtype=data.dtype.name,
                   crs=CRS, transform=transform, nodata=nodata, tiled=True, blockxsize=256, blockysize=256,
                   compress="deflate", predictor=2 if data.dtype.kind in "ui" else 3, zlevel=9)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)


def main() -> None:
    from rasterio.transform import from_origin

    towns, land = read_inputs()
    assert sum(towns.values()) == 136200, sum(towns.values())
    assert set(towns) == set(KIND) == {t for _, m in BANDS for t in m}
    pixels = {t: largest_remainder(land[t], towns[t]) for t in towns}
    rng = np.random.default_rng(SEED)
    zones, zone_of = layout(towns)
    lu = place_land_use(zones, zone_of, pixels, rng)
    ny, nx = zones.shape
    transform = from_origin(round(CENTRE_E - nx * PIXEL_M / 2, -2), round(CENTRE_N + ny * PIXEL_M / 2, -2),
                            PIXEL_M, PIXEL_M)
    OUT.mkdir(exist_ok=True)
    write_tif(OUT / "townships.tif", zones, 0, transform)
    write_tif(OUT / "land_use.tif", lu, 0, transform)
    for name, arr in layers(zones, zone_of, lu).items():
        write_tif(OUT / f"{name}.tif", arr, FLOAT_NODATA, transform)
    with open(HERE / "regions.csv", encoding="utf-8", newline="") as fh:
        names = {r["id"]: r["name_zh"] for r in csv.DictReader(fh)}
    with open(OUT / "zones.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["zone", "region", "note"])
        for t, z in zone_of.items():
            w.writerow([z, t, f"{names[t]} (illustrative zone)"])
    check(towns, land)


def check(towns, land) -> None:
    """Read the rasters back and compare township and class areas with land_use.csv."""
    from gep.io.rasters import class_area_by_zone, open_raster

    lu = open_raster(OUT / "land_use.tif")
    zn = open_raster(OUT / "townships.tif")
    table = class_area_by_zone(lu, zn)
    assert table.attrs["nodata_area_hm2"] > 0
    print(f"{'zone':>4} {'township':<10} {'raster hm²':>11} {'table hm²':>11} {'diff':>7} {'max |class diff|':>17}")
    worst = 0.0
    for z, t in enumerate(towns, start=1):
        got = {f"{int(c):04d}": float(table.sel(zone=z, land_use=c)) for c in table.land_use.values}
        want = {c: a / 100 for c, a in land[t].items()}
        diff = max(abs(got.get(c, 0.0) - want.get(c, 0.0)) for c in set(got) | set(want))
        worst = max(worst, diff)
        tot_r, tot_t = sum(got.values()), sum(want.values())
        print(f"{z:>4} {t:<10} {tot_r:>11.2f} {tot_t:>11.2f} {round(tot_r - tot_t, 2) + 0.0:>+7.2f} {diff:>17.2f}")
        assert abs(tot_r - tot_t) < 1e-6 and abs(tot_r - towns[t]) < 1e-6, t
        assert diff < 1.0, (t, diff)
    total = float(table.sum())
    print(f"county: {total:.2f} hm² in {lu.shape[0]} × {lu.shape[1]} pixels of 1 hm² "
          f"({table.attrs['nodata_area_hm2']:.0f} hm² nodata margin); largest class difference {worst:.2f} hm²")
    assert total == 136200.0
    size = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"rasters/: {len(list(OUT.iterdir()))} files, {size / 1e6:.2f} MB")
    assert size <= 3e6
    print("all checks passed")


if __name__ == "__main__":
    main()

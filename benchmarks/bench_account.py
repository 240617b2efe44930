"""Benchmark: a whole GEP account from GeoTIFFs, against reading the same files and one bincount.

What is timed, side by side in one run, for synthetic 30 m rasters of 10⁶, 10⁷ and
10⁸ pixels with 20 township zones (GB/T 21010 codes, uint16, deflate, tiled):

* ``read+bincount`` -- read both GeoTIFFs with rasterio and ``np.bincount`` the
  combined zone × class index: the practical limit of any tool that must read
  the files (this is how research/peers.md timed its numpy reference);
* ``gep account`` -- ``gep.Account(...).run()`` on the same files with the default
  ``chunks = "auto"`` (in memory up to 16 M pixels, 4096² dask chunks above): the
  value-transfer profile (11 lookup-type services), i.e. load and check the rasters,
  one pass of class areas by zone, then the (zone × class) arithmetic of every service;
* ``gep account (memory)`` -- the same forced into memory (``chunks = false``);
* ``gep account (dask)`` -- the same forced to ``chunks = 4096``.

Each measurement runs in a fresh process so peak RSS is its own. Usage::

    python benchmarks/bench_account.py                 # 10⁶, 10⁷, 10⁸ pixels
    python benchmarks/bench_account.py --sizes 1e6 1e7 # fewer
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

CODES = np.array([101, 103, 201, 301, 305, 404, 1101, 1104, 1105, 701, 1003], dtype=np.uint16)
N_ZONES = 20


def make_inputs(folder: Path, n_pixels: float, n_zones: int = N_ZONES, zone_dtype=None) -> Path:
    """Write land-use and zone GeoTIFFs, the zone table, regions and a config; returns the config.

    ``n_zones`` townships form a grid of rectangles (4 × 5 for 20; 40 × 50 for 2,000); the zone raster
    is uint8 up to 254 zones (0 is nodata), uint16 above, unless ``zone_dtype`` says otherwise.
    """
    import rasterio
    from rasterio.transform import from_origin

    side = int(round(np.sqrt(n_pixels)))
    rng = np.random.default_rng(20240601 + side)
    patch = 10  # 300 m patches of 30 m pixels
    small = rng.integers(0, len(CODES), size=(side // patch + 1, side // patch + 1))
    lu = CODES[np.kron(small, np.ones((patch, patch), dtype=np.int64))[:side, :side]]
    noise = rng.random((side, side)) < 0.05
    lu[noise] = CODES[rng.integers(0, len(CODES), size=int(noise.sum()))]
    n_rows = int(round(np.sqrt(n_zones * 4 / 5)))
    n_cols = n_zones // n_rows
    if n_rows * n_cols != n_zones:
        raise ValueError(f"{n_zones} zones do not make a grid of about 4:5")
    zone_dtype = np.dtype(zone_dtype or (np.uint8 if n_zones < 255 else np.uint16)).type
    rows = np.minimum((np.arange(side) * n_rows) // side, n_rows - 1)
    cols = np.minimum((np.arange(side) * n_cols) // side, n_cols - 1)
    zones = (rows[:, None] * n_cols + cols[None, :] + 1).astype(zone_dtype)
    transform = from_origin(500000, 3300000, 30, 30)
    profile = dict(driver="GTiff", height=side, width=side, count=1, crs="EPSG:32651", transform=transform,
                   tiled=True, blockxsize=512, blockysize=512, compress="deflate")
    with rasterio.open(folder / "land_use.tif", "w", dtype="uint16", nodata=0, **profile) as dst:
        dst.write(lu, 1)
    with rasterio.open(folder / "zones.tif", "w", dtype=zone_dtype.__name__, nodata=0, **profile) as dst:
        dst.write(zones, 1)
    (folder / "zones.csv").write_text("zone,region\n" + "".join(f"{z},t{z}\n" for z in range(1, n_zones + 1)),
                                      encoding="utf-8")
    counts = np.bincount(zones.ravel(), minlength=n_zones + 1)
    area_km2 = counts * 0.0009  # 30 m × 30 m = 0.0009 km²
    lines = ["id,parent,name_zh,name_en,area,area_unit", f"c,,县,County,{area_km2.sum():.6f},km²"]
    lines += [f"t{z},c,镇{z},Town {z},{area_km2[z]:.6f},km²" for z in range(1, n_zones + 1)]
    (folder / "regions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = folder / "gep.toml"
    cfg.write_text(textwrap.dedent("""
        [account]
        name = { zh = "基准", en = "benchmark" }
        year = 2021
        profile = "xie2015-esv"
        coefficients = "xie-2015"
        prices = "constant:2010"
        area_tolerance = 0.01
        [inputs]
        regions = "regions.csv"
        scheme = "gbt21010-2017"
        [rasters]
        land_use = "land_use.tif"
        zones = "zones.tif"
        zone_ids = "zones.csv"
        """), encoding="utf-8")
    return cfg


CHILD = r"""
import json, resource, sys, time
mode, cfg = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if mode == "reference":
    import numpy as np, rasterio
    with rasterio.open(cfg.replace("gep.toml", "land_use.tif")) as a:
        lu = a.read(1)
    with rasterio.open(cfg.replace("gep.toml", "zones.tif")) as z:
        zones = z.read(1)
    table = np.bincount(zones.astype(np.uint32).ravel() * 65536 + lu.ravel(), minlength=21 * 65536)
    total = float(table.sum())
else:
    import gep
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    from gep.account.config import load_config
    conf, folder = load_config(cfg)
    if mode == "dask":
        conf["rasters"]["chunks"] = 4096
    elif mode == "memory":
        conf["rasters"]["chunks"] = False
    res = gep.Account(conf, folder).run()
    total = res.total
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "total": total}))
"""


def measure(mode: str, cfg: Path, repeat: int) -> dict:
    best = None
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", CHILD, mode, str(cfg)], capture_output=True, text=True, check=True)
        rec = json.loads(out.stdout.strip().splitlines()[-1])
        if best is None or rec["seconds"] < best["seconds"]:
            best = rec
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="*", type=float, default=[1e6, 1e7, 1e8])
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    print(f"{'pixels':>13} | {'method':<20} | {'seconds':>8} | {'Mpx/s':>7} | {'peak RSS MB':>11} | {'÷ read+bincount':>15}")
    print("-" * 88)
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            cfg = make_inputs(Path(tmp), n)
            px = int(round(np.sqrt(n))) ** 2
            ref = measure("reference", cfg, args.repeat)
            for mode, label in (("reference", "read+bincount"), ("auto", "gep account"), ("memory", "gep account (memory)"),
                                ("dask", "gep account (dask)")):
                rec = ref if mode == "reference" else measure(mode, cfg, args.repeat)
                ratio = ref["seconds"] / rec["seconds"]
                print(f"{px:>13,} | {label:<20} | {rec['seconds']:>8.3f} | {px / rec['seconds'] / 1e6:>7.1f} | "
                      f"{rec['peak_mb']:>11.0f} | {ratio:>15.2f}")
            print(f"{'':>13}   (inputs written in {time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()

"""Benchmark of the zonal land-use account (zone × class pixel counts).

Run::

    python benchmarks/bench_zonal.py            # 10⁶, 10⁷, 10⁸ pixels, side by side
    python benchmarks/bench_zonal.py --sizes 1e6 1e7
    python benchmarks/bench_zonal.py --huge     # + a 10⁹-pixel tiled GeoTIFF, chunked with dask (slow)

Synthetic inputs, deterministic (seed 20240601): 30 m uint8 land-use rasters
with 8 classes drawn on 300 m (10 × 10 pixel) patches, 5 % pixel noise, and
20 uint8 zones (a 4 × 5 grid of rectangles). For every size it measures, in
one run:

* ``bincount``: a plain ``np.bincount(classes.ravel(), minlength=8)`` — one
  class count for the whole raster, no zones: the practical limit as the
  brief defines it (numpy casts the whole raster to int64 first);
* ``bincount-blocked``: the same, in blocks of 2²⁰ pixels (no big cast): the
  stricter limit of a single bincount pass;
* ``zonal numpy``: :func:`gep.compute.zonal.zonal_class_area` on numpy arrays;
* ``zonal dask``: the same on dask arrays (4096 × 4096 chunks, threaded
  scheduler).

and prints seconds, pixels/s, the peak of traced allocations during the call
(tracemalloc; numpy reports its buffers to it) and the throughput ratio to
``bincount`` and ``bincount-blocked``. Process peak RSS is printed at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gep.compute.zonal import zonal_class_area  # noqa: E402

SEED = 20240601
N_CLASSES = 8
N_ZONES = 20
PATCH = 10  # pixels per 300 m patch at 30 m


def synthetic(height: int, width: int, seed: int = SEED):
    """Classes (uint8, 0..7) on 10-pixel patches with 5 % noise, and 20 zones (uint8)."""
    rng = np.random.default_rng(seed + height * width)
    ph, pw = -(-height // PATCH), -(-width // PATCH)
    patches = rng.integers(0, N_CLASSES, size=(ph, pw), dtype=np.uint8)
    classes = np.repeat(np.repeat(patches, PATCH, axis=0), PATCH, axis=1)[:height, :width]
    classes = np.ascontiguousarray(classes)
    noise = rng.random(size=(height, width), dtype=np.float32) < 0.05
    classes[noise] = rng.integers(0, N_CLASSES, size=int(noise.sum()), dtype=np.uint8)
    del noise
    zr = (np.arange(height) * 4 // height).astype(np.uint8)
    zc = (np.arange(width) * 5 // width).astype(np.uint8)
    zones = (zr[:, None] * 5 + zc[None, :]).astype(np.uint8)
    return classes, zones


def measure(fn, repeat=3):
    """Best wall time of ``repeat`` runs, and the peak traced memory of one run."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak, out


def blocked_bincount(classes):
    flat = classes.ravel()
    total = np.zeros(N_CLASSES, np.int64)
    step = 1 << 20
    for s in range(0, flat.size, step):
        total += np.bincount(flat[s:s + step], minlength=N_CLASSES)
    return total


def shape_for(n: int):
    side = int(round(n ** 0.5))
    return side, -(-n // side)


def run_sizes(sizes, repeat):
    import dask
    import dask.array as da

    rows = []
    for n in sizes:
        h, w = shape_for(int(n))
        classes, zones = synthetic(h, w)
        px = classes.size
        ref_t, ref_m, ref = measure(lambda: np.bincount(classes.ravel(), minlength=N_CLASSES), repeat)
        blk_t, blk_m, _ = measure(lambda: blocked_bincount(classes), repeat)
        np_t, np_m, table = measure(lambda: zonal_class_area(classes, zones, n_classes=N_CLASSES, n_zones=N_ZONES), repeat)
        assert (table.sum(axis=0) == ref).all(), "zonal table does not add up to the class counts"
        dc, dz = da.from_array(classes, chunks=(4096, 4096)), da.from_array(zones, chunks=(4096, 4096))
        with dask.config.set(scheduler="threads"):
            dk_t, dk_m, dtable = measure(
                lambda: zonal_class_area(dc, dz, n_classes=N_CLASSES, n_zones=N_ZONES), repeat)
        assert (dtable == table).all(), "dask and numpy differ"
        for name, t, m in [("bincount", ref_t, ref_m), ("bincount-blocked", blk_t, blk_m),
                           ("zonal numpy", np_t, np_m), ("zonal dask", dk_t, dk_m)]:
            rows.append((px, name, t, px / t, m / 2**20, ref_t / t, blk_t / t))
        del classes, zones, dc, dz
    return rows


def print_table(rows):
    head = f"| {'pixels':>12} | {'method':<17} | {'seconds':>8} | {'Mpx/s':>8} | {'peak MB':>8} | {'÷ bincount':>10} | {'÷ blocked':>9} |"
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for px, name, t, rate, mb, r1, r2 in rows:
        print(f"| {px:>12,} | {name:<17} | {t:>8.3f} | {rate / 1e6:>8.1f} | {mb:>8.1f} | {r1:>10.2f} | {r2:>9.2f} |")


def write_tiles(folder: Path, side: int) -> tuple[Path, Path]:
    """Two tiled LZW uint8 GeoTIFFs of side² px, written band by band: land use (8 classes on 300 m
    patches, seed :data:`SEED`) and 20 zones (a 4 × 5 grid)."""
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    lu_path, zn_path = folder / "landuse.tif", folder / "zones.tif"
    prof = dict(driver="GTiff", height=side, width=side, count=1, dtype="uint8", crs="EPSG:32650",
                transform=from_origin(300000.0, 4500000.0, 30.0, 30.0), tiled=True, blockxsize=512,
                blockysize=512, nodata=255, compress="lzw")
    rng = np.random.default_rng(SEED)
    patches = rng.integers(0, N_CLASSES, size=(-(-side // PATCH), -(-side // PATCH)), dtype=np.uint8)
    band = 2048
    zc = (np.arange(side) * 5 // side).astype(np.uint8)
    with rasterio.open(lu_path, "w", **prof) as dl, rasterio.open(zn_path, "w", **prof) as dz:
        for r0 in range(0, side, band):
            r1 = min(side, r0 + band)
            p = patches[r0 // PATCH: -(-r1 // PATCH)]
            c = np.repeat(np.repeat(p, PATCH, axis=0), PATCH, axis=1)[r0 - (r0 // PATCH) * PATCH:][: r1 - r0, :side]
            zr = (np.arange(r0, r1) * 4 // side).astype(np.uint8)
            win = Window(0, r0, side, r1 - r0)
            dl.write(np.ascontiguousarray(c), 1, window=win)
            dz.write((zr[:, None] * 5 + zc[None, :]).astype(np.uint8), 1, window=win)
    return lu_path, zn_path


def run_huge(chunks=4096):
    """Write a 10⁹-pixel tiled GeoTIFF pair and account it chunked with dask."""
    import dask

    from gep.io.rasters import class_area_by_zone, open_raster

    side = 31623  # 31 623² = 1.000 011 × 10⁹
    tmp = Path(tempfile.mkdtemp(prefix="gep-huge-"))
    t0 = time.perf_counter()
    lu_path, zn_path = write_tiles(tmp, side)
    t_write = time.perf_counter() - t0
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = (lu_path.stat().st_size + zn_path.stat().st_size) / 2**20
    t0 = time.perf_counter()
    with dask.config.set(scheduler="threads"):
        lu = open_raster(lu_path, chunks=(chunks, chunks))
        zn = open_raster(zn_path, chunks=(chunks, chunks))
        out = class_area_by_zone(lu, zn, classes=list(range(N_CLASSES)))
    t_acc = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    px = side * side
    area_ok = abs(float(out.sum()) - px * 0.09) < 1e-6 * px
    print(f"\n--huge: {px:,} px ({side}²), 2 tiled LZW GeoTIFFs = {size_mb:,.0f} MB on disk, written in {t_write:.1f} s")
    print(f"  class_area_by_zone, dask chunks {chunks}²: {t_acc:.1f} s = {px / t_acc / 1e6:.1f} Mpx/s "
          f"(includes LZW decoding); peak RSS {rss:,.0f} MB (before accounting {rss_before:,.0f} MB); "
          f"area conserved: {area_ok}")
    for p in (lu_path, zn_path):
        p.unlink()
    tmp.rmdir()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="*", type=float, default=[1e6, 1e7, 1e8])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--huge", action="store_true", help="also a 10⁹-pixel GeoTIFF accounted with dask (slow)")
    args = ap.parse_args(argv)
    print(f"numpy {np.__version__}, {os.cpu_count()} CPU, block {1 << 20} px")
    print_table(run_sizes(args.sizes, args.repeat))
    print(f"\nprocess peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    if args.huge:
        run_huge()


if __name__ == "__main__":
    main()

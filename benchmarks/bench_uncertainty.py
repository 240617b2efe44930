"""Benchmark: 10⁴ Monte Carlo draws of the example county against one deterministic run, side by side.

The target (issue 11, part 5): the draws cost at most 5× one deterministic run's compute time.
Measured in one process, interleaved (deterministic, draws, whole analysis; again …) so that a busy
machine slows all three alike, best of ``--repeat``:

* ``deterministic`` -- ``gep.Account.from_config(cfg).run()``: read and check every input, run every
  service, assemble the result (what ``gep run`` computes before writing files);
* ``draws`` -- ``gep.account_uncertainty(acct, 10_000, seed=1, result=res, sobol_samples=0,
  variants=False)`` on that account: the 10⁴ Monte Carlo draws along the ``draw`` dimension (coefficient
  rows, land-use classes and statistics rows of the example's ``[uncertainty]``), their percentiles, the
  indicators and the Two-Mountains probabilities;
* ``whole analysis`` -- ``gep.account_uncertainty(acct, 10_000, seed=1, result=res)``: the same plus the
  Sobol indices (Saltelli design, draws ÷ (2 (groups + 2)) base samples), the structural ranges and every
  published method variant with its interval on the same draws: what ``gep run --uncertainty 10000`` adds
  to a run.

Peak memory of the draws (tracemalloc, Python allocations including numpy) is measured once, apart.
Usage::

    python benchmarks/bench_uncertainty.py              # 10 000 draws, best of 3
    python benchmarks/bench_uncertainty.py --draws 20000 --repeat 5
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import gep


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    cfg = gep.example_config()
    gep.Account.from_config(cfg).run()                        # warm caches (shipped sets, schemes)
    det, draws, whole = [], [], []
    for _ in range(args.repeat):
        t, res = _timed(lambda: gep.Account.from_config(cfg).run())
        det.append(t)
        acct = gep.Account.from_config(cfg)
        res = acct.run()
        t, unc = _timed(lambda: gep.account_uncertainty(acct, args.draws, seed=1, result=res, sobol_samples=0,
                                                        variants=False))
        draws.append(t)
        t, full = _timed(lambda: gep.account_uncertainty(acct, args.draws, seed=1, result=res))
        whole.append(t)
    tracemalloc.start()
    gep.account_uncertainty(acct, args.draws, seed=1, result=res, sobol_samples=0, variants=False)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()

    d, m, w = min(det), min(draws), min(whole)
    lo, mid, hi = full.interval()
    sens = full.sensitivity
    print(f"example county {res.year}, {args.draws} draws (seed 1), chunk {unc.settings.chunk}, best of {args.repeat}")
    print(f"{'deterministic run':<34}{d:8.2f} s")
    print(f"{'draws (Monte Carlo)':<34}{m:8.2f} s   ratio {m / d:5.2f}   (target ≤ 5)")
    print(f"{'whole analysis (+ Sobol, variants)':<34}{w:8.2f} s   ratio {w / d:5.2f}   "
          f"(Sobol: {sens.get('base_samples')} base samples, {sens.get('evaluations')} evaluations)")
    print(f"peak memory of the draws: {peak:.0f} MB (tracemalloc)")
    print(f"GEP {res.total / 1e8:,.2f} 亿元; 90 % interval {lo / 1e8:,.2f} – {hi / 1e8:,.2f} 亿元 (median {mid / 1e8:,.2f})")


if __name__ == "__main__":
    main()

"""Write ``notebooks/04_uncertainty.ipynb`` (without outputs) from the cells below.

Run ``python notebooks/make_04_uncertainty.py`` after editing a cell; the
notebook itself is executed by ``tests/test_notebooks.py`` (1000 draws: a few seconds).
"""

from __future__ import annotations

from pathlib import Path

from _notebook import write

HERE = Path(__file__).resolve().parent

CELLS = [
    ("md", """\
# How sure is this GEP? · 不确定性：区间、达标概率与敏感性

A GEP figure rests on hundreds of coefficients, a land-use map and yearbook statistics, each with its own error.
This notebook draws the example county's 2021 account 1000 times (Monte Carlo along a `draw` dimension, not a
loop over runs) and answers:

1. the 90 % interval of GEP, of each category, service and township;
2. the probability that each target is met (the plan's Two-Mountains rows, the appraisal's targets);
3. which coefficients drive the interval (first- and total-order Sobol indices);
4. how much the **choice of method** moves GEP — a structural spread, shown apart, with the interval of each
   variant;
5. that the same seed gives the same draws, bit for bit, whatever the chunks.

> **The ranges of the example are illustrative.** The example's coefficient set gives its rows ranges of ±10 %,
> ±20 % … (`status = illustrative`), chosen to show the method. No shipped set has a published statistical range
> for a GEP price or parameter; see [Uncertainty](../uncertainty.md) for which rows have a range and why.
> *示例县的范围是示意值，不是测量或发表的误差。*"""),
    ("code", """\
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import gep
from gep.decisions import appraise

pd.set_option("display.float_format", lambda v: f"{v:,.3f}")
YI = 1e8  # 亿元

cfg = gep.example_config()
m = gep.run_years(cfg)                 # 2020 and 2021: the Two-Mountains rows of 2021 are judged against 2020
res = m[m.years[-1]]
acct = gep.Account.from_config(cfg)    # the 2021 account
unc = gep.account_uncertainty(acct, draws=1000, seed=1, result=res)
lo, mid, hi = unc.interval()
print(f"GEP {res.total / YI:,.2f} 亿元; 90 % interval {lo / YI:,.2f} – {hi / YI:,.2f} (median {mid / YI:,.2f})")"""),
    ("md", """\
## 1. Intervals

`unc.value` holds GEP by service and township in every draw, `(draw, service, region)` in 元. Its percentiles
are the intervals; `unc.table()` lists them for GEP, categories, services, townships and indicators."""),
    ("code", """\
unc.value"""),
    ("code", """\
t = unc.table()
money = t[t["level"].isin(["gep", "category", "service"])].set_index("item")
(money[["deterministic", "p5", "p50", "p95"]] / YI).round(2)"""),
    ("code", """\
fig, ax = plt.subplots(figsize=(7, 3))
ax.hist(unc.gep / YI, bins=40, color="#9bbf9b")
ax.axvline(res.total / YI, color="#3a7d44", label="deterministic")
for x in (lo, hi):
    ax.axvline(x / YI, color="grey", ls="--")
ax.set_xlabel("GEP (100 million yuan)")
ax.set_title("1000 draws of the example county, 2021 (dashed: 90 % interval)")
ax.legend();"""),
    ("md", """\
What was drawn: one value per coefficient row and draw (the same price for every township), one area factor per
land-use class (the `[uncertainty]` section of `gep.toml` takes CNLUCC's published overall accuracy, 94.3 %, as
if the example's map were of that quality), one factor per statistics row (±5 %, illustrative). What was not
drawn is listed, with why."""),
    ("code", """\
sampled = pd.DataFrame(unc.sampled)
sampled.groupby(["kind", "distribution"]).size().rename("rows").to_frame()"""),
    ("code", """\
pd.DataFrame(unc.held).groupby("reason").size().rename("rows held at their value").to_frame()"""),
    ("md", """\
## 2. Probability of meeting a target

Each Two-Mountains row `gep` computes is judged in every draw by the rule of the deterministic judgement;
`p_met` is the share of draws that meet it. The appraisal of the targets table reads the same draws."""),
    ("code", """\
pd.DataFrame(unc.two_mountains)[["no", "indicator_en", "target_text", "value", "met", "p_met"]]"""),
    ("code", """\
a = appraise(m, cfg.parent / "targets.csv", draws=unc.value)
a.table.loc[a.table["p_met"].notna(), ["year", "region", "indicator", "target", "value", "met", "p_met"]]"""),
    ("md", """\
GEP is above its (illustrative) target of 1,100 亿元, but only by 4.6 亿元: in about half of the draws it is not.
A "met" that holds in half of the draws is worth saying so.

## 3. What drives the interval: Sobol indices

First-order (S1) and total-order (ST) Sobol indices of GEP, by group: every coefficient key (all its rows
together), the land-use areas and the statistics rows. Computed with SALib's estimators (gep's own code,
tested equal to SALib's) on a Saltelli design
evaluated along the same `draw` dimension; `±` is the 95 % confidence half-width (small designs are noisy)."""),
    ("code", """\
sens = pd.DataFrame(unc.sensitivity["groups"]).set_index("group")
sens.head(8)"""),
    ("code", """\
top = sens.head(6)[::-1]
fig, ax = plt.subplots(figsize=(7, 2.8))
ax.barh(top.index, top["ST"], xerr=top["ST_conf"], color="#3a7d44")
ax.set_xlabel("total-order Sobol index of GEP");"""),
    ("md", """\
The water-evaporation rate alone carries most of the variance: climate regulation is 80 % of the example's GEP
and its water-surface term most of that.

## 4. Structural spread: methods and published point values

The intervals are *parametric*: the method is fixed. Where published methods differ, GEP under each variant is
shown apart, with its own interval computed on the same draws (one service's method changed at a time). These
are not probabilities: no one has published how likely each reading is."""),
    ("code", """\
rows = []
for sid, by_method in unc.structural["method_variants"]["intervals"].items():
    for method, st in by_method.items():
        rows.append({"service": sid, "method": method, "GEP": st["deterministic"] / YI,
                     "5 %": st["p5"] / YI, "95 %": st["p95"] / YI})
pd.DataFrame(rows).set_index(["service", "method"])"""),
    ("md", """\
The climate-regulation variants move GEP from 1,105 to 649 or 421 亿元 — far more than every parametric error of
the example together. The shipped coefficient set has three *structural* ranges (lowest and highest published
point value of the same parameter); GEP at each end, one row at a time:"""),
    ("code", """\
ends = pd.DataFrame(unc.structural["ranges"])
ends[["gep_at_low", "gep_at_high"]] /= YI     # 亿元
ends[["key", "value", "low", "high", "unit", "gep_at_low", "gep_at_high"]]"""),
    ("md", """\
## 5. Reproducible, whatever the chunks

Every uncertain quantity has its own random stream named by what it is (set, key, ecosystem, region,
`valid_from` of a row); draw *k* is the *k*-th number of that stream. The same seed gives the same draws bit for
bit, and computing them 250 at a time changes nothing."""),
    ("code", """\
again = gep.account_uncertainty(acct, draws=1000, seed=1, result=res, chunk=250, sobol_samples=0, variants=False)
np.array_equal(again.gep, unc.gep)"""),
    ("md", """\
## The same from the command line

```bash
gep run gep/examples/shangyu/gep.toml --years 2020-2021 --uncertainty 10000 --seed 1 --out out --report
```

adds `summary.json["uncertainty"]`, the sheets 不确定性 Uncertainty and 敏感性 Sensitivity of `accounts.xlsx`,
and a section of the report. 10⁴ draws of the example cost 2.5–4× one deterministic run
(`benchmarks/bench_uncertainty.py`)."""),
]


if __name__ == "__main__":
    write(CELLS, "uncertainty", HERE / "04_uncertainty.ipynb")

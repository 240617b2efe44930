"""Write ``notebooks/03_yearly_accounts.ipynb`` (without outputs) from the cells below.

Run ``python notebooks/make_03_yearly_accounts.py`` after editing a cell; the
notebook itself is executed by ``tests/test_notebooks.py``.
"""

from __future__ import annotations

from pathlib import Path

from _notebook import write

HERE = Path(__file__).resolve().parent

CELLS = [
    ("md", """\
# The yearly account: what changed, and why · 逐年核算与变化分解

A county bureau accounts GEP every year. This notebook runs the example county for **2020 and 2021** in one go
and answers the questions a yearly report has to answer:

1. GEP by year, by service and township (`MultiYearResult.value` has a `year` dimension);
2. the indicators by year and their growth: GEP/GDP (the "绿金" ratio), GEP per resident, GEP per unit area;
3. **why** GEP changed: the change split into area, intensity, quantity and price effects that add up exactly
   (`m.compare(2020, 2021)`), by category and by service, with a chart;
4. the plan's Two-Mountains table (表1) of 2021, judged against its targets and against 2020;
5. current against constant prices: how much of the change is only inflation.

> **The 2020 inputs are illustrative.** The Shangyu plan gives 2021 figures only; `make_2020.py` in the example
> folder derives a plausible 2020 from them (2 % of built-up land still paddy field, statistics 3 % lower,
> tourism hit by the pandemic). The numbers show the method, not facts about 上虞区."""),
    ("code", """\
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import gep

pd.set_option("display.float_format", lambda v: f"{v:,.3f}")
YI = 1e8  # 亿元

m = gep.run_years(gep.example_config())   # [account] years = [2020, 2021] of gep.toml
m.years"""),
    ("md", """\
## 1. GEP by year

`run_years` runs the config once per year, with that year's inputs (`[years.2020]` in `gep.toml` names the 2020
land use, statistics and economy tables). `m.total` is GEP by year (元); `m.value` is a DataArray
`(year, service, region)`."""),
    ("code", """\
(m.total / YI).rename("GEP (亿元)").to_frame().assign(**{"growth (%)": m.total.pct_change() * 100})"""),
    ("code", """\
m.value"""),
    ("code", """\
# GEP by category and year (亿元): sum over townships, group the services by category
services = m[2021].services
by_service = m.value.sum("region").to_pandas().T / YI           # service × year
by_service.groupby(services["category"].reindex(by_service.index)).sum()"""),
    ("code", """\
# the five townships whose GEP grew most (亿元)
by_region = m.value.sum("service").to_pandas().T / YI           # region × year
by_region["change"] = by_region[2021] - by_region[2020]
names = m[2021].regions["name_en"]
by_region.assign(name=names.reindex(by_region.index)).sort_values("change", ascending=False).head()"""),
    ("md", """\
## 2. Indicators by year

`m.indicators()` has one row per indicator and one column per year, plus the growth in percent. The indicators are
those of each year's account at current prices, with that year's GDP and population from its economy table."""),
    ("code", """\
ind = m.indicators()
ind.loc[["gep_gdp_ratio", "gep_per_resident", "gep_per_area", "resident_eco_product_share"]]"""),
    ("code", """\
labels = {"gep_gdp_ratio": "GEP / GDP", "gep_per_resident": "GEP per resident (yuan)",
          "gep_per_area": "GEP per km² (10⁴ yuan)"}
fig, axes = plt.subplots(1, 3, figsize=(11, 3))
for ax, key in zip(axes, labels):
    values = ind.loc[key, m.years]
    ax.bar([str(y) for y in m.years], values, color=["#9bbf9b", "#3a7d44"])
    ax.set_title(f"{labels[key]}\\n{ind.loc[key, 'growth_2020_2021_%']:+.1f} %")
    ax.set_ylim(0, values.max() * 1.15)
fig.tight_layout()"""),
    ("md", """\
GEP per resident and per km² grew; GEP/GDP fell, because GDP grew faster than GEP (illustrative 2020 GDP of
1 060 亿元 against 1 135.68 亿元 in 2021)."""),
    ("md", """\
## 3. Why GEP changed

`m.compare(2020, 2021)` compares the two years **at constant 2020 prices** (the accounts are at current prices, so
`run_years` also ran both years at 2020 prices). Every service × township cell is split into additive effects
(Shapley decomposition, see the docs page *Year after year*):

* services computed by ecosystem type from land use: **area** (more or less land of each type), **intensity**
  (more or less service per hm²) and **price** (value per unit of service);
* services from statistics, or computed by township only: **quantity** and **price**."""),
    ("code", """\
c = m.compare(2020, 2021)
c.effects"""),
    ("code", """\
(c.by("category") / YI).assign(**{"change_%": c.by("category")["change_%"]})"""),
    ("code", """\
svc = c.by("service")
svc = svc[svc["change"] != 0].sort_values("change", ascending=False)
(svc / YI).assign(**{"change_%": svc["change_%"]})"""),
    ("md", """\
The chart below stacks the effects of each category (positive above zero, negative below); the black marker is the
change, which the stacked effects add up to."""),
    ("code", """\
by_cat = c.by("category")
colors = {"area": "#8c6d31", "intensity": "#3a7d44", "quantity": "#4c78a8", "price": "#e45756"}
names = {"provisioning": "Provisioning", "regulating": "Regulating", "cultural": "Cultural"}
cats = list(by_cat.index) + ["GEP"]
table = pd.concat([by_cat[c.effects], by_cat[c.effects].sum().to_frame("GEP").T]) / YI
change = pd.concat([by_cat["change"], pd.Series({"GEP": by_cat["change"].sum()})]) / YI

fig, ax = plt.subplots(figsize=(8, 4))
x = np.arange(len(cats))
pos, neg = np.zeros(len(cats)), np.zeros(len(cats))
for effect in c.effects:
    v = table[effect].to_numpy()
    bottom = np.where(v >= 0, pos, neg)
    ax.bar(x, v, bottom=bottom, color=colors[effect], label=f"{effect} effect", width=0.6)
    pos, neg = pos + np.clip(v, 0, None), neg + np.clip(v, None, 0)
ax.scatter(x, change.reindex(cats), color="black", zorder=3, label="change")
ax.axhline(0, color="grey", lw=0.8)
ax.set_xticks(x, [names.get(k, k) for k in cats])
ax.set_ylabel("10⁸ yuan, 2020 prices")
ax.set_title("Change of GEP from 2020 to 2021 and its effects")
ax.legend(frameon=False, fontsize=8)
fig.tight_layout()"""),
    ("md", """\
Reading it: cultural services grew with the recovery of tourism (a quantity effect: more visits, and a price
effect: more revenue per visit). Provisioning grew with output (quantity), while its value per tonne at 2020 prices
fell a little (price): the illustrative 2020 statistics are 2021's less 3 % in quantity and value alike, so 2021's
unit values are the same in current prices and 0.9 % lower in real terms. Regulating services changed with
intensity (more rain in 2021, 1 450 mm against 1 380 mm in the county's coefficient set, so more water retained per
hm²) and with area (paddy field turned into built-up land between 2020 and 2021: a small negative area effect on
soil retention, carbon sequestration and oxygen release).

### The effects add up

`c.check()` is the largest gap between the sum of a cell's effects and its change, relative to GEP. It is at the
level of rounding, in every cell, so the sums by service, category and township add up too."""),
    ("code", """\
gap = c.check()
print(f"largest |sum of effects - change| / GEP: {gap:.1e}")
assert gap < 1e-12

cells = c.cells
assert np.allclose(cells[c.effects].sum(axis=1), cells["change"], rtol=0, atol=1e-6 * cells["value_a"].abs().max())
total = c.total()
assert abs(total[c.effects].sum() - total["change"]) < 1e-6 * total["value_a"]
total / YI"""),
    ("md", """\
## 4. The Two-Mountains table of 2021

`gep.toml` names the plan's indicator table (`two_mountains.csv`, 上虞区 表1: 20 rows with their 2024 targets).
Rows 10–14 are computed from the account; rows marked 稳定提高 are judged against the previous year, which the
two-year run provides."""),
    ("code", """\
tm = m[2021].extra["two_mountains"]
tm[["no", "indicator_zh", "unit", "value", "value_source", "target_text", "reference", "reference_kind", "met",
    "reason_en"]]"""),
    ("code", """\
tm["met"].map({True: "met", False: "not met", None: "not judged"}).value_counts()"""),
    ("md", """\
The 2020 account reads the same table, but its status values are those of 2021, so they are **not** used for
2020: only the rows gep computes have a value, and none can be judged (there is no 2019)."""),
    ("code", """\
tm2020 = m[2020].extra["two_mountains"]
tm2020[["no", "indicator_zh", "value", "value_source", "met", "reason_en"]].head(12)"""),
    ("md", """\
## 5. Current and constant prices

The published accounts are at current prices: 2021 money in 2021 prices. Monetary coefficients are rebased from
their own price year with China's national CPI (the shipped set `cn-price-indices`, 上年 = 100), so the 2021
account at current prices is the 2021 account at 2020 prices times the CPI of 2021, 100.9 %. Compared **as run**,
that inflation shows up as a price effect; compared at constant prices (the default), it does not."""),
    ("code", """\
c_nominal = m.compare(2020, 2021, prices="as_run")
pd.DataFrame({"as run (current prices)": c_nominal.total(), "constant 2020 prices": c.total()}) / YI"""),
    ("code", """\
from gep.coefficients.deflators import price_index_series

cpi = price_index_series("cn-price-indices")           # price level, 2003 = 1
ratio = cpi[2021] / cpi[2020]
print(f"CPI 2021 / 2020 = {ratio:.4f}")
print(f"GEP 2021: {m[2021].total / YI:,.2f} 亿元 at current prices, "
      f"{m.constant[2021].total / YI:,.2f} 亿元 at 2020 prices; ratio {m[2021].total / m.constant[2021].total:.4f}")
print(f"nominal change {c_nominal.total()['change'] / YI:+,.2f} 亿元, real change {c.total()['change'] / YI:+,.2f} 亿元")
# administered prices (the pollutant fees and taxes) are nominal in every year: they do not inflate,
# so GEP's own price change is a little below the CPI's
assert 1.0 < m[2021].total / m.constant[2021].total <= ratio"""),
    ("md", """\
## From the command line

The same run, with the reports, is

```bash
gep run gep/examples/shangyu/gep.toml --years 2020-2021 --out out
gep compare out/years/2020 out
```

`out/` holds 2021 (its `accounts.xlsx` has the sheets 年度对比 Year-on-year, 指标年度对比 Indicators by year and
两山指标 Two-Mountains; its `summary.json` a `year_on_year` section), `out/years/2020/` holds 2020."""),
]


if __name__ == "__main__":
    write(CELLS, "yearly", HERE / "03_yearly_accounts.ipynb")

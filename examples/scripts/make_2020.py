"""Write the example county's ILLUSTRATIVE 2020 inputs from its 2021 inputs.

The Shangyu plan gives 2021 figures only. To show a year-on-year account, this
script derives a plausible 2020 from 2021 -- every number it writes is marked
``illustrative``:

* land use: 2 % of each township's built-up land (0601, 0701, 0702, 1003) was
  still paddy field (0101) in 2020 (urban expansion 2020 -> 2021); township
  totals are unchanged (exact to 0.01 hm²);
* statistics: every quantity and output value 3 % lower than 2021 (prices
  unchanged), tourism revenue 55.0 亿元 and 850 万人次 (a pandemic year);
* economy: GDP, value added and the other county figures set to round,
  plausible 2020 values; emissions 5 % higher than 2021.

Run from this folder: ``python make_2020.py``. It is deterministic.
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parents[2] / "gep" / "examples" / "shangyu"  # the example county's inputs
BUILT = ("0601", "0701", "0702", "1003")
CENT = Decimal("0.01")


def land_use() -> None:
    rows = list(csv.DictReader(open(HERE / "land_use.csv", encoding="utf-8")))
    out, moved = [], {}
    for r in rows:
        area = Decimal(r["area"])
        if r["code"] in BUILT:
            shift = (area * Decimal("0.02")).quantize(CENT, ROUND_HALF_UP)
            moved[r["region"]] = moved.get(r["region"], Decimal(0)) + shift
            area -= shift
        out.append({**r, "area": str(area), "status": "illustrative"})
    for region, shift in moved.items():
        paddy = [r for r in out if r["region"] == region and r["code"] == "0101"]
        if paddy:
            paddy[0]["area"] = str(Decimal(paddy[0]["area"]) + shift)
        else:
            out.append({"region": region, "code": "0101", "name_zh": "水田", "area": str(shift), "unit": "hm²",
                        "status": "illustrative"})
    before = sum(Decimal(r["area"]) for r in rows)
    after = sum(Decimal(r["area"]) for r in out)
    assert before == after, (before, after)
    with open(HERE / "land_use_2020.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(out)


def statistics() -> None:
    rows = list(csv.DictReader(open(HERE / "statistics.csv", encoding="utf-8")))
    out = []
    for r in rows:
        r = dict(r)
        if r["item"] == "旅游总收入":
            r["output_value"] = "55.0"
        elif r["item"] == "旅游人次":
            r["quantity"] = "850"
        else:
            for col in ("quantity", "output_value"):
                if r[col]:
                    r[col] = str(format((Decimal(r[col]) * Decimal("0.97")).normalize(), "f"))
        r["status"] = "illustrative"
        r["source"] = "illustrative: 2020 derived from 2021 by make_2020.py"
        out.append(r)
    with open(HERE / "statistics_2020.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(out)


ECONOMY_2020 = {
    "gdp": ("1060", "亿元"), "tertiary_value_added": ("470", "亿元"), "tourism_revenue": ("55.0", "亿元"),
    "industrial_output": ("1700", "亿元"), "population": ("71.90", "万人"),
    "green_organic_agri_output": ("40.0", "亿元"), "eco_processing_output": ("20.5", "亿元"),
    "eco_tourism_revenue": ("55.0", "亿元"),
}


def economy() -> None:
    rows = list(csv.DictReader(open(HERE / "economy.csv", encoding="utf-8")))
    out = []
    for r in rows:
        r = dict(r)
        ind = r["indicator"]
        if ind in ECONOMY_2020:
            r["value"], r["unit"] = ECONOMY_2020[ind]
        elif ind == "agricultural_output":
            r["value"] = format((Decimal(r["value"]) * Decimal("0.97")).normalize(), "f")
        elif ind.endswith("_emission"):
            r["value"] = format((Decimal(r["value"]) * Decimal("1.05")).normalize(), "f")
        r["status"] = "illustrative"
        r["source"] = "illustrative: 2020 figure for the example county (make_2020.py)"
        r["note"] = "not an official 2020 figure"
        out.append(r)
    with open(HERE / "economy_2020.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(out)


if __name__ == "__main__":
    land_use()
    statistics()
    economy()
    print("wrote land_use_2020.csv, statistics_2020.csv, economy_2020.csv")

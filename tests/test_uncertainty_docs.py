"""docs/uncertainty.md says which shipped coefficients have a published range: the tables must be the data."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

import gep
from gep.classifications.accuracy import LAND_COVER_ACCURACY
from gep.coefficients.load import shipped_sets

DOC = Path(__file__).resolve().parents[1] / "docs" / "uncertainty.md"


def table(name: str) -> list[list[str]]:
    """The rows of the markdown table between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(rf"<!-- {name}:start -->(.*?)<!-- {name}:end -->", text, re.S).group(1)
    lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip().startswith("|")]
    return [[c.strip().strip("`") for c in ln.strip("|").split("|")] for ln in lines[2:]]


def own_rows_with_range(set_id: str) -> list[dict]:
    t = gep.load_coefficients(set_id).table
    if "low" not in t:
        return []
    t = t[t["_set"] == set_id]
    return [r for r in t.to_dict("records") if not (r["low"] is None or (isinstance(r["low"], float)
                                                                           and math.isnan(r["low"])))]


def test_the_ranges_table_lists_every_shipped_row_with_a_range_and_nothing_else():
    in_data = {(sid, r["key"], r["ecosystem"]): r for sid in shipped_sets() for r in own_rows_with_range(sid)}
    documented = table("ranges")
    assert {(row[0], row[1]) for row in documented} == {(s, k) for s, k, _ in in_data}
    for set_id, key, value, low, high, dist, _source in documented:
        (r,) = [r for (s, k, _), r in in_data.items() if (s, k) == (set_id, key)]
        assert value == f"{r['value']:g} {r['unit']}"
        assert (float(low), float(high), dist) == (r["low"], r["high"], r["distribution"])
        assert r["range_source"], "a range in a shipped set names the sources of its published values"


def test_the_keys_said_to_have_no_published_range_have_none():
    documented = table("no-range")
    assert documented
    for set_id, key, _why in documented:
        t = gep.load_coefficients(set_id).table
        rows = t[(t["_set"] == set_id) & (t["key"] == key)]
        assert len(rows), f"{set_id} has no {key}"
        if "low" in rows:
            assert rows["low"].isna().all(), f"{set_id} {key} has a range; move it to the ranges table"


def test_the_land_cover_products_table_is_the_package_s():
    documented = {row[0]: float(row[1]) for row in table("products")}
    assert documented == {k: v["overall_accuracy"] for k, v in LAND_COVER_ACCURACY.items()}


@pytest.mark.parametrize("name", ["ranges", "no-range", "products", "bench"])
def test_every_marked_table_is_there(name):
    assert table(name)

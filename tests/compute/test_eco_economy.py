"""表1 rows 11-14 indicators, checked against the 上虞 2021 plan (seed 000_01c03a54af597a57)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gep.compute.eco_economy import (
    eco_economy_output,
    eco_processing_share,
    eco_tourism_share,
    green_organic_share,
    per_resident,
    realised_gep,
    resident_eco_product_share,
)

ECONOMY = Path(__file__).resolve().parents[2] / "gep" / "examples" / "shangyu" / "economy.csv"


@pytest.fixture(scope="module")
def economy() -> pd.Series:
    frame = pd.read_csv(ECONOMY, encoding="utf-8")
    return frame.set_index("label_zh")["value"]


def test_eco_tourism_share_hand_check():
    # 66.8 / 512.63 = 13.03 % (表1 row 14)
    assert round(float(eco_tourism_share(66.8, 512.63)), 2) == 13.03


def test_green_and_processing_shares():
    assert green_organic_share(42.9516, 73.80) == pytest.approx(58.2)
    assert eco_processing_share(23.743768, 1914.82) == pytest.approx(1.24)
    assert green_organic_share(1.0, 4.0) == 25.0


def test_units_cancel():
    # 亿元 / 亿元 equals 元 / 元
    assert eco_tourism_share(66.8e8, 512.63e8) == pytest.approx(eco_tourism_share(66.8, 512.63))


def test_resident_share_numerators_and_denominators():
    e = eco_economy_output(42.9516, 23.743768, 66.8)
    assert e == pytest.approx(133.495368)
    assert realised_gep(70.0, 30.0) == 100.0
    pop = 71.71e4
    gdp = 1135.68e8
    # with GDP per resident on the same population, the share reduces to E / GDP
    s = resident_eco_product_share(e * 1e8, pop, per_resident(gdp, pop))
    assert s == pytest.approx(100 * 133.495368 / 1135.68)
    # a disposable-income denominator: 10 000 元 per resident of eco-product output over 50 000 元 income = 20 %
    assert resident_eco_product_share(10_000 * 100, 100, 50_000) == pytest.approx(20.0)


def test_bad_denominators():
    with pytest.raises(ValueError):
        eco_tourism_share(1.0, 0.0)
    with pytest.raises(ValueError):
        per_resident(1.0, 0)


def test_example_economy_official_figures(economy):
    assert economy["地区生产总值"] == 1135.68
    assert economy["第三产业增加值"] == 512.63
    assert economy["旅游总收入"] == 66.8
    assert economy["农林牧渔业总产值"] == 73.80
    assert economy["规模以上工业产值"] == 1914.82
    assert economy["户籍人口"] == 71.71


def test_example_economy_reproduces_table1(economy):
    assert round(float(green_organic_share(economy["绿色有机农产品产值"], economy["农林牧渔业总产值"])), 1) == 58.2
    assert round(float(eco_processing_share(economy["生态加工业产值"], economy["规模以上工业产值"])), 2) == 1.24
    assert round(float(eco_tourism_share(economy["生态旅游收入"], economy["第三产业增加值"])), 2) == 13.03


def test_example_economy_provenance():
    frame = pd.read_csv(ECONOMY, encoding="utf-8")
    assert list(frame.columns) == ["indicator", "value", "unit", "status", "source", "label_zh", "note"]
    assert set(frame["status"]) <= {"official", "derived", "illustrative"}
    assert frame["source"].notna().all() and frame["indicator"].notna().all()
    derived = frame[frame["status"] == "derived"]
    assert len(derived) == 3
    assert derived["note"].str.contains("derived, not official").all()
    from gep.units import parse_unit

    for u in frame["unit"]:
        parse_unit(u)

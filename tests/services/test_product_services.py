"""Provisioning (物质产品) and cultural (文化服务) services from statistics, with hand-computed numbers.

The example county's statistics (``gep/examples/shangyu/statistics.csv``) are
summed by hand below; county figures are allocated to townships by the proxies
of ``gep.services.products.DEFAULT_ALLOCATION``. The product services are run
on the account's context (the same calls the engine makes), so these tests do
not depend on the regulating services of the example's profile.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import xarray as xr
from hypothesis import assume, HealthCheck, given, settings
from hypothesis import strategies as st

import gep
from gep import errors as E
from gep.services import get_service
from gep.services.products import PRODUCT_SERVICES
from conftest import tiny_regions

EXAMPLE = gep.example_config().parent
YI = 1e8


def run_products(acct: gep.Account) -> tuple[xr.DataArray, dict[str, xr.DataArray]]:
    """Value (service × region, 元) and physical quantities of every product service."""
    ctx = acct.context()
    values, phys = [], {}
    for sid in PRODUCT_SERVICES:
        method = get_service(sid).method()
        q = method.quantify(ctx, ctx.params.get(sid, {}))
        v = method.value(ctx, q, ctx.params.get(sid, {}))
        phys[sid] = q.data
        values.append(v.data.reindex(region=ctx.regions).expand_dims(service=[sid]))
    return xr.concat(values, dim="service"), phys


def edit(config: Path, section: str, lines: str, drop: str = "") -> None:
    """Add ``lines`` to ``[section]`` of a copied config (the section is created if absent);
    ``drop`` is a line of that section to remove first (e.g. the method being replaced)."""
    text = config.read_text(encoding="utf-8")
    if drop:
        assert drop + "\n" in text
        text = text.replace(drop + "\n", "", 1)
    header = f"[{section}]\n"
    text = text.replace(header, header + lines, 1) if header in text else text + "\n" + header + lines
    config.write_text(text, encoding="utf-8")


def example(config: Path | None = None, section: str = "", lines: str = "", drop: str = "") -> tuple[xr.DataArray, dict]:
    if section:
        edit(config, section, lines, drop)
    return run_products(gep.Account.from_config(config or gep.example_config()))


@pytest.fixture(scope="module")
def shangyu():
    return example()


def total(values: xr.DataArray, sid: str) -> float:
    return float(values.sel(service=sid).sum())


# --------------------------------------------------------------- example county totals
def test_group_totals_by_hand(shangyu):
    values, _ = shangyu
    # agriculture: 稻谷 60 000 t × 3 000 = 1.80 亿; 蔬菜 150 000 t × 2 400 = 3.60 亿; 茶叶 1 200 t × 150 000 = 1.80 亿;
    #   杨梅 12 000 t × 15 000 = 1.80 亿; 葡萄 20 000 t × 9 000 = 1.80 亿; 其他水果 80 000 万元 = 8.00 亿;
    #   花卉苗木 9.00 亿; 其他农产品 12.00 亿 → 1.8 + 3.6 + 1.8 + 1.8 + 1.8 + 8 + 9 + 12 = 39.80 亿元
    assert total(values, "agricultural_products") == pytest.approx(39.80 * YI, rel=1e-12)
    # forestry: 竹笋 30 000 t × 4 000 = 1.20 亿; 木材 20 000 m³ × 1 000 = 0.20 亿; 其他林产品 4.60 亿 → 6.00 亿元
    assert total(values, "forestry_products") == pytest.approx(6.00 * YI, rel=1e-12)
    # livestock: 猪肉 25 000 t × 24 000 = 6.00 亿; 禽肉 3.00; 禽蛋 2.00; 其他畜产品 2.00 → 13.00 亿元
    assert total(values, "livestock_products") == pytest.approx(13.00 * YI, rel=1e-12)
    # fishery: 水产品 60 000 t × 20 000 = 12.00 亿元
    assert total(values, "fishery_products") == pytest.approx(12.00 * YI, rel=1e-12)
    # 农林牧渔服务业 (3.00 亿) is part of the 73.80 亿 sector total but not an eco-product:
    # 39.80 + 6.00 + 13.00 + 12.00 = 70.80 = 73.80 − 3.00; the total row itself is not counted again
    farm = sum(total(values, s) for s in ("agricultural_products", "forestry_products", "livestock_products",
                                          "fishery_products", "farm_products_undivided", "other_products"))
    assert farm == pytest.approx((73.80 - 3.00) * YI, rel=1e-12)
    assert total(values, "farm_products_undivided") == 0.0
    # water: 农业 10 000 万m³ × 0.07 = 0.07 亿; 工业 8 000 万m³ × 3.6 = 2.88 亿; 生活 6 000 万m³ × 2.6 = 1.56 亿
    #   → 4.51 亿元
    assert total(values, "water_supply") == pytest.approx(4.51 * YI, rel=1e-12)
    # hydropower: 2 000 万kWh × 0.53 元/kWh = 0.106 亿元
    assert total(values, "eco_energy") == pytest.approx(0.106 * YI, rel=1e-12)
    # recreation (revenue method, eco_share 1): 旅游总收入 66.8 亿元
    assert total(values, "recreation") == pytest.approx(66.8 * YI, rel=1e-12)
    assert total(values, "landscape_value") == 0.0


def test_physical_totals_by_hand(shangyu):
    _, phys = shangyu
    # products reported in t: 稻谷 60 000 + 蔬菜 150 000 + 茶叶 1 200 + 杨梅 12 000 + 葡萄 20 000 = 243 200 t
    assert float(phys["agricultural_products"].sum()) == pytest.approx(243_200.0, rel=1e-12)
    # water use (10 000 + 8 000 + 6 000) 万m³ = 2.4e8 m³; hydropower 2 000 万kWh = 2e7 kWh; visits 1 000 万人次
    assert float(phys["water_supply"].sum()) == pytest.approx(2.4e8, rel=1e-12)
    assert float(phys["eco_energy"].sum()) == pytest.approx(2e7, rel=1e-12)
    assert float(phys["recreation"].sum()) == pytest.approx(1e7, rel=1e-12)


# ------------------------------------------------------------------------ allocation
def test_agriculture_allocated_by_farmland(shangyu):
    values, _ = shangyu
    # baiguan farmland (land_use.csv, codes 0101 水田 542.40 + 0102 水浇地 45.20 + 0103 旱地 90.40) = 678.00 hm²
    # county farmland (the same three codes over all 20 townships) = 26 425.30 hm²
    # baiguan's agriculture = 39.80 亿 × 678.00 / 26 425.30 = 1.0212 亿元
    assert float(values.sel(service="agricultural_products", region="baiguan")) == pytest.approx(
        39.80e8 * 678.00 / 26_425.30, rel=1e-9)
    # every township, from the land-use table read independently of gep
    lu = pd.read_csv(EXAMPLE / "land_use.csv", dtype={"code": str})
    farm = lu[lu["code"].isin(["0101", "0102", "0103"])].groupby("region")["area"].sum()
    assert farm.sum() == pytest.approx(26_425.30, abs=1e-6)
    got = values.sel(service="agricultural_products").to_series()
    pd.testing.assert_series_equal(got.sort_index(), (39.80e8 * farm / farm.sum()).sort_index(), check_names=False,
                                   rtol=1e-12)


def test_allocation_by_population_changes_split_not_total(example_copy, shangyu):
    base, _ = shangyu
    values, _ = example(example_copy, "allocation", 'agriculture = "population"\n')
    # baiguan: 15.20 万人 of the townships' 71.71 万人 → 39.80 亿 × 15.20 / 71.71 = 8.4362 亿元
    assert float(values.sel(service="agricultural_products", region="baiguan")) == pytest.approx(
        39.80e8 * 15.20 / 71.71, rel=1e-9)
    assert total(values, "agricultural_products") == pytest.approx(39.80 * YI, rel=1e-12)
    assert float(base.sel(service="agricultural_products", region="baiguan")) != pytest.approx(
        float(values.sel(service="agricultural_products", region="baiguan")), rel=1e-3)
    # the other groups keep their default proxies
    xr.testing.assert_allclose(values.sel(service="forestry_products"), base.sel(service="forestry_products"))


def test_allocation_by_land_area(example_copy):
    values, _ = example(example_copy, "allocation", 'fishery = "area"\n')
    # fishery 12.00 亿 by land area: baiguan 45.20 km² of 1 362 km² → 12e8 × 45.20 / 1362
    assert float(values.sel(service="fishery_products", region="baiguan")) == pytest.approx(
        12.00e8 * 45.20 / 1362, rel=1e-9)


def test_county_row_is_allocated_only_within_its_subtree():
    # c → A (a1 1 km², a2 3 km²), B (2 km²); a statistics row for A goes to a1 and a2 only,
    # by farmland: a1 100 hm², a2 300 hm² → 1/4, 3/4 of 100 t × 3 000 元/t = 300 000 元
    regions = pd.DataFrame([
        {"id": "c", "parent": "", "name_zh": "县", "name_en": "C", "area": 6, "area_unit": "km²"},
        {"id": "A", "parent": "c", "name_zh": "镇A", "name_en": "A", "area": 4, "area_unit": "km²"},
        {"id": "a1", "parent": "A", "name_zh": "村1", "name_en": "a1", "area": 1, "area_unit": "km²"},
        {"id": "a2", "parent": "A", "name_zh": "村2", "name_en": "a2", "area": 3, "area_unit": "km²"},
        {"id": "B", "parent": "c", "name_zh": "镇B", "name_en": "B", "area": 2, "area_unit": "km²"},
    ])
    land = xr.DataArray([[100.0], [300.0], [200.0]], dims=("region", "ecosystem"),
                        coords={"region": ["a1", "a2", "B"], "ecosystem": ["farmland_paddy"]}, attrs={"units": "hm²"})
    acct = gep.Account.from_inputs(year=2021, regions=regions, land_use=land, profile="rcees-gep",
                                   coefficients="cn-rcees", statistics=stats_table([("A", "稻谷", 100, 3000)]))
    values, _ = run_products(acct)
    got = values.sel(service="agricultural_products")
    assert float(got.sel(region="a1")) == pytest.approx(75_000.0, rel=1e-12)
    assert float(got.sel(region="a2")) == pytest.approx(225_000.0, rel=1e-12)
    assert float(got.sel(region="B")) == 0.0


def test_statistics_region_not_in_region_table():
    acct = tiny_account(stats_table([("t0", "稻谷", 100, 3000), ("nowhere", "稻谷", 100, 3000)]))
    with pytest.raises(E.UnknownRegion, match="nowhere"):
        run_products(acct)


# --------------------------------------------------------------------- methods
def test_net_output_with_intermediate_share(example_copy):
    values, _ = example(example_copy, "statistics", 'method = "net"\nintermediate_share = { "*" = 0.4, "猪肉" = 0.7 }\n',
                        drop='method = "gross"')
    # net = gross × (1 − share): agriculture 39.80 × 0.6 = 23.88 亿; forestry 6.00 × 0.6 = 3.60 亿; fishery 7.20 亿
    # livestock: 猪肉 6.00 × 0.3 = 1.80 + the other 7.00 × 0.6 = 4.20 → 6.00 亿
    # water and energy are valued gross either way: 4.51 and 0.106 亿
    expected = {"agricultural_products": 23.88, "forestry_products": 3.60, "livestock_products": 6.00,
                "fishery_products": 7.20, "water_supply": 4.51, "eco_energy": 0.106}
    for sid, yi in expected.items():
        assert total(values, sid) == pytest.approx(yi * YI, rel=1e-12), sid


def test_net_output_without_share_lists_the_items(example_copy):
    edit(example_copy, "statistics", 'method = "net"\n', drop='method = "gross"')
    with pytest.raises(E.StatisticsError, match="稻谷") as info:
        run_products(gep.Account.from_config(example_copy))
    assert {p.code for p in info.value.problems} == {"no_intermediate_consumption"}
    # every farm product row at once: 8 agriculture + 3 forestry + 4 livestock + 1 fishery = 16
    assert len(info.value.problems) == 16


def test_external_share_deduction(example_copy, shangyu):
    base, _ = shangyu
    values, _ = example(example_copy, "statistics", 'external_share = { agriculture = 0.25, "茶叶" = 0.5 }\n')
    # 茶叶 (the item wins over its group): 1.80 亿 × (1 − 0.5) = 0.90 亿
    # the rest of agriculture: (39.80 − 1.80) × (1 − 0.25) = 38.00 × 0.75 = 28.50 亿 → 29.40 亿元
    assert total(values, "agricultural_products") == pytest.approx(29.40 * YI, rel=1e-12)
    # other groups are not deducted
    assert total(values, "forestry_products") == pytest.approx(6.00 * YI, rel=1e-12)
    xr.testing.assert_allclose(values.sel(service="water_supply"), base.sel(service="water_supply"))


def test_external_share_as_one_number(example_copy):
    values, _ = example(example_copy, "statistics", "external_share = 0.1\n")
    # every provisioning row × 0.9: agriculture 35.82, water 4.059 亿元; recreation is cultural: 66.8 unchanged
    assert total(values, "agricultural_products") == pytest.approx(35.82 * YI, rel=1e-12)
    assert total(values, "water_supply") == pytest.approx(4.059 * YI, rel=1e-12)
    assert total(values, "recreation") == pytest.approx(66.8 * YI, rel=1e-12)


def test_travel_cost_recreation(example_copy):
    edit(example_copy, "cultural", 'method = "travel_cost"\ntravel_cost_per_visit = 300\ntime_cost_per_visit = 50\n'
         "consumer_surplus_per_visit = 100\n", drop='method = "revenue"')
    values, phys = run_products(gep.Account.from_config(example_copy))
    # 1 000 万人次 × (300 + 50 + 100) 元/人次 × eco_share 1.0 = 1e7 × 450 = 45.00 亿元 (not the 66.8 亿 revenue)
    assert total(values, "recreation") == pytest.approx(45.00 * YI, rel=1e-12)
    assert float(phys["recreation"].sum()) == pytest.approx(1e7, rel=1e-12)


def test_travel_cost_baiyangdian_2011():
    # 白洋淀 2011 (江波 et al. 2017): 135 万人次 × (52.47 + 343.33 + 578.03) 元/人次
    #   = 1.35e6 × 973.83 = 1 314 670 500 元 → 13.15 亿元 (published 13.15)
    stats = pd.DataFrame([{"region": "t0", "item": "旅游人次", "quantity": "135", "unit": "万人次", "price": "",
                           "price_unit": "", "output_value": "", "value_unit": "", "source": "江波 et al. 2017"}])
    acct = tiny_account(stats, cultural={"method": "travel_cost", "travel_cost_per_visit": 52.47,
                                         "time_cost_per_visit": 343.33, "consumer_surplus_per_visit": 578.03})
    values, _ = run_products(acct)
    rec = total(values, "recreation")
    assert rec == pytest.approx(1.35e6 * 973.83, rel=1e-12)
    assert round(rec / YI, 2) == 13.15


# ------------------------------------------------------------------- property tests
#: item, quantity unit, price unit, quantity × price → 元
ITEMS = [("稻谷", "吨", "元/吨", 1), ("蔬菜", "吨", "元/吨", 1), ("茶叶", "千克", "元/千克", 1), ("猪肉", "吨", "元/吨", 1),
         ("水产品", "吨", "元/吨", 1), ("木材", "立方米", "元/立方米", 1), ("工业用水", "万m³", "元/m³", 1e4),
         ("水力发电", "万千瓦时", "元/千瓦时", 1e4)]
FACTOR = {i: f for i, _, _, f in ITEMS}
VALUE_ITEMS = ["其他农产品", "其他林产品", "禽蛋"]
REGIONS = ["t0", "t1", "c"]
LAND = xr.DataArray([[50.0, 60.0, 30.0, 40.0, 20.0], [150.0, 100.0, 70.0, 60.0, 20.0]], dims=("region", "ecosystem"),
                    coords={"region": ["t0", "t1"],
                            "ecosystem": ["farmland_paddy", "forest_broadleaf", "grassland_meadow", "water", "wetland"]},
                    attrs={"units": "hm²"})


def stats_table(rows) -> pd.DataFrame:
    """``(region, item, quantity, price)`` rows (units from ITEMS) or ``(region, item, None, 万元 value)``."""
    units = {i: (u, pu) for i, u, pu, _ in ITEMS}
    out = []
    for region, item, q, p in rows:
        u, pu = units.get(item, ("吨", "元/吨"))
        if q is None:
            out.append({"region": region, "item": item, "quantity": "", "unit": "", "price": "", "price_unit": "",
                        "output_value": repr(float(p)), "value_unit": "万元", "source": "test"})
        else:
            out.append({"region": region, "item": item, "quantity": repr(float(q)), "unit": u, "price": repr(float(p)),
                        "price_unit": pu, "output_value": "", "value_unit": "", "source": "test"})
    return pd.DataFrame(out)


def tiny_account(stats: pd.DataFrame, **config) -> gep.Account:
    acct = gep.Account.from_inputs(year=2021, regions=tiny_regions((2.0, 4.0)), land_use=LAND, profile="rcees-gep",
                                   coefficients="cn-rcees", statistics=stats)
    for section, body in config.items():
        acct.config[section] = body
    return acct


rows_strategy = st.lists(
    st.tuples(st.sampled_from(REGIONS), st.sampled_from([i for i, *_ in ITEMS] + VALUE_ITEMS),
              st.floats(1.0, 1e5), st.floats(0.01, 1e4)),
    min_size=2, max_size=8, unique_by=lambda r: (r[0], r[1]),
).map(lambda rows: _one_level([(r, i, None if i in VALUE_ITEMS else q, p) for r, i, q, p in rows]))


def _one_level(rows):
    """Drop county rows of items also given by township (that would be counted twice, an error)."""
    by_township = {i for r, i, *_ in rows if r != "c"}
    return [row for row in rows if not (row[0] == "c" and row[1] in by_township)]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_strategy, st.floats(0.1, 10.0))
def test_value_is_linear_in_prices(rows, k):
    base, _ = run_products(tiny_account(stats_table(rows)))
    scaled_rows = [(r, i, q, p * k) for r, i, q, p in rows]   # every price and every output value × k
    scaled, _ = run_products(tiny_account(stats_table(scaled_rows)))
    xr.testing.assert_allclose(scaled, base * k, rtol=1e-9, atol=1e-6)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_strategy, st.data())
def test_value_is_additive_across_products_and_regions(rows, data):
    assume(len(rows) >= 2)
    cut = data.draw(st.integers(1, len(rows) - 1))
    whole, _ = run_products(tiny_account(stats_table(rows)))
    part_a, _ = run_products(tiny_account(stats_table(rows[:cut])))
    part_b, _ = run_products(tiny_account(stats_table(rows[cut:])))
    # products and regions split between two tables add up, service by service and township by township
    xr.testing.assert_allclose(whole, part_a + part_b, rtol=1e-9, atol=1e-6)
    # and the county total is the sum of the rows' values, whatever the allocation
    expected = sum(p * 1e4 if q is None else q * p * FACTOR[i] for _, i, q, p in rows)
    assert float(whole.sum()) == pytest.approx(expected, rel=1e-9)


def test_engine_gives_the_same_product_values(example_result, shangyu):
    # the account run (engine) and the direct calls above agree for every product service
    values, _ = shangyu
    accounted = [s for s in PRODUCT_SERVICES if s in example_result.value.service]  # the example drops two
    xr.testing.assert_allclose(example_result.value.sel(service=accounted).reset_coords(drop=True),
                               values.sel(service=accounted).transpose(*example_result.value.dims), rtol=1e-12)

"""Reading yearbook statistics: headers, units, totals, every error case, valuation by group."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gep.errors import DuplicateRows, InputFileError, StatisticsError, UnitError, UnknownProduct
from gep.classifications.products import GROUPS, load_product_catalogue
from gep.services.product_values import provisioning_by_group
from gep.statistics import read_statistics
from gep.units import unit_factor

EXAMPLE = Path(__file__).resolve().parents[2] / "gep" / "examples" / "shangyu" / "statistics.csv"


def write(tmp_path: Path, text: str, name: str = "stats.csv") -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


# the catalogue ------------------------------------------------------------------------------

def test_catalogue_is_bilingual_and_consistent():
    cat = load_product_catalogue()
    t = cat.table
    assert t["item_zh"].str.len().gt(0).all() and t["item_en"].str.len().gt(0).all()
    assert set(t["group"]) <= set(GROUPS)
    for zh in ("稻谷", "小麦", "玉米", "大豆", "薯类", "油菜籽", "蔬菜", "瓜果", "水果", "茶叶", "杨梅", "葡萄", "柑橘",
               "竹笋", "花卉苗木", "食用菌", "木材", "毛竹", "竹材", "油茶籽", "香榧", "猪肉", "牛肉", "羊肉", "禽肉",
               "禽蛋", "牛奶", "蜂蜜", "水产品", "淡水产品", "海水产品", "鱼类", "虾蟹类", "农业用水", "工业用水",
               "生活用水", "生态用水", "水力发电", "旅游总收入", "旅游人次"):
        assert cat.match(zh)["item_zh"] == zh
    assert cat.match("早稻")["item_zh"] == "稻谷"
    assert cat.match("Rice (paddy)")["item_zh"] == "稻谷"
    assert cat.match("其中：晚稻")["item_zh"] == "稻谷"
    assert cat.match("稻　谷")["item_zh"] == "稻谷"        # yearbook padding with a full-width space
    assert bool(cat.match("工业用水")["eco_product"]) is True
    assert bool(cat.match("生态用水")["eco_product"]) is False
    for g in GROUPS:
        assert GROUPS[g]["zh"] and GROUPS[g]["en"]


def test_catalogue_alias_collision_is_an_error():
    t = load_product_catalogue().table.reset_index(drop=True)
    extra = pd.DataFrame([{"item_zh": "新稻", "item_en": "New rice", "aliases": "早稻", "group": "agriculture",
                           "subgroup": "grain", "default_unit": "t", "eco_product": "true", "note": ""}])
    with pytest.raises(DuplicateRows, match="早稻"):
        load_product_catalogue(pd.concat([t, extra], ignore_index=True))


def test_user_catalogue_extends(tmp_path):
    t = load_product_catalogue().table.reset_index(drop=True)
    extra = pd.DataFrame([{"item_zh": "雷竹笋", "item_en": "Lei bamboo shoots", "aliases": "", "group": "forestry",
                           "subgroup": "bamboo", "default_unit": "t", "eco_product": "true", "note": "user"}])
    cat = load_product_catalogue(pd.concat([t, extra], ignore_index=True))
    f = write(tmp_path, "地区,项目,产量(吨),单价(元/吨)\na,雷竹笋,10,5000\n")
    out = read_statistics(f, catalogue=cat)
    assert out.table["output_value"].iloc[0] == 5e4
    with pytest.raises(UnknownProduct):
        read_statistics(f)


# units ----------------------------------------------------------------------------------------

def test_unit_factor_spellings():
    assert unit_factor("万吨", "t") == 1e4
    assert unit_factor("千克", "t") == pytest.approx(1e-3)
    assert unit_factor("元/斤", "元/t") == pytest.approx(2000.0)
    assert unit_factor("万m3", "m³") == 1e4
    assert unit_factor("万根", "根") == 1e4
    assert unit_factor("元/根", "元/根") == 1.0
    with pytest.raises(Exception):
        unit_factor("万根", "t")
    with pytest.raises(Exception):
        unit_factor("万头", "根")


@pytest.mark.parametrize("header", ["产量(万吨)", "产量（万吨）", "产量 [万吨]", "quantity (万吨)"])
def test_header_unit_wan_tonnes(tmp_path, header):
    f = write(tmp_path, f"地区,项目,{header},单价(元/吨)\na,稻谷,1.5,3000\n")
    t = read_statistics(f).table
    assert t["quantity"].iloc[0] == pytest.approx(1.5e4)
    assert t["quantity_unit"].iloc[0] == "t"
    assert t["output_value"].iloc[0] == pytest.approx(1.5e4 * 3000)


def test_header_units_for_value_and_price(tmp_path):
    f = write(tmp_path, "region,item,quantity (t),price (元/kg),output_value (万元)\n"
                        "a,tea,2,100,\n"
                        "a,vegetables,,,3\n")
    t = read_statistics(f).table.set_index("item")
    assert t.loc["茶叶", "price"] == pytest.approx(1e5)           # 100 元/kg = 1e5 元/t
    assert t.loc["茶叶", "output_value"] == pytest.approx(2e5)
    assert t.loc["蔬菜", "output_value"] == pytest.approx(3e4)


def test_unit_column_wins_over_header(tmp_path):
    f = write(tmp_path, "地区,项目,产量(吨),单位,产值(万元)\na,稻谷,2,万吨,6000\n")
    t = read_statistics(f).table
    assert t["quantity"].iloc[0] == 2e4
    assert t["output_value"].iloc[0] == 6e7


def test_value_given_in_quantity_column_for_value_item(tmp_path):
    f = write(tmp_path, "地区,项目,产量,单位\na,旅游总收入,66.8,亿元\n")
    t = read_statistics(f).table
    assert t["output_value"].iloc[0] == pytest.approx(66.8e8)


# the example county ---------------------------------------------------------------------------

def test_example_reads_and_totals_check():
    stats = read_statistics(EXAMPLE)
    rep = stats.report
    assert len(rep) == len(pd.read_csv(EXAMPLE))                     # every input row is reported
    total = rep[rep["item_input"] == "农林牧渔业总产值"].iloc[0]
    assert total["outcome"] == "total_checked"
    assert "农林牧渔业总产值" not in set(stats.table["item"])          # not counted twice
    farm = stats.table[stats.table["group"].isin(["agriculture", "forestry", "livestock", "fishery", "other"])]
    assert farm["output_value"].sum() == pytest.approx(73.80e8, rel=1e-12)
    assert stats.table["source_row"].iloc[0].endswith("statistics.csv:3")


def test_example_provisioning_by_group():
    p = provisioning_by_group(read_statistics(EXAMPLE))
    by = p.groupby("group")["value"].sum()
    assert by["agriculture"] == pytest.approx(39.80e8)
    assert by["forestry"] == pytest.approx(6.00e8)
    assert by["livestock"] == pytest.approx(13.00e8)
    assert by["fishery"] == pytest.approx(12.00e8)
    assert by["water_supply"] == pytest.approx(1e8 * 0.07 + 8e7 * 3.6 + 6e7 * 2.6)   # 4.51e8
    assert by["eco_energy"] == pytest.approx(2e7 * 0.53)
    assert "other" not in by.index                 # 农林牧渔服务业 is not an eco-product
    assert p["value"].sum() == pytest.approx(70.80e8 + 4.51e8 + 0.106e8)
    assert set(p["method"]) == {"market_value:gross"}
    full = provisioning_by_group(read_statistics(EXAMPLE), eco_only=False)
    assert full["value"].sum() == pytest.approx(p["value"].sum() + 3e8)


# gross / net, prices, external share -----------------------------------------------------------

def test_net_method(tmp_path):
    f = write(tmp_path, "地区,项目,产值(万元),中间消耗(万元)\na,稻谷,100,40\na,茶叶,200,\na,生活用水,50,\n")
    stats = read_statistics(f)
    with pytest.raises(StatisticsError, match="intermediate"):
        provisioning_by_group(stats, method="net")
    p = provisioning_by_group(stats, method="net", intermediate_share={"tea": 0.25, "茶叶": 0.25})
    v = p.set_index("item")["value"]
    assert v["稻谷"] == pytest.approx(60e4)
    assert v["茶叶"] == pytest.approx(150e4)
    assert v["生活用水"] == pytest.approx(50e4)       # water is valued gross either way
    assert set(p["method"]) == {"market_value:net"}
    with pytest.raises(ValueError):
        provisioning_by_group(stats, method="value_added")


def test_prices_override_and_quantity_only(tmp_path):
    f = write(tmp_path, "地区,项目,产量(吨)\na,稻谷,100\nb,稻谷,200\n")
    with pytest.raises(StatisticsError) as err:
        read_statistics(f)
    assert err.value.codes == ["no_value", "no_value"]
    stats = read_statistics(f, require_value=False)
    with pytest.raises(StatisticsError, match="no output value"):
        provisioning_by_group(stats)
    p = provisioning_by_group(stats, prices={"稻谷": 3000.0})
    assert p["value"].tolist() == [3e5, 6e5]
    frame = pd.DataFrame({"region": ["a", "b"], "item": ["稻谷", "稻谷"], "price": [3.0, 2.5], "price_unit": ["元/kg"] * 2})
    p = provisioning_by_group(stats, prices=frame)
    assert p["value"].tolist() == pytest.approx([3e5, 5e5])


def test_external_share(tmp_path):
    f = write(tmp_path, "地区,项目,产值(万元)\na,水产品,100\na,稻谷,100\n")
    p = provisioning_by_group(read_statistics(f), external_share={"fishery": 0.3})
    v = p.set_index("item")["value"]
    assert v["水产品"] == pytest.approx(70e4)
    assert v["稻谷"] == pytest.approx(100e4)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["r1", "r2", "r3"]), st.sampled_from(["稻谷", "茶叶", "杨梅", "猪肉", "木材"]),
                          st.integers(0, 10**6), st.integers(0, 10**5)),
                min_size=1, max_size=12, unique_by=lambda r: (r[0], r[1])),
       st.integers(0, 50))
def test_additive_across_regions_and_linear_in_prices(rows, factor):
    unit = {"木材": "m³"}
    with tempfile.TemporaryDirectory() as d:
        lines = ["地区,项目,产量,单位,单价,价格单位"] + [
            f"{r},{i},{q},{unit.get(i, 't')},{p},元/{unit.get(i, 't')}" for r, i, q, p in rows]
        stats = read_statistics(write(Path(d), "\n".join(lines) + "\n"))
    p = provisioning_by_group(stats)
    total = p["value"].sum()
    assert total == pytest.approx(sum(q * pr for _, _, q, pr in rows), rel=1e-12)
    # additive: the account of the whole table is the sum of the accounts of its regions
    parts = sum(provisioning_by_group(stats.table[stats.table["region"] == r])["value"].sum()
                for r in stats.table["region"].unique())
    assert parts == pytest.approx(total, rel=1e-12)
    # linear: scaling every price by a factor scales the value by it
    prices = pd.DataFrame({"region": [r for r, *_ in rows], "item": [i for _, i, *_ in rows],
                           "price": [float(pr * factor) for *_, pr in rows]})
    assert provisioning_by_group(stats, prices=prices)["value"].sum() == pytest.approx(factor * total, rel=1e-12)


# Excel -----------------------------------------------------------------------------------------

def test_excel_round_trip(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["这是说明页"])
    ws2 = wb.create_sheet("2021")
    ws2.append(["地区", "项目", "产量（吨）", "单价(元/吨)", "产值（万元）"])
    ws2.append(["a", "稻谷", 100, 3000, None])
    ws2.append(["a", "茶叶", None, None, 20])
    ws2.append([None, None, None, None, None])
    ws2.append(["a", "农业", None, None, 50])
    path = tmp_path / "stats.xlsx"
    wb.save(path)

    stats = read_statistics(path, sheet="2021")
    t = stats.table.set_index("item")
    assert t.loc["稻谷", "output_value"] == 3e5
    assert t.loc["茶叶", "output_value"] == 2e5
    assert t.loc["稻谷", "source_row"] == f"{path}[2021]:2"
    assert stats.report.set_index("row").loc[5, "outcome"] == "total_checked"

    # first sheet by default: the notes page has no item column
    with pytest.raises(InputFileError, match="item"):
        read_statistics(path)


# every error case -------------------------------------------------------------------------------

def test_unknown_products_listed_together(tmp_path):
    f = write(tmp_path, "地区,项目,产值(万元)\na,稻谷,1\na,火龙果干,2\na,石油,3\n")
    with pytest.raises(UnknownProduct) as err:
        read_statistics(f)
    e = err.value
    assert e.codes == ["unknown_product", "unknown_product"]
    assert [p.value for p in e.problems] == ["火龙果干", "石油"]
    assert [p.row for p in e.problems] == [3, 4]
    assert all(p.file == str(f) and p.column == "项目" for p in e.problems)
    assert "火龙果干" in str(e) and "石油" in str(e)


def test_unknown_product_suggests(tmp_path):
    f = write(tmp_path, "地区,项目,产值(万元)\na,杨梅果,1\n")
    with pytest.raises(UnknownProduct) as err:
        read_statistics(f)
    assert "杨梅" in err.value.problems[0].hint_zh


def test_quantity_in_money_is_a_unit_error(tmp_path):
    f = write(tmp_path, "地区,项目,产量,单位,单价,价格单位\na,稻谷,100,元,3000,元/吨\n")
    with pytest.raises(UnitError) as err:
        read_statistics(f)
    p = err.value.problems[0]
    assert p.code == "unit_mismatch" and p.row == 2 and p.column == "单位" and p.value == "元"
    assert "产值" in p.hint_zh


def test_unparseable_and_missing_units(tmp_path):
    f = write(tmp_path, "地区,项目,产量,单位,产值\na,稻谷,100,箩筐,5\n")
    with pytest.raises(UnitError) as err:
        read_statistics(f)
    assert sorted(err.value.codes) == ["bad_unit", "missing_unit"]


def test_price_unit_must_match_item(tmp_path):
    f = write(tmp_path, "地区,项目,产量(吨),单价(元/m³)\na,稻谷,100,3\n")
    with pytest.raises(UnitError, match="元/t"):
        read_statistics(f)


def test_quantity_without_price_or_value(tmp_path):
    f = write(tmp_path, "地区,项目,产量,单位,单价,价格单位,产值,产值单位\n"
                        "a,稻谷,100,吨,,,,\na,茶叶,,,,,,\na,旅游人次,5,万人次,,,,\n")
    with pytest.raises(StatisticsError) as err:
        read_statistics(f)
    # 稻谷: quantity without price; 茶叶: nothing; 旅游人次 needs no price (travel-cost method)
    assert err.value.codes == ["no_value", "no_value"]
    assert [p.row for p in err.value.problems] == [2, 3]
    assert err.value.problems[0].column == "单价"


def test_negative_and_non_numeric(tmp_path):
    f = write(tmp_path, "地区,项目,产值(万元)\na,稻谷,-5\na,茶叶,abc\na,杨梅,\"1,200\"\n")
    with pytest.raises(StatisticsError) as err:
        read_statistics(f)
    assert err.value.codes == ["negative_value", "not_a_number"]
    assert err.value.problems[0].value == -5.0


def test_duplicate_rows(tmp_path):
    f = write(tmp_path, "地区,项目,产值(万元)\na,早稻,1\na,晚稻,2\nb,稻谷,3\n")
    with pytest.raises(DuplicateRows) as err:
        read_statistics(f)
    p = err.value.problems[0]
    assert p.row == 3 and p.value == "晚稻" and "2" in p.en


def test_same_item_in_two_years_is_not_duplicate(tmp_path):
    f = write(tmp_path, "地区,项目,产值(万元),年份\na,稻谷,1,2020\na,稻谷,2,2021\n")
    assert read_statistics(f).table["year"].tolist() == [2020, 2021]


def test_total_contradicting_parts(tmp_path):
    f = write(tmp_path, "地区,项目,产值(万元)\n"
                        "a,农林牧渔业总产值,100\n"
                        "a,农业,60\n"
                        "a,稻谷,30\n"
                        "a,茶叶,20\n"
                        "a,猪肉,30\n")
    with pytest.raises(StatisticsError) as err:
        read_statistics(f)
    e = err.value
    assert e.codes == ["total_mismatch", "total_mismatch"]
    rows = sorted(p.row for p in e.problems)
    assert rows == [2, 3]                              # 农业 60 ≠ 50 and 总产值 100 ≠ 80
    assert all(p.column == "产值(万元)" for p in e.problems)


def test_totals_within_tolerance_and_sector_rows_without_parts(tmp_path):
    f = write(tmp_path, "地区,项目,产值(万元)\n"
                        "a,合计,100.2\n"
                        "a,农业,60\n"
                        "a,林业,40\n")
    stats = read_statistics(f)
    assert stats.table["item"].tolist() == ["农业", "林业"]
    assert stats.table["group"].tolist() == ["agriculture", "forestry"]
    out = stats.report.set_index("item_input")["outcome"]
    assert out["合计"] == "total_checked" and out["农业"] == "total_kept"
    with pytest.raises(StatisticsError):
        read_statistics(f, total_rtol=1e-4)


def test_subgroup_total_in_quantity(tmp_path):
    f = write(tmp_path, "地区,项目,产量(吨),单价(元/吨)\na,粮食,300,\na,稻谷,100,3000\na,小麦,200,2500\n")
    stats = read_statistics(f)
    assert stats.table["item"].tolist() == ["稻谷", "小麦"]
    f2 = write(tmp_path, "地区,项目,产量(吨),单价(元/吨)\na,粮食,400,\na,稻谷,100,3000\na,小麦,200,2500\n", "b.csv")
    with pytest.raises(StatisticsError, match="400"):
        read_statistics(f2)
    # a quantity-only total that stands for unlisted parts still needs a value
    f3 = write(tmp_path, "地区,项目,产量(吨),单价(元/吨)\na,粮食,300,\n", "c.csv")
    with pytest.raises(StatisticsError) as err:
        read_statistics(f3)
    assert err.value.codes == ["no_value"]
    assert read_statistics(f3, require_value=False).table["quantity"].tolist() == [300.0]


def test_farm_total_without_parts_is_kept(tmp_path):
    f = write(tmp_path, "地区,项目,产值(亿元)\na,农林牧渔业总产值,73.80\na,旅游总收入,66.8\n")
    t = read_statistics(f).table
    assert t.set_index("item").loc["农林牧渔业总产值", "group"] == "farm_sectors"
    p = provisioning_by_group(t)
    assert p["value"].sum() == pytest.approx(73.80e8)


def test_mixed_problems_raise_every_kind(tmp_path):
    f = write(tmp_path, "地区,项目,产值(万元)\na,不存在的产品,1\na,稻谷,-1\na,茶叶,1\na,茶叶,2\n")
    with pytest.raises(UnknownProduct) as err:
        read_statistics(f)
    e = err.value
    assert isinstance(e, StatisticsError) and isinstance(e, DuplicateRows)
    assert set(e.codes) == {"unknown_product", "negative_value", "duplicate_row"}


def test_blank_lines_keep_row_numbers(tmp_path):
    f = write(tmp_path, "地区,项目,产值(万元)\na,稻谷,1\n\na,火龙果干,2\n")
    with pytest.raises(UnknownProduct) as err:
        read_statistics(f)
    assert err.value.problems[0].row == 4


def test_file_level_errors(tmp_path):
    with pytest.raises(InputFileError):
        read_statistics(tmp_path / "missing.csv")
    latin1 = tmp_path / "latin1.csv"   # neither UTF-8 nor Chinese in GB18030: refused, never read as mojibake
    latin1.write_bytes("地区,项目,产值(万元)\na,稻谷,1\n".encode("utf-8") + "b,café,1\n".encode("latin-1"))
    with pytest.raises(InputFileError) as err:
        read_statistics(latin1)
    assert err.value.codes == ["unknown_encoding"]
    f = write(tmp_path, "地区,名字,产值(万元)\na,稻谷,1\n", "nocol.csv")
    with pytest.raises(InputFileError, match="item"):
        read_statistics(f)
    f = write(tmp_path, "项目,产值(万元)\n稻谷,1\n", "noregion.csv")
    with pytest.raises(InputFileError, match="region"):
        read_statistics(f)
    assert read_statistics(f, default_region="x").table["region"].tolist() == ["x"]
    f = write(tmp_path, "地区,项目,产值,价值\na,稻谷,1,2\n", "dupcol.csv")
    with pytest.raises(InputFileError, match="same"):
        read_statistics(f)

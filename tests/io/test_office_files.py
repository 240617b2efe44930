"""Files as offices write them: GBK "CSV", yearbook sheets with titles and merged headers, lost leading zeros.

Every fixture here is built from real bytes (GBK-encoded text, an .xlsx written by
openpyxl with merged ranges), so the reader meets what a county bureau sends.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import gep
from gep.classifications import areas_by_ecosystem, load_scheme
from gep.classifications.products import extended_catalogue, load_product_catalogue
from gep.errors import InputFileError, UnknownLandUseCode, UnknownProduct
from gep.io.tables import decode_text, read_csv_checked, text_encoding
from gep.regions import RegionTable
from gep.statistics import read_statistics

STATS = "地区,项目,产量(吨),单价(元/吨),产值(万元)\nx,稻谷,100,3000,\nx,茶叶,,,41\n"


# ------------------------------------------------------------------------- encodings
def test_gbk_statistics_read_as_the_utf8_file(tmp_path):
    utf8, gbk = tmp_path / "u.csv", tmp_path / "g.csv"
    utf8.write_text(STATS, encoding="utf-8")
    gbk.write_bytes(STATS.encode("gbk"))
    assert gbk.read_bytes() != utf8.read_bytes()
    a, b = read_statistics(utf8), read_statistics(gbk)
    # 100 t × 3000 元/t = 300 000 元; 41 万元 = 410 000 元
    assert list(b.table["output_value"]) == [300000.0, 410000.0] == list(a.table["output_value"])
    assert list(b.table["item"]) == ["稻谷", "茶叶"]
    assert text_encoding(gbk) == "gb18030" and text_encoding(utf8) == "utf-8"


def test_gb18030_characters_outside_gbk_read():
    text = "地区,项目\n㐀乡,稻谷\n"          # 㐀 (U+3400) is in GB18030, not in GBK
    assert decode_text(text.encode("gb18030")) == (text, "gb18030")


def test_utf8_bom_is_utf8():
    assert decode_text("\ufeffid,name\n1,上虞\n".encode("utf-8")) == ("id,name\n1,上虞\n", "utf-8")


def test_non_chinese_legacy_encoding_is_refused_not_mojibake(tmp_path):
    f = tmp_path / "latin.csv"
    f.write_bytes("id,name\n1,Zürich; café\n".encode("latin-1"))
    with pytest.raises(InputFileError) as exc:
        read_csv_checked(f, required=["id"])
    assert exc.value.codes == ["unknown_encoding"] and exc.value.problems[0].row == 2


# ------------------------------------------------- text a workbook cannot hold
@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x01", "\x1f"])  # a NUL makes the file binary: not_csv
def test_a_control_character_in_a_table_is_named_with_its_row_and_column(tmp_path, char):
    """A vertical tab pasted into a name would stop the workbook at the end of the run: refused when read."""
    f = tmp_path / "regions.csv"
    f.write_text(f"id,name_en\nshangyu,Shangyu\nbaiguan,Bai{char}guan\ncaoe,Cao{char}e\n", encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_csv_checked(f, required=["id"])
    assert exc.value.codes == ["unstorable_text", "unstorable_text"]
    first = exc.value.problems[0]
    assert (first.file, first.row, first.column) == (str(f), 3, "B")  # the spreadsheet's row 3, column B
    assert f"U+{ord(char):04X}" in first.en and repr(f"Bai{char}guan") in first.en


def test_tab_line_break_and_carriage_return_are_text_a_workbook_holds(tmp_path):
    f = tmp_path / "regions.csv"
    f.write_text('id,name_en\nbaiguan,"Bai\tguan\r\nSubdistrict"\n', encoding="utf-8")
    assert read_csv_checked(f, required=["id"])["name_en"].tolist() == ["Bai\tguan\r\nSubdistrict"]


def test_a_control_character_in_the_example_stops_the_run_before_it_computes(example_copy):
    from typer.testing import CliRunner

    from gep.cli import app

    regions = example_copy.parent / "regions.csv"
    regions.write_text(regions.read_text(encoding="utf-8").replace("Baiguan", "Bai\x0bguan", 1), encoding="utf-8")
    out = example_copy.parent / "out"
    run = CliRunner().invoke(app, ["run", str(example_copy), "--out", str(out), "-q"])
    assert run.exit_code == 1, run.output
    assert "U+000B" in run.output and "regions.csv" in run.output and "internal error" not in run.output
    assert not out.exists()


# ------------------------------------------------------------- yearbook Excel sheets
def _yearbook(path: Path, item_row_6: str = "稻谷") -> Path:
    """A sheet as a yearbook publishes it: title, unit note, a two-row merged header, a footnote."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表3-2"
    ws.append(["2021年各乡镇主要农产品产量与产值"])            # row 1, merged A1:E1
    ws.append(["资料来源：区统计局"])                          # row 2
    ws.append(["地区", "项目", "产量", None, "产值"])          # row 3: 产量 merged over C3:D3
    ws.append([None, None, "数量", "单位", "万元"])            # row 4: A3:A4 and B3:B4 merged
    ws.append(["x", "稻谷", 100, "吨", None])                 # row 5
    ws.append(["x", item_row_6, None, None, 41])             # row 6
    ws.append([None, None, None, None, None])                # row 7 blank
    ws.append(["注：产值按当年价格计算。"])                    # row 8 footnote
    for rng in ("A1:E1", "C3:D3", "A3:A4", "B3:B4"):
        ws.merge_cells(rng)
    wb.save(path)
    return path


def test_yearbook_sheet_with_title_merged_header_and_footnote(tmp_path):
    f = _yearbook(tmp_path / "yearbook.xlsx", "茶叶")
    out = read_statistics(f, require_value=False)
    t = out.table
    assert list(t["item"]) == ["稻谷", "茶叶"]
    assert t.loc[t["item"] == "稻谷", "quantity"].iloc[0] == 100.0     # 数量 under the merged 产量, unit from 单位
    assert t.loc[t["item"] == "茶叶", "output_value"].iloc[0] == 410000.0  # 41 万元 (unit from the row under 产值)
    assert list(t["source_row"]) == [f"{f}[表3-2]:5", f"{f}[表3-2]:6"]   # spreadsheet rows, as a person sees them


def test_yearbook_sheet_errors_name_the_spreadsheet_row(tmp_path):
    f = _yearbook(tmp_path / "yearbook.xlsx", "茶页")
    with pytest.raises(UnknownProduct) as exc:
        read_statistics(f, require_value=False)
    p = exc.value.problems[0]
    assert p.row == 6 and p.file.endswith("[表3-2]") and "茶叶" in p.hint_zh   # near miss suggested


def test_header_row_option(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("上虞区 2021 年统计表,,,,\n单位：吨,,,,\n" + STATS, encoding="utf-8")
    assert len(read_statistics(f).table) == 2                     # detected
    assert len(read_statistics(f, header_row=3).table) == 2       # given
    with pytest.raises(InputFileError) as exc:
        read_statistics(f, header_row=99)
    assert exc.value.codes == ["bad_header_row"]
    with pytest.raises(InputFileError) as exc:                    # a wrong header row: columns are missing
        read_statistics(f, header_row=2)
    assert exc.value.codes == ["missing_columns"] and exc.value.problems[0].row == 2


def test_header_row_in_the_account_config(example_copy):
    folder = example_copy.parent
    text = (folder / "statistics.csv").read_text(encoding="utf-8")
    (folder / "statistics.csv").write_text("上虞区 2021 年主要农产品,,,\n" + text, encoding="utf-8")
    before = gep.Account.from_config(gep.example_config()).run().total
    cfg = example_copy.read_text(encoding="utf-8").replace('[statistics]\n', '[statistics]\nheader_row = 2\n')
    example_copy.write_text(cfg, encoding="utf-8")
    assert gep.Account.from_config(example_copy).run().total == before


def test_region_table_in_a_sheet_below_a_title_keeps_row_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "regions"
    ws.append(["地区表（示意）"])
    ws.append(["地区编号\nid", "上级\nparent", "中文名\nname_zh", "英文名\nname_en", "面积\narea", "面积单位\narea_unit"])
    ws.append(["c", "", "县", "County", 10, "km²"])
    ws.append(["t1", "c", "镇", "Town", "ten", "km²"])             # row 4: a bad area
    wb.save(tmp_path / "book.xlsx")
    with pytest.raises(Exception) as exc:
        RegionTable.from_csv(f"{tmp_path / 'book.xlsx'}#regions")
    p = exc.value.problems[0]
    assert p.code == "invalid_region_area" and p.row == 4


# ------------------------------------------------------------------- template tables
def test_header_only_table_is_a_table_to_fill(tmp_path):
    f = tmp_path / "land_use.csv"
    f.write_text("region,code,area,unit,status\n", encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_csv_checked(f, required=["region", "code", "area", "unit"])
    assert exc.value.codes == ["table_to_fill"]


def test_example_rows_must_be_deleted(tmp_path):
    f = tmp_path / "land_use.csv"
    f.write_text("region,code,area,unit,status\na,0101,1,hm²,示例\na,0102,1,hm²,official\nb,0101,2,hm²,example\n",
                 encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_csv_checked(f, required=["region", "code", "area", "unit"])
    assert exc.value.codes == ["example_row", "example_row"] and [p.row for p in exc.value.problems] == [2, 4]


# ----------------------------------------------------------- leading zeros, near misses
def _land_use(codes):
    return pd.DataFrame({"region": "a", "code": codes, "area": "1", "unit": "hm²"})


def test_lost_leading_zeros_are_one_error_with_the_codes_meant():
    scheme = load_scheme("gbt21010-2017")
    with pytest.raises(UnknownLandUseCode) as exc:
        areas_by_ecosystem(_land_use(["101", "102", "301", "1101"]), scheme, regions=["a"])
    assert exc.value.codes == ["leading_zeros_dropped"]
    p = exc.value.problems[0]
    assert p.value == ["101", "102", "301"] and "101 → 0101" in p.en and "text" in p.hint_en


def test_near_miss_code_is_suggested():
    scheme = load_scheme("gbt21010-2017")
    with pytest.raises(UnknownLandUseCode) as exc:
        areas_by_ecosystem(_land_use(["0101", "0310"]), scheme, regions=["a"])
    p = exc.value.problems[0]
    assert p.code == "unknown_land_use_code" and p.value == "0310" and "0301" in p.hint_en


def test_lost_zeros_in_the_example_land_use_give_one_problem(example_copy):
    f = example_copy.parent / "land_use.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    f.write_text("\n".join([lines[0]] + [ln.replace(",0", ",", 1) for ln in lines[1:]]) + "\n", encoding="utf-8")
    problems = gep.Account.from_config(example_copy).validate()
    assert [p.code for p in problems] == ["leading_zeros_dropped"]


# ---------------------------------------------------------------------- the catalogue
def test_yearbook_aliases():
    cat = load_product_catalogue()
    for alias, item in (("香菇", "食用菌"), ("黑木耳", "食用菌"), ("干毛茶", "茶叶"), ("原木", "木材"),
                        ("笋干", "竹笋"), ("猪牛羊禽肉", "肉类"), ("中草药材", "中药材"), ("油料", "油料")):
        assert cat.match(alias)["item_zh"] == item, alias


def test_oil_crops_total_is_checked_against_its_parts(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("地区,项目,产量(吨),产值(万元)\nx,油料,30,9\nx,油菜籽,10,3\nx,花生,20,6\n", encoding="utf-8")
    out = read_statistics(f)
    # the total (9 万元) equals its parts (3 + 6 万元) and is not counted again: 90 000 元
    assert out.table["output_value"].sum() == 90000.0


def test_county_catalogue_extends_the_shipped_one(tmp_path):
    extra = tmp_path / "products_extra.csv"
    extra.write_text("item_zh,item_en,aliases,group,subgroup,default_unit,eco_product,note\n"
                     "雷竹笋,Lei bamboo shoots,雷笋,forestry,bamboo,t,true,county product\n"
                     "食用菌,,灵芝,,,,,an alias of a shipped product\n", encoding="utf-8")
    cat = extended_catalogue(extra)
    assert cat.match("雷笋")["item_zh"] == "雷竹笋" and cat.match("灵芝")["item_zh"] == "食用菌"
    assert cat.match("香菇")["item_zh"] == "食用菌"                   # the shipped aliases stay


def test_county_catalogue_may_not_redefine_a_shipped_product(tmp_path):
    extra = tmp_path / "products_extra.csv"
    extra.write_text("item_zh,item_en,aliases,group,subgroup,default_unit,eco_product,note\n"
                     "稻谷,,,forestry,,,,\n", encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        extended_catalogue(extra)
    assert exc.value.codes == ["catalogue_redefines_item"] and exc.value.problems[0].row == 2


def test_catalogue_key_in_the_config(example_copy):
    folder = example_copy.parent
    with open(folder / "statistics.csv", "a", encoding="utf-8") as fh:
        fh.write("shangyu,雷笋,,,,,500,万元,illustrative,test row\n")
    problems = gep.Account.from_config(example_copy).validate()
    assert [p.code for p in problems] == ["unknown_product"]
    assert 'catalogue = "products_extra.csv"' in problems[0].hint_zh
    (folder / "products_extra.csv").write_text(
        "item_zh,item_en,aliases,group,subgroup,default_unit,eco_product,note\n"
        "雷竹笋,Lei bamboo shoots,雷笋,forestry,bamboo,t,true,\n", encoding="utf-8")
    cfg = example_copy.read_text(encoding="utf-8").replace('[statistics]\n', '[statistics]\ncatalogue = "products_extra.csv"\n')
    example_copy.write_text(cfg, encoding="utf-8")
    res = gep.Account.from_config(example_copy).run()
    before = gep.Account.from_config(gep.example_config()).run()
    # 500 万元 more forest products (the rest of the account unchanged)
    assert res.value.sel(service="forestry_products").sum() - before.value.sel(service="forestry_products").sum() \
        == pytest.approx(5e6)
    assert "products_extra.csv" in res.inputs

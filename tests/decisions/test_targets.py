"""Reading a targets table: bilingual headers, CSV and Excel, units through pint, every refusal."""

import pandas as pd
import pytest

from gep.decisions import read_targets
from gep.errors import InputFileError, TargetsError

HEADER_ZH = "地区,指标,目标值,单位,方向,年份,价格年份,状态,备注\n"


def write(tmp_path, text, name="targets.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_chinese_headers_and_words(tmp_path):
    p = write(tmp_path, HEADER_ZH + "全区,生态系统生产总值,1100,亿元,不低于,2021,2021,illustrative,示例\n"
                                    "下管镇,调节服务价值,30,亿元,≥,2021,2021,,\n"
                                    "*,GEP增长率,1,%,高于,2021,,,\n")
    t = read_targets(p).frame
    assert t["indicator"].tolist() == ["gep", "regulating_gep", "gep_growth"]
    assert t["direction"].tolist() == ["at_least", "at_least", "above"]
    assert t["row"].tolist() == [2, 3, 4]
    # 1 亿元 = 1e8 元 (the figure's canonical unit); 1 % = 1 %
    assert t["factor"].tolist() == [1e8, 1e8, 1.0]
    assert t["price_year"].tolist()[:2] == [2021, 2021] and pd.isna(t["price_year"].iloc[2])
    assert read_targets(p).illustrative


def test_bilingual_headers_and_excel(tmp_path):
    frame = pd.DataFrame({"地区 Region": ["c"], "指标 Indicator": ["gep_per_area"], "目标 Target": ["6000"],
                          "单位 Unit": ["万元/km²"], "方向 Direction": ["at_least"], "年份 Year": ["2021"],
                          "价格年份 Price year": ["2021"], "来源 Source": ["plan"]})
    p = tmp_path / "targets.xlsx"
    frame.to_excel(p, index=False)
    t = read_targets(p).frame
    # 1 万元/km² = 1e4 元/km²
    assert t.loc[0, "indicator"] == "gep_per_area" and t.loc[0, "factor"] == 1e4 and t.loc[0, "source"] == "plan"


def test_ratio_in_percent(tmp_path):
    t = read_targets(write(tmp_path, "region,indicator,target,unit,direction,year\nc,gep_gdp_ratio,95,%,at_least,2021\n")).frame
    assert t.loc[0, "factor"] == pytest.approx(0.01)     # 1 % = 0.01 of the dimensionless ratio


@pytest.mark.parametrize("line, code, column", [
    ("c,gep,1,亿元,at_least,2021,2021,,", None, None),
    ("c,gdp_growth,1,%,at_least,2021,,,", "unknown_target_indicator", "indicator"),
    ("c,gep,1,亿元,sideways,2021,2021,,", "unknown_target_direction", "direction"),
    ("c,gep,lots,亿元,at_least,2021,2021,,", "non_numeric_target", "target"),
    ("c,gep,1,zorkmid,at_least,2021,2021,,", "bad_target_unit", "unit"),
    ("c,gep,1,km²,at_least,2021,2021,,", "wrong_target_unit", "unit"),          # GEP in an area unit
    ("c,gep_gdp_ratio,1,亿元,at_least,2021,,,", "wrong_target_unit", "unit"),   # a ratio in money
    ("c,gep,1,元/人,at_least,2021,2021,,", "wrong_target_unit", "unit"),        # per resident vs total
    ("c,gep_per_resident,1,元,at_least,2021,2021,,", "wrong_target_unit", "unit"),
    ("c,gep,1,,at_least,2021,2021,,", "missing_target_unit", "unit"),
    ("c,gep,1,亿元,at_least,2021,,,", "missing_target_price_year", "price_year"),
    ("c,gep_gdp_ratio,1,1,at_least,2021,2021,,", "price_year_not_applicable", "price_year"),
    ("c,gep,1,亿元,at_least,twenty,2021,,", "bad_target_year", "year"),
    ("c,gep,1,亿元,at_least,,2021,,", "missing_target_year", "year"),
    ("c,gep,1,亿元,at_least,2021,2021,made-up,", "bad_target_status", "status"),
    (",gep,1,亿元,at_least,2021,2021,,", "missing_region", "region"),
])
def test_row_refusals(tmp_path, line, code, column):
    p = write(tmp_path, "region,indicator,target,unit,direction,year,price_year,status,note\n" + line + "\n")
    if code is None:
        assert len(read_targets(p).frame) == 1
        return
    with pytest.raises(TargetsError) as exc:
        read_targets(p)
    prob = exc.value.problems[0]
    assert (prob.code, prob.column, prob.row) == (code, column, 2)
    assert prob.file == str(p) and prob.zh and prob.en


def test_every_row_problem_at_once(tmp_path):
    p = write(tmp_path, "region,indicator,target,unit,direction,year,price_year\n"
                        "c,gep,x,亿元,at_least,2021,2021\nc,gep,1,km²,at_least,2021,2021\n")
    with pytest.raises(TargetsError) as exc:
        read_targets(p)
    assert [(q.code, q.row) for q in exc.value.problems] == [("non_numeric_target", 2), ("wrong_target_unit", 3)]


@pytest.mark.parametrize("text, code", [
    ("region,indicator,target,unit,direction\nc,gep,1,亿元,at_least\n", "missing_target_columns"),
    ("region,indicator,target,unit,direction,year,colour\nc,gep,1,亿元,at_least,2021,red\n", "unknown_target_column"),
    ("region,地区,indicator,target,unit,direction,year\nc,c,gep,1,亿元,at_least,2021\n", "duplicate_target_column"),
    ("region,indicator,target,unit,direction,year\n", "no_targets"),
])
def test_table_refusals(tmp_path, text, code):
    with pytest.raises(TargetsError) as exc:
        read_targets(write(tmp_path, text))
    assert code in exc.value.codes


def test_file_problems(tmp_path):
    with pytest.raises(InputFileError):
        read_targets(tmp_path / "missing.csv")
    # what Chinese Excel saves as "CSV" (GBK) is read as the UTF-8 file is (gep.io.tables)
    text = "region,indicator,target,unit,direction,year,price_year\nc,gep,1,亿元,at_least,2021,2021\n"
    utf8, gbk = tmp_path / "utf8.csv", tmp_path / "gbk.csv"
    utf8.write_text(text, encoding="utf-8")
    gbk.write_bytes(text.encode("gbk"))
    pd.testing.assert_frame_equal(read_targets(gbk).frame, read_targets(utf8).frame)
    latin = tmp_path / "latin.csv"
    latin.write_bytes((text + "c,gep,1,亿元,at_least,2022,2021\n").encode("utf-8") + "d,café,1\n".encode("latin-1"))
    with pytest.raises(InputFileError) as exc:
        read_targets(latin)
    assert exc.value.codes == ["unknown_encoding"]


def test_example_targets_are_illustrative():
    from gep.examples import example_dir

    t = read_targets(example_dir() / "targets.csv")
    assert t.illustrative and set(t.frame["status"]) == {"illustrative"}
    assert all("illustrative" in n for n in t.frame["note"])

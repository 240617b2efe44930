"""The Two-Mountains indicator table: the 上虞 表1 example, evaluation, and broken inputs.

上虞 表1 (seed 000_01c03a54af597a57, 四、(四)) prints for 2021, e.g.:
row 1  环境空气质量优良天数比例   target >96%   status 95.9%  -> not met
row 2  集中式饮用水水源地水质达标率 target 100%  status 100%   -> met
row 7  林草覆盖率                 target >37.68% status 37.68% -> not met (equal is not greater)
row 20 生态环保投入占GDP比重      target >3%    status 3.26%  -> met
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gep.errors import ConfigError, InputFileError
from gep.io.two_mountains import (
    COMPUTED_BY,
    DIRECTIONS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    read_indicator_table,
)
from gep.indicators.two_mountains import evaluate_indicator_table

SHANGYU = Path(__file__).resolve().parents[2] / "gep" / "examples" / "shangyu" / "two_mountains.csv"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return read_indicator_table(SHANGYU)


def _met(result: pd.DataFrame, no: int):
    return result.set_index("no").loc[no, "met"]


# ------------------------------------------------------- the example table
def test_shangyu_table_has_all_20_rows(table):
    assert list(table["no"]) == list(range(1, 21))
    assert set(table["direction"]) <= set(DIRECTIONS)
    assert (table["year"] == 2021).all() and (table["target_year"] == 2024).all()
    assert table["data_source"].str.contains("seed:000_01c03a54af597a57").all()
    cb = table.set_index("no")["computed_by"]
    assert cb.loc[10] == "gep_per_area"
    assert cb.loc[11] == "resident_eco_product_share"
    assert list(cb.loc[12:14]) == ["green_organic_share", "eco_processing_share", "eco_tourism_share"]
    assert (cb.drop(index=range(10, 15)) == "").all()


def test_shangyu_values_as_printed(table):
    t = table.set_index("no")
    assert t.loc[1, "target_text"] == ">96%" and t.loc[1, "target_value"] == 96.0
    assert t.loc[1, "status_number"] == 95.9
    assert t.loc[4, "target_text"] == "完成浙江省生态环境厅下达任务"
    assert t.loc[4, "status_value"] == ""
    assert t.loc[7, "target_value"] == 37.68 and t.loc[7, "status_number"] == 37.68
    assert t.loc[8, "status_number"] == 977 and t.loc[8, "unit"] == "种"
    assert t.loc[9, "status_number"] == 161.8 and t.loc[9, "unit"] == "平方公里"
    assert t.loc[10, "status_value"] == "" and "未开展" in t.loc[10, "note"]
    assert t.loc[11, "status_number"] == 14.45
    assert t.loc[12, "status_number"] == 58.2
    assert t.loc[13, "status_number"] == 1.24
    assert t.loc[14, "status_number"] == 13.03
    assert t.loc[15, "status_number"] == 3.0
    assert t.loc[16, "status_value"] == "获得" and t.loc[16, "target_text"] == "获得"
    assert t.loc[17, "status_number"] == 86.49
    assert t.loc[18, "status_value"] == "建立实施" and t.loc[18, "target_text"] == "逐步完善"
    assert t.loc[20, "target_value"] == 3.0 and t.loc[20, "status_number"] == 3.26


def test_shangyu_evaluates_2021(table):
    res = evaluate_indicator_table(table)
    assert list(res["no"]) == list(range(1, 21))
    assert _met(res, 1) is False  # 95.9 vs > 96
    assert _met(res, 2) is True  # 100 vs 100
    assert _met(res, 3) is True and _met(res, 5) is True and _met(res, 6) is True
    assert _met(res, 7) is False  # 37.68 is not > 37.68
    assert _met(res, 8) is True  # equal to its baseline 977
    assert _met(res, 9) is True  # 161.8 ≥ baseline 161.8
    assert _met(res, 16) is True  # 获得 = 获得
    assert _met(res, 20) is True  # 3.26 > 3
    r = res.set_index("no")
    # no guesses: 稳定提高 rows without a previous year, the unmeasured GEP row, hand-judged rows
    for no in (11, 12, 13, 14, 15, 17):
        assert r.loc[no, "met"] is None
        assert r.loc[no, "reason_en"].startswith("no previous year to compare")
        assert "没有上年数值" in r.loc[no, "reason_zh"]
    assert r.loc[10, "met"] is None and r.loc[10, "value_source"] == "missing"
    assert "gep_per_area" in r.loc[10, "reason_en"]
    assert r.loc[4, "met"] is None and r.loc[18, "met"] is None and r.loc[19, "met"] is None
    assert "achieved" in r.loc[18, "reason_en"]
    assert r.loc[1, "reason_en"] == "value 95.9, target > 96: not met"
    assert r.loc[1, "value_source"] == "table" and r.loc[1, "reference_kind"] == "target"
    assert res["reason_zh"].str.len().gt(0).all() and res["reason_en"].str.len().gt(0).all()


def test_path_is_accepted(table):
    pd.testing.assert_frame_equal(evaluate_indicator_table(SHANGYU), evaluate_indicator_table(table))


def test_computed_values_and_previous_year(table):
    # illustrative numbers: the account's shares for a later year, compared with 2021's
    res = evaluate_indicator_table(
        table,
        computed={"gep_per_area": 2000.0, "resident_eco_product_share": 15.0, "eco_tourism_share": 13.03},
        previous={10: 1900.0, 11: 14.45, 14: 13.03, 15: 3.0, 17: 90.0},
    ).set_index("no")
    assert res.loc[10, "value"] == 2000.0 and res.loc[10, "value_source"] == "computed"
    assert res.loc[10, "met"] is True  # 2000 > 1900
    assert res.loc[11, "met"] is True  # 15.0 > 14.45
    assert res.loc[14, "met"] is False  # 13.03 did not increase
    assert "did not increase" in res.loc[14, "reason_en"]
    assert res.loc[15, "met"] is False  # 3 (table) vs previous 3
    assert res.loc[17, "met"] is False  # 86.49 < 90
    assert res.loc[17, "reference"] == 90.0 and res.loc[17, "reference_kind"] == "previous"
    # a computed value replaces the printed status
    assert res.loc[11, "value"] == 15.0 and res.loc[12, "value_source"] == "table"


def test_evaluate_rejects_unknown_computed_and_previous(table):
    with pytest.raises(ConfigError) as exc:
        evaluate_indicator_table(table, computed={"gep_per_areaa": 1.0, "eco_tourism_share": "x"}, previous={99: 1.0})
    assert exc.value.codes == ["unknown_computed_value", "non_numeric_computed_value", "unknown_previous_indicator"]


def test_labels_are_bilingual():
    for spec in list(DIRECTIONS.values()) + list(COMPUTED_BY.values()):
        assert spec["zh"] and spec["en"]
    from gep.indicators import INDICATORS

    for key in ("gep_per_area", "resident_eco_product_share"):
        assert COMPUTED_BY[key]["unit"] == INDICATORS[key]["unit"]


# ------------------------------------------------------ other directions
def _write(tmp_path: Path, rows: list[dict], name: str = "t.csv", columns=None) -> Path:
    columns = columns or REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    base = {c: "" for c in columns}
    base.update(goal_zh="目标", task_zh="任务", indicator_zh="指标", indicator_en="indicator", unit="%",
                year="2021", data_source="test fixture (illustrative numbers)")
    frame = pd.DataFrame([{**base, **r} for r in rows], columns=columns)
    path = tmp_path / name
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def test_keep_with_tolerance_and_lower_is_better(tmp_path):
    path = _write(tmp_path, [
        dict(no="1", direction="keep", target_text="保持稳定", status_value="970", baseline_value="977", tolerance="10"),
        dict(no="2", direction="keep", target_text="保持稳定", status_value="960", baseline_value="977", tolerance="10"),
        dict(no="3", direction="keep", target_text="保持稳定", status_value="970", baseline_value="977"),
        dict(no="4", direction="lower_is_better", target_text="稳步下降", status_value="30"),
        dict(no="5", direction="less_than", target_text="<35", target_value="35", status_value="30"),
        dict(no="6", direction="not_more_than", target_text="≤30", target_value="30", status_value="30"),
        dict(no="7", direction="not_less_than", target_text="不减少", status_value="100"),
        dict(no="8", direction="higher_is_better", target_text="≥50", target_value="50", status_value="55"),
        dict(no="9", direction="qualitative", target_text="完成任务", status_value="进行中", achieved="是"),
        dict(no="10", direction="qualitative", target_text="完成任务", status_value="进行中", achieved="no"),
    ])
    res = evaluate_indicator_table(path, previous={4: 32.0, 7: 101.0}).set_index("no")
    assert res.loc[1, "met"] is True  # |970 − 977| = 7 ≤ 10
    assert res.loc[2, "met"] is False  # 17 > 10
    assert res.loc[3, "met"] is None and "tolerance" in res.loc[3, "reason_en"]
    assert res.loc[4, "met"] is True  # 30 < 32
    assert res.loc[5, "met"] is True and res.loc[6, "met"] is True
    assert res.loc[7, "met"] is False and res.loc[7, "reference_kind"] == "previous"  # 100 < 101
    assert res.loc[8, "met"] is True  # target reached, no previous year needed
    assert res.loc[9, "met"] is True and res.loc[10, "met"] is False
    assert res.loc[9, "reference_kind"] == "achieved"


def test_not_less_than_without_any_reference(tmp_path):
    path = _write(tmp_path, [dict(no="1", direction="not_less_than", target_text="不减少", status_value="5")])
    r = evaluate_indicator_table(path).iloc[0]
    assert r["met"] is None and "no target, baseline or previous" in r["reason_en"]


# --------------------------------------------------------- broken inputs
def test_unknown_direction(tmp_path):
    path = _write(tmp_path, [dict(no="1", direction="bigger", target_text=">96%", target_value="96", status_value="95")])
    with pytest.raises(InputFileError) as exc:
        read_indicator_table(path)
    p = exc.value.problems[0]
    assert (p.code, p.row, p.column, p.value) == ("unknown_direction", 2, "direction", "bigger")
    assert p.file == str(path)


def test_non_numeric_target_where_a_number_is_needed(tmp_path):
    path = _write(tmp_path, [dict(no="1", direction="greater_than", target_text=">96%", target_value="96%",
                                  status_value="95.9")])
    with pytest.raises(InputFileError) as exc:
        read_indicator_table(path)
    p = exc.value.problems[0]
    assert (p.code, p.row, p.column) == ("non_numeric_target_value", 2, "target_value")


def test_missing_target_for_a_numeric_direction(tmp_path):
    path = _write(tmp_path, [dict(no="1", direction="equal", target_text="100%", status_value="100")])
    with pytest.raises(InputFileError) as exc:
        read_indicator_table(path)
    assert exc.value.codes == ["missing_target_value"]
    assert exc.value.problems[0].column == "target_value"


def test_duplicate_no(tmp_path):
    path = _write(tmp_path, [
        dict(no="1", direction="equal", target_text="100%", target_value="100", status_value="100"),
        dict(no="1", direction="equal", target_text="100%", target_value="100", status_value="100"),
    ])
    with pytest.raises(InputFileError) as exc:
        read_indicator_table(path)
    p = exc.value.problems[0]
    assert (p.code, p.row, p.column, p.value) == ("duplicate_indicator_no", 3, "no", 1)
    assert "row 2" in p.en


def test_non_numeric_status_and_bad_no(tmp_path):
    path = _write(tmp_path, [
        dict(no="一", direction="greater_than", target_text=">96%", target_value="96", status_value="95.9%"),
    ])
    with pytest.raises(InputFileError) as exc:
        read_indicator_table(path)
    assert exc.value.codes == ["bad_indicator_no", "non_numeric_status"]
    assert [p.column for p in exc.value.problems] == ["no", "status_value"]


def test_unknown_computed_by_and_all_problems_at_once(tmp_path):
    path = _write(tmp_path, [
        dict(no="1", direction="higher_is_better", target_text="稳定提高", status_value="1", computed_by="gep_total"),
        dict(no="2", direction="qualitative", target_text="获得", status_value="获得", computed_by="gep_per_area"),
        dict(no="3", direction="keep", target_text="保持稳定", status_value="1", tolerance="-1", achieved="maybe"),
        dict(no="4", direction="equal", target_text="100%", target_value="100", status_value="100", year="2021.5"),
    ])
    with pytest.raises(InputFileError) as exc:
        read_indicator_table(path)
    assert [(p.code, p.row) for p in exc.value.problems] == [
        ("unknown_computed_by", 2),
        ("computed_by_on_qualitative", 3),
        ("negative_tolerance", 4),
        ("bad_achieved", 4),
        ("bad_year", 5),
    ]


def test_missing_and_unknown_columns(tmp_path):
    cols = [c for c in REQUIRED_COLUMNS if c != "direction"]
    path = _write(tmp_path, [dict(no="1")], columns=cols)
    with pytest.raises(InputFileError) as exc:
        read_indicator_table(path)
    assert exc.value.codes == ["missing_columns"]
    path = _write(tmp_path, [dict(no="1", direction="equal", target_value="1", status_value="1")], name="u.csv",
                  columns=REQUIRED_COLUMNS + ["remark"])
    with pytest.raises(InputFileError) as exc:
        read_indicator_table(path)
    assert exc.value.codes == ["unknown_columns"]


def test_gbk_file_reads_as_the_utf8_file(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(SHANGYU.read_text(encoding="utf-8").encode("gb18030"))
    pd.testing.assert_frame_equal(read_indicator_table(path), read_indicator_table(SHANGYU))

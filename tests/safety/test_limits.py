"""Absurd inputs get a message naming the cap and the key that raises it, not a hang or swapping."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook

import gep
from gep.account.config import load_config
from gep.errors import ConfigError, InputFileError, RasterError
from gep.io import limits
from gep.io.rasters import open_raster
from gep.io.tables import check_workbook, read_csv_checked, read_table
from safety_helpers import one_year_county

RASTER = gep.example_config().parent / "rasters" / "precipitation.tif"  # 322 × 473 float32


def add_limits(config, body: str) -> None:
    config.write_text(config.read_text(encoding="utf-8") + f"\n[limits]\n{body}\n", encoding="utf-8")


def test_rows_cap_from_the_config(tmp_path):
    config = one_year_county(tmp_path / "county")
    add_limits(config, "max_table_rows = 100")  # land_use.csv has 396 data rows
    problems = gep.Account.from_config(config).validate()
    (p,) = [p for p in problems if p.code == "too_many_rows" and p.file.endswith("land_use.csv")]
    assert "more than 100 rows" in p.en and "max_table_rows" in p.hint_en
    assert limits.current() == limits.DEFAULT_LIMITS  # the config's caps hold only while it reads


def test_file_size_cap_from_the_config(tmp_path):
    config = one_year_county(tmp_path / "county")
    add_limits(config, "max_file_mb = 0.001")  # 1 kB: regions.csv is 2.8 kB
    codes = {p.code: p for p in gep.Account.from_config(config).validate()}
    assert "file_too_large" in codes and "max_file_mb" in codes["file_too_large"].hint_en


def test_the_caps_are_checked_in_the_config():
    from gep.account.config import check_config

    problems = check_config({"account": {"year": 2021},
                             "limits": {"max_table_rows": -1, "max_memory_share": 2, "max_file_mb": "big",
                                        "max_raster_pixels": 10}})
    assert sorted(p.column for p in problems) == ["limits.max_file_mb", "limits.max_memory_share",
                                                  "limits.max_table_rows"]


def test_rows_of_a_csv(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n" + "1,2\n" * 11, encoding="utf-8")
    with limits.using({"max_table_rows": 11}):
        assert len(read_csv_checked(path)) == 11  # at the cap: fine
    with limits.using({"max_table_rows": 10}), pytest.raises(InputFileError) as info:
        read_csv_checked(path)
    assert info.value.codes == ["too_many_rows"]


def workbook(path, sheets: int = 1, rows: int = 3):
    wb = Workbook()
    for i in range(sheets):
        ws = wb.active if i == 0 else wb.create_sheet(f"s{i}")
        ws.append(["item", "quantity"])
        for r in range(rows):
            ws.append([f"p{r}", r])
    wb.save(path)
    return path


def test_workbook_sheets_and_rows(tmp_path):
    path = workbook(tmp_path / "w.xlsx", sheets=3, rows=20)
    assert check_workbook(path) == ["Sheet", "s1", "s2"]
    with limits.using({"max_workbook_sheets": 2}), pytest.raises(InputFileError) as info:
        read_table(path)
    assert info.value.codes == ["too_many_sheets"] and "3 sheets" in info.value.problems[0].en
    with limits.using({"max_table_rows": 10}), pytest.raises(InputFileError) as info:
        read_table(path)
    assert info.value.codes == ["too_many_rows"] and info.value.problems[0].file.endswith("w.xlsx[Sheet]")
    assert list(read_table(path, sheet="s2")["quantity"]) == list(range(20))


def test_a_workbook_that_expands_beyond_the_cap(tmp_path):
    path = workbook(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * 5_000_000)  # 5 MB that compress to a few kB
    assert path.stat().st_size < 100_000
    with limits.using({"max_file_mb": 1}), pytest.raises(InputFileError) as info:
        check_workbook(path)
    assert info.value.codes == ["file_too_large"] and "expands to 5.0 MB" in info.value.problems[0].en


def test_not_a_workbook(tmp_path):
    path = tmp_path / "stats.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputFileError) as info:
        read_table(path)
    assert info.value.codes == ["not_excel"]
    bad_sheet = workbook(tmp_path / "w.xlsx")
    with pytest.raises(InputFileError) as info:
        read_table(bad_sheet, sheet="2021")
    assert info.value.codes == ["bad_sheet"] and "(sheets: Sheet)" in info.value.problems[0].en


def test_raster_pixels_cap():
    with limits.using({"max_raster_pixels": 100_000}), pytest.raises(RasterError) as info:
        open_raster(RASTER)
    assert info.value.codes == ["raster_too_large"] and "152,306 pixels" in info.value.problems[0].en


def test_raster_too_large_for_memory_is_read_in_blocks(monkeypatch):
    monkeypatch.setattr(limits, "available_memory_bytes", lambda: 1_000_000)  # 1 MB free
    # 152 306 px × (4 B float32 + 8 B float64 copy) = 1.83 MB > 0.5 × 1 MB
    with pytest.raises(RasterError) as info:
        open_raster(RASTER)
    (p,) = info.value.problems
    assert p.code == "raster_too_large_for_memory" and "chunks = 4096" in p.hint_en
    assert open_raster(RASTER, chunks=256).shape == (473, 322)  # in blocks: no memory check, nothing read yet


def test_config_file_too_large(tmp_path):
    path = tmp_path / "gep.toml"
    path.write_text("[account]\nyear = 2021\n" + "# padding\n" * 200, encoding="utf-8")
    with limits.using({"max_file_mb": 0.001}), pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.codes == ["file_too_large"]


def test_a_table_read_under_the_default_caps_is_unchanged(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"a": [1.5, -2.0], "b": ["x", "=y"]}).to_csv(path, index=False)
    frame = read_csv_checked(path)
    assert frame["a"].tolist() == [1.5, -2.0] and frame["b"].tolist() == ["x", "=y"]  # reading never alters

"""Price indices: chaining, rebasing, and the shipped CPI set (cn-price-indices).

CPI figures used by hand (NBS, 上年=100, in coefficients/cn-price-indices):
2019 = 102.9, 2020 = 102.5, 2021 = 100.9.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from gep.coefficients import check_set, key_spec, load_coefficients
from gep.compute.prices import chain_index, missing_years, rebase, rebase_factor
from gep.errors import DeflatorError
from gep.coefficients.deflators import price_index_series

CPI_19_21 = {2019: 2.9, 2020: 2.5, 2021: 0.9}  # percent change over the previous year


# ------------------------------------------------------------ chain_index
def test_chain_index_hand_case():
    # base 2019: 2018 = 1/1.029, 2019 = 1, 2020 = 1.025, 2021 = 1.025 × 1.009 = 1.034225
    idx = chain_index(CPI_19_21, 2019)
    assert list(idx.index) == [2018, 2019, 2020, 2021]
    assert idx[2019] == 1.0
    assert idx[2018] == pytest.approx(1 / 1.029, rel=1e-15)
    assert idx[2020] == pytest.approx(1.025, rel=1e-15)
    assert idx[2021] == pytest.approx(1.034225, rel=1e-14)
    assert idx.index.name == "year"
    assert idx.attrs["base_year"] == 2019


def test_chain_index_other_base_and_kinds():
    # base 2021: 2019 = 1/(1.025 × 1.009)
    idx = chain_index(CPI_19_21, 2021)
    assert idx[2021] == 1.0
    assert idx[2019] == pytest.approx(1 / 1.034225, rel=1e-14)
    as_index = chain_index({2019: 102.9, 2020: 102.5, 2021: 100.9}, 2021, kind="index_prev100")
    as_ratio = chain_index({2019: 1.029, 2020: 1.025, 2021: 1.009}, 2021, kind="ratio")
    pd.testing.assert_series_equal(idx, as_index, check_names=False, rtol=1e-14)
    pd.testing.assert_series_equal(idx, as_ratio, check_names=False, rtol=1e-14)
    # a pandas Series works as input too
    s = pd.Series(CPI_19_21)
    pd.testing.assert_series_equal(chain_index(s, 2021), idx)


def test_rebasing_does_not_depend_on_base_year():
    a = chain_index(CPI_19_21, 2018)
    b = chain_index(CPI_19_21, 2020)
    assert rebase_factor(a, 2019, 2021) == pytest.approx(rebase_factor(b, 2019, 2021), rel=1e-14)


def test_chain_index_gap_lists_missing_years():
    with pytest.raises(DeflatorError) as exc:
        chain_index({2015: 1.4, 2017: 1.6, 2019: 2.9}, 2015, name="CPI")
    p = exc.value.problems[0]
    assert p.code == "price_index_gap"
    assert p.value == [2016, 2018]
    assert "2016, 2018" in str(exc.value) and "CPI" in str(exc.value)


def test_chain_index_base_year_outside_span():
    with pytest.raises(DeflatorError) as exc:
        chain_index(CPI_19_21, 2010)
    assert exc.value.codes == ["base_year_outside_index"]
    assert "2018–2021" in str(exc.value)


def test_chain_index_rejects_nonpositive_level_and_bad_kind():
    with pytest.raises(DeflatorError) as exc:
        chain_index({2020: -100.0}, 2020)
    assert exc.value.codes == ["bad_price_change"]
    with pytest.raises(DeflatorError):
        chain_index({2020: float("nan")}, 2020)
    with pytest.raises(ValueError):
        chain_index(CPI_19_21, 2019, kind="percent")
    with pytest.raises(DeflatorError) as exc:
        chain_index({}, 2019)
    assert exc.value.codes == ["empty_price_index"]


def test_missing_years():
    assert missing_years([2019, 2021, 2024]) == [2020, 2022, 2023]
    assert missing_years([2020, 2021]) == []
    assert missing_years([]) == []


# ---------------------------------------------------------------- rebase
def test_rebase_hand_case_2019_to_2021():
    # a value in 2019 prices, in 2021 prices: × (1.025 × 1.009) = × 1.034225
    idx = chain_index(CPI_19_21, 2019)
    assert rebase_factor(idx, 2019, 2021) == pytest.approx(1.034225, rel=1e-14)
    assert rebase(100.0, 2019, 2021, idx) == pytest.approx(103.4225, rel=1e-14)
    # and back
    assert rebase_factor(idx, 2021, 2019) == pytest.approx(1 / 1.034225, rel=1e-14)
    assert rebase_factor(idx, 2020, 2020) == 1.0


def test_rebase_arrays_and_dataarrays():
    idx = chain_index(CPI_19_21, 2019)
    arr = rebase(np.array([100.0, 200.0]), 2019, 2021, idx)
    np.testing.assert_allclose(arr, [103.4225, 206.845], rtol=1e-14)
    da = xr.DataArray([100.0, 200.0], dims="region", attrs={"units": "元"})
    out = rebase(da, 2019, 2021, idx)
    assert isinstance(out, xr.DataArray)
    np.testing.assert_allclose(out.values, [103.4225, 206.845], rtol=1e-14)


def test_rebase_missing_year_is_an_error_not_one():
    idx = chain_index(CPI_19_21, 2019, name="price_index.cpi")
    with pytest.raises(DeflatorError) as exc:
        rebase(100.0, 2015, 2021, idx)
    p = exc.value.problems[0]
    assert p.code == "missing_price_index_year"
    assert p.value == 2015
    assert "2015" in p.en and "price_index.cpi" in p.en and "2018–2021" in p.en
    with pytest.raises(DeflatorError):
        rebase_factor(idx, 2019, 2030)
    # a plain mapping of levels works and fails the same way
    assert rebase_factor({2019: 1.0, 2021: 1.034225}, 2019, 2021) == pytest.approx(1.034225)
    with pytest.raises(DeflatorError):
        rebase_factor({2019: 1.0}, 2019, 2020)


# ---------------------------------------------------- shipped CPI set
def test_shipped_cpi_set_is_clean():
    assert check_set("cn-price-indices") == []


def test_price_keys_are_declared():
    for key in ("price_index.cpi", "price_index.ppi"):
        spec = key_spec(key)
        assert spec is not None and spec.zh and spec.en
        assert spec.dimensionality == "" and not spec.monetary


def test_shipped_cpi_rows_are_official_with_sources():
    cset = load_coefficients("cn-price-indices")
    rows = cset.table[cset.table["key"] == "price_index.cpi"]
    years = sorted(int(y) for y in rows["valid_from"])
    assert missing_years(years) == []
    assert set(rows["status"]) == {"official"}
    assert set(rows["unit"]) == {"%"}
    for _, r in rows.iterrows():
        src = cset.sources[r["source"]]
        assert src["citation"] and src["verified_via"]
        assert str(int(r["valid_from"])) in src["citation"]


def test_price_index_series_from_shipped_set():
    s = price_index_series("cn-price-indices")
    assert s.name == "price_index.cpi"
    assert s.index[0] == 2003 and s.iloc[0] == 1.0
    assert list(s.index) == list(range(2003, int(s.index[-1]) + 1))
    # 2021 over 2020 is the 2021 CPI, 100.9 (上年=100)
    assert s[2021] / s[2020] == pytest.approx(1.009, rel=1e-14)
    # 2019 -> 2021: 1.025 × 1.009
    assert rebase_factor(s, 2019, 2021) == pytest.approx(1.025 * 1.009, rel=1e-14)
    # 2009 was a fall: 99.3 (上年=100)
    assert s[2009] / s[2008] == pytest.approx(0.993, rel=1e-14)
    prov = s.attrs["provenance"][2021]
    assert prov["source"] == "nbs-cpi-2021" and prov["set"] == "cn-price-indices" and prov["row"] >= 2
    assert s.attrs["set"] == "cn-price-indices"
    # another base year
    s21 = price_index_series(load_coefficients("cn-price-indices"), base_year=2021)
    assert s21[2021] == 1.0
    assert rebase_factor(s21, 2019, 2021) == pytest.approx(rebase_factor(s, 2019, 2021), rel=1e-14)


# ------------------------------------------------- user sets (fixtures)
MANIFEST = '''id = "{id}"
title = {{ zh = "测试价格指数", en = "test price index" }}
region = "*"
version = "0"
checked_on = "2026-11-22"
currency = "CNY"
{extends}
[sources.test]
citation = "Test fixture: illustrative numbers, not data."
'''
HEADER = "key,ecosystem,region,valid_from,value,unit,price_year,source,locator,status,note\n"


def _set(tmp_path: Path, name: str, rows: list[str], extends: str = "") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "manifest.toml").write_text(
        MANIFEST.format(id=name, extends=f'extends = "{extends}"' if extends else ""), encoding="utf-8")
    (folder / "index.csv").write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return folder


def test_gap_in_a_set_lists_missing_years(tmp_path):
    folder = _set(tmp_path, "gappy", [
        "price_index.cpi,*,*,2015,101.0,%,,test,,illustrative,",
        "price_index.cpi,*,*,2018,101.0,%,,test,,illustrative,",
    ])
    with pytest.raises(DeflatorError) as exc:
        price_index_series(folder)
    p = exc.value.problems[0]
    assert p.code == "price_index_gap" and p.value == [2016, 2017]
    assert "gappy" in p.en


def test_no_rows_for_the_key(tmp_path):
    folder = _set(tmp_path, "cpi-only", ["price_index.cpi,*,*,2015,101.0,%,,test,,illustrative,"])
    with pytest.raises(DeflatorError) as exc:
        price_index_series(folder, key="price_index.ppi")
    assert exc.value.codes == ["missing_price_index"]


def test_index_stored_with_wrong_unit_is_caught(tmp_path):
    # 100.9 with unit "1" would be a 100-fold price rise in one year
    folder = _set(tmp_path, "wrong-unit", ["price_index.cpi,*,*,2021,100.9,1,,test,,illustrative,"])
    with pytest.raises(DeflatorError) as exc:
        price_index_series(folder)
    p = exc.value.problems[0]
    assert p.code == "implausible_price_index"
    assert p.row == 2 and p.column == "unit" and p.file.endswith("index.csv")


def test_ratio_with_unit_one_is_accepted(tmp_path):
    folder = _set(tmp_path, "ratios", [
        "price_index.cpi,*,*,2020,1.025,1,,test,,illustrative,",
        "price_index.cpi,*,*,2021,1.009,1,,test,,illustrative,",
    ])
    s = price_index_series(folder)
    assert rebase_factor(s, 2019, 2021) == pytest.approx(1.025 * 1.009, rel=1e-14)


def test_region_chain_prefers_the_most_specific_row(tmp_path):
    # an illustrative provincial value for 2021 overrides the national one; other years fall back
    folder = _set(tmp_path, "province", ["price_index.cpi,*,330000,2021,101.5,%,,test,,illustrative,"],
                  extends="cn-price-indices")
    s = price_index_series(folder, region_chain=("330000",))
    assert s[2021] / s[2020] == pytest.approx(1.015, rel=1e-14)
    assert s[2020] / s[2019] == pytest.approx(1.025, rel=1e-14)
    assert s.attrs["provenance"][2021]["region"] == "330000"
    assert s.attrs["provenance"][2020]["region"] == "*"
    national = price_index_series(folder)
    assert national[2021] / national[2020] == pytest.approx(1.009, rel=1e-14)
    assert math.isclose(national[2003], 1.0)

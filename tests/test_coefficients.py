from pathlib import Path

import pytest

from gep.coefficients import check_set, diff_sets, load_coefficients, shipped_sets
from gep.errors import CoefficientError, GepError

HEADER = "key,ecosystem,region,valid_from,value,unit,price_year,source,locator,status,note\n"


def make_set(tmp_path: Path, rows: str, *, extends: str | None = None, name="county", sources=("s1",)) -> Path:
    d = tmp_path / name
    d.mkdir()
    src = "\n".join(f'[sources.{s}]\ncitation = "A citation for {s}"\n' for s in sources)
    ext = f'extends = "{extends}"\n' if extends else ""
    (d / "manifest.toml").write_text(f'id = "{name}"\ntitle = {{ zh = "测试", en = "test" }}\n{ext}version = "1"\n{src}',
                                     encoding="utf-8")
    (d / "values.csv").write_text(HEADER + rows, encoding="utf-8")
    return d


def test_every_shipped_set_loads_clean():
    for name in shipped_sets():
        assert check_set(name) == [], name


def test_xie_standard_value_resolves_with_source():
    cs = load_coefficients("xie-2015")
    r = cs.resolve("esv.standard_equivalent_value", year=2021)
    assert r.value == 3406.50 and r.unit == "元/hm²" and r.price_year == 2010
    assert r.source in cs.sources and cs.sources[r.source]["citation"]
    assert cs.resolve("esv.equivalent.hydrological_regulation", ecosystem="water", year=2021).value == 102.24


def test_region_then_year_resolution(tmp_path):
    rows = (
        "esv.standard_equivalent_value,*,*,2010,3406.5,元/hm²,2010,s1,p1,literature,\n"
        "esv.standard_equivalent_value,*,330000,2010,3000,元/hm²,2010,s1,p2,literature,\n"
        "esv.standard_equivalent_value,*,330604,2015,2500,元/hm²,2015,s1,p3,local_survey,\n"
        "esv.standard_equivalent_value,*,330604,2020,2600,元/hm²,2020,s1,p4,local_survey,\n"
    )
    cs = load_coefficients(path=make_set(tmp_path, rows))
    chain = ["t1", "330604", "330600", "330000"]
    assert cs.resolve("esv.standard_equivalent_value", regions=chain, year=2021).value == 2600
    assert cs.resolve("esv.standard_equivalent_value", regions=chain, year=2017).value == 2500
    # county rows not yet valid in 2012: falls back to the province
    assert cs.resolve("esv.standard_equivalent_value", regions=chain, year=2012).value == 3000
    assert cs.resolve("esv.standard_equivalent_value", regions=["440300"], year=2021).value == 3406.5
    # 2005 is before every row: a price applies to earlier years through its price year (the account
    # rebases it with the deflator); the most specific row is taken, from its first year on
    early = cs.resolve("esv.standard_equivalent_value", regions=chain, year=2005)
    assert (early.value, early.price_year, early.valid_from, early.before_valid_from) == (2500, 2015, 2015, True)
    assert "valid from 2015 applied to 2005" in early.trace()["note"]
    assert cs.resolve("esv.standard_equivalent_value", regions=chain, year=2017).before_valid_from is False


def test_county_set_extends_and_overrides(tmp_path):
    rows = "esv.standard_equivalent_value,*,*,2010,2800,元/hm²,2021,s1,表2,local_survey,county grain survey\n"
    county = load_coefficients(path=make_set(tmp_path, rows, extends="xie-2015"))
    assert county.chain == ["county", "xie-2015"]
    assert county.resolve("esv.standard_equivalent_value", year=2021).value == 2800
    # inherited rows still there
    assert county.resolve("esv.equivalent.food_production", ecosystem="farmland_paddy", year=2021).value == 1.36
    d = diff_sets(load_coefficients("xie-2015"), county)
    assert list(d["change"]) == ["changed"] and d.loc[0, "value_a"] == 3406.5 and d.loc[0, "value_b"] == 2800


@pytest.mark.parametrize(
    "row,code",
    [
        ("esv.standard_equivalent_value,*,*,2010,3406.5,元/hm²,2010,,p,literature,", "row_without_source"),
        ("esv.standard_equivalent_value,*,*,2010,3406.5,元/hm²,,s1,p,literature,", "missing_price_year"),
        ("esv.standard_equivalent_value,*,*,2010,3406.5,t/hm²,2010,s1,p,literature,", "wrong_unit_dimension"),
        ("esv.standard_equivalent_value,*,*,2010,3406.5,bananas,2010,s1,p,literature,", "bad_unit"),
        ("esv.standard_equivalent_value,*,*,2010,abc,元/hm²,2010,s1,p,literature,", "bad_value"),
        ("esv.standard_equivalent_value,*,*,2010,1,元/hm²,2010,s1,p,guess,", "bad_status"),
        ("esv.no_such_key,*,*,2010,1,1,,s1,p,literature,", "unknown_coefficient_key"),
        ("esv.standard_equivalent_value,*,*,2010,1,元/hm²,2010,nowhere,p,literature,", "unknown_source"),
    ],
)
def test_bad_rows_are_reported_with_file_and_row(tmp_path, row, code):
    d = make_set(tmp_path, row + "\n")
    with pytest.raises(CoefficientError) as exc:
        load_coefficients(path=d)
    p = next(p for p in exc.value.problems if p.code == code)
    assert p.file.endswith("values.csv") and p.row == 2
    assert p.zh and p.en


def test_duplicate_rows(tmp_path):
    row = "esv.standard_equivalent_value,*,*,2010,3406.5,元/hm²,2010,s1,p,literature,\n"
    with pytest.raises(CoefficientError) as exc:
        load_coefficients(path=make_set(tmp_path, row + row))
    assert "duplicate_coefficient_rows" in exc.value.codes
    assert "rows 2, 3" in str(exc.value)


def test_all_problems_reported_at_once(tmp_path):
    rows = ("esv.standard_equivalent_value,*,*,2010,3406.5,元/hm²,,,p,literature,\n"
            "esv.equivalent.food_production,forest_broadleaf,*,2010,0.29,t,,s1,p,literature,\n")
    problems = check_set(make_set(tmp_path, rows))
    assert {"row_without_source", "missing_price_year", "wrong_unit_dimension"} <= {p.code for p in problems}


def test_with_value_is_a_new_set_and_keeps_unit():
    base = load_coefficients("xie-2015")
    new = base.with_value("esv.standard_equivalent_value", 4000, source="xie2015")
    assert base.resolve("esv.standard_equivalent_value", year=2021).value == 3406.5
    r = new.resolve("esv.standard_equivalent_value", year=2021)
    assert (r.value, r.unit, r.price_year, r.status) == (4000, "元/hm²", 2010, "estimated")


def test_sha256_is_stable_and_content_based():
    a, b = load_coefficients("xie-2015"), load_coefficients("xie-2015")
    assert a.sha256 == b.sha256
    assert a.with_value("esv.standard_equivalent_value", 1, source="xie2015").sha256 != a.sha256


def test_unknown_set_lists_shipped():
    with pytest.raises(CoefficientError, match="xie-2015"):
        load_coefficients("no-such-set")


def test_a_pickled_set_leaves_its_look_ups_behind_and_resolves_the_same():
    """A set sent to another process (a second process's results, a dask worker) carries its table, not the
    look-ups computed from it; the receiver computes them again, with the same answers."""
    import pickle

    cs = load_coefficients(Path(__file__).parents[1] / "gep" / "examples" / "shangyu" / "coefficients")
    keys = cs.keys()
    before = {(k, e, y): cs.resolve(k, ecosystem=e, regions=("330604", "*"), year=y)
              for k in keys for e in (cs.ecosystems_for(k) or ["*"]) for y in (2015, 2021)
              if _resolves(cs, k, e, y)}
    assert len(before) > 100 and cs.regions_for(keys[0])
    copy = pickle.loads(pickle.dumps(cs))
    assert not set(copy.__dict__) & set(cs._DERIVED)
    after = {(k, e, y): copy.resolve(k, ecosystem=e, regions=("330604", "*"), year=y) for (k, e, y) in before}
    assert after == before
    assert copy.sha256 == cs.sha256 and copy.regions_for(keys[0]) == cs.regions_for(keys[0])


def _resolves(cs, key, ecosystem, year) -> bool:
    try:
        cs.resolve(key, ecosystem=ecosystem, regions=("330604", "*"), year=year)
    except GepError:  # no row for that year or ecosystem
        return False
    return True

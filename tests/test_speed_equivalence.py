"""The short cuts of issue 14 (speed) give what the plain code gave.

Each fast path is checked against the slow computation it replaces: the weakest status picked
part by part (quality by township), the resolution chain from look-up dicts, and the class
table sized by the zone table instead of a pass over the zone raster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from gep.account.quality import STATUS_ORDER, _weakest_item, weakest
from gep.errors import RasterError
from gep.regions import RegionTable

STATUSES = st.sampled_from(list(STATUS_ORDER) + ["provisional", "draft"])  # two statuses outside the order


@given(st.lists(STATUSES, max_size=8), st.lists(STATUSES, max_size=8), st.lists(STATUSES, max_size=4))
def test_weakest_by_parts_is_weakest_of_the_whole(everywhere, regional, land):
    # trace positions: the rows for every region and this region's rows interleave; land use comes last
    trace = [("all", s) for s in everywhere] + [("here", s) for s in regional]
    trace = trace[::2] + trace[1::2]
    common = [(i, s) for i, (kind, s) in enumerate(trace) if kind == "all"]
    here = [(i, s) for i, (kind, s) in enumerate(trace) if kind == "here"]
    extra = [(len(trace) + j, s) for j, s in enumerate(land)]
    parts = [p for p in (_weakest_item(common), _weakest_item(here), _weakest_item(extra)) if p is not None]
    fast = _weakest_item(parts or [(0, "unstated")])[1]
    assert fast == weakest([s for _, s in trace] + land)


def test_weakest_ties_keep_the_first():
    # two statuses outside STATUS_ORDER rank equal (after every known one): weakest keeps the first
    assert weakest(["official", "draft", "provisional"]) == "draft"
    assert _weakest_item([(5, "provisional"), (2, "draft"), (0, "official")]) == (2, "draft")


def _regions() -> RegionTable:
    frame = pd.DataFrame({
        "id": ["county", "town", "village"], "parent": ["", "county", "town"],
        "name_zh": ["县", "镇", "村"], "name_en": ["County", "Town", "Village"],
        "area": ["10", "10", "10"], "area_unit": ["km²"] * 3, "code": ["330604", "330604101", ""]})
    return RegionTable(frame)


def test_chain_most_specific_first():
    rt = _regions()
    # the village (no code), its town and code, the county and code, then prefecture and province
    assert rt.chain("village") == ["village", "town", "330604101", "county", "330604", "330600", "330000"]
    assert rt.chain("county", root_code="330102") == ["county", "330604", "330102", "330100", "330000"]


def test_chain_follows_a_replaced_frame():
    rt = _regions()
    rt.chain("village")
    rt.frame = rt.frame.assign(code=["110105", "", ""])
    assert rt.chain("village") == ["village", "town", "county", "110105", "110100", "110000"]


def _grid(values, dtype):
    import rioxarray  # noqa: F401  (registers .rio)
    from rasterio.transform import from_origin

    data = np.asarray(values, dtype=dtype)
    da = xr.DataArray(data, dims=("y", "x"), coords={"y": np.arange(data.shape[0]), "x": np.arange(data.shape[1])})
    da = da.rio.write_crs("EPSG:32650").rio.write_transform(from_origin(0, 300, 100, 100)).rio.write_nodata(0)
    return da


def test_class_table_sized_by_the_zone_table():
    from gep.io.rasters import class_area_by_zone

    land = _grid([[101, 101, 201], [201, 301, 0]], np.uint16)
    zones = _grid([[1, 1, 2], [2, 2, 2]], np.uint16)
    sized = class_area_by_zone(land, zones, classes=[0, 101, 201, 301], n_zones=4)
    found = class_area_by_zone(land, zones, classes=[0, 101, 201, 301])
    # zone 1: two pixels of 101 = 2 hm² (100 m × 100 m = 1 hm² each); zone 2: 201 twice, 301 once, one nodata
    assert sized.sel(zone=1, land_use=101).item() == 2.0
    assert sized.sel(zone=2).values.tolist() == [0.0, 0.0, 2.0, 1.0]
    assert sized.sizes["zone"] == 4 and found.sizes["zone"] == 3  # zone 3 is in the table, not in the raster
    assert np.array_equal(sized.values[:3], found.values) and not sized.values[3].any()
    assert sized.attrs["nodata_area_hm2"] == found.attrs["nodata_area_hm2"] == 1.0
    with pytest.raises(RasterError) as exc:
        class_area_by_zone(land, zones, classes=[0, 101, 201, 301], n_zones=2)
    assert exc.value.codes == ["zone_out_of_range"]


def test_sparse_codes_counted_in_the_listed_columns():
    from gep.compute.zonal import zonal_class_area
    from gep.io.rasters import class_area_by_zone

    land = _grid([[101, 1105, 1105], [201, 0, 1105]], np.uint16)
    zones = _grid([[1, 1, 2], [2, 2, 2]], np.uint16)
    # columns 101, 201, 1105: zone 1 has one 101 and one 1105, zone 2 one 201 and two 1105 (1 hm² each)
    dense = zonal_class_area(land.data, zones.data, class_values=[101, 201, 1105], nodata_class=0, nodata_zone=0)
    assert dense.tolist() == [[0, 0, 0], [1, 0, 1], [0, 1, 2]]
    full = zonal_class_area(land.data, zones.data, n_classes=1106, nodata_class=0, nodata_zone=0)
    assert np.array_equal(dense, full[:, [101, 201, 1105]]) and full.sum() == dense.sum()
    table = class_area_by_zone(land, zones, classes=[101, 201, 1105])
    assert table.land_use.values.tolist() == [101, 201, 1105] and table.values.tolist() == dense.tolist()
    with pytest.raises(RasterError) as exc:  # an unlisted code is still named as before
        class_area_by_zone(land, zones, classes=[101, 1105])
    assert exc.value.codes == ["unlisted_land_use_code"] and "201" in str(exc.value)


def test_formats_chooses_the_outputs(example_copy, tmp_path):
    from typer.testing import CliRunner

    from gep.cli import app

    runner = CliRunner()
    out = tmp_path / "o"
    r = runner.invoke(app, ["run", str(example_copy), "--years", "2021", "-q", "--formats", "json, toml", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["regions.geojson", "run.toml", "summary.json"]
    r = runner.invoke(app, ["run", str(example_copy), "-q", "--formats", "json,pdf", "--out", str(tmp_path / "p")])
    assert r.exit_code == 1
    assert "pdf" in r.output and "--formats" in r.output and "未知的输出格式" in r.output
    assert not (tmp_path / "p").exists()


# ----------------------------------------------------------------- constant-price accounts of a multi-year run
def _fresh_constant(year: int, base: int):
    """The constant-price account of ``year`` computed on its own (reading its inputs, every step)."""
    import gep
    from gep.account.config import load_config
    from gep.account.years import account_for_year

    cfg, folder = load_config(gep.example_config(), strict=False)
    return account_for_year(cfg, folder, year, prices=f"constant:{base}", source="fresh")


def test_repriced_constant_account_is_the_constant_account_computed_on_its_own():
    # a multi-year run prices each year again at the first year's prices, sharing that year's inputs and its
    # physical steps (Account.reprice): every figure, record and problem must be what the account gives alone
    import gep
    from gep.account.years import year_accounts

    accounts = year_accounts(gep.example_config(), [2020, 2021])
    for year in (2020, 2021):
        as_run, twin = accounts[(year, "as_run")], accounts[(year, "constant")]
        fresh = _fresh_constant(year, 2020)
        # the first year at constant prices of that year is that year as run: one plan, computed once
        assert (twin.plan() is as_run.plan()) == (year == 2020)
        shared = [sid for sid, st in twin.plan().steps.items() if st.physical is as_run.plan().steps[sid].physical]
        assert len(shared) == len(twin.plan().steps) == 17  # every built-in physical step of the example is price-free
        # and the allocation of county figures to townships, which no price enters, is computed once for both
        weights = twin.plan().context.params["_allocation_weights"]
        assert weights and weights is as_run.plan().context.params["_allocation_weights"]
        a, b = twin.run(), fresh.run()
        assert a.prices == b.prices == "constant:2020"
        xr.testing.assert_identical(a.value, b.value)
        xr.testing.assert_identical(a.value_by_ecosystem, b.value_by_ecosystem)
        for sid in a.physical:
            xr.testing.assert_identical(a.physical[sid], b.physical[sid])
        assert a.indicators == b.indicators
        pd.testing.assert_frame_equal(pd.DataFrame(twin.plan().trace), pd.DataFrame(fresh.plan().trace))
        assert [p.en for p in twin.plan().problems] == [p.en for p in fresh.plan().problems]
        assert [w.en for w in twin.plan().warnings] == [w.en for w in fresh.plan().warnings]
        assert twin.input_hashes == fresh.input_hashes and twin.input_hashes
        if year == 2021:  # at current prices the 2021 account differs: the twin really is at other prices
            assert a.total != as_run.run().total


def test_repriced_account_takes_the_input_checks_of_its_year(example_copy, monkeypatch):
    # the checks that read the inputs only (figures given twice, coefficient rows for no region, the Two-Mountains
    # table's own checks) run once per year: the constant-price account takes what they found, and its problems
    # and warnings are those of the constant-price account computed on its own
    from gep.account import checks
    from gep.account.config import load_config
    from gep.account.years import account_for_year, year_accounts

    folder = example_copy.parent
    coefficients = folder / "coefficients" / "example.csv"
    frame = pd.read_csv(coefficients, dtype=str, keep_default_na=False)
    frame.loc[(frame["key"] == "climate.precipitation") & (frame["valid_from"] == "2021"), "region"] = "330640"
    frame.to_csv(coefficients, index=False, lineterminator="\n")  # a mistyped region code: a warning
    table = pd.read_csv(folder / "two_mountains.csv", dtype=str, keep_default_na=False)
    table.assign(target_year="2020").to_csv(folder / "two_mountains.csv", index=False, lineterminator="\n")
    calls = {}

    def counted(name):
        check = getattr(checks, name)

        def run(*args):
            calls[name] = calls.get(name, 0) + 1
            return check(*args)
        monkeypatch.setattr(checks, name, run)

    names = ("figures_agree", "coefficient_rows_for_no_region", "status_written_as_share",
             "target_written_as_share", "targets_expired")
    for name in names:
        counted(name)
    accounts = year_accounts(example_copy, [2020, 2021])
    for key in sorted(accounts):
        accounts[key].validate()
    assert calls == {name: 2 for name in names}  # once a year, for four accounts
    conf, where = load_config(example_copy, strict=False)
    twin, fresh = accounts[(2021, "constant")], account_for_year(conf, where, 2021, prices="constant:2020")
    codes = [w.code for w in twin.plan().warnings]
    assert "coefficient_rows_for_no_region" in codes and "target_year_passed" in codes
    assert [w.en for w in twin.plan().warnings] == [w.en for w in fresh.plan().warnings]
    assert [p.en for p in twin.plan().problems] == [p.en for p in fresh.plan().problems] == []
    pd.testing.assert_frame_equal(twin.plan().two_mountains_input, fresh.plan().two_mountains_input)
    assert twin.plan().two_mountains_input is not accounts[(2021, "as_run")].plan().two_mountains_input
    pd.testing.assert_frame_equal(twin.run().extra["two_mountains"], fresh.run().extra["two_mountains"])


def test_repriced_raster_account_shares_its_coverage_records(tmp_path):
    # the spatial example over two years, rasters read in chunks: the physical steps of the raster methods are
    # shared with their records of needed and missing pixels, so the constant-price account checks coverage alike
    from gep.account.config import load_config
    from gep.account.years import account_for_year, year_accounts
    from gep.scaffold import copy_example

    copy_example(tmp_path)
    cfg = tmp_path / "gep-spatial.toml"
    text = cfg.read_text(encoding="utf-8").replace("year = 2021\n", "year = 2021\nyears = [2020, 2021]\n", 1)
    cfg.write_text(text.replace("# chunks = 256 ", "chunks = 256 ") + "\n[years.2020]\nreuse = 2021\n", encoding="utf-8")
    accounts = year_accounts(cfg, [2020, 2021])
    assert accounts.problems() == []
    conf, folder = load_config(cfg, strict=False)
    twin, fresh = accounts[(2021, "constant")], account_for_year(conf, folder, 2021, prices="constant:2020")
    as_run = accounts[(2021, "as_run")].plan()
    assert all(st.physical is as_run.steps[sid].physical for sid, st in twin.plan().steps.items())
    assert twin.plan().context.params["_coverage"] == fresh.plan().context.params["_coverage"] != []
    assert [w.en for w in twin.plan().warnings] == [w.en for w in fresh.plan().warnings]
    xr.testing.assert_identical(twin.run().value, fresh.run().value)
    pd.testing.assert_frame_equal(pd.DataFrame(twin.plan().trace), pd.DataFrame(fresh.plan().trace))


def _priced_physical_step(lookup):
    """A built-in method whose physical step also looks something priced up (``lookup(ctx)``)."""
    import dataclasses

    from gep.services import get_service

    method = get_service("water_supply").method("statistics")

    def quantify(ctx, params):
        lookup(ctx)
        return method.quantify(ctx, params)

    quantify.__module__ = method.quantify.__module__  # counted as gep's own: only the look-up decides
    return dataclasses.replace(method, quantify=quantify)


@pytest.mark.parametrize("lookup, shared", [
    (lambda ctx: ctx.rebase_factor(2015), False),            # the deflator
    (lambda ctx: ctx.coef("price.electricity"), False),      # a money coefficient
    (lambda ctx: ctx.coef("climate.cooling_days"), True),      # a coefficient that is not money
    (lambda ctx: None, True),                                # nothing priced: the same quantity at any prices
])
def test_a_physical_step_that_looks_up_a_price_is_not_shared(monkeypatch, lookup, shared):
    import gep
    from gep.account import plan as plan_module

    ctx = gep.Account.from_config(gep.example_config()).context()
    plain = plan_module.execute_step(ctx, "water_supply", "statistics")
    assert plain.ok and plain.price_free
    method = _priced_physical_step(lookup)

    class Service:
        category = "provisioning"

        def method(self, name=None):
            return method

    monkeypatch.setattr(plan_module, "get_service", lambda sid: Service())
    step = plan_module.execute_step(ctx, "water_supply", "statistics")
    assert step.ok
    assert step.price_free is shared


def test_a_plugin_physical_step_is_never_shared(monkeypatch):
    # a method from outside gep may read ctx.price_year directly, which nothing counts
    import dataclasses

    import gep
    from gep.account import plan as plan_module
    from gep.services import get_service

    method = get_service("water_supply").method("statistics")
    outside = dataclasses.replace(method, quantify=lambda ctx, params: method.quantify(ctx, params))

    class Service:
        def method(self, name=None):
            return outside

    ctx = gep.Account.from_config(gep.example_config()).context()
    monkeypatch.setattr(plan_module, "get_service", lambda sid: Service())
    step = plan_module.execute_step(ctx, "water_supply", "statistics")
    assert step.ok and not step.price_free


# ----------------------------------------------------------------- the year-on-year comparison on whole arrays
def _cells_one_by_one(a, b) -> pd.DataFrame:
    """The comparison of two results cell by cell (service × region), with :func:`decompose` on each:
    what :func:`gep.account.years.compare_results` computes on whole arrays."""
    from gep.account.years import decompose

    services = list(dict.fromkeys(list(a.value.service.values) + list(b.value.service.values)))
    regions = list(dict.fromkeys(list(a.value.region.values) + list(b.value.region.values)))
    areas_a, areas_b = a.extra.get("areas"), b.extra.get("areas")
    rows = []
    for sid in services:
        in_a, in_b = sid in a.value.service, sid in b.value.service
        info = a.services if in_a else b.services
        for reg in regions:
            def parts(res, present, areas, sid=sid, reg=reg):
                if not present or reg not in res.value.region:
                    return None
                phys = res.physical[sid].sel(region=reg)
                if "ecosystem" in phys.dims and areas is not None:
                    eco = phys.ecosystem.values
                    v = res.value_by_ecosystem.sel(service=sid, region=reg).reindex(ecosystem=eco, fill_value=0.0)
                    return phys, v, areas.sel(region=reg).reindex(ecosystem=eco, fill_value=0.0)
                return float(phys.sum()), float(res.value.sel(service=sid, region=reg)), None
            pa, pb = parts(a, in_a, areas_a), parts(b, in_b, areas_b)
            va = 0.0 if pa is None else float(np.sum(pa[1]))
            vb = 0.0 if pb is None else float(np.sum(pb[1]))
            row = {"service": sid, "label_zh": info.at[sid, "label_zh"], "category": info.at[sid, "category"],
                   "region": reg, "value_a": va, "value_b": vb, "change": vb - va}
            if pa is not None and pb is not None and pa[2] is not None and pb[2] is not None:
                eco = sorted(set(map(str, pa[0].ecosystem.values)) | set(map(str, pb[0].ecosystem.values)))
                row.update(decompose(*(x.reindex(ecosystem=eco, fill_value=0.0).values
                                       for x in (pa[0], pa[1], pb[0], pb[1], pa[2], pb[2]))))
            else:
                qa = 0.0 if pa is None else float(np.sum(pa[0]))
                qb = 0.0 if pb is None else float(np.sum(pb[0]))
                row.update(decompose(qa, va, qb, vb))
            rows.append(row)
    cells = pd.DataFrame(rows)
    for col in ("area", "intensity", "quantity", "price"):
        if col in cells:
            cells[col] = cells[col].fillna(0.0)
    return cells


@pytest.fixture(scope="module")
def example_years():
    import gep

    return gep.run_years(gep.example_config(), [2020, 2021])


@pytest.mark.parametrize("prices", ["constant", "as_run"])
def test_comparison_on_whole_arrays_is_the_cell_by_cell_decomposition(example_years, prices):
    comp = example_years.compare(2020, 2021, prices=prices)
    source = example_years.constant if prices == "constant" else example_years.results
    expected = _cells_one_by_one(source[2020], source[2021])
    assert set(comp.effects) == {"area", "intensity", "quantity", "price"}  # both kinds of cell are in the example
    pd.testing.assert_frame_equal(comp.cells, expected[list(comp.cells.columns)], check_exact=True)


def test_comparison_of_results_with_different_regions_and_services(example_years):
    # a region or a service of one year only: its cells compare against nothing (value 0, the change all quantity
    # or area), as cell by cell
    a, b = example_years.results[2020], example_years.results[2021]
    from dataclasses import replace

    from gep.account.years import compare_results

    regions_a = list(a.value.region.values)[1:]
    services_b = [s for s in b.value.service.values if s != "water_supply"]
    a2 = replace(a, value=a.value.sel(region=regions_a), value_by_ecosystem=a.value_by_ecosystem.sel(region=regions_a),
                 physical=a.physical.sel(region=regions_a))
    b2 = replace(b, value=b.value.sel(service=services_b), value_by_ecosystem=b.value_by_ecosystem.sel(service=services_b),
                 physical=b.physical.drop_vars("water_supply"))
    comp = compare_results(a2, b2)
    expected = _cells_one_by_one(a2, b2)
    pd.testing.assert_frame_equal(comp.cells, expected[list(comp.cells.columns)], check_exact=True)


def test_figure_lookup_by_positions_is_the_boolean_selection(example_years):
    from gep.decisions.figures import gather

    figs = gather(example_years)
    t = figs.table
    keys = set(zip(t["year"], t["region"], t["indicator"]))
    assert len(keys) > 100 and len(t) > len(keys)  # some figures have two price bases
    for year, region, indicator in sorted(keys) + [(2019, t["region"].iloc[0], "gep"), (2021, "nowhere", "gep")]:
        expected = t[(t["year"] == year) & (t["region"] == region) & (t["indicator"] == indicator)]
        pd.testing.assert_frame_equal(figs.lookup(year, region, indicator), expected)


def test_a_value_resting_on_a_price_of_the_set_is_valued_again_at_constant_prices(example_copy):
    """A product valued at the prices of its statistics is the same value at any prices until it is brought to
    the account's (Step.value_price_free: the twin takes it). Water use given without a price takes the set's
    water price, which is rebased to the constant prices: that value must be computed again."""
    from gep.account.config import load_config
    from gep.account.years import account_for_year, year_accounts

    folder = example_copy.parent
    for name in ("statistics.csv", "statistics_2020.csv"):  # 农业用水 with its quantity only
        path = folder / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(
            ",".join(line.split(",")[:4] + ["", ""] + line.split(",")[6:]) if line.startswith("shangyu,农业用水,")
            else line for line in lines), encoding="utf-8")
    with open(folder / "coefficients" / "example.csv", "a", encoding="utf-8") as fh:  # the set's water price
        fh.write("price.water.agricultural,*,330604,2015,0.07,元/m³,2010,illustrative,test,illustrative,"
                 "a test's price (Garzé's 2010 agricultural water price),,,,,,,\n")
    accounts = year_accounts(example_copy, [2020, 2021])
    cfg, base_dir = load_config(example_copy, strict=False)
    for year in (2020, 2021):
        as_run, twin = accounts[(year, "as_run")], accounts[(year, "constant")]
        steps = twin.plan().steps
        assert [s for s in ("forestry_products", "livestock_products", "fishery_products", "recreation")
                if steps[s].value_price_free] == ["forestry_products", "livestock_products", "fishery_products",
                                                  "recreation"]  # taken from the account as run
        assert not steps["water_supply"].value_price_free               # valued again
        assert not as_run.plan().steps["water_supply"].value_price_free
        fresh = account_for_year(cfg, base_dir, year, prices="constant:2020", source="fresh").run()
        a = twin.run()
        xr.testing.assert_identical(a.value, fresh.value)
        xr.testing.assert_identical(a.value_by_ecosystem, fresh.value_by_ecosystem)
        for sid in ("water_supply", "fishery_products"):
            xr.testing.assert_identical(a.extra["value_components"].get(sid, {}).get("农业用水", a.value),
                                        fresh.extra["value_components"].get(sid, {}).get("农业用水", fresh.value))
        pd.testing.assert_frame_equal(pd.DataFrame(twin.plan().trace), pd.DataFrame(accounts[(year, "constant")]
                                                                                     .plan().trace))
    # the water price is rebased to 2020's prices in the 2021 twin: the as-run value would have been wrong there
    water = lambda res: float(res.value.sel(service="water_supply").sum())  # noqa: E731
    assert water(accounts[(2021, "constant")].run()) != water(accounts[(2021, "as_run")].run())


def test_rows_by_label_gives_what_at_gives_type_for_type(example_result):
    from gep.io.summary import rows_by_label

    frame = example_result.regions.copy()
    frame.loc[frame.index[0], "gdp_yuan"] = np.nan  # a gap, as a region table may have
    for table, columns in ((example_result.services, ("category", "label_zh", "tier", "physical_unit")),
                           (frame, ("gdp_yuan", "population_persons", "name_zh", "name_en", "area_km2"))):
        rows = rows_by_label(table, columns)
        assert list(rows) == list(table.index)
        for label in table.index:
            for column, value in zip(columns, rows[label]):
                expected = table.at[label, column]
                assert type(value) is type(expected)
                assert value == expected or (value != value and expected != expected)


# ---- townships (issue 14): per distinct value, per array, not per row -------------------------------------

MIXED = st.one_of(st.text(max_size=4), st.none(), st.just(float("nan")), st.integers(-3, 3), st.just(" 101.0 "))


@given(st.lists(MIXED, max_size=30))
def test_cleaning_each_distinct_value_once_is_cleaning_every_row(values):
    from gep.classifications import _normalise_code, _per_distinct

    column = pd.Series(values, dtype=object, index=np.arange(len(values)) * 3)
    for f in (_normalise_code, lambda v: v.strip() if isinstance(v, str) else v):
        got, want = _per_distinct(column, f), column.map(f)
        assert got.index.equals(want.index)
        # pandas' map may give NaN for a None: both are a missing value
        assert [None if pd.isna(x) else repr(x) for x in got] == [None if pd.isna(x) else repr(x) for x in want]


def test_land_use_rows_cleaned_and_converted():
    from gep.classifications import areas_by_ecosystem, load_scheme

    frame = pd.DataFrame({"region": [" t1 ", "t1", "t2", "t2"], "code": ["0101", "0301.0", "0101", "0301"],
                          "area": ["15", "0.02", "30000", 4], "unit": ["亩", "km²", " m² ", "hm²"]})
    areas, rows = areas_by_ecosystem(frame, load_scheme("gbt21010-2017"), regions=["t1", "t2"])
    got = areas.sel(ecosystem=["farmland_paddy", "forest_broadleaf"]).values
    np.testing.assert_allclose(got, [[1.0, 2.0], [3.0, 4.0]], rtol=1e-12)  # 15 亩 = 1 hm²; 0.02 km² = 2 hm²
    assert float(areas.sum()) == pytest.approx(10.0, rel=1e-12)
    assert list(rows["row"]) == [2, 3, 4, 5] and list(rows["code"]) == ["0101", "0301", "0101", "0301"]
    assert list(rows["region"]) == ["t1", "t1", "t2", "t2"]


def test_each_bad_unit_and_area_named_at_its_rows():
    from gep.classifications import areas_by_ecosystem, load_scheme
    from gep.errors import InvalidArea, UnitError

    scheme = load_scheme("gbt21010-2017")
    base = {"region": ["t1"] * 5, "code": ["0101", "0102", "0103", "0301", "0302"]}
    with pytest.raises(UnitError) as exc:
        areas_by_ecosystem(pd.DataFrame({**base, "area": ["1"] * 5, "unit": ["hm²", "元", "hm²", "kg", "元"]}), scheme)
    assert [(p.row, p.value) for p in exc.value.problems] == [(3, "元"), (5, "kg")]
    with pytest.raises(InvalidArea) as exc:
        areas_by_ecosystem(pd.DataFrame({**base, "area": ["1", "x", "-2", "inf", ""], "unit": ["hm²"] * 5}), scheme)
    assert [(p.code, p.row) for p in exc.value.problems] == [
        ("area_not_a_number", 3), ("negative_area", 4), ("negative_area", 5), ("area_not_a_number", 6)]


def test_negative_totals_align_the_regions_of_each_service():
    from types import SimpleNamespace

    from gep.account.checks import negative_totals

    def step(regions, values):
        da = xr.DataArray(np.asarray(values, dtype=float), dims=("region",), coords={"region": regions})
        return SimpleNamespace(value=SimpleNamespace(data=da))

    steps = {"a": step(["x", "y", "z"], [1.0, 5.0, 2.0]),
             "b": step(["z", "x", "y"], [-3.0, -0.5, 1.0]),     # other order: z is 2 − 3 < 0, x is 0.5
             "c": step(["y", "x"], [-7.0, 0.25])}               # no z; y is 5 + 1 − 7 < 0
    (p,) = negative_totals(steps)
    assert p.value == ["y", "z"] and "services with negative values: ['b', 'c']" in p.en
    steps["d"] = step(["y", "z"], [1.5, 1.0])
    assert negative_totals(steps) == []


def test_positions_on_the_grid():
    from gep.account.engine import _positions

    index = {"a": 0, "b": 1, "c": 2}
    assert _positions(np.array(["a", "b"]), index) == slice(0, 2)
    assert _positions(np.array(["b", "a"], dtype=object), index) == [1, 0]
    assert _positions(np.array(["c"]), index) == [2]

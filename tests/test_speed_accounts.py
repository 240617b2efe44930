"""The per-account short cuts of issue 14 give, to the last bit, what the code they replace gave.

Each fast path is compared with the computation it replaces, written out here as it was: the
sums by region of the statistics (pandas' ``groupby().sum()``) and their spread over the
townships, the service × region × ecosystem array of the result, the unit conversion of a
coefficient, the regional-row look-up, and the input tables read once per content of their files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import gep

FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e16, -1e16, 1.0, 0.1, -0.0, 0.0, 3.0, 1e-300, 2.0**53]),
)


def _bits(values) -> bytes:
    """The exact bytes of floats (NaN all alike), so -0.0 and 0.0 differ."""
    a = np.array(values, dtype=float)
    a[np.isnan(a)] = np.nan
    return a.tobytes()


@settings(max_examples=300, deadline=None)
@given(st.lists(FLOATS, max_size=12), st.booleans())
def test_sums_by_region_are_pandas_groupby_sums(values, repeat):
    from gep.services.products import _sums_by_region

    # one row per region (the short cut), or some regions twice (pandas sums them)
    regions = [f"town{i:02d}" for i in range(len(values))][::-1]
    if repeat and len(values) > 2:
        regions[0] = regions[1]
    keys, array = np.array(regions, dtype=object), np.array(values, dtype=float)
    expected = pd.Series(array).groupby(keys).sum()
    got = _sums_by_region(keys, array)
    assert list(got) == list(expected.index)
    assert _bits(list(got.values())) == _bits(expected.to_numpy())


# ------------------------------------------------------------------------------ statistics spread
def _old_spread(ctx, frame, column, group):
    """``gep.services.products._spread`` as it was: a pandas groupby, and a DataArray."""
    from gep.services.products import _allocation_weights, _leaves_under

    regions = ctx.regions
    position = {r: i for i, r in enumerate(regions)}
    out = np.zeros(len(regions))
    if frame.empty:
        return xr.DataArray(out, dims=("region",), coords={"region": regions})
    vals = pd.to_numeric(frame[column], errors="coerce").fillna(0.0)
    by_region = vals.groupby(frame["region"].astype(str)).sum()
    for reg, v in by_region.items():
        if reg in position:
            out[position[reg]] += v
        else:
            weights, _ = _allocation_weights(ctx, group, within=_leaves_under(ctx, reg))
            out = out + np.asarray(weights) * v
    return xr.DataArray(out, dims=("region",), coords={"region": regions})


def _old_weights(ctx, group, within):
    """``gep.services.products._weights`` as it was: the region table and the areas read through pandas and
    xarray for every group, a DataArray."""
    from gep.classifications import ecosystem_types
    from gep.services.products import DEFAULT_ALLOCATION

    alloc = {**DEFAULT_ALLOCATION, **ctx.params.get("allocation", {})}
    proxy, regions = alloc.get(group, "area"), ctx.regions
    if proxy == "population":
        w = ctx.region_info.loc[regions, "population_persons"].astype(float).to_numpy()
    elif proxy == "area" or ctx.areas is None:
        w = ctx.region_info.loc[regions, "area_km2"].astype(float).to_numpy()
    else:
        groups = [proxy] if isinstance(proxy, str) else list(proxy)
        present = set(map(str, ctx.areas.ecosystem.values))
        types = [t for t, spec in ecosystem_types().items() if spec.group in groups and t in present]
        summed = ctx.areas.sel(ecosystem=types).sum("ecosystem")
        w = summed.to_numpy() if summed.region.values.tolist() == list(regions) \
            else summed.reindex(region=regions).to_numpy()
    w = np.nan_to_num(np.asarray(w, dtype=float))
    if within is not None:
        w = w * np.isin(np.asarray(regions, dtype=object), list(within))
    return xr.DataArray(w / w.sum(), dims=("region",), coords={"region": regions})


@pytest.fixture(scope="module")
def example_plan():
    return gep.Account.from_config(gep.example_config()).plan()


@pytest.mark.parametrize("allocation", [{}, {"agriculture": "population", "forestry": "area",
                                             "tourism": ["forest", "water"]}], ids=["default", "configured"])
def test_allocation_weights_as_before(example_plan, allocation):
    # every group's weights over all the townships, and over some of them, bit for bit as the xarray code gave
    # them; a township without land use (NaN areas) weighs 0 in either
    import copy

    from gep.services.products import DEFAULT_ALLOCATION, _weights

    ctx = copy.copy(example_plan.context)
    areas = ctx.areas.copy()
    areas[{"region": 3}] = np.nan
    ctx.areas = areas.isel(region=[*range(5), 7, 6, *range(8, areas.sizes["region"])])  # in another order, too
    ctx.params = {"allocation": allocation}
    compared = 0
    for group in DEFAULT_ALLOCATION:
        for within in (None, ctx.regions[2:9], ctx.regions[:1]):
            try:
                old = _old_weights(ctx, group, within).to_numpy()
            except FloatingPointError:  # pragma: no cover
                continue
            if not np.isfinite(old).all():
                continue  # the proxy adds up to 0 there: an error either way (allocation_without_weight)
            new, _ = _weights(ctx, group, within)
            assert _bits(new) == _bits(old), (group, within)
            compared += 1
    assert compared >= 20


def test_spread_and_item_values_as_before(example_plan):
    from gep.services.products import PRODUCT_SERVICES, _item_values, _rows, _spread

    ctx = example_plan.context
    compared = 0
    for group, category, *_rest in PRODUCT_SERVICES.values():
        rows = _rows(ctx, group, category)
        # the rows as given, then each row given again for the county and split in uneven parts for its
        # township: several rows per region, leaf and non-leaf, in magnitudes a plain sum would round
        county = rows.assign(region=ctx.region_info.index[ctx.region_info["parent"] == ""][0])
        split = pd.concat([rows.assign(value=rows["value"] * f) for f in (1e-9, 0.3, 1e7)], ignore_index=True)
        for frame in (rows, pd.concat([rows, county, split], ignore_index=True)):
            for column in ("value", "quantity"):
                new, _ = _spread(ctx, frame, column, group)
                old = _old_spread(ctx, frame, column, group)
                assert new.identical(old) and new.region.dtype == old.region.dtype
                compared += 1
            parts = _item_values(ctx, frame, group)
            old_parts = {str(item): _old_spread(ctx, g, "value", group)
                         for item, g in frame.groupby("item", sort=False)} if len(frame) else {}
            assert list(parts) == list(old_parts)
            assert all(parts[k].identical(old_parts[k]) for k in parts)
    assert compared > 20


def test_records_are_the_rows_iterrows_gives(example_plan):
    from gep.services.products import _records, statistics_values

    frame = statistics_values(example_plan.context)["provisioning"]
    records = _records(frame)
    assert len(records) == len(frame)
    for rec, (_, row) in zip(records, frame.iterrows()):
        assert list(rec) == list(row.index)
        for k in rec:
            a, b = rec[k], row[k]
            assert type(a) is type(b) and (a == b or (pd.isna(a) and pd.isna(b)))


# ------------------------------------------------------------------------------ the result's arrays
def by_region_ecosystem(da: xr.DataArray, regions: list[str], ecosystems: list[str], unattributed: str) -> xr.DataArray:
    """A (region[, ecosystem]) result on the full (region, ecosystem) grid, one DataArray per service: what the
    engine did before it filled one service × region × ecosystem array."""
    out = np.zeros((len(regions), len(ecosystems)))
    r_index = {r: i for i, r in enumerate(regions)}
    e_index = {e: j for j, e in enumerate(ecosystems)}
    rows = [r_index[str(r)] for r in da.region.values]
    if "ecosystem" in da.dims:
        cols = [e_index[str(e)] for e in da.ecosystem.values]
        out[np.ix_(rows, cols)] = da.transpose("region", "ecosystem").values
    else:
        out[rows, e_index[unattributed]] = da.values
    return xr.DataArray(out, dims=("region", "ecosystem"), coords={"region": regions, "ecosystem": ecosystems})


def test_assemble_as_concat_and_reindex(example_plan):
    from gep.account.engine import UNATTRIBUTED, assemble

    account = gep.Account.from_config(gep.example_config())
    plan = account.plan()
    res = assemble(account, plan)
    ctx = plan.context
    ecosystems = list(ctx.areas.ecosystem.values) + [UNATTRIBUTED]
    old = xr.concat([by_region_ecosystem(s.value.data, ctx.regions, ecosystems, UNATTRIBUTED).expand_dims(service=[sid])
                     for sid, s in plan.steps.items()], dim="service")
    if not old.sel(ecosystem=UNATTRIBUTED).any():
        old = old.drop_sel(ecosystem=UNATTRIBUTED)
    vbe = res.value_by_ecosystem
    assert vbe.values.tobytes() == old.values.tobytes()
    for dim in ("service", "region", "ecosystem"):
        assert vbe[dim].dtype == old[dim].dtype and list(vbe[dim].values) == list(old[dim].values)
    for sid, step in plan.steps.items():
        assert res.physical[sid].values.tobytes() == \
            step.physical.data.reindex(region=ctx.regions, fill_value=0.0).values.tobytes()
        for name, part in step.value.components.items():
            before = (part.sum("ecosystem") if "ecosystem" in part.dims else part).reindex(region=ctx.regions,
                                                                                         fill_value=0.0)
            after = res.extra["value_components"][sid][name]
            assert after.values.tobytes() == before.values.tobytes()
            assert after.region.dtype == before.region.dtype and list(after.coords) == list(before.coords)


# ------------------------------------------------------------------------------ coefficients
def test_remembered_conversion_is_pints():
    from gep.coefficients.sets import Resolved, _convert

    for value in (-0.0, 0.0, 1.5, 3406.5, 1e-12, 7):
        for unit, target in (("t/(hm²*a)", "kg/(m²*a)"), ("元/t", "万元/t"), ("1", "1"), ("mm", "m")):
            res = Resolved(key="k", ecosystem="*", region="*", year=2021, value=value, unit=unit, price_year=None,
                           source="s", locator="", status="official", set_id="t", row=2, file="f.csv")
            twice = [res.to(target), res.to(target)]
            assert _bits(twice) == _bits([_convert(value, unit, target)] * 2)


def test_regions_for_is_a_scan_of_the_table(example_plan):
    cset = example_plan.context.coefficients
    table = cset.table
    for key in sorted(set(table["key"]))[:40] + ["no.such.key"]:
        assert cset.regions_for(key) == set(table.loc[table["key"] == key, "region"].astype(str))


# ------------------------------------------------------------------------------ input tables read once
def test_input_tables_read_once_are_each_accounts_own(example_copy):
    from gep.account.inputs import clear_read_cache

    clear_read_cache()
    first = gep.Account.from_config(example_copy)
    loaded, _ = first._load_inputs()
    loaded["regions"].frame.loc[:, "area_km2"] = -1.0  # what one account does to its tables …
    loaded["statistics"].table.loc[:, "output_value"] = 0.0
    second = gep.Account.from_config(example_copy)
    again, _ = second._load_inputs()
    assert (again["regions"].frame["area_km2"] > 0).all()  # … never reaches another
    assert again["statistics"].table["output_value"].sum() > 0
    assert again["regions"] is not loaded["regions"]


def test_input_tables_read_again_when_the_file_changes(example_copy):
    before = gep.Account.from_config(example_copy).run().total
    stats = example_copy.parent / "statistics.csv"
    text = stats.read_text(encoding="utf-8")
    assert ",66.8,亿元," in text
    stats.write_text(text.replace(",66.8,亿元,", ",60.8,亿元,"), encoding="utf-8")
    economy = example_copy.parent / "economy.csv"  # the same figure in the economy table (one figure, one value)
    economy.write_text(economy.read_text(encoding="utf-8").replace("tourism_revenue,66.8,", "tourism_revenue,60.8,"),
                       encoding="utf-8")
    after = gep.Account.from_config(example_copy).run().total
    assert after == pytest.approx(before - 6e8)  # 6 亿元 less tourism revenue: the table was read again


def test_input_tables_read_once_still_meet_the_caps(example_copy):
    gep.Account.from_config(example_copy).run()  # the land use read under the default caps, and kept
    # the same bytes under a lower cap: refused, not served from what was read before
    example_copy.write_text(example_copy.read_text(encoding="utf-8") + "\n[limits]\nmax_table_rows = 100\n",
                            encoding="utf-8")
    problems = gep.Account.from_config(example_copy).validate()
    assert any(p.code == "too_many_rows" and p.file.endswith("land_use.csv") for p in problems)


def _old_check_levels(ctx, frame):
    """``gep.services.products._check_levels`` as it was (a sub-frame per item): the problems it raised."""
    leaves = set(ctx.regions)
    found = []
    for item, rows in frame.groupby("item"):
        regions = set(rows["region"].astype(str))
        upper, lower = regions - leaves, regions & leaves
        for up in sorted(upper):
            under = sorted(r for r in lower if up in ctx.resolution_chain.get(r, []))
            if under:
                found.append((item, up, under[:3], str(rows["source_row"].iloc[0])))
    return found


def test_statistics_given_at_two_levels_as_before(example_plan):
    from gep.errors import StatisticsError
    from gep.services.products import _check_levels, statistics_values

    ctx = example_plan.context
    values = statistics_values(ctx)
    frame = pd.concat([values["provisioning"], values["cultural"]], ignore_index=True)
    root = ctx.region_info.index[ctx.region_info["parent"] == ""][0]
    _check_levels(ctx, frame)  # the example: every item at one level
    assert _old_check_levels(ctx, frame) == []
    # items given for the county as well as for townships, one item without a name, rows in no order
    county = frame.iloc[[0, 5, 9, 3]].assign(region=root, source_row=["c1", "c2", "c3", "c4"])
    towns = frame.iloc[[0, 5, 9, 3, 0]].assign(region=ctx.regions[:4] + ctx.regions[-1:],
                                               source_row=["t1", "t2", "t3", "t4", "t5"])
    unnamed = towns.iloc[[1]].assign(item=np.nan)
    mixed = pd.concat([frame.iloc[::-1], towns, county, unnamed], ignore_index=True)
    with pytest.raises(StatisticsError) as err:
        _check_levels(ctx, mixed)
    old = _old_check_levels(ctx, mixed)
    assert len(old) >= 2
    assert [(p.value, p.file) for p in err.value.problems] == [(item, source) for item, _, _, source in old]
    assert [p.en for p in err.value.problems] == [
        f"{item} is given both for {up} and for regions under it {under}: it would be counted twice"
        for item, up, under, _ in old]


def test_land_use_areas_follow_the_file_and_the_scheme(example_copy):
    from dataclasses import replace

    from gep.account.inputs import _land_use_areas
    from gep.classifications import areas_by_ecosystem, load_scheme
    from gep.io.tables import read_csv_checked

    path = example_copy.parent / "land_use.csv"
    scheme = load_scheme("gbt21010-2017")
    leaves = gep.Account.from_config(example_copy)._load_inputs()[0]["regions"].leaves

    def direct(sch):
        frame = read_csv_checked(path, required=["region", "code", "area", "unit"], dtype=str)
        return areas_by_ecosystem(frame, sch, file=str(path), regions=leaves)

    first, _ = _land_use_areas(path, scheme, str(path), leaves)
    assert first.identical(direct(scheme)[0])
    first.values[:] = -1.0  # an account's copy, changed: the next one is not
    assert _land_use_areas(path, scheme, str(path), leaves)[0].identical(direct(scheme)[0])
    # another mapping of the same codes: mapped again
    table = scheme.table.copy()
    assert (table["ecosystem"] == "farmland_paddy").any()
    table.loc[table["ecosystem"] == "farmland_paddy", "ecosystem"] = "farmland_dry"
    other = replace(scheme, table=table)
    assert _land_use_areas(path, other, str(path), leaves)[0].identical(direct(other)[0])
    # the file changed: read and mapped again
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")
    changed, _ = _land_use_areas(path, scheme, str(path), leaves)
    assert changed.identical(direct(scheme)[0]) and not changed.identical(direct(other)[0])

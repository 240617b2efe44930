"""The raster path of an account (``[rasters]``, spatial methods), end to end.

A tiny synthetic county is written to ``tmp_path``: three townships ``t0``,
``t1``, ``t2`` on a 150 × 100 grid of 100 m pixels (1 pixel = 1 hm²) in UTM
50N, eight GB/T 21010 land-use classes, and per-pixel layers that are
*constant within each township* and equal to that township's coefficients
(precipitation, R, K, LS) or to the class's coefficient (ET, NPP). On such
rasters the per-pixel (``spatial``) methods and the per-ecosystem
(``tabular``) methods compute the same sums in a different order, so they must
agree to rounding. The same account is run in memory, with dask chunks and on
a ``dask.distributed`` cluster; bad rasters must give typed errors; and the
example county's raster config must reproduce its land-use table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

rasterio = pytest.importorskip("rasterio")
pytest.importorskip("rioxarray")
from rasterio.transform import from_origin  # noqa: E402

import gep  # noqa: E402
from gep.errors import ConfigError, GepError, RasterError  # noqa: E402
from gep.io.spatial import load_rasters  # noqa: E402
from conftest import FEES_2003, PRODUCTS_WITHOUT_ROWS  # noqa: E402
from gep.testing import flat_price_index, write_coefficient_set  # noqa: E402

YEAR = 2021
CRS = "EPSG:32650"
NY, NX = 150, 100
TRANSFORM = from_origin(500_000.0, 3_400_000.0, 100.0, 100.0)
FLOAT_NODATA = -9999.0
SPATIAL = ["water_conservation", "soil_retention", "carbon_sequestration", "oxygen_release"]

#: zone number → (township, first row, last row + 1); columns 2 … 97 (96 px wide)
ZONES = {1: ("t0", 2, 52), 2: ("t1", 52, 102), 3: ("t2", 102, 148)}
COL0, COL1 = 2, 98
#: GB/T 21010 code (as raster integer) → ecosystem type of gbt21010-2017
CLASSES = {101: "farmland_paddy", 103: "farmland_dry", 301: "forest_broadleaf", 305: "shrub",
           404: "grassland_shrub", 701: "built_up", 1101: "water", 1106: "wetland"}
#: township factors (region rows of the coefficient set = the constant raster value in the township)
TOWN = {"t0": dict(P=1500.0, R=4000.0, K=0.03, LS=2.0),
        "t1": dict(P=1200.0, R=5000.0, K=0.04, LS=3.5),
        "t2": dict(P=1350.0, R=4500.0, K=0.035, LS=1.0)}
#: per-ecosystem rates: runoff coefficient, ET [mm], RUSLE C and P, NPP [t/(hm²·a)]
ECO = {
    "forest_broadleaf": dict(alpha=0.05, et=800.0, c=0.01, p=1.0, npp=12.0),
    "shrub": dict(alpha=0.08, et=750.0, c=0.05, p=1.0, npp=8.0),
    "grassland_shrub": dict(alpha=0.10, et=700.0, c=0.08, p=1.0, npp=6.0),
    "wetland": dict(alpha=0.0, et=900.0, npp=8.0),
    "farmland_paddy": dict(c=0.1, p=0.15, npp=10.0),
    "farmland_dry": dict(c=0.3, p=0.4, npp=8.0),
}
#: ET and NPP pixel values where the class has no rate (outside water conservation / NPP groups)
ET_OTHER, NPP_OTHER = 500.0, 0.0


# ---------------------------------------------------------------------------- the tiny county
def zone_array() -> np.ndarray:
    z = np.zeros((NY, NX), dtype=np.uint8)
    for n, (_, r0, r1) in ZONES.items():
        z[r0:r1, COL0:COL1] = n
    return z


def land_use_array(zones: np.ndarray) -> np.ndarray:
    """Deterministic patchwork of 3 × 4 blocks; t2 has no wetland."""
    codes = np.array(list(CLASSES), dtype=np.uint16)
    i, j = np.indices(zones.shape)
    lu = codes[((i // 3) * 5 + (j // 4) * 3 + zones.astype(int)) % len(codes)]
    lu = np.where((zones == 3) & (lu == 1106), 301, lu).astype(np.uint16)
    return np.where(zones > 0, lu, 0).astype(np.uint16)


def layer_arrays(zones, lu) -> dict[str, np.ndarray]:
    out = {k: np.full(zones.shape, FLOAT_NODATA) for k in
           ("precipitation", "rainfall_erosivity", "soil_erodibility", "ls_factor", "evapotranspiration", "npp")}
    for n, (town, _, _) in ZONES.items():
        m = zones == n
        f = TOWN[town]
        out["precipitation"][m], out["rainfall_erosivity"][m] = f["P"], f["R"]
        out["soil_erodibility"][m], out["ls_factor"][m] = f["K"], f["LS"]
    inside = zones > 0
    for code, eco in CLASSES.items():
        m = (lu == code) & inside
        out["evapotranspiration"][m] = ECO.get(eco, {}).get("et", ET_OTHER)
        out["npp"][m] = ECO.get(eco, {}).get("npp", NPP_OTHER)
    return out


def write_tif(path: Path, data, *, nodata=FLOAT_NODATA, crs=CRS, transform=TRANSFORM):
    profile = dict(driver="GTiff", height=data.shape[0], width=data.shape[1], count=1, dtype=data.dtype.name,
                   crs=crs, transform=transform)
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


def coefficient_rows():
    rows = []
    for town, f in TOWN.items():
        rows += [("climate.precipitation", "*", town, f["P"], "mm"),
                 ("soil.rainfall_erosivity", "*", town, f["R"], "MJ·mm/(hm²·h·a)"),
                 ("soil.erodibility", "*", town, f["K"], "t·hm²·h/(hm²·MJ·mm)"),
                 ("terrain.ls_factor", "*", town, f["LS"], "1")]
    keys = {"alpha": ("rate.runoff_coefficient", "1"), "et": ("rate.evapotranspiration", "mm"),
            "c": ("rate.rusle_c", "1"), "p": ("rate.rusle_p", "1"), "npp": ("rate.npp", "t/(hm²·a)")}
    for eco, rates in ECO.items():
        rows += [(keys[k][0], eco, "*", v, keys[k][1]) for k, v in rates.items()]
    # the other services of the rcees-gep profile (round rates)
    rows += [("climate.cooling_days", "*", "c", 60, "d"),
             ("rate.transpiration_heat", "forest_broadleaf", "*", 1800, "kJ/(m²·d)"),
             ("rate.transpiration_heat", "shrub", "*", 1200, "kJ/(m²·d)"),
             ("rate.transpiration_heat", "grassland_shrub", "*", 900, "kJ/(m²·d)"),
             ("rate.water_evaporation", "water", "*", 1000, "mm"),
             ("rate.water_evaporation", "wetland", "*", 800, "mm"),
             ("price.seawall", "*", "c", 60000, "元/m", YEAR), ("param.seawall_lifetime", "*", "c", 40, "a")]
    rows += [(key, "*", "c", v, "元/t", YEAR) for key, v in FEES_2003.items()]  # the 2003 fees end in 2014
    for key, rate in (("rate.cod_purification", 0.2), ("rate.nh3n_purification", 0.02), ("rate.tp_purification", 0.004)):
        rows += [(key, "wetland", "*", rate, "t/(hm²·a)"), (key, "water", "*", rate, "t/(hm²·a)")]
    for key, rate in (("rate.so2_absorption", 50), ("rate.nox_absorption", 4), ("rate.dust_retention", 5000)):
        rows += [(key, eco, "*", rate, "kg/(hm²·a)") for eco in ("forest_broadleaf", "shrub", "grassland_shrub")]
    return rows


def write_county(root: Path, *, layers=None, zone_ids=None, zones=None) -> Path:
    """Write the tiny county (rasters, tables, coefficient set) to ``root``; return ``root``.

    ``layers``: name → array (replaces the computed layer); ``zone_ids``: rows of zones.csv;
    ``zones``: replacement zone array.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "rasters").mkdir(exist_ok=True)
    z = zone_array() if zones is None else zones
    lu = land_use_array(zone_array())
    write_tif(root / "rasters" / "zones.tif", z, nodata=0)
    write_tif(root / "rasters" / "land_use.tif", lu, nodata=0)
    arrays = layer_arrays(zone_array(), lu)
    arrays.update(layers or {})
    for name, arr in arrays.items():
        write_tif(root / "rasters" / f"{name}.tif", np.asarray(arr, dtype=np.float64))
    ids = zone_ids if zone_ids is not None else [(n, t) for n, (t, _, _) in ZONES.items()]
    pd.DataFrame(ids, columns=["zone", "region"]).to_csv(root / "rasters" / "zones.csv", index=False)

    # region table: county c and the townships, areas = pixel counts (hm²) / 100
    counts = {t: int((zone_array() == n).sum()) for n, (t, _, _) in ZONES.items()}
    regions = [{"id": "c", "parent": "", "name_zh": "县", "name_en": "County", "area": sum(counts.values()) / 100,
                "area_unit": "km²", "population": 10000, "population_unit": "人", "gdp": 1e9, "gdp_unit": "元"}]
    regions += [{"id": t, "parent": "c", "name_zh": t, "name_en": t, "area": a / 100, "area_unit": "km²",
                 "population": "", "population_unit": "", "gdp": "", "gdp_unit": ""} for t, a in counts.items()]
    pd.DataFrame(regions).to_csv(root / "regions.csv", index=False)

    # the land-use table of the tabular account: the same pixel counts (1 px = 1 hm²)
    zz = zone_array()
    rows = []
    for n, (t, _, _) in ZONES.items():
        vals, cnt = np.unique(lu[zz == n], return_counts=True)
        rows += [{"region": t, "code": f"{int(v):04d}", "area": int(c), "unit": "hm²"} for v, c in zip(vals, cnt)]
    pd.DataFrame(rows).to_csv(root / "land_use.csv", index=False)

    econ = {"cod_emission": (100, "t"), "nh3n_emission": (10, "t"), "tp_emission": (1, "t"),
            "so2_emission": (100, "t"), "nox_emission": (100, "t"), "dust_emission": (10000, "t"),
            "reservoir_capacity": (1000, "万m³"), "coastline_length": (10, "km")}
    pd.DataFrame([{"indicator": k, "value": v, "unit": u, "status": "illustrative", "source": "test"}
                  for k, (v, u) in econ.items()]).to_csv(root / "economy.csv", index=False)
    pd.DataFrame([{"region": "c", "item": "稻谷", "quantity": "100", "unit": "吨", "price": "3000",
                   "price_unit": "元/吨", "output_value": "", "value_unit": "", "status": "illustrative",
                   "source": "test"}]).to_csv(root / "statistics.csv", index=False)

    coef = [{"key": k, "ecosystem": e, "region": r, "valid_from": YEAR, "value": v, "unit": u,
             "price_year": py[0] if py else ""}
            for k, e, r, v, u, *py in coefficient_rows()]
    # a flat price index, so cn-rcees prices enter unchanged whatever their price year
    write_coefficient_set(root / "coefficients", coef, set_id="tiny-raster-county", extends="cn-rcees", region="c",
                          rows_extra=flat_price_index(2001, YEAR))
    return root


def write_config(root: Path, *, spatial: bool, name: str | None = None, **raster_opts) -> Path:
    """``gep.toml`` of the tiny county: tabular (``[inputs] land_use``) or spatial (``[rasters]``)."""
    lines = [
        "[account]", 'name = { zh = "测试县", en = "Test county" }', f"year = {YEAR}", 'profile = "rcees-gep"',
        'coefficients = "coefficients"', "area_tolerance = 0.001", "",
        "[inputs]", 'regions = "regions.csv"', 'scheme = "gbt21010-2017"', 'economy = "economy.csv"',
        'statistics = "statistics.csv"',
    ]
    if not spatial:
        lines.append('land_use = "land_use.csv"')
    else:
        lines += ["", "[rasters]", 'land_use = "rasters/land_use.tif"', 'zones = "rasters/zones.tif"',
                  'zone_ids = "rasters/zones.csv"', 'code_format = "{:04d}"']
        lines += [f'{k} = "rasters/{k}.tif"' for k in
                  ("precipitation", "evapotranspiration", "rainfall_erosivity", "soil_erodibility", "ls_factor", "npp")]
        for k, v in raster_opts.items():
            lines.append(f"{k} = {str(v).lower() if isinstance(v, bool) else v}")
    lines += ["", "[services]"] + [f"{s} = false" for s in PRODUCTS_WITHOUT_ROWS]
    if spatial:
        lines += [f'{s} = "spatial"' for s in SPATIAL]
    path = root / (name or ("gep-spatial.toml" if spatial else "gep.toml"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def by_region(res, sid: str) -> pd.Series:
    da = res.physical[sid]
    da = da.sum("ecosystem") if "ecosystem" in da.dims else da
    return da.to_series()


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    return write_county(tmp_path_factory.mktemp("county"))


@pytest.fixture(scope="module")
def spatial_result(county):
    return gep.Account.from_config(write_config(county, spatial=True)).run()


# ------------------------------------------------------------------- tabular = spatial
def test_tabular_and_spatial_agree_on_uniform_rasters(county, spatial_result):
    tab_acct = gep.Account.from_config(write_config(county, spatial=False))
    tab = tab_acct.run()
    spa = spatial_result
    assert list(spa.services.loc[SPATIAL, "method"]) == ["spatial"] * 4
    assert list(tab.services.loc[SPATIAL, "method"]) == ["tabular"] * 4
    for sid in SPATIAL:
        t, s = by_region(tab, sid), by_region(spa, sid)
        assert (t > 0).all(), sid
        for region in ("t0", "t1", "t2"):
            assert s[region] == pytest.approx(t[region], rel=1e-9), (sid, region)
            assert float(spa.value.sel(service=sid, region=region)) == pytest.approx(
                float(tab.value.sel(service=sid, region=region)), rel=1e-9), (sid, region)
    # areas by region × ecosystem: exactly the same numbers
    a_tab = tab_acct.context().areas
    a_spa = gep.Account.from_config(write_config(county, spatial=True)).context().areas
    a_tab, a_spa = xr.align(a_tab, a_spa, join="outer", fill_value=0.0)
    np.testing.assert_array_equal(a_spa.transpose("region", "ecosystem").values,
                                  a_tab.transpose("region", "ecosystem").values)
    # every other service runs on the same areas, so the whole account agrees
    assert spa.total == pytest.approx(tab.total, rel=1e-9)


def test_spatial_by_hand(spatial_result):
    """One number worked out by hand: soil retention of t1."""
    # t1: R·K·LS = 5000 × 0.04 × 3.5 = 700 t/(hm²·a); A_c = 700 × (1 − C·P) per hm² of each class
    lu = land_use_array(zone_array())[zone_array() == 2]
    codes, counts = np.unique(lu, return_counts=True)
    expected = 0.0
    for code, n in zip(codes, counts):
        eco = ECO.get(CLASSES[int(code)], {})
        if "c" in eco:
            expected += 700.0 * (1 - eco["c"] * eco["p"]) * n
    assert by_region(spatial_result, "soil_retention")["t1"] == pytest.approx(expected, rel=1e-12)
    trace = spatial_result.provenance
    row = trace[trace["key"] == "raster.soil_retention"].iloc[0]
    assert "px summed" in row["value"] and "land_use.tif" in row["source"]


# ------------------------------------------------------------------------- dask paths
def test_dask_chunks_equal_in_memory(county, spatial_result):
    res = gep.Account.from_config(write_config(county, spatial=True, name="chunked.toml", chunks=64)).run()
    for sid in SPATIAL:
        pd.testing.assert_series_equal(by_region(res, sid), by_region(spatial_result, sid), rtol=1e-12)
    assert res.total == pytest.approx(spatial_result.total, rel=1e-12)


@pytest.mark.slow
def test_distributed_cluster_equals_in_memory(county, spatial_result):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(processes=False, n_workers=2, threads_per_worker=1,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        res = gep.Account.from_config(write_config(county, spatial=True, name="chunked.toml", chunks=64)).run()
    for sid in SPATIAL:
        pd.testing.assert_series_equal(by_region(res, sid), by_region(spatial_result, sid), rtol=1e-12)


def test_class_table_is_sized_by_the_largest_valid_code():
    """uint16 codes with nodata 0: the table has max code + 1 columns, not 65 536 (numpy and dask).

    Regression: nodata was replaced by −1 before taking the maximum, which wraps to 65 535 in an
    unsigned raster and made every block bincount 65 538 × (zones + 2) bins.
    """
    import dask.array as da

    from gep.compute.zonal import zonal_class_area

    c = np.array([[0, 101], [1206, 0]], dtype=np.uint16)
    z = np.array([[0, 1], [2, 2]], dtype=np.uint8)
    for cc, zz in ((c, z), (da.from_array(c, chunks=1), da.from_array(z, chunks=1))):
        t = zonal_class_area(cc, zz, nodata_class=0, nodata_zone=0)
        assert t.shape == (3, 1207)
        assert t[1, 101] == 1 and t[2, 1206] == 1 and t.sum() == 2


# ------------------------------------------------------------------------- bad inputs
def problems_of(config: Path) -> list:
    return gep.Account.from_config(config).validate()


def direct_load(root: Path, *, floors=None, **cfg_extra):
    """``load_rasters`` itself (the typed error, before the account gathers problems; ``floors`` as the account
    gives them)."""
    cfg = {"land_use": "rasters/land_use.tif", "zones": "rasters/zones.tif", "zone_ids": "rasters/zones.csv",
           **{k: f"rasters/{k}.tif" for k in ("precipitation", "evapotranspiration", "rainfall_erosivity",
                                               "soil_erodibility", "ls_factor", "npp")}, **cfg_extra}
    return load_rasters(cfg, root, ["t0", "t1", "t2"], floors=floors)


def test_misaligned_layer_names_the_layer(tmp_path):
    root = write_county(tmp_path)
    arr = layer_arrays(zone_array(), land_use_array(zone_array()))["precipitation"]
    write_tif(root / "rasters" / "precipitation.tif", arr,
              transform=from_origin(500_100.0, 3_400_000.0, 100.0, 100.0))
    with pytest.raises(RasterError) as exc:
        direct_load(root)
    assert exc.value.codes == ["rasters_not_aligned"]
    assert "precipitation" in str(exc.value) and "transform" in str(exc.value)
    probs = problems_of(write_config(root, spatial=True))
    assert [p.code for p in probs] == ["rasters_not_aligned"]
    # align = true reprojects it onto the land-use grid (the shifted column falls outside: nodata)
    assert direct_load(root, align=True).layers["precipitation"].rio.transform() == TRANSFORM


def test_geographic_crs_needs_geodesic(tmp_path):
    root = write_county(tmp_path)
    geo = from_origin(120.0, 30.0, 0.001, 0.001)
    for tif in (root / "rasters").glob("*.tif"):
        with rasterio.open(tif) as src:
            data, nodata = src.read(1), src.nodata
        write_tif(tif, data, nodata=nodata, crs="EPSG:4326", transform=geo)
    with pytest.raises(RasterError) as exc:
        direct_load(root)
    assert exc.value.codes == ["geographic_crs"]
    assert "geodesic" in str(exc.value)
    assert [p.code for p in problems_of(write_config(root, spatial=True))] == ["geographic_crs"]
    # with geodesic = true the rasters load, with per-row pixel areas in m²
    rin = direct_load(root, geodesic=True)
    area = rin.pixel_area_m2()
    assert area.shape == (NY,) and 1e4 < area.mean() < 1.2e4   # 0.001° ≈ 111 m × 96 m near 30° N


def test_raster_without_nodata(tmp_path):
    root = write_county(tmp_path)
    npp = layer_arrays(zone_array(), land_use_array(zone_array()))["npp"]
    write_tif(root / "rasters" / "npp.tif", npp, nodata=None)
    with pytest.raises(RasterError) as exc:
        direct_load(root)
    assert exc.value.codes == ["missing_nodata"]
    assert "npp.tif" in str(exc.value)
    assert [p.code for p in problems_of(write_config(root, spatial=True))] == ["missing_nodata"]
    # the hint names the config key that fixes it, for this layer
    assert "[rasters] nodata = { npp = VALUE }" in exc.value.problems[0].hint_en
    assert exc.value.problems[0].column == "rasters.npp"


def test_nodata_in_the_config_for_a_file_that_declares_none(tmp_path, spatial_result):
    """A precipitation file without a nodata tag, its fill -9999 declared in [rasters] nodata: the same account
    as the tagged file's. Without the key, or with another value, the account is refused, never run with the
    fill counted as rain."""
    root = write_county(tmp_path)
    arr = layer_arrays(zone_array(), land_use_array(zone_array()))["precipitation"]
    write_tif(root / "rasters" / "precipitation.tif", arr, nodata=None)
    assert (arr == FLOAT_NODATA).any()  # the fill is there, outside the townships
    res = gep.Account.from_config(write_config(root, spatial=True, nodata="{ precipitation = -9999 }")).run()
    assert res.total == spatial_result.total
    assert res.value.equals(spatial_result.value)
    # a wrong fill value: the -9999 pixels are rain of −9999 mm, refused by the range check (not run)
    codes = [p.code for p in problems_of(write_config(root, spatial=True, nodata="{ precipitation = -1 }"))]
    assert codes == ["raster_value_out_of_range"]


def test_nodata_in_the_config_that_contradicts_the_file(tmp_path):
    root = write_county(tmp_path)  # every float layer declares −9999
    with pytest.raises(RasterError) as exc:
        direct_load(root, nodata={"npp": 0.0})
    assert exc.value.codes == ["raster_nodata_conflict"]
    p = exc.value.problems[0]
    assert p.file.endswith("npp.tif") and p.column == "rasters.nodata.npp" and "-9999" in p.en
    # the same value as the file's own is no conflict
    direct_load(root, nodata={"npp": -9999})
    assert [p.code for p in problems_of(write_config(root, spatial=True, nodata="{ npp = 0 }"))] == [
        "raster_nodata_conflict"]


def test_nodata_in_the_config_names_layers_and_numbers(tmp_path):
    root = write_county(tmp_path)
    with pytest.raises(ConfigError) as exc:
        direct_load(root, nodata={"precipitaton": -9999, "npp": "none", "ls_factor": True})
    assert sorted(exc.value.codes) == ["bad_nodata", "bad_nodata", "unknown_raster_layer"]
    assert {p.column for p in exc.value.problems} == {"rasters.nodata.precipitaton", "rasters.nodata.npp",
                                                     "rasters.nodata.ls_factor"}
    assert "precipitation" in exc.value.problems[0].hint_en  # the layers given
    with pytest.raises(ConfigError) as exc:
        direct_load(root, nodata=-9999)
    assert exc.value.codes == ["bad_nodata"]
    # validate says what run would: the config's problems before anything is read
    codes = [p.code for p in problems_of(write_config(root, spatial=True, nodata='{ npp = "none" }'))]
    assert codes == ["bad_nodata"]


def test_negative_precipitation(tmp_path):
    arr = layer_arrays(zone_array(), land_use_array(zone_array()))["precipitation"]
    arr[10:12, 10:15] = -5.0
    root = write_county(tmp_path, layers={"precipitation": arr})
    with pytest.raises(RasterError) as exc:
        direct_load(root)
    assert exc.value.codes == ["raster_value_out_of_range"]
    msg = str(exc.value)
    assert "precipitation" in msg and "10 pixel" in msg and "-5" in msg
    assert exc.value.problems[0].column == "rasters.precipitation"
    assert [p.code for p in problems_of(write_config(root, spatial=True))] == ["raster_value_out_of_range"]


def test_soil_erodibility_in_us_units(tmp_path):
    arr = layer_arrays(zone_array(), land_use_array(zone_array()))["soil_erodibility"]
    arr = np.where(arr > 0, arr / 0.1317, arr)   # the same K in US customary units: 0.23 … 0.30
    root = write_county(tmp_path, layers={"soil_erodibility": arr})
    with pytest.raises(RasterError) as exc:
        direct_load(root)
    assert exc.value.codes == ["raster_value_out_of_range"]
    assert "soil_erodibility" in str(exc.value) and "0.1317" in str(exc.value)


def test_zone_missing_from_zone_table(tmp_path):
    z = zone_array()
    z[140:148, 50:60] = 4                          # a fourth zone, not in zones.csv
    root = write_county(tmp_path, zones=z)
    probs = problems_of(write_config(root, spatial=True))
    assert [p.code for p in probs] == ["unmapped_zone"]
    assert probs[0].value == [4]
    from gep.account.inputs import areas_from_rasters
    from gep.classifications import load_scheme

    with pytest.raises(RasterError):
        areas_from_rasters(direct_load(root), load_scheme("gbt21010-2017"), ["t0", "t1", "t2"])


def test_region_without_zone(tmp_path):
    root = write_county(tmp_path, zone_ids=[(1, "t0"), (2, "t1")])
    with pytest.raises(RasterError) as exc:
        direct_load(root)
    assert exc.value.codes == ["region_without_zone"]
    assert "t2" in str(exc.value)
    assert [p.code for p in problems_of(write_config(root, spatial=True))] == ["region_without_zone"]
    # and a zone table that names a region the account does not have
    root = write_county(tmp_path / "unknown", zone_ids=[(1, "t0"), (2, "t1"), (3, "t2"), (4, "tx")])
    with pytest.raises(RasterError) as exc:
        direct_load(root)
    assert exc.value.codes == ["zone_region_unknown"]
    assert exc.value.problems[0].row == 5 and exc.value.problems[0].value == "tx"


def test_errors_through_the_account_are_gep_errors(tmp_path):
    root = write_county(tmp_path, zone_ids=[(1, "t0"), (2, "t1")])
    with pytest.raises(GepError) as exc:
        gep.Account.from_config(write_config(root, spatial=True)).run()
    assert "region_without_zone" in exc.value.codes


# --------------------------------------------------------------------- the example county
@pytest.fixture(scope="module")
def example_spatial():
    acct = gep.Account.from_config(gep.example_config("gep-spatial.toml"))
    return acct, acct.run()


def test_example_spatial_areas_match_land_use_table(example_spatial):
    acct, res = example_spatial
    table = pd.read_csv(gep.example_config().parent / "land_use.csv", dtype={"code": str})
    rows = res.land_use_rows
    assert rows is not None
    got = rows.groupby(["region", "code"])["area_hm2"].sum()
    want = table.set_index(["region", "code"])["area"]
    both = pd.concat({"raster": got, "table": want}, axis=1).fillna(0.0)
    assert (both["raster"] - both["table"]).abs().max() < 1.0       # whole-pixel rounding
    by_town = both.groupby(level="region").sum()
    np.testing.assert_allclose(by_town["raster"], by_town["table"], atol=1e-6)   # townships exactly
    regions = pd.read_csv(gep.example_config().parent / "regions.csv").set_index("id")
    for town, a in by_town["raster"].items():
        assert a == pytest.approx(regions.at[town, "area"] * 100, abs=1e-6)
    assert float(acct.context().areas.sum()) == 136200.0
    assert list(res.services.loc[SPATIAL, "method"]) == ["spatial"] * 4


def test_example_spatial_is_close_to_tabular(example_spatial, example_result):
    _, spa = example_spatial
    # NPP rasters follow the class rates (± 5 %): carbon and oxygen within 1 %
    for sid in ("carbon_sequestration", "oxygen_release"):
        assert spa.by_service[sid] == pytest.approx(example_result.by_service[sid], rel=0.01)
    # services on areas only: equal to the rounding of whole pixels
    for sid in ("flood_regulation", "water_purification", "air_purification", "climate_regulation"):
        assert spa.by_service[sid] == pytest.approx(example_result.by_service[sid], rel=1e-3)
    # per-pixel P, ET, R, K and LS differ from the county means: same order of magnitude, not equal
    for sid in ("water_conservation", "soil_retention"):
        ratio = spa.by_service[sid] / example_result.by_service[sid]
        assert 0.5 < ratio < 2.0 and abs(ratio - 1) > 1e-3


def test_a_years_nodata_values_add_to_the_shared_ones():
    """[years.2020.rasters] nodata = {npp = …} adds the year's layer to [rasters] nodata, not replaces it: the
    shared precipitation value still applies to 2020 (dropping it would refuse a file the config had fixed)."""
    from gep.account.config import for_year

    cfg = {"account": {"years": [2020, 2021]},
           "rasters": {"precipitation": "p.tif", "npp": "npp.tif", "nodata": {"precipitation": -9999}},
           "years": {"2020": {"rasters": {"npp": "npp_2020.tif", "nodata": {"npp": 0, "precipitation": -1}}}}}
    assert for_year(cfg, 2020)["rasters"]["nodata"] == {"precipitation": -1, "npp": 0}
    cfg["years"]["2020"]["rasters"]["nodata"] = {"npp": 0}
    assert for_year(cfg, 2020)["rasters"] == {"precipitation": "p.tif", "npp": "npp_2020.tif",
                                              "nodata": {"precipitation": -9999, "npp": 0}}
    assert for_year(cfg, 2021)["rasters"]["nodata"] == {"precipitation": -9999}
    assert cfg["rasters"]["nodata"] == {"precipitation": -9999}  # the shared config is not changed


@pytest.mark.parametrize("layer, factor", [("npp", 0.001), ("evapotranspiration", 0.001),
                                           ("rainfall_erosivity", 0.01)])
def test_a_layer_mostly_below_its_floor_is_named(tmp_path, layer, factor):
    """NPP in kg under t, ET in m under mm, R in hundreds: within the range (no error), most pixels below the floor."""
    from gep.account.inputs import layer_floors

    arrays = layer_arrays(zone_array(), land_use_array(zone_array()))
    arr = arrays[layer]
    assert direct_load(write_county(tmp_path / "ok"), floors=layer_floors()).warnings == []
    slipped = np.where(arr > 0, arr * factor, arr)
    rin = direct_load(write_county(tmp_path / "slip", layers={layer: slipped}), floors=layer_floors())
    (w,) = rin.warnings
    assert w.code == "raster_below_floor" and w.column == f"rasters.{layer}" and w.file.endswith(f"{layer}.tif")
    assert f"below the plausible floor of {layer_floors()[layer][0]:g}" in w.en
    # the account carries it as a warning, and still runs
    acct = gep.Account.from_config(write_config(tmp_path / "slip", spatial=True))
    assert "raster_below_floor" in [p.code for p in acct.plan().warnings] and acct.validate() == []


def test_a_floor_judges_most_pixels_not_the_smallest(tmp_path):
    from gep.account.inputs import layer_floors

    arrays = layer_arrays(zone_array(), land_use_array(zone_array()))
    npp = arrays["npp"].copy()
    positive = np.argwhere(npp > 0)
    few = positive[: len(positive) // 3]                 # a third of the pixels at 0.05 t/(hm²·a): a sparse patch
    npp[few[:, 0], few[:, 1]] = 0.05
    floors = layer_floors()
    assert direct_load(write_county(tmp_path / "third", layers={"npp": npp}), floors=floors).warnings == []
    most = positive[: 2 * len(positive) // 3]
    npp[most[:, 0], most[:, 1]] = 0.05
    assert [w.code for w in direct_load(write_county(tmp_path / "most", layers={"npp": npp}), floors=floors).warnings] == [
        "raster_below_floor"]

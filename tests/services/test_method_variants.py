"""Method variants of the regulating services and pest control, on a tiny account with hand-computed numbers.

One county ``c`` with townships ``t0`` (2 km²) and ``t1`` (4 km²). Land use (hm²):

======== ================ ============== ===== ================ ============== ===== ======= ========
township forest_broadleaf forest_conifer shrub grassland_meadow farmland_paddy water wetland built_up
======== ================ ============== ===== ================ ============== ===== ======= ========
t0       100              20             10    0                40             20    10      0
t1       200              0              30    100              20             30    20      0
======== ================ ============== ===== ================ ============== ===== ======= ========

The set extends ``cn-rcees`` (COP 3.0, q = 2450 J/g, γ = 120 kWh/m³, CO₂ 380 元/t,
O₂ 727 元/t, reservoir 7.06 元/m³, K = 0.6, R 0.39 / 0.36 / 0.14 for broadleaf /
conifer / shrub, pest control 375 / 112.5 元/hm²) with a flat price index, so
prices enter unchanged. Every expected value is worked out by hand below.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import xarray as xr

import gep
from gep import errors as E
from gep.services import get_service
from gep.testing import flat_price_index, write_coefficient_set
from conftest import tiny_regions

YEAR = 2021
ECOSYSTEMS = ["forest_broadleaf", "forest_conifer", "shrub", "grassland_meadow", "farmland_paddy", "water", "wetland",
              "built_up"]
AREAS = {"t0": [100.0, 20.0, 10.0, 0.0, 40.0, 20.0, 10.0, 0.0], "t1": [200.0, 0.0, 30.0, 100.0, 20.0, 30.0, 20.0, 0.0]}

MONTHS = [f"m{m:02d}" for m in range(1, 13)]
ROWS = [
    # climate regulation
    *[("rate.transpiration_heat", e, "*", v, "kJ/(m²·d)") for e, v in
      (("forest_broadleaf", 1800), ("forest_conifer", 1800), ("shrub", 900), ("grassland_meadow", 900))],
    ("climate.cooling_days", "*", "c", 60, "d"),
    ("rate.water_evaporation", "water", "*", 1000, "mm"),
    ("rate.water_evaporation", "wetland", "*", 800, "mm"),
    ("price.electricity", "*", "c", 0.5, "元/kWh"),
    # NPP (dry matter) and NEP (carbon)
    *[("rate.npp", e, "*", v, "t/(hm²·a)") for e, v in
      (("forest_broadleaf", 10), ("forest_conifer", 10), ("shrub", 8), ("grassland_meadow", 5), ("farmland_paddy", 8),
       ("wetland", 6))],
    *[("rate.nep", e, "*", v, "t/(hm²·a)") for e, v in
      (("forest_broadleaf", 2.0), ("forest_conifer", 1.5), ("shrub", 1.0), ("grassland_meadow", 0.5),
       ("farmland_paddy", 0.2), ("wetland", 0.8))],
    # monthly climate: the county 20 °C and 100 mm every month; t1 its own rows, 0 °C and 0 mm
    *[(f"climate.monthly_temperature.{m}", "*", "c", 20, "°C") for m in MONTHS],
    *[(f"climate.monthly_precipitation.{m}", "*", "c", 100, "mm") for m in MONTHS],
    *[(f"climate.monthly_temperature.{m}", "*", "t1", 0, "°C") for m in MONTHS],
    *[(f"climate.monthly_precipitation.{m}", "*", "t1", 0, "mm") for m in MONTHS],
    # flood regulation (forest storm storage): J₀ = annual rainfall
    ("climate.precipitation", "*", "c", 1500, "mm"),
]


def write_set(folder: Path, rows=ROWS, drop=()) -> Path:
    records = [{"key": k, "ecosystem": e, "region": r, "value": v, "unit": u, "valid_from": YEAR,
                "price_year": YEAR if u.startswith("元") else ""}
               for k, e, r, v, u in rows if k not in drop and (k, e) not in drop]
    return write_coefficient_set(folder, records, set_id="tiny-variants", extends="cn-rcees", region="c",
                                 rows_extra=flat_price_index(2001, YEAR))


def economy() -> pd.DataFrame:
    return pd.DataFrame([{"indicator": "reservoir_capacity", "value": "1000", "unit": "万m³", "status": "illustrative",
                          "source": "test"}])


def account(tmp_path: Path, drop=(), **kw) -> gep.Account:
    land = xr.DataArray([AREAS["t0"], AREAS["t1"]], dims=("region", "ecosystem"),
                        coords={"region": ["t0", "t1"], "ecosystem": ECOSYSTEMS}, attrs={"units": "hm²"})
    cset = write_set(tmp_path / "tiny-variants", drop=drop)
    return gep.Account.from_inputs(year=YEAR, regions=tiny_regions((2.0, 4.0)), land_use=land, coefficients=str(cset),
                                   profile="rcees-gep", economy=economy(), **kw)


def run_method(acct: gep.Account, sid: str, method: str):
    """Quantify and value one service under one method on the account's context; also return the context."""
    ctx = acct.context()
    m = get_service(sid).method(method)
    phys = m.quantify(ctx, {})
    return phys, m.value(ctx, phys, {}), ctx


def by_region(da: xr.DataArray, region: str) -> float:
    da = da.sum("ecosystem") if "ecosystem" in da.dims else da
    return float(da.sel(region=region))


@pytest.fixture(scope="module")
def acct(tmp_path_factory):
    return account(tmp_path_factory.mktemp("variants"))


# ----------------------------------------------------------------- climate regulation
# vegetation (every variant): Σ q·S·d/(3600·R), d = 60, R = 3 → ÷ 10 800
#   t0: 1800 × 1e6 m² × 60 / 10 800 = 10 000 000; conifer 1800 × 2e5 × 60 / 10 800 = 2 000 000;
#       shrub 900 × 1e5 × 60 / 10 800 = 500 000                                → 12 500 000 kWh
#   t1: 1800 × 2e6 × 60 / 10 800 = 20 000 000; shrub 900 × 3e5 × 60 / 10 800 = 1 500 000;
#       meadow 900 × 1e6 × 60 / 10 800 = 5 000 000                              → 26 500 000 kWh
# water evaporated E: t0 20 hm² × 1.0 m + 10 hm² × 0.8 m = 280 000 m³; t1 300 000 + 160 000 = 460 000 m³
VEG = {"t0": 12_500_000.0, "t1": 26_500_000.0}
EVAP = {"t0": 280_000.0, "t1": 460_000.0}
PER_M3 = {"tabular": 2_450_000 / 3600 + 120,            # 680.5556 + 120 = 800.5556 kWh
          "tabular_cop": 2_450_000 / 3600 / 3 + 120,    # 226.8519 + 120 = 346.8519 kWh
          "tabular_humidifier_only": 120.0}             # γ only


@pytest.mark.parametrize("method", list(PER_M3))
def test_climate_regulation_variants(acct, method):
    phys, val, ctx = run_method(acct, "climate_regulation", method)
    for reg in ("t0", "t1"):
        assert float(phys.components["vegetation"].sel(region=reg)) == pytest.approx(VEG[reg], rel=1e-12)
        assert float(phys.components["water_surface"].sel(region=reg)) == pytest.approx(EVAP[reg] * PER_M3[method],
                                                                                        rel=1e-12)
        assert by_region(val.data, reg) == pytest.approx((VEG[reg] + EVAP[reg] * PER_M3[method]) * 0.5, rel=1e-12)
    # the provenance names the variant, its formula and source
    rec = [r for r in ctx.trace if r["key"] == "method.climate_regulation"]
    assert [r["value"] for r in rec] == [method]
    assert "E·γ" in rec[0]["note"]


def test_climate_regulation_variant_numbers_by_hand(acct):
    # t0 under the ÷R reading: 12 500 000 + 280 000 × 346.85185 = 12 500 000 + 97 118 518.5 = 109 618 518.5 kWh
    #   × 0.5 元/kWh = 54 809 259.3 元
    # t0 humidifier only: 12 500 000 + 280 000 × 120 = 46 100 000 kWh → 23 050 000 元
    _, cop, _ = run_method(acct, "climate_regulation", "tabular_cop")
    _, hum, _ = run_method(acct, "climate_regulation", "tabular_humidifier_only")
    assert by_region(cop.data, "t0") == pytest.approx(54_809_259.3, abs=0.1)
    assert by_region(hum.data, "t0") == pytest.approx(23_050_000.0, rel=1e-12)


def test_humidifier_only_does_not_need_the_latent_heat(tmp_path):
    # the humidifier-only variant reads γ, not q: a set whose chain lacked q would still run it
    method = get_service("climate_regulation").method("tabular_humidifier_only")
    assert "param.latent_heat" not in method.coefficient_keys
    assert "param.humidifier_kwh" in method.coefficient_keys


# ------------------------------------------------------------------------------ carbon
def test_carbon_net_of_heterotrophic_respiration(acct):
    # R_h by the 裴志永 regression, summed over 12 months:
    #   county rows (t0): T = 20, P = 100 → 29.696552 g C/m² a month → 356.3586 g/m² = 3.563586 t C/hm²
    #   t1's own rows: T = 0, P = 0 → 0.22 × (1 + 0) × 13.95 = 3.069 g a month → 36.828 g/m² = 0.36828 t C/hm²
    # NEP per type = NPP × 72/162 − R_h (NPP ecosystems only; water is not one):
    rh0, rh1 = 12 * 29.696552 / 100, 12 * 3.069 / 100
    c = 72 / 162
    nep_t0 = (100 * (10 * c - rh0) + 20 * (10 * c - rh0) + 10 * (8 * c - rh0) + 40 * (8 * c - rh0)
              + 10 * (6 * c - rh0))
    #   = 88.0858 + 17.6172 − 0.0803 − 0.3212 − 8.9692 = 96.3323 t C
    assert nep_t0 == pytest.approx(96.3323, abs=1e-4)
    nep_t1 = 200 * (10 * c - rh1) + 30 * (8 * c - rh1) + 100 * (5 * c - rh1) + 20 * (8 * c - rh1) + 20 * (6 * c - rh1)
    #   = 815.2329 + 95.6183 + 185.3942 + 63.7455 + 45.9677 = 1205.9586 t C
    assert nep_t1 == pytest.approx(1205.9586, abs=1e-4)
    phys, val, ctx = run_method(acct, "carbon_sequestration", "tabular_nep_rh")
    assert by_region(phys.components["nep"], "t0") == pytest.approx(nep_t0, rel=1e-6)
    assert by_region(phys.components["nep"], "t1") == pytest.approx(nep_t1, rel=1e-6)
    # CO2 = 44/12 × NEP: t0 353.2183 t, t1 4421.8483 t; × 380 元/t CO2
    assert by_region(phys.data, "t0") == pytest.approx(353.2183, abs=1e-3)
    assert by_region(phys.data, "t1") == pytest.approx(4421.8483, abs=1e-3)
    assert by_region(val.data, "t0") == pytest.approx(353.2183 * 380, abs=0.5)
    # a type with more respiration than production is a carbon source (wetland in t0), not clipped
    assert float(phys.components["nep"].sel(region="t0", ecosystem="wetland")) == pytest.approx(-8.9692, abs=1e-4)
    assert float(phys.data.sel(region="t0", ecosystem="water")) == 0.0
    # the monthly rows resolved per township are in the provenance
    keys = {(r["key"], r.get("for_region")) for r in ctx.trace}
    assert ("climate.monthly_temperature.m07", "t1") in keys and ("climate.monthly_precipitation.m01", "t0") in keys


def test_carbon_nep_given_per_ecosystem(acct):
    # NEP (t C/hm²): t0 100 × 2.0 + 20 × 1.5 + 10 × 1.0 + 40 × 0.2 + 10 × 0.8 = 200 + 30 + 10 + 8 + 8 = 256 t C
    #   CO2 = 256 × 44/12 = 938.6667 t × 380 = 356 693.33 元
    # t1: 200 × 2.0 + 30 × 1.0 + 100 × 0.5 + 20 × 0.2 + 20 × 0.8 = 400 + 30 + 50 + 4 + 16 = 500 t C → 1833.333 t CO2
    phys, val, _ = run_method(acct, "carbon_sequestration", "tabular_nep")
    assert by_region(phys.data, "t0") == pytest.approx(938.6667, abs=1e-4)
    assert by_region(phys.data, "t1") == pytest.approx(1833.3333, abs=1e-4)
    assert by_region(val.data, "t0") == pytest.approx(356_693.33, abs=0.01)


def test_missing_monthly_climate_names_the_key(tmp_path):
    acct = account(tmp_path, drop=[("climate.monthly_temperature.m03", "*")])
    with pytest.raises(E.MissingCoefficient, match="climate.monthly_temperature.m03"):
        run_method(acct, "carbon_sequestration", "tabular_nep_rh")


# ------------------------------------------------------------------------------ oxygen
@pytest.mark.parametrize("method, ratio", [("tabular", 1.2), ("tabular_lyt1721", 1.19),
                                           ("tabular_stoichiometric", 32 / 44 * 1.63)])
def test_oxygen_variants(acct, method, ratio):
    # NPP t0 = 100 × 10 + 20 × 10 + 10 × 8 + 40 × 8 + 10 × 6 = 1000 + 200 + 80 + 320 + 60 = 1660 t
    #   O2: 1.2 → 1992 t; 1.19 → 1975.4 t; 32/44 × 1.63 = 1.185455 → 1967.8545 t; × 727 元/t
    phys, val, _ = run_method(acct, "oxygen_release", method)
    assert by_region(phys.data, "t0") == pytest.approx(1660 * ratio, rel=1e-12)
    assert by_region(val.data, "t0") == pytest.approx(1660 * ratio * 727, rel=1e-12)
    assert {"tabular": 1992.0, "tabular_lyt1721": 1975.4, "tabular_stoichiometric": 1967.8545}[method] == \
        pytest.approx(1660 * ratio, abs=1e-4)


# ------------------------------------------------------------------------------ flood
def test_flood_regulation_with_forest_storm_storage(acct):
    # reservoirs 0.35 × 1000 万m³ = 3 500 000 m³ by water area (t0 20/50): 1 400 000; marsh 0.3 m × 0.1 km² = 30 000
    # forests: A × J₀ × K × R × 10 m³/(mm·hm²), J₀ = 1500 mm, K = 0.6 (cn-rcees, 缪建群 2017):
    #   broadleaf 100 × 1500 × 0.6 × 0.39 × 10 = 351 000; conifer 20 × … × 0.36 = 64 800; shrub 10 × … × 0.14 = 12 600
    #   → 428 400 m³; total 1 858 400 m³ × 7.06 元/m³ = 13 120 304 元
    phys, val, _ = run_method(acct, "flood_regulation", "tabular_vegetation")
    assert float(phys.components["vegetation"].sel(region="t0").sum()) == pytest.approx(428_400.0, rel=1e-12)
    assert by_region(phys.data, "t0") == pytest.approx(1_858_400.0, rel=1e-12)
    assert by_region(val.data, "t0") == pytest.approx(13_120_304.0, rel=1e-12)
    # grassland, farmland and wetland hold back nothing in this method (forest types only)
    assert float(phys.components["vegetation"].sel(region="t1", ecosystem="grassland_meadow")) == 0.0
    base, _, _ = run_method(acct, "flood_regulation", "tabular")
    assert by_region(base.data, "t0") == pytest.approx(1_430_000.0, rel=1e-12)


# ----------------------------------------------------------------------- pest control
def test_pest_control_tiny(acct):
    # t0: (100 broadleaf + 20 conifer) × 375 = 45 000 元; shrub (灌丛) is not counted
    # t1: 200 × 375 + 100 meadow × 112.5 = 75 000 + 11 250 = 86 250 元
    phys, val, _ = run_method(acct, "pest_control", "tabular")
    assert by_region(phys.data, "t0") == pytest.approx(120.0)
    assert float(phys.data.sel(region="t1", ecosystem="shrub")) == 0.0
    assert by_region(val.data, "t0") == pytest.approx(45_000.0, rel=1e-12)
    assert by_region(val.data, "t1") == pytest.approx(86_250.0, rel=1e-12)


def test_pest_control_missing_price_names_the_type(tmp_path):
    # a set that does not extend cn-rcees has no pest-control price: broadleaf forest with area is an error
    land = xr.DataArray([[10.0], [20.0]], dims=("region", "ecosystem"),
                        coords={"region": ["t0", "t1"], "ecosystem": ["forest_broadleaf"]}, attrs={"units": "hm²"})
    cset = write_coefficient_set(tmp_path / "no-prices", [{"key": "price.electricity", "value": 0.5, "unit": "元/kWh",
                                                           "price_year": YEAR}],
                                 rows_extra=flat_price_index(2001, YEAR))
    acct = gep.Account.from_inputs(year=YEAR, regions=tiny_regions((0.1, 0.2)), land_use=land, coefficients=str(cset),
                                   profile="rcees-gep")
    with pytest.raises(E.MissingCoefficient, match="price.pest_control") as info:
        run_method(acct, "pest_control", "tabular")
    assert "forest_broadleaf" in str(info.value)


# -------------------------------------------------------------- declarations of variants
def test_variant_groups_are_declared():
    assert [m.name for m in get_service("climate_regulation").variants()] == [
        "tabular", "tabular_cop", "tabular_humidifier_only"]
    assert [m.name for m in get_service("climate_regulation").variants("tabular_cop")] == [
        "tabular_cop", "tabular", "tabular_humidifier_only"]
    assert [m.name for m in get_service("carbon_sequestration").variants()] == ["tabular", "tabular_nep_rh", "tabular_nep"]
    assert [m.name for m in get_service("oxygen_release").variants("spatial")] == [
        "spatial", "spatial_lyt1721", "spatial_stoichiometric"]
    assert [m.name for m in get_service("flood_regulation").variants()] == ["tabular", "tabular_vegetation"]
    # a method without published variants has none; `given` is not a variant
    assert [m.name for m in get_service("water_conservation").variants()] == ["tabular"]
    assert "given" not in [m.name for m in get_service("carbon_sequestration").variants()]


def test_a_variant_of_a_missing_method_is_refused():
    from gep.services import Method, Service

    m = get_service("climate_regulation").method("tabular")
    with pytest.raises(ValueError, match="not a base method"):
        Service(id="x", category="regulating", label={"zh": "x", "en": "x"}, physical_unit="kWh",
                physical_label={"zh": "x", "en": "x"}, default_method="a",
                methods={"a": Method(name="a", label=m.label, tier="tabular", quantify=m.quantify, value=m.value),
                         "b": Method(name="b", label=m.label, tier="tabular", quantify=m.quantify, value=m.value,
                                     variant_of="c")})


def test_profile_choices_pick_the_methods_and_say_why():
    from gep.standards import load_profile

    prof = load_profile("rcees-gep")
    assert "climate_regulation:tabular" in prof["services"]
    for sid, choice in prof["choices"].items():
        assert choice["zh"] and choice["en"], sid
        assert choice["method"] in get_service(sid).methods
        assert len(get_service(sid).variants(choice["method"])) > 1, f"{sid}: a choice among no variants"


def test_profile_choice_errors():
    from gep.errors import ConfigError
    from gep.standards import _apply_choices

    with pytest.raises(ConfigError) as info:
        _apply_choices({"id": "p", "services": ["water_conservation"],
                        "choices": {"climate_regulation": {"method": "tabular"}}}, Path("p.toml"))
    assert info.value.codes == ["bad_profile"] and "climate_regulation" in info.value.problems[0].en
    with pytest.raises(ConfigError) as info:
        _apply_choices({"id": "p", "services": ["climate_regulation:tabular_cop"],
                        "choices": {"climate_regulation": {"method": "tabular"}}}, Path("p.toml"))
    assert "two methods" in info.value.problems[0].en
    ok = _apply_choices({"id": "p", "services": ["climate_regulation"],
                         "choices": {"climate_regulation": {"method": "tabular_cop"}}}, Path("p.toml"))
    assert ok["services"] == ["climate_regulation:tabular_cop"]

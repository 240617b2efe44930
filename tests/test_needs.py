"""What a profile needs (gep.account.needs): read from the declarations, true to what the services do."""

from __future__ import annotations

import pytest

import gep
from gep.account.needs import profile_needs
from gep.classifications import ecosystem_types
from gep.coefficients import key_spec, load_coefficients
from gep.services import services
from gep.services.regulating import carbon_oxygen, climate_regulation, purification, soil_retention, water_conservation
from gep.standards import profiles

#: the groups each service passes to gep.services.rates.per_ecosystem, by key
SERVICE_GROUPS = {
    "rate.runoff_coefficient": water_conservation.WATER_GROUPS,
    "rate.evapotranspiration": water_conservation.WATER_GROUPS,
    "rate.rusle_c": soil_retention.SOIL_GROUPS,
    "rate.rusle_p": soil_retention.SOIL_GROUPS,
    "rate.npp": carbon_oxygen.NPP_GROUPS,
    "rate.transpiration_heat": climate_regulation.VEG_GROUPS,
    "rate.water_evaporation": climate_regulation.EVAP_GROUPS,
    **{rate: groups for groups, pollutants in purification.POLLUTANTS.values() for rate, *_ in pollutants.values()},
}


@pytest.mark.parametrize("key", sorted(SERVICE_GROUPS))
def test_declared_ecosystem_groups_are_the_services_groups(key):
    assert set(key_spec(key).ecosystem_groups) == set(SERVICE_GROUPS[key])


def test_every_per_type_rate_of_a_tabular_method_declares_its_groups():
    for svc in services():
        for m in svc.methods.values():
            for key in m.coefficient_keys:
                spec = key_spec(key)
                if "ecosystem" in spec.indexed_by and key.startswith("rate."):
                    assert spec.ecosystem_groups, f"{svc.id}:{m.name} reads {key} by ecosystem type without groups"


@pytest.mark.parametrize("profile", sorted(profiles()))
def test_every_profile_has_needs(profile):
    needs = profile_needs(profile, region_code="330604", year=2021)
    assert [t.input for t in needs.tables][:2] == ["regions", "land_use"]
    assert {c.key for c in needs.coefficients} == {k for sid, m in needs.plan
                                                   for k in gep.get_service(sid).method(m).coefficient_keys}


def test_the_example_set_supplies_what_the_county_must():
    """With the example county's set, nothing is left but the types the example county has none of."""
    cset = load_coefficients(path=gep.example_config().parent / "coefficients")
    needs = profile_needs("rcees-gep", region_code="330604", year=2021, coefficients=cset)
    left = {(n.key, n.ecosystem) for n in needs.to_supply}
    assert left == {("rate.cod_purification", "glacier"), ("rate.nh3n_purification", "glacier"),
                    ("rate.tp_purification", "glacier"), ("rate.water_evaporation", "glacier")}
    assert ecosystem_types()["glacier"].group == "water"


def test_rows_of_another_county_or_a_later_year_do_not_count():
    cset = load_coefficients(path=gep.example_config().parent / "coefficients")   # rows for 330604 from 2020
    other = profile_needs("rcees-gep", region_code="110101", year=2021, coefficients=cset)
    assert ("climate.precipitation", "*") in {(n.key, n.ecosystem) for n in other.to_supply}
    earlier = profile_needs("rcees-gep", region_code="330604", year=2019, coefficients=cset)
    assert ("climate.precipitation", "*") in {(n.key, n.ecosystem) for n in earlier.to_supply}
    same = profile_needs("rcees-gep", region_code="330604", year=2020, coefficients=cset)
    assert ("climate.precipitation", "*") not in {(n.key, n.ecosystem) for n in same.to_supply}


def test_economy_rows_the_plan_reads():
    needs = profile_needs("rcees-gep", region_code="330604", year=2021)
    rows = needs.table("economy").rows
    assert rows["coastline_length"] is True and rows["reservoir_capacity"] is False
    assert {"so2_emission", "cod_emission"} <= set(rows)

"""Contract tests over every registered service (gep's and the example plugin's), ecosystem type and shipped set."""

from pathlib import Path

import pytest

from gep.classifications import ecosystem_groups, ecosystem_types, load_scheme, shipped_schemes
from gep.coefficients import coefficient_keys, key_spec, load_coefficients, shipped_sets
from gep.services import CATEGORIES, REGISTRY, TIERS, check_service
from gep.testing import installed_plugin
from gep.units import parse_unit

SERVICES = sorted(REGISTRY)
#: plugins whose services must meet the same contract (installed for the test only)
PLUGINS = [Path(__file__).resolve().parents[1] / "examples" / "plugins" / "gep-species-conservation"]


@pytest.mark.parametrize("sid", SERVICES)
def test_service_contract(sid):
    assert_contract(REGISTRY[sid])


@pytest.mark.parametrize("project", PLUGINS, ids=lambda p: p.name)
def test_plugin_service_contract(project, tmp_path):
    with installed_plugin(project, tmp_path / "site") as names:
        assert names, f"{project.name} registers no plugin"
        from gep.services.plugins import loaded_plugins

        for name in names:
            for sid in loaded_plugins()[name]["services"]:
                assert_contract(REGISTRY[sid])


def assert_contract(s):
    assert check_service(s) == []
    assert s.label["zh"] and s.label["en"]
    assert s.physical_label["zh"] and s.physical_label["en"]
    assert s.category in CATEGORIES
    parse_unit(s.physical_unit)
    assert s.references and all(r.strip() for r in s.references)
    for m in s.methods.values():
        assert m.label["zh"] and m.label["en"] and m.tier in TIERS
        assert m.references
        for k in m.coefficient_keys:
            assert key_spec(k) is not None, f"{s.id}/{m.name}: undeclared coefficient key {k}"
        assert callable(m.quantify) and callable(m.value)


def test_coefficient_keys_bilingual_and_units_parse():
    for k, spec in coefficient_keys().items():
        assert spec.zh and spec.en, k
        parse_unit(spec.unit)


@pytest.mark.parametrize("name", sorted(shipped_sets()))
def test_shipped_set_rows_have_sources(name):
    cs = load_coefficients(name)
    assert set(cs.table["source"]) <= set(cs.sources)
    for sid, rec in cs.sources.items():
        assert rec.get("citation"), f"{name}: source {sid} has no citation"
    eco = set(ecosystem_types()) | {"*"}
    assert set(cs.table["ecosystem"]) <= eco
    assert cs.manifest["title"]["zh"] and cs.manifest["title"]["en"]


def test_ecosystem_types_bilingual():
    groups = ecosystem_groups()
    for t in ecosystem_types().values():
        assert t.zh and t.en and t.group in groups


@pytest.mark.parametrize("scheme_id", sorted(shipped_schemes()))
def test_schemes_map_to_known_types(scheme_id):
    sc = load_scheme(scheme_id)
    assert len(sc.table) > 5
    assert (sc.table["name_zh"] != "").all() and (sc.table["name_en"] != "").all()
    assert (sc.table["basis"] != "").all()


def test_scheme_sizes():
    assert len(load_scheme("cnlucc").table) == 25
    assert len(load_scheme("esa-worldcover").table) == 11
    gbt = load_scheme("gbt21010-2017").table
    wetland_codes = {"0303", "0304", "0306", "0402", "0603", "1105", "1106", "1108"}
    assert set(gbt.loc[gbt["ecosystem"] == "wetland", "code"]) == wetland_codes

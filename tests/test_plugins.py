"""Plugins: a service added from outside gep, by an installed entry point or a config key.

The worked example is ``examples/plugins/gep-species-conservation``: species conservation
U = Σ S_i·A_i, checked against 孙庆祥 & 周华荣 (阿尔泰山, ChinaXiv 202101.00012, table 2):
西伯利亚落叶松 507 147.6 hm² at S = 10 000 元/hm² → 5071.48 ×10⁶ 元.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

import gep
from gep.cli import app
from gep.coefficients import key_spec
from gep.services import REGISTRY, Plugin, PluginError, check_service, get_service, register_plugin, unload_plugin
from gep.services.plugins import loaded_plugins, plugin_of
from gep.testing import flat_price_index, installed_plugin, write_coefficient_set
from conftest import choose_method

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "plugins" / "gep-species-conservation"
MODULE = EXAMPLE / "gep_species_conservation" / "__init__.py"


def altai_account(cset: Path, **kw) -> gep.Account:
    """One stand of 西伯利亚落叶松 (larch, a conifer): 507 147.6 hm²."""
    area_km2 = 5071.476
    regions = pd.DataFrame([
        {"id": "altai", "parent": "", "name_zh": "阿尔泰山", "name_en": "Altai", "area": area_km2, "area_unit": "km²",
         "population": "", "population_unit": "", "gdp": "", "gdp_unit": ""},
        {"id": "larch", "parent": "altai", "name_zh": "落叶松林", "name_en": "larch", "area": area_km2,
         "area_unit": "km²", "population": "", "population_unit": "", "gdp": "", "gdp_unit": ""}])
    land = xr.DataArray([[507_147.6]], dims=("region", "ecosystem"),
                        coords={"region": ["larch"], "ecosystem": ["forest_conifer"]}, attrs={"units": "hm²"})
    return gep.Account.from_inputs(year=2020, regions=regions, land_use=land, coefficients=str(cset),
                                   profile="xie2015-gep", **kw)


def altai_set(folder: Path) -> Path:
    return write_coefficient_set(folder, [
        {"key": "rate.species_conservation_value", "ecosystem": "forest_conifer", "value": 10_000,
         "unit": "元/(hm²·a)", "price_year": 2020, "valid_from": 2020}], set_id="altai",
        rows_extra=flat_price_index(2001, 2020))


def value_of(acct: gep.Account, sid: str = "species_conservation") -> float:
    ctx = acct.context()
    m = get_service(sid).method()
    phys = m.quantify(ctx, {})
    return float(m.value(ctx, phys, {}).data.sum()), float(phys.data.sum()), ctx


@pytest.fixture
def site(tmp_path):
    with installed_plugin(EXAMPLE, tmp_path / "site") as names:
        yield names


def test_installed_plugin_registers_its_service_and_key(site):
    assert site == ["species_conservation"]
    assert "species_conservation" in REGISTRY and plugin_of("species_conservation") == "species_conservation"
    assert key_spec("rate.species_conservation_value").unit == "元/(hm²·a)"
    assert check_service(REGISTRY["species_conservation"]) == []


def test_plugin_is_gone_after_the_block(tmp_path):
    with installed_plugin(EXAMPLE, tmp_path / "site"):
        pass
    assert "species_conservation" not in REGISTRY
    assert key_spec("rate.species_conservation_value") is None
    assert "species_conservation" not in loaded_plugins()


def test_plugin_service_reproduces_the_altai_line_item(site, tmp_path):
    # U = S × A = 10 000 元/hm² × 507 147.6 hm² = 5 071 476 000 元 = 5071.476 ×10⁶ 元 (printed 5071.48 ×10⁶)
    value, area, ctx = value_of(altai_account(altai_set(tmp_path / "altai")))
    assert area == pytest.approx(507_147.6, rel=1e-12)
    assert value == pytest.approx(5_071_476_000.0, rel=1e-12)
    assert round(value / 1e6, 2) == 5071.48
    # the plugin's own pricing function is named in the provenance
    assert {"key": "valuation.opportunity_cost", "value": "gep_species_conservation.opportunity_cost"}.items() <= \
        [r for r in ctx.trace if r["key"].startswith("valuation.")][0].items()


def test_a_plugin_service_is_chosen_in_the_config_and_runs(site, example_copy):
    # the county adds its own unit values (with their source) and chooses the service
    folder = example_copy.parent
    rows = (folder / "coefficients" / "example.csv")
    rows.write_text(rows.read_text(encoding="utf-8") + "rate.species_conservation_value,forest_broadleaf,330604,2020,"
                    "5000,元/(hm²·a),2021,illustrative,example county,illustrative,Shannon-Wiener class 1–2\n"
                    "rate.species_conservation_value,shrub,330604,2020,3000,元/(hm²·a),2021,illustrative,example county,"
                    "illustrative,Shannon-Wiener class < 1\n", encoding="utf-8")
    choose_method(example_copy, "species_conservation", "unit_value")
    res = gep.Account.from_config(example_copy).run()
    # 62 673.22 hm² × 5000 + 2 598.26 hm² × 3000 = 313 366 100 + 7 794 780 = 321 160 880 元 (price year 2021)
    assert float(res.by_service["species_conservation"]) == pytest.approx(321_160_880.0, rel=1e-12)
    assert res.services.at["species_conservation", "category"] == "regulating"


def test_a_county_adds_a_service_by_a_config_key(tmp_path):
    # no installation: the plugin file next to the config, named in [account] plugins
    shutil.copy(MODULE, tmp_path / "species.py")
    cset = altai_set(tmp_path / "altai")
    try:
        acct = altai_account(cset, sections={})
        acct = gep.Account({**acct.raw_config, "account": {**acct.raw_config["account"], "plugins": ["species.py"]}},
                           tmp_path)
        value, _, _ = value_of(acct)
        assert value == pytest.approx(5_071_476_000.0, rel=1e-12)
        assert plugin_of("species_conservation") == "species_conservation"
        # loading the same file again (another account) is a no-op, not a clash
        gep.Account({**acct.raw_config}, tmp_path)
    finally:
        unload_plugin("species_conservation")
    assert "species_conservation" not in REGISTRY


# ----------------------------------------------------------------------- failures
def write_plugin(folder: Path, body: str, name: str = "county.py") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")
    return folder


def account_with_plugin(folder: Path, spec: str = "county.py") -> gep.Account:
    cfg = {"account": {"name": "x", "year": 2021, "profile": "xie2015-gep", "plugins": [spec]},
           "inputs": {"regions": "regions.csv"}}
    return gep.Account(cfg, folder, source=str(folder / "gep.toml"))


def test_a_plugin_that_fails_to_import_is_an_error_naming_it(tmp_path):
    folder = write_plugin(tmp_path, "import no_such_package_for_gep\n")
    with pytest.raises(PluginError) as info:
        account_with_plugin(folder)
    p = info.value.problems[0]
    assert p.code == "plugin_import_failed"
    assert "county" in p.zh and "插件" in p.zh and "无法导入" in p.zh
    assert "plugin county" in p.en and "cannot be imported" in p.en and "no_such_package_for_gep" in p.en


def test_a_missing_plugin_file_is_an_error(tmp_path):
    with pytest.raises(PluginError) as info:
        account_with_plugin(tmp_path, "nowhere.py")
    assert info.value.codes == ["plugin_not_found"]


def test_a_plugin_without_gep_plugin_or_with_the_wrong_object(tmp_path):
    with pytest.raises(PluginError) as info:
        account_with_plugin(write_plugin(tmp_path / "a", "x = 1\n"))
    assert info.value.codes == ["plugin_bad_object"] and "gep_plugin" in info.value.problems[0].en
    with pytest.raises(PluginError) as info:
        account_with_plugin(write_plugin(tmp_path / "b", "def gep_plugin():\n    return 42\n"))
    assert info.value.codes == ["plugin_bad_object"] and "int" in info.value.problems[0].en


def test_a_plugin_that_raises_when_called(tmp_path):
    with pytest.raises(PluginError) as info:
        account_with_plugin(write_plugin(tmp_path, "def gep_plugin():\n    raise RuntimeError('boom')\n"))
    assert info.value.codes == ["plugin_failed"] and "boom" in info.value.problems[0].en


def _clone(sid: str, **changes):
    from dataclasses import replace

    return replace(get_service("climate_regulation"), id=sid, **changes)


def test_a_service_id_clash_is_an_error_and_registers_nothing():
    before = dict(REGISTRY)
    with pytest.raises(PluginError) as info:
        register_plugin(Plugin(services=(_clone("climate_regulation"), _clone("new_service_ok")), name="clash"))
    assert info.value.codes == ["service_clash"]
    assert "climate_regulation" in info.value.problems[0].en and "gep" in info.value.problems[0].en
    assert REGISTRY == before and "clash" not in loaded_plugins()


def test_two_plugins_with_one_service_id(tmp_path):
    register_plugin(Plugin(services=(_clone("county_cooling"),), name="first"))
    try:
        with pytest.raises(PluginError) as info:
            register_plugin(Plugin(services=(_clone("county_cooling"),), name="second"))
        assert "first" in info.value.problems[0].zh and "first" in info.value.problems[0].en
    finally:
        unload_plugin("first")
    assert "county_cooling" not in REGISTRY


def test_a_key_clash_and_a_bad_key_are_errors():
    with pytest.raises(PluginError) as info:
        register_plugin(Plugin(services=(), name="keys", keys={
            "price.electricity": {"zh": "电价", "en": "electricity", "unit": "元/kWh",
                                  "dimensionality": "[currency] / [energy]"},
            "rate.mine": {"zh": "率", "en": "rate", "unit": "元/kWh", "dimensionality": "[length]"}}))
    assert sorted(info.value.codes) == ["bad_key_declaration", "key_clash"]
    assert key_spec("rate.mine") is None


def test_a_service_breaking_the_contract_is_refused():
    from dataclasses import replace

    bad = _clone("county_bad", label={"zh": "", "en": "x"})
    m = bad.methods["tabular"]
    bad = replace(bad, methods={"tabular": replace(m, coefficient_keys=("rate.undeclared",))},
                  default_method="tabular")
    with pytest.raises(PluginError) as info:
        register_plugin(Plugin(services=(bad,), name="bad"))
    text = " ".join(p.en for p in info.value.problems)
    assert "label.zh is missing" in text and "rate.undeclared" in text
    assert "county_bad" not in REGISTRY


def test_plugins_config_key_must_be_a_list(tmp_path):
    from gep.account.config import check_config

    problems = check_config({"account": {"year": 2021, "plugins": "county.py"}})
    assert [p.code for p in problems] == ["bad_config_value"] and problems[0].column == "account.plugins"


def test_services_list_shows_the_plugin(site):
    r = CliRunner().invoke(app, ["services", "list"])
    assert r.exit_code == 0 and "species_conservation" in r.output and "plugin" in r.output


def test_a_plugin_name_that_is_taken():
    register_plugin(Plugin(services=(_clone("county_one"),), name="same-name"))
    try:
        with pytest.raises(PluginError) as info:
            register_plugin(Plugin(services=(_clone("county_two"),), name="same-name"))
        assert info.value.codes == ["plugin_clash"]
        assert "county_two" not in REGISTRY
    finally:
        unload_plugin("same-name")


def test_plugins_of_an_in_memory_account_must_be_a_list(tmp_path):
    # not loaded (a string is not a list of names): validate() reports it with the config's other problems
    acct = gep.Account({"account": {"name": "x", "year": 2021, "plugins": "county.py"}, "inputs": {}}, tmp_path)
    assert "account.plugins" in [p.column for p in acct.validate()]

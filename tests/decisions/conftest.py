"""Fixtures of the decisions tests: the hand-made account (hand_account.py) and the example county."""

from __future__ import annotations

import pytest

from gep.decisions import Figures

from .hand_account import provenance_2021, summary_2020, summary_2021, values_2021


@pytest.fixture(scope="session")
def example_multi():
    """The example county, 2020 and 2021 (as `gep run` of gep.toml runs it)."""
    import gep

    return gep.run_years(gep.example_config())


@pytest.fixture
def hand_figures() -> Figures:
    return Figures.from_summaries({2020: summary_2020(), 2021: summary_2021()},
                                  values={2021: values_2021()}, provenance={2021: provenance_2021()},
                                  source="hand")


@pytest.fixture
def one_year_figures() -> Figures:
    s = summary_2021()
    s.pop("year_on_year")
    return Figures.from_summaries({2021: s}, values={2021: values_2021()}, provenance={2021: provenance_2021()})




@pytest.fixture(scope="session")
def example_out(example_multi, tmp_path_factory):
    """The example county's two years written as `gep run` writes them (OUT and OUT/years/2020)."""
    out = tmp_path_factory.mktemp("example") / "out"
    example_multi[2021].write(out)
    example_multi[2020].write(out / "years" / "2020")
    return out

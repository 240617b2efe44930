"""The example county's report, rendered once per test session (both years, with the Two-Mountains table)."""

from __future__ import annotations

import os
import shutil

import pytest

import gep

#: set by .ci/run: on CI a missing browser or poppler is a failure, not a skip
REQUIRE_TOOLS = os.environ.get("GEP_REQUIRE_BROWSER") == "1"


def need(tool: str, what: str) -> str:
    """The tool's path, or skip (locally) / fail (CI) with a clear reason."""
    from gep.report.pdf import find_browser

    path = find_browser() if tool == "chromium" else shutil.which(tool)
    if path is None:
        msg = (f"{what} needs {tool}; install it (Debian: apt-get install "
               f"{'chromium' if tool == 'chromium' else 'poppler-utils'})")
        if REQUIRE_TOOLS:
            pytest.fail(msg + " — GEP_REQUIRE_BROWSER=1 (CI) makes this a failure")
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def example_years():
    """The example county for 2020 and 2021 (the later year carries the year-on-year section)."""
    return gep.run_years(gep.example_config())


@pytest.fixture(scope="session")
def example_out(example_years, tmp_path_factory):
    """The output folder `gep run --years` writes for the example (latest year at the top, earlier years below)."""
    out = tmp_path_factory.mktemp("example-out")
    latest = example_years[example_years.years[-1]]
    latest.write(out)
    for y in example_years.years[:-1]:
        example_years[y].write(out / "years" / str(y))
    return out


@pytest.fixture(scope="session")
def report_files(example_out):
    """report.html and (where a browser is found) report.pdf of the example's output folder."""
    from gep.report import write_report

    return write_report(example_out, example_out, pdf="auto")


@pytest.fixture(scope="session")
def folder_data(example_out):
    from gep.report.data import ReportData

    return ReportData.from_folder(example_out)


@pytest.fixture(scope="session")
def charts(folder_data):
    from gep.report.charts import all_charts

    return all_charts(folder_data)

"""The shipped data travels with the package (a non-editable install must find it)."""

from pathlib import Path

import gep
from gep.coefficients import shipped_sets
from gep.coefficients.load import _shipped_root
from gep.examples import example_config


def test_shipped_sets_found():
    assert {"xie-2015"} <= set(shipped_sets())
    root = _shipped_root()
    assert (root / "xie-2015" / "manifest.toml").is_file()
    source_tree = Path(gep.__file__).resolve().parent.parent / "coefficients"
    if not source_tree.is_dir():  # installed from a wheel: data inside the package
        assert root == Path(gep.__file__).resolve().parent / "_coefficients"


def test_example_ships_with_package():
    cfg = example_config()
    assert cfg.is_file() and (cfg.parent / "regions.csv").is_file() and (cfg.parent / "land_use.csv").is_file()


def test_version():
    assert gep.__version__


def test_one_version_the_distribution_reads_from_gep_version():
    """pyproject.toml reads the version from gep/_version.py: the installed distribution says the same."""
    from importlib.metadata import version

    assert version("gep-accounting") == gep.__version__


def test_distribution_name_is_not_the_import_name():
    from importlib.metadata import distribution

    dist = distribution("gep-accounting")
    assert dist.metadata["Name"] == "gep-accounting"
    assert any(str(f).startswith("gep/") for f in dist.files or []) or (Path(gep.__file__).parent / "_version.py").is_file()


def test_installed_example_holds_data_only():
    """No generator scripts in the installed example (they live in examples/scripts/ of the repository)."""
    folder = example_config().parent
    assert not list(folder.glob("make_*.py"))

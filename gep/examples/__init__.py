"""The embedded example county (modelled on 上虞区, Shaoxing, 2021).

County-level figures are the official 2021 figures of the Shangyu plan; the
township breakdown and land use are illustrative (see ``shangyu/README.md``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["example_config", "example_dir"]


def example_dir() -> Path:
    """Folder of the example county's inputs."""
    return Path(str(resources.files("gep.examples") / "shangyu"))


def example_config(name: str = "gep.toml") -> Path:
    """Path of an example config (``gep.toml``: the default account)."""
    return example_dir() / name

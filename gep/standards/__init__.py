"""Profiles: which services (and methods) a standard or method prescribes.

A profile is a TOML file in this folder: ``id``, ``title {zh,en}``,
``description``, default ``coefficients`` set, and the ordered list of
``services`` (``"service_id"`` or ``"service_id:method"``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..errors import ConfigError, problem

__all__ = ["load_profile", "profiles"]

_HERE = Path(__file__).parent


def profiles() -> dict[str, dict]:
    """All shipped profiles by id."""
    out = {}
    for p in sorted(_HERE.glob("*.toml")):
        with open(p, "rb") as fh:
            d = tomllib.load(fh)
        out[d["id"]] = d
    return out


def load_profile(profile_id: str) -> dict:
    """The profile called ``profile_id`` (an error lists the shipped ones)."""
    all_ = profiles()
    if profile_id not in all_:
        raise ConfigError(problem(
            "unknown_profile", f"未知的核算方案 profile {profile_id!r}；可用：{', '.join(all_)}",
            f"unknown profile {profile_id!r}; available: {', '.join(all_)}", value=profile_id))
    return all_[profile_id]

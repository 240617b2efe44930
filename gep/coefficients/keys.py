"""Coefficient keys: the declared vocabulary of coefficient sets (``gep/data/keys/*.toml``)."""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from pathlib import Path



__all__ = ["KeySpec", "coefficient_keys", "key_spec"]


@dataclass(frozen=True)
class KeySpec:
    """Declaration of one coefficient key (``gep/data/keys/*.toml``)."""

    key: str
    zh: str
    en: str
    dimensionality: str
    unit: str
    indexed_by: tuple[str, ...] = ()
    #: ecosystem groups a per-area rate applies to (empty: every type, or not indexed by ecosystem)
    ecosystem_groups: tuple[str, ...] = ()

    @property
    def monetary(self) -> bool:
        return "[currency]" in self.dimensionality


def _load_keys() -> dict[str, KeySpec]:
    raw: dict = {}
    for path in sorted((Path(__file__).resolve().parents[1] / "data" / "keys").glob("*.toml")):
        with open(path, "rb") as fh:
            part = tomllib.load(fh)
        clash = set(part) & set(raw)
        if clash:
            raise RuntimeError(f"coefficient keys declared twice ({path.name}): {sorted(clash)}")
        raw.update(part)
    out = {}
    for key, spec in raw.items():
        out[key] = KeySpec(
            key=key,
            zh=spec["zh"],
            en=spec["en"],
            dimensionality=spec.get("dimensionality", ""),
            unit=spec["unit"],
            indexed_by=tuple(spec.get("indexed_by", ())),
            ecosystem_groups=tuple(spec.get("ecosystem_groups", ())),
        )
    return out


_KEYS: dict[str, KeySpec] | None = None


def coefficient_keys() -> dict[str, KeySpec]:
    """All declared coefficient keys (patterns with ``*`` allowed)."""
    global _KEYS
    if _KEYS is None:
        _KEYS = _load_keys()
    return _KEYS


def key_spec(key: str) -> KeySpec | None:
    """The declaration matching ``key`` (exact first, then ``*`` patterns)."""
    keys = coefficient_keys()
    if key in keys:
        return keys[key]
    for pattern, spec in keys.items():
        if "*" in pattern and fnmatch.fnmatchcase(key, pattern):
            return spec
    return None

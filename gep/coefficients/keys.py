"""Coefficient keys: the declared vocabulary of coefficient sets (``gep/data/keys/*.toml``)."""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..errors import Problem, problem
from ..units import is_dimension, parse_unit

__all__ = ["KeySpec", "coefficient_keys", "key_spec", "declare_keys", "forget_keys"]


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
    #: the largest value that is physically possible, in :attr:`unit` (``None``: no bound declared), and why
    physical_max: float | None = None
    physical_basis: str = ""
    physical_basis_zh: str = ""
    #: the smallest value a row of an applicable ecosystem type plausibly has, in :attr:`unit` (``None``: none
    #: declared), and why: a value below it is named in a warning (a unit slip towards small: kg under t)
    typical_min: float | None = None
    typical_basis: str = ""
    typical_basis_zh: str = ""

    @property
    def monetary(self) -> bool:
        return "[currency]" in self.dimensionality

    def in_unit(self, value, unit) -> float | None:
        """``value`` given in ``unit`` (empty: ``1``), in this key's :attr:`unit`; ``None`` when it is missing or
        the unit does not convert (a row's own check reports that)."""
        from ..units import conversion_factor

        try:
            return float(value) * conversion_factor(str(unit or "1"), self.unit)
        except Exception:  # noqa: BLE001 - a unit that does not parse or convert is reported by its own check
            return None


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
            physical_max=None if spec.get("physical_max") is None else float(spec["physical_max"]),
            physical_basis=str(spec.get("physical_basis", "")),
            physical_basis_zh=str(spec.get("physical_basis_zh", spec.get("physical_basis", ""))),
            typical_min=None if spec.get("typical_min") is None else float(spec["typical_min"]),
            typical_basis=str(spec.get("typical_basis", "")),
            typical_basis_zh=str(spec.get("typical_basis_zh", spec.get("typical_basis", ""))),
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


#: key -> the plugin that declared it (keys of gep itself are not listed)
_DECLARED_BY: dict[str, str] = {}


def _check_key(key: str, spec: Mapping, origin: str) -> list[Problem]:
    out = []
    for field in ("zh", "en", "unit"):
        if not str(spec.get(field, "")).strip():
            out.append(problem("bad_key_declaration", f"{origin} 声明的系数键 {key} 缺少 {field}",
                               f"coefficient key {key} declared by {origin} has no {field}", value=key))
    if out:
        return out
    try:
        parse_unit(spec["unit"])
        if not is_dimension(spec["unit"], spec.get("dimensionality", "")):
            out.append(problem("bad_key_declaration",
                               f"{origin} 声明的系数键 {key} 的单位 {spec['unit']} 与量纲 {spec.get('dimensionality', '')!r} 不符",
                               f"coefficient key {key} declared by {origin}: unit {spec['unit']} does not have the "
                               f"dimensionality {spec.get('dimensionality', '')!r}", value=key))
    except Exception as exc:  # noqa: BLE001 - pint raises several kinds; all are a bad declaration
        out.append(problem("bad_key_declaration", f"{origin} 声明的系数键 {key} 的单位或量纲无法解析：{exc}",
                           f"coefficient key {key} declared by {origin}: unit or dimensionality does not parse: {exc}",
                           value=key))
    return out


def declare_keys(specs: Mapping[str, Mapping], origin: str, *, check_only: bool = False) -> list[Problem]:
    """Declare coefficient keys of a plugin (``{key: {zh, en, unit, dimensionality, indexed_by}}``).

    A key gep (or another plugin) declares already is a problem, not an
    override. Returns the problems; the keys are declared only when there are
    none (and ``check_only`` is false).
    """
    keys = coefficient_keys()
    problems: list[Problem] = []
    for key, spec in specs.items():
        if key in keys:
            owner = _DECLARED_BY.get(key, "gep")
            problems.append(problem("key_clash", f"{origin} 声明的系数键 {key} 已由 {owner} 声明",
                                    f"coefficient key {key} declared by {origin} is already declared by {owner}",
                                    value=key, hint_zh="换一个键名（如加上插件名前缀）",
                                    hint_en="choose another key name (e.g. prefixed with the plugin's name)"))
            continue
        problems.extend(_check_key(key, spec, origin))
    if problems or check_only:
        return problems
    for key, spec in specs.items():
        keys[key] = KeySpec(key=key, zh=spec["zh"], en=spec["en"], dimensionality=spec.get("dimensionality", ""),
                            unit=spec["unit"], indexed_by=tuple(spec.get("indexed_by", ())))
        _DECLARED_BY[key] = origin
    return []


def forget_keys(origin: str) -> None:
    """Remove the keys a plugin declared (when the plugin is unloaded)."""
    keys = coefficient_keys()
    for key in [k for k, o in _DECLARED_BY.items() if o == origin]:
        keys.pop(key, None)
        _DECLARED_BY.pop(key, None)

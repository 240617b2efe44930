"""Profiles: which services (and methods) a standard or method prescribes.

A profile is a TOML file in this folder: ``id``, ``title {zh,en}``,
``description``, default ``coefficients`` set, the ordered list of
``services`` (``"service_id"`` or ``"service_id:method"``), and optionally
``[choices.<service_id>]`` tables that pick a method where published methods
differ and say why (``method``, ``zh``, ``en``). A choice sets the method of
its service in ``services`` (a service listed as ``"id:method"`` with another
method, or a choice for a service the profile does not list, is an error).
An account may also name its own profile file (``profile = "profile.toml"``,
relative to the config), e.g. to account exactly the services a published
study accounts.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

from ..errors import ConfigError, problem
from ..io.filecache import ContentCache

__all__ = ["load_profile", "profiles"]

_HERE = Path(__file__).parent


def _apply_choices(d: dict, path: Path) -> dict:
    """Write each ``[choices.<service>] method`` into the profile's ``services`` list."""
    choices = d.get("choices", {})
    entries = {e.partition(":")[0]: i for i, e in enumerate(d.get("services", []))}
    for sid, choice in choices.items():
        if sid not in entries:
            raise ConfigError(problem("bad_profile", f"核算方案 {d['id']} 为未列出的服务 {sid} 选择了方法",
                                      f"profile {d['id']} chooses a method for {sid}, which it does not list",
                                      file=path.name, value=sid))
        listed = d["services"][entries[sid]].partition(":")[2]
        if listed and listed != choice["method"]:
            raise ConfigError(problem("bad_profile", f"核算方案 {d['id']} 为服务 {sid} 给出两种方法：{listed}、{choice['method']}",
                                      f"profile {d['id']} gives {sid} two methods: {listed} and {choice['method']}",
                                      file=path.name, value=sid))
        d["services"][entries[sid]] = f"{sid}:{choice['method']}"
    return d


def profiles() -> dict[str, dict]:
    """All shipped profiles by id (read once per content of the profile files; a fresh copy each call)."""
    files = sorted(_HERE.glob("*.toml"))
    return copy.deepcopy(_PROFILES.get("profiles", files, lambda: _read_profiles(files)))


#: the shipped profiles, kept while their files hold the same bytes
_PROFILES = ContentCache(size=1)


def _read_profiles(files) -> dict[str, dict]:
    out = {}
    for p in files:
        with open(p, "rb") as fh:
            d = tomllib.load(fh)
        out[d["id"]] = _apply_choices(d, p)
    return out


PROFILE_KEYS = {"id", "title", "description", "coefficients", "services", "choices"}


def load_profile(profile_id: str, base_dir: str | Path | None = None) -> dict:
    """The profile called ``profile_id`` (an error lists the shipped ones).

    A value ending in ``.toml`` is the path of a profile file (relative to
    ``base_dir``): it needs ``id`` and a non-empty list ``services``.
    """
    if str(profile_id).lower().endswith(".toml"):
        return _profile_file(Path(base_dir or ".") / str(profile_id))
    all_ = profiles()
    if profile_id not in all_:
        raise ConfigError(problem(
            "unknown_profile", f"未知的核算方案 profile {profile_id!r}；可用：{', '.join(all_)}",
            f"unknown profile {profile_id!r}; available: {', '.join(all_)}", value=profile_id))
    return all_[profile_id]


def _profile_file(path: Path) -> dict:
    if not path.is_file():
        raise ConfigError(problem("file_not_found", f"找不到核算方案文件 {path}", f"profile file not found: {path}",
                                  file=str(path)))
    try:
        with open(path, "rb") as fh:
            d = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(problem("bad_toml", f"核算方案文件不是有效的 TOML：{exc}", f"profile is not valid TOML: {exc}",
                                  file=str(path))) from None
    problems = [problem("unknown_config_key", f"核算方案中有未知键 {k!r}", f"unknown key {k!r} in the profile",
                        file=str(path), value=k, hint_en=f"known keys: {', '.join(sorted(PROFILE_KEYS))}",
                        hint_zh=f"可用键：{', '.join(sorted(PROFILE_KEYS))}") for k in d if k not in PROFILE_KEYS]
    services = d.get("services")
    if not d.get("id") or not isinstance(services, list) or not services or \
            not all(isinstance(x, str) for x in services):
        problems.append(problem("bad_profile", "核算方案需要 id 和非空的服务列表 services",
                                "a profile needs an id and a non-empty list of services", file=str(path),
                                hint_zh='例如 services = ["water_conservation:given"]',
                                hint_en='e.g. services = ["water_conservation:given"]'))
    if problems:
        raise ConfigError(problems)
    return _apply_choices(d, path)

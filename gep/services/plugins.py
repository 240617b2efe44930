"""Adding a service without touching gep: plugins.

A plugin is a :class:`Plugin` -- the services it declares and the coefficient
keys they use -- handed to gep in one of two ways:

* an installed package names it in the entry-point group ``gep.services``
  (``pyproject.toml``: ``[project.entry-points."gep.services"] my_services =
  "my_package:gep_plugin"``); :func:`load_plugins` loads every installed one,
  once per process (an :class:`~gep.Account` does it when it is built);
* an account's config names a module or a Python file: ``[account] plugins =
  ["county_services.py"]`` (relative to the config) or ``["my_package.services"]``;
  the module defines ``gep_plugin`` (:func:`load_plugin_module`).

Either way the object is a :class:`Plugin` or a callable without arguments
that returns one. Registration is explicit and all-or-nothing: gep checks
every service against the contract (:func:`gep.services.contract.check_service`)
and every key declaration, refuses a service id or key that gep or another
plugin already has, and only then registers. A plugin that fails to import,
returns something else or breaks the contract raises :class:`PluginError`
naming the plugin, in Chinese and English -- it is never skipped.

See ``docs/plugins.md`` for a worked example.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..coefficients.keys import declare_keys, forget_keys
from ..errors import GepError, Problem, problem
from ._base import REGISTRY, Service
from .contract import check_service

__all__ = ["ENTRY_POINT_GROUP", "Plugin", "PluginError", "load_plugins", "load_plugin_module", "register_plugin",
           "unload_plugin", "loaded_plugins", "plugin_of"]

#: the entry-point group an installed plugin registers under
ENTRY_POINT_GROUP = "gep.services"
#: the name a plugin module defines
PLUGIN_ATTRIBUTE = "gep_plugin"


class PluginError(GepError):
    """A plugin could not be loaded or registered (the message names it)."""


@dataclass(frozen=True)
class Plugin:
    """What a plugin gives gep.

    Attributes
    ----------
    services : tuple of Service
        The services it declares (ids new to gep).
    keys : dict
        Coefficient keys its methods use that gep does not declare:
        ``{key: {"zh", "en", "unit", "dimensionality", "indexed_by"}}`` (as in
        ``gep/data/keys/*.toml``).
    name : str
        A name for messages and the provenance (default: the entry point's or
        module's name).
    version : str
    """

    services: tuple[Service, ...]
    keys: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    name: str = ""
    version: str = ""


#: plugin name -> {"origin", "services", "version"}
_LOADED: dict[str, dict] = {}
#: service id -> plugin name
_SERVICE_OF: dict[str, str] = {}
#: entry point (name, value) -> the plugin it registered
_SEEN: dict[tuple[str, str], str] = {}
#: sys.path when the entry points were last scanned (a scan costs ~20 ms; a new path entry rescans)
_SCANNED: list[tuple[str, ...]] = []


def loaded_plugins() -> dict[str, dict]:
    """The plugins registered in this process: name -> origin, services, version."""
    return {k: dict(v) for k, v in _LOADED.items()}


def plugin_of(service_id: str) -> str | None:
    """The plugin that declared a service (``None`` for gep's own)."""
    return _SERVICE_OF.get(service_id)


def _error(code: str, name: str, origin: str, zh: str, en: str, **kw) -> PluginError:
    return PluginError(problem(code, f"插件 {name}（{origin}）：{zh}", f"plugin {name} ({origin}): {en}",
                               value=name, **kw))


def _as_plugin(obj: Any, name: str, origin: str) -> Plugin:
    if not isinstance(obj, Plugin) and callable(obj):
        try:
            obj = obj()
        except Exception as exc:  # noqa: BLE001 - any failure of third-party code is reported, never swallowed
            raise _error("plugin_failed", name, origin, f"调用时出错：{type(exc).__name__}: {exc}",
                         f"failed when called: {type(exc).__name__}: {exc}") from exc
    if not isinstance(obj, Plugin):
        raise _error("plugin_bad_object", name, origin, f"应返回 gep.services.Plugin，得到 {type(obj).__name__}",
                     f"must give a gep.services.Plugin, got {type(obj).__name__}",
                     hint_zh="让 gep_plugin() 返回 Plugin(services=…, keys=…)",
                     hint_en="make gep_plugin() return Plugin(services=..., keys=...)")
    if isinstance(obj.services, Service) or not all(isinstance(s, Service) for s in obj.services):
        raise _error("plugin_bad_object", name, origin, "services 应为 Service 对象的元组",
                     "services must be a tuple of Service objects")
    return obj


def register_plugin(plugin: Plugin, origin: str = "<in-memory>") -> str:
    """Check a plugin and register its keys and services (all or nothing); returns its name.

    Raises
    ------
    PluginError
        Every problem at once: a service id or key that is taken, a service
        that breaks the contract, a key declaration that does not parse.
    """
    name = plugin.name or origin
    if name in _LOADED:
        raise PluginError(problem("plugin_clash", f"插件名 {name} 已被 {_LOADED[name]['origin']} 使用",
                                  f"the plugin name {name} is taken by {_LOADED[name]['origin']}", value=name))
    problems: list[Problem] = list(declare_keys(plugin.keys, f"插件/plugin {name}", check_only=True))
    ids = [s.id for s in plugin.services]
    for sid in {i for i in ids if ids.count(i) > 1}:
        problems.append(problem("service_clash", f"插件 {name} 两次声明服务 {sid}",
                                f"plugin {name} declares the service {sid} twice", value=sid))
    for svc in plugin.services:
        if svc.id in REGISTRY:
            owner = _SERVICE_OF.get(svc.id, "gep")
            problems.append(problem(
                "service_clash", f"插件 {name} 的服务 id {svc.id} 已由 {owner} 登记",
                f"plugin {name}: the service id {svc.id} is already registered by {owner}", value=svc.id,
                hint_zh="换一个服务 id（如加上插件名前缀）", hint_en="choose another service id (e.g. prefixed with the plugin's name)"))
    if problems:
        raise PluginError(problems)
    # keys first: the contract checks that the services' keys are declared
    declare_keys(plugin.keys, name)
    problems = [p for svc in plugin.services for p in check_service(svc, origin=f"插件/plugin {name}")]
    if problems:
        forget_keys(name)
        raise PluginError(problems)
    for svc in plugin.services:
        REGISTRY[svc.id] = svc
        _SERVICE_OF[svc.id] = name
    _LOADED[name] = {"origin": origin, "services": ids, "version": plugin.version}
    return name


def unload_plugin(name: str) -> None:
    """Remove a plugin's services and keys (tests; a notebook that reloads a plugin)."""
    rec = _LOADED.pop(name, None)
    if rec is None:
        return
    for sid in rec["services"]:
        REGISTRY.pop(sid, None)
        _SERVICE_OF.pop(sid, None)
    forget_keys(name)
    for k in [k for k, v in _SEEN.items() if v == name]:
        del _SEEN[k]
    _SCANNED.clear()


def load_plugins() -> list[str]:
    """Load every installed plugin of the ``gep.services`` entry-point group not loaded yet.

    Returns the names of the plugins loaded by this call. A plugin that fails
    is an error naming it (:class:`PluginError`), never skipped.
    """
    done: list[str] = []
    if _SCANNED and _SCANNED[0] == tuple(sys.path):
        return done
    for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if (ep.name, ep.value) in _SEEN:
            continue
        dist = getattr(getattr(ep, "dist", None), "name", None) or "?"
        origin = f"entry point {ep.value}, distribution {dist}"
        try:
            obj = ep.load()
        except Exception as exc:  # noqa: BLE001 - any import failure of a plugin is reported by name
            raise _error("plugin_import_failed", ep.name, origin, f"无法导入：{type(exc).__name__}: {exc}",
                         f"cannot be imported: {type(exc).__name__}: {exc}",
                         hint_zh="修复或卸载该插件（pip uninstall）", hint_en="fix or uninstall the plugin (pip uninstall)") from exc
        plugin = _as_plugin(obj, ep.name, origin)
        name = register_plugin(Plugin(services=tuple(plugin.services), keys=plugin.keys, name=plugin.name or ep.name,
                                      version=plugin.version), origin)
        _SEEN[(ep.name, ep.value)] = name
        done.append(name)
    _SCANNED[:] = [tuple(sys.path)]
    return done


def _import_file(path: Path, name: str):
    digest = hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:12]
    module_name = f"gep_plugin_{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"not a Python module: {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def load_plugin_module(spec: str, base_dir: str | Path | None = None, *, source: str = "config") -> str:
    """Load the plugin a config names: a ``.py`` file (relative to ``base_dir``) or a module ``pkg.mod[:attr]``.

    The module defines ``gep_plugin`` (or the ``attr`` named after ``:``): a
    :class:`Plugin` or a callable returning one. Loading the same file or
    module again is a no-op. Returns the plugin's name.
    """
    text = str(spec).strip()
    if text.endswith(".py"):
        path = Path(text)
        if not path.is_absolute() and base_dir is not None:
            path = Path(base_dir) / path
        path = path.resolve()
        origin, attr, name = str(path), PLUGIN_ATTRIBUTE, path.stem
    else:
        module_name, _, attr = text.partition(":")
        origin, attr, name = text, attr or PLUGIN_ATTRIBUTE, module_name
    for plugin_name, rec in _LOADED.items():
        if rec["origin"] == origin:
            return plugin_name
    try:
        if text.endswith(".py"):
            if not path.is_file():
                raise _error("plugin_not_found", name, source, f"找不到插件文件 {path.name}",
                             f"plugin file not found: {path.name}", file=str(spec),
                             hint_zh="检查 [account] plugins 中的路径（相对于配置文件）",
                             hint_en="check the path in [account] plugins (relative to the config)")
            module = _import_file(path, name)
        else:
            module = importlib.import_module(module_name)
    except PluginError:
        raise
    except Exception as exc:  # noqa: BLE001 - any import failure of a plugin is reported by name
        raise _error("plugin_import_failed", name, source, f"无法导入：{type(exc).__name__}: {exc}",
                     f"cannot be imported: {type(exc).__name__}: {exc}") from exc
    if not hasattr(module, attr):
        raise _error("plugin_bad_object", name, source, f"模块没有定义 {attr}", f"the module does not define {attr}",
                     hint_zh=f"在模块中定义 {attr}() 并返回 gep.services.Plugin",
                     hint_en=f"define {attr}() returning a gep.services.Plugin in the module")
    plugin = _as_plugin(getattr(module, attr), name, source)
    return register_plugin(Plugin(services=tuple(plugin.services), keys=plugin.keys, name=plugin.name or name,
                                  version=plugin.version), origin)

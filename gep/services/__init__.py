"""Declared services: the registry every engine plugs into.

Importing this package registers the shipped services. ``gep services list``
shows them all; ``get_service(id)`` returns one. Services of plugins (installed
packages of the ``gep.services`` entry-point group, or modules an account's
config names) are added by :func:`load_plugins` / :func:`load_plugin_module`
(:mod:`gep.services.plugins`; an :class:`~gep.Account` loads them when built).
"""

from ._base import CATEGORIES, REGISTRY, TIERS, Method, Quantity, Service, get_service, register, services
from . import value_transfer  # noqa: F401  (registers the Xie 2015 services)
from . import products  # noqa: F401  (provisioning and cultural services from statistics)
from . import regulating  # noqa: F401  (regulating services: tabular, spatial, given)
from .contract import check_service
from .plugins import Plugin, PluginError, load_plugin_module, load_plugins, register_plugin, unload_plugin

__all__ = ["CATEGORIES", "REGISTRY", "TIERS", "Method", "Quantity", "Service", "get_service", "register", "services",
           "check_service", "Plugin", "PluginError", "load_plugins", "load_plugin_module", "register_plugin",
           "unload_plugin"]

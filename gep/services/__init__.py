"""Declared services: the registry every engine plugs into.

Importing this package registers the shipped services. ``gep services list``
shows them all; ``get_service(id)`` returns one.
"""

from ._base import CATEGORIES, REGISTRY, TIERS, Method, Quantity, Service, get_service, register, services
from . import value_transfer  # noqa: F401  (registers the Xie 2015 services)
from . import products  # noqa: F401  (provisioning and cultural services from statistics)
from . import regulating  # noqa: F401  (regulating services: tabular, spatial, given)

__all__ = ["CATEGORIES", "REGISTRY", "TIERS", "Method", "Quantity", "Service", "get_service", "register", "services"]

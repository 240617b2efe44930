"""Declared services and the service registry.

A :class:`Service` says *what* is accounted (id, category, bilingual label,
physical unit, references); its :class:`Method` objects say *how*: which inputs
and coefficient keys a method needs, a ``quantify`` step that computes the
physical quantity (实物量 / 功能量) per region, and a ``value`` step that prices
it (价值量). The two steps are separate callables: there is no "do valuation"
flag, and a service valued by another pricing method is another method.

The registry is a plain dict, ``REGISTRY``; :func:`register` adds a service,
:func:`get_service` looks one up (an unknown id is an :class:`UnknownService`
error listing the known ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

import xarray as xr

from ..errors import UnknownMethod, UnknownService, problem

if TYPE_CHECKING:  # pragma: no cover
    from .context import Context

__all__ = [
    "CATEGORIES",
    "TIERS",
    "Method",
    "Service",
    "Quantity",
    "REGISTRY",
    "register",
    "get_service",
    "services",
]

#: Categories of GEP, in report order, with labels.
CATEGORIES: dict[str, dict[str, str]] = {
    "provisioning": {"zh": "物质产品", "en": "Provisioning"},
    "regulating": {"zh": "调节服务", "en": "Regulating"},
    "cultural": {"zh": "文化服务", "en": "Cultural"},
    "supporting": {"zh": "支持服务", "en": "Supporting"},
}

#: How a method gets its physical quantity.
TIERS: dict[str, dict[str, str]] = {
    "value_transfer": {"zh": "价值当量（第一层级）", "en": "value transfer (tier 1)"},
    "tabular": {"zh": "面积×单位面积功能量或统计数据（第二层级）", "en": "area × per-area rate or statistics (tier 2)"},
    "spatial": {"zh": "栅格逐像元模型（第三层级）", "en": "per-pixel raster model (tier 3)"},
    "given": {"zh": "用户给定实物量", "en": "physical quantity given by the user"},
}


@dataclass
class Quantity:
    """Outcome of one step of one service for every region.

    Attributes
    ----------
    data : xarray.DataArray
        dims ``(region,)`` or ``(region, ecosystem)``; ``attrs["units"]`` set.
    trace : list of dict
        Provenance: one record per coefficient resolved or input used.
    components : dict of str -> DataArray
        Optional named parts (e.g. sediment and nutrient parts of a value).
    """

    data: xr.DataArray
    trace: list[dict] = field(default_factory=list)
    components: dict[str, xr.DataArray] = field(default_factory=dict)


QuantifyFn = Callable[["Context", Mapping], Quantity]
ValueFn = Callable[["Context", Quantity, Mapping], Quantity]


@dataclass(frozen=True)
class Method:
    """One way of accounting a service.

    Attributes
    ----------
    name : str
        Method id, unique within the service (e.g. ``"water_balance"``).
    label : dict
        ``{"zh": ..., "en": ...}``.
    tier : str
        One of :data:`TIERS`.
    quantify : callable
        ``quantify(ctx, params) -> Quantity`` in :attr:`Service.physical_unit`.
    value : callable
        ``value(ctx, physical, params) -> Quantity`` in 元.
    inputs : tuple of str
        Account inputs the method reads (``"land_use"``, ``"statistics"``,
        ``"raster:precipitation"``, ``"physical"`` …).
    coefficient_keys : tuple of str
        Coefficient keys it resolves.
    valuation : dict
        Label of the pricing method (市场价值法, 影子工程法 …).
    references : tuple of str
    params : dict
        Descriptions of the method's parameters (shown in the docs).
    variant_of : str
        Name of the method of the same service that this one is a published
        variant of (same inputs, another published formula or constant), or
        ``""``. ``gep run --compare-methods`` runs every variant side by side.
    formula : str
        The formula in one line, as the docs and the variant table show it.
    """

    name: str
    label: Mapping[str, str]
    tier: str
    quantify: QuantifyFn
    value: ValueFn
    inputs: tuple[str, ...] = ()
    coefficient_keys: tuple[str, ...] = ()
    valuation: Mapping[str, str] = field(default_factory=lambda: {"zh": "", "en": ""})
    references: tuple[str, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)
    variant_of: str = ""
    formula: str = ""

    def __post_init__(self):
        if self.tier not in TIERS:
            raise ValueError(f"method {self.name}: unknown tier {self.tier!r}")


@dataclass(frozen=True)
class Service:
    """A declared ecosystem service.

    Attributes
    ----------
    id : str
    category : str
        One of :data:`CATEGORIES`.
    label : dict
        ``{"zh", "en"}``.
    physical_unit : str
        Unit of the physical quantity (``"m³/a"``, ``"t/a"``, ``"hm²"`` …).
    physical_label : dict
        What the physical quantity is, ``{"zh", "en"}``.
    methods : dict of str -> Method
    default_method : str
    references : tuple of str
    description : dict
    """

    id: str
    category: str
    label: Mapping[str, str]
    physical_unit: str
    physical_label: Mapping[str, str]
    methods: Mapping[str, Method]
    default_method: str
    references: tuple[str, ...] = ()
    description: Mapping[str, str] = field(default_factory=lambda: {"zh": "", "en": ""})
    family: str = "gep"

    def __post_init__(self):
        if self.category not in CATEGORIES:
            raise ValueError(f"service {self.id}: unknown category {self.category!r}")
        if self.default_method not in self.methods:
            raise ValueError(f"service {self.id}: default method {self.default_method!r} not in methods")
        for m in self.methods.values():
            if m.variant_of and (m.variant_of not in self.methods or self.methods[m.variant_of].variant_of):
                raise ValueError(f"service {self.id}: method {m.name} is a variant of {m.variant_of!r}, "
                                 "which is not a base method of the service")

    def variants(self, name: str | None = None) -> list[Method]:
        """The published variants of method ``name`` (default method when ``None``), itself first.

        Methods are variants of one another when they share a base: the base
        method and every method whose :attr:`Method.variant_of` names it. A
        method without variants gives a list of one.
        """
        m = self.method(name)
        base = m.variant_of or m.name
        group = [x for x in self.methods.values() if x.name == base or x.variant_of == base]
        return [m] + [x for x in group if x.name != m.name]

    def method(self, name: str | None = None) -> Method:
        """The method called ``name`` (default method when ``None``)."""
        name = name or self.default_method
        try:
            return self.methods[name]
        except KeyError:
            raise UnknownMethod(problem(
                "unknown_method",
                f"服务 {self.id} 没有方法 {name!r}；可用：{', '.join(self.methods)}",
                f"service {self.id} has no method {name!r}; available: {', '.join(self.methods)}",
                value=name, hint_zh="在配置 [services] 中选择可用方法", hint_en="choose one of the available methods in [services]",
            )) from None


REGISTRY: dict[str, Service] = {}


def register(service: Service) -> Service:
    """Add a service to the registry (its id must be new)."""
    if service.id in REGISTRY:
        raise ValueError(f"service {service.id!r} is already registered")
    REGISTRY[service.id] = service
    return service


def get_service(service_id: str) -> Service:
    """Look a service up by id."""
    try:
        return REGISTRY[service_id]
    except KeyError:
        raise UnknownService(problem(
            "unknown_service", f"未知的生态系统服务 {service_id!r}", f"unknown service {service_id!r}",
            value=service_id, hint_zh=f"已登记：{', '.join(REGISTRY)}", hint_en=f"registered: {', '.join(REGISTRY)}",
        )) from None


def services(family: str | None = None) -> list[Service]:
    """Registered services (optionally of one family), in registration order."""
    return [s for s in REGISTRY.values() if family is None or s.family == family]

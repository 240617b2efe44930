"""The contract every service meets -- gep's own and a plugin's.

:func:`check_service` lists what is wrong with a :class:`~gep.services.Service`
declaration: bilingual labels, a physical unit that parses, references for the
service and each method, coefficient keys that are declared, callable steps,
and variants that name a base method of the same service. The registry tests
(``tests/test_registry.py``) run it over every registered service and over the
example plugin; :mod:`gep.services.plugins` runs it before registering a
plugin's services, so a malformed plugin is refused with the reasons.
"""

from __future__ import annotations

import re

from ..coefficients import key_spec
from ..errors import Problem, problem
from ..units import parse_unit
from ._base import CATEGORIES, TIERS, Service

__all__ = ["check_service", "SERVICE_ID"]

#: what a service id looks like: lower-case words joined by ``_`` (and ``.`` for a family prefix)
SERVICE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


def _blank(d, key) -> bool:
    return not (isinstance(d, dict) or hasattr(d, "get")) or not str(d.get(key, "") or "").strip()


def check_service(service: Service, origin: str = "gep") -> list[Problem]:
    """Problems with one service declaration (empty when it meets the contract)."""
    out: list[Problem] = []

    def bad(zh: str, en: str, value=None):
        out.append(problem("service_contract", f"{origin}：服务 {service.id}：{zh}", f"{origin}: service {service.id}: {en}",
                           value=value if value is not None else service.id))

    if not isinstance(service, Service):
        out.append(problem("service_contract", f"{origin}：不是 gep.services.Service 对象：{service!r}",
                           f"{origin}: not a gep.services.Service: {service!r}"))
        return out
    if not SERVICE_ID.match(service.id or ""):
        bad("id 应为小写字母、数字与下划线", "the id must be lower-case letters, digits and underscores")
    for field in ("zh", "en"):
        if _blank(service.label, field):
            bad(f"缺少 label.{field}", f"label.{field} is missing")
        if _blank(service.physical_label, field):
            bad(f"缺少 physical_label.{field}", f"physical_label.{field} is missing")
    if service.category not in CATEGORIES:
        bad(f"未知类别 {service.category!r}", f"unknown category {service.category!r}")
    try:
        parse_unit(service.physical_unit)
    except ValueError:
        bad(f"实物量单位无法解析：{service.physical_unit!r}", f"physical unit does not parse: {service.physical_unit!r}")
    if not service.references or not all(str(r).strip() for r in service.references):
        bad("缺少参考文献", "it has no references")
    if not service.methods:
        bad("没有方法", "it has no methods")
    for m in service.methods.values():
        where = f"method {m.name}"
        if _blank(m.label, "zh") or _blank(m.label, "en"):
            bad(f"方法 {m.name} 缺少中文或英文名称", f"{where} lacks a Chinese or English label")
        if m.tier not in TIERS:
            bad(f"方法 {m.name} 的层级未知：{m.tier!r}", f"{where} has an unknown tier {m.tier!r}")
        if not m.references:
            bad(f"方法 {m.name} 缺少参考文献", f"{where} has no references")
        if not (callable(m.quantify) and callable(m.value)):
            bad(f"方法 {m.name} 的 quantify/value 不可调用", f"{where}: quantify and value must be callables")
        for k in m.coefficient_keys:
            if key_spec(k) is None:
                bad(f"方法 {m.name} 使用未声明的系数键 {k}", f"{where} uses the undeclared coefficient key {k}", value=k)
        if m.variant_of and (m.variant_of not in service.methods or service.methods[m.variant_of].variant_of):
            bad(f"方法 {m.name} 声称是 {m.variant_of} 的变体，但后者不是本服务的基础方法",
                f"{where} is a variant of {m.variant_of!r}, which is not a base method of the service")
    return out

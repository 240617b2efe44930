"""What the regulating services share: references, coefficient helpers, declaration helpers,
and the ``given`` path (physical quantities computed elsewhere)."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import xarray as xr

from ...errors import ConfigError, problem
from ...units import conversion_factor
from .._base import Method, Quantity, Service, register

__all__ = ["REGULATING", "REF_GARZE", "REF_BYD", "REF_BO", "REF_SPEC", "HM2_TO_M2", "allocate_cap", "quantity",
           "given_quantity", "declare", "method", "with_given", "record_method"]

REF_GARZE = ("白玛卓嘎, 肖燚, 欧阳志云, 王莉雁. 甘孜藏族自治州生态系统生产总值核算研究. 生态学报, 2017, "
             "37(19): 6302-6312.")
REF_BYD = "江波, 陈媛媛, 肖洋, 赵娟娟, 欧阳志云. 白洋淀湿地生态系统最终服务价值评估. 生态学报, 2017, 37(8)."
REF_BO = ("博文静, 王莉雁, 操建华, 王效科, 肖燚, 欧阳志云. 中国森林生态资产价值评估. 生态学报, 2017, 37(12): 4182-4190 "
          "(ChinaXiv:201706.00846) — RUSLE factors, NEP, climate regulation with COP 3.0.")
REF_SPEC = "《生态产品总值核算规范（试行）》发改基础〔2022〕481号; GB/T 46869—2025; DB33/T 2274—2025."

HM2_TO_M2 = 1e4

#: the regulating services, by id, in registration order
REGULATING: dict[str, Service] = {}


def allocate_cap(capacity: xr.DataArray, cap_total: float | None) -> xr.DataArray:
    """Cap a per-region capacity at a county total, shared in proportion to capacity.

    Elementwise over any other dimension (a ``draw`` of an uncertainty run: each draw capped on its own).
    """
    if cap_total is None:
        return capacity
    total = capacity.sum("region")
    capped = total > cap_total
    if not capped.any():
        return capacity
    return xr.where(capped, capacity * (cap_total / total.where(capped, 1.0)), capacity)


def quantity(data: xr.DataArray, unit: str, components=None) -> Quantity:
    """A :class:`Quantity` in ``unit`` (optionally with named parts)."""
    return Quantity(data=data.assign_attrs(units=unit), components=components or {})


def given_quantity(service_id: str, unit: str):
    """``quantify`` for the given path: read ``[inputs] physical`` rows of this service."""

    def quantify(ctx, params: Mapping) -> Quantity:
        table = ctx.physical
        if table is None:
            raise ConfigError(problem(
                "missing_input", f"服务 {service_id} 的 given 方法需要 [inputs] physical",
                f"the given method of {service_id} needs [inputs] physical (region, service, quantity, unit)"))
        rows = table[table["service"] == service_id]
        data = xr.DataArray(np.zeros(len(ctx.regions)), dims=("region",), coords={"region": ctx.regions})
        trace = []
        for _, r in rows.iterrows():
            factor = conversion_factor(str(r["unit"]), unit)
            data.loc[r["region"]] += float(r["quantity"]) * factor
            trace.append({"key": f"given.{service_id}", "value": float(r["quantity"]), "unit": str(r["unit"]),
                          "source": str(r.get("source", "") or "physical table"), "for_region": r["region"],
                          "row": int(r["_row"])})
        return Quantity(data=data.assign_attrs(units=unit), trace=trace)

    return quantify


def declare(*, id, zh, en, unit, pzh, pen, methods: dict, default, refs, dzh, den):
    """Declare and register a regulating service."""
    svc = Service(id=id, category="regulating", label={"zh": zh, "en": en}, physical_unit=unit,
                  physical_label={"zh": pzh, "en": pen}, methods=methods, default_method=default,
                  references=refs, description={"zh": dzh, "en": den}, family="gep")
    REGULATING[id] = register(svc)
    return svc


def method(name, zh, en, tier, quantify, value, *, inputs=(), keys=(), vzh="", ven="", refs=(), variant_of="",
           formula=""):
    """A :class:`Method` from its parts (labels, tier, steps, inputs, keys, valuation label, references,
    the method it is a published variant of, its formula)."""
    return Method(name=name, label={"zh": zh, "en": en}, tier=tier, quantify=quantify, value=value,
                  inputs=tuple(inputs), coefficient_keys=tuple(keys), valuation={"zh": vzh, "en": ven},
                  references=tuple(refs), variant_of=variant_of, formula=formula)


def record_method(ctx, service: str, method_name: str, formula: str, source: str) -> None:
    """Put the method (variant) that computed a service, with its formula and source, in the provenance."""
    ctx.trace.append({"service": service, "key": f"method.{service}", "value": method_name, "unit": "",
                      "note": formula, "source": source})


def with_given(methods: dict, service_id: str, unit: str, value_fn, keys) -> dict:
    """Add the ``given`` method (physical quantity from ``[inputs] physical``) valued like the first method."""
    methods["given"] = method("given", "给定实物量", "given physical quantity", "given",
                               given_quantity(service_id, unit), value_fn, inputs=("physical",), keys=keys,
                               vzh=next(iter(methods.values())).valuation["zh"],
                               ven=next(iter(methods.values())).valuation["en"],
                               refs=next(iter(methods.values())).references)
    return methods

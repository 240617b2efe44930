"""Water and air purification (水质净化 / 空气净化): per-area removal capped at emissions, valued at treatment cost."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...compute import regulating as R
from ...compute import valuation as V
from ...errors import ConfigError, MissingCoefficient, problem
from ...units import conversion_factor
from .._base import Quantity
from ..rates import per_ecosystem, scalar, statistic
from ._common import REF_GARZE, REF_SPEC, allocate_cap, declare, method, quantity

POLLUTANTS = {
    "water_purification": (("wetland", "water"), {
        "cod": ("rate.cod_purification", "cod_emission", "price.cod", "COD"),
        "nh3n": ("rate.nh3n_purification", "nh3n_emission", "price.nh3n", "氨氮 NH₃-N"),
        "tp": ("rate.tp_purification", "tp_emission", "price.tp", "总磷 TP"),
    }),
    "air_purification": (("forest", "grassland"), {
        "so2": ("rate.so2_absorption", "so2_emission", "price.so2", "SO₂"),
        "nox": ("rate.nox_absorption", "nox_emission", "price.nox", "NOx"),
        "dust": ("rate.dust_retention", "dust_emission", "price.dust", "粉尘 dust"),
    }),
}


def _make_purification(sid: str):
    groups, pollutants = POLLUTANTS[sid]

    def quantify(ctx, params) -> Quantity:
        areas = ctx.require_areas(sid)
        comps = {}
        total = None
        for name, (rate_key, stat, _, _) in pollutants.items():
            if not _has_any(ctx, rate_key):
                continue
            rate = per_ecosystem(ctx, rate_key, "t/(hm²*a)", groups, sid)
            capacity = R.purification_capacity(rate, areas).sum("ecosystem") * 1.0  # t/a per region
            cap = statistic(ctx, stat, "t", sid, required=False)
            if cap is None:
                ctx.trace.append({"service": sid, "key": f"statistic.{stat}", "value": "not given",
                                  "source": "no emission statistic: purification capacity counted without a cap"})
            capped = allocate_cap(capacity, cap)
            comps[name] = capped
            total = capped if total is None else total + capped
        if total is None:
            raise MissingCoefficient(problem(
                "missing_coefficient", f"服务 {sid}：系数集中没有任何污染物净化速率",
                f"service {sid}: the coefficient set has no purification rate for any pollutant",
                hint_zh="在县级系数集中补充 " + "/".join(v[0] for v in pollutants.values()),
                hint_en="add " + " / ".join(v[0] for v in pollutants.values()) + " to a county set"))
        return Quantity(data=total.assign_attrs(units="t"), components=comps)

    def value(ctx, physical: Quantity, params) -> Quantity:
        out = None
        parts = {}
        for name, q in physical.components.items():
            price = scalar(ctx, pollutants[name][2], "元/t", sid)
            parts[name] = ctx.priced(V.avoided_cost, q, price, service=sid, part=name)
            out = parts[name] if out is None else out + parts[name]
        return quantity(out, "元", parts)

    return quantify, value


def _has_any(ctx, key: str) -> bool:
    return bool(ctx.coefficients.ecosystems_for(key)) or ctx.coefficients.has(key)


def _given_purification(sid: str):
    """Given quantities of a purification service: rows ``service = <sid>`` with a ``component``
    column naming the pollutant (e.g. ``cod``, ``so2``)."""
    pollutants = POLLUTANTS[sid][1]

    def quantify(ctx, params) -> Quantity:
        table = ctx.physical
        if table is None:
            raise ConfigError(problem("missing_input", f"服务 {sid} 的 given 方法需要 [inputs] physical",
                                      f"the given method of {sid} needs [inputs] physical"))
        rows = table[table["service"] == sid]
        comps = {}
        for _, r in rows.iterrows():
            comp = str(r.get("component", "") or "")
            if comp not in pollutants:
                raise ConfigError(problem(
                    "unknown_component", f"{sid} 的给定实物量需要 component 列（{', '.join(pollutants)}），实为 {comp!r}",
                    f"given quantities of {sid} need a component column ({', '.join(pollutants)}); got {comp!r}",
                    row=int(r["_row"]), column="component", value=comp))
            q = comps.setdefault(comp, xr.DataArray(np.zeros(len(ctx.regions)), dims=("region",),
                                                    coords={"region": ctx.regions}))
            q.loc[r["region"]] += float(r["quantity"]) * conversion_factor(str(r["unit"]), "t")
        total = sum(comps.values()) if comps else xr.DataArray(np.zeros(len(ctx.regions)), dims=("region",),
                                                              coords={"region": ctx.regions})
        return Quantity(data=total.assign_attrs(units="t"), components=comps)

    return quantify


for _sid, _zh, _en, _pzh, _pen in (
        ("water_purification", "水质净化", "Water purification", "污染物净化量（COD、氨氮、总磷）",
         "pollutants removed (COD, NH₃-N, TP)"),
        ("air_purification", "空气净化", "Air purification", "污染物净化量（SO₂、NOx、粉尘）",
         "pollutants removed (SO₂, NOx, dust)")):
    _qf, _vf = _make_purification(_sid)
    _keys = tuple(k for v in POLLUTANTS[_sid][1].values() for k in (v[0], v[2]))
    declare(
        id=_sid, zh=_zh, en=_en, unit="t", pzh=_pzh, pen=_pen, default="tabular", refs=(REF_GARZE, REF_SPEC),
        dzh="单位面积净化量 × 面积，以区域排放量为上限；防治费用法",
        den="per-area removal × area, capped at the region's emissions; valued at treatment cost",
        methods={
            "tabular": method("tabular", "单位面积净化能力（以排放量封顶）", "per-area capacity capped at emissions",
                               "tabular", _qf, _vf, inputs=("land_use", "economy:emissions"), keys=_keys,
                               vzh="防治费用法", ven="avoided treatment cost", refs=(REF_GARZE,)),
            "given": method("given", "给定实物量（分污染物）", "given physical quantity by pollutant", "given",
                             _given_purification(_sid), _vf, inputs=("physical",),
                             keys=tuple(v[2] for v in POLLUTANTS[_sid][1].values()),
                             vzh="防治费用法", ven="avoided treatment cost", refs=(REF_GARZE,)),
        },
    )

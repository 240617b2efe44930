"""Regulating services (调节服务) the way the GEP standards compute them.

Each service first measures a physical quantity (功能量) per region, then prices
it (价值量). Three ways in:

``tabular`` (tier 2)
    ecosystem area per region × per-area rates (coefficient set, by ecosystem
    type), with regional climate/soil factors resolved per region and regional
    statistics (emissions, reservoir capacity, coastline) from the account's
    ``economy`` table.
``spatial`` (tier 3)
    per-pixel models on rasters of one grid, summed by zone (township) with
    :func:`gep.compute.zonal.zonal_sum` (water balance, RUSLE, NPP).
``given``
    physical quantities computed elsewhere (InVEST, a survey): the
    ``[inputs] physical`` table ``region, service, quantity, unit``.

Formulas: :mod:`gep.compute.regulating`; prices and parameters:
coefficient sets (``cn-rcees`` and sets extending it). Each service declares
the ecosystem groups it applies to; an applicable ecosystem type with area but
no coefficient row is an error (never a silent zero).

References
----------
白玛卓嘎, 肖燚, 欧阳志云, 王莉雁 (2017). 甘孜藏族自治州生态系统生产总值核算研究.
生态学报 37(19): 6302-6312 -- formulas (1)-(10) and table 3 prices.
江波 et al. (2017). 白洋淀湿地生态系统最终服务价值评估. 生态学报 37(8).
GB/T 46869—2025; 《生态产品总值核算规范（试行）》 (发改基础〔2022〕481号);
DB33/T 2274—2025 (service list).
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import xarray as xr

from ..classifications import ecosystem_types
from ..compute import regulating as R
from ..errors import ConfigError, MissingCoefficient, problem
from ..units import conversion_factor
from ._base import Method, Quantity, Service, register

__all__ = ["REGULATING", "given_quantity"]

REF_GARZE = ("白玛卓嘎, 肖燚, 欧阳志云, 王莉雁. 甘孜藏族自治州生态系统生产总值核算研究. 生态学报, 2017, "
             "37(19): 6302-6312.")
REF_BYD = "江波, 陈媛媛, 肖洋, 赵娟娟, 欧阳志云. 白洋淀湿地生态系统最终服务价值评估. 生态学报, 2017, 37(8)."
REF_BO = "博文静 et al. 2017 (ChinaXiv:201706.00846) — RUSLE factors, NEP, climate regulation with COP 3.0."
REF_SPEC = "《生态产品总值核算规范（试行）》发改基础〔2022〕481号; GB/T 46869—2025; DB33/T 2274—2025."

HM2_TO_M2 = 1e4


# --------------------------------------------------------------------- helpers
def _types_in(groups) -> list[str]:
    return [t for t, spec in ecosystem_types().items() if spec.group in groups]


def _per_ecosystem(ctx, key: str, unit: str, groups, service: str, *, by_region: bool = True) -> xr.DataArray:
    """A per-area rate by ecosystem type, for the applicable types that have area.

    Types outside ``groups`` get 0. An applicable type with area but no
    coefficient row raises :class:`MissingCoefficient` naming service and type.
    When the coefficient set has township rows for ``key`` (and ``by_region``),
    the rate is resolved per region as well: dims ``(region, ecosystem)``.
    """
    areas = ctx.require_areas(service)
    applicable = set(_types_in(groups))
    present = areas.sum("region")
    ecosystems = list(map(str, areas.ecosystem.values))
    regional = by_region and ctx.has_regional_rows(key)
    targets = ctx.regions if regional else [None]
    values = np.zeros((len(targets), len(ecosystems)))
    missing = []
    for j, eco in enumerate(ecosystems):
        if eco not in applicable:
            continue
        for i, reg in enumerate(targets):
            try:
                values[i, j] = ctx.coef(key, ecosystem=eco, region=reg, service=service).to(unit)
            except MissingCoefficient:
                if float(present.sel(ecosystem=eco)) > 0 and eco not in missing:
                    missing.append(eco)
    if missing:
        raise MissingCoefficient([problem(
            "missing_coefficient",
            f"服务 {service} 缺少系数 {key}（生态系统 {eco}，面积 {float(present.sel(ecosystem=eco)):.2f} hm²）",
            f"service {service} has no coefficient {key} for ecosystem {eco} ({float(present.sel(ecosystem=eco)):.2f} hm²)",
            value=f"{key}/{eco}", hint_zh="在县级系数集中补充该行（注明来源），或选择其他方法",
            hint_en="add the row (with its source) to a county coefficient set, or choose another method")
            for eco in missing])
    if regional:
        return xr.DataArray(values, dims=("region", "ecosystem"), coords={"region": ctx.regions, "ecosystem": ecosystems},
                            attrs={"units": unit})
    return xr.DataArray(values[0], dims=("ecosystem",), coords={"ecosystem": ecosystems}, attrs={"units": unit})


def _regional(ctx, key: str, unit: str, service: str) -> xr.DataArray:
    """A per-region factor (township rows win over county rows)."""
    return ctx.coef_by_region(key, unit, service=service)


def _statistic(ctx, indicator: str, unit: str, service: str, required: bool = True) -> float | None:
    """A county statistic from the economy table, converted to ``unit``."""
    econ = ctx.economy
    if econ is not None:
        hit = econ[econ["indicator"] == indicator]
        if not hit.empty:
            r = hit.iloc[0]
            value = float(r["value_canonical"]) * conversion_factor(r["canonical_unit"], unit)
            ctx.trace.append({"service": service, "key": f"statistic.{indicator}", "value": value, "unit": unit,
                              "source": r["source"], "status": r["status"]})
            return value
    if required:
        raise ConfigError(problem(
            "missing_statistic", f"服务 {service} 需要统计指标 {indicator}（经济/统计表 [inputs] economy）",
            f"service {service} needs the statistic {indicator} in the economy table ([inputs] economy)",
            value=indicator, hint_zh=f"在 economy 表中加一行 {indicator}，注明单位与来源",
            hint_en=f"add a row {indicator} with its unit and source to the economy table"))
    return None


def _allocate_cap(capacity: xr.DataArray, cap_total: float | None) -> xr.DataArray:
    """Cap a per-region capacity at a county total, shared in proportion to capacity."""
    if cap_total is None:
        return capacity
    total = float(capacity.sum())
    if total <= cap_total or total == 0:
        return capacity
    return capacity * (cap_total / total)


def _q(data: xr.DataArray, unit: str, components=None) -> Quantity:
    return Quantity(data=data.assign_attrs(units=unit), components=components or {})


def _price(ctx, key: str, unit: str, service: str) -> float:
    return ctx.coef(key, service=service).to(unit)


# ------------------------------------------------------------- given quantities
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


# ===================================================================== services
REGULATING: dict[str, Service] = {}


def _declare(*, id, zh, en, unit, pzh, pen, methods: dict, default, refs, dzh, den):
    svc = Service(id=id, category="regulating", label={"zh": zh, "en": en}, physical_unit=unit,
                  physical_label={"zh": pzh, "en": pen}, methods=methods, default_method=default,
                  references=refs, description={"zh": dzh, "en": den}, family="gep")
    REGULATING[id] = register(svc)
    return svc


def _method(name, zh, en, tier, quantify, value, *, inputs=(), keys=(), vzh="", ven="", refs=()):
    return Method(name=name, label={"zh": zh, "en": en}, tier=tier, quantify=quantify, value=value,
                  inputs=tuple(inputs), coefficient_keys=tuple(keys), valuation={"zh": vzh, "en": ven},
                  references=tuple(refs))


def _with_given(methods: dict, service_id: str, unit: str, value_fn, keys) -> dict:
    methods["given"] = _method("given", "给定实物量", "given physical quantity", "given",
                               given_quantity(service_id, unit), value_fn, inputs=("physical",), keys=keys,
                               vzh=next(iter(methods.values())).valuation["zh"],
                               ven=next(iter(methods.values())).valuation["en"],
                               refs=next(iter(methods.values())).references)
    return methods


def _spatial_zonal(ctx, service: str, per_pixel: Callable, unit: str, per_hm2: bool, layers) -> xr.DataArray:
    """Sum a per-pixel quantity by zone; ``per_hm2`` multiplies by pixel area in hm²."""
    from ..io.spatial import zonal_total

    return zonal_total(ctx, service, per_pixel, unit, per_hm2=per_hm2, layers=layers)


# ----------------------------------------------------------- water conservation
WATER_GROUPS = ("forest", "grassland", "wetland")


def _wc_value(ctx, physical: Quantity, params) -> Quantity:
    p = _price(ctx, "price.water_storage", "元/m³", "water_conservation")
    return _q(physical.data * p, "元")


def _wc_tabular(ctx, params) -> Quantity:
    sid = "water_conservation"
    areas = ctx.require_areas(sid)
    precip = _regional(ctx, "climate.precipitation", "mm", sid)
    alpha = _per_ecosystem(ctx, "rate.runoff_coefficient", "1", WATER_GROUPS, sid)
    et = _per_ecosystem(ctx, "rate.evapotranspiration", "mm", WATER_GROUPS, sid)
    mask = xr.DataArray([e in _types_in(WATER_GROUPS) for e in areas.ecosystem.values], dims=("ecosystem",),
                        coords={"ecosystem": areas.ecosystem.values})
    runoff = R.runoff_from_coefficient(precip, alpha)
    q = R.water_conservation_volume(precip, runoff, et, areas * HM2_TO_M2).where(mask, 0.0)
    return _q(q.transpose("region", "ecosystem"), "m³")


def _wc_spatial(ctx, params) -> Quantity:
    def per_pixel(layers):
        alpha = layers["runoff_coefficient"]
        return R.water_conservation_volume(layers["precipitation"], R.runoff_from_coefficient(layers["precipitation"], alpha),
                                           layers["evapotranspiration"], 1.0)  # mm → m³ per m² of pixel

    data = _spatial_zonal(ctx, "water_conservation", per_pixel, "m³", per_hm2=False,
                          layers=["precipitation", "evapotranspiration", "runoff_coefficient"])
    return _q(data, "m³")


_declare(
    id="water_conservation", zh="水源涵养", en="Water conservation", unit="m³",
    pzh="水源涵养量", pen="water retained", default="tabular", refs=(REF_GARZE, REF_SPEC),
    dzh="水量平衡法 Q = Σ(P − R − ET)·A，R = P·α；影子工程法（水库单位库容造价）",
    den="water balance Q = Σ(P − R − ET)·A with R = P·α; valued at reservoir construction cost per m³",
    methods=_with_given({
        "tabular": _method("tabular", "水量平衡（按生态系统类型）", "water balance by ecosystem type", "tabular",
                           _wc_tabular, _wc_value, inputs=("land_use",),
                           keys=("climate.precipitation", "rate.runoff_coefficient", "rate.evapotranspiration",
                                 "price.water_storage"), vzh="影子工程法", ven="shadow project (reservoir cost)",
                           refs=(REF_GARZE,)),
        "spatial": _method("spatial", "水量平衡（逐像元）", "water balance per pixel", "spatial",
                           _wc_spatial, _wc_value,
                           inputs=("raster:land_use", "raster:zones", "raster:precipitation", "raster:evapotranspiration"),
                           keys=("rate.runoff_coefficient", "price.water_storage"), vzh="影子工程法",
                           ven="shadow project (reservoir cost)", refs=(REF_GARZE,)),
    }, "water_conservation", "m³", _wc_value, ("price.water_storage",)),
)

# ----------------------------------------------------------------- soil retention
SOIL_GROUPS = ("forest", "grassland", "farmland")


def _sr_value(ctx, physical: Quantity, params) -> Quantity:
    sid = "soil_retention"
    lam = _price(ctx, "param.sediment_ratio", "1", sid)
    rho = _price(ctx, "param.soil_bulk_density", "t/m³", sid)
    dredge = _price(ctx, "price.dredging", "元/m³", sid)
    cn = _price(ctx, "param.soil_n_content", "1", sid)
    cp = _price(ctx, "param.soil_p_content", "1", sid)
    pn = _price(ctx, "price.n_removal", "元/t", sid)
    pp = _price(ctx, "price.p_removal", "元/t", sid)
    a = physical.data
    sediment = R.sediment_volume(a, lam, rho) * dredge
    nitrogen = R.nutrient_retained(a, cn) * pn
    phosphorus = R.nutrient_retained(a, cp) * pp
    return _q(sediment + nitrogen + phosphorus, "元",
              {"sediment": sediment, "nitrogen": nitrogen, "phosphorus": phosphorus})


def _sr_tabular(ctx, params) -> Quantity:
    sid = "soil_retention"
    areas = ctx.require_areas(sid)
    r = _regional(ctx, "soil.rainfall_erosivity", "MJ*mm/(hm²*h*a)", sid)
    k = _regional(ctx, "soil.erodibility", "t*hm²*h/(hm²*MJ*mm)", sid)
    ls = _regional(ctx, "terrain.ls_factor", "1", sid)
    c = _per_ecosystem(ctx, "rate.rusle_c", "1", SOIL_GROUPS, sid)
    p = _per_ecosystem(ctx, "rate.rusle_p", "1", SOIL_GROUPS, sid)
    mask = xr.DataArray([e in _types_in(SOIL_GROUPS) for e in areas.ecosystem.values], dims=("ecosystem",),
                        coords={"ecosystem": areas.ecosystem.values})
    per_hm2 = R.soil_retention(r, k, ls, c, p)  # t/(hm²·a)
    return _q((per_hm2 * areas).where(mask, 0.0).transpose("region", "ecosystem"), "t")


def _sr_spatial(ctx, params) -> Quantity:
    def per_pixel(layers):
        return R.soil_retention(layers["rainfall_erosivity"], layers["soil_erodibility"], layers["ls_factor"],
                                layers["rusle_c"], layers["rusle_p"])

    return _q(_spatial_zonal(ctx, "soil_retention", per_pixel, "t", per_hm2=True,
                             layers=["rainfall_erosivity", "soil_erodibility", "ls_factor", "rusle_c", "rusle_p"]), "t")


_SR_KEYS = ("param.sediment_ratio", "param.soil_bulk_density", "price.dredging", "param.soil_n_content",
            "param.soil_p_content", "price.n_removal", "price.p_removal")
_declare(
    id="soil_retention", zh="土壤保持", en="Soil retention", unit="t",
    pzh="土壤保持量", pen="soil retained", default="tabular", refs=(REF_GARZE, REF_BO, REF_SPEC),
    dzh="RUSLE 潜在侵蚀 − 实际侵蚀；减少泥沙淤积 λ·A/ρ·清淤成本 + 减少氮磷面源污染",
    den="RUSLE potential − actual erosion; valued as avoided reservoir sediment λ·A/ρ × dredging cost plus avoided N and P",
    methods=_with_given({
        "tabular": _method("tabular", "RUSLE（区域因子 × 生态系统 C、P）", "RUSLE with regional factors and C, P by ecosystem",
                           "tabular", _sr_tabular, _sr_value, inputs=("land_use",),
                           keys=("soil.rainfall_erosivity", "soil.erodibility", "terrain.ls_factor", "rate.rusle_c",
                                 "rate.rusle_p") + _SR_KEYS, vzh="替代成本法", ven="replacement cost",
                           refs=(REF_GARZE, REF_BO)),
        "spatial": _method("spatial", "RUSLE（逐像元）", "RUSLE per pixel", "spatial", _sr_spatial, _sr_value,
                           inputs=("raster:zones", "raster:rainfall_erosivity", "raster:soil_erodibility",
                                   "raster:ls_factor", "raster:land_use"),
                           keys=("rate.rusle_c", "rate.rusle_p") + _SR_KEYS, vzh="替代成本法", ven="replacement cost",
                           refs=(REF_GARZE, REF_BO)),
    }, "soil_retention", "t", _sr_value, _SR_KEYS),
)

# -------------------------------------------------------------- flood regulation


def _fr_tabular(ctx, params) -> Quantity:
    sid = "flood_regulation"
    areas = ctx.require_areas(sid)
    regions = ctx.regions
    capacity = _statistic(ctx, "reservoir_capacity", "m³", sid, required=False)
    reservoir = xr.DataArray(np.zeros(len(regions)), dims=("region",), coords={"region": regions})
    if capacity:
        ratio = _price(ctx, "param.reservoir_flood_ratio", "1", sid)
        water = areas.sel(ecosystem="water") if "water" in areas.ecosystem else reservoir
        if float(water.sum()) > 0:
            share = water / float(water.sum())
        else:
            share = xr.full_like(reservoir, 1 / len(regions))
            ctx.trace.append({"service": sid, "key": "allocation.reservoir_capacity", "value": "equal shares",
                              "source": "no water area in the land use: reservoir capacity shared equally"})
        reservoir = R.reservoir_flood_storage(capacity, ratio) * share
    depth = _price(ctx, "param.marsh_storage_depth", "m", sid)
    marsh_km2 = areas.sel(ecosystem="wetland") / 100.0 if "wetland" in areas.ecosystem else reservoir * 0
    marsh = R.marsh_flood_storage(marsh_km2, depth)
    total = reservoir + marsh
    return _q(total, "m³", {"reservoir": reservoir, "marsh": marsh})


_declare(
    id="flood_regulation", zh="洪水调蓄", en="Flood regulation", unit="m³",
    pzh="洪水调蓄量", pen="flood water stored", default="tabular", refs=(REF_GARZE, REF_BYD, REF_SPEC),
    dzh="水库 C = 0.35·总库容；沼泽 C = h·S；影子工程法",
    den="reservoirs C = 0.35 × total capacity (allocated by water area); marshes C = depth × area; valued at reservoir cost",
    methods=_with_given({
        "tabular": _method("tabular", "水库库容与沼泽面积", "reservoir capacity and marsh area", "tabular",
                           _fr_tabular, _wc_value, inputs=("land_use", "economy:reservoir_capacity"),
                           keys=("param.reservoir_flood_ratio", "param.marsh_storage_depth", "price.water_storage"),
                           vzh="影子工程法", ven="shadow project (reservoir cost)", refs=(REF_GARZE,)),
    }, "flood_regulation", "m³", _wc_value, ("price.water_storage",)),
)

# ------------------------------------------------------ water and air purification
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
            rate = _per_ecosystem(ctx, rate_key, "t/(hm²*a)", groups, sid)
            capacity = R.purification_capacity(rate, areas).sum("ecosystem") * 1.0  # t/a per region
            cap = _statistic(ctx, stat, "t", sid, required=False)
            if cap is None:
                ctx.trace.append({"service": sid, "key": f"statistic.{stat}", "value": "not given",
                                  "source": "no emission statistic: purification capacity counted without a cap"})
            capped = _allocate_cap(capacity, cap)
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
            price = _price(ctx, pollutants[name][2], "元/t", sid)
            parts[name] = q * price
            out = parts[name] if out is None else out + parts[name]
        return _q(out, "元", parts)

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
    _declare(
        id=_sid, zh=_zh, en=_en, unit="t", pzh=_pzh, pen=_pen, default="tabular", refs=(REF_GARZE, REF_SPEC),
        dzh="单位面积净化量 × 面积，以区域排放量为上限；防治费用法",
        den="per-area removal × area, capped at the region's emissions; valued at treatment cost",
        methods={
            "tabular": _method("tabular", "单位面积净化能力（以排放量封顶）", "per-area capacity capped at emissions",
                               "tabular", _qf, _vf, inputs=("land_use", "economy:emissions"), keys=_keys,
                               vzh="防治费用法", ven="avoided treatment cost", refs=(REF_GARZE,)),
            "given": _method("given", "给定实物量（分污染物）", "given physical quantity by pollutant", "given",
                             _given_purification(_sid), _vf, inputs=("physical",),
                             keys=tuple(v[2] for v in POLLUTANTS[_sid][1].values()),
                             vzh="防治费用法", ven="avoided treatment cost", refs=(REF_GARZE,)),
        },
    )


# ------------------------------------------------------------- carbon and oxygen
NPP_GROUPS = ("forest", "grassland", "farmland", "wetland")


def _npp_tabular(ctx, sid) -> xr.DataArray:
    areas = ctx.require_areas(sid)
    npp = _per_ecosystem(ctx, "rate.npp", "t/(hm²*a)", NPP_GROUPS, sid)
    return (npp * areas).transpose("region", "ecosystem")  # t dry matter / a


def _npp_spatial(ctx, sid) -> xr.DataArray:
    """NPP summed over the pixels of the ecosystems that fix carbon (as the tabular method)."""
    from ..io.spatial import group_mask

    mask = group_mask(ctx, NPP_GROUPS)
    return _spatial_zonal(ctx, sid, lambda layers: layers["npp"] * mask.data, "t", per_hm2=True, layers=["npp"])


def _carbon_q(source):
    def quantify(ctx, params) -> Quantity:
        npp = source(ctx, "carbon_sequestration")
        return _q(R.co2_from_npp(npp), "t")
    return quantify


#: carbon price keys: key -> factor to 元 per t CO₂ (a price per t C applies to 12/44 of the CO₂ mass)
CARBON_PRICE_KEYS = (("price.co2", 1.0), ("price.carbon_afforestation", 12.0 / 44.0))


def _carbon_price(ctx, sid: str) -> float:
    """Price per t CO₂: ``price.co2``, or ``price.carbon_afforestation`` (per t C) × 12/44.

    When both resolve, the row of the more specific set (earlier in the ``extends``
    chain) wins, so a county set that prices carbon per t C is not overridden by the
    per-t-CO₂ price of the set it extends; within one set ``price.co2`` wins.
    """
    chain = list(ctx.coefficients.chain)
    found = []
    for key, factor in CARBON_PRICE_KEYS:
        try:
            res = ctx.coefficients.resolve(key, regions=ctx.resolution_chain["__root__"], year=ctx.year)
        except MissingCoefficient:
            continue
        found.append((chain.index(res.set_id) if res.set_id in chain else len(chain), key, factor))
    if not found:
        raise MissingCoefficient(problem(
            "missing_coefficient", f"服务 {sid} 缺少碳价：price.co2（元/t CO₂）或 price.carbon_afforestation（元/t C）",
            f"service {sid} needs a carbon price: price.co2 (元/t CO₂) or price.carbon_afforestation (元/t C)",
            value="price.co2", hint_zh="在县级系数集中补充其中一行（注明来源）",
            hint_en="add one of them (with its source) to a county set"))
    _, key, factor = min(found, key=lambda f: f[0])
    return _price(ctx, key, "元/t", sid) * factor


def _carbon_value(ctx, physical: Quantity, params) -> Quantity:
    return _q(physical.data * _carbon_price(ctx, "carbon_sequestration"), "元")


def _oxygen_q(source):
    def quantify(ctx, params) -> Quantity:
        return _q(R.o2_from_npp(source(ctx, "oxygen_release")), "t")
    return quantify


def _oxygen_value(ctx, physical: Quantity, params) -> Quantity:
    return _q(physical.data * _price(ctx, "price.oxygen", "元/t", "oxygen_release"), "元")


_declare(
    id="carbon_sequestration", zh="固碳", en="Carbon sequestration", unit="t",
    pzh="固定二氧化碳量", pen="CO₂ fixed", default="tabular", refs=(REF_BYD, REF_GARZE, REF_SPEC),
    dzh="光合作用方程：每 kg 干物质固定 1.63 kg CO₂；造林成本法或碳价",
    den="photosynthesis: 1.63 kg CO₂ per kg dry matter (NPP); valued at afforestation cost or carbon price",
    methods=_with_given({
        "tabular": _method("tabular", "NPP × 面积（按生态系统类型）", "NPP by ecosystem type × area", "tabular",
                           _carbon_q(_npp_tabular), _carbon_value, inputs=("land_use",), keys=("rate.npp", "price.co2"),
                           vzh="造林成本法/碳价", ven="afforestation cost or carbon price", refs=(REF_BYD,)),
        "spatial": _method("spatial", "NPP 栅格", "NPP raster", "spatial", _carbon_q(_npp_spatial), _carbon_value,
                           inputs=("raster:npp", "raster:zones"), keys=("price.co2",),
                           vzh="造林成本法/碳价", ven="afforestation cost or carbon price", refs=(REF_BYD,)),
    }, "carbon_sequestration", "t", _carbon_value, ("price.co2",)),
)
_declare(
    id="oxygen_release", zh="释氧", en="Oxygen release", unit="t",
    pzh="释放氧气量", pen="O₂ released", default="tabular", refs=(REF_BYD, REF_GARZE),
    dzh="光合作用方程：每 kg 干物质释放 1.2 kg O₂；工业制氧法",
    den="photosynthesis: 1.2 kg O₂ per kg dry matter (NPP); valued at the industrial oxygen price",
    methods=_with_given({
        "tabular": _method("tabular", "NPP × 面积（按生态系统类型）", "NPP by ecosystem type × area", "tabular",
                           _oxygen_q(_npp_tabular), _oxygen_value, inputs=("land_use",),
                           keys=("rate.npp", "price.oxygen"), vzh="工业制氧法", ven="industrial oxygen price",
                           refs=(REF_BYD,)),
        "spatial": _method("spatial", "NPP 栅格", "NPP raster", "spatial", _oxygen_q(_npp_spatial), _oxygen_value,
                           inputs=("raster:npp", "raster:zones"), keys=("price.oxygen",), vzh="工业制氧法",
                           ven="industrial oxygen price", refs=(REF_BYD,)),
    }, "oxygen_release", "t", _oxygen_value, ("price.oxygen",)),
)

# ---------------------------------------------------------------- climate regulation
VEG_GROUPS = ("forest", "grassland")
EVAP_GROUPS = ("water", "wetland")


def _climate_q(ctx, params) -> Quantity:
    sid = "climate_regulation"
    areas = ctx.require_areas(sid)
    heat = _per_ecosystem(ctx, "rate.transpiration_heat", "kJ/(m²*d)", VEG_GROUPS, sid)
    days = _regional(ctx, "climate.cooling_days", "d", sid)
    cop = _price(ctx, "param.ac_cop", "1", sid)
    veg = R.vegetation_cooling_kwh(heat, areas * HM2_TO_M2, days, cop).sum("ecosystem")
    evap_mm = _per_ecosystem(ctx, "rate.water_evaporation", "mm", EVAP_GROUPS, sid)
    evap_m3 = (evap_mm * 1e-3 * areas * HM2_TO_M2).sum("ecosystem")
    latent = _price(ctx, "param.latent_heat", "J/g", sid)
    humid = _price(ctx, "param.humidifier_kwh", "kWh/m³", sid)
    water = R.water_evaporation_kwh(evap_m3, latent, humid)
    return _q(veg + water, "kWh", {"vegetation": veg, "water_surface": water})


def _climate_value(ctx, physical: Quantity, params) -> Quantity:
    return _q(physical.data * _price(ctx, "price.electricity", "元/kWh", "climate_regulation"), "元")


_declare(
    id="climate_regulation", zh="气候调节", en="Climate regulation", unit="kWh",
    pzh="蒸散降温增湿等效耗电量", pen="electricity equivalent of evapotranspiration cooling and humidifying",
    default="tabular", refs=(REF_BO, REF_GARZE, REF_SPEC),
    dzh="植被蒸腾：Σ 蒸腾耗热 × 面积 × 空调开放天数 /(3600 × 能效比)；水面蒸发：E·ρ·q/3600 + E·γ；替代成本法（电价）",
    den="vegetation: Σ transpiration heat × area × cooling days / (3600 × COP); water surface: E·ρ·q/3600 + E·γ; "
        "valued at the electricity price",
    methods=_with_given({
        "tabular": _method("tabular", "蒸腾与水面蒸发（按生态系统类型）", "transpiration and evaporation by ecosystem type",
                           "tabular", _climate_q, _climate_value, inputs=("land_use",),
                           keys=("rate.transpiration_heat", "climate.cooling_days", "param.ac_cop",
                                 "rate.water_evaporation", "param.latent_heat", "param.humidifier_kwh",
                                 "price.electricity"), vzh="替代成本法", ven="replacement cost (electricity)",
                           refs=(REF_BO,)),
    }, "climate_regulation", "kWh", _climate_value, ("price.electricity",)),
)

# -------------------------------------------------------------- coastal protection


def _coastal_q(ctx, params) -> Quantity:
    sid = "coastal_protection"
    length = _statistic(ctx, "coastline_length", "m", sid)
    areas = ctx.require_areas(sid)
    if length == 0:  # an inland region declares coastline_length = 0
        return _q(xr.zeros_like(areas.sum("ecosystem")), "m")
    flats = areas.sel(ecosystem="wetland") if "wetland" in areas.ecosystem else None
    if flats is None or float(flats.sum()) == 0:
        raise ConfigError(problem("no_coastal_ecosystem", "有岸线但没有滨海湿地面积，无法分配海岸带防护",
                                  "a coastline is given but no coastal wetland area to allocate it to"))
    return _q(length * flats / float(flats.sum()), "m")


def _coastal_value(ctx, physical: Quantity, params) -> Quantity:
    if float(abs(physical.data).sum()) == 0:
        return _q(physical.data * 0.0, "元")
    p = _price(ctx, "price.seawall", "元/m", "coastal_protection")
    life = _price(ctx, "param.seawall_lifetime", "a", "coastal_protection")
    return _q(R.coastal_protection_cost(physical.data, p) / life, "元")


_declare(
    id="coastal_protection", zh="海岸带防护", en="Coastal protection", unit="m",
    pzh="受生态系统防护的岸线长度", pen="shoreline protected by coastal ecosystems", default="tabular",
    refs=(REF_SPEC,),
    dzh="防护岸线长度 × 单位长度海堤造价 ÷ 使用年限（替代成本法）[方法未经核实]",
    den="protected shoreline × seawall cost per metre ÷ service life (replacement cost) [method unverified]",
    methods=_with_given({
        "tabular": _method("tabular", "岸线长度（按滨海湿地分配）", "coastline length allocated by coastal wetland",
                           "tabular", _coastal_q, _coastal_value, inputs=("land_use", "economy:coastline_length"),
                           keys=("price.seawall", "param.seawall_lifetime"), vzh="替代成本法",
                           ven="replacement cost (seawall)", refs=(REF_SPEC,)),
    }, "coastal_protection", "m", _coastal_value, ("price.seawall", "param.seawall_lifetime")),
)

# ---------------------------------------------------------------- sand fixation


def _sand_value(ctx, physical: Quantity, params) -> Quantity:
    sid = "sand_fixation"
    rho = _price(ctx, "param.sand_bulk_density", "t/m³", sid)
    h = _price(ctx, "param.sand_thickness", "m", sid)
    cost = _price(ctx, "price.sand_control", "元/m²", sid)
    return _q(R.sand_fixation_area_m2(physical.data, rho, h) * cost, "元")


def _sand_spatial(ctx, params) -> Quantity:
    def per_pixel(layers):
        z = layers["downwind_length"]
        factors = [layers[k] for k in ("weather_factor", "erodible_fraction", "crust_factor", "roughness_factor")]
        q_pot = R.rweq_qmax(*factors, c=1.0)
        s_pot = R.rweq_critical_length(*factors, c=1.0)
        q_act = R.rweq_qmax(*factors, c=layers["vegetation_factor"])
        s_act = R.rweq_critical_length(*factors, c=layers["vegetation_factor"])
        return R.rweq_loss(z, q_pot, s_pot) - R.rweq_loss(z, q_act, s_act)  # kg/m² → t/hm² ×10

    data = _spatial_zonal(ctx, "sand_fixation", lambda L: per_pixel(L) * 10.0, "t", per_hm2=True,
                          layers=["weather_factor", "erodible_fraction", "crust_factor", "roughness_factor",
                                  "vegetation_factor", "downwind_length"])
    return _q(data, "t")


_declare(
    id="sand_fixation", zh="防风固沙", en="Sand fixation", unit="t",
    pzh="防风固沙量", pen="soil kept from wind erosion", default="given", refs=(REF_GARZE, REF_SPEC),
    dzh="RWEQ 潜在风蚀 − 实际风蚀；治沙工程成本 × 固沙量/(ρ·h)",
    den="RWEQ potential − actual wind erosion; valued at sand-control cost per m² of mass/(ρ·h)",
    methods={
        "given": _method("given", "给定实物量", "given physical quantity", "given",
                         given_quantity("sand_fixation", "t"), _sand_value, inputs=("physical",),
                         keys=("param.sand_bulk_density", "param.sand_thickness", "price.sand_control"),
                         vzh="替代成本法", ven="replacement cost (sand control)", refs=(REF_GARZE,)),
        "spatial": _method("spatial", "RWEQ（逐像元）", "RWEQ per pixel", "spatial", _sand_spatial, _sand_value,
                           inputs=("raster:zones", "raster:weather_factor", "raster:erodible_fraction",
                                   "raster:crust_factor", "raster:roughness_factor", "raster:vegetation_factor"),
                           keys=("param.sand_bulk_density", "param.sand_thickness", "price.sand_control"),
                           vzh="替代成本法", ven="replacement cost (sand control)", refs=(REF_GARZE,)),
    },
)

"""The account: config → ``validate()`` → ``run()`` → :class:`AccountResult`.

An :class:`Account` holds what one yearly account of one region tree needs:
the region table, land use (areas by region × ecosystem), optional statistics,
physical quantities given by the user and economy figures, a coefficient set
and a profile naming the services (and methods) to account. It can be built
from a TOML config (:meth:`Account.from_config`) or from in-memory pandas /
xarray objects (:meth:`Account.from_inputs`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
import xarray as xr

from . import services as _services  # noqa: F401  (registers services)
from .classifications import Scheme, areas_by_ecosystem, load_scheme
from .coefficients import CoefficientSet, load_coefficients
from .config import check_config, load_config, with_defaults
from .context import Context
from .errors import (
    ConfigError,
    GepError,
    InputFileError,
    Problem,
    UnknownRegion,
    problem,
)
from .regions import RegionTable
from .services import CATEGORIES, get_service
from .standards import load_profile

__all__ = ["Account", "AccountResult"]


def _combine(sets: list[CoefficientSet]) -> CoefficientSet:
    if len(sets) == 1:
        return sets[0]
    from .coefficients import _merge

    table = sets[0].table
    sources = dict(sets[0].sources)
    for s in sets[1:]:
        table = _merge(table, s.table)
        sources.update(s.sources)
    ident = "+".join(s.id for s in sets)
    return CoefficientSet(id=ident, manifest={"id": ident, "version": "+".join(s.version for s in sets)},
                          table=table.reset_index(drop=True), sources=sources,
                          chain=[c for s in sets for c in s.chain])


class Account:
    """One yearly GEP account of one region tree.

    Parameters
    ----------
    config : dict
        Parsed config (see ``docs/config.md``); inputs may be paths (resolved
        against ``base_dir``) or in-memory objects.
    base_dir : Path, optional
        Folder of the config file.
    """

    def __init__(self, config: Mapping, base_dir: str | Path | None = None, *, source: str = "<dict>"):
        self.source = source
        self.base_dir = Path(base_dir) if base_dir else Path.cwd()
        config = dict(config)
        if "years" in config or "years" in config.get("account", {}):
            from .config import for_year

            for problem_ in check_config(config, source):
                raise ConfigError(problem_)
            config = for_year(config, int(config["account"]["year"]))
        self.raw_config = copy.deepcopy(config)
        self.config = with_defaults(self.raw_config)
        self._loaded: dict[str, Any] | None = None
        #: keep the per-pixel quantity of every spatial method for map output (AccountResult.write_maps)
        self.maps = False
        self.input_hashes: dict[str, str] = {}

    # ----------------------------------------------------------- builders
    @classmethod
    def from_config(cls, path: str | Path) -> "Account":
        """Build an account from a TOML config file."""
        cfg, folder = load_config(path)
        return cls(cfg, folder, source=str(path))

    @classmethod
    def from_inputs(
        cls,
        *,
        name: Mapping[str, str] | str = "account",
        year: int,
        regions: pd.DataFrame | str | Path,
        land_use: pd.DataFrame | xr.DataArray | str | Path | None = None,
        scheme: str | Path | Scheme = "gbt21010-2017",
        coefficients: str | Path | CoefficientSet | list = "xie-2015",
        profile: str = "xie2015-gep",
        services: Mapping[str, str] | None = None,
        value_transfer: Mapping | None = None,
        indicators: Mapping | None = None,
        economy: pd.DataFrame | None = None,
        statistics: pd.DataFrame | None = None,
        physical: pd.DataFrame | None = None,
        region_code: str | None = None,
        prices: str = "current",
        area_tolerance: float = 0.001,
        sections: Mapping[str, Mapping] | None = None,
        base_dir: str | Path | None = None,
    ) -> "Account":
        """Build an account from in-memory objects (or paths).

        ``land_use`` may be a table (``region, code, area, unit``) or an
        xarray DataArray of areas with dims ``(region, ecosystem)`` and
        ``attrs["units"]`` (any area unit). ``sections`` holds any other config
        sections as dicts (``{"statistics": {...}, "cultural": {...},
        "allocation": {...}, "rasters": {...}, "prices": {...}}``); relative
        paths in them resolve against ``base_dir``.
        """
        if isinstance(name, str):
            name = {"zh": name, "en": name}
        cfg: dict[str, Any] = {
            "account": {"name": dict(name), "year": year, "profile": profile, "coefficients": coefficients,
                        "prices": prices, "area_tolerance": area_tolerance},
            "inputs": {"regions": regions, "scheme": scheme},
        }
        if region_code:
            cfg["account"]["region_code"] = region_code
        for key, val in (("land_use", land_use), ("economy", economy), ("statistics", statistics), ("physical", physical)):
            if val is not None:
                cfg["inputs"][key] = val
        if services:
            cfg["services"] = dict(services)
        if value_transfer:
            cfg["value_transfer"] = dict(value_transfer)
        if indicators:
            cfg["indicators"] = dict(indicators)
        for section, body in (sections or {}).items():
            cfg[section] = dict(body)
        return cls(cfg, base_dir, source="<in-memory>")

    # ------------------------------------------------------------ helpers
    @property
    def year(self) -> int:
        return int(self.config["account"]["year"])

    @property
    def name(self) -> dict:
        n = self.config["account"].get("name", {"zh": "", "en": ""})
        return dict(n) if isinstance(n, Mapping) else {"zh": str(n), "en": str(n)}

    def _path(self, value) -> Path:
        p = Path(value)
        return p if p.is_absolute() else (self.base_dir / p)

    def _hash(self, label: str, path: Path) -> None:
        from .io.tables import sha256_file

        if path.is_file():
            try:
                rel = str(path.relative_to(self.base_dir))
            except ValueError:
                rel = str(path)
            self.input_hashes[rel] = sha256_file(path)

    def service_plan(self) -> list[tuple[str, str]]:
        """``[(service_id, method), …]`` from the profile and the ``[services]`` overrides."""
        profile = load_profile(self.config["account"]["profile"])
        plan = []
        for entry in profile["services"]:
            sid, _, method = entry.partition(":")
            plan.append((sid, method or ""))
        overrides = self.config.get("services", {})
        known = {s for s, _ in plan}
        for sid, method in overrides.items():
            if isinstance(method, Mapping):
                raise ConfigError(problem(
                    "unquoted_service_id", f"[services] 中的 {sid}.… 被 TOML 读成了表：带点的服务 id 需加引号",
                    f"[services] {sid}.… was read as a TOML table: quote dotted service ids, e.g. \"esv.biodiversity\" = \"xie2015\"",
                    file=self.source, column=f"services.{sid}", value=sid))
            if sid not in known:
                get_service(sid)  # raises UnknownService for a typo
                plan.append((sid, method))
        return [(sid, overrides.get(sid, m) or get_service(sid).default_method) for sid, m in plan]

    # ------------------------------------------------------------ loading
    def _load(self) -> dict[str, Any]:
        """Read and check every input; raise one GepError holding all problems."""
        if self._loaded is not None:
            return self._loaded
        problems: list[Problem] = list(check_config(dict(self.raw_config), self.source))
        out: dict[str, Any] = {}
        inputs = self.config.get("inputs", {})
        acct = self.config["account"]

        def attempt(fn, *args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except GepError as exc:
                problems.extend(exc.problems)
                return None

        # coefficients and profile
        coef_spec = acct.get("coefficients") or load_profile(acct["profile"]).get("coefficients")
        specs = coef_spec if isinstance(coef_spec, list) else [coef_spec]
        sets = []
        for spec in specs:
            if isinstance(spec, CoefficientSet):
                sets.append(spec)
                continue
            p = self._path(spec)
            cs = attempt(load_coefficients, path=p) if p.is_dir() else attempt(load_coefficients, str(spec))
            if cs is not None:
                sets.append(cs)
        out["coefficients"] = _combine(sets) if len(sets) == len(specs) else None
        out["plan"] = attempt(self.service_plan)
        if out["plan"]:
            for sid, method in out["plan"]:
                svc = attempt(get_service, sid)
                if svc is not None:
                    attempt(svc.method, method)

        # regions
        regions_in = inputs.get("regions")
        if regions_in is None:
            problems.append(problem("missing_input", "[inputs] 缺少 regions", "[inputs] has no regions", file=self.source,
                                    column="inputs.regions", hint_zh="提供地区表 CSV", hint_en="give a regions CSV"))
            raise ConfigError(problems)
        if isinstance(regions_in, pd.DataFrame):
            rt = attempt(RegionTable, regions_in, "regions")
        else:
            path = self._path(regions_in)
            self._hash("regions", path)
            rt = attempt(RegionTable.from_csv, path)
        out["regions"] = rt

        # land use: a table, an areas DataArray, or the [rasters] land-use and zone rasters
        lu = inputs.get("land_use")
        scheme_spec = inputs.get("scheme", "gbt21010-2017")
        out["areas"], out["land_use_rows"], out["rasters"] = None, None, None
        raster_cfg = self.config.get("rasters")
        if raster_cfg and rt is not None:
            from .io.spatial import load_rasters

            out["rasters"] = attempt(load_rasters, raster_cfg, self.base_dir, rt.leaves, self.source)
            if out["rasters"] is not None:
                for name, path in out["rasters"].files.items():
                    self._hash(f"raster:{name}", path)
        if lu is not None and rt is not None:
            res = attempt(self._load_land_use, lu, scheme_spec, rt)
            if res is not None:
                out["areas"], out["land_use_rows"] = res
                problems.extend(self._check_areas(out["areas"], rt, str(lu) if not isinstance(lu, (pd.DataFrame, xr.DataArray)) else "land_use"))
        elif out["rasters"] is not None:
            from .io.spatial import areas_from_rasters

            scheme = attempt(self._scheme, scheme_spec)
            res = attempt(areas_from_rasters, out["rasters"], scheme, rt.leaves) if scheme is not None else None
            if res is not None:
                out["areas"], out["land_use_rows"] = res
                problems.extend(self._check_areas(out["areas"], rt, str(out["rasters"].files["land_use"])))
        out["scheme"] = attempt(self._scheme, scheme_spec) if not isinstance(lu, xr.DataArray) else None

        # economy and regional statistics
        econ = inputs.get("economy")
        out["economy"] = None
        if econ is not None:
            out["economy"] = attempt(self._load_economy, econ)

        stats = inputs.get("statistics")
        out["statistics"] = None
        if stats is not None:
            out["statistics"] = attempt(self._load_statistics, stats)

        tm = inputs.get("two_mountains")
        out["two_mountains"] = None
        if tm is not None:
            from .io.two_mountains import read_indicator_table

            if isinstance(tm, pd.DataFrame):
                out["two_mountains"] = tm
            else:
                self._hash("two_mountains", self._path(tm))
                out["two_mountains"] = attempt(read_indicator_table, self._path(tm))

        phys = inputs.get("physical")
        out["physical"] = None
        if phys is not None and rt is not None:
            out["physical"] = attempt(self._load_physical, phys, rt)

        # value-transfer parameters
        out["value_transfer"] = attempt(self._value_transfer_params, rt) if rt is not None else None

        if problems:
            raise _most_specific(problems)
        self._loaded = out
        return out

    def _scheme(self, scheme_spec):
        if isinstance(scheme_spec, Scheme):
            return scheme_spec
        if str(scheme_spec).lower().endswith(".csv"):
            self._hash("scheme", self._path(scheme_spec))
            return load_scheme(self._path(scheme_spec))
        return load_scheme(scheme_spec)

    def _load_statistics(self, stats):
        from .io.statistics import read_statistics

        sheet = self.config.get("statistics", {}).get("sheet")
        if isinstance(stats, pd.DataFrame):
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "statistics.csv"
                stats.to_csv(path, index=False)
                return read_statistics(path)
        path = self._path(stats)
        self._hash("statistics", path)
        return read_statistics(path, sheet=sheet)

    def _load_physical(self, phys, rt: RegionTable) -> pd.DataFrame:
        """Physical quantities given by the user: ``region, service, quantity, unit`` [+ component, source]."""
        from .errors import UnitError, UnknownService
        from .io.tables import read_csv_checked
        from .services import REGISTRY
        from .units import conversion_factor

        if isinstance(phys, pd.DataFrame):
            frame, fname = phys.copy(), "physical"
        else:
            path = self._path(phys)
            self._hash("physical", path)
            frame = read_csv_checked(path, required=["region", "service", "quantity", "unit"],
                                     optional=["component", "source", "note", "method"], dtype=str)
            fname = str(path)
        frame = frame.fillna("")
        frame["_row"] = [i + 2 for i in range(len(frame))]
        probs = []
        for _, r in frame.iterrows():
            where = dict(file=fname, row=int(r["_row"]))
            sid = str(r["service"]).strip()
            if sid not in REGISTRY:
                probs.append(problem("unknown_service", f"未知的服务 {sid!r}", f"unknown service {sid!r}",
                                     column="service", value=sid, hint_zh="用 `gep services list` 查看服务 id",
                                     hint_en="see `gep services list` for service ids", **where))
                continue
            if str(r["region"]) not in rt.leaves:
                probs.append(problem("region_not_in_region_table", f"地区 {r['region']!r} 不是核算的最下级地区（乡镇）",
                                     f"region {r['region']!r} is not a leaf region (township) of the account",
                                     column="region", value=r["region"],
                                     hint_zh="按乡镇给出实物量", hint_en="give the quantities by township", **where))
            try:
                q = float(r["quantity"])
                if not np.isfinite(q) or q < 0:
                    raise ValueError
            except ValueError:
                probs.append(problem("bad_quantity", f"实物量无效：{r['quantity']!r}", f"invalid quantity: {r['quantity']!r}",
                                     column="quantity", value=r["quantity"], hint_zh="填写非负数",
                                     hint_en="give a non-negative number", **where))
            target = REGISTRY[sid].physical_unit
            try:
                conversion_factor(str(r["unit"]), target)
            except Exception:
                probs.append(problem("bad_unit", f"单位 {r['unit']!r} 无法换算为服务 {sid} 的单位 {target}",
                                     f"unit {r['unit']!r} does not convert to {target}, the unit of {sid}",
                                     column="unit", value=r["unit"], **where))
        if probs:
            codes = {p.code for p in probs}
            cls = UnknownService if codes == {"unknown_service"} else UnitError if codes == {"bad_unit"} else GepError
            raise cls(probs)
        frame["region"] = frame["region"].astype(str)
        frame["service"] = frame["service"].astype(str).str.strip()
        return frame

    def _load_land_use(self, lu, scheme_spec, rt: RegionTable):
        if isinstance(lu, xr.DataArray):
            from .units import conversion_factor

            areas = lu.transpose("region", "ecosystem").astype(float) * conversion_factor(lu.attrs.get("units", ""), "hm²")
            areas = areas.assign_attrs(units="hm²")
            self._check_regions(list(map(str, areas.region.values)), rt, "land_use")
            return areas.reindex(region=rt.leaves, fill_value=0.0), None
        scheme = self._scheme(scheme_spec)
        if isinstance(lu, pd.DataFrame):
            frame, fname = lu, "land_use"
            for col in ("region", "code", "area", "unit"):
                if col not in frame:
                    raise InputFileError(problem("missing_columns", f"land_use 缺少列 {col}", f"land_use has no column {col}",
                                                 file=fname, row=1))
        else:
            from .io.tables import read_csv_checked

            path = self._path(lu)
            self._hash("land_use", path)
            frame = read_csv_checked(path, required=["region", "code", "area", "unit"], dtype=str)
            fname = str(path)
        self._check_regions(list(dict.fromkeys(frame["region"].astype(str).str.strip())), rt, fname)
        areas, rows = areas_by_ecosystem(frame, scheme, file=fname, regions=rt.leaves)
        return areas, rows

    @staticmethod
    def _check_regions(lu_regions: list[str], rt: RegionTable, fname: str) -> None:
        problems = []
        known = set(rt.frame.index)
        for r in lu_regions:
            if r not in known:
                problems.append(problem("region_not_in_region_table", f"土地利用表中的地区 {r!r} 不在地区表中",
                                        f"region {r!r} of the land-use table is not in the region table", file=fname,
                                        column="region", value=r, hint_zh="检查地区 id 拼写，或在地区表中增加该地区",
                                        hint_en="check the region id, or add the region to the region table"))
            elif r not in rt.leaves:
                problems.append(problem("land_use_for_non_leaf", f"地区 {r!r} 有下级地区，土地利用应按下级地区给出",
                                        f"region {r!r} has sub-regions; give land use for its sub-regions",
                                        file=fname, column="region", value=r))
        for r in rt.leaves:
            if r not in lu_regions:
                problems.append(problem("region_without_land_use", f"地区表中的地区 {r!r} 在土地利用表中没有数据",
                                        f"region {r!r} of the region table has no rows in the land-use table",
                                        file=fname, column="region", value=r,
                                        hint_zh="补充该地区的土地利用数据，或从地区表中删除", hint_en="add its land use, or remove it from the region table"))
        if problems:
            raise UnknownRegion(problems)

    def _check_areas(self, areas: xr.DataArray, rt: RegionTable, fname: str) -> list[Problem]:
        tol = float(self.config["account"].get("area_tolerance", 0.001))
        problems = []
        lu_km2 = areas.sum("ecosystem").to_series() / 100.0
        for r in rt.leaves:
            stated = rt.frame.at[r, "area_km2"]
            got = float(lu_km2.get(r, 0.0))
            if stated > 0 and abs(got - stated) > tol * stated:
                problems.append(problem(
                    "area_mismatch",
                    f"地区 {r} 的土地利用面积合计 {got:.4f} km² 与地区表面积 {stated:.4f} km² 相差 {got - stated:+.4f} km²（超出容差 {tol:.2%}）",
                    f"land-use areas of region {r} add up to {got:.4f} km², its stated area is {stated:.4f} km² "
                    f"({got - stated:+.4f} km², beyond the tolerance of {tol:.2%})", file=fname, column="area", value=r,
                    hint_zh="核对土地利用或地区面积，或在 [account] 中调整 area_tolerance",
                    hint_en="check the land-use or region areas, or set area_tolerance in [account]"))
        root_area = rt.area_km2()
        total = float(rt.frame.loc[rt.leaves, "area_km2"].sum())
        if root_area > 0 and abs(total - root_area) > tol * root_area and rt.root not in rt.leaves:
            problems.append(problem(
                "area_mismatch", f"下级地区面积合计 {total:.4f} km² 与 {rt.root} 面积 {root_area:.4f} km² 不符",
                f"sub-region areas add up to {total:.4f} km², but {rt.root} has {root_area:.4f} km²",
                file=rt.file, column="area", value=rt.root))
        return problems

    def _load_economy(self, econ):
        from .io.economy import read_economy

        if isinstance(econ, pd.DataFrame):
            return read_economy(econ, file="economy")
        path = self._path(econ)
        self._hash("economy", path)
        return read_economy(path)

    def _value_transfer_params(self, rt: RegionTable) -> dict:
        vt = dict(self.config.get("value_transfer", {}))
        out: dict[str, Any] = {}
        ev = vt.get("equivalent_value", "national")
        if isinstance(ev, (int, float)):
            if "equivalent_value_source" not in vt:
                raise ConfigError(problem(
                    "value_without_source", "给定的 equivalent_value 缺少来源 equivalent_value_source",
                    "a given equivalent_value needs equivalent_value_source", file=self.source,
                    column="value_transfer.equivalent_value_source",
                    hint_zh="注明该数值的出处", hint_en="say where the number comes from"))
            if "equivalent_value_price_year" not in vt:
                raise ConfigError(problem(
                    "value_without_price_year", "给定的 equivalent_value 缺少价格年份 equivalent_value_price_year",
                    "a given equivalent_value needs equivalent_value_price_year (money always has a price year)",
                    file=self.source, column="value_transfer.equivalent_value_price_year",
                    hint_zh="填写该数值所属的价格年份", hint_en="give the year whose prices the value is in"))
            out["equivalent_value_yuan_per_hm2"] = float(ev)
            out["equivalent_value_source"] = vt["equivalent_value_source"]
            out["equivalent_value_price_year"] = int(vt["equivalent_value_price_year"])
        elif isinstance(ev, Mapping) and "grain" in ev:
            from .io.grain import regional_equivalent_from_csv

            path = self._path(ev["grain"])
            self._hash("grain", path)
            value, detail = regional_equivalent_from_csv(path, natural_share=ev.get("natural_share", 1 / 7))
            out["equivalent_value_yuan_per_hm2"] = value
            out["equivalent_value_source"] = f"computed from grain statistics {path.name}: {detail}"
        elif ev != "national":
            raise ConfigError(problem("bad_config_value", f"equivalent_value 无效：{ev!r}",
                                      f"equivalent_value must be 'national', a number or {{grain = CSV}}: {ev!r}",
                                      file=self.source, column="value_transfer.equivalent_value"))
        adj = vt.get("adjustment")
        if adj is not None:
            leaves = rt.leaves
            frame = pd.DataFrame({"npp": 1.0, "precipitation": 1.0, "soil": 1.0}, index=leaves)
            if isinstance(adj, Mapping):
                unknown = set(adj) - set(frame.columns)
                if unknown:
                    raise ConfigError(problem("unknown_config_key", f"adjustment 中有未知因子 {sorted(unknown)}",
                                              f"unknown adjustment factors {sorted(unknown)} (use npp, precipitation, soil)",
                                              file=self.source, column="value_transfer.adjustment"))
                for k, v in adj.items():
                    frame[k] = float(v)
            else:
                from .io.tables import read_csv_checked

                path = self._path(adj)
                self._hash("adjustment", path)
                f = read_csv_checked(path, required=["region"], optional=["npp", "precipitation", "soil", "source", "note"])
                f["region"] = f["region"].astype(str)
                self._check_regions(list(f["region"]), rt, str(path))
                for col in ("npp", "precipitation", "soil"):
                    if col in f:
                        frame.loc[f["region"], col] = pd.to_numeric(f[col]).to_numpy()
            if (frame.to_numpy() < 0).any() or frame.isna().any().any():
                raise ConfigError(problem("bad_adjustment", "调节因子不能为负或空", "adjustment factors must be non-negative numbers",
                                          file=self.source, column="value_transfer.adjustment"))
            out["adjustment"] = {k: xr.DataArray(frame[k].to_numpy(), dims=("region",), coords={"region": leaves})
                                 for k in frame.columns}
            out["adjustment_source"] = vt.get("adjustment_source", "config")
            if "adjustment_source" not in vt:
                raise ConfigError(problem("value_without_source", "adjustment 缺少来源 adjustment_source",
                                          "adjustment factors need adjustment_source", file=self.source,
                                          column="value_transfer.adjustment_source"))
        return out

    # ----------------------------------------------------------- validate
    def validate(self) -> list[Problem]:
        """Every problem with the config and inputs, all at once (empty when clean)."""
        try:
            self._load()
        except GepError as exc:
            return list(exc.problems)
        return []

    # ---------------------------------------------------------------- run
    def context(self) -> Context:
        """The :class:`~gep.context.Context` a service method sees (inputs loaded and checked)."""
        d = self._load()
        rt: RegionTable = d["regions"]
        root_code = self.config["account"].get("region_code")
        chains = {r: rt.chain(r, root_code) for r in rt.leaves}
        chains["__root__"] = rt.chain(rt.root, root_code)
        params = {"value_transfer": d["value_transfer"] or {},
                  "statistics": dict(self.config.get("statistics", {})),
                  "cultural": dict(self.config.get("cultural", {})),
                  "allocation": dict(self.config.get("allocation", {})),
                  "_scheme_mapping": d["scheme"].mapping if d.get("scheme") is not None else {},
                  "_maps": {} if self.maps else None}
        return Context(year=self.year, regions=list(rt.leaves), region_info=rt.frame, resolution_chain=chains,
                       coefficients=d["coefficients"], areas=d["areas"], statistics=d["statistics"],
                       physical=d["physical"], economy=d["economy"], rasters=d.get("rasters"), params=params,
                       price_year=self.price_year, deflator_loader=self._deflator)

    @property
    def price_year(self) -> int:
        """Year whose prices the account reports in: the account year, or the constant-price base."""
        prices = str(self.config["account"].get("prices", "current"))
        return self.year if prices == "current" else int(prices.split(":", 1)[1])

    def _deflator(self):
        """The deflator series (year -> level) from the account's sets or the index set."""
        from .io.prices import price_index_series

        cfg = self.config.get("prices", {})
        key = cfg.get("index", "price_index.cpi")
        cset = self._load()["coefficients"]
        source = cset if cset.has(key) else cfg.get("index_set", "cn-price-indices")
        return price_index_series(source, key)

    def run(self) -> "AccountResult":
        """Compute the account: physical quantity, then value, per service and region."""
        from .engine import run_account

        return run_account(self)


def _most_specific(problems: list[Problem]) -> GepError:
    """Wrap problems in the error class that matches them best."""
    from . import errors as E

    by_code = {
        "unknown_land_use_code": E.UnknownLandUseCode, "area_mismatch": E.AreaMismatch,
        "region_not_in_region_table": E.UnknownRegion, "region_without_land_use": E.UnknownRegion,
        "missing_coefficient": E.MissingCoefficient, "negative_area": E.InvalidArea,
        "area_not_a_number": E.InvalidArea, "area_unit": E.UnitError, "duplicate_land_use_rows": E.DuplicateRows,
        "unknown_config_key": E.ConfigError, "not_utf8": E.InputFileError, "not_csv": E.InputFileError,
        "row_without_source": E.CoefficientError, "missing_price_year": E.CoefficientError,
        "unknown_service": E.UnknownService, "bad_unit": E.UnitError, "bad_quantity": E.InvalidArea,
        "given_quantity_unused": E.ConfigError, "deflator_missing_year": E.DeflatorError,
    }
    by_code.update({code: E.RasterError for code in (
        "rasters_not_aligned", "missing_nodata", "geographic_crs", "non_metre_crs", "missing_crs", "unknown_crs",
        "raster_value_out_of_range", "unmapped_zone", "region_without_zone", "zone_region_unknown",
        "zone_out_of_range", "class_out_of_range", "unlisted_land_use_code", "shape_mismatch")})
    classes = {by_code.get(p.code) for p in problems}
    classes.discard(None)
    cls = classes.pop() if len(classes) == 1 else GepError
    return cls(problems)


@dataclass
class AccountResult:
    """The outcome of :meth:`Account.run`.

    Attributes
    ----------
    value : xarray.DataArray
        ``(service, region)`` in 元 (CNY, the account's price basis).
    value_by_ecosystem : xarray.DataArray
        ``(service, region, ecosystem)`` in 元; methods without an ecosystem
        breakdown put their value under ``ecosystem = "unattributed"``.
    physical : xarray.Dataset
        One variable per service (``region`` or ``region × ecosystem``), each
        with ``attrs["units"]``.
    services : pandas.DataFrame
        One row per service: category, labels, method, tier, physical unit.
    indicators : dict
    provenance : pandas.DataFrame
        One row per coefficient resolution or input value used.
    """

    name: dict
    year: int
    prices: str
    value: xr.DataArray
    value_by_ecosystem: xr.DataArray
    physical: xr.Dataset
    services: pd.DataFrame
    regions: pd.DataFrame
    root: str
    land_area_km2: float
    indicators: dict
    provenance: pd.DataFrame
    coefficients: dict
    inputs: dict
    config: dict
    land_use_rows: pd.DataFrame | None = None
    economy: pd.DataFrame | None = None
    extra: dict = field(default_factory=dict)

    # -------------------------------------------------------- aggregates
    @property
    def total(self) -> float:
        """GEP in 元."""
        return float(self.value.sum())

    @property
    def by_service(self) -> pd.Series:
        return self.value.sum("region").to_series()

    @property
    def by_region(self) -> pd.Series:
        return self.value.sum("service").to_series()

    @property
    def by_category(self) -> pd.Series:
        cats = self.services["category"].reindex(self.value.service.values)
        s = self.by_service.groupby(cats.values).sum()
        order = [c for c in CATEGORIES if c in s.index or c != "supporting"]
        return s.reindex(order, fill_value=0.0)

    # ------------------------------------------------------------ tables
    def to_dataframe(self) -> pd.DataFrame:
        """Tidy table, one row per region × service, value in 元."""
        rows = []
        for sid in self.value.service.values:
            srow = self.services.loc[sid]
            phys = self.physical[sid]
            phys_r = phys.sum("ecosystem") if "ecosystem" in phys.dims else phys
            for reg in self.value.region.values:
                rows.append({
                    "region": reg,
                    "region_zh": self.regions.at[reg, "name_zh"],
                    "region_en": self.regions.at[reg, "name_en"],
                    "service": sid,
                    "service_zh": srow["label_zh"],
                    "service_en": srow["label_en"],
                    "category": srow["category"],
                    "method": srow["method"],
                    "physical": float(phys_r.sel(region=reg)),
                    "physical_unit": srow["physical_unit"],
                    "value_yuan": float(self.value.sel(service=sid, region=reg)),
                })
        return pd.DataFrame(rows)

    def summary(self) -> dict:
        """The ``summary.json`` contract (DESIGN.md §3.3)."""
        from .io.summary import build_summary

        return build_summary(self)

    def to_dataset(self) -> xr.Dataset:
        """The result as one Dataset (what ``accounts.nc`` holds)."""
        from .io.netcdf import result_to_dataset

        return result_to_dataset(self)

    def write(self, out_dir: str | Path, *, formats=("json", "xlsx", "nc", "toml")) -> dict[str, Path]:
        """Write ``summary.json``, ``accounts.xlsx``, ``accounts.nc`` and ``run.toml``."""
        from .io.outputs import write_outputs

        return write_outputs(self, Path(out_dir), formats=formats)

    def write_maps(self, out_dir: str | Path) -> dict[str, Path]:
        """Write the per-pixel maps of the spatial methods as GeoTIFFs, window by window.

        Needs ``account.maps = True`` before ``run()`` (``gep run --maps``).
        One file per service, ``<service>.tif``, in the service's physical unit
        per hm² (or per m²); the whole map is never held in memory.
        """
        from .io.rasters import write_raster_chunked

        out = Path(out_dir)
        return {sid: write_raster_chunked(da, out / f"{sid}.tif") for sid, da in self.extra.get("maps", {}).items()}

    def compare_service(self, other: "AccountResult") -> pd.DataFrame:
        a, b = self.by_service, other.by_service
        return pd.DataFrame({"a": a, "b": b, "change": b.sub(a, fill_value=0)})

    def plot(self, kind: str = "service", ax=None):
        """Bar chart of value by service (``kind="service"``), region or category, in 亿元."""
        import matplotlib.pyplot as plt

        series = {"service": self.by_service, "region": self.by_region, "category": self.by_category}[kind] / 1e8
        if kind == "service":
            series.index = [self.services.at[s, "label_en"] for s in series.index]
        elif kind == "region":
            series.index = [self.regions.at[r, "name_en"] for r in series.index]
        ax = ax or plt.subplots(figsize=(8, 4))[1]
        series.sort_values().plot.barh(ax=ax, color="#3a7d44")
        ax.set_xlabel("value (10⁸ CNY)")
        ax.set_title(f"{self.name.get('en', '')} {self.year}: GEP by {kind}")
        return ax

    def __repr__(self) -> str:
        return (f"<AccountResult {self.name.get('en')} {self.year}: GEP {self.total / 1e8:,.2f} 亿元, "
                f"{self.value.sizes['service']} services × {self.value.sizes['region']} regions>")

"""Reading and checking the inputs of an account (the ``Account`` methods that touch files).

:class:`AccountInputs` is mixed into :class:`gep.account.Account`: it reads the
coefficient sets, the region table, land use (table, areas or rasters),
statistics, economy figures, given physical quantities and the Two-Mountains
table through :mod:`gep.io`, checks them, and collects every problem before
raising one :class:`~gep.errors.GepError` that holds them all.
"""

from __future__ import annotations

import difflib
import os
from functools import partial
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
import xarray as xr

from ..classifications import Scheme, areas_by_ecosystem, load_scheme
from ..coefficients import CoefficientSet, load_coefficients
from ..errors import (
    ConfigError,
    GepError,
    InputFileError,
    Problem,
    UnknownRegion,
    error_for,
    problem,
)
from ..regions import RegionTable
from ..services import get_service
from ..standards import load_profile
from .config import config_to_fill

__all__ = ["AccountInputs", "clear_read_cache"]

#: input tables read from files (regions, land use, economy, statistics, Two-Mountains), kept while the
#: files hold the same bytes (:class:`gep.io.filecache.ContentCache`): a multi-year run or ``gep example``
#: reads the same region table, and often the same statistics, for every account
_TABLES = None


def _read_once(reader, path: Path, *args, **kwargs):
    """``reader(path, *args, **kwargs)``, read once per content of the file; a deep copy each time.

    Keyed by the reader, the path as given (messages name it), the arguments and
    the limits in force (:mod:`gep.io.limits`: a file refused under one cap is
    read again under another). The file's SHA-256 decides whether what was read
    is still valid. A reader's error is raised each time, nothing is kept. Every
    account gets its own copy: what one account does with its tables never
    reaches another.
    """
    import copy

    from ..io import limits

    key = (reader.__module__, reader.__qualname__, str(path), args, tuple(sorted(kwargs.items())), limits.current())
    return copy.deepcopy(_tables().get(key, [Path(path)], lambda: reader(path, *args, **kwargs)))


def _land_use_areas(path: Path, scheme: Scheme, fname: str, regions: list[str]):
    """:func:`~gep.classifications.areas_by_ecosystem` of a land-use file, once per content of the file and
    mapping of the scheme (and regions, limits); a deep copy each time, as :func:`_read_once`.

    The areas are computed from the file's table as read for this look-up, so they always belong to the bytes
    whose SHA-256 keys them. An error (an unknown code, a negative area) is raised each time, nothing kept.
    """
    import copy

    from ..io import limits
    from ..io.tables import read_csv_checked

    key = ("areas_by_ecosystem", str(path), fname, tuple(regions), scheme.id, tuple(scheme.mapping.items()),
           limits.current())

    def build():
        frame = _read_once(read_csv_checked, path, required=("region", "code", "area", "unit"), dtype=str)
        return areas_by_ecosystem(frame, scheme, file=fname, regions=list(regions))

    return copy.deepcopy(_tables().get(key, [Path(path)], build))


def _tables():
    """The cache of :data:`_TABLES`, made on first use (``gep.io.filecache`` is not imported before)."""
    global _TABLES
    if _TABLES is None:
        from ..io.filecache import ContentCache

        _TABLES = ContentCache(size=32)
    return _TABLES


def clear_read_cache() -> None:
    """Forget the input tables read so far (each is read again at its next use)."""
    if _TABLES is not None:
        _TABLES.clear()


def _combine(sets: list[CoefficientSet]) -> CoefficientSet:
    if len(sets) == 1:
        return sets[0]
    from ..coefficients.rows import _merge

    table = sets[0].table
    sources = dict(sets[0].sources)
    for s in sets[1:]:
        table = _merge(table, s.table)
        sources.update(s.sources)
    ident = "+".join(s.id for s in sets)
    return CoefficientSet(id=ident, manifest={"id": ident, "version": "+".join(s.version for s in sets)},
                          table=table.reset_index(drop=True), sources=sources,
                          chain=[c for s in sets for c in s.chain],
                          strict_valid_from=tuple(k for s in sets for k in s.strict_valid_from))



#: the largest adjustment factor of value transfer (a region's NPP, precipitation or soil conservation over the
#: nation's): the published ones stay within about 0.2-5; a factor of 96 is the percentage 96 % written as a ratio
MAX_ADJUSTMENT = 10.0
#: published values of one equivalent, 元/hm²: 449.1 (Xie et al. 2003, as commonly cited) to 3406.50 (the national
#: value of Xie et al. 2015, 2010 prices) and regional values around them; outside this range a number is in another
#: area unit (元/亩 is 1/15)
EQUIVALENT_VALUE_RANGE = (300.0, 30_000.0)


def _region_meant(region: str, rt: RegionTable, ids: list[str]) -> list[str]:
    """The region ids ``region`` may mean: a region whose Chinese or English name it is, then ids spelt alike."""
    by_name = [r for r in rt.frame.index
               if region in {str(rt.frame.at[r, c]) for c in ("name_zh", "name_en") if c in rt.frame}]
    return by_name + [n for n in difflib.get_close_matches(region, ids, n=2, cutoff=0.6) if n not in by_name]


def _statistics_regions_known(stats, rt: RegionTable) -> bool:
    """Every region of the statistics table is in the region table: otherwise one problem per region, naming the
    file and rows (and the region ids it may mean), before any service runs. ``True`` when every one is."""
    table = getattr(stats, "table", stats)
    if table is None or "region" not in table:
        return True
    known = set(map(str, rt.frame.index))
    problems = []
    regions = table["region"].astype(str)
    for region in dict.fromkeys(r for r in regions if r not in known):
        rows = table.loc[regions == region, "source_row"].astype(str).tolist() if "source_row" in table else []
        file, _, row = (rows[0].rpartition(":") if rows else ("statistics", "", ""))
        near = _region_meant(region, rt, sorted(known))
        problems.append(problem(
            "region_not_in_region_table", f"统计表中的地区 {region!r} 不在地区表中（{len(rows)} 行）",
            f"region {region!r} of the statistics table is not in the region table ({len(rows)} rows)",
            file=file or "statistics", row=int(row) if row.isdigit() else None, column="region", value=region,
            hint_zh=(f"是否指 {'、'.join(near)}？" if near else "") + "统计表的 region 列写地区 id（不是名称）",
            hint_en=(f"did you mean {', '.join(near)}? " if near else "")
            + "the region column of the statistics holds region ids (not names)"))
    if problems:
        raise UnknownRegion(problems)
    return True


class AccountInputs:
    """The input-reading half of :class:`~gep.account.Account` (a mixin).

    Expects ``config``, ``raw_config``, ``base_dir``, ``source``,
    ``input_hashes`` and ``_loaded`` on the instance.
    """

    def _path(self, value) -> Path:
        if not isinstance(value, (str, os.PathLike)):  # a number or a table where a path belongs
            raise ConfigError(problem("bad_config_value", f"输入路径应为文本：{value!r}"[:80],
                                      f"an input path must be text: {value!r}"[:80], file=self.source,
                                      value=repr(value)[:60]))
        p = Path(value)
        p = p if p.is_absolute() else (self.base_dir / p)
        if getattr(self, "confine_paths", False):  # inside the config's folder (gep.account.paths)
            from .paths import confine

            confine(p, self.base_dir, value=value, file=self.source)
        return p

    def _hash(self, label: str, path: Path) -> None:
        from ..io.tables import sha256_file, split_sheet, text_encoding

        path, _ = split_sheet(path)  # "book.xlsx#sheet": the workbook's hash
        if path.is_file():
            try:
                rel = str(path.relative_to(self.base_dir))
            except ValueError:
                rel = str(path)
            self.input_hashes[rel] = sha256_file(path)
            enc = text_encoding(path)
            if enc not in (None, "utf-8"):  # a GBK/GB18030 file: recorded in the provenance (engine)
                self.__dict__.setdefault("input_encodings", {})[rel] = enc

    def _load(self) -> dict[str, Any]:
        """Read and check every input; raise one GepError holding all problems."""
        out, problems = self._load_inputs()
        if problems:
            raise _most_specific(problems)
        return out

    def _load_inputs(self) -> tuple[dict[str, Any], list[Problem]]:
        """Read and check every input, collecting every problem (never raises for a user's mistake).

        Returns ``(inputs, problems)``: what could be read, and what is wrong with
        the config and every input file, all at once -- a misspelled config key
        does not hide the problems of the data.
        """
        if self._loaded is not None:
            return self._loaded
        problems: list[Problem] = list(self.config_problems)
        problems += config_to_fill(dict(self.raw_config), self.source)
        out: dict[str, Any] = {"warnings": []}
        inputs = self.config.get("inputs", {})
        acct = self.config["account"]
        self._loaded = (out, problems)

        def attempt(fn, *args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except GepError as exc:
                problems.extend(exc.problems)
                return None

        # coefficients and profile
        profile = attempt(load_profile, acct.get("profile"), self.base_dir)
        coef_spec = acct.get("coefficients") or (profile or {}).get("coefficients")
        if coef_spec is None and profile is not None:
            problems.append(problem(
                "missing_config_key", "没有系数集：[account] coefficients 未给出，核算方案也未指定",
                "no coefficient set: [account] coefficients is not given and the profile names none",
                file=self.source, column="account.coefficients", hint_zh="在 [account] 中设置 coefficients",
                hint_en="set coefficients in [account]"))
        if coef_spec is None:
            coef_spec = []
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
        out["coefficients"] = _combine(sets) if sets and len(sets) == len(specs) else None
        out["plan"] = attempt(self.service_plan) if profile is not None else None
        out["dropped"] = attempt(self.dropped_services) if profile is not None else []
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
            rt = None
        elif isinstance(regions_in, pd.DataFrame):
            rt = attempt(RegionTable, regions_in, "regions")
        else:
            path = self._path(regions_in)
            self._hash("regions", path)
            rt = attempt(_read_once, RegionTable.from_csv, path)
        out["regions"] = rt

        # region polygons (maps, area checks): [inputs] boundaries, or the polygons of vector [rasters] zones
        out["boundaries"] = None
        if inputs.get("boundaries") is not None and rt is not None:
            from ..io.boundaries import read_boundaries

            path = self._path(inputs["boundaries"])
            self._hash("boundaries", path)
            # a GeoJSON file is one file, read once per content (every year of a run has the same townships);
            # a Shapefile's attributes are in files beside it, so it is read every time
            read = partial(_read_once, read_boundaries) if path.suffix.lower() in (".geojson", ".json") \
                else read_boundaries
            out["boundaries"] = attempt(read, path, tuple(rt.leaves), inputs.get("boundary_id_field", "region"))

        # land use: a table, an areas DataArray, or the [rasters] land-use and zone rasters
        lu = inputs.get("land_use")
        scheme_spec = inputs.get("scheme", "gbt21010-2017")
        out["areas"], out["land_use_rows"], out["rasters"] = None, None, None
        raster_cfg = self.config.get("rasters")
        if raster_cfg and rt is not None:
            from ..io.spatial import load_rasters

            out["rasters"] = attempt(load_rasters, raster_cfg, self.base_dir, rt.leaves, self.source,
                                     floors=layer_floors())
            if out["rasters"] is not None:
                out["warnings"].extend(out["rasters"].warnings)
                for name, path in out["rasters"].files.items():
                    self._hash(f"raster:{name}", path)
                if out["boundaries"] is None and out["rasters"].coverage is not None:
                    out["boundaries"] = out["rasters"].coverage.boundaries
            out["raster_status"] = raster_cfg.get("status")
        if lu is not None and rt is not None:
            res = attempt(self._load_land_use, lu, scheme_spec, rt)
            if res is not None:
                out["areas"], out["land_use_rows"], out["land_use_status"] = res
                out["land_use_file"] = None if isinstance(lu, (pd.DataFrame, xr.DataArray)) else str(lu)
                problems.extend(self._check_areas(out["areas"], rt, str(lu) if not isinstance(lu, (pd.DataFrame, xr.DataArray)) else "land_use"))
        elif lu is not None and rt is None and not isinstance(lu, (pd.DataFrame, xr.DataArray)):
            from ..io.tables import read_csv_checked  # no region table: the file's own problems still count

            attempt(read_csv_checked, self._path(lu), required=["region", "code", "area", "unit"], dtype=str)
        elif out["rasters"] is not None:
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
            if out["statistics"] is not None and rt is not None and not attempt(_statistics_regions_known,
                                                                                 out["statistics"], rt):
                out["statistics"] = None  # its problems are listed; the services valued from it do not run on it

        tm = inputs.get("two_mountains")
        out["two_mountains"] = None
        if tm is not None:
            from ..io.two_mountains import read_indicator_table

            if isinstance(tm, pd.DataFrame):
                out["two_mountains"] = tm
            else:
                self._hash("two_mountains", self._path(tm))
                out["two_mountains"] = attempt(_read_once, read_indicator_table, self._path(tm))

        phys = inputs.get("physical")
        out["physical"] = None
        if phys is not None and rt is not None:
            out["physical"] = attempt(self._load_physical, phys, rt)

        # value-transfer parameters
        out["value_transfer"] = attempt(self._value_transfer_params, rt) if rt is not None else None

        return self._loaded

    def _scheme(self, scheme_spec):
        if isinstance(scheme_spec, Scheme):
            return scheme_spec
        if str(scheme_spec).lower().endswith(".csv"):
            self._hash("scheme", self._path(scheme_spec))
            return load_scheme(self._path(scheme_spec))
        return load_scheme(scheme_spec)

    def _load_statistics(self, stats):
        from ..services.products import SET_PRICES
        from ..statistics import read_statistics

        cfg = self.config.get("statistics", {})
        sheet, header_row = cfg.get("sheet"), cfg.get("header_row")
        catalogue = None
        if cfg.get("catalogue"):  # the county's own products, on top of the shipped catalogue
            from ..classifications.products import extended_catalogue

            self._hash("catalogue", self._path(cfg["catalogue"]))
            catalogue = extended_catalogue(self._path(cfg["catalogue"]))
        if isinstance(stats, pd.DataFrame):
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "statistics.csv"
                stats.to_csv(path, index=False)
                return read_statistics(path, catalogue=catalogue, priced_by_set=SET_PRICES)
        path = self._path(stats)
        self._hash("statistics", path)
        if catalogue is None:  # the shipped catalogue: the table is read once per content of its file
            return _read_once(read_statistics, path, sheet=sheet, header_row=header_row,
                              priced_by_set=tuple(SET_PRICES))
        return read_statistics(path, sheet=sheet, catalogue=catalogue, header_row=header_row,
                               priced_by_set=SET_PRICES)

    def _load_physical(self, phys, rt: RegionTable) -> pd.DataFrame:
        """Physical quantities given by the user: ``region, service, quantity, unit`` [+ component, source]."""
        from ..errors import UnitError, UnknownService
        from ..io.tables import read_csv_checked
        from ..services import REGISTRY
        from ..units import conversion_factor

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
            from ..units import conversion_factor

            areas = lu.transpose("region", "ecosystem").astype(float) * conversion_factor(lu.attrs.get("units", ""), "hm²")
            areas = areas.assign_attrs(units="hm²")
            self._check_regions(list(map(str, areas.region.values)), rt, "land_use")
            status = str(lu.attrs.get("status", "")).strip()  # one status for the whole DataArray, if it says
            return areas.reindex(region=rt.leaves, fill_value=0.0), None, ({r: {status} for r in rt.leaves} if status else {})
        scheme = self._scheme(scheme_spec)
        path = None
        if isinstance(lu, pd.DataFrame):
            frame, fname = lu, "land_use"
            for col in ("region", "code", "area", "unit"):
                if col not in frame:
                    raise InputFileError(problem("missing_columns", f"land_use 缺少列 {col}", f"land_use has no column {col}",
                                                 file=fname, row=1))
        else:
            from ..io.tables import read_csv_checked

            path = self._path(lu)
            self._hash("land_use", path)
            frame = _read_once(read_csv_checked, path, required=("region", "code", "area", "unit"), dtype=str)
            fname = str(path)
        found: list[Problem] = []
        try:
            self._check_regions(list(dict.fromkeys(frame["region"].astype(str).str.strip())), rt, fname)
        except GepError as exc:  # report unknown regions together with unknown codes
            found.extend(exc.problems)
        try:
            if path is None:
                areas, rows = areas_by_ecosystem(frame, scheme, file=fname, regions=rt.leaves)
            else:  # a land-use file: mapped once per content of the file (and scheme, regions)
                areas, rows = _land_use_areas(path, scheme, fname, rt.leaves)
        except GepError as exc:
            found.extend(exc.problems)
        if found:
            raise _most_specific(found)
        status = {}
        if "status" in frame:
            for reg, st in zip(frame["region"].astype(str).str.strip(), frame["status"].fillna("").astype(str)):
                status.setdefault(reg, set()).add(st.strip() or "unstated")
        return areas, rows, status

    @staticmethod
    def _check_regions(lu_regions: list[str], rt: RegionTable, fname: str) -> None:
        problems = []
        known = set(rt.frame.index)
        for r in lu_regions:
            if r not in known:
                near = _region_meant(r, rt, sorted(rt.leaves))
                problems.append(problem("region_not_in_region_table", f"土地利用表中的地区 {r!r} 不在地区表中",
                                        f"region {r!r} of the land-use table is not in the region table", file=fname,
                                        column="region", value=r,
                                        hint_zh=(f"是否指 {'、'.join(near)}？" if near else "") + "检查地区 id 拼写，或在地区表中增加该地区",
                                        hint_en=(f"did you mean {', '.join(near)}? " if near else "")
                                        + "check the region id, or add the region to the region table"))
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
        lu_km2 = (areas.sum("ecosystem").to_series() / 100.0).to_dict()
        stated_km2 = rt.frame["area_km2"].to_dict()  # one look-up table, not a .at per township
        for r in rt.leaves:
            stated = stated_km2[r]
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
        from ..io.economy import read_economy

        if isinstance(econ, pd.DataFrame):
            return read_economy(econ, file="economy")
        path = self._path(econ)
        self._hash("economy", path)
        return _read_once(read_economy, path)

    def _value_transfer_params(self, rt: RegionTable) -> dict:
        vt = dict(self.config.get("value_transfer", {}))
        out: dict[str, Any] = {}
        ev = vt.get("equivalent_value", "national")
        if isinstance(ev, (int, float)) and not isinstance(ev, bool):
            col = "value_transfer.equivalent_value"
            if not (ev > 0 and ev < float("inf")):
                raise ConfigError(problem(
                    "bad_config_value", f"equivalent_value 应为正数（元/hm²）：{ev!r}",
                    f"equivalent_value must be a positive number of 元/hm²: {ev!r}", file=self.source, column=col))
            if not str(vt.get("equivalent_value_source", "")).strip():
                raise ConfigError(problem(
                    "value_without_source", "给定的 equivalent_value 缺少来源 equivalent_value_source",
                    "a given equivalent_value needs equivalent_value_source", file=self.source,
                    column="value_transfer.equivalent_value_source",
                    hint_zh="注明该数值的出处（文献、表格与页码）", hint_en="say where the number comes from (paper, table, page)"))
            py = vt.get("equivalent_value_price_year")
            if py is None:
                raise ConfigError(problem(
                    "value_without_price_year",
                    f"给定的单位当量价值 equivalent_value = {ev:g} 元/hm² 缺少价格年份：需要该数值所属的价格年份"
                    "（文献计算它时所用粮食价格的年份），否则无法与核算的价格基准换算",
                    f"the value of one equivalent equivalent_value = {ev:g} 元/hm² has no price year: gep needs the "
                    "year whose prices the paper used for it (the year of the grain prices it was computed from); "
                    "without it the value cannot be brought to the account's price basis",
                    file=self.source, column="value_transfer.equivalent_value_price_year", value=ev,
                    hint_zh="填写 equivalent_value_price_year = 年份（如全国 3406.50 元/hm² 为 2010 年价格）",
                    hint_en="set equivalent_value_price_year = YEAR (the national 3406.50 元/hm² is in 2010 prices)"))
            if isinstance(py, bool) or not isinstance(py, int):
                raise ConfigError(problem(
                    "bad_config_value", f"equivalent_value_price_year 应为整数年份：{py!r}",
                    f"equivalent_value_price_year must be a year (an integer): {py!r}", file=self.source,
                    column="value_transfer.equivalent_value_price_year", value=py))
            lo, hi = EQUIVALENT_VALUE_RANGE
            if not lo <= float(ev) <= hi and (self.config.get("checks") or {}).get("plausibility", True):
                raise ConfigError(problem(
                    "implausible_figure", f"单位当量价值 equivalent_value = {ev:g} 元/hm² 不在已发表值的范围 {lo:g}–{hi:g} "
                    "元/hm² 内（常引用的谢高地等 2003 为 449.1；谢高地等 2015 全国值为 3406.50，2010 年价格）",
                    f"the value of one equivalent, {ev:g} 元/hm², is outside the range of published values, {lo:g}–{hi:g} "
                    "元/hm² (449.1 in Xie et al. 2003, as commonly cited; the national 3406.50 of Xie et al. 2015, in 2010 "
                    "prices)", file=self.source,
                    column="value_transfer.equivalent_value", value=ev,
                    hint_zh="检查面积单位：元/亩 × 15 = 元/hm²；若数字确实如此，在 [checks] 中设置 plausibility = false",
                    hint_en="check the area unit: 元/亩 × 15 = 元/hm²; if the figure is right, set plausibility = false in "
                            "[checks]"))
            out["equivalent_value_yuan_per_hm2"] = float(ev)
            out["equivalent_value_source"] = vt["equivalent_value_source"]
            out["equivalent_value_price_year"] = int(py)
        elif isinstance(ev, Mapping) and "grain" in ev:
            from ..io.grain import regional_equivalent_from_csv

            path = self._path(ev["grain"])
            self._hash("grain", path)
            value, detail, grain_year = regional_equivalent_from_csv(path, natural_share=ev.get("natural_share", 1 / 7))
            out["equivalent_value_yuan_per_hm2"] = value
            out["equivalent_value_source"] = f"computed from grain statistics {path.name}: {detail}"
            # grain prices are in the prices of their price_year column, or else of the account year
            out["equivalent_value_price_year"] = grain_year if grain_year is not None else self.year
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
                from ..io.tables import read_csv_checked

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
            too_big = {f"{r}.{c}": float(frame.at[r, c]) for c in frame.columns for r in frame.index
                       if frame.at[r, c] > MAX_ADJUSTMENT}
            if too_big:
                shown = ", ".join(f"{k} = {v:g}" for k, v in list(too_big.items())[:5])
                raise ConfigError(problem(
                    "bad_adjustment", f"调节因子是地区与全国的比值（通常在 0.2–5 之间），不能超过 {MAX_ADJUSTMENT:g}：{shown}",
                    f"an adjustment factor is a ratio of the region to the nation (usually 0.2–5), never above "
                    f"{MAX_ADJUSTMENT:g}: {shown}", file=self.source, column="value_transfer.adjustment",
                    value=shown, hint_zh="写成比值（0.96，不是百分数 96）", hint_en="write a ratio (0.96, not the percentage 96)"))
            out["adjustment"] = {k: xr.DataArray(frame[k].to_numpy(), dims=("region",), coords={"region": leaves})
                                 for k in frame.columns}
            out["adjustment_source"] = vt.get("adjustment_source", "config")
            if "adjustment_source" not in vt:
                raise ConfigError(problem("value_without_source", "adjustment 缺少来源 adjustment_source",
                                          "adjustment factors need adjustment_source", file=self.source,
                                          column="value_transfer.adjustment_source"))
        return out


def layer_floors() -> dict[str, tuple[float, str, str]]:
    """The floor of each raster layer of :data:`gep.io.spatial.LAYER_FLOOR_KEYS`: its key's declared ``typical_min``
    and basis (the layers are in their keys' units), one number in one place."""
    from ..coefficients.keys import key_spec
    from ..io.spatial import LAYER_FLOOR_KEYS

    out = {}
    for layer, key in LAYER_FLOOR_KEYS.items():
        spec = key_spec(key)
        if spec is not None and spec.typical_min is not None:
            out[layer] = (spec.typical_min, spec.typical_basis_zh, spec.typical_basis)
    return out


def _most_specific(problems: list[Problem]) -> GepError:
    """Wrap problems in the error class of each kind they hold (:func:`gep.errors.error_for`)."""
    from .. import errors as E

    by_code = {
        "unknown_land_use_code": E.UnknownLandUseCode, "leading_zeros_dropped": E.UnknownLandUseCode,
        "area_mismatch": E.AreaMismatch,
        "region_not_in_region_table": E.UnknownRegion, "region_without_land_use": E.UnknownRegion,
        "missing_coefficient": E.MissingCoefficient, "negative_area": E.InvalidArea,
        "area_not_a_number": E.InvalidArea, "area_unit": E.UnitError, "duplicate_land_use_rows": E.DuplicateRows,
        "unknown_config_key": E.ConfigError, "not_utf8": E.InputFileError, "not_csv": E.InputFileError,
        "unknown_encoding": E.InputFileError, "table_to_fill": E.InputFileError, "example_row": E.InputFileError,
        "row_without_source": E.CoefficientError, "missing_price_year": E.CoefficientError,
        "unknown_service": E.UnknownService, "bad_unit": E.UnitError, "bad_quantity": E.InvalidArea,
        "given_quantity_unused": E.ConfigError, "deflator_missing_year": E.DeflatorError,
    }
    by_code.update({code: E.RasterError for code in (
        "rasters_not_aligned", "missing_nodata", "geographic_crs", "non_metre_crs", "missing_crs", "unknown_crs",
        "raster_value_out_of_range", "unmapped_zone", "region_without_zone", "zone_region_unknown",
        "zone_out_of_range", "class_out_of_range", "unlisted_land_use_code", "shape_mismatch")})
    return error_for(problems, by_code)


def areas_from_rasters(rin, scheme: Scheme, regions: list[str]) -> tuple[xr.DataArray, pd.DataFrame]:
    """Area by region × ecosystem (hm²) from the land-use and zone rasters.

    The rasters are counted by :func:`gep.io.spatial.land_use_rows_from_rasters`
    into land-use rows (region, code, area) and mapped to ecosystem types with
    the scheme, exactly as a land-use table is.
    """
    from ..io.spatial import land_use_rows_from_rasters

    codes = sorted({int(c) for c in scheme.mapping if c.isdigit()})
    frame, nodata_area = land_use_rows_from_rasters(rin, codes)
    areas, report = areas_by_ecosystem(frame, scheme, file=str(rin.files["land_use"]), regions=regions)
    areas.attrs["nodata_area_hm2"] = nodata_area
    return areas, report

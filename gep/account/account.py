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
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
import xarray as xr

from ..classifications import Scheme
from ..coefficients import CoefficientSet
from ..errors import ConfigError, GepError, Problem, problem
from ..regions import RegionTable
from ..services import get_service
from ..services.context import Context
from ..standards import load_profile
from .config import blocking_problems, check_config, load_config, with_defaults
from .inputs import AccountInputs
from .result import AccountResult

__all__ = ["Account"]


def _load_plugins(config: Mapping, base_dir: Path, source: str, confine: bool = False) -> None:
    """Installed plugins (entry points) and those ``[account] plugins`` names, before any service is looked up.

    With ``confine``, a plugin file outside the config's folder is not loaded (its
    ``input_outside_folder`` problem is reported with the inputs').
    """
    from ..services.plugins import load_plugin_module, load_plugins
    from .paths import outside_paths

    load_plugins()
    specs = config.get("account", {}).get("plugins", [])
    if not (isinstance(specs, list) and all(isinstance(x, str) and x.strip() for x in specs)):
        return  # not a list of names: check_config reports it with the config's other problems
    outside = {p.value for p in outside_paths(config, base_dir, source) if p.column == "account.plugins"} \
        if confine else set()
    for spec in specs:
        if spec not in outside:
            load_plugin_module(spec, base_dir, source=source)


class Account(AccountInputs):
    """One yearly GEP account of one region tree.

    Parameters
    ----------
    config : dict
        Parsed config (see ``docs/config.md``); inputs may be paths (resolved
        against ``base_dir``) or in-memory objects.
    base_dir : Path, optional
        Folder of the config file.
    confine : bool, optional
        Input paths must resolve inside ``base_dir`` (unless the config sets
        ``[account] allow_outside_paths = true``); default: when ``base_dir`` is
        given, as for a config file (``docs/safety.md``).
    """

    def __init__(self, config: Mapping, base_dir: str | Path | None = None, *, source: str = "<dict>",
                 confine: bool | None = None):
        self.source = source
        self.base_dir = Path(base_dir) if base_dir else Path.cwd()
        self._confine = bool(base_dir) if confine is None else confine
        config = dict(config)
        #: structural problems of the config (unknown keys, bad values): reported by validate() with the
        #: problems of the data, never hiding them
        self.config_problems: list[Problem] = list(check_config(config, source))
        inputs = config.get("inputs")
        placeholder = isinstance(inputs, Mapping) and any(isinstance(v, str) and "{year}" in v for v in inputs.values())
        if "years" in config or "years" in config.get("account", {}) or placeholder:
            # one year of the config: its [years.<year>] inputs and '{year}' filled in input paths
            from .config import for_year

            if isinstance(config.get("account", {}).get("year"), int):
                config = for_year(config, int(config["account"]["year"]))
        self.raw_config = copy.deepcopy(config)
        self.config = with_defaults(self.raw_config)
        _load_plugins(self.config, self.base_dir, self.source, confine=self.confine_paths)
        self._loaded: tuple[dict[str, Any], list[Problem]] | None = None
        self._plan = None
        #: the year the region table's population and GDP belong to (None: the account year); a multi-year
        #: run shares one region table between its years (see gep.account.years.account_for_year)
        self.regions_year: int | None = None
        #: keep the per-pixel quantity of every spatial method for map output (AccountResult.write_maps)
        self.maps = False
        self.input_hashes: dict[str, str] = {}
        #: the account at current prices of the same year and inputs whose reading and price-free physical
        #: steps this one (its constant-price twin in a multi-year run) shares; see :meth:`reprice`
        self.repriced_from: "Account | None" = None

    # ----------------------------------------------------------- builders
    @classmethod
    def from_config(cls, path: str | Path) -> "Account":
        """Build an account from a TOML config file."""
        cfg, folder = load_config(path, strict=False)
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
        return cls(cfg, base_dir, source="<in-memory>", confine=False)

    def __repr__(self) -> str:
        acct = self.config.get("account", {})
        coef = acct.get("coefficients")
        coef = getattr(coef, "id", coef) if not isinstance(coef, list) else "+".join(str(getattr(c, "id", c)) for c in coef)
        state = "inputs checked" if self._loaded is not None else "inputs not yet read"
        return (f"<Account {self.name.get('zh', '')} / {self.name.get('en', '')} {self.year}: "
                f"profile {acct.get('profile')}, coefficients {coef}, prices {acct.get('prices', 'current')}; "
                f"from {self.source}; {state}>")

    # ------------------------------------------------------------ helpers
    @property
    def year(self) -> int:
        return int(self.config["account"]["year"])

    @property
    def year_or_none(self) -> int | None:
        """The account year, or ``None`` when the config's year is missing or not an integer."""
        y = self.config.get("account", {}).get("year")
        return y if isinstance(y, int) and not isinstance(y, bool) else None

    @property
    def name(self) -> dict:
        n = self.config["account"].get("name", {"zh": "", "en": ""})
        return dict(n) if isinstance(n, Mapping) else {"zh": str(n), "en": str(n)}

    def service_plan(self) -> list[tuple[str, str]]:
        """``[(service_id, method), …]`` from the profile and the ``[services]`` changes.

        ``[services]`` may choose a service's method (``water_conservation =
        "spatial"``), add a service the profile lacks (``pest_control =
        "tabular"``) or drop one (``coastal_protection = false``: an inland
        county). Dropped services are listed by :meth:`dropped_services`.
        """
        spec = self.config["account"]["profile"]
        profile = load_profile(spec, self.base_dir)
        if str(spec).lower().endswith(".toml"):
            self._hash("profile", self._path(spec))
        plan = []
        for entry in profile["services"]:
            sid, _, method = entry.partition(":")
            plan.append((sid, method or ""))
        overrides = self.config.get("services", {})
        known = {s for s, _ in plan}
        problems = []
        for sid, method in overrides.items():
            if method is False:
                if sid not in known:
                    problems.append(problem(
                        "drop_unknown_service", f"[services] {sid} = false：方案 {profile['id']} 中没有该服务",
                        f"[services] {sid} = false: profile {profile['id']} has no such service", file=self.source,
                        column=f"services.{sid}", value=sid, hint_zh=f"方案中的服务：{', '.join(known)}",
                        hint_en=f"services of the profile: {', '.join(known)}"))
                continue
            if method is True or not isinstance(method, (str, Mapping)):
                problems.append(problem(
                    "bad_service_method", f"[services] {sid} 应为方法名（字符串）或 false，而不是 {method!r}",
                    f"[services] {sid} must be a method name (a string) or false, not {method!r}",
                    file=self.source, column=f"services.{sid}", value=method))
                continue
            if isinstance(method, Mapping):
                raise ConfigError(problem(
                    "unquoted_service_id", f"[services] 中的 {sid}.… 被 TOML 读成了表：带点的服务 id 需加引号",
                    f"[services] {sid}.… was read as a TOML table: quote dotted service ids, e.g. \"esv.biodiversity\" = \"xie2015\"",
                    file=self.source, column=f"services.{sid}", value=sid))
            if sid not in known:
                get_service(sid)  # raises UnknownService for a typo
                plan.append((sid, method))
        if problems:
            raise ConfigError(problems)
        dropped = {sid for sid, m in overrides.items() if m is False}
        return [(sid, overrides.get(sid, m) or get_service(sid).default_method) for sid, m in plan if sid not in dropped]

    def dropped_services(self) -> list[str]:
        """Services of the profile that ``[services] id = false`` leaves out of this account."""
        return [sid for sid, m in self.config.get("services", {}).items() if m is False]

    @property
    def confine_paths(self) -> bool:
        """Whether input paths must stay inside the config's folder (``docs/safety.md``)."""
        acct = self.config.get("account", {})
        return self._confine and not (isinstance(acct, Mapping) and acct.get("allow_outside_paths") is True)

    def reprice(self, as_run: "Account") -> "Account":
        """Share the inputs of ``as_run`` (the same year and inputs at other prices), and its physical steps.

        A multi-year run compares years at the constant prices of the first year,
        so each year is also accounted at those prices. The inputs are the same
        files, read and checked once; a service's physical step is taken from
        ``as_run`` when it looked up nothing priced (no money coefficient, no
        deflator): only the value steps run again, at this account's prices.
        The first year at constant prices of that year is the first year as run:
        its plan is that account's plan, computed once. Returns ``self``.
        """
        self.repriced_from = as_run
        return self

    def _load_inputs(self):
        """Read and check every input (see :class:`AccountInputs`): paths confined first, under ``[limits]``."""
        from ..io import limits
        from .paths import outside_paths

        if self._loaded is None and self.repriced_from is not None:
            # the same files as the account at current prices: read and checked once (the tuple is not
            # changed after reading: a plan copies its problems and warnings)
            source = self.repriced_from
            self._loaded = source._load_inputs()
            self.input_hashes = dict(source.input_hashes)
            if hasattr(source, "input_encodings"):
                self.input_encodings = dict(source.input_encodings)
            return self._loaded
        if self._loaded is None and self.confine_paths:
            outside = outside_paths(self.config, self.base_dir, self.source)
            if outside:  # nothing outside the folder is opened, not even to report it
                self._loaded = ({"warnings": []}, list(self.config_problems) + outside)
                return self._loaded
        if self._loaded is None and blocking_problems(self.raw_config, self.source):
            # a value of the wrong kind, word or range (a table where a path belongs, method = "x",
            # eco_share = 5) would stop a reader or a formula: the config's problems first, then the data's
            self._loaded = ({"warnings": []}, list(self.config_problems))
            return self._loaded
        caps = self.config.get("limits")
        with limits.using(caps if isinstance(caps, Mapping) else None):
            try:
                return super()._load_inputs()
            except GepError as exc:  # a value that is not a path where a path belongs: stop reading here
                out, problems = self._loaded
                out["regions"] = None  # nothing runs on half the inputs
                problems.extend(exc.problems)
                return self._loaded

    # ----------------------------------------------------------- validate
    def plan(self):
        """The checked plan of this account (built once; :class:`gep.account.plan.Plan`).

        Reading every input, executing every service and checking the whole
        account: ``validate()`` returns its problems, ``run()`` its result.
        """
        if self._plan is None or self._plan_maps != self.maps:
            from .plan import build_plan

            self._plan_maps = self.maps
            same = self._same_figures_as()
            if same is not None:
                self._load_inputs()  # the same files, read once: their hashes and encodings become this account's
            self._plan = same.plan() if same is not None else build_plan(self)
        return self._plan

    def _same_figures_as(self) -> "Account | None":
        """The account this one reprices (:meth:`reprice`) when both bring every money figure to the same price
        year, else ``None``. Constant prices of the account's own year are its current prices (the first year of a
        multi-year run): every lookup, rebasing and check is the same, so is the plan; only the result's label of
        its prices differs (``current`` or ``constant:<year>``, from each account's own config)."""
        source = self.repriced_from
        if source is None or source.maps != self.maps or self.price_year is None:
            return None
        return source if source.price_year == self.price_year else None

    def validate(self) -> list[Problem]:
        """Every problem of the config, the inputs and every service, all at once (empty when clean).

        ``validate`` builds the same plan as :meth:`run`: when it returns no
        problem, ``run`` succeeds. Warnings are on ``account.plan().warnings``.
        """
        return list(self.plan().problems)

    # ---------------------------------------------------------------- run
    def context(self) -> Context:
        """The :class:`~gep.services.context.Context` a service method sees (inputs loaded and checked)."""
        return self._context(self._load())

    def _context(self, d: dict) -> Context:
        rt: RegionTable = d["regions"]
        root_code = self.config["account"].get("region_code")
        chains = {r: rt.chain(r, root_code) for r in rt.leaves}
        chains["__root__"] = rt.chain(rt.root, root_code)
        params = {"value_transfer": d["value_transfer"] or {},
                  "statistics": dict(self.config.get("statistics", {})),
                  "cultural": dict(self.config.get("cultural", {})),
                  "allocation": dict(self.config.get("allocation", {})),
                  "_scheme_mapping": d["scheme"].mapping if d.get("scheme") is not None else {},
                  "_maps": {} if self.maps else None,
                  "_rasters_cfg": dict(self.config.get("rasters") or {}),
                  "_coverage": []}
        source = self.repriced_from.plan() if self.repriced_from is not None else None
        if source is not None and source.context is not None:
            from ..services.products import PRICE_FREE_CACHES

            # the same inputs and [allocation] (only the prices differ): the allocation weights are the same
            for name in PRICE_FREE_CACHES:
                params[name] = source.context.params.setdefault(name, {})
        return Context(year=self.year, regions=list(rt.leaves), region_info=rt.frame, resolution_chain=chains,
                       coefficients=d["coefficients"], areas=d["areas"], statistics=d["statistics"],
                       physical=d["physical"], economy=d["economy"], rasters=d.get("rasters"), params=params,
                       price_year=self.price_year, deflator_loader=self._deflator)

    @property
    def price_year(self) -> int | None:
        """Year whose prices the account reports in: the account year, or the constant-price base.

        ``None`` when ``prices`` is not valid (a config problem ``validate`` reports).
        """
        prices = str(self.config["account"].get("prices", "current"))
        if prices == "current":
            return self.year_or_none
        base = prices.split(":", 1)[1] if ":" in prices else ""
        return int(base) if base.isdigit() else None

    def _deflator(self):
        """The deflator series (year -> level) from the account's sets or the index set."""
        from ..coefficients.deflators import price_index_series

        cfg = self.config.get("prices", {})
        key = cfg.get("index", "price_index.cpi")
        cset = self._load_inputs()[0]["coefficients"]
        source = cset if cset.has(key) else cfg.get("index_set", "cn-price-indices")
        return price_index_series(source, key)

    def run(self) -> "AccountResult":
        """Compute the account: physical quantity, then value, per service and region."""
        from .engine import run_account

        return run_account(self)

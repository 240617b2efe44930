"""What a service method sees: the account's inputs, resolved per region and year.

A :class:`Context` is built by :class:`gep.Account` and handed to every
method's ``quantify`` and ``value`` steps. Coefficients are resolved through it
so that each resolution lands in the provenance trace with the region and year
it was resolved for.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ..coefficients import CoefficientSet, Resolved, key_spec
from ..errors import ConfigError, MissingCoefficient, problem
from .draws import as_draws

__all__ = ["Context"]


def _is_money(key: str) -> bool:
    """Whether a coefficient key is declared as money (its value depends on the account's prices)."""
    spec = key_spec(key)
    return spec is not None and bool(spec.monetary)


@dataclass
class Context:
    """Inputs of one account (one region tree, one year).

    Attributes
    ----------
    year : int
    regions : list of str
        Leaf region ids (the account's columns), in order.
    region_info : pandas.DataFrame
        Indexed by region id (all levels): ``name_zh, name_en, level, parent,
        area_km2, population, gdp_yuan``…
    resolution_chain : dict
        Region id -> region codes to try, most specific first.
    coefficients : CoefficientSet
    areas : xarray.DataArray or None
        ``(region, ecosystem)`` in hm².
    statistics, physical, economy : pandas.DataFrame or None
    rasters : dict or None
    params : dict
        Method parameters from the config, by method family.
    """

    year: int
    regions: list[str]
    region_info: pd.DataFrame
    resolution_chain: dict[str, list[str]]
    coefficients: CoefficientSet
    areas: xr.DataArray | None = None
    statistics: pd.DataFrame | None = None
    physical: pd.DataFrame | None = None
    economy: pd.DataFrame | None = None
    rasters: dict | None = None
    params: dict = field(default_factory=dict)
    trace: list[dict] = field(default_factory=list)
    #: price year every monetary value is brought to (the account year for
    #: current prices, the base year for constant prices); None = no rebasing
    price_year: int | None = None
    #: year -> price level of the deflator series (loaded on first use)
    deflator_loader: Any = None
    _deflator: Any = None
    #: draw mode (:class:`gep.services.draws.DrawMode`): coefficients with a range, land-use areas and
    #: statistics rows come with a ``draw`` dimension; ``None`` for the deterministic account
    draws: Any = None
    #: how many times a method looked up something priced (a money coefficient, the deflator, a pricing
    #: function): a physical step that looked up none gives the same quantity at any prices
    price_lookups: int = 0

    # -------------------------------------------------------------- prices
    def deflator(self):
        self.price_lookups += 1
        if self._deflator is None:
            self._deflator = self.deflator_loader()
        return self._deflator

    def rebase_factor(self, from_year: int | None) -> float:
        """Factor bringing money of ``from_year`` prices to the account's price year.

        Raises :class:`~gep.errors.DeflatorError` when the deflator series lacks
        a year (never a silent 1.0).
        """
        self.price_lookups += 1
        if self.price_year is None or from_year is None or int(from_year) == int(self.price_year):
            return 1.0
        from ..compute.prices import rebase_factor

        return rebase_factor(self.deflator(), int(from_year), int(self.price_year))

    # -------------------------------------------------------- coefficients
    def coef(self, key: str, *, ecosystem: str = "*", region: str | None = None, service: str = "") -> Resolved:
        """Resolve one coefficient for a region (the account's root when ``None``)."""
        chain = self.resolution_chain[region] if region is not None else self.resolution_chain["__root__"]
        res = row = self.coefficients.resolve(key, ecosystem=ecosystem, regions=chain, year=self.year)
        extra, factor = {}, 1.0
        if res.price_year is not None or res.price_basis == "administered" or _is_money(key):
            self.price_lookups += 1
        if res.price_basis == "administered":
            # a fee schedule or tariff is the nominal price in force in the account year: never rebased
            extra = {"price_basis": "administered"}
        elif res.price_year is not None and self.price_year is not None and res.price_year != self.price_year:
            spec = key_spec(key)
            if spec is not None and spec.monetary:
                factor = self.rebase_factor(res.price_year)
                extra = {"rebased_from_value": res.value, "rebased_from_year": res.price_year, "rebase_factor": factor}
                res = replace(res, value=res.value * factor, price_year=self.price_year)
        self.trace.append(res.trace(service=service, for_region=region or "*", **extra))
        if self.draws is not None:
            res = self.draws.coefficient(row, res, factor)
        return res

    def has_regional_rows(self, key: str) -> bool:
        """Whether the coefficient set has rows for ``key`` specific to a leaf region."""
        cache = self.params.setdefault("_regional_keys", {})
        if key not in cache:
            if "_leaf_only_codes" not in self.params:  # the codes of the leaves (and their parents), not the root's
                leaf_codes = {c for r in self.regions for c in self.resolution_chain[r][:2]}
                self.params["_leaf_only_codes"] = leaf_codes - set(self.resolution_chain["__root__"])
            cache[key] = bool(self.coefficients.regions_for(key) & self.params["_leaf_only_codes"])
        return cache[key]

    def coef_by_ecosystem(self, key: str, unit: str, *, ecosystems=None, service: str = "") -> xr.DataArray:
        """One coefficient per ecosystem type (resolved at the account level), in ``unit``."""
        if ecosystems is None:
            # every type of the land-use grid; a type without area is not resolved (it adds nothing,
            # and a missing row for it is not the account's problem)
            ecosystems = list(map(str, self.areas.coords["ecosystem"].values))
            if self.params.get("_used_ecosystems", (None,))[0] is not self.areas:  # found once per account
                self.params["_used_ecosystems"] = (self.areas, set(np.asarray(
                    self.areas.coords["ecosystem"].values[(np.abs(self.areas).sum("region") > 0).values], dtype=str)))
            used = self.params["_used_ecosystems"][1]
        else:
            ecosystems, used = list(ecosystems), set(map(str, ecosystems))
        values, missing, drawn = np.zeros(len(ecosystems)), [], {}
        for i, eco in enumerate(ecosystems):
            if eco not in used:
                continue
            try:
                v = self.coef(key, ecosystem=eco, service=service).to(unit)
            except MissingCoefficient as exc:
                missing.extend(exc.problems)
                continue
            if isinstance(v, xr.DataArray):  # draw mode: a row with a range
                drawn[i] = v
            else:
                values[i] = v
        if missing:
            raise MissingCoefficient(missing)
        if drawn:
            return xr.DataArray(as_draws(values, drawn, self.draws.n), dims=("ecosystem", "draw"),
                                coords={"ecosystem": ecosystems}, attrs={"units": unit})
        return xr.DataArray(values, dims=("ecosystem",), coords={"ecosystem": ecosystems}, attrs={"units": unit})

    def coef_by_region(self, key: str, unit: str, *, ecosystem: str = "*", service: str = "") -> xr.DataArray:
        """One coefficient per leaf region (region-specific rows win), in ``unit``."""
        values = [self.coef(key, ecosystem=ecosystem, region=r, service=service).to(unit) for r in self.regions]
        drawn = {i: v for i, v in enumerate(values) if isinstance(v, xr.DataArray)}
        if drawn:  # draw mode: rows with a range
            fixed = np.array([0.0 if i in drawn else v for i, v in enumerate(values)], dtype=float)
            return xr.DataArray(as_draws(fixed, drawn, self.draws.n), dims=("region", "draw"),
                                coords={"region": self.regions}, attrs={"units": unit})
        return xr.DataArray(np.array(values, dtype=float), dims=("region",), coords={"region": self.regions},
                            attrs={"units": unit})

    # ------------------------------------------------------------- pricing
    def priced(self, pricing, quantity, unit_price, *, service: str, part: str = ""):
        """Value a physical quantity with a pricing method of :mod:`gep.compute.valuation`.

        Calls ``pricing(quantity, unit_price)`` and records in the provenance
        which pricing function ran (``key = valuation.<function>``), so the
        method named in an account's provenance is the function that computed
        its value, not a label.
        """
        self.price_lookups += 1
        self.trace.append({"service": service, "key": f"valuation.{pricing.__name__}",
                           "value": f"{pricing.__module__}.{pricing.__name__}", "unit": "",
                           "source": part or service})
        return pricing(quantity, unit_price)

    # -------------------------------------------------------------- inputs
    def require_areas(self, service: str) -> xr.DataArray:
        if self.areas is None:
            raise ConfigError(problem(
                "missing_input", f"服务 {service} 需要土地利用输入 [inputs] land_use",
                f"service {service} needs a land-use input ([inputs] land_use)",
                hint_zh="在配置中提供 land_use", hint_en="give land_use in the config"))
        if self.draws is not None:  # draw mode: each class's area drawn (classification error)
            return self.draws.areas(self.areas)
        return self.areas

    def param(self, family: str, name: str, default: Any = None) -> Any:
        return self.params.get(family, {}).get(name, default)

    def zeros(self, units: str, with_ecosystem: bool = False) -> xr.DataArray:
        if with_ecosystem and self.areas is not None:
            return xr.zeros_like(self.areas).assign_attrs(units=units)
        return xr.DataArray(np.zeros(len(self.regions)), dims=("region",), coords={"region": self.regions},
                            attrs={"units": units})

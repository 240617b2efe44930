"""The outcome of an account: :class:`AccountResult` (values, physical accounts, indicators, provenance)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xarray as xr

from ..services import CATEGORIES

__all__ = ["AccountResult"]


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
    warnings : list of Problem
        What the account found that does not invalidate its figures but must be
        seen (statistics rows of other years, nodata pixels below the limit,
        illustrative data carrying value …).
    quality : dict
        Share of the value by the status of the rows it rests on
        (:mod:`gep.account.quality`).
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
    warnings: list = field(default_factory=list)
    quality: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        # the labels accounts.nc has, on the arrays themselves: res.value.service_zh, .region_en, .category …
        labels: dict = {}  # the label arrays by the labels they are for: the two arrays share their services and regions
        self.value = self._labelled(self.value, labels)
        self.value_by_ecosystem = self._labelled(self.value_by_ecosystem, labels)

    def _labelled(self, da: xr.DataArray, labels: dict | None = None) -> xr.DataArray:
        labels = {} if labels is None else labels
        coords = {}
        for dim, table, names in (
                ("service", self.services if len(self.services) else None,
                 (("service_zh", "label_zh"), ("service_en", "label_en"), ("category", "category"))),
                ("region", self.regions if "name_zh" in self.regions else None,
                 (("region_zh", "name_zh"), ("region_en", "name_en")))):
            if dim not in da.dims or table is None:
                continue
            ids = da[dim].values
            key = (dim, tuple(ids.tolist()))
            if key not in labels:  # the labels of these ids, looked up once for both arrays
                rows = table.reindex(ids)
                labels[key] = {name: rows[column].fillna("").to_numpy(dtype=str) for name, column in names}
            coords.update({name: (dim, values.copy()) for name, values in labels[key].items()})
        return da.assign_coords(coords) if coords else da

    # -------------------------------------------------------- aggregates
    @property
    def measure(self) -> str:
        """``"GEP"``, or ``"ESV"`` when the account includes supporting services (never part of GEP)."""
        return "ESV" if "supporting" in set(self.services.get("category", [])) else "GEP"

    @property
    def total(self) -> float:
        """GEP (or, for an ESV profile, ESV) in 元."""
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
        regions = list(self.value.region.values)
        names_zh = [self.regions.at[reg, "name_zh"] for reg in regions]
        names_en = [self.regions.at[reg, "name_en"] for reg in regions]
        values = self.value.transpose("service", "region").values
        # the regions' rows of the physical quantities, found once (every variable is on the Dataset's one index)
        at = self.physical.indexes["region"].get_indexer(regions) if "region" in self.physical.indexes else None
        from ..io.summary import rows_by_label

        labels = rows_by_label(self.services, ("label_zh", "label_en", "category", "method", "physical_unit"))
        rows = []
        for i, sid in enumerate(self.value.service.values):
            label_zh, label_en, category, method, unit = labels[sid]
            phys = self.physical[sid]
            phys_r = phys.sum("ecosystem") if "ecosystem" in phys.dims else phys
            if at is not None and phys_r.dims == ("region",) and (at >= 0).all():
                physical = phys_r.values[at]
            else:
                physical = phys_r.sel(region=regions).values
            for j, reg in enumerate(regions):
                rows.append({
                    "region": reg,
                    "region_zh": names_zh[j],
                    "region_en": names_en[j],
                    "service": sid,
                    "service_zh": label_zh,
                    "service_en": label_en,
                    "category": category,
                    "method": method,
                    "physical": float(physical[j]),
                    "physical_unit": unit,
                    "value_yuan": float(values[i, j]),
                })
        return pd.DataFrame(rows)

    def summary(self) -> dict:
        """The ``summary.json`` contract (DESIGN.md §3.3)."""
        from ..io.summary import build_summary

        return build_summary(self)

    def to_dataset(self) -> xr.Dataset:
        """The result as one Dataset (what ``accounts.nc`` holds)."""
        from ..io.netcdf import result_to_dataset

        return result_to_dataset(self)

    def write(self, out_dir: str | Path, *, formats=("json", "xlsx", "nc", "toml"), wait: bool = False) -> dict[str, Path]:
        """Write ``summary.json``, ``accounts.xlsx``, ``accounts.nc`` and ``run.toml``.

        The folder is replaced as one step: it holds the previous complete set
        until the new one is complete, and anything else in it is refused
        (``docs/safety.md``). A second writer into the same folder fails at once
        (:class:`~gep.errors.OutputBusy`) unless ``wait=True``.
        """
        from ..io.outputs import write_outputs

        return write_outputs(self, Path(out_dir), formats=formats, wait=wait)

    def write_maps(self, out_dir: str | Path, *, wait: bool = False) -> dict[str, Path]:
        """Write the per-pixel maps of the spatial methods as GeoTIFFs, window by window.

        Needs ``account.maps = True`` before ``run()`` (``gep run --maps``).
        One file per service, ``<service>.tif``, in the service's physical unit
        per hm² (or per m²); the whole map is never held in memory. The folder
        is replaced as one step, like :meth:`write`.
        """
        from ..io.outputs import write_maps

        return write_maps(self, Path(out_dir), wait=wait)

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
        cats = ", ".join(f"{c} {v / 1e8:,.2f}" for c, v in self.by_category.items())
        return (f"<AccountResult {self.name.get('zh', '')} / {self.name.get('en', '')} {self.year} "
                f"(prices: {self.prices}): {self.measure} {self.total / 1e8:,.2f} 亿元 ({cats}); "
                f"{self.value.sizes['service']} services × {self.value.sizes['region']} regions>")

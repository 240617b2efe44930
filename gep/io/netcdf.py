"""The result as an xarray Dataset / NetCDF file (``accounts.nc``)."""

from __future__ import annotations

import xarray as xr

__all__ = ["result_to_dataset"]


def result_to_dataset(res) -> xr.Dataset:
    """``value(service, region)`` and ``value_by_ecosystem`` in 元, one
    ``physical_<service>`` variable per service with its units, and labels
    as coordinates."""
    ds = xr.Dataset()
    ds["value"] = res.value
    ds["value_by_ecosystem"] = res.value_by_ecosystem
    for sid in res.physical.data_vars:
        ds[f"physical__{sid}"] = res.physical[sid]
    svc = res.services.reindex(res.value.service.values)
    ds = ds.assign_coords(
        service_zh=("service", svc["label_zh"].to_numpy(dtype=str)),
        service_en=("service", svc["label_en"].to_numpy(dtype=str)),
        category=("service", svc["category"].to_numpy(dtype=str)),
        region_zh=("region", res.regions.loc[res.value.region.values, "name_zh"].to_numpy(dtype=str)),
        region_en=("region", res.regions.loc[res.value.region.values, "name_en"].to_numpy(dtype=str)),
    )
    ds.attrs.update({
        "title": f"GEP account {res.name.get('en', '')} {res.year}",
        "title_zh": f"{res.name.get('zh', '')} {res.year} 年生态系统生产总值核算",
        "year": res.year,
        "prices": res.prices,
        "currency": "CNY",
        "coefficients": res.coefficients["id"],
        "coefficients_sha256": res.coefficients["sha256"],
        "Conventions": "CF-1.8",
    })
    return ds

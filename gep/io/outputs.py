"""Write an account's outputs: summary.json, accounts.xlsx, accounts.nc, run.toml."""

from __future__ import annotations

import json
import platform
from pathlib import Path

from .netcdf import write_netcdf
from .summary import dumps

__all__ = ["write_outputs", "run_toml"]


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    s = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def _key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() and k.isascii() else _toml_value(k)


def run_toml(res) -> str:
    """The resolved config, versions and content hashes (enough to redo the run)."""
    import numpy, pandas, pint, xarray

    from .._version import __version__

    lines = ["# gep run record: the resolved config, versions and content hashes", ""]
    for section, body in res.config.items():
        if not isinstance(body, dict):
            continue
        lines.append(f"[{section}]")
        for k, v in body.items():
            if hasattr(v, "to_csv") or hasattr(v, "dims") or hasattr(v, "table"):
                v = f"<in-memory {type(v).__name__}>"
            lines.append(f"{_key(k)} = {_toml_value(v)}")
        lines.append("")
    lines.append("[versions]")
    for name, mod in (("gep", None), ("python", None), ("numpy", numpy), ("pandas", pandas), ("xarray", xarray), ("pint", pint)):
        ver = __version__ if name == "gep" else platform.python_version() if name == "python" else mod.__version__
        lines.append(f"{name} = {_toml_value(ver)}")
    lines += ["", "[coefficients]",
              f"id = {_toml_value(res.coefficients['id'])}",
              f"version = {_toml_value(res.coefficients['version'])}",
              f"sha256 = {_toml_value(res.coefficients['sha256'])}",
              f"chain = {_toml_value(res.coefficients['chain'])}", "", "[input_hashes]"]
    for f, h in res.inputs.items():
        lines.append(f"{_toml_value(f)} = {_toml_value(h)}")
    return "\n".join(lines) + "\n"


def write_outputs(res, out: Path, formats=("json", "xlsx", "nc", "toml")) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    if "json" in formats:
        p = out / "summary.json"
        p.write_text(dumps(res.summary()), encoding="utf-8")
        written["summary.json"] = p
    if "xlsx" in formats:
        from .excel import write_excel

        p = out / "accounts.xlsx"
        write_excel(res, p)
        written["accounts.xlsx"] = p
    if "nc" in formats:
        p = out / "accounts.nc"
        write_netcdf(res.to_dataset(), p)  # to_netcdf's bytes, without importing dask.distributed
        written["accounts.nc"] = p
    if "json" in formats and res.extra.get("boundaries") is not None:
        p = out / "regions.geojson"  # the regions' polygons (longitude/latitude): the report draws its maps from them
        p.write_text(json.dumps(res.extra["boundaries"], ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        written["regions.geojson"] = p
    if "toml" in formats:
        p = out / "run.toml"
        p.write_text(run_toml(res), encoding="utf-8")
        written["run.toml"] = p
    return written

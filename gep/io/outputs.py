"""Write an account's outputs: summary.json, accounts.xlsx, accounts.nc, run.toml (and maps).

:func:`write_outputs` and :func:`write_maps` replace their folder as one step
(:class:`gep.io.safe_write.OutputFolder`): a reader sees the previous complete
set or the new one, never a mix. :func:`write_into` writes the files into a
folder as they are (the staging folder of a larger set, such as ``gep run``'s
``years/`` and ``maps/``).
"""

from __future__ import annotations

import json
import math
import platform
from pathlib import Path

from ..errors import GepError, problem
from .netcdf import write_netcdf
from .safe_write import OutputFolder, pause_for_tests
from .summary import dumps, total_key

__all__ = ["write_outputs", "write_into", "write_maps", "write_map_files", "run_toml", "non_finite_figures"]


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return '"' + "".join(_TOML_ESCAPES.get(ch) or (f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch)
                         for ch in str(v)) + '"'


#: TOML basic-string escapes; any other control character is written as \uXXXX, so a name holding a newline
#: cannot end the string and add keys to run.toml
_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


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


def non_finite_figures(summary: dict) -> list[str]:
    """Paths of the figures of a summary that are infinite, or missing where a figure must be (the total
    is under ``"esv"`` in an account that reports ESV, :func:`gep.io.summary.total_key`).

    The engine stops a service whose value is not finite; a sum of finite
    values can still overflow (two values near 1e308), and that must not be
    written as ``Infinity`` (not JSON) or as a silent ``null``.
    """
    bad = []

    def walk(obj, path):
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, f"{path}.{k}" if path else str(k))
        elif isinstance(obj, (list, tuple)):
            for i, v in enumerate(obj):
                walk(v, f"{path}[{i}]")
        elif isinstance(obj, float) and not math.isfinite(obj):
            bad.append(path)

    walk(summary, "")
    total = total_key(summary)  # "esv" for an account that reports ESV
    required = [(total,)] + [("by_category", k) for k in summary.get("by_category", {})]
    required += [("by_service", k, "value") for k in summary.get("by_service", {})]
    required += [("by_region", k, total) for k in summary.get("by_region", {})]
    for keys in required:
        obj = summary
        for key in keys:
            obj = obj.get(key) if isinstance(obj, dict) else None
        path = ".".join(keys)
        if obj is None and path not in bad:
            bad.append(path)
    return bad


def _checked_summary(summary: dict) -> str:
    bad = non_finite_figures(summary)
    if bad:
        shown = ", ".join(bad[:8]) + (" …" if len(bad) > 8 else "")
        raise GepError(problem(
            "non_finite_result", f"核算结果中有无穷大或缺失的数值：{shown}",
            f"the account has infinite or missing figures: {shown}", value=bad[:8],
            hint_zh="检查输入中是否有过大的数值（如 1e308）或单位错误",
            hint_en="check the inputs for absurdly large numbers (such as 1e308) or wrong units"))
    return dumps(summary)


def write_into(res, folder: Path, formats=("json", "xlsx", "nc", "toml")) -> dict[str, Path]:
    """Write the outputs into ``folder`` as they are (created if needed; files replaced one by one).

    Prefer :func:`write_outputs`, which replaces a folder as one step; this is
    for filling its staging folder.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    summary = res.summary() if ("json" in formats or "xlsx" in formats) else None  # one summary for both
    text = _checked_summary(summary) if "json" in formats else None
    if "json" in formats:
        p = folder / "summary.json"
        p.write_text(text, encoding="utf-8")
        written["summary.json"] = p
        pause_for_tests("write")
    if "xlsx" in formats:
        from .excel import write_excel

        p = folder / "accounts.xlsx"
        write_excel(res, p, summary=summary)
        written["accounts.xlsx"] = p
    if "nc" in formats:
        p = folder / "accounts.nc"
        write_netcdf(res.to_dataset(), p)  # to_netcdf's bytes, without importing dask.distributed
        written["accounts.nc"] = p
    if "json" in formats and res.extra.get("boundaries") is not None:
        p = folder / "regions.geojson"  # the regions' polygons (longitude/latitude): the report draws its maps from them
        p.write_text(json.dumps(res.extra["boundaries"], ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        written["regions.geojson"] = p
    if "toml" in formats:
        p = folder / "run.toml"
        p.write_text(run_toml(res), encoding="utf-8")
        written["run.toml"] = p
    return written


def write_outputs(res, out: Path, formats=("json", "xlsx", "nc", "toml"), *, wait: bool = False) -> dict[str, Path]:
    """Replace the folder ``out`` with the outputs of ``res``, as one step.

    ``out`` holds the previous complete set until the new one is complete; a
    second writer into ``out`` fails at once with :class:`~gep.errors.OutputBusy`
    (or waits with ``wait=True``). See :class:`gep.io.safe_write.OutputFolder`.
    """
    with OutputFolder(out, wait=wait) as dest:
        staged = write_into(res, dest.staging, formats)
        dest.commit()
    return {k: dest.path(v) for k, v in staged.items()}


def write_map_files(res, folder: Path) -> dict[str, Path]:
    """Write the per-pixel maps of ``res`` (``<service>.tif``) into ``folder`` as they are."""
    from .rasters import write_raster_chunked

    folder = Path(folder)
    return {sid: write_raster_chunked(da, folder / f"{sid}.tif") for sid, da in res.extra.get("maps", {}).items()}


def write_maps(res, out: Path, *, wait: bool = False) -> dict[str, Path]:
    """Replace the folder ``out`` with the per-pixel maps of ``res``, as one step."""
    with OutputFolder(out, wait=wait, kind="maps") as dest:
        staged = write_map_files(res, dest.staging)
        dest.commit()
    return {k: dest.path(v) for k, v in staged.items()}

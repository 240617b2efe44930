"""The figures decisions rest on, gathered from an account: one tidy table.

:func:`gather` reads what an account computed -- from an
:class:`~gep.AccountResult`, the result of :func:`gep.run_years`, or the
output folder of ``gep run`` (``summary.json``, ``accounts.nc``,
``accounts.xlsx`` and ``years/<year>/`` for the earlier years of a
multi-year run) -- into :class:`Figures`:

* ``table``: one row per year × region × indicator × price basis, with the
  value in the indicator's canonical unit (元, 元/km², 元/人, %, 1);
* ``quality``: per year and region, the share of GEP that rests on
  illustrative (and on unverified) data;
* ``draws``: Monte Carlo draws of a figure, when the account has them.

Money figures carry the year whose prices they are in (``price_year``):
the prices the account was run in, and, for a multi-year run, the constant
prices its year-on-year comparison used. GEP growth is only ever taken
from that constant-price comparison, so inflation is not growth.

Both routes (in memory and from a folder) go through the same
``summary.json`` contract, so they give the same figures.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..errors import InputFileError, problem

__all__ = ["Figures", "gather", "FIGURE_UNITS", "COUNTY"]

#: canonical unit of each figure
FIGURE_UNITS = {
    "gep": "元",
    "regulating_gep": "元",
    "gep_per_area": "元/km²",
    "gep_per_resident": "元/人",
    "gep_gdp_ratio": "1",
    "gep_growth": "%",
    "gdp": "元",
}

#: level label of the root region
COUNTY = "county"
TOWNSHIP = "township"


def _num(x) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _price_year(prices: str, year: int) -> int | None:
    prices = str(prices)
    if prices == "current":
        return int(year)
    if prices.startswith("constant:"):
        return int(prices.split(":", 1)[1])
    return None


@dataclass
class Figures:
    """Figures of an account by year, region, indicator and price basis.

    Attributes
    ----------
    name : dict
        ``{"zh", "en"}`` name of the account.
    root : str
        Id of the root region (the county).
    names : dict
        Region id -> ``{"zh", "en", "level"}`` (level ``county`` or ``township``).
    years : list of int
    prices : dict
        Year -> the prices the account of that year was run in.
    table : pandas.DataFrame
        ``year, region, indicator, price_year, value, unit, from_year`` (the
        earlier year of a growth figure), ``note``.
    quality : pandas.DataFrame
        ``year, region, illustrative_share, unverified_share, basis`` (shares
        in [0, 1]; basis ``summary.quality`` or ``provenance``; NaN when
        unknown).
    draws : dict
        ``(year, region, indicator, price_year)`` -> 1-D array of draws in the
        canonical unit.
    source : str
        Where the figures come from (an output folder, or ``<in-memory>``).
    """

    name: dict
    root: str
    names: dict
    years: list
    prices: dict
    table: pd.DataFrame
    quality: pd.DataFrame
    draws: dict = field(default_factory=dict)
    source: str = "<in-memory>"
    county_indicators: dict = field(default_factory=dict)
    #: year -> what the account of that year reports: ``"GEP"``, or ``"ESV"`` (supporting services counted, not GEP)
    measures: dict = field(default_factory=dict)
    _rows_of: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_summaries(cls, summaries: Mapping, values: Mapping | None = None, provenance: Mapping | None = None,
                       source: str = "<in-memory>") -> "Figures":
        """Figures of ``{year: summary dict}`` (the ``summary.json`` contract), with optional
        ``{year: value DataArray (service × region [× draw], 元, with a category coordinate)}`` and
        ``{year: provenance DataFrame (service, for_region, status)}`` for the quality flags."""
        return _from_summaries({int(k): v for k, v in summaries.items()},
                               {int(k): v for k, v in (values or {}).items()},
                               {int(k): v for k, v in (provenance or {}).items()}, source)

    @property
    def townships(self) -> list[str]:
        return [r for r, v in self.names.items() if v["level"] == TOWNSHIP]

    def lookup(self, year: int, region: str, indicator: str) -> pd.DataFrame:
        """The rows of one figure (one per price basis), in the table's order."""
        t = self.table
        if self._rows_of is None or self._rows_of[0] is not t or self._rows_of[1] is not t.index:
            # positions of each (year, region, indicator), found once per table (and per row index: a table
            # changed in place gets a new one): an appraisal looks up hundreds of figures
            rows: dict = {}
            for i, key in enumerate(zip(t["year"].tolist(), t["region"].tolist(), t["indicator"].tolist())):
                rows.setdefault(key, []).append(i)
            self._rows_of = (t, t.index, rows)
        return t.iloc[self._rows_of[2].get((year, region, indicator), [])]

    def value(self, year: int, region: str, indicator: str, price_year: int | None = None) -> float | None:
        rows = self.lookup(year, region, indicator)
        if price_year is not None:
            rows = rows[rows["price_year"] == price_year]
        return None if rows.empty else _num(rows.iloc[0]["value"])

    def quality_of(self, year: int, region: str) -> dict:
        q = self.quality
        rows = q[(q["year"] == year) & (q["region"] == region)]
        if rows.empty:
            return {"illustrative_share": None, "unverified_share": None, "basis": ""}
        r = rows.iloc[0]
        return {"illustrative_share": _num(r["illustrative_share"]), "unverified_share": _num(r["unverified_share"]),
                "basis": r["basis"]}


# ----------------------------------------------------------------- building
class _Builder:
    def __init__(self):
        self.rows: list[dict] = []
        self.draws: dict = {}

    def add(self, year, region, indicator, value, price_year=None, *, from_year=None, note="", draws=None):
        self.rows.append({"year": int(year), "region": str(region), "indicator": indicator,
                          "price_year": None if price_year is None else int(price_year), "value": _num(value),
                          "unit": FIGURE_UNITS.get(indicator, ""), "from_year": from_year, "note": note})
        if draws is not None:
            self.draws[(int(year), str(region), indicator, None if price_year is None else int(price_year))] = \
                np.asarray(draws, dtype=float).ravel()

    def frame(self) -> pd.DataFrame:
        t = pd.DataFrame(self.rows, columns=["year", "region", "indicator", "price_year", "value", "unit", "from_year",
                                             "note"])
        t["price_year"] = pd.array(t["price_year"], dtype="Int64")
        t["from_year"] = pd.array(t["from_year"], dtype="Int64")
        # the same figure reached twice (e.g. the first year's constant prices are its own prices): keep one
        return t.drop_duplicates(subset=["year", "region", "indicator", "price_year"], keep="first").reset_index(drop=True)


def _ratio(a, b):
    a, b = _num(a), _num(b)
    return None if a is None or not b else a / b


def _add_levels(b: _Builder, year: int, region: str, gep, regulating, area, population, gdp, price_year, draws=None):
    """Money figures of one region in one price basis (and the ratio, which has none)."""
    d = draws or {}
    b.add(year, region, "gep", gep, price_year, draws=d.get("gep"))
    b.add(year, region, "regulating_gep", regulating, price_year, draws=d.get("regulating"))
    b.add(year, region, "gep_per_area", _ratio(gep, area), price_year,
          draws=None if d.get("gep") is None or not _num(area) else d["gep"] / float(area))
    b.add(year, region, "gep_per_resident", _ratio(gep, population), price_year,
          draws=None if d.get("gep") is None or not _num(population) else d["gep"] / float(population))
    if gdp is not None:
        b.add(year, region, "gdp", gdp, price_year)


def _add_year(b: _Builder, year: int, s: dict, root: str, value_draws=None) -> None:
    basis = _price_year(s.get("prices", "current"), year)
    ind = s.get("indicators", {}) or {}
    gdp_c = ((ind.get("gep_gdp_ratio") or {}).get("components") or {}).get("gdp_yuan")
    pop_c = ((ind.get("gep_per_resident") or {}).get("components") or {}).get("population")
    draws = value_draws or {}
    _add_levels(b, year, root, s.get("gep"), (s.get("by_category") or {}).get("regulating", 0.0),
                s.get("land_area_km2"), pop_c, gdp_c, basis, draws.get(root))
    b.add(year, root, "gep_gdp_ratio", _ratio(s.get("gep"), gdp_c),
          draws=None if draws.get(root, {}).get("gep") is None or not _num(gdp_c) else draws[root]["gep"] / gdp_c)
    for reg, r in (s.get("by_region") or {}).items():
        cats = r.get("by_category")
        regulating = None if cats is None else cats.get("regulating", 0.0)
        _add_levels(b, year, reg, r.get("gep"), regulating, r.get("land_area_km2"), r.get("population"),
                    r.get("gdp"), basis, draws.get(reg))
        b.add(year, reg, "gep_gdp_ratio", _ratio(r.get("gep"), r.get("gdp")),
              draws=None if draws.get(reg, {}).get("gep") is None or not _num(r.get("gdp"))
              else draws[reg]["gep"] / float(r["gdp"]),
              note="" if _num(r.get("gdp")) else "no GDP for this region in the regions table")
    yoy = s.get("year_on_year")
    if not yoy:
        return
    const = _price_year(yoy.get("prices", ""), year) if str(yoy.get("prices", "")).startswith("constant:") else None
    if const is None:
        return  # a comparison in current prices would count inflation as growth: no growth figures
    a, bb = int(yoy["from"]), int(yoy["to"])
    gdp = yoy.get("gdp") or {}
    total = yoy.get("esv" if s.get("measure") == "ESV" else "gep") or {}  # an ESV account's is not GEP: not judged
    county_a = {"gep": total.get("a"), "regulating": (yoy.get("by_category", {}).get("regulating") or {}).get("a", 0.0)}
    county_b = {"gep": total.get("b"), "regulating": (yoy.get("by_category", {}).get("regulating") or {}).get("b", 0.0)}
    for yr, vals, g in ((a, county_a, gdp.get("a")), (bb, county_b, gdp.get("b"))):
        _add_levels(b, yr, root, vals["gep"], vals["regulating"], s.get("land_area_km2"), pop_c if yr == year else None,
                    g, const)
    b.add(year, root, "gep_growth", _growth(county_a["gep"], county_b["gep"]), const, from_year=a)
    for reg, r in (yoy.get("by_region") or {}).items():
        area = (s.get("by_region", {}).get(reg) or {}).get("land_area_km2")
        pop = (s.get("by_region", {}).get(reg) or {}).get("population")
        cats = r.get("by_category") or {}
        for yr, key in ((a, "a"), (bb, "b")):
            _add_levels(b, yr, reg, r[key], (cats.get("regulating") or {}).get(key, 0.0), area,
                        pop if yr == year else None, None, const)
        b.add(year, reg, "gep_growth", _growth(r["a"], r["b"]), const, from_year=a)


def _growth(a, b):
    a, b = _num(a), _num(b)
    if a is None or b is None or a <= 0:
        return None
    return (b / a - 1.0) * 100.0


def _county_indicators(s: dict) -> dict:
    """The Two-Mountains indicators the account computed for the county (value, unit, labels)."""
    return {k: {"value": _num(v.get("value")), "unit": v.get("unit", ""), "label": v.get("label", {}),
                "missing": v.get("missing", [])}
            for k, v in (s.get("indicators") or {}).items()}


# ------------------------------------------------------------------ quality
def _status_shares(values: pd.DataFrame, provenance: pd.DataFrame | None, leaves: list[str]) -> pd.DataFrame:
    """Share of each leaf's GEP whose service uses an illustrative (unverified) coefficient row for it.

    ``values``: service × region in 元. A provenance row applies to a leaf when
    its ``for_region`` is that leaf, or is not a leaf (the root, ``*`` or
    empty: every leaf). A service's whole value in a leaf counts as resting on
    illustrative data when one of its rows for that leaf is illustrative: a
    product of factors is only as good as its weakest one.
    """
    out = []
    prov = provenance if provenance is not None else pd.DataFrame(columns=["service", "for_region", "status"])
    for col in ("service", "for_region", "status"):
        if col not in prov:
            prov = prov.assign(**{col: None})
    prov = prov[["service", "for_region", "status"]].copy()
    prov["for_region"] = prov["for_region"].fillna("").astype(str)
    prov["status"] = prov["status"].fillna("").astype(str)
    leafset = set(leaves)
    for reg in leaves + ["__total__"]:
        regs = leaves if reg == "__total__" else [reg]
        total = float(values[regs].to_numpy().sum()) if len(values) else 0.0
        shares = {}
        for status in ("illustrative", "unverified"):
            flagged = 0.0
            for r in regs:
                applies = prov[(prov["for_region"] == r) | ~prov["for_region"].isin(leafset)]
                services = set(applies.loc[applies["status"] == status, "service"])
                flagged += float(values.loc[values.index.isin(services), r].sum())
            shares[status] = flagged / total if total > 0 else 0.0
        out.append({"region": reg, "illustrative_share": shares["illustrative"],
                    "unverified_share": shares["unverified"], "basis": "provenance"})
    return pd.DataFrame(out)


def _quality_from_summary(s: dict, leaves: list[str], root: str) -> pd.DataFrame | None:
    """``summary.json["quality"]["by_region"]`` (status -> share of the region's GEP), when a run wrote it."""
    q = (s.get("quality") or {})
    by_region = q.get("by_region") if isinstance(q, Mapping) else None
    if not isinstance(by_region, Mapping) or not by_region:
        return None

    def share(mix, status):
        v = _num((mix or {}).get(status)) if isinstance(mix, Mapping) else None
        if v is None:
            return 0.0
        return v / 100.0 if v > 1.0 else v

    rows = [{"region": r, "illustrative_share": share(by_region.get(r), "illustrative"),
             "unverified_share": share(by_region.get(r), "unverified"), "basis": "summary.quality"}
            for r in leaves if r in by_region]
    if len(rows) != len(leaves):
        return None
    overall = q.get("gep") if isinstance(q.get("gep"), Mapping) else None
    if overall is not None:
        rows.append({"region": root, "illustrative_share": share(overall, "illustrative"),
                     "unverified_share": share(overall, "unverified"), "basis": "summary.quality"})
    return pd.DataFrame(rows)


def _quality(year: int, s: dict, values, provenance, leaves: list[str], root: str) -> pd.DataFrame:
    q = _quality_from_summary(s, leaves, root)
    if q is None:
        if values is None:
            q = pd.DataFrame([{"region": r, "illustrative_share": np.nan, "unverified_share": np.nan, "basis": ""}
                              for r in leaves + [root]])
        else:
            q = _status_shares(values, provenance, leaves)
            q.loc[q["region"] == "__total__", "region"] = root
    q.insert(0, "year", int(year))
    return q


def _values_frame(da) -> pd.DataFrame | None:
    """service × region values (元) of a DataArray, summing any draw dimension away by its mean."""
    if da is None:
        return None
    if "draw" in da.dims:
        da = da.mean("draw")
    return da.transpose("service", "region").to_pandas()


def _value_draws(da, root: str) -> dict:
    """Per-region draws of GEP and of regulating-service GEP from a ``value(draw, service, region)`` array."""
    if da is None or "draw" not in da.dims:
        return {}
    out = {}
    cat = da["category"] if "category" in da.coords else None
    gep = da.sum("service") if "service" in da.dims else da
    reg = da.where(cat == "regulating", 0.0).sum("service") if cat is not None else None
    for r in map(str, gep.region.values):
        out[r] = {"gep": gep.sel(region=r).values, "regulating": None if reg is None else reg.sel(region=r).values}
    out[root] = {"gep": gep.sum("region").values, "regulating": None if reg is None else reg.sum("region").values}
    return out


# ----------------------------------------------------------------- sources
def _from_summaries(summaries: dict, values: dict, provenance: dict, source: str) -> Figures:
    years = sorted(summaries)
    latest = summaries[years[-1]]
    root = latest.get("root") or "county"
    names = {root: {"zh": latest["name"].get("zh", ""), "en": latest["name"].get("en", ""), "level": COUNTY}}
    b = _Builder()
    quality = []
    county_ind = {}
    for y in years:
        s = summaries[y]
        for reg, r in (s.get("by_region") or {}).items():
            names.setdefault(reg, {"zh": r["name"].get("zh", ""), "en": r["name"].get("en", ""), "level": TOWNSHIP})
        da = values.get(y)
        _add_year(b, y, s, root, _value_draws(da, root))
        leaves = list(s.get("by_region") or {})
        quality.append(_quality(y, s, _values_frame(da), provenance.get(y), leaves, root))
        county_ind[y] = _county_indicators(s)
    table = b.frame()
    return Figures(name=dict(latest.get("name", {})), root=root, names=names, years=years,
                   prices={y: summaries[y].get("prices", "current") for y in years}, table=table,
                   quality=pd.concat(quality, ignore_index=True), draws=b.draws, source=source,
                   county_indicators=county_ind,
                   measures={y: "ESV" if summaries[y].get("measure") == "ESV" else "GEP" for y in years})


def _from_results(results: Mapping[int, Any]) -> Figures:
    summaries, values, provenance = {}, {}, {}
    for y, res in results.items():
        summaries[int(y)] = res.summary()
        da = res.value
        if "category" not in da.coords and len(res.services):
            da = da.assign_coords(category=("service", res.services["category"].reindex(da.service.values).to_numpy()))
        values[int(y)] = da
        provenance[int(y)] = res.provenance
    return _from_summaries(summaries, values, provenance, "<in-memory>")


def _read_provenance(xlsx: Path) -> pd.DataFrame | None:
    """The coefficients sheet of ``accounts.xlsx`` (service, for_region, status), or None."""
    if not xlsx.is_file():
        return None
    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True, data_only=True)
    try:
        title = next((t for t in wb.sheetnames if t.startswith("系数")), None)
        if title is None:
            return None
        rows = list(wb[title].iter_rows(values_only=True))
    finally:
        wb.close()
    header_at = next((i for i, r in enumerate(rows) if r and "状态 Status" in r), None)
    if header_at is None:
        return None
    header = list(rows[header_at])
    width = len(header)  # a row ends at its last written cell: the empty cells after it are empty
    frame = pd.DataFrame([tuple(r[:width]) + (None,) * (width - len(r)) for r in rows[header_at + 1:]],
                         columns=header)
    cols = {"服务 Service": "service", "用于地区 For region": "for_region", "状态 Status": "status"}
    return frame[[c for c in cols if c in frame]].rename(columns=cols)


def _read_values(nc: Path):
    if not nc.is_file():
        return None
    from ..io.netcdf import load_netcdf

    return load_netcdf(nc)["value"]


def _read_summary(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputFileError(problem("bad_summary", f"无法读取 {path.name}：{exc}", f"cannot read {path.name}: {exc}",
                                     file=str(path), hint_zh="用 gep run 重新生成输出目录",
                                     hint_en="write the output folder again with gep run")) from None


def from_output_folder(out: str | Path) -> Figures:
    """Figures of the output folder of ``gep run`` (one year, or several with ``years/<year>/``)."""
    out = Path(out)
    main = out / "summary.json"
    if not main.is_file():
        raise InputFileError(problem(
            "not_a_run_output", f"{out} 不是 gep run 的输出目录（没有 summary.json）",
            f"{out} is not an output folder of gep run (no summary.json)", file=str(out),
            hint_zh="先运行 gep run CONFIG --out 目录，再对该目录操作",
            hint_en="run gep run CONFIG --out FOLDER first, then point at that folder"))
    folders = {}
    latest = _read_summary(main)
    folders[int(latest["year"])] = (out, latest)
    years_dir = out / "years"
    if years_dir.is_dir():
        for sub in sorted(years_dir.iterdir()):
            if (sub / "summary.json").is_file():
                s = _read_summary(sub / "summary.json")
                folders[int(s["year"])] = (sub, s)
    summaries = {y: s for y, (_, s) in folders.items()}
    values = {y: _read_values(f / "accounts.nc") for y, (f, _) in folders.items()}
    provenance = {y: _read_provenance(f / "accounts.xlsx") for y, (f, _) in folders.items()}
    return _from_summaries(summaries, values, provenance, str(out))


def gather(result_or_out) -> Figures:
    """:class:`Figures` of an AccountResult, a multi-year result, or a ``gep run`` output folder."""
    if isinstance(result_or_out, Figures):
        return result_or_out
    if isinstance(result_or_out, (str, Path)):
        return from_output_folder(result_or_out)
    if hasattr(result_or_out, "results") and isinstance(getattr(result_or_out, "results"), Mapping):
        return _from_results(result_or_out.results)
    if hasattr(result_or_out, "summary") and hasattr(result_or_out, "provenance"):
        return _from_results({result_or_out.year: result_or_out})
    raise TypeError("expected an AccountResult, the result of gep.run_years, or a gep run output folder, "
                    f"not {type(result_or_out).__name__}")

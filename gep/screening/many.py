"""Many counties at once: one independent screening per county, mapped by dask.

:func:`screen_many` puts the county codes in a :mod:`dask.bag` and maps
:func:`county_record` over them: each task reads its own outline and window of
land cover, builds and runs its own account, and returns one flat record. The
same bag runs on the local process pool, on threads, synchronously (tests), or
on a ``dask.distributed`` cluster given by its scheduler address
(``tcp://host:8786``) or a :class:`distributed.Client` — the path for users
who outgrow one machine (every worker needs gep with the ``[china]`` extra).

A county whose screening fails (a bad outline, land-cover fill) gives a record
with its problems instead of numbers: it is listed, never dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import GepError
from .county import BANNER, LIMITS, SCHEME, YEAR, ecosystem_areas, measure_of, screen_code, screening_warnings
from .landcover import IGBP_CLASSES
from .sources import require, sources_record

__all__ = ["county_record", "screen_many", "ScreeningTable", "SCHEDULERS"]

#: Local dask schedulers; anything else must be a scheduler address or a distributed Client.
SCHEDULERS = ("processes", "threads", "synchronous")
_CATEGORIES = ("provisioning", "regulating", "cultural", "supporting")


def county_record(code: str, profile: str = "xie2015-gep") -> dict:
    """Screen one county and flatten the outcome into one table row.

    Columns: identity (``code, name, province, prefecture, province_code,
    prefecture_code``), areas in km² (``outline_km2, classified_km2,
    nodata_km2, water_km2, igbp_<k>_km2``, ``eco_<type>_km2``), the coverage
    check (``coverage_gap``), values in 元 at 2019 prices (``<service>_yuan``,
    ``<category>_yuan``, ``total_yuan``), ``per_area_wan_yuan_per_km2`` and
    ``unverified_share`` (share of the value resting on unverified rows);
    ``water_share`` and ``warnings`` (codes of
    :func:`~gep.screening.county.screening_warnings`, ``;``-separated);
    ``status`` is ``"ok"`` or the first problem's code (then ``problems``
    holds them all and the numbers are missing).
    """
    try:
        s = screen_code(code, profile)
    except GepError as exc:
        from .divisions import counties

        row = counties().loc[code] if code in counties().index else {}
        return {"code": code, **{k: str(row[k]) for k in ("name", "province", "prefecture", "province_code",
                                                           "prefecture_code") if k in row},
                "status": exc.problems[0].code, "problems": [p.to_dict() for p in exc.problems]}
    lc, res, d = s.land_cover, s.result, s.division
    rec = {k: str(d[k]) for k in ("code", "name", "province", "prefecture", "province_code", "prefecture_code")}
    rec.update(status="ok", measure=s.measure, outline_km2=lc.outline_area_km2, classified_km2=lc.classified_km2,
               nodata_km2=lc.nodata_km2, water_km2=lc.water_km2, water_share=lc.water_km2 / lc.outline_area_km2,
               coverage_gap=lc.coverage_gap, cells=lc.cells, cell_equivalents=lc.cell_equivalents,
               warnings=";".join(w["code"] for w in screening_warnings(lc)))
    rec.update({f"igbp_{k}_km2": float(lc.class_area_km2[k]) for k in range(IGBP_CLASSES)})
    areas = ecosystem_areas(lc).sel(region=code)  # km²
    rec.update({f"eco_{e}_km2": float(areas.sel(ecosystem=e)) for e in areas.ecosystem.values})
    rec.update({f"{sid}_yuan": float(v) for sid, v in res.by_service.items()})
    cats = res.by_category
    rec.update({f"{c}_yuan": float(cats.get(c, 0.0)) for c in _CATEGORIES})
    rec["total_yuan"] = res.total
    rec["per_area_wan_yuan_per_km2"] = res.total / 1e4 / lc.outline_area_km2
    shares = s.screening_section()["quality"]["value_share_by_status"]
    rec["unverified_share"] = float(shares.get("unverified", 0.0) + shares.get("illustrative", 0.0))
    return rec


def _client_for(scheduler):
    """A distributed Client for an address, the Client itself, or None for a local scheduler."""
    if scheduler is None or (isinstance(scheduler, str) and scheduler in SCHEDULERS):
        return None, False
    if isinstance(scheduler, str):
        from distributed import Client

        return Client(scheduler), True
    return scheduler, False  # a distributed.Client given by the caller


def screen_many(codes, *, profile: str = "xie2015-gep", scheduler="processes", partition_size: int = 8,
                scope: dict | None = None) -> "ScreeningTable":
    """Screen many counties, each independently, with dask.

    Parameters
    ----------
    codes : iterable of str
        County codes (e.g. ``gep.screening.counties("33").index``).
    profile : {"xie2015-gep", "xie2015-esv"}
    scheduler : str or distributed.Client
        ``"processes"`` (default), ``"threads"``, ``"synchronous"``, a
        scheduler address ``"tcp://host:8786"``, or a Client.
    partition_size : int
        Counties per dask task.
    scope : dict, optional
        What was screened, for the records (e.g. ``{"province": "330000"}``).

    Returns
    -------
    ScreeningTable
    """
    import dask.bag as db

    require()
    measure_of(profile)  # an unknown profile fails here, not in every task
    from .county import _check_profile

    _check_profile(profile)
    codes = [str(c) for c in codes]
    from ..errors import problem
    from .divisions import counties
    from .errors import UnknownDivision

    unknown = [c for c in codes if c not in counties().index]
    if unknown:
        raise UnknownDivision(problem(
            "unknown_county_codes", f"{len(unknown)} 个代码不是县级行政区：{', '.join(unknown[:20])}",
            f"{len(unknown)} codes are not county-level divisions: {', '.join(unknown[:20])}", value=unknown[:20],
            hint_zh="用 gep.screening.counties() 列出全部县级代码", hint_en="gep.screening.counties() lists every county code"))
    client, owned = _client_for(scheduler)
    try:
        bag = db.from_sequence(codes, partition_size=max(1, int(partition_size))).map(county_record, profile=profile)
        if client is not None:
            records = bag.compute(scheduler=client.get)
        else:
            records = bag.compute(scheduler=scheduler or "processes")
    finally:
        if owned:
            client.close()
    return ScreeningTable(records=list(records), profile=profile, scope=dict(scope or {"counties": len(codes)}))


@dataclass
class ScreeningTable:
    """The screenings of many counties: one record each.

    Attributes
    ----------
    records : list of dict
        :func:`county_record` of every county, in the order asked.
    profile : str
    scope : dict
    """

    records: list[dict]
    profile: str
    scope: dict = field(default_factory=dict)

    @property
    def measure(self) -> str:
        return measure_of(self.profile)

    @property
    def frame(self) -> pd.DataFrame:
        """One row per county (index: code); failed counties keep their row with ``status`` and no numbers."""
        frame = pd.DataFrame([{k: v for k, v in r.items() if k != "problems"} for r in self.records])
        return frame.set_index("code", drop=False).rename_axis(None)

    @property
    def failures(self) -> list[dict]:
        return [r for r in self.records if r.get("status") != "ok"]

    def by_province(self) -> pd.DataFrame:
        """Totals by province: counties, outline area [km²], value [元], value per area [万元/km²]."""
        ok = self.frame[self.frame["status"] == "ok"]
        g = ok.groupby(["province_code", "province"], sort=True)
        out = g.agg(counties=("code", "size"), outline_km2=("outline_km2", "sum"), total_yuan=("total_yuan", "sum"))
        out["per_area_wan_yuan_per_km2"] = out["total_yuan"] / 1e4 / out["outline_km2"]
        return out.reset_index()

    def meta(self) -> dict:
        """Everything a reader of the table needs: banner, measure, units, sources, limits."""
        from .. import __version__, load_coefficients

        cs = load_coefficients("xie-2015")
        return {
            "gep_version": __version__,
            "title": {"zh": f"县域生态系统服务一级筛查（{self.measure}）", "en": f"County tier-1 screening ({self.measure})"},
            "banner": dict(BANNER),
            "tier": "tier-1 screening",
            "measure": self.measure,
            "profile": self.profile,
            "coefficients": {"id": cs.id, "version": cs.version},
            "scheme": SCHEME,
            "year": YEAR,
            "prices": f"current ({YEAR})",
            "currency": "CNY",
            "scope": dict(self.scope),
            "units": {"*_km2": "km²", "*_yuan": "元 (CNY, 2019 prices)", "per_area_wan_yuan_per_km2": "万元/km²",
                      "coverage_gap": "1 ((classified + nodata − outline) / outline)",
                      "unverified_share": "1 (share of value on unverified or illustrative coefficient rows)",
                      "water_share": "1 (water_km2 / outline_km2)"},
            "warnings": {"water_dominated": "more than 25 % of the outline on water cells (IGBP 0, sea included)",
                         "land_cover_nodata": "part of the outline on land-cover fill cells, not valued",
                         "few_cells": "the outline is the size of fewer than 4 cells of 0.05°"},
            "limits": list(LIMITS),
            "data_sources": sources_record(),
            "counties": len(self.records),
            "failed": len(self.failures),
        }

    def to_records(self) -> dict:
        """``screening.json``: :meth:`meta` and one record per county."""
        return {**self.meta(), "records": self.records}

    def write(self, out_dir, *, map_title: str | None = None, map_png: bool = True) -> dict[str, Path]:
        """Write ``screening.csv``, ``screening.parquet`` (when pyarrow is installed), ``screening.json``,
        ``provinces.csv`` and ``map.png`` (the choropleth of value per km²)."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = {}
        frame = self.frame
        p = out / "screening.csv"
        with open(p, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write(f"# {BANNER['zh']} / {BANNER['en']}\n")
            frame.to_csv(fh, index=False)
        written["screening.csv"] = p
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            pass
        else:
            p = out / "screening.parquet"
            table = frame.copy()
            table.attrs = {}
            table.to_parquet(p, index=False)
            written["screening.parquet"] = p
        p = out / "screening.json"
        p.write_text(json.dumps(self.to_records(), ensure_ascii=False, indent=1, default=float) + "\n", encoding="utf-8")
        written["screening.json"] = p
        p = out / "provinces.csv"
        with open(p, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write(f"# {BANNER['zh']} / {BANNER['en']}\n")
            self.by_province().to_csv(fh, index=False)
        written["provinces.csv"] = p
        if map_png:
            from .maps import choropleth

            written["map.png"] = choropleth(self, out / "map.png", title=map_title)
        return written

    def __repr__(self) -> str:
        ok = len(self.records) - len(self.failures)
        return (f"<ScreeningTable {ok} counties screened, {len(self.failures)} failed; {self.measure}, 2019, "
                f"tier-1 screening, not an account>")

"""What a profile needs: every input table and column, every coefficient key, and who provides it.

``gep needs PROFILE [--region CODE]`` and the generated page per profile
(``docs/reference/needs/<profile>.md``) answer, before any data is gathered:
which tables must the county prepare, with which columns; which coefficient
keys do the profile's services resolve; which of them does the profile's
default coefficient set provide (for the region, when a code is given); and
which must the county supply in its own set. It is read from the services'
declarations (``Method.inputs``, ``Method.coefficient_keys``), the key
declarations (``gep/data/keys``) and the set's rows -- nothing is typed twice.

Two levels: :func:`needs` per key (``gep needs``, the generated pages);
:func:`profile_needs` per coefficient row an account resolves (each ecosystem
type a per-area rate applies to, for one county and year), which ``gep init``
turns into the county set's rows to fill.

>>> from gep.account.needs import profile_needs
>>> rows = profile_needs("rcees-gep", region_code="330604", year=2021).to_supply
>>> ", ".join(sorted({n.key for n in rows})[:3])
'climate.cooling_days, climate.precipitation, param.seawall_lifetime'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import pandas as pd

from ..classifications import ecosystem_types
from ..coefficients import CoefficientSet, coefficient_keys, key_spec, load_coefficients
from ..coefficients.keys import KeySpec
from ..errors import GepError, MissingCoefficient
from ..regions import OPTIONAL as REGION_OPTIONAL
from ..regions import REQUIRED as REGION_REQUIRED
from ..regions import admin_chain
from ..services import get_service
from ..standards import load_profile

__all__ = ["Needs", "needs", "INPUT_TABLES", "TableNeed", "CoefficientNeed", "ProfileNeeds", "profile_needs", "TABLES"]

#: input kind -> (config key, zh, en, required columns, optional columns)
INPUT_TABLES: dict[str, tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = {
    "regions": ("[inputs] regions", "地区表", "region table",
                ("id", "parent", "name_zh", "name_en", "area", "area_unit"),
                ("code", "population", "population_unit", "gdp", "gdp_unit", "status", "source")),
    "land_use": ("[inputs] land_use", "土地利用表", "land-use table", ("region", "code", "area", "unit"), ("status",)),
    "statistics": ("[inputs] statistics", "统计表（统计年鉴格式）", "statistics table (yearbook style)",
                   ("地区 region", "项目 item", "产量 quantity | 产值 output_value", "单位 unit"),
                   ("单价 price", "价格单位 price_unit", "产值单位 value_unit", "年份 year", "状态 status",
                    "来源 source")),
    "economy": ("[inputs] economy", "经济与统计指标表", "economy table", ("indicator", "value", "unit", "status", "source"),
                ("label_zh", "note")),
    "physical": ("[inputs] physical", "给定实物量表", "given physical quantities", ("region", "service", "quantity", "unit"),
                 ("component", "source", "status")),
}

#: economy indicators named by method inputs ``economy:<what>``
ECONOMY_INPUTS = {
    "emissions": ("so2_emission", "nox_emission", "dust_emission", "cod_emission", "nh3n_emission", "tp_emission"),
}


@dataclass
class Needs:
    """What a profile needs (:func:`needs`).

    Attributes
    ----------
    profile : str
    services : pandas.DataFrame
        ``service, method, category, inputs, keys``.
    inputs : pandas.DataFrame
        ``input, config, zh, en, required_columns, optional_columns, services``.
    keys : pandas.DataFrame
        ``key, zh, en, unit, by_ecosystem, services, provided_by, ecosystems, regions, county_supplies, note``.
    coefficient_set : str
    region_code : str or None
    """

    profile: str
    services: pd.DataFrame
    inputs: pd.DataFrame
    keys: pd.DataFrame
    coefficient_set: str
    region_code: str | None = None

    @property
    def county_must_supply(self) -> list[str]:
        """Keys the profile's set does not provide for the region: the county's own set must."""
        return list(self.keys.loc[self.keys["county_supplies"], "key"])


def _region_chain(code: str | None) -> list[str]:
    if not code:
        return ["*"]
    code = str(code)
    out = [code]
    if len(code) == 6 and code.isdigit():
        out += [c for c in (code[:4] + "00", code[:2] + "0000") if c not in out]
    return out + ["*"]


def needs(profile: str, *, region_code: str | None = None, coefficients=None,
          services: dict | None = None) -> Needs:
    """What ``profile`` needs, and what its coefficient set provides for ``region_code``.

    Parameters
    ----------
    profile : str
        Profile id (``gep/standards``).
    region_code : str, optional
        GB/T 2260 code of the county: a key is *provided* when the set has a row
        for the county, its prefecture, its province or ``*``. Without a code,
        only ``*`` rows count.
    coefficients : str, path or CoefficientSet, optional
        The set to check (the profile's default set by default).
    services : mapping, optional
        ``[services]`` changes of a config (methods, added services, ``false`` to drop).

    Raises
    ------
    ConfigError, UnknownService, UnknownMethod, CoefficientError
        An unknown profile, service or method; a set that does not load.
    """
    prof = load_profile(profile)
    plan = _plan(prof, services)

    cset = coefficients if hasattr(coefficients, "resolve") else load_coefficients(coefficients or prof["coefficients"])
    chain = _region_chain(region_code)
    table = cset.table

    svc_rows, used_inputs, used_keys = [], {}, {}
    for sid, mname in plan:
        svc = get_service(sid)
        method = svc.method(mname)
        svc_rows.append({"service": sid, "method": mname, "category": svc.category,
                         "label_zh": svc.label["zh"], "label_en": svc.label["en"],
                         "inputs": ", ".join(method.inputs), "keys": ", ".join(method.coefficient_keys)})
        for inp in method.inputs:
            used_inputs.setdefault(inp, []).append(sid)
        for key in method.coefficient_keys:
            used_keys.setdefault(key, []).append(sid)

    input_rows = [_input_row("regions", ["(all)"])]
    seen = {"regions"}
    for inp, sids in used_inputs.items():
        kind, _, detail = inp.partition(":")
        if kind == "raster":
            input_rows.append({"input": inp, "config": f"[rasters] {detail}", "zh": f"栅格图层 {detail}",
                               "en": f"raster layer {detail}", "required_columns": "", "optional_columns": "",
                               "services": ", ".join(sids)})
            continue
        if kind == "economy":
            indicators = ECONOMY_INPUTS.get(detail, (detail,))
            input_rows.append({"input": inp, "config": "[inputs] economy", "zh": "经济与统计指标表中的指标",
                               "en": "indicators of the economy table", "required_columns": ", ".join(indicators),
                               "optional_columns": "", "services": ", ".join(sids)})
            continue
        if kind in INPUT_TABLES and kind not in seen:
            seen.add(kind)
            input_rows.append(_input_row(kind, [s for i, ss in used_inputs.items() if i.split(":")[0] == kind
                                                for s in ss]))

    key_rows = []
    for key, sids in used_keys.items():
        spec = key_spec(key) or coefficient_keys().get(key)
        rows = table[table["key"] == key]
        regions = sorted(set(map(str, rows["region"])))
        here = rows[rows["region"].astype(str).isin(chain)]
        by_eco = bool(spec and "ecosystem" in spec.indexed_by)
        ecos = sorted(set(map(str, here["ecosystem"])) - {"*"})
        provided = not here.empty
        note = ""
        if not provided and not rows.empty:
            note = (f"the set has rows for other regions only ({', '.join(regions[:5])}): supply the county's own "
                    f"/ 系数集只有其他地区的值，需补充本县的值")
        elif not provided:
            note = "no row in the set: the county supplies it / 系数集中没有，需由本县提供"
        elif by_eco and ecos:
            note = f"by ecosystem: {', '.join(ecos)}"
        key_rows.append({"key": key, "zh": spec.zh if spec else "", "en": spec.en if spec else "",
                         "unit": spec.unit if spec else "", "by_ecosystem": by_eco, "services": ", ".join(sids),
                         "provided_by": ", ".join(sorted(set(map(str, here.get("_set", pd.Series(dtype=str)))))) or
                         (cset.id if provided else ""),
                         "ecosystems": ", ".join(ecos), "regions": ", ".join(regions),
                         "county_supplies": not provided, "note": note})
    return Needs(profile=profile, services=pd.DataFrame(svc_rows), inputs=pd.DataFrame(input_rows),
                 keys=pd.DataFrame(key_rows), coefficient_set=cset.id, region_code=region_code)


def _input_row(kind: str, services: list[str]) -> dict:
    config, zh, en, req, opt = INPUT_TABLES[kind]
    return {"input": kind, "config": config, "zh": zh, "en": en, "required_columns": ", ".join(req),
            "optional_columns": ", ".join(opt), "services": ", ".join(dict.fromkeys(services))}


def needs_markdown(profile: str) -> str:
    """The generated docs page of a profile's needs (no region: what the shipped set provides everywhere)."""
    try:
        n = needs(profile)
    except GepError as exc:  # pragma: no cover - a shipped profile always loads
        return f"# {profile}\n\n{exc}\n"
    prof = load_profile(profile)

    def cell(x) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    out = [f"# What `{profile}` needs · 核算方案所需数据\n\n",
           f"{prof.get('title', {}).get('zh', '')} / {prof.get('title', {}).get('en', '')}. "
           f"Default coefficient set: `{n.coefficient_set}`. Generated from the services' declarations "
           f"(`gep needs {profile}` prints the same, and `--region CODE` checks the set for a county).\n\n",
           "## Input tables · 输入表\n\n| input | config | 表 | table | required columns | optional | services |\n"
           "|---|---|---|---|---|---|---|\n"]
    for _, r in n.inputs.iterrows():
        out.append(f"| `{r['input']}` | {cell(r['config'])} | {cell(r['zh'])} | {cell(r['en'])} | "
                   f"{cell(r['required_columns'])} | {cell(r['optional_columns'])} | {cell(r['services'])} |\n")
    out.append("\n## Coefficient keys · 系数\n\n"
               "| key | 中文 | English | unit | services | provided by the set | county supplies | note |\n"
               "|---|---|---|---|---|---|---|---|\n")
    for _, r in n.keys.iterrows():
        out.append(f"| `{r['key']}` | {cell(r['zh'])} | {cell(r['en'])} | {cell(r['unit'])} | {cell(r['services'])} | "
                   f"{cell(r['provided_by'])} | {'**yes 需提供**' if r['county_supplies'] else 'no'} | "
                   f"{cell(r['note'])} |\n")
    must = n.county_must_supply
    out.append(f"\n{len(must)} of {len(n.keys)} keys must come from the county's own coefficient set"
               + (f": {', '.join(f'`{k}`' for k in must)}.\n" if must else ".\n"))
    return "".join(out)


__all__ += ["needs_markdown"]


# ------------------------------------------------------------------------------------------------
# Row by row: every coefficient a plan resolves, per ecosystem type, for one county and year.
#
# :func:`needs` above answers per key (which keys, which set provides them); :func:`profile_needs`
# goes one level down, to the rows an account resolves: a per-area rate for each ecosystem type
# its service applies to (the groups declared in gep/data/keys, ``ecosystem_groups``), resolved
# as an account resolves it (county, prefecture, province, ``*``; ``valid_from <= year``). What no
# row resolves is a row the county must write: ``gep init`` (:mod:`gep.scaffold`) writes one empty
# row for each.
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableNeed:
    """An input table of the account (a key of ``[inputs]``).

    Attributes
    ----------
    input : str
        The ``[inputs]`` key (``regions``, ``land_use``, ``statistics`` …).
    label : dict
        ``{"zh", "en"}``.
    required, optional : tuple of str
        Columns (the canonical names; a statistics table also accepts the
        Chinese headers of :data:`gep.io.statistics.HEADER_ALIASES`).
    services : tuple of str
        Services of the plan that read it (empty: every account needs it).
    rows : dict
        Rows the services look for (economy indicators), id -> required (bool).
    """

    input: str
    label: Mapping[str, str]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    rows: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class CoefficientNeed:
    """One coefficient the plan resolves: a key for one ecosystem type (or ``*``).

    ``provided_by`` is the id of the set whose row resolves it for the county
    and year, or ``None`` when no row does: then the county must supply it.
    """

    key: str
    ecosystem: str
    services: tuple[str, ...]
    spec: KeySpec
    provided_by: str | None = None

    @property
    def monetary(self) -> bool:
        return self.spec.monetary


@dataclass(frozen=True)
class ProfileNeeds:
    """Everything a profile's plan needs, for one county (code) and year.

    Attributes
    ----------
    profile : str
    region_code : str or None
    year : int or None
    coefficient_set : str
        Id of the set(s) the coefficients were resolved in.
    plan : list of (service, method)
    tables : list of TableNeed
    coefficients : list of CoefficientNeed
    """

    profile: str
    region_code: str | None
    year: int | None
    coefficient_set: str
    plan: list
    tables: list
    coefficients: list

    @property
    def to_supply(self) -> list[CoefficientNeed]:
        """The coefficients no row of the set resolves: the county must supply them."""
        return [c for c in self.coefficients if c.provided_by is None]

    def table(self, name: str) -> TableNeed:
        return next(t for t in self.tables if t.input == name)


#: The input tables and their columns (what ``gep/account/inputs.py`` and the io readers check).
TABLES: dict[str, TableNeed] = {
    "regions": TableNeed("regions", {"zh": "地区表（县及乡镇）", "en": "regions (the county and its townships)"},
                         tuple(REGION_REQUIRED), tuple(REGION_OPTIONAL)),
    "land_use": TableNeed("land_use", {"zh": "土地利用面积表", "en": "land-use areas"},
                          ("region", "code", "area", "unit"), ("name_zh", "status", "source", "note")),
    "statistics": TableNeed("statistics", {"zh": "统计数据表（年鉴格式）", "en": "yearbook-style statistics"},
                            ("region", "item"), ("quantity", "unit", "price", "price_unit", "output_value",
                                                 "value_unit", "year", "status", "source", "note")),
    "economy": TableNeed("economy", {"zh": "经济社会指标表", "en": "county economy figures"},
                         ("indicator", "value", "unit", "status", "source"), ("label_zh", "label_en", "note")),
    "physical": TableNeed("physical", {"zh": "给定实物量表", "en": "physical quantities given"},
                          ("region", "service", "quantity", "unit"), ("component", "source", "note", "method")),
    "two_mountains": TableNeed("two_mountains", {"zh": "“两山”指标表（表1）", "en": "Two-Mountains indicator table"},
                               ("no", "goal_zh", "task_zh", "indicator_zh", "indicator_en", "unit", "target_text",
                                "target_value", "direction", "status_value", "year", "data_source", "computed_by"),
                               ("target_year", "baseline_value", "tolerance", "achieved", "note")),
}

#: Economy rows a declared input ``economy:<name>`` stands for: id -> required.
_ECONOMY_ROWS: dict[str, dict[str, bool]] = {
    "economy:reservoir_capacity": {"reservoir_capacity": False},
    "economy:coastline_length": {"coastline_length": True},
    "economy:emissions@water_purification": {"cod_emission": False, "nh3n_emission": False, "tp_emission": False},
    "economy:emissions@air_purification": {"so2_emission": False, "nox_emission": False, "dust_emission": False},
}


def _ecosystems_of(spec: KeySpec) -> list[str]:
    """Ecosystem types a key needs a row for: the types of its declared groups; ``["*"]`` when not per type."""
    if "ecosystem" not in spec.indexed_by or not spec.ecosystem_groups:
        return ["*"]
    return [t for t, s in ecosystem_types().items() if s.group in spec.ecosystem_groups]


def _provided(cset: CoefficientSet, key: str, ecosystem: str, chain: Sequence[str], year: int | None) -> str | None:
    if ecosystem == "*" and key_spec(key) is not None and "ecosystem" in key_spec(key).indexed_by:
        # a per-type key without declared groups (value transfer): any row of the key will do
        rows = cset.table[cset.table["key"] == key]
        return None if rows.empty else str(rows["_set"].iloc[-1])
    try:
        return cset.resolve(key, ecosystem=ecosystem, regions=list(chain), year=9999 if year is None else int(year)).set_id
    except MissingCoefficient:
        return None


def profile_needs(profile: str, *, region_code: str | None = None, year: int | None = None,
                  coefficients: str | CoefficientSet | None = None,
                  services: Mapping[str, str | bool] | None = None) -> ProfileNeeds:
    """The input tables and coefficients a profile's plan needs, and which the county must supply.

    Parameters
    ----------
    profile : str
        Profile id (``gep/standards``).
    region_code : str, optional
        The county's GB/T 2260 code: rows of the county, its prefecture and its
        province resolve as in an account.
    year : int, optional
        Account year (a row counts when ``valid_from <= year``); any year when ``None``.
    coefficients : str or CoefficientSet, optional
        The set to resolve in; the profile's default set by default.
    services : mapping, optional
        ``[services]`` changes of a config (service id -> method, or ``false`` to drop it).

    Returns
    -------
    ProfileNeeds
        Tables in the order ``regions, land_use, statistics, economy, physical``
        (those the plan reads), coefficients in plan order, one per key and
        ecosystem type.
    """
    prof = load_profile(profile)
    cset = coefficients if isinstance(coefficients, CoefficientSet) else load_coefficients(
        coefficients or prof["coefficients"])
    plan = _plan(prof, services)

    chain = list(dict.fromkeys([c for c in (region_code,) if c] + admin_chain(region_code)))
    readers: dict[str, list[str]] = {"regions": []}
    economy_rows: dict[str, bool] = {}
    wanted: dict[tuple[str, str], list[str]] = {}
    for sid, method_name in plan:
        method = get_service(sid).method(method_name)
        for inp in method.inputs:
            base = inp.split(":", 1)[0]
            if base == "economy":
                rows = _ECONOMY_ROWS.get(inp) or _ECONOMY_ROWS.get(f"{inp}@{sid}", {})
                for r, req in rows.items():
                    economy_rows[r] = economy_rows.get(r, False) or req
            if base in ("land_use", "statistics", "economy", "physical"):
                readers.setdefault(base, []).append(sid)
            elif base == "raster":
                readers.setdefault("rasters", []).append(sid)
        for key in method.coefficient_keys:
            spec = key_spec(key)
            if spec is None:  # pragma: no cover - the registry contract tests declare every key
                raise GepError(f"service {sid} declares an undeclared coefficient key {key}")
            for eco in _ecosystems_of(spec):
                wanted.setdefault((key, eco), []).append(sid)
    tables = []
    for name in ("regions", "land_use", "statistics", "economy", "physical"):
        if name in readers:
            t = TABLES[name]
            tables.append(TableNeed(t.input, t.label, t.required, t.optional, tuple(dict.fromkeys(readers[name])),
                                    economy_rows if name == "economy" else {}))
    coefs = [CoefficientNeed(key, eco, tuple(dict.fromkeys(sids)), key_spec(key), _provided(cset, key, eco, chain, year))
             for (key, eco), sids in wanted.items()]
    return ProfileNeeds(profile=profile, region_code=region_code, year=year, coefficient_set=cset.id, plan=plan,
                        tables=tables, coefficients=coefs)


def _plan(prof: dict, services: Mapping | None) -> list[tuple[str, str]]:
    """``[(service, method)]`` of a profile with a config's ``[services]`` changes (as :func:`needs` reads them)."""
    entries = [e.partition(":") for e in prof["services"]]
    plan = [(sid, m or "") for sid, _, m in entries]
    changes = dict(services or {})
    known = {s for s, _ in plan}
    plan = [(sid, changes.get(sid, m)) for sid, m in plan if changes.get(sid, True) is not False]
    plan += [(sid, m) for sid, m in changes.items() if sid not in known and m is not False]
    return [(sid, m or get_service(sid).default_method) for sid, m in plan]

"""What a profile needs: every input table and column, every coefficient key, and who provides it.

``gep needs PROFILE [--region CODE]`` and the generated page per profile
(``docs/reference/needs/<profile>.md``) answer, before any data is gathered:
which tables must the county prepare, with which columns; which coefficient
keys do the profile's services resolve; which of them does the profile's
default coefficient set provide (for the region, when a code is given); and
which must the county supply in its own set. It is read from the services'
declarations (``Method.inputs``, ``Method.coefficient_keys``), the key
declarations (``gep/data/keys``) and the set's rows -- nothing is typed twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..coefficients import coefficient_keys, key_spec, load_coefficients
from ..errors import GepError
from ..services import get_service
from ..standards import load_profile

__all__ = ["Needs", "needs", "INPUT_TABLES"]

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
    entries = [e.partition(":") for e in prof["services"]]
    plan = [(sid, m or "") for sid, _, m in entries]
    changes = dict(services or {})
    known = {s for s, _ in plan}
    plan = [(sid, changes.get(sid, m)) for sid, m in plan if changes.get(sid, True) is not False]
    plan += [(sid, m) for sid, m in changes.items() if sid not in known and m is not False]
    plan = [(sid, m or get_service(sid).default_method) for sid, m in plan]

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

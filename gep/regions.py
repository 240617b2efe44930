"""The region table: a tree of a county (root) and its townships (leaves).

``regions.csv`` columns: ``id, parent, name_zh, name_en, area, area_unit``
(required) and ``level, code, population, population_unit, gdp, gdp_unit,
status, source`` (optional). A population or GDP always carries its unit
(``万人``, ``亿元``): a number without one is an error, never a default. Exactly one row has no parent (the root). Leaves
(rows without children) are the account's regions; the root's area is the
land area of the per-area indicator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import DuplicateRows, InputFileError, InvalidArea, UnitError, csv_row, problem
from .units import conversion_factor

__all__ = ["RegionTable", "REQUIRED", "OPTIONAL", "admin_chain"]


def admin_chain(code: str | None) -> list[str]:
    """A GB/T 2260 code and the prefecture and province codes it implies: ``"330604"`` ->
    ``["330604", "330600", "330000"]``; anything but six digits -> ``[]``."""
    code = "" if code is None else str(code).strip()
    if len(code) == 6 and code.isdigit():
        return list(dict.fromkeys((code, code[:4] + "00", code[:2] + "0000")))
    return []

REQUIRED = ["id", "parent", "name_zh", "name_en", "area", "area_unit"]
OPTIONAL = ["level", "code", "population", "population_unit", "gdp", "gdp_unit", "status", "source", "note"]


class RegionTable:
    """A validated region tree.

    Attributes
    ----------
    frame : pandas.DataFrame
        Indexed by id, with ``area_km2``, ``population`` (persons) and
        ``gdp_yuan`` in canonical units (NaN where not given).
    root : str
    leaves : list of str
    """

    def __init__(self, frame: pd.DataFrame, file: str = "regions"):
        self.file = file
        self.frame = self._validate(frame.copy(), file)
        parents = set(self.frame["parent"]) - {""}
        self.root = self.frame.index[self.frame["parent"] == ""][0]
        self.leaves = [r for r in self.frame.index if r not in parents]

    @classmethod
    def from_csv(cls, path) -> "RegionTable":
        from .io.tables import read_csv_checked

        frame = read_csv_checked(path, required=REQUIRED, optional=OPTIONAL, dtype=str)
        return cls(frame, file=str(path))

    # ------------------------------------------------------------------
    @staticmethod
    def _validate(frame: pd.DataFrame, file: str) -> pd.DataFrame:
        for col in REQUIRED:
            if col not in frame:
                raise InputFileError(problem("missing_columns", f"缺少列 {col}", f"missing column {col}", file=file, row=1))
        first_row = frame.attrs.get("first_row", 2)
        frame = frame.astype({c: object for c in frame.columns})
        frame["id"] = frame["id"].astype(str).str.strip()
        frame["parent"] = frame["parent"].fillna("").astype(str).str.strip()
        frame["_row"] = [csv_row(i, first_row) for i in range(len(frame))]
        problems = []
        dups = frame[frame["id"].duplicated(keep=False)]
        if not dups.empty:
            raise DuplicateRows([problem("duplicate_region", f"地区 id {r} 重复", f"region id {r} appears twice",
                                         file=file, row=int(i), column="id", value=r)
                                 for r, i in zip(dups["id"], dups["_row"])])
        roots = frame[frame["parent"] == ""]
        if len(roots) != 1:
            problems.append(problem("region_root", f"应恰有一个无上级的根地区，实有 {len(roots)} 个",
                                    f"exactly one region must have no parent; found {len(roots)}", file=file,
                                    column="parent", value=list(roots["id"]),
                                    hint_zh="县（区）一行 parent 留空，乡镇行 parent 填县 id",
                                    hint_en="leave parent empty on the county row and give the county id on township rows"))
        ids = set(frame["id"])
        for r, p, i in zip(frame["id"], frame["parent"], frame["_row"]):
            if p and p not in ids:
                problems.append(problem("unknown_parent", f"地区 {r} 的上级 {p!r} 不在表中",
                                        f"parent {p!r} of region {r} is not in the table", file=file, row=int(i),
                                        column="parent", value=p))
        area = pd.to_numeric(frame["area"], errors="coerce")
        km2 = []
        for r, a, raw, u, i in zip(frame["id"], area, frame["area"], frame["area_unit"], frame["_row"]):
            if pd.isna(a) or a < 0:
                problems.append(problem("invalid_region_area", f"地区 {r} 的面积无效：{raw!r}",
                                        f"region {r} has an invalid area: {raw!r}", file=file, row=int(i),
                                        column="area", value=raw, hint_zh="填写非负数", hint_en="give a non-negative number"))
                km2.append(np.nan)
                continue
            try:
                km2.append(a * conversion_factor(str(u), "km²"))
            except Exception:
                problems.append(problem("area_unit", f"面积单位 {u!r} 不是面积单位", f"area unit {u!r} is not an area",
                                        file=file, row=int(i), column="area_unit", value=u))
                km2.append(np.nan)
        frame["area_km2"] = km2
        frame["population_persons"] = _convert(frame, "population", "population_unit", "person", file, problems)
        frame["gdp_yuan"] = _convert(frame, "gdp", "gdp_unit", "元", file, problems)
        for col in ("level", "code", "status", "source", "note"):
            if col not in frame:
                frame[col] = ""
            frame[col] = frame[col].fillna("").astype(str)
        # a code read as a number by a spreadsheet or pandas ("330604.0") is still the code
        frame["code"] = frame["code"].str.replace(r"^(\d+)\.0$", r"\1", regex=True)
        frame["population_persons"] = frame["population_persons"].round(6)
        if problems:
            kinds = {p.code for p in problems}
            cls = UnitError if kinds <= {"area_unit", "bad_unit", "missing_unit"} else (InvalidArea if "invalid_region_area" in kinds else InputFileError)
            raise cls(problems)
        return frame.set_index("id")

    # ------------------------------------------------------------------
    def chain(self, region: str, root_code: str | None = None) -> list[str]:
        """Codes to try when resolving a coefficient for ``region``, most specific first.

        The region's own id and admin code, then its ancestors', then the
        prefecture and province codes implied by a 6-digit GB/T 2260 code.
        """
        codes, parents = self._tree()
        out: list[str] = []
        r = region
        while r:
            out.append(r)
            code = codes[r]
            if code:
                out.append(code)
            r = parents[r]
        code = root_code or codes[self.root]
        for c in admin_chain(code):
            if c not in out:
                out.append(c)
        return out

    def _tree(self) -> tuple[dict, dict]:
        """``(code, parent)`` of every region id as dicts (built once: ``chain`` runs once per leaf)."""
        if getattr(self, "_tree_cache", None) is None or self._tree_cache[0] is not self.frame:
            self._tree_cache = (self.frame, self.frame["code"].to_dict(), self.frame["parent"].to_dict())
        return self._tree_cache[1], self._tree_cache[2]

    def area_km2(self, region: str | None = None) -> float:
        return float(self.frame.at[region or self.root, "area_km2"])

    def name(self, region: str) -> dict:
        return {"zh": self.frame.at[region, "name_zh"], "en": self.frame.at[region, "name_en"]}


def _convert(frame, col, unit_col, target, file, problems):
    if col not in frame:
        return np.nan
    out = []
    for r, v, u, i in zip(frame["id"], frame[col], frame.get(unit_col, [None] * len(frame)), frame["_row"]):
        if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "":
            out.append(np.nan)
            continue
        try:
            x = float(v)
        except ValueError:
            problems.append(problem("bad_number", f"{col} 不是数字：{v!r}", f"{col} is not a number: {v!r}", file=file,
                                    row=int(i), column=col, value=v))
            out.append(np.nan)
            continue
        unit = str(u).strip() if isinstance(u, str) and str(u).strip() else None
        if unit is None:
            # money and people always carry a unit: 1135.68 may be 元 or 亿元, 71.71 人 or 万人
            problems.append(problem(
                "missing_unit", f"{col} 没有单位（{unit_col} 为空）", f"{col} has no unit ({unit_col} is empty)",
                file=file, row=int(i), column=unit_col, value=v,
                hint_zh=f"在 {unit_col} 列写明单位，如 {'万人' if col == 'population' else '亿元'}",
                hint_en=f"write the unit in column {unit_col}, e.g. {'万人' if col == 'population' else '亿元'}"))
            out.append(np.nan)
            continue
        try:
            out.append(x * conversion_factor(unit, target))
        except Exception:
            problems.append(problem("bad_unit", f"{unit_col} {unit!r} 无法换算为 {target}",
                                    f"{unit_col} {unit!r} cannot convert to {target}", file=file, row=int(i),
                                    column=unit_col, value=unit))
            out.append(np.nan)
    return out

"""Grain statistics → regional value of one standard equivalent (Xie et al. 2015)."""

from __future__ import annotations

from pathlib import Path

from ..compute.value_transfer import regional_equivalent_value
from ..errors import InputFileError, csv_row, problem
from ..units import conversion_factor

__all__ = ["regional_equivalent_from_csv"]


def regional_equivalent_from_csv(path: str | Path, natural_share: float = 1 / 7) -> tuple[float, str, int | None]:
    """E_a from a grain table with columns ``crop, sown_area, area_unit, yield, yield_unit, price, price_unit, source``.

    An optional ``price_year`` column gives the year whose prices the grain
    prices are (one year for the whole table; rows that differ are an error).

    Returns the value in 元/hm², a one-line account of how it was computed, and
    the price year (``None`` when the table has no ``price_year`` column: the
    prices are then taken as the account year's).
    """
    from .tables import read_csv_checked

    cols = ["crop", "sown_area", "area_unit", "yield", "yield_unit", "price", "price_unit", "source"]
    f = read_csv_checked(path, required=cols, optional=["note", "price_year"])
    problems, m, q, p = [], [], [], []
    for i, r in f.iterrows():
        try:
            m.append(float(r["sown_area"]) * conversion_factor(r["area_unit"], "hm²"))
            q.append(float(r["yield"]) * conversion_factor(r["yield_unit"], "t/hm²"))
            p.append(float(r["price"]) * conversion_factor(r["price_unit"], "元/t"))
        except Exception as exc:
            problems.append(problem("bad_grain_row", f"粮食统计行无法换算：{exc}", f"grain row does not convert: {exc}",
                                    file=str(path), row=csv_row(i)))
        if not str(r["source"]).strip() or str(r["source"]) == "nan":
            problems.append(problem("row_without_source", "该行缺少来源", "row has no source", file=str(path), row=csv_row(i), column="source"))
    price_year = None
    if "price_year" in f.columns:
        def _year(v):
            try:
                y = float(v)
            except (TypeError, ValueError):
                return None
            return int(y) if y == y and y.is_integer() else None

        years = [_year(v) for v in f["price_year"]]
        if None in years or len(set(years)) != 1:
            problems.append(problem(
                "bad_price_year", f"price_year 应为同一个年份（实为 {sorted(map(str, set(f['price_year'])))}）",
                f"price_year must be one year for the whole table (found {sorted(map(str, set(f['price_year'])))})",
                file=str(path), column="price_year", hint_zh="全部粮食价格按同一价格年份填写",
                hint_en="give every grain price in the prices of one year"))
        else:
            price_year = years[0]
    if problems:
        raise InputFileError(problems)
    value = regional_equivalent_value(m, p, q, natural_share)
    in_year = f" ({price_year} prices)" if price_year is not None else ""
    return value, f"E = {natural_share:.6g} × Σ m·p·q / Σ m over {len(m)} crops = {value:.2f} 元/hm²{in_year}", price_year

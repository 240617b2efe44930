"""The same county accounted several ways, side by side (tabular, spatial, value transfer)."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from .result import AccountResult

__all__ = ["side_by_side"]


def side_by_side(results: Mapping[str, AccountResult]) -> pd.DataFrame:
    """Value by service (rows) and account (columns), in 元, with category totals and GEP.

    Services that one account does not have are blank (NaN) in its column, not
    zero: value transfer's eleven services are not the GEP standards' services.
    """
    rows = {}
    for label, res in results.items():
        for sid, v in res.by_service.items():
            key = (res.services.at[sid, "category"], sid, res.services.at[sid, "label_zh"],
                   res.services.at[sid, "label_en"])
            rows.setdefault(key, {})[label] = float(v)
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index = pd.MultiIndex.from_tuples(frame.index, names=["category", "service", "label_zh", "label_en"])
    frame = frame.sort_index(level="category", sort_remaining=False)
    totals = pd.DataFrame({label: res.by_category for label, res in results.items()})
    from ..services import CATEGORIES

    totals.index = pd.MultiIndex.from_tuples(
        [(c, f"total:{c}", f"{CATEGORIES[c]['zh']}合计", f"{CATEGORIES[c]['en']} total") for c in totals.index],
        names=frame.index.names)
    gep = pd.DataFrame({label: [res.total] for label, res in results.items()},
                       index=pd.MultiIndex.from_tuples([("total", "GEP", "生态系统生产总值", "Gross ecosystem product")],
                                                       names=frame.index.names))
    return pd.concat([frame, totals, gep])

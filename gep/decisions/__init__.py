"""GEP in decisions: yearly targets and appraisal, transfers tied to GEP, and the 绿金指数.

>>> import gep
>>> import gep.decisions as decisions
>>> multi = gep.run_years(gep.example_config())
>>> appraisal = decisions.appraise(multi, gep.examples.example_dir() / "targets.csv")
>>> allocation = decisions.allocate(multi, "1 亿元", unit="万元", rule="gep")
>>> decisions.green_gold_index(multi).table

Each of them also reads the output folder of ``gep run`` instead of a result
(``decisions.appraise("out", "targets.csv")``). The arithmetic is in
:mod:`gep.compute.appraisal`, :mod:`gep.compute.allocation` and
:mod:`gep.compute.green_gold`; the bureau's guide is ``docs/decisions.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

#: public name -> the submodule that defines it (imported on first use: `gep --help` stays fast)
_NAMES = {
    "RULES": "allocation",
    "Allocation": "allocation",
    "allocate": "allocation",
    "read_allocation_spec": "allocation",
    "Appraisal": "appraisal",
    "appraise": "appraisal",
    "Figures": "figures",
    "gather": "figures",
    "GreenGold": "green_gold",
    "green_gold_index": "green_gold",
    "TARGET_INDICATORS": "targets",
    "Targets": "targets",
    "read_targets": "targets",
}

if TYPE_CHECKING:
    from .allocation import RULES, Allocation, allocate, read_allocation_spec
    from .appraisal import Appraisal, appraise
    from .figures import Figures, gather
    from .green_gold import GreenGold, green_gold_index
    from .targets import TARGET_INDICATORS, Targets, read_targets

__getattr__, __dir__ = lazy_names(__name__, _NAMES)

__all__ = [
    "appraise",
    "Appraisal",
    "allocate",
    "Allocation",
    "RULES",
    "read_allocation_spec",
    "green_gold_index",
    "GreenGold",
    "read_targets",
    "Targets",
    "TARGET_INDICATORS",
    "gather",
    "Figures",
]

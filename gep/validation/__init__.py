"""The validation gallery: published studies reproduced line by line (``validation/``).

:mod:`gep.validation.studies` reads a study folder, runs its account and judges
every published figure; :mod:`gep.validation.cli` is ``gep check-studies``,
which writes the gallery page ``docs/validation.md``.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_names

#: public name -> the submodule that defines it (imported on first use: `gep --help` stays fast)
_NAMES = {
    "EXPLANATION_KINDS": "studies",
    "METHOD_FAMILIES": "studies",
    "Figure": "studies",
    "FigureResult": "studies",
    "Study": "studies",
    "StudyResult": "studies",
    "check_studies": "studies",
    "compare_figure": "studies",
    "load_study": "studies",
    "not_reproduced_studies": "studies",
    "render_page": "studies",
    "run_study": "studies",
    "write_page": "studies",
}

if TYPE_CHECKING:
    from .studies import (EXPLANATION_KINDS, METHOD_FAMILIES, Figure, FigureResult, Study, StudyResult, check_studies,
                          compare_figure, load_study, not_reproduced_studies, render_page, run_study, write_page)

__getattr__, __dir__ = lazy_names(__name__, _NAMES)

__all__ = ["EXPLANATION_KINDS", "METHOD_FAMILIES", "Figure", "FigureResult", "Study", "StudyResult", "check_studies",
           "compare_figure", "load_study", "not_reproduced_studies", "render_page", "run_study", "write_page"]

"""The validation gallery: published studies reproduced line by line (``validation/``).

:mod:`gep.validation.studies` reads a study folder, runs its account and judges
every published figure; :mod:`gep.validation.cli` is ``gep check-studies``,
which writes the gallery page ``docs/validation.md``.
"""

from .studies import (EXPLANATION_KINDS, METHOD_FAMILIES, Figure, FigureResult, Study, StudyResult, check_studies,
                      compare_figure, load_study, not_reproduced_studies, render_page, run_study, write_page)

__all__ = ["EXPLANATION_KINDS", "METHOD_FAMILIES", "Figure", "FigureResult", "Study", "StudyResult", "check_studies",
           "compare_figure", "load_study", "not_reproduced_studies", "render_page", "run_study", "write_page"]

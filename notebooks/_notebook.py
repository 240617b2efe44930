"""What every ``make_0N_*.py`` script shares: a list of cells in, a notebook file out.

Each script declares ``CELLS = [("md" | "code", source), ...]`` and calls
:func:`write` with its notebook's name and a prefix for the cell ids (stable
ids, so that a regenerated notebook differs from the committed one only where
a cell changed).
"""

from __future__ import annotations

from pathlib import Path

import nbformat


def build(cells: list[tuple[str, str]], id_prefix: str) -> nbformat.NotebookNode:
    """A notebook of ``cells`` (markdown or code), for the Python 3 kernel, with ids ``<prefix>-00`` …"""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
                for kind, src in cells]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{id_prefix}-{i:02d}"
    return nb


def write(cells: list[tuple[str, str]], id_prefix: str, path: Path) -> None:
    """Validate the notebook of ``cells`` and write it to ``path`` (unexecuted: the docs and tests run it)."""
    nb = build(cells, id_prefix)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    print(f"wrote {path} ({len(nb.cells)} cells)")

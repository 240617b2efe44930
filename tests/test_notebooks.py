"""Execute every notebook in ``notebooks/`` from top to bottom; any cell error fails.

The kernel is the interpreter running the tests: a kernelspec named ``python3``
whose ``argv`` is ``sys.executable`` is written into a temporary folder that is
put first on ``JUPYTER_PATH``, so a user- or system-wide ``python3`` kernelspec
pointing at another Python (without gep, or with another version of it) cannot
be picked up. Each notebook runs in its own temporary working folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.fixture
def this_python_kernel(tmp_path_factory, monkeypatch) -> str:
    """A ``python3`` kernelspec that runs ``sys.executable``, first on JUPYTER_PATH."""
    root = tmp_path_factory.mktemp("jupyter")
    spec_dir = root / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (gep tests)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(root))
    # a non-interactive matplotlib backend for kernels started without a display
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return "python3"


def _run(nb, kernel_name: str, cwd: Path):
    client = nbclient.NotebookClient(
        nb, kernel_name=kernel_name, timeout=600, resources={"metadata": {"path": str(cwd)}}
    )
    return client.execute()


def test_notebooks_exist():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


def test_kernel_is_this_interpreter(this_python_kernel, tmp_path):
    """The kernel the notebooks run in is the running interpreter (so it imports this gep)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys; print(sys.executable)")])
    _run(nb, this_python_kernel, tmp_path)
    printed = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream").strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path, this_python_kernel, tmp_path):
    nb = nbformat.read(path, as_version=4)
    try:
        _run(nb, this_python_kernel, tmp_path)
    except nbclient.exceptions.CellExecutionError as exc:  # pragma: no cover - the failure report
        pytest.fail(f"{path.name}: a cell failed\n{exc}", pytrace=False)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_committed_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: cell {i} has outputs; clear them before committing"
            assert cell.execution_count is None, f"{path.name}: cell {i} has an execution count"

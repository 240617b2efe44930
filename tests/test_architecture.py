"""The import rule of ``docs/architecture.md``, enforced: one direction of imports, no loops.

Every module of ``gep`` belongs to a layer; a module may import only from its
own layer's package or from lower layers, and two rules come on top:

* ``gep.compute`` and ``gep.services`` never import ``gep.io`` (formulas and
  declared services do not touch files; the account layer reads them);
* no import loop between modules (function-level imports count too).

The checks walk the source with :mod:`ast`, so an import hidden inside a
function is seen as well. The last tests show the checker failing on a copy of
the package into which a forbidden import was written.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "gep"

#: layer of each module, by longest matching prefix (see docs/architecture.md)
LAYERS: dict[str, int] = {
    "gep.errors": 0, "gep.units": 0, "gep._version": 0, "gep._lazy": 0, "gep.numformat": 0,
    "gep.compute": 1,
    "gep.io": 2,
    "gep.classifications": 3, "gep.standards": 3, "gep.coefficients": 3, "gep.regions": 3,
    "gep.statistics": 3, "gep.indicators": 3,
    "gep.services": 4,
    "gep.account": 5,
    "gep.cli": 6, "gep.progress": 6, "gep.docgen": 6, "gep.examples": 6, "gep.testing": 6, "gep.report": 6,
    "gep.screening": 6, "gep.decisions": 6, "gep.validation": 6, "gep.scaffold": 6, "gep.safety": 6, "gep": 6,
}
LAYER_NAMES = {0: "units/errors", 1: "compute", 2: "io", 3: "data", 4: "services", 5: "account", 6: "applications"}
#: packages that must never import gep.io, whatever their layer
NO_IO = ("gep.compute", "gep.services")


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the ``gep`` modules it imports (absolute names; ``from . import x`` names ``pkg.x``)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        mod = module_name(path, root)
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if not target.startswith("gep"):
                    continue
                # `from . import x` and `from .pkg import x` may name submodules: keep both readings,
                # the graph below keeps the one that is a module
                deps.update(f"{target}.{a.name}" for a in node.names)
                if node.module is not None:
                    deps.add(target)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.split(".")[0] == "gep")
        graph[mod] = {d for d in deps if d != mod}
    modules = set(graph)
    # `from gep.services import get_service` names a package, `from . import errors` a module
    return {m: {d if d in modules else d.rpartition(".")[0] for d in deps} - {m, ""} for m, deps in graph.items()}


def layer_of(module: str) -> int | None:
    """The layer of a module: its longest prefix in :data:`LAYERS` (``gep`` itself matches only ``gep``)."""
    best = max((p for p in LAYERS if module == p or (p != "gep" and module.startswith(p + "."))), key=len,
               default=None)
    return None if best is None else LAYERS[best]


def _top_package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Every import against the rule, as readable sentences."""
    out = []
    for mod, deps in sorted(graph.items()):
        lm = layer_of(mod)
        if lm is None:
            out.append(f"{mod} has no layer: add it to LAYERS and to docs/architecture.md")
            continue
        for dep in sorted(deps):
            ld = layer_of(dep)
            if ld is None:
                continue
            if ld > lm and _top_package(dep) != _top_package(mod) and mod != "gep":
                out.append(f"{mod} ({LAYER_NAMES[lm]}) imports {dep} ({LAYER_NAMES[ld]}): a lower layer may not "
                           f"import a higher one")
            if mod.startswith(NO_IO) and (dep == "gep.io" or dep.startswith("gep.io.")):
                out.append(f"{mod} imports {dep}: compute and services never read or write files")
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import loops between modules (a package importing its own submodules is not a loop by itself)."""
    found, state, stack = [], {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                found.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    return found


# ------------------------------------------------------------------ the rule on gep itself
def test_every_module_has_a_layer_and_imports_only_downwards():
    assert violations(import_graph()) == []


def test_no_import_loops():
    assert cycles(import_graph()) == []


def test_io_is_only_read_by_data_and_account_layers():
    # compute and services never import io; the modules that do are the data layer's readers,
    # the account layer and the applications
    graph = import_graph()
    users = {m for m, deps in graph.items() if any(d == "gep.io" or d.startswith("gep.io.") for d in deps)}
    assert {layer_of(m) for m in users if not m.startswith("gep.io")} <= {3, 5, 6}


def test_no_module_is_dead():
    # every module is imported by another module of gep, or is an entry point
    graph = import_graph()
    imported = {d for deps in graph.values() for d in deps}
    imported |= {".".join(d.split(".")[:i]) for d in imported for i in range(1, d.count(".") + 1)}  # their packages
    entry_points = {"gep", "gep.cli", "gep.docgen", "gep.testing", "gep.__main__"}
    scripts = {m for m in graph if m.startswith("gep.examples.") and m.rpartition(".")[2].startswith("make_")}
    dead = sorted(m for m in graph if m not in imported and m not in entry_points and m not in scripts
                  and not m.endswith(".__main__"))
    assert dead == []


# ------------------------------------------------------------------ the checker checks
@pytest.fixture
def gep_copy(tmp_path) -> Path:
    root = tmp_path / "gep"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns("__pycache__", "*.csv", "*.tif", "*.toml", "*.md"))
    return root


def test_the_checker_fails_on_an_upward_import(gep_copy):
    zonal = gep_copy / "compute" / "zonal.py"
    zonal.write_text(zonal.read_text(encoding="utf-8") + "\n\ndef _oops():\n    from ..account import Account\n",
                     encoding="utf-8")
    found = violations(import_graph(gep_copy))
    assert found == ["gep.compute.zonal (compute) imports gep.account (account): a lower layer may not import a "
                     "higher one"]


def test_the_checker_fails_on_io_in_services(gep_copy):
    rates = gep_copy / "services" / "rates.py"
    rates.write_text(rates.read_text(encoding="utf-8") + "\nfrom ..io.tables import read_csv_checked  # noqa\n",
                     encoding="utf-8")
    assert violations(import_graph(gep_copy)) == [
        "gep.services.rates imports gep.io.tables: compute and services never read or write files"]


def test_the_checker_finds_a_loop_and_a_module_without_layer(gep_copy):
    (gep_copy / "io" / "tables.py").write_text(
        (gep_copy / "io" / "tables.py").read_text(encoding="utf-8") + "\nfrom . import rasters  # noqa\n",
        encoding="utf-8")
    (gep_copy / "io" / "rasters.py").write_text(
        (gep_copy / "io" / "rasters.py").read_text(encoding="utf-8") + "\nfrom . import tables  # noqa\n",
        encoding="utf-8")
    (gep_copy / "helpers.py").write_text("X = 1\n", encoding="utf-8")
    graph = import_graph(gep_copy)
    loops = [sorted(set(c)) for c in cycles(graph)]
    assert ["gep.io.rasters", "gep.io.tables"] in loops
    assert "gep.helpers has no layer: add it to LAYERS and to docs/architecture.md" in violations(graph)

"""The documentation: generated pages, examples that run, and a strict site build.

- ``gep.docgen`` writes a section for every registered service, shipped set,
  coefficient key, scheme, profile and config key, deterministically;
- ``docs/cli.md`` names every command and option of the real command tree, and
  every ``gep …`` command the docs show exists;
- ``docs/config.md`` names every section and key of ``gep.account.config.SCHEMA``;
- the Python examples of ``docs/getting-started.md`` and the worked example of
  ``docs/coefficient-sets.md`` run and give what the text says;
- the quick start is the same in the README, the docs home page and the bureau's getting-started page;
- every code block of the bureau pages (``docs/bureau/``) runs: ``gep`` commands through the
  command line (the exit code a block's comment announces, else 0) and Python blocks, in
  order, in one working folder per page;
- every problem code the bureau's errors page names is a code gep raises;
- when mkdocs is installed, ``mkdocs build --strict`` succeeds.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gep
from gep import docgen
from gep.classifications import shipped_schemes
from gep.coefficients import coefficient_keys, shipped_sets
from gep.account.config import SCHEMA
from gep.services import REGISTRY
from gep.standards import profiles

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _code_blocks(text: str, lang: str | None = None) -> list[str]:
    blocks = []
    for m in re.finditer(r"^```([\w-]*)[^\n]*\n(.*?)^```", text, flags=re.S | re.M):
        if lang is None or m.group(1) == lang:
            blocks.append(m.group(2))
    return blocks


# ------------------------------------------------------------------ docgen
@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("docs")
    paths = docgen.generate(out)
    from gep.standards import profiles

    assert set(paths) == (set(docgen.GENERATED) | {f"services/{sid}.md" for sid in REGISTRY}
                          | {f"needs/{pid}.md" for pid in profiles()})
    return {name: p.read_text(encoding="utf-8") for name, p in paths.items()}


def test_every_service_has_a_section(generated):
    text = generated["services.md"]
    assert REGISTRY, "no services registered"
    for sid, svc in REGISTRY.items():
        assert f"### `{sid}` — " in text, f"no section for service {sid}"
        assert f"{{#{docgen._anchor(sid)}}}" in text
        for mname in svc.methods:
            assert f"#### Method `{mname}`" in text
        for mspec in svc.methods.values():
            for key in mspec.coefficient_keys:
                assert f"`{key}`" in text


def test_every_shipped_set_appears(generated):
    text = generated["coefficient-sets.md"]
    sets = shipped_sets()
    assert sets
    for sid in sets:
        assert f"## `{sid}` — " in text, f"no section for coefficient set {sid}"
        cs = gep.load_coefficients(sid)
        for src in cs.manifest.get("sources", {}):
            assert f"`{src}`" in text, f"source {src} of {sid} not listed"


def test_every_key_scheme_profile_and_config_key_appears(generated):
    for key in coefficient_keys():
        assert f"### `{key}`" in generated["coefficient-keys.md"]
    for sid in shipped_schemes():
        assert f"## `{sid}`" in generated["schemes.md"]
    for pid in profiles():
        assert f"## `{pid}`" in generated["profiles.md"]
    for section, keys in SCHEMA.items():
        assert f"## `[{section}]`" in generated["config-schema.md"]
        for key in keys:
            if key != "*":
                assert f"`{key}`" in generated["config-schema.md"]


def test_docgen_is_deterministic_and_does_not_rewrite(tmp_path, generated):
    paths = docgen.generate(tmp_path)
    assert {n: p.read_text(encoding="utf-8") for n, p in paths.items()} == generated
    before = {n: p.stat().st_mtime_ns for n, p in paths.items()}
    docgen.generate(tmp_path)
    assert {n: p.stat().st_mtime_ns for n, p in paths.items()} == before
    for text in generated.values():
        assert str(ROOT) not in text, "generated pages must not hold absolute paths"


def test_docgen_command_line(tmp_path):
    assert docgen.main([str(tmp_path)]) == 0
    for name in docgen.GENERATED:
        assert (tmp_path / "reference" / name).is_file()


def test_generated_pages_are_gitignored():
    ignore = (DOCS / ".gitignore").read_text(encoding="utf-8").split()
    assert "reference/" in ignore or "/reference/" in ignore


# --------------------------------------------------------------------- CLI
def _command_tree():
    import typer.main

    from gep.cli import app

    root = typer.main.get_command(app)
    leaves = {}

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, path + (name,))
        else:
            leaves[path] = cmd

    walk(root, ())
    return root, leaves


def test_cli_doc_lists_every_command_and_option():
    text = _read("cli.md")
    _, leaves = _command_tree()
    assert leaves
    for path, cmd in leaves.items():
        name = "gep " + " ".join(path)
        assert name in text, f"docs/cli.md does not mention `{name}`"
        for param in cmd.params:
            if getattr(param, "param_type_name", "") != "option":
                continue
            for opt in param.opts:
                if opt == "--help":
                    continue
                assert f"`{opt}`" in text or f"[{opt}" in text, f"docs/cli.md: `{name}` option {opt} is not documented"


def test_commands_shown_in_the_docs_exist():
    root, leaves = _command_tree()
    groups = {p[0] for p in leaves if len(p) > 1}
    singles = {p[0] for p in leaves if len(p) == 1}
    pages = [p for p in DOCS.rglob("*.md") if not {"reference", "notebooks"} & set(p.relative_to(DOCS).parts)]
    for page in sorted(pages):
        text = page.read_text(encoding="utf-8")
        snippets = _code_blocks(text) + re.findall(r"`([^`\n]+)`", text)
        for snippet in snippets:
            for m in re.finditer(r"(?:^|[\s;&|(])gep ([a-z][\w-]*)(?: ([a-z][\w-]*))?", snippet):
                first, second = m.group(1), m.group(2)
                assert first in groups | singles, f"{page.name}: `gep {first}` is not a command"
                if first in groups and second is not None:
                    assert (first, second) in leaves, f"{page.name}: `gep {first} {second}` is not a command"


# ------------------------------------------------------------------ config
def test_config_doc_covers_the_schema():
    text = _read("config.md")
    for section, keys in SCHEMA.items():
        assert f"`[{section}]`" in text, f"docs/config.md has no section [{section}]"
        for key in keys:
            if key != "*":
                assert f"`{key}`" in text, f"docs/config.md does not document [{section}] {key}"


def test_config_doc_example_is_the_example_config():
    block = next(b for b in _code_blocks(_read("config.md"), "toml") if "[account]" in b)
    import tomllib

    shown = tomllib.loads(block)
    actual = tomllib.loads(gep.example_config().read_text(encoding="utf-8"))
    assert shown == actual, "docs/config.md: the example config differs from gep/examples/shangyu/gep.toml"


# ---------------------------------------------------------------- examples
@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_getting_started_python_examples_run(in_tmp):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    code = "\n".join(_code_blocks(_read("getting-started.md"), "python"))
    ns: dict = {}
    exec(compile(code, "docs/getting-started.md", "exec"), ns)
    assert ns["acct"].validate() == []
    assert (in_tmp / "out" / "summary.json").is_file()
    assert ns["vt"].total == gep.Account.from_config(gep.example_config("gep-value-transfer.toml")).run().total
    assert abs(ns["vt2"].total / ns["vt"].total - 4000 / 3406.5) < 1e-12


def test_coefficient_sets_worked_example(in_tmp):
    text = _read("coefficient-sets.md")
    manifest = next(b for b in _code_blocks(text, "toml") if 'extends = "xie-2015"' in b)
    table = next(b for b in _code_blocks(text, "text") if b.startswith("key,ecosystem"))
    county = in_tmp / "my-county"
    shutil.copytree(gep.examples.example_dir(), county)
    folder = county / "vt-coefficients"
    folder.mkdir()
    (folder / "manifest.toml").write_text(manifest, encoding="utf-8")
    (folder / "standard_value.csv").write_text(table, encoding="utf-8")

    from gep.coefficients import check_set, diff_sets, load_coefficients

    assert check_set(folder) == []
    d = diff_sets(load_coefficients("xie-2015"), load_coefficients(path=folder))
    assert list(d["change"]) == ["added"]

    cfg = county / "gep-value-transfer.toml"
    text_cfg = cfg.read_text(encoding="utf-8")
    assert 'coefficients = "xie-2015"' in text_cfg
    cfg.write_text(text_cfg.replace('coefficients = "xie-2015"', 'coefficients = "vt-coefficients"'), encoding="utf-8")
    base = gep.Account.from_config(gep.example_config("gep-value-transfer.toml")).run()
    acct = gep.Account.from_config(cfg)
    assert acct.validate() == []
    res = acct.run()
    bprov = base.provenance
    national = bprov[bprov["key"] == "esv.standard_equivalent_value"].iloc[0]["value"]   # rebased to 2021
    assert abs(res.total / base.total - 3800 / national) < 1e-12
    prov = res.provenance
    row = prov[prov["key"] == "esv.standard_equivalent_value"].iloc[0]
    assert (row["region"], row["value"], row["source"], row["status"], row["set"]) == (
        "330604", 3800.0, "shangyu-grain-2021", "illustrative", "shangyu-2021")

    # the page's Python block, run where my-county/ exists (the commented-out line stays commented)
    code = "\n".join(_code_blocks(text, "python"))
    exec(compile(code, "docs/coefficient-sets.md", "exec"), {})


# ------------------------------------------------------------ quick start
def _quick_start(text: str) -> str:
    section = text[text.index("Quick start"):]
    return _code_blocks(section, "bash")[0]


def test_one_quick_start_everywhere():
    readme = _quick_start((ROOT / "README.md").read_text(encoding="utf-8"))
    assert _quick_start(_read("index.md")) == readme
    bureau = _read("bureau/getting-started.md")
    assert _code_blocks(bureau, "bash")[0] == readme
    # and CI runs these commands (.ci/run says so)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "gep example --out" in ci and "pytest -n 2 -q" in ci


# ------------------------------------------------------ the bureau's pages
BUREAU = sorted(p for p in (DOCS / "bureau").glob("*.md") if p.stem != "new-county")  # the tutorial: below
_EXIT = re.compile(r"#.*(?:exit code|退出码)\s*(\d+)")


def _run_bash_block(block: str) -> None:
    """Run the ``gep`` lines of a shell block through the command line; other lines (pip, pytest) are setup
    the test environment already has."""
    import shlex

    from typer.testing import CliRunner

    from gep.cli import app

    runner = CliRunner()
    for line in block.splitlines():
        line = line.strip()
        if not line.startswith("gep "):
            continue
        expected = int(m.group(1)) if (m := _EXIT.search(line)) else 0
        args = shlex.split(line.split("#", 1)[0])[1:]
        result = runner.invoke(app, args)
        assert result.exit_code == expected, f"`{line}` exited {result.exit_code}:\n{result.output}"


@pytest.mark.parametrize("page", BUREAU, ids=[p.stem for p in BUREAU])
def test_bureau_page_code_blocks_run(page, in_tmp):
    """Every block of the page, in order: the tutorial's gep init → validate → fill → validate → run included."""
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    text = page.read_text(encoding="utf-8")
    ns: dict = {}
    ran = 0
    for m in re.finditer(r"^```([\w-]*)[^\n]*\n(.*?)^```", text, flags=re.S | re.M):
        lang, block = m.group(1), m.group(2)
        if lang == "bash":
            _run_bash_block(block)
            ran += 1
        elif lang == "python":
            exec(compile(block, str(page.relative_to(ROOT)), "exec"), ns)
            ran += 1
    assert ran or page.stem in ("inputs",), f"{page.name} has no block to run"


def test_the_tutorial_reaches_the_account(in_tmp):
    import pandas as pd

    text = _read("bureau/new-county.md")
    ns: dict = {}
    for m in re.finditer(r"^```([\w-]*)[^\n]*\n(.*?)^```", text, flags=re.S | re.M):
        if m.group(1) == "bash":
            _run_bash_block(m.group(2))
        elif m.group(1) == "python":
            exec(compile(m.group(2), "docs/bureau/new-county.md", "exec"), ns)
    summary = in_tmp / "my-county" / "out" / "summary.json"
    assert summary.is_file()
    rows = pd.read_csv(in_tmp / "my-county" / "coefficients" / "county.csv", dtype=str, keep_default_na=False)
    assert len(rows) and (rows["value"] != "").all() and (rows["source"] != "").all()
    assert ns["res"].total == gep.Account.from_config(gep.example_config()).run().total


def test_bureau_error_codes_exist():
    table = _read("bureau/errors.md")
    codes = re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.M)
    assert len(codes) >= 15
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "gep").rglob("*.py"))
    for code in codes:
        assert f'"{code}"' in source, f"docs/bureau/errors.md names {code}, which gep never raises"


# ------------------------------------------------------------------- build
def test_mkdocs_build_strict(tmp_path):
    for mod in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python", "mkdocs_jupyter"):
        try:
            found = importlib.util.find_spec(mod) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            pytest.skip(f"{mod} is not installed (pip install '.[docs]')")
    docgen.generate(DOCS)  # mkdocs needs the generated pages in the real docs dir (gitignored)
    docgen.copy_notebooks(DOCS)
    # the notebooks are executed by tests/test_notebooks.py; here the site is built from them unexecuted
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GEP_DOCS_EXECUTE": "false"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "reference" / "services" / "index.html").is_file()

"""The layering of docs/architecture.md holds for every import in the package, and the CLI mirrors the library."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pytest
from conftest import ROOT

import kbase

PACKAGE = ROOT / "kbase"


def _layers() -> dict[str, int]:
    """Module (relative to kbase, ``kbase`` for the package itself) → layer, from the table in docs/architecture.md."""
    layers: dict[str, int] = {}
    for line in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*(\d+)\s*\|[^|]*\|(.*)\|\s*$", line)
        if match:
            for name in re.findall(r"`([\w.]+)`", match.group(2)):
                assert name not in layers, f"{name} is listed twice"
                layers[name] = int(match.group(1))
    return layers


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or "kbase"


def _imports(path: Path, text: str | None = None) -> set[str]:
    """The kbase modules ``path`` imports, anywhere in it (function-level and TYPE_CHECKING imports too)."""
    name = _module_name(path)
    text = path.read_text(encoding="utf-8") if text is None else text
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    if name == "kbase":
        package = ""
    found: set[str] = set()
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - node.level + 1] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and (node.module == "kbase" or node.module.startswith("kbase.")):
                target = node.module.removeprefix("kbase").lstrip(".")
            else:
                continue
            for alias in node.names:  # "from . import render" imports a module
                sub = f"{target}.{alias.name}" if target else alias.name
                found.add(sub if sub in modules else (target or "kbase"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "kbase" or alias.name.startswith("kbase."):
                    found.add(alias.name.removeprefix("kbase").lstrip(".") or "kbase")
    found.discard(name)
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    layers = _layers()
    missing = [_module_name(p) for p in SOURCES if _module_name(p) not in layers]
    assert missing == [], "add these modules to the layer table of docs/architecture.md"
    stale = sorted(set(layers) - {_module_name(p) for p in SOURCES})
    assert stale == [], "the layer table names modules that do not exist"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: _module_name(p))
def test_no_module_imports_upward(path):
    layers = _layers()
    mine = layers[_module_name(path)]
    upward = sorted(m for m in _imports(path) if layers.get(m, 99) > mine)
    assert upward == [], f"{_module_name(path)} (layer {mine}) imports a higher layer"


def test_no_import_cycles():
    graph = nx.DiGraph((_module_name(p), m) for p in SOURCES for m in _imports(p))
    assert list(nx.simple_cycles(graph)) == []


@pytest.mark.parametrize("line", ["from ..cli import cli", "from .. import kb", "import kbase.render.text", "    from ..audit.rules import RULES"])
def test_the_layer_check_would_catch_an_upward_import(line):
    # the check itself can fail: the loader of claims.yaml, given an upward import, is caught
    path = PACKAGE / "loaders" / "claims.py"
    text = path.read_text(encoding="utf-8") + "\n\ndef _probe():\n" + ("    " + line.strip()) + "\n"
    layers = _layers()
    assert any(layers[m] > layers["loaders.claims"] for m in _imports(path, text))


CLI_MODULES = ("cli.py", "cli_common.py", "cli_refs.py", "cli_edit.py")


@pytest.mark.parametrize("name", CLI_MODULES)
def test_the_cli_uses_only_public_names(name):
    tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
    public = set(kbase.__all__) | {"render"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.module == "kbase":
                assert {a.name for a in node.names} <= public
            elif node.module.startswith("kbase.cli"):
                assert node.module.split(".")[1] + ".py" in CLI_MODULES, node.module  # the CLI's own modules
            else:
                assert node.level == 0 and node.module.split(".")[0] in ("click", "__future__", "collections", "typing", "pathlib"), node.module
        elif isinstance(node, ast.Import):
            assert all(a.name in ("click", "kbase", "sys", "contextlib", "functools", "logging") for a in node.names)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "kbase":
            assert node.attr in public, f"kbase.{node.attr} is not public"


@pytest.mark.parametrize("name", CLI_MODULES)
def test_the_cli_is_short(name):
    """Each command parses, makes one library call, renders and exits: at most 15 lines of body each
    (the longest, audit, has 13), and each file of the command line stays small (cli.py under 350 lines)."""
    source = (PACKAGE / name).read_text(encoding="utf-8")
    assert len(source.splitlines()) < 350
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and any("command" in ast.unparse(d) for d in node.decorator_list):
            body = [n for n in node.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
            assert node.end_lineno - body[0].lineno + 1 <= 15, f"{node.name} does more than parse, call, render and exit"


def test_each_vocabulary_list_is_written_once():
    # the stance, design, concern and level names appear as a literal list only in vocabulary.py
    for path in SOURCES:
        if path.name == "vocabulary.py":
            continue
        text = path.read_text(encoding="utf-8")
        for literal in (
            '"supports", "contradicts"',
            '"risk-of-bias", "inconsistency"',
            '"very-low", "unsupported"',
            '"press-release", "news"',
            '"meta-analysis", "systematic-review", "rct"',
        ):
            assert literal not in text, f"{_module_name(path)} repeats a vocabulary list: {literal}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: _module_name(p))
def test_only_the_command_line_imports_click(path):
    if path.name in CLI_MODULES:
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}
    assert "click" not in imported, f"{_module_name(path)} imports click: hand it a callback from the command line instead"


RENDERERS = sorted((PACKAGE / "render").glob("*.py"))


@pytest.mark.parametrize("path", RENDERERS, ids=lambda p: _module_name(p))
def test_renderers_are_functions_of_data(path):
    """A renderer takes records and plain data, never the knowledge base or a project (which would let it
    load, grade or search), and never prints."""
    text = path.read_text(encoding="utf-8")
    assert not {"kb", "project"} & _imports(path), f"{_module_name(path)} imports a front object"
    for name in ("KnowledgeBase", "Project", "sys.stdout", "sys.stderr"):
        assert name not in text, f"{_module_name(path)} uses {name}"
    calls = {n.func.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert "print" not in calls, f"{_module_name(path)} prints"


def test_no_two_modules_share_a_file_name():
    """Issue 30: three text.py, two tables.py and two graph.py made every stack trace and search ambiguous."""
    names = [p.name for p in SOURCES if p.name != "__init__.py"]
    assert sorted({n for n in names if names.count(n) > 1}) == []

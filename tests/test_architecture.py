"""The package's shape, as docs/architecture.md draws it: imports flow one way, modules stay
small, and the map names every module (so it cannot silently go stale)."""

from __future__ import annotations

import ast
import importlib.util

from harness.server import REPO

PACKAGE = REPO / "explainer"

LAYER_RANK = {
    "checks": 0, "paths": 0, "formatting": 0,  # no dependencies inside the package
    "models": 1,                                # pure numbers
    "content": 2,                               # data files, validated
    "figures": 3,                               # drawing only
    "handout": 4,                               # the PDF: content + figures, no widgets
    "widgets": 5, "pages": 5, "study": 5,       # what a notebook shows
    "serving": 6,                               # the web server
}
"""Each top-level part of `explainer` and its place: a module may import only its own rank or
lower. The order is the one in docs/architecture.md."""

MAX_LINES = 300
DATA_TABLES: set[str] = set()
"""Modules allowed above MAX_LINES because they are tables of data (none today)."""


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, path.relative_to(REPO).with_suffix("").as_posix().replace("/", ".")


def _part(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "explainer" else None


def _imported(path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_every_part_of_the_package_has_a_layer():
    parts = {_part(module) for _, module in _modules()} - {"__init__"}
    assert parts <= set(LAYER_RANK), f"give these a layer: {parts - set(LAYER_RANK)}"


def test_imports_never_go_up_a_layer():
    upward = []
    for path, module in _modules():
        mine = _part(module)
        if mine not in LAYER_RANK:
            continue
        for line, name in _imported(path):
            theirs = _part(name)
            if theirs in LAYER_RANK and LAYER_RANK[theirs] > LAYER_RANK[mine]:
                upward.append(f"{module}:{line} imports {name}")
    assert not upward, "imports against the flow:\n" + "\n".join(upward)


def test_no_module_is_above_the_size_limit():
    big = {module: n for path, module in _modules()
           if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
           and module not in DATA_TABLES}
    assert not big, f"split these by idea (over {MAX_LINES} lines): {big}"


def test_the_architecture_map_is_current():
    spec = importlib.util.spec_from_file_location("build_map", REPO / "docs" / "build_map.py")
    build_map = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_map)
    text = build_map.MAP.read_text(encoding="utf-8")
    assert build_map.rewritten(text) == text, (
        "docs/architecture.md's module map is out of date: run python docs/build_map.py")
    for path, _ in _modules():
        if path.name != "__init__.py":
            assert f"`{path.relative_to(PACKAGE).as_posix()}`" in text


STRINGS_ACCESSORS = {"explainer.figures.session.words", "explainer.figures.pain_signal.geometry"}
"""The only figure modules that may reach the strings loader (each holds one `strings()`
accessor for its figure family); every other figure module gets its words from them or from
its caller (e.g. `icon_array.html(a, icon_count)`). Figures never load a table by name."""


def test_figures_reach_the_strings_loader_only_through_their_accessors():
    loaders = {"explainer.content.strings", "explainer.content.walkthrough.passages"}
    found = []
    for path, module in _modules():
        if _part(module) != "figures" or module in STRINGS_ACCESSORS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = {f"{node.module}.{alias.name}" for alias in node.names}
                if node.module in loaders or names & loaders or any(
                        alias.name == "ui" for alias in node.names
                        if node.module == "explainer.content"):
                    found.append(f"{module}:{node.lineno} imports from {node.module}")
            elif isinstance(node, ast.Import):
                found += [f"{module}:{node.lineno} imports {alias.name}"
                          for alias in node.names if alias.name in loaders]
    assert not found, "figures receive their strings; these load them:\n" + "\n".join(found)

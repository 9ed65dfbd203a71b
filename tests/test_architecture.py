"""The package's shape, as docs/architecture.md draws it: imports flow one way and never in a
loop, modules are grouped by idea (a size warning, not a split-by-count rule), and the map names
every module (so it cannot silently go stale)."""

from __future__ import annotations

import ast
import importlib.util
import warnings

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

WARN_LINES = 600
"""Above this a module gets a warning: look whether it holds two ideas. Cohesion decides, not
the count (the anchor projects keep cohesive modules of 500-1,200 lines)."""
MAX_LINES = 1200
"""The hard ceiling: a module this long is several ideas, whatever it holds."""


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


def _lines(path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_above_the_hard_ceiling_and_long_ones_are_flagged():
    sizes = {module: _lines(path) for path, module in _modules()}
    long = {m: n for m, n in sizes.items() if WARN_LINES < n <= MAX_LINES}
    if long:
        warnings.warn(f"long modules (over {WARN_LINES} lines; one idea each?): {long}",
                      stacklevel=1)
    too_long = {m: n for m, n in sizes.items() if n > MAX_LINES}
    assert not too_long, f"split these by idea (over {MAX_LINES} lines): {too_long}"


def _package_modules() -> dict[str, object]:
    found = {}
    for path, module in _modules():
        found[module[: -len(".__init__")] if module.endswith(".__init__") else module] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports, counting every import statement wherever it
    stands (module level, inside functions, under `if TYPE_CHECKING:`), absolute or relative.
    `from a import b` counts as importing `a.b` when that is a module, else `a`."""
    modules = _package_modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1])
                    source = f"{base}.{node.module}" if node.module else base
                else:
                    source = node.module
                targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules
                           else source for alias in node.names]
            else:
                continue
            graph[module] |= {t for t in targets if t in modules and t != module}
    return graph


def import_loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    loops.append(sorted(group))
    return loops


def test_the_loop_finder_finds_a_loop():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_loops(graph) == [["a", "b", "c"]]
    assert import_loops({"a": {"b"}, "b": set()}) == []


def test_no_import_loops_even_through_imports_inside_functions():
    loops = import_loops(import_graph())
    assert not loops, "import loops (move the shared names to a module that imports none of " \
        "them):\n" + "\n".join(" <-> ".join(group) for group in loops)


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


STRINGS_MODULE = "explainer.content.strings"
"""The one accessor of visible strings: ``strings.table(name)``, ``strings.text(name, key,
**fields)``, ``strings.path(name)``. It alone names the strings folder (and, later, the locale)."""
STRINGS_ACCESSORS = {"explainer.figures.session.words", "explainer.figures.pain_signal.geometry"}
"""The figure families' words: each holds one ``strings()`` that returns its table from the
accessor (the family names its table once), and they are the only figure modules that may
import the accessor. Every other figure module gets its words from them or from its caller
(e.g. `icon_array.html(a, icon_count)`): figures never name a table."""


def _strings_aliases(tree) -> set[str]:
    """The names a module binds to the accessor module (``from explainer.content import
    strings [as x]``, ``import explainer.content.strings as x``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "explainer.content":
            names |= {a.asname or a.name for a in node.names if a.name == "strings"}
        elif isinstance(node, ast.Import):
            names |= {a.asname for a in node.names if a.name == STRINGS_MODULE and a.asname}
    return names


def test_figures_reach_the_strings_accessor_only_through_their_families_words():
    found = []
    for path, module in _modules():
        if _part(module) != "figures" or module in STRINGS_ACCESSORS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # ``per_locale`` keys a figure's cache by locale; it loads no words
                names = {f"{node.module}.{alias.name}" for alias in node.names
                         if alias.name != "per_locale"}
                if (node.module == STRINGS_MODULE and names) or STRINGS_MODULE in names:
                    found.append(f"{module}:{node.lineno} imports from {node.module}")
            elif isinstance(node, ast.Import):
                found += [f"{module}:{node.lineno} imports {alias.name}"
                          for alias in node.names if alias.name == STRINGS_MODULE]
    assert not found, "figures receive their strings; these load them:\n" + "\n".join(found)


def test_only_the_strings_accessor_names_the_strings_folder():
    found = []
    for path, module in _modules():
        if module in (STRINGS_MODULE, "explainer.paths"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = (node.id if isinstance(node, ast.Name) else
                    node.attr if isinstance(node, ast.Attribute) else
                    None if not isinstance(node, ast.alias) else node.name)
            if name == "strings_dir":
                found.append(f"{module}:{getattr(node, 'lineno', '?')}")
    assert not found, "open a table with strings.table(name), not the folder:\n" + "\n".join(found)


def _returns_only(fn) -> ast.AST | None:
    body = fn.body[1:] if (fn.body and isinstance(fn.body[0], ast.Expr)
                           and isinstance(fn.body[0].value, ast.Constant)) else fn.body
    return body[0].value if len(body) == 1 and isinstance(body[0], ast.Return) else None


def test_no_module_wraps_the_strings_accessor_in_another():
    """One way to reach a string: a function whose whole body returns ``strings.table(...)`` or
    ``strings.text(...)`` (or a part of one), or a module name bound to a ``strings``
    accessor elsewhere, is a second route; only the figure families' ``strings()`` remain."""
    found = []
    for path, module in _modules():
        if module == STRINGS_MODULE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = _strings_aliases(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if module in STRINGS_ACCESSORS and node.name == "strings":
                    continue
                value = _returns_only(node)
                while isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant):
                    value = value.value
                if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                        and value.func.attr in ("table", "text")
                        and isinstance(value.func.value, ast.Name)
                        and value.func.value.id in aliases
                        and all(isinstance(a, ast.Constant | ast.Name)
                                for a in (*value.args, *(k.value for k in value.keywords)))):
                    found.append(f"{module}:{node.lineno} def {node.name} wraps the accessor")
        for node in tree.body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute)
                    and node.value.attr in ("strings", "table", "text")):
                found.append(f"{module}:{node.lineno} binds another name to an accessor")
    assert not found, "call explainer.content.strings directly:\n" + "\n".join(found)


BENCHMARK_TESTS = {"test_benchmarks_smoke.py", "test_load_smoke.py"}
"""The only tests that import `benchmarks`: they run those benchmarks in quick mode."""


def _top_imports(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_tests_and_benchmarks_share_the_harness_and_do_not_import_each_other():
    found = []
    for folder, banned in (("harness", {"tests", "benchmarks"}), ("benchmarks", {"tests"})):
        for path in sorted((REPO / folder).glob("*.py")):
            found += [f"{folder}/{path.name} imports {n}" for n in _top_imports(path) & banned]
    for path in sorted((REPO / "tests").glob("*.py")):
        if path.name not in BENCHMARK_TESTS and "benchmarks" in _top_imports(path):
            found.append(f"tests/{path.name} imports benchmarks (use harness/)")
    assert not found, "\n".join(found)


def test_conftest_holds_fixtures_and_hooks_only():
    tree = ast.parse((REPO / "tests" / "conftest.py").read_text(encoding="utf-8"))
    helpers = [node.name for node in tree.body
               if isinstance(node, ast.ClassDef)
               or isinstance(node, ast.FunctionDef) and not node.name.startswith("pytest_")
               and not any("fixture" in ast.unparse(d) for d in node.decorator_list)]
    assert not helpers, f"move these to harness/ (tests and benchmarks import them): {helpers}"

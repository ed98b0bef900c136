"""The rules that keep the code easy to change, checked on the source itself.

How: every module under src/sp_docs is parsed with ``ast`` (nothing is imported);
each ``import``/``from … import`` — at module level and inside functions — becomes
an edge of the import graph (``from . import x`` points at the sub-module ``x``
when there is one).  On that graph we check the layer rules and look for cycles
(Tarjan's strongly connected components).  Sizes are measured from the syntax
tree: a module's lines, a function's lines from ``def`` to its last statement.

Files that other issues are still splitting are listed in allow-lists that may
only shrink: an entry that no longer breaks its rule fails the test, so it is
removed when the work lands.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "sp_docs"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60

# Nothing is over the limits; these allow-lists stay empty.
OVERSIZE_MODULES: set[str] = set()
OVERSIZE_FUNCTIONS: set[tuple[str, str]] = set()
# generated database migrations are data, not code to keep small
SIZE_EXEMPT = ("sp_docs.web.migrations",)
ALLOWED_LAYER_BREAKS: set[tuple[str, str]] = set()
ALLOWED_PRIVATE_IMPORTS: set[str] = set()
ALLOWED_LAZY_CYCLES: list[set[str]] = []

CLICK_LAYER = ("sp_docs.cli", "sp_docs.cli_zh", "sp_docs.commands")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@lru_cache(maxsize=1)
def modules() -> dict[str, tuple[Path, ast.Module]]:
    return {_module_name(p): (p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(PACKAGE.rglob("*.py"))}


def _targets(module: str, node: ast.AST, is_package: bool) -> list[str]:
    """The sp_docs modules an import statement reaches."""
    known = modules()
    found: list[str] = []
    if isinstance(node, ast.Import):
        found = [a.name for a in node.names if a.name.split(".")[0] == "sp_docs"]
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[:len(base) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        if target.split(".")[0] == "sp_docs":
            found = [f"{target}.{a.name}" if f"{target}.{a.name}" in known else target for a in node.names]
    resolved = []
    for name in found:
        while name not in known and "." in name:
            name = name.rsplit(".", 1)[0]
        if name in known and name != module:
            resolved.append(name)
    return resolved


@lru_cache(maxsize=2)
def import_graph(top_level_only: bool) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, (path, tree) in modules().items():
        nodes = tree.body if top_level_only else ast.walk(tree)
        graph[name] = {t for node in nodes for t in _targets(name, node, path.name == "__init__.py")}
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm (iterative): every group of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
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
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
    return groups


def _in(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def layer_breaks() -> set[tuple[str, str]]:
    """(importer, imported) pairs that break the pipeline's layers."""
    rules = [
        # nothing outside the click layer imports it: the web service and the jobs call jobs/
        (lambda m: not _in(m, *CLICK_LAYER), lambda t: _in(t, *CLICK_LAYER)),
        # documents build view-models from the model: no readers, no questionnaire schema
        (lambda m: _in(m, "sp_docs.documents"), lambda t: _in(t, "sp_docs.sources", "sp_docs.questionnaire")),
        # rules are pure functions of the model
        (lambda m: _in(m, "sp_docs.rules"), lambda t: _in(t, "sp_docs.documents", "sp_docs.render", "sp_docs.jobs")),
        # readers know nothing of what is made from their data
        (lambda m: _in(m, "sp_docs.sources"), lambda t: _in(t, "sp_docs.rules", "sp_docs.documents", "sp_docs.jobs")),
        # renderers know no domain: neither the model nor the documents
        (lambda m: _in(m, "sp_docs.render"), lambda t: _in(t, "sp_docs.model", "sp_docs.documents", "sp_docs.jobs")),
        # the model imports only the error locations
        (lambda m: m == "sp_docs.model", lambda t: t != "sp_docs.errors"),
        # below jobs/, nothing knows the front ends
        (lambda m: not _in(m, "sp_docs.web", *CLICK_LAYER), lambda t: _in(t, "sp_docs.web")),
    ]
    found = set()
    for module, targets in import_graph(False).items():
        for target in targets:
            if any(applies(module) and forbidden(target) for applies, forbidden in rules):
                found.add((module, target))
    return found


def test_no_import_breaks_a_layer():
    breaks = layer_breaks()
    assert breaks - ALLOWED_LAYER_BREAKS == set(), sorted(breaks - ALLOWED_LAYER_BREAKS)
    assert ALLOWED_LAYER_BREAKS <= breaks, f"fixed, remove from the allow-list: {ALLOWED_LAYER_BREAKS - breaks}"


def test_no_private_name_is_imported_from_another_module():
    offenders = []
    for name, (path, tree) in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("sp_docs")):
                offenders += [f"{name}: {a.name}" for a in node.names if a.name.startswith("_") and a.name != "__version__"]
    assert set(offenders) - ALLOWED_PRIVATE_IMPORTS == set()
    assert ALLOWED_PRIVATE_IMPORTS <= set(offenders), "fixed: remove from the allow-list"


def test_no_import_cycle():
    assert strongly_connected(import_graph(True)) == []  # module-level imports: none at all
    lazy = strongly_connected(import_graph(False))  # with the imports inside functions
    assert [g for g in lazy if g not in ALLOWED_LAZY_CYCLES] == []
    assert all(g in lazy for g in ALLOWED_LAZY_CYCLES), "a listed cycle is gone: remove it from the allow-list"


def test_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert strongly_connected(graph) == [{"a", "b", "c"}]


def _sizes():
    long_modules, long_functions = {}, {}
    for name, (path, tree) in modules().items():
        if _in(name, *SIZE_EXEMPT):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            long_modules[name] = lines
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions[(name, node.name)] = length
    return long_modules, long_functions


def test_modules_and_functions_are_small():
    long_modules, long_functions = _sizes()
    assert {m: n for m, n in long_modules.items() if m not in OVERSIZE_MODULES} == {}
    assert {f: n for f, n in long_functions.items() if f not in OVERSIZE_FUNCTIONS} == {}
    # the allow-lists only shrink
    assert OVERSIZE_MODULES <= set(long_modules), f"now small: {OVERSIZE_MODULES - set(long_modules)}"
    assert OVERSIZE_FUNCTIONS <= set(long_functions), f"now small: {OVERSIZE_FUNCTIONS - set(long_functions)}"


def test_the_graph_sees_lazy_and_relative_imports():
    graph = import_graph(False)
    assert "sp_docs.commands.common" in graph["sp_docs.commands.ledgers"]  # from .common import …
    assert "sp_docs.documents.ledger" in graph["sp_docs.jobs.ledgers"]  # inside a function
    assert "sp_docs.jobs.progress" in graph["sp_docs.jobs.certificates"]

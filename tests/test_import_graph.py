"""No import cycles in the project's packages, counting every import statement.

The graph is built from the source with `ast`, not by importing: every `import` and `from ...
import` counts, at module level, inside functions and under `if TYPE_CHECKING:` alike (a cycle
hidden in a function or behind TYPE_CHECKING is still a cycle for a reader and for a type
checker). `from pkg import name` is an import of the submodule `pkg.name` when there is one, of
`pkg` (its __init__.py) otherwise. Importing a submodule is not counted as importing its
package's __init__.py (Python runs it, but every module of a package would otherwise form a
cycle with an __init__.py that imports them).

Run as a script, it prints the cycles of the packages named (all four by default):

    python tests/test_import_graph.py [bot handlers briefings data]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from fakes.imports import Graph, import_graph, modules_of

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "briefings", "data")


def tangles(graph: Graph) -> list[set[str]]:
    """The groups of modules that import each other, directly or not (the strongly connected
    components with a cycle), sorted. Empty when the graph has no cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm, iteratively (no recursion limit)
        work = [(node, iter(sorted(graph.get(node, ()))))]
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        while work:
            current, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[current] = min(low[current], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[current])
            if low[current] == index[current]:
                group: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == current:
                        break
                if len(group) > 1 or current in graph.get(current, ()):
                    groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(groups, key=sorted)


def cycles(graph: Graph) -> list[list[str]]:
    """One cycle in each tangle, as the modules along it, the first repeated at the end:
    [a, b, c, a]. Empty when the graph has no cycle."""
    return [_cycle_in(graph, group) for group in tangles(graph)]


def _cycle_in(graph: Graph, group: set[str]) -> list[str]:
    """A shortest cycle through the first module (by name) of a strongly connected group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph.get(node, set()) & group):
                if child == start:
                    return [*paths[node], start]
                if child not in paths:
                    paths[child] = [*paths[node], child]
                    following.append(child)
        frontier = following
    raise AssertionError(f"{sorted(group)} is not strongly connected")


def describe(graph: Graph) -> str:
    """Each tangle of `graph`, one a line: a cycle in it, then the modules of the tangle when
    there are more than that cycle's. Empty when the graph has no cycle."""
    lines = []
    for group in tangles(graph):
        cycle = _cycle_in(graph, group)
        line = " -> ".join(cycle)
        if len(group) > len(cycle) - 1:  # the cycle does not pass through them all
            line += f" (tangled together: {', '.join(sorted(group))})"
        lines.append(line)
    return "\n".join(lines)


def within(graph: Graph, prefix: str) -> Graph:
    """The part of `graph` among the modules of package `prefix`."""
    inside = {m for m in graph if m == prefix or m.startswith(prefix + ".")}
    return {m: graph[m] & inside for m in inside}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return import_graph()


@pytest.mark.parametrize("package", ["handlers", "briefings", "data", "bot"])
def test_no_import_cycle_in(package: str, graph: Graph) -> None:
    part = within(graph, package)
    assert not tangles(part), f"import cycles in {package}/:\n{describe(part)}"


def test_no_import_cycle_across_handlers_briefings_and_data(graph: Graph) -> None:
    layers = {m: graph[m] for m in graph if not m.startswith("bot")}
    layers = {m: edges & layers.keys() for m, edges in layers.items()}
    assert not tangles(layers), f"import cycles:\n{describe(layers)}"


def test_no_import_cycle_in_the_whole_project(graph: Graph) -> None:
    assert not tangles(graph), f"import cycles:\n{describe(graph)}"


def test_the_graph_sees_every_kind_of_import(tmp_path: Path) -> None:
    """Imports in functions, under TYPE_CHECKING, relative and `from pkg import submodule` all
    count; a cycle is reported as the modules along it."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..c import C\n")
    (package / "c.py").write_text("import os\nfrom pkg import a, nothing\n")
    (package / "d.py").write_text("from . import c\n")
    found = import_graph(["pkg"], tmp_path)
    assert found == {"pkg": set(), "pkg.sub": set(), "pkg.a": {"pkg.sub.b"},
                     "pkg.sub.b": {"pkg.c"}, "pkg.c": {"pkg.a", "pkg"}, "pkg.d": {"pkg.c"}}
    assert cycles(found) == [["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"]]
    assert describe(found) == "pkg.a -> pkg.sub.b -> pkg.c -> pkg.a"
    assert describe(within(found, "pkg.sub")) == ""
    found["pkg.d"].add("pkg.a")
    found["pkg.sub.b"].add("pkg.d")
    assert describe(found) == ("pkg.a -> pkg.sub.b -> pkg.c -> pkg.a (tangled together: "
                               "pkg.a, pkg.c, pkg.d, pkg.sub.b)")


if __name__ == "__main__":
    whole = import_graph()
    for name in sys.argv[1:] or PACKAGES:
        print(f"{name}/: " + (describe(within(whole, name)) or "no cycle"))


# bot/'s folders and what each may import of bot/ (bot/__init__.py says the same in words);
# "" is bot/ itself (config, clock, services, web, logs, ...), which imports no folder.
FOLDERS_MAY_IMPORT = {
    "": {""},
    "answers": {"", "answers"},
    "scheduler": {"", "scheduler"},
    "teams": {"", "teams"},
    "slack": {"", "answers", "slack"},
    "paper": {"", "paper"},
    "delivery": {"", "slack", "teams", "paper", "delivery"},
    "startup": {"", "answers", "scheduler", "teams", "slack", "delivery", "startup"},
    "cli": {"", "answers", "scheduler", "teams", "slack", "paper", "delivery", "startup",
            "cli"},
}
ENTRY_POINTS = {"bot.__main__"}  # `python -m bot` runs the command line


def folder_of(module: str) -> str:
    """'bot.slack.app' -> 'slack'; 'bot.startup' -> 'startup'; 'bot.config' -> ''."""
    parts = module.split(".")
    if len(parts) > 2 or parts[-1] in FOLDERS_MAY_IMPORT and len(parts) == 2:
        return parts[1] if parts[1] in FOLDERS_MAY_IMPORT else ""
    return ""


def test_each_folder_of_bot_imports_only_what_it_may(graph: Graph) -> None:
    wrong = sorted(f"{module} -> {target}"
                   for module, targets in within(graph, "bot").items()
                   if module not in ENTRY_POINTS
                   for target in targets
                   if folder_of(target) not in FOLDERS_MAY_IMPORT[folder_of(module)])
    assert not wrong, "imports against bot/'s layout (bot/__init__.py):\n" + "\n".join(wrong)


def test_no_project_module_is_imported_by_name_at_run_time() -> None:
    """importlib.import_module hides a dependency from readers and tools: only the command
    line's lazy loader (click's documented pattern) may use it."""
    users = sorted(str(path.relative_to(ROOT)) for path in modules_of(PACKAGES).values()
                   if "import_module(" in path.read_text(encoding="utf-8"))
    assert users == ["bot/cli/main.py"]


def test_few_imports_of_project_modules_inside_functions() -> None:
    """An import inside a function only defers a heavy library (statistics, plotting, the
    store) for start-up time, with a comment saying so; fewer than ten in all of bot/."""
    inside = []
    for module, path in modules_of(["bot"]).items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for sub in ast.walk(node):
                names = ([sub.module or ""] if isinstance(sub, ast.ImportFrom) else
                         [a.name for a in sub.names] if isinstance(sub, ast.Import) else [])
                if any(n.split(".")[0] in PACKAGES for n in names):
                    inside.append((module, sub.lineno, lines[sub.lineno - 1]))
    assert len(inside) < 10, inside
    uncommented = [i for i in inside if "#" not in i[2]
                   and "#" not in modules_of(["bot"])[i[0]].read_text().splitlines()[i[1] - 2]]
    assert not uncommented, uncommented


def test_no_module_is_over_300_lines() -> None:
    long = {name: n for name, path in modules_of(PACKAGES).items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 300}
    assert not long, long


def test_no_test_module_imports_another_test_module() -> None:
    """What tests share lives in tests/fakes/ (imported as `fakes`) and tests/conftest.py: no
    module under tests/ imports a test_* module, by any import statement anywhere in it."""
    tests = ROOT / "tests"
    test_modules = {path.stem for path in tests.rglob("test_*.py")}
    wrong = []
    for path in sorted(tests.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [f"{node.module or ''}.{alias.name}" for alias in node.names]
            else:
                continue
            hits = {part for name in names for part in name.split(".")} & test_modules
            if hits:
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} imports "
                             + ", ".join(sorted(hits)))
    assert not wrong, "test modules importing test modules:\n" + "\n".join(wrong)

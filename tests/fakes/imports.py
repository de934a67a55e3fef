"""The project's imports read from the source with `ast` (not by importing): every `import` and
`from ... import`, at module level, inside functions and under `if TYPE_CHECKING:` alike.
`from pkg import name` is an import of the submodule `pkg.name` when there is one, of `pkg`
otherwise. Used by tests/test_import_graph.py and tests/test_migrations.py."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "briefings", "data")

Graph = dict[str, set[str]]


def modules_of(packages: Iterable[str], root: Path = ROOT) -> dict[str, Path]:
    """Module name -> source file, for every module of `packages` (subpackages included)."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports_of(module: str, path: Path, known: Iterable[str]) -> set[str]:
    """The modules of `known` that `module` (source `path`) imports, by any import statement
    anywhere in it."""
    known = set(known)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[:len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {name for name in found if name in known and name != module}


def import_graph(packages: Iterable[str] = PACKAGES, root: Path = ROOT) -> Graph:
    """Module -> the project modules it imports, over the modules of `packages` (imports of
    modules outside them are left out)."""
    modules = modules_of(packages, root)
    return {module: imports_of(module, path, modules) for module, path in modules.items()}

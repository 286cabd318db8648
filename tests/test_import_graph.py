"""No import circles under src/: the modules of printos_ext form a directed acyclic graph.

Every import counts, wherever it is written (at the top, inside a function, under
``TYPE_CHECKING``): a circle hidden in a function still means two modules that cannot be
understood, or loaded, one without the other. Importing a submodule also runs its parent
packages' ``__init__``, so that is an edge too. Read with ``ast``, without importing anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "printos_ext"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in (SRC / PACKAGE).rglob("*.py")}


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The printos_ext modules ``name`` imports, and the packages those imports initialise."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    edges = set()
    for target in targets:
        parts = target.split(".")
        for end in range(1, len(parts) + 1):  # a submodule's parent packages run first
            candidate = ".".join(parts[:end])
            if candidate in known and candidate != name and not name.startswith(candidate + "."):
                edges.add(candidate)
    return edges


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every circle found by depth-first search (each reported once, from where it was met)."""
    found: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_printos_ext_has_no_import_cycle() -> None:
    known = modules()
    graph = {name: imported(name, path, set(known)) for name, path in known.items()}

    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_circle_through_a_function_level_import(tmp_path: Path) -> None:
    # The circle issue 17 removed: client -> devices (in a function) -> bulk -> client.
    graph = {
        "p.client": {"p.devices"},
        "p.devices": {"p.bulk"},
        "p.bulk": {"p.client"},
        "p.errors": set(),
    }
    assert cycles(graph) == [["p.bulk", "p.client", "p.devices", "p.bulk"]]


def test_relative_and_lazy_imports_are_edges(tmp_path: Path) -> None:
    module = tmp_path / "client.py"
    module.write_text("def f():\n    from .devices import Devices\nfrom . import _x as x\n")
    known = {"printos_ext.client", "printos_ext.devices", "printos_ext._x", "printos_ext"}
    edges = imported("printos_ext.client", module, known)
    assert edges == {
        "printos_ext.devices",
        "printos_ext._x",
    }  # not its own package: already running

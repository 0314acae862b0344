"""The layout by area (issue 8): the import-linter contracts hold, no module imports itself
round a cycle, and no module of app/ or ui/ outgrows ~400 lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400
LINT = ("import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(no_cache=True, no_logo=True))")


def test_import_contracts_are_kept():
    """pyproject.toml [tool.importlinter]: ui areas independent, each reads its own services
    plus the core and the events lookups, service and report areas layered, cores import no
    area, app imports no Qt. (In a child process: import-linter reconfigures logging.)"""
    done = subprocess.run([sys.executable, "-c", LINT], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph.find_modules_directly_imported_by(module):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles():
    """Imports inside functions count too: a cycle hidden in a function is still a cycle (the
    two issue 8 removed: db backup ↔ connection ↔ integrity, services base ↔ permissions)."""
    assert _cycles(grimp.build_graph("app", "ui")) == []


def test_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for a, b in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        graph.add_import(importer=a, imported=b)
    assert _cycles(graph) == [["p.a", "p.b", "p.c"]]


def test_modules_stay_small():
    big = [f"{p.relative_to(ROOT)}: {n}" for p in sorted((ROOT / "app").rglob("*.py"))
           + sorted((ROOT / "ui").rglob("*.py"))
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not big, "split these modules:\n" + "\n".join(big)


def _service_calls(path: Path) -> set[str]:
    """Names of the registered services a ui module refers to through imported modules."""
    import ast
    import importlib

    from app.services.core.base import REGISTRY

    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app.services"):
            for alias in node.names:
                try:
                    target = importlib.import_module(f"{node.module}.{alias.name}")
                except ImportError:
                    continue
                modules[alias.asname or alias.name] = target
    names = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules):
            func = getattr(modules[node.value.id], node.attr, None)
            name = getattr(func, "service_name", None)
            if name in REGISTRY:
                names.add(name)
    return names


def test_screens_change_nothing_of_another_area():
    """Decision 0011: an area's screens may read the events area's lookups, but every write
    they make is their own area's (or the core's) — checked on the calls themselves."""
    from app.services.core.base import REGISTRY
    from tests.services.test_roles import load_all_services

    load_all_services()
    area_of_service = {name: info.func.__module__.split(".")[2]
                       for name, info in REGISTRY.items()}
    wrong = []
    for path in sorted((ROOT / "ui").glob("*/*.py")):
        area = path.parent.name
        for name in _service_calls(path):
            if REGISTRY[name].writes and area_of_service[name] not in (area, "core"):
                wrong.append(f"{path.relative_to(ROOT)} calls {name}")
    assert not wrong, "\n".join(wrong)


def test_service_call_finder_sees_calls(tmp_path):
    sample = tmp_path / "view.py"
    sample.write_text("from app.services.events import events\n"
                      "def f(ops):\n    ops.run(None, events.create_event, 1)\n"
                      "    ops.query(None, events.list_events)\n", encoding="utf-8")
    assert _service_calls(sample) == {"events.create", "events.list"}

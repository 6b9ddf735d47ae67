"""The server's layers, read from its source: no import circles, features meet through services.

See docs/architecture.md (Layers). Every `import` of every module of server/ is read with the
`ast` module (so nothing is imported to check it), including imports inside functions and
under `if TYPE_CHECKING:`; the checks then say:

- no circle between modules, and none between the folders of server/;
- no import inside a function, except in server/app.py (the one place that knows every
  feature), server/__init__.py (importing the package must load nothing) and server/wsgi.py
  (it chooses gevent or eventlet at run time, before anything else is imported);
- a feature uses another feature's tables only through its services: it imports another
  feature's models under `if TYPE_CHECKING:` alone, to name their types. Everyone may use
  the identity layer's models (server/accounts: who is acting).
- the pure modules are imported in a fresh interpreter without loading Flask or SQLAlchemy,
  and a serving application never loads PyMuPDF (its PDF workers do).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "server"

#: Imports inside functions are allowed here only (see the module docstring).
LATE_IMPORTS_ALLOWED = {"server", "server.app", "server.wsgi"}

#: Feature packages: each owns its tables (models.py) and is reached through its services.
FEATURES = {"councils", "meetings", "documents", "annotations", "voting", "minutes"}

#: Modules without Flask, SQLAlchemy or any I/O: rules, geometry, formats.
PURE_MODULES = [
    "server.meetings.agenda",
    "server.meetings.quorum",
    "server.voting.rules",
    "server.annotations.geometry",
    "server.annotations.anchoring",
    "server.annotations.webanno",
    "server.annotations.summary",
    "server.documents.textfold",
    "server.pdf.spec",
    "server.pdf.minutes",
    "server.pdf.result_sheet",
    "server.realtime.presence_rules",
    "server.ops.archive",
    "server.ops.tls",
    "server.minutes.format",
    "kiosk.config",
]


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    late: bool
    type_only: bool
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {module_name(p): p for p in SERVER.rglob("*.py")}


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(source: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = source.split(".") if path.name == "__init__.py" else source.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(source: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The server modules an import statement loads."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        module = _resolve(source, path, node)
        names = [module] + [f"{module}.{alias.name}" for alias in node.names]
    return sorted({n for n in names if n in MODULES and n != source})


def imports_of(source: str, path: Path) -> list[Import]:
    found: list[Import] = []

    def visit(node: ast.AST, late: bool, type_only: bool) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in _targets(source, path, node):
                found.append(Import(source, target, late, type_only, node.lineno))
            return
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, late, True)
            for child in node.orelse:
                visit(child, late, type_only)
            return
        inner = late or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            visit(child, inner, type_only)

    visit(ast.parse(path.read_text(encoding="utf-8")), False, False)
    return found


IMPORTS = [i for name, path in MODULES.items() for i in imports_of(name, path)]


def _loads_at_import(imp: Import) -> bool:
    """An import that runs when its module is loaded: not a type name, and not one of the
    allowed late imports (they run once everything is loaded: create_app, the entry point)."""
    return not imp.type_only and not (imp.late and imp.source in LATE_IMPORTS_ALLOWED)


def folder(module: str) -> str:
    """The folder of server/ a module is in; a module at the top of server/ is its own."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan), each a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = 0

    def strong(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                strong(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            strong(node)
    return circles


def test_no_import_circle_between_modules() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in IMPORTS:
        if _loads_at_import(imp):
            graph[imp.source].add(imp.target)
    assert _cycles(graph) == []


def test_no_import_circle_between_folders() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in IMPORTS:
        a, b = folder(imp.source), folder(imp.target)
        if a != b and _loads_at_import(imp):
            graph[a].add(b)
    assert _cycles(graph) == []


def test_no_imports_inside_functions() -> None:
    late = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in IMPORTS
        if i.late and i.source not in LATE_IMPORTS_ALLOWED
    ]
    assert late == []


def test_features_use_other_features_tables_only_through_services() -> None:
    wrong = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in IMPORTS
        if i.target.endswith(".models")
        and folder(i.target) in FEATURES
        and folder(i.source) != folder(i.target)
        and not i.type_only
    ]
    assert wrong == []


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_loads_neither_flask_nor_sqlalchemy(module: str) -> None:
    probe = (
        f"import sys, {module}\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'flask', 'sqlalchemy', 'flask_sqlalchemy', 'pymupdf', 'werkzeug'})\n"
        "print(','.join(loaded))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_a_serving_application_never_loads_pymupdf() -> None:
    probe = (
        "import sys\n"
        "from server import create_app\n"
        "create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'TESTING': True})\n"
        "print('pymupdf' in sys.modules, 'fitz' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_the_checks_see_what_they_look_for() -> None:
    """The reader finds imports of every kind (so an empty list above means something)."""
    kinds = {(i.late, i.type_only) for i in IMPORTS}
    assert (False, False) in kinds
    assert (False, True) in kinds  # TYPE_CHECKING imports are seen
    assert (True, False) in kinds  # server/app.py's imports in create_app
    app_imports = {i.target for i in IMPORTS if i.source == "server.app"}
    assert {"server.voting.routes", "server.meetings.routes"} <= app_imports

"""The rules the layout keeps (docs/architecture.md), checked on the source text — no server, no import of
mizzle: no dialect name compared outside src/mizzle/dialects/, no function over 60 lines, no module importing
another module's private name, no import cycle among mizzle's modules (the lint rule registry aside).

Each allow-list below names code another change is splitting right now (none today); a stale entry fails."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "mizzle"
MAX_LINES = 60
DIALECT_NAMES = frozenset({"postgresql", "postgres", "pg", "sqlite", "turso", "libsql", "mysql", "mariadb"})

# code another change is splitting right now, allowed until it lands (the lead empties these; none today)
LONG_ALLOWED: set[str] = set()
PRIVATE_ALLOWED: set[tuple[str, str, str]] = set()
# modules outside dialects/ that import a dialect's folder at run time (everything else asks the Dialect object);
# lint's rules read PostgreSQL's SQL by design (the `lint` capability)
DIALECT_IMPORTS_ALLOWED = {"mizzle.lint.objects", "mizzle.lint.foreign_keys", "mizzle.lint.opclasses"}
# the rule registry imports the rule modules that register themselves in it (issue 12: "the lint rule registry aside")
CYCLES_ALLOWED = {frozenset({"mizzle.lint.registry", "mizzle.lint.destructive", "mizzle.lint.foreign_keys",
                             "mizzle.lint.idempotency",
                             "mizzle.lint.locking", "mizzle.lint.objects", "mizzle.lint.opclasses",
                             "mizzle.lint.privileges", "mizzle.lint.syntax",
                             "mizzle.lint.transactions"})}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(encoding="utf-8"), str(path)) for name, path in MODULES.items()}


def _imported_from(module: str, node: ast.ImportFrom) -> str:
    """The absolute module an ImportFrom reads (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if MODULES[module].name == "__init__.py" else module.split(".")[:-1]
    base = package[:len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes under `if TYPE_CHECKING:` (imports for annotations only: no runtime dependency)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out.update(id(n) for n in ast.walk(node))
    return out


# -- the checks (each returns its findings, so a failure lists all of them) --------------------------------

def dialect_name_comparisons() -> list[str]:
    """`x == "sqlite"`, `name in ("postgresql", …)` and the like outside mizzle.dialects. The `naming` setting's
    "postgresql" (a naming convention, not a dialect) is not one."""
    found = []
    for name, tree in TREES.items():
        if name == "mizzle.dialects" or name.startswith("mizzle.dialects."):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            constants = [c for o in operands for c in ([o] if isinstance(o, ast.Constant) else
                                                       o.elts if isinstance(o, (ast.Tuple, ast.List, ast.Set)) else [])]
            if any(isinstance(c, ast.Constant) and c.value in DIALECT_NAMES for c in constants) \
                    and "naming" not in ast.unparse(node):
                found.append(f"{MODULES[name].relative_to(SRC)}:{node.lineno}: {ast.unparse(node)}")
    return found


def long_functions() -> list[str]:
    found = []
    for name, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_LINES and f"{name}.{node.name}" not in LONG_ALLOWED:
                    found.append(f"{MODULES[name].relative_to(SRC)}:{node.lineno}: {node.name} has {lines} lines")
    return found


def private_imports() -> list[str]:
    """`from mizzle.x import _name` in another module of mizzle (a third-party library's privates are its own
    business; `from . import _module` of a package's own private module is fine)."""
    found = []
    for name, tree in TREES.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = _imported_from(name, node)
            if source != "mizzle" and not source.startswith("mizzle."):
                continue
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                if private and f"{source}.{alias.name}" not in MODULES and (name, source, alias.name) not in PRIVATE_ALLOWED:
                    found.append(f"{MODULES[name].relative_to(SRC)}:{node.lineno}: {alias.name} from {source}")
    return found


def import_graph() -> dict[str, set[str]]:
    """module → the mizzle modules it imports at run time (function-level imports included: a lazy import is
    still a dependency; `if TYPE_CHECKING:` imports are not)."""
    graph: dict[str, set[str]] = {}
    for name, tree in TREES.items():
        skip = _type_checking_nodes(tree)
        deps: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom):
                source = _imported_from(name, node)
                for alias in node.names:
                    target = f"{source}.{alias.name}"
                    deps.add(target if target in MODULES else source)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
        graph[name] = {d for d in deps if d in MODULES and d != name}
    return graph


def dialect_folder_imports() -> list[str]:
    """Modules outside dialects/ importing a dialect's folder (`mizzle.dialects.<folder>...`) at run time."""
    found = []
    for name, deps in import_graph().items():
        if name.startswith("mizzle.dialects.") or name in DIALECT_IMPORTS_ALLOWED:
            continue
        found += [f"{name} imports {d}" for d in sorted(deps) if d.count(".") >= 2 and d.startswith("mizzle.dialects.")
                  and d.split(".")[2] not in ("base",)]
    return found


def import_cycles() -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    graph = import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[set[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[v] = min(low[v], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.add(w)
                    if w == v:
                        break
                if len(component) > 1:
                    cycles.append(component)
    return cycles


# -- the tests ---------------------------------------------------------------------------------------------

def test_no_dialect_name_is_compared_outside_the_dialects() -> None:
    found = dialect_name_comparisons()
    assert not found, "ask the Dialect object (a hook or a capability) instead:\n" + "\n".join(found)


def test_no_dialect_folder_is_imported_outside_the_dialects() -> None:
    found = dialect_folder_imports()
    assert not found, "go through the Dialect object (dialects.get(name).<hook>):\n" + "\n".join(found)


def test_no_function_is_longer_than_60_lines() -> None:
    found = long_functions()
    assert not found, "split into named steps:\n" + "\n".join(found)


def test_no_module_imports_another_modules_private_name() -> None:
    found = private_imports()
    assert not found, "make the shared name public (or move it):\n" + "\n".join(found)


def test_no_import_cycles() -> None:
    cycles = [c for c in import_cycles() if frozenset(c) not in CYCLES_ALLOWED]
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(sorted(c)) for c in cycles)


def test_the_allow_lists_name_what_exists() -> None:
    """A stale allow-list entry hides nothing: once the code is fixed, delete the entry."""
    functions = {f"{name}.{node.name}" for name, tree in TREES.items() for node in ast.walk(tree)
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_LINES}
    assert LONG_ALLOWED <= functions, f"no longer long: {sorted(LONG_ALLOWED - functions)}"
    cycles = {frozenset(c) for c in import_cycles()}
    assert CYCLES_ALLOWED <= cycles, f"no longer a cycle: {[sorted(c) for c in CYCLES_ALLOWED - cycles]}"
    imports = {(name, _imported_from(name, node), a.name) for name, tree in TREES.items() for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) for a in node.names}
    importers = {name for name, deps in import_graph().items() if any(d.startswith("mizzle.dialects.") and
                 d.split(".")[2] != "base" for d in deps if d.count(".") >= 2)}
    assert DIALECT_IMPORTS_ALLOWED <= importers, f"no longer importing: {sorted(DIALECT_IMPORTS_ALLOWED - importers)}"
    assert PRIVATE_ALLOWED <= imports, f"no longer imported: {sorted(PRIVATE_ALLOWED - imports)}"


@pytest.mark.parametrize("source, expected", [
    ('def f(d):\n    return d == "sqlite"\n', 1),
    ('def f(d):\n    return d.dialect in ("postgresql", "mysql")\n', 1),
    ('def f(c):\n    return c.naming == "postgresql"\n', 0),
    ('def f(d):\n    return d.online\n', 0),
])
def test_the_dialect_check_catches_comparisons(source: str, expected: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker itself can fail: a comparison planted in a module outside dialects/ is found."""
    monkeypatch.setitem(TREES, "mizzle.planted", ast.parse(source))
    monkeypatch.setitem(MODULES, "mizzle.planted", PACKAGE / "planted.py")
    assert len([f for f in dialect_name_comparisons() if f.startswith("mizzle/planted.py")]) == expected

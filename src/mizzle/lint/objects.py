"""MZ12x: changes to objects beyond tables that reach further than the statement says — a function replaced
under the triggers that call it, a view dropped under the views that read from it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import ObjectType

from .registry import WARNING, Hit, rule, statement_check
from .source import SqlStatement
from .state import SchemaState, display, names_key

REPLACE_TRIGGER_FUNCTION = rule(
    "MZ120", WARNING, "function used by a trigger replaced",
    "every row the trigger fires on runs the new body from the next statement on: deploy it with the code that "
    "expects it, and test the trigger")
DROP_DEPENDED_VIEW = rule(
    "MZ121", WARNING, "view other views read from dropped",
    "drop the views that read from it first (and make them again after), as `generate` does; CASCADE drops "
    "them silently")

_VIEWS = (ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW)


def _objects(state: SchemaState) -> Any:
    return getattr(state, "objects", None)


@statement_check
def check(st: SqlStatement, node: Any, state: SchemaState) -> Iterator[Hit]:
    objects = _objects(state)
    if objects is None:
        return
    if isinstance(node, ast.CreateFunctionStmt) and node.replace:
        key = names_key(node.funcname)
        callers = [t for t in objects.triggers if t.function == f"{key[0]}.{key[1]}"]
        if callers:
            on = ", ".join(f"{t.name} on {display((t.schema, t.table))}" for t in callers)
            yield Hit(REPLACE_TRIGGER_FUNCTION, f"function {display(key)} replaced; trigger(s) calling it: {on}", st)
    elif isinstance(node, ast.DropStmt) and node.removeType in _VIEWS:
        yield from _dropped_views(st, node, state, objects)


def _dropped_views(st: SqlStatement, node: Any, state: SchemaState, objects: Any) -> Iterator[Hit]:
    from ..dialects.postgres.view_deps import relations

    dropped: set[tuple[str, str]] = state.__dict__.setdefault("dropped_views", set())
    for obj in node.objects or ():
        key = names_key(obj)
        dropped.add(key)
        readers = [v for v in objects.views if v.key not in dropped and key in relations(v.definition, v.schema)]
        if readers:
            cascade = node.behavior is not None and node.behavior.name == "DROP_CASCADE"
            names = ", ".join(display(v.key) for v in readers)  # type: ignore[arg-type]
            what = f"drops {names} with it (CASCADE)" if cascade else f"fails while {names} read(s) from it"
            yield Hit(DROP_DEPENDED_VIEW, f"DROP VIEW {display(key)} {what}", st)

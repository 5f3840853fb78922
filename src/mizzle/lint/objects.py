"""MZ12x: changes to objects beyond tables that reach further than the statement says — an extension dropped
with its functions and types, a function replaced under the triggers that call it, a view dropped under the views that read from it, a type dropped or a composite
type's attribute retyped under the columns that use it (PostgreSQL refuses the retyping, CASCADE or not, and a
DROP TYPE without CASCADE; with it, the columns go with their values). What lint knows of them:
the previous snapshot's (in a migrations folder), and what the file itself creates before the statement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ObjectType
from pglast.visitors import Visitor

from .registry import WARNING, Hit, rule, statement_check
from .source import SqlStatement
from .state import SchemaState, TableKey, display, names_key, table_key

REPLACE_TRIGGER_FUNCTION = rule(
    "MZ120", WARNING, "function used by a trigger replaced",
    "every row the trigger fires on runs the new body from the next statement on: deploy it with the code that "
    "expects it, and test the trigger")
DROP_DEPENDED_VIEW = rule(
    "MZ121", WARNING, "view other views read from dropped",
    "drop the views that read from it first (and make them again after), as `generate` does; CASCADE drops "
    "them silently")
TYPE_IN_USE_CHANGED = rule(
    "MZ122", WARNING, "type a column uses retyped or dropped",
    "give the columns another type first (or drop them), then change or drop the type; for a composite type, "
    "declare the new attributes as a type of another name and convert the columns to it")

ROUTINE_MADE_AGAIN = rule(
    "MZ123", WARNING, "function or procedure dropped and made again",
    "the privileges granted or revoked on the old one went with it and the new one has only what default "
    "privileges give it; mizzle does not manage routine privileges: GRANT / REVOKE EXECUTE on the new one again "
    "in this migration")

EXTENSION_DROPPED = rule(
    "MZ126", WARNING, "extension dropped",
    "its functions, types and operators go with it: code that calls them (similarity(), a citext column's "
    "comparisons, uuid_generate_v4()) breaks, and the DROP fails while a column, index or default uses one "
    "(CASCADE drops those, with their data); drop it once nothing uses it, or keep it")

_VIEWS = (ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW)
_ROUTINES = (ObjectType.OBJECT_FUNCTION, ObjectType.OBJECT_PROCEDURE, ObjectType.OBJECT_ROUTINE)


class _Known:
    """The views (what each reads from) and the triggers (by the function they call) lint knows of."""

    def __init__(self, previous: Any) -> None:
        from ..dialects.postgres.view_deps import relations

        self.views: dict[TableKey, set[TableKey]] = {}
        self.dropped_routines: set[TableKey] = set()  # by this file, so far
        self.triggers: dict[TableKey, list[str]] = {}
        for v in previous.views if previous is not None else ():
            self.views[v.key] = relations(v.definition, v.schema)
        for t in previous.triggers if previous is not None else ():
            schema, _, fn = t.function.rpartition(".")
            self.triggers.setdefault((schema, fn), []).append(f"{t.name} on {display((t.schema, t.table))}")


def _known(state: SchemaState) -> _Known:
    return state.rule_state("objects", lambda: _Known(state.objects))  # type: ignore[no-any-return]


def _read_from(query: Any) -> set[TableKey]:
    found: set[TableKey] = set()

    class _V(Visitor):  # type: ignore[misc]
        def visit_RangeVar(self, ancestors: Any, node: Any) -> None:
            found.add(table_key(node))

    _V()(query)
    return found


@statement_check
def check(st: SqlStatement, node: Any, state: SchemaState) -> Iterator[Hit]:
    known = _known(state)
    if isinstance(node, ast.ViewStmt):
        known.views[table_key(node.view)] = _read_from(node.query)
    elif isinstance(node, ast.CreateTableAsStmt) and node.objtype == ObjectType.OBJECT_MATVIEW and node.into:
        known.views[table_key(node.into.rel)] = _read_from(node.query)
    elif isinstance(node, ast.CreateTrigStmt):
        known.triggers.setdefault(names_key(node.funcname), []).append(
            f"{node.trigname} on {display(table_key(node.relation))}")
    elif isinstance(node, ast.CreateFunctionStmt):
        yield from _made_again(st, node, known)
    elif isinstance(node, (ast.AlterTableStmt, ast.DropStmt)):
        yield from _type_in_use(st, node, state)
    if isinstance(node, ast.DropStmt) and node.removeType in _ROUTINES:
        known.dropped_routines.update(names_key(obj.objname) for obj in node.objects or ())
    if isinstance(node, ast.DropStmt) and node.removeType in _VIEWS:
        yield from _dropped_view(st, node, known)
    if isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_EXTENSION:
        cascade = node.behavior is not None and node.behavior.name == "DROP_CASCADE"
        for obj in node.objects or ():
            yield Hit(EXTENSION_DROPPED, f"DROP EXTENSION {obj.sval} removes its functions, types and operators"
                      + (", and CASCADE every column, index, view and default using them" if cascade else ""), st)


def _made_again(st: SqlStatement, node: Any, known: _Known) -> Iterator[Hit]:
    key = names_key(node.funcname)
    if key in known.dropped_routines:
        what = "procedure" if node.is_procedure else "function"
        yield Hit(ROUTINE_MADE_AGAIN, f"{what} {display(key)} made again after its DROP", st)
    if node.replace:
        if known.triggers.get(key):
            on = ", ".join(known.triggers[key])
            yield Hit(REPLACE_TRIGGER_FUNCTION, f"function {display(key)} replaced; trigger(s) calling it: {on}", st)


def _dropped_view(st: SqlStatement, node: Any, known: _Known) -> Iterator[Hit]:
    for obj in node.objects or ():
        key = names_key(obj)
        known.views.pop(key, None)
        readers = sorted(k for k, deps in known.views.items() if key in deps)
        if readers:
            cascade = node.behavior is not None and node.behavior.name == "DROP_CASCADE"
            names = ", ".join(display(k) for k in readers)
            what = f"drops {names} with it (CASCADE)" if cascade else f"fails while {names} read(s) from it"
            yield Hit(DROP_DEPENDED_VIEW, f"DROP VIEW {display(key)} {what}", st)


def _columns_of_type(state: SchemaState, name: str) -> list[str]:
    """`schema.table.column` of each column lint knows of whose type (or array element type) is named `name`
    (matched by name: lint's column types carry no schema)."""
    return [f"{display(key)}.{col}" for key, info in sorted(state.tables.items()) if info.columns
            for col, spec in info.columns.items() if spec.name == name.lower()]


def _type_in_use(st: SqlStatement, node: Any, state: SchemaState) -> Iterator[Hit]:
    if isinstance(node, ast.AlterTableStmt) and node.objtype == ObjectType.OBJECT_TYPE and node.relation:
        retyped = [c.name for c in node.cmds or () if c.subtype == AlterTableType.AT_AlterColumnType]
        using = _columns_of_type(state, node.relation.relname or "") if retyped else []
        if using:
            yield Hit(TYPE_IN_USE_CHANGED, f"ALTER TYPE {display(table_key(node.relation))} ALTER ATTRIBUTE "
                      f"{', '.join(retyped)} fails while {', '.join(using)} use(s) it", st)
    elif isinstance(node, ast.DropStmt) and node.removeType in (ObjectType.OBJECT_TYPE, ObjectType.OBJECT_DOMAIN):
        cascade = node.behavior is not None and node.behavior.name == "DROP_CASCADE"
        for obj in node.objects or ():
            key = names_key(obj.names if isinstance(obj, ast.TypeName) else obj)
            using = _columns_of_type(state, key[1])
            if using:
                what = f"drops {', '.join(using)} with it (CASCADE)" if cascade else \
                    f"fails while {', '.join(using)} use(s) it"
                word = "DOMAIN" if node.removeType == ObjectType.OBJECT_DOMAIN else "TYPE"
                yield Hit(TYPE_IN_USE_CHANGED, f"DROP {word} {display(key)} {what}", st)

"""MZ006: an index, or an exclusion constraint (`EXCLUDE USING gist (room_id WITH =, …)`), on a column whose
type has no default operator class for its access method, with no operator class named (`USING gin (name)` on a
varchar column). PostgreSQL refuses it ("data type character varying has no default operator class for access
method gin", 42704) unless an extension installed in the database gives the type one (btree_gin, btree_gist; for
gist the finding names btree_gist). `generate` writes one for an index the schema code declares so: prefect 3.9's
models declare its `trgm_ix_*` indexes `USING gin` with no operator class, where its Alembic migrations write
`gin_trgm_ops`. What lint knows of the column's type: the previous snapshot's (in a migrations folder), and what
the file itself creates before the statement; a type it does not know as a built-in one (an extension's, an enum,
an array) is left alone, and so is one btree_gist or btree_gin gives a default class once the previous snapshot
declares the extension (in a drizzle-kit folder, whose snapshots record none: once an earlier migration's SQL made
it; lint/folder_context.py) or the file makes it (openstreetmap-website's gist index on integer columns)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType

from .registry import WARNING, Hit, rule, statement_check
from .source import SqlStatement
from .state import SchemaState, TableKey, TypeSpec, display, spoken_type, table_key, type_spec

NO_DEFAULT_OPCLASS = rule(
    "MZ006", WARNING, "index or exclusion constraint column whose type has no default operator class for the access "
    "method", "name the operator class the index needs (`name gin_trgm_ops` with pg_trgm; `postgresql_ops` in "
    "SQLAlchemy), create the extension that gives the type one first (btree_gist, for gist on uuid, integer, text, "
    "inet …: `mizzle.pg.Extension(\"btree_gist\")`), or use an access method the type has one for (btree)")


def _extensions(state: SchemaState) -> set[str]:
    """The extensions made before the statement: the previous snapshot's, and those the file made (and kept)."""
    return state.rule_state(  # type: ignore[no-any-return]
        "extensions", lambda: {e.name for e in state.previous_extensions})


@statement_check
def check(st: SqlStatement, node: Any, state: SchemaState) -> Iterator[Hit]:
    from ..dialects.postgres.opclass_defaults import extension_of_default_opclass, lacks_default_opclass

    made = _extensions(state)
    if isinstance(node, ast.CreateExtensionStmt) and node.extname:
        made.add(node.extname)
        return
    if isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_EXTENSION:
        made.difference_update(o.sval if isinstance(o, ast.String) else str(o) for o in node.objects or ())
        return
    for what, key, method, elements, types in _indexed(node, state):
        for el in elements:
            if not isinstance(el, ast.IndexElem) or el.name is None or el.opclass:
                continue
            spec = types(el.name)
            # a type not known as a built-in one (an extension's, an enum, an array) is left alone
            if spec is None or spec.array or not lacks_default_opclass(method, spec.name, frozenset(made)):
                continue
            ext = extension_of_default_opclass(method, spec.name)
            unless = (f"unless the {ext} extension, which gives it one, is created first (CREATE EXTENSION {ext})"
                      if ext else "unless an extension (btree_gin, btree_gist) gives it one")
            yield Hit(NO_DEFAULT_OPCLASS, f"{what} on {display(key)} uses {method} on {el.name} ({spoken_type(spec)}), "
                      f"a type with no default operator class for {method}: PostgreSQL refuses it {unless}", st)


_Indexed = tuple[str, TableKey, str, Any, Callable[[str], TypeSpec | None]]


def _indexed(node: Any, state: SchemaState) -> Iterator[_Indexed]:
    """(what, table, access method, elements, the type of a column by name) of the index a statement makes, and of
    each exclusion constraint it adds (CREATE TABLE's, taking its own columns' types; ALTER TABLE … ADD)."""
    if isinstance(node, ast.IndexStmt) and node.relation is not None:
        key = table_key(node.relation)
        yield (f"index {node.idxname or '(unnamed)'}", key, (node.accessMethod or "btree").lower(),
               node.indexParams or (), lambda n: state.column_type(key, n))
    elif isinstance(node, ast.CreateStmt) and node.relation is not None:
        key = table_key(node.relation)
        cols = {e.colname: type_spec(e.typeName) for e in node.tableElts or ()
                if isinstance(e, ast.ColumnDef) and e.typeName is not None}
        for c in node.tableElts or ():
            if isinstance(c, ast.Constraint) and c.contype == ConstrType.CONSTR_EXCLUSION:
                yield (f"exclusion constraint {c.conname or '(unnamed)'}", key, (c.access_method or "btree").lower(),
                       [e for e, _ in c.exclusions or ()], cols.get)
    elif isinstance(node, ast.AlterTableStmt) and node.relation is not None:
        key = table_key(node.relation)
        for cmd in node.cmds or ():
            c = cmd.def_ if cmd.subtype == AlterTableType.AT_AddConstraint else None
            if isinstance(c, ast.Constraint) and c.contype == ConstrType.CONSTR_EXCLUSION:
                yield (f"exclusion constraint {c.conname or '(unnamed)'}", key, (c.access_method or "btree").lower(),
                       [e for e, _ in c.exclusions or ()], lambda n: state.column_type(key, n))

"""MZ006: an index on a column whose type has no default operator class for the index's access method, with no
operator class named (`USING gin (name)` on a varchar column). PostgreSQL refuses it ("data type character varying
has no default operator class for access method gin", 42704) unless an extension installed in the database gives
the type one (btree_gin, btree_gist). `generate` writes one for an index the schema code declares so: prefect 3.9's
models declare its `trgm_ix_*` indexes `USING gin` with no operator class, where its Alembic migrations write
`gin_trgm_ops`. What lint knows of the column's type: the previous snapshot's (in a migrations folder), and what
the file itself creates before the statement; a type it does not know as a built-in one (an extension's, an enum,
an array) is left alone, and so is one btree_gist or btree_gin gives a default class once the previous snapshot
declares the extension or the file makes it (openstreetmap-website's gist index on integer columns)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import ObjectType

from .registry import WARNING, Hit, rule, statement_check
from .source import SqlStatement
from .state import SchemaState, display, spoken_type, table_key

NO_DEFAULT_OPCLASS = rule(
    "MZ006", WARNING, "index column whose type has no default operator class for the index's access method",
    "name the operator class the index needs (`name gin_trgm_ops` with pg_trgm; `postgresql_ops` in SQLAlchemy), "
    "or use an access method the type has one for (btree)")


def _extensions(state: SchemaState) -> set[str]:
    """The extensions made before the statement: the previous snapshot's, and those the file made (and kept)."""
    return state.rule_state(  # type: ignore[no-any-return]
        "extensions", lambda: {e.name for e in state.previous_extensions})


@statement_check
def check(st: SqlStatement, node: Any, state: SchemaState) -> Iterator[Hit]:
    from ..dialects.postgres.opclass_defaults import lacks_default_opclass

    made = _extensions(state)
    if isinstance(node, ast.CreateExtensionStmt) and node.extname:
        made.add(node.extname)
    elif isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_EXTENSION:
        made.difference_update(o.sval if isinstance(o, ast.String) else str(o) for o in node.objects or ())
    if not isinstance(node, ast.IndexStmt) or node.relation is None:
        return
    method = (node.accessMethod or "btree").lower()
    key = table_key(node.relation)
    for el in node.indexParams or ():
        if not isinstance(el, ast.IndexElem) or el.name is None or el.opclass:
            continue
        spec = state.column_type(key, el.name)
        # a type not known as a built-in one (an extension's, an enum, an array) is left alone
        if spec is not None and not spec.array and lacks_default_opclass(method, spec.name, frozenset(made)):
            yield Hit(NO_DEFAULT_OPCLASS, f"index {node.idxname or '(unnamed)'} on {display(key)} uses {method} on "
                      f"{el.name} ({spoken_type(spec)}), a type with no default operator class for {method}: "
                      "PostgreSQL refuses it unless an extension (btree_gin, btree_gist) gives it one", st)

"""The SQLite model ↔ drizzle-kit's SQLite snapshot JSON (version "6").

Key order as drizzle-kit writes it: `version, dialect, id, prevId, tables, views, enums, _meta, internal`.
No schemas (see source.py). Unique constraints are indexes; `internal.indexes` flags expression columns.
Views found in a drizzle-kit snapshot are carried forward unchanged. Triggers, columns' collations, foreign keys'
deferral and the tables' STRICT and WITHOUT ROWID (no drizzle-kit field) go in the sidecar.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ...errors import IntegrityError
from ...migrations.inline_marks import inline_entry, inline_names
from ...migrations.snapshots import default_from_json
from ...schema.model import (
    DEFAULT_SCHEMA,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Table,
    make_schema,
)
from ...schema.naming import unique_name
from ...schema.objects import make_objects
from .snapshot_1x import SERVER_NAME, SERVER_PK
from .types import AUTOINCREMENT, affinity, canonical_type, index_element, index_element_sql, split_collation
from .views import triggers_from_sidecar, triggers_to_sidecar, views_from_snapshot, views_to_snapshot

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def sqlite_schema_from_snapshot(data: dict[str, Any], source: str = "snapshot",
                                side: dict[str, Any] | None = None) -> Schema:
    """`side`: mizzle's sidecar entry of this snapshot (its triggers, columns' collations, foreign keys' deferral:
    drizzle-kit has no field for them)."""
    try:
        internal = (data.get("internal") or {}).get("indexes") or {}
        side_tables = (side or {}).get("tables") or {}
        tables = [_table(t, internal, side_tables.get(t["name"]) or {}) for t in (data.get("tables") or {}).values()]
    except (KeyError, TypeError, AttributeError) as e:
        raise IntegrityError(f"{source}: malformed sqlite snapshot ({type(e).__name__}: {e})") from None
    views, carried = views_from_snapshot(data)  # isExisting views: not managed, carried as they are
    extras = [("views", json.dumps(carried, sort_keys=True))] if carried else []
    objects = make_objects([*views.all(), *triggers_from_sidecar(side or {})])
    return make_schema("sqlite", tables=tables, extras=extras, objects=objects)


def _table(t: dict[str, Any], internal: dict[str, Any], side: dict[str, Any]) -> Table:
    """`side`: the table's sidecar entry (its columns' collations, its foreign keys' deferral: drizzle-kit's SQLite
    snapshot has no field for them)."""
    side_fks = side.get("foreignKeys") or {}
    composite = list((t.get("compositePrimaryKeys") or {}).values())
    single = [c["name"] for c in t["columns"].values() if c.get("primaryKey")]
    pk = None
    if composite:
        pk = PrimaryKey(tuple(composite[0]["columns"]), composite[0].get("name"), server_name=t.get(SERVER_PK))
    elif single:
        pk = PrimaryKey(tuple(single), None, server_name=t.get(SERVER_PK))
    pk_cols = set(pk.columns) if pk else set()
    columns = []
    for c in t["columns"].values():
        gen = c.get("generated")
        type_, collation = split_collation(c["type"])  # a custom type's `text COLLATE NOCASE`
        columns.append(Column(
            name=c["name"], type=canonical_type(type_), not_null=bool(c.get("notNull")) or c["name"] in pk_cols,
            declared_not_null=bool(c.get("notNull")),
            default=default_from_json(c.get("default")),
            identity=AUTOINCREMENT if c.get("autoincrement") else None,
            generated=_unwrap(gen["as"]) if gen else None,
            generated_virtual=bool(gen) and str(gen.get("type") or "").lower() == "virtual",
            collation=((side.get("columns") or {}).get(c["name"]) or {}).get("collation") or collation))
    fks = [ForeignKey(name=f["name"], columns=tuple(f["columnsFrom"]), ref_table=f["tableTo"],
                      ref_columns=tuple(f["columnsTo"]), ref_schema=DEFAULT_SCHEMA,
                      on_delete=(f.get("onDelete") or "no action").lower(),
                      on_update=(f.get("onUpdate") or "no action").lower(), server_name=f.get(SERVER_NAME),
                      deferrable=(side_fks.get(f["name"]) or {}).get("deferrable"))
           for f in (t.get("foreignKeys") or {}).values()]
    indexes = []
    inline = inline_names(side)
    side_ix = side.get("indexes") or {}
    for ix in (t.get("indexes") or {}).values():
        flags = (internal.get(ix["name"]) or {}).get("columns") or {}
        cols = tuple(_index_column(c, bool((flags.get(c) or {}).get("isExpression"))) for c in ix["columns"])
        indexes.append(Index(name=ix["name"], columns=cols, unique=bool(ix.get("isUnique")),
                             where=ix.get("where") or None,  # a 1.x row's, or the sidecar's (`baseline`'s)
                             server_name=ix.get(SERVER_NAME) or (side_ix.get(ix["name"]) or {}).get("serverName"),
                             inline=bool(ix.get("isUnique")) and ix["name"] in inline))
    # drizzle-kit writes these inside its CREATE TABLE (`CONSTRAINT x UNIQUE(…)`: older 0.x versions, and 1.x's
    # `uniques` rows): the database has them as the table's own, which DROP INDEX cannot drop
    for u in (t.get("uniqueConstraints") or {}).values():
        cols_u = tuple(u["columns"])
        indexes.append(Index(name=u.get("name") or unique_name(t["name"], cols_u, cut=False),
                             columns=tuple(IndexColumn(c) for c in cols_u), unique=True,
                             server_name=u.get(SERVER_NAME), inline=True))
    checks = [CheckConstraint(c["name"], c["value"]) for c in (t.get("checkConstraints") or {}).values()]
    return Table(name=t["name"], schema=DEFAULT_SCHEMA, columns=tuple(columns), primary_key=pk,
                 foreign_keys=tuple(fks), checks=tuple(checks), indexes=tuple(indexes),
                 strict=bool(side.get("strict")), without_rowid=bool(side.get("withoutRowid")))


def _index_column(text: str, is_expression: bool) -> IndexColumn:
    """An index element of a snapshot: a column, or an expression — one ending in `COLLATE name` is the element's
    collation (drizzle-kit's index has no field for it: mizzle writes it so, as drizzle-kit writes
    sql`${t.name} COLLATE NOCASE`)."""
    if not is_expression:
        return IndexColumn(text)
    expr, is_expr, collation = index_element(text)
    return IndexColumn(expr, is_expression=is_expr, collation=collation)


def _unwrap(expr: str) -> str:
    e = expr.strip()
    return e[1:-1].strip() if e.startswith("(") and e.endswith(")") else e


def _default_to_json(value: str | None, type_: str) -> Any:
    if value is None:
        return None
    if value in ("true", "false"):
        return value == "true"
    if affinity(type_) in ("integer", "real") and _NUMBER.fullmatch(value):
        try:
            number = json.loads(value)
        except ValueError:  # a number JSON does not spell (`0644`: leading zeros): kept as the SQL's text
            return value
        if json.dumps(number) == value:
            return number
    return value


def sqlite_snapshot_from_schema(schema: Schema, prev_id: str, id_: str,
                                renames: dict[str, dict[str, str]] | None = None
                                ) -> tuple[dict[str, Any], dict[str, Any]]:
    internal: dict[str, Any] = {}
    tables = {}
    for t in schema.tables:
        tables[t.name] = _table_to_json(t, internal)
    snap: dict[str, Any] = {
        "version": "6",
        "dialect": "sqlite",
        "id": id_,
        "prevId": prev_id,
        "tables": tables,
        "views": {},
        "enums": {},
        "_meta": _meta(renames or {}),
        "internal": {"indexes": internal},
    }
    for key, text in schema.extras:
        snap[key] = json.loads(text)
    snap["views"] = {**snap["views"], **views_to_snapshot(schema.objects)}
    side = triggers_to_sidecar(schema.objects)
    if kept := _tables_sidecar(schema):
        side["tables"] = kept
    return snap, side


def _tables_sidecar(schema: Schema) -> dict[str, Any]:
    """What drizzle-kit's SQLite snapshot has no field for, by table (as the PostgreSQL sidecar keeps it): a column's
    COLLATE, a deferrable foreign key's `deferrable` ("immediate" / "deferred"), a unique index that the database
    has as a UNIQUE of the table's CREATE TABLE (`inline`: baseline adopted it so; its drop is a table rebuild), the
    table's options `strict` and `withoutRowid` (drizzle-kit has no STRICT or WITHOUT ROWID table). An
    index's name in the database where it is not the snapshot's is the row's `_serverName` (drizzle-kit 1.x's
    layout), in a 0.x folder its sidecar entry's `serverName` (`baseline`'s: folder.add_migration moves it)."""
    out: dict[str, Any] = {}
    for t in schema.tables:
        entry: dict[str, Any] = {}
        if cols := {c.name: {"collation": c.collation} for c in t.columns if c.collation}:
            entry["columns"] = cols
        if fks := {f.name: {"deferrable": f.deferrable} for f in t.foreign_keys if f.deferrable}:
            entry["foreignKeys"] = fks
        if inline := inline_entry(i.name for i in t.indexes if i.inline):
            entry["indexes"] = inline
        if t.strict:
            entry["strict"] = True
        if t.without_rowid:
            entry["withoutRowid"] = True
        if entry:
            out[t.name] = entry
    return out


def _meta(renames: dict[str, dict[str, str]]) -> dict[str, Any]:
    def bare(q: str) -> str:  # '"public"."t"."c"' → '"t"."c"': SQLite has no schemas
        return q[len('"public".'):] if q.startswith('"public".') else q
    return {"schemas": {},
            "tables": {bare(k): bare(v) for k, v in (renames.get("tables") or {}).items()},
            "columns": {bare(k): bare(v) for k, v in (renames.get("columns") or {}).items()}}


def _table_to_json(t: Table, internal: dict[str, Any]) -> dict[str, Any]:
    pk = t.primary_key
    single = pk.columns[0] if pk and len(pk.columns) == 1 and pk.name is None else None
    composite = pk if pk and single is None else None
    columns = {}
    for c in t.columns:
        d: dict[str, Any] = {"name": c.name, "type": c.type, "primaryKey": c.name == single,
                             "notNull": c.declared_not_null if composite and c.name in composite.columns else c.not_null,
                             "autoincrement": c.identity == AUTOINCREMENT}
        if c.default is not None:
            d["default"] = _default_to_json(c.default, c.type)
        if c.generated is not None:
            d["generated"] = {"as": f"({c.generated})", "type": "virtual" if c.generated_virtual else "stored"}
        columns[c.name] = d
    indexes = {}
    for ix in t.indexes:
        texts = [index_element_sql(c.expression, c.is_expression, c.collation, '"') if c.collation else c.expression
                 for c in ix.columns]
        d = {"name": ix.name, "columns": texts, "isUnique": ix.unique}
        if ix.where:
            d["where"] = ix.where
        if ix.server_name:  # for the 1.x codec's rows; a 0.x folder keeps it in the sidecar (folder.add_migration)
            d[SERVER_NAME] = ix.server_name
        indexes[ix.name] = d
        exprs = {text: {"isExpression": True} for c, text in zip(ix.columns, texts, strict=True)
                 if c.is_expression or c.collation}
        if exprs:
            internal[ix.name] = {"columns": exprs}
    fks = {f.name: {"name": f.name, "tableFrom": t.name, "tableTo": f.ref_table, "columnsFrom": list(f.columns),
                    "columnsTo": list(f.ref_columns), "onDelete": f.on_delete, "onUpdate": f.on_update,
                    **({SERVER_NAME: f.server_name} if f.server_name else {})} for f in t.foreign_keys}
    return {
        "name": t.name,
        "columns": columns,
        "indexes": indexes,
        "foreignKeys": fks,
        **({SERVER_PK: pk.server_name} if pk is not None and pk.server_name else {}),
        "compositePrimaryKeys": ({composite.name or "": {"columns": list(composite.columns), "name": composite.name}}
                                 if composite else {}),
        "uniqueConstraints": {},
        "checkConstraints": {c.name: {"name": c.name, "value": c.expression} for c in t.checks},
    }

"""A foreign key of a v7 snapshot without `schemaTo` (drizzle-kit before it wrote the key; eikona-io/api's
comfy_deploy tables, snapshots upgraded from v5 by `drizzle-kit up`): its target is the table of that name, which
the SQL of that time named with its schema (`REFERENCES "comfy_deploy"."machines"`). Read as public's, verify found
every such step differing (`ref schema public → comfy_deploy`). No server."""

from __future__ import annotations

from typing import Any

from mizzle.dialects.postgres.snapshot import schema_from_snapshot


def _table(schema: str, name: str, fks: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "schema": schema, "columns": {
        "id": {"name": "id", "type": "uuid", "primaryKey": True, "notNull": True},
        "m_id": {"name": "m_id", "type": "uuid", "primaryKey": False, "notNull": False}},
        "indexes": {}, "foreignKeys": fks or {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}}


def _fk(table: str, to: str, schema_to: str | None = None) -> dict[str, Any]:
    fk = {"name": f"{table}_m_id_{to}_id_fk", "tableFrom": table, "tableTo": to, "columnsFrom": ["m_id"],
          "columnsTo": ["id"], "onDelete": "no action", "onUpdate": "no action"}
    if schema_to is not None:
        fk["schemaTo"] = schema_to
    return fk


def _ref_schema(tables: list[dict[str, Any]], table: str) -> str:
    snap = {"version": "7", "dialect": "postgresql", "id": "x", "prevId": "y", "enums": {}, "schemas": {},
            "tables": {f"{t['schema'] or 'public'}.{t['name']}": t for t in tables}}
    model = schema_from_snapshot(snap)
    (t,) = [t for t in model.tables if t.name == table]
    return t.foreign_keys[0].ref_schema


def test_a_missing_schema_to_is_the_schema_of_the_only_table_of_that_name() -> None:
    runs = _table("comfy_deploy", "runs", {"f": _fk("runs", "machines")})
    assert _ref_schema([_table("comfy_deploy", "machines"), runs], "runs") == "comfy_deploy"


def test_a_missing_schema_to_is_public_where_public_has_the_table_or_none_has() -> None:
    runs = _table("comfy_deploy", "runs", {"f": _fk("runs", "machines")})
    assert _ref_schema([_table("comfy_deploy", "machines"), _table("", "machines"), runs], "runs") == "public"
    assert _ref_schema([runs], "runs") == "public"  # a table outside the snapshot (mizzle's scope)
    stated = _table("comfy_deploy", "runs", {"f": _fk("runs", "machines", "other")})
    assert _ref_schema([_table("comfy_deploy", "machines"), stated], "runs") == "other"

"""drizzle-kit has no INCLUDE for an index, so teams write it into the last column's sql`` (latitude-llm's
latte_requests_credits_idx: `index().on(t.workspaceId, sql`"created_at") INCLUDE ("credits", "billable"`)`).
drizzle-kit pastes that text between the column list's parentheses, so the SQL it writes says `("workspace_id",
"created_at") INCLUDE ("credits", "billable")`, and its snapshot keeps the text as one expression column. Read as
that expression, verify, drift and generate --check found the index differing from the database at every step
(`include () → (credits, billable)`). No server."""

from __future__ import annotations

from typing import Any

from mizzle.dialects.postgres.snapshot import schema_from_snapshot


def _index(last: dict[str, Any]) -> Any:
    cols = [{"expression": "workspace_id", "isExpression": False, "asc": True, "nulls": "last"}, last]
    ix = {"name": "credits_idx", "columns": cols, "isUnique": False, "concurrently": False, "method": "btree",
          "with": {}}
    table = {"name": "latte_requests", "schema": "latitude", "columns": {
        c: {"name": c, "type": "bigint", "primaryKey": False, "notNull": False}
        for c in ("workspace_id", "created_at", "credits", "billable")},
        "indexes": {"credits_idx": ix}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}}
    snap = {"version": "7", "dialect": "postgresql", "id": "x", "prevId": "y", "enums": {},
            "schemas": {"latitude": "latitude"}, "tables": {"latitude.latte_requests": table}}
    (t,) = schema_from_snapshot(snap).tables
    return t.indexes[0]


def test_an_include_written_into_the_last_expression_is_the_index_include() -> None:
    ix = _index({"expression": '"created_at") INCLUDE ("credits", "billable"', "isExpression": True, "asc": True,
                 "nulls": "last"})
    assert ix.include == ("credits", "billable")
    assert [(c.expression, c.is_expression) for c in ix.columns] == [("workspace_id", False), ("created_at", False)]


def test_an_include_after_an_expression_keeps_the_expression() -> None:
    ix = _index({"expression": 'lower("created_at"::text)) INCLUDE ("Credits",billable', "isExpression": True,
                 "asc": True, "nulls": "last"})
    assert ix.include == ("Credits", "billable")
    assert (ix.columns[1].expression, ix.columns[1].is_expression) == ('lower("created_at"::text)', True)


def test_an_expression_with_balanced_parentheses_is_left_alone() -> None:
    text = "coalesce(\"created_at\", now())"
    ix = _index({"expression": text, "isExpression": True, "asc": True, "nulls": "last"})
    assert ix.include == ()
    assert ix.columns[1].expression == text

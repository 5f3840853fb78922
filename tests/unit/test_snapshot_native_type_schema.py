"""A drizzle-kit 0.x snapshot may give a column of a built-in type a `typeSchema` (`"type": "integer",
"typeSchema": "public"`: CodebuffAI/codebuff's common/src/db/migrations, meta/0004_snapshot.json, whose next
snapshot says the same column without it). drizzle-kit writes the schema prefix only for a type that is not one of
its native ones, so its SQL for that column is plain `integer`: read as such, not as a user type public.integer,
which `verify` and `drift` then reported as `type public.integer → integer` on a database the folder built."""

from __future__ import annotations

from typing import Any

from mizzle.dialects.postgres.snapshot import schema_from_snapshot
from mizzle.schema.diff import diff


def _snapshot(columns: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"id": "a", "prevId": "0", "version": "7", "dialect": "postgresql",
            "tables": {"public.referral": {"name": "referral", "schema": "", "columns": columns, "indexes": {},
                                           "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}}},
            "enums": {"public.status": {"name": "status", "schema": "public", "values": ["a", "b"]}},
            "schemas": {}, "_meta": {"schemas": {}, "tables": {}, "columns": {}}}


def _cols(with_type_schema: bool) -> dict[str, dict[str, Any]]:
    extra = {"typeSchema": "public"} if with_type_schema else {}
    return {
        "credits": {"name": "credits", "type": "integer", "primaryKey": False, "notNull": True, **extra},
        "at": {"name": "at", "type": "timestamp (3) with time zone", "primaryKey": False, "notNull": False, **extra},
        "tags": {"name": "tags", "type": "varchar(20)[]", "primaryKey": False, "notNull": False, **extra},
        "status": {"name": "status", "type": "status", "typeSchema": "public", "primaryKey": False, "notNull": True},
    }


def test_a_builtin_type_with_a_type_schema_is_the_builtin_type() -> None:
    read = schema_from_snapshot(_snapshot(_cols(True)))
    cols = {c.name: c for c in read.tables[0].columns}
    assert [(cols[n].type, cols[n].type_schema) for n in ("credits", "at", "tags")] == [
        ("integer", None), ("timestamp (3) with time zone", None), ("varchar(20)[]", None)]
    assert cols["status"].type_schema == "public"  # an enum's typeSchema is kept
    assert diff(schema_from_snapshot(_snapshot(_cols(False))), read).changes == []


def test_an_enum_whose_name_is_a_builtin_types_in_another_case_keeps_its_type_schema() -> None:
    """Openpanel-dev/openpanel's Prisma folder (20231018180355_dashboard_and_reports): `CREATE TYPE "Interval" AS
    ENUM (…)` and reports."interval" "Interval"; the rebuilt snapshots say `"type": "Interval", "typeSchema":
    "public"`, read as the built-in interval, so drift said 'no drift' on a database whose column had become of type
    interval, and pull warned that its module could not express the column. drizzle-kit's native types are
    lower-case (its isPgNativeType is case-sensitive): a type spelled otherwise is the user's."""
    cols = {"interval": {"name": "interval", "type": "Interval", "typeSchema": "public", "primaryKey": False,
                         "notNull": True},
            "dates": {"name": "dates", "type": "Date[]", "typeSchema": "public", "primaryKey": False, "notNull": False}}
    snap = _snapshot(cols)
    snap["enums"] |= {"public.Interval": {"name": "Interval", "schema": "public", "values": ["hour", "day"]},
                      "public.Date": {"name": "Date", "schema": "public", "values": ["d"]}}
    read = {c.name: c for c in schema_from_snapshot(snap).tables[0].columns}
    assert [(read[n].type, read[n].type_schema) for n in ("interval", "dates")] == [
        ("Interval", "public"), ("Date[]", "public")]
    builtin = {c.name: c for c in schema_from_snapshot(_snapshot({"interval": {
        "name": "interval", "type": "interval", "primaryKey": False, "notNull": True}})).tables[0].columns}
    assert diff(schema_from_snapshot(snap), schema_from_snapshot(_snapshot({**cols, "interval": {
        **cols["interval"], "type": "interval", "typeSchema": None}}))).changes != []
    assert builtin["interval"].type == "interval" and builtin["interval"].type_schema is None

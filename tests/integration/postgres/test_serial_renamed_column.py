"""A serial column drizzle-kit renamed (found in jns-w/edu-fullstack's edu-backend/migrations: 0004 renames users.id
to user_id, 0012 lesson_progress.id to lesson_progress_id): `ALTER TABLE … RENAME COLUMN` keeps the sequence's
name, `users_id_seq`, so the column reads as `integer DEFAULT nextval('users_id_seq')` with that sequence owned by
it, while drizzle-kit's snapshot still says `serial`. verify, drift and generate after pull reported `+ sequence
users_id_seq` and `type serial → integer`; the rebuilt snapshot said integer, a default and a sequence. The same
as a renamed table's serial (test_serial_renamed_table.py), by the column's old name."""

from __future__ import annotations

from pathlib import Path

import pytest
from serial_renames import check_kept_serial, folder_of

pytestmark = pytest.mark.pg


def _snapshot(i: int, key: str) -> dict:  # type: ignore[type-arg]
    return {"id": f"00000000-0000-0000-0000-00000000000{i + 1}", "prevId": f"00000000-0000-0000-0000-00000000000{i}",
            "version": "7", "dialect": "postgresql",
            "tables": {"public.users": {"name": "users", "schema": "", "columns": {
                key: {"name": key, "type": "serial", "primaryKey": True, "notNull": True},
                "email": {"name": "email", "type": "text", "primaryKey": False, "notNull": True}},
                "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}, "policies": {},
                "checkConstraints": {}, "isRLSEnabled": False}},
            "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
            "_meta": {"columns": {"\"public\".\"users\".\"id\"": "\"public\".\"users\".\"user_id\""} if i else {},
                      "schemas": {}, "tables": {}}}


def test_a_serial_kept_through_a_column_rename_is_no_difference(pg_available: bool, tmp_path: Path) -> None:
    folder = folder_of(tmp_path / "proj", 'CREATE TABLE "users" (\n\t"id" serial PRIMARY KEY NOT NULL,\n'
                                          '\t"email" text NOT NULL\n);\n',
                       'ALTER TABLE "users" RENAME COLUMN "id" TO "user_id";', [_snapshot(0, "id"), _snapshot(1, "user_id")])
    check_kept_serial(tmp_path, folder, "users_id_seq", "serial_col_renamed_schema")

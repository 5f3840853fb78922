"""A policy `TO current_role` (drizzle-kit's own tests/rls/pg-policy.test.ts, "alter policy without recreation:
changing roles": `pgPolicy('test', { to: 'current_role' })`): drizzle-kit's snapshot keeps the word, PostgreSQL
stores the role of the session that made the policy. After drizzle-kit 0.31's folder was migrated, `drift` (and
`verify`) reported `to (current_role, …) → (…, postgres)`, a difference that is none."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from pgtools import temp_database

from mizzle.commands.drift import drift
from mizzle.runner.migrate import migrate

pytestmark = pytest.mark.pg

SQL = ('CREATE TABLE "users" (\n\t"id" integer PRIMARY KEY NOT NULL\n);\n--> statement-breakpoint\n'
       'ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint\n'
       'CREATE POLICY "mine" ON "users" AS PERMISSIVE FOR SELECT TO current_role USING (true);--> statement-breakpoint\n'
       'CREATE POLICY "also_public" ON "users" AS PERMISSIVE FOR ALL TO public, current_user;')


def _snapshot(to: list[str]) -> dict[str, object]:
    return {
        "id": "5e0c8a2f-3a1b-4c7d-9e2f-0a1b2c3d4e5f", "prevId": "00000000-0000-0000-0000-000000000000",
        "version": "7", "dialect": "postgresql",
        "tables": {"public.users": {
            "name": "users", "schema": "", "columns": {"id": {"name": "id", "type": "integer", "primaryKey": True,
                                                               "notNull": True}},
            "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {},
            "policies": {"mine": {"name": "mine", "as": "PERMISSIVE", "for": "SELECT", "to": to, "using": "true"},
                         "also_public": {"name": "also_public", "as": "PERMISSIVE", "for": "ALL",
                                         "to": ["current_user", "public"]}},
            "checkConstraints": {}, "isRLSEnabled": True}},
        "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
        "_meta": {"columns": {}, "schemas": {}, "tables": {}}}


def _folder(tmp_path: Path, to: list[str]) -> Path:
    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_init.sql").write_text(SQL)
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps(_snapshot(to), indent=2))
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": 0, "version": "7", "when": 1700000000000, "tag": "0000_init", "breakpoints": True}]}, indent=2))
    return out


def test_a_policy_to_the_session_role_is_no_drift(pg_available: bool, tmp_path: Path) -> None:
    with temp_database("mzsessrole") as url:
        migrate(url=url, folder=_folder(tmp_path, ["current_role"]))
        assert drift(url=url, folder=tmp_path / "drizzle").changes == []


def test_another_role_than_the_sessions_is_still_drift(pg_available: bool, tmp_path: Path) -> None:
    with temp_database("mzsessrole") as url:
        migrate(url=url, folder=_folder(tmp_path, ["current_role"]))
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("ALTER POLICY mine ON users TO public")
        assert [c for c in drift(url=url, folder=tmp_path / "drizzle").changes if "mine" in c]

"""What lies outside `schema_filter` is not the schema code's: a drizzle-kit snapshot's tables there are carried
forward, not dropped. onlook-dev/onlook's drizzle-kit folder (Supabase; drizzle.config.ts `schemaFilter:
["public"]`) holds `auth.users` in its snapshots from 0005 on (drizzle-orm/supabase's `authUsers`, which its
`users.id` references; no migration makes it). With `schema_filter = ["public"]` and schema code that references
`auth.users` through a stand-in table (what `mizzle pull` writes), `generate` wrote `DROP TABLE "auth"."users"`
and `DROP SCHEMA "auth"` (Supabase's own users), and `generate --check` reported `- table auth.users`; a snapshot
`check --rebuild-snapshots` rebuilt (introspecting `public` only) left `auth.users` out, churn against the
drizzle-kit snapshots kept around it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

ID = "7d4c1c8e-33a4-4d65-a7ea-6a4b2b1c5f10"


def _column(name: str, type_: str, pk: bool = False, not_null: bool = False) -> dict[str, object]:
    return {"name": name, "type": type_, "primaryKey": pk, "notNull": not_null or pk}


def _table(schema: str, name: str, columns: list[dict[str, object]], fks: dict[str, object]) -> dict[str, object]:
    return {"name": name, "schema": "" if schema == "public" else schema,
            "columns": {c["name"]: c for c in columns}, "indexes": {}, "foreignKeys": fks,
            "compositePrimaryKeys": {}, "uniqueConstraints": {}, "policies": {}, "checkConstraints": {},
            "isRLSEnabled": False}


SNAPSHOT = {
    "id": ID, "prevId": "00000000-0000-0000-0000-000000000000", "version": "7", "dialect": "postgresql",
    "tables": {
        "public.users": _table("public", "users", [_column("id", "uuid", pk=True), _column("name", "text")], {
            "users_id_users_id_fk": {"name": "users_id_users_id_fk", "tableFrom": "users", "tableTo": "users",
                                     "schemaTo": "auth", "columnsFrom": ["id"], "columnsTo": ["id"],
                                     "onDelete": "cascade", "onUpdate": "cascade"}}),
        "auth.users": _table("auth", "users", [_column("id", "uuid", pk=True),
                                               _column("email", "text", not_null=True)], {}),
    },
    "enums": {}, "schemas": {"auth": "auth"}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
    "_meta": {"columns": {}, "schemas": {}, "tables": {}},
}
SQL = ('CREATE TABLE "users" (\n\t"id" uuid PRIMARY KEY NOT NULL,\n\t"name" text\n);\n--> statement-breakpoint\n'
       'ALTER TABLE "users" ADD CONSTRAINT "users_id_users_id_fk" FOREIGN KEY ("id") REFERENCES "auth"."users"("id") '
       'ON DELETE cascade ON UPDATE cascade;')
CODE = '''
import sqlalchemy as sa

metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Uuid, primary_key=True), sa.Column("name", sa.Text),
                 sa.ForeignKeyConstraint(["id"], ["auth.users.id"], name="users_id_users_id_fk",
                                         ondelete="CASCADE", onupdate="CASCADE"))
# outside schema_filter: only what the foreign key needs
auth_users_outside = sa.Table("users", metadata, sa.Column("id", sa.Uuid, primary_key=True), schema="auth")
'''


def _project(root: Path) -> Path:
    folder = root / "drizzle"
    (folder / "meta").mkdir(parents=True)
    (folder / "0000_init.sql").write_text(SQL, encoding="utf-8")
    (folder / "meta" / "0000_snapshot.json").write_text(json.dumps(SNAPSHOT, indent=2), encoding="utf-8")
    (folder / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": 0, "version": "7", "when": 1730000000000, "tag": "0000_init", "breakpoints": True}]}), encoding="utf-8")
    (root / "schema.py").write_text(CODE, encoding="utf-8")
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n'
                                      'schema_filter = ["public"]\n', encoding="utf-8")
    return folder


def test_a_snapshots_table_outside_schema_filter_is_not_dropped(tmp_path: Path,
                                                                 run_mizzle: Callable[..., object]) -> None:
    folder = _project(tmp_path)
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr  # type: ignore[attr-defined]
    # a change inside the filter: the migration leaves auth alone, the snapshot keeps auth.users as it was
    (tmp_path / "schema.py").write_text(CODE.replace('sa.Column("name", sa.Text)',
                                                     'sa.Column("name", sa.Text), sa.Column("age", sa.Integer)'))
    r = run_mizzle(["generate", "--name", "age"], cwd=tmp_path)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    sql = next(folder.glob("0001_*.sql")).read_text(encoding="utf-8")
    assert sql.strip() == 'ALTER TABLE "public"."users" ADD COLUMN "age" integer;', sql
    snap = json.loads((folder / "meta" / "0001_snapshot.json").read_text(encoding="utf-8"))
    assert snap["tables"]["auth.users"]["columns"]["email"]["notNull"] is True and snap["schemas"] == {"auth": "auth"}
    assert run_mizzle(["generate", "--check"], cwd=tmp_path).code == 0  # type: ignore[attr-defined]


@pytest.mark.pg
def test_a_rebuilt_snapshot_keeps_what_the_kept_one_holds_outside_schema_filter(
        tmp_path: Path, run_mizzle: Callable[..., object], pg_url: Callable[..., str]) -> None:
    folder = _project(tmp_path)
    # the server's auth.users (Supabase's), made outside the folder: here by a migration before it
    (folder / "0000_init.sql").write_text('CREATE SCHEMA "auth";\n--> statement-breakpoint\nCREATE TABLE '
                                          '"auth"."users" ("id" uuid PRIMARY KEY, "email" text NOT NULL);\n'
                                          '--> statement-breakpoint\n' + SQL, encoding="utf-8")
    # a later migration whose snapshot is missing: rebuilt from the database the folder builds
    (folder / "0001_age.sql").write_text('ALTER TABLE "users" ADD COLUMN "age" integer;', encoding="utf-8")
    journal = json.loads((folder / "meta" / "_journal.json").read_text(encoding="utf-8"))
    journal["entries"].append({"idx": 1, "version": "7", "when": 1730000001000, "tag": "0001_age",
                               "breakpoints": True})
    (folder / "meta" / "_journal.json").write_text(json.dumps(journal), encoding="utf-8")
    r = run_mizzle(["check", "--rebuild-snapshots", "--url", pg_url()], cwd=tmp_path)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    snap = json.loads((folder / "meta" / "0001_snapshot.json").read_text(encoding="utf-8"))
    assert sorted(snap["tables"]) == ["auth.users", "public.users"], sorted(snap["tables"])
    assert snap["tables"]["auth.users"] == SNAPSHOT["tables"]["auth.users"]  # type: ignore[index]
    assert snap["schemas"] == {"auth": "auth"} and "age" in snap["tables"]["public.users"]["columns"]

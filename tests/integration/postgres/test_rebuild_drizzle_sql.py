"""`check --rebuild-snapshots` on SQL drizzle-kit (or its user, by hand) wrote in a form its snapshot does not
repeat: the rebuilt snapshot must state what drizzle-kit's states, or drizzle-kit, run afterwards on the same
TypeScript, sees changes that are none. Found on ntholi/registry-web's 155 migrations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pgtools import url_for

from mizzle.commands.verify import rebuild_snapshots
from mizzle.config import load_config

pytestmark = pytest.mark.pg


def _rebuild(tmp_path: Path, migrations: list[tuple[str, str]]) -> list[dict]:  # type: ignore[type-arg]
    """The snapshots rebuilt from a drizzle-kit folder of `migrations` (tag, SQL), none of them kept."""
    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    entries = []
    for idx, (tag, sql) in enumerate(migrations):
        (out / f"{tag}.sql").write_text(sql)
        entries.append({"idx": idx, "version": "7", "when": 1700000000000 + idx, "tag": tag, "breakpoints": True})
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                            "entries": entries}))
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    result = rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=url_for("postgres"))
    assert result.rebuilt == [tag for tag, _ in migrations]
    return [json.loads((out / "meta" / f"{idx:04d}_snapshot.json").read_text()) for idx in range(len(migrations))]


def test_an_enum_default_drizzle_kit_cast_in_its_sql_is_the_bare_literal(pg_available: bool, tmp_path: Path) -> None:
    """drizzle-kit's SQL for a column that becomes an enum is `SET DEFAULT 'blocked'::"public"."status"` (its
    PgAlterTableAlterColumnSetTypeConvertor casts the snapshot's default), while its snapshot keeps `'blocked'`:
    registry-web's 0002 turned eleven text columns into enums so, and the rebuilt snapshots held the cast."""
    snaps = _rebuild(tmp_path, [
        ("0000_init", 'CREATE TABLE "blocked" (\n\t"id" integer PRIMARY KEY NOT NULL,\n'
                      '\t"status" text DEFAULT \'blocked\' NOT NULL\n);\n'),
        ("0001_enum", 'CREATE TYPE "public"."status" AS ENUM(\'blocked\', \'unblocked\');--> statement-breakpoint\n'
                      'ALTER TABLE "blocked" ALTER COLUMN "status" SET DEFAULT \'blocked\'::"public"."status";'
                      '--> statement-breakpoint\nALTER TABLE "blocked" ALTER COLUMN "status" SET DATA TYPE '
                      '"public"."status" USING "status"::"public"."status";'),
    ])
    assert snaps[0]["tables"]["public.blocked"]["columns"]["status"]["default"] == "'blocked'"
    column = snaps[1]["tables"]["public.blocked"]["columns"]["status"]
    assert (column["type"], column.get("typeSchema"), column["default"]) == ("status", "public", "'blocked'")


def test_a_key_kept_through_a_rename_in_its_own_migration_is_the_columns(pg_available: bool, tmp_path: Path) -> None:
    """A table remade by hand (registry-web's 0061: CREATE TABLE "payment_receipts_new" … PRIMARY KEY, copy, DROP
    TABLE the old one, RENAME the new one to its name) keeps `payment_receipts_new_pkey`: drizzle-kit states the
    single-column key as `primaryKey: true` whatever its name, and the rebuilt snapshot named it as a composite
    key instead (drizzle-kit's next generate would drop it). The server's name goes to the sidecar."""
    snaps = _rebuild(tmp_path, [
        ("0000_init", 'CREATE TABLE "receipts" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"no" text NOT NULL\n);\n'),
        ("0001_remade", 'CREATE TABLE "receipts_new" (\n\t"id" text PRIMARY KEY NOT NULL,\n\t"no" text NOT NULL\n);\n'
                        'INSERT INTO "receipts_new" ("id", "no") SELECT id::text, no FROM receipts;\n'
                        'DROP TABLE "receipts";\nALTER TABLE "receipts_new" RENAME TO "receipts";\n'),
    ])
    table = snaps[1]["tables"]["public.receipts"]
    assert table["columns"]["id"]["primaryKey"] is True
    assert table["compositePrimaryKeys"] == {}
    sidecar = json.loads((tmp_path / "drizzle" / "meta" / "_mizzle.json").read_text())
    assert "receipts_new_pkey" in json.dumps(sidecar)


def test_drizzle_kits_default_null_is_a_json_null(pg_available: bool, tmp_path: Path) -> None:
    """drizzle-kit's `.default(null)` is `DEFAULT null` in its SQL and `"default": null` in its snapshot
    (KnightHacks/forge's `"class" varchar(20) DEFAULT null`); the rebuilt snapshot said `"null"`, a text, and
    drizzle-kit's next generate saw the default changed. `sql\\`NULL\\`` stays the text drizzle-kit writes."""
    (snap,) = _rebuild(tmp_path, [
        ("0000_init", 'CREATE TABLE "attendee" (\n\t"id" integer PRIMARY KEY NOT NULL,\n'
                      '\t"class" varchar(20) DEFAULT null,\n\t"other" text DEFAULT NULL\n);\n'),
    ])
    columns = snap["tables"]["public.attendee"]["columns"]
    assert "default" in columns["class"] and columns["class"]["default"] is None
    assert columns["other"]["default"] == "NULL"


def test_a_json_default_no_sql_spells_is_drizzle_kits_cast_literal(pg_available: bool, tmp_path: Path) -> None:
    """A json/jsonb column added inside a DO block (cgoinglove/better-chatbot's 0003: `DO $$ BEGIN ALTER TABLE
    "user" ADD COLUMN "preferences" json DEFAULT '{}'::json; EXCEPTION WHEN duplicate_column …`): no statement
    the reader follows spells its default, so the server's is taken, and it was written without its cast (`'{}'`),
    while drizzle-kit states a json default as `'{}'::json` — its serializer for `.default({})` and its pull alike.
    A default the SQL spells bare stays bare."""
    snaps = _rebuild(tmp_path, [
        ("0000_init", 'CREATE TABLE "user" (\n\t"id" text PRIMARY KEY NOT NULL,\n\t"plain" jsonb DEFAULT \'{}\'\n);\n'),
        ("0001_prefs", 'DO $$ BEGIN\nALTER TABLE "user" ADD COLUMN "preferences" json DEFAULT \'{}\'::json;\n'
                       'ALTER TABLE "user" ADD COLUMN "tags" jsonb DEFAULT \'["a"]\'::jsonb;\nEXCEPTION\n'
                       '    WHEN duplicate_column THEN null;\nEND $$;\n'),
    ])
    cols = snaps[1]["tables"]["public.user"]["columns"]
    assert cols["preferences"]["default"] == "'{}'::json"
    assert cols["tags"]["default"] == "'[\"a\"]'::jsonb"
    assert cols["plain"]["default"] == "'{}'"


def test_a_policy_made_inside_a_do_block_keeps_its_authored_text(pg_available: bool, tmp_path: Path) -> None:
    """miurla/morphic's 0011 creates its policy inside a DO block (`IF NOT EXISTS (SELECT 1 FROM pg_policies …)
    THEN CREATE POLICY … USING (user_id = current_setting('app.current_user_id', true))`): the reader skipped DO
    blocks, so the rebuilt snapshot held the server's deparse (`user_id::text = current_setting(…::text, true)`),
    not drizzle-kit's text. The statements a PL/pgSQL DO block runs are read as the file's own."""
    snaps = _rebuild(tmp_path, [
        ("0000_init", 'CREATE TABLE "feedback" (\n\t"id" text PRIMARY KEY NOT NULL,\n\t"user_id" varchar(255)\n);\n'),
        ("0001_policy", "DO $$\nBEGIN\n  IF NOT EXISTS (\n    SELECT 1 FROM pg_policies\n    WHERE tablename = "
                        "'feedback' AND policyname = 'own'\n  ) THEN\n    CREATE POLICY \"own\" ON \"feedback\"\n"
                        "      AS PERMISSIVE\n      FOR UPDATE\n      TO public\n"
                        "      USING (user_id = current_setting('app.current_user_id', true))\n"
                        "      WITH CHECK (user_id IS NULL);\n  END IF;\nEND $$;\n"
                        "DO $$ BEGIN\n ALTER TABLE \"feedback\" ADD CONSTRAINT \"id_set\" CHECK (id <> '');\n"
                        "EXCEPTION WHEN duplicate_object THEN null;\nEND $$;\n"),
    ])
    table = snaps[1]["tables"]["public.feedback"]
    policy = table["policies"]["own"]
    assert policy["using"] == "user_id = current_setting('app.current_user_id', true)"
    assert policy["withCheck"] == "user_id IS NULL"
    assert table["checkConstraints"]["id_set"]["value"] == "id <> ''"


def test_rls_flag_of_a_table_with_policies_follows_the_sql(pg_available: bool, tmp_path: Path) -> None:
    """drizzle-kit's `isRLSEnabled` is `.enableRLS()`, which a table with policies may have or not (its policies
    enable row-level security anyway). miurla/morphic enables it on chats (0005, no policies yet), adds policies
    (0006, no ENABLE: the flag stays), and sets it on feedback, which had policies, in 0008 (`ENABLE ROW LEVEL
    SECURITY` again: only the flag turning on writes that); the rebuilt snapshots said false from the first policy
    on. A table given its first policy with ENABLE in the same migration stays false (drizzle-kit's own ENABLE)."""
    create = ('CREATE TABLE "chats" (\n\t"id" text PRIMARY KEY NOT NULL,\n\t"user_id" text\n);\n--> statement-breakpoint\n'
              'CREATE TABLE "feedback" (\n\t"id" text PRIMARY KEY NOT NULL\n);\n')
    snaps = _rebuild(tmp_path, [
        ("0000_init", create),
        ("0001_rls", 'ALTER TABLE "chats" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint\n'
                     'ALTER TABLE "feedback" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint\n'
                     'CREATE POLICY "anyone" ON "feedback" AS PERMISSIVE FOR INSERT TO public WITH CHECK (true);'),
        ("0002_policies", 'CREATE POLICY "own" ON "chats" AS PERMISSIVE FOR ALL TO public USING (user_id = \'x\');'),
        ("0003_flag", 'ALTER TABLE "feedback" ENABLE ROW LEVEL SECURITY;'),
    ])
    flags = [{k: t["isRLSEnabled"] for k, t in s["tables"].items()} for s in snaps]
    assert flags == [{"public.chats": False, "public.feedback": False},
                     {"public.chats": True, "public.feedback": False},
                     {"public.chats": True, "public.feedback": False},
                     {"public.chats": True, "public.feedback": True}]


def test_a_renamed_tables_qualified_texts_name_it_by_its_new_name(pg_available: bool, tmp_path: Path) -> None:
    """drizzle-kit qualifies a column in an index predicate or a check with its table (`"t"."c"`); after the table
    is renamed its snapshot spells them with the new name. PageSpace's 0254 renames agent_sessions (whose 0240
    index predicate said `"agent_sessions"."sandboxId" IS NOT NULL`) to agent_workspaces, and the rebuilt
    snapshot kept the old name in the predicate: a table that is a view there now."""
    snaps = _rebuild(tmp_path, [
        ("0000_init", 'CREATE TABLE "sessions" (\n\t"id" integer PRIMARY KEY NOT NULL,\n\t"box" text,\n'
                      '\t"qty" integer,\n\tCONSTRAINT "sessions_qty" CHECK ("sessions"."qty" > 0)\n);\n'
                      '--> statement-breakpoint\nCREATE INDEX "sessions_live_idx" ON "sessions" USING btree '
                      '(lower("sessions"."box")) WHERE "sessions"."box" IS NOT NULL;'),
        ("0001_rename", 'ALTER TABLE "sessions" RENAME TO "workspaces";'),
    ])
    table = snaps[1]["tables"]["public.workspaces"]
    index = table["indexes"]["sessions_live_idx"]
    assert index["where"] == '"workspaces"."box" IS NOT NULL'
    assert index["columns"][0]["expression"] == 'lower("workspaces"."box")'
    assert table["checkConstraints"]["sessions_qty"]["value"] == '"workspaces"."qty" > 0'


def test_a_type_alias_the_sql_names_is_the_snapshots_type(pg_available: bool, tmp_path: Path) -> None:
    """drizzle-kit's SQL writes its snapshot's type text: a `customType` whose dataType is `timestamptz` is
    `SET DATA TYPE timestamptz` and `"type": "timestamptz"` (flowglad's 0244, on 140 columns already timestamptz on
    the server). The rebuilt snapshots said `timestamp with time zone`, the server's name for it, and drizzle-kit's
    next generate would alter every such column again. Spacing stays drizzle-kit's: `timestamp(3)` as written."""
    snaps = _rebuild(tmp_path, [
        ("0000_init", 'CREATE TABLE "t" (\n\t"id" int4 PRIMARY KEY NOT NULL,\n\t"at" timestamp with time zone,\n'
                      '\t"due" timestamp(3),\n\t"price" NUMERIC(10,2)\n);\n'),
        ("0001_alias", 'ALTER TABLE "t" ALTER COLUMN "at" SET DATA TYPE timestamptz;'),
    ])
    first, second = (s["tables"]["public.t"]["columns"] for s in snaps)
    assert [first[c]["type"] for c in ("id", "at", "due", "price")] == [
        "int4", "timestamp with time zone", "timestamp(3)", "numeric(10, 2)"]
    assert second["at"]["type"] == "timestamptz"


def test_a_key_holding_a_uniques_name_renamed_with_its_table(pg_available: bool, tmp_path: Path) -> None:
    """`"id" text PRIMARY KEY` and `CONSTRAINT "catalogs_id_unique" UNIQUE("id")` in one CREATE TABLE leave one
    constraint, the key, under the unique's name; drizzle-kit's rename of the table then renames the unique
    (flowglad's 0232: `RENAME CONSTRAINT "catalogs_id_unique" TO "pricing_models_id_unique"`), which is the key.
    The rebuilt snapshot made it a named composite key and lost the unique; drizzle-kit's says `primaryKey: true`
    and keeps the unique, under its new name. The server's name goes to the sidecar."""
    snaps = _rebuild(tmp_path, [
        ("0000_init", 'CREATE TABLE "catalogs" (\n\t"id" text PRIMARY KEY NOT NULL,\n\t"name" text,\n'
                      '\tCONSTRAINT "catalogs_id_unique" UNIQUE("id")\n);\n'),
        ("0001_rename", 'ALTER TABLE "catalogs" RENAME TO "pricing_models";--> statement-breakpoint\n'
                        'ALTER TABLE "pricing_models" RENAME CONSTRAINT "catalogs_id_unique" TO '
                        '"pricing_models_id_unique";'),
    ])
    table = snaps[1]["tables"]["public.pricing_models"]
    assert table["columns"]["id"]["primaryKey"] is True and table["compositePrimaryKeys"] == {}
    assert list(table["uniqueConstraints"]) == ["pricing_models_id_unique"]
    sidecar = json.loads((tmp_path / "drizzle" / "meta" / "_mizzle.json").read_text())
    assert '"pricing_models_id_unique"' in json.dumps(sidecar)


def test_a_function_call_index_element_mizzle_wrote_in_parentheses_is_the_call(pg_available: bool,
                                                                                  tmp_path: Path) -> None:
    """mizzle writes every expression element of an index in parentheses (`USING btree ((lower(domain)))`, as
    `pull` wrote Supabase's auth.sso_domains_domain_idx), while its snapshot, like drizzle-kit's for
    sql`lower(domain)`, holds `lower(domain)`: the snapshot rebuilt from that SQL said `(lower(domain))`, churn in
    every rebuilt snapshot. A function call needs no parentheses as an element, and drizzle-kit writes none; an
    element that does need them (an operator: drizzle-kit's SQL of sql`("score" + 1)`) keeps its text."""
    (snap,) = _rebuild(tmp_path, [
        ("0000_baseline", 'CREATE TABLE "sso_domains" (\n\t"id" uuid PRIMARY KEY NOT NULL,\n\t"domain" text NOT NULL,'
                          '\n\t"score" integer\n);--> statement-breakpoint\n'
                          'CREATE UNIQUE INDEX "sso_domains_domain_idx" ON "sso_domains" USING btree '
                          '((lower(domain)));--> statement-breakpoint\n'
                          'CREATE INDEX "by_both" ON "sso_domains" USING btree ((lower(domain)) DESC, "id");'
                          '--> statement-breakpoint\n'
                          'CREATE INDEX "by_score" ON "sso_domains" USING btree (("score" + 1));'),
    ])
    indexes = snap["tables"]["public.sso_domains"]["indexes"]
    assert [c["expression"] for c in indexes["sso_domains_domain_idx"]["columns"]] == ["lower(domain)"]
    assert [(c["expression"], c["asc"]) for c in indexes["by_both"]["columns"]] == [("lower(domain)", False),
                                                                                     ("id", True)]
    assert [c["expression"] for c in indexes["by_score"]["columns"]] == ['("score" + 1)']


def _old_snapshot(sid: str, prev: str, columns: list[str]) -> dict:  # type: ignore[type-arg]
    """A snapshot as an older drizzle-kit wrote it (flowglad's first 70): no checkConstraints, policies or
    isRLSEnabled in a table, no roles, policies or views at the top."""
    cols = {"id": {"name": "id", "type": "serial", "primaryKey": True, "notNull": True}}
    cols.update({c: {"name": c, "type": "integer", "primaryKey": False, "notNull": False} for c in columns})
    table = {"name": "t", "schema": "", "columns": cols, "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {},
             "uniqueConstraints": {}}
    return {"id": sid, "prevId": prev, "version": "7", "dialect": "postgresql", "tables": {"public.t": table},
            "enums": {}, "schemas": {}, "sequences": {}, "_meta": {"columns": {}, "schemas": {}, "tables": {}}}


def test_a_rebuilt_snapshot_has_the_keys_the_folders_kept_snapshots_have(pg_available: bool, tmp_path: Path) -> None:
    """flowglad's folder, its first 70 snapshots by an older drizzle-kit: a rebuilt one gained
    `"checkConstraints": {}`, `"policies": {}` and `"isRLSEnabled": false` on every table and `roles`, `policies`,
    `views` at the top, churn in `git diff`. Written only where the kept snapshots have them, or where they hold
    something (a CHECK the SQL made)."""
    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    migrations = [("0000_a", 'CREATE TABLE "t" (\n\t"id" serial PRIMARY KEY NOT NULL\n);\n'),
                  ("0001_b", 'ALTER TABLE "t" ADD COLUMN "a" integer;'),
                  ("0002_c", 'ALTER TABLE "t" ADD COLUMN "b" integer;--> statement-breakpoint\n'
                             'ALTER TABLE "t" ADD CONSTRAINT "b_positive" CHECK ("t"."b" > 0);'),
                  ("0003_d", 'ALTER TABLE "t" ADD COLUMN "c" integer;')]
    for tag, sql in migrations:
        (out / f"{tag}.sql").write_text(sql)
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
        for i, (tag, _) in enumerate(migrations)]}))
    ids = [f"{n}{n}{n}{n}{n}{n}{n}{n}-{n}{n}{n}{n}-4{n}{n}{n}-8{n}{n}{n}-{n * 12}" for n in "1234"]
    kept = _old_snapshot(ids[0], "00000000-0000-0000-0000-000000000000", [])
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps(kept, indent=2))
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    result = rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=url_for("postgres"))
    assert result.rebuilt == ["0001_b", "0002_c", "0003_d"]
    snaps = [json.loads((out / "meta" / f"{i:04d}_snapshot.json").read_text()) for i in range(4)]
    assert snaps[1]["tables"]["public.t"].keys() == kept["tables"]["public.t"].keys()
    assert snaps[1].keys() == kept.keys()
    assert snaps[2]["tables"]["public.t"]["checkConstraints"] == {"b_positive": {"name": "b_positive",
                                                                                "value": '"t"."b" > 0'}}
    assert "policies" not in snaps[2]["tables"]["public.t"] and "checkConstraints" in snaps[3]["tables"]["public.t"]
    # a folder of a later drizzle-kit keeps them all, empty or not
    snaps[0]["tables"]["public.t"].update({"policies": {}, "checkConstraints": {}, "isRLSEnabled": False})
    snaps[0].update({"roles": {}, "policies": {}, "views": {}})
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps(snaps[0], indent=2))
    for i in (1, 2, 3):
        (out / "meta" / f"{i:04d}_snapshot.json").unlink()
    rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=url_for("postgres"))
    again = json.loads((out / "meta" / "0001_snapshot.json").read_text())
    assert again["tables"]["public.t"]["checkConstraints"] == {} and again["views"] == {}
    assert again["tables"]["public.t"]["isRLSEnabled"] is False


def test_from_keeps_the_keys_of_the_snapshots_it_rebuilds(pg_available: bool, tmp_path: Path) -> None:
    """`--from` the first migration of a folder of an older drizzle-kit: no snapshot is kept, the ones it
    replaces tell which keys the folder's drizzle-kit writes."""
    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_a.sql").write_text('CREATE TABLE "t" (\n\t"id" serial PRIMARY KEY NOT NULL\n);\n')
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": 0, "version": "7", "when": 1700000000000, "tag": "0000_a", "breakpoints": True}]}))
    kept = _old_snapshot("11111111-1111-4111-8111-111111111111", "00000000-0000-0000-0000-000000000000", [])
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps(kept, indent=2))
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=url_for("postgres"), from_tag="0000_a")
    rebuilt = json.loads((out / "meta" / "0000_snapshot.json").read_text())
    assert {**rebuilt, "id": kept["id"]} == kept  # a new id: no later snapshot names it


def test_an_index_the_sql_creates_concurrently_is_concurrent(pg_available: bool, tmp_path: Path) -> None:
    """drizzle-kit writes `CREATE INDEX CONCURRENTLY` for an index declared `.concurrently()` and its snapshot says
    `"concurrently": true` (latitude-dev/latitude-llm's 0178: `COMMIT;` then `CREATE INDEX CONCURRENTLY IF NOT
    EXISTS "document_logs_source_created_at_idx" …`). The server keeps no trace of it, and the rebuilt snapshot said
    false: drizzle-kit, which compares the flag, would drop the index and create it again. An index created again
    later without the word is not concurrent any more."""
    snaps = _rebuild(tmp_path, [
        ("0000_init", 'CREATE TABLE "logs" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"source" text,\n'
                      '\t"created_at" timestamp DEFAULT now() NOT NULL\n);\n'),
        ("0001_conc", 'COMMIT;--> statement-breakpoint\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "logs_source_created_at_idx" ON "logs" USING btree '
                      '("source","created_at");--> statement-breakpoint\n'
                      'CREATE INDEX "logs_created_at_idx" ON "logs" USING btree ("created_at");'),
        ("0002_again", 'DROP INDEX "logs_source_created_at_idx";--> statement-breakpoint\n'
                       'CREATE INDEX "logs_source_created_at_idx" ON "logs" USING btree ("source","created_at");'),
    ])
    indexes = snaps[1]["tables"]["public.logs"]["indexes"]
    assert indexes["logs_source_created_at_idx"]["concurrently"] is True
    assert indexes["logs_created_at_idx"]["concurrently"] is False
    assert snaps[2]["tables"]["public.logs"]["indexes"]["logs_source_created_at_idx"]["concurrently"] is False

"""MZ006: an index on a column whose type has no default operator class for the index's access method, with none
named. prefect 3.9's models declare `trgm_ix_*` indexes `USING gin` on varchar columns with no operator class
(its Alembic migrations write `gin_trgm_ops`); a migration generate wrote from them, after a pull of prefect's
Alembic-built database, failed at migrate ("data type character varying has no default operator class for access
method gin") while lint said nothing."""

from __future__ import annotations

from pathlib import Path

from mizzle.lint import LintContext, lint_file

TABLE = 'CREATE TABLE "flow" ("id" uuid PRIMARY KEY, "name" varchar NOT NULL, "tags" jsonb, "n" integer);\n' \
        "--> statement-breakpoint\n"


def findings(text: str) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in lint_file(text, LintContext(file="t.sql")) if f.rule == "MZ006"]


def test_a_gin_index_on_a_varchar_column_without_an_operator_class_is_named() -> None:
    [(rule, message)] = findings(TABLE + 'CREATE INDEX "trgm_ix_flow_name" ON "flow" USING gin ("name");')
    assert rule == "MZ006", message
    assert message.startswith("index trgm_ix_flow_name on public.flow uses gin on name (varchar), a type with no "
                              "default operator class for gin"), message


def test_each_method_a_built_in_type_lacks_is_named() -> None:
    assert [r for r, _ in findings(TABLE + 'CREATE INDEX "i" ON "flow" USING brin ("n");')] == []
    assert [m.split(",")[0] for _, m in findings(TABLE + 'CREATE INDEX "i" ON "flow" USING gist ("n");')] == [
        "index i on public.flow uses gist on n (integer)"]


def test_an_index_postgresql_takes_is_no_finding() -> None:
    ok = [
        'CREATE INDEX "i" ON "flow" USING gin ("name" gin_trgm_ops);',  # the operator class named
        'CREATE INDEX "i" ON "flow" USING gin ("tags");',  # jsonb's default
        'CREATE INDEX "i" ON "flow" USING btree ("name");',
        'CREATE INDEX "i" ON "flow" ("name");',
        'CREATE INDEX "i" ON "other" USING gin ("name");',  # a column lint knows nothing of
        'CREATE INDEX "i" ON "flow" USING gin (lower("name"));',  # an expression: its type is not known here
    ]
    for sql in ok:
        assert findings(TABLE + sql) == [], sql


def test_a_type_not_built_in_is_left_alone() -> None:
    text = 'CREATE TABLE "t" ("v" citext, "e" "mood", "a" integer[]);\n--> statement-breakpoint\n'
    for col in ("v", "e", "a"):
        assert findings(text + f'CREATE INDEX "i" ON "t" USING gin ("{col}");') == [], col


def test_a_type_btree_gist_or_btree_gin_gives_a_default_is_left_alone_once_the_extension_is_made() -> None:
    # openstreetmap-website's structure.sql makes btree_gist, then `changesets_bbox_idx … USING gist (min_lat,
    # max_lat, min_lon, max_lon)` on integer columns: MZ006 said PostgreSQL refuses the index, which it takes
    gist = 'CREATE INDEX "i" ON "flow" USING gist ("n", "name");'
    gin = 'CREATE INDEX "j" ON "flow" USING gin ("n");'
    assert findings('CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;\n' + TABLE + gist) == []
    assert findings('CREATE EXTENSION "btree_gin";\n' + TABLE + gin) == []
    # each extension gives its own access method's classes only, and a type it covers not (tsquery with gin)
    assert len(findings('CREATE EXTENSION btree_gist;\n' + TABLE + gin)) == 1
    text = 'CREATE TABLE "q" ("v" tsquery);\n--> statement-breakpoint\nCREATE INDEX "k" ON "q" USING gin ("v");'
    assert len(findings('CREATE EXTENSION btree_gin;\n' + text)) == 1
    # dropped again before the index: the warning stands
    dropped = 'CREATE EXTENSION btree_gist;\nDROP EXTENSION btree_gist;\n' + TABLE + gist
    assert len(findings(dropped)) == 2  # n and name


def test_an_extension_the_previous_snapshot_declares_counts_as_made() -> None:
    from mizzle.schema.model import Schema
    from mizzle.schema.security import Extension, Security

    previous = Schema(security=Security(extensions=(Extension("btree_gist"),)))
    found = lint_file(TABLE + 'CREATE INDEX "i" ON "flow" USING gist ("n");', LintContext(file="t.sql",
                                                                                           previous=previous))
    assert [f for f in found if f.rule == "MZ006"] == []


BOOKINGS = 'CREATE TABLE "bookings" ("room_id" uuid, "during" tstzrange, "code" text, ' \
           'CONSTRAINT "no_overlap" EXCLUDE USING gist ("room_id" WITH =, "during" WITH &&));\n'


def test_an_exclusion_constraint_on_a_btree_type_names_btree_gist() -> None:
    """`EXCLUDE USING gist (room_id WITH =, during WITH &&)` on a uuid column, the usual guard against double
    bookings, is taken only where btree_gist gives uuid a gist operator class; lint looked at CREATE INDEX only."""
    [(_, message)] = findings(BOOKINGS)
    assert message.startswith("exclusion constraint no_overlap on public.bookings uses gist on room_id (uuid), a type with no "
                       "default operator class for gist: PostgreSQL refuses it unless the btree_gist extension, which "
                       "gives it one, is created first (CREATE EXTENSION btree_gist)"), message
    added = BOOKINGS.replace(', CONSTRAINT "no_overlap" EXCLUDE USING gist ("room_id" WITH =, "during" WITH &&)', "")
    added += '--> statement-breakpoint\nALTER TABLE "bookings" ADD CONSTRAINT "x" EXCLUDE USING gist ("code" WITH =);'
    assert [m.split(",")[0] for _, m in findings(added)] == [
        "exclusion constraint x on public.bookings uses gist on code (text)"]
    assert [m.split(",")[0] for _, m in findings(TABLE + 'CREATE INDEX "i" ON "flow" USING gist ("id");')] == [
        "index i on public.flow uses gist on id (uuid)"]


def test_btree_gist_created_first_is_no_finding() -> None:
    first = "CREATE EXTENSION IF NOT EXISTS btree_gist;\n--> statement-breakpoint\n"
    assert findings(first + BOOKINGS) == []
    assert findings(first + TABLE + 'CREATE INDEX "i" ON "flow" USING gist ("n");') == []
    assert findings(BOOKINGS + "--> statement-breakpoint\nCREATE EXTENSION btree_gist;") != []  # too late


def _drizzle_kit_folder(root: Path, first_sql: str) -> Path:
    """A drizzle-kit folder (no meta/_mizzle.json) of two migrations: 0000 makes `rooms` (a uuid and an integer
    column) after `first_sql`; 0001 indexes both `USING gist` and adds an exclusion constraint on room_id."""
    import json

    column = {"primaryKey": False, "notNull": True}
    snapshot = {
        "id": "5d1c7a2e-0b7e-4f5a-9c1e-2b3d4e5f6a7b", "prevId": "00000000-0000-0000-0000-000000000000",
        "version": "7", "dialect": "postgresql",
        "tables": {"public.rooms": {
            "name": "rooms", "schema": "", "columns": {
                "room_id": {"name": "room_id", "type": "uuid", **column},
                "floor": {"name": "floor", "type": "integer", **column},
                "during": {"name": "during", "type": "tstzrange", **column}},
            "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}, "policies": {},
            "checkConstraints": {}, "isRLSEnabled": False}},
        "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
        "_meta": {"columns": {}, "schemas": {}, "tables": {}},
    }
    out = root / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_init.sql").write_text(
        first_sql + 'CREATE TABLE "rooms" ("room_id" uuid NOT NULL, "floor" integer NOT NULL, '
        '"during" tstzrange NOT NULL);')
    (out / "0001_gist.sql").write_text(
        'CREATE INDEX "rooms_room_idx" ON "rooms" USING gist ("room_id","floor");--> statement-breakpoint\n'
        'ALTER TABLE "rooms" ADD CONSTRAINT "no_overlap" EXCLUDE USING gist ("room_id" WITH =, "during" WITH &&);')
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps(snapshot))
    (out / "meta" / "0001_snapshot.json").write_text(json.dumps({**snapshot, "prevId": snapshot["id"],
                                                                 "id": "6e2d8b3f-1c8f-4a6b-8d2f-3c4e5f6a7b8c"}))
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
        for i, tag in enumerate(["0000_init", "0001_gist"])]}))
    return out


def test_btree_gist_an_earlier_migrations_sql_made_counts_in_a_drizzle_kit_folder(tmp_path: Path) -> None:
    """drizzle-kit's snapshots record no extensions: a folder whose 0000 made btree_gist by hand and whose 0001
    makes a gist index on a uuid column (or EXCLUDE USING gist) was warned of, as if btree_gist were missing.
    The earlier migrations' SQL counts, as it does for `generate` (migrations/folder_objects.extensions_by_sql)."""
    from mizzle.lint.engine import folder_sql_files, lint_paths

    made = _drizzle_kit_folder(tmp_path / "made", "CREATE EXTENSION IF NOT EXISTS btree_gist;"
                                                  "--> statement-breakpoint\n")
    assert [f for f in lint_paths(folder_sql_files(made)) if f.rule == "MZ006"] == []
    assert [f for f in lint_file(made / "0001_gist.sql") if f.rule == "MZ006"] == []
    # none made, or made and dropped again: the warnings stand
    for first in ("", "CREATE EXTENSION btree_gist;--> statement-breakpoint\nDROP EXTENSION btree_gist;"
                      "--> statement-breakpoint\n"):
        out = _drizzle_kit_folder(tmp_path / f"none{len(first)}", first)
        found = [f.message.split(",")[0] for f in lint_file(out / "0001_gist.sql") if f.rule == "MZ006"]
        assert found == ["index rooms_room_idx on public.rooms uses gist on room_id (uuid)",
                         "index rooms_room_idx on public.rooms uses gist on floor (integer)",
                         "exclusion constraint no_overlap on public.rooms uses gist on room_id (uuid)"], found

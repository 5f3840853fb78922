"""MZ006: an index on a column whose type has no default operator class for the index's access method, with none
named. prefect 3.9's models declare `trgm_ix_*` indexes `USING gin` on varchar columns with no operator class
(its Alembic migrations write `gin_trgm_ops`); a migration generate wrote from them, after a pull of prefect's
Alembic-built database, failed at migrate ("data type character varying has no default operator class for access
method gin") while lint said nothing."""

from __future__ import annotations

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

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

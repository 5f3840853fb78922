"""Lint reads the commit boundaries the runner reads (issue 15 items 3 and 9): after a file's own COMMIT, and
after drizzle-kit's ADD VALUE in a file with no mizzle directive, statements are in a new transaction."""

from __future__ import annotations

from mizzle.lint import LintContext, lint_file
from mizzle.migrations.folder import split_statements


def rules(text: str) -> list[str]:
    return sorted(f.rule for f in lint_file(text, LintContext(file="t.sql")))


def test_explicit_commit_starts_a_new_transaction() -> None:
    text = ("ALTER TYPE \"e\" ADD VALUE 'g';\n-- a comment\nCOMMIT;\nSELECT 'g'::\"e\";\n"
            'DROP INDEX CONCURRENTLY "i";\n')
    found = rules("-- mizzle:idempotent\n" + text)  # a directive: ADD VALUE alone sets no boundary
    assert "MZ301" not in found and "MZ304" in found
    # the runner: the COMMIT is not sent; the part after it commits separately
    parts = split_statements(text)
    assert [p.commit_before for p in parts] == [False, True]
    assert all("COMMIT" not in p.sql for p in parts)
    # without the COMMIT, the same file is refused by PostgreSQL, and lint says so
    assert "MZ301" in rules("-- mizzle:idempotent\n" + text.replace("COMMIT;\n", ""))


def test_concurrently_right_after_a_commit_runs_on_its_own() -> None:
    text = 'CREATE TABLE "a" ("x" integer);\nCOMMIT;\nCREATE INDEX CONCURRENTLY "i" ON "a" ("x");\n'
    assert "MZ302" not in rules(text)
    assert "MZ302" in rules(text.replace("COMMIT;\n", ""))


def test_drizzle_kits_add_value_is_a_boundary_without_directives() -> None:
    text = ("ALTER TYPE \"public\".\"role\" ADD VALUE 'guest';--> statement-breakpoint\n"
            "ALTER TYPE \"public\".\"role\" ADD VALUE 'owner';--> statement-breakpoint\n"
            "ALTER TABLE \"users\" ALTER COLUMN \"role\" SET DEFAULT 'guest';")
    assert "MZ301" not in rules(text)
    assert [p.commit_before for p in split_statements(text)] == [False, False, True]
    with_directive = "-- mizzle:online\nSET lock_timeout = '5s';--> statement-breakpoint\n" + text
    assert "MZ301" in rules(with_directive)
    assert not any(p.commit_before for p in split_statements(with_directive))


def test_concurrently_statements_after_a_commit_and_a_set() -> None:
    # a team's pattern (seen in a real folder): COMMIT, then a setting, then several CONCURRENTLY statements; under
    # drizzle-orm everything after the COMMIT runs outside a transaction, and so does each of them under mizzle
    text = ('CREATE TABLE "a" ("x" integer);--> statement-breakpoint\nCOMMIT;--> statement-breakpoint\n'
            "SET lock_timeout = 0;--> statement-breakpoint\n"
            'CREATE INDEX CONCURRENTLY "i" ON "a" ("x");--> statement-breakpoint\n'
            'DROP INDEX CONCURRENTLY "j";--> statement-breakpoint\n'
            "SET lock_timeout = '5s';")
    assert "MZ302" not in rules(text)
    assert "MZ302" in rules(text.replace("COMMIT;--> statement-breakpoint\n", ""))


def test_offsets_in_a_file_with_non_ascii_text() -> None:
    # pglast gives character offsets: a file with multi-byte characters before a statement is cut where it is
    text = ("-- écrit à la main — é\nINSERT INTO \"a\" VALUES ('ü — ö');\nCOMMIT;\n"
            "UPDATE \"a\" SET \"x\" = 'ß';\n")
    parts = split_statements(text)
    assert [p.sql for p in parts] == ["INSERT INTO \"a\" VALUES ('ü — ö')", "UPDATE \"a\" SET \"x\" = 'ß'"]
    found = lint_file(text, LintContext(file="t.sql"))
    assert [f.message.split("`")[1] for f in found if f.rule == "MZ304"] == ["COMMIT"]
    bad = lint_file("-- ééé — ü\nSELECT 'ü';\nSELEC 2;\n", LintContext(file="t.sql"))
    assert [(f.rule, f.line) for f in bad if f.rule.startswith("MZ0")] == [("MZ001", 3)]


def test_a_query_parameter_in_a_statement_is_an_error() -> None:
    # drizzle-kit 0.31 writes `$1` for an index's `.where(eq(col, 'x'))` (flowglad fixed its SQL by hand); PostgreSQL
    # refuses the statement, which mizzle learnt only on the server
    assert "MZ003" in rules('CREATE INDEX "i" ON "t" USING btree ("s") WHERE "t"."s" = $1;\n')
    assert "MZ003" not in rules('CREATE INDEX "i" ON "t" USING btree ("s") WHERE "t"."s" = \'$1\';\n')
    assert "MZ003" not in rules("CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 $$;\n")
    assert "MZ003" not in rules("PREPARE q (int) AS SELECT $1;\n")


def test_a_sql_standard_body_may_name_its_arguments_by_number() -> None:
    # immich's f_unaccent(text), `RETURN unaccent('unaccent', $1)`: a body that is not quoted is parsed with the
    # statement, and its $1 is the function's first argument, not a parameter of the statement (MZ003 said error)
    assert "MZ003" not in rules("CREATE FUNCTION f(text) RETURNS text LANGUAGE sql IMMUTABLE RETURN lower($1);\n")
    assert "MZ003" not in rules("CREATE FUNCTION g(int, int) RETURNS int LANGUAGE sql\n"
                                "BEGIN ATOMIC SELECT $1 + $2; END;\n")
    assert "MZ003" not in rules("CREATE PROCEDURE p(int) LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES ($1); END;\n")
    # outside the body, a parameter is still one of the statement
    assert "MZ003" in rules("CREATE FUNCTION h(a int DEFAULT $1) RETURNS int LANGUAGE sql RETURN a;\n")


def test_a_primary_key_added_in_place_is_named_and_told_its_own_way_round() -> None:
    # vaultwarden's `ALTER TABLE devices ADD PRIMARY KEY (uuid, user_uuid)`: MZ203 said "constraint (unnamed)" and
    # advised UNIQUE USING INDEX
    found = [f for f in lint_file('ALTER TABLE "devices" ADD PRIMARY KEY ("uuid", "user_uuid");',
                                  LintContext(file="t.sql")) if f.rule == "MZ203"]
    assert len(found) == 1 and "primary key devices_pkey on public.devices" in found[0].message, found
    assert "(a key: PRIMARY KEY) USING INDEX" in found[0].message


def test_type_changes_classified_as_postgresql_15_runs_them() -> None:
    # checked on PostgreSQL 15 by the table's relfilenode (prisma histories: langfuse, hoppscotch): char(n) →
    # varchar(m) with m ≥ n was called a narrowing (an error); char(n) → text, json → text and a wider char(n) were
    # called safe, and PostgreSQL rewrites the table; bit(4) → bit(8) was called safe, and fails on any row
    from mizzle.lint.destructive import classify
    from mizzle.lint.state import TypeSpec

    assert classify(TypeSpec("bpchar", (10,)), TypeSpec("varchar", (20,))) == "rewrite"
    assert classify(TypeSpec("bpchar", (10,)), TypeSpec("varchar", (5,))) == "narrow"
    assert classify(TypeSpec("bpchar", (10,)), TypeSpec("text")) == "rewrite"
    assert classify(TypeSpec("bpchar", (10,)), TypeSpec("bpchar", (20,))) == "rewrite"
    assert classify(TypeSpec("json"), TypeSpec("text")) == "rewrite"
    assert classify(TypeSpec("bit", (4,)), TypeSpec("bit", (8,))) == "narrow"
    assert classify(TypeSpec("varchar", (10,)), TypeSpec("varchar", (20,))) == "safe"
    assert classify(TypeSpec("varchar", (10,)), TypeSpec("text")) == "safe"


def test_statements_guarded_by_generate_idempotent_are_linted_as_themselves() -> None:
    # a column renamed in a `--idempotent` file: MZ107 (an error) was lost inside the DO block (langfuse's
    # history linted clean generated --idempotent, with 44 findings generated plain)
    plain = 'ALTER TABLE "public"."t" RENAME COLUMN "a" TO "b";'
    guarded = ("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
               "to_regclass('\"public\".\"t\"') AND attname = 'a') THEN " + plain + " END IF; END $$;")
    assert "MZ107" in rules(plain)
    assert "MZ107" in rules(guarded)


def _messages(text: str) -> list[str]:
    return [f.message for f in lint_file(text, LintContext(file="t.sql")) if f.rule == "MZ304"]


def test_a_begin_after_a_commit_opens_the_next_transaction() -> None:
    # latitude-llm's pattern for CONCURRENTLY indexes: COMMIT; BEGIN; …; COMMIT; CREATE INDEX CONCURRENTLY …. After
    # the COMMIT the file no longer runs in drizzle-orm's transaction, so the BEGIN is not the no-op it is above it
    text = ("COMMIT;--> statement-breakpoint\nBEGIN;\n"
            'ALTER TABLE "spans" ADD COLUMN "document_uuid" uuid;--> statement-breakpoint\nCOMMIT;\n'
            '--> statement-breakpoint\nCREATE INDEX CONCURRENTLY "i" ON "spans" ("document_uuid");')
    begin = [m for m in _messages(text) if m.startswith("`BEGIN`")]
    assert len(begin) == 1 and "so it does nothing" not in begin[0] and "after the COMMIT above" in begin[0]
    assert "outside a transaction" not in begin[0]
    between = text.replace("BEGIN;\n", 'UPDATE "spans" SET "x" = 1;--> statement-breakpoint\nBEGIN;\n')
    (begin,) = [m for m in _messages(between) if m.startswith("`BEGIN`")]
    assert "the 1 statement(s) between that COMMIT and it run outside a transaction" in begin


def test_a_concurrently_statement_between_commit_and_begin_runs_on_its_own_in_both() -> None:
    # latitude-llm's 0275: COMMIT; CREATE UNIQUE INDEX CONCURRENTLY …; BEGIN; …. mizzle runs a statement PostgreSQL
    # refuses in a transaction on its own after a boundary, as drizzle-orm does: MZ304 said mizzle "commits them
    # with those after the BEGIN", which it does not
    text = ('COMMIT;--> statement-breakpoint\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "d" ("p");'
            '--> statement-breakpoint\nBEGIN;--> statement-breakpoint\nALTER TABLE "d" DROP CONSTRAINT IF EXISTS "c";')
    (begin,) = [m for m in _messages(text) if m.startswith("`BEGIN`")]
    assert "commits them with those after the BEGIN" not in begin, begin
    assert "the 1 statement(s) between that COMMIT and it that PostgreSQL refuses inside a transaction (CREATE INDEX " \
        "CONCURRENTLY) run on their own, outside a transaction, in both" in begin, begin
    mixed = text.replace("BEGIN;", 'UPDATE "d" SET "p" = 1;--> statement-breakpoint\nBEGIN;')
    (begin,) = [m for m in _messages(mixed) if m.startswith("`BEGIN`")]
    assert "the 1 statement(s) between that COMMIT and it run outside a transaction under drizzle-orm" in begin
    assert "on their own, outside a transaction, in both" in begin


def test_a_begin_in_the_files_own_transaction_does_nothing() -> None:
    text = 'BEGIN;\nCREATE TABLE "a" ("x" integer);\nCOMMIT;\n'
    (begin,) = [m for m in _messages(text) if m.startswith("`BEGIN`")]
    assert "so it does nothing" in begin


def test_a_conversion_that_parses_each_value_is_an_error_as_a_narrowing_is() -> None:
    # text → text[] parses each value as an array literal ('a,b' fails the migration), text → integer / uuid / an
    # enum (lmnr's agent_messages.message_type) each value as that type: MZ105, not MZ104's rewrite warning
    from mizzle.lint.destructive import classify
    from mizzle.lint.state import TypeSpec

    assert classify(TypeSpec("text"), TypeSpec("text", array=True)) == "convert"
    assert classify(TypeSpec("int4"), TypeSpec("int4", array=True)) == "convert"
    assert classify(TypeSpec("int4", array=True), TypeSpec("int4")) == "convert"
    assert classify(TypeSpec("int4", array=True), TypeSpec("text")) == "rewrite"
    assert classify(TypeSpec("text"), TypeSpec("int4")) == "convert"
    assert classify(TypeSpec("varchar", (20,)), TypeSpec("agent_message_type")) == "convert"
    assert classify(TypeSpec("text"), TypeSpec("citext")) == "rewrite"
    assert classify(TypeSpec("int4"), TypeSpec("text")) == "rewrite"
    from mizzle.schema.model import Column, Table, make_schema

    before = make_schema("postgresql", [Table("t", columns=(Column("tags", "text"),))])
    found = [(f.rule, f.message) for f in lint_file('ALTER TABLE "t" ALTER COLUMN "tags" SET DATA TYPE text[] USING '
                                                     '"tags"::text[];', LintContext(previous=before, file="t.sql"))]
    assert [r for r, m in found if m.startswith("type of public.t.tags converted from text to text[] (each value "
                                                 "parsed as the new type); existing values may not fit")] == ["MZ105"], found


def test_a_generated_column_dropped_and_added_back_loses_nothing() -> None:
    # pagila's film.length_hours (GENERATED ALWAYS AS (round(length / 60.0, 2)) STORED) over film.length: when
    # length's type changes (or the expression does), generate drops the column and adds it back, its values
    # computed again; no data is lost and no code reading it breaks, so MZ102 is no error there. Dropped on its own,
    # it still is one (code reading it breaks), and so is a plain column dropped and added back (its values are gone).
    from mizzle.schema.model import Column, Table, make_schema

    before = make_schema("postgresql", [Table("film", columns=(
        Column("length", "smallint"), Column("length_hours", "numeric(4,2)", generated="round(length / 60.0, 2)"),
        Column("note", "text")))])
    readd = ('ALTER TABLE "film" DROP COLUMN "length_hours";--> statement-breakpoint\n'
             'ALTER TABLE "film" ALTER COLUMN "length" SET DATA TYPE integer;--> statement-breakpoint\n'
             'ALTER TABLE "film" ADD COLUMN "length_hours" numeric(4, 2) '
             'GENERATED ALWAYS AS (round(((length)::numeric / 60.0), 2)) STORED;')

    def mz102(text: str) -> list[str]:
        return [f.message for f in lint_file(text, LintContext(previous=before, file="t.sql")) if f.rule == "MZ102"]

    assert mz102(readd) == []
    assert mz102('ALTER TABLE "film" DROP COLUMN "length_hours";') != []
    assert mz102('ALTER TABLE "film" DROP COLUMN "note";--> statement-breakpoint\n'
                 'ALTER TABLE "film" ADD COLUMN "note" text GENERATED ALWAYS AS (\'x\') STORED;') != []


def test_text_to_a_shorter_char_is_a_narrowing() -> None:
    # Home Assistant's recorder (db_schema.py, schema 33 → 42) turns states.entity_id varchar(255) and
    # events.event_data text into CHAR(1); generate writes `USING "entity_id"::char(1)`, and PostgreSQL 15's explicit
    # cast cuts every value to its first character with no error ('light.a' → 'l'): data lost, so MZ105, not
    # MZ104's rewrite warning
    from mizzle.lint.destructive import classify
    from mizzle.lint.state import TypeSpec

    assert classify(TypeSpec("varchar", (255,)), TypeSpec("bpchar", (1,))) == "narrow"
    assert classify(TypeSpec("text"), TypeSpec("bpchar", (1,))) == "narrow"
    assert classify(TypeSpec("varchar"), TypeSpec("bpchar", (10,))) == "narrow"
    assert classify(TypeSpec("varchar", (4,)), TypeSpec("bpchar", (10,))) == "rewrite"  # padded, nothing cut
    assert classify(TypeSpec("text"), TypeSpec("bpchar")) == "rewrite"  # bpchar without a length: unbounded
    from mizzle.schema.model import Column, Table, make_schema

    before = make_schema("postgresql", [Table("states", columns=(Column("entity_id", "varchar(255)"),))])
    found = [f.rule for f in lint_file('ALTER TABLE "states" ALTER COLUMN "entity_id" SET DATA TYPE char(1) USING '
                                       '"entity_id"::char(1);', LintContext(previous=before, file="t.sql"))]
    assert found == ["MZ105"], found


def test_a_string_column_retyped_with_no_using_fails_whatever_the_data() -> None:
    # AarnaTechLko/d1notes' drizzle-kit 0009: ticket.assign_to varchar(255) → integer with no USING. PostgreSQL has
    # no automatic cast from the string types to integer and refuses it on an empty table too: MZ007, not MZ105's
    # "values may not parse". With USING the values decide: MZ105 as before.
    from mizzle.schema.model import Column, Table, make_schema

    before = make_schema("postgresql", [Table("ticket", columns=(Column("assign_to", "varchar(255)"),))])
    ctx = LintContext(previous=before, file="0009.sql")
    found = [(f.rule, f.message.split(";")[0]) for f in lint_file(
        'ALTER TABLE "ticket" ALTER COLUMN "assign_to" SET DATA TYPE integer;', ctx)]
    assert found == [("MZ007", "type of public.ticket.assign_to changed from varchar(255) to integer with no USING")]
    found = [f.rule for f in lint_file('ALTER TABLE "ticket" ALTER COLUMN "assign_to" SET DATA TYPE integer USING '
                                       '"assign_to"::integer;', ctx)]
    assert found == ["MZ105"], found
    # to another string type, or to an enum (which lint cannot tell from a domain), it stays MZ105/quiet as before
    assert "MZ007" not in [f.rule for f in lint_file(
        'ALTER TABLE "ticket" ALTER COLUMN "assign_to" SET DATA TYPE text;', ctx)]


def test_rows_of_a_copy_from_stdin_are_named_not_just_a_syntax_error() -> None:
    # neondatabase/postgres-sample-dbs' chinook.sql (a pg_dump with its data): lint said only `syntax error at or
    # near "1"` at the first row, which reads as a typo; the rows are psql's to send, no migration can
    text = "CREATE TABLE t (id integer, name text);\nCOPY public.t (id, name) FROM stdin;\n1\tone\n2\ttwo\n\\.\n"
    found = lint_file(text, LintContext(file="t.sql"))
    assert [(f.rule, f.line) for f in found] == [("MZ001", 3)], found
    assert "COPY … FROM stdin` on line 2" in found[0].message and "psql" in found[0].message, found[0].message
    plain = lint_file("CREATE TABLE t (id integer);\nSELEC 1;\n", LintContext(file="t.sql"))
    assert "COPY" not in plain[0].message


def test_a_statement_that_does_not_parse_leaves_the_others_of_its_chunk_linted() -> None:
    # pg_dump files (neondatabase/postgres-sample-dbs' chinook.sql, …) have no breakpoints: the whole file was one
    # chunk, and one statement that did not parse left every other statement of the file unlinted
    text = ('DROP TABLE "a";\n'
            "CREATE FUNCTION f() RETURNS text AS $$ SELECT 'x;'; $$ LANGUAGE sql; -- a comment; not a cut\n"
            "CREATE TABLE t (id integer,, name text);\n"
            "/* c; */ CREATE PROCEDURE p() LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN true THEN 1 END;\n"
            "  SELECT 2;\nEND;\n"
            "COPY public.t (id, name) FROM stdin;\n1\ta'b;c\n\\.\n"
            'DROP TABLE "b";\n')
    found = lint_file(text, LintContext(file="t.sql"))
    assert [(f.rule, f.line) for f in found] == [("MZ101", 1), ("MZ001", 3), ("MZ001", 10), ("MZ101", 12)], found
    assert "COPY … FROM stdin` on line 9" in found[2].message, found[2].message
    assert "COPY" not in found[1].message
    assert {f.statement for f in found} == {1}  # the runner's one statement: the chunk
    # a chunk of one statement says what it said
    assert [(f.rule, f.line) for f in lint_file("\n\nSELEC 1;\n", LintContext(file="t.sql"))] == [("MZ001", 3)]
    # an unterminated string runs to the end of the file, as it does for PostgreSQL: what is before it is linted
    found = lint_file('DROP TABLE "a";\nSELECT \'x;\nDROP TABLE "b";\n', LintContext(file="t.sql"))
    assert [(f.rule, f.line) for f in found] == [("MZ101", 1), ("MZ001", 2)], found

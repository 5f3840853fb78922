"""The author's spelling read from a migration's SQL (dialects/postgres/authored_sql.py, for
`check --rebuild-snapshots`): what each statement records, and what it leaves to the server. No server."""

from __future__ import annotations

from mizzle import dialects
from mizzle.dialects.postgres.authored_sql import read, same_type
from mizzle.migrations.authored import AuthoredTexts, with_authored
from mizzle.schema.model import Column, Index, IndexColumn, PrimaryKey, Table, make_schema

DRIZZLE = '''CREATE TABLE "child" (
	"id" serial NOT NULL,
	"qty" integer NOT NULL,
	"price" numeric(10) DEFAULT '9.99',
	"tag" char,
	"big" bigserial,
	"doc" jsonb DEFAULT '{"a":1, "b":2}'::jsonb,
	"low" text GENERATED ALWAYS AS (lower("child"."tag")) STORED,
	CONSTRAINT "child_named_pk" PRIMARY KEY("id"),
	CONSTRAINT "child_qty_positive" CHECK ("child"."qty" > 0)
);
--> statement-breakpoint
ALTER TABLE "child" ALTER COLUMN "qty" SET DEFAULT (1 + 2);--> statement-breakpoint
CREATE UNIQUE INDEX "child_uidx" ON "child" USING btree (lower("tag"),"qty" int4_ops DESC NULLS LAST,("qty" + 1)) WHERE "child"."tag" IS NOT NULL;--> statement-breakpoint
CREATE MATERIALIZED VIEW "public"."mv" WITH (fillfactor = 90) AS (select id, qty from child) WITH NO DATA;--> statement-breakpoint
CREATE VIEW "v" AS (select "id" from "child" where "child"."qty" > 1);--> statement-breakpoint
CREATE POLICY "own" ON "child" AS PERMISSIVE FOR SELECT TO public USING (owner = current_user) WITH CHECK (length(tag) > 0);'''


def test_each_text_is_cut_out_as_written() -> None:
    t = AuthoredTexts()
    read(DRIZZLE, t)
    col = t.columns
    assert col[("public", "child", "price")] == {"type": "numeric(10)", "not_null": False, "default": "'9.99'"}
    assert col[("public", "child", "tag")]["type"] == "char"
    assert col[("public", "child", "big")] == {"type": "bigserial", "not_null": False}
    assert col[("public", "child", "doc")]["default"] == "'{\"a\":1, \"b\":2}'::jsonb"
    assert col[("public", "child", "low")]["generated"] == 'lower("child"."tag")'
    assert col[("public", "child", "qty")] == {"type": "integer", "not_null": True, "default": "(1 + 2)"}
    assert t.checks == {("public", "child", "child_qty_positive"): '"child"."qty" > 0'}
    assert t.indexes[("public", "child_uidx")] == {
        "table": ("public", "child"), "where": '"child"."tag" IS NOT NULL',
        "exprs": {0: 'lower("tag")', 2: '("qty" + 1)'}, "opclasses": {"qty": "int4_ops"}, "concurrently": False}
    assert t.views == {("public", "mv"): "select id, qty from child",
                       ("public", "v"): 'select "id" from "child" where "child"."qty" > 1'}
    assert t.no_data == {("public", "mv")}
    assert t.policies[("public", "child", "own")] == {"using": "owner = current_user", "with_check": "length(tag) > 0"}


def test_renames_drops_and_later_statements_follow() -> None:
    t = AuthoredTexts()
    read(DRIZZLE, t)
    read('ALTER TABLE "child" RENAME TO "kid";\nALTER TABLE "kid" RENAME COLUMN "price" TO "cost";\n'
         'ALTER TABLE "kid" DROP CONSTRAINT "child_qty_positive";\nDROP INDEX "child_uidx";\n'
         'ALTER TABLE "kid" ALTER COLUMN "cost" SET DATA TYPE numeric(12, 2) USING cost::numeric(12, 2), '
         'ALTER COLUMN "cost" DROP DEFAULT;\nALTER POLICY "own" ON "kid" USING (true);', t)
    assert ("public", "child", "price") not in t.columns
    assert t.columns[("public", "kid", "cost")]["type"] == "numeric(12, 2)"
    assert t.columns[("public", "kid", "cost")]["default"] is None
    assert not t.checks and not t.indexes
    assert t.policies[("public", "kid", "own")] == {"using": "true", "with_check": "length(tag) > 0"}


def test_what_does_not_parse_is_left_to_the_server() -> None:
    t = AuthoredTexts()
    read('CREATE TABLE "a" ("x" integer DEFAULT 1);\n--> statement-breakpoint\nTHIS IS NOT SQL;\n'
         '--> statement-breakpoint\nCREATE TABLE "b" ("y" text DEFAULT \'ü\');', t)
    assert t.columns[("public", "a", "x")]["default"] == "1"
    assert t.columns[("public", "b", "y")]["default"] == "'ü'"  # offsets are characters, not bytes


def test_types_the_grammar_fills_in() -> None:
    assert same_type("numeric(10)", "numeric(10, 0)") and same_type("char", "char(1)") and same_type("bit", "bit(1)")
    assert same_type("varchar(50)[]", "character varying(50)[]") and same_type("timestamp(3)", "timestamp (3)")
    assert not same_type("numeric(10)", "numeric(10, 2)") and not same_type("char", "char(2)")
    assert not same_type("varchar", "varchar(1)")


def test_the_hook_is_the_dialects() -> None:
    assert dialects.get("postgresql").authored_sql.same_type("char", "char(1)")
    texts = AuthoredTexts()
    dialects.get("sqlite").authored_sql.read('CREATE TABLE "a" ("x" integer DEFAULT 1);', texts)
    assert texts == AuthoredTexts()  # SQLite keeps each object's SQL as written: nothing to add


def test_canonical_memo_hands_back_each_tables_own_key_name() -> None:
    """A remembered canonical table is found by value, and a key's server name is not part of its value: the
    table handed back must keep its own (a rebuilt snapshot's name was lost to an earlier equal table's)."""
    pg = dialects.get("postgresql")

    def model(server_name: str | None):  # type: ignore[no-untyped-def]
        return make_schema("postgresql", tables=[Table("user", columns=(Column("id", "text", True),),
                                                       primary_key=PrimaryKey(("id",), None, None, server_name))])

    assert pg.canonical(model(None)).tables[0].primary_key.server_name is None
    assert pg.canonical(model("user_temp_pkey")).tables[0].primary_key.server_name == "user_temp_pkey"
    assert pg.canonical(model(None)).tables[0].primary_key.server_name is None


def test_roles_the_sql_creates() -> None:
    t = AuthoredTexts()
    read('CREATE ROLE "a" WITH CREATEDB NOINHERIT;--> statement-breakpoint\nCREATE ROLE "b";\n'
         'ALTER ROLE "b" WITH CREATEROLE;\nCREATE ROLE "c";\nDROP ROLE "c";\nALTER ROLE "a" RENAME TO "a2";', t)
    assert t.roles == {"a2": {"create_db": True, "create_role": False, "inherit": False},
                       "b": {"create_db": False, "create_role": True, "inherit": True}}


def test_a_comma_inside_array_brackets_does_not_cut_the_statement() -> None:
    # rybbit's `text("note").array().default(sql`ARRAY['a', 'b']::text[]`)`: the comma between the array's elements
    # cut the CREATE TABLE (and the ALTER TABLE … ADD COLUMN) into one piece too many, so nothing the statement
    # wrote was read and every column of the table kept the server's spelling (`ARRAY['a'::text, 'b'::text]`)
    t = AuthoredTexts()
    read('CREATE TABLE "t" (\n\t"id" integer DEFAULT 1,\n\t"note" text[] DEFAULT ARRAY[\'a\', \'b\']::text[]\n);\n'
         '--> statement-breakpoint\n'
         'ALTER TABLE "t" ADD COLUMN "m" integer[] DEFAULT ARRAY[1, 2]::integer[];--> statement-breakpoint\n'
         'ALTER TABLE "t" ALTER COLUMN "id" SET DEFAULT (ARRAY[3, 4])[1], ALTER COLUMN "id" SET NOT NULL;', t)
    col = t.columns
    assert col[("public", "t", "note")]["default"] == "ARRAY['a', 'b']::text[]"
    assert col[("public", "t", "m")]["default"] == "ARRAY[1, 2]::integer[]"
    assert col[("public", "t", "id")] == {"type": "integer", "not_null": True, "default": "(ARRAY[3, 4])[1]"}


def test_the_opclass_the_sql_names_replaces_the_servers_qualified_spelling() -> None:
    """`check --rebuild-snapshots` on a folder whose SQL writes `USING gin ("cn" gin_trgm_ops)` (Netflix Lemur's
    models): the server prints an operator class outside pg_catalog qualified (`public.gin_trgm_ops`), and the
    rebuilt snapshot said so where generate's (and drizzle-kit's `.op()`) says `gin_trgm_ops`. The SQL's name
    found that very operator class through the search_path: it is the snapshot's spelling."""

    def table(opclass: str) -> Table:
        return Table("certificates", columns=(Column("cn", "varchar(128)"),),
                     indexes=(Index("ix_certificates_cn", (IndexColumn("cn", False, True, "last", opclass),),
                                    method="gin"),))

    texts = AuthoredTexts()
    texts.indexes[("public", "ix_certificates_cn")] = {"table": ("public", "certificates"), "where": None,
                                                       "exprs": {}, "opclasses": {"cn": "gin_trgm_ops"}}
    for server, kept in (("public.gin_trgm_ops", "gin_trgm_ops"), ('"My Ext".gin_trgm_ops', "gin_trgm_ops"),
                         ("public.other_ops", "public.other_ops"), (None, "gin_trgm_ops")):
        live = make_schema("postgresql", tables=[table(server)])  # type: ignore[arg-type]
        assert with_authored(live, texts).tables[0].indexes[0].columns[0].opclass == kept


def test_an_enum_default_loses_the_cast_to_its_own_enum_only() -> None:
    """drizzle-kit's SQL casts an enum column's default to the enum (`SET DEFAULT 'a'::"public"."status"`), its
    snapshot does not (registry-web): the snapshot's spelling is the bare literal; any other cast stays."""
    from mizzle.dialects.postgres.authored_sql import snapshot_default

    assert snapshot_default("'a'::\"public\".\"status\"", "status", True) == "'a'"
    assert snapshot_default("'it''s'::status", "status", True) == "'it''s'"
    assert snapshot_default("'a'::\"Mixed\"", "Mixed", True) == "'a'"
    assert snapshot_default("'a'::other", "status", True) == "'a'::other"
    assert snapshot_default("'{}'::jsonb", "jsonb", False) == "'{}'::jsonb"
    assert snapshot_default("'a'::text", "text", False) == "'a'::text"


def test_a_literal_the_snapshot_states_as_json_is_written_as_drizzle_kit_writes_it() -> None:
    """runtipi/runtipi's hand-written 0004 and 0005 (`ALTER COLUMN "operator" SET DEFAULT FALSE`, `ALTER COLUMN
    "version" SET DEFAULT '1'`): the rebuilt snapshots said "FALSE" and "'1'", drizzle-kit's (from the schema
    code's `.default(false)`, `.default(1)`) false and 1, so its next generate would set both defaults again."""
    from mizzle.dialects.postgres.authored_sql import snapshot_default

    assert snapshot_default("FALSE", "boolean", False) == "false"
    assert snapshot_default(" True ", "boolean", False) == "true"
    assert snapshot_default("'1'", "integer", False) == "1"
    assert snapshot_default("'-12'", "bigint", False) == "-12"
    assert snapshot_default("'1'", "text", False) == "'1'"  # text: the quotes are the value's
    assert snapshot_default("'1'", "integer[]", False) == "'1'"
    assert snapshot_default("'t'", "boolean", False) == "'t'"  # a spelling JSON has no word for stays


def test_the_whole_text_between_the_parentheses_is_kept_spaces_and_all() -> None:
    """drizzle-kit writes `GENERATED ALWAYS AS (${as})`, `CHECK (${value})`, `USING (${using})` and keeps in its
    snapshot the schema code's text as it is, spaces and line breaks around it included (midday's
    packages/db/src/schema.ts: `sql\\`\\n\\t\\t\\t\\tto_tsvector(…)\\n\\t\\t\\t\\``). A rebuilt snapshot that dropped them
    made drizzle-kit drop and re-add every such generated column."""
    t = AuthoredTexts()
    read('CREATE TABLE "tx" (\n\t"name" text,\n\t"fts" tsvector GENERATED ALWAYS AS (\n\t\tto_tsvector(\n\t\t\t'
         "'english', name)\n\t) STORED,\n\tCONSTRAINT \"tx_ck\" CHECK ( name <> '' \n)\n);\n--> statement-breakpoint\n"
         'ALTER TABLE "tx" ADD COLUMN "f2" tsvector GENERATED ALWAYS AS ( to_tsvector(\'simple\', name) ) STORED;'
         '\n--> statement-breakpoint\n'
         'CREATE POLICY "p" ON "tx" AS PERMISSIVE FOR ALL TO public USING (\n  name = current_user\n) '
         'WITH CHECK ( true );', t)
    assert t.columns[("public", "tx", "fts")]["generated"] == "\n\t\tto_tsvector(\n\t\t\t'english', name)\n\t"
    assert t.columns[("public", "tx", "f2")]["generated"] == " to_tsvector('simple', name) "
    assert t.checks[("public", "tx", "tx_ck")] == " name <> '' \n"
    assert t.policies[("public", "tx", "p")] == {"using": "\n  name = current_user\n", "with_check": " true "}


def test_a_renamed_tables_qualified_texts_take_its_new_name() -> None:
    # PageSpace's 0254 renamed agent_sessions, whose index predicate said "agent_sessions"."sandboxId" IS NOT NULL
    t = AuthoredTexts()
    read('CREATE TABLE "s" ("id" int, "box" text, "n" int GENERATED ALWAYS AS (length("s"."box")) STORED, '
         'CONSTRAINT "s_box" CHECK ("s"."box" <> \'s.x\'));\n'
         'CREATE INDEX "s_idx" ON "s" (lower(s.box)) WHERE "s"."box" IS NOT NULL AND public."s"."id" > 0;\n'
         'CREATE POLICY "p" ON "s" USING ("s"."id" = 1);\n'
         'CREATE TABLE "other" ("id" int, CONSTRAINT "o_id" CHECK ("s"."id" > 0));\n'
         'ALTER TABLE "s" RENAME TO "user";', t)
    assert t.checks[("public", "user", "s_box")] == '"user"."box" <> \'s.x\''
    assert t.checks[("public", "other", "o_id")] == '"s"."id" > 0'  # another table's text is not touched
    idx = t.indexes[("public", "s_idx")]
    assert idx["where"] == '"user"."box" IS NOT NULL AND public."user"."id" > 0'
    assert idx["exprs"] == {0: 'lower("user".box)'}  # a bare name quoted where the new one is a keyword
    assert t.policies[("public", "user", "p")]["using"] == '"user"."id" = 1'
    assert t.columns[("public", "user", "n")]["generated"] == 'length("user"."box")'


def test_a_type_is_kept_as_written_but_for_case_and_spacing() -> None:
    # flowglad's `SET DATA TYPE timestamptz` (a customType): drizzle-kit's snapshot says `timestamptz`, not the
    # server's `timestamp with time zone`
    t = AuthoredTexts()
    read('CREATE TABLE "t" ("a" TIMESTAMPTZ, "b" numeric( 10,2 ), "c" varchar(20) [], "d" timestamp (3));\n'
         'ALTER TABLE "t" ALTER COLUMN "d" SET DATA TYPE  timestamp(3)  with time zone;', t)
    assert [t.columns[("public", "t", c)]["type"] for c in "abcd"] == [
        "timestamptz", "numeric(10, 2)", "varchar(20)[]", "timestamp(3) with time zone"]


def test_a_quoted_mixed_case_type_is_left_to_the_server() -> None:
    # AdventureWorks for PostgreSQL's domains ("Name", "Flag", "Phone"), in a baseline pulled by mizzle: the quotes
    # keep the case, and lower-cased `"Name"` is PostgreSQL's own `name` type; the rebuilt snapshot said `name`, and
    # generate then saw every such column retyped. A quoted lower-case name (drizzle-kit's "inet") is the name.
    t = AuthoredTexts()
    read('CREATE TABLE "t" ("a" "Name" NOT NULL, "b" "inet", "c" "Phone"[]);', t)
    assert t.columns[("public", "t", "a")].get("type") is None
    assert t.columns[("public", "t", "b")]["type"] == "inet"
    assert t.columns[("public", "t", "c")].get("type") is None


def test_mizzles_own_parentheses_around_an_index_element_are_not_kept() -> None:
    """mizzle's SQL puts every expression element in parentheses around the snapshot's text; its snapshot holds
    what is inside. A Django project's pulled baseline (wagtail + a kitchen app: Coalesce("ratio", 0.0), Cast,
    KT("meta__kind") indexes) rebuilt `((stars::integer))` and `(COALESCE(…))` where the pulled snapshot had
    `(stars::integer)` and `COALESCE(…)`: COALESCE and GREATEST are calls, and `((x))` has one layer too many."""
    sql = ('CREATE INDEX "k_c" ON "public"."k" USING btree ((COALESCE(ratio, 0.0::double precision)), '
           '(GREATEST(a, b)), ((stars::integer)), ((meta ->> \'kind\'::text)), (a || b) DESC);')
    texts = AuthoredTexts()
    read(sql, texts)
    assert texts.indexes[("public", "k_c")]["exprs"] == {
        0: "COALESCE(ratio, 0.0::double precision)", 1: "GREATEST(a, b)", 2: "(stars::integer)",
        3: "(meta ->> 'kind'::text)", 4: "(a || b)"}


def test_a_view_query_keeps_drizzle_kits_own_spacing_inside_its_parentheses() -> None:
    """drizzle-kit writes `AS (${definition})` and its snapshot holds `definition` as the author wrote it, line
    breaks and indentation included (Kilo-Org/cloud's microdollar_usage_view starts with "\\n  SELECT"): what
    stands between the parentheses is that text, not to be trimmed."""
    t = AuthoredTexts()
    read('CREATE VIEW "public"."usage_view" AS (\n  SELECT\n    u.id\n  FROM "usage" u\n);\n'
         'CREATE MATERIALIZED VIEW "mv" AS ( select 1 AS one ) WITH NO DATA;\n'
         'CREATE VIEW "plain" AS SELECT 1 AS one;', t)
    assert t.views[("public", "usage_view")] == '\n  SELECT\n    u.id\n  FROM "usage" u\n'
    assert t.views[("public", "mv")] == " select 1 AS one "
    assert t.views[("public", "plain")] == "SELECT 1 AS one"


def test_the_opclass_the_sql_names_on_an_expression_replaces_the_servers_qualified_spelling() -> None:
    """giselles-ai/giselle's pgvector indexes: `USING hnsw (("embedding"::vector(1536)) vector_cosine_ops)`. The
    server prints the operator class qualified (`public.vector_cosine_ops`); drizzle-kit's `.op()` on an
    expression, like the SQL, says `vector_cosine_ops`. As for a plain column, the SQL's name is kept."""
    texts = AuthoredTexts()
    read('CREATE INDEX "emb_idx" ON "docs" USING hnsw (("embedding"::vector(1536)) vector_cosine_ops,'
         '"title" text_pattern_ops);', texts)

    def live(opclass: str | None) -> object:
        ix = Index("emb_idx", (IndexColumn("(embedding::vector(1536))", True, opclass=opclass),
                               IndexColumn("title", opclass="text_pattern_ops")), method="hnsw")
        return make_schema("postgresql", tables=[Table("docs", columns=(Column("embedding", "vector(1536)"),
                                                                        Column("title", "text")), indexes=(ix,))])

    for server, kept in (("public.vector_cosine_ops", "vector_cosine_ops"),
                         ("public.other_ops", "public.other_ops"), (None, "vector_cosine_ops")):
        cols = with_authored(live(server), texts).tables[0].indexes[0].columns  # type: ignore[arg-type]
        assert cols[0].opclass == kept
        assert cols[1].opclass == "text_pattern_ops"


def test_if_not_exists_on_what_exists_writes_nothing() -> None:
    # runtipi/runtipi's packages/backend/src/core/database/drizzle: 0000 makes "app" and "user" with every column
    # (CREATE TABLE IF NOT EXISTS), and later hand-written migrations add them again with ADD COLUMN IF NOT EXISTS
    # ("exposed" boolean DEFAULT FALSE, "domain" character varying, "totp_secret" text DEFAULT NULL): no-ops on the
    # server, yet their texts replaced 0000's, and every rebuilt snapshot after 0004 said 'FALSE', 'NULL' and
    # "character varying" where the columns, and drizzle-kit's snapshots, have false, no default and varchar
    t = AuthoredTexts()
    read('CREATE TABLE IF NOT EXISTS "app" (\n\t"id" varchar PRIMARY KEY NOT NULL,\n'
         '\t"exposed" boolean DEFAULT false NOT NULL,\n\t"domain" varchar,\n\t"totp_secret" text\n);', t)
    before = {k: dict(v) for k, v in t.columns.items()}
    read('ALTER TABLE "app"\n    ADD COLUMN IF NOT EXISTS "exposed" boolean DEFAULT FALSE;\n'
         'ALTER TABLE "app"\n    ADD COLUMN IF NOT EXISTS "domain" character varying;\n'
         'ALTER TABLE "app" ADD COLUMN IF NOT EXISTS "totp_secret" text DEFAULT NULL;\n'
         'CREATE TABLE IF NOT EXISTS "app" ("id" text PRIMARY KEY, "exposed" boolean DEFAULT TRUE);', t)
    assert t.columns == before
    # what does not exist yet is added as written; so is a table IF NOT EXISTS that is new
    read('ALTER TABLE "app" ADD COLUMN IF NOT EXISTS "port" integer DEFAULT 80;\n'
         'CREATE TABLE IF NOT EXISTS "store" ("slug" varchar DEFAULT \'main\');', t)
    assert t.columns[("public", "app", "port")] == {"type": "integer", "not_null": False, "default": "80"}
    assert t.columns[("public", "store", "slug")]["default"] == "'main'"


def test_default_null_on_a_json_column_is_no_default() -> None:
    """inkeep/agents' packages/agents-core/drizzle/manage 0003: `ADD COLUMN "signature_verification" jsonb DEFAULT
    null`, `ALTER COLUMN "input_schema" SET DEFAULT null` (jsonb), and drizzle-kit's snapshot has no default for
    them: its `.default(null)` on a json column is `'null'::jsonb` (its 0004), so `DEFAULT null` there is SQL
    written by hand, of which the server keeps nothing. The rebuilt snapshots said `"default": null`, a default
    drizzle-kit's next generate would set. Elsewhere `DEFAULT null` is drizzle-kit's `.default(null)` (KnightHacks/
    forge's varchar), JSON null in its snapshot."""
    from mizzle.dialects.postgres.authored_sql import snapshot_default

    assert snapshot_default("null", "jsonb", False) is None
    assert snapshot_default("null", "json", False) is None
    assert snapshot_default("'null'::jsonb", "jsonb", False) == "'null'::jsonb"
    assert snapshot_default("null", "varchar(20)", False) == "null"


def test_a_create_table_drizzle_kit_cannot_have_written_is_left_to_the_server() -> None:
    """elizaOS/cloud's hand-written 0030_add_milaidy_sandboxes (quoted names, two-space indent, comments, inline
    REFERENCES, `NOT NULL DEFAULT now()`, `timestamptz`): its schema code says `timestamp(…, { withTimezone: true })`,
    drizzle-kit's snapshots `timestamp with time zone`. The rebuilt snapshot kept `timestamptz` for the columns no
    comment preceded (`timestamp with time zone` for the one that did), so drizzle-kit's next generate would retype
    them. drizzle-kit writes no comment, no inline REFERENCES and NOT NULL after DEFAULT: a CREATE TABLE showing any
    of them is a person's SQL, whose types the server spells, as for an unquoted name. Defaults stay as written
    (the server's `0.00` is not drizzle-kit's `'0.00'`)."""
    for sql in ('CREATE TABLE "t" (\n  "o" uuid REFERENCES "orgs"("id"),\n  "a" timestamptz DEFAULT \'0.00\'\n);',
                'CREATE TABLE "t" (\n  -- when\n  "o" uuid,\n  "a" timestamptz DEFAULT \'0.00\'\n);',
                'CREATE TABLE "t" (\n  "o" uuid NOT NULL DEFAULT gen_random_uuid(),\n'
                '  "a" timestamptz DEFAULT \'0.00\'\n);'):
        t = AuthoredTexts()
        read(sql, t)
        col = t.columns[("public", "t", "a")]
        assert col.get("type") is None and col.get("default") == "'0.00'", sql
    t = AuthoredTexts()  # drizzle-kit's own order: DEFAULT, then NOT NULL
    read('CREATE TABLE "t" (\n\t"o" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,\n\t"a" timestamptz\n);', t)
    assert t.columns[("public", "t", "a")]["type"] == "timestamptz"
    assert t.columns[("public", "t", "o")]["default"] == "gen_random_uuid()"

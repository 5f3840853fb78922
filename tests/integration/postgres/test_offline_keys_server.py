"""The keys that compare an author's SQL with the server's without asking the server (`generate --check` after
`pull`, the snapshot rebuild) against what PostgreSQL really prints: each author's text below is given to the
server, read back as pg_get_expr / pg_get_viewdef print it, and both must get one key. Found on real drizzle-kit
folders (afenda-hybrid's latitude checks and materialized views, PageSpace's `new Date(0)` default and
`.default(null)`): `generate --check` right after `pull` reported them as changes."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from pgtools import temp_database, url_for

from mizzle.dialects.postgres.expressions import expression_key
from mizzle.dialects.postgres.types import default_key
from mizzle.dialects.postgres.view_deps import query_key

pytestmark = pytest.mark.pg

CHECKS = [
    '"latitude" IS NULL OR ("latitude" >= -90 AND "latitude" <= 90)',  # numeric column: `'-90'::integer::numeric`
    '"n" > -1.5',
    '"n" BETWEEN -10 AND -1',
]
VIEWS = [  # drizzle-kit's spelling: qualified columns, an alias equal to the column's name, literals without casts
    'select "locations"."id" as id, count(*) as n from "locations" group by "locations"."id"',
    "select \"audit\".\"events\".\"id\", date_trunc('day', \"audit\".\"events\".\"at\") as day from \"audit\".\"events\" "
    'join "locations" on "locations"."id" = "audit"."events"."id"',
]
DEFAULTS = [  # (type, default as drizzle-kit writes it)
    ("timestamp with time zone", "'1970-01-01T00:00:00.000Z'"),
    ("timestamp(3) with time zone", "'2024-05-01T10:30:00.250+02:00'"),
    ("timestamp", "'2024-05-01T10:30:00.000Z'"),
    ("date", "'2024-05-01'"),
    ("integer", "-5"),
    # drizzle-kit's own tests/pg-array.test.ts: `.default([true, false, true])`, `.default([new Date(…), …])`; the
    # server prints the elements as their type's output does (`{t,f,t}`, no `.000`)
    ("boolean[]", "'{true,false,true}'"),
    ("timestamp[]", """'{"2024-08-06 00:00:00.000","2024-08-07 00:00:00.000"}'"""),
    ("timestamp(3)[]", """'{"2024-08-06 10:00:00.250"}'"""),
    ("date[]", """'{"2024-08-06","2024-08-07"}'"""),
]


def test_the_server_spelling_and_the_authors_get_one_key(pg_available: bool) -> None:
    with temp_database("mzkeys") as db, psycopg.connect(db, autocommit=True) as conn:
        conn.execute("SET TimeZone = 'Asia/Kolkata'")  # the server prints a timestamptz in the session's zone
        conn.execute("CREATE SCHEMA audit")
        conn.execute("CREATE TABLE locations (id int PRIMARY KEY, latitude numeric(9, 6), n numeric)")
        conn.execute("CREATE TABLE audit.events (id int, at timestamptz)")
        for i, check in enumerate(CHECKS):
            conn.execute(f"ALTER TABLE locations ADD CONSTRAINT c{i} CHECK ({check})")
            stored = conn.execute("SELECT pg_get_expr(conbin, conrelid) FROM pg_constraint WHERE conname = %s",
                                  (f"c{i}",)).fetchone()[0]
            assert expression_key(check) == expression_key(stored), (check, stored)
        for i, view in enumerate(VIEWS):
            conn.execute(f"CREATE MATERIALIZED VIEW mv{i} AS ({view})")
            stored = conn.execute("SELECT pg_get_viewdef(%s::regclass)", (f"mv{i}",)).fetchone()[0]
            assert query_key(view) == query_key(stored), (view, stored)
        for i, (type_, default) in enumerate(DEFAULTS):
            conn.execute(f"ALTER TABLE locations ADD COLUMN d{i} {type_} DEFAULT {default}")
            stored = conn.execute("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
                                  "ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE a.attname = %s",
                                  (f"d{i}",)).fetchone()[0]
            assert default_key(default, type_) == default_key(stored, type_), (default, stored)
    # and what differs still differs
    assert expression_key('"n" > -1.5') != expression_key('"n" > 1.5')
    assert default_key("'1970-01-01T00:00:00.000Z'", "timestamptz") != default_key("'1970-01-01 01:00:00+00'",
                                                                                    "timestamptz")
    assert default_key("'{true,false}'", "boolean[]") != default_key("'{t,t}'", "boolean[]")
    assert default_key("""'{"2024-08-06 00:00:00.000"}'""", "timestamp[]") != default_key("'{2024-08-06 00:00:01}'",
                                                                                          "timestamp[]")
    assert query_key("select a.id from a join b on a.x = b.x") != query_key("select b.id from a join b on a.x = b.x")


def test_the_rebuild_keeps_default_null_as_written(pg_available: bool, tmp_path: Path) -> None:
    """drizzle-kit's snapshot of `.default(null)` says "default": "NULL"; the server stores no default for it, and the
    rebuilt snapshot had none (drizzle-kit's next generate would then SET DEFAULT NULL again)."""
    from mizzle.commands.verify import rebuild_snapshots
    from mizzle.config import load_config

    folder = tmp_path / "drizzle"
    (folder / "meta").mkdir(parents=True)
    (folder / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": 0, "version": "7", "when": 1700000000000, "tag": "0000_init", "breakpoints": True}]}))
    (folder / "0000_init.sql").write_text('CREATE TABLE "ev" (\n\t"id" integer PRIMARY KEY NOT NULL,\n'
                                          '\t"meta" jsonb DEFAULT NULL,\n\t"n" integer DEFAULT null::integer,\n'
                                          '\t"k" integer\n);\n')
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=url_for("postgres"))
    columns = json.loads((folder / "meta" / "0000_snapshot.json").read_text())["tables"]["public.ev"]["columns"]
    assert columns["meta"]["default"] == "NULL"
    assert columns["n"]["default"] == "null::integer"
    assert "default" not in columns["k"]


def test_a_unique_constraint_postgresql_folds_into_the_primary_key(pg_available: bool) -> None:
    """CREATE TABLE with PRIMARY KEY and UNIQUE on the same columns: PostgreSQL keeps the key alone, under its own
    name, or the unique constraint's where the key has none (lmnr's tag_classes: both named, drizzle-kit 1.x).
    verify / drift / generate reported `- unique …` (and generate would drop a constraint that does not exist)."""
    from dataclasses import replace

    from mizzle.schema.compare import for_generate, lines
    from mizzle.schema.diff import Renames, diff
    from mizzle.schema.model import Column, PrimaryKey, Table, UniqueConstraint, make_schema
    from mizzle.schema.scope import Scope
    from mizzle.sources.database import introspect_url

    cases = {  # table → (the key's name as declared, the unique's) — and what PostgreSQL keeps
        "a": ("a_pkey", "a_u"), "b": ("b_key", "b_u"), "c": (None, "c_u"), "d": ("d_pk", "d_u")}
    with temp_database("mzpku") as db, psycopg.connect(db, autocommit=True) as conn:
        for name, (pk, u) in cases.items():
            key = f"CONSTRAINT {pk} PRIMARY KEY (n, p)" if pk else "PRIMARY KEY (n, p)"
            conn.execute(f"CREATE TABLE {name} (n text, p int, {key}, CONSTRAINT {u} UNIQUE (n, p))")
        conn.execute("CREATE TABLE e (n text, p int, CONSTRAINT e_pk PRIMARY KEY (n, p))")
        conn.execute("ALTER TABLE e ADD CONSTRAINT e_u UNIQUE (n, p)")  # added later: a unique of its own
        live = introspect_url(db, Scope())
    assert [x.name for x in live.table("public", "e").uniques] == ["e_u"]
    cols = (Column("n", "text", not_null=True), Column("p", "integer", not_null=True))
    for name, (pk, u) in cases.items():
        declared = make_schema("postgresql", [Table(name=name, schema="public", columns=cols,
                                                    primary_key=PrimaryKey(("n", "p"), name=pk),
                                                    uniques=(UniqueConstraint(u, ("n", "p")),))])
        found = make_schema("postgresql", [live.table("public", name)])
        assert lines(declared, found) == [], name
        assert diff(*for_generate(declared, found), Renames(none=True)).changes == [], name
        # a unique PostgreSQL would not fold (NULLS NOT DISTINCT) is missing for real
        other = declared.with_(tables=[replace(declared.tables[0], uniques=(
            UniqueConstraint(u, ("n", "p"), nulls_not_distinct=True),))])
        assert lines(other, found) != [], name


def test_an_operator_class_of_an_extension_in_its_own_schema_matches_its_bare_name(pg_available: bool) -> None:
    """pg_trgm installed into a schema of its own (Supabase's `extensions`, latitude's `latitude`): the server prints
    `extensions.gin_trgm_ops`, a drizzle-kit snapshot and the schema code say `gin_trgm_ops`."""
    from mizzle.schema.compare import lines
    from mizzle.schema.model import Column, Index, IndexColumn, Table, make_schema
    from mizzle.schema.scope import Scope
    from mizzle.sources.database import introspect_url

    with temp_database("mzopc") as db, psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA extensions")
        conn.execute("CREATE EXTENSION pg_trgm SCHEMA extensions")
        conn.execute("CREATE TABLE docs (title text)")
        conn.execute("CREATE INDEX docs_trgm ON docs USING gin (title extensions.gin_trgm_ops)")
        live = introspect_url(db, Scope(schemas=("public",)))
    (ix,) = live.table("public", "docs").indexes
    assert ix.columns[0].opclass == "extensions.gin_trgm_ops"  # as the server names it
    declared = Table(name="docs", schema="public", columns=(Column("title", "text"),),
                     indexes=(Index("docs_trgm", (IndexColumn("title", opclass="gin_trgm_ops"),), method="gin"),))
    assert lines(make_schema("postgresql", [declared]), make_schema("postgresql", [live.table("public", "docs")])) == []
    other = Table(name="docs", schema="public", columns=(Column("title", "text"),),
                  indexes=(Index("docs_trgm", (IndexColumn("title", opclass="gist_trgm_ops"),), method="gin"),))
    assert lines(make_schema("postgresql", [other]), make_schema("postgresql", [live.table("public", "docs")])) != []


def test_an_array_default_a_snapshot_writes_as_a_json_array(pg_available: bool) -> None:
    """Older drizzle-kit wrote `.default([])` of an array column into its snapshot as the JSON array `[]` (latitude's
    webhooks.project_ids), its SQL as `DEFAULT '{}'`: verify said `default [] → '{}'`."""
    from mizzle.migrations.snapshots import schema_from_snapshot

    def read_from_snapshot(type_: str, value: object) -> str | None:
        snap = {"version": "7", "dialect": "postgresql", "id": "x", "prevId": "y", "enums": {}, "schemas": {},
                "tables": {"public.t": {"name": "t", "schema": "", "columns": {"c": {
                    "name": "c", "type": type_, "primaryKey": False, "notNull": False, "default": value}}}}}
        return schema_from_snapshot(snap).table("public", "t").column("c").default  # type: ignore[union-attr]

    cases = [("bigint[]", [], "'{}'"), ("text[]", ["a", 'b "c"', ""], """'{"a","b \\"c\\"",""}'"""),
             ("integer[]", [1, 2], "'{1,2}'"), ("jsonb", [1, "x"], """'[1, "x"]'""")]
    with temp_database("mzarr") as db, psycopg.connect(db, autocommit=True) as conn:
        for i, (type_, value, sql) in enumerate(cases):
            conn.execute(f"CREATE TABLE t{i} (c {type_} DEFAULT {sql})")
            stored = conn.execute("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d WHERE d.adrelid = %s::regclass",
                                  (f"t{i}",)).fetchone()[0]
            read = read_from_snapshot(type_, value)
            assert default_key(read, type_) == default_key(stored, type_), (value, read, stored)


# (column type, an ARRAY constructor default, the array literal of the same value). Sequelize 6's sync() writes
# `DEFAULT ARRAY[]::VARCHAR(255)[]` for `defaultValue: []` on ARRAY(STRING), which the server stores as
# `(ARRAY[]::character varying[])::character varying(255)[]`; a model says `server_default="{}"`
ARRAY_DEFAULTS = [
    ("varchar(255)[]", "ARRAY[]::VARCHAR(255)[]", "'{}'"),
    ("text[]", "ARRAY['a', 'b c', '']::TEXT[]", "'{a,\"b c\",\"\"}'"),
    ("integer[]", "ARRAY[1, -2, NULL]", "'{1,-2,NULL}'"),
    ("text[][]", "ARRAY[ARRAY['x'], ARRAY['y']]", "'{{x},{y}}'"),
]


def test_an_array_constructor_default_and_the_array_literal_of_its_value_get_one_key(pg_available: bool) -> None:
    with temp_database("mzkeys") as db, psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int)")
        for i, (type_, constructor, literal) in enumerate(ARRAY_DEFAULTS):
            conn.execute(f"ALTER TABLE t ADD COLUMN c{i} {type_} DEFAULT {constructor}, "
                         f"ADD COLUMN l{i} {type_} DEFAULT {literal}")
            stored = dict(conn.execute(
                "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
                "ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE a.attname IN (%s, %s)",
                (f"c{i}", f"l{i}")).fetchall())
            same = conn.execute(f"SELECT {stored[f'c{i}']} = {stored[f'l{i}']}::{type_}").fetchone()[0]
            assert same, (constructor, literal)
            keys = {default_key(d, type_) for d in (constructor, literal, stored[f"c{i}"], stored[f"l{i}"])}
            assert len(keys) == 1, (stored, keys)
    # not one value: a constructor of a non-constant, a different value
    assert default_key("ARRAY[now()]::text[]", "text[]") != default_key("'{now()}'", "text[]")
    assert default_key("ARRAY['a']::text[]", "text[]") != default_key("'{b}'", "text[]")


def test_the_text_now_cast_per_insert_is_current_date_and_co(pg_available: bool) -> None:
    # PostgreSQL before 14 stored CURRENT_DATE as ('now'::text)::date, and pg_dump carried that text to newer
    # servers; TypeORM 0.3 writes it so itself (`default: () => "CURRENT_DATE"`). A model's func.current_date()
    # is the same default: baseline of a TypeORM-built database reported `default CURRENT_DATE → ('now'::text)::date`
    pairs = [("date", "CURRENT_DATE", "('now'::text)::date"),
             ("time with time zone", "CURRENT_TIME", "('now'::text)::time with time zone"),
             ("time", "LOCALTIME", "('now'::text)::time without time zone"),
             ("timestamp", "LOCALTIMESTAMP", "('now'::text)::timestamp without time zone"),
             ("timestamp with time zone", "now()", "('now'::text)::timestamp with time zone")]
    with temp_database("mzkeys") as db, psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int)")
        for i, (type_, fn, cast) in enumerate(pairs):
            conn.execute(f"ALTER TABLE t ADD COLUMN a{i} {type_} DEFAULT {fn}, ADD COLUMN b{i} {type_} DEFAULT {cast}")
            stored = conn.execute(
                "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = "
                "d.adrelid AND a.attnum = d.adnum WHERE a.attname IN (%s, %s) ORDER BY a.attname",
                (f"a{i}", f"b{i}")).fetchall()
            keys = {default_key(d, type_) for d in (fn, cast, stored[0][0], stored[1][0])}
            assert len(keys) == 1, (stored, keys)
    # the literal 'now'::date is the day the default was made: another default
    assert default_key("'now'::date", "date") != default_key("CURRENT_DATE", "date")


ORDERED_VIEWS = [  # portabase's materialized views: ORDER BY an output column's name, ASC written out
    "SELECT date_trunc('day', at) AS period, count(*) AS n FROM audit.events GROUP BY date_trunc('day', at) "
    "ORDER BY period ASC",
    "SELECT l.id, sum(l.n) AS total FROM locations l JOIN audit.events e ON e.id = l.id GROUP BY l.id "
    "ORDER BY total DESC NULLS FIRST, l.id ASC NULLS LAST",
    "SELECT id, n * 2 AS twice FROM locations ORDER BY 2 DESC, 1",
    "SELECT n AS id FROM locations ORDER BY id",  # an output name wins over the input column in ORDER BY
]


def test_a_views_order_by_an_output_name_and_by_the_expression_get_one_key(pg_available: bool) -> None:
    """PostgreSQL resolves ORDER BY's bare name (or position) to the output column and prints its expression, and
    drops the default ASC / NULLS LAST: portabase's `ORDER BY total_bytes DESC` is stored `ORDER BY
    sum(b.file_size) DESC`, and `generate --check` after `pull` found its four materialized views changed."""
    with temp_database("mzkeys") as db, psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA audit")
        conn.execute("CREATE TABLE locations (id int PRIMARY KEY, n numeric)")
        conn.execute("CREATE TABLE audit.events (id int, at timestamptz)")
        for i, view in enumerate(ORDERED_VIEWS):
            conn.execute(f"CREATE MATERIALIZED VIEW mv{i} AS ({view})")
            stored = conn.execute("SELECT pg_get_viewdef(%s::regclass)", (f"mv{i}",)).fetchone()[0]
            assert query_key(view) == query_key(stored), (view, stored)
    # what differs still differs
    assert query_key("SELECT id, n AS m FROM locations ORDER BY m") != query_key("SELECT id, n AS m FROM locations "
                                                                                 "ORDER BY id")
    assert query_key("SELECT id FROM locations ORDER BY id DESC") != query_key("SELECT id FROM locations ORDER BY id")
    assert query_key("SELECT id FROM locations ORDER BY id NULLS FIRST") != query_key("SELECT id FROM locations "
                                                                                      "ORDER BY id")


# arize-phoenix's models: a generated column reading a JSON path written as a text literal with spaces; the server
# casts the path to text[] and stores it as the array's output (`'{metadata,phoenix,isCompactionMessage}'::text[]`)
JSON_PATHS = [
    "coalesce(CAST(message #>> '{metadata, phoenix, isCompactionMessage}' AS BOOLEAN), false)",
    r"""message #> '{ a , "b c", "d\"e" }'""",
    "message #- '{x,  0}'",
    "message ?| '{a, b}'",
    "message ?& '{ \"NULL\", \"\" }'",
]


def test_a_json_path_literal_and_the_array_the_server_stores_get_one_key(pg_available: bool) -> None:
    with temp_database("mzkeys") as db, psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CREATE TABLE m (message jsonb)")
        for i, expr in enumerate(JSON_PATHS):
            kind = "boolean" if expr.startswith(("coalesce", "message ?")) else "jsonb"
            conn.execute(f"ALTER TABLE m ADD COLUMN g{i} {kind} GENERATED ALWAYS AS ({expr}) STORED")
            stored = conn.execute("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
                                  "ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE a.attname = %s",
                                  (f"g{i}",)).fetchone()[0]
            assert expression_key(expr) == expression_key(stored), (expr, stored)
    # a path that differs is another key
    assert expression_key("message #>> '{a,b}'") != expression_key("message #>> '{a,c}'")
    assert expression_key("message #>> '{a,b}'") != expression_key("message #>> '{\"a,b\"}'")

"""A function's planner attributes (COST, ROWS, LEAKPROOF, beside STRICT, volatility, PARALLEL, SECURITY DEFINER
and SET) and the comments of views, materialized views, functions, procedures, triggers, domains and composite
types, indexes, constraints and enums (issue 16, issue 17 item 11: never silent) on a real server: a database
made by SQL is pulled, the module gives `generate --check` nothing to do and rebuilds the same database
(`pg_dump -s`); a comment mizzle does not model (a sequence's) is named in pull's list of what it leaves alone. A changed attribute is replaced in
place and a changed comment set by COMMENT ON, nothing made again."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from pg_project import fresh_config, write_project
from pgtools import schema_dump, temp_database

import mizzle
from mizzle.commands.drift import drift_for_config
from mizzle.commands.generate import export, generate
from mizzle.commands.pull import pull
from mizzle.config import load_config
from mizzle.migrations.folder import split_statements

pytestmark = pytest.mark.pg

SETUP = [
    "CREATE DOMAIN qty AS integer CHECK (VALUE > 0)",
    "COMMENT ON DOMAIN qty IS 'a positive count'",
    "CREATE TYPE pair AS (a int, b text)",
    "COMMENT ON TYPE pair IS 'two things'",
    "CREATE TYPE mood AS ENUM ('sad', 'happy')",
    "CREATE TABLE t (id serial PRIMARY KEY, name text, updated_at timestamptz, m mood)",
    "CREATE INDEX t_name ON t (name)",
    "COMMENT ON INDEX t_name IS 'by name'",
    "COMMENT ON CONSTRAINT t_pkey ON t IS 'the key'",
    "COMMENT ON TYPE mood IS 'feelings'",
    "CREATE TABLE u (id int CONSTRAINT u_pos CHECK (id > 0) CONSTRAINT u_t REFERENCES t (id), "
    "v int CONSTRAINT u_one UNIQUE, CONSTRAINT u_key PRIMARY KEY (id))",
    "COMMENT ON CONSTRAINT u_one ON u IS 'one each'",
    "COMMENT ON INDEX u_one IS 'the unique''s index'",
    "COMMENT ON CONSTRAINT u_pos ON u IS 'positive'",
    "COMMENT ON CONSTRAINT u_t ON u IS 'a t'",
    "COMMENT ON CONSTRAINT u_key ON u IS 'named key'",
    "CREATE TABLE booking (room int, during int4range, CONSTRAINT booking_no_overlap EXCLUDE USING gist "
    "(during WITH &&))",
    "COMMENT ON CONSTRAINT booking_no_overlap ON booking IS 'one booking at a time'",
    "COMMENT ON INDEX booking_no_overlap IS 'the exclusion''s index'",
    "CREATE FUNCTION same(a int) RETURNS int LANGUAGE sql IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE COST 5 "
    "AS 'SELECT a'",
    "COMMENT ON FUNCTION same(int) IS 'it''s the same'",
    "CREATE FUNCTION ids() RETURNS SETOF int LANGUAGE sql STABLE ROWS 10 COST 50 AS 'SELECT id FROM t'",
    "CREATE FUNCTION half() RETURNS int LANGUAGE sql COST 0.5 AS 'SELECT 1'",
    "CREATE FUNCTION secure() RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp "
    "AS $$BEGIN END$$",
    "CREATE PROCEDURE noop() LANGUAGE plpgsql AS $$BEGIN END$$",
    "COMMENT ON PROCEDURE noop() IS 'does nothing'",
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.updated_at := now(); RETURN NEW; END$$",
    "CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch()",
    "COMMENT ON TRIGGER t_touch ON t IS 'keeps updated_at'",
    "CREATE VIEW v AS SELECT id, name FROM t",
    "COMMENT ON VIEW v IS 'all of t'",
    "CREATE MATERIALIZED VIEW mv AS SELECT id FROM t",
    "COMMENT ON MATERIALIZED VIEW mv IS 'ids'",
]
# comments mizzle does not model: named in pull's warnings, not rebuilt
UNMODELLED = ["CREATE SEQUENCE s", "COMMENT ON SEQUENCE s IS 'counter'"]


def _run(url: str, statements: list[str]) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        for sql in statements:
            c.execute(sql)


def test_pull_keeps_function_attributes_and_comments(tmp_path: Path) -> None:
    with temp_database("mzobjattr") as src, temp_database("mzobjattr2") as dst:
        _run(src, SETUP + UNMODELLED)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        result = pull(load_config(tmp_path / "mizzle.toml"), src, mark=False)
        comments = [w for w in result.unmanaged if " comments: " in w]
        assert len(comments) == 1, result.unmanaged
        assert "sequence s" in comments[0] and "t_name" not in comments[0], comments[0]
        text = result.schema_path.read_text()
        for declared in ('info={"mizzle": {"comment": "by name"}}', 'comment="the key"', 'comment="one each"',
                         '"enum_comments": {"mood": "feelings"}', 'comment="a t"', 'comment="named key"',
                         '"comment": "one booking at a time"', '"index_comment": "the exclusion\'s index"'):
            assert declared in text, (declared, text)
        assert "cost=5" in text and "rows=10" in text and "cost=0.5" in text and "leakproof=True" in text
        for name in [n for n, m in sys.modules.items() if getattr(m, "__file__", None) == str(result.schema_path)]:
            del sys.modules[name]
        cfg = load_config(tmp_path / "mizzle.toml")
        again = generate(cfg, check=True)
        assert again.changes == [], [c.describe() for c in again.changes]
        _run(dst, [st.sql for st in split_statements(export(cfg))] + UNMODELLED[1:])
        assert schema_dump(dst) == schema_dump(src)


STEP1 = '''
import sqlalchemy as sa
from mizzle.pg import Domain, Function, Trigger, View

metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("at", sa.DateTime))
qty = Domain("qty", "int", check="VALUE > 0", comment="a count")
same = Function("same", "SELECT a", args="a int", returns="int", language="sql", volatility="immutable")
ids = Function("ids", "SELECT id FROM t", returns="SETOF integer", language="sql", volatility="stable")
touch = Function("touch", "BEGIN NEW.at := now(); RETURN NEW; END", returns="trigger")
t_touch = Trigger("t_touch", t, touch)
v = View("v", "SELECT id FROM t", comment="first")
'''

STEP2 = STEP1.replace('volatility="immutable")', 'volatility="immutable", cost=7, leakproof=True, '
                      'comment="identity")') \
    .replace('volatility="stable")', 'volatility="stable", rows=20, cost=100)') \
    .replace('t_touch = Trigger("t_touch", t, touch)', 't_touch = Trigger("t_touch", t, touch, comment="stamps")') \
    .replace('comment="first"', 'comment="second"').replace(', comment="a count"', '')


def _in_steps(root: Path, url: str, sources: tuple[str, ...],
              after_first: Callable[[], object] | None = None) -> str:
    """Each schema source generated and migrated in turn, `generate --check` clean after each (`after_first` run once
    the first is applied); the last migration's SQL."""
    sql = ""
    for n, source in enumerate(sources, 1):
        write_project(root, source)
        result = generate(fresh_config(root), name=f"step{n}")
        sql = result.sql_path.read_text()
        mizzle.migrate(url=url, folder=root / "migrations")
        again = generate(fresh_config(root), check=True)
        assert again.changes == [], [c.describe() for c in again.changes]
        if n == 1 and after_first is not None:
            after_first()
    return sql


def test_changed_attributes_replace_and_comments_set_in_place(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    with temp_database("mzobjattr3") as url:
        sql = _in_steps(root, url, (STEP1, STEP2))
        assert 'COMMENT ON VIEW "public"."v" IS \'first\'' not in sql
        for want in ('CREATE OR REPLACE FUNCTION "public"."same"(a int)', "LEAKPROOF", "COST 7", "ROWS 20",
                     'COMMENT ON VIEW "public"."v" IS \'second\'', 'COMMENT ON DOMAIN "public"."qty" IS NULL',
                     'COMMENT ON TRIGGER "t_touch" ON "public"."t" IS \'stamps\'',
                     'COMMENT ON FUNCTION "public"."same"(a int) IS \'identity\''):
            assert want in sql, (want, sql)
        assert "DROP" not in sql, sql
        with psycopg.connect(url) as c:
            row = c.execute("SELECT procost, proleakproof, obj_description(oid, 'pg_proc') FROM pg_proc "
                            "WHERE proname = 'same'").fetchone()
            assert row == (7, True, "identity")
            assert c.execute("SELECT prorows, procost FROM pg_proc WHERE proname = 'ids'").fetchone() == (20, 100)
            assert c.execute("SELECT obj_description('v'::regclass, 'pg_class'), "
                             "obj_description('qty'::regtype, 'pg_type')").fetchone() == ("second", None)
        assert not drift_for_config(fresh_config(root), url).drifted
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("COMMENT ON VIEW v IS 'by hand'")
            c.execute("ALTER FUNCTION ids() COST 9")
        d = drift_for_config(fresh_config(root), url)
        assert sorted(d.changes) == ["~ comment on view v: 'second' → 'by hand'", "~ function ids(): cost none → 9.0"]


RENAME1 = '''
import sqlalchemy as sa
from mizzle.pg import Function, Procedure, Trigger

metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("at", sa.DateTime))
touch = Function("touch", "BEGIN NEW.at := now(); RETURN NEW; END", returns="trigger", comment="stamps")
same = Function("same", "SELECT a", args="a int", returns="int", language="sql")
noop = Procedure("noop", "BEGIN NULL; END")
t_touch = Trigger("t_touch", t, touch, comment="on update")
'''

# each renamed; `same` gets a new body too (renamed, then replaced); the trigger follows its function's new name
RENAME2 = RENAME1.replace('Function("touch", ', 'Function("stamp", renamed_from="touch", body=') \
    .replace('Function("same", "SELECT a"', 'Function("same2", "SELECT a + 0", renamed_from="same"') \
    .replace('Procedure("noop", ', 'Procedure("nothing", renamed_from="noop", body=') \
    .replace('Trigger("t_touch", ', 'Trigger("t_stamp", renamed_from="t_touch", table=') \
    .replace('table=t, touch,', 'table=t, function=touch,')


def test_functions_procedures_and_triggers_renamed_in_place(tmp_path: Path) -> None:
    from mizzle.dialects.postgres.objects_idempotent import rerunnable

    root = tmp_path / "proj"
    with temp_database("mzobjren") as url:
        sql = _in_steps(root, url, (RENAME1, RENAME2))
        renames = ['ALTER FUNCTION "public"."touch"() RENAME TO "stamp"',
                   'ALTER FUNCTION "public"."same"(a int) RENAME TO "same2"',
                   'ALTER PROCEDURE "public"."noop"() RENAME TO "nothing"',
                   'ALTER TRIGGER "t_touch" ON "public"."t" RENAME TO "t_stamp"']
        for want in renames:
            assert want in sql, (want, sql)
        assert 'CREATE OR REPLACE FUNCTION "public"."same2"(a int)' in sql
        assert "DROP" not in sql and "COMMENT" not in sql, sql
        with psycopg.connect(url, autocommit=True) as c:
            assert c.execute("SELECT obj_description('stamp'::regproc, 'pg_proc'), obj_description(oid, 'pg_trigger') "
                             "FROM pg_trigger WHERE tgname = 't_stamp'").fetchone() == ("stamps", "on update")
            for st in renames:  # generate --idempotent's form: runs again once the rename is done
                c.execute(rerunnable(st))


def test_a_trigger_follows_its_renamed_function_into_the_snapshot(tmp_path: Path) -> None:
    """immich's updated_at() renamed (`renamed_from`) under the twenty triggers calling it, which keep their names:
    the migration renamed the function and the triggers followed it on the server, but the new snapshot kept the
    previous one's triggers, still calling the old name, so drift then reported each trigger as changed."""
    root = tmp_path / "proj"
    renamed = RENAME1.replace('Function("touch", ', 'Function("stamp", renamed_from="touch", body=')
    with temp_database("mzobjfollow") as url:
        for n, source in enumerate((RENAME1, renamed), 1):
            write_project(root, source)
            generate(fresh_config(root), name=f"step{n}")
            mizzle.migrate(url=url, folder=root / "migrations")
        assert generate(fresh_config(root), check=True).changes == []
        d = drift_for_config(fresh_config(root), url)
        assert not d.drifted, d.changes


def test_comments_on_a_composite_types_attributes_are_named_not_managed(tmp_path: Path) -> None:
    # postgraphile's kitchen-sink schema: `comment on column polymorphic.applications.id is '@notNull'`, on a
    # composite type's attribute. The listing left composite types' columns out (their pg_class row depends on
    # their type, read as "part of another object"), so pull dropped the comments without a word
    with temp_database("mzobjattr") as src:
        _run(src, ["CREATE TYPE pair AS (a int, b text)", "COMMENT ON COLUMN pair.a IS '@notNull'",
                   "COMMENT ON TYPE pair IS 'kept'"])
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        result = pull(load_config(tmp_path / "mizzle.toml"), src, mark=False)
        comments = [w for w in result.unmanaged if " comments: " in w]
        assert comments and "column a of composite type pair" in comments[0], result.unmanaged


DEFAULTS1 = '''
import sqlalchemy as sa
from mizzle.pg import Function

metadata = sa.MetaData()
stamp = Function("stamp", "SELECT ts + make_interval(secs => n)", args="n int, ts timestamptz DEFAULT clock_timestamp()",
                 returns="timestamptz", language="sql", volatility="volatile")
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("stamp(0)")))
'''

# only the defaults change (one changed, one added before it): PostgreSQL replaces the function in place
DEFAULTS2 = DEFAULTS1.replace("DEFAULT clock_timestamp()", "DEFAULT now()").replace('"n int,', '"n int DEFAULT 0,')


def test_a_function_whose_argument_defaults_change_is_replaced_in_place(tmp_path: Path) -> None:
    """immich: an argument's default changed (clock_timestamp() → now()) dropped the function and made it again,
    with every column default calling it dropped and set again, and its grants lost."""
    root = tmp_path / "proj"
    with temp_database("mzobjdefaults") as url:
        sql = _in_steps(root, url, (DEFAULTS1, DEFAULTS2), after_first=lambda: _run(url, [
            "GRANT EXECUTE ON FUNCTION stamp(int, timestamptz) TO PUBLIC",
            "REVOKE EXECUTE ON FUNCTION stamp(int, timestamptz) FROM PUBLIC"]))
        assert 'CREATE OR REPLACE FUNCTION "public"."stamp"(n int DEFAULT 0, ts timestamptz DEFAULT now())' in sql
        assert "DROP" not in sql and "ALTER TABLE" not in sql, sql
        with psycopg.connect(url) as c:
            row = c.execute("SELECT proacl IS NOT NULL, pg_get_function_arguments(oid) FROM pg_proc "
                            "WHERE proname = 'stamp'").fetchone()
            assert row == (True, "n integer DEFAULT 0, ts timestamp with time zone DEFAULT now()")
            assert c.execute("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef "
                             "WHERE adrelid = 't'::regclass AND adnum = 2").fetchone() == ("stamp(0)",)
        assert not drift_for_config(fresh_config(root), url).drifted
        _run(url, ["CREATE OR REPLACE FUNCTION stamp(n int DEFAULT 1, ts timestamptz DEFAULT now()) RETURNS timestamptz "
                   "LANGUAGE sql AS 'SELECT ts + make_interval(secs => n)'"])
        d = drift_for_config(fresh_config(root), url)  # a default changed by hand: one line naming both
        assert d.changes == ["~ function stamp(n integer DEFAULT 1, ts timestamp with time zone DEFAULT now()): "
                             "args n integer DEFAULT 0, ts timestamp with time zone DEFAULT now() → "
                             "n integer DEFAULT 1, ts timestamp with time zone DEFAULT now()"], d.changes

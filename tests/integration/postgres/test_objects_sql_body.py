"""Functions and procedures with a SQL-standard body (PostgreSQL 14+: `RETURN expr`, `BEGIN ATOMIC … END`;
pg-schema-diff's cases) on a real server: declared as a `Function` / `Procedure` whose body starts `RETURN ` or
`BEGIN ATOMIC`, made, replaced, made again around a column they read being dropped (PostgreSQL records what such a
body reads), made after a table they read and dropped before it, with `generate --check`, `drift` and `verify`
clean at each step (the server's deparsed body `RETURN (a + b)` is the declared `RETURN a + b`); made by hand,
pulled, and the module rebuilds the same database (`pg_dump -s`)."""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest
from pg_project import assert_clean, fresh_config, write_project
from pgtools import schema_dump, temp_database, url_for

import mizzle
from mizzle.commands.generate import export, generate
from mizzle.commands.pull import pull
from mizzle.config import load_config
from mizzle.migrations.folder import split_statements
from mizzle.pg import Function, Procedure

pytestmark = pytest.mark.pg
SERVER = url_for("postgres")

STEP1 = '''
import sqlalchemy as sa
from mizzle.pg import Function, Procedure, View

metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer),
             sa.Column("extra", sa.Integer))
add = Function("add", "RETURN a + b", args="a int, b int", returns="int", volatility="immutable")
cnt = Function("cnt", """BEGIN ATOMIC
    SELECT count(*) FROM t WHERE n > 0;
END""", returns="bigint", volatility="stable")
ins = Procedure("ins", "BEGIN ATOMIC INSERT INTO t (id, n) VALUES (x, x); END;", args="x int")
top = Function("top", "RETURN (SELECT max(extra) FROM t)", returns="int", comment="the most")
a_outer = Function("a_outer", "RETURN add(x, 1) + coalesce(top(), 0)", args="x int", returns="int")
tops = View("tops", "SELECT top() AS m")
'''
# add's body changes (replaced); t.extra is dropped: top, which read it, and a_outer, which calls top, are dropped
# before and made again after (a_outer after add and top, which it calls, each time; dropped before them), and
# the view tops, which calls top, with them;
# a new table u and a function reading it, made after it
STEP2 = STEP1.replace('"RETURN a + b"', '"RETURN a + b + 1"') \
    .replace(',\n             sa.Column("extra", sa.Integer))', ')') \
    .replace("max(extra)", "max(n)") + '''
u = sa.Table("u", metadata, sa.Column("id", sa.Integer, primary_key=True))
u_count = Function("u_count", "RETURN (SELECT count(*) FROM u)", returns="bigint")
'''
# every function dropped, and u with them (u_count, which reads u, first)
STEP3 = STEP1.split("add = ")[0].replace(',\n             sa.Column("extra", sa.Integer))', ')')


def _clean(root: Path, url: str) -> None:
    assert_clean(fresh_config(root), url, SERVER)


def test_sql_standard_bodies_created_changed_dropped(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    with temp_database("mzsqlbody") as url:
        sqls = []
        for n, source in enumerate((STEP1, STEP2, STEP3), 1):
            write_project(root, source)
            sqls.append(generate(fresh_config(root), name=f"step{n}").sql_path.read_text())
            mizzle.migrate(url=url, folder=root / "migrations")
            _clean(root, url)
            with psycopg.connect(url) as c:
                if n == 1:
                    c.execute("CALL ins(3)")
                    assert c.execute("SELECT add(1, 2), cnt(), top(), a_outer(1)").fetchone() == (3, 1, None, 2)
                    assert c.execute("SELECT count(*) FROM pg_proc WHERE prosqlbody IS NOT NULL "
                                     "AND pronamespace = 'public'::regnamespace").fetchone() == (5,)
                if n == 2:
                    assert c.execute("SELECT add(1, 2), u_count(), a_outer(1)").fetchone() == (4, 0, 6)
                    assert c.execute("SELECT obj_description('top'::regproc, 'pg_proc')").fetchone() == ("the most",)
                if n == 3:
                    assert c.execute("SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
                                     ).fetchone() == (0,)
        assert 'RETURNS int\nLANGUAGE sql\nIMMUTABLE\nRETURN a + b' in sqls[0], sqls[0]
        assert "$$" not in "".join(sqls)
        assert 'CREATE OR REPLACE FUNCTION "public"."add"' in sqls[1], sqls[1]
        step2 = sqls[1]
        assert step2.index('DROP FUNCTION "public"."top"') < step2.index('DROP COLUMN "extra"') \
            < step2.index('CREATE FUNCTION "public"."top"'), step2
        assert step2.index('CREATE TABLE "public"."u"') < step2.index('CREATE FUNCTION "public"."u_count"'), step2
        assert step2.index('DROP FUNCTION "public"."a_outer"') < step2.index('DROP FUNCTION "public"."top"'), step2
        assert step2.index('CREATE FUNCTION "public"."top"') < step2.index('CREATE FUNCTION "public"."a_outer"')
        assert sqls[0].index('CREATE FUNCTION "public"."top"') < sqls[0].index('CREATE FUNCTION "public"."a_outer"')
        assert step2.index('DROP VIEW "public"."tops"') < step2.index('DROP FUNCTION "public"."top"') \
            < step2.index('CREATE FUNCTION "public"."top"') < step2.index('CREATE VIEW "public"."tops"'), step2
        step3 = sqls[2]
        assert step3.index('DROP FUNCTION "public"."a_outer"') < step3.index('DROP FUNCTION "public"."add"'), step3
        assert step3.index('DROP FUNCTION "public"."u_count"') < step3.index('DROP TABLE "public"."u"'), step3


SETUP = [
    "CREATE TABLE t (id int PRIMARY KEY, n int)",
    "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE RETURN a + b",
    "CREATE FUNCTION cnt(m int DEFAULT 0) RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC "
    "SELECT count(*) FROM t WHERE n > m; END",
    "CREATE FUNCTION two() RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT n FROM t; END",
    "CREATE PROCEDURE ins(x int) LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (x, add(x, 1)); "
    "DELETE FROM t WHERE n < 0; END",
    "COMMENT ON PROCEDURE ins(int) IS 'adds'",
]


def test_sql_standard_bodies_pulled_rebuild_the_database(tmp_path: Path) -> None:
    with temp_database("mzsqlbodyp") as src, temp_database("mzsqlbodyp2") as dst:
        with psycopg.connect(src, autocommit=True) as c:
            for sql in SETUP:
                c.execute(sql)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        result = pull(load_config(tmp_path / "mizzle.toml"), src, mark=False)
        assert not [w for w in result.warnings if w.startswith("not pulled")], result.warnings
        text = result.schema_path.read_text()
        assert "'RETURN (a + b)'" in text and "BEGIN ATOMIC" in text and "language=" not in text, text
        for name in [n for n, m in sys.modules.items() if getattr(m, "__file__", None) == str(result.schema_path)]:
            del sys.modules[name]
        cfg = load_config(tmp_path / "mizzle.toml")
        again = generate(cfg, check=True)
        assert again.changes == [], [c.describe() for c in again.changes]
        with psycopg.connect(dst, autocommit=True) as c:
            for st in split_statements(export(cfg)):
                c.execute(st.sql)
        assert schema_dump(dst) == schema_dump(src)


def test_sql_standard_body_language() -> None:
    assert Function("f", "RETURN 1", returns="int").to_model().language == "sql"
    assert Procedure("p", " begin atomic select 1; end; ").to_model().body == "begin atomic select 1; end"
    assert Function("g", "BEGIN RETURN 1; END", returns="int").to_model().language == "plpgsql"
    with pytest.raises(ValueError, match="function f: a SQL-standard body"):
        Function("f", "RETURN 1", returns="int", language="plpgsql")

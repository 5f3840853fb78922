"""Objects beyond tables (issue 16, part 2) on a real server: views and materialized views (with indexes and
options), functions and procedures, triggers, domains, composite types — created, changed (in place where
PostgreSQL allows it, dropped and made again otherwise), renamed and dropped through `generate`; after each
step the migration applies, `generate --check`, `drift` and `verify` are clean; a view over a column whose
type changes is dropped before and made again after; `pull` then `export` rebuilds the same database."""

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

pytestmark = pg = pytest.mark.pg
SERVER = url_for("postgres")

HEAD = '''
import sqlalchemy as sa
from mizzle.pg import CompositeType, Domain, Function, Procedure, Trigger, View, ViewIndex

metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
                 sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
                 sa.Column("updated_at", sa.DateTime(timezone=True)))
orders = sa.Table("orders", metadata, sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("user_id", sa.Integer, nullable=False), sa.Column("amount", sa.{amount}, nullable=False))
'''

STEP1 = HEAD.format(amount="Integer") + '''
qty = Domain("qty", "int", check="VALUE > 0")
pair = CompositeType("pair", {"a": "int", "b": "text"})
touch = Function("touch", "BEGIN NEW.updated_at := now(); RETURN NEW; END", returns="trigger")
add_one = Function("add_one", "SELECT x + 1", args="x int", returns="int", language="sql", volatility="immutable")
noop = Procedure("noop", "BEGIN NULL; END")
users_touch = Trigger("users_touch", users, touch, events=("UPDATE",))
named = Trigger("users_named", users, touch, events="update of name", when="new.name is distinct from old.name")
active = View("active_users", sa.select(users.c.id, users.c.name).where(users.c.active),
              with_={"securityBarrier": True})
big = View("big_orders", "select id, amount from orders where amount > 100")
totals = View("order_totals", "SELECT user_id, sum(amount) AS total FROM orders GROUP BY user_id",
              materialized=True, indexes=[ViewIndex("order_totals_user", "user_id", unique=True)],
              with_={"fillfactor": 70}, with_no_data=True)
'''

# every kind changed; orders.amount retyped under big_orders and order_totals, whose queries stay
STEP2 = HEAD.format(amount="BigInteger") + '''
qty = Domain("qty", "int", check="VALUE >= 0", default="1", not_null=True)
pair = CompositeType("pair", {"a": "int", "b": "text", "c": "boolean"})
touch = Function("touch", "BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END", returns="trigger")
add_one = Function("add_one", "SELECT x + 1", args="x bigint", returns="bigint", language="sql",
                   volatility="immutable")
noop = Procedure("noop", "BEGIN PERFORM 1; END")
users_touch = Trigger("users_touch", users, touch, events=("INSERT", "UPDATE"))
active = View("active_users", sa.select(users.c.id, users.c.name, users.c.updated_at).where(users.c.active),
              with_={"securityBarrier": True})
big = View("big_orders", "select id, amount from orders where amount > 100")
totals = View("order_totals", "SELECT user_id, sum(amount) AS total FROM orders GROUP BY user_id",
              materialized=True, indexes=[ViewIndex("order_totals_user", "user_id", unique=True),
                                          ViewIndex("order_totals_total", "total DESC")])
'''

# a view renamed (ALTER VIEW … RENAME), the rest kept
STEP3 = STEP2.replace('active = View("active_users",', 'active = View("live_users", renamed_from="active_users", query=') \
    .replace('query=sa.select', 'query=sa.select')

STEP4 = HEAD.format(amount="BigInteger")  # every object dropped

STEPS = [STEP1, STEP2, STEP3, STEP4]


def _clean(cfg, url: str) -> None:  # type: ignore[no-untyped-def]
    assert_clean(cfg, url, SERVER)


@pg
def test_every_kind_created_changed_renamed_dropped(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    with temp_database("mzobj") as url:
        sqls = []
        for n, source in enumerate(STEPS, 1):
            write_project(root, source)
            cfg = fresh_config(root)
            result = generate(cfg, name=f"step{n}")
            assert result.changes, f"step {n}: no changes"
            sqls.append(result.sql_path.read_text())
            mizzle.migrate(url=url, folder=root / "migrations")
            _clean(fresh_config(root), url)
        step2 = sqls[1]
        # in place where PostgreSQL allows it
        assert 'CREATE OR REPLACE FUNCTION "public"."touch"()' in step2
        assert 'CREATE OR REPLACE VIEW "public"."active_users"' in step2
        assert 'ALTER DOMAIN "public"."qty" SET DEFAULT 1' in step2
        assert 'ALTER TYPE "public"."pair" ADD ATTRIBUTE "c" boolean' in step2
        # the view over the retyped column: dropped first, made again after
        drop_at = step2.index('DROP VIEW "public"."big_orders"')
        alter_at = step2.index('ALTER TABLE "public"."orders" ALTER COLUMN "amount" SET DATA TYPE bigint')
        create_at = step2.index('CREATE VIEW "public"."big_orders"')
        assert drop_at < alter_at < create_at
        assert 'ALTER VIEW "public"."active_users" RENAME TO "live_users"' in sqls[2]
        with psycopg.connect(url) as c:
            left = c.execute("SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace").fetchone()
        assert left == (0,)


@pg
def test_pull_then_export_rebuilds_the_database(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_project(root, STEP2)
    cfg = fresh_config(root)
    generate(cfg, name="all")
    with temp_database("mzobjsrc") as src, temp_database("mzobjdst") as dst:
        mizzle.migrate(url=src, folder=root / "migrations")
        pulled = tmp_path / "pulled"
        pulled.mkdir()
        (pulled / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        result = pull(load_config(pulled / "mizzle.toml"), src, mark=False)
        assert result.warnings == []
        text = result.schema_path.read_text()
        assert "View(" in text and "Trigger(" in text and "Domain(" in text and "Procedure(" in text
        for name in [n for n, m in sys.modules.items() if getattr(m, "__file__", None) == str(result.schema_path)]:
            del sys.modules[name]
        sql = export(load_config(pulled / "mizzle.toml"))
        with psycopg.connect(dst, autocommit=True) as c:
            from mizzle.migrations.folder import split_statements

            for st in split_statements(sql):
                c.execute(st.sql)
        assert schema_dump(dst) == schema_dump(src)
        # and the project's own folder adopts the rebuilt database: baseline compares as the server stores them
        from mizzle.runner.recovery import baseline

        adopted = baseline(fresh_config(root), url=dst)
        assert adopted.checked and adopted.marked == ["0000_all"], adopted


@pg
def test_idempotent_files_run_twice(tmp_path: Path) -> None:
    """`generate --idempotent`: every object statement runs again (OR REPLACE, IF [NOT] EXISTS, DO blocks)."""
    from pgtools import apply_sql

    root = tmp_path / "proj"
    with temp_database("mzobjidem") as url:
        for n, source in enumerate(STEPS[:2], 1):
            write_project(root, source)
            result = generate(fresh_config(root), name=f"step{n}", idempotent=True)
            text = result.sql_path.read_text()
            apply_sql(url, text)
            apply_sql(url, text)


@pg
def test_push_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    """`push` compares the code's objects as the server would store them: the views, functions, … it just made
    are not made again (their text differs from what pg_get_viewdef prints)."""
    from mizzle.commands.push import push

    root = tmp_path / "proj"
    with temp_database("mzobjpush") as url:
        for source in STEPS[:2]:
            write_project(root, source)
            assert push(fresh_config(root), url=url).applied
            assert push(fresh_config(root), url=url).changes == []


def test_a_materialized_view_made_with_no_data_is_pulled_so(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL's regression tests (matview.sql: `CREATE MATERIALIZED VIEW mvtest_error AS SELECT 1/0 AS x WITH NO
    DATA`): pull wrote it without with_no_data, so the baseline ran its query and failed on a new database
    ("division by zero"), and a rebuild filled the views the source holds unpopulated."""
    with temp_database("mzview") as source, temp_database("mzview") as rebuilt:
        with psycopg.connect(source, autocommit=True) as c:
            for s in ["CREATE MATERIALIZED VIEW mvtest_error AS SELECT 1/0 AS x WITH NO DATA",
                      "CREATE MATERIALIZED VIEW mv_nodata AS SELECT 1 AS x WITH NO DATA",
                      "CREATE MATERIALIZED VIEW mv_data AS SELECT 1 AS x"]:
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0 and "warning" not in r.stdout + r.stderr, r.stdout + r.stderr
        code = (tmp_path / "db" / "schema.py").read_text()
        assert code.count("with_no_data=True") == 2, code
        assert run_mizzle(["generate", "--check"], cwd=tmp_path, url=source).code == 0
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        assert d.code == 0, d.stdout + d.stderr
        m = run_mizzle(["migrate"], cwd=tmp_path, url=rebuilt)
        assert m.code == 0, m.stdout + m.stderr
        populated = "SELECT relname, relispopulated FROM pg_class WHERE relkind = 'm' ORDER BY 1"
        with psycopg.connect(source) as a, psycopg.connect(rebuilt) as b:
            assert a.execute(populated).fetchall() == b.execute(populated).fetchall()

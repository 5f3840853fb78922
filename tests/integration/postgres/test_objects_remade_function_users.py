"""A function dropped and made again (its result type changes, which CREATE OR REPLACE cannot do) while an index
or a CHECK of a table that stays calls it: PostgreSQL refuses the DROP FUNCTION while they depend on it, so they
are dropped before it and made again after. Found on PyPI's warehouse: the index project_name_ultranormalized on
projects calls ultranormalize_name(text); returning varchar instead of text made a migration the server refused
('index project_name_ultranormalized depends on function ultranormalize_name(text)')."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pg_project import assert_clean, fresh_config, write_project
from pgtools import temp_database, url_for

import mizzle
from mizzle.commands.generate import generate

pytestmark = pytest.mark.pg
SERVER = url_for("postgres")

STEP1 = '''
import sqlalchemy as sa
from mizzle.pg import Function

metadata = sa.MetaData()
_KW = dict(args="text", returns="text", language="sql", volatility="immutable", strict=True)
ultranormalize_name = Function("ultranormalize_name", "SELECT lower(regexp_replace($1, '(\\\\.|_|-)', '', 'ig'))",
                               **_KW)
short = Function("short", "SELECT left($1, 3)", **_KW)
projects = sa.Table(
    "projects", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.CheckConstraint("short(name) <> ''", name="projects_valid_name"),
    sa.Index("project_name_ultranormalized", sa.func.ultranormalize_name(sa.column("name"))),
    sa.Index("project_short_name", "id", postgresql_where=sa.text("short(name) = 'abc'")),
)
'''
STEP2 = STEP1.replace('**_KW)', '**{**_KW, "returns": "varchar"})')


def test_an_index_or_check_calling_a_function_made_again_is_made_again_with_it(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    with temp_database("mzremadefn") as url:
        sqls = []
        for n, source in enumerate((STEP1, STEP2), 1):
            write_project(root, source)
            sqls.append(generate(fresh_config(root), name=f"step{n}").sql_path.read_text())
            mizzle.migrate(url=url, folder=root / "migrations")
            assert_clean(fresh_config(root), url, SERVER)
            with psycopg.connect(url) as c:
                if n == 1:
                    c.execute("INSERT INTO projects VALUES (1, 'Foo_Bar')")
                assert c.execute("SELECT pg_get_function_result('ultranormalize_name'::regproc), count(*) "
                                 "FROM projects WHERE ultranormalize_name(name) = 'foobar'").fetchone() \
                    == ("text" if n == 1 else "character varying", 1)
        step2 = sqls[1]
        for drop, made in (('DROP INDEX "public"."project_name_ultranormalized"', 'CREATE INDEX "project_name_ultr'),
                           ('DROP INDEX "public"."project_short_name"', 'CREATE INDEX "project_short_name"'),
                           ('DROP CONSTRAINT "projects_valid_name"', 'ADD CONSTRAINT "projects_valid_name"')):
            assert step2.index(drop) < step2.index('DROP FUNCTION') < step2.index(made), step2


def test_a_default_calling_a_function_made_again_is_set_again_after_it(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    step1 = '''
import sqlalchemy as sa
from mizzle.pg import Function

metadata = sa.MetaData()
new_code = Function("new_code", "SELECT md5(random()::text)", returns="text", language="sql")
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("code", sa.Text, server_default=sa.text("new_code()")))
'''
    with temp_database("mzremadefn") as url:
        for n, source in enumerate((step1, step1.replace('returns="text"', 'returns="varchar"')), 1):
            write_project(root, source)
            generate(fresh_config(root), name=f"step{n}")
            mizzle.migrate(url=url, folder=root / "migrations")
            assert_clean(fresh_config(root), url, SERVER)
        with psycopg.connect(url) as c:
            c.execute("INSERT INTO t (id) VALUES (1)")
            assert c.execute("SELECT length(code) FROM t").fetchone() == (32,)


def test_a_policy_calling_a_function_made_again_is_made_again_after_it(tmp_path: Path) -> None:
    """DROP FUNCTION is refused while a policy's USING calls it ('policy ok_rows on table t depends on function
    is_ok()'): the policy is dropped before and created again after, also where it changes (no ALTER POLICY)."""
    root = tmp_path / "proj"
    step1 = '''
import sqlalchemy as sa
from mizzle.pg import Function, Policy, enable_rls

metadata = sa.MetaData()
is_ok = Function("is_ok", "SELECT true", returns="boolean", language="sql", volatility="stable")
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))
enable_rls(t)
ok_rows = Policy("ok_rows", t, using="is_ok()")
ok_n = Policy("ok_n", t, for_="update", using="is_ok() AND n > 0")
'''
    step2 = step1.replace('"SELECT true", returns', '"SELECT true", args="x int DEFAULT 0", returns') \
        .replace("n > 0", "n > 1")
    with temp_database("mzremadefn") as url:
        sqls = []
        for n, source in enumerate((step1, step2), 1):
            write_project(root, source)
            sqls.append(generate(fresh_config(root), name=f"step{n}").sql_path.read_text())
            mizzle.migrate(url=url, folder=root / "migrations")
            assert_clean(fresh_config(root), url, SERVER)
        for name in ("ok_rows", "ok_n"):
            assert sqls[1].index(f'DROP POLICY "{name}"') < sqls[1].index("DROP FUNCTION") \
                < sqls[1].index(f'CREATE POLICY "{name}"'), sqls[1]

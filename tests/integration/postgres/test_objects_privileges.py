"""Privileges on views, materialized views and columns (issue 16): declared with mizzle.pg's Grant, granted after
the view they name is made (in the same migration too), granted again after a view is dropped and made again
(a column under it retyped), revoked when no longer declared; a table privilege revoked takes the column
privilege along on the server, so one that stays is granted again. After each step `generate --check`, `drift`
and `verify` are clean; `pull` writes them and its baseline rebuilds the same privileges."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pg_project import assert_clean, fresh_config, write_project
from pgtools import admin, drain_drops, temp_database

import mizzle
from mizzle.commands.generate import generate
from mizzle.commands.pull import pull
from mizzle.config import load_config

pytestmark = pytest.mark.pg

HEAD = '''
import sqlalchemy as sa
from mizzle.pg import Grant, Role, Trigger, View

md = sa.MetaData()
reader = Role("{{role}}")
t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.{a}),
             sa.Column("b", sa.Text))
'''

STEPS = {
    # a view and a materialized view made with their grants; column privileges on the table
    1: HEAD.format(a="Integer") + '''
v = View("v", "SELECT id, a FROM t")
mv = View("mv", "SELECT id, a FROM t", materialized=True)
gv = Grant("select", on=v, to=reader)
gmv = Grant("select", view="public.mv", to=reader)
gt = Grant("select", on=t, to=reader)
gc = Grant(["select", "update"], on=t, columns=[t.c.a, "b"], to=reader)
''',
    # t.a retyped under both views: they are dropped and made again, their grants granted again; the table's
    # SELECT revoked (which takes the columns' along): the column privileges are granted again
    2: HEAD.format(a="BigInteger") + '''
v = View("v", "SELECT id, a FROM t")
mv = View("mv", "SELECT id, a FROM t", materialized=True)
gv = Grant(["select", "insert"], on=v, to=reader)
gmv = Grant("select", view="public.mv", to=reader)
gc = Grant(["select", "update"], on=t, columns=[t.c.a, "b"], to=reader)
''',
    # the view's insert and a column's update taken away; the matview's grant with it
    3: HEAD.format(a="BigInteger") + '''
v = View("v", "SELECT id, a FROM t")
mv = View("mv", "SELECT id, a FROM t", materialized=True)
gv = Grant("select", on=v, to=reader)
gc = Grant(["select", "update"], on=t, columns=["a"], to=reader)
gc2 = Grant("select", on=t, columns=["b"], to=reader)
''',
}


def _acl(url: str) -> list[tuple[str, ...]]:
    """(relation, column or '', grantee, privilege) of every grant but the owners'."""
    with psycopg.connect(url) as c:
        return c.execute(
            "SELECT c.relname::text, '', pg_get_userbyid(a.grantee)::text, a.privilege_type FROM pg_class c, "
            "aclexplode(c.relacl) a WHERE c.relname IN ('t', 'v', 'mv') AND a.grantee <> c.relowner UNION ALL "
            "SELECT c.relname::text, att.attname::text, pg_get_userbyid(a.grantee)::text, a.privilege_type "
            "FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid, aclexplode(att.attacl) a "
            "WHERE c.relname IN ('t', 'v', 'mv') AND att.attacl IS NOT NULL ORDER BY 1, 2, 3, 4").fetchall()


EXPECTED = {
    1: [("mv", "", "{role}", "SELECT"), ("t", "", "{role}", "SELECT"), ("t", "a", "{role}", "SELECT"),
        ("t", "a", "{role}", "UPDATE"), ("t", "b", "{role}", "SELECT"), ("t", "b", "{role}", "UPDATE"),
        ("v", "", "{role}", "SELECT")],
    2: [("mv", "", "{role}", "SELECT"), ("t", "a", "{role}", "SELECT"), ("t", "a", "{role}", "UPDATE"),
        ("t", "b", "{role}", "SELECT"), ("t", "b", "{role}", "UPDATE"), ("v", "", "{role}", "INSERT"),
        ("v", "", "{role}", "SELECT")],
    3: [("t", "a", "{role}", "SELECT"), ("t", "a", "{role}", "UPDATE"), ("t", "b", "{role}", "SELECT"),
        ("v", "", "{role}", "SELECT")],
}


@pytest.fixture
def role() -> Iterator[str]:
    name = f"mz_priv_{uuid.uuid4().hex[:8]}"
    yield name
    with admin() as c:
        drain_drops()  # the databases queued for dropping hold grants to it
        c.execute(f'DROP ROLE IF EXISTS "{name}"')


def _clean(root: Path, url: str) -> None:
    assert_clean(fresh_config(root), url)


def test_view_and_column_privileges_through_a_history(tmp_path: Path, role: str) -> None:
    root = tmp_path / "proj"
    with temp_database("mzpriv") as url:
        for n, source in STEPS.items():
            write_project(root, source.replace("{role}", role))
            assert generate(fresh_config(root), name=f"step{n}").written, n
            sql = sorted((root / "migrations").glob("*.sql"))[-1].read_text()
            if n == 1:  # each grant after the CREATE of what it names
                assert sql.index('CREATE VIEW "public"."v"') < sql.index('ON TABLE "public"."v"'), sql
                assert sql.index('CREATE MATERIALIZED VIEW "public"."mv"') < sql.index('ON TABLE "public"."mv"'), sql
                assert f'GRANT SELECT ("a"), UPDATE ("a") ON TABLE "public"."t" TO "{role}"' in sql, sql
            mizzle.migrate(url=url, folder=root / "migrations")
            assert _acl(url) == [tuple(x.replace("{role}", role) for x in row) for row in EXPECTED[n]], n
            _clean(root, url)
        project = tmp_path / "pulled"
        project.mkdir()
        (project / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/pulled_schema.py"]\n'
                                             'out = "migrations"\n')
        result = pull(load_config(project / "mizzle.toml"), url, mark=False)
        text = result.schema_path.read_text()
        assert f'Grant("select", view="public.v", to="{role}")' in text, text
        assert f'Grant(["select", "update"], on=t, columns=["a"], to="{role}")' in text, text
        assert not generate(load_config(project / "mizzle.toml")).written
        with temp_database("mzpriv") as fresh:
            mizzle.migrate(url=fresh, folder=project / "migrations")
            assert _acl(fresh) == _acl(url)


def test_a_grant_on_a_column_or_view_not_declared_is_refused(tmp_path: Path) -> None:
    from mizzle.errors import SchemaLoadError

    root = tmp_path / "proj"
    for bad, message in (('Grant("select", on=t, columns=["nope"], to="public")', "has no column nope"),
                         ('Grant("select", view="public.nope", to="public")', "no view public.nope"),
                         ('Grant("delete", on=t, columns=["a"], to="public")', "not a privilege on a column"),
                         ('Trigger("tr", t, body="SELECT 1;")', "a body is a SQLite trigger's")):
        write_project(root, HEAD.format(a="Integer").replace("{role}", "r") + "g = " + bad + "\n")
        with pytest.raises(SchemaLoadError, match=message):
            generate(fresh_config(root), check=True)

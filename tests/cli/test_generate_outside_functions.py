"""Functions of a schema no migration makes: a Supabase app's models call `auth.uid()` in a column default and in
a policy; `generate` wrote both without a word, and migrate failed on a database without Supabase's `auth` schema
(`schema "auth" does not exist`). `generate` now warns, one line a function, where the schema first calls it; a
function of a schema the migrations make, or of pg_catalog, is not warned of."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.pg

SCHEMA = '''
import sqlalchemy as sa
from mizzle.pg import Policy, enable_rls

metadata = sa.MetaData()
todos = sa.Table("todos", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("owner", sa.Uuid, nullable=False, server_default=sa.text("auth.uid()")),
                 sa.Column("made", sa.DateTime, server_default=sa.text("pg_catalog.now()")),
                 sa.Column("n", sa.Integer, server_default=sa.text("public.one()")){more})
enable_rls(todos)
own = Policy("own_todos", todos, using="(SELECT auth.uid()) = owner AND auth.role() = 'authenticated'")
'''
ONE = '''
from mizzle.pg import Function
one = Function("one", returns="integer", body="SELECT 1", language="sql")
'''


def _warnings(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if "which no migration makes" in ln]


def test_a_default_and_a_policy_calling_auth_functions_are_warned_of(
        tmp_path: Path, run_mizzle: Callable[..., object], pg_url: Callable[..., str]) -> None:
    url = pg_url()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "schema.py").write_text(SCHEMA.format(more="") + ONE, encoding="utf-8")
    (tmp_path / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "drizzle"\n'
                                          f'url = "{url}"\n')
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    warned = _warnings(r.stderr)  # type: ignore[attr-defined]
    assert len(warned) == 2, r.stderr  # type: ignore[attr-defined]
    assert "default of todos.owner, policy own_todos on todos calls auth.uid(), in schema auth" in warned[0], warned
    assert "policy own_todos on todos calls auth.role()" in warned[1], warned
    # what the warning foretells: the server refuses it
    m = run_mizzle(["migrate"], cwd=tmp_path)
    assert m.code == 1 and "auth" in m.stderr, m.stderr  # type: ignore[attr-defined]
    # a second generate (auth.uid() called again, by a new check) says nothing again
    (tmp_path / "app" / "schema.py").write_text(
        SCHEMA.format(more=', sa.CheckConstraint("owner <> auth.uid() OR id > 0", name="c")') + ONE, encoding="utf-8")
    r = run_mizzle(["generate", "--name", "check"], cwd=tmp_path)
    assert r.code == 0 and not _warnings(r.stderr), r.stderr  # type: ignore[attr-defined]


READS = '''
import sqlalchemy as sa
from mizzle.pg import Function, View

metadata = sa.MetaData()
workers = sa.Table("workers", metadata, sa.Column("name", sa.Text, primary_key=True))
ensure = Function("ensure_workers", returns="bigint", language="sql",
                  body="SELECT count(*) FROM workers w JOIN vault.decrypted_secrets s ON s.name = w.name")
now = Function("secret_now", returns="text", body="BEGIN ATOMIC SELECT decrypted_secret FROM vault.decrypted_secrets; END")
names = View("names", "SELECT name FROM workers")
{more}'''


def test_a_view_or_sql_function_reading_a_table_of_a_schema_no_migration_makes_is_warned_of(
        tmp_path: Path, run_mizzle: Callable[..., object], pg_url: Callable[..., str]) -> None:
    # pgflow (pkgs/core/schemas, pulled): ensure_workers, a SQL function, reads vault.decrypted_secrets; generate
    # wrote it without a word and migrate failed where the database has no vault schema ('relation
    # "vault.decrypted_secrets" does not exist': the migration's CREATE FUNCTION checks the body), as it warns of a
    # function such a schema holds
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "schema.py").write_text(READS.format(more=""), encoding="utf-8")
    (tmp_path / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "drizzle"\n'
                                          f'url = "{pg_url()}"\n')
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    warned = [ln for ln in r.stderr.splitlines() if "which no migration makes" in ln]  # type: ignore[attr-defined]
    assert len(warned) == 1, r.stderr  # type: ignore[attr-defined]
    assert ("function ensure_workers, function secret_now reads vault.decrypted_secrets, in schema vault" in warned[0]
            and warned[0].endswith("the statement fails where the database has no such table or view")), warned
    m = run_mizzle(["migrate"], cwd=tmp_path)
    assert m.code == 1 and "vault.decrypted_secrets" in m.stderr, m.stderr  # type: ignore[attr-defined]
    # one warning a table, where it is first read: a view reading it later says nothing again
    (tmp_path / "app" / "schema.py").write_text(READS.format(
        more='secrets = View("secrets", "SELECT name FROM vault.decrypted_secrets")\n'), encoding="utf-8")
    r = run_mizzle(["generate", "--name", "view"], cwd=tmp_path)
    warned = [ln for ln in r.stderr.splitlines() if "which no migration makes" in ln]  # type: ignore[attr-defined]
    assert r.code == 0 and warned == [], r.stderr  # type: ignore[attr-defined]

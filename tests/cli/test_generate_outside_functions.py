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

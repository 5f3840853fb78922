"""A NOT NULL column without a default added to an existing SQLite table: the table rebuild's
`INSERT INTO __new_t(...) SELECT ...` leaves it out, so the migration fails as soon as the table holds a row
(JupyterHub 4 → 6: `roles.managed_by_auth`, `services.timeout`; pgAdmin 7.8 → 9.18: `server.is_adhoc`; Home
Assistant: `statistics_meta.mean_type`). PostgreSQL's lint says so (MZ201); on SQLite `generate` says it, one line a
column. `push` never half-applies it: its one transaction is rolled back."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

BEFORE = '''
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("roles", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(255)))
sa.Table("services", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(255)))
'''
AFTER = '''
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("roles", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(255)),
         sa.Column("managed_by_auth", sa.Boolean, nullable=False),
         sa.Column("flag", sa.Boolean, nullable=False, server_default=sa.false()),
         sa.Column("note", sa.Text))
sa.Table("services", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(255)),
         sa.Column("timeout", sa.Integer, nullable=False),
         sa.Column("n", sa.Integer, sa.Computed("id + 1"), nullable=False))
sa.Table("fresh", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Integer, nullable=False))
'''


def _project(tmp_path: Path, source: str) -> None:
    (tmp_path / "app").mkdir(exist_ok=True)
    (tmp_path / "app" / "schema.py").write_text(source, encoding="utf-8")
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["app/schema.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///db.sqlite"\n')


def test_sqlite_generate_warns_of_a_not_null_column_without_default(tmp_path: Path,
                                                                     run_mizzle: Callable[..., object]) -> None:
    _project(tmp_path, BEFORE)
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0  # type: ignore[attr-defined]
    _project(tmp_path, AFTER)
    r = run_mizzle(["generate", "--name", "two"], cwd=tmp_path)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    warned = [ln for ln in r.stderr.splitlines() if "NOT NULL without a default" in ln]  # type: ignore[attr-defined]
    # a default, a generated column, a nullable one and a new table's column are not named
    assert len(warned) == 2, (r.stderr, r.stdout)  # type: ignore[attr-defined]
    assert "roles.managed_by_auth" in warned[0] and "services.timeout" in warned[1], warned
    assert "fails on a table that holds rows" in warned[0] and "server_default" in warned[0], warned
    assert "nullable" in warned[0] and "backfill" in warned[0], warned


def test_sqlite_push_of_a_not_null_column_without_default_changes_nothing(tmp_path: Path,
                                                                          run_mizzle: Callable[..., object]) -> None:
    _project(tmp_path, BEFORE)
    assert run_mizzle(["push", "--force"], cwd=tmp_path).code == 0  # type: ignore[attr-defined]
    with sqlite3.connect(tmp_path / "db.sqlite") as c:
        c.execute("INSERT INTO roles (name) VALUES ('admin')")
        c.execute("INSERT INTO services (name) VALUES ('s')")
    _project(tmp_path, AFTER)
    r = run_mizzle(["push", "--force"], cwd=tmp_path)
    assert r.code == 1, r.stderr  # type: ignore[attr-defined]
    assert any("roles.managed_by_auth" in ln and "NOT NULL without a default" in ln
               for ln in r.stderr.splitlines()), r.stderr  # type: ignore[attr-defined]
    with sqlite3.connect(tmp_path / "db.sqlite") as c:
        tables = {n for (n,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "fresh" not in tables and not any(n.startswith("__new_") for n in tables), tables
        assert [r[1] for r in c.execute("PRAGMA table_info(roles)")] == ["id", "name"]


NULLABLE = '''
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(255)),
         sa.Column("nick", sa.String(40)), sa.Column("age", sa.Integer))
'''
MADE_NOT_NULL = '''
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("email", sa.String(255), nullable=False),
         sa.Column("nick", sa.String(40), nullable=False, server_default="anon"),
         sa.Column("age", sa.Integer))
'''


def test_sqlite_generate_warns_of_a_column_made_not_null_without_default(tmp_path: Path,
                                                                          run_mizzle: Callable[..., object]) -> None:
    # the rebuild copies the column's NULLs into a NOT NULL column: the migration fails on any such row (a default
    # fills them in: COALESCE); PostgreSQL's lint says it of SET NOT NULL (MZ202)
    _project(tmp_path, NULLABLE)
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0  # type: ignore[attr-defined]
    _project(tmp_path, MADE_NOT_NULL)
    r = run_mizzle(["generate", "--name", "two"], cwd=tmp_path)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    warned = [ln for ln in r.stderr.splitlines() if "becomes NOT NULL" in ln]  # type: ignore[attr-defined]
    assert len(warned) == 1 and "users.email" in warned[0], r.stderr  # type: ignore[attr-defined]
    assert "holds NULL" in warned[0] and "backfill" in warned[0] and "server_default" in warned[0], warned
    assert run_mizzle(["migrate"], cwd=tmp_path).code == 0  # type: ignore[attr-defined]  # no rows: it applies

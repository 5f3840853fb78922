"""revert says, as generate does, that the migration it writes fails on a table holding rows: undoing a migration
that dropped a NOT NULL column with no default adds it back NOT NULL with no default, which SQLite's table rebuild
cannot fill (Airflow 3.1.8 → 3.3.2 dropped team.id; reverting that upgrade on a database with a team failed at
`INSERT INTO __new_team … SELECT` with no word from revert)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_support import write_project

from mizzle.commands.generate import generate
from mizzle.commands.revert import revert
from mizzle.errors import StatementFailed
from mizzle.runner.migrate import migrate

SCHEMA = """
import sqlalchemy as sa
metadata = sa.MetaData()
team = sa.Table("team", metadata, sa.Column("name", sa.String(50), primary_key=True){code})
"""
CODE = ', sa.Column("code", sa.String(32), nullable=False)'


def test_revert_warns_that_re_adding_a_not_null_column_fails_on_rows(tmp_path: Path) -> None:
    generate(write_project(tmp_path, SCHEMA.format(code=CODE)), name="init")
    generate(write_project(tmp_path, SCHEMA.format(code="")), name="drop_code")
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url=url, folder=tmp_path / "migrations")
    with sqlite3.connect(tmp_path / "app.db") as c:
        c.execute("INSERT INTO team (name) VALUES ('t1')")
    _, warnings = revert(write_project(tmp_path, SCHEMA.format(code=CODE)), "0001")
    assert [w for w in warnings if w.startswith("column team.code is added NOT NULL without a default")], warnings
    # what it warns of is so: the revert's rebuild fails on the row
    with pytest.raises(StatementFailed, match="NOT NULL constraint failed: __new_team.code"):
        migrate(url=url, folder=tmp_path / "migrations")

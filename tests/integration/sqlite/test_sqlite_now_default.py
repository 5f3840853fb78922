"""SQLite has no now() function: `DEFAULT (now())` (as letta-ai/letta's Alembic history left on its SQLite
`prompts` and other tables: `server_default=sa.text("now()")`) is accepted by CREATE TABLE but fails every INSERT
that relies on it ("unknown function: now()"). The SQLite dialect read defaults through PostgreSQL's key, where
`now()` and `CURRENT_TIMESTAMP` are one default; so after letta's models moved to `sa.func.now()` (SQLite:
CURRENT_TIMESTAMP), generate found no change and drift no drift, leaving the broken default in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_support import write_project

from mizzle.commands.drift import drift_for_config
from mizzle.commands.generate import generate
from mizzle.runner.migrate import migrate

BEFORE = """
import sqlalchemy as sa
metadata = sa.MetaData()
prompts = sa.Table("prompts", metadata, sa.Column("id", sa.Text, primary_key=True),
                   sa.Column("created_at", sa.DateTime, server_default=sa.text("now()")))
"""

AFTER = BEFORE.replace('sa.text("now()")', "sa.func.now()")


def test_now_function_default_is_not_current_timestamp_on_sqlite(tmp_path: Path) -> None:
    config = write_project(tmp_path, BEFORE)
    generate(config, name="init")
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url=url, folder=tmp_path / "migrations")
    config = write_project(tmp_path, AFTER)
    assert [str(c) for c in drift_for_config(config, url=url).changes] == []  # the db matches its snapshot
    result = generate(config, name="current_timestamp")
    assert result is not None and result.changes, "now() → CURRENT_TIMESTAMP is a change on SQLite"
    migrate(url=url, folder=tmp_path / "migrations")
    with sqlite3.connect(tmp_path / "app.db") as conn:
        conn.execute("INSERT INTO prompts (id) VALUES ('p1')")  # failed: unknown function: now()
        assert conn.execute("SELECT created_at FROM prompts").fetchone()[0] is not None

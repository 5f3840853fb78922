"""On SQLite the tracking tables have no schema: messages name `__drizzle_migrations`, not the configured
PostgreSQL schema (`drizzle.__drizzle_migrations` named a table that does not exist)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mizzle.errors import StatementFailed
from mizzle.runner.migrate import migrate


def test_tracking_table_error_names_the_sqlite_table(tmp_path: Path) -> None:
    folder = tmp_path / "drizzle"
    (folder / "meta").mkdir(parents=True)
    (folder / "meta" / "_journal.json").write_text('{"version": "6", "dialect": "sqlite", "entries": []}')
    db = tmp_path / "app.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE __drizzle_migrations (x integer)")  # not drizzle-orm's table: reading it fails
    conn.close()
    with pytest.raises(StatementFailed) as info:
        migrate(url=f"sqlite:///{db}", folder=folder, tracking_schema="drizzle")
    assert info.value.message.startswith("cannot use the tracking table __drizzle_migrations: "), info.value.message

"""SQLite: a rebuilt snapshot writes CURRENT_TIMESTAMP (CURRENT_DATE, CURRENT_TIME) defaults as the SQL wrote them,
in parentheses or not: PRAGMA table_xinfo drops the parentheses of `DEFAULT (CURRENT_TIMESTAMP)`, and the rebuilt
snapshots of fiberplane/fpx said "CURRENT_TIMESTAMP" where drizzle-kit's (and mizzle's generate) say
"(CURRENT_TIMESTAMP)" — drizzle-kit compares the texts, so its next generate would rebuild the tables."""

from __future__ import annotations

import json
from pathlib import Path

from sqlite_support import write_project

from mizzle.commands.drift import drift_for_config
from mizzle.commands.generate import generate
from mizzle.commands.verify import rebuild_snapshots
from mizzle.migrations.folder import MigrationFolder
from mizzle.runner.migrate import migrate

SCHEMA = """
import sqlalchemy as sa
metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("created", sa.Text, server_default=sa.text("(CURRENT_TIMESTAMP)")),
             sa.Column("day", sa.Text, server_default=sa.text("CURRENT_DATE")),
             sa.Column("low", sa.Text, server_default=sa.text("(lower('X'))")))
"""


def test_rebuilt_current_timestamp_defaults_keep_the_sqls_parentheses(tmp_path: Path) -> None:
    config = write_project(tmp_path, SCHEMA)
    generate(config, name="init")
    path = MigrationFolder(tmp_path / "migrations", "sqlite").migrations()[0].snapshot_path
    assert path is not None
    columns = json.loads(path.read_text())["tables"]["t"]["columns"]
    assert [columns[c]["default"] for c in ("created", "day", "low")] == ["(CURRENT_TIMESTAMP)", "CURRENT_DATE",
                                                                         "(lower('X'))"]
    written = path.read_text()
    path.unlink()
    rebuild_snapshots(config)
    rebuilt = json.loads(path.read_text())
    assert rebuilt["tables"] == json.loads(written)["tables"]
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url=url, folder=tmp_path / "migrations")
    assert drift_for_config(config, url=url).changes == []  # both spellings compare equal to the code's

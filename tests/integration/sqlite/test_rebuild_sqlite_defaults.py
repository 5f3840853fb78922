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
from mizzle.commands.revert import revert
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


LOWER_SCHEMA = """
import sqlalchemy as sa
metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("created", sa.Text, nullable=False, server_default=sa.text("(current_timestamp)")),
             sa.Column("day", sa.Text, server_default=sa.text("CURRENT_DATE")),
             sa.Column("deleted_at", sa.Integer, server_default=sa.text("null")))
"""


def test_rebuilt_keyword_defaults_keep_the_sqls_case(tmp_path: Path) -> None:
    """drizzle-kit writes `.default(sql\\`(current_timestamp)\\`)` as written, in the SQL and the snapshot
    (cliftonc/fintune's D1 folder, five tables): a rebuilt snapshot said "(CURRENT_TIMESTAMP)", and drizzle-kit,
    which compares the texts, would rebuild those tables on its next generate. Bare ones keep their case too, and
    so does NULL (ddradar's NuxtHub folder: `.default(sql`NULL`)`, "NULL" in its snapshots, was rebuilt "null")."""
    config = write_project(tmp_path, LOWER_SCHEMA)
    generate(config, name="init")
    migration = MigrationFolder(tmp_path / "migrations", "sqlite").migrations()[0]
    path = migration.snapshot_path
    assert path is not None
    sql = migration.sql_path.read_text()
    assert "DEFAULT (current_timestamp)" in sql
    # as drizzle-kit writes `.default(sql`current_date`)`: bare, lower case, in the SQL and the snapshot
    sql = sql.replace("DEFAULT CURRENT_DATE", "DEFAULT current_date").replace("DEFAULT null", "DEFAULT NULL")
    migration.sql_path.write_text(sql)
    written = json.loads(path.read_text())
    written["tables"]["t"]["columns"]["day"]["default"] = "current_date"
    written["tables"]["t"]["columns"]["deleted_at"]["default"] = "NULL"
    path.unlink()
    rebuild_snapshots(config)
    rebuilt = json.loads(path.read_text())["tables"]["t"]["columns"]
    assert [rebuilt[c]["default"] for c in ("created", "day", "deleted_at")] == ["(current_timestamp)",
                                                                               "current_date", "NULL"]
    assert json.loads(path.read_text())["tables"] == written["tables"]
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url=url, folder=tmp_path / "migrations")
    assert drift_for_config(config, url=url).changes == []


KIT_SCHEMA = """
import sqlalchemy as sa
metadata = sa.MetaData()
apps = sa.Table("apps", metadata, sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("is_favorite", sa.Integer, nullable=False, server_default=sa.text("0")),
                sa.Column("enabled", sa.Integer, nullable=False, server_default=sa.text("true")),
                sa.Column("retries", sa.Integer, nullable=False, server_default=sa.text("3")))
"""


def _columns(path: Path | None) -> dict[str, object]:
    assert path is not None
    return {n: c.get("default") for n, c in json.loads(path.read_text())["tables"]["apps"]["columns"].items()}


def test_unchanged_defaults_keep_the_json_drizzle_kit_wrote(tmp_path: Path) -> None:
    """drizzle-kit writes `.default(sql\\`0\\`)` as the JSON string "0" and `.default(0)` as the number 0, both
    `DEFAULT 0` in SQL (dyad-sh/dyad: `integer("is_favorite", {mode: "boolean"}).default(sql\\`0\\`)` on five
    tables). A snapshot mizzle wrote later (generate, adding another table; check --rebuild-snapshots, of a snapshot
    lost or rebuilt --from) said 0 for the unchanged columns, and drizzle-kit, which compares the JSON, then rebuilt
    every such table on its next generate. An unchanged default keeps the JSON of the folder's snapshot."""
    config = write_project(tmp_path, KIT_SCHEMA)
    generate(config, name="init")
    folder = MigrationFolder(tmp_path / "migrations", "sqlite")
    first = folder.migrations()[0].snapshot_path
    assert first is not None
    kit = json.loads(first.read_text())
    kit["tables"]["apps"]["columns"]["is_favorite"]["default"] = "0"  # drizzle-kit's sql`0`
    kit["tables"]["apps"]["columns"]["enabled"]["default"] = "true"  # its sql`true`
    first.write_text(json.dumps(kit, indent=2))
    config = write_project(tmp_path, KIT_SCHEMA + '\nother = sa.Table("other", metadata, '
                                                  'sa.Column("id", sa.Integer, primary_key=True))\n')
    generate(config, name="other")
    second = folder.migrations()[1].snapshot_path
    assert _columns(second) == {"id": None, "is_favorite": "0", "enabled": "true", "retries": 3}
    generate(config, check=True)  # and they are no change for generate
    rebuild_snapshots(config, from_tag="0001")  # rebuilt from the SQL, beside the kept 0000
    assert _columns(second) == {"id": None, "is_favorite": "0", "enabled": "true", "retries": 3}
    assert second is not None
    second.unlink()  # lost: rebuilt after the kept 0000
    rebuild_snapshots(config)
    assert _columns(second) == {"id": None, "is_favorite": "0", "enabled": "true", "retries": 3}
    revert(config, "0001")  # the state of 0000 again, as its snapshot spells it
    third = folder.migrations()[2].snapshot_path
    assert _columns(third) == {"id": None, "is_favorite": "0", "enabled": "true", "retries": 3}


def test_a_rebuilt_table_keeps_the_folders_spelling_of_its_unchanged_defaults(tmp_path: Path) -> None:
    """A table generate rebuilds for another change (here a column made NOT NULL) writes each unchanged column's
    default as the folder's snapshot (drizzle-kit's SQL) spells it, in its CREATE TABLE and the next snapshot, not
    in the code's canonical spelling: `DEFAULT NULL` stayed no `DEFAULT null`, `DEFAULT current_timestamp` no
    `DEFAULT CURRENT_TIMESTAMP`, "TRUE" no true (ddradar's and fintune's drizzle-kit folders spell them so), which
    drizzle-kit, comparing the snapshots' texts, would then read as changed defaults."""
    config = write_project(tmp_path, LOWER_SCHEMA)
    generate(config, name="init")
    migration = MigrationFolder(tmp_path / "migrations", "sqlite").migrations()[0]
    sql = migration.sql_path.read_text()
    migration.sql_path.write_text(sql.replace("DEFAULT null", "DEFAULT NULL")
                                  .replace("DEFAULT CURRENT_DATE", "DEFAULT current_date"))
    path = migration.snapshot_path
    assert path is not None
    path.unlink()
    rebuild_snapshots(config)  # the snapshot as the SQL spells it, drizzle-kit's way
    rebuilt = json.loads(path.read_text())["tables"]["t"]["columns"]
    assert [rebuilt[c]["default"] for c in ("created", "day", "deleted_at")] == ["(current_timestamp)",
                                                                               "current_date", "NULL"]
    config = write_project(tmp_path, LOWER_SCHEMA.replace('sa.Column("day", sa.Text,',
                                                          'sa.Column("day", sa.Text, nullable=False,'))
    generate(config, name="day_not_null")
    second = MigrationFolder(tmp_path / "migrations", "sqlite").migrations()[1]
    sql = second.sql_path.read_text()
    assert "`deleted_at` integer DEFAULT NULL" in sql, sql
    assert "`created` text DEFAULT (current_timestamp) NOT NULL" in sql, sql
    assert "`day` text DEFAULT CURRENT_DATE NOT NULL" in sql, sql  # changed: the code's spelling
    assert second.snapshot_path is not None
    written = json.loads(second.snapshot_path.read_text())["tables"]["t"]["columns"]
    assert [written[c]["default"] for c in ("created", "day", "deleted_at")] == ["(current_timestamp)",
                                                                               "CURRENT_DATE", "NULL"]
    generate(config, check=True)
    second.snapshot_path.unlink()
    rebuild_snapshots(config)  # the SQL and the snapshot say one thing
    assert json.loads(second.snapshot_path.read_text())["tables"]["t"]["columns"] == written
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url=url, folder=tmp_path / "migrations")
    assert drift_for_config(config, url=url).changes == []

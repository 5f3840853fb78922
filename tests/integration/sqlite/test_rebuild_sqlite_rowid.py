"""SQLite: rebuilding a table without a primary key keeps each row's rowid. sqlite-utils makes such a table by default
(`sqlite-utils insert db.db items items.json`, no --pk) and indexes it for search by rowid (`enable-fts items name
--create-triggers`: an FTS5 table with `content="items"`, whose rows are the table's rowids); its own `transform`
copies the rowid. The copy `INSERT INTO __new_items(…) SELECT … FROM items` alone numbered the rows from 1 again, so
once rows had been deleted the search index pointed at other rows, or at none."""

from __future__ import annotations

from pathlib import Path

from sqlite_support import execute, rows, write_project

from mizzle.commands.drift import drift_for_config
from mizzle.commands.generate import generate
from mizzle.migrations.check import check_folder
from mizzle.runner.migrate import migrate

BEFORE = """
import sqlalchemy as sa
metadata = sa.MetaData()
items = sa.Table("items", metadata, sa.Column("name", sa.Text), sa.Column("created", sa.Text))
"""
AFTER = BEFORE.replace('sa.Column("name", sa.Text)', 'sa.Column("name", sa.Text, nullable=False, server_default="")')


def test_rebuild_keeps_the_rowids_an_fts_index_points_to(tmp_path: Path) -> None:
    config = write_project(tmp_path, BEFORE)
    generate(config, name="init")
    db = tmp_path / "app.db"
    url = f"sqlite:///{db}"
    migrate(url=url, folder=tmp_path / "migrations")
    # what sqlite-utils' enable_fts(["name"], create_triggers=True) makes (the FTS table is not the schema code's)
    execute(db, 'CREATE VIRTUAL TABLE "items_fts" USING FTS5 ("name", content="items")',
            "INSERT INTO items (name) VALUES ('apple'), ('banana'), ('cherry'), ('date')",
            "INSERT INTO items_fts (rowid, name) SELECT rowid, name FROM items",
            "INSERT INTO items_fts (items_fts, rowid, name) SELECT 'delete', rowid, name FROM items "
            "WHERE name IN ('apple', 'banana')",
            "DELETE FROM items WHERE name IN ('apple', 'banana')")
    config = write_project(tmp_path, AFTER)
    generate(config, name="name_not_null")
    assert not check_folder(tmp_path / "migrations", "sqlite").warnings  # the rowid is no column the table lacks
    migrate(url=url, folder=tmp_path / "migrations")
    assert drift_for_config(config, url=url).changes == []
    assert rows(db, "SELECT rowid, name FROM items ORDER BY rowid") == [(3, "cherry"), (4, "date")]
    assert rows(db, "SELECT items.name FROM items JOIN items_fts ON items.rowid = items_fts.rowid "
                    "WHERE items_fts MATCH 'cherry'") == [("cherry",)]


def test_a_column_named_rowid_is_copied_as_a_column(tmp_path: Path) -> None:
    """A column named rowid hides the rowid under that name; SQLite's other names for it (_rowid_, oid) still
    reach it."""
    before = BEFORE.replace('sa.Column("created", sa.Text)', 'sa.Column("rowid", sa.Text)')
    config = write_project(tmp_path, before)
    generate(config, name="init")
    db = tmp_path / "app.db"
    url = f"sqlite:///{db}"
    migrate(url=url, folder=tmp_path / "migrations")
    execute(db, "INSERT INTO items (name, rowid) VALUES ('a', 'x'), ('b', 'y'), ('c', 'z')",
            "DELETE FROM items WHERE name = 'a'")
    config = write_project(tmp_path, AFTER.replace('sa.Column("created", sa.Text)', 'sa.Column("rowid", sa.Text)'))
    generate(config, name="name_not_null")
    migrate(url=url, folder=tmp_path / "migrations")
    assert rows(db, "SELECT _rowid_, name, rowid FROM items ORDER BY _rowid_") == [(2, "b", "y"), (3, "c", "z")]

"""SQLite: a column's COLLATE (quetz's `channels.name`, `String(100, collation="nocase")`: channel names unique
whatever their case) is schema code mizzle keeps — in the CREATE TABLE it writes, the snapshot (mizzle's sidecar:
drizzle-kit's has no field for it), what it reads from a database, a change of it (a table rebuild) and pull."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_support import write_project

import mizzle
from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.commands.pull import pull
from mizzle.config import load_config
from mizzle.dialects.sqlite.introspect import introspect_path

V1 = """
import sqlalchemy as sa
metadata = sa.MetaData()
channels = sa.Table("channels", metadata,
                    sa.Column("name", sa.String(100, collation="nocase"), primary_key=True),
                    sa.Column("title", sa.Text))
"""


def test_a_column_collation_is_created_read_and_changed(tmp_path: Path) -> None:
    generate(write_project(tmp_path, V1), name="init")
    sql = sorted((tmp_path / "migrations").glob("0000_*.sql"))[0].read_text()
    assert "`name` text(100) COLLATE NOCASE PRIMARY KEY NOT NULL" in sql, sql
    db = tmp_path / "app.db"
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    con = sqlite3.connect(db)
    con.execute("INSERT INTO channels (name) VALUES ('conda-forge')")
    con.commit()
    try:
        con.execute("INSERT INTO channels (name) VALUES ('Conda-Forge')")
        raise AssertionError("NOCASE key took a second spelling")
    except sqlite3.IntegrityError:
        pass
    con.close()
    assert introspect_path(str(db)).table("public", "channels").column("name").collation == "NOCASE"
    result = drift(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    assert result.changes == [] and result.warnings == [], (result.changes, result.warnings)
    assert generate(write_project(tmp_path, V1), name="again", check=True).changes == []

    v2 = V1.replace('sa.Column("title", sa.Text)', 'sa.Column("title", sa.Text(collation="RTRIM"))')
    r = generate(write_project(tmp_path, v2), name="rtrim")
    assert any("collation default → RTRIM" in c for c in r.changes), r.changes
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    assert drift(url=f"sqlite:///{db}", folder=tmp_path / "migrations").changes == []
    assert introspect_path(str(db)).table("public", "channels").column("title").collation == "RTRIM"


def test_pull_keeps_a_column_collation(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    con = sqlite3.connect(db)
    con.execute('CREATE TABLE channels (name VARCHAR(100) COLLATE "nocase" NOT NULL, PRIMARY KEY (name))')
    con.close()
    project = tmp_path / "p"
    project.mkdir()
    (project / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "migrations"\n')
    result = pull(load_config(project / "mizzle.toml"), f"sqlite:///{db}", mark=False)
    assert not [w for w in result.warnings if "COLLATE" in w], result.warnings
    assert "NOCASE" in (project / "pulled.py").read_text()
    baseline = sorted((project / "migrations").glob("0000_*.sql"))[0].read_text()
    assert "COLLATE NOCASE" in baseline, baseline


DRIZZLE_SQL = """CREATE TABLE `tags` (
\t`id` integer PRIMARY KEY NOT NULL,
\t`name` text COLLATE NOCASE NOT NULL,
\t`title` text
);
"""


def _column(name: str, type_: str, not_null: bool, pk: bool = False) -> dict[str, object]:
    return {"name": name, "type": type_, "primaryKey": pk, "notNull": not_null, "autoincrement": False}


def test_a_drizzle_kit_custom_type_spelling_its_collation(tmp_path: Path) -> None:
    """drizzle-kit's `customType` whose dataType is `text COLLATE NOCASE` (the snapshot's `type` holds the whole
    text): read as type `text` with collation NOCASE, as the database its SQL builds has it, not a type of its own
    that drift and verify found changed."""
    import json

    config = write_project(tmp_path, """
import sqlalchemy as sa
metadata = sa.MetaData()
tags = sa.Table("tags", metadata, sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("name", sa.Text(collation="NOCASE"), nullable=False), sa.Column("title", sa.Text))
""")
    out = tmp_path / "migrations"
    (out / "meta").mkdir(parents=True)
    (out / "0000_init.sql").write_text(DRIZZLE_SQL)
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "sqlite", "entries": [
        {"idx": 0, "version": "6", "when": 1796519977016, "tag": "0000_init", "breakpoints": True}]}))
    columns = [_column("id", "integer", True, pk=True), _column("name", "text COLLATE NOCASE", True),
               _column("title", "text", False)]
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps({
        "version": "6", "dialect": "sqlite", "id": "dd9ba0d9-deaf-43ae-8d90-77d0f1000af0",
        "prevId": "00000000-0000-0000-0000-000000000000",
        "tables": {"tags": {"name": "tags", "columns": {c["name"]: c for c in columns}, "indexes": {},
                            "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {},
                            "checkConstraints": {}}},
        "views": {}, "enums": {}, "_meta": {"schemas": {}, "tables": {}, "columns": {}}, "internal": {"indexes": {}}}))
    db = tmp_path / "app.db"
    mizzle.migrate(url=f"sqlite:///{db}", folder=out)
    result = drift(url=f"sqlite:///{db}", folder=out)
    assert result.changes == [], result.changes
    assert mizzle.verify(config).ok
    assert generate(config, name="again", check=True).changes == []


def test_pull_keeps_a_unique_constraints_collate(tmp_path: Path) -> None:
    """drone's sqlite templates table: `UNIQUE(template_name COLLATE NOCASE, template_namespace COLLATE NOCASE)` with
    `template_name` BINARY. The constraint's automatic index was read as its columns alone, so the pulled module,
    its baseline and a database built from it had a case-sensitive unique index, and drift saw nothing."""
    db, built = tmp_path / "app.db", tmp_path / "built.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE templates (template_id INTEGER PRIMARY KEY AUTOINCREMENT, template_name TEXT,"
                " template_namespace TEXT COLLATE NOCASE,"
                " UNIQUE(template_name COLLATE NOCASE, template_namespace COLLATE NOCASE))")
    con.close()
    [ix] = introspect_path(str(db)).table("public", "templates").indexes
    assert [(c.expression, c.collation) for c in ix.columns] == [("template_name", "NOCASE"),
                                                                 ("template_namespace", None)]
    project = tmp_path / "p"
    project.mkdir()
    (project / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "migrations"\n')
    pull(load_config(project / "mizzle.toml"), f"sqlite:///{db}")  # recorded as applied there
    baseline = sorted((project / "migrations").glob("0000_*.sql"))[0].read_text()
    assert "(`template_name` COLLATE NOCASE,`template_namespace`)" in baseline, baseline
    mizzle.migrate(url=f"sqlite:///{built}", folder=project / "migrations")
    con = sqlite3.connect(built)
    con.execute("INSERT INTO templates (template_name, template_namespace) VALUES ('Build', 'ns')")
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("INSERT INTO templates (template_name, template_namespace) VALUES ('build', 'NS')")
    con.close()
    assert drift(url=f"sqlite:///{db}", folder=project / "migrations").changes == []
    assert drift(url=f"sqlite:///{built}", folder=project / "migrations").changes == []

"""SQLite: a composite primary key's member keeps drizzle-kit's snapshot `notNull` in a rebuilt snapshot. SQLite
does not make such a column NOT NULL (only an INTEGER PRIMARY KEY is), and drizzle-kit writes `notNull: false`
for one the code does not declare `.notNull()`; the snapshots `check --rebuild-snapshots` rebuilt for
fiberplane/fpx's studio-api folder said `true` for app_routes' path, method and handler_type (its
`PRIMARY KEY(handler_type, method, path)`), and drizzle-kit's next generate would rebuild the table."""

from __future__ import annotations

import json
from pathlib import Path

from sqlite_support import write_project

from mizzle.commands.generate import generate
from mizzle.commands.verify import rebuild_snapshots
from mizzle.migrations.folder import MigrationFolder

SQL = ("CREATE TABLE `routes` (\n\t`path` text,\n\t`method` text NOT NULL,\n\t`handler` text,\n"
       "\tPRIMARY KEY(`method`, `path`)\n);\n")


def _column(name: str, not_null: bool) -> dict[str, object]:
    return {"name": name, "type": "text", "primaryKey": False, "notNull": not_null, "autoincrement": False}


SNAPSHOT = {
    "version": "6", "dialect": "sqlite", "id": "6a1f1e0c-0000-4000-8000-000000000001",
    "prevId": "00000000-0000-0000-0000-000000000000",
    "tables": {"routes": {
        "name": "routes",
        "columns": {"path": _column("path", False), "method": _column("method", True),
                    "handler": _column("handler", False)},
        "indexes": {}, "foreignKeys": {},
        "compositePrimaryKeys": {"routes_method_path_pk": {"columns": ["method", "path"],
                                                           "name": "routes_method_path_pk"}},
        "uniqueConstraints": {}, "checkConstraints": {}}},
    "views": {}, "enums": {}, "_meta": {"schemas": {}, "tables": {}, "columns": {}}, "internal": {"indexes": {}},
}

SCHEMA = """
import sqlalchemy as sa
metadata = sa.MetaData()
routes = sa.Table("routes", metadata, sa.Column("path", sa.Text), sa.Column("method", sa.Text, nullable=False),
                  sa.Column("handler", sa.Text), sa.PrimaryKeyConstraint("method", "path"))
"""


def _drizzle_kit_folder(root: Path) -> Path:
    out = root / "migrations"
    (out / "meta").mkdir(parents=True)
    (out / "0000_init.sql").write_text(SQL, encoding="utf-8")
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps(SNAPSHOT, indent=2), encoding="utf-8")
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "sqlite", "entries": [
        {"idx": 0, "version": "6", "when": 1700000000000, "tag": "0000_init", "breakpoints": True}]}))
    return out


def test_a_rebuilt_snapshot_keeps_a_composite_key_members_declared_nullability(tmp_path: Path) -> None:
    config = write_project(tmp_path, SCHEMA)
    out = _drizzle_kit_folder(tmp_path)
    path = out / "meta" / "0000_snapshot.json"
    path.unlink()
    rebuild_snapshots(config)
    columns = json.loads(path.read_text())["tables"]["routes"]["columns"]
    assert {c: columns[c]["notNull"] for c in ("path", "method", "handler")} == {
        "path": False, "method": True, "handler": False}
    # the key still makes both members NOT NULL for mizzle's comparisons: the code (SQLAlchemy's nullable=False on
    # a key's columns) is no change
    assert generate(config, check=True).changes == []


def test_mizzles_own_snapshot_says_not_null_where_its_sql_does(tmp_path: Path) -> None:
    config = write_project(tmp_path, SCHEMA)
    generate(config, name="init")
    m = MigrationFolder(tmp_path / "migrations", "sqlite").migrations()[0]
    assert m.snapshot_path is not None
    assert "`path` text NOT NULL" in m.sql_path.read_text()
    written = json.loads(m.snapshot_path.read_text())
    assert written["tables"]["routes"]["columns"]["path"]["notNull"] is True
    m.snapshot_path.unlink()
    rebuild_snapshots(config)
    assert json.loads(m.snapshot_path.read_text())["tables"] == written["tables"]

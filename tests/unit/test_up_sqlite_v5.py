"""`mizzle up` of a SQLite folder whose snapshots are version 5 (drizzle-orm's own integration-tests/drizzle2/sqlite):
version 5 keys a composite primary key by its name but gives the key no `name` field, and `up` crashed on it
(KeyError: 'name'). drizzle-kit 1.x's `up` writes the key with a null name, explicit."""

from __future__ import annotations

import json
from pathlib import Path

from mizzle.commands.up import up
from mizzle.config import load_config

V5 = {"version": "5", "dialect": "sqlite", "id": "b6793a90-b553-4a5d-9d2f-b48e56ef2a2a",
      "prevId": "00000000-0000-0000-0000-000000000000",
      "tables": {"cities": {"name": "cities", "columns": {
          "id": {"name": "id", "type": "integer", "primaryKey": False, "notNull": False, "autoincrement": False},
          "fullname_name": {"name": "fullname_name", "type": "text", "primaryKey": False, "notNull": False}},
          "indexes": {}, "foreignKeys": {},
          "compositePrimaryKeys": {"cities_id_fullname_name_pk": {"columns": ["id", "fullname_name"]}}}},
      "enums": {}, "_meta": {"schemas": {}, "tables": {}, "columns": {}}}
SQL = "CREATE TABLE `cities` (\n\t`id` integer,\n\t`fullname_name` text,\n\tPRIMARY KEY(`id`, `fullname_name`)\n);\n"


def test_up_converts_a_version_5_composite_key_without_a_name(tmp_path: Path) -> None:
    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_fancy_bug.sql").write_text(SQL)
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps(V5))
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "5", "dialect": "sqlite", "entries": [
        {"idx": 0, "version": "5", "when": 1680191456040, "tag": "0000_fancy_bug", "breakpoints": True}]}))
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nout = "drizzle"\n')
    up(load_config(tmp_path / "mizzle.toml"))
    [snap] = out.glob("*_fancy_bug/snapshot.json")
    pks = [r for r in json.loads(snap.read_text())["ddl"] if r["entityType"] == "pks"]
    assert pks == [{"table": "cities", "name": None, "columns": ["id", "fullname_name"], "nameExplicit": True,
                    "entityType": "pks"}]

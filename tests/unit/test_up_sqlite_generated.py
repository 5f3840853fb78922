"""`mizzle up` of a SQLite snapshot with a generated column (karakeep-app/karakeep's packages/db/drizzle, 0071:
bookmarkTags.normalizedName GENERATED ALWAYS AS (lower(…)) VIRTUAL). drizzle-kit 1.x's `up` passes each 0.x snapshot
through its zod schema, which writes the column's `generated` as {"type", "as"} whatever order 0.x wrote; mizzle
copied 0.x's {"as", "type"}, so each converted snapshot holding one differed from drizzle-kit's byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from mizzle.commands.up import up
from mizzle.config import load_config

COLUMNS = {
    "id": {"name": "id", "type": "text", "primaryKey": True, "notNull": True, "autoincrement": False},
    "name": {"name": "name", "type": "text", "primaryKey": False, "notNull": True, "autoincrement": False},
    "normalizedName": {"name": "normalizedName", "type": "text", "primaryKey": False, "notNull": False,
                       "autoincrement": False, "generated": {"as": "(lower(\"name\"))", "type": "virtual"}}}
V6 = {"version": "6", "dialect": "sqlite", "id": "21170083-5dab-4bbf-803f-406ea6baeb30",
      "prevId": "00000000-0000-0000-0000-000000000000",
      "tables": {"bookmarkTags": {"name": "bookmarkTags", "columns": COLUMNS, "indexes": {}, "foreignKeys": {},
                                  "compositePrimaryKeys": {}, "uniqueConstraints": {}, "checkConstraints": {}}},
      "views": {}, "enums": {}, "_meta": {"schemas": {}, "tables": {}, "columns": {}}, "internal": {"indexes": {}}}
SQL = ("CREATE TABLE `bookmarkTags` (\n\t`id` text PRIMARY KEY NOT NULL,\n\t`name` text NOT NULL,\n"
       "\t`normalizedName` text GENERATED ALWAYS AS (lower(\"name\")) VIRTUAL\n);\n")


def test_up_writes_a_generated_column_as_drizzle_kit_1x_does(tmp_path: Path) -> None:
    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_add_tags.sql").write_text(SQL)
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps(V6))
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "sqlite", "entries": [
        {"idx": 0, "version": "6", "when": 1766391860000, "tag": "0000_add_tags", "breakpoints": True}]}))
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nout = "drizzle"\n')
    up(load_config(tmp_path / "mizzle.toml"))
    [snap] = out.glob("*_add_tags/snapshot.json")
    [gen] = [r["generated"] for r in json.loads(snap.read_text())["ddl"] if r.get("generated")]
    assert list(gen.items()) == [("type", "virtual"), ("as", "(lower(\"name\"))")]

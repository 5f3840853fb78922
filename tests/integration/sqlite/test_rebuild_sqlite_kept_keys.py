"""SQLite: a rebuilt snapshot has the keys the folder's kept snapshots have, at the top and in `_meta`.

Barbapapazes/orion's server/database/migrations (drizzle-kit 0.2x, SQLite snapshots of version "6"): its snapshots
hold no `views` and no `internal` at the top and only `tables` and `columns` in `_meta`. A snapshot rebuilt there
(`check --rebuild-snapshots`, one of them deleted) gained `"internal": {"indexes": {}}` and `"_meta": {"schemas": {}
…}`, which drizzle-kit's did not have, churn in `git diff` (`views`, an empty `{}`, was already left out). What holds
something (an expression index's `internal` entry) is still written."""

from __future__ import annotations

import json
from pathlib import Path

from mizzle.commands.verify import rebuild_snapshots
from mizzle.config import load_config

ROOT = "00000000-0000-0000-0000-000000000000"
IDS = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222",
       "33333333-3333-4333-8333-333333333333"]


def _column(name: str, type_: str, pk: bool = False) -> dict[str, object]:
    return {"name": name, "type": type_, "primaryKey": pk, "notNull": pk, "autoincrement": False}


def _old_snapshot(sid: str, prev: str, columns: list[str]) -> dict[str, object]:
    """A snapshot as drizzle-kit 0.2x wrote it for SQLite (orion's): no views nor internal, `_meta` without schemas."""
    cols = {"id": _column("id", "integer", True), **{c: _column(c, "text") for c in columns}}
    table = {"name": "users", "columns": cols, "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {},
             "uniqueConstraints": {}}
    return {"version": "6", "dialect": "sqlite", "tables": {"users": table}, "enums": {},
            "_meta": {"tables": {}, "columns": {}}, "id": sid, "prevId": prev}


def _folder(tmp_path: Path, third_sql: str) -> Path:
    out = tmp_path / "migrations"
    (out / "meta").mkdir(parents=True)
    migrations = [("0000_purple_shaman", "CREATE TABLE `users` (\n\t`id` integer PRIMARY KEY NOT NULL\n);\n"),
                  ("0001_skinny_energizer", "ALTER TABLE `users` ADD `login` text;"),
                  ("0002_living_gabe_jones", third_sql)]
    for tag, sql in migrations:
        (out / f"{tag}.sql").write_text(sql)
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "5", "dialect": "sqlite", "entries": [
        {"idx": i, "version": "5", "when": 1714318176592 + i, "tag": tag, "breakpoints": True}
        for i, (tag, _) in enumerate(migrations)]}, indent=2))
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps(_old_snapshot(IDS[0], ROOT, []), indent=2))
    (out / "meta" / "0002_snapshot.json").write_text(json.dumps(
        _old_snapshot(IDS[2], IDS[1], ["login", "avatar"]), indent=2))
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nout = "migrations"\n')
    return out


def test_a_rebuilt_snapshot_has_the_top_and_meta_keys_of_the_kept_ones(tmp_path: Path) -> None:
    out = _folder(tmp_path, "ALTER TABLE `users` ADD `avatar` text;")
    result = rebuild_snapshots(load_config(tmp_path / "mizzle.toml"))
    assert result.rebuilt == ["0001_skinny_energizer"]
    rebuilt = json.loads((out / "meta" / "0001_snapshot.json").read_text())
    assert rebuilt == _old_snapshot(IDS[1], IDS[0], ["login"])


def test_an_internal_entry_that_holds_something_is_written(tmp_path: Path) -> None:
    out = _folder(tmp_path, "ALTER TABLE `users` ADD `avatar` text;")
    (out / "0001_skinny_energizer.sql").write_text(
        "ALTER TABLE `users` ADD `login` text;--> statement-breakpoint\n"
        "CREATE INDEX `users_login_lower` ON `users` (lower(\"login\"));")
    (out / "0002_living_gabe_jones.sql").write_text(
        "DROP INDEX `users_login_lower`;--> statement-breakpoint\nALTER TABLE `users` ADD `avatar` text;")
    rebuild_snapshots(load_config(tmp_path / "mizzle.toml"))
    rebuilt = json.loads((out / "meta" / "0001_snapshot.json").read_text())
    assert rebuilt["internal"]["indexes"]["users_login_lower"]["columns"]
    assert set(rebuilt["_meta"]) == {"tables", "columns"} and "views" not in rebuilt

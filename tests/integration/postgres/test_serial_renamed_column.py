"""A serial column drizzle-kit renamed (found in jns-w/edu-fullstack's edu-backend/migrations: 0004 renames users.id
to user_id, 0012 lesson_progress.id to lesson_progress_id): `ALTER TABLE … RENAME COLUMN` keeps the sequence's
name, `users_id_seq`, so the column reads as `integer DEFAULT nextval('users_id_seq')` with that sequence owned by
it, while drizzle-kit's snapshot still says `serial`. verify, drift and generate after pull reported `+ sequence
users_id_seq` and `type serial → integer`; the rebuilt snapshot said integer, a default and a sequence. The same
as a renamed table's serial (test_serial_renamed_table.py), by the column's old name."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from pgtools import temp_database, url_for

from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.commands.pull import pull
from mizzle.commands.verify import rebuild_snapshots, verify
from mizzle.config import load_config
from mizzle.runner.migrate import migrate

pytestmark = pytest.mark.pg


def _snapshot(i: int, key: str) -> dict:  # type: ignore[type-arg]
    return {"id": f"00000000-0000-0000-0000-00000000000{i + 1}", "prevId": f"00000000-0000-0000-0000-00000000000{i}",
            "version": "7", "dialect": "postgresql",
            "tables": {"public.users": {"name": "users", "schema": "", "columns": {
                key: {"name": key, "type": "serial", "primaryKey": True, "notNull": True},
                "email": {"name": "email", "type": "text", "primaryKey": False, "notNull": True}},
                "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}, "policies": {},
                "checkConstraints": {}, "isRLSEnabled": False}},
            "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
            "_meta": {"columns": {"\"public\".\"users\".\"id\"": "\"public\".\"users\".\"user_id\""} if i else {},
                      "schemas": {}, "tables": {}}}


def _folder(root: Path) -> Path:
    folder = root / "drizzle"
    (folder / "meta").mkdir(parents=True)
    (folder / "0000_a.sql").write_text('CREATE TABLE "users" (\n\t"id" serial PRIMARY KEY NOT NULL,\n'
                                       '\t"email" text NOT NULL\n);\n')
    (folder / "0001_b.sql").write_text('ALTER TABLE "users" RENAME COLUMN "id" TO "user_id";')
    entries = [{"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
               for i, tag in enumerate(("0000_a", "0001_b"))]
    (folder / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": entries}))
    for i, key in enumerate(("id", "user_id")):
        (folder / "meta" / f"000{i}_snapshot.json").write_text(json.dumps(_snapshot(i, key), indent=2))
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    return folder


def test_a_serial_kept_through_a_column_rename_is_no_difference(pg_available: bool, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "proj")
    config = load_config(tmp_path / "proj" / "mizzle.toml")
    result = verify(config, url=url_for("postgres"))
    assert result.ok, [s.changes for s in result.steps]
    original = json.loads((folder / "meta" / "0001_snapshot.json").read_text())
    (folder / "meta" / "0001_snapshot.json").unlink()
    rebuild_snapshots(config, scratch_url=url_for("postgres"))
    rebuilt = json.loads((folder / "meta" / "0001_snapshot.json").read_text())
    assert rebuilt["tables"] == original["tables"] and rebuilt["sequences"] == {}
    with temp_database("mzser") as url:
        migrate(url=url, folder=folder)
        assert not drift(url=url, folder=folder).changes
        pulled = tmp_path / "pulled"
        pulled.mkdir()
        (pulled / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n')
        pull(load_config(pulled / "mizzle.toml"), url, mark=False)
        assert "users_id_seq" in (pulled / "schema.py").read_text()  # pull writes what the server holds
    (tmp_path / "proj" / "serial_col_renamed_schema.py").write_text((pulled / "schema.py").read_text())
    (tmp_path / "proj" / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n'
                                                   'schema = ["serial_col_renamed_schema.py"]\n')
    try:
        assert not generate(load_config(tmp_path / "proj" / "mizzle.toml"), check=True).changes
    finally:
        sys.modules.pop("serial_col_renamed_schema", None)

"""drizzle-kit 1.x writes a default of `sql("null::character varying")` as `DEFAULT null`, its snapshot's default
`"null"` (midday's `auth.users.phone`); PostgreSQL stores no default for a NULL constant, so the model (and a pulled
schema) has none. `generate` after such a folder wrote an `alter` delta setting the default to none in its next
snapshot, though its SQL changed nothing, and drizzle-kit's next generate from the same TypeScript then wrote
`ALTER COLUMN "phone" SET DEFAULT null`: the row drizzle-kit wrote must be kept."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from mizzle.commands.generate import generate
from mizzle.config import load_config

SNAPSHOT = {
    "type": "base", "version": "9", "dialect": "postgres", "id": "6a0c9a3e-1f7e-4d55-9b43-2f1d0c5b7e21",
    "prevIds": ["00000000-0000-0000-0000-000000000000"], "footprints": [],
    "ddl": [{"schema": "public", "name": "users", "isRlsEnabled": False, "entityType": "tables"},
            {"schema": "public", "table": "users", "name": "id", "type": "integer", "typeSchema": None,
             "notNull": True, "dimensions": 0, "default": None, "generated": None, "identity": None,
             "entityType": "columns"},
            {"schema": "public", "table": "users", "name": "phone", "type": "text", "typeSchema": None,
             "notNull": False, "dimensions": 0, "default": "null", "generated": None, "identity": None,
             "entityType": "columns"},
            {"schema": "public", "table": "users", "name": "users_pkey", "columns": ["id"], "nameExplicit": False,
             "entityType": "pks"}]}
SQL = 'CREATE TABLE "users" (\n\t"id" integer PRIMARY KEY,\n\t"phone" text DEFAULT null\n);\n'
PULLED = '''
import sqlalchemy as sa

metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("phone", sa.Text),EXTRA)
'''


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setenv("MIZZLE_NO_CACHE", "1")
    init = tmp_path / "drizzle" / "20261206044732_init"
    init.mkdir(parents=True)
    (init / "snapshot.json").write_text(json.dumps(SNAPSHOT))
    (init / "migration.sql").write_text(SQL)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["pulled_null_default.py"]\n'
                                          'out = "drizzle"\n')
    return tmp_path


def _generate(folder: Path, extra: str = "", check: bool = False) -> list[str]:
    (folder / "pulled_null_default.py").write_text(PULLED.replace("EXTRA", extra))
    try:
        return generate(load_config(folder / "mizzle.toml"), check=check).changes
    finally:
        sys.modules.pop("pulled_null_default", None)


def test_a_null_default_is_no_change(folder: Path) -> None:
    assert _generate(folder, check=True) == []


def test_the_next_snapshot_keeps_drizzle_kits_null_default(folder: Path) -> None:
    assert _generate(folder, '\n                 sa.Column("note", sa.Text)') == ["+ column users.note text"]
    (latest,) = [p for p in (folder / "drizzle").iterdir() if p.name != "20261206044732_init"]
    deltas = json.loads((latest / "snapshot.json").read_text())["deltas"]
    assert [(d["op"], d.get("row", {}).get("name")) for d in deltas] == [("create", "note")]

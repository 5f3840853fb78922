"""A unique constraint on exactly the primary key's columns in the CREATE TABLE that makes the key (drizzle-kit
1.x writes `"key" text PRIMARY KEY UNIQUE` for `.unique().primaryKey()`, homarr's serverSetting; or a table-level
unique repeating the key, midday's `document_tag_assignments_unique`): PostgreSQL keeps only the key, so a pulled
model has no such unique while the drizzle-kit snapshot does. `generate` with the pulled model wrote
`DROP CONSTRAINT "setting_key_key"` (a constraint the server does not have: migrate failed), and for the named
composite one no statement but a next snapshot without it (drizzle-kit's next generate added it back)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from mizzle.commands.generate import generate, previous_schema
from mizzle.config import load_config
from mizzle.migrations.folder import MigrationFolder

# drizzle-kit 1.0.0-rc.5's snapshot (footprints left out) of
#   pgTable("setting", {key: text("key").unique().primaryKey(), value: text("value")})
#   pgTable("assignments", {documentId, tagId, teamId: uuid().notNull()}, (t) => [
#       primaryKey({columns: [t.documentId, t.tagId]}), unique("assignments_unique").on(t.documentId, t.tagId)])


def _column(table: str, name: str, type_: str, not_null: bool = True) -> dict[str, object]:
    return {"schema": "public", "table": table, "name": name, "type": type_, "typeSchema": None, "notNull": not_null,
            "dimensions": 0, "default": None, "generated": None, "identity": None, "entityType": "columns"}


def _key(kind: str, table: str, name: str, columns: list[str], explicit: bool) -> dict[str, object]:
    extra = {"nullsNotDistinct": False} if kind == "uniques" else {}
    return {"schema": "public", "table": table, "name": name, "columns": columns, "nameExplicit": explicit,
            **extra, "entityType": kind}


SNAPSHOT = {
    "type": "base", "version": "9", "dialect": "postgres", "id": "2ccf6d62-14b1-47cc-99ae-530a036d118f",
    "prevIds": ["00000000-0000-0000-0000-000000000000"], "footprints": [],
    "ddl": [{"schema": "public", "name": "assignments", "isRlsEnabled": False, "entityType": "tables"},
            {"schema": "public", "name": "setting", "isRlsEnabled": False, "entityType": "tables"},
            _column("assignments", "document_id", "uuid"), _column("assignments", "tag_id", "uuid"),
            _column("assignments", "team_id", "uuid"), _column("setting", "key", "text"),
            _column("setting", "value", "text", not_null=False),
            _key("pks", "assignments", "assignments_pkey", ["document_id", "tag_id"], False),
            _key("pks", "setting", "setting_pkey", ["key"], False),
            _key("uniques", "assignments", "assignments_unique", ["document_id", "tag_id"], True),
            _key("uniques", "setting", "setting_key_key", ["key"], False)]}

# `mizzle pull` of the database drizzle-orm's migrator built from it
PULLED = '''
import sqlalchemy as sa

metadata = sa.MetaData()
assignments = sa.Table(
    "assignments", metadata,
    sa.Column("document_id", sa.Uuid),
    sa.Column("tag_id", sa.Uuid),
    sa.Column("team_id", sa.Uuid, nullable=False),
    sa.PrimaryKeyConstraint("document_id", "tag_id", name="assignments_pkey"),
)
setting = sa.Table(
    "setting", metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text),EXTRA
)
'''
NOTE = '\n    sa.Column("note", sa.Text),'


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setenv("MIZZLE_NO_CACHE", "1")
    init = tmp_path / "drizzle" / "20261206044732_init"
    init.mkdir(parents=True)
    (init / "snapshot.json").write_text(json.dumps(SNAPSHOT))
    (init / "migration.sql").write_text(
        'CREATE TABLE "assignments" (\n\t"document_id" uuid,\n\t"tag_id" uuid,\n\t"team_id" uuid NOT NULL,\n'
        '\tCONSTRAINT "assignments_pkey" PRIMARY KEY("document_id","tag_id"),\n'
        '\tCONSTRAINT "assignments_unique" UNIQUE("document_id","tag_id")\n);\n--> statement-breakpoint\n'
        'CREATE TABLE "setting" (\n\t"key" text PRIMARY KEY UNIQUE,\n\t"value" text\n);\n')
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["pulled_fold.py"]\nout = "drizzle"\n')
    return tmp_path


def _generate(folder: Path, extra: str = "", check: bool = False, pulled: str = PULLED) -> list[str]:
    (folder / "pulled_fold.py").write_text(pulled.replace("EXTRA", extra))
    try:
        return generate(load_config(folder / "mizzle.toml"), check=check).changes
    finally:
        sys.modules.pop("pulled_fold", None)


def _uniques(folder: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    """The latest snapshot's uniques: (table, name, columns)."""
    old, _ = previous_schema(MigrationFolder(load_config(folder / "mizzle.toml").out_dir, "postgresql"), "postgresql")
    return sorted((t.name, u.name, u.columns) for t in old.tables for u in t.uniques)


def test_the_pulled_model_is_no_change(folder: Path) -> None:
    assert _generate(folder, check=True) == []


def test_the_next_snapshot_keeps_the_uniques_the_server_folded_into_the_key(folder: Path) -> None:
    assert _generate(folder, NOTE) == ["+ column setting.note text"]
    (latest,) = [p for p in (folder / "drizzle").iterdir() if p.name != "20261206044732_init"]
    assert "CONSTRAINT" not in (latest / "migration.sql").read_text()
    assert _uniques(folder) == [("assignments", "assignments_unique", ("document_id", "tag_id")),
                                ("setting", "setting_key_key", ("key",))]
    assert _generate(folder, NOTE, check=True) == []


def test_a_unique_that_repeated_the_old_key_is_dropped_if_it_exists(folder: Path) -> None:
    """The key changed and the unique is gone from the code: the server has it only if a later ALTER TABLE added
    it, so its drop must not fail where PostgreSQL folded it into the key."""
    pulled = PULLED.replace('"tag_id", name="assignments_pkey"', '"tag_id", "team_id", name="assignments_pkey"')
    assert "- unique assignments_unique on assignments" in _generate(folder, pulled=pulled)
    (latest,) = [p for p in (folder / "drizzle").iterdir() if p.name != "20261206044732_init"]
    assert 'DROP CONSTRAINT IF EXISTS "assignments_unique"' in (latest / "migration.sql").read_text()

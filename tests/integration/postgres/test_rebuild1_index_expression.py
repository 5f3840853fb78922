"""drizzle-kit 1.x keeps an index element written as SQL (`sql\\`${t.name} gin_trgm_ops\\``, midday's
institutions_name_trgm_idx) as one expression column in its snapshot, `"name" gin_trgm_ops`; the server reads the
index back as the column `name` with the operator class. `check --rebuild-snapshots` of a later migration wrote an
`alter` delta of the index to the server's form, though the migration did not touch it, and drizzle-kit's next
generate from the same TypeScript dropped and made the index again: the row drizzle-kit wrote must be kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pgtools import url_for

from mizzle.commands.verify import rebuild_snapshots
from mizzle.config import load_config

pytestmark = pytest.mark.pg


def _column(name: str, type_: str) -> dict[str, object]:
    return {"schema": "public", "table": "institutions", "name": name, "type": type_, "typeSchema": None,
            "notNull": True, "dimensions": 0, "default": None, "generated": None, "identity": None,
            "entityType": "columns"}


# drizzle-kit 1.0.0-rc.5's snapshot (footprints left out) of
#   pgTable("institutions", {id: integer().primaryKey(), name: text().notNull()},
#           (t) => [index("institutions_name_trgm_idx").using("gin", sql`${t.name} gin_trgm_ops`)])
SNAPSHOT = {
    "type": "base", "version": "9", "dialect": "postgres", "id": "1d6f0c5e-7a3b-4d2e-8f19-0b6a5c4d3e21",
    "prevIds": ["00000000-0000-0000-0000-000000000000"], "footprints": [],
    "ddl": [{"schema": "public", "name": "institutions", "isRlsEnabled": False, "entityType": "tables"},
            _column("id", "integer"), _column("name", "text"),
            {"schema": "public", "table": "institutions", "name": "institutions_name_trgm_idx", "nameExplicit": True,
             "columns": [{"value": '"name" gin_trgm_ops', "isExpression": True, "asc": True, "nullsFirst": False,
                          "opclass": None}],
             "isUnique": False, "where": None, "with": "", "method": "gin", "concurrently": False,
             "entityType": "indexes"},
            {"schema": "public", "table": "institutions", "name": "institutions_pkey", "columns": ["id"],
             "nameExplicit": False, "entityType": "pks"}]}
INIT_SQL = ('CREATE EXTENSION IF NOT EXISTS pg_trgm;\n--> statement-breakpoint\n'
            'CREATE TABLE "institutions" (\n\t"id" integer PRIMARY KEY,\n\t"name" text NOT NULL\n);\n'
            '--> statement-breakpoint\n'
            'CREATE INDEX "institutions_name_trgm_idx" ON "institutions" USING gin ("name" gin_trgm_ops);')


def test_a_rebuilt_snapshot_keeps_drizzle_kits_index_expression(pg_available: bool, tmp_path: Path) -> None:
    init, note = tmp_path / "drizzle" / "20261206044732_init", tmp_path / "drizzle" / "20261206044733_note"
    init.mkdir(parents=True)
    note.mkdir()
    (init / "snapshot.json").write_text(json.dumps(SNAPSHOT))
    (init / "migration.sql").write_text(INIT_SQL)
    (note / "migration.sql").write_text('CREATE TABLE "note" (\n\t"id" integer PRIMARY KEY\n);\n')
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    result = rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=url_for("postgres"))
    assert result.rebuilt == ["20261206044733_note"]
    deltas = json.loads((note / "snapshot.json").read_text())["deltas"]
    assert {(d["op"], d["row"]["entityType"]) for d in deltas if "row" in d} == {
        ("create", "tables"), ("create", "columns"), ("create", "pks")}
    assert [d for d in deltas if d["op"] != "create"] == []

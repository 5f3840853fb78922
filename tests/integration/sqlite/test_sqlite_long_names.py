"""SQLite has no limit on a name's length, and drizzle-kit keeps its derived foreign-key names whole there."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from sqlite_support import write_project
from test_sqlite_interop import DRIZZLE_KIT, INTEROP, NO_CHANGES, node  # noqa: F401 (node: the fixture)

import mizzle
from mizzle.commands.drift import drift
from mizzle.commands.generate import generate

REF = "a_rather_long_referenced_table_name_for_testing"
# two foreign keys whose derived names agree on their first 63 bytes
SOURCE = f'''
import sqlalchemy as sa
md = sa.MetaData()
sa.Table("{REF}", md, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("other_identifier", sa.Integer, unique=True))
sa.Table("history_dataset_association_things", md, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("owner_reference_identifier_column_a", sa.Integer, sa.ForeignKey("{REF}.id")),
         sa.Column("owner_reference_identifier_column_b", sa.Integer, sa.ForeignKey("{REF}.other_identifier")))
'''


def test_long_foreign_key_names_are_kept_whole(tmp_path: Path) -> None:
    generate(write_project(tmp_path, SOURCE), name="init")
    snap = json.loads((tmp_path / "migrations" / "meta" / "0000_snapshot.json").read_text(encoding="utf-8"))
    fks = snap["tables"]["history_dataset_association_things"]["foreignKeys"]
    assert sorted(snap["tables"][REF]["indexes"]) == [f"{REF}_other_identifier_unique"]
    assert sorted(fks) == [f"history_dataset_association_things_owner_reference_identifier_column_{c}_{REF}_{r}_fk"
                           for c, r in (("a", "id"), ("b", "other_identifier"))]
    db = tmp_path / "app.db"
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    result = drift(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    assert result.changes == [] and result.warnings == []


SCHEMA_TS = f'''import {{ sqliteTable, integer }} from "drizzle-orm/sqlite-core";
export const ref = sqliteTable("{REF}", {{
  id: integer("id").primaryKey(), other: integer("other_identifier").unique(),
}});
export const h = sqliteTable("history_dataset_association_things", {{
  id: integer("id").primaryKey(),
  a: integer("owner_reference_identifier_column_a").references(() => ref.id),
  b: integer("owner_reference_identifier_column_b").references(() => ref.other),
}});
'''


def drizzle_kit_generate(node_bin: str, schema_ts: Path, out: Path) -> str:
    p = subprocess.run([node_bin, str(DRIZZLE_KIT), "generate", "--dialect", "sqlite", "--schema", str(schema_ts),
                        "--out", os.path.relpath(out, INTEROP), "--name", "step"], cwd=INTEROP, stdin=subprocess.DEVNULL,
                       env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0",
                            "NODE_PATH": str(INTEROP / "node_modules")},  # the schema lives outside tests/interop
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout + p.stderr


@pytest.mark.interop
def test_long_names_agree_with_drizzle_kit(node: str, tmp_path: Path) -> None:  # noqa: F811 (the fixture)
    """drizzle-kit 0.31 keeps the derived foreign-key and unique names whole on SQLite: each tool continues the
    other's folder and finds nothing to do."""
    schema_ts = tmp_path / "schema.ts"
    schema_ts.write_text(SCHEMA_TS, encoding="utf-8")
    theirs = tmp_path / "theirs"
    drizzle_kit_generate(node, schema_ts, theirs / "migrations")
    result = generate(write_project(theirs, SOURCE), name="again")
    assert result.changes == [], result.changes
    ours = tmp_path / "ours"
    generate(write_project(ours, SOURCE), name="init")
    assert NO_CHANGES in drizzle_kit_generate(node, schema_ts, ours / "migrations")

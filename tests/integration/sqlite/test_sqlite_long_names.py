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
from mizzle.config import load_config

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


# a composite key whose derived name is 64 characters (homarr's integrationGroupPermissions)
PK_SOURCE = '''
import sqlalchemy as sa
md = sa.MetaData()
sa.Table("integrationGroupPermissions", md, sa.Column("integration_id", sa.Text, nullable=False),
         sa.Column("group_id", sa.Text, nullable=False), sa.Column("permission", sa.Text, nullable=False),
         sa.PrimaryKeyConstraint("integration_id", "group_id", "permission"))
'''
PK_NAME = "integrationGroupPermissions_integration_id_group_id_permission_pk"
PK_SCHEMA_TS = '''import { sqliteTable, text, primaryKey } from "drizzle-orm/sqlite-core";
export const p = sqliteTable("integrationGroupPermissions", {
  integrationId: text("integration_id").notNull(), groupId: text("group_id").notNull(),
  permission: text("permission").notNull(),
}, (t) => [primaryKey({ columns: [t.integrationId, t.groupId, t.permission] })]);
'''


def test_a_long_composite_key_name_is_kept_whole(tmp_path: Path) -> None:
    """The derived `<table>_<cols>_pk` was cut to PostgreSQL's 63 bytes on SQLite too (`…_permission_`), in the
    snapshot, in drift's reading of the database and in a pulled module."""
    generate(write_project(tmp_path, PK_SOURCE), name="init")
    snap = json.loads((tmp_path / "migrations" / "meta" / "0000_snapshot.json").read_text(encoding="utf-8"))
    assert list(snap["tables"]["integrationGroupPermissions"]["compositePrimaryKeys"]) == [PK_NAME]
    db = tmp_path / "app.db"
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    result = drift(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    assert result.changes == [] and result.warnings == []
    from mizzle.dialects.sqlite.introspect import introspect_path

    (t,) = introspect_path(str(db)).tables
    assert t.primary_key is not None and t.primary_key.name == PK_NAME
    # the pulled module names the key whole, and loads (a name over 63 characters was refused on SQLite too)
    pulled = tmp_path / "pulled"
    pulled.mkdir()
    (pulled / "mizzle.toml").write_text('dialect = "sqlite"\nschema = "schema.py"\nout = "migrations"\n')
    from mizzle.commands.pull import pull

    pulled_result = pull(load_config(pulled / "mizzle.toml"), url=f"sqlite:///{db}", mark=False)
    assert f'name="{PK_NAME}"' in (pulled / "schema.py").read_text() and not pulled_result.warnings
    assert generate(load_config(pulled / "mizzle.toml"), check=True).changes == []


@pytest.mark.interop
def test_a_long_composite_key_name_agrees_with_drizzle_kit(node: str, tmp_path: Path) -> None:  # noqa: F811 (the fixture)
    """drizzle-kit 0.31 writes `integrationGroupPermissions_integration_id_group_id_permission_pk` whole; mizzle's
    snapshot had the name cut, unlike drizzle-kit's for the same schema."""
    schema_ts = tmp_path / "schema.ts"
    schema_ts.write_text(PK_SCHEMA_TS, encoding="utf-8")
    theirs = tmp_path / "theirs"
    drizzle_kit_generate(node, schema_ts, theirs / "migrations")
    snap = json.loads((theirs / "migrations" / "meta" / "0000_snapshot.json").read_text(encoding="utf-8"))
    assert list(snap["tables"]["integrationGroupPermissions"]["compositePrimaryKeys"]) == [PK_NAME]
    result = generate(write_project(theirs, PK_SOURCE), name="again")
    assert result.changes == [], result.changes
    ours = tmp_path / "ours"
    generate(write_project(ours, PK_SOURCE), name="init")
    mine = json.loads((ours / "migrations" / "meta" / "0000_snapshot.json").read_text(encoding="utf-8"))
    assert mine["tables"] == snap["tables"]
    assert NO_CHANGES in drizzle_kit_generate(node, schema_ts, ours / "migrations")

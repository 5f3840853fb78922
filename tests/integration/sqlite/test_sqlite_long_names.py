"""SQLite has no limit on a name's length, and drizzle-kit keeps its derived foreign-key names whole there."""

from __future__ import annotations

import json
from pathlib import Path

from sqlite_support import write_project

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
    assert sorted(fks) == [f"history_dataset_association_things_owner_reference_identifier_column_{c}_{REF}_{r}_fk"
                           for c, r in (("a", "id"), ("b", "other_identifier"))]
    db = tmp_path / "app.db"
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    result = drift(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    assert result.changes == [] and result.warnings == []

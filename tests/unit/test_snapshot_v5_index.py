"""An index of a version 5 snapshot (`"dialect": "pg"`, drizzle-kit before 0.21) names its columns as plain strings
(`"columns": ["author_id"]`), which `drizzle-kit up` turns into ascending, NULLS LAST column elements. Fredkiss3/gh-next's
76 such snapshots: mizzle took them for malformed (`string indices must be integers`), so `generate` refused the
folder and `verify` compared no step after the first index. No server."""

from __future__ import annotations

from mizzle.dialects.postgres.snapshot import schema_from_snapshot
from mizzle.schema.model import IndexColumn


def test_a_version_5_index_lists_its_columns_by_name() -> None:
    snap = {"version": "5", "dialect": "pg", "id": "x", "prevId": "y", "schemas": {},
            "enums": {"hide_reason": {"name": "hide_reason", "values": {"ABUSE": "ABUSE", "SPAM": "SPAM"}}},
            "tables": {"comments": {"name": "comments", "schema": "", "columns": {
                "id": {"name": "id", "type": "serial", "primaryKey": True, "notNull": True},
                "author_id": {"name": "author_id", "type": "integer", "primaryKey": False, "notNull": False},
                "issue_id": {"name": "issue_id", "type": "integer", "primaryKey": False, "notNull": True}},
                "indexes": {"com_author_issue_idx": {"name": "com_author_issue_idx", "columns": ["author_id", "issue_id"],
                                                     "isUnique": True}},
                "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}}}}
    model = schema_from_snapshot(snap)
    (ix,) = model.tables[0].indexes
    assert ix.columns == (IndexColumn("author_id"), IndexColumn("issue_id"))
    assert ix.unique and ix.method == "btree"
    assert model.enums[0].values == ("ABUSE", "SPAM")

"""A rebuilt snapshot's views with the `columns` drizzle-kit 0.31 wrote (tests/interop/pg_types: its query-builder
view `child_view` lists the selected table columns, `"type": "serial"` and all; its `pgMaterializedView(name,
{…})` the declared ones): the database keeps neither, and `check --rebuild-snapshots --from` wrote `"columns": {}`
over the folder's own. Taken from the folder's snapshot nearest where that holds the same view with the same
query; a view whose query changed keeps none."""

from __future__ import annotations

import json
from pathlib import Path

from mizzle.migrations.kept_spellings import kept_view_columns

SNAPSHOT = Path(__file__).resolve().parents[1] / "interop" / "pg_types" / "out" / "meta" / "0000_snapshot.json"


def test_the_folders_view_columns_are_kept() -> None:
    like = json.loads(SNAPSHOT.read_text())
    assert all(v["columns"] for v in like["views"].values())
    rebuilt = {**like, "views": {k: {**v, "columns": {}} for k, v in like["views"].items()}}
    assert kept_view_columns(rebuilt, like)["views"] == like["views"]


def test_a_view_whose_query_changed_keeps_none() -> None:
    like = json.loads(SNAPSHOT.read_text())
    view = like["views"]["public.child_view"]
    rebuilt = {**like, "views": {"public.child_view": {**view, "columns": {}, "definition": "select 1 as id"}}}
    assert kept_view_columns(rebuilt, like)["views"]["public.child_view"]["columns"] == {}
    assert kept_view_columns(rebuilt, None) is rebuilt


def test_a_view_is_written_with_drizzle_kits_key_order() -> None:
    from mizzle.migrations.snapshots import schema_from_snapshot, snapshot_from_schema

    theirs = json.loads(SNAPSHOT.read_text())["views"]
    ours = snapshot_from_schema(schema_from_snapshot(json.loads(SNAPSHOT.read_text())))[0]["views"]
    assert {k: list(v) for k, v in ours.items()} == {k: list(v) for k, v in theirs.items()}

"""SQLite: a view the folder's own SQL made, in a folder whose drizzle-kit snapshots have no field for views, is set
aside by drift, verify and baseline (listed as not compared), as its triggers are, not reported as a difference.

likeon/geometa's migrations_sqlite (drizzle-kit 0.2x: snapshots of version "6" with no `views` key) creates
location_metas_view and map_locations_view in hand-written migrations (0003_calm_dark_beast: `CREATE VIEW
location_metas_view AS SELECT mgl.*, m.* FROM map_group_locations mgl JOIN metas m …`). On the database the folder
built, `drift` reported `+ view location_metas_view` as drift and `verify` each such migration as a hand edit, though
drizzle-kit's snapshots there cannot hold a view. A snapshot that has the field still compares views."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from mizzle.commands.drift import drift_for_config
from mizzle.commands.verify import verify
from mizzle.config import load_config
from mizzle.runner.migrate import migrate
from mizzle.runner.recovery import baseline

IDS = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"]


def _snapshot(sid: str, prev: str, with_views: bool) -> dict[str, object]:
    def column(name: str, type_: str, pk: bool = False) -> dict[str, object]:
        return {"name": name, "type": type_, "primaryKey": pk, "notNull": pk, "autoincrement": False}

    metas = {"name": "metas", "columns": {"id": column("id", "integer", True), "tag_name": column("tag_name", "text")},
             "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}}
    return {"version": "6", "dialect": "sqlite", "id": sid, "prevId": prev, "tables": {"metas": metas}, "enums": {},
            **({"views": {}} if with_views else {}), "_meta": {"schemas": {}, "tables": {}, "columns": {}},
            "internal": {"indexes": {}}}


def _project(root: Path, with_views: bool) -> Path:
    out = root / "migrations"
    (out / "meta").mkdir(parents=True)
    (out / "0000_a.sql").write_text("CREATE TABLE `metas` (\n\t`id` integer PRIMARY KEY NOT NULL,\n\t`tag_name` text\n);\n")
    (out / "0001_calm_dark_beast.sql").write_text("CREATE VIEW location_metas_view AS\nSELECT m.* FROM metas m;")
    for i, sid in enumerate(IDS):
        prev = IDS[i - 1] if i else "00000000-0000-0000-0000-000000000000"
        (out / "meta" / f"{i:04d}_snapshot.json").write_text(json.dumps(_snapshot(sid, prev, with_views), indent=2))
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "6", "dialect": "sqlite", "entries": [
        {"idx": i, "version": "6", "when": 1714318176592 + i, "tag": tag, "breakpoints": True}
        for i, tag in enumerate(["0000_a", "0001_calm_dark_beast"])]}, indent=2))
    (root / "mizzle.toml").write_text('dialect = "sqlite"\nout = "migrations"\n')
    return out


def test_a_view_the_folders_sql_made_is_not_drift_where_snapshots_have_no_views(tmp_path: Path) -> None:
    out = _project(tmp_path, with_views=False)
    config = load_config(tmp_path / "mizzle.toml")
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url=url, folder=out)
    result = drift_for_config(config, url=url)
    assert result.changes == []
    assert any("1 views: location_metas_view" in line for line in result.unmanaged), result.unmanaged
    assert verify(config).ok
    adopted = tmp_path / "adopted.db"
    (tmp_path / "app.db").rename(adopted)
    with sqlite3.connect(adopted) as conn:
        conn.execute("DELETE FROM __drizzle_migrations")
    assert baseline(config, url=f"sqlite:///{adopted}").checked


def test_a_snapshot_with_a_views_field_still_compares_views(tmp_path: Path) -> None:
    out = _project(tmp_path, with_views=True)
    config = load_config(tmp_path / "mizzle.toml")
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url=url, folder=out)
    assert drift_for_config(config, url=url).changes == ["+ view location_metas_view"]
    assert not verify(config).ok

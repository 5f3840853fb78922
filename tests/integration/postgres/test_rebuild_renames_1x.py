"""`check --rebuild-snapshots` in drizzle-kit 1.x's layout writes a rename its SQL states as drizzle-kit 1.x does: a
rename delta with its rename_column / rename_table footprint. It wrote a drop and a create (the same state) — for a
column with a foreign key and indexes also an fk and index alteration each, with recreate_fk / recreate_index
footprints drizzle-kit's branch check then reads as conflicts with any change to them. Found on
amruthpillai/reactive-resume's migrations (drizzle-kit 1.0.0-rc.4), whose 20260305091016_closed_pixie renames
apikey.user_id to reference_id; the expected deltas and footprints are drizzle-kit 1.0.0-rc.5's (`drizzle-kit up`
of that folder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pgtools import url_for

from mizzle.commands.verify import rebuild_snapshots
from mizzle.config import load_config

pytestmark = pytest.mark.pg

# minimized from reactive-resume's first migration and its 20260305091016_closed_pixie
INIT = """CREATE TABLE "user" ("id" uuid PRIMARY KEY);
--> statement-breakpoint
CREATE TABLE "apikey" ("id" uuid PRIMARY KEY, "enabled" boolean DEFAULT true, "user_id" uuid NOT NULL);
--> statement-breakpoint
CREATE INDEX "apikey_user_id_index" ON "apikey" ("user_id");--> statement-breakpoint
CREATE INDEX "apikey_enabled_user_id_index" ON "apikey" ("enabled","user_id");--> statement-breakpoint
ALTER TABLE "apikey" ADD CONSTRAINT "apikey_user_id_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") \
ON DELETE CASCADE;"""


def _rebuilt(tmp_path: Path, migrations: list[tuple[str, str]]) -> list[dict]:  # type: ignore[type-arg]
    out = tmp_path / "drizzle"
    for tag, sql in migrations:
        (out / tag).mkdir(parents=True)
        (out / tag / "migration.sql").write_text(sql)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    result = rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=url_for("postgres"))
    assert result.rebuilt == [tag for tag, _ in migrations]
    return [json.loads((out / tag / "snapshot.json").read_text()) for tag, _ in migrations]


def test_a_column_rename_is_a_rename_delta(pg_available: bool, tmp_path: Path) -> None:
    snaps = _rebuilt(tmp_path, [
        ("20260114102228_init", INIT),
        ("20260305091016_closed_pixie", 'ALTER TABLE "apikey" RENAME COLUMN "user_id" TO "reference_id";'),
    ])
    assert snaps[1]["deltas"] == [
        {"op": "rename", "key": 'columns\0["public","apikey","user_id"]', "set": {"name": "reference_id"}}]
    assert snaps[1]["footprints"] == [
        {"statementType": "rename_column", "statementTarget": ["column", "public", "apikey", "user_id"],
         "writes": ["s|col|public.apikey.user_id", "n|col|public.apikey.user_id", "s|col|public.apikey.reference_id",
                    "n|col|public.apikey.reference_id"],
         "reads": ["n|tbl|public.apikey", "n|sch|public"]}]


def test_a_table_rename_is_a_rename_delta(pg_available: bool, tmp_path: Path) -> None:
    snaps = _rebuilt(tmp_path, [
        ("20260114102228_init", INIT),
        ("20260305091016_ren", 'ALTER TABLE "apikey" RENAME TO "api_key";'),
    ])
    assert snaps[1]["deltas"] == [
        {"op": "rename", "key": 'tables\0["public","apikey"]', "set": {"name": "api_key"}}]
    assert [f["statementType"] for f in snaps[1]["footprints"]] == ["rename_table"]

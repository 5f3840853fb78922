"""`check --rebuild-snapshots` on a view whose query reads `t.*` (langfuse/langfuse's Prisma migration
20240304123642_traces_view_improvement: `CREATE OR REPLACE VIEW traces_view AS … SELECT t.*, o.duration FROM traces
t …`), then a column added to `t` (20240503125742_traces_add_createdat_updatedat). PostgreSQL expands the star when
the view is made, so the view keeps the columns `t` had then. The rebuilt snapshots kept the authored `t.*` at every
later step (the server's answer for it was remembered from the step before the column came), and verify, asking
the server what `t.*` stores now, reported `~ view traces_view: definition differs` at that migration and every
later one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pg_project import write_sql_folder
from pgtools import url_for

from mizzle.commands.verify import rebuild_snapshots, verify
from mizzle.config import load_config

pytestmark = pytest.mark.pg

MIGRATIONS = [
    ("0000_traces", 'CREATE TABLE "traces" ("id" TEXT NOT NULL, "name" TEXT, CONSTRAINT "traces_pkey" PRIMARY KEY '
                    '("id"));\n'),
    ("0001_traces_view", "CREATE OR REPLACE VIEW traces_view AS\nSELECT\n    t.*,\n    1 AS duration\nFROM\n"
                         "    traces t\n"),
    ("0002_traces_add_createdat", '-- AlterTable\nALTER TABLE "traces" ADD COLUMN     "created_at" TIMESTAMP(3) '
                                  'NOT NULL DEFAULT CURRENT_TIMESTAMP;\n'),
    ("0003_other", 'CREATE TABLE "other" ("id" INTEGER NOT NULL);\n'),
]


def test_a_star_view_keeps_the_columns_of_when_it_was_made(pg_available: bool, tmp_path: Path) -> None:
    out = write_sql_folder(tmp_path, MIGRATIONS)
    config = load_config(tmp_path / "mizzle.toml")
    rebuild_snapshots(config, scratch_url=url_for("postgres"))
    snap = json.loads((out / "meta" / "0002_snapshot.json").read_text())
    assert "created_at" not in snap["views"]["public.traces_view"]["definition"]
    result = verify(config, scratch_url=url_for("postgres"))
    assert [s.changes for s in result.steps if s.changes] == []
    assert result.ok

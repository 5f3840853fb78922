"""drizzle-kit 1.x's layout names every migration's file `migration.sql`: a failure must name the migration's
folder too (`<tag>/migration.sql`), not the bare file name, which says nothing about which of a hundred
migrations failed (fedify-dev/hollo's drizzle/, replayed on PostgreSQL 15, where any_value does not exist)."""

from __future__ import annotations

import os
from pathlib import Path

import mizzle_fork

A = "20240101000000_a"
B = "20240102000000_b"


def test_a_failing_migration_of_the_1x_layout_is_named_by_its_folder(tmp_path: Path) -> None:
    out = tmp_path / "migrations"
    for tag, sql in ((A, "CREATE TABLE a (id integer PRIMARY KEY);"),
                     (B, "CREATE TABLE b (id integer PRIMARY KEY);\n--> statement-breakpoint\n"
                         "INSERT INTO nope VALUES (1);")):
        (out / tag).mkdir(parents=True)
        (out / tag / "migration.sql").write_text(sql + "\n", encoding="utf-8")
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nout = "migrations"\nurl = "sqlite:///app.db"\n')
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    p = mizzle_fork.run(["migrate"], cwd=tmp_path, env=env, timeout=60)
    assert p.returncode == 1, p.stderr
    assert f"error: {B}/migration.sql failed at statement 2 of 2: no such table: nope" in p.stderr, p.stderr

"""A migration `drizzle-kit pull` wrote: the schema it read, inside `/*` … `*/` under drizzle-kit's two comment lines
(satwikShresth/OpenMario's packages/db 0000_late_tiger_shark). migrate failed with PostgreSQL's "unterminated /*
comment" alone; it now says where the file comes from and what to do with it, as `mizzle check` does."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import CliResult, MigrationsDir

pytestmark = pytest.mark.pg

PULLED = ("-- Current sql file was generated after introspecting the database\n"
          "-- If you want to run this migration please uncomment this code before executing migrations\n"
          "/*\nCREATE TABLE \"t\" (\n\t\"id\" integer PRIMARY KEY NOT NULL\n);\n--> statement-breakpoint\n"
          "CREATE TABLE \"u\" (\n\t\"id\" integer PRIMARY KEY NOT NULL\n);\n*/")


def test_migrate_names_pulls_commented_out_schema(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                                   run_mizzle: Callable[..., CliResult]) -> None:
    tag = migrations_dir.add(PULLED, name="pulled")
    r = run_mizzle(["migrate"], cwd=migrations_dir.path.parent, url=pg_url())
    assert r.code != 0 and "unterminated /* comment" in r.stderr, r.stderr
    assert "drizzle-kit pull" in r.stderr and f"mizzle baseline --to {tag}" in r.stderr, r.stderr

"""A database Prisma Migrate built, taken over by mizzle with `out` pointed at the Prisma folder
(documenso/documenso's prisma/migrations, 163 migrations, all listed in `_prisma_migrations`). `status` said
"163 pending" and `migrate` ran the first migration into "type ... already exists": Prisma's record of what it
applied was not read. A migration that happens to run again without error (an `IF NOT EXISTS`, an UPDATE) would
have been applied twice. Both now name Prisma's record and the commands adopting it, and `migrate` refuses (exit 3)
before running anything, as for Wrangler's d1_migrations."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

pytestmark = pytest.mark.pg

LOCK = 'provider = "postgresql"\n'

# Prisma Migrate's own table (prisma-engines' schema-engine, postgres flavour)
PRISMA_TABLE = """CREATE TABLE "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)"""

STEPS = {
    "20240101000000_init": 'CREATE TYPE "Plan" AS ENUM (\'FREE\', \'PAID\');\n'
                           'CREATE TABLE "Shop" ("id" TEXT NOT NULL, "plan" "Plan" NOT NULL DEFAULT \'FREE\', '
                           'CONSTRAINT "Shop_pkey" PRIMARY KEY ("id"));\n',
    "20240102000000_counter": 'CREATE TABLE IF NOT EXISTS "Counter" ("n" INTEGER NOT NULL);\n',
    "20240103000000_owner": 'ALTER TABLE "Shop" ADD COLUMN "owner" TEXT;\n',
}


def _prisma_built(tmp_path: Path, url: str, applied: list[str], failed: str | None = None) -> Path:
    """The Prisma folder, and the database as `prisma migrate deploy` leaves it: `applied` run and recorded as
    finished; `failed` recorded as started and never finished (Prisma's P3009 state)."""
    folder = tmp_path / "prisma" / "migrations"
    for name, sql in STEPS.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "migration.sql").write_text(sql)
    (folder / "migration_lock.toml").write_text(LOCK)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["models.py"]\n'
                                          'out = "prisma/migrations"\n')
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(PRISMA_TABLE)
        for i, name in enumerate(applied):
            c.execute(STEPS[name])
            c.execute("INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, "
                      "applied_steps_count) VALUES (%s, 'x', now(), %s, 1)", (f"id{i}", name))
        if failed:
            c.execute("INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('f', 'x', %s)",
                      (failed,))
    return folder


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as c:
        return {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def test_status_and_migrate_name_prismas_record(tmp_path: Path, pg_url: Callable[..., str],
                                                run_mizzle: Any) -> None:
    url = pg_url()
    names = list(STEPS)
    _prisma_built(tmp_path, url, names[:2])

    r = run_mizzle(["status", "--json"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    other = json.loads(r.stdout)["other_history"]
    assert other["table"] == "_prisma_migrations" and other["tool"] == "Prisma Migrate", other
    assert (other["records"], other["of"], other["last"]) == (2, 3, names[1])
    r = run_mizzle(["status"], cwd=tmp_path, url=url)
    assert f"_prisma_migrations (Prisma Migrate's) records 2 of this folder's 3 migrations as applied, the last " \
           f"{names[1]}" in r.stderr
    assert "applied by Prisma Migrate (_prisma_migrations lists it)" in r.stdout
    # the folder has no snapshots: baseline needs them rebuilt first, and the hint says so
    assert "mizzle check --rebuild-snapshots" in r.stderr

    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 3, r.stdout + r.stderr
    assert "_prisma_migrations (Prisma Migrate's) records 2 of this folder's 3 migrations" in r.stderr
    assert "already exists" not in r.stderr and "mizzle check --rebuild-snapshots" in r.stderr
    assert "owner" not in {c for c in _columns(url, "Shop")}

    r = run_mizzle(["check", "--rebuild-snapshots"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["baseline", "--to", names[1]], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert "owner" in _columns(url, "Shop") and {"Shop", "Counter", "_prisma_migrations"} <= _tables(url)


def test_a_failed_or_rolled_back_prisma_migration_is_not_taken_for_applied(tmp_path: Path, pg_url: Callable[..., str],
                                                                          run_mizzle: Any) -> None:
    """Prisma's row of a migration that failed (finished_at null) or was marked rolled back says it is not applied."""
    url = pg_url()
    names = list(STEPS)
    _prisma_built(tmp_path, url, names[:1], failed=names[1])
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, rolled_back_at) "
                  "VALUES ('r', 'x', now(), %s, now())", (names[2],))
    r = run_mizzle(["status", "--json"], cwd=tmp_path, url=url)
    other = json.loads(r.stdout)["other_history"]
    assert (other["records"], other["last"]) == (1, names[0]), other


def test_an_applications_own_table_of_that_name_is_not_read(tmp_path: Path, pg_url: Callable[..., str],
                                                            run_mizzle: Any) -> None:
    url = pg_url()
    _prisma_built(tmp_path, url, [])
    with psycopg.connect(url, autocommit=True) as c:
        c.execute('DROP TABLE "_prisma_migrations"')
        c.execute('CREATE TABLE "_prisma_migrations" (migration_name TEXT)')
        c.execute("INSERT INTO _prisma_migrations VALUES ('20240101000000_init')")
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr


def _columns(url: str, table: str) -> set[str]:
    with psycopg.connect(url) as c:
        return {r[0] for r in c.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                                        (table,))}


def test_a_pulled_baseline_on_another_prisma_built_database_points_to_baseline(
        tmp_path: Path, pg_url: Callable[..., str], run_mizzle: Any) -> None:
    """The team pulled one database into a new folder (0000_baseline); another database Prisma built lists none of
    that folder's migrations: the warning says how to adopt it, and the baseline fails whole, changing nothing."""
    url, other = pg_url(), pg_url()
    _prisma_built(tmp_path, url, list(STEPS))
    _prisma_built(tmp_path / "second", other, list(STEPS))
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["models.py"]\nout = "drizzle"\n')
    r = run_mizzle(["pull"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["migrate"], cwd=tmp_path, url=other)
    assert r.code == 1, r.stdout + r.stderr
    assert "_prisma_migrations (Prisma Migrate's) lists 3 migrations, none of them a file of this folder" in r.stderr
    assert "`mizzle baseline` records them as applied" in r.stderr
    r = run_mizzle(["baseline"], cwd=tmp_path, url=other)
    assert r.code == 0, r.stdout + r.stderr

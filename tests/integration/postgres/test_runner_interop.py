"""Acceptance 4: mizzle and drizzle-orm's own migrator (tests/interop/migrate.mjs) take turns on one database.

Each finishes what the other started, neither re-applies anything afterwards, every migration is recorded
once with the hash both compute, and migrations drizzle-orm skipped are listed and run only on request."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from conftest import CliResult, MigrationsDir, statements

from mizzle.migrations.folder import migration_hash, read_sql_text

pytestmark = [pytest.mark.pg, pytest.mark.interop]

INTEROP = Path(__file__).parents[2] / "interop"


def six_migrations(d: MigrationsDir) -> None:
    d.add(statements('CREATE TABLE "users" ("id" serial PRIMARY KEY, "email" text NOT NULL)',
                     'CREATE UNIQUE INDEX "users_email_idx" ON "users" ("email")'), name="users")
    d.add('-- café ✓ non-ASCII and CRLF line endings\r\nCREATE TABLE "posts" ("id" serial PRIMARY KEY,\r\n'
          '  "user_id" integer REFERENCES "users" ("id"));\r\n', name="posts")
    d.add("CREATE TYPE \"mood\" AS ENUM ('ok', 'meh');", name="mood")
    d.add('ALTER TABLE "users" ADD COLUMN "mood" "mood";', name="user_mood")
    d.add(statements('CREATE TABLE "tags" ("id" serial PRIMARY KEY)', 'ALTER TABLE "posts" ADD COLUMN "tag_id" integer'),
          name="tags")
    d.add('CREATE INDEX "posts_user_idx" ON "posts" ("user_id");', name="posts_idx")


def prefix_folder(d: MigrationsDir, n: int, dest: Path) -> Path:
    """A copy of the folder whose journal lists only the first n entries (what a branch had then)."""
    shutil.copytree(d.path, dest)
    journal = json.loads((dest / "meta" / "_journal.json").read_text())
    journal["entries"] = journal["entries"][:n]
    (dest / "meta" / "_journal.json").write_text(json.dumps(journal))
    for p in dest.glob("*.sql"):
        if p.stem not in {e["tag"] for e in journal["entries"]}:
            p.unlink()
    return dest


def rows(url: str) -> list[tuple[str, int]]:
    with psycopg.connect(url, autocommit=True) as c:
        return c.execute('SELECT hash, created_at FROM "drizzle"."__drizzle_migrations" ORDER BY created_at').fetchall()


def assert_recorded_once_with_shared_hashes(url: str, d: MigrationsDir) -> None:
    expected = [(migration_hash(read_sql_text(d.sql_path(e["tag"]))), e["when"]) for e in d.entries]  # type: ignore[arg-type]
    assert rows(url) == expected


def test_drizzle_starts_mizzle_finishes(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                        run_mizzle: Callable[..., CliResult], drizzle_migrate, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = pg_url()
    six_migrations(migrations_dir)
    half = prefix_folder(migrations_dir, 3, tmp_path / "half")
    r = drizzle_migrate(url, half)
    assert r.returncode == 0, r.stderr
    assert len(rows(url)) == 3
    cwd = migrations_dir.path.parent
    m = run_mizzle(["migrate"], cwd=cwd, url=url)
    assert m.code == 0, m.stderr
    assert m.stdout.count(": applied in ") == 3
    st = run_mizzle(["status"], cwd=cwd, url=url)
    assert st.code == 0 and "(by drizzle-orm)" in st.stdout
    again = run_mizzle(["migrate"], cwd=cwd, url=url)
    assert again.code == 0 and "nothing to do: 6 migration(s) applied" in again.stdout
    r = drizzle_migrate(url, migrations_dir.path)
    assert r.returncode == 0, r.stderr
    assert_recorded_once_with_shared_hashes(url, migrations_dir)


def test_mizzle_starts_drizzle_finishes(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                        run_mizzle: Callable[..., CliResult], drizzle_migrate) -> None:  # type: ignore[no-untyped-def]
    url = pg_url()
    six_migrations(migrations_dir)
    cwd = migrations_dir.path.parent
    m = run_mizzle(["migrate", "--to", migrations_dir.tags[2]], cwd=cwd, url=url)
    assert m.code == 0, m.stderr
    r = drizzle_migrate(url, migrations_dir.path)
    assert r.returncode == 0, r.stderr
    assert_recorded_once_with_shared_hashes(url, migrations_dir)
    r = drizzle_migrate(url, migrations_dir.path)
    assert r.returncode == 0 and len(rows(url)) == 6
    again = run_mizzle(["migrate"], cwd=cwd, url=url)
    assert again.code == 0 and "nothing to do: 6 migration(s) applied" in again.stdout, again.stderr
    assert_recorded_once_with_shared_hashes(url, migrations_dir)
    with psycopg.connect(url, autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'posts_user_idx'").fetchone() == (1,)


def test_entries_drizzle_skipped_are_listed_and_run_only_with_the_flag(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir, run_mizzle: Callable[..., CliResult],
        drizzle_migrate) -> None:  # type: ignore[no-untyped-def]
    url = pg_url()
    d = migrations_dir
    d.add('CREATE TABLE "a" ("id" integer);', name="a", when=1_700_000_001_000)
    d.add('CREATE TABLE "c" ("id" integer);', name="c", when=1_700_000_003_000)
    assert drizzle_migrate(url, d.path).returncode == 0
    # a branch merged later brings a migration generated before "c"
    d.add('CREATE TABLE "b" ("id" integer);', name="b_from_branch", when=1_700_000_002_000)
    r = drizzle_migrate(url, d.path)
    assert r.returncode == 0  # drizzle-orm reports success …
    assert len(rows(url)) == 2  # … and silently skipped it
    cwd = d.path.parent
    st = run_mizzle(["status"], cwd=cwd, url=url)
    assert "0002_b_from_branch" in st.stdout and "skipped by drizzle-orm" in st.stdout
    m = run_mizzle(["migrate"], cwd=cwd, url=url)
    assert m.code == 3 and "skipped by drizzle-orm" in m.stderr and "--include-skipped" in m.stderr
    assert len(rows(url)) == 2
    m = run_mizzle(["migrate", "--include-skipped"], cwd=cwd, url=url)
    assert m.code == 0, m.stderr
    assert "0002_b_from_branch: applied" in m.stdout
    assert sorted(rows(url), key=lambda r: r[1]) == sorted(
        [(migration_hash(read_sql_text(d.sql_path(t))), int(e["when"]))  # type: ignore[call-overload]
         for t, e in zip(d.tags, d.entries, strict=True)], key=lambda r: r[1])
    assert drizzle_migrate(url, d.path).returncode == 0 and len(rows(url)) == 3
    assert run_mizzle(["migrate"], cwd=cwd, url=url).code == 0


def test_drizzle_runs_every_pending_migration_in_one_transaction(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir, run_mizzle: Callable[..., CliResult],
        drizzle_migrate, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """lraulin/planner's folder: 0002 adds the value 'postponed' to an enum, 0019 sets rows to it. drizzle-orm's
    migrator applies every pending migration in one transaction, so on a new database PostgreSQL refuses the use
    ("unsafe use of new value"), though each file alone is fine; mizzle migrate commits each migration and applies
    the folder. docs/guides/drizzle-kit.md said drizzle-orm ran each file in a transaction of its own."""
    migrations_dir.add(statements("CREATE TYPE \"state\" AS ENUM ('open', 'done')",
                                  'CREATE TABLE "nodes" ("id" serial PRIMARY KEY, "state" "state" NOT NULL)',
                                  "INSERT INTO \"nodes\" (\"state\") VALUES ('open')"), name="nodes")
    migrations_dir.add("ALTER TYPE \"state\" ADD VALUE 'postponed';", name="postponed")
    migrations_dir.add("UPDATE \"nodes\" SET \"state\" = 'postponed';", name="postpone_all")
    r = drizzle_migrate(pg_url(), migrations_dir.path)
    assert r.returncode != 0 and "unsafe use of new value" in r.stderr, (r.stdout, r.stderr)
    url = pg_url()  # the same folder in two runs of drizzle-orm's: each run commits
    assert drizzle_migrate(url, prefix_folder(migrations_dir, 2, tmp_path / "two")).returncode == 0
    r = drizzle_migrate(url, migrations_dir.path)
    assert r.returncode == 0, r.stderr
    m = run_mizzle(["migrate"], cwd=migrations_dir.path.parent, url=pg_url())
    assert m.code == 0, m.stderr

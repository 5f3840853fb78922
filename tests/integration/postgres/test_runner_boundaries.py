"""Commit boundaries a file sets without a mizzle directive (issue 15 items 3 and 9): its own `COMMIT;` (END; a
BEGIN or START TRANSACTION is none: the file already runs in a transaction), and drizzle-kit's `ALTER TYPE … ADD VALUE` followed by a use of the new value.
Each commits the part before it with progress recorded, so the report after a failure is true and a rerun
resumes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from conftest import CliResult, MigrationsDir

pytestmark = pytest.mark.pg


def tables(url: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as c:
        return {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


@pytest.mark.parametrize("mode", ["each", "all"])
def test_explicit_commit_is_a_boundary(mode: str, pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                       run_mizzle: Callable[..., CliResult]) -> None:
    url = pg_url()
    migrations_dir.add('CREATE TABLE "z" ("id" integer);', name="z")
    tag = migrations_dir.add('CREATE TABLE "a" ("id" integer);\nCOMMIT;\nCREATE TABLE "b" ("id" integer);\n'
                             "SELECT 1/0;", name="commit")
    cwd = migrations_dir.path.parent
    r = run_mizzle(["migrate", "--transaction", mode, "--json"], cwd=cwd, url=url)
    assert r.code == 1, r.stderr
    out = json.loads(r.stdout)
    assert "division by zero" in out["error"]
    # the truth: what came before the COMMIT stays (and, under `all`, the migration before it, committed with
    # it); what came after was rolled back
    assert tables(url) == {"z", "a"}
    assert "statements 1–1" in r.stderr and "stay applied and are recorded" in r.stderr, r.stderr
    assert "left no trace" not in r.stderr
    st = run_mizzle(["status", "--json"], cwd=cwd, url=url)
    state = {m["tag"]: m for m in json.loads(st.stdout)["migrations"]}[tag]
    assert state["state"] == "partly applied" and "resumes at 2" in (state.get("note") or ""), state
    # fix the statement after the boundary: the rerun resumes there (no "already exists")
    p = migrations_dir.path / f"{tag}.sql"
    p.write_text(p.read_text().replace("SELECT 1/0;", "SELECT 1;"))
    again = run_mizzle(["migrate"], cwd=cwd, url=url)
    assert again.code == 0, again.stderr
    assert tables(url) == {"z", "a", "b"}
    assert run_mizzle(["migrate", "--json"], cwd=cwd, url=url).stdout.count('"nothing_to_do": true') == 1


def test_a_begin_in_the_file_is_no_boundary(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                           run_mizzle: Callable[..., CliResult]) -> None:
    # drizzle-orm runs the file in its transaction: the BEGIN does nothing (PostgreSQL warns), and the failure after
    # it rolls back the table made before it. mizzle committed that table as "statements 1–1 stay applied"
    # (wundergraph/cosmo's folder has twelve BEGIN … COMMIT blocks)
    url = pg_url()
    migrations_dir.add('CREATE TABLE "a" ("x" integer);--> statement-breakpoint\nBEGIN;--> statement-breakpoint\n'
                       "SELECT 1/0;", name="begin")
    cwd = migrations_dir.path.parent
    r = run_mizzle(["migrate"], cwd=cwd, url=url)
    assert r.code == 1 and "division by zero" in r.stderr, r.stderr
    assert tables(url) == set() and "stay applied" not in r.stderr, r.stderr
    # its own COMMIT still is one: the block BEGIN … COMMIT commits with what came before it, as under drizzle-orm
    p = next(migrations_dir.path.glob("0000_*.sql"))
    p.write_text('CREATE TABLE "a" ("x" integer);\nBEGIN;\nCREATE TABLE "b" ("x" integer);\nCOMMIT;\n'
                 'BEGIN;\nCREATE TABLE "c" ("x" integer);\nSELECT 1/0;\nCOMMIT;')
    r = run_mizzle(["migrate"], cwd=cwd, url=url)
    assert r.code == 1 and "statements 1–2" in r.stderr, r.stderr
    assert tables(url) == {"a", "b"}
    lint = run_mizzle(["lint", "--json"], cwd=cwd, url=url)
    found = [f["message"] for f in json.loads(lint.stdout)["findings"] if f["rule"] == "MZ304"]
    assert any(m.startswith("`BEGIN` in the file: the file already runs in a transaction") for m in found), found


DRIZZLE_KIT_ENUM = (  # what drizzle-kit 0.31 writes for a new enum value used as the new default
    "ALTER TYPE \"public\".\"role\" ADD VALUE 'guest';--> statement-breakpoint\n"
    "ALTER TABLE \"users\" ALTER COLUMN \"role\" SET DEFAULT 'guest';--> statement-breakpoint\n"
    "UPDATE \"users\" SET \"role\" = 'guest' WHERE \"role\" IS NULL;")


def test_drizzle_kits_add_value_applies_and_resumes(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                                    run_mizzle: Callable[..., CliResult],
                                                    drizzle_migrate: Callable[[str, Path], object]) -> None:
    migrations_dir.add("CREATE TYPE \"public\".\"role\" AS ENUM('admin', 'user');--> statement-breakpoint\n"
                       "CREATE TABLE \"users\" (\"id\" integer, \"role\" \"role\");\n"
                       "INSERT INTO \"users\" VALUES (1, NULL);", name="init")
    tag = migrations_dir.add(DRIZZLE_KIT_ENUM, name="guest")
    cwd = migrations_dir.path.parent
    # drizzle-orm's migrator runs the file in one transaction: PostgreSQL refuses the new value there
    orm_url = pg_url()
    orm = drizzle_migrate(orm_url, migrations_dir.path)
    assert orm.returncode != 0 and "unsafe use of new value" in orm.stderr + orm.stdout  # type: ignore[attr-defined]
    url = pg_url()
    r = run_mizzle(["migrate"], cwd=cwd, url=url)
    assert r.code == 0, r.stderr
    with psycopg.connect(url, autocommit=True) as c:
        assert c.execute('SELECT "role"::text FROM "users"').fetchall() == [("guest",)]
    # a failure after the boundary keeps the ADD VALUE, recorded, and a rerun resumes after it
    url2 = pg_url()
    p = migrations_dir.path / f"{tag}.sql"
    p.write_text(DRIZZLE_KIT_ENUM.replace("WHERE", "WHERE 1/0 = 1 AND"))
    failed = run_mizzle(["migrate"], cwd=cwd, url=url2)
    assert failed.code == 1 and "statements 1–1" in failed.stderr, failed.stderr
    p.write_text(DRIZZLE_KIT_ENUM)
    resumed = run_mizzle(["migrate"], cwd=cwd, url=url2)
    assert resumed.code == 0, resumed.stderr
    assert "already exists" not in resumed.stderr


def test_concurrently_after_an_explicit_commit(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                              run_mizzle: Callable[..., CliResult],
                                              drizzle_migrate: Callable[[str, Path], object]) -> None:
    # after its COMMIT, drizzle-orm runs the rest outside a transaction, so CONCURRENTLY works there; so does mizzle
    migrations_dir.add('CREATE TABLE "a" ("x" integer);--> statement-breakpoint\nCOMMIT;--> statement-breakpoint\n'
                       'CREATE INDEX CONCURRENTLY "a_x" ON "a" ("x");', name="concurrently")
    cwd = migrations_dir.path.parent
    orm_url, url = pg_url(), pg_url()
    assert drizzle_migrate(orm_url, migrations_dir.path).returncode == 0  # type: ignore[attr-defined]
    r = run_mizzle(["migrate"], cwd=cwd, url=url)
    assert r.code == 0, r.stderr
    lint = run_mizzle(["lint", "--json"], cwd=cwd)
    found = {f["rule"] for f in json.loads(lint.stdout)["findings"]}
    assert "MZ304" in found and "MZ302" not in found, found
    with psycopg.connect(url, autocommit=True) as c:
        assert c.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'a_x'::regclass").fetchone() == (True,)


def test_concurrently_statements_later_after_an_explicit_commit(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir, run_mizzle: Callable[..., CliResult],
        drizzle_migrate: Callable[[str, Path], object]) -> None:
    # a real team's pattern: COMMIT, a setting, then several CONCURRENTLY statements and a setting again; drizzle-orm
    # runs all of it outside a transaction after the COMMIT. mizzle ran the SET in a new transaction and then sent
    # CREATE INDEX CONCURRENTLY into it ("cannot run inside a transaction block")
    migrations_dir.add('CREATE TABLE "a" ("x" integer, "y" integer);\nCREATE INDEX "a_y" ON "a" ("y");', name="init")
    migrations_dir.add('-- build the index without blocking writes — the runner\'s convention\n'
                       'COMMIT;--> statement-breakpoint\nSET lock_timeout = 0;--> statement-breakpoint\n'
                       'CREATE INDEX CONCURRENTLY IF NOT EXISTS "a_x" ON "a" ("x");--> statement-breakpoint\n'
                       'DROP INDEX CONCURRENTLY IF EXISTS "a_y";--> statement-breakpoint\n'
                       'ALTER TABLE "a" ADD COLUMN "z" integer;--> statement-breakpoint\n'
                       "SET lock_timeout = '5s';", name="concurrently")
    cwd = migrations_dir.path.parent
    orm_url, url = pg_url(), pg_url()
    assert drizzle_migrate(orm_url, migrations_dir.path).returncode == 0  # type: ignore[attr-defined]
    r = run_mizzle(["migrate"], cwd=cwd, url=url)
    assert r.code == 0, r.stderr
    for u in (orm_url, url):
        with psycopg.connect(u, autocommit=True) as c:
            assert c.execute("SELECT indexrelid::regclass::text, indisvalid FROM pg_index "
                             "WHERE indrelid = 'a'::regclass").fetchall() == [("a_x", True)]
            assert c.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'a' "
                             "AND column_name = 'z'").fetchone() == (1,)
    assert run_mizzle(["migrate", "--json"], cwd=cwd, url=url).stdout.count('"nothing_to_do": true') == 1
    lint = run_mizzle(["lint", "--json"], cwd=cwd)
    assert "MZ302" not in {f["rule"] for f in json.loads(lint.stdout)["findings"]}

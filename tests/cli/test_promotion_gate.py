"""The promotion gate: `mizzle migrate --env production --require-applied-in staging` refuses (exit 6), before
running anything, every migration staging has not applied with the same hash. Two real databases stand for
staging and production."""

from __future__ import annotations

import json

import psycopg
import pytest
from conftest import MigrationsDir, statements
from pgtools import drain_drops

pytestmark = pytest.mark.pg

CONFIG = '''dialect = "postgresql"
out = "drizzle"

[environments.staging]
url_env = "STAGING_DATABASE_URL"
[environments.production]
url_env = "PRODUCTION_DATABASE_URL"
'''


def _applied(url: str) -> list[str]:
    with psycopg.connect(url) as c:
        if c.execute("SELECT to_regclass('drizzle.__drizzle_migrations')").fetchone()[0] is None:  # type: ignore[index]
            return []
        return [r[0] for r in c.execute("SELECT hash FROM drizzle.__drizzle_migrations ORDER BY created_at")]


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as c:
        return {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def test_production_only_applies_what_staging_applied_with_the_same_hash(migrations_dir: MigrationsDir, pg_url,
                                                                          run_mizzle) -> None:
    root = migrations_dir.path.parent
    (root / "mizzle.toml").write_text(CONFIG, encoding="utf-8")
    staging, production = pg_url("mzstg"), pg_url("mzprd")
    env = {"STAGING_DATABASE_URL": staging, "PRODUCTION_DATABASE_URL": production}

    def mizzle(*args: str):  # type: ignore[no-untyped-def]
        return run_mizzle(list(args), cwd=root, env=env)

    migrations_dir.add(statements('CREATE TABLE "a" ("id" integer PRIMARY KEY)'), "a")
    migrations_dir.add(statements('CREATE TABLE "b" ("id" integer PRIMARY KEY)'), "b")

    # nothing in staging yet: production refuses both, naming each, and applies nothing
    r = mizzle("migrate", "--env", "production", "--require-applied-in", "staging")
    assert r.code == 6, r.stderr
    assert "0000_a: not applied in staging" in r.stderr and "0001_b: not applied in staging" in r.stderr
    assert _applied(production) == [] and _tables(production) == set()

    r = mizzle("migrate", "--env", "staging")
    assert r.code == 0, r.stderr
    r = mizzle("migrate", "--env", "production", "--require-applied-in", "staging")
    assert r.code == 0, r.stderr
    assert _tables(production) == {"a", "b"}
    assert _applied(production) == _applied(staging)

    # two more migrations reach staging; then one of them is edited before the production run
    migrations_dir.add(statements('CREATE TABLE "c" ("id" integer PRIMARY KEY)'), "c")
    d = migrations_dir.add(statements('CREATE TABLE "d" ("id" integer PRIMARY KEY)'), "d")
    assert mizzle("migrate", "--env", "staging").code == 0
    staged_text = migrations_dir.sql_path(d).read_text(encoding="utf-8")
    migrations_dir.sql_path(d).write_text(
        statements('CREATE TABLE "d" ("id" integer PRIMARY KEY, "note" text)'), encoding="utf-8")
    migrations_dir.add(statements('CREATE TABLE "e" ("id" integer PRIMARY KEY)'), "e")  # never reached staging

    for extra in ((), ("--dry-run",)):
        r = mizzle("migrate", "--env", "production", "--require-applied-in", "staging", *extra)
        assert r.code == 6, r.stderr
        first = r.first_error_line
        assert "promotion gate" in first and "0003_d" in first and "0004_e" in first and "0002_c" not in first
        assert "0003_d: applied in staging with a different hash" in r.stderr
        assert "the file changed since it was applied in staging" in r.stderr
        assert "0004_e: not applied in staging" in r.stderr
        assert "Traceback" not in r.stderr
    # before running anything: not even 0002_c, which staging did apply with the same hash
    assert _tables(production) == {"a", "b"} and len(_applied(production)) == 2

    # --json: one document on stdout, with the refusal and each migration's reason
    r = mizzle("migrate", "--env", "production", "--require-applied-in", "staging", "--json")
    assert r.code == 6
    doc = json.loads(r.stdout)
    assert doc["ok"] is False and "promotion gate" in doc["error"] and doc["applied"] == 0
    notes = {m["tag"]: m["notes"] for m in doc["migrations"]}
    assert notes["0002_c"] == [] and "different hash" in notes["0003_d"][0] and notes["0004_e"]
    assert {m["status"] for m in doc["migrations"]} == {"not run"}

    # a URL works too; restoring the file as staging ran it lets exactly the promoted migrations through
    migrations_dir.sql_path(d).write_text(staged_text, encoding="utf-8")
    r = mizzle("migrate", "--env", "production", "--require-applied-in", staging, "--to", "0003_d")
    assert r.code == 0, r.stderr
    assert _tables(production) == {"a", "b", "c", "d"}
    assert _applied(production) == _applied(staging)
    r = mizzle("migrate", "--env", "production", "--require-applied-in", "staging")
    assert r.code == 6 and "0004_e: not applied in staging" in r.stderr


def test_gate_argument_errors(migrations_dir: MigrationsDir, pg_url, run_mizzle) -> None:
    root = migrations_dir.path.parent
    (root / "mizzle.toml").write_text(CONFIG, encoding="utf-8")
    production = pg_url("mzprd")
    migrations_dir.add(statements('CREATE TABLE "a" ("id" integer PRIMARY KEY)'), "a")
    env = {"PRODUCTION_DATABASE_URL": production}
    r = run_mizzle(["migrate", "--env", "production", "--require-applied-in", "stagign"], cwd=root, env=env)
    assert r.code == 2 and "stagign" in r.stderr and "staging" in r.stderr and _applied(production) == []
    # staging's URL variable unset: a usage error naming it, before anything runs
    r = run_mizzle(["migrate", "--env", "production", "--require-applied-in", "staging"], cwd=root, env=env)
    assert r.code == 2 and "STAGING_DATABASE_URL" in r.first_error_line and _applied(production) == []
    # an unreachable reference database: exit 5, password masked, nothing applied
    bad = "postgresql://postgres:s3cret@127.0.0.1:1/staging"
    r = run_mizzle(["migrate", "--env", "production", "--require-applied-in", bad], cwd=root, env=env)
    assert r.code == 5, r.stderr
    assert "s3cret" not in r.stderr + r.stdout and _applied(production) == []


def test_gate_reads_staging_with_a_read_only_role(migrations_dir: MigrationsDir, pg_url, run_mizzle) -> None:
    import uuid

    from pgtools import admin

    root = migrations_dir.path.parent
    (root / "mizzle.toml").write_text(CONFIG, encoding="utf-8")
    staging, production = pg_url("mzstg"), pg_url("mzprd")
    migrations_dir.add(statements('CREATE TABLE "a" ("id" integer PRIMARY KEY)'), "a")
    assert run_mizzle(["migrate"], cwd=root, url=staging).code == 0
    role = f"mz_ro_{uuid.uuid4().hex[:8]}"
    staging_db = staging.rsplit("/", 1)[1]
    with admin() as c:
        c.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        with psycopg.connect(staging, autocommit=True) as c:  # what the README says the gate needs
            c.execute(f'GRANT USAGE ON SCHEMA drizzle TO "{role}"')
            c.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA drizzle TO "{role}"')
        readonly = staging.replace("postgres@", f"{role}@", 1)
        r = run_mizzle(["migrate", "--env", "production", "--require-applied-in", "staging"], cwd=root,
                       env={"STAGING_DATABASE_URL": readonly, "PRODUCTION_DATABASE_URL": production})
        assert r.code == 0, r.stderr
        assert _applied(production) == _applied(staging)
        with psycopg.connect(staging) as c:  # the gate wrote nothing there
            assert c.execute("SELECT count(*) FROM drizzle.__drizzle_migrations").fetchone() == (1,)
    finally:
        with psycopg.connect(staging, autocommit=True) as c:
            c.execute(f'DROP OWNED BY "{role}"')
        with admin() as c:
            c.execute(f'REVOKE ALL ON DATABASE "{staging_db}" FROM "{role}"')
            drain_drops()  # the databases queued for dropping hold grants to it
            c.execute(f'DROP ROLE "{role}"')


def test_gate_between_two_sqlite_files(tmp_path, run_mizzle) -> None:
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nout = "m"\n[environments.staging]\nurl = '
                                          '"sqlite:///staging.db"\n[environments.production]\nurl = "sqlite:///prod.db"\n')
    folder = tmp_path / "m"
    (folder / "meta").mkdir(parents=True)
    entries = []
    for i, tag in enumerate(("0000_a", "0001_b")):
        (folder / f"{tag}.sql").write_text(f"CREATE TABLE `{tag[-1]}` (`id` integer PRIMARY KEY);\n")
        entries.append({"idx": i, "version": "6", "when": 1_700_000_000_000 + i, "tag": tag, "breakpoints": True})
    (folder / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "sqlite",
                                                               "entries": entries}))
    assert run_mizzle(["migrate", "--env", "staging"], cwd=tmp_path).code == 0
    (folder / "0001_b.sql").write_text("CREATE TABLE `b` (`id` integer PRIMARY KEY, `x` text);\n")
    r = run_mizzle(["migrate", "--env", "production", "--require-applied-in", "staging"], cwd=tmp_path)
    assert r.code == 6 and "0001_b: applied in staging with a different hash" in r.stderr
    assert "0000_a" not in r.first_error_line
    r = run_mizzle(["migrate", "--env", "production", "--require-applied-in", "staging", "--to", "0000_a"],
                   cwd=tmp_path)
    assert r.code == 0 and "0000_a: applied" in r.stdout

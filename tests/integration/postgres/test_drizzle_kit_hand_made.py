"""A drizzle-kit folder whose SQL makes by hand what its snapshots cannot say (seen in a real project's folder, a
custom migration first: `CREATE SCHEMA IF NOT EXISTS …` and a function for its policies, the schema's tables
declared with a `pgSchema` the code does not export). Its snapshots list the tables in that schema but not the
schema, and no function (drizzle-kit has no field for one); the folder has no meta/_mizzle.json. verify and drift
see no difference: the schema is implied by the tables in it, the function is listed as not compared."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult, MigrationsDir
from pgtools import url_for

pytestmark = pytest.mark.pg

SQL = ('CREATE SCHEMA IF NOT EXISTS app;--> statement-breakpoint\n'
       "CREATE OR REPLACE FUNCTION current_tenant() RETURNS text AS $$\nBEGIN\n"
       "  RETURN current_setting('app.tenant', true);\nEND;\n$$ LANGUAGE plpgsql;--> statement-breakpoint\n"
       'CREATE TABLE "app"."items" (\n\t"id" integer PRIMARY KEY NOT NULL,\n\t"tenant" text\n);\n')


def snapshot() -> dict[str, object]:
    columns = {"id": {"name": "id", "type": "integer", "primaryKey": True, "notNull": True},
               "tenant": {"name": "tenant", "type": "text", "primaryKey": False, "notNull": False}}
    table = {"name": "items", "schema": "app", "columns": columns, "indexes": {}, "foreignKeys": {},
             "compositePrimaryKeys": {}, "uniqueConstraints": {}, "policies": {}, "checkConstraints": {},
             "isRLSEnabled": False}
    return {"id": "5d1c1c5e-0000-4000-8000-000000000001", "prevId": "00000000-0000-0000-0000-000000000000",
            "version": "7", "dialect": "postgresql", "tables": {"app.items": table}, "enums": {}, "schemas": {},
            "sequences": {}, "roles": {}, "policies": {}, "views": {},
            "_meta": {"columns": {}, "schemas": {}, "tables": {}}}


def test_hand_made_schema_and_function_are_no_difference(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                                          run_mizzle: Callable[..., CliResult]) -> None:
    migrations_dir.add(SQL, name="init")
    (migrations_dir.path / "meta" / "0000_snapshot.json").write_text(json.dumps(snapshot()), encoding="utf-8")
    cwd: Path = migrations_dir.path.parent
    v = run_mizzle(["verify", "--json", "--scratch-url", url_for("postgres")], cwd=cwd)
    assert v.code == 0, v.stderr
    doc = json.loads(v.stdout)
    assert [m["changes"] for m in doc["migrations"]] == [[]], doc
    assert any("1 functions: function current_tenant()" in u for u in doc["unmanaged"]), doc["unmanaged"]
    url = pg_url()
    assert run_mizzle(["migrate"], cwd=cwd, url=url).code == 0
    d = run_mizzle(["drift", "--json"], cwd=cwd, url=url)
    assert d.code == 0, d.stdout + d.stderr
    doc = json.loads(d.stdout)
    assert doc["changes"] == [] and any("current_tenant()" in u for u in doc["unmanaged"]), doc
    # the same function in a folder with mizzle's sidecar is compared: its snapshot would record it
    (migrations_dir.path / "meta" / "_mizzle.json").write_text('{"version": 1}\n', encoding="utf-8")
    d = run_mizzle(["drift", "--json"], cwd=cwd, url=url)
    assert "+ function current_tenant()" in json.loads(d.stdout)["changes"], d.stdout


def test_after_mizzle_up_the_hand_made_function_is_still_no_difference(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir, run_mizzle: Callable[..., CliResult]) -> None:
    # PageSpace's folder (drizzle-kit 0.x, hand-made functions and triggers, no meta/_mizzle.json): after `mizzle up`,
    # whose meta/_mizzle.json holds only the journal's `whens`, drift reported every function, trigger and NOT VALID
    # constraint as a difference (it had listed them as not compared), and generate would have created the
    # functions the folder's SQL made a second time
    migrations_dir.add(SQL, name="init")
    (migrations_dir.path / "meta" / "0000_snapshot.json").write_text(json.dumps(snapshot()), encoding="utf-8")
    cwd: Path = migrations_dir.path.parent
    url = pg_url()
    assert run_mizzle(["migrate"], cwd=cwd, url=url).code == 0
    up = run_mizzle(["up"], cwd=cwd)
    assert up.code == 0, up.stderr
    side = json.loads((migrations_dir.path / "meta" / "_mizzle.json").read_text())
    assert set(side) == {"version", "whens"}, side  # what up writes into a folder that had none
    d = run_mizzle(["drift", "--json"], cwd=cwd, url=url)
    assert d.code == 0, d.stdout + d.stderr
    doc = json.loads(d.stdout)
    assert doc["changes"] == [] and any("current_tenant()" in u for u in doc["unmanaged"]), doc
    v = run_mizzle(["verify", "--json", "--scratch-url", url_for("postgres")], cwd=cwd)
    assert v.code == 0, v.stdout + v.stderr
    assert [m["changes"] for m in json.loads(v.stdout)["migrations"]] == [[]]


def test_a_folder_with_mizzles_sidecar_stays_mizzles_after_up(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir, run_mizzle: Callable[..., CliResult]) -> None:
    # the other side of the rule above: a folder that had mizzle's (empty) sidecar keeps comparing functions
    migrations_dir.add(SQL, name="init")
    (migrations_dir.path / "meta" / "0000_snapshot.json").write_text(json.dumps(snapshot()), encoding="utf-8")
    (migrations_dir.path / "meta" / "_mizzle.json").write_text('{"version": 1}\n', encoding="utf-8")
    cwd: Path = migrations_dir.path.parent
    url = pg_url()
    assert run_mizzle(["migrate"], cwd=cwd, url=url).code == 0
    assert run_mizzle(["up"], cwd=cwd).code == 0
    d = run_mizzle(["drift", "--json"], cwd=cwd, url=url)
    assert "+ function current_tenant()" in json.loads(d.stdout)["changes"], d.stdout


def test_baseline_takes_the_hand_made_function_as_drift_does(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir, run_mizzle: Callable[..., CliResult]) -> None:
    # SQLAlchemy-Continuum's native_versioning (PostgreSQL): its DDL listeners make audit functions and triggers
    # that create_all runs and no snapshot without mizzle's sidecar records. drift listed them as not compared,
    # but baseline of that very database refused (`+ function article_audit()`, exit 3)
    import psycopg

    migrations_dir.add(SQL, name="init")
    (migrations_dir.path / "meta" / "0000_snapshot.json").write_text(json.dumps(snapshot()), encoding="utf-8")
    cwd: Path = migrations_dir.path.parent
    url = pg_url()
    with psycopg.connect(url, autocommit=True) as c:
        for statement in SQL.split("--> statement-breakpoint"):
            c.execute(statement)
    b = run_mizzle(["baseline", "--json"], cwd=cwd, url=url)
    assert b.code == 0, b.stdout + b.stderr
    doc = json.loads(b.stdout)
    assert doc["checked"] and doc["marked"] == ["0000_init"], doc
    assert any("1 functions: function current_tenant()" in w for w in doc["warnings"]), doc
    d = run_mizzle(["drift", "--json"], cwd=cwd, url=url)
    assert d.code == 0 and json.loads(d.stdout)["changes"] == [], d.stdout + d.stderr

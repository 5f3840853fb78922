"""Schema per tenant on the real server: one folder of unqualified tenant tables applied into N schemas of one
database (shared tables qualified, in public), tracking and lock per schema; a tenant schema added later catches
up; targets from a control query returning schema names, from `schemas = [...]`, or `URL#schema=NAME` lines."""

from __future__ import annotations

import json

import psycopg
from conftest import statements


def _project(migrations_dir, url: str, fleet: str) -> None:  # type: ignore[no-untyped-def]
    root = migrations_dir.path.parent
    (root / "mizzle.toml").write_text(f'dialect = "postgresql"\nout = "drizzle"\nurl = "{url}"\n{fleet}',
                                      encoding="utf-8")
    migrations_dir.add(statements(
        'CREATE TABLE "accounts" ("id" serial PRIMARY KEY, "plan" text REFERENCES "public"."plans" ("name"))'),
        "accounts")
    migrations_dir.add(statements('ALTER TABLE "accounts" ADD COLUMN "email" text',
                                  'CREATE INDEX "accounts_email_idx" ON "accounts" ("email")'), "email")


def _tables(url: str, schema: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as c:
        return {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))}


def _tracking(url: str, schema: str) -> int:
    with psycopg.connect(url, autocommit=True) as c:
        row = c.execute(f'SELECT count(*) FROM "{schema}"."__drizzle_migrations"').fetchone()
        return int(row[0]) if row else 0


def test_tenant_schema_added_later_catches_up(pg_url, migrations_dir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    url = pg_url("mzfleetten")
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE public.plans (name text PRIMARY KEY)")  # shared, migrated by the app's own folder
        c.execute("CREATE TABLE public.tenants (schema_name text, active bool)")
        c.execute("INSERT INTO public.tenants VALUES ('tenant_a', true), ('tenant_b', true), ('tenant_x', false)")
    _project(migrations_dir, url, '[fleets.tenants]\nquery = "SELECT schema_name FROM public.tenants '
                                  'WHERE active ORDER BY 1"\n')
    root = migrations_dir.path.parent
    r = run_mizzle(["migrate", "--fleet", "tenants", "--parallel", "2", "--json"], cwd=root)
    assert r.code == 0, r.stderr
    rep = json.loads(r.stdout)
    assert [(t["url"].rsplit("#", 1)[1], t["applied"]) for t in rep["targets"]] == [
        ("schema=tenant_a", 2), ("schema=tenant_b", 2)]
    for s in ("tenant_a", "tenant_b"):
        assert {"accounts", "__drizzle_migrations"} <= _tables(url, s) and _tracking(url, s) == 2
    assert _tables(url, "public") == {"plans", "tenants"}  # nothing tenant-scoped leaked into public
    assert "tenant_x" not in {r[0] for r in psycopg.connect(url).execute(
        "SELECT nspname FROM pg_namespace")}

    with psycopg.connect(url, autocommit=True) as c:
        c.execute("INSERT INTO public.tenants VALUES ('tenant_c', true)")
    r = run_mizzle(["status", "--fleet", "tenants", "--json"], cwd=root)
    assert [(t["applied"], t["pending"]) for t in json.loads(r.stdout)["targets"]] == [(2, 0), (2, 0), (0, 2)]
    r = run_mizzle(["migrate", "--fleet", "tenants", "--json"], cwd=root)
    assert r.code == 0, r.stderr
    assert [t["applied"] for t in json.loads(r.stdout)["targets"]] == [0, 0, 2]
    assert "accounts" in _tables(url, "tenant_c") and _tracking(url, "tenant_c") == 2
    # the FK to the shared table really points at public.plans from every tenant
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("INSERT INTO public.plans VALUES ('pro')")
        c.execute("INSERT INTO tenant_c.accounts (plan, email) VALUES ('pro', 'a@b')")


def test_tenant_schemas_listed_statically_and_in_a_targets_file(pg_url, migrations_dir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    url = pg_url("mzfleetten")
    other = pg_url("mzfleetten")
    for u in (url, other):
        with psycopg.connect(u, autocommit=True) as c:
            c.execute("CREATE TABLE public.plans (name text PRIMARY KEY)")
    _project(migrations_dir, url, '[fleets.few]\nschemas = ["t1", "t2"]\n')
    root = migrations_dir.path.parent
    r = run_mizzle(["migrate", "--fleet", "few", "--json"], cwd=root)
    assert r.code == 0, r.stderr
    assert [t["applied"] for t in json.loads(r.stdout)["targets"]] == [2, 2]
    # a targets file mixing tenant schemas of two databases; t1 of the first is already done
    (root / "t.txt").write_text(f"{url}#schema=t1\n{other}#schema=t1\n{other}#schema=t9\n")
    r = run_mizzle(["migrate", "--targets", str(root / "t.txt"), "--json"], cwd=root)
    assert r.code == 0, r.stderr
    assert [t["applied"] for t in json.loads(r.stdout)["targets"]] == [0, 2, 2]
    assert "accounts" in _tables(other, "t9")
    (root / "bad.txt").write_text(f"{url}#schema=Bad Name\n")
    r = run_mizzle(["migrate", "--targets", str(root / "bad.txt")], cwd=root)
    assert r.code == 2 and "not a plain lower-case name" in r.first_error_line

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


# -- generate and drift for tenant folders (`tenant_schema` in the config) ---------------------------------------

_TENANT_CODE = '''
import sqlalchemy as sa

md = sa.MetaData()
plans = sa.Table("plans", md, sa.Column("name", sa.Text, primary_key=True), schema={shared})
accounts = sa.Table("accounts", md, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("plan", sa.Text, sa.ForeignKey({plans_ref})),
                    sa.Column("email", sa.Text, unique=True),
                    sa.Column("kind", sa.Enum("user", "admin", name="kind", schema={tenant})), schema={tenant})
sa.Index("accounts_kind_idx", accounts.c.kind)
posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("account_id", sa.Integer, sa.ForeignKey({accounts_ref})), schema={tenant})
'''


def _tenant_project(root, tenant: str | None, shared: str | None) -> str:  # type: ignore[no-untyped-def]
    """Schema code with one shared table and two tenant-scoped ones (tenant schema `tenant`, None: no schema),
    a config declaring `tenant_schema`, and the first migration generated; returns its SQL."""
    def ref(schema: str | None, col: str) -> str:
        return repr(f"{schema}.{col}" if schema else col)
    (root / "schema.py").write_text(_TENANT_CODE.format(
        shared=repr(shared), tenant=repr(tenant), plans_ref=ref(shared, "plans.name"),
        accounts_ref=ref(tenant, "accounts.id")), encoding="utf-8")
    (root / "mizzle.toml").write_text(
        f'dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\ntenant_schema = "{tenant or "public"}"\n',
        encoding="utf-8")



def _targets(root, url: str, names: list[str]):  # type: ignore[no-untyped-def]
    path = root / "tenants.txt"
    path.write_text("".join(f"{url}#schema={n}\n" for n in names), encoding="utf-8")
    return str(path)


def _fk_target(url: str, schema: str, table: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as c:
        return {r[0] for r in c.execute(
            "SELECT confrelid::regclass::text FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE c.contype = 'f' AND n.nspname = %s "
            "AND t.relname = %s", (schema, table))}


def test_generate_writes_tenant_tables_unqualified_and_drift_compares_each_tenant(  # type: ignore[no-untyped-def]
        pg_url, tmp_path, run_mizzle) -> None:
    root = tmp_path
    _tenant_project(root, "tenant", None)
    r = run_mizzle(["generate", "--name", "init"], cwd=root)
    assert r.code == 0, r.stderr
    sql = next((root / "drizzle").glob("0000_*.sql")).read_text()
    assert '"tenant"' not in sql and "CREATE SCHEMA" not in sql  # the runner creates each tenant's schema
    assert "+ table tenant.accounts" in r.stdout and "+ schema tenant" not in r.stdout
    assert 'CREATE TABLE "accounts"' in sql and 'CREATE TYPE "kind"' in sql and '"kind" "kind"' in sql
    assert 'REFERENCES "public"."plans"("name")' in sql  # the shared table stays qualified …
    assert 'REFERENCES "accounts"("id")' in sql and 'ON "accounts" USING btree' in sql
    assert 'CREATE TABLE "public"."plans"' not in sql and 'CREATE TABLE "plans"' not in sql  # … and is not created

    url = pg_url("mzfleetten")
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE public.plans (name text PRIMARY KEY)")  # the database's own folder made it
    targets = _targets(root, url, ["t_a", "t_b", "t_c"])
    r = run_mizzle(["migrate", "--targets", targets, "--parallel", "2", "--json"], cwd=root)
    assert r.code == 0, r.stderr
    assert [t["applied"] for t in json.loads(r.stdout)["targets"]] == [1, 1, 1]
    for s in ("t_a", "t_b", "t_c"):
        assert {"accounts", "posts"} <= _tables(url, s)
        assert _fk_target(url, s, "posts") == {f"{s}.accounts"} and _fk_target(url, s, "accounts") == {"plans"}

    r = run_mizzle(["drift", "--targets", targets, "--parallel", "2", "--json"], cwd=root)
    assert r.code == 0, r.stdout + r.stderr
    assert [t["changes"] for t in json.loads(r.stdout)["targets"]] == [[], [], []]

    with psycopg.connect(url, autocommit=True) as c:  # two tenants drift, each its own way
        c.execute("ALTER TABLE t_b.accounts ADD COLUMN nickname text")
        c.execute("ALTER TYPE t_c.kind ADD VALUE 'guest'")
    r = run_mizzle(["drift", "--targets", targets, "--parallel", "2", "--json"], cwd=root)
    assert r.code == 3, r.stderr
    rep = json.loads(r.stdout)
    assert [(t["status"], t["changes"]) for t in rep["targets"]] == [
        ("ok", []), ("failed", ["+ column t_b.accounts.nickname text"]),
        ("failed", ["~ enum t_c.kind: + value 'guest' after 'admin'"])]  # read-only: every tenant reported

    # the commands that work on one database's own schemas say they do not take a tenant folder (verify used to
    # replay it into a scratch database, without the shared tables: "relation public.plans does not exist")
    for cmd in (["verify"], ["check", "--rebuild-snapshots"], ["push", "--url", url], ["baseline", "--url", url]):
        r = run_mizzle(cmd, cwd=root)
        assert r.code == 2 and "does not work on a tenant folder" in r.stderr, (cmd, r.stderr)

    # the next migration of the code follows: unqualified too, and every tenant takes it
    code = (root / "schema.py").read_text().replace(
        'sa.Column("email", sa.Text, unique=True),', 'sa.Column("email", sa.Text, unique=True), sa.Column("age", sa.Integer),')
    (root / "schema.py").write_text(code)
    r = run_mizzle(["generate", "--name", "age"], cwd=root)
    assert r.code == 0, r.stderr
    assert next((root / "drizzle").glob("0001_*.sql")).read_text().startswith('ALTER TABLE "accounts" ADD COLUMN "age"')
    r = run_mizzle(["migrate", "--targets", targets, "--json"], cwd=root)
    assert r.code == 0 and [t["applied"] for t in json.loads(r.stdout)["targets"]] == [1, 1, 1], r.stderr
    r = run_mizzle(["drift", "--targets", targets, "--json"], cwd=root)
    assert [len(t["changes"]) for t in json.loads(r.stdout)["targets"]] == [0, 1, 1]


def test_tenant_tables_without_a_schema_and_shared_ones_in_their_own(pg_url, tmp_path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """`tenant_schema = "public"`: the tables the code declares with no schema are the tenant-scoped ones."""
    root = tmp_path
    _tenant_project(root, None, "shared")
    r = run_mizzle(["generate", "--name", "init"], cwd=root)
    assert r.code == 0, r.stderr
    sql = next((root / "drizzle").glob("0000_*.sql")).read_text()
    assert '"public"' not in sql and 'CREATE TABLE "posts"' in sql and 'REFERENCES "shared"."plans"("name")' in sql
    url = pg_url("mzfleetten")
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE SCHEMA shared; CREATE TABLE shared.plans (name text PRIMARY KEY)")
    targets = _targets(root, url, ["acme", "globex"])
    r = run_mizzle(["migrate", "--targets", targets, "--json"], cwd=root)
    assert r.code == 0, r.stderr
    assert _tables(url, "public") == set() and {"accounts", "posts"} <= _tables(url, "globex")
    r = run_mizzle(["drift", "--targets", targets, "--json"], cwd=root)
    assert r.code == 0 and [t["changes"] for t in json.loads(r.stdout)["targets"]] == [[], []], r.stdout + r.stderr
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("DROP INDEX acme.accounts_kind_idx")
    r = run_mizzle(["drift", "--targets", targets, "--json"], cwd=root)
    assert r.code == 3 and [len(t["changes"]) for t in json.loads(r.stdout)["targets"]] == [1, 0]


def test_drift_on_tenant_targets_needs_tenant_schema(pg_url, migrations_dir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    url = pg_url("mzfleetten")
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE public.plans (name text PRIMARY KEY)")
    _project(migrations_dir, url, "")  # a hand-written tenant folder: its snapshots hold no tenant tables
    root = migrations_dir.path.parent
    r = run_mizzle(["drift", "--targets", _targets(root, url, ["t1"]), "--json"], cwd=root)
    assert r.code == 2 and "needs `tenant_schema` in the config" in json.loads(r.stdout)["targets"][0]["error"]
    # a tenant target given as the one --url: refused (its fragment used to be dropped: public was migrated)
    for cmd in ("migrate", "status", "drift"):
        r = run_mizzle([cmd, "--url", f"{url}#schema=t1"], cwd=root)
        assert r.code == 2 and "is a fleet target" in r.stderr, (cmd, r.stderr)
    assert _tables(url, "public") == {"plans"}

"""`mizzle protect`: the mark lives in the database (mizzle's settings table), so it holds however the database
is addressed; turning it off takes the long flag; status shows it; drizzle-orm's migrator, `mizzle migrate` and
`mizzle drift` are not disturbed by the table."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from conftest import PG_ADMIN_URL, CliResult, MigrationsDir, statements
from pgtools import drain_drops

from mizzle.commands.protect import protected_environment
from mizzle.config import Config, Environment

pytestmark = pytest.mark.pg

Run = Callable[..., CliResult]


def test_protect_off_needs_the_long_flag_and_status_shows_it(migrations_dir: MigrationsDir,
                                                            pg_url: Callable[..., str], run_mizzle: Run) -> None:
    url = pg_url()
    root = migrations_dir.path.parent
    migrations_dir.add('CREATE TABLE "t" ("id" integer);', name="t")
    r = run_mizzle(["status"], cwd=root, url=url)
    assert r.code == 0 and "protect" not in r.stdout, r.stdout
    r = run_mizzle(["protect"], cwd=root, url=url)
    assert r.code == 0 and "is now protected" in r.stdout, r.stderr
    r = run_mizzle(["protect", "--json"], cwd=root, url=url.replace("127.0.0.1", "localhost"))
    doc = json.loads(r.stdout)
    assert r.code == 0 and doc["protected"] is True and doc["changed"] is False
    assert doc["previous"]["table"] == "drizzle.__mizzle_settings" and doc["previous"]["db_user"] == "postgres"
    r = run_mizzle(["status"], cwd=root, url=url)
    assert r.code == 0 and "protected by `mizzle protect`" in r.stdout, r.stdout
    assert json.loads(run_mizzle(["status", "--json"], cwd=root, url=url).stdout)["protection"]["protected"] is True
    r = run_mizzle(["protect", "--off"], cwd=root, url=url)
    assert r.code == 6 and "--i-know-this-is-production" in r.first_error_line, r.stderr
    assert json.loads(run_mizzle(["status", "--json"], cwd=root, url=url).stdout)["protection"]["protected"] is True
    r = run_mizzle(["protect", "--off", "--i-know-this-is-production"], cwd=root, url=url)
    assert r.code == 0 and "no longer protected" in r.stdout, r.stderr
    doc = json.loads(run_mizzle(["status", "--json"], cwd=root, url=url).stdout)
    assert doc["protection"]["protected"] is False  # who turned it off is kept
    assert "protect" not in run_mizzle(["status"], cwd=root, url=url).stdout


def test_the_settings_table_does_not_disturb_migrators_or_drift(
        migrations_dir: MigrationsDir, pg_url: Callable[..., str], run_mizzle: Run,
        drizzle_migrate: Callable[[str, Path], object]) -> None:  # noqa: F811
    url = pg_url()
    root = migrations_dir.path.parent
    assert run_mizzle(["protect"], cwd=root, url=url).code == 0
    migrations_dir.add(statements('CREATE TABLE "users" ("id" serial PRIMARY KEY)', 'CREATE INDEX "u" ON "users" ("id")'))
    p = drizzle_migrate(url, migrations_dir.path)
    assert p.returncode == 0, p.stderr  # type: ignore[attr-defined]
    migrations_dir.add('ALTER TABLE "users" ADD COLUMN "email" text;')
    r = run_mizzle(["migrate"], cwd=root, url=url)
    assert r.code == 0 and "1 migration(s) applied" in r.stdout, r.stderr
    migrations_dir.add('ALTER TABLE "users" ADD COLUMN "age" integer;')
    p = drizzle_migrate(url, migrations_dir.path)
    assert p.returncode == 0, p.stderr  # type: ignore[attr-defined]
    with psycopg.connect(url) as c:
        assert c.execute("SELECT count(*) FROM drizzle.__drizzle_migrations").fetchone() == (3,)
        assert c.execute("SELECT value FROM drizzle.__mizzle_settings WHERE key = 'protected'").fetchone() == ("true",)


def test_an_unreadable_mark_counts_as_protected(tmp_path: Path, pg_url: Callable[..., str], run_mizzle: Run) -> None:
    url = pg_url()
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\n')
    assert run_mizzle(["protect"], cwd=tmp_path, url=url).code == 0
    role = f"mzt_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
    try:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        r = run_mizzle(["push", "--force"], cwd=tmp_path, url=url.replace("postgres@", f"{role}@"))
        assert r.code == 6, r.stderr
        assert "cannot be read" in r.first_error_line and "counts as protected" in r.first_error_line
    finally:
        drain_drops()  # the databases queued for dropping hold grants to it
        admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()


def test_protected_environment_matches_any_spelling_of_its_url(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    cfg = Config(root=tmp_path, environments={
        "production": Environment("production", url_env="PROD_URL", protected=True),
        "staging": Environment("staging", url="postgresql://app@staging.internal/app")})
    monkeypatch.setenv("PROD_URL", "postgresql://deploy:s3cret@db.internal:5432/app")
    same = ["postgres://deploy@db.internal/app", "postgresql+psycopg://other:pw@DB.internal:5432/app",
            "postgresql://db.internal/app?sslmode=require"]
    for url in same:
        assert protected_environment(cfg, url) == "production", url
    for url in ["postgresql://deploy@db.internal:5433/app", "postgresql://deploy@db.internal/app2",
                "postgresql://app@staging.internal/app", "sqlite:///app.db"]:
        assert protected_environment(cfg, url) is None, url
    # selected with --env: protected whatever URL is passed
    assert protected_environment(cfg.with_overrides(env="production"), "postgresql://localhost/dev") == "production"
    # its URL unknown here (variable unset): only the mark in the database can tell
    monkeypatch.delenv("PROD_URL")
    assert protected_environment(cfg, same[0]) is None
    local = Config(root=tmp_path, environments={
        "prod": Environment("prod", url="postgresql://u@localhost/app", protected=True),
        "file": Environment("file", url=f"sqlite:///{tmp_path}/prod.db", protected=True)})
    assert protected_environment(local, "postgresql://u@127.0.0.1:5432/app") == "prod"
    assert protected_environment(local, f"sqlite:///{tmp_path}/./prod.db") == "file"

"""`mizzle mark`: manual resolutions recorded in the tracking table with an audit entry `status` shows.

Issue 6 acceptance 4: after a manual undo, `mark --rolled-back` → `status` shows it rolled back by hand,
`migrate` (mizzle's and drizzle-orm's) does not re-apply it, and the audit entry is in `status --json`.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import psycopg
import pytest
from conftest import MigrationsDir
from pg_project import fresh_config, write_project

import mizzle
from mizzle.commands.generate import generate
from mizzle.dialects.postgres.runner import lock_key
from mizzle.errors import IntegrityError, UsageError
from mizzle.migrations.folder import migration_hash
from mizzle.runner.tracking import TrackingTable

INTEROP = Path(__file__).parents[1] / "interop"


def _columns(url: str, table: str) -> list[str]:
    with psycopg.connect(url) as c:
        return [r[0] for r in c.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            (table,))]


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as c:
        return c.execute(sql).fetchall()


def _status(run_mizzle, cwd: Path, url: str) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    r = run_mizzle(["status", "--json"], cwd=cwd, url=url)
    assert r.code == 0, r.stderr
    return {m["tag"]: m for m in json.loads(r.stdout)["migrations"]}


PG_V1 = """
import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.Text))
"""
PG_V2 = PG_V1.replace('sa.Column("email", sa.Text)',
                      'sa.Column("email", sa.Text), sa.Column("status", sa.Text, nullable=False, server_default="new")')


@pytest.mark.pg
def test_rolled_back_by_hand_is_shown_and_never_reapplied(pg_url, tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    url, cwd = pg_url(), tmp_path
    write_project(cwd, PG_V1)
    generate(fresh_config(cwd), name="users")
    write_project(cwd, PG_V2)
    generate(fresh_config(cwd), name="status")
    folder = cwd / "migrations"
    assert run_mizzle(["migrate"], cwd=cwd, url=url).code == 0
    # the emergency: 0001 broke production and was undone by hand on the server
    with psycopg.connect(url, autocommit=True) as c:
        c.execute('ALTER TABLE "users" DROP COLUMN "status"')
    r = run_mizzle(["mark", "0001_status", "--rolled-back", "--reason", "incident 42: status broke checkout"],
                   cwd=cwd, url=url, env={"MIZZLE_ACTOR": "alice"})
    assert r.code == 0, r.stderr
    assert "marked rolled back by hand" in r.stdout and "alice" in r.stdout

    human = run_mizzle(["status"], cwd=cwd, url=url)
    assert human.code == 0, human.stderr
    line = next(ln for ln in human.stdout.splitlines() if "0001_status" in ln)
    assert "rolled back by hand" in line and "by alice: incident 42: status broke checkout" in line
    states = _status(run_mizzle, cwd, url)
    assert states["0000_users"]["state"] == "applied" and states["0000_users"]["audit"] is None
    entry = states["0001_status"]
    assert entry["state"] == "rolled back by hand"
    audit = entry["audit"]
    assert isinstance(audit, dict)
    assert (audit["action"], audit["actor"], audit["reason"]) == ("rolled-back", "alice",
                                                                    "incident 42: status broke checkout")
    assert str(audit["tool_version"]).startswith("mizzle ") and audit["at"]

    # nothing re-applies it: not mizzle …
    again = run_mizzle(["migrate", "--json"], cwd=cwd, url=url)
    assert again.code == 0, again.stderr
    assert json.loads(again.stdout)["nothing_to_do"] is True
    assert _columns(url, "users") == ["id", "email"]
    # … nor drizzle-orm's migrator: the tracking table keeps drizzle's three columns and both rows
    assert _columns(url, "__drizzle_migrations") == ["id", "hash", "created_at"]
    assert len(_rows(url, "SELECT * FROM drizzle.__drizzle_migrations")) == 2
    node = shutil.which("node")
    assert node and (INTEROP / "node_modules" / "drizzle-orm").is_dir(), "tests/interop needs `npm ci`"
    p = subprocess.run([node, "migrate.mjs", url, str(folder)], cwd=INTEROP, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    assert _columns(url, "users") == ["id", "email"]
    assert len(_rows(url, "SELECT * FROM drizzle.__drizzle_migrations")) == 2
    # drift compares with the snapshot before the rolled-back migration and says why
    drift = run_mizzle(["drift"], cwd=cwd, url=url)
    assert drift.code == 0, drift.stderr
    assert "0001_status was rolled back by hand (by alice: incident 42" in drift.stderr
    assert "no drift" in drift.stdout and "0000_users" in drift.stdout

    # marking it again changes nothing; marking it applied (re-done by hand) records a new entry
    same = run_mizzle(["mark", "1", "--rolled-back"], cwd=cwd, url=url)
    assert same.code == 0 and "nothing recorded" in same.stdout
    with psycopg.connect(url, autocommit=True) as c:
        c.execute('ALTER TABLE "users" ADD COLUMN "status" text NOT NULL DEFAULT \'new\'')
    redo = run_mizzle(["mark", "0001", "--applied", "--reason", "fixed and re-applied by hand", "--json"],
                      cwd=cwd, url=url)
    assert redo.code == 0, redo.stderr
    assert json.loads(redo.stdout)["tracking_row"] == "keep"
    after = _status(run_mizzle, cwd, url)["0001_status"]
    assert after["state"] == "applied" and after["audit"]["action"] == "marked-applied"  # type: ignore[index]
    assert len(_rows(url, "SELECT * FROM drizzle.__drizzle_migrations")) == 2


@pytest.mark.pg
def test_mark_applied_resolves_a_modified_file(pg_url, migrations_dir: MigrationsDir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    d, url, cwd = migrations_dir, pg_url(), migrations_dir.path.parent
    tag = d.add('CREATE TABLE "users" ("id" serial PRIMARY KEY, "email" text)', name="users")
    assert run_mizzle(["migrate"], cwd=cwd, url=url).code == 0
    old_hash = _rows(url, "SELECT hash FROM drizzle.__drizzle_migrations")[0][0]
    # the file was edited after it ran (and the database was changed to match, by hand)
    d.sql_path(tag).write_text('CREATE TABLE "users" ("id" serial PRIMARY KEY, "email" text);\n'
                               '--> statement-breakpoint\nCREATE INDEX "users_email_idx" ON "users" ("email");\n')
    with psycopg.connect(url, autocommit=True) as c:
        c.execute('CREATE INDEX "users_email_idx" ON "users" ("email")')
    before = run_mizzle(["migrate"], cwd=cwd, url=url)
    assert before.code == 3 and f"mizzle mark {tag} --applied" in before.stderr
    r = run_mizzle(["mark", tag, "--applied", "--reason", "index added by hand during review"], cwd=cwd, url=url)
    assert r.code == 0, r.stderr
    assert f"({old_hash[:12]}…)" in r.stdout
    after = run_mizzle(["migrate"], cwd=cwd, url=url)
    assert after.code == 0, after.stderr
    new_hash = migration_hash(d.sql_path(tag).read_text())
    assert _rows(url, "SELECT hash FROM drizzle.__drizzle_migrations") == [(new_hash,)]
    st = _status(run_mizzle, cwd, url)[tag]
    assert st["state"] == "applied"
    assert st["audit"]["action"] == "marked-applied"  # type: ignore[index]
    assert old_hash in st["audit"]["reason"]  # type: ignore[index]


@pytest.mark.pg
def test_mark_applied_on_pending_adds_the_row_without_running_it(pg_url, migrations_dir: MigrationsDir) -> None:  # type: ignore[no-untyped-def]
    d, url = migrations_dir, pg_url()
    d.add('CREATE TABLE "users" ("id" serial PRIMARY KEY)', name="users")
    tag = d.add('CREATE TABLE "posts" ("id" serial PRIMARY KEY)', name="posts")
    with psycopg.connect(url, autocommit=True) as c:
        c.execute('CREATE TABLE "posts" ("id" serial PRIMARY KEY)')  # done by hand already: running it would fail
    res = mizzle.mark(url=url, folder=d.path, tag="0001", applied=True, reason="created by hand", actor="bob")
    assert (res.tag, res.changed, res.tracking_row, res.previous_state) == (tag, True, "insert", "pending")
    when = d.entries[1]["when"]
    assert _rows(url, "SELECT hash, created_at FROM drizzle.__drizzle_migrations") == [
        (migration_hash(d.sql_path(tag).read_text()), when)]
    applied = mizzle.migrate(url=url, folder=d.path)
    assert [m.tag for m in applied.applied] == ["0000_users"]
    assert applied.warnings and "out of order" in applied.warnings[0]
    assert _rows(url, "SELECT actor, action, note FROM drizzle.__mizzle_audit WHERE created_at = "
                      f"{when}") == [("bob", "marked-applied", "created by hand")]
    again = mizzle.mark(url=url, folder=d.path, tag=tag, applied=True)
    assert not again.changed


@pytest.mark.pg
def test_mark_errors_and_lock(pg_url, migrations_dir: MigrationsDir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    d, url, cwd = migrations_dir, pg_url(), migrations_dir.path.parent
    d.add('CREATE TABLE "users" ("id" serial PRIMARY KEY)', name="users")
    gone = d.add('CREATE TABLE "gone" ("id" serial PRIMARY KEY)', name="gone")
    neither = run_mizzle(["mark", "0000"], cwd=cwd, url=url)
    both = run_mizzle(["mark", "0000", "--applied", "--rolled-back"], cwd=cwd, url=url)
    assert neither.code == both.code == 2 and "exactly one of --applied or --rolled-back" in neither.stderr
    unknown = run_mizzle(["mark", "nope", "--applied"], cwd=cwd, url=url)
    assert unknown.code == 2 and unknown.first_error_line == "error: no migration tagged 'nope' in the journal"
    d.sql_path(gone).unlink()
    with pytest.raises(IntegrityError, match="does not exist: cannot mark"):
        mizzle.mark(url=url, folder=d.path, tag=gone, rolled_back=True)
    with pytest.raises(UsageError, match="exactly one"):
        mizzle.mark(url=url, folder=d.path, tag="0000")
    # marks wait for the runner's lock: a migration run holding it makes mark time out (exit 4)
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (lock_key(TrackingTable()),))
        r = run_mizzle(["mark", "0000", "--applied", "--lock-timeout", "0.3"], cwd=cwd,
                       url=url.replace("postgres@", "postgres:s3cret@"))
    assert r.code == 4, r.stderr
    assert "s3cret" not in r.stderr + r.stdout
    assert _rows(url, "SELECT count(*) FROM drizzle.__drizzle_migrations") == [(0,)]


# -- SQLite ----------------------------------------------------------------------------------------------

V1 = """
import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.Text))
"""
V2 = V1 + """
posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")))
"""


def _sqlite_project(root: Path, source: str) -> None:
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["app/schema.py"]\nout = "migrations"\n'
                                      'url = "sqlite:///app.db"\n')
    (root / "app" / "schema.py").write_text(source)


def _tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as c:
        return {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_sqlite_rolled_back_by_hand_then_revert_marked_applied(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    _sqlite_project(tmp_path, V1)
    assert run_mizzle(["generate", "--name", "users"], cwd=tmp_path).code == 0
    _sqlite_project(tmp_path, V2)
    assert run_mizzle(["generate", "--name", "posts"], cwd=tmp_path).code == 0
    assert run_mizzle(["migrate"], cwd=tmp_path).code == 0
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as c:  # the manual undo
        c.execute("DROP TABLE posts")
    prod = tmp_path / "prod.db"
    shutil.copy(db, prod)

    # the last resort: mark it rolled back
    r = run_mizzle(["mark", "0001_posts", "--rolled-back", "--reason", "posts dropped by hand"], cwd=tmp_path,
                   env={"MIZZLE_ACTOR": "carol"})
    assert r.code == 0, r.stderr
    st = _status_sqlite(run_mizzle, tmp_path)
    assert st["0001_posts"]["state"] == "rolled back by hand"
    assert st["0001_posts"]["audit"]["actor"] == "carol"  # type: ignore[index]
    assert run_mizzle(["migrate"], cwd=tmp_path).code == 0
    assert "posts" not in _tables(db)

    # the better flow, on the other copy: a revert migration, marked applied since the manual SQL did it
    url = f"sqlite:///{prod}"
    rev = run_mizzle(["revert", "0001_posts"], cwd=tmp_path)
    assert rev.code == 0, rev.stderr
    m = run_mizzle(["mark", "0002_revert_posts", "--applied", "--url", url, "--reason", "manual SQL already did it"],
                   cwd=tmp_path)
    assert m.code == 0, m.stderr
    done = run_mizzle(["migrate", "--url", url], cwd=tmp_path)
    assert done.code == 0 and "nothing to do" in done.stdout, done.stdout + done.stderr
    states = _status_sqlite(run_mizzle, tmp_path, url)
    assert [s["state"] for s in states.values()] == ["applied"] * 3
    assert states["0002_revert_posts"]["audit"]["action"] == "marked-applied"  # type: ignore[index]
    assert "posts" not in _tables(prod)


def test_sqlite_mark_applied_on_a_modified_file(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    _sqlite_project(tmp_path, V1)
    assert run_mizzle(["generate", "--name", "users"], cwd=tmp_path).code == 0
    assert run_mizzle(["migrate"], cwd=tmp_path).code == 0
    sql = next((tmp_path / "migrations").glob("0000_*.sql"))
    sql.write_text(sql.read_text() + "\n-- reviewed\n")
    assert run_mizzle(["migrate"], cwd=tmp_path).code == 3
    res = mizzle.mark(url=f"sqlite:///{tmp_path / 'app.db'}", folder=tmp_path / "migrations", tag="0000",
                      applied=True)
    assert res.tracking_row == "update" and res.replaced_hash
    assert run_mizzle(["migrate"], cwd=tmp_path).code == 0
    with sqlite3.connect(tmp_path / "app.db") as c:
        assert c.execute("SELECT hash FROM __drizzle_migrations").fetchall() == [(migration_hash(sql.read_text()),)]


def _status_sqlite(run_mizzle, cwd: Path, url: str | None = None) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    r = run_mizzle(["status", "--json"] + (["--url", url] if url else []), cwd=cwd)
    assert r.code == 0, r.stderr
    return {m["tag"]: m for m in json.loads(r.stdout)["migrations"]}

"""`mizzle baseline`: a database that already holds the schema gets its migrations recorded as applied, after
an introspection check against the snapshot (issue 6 acceptance 3), and `pull` records its own baseline."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pg_history
import psycopg
import pytest
from pg_project import fresh_config, write_project

import mizzle
from mizzle.commands.generate import generate
from mizzle.errors import IntegrityError


def _statuses(run_mizzle, cwd: Path, url: str | None = None) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    r = run_mizzle(["status", "--json"], cwd=cwd, url=url)
    assert r.code == 0, r.stderr
    return {m["tag"]: m for m in json.loads(r.stdout)["migrations"]}


def _tracking_rows(url: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as c:
        if c.execute("SELECT to_regclass('drizzle.__drizzle_migrations')").fetchone() == (None,):
            return []
        return c.execute("SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY created_at").fetchall()


def _build_from_schema_code(run_mizzle, project: Path, url: str) -> None:  # type: ignore[no-untyped-def]
    """The database built outside migrations, by `mizzle push` (no tracking rows)."""
    r = run_mizzle(["push", "--force"], cwd=project, url=url)
    assert r.code == 0, r.stderr
    assert _tracking_rows(url) == []


def _history(project: Path, steps: int) -> None:
    for n in range(1, steps + 1):
        write_project(project, pg_history.step(n))
        generate(fresh_config(project), name=f"step{n}", renames=pg_history.RENAMES.get(n, {}))


@pytest.mark.pg
def test_baseline_then_generate_and_migrate(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project, url = tmp_path, pg_url()
    _history(project, 2)
    _build_from_schema_code(run_mizzle, project, url)
    r = run_mizzle(["baseline", "--reason", "built from the schema code"], cwd=project, url=url,
                   env={"MIZZLE_ACTOR": "dave"})
    assert r.code == 0, r.stderr
    assert "2 migration(s) recorded as applied" in r.stdout
    states = _statuses(run_mizzle, project, url)
    assert [s["state"] for s in states.values()] == ["applied", "applied"]
    for s in states.values():
        audit = s["audit"]
        assert isinstance(audit, dict)
        assert (audit["action"], audit["actor"], audit["reason"]) == ("baseline", "dave", "built from the schema code")
    human = run_mizzle(["status"], cwd=project, url=url)
    assert "baseline by dave: built from the schema code" in human.stdout
    # the next change generates and migrates as usual: only the new migration runs
    write_project(project, pg_history.step(3))
    generate(fresh_config(project), name="step3", renames=pg_history.RENAMES.get(3, {}))
    result = mizzle.migrate(url=url, folder=project / "migrations")
    assert [m.tag for m in result.applied] == ["0002_step3"]
    assert [s["state"] for s in _statuses(run_mizzle, project, url).values()] == ["applied"] * 3
    drift = run_mizzle(["drift"], cwd=project, url=url)
    assert drift.code == 0, drift.stderr
    again = run_mizzle(["baseline", "--json"], cwd=project, url=url)
    assert again.code == 0, again.stderr
    assert json.loads(again.stdout)["marked"] == []


@pytest.mark.pg
def test_baseline_refuses_a_different_database(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project, url = tmp_path, pg_url()
    write_project(project, pg_history.step(1))
    generate(fresh_config(project), name="step1")
    _build_from_schema_code(run_mizzle, project, url)  # the database has step 1 …
    write_project(project, pg_history.step(2))
    generate(fresh_config(project), name="step2", renames=pg_history.RENAMES.get(2, {}))  # … the folder step 2
    r = run_mizzle(["baseline"], cwd=project, url=url.replace("postgres@", "postgres:hunter2@"))
    assert r.code == 3, r.stderr
    assert r.first_error_line.startswith("error: postgresql://postgres:***@") and "0001_step2" in r.first_error_line
    assert "hunter2" not in r.stderr
    listed = [ln for ln in r.stderr.splitlines() if ln.startswith("  ")]
    assert listed and all(ln.lstrip()[:1] in "+-~" for ln in listed)
    assert _tracking_rows(url) == []  # nothing recorded; not even the tracking table created
    # it does match step 1: baseline up to there, and migrate applies the rest
    ok = run_mizzle(["baseline", "--to", "0000"], cwd=project, url=url)
    assert ok.code == 0, ok.stderr
    assert [m.tag for m in mizzle.migrate(url=url, folder=project / "migrations").applied] == ["0001_step2"]


@pytest.mark.pg
def test_baseline_force_and_hash_conflicts(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project, url = tmp_path, pg_url()
    write_project(project, pg_history.step(1))
    generate(fresh_config(project), name="step1")
    write_project(project, pg_history.step(2))
    generate(fresh_config(project), name="step2", renames=pg_history.RENAMES.get(2, {}))
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE unrelated (id int)")
    forced = run_mizzle(["baseline", "--force", "--to", "0000_step1", "--json"], cwd=project, url=url)
    assert forced.code == 0, forced.stderr
    assert "warning: --force:" in forced.stderr and "was not compared" in forced.stderr
    out = json.loads(forced.stdout)
    assert (out["marked"], out["checked"]) == (["0000_step1"], False)
    # an applied migration whose file changed: baseline refuses and names the way out
    sql = project / "migrations" / "0000_step1.sql"
    sql.write_text(sql.read_text() + "\n-- edited\n")
    with pytest.raises(IntegrityError, match="already applied with another hash") as e:
        mizzle.baseline(fresh_config(project), url=url, force=True)
    assert "mizzle mark 0000_step1 --applied" in e.value.message
    assert len(_tracking_rows(url)) == 1


PLUGINS = """import sqlalchemy as sa
md = sa.MetaData()
plugin = sa.Table("plugin", md, sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("slug", sa.String, unique=True), sa.Column("title", sa.String))
"""


@pytest.mark.pg
def test_baseline_force_still_takes_the_databases_constraint_names(tmp_path: Path, pg_url,
                                                                    run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # Netflix/dispatch: `create_all` named the unnamed unique `plugin_slug_key`, the folder `plugin_slug_unique`;
    # the database differed elsewhere (there: full-text functions its DDL listeners made, which the folder's
    # sidecar records none of), so the plain baseline refused; `baseline --force` took no names, and the
    # migration dropping the unique failed on that database
    url = pg_url()
    (tmp_path / "models.py").write_text(PLUGINS)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["models.py"]\nout = "migrations"\n')
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE plugin (id serial PRIMARY KEY, slug varchar UNIQUE, title varchar)")
        c.execute("CREATE TABLE unrelated (id int)")
    assert run_mizzle(["baseline"], cwd=tmp_path, url=url).code == 3  # + table unrelated
    forced = run_mizzle(["baseline", "--force"], cwd=tmp_path, url=url)
    assert forced.code == 0, forced.stderr
    assert "was not compared" in forced.stderr and "plugin_slug_key" in forced.stderr, forced.stderr
    (tmp_path / "models.py").write_text(PLUGINS.replace(", unique=True", ""))
    assert run_mizzle(["generate", "--name", "drop_unique"], cwd=tmp_path).code == 0
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    with psycopg.connect(url) as c:
        assert c.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'plugin_slug_key'").fetchone() == (0,)


@pytest.mark.pg
def test_pull_records_its_baseline(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    url = pg_url()
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE things (id serial PRIMARY KEY, name text NOT NULL)")
    project = tmp_path / "p"
    project.mkdir()
    (project / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
    r = run_mizzle(["pull", "--json"], cwd=project, url=url)
    assert r.code == 0, r.stderr
    assert json.loads(r.stdout)["marked"] is True
    states = _statuses(run_mizzle, project, url)
    assert [(s["state"], s["audit"]["action"]) for s in states.values()] == [("applied", "baseline")]  # type: ignore[index]
    assert mizzle.migrate(url=url, folder=project / "migrations").nothing_to_do
    # --no-mark writes the files only
    other = tmp_path / "q"
    other.mkdir()
    (other / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n'
                                       '[migrations]\nschema = "other_tracking"\n')
    r = run_mizzle(["pull", "--no-mark"], cwd=other, url=url)
    assert r.code == 0, r.stderr
    assert "mizzle baseline --to 0000_baseline" in r.stdout
    assert [s["state"] for s in _statuses(run_mizzle, other, url).values()] == ["pending"]


def test_sqlite_baseline(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "app").mkdir()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["app/schema.py"]\nout = "migrations"\n'
                                          'url = "sqlite:///app.db"\n')
    (tmp_path / "app" / "schema.py").write_text(
        "import sqlalchemy as sa\nmd = sa.MetaData()\n"
        "users = sa.Table('users', md, sa.Column('id', sa.Integer, primary_key=True),\n"
        "                 sa.Column('email', sa.String(100), nullable=False, unique=True),\n"
        "                 sa.Column('score', sa.Integer, server_default='0'))\n"
        "posts = sa.Table('posts', md, sa.Column('id', sa.Integer, primary_key=True),\n"
        "                 sa.Column('user_id', sa.Integer, sa.ForeignKey('users.id', ondelete='CASCADE')))\n")
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    ddl = run_mizzle(["export"], cwd=tmp_path)
    assert ddl.code == 0, ddl.stderr
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as c:
        c.executescript(ddl.stdout.replace("--> statement-breakpoint", ""))
        c.execute("ALTER TABLE users ADD COLUMN extra text")
    bad = run_mizzle(["baseline"], cwd=tmp_path)
    assert bad.code == 3 and "+ column users.extra" in bad.stderr, bad.stderr
    with sqlite3.connect(db) as c:
        c.execute("ALTER TABLE users DROP COLUMN extra")
    ok = run_mizzle(["baseline"], cwd=tmp_path)
    assert ok.code == 0, ok.stderr
    assert [s["state"] for s in _statuses(run_mizzle, tmp_path).values()] == ["applied"]
    assert run_mizzle(["migrate"], cwd=tmp_path).code == 0

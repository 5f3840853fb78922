"""`mizzle drop`: the latest migration removed cleanly (SQL, snapshot, journal entry, sidecar entry), only once the
configured database is known not to have applied it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pg_history
import pytest
from pg_project import fresh_config, write_project

import mizzle
from mizzle.commands.generate import generate
from mizzle.errors import Refused


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.pg
def test_drop_refuses_an_applied_migration_and_drops_an_unapplied_one(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project, url = tmp_path, pg_url()
    folder = project / "migrations"
    write_project(project, pg_history.step(1))
    generate(fresh_config(project), name="step1")
    mizzle.migrate(url=url, folder=folder)
    with_password = url.replace("postgres@", "postgres:s3cret@")
    # applied: refused, naming the database with its password masked, and nothing removed
    before = _files(folder)
    r = run_mizzle(["drop"], cwd=project, url=with_password)
    assert r.code == 6, r.stderr
    assert r.first_error_line.startswith("error: 0000_step1 is applied on postgresql://postgres:***@127.0.0.1")
    assert "s3cret" not in r.stderr + r.stdout and "mizzle revert 0000_step1" in r.stderr
    assert _files(folder) == before

    write_project(project, pg_history.step(2))
    generate(fresh_config(project), name="step2", renames=pg_history.RENAMES.get(2, {}))
    generated = _files(folder)
    side = json.loads(generated["meta/_mizzle.json"])
    snap_id = json.loads(generated["meta/0001_snapshot.json"])["id"]
    assert snap_id in side["snapshots"]
    # only the latest can be dropped
    older = run_mizzle(["drop", "0000_step1"], cwd=project, url=url)
    assert older.code == 2 and "only the latest can be dropped" in older.first_error_line
    assert "mizzle revert 0000_step1" in older.stderr
    # unapplied: dropped; the folder is back to step 1's, and `check` is clean
    ok = run_mizzle(["drop", "0001", "--json"], cwd=project, url=url)
    assert ok.code == 0, ok.stderr
    out = json.loads(ok.stdout)
    assert (out["tag"], out["checked"], out["database"]) == ("0001_step2", True, url)
    after = _files(folder)
    assert set(after) == set(before)
    assert {k: v for k, v in after.items() if k != "meta/_mizzle.json"} == \
        {k: v for k, v in before.items() if k != "meta/_mizzle.json"}
    assert json.loads(after["meta/_mizzle.json"]) == json.loads(before["meta/_mizzle.json"])
    assert snap_id not in json.loads(after["meta/_mizzle.json"])["snapshots"]
    check = run_mizzle(["check"], cwd=project)
    assert check.code == 0, check.stderr
    # generate writes it again, the same SQL under the same tag; it applies
    again = generate(fresh_config(project), name="step2", renames=pg_history.RENAMES.get(2, {}))
    assert again.tag == "0001_step2"
    assert (folder / "0001_step2.sql").read_text() == generated["0001_step2.sql"]
    assert [m.tag for m in mizzle.migrate(url=url, folder=folder).applied] == ["0001_step2"]


@pytest.mark.pg
def test_drop_without_a_database_needs_force(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path
    write_project(project, pg_history.step(1))  # postgresql config without a url
    generate(fresh_config(project), name="step1")
    none = run_mizzle(["drop"], cwd=project)
    assert none.code == 6 and "no database is configured" in none.first_error_line
    unreachable = run_mizzle(["drop", "--connect-timeout", "2"], cwd=project, url="postgresql://u:pw@127.0.0.1:1/x")
    assert unreachable.code == 5 and "cannot check whether 0000_step1 was applied" in unreachable.stderr
    assert "u:pw@" not in unreachable.stderr
    assert (project / "migrations" / "0000_step1.sql").exists()
    forced = run_mizzle(["drop", "--force"], cwd=project)
    assert forced.code == 0, forced.stderr
    assert "warning: --force: no database checked" in forced.stderr
    assert not (project / "migrations" / "0000_step1.sql").exists()
    assert json.loads((project / "migrations" / "meta" / "_journal.json").read_text())["entries"] == []
    assert not (project / "migrations" / "meta" / "0000_snapshot.json").exists()
    assert not (project / "migrations" / "meta" / "_mizzle.json").exists()


@pytest.mark.pg
def test_drop_in_the_folder_per_migration_layout(tmp_path: Path, pg_url) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "drizzle"
    for ts, sql in (("20240101000000_users", 'CREATE TABLE "users" ("id" serial PRIMARY KEY);'),
                    ("20240102000000_posts", 'CREATE TABLE "posts" ("id" serial PRIMARY KEY);')):
        (folder / ts).mkdir(parents=True)
        (folder / ts / "migration.sql").write_text(sql)
        (folder / ts / "snapshot.json").write_text(json.dumps({"id": ts, "prevId": "0", "version": "7"}))
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    url = pg_url()
    cfg = fresh_config(tmp_path)
    mizzle.migrate(url=url, folder=folder, to="20240101000000_users")
    res = mizzle.drop(cfg, url=url)
    assert res.tag == "20240102000000_posts" and res.checked
    assert sorted(p.name for p in folder.iterdir()) == ["20240101000000_users"]
    with pytest.raises(Refused, match="20240101000000_users is applied"):
        mizzle.drop(cfg, url=url)


def test_sqlite_drop(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "app").mkdir()
    # no `url`: the built-in default sqlite:///mizzle.db, which counts only once it exists
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    base = "import sqlalchemy as sa\nmd = sa.MetaData()\nt = sa.Table('t', md, sa.Column('id', sa.Integer, primary_key=True))\n"
    (tmp_path / "app" / "schema.py").write_text(base)
    assert run_mizzle(["generate", "--name", "t"], cwd=tmp_path).code == 0
    refused = run_mizzle(["drop"], cwd=tmp_path)
    assert refused.code == 6 and "no database is configured" in refused.first_error_line
    assert not (tmp_path / "mizzle.db").exists()
    assert run_mizzle(["migrate"], cwd=tmp_path).code == 0
    applied = run_mizzle(["drop"], cwd=tmp_path)
    assert applied.code == 6 and "0000_t is applied on sqlite:///mizzle.db" in applied.first_error_line
    (tmp_path / "app" / "schema.py").write_text(base + "u = sa.Table('u', md, sa.Column('id', sa.Integer, primary_key=True))\n")
    assert run_mizzle(["generate", "--name", "u"], cwd=tmp_path).code == 0
    ok = run_mizzle(["drop", "0001_u"], cwd=tmp_path)
    assert ok.code == 0, ok.stderr
    assert "sqlite:///mizzle.db has not applied 0001_u" in ok.stdout
    assert sorted(p.name for p in (tmp_path / "migrations").glob("*.sql")) == ["0000_t.sql"]
    assert run_mizzle(["check"], cwd=tmp_path).code == 0
    assert run_mizzle(["generate", "--check"], cwd=tmp_path).code == 3  # the code still has table u
    assert run_mizzle(["generate", "--name", "u"], cwd=tmp_path).code == 0
    assert run_mizzle(["migrate"], cwd=tmp_path).code == 0
    with sqlite3.connect(tmp_path / "mizzle.db") as c:
        assert {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} >= {"t", "u"}

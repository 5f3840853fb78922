"""A drizzle-kit SQLite folder applied with `wrangler d1 migrations apply` (cliftonc/fintune, a Cloudflare D1 project):
Wrangler records the files it applied in `d1_migrations` and never writes `__drizzle_migrations`. `status` said
"3 pending" and `migrate` ran the first CREATE TABLE into "already exists" with a generic hint; both now name
Wrangler's record (how many of the folder's migrations, the last one) and the command adopting it, and `migrate`
refuses (exit 3) before running anything. After `baseline --to` the last one, status is clean and migrate applies
only the later ones."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

# wrangler's own DDL for its table (wrangler/src/d1/migrations/helpers.ts)
D1 = ("CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, "
      "applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)")

STEPS = [
    "users = sa.Table('users', md, sa.Column('id', sa.Integer, primary_key=True), sa.Column('email', sa.Text))\n",
    "posts = sa.Table('posts', md, sa.Column('id', sa.Integer, primary_key=True), sa.Column('title', sa.Text))\n",
    "tags = sa.Table('tags', md, sa.Column('id', sa.Integer, primary_key=True))\n",
]


def _folder(tmp_path: Path, run_mizzle: Any) -> list[str]:
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["models.py"]\nout = "migrations"\n')
    code = "import sqlalchemy as sa\nmd = sa.MetaData()\n"
    for i, step in enumerate(STEPS):
        code += step
        (tmp_path / "models.py").write_text(code)
        r = run_mizzle(["generate", "--name", f"step{i}"], cwd=tmp_path)
        assert r.code == 0, r.stderr
    return sorted(p.name for p in (tmp_path / "migrations").glob("*.sql"))


def _wrangler_applied(tmp_path: Path, files: list[str], names: list[str]) -> str:
    """The database as `wrangler d1 migrations apply` leaves it: `files` run, `names` in d1_migrations."""
    db = tmp_path / "d1.sqlite"
    with sqlite3.connect(db) as c:
        c.execute(D1)
        for f in files:
            c.executescript((tmp_path / "migrations" / f).read_text())
        c.executemany("INSERT INTO d1_migrations (name) VALUES (?)", [(n,) for n in names])
    return f"sqlite:///{db}"


def test_status_and_migrate_name_wranglers_record_and_baseline_adopts_it(tmp_path: Path, run_mizzle: Any) -> None:
    files = _folder(tmp_path, run_mizzle)
    url = _wrangler_applied(tmp_path, files[:2], files[:2])
    last = files[1].removesuffix(".sql")

    r = run_mizzle(["status", "--json"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    other = json.loads(r.stdout)["other_history"]
    assert other == {"table": "d1_migrations", "tool": "Wrangler", "records": 2, "of": 3, "last": last,
                     "not_in_folder": [], "gaps": [], "command": f"mizzle baseline --to {last}",
                     "rebuild_snapshots": False}
    r = run_mizzle(["status"], cwd=tmp_path, url=url)
    assert f"d1_migrations (Wrangler's) records 2 of this folder's 3 migrations as applied, the last {last}" in r.stderr
    assert f"`mizzle baseline --to {last}`" in r.stderr and "applies 1 later one" in r.stderr
    assert f"{files[0].removesuffix('.sql')}  pending" in r.stdout and "applied by Wrangler (d1_migrations lists it)" in r.stdout

    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 3, r.stdout + r.stderr
    first = r.stderr.strip().splitlines()[0]
    assert "d1_migrations (Wrangler's) records 2 of this folder's 3 migrations as applied" in first, r.stderr
    assert f"`mizzle baseline --to {last}`" in r.stderr and "already exists" not in r.stderr
    r = run_mizzle(["migrate", "--json"], cwd=tmp_path, url=url)
    assert r.code == 3 and "d1_migrations" in json.loads(r.stdout)["error"], r.stdout + r.stderr
    with sqlite3.connect(tmp_path / "d1.sqlite") as c:
        assert c.execute("SELECT count(*) FROM sqlite_master WHERE name = 'tags'").fetchone()[0] == 0

    r = run_mizzle(["baseline", "--to", last], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["status", "--json"], cwd=tmp_path, url=url)
    out = json.loads(r.stdout)
    assert out["other_history"] is None and out["warnings"] == []
    assert [m["state"] for m in out["migrations"]] == ["applied", "applied", "pending"]
    r = run_mizzle(["migrate", "--json"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert [m["tag"] for m in json.loads(r.stdout)["migrations"]] == [files[2].removesuffix(".sql")]
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)  # the fast path: nothing to do, nothing said of Wrangler
    assert r.code == 0 and r.stdout.startswith("nothing to do: 3 migration(s) applied"), r.stdout + r.stderr
    assert r.stderr == ""


def test_names_not_in_the_folder_and_gaps_are_reported(tmp_path: Path, run_mizzle: Any) -> None:
    files = _folder(tmp_path, run_mizzle)
    # the first and third applied, the second not (a gap), and one file since renamed
    url = _wrangler_applied(tmp_path, [files[0], files[2]], [files[0], "0001_old_name.sql", files[2]])
    r = run_mizzle(["status", "--json"], cwd=tmp_path, url=url)
    other = json.loads(r.stdout)["other_history"]
    assert other["records"] == 2 and other["last"] == files[2].removesuffix(".sql")
    assert other["gaps"] == [files[1].removesuffix(".sql")] and other["not_in_folder"] == ["0001_old_name.sql"]
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 3
    assert f"it does not list {files[1].removesuffix('.sql')}" in r.stderr
    assert "it also lists 0001_old_name.sql, no file of this folder" in r.stderr


def test_a_record_of_other_files_only_is_a_warning(tmp_path: Path, run_mizzle: Any) -> None:
    files = _folder(tmp_path, run_mizzle)
    url = _wrangler_applied(tmp_path, [], ["0000_elsewhere.sql"])
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert "none of them a file of this folder (0000_elsewhere.sql)" in r.stderr
    assert len(files) == 3


def test_a_plain_baseline_that_does_not_match_names_the_to_wranglers_record_gives(tmp_path: Path,
                                                                                  run_mizzle: Any) -> None:
    """`mizzle baseline` without --to compares with the latest snapshot: on a database Wrangler applied the first
    migrations of, it failed with the generic "baseline to the migration it does match (--to TAG)", where status and
    migrate name the very command (`mizzle baseline --to <the last one d1_migrations lists>`)."""
    files = _folder(tmp_path, run_mizzle)
    url = _wrangler_applied(tmp_path, files[:2], files[:2])
    last = files[1].removesuffix(".sql")
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 3, r.stdout + r.stderr
    assert "- table tags" in r.stderr, r.stderr
    assert (f"d1_migrations (Wrangler's) records 2 of this folder's 3 migrations as applied, the last {last}: "
            f"`mizzle baseline --to {last}` compares the database with its snapshot instead") in r.stderr, r.stderr
    assert "(--to TAG)" not in r.stderr, r.stderr
    r = run_mizzle(["baseline", "--to", files[0].removesuffix(".sql")], cwd=tmp_path, url=url)
    assert r.code == 3 and "mizzle baseline --to" not in r.stderr, r.stderr  # --to given: not told again

"""`mizzle check` with no configuration file takes the dialect from the folder's journal: a SQLite folder's SQL
is not parsed as PostgreSQL (which refused every backquoted statement, exit 3)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import mizzle_fork


def mizzle(args: list[str], cwd: Path) -> mizzle_fork.Ran:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return mizzle_fork.run([*args], cwd=cwd, env=env, timeout=120)


def test_sqlite_folder_checks_clean_without_a_config(tmp_path: Path) -> None:
    assert mizzle(["init"], tmp_path).returncode == 0
    p = mizzle(["generate"], tmp_path)
    assert p.returncode == 0, p.stderr
    shutil.move(tmp_path / "app" / "db" / "migrations", tmp_path / "drizzle")  # the default `out`
    (tmp_path / "mizzle.toml").unlink()
    assert "`" in next((tmp_path / "drizzle").glob("*.sql")).read_text()  # SQLite's quoting, not PostgreSQL's
    p = mizzle(["check"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith("ok: 1 migration(s)")
    # the folder is still checked: without its journal it is exit 3
    (tmp_path / "drizzle" / "meta" / "_journal.json").unlink()
    assert mizzle(["check"], tmp_path).returncode == 3

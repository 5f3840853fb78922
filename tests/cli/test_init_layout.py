"""`mizzle init --layout`: the new project's migrations folder takes drizzle-kit 1.x's layout (`folders`) or 0.x's
(`journal`, the default), and `generate` then writes it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import mizzle_fork


def mizzle(args: list[str], cwd: Path) -> mizzle_fork.Ran:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return mizzle_fork.run([*args], cwd=cwd, env=env, timeout=120)


def test_init_folders_layout_makes_generate_write_drizzle_kit_1x_folders(tmp_path: Path) -> None:
    p = mizzle(["init", "--dialect", "postgresql", "--layout", "folders", "--json"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["layout"] == "folders"
    p = mizzle(["generate", "--name", "first"], tmp_path)
    assert p.returncode == 0, p.stderr
    out = tmp_path / "app" / "db" / "migrations"
    dirs = [d for d in out.iterdir() if (d / "migration.sql").is_file()]
    assert len(dirs) == 1 and dirs[0].name.endswith("_first") and not (out / "meta" / "_journal.json").exists()
    snap = json.loads((dirs[0] / "snapshot.json").read_text())
    assert (snap["version"], snap["type"]) == ("9", "base")
    fks = [r["name"] for r in snap["ddl"] if r["entityType"] == "fks"]
    assert fks == ["posts_author_id_users_id_fkey"]  # drizzle-kit 1.x's name, not PostgreSQL's posts_author_id_fkey


def test_init_default_layout_is_the_journal(tmp_path: Path) -> None:
    assert mizzle(["init", "--dialect", "postgresql"], tmp_path).returncode == 0
    assert "layout" not in (tmp_path / "mizzle.toml").read_text()
    assert mizzle(["generate", "--name", "first"], tmp_path).returncode == 0
    assert (tmp_path / "app" / "db" / "migrations" / "meta" / "_journal.json").is_file()


def test_init_sqlite_folders_layout(tmp_path: Path) -> None:
    assert mizzle(["init", "--layout", "folders"], tmp_path).returncode == 0  # SQLite
    assert mizzle(["generate", "--name", "first"], tmp_path).returncode == 0
    out = tmp_path / "app" / "db" / "migrations"
    dirs = [d for d in out.iterdir() if (d / "migration.sql").is_file()]
    snap = json.loads((dirs[0] / "snapshot.json").read_text())
    assert (snap["version"], snap["dialect"]) == ("7", "sqlite") and snap["ddl"]  # drizzle-kit 1.x's SQLite form


def test_init_refuses_an_unknown_layout(tmp_path: Path) -> None:
    p = mizzle(["init", "--layout", "flat"], tmp_path)
    assert p.returncode == 2 and "flat" in p.stderr
    assert not (tmp_path / "mizzle.toml").exists()

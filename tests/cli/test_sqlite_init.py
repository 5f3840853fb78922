"""`mizzle init` scaffolds a project that generates and migrates on SQLite as written, and never overwrites."""

from __future__ import annotations

import os
from pathlib import Path

import mizzle_fork
import pytest

from mizzle.cli.init import init_project
from mizzle.config import load_config
from mizzle.errors import UsageError


def mizzle(args: list[str], cwd: Path) -> mizzle_fork.Ran:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return mizzle_fork.run([*args], cwd=cwd, env=env, timeout=120)


def test_init_then_generate_migrate_status(tmp_path: Path) -> None:
    p = mizzle(["init"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "mizzle.toml").is_file() and (tmp_path / "app" / "db" / "schema.py").is_file()
    for cmd in (["generate"], ["migrate"], ["status"]):
        p = mizzle(cmd, tmp_path)
        assert p.returncode == 0, f"{cmd}: {p.stdout}\n{p.stderr}"
    assert "applied" in p.stdout
    assert (tmp_path / "mizzle.db").is_file()
    p = mizzle(["init"], tmp_path)
    assert p.returncode == 2 and "already exists" in p.stderr


def test_init_postgresql_config(tmp_path: Path) -> None:
    init_project(tmp_path, dialect="postgresql")
    cfg = load_config(tmp_path / "mizzle.toml")
    assert cfg.dialect == "postgresql" and cfg.environments["production"].protected
    with pytest.raises(UsageError):
        init_project(tmp_path, dialect="postgresql")
    init_project(tmp_path, dialect="sqlite", force=True)
    assert load_config(tmp_path / "mizzle.toml").dialect == "sqlite"

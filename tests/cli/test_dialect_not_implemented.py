"""A dialect mizzle knows by name but does not implement (MySQL) is refused up front (exit 2, one line), instead of
generating another dialect's SQL under its name."""

from __future__ import annotations

import os
from pathlib import Path

import mizzle_fork
import pytest


def mizzle(args: list[str], cwd: Path) -> mizzle_fork.Ran:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return mizzle_fork.run([*args], cwd=cwd, env=env, timeout=120)


@pytest.mark.parametrize("command", [["generate"], ["check"], ["status"]])
def test_mysql_config_is_exit_2(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "schema.py").write_text("import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
                                        "sa.Table('users', metadata, sa.Column('id', sa.Integer, primary_key=True))\n")
    (tmp_path / "mizzle.toml").write_text('dialect = "mysql"\nschema = ["schema.py"]\n')
    p = mizzle(command, tmp_path)
    assert p.returncode == 2, p.stdout + p.stderr
    assert p.stderr.strip().splitlines()[0].endswith(
        "`dialect` = 'mysql' is not implemented in this version of mizzle (implemented: postgresql, sqlite)")
    assert not (tmp_path / "drizzle").exists()

"""A folder whose migrations are named with another prefix than the config's (a team's drizzle-kit folder with
`prefix: "timestamp"`, a mizzle.toml that does not say so): generate names the new migration as the folder does and
says why. A `0002_` tag after `20250508083758_` ones hid the new snapshot from drizzle-kit, which takes the latest
snapshot by file name: it generated the same change again."""

from __future__ import annotations

import os
import re
from pathlib import Path

import mizzle_fork

SCHEMA = '''import sqlalchemy as sa
md = sa.MetaData()
t = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True){extra})
'''


def mizzle(args: list[str], cwd: Path) -> mizzle_fork.Ran:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return mizzle_fork.run([*args], cwd=cwd, env=env, timeout=120)


def test_generate_follows_the_folders_prefix(tmp_path: Path) -> None:
    (tmp_path / "schema.py").write_text(SCHEMA.format(extra=""))
    config = 'dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n'
    (tmp_path / "mizzle.toml").write_text(config + '[migrations]\nprefix = "timestamp"\n')
    assert mizzle(["generate", "--name", "one"], tmp_path).returncode == 0
    (tmp_path / "mizzle.toml").write_text(config)  # the default prefix: index
    (tmp_path / "schema.py").write_text(SCHEMA.format(extra=', sa.Column("name", sa.Text)'))
    p = mizzle(["generate", "--name", "two"], tmp_path)
    assert p.returncode == 0, p.stderr
    tags = sorted(f.stem for f in (tmp_path / "drizzle").glob("*.sql"))
    assert len(tags) == 2 and all(re.match(r"\d{14}_", t) for t in tags), tags
    assert tags[-1].endswith("_two")  # the last by file name, as drizzle-kit looks for it
    assert "timestamp prefix" in p.stderr and 'prefix = "timestamp"' in p.stderr

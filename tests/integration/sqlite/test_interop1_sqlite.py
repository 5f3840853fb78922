"""A SQLite folder drizzle-kit 1.x (1.0.0-rc.5, tests/interop1) wrote: its snapshots are version "7" with the whole
schema as `ddl` rows and `prevIds`, which mizzle does not read yet (unique constraints are table constraints there,
unique indexes in mizzle's SQLite model). Commands that need the snapshots say so in one line (exit 2) instead of
reading them as empty 0.x files (which made `generate --check` report every table as missing); `migrate` and
`status` apply and track the folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.interop

INTEROP1 = Path(__file__).resolve().parents[2] / "interop1"
DRIZZLE_KIT = INTEROP1 / "node_modules" / "drizzle-kit" / "bin.cjs"

SCHEMA_TS = """import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
export const users = sqliteTable('users', {
  id: integer('id').primaryKey(),
  email: text('email').notNull().unique(),
});
"""
SCHEMA_PY = """import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("email", sa.Text, nullable=False, unique=True))
"""


def _mizzle(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "mizzle", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def test_a_drizzle_kit_1x_sqlite_folder_is_refused_in_one_line_and_still_migrates(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not DRIZZLE_KIT.exists():
        if os.environ.get("MIZZLE_ALLOW_SKIP_INTEROP") == "1":
            pytest.skip("needs node and drizzle-kit in tests/interop1/node_modules")
        pytest.fail("needs node and drizzle-kit 1.x in tests/interop1/node_modules (npm ci there)", pytrace=False)
    work = INTEROP1 / ".scratch" / f"sqlite_{tmp_path.name}"
    try:
        work.mkdir(parents=True)
        (work / "schema.ts").write_text(SCHEMA_TS)
        p = subprocess.run([node, str(DRIZZLE_KIT), "generate", "--dialect", "sqlite", "--schema",
                            str(work / "schema.ts"), "--out", os.path.relpath(work / "D", INTEROP1), "--name", "init"],
                           cwd=INTEROP1, env={**os.environ, "NO_COLOR": "1"}, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stdout + p.stderr
        shutil.copytree(work / "D", tmp_path / "drizzle")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (tmp_path / "schema.py").write_text(SCHEMA_PY)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    p = _mizzle(["migrate"], tmp_path)
    assert p.returncode == 0, p.stderr
    p = _mizzle(["status"], tmp_path)
    assert p.returncode == 0 and "applied" in p.stdout and "pending" not in p.stdout, p.stdout + p.stderr
    for args in (["generate", "--check"], ["check"], ["drift"]):
        p = _mizzle(args, tmp_path)
        assert p.returncode == 2, (args, p.stdout, p.stderr)
        assert "drizzle-kit 1.x snapshot for 'sqlite'" in p.stderr and "PostgreSQL only" in p.stderr, p.stderr

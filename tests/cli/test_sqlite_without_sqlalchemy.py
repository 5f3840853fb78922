"""On SQLite, the commands that read only the database and the folder (drift, baseline, migrate, status) never
import SQLAlchemy (it came in through the SQLite model's AUTOINCREMENT constant, defined beside the SQLAlchemy
converter)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def mizzle(args: list[str], cwd: Path, *flags: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | extra_env
    return subprocess.run([sys.executable, *flags, "-m", "mizzle", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def imports_sqlalchemy(p: subprocess.CompletedProcess[str]) -> bool:
    """From `python -X importtime`'s report on stderr."""
    return any(line.rsplit("|", 1)[-1].strip() == "sqlalchemy" for line in p.stderr.splitlines())


def test_drift_and_baseline_on_sqlite_do_not_import_sqlalchemy(tmp_path: Path) -> None:
    assert mizzle(["init"], tmp_path).returncode == 0
    assert mizzle(["generate"], tmp_path).returncode == 0
    # the probe works: generate --check imports the schema code (with the model cache off: sources/cache.py answers
    # an unchanged schema without SQLAlchemy)
    assert imports_sqlalchemy(mizzle(["generate", "--check"], tmp_path, "-X", "importtime", MIZZLE_NO_CACHE="1"))
    assert mizzle(["migrate"], tmp_path).returncode == 0
    for args in (["drift"], ["status"], ["migrate"]):
        p = mizzle(args, tmp_path, "-X", "importtime")
        assert p.returncode == 0, p.stderr[-2000:]
        assert not imports_sqlalchemy(p), args
    other = sqlite3.connect(tmp_path / "other.db")  # the schema, made without mizzle: baseline adopts it
    for sql in sorted((tmp_path / "app" / "db" / "migrations").glob("*.sql")):
        for statement in sql.read_text().split("--> statement-breakpoint"):
            other.execute(statement)
    other.commit()
    other.close()
    p = mizzle(["baseline", "--url", "sqlite:///other.db"], tmp_path, "-X", "importtime")
    assert p.returncode == 0, p.stderr[-2000:]
    assert "1 migration(s) recorded as applied" in p.stdout and not imports_sqlalchemy(p)

"""Shared fixtures: throwaway PostgreSQL databases (`pg_url`), hand-written migration folders
(`migrations_dir`), and running the real `mizzle` command (`run_mizzle`).

PostgreSQL is expected at 127.0.0.1:5432, user postgres (override with MIZZLE_TEST_PG_ADMIN_URL). If it is
unreachable, tests that need it FAIL, loudly: a skipped runner test is a runner that was never tested.
Set MIZZLE_ALLOW_SKIP_PG=1 to skip them instead (e.g. on a laptop without a server).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Shared helpers (pgtools, sqlite_support, …) live in tests/support/, importable by name from every test folder.
sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))

PG_ADMIN_URL = os.environ.get("MIZZLE_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BASE_WHEN = 1_700_000_000_000


def _admin_connect():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)


@pytest.fixture(scope="session")
def pg_available() -> bool:
    try:
        with _admin_connect() as c:
            c.execute("SELECT 1")
    except Exception as e:  # noqa: BLE001
        msg = f"PostgreSQL is not reachable at {PG_ADMIN_URL.split('@')[-1]}: {str(e).strip().splitlines()[0]}"
        if os.environ.get("MIZZLE_ALLOW_SKIP_PG") == "1":
            pytest.skip(msg)
        pytest.fail(msg + " (set MIZZLE_ALLOW_SKIP_PG=1 to skip PostgreSQL tests)", pytrace=False)
    return True


@pytest.fixture
def pg_url(pg_available: bool) -> Iterator[Callable[..., str]]:
    """A factory: each call creates a fresh, uniquely named database and returns its URL; all are dropped
    at the end of the test."""
    created: list[str] = []

    def make(prefix: str = "mzt") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with _admin_connect() as c:
            c.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    yield make
    from pgtools import drop_later

    for name in created:
        drop_later(name, PG_ADMIN_URL)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Every test database handed to pgtools.drop_later is dropped before the session ends."""
    from pgtools import drain_drops

    drain_drops()


@dataclass
class MigrationsDir:
    """A drizzle-kit style folder written by hand: SQL files + meta/_journal.json (no snapshots)."""

    path: Path
    entries: list[dict[str, object]] = field(default_factory=list)

    def add(self, sql: str, name: str | None = None, when: int | None = None) -> str:
        idx = len(self.entries)
        tag = f"{idx:04d}_{name or f'm{idx}'}"
        if when is None:
            when = max([int(e["when"]) for e in self.entries] + [BASE_WHEN - 1]) + 1  # type: ignore[call-overload]
        (self.path / f"{tag}.sql").write_text(sql, encoding="utf-8", newline="")
        self.entries.append({"idx": idx, "version": "7", "when": when, "tag": tag, "breakpoints": True})
        self.write_journal()
        return tag

    def write_journal(self) -> None:
        (self.path / "meta").mkdir(parents=True, exist_ok=True)
        (self.path / "meta" / "_journal.json").write_text(
            json.dumps({"version": "7", "dialect": "postgresql", "entries": self.entries}, indent=2), encoding="utf-8")

    def sql_path(self, tag: str) -> Path:
        return self.path / f"{tag}.sql"

    @property
    def tags(self) -> list[str]:
        return [str(e["tag"]) for e in self.entries]


def statements(*sql: str) -> str:
    """Join statements the way drizzle-kit writes them."""
    return "\n--> statement-breakpoint\n".join(s.strip() for s in sql) + "\n"


@pytest.fixture
def migrations_dir(tmp_path: Path) -> MigrationsDir:
    """A project in tmp_path: mizzle.toml (postgresql, out = "drizzle") and an empty drizzle/ folder."""
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n', encoding="utf-8")
    d = MigrationsDir(tmp_path / "drizzle")
    d.path.mkdir()
    d.write_journal()
    return d


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def first_error_line(self) -> str:
        return next((ln for ln in self.stderr.splitlines() if ln.startswith("error:")), "")


@pytest.fixture
def run_mizzle() -> Callable[..., CliResult]:
    """Run the real command in a process of its own: run_mizzle(args, cwd=..., url=..., env=..., timeout=...)
    (`python -m mizzle`, forked from a process that has imported its dependencies already: tests/support/mizzle_fork.py,
    a speed trick; MIZZLE_TEST_NO_FORK=1 runs a new interpreter each time)."""
    import mizzle_fork

    def run(args: list[str], cwd: Path, url: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> CliResult:
        e = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if url is not None:
            e["DATABASE_URL"] = url
        e.update(env or {})
        p = mizzle_fork.run(args, cwd=cwd, env=e, timeout=timeout)
        return CliResult(p.returncode, p.stdout, p.stderr)

    return run


INTEROP = Path(__file__).resolve().parent / "interop"


@pytest.fixture(scope="session")
def drizzle_migrate() -> Callable[[str, Path], subprocess.CompletedProcess[str]]:
    node = shutil.which("node")
    ok = node and (INTEROP / "migrate.mjs").is_file() and (INTEROP / "node_modules" / "drizzle-orm").is_dir()
    if not ok:
        msg = "node and tests/interop (migrate.mjs, node_modules/drizzle-orm) are needed: cd tests/interop && npm ci"
        if os.environ.get("MIZZLE_ALLOW_SKIP_INTEROP") == "1":
            pytest.skip(msg)
        pytest.fail(msg, pytrace=False)

    def run(url: str, folder: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(node), "migrate.mjs", url, str(folder)], cwd=INTEROP, capture_output=True,
                              text=True, timeout=60)

    return run

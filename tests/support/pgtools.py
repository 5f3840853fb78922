"""Test helpers for the real PostgreSQL server: throwaway databases, applying SQL, comparing schemas."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

HOST = os.environ.get("MIZZLE_TEST_PGHOST", "127.0.0.1")
PORT = int(os.environ.get("MIZZLE_TEST_PGPORT", "5432"))
USER = os.environ.get("MIZZLE_TEST_PGUSER", "postgres")


def url_for(db: str) -> str:
    return f"postgresql://{USER}@{HOST}:{PORT}/{db}"


def admin() -> psycopg.Connection:
    return psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True)


@contextmanager
def temp_database(prefix: str = "mz") -> Iterator[str]:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin() as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url_for(name)
    finally:
        drop_later(name)


# -- a speed trick of the suite: databases dropped off the tests' path ------------------------------------------

class _Dropper:
    """DROP DATABASE waits for a checkpoint, which writes every dirty buffer of the cluster: 0.3–1.9 s each on the
    2-CPU machine under the suite's load, and the suite drops hundreds. Here each is dropped by a `psql` child
    process while the next test runs (a child, not a thread: pull forks its round-trip check only in a process of
    one thread, and tests run pull in-process), a few at a time (concurrent drops share a checkpoint). `drain()`
    waits until every queued database is gone and reports those that would not go: conftest's
    pytest_sessionfinish, atexit for a harness run by hand, and before a test drops a role, which fails while a
    database still holds the role's grants."""

    AT_ONCE = 4

    def __init__(self) -> None:
        self.running: list[tuple[str, subprocess.Popen[str]]] = []
        self.failed: list[str] = []
        self.registered = False

    def put(self, name: str, admin_url: str) -> None:
        if not self.registered:
            atexit.register(self.drain)
            self.registered = True
        while len(self.running) >= self.AT_ONCE:
            self._reap(self.running[0])
        psql = shutil.which("psql") or "psql"
        self.running.append((name, subprocess.Popen(
            [psql, "-X", "-q", "-d", admin_url, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)))

    def _reap(self, entry: tuple[str, subprocess.Popen[str]]) -> None:
        name, child = entry
        _, err = child.communicate()
        self.running.remove(entry)
        if child.returncode:
            self.failed.append(f"{name}: {err.strip().splitlines()[0] if err.strip() else child.returncode}")

    def drain(self) -> None:
        while self.running:
            self._reap(self.running[0])
        if self.failed:
            print("test databases that could not be dropped:", *self.failed, sep="\n  ", file=sys.stderr)
            self.failed.clear()


_DROPPER = _Dropper()


def drop_later(name: str, admin_url: str | None = None) -> None:
    """Drop the database `name` (WITH (FORCE)) in a child process; `admin_url`: a database of the same server to
    connect to (default: `admin()`'s)."""
    _DROPPER.put(name, admin_url or url_for("postgres"))


def drain_drops() -> None:
    """Wait until every database passed to `drop_later` is dropped."""
    _DROPPER.drain()


def apply_sql(url: str, text: str) -> None:
    """Apply a migration file's statements in autocommit mode, one statement per execute (as psql -f would)."""
    from mizzle.migrations.folder import split_statements

    with psycopg.connect(url, autocommit=True) as c:
        for st in split_statements(text):
            try:
                c.execute(st.sql)
            except psycopg.Error as e:
                raise AssertionError(f"statement {st.number} failed: {e}\n{st.sql}") from None


def schema_dump(url: str, exclude_schemas: tuple[str, ...] = ("drizzle",)) -> str:
    """`pg_dump -s`, its `\\restrict` lines and comments stripped, blind to column order."""
    pg_dump = shutil.which("pg_dump") or "pg_dump"
    cmd = [pg_dump, "-s", "--no-owner", "--no-privileges", url]
    for s in exclude_schemas:
        cmd += ["-N", s]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    lines = [ln for ln in out.splitlines()
             if not ln.startswith(("\\restrict", "\\unrestrict", "--", "SET ", "SELECT pg_catalog.set_config"))
             and ln.strip()]
    # sort the column lines inside CREATE TABLE (...) blocks
    result: list[str] = []
    block: list[str] | None = None
    for ln in lines:
        if block is not None:
            if ln.startswith(")"):
                result.extend(sorted(x.rstrip(",") for x in block))
                result.append(ln)
                block = None
            else:
                block.append(ln)
            continue
        result.append(ln)
        if re.match(r"^CREATE (UNLOGGED )?TABLE .*\($", ln):
            block = []
    return "\n".join(result)

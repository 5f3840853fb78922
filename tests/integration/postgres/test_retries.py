"""migrate --retries N: a statement that gives up waiting for a lock (lock_timeout, SQLSTATE 55P03) has its unit
rolled back and run again with backoff; without retries, or once they are used up, exit 1 naming what it waited on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import pytest
from conftest import CliResult, MigrationsDir, statements

pytestmark = pytest.mark.pg

SHORT = "SET LOCAL lock_timeout = '150ms'"


@contextmanager
def held(url: str, lock: str, seconds: float | None) -> Iterator[psycopg.Connection]:
    """Another session holds `lock` (e.g. "LOCK TABLE t IN ACCESS SHARE MODE"); released after `seconds` from a
    thread while the test runs (None: at the end of the block)."""
    c = psycopg.connect(url, autocommit=True, application_name="the app")
    c.execute("BEGIN")
    c.execute(lock)
    timer = threading.Timer(seconds, lambda: c.execute("COMMIT")) if seconds is not None else None
    if timer:
        timer.start()
    try:
        yield c
    finally:
        if timer:
            timer.join()
        else:
            c.execute("COMMIT")
        c.close()


def _table(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE t (id integer)")


def _columns(url: str) -> list[str]:
    with psycopg.connect(url) as c:
        return [r[0] for r in c.execute("SELECT attname FROM pg_attribute WHERE attrelid = 't'::regclass "
                                         "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")]


def _retry_lines(r: CliResult) -> list[str]:
    return [ln for ln in r.stderr.splitlines() if "gave up waiting for a lock" in ln]


def test_retries_outlast_a_held_lock(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                     run_mizzle: Callable[..., CliResult]) -> None:
    url = pg_url()
    _table(url)
    migrations_dir.add(statements(SHORT, "ALTER TABLE t ADD COLUMN a integer"), "add_a")
    with held(url, "LOCK TABLE t IN ACCESS SHARE MODE", 1.2):
        t0 = time.monotonic()
        r = run_mizzle(["migrate", "--retries", "6"], cwd=migrations_dir.path.parent, url=url)
    assert r.code == 0, r.stderr
    assert time.monotonic() - t0 >= 1.0  # it really waited the lock out
    lines = _retry_lines(r)
    assert lines and "0000_add_a: statement 2 gave up waiting for a lock" in lines[0], r.stderr
    assert "retry 1 of 6" in lines[0] and "its transaction rolled back" in lines[0]
    assert _columns(url) == ["id", "a"]


def test_without_retries_exit_1_names_the_holder(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                                 run_mizzle: Callable[..., CliResult]) -> None:
    url = pg_url()
    _table(url)
    migrations_dir.add(statements(SHORT, "ALTER TABLE \"public\".\"t\" ADD COLUMN a integer"), "add_a")
    with held(url, "LOCK TABLE t IN ACCESS SHARE MODE", None):
        r = run_mizzle(["migrate"], cwd=migrations_dir.path.parent, url=url)
        assert r.code == 1, r.stderr
        assert "lock timeout" in r.first_error_line and "no retries: pass --retries N" in r.first_error_line, r.stderr
        assert "waited longer than lock_timeout for a lock on: public.t (AccessShareLock held by pid" in r.stderr
        assert "the app" in r.stderr
        assert not _retry_lines(r)
        # retries used up: the same, saying how many
        r = run_mizzle(["migrate", "--retries", "1"], cwd=migrations_dir.path.parent, url=url)
        assert r.code == 1 and "(after 1 retry)" in r.first_error_line, r.stderr
        assert len(_retry_lines(r)) == 1
    assert _columns(url) == ["id"]


def test_no_transaction_file_retries_only_the_statement(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                                        run_mizzle: Callable[..., CliResult]) -> None:
    url = pg_url()
    _table(url)
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE runs (n integer)")
    migrations_dir.add("-- mizzle:no-transaction\n" + statements(
        "INSERT INTO runs VALUES (1)",  # not idempotent: run twice, it would show
        "CREATE INDEX CONCURRENTLY t_id_idx ON t (id)",
        f"{SHORT};\nALTER TABLE t ADD COLUMN b integer"), "online")
    (migrations_dir.path.parent / "mizzle.toml").write_text(
        'dialect = "postgresql"\nout = "drizzle"\n[migrations]\nretries = 5\n', encoding="utf-8")
    with held(url, "LOCK TABLE t IN ACCESS SHARE MODE", 1.0):
        r = run_mizzle(["migrate"], cwd=migrations_dir.path.parent, url=url)  # retries from the config
    assert r.code == 0, r.stderr
    lines = _retry_lines(r)
    assert lines and all("0000_online: statement 3" in ln and "the statement rolled back" in ln for ln in lines)
    with psycopg.connect(url) as c:
        assert c.execute("SELECT count(*) FROM runs").fetchone() == (1,)
    assert _columns(url) == ["id", "b"]


def test_transaction_all_retries_from_the_first_migration_of_the_transaction(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir, run_mizzle: Callable[..., CliResult]) -> None:
    url = pg_url()
    _table(url)
    migrations_dir.add(statements("CREATE TABLE first (id integer)"), "first")
    migrations_dir.add(statements(SHORT, "ALTER TABLE t ADD COLUMN c integer"), "second")
    with held(url, "LOCK TABLE t IN ACCESS SHARE MODE", 1.0):
        r = run_mizzle(["migrate", "--transaction", "all", "--retries", "6"], cwd=migrations_dir.path.parent, url=url)
    assert r.code == 0, r.stderr
    assert "the transaction since 0000_first rolled back" in _retry_lines(r)[0]
    with psycopg.connect(url) as c:
        assert c.execute("SELECT count(*) FROM drizzle.__drizzle_migrations").fetchone() == (2,)
        assert c.execute("SELECT to_regclass('first') IS NOT NULL").fetchone() == (True,)
    assert _columns(url) == ["id", "c"]


def test_retries_is_validated(migrations_dir: MigrationsDir, run_mizzle: Callable[..., CliResult]) -> None:
    r = run_mizzle(["migrate", "--retries", "-1"], cwd=migrations_dir.path.parent, url="postgresql://x@127.0.0.1/x")
    assert r.code == 2 and "--retries" in r.stderr
    (migrations_dir.path.parent / "mizzle.toml").write_text(
        'dialect = "postgresql"\nout = "drizzle"\n[migrations]\nretries = "often"\n', encoding="utf-8")
    r = run_mizzle(["migrate"], cwd=migrations_dir.path.parent, url="postgresql://x@127.0.0.1/x")
    assert r.code == 2 and "migrations.retries" in r.first_error_line, r.stderr

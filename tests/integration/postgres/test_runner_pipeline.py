"""The runner's speed trick (issue 18): a migration goes to PostgreSQL in one flush (pipeline mode) — and reports a
failure exactly as the statement-by-statement run does, which each test checks by running the same folder both
ways (the trick switched off by making the backend decline it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from conftest import MigrationsDir, statements

from mizzle.dialects.base import ServerError
from mizzle.dialects.postgres.runner import PostgresBackend
from mizzle.dialects.postgres.runner import _one_statement as _pipelinable
from mizzle.errors import StatementFailed
from mizzle.runner import migrate as runner

pytestmark = pytest.mark.pg


def q(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as c:
        cur = c.execute(sql)
        return cur.fetchall() if cur.description else []


def _state(url: str) -> tuple[list[tuple], list[tuple], list[tuple]]:
    return (q(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"),
            q(url, 'SELECT hash, created_at FROM "drizzle"."__drizzle_migrations" ORDER BY id'),
            q(url, 'SELECT tag, action, statements FROM "drizzle"."__mizzle_audit" ORDER BY id'))


def _run_both(folder: Path, pg_url: Callable[..., str], monkeypatch: pytest.MonkeyPatch,
              **kw: object) -> dict[bool, tuple[object, tuple]]:
    """{pipelined: (the result or the StatementFailed, the database's state)}; counts the pipelined migrations."""
    out: dict[bool, tuple[object, tuple]] = {}
    real = PostgresBackend.run_pipelined
    for pipelined in (True, False):
        used: list[str] = []  # the migrations sent in one flush (a failing one raises from it)

        def spy(self: PostgresBackend, sts: list[str], record: object, durable: bool = True, _on: bool = pipelined,
                _used: list[str] = used) -> bool:
            if not _on or not all(map(_pipelinable, sts)):
                return False
            _used.append(record.tag)  # type: ignore[attr-defined]
            return real(self, sts, record, durable)  # type: ignore[arg-type]

        monkeypatch.setattr(PostgresBackend, "run_pipelined", spy)
        url = pg_url()
        try:
            got: object = runner.migrate(url=url, folder=folder, **kw)  # type: ignore[arg-type]
        except (StatementFailed, ServerError) as e:  # a COMMIT refused: ServerError, both ways
            got = e
        out[pipelined] = (got, (_state(url), len(used)))
    return out


def _same_failure(a: object, b: object) -> None:
    assert isinstance(a, StatementFailed) and isinstance(b, StatementFailed)
    assert (a.message, a.details, a.exit_code) == (b.message, b.details, b.exit_code)
    ra, rb = a.result, b.result  # type: ignore[attr-defined]
    assert [(m.tag, m.status, m.executed) for m in ra.migrations] == [(m.tag, m.status, m.executed)
                                                                       for m in rb.migrations]


def test_failing_statement_reported_as_one_by_one(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    migrations_dir.add(statements('CREATE TABLE "a" ("id" integer)', 'CREATE INDEX "a_i" ON "a" ("id")'))
    migrations_dir.add(statements('CREATE TABLE "b" ("id" integer)', 'ALTER TABLE "nope" ADD COLUMN "x" integer',
                                  'CREATE TABLE "c" ("id" integer)'), name="bad")
    migrations_dir.add('CREATE TABLE "e" ("id" integer);')
    both = _run_both(migrations_dir.path, pg_url, monkeypatch)
    (fast, (fast_state, used)), (slow, (slow_state, unused)) = both[True], both[False]
    assert used == 2 and unused == 0  # the first migration and the failing one went in one flush each
    _same_failure(fast, slow)
    assert fast.message.startswith("0001_bad.sql failed at statement 2 of 3: ")  # type: ignore[attr-defined]
    assert fast_state[0] == slow_state[0] == [("a",)]  # its transaction rolled back, the first one kept
    assert len(fast_state[1]) == 1 and [r[0] for r in fast_state[2]] == [r[0] for r in slow_state[2]]


def test_failing_commit_deferred_constraint(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    migrations_dir.add(statements(
        'CREATE TABLE "p" ("id" integer PRIMARY KEY)',
        'CREATE TABLE "k" ("p_id" integer REFERENCES "p" DEFERRABLE INITIALLY DEFERRED)',
        'INSERT INTO "k" VALUES (1)'), name="deferred")  # fails only at COMMIT
    both = _run_both(migrations_dir.path, pg_url, monkeypatch)
    (fast, (fast_state, used)), (slow, (slow_state, _)) = both[True], both[False]
    assert used == 1
    assert type(fast) is type(slow) and str(fast) == str(slow)
    assert fast_state == slow_state and fast_state[0] == []


def test_several_statements_in_a_chunk_run_one_by_one(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    migrations_dir.add('CREATE TABLE "a" ("id" integer); CREATE TABLE "b" ("id" integer);')  # no breakpoint
    migrations_dir.add(statements("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$",
                                  "CREATE TABLE \"c\" (\"note\" text DEFAULT 'x;y')"), name="quoted")
    both = _run_both(migrations_dir.path, pg_url, monkeypatch)
    (_, (fast_state, used)), (_, (slow_state, _)) = both[True], both[False]
    assert used == 1  # the second: its semicolons are inside a dollar quote and a string
    assert fast_state == slow_state and fast_state[0] == [("a",), ("b",), ("c",)]
    assert not _pipelinable('CREATE TABLE "a" ("id" integer); CREATE TABLE "b" ("id" integer);')
    assert not _pipelinable("SELECT 'it''s -- not a comment'; DROP TABLE a")
    assert not _pipelinable("SELECT E'\\'; x'")  # a backslash: not scanned, one by one
    assert _pipelinable("CREATE TABLE t (n text DEFAULT 'a;b') -- a comment; with a semicolon\n;")


def test_pipelined_run_records_a_duration(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    migrations_dir.add(statements('CREATE TABLE "a" ("id" integer)', "SELECT pg_sleep(0.05)"))
    res = runner.migrate(url=url, folder=migrations_dir.path)
    assert [m.status for m in res.migrations] == ["applied"] and res.migrations[0].executed == 2
    ((ms,),) = q(url, 'SELECT duration_ms FROM "drizzle"."__mizzle_audit"')
    assert ms is not None and ms >= 50  # the server's measure, BEGIN to the record


_SEEN = ('CREATE TABLE "seen_{n}" AS SELECT current_setting(\'synchronous_commit\') AS sync, '
         'pg_current_wal_insert_lsn() AS lsn')


def _flushed_past(url: str, table: str) -> bool:
    """Whether the server's WAL is on disk past the point `table` was made at (its transaction's commit follows)."""
    return q(url, f'SELECT pg_current_wal_flush_lsn() > lsn FROM "{table}"')[0][0]


def test_a_run_commits_its_migrations_without_waiting_for_the_disk_but_the_last(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    for n in range(3):
        migrations_dir.add(_SEEN.format(n=n))
    runner.migrate(url=url, folder=migrations_dir.path)
    assert [r[0] for r in q(url, 'SELECT sync FROM "seen_0" UNION ALL SELECT sync FROM "seen_1" '
                                 'UNION ALL SELECT sync FROM "seen_2"')] == ["off", "off", "on"]
    # returned only once the last migration's commit (after its lsn) was on disk: the WAL writer alone takes up
    # to wal_writer_delay (200 ms by default) for an asynchronous commit
    assert _flushed_past(url, "seen_2")
    assert q(url, "SHOW synchronous_commit") == [("on",)]  # the session's own setting is left alone


def test_a_failed_run_makes_what_it_committed_durable_before_it_reports(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    migrations_dir.add(_SEEN.format(n=0))
    migrations_dir.add(_SEEN.format(n=1))
    migrations_dir.add('ALTER TABLE "nope" ADD COLUMN "x" integer;', name="bad")
    with pytest.raises(StatementFailed) as e:
        runner.migrate(url=url, folder=migrations_dir.path)
    assert [m.status for m in e.value.result.migrations] == ["applied"] * 2 + ["failed"]  # type: ignore[attr-defined]
    assert _flushed_past(url, "seen_1")

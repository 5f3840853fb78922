"""PostgresBackend sends BEGIN together with a transaction's first statement (one round trip less per
migration): whatever else touches the connection first must still run inside the transaction."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest
from conftest import MigrationsDir, statements
from psycopg import pq

import mizzle
from mizzle.dburl import parse_url
from mizzle.dialects import ServerError
from mizzle.dialects.postgres.runner import open_backend
from mizzle.errors import StatementFailed
from mizzle.runner.tracking import TrackingTable

pytestmark = pytest.mark.pg


def status(backend) -> pq.TransactionStatus:  # type: ignore[no-untyped-def]
    return backend._conn.pgconn.transaction_status


def test_held_back_begin_goes_out_before_anything_else(pg_url: Callable[..., str]) -> None:
    url = pg_url()
    backend = open_backend(parse_url(url), TrackingTable())
    try:
        backend.read_state(create=True, with_audit=False)
        backend.begin()
        assert status(backend) == pq.TransactionStatus.IDLE  # nothing sent yet
        backend.execute('CREATE TABLE "a" ("id" integer)')
        assert status(backend) == pq.TransactionStatus.INTRANS  # BEGIN went with it
        backend.rollback()
        # the connection handed out (protect, push use it) is inside the transaction already
        backend.begin()
        backend.conn.execute('CREATE TABLE "b" ("id" integer)')
        assert status(backend) == pq.TransactionStatus.INTRANS
        backend.rollback()
        backend.begin()  # a bookkeeping query first: BEGIN on its own, then the query, in the transaction
        backend.record_progress(1, "h", "t", 0, "p")
        assert status(backend) == pq.TransactionStatus.INTRANS
        backend.rollback()
        backend.begin()
        backend.commit()  # an empty transaction: nothing to send
        assert status(backend) == pq.TransactionStatus.IDLE
    finally:
        backend.close()
    with psycopg.connect(url, autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


def test_a_syntax_error_refuses_the_begin_sent_with_it(pg_url: Callable[..., str]) -> None:
    backend = open_backend(parse_url(pg_url()), TrackingTable())
    try:
        backend.begin()
        with pytest.raises(ServerError) as e:
            backend.execute("CREATE TABLE 'x' (")
        assert e.value.code == "42601"
        assert status(backend) == pq.TransactionStatus.IDLE  # the whole message was refused, BEGIN included
        backend.rollback()  # nothing to roll back: no error, no warning
        backend.begin()
        backend.execute("SELECT 1")
        backend.commit()
        assert status(backend) == pq.TransactionStatus.IDLE
    finally:
        backend.close()


@pytest.mark.parametrize("transaction", ["each", "all"])
def test_first_statement_failing_leaves_no_trace(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                                 transaction: str) -> None:
    url = pg_url()
    migrations_dir.add('CREATE TABLE "a" ("id" integer);')
    bad = migrations_dir.add(statements("CREATE TABLE 'b' (", 'CREATE TABLE "c" ("id" integer);'))
    with pytest.raises(StatementFailed) as e:
        mizzle.migrate(url=url, folder=migrations_dir.path, transaction=transaction)
    assert f"{bad}.sql failed at statement 1 of 2" in e.value.message
    with psycopg.connect(url, autocommit=True) as c:
        tables = {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        rows = c.execute("SELECT count(*) FROM drizzle.__drizzle_migrations").fetchone()
    assert tables == ({"a"} if transaction == "each" else set())
    assert rows == ((1,) if transaction == "each" else (0,))
    migrations_dir.sql_path(bad).write_text(statements('CREATE TABLE "b" ("id" integer);',
                                                       'CREATE TABLE "c" ("id" integer);'))
    res = mizzle.migrate(url=url, folder=migrations_dir.path, transaction=transaction)
    assert [m.tag for m in res.applied] == migrations_dir.tags[(1 if transaction == "each" else 0):]

"""PostgreSQL side of the runner: session advisory lock, tracking tables, statement execution and the
translation of server errors. The generic logic (what to run, in which transaction) is mizzle.runner.migrate."""

from __future__ import annotations

import contextlib
import re
import select
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import errors as pgerrors
from psycopg import pq
from psycopg import sql as pgsql

from ...errors import LockTimeout, StatementFailed
from ...runner import interrupt
from ...runner.tracking import TrackingSQL, TrackingStore, TrackingTable
from ..base import AppliedRecord, OtherHistory, PipelineFailed, ServerError
from .connection import connect
from .probe import lock_key, quoted

if TYPE_CHECKING:
    from ...dburl import DatabaseURL

# Patterns are compiled on first use (re caches them): `mizzle migrate` with nothing to do never needs them.
# matched at the start of each statement, with comments, string literals and quoted names blanked out (a CHECK
# comparing with 'concurrently' is not a concurrent index build)
_OUTSIDE_TX = (r"\s*(?:(?:CREATE\s+(?:UNIQUE\s+)?|DROP\s+)INDEX\s+CONCURRENTLY|REINDEX\b[^;]*\bCONCURRENTLY"
               r"|ALTER\s+TABLE\b[^;]*\bDETACH\s+PARTITION\b[^;]*\bCONCURRENTLY|VACUUM|(?:CREATE|DROP)\s+DATABASE"
               r"|(?:CREATE|DROP)\s+TABLESPACE|ALTER\s+SYSTEM)\b")
_LITERALS = r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\$(\w*)\$.*?\$\1\$"
_IDENT = r"(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)"
_CREATE_INDEX_CONCURRENTLY = (
    r"^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    rf"(?P<name>{_IDENT})\s+ON\s+(?:ONLY\s+)?(?P<table>{_IDENT}(?:\s*\.\s*{_IDENT})?)")


def open_backend(url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
                 application_name: str = "mizzle") -> PostgresBackend:
    return PostgresBackend(url, tracking, connect(url, connect_timeout=connect_timeout,
                                                  application_name=application_name))


TRACKING_SQL = TrackingSQL(
    param="%s",
    name=quoted,
    exists="SELECT to_regclass(%s) IS NOT NULL, to_regclass(%s) IS NOT NULL, to_regclass(%s) IS NOT NULL",
    exists_arg=quoted,
    table_ddl="CREATE TABLE IF NOT EXISTS {table} (\n\tid SERIAL PRIMARY KEY,\n\thash text NOT NULL,\n\tcreated_at bigint\n)",
    audit_ddl="CREATE TABLE IF NOT EXISTS {audit} (id bigserial PRIMARY KEY, created_at bigint, hash text, tag text, "
              "action text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), duration_ms double precision, "
              "statements integer, tool_version text, actor text NOT NULL DEFAULT current_user, note text)",
    progress_ddl="CREATE TABLE IF NOT EXISTS {progress} (created_at bigint PRIMARY KEY, hash text NOT NULL, tag text, "
                 "statement integer NOT NULL, prefix_hash text, running integer, "
                 "updated_at timestamptz NOT NULL DEFAULT now())",
    now="now()",
    row_order="id",
    actor="current_user",  # the database's user (the audit's column default too)
    schema_ddl="CREATE SCHEMA IF NOT EXISTS {schema}",
    schema_exists="SELECT 1 FROM pg_namespace WHERE nspname = %s",
    # drizzle-orm 1.x's migrator (pg-core migrate), for folders in drizzle-kit 1.x's layout
    table_ddl_named="CREATE TABLE IF NOT EXISTS {table} (\n\tid SERIAL PRIMARY KEY,\n\thash text NOT NULL,\n\t"
                    "created_at bigint,\n\tname text,\n\tapplied_at timestamp with time zone DEFAULT now()\n)",
    has_name="SELECT 1 FROM pg_attribute WHERE attrelid = '{table}'::regclass AND attname = 'name' AND attnum > 0 "
             "AND NOT attisdropped",
)


class PostgresBackend(TrackingStore):
    dialect = "postgresql"
    tracking_sql = TRACKING_SQL

    def __init__(self, url: DatabaseURL, tracking: TrackingTable, conn: psycopg.Connection[Any]) -> None:
        self.url = url
        self.tracking = tracking
        self._conn = conn
        self._begin_pending = False  # begin() called, BEGIN not sent yet: it goes with the next statement
        self._tx = False
        self._locked = False
        schema = tracking.schema or "public"
        self._table = pgsql.Identifier(schema, tracking.table)
        self._audit = pgsql.Identifier(schema, tracking.audit)
        self._progress = pgsql.Identifier(schema, tracking.progress)
        self._key = lock_key(tracking)
        self._record_sql: dict[int, bytes] = {}
        self._cur = conn.cursor()  # one cursor for the run's statements: less per-statement overhead
        self._unflushed = False  # a migration committed without waiting for the WAL flush (make_durable)

    # -- lock ------------------------------------------------------------------------------------------

    def acquire_lock(self, timeout: float | None, on_wait: Callable[[str], None]) -> float:
        if self.try_lock():
            return 0.0
        started = time.monotonic()
        on_wait(self._holder_description())
        if timeout is None:
            self._query("SELECT pg_advisory_lock(%s)", (self._key,))
            self._locked = True
            return time.monotonic() - started
        delay = 0.02
        while True:
            left = timeout - (time.monotonic() - started)
            if left <= 0:
                raise LockTimeout(
                    f"migration lock on {self.url.where} not obtained within {timeout:g} s: "
                    f"{self._holder_description()}",
                    "Another `mizzle migrate` is running against this database. Wait for it, or raise "
                    "--lock-timeout. If it is stuck, end its session (pg_terminate_backend(pid)); "
                    "its current migration then rolls back.")
            time.sleep(min(delay, max(left, 0.001)))
            delay = min(delay * 1.5, 0.25)
            if self.try_lock():
                return time.monotonic() - started

    def try_lock(self) -> bool:
        row = self._query("SELECT pg_try_advisory_lock(%s)", (self._key,))
        self._locked = bool(row and row[0][0])
        return self._locked

    def _holder_description(self) -> str:
        hi, lo = (self._key >> 32) & 0xFFFFFFFF, self._key & 0xFFFFFFFF
        rows = self._query(
            "SELECT a.pid, a.application_name, a.client_addr::text, a.backend_start, a.usename "
            "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s::bigint::oid "
            "AND l.objid = %s::bigint::oid AND l.objsubid = 1 "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (hi, lo))
        if not rows:
            return "held by another session"
        pid, app, addr, started, user = rows[0]
        since = started.strftime("%H:%M:%S") if started else "?"
        return (f"held by pid {pid} ({app or 'no application_name'}, user {user}, "
                f"from {addr or 'local socket'}, connected since {since})")

    @property
    def conn(self) -> psycopg.Connection[Any]:
        """The connection. A BEGIN held back by begin() is sent first: whatever runs on it runs inside the
        transaction the caller opened."""
        self._flush_begin()
        return self._conn

    def release_lock(self) -> None:
        if self._locked and not self._conn.closed:
            try:
                self._query("SELECT pg_advisory_unlock(%s)", (self._key,))
            except ServerError:
                pass
            self._locked = False

    # -- tracking tables (read and written by the TrackingStore) --------------------------------------------

    def create_tracking(self, statements: list[str]) -> None:
        try:
            with self.conn.transaction():
                for s in statements:
                    self.conn.execute(s)
        except psycopg.Error as e:
            err = translate(e)
            raise StatementFailed(
                f"cannot create the tracking table {self.tracking.display}: {err}",
                "mizzle keeps drizzle-orm's tracking table and its own audit beside it in that schema. Grant the "
                f"migrating role CREATE on schema {self.tracking.schema} (or on the database), or choose another "
                "schema with [migrations] schema in mizzle.toml.") from None

    def record_applied(self, record: AppliedRecord) -> None:
        name = self._prepare_record(record.clear_progress)
        params = _record_params(record)
        self._send(lambda pg: pg.send_query_prepared(name, params))

    def _prepare_record(self, clear_progress: bool) -> bytes:
        """The statement writing drizzle-orm's row and mizzle's audit entry in one round trip, prepared on the
        server once per run: parsing and planning the two inserts anew for every migration cost as much as
        running them (~40 → ~22 µs per migration here). Prepared statements outlive a rollback (retries).
        A NULL duration is the server's: from the transaction's start (BEGIN) to this insert."""
        variant = clear_progress + 2 * self.named
        name = b"mizzle_record_%d" % variant
        if variant not in self._record_sql:
            # $1 hash, $2 when, $3 tag, $4 action, $5 duration_ms, $6 statements, $7 tool version, $8 note
            # (drizzle-orm 1.x's table: the tag is the migration's name there)
            q = pgsql.SQL(
                ("WITH t AS (INSERT INTO {} (hash, created_at, name) VALUES ($1, $2, $3) RETURNING id)" if self.named
                 else "WITH t AS (INSERT INTO {} (hash, created_at) VALUES ($1, $2) RETURNING id)")
                + "{}"
                " INSERT INTO {} (created_at, hash, tag, action, duration_ms, statements, tool_version, note)"
                " VALUES ($2, $1, $3, $4, COALESCE($5::double precision,"
                " round((extract(epoch FROM clock_timestamp() - now()) * 1000)::numeric, 3)::double precision),"
                " $6, $7, $8)"
            ).format(self._table,
                     pgsql.SQL(", p AS (DELETE FROM {} WHERE created_at = $2)").format(self._progress)
                     if clear_progress else pgsql.SQL(""),
                     self._audit).as_bytes(self.conn)
            self._send(lambda pg: pg.send_prepare(name, q))
            self._record_sql[variant] = q
        return name

    # -- speed trick (issue 18): a migration in one flush -------------------------------------------------------

    def run_pipelined(self, statements: Sequence[str], record: AppliedRecord, durable: bool = True) -> bool:
        """BEGIN, each statement, the tracking record and COMMIT written to the server together and their
        results read back after (libpq's pipeline mode): one round trip per migration instead of one per
        statement plus two (the record, the COMMIT) — with 1,000 pending one-table migrations, ~3,000 round
        trips and the server idling between them. The server stops at the first error (what follows it is
        skipped), as the one-by-one run does. The extended protocol takes one statement per query, so a chunk
        that may hold several (or anything unusual to scan: see _one_statement) is refused: False, nothing
        sent."""
        if self._tx or not all(_one_statement(sql) for sql in statements):
            return False
        name = self._prepare_record(record.clear_progress)  # once per run, on its own: it must not be skipped
        params = _record_params(record)
        head: list[Callable[[pq.abc.PGconn], None]] = [lambda pg: pg.send_query_params(b"BEGIN", None)]
        if not durable:
            head.append(lambda pg: pg.send_query_params(_ASYNC_COMMIT, None))
        sends = head + [(lambda q: lambda pg: pg.send_query_params(q, None))(sql.encode("utf-8")) for sql in statements]
        sends.append(lambda pg: pg.send_query_prepared(name, params))
        sends.append(lambda pg: pg.send_query_params(b"COMMIT", None))
        self._tx = True
        failed = self._pipeline(sends)
        if failed is None:
            self._tx = False
            self._unflushed = not durable  # a commit waiting for the disk waits for every one before it too
            return True
        index, error = failed
        if index == len(sends) - 1:  # the COMMIT (a deferred constraint): the transaction is over, as commit()
            self._tx = False
            raise error
        raise PipelineFailed(max(index - len(head), 0), error)

    # Speed trick (issue 18): one WAL flush per run, not one per migration. Each migration sent in one flush
    # (run_pipelined) but the run's last commits with `synchronous_commit = off` for its own transaction: its
    # COMMIT returns without waiting for the WAL to reach the disk. The run's last migration commits with the
    # session's own setting, which waits for the WAL up to its commit record — every earlier commit included, as
    # the WAL is written in order (and for a synchronous standby, where the server has one). A run that stops
    # before its last migration (a failure) calls make_durable() before it reports: one transaction with the
    # session's setting, which must write to the WAL (PostgreSQL flushes nothing for one that did not): it
    # rewrites the newest audit row as it is, which the migrations committed put there. So the run returns with
    # everything it applied on disk, as before. What changes is only a server crash during the run: it may lose
    # the last migrations committed, whole and in order (PostgreSQL: "as though those transactions had been
    # aborted cleanly") — the state of a run stopped earlier, which the next run completes. What it buys: 1,000
    # one-table migrations wait for ~1 fsync instead of ~1,000 (~0.35 of psql's ~2.4 s here).

    def make_durable(self) -> None:
        if not self._unflushed or self._conn.closed:
            return
        self._unflushed = False
        self._raw(pgsql.SQL("BEGIN; UPDATE {a} SET id = id WHERE id = (SELECT max(id) FROM {a}); COMMIT")
                  .format(a=self._audit).as_bytes(self._conn))

    def _pipeline(self, sends: list[Callable[[pq.abc.PGconn], None]]) -> tuple[int, ServerError] | None:
        """Send the commands and a sync in one flush, then read every result: (index of the first command
        that failed, its error), or None. Ctrl-C cancels on the server, as _send does."""
        pg = self._conn.pgconn
        pg.enter_pipeline_mode()
        failed: tuple[int, ServerError] | None = None
        try:
            for send in sends:
                send(pg)
            pg.pipeline_sync()
            fd = pg.socket
            while pg.flush():
                select.select([], [fd], [])
            index = 0
            while True:
                pg.consume_input()
                while not pg.is_busy():
                    res = pg.get_result()
                    if res is None:  # the end of one command's results
                        index += 1
                    elif res.status == pq.ExecStatus.PIPELINE_SYNC:
                        return failed
                    elif res.status == pq.ExecStatus.FATAL_ERROR and failed is None:
                        failed = (index, self._result_error(res))
                _wait_readable(fd)
        except KeyboardInterrupt:
            pg.get_cancel().cancel()
            _drain_pipeline(pg)
            raise
        except psycopg.OperationalError as e:
            raise (failed[1] if failed is not None else translate(e)) from None
        finally:
            if pg.pipeline_status != pq.PipelineStatus.OFF and pg.status == pq.ConnStatus.OK:
                try:
                    pg.exit_pipeline_mode()
                except psycopg.OperationalError:
                    pass

    # -- transactions and statements ------------------------------------------------------------------------

    def set_statement_timeout(self, seconds: float) -> None:
        self._query(pgsql.SQL("SET statement_timeout = {}").format(pgsql.Literal(f"{int(seconds * 1000)}ms")),
                    fetch=False)

    # The connection is in autocommit mode: every transaction is an explicit BEGIN … COMMIT sent here, and
    # each execute carries one migration chunk (SPEC §6). These run on libpq directly (psycopg's public
    # `pq` layer) rather than through a cursor: the cursor's bookkeeping costs ~50 µs per statement, which
    # at five round trips per migration is the difference between psql's speed and not.

    # begin() sends nothing: BEGIN goes out in one message with the transaction's first statement (one round
    # trip less per migration); anything else sent on the connection first sends it on its own.

    def begin(self) -> None:
        assert not self._tx, "transaction already open"
        self._tx = True
        self._begin_pending = True

    def _flush_begin(self) -> None:
        if self._begin_pending:
            self._begin_pending = False
            self._raw(b"BEGIN")

    def commit(self) -> None:
        if self._tx:
            self._tx = False
            if self._begin_pending:  # nothing ran in it
                self._begin_pending = False
                return
            self._raw(b"COMMIT")

    def rollback(self) -> None:
        if self._tx:
            self._tx = False
            self._begin_pending = False
            # not IDLE: a statement with a syntax error is refused whole, with the BEGIN sent along with it
            if not self._conn.closed and self._conn.pgconn.transaction_status != pq.TransactionStatus.IDLE:
                try:
                    self._raw(b"ROLLBACK")
                except ServerError:
                    pass

    @property
    def in_transaction(self) -> bool:
        return self._tx

    def execute(self, sql: str) -> None:
        # no parameters → simple query protocol, so a chunk may hold several statements, as with drizzle-orm
        query = sql.encode("utf-8")
        if self._begin_pending:
            self._begin_pending = False
            query = b"BEGIN;\n" + query
        self._raw(query)

    def _raw(self, query: bytes, params: list[bytes | None] | None = None) -> None:
        """Send one query and wait for all its results; Ctrl-C cancels it on the server."""
        if params is None:
            self._send(lambda pg: pg.send_query(query))
        else:
            self._send(lambda pg: pg.send_query_params(query, params))

    def _send(self, send: Callable[[pq.abc.PGconn], None]) -> None:
        """`send` one command (pq's send_query, send_prepare, …) and wait for all its results."""
        self._flush_begin()
        pg = self._conn.pgconn
        error: pq.abc.PGresult | None = None
        try:
            send(pg)
            fd = pg.socket
            while pg.flush():
                select.select([], [fd], [])
            while True:
                pg.consume_input()
                while not pg.is_busy():
                    res = pg.get_result()
                    if res is None:
                        if error is not None:
                            raise self._result_error(error)
                        return
                    if res.status == pq.ExecStatus.FATAL_ERROR and error is None:
                        error = res
                _wait_readable(fd)
        except KeyboardInterrupt:
            cancel = pg.get_cancel()
            cancel.cancel()
            while pg.get_result() is not None:  # drain, blocking: the server is cancelling
                pass
            raise
        except psycopg.OperationalError as e:
            # the server's own message (e.g. "terminating connection due to administrator command") beats
            # libpq's "server closed the connection unexpectedly"
            raise (self._result_error(error) if error is not None else translate(e)) from None

    def _result_error(self, res: pq.abc.PGresult) -> ServerError:
        err = translate(pgerrors.error_from_result(res, encoding=self._conn.info.encoding))
        if self._conn.pgconn.status != pq.ConnStatus.OK:
            err.connection_lost = True
        return err

    def execute_outside(self, sql: str) -> None:
        # a no-transaction file written by hand, with no breakpoints (openfga's goose migration 006: CREATE INDEX
        # CONCURRENTLY, then DROP INDEX CONCURRENTLY): sent as one query, its statements share an implicit
        # transaction, and the server refuses either (25001)
        parts = split_sql_statements(sql)
        for i, one in enumerate(parts, 1):
            try:
                self.execute(one)
            except ServerError as e:
                if len(parts) > 1:  # those before it committed: the error says which one failed
                    e.parts, e.part = tuple(parts), i
                raise

    def must_run_outside_transaction(self, sql: str) -> bool:
        text = re.sub(_LITERALS, "''", _strip_comments(sql), flags=re.S)
        return any(re.match(_OUTSIDE_TX, part, re.I) for part in text.split(";"))

    def alone_outside_transaction(self, sql: str) -> bool:
        # Prisma's migration.sql, sent whole in one simple query: of one statement, it runs in no transaction block
        # (trigger.dev's 72 files of one CREATE INDEX CONCURRENTLY); of several, they share an implicit one, which
        # the server refuses it in
        return self.must_run_outside_transaction(sql) and len(split_sql_statements(sql)) == 1

    def prepare_outside(self, sql: str, interrupted: bool) -> tuple[bool, str | None]:
        parts = split_sql_statements(sql)
        if len(parts) > 1:
            # a chunk of several statements (execute_outside): no record says which of them a killed run
            # completed, so the chunk is never taken as done (its later statements would be skipped); an INVALID
            # index any of them left is dropped, and the chunk runs again whole
            notes = [note for part in parts for note in [self._prepare_one(part, False)[1]] if note]
            return False, "; ".join(notes) or None
        return self._prepare_one(sql, interrupted)

    def _prepare_one(self, sql: str, interrupted: bool) -> tuple[bool, str | None]:
        m = re.match(_CREATE_INDEX_CONCURRENTLY, _strip_comments(sql), re.I)
        if not m:
            return False, None
        name = _unquote_ident(m["name"])
        rows = self._query(
            "SELECT c.oid::regclass::text, i.indisvalid, i.indrelid = to_regclass(%s) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = %s "
            "AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = to_regclass(%s))",
            (m["table"], name, m["table"]))
        if not rows:
            return False, None
        index, valid, same_table = rows[0]
        if valid and interrupted and same_table:
            # the killed run's CREATE INDEX CONCURRENTLY finished; only its progress record was lost
            return True, f"index {index} was completed by the interrupted run; recorded as done"
        if valid:
            return False, None  # a real conflict: let the statement fail with the server's message
        self._query(pgsql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}").format(pgsql.SQL(index)), fetch=False)
        return False, f"dropped INVALID index {index} left by an interrupted CREATE INDEX CONCURRENTLY; retrying"

    def other_history(self) -> OtherHistory | None:
        from .prisma_history import prisma_history

        return prisma_history(self._query)

    def catalog_tables(self, names: Sequence[str], containing: str) -> list[tuple[str, str, tuple[str, ...]]]:
        try:
            rows = self._query(
                "SELECT n.nspname::text, c.relname::text, array_agg(a.attname::text ORDER BY a.attnum) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (current_schemas(false)) "
                "AND (c.relname = ANY (%s::text[]) OR strpos(c.relname, %s) > 0) GROUP BY 1, 2 ORDER BY 1, 2",
                (list(names), containing))
        except ServerError:
            return []
        return [(str(r[0]), str(r[1]), tuple(r[2])) for r in rows]

    def describe_lock_wait(self, sql: str) -> str | None:
        """After a lock timeout: the other sessions holding locks on the tables `sql` names (schema-qualified
        and quoted, as mizzle writes them), e.g. `"public"."users" (held by pid 123, idle in transaction since
        12:00:01: UPDATE users …)`."""
        names = sorted(set(re.findall(r'"(?:[^"]|"")+"\."(?:[^"]|"")+"', _strip_comments(sql))))
        if not names:
            return None
        try:
            rows = self._query(
                "SELECT (SELECT format('%%I.%%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE c.oid = l.relation), a.pid, a.state, a.application_name, a.xact_start, "
                "left(regexp_replace(a.query, '\\s+', ' ', 'g'), 80), string_agg(DISTINCT l.mode, '/') "
                "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.granted AND l.pid <> pg_backend_pid() AND l.locktype = 'relation' "
                "AND l.relation = ANY (SELECT to_regclass(n) FROM unnest(%s::text[]) AS n) "
                "GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY a.xact_start NULLS LAST LIMIT 5", (names,))
        except ServerError:
            return None
        if not rows:
            return ", ".join(names) + " (no other session holds a lock on them now)"
        out = []
        for rel, pid, state, app, since, query, modes in rows:
            at = since.strftime("%H:%M:%S") if since else "?"
            out.append(f"{rel} ({modes} held by pid {pid}{f' {app}' if app else ''}, {state or '?'} since {at}: "
                       f"{query or '?'})")
        return "; ".join(out)

    def close(self) -> None:
        self._begin_pending = False
        try:
            if self._unflushed and self._conn.pgconn.transaction_status == pq.TransactionStatus.IDLE:
                with contextlib.suppress(ServerError):  # a run that failed: what it committed made durable
                    self.make_durable()
            self.release_lock()
        finally:
            self._conn.close()

    # -- internals -----------------------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] = (), fetch: bool = True) -> list[tuple[Any, ...]]:
        return self._query(sql, params or None, fetch)

    def _query(self, q: Any, params: Any = None, fetch: bool = True) -> list[tuple[Any, ...]]:
        self._flush_begin()
        try:
            cur = self._cur.execute(q, params)
            return cur.fetchall() if fetch and cur.description else []
        except psycopg.Error as e:
            raise translate(e) from None


_ASYNC_COMMIT = b"SET LOCAL synchronous_commit = off"  # see make_durable


def translate(e: psycopg.Error) -> ServerError:
    diag = getattr(e, "diag", None)
    primary = (diag.message_primary if diag is not None else None) or str(e).strip().splitlines()[0] or type(e).__name__
    code = getattr(e, "sqlstate", None)
    taken = _SHARED_NAME.match(primary) if code in ("42P07", "42710") else None
    return ServerError(
        message=primary,
        code=code,
        detail=diag.message_detail if diag is not None else None,
        hint=diag.message_hint if diag is not None else None,
        refused_in_transaction=isinstance(e, pgerrors.ActiveSqlTransaction),
        already_exists=code in ("42P07", "42701", "42710", "42P06", "42723", "42P04", "42P16", "23505")
        and "already exists" in primary,
        permission_denied=isinstance(e, pgerrors.InsufficientPrivilege),
        connection_lost=isinstance(e, psycopg.OperationalError) and code is None,
        lock_not_available=code == "55P03",
        dependents=_dependents(diag.message_detail if diag is not None and code in _DEPENDENTS else None),
        advice=(missing_type_advice(primary) if code == "42704" else None)
        or (missing_function_advice(primary) if code == "42883" else None) or (_SHARED_SPACE if taken else None),
        existing=taken.group(1) if taken else None,
    )


# `relation "c" already exists`, `type "statuses" already exists`: a name of one of a schema's shared name spaces,
# which two different objects of the schema code may have been given (designate's table and enum service_statuses)
_SHARED_NAME = re.compile(r'(?:relation|type) "([^"]+)" already exists')
_SHARED_SPACE = ("PostgreSQL keeps a schema's tables, views, sequences and indexes in one name space, and its types "
                 "(enums, domains, composite types, and the row type every table and view has) in another: a table "
                 "and an index, or a table and an enum, of one name collide")


# types that extensions define, by the extension (what a schema's Geometry, Vector, HSTORE columns need)
_EXTENSION_TYPES = {"geometry": "postgis", "geography": "postgis", "box2d": "postgis", "box3d": "postgis",
                    "raster": "postgis_raster", "vector": "vector", "halfvec": "vector", "sparsevec": "vector",
                    "hstore": "hstore", "citext": "citext", "ltree": "ltree", "lquery": "ltree",
                    "ltxtquery": "ltree", "cube": "cube", "earth": "earthdistance", "isbn": "isn", "ean13": "isn"}


def extension_of_type(type_: str) -> str | None:
    """The extension that defines a column type (`vector(1024)`, `public.geometry(Point,4326)`, `hstore[]`)."""
    base = type_.split("(", 1)[0].strip().rstrip("[]").strip().rsplit(".", 1)[-1].strip('"').lower()
    return _EXTENSION_TYPES.get(base)


# functions that extensions define, by the extension (what an `id` default of `uuid_generate_v4()` needs); only names
# no built-in function and few of an application's own have
_EXTENSION_FUNCTIONS = {**{f"uuid_generate_{v}": "uuid-ossp" for v in ("v1", "v1mc", "v3", "v4", "v5")},
                        **{f"uuid_ns_{n}": "uuid-ossp" for n in ("dns", "url", "oid", "x500")}, "uuid_nil": "uuid-ossp",
                        "gen_random_bytes": "pgcrypto", "gen_salt": "pgcrypto", "pgp_sym_encrypt": "pgcrypto",
                        "pgp_sym_decrypt": "pgcrypto"}
_EXTENSION_CALL = re.compile(r'(?<![\w$"])(' + "|".join(sorted(_EXTENSION_FUNCTIONS, key=len, reverse=True))
                             + r")\s*\(", re.IGNORECASE)


def extensions_called(sql: str) -> dict[str, str]:
    """The extension functions `sql` calls (`uuid_generate_v4()`), each by its name → the extension."""
    return {m.group(1).lower(): _EXTENSION_FUNCTIONS[m.group(1).lower()] for m in _EXTENSION_CALL.finditer(sql)}


def _create_extension(ext: str) -> str:
    plain = re.fullmatch(r"[a-z_][a-z0-9_]*", ext)
    return f"CREATE EXTENSION {ext if plain else chr(34) + ext.replace(chr(34), chr(34) * 2) + chr(34)}"


def missing_function_advice(primary: str) -> str | None:
    """For `function uuid_generate_v4() does not exist`: the extension that defines the function, and how to create
    it; None for a function no extension mizzle knows defines (the application's own, a typo)."""
    m = re.fullmatch(r'function (?:[^ (]+\.)?([^ (.]+)\(.*\) does not exist', primary)
    ext = _EXTENSION_FUNCTIONS.get(m.group(1).lower()) if m is not None else None
    if m is None or ext is None:
        return None
    return (f"{m.group(1)}() is the {ext} extension's function: create the extension first (declare "
            f'mizzle.pg.Extension("{ext}") in the schema code, or {_create_extension(ext)} in an earlier migration); '
            f"the server must have it installed (pg_available_extensions)")
# index operator classes that extensions define, by the extension (Netflix Lemur's trigram indexes: gin_trgm_ops)
_EXTENSION_OPCLASSES = {
    **dict.fromkeys(("gin_trgm_ops", "gist_trgm_ops"), "pg_trgm"), "gin_bigm_ops": "pg_bigm",
    **dict.fromkeys(("gin_hstore_ops", "gist_hstore_ops", "btree_hstore_ops", "hash_hstore_ops"), "hstore"),
    **dict.fromkeys(("gist_ltree_ops", "gist__ltree_ops"), "ltree"), "gist_cube_ops": "cube",
    **dict.fromkeys(("gin__int_ops", "gist__int_ops", "gist__intbig_ops"), "intarray"),
    **dict.fromkeys(("citext_ops", "citext_pattern_ops"), "citext"),
    **dict.fromkeys((f"{t}_{d}_ops" for t in ("vector", "halfvec", "sparsevec") for d in ("l2", "ip", "cosine", "l1")),
                    "vector"),
    **dict.fromkeys(("bit_hamming_ops", "bit_jaccard_ops"), "vector"),
    **dict.fromkeys(("gist_geometry_ops_2d", "gist_geometry_ops_nd", "gist_geography_ops", "spgist_geometry_ops_2d",
                     "spgist_geometry_ops_nd", "spgist_geography_ops"), "postgis"),
}


def extension_of_opclass(opclass: str) -> str | None:
    """The extension that defines an index operator class (`gin_trgm_ops`, `public.gin_trgm_ops`)."""
    return _EXTENSION_OPCLASSES.get(opclass.rsplit(".", 1)[-1].strip('"').lower())


def missing_type_advice(primary: str) -> str | None:
    """For `type "geometry" does not exist`: the extension that defines the type, and how to create it; for
    `operator class "gin_trgm_ops" does not exist for access method "gin"`, the extension that defines it."""
    m = re.fullmatch(r'operator class "(?:[^"]+\.)?([^"]+)" does not exist for access method "[^"]+"', primary)
    if m is not None:
        ext = _EXTENSION_OPCLASSES.get(m.group(1).lower())
        return None if ext is None else (
            f"{m.group(1)} is the {ext} extension's operator class: create the extension first (declare "
            f'mizzle.pg.Extension("{ext}") in the schema code, or CREATE EXTENSION {ext} in an earlier migration); '
            f"the server must have it installed (pg_available_extensions)")
    m = re.fullmatch(r'type "(?:[^"]+\.)?([^"]+)" does not exist', primary)
    if m is None:
        return None
    ext = _EXTENSION_TYPES.get(m.group(1).lower())
    if ext is None:
        return (f"{m.group(1)} is no built-in type: if an extension defines it, create the extension first "
                "(declare mizzle.pg.Extension(...) in the schema code, or CREATE EXTENSION in an earlier migration)")
    return (f"{m.group(1)} is the {ext} extension's type: create the extension first (declare "
            f'mizzle.pg.Extension("{ext}") in the schema code, or CREATE EXTENSION {ext} in an earlier migration); '
            f"the server must have it installed (pg_available_extensions)")


def _record_params(record: AppliedRecord) -> list[bytes | None]:
    ms = None if record.duration_ms is None else f"{record.duration_ms:.3f}"
    return [_text(record.hash), _text(record.when), _text(record.tag), _text(record.action), _text(ms),
            _text(record.statements), _text(record.tool_version), _text(record.note)]


# string literals, quoted names, dollar quotes and comments, blanked before looking for a second statement
_TOKENS = r"'(?:[^'\\]|'')*'|\"(?:[^\"]|\"\")*\"|\$(\w*)\$.*?\$\1\$|--[^\n]*|/\*.*?\*/"


def _one_statement(sql: str) -> bool:
    """Is the chunk certainly one statement (the extended protocol refuses several)? Conservative: a backslash
    (E'' strings), a quote or a semicolon left once literals and comments are blanked says no."""
    if "\\" in sql:
        return False
    rest = re.sub(_TOKENS, " ", sql, flags=re.S).strip().rstrip(";")
    return not any(ch in rest for ch in ";'\"$") and bool(rest)


def _wait_readable(fd: int) -> None:
    """Until the server has something to read. A fleet's interruption (Ctrl-C reaches the main thread only, so
    the fleet sets runner.interrupt for the targets on other threads) is raised here as KeyboardInterrupt, which
    the caller answers as it answers Ctrl-C: it cancels the statement on the server."""
    while not select.select([fd], [], [], 0.2)[0]:
        interrupt.check()


def _drain_pipeline(pg: pq.abc.PGconn) -> None:
    """After a cancel: read (blocking) up to the pipeline's sync, so the connection can leave pipeline mode."""
    nones = 0
    while nones < 2:  # two in a row: nothing more queued (or the connection is gone)
        res = pg.get_result()
        nones = nones + 1 if res is None else 0
        if res is not None and res.status == pq.ExecStatus.PIPELINE_SYNC:
            return
_DEPENDENTS = ("2BP01", "0A000")  # dependent_objects_still_exist; feature_not_supported (a view on a retyped column)
_DEPENDS = re.compile(r"^(?P<what>.+?) depends on ", re.M)
_RULE_OF_VIEW = re.compile(r"^rule _RETURN on (?P<view>(?:materialized )?view .+)$")


def _dependents(detail: str | None) -> tuple[str, ...]:
    """`view tv depends on column name of table t` (one line per object) → ("view tv", …)."""
    out: list[str] = []
    for m in _DEPENDS.finditer(detail or ""):
        what = m.group("what")
        rule = _RULE_OF_VIEW.match(what)
        what = rule.group("view") if rule else what
        if what not in out:
            out.append(what)
    return tuple(out)


def _text(value: object) -> bytes | None:
    return None if value is None else str(value).encode("utf-8")


_LEXEME = re.compile(r"--[^\n]*|/\*|'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?|\$(\w*)\$.*?(?:\$\1\$|\Z)", re.S)
_BLOCK_EDGE = re.compile(r"/\*|\*/")


def _strip_comments(sql: str) -> str:
    """`sql` without its comments: `--` lines and `/* … */` blocks (nested, as PostgreSQL reads them: Prisma's
    `/* Warnings: … */` header above trigger.dev's CREATE UNIQUE INDEX CONCURRENTLY), literals and quoted names kept
    as they are."""
    if "--" not in sql and "/*" not in sql:
        return sql
    out, pos = [], 0
    while (m := _LEXEME.search(sql, pos)) is not None:
        out.append(sql[pos:m.start()])
        pos = m.end()
        if m.group(0) == "/*":
            depth = 1
            while depth and (edge := _BLOCK_EDGE.search(sql, pos)) is not None:
                depth += 1 if edge.group(0) == "/*" else -1
                pos = edge.end()
            pos = pos if not depth else len(sql)
            out.append(" ")
        elif not m.group(0).startswith("--"):
            out.append(m.group(0))
    out.append(sql[pos:])
    return "".join(out)


def _unquote_ident(ident: str) -> str:
    if ident.startswith('"'):
        return ident[1:-1].replace('""', '"')
    return ident.lower()


def split_sql_statements(sql: str) -> list[str]:
    """`sql` cut into its statements (kept whole if it holds one, or does not parse: the server will say why)."""
    import pglast  # only for a no-transaction chunk that holds a `;` inside it

    if ";" not in sql.strip().rstrip(";"):
        return [sql]
    try:
        raws = pglast.parse_sql(sql)
    except pglast.parser.ParseError:
        return [sql]
    if len(raws) < 2:
        return [sql]
    # pglast's locations are character offsets (it converts libpg_query's byte offsets)
    out = []
    for r in raws:
        start = r.stmt_location or 0
        out.append(sql[start:] if not r.stmt_len else sql[start:start + r.stmt_len])
    return out

"""SQLite side of the runner (mizzle.dialects.RunnerBackend), on the standard library's sqlite3.

- The run's lock is an exclusive `flock` on `<database>.mizzle-lock`: it survives the per-migration commits,
  is released by the OS if the process dies, and never touches the database file's own POSIX locks
  (closing another descriptor of the database file would drop SQLite's). Waiting polls a try-lock.
- Transactions are `BEGIN IMMEDIATE` with a busy timeout (a busy database makes mizzle wait, then exit 4).
- `PRAGMA foreign_keys` is a no-op inside a transaction, and with it ON a rebuild's `DROP TABLE` would
  cascade to child rows. So every migration runs with foreign keys OFF (set before BEGIN); the
  `PRAGMA foreign_keys=…` lines of a file are not executed, and `PRAGMA foreign_key_check` runs where a
  file turns them back on and before each migration is recorded: a new violation fails the migration,
  which rolls back.
- A rebuild (`DROP TABLE t` while `__new_t` exists, then `ALTER TABLE __new_t RENAME TO t`) keeps the
  table's triggers, the database's views and the other triggers: they are saved, dropped (the table's own with
  it), and re-created after the rename, views first. Since 3.26 the RENAME checks every view and trigger of the
  database and fails on one that reads `t`, gone for the moment ("error in trigger fkc_comments_insert: no such
  table: main.books", calibre's metadata.db), or that reads what does not exist at all (calibre's triggers
  writing its FTS5 tables, in a database replayed without them). `PRAGMA legacy_alter_table=ON` would skip the
  check, but would not rewrite drizzle-kit's `"__new_t"."x"` in the table's own CHECKs either.
  A rebuilt table's own trigger that the file then makes again (as a file written for drizzle-orm's migrator
  must) replaces the kept one.
- The tracking table is drizzle-orm's, created with its exact text (`id SERIAL PRIMARY KEY` is not a rowid
  alias, so ids are NULL); mizzle's audit and progress tables sit beside it.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...errors import LockTimeout
from ...runner.tracking import TrackingSQL, TrackingStore, TrackingTable, current_actor
from ..base import AppliedRecord, OtherHistory, ServerError
from .connection import DEFAULT_BUSY_TIMEOUT, connect, database_path
from .ddl import dq

if TYPE_CHECKING:
    from ...dburl import DatabaseURL

_FK_PRAGMA = re.compile(r"^\s*PRAGMA\s+(?:main\.)?foreign_keys\s*=\s*[`'\"]?(\w+)[`'\"]?\s*;?\s*$", re.I)
_CREATE_INDEX = re.compile(r"CREATE\s+(?:UNIQUE\s+)?INDEX\b", re.IGNORECASE)
_IDENT = r"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|\[[^\]]+\]|[A-Za-z_][\w$]*)"
_DROP_TABLE = re.compile(rf"^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?P<t>{_IDENT})\s*;?\s*$", re.I)
_RENAME_TABLE = re.compile(rf"^\s*ALTER\s+TABLE\s+(?P<old>{_IDENT})\s+RENAME\s+TO\s+(?P<new>{_IDENT})\s*;?\s*$", re.I)
_CREATE_TRIGGER = re.compile(rf"^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:main\.)?"
                             rf"(?P<t>{_IDENT})", re.I)
_JOURNAL_MODE = re.compile(r"^\s*PRAGMA\s+(?:main\.)?journal_mode\s*=", re.I)
_OUTSIDE_TX = re.compile(r"^\s*VACUUM\b|^\s*PRAGMA\s+(?:main\.)?journal_mode\b", re.I | re.M)
DRIZZLE_TABLE_SQL = ("CREATE TABLE IF NOT EXISTS {table} (\n\t\t\t\tid SERIAL PRIMARY KEY,\n\t\t\t\thash text NOT NULL,"
                     "\n\t\t\t\tcreated_at numeric\n\t\t\t)")
_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
_EXISTS = "EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)"
TRACKING_SQL = TrackingSQL(
    param="?",
    name=lambda schema, name: _q(name),  # one database per file: no schemas
    exists=f"SELECT {_EXISTS}, {_EXISTS}, {_EXISTS}",
    exists_arg=lambda schema, name: name,
    table_ddl=DRIZZLE_TABLE_SQL,
    audit_ddl="CREATE TABLE IF NOT EXISTS {audit} (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at integer, hash text, "
              f"tag text, action text NOT NULL, applied_at text NOT NULL DEFAULT ({_NOW}), duration_ms real, "
              "statements integer, tool_version text, actor text, note text)",
    progress_ddl="CREATE TABLE IF NOT EXISTS {progress} (created_at integer PRIMARY KEY, hash text NOT NULL, tag text, "
                 f"statement integer NOT NULL, prefix_hash text, running integer, updated_at text NOT NULL DEFAULT "
                 f"({_NOW}))",
    now=_NOW,
    row_order="rowid",
    actor=None,  # SQLite has no users: the OS user (current_actor)
    # drizzle-orm 1.x's migrator (sqlite-core migrate), for folders in drizzle-kit 1.x's layout
    table_ddl_named="CREATE TABLE IF NOT EXISTS {table} (\n\t\t\t\tid INTEGER PRIMARY KEY,\n\t\t\t\thash text NOT NULL,"
                    "\n\t\t\t\tcreated_at numeric,\n\t\t\t\tname text,\n\t\t\t\tapplied_at TEXT\n\t\t\t)",
    has_name="SELECT 1 FROM pragma_table_info(trim('{table}', '\"')) WHERE name = 'name'",
)


def open_backend(url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
                 application_name: str = "mizzle") -> SQLiteBackend:
    from .strict_quotes import strict_double_quotes

    conn = connect(url, busy_timeout=DEFAULT_BUSY_TIMEOUT)
    strict_double_quotes(conn)  # a double-quoted name is a name, as in drizzle-orm's better-sqlite3
    return SQLiteBackend(url, tracking, conn)


def lock_path(url: DatabaseURL) -> str | None:
    path = database_path(url)
    return None if path == ":memory:" else os.path.abspath(path) + ".mizzle-lock"


def _unquote(ident: str) -> str:
    if ident[0] in "`\"":
        return ident[1:-1].replace(ident[0] * 2, ident[0])
    if ident[0] == "[":
        return ident[1:-1]
    return ident


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SQLiteBackend(TrackingStore):
    dialect = "sqlite"
    tracking_sql = TRACKING_SQL

    def __init__(self, url: DatabaseURL, tracking: TrackingTable, conn: sqlite3.Connection) -> None:
        self.url = url
        self.tracking = tracking
        self.conn = conn
        self._lock_file: Any = None
        self._lock_path = lock_path(url)
        self._busy_timeout = DEFAULT_BUSY_TIMEOUT
        self._fk_baseline: dict[tuple[str, str], int] | None = None
        self._notes: list[str] = []  # see take_notes
        self._fk_mismatches_said: set[str] = set()  # see _fk_check_by_table
        # `PRAGMA foreign_keys=ON` met: the check runs at the next statement that is not a CREATE INDEX (the table
        # rebuild's unique index a child's key references is made after the pragma, drizzle-kit's order too:
        # checked at the pragma, SQLite said "foreign key mismatch"; Authelia's rebuilt oauth2_consent_session)
        self._fk_check_pending = False
        self._saved: dict[str, list[str]] = {}  # table being rebuilt → its triggers and the views to restore
        # the triggers a rebuild saved (lower-cased name → table) and the tables rebuilt, lower-cased: a rebuilt
        # table's own trigger, made again by the runner, is replaced by a file's CREATE TRIGGER of that name (under
        # SQLite and drizzle-orm the rebuild's DROP TABLE took it; see _execute_one)
        self._kept_triggers: dict[str, str] = {}
        self._rebuilt: set[str] = set()
        self._deadline: float | None = None
        self._statement_timeout: float | None = None
        self._db_busy = False
        self._fk_was_on = bool(self._query("PRAGMA foreign_keys")[0][0])

    # -- lock ------------------------------------------------------------------------------------------

    def acquire_lock(self, timeout: float | None, on_wait: Callable[[str], None]) -> float:
        if timeout is not None:
            self._busy_timeout = max(timeout, 0.05)
            self.conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
        if self.try_lock():
            return 0.0
        started = time.monotonic()
        on_wait(self._holder())
        delay = 0.02
        while True:
            if timeout is not None and time.monotonic() - started >= timeout:
                raise LockTimeout(
                    f"migration lock on {self.url.where} not obtained within {timeout:g} s: {self._holder()}",
                    "Another `mizzle migrate` is running against this database, or another connection is writing "
                    f"to it (mizzle's lock file: {self._lock_path}). Wait for it, or raise --lock-timeout.")
            left = None if timeout is None else max(timeout - (time.monotonic() - started), 0.001)
            time.sleep(delay if left is None else min(delay, left))
            delay = min(delay * 1.5, 0.25)
            if self.try_lock():
                return time.monotonic() - started

    def try_lock(self) -> bool:
        """The run's file lock, granted only while no other connection holds the database's write lock
        either (an application transaction would otherwise make the first BEGIN IMMEDIATE wait)."""
        self._db_busy = False
        if self._lock_path is not None and self._lock_file is None:
            f = open(self._lock_path, "a+")  # noqa: SIM115 - held open for the whole run
            if not _try_lock(f):
                f.close()
                return False
            self._lock_file = f
        if not self._database_writable_now():
            self._db_busy = True
            self.release_lock()
            return False
        f = self._lock_file
        if f is None:
            return True
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} on {socket.gethostname()} ({current_actor()}), since "
                f"{datetime.now().strftime('%H:%M:%S')}\n")
        f.flush()
        return True

    def _database_writable_now(self) -> bool:
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError as e:
            if "locked" in str(e) or "busy" in str(e):
                return False
            raise translate(e) from None
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")

    def _holder(self) -> str:
        if self._db_busy:
            return ("another connection holds the database's write lock (an application transaction, or another tool "
                    "writing to it)")
        try:
            with open(self._lock_path or "", encoding="utf-8", errors="replace") as r:
                text = r.read().strip()
        except OSError:
            text = ""
        return f"held by {text}" if text else "held by another process"

    def release_lock(self) -> None:
        f, self._lock_file = self._lock_file, None
        if f is not None:
            try:
                f.seek(0)
                f.truncate()
                f.flush()
                _unlock(f)
            finally:
                f.close()

    # -- tracking tables (read and written by the TrackingStore) --------------------------------------------

    def _tables(self) -> set[str]:
        return {r[0] for r in self._query("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def create_tracking(self, statements: list[str]) -> None:
        self._begin_immediate()
        try:
            for s in statements:
                self._query(s, fetch=False)
            self._query("COMMIT", fetch=False)
        except BaseException:
            self._rollback_quietly()
            raise

    def record_applied(self, record: AppliedRecord) -> None:
        self._check_foreign_keys("before recording the migration", say_mismatches=True)
        self.insert_row(record)
        self.insert_audit(record, None, None if record.duration_ms is None else round(record.duration_ms, 3))
        if record.clear_progress:
            self.clear_progress(record.when)

    # -- transactions and statements ------------------------------------------------------------------------

    def set_statement_timeout(self, seconds: float) -> None:
        self._statement_timeout = seconds

        def check() -> int:
            return 1 if self._deadline is not None and time.monotonic() > self._deadline else 0

        self.conn.set_progress_handler(check, 10_000)

    def begin(self) -> None:
        self._query("PRAGMA foreign_keys=OFF", fetch=False)  # takes effect only outside a transaction
        self._begin_immediate()
        if self._fk_baseline is None:
            self._fk_baseline = self._fk_violations()

    def _begin_immediate(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            if "locked" in str(e) or "busy" in str(e):
                raise LockTimeout(
                    f"SQLite database {self.url.where} stayed locked by another connection for "
                    f"{self._busy_timeout:g} s (busy timeout)",
                    "Another process is writing to it (the application, or a long transaction). Retry, or raise "
                    "--lock-timeout.") from None
            raise translate(e) from None

    def commit(self) -> None:
        if not self.conn.in_transaction:
            return
        try:
            self._check_foreign_keys("before commit")
            self._query("COMMIT", fetch=False)
        finally:
            self._restore_fk()

    def rollback(self) -> None:
        self._fk_check_pending = False
        self._rollback_quietly()
        self._saved.clear()
        self._kept_triggers.clear()
        self._rebuilt.clear()
        self._restore_fk()

    def _rollback_quietly(self) -> None:
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def _restore_fk(self) -> None:
        if self._fk_was_on and not self.conn.in_transaction:
            try:
                self.conn.execute("PRAGMA foreign_keys=ON")
            except sqlite3.Error:
                pass

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def execute(self, sql: str) -> None:
        for stmt in split_sql(sql):
            self._execute_one(stmt)

    def take_notes(self) -> list[str]:
        notes, self._notes = self._notes, []
        return notes

    def _execute_one(self, stmt: str) -> None:
        bare = _strip_comments(stmt).strip()
        m = _FK_PRAGMA.match(bare)
        if m:
            if m.group(1).lower() in ("on", "1", "true", "yes"):
                self._fk_check_pending = True
            return  # foreign keys stay off until the migration commits (see the module docstring)
        if self.conn.in_transaction and _JOURNAL_MODE.match(bare):
            # SQLite refuses the change inside a transaction that has written nothing yet and ignores it inside one
            # that has: drizzle-orm's migrator (one transaction for the run) applies wg-easy's 0001, which opens with
            # `PRAGMA journal_mode=WAL;`, to a new database, the mode unchanged; not run here either, and said
            self._notes.append(f"`{bare.rstrip(';')}` not run: SQLite cannot change the journal mode inside the "
                               "migration's transaction (drizzle-orm's migrator leaves it unchanged too); set it where "
                               "the application opens the database, or in a `-- mizzle:no-transaction` migration")
            return
        if self._fk_check_pending and not _CREATE_INDEX.match(bare):
            self._check_foreign_keys("after the table rebuild")
        drop = _DROP_TABLE.match(bare)
        if drop:
            self._save_dependents(_unquote(drop["t"]))
        trigger = _CREATE_TRIGGER.match(bare)
        if trigger and self._kept_triggers.get(_unquote(trigger["t"]).lower()) in self._rebuilt:
            # a rebuild kept it, where SQLite's DROP TABLE (and so drizzle-orm's run) dropped it: the file makes it
            # again (Micsushi/flapstack's 0042), and its definition is the one to keep
            del self._kept_triggers[_unquote(trigger["t"]).lower()]
            self._query(f"DROP TRIGGER IF EXISTS {_q(_unquote(trigger['t']))}", fetch=False)
        self._query(stmt, fetch=False, timed=True)
        rename = _RENAME_TABLE.match(bare)
        if rename:
            self._restore_dependents(_unquote(rename["old"]), _unquote(rename["new"]))

    def _save_dependents(self, table: str) -> None:
        if f"__new_{table}" not in self._tables():
            return  # a plain drop: its triggers go with it
        self._rebuilt.add(table.lower())
        rows = self._query("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL AND "
                           "type IN ('view', 'trigger') ORDER BY type DESC, rowid")  # views first: remade first
        if not rows:
            return
        self._saved[table] = [r[3] for r in rows]
        self._kept_triggers.update({name.lower(): on.lower() for kind, name, on, _ in rows if kind == "trigger"})
        views = {r[1].lower() for r in rows if r[0] == "view"}
        for kind, name, on, _ in rows:  # the table's own triggers go with it, a view's with the view
            if kind == "view" or on.lower() not in views | {table.lower()}:
                self._query(f"DROP {'VIEW' if kind == 'view' else 'TRIGGER'} {_q(name)}", fetch=False)

    def _restore_dependents(self, old: str, new: str) -> None:
        if old != f"__new_{new}":
            return
        for sql in self._saved.pop(new, []):
            self._query(sql, fetch=False)

    def must_run_outside_transaction(self, sql: str) -> bool:
        return bool(_OUTSIDE_TX.search(_strip_comments(sql)))

    def prepare_outside(self, sql: str, interrupted: bool) -> tuple[bool, str | None]:
        return False, None

    def close(self) -> None:
        try:
            self._rollback_quietly()
            self.release_lock()
        finally:
            self.conn.close()

    # -- foreign keys ----------------------------------------------------------------------------------------

    def _fk_violations(self, say_mismatches: bool = False) -> dict[tuple[str, str], int]:
        try:
            found = self.conn.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.OperationalError as e:
            if _FK_MISMATCH.search(str(e)) is None:
                raise translate(e) from None
            found = self._fk_check_by_table(say_mismatches)
        counts: dict[tuple[str, str], int] = {}
        for r in found:
            counts[(r[0], r[2])] = counts.get((r[0], r[2]), 0) + 1
        return counts

    def _fk_check_by_table(self, say_mismatches: bool) -> list[tuple[Any, ...]]:
        """`PRAGMA foreign_key_check` of each table, past those whose foreign key SQLite cannot check.

        A key referencing columns of its parent that are neither its primary key nor a unique index: SQLite takes
        the DDL, drizzle-orm's migrator applies it, and the database-wide check fails with "foreign key mismatch"
        (tloncorp/tlon-apps' Expo folder: activity_event_contact_group_pins → activity_events(id), whose primary
        key is (id, bucket_id)). The other tables are still checked; the defect is said once per run."""
        found: list[tuple[Any, ...]] = []
        tables = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
        for (table,) in tables:
            try:
                found += self.conn.execute(f"PRAGMA foreign_key_check({dq(table)})").fetchall()
            except sqlite3.OperationalError as e:
                m = _FK_MISMATCH.search(str(e))
                if m is None:
                    raise translate(e) from None
                if say_mismatches and table not in self._fk_mismatches_said:
                    self._fk_mismatches_said.add(table)
                    self._notes.append(_mismatch_note(table, m.group(1), str(e)))
        return found

    def _check_foreign_keys(self, when: str, say_mismatches: bool = False) -> None:
        self._fk_check_pending = False
        now = self._fk_violations(say_mismatches)
        base = self._fk_baseline or {}
        new = {k: n - base.get(k, 0) for k, n in now.items() if n > base.get(k, 0)}
        if new:
            listed = ", ".join(f"{n} row(s) of {t} → {p}" for (t, p), n in sorted(new.items()))
            raise ServerError(f"foreign key check failed {when}: {listed}", code="SQLITE_CONSTRAINT_FOREIGNKEY",
                              detail="PRAGMA foreign_key_check lists the rows whose parent row does not exist; "
                                     "the migration was rolled back.")

    # -- internals -----------------------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] = (), fetch: bool = True) -> list[tuple[Any, ...]]:
        return self._query(sql, params, fetch)

    def describe_lock_wait(self, sql: str) -> str | None:
        return None  # one writer at a time: the lock's holder was named when the lock was awaited

    def other_history(self) -> OtherHistory | None:
        from .wrangler import d1_history

        return d1_history(self.conn)

    def catalog_tables(self, names: Sequence[str], containing: str) -> list[tuple[str, str, tuple[str, ...]]]:
        try:
            found = [str(r[0]) for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            return [("main", t, tuple(str(r[1]) for r in self.conn.execute(f"PRAGMA table_info({dq(t)})")))
                    for t in found if t in names or containing in t]
        except sqlite3.Error:
            return []

    def _column_names(self, table: str) -> set[str]:
        """The columns of `table` (none when it cannot be read)."""
        try:
            return {r[1] for r in self.conn.execute(f"PRAGMA table_xinfo({dq(table)})")}
        except sqlite3.Error:
            return set()

    def _query(self, q: str, params: Any = (), fetch: bool = True, timed: bool = False) -> list[tuple[Any, ...]]:
        if timed and self._statement_timeout:
            self._deadline = time.monotonic() + self._statement_timeout
        try:
            cur = self.conn.execute(q, params)
            return cur.fetchall() if fetch else []
        except sqlite3.Error as e:
            err = translate(e)
            if timed and self._deadline is not None and "interrupted" in str(e):
                err.message = f"statement timeout ({self._statement_timeout:g} s) reached"
            err.advice = err.advice or libsql_advice(q, err.message) \
                or rebuild_copy_advice(q, err.message, self._column_names) or collation_advice(err.message)
            raise err from None
        finally:
            self._deadline = None


_ALTER_COLUMN = re.compile(r"(?is)^\s*ALTER\s+TABLE\s+\S+\s+ALTER\s+COLUMN\b")


def libsql_statement(statement: str) -> str | None:
    """Why SQLite refuses `statement` where it is libSQL's (Turso's) `ALTER TABLE … ALTER COLUMN` (drizzle-kit writes
    it for Turso; openstatus's folder has one); None otherwise."""
    if not _ALTER_COLUMN.match(statement):
        return None
    return ("ALTER TABLE … ALTER COLUMN is libSQL's (Turso's) statement, which SQLite does not have: this migration "
            "was written for Turso, and mizzle applies migrations with SQLite (where a column changes by rebuilding "
            "its table, as `mizzle generate` writes it)")


def libsql_advice(statement: str, message: str) -> str | None:
    """For a syntax error on libSQL's `ALTER TABLE … ALTER COLUMN`: why (libsql_statement)."""
    return libsql_statement(statement) if "syntax error" in message else None


_NO_COLLATION = re.compile(r"no such collation sequence: (?P<name>\S+)")


def collation_advice(message: str) -> str | None:
    """For `no such collation sequence`: SQLite has only its three built-in collations on mizzle's connections; one
    an application registers on its own (Anki's `unicase`, in the baseline `pull` wrote of a collection) is not
    there, so no statement naming it can run under mizzle."""
    m = _NO_COLLATION.search(message)
    if m is None:
        return None
    return (f"{m['name']} is not one of SQLite's collations (BINARY, NOCASE and RTRIM): the application that made "
            "the database registers it on its own connections (sqlite3's create_collation), and mizzle's "
            "connections have only SQLite's; give the column or index one of those, or apply this statement "
            "through the application")


_REBUILD_COPY = re.compile(r'(?is)^\s*INSERT\s+INTO\s+[`"\[]?__new_(?P<table>[^`"\]\s(]+)[`"\]]?\s*'
                           r'\((?P<columns>[^)]*)\)')
_NO_COLUMN = re.compile(r"no such column: (?P<column>\S+)")


def rebuild_copy_advice(statement: str, message: str, columns_of: Callable[[str], set[str]]) -> str | None:
    """For `no such column` on a table rebuild's copy (`INSERT INTO __new_t (…) SELECT … FROM t`): drizzle-kit 0.x
    lists the columns the rebuild adds in the SELECT too (Abezzi/sofi-workout's 0003, beilunyang/moemail's 0013),
    and the copy fails under any migrator. Names every listed column `t` (`columns_of`) lacks."""
    table, column = _REBUILD_COPY.match(statement), _NO_COLUMN.search(message)
    if table is None or column is None:
        return None
    t, listed = _copy_source(statement) or rebuild_copy_columns(statement) or ("", [])  # the SELECT's old names
    have = columns_of(t)
    missing = [c for c in listed if c not in have] if have else []
    return copy_gap_advice(t, missing or [column.group("column")])


def rebuild_copy_columns(statement: str) -> tuple[str, list[str]] | None:
    """(t, the columns listed) of a table rebuild's copy, `INSERT INTO __new_t (…) SELECT … FROM t`; None for any
    other statement."""
    m = _REBUILD_COPY.match(statement)
    if m is None:
        return None
    return m.group("table"), [c.strip().strip('`"[]') for c in m.group("columns").split(",")]


_ADD_COLUMN = re.compile(r'(?is)^\s*ALTER\s+TABLE\s+[`"\[]?(?P<table>[^`"\]\s]+)[`"\]]?\s+ADD\s+(?:COLUMN\s+)?'
                         r'[`"\[]?(?P<column>[^`"\]\s]+)')


_NAME = r'(?:`(?P<{0}b>[^`]+)`|"(?P<{0}q>[^"]+)"|\[(?P<{0}s>[^\]]+)\]|(?P<{0}p>[^\s`"\[;]+))'
_RENAME_COLUMN = re.compile(r'(?is)^\s*ALTER\s+TABLE\s+' + _NAME.format("t") + r'\s+RENAME\s+(?:COLUMN\s+)?'
                            + _NAME.format("o") + r'\s+TO\s+' + _NAME.format("n"))


def _named(m: re.Match[str], key: str) -> str:
    return next(v for v in (m.group(key + x) for x in "bqsp") if v is not None)


def _columns_made(sql: str, added: dict[str, set[str]], gone: dict[str, set[str]]) -> None:
    """What an `ADD COLUMN` or a `RENAME COLUMN a TO b` of the file does to its table's columns (the names added,
    the names gone), for the rebuilds after it."""
    if (m := _ADD_COLUMN.match(sql)) is not None:
        added.setdefault(m.group("table"), set()).add(m.group("column"))
        gone.setdefault(m.group("table"), set()).discard(m.group("column"))
    elif (m := _RENAME_COLUMN.match(sql)) is not None:
        t, o, n = _named(m, "t"), _named(m, "o"), _named(m, "n")
        added.setdefault(t, set()).discard(o)
        gone.setdefault(t, set()).add(o)
        added[t].add(n)
        gone[t].discard(n)


def copy_gaps(statements: list[str], before: dict[str, Any] | None) -> list[tuple[int, str]]:
    """Dialect.copy_gaps on SQLite: a rebuild's copy listing a column its table has neither in the snapshot before
    the file nor by an `ADD COLUMN` or `RENAME COLUMN` earlier in the file (todo.sr.ht's tracker: two columns
    renamed, then the table rebuilt, copying them by their new names). A table the snapshot lacks (made by the file,
    or by SQL the snapshots do not follow) is not judged."""
    tables = (before or {}).get("tables") or {}
    added: dict[str, set[str]] = {}
    gone: dict[str, set[str]] = {}
    out: list[tuple[int, str]] = []
    for i, sql in enumerate(statements):
        _columns_made(sql, added, gone)
        copy = _copy_source(sql)
        if copy is None or not isinstance(tables.get(copy[0]), dict):
            continue
        have = ((set((tables[copy[0]].get("columns") or {}).keys()) - gone.get(copy[0], set()))
                | added.get(copy[0], set()))
        # the rowid, under a name no column takes: a rebuild of a table without a key copies it (ddl._rowid_name)
        missing = [c for c in copy[1] if c not in have and c.lower() not in _ROWID_NAMES]
        if missing and have:
            out.append((i, copy_gap_advice(copy[0], missing)))
    return out


_COPY_SELECT = re.compile(r'(?is)\)\s*SELECT\s+(?P<select>.*?)\s+FROM\s+[`"\[]?(?P<table>[^`"\]\s;]+)[`"\]]?\s*;?\s*$')
_PLAIN_NAME = re.compile(r'^(?:`(?P<b>[^`]+)`|"(?P<q>[^"]+)"|\[(?P<s>[^\]]+)\]|(?P<bare>[A-Za-z_][A-Za-z0-9_$]*))$')
_NOT_NAMES = frozenset({"null", "true", "false", "current_timestamp", "current_date", "current_time"})
_ROWID_NAMES = frozenset({"rowid", "_rowid_", "oid"})


def _copy_source(statement: str) -> tuple[str, list[str]] | None:
    """(t, the columns the SELECT reads by plain name) of a rebuild's copy `INSERT INTO __new_t (…) SELECT … FROM
    t`: the SELECT's names are the old table's (a rebuild that renames a column lists the new name in the INSERT,
    homarr's 0016); an expression in the list is not judged."""
    if _REBUILD_COPY.match(statement) is None or (m := _COPY_SELECT.search(statement)) is None:
        return None
    items, depth, start, text = [], 0, 0, m.group("select")
    for k, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            items.append(text[start:k])
            start = k + 1
    items.append(text[start:])
    names = [n.group("b") or n.group("q") or n.group("s") or n.group("bare")
             for x in items if (n := _PLAIN_NAME.match(x.strip())) is not None]
    return m.group("table"), [x for x in names if x.lower() not in _NOT_NAMES]


def copy_gap_advice(table: str, missing: list[str]) -> str:
    names = ", ".join(missing)
    lacks = "has none of them" if len(missing) > 1 else "has no such column"
    return (f"this table rebuild copies {names} from {table}, which {lacks}: a column the rebuild adds is in "
            f"its SELECT too (drizzle-kit writes it so, and drizzle-orm's migrator fails here as well); edit the "
            f"migration: take {names} out of the INSERT's column list and of the SELECT (a new column then takes its "
            f"default; one NOT NULL without a default needs one, or the copy fails on a table holding rows)")


# `table c already exists`, `index i already exists`, `there is already a table named c` (an index of a table's
# name): SQLite keeps a database's tables, views and indexes in one name space
_SHARED_NAME = re.compile(r"(?:(?:table|index|view) (\S+) already exists|there is already an? \w+ named (\S+))$")
_SHARED_SPACE = "SQLite keeps a database's tables, views and indexes in one name space: an index named like a table collides"


# `foreign key mismatch - "pins" referencing "events"`: a foreign key SQLite cannot check (see _fk_check_by_table)
_FK_MISMATCH = re.compile(r'foreign key mismatch - ".*" referencing "(.*)"')


def _mismatch_note(table: str, parent: str, message: str) -> str:
    return (f"a foreign key of {table} references columns of {parent} that are not its primary key nor a unique "
            f"index (SQLite: {message}): its rows were not checked, and with foreign keys ON SQLite refuses every "
            f"write to {table} and every DELETE from {parent} (drizzle-orm's migrator applies it as well); reference "
            f"{parent}'s whole primary key, or make those columns unique")


def translate(e: sqlite3.Error) -> ServerError:
    msg = str(e) or type(e).__name__
    code = getattr(e, "sqlite_errorname", None)
    taken = _SHARED_NAME.search(msg)
    return ServerError(message=msg, code=code, already_exists="already exists" in msg or taken is not None,
                       refused_in_transaction="within a transaction" in msg,
                       permission_denied="readonly" in msg or "permission" in msg.lower(),
                       advice=_SHARED_SPACE if taken else None,
                       existing=(taken.group(1) or taken.group(2)) if taken else None)


def split_sql(sql: str) -> list[str]:
    """A chunk holding several statements → one per statement (sqlite3 executes one at a time)."""
    out: list[str] = []
    buf = ""
    for piece in sql.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if _strip_comments(buf).strip().strip(";").strip():
                out.append(buf.strip())
            buf = ""
    rest = buf[:-1]
    if _strip_comments(rest).strip():
        out.append(rest.strip())
    return out


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def _try_lock(f: Any) -> bool:
    try:
        import fcntl

        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
    except ImportError:  # Windows
        import msvcrt

        try:
            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            return True
        except OSError:
            return False


def _unlock(f: Any) -> None:
    try:
        import fcntl

        fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    except ImportError:
        import msvcrt

        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]


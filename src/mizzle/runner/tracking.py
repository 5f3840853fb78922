"""What a database's tracking rows say about a migrations folder.

Owns the layout of the tracking tables (drizzle-orm's `__drizzle_migrations` plus mizzle's own audit and
progress tables beside it), the one store that reads and writes them (TrackingStore, over each dialect's
TrackingSQL and its backend's `query`), who did it (current_actor), and the pure reconciliation of those rows
with the journal: which migrations are applied, pending, modified, missing, out of order, skipped by
drizzle-orm, or partly applied. The runner acts on the verdict.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from ..migrations.folder import Migration, Statement
from ..migrations.folders1 import MIGRATION_SQL
from ..record import Record

if TYPE_CHECKING:
    from ..dialects.base import AppliedRecord

AUDIT_TABLE = "__mizzle_audit"
PROGRESS_TABLE = "__mizzle_progress"
SETTINGS_TABLE = "__mizzle_settings"  # `mizzle protect`'s mark (mizzle.commands.protect)

# Rows are NamedTuples rather than dataclasses: cheaper to define, and `mizzle migrate` with nothing to
# do has to start in well under 0.2 s.

# the audit's actions: a migration run by mizzle, and the resolutions recorded by `mizzle mark` / `baseline`
# (not to be confused with mizzle.runner.migrate.ROLLED_BACK, a migration's status in a run's result)
APPLIED_ACTION = "applied"
MARKED_APPLIED = "marked-applied"
BASELINE = "baseline"
MARKED_ROLLED_BACK = "rolled-back"
# audit actions that mean "this row was written by mizzle" (as opposed to drizzle-orm's migrator)
WRITTEN_BY_MIZZLE = (APPLIED_ACTION, MARKED_APPLIED, BASELINE)
MANUAL = (MARKED_APPLIED, BASELINE, MARKED_ROLLED_BACK)


class TrackingTable(NamedTuple):
    """Where the tracking rows live. `table` is drizzle-orm's (id serial, hash text, created_at bigint);
    mizzle's audit and progress tables sit in the same schema so drizzle-orm never sees them."""

    table: str = "__drizzle_migrations"
    schema: str | None = "drizzle"
    audit: str = AUDIT_TABLE
    progress: str = PROGRESS_TABLE
    # the folder has drizzle-kit 1.x's layout: drizzle-orm 1.x's table (adds `name`, its identity of a migration,
    # and `applied_at`) is created, and `name` written wherever the table has the column
    names: bool = False

    @classmethod
    def of(cls, dialect: str, table: str | None = None, schema: str | None = None,
           names: bool = False) -> TrackingTable:
        """The tracking tables of a `dialect` database, as configured (None: drizzle-orm's defaults). A database
        without schemas (SQLite) has them at top level, whatever the configured schema."""
        from ..dialects import is_embedded

        return cls(table=table or "__drizzle_migrations", schema=None if is_embedded(dialect) else schema or "drizzle",
                   names=names)

    @property
    def display(self) -> str:
        return f"{self.schema}.{self.table}" if self.schema else self.table


class AppliedRow(NamedTuple):
    """One row of drizzle-orm's table; `created_at` is the journal's `when` of the migration; `name` (drizzle-orm
    1.x's table only) the migration's folder name, which identifies it there."""

    id: int | None
    hash: str
    created_at: int | None
    name: str | None = None


class AuditEntry(NamedTuple):
    created_at: int | None
    hash: str | None
    tag: str | None
    action: str  # applied | marked-applied | baseline | rolled-back | …
    applied_at: Any = None  # datetime from the driver
    duration_ms: float | None = None
    tool_version: str | None = None
    actor: str | None = None
    note: str | None = None


class Progress(NamedTuple):
    """A migration partly applied: statements 1..`statement` are committed (no-transaction files, and
    `-- mizzle:commit` boundaries). `prefix_hash` covers the text of those statements only, so the
    statement that failed may be fixed before the rerun resumes."""

    created_at: int
    hash: str  # the whole file's, when the progress was recorded
    statement: int
    tag: str | None = None
    prefix_hash: str | None = None
    # a statement run outside any transaction that had started but not been recorded as done: the run
    # was interrupted during it (or right after it), so the rerun must check what it left behind
    running: int | None = None


def prefix_hash(statements: Sequence[Statement], count: int) -> str:
    """Hash of the first `count` statements' SQL: what a resumed run must find unchanged."""
    h = hashlib.sha256()
    for st in statements[:count]:
        h.update(st.sql.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def current_actor() -> str:
    """Who did it, where the database cannot tell (manual resolutions, SQLite, protect): $MIZZLE_ACTOR (e.g. set
    by a CI job to the person who triggered it), else the OS user."""
    if os.environ.get("MIZZLE_ACTOR"):
        return os.environ["MIZZLE_ACTOR"]
    import getpass  # here, not at the top: `mizzle migrate` with nothing to do never needs it (termios, pwd)

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


class DatabaseState(Record):
    def __init__(self, rows: list[AppliedRow] | None = None, progress: dict[int, Progress] | None = None,
                 audit: dict[int, AuditEntry] | None = None, tracking_exists: bool = False,
                 audit_exists: bool = False) -> None:
        self.rows: list[AppliedRow] = [] if rows is None else rows
        self.progress: dict[int, Progress] = {} if progress is None else progress
        # latest audit entry per created_at; None when the audit was not read (the fast path skips it)
        self.audit = audit
        self.tracking_exists = tracking_exists
        self.audit_exists = audit_exists

    @property
    def newest(self) -> AppliedRow | None:
        dated = [r for r in self.rows if r.created_at is not None]
        return max(dated, key=lambda r: (r.created_at, r.id or 0)) if dated else None


# -- the store ---------------------------------------------------------------------------------------

class TrackingSQL(NamedTuple):
    """The tracking store's SQL in one dialect. Templates name the tables as {table}, {audit}, {progress} (quoted
    and qualified by `name`); parameters are written `param`."""

    param: str  # "%s" or "?"
    name: Callable[[str, str], str]  # (tracking schema, table) → the table's name in SQL
    exists: str  # one row: do the table, the audit and the progress table exist (parameters: exists_arg of each)
    exists_arg: Callable[[str, str], str]
    table_ddl: str  # drizzle-orm's own definition, so its migrator keeps working on the database
    audit_ddl: str
    progress_ddl: str
    now: str  # the current time, as the progress table's updated_at
    row_order: str  # the tracking table's insertion order after created_at
    actor: str | None  # SQL for the audit's actor when a record names none (None: current_actor())
    schema_ddl: str | None = None  # creates the tracking schema ({schema}), where the dialect has schemas
    schema_exists: str | None = None  # one row if the tracking schema exists (parameter: its name)
    table_ddl_named: str | None = None  # drizzle-orm 1.x's definition (adds name, applied_at)
    has_name: str | None = None  # one row if the table ({table}) has a `name` column (drizzle-orm 1.x's)


class TrackingStore:
    """Reads and writes the tracking tables of a runner backend (mixed into each dialect's backend class, which
    gives `tracking_sql`, `tracking`, `query` and `create_tracking`)."""

    tracking_sql: TrackingSQL
    tracking: TrackingTable
    named: bool = False  # the tracking table has drizzle-orm 1.x's `name` column (known after read_state)

    def take_notes(self) -> list[str]:
        """What the backend did otherwise than the statement says since the last call (the runner warns of each):
        none, but where a dialect's backend says so."""
        return []

    def other_history(self) -> Any:
        """See RunnerBackend.other_history: none, but where a dialect's backend reads one."""
        return None

    def catalog_tables(self, names: Sequence[str], containing: str) -> list[tuple[str, str, tuple[str, ...]]]:
        """See RunnerBackend.catalog_tables: none, but where a dialect's backend reads them."""
        return []

    def query(self, sql: str, params: Sequence[Any] = (), fetch: bool = True) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def execute(self, sql: str) -> None:
        raise NotImplementedError

    def alone_outside_transaction(self, sql: str) -> bool:
        """See RunnerBackend.alone_outside_transaction: no, where a dialect's backend does not say."""
        return False

    def execute_outside(self, sql: str) -> None:
        """See RunnerBackend.execute_outside: the chunk as written, where a dialect's backend does not cut it."""
        self.execute(sql)

    def create_tracking(self, statements: list[str]) -> None:
        """Run the statements creating the missing tracking tables, in one transaction."""
        raise NotImplementedError

    def run_pipelined(self, statements: Sequence[str], record: AppliedRecord, durable: bool = True) -> bool:
        """See RunnerBackend.run_pipelined: a backend without the speed trick runs nothing here."""
        return False

    def make_durable(self) -> None:
        """See RunnerBackend.make_durable: commits were durable one by one."""

    def _sql(self, template: str) -> str:
        t, spec = self.tracking, self.tracking_sql
        schema = t.schema or "public"
        return template.format(table=spec.name(schema, t.table), audit=spec.name(schema, t.audit),
                               progress=spec.name(schema, t.progress))

    def read_state(self, *, create: bool, with_audit: bool) -> DatabaseState:
        t, spec = self.tracking, self.tracking_sql
        schema = t.schema or "public"
        found = tuple(bool(x) for x in self.query(spec.exists, [spec.exists_arg(schema, n) for n in
                                                                (t.table, t.audit, t.progress)])[0])
        if create and not all(found):
            self.create_tracking(self._missing_ddl(*found))
            found = (True, True, True)
        state = DatabaseState(tracking_exists=found[0], audit_exists=found[1])
        if found[0]:
            self.named = bool(t.names and spec.has_name and self.query(self._sql(spec.has_name)))
            name = "name" if self.named else "NULL"
            state.rows = [AppliedRow(id=r[0], hash=r[1], created_at=_int(r[2]), name=r[3]) for r in self.query(
                self._sql(f"SELECT id, hash, created_at, {name} FROM {{table}} ORDER BY created_at, {spec.row_order}"))]
        if found[2]:
            state.progress = {int(r[0]): Progress(int(r[0]), r[1], int(r[2]), r[3], r[4], r[5]) for r in self.query(
                self._sql("SELECT created_at, hash, statement, tag, prefix_hash, running FROM {progress}"))}
        if with_audit:
            state.audit = self._read_audit() if found[1] else {}
        return state

    def read_audit(self) -> DatabaseState:
        return self.read_state(create=False, with_audit=True)

    def _read_audit(self) -> dict[int, AuditEntry]:
        out: dict[int, AuditEntry] = {}
        for r in self.query(self._sql("SELECT created_at, hash, tag, action, applied_at, duration_ms, tool_version, "
                                      "actor, note FROM {audit} ORDER BY id")):
            if r[0] is not None:
                out[int(r[0])] = AuditEntry(int(r[0]), r[1], r[2], r[3], _when(r[4]), *r[5:])
        return out

    def _missing_ddl(self, has_table: bool, has_audit: bool, has_progress: bool) -> list[str]:
        # Create only what is missing: a deploy role may lack CREATE on the database yet own the schema.
        spec, schema = self.tracking_sql, self.tracking.schema or "public"
        stmts = []
        if spec.schema_ddl and spec.schema_exists and not self.query(spec.schema_exists, [schema]):
            stmts.append(spec.schema_ddl.format(schema='"' + schema.replace('"', '""') + '"'))
        table_ddl = spec.table_ddl_named if self.tracking.names and spec.table_ddl_named else spec.table_ddl
        stmts += [self._sql(ddl) for has, ddl in ((has_table, table_ddl), (has_audit, spec.audit_ddl),
                                                  (has_progress, spec.progress_ddl)) if not has]
        return stmts

    def insert_audit(self, record: AppliedRecord, actor: str | None, duration_ms: Any) -> None:
        spec = self.tracking_sql
        p = spec.param
        who = f"coalesce({p}, {spec.actor})" if spec.actor else p
        self.query(self._sql("INSERT INTO {audit} (created_at, hash, tag, action, duration_ms, statements, "
                             f"tool_version, actor, note) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {who}, {p})"),
                   (record.when, record.hash, record.tag, record.action, duration_ms, record.statements,
                    record.tool_version, actor if actor or spec.actor else current_actor(), record.note), fetch=False)

    def record_mark(self, record: AppliedRecord, row: str) -> None:
        """A manual resolution (mark, baseline), inside begin()/commit(): drizzle-orm's tracking row is
        "insert"ed, its hash "update"d to the file's, or "keep"t; then the audit entry (who, why)."""
        p = self.tracking_sql.param
        if row == "insert":
            self.insert_row(record)
        elif row == "update":
            self.query(self._sql(f'UPDATE {{table}} SET "hash" = {p} WHERE "created_at" = {p}'),
                       (record.hash, record.when if record.row_at is None else record.row_at), fetch=False)
        self.insert_audit(record, record.actor, record.duration_ms)
        if record.clear_progress:
            self.clear_progress(record.when)

    def insert_row(self, record: AppliedRecord) -> None:
        """drizzle-orm's row of a migration: (hash, created_at), and its name where the table has the column."""
        p = self.tracking_sql.param
        if self.named:
            self.query(self._sql(f'INSERT INTO {{table}} ("hash", "created_at", "name") VALUES ({p}, {p}, {p})'),
                       (record.hash, record.when, record.tag), fetch=False)
        else:
            self.query(self._sql(f'INSERT INTO {{table}} ("hash", "created_at") VALUES ({p}, {p})'),
                       (record.hash, record.when), fetch=False)

    def clear_progress(self, when: int) -> None:
        self.query(self._sql(f"DELETE FROM {{progress}} WHERE created_at = {self.tracking_sql.param}"), (when,),
                   fetch=False)

    def record_progress(self, when: int, hash: str, tag: str, statement: int, prefix_hash: str,
                        running: int | None = None) -> None:
        p = self.tracking_sql.param
        self.query(self._sql(
            f"INSERT INTO {{progress}} (created_at, hash, tag, statement, prefix_hash, running) VALUES ({p}, {p}, "
            f"{p}, {p}, {p}, {p}) ON CONFLICT (created_at) DO UPDATE SET hash = excluded.hash, tag = excluded.tag, "
            "statement = excluded.statement, prefix_hash = excluded.prefix_hash, running = excluded.running, "
            f"updated_at = {self.tracking_sql.now}"), (when, hash, tag, statement, prefix_hash, running), fetch=False)


def _int(v: Any) -> int | None:
    if v is None:
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        return int(float(v))


def _when(v: Any) -> Any:
    """A timestamp as the driver gives it (SQLite: text) → datetime."""
    if isinstance(v, str):
        try:
            return datetime.fromisoformat(v).replace(tzinfo=timezone.utc)
        except ValueError:
            return v
    return v


def _rows_by_name(migrations: Sequence[Migration], rows: Sequence[AppliedRow]) -> dict[str, list[AppliedRow]]:
    """drizzle-orm 1.x's rows by the name of the migration they record (its identity there: its `created_at` has
    whole seconds only, and after `mizzle up` the journal's `when` has the milliseconds)."""
    tags = {m.tag for m in migrations}
    out: dict[str, list[AppliedRow]] = {}
    for row in rows:
        if row.name is not None and row.name in tags:
            out.setdefault(row.name, []).append(row)
    for tag, row in _rows_of_drizzle_orm_0x(migrations, rows):
        out.setdefault(tag, []).append(row)
    return out


def _claimed(by_name: dict[str, list[AppliedRow]]) -> set[int]:
    """The rows `by_name` found for a migration (by identity): not matched by created_at besides."""
    return {id(r) for found in by_name.values() for r in found}


def applied_whens(migrations: Sequence[Migration], rows: Sequence[AppliedRow]) -> set[int]:
    """The `when` of each migration the tracking rows record, found as `reconcile` finds them (drizzle-orm 1.x's
    rows by their name, drizzle-orm 0.x's of a folder drizzle-kit's `up` named by their second), and the
    created_at of the rows no migration claims."""
    by_name = _rows_by_name(migrations, rows)
    claimed = _claimed(by_name)
    return {m.when for m in migrations if m.tag in by_name} | \
        {r.created_at for r in rows if id(r) not in claimed and r.created_at is not None}


def rows_of(migrations: Sequence[Migration], rows: Sequence[AppliedRow]) -> dict[str, list[AppliedRow]]:
    """Each migration's tracking rows (by tag), found as `reconcile` finds them: by its `when`, drizzle-orm 1.x's
    by their name, drizzle-orm 0.x's of a folder drizzle-kit's `up` converted by their second."""
    by_name = _rows_by_name(migrations, rows)
    claimed = _claimed(by_name)
    by_when: dict[int, list[AppliedRow]] = {}
    for r in rows:
        if id(r) not in claimed and r.created_at is not None:
            by_when.setdefault(r.created_at, []).append(r)
    return {m.tag: by_when.get(m.when, []) + by_name.get(m.tag, []) for m in migrations}


def _rows_of_drizzle_orm_0x(migrations: Sequence[Migration],
                            rows: Sequence[AppliedRow]) -> Iterable[tuple[str, AppliedRow]]:
    """drizzle-orm 0.x's rows (no name) of migrations now in drizzle-kit 1.x's layout, where no `when` is their
    created_at: drizzle-kit's own `up` names each folder to the second, dropping the journal's milliseconds
    (mizzle's keeps them). Matched as drizzle-orm 1.x's migrator matches them when it upgrades its table: the
    migration of the row's second (by hash among several of one second), else the migration of the row's hash."""
    whens = {m.when for m in migrations}
    loose = [r for r in rows if r.name is None and r.created_at is not None and r.created_at not in whens]
    folders = [m for m in migrations if m.sql_path.name == MIGRATION_SQL and m.exists] if loose else []
    by_second: dict[int, list[Migration]] = {}
    for m in folders:
        by_second.setdefault(m.when // 1000 * 1000, []).append(m)  # folders of one second, the later a ms on
    by_hash = {m.hash: m for m in folders}
    for row in loose:
        assert row.created_at is not None
        candidates = by_second.get(row.created_at // 1000 * 1000, [])
        match = (candidates[0] if len(candidates) == 1 else next((m for m in candidates if m.hash == row.hash), None)
                 if candidates else by_hash.get(row.hash))
        if match is not None:
            yield match.tag, row


# -- the verdict -------------------------------------------------------------------------------------

APPLIED = "applied"
PENDING = "pending"
MODIFIED = "modified"
MISSING_FILE = "missing file"
OUT_OF_ORDER = "out of order"
SKIPPED = "skipped by drizzle-orm"
PARTIAL = "partly applied"
ROLLED_BACK_BY_HAND = "rolled back by hand"


class MigrationState(Record):
    def __init__(self, tag: str, when: int | None, state: str, file_hash: str | None = None,
                 applied_hash: str | None = None, applied_at: Any = None, migration: Migration | None = None,
                 resume_after: int = 0, interrupted: int | None = None, note: str = "",
                 audit: AuditEntry | None = None) -> None:
        self.tag = tag
        self.when = when
        self.state = state
        self.file_hash = file_hash
        self.applied_hash = applied_hash
        self.applied_at = applied_at
        self.migration = migration
        self.resume_after = resume_after  # statements already committed (progress)
        self.interrupted = interrupted  # statement a killed run was executing outside a transaction
        self.note = note
        self.audit = audit  # the latest audit entry of a manual resolution (mark, baseline)

    @property
    def is_problem(self) -> bool:
        return self.state in (MODIFIED, MISSING_FILE)

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "when": self.when, "state": self.state,
                "applied_at": self.applied_at.isoformat() if hasattr(self.applied_at, "isoformat") else self.applied_at,
                "file_hash": self.file_hash, "applied_hash": self.applied_hash,
                "resume_after": self.resume_after or None, "note": self.note or None,
                "audit": None if self.audit is None else audit_json(self.audit)}


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    at = entry.applied_at
    return {"action": entry.action, "actor": entry.actor, "at": at.isoformat() if hasattr(at, "isoformat") else at,
            "reason": entry.note, "tool_version": entry.tool_version, "hash": entry.hash}


def describe_resolution(entry: AuditEntry) -> str:
    """`by alice: reason`, for a manual resolution's status line."""
    return f"by {entry.actor or 'unknown'}" + (f": {entry.note}" if entry.note else " (no reason given)")


class Reconciliation(Record):
    def __init__(self, states: list[MigrationState], problems: list[str], warnings: list[str]) -> None:
        self.states = states
        self.problems = problems  # integrity problems: the runner refuses to start (exit 3)
        self.warnings = warnings

    @property
    def pending(self) -> list[MigrationState]:
        return [s for s in self.states if s.migration is not None and s.state in (PENDING, OUT_OF_ORDER, SKIPPED,
                                                                                   PARTIAL)]


def reconcile(migrations: Sequence[Migration], state: DatabaseState, include_skipped: bool = False,
              stray_files: Iterable[str] = (), present: set[str] | None = None) -> Reconciliation:
    """Compare the journal with the tracking rows. Pure: nothing is read from disk except the files'
    hashes (cached on each Migration). `present`, when given, is the set of file names in the folder
    (saves a stat per migration). Each migration is classified by `_applied_state` (it has tracking rows) or
    `_pending_state` (it has none); rows with no journal entry, and the order findings, come last."""
    out = Reconciliation(states=[], problems=[], warnings=[])
    by_name = _rows_by_name(migrations, state.rows)
    by_when = _rows_by_when(state, by_name, out.warnings)
    out.problems.extend(_journal_problems(migrations, stray_files))
    newest = state.newest
    order = (newest.created_at if newest else None, _newest_by_drizzle(state))
    audit = state.audit or {}
    for m in migrations:
        exists = m.sql_path.name in present if present is not None else m.exists
        file_hash = m.hash if exists else None
        rows = by_when.get(m.when, []) + by_name.get(m.tag, [])
        if rows:
            out.states.append(_applied_state(m, rows, file_hash, audit.get(m.when), out))
        else:
            out.states.append(_pending_state(m, file_hash, state, order, out.problems))
    _rows_without_entry(by_when, {m.when for m in migrations}, audit, out)
    _order_findings(out, include_skipped)
    return out


def _rows_by_when(state: DatabaseState, by_name: dict[str, list[AppliedRow]],
                  warnings: list[str]) -> dict[int, list[AppliedRow]]:
    """The tracking rows by created_at (a migration's `when`), but for the rows `by_name` found (drizzle-orm 1.x's
    by their name); a row without either is ignored, with a warning."""
    by_when: dict[int, list[AppliedRow]] = {}
    claimed = _claimed(by_name)
    for row in state.rows:
        if id(row) in claimed:
            continue  # drizzle-orm 1.x's row of a migration, found by its name (or drizzle-orm 0.x's, by its second)
        if row.created_at is None:
            warnings.append(f"a tracking row (id {row.id}, hash {row.hash[:12]}…) has no created_at; ignored")
            continue
        by_when.setdefault(row.created_at, []).append(row)
    return by_when


def _journal_problems(migrations: Sequence[Migration], stray_files: Iterable[str]) -> list[str]:
    """A tag or a `when` twice in the journal; SQL files the journal does not list."""
    problems = []
    seen_when: dict[int, str] = {}
    seen_tag: set[str] = set()
    for m in migrations:
        if m.tag in seen_tag:
            problems.append(f"{m.tag} appears twice in meta/_journal.json; the file would run twice. Fix the "
                            "journal (run `mizzle check`)")
        seen_tag.add(m.tag)
        if m.when in seen_when:
            problems.append(f"{m.tag} and {seen_when[m.when]} have the same journal `when` ({m.when}), which is a "
                            "migration's identity; fix meta/_journal.json (run `mizzle check`)")
        seen_when.setdefault(m.when, m.tag)
    for name in stray_files:
        problems.append(f"{name} is in the migrations folder but not in meta/_journal.json; it would never run "
                        "(add its journal entry, e.g. by restoring the journal from version control, or move it out)")
    return problems


def _newest_by_drizzle(state: DatabaseState) -> bool:
    """Whether drizzle-orm's migrator (not mizzle) wrote the newest tracking row: it skips older pending ones."""
    newest, audit = state.newest, state.audit
    if newest is None or audit is None:
        return False
    entry = audit.get(newest.created_at) if newest.created_at is not None else None
    return entry is None or entry.action not in (*WRITTEN_BY_MIZZLE, MARKED_ROLLED_BACK)


def _applied_state(m: Migration, rows: list[AppliedRow], file_hash: str | None, entry: AuditEntry | None,
                   out: Reconciliation) -> MigrationState:
    """A migration with tracking rows: applied, its file missing or modified since, or rolled back by hand."""
    row = rows[-1]
    if len(rows) > 1:
        out.warnings.append(f"{m.tag} has {len(rows)} tracking rows (ids {', '.join(str(r.id) for r in rows)})")
    st = MigrationState(tag=m.tag, when=m.when, state=APPLIED, file_hash=file_hash, applied_hash=row.hash,
                        applied_at=entry.applied_at if entry else None, migration=m)
    if file_hash is None:
        st.state = MISSING_FILE
        out.problems.append(
            f"{m.file} was applied (hash {row.hash}) but the file is missing; restore it from "
            f"version control (git checkout -- {m.file}), or if it was deleted on purpose, "
            "keep the journal and file (they are history) and write a new migration instead")
    elif not any(r.hash == file_hash for r in rows):
        st.state = MODIFIED
        out.problems.append(
            f"{m.file} was modified after it was applied: applied hash {row.hash}, file hash "
            f"{file_hash}; restore the applied version (git log -p -- {m.file}), or if the "
            f"database already matches the new text, accept it with `mizzle mark {m.tag} --applied`")
    elif entry is not None and entry.action == MARKED_ROLLED_BACK:
        st.state = ROLLED_BACK_BY_HAND
        st.note = describe_resolution(entry)
    if entry is not None and entry.action in MANUAL:
        st.audit = entry
        if st.state == APPLIED:
            st.note = ("baseline " if entry.action == BASELINE else "marked applied ") + describe_resolution(entry)
    return st


def missing_file_problem(m: Migration) -> str:
    """What to say of a journal entry whose file does not exist."""
    return (f"{m.file} is listed in meta/_journal.json ({m.tag}) but the file does not exist; restore it "
            "from version control, or remove the entry with `mizzle drop`")


def _pending_state(m: Migration, file_hash: str | None, state: DatabaseState, order: tuple[int | None, bool],
                   problems: list[str]) -> MigrationState:
    """A migration without tracking rows: pending, partly applied (progress rows), older than the newest applied
    one (`order`: its `when`, and whether drizzle-orm wrote it), or its file missing."""
    st = MigrationState(tag=m.tag, when=m.when, state=PENDING, file_hash=file_hash, migration=m)
    newest_when, newest_by_drizzle = order
    prog = state.progress.get(m.when)
    if file_hash is None:
        st.state = MISSING_FILE
        problems.append(missing_file_problem(m))
    elif prog is not None:
        _resume_state(st, m, prog, file_hash, problems)
    elif newest_when is not None and m.when < newest_when:
        if newest_by_drizzle:
            st.state = SKIPPED
            st.note = ("older than the newest applied migration, which drizzle-orm's migrator wrote; "
                       "drizzle-orm skipped it")
        else:
            st.state = OUT_OF_ORDER
            st.note = "older than the newest applied migration (a merged branch?)"
    return st


def _resume_state(st: MigrationState, m: Migration, prog: Progress, file_hash: str, problems: list[str]) -> None:
    """A killed run's progress: partly applied (resumes after the statements committed), or modified since."""
    done_hash = prefix_hash(m.statements, prog.statement)
    if (prog.prefix_hash or prog.hash) != (done_hash if prog.prefix_hash else file_hash):
        st.state = MODIFIED
        st.applied_hash = prog.hash
        problems.append(
            f"{m.file}: its first {prog.statement} statement(s), already applied, were "
            f"modified since (applied hash {prog.prefix_hash or prog.hash}, file hash {done_hash}); "
            f"restore them (git log -p -- {m.file}) so the run can resume after statement "
            f"{prog.statement}; later statements may change")
        return
    st.state = PARTIAL
    st.resume_after = prog.statement
    st.interrupted = prog.running
    st.note = (f"statements 1–{prog.statement} applied; " if prog.statement else "") + \
        f"resumes at {prog.statement + 1}"


def _rows_without_entry(by_when: dict[int, list[AppliedRow]], journal_whens: set[int],
                        audit: dict[int, AuditEntry], out: Reconciliation) -> None:
    """Tracking rows whose `when` no journal entry has: a missing file each, and a problem."""
    for when, rows in sorted(by_when.items()):
        if when in journal_whens:
            continue
        for row in rows:
            entry = audit.get(when)
            tag = entry.tag if entry and entry.tag else None
            out.states.append(MigrationState(tag=tag or f"(created_at {when})", when=when, state=MISSING_FILE,
                                             applied_hash=row.hash, applied_at=entry.applied_at if entry else None))
            out.problems.append(
                f"the database has an applied migration with no journal entry: created_at {when}, hash {row.hash}"
                + (f" (tag {tag})" if tag else "")
                + "; restore its file and journal entry from version control, or check that --url/`out` point "
                  "at the right database and folder")


def _order_findings(out: Reconciliation, include_skipped: bool) -> None:
    """Migrations drizzle-orm skipped (a problem unless `include_skipped`) and ones applied out of order."""
    skipped = [s for s in out.states if s.state == SKIPPED]
    if skipped and not include_skipped:
        out.problems.append(
            f"{len(skipped)} migration(s) older than the newest applied one were skipped by drizzle-orm's migrator: "
            + ", ".join(s.tag for s in skipped)
            + "; rerun with --include-skipped to apply them now, or `mizzle mark TAG --applied` for those "
              "whose changes the database already has")
    elif skipped:
        out.warnings.append("applying migration(s) drizzle-orm skipped: " + ", ".join(s.tag for s in skipped))
    ooo = [s for s in out.states if s.state == OUT_OF_ORDER]
    if ooo:
        out.warnings.append("applying migration(s) older than the newest applied one (out of order, e.g. from a "
                            "merged branch): " + ", ".join(s.tag for s in ooo))

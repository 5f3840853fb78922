"""The runner: applies a folder's pending migrations to a database, once each, under a lock.

Generic over dialects (they implement mizzle.dialects.RunnerBackend). Owns the order of operations
(SPEC §4): lock → create/read tracking state → verify hashes → run, one transaction per migration
(`each`) or per run (`all`), statement by statement for `-- mizzle:no-transaction` files, committing
at `-- mizzle:commit` boundaries, recording progress so a rerun resumes where a crash stopped it.
Never imports SQLAlchemy: `mizzle migrate` starts fast in a container.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..config import TRANSACTION_MODES
from ..dburl import DatabaseURL, parse_url
from ..dialects import AppliedRecord, PipelineFailed, RunnerBackend, ServerError, open_backend, open_probe
from ..errors import IntegrityError, MizzleError, StatementFailed, UsageError
from ..migrations.folder import (
    NO_TRANSACTION,
    Migration,
    MigrationFolder,
    Statement,
    pulled_advice,
    pulled_commented_out,
)
from ..record import Record
from ..version import __version__
from .tracking import (
    OUT_OF_ORDER,
    PARTIAL,
    SKIPPED,
    DatabaseState,
    MigrationState,
    Reconciliation,
    TrackingTable,
    missing_file_problem,
    prefix_hash,
    reconcile,
)

RETRY_BASE_DELAY = 0.5  # seconds before the first retry after a lock timeout; doubled each time, with jitter
RETRY_MAX_DELAY = 30.0

# result statuses
APPLIED = "applied"
WOULD_APPLY = "would apply"
FAILED = "failed"
ROLLED_BACK = "rolled back"  # ran, then undone because a later migration failed under `all`
NOT_RUN = "not run"  # pending, after a failure
# a statement that makes a role (or user, group): the server's, not one database's
_CREATE_ROLE = re.compile(r"\s*CREATE\s+(?:ROLE|USER|GROUP)\b", re.I)


class MigrationResult(Record):
    def __init__(self, tag: str, when: int, hash: str, status: str, statements: int, duration_ms: float | None = None,
                 executed: int = 0, resumed_after: int = 0, out_of_order: bool = False, no_transaction: bool = False,
                 notes: list[str] | None = None) -> None:
        self.tag = tag
        self.when = when
        self.hash = hash
        self.status = status
        self.statements = statements
        self.duration_ms = duration_ms
        self.executed = executed  # statements run by this invocation
        self.resumed_after = resumed_after
        self.out_of_order = out_of_order
        self.no_transaction = no_transaction
        self.notes: list[str] = [] if notes is None else notes

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "status": self.status,
                "duration_ms": None if self.duration_ms is None else round(self.duration_ms, 3),
                "statements": self.statements, "executed": self.executed, "when": self.when, "hash": self.hash,
                "resumed_after": self.resumed_after or None, "out_of_order": self.out_of_order,
                "no_transaction": self.no_transaction, "notes": self.notes}


class MigrateResult(Record):
    def __init__(self, url: str, transaction: str, dry_run: bool, migrations: list[MigrationResult] | None = None,
                 warnings: list[str] | None = None, already_applied: int = 0, lock_wait_s: float = 0.0,
                 duration_ms: float = 0.0, error: str | None = None) -> None:
        self.url = url  # masked
        self.transaction = transaction
        self.dry_run = dry_run
        self.migrations: list[MigrationResult] = [] if migrations is None else migrations
        self.warnings: list[str] = [] if warnings is None else warnings
        self.already_applied = already_applied
        self.lock_wait_s = lock_wait_s
        self.duration_ms = duration_ms
        self.error = error

    @property
    def applied(self) -> list[MigrationResult]:
        return [m for m in self.migrations if m.status == APPLIED]

    @property
    def nothing_to_do(self) -> bool:
        return not self.migrations

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "url": self.url, "dry_run": self.dry_run, "transaction": self.transaction,
                "nothing_to_do": self.nothing_to_do, "already_applied": self.already_applied,
                "applied": len(self.applied), "lock_wait_s": round(self.lock_wait_s, 3),
                "duration_ms": round(self.duration_ms, 3), "error": self.error, "warnings": self.warnings,
                "migrations": [m.to_json() for m in self.migrations]}


class Reporter(Protocol):
    """Receives progress; the CLI prints it, the Python API ignores it by default."""

    def warn(self, message: str) -> None: ...
    def info(self, message: str) -> None: ...
    def start(self, result: MigrationResult) -> None: ...
    def finish(self, result: MigrationResult) -> None: ...


class SilentReporter:
    def warn(self, message: str) -> None:
        pass

    def info(self, message: str) -> None:
        pass

    def start(self, result: MigrationResult) -> None:
        pass

    def finish(self, result: MigrationResult) -> None:
        pass


class _Pending(Record):
    def __init__(self, migration: Migration, state: MigrationState, result: MigrationResult,
                 committed_upto: int = 0) -> None:
        self.migration = migration
        self.state = state
        self.result = result
        self.committed_upto = committed_upto  # statements of this file durable so far (progress recorded)


def load_folder(folder: str | Path, dialect: str, snapshots: bool = True
                ) -> tuple[list[Migration], list[str], set[str] | None]:
    """The journal's migrations, the names of .sql files the journal does not list, and the names of the
    files present (None for the one-folder-per-migration layout). `snapshots=False`: the migrations'
    snapshot_path left None (MigrationFolder.migrations)."""
    mf = MigrationFolder(folder, dialect=dialect)
    if not mf.path.is_dir():
        raise UsageError(f"migrations folder {mf.path} does not exist",
                         "Set `out` in mizzle.toml (or pass folder=...) to the folder `mizzle generate` writes.")
    journal = mf.read_journal()
    if journal.dialect and journal.dialect != dialect and mf.snapshots_dialect() != dialect:
        raise UsageError(f"{mf.journal_path} is a {journal.dialect} journal but the database URL is {dialect}",
                         "Point --url at the right database, or `out` at the right folder.")
    migrations = mf.migrations(journal, snapshots=snapshots)
    stray: list[str] = []
    present: set[str] | None = None
    if not mf.uses_folders:
        present = set(os.listdir(mf.path))
        listed = {m.sql_path.name for m in migrations}
        stray = sorted(n for n in present if n.endswith(".sql") and n not in listed)
    return migrations, stray, present


def require_files(migrations: list[Migration]) -> list[Migration]:
    """`migrations`, or IntegrityError (exit 3) naming each journal entry whose file does not exist: a replay (`verify`,
    `check --rebuild-snapshots`) needs every file, and met the first missing one as an unexpected crash midway
    (renivet-marketplace: three entries lost in a branch merge). `migrate` reports them so too (its reconciliation)."""
    missing = [missing_file_problem(m) for m in migrations if not m.exists]
    if missing:
        raise IntegrityError(f"{len(missing)} integrity problem(s); nothing was replayed: {missing[0]}",
                             "\n".join(f"  - {p}" for p in missing[1:]) or None)
    return migrations


def stray_warnings(stray: Sequence[str]) -> list[str]:
    """What to say about .sql files the journal does not list. drizzle-orm ignores them, and so does the runner
    (refusing the whole folder over a branch leftover helps nobody); `mizzle check` reports them as errors."""
    return [f"{name} is not in meta/_journal.json, so it will never run (neither mizzle nor drizzle-orm runs a "
            "file the journal does not list); ignored. Restore its journal entry if it belongs to the history, "
            "or delete it (`mizzle check` reports it)" for name in stray]


def migrate(*, url: str, folder: str | Path, to: str | None = None, dry_run: bool = False,
            transaction: str = "each", lock_timeout: float | None = None, statement_timeout: float | None = None,
            table: str = "__drizzle_migrations", tracking_schema: str = "drizzle", include_skipped: bool = False,
            connect_timeout: float = 10, reporter: Reporter | None = None,
            require_applied_in: str | None = None, require_applied_in_label: str | None = None,
            retries: int = 0) -> MigrateResult:
    """Apply the pending migrations of `folder` to the database at `url`.

    `retries`: when a statement gives up waiting for a lock (lock_timeout, SQLSTATE 55P03), roll back its unit
    (the migration's transaction, or the single statement of a no-transaction file) and run it again, up to
    this many times, with exponential backoff and jitter; then fail as usual.

    `require_applied_in` (a URL; `..._label` names it in messages, e.g. "staging"): the promotion gate — refuse
    (Refused, exit 6) before running anything if a migration to apply is not applied there with the same hash.

    Raises IntegrityError (exit 3) before running anything if an applied migration's file changed or is
    missing; StatementFailed (exit 1) when a statement fails — its `.result` tells what stayed applied;
    LockTimeout (exit 4); ConnectError (exit 5); UsageError (exit 2).
    """
    _check_options(transaction, lock_timeout, retries)
    rep: Reporter = reporter or SilentReporter()
    started = time.perf_counter()
    db = parse_url(url)
    tracking = TrackingTable.of(db.dialect, table, tracking_schema, names=MigrationFolder(folder).uses_folders)
    result = MigrateResult(url=db.masked, transaction=transaction, dry_run=dry_run)
    backend, state, loaded = _open_and_load(db, tracking, folder, connect_timeout, lock=not dry_run)
    migrations, stray, present = loaded
    verdict = _probe_verdict(backend, migrations, state, include_skipped, stray, present)
    if verdict is not None:
        return _settled(backend, verdict, migrations, to, result, rep, started)
    if getattr(backend, "probe", False):
        # the probe only serves to find nothing to do; anything else runs on the real backend, from the start
        backend.close()
        backend, state = open_backend(db, tracking, connect_timeout=connect_timeout,
                                      application_name="mizzle migrate"), None
    try:
        try:
            if state is None:
                state = _lock_and_read(backend, db, dry_run, lock_timeout, rep, result)
            rec = verdict or _reconcile(backend, migrations, state, include_skipped, stray, present)
        except ServerError as e:
            raise tracking_error(tracking, e) from None
        _other_history(backend, migrations, state, rec, result, rep)
        pending = _outside_as_sent(backend, _select(rec, to, migrations))
        result.already_applied = sum(1 for s in rec.states if s.state not in (
            "pending", OUT_OF_ORDER, SKIPPED, PARTIAL))
        result.migrations = [p.result for p in pending]
        if require_applied_in and pending:
            from .promotion import enforce

            enforce(require_applied_in, require_applied_in_label or parse_url(require_applied_in).masked,
                    [p.migration for p in pending], tracking, connect_timeout, result, migrations)
        if not dry_run and pending:
            if statement_timeout:
                backend.set_statement_timeout(statement_timeout)
            _Run(backend, pending, transaction, rep, result, retries=retries).run()
        result.duration_ms = (time.perf_counter() - started) * 1000
        return result
    finally:
        backend.close()


def nothing_to_do(*, url: str, folder: str | Path, transaction: str = "each", table: str = "__drizzle_migrations",
                  tracking_schema: str = "drizzle", connect_timeout: float = 10, reporter: Reporter | None = None,
                  retries: int = 0) -> MigrateResult | None:
    """What migrate() with these arguments returns when its probe settles that there is nothing to do (the
    same result, the same reporting, the same errors raised on the way); None, having printed and changed
    nothing, in every other case — something pending, the lock busy, no probe for this dialect, a problem or
    a warning the reconciliation found. Then migrate() must run from the start. For the CLI's fast path
    (mizzle.cli.fast_migrate: a speed trick)."""
    _check_options(transaction, None, retries)
    started = time.perf_counter()
    db = parse_url(url)
    tracking = TrackingTable.of(db.dialect, table, tracking_schema, names=MigrationFolder(folder).uses_folders)
    result = MigrateResult(url=db.masked, transaction=transaction, dry_run=False)
    backend, state, loaded = _open_and_load(db, tracking, folder, connect_timeout, lock=True, probe_only=True)
    if backend is None:
        return None  # no probe for this dialect, or it stepped aside (the lock busy, no tracking tables)
    migrations, stray, present = loaded
    verdict = _probe_verdict(backend, migrations, state, False, stray, present)
    if verdict is None:
        backend.close()
        return None
    return _settled(backend, verdict, migrations, None, result, reporter or SilentReporter(), started)


def _settled(backend: RunnerBackend, verdict: Reconciliation, migrations: Sequence[Migration], to: str | None,
             result: MigrateResult, rep: Reporter, started: float) -> MigrateResult:
    """The probe found nothing to do: report the verdict's warnings (stray files) and finish the result."""
    try:
        _report_verdict(verdict, result, rep)
        if _select(verdict, to, migrations):  # an unknown --to is still a usage error
            raise AssertionError("a probe's verdict has nothing pending")
        result.already_applied = sum(1 for s in verdict.states if s.state not in (
            "pending", OUT_OF_ORDER, SKIPPED, PARTIAL))
        result.duration_ms = (time.perf_counter() - started) * 1000
        return result
    finally:
        backend.close()


def _check_options(transaction: str, lock_timeout: float | None, retries: int) -> None:
    if transaction not in TRANSACTION_MODES:
        raise UsageError(f"transaction mode {transaction!r} is not one of {', '.join(TRANSACTION_MODES)}")
    if lock_timeout is not None and lock_timeout < 0:
        raise UsageError("--lock-timeout must be ≥ 0 seconds")
    if retries < 0:
        raise UsageError("--retries must be ≥ 0")


def _open_and_load(db: DatabaseURL, tracking: TrackingTable, folder: str | Path, connect_timeout: float, lock: bool,
                   probe_only: bool = False
                   ) -> tuple[Any, DatabaseState | None, tuple[list[Migration], list[str], set[str] | None]]:
    """Connect (and, if the lock is free, lock and read the tracking rows) while this thread reads and hashes
    the folder: with nothing to do, that overlap is a good part of the run's wall time. (backend, the state
    when it was read locked, (migrations, stray files, file names present)). `probe_only`: the probe or nothing
    (backend None), never the driver."""
    early = _EarlyConnect(db, tracking, connect_timeout, lock=lock, probe_only=probe_only)
    try:
        # the probe's migrations serve its verdict only (never a run, nor recovery): no snapshot paths
        migrations, stray, present = load_folder(folder, db.dialect, snapshots=not probe_only)
        for m in migrations:
            if present is None or m.sql_path.name in present:
                m.hash  # noqa: B018 - read and hash now, overlapping the connection
    except BaseException:
        early.discard()
        raise
    backend, state = early.result()
    return backend, state, (migrations, stray, present)


def _lock_and_read(backend: RunnerBackend, db: DatabaseURL, dry_run: bool, lock_timeout: float | None,
                   rep: Reporter, result: MigrateResult) -> DatabaseState:
    """Take the migration lock (not for a dry run) and read the tracking rows, creating them if missing."""
    if not dry_run:
        result.lock_wait_s = backend.acquire_lock(lock_timeout, lambda who: rep.info(
            f"waiting for the migration lock on {db.where} ({who})"))
        if result.lock_wait_s:
            rep.info(f"lock obtained after {result.lock_wait_s:.1f} s")
    return backend.read_state(create=not dry_run, with_audit=False)


def _report_verdict(rec: Reconciliation, result: MigrateResult, rep: Reporter) -> None:
    """The reconciliation's warnings; IntegrityError (exit 3, the result attached) for its problems."""
    for w in rec.warnings:
        result.warnings.append(w)
        rep.warn(w)
    if rec.problems:
        result.error = (rec.problems[0] if len(rec.problems) == 1 else
                        f"{len(rec.problems)} integrity problems; nothing was applied: {rec.problems[0]}")
        raise IntegrityError(result.error, "\n".join(f"  - {p}" for p in rec.problems[1:]) or None, result=result)


class _EarlyConnect:
    """Opens the backend on a helper thread; takes the lock and reads the state too if the lock is free.
    The applied state is only ever read with the lock held (SPEC §4)."""

    def __init__(self, db: DatabaseURL, tracking: TrackingTable, connect_timeout: float, lock: bool,
                 probe_only: bool = False) -> None:
        import threading

        self._args = (db, tracking, connect_timeout, lock)
        self._probe_only = probe_only  # no real backend when the probe is missing or steps aside: backend None
        self.backend: RunnerBackend | None = None
        self.state: DatabaseState | None = None
        self.error: BaseException | None = None
        self._discarded = False
        self._guard = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="mizzle-connect", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        db, tracking, connect_timeout, lock = self._args
        try:
            # First a probe (no driver import): if the lock is free and the tracking tables are there, it
            # reads the state, and that often shows nothing to do (see migrate). Else the real backend.
            probe = open_probe(db, tracking, connect_timeout=connect_timeout,
                               application_name="mizzle migrate") if lock else None
            if probe is not None:
                self.state = probe.ready_state()
                if self.state is None:
                    probe.close()
                else:
                    self.backend = probe
            if self.backend is None and not self._probe_only:
                self.backend = open_backend(db, tracking, connect_timeout=connect_timeout,
                                            application_name="mizzle migrate" + ("" if lock else " --dry-run"))
                if lock and self.backend.try_lock():
                    self.state = self.backend.read_state(create=True, with_audit=False)
        except BaseException as e:  # noqa: BLE001 - handed to the main thread
            self.error = e
        with self._guard:
            if self._discarded and self.backend is not None:
                self.backend.close()  # nobody will: the folder was unusable and the caller has moved on

    def result(self) -> tuple[Any, DatabaseState | None]:
        self._thread.join()
        if self.error is not None:
            if self.backend is not None:
                self.backend.close()
            if isinstance(self.error, ServerError):
                raise tracking_error(self._args[1], self.error) from None
            raise self.error
        assert self.backend is not None or self._probe_only
        return self.backend, self.state

    def discard(self) -> None:
        """The folder is unusable: release the connection without making the caller wait for a slow one."""
        self._thread.join(timeout=0.5)
        with self._guard:
            self._discarded = True
            if not self._thread.is_alive() and self.backend is not None:
                self.backend.close()


def _probe_verdict(backend: Any, migrations: Sequence[Migration], state: DatabaseState | None,
                   include_skipped: bool, stray: Sequence[str], present: set[str] | None) -> Reconciliation | None:
    """With a probe's state: its reconciliation if that shows nothing pending, no problem and no warning (the
    one verdict a probe may settle on its own); otherwise None."""
    if state is None or not getattr(backend, "probe", False):
        return None
    rec = reconcile(migrations, state, include_skipped=include_skipped, present=present)
    if rec.problems or rec.warnings or rec.pending:
        return None
    rec.warnings[:0] = stray_warnings(stray)
    return rec


def _other_history(backend: RunnerBackend, migrations: Sequence[Migration], state: DatabaseState,
                   rec: Reconciliation, result: MigrateResult, rep: Reporter) -> None:
    """The verdict reported (_report_verdict); then, with something pending and no tracking row, another tool's
    record of the folder's migrations (Wrangler's d1_migrations): refuse (IntegrityError, exit 3) before running
    anything, naming it and the baseline adopting it — the first `CREATE TABLE` would fail on what it made. A record
    of none of the folder's files: a warning."""
    _report_verdict(rec, result, rep)
    if not rec.pending:
        return
    from .adoption import adoption

    found = adoption(backend, migrations, state)
    if found is None:
        return
    if found.last is None:
        result.warnings.append(found.summary())
        rep.warn(found.summary())
        return
    result.error = (f"{found.table} ({found.tool}'s) records {len(found.recorded)} of this folder's {found.total} "
                    f"migrations as applied, the last {found.last}, and the tracking table {backend.tracking.display} "
                    "none; nothing was applied (their statements would fail on what they made)")
    hint = (f"Adopt them: {found.commands} (it compares the database with {found.last}'s snapshot and records "
            f"the migrations up to it as applied), then `mizzle migrate` applies the "
            f"{found.total - found.recorded_upto} later one(s){''.join(found.details())}.")
    raise IntegrityError(result.error, hint, result=result)


def tracking_error(tracking: TrackingTable, e: ServerError) -> StatementFailed:
    hint = ""
    if e.permission_denied:
        hint = (f"Grant the migrating role USAGE and CREATE on schema {tracking.schema} (mizzle keeps drizzle-orm's "
                "tracking table and its own audit there), or choose another schema with [migrations] schema.")
    return StatementFailed(f"cannot use the tracking table {tracking.display}: {e}", hint or None)


def _reconcile(backend: RunnerBackend, migrations: Sequence[Migration], state: DatabaseState,
               include_skipped: bool, stray: Sequence[str], present: set[str] | None) -> Reconciliation:
    rec = reconcile(migrations, state, include_skipped=include_skipped, present=present)
    if state.audit is None and (rec.problems or any(s.state == OUT_OF_ORDER for s in rec.states)):
        # Older pending migrations: who wrote the newest row decides whether drizzle-orm skipped them.
        # Problems: the audit names the tags of rows whose journal entry is gone.
        audited = backend.read_audit()
        state.audit = audited.audit
        state.audit_exists = audited.audit_exists
        rec = reconcile(migrations, state, include_skipped=include_skipped, present=present)
    rec.warnings[:0] = stray_warnings(stray)
    return rec


def _select(rec: Reconciliation, to: str | None, migrations: Sequence[Migration]) -> list[_Pending]:
    order = {m.tag: i for i, m in enumerate(migrations)}
    limit = None
    if to is not None:
        if to not in order:
            raise UsageError(f"--to {to}: no such migration in the journal",
                             "Tags: " + ", ".join(m.tag for m in migrations[-5:]) + (" …" if len(migrations) > 5 else ""))
        limit = order[to]
    out = []
    for s in rec.pending:
        assert s.migration is not None
        if limit is not None and order[s.tag] > limit:
            continue
        m = s.migration
        out.append(_Pending(m, s, MigrationResult(
            tag=m.tag, when=m.when, hash=m.hash, status=WOULD_APPLY, statements=len(m.statements),
            resumed_after=s.resume_after, out_of_order=s.state in (OUT_OF_ORDER, SKIPPED),
            no_transaction=m.no_transaction)))
    return out


def _outside_as_sent(backend: RunnerBackend, pending: list[_Pending]) -> list[_Pending]:
    """`pending`, where a migration its tool sends whole (Prisma's) is one statement that cannot run in a
    transaction, marked to run as a no-transaction file does: outside any, with its progress recorded, an INVALID
    index a killed run left dropped before it runs again."""
    for p in pending:
        m = p.migration
        if m.sent_whole and not m.no_transaction and len(m.statements) == 1 and \
                backend.alone_outside_transaction(m.statements[0].sql):
            p.result.no_transaction = True
    return pending


class _Run:
    """One invocation's execution: transaction boundaries, progress records, failure reporting."""

    def __init__(self, backend: RunnerBackend, pending: list[_Pending], mode: str, rep: Reporter,
                 result: MigrateResult, retries: int = 0) -> None:
        self.retries = retries
        self.attempts: dict[tuple[str, int], int] = {}  # (tag, unit start) → lock-timeout retries so far
        self.db = backend
        self.pending = pending
        self.mode = mode
        self.rep = rep
        self.result = result
        self.uncommitted: list[MigrationResult] = []  # applied inside the open transaction

    def run(self) -> None:
        if self.mode == "all":
            split = [p.migration.tag for p in self.pending if p.result.no_transaction
                     or any(s.commit_before for s in p.migration.statements)]
            if split:
                msg = ("--transaction all: the run commits before and after "
                       + ", ".join(split) + " (no-transaction files and `-- mizzle:commit` boundaries commit on "
                       "their own); a failure after that keeps what was committed")
                self.result.warnings.append(msg)
                self.rep.warn(msg)
        i = 0
        while i < len(self.pending):
            p = self.pending[i]
            try:
                if p.result.no_transaction:
                    self._commit()
                    self._run_no_transaction(p)
                else:
                    self._run_transactional(p)
            except _StatementError as e:
                restart = None if p.result.no_transaction else self._retry_transaction(i, e)
                if restart is None:
                    self._fail(p, i, e)
                else:
                    i = restart
                    continue
            i += 1
        self._commit()
        try:
            self.db.make_durable()
        except ServerError as e:
            done = sum(1 for p in self.pending if p.result.status == APPLIED)
            exc = StatementFailed(f"{done} migration(s) committed, but waiting for them to reach the disk failed: "
                                  f"{e.message}", "a server crash before they did would undo the last of them, whole; "
                                  "`mizzle status` shows what is applied, and rerunning `mizzle migrate` applies "
                                  "whatever is missing")
            exc.result = self.result
            raise exc from None

    # -- retries after a lock timeout -----------------------------------------------------------------------

    def _may_retry(self, e: _StatementError, tag: str, unit: int, what: str) -> bool:
        """A lock timeout with retries left: wait (exponential backoff, jitter) and say so."""
        if not e.error.lock_not_available or e.tracking:
            return False
        done = self.attempts.get((tag, unit), 0)
        if done >= self.retries:
            return False
        self.attempts[(tag, unit)] = done + 1
        import random  # only here: `mizzle migrate` with nothing to do must start fast

        delay = min(RETRY_MAX_DELAY, RETRY_BASE_DELAY * 2 ** done) * random.uniform(0.5, 1.0)
        where = f"statement {e.statement.number}" if e.statement is not None else "a statement"
        self.rep.info(f"{tag}: {where} gave up waiting for a lock ({e.error.message}); {what} rolled back, "
                      f"retry {done + 1} of {self.retries} in {delay:.1f} s")
        time.sleep(delay)
        return True

    def _retry_transaction(self, i: int, e: _StatementError) -> int | None:
        """Roll back the open transaction after a lock timeout; the index of the migration to run again from
        (under `all`, the first one the transaction held), or None to fail."""
        p = self.pending[i]
        self.db.rollback()
        first = i
        if self.uncommitted:  # `all`: the migrations before this one in the transaction are gone too
            first = next(j for j, q in enumerate(self.pending) if q.result is self.uncommitted[0])
        what = "its transaction" if first == i else f"the transaction since {self.pending[first].migration.tag}"
        if not self._may_retry(e, p.migration.tag, p.committed_upto, what):
            return None
        for r in self.uncommitted:
            r.status = WOULD_APPLY
        self.uncommitted.clear()
        for q in self.pending[first:i + 1]:
            # a `-- mizzle:commit` boundary already passed stays committed: run again from it
            q.state.resume_after = q.committed_upto
            q.result.executed = q.committed_upto - q.result.resumed_after
        return first

    # -- units ------------------------------------------------------------------------------------------

    def _begin(self) -> None:
        if not self.db.in_transaction:
            self.db.begin()

    def _commit(self) -> None:
        if self.db.in_transaction:
            self.db.commit()
        for r in self.uncommitted:
            r.status = APPLIED
        self.uncommitted.clear()

    def _run_transactional(self, p: _Pending) -> None:
        m, r = p.migration, p.result
        self.rep.start(r)
        if self._pipelined(p):
            return
        t0 = time.perf_counter()
        p.committed_upto = p.state.resume_after
        statements = m.statements
        last_done = p.state.resume_after
        boundaries = p.state.resume_after > 0 or any(s.commit_before for s in statements)
        past_boundary = False  # the file's first commit boundary is behind
        for st in statements:
            past_boundary = past_boundary or st.commit_before
            if st.number <= p.state.resume_after:
                continue
            # after a boundary, as after a COMMIT under drizzle-orm (which runs the rest of the file outside a
            # transaction), a statement PostgreSQL refuses inside a transaction (CREATE INDEX CONCURRENTLY, …)
            # runs on its own, with its progress recorded — right after the boundary or statements later
            outside = past_boundary and self.db.must_run_outside_transaction(st.sql)
            if (st.commit_before or outside) and last_done > p.committed_upto:
                # a commit boundary (`-- mizzle:commit`, the file's own COMMIT, after drizzle-kit's ADD VALUE), or
                # a statement to run on its own: make everything before it durable, with the progress that says so
                self._begin()
                self._server(None, self._progress, m, last_done)
                self._commit()
                p.committed_upto = last_done
            if outside:
                self._commit()
                if self._no_transaction_statement(p, st):
                    r.executed += 1
                p.committed_upto = last_done = st.number
                continue
            self._begin()
            self._execute(p, st)
            r.executed += 1
            last_done = st.number
        self._begin()
        r.duration_ms = (time.perf_counter() - t0) * 1000
        self._record(p, clear_progress=boundaries)
        self.uncommitted.append(r)
        if self.mode == "each":
            self._commit()
        self.rep.finish(r)

    def _pipelined(self, p: _Pending) -> bool:
        """Speed trick (issue 18): a migration in its own transaction, with no commit boundary and nothing to
        resume, goes to the backend in one flush — BEGIN, its statements, the tracking record, COMMIT — when the
        backend can (PostgreSQL's pipeline mode: one round trip per migration instead of one per statement plus
        two). A failure is reported as the one-by-one run reports it: the statement, the statements executed
        before it, the transaction rolled back (and a lock timeout retried). The tracking row's duration is
        then the server's (BEGIN to the record)."""
        m, r = p.migration, p.result
        if self.mode != "each" or p.state.resume_after or any(s.commit_before for s in m.statements):
            return False
        t0 = time.perf_counter()
        record = AppliedRecord(when=r.when, hash=r.hash, tag=r.tag, duration_ms=None, statements=r.statements,
                               tool_version=f"mizzle {__version__}", clear_progress=False)
        try:
            # the run's last migration waits for the disk, and so for every one before it (see make_durable)
            if not self.db.run_pipelined([st.sql for st in m.statements], record, durable=p is self.pending[-1]):
                return False
        except PipelineFailed as e:
            r.executed += e.index
            st = m.statements[e.index] if e.index < len(m.statements) else None
            raise _StatementError(st, e.error, tracking=st is None) from None
        p.committed_upto = 0
        r.executed += len(m.statements)
        r.duration_ms = (time.perf_counter() - t0) * 1000
        r.status = APPLIED
        self.rep.finish(r)
        return True

    def _run_no_transaction(self, p: _Pending) -> None:
        m, r = p.migration, p.result
        self.rep.start(r)
        t0 = time.perf_counter()
        todo = [s for s in m.statements if s.number > p.state.resume_after]
        if p.state.resume_after:
            r.notes.append(f"resumed after statement {p.state.resume_after}")
        for st in todo:
            while True:
                try:
                    ran = self._no_transaction_statement(p, st)
                    break
                except _StatementError as e:
                    if not self._may_retry(e, m.tag, st.number, "the statement"):
                        raise
            r.executed += ran
        r.duration_ms = (time.perf_counter() - t0) * 1000
        self.db.begin()
        self._record(p, clear_progress=True)
        self.uncommitted.append(r)
        self._commit()
        self.rep.finish(r)

    def _no_transaction_statement(self, p: _Pending, st: Statement) -> bool:
        """One statement of a no-transaction file, with its progress; False if a killed run had completed it."""
        m, r = p.migration, p.result
        outside = self.db.must_run_outside_transaction(st.sql)
        if outside:
            done, note = self._server(st, self.db.prepare_outside, st.sql, p.state.interrupted == st.number)
            if note:
                r.notes.append(note)
                self.rep.info(f"{m.tag}: {note}")
            if done:
                self._server(st, self._progress, m, st.number)
                return False
        else:
            # a statement that may run in a transaction commits atomically with its progress row
            self.db.begin()
            try:
                self._execute(p, st)
            except _StatementError as e:
                self.db.rollback()
                if not e.error.refused_in_transaction:
                    raise
                outside = True
            else:
                self._progress(m, st.number)
                self.db.commit()
        if outside:
            # no transaction can make the statement and its record atomic: mark it started, so a rerun
            # after a crash knows to check what it left behind
            self._server(st, self._progress, m, st.number - 1, st.number)
            try:
                self._execute(p, st, outside=True)
            except _StatementError:
                try:  # it failed, so it is not running any more; if the connection died, the rerun checks
                    self._progress(m, st.number - 1)
                except ServerError:
                    pass
                raise
            self._server(st, self._progress, m, st.number)
        return True

    def _progress(self, m: Migration, done: int, running: int | None = None) -> None:
        self.db.record_progress(m.when, m.hash, m.tag, done, prefix_hash(m.statements, done), running)

    def _record(self, p: _Pending, clear_progress: bool) -> None:
        r = p.result
        self._server(None, self.db.record_applied, AppliedRecord(
            when=r.when, hash=r.hash, tag=r.tag, duration_ms=r.duration_ms or 0.0, statements=r.statements,
            tool_version=f"mizzle {__version__}", clear_progress=clear_progress))
        for note in self.db.take_notes():  # what the check before recording found to say
            self.rep.warn(f"{p.migration.tag}: {note}")

    def _execute(self, p: _Pending, st: Statement, outside: bool = False) -> None:
        try:
            (self.db.execute_outside if outside else self.db.execute)(st.sql)
        except ServerError as e:
            raise _StatementError(st, e) from None
        for note in self.db.take_notes():
            self.rep.warn(f"{p.migration.tag}: {note}")

    def _server(self, st: Statement | None, fn: Callable[..., Any], *args: Any) -> Any:
        """Bookkeeping on the server (progress, tracking rows): its failure is reported against `st`."""
        try:
            return fn(*args)
        except ServerError as e:
            raise _StatementError(st, e, tracking=True) from None

    # -- failure ----------------------------------------------------------------------------------------

    def _fail(self, p: _Pending, index: int, e: _StatementError) -> None:
        m, r = p.migration, p.result
        self.db.rollback()
        r.status = FAILED
        for u in self.uncommitted:
            u.status = ROLLED_BACK
        self.uncommitted.clear()
        for later in self.pending[index + 1:]:
            later.result.status = NOT_RUN
        err = e.error
        n = len(m.statements)
        if e.tracking:
            where = f"{m.file}: recording it in {self.db.tracking.display} failed"
        else:
            assert e.statement is not None
            where = f"{m.file} failed at statement {e.statement.number} of {n}"
            if err.part:
                where += f" (its part {err.part} of {len(err.parts)}, each run on its own outside a transaction)"
        message = f"{where}: {err}"
        failed = err.parts[err.part - 1] if err.part else e.statement.sql if e.statement is not None else None
        details = err.report(_excerpt(failed) if failed is not None else None)
        if err.refused_in_transaction and not p.result.no_transaction:
            message += (f" — add `-- {NO_TRANSACTION}` as the first line of {m.file} so its statements run "
                        "outside a transaction, one by one, with progress recorded")
        if err.dependents:
            one = len(err.dependents) == 1
            message += f" — {', '.join(err.dependents)} depend{'s' if one else ''} on it"
            # the runner does not know the schema code: whether mizzle manages them is not said here
            them = "it" if one else "them"
            details.append(f"hint: drop {', '.join(err.dependents)} before this statement and create {them} again "
                           "after, in this migration's SQL (mizzle never adds CASCADE, which would drop "
                           f"{them} without a word); for what the schema code declares, generate does that itself")
        if err.already_exists:
            details.append(self._already_exists_hint(p, e))
        if not e.tracking and pulled_commented_out(m.text):
            details.append(f"hint: {m.file} is {pulled_advice(m.tag)}.")
        if err.lock_not_available and not e.tracking:
            tries = max((n for (tag, _), n in self.attempts.items() if tag == m.tag), default=0)
            message += (f" (after {tries} retr{'y' if tries == 1 else 'ies'})" if tries else
                        " (no retries: pass --retries N to retry with backoff)")
            describe = getattr(self.db, "describe_lock_wait", None)
            waited = describe(e.statement.sql) if describe is not None and e.statement is not None else None
            details.append("it waited longer than lock_timeout for a lock" +
                           (f" on: {waited}" if waited else "") + ". Rerun when that session is done, or "
                           "end it (pg_terminate_backend(pid))")
        if err.connection_lost:
            details.append("the connection was lost; rerun `mizzle migrate` to resume from the last recorded "
                           "boundary")
        details.append(self._aftermath(p, e))
        self.result.error = message
        exc = StatementFailed(message, "\n".join(details))
        exc.result = self.result
        raise exc

    def _already_exists_hint(self, p: _Pending, e: _StatementError) -> str:
        """Where the object that exists may come from. An earlier statement of this run naming it most likely made
        it: two objects of one name (designate's table and enum service_statuses), which neither `baseline` nor
        `--idempotent` mends — IF NOT EXISTS would skip the second object without a word."""
        name, upto = e.error.existing, e.statement.number if e.statement is not None else 0
        earlier = [f"statement {st.number} of this migration" for st in p.migration.statements
                   if st.number < upto and name and _names(st.sql, name)][-1:]
        if name and not earlier:
            ran = {x.tag for x in self.result.migrations if x.status == APPLIED}
            earlier = [f"migration {q.migration.tag} (applied by this run)" for q in self.pending
                       if q.migration.tag in ran and any(_names(st.sql, name) for st in q.migration.statements)][-1:]
        collision = ("two objects of the schema share one name: rename one in the schema code and generate the "
                     "migration again (`mizzle generate --idempotent` would not help: IF NOT EXISTS skips the "
                     "second object without a word)")
        if earlier:
            return f"hint: {earlier[0]} names {name} too; if it created it, {collision}."
        if e.statement is not None and _CREATE_ROLE.match(e.statement.sql):
            return ("hint: a role belongs to the whole server, not to one database: another database of this server "
                    "(one this folder was migrated into, say) already made it; drizzle-kit writes a plain CREATE ROLE "
                    "(mizzle's own CREATE ROLE leaves an existing role as it is). A role the migrations must not "
                    "make is declared as existing (drizzle-kit's `pgRole(…).existing()`); `verify` and `check --rebuild-snapshots` replay on a server without it "
                    "(`--scratch-url` of another server, or no PostgreSQL URL at all: a throwaway local cluster).")
        return ("hint: the database may already have this object: compare it with the migrations (`mizzle drift`); "
                "if the schema was created outside migrations, record them as applied (`mizzle baseline`). Or an "
                f"earlier migration created another object of this name — {collision}.")

    def _aftermath(self, p: _Pending, e: _StatementError) -> str:
        m = p.migration
        done = [x.tag for x in self.result.migrations if x.status == APPLIED]
        kept = f"{len(done)} migration(s) applied before it stay applied" if done else "nothing else was applied"
        if p.result.no_transaction:
            last = (e.statement.number - 1) if e.statement else p.result.statements
            stayed = f"statements 1–{last} stay applied and are recorded" if last > 0 else \
                "no statement of it was recorded" if e.error.part > 1 else "no statement of it was applied"
            how = "marked no-transaction" if m.no_transaction else "run outside a transaction, as Prisma runs it"
            return (f"{m.tag} is {how}: {stayed}; "
                    f"{kept}. Fix the cause and rerun: it resumes at statement {last + 1}."
                    + ("\n" + _committed(m, last) if last > 0 else "") + _parts_applied(e, last + 1))
        if p.committed_upto:
            return (f"{m.tag}: statements 1–{p.committed_upto} (before its commit boundary) stay "
                    f"applied and are recorded; the rest was rolled back; {kept}. Fix the cause and rerun: it "
                    f"resumes at statement {p.committed_upto + 1}.\n" + _committed(m, p.committed_upto))
        if self.mode == "all":
            return ("--transaction all: the whole run was rolled back" +
                    (f" except what committed before a boundary ({', '.join(done)})" if done else "") +
                    ". Fix the cause and rerun.")
        return f"{m.tag} was rolled back and left no trace; {kept}. Fix the cause and rerun."




def _names(sql: str, name: str) -> bool:
    """Whether `sql` names `name` (quoted or bare, as a whole word)."""
    return re.search(r"(?<![\w$])" + re.escape(name) + r"(?![\w$])", sql) is not None


def _parts_applied(e: _StatementError, number: int) -> str:
    """What the statements of the failed chunk before the one that failed (run on their own, outside any
    transaction) left committed: nothing records them, and the rerun runs the chunk again from its first."""
    done = e.error.parts[:e.error.part - 1]
    if not done:
        return ""
    lines = [f"  {i}. {_first_line(sql)}" for i, sql in enumerate(done, 1)]
    return (f"\nparts 1–{len(done)} of statement {number} ran outside any transaction and stay applied, unrecorded: "
            f"a rerun runs statement {number} again from its first part, so make them safe to repeat (IF NOT "
            "EXISTS) or undo them by hand:\n" + "\n".join(lines))


def _committed(m: Migration, upto: int, limit: int = 20) -> str:
    """The statements of `m` that stay committed, one line each (their first line): what the database has now."""
    done = [st for st in m.statements if st.number <= upto]
    lines = [f"  {st.number}. {_first_line(st.sql)}" for st in done[:limit]]
    if len(done) > limit:
        lines.append(f"  … and {len(done) - limit} more, up to statement {upto}")
    return "committed (they stay in the database):\n" + "\n".join(lines)


def _first_line(sql: str, width: int = 100) -> str:
    """The statement's first line of SQL; past a `SET LOCAL` that other SQL follows (each part of a file `generate
    --online` wrote starts with `SET LOCAL lock_timeout`, which names nothing the database has)."""
    lines = [ln.strip() for ln in sql.splitlines() if ln.strip() and not ln.strip().startswith("--")]
    line = next((ln for ln in lines if not ln.upper().startswith("SET LOCAL ")), lines[0] if lines else "")
    return line if len(line) <= width else line[:width] + " …"


class _StatementError(Exception):
    def __init__(self, statement: Statement | None, error: ServerError, tracking: bool = False) -> None:
        super().__init__(str(error))
        self.statement = statement
        self.error = error
        self.tracking = tracking


def _excerpt(sql: str, limit: int = 400) -> str:
    return sql if len(sql) <= limit else sql[:limit] + " …"


# -- status --------------------------------------------------------------------------------------------

class StatusResult(Record):
    def __init__(self, url: str, states: list[MigrationState], problems: list[str], warnings: list[str],
                 tracking_exists: bool, protection: Any = None, other_history: Any = None) -> None:
        self.url = url
        self.states = states
        self.problems = problems
        self.warnings = warnings
        self.tracking_exists = tracking_exists
        self.protection = protection  # the database's `mizzle protect` mark (mizzle.commands.protect.Mark), if any
        # with no tracking row, another tool's record of the folder's migrations (runner.adoption.Adoption)
        self.other_history = other_history

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "tracking_table_exists": self.tracking_exists, "problems": self.problems,
                "warnings": self.warnings, "migrations": [s.to_json() for s in self.states],
                "protection": self.protection.to_json() if self.protection is not None else None,
                "other_history": self.other_history.to_json() if self.other_history is not None else None}


def status(*, url: str, folder: str | Path, table: str = "__drizzle_migrations", tracking_schema: str = "drizzle",
           connect_timeout: float = 10) -> StatusResult:
    """Every migration's state (applied / pending / modified / missing file / out of order / …). Read-only:
    takes no lock and creates nothing."""
    db: DatabaseURL = parse_url(url)
    migrations, stray, present = load_folder(folder, db.dialect)
    backend = open_backend(db, TrackingTable.of(db.dialect, table, tracking_schema, names=present is None),
                           connect_timeout=connect_timeout, application_name="mizzle status")
    try:
        state = backend.read_state(create=False, with_audit=True)
        from ..commands.protect import read_mark
        from .adoption import adoption, other_tools

        mark = read_mark(backend)
        other = adoption(backend, migrations, state)
        tools = other_tools(backend, migrations, state) if other is None else []
    except ServerError as e:
        raise tracking_error(backend.tracking, e) from None
    finally:
        backend.close()
    rec = reconcile(migrations, state, include_skipped=True, present=present)
    problems = list(rec.problems)
    if other is not None:
        for st in rec.states:
            if st.tag in other.recorded and st.state == "pending":
                st.note = f"applied by {other.tool} ({other.table} lists it)"
    return StatusResult(url=db.masked, states=rec.states, problems=problems,
                        warnings=stray_warnings(stray) + rec.warnings + ([other.summary()] if other else []) + tools,
                        tracking_exists=state.tracking_exists, protection=mark, other_history=other)


__all__ = ["MigrateResult", "MigrationResult", "Reporter", "SilentReporter", "StatusResult", "migrate", "status",
           "MizzleError"]

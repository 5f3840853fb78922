"""Dialects: one folder each. This module is the registry (dialect name → module, imported lazily) and
the small interface a dialect implements so the generic runner (mizzle.runner.migrate) can drive it."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from ..errors import UsageError

if TYPE_CHECKING:
    from ..dburl import DatabaseURL
    from ..runner.tracking import DatabaseState, TrackingTable

# dialect → module providing `open_backend(url, tracking, *, connect_timeout, application_name)`
RUNNER_BACKENDS: dict[str, str] = {
    "postgresql": "mizzle.dialects.postgres.runner",
    "sqlite": "mizzle.dialects.sqlite.runner",
    "mysql": "mizzle.dialects.mysql.runner",
}


class ServerError(Exception):
    """A statement the server refused, in dialect-neutral terms."""

    def __init__(self, message: str, code: str | None = None, detail: str | None = None, hint: str | None = None,
                 refused_in_transaction: bool = False, already_exists: bool = False,
                 permission_denied: bool = False, connection_lost: bool = False,
                 lock_not_available: bool = False) -> None:
        super().__init__(message)
        self.message = message  # the server's primary message
        self.code = code  # SQLSTATE or the driver's error code
        self.detail = detail
        self.hint = hint
        self.refused_in_transaction = refused_in_transaction  # e.g. CREATE INDEX CONCURRENTLY inside BEGIN
        self.already_exists = already_exists
        self.permission_denied = permission_denied
        self.connection_lost = connection_lost
        self.lock_not_available = lock_not_available  # lock_timeout (or NOWAIT) gave up waiting: worth a retry

    def __str__(self) -> str:
        return self.message + (f" ({self.code})" if self.code else "")


class AppliedRecord(NamedTuple):
    """A tracking row + mizzle's audit entry: written when a migration completes, or by a manual
    resolution (`mark --applied`, `baseline`: action "marked-applied" / "baseline", with a note why)."""

    when: int
    hash: str
    tag: str
    duration_ms: float | None
    statements: int
    tool_version: str
    clear_progress: bool = False
    action: str = "applied"
    note: str | None = None
    actor: str | None = None  # who resolved it by hand (mark/baseline); None: the database's user / OS user


class RunnerBackend(Protocol):
    """What the runner needs from a dialect. Every method may raise ServerError (or ConnectError)."""

    dialect: str
    url: DatabaseURL
    tracking: TrackingTable

    def acquire_lock(self, timeout: float | None, on_wait: Callable[[str], None]) -> float:
        """Take the run's database-level lock; returns seconds waited. Raises LockTimeout."""

    def try_lock(self) -> bool:
        """Take the lock if it is free, without waiting."""

    def release_lock(self) -> None: ...

    def read_state(self, *, create: bool, with_audit: bool) -> DatabaseState:
        """The tracking rows (and progress, and with_audit the audit). create=True creates what is missing
        (only called with the lock held)."""

    def read_audit(self) -> DatabaseState: ...

    def set_statement_timeout(self, seconds: float) -> None: ...

    def begin(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str) -> None:
        """Run one migration chunk as written (the server may get several statements in one chunk)."""

    def must_run_outside_transaction(self, sql: str) -> bool: ...

    def prepare_outside(self, sql: str, interrupted: bool) -> tuple[bool, str | None]:
        """Before running a statement outside any transaction. Undo what an interrupted attempt leaves
        behind (e.g. an INVALID index), and with `interrupted` (a killed run had started exactly this
        statement) tell whether that attempt in fact completed: (done, note for the log)."""

    def record_applied(self, record: AppliedRecord) -> None: ...

    def record_progress(self, when: int, hash: str, tag: str, statement: int, prefix_hash: str,
                        running: int | None = None) -> None: ...

    def record_mark(self, record: AppliedRecord, row: str) -> None:
        """A manual resolution (mark, baseline), inside begin()/commit(): drizzle-orm's tracking row is
        "insert"ed, its hash "update"d to the file's, or "keep"t; then the audit entry (who, why)."""

    def close(self) -> None: ...

    # optional: `describe_lock_wait(sql) -> str | None`, who holds locks on the tables `sql` touches (for the
    # message after a lock timeout); the runner calls it only if the backend has it


def backend_module(dialect: str) -> object:
    module = RUNNER_BACKENDS.get(dialect)
    if module is None:
        raise UsageError(f"unknown dialect {dialect!r} (supported: {', '.join(RUNNER_BACKENDS)})")
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name and e.name.startswith("mizzle.dialects"):
            raise UsageError(f"the {dialect} runner is not available yet in this version of mizzle",
                             "PostgreSQL is supported; SQLite and MySQL are in progress.") from None
        raise UsageError(f"the {dialect} runner needs the Python package {e.name!r}, which is not installed",
                         f"pip install {e.name}") from None


def open_backend(url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
                 application_name: str = "mizzle") -> RunnerBackend:
    module = backend_module(url.dialect)
    opener: Callable[..., RunnerBackend] = module.open_backend  # type: ignore[attr-defined]
    return opener(url, tracking, connect_timeout=connect_timeout, application_name=application_name)


# dialect → module providing `open_probe(url, tracking, *, connect_timeout, application_name)`: a connection
# that skips the driver's import cost and can only try_lock, ready_state() and close — enough for `mizzle
# migrate` to find that there is nothing to do; None where it cannot be had
PROBES: dict[str, str] = {"postgresql": "mizzle.dialects.postgres.probe"}


def open_probe(url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
               application_name: str = "mizzle") -> Any:
    module = PROBES.get(url.dialect)
    if module is None:
        return None
    opener: Callable[..., Any] = importlib.import_module(module).open_probe  # type: ignore[attr-defined]
    return opener(url, tracking, connect_timeout=connect_timeout, application_name=application_name)


def supported_dialects() -> Sequence[str]:
    return tuple(RUNNER_BACKENDS)

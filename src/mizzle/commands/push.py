"""`push`: the development shortcut — make a live database match the schema code directly.

The database is introspected (within the config's scope, tracking tables left out), diffed against the schema
code with the same diff and planner `generate` uses, and the plan applied in one transaction (split only where
the plan needs a commit, e.g. after `ALTER TYPE … ADD VALUE`) under the runner's lock. No migration file is
written and the tracking table is not touched: adopt the database into migrations afterwards with
`mizzle generate` + `mizzle baseline`. Protected databases (protect.py) are refused.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..dburl import parse_url
from ..errors import MizzleError, StatementFailed, UsageError
from ..planning.plan import PlannedStatement, plan
from ..planning.tenant import refuse_tenant_folder
from ..schema.composite_use import refuse_converting_composite_arrays, refuse_rebuilding_types_in_use
from ..schema.diff import Prompt, Renames, diff
from .protect import Protection, add_mark, environment_protection, refuse

if TYPE_CHECKING:
    from ..config import Config
    from ..dialects import RunnerBackend
    from ..schema.model import Schema


@dataclass
class PushResult:
    url: str  # masked
    dialect: str
    dry_run: bool
    changes: list[str] = field(default_factory=list)  # one line per change, as `generate` prints them
    data_loss: list[str] = field(default_factory=list)  # the changes among them that drop data
    fails_on_rows: list[str] = field(default_factory=list)  # … that fail on a table holding rows (lint does not run)
    warnings: list[str] = field(default_factory=list)  # what push left alone (Alembic's bookkeeping table)
    statements: list[PlannedStatement] = field(default_factory=list)
    protection: Protection = field(default_factory=Protection)  # why it counts as protected (overridden), if so
    applied: bool = False
    cancelled: bool = False  # the confirmation said no
    transactions: int = 0
    executed: int = 0
    lock_wait_s: float = 0.0
    duration_ms: float = 0.0
    error: str | None = None

    @property
    def nothing_to_do(self) -> bool:
        return not self.changes

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.error is None, "url": self.url, "dialect": self.dialect, "dry_run": self.dry_run,
                "nothing_to_do": self.nothing_to_do, "changes": self.changes, "data_loss": self.data_loss,
                "fails_on_rows": self.fails_on_rows, "warnings": self.warnings,
                "statements": [s.sql for s in self.statements], "applied": self.applied, "cancelled": self.cancelled,
                "transactions": self.transactions, "executed": self.executed,
                "protection": self.protection.to_json(), "lock_wait_s": round(self.lock_wait_s, 3),
                "duration_ms": round(self.duration_ms, 3), "error": self.error}


# Called with the plan before anything is applied; False cancels. The CLI shows the plan and asks here.
Confirm = Callable[[PushResult], bool]


def push(config: Config | None = None, *, url: str | None = None, renames: dict[str, str] | None = None,
         no_renames: bool = False, prompt: Prompt | None = None, confirm: Confirm | None = None, dry_run: bool = False,
         i_know_this_is_production: bool = False, lock_timeout: float | None = None, connect_timeout: float = 10,
         on_wait: Callable[[str], None] | None = None) -> PushResult:
    """Make the database at `url` (default: the config's) match the schema code of `config` (default: the
    mizzle.toml found from the working directory).

    `confirm(result)` sees the plan first and may cancel (the Python API applies without asking when it is
    None). `dry_run`: plan only (no lock taken, nothing changed; allowed on protected databases).

    Raises Refused (exit 6) for a protected database unless `i_know_this_is_production`; AmbiguousRename
    (exit 2) for a possible rename with no `prompt`; StatementFailed (exit 1: the transaction rolled back);
    LockTimeout (exit 4); ConnectError (exit 5).
    """
    started = time.perf_counter()
    if config is None:
        from ..config import load_config

        config = load_config()
    refuse_tenant_folder(config, "push")
    url = url or config.resolve_url()
    db = parse_url(url)
    if db.dialect != config.dialect:
        raise UsageError(f"the database URL is {db.dialect} ({db.masked}) but the config says dialect = "
                         f"{config.dialect!r}", "Point --url at the right database, or fix `dialect`.")
    result = PushResult(url=db.masked, dialect=db.dialect, dry_run=dry_run)
    try:
        _push(result, config, url, Renames(explicit=renames or {}, prompt=prompt, none=no_renames), confirm,
              i_know_this_is_production, lock_timeout, connect_timeout, on_wait or (lambda who: None))
    except MizzleError as e:
        if getattr(e, "result", None) is None:  # the CLI's --json prints the plan so far with the error
            result.error = e.message
            e.result = result
        raise
    finally:
        result.duration_ms = (time.perf_counter() - started) * 1000
    return result


def _push(result: PushResult, config: Config, url: str, renames: Renames, confirm: Confirm | None,
          override: bool, lock_timeout: float | None, connect_timeout: float, on_wait: Callable[[str], None]) -> None:
    from .. import dialects
    from ..dialects import ServerError, open_backend
    from ..runner.tracking import TrackingTable
    from ..schema.bookkeeping import set_aside
    from ..schema.security import as_tracked
    from ..sources.database import scope_for
    from .generate import load_code_schema

    db = parse_url(url)
    dry_run = result.dry_run
    result.protection = environment_protection(config, url)
    if not dry_run:  # refuse before importing the schema or connecting
        refuse(result.protection, "push", db.masked, override)
    backend = open_backend(db, TrackingTable.of(db.dialect, config.table, config.tracking_schema), connect_timeout=connect_timeout,
                           application_name="mizzle push" + (" --dry-run" if dry_run else ""))
    try:
        try:
            add_mark(result.protection, backend)
            if not dry_run:
                refuse(result.protection, "push", db.masked, override)
            scope = scope_for(config)
            code, renames.declared = load_code_schema(config)
            result.warnings += [f"not applied by push: {x}" for x in code.objects.unmanaged]  # as generate names them
            # what its snapshot would track: no extension or grant declared leaves the database's alone, as
            # generate and drift do
            code = scope.restrict(code.with_(security=as_tracked(code.security)))
            if not dry_run:
                result.lock_wait_s = backend.acquire_lock(lock_timeout, on_wait)
            d = dialects.get(backend.dialect)
            # both in the form the database can show (SQLite: no foreign-key names, create_all's type spellings)
            code, live = d.push_forms(code, _introspect(backend, scope))
            live, bookkeeping = set_aside(code, live)  # other tools' bookkeeping, left alone as drift leaves it
            result.warnings += [f"{f.label(not dialects.is_embedded(backend.dialect))} ({f.kind.tool}'s bookkeeping) "
                                "is left as it is" for f in bookkeeping]
            # checks, defaults, index expressions, policies, views, functions, … as the server would store the
            # code's (drift's forms): an unchanged one is not made again
            code = d.object_forms(backend.conn, d.server_forms(backend.conn, code, live), live)
        except ServerError as e:
            raise StatementFailed(f"cannot read the database {db.masked}: {e}") from None
        changeset = diff(live, code, renames)
        refuse_converting_composite_arrays(live, code, changeset.changes)
        result.changes = [c.describe() for c in changeset]
        keeps = dialects.get(backend.dialect).keeps_values
        result.data_loss = [c.describe() for c in changeset if c.loses_data(keeps)]
        result.fails_on_rows = dialects.get(backend.dialect).fails_on_rows(changeset.changes)
        result.statements = plan(changeset.changes, db.dialect) if changeset else []
        if dry_run or not result.statements:
            return
        refuse_rebuilding_types_in_use(live, changeset.changes)
        if confirm is not None and not confirm(result):
            result.cancelled = True
            return
        _apply(backend, result)
        result.applied = True
    finally:
        backend.close()


def _introspect(backend: RunnerBackend, scope: Any) -> Schema:
    from .. import dialects

    return dialects.get(backend.dialect).introspect(backend.conn, scope, backend.tracking.table)


def _units(statements: list[PlannedStatement]) -> list[tuple[bool, list[tuple[int, PlannedStatement]]]]:
    """Transactions to run: (transactional, [(number, statement)]). One, unless the plan needs a commit
    (`-- mizzle:commit`: an enum value used after it is added) or a statement that cannot run in one."""
    units: list[tuple[bool, list[tuple[int, PlannedStatement]]]] = [(True, [])]
    for n, st in enumerate(statements, 1):
        if st.no_transaction:
            units.append((False, [(n, st)]))
            units.append((True, []))
            continue
        units[-1][1].append((n, st))
        if st.commit_after:
            units.append((True, []))
    return [u for u in units if u[1]]


def _apply(backend: RunnerBackend, result: PushResult) -> None:
    from ..dialects import ServerError

    total = len(result.statements)
    kept = 0  # statements committed so far
    for transactional, unit in _units(result.statements):
        number = unit[0][0]
        st = unit[0][1]
        try:
            if transactional:
                backend.begin()
            for n, statement in unit:
                number, st = n, statement  # the failing one, for the message
                backend.execute(st.sql)
                result.executed += 1
            if transactional:
                backend.commit()
                result.transactions += 1
            kept += len(unit)
        except ServerError as e:
            backend.rollback()
            result.executed = kept
            result.error = f"push failed at statement {number} of {total}: {e}"
            details = e.report(st.sql)
            details.append("its transaction was rolled back: nothing changed" if not kept else
                           f"its transaction was rolled back; the {kept} statement(s) committed before it (up to a "
                           "commit boundary) stay applied. Fix the cause and push again.")
            exc = StatementFailed(result.error, "\n".join(details))
            exc.result = result
            raise exc from None


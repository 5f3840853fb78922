"""`generate --online`: the planned statements rewritten so that changes to tables that already hold data
never block writers for longer than a short lock, and split into parts that each commit on their own.

On a table the migration does not create:
- indexes are built and dropped CONCURRENTLY, each statement on its own, outside any transaction;
- foreign keys and checks are added NOT VALID, then VALIDATE CONSTRAINT runs in a later transaction
  (it takes a SHARE UPDATE EXCLUSIVE lock, which lets writes through);
- SET NOT NULL goes through a temporary `CHECK (col IS NOT NULL) NOT VALID`, validated, after which
  SET NOT NULL skips its scan (PostgreSQL 12+) and the check is dropped;
- unique constraints and primary keys get their index from CREATE UNIQUE INDEX CONCURRENTLY, then
  ADD CONSTRAINT … USING INDEX.
Every transactional part starts with `SET LOCAL lock_timeout`: a DDL statement queued behind a long
transaction would otherwise block every query queued behind it. LOCAL, so the setting ends with the part:
the CONCURRENTLY statements keep the session's (usually no) lock_timeout — they wait for older transactions
while holding a lock writers do not conflict with, and a timeout there would throw a finished build away.

The parts keep the plain plan's order (so every dependency the plain plan respects still holds); the second
halves (VALIDATE, SET NOT NULL, ADD CONSTRAINT … USING INDEX) run at the end, each in its own transaction.
One part: an ordinary transactional file. Several: a `-- mizzle:no-transaction` file with one chunk per part
(a chunk of several statements runs in one transaction with its progress row, so a resumed run restarts at a
part boundary, and re-applies the part's lock_timeout because the SET is inside the part).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ...migrations.folder import NO_TRANSACTION
from ...planning.plan import PlannedStatement
from ...schema import changes as ch
from ...schema.naming import truncate_identifier
from .ddl import create_index, deferrable_sql, ident, qname, qtable
from .idempotent import _ID, _QN, IDEMPOTENT, _constraint_exists, _guarded, dropped_tables, rewrite
from .types import quote_literal

ONLINE = "mizzle:online"
DEFAULT_LOCK_TIMEOUT = "5s"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h)?\s*$")


def lock_timeout_value(value: str | int | float) -> str:
    """A lock_timeout setting as PostgreSQL reads it ('5s', '500ms', '1min'); a bare number is seconds."""
    m = _DURATION.match(str(value))
    if m is None:
        raise ValueError(f"{value!r} is not a duration (examples: 5s, 500ms, 1min)")
    number, unit = m.group(1), m.group(2) or "s"
    if float(number) <= 0:
        raise ValueError(f"{value!r}: the lock timeout must be > 0 (0 would mean no timeout at all)")
    return f"{number}{unit}"


@dataclass
class _Rewrite:
    now: list[str] = field(default_factory=list)  # in the current transactional part
    outside: list[str] = field(default_factory=list)  # each alone, outside any transaction, after `now`
    later: list[list[str]] = field(default_factory=list)  # transactional parts at the end of the file


@dataclass
class _Part:
    statements: list[str]
    outside: bool = False


def make_online(statements: list[PlannedStatement], lock_timeout: str = DEFAULT_LOCK_TIMEOUT,
                idempotent: bool = False) -> tuple[list[PlannedStatement], list[str]]:
    """The online statements and the file header (directives) for `plan()`'s output. `idempotent`: every
    statement in its re-runnable form as well (`generate --online --idempotent`)."""
    created = {s.change.table.key for s in statements if isinstance(s.change, ch.CreateTable)}
    dropped = dropped_tables(statements)
    parts: list[_Part] = []
    current: list[str] = []
    later: list[list[str]] = []

    def close() -> None:
        nonlocal current
        if current:
            parts.append(_Part(current))
        current = []

    for s in statements:
        if s.no_transaction:  # already CONCURRENTLY (an index declared postgresql_concurrently=True)
            close()
            parts.append(_Part([rewrite(s, dropped) if idempotent else s.sql], outside=True))
            continue
        r = _rewrite(s, created, idempotent, dropped)
        current.extend(r.now)
        if r.outside:
            close()
            parts.extend(_Part([sql], outside=True) for sql in r.outside)
        later.extend(r.later)
        if s.commit_after:
            close()
    close()
    parts.extend(_Part(p) for p in later)
    setting = f"SET LOCAL lock_timeout = {quote_literal(lock_timeout)}"
    marks = [f"-- {ONLINE}"] + ([f"-- {IDEMPOTENT}"] if idempotent else [])
    if len(parts) == 1 and not parts[0].outside:
        out = [PlannedStatement(setting)] + [PlannedStatement(sql) for sql in parts[0].statements]
        return out, marks
    out = []
    for p in parts:
        if p.outside:
            out.append(PlannedStatement(p.statements[0], no_transaction=True))
        else:
            out.append(PlannedStatement(";\n".join([setting] + [sql.rstrip().rstrip(";") for sql in p.statements])))
    return out, [f"-- {NO_TRANSACTION}", *marks]


def _rewrite(s: PlannedStatement, created: set[tuple[str, str]], idem: bool,
             dropped: frozenset[tuple[str, str]] = frozenset()) -> _Rewrite:
    r = _online(s, created)
    if not idem:
        return r
    if r.now == [s.sql] and not r.outside and not r.later:
        return _Rewrite(now=[rewrite(s, dropped)])  # not an online rewrite: --idempotent's own form
    table: tuple[str, str] = s.change.table
    return _Rewrite(now=[_rerunnable(table, sql) for sql in r.now], outside=[_rerunnable(table, sql) for sql in r.outside],
                    later=[[_rerunnable(table, sql) for sql in part] for part in r.later])


_ADD_CONSTRAINT = re.compile(r"^ALTER TABLE " + _QN + r" ADD CONSTRAINT (" + _ID + ") ")
_DROP_CONSTRAINT = re.compile(r"^(ALTER TABLE " + _QN + r" DROP CONSTRAINT )")


def _rerunnable(table: tuple[str, str], sql: str) -> str:
    """The online statements' re-runnable forms: CONCURRENTLY builds IF NOT EXISTS (the runner drops an INVALID
    leftover first), constraint additions guarded by a pg_catalog check, the temporary check's drop IF EXISTS.
    VALIDATE CONSTRAINT and SET NOT NULL run again as they are."""
    if sql.startswith(("CREATE INDEX CONCURRENTLY ", "CREATE UNIQUE INDEX CONCURRENTLY ")):
        return sql.replace(" CONCURRENTLY ", " CONCURRENTLY IF NOT EXISTS ", 1)
    m = _ADD_CONSTRAINT.match(sql)
    if m:
        return _guarded(f"NOT {_constraint_exists(table, m.group(1)[1:-1].replace(chr(34) * 2, chr(34)))}", sql)
    return _DROP_CONSTRAINT.sub(r"\1IF EXISTS ", sql)


def _online(s: PlannedStatement, created: set[tuple[str, str]]) -> _Rewrite:
    c = s.change
    table = getattr(c, "table", None)
    if not isinstance(table, tuple) or table in created:
        return _Rewrite(now=[s.sql])
    at = f"ALTER TABLE {qtable(table)}"
    if isinstance(c, ch.CreateIndex):
        return _Rewrite(outside=[create_index(table, c.index, concurrently=True)])
    if isinstance(c, ch.DropIndex):
        # IF EXISTS: a run killed after the drop finished but before its progress row re-runs it
        return _Rewrite(outside=[f"DROP INDEX CONCURRENTLY IF EXISTS {qname(table[0], c.index.name)}"])
    if isinstance(c, (ch.AddForeignKey, ch.AddCheck)) and not (c.fk if isinstance(c, ch.AddForeignKey) else c.check).not_valid:
        name = c.fk.name if isinstance(c, ch.AddForeignKey) else c.check.name
        return _Rewrite(now=[f"{s.sql} NOT VALID"], later=[[f"{at} VALIDATE CONSTRAINT {ident(name)}"]])
    if isinstance(c, ch.AddUnique):
        u = c.unique
        nnd = " NULLS NOT DISTINCT" if u.nulls_not_distinct else ""
        return _Rewrite(outside=[_unique_index(table, u.name, u.columns, nnd)],
                        later=[[f"{at} ADD CONSTRAINT {ident(u.name)} UNIQUE USING INDEX {ident(u.name)}"
                                f"{deferrable_sql(u.deferrable)}"]])
    if isinstance(c, ch.SetPrimaryKey) and c.new is not None and s.sql.startswith(f"{at} ADD "):
        name = c.new.name or truncate_identifier(f"{table[1]}_pkey")
        return _Rewrite(outside=[_unique_index(table, name, c.new.columns)],
                        later=[[f"{at} ADD CONSTRAINT {ident(name)} PRIMARY KEY USING INDEX {ident(name)}"
                                f"{deferrable_sql(c.new.deferrable)}"]])
    if isinstance(c, ch.AlterColumn) and s.sql == f"{at} ALTER COLUMN {ident(c.new.name)} SET NOT NULL":
        col = ident(c.new.name)
        check = ident(not_null_check_name(table[1], c.new.name))
        return _Rewrite(now=[f"{at} ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID"],
                        later=[[f"{at} VALIDATE CONSTRAINT {check}"],
                               [s.sql, f"{at} DROP CONSTRAINT {check}"]])
    return _Rewrite(now=[s.sql])


def _unique_index(table: tuple[str, str], name: str, columns: tuple[str, ...], suffix: str = "") -> str:
    cols = ", ".join(ident(c) for c in columns)
    return f"CREATE UNIQUE INDEX CONCURRENTLY {ident(name)} ON {qtable(table)} USING btree ({cols}){suffix}"


def not_null_check_name(table: str, column: str) -> str:
    """The temporary check behind an online SET NOT NULL. Not `<table>_<col>_not_null`: PostgreSQL 18 gives
    that name to the NOT NULL constraint itself."""
    name = f"{table}_{column}_mizzle_nn"
    if len(name.encode("utf-8")) <= 63:
        return name
    # truncated, two long column names could end alike: keep them apart with a hash of the full name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{table}_{column}".encode()[:50].decode("utf-8", errors="ignore") + f"_nn_{digest}"

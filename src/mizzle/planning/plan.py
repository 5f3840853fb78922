"""plan(changes, dialect) → ordered statements with transaction boundaries, and their SQL file text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..migrations.folder import BREAKPOINT, COMMIT, NO_TRANSACTION

if TYPE_CHECKING:
    from ..schema.model import Schema


@dataclass(frozen=True)
class PlannedStatement:
    sql: str
    change: Any = None
    commit_after: bool = False  # a `-- mizzle:commit` boundary follows
    no_transaction: bool = False  # cannot run inside a transaction (CREATE INDEX CONCURRENTLY, …)


def lock_parts(statements: list[PlannedStatement]) -> int:
    """How many `-- mizzle:commit` boundaries the dialect put in for its lock table's sake (not those after an
    enum's new values, which the statements after them need committed)."""
    from ..schema import changes as ch

    return sum(1 for s in statements[:-1] if s.commit_after and not isinstance(s.change, ch.AddEnumValue))


def lock_parts_warning(boundaries: int) -> list[str]:
    """The warning for a migration committed in parts for the server's lock table (dialects/postgres/ddl.py,
    `lock_boundaries`), none for none."""
    if not boundaries:
        return []
    return [f"the migration commits in {boundaries + 1} parts (`-- {COMMIT}` lines): the relations it makes hold "
            "more locks than one transaction may on a default server (max_locks_per_transaction × max_connections); "
            "a failure leaves the parts before it applied, and `mizzle migrate` run again resumes after them "
            "(drizzle-orm's migrator runs the file in one transaction)"]


def plan(changes: list[Any], dialect: str) -> list[PlannedStatement]:
    from .. import dialects

    return dialects.get(dialect).render(changes)


def plan_online(statements: list[PlannedStatement], dialect: str, lock_timeout: str, idempotent: bool = False,
                schema: Schema | None = None) -> tuple[list[PlannedStatement], list[str]]:
    """`generate --online`: the statements rewritten so writers are never blocked for long, and the file's
    header. SQLite has no concurrent DDL to choose (a migration holds the whole database's write lock):
    the statements are returned unchanged."""
    from .. import dialects

    return dialects.get(dialect).plan_online(statements, lock_timeout, idempotent, schema)


def render_file(statements: list[PlannedStatement], header: list[str] | None = None) -> str:
    """The migration file: statements separated by drizzle's breakpoint, directives as comments."""
    lines = list(header or [])
    if any(s.no_transaction for s in statements) and f"-- {NO_TRANSACTION}" not in lines:
        lines.insert(0, f"-- {NO_TRANSACTION}")
    out = [line + "\n" for line in lines]  # one join at the end: `str +=` copied the growing text (1,000 tables)
    for i, s in enumerate(statements):
        out.append(s.sql.rstrip().rstrip(";") + ";")
        if i + 1 < len(statements):
            out.append(BREAKPOINT + "\n")
            if s.commit_after:
                out.append(f"-- {COMMIT}\n")
        else:
            out.append("\n")
    return "".join(out)

"""MZ3xx: how a file meets transactions and locks — an enum value used before the transaction that added it
commits, statements PostgreSQL refuses inside a transaction, online migrations with no lock_timeout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from pglast import ast
from pglast.enums import AlterTableType

from ..migrations.folder import COMMIT, NO_TRANSACTION, is_transaction_boundary, is_transaction_start
from .registry import ERROR, WARNING, Hit, file_check, rule
from .source import FileUnit, SqlStatement

ENUM_VALUE_USED = rule("MZ301", ERROR, "enum value added and used in the same transaction",
                       f"PostgreSQL refuses it (\"unsafe use of new value\"): put a `-- {COMMIT}` line between "
                       "the ALTER TYPE … ADD VALUE and its first use")
NOT_IN_TRANSACTION = rule("MZ302", ERROR, "statement that cannot run inside a transaction, in a transactional file",
                          f"put `-- {NO_TRANSACTION}` on the file's first line (each statement then commits on "
                          "its own, so keep them safe to retry)")
EXPLICIT_COMMIT = rule("MZ304", WARNING, "transaction control (COMMIT, BEGIN, END) inside a migration file",
                       f"a COMMIT (END) ends drizzle-orm's transaction there and mizzle reads it as a commit boundary; "
                       f"a BEGIN does nothing in either while the file's transaction is open (after a COMMIT it opens the "
                       f"next); where a boundary is meant, "
                       f"say so with a `-- {COMMIT}` line, which both tools read the same way and `mizzle lint` checks")
ONE_TRANSACTION_ELSEWHERE = rule(
    "MZ305", WARNING, "statement that cannot run inside a transaction, after an ADD VALUE in drizzle-kit's SQL",
    "mizzle commits after the ALTER TYPE … ADD VALUE and runs it on its own, but drizzle-orm's migrator runs the "
    "file in one transaction and fails on it: move it to a migration of its own, or apply this folder with mizzle only")
NO_LOCK_TIMEOUT = rule("MZ303", WARNING, "online migration without lock_timeout",
                       "a statement queued behind a lock blocks every query behind it: start the file with "
                       "`SET lock_timeout = '5s';` and rerun on timeout")


def non_transactional(node: Any) -> str | None:
    """What in `node` PostgreSQL refuses inside a transaction block, or None."""
    if isinstance(node, ast.IndexStmt) and node.concurrent:
        return "CREATE INDEX CONCURRENTLY"
    if isinstance(node, ast.DropStmt) and node.concurrent:
        return "DROP INDEX CONCURRENTLY"
    if isinstance(node, ast.ReindexStmt) and any(
            isinstance(p, ast.DefElem) and p.defname == "concurrently" for p in node.params or ()):
        return "REINDEX CONCURRENTLY"
    if isinstance(node, ast.VacuumStmt) and node.is_vacuumcmd:
        return "VACUUM"
    if isinstance(node, ast.AlterSystemStmt):
        return "ALTER SYSTEM"
    if isinstance(node, ast.CreatedbStmt):
        return "CREATE DATABASE"
    if isinstance(node, ast.DropdbStmt):
        return "DROP DATABASE"
    if isinstance(node, ast.CreateTableSpaceStmt):
        return "CREATE TABLESPACE"
    if isinstance(node, ast.DropTableSpaceStmt):
        return "DROP TABLESPACE"
    if isinstance(node, ast.AlterTableStmt):
        for cmd in node.cmds or ():
            if cmd.subtype == AlterTableType.AT_DetachPartition and isinstance(cmd.def_, ast.PartitionCmd) \
                    and cmd.def_.concurrent:
                return "DETACH PARTITION CONCURRENTLY"
    if isinstance(node, ast.ClusterStmt) and node.relation is None:
        return "CLUSTER (all tables)"
    return None


def _strings(node: Any) -> set[str]:
    from pglast.visitors import Visitor

    out: set[str] = set()

    class Find(Visitor):  # type: ignore[misc]
        def visit_A_Const(self, ancestors: Any, n: Any) -> None:
            if isinstance(n.val, ast.String):
                out.add(cast(str, n.val.sval))

    Find()(node)
    return out


@file_check
def enum_values(unit: FileUnit) -> Iterator[Hit]:
    if unit.no_transaction:
        return  # every statement commits on its own
    pending: dict[str, str] = {}  # value → the enum it was added to
    for st in unit.statements:
        if st.commit_before:
            pending.clear()
        if st.node is None:
            continue
        if isinstance(st.node, ast.AlterEnumStmt) and st.node.newVal is not None and not st.node.oldVal:
            pending[st.node.newVal] = ".".join(n.sval for n in cast("tuple[Any, ...]", st.node.typeName))
            continue
        if not pending:  # nothing to look for: spare the walk over the statement's tree
            continue
        for value in sorted(_strings(st.node) & set(pending)):
            yield Hit(ENUM_VALUE_USED, f"value {value!r} added to enum {pending[value]} is used before a commit", st)


@file_check
def transaction_control(unit: FileUnit) -> Iterator[Hit]:
    if unit.no_transaction or _wrapped_whole(unit):
        return
    # the statements since the file's last COMMIT not followed by a BEGIN (None: no such COMMIT), and of them those
    # PostgreSQL refuses inside a transaction, by what they are (both tools run those on their own)
    since_commit: int | None = None
    outside: list[str] = []
    for st in unit.statements:
        if is_transaction_boundary(st.node):
            yield Hit(EXPLICIT_COMMIT, f"`{st.sql.rstrip(';')}` in the file: the statements after it run in a new "
                                       "transaction", st)
            since_commit, outside = 0, []
        elif is_transaction_start(st.node):
            yield Hit(EXPLICIT_COMMIT, _begin_message(st.sql.rstrip(";"), since_commit, outside), st)
            since_commit, outside = None, []
        elif since_commit is not None and st.node is not None:
            what = non_transactional(st.node)
            if what:
                outside.append(what)
            else:
                since_commit += 1


def _wrapped_whole(unit: FileUnit) -> bool:
    """A Prisma folder's file between one BEGIN, its first statement, and one COMMIT, its last (Prisma's SQL for an
    enum losing a value): sent whole, it is one transaction under Prisma and under mizzle, which runs it in a
    transaction of its own and leaves the BEGIN out."""
    nodes = [st.node for st in unit.statements]
    if not unit.sent_whole or len(nodes) < 2 or not is_transaction_start(nodes[0]) \
            or not is_transaction_boundary(nodes[-1]):
        return False
    return not any(is_transaction_start(n) or is_transaction_boundary(n) for n in nodes[1:-1])


def _begin_message(sql: str, since_commit: int | None, outside: list[str]) -> str:
    """What a BEGIN does where it stands: a no-op in the transaction the file runs in; after a COMMIT (which ended
    that transaction under drizzle-orm), the start of the next one (latitude-llm's `COMMIT; BEGIN; …; COMMIT;
    CREATE INDEX CONCURRENTLY …`). `since_commit`: the statements between that COMMIT and it, but for `outside`
    (what PostgreSQL refuses inside a transaction: mizzle runs each on its own after a boundary, as drizzle-orm does
    after a COMMIT)."""
    if since_commit is None:
        return (f"`{sql}` in the file: the file already runs in a transaction, so it does nothing (PostgreSQL warns; "
                "mizzle leaves it out): a failure after it rolls back the statements before it too")
    head = (f"`{sql}` in the file: after the COMMIT above, it opens the transaction the statements after it run in "
            "under drizzle-orm, up to the next COMMIT (mizzle leaves it out and runs them in one transaction from "
            "that COMMIT on)")
    if since_commit:
        head += (f"; the {since_commit} statement(s) between that COMMIT and it run outside a transaction under "
                 "drizzle-orm, each committed on its own, where mizzle commits them with those after the BEGIN")
    if outside:
        head += (f"; the {len(outside)} statement(s) between that COMMIT and it that PostgreSQL refuses inside a "
                 f"transaction ({', '.join(dict.fromkeys(outside))}) run on their own, outside a transaction, in both")
    return head


@file_check
def transaction_refusals(unit: FileUnit) -> Iterator[Hit]:
    if unit.no_transaction or (unit.sent_whole and len(unit.statements) == 1):
        return  # a Prisma file of one statement is sent alone, in no transaction block (typebot.io's index files)
    past_boundary = past_commit = False  # past_commit: the file's own COMMIT, which drizzle-orm reads too
    previous: Any = None
    for st in unit.statements:
        past_commit = past_commit or (st.commit_before and is_transaction_boundary(previous))
        previous = st.node if st.node is not None else previous
        past_boundary = past_boundary or st.commit_before
        what = non_transactional(st.node) if st.node is not None else None
        if what and past_boundary and not past_commit and not unit.directives:
            # the boundary after an ADD VALUE, which only mizzle makes (midday's 0016: five CREATE INDEX
            # CONCURRENTLY after ADD VALUEs)
            yield Hit(ONE_TRANSACTION_ELSEWHERE, f"{what} after an ALTER TYPE … ADD VALUE", st)
        if past_boundary:
            continue  # after a commit boundary the runner runs it on its own, outside a transaction (so does
            # drizzle-orm after a file's COMMIT), however many statements later
        if what:
            yield Hit(NOT_IN_TRANSACTION, f"{what} cannot run inside the transaction this file runs in", st)


def _sets_lock_timeout(node: Any) -> bool:
    if isinstance(node, ast.VariableSetStmt):
        return (node.name or "").lower() == "lock_timeout"
    if isinstance(node, ast.SelectStmt):
        return "lock_timeout" in _strings(node)  # SELECT set_config('lock_timeout', …)
    return False


def _queues_for_a_lock(node: Any) -> bool:
    """A statement whose lock request, while it waits, holds up the writers queued behind it: anything but the
    CONCURRENTLY forms (their SHARE UPDATE EXCLUSIVE lock does not conflict with writes), settings and queries."""
    if (non_transactional(node) or "").endswith("CONCURRENTLY"):
        return False
    return not isinstance(node, (ast.VariableSetStmt, ast.VariableShowStmt, ast.SelectStmt, ast.TransactionStmt))


@file_check
def lock_timeout(unit: FileUnit) -> Iterator[Hit]:
    parsed = [st for st in unit.statements if st.node is not None]
    concurrent: SqlStatement | None = next(
        (st for st in parsed if (non_transactional(st.node) or "").endswith("CONCURRENTLY")), None)
    online = unit.has("online")
    if not (online or concurrent) or any(_sets_lock_timeout(st.node) for st in parsed) or not parsed:
        return
    # a file of CONCURRENTLY statements alone needs none (and a timeout there would throw a finished build away)
    blocking = next((st for st in parsed if _queues_for_a_lock(st.node)), None)
    if blocking is None:
        return
    why = "marked `-- mizzle:online`" if online else "uses CONCURRENTLY"
    yield Hit(NO_LOCK_TIMEOUT, f"the file {why} but never sets lock_timeout", blocking)

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

A partitioned table refuses CONCURRENTLY (and NOT VALID foreign keys, and USING INDEX): an index is created ON
ONLY the partitioned table (instant, invalid), each partition's index CONCURRENTLY (a sub-partitioned partition's
ON ONLY in turn), the partitions' indexes are attached (the partitioned one becomes valid once all are), and a last
part checks that it is valid, naming any partition the schema code does not know that has no index attached. Its
index is dropped without CONCURRENTLY; its foreign keys, unique constraints and primary key are added as the
plain plan adds them (under the lock: PostgreSQL 15 has no online form for them on a partitioned table).
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
from dataclasses import dataclass, field, replace

from ...migrations.folder import NO_TRANSACTION
from ...planning.plan import PlannedStatement
from ...schema import changes as ch
from ...schema.changes import TableKey
from ...schema.lineage import index_column_names
from ...schema.model import Index, PrimaryKey, Schema, Table
from ...schema.naming import choose_name, column_addition, implicit_pkey_name
from .ddl import create_index, deferrable_sql, ident, qname, qtable
from .idempotent import (
    IDEMPOTENT,
    IDENT,
    QUALIFIED_NAME,
    constraint_exists,
    dropped_tables,
    guarded,
    new_primary_keys,
    rewrite,
)
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


@dataclass
class Partitions:
    """The new schema's partition trees, for what a partitioned table refuses online: its partitioned tables,
    the partitions of each, and the relation names taken in each schema (a partition's index is named as
    PostgreSQL would name it, `<partition>_<columns>_idx`)."""

    partitioned: set[TableKey] = field(default_factory=set)
    children: dict[TableKey, list[TableKey]] = field(default_factory=dict)
    taken: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, schema: Schema | None, creating: frozenset[tuple[TableKey, str]] = frozenset()) -> Partitions:
        """`creating`: the (table, name) of the indexes and keys this plan creates; every other index and key of a
        partitioned table has a copy on each of its partitions, whose name (PostgreSQL's) is taken too."""
        out = cls()
        for t in schema.tables if schema is not None else ():
            names = out.taken.setdefault(t.schema, set())
            names.update((t.name, *(i.name for i in t.indexes), *(u.name for u in t.uniques),
                          *(x.name for x in t.excludes)))
            if t.primary_key is not None:
                names.add(t.primary_key.name or implicit_pkey_name(t.name))
            if t.partition_by:
                out.partitioned.add(t.key)
            if t.partition_of is not None:
                out.children.setdefault(t.partition_of, []).append(t.key)
        for s in schema.sequences if schema is not None else ():
            out.taken.setdefault(s.schema, set()).add(s.name)
        for t in schema.tables if schema is not None else ():
            if t.key in out.partitioned:
                out._take_copies(t, creating)
        return out

    def _take_copies(self, t: Table, creating: frozenset[tuple[TableKey, str]]) -> None:
        """The names PostgreSQL gave the copies of `t`'s existing keys and indexes on its partitions, all the way
        down (ChooseRelationName: `<partition>_pkey`, `<partition>_<columns>_key`, `<partition>_<columns>_idx`)."""
        pk = t.primary_key
        copies: list[tuple[str, tuple[str, ...]]] = []
        if pk is not None and (t.key, pk.name or implicit_pkey_name(t.name)) not in creating:
            copies.append(("pkey", ()))
        copies += [("key", u.columns) for u in t.uniques if (t.key, u.name) not in creating]
        copies += [("idx", index_column_names(i)) for i in t.indexes if (t.key, i.name) not in creating]
        stack = list(self.children.get(t.key, ()))
        while stack:
            child = stack.pop(0)
            for label, columns in copies:
                choose_name(child[1], column_addition(columns) if columns else None, label,
                            self.taken.setdefault(child[0], set()))
            stack.extend(self.children.get(child, ()))


def make_online(statements: list[PlannedStatement], lock_timeout: str = DEFAULT_LOCK_TIMEOUT,
                idempotent: bool = False, schema: Schema | None = None) -> tuple[list[PlannedStatement], list[str]]:
    """The online statements and the file header (directives) for `plan()`'s output. `idempotent`: every
    statement in its re-runnable form as well (`generate --online --idempotent`). `schema`: the new schema (its
    partitioned tables and their partitions)."""
    created = {s.change.table.key for s in statements if isinstance(s.change, ch.CreateTable)}
    parts_of = Partitions.of(schema, frozenset(_created_keys(statements)))
    dropped = dropped_tables(statements)
    new_keys = new_primary_keys(statements)
    parts: list[_Part] = []
    current: list[str] = []
    later: list[list[str]] = []

    def close() -> None:
        nonlocal current
        if current:
            parts.append(_Part(current))
        current = []

    for s in statements:
        # already CONCURRENTLY (an index declared postgresql_concurrently=True), not on a partitioned table
        if s.no_transaction and getattr(s.change, "table", None) not in parts_of.partitioned:
            close()
            parts.append(_Part([rewrite(s, dropped, new_keys) if idempotent else s.sql], outside=True))
            continue
        r = _rewrite(s, created, idempotent, dropped, parts_of, new_keys)
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


def _created_keys(statements: list[PlannedStatement]) -> list[tuple[TableKey, str]]:
    """The (table, name) of the indexes, unique constraints and primary keys the statements create."""
    out: list[tuple[TableKey, str]] = []
    for s in statements:
        c = s.change
        if isinstance(c, ch.CreateIndex):
            out.append((c.table, c.index.name))
        elif isinstance(c, ch.AddUnique):
            out.append((c.table, c.unique.name))
        elif isinstance(c, ch.SetPrimaryKey) and c.new is not None:
            out.append((c.table, c.new.name or implicit_pkey_name(c.table[1])))
    return out


def _rewrite(s: PlannedStatement, created: set[tuple[str, str]], idem: bool,
             dropped: frozenset[tuple[str, str]] = frozenset(), parts: Partitions | None = None,
             new_keys: dict[TableKey, PrimaryKey] | None = None) -> _Rewrite:
    table: tuple[str, str] = getattr(s.change, "table", None)  # type: ignore[assignment]
    if parts is not None and table in parts.partitioned and table not in created:
        r = _on_partitioned(s, parts, created)
    else:
        r = _online(s, created)
    if not idem:
        return r
    if r.now == [s.sql] and not r.outside and not r.later:
        return _Rewrite(now=[rewrite(s, dropped, new_keys)])  # not an online rewrite: --idempotent's own form
    return _Rewrite(now=[_rerunnable(table, sql) for sql in r.now], outside=[_rerunnable(table, sql) for sql in r.outside],
                    later=[[_rerunnable(table, sql) for sql in part] for part in r.later])


_ADD_CONSTRAINT = re.compile(r"^ALTER TABLE " + QUALIFIED_NAME + r" ADD CONSTRAINT (" + IDENT + ") ")
_DROP_CONSTRAINT = re.compile(r"^(ALTER TABLE " + QUALIFIED_NAME + r" DROP CONSTRAINT )")


def _rerunnable(table: tuple[str, str], sql: str) -> str:
    """The online statements' re-runnable forms: CONCURRENTLY builds IF NOT EXISTS (the runner drops an INVALID
    leftover first), constraint additions guarded by a pg_catalog check, the temporary check's drop IF EXISTS.
    VALIDATE CONSTRAINT and SET NOT NULL run again as they are."""
    if sql.startswith(("CREATE INDEX CONCURRENTLY ", "CREATE UNIQUE INDEX CONCURRENTLY ")):
        return sql.replace(" CONCURRENTLY ", " CONCURRENTLY IF NOT EXISTS ", 1)
    if sql.startswith(("CREATE INDEX ", "CREATE UNIQUE INDEX ")):  # ON ONLY a partitioned table
        return sql.replace(" INDEX ", " INDEX IF NOT EXISTS ", 1)
    m = _ADD_CONSTRAINT.match(sql)
    if m:
        return guarded(f"NOT {constraint_exists(table, m.group(1)[1:-1].replace(chr(34) * 2, chr(34)))}", sql)
    return _DROP_CONSTRAINT.sub(r"\1IF EXISTS ", sql)


def _online(s: PlannedStatement, created: set[tuple[str, str]]) -> _Rewrite:
    c = s.change
    table = getattr(c, "table", None)
    if not isinstance(table, tuple) or table in created:
        return _Rewrite(now=[s.sql])
    at = f"ALTER TABLE {qtable(table)}"
    if isinstance(c, ch.CreateIndex):
        return _Rewrite(outside=[create_index(table, c.index, concurrently=True)])
    if isinstance(c, ch.DropIndex) and not s.sql.startswith("DO "):  # DO: to_server_name's rename, kept as it is
        # IF EXISTS: a run killed after the drop finished but before its progress row re-runs it
        return _Rewrite(outside=[f"DROP INDEX CONCURRENTLY IF EXISTS {qname(table[0], c.index.real_name)}"])
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
        name = c.new.name or implicit_pkey_name(table[1])
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


def _on_partitioned(s: PlannedStatement, parts: Partitions, created: set[tuple[str, str]]) -> _Rewrite:
    """A change to an existing partitioned table: an index built partition by partition (`_partitioned_index`),
    dropped without CONCURRENTLY; a foreign key, unique constraint or primary key as the plain plan has it; checks
    and SET NOT NULL as on any table (see the module's docstring)."""
    c = s.change
    if isinstance(c, ch.CreateIndex):
        return _partitioned_index(c.table, c.index, parts)
    if isinstance(c, ch.DropIndex) and not s.sql.startswith("DO "):
        return _Rewrite(now=[f"DROP INDEX IF EXISTS {qname(c.table[0], c.index.real_name)}"])
    if isinstance(c, (ch.AddForeignKey, ch.AddUnique, ch.SetPrimaryKey)):
        return _Rewrite(now=[s.sql])
    return _online(s, created)


def _partitioned_index(table: TableKey, index: Index, parts: Partitions) -> _Rewrite:
    """CREATE INDEX … ON ONLY the partitioned table (and on each sub-partitioned partition); each partition's index
    CONCURRENTLY, outside any transaction; then ATTACH PARTITION of each, leaves first; then the validity check."""
    now = [_on_only(table, index)]
    outside: list[str] = []
    attach: list[str] = []
    names = index_column_names(index)

    def walk(parent: TableKey, parent_index: str) -> None:
        for child in parts.children.get(parent, ()):
            child_index = replace(index, name=choose_name(child[1], column_addition(names), "idx",
                                                          parts.taken.setdefault(child[0], set())))
            if child in parts.partitioned:
                now.append(_on_only(child, child_index))
                walk(child, child_index.name)
            else:
                outside.append(create_index(child, child_index, concurrently=True))
            attach.append(f"ALTER INDEX {qname(parent[0], parent_index)} ATTACH PARTITION "
                          f"{qname(child[0], child_index.name)}")

    walk(table, index.name)
    return _Rewrite(now=now, outside=outside, later=[*([attach] if attach else []), [_valid_check(table, index)]])


def _on_only(table: TableKey, index: Index) -> str:
    sql = create_index(table, index, concurrently=False)
    return sql.replace(f" ON {qtable(table)} ", f" ON ONLY {qtable(table)} ", 1)


def _valid_check(table: TableKey, index: Index) -> str:
    """A DO block that fails, naming them, when partitions have no index attached to the partitioned one (they
    were made outside the schema code), so the migration does not end with an invalid index."""
    t, ix = quote_literal(qtable(table)), quote_literal(qname(table[0], index.name))
    return (f"DO $mizzle$ DECLARE missing text; BEGIN\n"
            f"IF NOT (SELECT indisvalid FROM pg_index WHERE indexrelid = {ix}::regclass) THEN\n"
            f"SELECT string_agg(i.inhrelid::regclass::text, ', ') INTO missing FROM pg_inherits i\n"
            f"WHERE i.inhparent = {t}::regclass AND NOT EXISTS (SELECT 1 FROM pg_inherits x JOIN pg_index xi ON "
            f"xi.indexrelid = x.inhrelid WHERE x.inhparent = {ix}::regclass AND xi.indrelid = i.inhrelid);\n"
            f"RAISE EXCEPTION 'index % is not valid: partition(s) % have no index attached to it (partitions the "
            f"schema code does not declare); create one on each (CREATE INDEX CONCURRENTLY), ALTER INDEX % ATTACH "
            f"PARTITION it, and run migrate again', {ix}, coalesce(missing, '?'), {ix};\n"
            f"END IF; END $mizzle$")


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

"""Table lineage: declarative partitioning (a partitioned table's key, each partition's parent and bound) and
inheritance (the tables a table inherits from). Its changes — attach and detach a partition, inherit and stop
inheriting — and the diff step that finds them, called from diff() in two lines:

- `expand_lineage(old, new)` first: a table that becomes or stops being a partition or an inheriting table keeps
  its columns (ATTACH, DETACH, INHERIT, NO INHERIT move no data), so for the column comparison both of its
  versions list the columns it has, its parents' included;
- `lineage_changes(old, new)` then: (detaches and NO INHERITs, which run early; attaches and INHERITs, late).

A partition key cannot be changed in place: that is refused with a one-line error naming the table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..errors import UsageError
from .changes import Change, TableKey
from .model import DEFAULT_SCHEMA, Column, Schema, Table
from .naming import truncate_identifier

if TYPE_CHECKING:
    from .diff import DiffState

_SERIAL_BASE = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}


def _q(key: TableKey) -> str:
    return key[1] if key[0] == "public" else f"{key[0]}.{key[1]}"


@dataclass(frozen=True)
class AttachPartition(Change):
    table: TableKey
    parent: TableKey
    bound: str

    def inverse(self) -> Change:
        return DetachPartition(self.table, self.parent, self.bound)

    def describe(self) -> str:
        return f"~ table {_q(self.table)}: attach as partition of {_q(self.parent)} {self.bound}"


@dataclass(frozen=True)
class DetachPartition(Change):
    table: TableKey
    parent: TableKey
    bound: str

    def inverse(self) -> Change:
        return AttachPartition(self.table, self.parent, self.bound)

    def describe(self) -> str:
        return f"~ table {_q(self.table)}: detach from partitioned table {_q(self.parent)}"


@dataclass(frozen=True)
class Inherit(Change):
    table: TableKey
    parent: TableKey

    def inverse(self) -> Change:
        return NoInherit(self.table, self.parent)

    def describe(self) -> str:
        return f"~ table {_q(self.table)}: inherit {_q(self.parent)}"


@dataclass(frozen=True)
class NoInherit(Change):
    table: TableKey
    parent: TableKey

    def inverse(self) -> Change:
        return Inherit(self.table, self.parent)

    def describe(self) -> str:
        return f"~ table {_q(self.table)}: no longer inherits {_q(self.parent)}"


def parents(t: Table) -> tuple[TableKey, ...]:
    """The tables `t` takes columns from: its partitioned table, or those it inherits from."""
    return (t.partition_of,) if t.partition_of is not None else t.inherits


def _lineage(t: Table) -> tuple[object, ...]:
    return (t.partition_of, t.partition_bound, t.inherits)


def all_columns(s: Schema, t: Table, seen: frozenset[TableKey] = frozenset()) -> tuple[Column, ...]:
    """The columns `t` has in the database: its parents' (first, in order) and its own."""
    out: dict[str, Column] = {}
    for key in parents(t):
        p = s.table(*key)
        if p is not None and key not in seen:
            for c in all_columns(s, p, seen | {t.key}):
                out.setdefault(c.name, _inherited(p, c))
    for c in t.columns:
        out[c.name] = c
    return tuple(out.values())


def _inherited(parent: Table, c: Column) -> Column:
    """A parent's column as the table that inherits it has it: a serial column is an integer defaulting to the
    parent's sequence (which the parent's column owns)."""
    if not c.is_serial:
        return c
    seq = truncate_identifier(f"{parent.name}_{c.name}_seq")
    seq = seq if parent.schema == DEFAULT_SCHEMA else f"{parent.schema}.{seq}"
    return replace(c, type=_SERIAL_BASE[c.type], default=f"nextval('{seq}'::regclass)", not_null=True)


def _joins_with_own_columns(old: Schema, new: Schema, prev: Table, t: Table) -> None:
    """An existing table that starts inheriting keeps the columns it must already have as its own (PostgreSQL
    marks them local): the schema code has to declare them on it."""
    for key in t.inherits:
        p = new.table(*key)
        if key in prev.inherits or p is None:
            continue
        missing = [c.name for c in all_columns(new, p) if t.column(c.name) is None]
        if missing:
            raise UsageError(
                f"table {t.qualified} starts inheriting {p.qualified}: declare its columns ({', '.join(missing)}) on "
                f"{t.name} too (an existing table must have them before INHERIT, and keeps them as its own)")


def expand_lineage(old: Schema, new: Schema) -> tuple[Schema, Schema]:
    """(old, new) with both versions of every table whose lineage changes listing all the columns it has."""
    changed = []
    for t in new.tables:
        prev = old.table(*t.key)
        if prev is None:
            continue
        if prev.partition_by != t.partition_by:
            raise UsageError(
                f"table {t.qualified}: its partition key changes ({prev.partition_by or 'not partitioned'} → "
                f"{t.partition_by or 'not partitioned'}), which PostgreSQL cannot alter: create a new table "
                "with the new key, copy the rows, and drop or rename the old one")
        if _lineage(prev) != _lineage(t):
            _joins_with_own_columns(old, new, prev, t)
            changed.append(t.key)
    if not changed:
        return old, new
    olds, news = {}, {}
    for k in changed:
        o, n = old.table(*k), new.table(*k)
        assert o is not None and n is not None
        olds[k] = _detached_keys(old, o, n).with_(columns=all_columns(old, o))
        news[k] = n.with_(columns=all_columns(new, n))
    return _with_tables(old, olds), _with_tables(new, news)


def _detached_keys(old: Schema, o: Table, n: Table) -> Table:
    """A partition that is detached keeps the copies of its partitioned table's primary key, unique constraints,
    indexes and foreign keys, under the names the server gave them: the old version is given those of the new
    one's that match its parent's, so they are not added again."""
    parent = old.table(*o.partition_of) if o.partition_of is not None and n.partition_of is None else None
    if parent is None:
        return o
    pk = n.primary_key if parent.primary_key and n.primary_key \
        and set(parent.primary_key.columns) == set(n.primary_key.columns) else o.primary_key
    same_index = {(i.columns, i.unique, i.method, i.where) for i in parent.indexes}
    same_unique = {u.columns for u in parent.uniques}
    same_fk = {(f.columns, f.ref_schema, f.ref_table, f.ref_columns) for f in parent.foreign_keys}
    return o.with_(
        primary_key=pk,
        indexes=(*o.indexes, *(i for i in n.indexes if (i.columns, i.unique, i.method, i.where) in same_index)),
        uniques=(*o.uniques, *(u for u in n.uniques if u.columns in same_unique)),
        foreign_keys=(*o.foreign_keys, *(f for f in n.foreign_keys
                                         if (f.columns, f.ref_schema, f.ref_table, f.ref_columns) in same_fk)))


def _with_tables(s: Schema, tables: dict[TableKey, Table]) -> Schema:
    return s.with_(tables=[tables.get(t.key, t) for t in s.tables])


def diff_lineage(st: DiffState) -> None:
    """The diff step (after table renames, before the tables are compared): a table attached, detached,
    inheriting or not is compared with all its columns; leaving a parent runs with the first drops, joining one
    once the columns and keys are in place."""
    st.old, st.new = expand_lineage(st.old, st.new)
    leave, join = lineage_changes(st.old, st.new)
    st.ph.drops_fk.extend(leave)
    st.ph.cons.extend(join)


def lineage_changes(old: Schema, new: Schema) -> tuple[list[Change], list[Change]]:
    """(changes that leave a parent, run before columns change; changes that join one, run after)."""
    early: list[Change] = []
    late: list[Change] = []
    for t in new.tables:
        prev = old.table(*t.key)
        if prev is None or _lineage(prev) == _lineage(t):
            continue
        if prev.partition_of is not None and (prev.partition_of, prev.partition_bound) != \
                (t.partition_of, t.partition_bound):
            early.append(DetachPartition(t.key, prev.partition_of, prev.partition_bound or ""))
        if t.partition_of is not None and (prev.partition_of, prev.partition_bound) != \
                (t.partition_of, t.partition_bound):
            late.append(AttachPartition(t.key, t.partition_of, t.partition_bound or "DEFAULT"))
        early.extend(NoInherit(t.key, p) for p in prev.inherits if p not in t.inherits)
        late.extend(Inherit(t.key, p) for p in t.inherits if p not in prev.inherits)
    return early, late

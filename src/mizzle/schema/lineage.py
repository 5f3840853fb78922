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

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import UsageError
from .changes import Change, TableKey
from .model import DEFAULT_SCHEMA, Column, ForeignKey, Index, Schema, Table
from .naming import choose_name, column_addition, truncate_identifier
from .table_features import same_foreign_key

if TYPE_CHECKING:
    from .diff import DiffState

_K = TypeVar("_K")


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


def renamed_parents(t: Table, rename: Callable[[TableKey], TableKey]) -> Table:
    """`t` with its partitioned table and the tables it inherits from under their new names (`rename` maps a key
    to its new key): PostgreSQL keeps both links through a table or schema rename, so nothing is to detach."""
    part = rename(t.partition_of) if t.partition_of is not None else None
    inherits = tuple(rename(k) for k in t.inherits)
    return t if (part, inherits) == (t.partition_of, t.inherits) else replace(t, partition_of=part, inherits=inherits)


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
    return replace(c, type=c.stored_type, default=f"nextval('{seq}'::regclass)", not_null=True)


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


def _index_definition(ix: Index) -> tuple[Any, ...]:
    """What PostgreSQL compares when ATTACH PARTITION looks for a partition's index matching a partitioned index
    (CompareIndexInfo): not the name, storage parameters, nor ASC/DESC and NULLS order."""
    return (tuple((c.expression, c.is_expression, c.opclass, c.collation) for c in ix.columns), ix.unique,
            ix.method, ix.where, ix.include, ix.nulls_not_distinct)


def _refuse_adopted_index(new: Schema, prev: Table, t: Table) -> None:
    """ATTACH PARTITION makes an index the table already has, matching one of the partitioned table's, that
    index's partition copy: it is then no longer the table's own index, which the schema code keeps it as."""
    parent = new.table(*t.partition_of) if t.partition_of is not None else None
    if parent is None:
        return
    wanted = {_index_definition(ix): ix.name for ix in parent.indexes}
    kept = {ix.name for ix in prev.indexes} & {ix.name for ix in t.indexes}
    for ix in t.indexes:
        if ix.name in kept and _index_definition(ix) in wanted:
            raise UsageError(
                f"table {t.qualified} becomes a partition of {parent.qualified}: ATTACH PARTITION makes its index "
                f"{ix.name} the partition's copy of {wanted[_index_definition(ix)]} (same definition), no longer "
                f"{t.name}'s own: remove {ix.name} from the schema code (it is then dropped before the ATTACH, "
                "which gives the partition a fresh copy)")


def expand_lineage(old: Schema, new: Schema, refuse: bool = True) -> tuple[Schema, Schema]:
    """(old, new) with both versions of every table whose lineage changes listing all the columns it has.
    `refuse`: a change PostgreSQL cannot make (a partition key changed; an existing table starting to inherit without
    the parent's columns declared) is a UsageError; False (a comparison, not a plan): compared as it is."""
    changed = []
    for t in new.tables:
        prev = old.table(*t.key)
        if prev is None:
            continue
        if refuse and prev.partition_by != t.partition_by:
            raise UsageError(
                f"table {t.qualified}: its partition key changes ({prev.partition_by or 'not partitioned'} → "
                f"{t.partition_by or 'not partitioned'}), which PostgreSQL cannot alter: create a new table "
                "with the new key, copy the rows, and drop or rename the old one")
        if _lineage(prev) != _lineage(t):
            if refuse:
                _joins_with_own_columns(old, new, prev, t)
            changed.append(t.key)
    if not changed:
        return old, new
    olds, news = {}, {}
    for k in changed:
        o, n = old.table(*k), new.table(*k)
        assert o is not None and n is not None
        olds[k] = _detached_keys(old, new, o, n).with_(columns=all_columns(old, o))
        news[k] = n.with_(columns=all_columns(new, n))
    return _with_tables(old, olds), _with_tables(new, news)


def _detached_keys(old: Schema, new: Schema, o: Table, n: Table) -> Table:
    """A partition that is detached keeps copies of its partitioned table's primary key, unique constraints,
    indexes, foreign keys and checks, under the names the server gave them (`<partition>_pkey`,
    `<partition>_<columns>_key`, `<partition>_<columns>_idx`; a foreign key or check keeps the parent's name). The
    old version of the table is given them: each as the new version declares it when that one is the copy exactly
    (same definition; the server's name preferred, each declared key taken once), else under the server's name,
    so the diff drops or redefines what the schema code does not keep. A foreign key the partitioned table drops
    leaves no copy: it is dropped before the partition is detached (schema/order.py), its copies with it."""
    parent = old.table(*o.partition_of) if o.partition_of is not None and n.partition_of is None else None
    if parent is None:
        return o
    kept_fks = _kept_foreign_keys(parent, new.table(*parent.key))
    pk = o.primary_key
    if pk is None and parent.primary_key is not None:
        copy = replace(parent.primary_key, name=None)  # None: `<partition>_pkey`
        pk = n.primary_key if n.primary_key is not None and replace(n.primary_key, name=None) == copy else copy
    return o.with_(
        primary_key=pk,
        indexes=(*o.indexes, *_copies(parent.indexes, n.indexes, _same_index, lambda i: choose_name(
            o.name, column_addition(index_column_names(i)), "idx", set()))),
        uniques=(*o.uniques, *_copies(parent.uniques, n.uniques, lambda a, b: a == b, lambda u: choose_name(
            o.name, column_addition(u.columns), "key", set()))),
        foreign_keys=(*o.foreign_keys, *_copies(kept_fks, n.foreign_keys, lambda a, b: a == b,
                                                lambda f: f.name, named=True)),
        checks=(*o.checks, *_copies(tuple(c for c in parent.checks if not c.no_inherit), n.checks,
                                    lambda a, b: a == b, lambda c: c.name, named=True)))


def _kept_foreign_keys(parent: Table, new_parent: Table | None) -> tuple[ForeignKey, ...]:
    """The partitioned table's foreign keys the migration does not drop: kept as they are, or renamed (the same
    definition under a name the new version has and the old one has not, as the diff pairs them)."""
    if new_parent is None:
        return ()
    by_name = {g.name: g for g in new_parent.foreign_keys}
    fresh = [g for g in new_parent.foreign_keys if g.name not in {f.name for f in parent.foreign_keys}]
    kept = []
    for f in parent.foreign_keys:
        match = next((g for g in fresh if same_foreign_key(replace(f, name=g.name), g)), None)
        if f.name in by_name and same_foreign_key(f, by_name[f.name]):
            kept.append(f)
        elif f.name not in by_name and match is not None:
            fresh.remove(match)
            kept.append(f)
    return tuple(kept)


def _copies(parents: tuple[_K, ...], declared: tuple[_K, ...], same: Callable[[_K, _K], bool],
            server_name: Callable[[_K], str], named: bool = False) -> list[_K]:
    """For each of the partitioned table's keys, the partition's copy: the declared one that is it exactly
    (`same`, name aside; the server's name preferred, or required when `named`: a foreign key or check keeps the
    parent's), else the copy under the server's name."""
    free = list(declared)
    out = []
    for p in parents:
        name = server_name(p)
        copy = replace(p, name=name)  # type: ignore[type-var]
        matches = [d for d in free if same(replace(d, name=name), copy)  # type: ignore[type-var]
                   and (not named or d.name == name)]  # type: ignore[attr-defined]
        pick = next((d for d in matches if d.name == name), matches[0] if matches else copy)  # type: ignore[attr-defined]
        if pick in free:
            free.remove(pick)
        out.append(pick)
    return out


def _same_index(a: Index, b: Index) -> bool:
    """Compared as written (no SQL parsed here): an expression spelled otherwise is no match, so the copy keeps
    the server's name and the diff, which compares parsed, finds it unchanged or drops and adds it."""
    def key(i: Index) -> tuple:  # type: ignore[type-arg]
        return (i.unique, i.nulls_not_distinct, i.method, tuple(sorted(i.with_)), i.include, i.where,
                tuple((c.expression, c.is_expression, c.asc, c.nulls, c.opclass or None, c.collation)
                      for c in i.columns))
    return key(a) == key(b)


def index_column_names(index: Index) -> tuple[str, ...]:
    """The names PostgreSQL gives an index's columns (ChooseIndexColumnNames): a column's name, an expression's
    FigureColname (`lower(k)` → `lower`, a cast → its type, else `expr`), INCLUDE columns too, a repeated name
    numbered (`lower1`). A partition's copy of an index is named from them: `<partition>_<names>_idx`."""
    out: list[str] = []
    for text, is_expression in (*((c.expression, c.is_expression) for c in index.columns),
                                *((c, False) for c in index.include)):
        name = _figure_colname(text) if is_expression else text
        current, i = name, 1
        while current in out:
            current = f"{name}{i}"
            i += 1
        out.append(current)
    return tuple(out)


def _figure_colname(expression: str) -> str:
    import pglast

    try:
        node: Any = pglast.parse_sql(f"SELECT {expression}")[0].stmt.targetList[0].val  # type: ignore[union-attr,index]
    except pglast.parser.ParseError:
        return "expr"

    def kind(x: Any) -> str:
        return type(x).__name__
    if kind(node) == "TypeCast":
        if kind(node.arg) not in ("ColumnRef", "FuncCall"):
            return str(node.typeName.names[-1].sval)
        node = node.arg
    if kind(node) == "FuncCall":
        return str(node.funcname[-1].sval)
    if kind(node) == "ColumnRef" and kind(node.fields[-1]) == "String":
        return str(node.fields[-1].sval)
    return {"CaseExpr": "case", "CoalesceExpr": "coalesce"}.get(kind(node), "expr")


def _with_tables(s: Schema, tables: dict[TableKey, Table]) -> Schema:
    return s.with_(tables=[tables.get(t.key, t) for t in s.tables])


def diff_lineage(st: DiffState) -> None:
    """The diff step (after table renames, before the tables are compared): a table attached, detached,
    inheriting or not is compared with all its columns; leaving a parent runs with the first drops, joining one
    once the columns and keys are in place."""
    st.old, st.new = expand_lineage(st.old, st.new, refuse=st.plan)
    leave, join = lineage_changes(st.old, st.new, refuse=st.plan)
    st.ph.drops_fk.extend(leave)
    st.ph.cons.extend(join)


def lineage_changes(old: Schema, new: Schema, refuse: bool = True) -> tuple[list[Change], list[Change]]:
    """(changes that leave a parent, run before columns change; changes that join one, run after). `refuse`: see
    expand_lineage."""
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
            if refuse:
                _refuse_adopted_index(new, prev, t)
            late.append(AttachPartition(t.key, t.partition_of, t.partition_bound or "DEFAULT"))
        early.extend(NoInherit(t.key, p) for p in prev.inherits if p not in t.inherits)
        late.extend(Inherit(t.key, p) for p in t.inherits if p not in prev.inherits)
    return early, late

"""The order changes must run in, from what each one needs and frees: a foreign key after the key (primary key, unique
constraint or unique index) it references, a key dropped after the foreign keys that reference it, an enum type
rebuilt or dropped after the columns that leave it, a column of a table's or a view's row type after that table or
view (and dropped before it), a composite type retyped or rebuilt after the columns that leave it, a name taken
after the object that held it is gone, a table made unlogged after the tables referencing it (and logged before
them), a partitioned table's foreign key dropped before its partitions are detached (a detached partition keeps its
copy of the key, standalone) and a copy it keeps dropped after. diff lists changes in phases; this sorts them stably
by these dependencies, so the phase order stands wherever nothing forces another."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator

from .changes import (
    AddColumn,
    AddForeignKey,
    AddUnique,
    AlterColumn,
    Change,
    CreateEnum,
    CreateIndex,
    CreateSequence,
    CreateTable,
    DropColumn,
    DropEnum,
    DropForeignKey,
    DropIndex,
    DropSequence,
    DropTable,
    DropUnique,
    RecreateEnum,
    RenameConstraint,
    RenameSequence,
    SetPrimaryKey,
    TableKey,
)
from .lineage import AttachPartition, DetachPartition, Inherit, NoInherit, parents
from .model import DEFAULT_SCHEMA, Column, ForeignKey, Index, PrimaryKey, Table
from .naming import implicit_pkey_name
from .object_changes import AlterComposite, CreateObject, DropObject
from .objects import View
from .table_features import SetTableLogged

Fact = tuple[object, ...]


def _key(table: TableKey, columns: tuple[str, ...]) -> Fact:
    """A set of columns PostgreSQL accepts as a foreign key's target (it matches them in any order)."""
    return ("key", *table, frozenset(columns))


def fk_target(fk: ForeignKey) -> Fact:
    return _key((fk.ref_schema, fk.ref_table), fk.ref_columns)


def _index_key(table: TableKey, i: Index) -> Fact | None:
    if not i.unique or i.where or any(c.is_expression for c in i.columns):
        return None
    return _key(table, tuple(c.expression for c in i.columns))


def _table_keys(t: Table) -> Iterator[Fact]:
    yield ("table", *t.key)
    if t.primary_key is not None:
        yield _key(t.key, t.primary_key.columns)
    for u in t.uniques:
        yield _key(t.key, u.columns)
    for i in t.indexes:
        k = _index_key(t.key, i)
        if k is not None:
            yield k


def _relation(schema: str, name: str) -> Fact:
    """Tables, indexes (a primary key's and a unique constraint's too) and sequences share one namespace."""
    return ("relation", schema, name)


def provides(c: Change) -> Iterator[Fact]:
    """What exists once `c` ran, that a later change may need."""
    if isinstance(c, CreateObject) and isinstance(c.obj, View):
        yield ("row type", c.obj.schema, c.obj.name)
    if isinstance(c, (CreateEnum, RecreateEnum)):
        e = c.enum if isinstance(c, CreateEnum) else c.new
        yield ("enum ready", e.schema, e.name)
    elif isinstance(c, CreateTable):
        yield from _table_keys(c.table)
        yield ("row type", *c.table.key)
    elif isinstance(c, SetPrimaryKey) and c.new is not None:
        yield _key(c.table, c.new.columns)
    elif isinstance(c, AddUnique):
        yield _key(c.table, c.unique.columns)
    elif isinstance(c, CreateIndex):
        k = _index_key(c.table, c.index)
        if k is not None:
            yield k
    elif isinstance(c, SetTableLogged) and not c.unlogged:
        yield ("logged", *c.table)


def _enum_users(c: Change) -> Iterator[Fact]:
    if isinstance(c, CreateTable):
        cols: tuple[Column, ...] = c.table.columns
    elif isinstance(c, AddColumn):
        cols = (c.column,)
    elif isinstance(c, AlterColumn):
        cols = (c.new,) if _enum(c.new) != _enum(c.old) else ()
    else:
        return
    for col in cols:
        e = _enum(col)
        if e is not None:
            yield ("enum ready", *e[1:])


def _row_type_users(c: Change) -> Iterator[Fact]:
    """The row types (a table's, a view's: `CREATE TABLE t (c other_table)`) the columns `c` makes or retypes may
    name: a type the column names without a schema is looked for in the table's schema and in public (the model keeps
    the name as the server printed it, on the search path). A name no change provides (a built-in type) binds
    nothing."""
    if isinstance(c, CreateTable):
        cols, schema = c.table.columns, c.table.schema
    elif isinstance(c, AddColumn):
        cols, schema = (c.column,), c.table[0]
    elif isinstance(c, AlterColumn) and c.new.type != c.old.type:
        cols, schema = (c.new,), c.table[0]
    else:
        return
    yield from _row_types_named(cols, schema)


# PostgreSQL's own types, in pg_catalog, which the search path reads first: a column of one of these, unquoted, is
# never of a table's or view's row type, whatever the schema names (PostgREST's test schema has a view named `xml`)
_CATALOG_TYPES = frozenset(
    "bigint bigserial bit bool boolean box bpchar bytea char character cidr circle date datemultirange daterange "
    "float4 float8 inet int int2 int4 int4multirange int4range int8 int8multirange int8range integer interval json "
    "jsonb jsonpath line lseg macaddr macaddr8 money name numeric nummultirange numrange oid path pg_lsn point polygon "
    "real regclass regconfig regproc regtype serial serial4 serial8 smallint smallserial text time timestamp "
    "timestamptz timetz tsmultirange tsquery tsrange tstzmultirange tstzrange tsvector txid_snapshot uuid varbit "
    "varchar xid xid8 xml".split())


def _row_types_named(cols: tuple[Column, ...], schema: str) -> Iterator[Fact]:
    """The row types columns of a table in `schema` may name (see _row_type_users; an enum column names none, nor
    does one of a built-in type spelled without quotes)."""
    for col in cols:
        name = col.base_type
        if _enum(col) is None and not (name.lower() in _CATALOG_TYPES and not name.startswith('"')):
            for s in {schema, DEFAULT_SCHEMA}:
                yield ("row type", s, name.strip('"'))


def needs(c: Change) -> Iterator[Fact]:
    yield from _enum_users(c)  # a column of an enum type after the type is made or rebuilt
    yield from _row_type_users(c)  # a column of a table's or a view's row type after that table or view
    if isinstance(c, AddForeignKey):
        yield ("table", c.fk.ref_schema, c.fk.ref_table)
        yield fk_target(c.fk)
    elif isinstance(c, CreateTable):  # a partition or an inheriting table after its parents
        yield from (("table", *p) for p in parents(c.table))
    elif isinstance(c, (AttachPartition, Inherit)):
        yield ("table", *c.parent)
    elif isinstance(c, SetTableLogged) and not c.unlogged:  # a logged table references logged tables only
        yield from (("logged", *r) for r in c.references)


def _enum(c: Column) -> Fact | None:
    return ("enum", c.type_schema, c.base_type) if c.type_schema is not None else None


def releases(c: Change) -> Iterator[Fact]:
    """What stops depending on something once `c` ran, so that it may be dropped."""
    if isinstance(c, DropTable):  # a column of a row type, before that table or view goes
        yield from _row_types_named(c.table.columns, c.table.schema)
    elif isinstance(c, DropColumn):
        yield from _row_types_named((c.column,), c.table[0])
    elif isinstance(c, AlterColumn) and c.new.type != c.old.type:  # a column leaving a composite type
        yield from _row_types_named((c.old,), c.table[0])
    if isinstance(c, DropForeignKey):
        yield ("table", c.fk.ref_schema, c.fk.ref_table)
        yield fk_target(c.fk)
        yield ("foreign keys", *c.table)
    elif isinstance(c, DropTable):  # a partition or an inheriting table before its parents
        yield from (("table", *p) for p in parents(c.table))
    elif isinstance(c, (DetachPartition, NoInherit)):
        yield ("table", *c.parent)
        yield ("partition", *c.table)
    elif isinstance(c, (AlterColumn, DropColumn)):  # a column leaving an enum type, which may be rebuilt or dropped
        old = c.old if isinstance(c, AlterColumn) else c.column
        e = _enum(old)
        if e is not None and (isinstance(c, DropColumn) or _enum(c.new) != e):
            yield e
    elif isinstance(c, SetTableLogged) and c.unlogged:  # no longer a logged table referencing them
        yield from (("logged referrer", *r) for r in c.references)


def removes(c: Change) -> Iterator[Fact]:
    if isinstance(c, DropForeignKey):  # a copy of its partitioned table's key, once the partition is detached
        yield ("partition", *c.table)
    if isinstance(c, DropObject) and isinstance(c.obj, View):
        yield ("row type", c.obj.schema, c.obj.name)
    elif isinstance(c, DropTable):
        yield ("row type", *c.table.key)
    elif isinstance(c, AlterComposite) and (c.retyped or c.reordered):  # PostgreSQL: no column may use it then
        yield ("row type", c.old.schema, c.old.name)
    if isinstance(c, (RecreateEnum, DropEnum)):
        e = c.old if isinstance(c, RecreateEnum) else c.enum
        yield ("enum", e.schema, e.name)
    elif isinstance(c, DropTable):
        yield from _table_keys(c.table)
    elif isinstance(c, SetPrimaryKey) and c.old is not None:
        yield _key(c.table, c.old.columns)
    elif isinstance(c, DropUnique):
        yield _key(c.table, c.unique.columns)
    elif isinstance(c, DropIndex):
        k = _index_key(c.table, c.index)
        if k is not None:
            yield k
    elif isinstance(c, SetTableLogged) and c.unlogged:  # unlogged once no logged table references it
        yield ("logged referrer", *c.table)
    elif isinstance(c, DetachPartition):  # after the parent's foreign keys that go: their copies go with them
        yield ("foreign keys", *c.parent)


def _key_name(table: TableKey, pk: PrimaryKey) -> Fact:
    """The relation a primary key's index is: its name on the server (`<table>_pkey` for an unnamed one)."""
    return _relation(table[0], pk.server_name or pk.name or implicit_pkey_name(table[1]))


def _index_names(t: Table, real: bool) -> Iterator[Fact]:
    """The names of a table's key and unique constraints, whose indexes are relations too."""
    if t.primary_key is not None:
        yield _key_name(t.key, t.primary_key)
    for u in t.uniques:
        yield _relation(t.schema, u.real_name if real else u.name)


def _identity_sequences(schema: str, cols: tuple[Column, ...], other: Column | None = None) -> Iterator[Fact]:
    """The names of the sequences the identity columns among `cols` own, but for the one `other` (the column before
    or after an AlterColumn) owns as well: that one stays."""
    kept = other.identity.sequence_name if other is not None and other.identity is not None else None
    for col in cols:
        if col.identity is not None and col.identity.sequence_name and col.identity.sequence_name != kept:
            yield _relation(schema, col.identity.sequence_name)


def frees(c: Change) -> Iterator[Fact]:
    """Names free once `c` ran (a key's or a unique constraint's too: Open WebUI's `config_pkey`, which a revert
    renamed back to `config` before making `config_old` with it again)."""
    if isinstance(c, DropTable):
        yield _relation(*c.table.key)
        yield ("type", *c.table.key)  # a table's row type
        yield from _index_names(c.table, real=True)
        yield from _identity_sequences(c.table.schema, c.table.columns)
    elif isinstance(c, SetPrimaryKey) and c.old is not None:
        yield _key_name(c.table, c.old)
    elif isinstance(c, RenameConstraint):  # a foreign key's or a check's name is no relation: no harm done
        yield _relation(c.table[0], c.old)
    elif isinstance(c, DropColumn):  # an identity's sequence goes with its column, or with its identity
        yield from _identity_sequences(c.table[0], (c.column,))
    elif isinstance(c, AlterColumn):
        yield from _identity_sequences(c.table[0], (c.old,), c.new)
    elif isinstance(c, DropIndex):
        yield _relation(c.table[0], c.index.real_name)
    elif isinstance(c, DropUnique):
        yield _relation(c.table[0], c.unique.real_name)
    elif isinstance(c, DropSequence) and not c.to_serial:
        yield _relation(*c.sequence.key)
    elif isinstance(c, RenameSequence):
        yield _relation(c.schema, c.old)
    elif isinstance(c, DropEnum):
        yield ("type", *c.enum.key)


def takes(c: Change) -> Iterator[Fact]:
    """Names `c` creates objects under."""
    if isinstance(c, CreateTable):
        yield _relation(*c.table.key)
        yield ("type", *c.table.key)
        yield from _index_names(c.table, real=False)
        yield from _identity_sequences(c.table.schema, c.table.columns)
    elif isinstance(c, SetPrimaryKey) and c.new is not None:
        yield _key_name(c.table, c.new)
    elif isinstance(c, RenameConstraint):
        yield _relation(c.table[0], c.new)
    elif isinstance(c, AddColumn):  # an identity's sequence: BigIntBase's `Sequence("t_id_seq")` → `Identity()`
        yield from _identity_sequences(c.table[0], (c.column,))
    elif isinstance(c, AlterColumn):
        yield from _identity_sequences(c.table[0], (c.new,), c.old)
    elif isinstance(c, CreateIndex):
        yield _relation(c.table[0], c.index.name)
    elif isinstance(c, AddUnique):
        yield _relation(c.table[0], c.unique.name)
    elif isinstance(c, CreateSequence) and not c.from_serial:
        yield _relation(*c.sequence.key)
    elif isinstance(c, RenameSequence):
        yield _relation(c.schema, c.new)
    elif isinstance(c, CreateEnum):
        yield ("type", *c.enum.key)


def order(changes: list[Change]) -> list[Change]:
    """`changes` sorted so that every change runs after those it depends on, otherwise in the given order. A
    cycle (which the phases never produce) leaves the given order."""
    before: dict[Fact, list[int]] = defaultdict(list)  # fact → the changes that must come first
    for i, c in enumerate(changes):
        for f in provides(c):
            before[("need", f)].append(i)
        for f in releases(c):
            before[("remove", f)].append(i)
        for f in frees(c):
            before[("take", f)].append(i)
    if not before:
        return changes
    after: list[list[int]] = [[] for _ in changes]
    indegree = [0] * len(changes)
    for i, c in enumerate(changes):
        deps: set[int] = set()
        for kind, facts in (("need", needs(c)), ("remove", removes(c)), ("take", takes(c))):
            for f in facts:
                deps.update(before.get((kind, f), ()))
        deps.discard(i)
        for j in deps:
            after[j].append(i)
            indegree[i] += 1
    ready = [i for i, d in enumerate(indegree) if d == 0]
    heapq.heapify(ready)
    out: list[Change] = []
    while ready:
        i = heapq.heappop(ready)
        out.append(changes[i])
        for k in after[i]:
            indegree[k] -= 1
            if indegree[k] == 0:
                heapq.heappush(ready, k)
    return out if len(out) == len(changes) else changes

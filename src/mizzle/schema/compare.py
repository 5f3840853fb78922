"""One comparison of two schema models for `drift`, `verify`, `baseline` and `generate --check`: both sides
are brought to one canonical form per kind of fact (the one PostgreSQL would store), objects the code leaves
unnamed are matched by definition, and each difference is described with both of its values.

    compare(expected, actual) → [Change]      lines(expected, actual) → ["~ column t.c: type a → b", …]

What is canonical is the dialect's (`Dialect.canonical`; PostgreSQL's in dialects/postgres/canonical_tables.py,
see docs/canonical-forms.md for the table of cases, tested against a real server); defaults and expressions are
compared through the dialect's reader (`Dialect.reader`: `default_key` / `expression_key`), and, with a
connection (`server_forms`), as the server itself stores them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import dialects
from .changes import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddUnique,
    AlterColumn,
    AlterSequence,
    Change,
    CreateIndex,
    CreateSequence,
    DropCheck,
    DropColumn,
    DropForeignKey,
    DropIndex,
    DropSequence,
    DropUnique,
    SetPrimaryKey,
    SetTableComment,
)
from .diff import Carried, Renames, check_equal, columns_equal, diff, index_equal
from .diff_security import comparable_security, fold_into_tables
from .model import Column, Index, IndexColumn, PrimaryKey, Schema, Table, UniqueConstraint, where_key
from .naming import column_addition, implicit_pkey_name, make_object_name, may_be_unnamed_key, unique_name
from .object_changes import CreateObject, DropObject, ReplaceObject, what_differs
from .security_changes import AlterPolicy, CreatePolicy, DropPolicy
from .table_features import AddExclusion, DropExclusion, SetSequenceOwner

if TYPE_CHECKING:
    from ..dialects.base import SqlReader

# -- canonical form ------------------------------------------------------------------------------------

def canonical(model: Schema, *, comments: bool = True) -> Schema:
    """`model` with every fact in the one spelling its server would store (the dialect's `canonical`; see the
    module docstring)."""
    return dialects.get(model.dialect).canonical(model, comments)


# -- matching by definition ----------------------------------------------------------------------------

def align(expected: Schema, actual: Schema, renamed: list[tuple[str, str, str, str, str]] | None = None, *,
          by_definition: bool = True) -> Schema:
    """`expected` with the names of `actual` wherever an object matches one of `actual`'s by definition but
    not by name (a primary key on the same columns; a unique, foreign key, check or index with the same
    definition whose name `expected` does not use): constraints the code leaves unnamed get PostgreSQL's
    names in a `create_all` database and drizzle-kit's in a snapshot, and neither is a difference."""
    from .diff import check_equal

    r = dialects.get(expected.dialect).reader
    tables = []
    for t in expected.tables:
        a = actual.table(t.schema, t.name)
        if a is None or a is t:  # the very same table (RepeatMemo): nothing to align
            tables.append(t)
            continue
        pk = t.primary_key
        log: list[tuple[str, str, str]] = []
        if pk is not None and a.primary_key is not None and pk.columns == a.primary_key.columns:
            u = next((u for u in t.uniques if folded_into_key(t, u, a, by_definition=by_definition)), None)
            if u is not None:
                t = replace(t, uniques=tuple(x for x in t.uniques if x is not u))
                pk = replace(pk, name=a.primary_key.name)
        if pk is not None and a.primary_key is not None and pk.columns == a.primary_key.columns and (
                by_definition or _pk_same_name(t, pk, a.primary_key)):
            if pk.name and a.primary_key.name and pk.name != a.primary_key.name:
                log.append(("primary key", pk.name, a.primary_key.name))
            elif by_definition and pk.name and a.primary_key.name is None and not _pk_same_name(t, pk, a.primary_key):
                # `actual`'s key is unnamed: PostgreSQL's `<table>_pkey` (or the name the server kept), which a
                # database built without the code's naming convention has (JupyterHub's before 2.0)
                log.append(("primary key", pk.name, a.primary_key.server_name or implicit_pkey_name(t.name)))
                pk = replace(pk, name=None, server_name=a.primary_key.server_name)
            pk = replace(pk, name=a.primary_key.name or pk.name)
        if not by_definition:
            tables.append(replace(t, primary_key=pk))
            continue
        t = replace(t, primary_key=pk,
                    uniques=_adopt(t.uniques, a.uniques, lambda x, y: x == y, log, "unique"),
                    foreign_keys=_adopt(t.foreign_keys, a.foreign_keys, lambda x, y: x == y, log, "foreign key"),
                    checks=_adopt(t.checks, a.checks, lambda x, y: check_equal(x, y, r), log, "check"),
                    indexes=_adopt(t.indexes, a.indexes, lambda x, y: index_equal(x, y, r), log, "index"))
        if renamed is not None:
            renamed.extend((t.schema, t.name, *x) for x in log)
        tables.append(t)
    return expected.with_(tables=tables)


def folded_into_key(t: Table, u: UniqueConstraint, a: Table, *, by_definition: bool) -> bool:
    """Whether `t`'s unique `u`, on exactly the columns of the primary key `t` and `a` share, is the one key `a`
    shows. CREATE TABLE with a primary key and a unique constraint on the same columns (alike in all else):
    PostgreSQL keeps one index, the key, under the key's own name, or the unique constraint's where the key has
    none, or `<table>_pkey` where neither has one (drizzle-kit 1.x's `PRIMARY KEY UNIQUE` of a unique the code
    leaves unnamed: its snapshot names it `<table>_<column>_key`, PostgreSQL's default). For generate (not
    `by_definition`: `t` the latest snapshot's, `a` the schema code's) that default-named one only where the code
    has no unique on those columns: a pulled model, which has none as the server has none (homarr's settingKey)."""
    pk, other = t.primary_key, a.primary_key
    if pk is None or other is None or pk.columns != other.columns or u.columns != pk.columns \
            or u.nulls_not_distinct or u.deferrable != pk.deferrable or any(x.name == u.name for x in a.uniques):
        return False
    unnamed = (None, f"{t.name}_pkey")
    # a key left unnamed in the CREATE TABLE takes the unique's name; a composite `<t>_pkey` was written with its
    # name (`CONSTRAINT "<t>_pkey" PRIMARY KEY(…)`), which PostgreSQL keeps: a unique of the key's name is then
    # one a later ALTER TABLE added (Zou's department_link, pulled), and stays until a migration drops it
    lent = (None,) if len(pk.columns) > 1 else unnamed
    # the names a unique the code leaves unnamed gets: PostgreSQL's; in drift and baseline drizzle-kit 0.x's too
    # (nbgrader's Course.id, unique=True and primary_key=True, against the database create_all made)
    defaults = (make_object_name(t.name, column_addition(pk.columns), "key"),
                *((unique_name(t.name, pk.columns),) if by_definition else ()))
    return ((u.name == other.name and pk.name in lent) or (pk.name is not None and pk.name == other.name)
            or (u.name in defaults and pk.name in unnamed
                and other.name in unnamed and (by_definition or all(x.columns != u.columns for x in a.uniques))))


def _pk_same_name(t: Table, pk: PrimaryKey, other: PrimaryKey) -> bool:
    """Whether two keys, one of them unnamed, have one name on the server: an unnamed key is `<table>_pkey`, or
    the name the server kept (PrimaryKey.server_name). Not the code's `pk_users` for a snapshot's `users_pkey`:
    that is a rename (JupyterHub 2.0's naming convention)."""
    if pk.name is not None and other.name is not None:
        return False
    if (pk.name is None and not pk.server_name and may_be_unnamed_key(other.name)) or \
            (other.name is None and not other.server_name and may_be_unnamed_key(pk.name)):
        return True  # the key the unnamed one is, made under a former name of its table
    def real(p: PrimaryKey) -> str:
        return p.server_name or p.name or implicit_pkey_name(t.name)
    return real(pk) == real(other)


def _adopt(mine: tuple[Any, ...], theirs: tuple[Any, ...], eq: Any, log: list[tuple[str, str, str]],
           kind: str) -> tuple[Any, ...]:
    their_names = {x.name for x in theirs}
    my_names = {x.name for x in mine}
    taken: set[str] = set()
    out = []
    for x in mine:
        if x.name in their_names and eq(x, next(y for y in theirs if y.name == x.name)):
            out.append(x)
            continue
        match = next((y for y in theirs if y.name not in my_names and y.name not in taken
                      and eq(replace(x, name=y.name), y)), None)
        if match is not None:
            taken.add(match.name)
            log.append((kind, x.name, match.name))
            x = replace(x, name=match.name)
        out.append(x)
    return tuple(sorted(out, key=lambda x: x.name))


def renamed_by_definition(expected: Schema, actual: Schema) -> list[tuple[str, str, str, str, str]]:
    """(schema, table, kind, name in `expected`, name in `actual`) for each object `align` renames."""
    out: list[tuple[str, str, str, str, str]] = []
    align(expected, actual, out)
    return out


# -- comparing ------------------------------------------------------------------------------------------

def compare(expected: Schema, actual: Schema, *, comments: bool = True, conn: Any = None,
            reverse: bool = False, by_definition: bool = True, memo: RepeatMemo | None = None) -> list[Change]:
    """The changes that turn `expected` into `actual` (`reverse`: `actual` into `expected`), both in canonical
    form, names matched by definition. `comments=False` when `expected` cannot hold comments (a drizzle-kit
    snapshot); with `conn` (psycopg, on the server `actual` came from), the expressions and defaults of
    `expected` that do not already match are asked of the server (see `server_forms`). `by_definition=False`
    (generate: a name the code gives is meant) matches only a primary key one side leaves unnamed. `memo`
    (verify: one pair of models evolving step by step): see RepeatMemo."""
    return staged(expected, actual, comments=comments, conn=conn, reverse=reverse, by_definition=by_definition,
                  memo=memo)()


def staged(expected: Schema, actual: Schema, *, comments: bool = True, conn: Any = None, reverse: bool = False,
           by_definition: bool = True, memo: RepeatMemo | None = None) -> Callable[[], list[Change]]:
    """`compare` in two stages: what asks the server (`conn`) for its forms runs now, the rest — which needs
    neither the server nor anything that changes after this call — when the function returned is called (verify
    runs it on a thread of its own while the next migration applies: see commands/verify.py's _Later). With a
    `memo`, that function must have run before the next comparison starts."""
    given, whole = expected, actual
    left = _Left()
    if memo is not None:
        expected, actual, left = memo.settled(expected, actual)
    e, a = canonical(expected, comments=comments), canonical(actual, comments=comments)
    d = dialects.get(e.dialect)
    if conn is not None:
        e = d.object_forms(conn, d.server_forms(conn, e, a), a)
    return partial(_compared_rest, given, e, a, whole, left, reverse, by_definition, comments, memo)


def _compared_rest(given: Schema, e: Schema, a: Schema, actual: Schema, left: _Left, reverse: bool,
                   by_definition: bool, comments: bool, memo: RepeatMemo | None) -> list[Change]:
    order = [t.key for t in (given if reverse else actual).tables]  # the diff's new side, whole
    carried = Carried(order, {k: v[0] for k, v in left.carried.items()}) if memo is not None else None
    changes = _changes(e, a, reverse, by_definition, carried)
    if (left.settled or left.carried) and changes and _reaches_other_tables(changes):
        # see RepeatMemo: compared whole after all (a carried table in the forms remembered with its changes)
        whole = canonical(actual, comments=comments)
        kept = iter(e.tables)  # the tables left in, in `given`'s order
        e = e.with_(tables=[whole.table(*t.key) if t.key in left.settled else
                            left.carried[t.key][1] if t.key in left.carried else next(kept) for t in given.tables])
        a, carried = whole, Carried(order, {})
        changes = _changes(e, a, reverse, by_definition, carried)
    if memo is not None:
        assert carried is not None
        memo.remember(given, actual, changes, e, a, carried.recorded)
    return changes


def _changes(e: Schema, a: Schema, reverse: bool, by_definition: bool, carried: Carried | None) -> list[Change]:
    """The changes between two models in canonical form; `carried` (verify, see RepeatMemo): tables left out with
    their changes known, made again in their place (None: a comparison of its own, not remembered)."""
    d = dialects.get(e.dialect)
    e = align(d.declared_forms(e, a), a, by_definition=by_definition)
    e, a = comparable_security(e, a)
    if carried is not None and not carried.appends and e == a and _object_comments(e) == _object_comments(a):
        return []  # speed (verify, see RepeatMemo): two equal models differ in nothing a diff finds
    keys = partition_keys_differ(a, e) if reverse else partition_keys_differ(e, a)
    e = _with_partition_keys_of(e, a) if keys else e
    none = Renames(none=True)
    cs = diff(a, e, none, carried, plan=False) if reverse else diff(e, a, none, carried, plan=False)
    return [*keys, *_without_remade(cs, d.reader)]


def _object_comments(m: Schema) -> set[tuple[Any, ...]]:
    """Each object's comment, which its equality leaves out (a CommentObject of its own: supabase/auth comments
    auth.uid() in a later migration than makes it)."""
    return {(type(o), o.key, o.comment) for o in m.objects.all()}


def _without_remade(cs: Any, r: SqlReader) -> list[Change]:
    """The diff's changes less the objects it drops and makes again unchanged: steps of a plan, not differences
    (compare reports what differs). A plan does that to a foreign key whose referenced key is dropped (flowglad's
    hand-dropped primary key read `~ foreign key …: changed` on every table referencing it), to a check or an index
    over a column whose type changes, and to a view (its triggers along) over such a column or over a view made
    again (negation-game: a column widened by hand read `~ check olderPointFirst …` and `~ view
    point_with_details_view: changed` beside the column's own line), and to a stored generated column whose
    expression may read such a column (arize-phoenix's `message_id`, `message ->> 'id'`, beside an `id` retyped)."""
    return _remade_left_out(cs.changes, r)


def _remade_left_out(changes: list[Change], r: SqlReader) -> list[Change]:
    """`changes` less each object dropped and made again unchanged (see _without_remade)."""
    drops = {k[1:]: c for c in changes if (k := _remade_key(c)) is not None and k[0] == "-"}
    remade: set[int] = set()
    for c in changes:
        k = _remade_key(c)
        if k is not None and k[0] == "+" and (d := drops.get(k[1:])) is not None and _unchanged(d, c, r):
            remade |= {id(d), id(c)}
    return [c for c in changes if id(c) not in remade] if remade else changes


def _remade_key(c: Change) -> tuple[str, ...] | None:
    """_pair_key, and a column's: the plan drops a generated column and adds it again (schema/retype.py)."""
    if isinstance(c, (DropColumn, AddColumn)):
        return ("-" if isinstance(c, DropColumn) else "+", "column", *c.table, c.column.name)
    return _pair_key(c)


def _unchanged(dropped: Any, added: Any, r: SqlReader) -> bool:
    """Whether an object dropped and added again (see _pair_key) comes back as it was: a check in the same
    condition however spelled, an index by the diff's own equality, a view's query however spelled."""
    if isinstance(dropped, DropIndex):
        return index_equal(dropped.index, added.index, r)
    if isinstance(dropped, DropColumn):
        return columns_equal(dropped.column, added.column, r)
    if isinstance(dropped, DropObject):
        o, n = dropped.obj, added.obj
        if o == n:
            return True
        return hasattr(o, "definition") and o.kind == "view" and \
            replace(o, definition=r.query_key(o.definition)) == replace(n, definition=r.query_key(n.definition))
    if isinstance(dropped, (DropUnique, DropForeignKey, DropCheck, DropExclusion)):
        o, n = _obj(dropped), _obj(added)
        if isinstance(dropped, DropCheck):
            return (o.not_valid, o.no_inherit) == (n.not_valid, n.no_inherit) and check_equal(o, n, r)
        return bool(o == n)
    return False


# -- speed: comparing one pair of evolving models again and again -----------------------------------------
# `verify` compares, after each of ~200 migrations, the snapshot with the database the migrations built so far;
# most tables are, on both sides, the very objects of the step before (the snapshot's tables are remembered by
# their JSON, the database's by their catalogue rows). A table whose two sides are the same objects as in the
# previous comparison compares as it did then: the comparison of a table depends only on its two sides (no
# renames are looked for). Such a table is left out on both sides — canonical forms, the server's forms,
# alignment and the diff see only the tables that changed (a handful of ~70 on dokploy):
# - settled: no difference named it then, so it has none now;
# - carried: every difference naming it then came from the diff of its own two sides (diff.py's Carried: its
#   additions to the diff's phases, recorded); they are made again in its place, so the changes come out in the
#   order a comparison of the whole models gives (dokploy: 8 indexes and a column the snapshots hold and the SQL
#   never made, on ~150 of 186 steps).
# What crosses tables keeps a table in: a column of an enum that differs (a rebuilt enum counts the columns it
# converts) or that was created or dropped since the previous comparison (canonical forms read the model's enum
# names), a serial or a sequence's default while the sequences change or one of them is the one it reads, a
# sequence it owns, policies (the roles they name), partitioning and inheritance. And where the changes found could
# reach a table left out (a key dropped: the foreign keys referencing it are made again; see
# _reaches_other_tables), the comparison is made again on the whole models, as before this shortcut (the settled
# tables as the database has them on both sides: equal, asking the server nothing; the carried ones in the forms
# remembered with their changes). Checked by test_verify_incremental.py on real folders: the same results with
# and without (verify's incremental=False). What it buys on dokploy: the tables compared per step went from ~14
# (settled only) to ~3.6, and verify's client CPU by about a third.
class RepeatMemo:
    """The previous comparison's tables: key → (expected's, actual's, whether no difference named it); and the tables
    whose differences can be carried to the next comparison (see `remember`)."""

    def __init__(self) -> None:
        self.last: dict[tuple[str, str], tuple[Table, Table, bool]] = {}
        self.enum_keys: tuple[frozenset[tuple[str, str]], ...] | None = None
        self.own: dict[int, tuple[Table, _Own]] = {}  # see _own
        self.carry: dict[tuple[str, str], _Carry] = {}
        self.sequences: tuple[tuple[Any, ...], tuple[Any, ...]] | None = None

    def settled(self, expected: Schema, actual: Schema) -> tuple[Schema, Schema, _Left]:
        """`expected` and `actual` without the tables settled or carried since the previous comparison, and
        which those are."""
        enum_keys = (frozenset(x.key for x in expected.enums), frozenset(x.key for x in actual.enums))
        before, self.enum_keys = self.enum_keys, enum_keys
        if before is None or not self.last:
            return expected, actual, _Left()
        mine, theirs = {x.key: x for x in expected.enums}, {x.key: x for x in actual.enums}
        # the enums that differ between the two sides, and those created or dropped on either side since the
        # previous comparison (a column's canonical type reads the model's enum names): their tables compared
        differing = {k[1].lower() for k in (mine.keys() | theirs.keys()) if mine.get(k) != theirs.get(k)} | {
            k[1].lower() for now, then in zip(enum_keys, before, strict=True) for k in now ^ then}
        held = {s.owned_by[:2] for s in (*expected.sequences, *actual.sequences) if s.owned_by is not None}
        # a serial column or a sequence's default reads the sequences of its model (a serial kept through a rename,
        # one handed over to a sequence of its own name): its table is compared while those change, or name it
        sequences, self.sequences = self.sequences, (expected.sequences, actual.sequences)
        sequence_names = None if sequences != self.sequences else {
            x.name.lower() for x in (*expected.sequences, *actual.sequences)}
        related = {k for m in (expected, actual) for t in m.tables if t.partition_of or t.inherits
                   for k in (t.key, *t.inherits, *((t.partition_of,) if t.partition_of else ()))}
        out, carried = set(), {}
        for t in expected.tables:
            prev = self.last.get(t.key)
            if prev is None or prev[0] is not t or actual.table(*t.key) is not prev[1] or not (
                    prev[2] or t.key in self.carry):
                continue
            crosses, reads, types = self._own(t)
            if crosses or t.key in held or t.key in related or (differing and any(
                    n in typ for typ in types for n in differing)) or (
                    reads and (sequence_names is None or not sequence_names.isdisjoint(reads))):
                continue
            if prev[2]:
                out.add(t.key)
            else:
                carried[t.key] = self.carry[t.key]
        if not out and not carried:
            return expected, actual, _Left()
        gone = out | carried.keys()
        return (expected.with_(tables=[t for t in expected.tables if t.key not in gone]),
                actual.with_(tables=[t for t in actual.tables if t.key not in gone]),
                _Left(frozenset(out), carried))

    def _own(self, t: Table) -> _Own:
        """What of `t` alone crosses tables (policies, a partition key), the names of the sequences its serials and
        sequence defaults read (lower case; a serial's own `<table>_<column>_seq`), and its column types in lower
        case (to be matched with the enums that differ); remembered by identity, as the tables are the same
        objects from one comparison to the next."""
        seen = self.own.get(id(t))
        if seen is not None and seen[0] is t:
            return seen[1]
        from .naming import serial_sequence_name

        nextvals = [c.default for c in t.columns if c.default is not None and c.default.startswith("nextval(")]
        named = [m.group(1).replace('"', "").split(".")[-1].lower() for d in nextvals if (m := _NEXTVAL.match(d))]
        reads = frozenset([serial_sequence_name(t.name, c.name).lower() for c in t.columns if c.is_serial] + named)
        # a sequence's default spelt otherwise (its name not read here) crosses, as policies and partitions do
        found = (bool(t.policies or t.partition_by) or len(named) < len(nextvals), reads,
                 tuple({c.type.lower() for c in t.columns}))
        self.own[id(t)] = (t, found)
        return found

    def remember(self, expected: Schema, actual: Schema, changes: list[Change], e: Schema, a: Schema,
                 recorded: dict[tuple[str, str], list[tuple[str, Change]]]) -> None:
        """After a comparison of `expected` and `actual` (`e`, `a`: the tables compared, in canonical form with the
        server's forms): a table whose differences were all found by the diff of its own two sides alone (its
        additions to the phases, `recorded`; no other change names it) is carried to the next comparison when
        both its sides are the same objects again: left out, its changes made again in their place."""
        naming = _naming(changes)
        self.last = {t.key: (t, at, t.key not in naming) for t in expected.tables
                     if (at := actual.table(t.schema, t.name)) is not None}
        carry: dict[tuple[str, str], _Carry] = {}
        for key, made in recorded.items():
            if naming.get(key) != {id(c) for _, c in made}:
                continue
            old = self.carry.get(key)
            te, ta = e.table(*key), a.table(*key)
            if te is None or ta is None:
                if old is None:
                    continue
                te, ta = old[1], old[2]
            carry[key] = (made, te, ta)
        self.carry = carry
        self.own = {k: v for k, v in self.own.items()  # the tables still current only
                    if (x := self.last.get(v[0].key)) is not None and x[0] is v[0]}


_Carry = tuple[list[tuple[str, Change]], Table, Table]  # a table's additions to the phases, its two forms
_Own = tuple[bool, frozenset[str], tuple[str, ...]]  # see RepeatMemo._own
_NEXTVAL = re.compile(r"^nextval\('((?:[^']|'')+)'(?:::regclass)?\)$")


@dataclass(frozen=True)
class _Left:
    """What RepeatMemo leaves out of one comparison: the tables settled (no difference), and those carried (their
    differences known; see RepeatMemo.remember)."""

    settled: frozenset[tuple[str, str]] = frozenset()
    carried: dict[tuple[str, str], _Carry] = field(default_factory=dict)


def _reaches_other_tables(changes: list[Change]) -> bool:
    """Whether a change found could bring changes to a table it does not name: a key, index or table dropped (the
    foreign keys referencing it are dropped and made again), a view dropped (what uses its row type)."""
    from .order import removes

    return any(f[0] != "enum" for c in changes for f in removes(c))


def _naming(changes: list[Change]) -> dict[tuple[str, str], set[int]]:
    """The key of every table a change names anywhere in its fields (its own table, a referenced one, the columns
    an enum rebuild converts…) → the ids of the changes naming it."""
    out: dict[tuple[str, str], set[int]] = {}

    def visit(v: Any, c: Change) -> None:
        if isinstance(v, Table):
            out.setdefault(v.key, set()).add(id(c))
        elif isinstance(v, tuple):
            if len(v) == 2 and all(isinstance(x, str) for x in v):
                out.setdefault(v, set()).add(id(c))  # type: ignore[arg-type]
            else:
                for x in v:
                    visit(x, c)
        elif isinstance(v, list):
            for x in v:
                visit(x, c)
        elif isinstance(v, Change):
            for x in vars(v).values():
                visit(x, c)

    for c in changes:
        visit(c, c)
    return out


@dataclass(frozen=True)
class PartitionKeyDiffers(Change):
    """A table partitioned by another key (or partitioned on one side only): a difference to describe, not a
    change to plan (PostgreSQL cannot alter a table's partition key; generate says how to do it by hand)."""

    table: tuple[str, str]
    old: str | None
    new: str | None

    def describe(self) -> str:
        return (f"~ table {_q(self.table)}: partition key {self.old or 'not partitioned'} → "
                f"{self.new or 'not partitioned'}")


def partition_keys_differ(old: Schema, new: Schema) -> list[Change]:
    """The tables of both models whose partition keys differ (a hand-written migration that partitions a
    table drizzle-kit's snapshot holds unpartitioned): described here, since the diff refuses to plan them."""
    out: list[Change] = []
    for t in new.tables:
        prev = old.table(*t.key)
        if prev is not None and prev.partition_by != t.partition_by:
            out.append(PartitionKeyDiffers(t.key, prev.partition_by, t.partition_by))
    return out


def _with_partition_keys_of(model: Schema, other: Schema) -> Schema:
    """`model` with each table partitioned as `other` has it, so the rest of the two tables is still compared."""
    tables = []
    for t in model.tables:
        o = other.table(*t.key)
        tables.append(t.with_(partition_by=o.partition_by) if o is not None and o.partition_by != t.partition_by
                      else t)
    return model.with_(tables=tuple(tables))


def for_generate(old: Schema, new: Schema) -> tuple[Schema, Schema]:
    """`generate`'s two models in canonical form; a primary key one side leaves unnamed takes the other's
    name (a drizzle-kit snapshot cannot hold a single-column key's name). Other names are the code's to give:
    not matched by definition."""
    if not dialects.get(old.dialect).canonical_forms:
        return dialects.get(old.dialect).snapshot_forms(old, new), new
    o, n = canonical(old), canonical(new)
    return align(dialects.get(old.dialect).declared_forms(o, n), n, by_definition=False), n


def for_revert(latest: Schema, target: Schema, rewritten: set[tuple[str, str]]) -> tuple[Schema, Schema]:
    """`revert`'s two models: generate's, and where the dialect compares declared spellings (SQLite), a table the
    reverted migration did not write whole (`rewritten`: those it rebuilt) keeps the types the target declares in
    create_all's spelling where the latest snapshot has its own of the same type. generate reads a pulled baseline's
    `datetime`, `char(32)`, `varchar` as the models' `text`, `text(32)`, `text` (Mealie's models over the database
    its Alembic history built) and leaves those columns alone, so their revert leaves them alone too, rather than
    rebuilding every table to retype them; a table it rebuilt holds its spelling, and is rebuilt back."""
    old, new = for_generate(latest, target)
    dialect = dialects.get(old.dialect)
    if dialect.canonical_forms:
        return old, new
    aligned = {t.key: t for t in dialect.declared_forms(old, new).tables}
    return old.with_(tables=tuple(t if t.key in rewritten else aligned.get(t.key, t) for t in old.tables)), new


def lines(expected: Schema, actual: Schema, *, comments: bool = True, conn: Any = None,
          reverse: bool = False, memo: RepeatMemo | None = None) -> list[str]:
    """`compare`, one line per difference (see `describe_all`)."""
    return lines_staged(expected, actual, comments=comments, conn=conn, reverse=reverse, memo=memo)()


def lines_staged(expected: Schema, actual: Schema, *, comments: bool = True, conn: Any = None,
                 reverse: bool = False, memo: RepeatMemo | None = None) -> Callable[[], list[str]]:
    """`lines` in two stages, as `staged` does; each change as a comparison states it (Change.as_difference)."""
    rest = staged(expected, actual, comments=comments, conn=conn, reverse=reverse, memo=memo)
    reader = dialects.get(expected.dialect).reader
    # a change stated as its parts (SQLite's table rebuild) may hold an object it makes again unchanged: left out
    # too (mlflow's runs_check, in the rebuild of runs over its retyped status)
    return lambda: describe_all(_remade_left_out([d for c in rest() for d in c.as_difference()], reader), reader)


def describe_all(changes: list[Change], r: SqlReader) -> list[str]:
    """One line per difference: a drop and an add of one object (same name) become one `~` line naming what
    differs, with both values. An object also pairs by the name the server has (ForeignKey.server_name): a 1.x
    snapshot keys a foreign key, unique or index the code leaves unnamed by the code's default (`…_fkey`) and keeps
    its 0.x name (`…_fk`), the one the database reads back, so a change of it is one line under that name too."""
    changes, owners = _fold_sequence_owners(fold_into_tables(changes))
    out: list[str] = []
    drops: dict[tuple[str, Any, str], Change] = {}
    for real in (False, True):  # a name pairs first; the server's name where no name pairs
        for c in changes:
            k = _pair_key(c, real)
            if k is not None and k[0] == "-" and not (real and k[1:] in drops):
                drops[k[1:]] = c  # type: ignore[index]
    merged: set[int] = set()
    paired: dict[int, str] = {}
    for c in changes:
        keys = [k[1:] for k in (_pair_key(c, False), _pair_key(c, True)) if k is not None and k[0] == "+"]
        d = next((drops[k] for k in keys if k in drops and id(drops[k]) not in merged), None)  # type: ignore[index]
        if d is not None:
            merged.add(id(d))
            paired[id(c)] = _changed(d, c, r)
    for c in changes:
        if id(c) in merged:
            continue
        out.append(paired.get(id(c)) or describe(c, r) + owners.get(id(c), ""))
    return out


def _fold_sequence_owners(changes: list[Change]) -> tuple[list[Change], dict[int, str]]:
    """A sequence only one side holds is one line: its OWNED BY (set once its table exists, cleared before it is
    dropped) is part of its `+`/`-` line, not a `~` of a sequence the line before said is not there (Open WebUI's
    `config_id_seq`, kept by its `config` table renamed `config_old`). Not one a serial column hands over."""
    whole = {c.sequence.key: c for c in changes if (isinstance(c, CreateSequence) and not c.from_serial)
             or (isinstance(c, DropSequence) and not c.to_serial)}
    out: list[Change] = []
    owners: dict[int, str] = {}
    for c in changes:
        if isinstance(c, SetSequenceOwner) and c.sequence.key in whole:
            owner = c.owned_by if isinstance(whole[c.sequence.key], CreateSequence) else c.old_owner
            if owner is not None:
                owners[id(whole[c.sequence.key])] = f" (owned by {'.'.join(owner[1:] if owner[0] == 'public' else owner)})"
            continue
        out.append(c)
    return out, owners


def _pair_key(c: Change, real: bool = False) -> tuple[str, ...] | None:
    """What pairs a drop with an add of the same object: its name, or (`real`) the name the server has."""
    if isinstance(c, DropIndex):
        return ("-", "index", c.table, _name(c.index, real))  # type: ignore[return-value]
    if isinstance(c, CreateIndex):
        return ("+", "index", c.table, _name(c.index, real))  # type: ignore[return-value]
    if isinstance(c, (DropUnique, DropForeignKey, DropCheck, DropExclusion)):
        return ("-", "constraint", c.table, _name(_obj(c), real))  # type: ignore[return-value]
    if isinstance(c, (AddUnique, AddForeignKey, AddCheck, AddExclusion)):
        return ("+", "constraint", c.table, _name(_obj(c), real))  # type: ignore[return-value]
    if isinstance(c, SetPrimaryKey) and (c.old is None) != (c.new is None):
        return ("-" if c.new is None else "+", "pk", c.table, "")  # type: ignore[return-value]
    if isinstance(c, (DropPolicy, CreatePolicy)):  # a policy made again (its command or kind changed): one line
        return ("-" if isinstance(c, DropPolicy) else "+", "policy", c.table, c.policy.name)  # type: ignore[return-value]
    if isinstance(c, (DropObject, CreateObject)):  # a view, function, … made again: one line
        return ("-" if isinstance(c, DropObject) else "+", "object", (c.obj.kind, *c.obj.key), "")  # type: ignore[return-value]
    return None


def _name(obj: Any, real: bool) -> str:
    return str(getattr(obj, "server_name", None) or obj.name) if real else str(obj.name)


def _label(o: Any, n: Any) -> str:
    """The name a `~` line gives: the object's, or the server's when only that one pairs the two."""
    return str(n.name) if o.name == n.name else _name(n, True)


def _obj(c: Any) -> Any:
    for f in ("unique", "foreign_key", "fk", "check", "constraint"):
        if hasattr(c, f):
            return getattr(c, f)
    raise AttributeError(type(c).__name__)  # pragma: no cover


def _q(key: tuple[str, str]) -> str:
    return key[1] if key[0] == "public" else f"{key[0]}.{key[1]}"


def _pk_changed(old_c: SetPrimaryKey, new_c: SetPrimaryKey) -> str:
    o, n = old_c.old, new_c.new
    assert o is not None and n is not None
    table = old_c.table[1]
    parts = []
    if o.columns != n.columns:
        parts.append(f"({', '.join(o.columns)}) → ({', '.join(n.columns)})")
    def follows(pk: Any) -> bool:  # a name no one chose: none, PostgreSQL's `<table>_pkey`, or drizzle-kit's
        name = pk.server_name or pk.name  # name for a composite key, made of its columns
        return name in (None, implicit_pkey_name(table), f"{table}_{'_'.join(pk.columns)}_pk")
    # a name that only follows the columns (SQLite stores none: mizzle names the key as drizzle-kit does) is
    # no difference of its own (fiberplane/fpx: a hand-reordered key read "name a_x_y_pk → a_y_x_pk" too; Open
    # WebUI's folder key, unnamed in its model and given user_id by its Alembic history, read
    # "name (default) → folder_pkey", the very name of an unnamed key)
    if (o.name or None) != (n.name or None) and not (o.columns != n.columns and follows(o) and follows(n)):
        parts.append(f"name {o.name or '(default)'} → {n.name or '(default)'}")
    if o.deferrable != n.deferrable:
        parts.append(f"deferrable {o.deferrable or 'no'} → {n.deferrable or 'no'}")
    return f"~ primary key on {_q(old_c.table)}: {', '.join(parts) or 'changed'}"


def _changed(old_c: Any, new_c: Any, r: SqlReader) -> str:
    if isinstance(old_c, SetPrimaryKey):
        return _pk_changed(old_c, new_c)
    if isinstance(old_c, DropIndex):
        return f"~ index {_label(old_c.index, new_c.index)} on {_q(new_c.table)}: " \
            f"{_index_diff(old_c.index, new_c.index, r)}"
    if isinstance(old_c, DropObject):
        return what_differs(old_c.obj, new_c.obj)
    if isinstance(old_c, DropPolicy):
        return _policy_diff(new_c.table, old_c.policy, new_c.policy, r)
    o, n = _obj(old_c), _obj(new_c)
    kind = {DropUnique: "unique", DropForeignKey: "foreign key", DropCheck: "check"}.get(type(old_c), "constraint")
    if kind == "check":
        flags = [f"{f.replace('_', ' ')} {_v(getattr(o, f))} → {_v(getattr(n, f))}"
                 for f in ("not_valid", "no_inherit") if getattr(o, f) != getattr(n, f)]
        # the condition only when it differs in meaning: a check added NOT VALID by hand whose text the server
        # re-spelled ("t"."c" → c) differs in its flag alone, and the line says so; one made again over a retyped
        # column is unchanged in either spelling (mlflow's runs_status_check: the server's `= ANY (ARRAY[…])`, the
        # code's `IN (…)`)
        same = o.expression == n.expression or r.expression_key(o.expression) == r.expression_key(n.expression)
        what = ", ".join([*([] if same else [f"{o.expression} → {n.expression}"]), *flags]) or \
            ("dropped and added again, unchanged (a column it reads changes type)" if same
             else f"{o.expression} → {n.expression}")
        return f"~ check {n.name} on {_q(new_c.table)}: {what}"
    fields = [f for f in o.__dataclass_fields__ if f not in ("name", "server_name") and getattr(o, f) != getattr(n, f)]
    what = ", ".join(f"{f.replace('_', ' ')} {_v(getattr(o, f))} → {_v(getattr(n, f))}" for f in fields)
    if not what and kind == "foreign key":  # generate's plan drops it and adds it again around its key's change
        what = "dropped and added again, unchanged (the key it references changes)"
    return f"~ {kind} {_label(o, n)} on {_q(new_c.table)}: {what or 'changed'}"


def _policy_diff(table: tuple[str, str], op: Any, np_: Any, r: SqlReader) -> str:
    """`~ policy …` naming what differs, with both values; a condition only when it differs in meaning, not in
    the server's spelling of it (`"org" in (select …)` against `(org IN ( SELECT memberships.org …`)."""
    def differs(f: str) -> bool:
        a, b = getattr(op, f), getattr(np_, f)
        return a != b and (f not in ("using", "with_check") or r.expression_key(a) != r.expression_key(b))

    what = ", ".join(f"{label} {_one_line(_v(getattr(op, f)))} → {_one_line(_v(getattr(np_, f)))}"
                     for f, label in (("as_", "as"), ("for_", "for"), ("to", "to"), ("using", "using"),
                                      ("with_check", "with check")) if differs(f))
    return f"~ policy {np_.name} on {_q(table)}: {what or 'changed'}"


def _one_line(text: str) -> str:
    """An expression as the server prints it (pg_get_expr breaks lines and indents) on one line."""
    return " ".join(text.split()) if "\n" in text else text


def _v(x: Any) -> str:
    if isinstance(x, tuple):
        return "(" + ", ".join(map(str, x)) + ")"
    return "none" if x is None else str(x)


def _index_diff(o: Index, n: Index, r: SqlReader) -> str:
    parts = []
    if o.unique != n.unique:
        parts.append("unique" if n.unique else "no longer unique")
    if o.nulls_not_distinct != n.nulls_not_distinct:
        parts.append("nulls not distinct" if n.nulls_not_distinct else "nulls distinct")
    if o.method != n.method:
        parts.append(f"using {o.method} → {n.method}")
    if o.columns != n.columns:
        parts.append(f"columns {_cols(o)} → {_cols(n)}")
    if where_key(r.expression_key, o.where) != where_key(r.expression_key, n.where):
        parts.append(f"where {o.where or 'none'} → {n.where or 'none'}")
    if sorted(o.with_) != sorted(n.with_):
        parts.append(f"with {dict(o.with_)} → {dict(n.with_)}")
    if o.include != n.include:
        parts.append(f"include {_v(o.include)} → {_v(n.include)}")
    return ", ".join(parts) or "changed"


def _cols(i: Index) -> str:
    def one(c: IndexColumn) -> str:
        s = c.expression if not c.is_expression else f"({c.expression})"
        if c.collation:
            s += f" collate {c.collation}"
        if c.opclass:
            s += f" {c.opclass}"
        if not c.asc:
            s += " desc"
        if c.nulls != ("first" if not c.asc else "last"):
            s += f" nulls {c.nulls}"
        return s
    return "(" + ", ".join(one(c) for c in i.columns) + ")"


def describe(c: Change, r: SqlReader) -> str:
    """`c.describe()`, with both values for a changed column."""
    if isinstance(c, AlterColumn):
        return _column_diff(c, r)
    if isinstance(c, ReplaceObject):
        return what_differs(c.old, c.new)
    if isinstance(c, SetTableComment):
        return f"~ comment on table {_q(c.table)}: {_v(c.old and repr(c.old))} → {_v(c.new and repr(c.new))}"
    if isinstance(c, AlterPolicy):
        return _policy_diff(c.table, c.old, c.new, r)
    if isinstance(c, AlterSequence):
        fields = [f for f in c.old.__dataclass_fields__ if getattr(c.old, f) != getattr(c.new, f)]
        return f"~ sequence {_q(c.new.key)}: " + ", ".join(
            f"{f.replace('_', ' ')} {_v(getattr(c.old, f))} → {_v(getattr(c.new, f))}" for f in fields)
    return c.describe()


def _column_diff(c: AlterColumn, r: SqlReader) -> str:
    o, n = c.old, c.new
    parts = []
    if o.type != n.type:
        parts.append(f"type {o.type} → {n.type}")
    elif (o.type_schema or None) != (n.type_schema or None):
        parts.append(f"type {_typed(o)} → {_typed(n)}")
    if o.collation != n.collation:
        parts.append(f"collation {o.collation or 'default'} → {n.collation or 'default'}")
    if o.not_null != n.not_null:
        parts.append("set not null" if n.not_null else "drop not null")
    if r.default_key(o.default, o.type, o.type_schema is not None) != r.default_key(n.default, n.type,
                                                                                   n.type_schema is not None):
        if n.default is None:
            parts.append("drop default")
        elif o.default is None:
            parts.append(f"default {n.default}")
        else:
            parts.append(f"default {o.default} → {n.default}")
    if o.identity != n.identity:
        if o.identity and n.identity:
            fields = [f for f in o.identity.__dataclass_fields__ if getattr(o.identity, f) != getattr(n.identity, f)]
            parts.append("identity " + ", ".join(f"{f.replace('_', ' ')} {_v(getattr(o.identity, f))} → "
                                                 f"{_v(getattr(n.identity, f))}" for f in fields))
        else:
            parts.append("identity " + (n.identity.kind if n.identity else "dropped"))
    if r.expression_key(o.generated) != r.expression_key(n.generated):
        parts.append(f"generated {o.generated or 'none'} → {n.generated or 'none'}")
    if o.generated and n.generated and o.generated_virtual != n.generated_virtual:
        parts.append(f"generated {_kind(o)} → {_kind(n)}")
    if (o.comment or None) != (n.comment or None):
        parts.append(f"comment {o.comment!r} → {n.comment!r}")
    return f"~ column {_q(c.table)}.{n.name}: {', '.join(parts) or 'changed'}"


def _typed(c: Column) -> str:
    """The column's type, qualified where it names its schema (an enum's): for two sides that differ in that only
    (`interval` against `public.interval`, a type of the server's own that a snapshot places in a schema)."""
    return f"{c.type_schema}.{c.type}" if c.type_schema else c.type


def _kind(c: Column) -> str:
    return "virtual" if c.generated_virtual else "stored"


def table_of(model: Schema, key: tuple[str, str]) -> Table | None:
    return model.table(*key)


__all__ = ["canonical", "align", "compare", "lines", "describe", "describe_all"]

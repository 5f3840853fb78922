"""Three-way merge of schema models: `ours` plus the changes that turned `base` into `theirs`.

Used by `rebase` (an incoming branch's migration replayed on top of the existing branch) and by `revert` of
an older migration (its inverse replayed on top of the latest snapshot). Objects are matched by key down to
a table's members (columns, indexes, constraints), so changes to different members of one table merge; an
object both sides changed is a conflict, named in the result."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

from .model import Column, Schema, Table, make_schema
from .retype import same_type
from .security import Security, make_security

T = TypeVar("T")


@dataclass
class MergeResult:
    schema: Schema
    conflicts: list[str] = field(default_factory=list)  # objects both sides changed ("table users", …)

    @property
    def ok(self) -> bool:
        return not self.conflicts


def _q(key: tuple[str, str]) -> str:
    return key[1] if key[0] == "public" else f"{key[0]}.{key[1]}"


class _Merger:
    def __init__(self, same_change_conflicts: bool) -> None:
        # rebase: both branches making the same change still conflicts (each SQL file would run it);
        # revert: a later migration that already undid the change leaves nothing to do
        self.same_change_conflicts = same_change_conflicts
        self.conflicts: list[str] = []

    def keyed(self, base: Iterable[T], ours: Iterable[T], theirs: Iterable[T], key: Callable[[T], Any],
              label: Callable[[Any], str], deep: Callable[[T, T, T], T] | None = None) -> list[T]:
        b = {key(x): x for x in base}
        o = {key(x): x for x in ours}
        t = {key(x): x for x in theirs}
        out: list[T] = []
        for k in list(o) + [k for k in t if k not in o]:
            r = self.one(b.get(k), o.get(k), t.get(k), label(k), deep)
            if r is not None:
                out.append(r)
        return out

    def one(self, b: Any, o: Any, t: Any, label: str, deep: Callable[[Any, Any, Any], Any] | None = None) -> Any:
        if o == t:
            if o != b and self.same_change_conflicts:
                if deep is not None and b is not None and o is not None:
                    return deep(b, o, t)  # names the members both changed
                self.conflicts.append(label)
            return o
        if t == b:
            return o
        if o == b:
            return t
        if deep is not None and b is not None and o is not None and t is not None:
            return deep(b, o, t)
        self.conflicts.append(label)
        return o

    def table(self, b: Table, o: Table, t: Table) -> Table:
        name = _q(o.key)
        return replace(
            o,
            columns=tuple(self.keyed(b.columns, o.columns, t.columns, lambda c: c.name,
                                     lambda k: f"column {name}.{k}")),
            indexes=tuple(self.keyed(b.indexes, o.indexes, t.indexes, lambda i: i.name,
                                     lambda k: f"index {k} on {name}")),
            foreign_keys=tuple(self.keyed(b.foreign_keys, o.foreign_keys, t.foreign_keys, lambda f: f.name,
                                          lambda k: f"foreign key {k} on {name}")),
            uniques=tuple(self.keyed(b.uniques, o.uniques, t.uniques, lambda u: u.name,
                                     lambda k: f"unique constraint {k} on {name}")),
            checks=tuple(self.keyed(b.checks, o.checks, t.checks, lambda c: c.name,
                                    lambda k: f"check constraint {k} on {name}")),
            primary_key=self.one(b.primary_key, o.primary_key, t.primary_key, f"primary key of {name}"),
            comment=self.one(b.comment, o.comment, t.comment, f"comment on {name}"),
            extras=tuple(self.keyed(b.extras, o.extras, t.extras, lambda e: e[0],
                                    lambda k: f"{k} of {name}")),
            policies=tuple(self.keyed(b.policies, o.policies, t.policies, lambda p: p.name,
                                      lambda k: f"policy {k} on {name}")),
            rls=self.one(b.rls, o.rls, t.rls, f"row level security of {name}"),
            force_rls=self.one(b.force_rls, o.force_rls, t.force_rls, f"forced row level security of {name}"),
            comments=tuple(self.keyed(b.comments, o.comments, t.comments, lambda c: c[:2],
                                      lambda k: f"comment on {k[0]} {k[1]} of {name}")),
        )

    def security(self, b: Security, o: Security, t: Security) -> Security:
        """Each kind by name; a kind a side does not track is the other's."""
        out: dict[str, Any] = {}
        keys: tuple[tuple[str, Callable[[Any], Any]], ...] = (
            ("extensions", lambda x: x.name), ("roles", lambda x: x.name), ("grants", lambda x: x.key))
        for kind, key in keys:
            bk, ok, tk = getattr(b, kind), getattr(o, kind), getattr(t, kind)
            if ok is None or tk is None:
                out[kind] = ok if tk is None else tk
            else:
                out[kind] = self.keyed(bk or (), ok, tk, key, partial(_labelled, kind[:-1]))
        return make_security(**out)


def _labelled(kind: str, key: Any) -> str:
    return f"{kind} {key}"


def merge(base: Schema, ours: Schema, theirs: Schema, same_change_conflicts: bool = True) -> MergeResult:
    """`ours` + (`theirs` − `base`). Conflicts name each object changed on both sides, and each reference the
    merge left dangling (an index on a column the other side dropped or renamed, …)."""
    m = _Merger(same_change_conflicts)
    schemas = m.keyed(base.schemas, ours.schemas, theirs.schemas, lambda s: s, lambda k: f"schema {k}")
    enums = m.keyed(base.enums, ours.enums, theirs.enums, lambda e: e.key, lambda k: f"enum {_q(k)}")
    sequences = m.keyed(base.sequences, ours.sequences, theirs.sequences, lambda s: s.key,
                        lambda k: f"sequence {_q(k)}")
    tables = m.keyed(base.tables, ours.tables, theirs.tables, lambda t: t.key, lambda k: f"table {_q(k)}",
                     deep=m.table)
    extras = m.keyed(base.extras, ours.extras, theirs.extras, lambda e: e[0], lambda k: f"{k} (snapshot section)")
    objects = m.keyed(base.objects.all(), ours.objects.all(), theirs.objects.all(), lambda o: (o.kind, *o.key),
                      lambda k: f"{k[0]} {'.'.join(k[1:])}")
    result = make_schema(ours.dialect, tables, enums, sequences, schemas, extras, objects=objects,
                         security=m.security(base.security, ours.security, theirs.security))
    conflicts = list(dict.fromkeys(m.conflicts))
    if not conflicts:
        conflicts = dangling_references(result) + keys_over_retyped_columns(base, ours, theirs, result)
    return MergeResult(result, conflicts)


def keys_over_retyped_columns(base: Schema, ours: Schema, theirs: Schema, result: Schema) -> list[str]:
    """A foreign key one side added (or changed) over a column, on either of its sides, whose type the other side
    changed: the key was made for the types it saw, and PostgreSQL refuses it once they part ("Key columns … are of
    incompatible types": reverting reactive-resume's uuid → text of resume.id under a later table whose text
    column references it)."""
    def column(s: Schema, table: tuple[str, str], name: str) -> Column | None:
        t = s.table(*table)
        return t.column(name) if t is not None else None

    def retyped(side: Schema, table: tuple[str, str], name: str) -> bool:
        # a type spelled otherwise but the same on the server (an array's dimensions, text[][] / text[]) is none
        was, now = column(base, table, name), column(side, table, name)
        return was is not None and now is not None and not same_type(was, now)

    out: list[str] = []
    for t in result.tables:
        for f in t.foreign_keys:
            bt = base.table(*t.key)
            if bt is not None and f in bt.foreign_keys:
                continue  # neither side made it
            used = [(t.key, c) for c in f.columns] + [((f.ref_schema, f.ref_table), c) for c in f.ref_columns]
            for maker, other in ((ours, theirs), (theirs, ours)):
                mt = maker.table(*t.key)
                if mt is None or f not in mt.foreign_keys:
                    continue
                hit = [f"{_q(k)}.{c}" for k, c in used if retyped(other, k, c) and not retyped(maker, k, c)]
                if hit:
                    out.append(f"foreign key {f.name} on {_q(t.key)} was made over column(s) {', '.join(hit)}, "
                               "whose type the other side changes")
                    break
    return out


def dangling_references(s: Schema) -> list[str]:
    """References to objects the schema does not have: what a clean-looking merge can still break. A table's
    columns are those it has in the database: a partition's index on a column of its partitioned table (pagila's
    payment_p2022_01) is no dangling reference."""
    from .lineage import all_columns

    out: list[str] = []
    enums = {e.key for e in s.enums}
    for t in s.tables:
        name = _q(t.key)
        cols = {c.name for c in all_columns(s, t)}

        def missing(what: str, used: Iterable[str], t_name: str = name, have: set[str] = cols) -> None:
            gone = [c for c in used if c not in have]
            if gone:
                out.append(f"{what} on {t_name} uses column(s) {', '.join(gone)}, which the table no longer has")

        for ix in t.indexes:
            missing(f"index {ix.name}", ix.column_names)
        for u in t.uniques:
            missing(f"unique constraint {u.name}", u.columns)
        if t.primary_key:
            missing("the primary key", t.primary_key.columns)
        for fk in t.foreign_keys:
            missing(f"foreign key {fk.name}", fk.columns)
            ref = s.table(fk.ref_schema, fk.ref_table)
            if ref is None:
                out.append(f"foreign key {fk.name} on {name} references table {_q((fk.ref_schema, fk.ref_table))}, "
                           "which no longer exists")
            else:
                missing(f"foreign key {fk.name} (referenced side)", fk.ref_columns, _q(ref.key),
                        {c.name for c in all_columns(s, ref)})
        for c in t.columns:
            if c.type_schema and (c.type_schema, c.base_type) not in enums:
                out.append(f"column {name}.{c.name} uses enum {_q((c.type_schema, c.base_type))}, which no longer "
                           "exists")
    return out

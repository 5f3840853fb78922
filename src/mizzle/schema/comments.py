"""The diff of the comments on indexes, constraints and enum types (COMMENT ON INDEX / CONSTRAINT / TYPE), one
step of schema/diff.py's `diff`: a comment changed, added or removed on an object that stays is set in place; an
object made in the same migration (a new table's, an index or constraint dropped and added again, an enum made or
rebuilt) gets its comment after it is made. They run with the grants, once every object is made."""

from __future__ import annotations

from typing import Any

from .changes import (
    AddCheck,
    AddForeignKey,
    AddUnique,
    Change,
    CreateEnum,
    CreateIndex,
    CreateTable,
    RecreateEnum,
    RenameConstraint,
    SetComment,
    SetPrimaryKey,
    TableKey,
)
from .model import PrimaryKey, Table
from .naming import implicit_pkey_name
from .table_features import AddExclusion


def pk_name(table: str, pk: PrimaryKey) -> str:
    """The name PostgreSQL has for the key: its own, the one kept through a rename, or `<table>_pkey`."""
    return pk.server_name or pk.name or implicit_pkey_name(table)


def _made(changes: list[Change]) -> tuple[set[TableKey], set[tuple[TableKey, str]]]:
    """The tables made, and the (table, name) of the indexes and constraints made, by `changes`."""
    tables: set[TableKey] = set()
    named: set[tuple[TableKey, str]] = set()
    for c in changes:
        if isinstance(c, CreateTable):
            tables.add(c.table.key)
        elif isinstance(c, SetPrimaryKey) and c.new is not None:
            named.add((c.table, pk_name(c.table[1], c.new)))
        else:
            obj: Any = getattr(c, {CreateIndex: "index", AddUnique: "unique", AddCheck: "check",
                                   AddForeignKey: "fk", AddExclusion: "constraint"}.get(type(c), ""), None)
            if obj is not None:
                named.add((c.table, obj.name))  # type: ignore[attr-defined]
    return tables, named


def _table_comments(prev: Table | None, t: Table, made: bool, named: set[tuple[TableKey, str]],
                    renamed: dict[tuple[TableKey, str], RenameConstraint]) -> list[Change]:
    old = {(k, n): x for k, n, x in prev.comments} if prev is not None and not made else {}
    # a renamed index or constraint keeps its comment on the server (ALTER … RENAME): compared under its new name
    for (key, _), r in renamed.items():
        if key == t.key:
            for kind in ("index",) if r.index else ("index", "constraint"):
                if (kind, r.old) in old:
                    old[(kind, r.new)] = old.pop((kind, r.old))
    new = {(k, n): x for k, n, x in t.comments}
    out: list[Change] = []
    for (kind, name), text in new.items():
        was = None if (t.key, name) in named else old.get((kind, name))
        if was != text:
            out.append(SetComment(kind, t.schema, name, t.key, was, text))
    for (kind, name), text in old.items():
        if (kind, name) not in new and (t.key, name) not in named and _still_there(t, kind, name):
            out.append(SetComment(kind, t.schema, name, t.key, text, None))
    return out


def _still_there(t: Table, kind: str, name: str) -> bool:
    """Whether the table still has the index or constraint (one dropped takes its comment along). The primary key
    is both: a constraint and the index of the same name under it (apgdiff's `COMMENT ON INDEX test_pkey`)."""
    key = {pk_name(t.name, t.primary_key)} if t.primary_key else set()
    names = {i.name for i in t.indexes} | {u.name for u in t.uniques} | {x.name for x in t.excludes} | key
    if kind == "constraint":
        names = {u.name for u in t.uniques} | {c.name for c in t.checks} | {f.name for f in t.foreign_keys} | \
            {x.name for x in t.excludes} | key
    return name in names


def comments_step(st: Any) -> None:
    """The step of schema/diff.py's `diff` (st: its DiffState)."""
    ph = st.ph
    changes = [*ph.early, *ph.enum_rebuilds, *ph.creates, *ph.cons, *ph.fks, *ph.idx]
    tables, named = _made(changes)
    renamed = {(c.table, c.new): c for c in ph.in_order() if isinstance(c, RenameConstraint)}
    out: list[Change] = []
    for t in st.new.tables:
        prev = st.old.table(t.schema, t.name)
        if t.comments or (prev is not None and prev.comments):
            out.extend(_table_comments(prev, t, t.key in tables, named, renamed))
    remade = {c.new.key for c in changes if isinstance(c, RecreateEnum)} | \
        {c.enum.key for c in changes if isinstance(c, CreateEnum)}
    for e in st.new.enums:
        prev_e = st.old.enum(e.schema, e.name)
        was = None if prev_e is None or e.key in remade else prev_e.comment
        if was != e.comment and (e.comment is not None or e.key not in remade):
            out.append(SetComment("type", e.schema, e.name, None, was, e.comment))
    ph.security.extend(out)

"""Composite types a table column uses, directly or through an array, a domain or another composite type.

PostgreSQL adds and drops such a type's attributes in place, but refuses to change one's type
(`cannot alter type "money_type" because column "account.balance" uses it`, CASCADE or not) and to drop the type
to make it again with its attributes in another order. `generate` refuses those changes with one line naming the
type, the columns using it and what to do instead, rather than write a migration the server rejects.

A column given another composite type (the way around: the new attributes under another name) is converted
attribute by attribute, matched by name: PostgreSQL has no cast from one composite type to another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..errors import UsageError
from .changes import AlterColumn, Change
from .model import Column, Schema
from .object_changes import AlterComposite
from .objects import CompositeType, Domain
from .row_types import type_names


def types_used(x: Domain | CompositeType) -> set[tuple[str, str]]:
    """(schema, name) of the types a domain (its base type) or a composite type (its attributes' types) may name."""
    if isinstance(x, Domain):
        return type_names(x.type, x.schema)
    return {k for _, t in x.attributes for k in type_names(t, x.schema)}


def columns_using(schema: Schema, key: tuple[str, ...]) -> list[str]:
    """`schema.table.column` of each column of `schema` whose type is the type `key`, an array of it, or a domain
    or composite type built on it (at any depth)."""
    reach = {(key[0], key[1])}
    types: list[Domain | CompositeType] = [*schema.objects.domains, *schema.objects.composites]
    grown = True
    while grown:
        more = {(x.schema, x.name) for x in types if types_used(x) & reach} - reach
        reach |= more
        grown = bool(more)
    return [f"{t.qualified}.{c.name}" for t in schema.tables for c in t.columns
            if type_names(c.type, c.type_schema or t.schema) & reach]


def refuse_rebuilding_types_in_use(old: Schema, changes: Iterable[Change]) -> None:
    """UsageError for the first composite type altered where PostgreSQL cannot while a column uses it."""
    for c in changes:
        if not isinstance(c, AlterComposite) or not (c.retyped or c.reordered):
            continue
        using = columns_using(old, c.old.key)
        if not using:
            continue
        if c.retyped:
            how = "changes the type of " + ", ".join(f"attribute {n} ({a} → {b})" for n, a, b in c.retyped)
        else:
            how = "reorders its attributes (" + ", ".join(n for n, _ in c.old.attributes) + " → " + \
                ", ".join(n for n, _ in c.new.attributes) + ")"
        cols = ("column " if len(using) == 1 else "columns ") + ", ".join(using)
        raise UsageError(
            f"{c.new.label}: the change {how}, which PostgreSQL refuses while {cols} "
            f"{'uses' if len(using) == 1 else 'use'} it: declare the new attributes as a composite type of another "
            f"name and give the {'column' if len(using) == 1 else 'columns'} that type (the migration converts "
            f"each value and drops {c.old.name}), or only add and drop attributes, which it does in place")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _composite_of(schema: Schema, c: Column, table_schema: str, array: bool = False) -> CompositeType | None:
    """The composite type of `schema` that column `c` is of (`array`: an array of)."""
    if c.type.rstrip().endswith("]") != array:
        return None
    keys = type_names(c.type, c.type_schema or table_schema)
    return next((t for t in schema.objects.composites if (t.schema, t.name) in keys), None)


def _refuse_array_conversion(c: AlterColumn, old: Schema, new: Schema) -> None:
    """UsageError where an array of one composite type is given an array of another: PostgreSQL casts neither (`cannot
    cast type money_type[] to money_type2[]`) and allows no subquery in ALTER COLUMN … USING, which unnesting each
    array would need."""
    a, b = _composite_of(old, c.old, c.table[0], array=True), _composite_of(new, c.new, c.table[0], array=True)
    if a is None or b is None or a.key == b.key:
        return
    column = f"{c.table[0]}.{c.table[1]}.{c.new.name}"
    raise UsageError(
        f"column {column}: an array of composite type {a.name} given an array of {b.name}, which PostgreSQL can "
        f"neither cast nor convert in ALTER COLUMN … USING (no subquery there): add a column of the new type, fill it "
        f"with UPDATE … SET … = ARRAY(SELECT ROW(…)::{b.name} FROM unnest(…)) in a migration of your own "
        f"(`mizzle generate --custom`), then drop the old column")


def composite_conversion(column: str, old: CompositeType, new: CompositeType) -> str:
    """The USING expression turning a value of `old` into one of `new`: each attribute of `new` from `old`'s of that
    name (cast where its type changes), NULL where `old` has none; a NULL value stays NULL (a row of NULLs stays
    one)."""
    was = dict(old.attributes)
    parts = [f"({_q(column)}).{_q(n)}" + ("" if was[n] == t else f"::{t}") if n in was else f"NULL::{t}"
             for n, t in new.attributes]
    return (f"CASE WHEN {_q(column)} IS DISTINCT FROM NULL THEN ROW({', '.join(parts)})::"
            f"{_q(new.schema)}.{_q(new.name)} END")


def convert_between_composites(old: Schema, new: Schema, changes: list[Change]) -> None:
    """Each column in `changes` given another composite type, without a USING of the schema code's, given the
    attribute-by-attribute conversion; an array of one given an array of another refused (UsageError)."""
    for i, c in enumerate(changes):
        if not isinstance(c, AlterColumn) or c.new.using is not None:
            continue
        _refuse_array_conversion(c, old, new)
        a, b = _composite_of(old, c.old, c.table[0]), _composite_of(new, c.new, c.table[0])
        if a is not None and b is not None and a.key != b.key:
            changes[i] = replace(c, new=replace(c.new, using=composite_conversion(c.new.name, a, b)))

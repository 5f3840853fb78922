"""Composite types a table column uses, directly or through an array, a domain or another composite type.

PostgreSQL adds and drops such a type's attributes in place, but refuses to change one's type
(`cannot alter type "money_type" because column "account.balance" uses it`, CASCADE or not) and to drop the type
to make it again with its attributes in another order. `generate` refuses those changes with one line naming the
type, the columns using it and what to do instead, rather than write a migration the server rejects.

A column given another composite type (the way around: the new attributes under another name) is converted
attribute by attribute, matched by name, by the dialect (dialects/postgres/composites.py): PostgreSQL has no cast
from one composite type to another. An array of one given an array of another is refused here.

A domain given another base type is dropped and made again (PostgreSQL has no `ALTER DOMAIN … TYPE`), which
`DROP DOMAIN` refuses while a column uses it: refused here the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import UsageError
from .changes import AlterColumn, Change, DropColumn, DropTable, RecreateEnum
from .model import DEFAULT_SCHEMA, Column, Schema
from .object_changes import AlterComposite, CreateObject, DropObject
from .objects import CompositeType, Domain
from .row_types import type_names


def types_used(x: Domain | CompositeType) -> set[tuple[str, str]]:
    """(schema, name) of the types a domain (its base type) or a composite type (its attributes' types) may name."""
    if isinstance(x, Domain):
        return type_names(x.type, x.schema)
    return {k for _, t in x.attributes for k in type_names(t, x.schema)}


def column_type_keys(c: Column, table_schema: str) -> set[tuple[str, str]]:
    """(schema, name) the type of column `c` may name. The model holds the canonical type, a quoted name's case kept
    without its quotes (AdventureWorks' `"Phone"` domain is `Phone`): that exact name counts as well as the name as
    the server would read it unquoted."""
    schema = c.type_schema or table_schema
    keys = type_names(c.type, schema)
    bare = c.type.rstrip("[] ")
    if bare and not any(ch in bare for ch in ' ."()'):
        keys |= {(schema, bare), (DEFAULT_SCHEMA, bare)}
    return keys


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
            if column_type_keys(c, t.schema) & reach]


def _leaving(changes: list[Change], key: tuple[str, ...]) -> set[str]:
    """`schema.table.column` of each column of the type `key` itself (or an array of it) that `changes` drop, drop
    the table of, or give another type: schema/order.py runs those before the type's own change (its row type
    released), so they do not hold it. A column of a domain or composite type built on it is not followed there,
    and so not here."""
    def direct(c: Column, table_schema: str) -> bool:
        return (key[0], key[1]) in column_type_keys(c, table_schema)

    out: set[str] = set()
    for c in changes:
        if isinstance(c, DropTable):
            out.update(f"{c.table.qualified}.{col.name}" for col in c.table.columns if direct(col, c.table.schema))
        elif isinstance(c, DropColumn) and direct(c.column, c.table[0]):
            out.add(f"{c.table[0]}.{c.table[1]}.{c.column.name}")
        elif isinstance(c, AlterColumn) and direct(c.old, c.table[0]) and not direct(c.new, c.table[0]) \
                and c.old.name == c.new.name:
            out.add(f"{c.table[0]}.{c.table[1]}.{c.old.name}")
    return out


def refuse_rebuilding_types_in_use(old: Schema, changes: Iterable[Change]) -> None:
    """UsageError for the first composite type altered, or domain given another base type, where PostgreSQL cannot
    while a column uses it."""
    changes = list(changes)
    _refuse_rebasing_domains_in_use(old, changes)
    _refuse_rebuilding_enums_under_types(old, changes)
    for c in changes:
        if not isinstance(c, AlterComposite) or not (c.retyped or c.reordered):
            continue
        gone = _leaving(changes, c.old.key)
        using = [u for u in columns_using(old, c.old.key) if u not in gone]
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


def _refuse_rebuilding_enums_under_types(old: Schema, changes: list[Change]) -> None:
    """An enum losing or reordering values is rebuilt (DROP TYPE, CREATE TYPE), which PostgreSQL refuses while a
    domain or a composite type is built on it ("type st_d depends on type job_status"); the rebuild converts only
    the columns of the enum itself: UsageError naming the types and what to do instead."""
    for c in changes:
        if not isinstance(c, RecreateEnum):
            continue
        key = (c.old.schema, c.old.name)
        types: list[Domain | CompositeType] = [*old.objects.domains, *old.objects.composites]
        built = [x for x in types if key in types_used(x)]
        if not built:
            continue
        on = ", ".join(("domain " if isinstance(x, Domain) else "composite type ") + f"{x.schema}.{x.name}"
                       for x in built)
        raise UsageError(
            f"enum {c.old.schema}.{c.old.name}: the change removes or reorders values, which rebuilds it (DROP TYPE, "
            f"CREATE TYPE), and PostgreSQL refuses DROP TYPE while {on} {'is' if len(built) == 1 else 'are'} built on "
            "it: keep its values and only add new ones (added in place), or write the change in a migration of your "
            "own (`mizzle generate --custom`)")


def _refuse_rebasing_domains_in_use(old: Schema, changes: list[Change]) -> None:
    """A domain given another base type is dropped and made again (PostgreSQL has no `ALTER DOMAIN … TYPE`), and
    `DROP DOMAIN` fails while a column uses it (AdventureWorks' `Phone`, `varchar(25)` → `varchar(30)`, under
    person.personphone.phonenumber): UsageError naming the domain, the columns and what to do instead. A column
    that the same change drops or retypes counts too: the domain is dropped before the tables change."""
    made = {c.obj.key: c.obj for c in changes if isinstance(c, CreateObject) and isinstance(c.obj, Domain)}
    for c in changes:
        if not isinstance(c, DropObject) or not isinstance(c.obj, Domain) or c.obj.key not in made:
            continue
        using = columns_using(old, c.obj.key)
        if not using:
            continue
        new = made[c.obj.key]
        one = len(using) == 1
        cols = ("column " if one else "columns ") + ", ".join(using)
        raise UsageError(
            f"{new.label}: the change gives it another base type ({c.obj.type} → {new.type}), which PostgreSQL "
            f"cannot do in place, and DROP DOMAIN fails while {cols} {'uses' if one else 'use'} it: declare the new "
            f"domain under another name and give the {'column' if one else 'columns'} that type (the migration "
            f"converts {'it' if one else 'them'} and drops {c.obj.name} once nothing uses it)")


def composite_of(schema: Schema, c: Column, table_schema: str, array: bool = False) -> CompositeType | None:
    """The composite type of `schema` that column `c` is of (`array`: an array of)."""
    if c.type.rstrip().endswith("]") != array:
        return None
    keys = column_type_keys(c, table_schema)
    return next((t for t in schema.objects.composites if (t.schema, t.name) in keys), None)


def refuse_converting_composite_arrays(old: Schema, new: Schema, changes: Iterable[Change]) -> None:
    """UsageError where an array of one composite type is given an array of another: PostgreSQL casts neither (`cannot
    cast type money_type[] to money_type2[]`) and allows no subquery in ALTER COLUMN … USING, which unnesting each
    array would need. (A column of one composite type given another is converted: the dialect's rewrite_changes.)"""
    for c in changes:
        if not isinstance(c, AlterColumn) or c.new.using is not None:
            continue
        a, b = composite_of(old, c.old, c.table[0], array=True), composite_of(new, c.new, c.table[0], array=True)
        if a is None or b is None or a.key == b.key:
            continue
        column = f"{c.table[0]}.{c.table[1]}.{c.new.name}"
        raise UsageError(
            f"column {column}: an array of composite type {a.name} given an array of {b.name}, which PostgreSQL can "
            f"neither cast nor convert in ALTER COLUMN … USING (no subquery there): add a column of the new type, fill "
            f"it with UPDATE … SET … = ARRAY(SELECT ROW(…)::{b.name} FROM unnest(…)) in a migration of your own "
            f"(`mizzle generate --custom`), then drop the old column")

"""PostgreSQL's shared name spaces, checked on the model of the schema code before any SQL is written: two objects
of one name where the server keeps them in one name space (create_all fails on them too).

A schema's relations (tables, views, materialized views, sequences — a serial or identity column's own included —
and indexes, those behind unique constraints, primary keys and exclusion constraints included) share one name
space; so do its types (enums, domains, composite types, and the row type every table and view has, of its name).
Left to the server, the second object fails the migration (`type "statuses" already exists`), and a migration
made idempotent (`IF NOT EXISTS`) skips it without a word.

A table's constraints (its primary key, uniques, exclusion constraints, foreign keys and checks) share one name
space of their own: two of one name fail the migration (`constraint … for relation … already exists`), whatever
their kinds (drizzle-kit's names of a composite key and a foreign key of a long table, cut to the same 63 bytes).

Names longer than 63 bytes are refused too: the server cuts them (a NOTICE only), and the model, holding the whole
name, then differs from the database forever (drift, verify)."""

from __future__ import annotations

from collections.abc import Iterator

from ...errors import SchemaLoadError
from ...schema.model import DEFAULT_SCHEMA, Schema, Table
from ...schema.naming import (
    MAX_IDENTIFIER_BYTES,
    implicit_pkey_name,
    pk_name,
    serial_sequence_name,
    truncate_identifier,
    unique_name,
)

_SPACES = {"relation": "a schema's tables, views, sequences and indexes",
           "type": "a schema's types (enums, domains, composite types, and the row type of every table and view)"}


def refuse_shared_names(model: Schema) -> None:
    """Refuse two objects of one name in a name space of one schema (see the module docstring)."""
    for space, named in (("relation", _relations(model)), ("type", _types(model))):
        seen: dict[tuple[str, str], str] = {}
        for schema, name, what in named:
            first = seen.get((schema, name))
            seen.setdefault((schema, name), what)
            if first is not None:  # the same label twice (ethyca-fides): two objects of one kind, name and table
                both = f"two of {what}" if first == what else f"{first} and {what}"
                raise SchemaLoadError(
                    f"{both} have one name, {schema}.{name}: PostgreSQL keeps {_SPACES[space]} in one "
                    "name space, and the migration would fail on the second (`already exists`); "
                    + (_CUT_ALIKE if name in _drizzle_default_names(model) else "rename one"))
    for t in model.tables:
        _refuse_shared_constraint_names(t)


# warehouse's oidc_publisher_project_association: its key (a, b, id) and UNIQUE (a, b), both unnamed in the code
_CUT_ALIKE = ('the schema code leaves unnamed what has this name: it is the name naming = "drizzle" gives (drizzle-kit\'s '
              "`<table>_<columns>_unique` / `_pk`, cut to 63 bytes as PostgreSQL cuts it): give one a name in the "
              'schema code (`name=`), or set naming = "postgresql" in the config (create_all\'s names: `_key`, '
              "`_pkey`)")


def _drizzle_default_names(model: Schema) -> set[str]:
    """The names of the unique constraints and composite primary keys that are drizzle-kit's defaults."""
    out = {u.name for t in model.tables for u in t.uniques if u.name == unique_name(t.name, u.columns)}
    return out | {t.primary_key.name for t in model.tables
                  if t.primary_key is not None and t.primary_key.name == pk_name(t.name, t.primary_key.columns)}


def _refuse_shared_constraint_names(t: Table) -> None:
    """Refuse two constraints of `t` of one name and different kinds (two of one kind are refused elsewhere: two
    foreign keys or checks by `refuse_repeated_constraint_names`, two uniques or keys as relations)."""
    named: list[tuple[str, str]] = []
    if t.primary_key is not None:
        named.append((t.primary_key.name or implicit_pkey_name(t.name), "primary key"))
    named += [(u.name, "unique constraint") for u in t.uniques]
    named += [(x.name, "exclusion constraint") for x in t.excludes]
    named += [(f.name, "foreign key") for f in t.foreign_keys]
    named += [(c.name, "check") for c in t.checks]
    seen: dict[str, str] = {}
    for name, kind in named:
        first = seen.setdefault(name, kind)
        if first != kind:
            label = t.name if t.schema == DEFAULT_SCHEMA else f"{t.schema}.{t.name}"
            raise SchemaLoadError(
                f"table {label}: its {first} and {kind} have one name, {name}: PostgreSQL keeps a table's "
                "constraints in one name space, and the migration would fail on the second (`already exists`); "
                'name one of them apart (`name=`), or use naming = "postgresql" (PostgreSQL\'s own names)')


def refuse_long_names(model: Schema) -> None:
    """Refuse a schema, table, column, enum, sequence or declared object whose name PostgreSQL would cut to 63
    bytes (SQLAlchemy's create_all refuses a table's or schema's; index and constraint names are refused, or cut as
    SQLAlchemy's naming convention cuts them, when they are read)."""
    named = [(n, f"schema {n}") for n in model.schemas]
    columns = set()
    for t in model.tables:
        named += [(t.name, f"table {t.schema}.{t.name}")]
        named += [(c.name, f"column {t.schema}.{t.name}.{c.name}") for c in t.columns]
        columns |= {f"column {t.schema}.{t.name}.{c.name}" for c in t.columns}
    named += [(e.name, f"enum {e.schema}.{e.name}") for e in model.enums]
    named += [(s.name, f"sequence {s.schema}.{s.name}") for s in model.sequences]
    named += [(o.name, o.label) for o in model.objects.all()]
    for name, what in named:
        size = len(name.encode("utf-8"))
        if size > MAX_IDENTIFIER_BYTES:
            cut = truncate_identifier(name)
            # a column can keep its attribute (and a database another tool made holds the cut name already)
            keep = (f", or give the column the name PostgreSQL stores and keep the attribute: mapped_column({cut!r}, "
                    f"…) or sa.Column({cut!r}, …, key={name!r})") if what in columns else ""
            raise SchemaLoadError(f"{what}: the name is {size} bytes long; PostgreSQL keeps {MAX_IDENTIFIER_BYTES} "
                                  f"(it would store {cut!r}, and the schema code would differ from the database for "
                                  f"ever); shorten it{keep}")


def _relations(model: Schema) -> Iterator[tuple[str, str, str]]:
    for t in model.tables:
        yield t.schema, t.name, f"table {t.schema}.{t.name}"
    for v in model.objects.views:
        kind = "materialized view" if v.materialized else "view"
        yield v.schema, v.name, f"{kind} {v.schema}.{v.name}"
        for vi in v.indexes:
            yield v.schema, vi.name, f"index {vi.name} on {kind} {v.name}"
    for s in model.sequences:
        yield s.schema, s.name, f"sequence {s.schema}.{s.name}"
    for t in model.tables:
        yield from _own_relations(t)


def _own_relations(t: Table) -> Iterator[tuple[str, str, str]]:
    """The sequences and indexes the server makes for a table: its serial and identity columns' sequences, its
    indexes and the indexes of its primary key, unique and exclusion constraints."""
    for c in t.columns:
        if c.is_serial or c.identity is not None:
            seq = (c.identity.sequence_name if c.identity is not None else None) or serial_sequence_name(t.name, c.name)
            yield t.schema, seq, f"sequence {seq} of {'serial' if c.is_serial else 'identity'} column {t.name}.{c.name}"
    for ix in t.indexes:
        yield t.schema, ix.name, f"index {ix.name} on {t.name}"
    for u in t.uniques:
        yield t.schema, u.name, f"unique constraint {u.name} on {t.name}"
    for x in t.excludes:
        yield t.schema, x.name, f"exclusion constraint {x.name} on {t.name}"
    if t.primary_key is not None:
        name = t.primary_key.name or implicit_pkey_name(t.name)
        yield t.schema, name, f"primary key {name} of {t.name}"


def _types(model: Schema) -> Iterator[tuple[str, str, str]]:
    for t in model.tables:
        yield t.schema, t.name, f"table {t.schema}.{t.name} (its row type)"
    for v in model.objects.views:
        kind = "materialized view" if v.materialized else "view"
        yield v.schema, v.name, f"{kind} {v.schema}.{v.name} (its row type)"
    for e in model.enums:
        yield e.schema, e.name, f"enum {e.schema}.{e.name}"
    for d in model.objects.domains:
        yield d.schema, d.name, f"domain {d.schema}.{d.name}"
    for ct in model.objects.composites:
        yield ct.schema, ct.name, f"composite type {ct.schema}.{ct.name}"

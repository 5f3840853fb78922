"""The schema model: frozen dataclasses, no I/O, no SQLAlchemy. Everything converges to it.

Collections of named objects are tuples kept sorted by name, so two models describing the same
database compare equal whatever order their sources listed things in. Columns keep their order.
Types, defaults and expressions are held in one canonical spelling (drizzle-kit's, see normalize.py).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from dataclasses import MISSING, dataclass, field, fields, replace
from functools import cached_property
from typing import Any, TypeVar

from .objects import NO_OBJECTS, Objects, make_objects
from .security import NO_SECURITY, Policy, Security

DEFAULT_SCHEMA = "public"
SERIAL_BASE = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}  # serial → its type

_T = TypeVar("_T")


def _quick_init(cls: type[_T]) -> type[_T]:
    """A frozen dataclass's __init__ that fills the instance's __dict__ in one update instead of one
    object.__setattr__ per field (what frozen=True generates): the same signature, defaults and result, about
    twice as fast — a large schema builds tens of thousands of columns and indexes, twice in `generate`."""
    params, items = [], []
    defaults: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        assert f.init and f.default_factory is MISSING, f"{cls.__name__}.{f.name}"
        if f.default is MISSING:
            params.append(f.name)
        else:
            defaults[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}=_d_{f.name}")
        items.append(f"{f.name!r}: {f.name}")
    src = f"def __init__(self, {', '.join(params)}):\n    self.__dict__.update({{{', '.join(items)}}})\n"
    namespace: dict[str, Any] = {}
    exec(src, defaults, namespace)  # noqa: S102 - source built from the dataclass's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[method-assign,misc]
    return cls


def by_name(items: Any) -> tuple[Any, ...]:
    return tuple(sorted(items, key=lambda x: x.name))


@_quick_init
@dataclass(frozen=True)
class Identity:
    kind: str  # "always" | "byDefault"
    sequence_name: str | None = None
    increment: str | None = None
    start: str | None = None
    min_value: str | None = None
    max_value: str | None = None
    cache: str | None = None
    cycle: bool = False


@_quick_init
@dataclass(frozen=True)
class Column:
    name: str
    type: str  # canonical: "integer", "varchar(255)", "timestamp (3) with time zone", "text[]", "serial", enum name
    not_null: bool = False
    default: str | None = None  # canonical SQL expression: "'x'", "42", "true", "now()"
    type_schema: str | None = None  # set for enum (and enum array) columns
    identity: Identity | None = None
    generated: str | None = None  # generated column expression (STORED unless generated_virtual)
    comment: str | None = None
    # a collation other than the type's default: the bare name (`C`, `en_US`) for one in pg_catalog or public, the
    # quoted qualified name (`"s"."c"`) otherwise (dialects/postgres/types.py canonical_collation)
    collation: str | None = None
    # SQLite: the generated column is VIRTUAL (computed when read), not STORED; PostgreSQL has STORED only
    generated_virtual: bool = False
    # drizzle-kit's snapshot `notNull` for a member of a composite primary key: whether the schema declares it
    # NOT NULL itself (the key makes it NOT NULL either way, so this is a snapshot spelling, not a change)
    declared_not_null: bool = field(default=False, compare=False)
    # the schema code's USING expression for a type change PostgreSQL has no cast for (info={"mizzle": {"using":
    # …}}): read by the plan of the change only, never stored in a snapshot, so not part of the column's identity
    using: str | None = field(default=None, compare=False)
    # PostgreSQL: the default as the server prints it, where `default` (canonical: a literal's cast to the column's
    # own type dropped) applied again would be stored otherwise — a cast with a type modifier, `'{}'::character
    # varying(24)[]` (PostgreSQL's own cast has none: `'{}'::character varying[]`), or a cast to another type than
    # the column's (`''::character varying` on a column altered to text: its own is `''::text`). Read by pull's reapplicable
    # model only (dialects/postgres/reapply.py), so that its baseline stores what the database stores
    stored_default: str | None = field(default=None, compare=False)

    @property
    def base_type(self) -> str:
        return self.type[:-2] if self.type.endswith("[]") else self.type

    @property
    def is_serial(self) -> bool:
        return self.type in SERIAL_BASE

    @property
    def stored_type(self) -> str:
        """The type the server stores: a serial's integer type (`bigserial` → `bigint`), any other as it is."""
        return SERIAL_BASE.get(self.type, self.type)


@_quick_init
@dataclass(frozen=True)
class PrimaryKey:
    columns: tuple[str, ...]
    name: str | None = None  # None: the server's default `<table>_pkey`
    deferrable: str | None = None  # None | "immediate" | "deferred"
    # an unnamed key's real name when it is not `<table>_pkey`: `<old>_pkey` kept through a table rename, or a
    # unique constraint's name (PRIMARY KEY and UNIQUE on one column: PostgreSQL keeps one, the key, so named); a
    # named key's when the server has another (`baseline`'s: `memberships_pkey` for the code's composite `…_pk`).
    # Not part of the key's definition (equality ignores it); DROP CONSTRAINT uses it.
    server_name: str | None = field(default=None, compare=False)


@_quick_init
@dataclass(frozen=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    ref_schema: str = DEFAULT_SCHEMA
    on_delete: str = "no action"
    on_update: str = "no action"
    deferrable: str | None = None  # None | "immediate" | "deferred"
    not_valid: bool = False  # added NOT VALID and not validated since
    match_full: bool = False  # MATCH FULL (MATCH SIMPLE, the default, otherwise)
    # the name the server has when it is not `name` (the schema code's): drizzle-kit 1.x keeps `<old>_…` names of
    # unnamed constraints and indexes through a table rename. Not part of the definition (equality ignores it);
    # DROP, RENAME and the 1.x snapshot use it.
    server_name: str | None = field(default=None, compare=False)

    @property
    def real_name(self) -> str:
        return self.server_name or self.name


@_quick_init
@dataclass(frozen=True)
class UniqueConstraint:
    name: str
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False
    deferrable: str | None = None  # None | "immediate" | "deferred"
    # as ForeignKey.server_name
    server_name: str | None = field(default=None, compare=False)

    @property
    def real_name(self) -> str:
        return self.server_name or self.name


@_quick_init
@dataclass(frozen=True)
class CheckConstraint:
    name: str
    expression: str
    not_valid: bool = False  # added NOT VALID and not validated since
    no_inherit: bool = False
    # the name the server has when it is not `name` (the schema code's): `baseline`'s (`users_age_check` for the
    # code's unnamed `users_check`). Not part of the definition (equality ignores it); DROP and RENAME use it
    server_name: str | None = field(default=None, compare=False)

    @property
    def real_name(self) -> str:
        return self.server_name or self.name


@_quick_init
@dataclass(frozen=True)
class ExclusionElement:
    expression: str  # a column name, or an SQL expression when is_expression
    operator: str  # `=`, `&&`, …
    is_expression: bool = False
    opclass: str | None = None


@_quick_init
@dataclass(frozen=True)
class ExclusionConstraint:
    name: str
    elements: tuple[ExclusionElement, ...]
    method: str = "gist"
    where: str | None = None
    deferrable: str | None = None  # None | "immediate" | "deferred"
    include: tuple[str, ...] = ()  # INCLUDE (columns) of its index
    with_: tuple[tuple[str, str], ...] = ()  # its index's storage parameters, WITH (fillfactor=70)


@_quick_init
@dataclass(frozen=True)
class IndexColumn:
    expression: str  # a column name, or an SQL expression when is_expression
    is_expression: bool = False
    asc: bool = True
    nulls: str = "last"  # "first" | "last" (PostgreSQL: last is the default for ASC, first for DESC)
    opclass: str | None = None
    collation: str | None = None  # COLLATE of the element when not its column's (expression's); canonical_collation


@_quick_init
@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[IndexColumn, ...]
    unique: bool = False
    method: str = "btree"
    where: str | None = None
    with_: tuple[tuple[str, str], ...] = ()
    include: tuple[str, ...] = ()
    concurrently: bool = False
    nulls_not_distinct: bool = False  # a unique index's NULLS NOT DISTINCT (PostgreSQL 15)
    server_name: str | None = field(default=None, compare=False)  # as ForeignKey.server_name
    # SQLite: the unique is a UNIQUE of its table's CREATE TABLE in the database (an automatic index,
    # sqlite_autoindex_<table>_N: create_all's, Alembic's, drizzle-kit 1.x's), not a CREATE UNIQUE INDEX of its own;
    # DROP INDEX cannot drop it, a table rebuild does. Not part of the definition (equality ignores it).
    inline: bool = field(default=False, compare=False)

    @property
    def real_name(self) -> str:
        return self.server_name or self.name

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.expression for c in self.columns if not c.is_expression)


@_quick_init
@dataclass(frozen=True)
class Table:
    name: str
    schema: str = DEFAULT_SCHEMA
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    uniques: tuple[UniqueConstraint, ...] = ()
    checks: tuple[CheckConstraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    comment: str | None = None
    unlogged: bool = False
    excludes: tuple[ExclusionConstraint, ...] = ()
    # drizzle-kit facts mizzle does not model, carried forward as JSON text
    extras: tuple[tuple[str, str], ...] = ()
    # PostgreSQL declarative partitioning and inheritance (schema/lineage.py): the partition key of a partitioned
    # table ("RANGE (at)"); the table this one is a partition of and its bound ("FOR VALUES FROM (1) TO (9)",
    # "DEFAULT"); the tables it inherits from, in order. `columns` are the table's own (local) columns only: a
    # partition has none, an inheriting table lists those it declares itself.
    partition_by: str | None = None
    partition_of: tuple[str, str] | None = None
    partition_bound: str | None = None
    inherits: tuple[tuple[str, str], ...] = ()
    rls: bool = False  # ALTER TABLE … ENABLE ROW LEVEL SECURITY
    force_rls: bool = False  # … FORCE ROW LEVEL SECURITY (the owner too)
    policies: tuple[Policy, ...] = ()  # sorted by name (schema/security.py)
    # COMMENT ON INDEX / CONSTRAINT of the table's indexes and constraints: (kind, name, text), kind "index" or
    # "constraint" (a unique constraint and its index are two objects, each with its own comment), sorted
    comments: tuple[tuple[str, str, str], ...] = ()
    # SQLite's table options, written after the closing parenthesis of its CREATE TABLE (`sqlite_strict=True`,
    # `sqlite_with_rowid=False`): SQLite cannot alter them, so a change of either rebuilds the table
    strict: bool = False
    without_rowid: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> Column | None:
        return self._columns_by_name.get(name)

    # built on first lookup (diff looks up every column of one table in the other); not a field, so equality
    # and replace() ignore it. The first of two same-named columns wins, as a scan would find it.
    @cached_property
    def _columns_by_name(self) -> dict[str, Column]:
        out: dict[str, Column] = {}
        for c in self.columns:
            out.setdefault(c.name, c)
        return out

    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def with_(self, **kw: Any) -> Table:
        return replace(self, **kw)


@dataclass(frozen=True)
class Enum:
    name: str
    values: tuple[str, ...]
    schema: str = DEFAULT_SCHEMA
    comment: str | None = None  # COMMENT ON TYPE

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)


@dataclass(frozen=True)
class Sequence:
    name: str
    schema: str = DEFAULT_SCHEMA
    increment: str | None = "1"
    start: str | None = "1"
    min_value: str | None = "1"
    max_value: str | None = "9223372036854775807"
    cache: str | None = "1"
    cycle: bool = False
    data_type: str | None = None  # `AS smallint|integer`; None: bigint, CREATE SEQUENCE's default
    owned_by: tuple[str, str, str] | None = None  # OWNED BY (schema, table, column): dropped with that column

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)


@dataclass(frozen=True)
class Schema:
    """A whole database schema as mizzle manages it."""

    dialect: str = "postgresql"
    tables: tuple[Table, ...] = ()
    enums: tuple[Enum, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    schemas: tuple[str, ...] = ()  # non-default namespaces
    # snapshot sections mizzle does not model (views, roles, policies, …), carried forward verbatim
    extras: tuple[tuple[str, str], ...] = field(default=())
    objects: Objects = NO_OBJECTS  # views, functions, triggers, domains, composite types (schema/objects.py)
    security: Security = NO_SECURITY  # extensions, roles, grants (schema/security.py)

    def table(self, schema: str, name: str) -> Table | None:
        return self._tables_by_key.get((schema, name))

    def matched_tables(self, other: Schema) -> Iterator[tuple[Table, Table]]:
        """Each table of this schema with `other`'s table of the same schema and name, where `other` has one."""
        for t in self.tables:
            o = other.table(t.schema, t.name)
            if o is not None:
                yield t, o

    def enum(self, schema: str, name: str) -> Enum | None:
        return self._enums_by_key.get((schema, name))

    # built on first lookup (diff looks up every table of one model in the other); not fields, so equality and
    # replace() ignore them. The first of two same-keyed objects wins, as a scan would find it.
    @cached_property
    def _tables_by_key(self) -> dict[tuple[str, str], Table]:
        return _first_by_key(self.tables)

    @cached_property
    def _enums_by_key(self) -> dict[tuple[str, str], Enum]:
        return _first_by_key(self.enums)

    def with_(self, **changes: Any) -> Schema:
        """This model with the fields given replaced and every other field kept, in canonical order. Rebuild a
        model with this, never with `make_schema(...)` field by field: a field added to Schema cannot be lost."""
        return make_schema(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})

    @property
    def is_empty(self) -> bool:
        return not (self.tables or self.enums or self.sequences or self.schemas or self.objects) \
            and self.security.is_empty


def _first_by_key(items: Any) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    for x in items:
        out.setdefault(x.key, x)
    return out


def make_schema(dialect: str, tables: Any = (), enums: Any = (), sequences: Any = (), schemas: Any = (),
                extras: Any = (), objects: Any = (), security: Security = NO_SECURITY) -> Schema:
    """A Schema with its collections in canonical order."""
    return Schema(
        dialect=dialect,
        tables=tuple(sorted((canonical_table(t) for t in tables), key=lambda t: t.key)),
        enums=tuple(sorted(enums, key=lambda e: e.key)),
        sequences=tuple(sorted(sequences, key=lambda s: s.key)),
        schemas=tuple(sorted(set(schemas))),
        extras=tuple(sorted(extras)),
        objects=objects if isinstance(objects, Objects) else make_objects(objects),
        security=security,
    )


def canonical_table(t: Table) -> Table:
    if _known_canonical.get(id(t)) is t:
        return t
    ordered: dict[str, Any] = {"foreign_keys": by_name(t.foreign_keys), "uniques": by_name(t.uniques), "checks": by_name(t.checks),
               "indexes": by_name(t.indexes), "extras": tuple(sorted(t.extras)), "excludes": by_name(t.excludes),
               "policies": by_name(t.policies), "comments": tuple(sorted(t.comments))}
    if not _already(t, ordered):
        t = replace(t, **ordered)
    _known_canonical[id(t)] = t
    return t


# -- speed: tables already in canonical order kept as they are --------------------------------------------
# Every `Schema.with_` puts every table in canonical order, and `verify` rebuilds its ~200 models several times
# each. A table already in that order (each collection a tuple of the very same items, in order) is handed back
# itself rather than copied, and remembered as such by identity (weakly: gone with the table), so the next
# `with_` does not even sort it. What it buys: the copies, and tables that stay the same objects from one model
# to the next, which the canonical forms' memo finds by identity (dialects/postgres/canonical_tables.py).
_known_canonical: weakref.WeakValueDictionary[int, Table] = weakref.WeakValueDictionary()


def _already(t: Table, ordered: dict[str, tuple[Any, ...]]) -> bool:
    """Is `t` in canonical order already: each collection a tuple of the very same items as `ordered`'s?"""
    for name, items in ordered.items():
        mine = getattr(t, name)
        if type(mine) is not tuple or len(mine) != len(items) or any(a is not b for a, b in zip(mine, items, strict=True)):
            return False
    return True


def collations_used(schema: Schema) -> dict[str, list[str]]:
    """Each collation the schema's columns and index elements name (as the model holds it), with where: `column
    s.t.c`, `index i on s.t`; in table order."""
    out: dict[str, list[str]] = {}
    for t in schema.tables:
        for c in t.columns:
            if c.collation:
                out.setdefault(c.collation, []).append(f"column {t.schema}.{t.name}.{c.name}")
        for ix in t.indexes:
            for ic in ix.columns:
                if ic.collation:
                    out.setdefault(ic.collation, []).append(f"index {ix.name} on {t.schema}.{t.name}")
    return out


def always_true(predicate: str | None) -> bool:
    """`true` (in parentheses or not): an index predicate that excludes no row, of which PostgreSQL keeps nothing
    (drizzle-kit's own tests write `.where(sql`true`)`): the same index as one with no predicate."""
    return predicate is not None and re.fullmatch(r"[\s(]*true[\s)]*", predicate, re.I) is not None


def where_key(expression_key: Any, predicate: str | None) -> str | None:
    """An index predicate's comparison key: none for one that excludes no row (always_true)."""
    return None if always_true(predicate) else expression_key(predicate)

"""PostgreSQL's schema source (the dialect's `schema_from_tables` hook): SQLAlchemy tables (Core tables, declarative
models, SQLModel) as `create_all` would create them on PostgreSQL → the schema model."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from ...errors import SchemaLoadError
from ...pg.objects import ObjectDeclaration
from ...schema.comments import pk_name
from ...schema.model import (
    DEFAULT_SCHEMA,
    CheckConstraint,
    Column,
    Enum,
    ExclusionConstraint,
    ExclusionElement,
    ForeignKey,
    Identity,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    make_schema,
)
from ...schema.naming import (
    choose_name,
    column_addition,
    fk_name,
    fk_name_v1,
    serial_sequence_name,
    truncate_identifier,
    unique_name,
)
from ...schema.objects import CompositeType, Domain, Objects, Trigger, make_objects
from ...sources.loader import FoundMetaData
from ...sources.pg_security import with_security
from ...sources.refusals import Refusals
from ...sources.sqlalchemy import (
    created_on,
    creation_order,
    default_check_name,
    deferrable_of,
    dialect_type,
    fk_action,
    given_constraint_name,
    listener_owner,
    primary_key,
    table_origin,
)
from .expressions import split_index_element
from .key_families import key_family
from .lineage import lineage_of_sa_table
from .name_spaces import refuse_long_names, refuse_shared_names
from .types import (
    INT_MAX,
    SERIAL_BASE,
    canonical_collation,
    canonical_default,
    canonical_type,
    json_literal_cast,
    quote_literal,
    serial_options,
    split_collation,
    stored_precision,
)

# psycopg's dialect, the driver mizzle connects with, whatever SQLAlchemy's default (psycopg2's under 2.0): a
# TypeDecorator's `dialect.type_descriptor(sa.Text())` is VARCHAR through psycopg's, TEXT through psycopg2's.
# Named paramstyle, not pyformat: a `%` in SQL text (LIKE 'a%') is not escaped to `%%`
_PG = pg.psycopg.dialect(paramstyle="named")


def postgres_schema_from_tables(items: list[FoundMetaData], seen: dict[tuple[str, str], tuple[Any, str]],
                                schema_filter: tuple[str, ...], naming: str = "drizzle") -> Schema:
    """PostgreSQL's model of the tables `seen` (the postgres dialect's schema source hook)."""
    converter = _PgConverter(naming)
    for (schema_name, table_name), _ in seen.items():  # table names are relation names PostgreSQL's naming avoids
        converter.taken.setdefault(schema_name, set()).add(table_name)
    refusals = Refusals()  # every table refused named at once
    tables = _converted_tables(converter, items, seen, schema_filter, refusals)
    refuse_what_postgresql_rejects(tables, refusals)
    refusals.raise_any()
    for item in items:
        for named in standalone_types(item.metadata):
            if not schema_filter or (named.schema or DEFAULT_SCHEMA) in schema_filter:
                converter.type_of(named)
    schemas = {t.schema for t in tables if t.schema != DEFAULT_SCHEMA}
    schemas |= {e.schema for e in converter.enums.values() if e.schema != DEFAULT_SCHEMA}
    schemas |= {s.schema for s in converter.sequences.values() if s.schema != DEFAULT_SCHEMA}
    # a serial column's own sequence, `<table>_<column>_seq`, is the server's to create: a Sequence of that name
    # is that sequence when it asks for nothing a serial's does not have, and a clash otherwise
    serial_seqs = {(t.schema, serial_sequence_name(t.name, c.name)): (t, c)
                   for t in tables for c in t.columns if c.is_serial}
    for item in items:
        for s in getattr(item.metadata, "_sequences", {}).values():
            if s.optional:  # `Sequence(…, optional=True)`: for databases without serials; create_all skips it here
                continue
            key = (s.schema or DEFAULT_SCHEMA, s.name)
            if key in serial_seqs:
                t, c = serial_seqs[key]
                if _serial_like(s, SERIAL_BASE[c.type]):
                    continue
                raise SchemaLoadError(
                    f"sequence {key[0]}.{key[1]} has the name PostgreSQL gives serial column {t.name}.{c.name}'s own "
                    "sequence, with different options: rename the Sequence, or attach it to the column "
                    "(sa.Column(..., sa.Sequence(...))) instead of letting the column be serial")
            converter.sequence(s)
    schemas |= {s.schema for s in converter.sequences.values() if s.schema != DEFAULT_SCHEMA}
    sequence_owners(seen, converter.sequences)
    for item in items:  # schemas that hold nothing (yet): MetaData(info={"mizzle": {"schemas": [...]}})
        declared = ((item.metadata.info or {}).get("mizzle") or {}).get("schemas") or ()
        schemas |= {str(x) for x in declared if x != DEFAULT_SCHEMA and (not schema_filter or x in schema_filter)}
    _enum_comments(items, converter.enums)
    objects = with_domains(declared_objects(items, schema_filter), converter.own_types(), schema_filter)
    left = options_left_out(t for (schema_name, _), (t, _) in sorted(seen.items())
                            if (not schema_filter or schema_name in schema_filter) and created_on_pg(t))
    if left:
        objects = replace(objects, unmanaged=(*objects.unmanaged, *left))
    schemas |= {o.schema for o in objects.all() if o.schema != DEFAULT_SCHEMA}
    model = make_schema("postgresql", tables=tables, enums=converter.enums.values(),
                        sequences=converter.sequences.values(), schemas=schemas, objects=objects)
    refuse_long_names(model)
    refuse_shared_names(model)
    return with_security(model, items, seen)


def _enum_comments(items: list[FoundMetaData], enums: dict[tuple[str, str], Enum]) -> None:
    """COMMENT ON TYPE of enums: MetaData(info={"mizzle": {"enum_comments": {"mood": "…", "s.kind": "…"}}})
    (sa.Enum takes neither a comment nor an info); an enum the schema does not have is refused."""
    for item in items:
        given = ((item.metadata.info or {}).get("mizzle") or {}).get("enum_comments") or {}
        for name, text in given.items():
            schema, _, bare = str(name).rpartition(".")
            key = (schema or DEFAULT_SCHEMA, bare)
            if key not in enums:
                raise SchemaLoadError(f"enum_comments ({item.origin}): no enum {key[0]}.{key[1]} in the schema")
            enums[key] = replace(enums[key], comment=str(text) if text is not None else None)


def declared_objects(items: list[FoundMetaData], schema_filter: tuple[str, ...] = ()) -> Objects:
    """The views, functions, triggers, domains and composite types the schema modules declare (mizzle.pg). One
    object imported into several modules is declared once; two objects with one name are an error."""
    seen: dict[tuple[str, ...], int] = {}
    out = []
    for item in items:
        for o in item.objects:
            if not isinstance(o, ObjectDeclaration):  # another kind of mizzle.pg object (extensions, policies, …)
                continue
            fact = o.to_model()
            if isinstance(fact, Trigger) and fact.body is not None:
                raise SchemaLoadError(f"{fact.label} ({item.origin}): a body is a SQLite trigger's; on PostgreSQL a "
                                      "trigger calls a function (Trigger(name, table, function, …))")
            if schema_filter and fact.schema not in schema_filter:
                continue
            key = (fact.kind, *fact.key)
            if key in seen and seen[key] != id(o):
                raise SchemaLoadError(f"{fact.label} is declared twice in the schema modules ({item.origin}, …): "
                                      "give one of them another name")
            if key not in seen:
                seen[key] = id(o)
                out.append(fact)
    return make_objects(out)


def _ident(name: str) -> str:
    """A name as format_type prints it: bare when lower-case and plain, else quoted."""
    return name if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) else '"' + name.replace('"', '""') + '"'


# SQLAlchemy's PostgreSQL options create_all writes and the model has no place for yet: said, not dropped silently
_LEFT_OUT = {
    sa.Table: {"with": "storage parameters (WITH …)", "tablespace": "TABLESPACE", "using": "access method (USING …)",
               "with_oids": "WITH OIDS", "on_commit": "ON COMMIT"},
    sa.Index: {"tablespace": "TABLESPACE"},
    sa.PrimaryKeyConstraint: {"include": "INCLUDE"},
    sa.UniqueConstraint: {"include": "INCLUDE"},
}


def options_left_out(tables: Iterable[sa.Table]) -> list[str]:
    """One line per option create_all writes for a table or its index or key that the model does not hold
    (`postgresql_with={"fillfactor": 70}` on a Table, …): the warnings `generate` prints."""
    out = []
    for t in tables:
        where = f"table {t.schema or DEFAULT_SCHEMA}.{t.name}"
        items: list[tuple[Any, str]] = [(t, where), *((ix, f"index {ix.name} on {where}") for ix in t.indexes)]
        for c in sorted(t.constraints, key=creation_order):  # a set: in the order they were written
            if isinstance(c, (sa.PrimaryKeyConstraint, sa.UniqueConstraint)):
                kind = "primary key" if isinstance(c, sa.PrimaryKeyConstraint) else "unique constraint"
                items.append((c, kind + (f" {c.name}" if isinstance(c.name, str) else "") + f" of {where}"))
        for item, what in items:
            opts = item.dialect_options["postgresql"]
            for key, label in _LEFT_OUT.get(type(item), {}).items():
                value = opts.get(key)
                if value in (None, False, {}, ()) or (key == "using" and str(value).lower() == "heap"):
                    continue
                out.append(f"{label} of {what} (postgresql_{key}={value!r}): create_all writes it, mizzle's "
                           "migrations do not yet — add it in a migration of your own (`mizzle generate --custom`)")
    return out


def with_domains(objects: Objects, types: dict[tuple[str, str], Domain | CompositeType],
                 schema_filter: tuple[str, ...]) -> Objects:
    """`objects` and the types column types declare themselves (postgresql.DOMAIN's domains, sqlalchemy-utils'
    CompositeType's composite types); one declared both ways must be the same."""
    if not types:
        return objects
    facts = list(objects.all())
    declared = {(o.kind, *o.key): o for o in facts if isinstance(o, (Domain, CompositeType))}
    for key, d in types.items():
        if schema_filter and d.schema not in schema_filter:
            continue
        other = declared.get((d.kind, *key))
        if other is None:
            facts.append(d)
        elif _comparable(other) != _comparable(d):
            how = "a postgresql.DOMAIN" if isinstance(d, Domain) else "a CompositeType"
            raise SchemaLoadError(f"{d.label} is declared twice, differently: as {how} column type and as "
                                  f"mizzle.pg.{type(other).__name__}; keep one")
    return make_objects(facts)


def _comparable(o: Domain | CompositeType) -> Domain | CompositeType:
    """A domain with its checks in order, a composite type with its attributes' types in canonical spelling (the
    column type's `varchar(3)` is a pulled declaration's `character varying(3)`)."""
    if isinstance(o, Domain):
        return replace(o, checks=tuple(sorted(o.checks)))
    return replace(o, attributes=tuple((n, canonical_type(t)) for n, t in o.attributes))


def sequence_owners(seen: dict[tuple[str, str], tuple[Any, str]], sequences: dict[tuple[str, str], Sequence]) -> None:
    """`Column(..., info={"mizzle": {"owns_sequence": "[schema.]name"}})`: that Sequence is OWNED BY the column
    (PostgreSQL drops it with the column or its table). SQLAlchemy has no keyword for it."""
    for (schema, table), (t, _) in seen.items():
        for c in t.columns:
            owned = (c.info.get("mizzle") or {}).get("owns_sequence")
            if not owned:
                continue
            key = tuple(str(owned).split(".", 1)) if "." in str(owned) else (schema, str(owned))
            s = sequences.get(key)  # type: ignore[arg-type]
            if s is None:
                raise SchemaLoadError(f"column {schema}.{table}.{c.name} owns sequence {owned}, which the schema code "
                                      "does not declare (sa.Sequence(..., metadata=metadata))")
            if s.owned_by is not None:
                raise SchemaLoadError(f"sequence {owned} is owned by two columns: {'.'.join(s.owned_by)} and "
                                      f"{schema}.{table}.{c.name}")
            sequences[key] = replace(s, owned_by=(schema, table, c.name))  # type: ignore[index]


def refuse_what_postgresql_rejects(tables: list[Table], refusals: Refusals) -> None:
    """Schema code create_all fails on, refused before any SQL is written: a foreign key to columns no primary key,
    unique constraint or unique index covers, or between types PostgreSQL cannot compare (two objects of one name:
    name_spaces.py)."""
    by_key = {(t.schema, t.name): t for t in tables}
    for t in tables:
        with refusals.one():
            _refuse_table_rejected(t, by_key)


def _refuse_table_rejected(t: Table, by_key: dict[tuple[str, str], Table]) -> None:
    for c in t.columns:
        _refuse_type_modifier(t, c)
    for fk in t.foreign_keys:
        if fk.not_valid and t.partition_by is not None:  # PostgreSQL 15: "not yet supported on partitioned tables"
            raise SchemaLoadError(
                f"foreign key {fk.name} on {t.schema}.{t.name} is NOT VALID (postgresql_not_valid=True), which "
                "PostgreSQL cannot add to a partitioned table: drop postgresql_not_valid (the key is checked "
                "when added), or declare the key NOT VALID on each partition instead")
        target = by_key.get((fk.ref_schema, fk.ref_table))
        if target is None:
            continue  # outside the schema code read (schema_filter, another module): the server decides
        if set(fk.ref_columns) not in _unique_keys(target, by_key):
            raise SchemaLoadError(
                f"foreign key {fk.name} on {t.schema}.{t.name} references {fk.ref_table}"
                f"({', '.join(fk.ref_columns)}), which has no primary key, unique constraint or unique index "
                "on exactly those columns (PostgreSQL refuses it): make them unique, or reference the key")
        _refuse_incompatible_types(t, fk, target)


# The type modifiers PostgreSQL accepts (its varchar and char hold at most 10485760 characters, a bit string
# 83886080 bits, a numeric 1000 digits): beyond them the server refuses the type ("length for type varchar cannot
# exceed 10485760"), and so create_all fails.
_LENGTH = re.compile(r"(varchar|char|bit|bit varying)\((\d+)\)")
_LENGTH_LIMITS = {"varchar": 10485760, "char": 10485760, "bit": 83886080, "bit varying": 83886080}
_NUMERIC = re.compile(r"numeric\((\d+)(?:,\s*(-?\d+))?\)")


def _refuse_type_modifier(t: Table, c: Column) -> None:
    """A column whose type has a length or precision PostgreSQL refuses (ZenML's
    `String(16777215).with_variant(MEDIUMTEXT, "mysql")`, a VARCHAR(16777215) here: generate wrote it and migrate
    failed)."""
    bare = c.type.rstrip("[]").strip()
    limit = None
    if (m := _LENGTH.fullmatch(bare)) is not None and not 1 <= int(m[2]) <= _LENGTH_LIMITS[m[1]]:
        limit = f"{m[1]} takes a length from 1 to {_LENGTH_LIMITS[m[1]]}"
    elif (m := _NUMERIC.fullmatch(bare)) is not None and not (1 <= int(m[1]) <= 1000
                                                                and -1000 <= int(m[2] or 0) <= 1000):
        limit = "numeric takes a precision from 1 to 1000 and a scale from -1000 to 1000"
    if limit is not None:
        raise SchemaLoadError(f"column {t.schema}.{t.name}.{c.name} is {c.type}: PostgreSQL's {limit} (it refuses "
                              "the type; create_all fails too): use a length it accepts, or Text (a type for another "
                              "database through .with_variant(...))")


def _family_of(c: Column) -> str | None:
    """`key_family` of the column's type; an enum is a family of its own (PostgreSQL compares no two enum types, nor an
    enum with text: rucio's two enums of the same labels)."""
    if c.type_schema is not None and not c.type.endswith("]"):
        return f"enum {c.type_schema}.{c.type}"
    return key_family(c.type)


def _refuse_incompatible_types(t: Table, fk: ForeignKey, target: Table) -> None:
    """A foreign key whose column and referenced column are of types PostgreSQL cannot compare (manila's Integer
    column referencing a String(36) key: generate wrote it, and the migration failed; create_all fails too)."""
    for mine, theirs in zip(fk.columns, fk.ref_columns, strict=False):
        a, b = t.column(mine), target.column(theirs)
        if a is None or b is None:
            continue
        fa, fb = _family_of(a), _family_of(b)
        if fa is not None and fb is not None and fa != fb:
            raise SchemaLoadError(
                f"foreign key {fk.name} on {t.schema}.{t.name}: column {mine} is {a.type} but "
                f"{fk.ref_table}.{theirs} is {b.type}, types PostgreSQL cannot compare (it refuses the key: "
                "\"incompatible types\"); give both columns one type")


def _unique_keys(t: Table, by_key: dict[tuple[str, str], Table]) -> list[set[str]]:
    """The column sets a foreign key may reference on `t`: its primary key, unique constraints and plain unique
    indexes, and, on a partition, its partitioned tables' (PostgreSQL gives each partition its copy of them)."""
    keys: list[set[str]] = []
    seen: set[tuple[str, str]] = set()
    at: Table | None = t
    while at is not None and at.key not in seen:
        seen.add(at.key)
        keys += [set(at.primary_key.columns)] if at.primary_key else []
        keys += [set(u.columns) for u in at.uniques]
        keys += [{c.expression for c in ix.columns} for ix in at.indexes
                 if ix.unique and ix.where is None and not any(c.is_expression for c in ix.columns)]
        at = by_key.get(at.partition_of) if at.partition_of is not None else None
    return keys


def is_composite_type(t: Any) -> bool:
    """A column type that is a PostgreSQL composite type creating itself: a SchemaType spelled by its name whose
    `columns` are the attributes (sqlalchemy-utils' CompositeType)."""
    columns = getattr(t, "columns", None)
    return (isinstance(t, sa.types.SchemaType) and isinstance(t, sa.types.UserDefinedType)
            and isinstance(columns, (list, tuple)) and bool(columns) and all(isinstance(c, sa.Column) for c in columns))


def standalone_types(metadata: sa.MetaData) -> list[Any]:
    """Enums (and postgresql.DOMAIN types) declared with `metadata=` (`sa.Enum(..., name=..., metadata=metadata)`):
    SQLAlchemy's create_all creates them even when no column uses them, and so does mizzle. They are found through
    the listener each one registers on the MetaData (there is no other collection of them)."""
    found = []
    for listener in metadata.dispatch.before_create:
        # SQLAlchemy 2.0 wraps the hook in a portable_instancemethod (no __self__): every such enum and domain was
        # left out without a word (rucio's unused enum; `generate --check` right after `pull` failed on it)
        target = listener_owner(listener)
        if isinstance(target, (sa.Enum, pg.DOMAIN)) and getattr(target, "metadata", None) is metadata:
            found.append(target)
    return found


def distinct_keys(t: sa.Table, constraints: list[Any], pk: PrimaryKey | None) -> tuple[list[Any], dict[int, str]]:
    """The constraints without a unique constraint that repeats the primary key or an earlier unique constraint
    (same columns in the same order, NULLS NOT DISTINCT, deferrability): PostgreSQL's CREATE TABLE keeps only
    the key, else the first, and drops the rest without a word (parse_utilcmd.c transformIndexConstraints), so
    the database `create_all` makes has one (`Column(primary_key=True, unique=True)`, or `unique=True` beside a
    `UniqueConstraint` on that column). Also the names PostgreSQL moves: an unnamed first one takes a later
    one's name (id(constraint) → name). A unique constraint marked `info={"mizzle": {"repeats": True}}` is kept:
    the database has it (made by ALTER TABLE … ADD CONSTRAINT, which does not drop it; `pull` writes the mark)."""
    kept: dict[tuple[Any, ...], Any] = {}
    if pk is not None:
        kept[(pk.columns, False, pk.deferrable)] = pk
    out: list[Any] = []
    names: dict[int, str] = {}
    for con in constraints:
        if isinstance(con, sa.UniqueConstraint) and not (con.info.get("mizzle") or {}).get("repeats"):
            key = (tuple(c.name for c in con.columns),
                   bool(con.dialect_options["postgresql"].get("nulls_not_distinct")), deferrable_of(con))
            if key in kept:
                first, name = kept[key], given_constraint_name(con, t)
                # the key as the code gives it: under PostgreSQL's naming a composite key's `<t>_pkey` is chosen
                # before this, and it is the name PostgreSQL would give only were no unique to lend its own
                unnamed = not given_constraint_name(t.primary_key if isinstance(first, PrimaryKey) else first, t)
                if name and unnamed:
                    names.setdefault(id(first), name)
                continue
            kept[key] = con
        out.append(con)
    return out, names


def _converted_tables(converter: _PgConverter, items: list[FoundMetaData], seen: dict[tuple[str, str], tuple[Any, str]],
                      schema_filter: tuple[str, ...], refusals: Refusals) -> list[Table]:
    """The tables in scope, converted in create_all's order (where PostgreSQL numbers the names it gives apart),
    listed by name."""
    tables = []
    for key in create_all_order(items, seen):
        (schema_name, _), (t, origin) = key, seen[key]
        if schema_filter and schema_name not in schema_filter:
            continue
        if not created_on_pg(t):
            continue  # Table(...).ddl_if(dialect="sqlite"): create_all leaves it out on PostgreSQL
        with refusals.one():
            try:
                tables.append(converter.table(t))
            except sa.exc.SQLAlchemyError as e:
                first = (str(e).splitlines() or [""])[0]
                raise SchemaLoadError(f"table {schema_name}.{t.name} ({table_origin(t, origin)}): {first}") from None
    return sorted(tables, key=lambda t: (t.schema, t.name))


def create_all_order(items: list[FoundMetaData], seen: dict[tuple[str, str], tuple[Any, str]]) -> list[tuple[str, str]]:
    """The keys of `seen` in the order create_all creates their tables: each MetaData's in turn, the tables a table
    refers to first, else as the code declares them (SQLAlchemy's sort_tables_and_constraints); any other after, by
    name. PostgreSQL numbers the names it gives apart in that order (`…_fkey`, `…_fkey1`, cut to 63 characters:
    timesketch's investigativequestionconclusion_* link tables), so mizzle chooses them in it too."""
    by_id = {id(t): key for key, (t, _) in seen.items()}
    order: list[tuple[str, str]] = []
    for item in items:
        try:
            made = [t for t, _ in sa.schema.sort_tables_and_constraints(list(item.metadata.tables.values()))]
        except sa.exc.CircularDependencyError:  # tables create_all cannot order either: by name, as before
            made = []
        order += [by_id.pop(id(t)) for t in made if t is not None and id(t) in by_id]
    return order + sorted(by_id.values())


class _PgConverter:
    def __init__(self, naming: str = "drizzle") -> None:
        self.naming = naming  # names for constraints the code leaves unnamed: "drizzle" (-kit's) or "postgresql"
        self.taken: dict[str, set[str]] = {}
        self.enums: dict[tuple[str, str], Enum] = {}
        self.enum_users: dict[tuple[str, str], str] = {}  # where each enum was first met, for the error on a clash
        self.where = "declared with the MetaData"  # the column type_of is reading, for that error
        self.sequences: dict[tuple[str, str], Sequence] = {}
        self.domains: dict[tuple[str, str], Domain] = {}  # postgresql.DOMAIN column types, as create_all makes them
        self.composites: dict[tuple[str, str], CompositeType] = {}  # sqlalchemy-utils' CompositeType column types

    def own_types(self) -> dict[tuple[str, str], Domain | CompositeType]:
        """The types column types create for themselves: domains and composite types."""
        return {**self.domains, **self.composites}

    def key(self, t: sa.Table, taken: set[str], pg_names: bool) -> PrimaryKey | None:
        """The table's primary key, its name added to `taken` (PostgreSQL's `<t>_pkey` chosen for an unnamed one
        under PostgreSQL naming; the model leaves a single column's unnamed)."""
        pk = primary_key(t, naming=self.naming)
        if pk is not None and pk.name is None and pg_names:
            name = choose_name(t.name, None, "pkey", taken)
            pk = PrimaryKey(pk.columns, name if len(pk.columns) > 1 else None, pk.deferrable)
        elif pk is not None and pk.name:
            taken.add(pk.name)
        return pk

    def table(self, t: sa.Table) -> Table:
        schema = t.schema or DEFAULT_SCHEMA
        pg_names = self.naming in ("postgresql", "drizzle1")
        taken = self.taken.setdefault(schema, set())
        pk = self.key(t, taken, pg_names)
        pk_cols = pk.columns if pk else ()
        columns = tuple(self.column(t, c, pk_cols) for c in t.columns if not inherited_column(t, c))
        fks: list[ForeignKey] = []
        checks: list[CheckConstraint] = []
        comments: list[tuple[str, str, str]] = []  # COMMENT ON INDEX / CONSTRAINT (schema/comments.py)
        # in the order PostgreSQL names what create_all leaves unnamed: the key and unique constraints when the
        # CREATE TABLE is analysed, then the checks (a column's own before the table's), then the foreign keys;
        # each kind in the order SQLAlchemy writes it (creation order)
        constraints = [con for con in sorted(t.constraints, key=creation_order) if created_on_pg(con)]
        # create_all's database (naming "postgresql"); drizzle-kit's snapshots keep a repeated unique constraint
        constraints, names = distinct_keys(t, constraints, pk) if self.naming == "postgresql" else (constraints, {})
        column_checks = [con for c in t.columns for con in c.constraints if created_on_pg(con)]  # Column(…, Check)
        taken.update(n for n in (given_constraint_name(con, t) for con in constraints + column_checks) if n)
        taken.update(names.values())
        if pk is not None and id(pk) in names:  # PRIMARY KEY and a named UNIQUE on its columns: the key takes the name
            if pk.name:
                taken.discard(pk.name)  # `<t>_pkey`, chosen before: never made
            pk = replace(pk, name=names[id(pk)])
        uniques = self.uniques(t, constraints, names, taken, comments)
        for check in column_checks + [con for con in constraints if isinstance(con, sa.CheckConstraint)]:
            assert isinstance(check, sa.CheckConstraint)
            check_name = given_constraint_name(check, t)
            if not check_name and pg_names:
                used = _columns_used(check, t)
                check_name = choose_name(t.name, used[0] if len(used) == 1 else None, "check", taken)
            checks.append(CheckConstraint(check_name or default_check_name(t.name, checks), _expr_sql(check.sqltext),
                                          _not_valid(check), bool((check.info.get("mizzle") or {}).get("no_inherit"))))
            comments += [("constraint", checks[-1].name, check.comment)] if check.comment else []
        for con in constraints:
            if isinstance(con, sa.ForeignKeyConstraint):
                fks.append(self.foreign_key(t, con))
                comments += [("constraint", fks[-1].name, con.comment)] if con.comment else []
        indexes = self.indexes(t, comments)
        if pk is not None and t.primary_key is not None:
            comments += _constraint_comments(t.primary_key, pk_name(t.name, pk))
        excludes = self.exclusions(t, constraints, comments)
        lineage = lineage_of_sa_table(t)
        if "partition_of" in lineage:  # a partition's columns (and key, when it has one) are its partitioned table's
            columns, pk = (), pk if pk is not None and partition_key_is_its_own(t) else None
        return Table(name=t.name, schema=schema, columns=columns, primary_key=pk, foreign_keys=tuple(fks),
                     uniques=tuple(uniques), checks=tuple(checks), indexes=tuple(indexes), comment=t.comment,
                     unlogged=unlogged(t), excludes=excludes, comments=tuple(comments),
                     **lineage)

    def uniques(self, t: sa.Table, constraints: list[Any], names: dict[int, str], taken: set[str],
                comments: list[tuple[str, str, str]]) -> list[UniqueConstraint]:
        """The table's unique constraints, named (`names`: those distinct_keys moved), each one's comment appended
        to `comments`. The same key twice under one name is one: CREATE TABLE keeps one (transformIndexConstraints),
        and a snapshot keeps uniques by name (Polar's `unique=True` beside `UniqueConstraint("slug")`, both named
        by its naming convention, under naming = "drizzle", where distinct_keys is not applied)."""
        pg_names = self.naming in ("postgresql", "drizzle1")
        uniques: list[UniqueConstraint] = []
        for con in constraints:
            if not isinstance(con, sa.UniqueConstraint):
                continue
            cols = tuple(c.name for c in con.columns)
            # drizzle-kit 1.x: a column's unique() is `<t>_<col>_key`, a table's unique().on(…) `<t>_<cols>_unique`
            v1_table_level = self.naming == "drizzle1" and not getattr(con, "_column_flag", False)
            name = names.get(id(con)) or given_constraint_name(con, t) or (
                choose_name(t.name, column_addition(cols), "key", taken) if pg_names and not v1_table_level
                else unique_name(t.name, cols))
            unique = UniqueConstraint(name, cols, bool(con.dialect_options["postgresql"].get("nulls_not_distinct")),
                                      deferrable_of(con))
            if unique not in uniques:
                uniques.append(unique)
                comments += _constraint_comments(con, name)
        return uniques

    def indexes(self, t: sa.Table, comments: list[tuple[str, str, str]]) -> list[Index]:
        """The table's indexes; each one's comment (info={"mizzle": {"comment": …}}: sa.Index has no comment=)
        appended to `comments`."""
        out = []
        for ix in sorted(t.indexes, key=lambda i: str(i.name)):
            if created_on_pg(ix):
                out.append(self.index(t, ix))
                text = (ix.info.get("mizzle") or {}).get("comment")
                comments += [("index", out[-1].name, str(text))] if text else []
        return out

    def column(self, t: sa.Table, c: sa.Column, pk_cols: tuple[str, ...]) -> Column:
        self.where = f"column {t.schema or DEFAULT_SCHEMA}.{t.name}.{c.name}"
        try:
            type_, type_schema = self.type_of(c.type)
        except sa.exc.CompileError as e:
            raise SchemaLoadError(f"column {t.name}.{c.name}: {e}") from None
        finally:
            self.where = "declared with the MetaData"
        identity = None
        sequence_name = _identity_sequence(t, c)
        if c.identity is not None:
            identity = _identity(c.identity, type_, sequence_name or serial_sequence_name(t.name, c.name))
        elif _is_serial(t, c):
            type_ = SERIAL_OF[type_]
        default = None
        sd = c.server_default
        if isinstance(sd, sa.DefaultClause) and not isinstance(sd, sa.Computed):
            default = _default_sql(sd.arg, type_, type_schema is not None)
        elif isinstance(c.default, sa.Sequence) and not c.default.optional:
            # Column(Integer, Sequence("task_id_seq")): create_all creates the sequence and leaves the column
            # without a default (SQLAlchemy calls nextval itself on insert), whatever the Sequence's name (even
            # `<table>_<column>_seq`); server_default=seq.next_value() asks for the server-side default
            self.sequence(c.default)
        if _declared_serial(t, c, type_):  # a serial outside the key, as `pull` writes it
            type_ = SERIAL_OF[type_]
        generated = None
        if c.computed is not None:
            generated = _expr_sql(c.computed.sqltext)
        not_null = (not c.nullable) or c.name in pk_cols or type_.endswith("serial") or identity is not None
        return Column(name=c.name, type=type_, not_null=not_null, default=default, type_schema=type_schema,
                      identity=identity, generated=generated, comment=c.comment, collation=collation_of(c),
                      declared_not_null=c._user_defined_nullable is False,  # nullable=False written out
                      using=(c.info.get("mizzle") or {}).get("using"))

    def type_of(self, t: Any) -> tuple[str, str | None]:
        """The column type create_all writes on PostgreSQL: variants, TypeDecorators (`load_dialect_impl`) and
        emulated types (`sa.Interval` → interval) resolved through the dialect, then compiled by it."""
        t = pg_type(t)
        if isinstance(t, sa.ARRAY):
            inner, schema = self.type_of(t.item_type)
            return inner + "[]" * (t.dimensions or 1), schema
        if isinstance(t, sa.Enum) and t.native_enum:
            if not t.name:
                raise sa.exc.CompileError("a native enum (sa.Enum) needs a name on PostgreSQL: give it name=...")
            schema = t.schema or DEFAULT_SCHEMA
            if not getattr(t, "create_type", True):  # pg.ENUM(create_type=False): made elsewhere, as create_all
                return t.name, schema  # leaves it (an enum of a schema outside schema_filter, in a pulled module)
            self.enum(t, schema)
            return t.name, schema
        if isinstance(t, pg.DOMAIN):
            return self.domain(t)
        if is_composite_type(t):
            return self.composite(t)
        spelling = _compile_type(t)[0]
        _refuse_missing_type(t, spelling)
        return _SQLALCHEMY_SPELLINGS.get(spelling, spelling), None

    def enum(self, t: sa.Enum, schema: str) -> None:
        """Record a native enum; two of one name with different values are an error naming both places (the
        database holds one type of that name: create_all makes the first it meets, and the other column's
        values then fail on insert)."""
        values, key = tuple(t.enums), (schema, str(t.name))
        first = self.enums.get(key)
        if first is not None and first.values != values:
            raise SchemaLoadError(
                f"enum {schema}.{t.name} is defined twice with different values: {first.values} "
                f"({self.enum_users[key]}) and {values} ({self.where}); PostgreSQL holds one type of that name: "
                "use one sa.Enum object for both, or give them different names")
        self.enums[key] = Enum(str(t.name), values, schema)
        self.enum_users.setdefault(key, self.where)

    def domain(self, t: pg.DOMAIN) -> tuple[str, None]:
        """A `postgresql.DOMAIN` type: the domain create_all creates before the tables (unless create_type=False),
        recorded as the model's domain; the column's type as the server prints it (`posint`, `app.posint`)."""
        schema, name = t.schema or DEFAULT_SCHEMA, str(t.name)  # DOMAIN's name is required
        spelled = (_ident(name) if schema == DEFAULT_SCHEMA else f"{_ident(schema)}.{_ident(name)}"), None
        if not t.create_type:
            return spelled
        if t.collation is not None:
            raise SchemaLoadError(f"domain {schema}.{name}: mizzle does not manage a domain's COLLATE yet; declare "
                                  "the domain without it (or create it in a hand-written migration and give the "
                                  "DOMAIN create_type=False)")
        base, base_schema = self.type_of(t.data_type)
        type_ = base if base_schema in (None, DEFAULT_SCHEMA) else f"{_ident(base_schema)}.{_ident(base)}"
        check = None if t.check is None else _expr_sql(t.check.text if isinstance(t.check, sa.TextClause) else t.check)
        # CONSTRAINT <name> names what follows it in SQLAlchemy's CREATE DOMAIN: NOT NULL when there is one (the
        # server keeps no name for it), else the check; an unnamed check is PostgreSQL's `<domain>_check`
        check_name = t.constraint_name if t.constraint_name and not t.not_null else f"{name}_check"
        default = None
        if t.default is not None:
            default = quote_literal(t.default) if isinstance(t.default, str) else _expr_sql(t.default)
        d = Domain(name=name, type=type_, schema=schema, not_null=bool(t.not_null), default=default,
                   checks=((check_name, check),) if check is not None else ())
        if self.domains.setdefault((schema, name), d) != d:
            raise SchemaLoadError(f"domain {schema}.{name} is defined twice, differently")
        return spelled

    def composite(self, t: Any) -> tuple[str, None]:
        """A composite column type that creates itself (sqlalchemy-utils' `CompositeType(name, [Column, …])`,
        whose MetaData listener runs CREATE TYPE before create_all's tables): recorded as the model's composite
        type, its attributes' types as create_all writes them; the column's type is its name."""
        schema, name = t.schema or DEFAULT_SCHEMA, str(t.name)
        attributes = []
        for c in t.columns:
            type_, type_schema = self.type_of(c.type)
            attributes.append((c.name, type_ if type_schema in (None, DEFAULT_SCHEMA)
                               else f"{_ident(type_schema)}.{_ident(type_)}"))
        ct = CompositeType(name=name, attributes=tuple(attributes), schema=schema)
        if self.composites.setdefault((schema, name), ct) != ct:
            raise SchemaLoadError(f"composite type {schema}.{name} is defined twice, differently")
        return (_ident(name) if schema == DEFAULT_SCHEMA else f"{_ident(schema)}.{_ident(name)}"), None

    def foreign_key(self, t: sa.Table, con: sa.ForeignKeyConstraint) -> ForeignKey:
        cols = tuple(c.name for c in con.columns) if con.columns else tuple(e.parent.name for e in con.elements)
        ref_cols = []
        ref_table = ref_schema = None
        for el in con.elements:
            target = el.column
            ref_cols.append(target.name)
            ref_table = target.table.name
            ref_schema = target.table.schema or DEFAULT_SCHEMA
        assert ref_table is not None and ref_schema is not None
        name = given_constraint_name(con, t) or (
            choose_name(t.name, column_addition(cols), "fkey", self.taken.setdefault(t.schema or DEFAULT_SCHEMA, set()))
            if self.naming == "postgresql" else fk_name_v1(t.name, cols, ref_table, tuple(ref_cols))
            if self.naming == "drizzle1" else fk_name(t.name, cols, ref_table, tuple(ref_cols)))
        return ForeignKey(name=name, columns=cols, ref_table=ref_table, ref_columns=tuple(ref_cols),
                          ref_schema=ref_schema, on_delete=fk_action(con.ondelete), on_update=fk_action(con.onupdate),
                          deferrable=deferrable_of(con), not_valid=_not_valid(con),
                          match_full=(con.match or "").upper() == "FULL")

    def exclusions(self, t: sa.Table, constraints: list[Any],
                   comments: list[tuple[str, str, str]]) -> tuple[ExclusionConstraint, ...]:
        """`postgresql.ExcludeConstraint`s: each element a column (by name) or an expression with its operator, the
        operator class from `ops`; unnamed, PostgreSQL's `<table>_<columns>_excl` (an expression counts as `expr`).
        Their comments (info={"mizzle": {"comment": …, "index_comment": …}}: ExcludeConstraint drops `comment=`)
        are appended to `comments`."""
        out = []
        for con in constraints:
            if not isinstance(con, pg.ExcludeConstraint):
                continue
            ops = con.ops or {}
            elements = []
            for expr, name, operator in con._render_exprs:
                opclass = ops.get(name) if name is not None else None
                if isinstance(expr, sa.Column):
                    elements.append(ExclusionElement(expr.name, str(operator), False, opclass))
                else:
                    text = expr.text if isinstance(expr, sa.sql.elements.TextClause) else _expr_sql(expr)
                    ident = _bare_identifier(text.strip())
                    elements.append(ExclusionElement(ident, str(operator), False, opclass)
                                    if ident is not None and ident in t.c else ExclusionElement(text.strip(), str(operator), True, opclass))
            name = given_constraint_name(con, t) or choose_name(
                t.name, column_addition(tuple("expr" if e.is_expression else e.expression for e in elements)), "excl",
                self.taken.setdefault(t.schema or DEFAULT_SCHEMA, set()))
            where = _expr_sql(con.where) if con.where is not None else None
            out.append(ExclusionConstraint(name, tuple(elements), (con.using or "gist").lower(), where,
                                           deferrable_of(con), *_exclusion_index(t, con)))
            note = (con.info or {}).get("mizzle") or {}
            comments += [(kind, name, str(note[key])) for kind, key in (("constraint", "comment"), ("index", "index_comment"))
                         if note.get(key)]
        return tuple(out)

    def index(self, t: sa.Table, ix: sa.Index) -> Index:
        """The index create_all writes: each element as SQLAlchemy's PostgreSQL compiler renders it (a column,
        an expression, `sa.text("major DESC")` read as column `major` descending), the operator class from
        `postgresql_ops` keyed by the element's key as SQLAlchemy looks it up (a function call's key is None, so
        `{None: …}`, or indico's `{func(…).key: …}`, gives every element without a key that operator class)."""
        opts = ix.dialect_options["postgresql"]
        ops = opts.get("ops") or {}
        if not ix.expressions:
            raise SchemaLoadError(f"index {ix.name} on {t.name} has no columns (PostgreSQL cannot create it)")
        cols = []
        for expr in ix.expressions:
            key = expr if isinstance(expr, str) else getattr(expr, "key", _NO_KEY)
            opclass = ops.get(key) if key is not _NO_KEY else None
            asc, nulls = True, None
            e = expr
            while isinstance(e, sa.sql.elements.UnaryExpression) and e.modifier is not None:
                name = getattr(e.modifier, "__name__", "")
                if name == "desc_op":
                    asc = False
                elif name == "nulls_first_op":
                    nulls = "first"
                elif name == "nulls_last_op":
                    nulls = "last"
                elif name == "asc_op":
                    asc = True
                else:
                    break
                e = e.element
            if isinstance(e, sa.sql.elements.Label):
                e = e.element  # a label names the element for postgresql_ops; the DDL writes the expression
            if isinstance(e, sa.sql.elements._textual_label_reference) and e.element in t.c:
                e = e.element  # sa.desc("col") names a column, as drizzle's t.col.desc() does
            if isinstance(e, str):
                e = t.c[e]
            collation = None
            literal = _literal_sql(e)
            if literal is not None:
                text, asc_t, nulls_t = _split_ordering(literal)
                asc, nulls = (asc and asc_t), (nulls_t or nulls)
                text, opclass, collation, is_expr = _text_element(t, text, opclass)
            elif isinstance(e, sa.Column):
                text, is_expr = e.name, False
            else:  # an expression; t.c.name.collate("C") is column name collated "C"
                text, opclass, collation, is_expr = _text_element(t, _expr_sql(e), opclass)
            cols.append(IndexColumn(text, is_expr, asc, nulls or ("last" if asc else "first"), opclass, collation))
        with_ = tuple((str(k), str(v).lower() if isinstance(v, bool) else str(v))
                      for k, v in (opts.get("with") or {}).items())  # in order: PostgreSQL keeps it
        include = tuple(c if isinstance(c, str) else c.name for c in (opts.get("include") or ()))
        where = opts.get("where")
        name = given_constraint_name(ix, t)
        if not name:
            raise SchemaLoadError(f"an index on {t.name} has no name; give it one or set a naming convention")
        return Index(name=name, columns=tuple(cols), unique=bool(ix.unique), method=(opts.get("using") or "btree").lower(),
                     where=_expr_sql(where) if where is not None else None, with_=with_, include=include,
                     concurrently=bool(opts.get("concurrently")),
                     nulls_not_distinct=bool(opts.get("nulls_not_distinct")))

    def sequence(self, s: sa.Sequence) -> None:
        """A Sequence as CREATE SEQUENCE makes it: bounds by its `data_type` (bigint when none is given)."""
        schema = s.schema or DEFAULT_SCHEMA
        data_type = _compile_type(s.data_type)[0] if s.data_type is not None else "bigint"
        if data_type not in ("smallint", "integer", "bigint"):
            raise SchemaLoadError(f"sequence {schema}.{s.name}: data_type {data_type} (a sequence is smallint, integer "
                                  "or bigint)")
        top = int(INT_MAX[data_type])
        inc = s.increment if s.increment is not None else 1
        minv = s.minvalue if s.minvalue is not None else (1 if inc > 0 else -top - 1)
        maxv = s.maxvalue if s.maxvalue is not None else (top if inc > 0 else -1)
        start = s.start if s.start is not None else (minv if inc > 0 else maxv)
        self.sequences[(schema, s.name)] = Sequence(
            name=s.name, schema=schema, increment=str(inc), start=str(start), min_value=str(minv),
            max_value=str(maxv), cache=str(s.cache if s.cache is not None else 1), cycle=bool(s.cycle),
            data_type=None if data_type == "bigint" else data_type)


def _constraint_comments(con: sa.Constraint, name: str) -> list[tuple[str, str, str]]:
    """A key's or unique constraint's comment (`comment=`), and its index's (`info={"mizzle": {"index_comment":
    …}}`): COMMENT ON CONSTRAINT and COMMENT ON INDEX."""
    index_note = (con.info.get("mizzle") or {}).get("index_comment")
    return [*([("constraint", name, con.comment)] if con.comment else []),
            *([("index", name, str(index_note))] if index_note else [])]


def inherited_column(t: sa.Table, c: sa.Column) -> bool:
    """`Column(..., info={"mizzle": {"inherited": True}})`: a column of the table's parent (the partitioned table,
    or a table it inherits from), declared only so that the table's own keys and indexes can name it. It is not
    the table's own column: PostgreSQL takes it from the parent."""
    if not (c.info.get("mizzle") or {}).get("inherited"):
        return False
    if not t.dialect_options["postgresql"].get("inherits") and "partition_of" not in (t.info.get("mizzle") or {}):
        raise SchemaLoadError(f'column {t.name}.{c.name}: info={{"mizzle": {{"inherited": True}}}} on a table that '
                              'inherits from nothing (postgresql_inherits, or info={"mizzle": {"partition_of": …}})')
    return True


def partition_key_is_its_own(t: sa.Table) -> bool:
    """Whether the primary key declared on partition `t` is its own rather than the copy PostgreSQL gives every
    partition of a partitioned table that has one: no table up its partition chain (found in its MetaData) declares
    a key. pgquarrel's `CREATE TABLE same_cities_pr PARTITION OF same_cities_south (PRIMARY KEY (id)) …` under a
    partitioned table without one: `pull` writes it on the partition, and ignoring it dropped the key. A parent not
    in the MetaData leaves the key taken as a copy."""
    seen: set[str] = set()
    at: sa.Table | None = t
    while at is not None and at.key not in seen:
        seen.add(at.key)
        parent = lineage_of_sa_table(at).get("partition_of")
        if parent is None:
            return True
        tables = at.metadata.tables
        at = tables.get(f"{parent[0]}.{parent[1]}")
        if at is None and parent[0] == DEFAULT_SCHEMA:  # a Table has no truth value: `or` raises TypeError
            at = tables.get(parent[1])
        if at is None or at.primary_key.columns:
            return False
    return False


def unlogged(t: sa.Table) -> bool:
    """`prefixes=["UNLOGGED"]`; any other prefix (TEMPORARY, …) is a table mizzle cannot manage: refused."""
    prefixes = [str(p).strip().upper() for p in t._prefixes]
    other = [p for p in prefixes if p != "UNLOGGED"]
    if other:
        raise SchemaLoadError(f"table {t.name}: prefixes={other!r} — mizzle manages UNLOGGED tables only")
    return bool(prefixes)


def _not_valid(con: sa.Constraint) -> bool:
    return bool(con.dialect_options["postgresql"].get("not_valid"))


def created_on_pg(item: Any) -> bool:
    """Would create_all create this Table, Index or constraint on PostgreSQL (sources.sqlalchemy.created_on)."""
    return created_on(item, _PG)


def _columns_used(con: sa.CheckConstraint, t: sa.Table) -> list[str]:
    """The distinct columns a CHECK's expression refers to, in order (PostgreSQL names an unnamed check
    `<table>_<column>_check` when there is exactly one, `<table>_check` otherwise)."""
    from sqlalchemy.sql import visitors

    if isinstance(con.sqltext, sa.sql.elements.TextClause):
        return _columns_in_sql(con.sqltext.text, t)
    out: list[str] = []
    for el in visitors.iterate(con.sqltext):
        if isinstance(el, sa.sql.elements.ColumnClause) and not isinstance(el, sa.sql.elements.Label):
            if el.name not in out:
                out.append(el.name)
        elif isinstance(el, sa.sql.elements.TextClause):
            out += [c for c in _columns_in_sql(el.text, t) if c not in out]
    return out


def _columns_in_sql(sql: str, t: sa.Table) -> list[str]:
    import pglast

    try:
        tree = pglast.parse_sql(f"SELECT {sql}")
    except pglast.parser.ParseError:
        return []
    out: list[str] = []
    for node in _walk(tree):
        if isinstance(node, pglast.ast.ColumnRef):
            fields = [str(f.sval) for f in node.fields or () if isinstance(f, pglast.ast.String)]
            if fields and fields[-1] in t.c and fields[-1] not in out:
                out.append(fields[-1])
    return out


def _walk(node: Any) -> Any:
    import pglast

    if isinstance(node, (list, tuple)):
        for x in node:
            yield from _walk(x)
    elif isinstance(node, pglast.ast.Node):
        yield node
        for attr in node:
            yield from _walk(getattr(node, attr))


_NO_KEY = object()  # an index element without a `key` attribute: SQLAlchemy gives it no operator class
_ORDERING = re.compile(r"(?is)^(.*?)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$")


def _literal_sql(e: Any) -> str | None:
    """The SQL of an index element given as text, which create_all writes as it is: `sa.text("major DESC")`, or
    `sa.literal_column("ingested_at DESC")` (Polar's events index); None for a column or a compiled expression."""
    if isinstance(e, sa.sql.elements.TextClause):
        return e.text
    if isinstance(e, sa.sql.elements.ColumnClause) and not isinstance(e, sa.Column) and e.is_literal:
        return e.name
    return None


def _split_ordering(sql: str) -> tuple[str, bool, str | None]:
    """`major DESC NULLS LAST` → (`major`, False, "last"): a text index element's trailing ordering."""
    m = _ORDERING.match(sql.strip())
    assert m is not None
    body, direction, nulls = m.groups()
    return body.strip(), (direction or "asc").lower() == "asc", nulls.lower() if nulls else None


def _text_element(t: sa.Table, text: str, opclass: str | None) -> tuple[str, str | None, str | None, bool]:
    """An index element given as SQL text (`sa.text("lower(x) text_pattern_ops")`, `name COLLATE "C"`) → its
    expression (a column's name when it is one), operator class, collation, and whether it is an expression."""
    expr_text, _, _, opclass_t, coll_t = split_index_element(text)
    collation = canonical_collation(coll_t) if coll_t is not None else None
    if (opclass_t is not None and opclass is None) or coll_t is not None:
        text, opclass = expr_text, opclass or opclass_t
    ident = _bare_identifier(text)
    if ident is not None and ident in t.c:
        return ident, opclass, collation, False
    return text, opclass, collation, True


def _bare_identifier(sql: str) -> str | None:
    if re.fullmatch(r'"(?:[^"]|"")+"', sql):
        return sql[1:-1].replace('""', '"')
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", sql):
        return sql.lower()
    return None


def _is_serial(t: sa.Table, c: sa.Column) -> bool:
    """SQLAlchemy's rule: the table's autoincrement integer column, with no server default, identity or (non
    optional) Sequence, is SERIAL."""
    if (c.server_default is not None or c.identity is not None
            or (isinstance(c.default, sa.Sequence) and not c.default.optional)):
        return False
    if not isinstance(c.type, sa.Integer):
        return False
    try:
        return t.autoincrement_column is c
    except AttributeError:  # pragma: no cover
        return bool(t._autoincrement_column is c)


def _identity(i: sa.Identity, type_: str, sequence_name: str) -> Identity:
    inc = i.increment if i.increment is not None else 1
    maxv = i.maxvalue if i.maxvalue is not None else INT_MAX.get(type_, INT_MAX["integer"])
    minv = i.minvalue if i.minvalue is not None else 1
    start = i.start if i.start is not None else minv
    return Identity(kind="always" if i.always else "byDefault",
                    sequence_name=sequence_name,
                    increment=str(inc), start=str(start), min_value=str(minv), max_value=str(maxv),
                    cache=str(i.cache if i.cache is not None else 1), cycle=bool(i.cycle))


def _identity_sequence(t: sa.Table, c: sa.Column) -> str | None:
    """`info={"mizzle": {"identity_sequence": "name"}}`: the identity's sequence is not `<table>_<column>_seq`
    (PostgreSQL keeps its name when the table or column is renamed; `sa.Identity` has no name). It stays in the
    table's schema; cut to 63 bytes, as the server cuts it. Refused on a column without an Identity."""
    name = (c.info.get("mizzle") or {}).get("identity_sequence")
    if name is None:
        return None
    if c.identity is None:
        raise SchemaLoadError(f"column {t.name}.{c.name}: info mizzle identity_sequence names an identity's "
                              "sequence; the column has no sa.Identity")
    if not isinstance(name, str) or not name:
        raise SchemaLoadError(f"column {t.name}.{c.name}: info mizzle identity_sequence must be a sequence name, "
                              f"not {name!r}")
    return truncate_identifier(name)


SERIAL_OF = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}


def _declared_serial(t: sa.Table, c: sa.Column, type_: str) -> bool:
    """`info={"mizzle": {"serial": True}}`: a serial column that is not the table's autoincrement key (SQLAlchemy
    makes only that one SERIAL; `pull` writes any other serial column so). Refused where it cannot hold."""
    if not (c.info.get("mizzle") or {}).get("serial"):
        return False
    if type_ not in SERIAL_OF:
        raise SchemaLoadError(f"column {t.name}.{c.name}: info mizzle serial needs an integer type, not {type_}")
    if c.server_default is not None or c.identity is not None or c.computed is not None or (
            isinstance(c.default, sa.Sequence) and not c.default.optional):
        raise SchemaLoadError(f"column {t.name}.{c.name}: info mizzle serial gives the column its own sequence and "
                              "default; drop its server_default, Identity, Computed or Sequence")
    return True


def _serial_like(s: sa.Sequence, type_: str) -> bool:
    """A Sequence's options are those of a serial's own sequence (unset, or set to the same values)."""
    return (serial_options(type_, s.increment, s.start, s.minvalue, s.maxvalue, s.cache, bool(s.cycle))
            and not s.nominvalue and not s.nomaxvalue and s.data_type is None)


def pg_type(t: Any) -> Any:
    """The type SQLAlchemy's PostgreSQL compiler writes for `t` (sources.sqlalchemy.dialect_type)."""
    return dialect_type(t, _PG)


# SQLAlchemy's types for other databases that its PostgreSQL compiler writes as they are named, types PostgreSQL does
# not have ("type datetime does not exist": create_all fails too), with the generic type to use instead
_NOT_POSTGRES = {sa.DATETIME: "sa.DateTime (timestamp)", sa.BLOB: "sa.LargeBinary (bytea)",
                 sa.BINARY: "sa.LargeBinary (bytea)", sa.VARBINARY: "sa.LargeBinary (bytea)", sa.CLOB: "sa.Text (text)"}


def _refuse_missing_type(t: Any, spelling: str) -> None:
    """A column of sa.DATETIME, BLOB, CLOB, BINARY or VARBINARY (a model written for MySQL or SQLite): generate wrote
    the type and migrate failed on it."""
    use = next((v for k, v in _NOT_POSTGRES.items() if isinstance(t, k)), None)
    if use is not None and re.sub(r"\(.*$", "", spelling) == type(t).__visit_name__.lower():
        raise sa.exc.CompileError(f"{spelling.upper()} is not a PostgreSQL type (create_all fails on it too): use "
                                  f"{use}, or .with_variant(...) for the database it was written for")


# spellings SQLAlchemy compiles that PostgreSQL stores as another: CHAR/NCHAR without a length is char(1)
# (bpchar with length 1), NCHAR/NVARCHAR are char/varchar
_SQLALCHEMY_SPELLINGS = {"char": "char(1)", "nchar": "char(1)", "national character": "char(1)",
                         "nvarchar": "varchar", "national character varying": "varchar"}


def _national(spelling: str) -> str:
    """NCHAR(n)/NVARCHAR(n) → char(n)/varchar(n); NUMERIC(p) → numeric(p, 0), as PostgreSQL stores them."""
    m = re.fullmatch(r"(nchar|nvarchar)\((\d+)\)", spelling)
    if m:
        return ("char" if m.group(1) == "nchar" else "varchar") + f"({m.group(2)})"
    m = re.fullmatch(r"numeric\((\d+)\)", spelling)
    if m:
        return f"numeric({m.group(1)}, 0)"
    return spelling


_TYPE_SPELLINGS: dict[tuple[Any, ...], tuple[str, str | None]] = {}
_PLAIN = frozenset((type(None), bool, int, float, str))


def collation_of(c: sa.Column) -> str | None:
    """The collation a column is created with: its string type's `collation=` (an ARRAY's item type's), as
    SQLAlchemy's compiler writes it, or `info={"mizzle": {"collation": …}}` for a type SQLAlchemy cannot give
    one (a collation outside pg_catalog and public, a user-defined type)."""
    declared = (c.info.get("mizzle") or {}).get("collation")
    if declared:
        return canonical_collation(str(declared))
    t = pg_type(c.type)
    while isinstance(t, sa.ARRAY):
        t = pg_type(t.item_type)
    if isinstance(t, sa.Enum) and t.native_enum:
        return None
    try:
        return _compile_type(t)[1]
    except sa.exc.CompileError:
        return None


def _compile_type(t: Any) -> tuple[str, str | None]:
    """The canonical spelling of a type through SQLAlchemy's compiler and the collation it names, remembered for
    SQLAlchemy's own type classes per attribute values when those are plain (a schema repeats a few types over
    thousands of columns, and compiling each costs); user-defined types are compiled every time."""
    attrs = getattr(t, "__dict__", None)
    key: tuple[Any, ...] | None = None
    if attrs is not None and type(t).__module__.startswith("sqlalchemy."):
        types = tuple(map(type, attrs.values()))  # 1 and True are equal keys: their types tell them apart
        if _PLAIN.issuperset(types):
            key = (type(t), types, *attrs.items())  # in the instance's own order: another order only misses
    spelling = _TYPE_SPELLINGS.get(key) if key is not None else None
    if spelling is None:
        bare, collation = split_collation(str(t.compile(dialect=_PG)))
        spelling = (stored_precision(_national(canonical_type(bare))), collation)  # timestamp(7): (6)
        if key is not None:
            _TYPE_SPELLINGS[key] = spelling
    return spelling


_CALL_SPELLINGS: dict[tuple[Any, ...], str] = {}


def _expr_sql(e: Any) -> str:
    if isinstance(e, str):
        return e.strip()
    if isinstance(e, bool):  # `postgresql_where=(col is True)`: SQLAlchemy's DDL coerces it to false()/true()
        return "true" if e else "false"
    if isinstance(e, sa.Column):
        return f'"{e.name}"'
    # SQLAlchemy's own argument-less functions (`sa.func.now()` as the default of a thousand columns): compiled
    # once per class, name and package
    args = getattr(e, "clauses", None) if isinstance(e, sa.sql.functions.Function) else None
    key = ((type(e), e.name, tuple(e.packagenames)) if isinstance(args, sa.sql.elements.ClauseList) and not len(args)
           and type(e).__module__ == "sqlalchemy.sql.functions" else None)
    spelling = _CALL_SPELLINGS.get(key) if key is not None else None
    if spelling is None:
        compiled = e.compile(dialect=_PG, compile_kwargs={"literal_binds": True, "include_table": False})
        spelling = str(compiled).strip()
        if key is not None:
            _CALL_SPELLINGS[key] = spelling
    return spelling


def _default_sql(arg: Any, type_: str, is_enum: bool) -> str | None:
    if isinstance(arg, str):
        return json_literal_cast(canonical_default(quote_literal(arg), type_, is_enum), type_)
    if isinstance(arg, sa.sql.elements.TextClause):
        return json_literal_cast(canonical_default(arg.text, type_, is_enum), type_)
    if isinstance(arg, sa.sql.elements.True_):
        return "true"
    if isinstance(arg, sa.sql.elements.False_):
        return "false"
    return canonical_default(_expr_sql(arg), type_, is_enum)


def _exclusion_index(t: sa.Table, con: Any) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """An ExcludeConstraint's index parameters, which SQLAlchemy has no keyword for: info={"mizzle": {"include":
    [columns], "with": {"fillfactor": 70}}} (INCLUDE (…) WITH (…) of the constraint's index); its comments are
    read by `exclusions`."""
    info = (con.info or {}).get("mizzle") or {}
    unknown = set(info) - {"include", "with", "comment", "index_comment"}
    if unknown:
        raise SchemaLoadError(f"table {t.name}: ExcludeConstraint info mizzle keys {sorted(unknown)} (known: include, "
                              "with, comment, index_comment)")
    include = tuple(c if isinstance(c, str) else c.name for c in info.get("include") or ())
    missing = [c for c in include if c not in t.c]
    if missing:
        raise SchemaLoadError(f"table {t.name}: ExcludeConstraint includes {', '.join(missing)}, not its columns")
    with_ = tuple((str(k), str(v).lower() if isinstance(v, bool) else str(v))
                  for k, v in (info.get("with") or {}).items())  # in order: PostgreSQL keeps it
    return include, with_

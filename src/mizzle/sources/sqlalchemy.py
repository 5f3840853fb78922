"""SQLAlchemy MetaData (Core tables, declarative models, SQLModel) → the schema model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from ..dialects.postgres.types import INT_MAX, SERIAL_BASE, canonical_default, canonical_type, quote_literal
from ..errors import SchemaLoadError
from ..schema.model import (
    DEFAULT_SCHEMA,
    CheckConstraint,
    Column,
    Enum,
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
from ..schema.naming import fk_name, pk_name, truncate_identifier, unique_name
from .loader import FoundMetaData, load_metadata

_PG = pg.dialect()


def load_schema(patterns: tuple[str, ...], root: Path, dialect: str = "postgresql",
                schema_filter: tuple[str, ...] = ()) -> tuple[Schema, dict[tuple[str, ...], str]]:
    """The model of the schema code, and the renames it declares with info={"mizzle": {"renamed_from": …}}."""
    found = load_metadata(patterns, root)
    return schema_from_metadata(found, dialect=dialect, schema_filter=schema_filter), declared_renames(found)


def declared_renames(found: list[FoundMetaData]) -> dict[tuple[str, ...], str]:
    out: dict[tuple[str, ...], str] = {}
    for item in found:
        for t in item.metadata.tables.values():
            schema = t.schema or DEFAULT_SCHEMA
            old = (t.info.get("mizzle") or {}).get("renamed_from")
            if old:
                out[("table", schema, t.name)] = str(old)
            for c in t.columns:
                old = (c.info.get("mizzle") or {}).get("renamed_from")
                if old:
                    out[("column", schema, t.name, c.name)] = str(old)
    return out


def schema_from_metadata(found: list[FoundMetaData] | list[Any], dialect: str = "postgresql",
                         schema_filter: tuple[str, ...] = ()) -> Schema:
    items = [f if isinstance(f, FoundMetaData) else FoundMetaData(f, "<metadata>") for f in found]
    seen: dict[tuple[str, str], tuple[Any, str]] = {}
    for item in items:
        for t in item.metadata.tables.values():
            key = (t.schema or DEFAULT_SCHEMA, t.name)
            if key in seen and seen[key][0] is not t:
                first = seen[key][1]
                raise SchemaLoadError(
                    f"table {key[0]}.{key[1]} is defined twice: in {_origin(seen[key][0], first)} and "
                    f"in {_origin(t, item.origin)}")
            seen.setdefault(key, (t, item.origin))
    from .. import dialects

    return dialects.get(dialect).schema_from_tables(items, seen, schema_filter)


def postgres_schema_from_tables(items: list[FoundMetaData], seen: dict[tuple[str, str], tuple[Any, str]],
                                schema_filter: tuple[str, ...]) -> Schema:
    """PostgreSQL's model of the tables `seen` (the postgres dialect's schema source hook)."""
    converter = _PgConverter()
    tables = []
    for (schema_name, _), (t, origin) in sorted(seen.items()):
        if schema_filter and schema_name not in schema_filter:
            continue
        try:
            tables.append(converter.table(t))
        except sa.exc.SQLAlchemyError as e:
            first = (str(e).splitlines() or [""])[0]
            raise SchemaLoadError(f"table {schema_name}.{t.name} ({_origin(t, origin)}): {first}") from None
    for item in items:
        for enum in standalone_enums(item.metadata):
            if not schema_filter or (enum.schema or DEFAULT_SCHEMA) in schema_filter:
                converter.type_of(enum)
    schemas = {t.schema for t in tables if t.schema != DEFAULT_SCHEMA}
    schemas |= {e.schema for e in converter.enums.values() if e.schema != DEFAULT_SCHEMA}
    schemas |= {s.schema for s in converter.sequences.values() if s.schema != DEFAULT_SCHEMA}
    # a serial column's own sequence, `<table>_<column>_seq`, is the server's to create: a Sequence of that name
    # is that sequence when it asks for nothing a serial's does not have, and a clash otherwise
    serial_seqs = {(t.schema, truncate_identifier(f"{t.name}_{c.name}_seq")): (t, c)
                   for t in tables for c in t.columns if c.is_serial}
    for item in items:
        for s in getattr(item.metadata, "_sequences", {}).values():
            key = (s.schema or DEFAULT_SCHEMA, s.name)
            if key in converter.absorbed:
                continue
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
    for item in items:  # schemas that hold nothing (yet): MetaData(info={"mizzle": {"schemas": [...]}})
        declared = ((item.metadata.info or {}).get("mizzle") or {}).get("schemas") or ()
        schemas |= {str(x) for x in declared if x != DEFAULT_SCHEMA and (not schema_filter or x in schema_filter)}
    return make_schema("postgresql", tables=tables, enums=converter.enums.values(),
                       sequences=converter.sequences.values(), schemas=schemas)


def standalone_enums(metadata: sa.MetaData) -> list[sa.Enum]:
    """Enums declared with `metadata=` (`sa.Enum(..., name=..., metadata=metadata)`): SQLAlchemy's create_all
    creates them even when no column uses them, and so does mizzle. They are found through the listener each
    one registers on the MetaData (there is no other collection of them)."""
    found = []
    for listener in metadata.dispatch.before_create:
        target = getattr(listener, "__self__", None)
        if isinstance(target, sa.Enum) and getattr(target, "metadata", None) is metadata:
            found.append(target)
    return found


def _origin(table: Any, fallback: str) -> str:
    import sys

    for mod in list(sys.modules.values()):
        d = getattr(mod, "__dict__", None)
        if not d or not getattr(mod, "__file__", None):
            continue
        for v in list(d.values()):
            if v is table or (isinstance(v, type) and getattr(v, "__table__", None) is table):
                return str(mod.__file__)
    return fallback


class _PgConverter:
    def __init__(self) -> None:
        self.enums: dict[tuple[str, str], Enum] = {}
        self.sequences: dict[tuple[str, str], Sequence] = {}
        self.absorbed: set[tuple[str, str]] = set()  # Sequences that are a serial column's own (see column())

    def table(self, t: sa.Table) -> Table:
        schema = t.schema or DEFAULT_SCHEMA
        pk = primary_key(t)
        pk_cols = pk.columns if pk else ()
        columns = tuple(self.column(t, c, pk_cols) for c in t.columns)
        fks: list[ForeignKey] = []
        uniques: list[UniqueConstraint] = []
        checks: list[CheckConstraint] = []
        for con in sorted(t.constraints, key=_constraint_sort_key):
            if isinstance(con, sa.ForeignKeyConstraint):
                fks.append(self.foreign_key(t, con))
            elif isinstance(con, sa.UniqueConstraint):
                cols = tuple(c.name for c in con.columns)
                name = _constraint_name(con, t) or unique_name(t.name, cols)
                nnd = bool(con.dialect_options["postgresql"].get("nulls_not_distinct"))
                uniques.append(UniqueConstraint(name, cols, nnd))
            elif isinstance(con, sa.CheckConstraint):
                if getattr(con, "_type_bound", False):
                    continue  # the CHECK a non-native Enum/Boolean adds for itself
                name = _constraint_name(con, t) or _check_name(t.name, checks)
                checks.append(CheckConstraint(name, _expr_sql(con.sqltext)))
        indexes = [self.index(t, ix) for ix in sorted(t.indexes, key=lambda i: str(i.name))]
        return Table(name=t.name, schema=schema, columns=columns, primary_key=pk, foreign_keys=tuple(fks),
                     uniques=tuple(uniques), checks=tuple(checks), indexes=tuple(indexes), comment=t.comment)

    def column(self, t: sa.Table, c: sa.Column, pk_cols: tuple[str, ...]) -> Column:
        type_, type_schema = self.type_of(c.type)
        identity = None
        if c.identity is not None:
            identity = _identity(c.identity, type_, t.name, c.name, t.schema or DEFAULT_SCHEMA)
        elif _is_serial(t, c):
            type_ = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}[type_]
        default = None
        sd = c.server_default
        if isinstance(sd, sa.DefaultClause) and not isinstance(sd, sa.Computed):
            default = _default_sql(sd.arg, type_, type_schema is not None)
        elif isinstance(c.default, sa.Sequence) and _own_serial_sequence(t, c, c.default, type_) and not c.nullable:
            # Column(Integer, Sequence("users_id_seq")): the sequence a serial column gets anyway, asking for nothing
            # more: the column is that serial (a separate CREATE SEQUENCE would clash with it)
            type_ = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}[type_]
            self.absorbed.add((c.default.schema or DEFAULT_SCHEMA, c.default.name))
        elif isinstance(c.default, sa.Sequence):
            self.sequence(c.default)
            seq = c.default
            default = f"nextval('{_qualify_seq(seq)}'::regclass)"
        generated = None
        if c.computed is not None:
            generated = _expr_sql(c.computed.sqltext)
        not_null = (not c.nullable) or c.name in pk_cols or type_.endswith("serial") or identity is not None
        return Column(name=c.name, type=type_, not_null=not_null, default=default, type_schema=type_schema,
                      identity=identity, generated=generated, comment=c.comment,
                      declared_not_null=c._user_defined_nullable is False)  # nullable=False written out

    def type_of(self, t: Any) -> tuple[str, str | None]:
        if isinstance(t, sa.TypeDecorator):
            t = t.impl_instance if hasattr(t, "impl_instance") else t.impl
        if isinstance(t, sa.ARRAY):
            inner, schema = self.type_of(t.item_type)
            return inner + "[]" * (t.dimensions or 1), schema
        if isinstance(t, sa.Enum) and t.native_enum and t.name:
            schema = t.schema or DEFAULT_SCHEMA
            values = tuple(t.enums)
            key = (schema, t.name)
            if key in self.enums and self.enums[key].values != values:
                raise SchemaLoadError(f"enum {schema}.{t.name} is defined twice with different values")
            self.enums[key] = Enum(t.name, values, schema)
            return t.name, schema
        if isinstance(t, sa.Enum):
            return (f"varchar({t.length})" if t.length else "varchar"), None
        if isinstance(t, sa.Boolean):
            return "boolean", None
        if isinstance(t, sa.Float):
            if isinstance(t, sa.REAL) or (t.precision is not None and t.precision <= 24):
                return "real", None
            return "double precision", None
        if isinstance(t, (sa.Uuid, pg.UUID)):
            return "uuid", None
        if isinstance(t, pg.JSONB):
            return "jsonb", None
        if isinstance(t, sa.JSON):
            return "json", None
        if isinstance(t, sa.LargeBinary):
            return "bytea", None
        if isinstance(t, sa.Text):
            return "text", None
        if isinstance(t, sa.String) and not t.length and not isinstance(t, sa.CHAR):
            return "varchar", None
        return _compile_type(t), None

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
        name = _constraint_name(con, t) or fk_name(t.name, cols, ref_table, tuple(ref_cols))
        deferrable = None
        if con.deferrable:
            deferrable = "deferred" if (con.initially or "").lower() == "deferred" else "immediate"
        return ForeignKey(name=name, columns=cols, ref_table=ref_table, ref_columns=tuple(ref_cols),
                          ref_schema=ref_schema, on_delete=_action(con.ondelete), on_update=_action(con.onupdate),
                          deferrable=deferrable)

    def index(self, t: sa.Table, ix: sa.Index) -> Index:
        opts = ix.dialect_options["postgresql"]
        ops = opts.get("ops") or {}
        cols = []
        for expr in ix.expressions:
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
            if isinstance(e, sa.sql.elements._textual_label_reference) and e.element in t.c:
                e = e.element  # sa.desc("col") names a column, as drizzle's t.col.desc() does
            if isinstance(e, str):
                e = t.c[e]
            if isinstance(e, sa.Column):
                text, is_expr = e.name, False
                opclass = ops.get(e.key) or ops.get(e.name)
            else:
                text, is_expr = _expr_sql(e), True
                opclass = ops.get(text)
            cols.append(IndexColumn(text, is_expr, asc, nulls or ("last" if asc else "first"), opclass))
        with_ = tuple(sorted((str(k), str(v).lower() if isinstance(v, bool) else str(v))
                             for k, v in (opts.get("with") or {}).items()))
        include = tuple(c if isinstance(c, str) else c.name for c in (opts.get("include") or ()))
        where = opts.get("where")
        name = _constraint_name(ix, t)
        if not name:
            raise SchemaLoadError(f"an index on {t.name} has no name; give it one or set a naming convention")
        return Index(name=name, columns=tuple(cols), unique=bool(ix.unique), method=(opts.get("using") or "btree").lower(),
                     where=_expr_sql(where) if where is not None else None, with_=with_, include=include,
                     concurrently=bool(opts.get("concurrently")))

    def sequence(self, s: sa.Sequence) -> None:
        schema = s.schema or DEFAULT_SCHEMA
        inc = s.increment if s.increment is not None else 1
        minv = s.minvalue if s.minvalue is not None else (1 if inc > 0 else -9223372036854775808)
        maxv = s.maxvalue if s.maxvalue is not None else (9223372036854775807 if inc > 0 else -1)
        start = s.start if s.start is not None else (minv if inc > 0 else maxv)
        self.sequences[(schema, s.name)] = Sequence(
            name=s.name, schema=schema, increment=str(inc), start=str(start), min_value=str(minv),
            max_value=str(maxv), cache=str(s.cache if s.cache is not None else 1), cycle=bool(s.cycle))


def primary_key(t: sa.Table, name_single: bool = True) -> PrimaryKey | None:
    """The table's key: its explicit (or naming-convention) name, drizzle-kit's `<t>_<cols>_pk` for an
    unnamed composite key, none for an unnamed single column (the server calls it `<t>_pkey`).
    `name_single=False` drops a single column's name too (SQLite does not store it)."""
    cols = tuple(c.name for c in t.primary_key.columns)
    if not cols:
        return None
    explicit = _constraint_name(t.primary_key, t)
    if len(cols) > 1:
        return PrimaryKey(cols, explicit or pk_name(t.name, cols))
    return PrimaryKey(cols, explicit if name_single else None)


def _constraint_sort_key(con: Any) -> tuple[str, str]:
    return (type(con).__name__, str(con.name) if con.name is not None else ",".join(c.name for c in con.columns))


def _constraint_name(con: Any, table: sa.Table) -> str | None:
    """The explicit name, or the one MetaData.naming_convention gives; None when neither applies."""
    from sqlalchemy.sql.naming import conv

    name = con.name
    if isinstance(name, str) and not isinstance(name, conv):
        return truncate_identifier(name)
    try:
        from sqlalchemy.sql.naming import _constraint_name_for_table

        named = _constraint_name_for_table(con, table)
    except Exception:  # noqa: BLE001 - the convention could not be applied (missing token, …)
        named = None
    if not isinstance(named, str):
        return None
    return truncate_identifier(str(named))


def _check_name(table: str, existing: list[CheckConstraint]) -> str:
    base = truncate_identifier(f"{table}_check")
    names = {c.name for c in existing}
    if base not in names:
        return base
    i = 1
    while f"{base}{i}" in names:
        i += 1
    return f"{base}{i}"


def _action(value: str | None) -> str:
    return (value or "no action").lower()


def _is_serial(t: sa.Table, c: sa.Column) -> bool:
    if c.server_default is not None or c.identity is not None or isinstance(c.default, sa.Sequence):
        return False
    if not isinstance(c.type, sa.Integer):
        return False
    try:
        return t.autoincrement_column is c
    except AttributeError:  # pragma: no cover
        return bool(t._autoincrement_column is c)


def _identity(i: sa.Identity, type_: str, table: str, column: str, schema: str) -> Identity:
    inc = i.increment if i.increment is not None else 1
    maxv = i.maxvalue if i.maxvalue is not None else INT_MAX.get(type_, INT_MAX["integer"])
    minv = i.minvalue if i.minvalue is not None else 1
    start = i.start if i.start is not None else minv
    return Identity(kind="always" if i.always else "byDefault",
                    sequence_name=truncate_identifier(f"{table}_{column}_seq"),
                    increment=str(inc), start=str(start), min_value=str(minv), max_value=str(maxv),
                    cache=str(i.cache if i.cache is not None else 1), cycle=bool(i.cycle))


def _own_serial_sequence(t: sa.Table, c: sa.Column, s: sa.Sequence, type_: str) -> bool:
    """Is `s` what PostgreSQL would create for `c` as a serial: named `<table>_<column>_seq` in the table's
    schema, on an integer column, with a serial's options?"""
    return (type_ in ("integer", "bigint", "smallint") and (s.schema or DEFAULT_SCHEMA) == (t.schema or DEFAULT_SCHEMA)
            and s.name == truncate_identifier(f"{t.name}_{c.name}_seq") and _serial_like(s, type_))


def _serial_like(s: sa.Sequence, type_: str) -> bool:
    """A Sequence's options are those of a serial's own sequence (unset, or set to the same values)."""
    return (s.increment in (None, 1) and s.start in (None, 1) and s.minvalue in (None, 1)
            and s.maxvalue in (None, int(INT_MAX[type_])) and s.cache in (None, 1) and not s.cycle
            and not s.nominvalue and not s.nomaxvalue and s.data_type is None)


def _qualify_seq(s: sa.Sequence) -> str:
    return f"{s.schema}.{s.name}" if s.schema else s.name


_TYPE_SPELLINGS: dict[tuple[Any, ...], str] = {}
_PLAIN = frozenset((type(None), bool, int, float, str))


def _compile_type(t: Any) -> str:
    """The canonical spelling of a type through SQLAlchemy's compiler, remembered for SQLAlchemy's own type
    classes per attribute values when those are plain (a schema repeats a few types over thousands of
    columns, and compiling each costs); user-defined types are compiled every time."""
    attrs = getattr(t, "__dict__", None)
    key: tuple[Any, ...] | None = None
    if attrs is not None and type(t).__module__.startswith("sqlalchemy."):
        types = tuple(map(type, attrs.values()))  # 1 and True are equal keys: their types tell them apart
        if _PLAIN.issuperset(types):
            key = (type(t), types, *attrs.items())  # in the instance's own order: another order only misses
    spelling = _TYPE_SPELLINGS.get(key) if key is not None else None
    if spelling is None:
        spelling = canonical_type(str(t.compile(dialect=_PG)))
        if key is not None:
            _TYPE_SPELLINGS[key] = spelling
    return spelling


_CALL_SPELLINGS: dict[tuple[Any, ...], str] = {}


def _expr_sql(e: Any) -> str:
    if isinstance(e, str):
        return e.strip()
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
        return canonical_default(quote_literal(arg), type_, is_enum)
    if isinstance(arg, sa.sql.elements.TextClause):
        return canonical_default(arg.text, type_, is_enum)
    if isinstance(arg, sa.sql.elements.True_):
        return "true"
    if isinstance(arg, sa.sql.elements.False_):
        return "false"
    return canonical_default(_expr_sql(arg), type_, is_enum)

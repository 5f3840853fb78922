"""The schema model → a readable SQLAlchemy schema module (Core `Table`s), as `pull` writes it.

Core tables rather than declarative classes: a `Table` says exactly what the model says (composite and named
keys, tables without a primary key — which the ORM cannot map —, columns whose names are not Python
identifiers, expression indexes) without inventing class or attribute names. Models can be layered on top
later with `__table__ = users`. The module round-trips: loading it gives back the model it was written from.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterable

from .. import dialects
from ..schema.comments import pk_name
from ..schema.model import (
    DEFAULT_SCHEMA,
    Column,
    Enum,
    ExclusionConstraint,
    ExclusionElement,
    Index,
    Schema,
    Sequence,
    Table,
)
from ..schema.naming import serial_sequence_name, type_name
from .pull_objects import object_lines
from .pull_security import security_code

# canonical type → SQLAlchemy expression; anything else is written as PgType("<spelling>")
_SIMPLE_TYPES = {
    "integer": "sa.Integer", "bigint": "sa.BigInteger", "smallint": "sa.SmallInteger",
    "serial": "sa.Integer", "bigserial": "sa.BigInteger", "smallserial": "sa.SmallInteger",
    "text": "sa.Text", "varchar": "sa.String", "boolean": "sa.Boolean", "real": "sa.REAL",
    "double precision": "sa.Double", "numeric": "sa.Numeric", "uuid": "sa.Uuid", "jsonb": "pg.JSONB",
    "json": "sa.JSON", "bytea": "sa.LargeBinary", "date": "sa.Date", "timestamp": "pg.TIMESTAMP",
    "timestamp with time zone": "pg.TIMESTAMP(timezone=True)", "time": "pg.TIME",
    "time with time zone": "pg.TIME(timezone=True)", "interval": "pg.INTERVAL", "inet": "pg.INET",
    "cidr": "pg.CIDR", "macaddr": "pg.MACADDR", "tsvector": "pg.TSVECTOR", "blob": "sa.LargeBinary",
    # SQLAlchemy's classes, so that the application's values are its (a range, an hstore's dict), not strings
    **{t: "pg." + t.upper() for t in ("int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange",
                                      "int4multirange", "int8multirange", "nummultirange", "datemultirange",
                                      "tsmultirange", "tstzmultirange", "hstore", "macaddr8", "tsquery", "money",
                                      "oid", "citext")},
}
_ACTIONS_DEFAULT = "no action"

_PG_TYPE_HELPER = '''

class PgType(sa.types.UserDefinedType):  # type: ignore[type-arg]
    """A column type spelled as the database declares it (a PostgreSQL type SQLAlchemy has no class for; a SQLite
    column's declared type), its values handled in Python as `behaves_as`'s, where given."""

    cache_ok = True

    def __init__(self, spec: str, behaves_as: sa.types.TypeEngine | None = None) -> None:  # type: ignore[type-arg]
        self.spec = spec
        self.behaves_as = behaves_as

    def get_col_spec(self, **kw: object) -> str:
        return self.spec

    def bind_processor(self, dialect):  # type: ignore[no-untyped-def]
        return None if self.behaves_as is None else self.behaves_as.dialect_impl(dialect).bind_processor(dialect)

    def result_processor(self, dialect, coltype):  # type: ignore[no-untyped-def]
        if self.behaves_as is None:
            return None
        return self.behaves_as.dialect_impl(dialect).result_processor(dialect, coltype)
'''


def write_module(schema: Schema, header: str = "", outside: Callable[[str], bool] | None = None) -> str:
    """Python source of a module defining `metadata` with every table, enum and sequence of `schema`; `outside`:
    whether a schema is outside the scope (`schema_filter`), where a table the foreign keys reference is declared
    for SQLAlchemy's sake (see _referenced_outside)."""
    names = _Names()
    enum_vars = {e.key: names.take(f"{e.name}_enum" if e.schema == DEFAULT_SCHEMA else f"{e.schema}_{e.name}_enum")
                 for e in schema.enums}
    body: list[str] = []
    uses_pg_type = False
    for e in schema.enums:
        body.append(f"{enum_vars[e.key]} = {_enum(e)}")
    for s in schema.sequences:
        body.append(f"{names.take(s.name + '_seq' if not s.name.endswith('seq') else s.name)} = {_sequence(s)}")
    if body:
        body.append("")
    owners = {s.owned_by: s.name if s.schema == s.owned_by[0] else f"{s.schema}.{s.name}"
              for s in schema.sequences if s.owned_by}
    table_vars: dict[tuple[str, str], str] = {}
    referenced = _referenced_columns(schema)
    for t in _tables_in_dependency_order(schema.tables):
        var = table_vars[t.key] = names.take(t.name if t.schema == DEFAULT_SCHEMA else f"{t.schema}_{t.name}")
        text, pg_type = _table(t, var, enum_vars, schema.dialect, owners, _inherited_used(schema, t, referenced))
        uses_pg_type |= pg_type
        body.append(text)
    if outside is not None:
        body.extend(_referenced_outside(schema, enum_vars, names.take, outside))
    pg_import, security = security_code(schema, table_vars, names.take, _str)  # extensions, RLS, policies
    body.extend(security)
    lines = ['"""' + (header or "Database schema, written by `mizzle pull`.") + '"""', "",
             "import sqlalchemy as sa", *(["from sqlalchemy.dialects import postgresql as pg"]
                                          if any("pg." in b for b in body) else []),
             *([pg_import] if pg_import else []), ""]
    if uses_pg_type:
        lines.append(_PG_TYPE_HELPER.strip("\n"))
        lines.append("")
    used = {t.schema for t in schema.tables} | {e.schema for e in schema.enums} | {q.schema for q in schema.sequences}
    empty = [x for x in schema.schemas if x not in used and x != DEFAULT_SCHEMA]
    mine = [f'"schemas": [{_strs(empty)}]'] if empty else []  # schemas holding nothing
    notes = {(e.name if e.schema == DEFAULT_SCHEMA else f"{e.schema}.{e.name}"): e.comment
             for e in schema.enums if e.comment is not None}
    if notes:  # COMMENT ON TYPE of enums (sa.Enum takes no comment)
        mine.append('"enum_comments": {' + ", ".join(f"{_str(k)}: {_str(v)}" for k, v in notes.items()) + "}")
    info = f'info={{"mizzle": {{{", ".join(mine)}}}}}' if mine else ""
    imports, objects = object_lines(schema.objects, names.take)
    lines[lines.index("import sqlalchemy as sa") + 1:lines.index("import sqlalchemy as sa") + 1] = imports
    lines += ["", f"metadata = sa.MetaData({info})", ""]
    return "\n".join(lines + body + objects).rstrip() + "\n"


def _referenced_outside(schema: Schema, enum_vars: dict[tuple[str, str], str], take: Callable[[str], str],
                        outside: Callable[[str], bool]) -> list[str]:
    """A table for each one the foreign keys reference in a schema outside the scope (Supabase's `auth.users`
    with `schema_filter = ["public"]`), with the referenced columns only, typed as the referencing columns are and
    keyed as referenced: SQLAlchemy cannot resolve a foreign key to a table its MetaData lacks, and mizzle leaves
    a table outside `schema_filter` alone. (A table `tables_filter` leaves out is not declared: that filter is
    the introspection's, and `generate` would create it.)"""
    have = {t.key for t in schema.tables}
    wanted: dict[tuple[str, str], dict[str, Column]] = {}
    keys: dict[tuple[str, str], list[tuple[str, ...]]] = {}  # the column lists referenced: unique on the server
    for t in schema.tables:
        for f in t.foreign_keys:
            key = (f.ref_schema or DEFAULT_SCHEMA, f.ref_table)
            if key in have or not outside(key[0]):
                continue
            cols = wanted.setdefault(key, {})
            for mine, theirs in zip(f.columns, f.ref_columns, strict=False):
                c = t.column(mine)
                typ = c.stored_type if c is not None else "text"
                cols.setdefault(theirs, Column(name=theirs, type=typ, type_schema=c.type_schema if c else None))
            if f.ref_columns not in keys.setdefault(key, []):
                keys[key].append(f.ref_columns)
    out = []
    for (sch, name), cols in sorted(wanted.items()):
        var = take(f"{name}_outside" if sch == DEFAULT_SCHEMA else f"{sch}_{name}_outside")
        args = [f"sa.Column({_str(c.name)}, {_type(c, enum_vars, schema.dialect)[0]})" for c in cols.values()]
        first, *more = keys[(sch, name)]
        args += [f"sa.PrimaryKeyConstraint({_strs(first)})", *(f"sa.UniqueConstraint({_strs(k)})" for k in more)]
        schema_kw = f", schema={_str(sch)}" if sch != DEFAULT_SCHEMA else ""
        out += ["# referenced by a foreign key, in a schema mizzle does not manage here (schema_filter): declared",
                "# for SQLAlchemy to resolve that key; mizzle never creates, alters or drops it",
                f"{var} = sa.Table({_str(name)}, metadata, {', '.join(args)}{schema_kw})", ""]
    return out


class _Names:
    def __init__(self) -> None:
        self.used: set[str] = {"sa", "pg", "metadata", "PgType"}

    def take(self, wanted: str) -> str:
        base = re.sub(r"\W+", "_", wanted).strip("_") or "table"
        if base[0].isdigit() or keyword.iskeyword(base):
            base = "t_" + base
        name, i = base, 2
        while name in self.used:
            name, i = f"{base}_{i}", i + 1
        self.used.add(name)
        return name


def _tables_in_dependency_order(tables: Iterable[Table]) -> list[Table]:
    """Referenced tables first (readability only: SQLAlchemy resolves foreign keys lazily)."""
    todo = {t.key: t for t in tables}
    out: list[Table] = []
    visiting: set[tuple[str, str]] = set()

    def visit(t: Table) -> None:
        if t.key not in todo or t.key in visiting:
            return
        visiting.add(t.key)
        for p in (t.partition_of, *t.inherits):  # parents first
            if p is not None and p in todo:
                visit(todo[p])
        for f in t.foreign_keys:
            ref = todo.get((f.ref_schema, f.ref_table))
            if ref is not None:
                visit(ref)
        if t.key in todo:
            out.append(todo.pop(t.key))

    for t in sorted(todo.values(), key=lambda t: t.key):
        visit(t)
    return out


def _enum(e: Enum) -> str:
    values = ", ".join(_str(v) for v in e.values)
    schema = f", schema={_str(e.schema)}" if e.schema != DEFAULT_SCHEMA else ""
    # metadata=: the enum belongs to the schema even when no column uses it
    return f"sa.Enum({values}, name={_str(e.name)}{schema}, metadata=metadata)"


def _sequence(s: Sequence) -> str:
    args = [_str(s.name)]
    for kw, v in (("start", s.start), ("increment", s.increment), ("minvalue", s.min_value),
                  ("maxvalue", s.max_value), ("cache", s.cache)):
        if v is not None:
            args.append(f"{kw}={int(v)}")
    if s.cycle:
        args.append("cycle=True")
    if s.data_type is not None:
        args.append(f"data_type={_SIMPLE_TYPES[s.data_type]}")
    if s.schema != DEFAULT_SCHEMA:
        args.append(f"schema={_str(s.schema)}")
    args.append("metadata=metadata")
    return f"sa.Sequence({', '.join(args)})"


def _table(t: Table, var: str, enum_vars: dict[tuple[str, str], str], dialect: str,
           owners: dict[tuple[str, str, str], str], inherited: list[Column]) -> tuple[str, bool]:
    pk = t.primary_key
    own = {c.name for c in t.columns}
    notes = {(kind, name): text for kind, name, text in t.comments}
    pk_note = _notes(notes, pk_name(t.name, pk)) if pk is not None else ""
    inline_pk = pk is not None and pk.name is None and not pk.deferrable and set(pk.columns) <= own and not pk_note
    pk_cols = set(pk.columns) if pk else set()
    uses_pg_type = False
    items: list[str] = []
    for c in t.columns:
        text, pg_type = _column(t, c, inline_pk and c.name in pk_cols, c.name in pk_cols, enum_vars, dialect,
                                owners.get((t.schema, t.name, c.name)))
        uses_pg_type |= pg_type
        items.append(text)
    for c in inherited:  # a parent's column this table's own keys and indexes name: SQLAlchemy needs it here
        type_expr, pg_type = _type(c, enum_vars, dialect)
        uses_pg_type |= pg_type
        items.append(f'sa.Column({_str(c.name)}, {type_expr}, info={{"mizzle": {{"inherited": True}}}})')
    if pk is not None and not inline_pk:
        name = f", name={_str(pk.name or '')}" if pk.name or not pk.deferrable else ""
        items.append(f"sa.PrimaryKeyConstraint({_strs(pk.columns)}{name}{_deferrable(pk.deferrable)}{pk_note})")
    for f in t.foreign_keys:
        prefix = "" if f.ref_schema == DEFAULT_SCHEMA else f"{f.ref_schema}."
        refs = [f"{prefix}{f.ref_table}.{c}" for c in f.ref_columns]
        args = [f"[{_strs(f.columns)}]", f"[{_strs(refs)}]", f"name={_str(f.name)}"]
        if f.on_delete != _ACTIONS_DEFAULT:
            args.append(f"ondelete={_str(f.on_delete.upper())}")
        if f.on_update != _ACTIONS_DEFAULT:
            args.append(f"onupdate={_str(f.on_update.upper())}")
        flags = (", postgresql_not_valid=True" if f.not_valid else "") + (', match="FULL"' if f.match_full else "")
        items.append(f"sa.ForeignKeyConstraint({', '.join(args)}{_deferrable(f.deferrable)}{flags}"
                     f"{_notes(notes, f.name)})")
    items.extend(_uniques(t, notes))
    for ch in t.checks:
        flags = (", postgresql_not_valid=True" if ch.not_valid else "") + (
            ', info={"mizzle": {"no_inherit": True}}' if ch.no_inherit else "")
        note = f", comment={_str(notes[('constraint', ch.name)])}" if ("constraint", ch.name) in notes else ""
        items.append(f"sa.CheckConstraint({_sql_text(ch.expression)}, name={_str(ch.name)}{flags}{note})")
    items.extend(_exclusion(x, notes) for x in t.excludes)
    for ix in t.indexes:
        text = _index(ix, dialect)
        if ("index", ix.name) in notes:
            text = text[:-1] + f', info={{"mizzle": {{"comment": {_str(notes[("index", ix.name)])}}}}})'
        items.append(text)
    if t.schema != DEFAULT_SCHEMA:
        items.append(f"schema={_str(t.schema)}")
    if t.comment:
        items.append(f"comment={_str(t.comment)}")
    if t.unlogged:
        items.append('prefixes=["UNLOGGED"]')
    if any(c.identity is not None and c.identity.kind == "autoincrement" for c in t.columns):
        items.append("sqlite_autoincrement=True")  # how SQLAlchemy writes AUTOINCREMENT (create_all)
    if t.strict:
        items.append("sqlite_strict=True")
    if t.without_rowid:
        items.append("sqlite_with_rowid=False")
    items.extend(_lineage(t))
    inner = "".join(f"    {x},\n" for x in items)
    return f"{var} = sa.Table(\n    {_str(t.name)}, metadata,\n{inner})\n", uses_pg_type


def _uniques(t: Table, notes: dict[tuple[str, str], str]) -> list[str]:
    """The table's `sa.UniqueConstraint(…)`s. One repeating the key or one written before it is marked `repeats`:
    CREATE TABLE (create_all) would drop it, and the database has it (source.distinct_keys)."""
    pk = t.primary_key
    seen = {(pk.columns, False, pk.deferrable)} if pk is not None else set()
    out = []
    for u in t.uniques:
        nnd = ", postgresql_nulls_not_distinct=True" if u.nulls_not_distinct else ""
        key = (u.columns, u.nulls_not_distinct, u.deferrable)
        out.append(f"sa.UniqueConstraint({_strs(u.columns)}, name={_str(u.name)}{nnd}{_deferrable(u.deferrable)}"
                   f"{_notes(notes, u.name, repeats=key in seen)})")
        seen.add(key)
    return out


def _notes(notes: dict[tuple[str, str], str], name: str, repeats: bool = False) -> str:
    """`, comment=…` of a constraint, and `, info={"mizzle": {…}}` with the comment of the index behind it (a
    key's, a unique constraint's) and a unique constraint's `repeats` mark."""
    out = f", comment={_str(notes[('constraint', name)])}" if ("constraint", name) in notes else ""
    info = [f'"index_comment": {_str(notes[("index", name)])}'] if ("index", name) in notes else []
    info += ['"repeats": True'] if repeats else []
    if info:
        out += ', info={"mizzle": {' + ", ".join(info) + "}}"
    return out


def _referenced_columns(schema: Schema) -> dict[tuple[str, str], set[str]]:
    """Each table's columns that foreign keys reference, by table key (read once: per partition, the scan of every
    table's foreign keys made pull quadratic — 1.9 s of a GitLab-sized pull, 1,330 tables of which 320 partitions)."""
    out: dict[tuple[str, str], set[str]] = {}
    for o in schema.tables:
        for f in o.foreign_keys:
            out.setdefault((f.ref_schema, f.ref_table), set()).update(f.ref_columns)
    return out


def _inherited_used(schema: Schema, t: Table, referenced: dict[tuple[str, str], set[str]]) -> list[Column]:
    """The columns `t` takes from its parents (a partition's partitioned table, the tables it inherits from) that
    its own primary key, unique and foreign keys, indexes and exclusion constraints name, and that foreign keys
    referencing `t` (a partition, say) name (`referenced`: _referenced_columns)."""
    from ..schema.lineage import all_columns, parents

    if not parents(t):
        return []
    own = {c.name for c in t.columns}
    named = set(t.primary_key.columns if t.primary_key else ()) | {c for u in t.uniques for c in u.columns}
    named |= {c for f in t.foreign_keys for c in f.columns}
    named |= {c.expression for ix in t.indexes for c in ix.columns if not c.is_expression}
    named |= {e.expression for x in t.excludes for e in x.elements if not e.is_expression}
    named |= referenced.get(t.key, set())
    return [c for c in all_columns(schema, t) if c.name in named and c.name not in own]


def _exclusion(x: ExclusionConstraint, notes: dict[tuple[str, str], str]) -> str:
    """`pg.ExcludeConstraint(("room", "="), (sa.text("lower(name)"), "="), name=…, using=…, where=…, ops=…)`; its
    index parameters and comments in info mizzle (SQLAlchemy has no keyword for them)."""
    def element(e: ExclusionElement) -> str:
        if not e.is_expression:
            return _str(e.expression)
        # an expression with an operator class: a literal_column, named in ops= by its text (SQLAlchemy renders
        # `(expr) opclass`); parenthesised, so any expression stays one element
        return f"sa.literal_column({_str(f'({e.expression})')})" if e.opclass else f"sa.text({_str(e.expression)})"
    elements = [f"({element(e)}, {_str(e.operator)})" for e in x.elements]
    args = [*elements, f"name={_str(x.name)}", f"using={_str(x.method)}"]
    if x.where:
        args.append(f"where=sa.text({_str(x.where)})")
    ops = {f"({e.expression})" if e.is_expression else e.expression: e.opclass for e in x.elements if e.opclass}
    if ops:
        args.append("ops={" + ", ".join(f"{_str(k)}: {_str(v)}" for k, v in ops.items()) + "}")
    index = ([f'"include": [{_strs(x.include)}]'] if x.include else []) + (
        ['"with": {' + ", ".join(f"{_str(k)}: {_str(v)}" for k, v in x.with_) + "}"] if x.with_ else [])
    index += [f'"{key}": {_str(notes[(kind, x.name)])}' for kind, key in (("constraint", "comment"), ("index", "index_comment"))
              if (kind, x.name) in notes]
    if index:
        args.append('info={"mizzle": {' + ", ".join(index) + "}}")
    return f"pg.ExcludeConstraint({', '.join(args)}{_deferrable(x.deferrable)})"


def _deferrable(deferrable: str | None) -> str:
    return f", deferrable=True, initially={_str(deferrable.upper())}" if deferrable else ""


def _lineage(t: Table) -> list[str]:
    """Partitioning and inheritance: postgresql_partition_by and postgresql_inherits where SQLAlchemy has them,
    info={"mizzle": {"partition_of", "bounds"}} for a partition (parents in another schema as "schema.name")."""
    def parent(key: tuple[str, str]) -> str:
        return _str(key[1] if key[0] == t.schema else f"{key[0]}.{key[1]}")
    out = []
    if t.partition_by:
        out.append(f"postgresql_partition_by={_str(t.partition_by)}")
    if t.inherits:
        out.append(f"postgresql_inherits=({', '.join(parent(p) for p in t.inherits)},)")
    if t.partition_of is not None:
        out.append(f'info={{"mizzle": {{"partition_of": {parent(t.partition_of)}, '
                   f'"bounds": {_str(t.partition_bound or "DEFAULT")}}}}}')
    return out


def _column(t: Table, c: Column, inline_pk: bool, in_pk: bool, enum_vars: dict[tuple[str, str], str],
            dialect: str, owns: str | None = None) -> tuple[str, bool]:
    type_expr, pg_type = _type(c, enum_vars, dialect)
    args = [_str(c.name), type_expr]
    # SQLite's AUTOINCREMENT is no identity: the table's `sqlite_autoincrement=True` says it (_table)
    autoincrement = c.identity is not None and c.identity.kind == "autoincrement"
    if c.identity is not None and not autoincrement:
        i = c.identity
        ia = [f"always={i.kind == 'always'}"]
        for kw, v in (("start", i.start), ("increment", i.increment), ("minvalue", i.min_value),
                      ("maxvalue", i.max_value), ("cache", i.cache)):
            if v is not None:
                ia.append(f"{kw}={int(v)}")
        if i.cycle:
            ia.append("cycle=True")
        args.append(f"sa.Identity({', '.join(ia)})")
    if c.generated is not None:
        default_virtual = dialects.get(dialect).computed_virtual  # what sa.Computed without persisted= is there
        kind = "" if c.generated_virtual == default_virtual else \
            f", persisted={'False' if c.generated_virtual else 'True'}"
        args.append(f"sa.Computed({_sql_text(c.generated)}{kind})")
    if inline_pk:
        args.append("primary_key=True")
    if (c.is_serial or autoincrement) and in_pk:
        args.append("autoincrement=True")
    elif in_pk and c.identity is None and c.type in ("integer", "bigint", "smallint") \
            and dialects.get(dialect).rowid_key(t) != c.name:  # SQLite's rowid alias makes its values
        args.append("autoincrement=False")  # an integer key column that is not serial
    if c.not_null and not in_pk and c.identity is None:
        args.append("nullable=False")
    if c.default is not None:
        args.append(f"server_default={_default(c.default)}")
    if c.comment:
        args.append(f"comment={_str(c.comment)}")
    info = []
    if c.is_serial and not in_pk:
        # SQLAlchemy makes only the autoincrement key column SERIAL (a Sequence on a column is a free-standing
        # sequence and no default, in create_all and in mizzle): any other serial column says so to mizzle
        info.append('"serial": True')
    if c.collation is not None and "collation=" not in type_expr:  # a type SQLAlchemy gives no collation
        info.append(f'"collation": {_str(c.collation)}')
    if owns is not None:
        info.append(f'"owns_sequence": {_str(owns)}')
    if c.identity is not None and not autoincrement and c.identity.sequence_name is not None \
            and c.identity.sequence_name != serial_sequence_name(t.name, c.name):
        # PostgreSQL keeps the sequence's name when the table or column is renamed; sa.Identity has no name
        info.append(f'"identity_sequence": {_str(c.identity.sequence_name)}')
    if info:
        args.append('info={"mizzle": {' + ", ".join(info) + "}}")
    return f"sa.Column({', '.join(args)})", pg_type


def _type(c: Column, enum_vars: dict[tuple[str, str], str], dialect: str) -> tuple[str, bool]:
    own = dialects.get(dialect).pulled_type(c.type)  # SQLite: its own mapping, or the declared type kept
    if own is not None:  # a string type takes the collation (SQLite's NOCASE); another gives it in `info`
        if c.collation is not None:
            own = _with_collation(own, c.collation)
        return own, own.startswith("PgType(")
    base, dims = c.type, 0
    while base.endswith("[]"):
        base, dims = base[:-2], dims + 1
    pg_type = False
    if c.type_schema is not None and (c.type_schema, base) in enum_vars:
        expr = enum_vars[(c.type_schema, base)]
    elif c.type_schema is not None:  # an enum of a schema outside schema_filter: named, not made (not pulled)
        expr = f"pg.ENUM(name={_str(base)}, schema={_str(c.type_schema)}, create_type=False)"
    else:
        scalar = _scalar_type(base)
        expr = scalar if scalar is not None else f"PgType({_str(type_name(base))})"
        pg_type = scalar is None
        if c.collation is not None and not c.collation.startswith('"'):
            expr = _with_collation(expr, c.collation)
    if dims:
        expr = f"pg.ARRAY({expr}" + (f", dimensions={dims})" if dims > 1 else ")")
    return expr, pg_type


_SIZED_STRING = re.compile(r"sa\.(String|CHAR)\(\d+\)")
_SIZED_TEXT = re.compile(r"(varchar|char|text)\((\d+)\)")  # text(N): SQLite's String(N), as drizzle-kit spells it
_NUMERIC = re.compile(r"numeric\((\d+)(?:, (-?\d+))?\)")
_TIMESTAMP = re.compile(r"(timestamp|time) ?\((\d+)\)( with time zone)?")
_PLAIN_LITERAL = re.compile(r"'((?:[^'\\]|'')*)'")


def _with_collation(expr: str, collation: str) -> str:
    """`sa.Text` → `sa.Text(collation="C")`, `sa.String(20)` → `sa.String(20, collation="C")`: SQLAlchemy's string
    types take a collation (others do not: the caller then writes it in `info`)."""
    if expr in ("sa.Text", "sa.String"):
        return f"{expr}(collation={_str(collation)})"
    if _SIZED_STRING.fullmatch(expr):
        return f"{expr[:-1]}, collation={_str(collation)})"
    return expr


def _scalar_type(t: str) -> str | None:
    if t in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[t]
    m = _SIZED_TEXT.fullmatch(t)  # text(N): SQLite's String(N), as drizzle-kit spells it
    if m:
        return f"sa.{'CHAR' if m.group(1) == 'char' else 'String'}({m.group(2)})"
    m = _NUMERIC.fullmatch(t)
    if m:
        return f"sa.Numeric({m.group(1)}, {m.group(2)})" if m.group(2) else f"sa.Numeric({m.group(1)})"
    m = _TIMESTAMP.fullmatch(t)
    if m:
        tz = ", timezone=True" if m.group(3) else ""
        return f"pg.{m.group(1).upper()}(precision={m.group(2)}{tz})"
    return None


def _default(sql: str) -> str:
    m = _PLAIN_LITERAL.fullmatch(sql)
    if m and "''" not in m.group(1):
        return _str(m.group(1))  # a plain literal reads better as a Python string
    return f"sa.text({_str(sql)})"


def _index(ix: Index, dialect: str) -> str:
    where_kw = dialects.get(dialect).sqlalchemy_name + "_where"  # SQLAlchemy's per-dialect keyword
    exprs = []
    ops: dict[str, str] = {}
    for c in ix.columns:
        # an expression's operator class goes in its text: postgresql_ops keys elements by name, and an
        # expression has none (SQLAlchemy writes the text as it is, PostgreSQL reads `lower(name) text_pattern_ops`);
        # so does a collated element's (`name COLLATE "C" text_pattern_ops`)
        in_text = (c.is_expression or c.collation is not None) and c.opclass is not None
        text = c.expression if not c.collation else f"({c.expression})" if c.is_expression else _collation(c.expression)
        if c.collation is not None:
            text += f" COLLATE {_collation(c.collation)}"
        e = f"sa.text({_str(text + (f' {c.opclass}' if in_text else ''))})" \
            if c.is_expression or c.collation else _str(c.expression)
        if not c.asc:
            e = f"sa.desc({e})"
        if c.nulls != ("last" if c.asc else "first"):
            e = f"sa.nulls_{c.nulls}({e if not c.asc else f'sa.asc({e})'})"
        exprs.append(e)
        if c.opclass and not in_text:
            ops[c.expression] = c.opclass
    args = [_str(ix.name), *exprs]
    if ix.unique:
        args.append("unique=True")
    if ix.nulls_not_distinct:
        args.append("postgresql_nulls_not_distinct=True")
    if ix.method != "btree":
        args.append(f"postgresql_using={_str(ix.method)}")
    if ops:
        args.append("postgresql_ops={" + ", ".join(f"{_str(k)}: {_str(v)}" for k, v in ops.items()) + "}")
    if ix.with_:
        args.append("postgresql_with={" + ", ".join(f"{_str(k)}: {_str(v)}" for k, v in ix.with_) + "}")
    if ix.include:
        args.append(f"postgresql_include=[{_strs(ix.include)}]")
    if ix.where:
        args.append(f"{where_kw}=sa.text({_sql_text(ix.where)})")
    return f"sa.Index({', '.join(args)})"


def _collation(name: str) -> str:
    """A collation as the model holds it, as SQL names it: quoted (`"C"`, `"en_US"`)."""
    return name if name.startswith('"') else '"' + name.replace('"', '""') + '"'


def _str(s: str) -> str:
    r = repr(s)
    if r.startswith("'") and '"' not in s:
        r = '"' + r[1:-1].replace("\\'", "'") + '"'
    return r


# what SQLAlchemy's text() reads as a bind parameter (TextClause._bind_params_regex): a colon before a word, but
# for `::` and an escaped `\:`
_BIND = re.compile(r"(?<![:\w\\]):(?=\w+(?![:\w]))")


def _sql_text(sql: str) -> str:
    """`sql` as a Python string for SQLAlchemy to read as SQL text (a CheckConstraint's, a Computed's, an index's
    WHERE, all compiled, by create_all and by mizzle): its colons before a word escaped (`\\:`), or SQLAlchemy takes
    them for bind parameters and renders NULL (`'{"v":1}'`, Micsushi/flapstack's JSON literal in a check)."""
    return _str(_BIND.sub(r"\\:", sql))


def _strs(items: Iterable[str]) -> str:
    return ", ".join(_str(x) for x in items)

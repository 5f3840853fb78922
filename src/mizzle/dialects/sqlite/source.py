"""SQLAlchemy tables → the schema model, for SQLite.

Conventions of the SQLite model (shared by the snapshot codec, the DDL and introspection):
- SQLite has no schemas: every table keeps `Table.schema == "public"` (the model's default) and the
  sqlite codec, DDL and introspection ignore it. FKs point at "public" too.
- Column types are drizzle-kit's: `integer`, `text`, `text(N)`, `real`, `numeric`, `blob`. SQLAlchemy types map
  by what SQLAlchemy stores on SQLite: Integer/Boolean → integer; Float → real; Numeric → numeric;
  String/Text/Enum/JSON/Uuid/Date/DateTime/Time → text (SQLAlchemy stores those as text); LargeBinary → blob.
- `AUTOINCREMENT` (`sqlite_autoincrement=True` on the table, as create_all writes it) is
  `Column.identity == Identity(kind="autoincrement")`; a plain `INTEGER PRIMARY KEY` is a rowid alias without it.
- Unique constraints are unique indexes (drizzle-kit does the same: `uniqueConstraints` stays empty),
  named `<table>_<cols>_unique` unless named.
- Generated columns are STORED. Comments do not exist in SQLite and are dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sqlite_dialect

from ...errors import SchemaLoadError
from ...schema.model import (
    DEFAULT_SCHEMA,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    IndexColumn,
    Schema,
    Table,
    make_schema,
)
from ...schema.naming import fk_name, unique_name
from ...sources.refusals import Refusals
from ...sources.sqlalchemy import created_on, dialect_type
from .types import (
    AUTOINCREMENT,
    canonical_collation,
    canonical_default,
    canonical_type,
    index_element,
    quote_literal,
)

_SQLITE = sqlite_dialect.dialect()


def sqlite_schema_from_tables(tables: list[sa.Table]) -> Schema:
    out = []
    refusals = Refusals()
    for t in sorted(tables, key=lambda t: t.name):
        if not created_on(t, _SQLITE):  # Table(...).ddl_if(dialect="postgresql"): create_all leaves it out here
            continue
        with refusals.one():
            out.append(_table(t))
    refusals.raise_any()
    model = make_schema("sqlite", tables=out)
    built = {m.name: m for m in out}
    left = [line for t in sorted(tables, key=lambda t: t.name) if created_on(t, _SQLITE)
            for line in (*_on_conflict(t), *_nullable_keys(t, built[t.name]))]
    if not left:
        return model
    return model.with_(objects=replace(model.objects, unmanaged=(*model.objects.unmanaged, *left)))


def refuse_shared_names(model: Schema, constraints: frozenset[tuple[str, str]] = frozenset()) -> None:
    """Two of the schema's tables, views and indexes of one name, refused before any SQL is written: SQLite keeps
    them in one name space per database, its names compared without case (`index ix_x already exists` for two
    tables' Index("ix_x"), `there is already a table named c` for an index named like a table: the migration
    failed; create_all fails too). `constraints`: the (table, name) of named UniqueConstraints, which mizzle's
    migrations make unique indexes of, as drizzle-kit does — create_all writes them inside CREATE TABLE, where SQLite
    keeps no name, so two of one name pass there (OpenStack designate's unique_pool_host_port on two tables)."""
    named = [(t.name, f"table {t.name}") for t in model.tables]
    named += [(v.name, f"view {v.name}") for v in model.objects.views]
    named += [(ix.name, f"unique constraint {ix.name} on {t.name}" if (t.name, ix.name) in constraints
               else f"index {ix.name} on {t.name}") for t in model.tables for ix in t.indexes]
    seen: dict[str, str] = {}
    for name, what in named:
        first = seen.setdefault(name.lower(), what)
        if first != what:
            also = (" (mizzle's migrations make a named unique constraint a unique index of its name, as drizzle-kit "
                    "does; create_all keeps no name for it)") if "unique constraint" in first + what else ""
            raise SchemaLoadError(f"{first} and {what} have one name: SQLite keeps a database's tables, views and "
                                  f"indexes in one name space, and the migration would fail on the second{also}; "
                                  "rename one")


def _on_conflict(t: sa.Table) -> list[str]:
    """SQLite's ON CONFLICT clauses (sqlite_on_conflict… on a column or a constraint), which create_all writes and
    the model has no place for yet: one line each, for `generate` to say (not dropped without a word)."""
    out = []
    for c in t.columns:
        for key in ("on_conflict_primary_key", "on_conflict_not_null", "on_conflict_unique"):
            if value := c.dialect_options["sqlite"].get(key):
                out.append(f"ON CONFLICT {value} of column {t.name}.{c.name} (sqlite_{key}): create_all writes it, "
                           "mizzle's migrations do not yet")
    for con in sorted(t.constraints, key=lambda con: (type(con).__name__, str(con.name))):  # a set: one order
        if value := con.dialect_options["sqlite"].get("on_conflict"):
            kind = re.sub(r"(?<!^)([A-Z])", r" \1", type(con).__name__).lower()  # UniqueConstraint → unique constraint
            named = f" {con.name}" if isinstance(con.name, str) else ""
            out.append(f"ON CONFLICT {value} of {kind}{named} on {t.name} (sqlite_on_conflict): create_all writes it, "
                       "mizzle's migrations do not yet")
    return out


def _nullable_keys(t: sa.Table, built: Table) -> list[str]:
    """The key columns declared `nullable=True` (cinder's `encryption.encryption_id`, a String key): create_all writes
    no NOT NULL, so SQLite lets the key hold NULL; the model makes every key column NOT NULL, as drizzle-kit writes
    keys, so the migration's table differs: one line each, for `generate` to say. The INTEGER rowid key takes no
    NULL (SQLite fills one in): not named."""
    pk_cols = built.primary_key.columns if built.primary_key else ()
    if built.without_rowid or rowid_alias(pk_cols, built.columns):  # WITHOUT ROWID: its key takes no NULL
        return []
    return [f"primary key column {t.name}.{c.name} declared nullable=True: create_all leaves it accepting NULL "
            "(no NOT NULL), mizzle's migrations make it NOT NULL, as drizzle-kit writes keys"
            for c in t.columns if c.name in pk_cols and c.nullable]


def _refuse_lineage(t: sa.Table) -> None:
    """Partitioned tables, partitions and inheritance are PostgreSQL's: refused rather than left out."""
    pg = t.dialect_options["postgresql"]
    declared = [f"postgresql_{k}" for k in ("partition_by", "inherits") if pg.get(k)]
    declared += [f'info["mizzle"]["{k}"]' for k in ("partition_of", "bounds") if k in ((t.info or {}).get("mizzle") or {})]
    if declared:
        raise SchemaLoadError(f"table {t.name}: SQLite has no partitioned tables, partitions or table inheritance "
                              f"({', '.join(declared)}); remove it or set dialect = \"postgresql\" in mizzle.toml")


# SQLite has no limit on a name's length (SQLAlchemy's SQLite dialect allows 9999 characters): a name longer than
# PostgreSQL's 63 is kept whole, as create_all writes it
_NO_LIMIT = None


def _table(t: sa.Table) -> Table:
    if t.schema:
        raise SchemaLoadError(f"table {t.schema}.{t.name}: SQLite has no schemas (remove schema={t.schema!r}, "
                              "or set dialect = \"postgresql\" in mizzle.toml)")
    _refuse_lineage(t)
    try:
        return table_from_sqlalchemy(t)
    except sa.exc.SQLAlchemyError as e:
        first = (str(e).splitlines() or [""])[0]
        raise SchemaLoadError(f"table {t.name}: {first}") from None


def _refuse_table_options(t: sa.Table) -> None:
    """What a SQLite table declared in code may not have: an exclusion constraint, a prefix."""
    from sqlalchemy.dialects.postgresql import ExcludeConstraint

    if any(isinstance(con, ExcludeConstraint) for con in t.constraints):
        raise SchemaLoadError(f"table {t.name}: SQLite has no exclusion constraints (postgresql.ExcludeConstraint)")
    if t._prefixes:
        raise SchemaLoadError(f"table {t.name}: prefixes={list(t._prefixes)!r} — SQLite has no UNLOGGED tables, "
                              "and mizzle manages no other prefix")


def table_from_sqlalchemy(t: sa.Table) -> Table:
    from ...sources.sqlalchemy import (
        constraint_sort_key,
        deferrable_of,
        fk_action,
        given_constraint_name,
        primary_key,
    )

    _refuse_table_options(t)
    pk = primary_key(t, name_single=False, limit=_NO_LIMIT)
    if pk is not None and pk.deferrable:
        raise SchemaLoadError(f"table {t.name}: SQLite has no deferrable primary key (remove deferrable=)")
    pk_cols = pk.columns if pk else ()
    _refuse_composite_autoincrement(t, pk_cols)
    auto = _autoincrement_column(t)
    columns = tuple(_column(c, pk_cols, c.name == auto) for c in t.columns)
    fks: list[ForeignKey] = []
    checks = _checks(t)
    indexes: list[Index] = []
    uniques = distinct_uniques(t, pk_cols, columns)
    for con in sorted(t.constraints, key=constraint_sort_key):  # CHECKs: _checks
        if not created_on(con, _SQLITE):  # ddl_if(dialect=…)
            continue
        if isinstance(con, sa.ForeignKeyConstraint):
            cols = tuple(e.parent.name for e in con.elements)
            ref_table, ref_cols = referenced(con)
            name = given_constraint_name(con, t, _NO_LIMIT) or fk_name(t.name, cols, ref_table, ref_cols, cut=False)
            fks.append(ForeignKey(name=name, columns=cols, ref_table=ref_table, ref_columns=ref_cols,
                                  ref_schema=DEFAULT_SCHEMA, on_delete=fk_action(con.ondelete),
                                  on_update=fk_action(con.onupdate), deferrable=deferrable_of(con)))
        elif isinstance(con, sa.UniqueConstraint) and id(con) in uniques:
            cols = tuple(c.name for c in con.columns)
            name = uniques[id(con)] or unique_name(t.name, cols, cut=False)
            indexes.append(Index(name=name, columns=tuple(IndexColumn(c) for c in cols), unique=True))
    for ix in sorted((i for i in t.indexes if created_on(i, _SQLITE)), key=lambda i: str(i.name)):
        indexes.append(_index(t, ix, given_constraint_name(ix, t, _NO_LIMIT)))
    names = [i.name for i in indexes]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup:
        raise SchemaLoadError(f"table {t.name}: two indexes (or unique constraints) are named {dup!r}; "
                              "SQLite index names must be unique")
    strict, without_rowid = bool(t.dialect_options["sqlite"].get("strict")), \
        t.dialect_options["sqlite"].get("with_rowid") is False
    if strict:
        columns = strict_types(t.name, columns)
    if without_rowid:
        _refuse_rowid_less(t.name, pk_cols, auto)
    return Table(name=t.name, schema=DEFAULT_SCHEMA, columns=columns, primary_key=pk, foreign_keys=tuple(fks),
                 checks=tuple(checks), indexes=tuple(indexes), strict=strict, without_rowid=without_rowid)


# the column types a STRICT table takes (https://sqlite.org/stricttables.html): any other is refused by CREATE TABLE
STRICT_TYPES = ("int", "integer", "real", "text", "blob", "any")


def strict_types(table: str, columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """The columns of STRICT table `table` in the types it takes: `text(N)` (sa.String(N)) is `text` — SQLite never
    enforces the length, and a STRICT table refuses `text(N)` ("unknown datatype"); any other type it refuses
    (sa.Numeric's numeric, sa.BigInteger's bigint key, a spelled `varchar(191)`) is refused here, with the column."""
    out = []
    for c in columns:
        type_ = "text" if re.fullmatch(r"text\(\d+\)", c.type) else c.type
        if type_ not in STRICT_TYPES:
            raise SchemaLoadError(
                f"column {table}.{c.name}: a STRICT table (sqlite_strict=True) takes no column of type {c.type} "
                f"(only {', '.join(t.upper() for t in STRICT_TYPES)}: SQLite refuses the CREATE TABLE); declare it "
                "sa.Integer, sa.Float, sa.Text or sa.LargeBinary (.with_variant(…, \"sqlite\")), or drop sqlite_strict")
        out.append(c if type_ == c.type else replace(c, type=type_))
    return tuple(out)


def _refuse_rowid_less(table: str, pk_cols: tuple[str, ...], autoincrement: str | None) -> None:
    """What SQLite refuses in a WITHOUT ROWID table: none without a PRIMARY KEY, no AUTOINCREMENT."""
    if not pk_cols:
        raise SchemaLoadError(f"table {table}: a WITHOUT ROWID table (sqlite_with_rowid=False) needs a primary key "
                              "(SQLite refuses the CREATE TABLE: 'PRIMARY KEY missing'); give it one, or drop the "
                              "option")
    if autoincrement:
        raise SchemaLoadError(f"table {table}: a WITHOUT ROWID table (sqlite_with_rowid=False) has no AUTOINCREMENT "
                              "(SQLite refuses the CREATE TABLE); drop sqlite_autoincrement=True or the option")


def referenced(con: sa.ForeignKeyConstraint) -> tuple[str, tuple[str, ...]]:
    """The table and columns a foreign key references, as written when that table is not declared: SQLite keeps a
    key to a table that does not exist (Mixxx's `itunes_playlist_tracks` references `itunes_playlist`, a typo of
    `itunes_playlists`; a `RENAME` of the parent, then its drop, leaves its children referencing the old name), and
    `pull` writes it so. SQLAlchemy resolves such a key only when asked (`create_all` refuses it)."""
    try:
        return con.elements[0].column.table.name, tuple(e.column.name for e in con.elements)
    except sa.exc.NoReferencedTableError:
        tokens = [e._column_tokens for e in con.elements]  # (schema, table, column) as written
        return tokens[0][1], tuple(t[2] or "" for t in tokens)


def distinct_uniques(t: sa.Table, pk_cols: tuple[str, ...], columns: tuple[Column, ...]) -> dict[int, str | None]:
    """The UNIQUE constraints SQLite's CREATE TABLE makes an index of (id(constraint) → its given name, None when
    unnamed): none for one on the key's columns (the key's own index serves, unless the key is the rowid, which
    has none), and none for one that repeats an earlier one, the same columns in the same order — SQLite reuses
    the first's index (sqlite3CreateIndex), so create_all's database has one (Superset's `dbs`: `unique=True` on
    `database_name` beside a `UniqueConstraint("database_name")`; both unnamed, they derived one index name and
    were refused as two). An unnamed first one takes a later one's name, as on PostgreSQL (SQLite keeps neither)."""
    from ...sources.sqlalchemy import creation_order, given_constraint_name

    first: dict[tuple[str, ...], sa.UniqueConstraint] = {}
    names: dict[int, str | None] = {}
    for con in sorted((c for c in t.constraints if isinstance(c, sa.UniqueConstraint) and created_on(c, _SQLITE)),
                      key=creation_order):
        cols = tuple(c.name for c in con.columns)
        if cols == pk_cols and not rowid_alias(pk_cols, columns):
            continue
        name = given_constraint_name(con, t, _NO_LIMIT)
        if cols in first:
            kept = id(first[cols])
            names[kept] = names[kept] or name
            continue
        first[cols], names[id(con)] = con, name
    return names


def rowid_alias(pk_cols: tuple[str, ...], columns: tuple[Column, ...]) -> bool:
    """A key that is the table's rowid (one column declared exactly INTEGER): it has no index of its own, so a
    UNIQUE on it is one."""
    return len(pk_cols) == 1 and any(c.name == pk_cols[0] and c.type.strip().lower() == "integer" for c in columns)


def _checks(t: sa.Table) -> list[CheckConstraint]:
    """The CHECKs create_all writes on SQLite: a column's own (`Column(..., CheckConstraint(...))`) before the
    table's, and those a type adds for itself (`Boolean(create_constraint=True)`, a non-native `Enum` with
    `create_constraint=True`) when the type's own rule creates them for SQLite."""
    from ...sources.sqlalchemy import creation_order, default_check_name, given_constraint_name

    own = [con for c in t.columns for con in c.constraints if isinstance(con, sa.CheckConstraint)]
    # create_all's order (the order they were made in), which is also the order the database's unnamed CHECKs are
    # named in when read back; sorted by name, every unnamed one tied and kept the set's order, which changes
    # from run to run (tacker: t_check and t_check1 swapped between two generates, and verify failed)
    table = [con for con in sorted(t.constraints, key=creation_order) if isinstance(con, sa.CheckConstraint)]
    checks: list[CheckConstraint] = []
    for con in own + table:
        if not created_on(con, _SQLITE):  # ddl_if(dialect=…), or a type's own CHECK its rule leaves out
            continue
        name = given_constraint_name(con, t, _NO_LIMIT) or default_check_name(t.name, checks)
        checks.append(CheckConstraint(name, _expr_sql(con.sqltext)))
    return checks


def _refuse_composite_autoincrement(t: sa.Table, pk_cols: tuple[str, ...]) -> None:
    """autoincrement=True on a column of a composite key: create_all refuses it (CompileError); written, the column
    had no way to make its values, and an insert without it failed: "NOT NULL constraint failed" (datanommer's
    messages: id autoincrement + timestamp). SQLAlchemy's own "auto" makes none in a composite key: accepted."""
    made = t.autoincrement_column
    if len(pk_cols) > 1 and made is not None and made.autoincrement is True:
        raise SchemaLoadError(f"column {t.name}.{made.name}: SQLite has no autoincrement in a composite primary key "
                              f"({', '.join(pk_cols)}); create_all refuses it too — drop autoincrement=True, or make "
                              f"{made.name} the key alone")


def _autoincrement_column(t: sa.Table) -> str | None:
    pk = list(t.primary_key.columns)
    if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
        return None
    # only the table's sqlite_autoincrement=True, as create_all: a column's autoincrement=True is SQLAlchemy's
    # "generate the key" (a rowid alias does), not SQLite's AUTOINCREMENT keyword
    if t.dialect_options["sqlite"].get("autoincrement"):
        return pk[0].name
    return None


def _column(c: sa.Column, pk_cols: tuple[str, ...], autoincrement: bool) -> Column:
    try:
        type_ = type_of(c.type)
    except sa.exc.CompileError:  # "Compiler <…SQLiteTypeCompiler object at 0x…> can't render element of type X"
        raise SchemaLoadError(f"column {c.table.name}.{c.name}: SQLite has no type for {type(c.type).__name__} "
                              f"(a PostgreSQL type; create_all cannot write it either): give it "
                              f'.with_variant(<a SQLite type>, "sqlite"), or set dialect = "postgresql"') from None
    collation = canonical_collation(getattr(c.type, "collation", None) or (c.info.get("mizzle") or {}).get("collation"))
    default = None
    sd = c.server_default
    if isinstance(sd, sa.DefaultClause) and not isinstance(sd, sa.Computed):
        default = _default_sql(sd.arg, type_)
    generated = _expr_sql(c.computed.sqltext) if c.computed is not None else None
    if type_ == "integer" and pk_cols == (c.name,):
        type_ = _rowid_key_type(c)
    not_null = (not c.nullable) or c.name in pk_cols
    # Computed(persisted=True) is STORED; persisted=None is SQLite's default, VIRTUAL, as create_all writes it (no
    # keyword) and drizzle-kit's generatedAlwaysAs; mizzle wrote STORED for it, and baseline against a create_all
    # database read "generated stored → virtual"
    virtual = c.computed is not None and c.computed.persisted is not True
    # the SQL mizzle writes says NOT NULL for every not-null column, a composite key's members included (SQLite does
    # not make them NOT NULL itself): its snapshot says so too (declared_not_null, read for a composite key's members)
    return Column(name=c.name, type=type_, not_null=not_null, declared_not_null=not_null, default=default,
                  identity=AUTOINCREMENT if autoincrement else None, generated=generated, generated_virtual=virtual,
                  collation=collation)


def _rowid_key_type(c: sa.Column) -> str:
    """The type of a table's one key column of an integer type: `integer` where create_all declares INTEGER (the
    key is then the rowid: SQLite fills it in), else create_all's own (`bigint` for BigInteger: no rowid, and an
    insert without the key fails, as in create_all's database — the SQLAlchemy gotcha privacyidea works around
    with `.with_variant(sqlite.INTEGER(), "sqlite")`)."""
    declared = dialect_type(c.type, _SQLITE).compile(dialect=_SQLITE).lower()
    return "integer" if declared == "integer" else declared


def type_of(t: Any) -> str:
    """A SQLAlchemy type → drizzle-kit's SQLite column type, from the type create_all writes on SQLite (a
    TypeDecorator's `load_dialect_impl`, a `with_variant(..., "sqlite")`): a GUID decorator whose impl is
    BINARY(16) but that stores CHAR(32) on SQLite is text (numeric affinity would turn an all-digit hex
    string into a number)."""
    t = dialect_type(t, _SQLITE)
    if isinstance(t, (sa.Integer, sa.Boolean)):
        return "integer"
    if isinstance(t, sa.Float):
        return "real"
    if isinstance(t, sa.Numeric):
        return "numeric"
    if isinstance(t, sa.LargeBinary):
        return "blob"
    if isinstance(t, (sa.Enum, sa.JSON, sa.Uuid, sa.Date, sa.DateTime, sa.Time, sa.Interval, sa.Text)):
        return "text"
    if isinstance(t, sa.String):
        return f"text({t.length})" if t.length else "text"
    from .types import affinity

    compiled = str(t.compile(dialect=_SQLITE))
    low = canonical_type(compiled)
    if isinstance(t, sa.types.UserDefinedType):
        # the code spells the declared type itself (a pulled module's `PgType("varchar(191)")`, for a database
        # that create_all or another tool made): kept as written, so the module matches that database
        return low
    return low if low in ("integer", "text", "real", "numeric", "blob") else affinity(compiled)


# drizzle-kit's five types → the SQLAlchemy type that type_of maps back to it; text(N) is sa.String(N)
_PULLED = {"integer": "sa.Integer", "real": "sa.REAL", "numeric": "sa.Numeric", "blob": "sa.LargeBinary",
           "text": "sa.Text"}


def pulled_type(declared: str) -> str:
    """The SQLAlchemy type a pulled module writes for a declared column type: one type_of maps back to the same
    spelling, else the declared type kept as it is (`PgType("varchar(191)")`), so `generate --check` after
    `pull` finds nothing: sa.String(191) would be drizzle-kit's text(191), sa.Boolean its integer."""
    if declared in _PULLED:
        return _PULLED[declared]
    m = re.fullmatch(r"text\((\d+)\)", declared)
    if m:
        return f"sa.String({m.group(1)})"
    behaves = _behaves_as(declared)
    return f"PgType({json.dumps(declared)}{', ' + behaves if behaves else ''})"


def _behaves_as(declared: str) -> str | None:
    """The SQLAlchemy type SQLAlchemy's own SQLite reflection gives a declared type it knows by name (`datetime` →
    sa.DATETIME(), `varchar(36)` → sa.VARCHAR(length=36)), for the pulled `PgType` to behave as in Python: without
    it, a create_all database's DATETIME and BOOLEAN columns read back as strings and integers (barbican)."""
    import warnings

    from sqlalchemy.dialects.sqlite.base import SQLiteDialect

    dialect = SQLiteDialect()
    if declared.split("(")[0].strip().upper() not in dialect.ischema_names:
        return None  # SQLAlchemy would guess by affinity: no type of its own
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)  # "could not instantiate INTEGER with (11)": no arguments
        found = dialect._resolve_type_affinity(declared.upper())
    named = getattr(sa, type(found).__name__, None)
    if not isinstance(named, type) or not isinstance(found, named):
        return None
    return f"sa.{repr(found)}"


def _index(t: sa.Table, ix: sa.Index, name: str | None) -> Index:
    if not name:
        raise SchemaLoadError(f"an index on {t.name} has no name; give it one or set a naming convention")
    cols = []
    for expr in ix.expressions:
        e = expr
        if isinstance(e, sa.sql.elements._textual_label_reference) and e.element in t.c:
            e = e.element
        if isinstance(e, str):
            e = t.c[e]
        if isinstance(e, sa.Column):
            cols.append(IndexColumn(e.name))
        else:
            # an expression, or a column with its COLLATE (`t.c.name.collate("NOCASE")`)
            expr, is_expr, collation = index_element(_expr_sql(e))
            cols.append(IndexColumn(expr, is_expression=is_expr, collation=collation))
    where = ix.dialect_options["sqlite"].get("where")
    return Index(name=name, columns=tuple(cols), unique=bool(ix.unique),
                 where=_expr_sql(where) if where is not None else None)


def _expr_sql(e: Any) -> str:
    if isinstance(e, str):
        return e.strip()
    if isinstance(e, sa.Column):
        return f'"{e.name}"'
    compiled = e.compile(dialect=_SQLITE, compile_kwargs={"literal_binds": True, "include_table": False})
    return str(compiled).strip()


def _default_sql(arg: Any, type_: str) -> str | None:
    if isinstance(arg, str):
        return canonical_default(quote_literal(arg), type_)
    if isinstance(arg, sa.sql.elements.TextClause):
        return canonical_default(arg.text, type_)
    if isinstance(arg, sa.sql.elements.True_):
        return "true"
    if isinstance(arg, sa.sql.elements.False_):
        return "false"
    return canonical_default(_expr_sql(arg), type_)

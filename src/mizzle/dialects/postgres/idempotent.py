"""`generate --idempotent`: PlannedStatements rewritten so the file runs again — whole, or after any prefix
of it ran by hand — and ends in the same database. The seed's patterns, chosen per Change kind: IF [NOT]
EXISTS where PostgreSQL has it, DO blocks that check pg_catalog where it has not (types, constraints,
column renames, identities), and nothing for statements that are re-runnable as they are (ALTER COLUMN
type/default/not null, COMMENT, ALTER SEQUENCE options, setval)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ...planning.plan import PlannedStatement
from ...schema import changes as ch
from ...schema import lineage as li
from ...schema.changes import TableKey
from ...schema.model import PrimaryKey
from ...schema.table_features import AddExclusion, DropExclusion
from .ddl import column_type, constraint_exists, guarded, ident, qname, qtable
from .objects_idempotent import REWRITE_OBJECTS
from .security_idempotent import REWRITE as SECURITY_REWRITE
from .types import quote_literal

IDEMPOTENT = "mizzle:idempotent"


def make_idempotent(statements: list[PlannedStatement]) -> list[PlannedStatement]:
    dropped = dropped_tables(statements)
    new_keys = new_primary_keys(statements)
    return [replace(s, sql=rewrite(s, dropped, new_keys)) for s in statements]


def new_primary_keys(statements: list[PlannedStatement]) -> dict[TableKey, PrimaryKey]:
    """The tables whose primary key the file replaces, and their new keys."""
    return {s.change.table: s.change.new for s in statements
            if isinstance(s.change, ch.SetPrimaryKey) and s.change.new is not None}


def _pk_drop_unless_new(s: PlannedStatement, new_keys: dict[TableKey, PrimaryKey]) -> str | None:
    """The old key's DROP when the file adds another key to the table: on a rerun, only while the key is not
    the new one yet (a foreign key the file adds later depends on the new key's index: DROP CONSTRAINT IF
    EXISTS would fail on it)."""
    c = s.change
    if not (isinstance(c, ch.SetPrimaryKey) and c.new is None and c.table in new_keys) or s.sql.startswith("DO "):
        return None  # DO: ddl.to_server_name's rename before the DROP, re-runnable as it is
    cols = ", ".join(quote_literal(col) for col in new_keys[c.table].columns)
    keyed = (f"(SELECT array_agg(a.attname::text ORDER BY k.n) FROM pg_catalog.pg_constraint p "
             f"CROSS JOIN LATERAL unnest(p.conkey) WITH ORDINALITY AS k(attnum, n) "
             f"JOIN pg_catalog.pg_attribute a ON a.attrelid = p.conrelid AND a.attnum = k.attnum "
             f"WHERE p.conrelid = {_regclass(c.table)} AND p.contype = 'p')")
    return guarded(f"{keyed} IS DISTINCT FROM ARRAY[{cols}]::text[] AND {keyed} IS NOT NULL", s.sql)


def dropped_tables(statements: list[PlannedStatement]) -> frozenset[tuple[str, str]]:
    return frozenset(s.change.table.key for s in statements if isinstance(s.change, ch.DropTable))


def rewrite(s: PlannedStatement, dropped: frozenset[tuple[str, str]] = frozenset(),
            new_keys: dict[TableKey, PrimaryKey] | None = None) -> str:
    """`dropped`: the tables the file drops. What is done to them before (their foreign keys are dropped first)
    is moot on a rerun that finds them gone: ALTER TABLE IF EXISTS. `new_keys`: new_primary_keys()."""
    pk_drop = _pk_drop_unless_new(s, new_keys or {})
    if pk_drop is not None:
        return pk_drop
    sql = s.sql  # re-runnable as it is, unless a pattern of its change kind applies
    for transform in REWRITE.get(type(s.change), ()):
        out = transform(s.change, s.sql)
        if out is not None:
            sql = out
            break
    table = getattr(s.change, "table", None)
    if dropped and isinstance(table, tuple) and table in dropped:
        sql = _ALTER_TABLE.sub("ALTER TABLE IF EXISTS ", sql, count=1)
    return sql


_ALTER_TABLE = re.compile(r"^ALTER TABLE (?!IF EXISTS )")


# -- the patterns ------------------------------------------------------------------------------------------

def _regclass(table: tuple[str, str]) -> str:
    return f"to_regclass({quote_literal(qtable(table))})"


def _column_exists(table: tuple[str, str], column: str, extra: str = "") -> str:
    return (f"EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = {_regclass(table)} "
            f"AND attname = {quote_literal(column)} AND NOT attisdropped{extra})")


def _type_exists(schema: str, name: str) -> str:
    return (f"EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
            f"WHERE n.nspname = {quote_literal(schema)} AND t.typname = {quote_literal(name)})")


def _schema_exists(name: str) -> str:
    return f"EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = {quote_literal(name)})"


# a quoted, schema-qualified name as ddl.py writes it, and a quoted identifier
QUALIFIED_NAME = r'"(?:[^"]|"")*"\."(?:[^"]|"")*"'
IDENT = r'"(?:[^"]|"")*"'

Transform = Callable[[ch.Change, str], "str | None"]


def _insert(prefix: str, words: str) -> Transform:
    """`prefix` (a regex anchored at the start) followed by `words`: CREATE TABLE → CREATE TABLE IF NOT EXISTS."""
    pattern = re.compile(prefix)

    def t(c: ch.Change, sql: str) -> str | None:
        m = pattern.match(sql)
        if m is None:
            return None
        return sql if sql[m.end():].startswith(words) else sql[:m.end()] + words + sql[m.end():]
    return t


def _inner(pattern: str, words: str) -> Transform:
    """The first `pattern` inside the statement gets `words` after it: ADD COLUMN → ADD COLUMN IF NOT EXISTS."""
    rx = re.compile(pattern)

    def t(c: ch.Change, sql: str) -> str | None:
        m = rx.search(sql)
        if m is None:
            return None
        return sql if sql[m.end():].startswith(words) else sql[:m.end()] + words + sql[m.end():]
    return t


def _when(prefix: str, condition: Callable[[ch.Change], str]) -> Transform:
    def t(c: ch.Change, sql: str) -> str | None:
        return guarded(condition(c), sql) if sql.startswith(prefix) else None
    return t


_CREATE_INDEX = _insert(r"CREATE (UNIQUE )?INDEX (CONCURRENTLY )?", "IF NOT EXISTS ")
_DROP_COLUMN = _inner(r"^ALTER TABLE " + QUALIFIED_NAME + r" DROP COLUMN ", "IF EXISTS ")
_ADD_COLUMN = _inner(r"^ALTER TABLE " + QUALIFIED_NAME + r" ADD COLUMN ", "IF NOT EXISTS ")
_DROP_CONSTRAINT = _inner(r"^ALTER TABLE " + QUALIFIED_NAME + r" DROP CONSTRAINT ", "IF EXISTS ")
_RENAME_SEQUENCE = _insert(r"ALTER SEQUENCE (?=(?:IF EXISTS )?" + QUALIFIED_NAME + r" RENAME TO )", "IF EXISTS ")
_DROP_SEQUENCE = _insert(r"DROP SEQUENCE ", "IF EXISTS ")


def _not(cond: str) -> str:
    return f"NOT {cond}"


def _inherits(c: ch.Change) -> str:
    """The table already is a partition / child of the parent (ATTACH, INHERIT are skipped; DETACH, NO INHERIT
    run only then)."""
    cond = (f"EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = {_regclass(c.table)} "  # type: ignore[attr-defined]
            f"AND inhparent = {_regclass(c.parent)})")  # type: ignore[attr-defined]
    return cond if isinstance(c, (li.DetachPartition, li.NoInherit)) else _not(cond)


def _still_a_partition(c: ch.Change) -> str:
    """A dropped partition's DETACH (ddl._drop_table) runs only while it is one."""
    assert isinstance(c, ch.DropTable) and c.table.partition_of is not None
    return (f"EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = {_regclass(c.table.key)} "
            f"AND inhparent = {_regclass(c.table.partition_of)})")


def _add_constraint(name: Callable[[ch.Change], str]) -> Transform:
    return _when("ALTER TABLE ", lambda c: f"{_regclass(c.table)} IS NOT NULL AND "  # type: ignore[attr-defined]
                 + _not(constraint_exists(c.table, name(c))))  # type: ignore[attr-defined]


def _table_check_not_valid(c: ch.Change, sql: str) -> str | None:
    """A new table's NOT VALID check or folded unique, added after its CREATE TABLE (ddl._create_table)."""
    assert isinstance(c, ch.CreateTable)
    m = re.match(r"ALTER TABLE " + QUALIFIED_NAME + r" ADD CONSTRAINT (" + IDENT + ") ", sql)
    if m is None:
        return None
    name = m.group(1)[1:-1].replace('""', '"')
    return guarded(_not(constraint_exists(c.table.key, name)), sql)


def _pkey_rename(c: ch.Change, sql: str) -> str | None:
    assert isinstance(c, ch.RenameTable)
    m = re.match(r'ALTER TABLE ' + QUALIFIED_NAME + r' RENAME CONSTRAINT (' + IDENT + ') TO ', sql)
    if m is None:
        return None
    return guarded(constraint_exists(c.new, m.group(1)[1:-1].replace('""', '"')), sql)


def _custom_using(c: ch.Change, sql: str) -> str | None:
    """A type change converted by the schema code's own expression of the old values: once the column has the
    new type, that expression may no longer apply (`to_timestamp(col)` of a timestamp)."""
    assert isinstance(c, ch.AlterColumn)
    if not c.new.using or not re.match(r"ALTER TABLE " + QUALIFIED_NAME + " ALTER COLUMN " + IDENT + " SET DATA TYPE ", sql):
        return None
    new_type = column_type(c.new, for_alter=True)
    return guarded(_column_exists(c.table, c.new.name, f" AND atttypid <> {quote_literal(new_type)}::regtype"), sql)


_TYPMOD = re.compile(r"(varchar|char|numeric|timestamp|time) ?\((\d+)(?:, ?(\d+))?\)(.*)")


def _type_test(type_sql: str) -> str | None:
    """SQL true when a pg_attribute row's type is not `type_sql` (as column_type writes it): the type's oid and
    its typmod (varchar(n) and char(n): n + 4; numeric(p, s): (p << 16 | s) + 4; timestamp/time (p): p; none: -1).
    None for a type whose typmod is not worked out here."""
    arrays = ""
    while type_sql.endswith("[]"):
        type_sql, arrays = type_sql[:-2], arrays + "[]"
    m = _TYPMOD.fullmatch(type_sql)
    if m is None:
        if "(" in type_sql:
            return None
        base, typmod = type_sql, -1
    else:
        kind, a, b, rest = m.group(1), int(m.group(2)), m.group(3), m.group(4)
        base = kind + rest
        typmod = a if kind in ("timestamp", "time") else ((a << 16 | int(b or 0)) if kind == "numeric" else a) + 4
    return f"(atttypid <> {quote_literal(base + arrays)}::regtype OR atttypmod <> {typmod})"


def _set_type(c: ch.Change, sql: str) -> str | None:
    """A type change runs again only while the column does not have the new type yet: on a rerun a generated
    column added since may use it ("cannot alter type of a column used by a generated column")."""
    assert isinstance(c, ch.AlterColumn)
    if not re.match(r"ALTER TABLE " + QUALIFIED_NAME + " ALTER COLUMN " + IDENT + " SET DATA TYPE ", sql):
        return None
    test = _type_test(column_type(c.new, for_alter=True))
    return guarded(_column_exists(c.table, c.new.name, f" AND {test}"), sql) if test else None


def _identity_default(c: ch.Change, sql: str) -> str | None:
    """A column becoming an identity loses its default (and a serial its sequence) first; on a rerun it is an
    identity, which has no default (DROP DEFAULT on it fails) and a sequence of its own, maybe of that name."""
    assert isinstance(c, ch.AlterColumn)
    if c.new.identity is None or not (re.match(r"ALTER TABLE " + QUALIFIED_NAME + " ALTER COLUMN " + IDENT + " DROP DEFAULT$", sql)
                                      or sql.startswith("DROP SEQUENCE ")):
        return None
    return guarded(_column_exists(c.table, c.new.name, " AND attidentity = ''"), sql)


def _enum_not_rebuilt(c: ch.Change) -> str:
    """The enum does not have the rebuilt values (yet): on a rerun it already is the new type, which columns
    the file added since may use, and converting its columns to text and back again is not needed."""
    assert isinstance(c, ch.RecreateEnum)
    o, n = c.old, c.new
    labels = f"ARRAY[{', '.join(quote_literal(v) for v in n.values)}]::name[]"
    return (f"(SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM "
            f"pg_catalog.pg_enum e JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid JOIN pg_catalog.pg_namespace s "
            f"ON s.oid = t.typnamespace WHERE s.nspname = {quote_literal(o.schema)} AND t.typname = "
            f"{quote_literal(o.name)}) IS DISTINCT FROM {labels}")


def _enum_labels_differ(c: ch.Change) -> str:
    assert isinstance(c, ch.RecreateEnum)
    return f"{_type_exists(c.old.schema, c.old.name)} AND {_enum_not_rebuilt(c)}"


def _enum_to_text(c: ch.Change, sql: str) -> str | None:
    if not re.match(r"ALTER TABLE " + QUALIFIED_NAME + " ALTER COLUMN " + IDENT + r" (DROP DEFAULT$|SET DATA TYPE text(\[\])*$)",
                    sql):
        return None
    return guarded(_enum_not_rebuilt(c), sql)


def _enum_from_text(c: ch.Change, sql: str) -> str | None:
    """A column converted back from text to the rebuilt enum runs again only while it is text: on a rerun it is the
    enum already, and a generated column added since may use it ("cannot alter type of a column used by a
    generated column", even for its own type)."""
    m = re.match(r"ALTER TABLE (" + QUALIFIED_NAME + ") ALTER COLUMN (" + IDENT + r") SET DATA TYPE (?!text(\[\])*$)",
                 sql)
    if m is None:
        return None
    column = m.group(2)[1:-1].replace('""', '"')
    return guarded(f"EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass({quote_literal(m.group(1))}) "
                   f"AND attname = {quote_literal(column)} AND NOT attisdropped "
                   "AND atttypid IN ('text'::regtype, 'text[]'::regtype))", sql)


def _add_identity(c: ch.Change, sql: str) -> str | None:
    assert isinstance(c, ch.AlterColumn)
    if not re.match(r"ALTER TABLE " + QUALIFIED_NAME + " ALTER COLUMN " + IDENT + " ADD GENERATED ", sql):
        return None
    return guarded(_column_exists(c.table, c.new.name, " AND attidentity = ''"), sql)


REWRITE: dict[type, tuple[Transform, ...]] = {
    ch.CreateSchema: (_insert("CREATE SCHEMA ", "IF NOT EXISTS "),),
    ch.DropSchema: (_insert("DROP SCHEMA ", "IF EXISTS "),),
    ch.RenameSchema: (_when("ALTER SCHEMA ", lambda c: _schema_exists(c.old)),),  # type: ignore[attr-defined]
    ch.CreateEnum: (_when("CREATE TYPE ", lambda c: _not(_type_exists(c.enum.schema, c.enum.name))),),  # type: ignore[attr-defined]
    ch.DropEnum: (_insert("DROP TYPE ", "IF EXISTS "),),
    ch.RenameEnum: (_when("ALTER TYPE ", lambda c: _type_exists(c.schema, c.old)),),  # type: ignore[attr-defined]
    ch.AddEnumValue: (_inner(r"^ALTER TYPE " + QUALIFIED_NAME + r" ADD VALUE ", "IF NOT EXISTS "),),
    ch.RecreateEnum: (_enum_to_text, _enum_from_text, _when("DROP TYPE ", _enum_labels_differ),
                      _when("CREATE TYPE ", lambda c: _not(_type_exists(c.new.schema, c.new.name)))),  # type: ignore[attr-defined]
    ch.CreateSequence: (_insert("CREATE SEQUENCE ", "IF NOT EXISTS "),),
    ch.DropSequence: (_DROP_SEQUENCE,),
    ch.RenameSequence: (_RENAME_SEQUENCE,),
    ch.CreateTable: (_insert("CREATE (UNLOGGED )?TABLE ", "IF NOT EXISTS "), _table_check_not_valid),
    ch.DropTable: (_insert("DROP TABLE ", "IF EXISTS "), _when("ALTER TABLE ", _still_a_partition)),
    ch.RenameTable: (_insert(r"ALTER TABLE (?=" + QUALIFIED_NAME + r" RENAME TO )", "IF EXISTS "), _pkey_rename, _RENAME_SEQUENCE),
    ch.AddColumn: (_ADD_COLUMN,),
    ch.DropColumn: (_DROP_COLUMN,),
    ch.RenameColumn: (_when("ALTER TABLE ", lambda c: _column_exists(c.table, c.old)),  # type: ignore[attr-defined]
                      _RENAME_SEQUENCE),
    ch.AlterColumn: (_DROP_COLUMN, _ADD_COLUMN, _custom_using, _set_type, _identity_default,
                     _inner(r"^ALTER TABLE " + QUALIFIED_NAME + " ALTER COLUMN " + IDENT + " DROP EXPRESSION", " IF EXISTS"),
                     _inner(r"^ALTER TABLE " + QUALIFIED_NAME + " ALTER COLUMN " + IDENT + " DROP IDENTITY", " IF EXISTS"), _add_identity,
                     _DROP_SEQUENCE),
    ch.SetPrimaryKey: (_DROP_CONSTRAINT,
                       _when("ALTER TABLE ", lambda c: _not(  # type: ignore[attr-defined]
                           f"EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = {_regclass(c.table)} "  # type: ignore[attr-defined]
                           "AND contype = 'p')"))),
    ch.RenameConstraint: (_insert(r"ALTER INDEX ", "IF EXISTS "),
                          _when("ALTER TABLE ", lambda c: constraint_exists(c.table, c.old))),  # type: ignore[attr-defined]
    ch.AddForeignKey: (_add_constraint(lambda c: c.fk.name),),  # type: ignore[attr-defined]
    ch.DropForeignKey: (_DROP_CONSTRAINT,),
    ch.AddUnique: (_add_constraint(lambda c: c.unique.name),),  # type: ignore[attr-defined]
    ch.DropUnique: (_DROP_CONSTRAINT,),
    ch.AddCheck: (_add_constraint(lambda c: c.check.name),),  # type: ignore[attr-defined]
    ch.DropCheck: (_DROP_CONSTRAINT,),
    AddExclusion: (_add_constraint(lambda c: c.constraint.name),),  # type: ignore[attr-defined]
    DropExclusion: (_DROP_CONSTRAINT,),
    ch.CreateIndex: (_CREATE_INDEX,),
    ch.DropIndex: (_insert(r"DROP INDEX (CONCURRENTLY )?", "IF EXISTS "),),
    **{kind: (_when("ALTER TABLE ", _inherits),) for kind in (li.AttachPartition, li.DetachPartition, li.Inherit,
                                                               li.NoInherit)},
}
REWRITE.update(REWRITE_OBJECTS)  # views, functions, triggers, domains, composite types
REWRITE.update(SECURITY_REWRITE)  # policies, extensions

__all__ = ["IDEMPOTENT", "REWRITE", "ident", "make_idempotent", "qname", "rewrite"]

"""What lint knows about the database a migration file runs against: which tables existed before it
(the previous snapshot when the file is in a migrations folder; otherwise every table the file does not
create), their column types, and which table each index belongs to — updated statement by statement."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, NullTestType, ObjectType

from ..schema.model import DEFAULT_SCHEMA, Column, Schema

TableKey = tuple[str, str]
_SERIAL = {"serial": "int4", "serial4": "int4", "bigserial": "int8", "serial8": "int8", "smallserial": "int2",
           "serial2": "int2"}


@dataclass(frozen=True)
class TypeSpec:
    """A column type as PostgreSQL's parser names it: `int4`, `varchar` + (255,), `timestamptz` + (3,)."""

    name: str
    mods: tuple[int, ...] | None = ()  # None: modifiers that are not plain integers
    array: bool = False


@dataclass
class TableInfo:
    existing: bool  # existed before this file ran
    columns: dict[str, TypeSpec] | None = field(default_factory=dict)  # None: unknown
    partitioned: bool = False  # PARTITION BY: PostgreSQL refuses the CONCURRENTLY and USING INDEX forms on it


# the schema an unqualified name is made in and looked up in: the first of the file's `SET search_path` (an old
# pg_dump's `SET search_path = bookings, pg_catalog;` before its unqualified `CREATE TABLE`s), else public
_UNQUALIFIED: ContextVar[str] = ContextVar("mizzle_lint_unqualified", default=DEFAULT_SCHEMA)


@contextmanager
def file_search_path() -> Iterator[None]:
    """Unqualified names in `public` until the file sets its search_path, and again after it."""
    token = _UNQUALIFIED.set(DEFAULT_SCHEMA)
    try:
        yield
    finally:
        _UNQUALIFIED.reset(token)


def _set_search_path(node: Any) -> None:
    if not (isinstance(node, ast.VariableSetStmt) and (node.name or "").lower() == "search_path"):
        return
    names = [str(a.val.sval) for a in node.args or () if isinstance(a, ast.A_Const) and isinstance(a.val, ast.String)]
    _UNQUALIFIED.set(next((n for n in names if n != "$user"), DEFAULT_SCHEMA))


def table_key(rv: Any) -> TableKey:
    return (rv.schemaname or _UNQUALIFIED.get(), rv.relname)


def names_key(names: Any) -> TableKey:
    parts = [n.sval for n in names]
    return (parts[-2] if len(parts) > 1 else _UNQUALIFIED.get(), parts[-1])


def display(key: TableKey) -> str:
    return f"{key[0]}.{key[1]}"


# PostgreSQL's internal names (what its parser and the TypeSpecs hold) → the names a migration spells
_SPOKEN = {"int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real", "float8": "double precision",
           "bpchar": "char", "bool": "boolean"}


def spoken_type(t: TypeSpec) -> str:
    """`t` as a migration spells it (`integer`, `char(1)`, `varchar(64)[]`), not by PostgreSQL's internal names."""
    mods = f"({', '.join(map(str, t.mods))})" if t.mods else ""
    return f"{_SPOKEN.get(t.name, t.name)}{mods}{'[]' if t.array else ''}"


def type_spec(tn: Any) -> TypeSpec:
    name = tn.names[-1].sval.lower()
    mods: tuple[int, ...] | None = ()
    vals: list[int] = []
    for m in tn.typmods or ():
        if isinstance(m, ast.A_Const) and isinstance(m.val, ast.Integer):
            vals.append(cast(int, m.val.ival))
        else:
            mods = None
            break
    if mods is not None:
        mods = tuple(vals)
    return TypeSpec(_SERIAL.get(name, name), mods, bool(tn.arrayBounds))


@lru_cache(maxsize=512)
def spec_from_text(type_text: str) -> TypeSpec | None:
    from pglast import parse_sql

    try:
        stmt: Any = parse_sql(f"SELECT NULL::{type_text}")[0].stmt
        target = stmt.targetList[0].val
        return type_spec(target.typeName)
    except Exception:  # noqa: BLE001 - a type spelling pglast cannot read is simply unknown
        return None


def column_spec(c: Column) -> TypeSpec | None:
    if c.type_schema:
        return TypeSpec(c.base_type, (), c.type.endswith("[]"))
    return spec_from_text(c.type)


class SchemaState:
    def __init__(self, previous: Schema | None) -> None:
        self.from_snapshot = previous is not None
        self.objects = previous.objects if previous is not None else None  # views, functions, triggers, …
        self.previous_tables = previous.tables if previous is not None else ()  # their keys, for lint/foreign_keys
        # the extensions it declares (lint/opclasses: btree_gist's default classes)
        self.previous_extensions = (previous.security.extensions or ()) if previous is not None else ()
        self._rule_states: dict[str, Any] = {}  # see rule_state
        self.tables: dict[TableKey, TableInfo] = {}
        self.index_table: dict[TableKey, TableKey] = {}  # (schema, index name) → its table
        # `CHECK (col IS NOT NULL)` constraints this file added: (table, name) → column; and the (table, column)
        # pairs whose check is validated, so SET NOT NULL can use it instead of scanning (PostgreSQL 12+)
        self.not_null_checks: dict[tuple[TableKey, str], str] = {}
        self.validated_not_null: set[tuple[TableKey, str]] = set()
        # generated columns (their values computed from others: dropping one loses no data), and the ones the file
        # adds (set by the engine from every statement before the checks run): one dropped and added back, as
        # generate changes its expression or the type of a column under it, breaks nothing
        self.generated: set[tuple[TableKey, str]] = set()
        self.generated_added: set[tuple[TableKey, str]] = set()
        for t in previous.tables if previous is not None else ():
            self.generated.update((t.key, c.name) for c in t.columns if c.generated)
            cols: dict[str, TypeSpec] = {}
            for c in t.columns:
                spec = column_spec(c)
                if spec is not None:
                    cols[c.name] = spec
            self.tables[t.key] = TableInfo(existing=True, columns=cols, partitioned=t.partition_by is not None)
            for ix in t.indexes:
                self.index_table[(t.schema, ix.name)] = t.key

    def rule_state(self, family: str, make: Callable[[], Any]) -> Any:
        """A rule family's own state over the file (what it learns statement by statement: lint/objects.py's views
        and triggers, lint/foreign_keys.py's keys), made by `make` on first use."""
        if family not in self._rule_states:
            self._rule_states[family] = make()
        return self._rule_states[family]

    def table(self, key: TableKey) -> TableInfo:
        # a table neither in the previous snapshot nor created by this file (custom SQL, another tool): assume it
        # exists — the safe assumption for locking rules
        return self.tables.get(key) or TableInfo(existing=True, columns=None)

    def existing(self, key: TableKey) -> bool:
        return self.table(key).existing

    def case_folded_miss(self, key: TableKey) -> TableKey | None:
        """The table an unquoted (so lower-cased) name misses: `key` names no table known before the statement, and
        one of its schema differs from it in case alone (`DROP TABLE RSVP` is `rsvp`, the table `"RSVP"`), from the
        previous snapshot or made by this file (without a snapshot, a table the file does not make may exist, so
        only those it makes count); else None."""
        if key in self.tables or key[1] != key[1].lower():
            return None
        found = next((k for k in self.tables if k[0] == key[0] and k[1] != key[1] and k[1].lower() == key[1]), None)
        return found if found is not None and (self.from_snapshot or not self.tables[found].existing) else None

    def partitioned(self, key: TableKey | None) -> bool:
        return key is not None and self.table(key).partitioned

    def column_type(self, key: TableKey, column: str) -> TypeSpec | None:
        cols = self.table(key).columns
        return None if cols is None else cols.get(column)

    def regenerated(self, key: TableKey, column: str) -> bool:
        """A generated column the file adds back after dropping it (its values computed again)."""
        return (key, column) in self.generated and (key, column) in self.generated_added

    def index_owner(self, key: TableKey) -> TableKey | None:
        return self.index_table.get(key)

    def not_null_proven(self, key: TableKey, column: str) -> bool:
        """A validated `CHECK (column IS NOT NULL)` exists: SET NOT NULL skips its scan."""
        return (key, column) in self.validated_not_null

    def _track_not_null_checks(self, key: TableKey, cmds: Any) -> None:
        for cmd in cmds or ():
            if cmd.subtype == AlterTableType.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint) \
                    and cmd.def_.contype == ConstrType.CONSTR_CHECK and cmd.def_.conname:
                column = _not_null_test(cmd.def_.raw_expr)
                if column is not None:
                    self.not_null_checks[(key, cmd.def_.conname)] = column
                    if not cmd.def_.skip_validation:
                        self.validated_not_null.add((key, column))
            elif cmd.subtype == AlterTableType.AT_ValidateConstraint and (key, cmd.name) in self.not_null_checks:
                self.validated_not_null.add((key, self.not_null_checks[(key, cmd.name)]))
            elif cmd.subtype == AlterTableType.AT_DropConstraint and (key, cmd.name) in self.not_null_checks:
                self.validated_not_null.discard((key, self.not_null_checks.pop((key, cmd.name))))

    # -- updates, after each statement ------------------------------------------------------------------

    def apply(self, node: Any) -> None:
        _set_search_path(node)
        if isinstance(node, ast.CreateStmt):
            key = table_key(node.relation)
            if node.if_not_exists and key in self.tables:
                return
            cols = {cast(str, e.colname): type_spec(e.typeName) for e in node.tableElts or ()
                    if isinstance(e, ast.ColumnDef) and e.typeName is not None}
            self.tables[key] = TableInfo(existing=False, columns=cols, partitioned=node.partspec is not None)
        elif isinstance(node, ast.CreateTableAsStmt) and node.into is not None and node.into.rel is not None:
            # CREATE TABLE … AS / CREATE MATERIALIZED VIEW: made here, so an index on it locks nobody out; its
            # columns come from a query, unknown here
            key = table_key(node.into.rel)
            if not (node.if_not_exists and key in self.tables):
                self.tables[key] = TableInfo(existing=False, columns=None)
        elif isinstance(node, ast.DropStmt):
            for obj in node.objects or ():
                if node.removeType == ObjectType.OBJECT_TABLE:
                    self.tables.pop(names_key(obj), None)
                elif node.removeType == ObjectType.OBJECT_INDEX:
                    self.index_table.pop(names_key(obj), None)
        elif isinstance(node, ast.RenameStmt) and node.relation is not None:
            key = table_key(node.relation)
            new_name = cast(str, node.newname)
            if node.renameType == ObjectType.OBJECT_TABLE:
                self.tables[(key[0], new_name)] = self.tables.pop(key, self.table(key))
                for ix, owner in list(self.index_table.items()):
                    if owner == key:
                        self.index_table[ix] = (key[0], new_name)
            elif node.renameType == ObjectType.OBJECT_COLUMN:
                known = self.table(key).columns
                if key in self.tables and known is not None and node.subname in known:
                    known[new_name] = known.pop(cast(str, node.subname))
            elif node.renameType == ObjectType.OBJECT_INDEX:
                index_owner = self.index_table.pop(key, None)
                if index_owner is not None:
                    self.index_table[(key[0], new_name)] = index_owner
        elif isinstance(node, ast.IndexStmt) and node.idxname:
            key = table_key(node.relation)
            self.index_table[(key[0], node.idxname)] = key
        elif isinstance(node, ast.AlterTableStmt) and node.relation is not None:
            key = table_key(node.relation)
            self._track_not_null_checks(key, node.cmds)
            info = self.tables.get(key)
            if info is None:  # not in the snapshot, not created here: existing, with only what this file adds known
                info = self.tables[key] = TableInfo(existing=True, columns={})
            if info.columns is None:
                return
            for cmd in node.cmds or ():
                if cmd.subtype == AlterTableType.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
                    info.columns[cast(str, cmd.def_.colname)] = type_spec(cmd.def_.typeName)
                elif cmd.subtype == AlterTableType.AT_DropColumn:
                    info.columns.pop(cast(str, cmd.name), None)
                elif cmd.subtype == AlterTableType.AT_AlterColumnType and isinstance(cmd.def_, ast.ColumnDef):
                    info.columns[cast(str, cmd.name)] = type_spec(cmd.def_.typeName)


def generated_additions(nodes: list[Any]) -> set[tuple[TableKey, str]]:
    """The generated columns that `ALTER TABLE … ADD COLUMN … GENERATED ALWAYS AS (…)` statements add."""
    out: set[tuple[TableKey, str]] = set()
    for node in nodes:
        if not (isinstance(node, ast.AlterTableStmt) and node.relation is not None):
            continue
        for cmd in node.cmds or ():
            if cmd.subtype == AlterTableType.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef) and any(
                    isinstance(c, ast.Constraint) and c.contype == ConstrType.CONSTR_GENERATED
                    for c in cmd.def_.constraints or ()):
                out.add((table_key(node.relation), cast(str, cmd.def_.colname)))
    return out


def _not_null_test(expr: Any) -> str | None:
    """`col IS NOT NULL` (a single, unqualified column) → col."""
    if not (isinstance(expr, ast.NullTest) and expr.nulltesttype == NullTestType.IS_NOT_NULL
            and isinstance(expr.arg, ast.ColumnRef)):
        return None
    fields = tuple(expr.arg.fields or ())
    return str(fields[0].sval) if len(fields) == 1 and isinstance(fields[0], ast.String) else None


def guarded_statements(node: Any) -> list[Any]:
    """Every statement of a DO block in the guarded form `generate --idempotent` writes (`IF <catalog check>
    THEN <statement>; END IF;`): the rules read them, and the state learns from them (a check added that way is
    known to a later SET NOT NULL), as the statements they guard (lint/engine.py)."""
    import re

    from pglast import parse_sql

    out: list[Any] = []
    for arg in node.args or ():
        if not (isinstance(arg, ast.DefElem) and arg.defname == "as" and isinstance(arg.arg, ast.String)):
            continue
        for sql in re.findall(r"\bTHEN\s+(.*?);\s*END IF\b", arg.arg.sval or "", re.S | re.I):
            try:
                parsed = parse_sql(sql)
            except Exception:  # noqa: BLE001 - not plain SQL after all: nothing learned
                continue
            out.extend(r.stmt for r in parsed)
    return out

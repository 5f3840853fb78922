"""MZ124: a column retyped under a foreign key to a type the key's other column cannot be compared with.
PostgreSQL refuses the ALTER ("foreign key constraint … cannot be implemented", 42804); drizzle-kit writes it when
a schema retypes a referenced key alone (scira's chat.id text → uuid under message.chat_id). What lint knows of
the keys: the previous snapshot's (in a migrations folder), and those the file adds, drops and renames before
the statement. MZ125: a foreign key added between such columns (CREATE TABLE, ADD CONSTRAINT, ADD COLUMN …
REFERENCES), refused the same way (CodesWhat/concord's hand-written bans.user_id text → users.id uuid)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType

from .registry import ERROR, Hit, rule, statement_check
from .source import SqlStatement
from .state import SchemaState, TableKey, TypeSpec, display, names_key, table_key, type_spec

KEY_TYPES_APART = rule(
    "MZ124", ERROR, "column retyped under a foreign key to a type the other column cannot be compared with",
    "drop the foreign key first, retype both columns (the key and the column referencing it), then add the "
    "foreign key back")
KEY_ADDED_APART = rule(
    "MZ125", ERROR, "foreign key added between columns of types that cannot be compared",
    "give the referencing column the type of the column it references (text with text, uuid with uuid)")


@dataclass
class _Key:
    table: TableKey
    columns: list[str]
    ref_table: TableKey
    ref_columns: list[str]

    def pairs(self) -> Iterator[tuple[tuple[TableKey, str], tuple[TableKey, str]]]:
        """Each (column, the column it pairs with) of the key, from both ends."""
        for mine, theirs in zip(self.columns, self.ref_columns, strict=False):
            yield (self.table, mine), (self.ref_table, theirs)
            yield (self.ref_table, theirs), (self.table, mine)


def _keys(state: SchemaState) -> dict[tuple[TableKey, str], _Key]:
    return state.rule_state("foreign_keys", lambda: {  # type: ignore[no-any-return]
        (t.key, fk.server_name or fk.name): _Key(t.key, list(fk.columns), (fk.ref_schema, fk.ref_table),
                                                 list(fk.ref_columns))
        for t in state.previous_tables for fk in t.foreign_keys})


def _family(spec: TypeSpec | None) -> str | None:
    from ..dialects.postgres.key_families import key_family

    return None if spec is None or spec.array else key_family(spec.name)


def _apart(a: TypeSpec | None, b: TypeSpec | None) -> bool:
    """Whether both types are known to families a foreign key cannot pair (a type of no known family: not said)."""
    fa, fb = _family(a), _family(b)
    return fa is not None and fb is not None and fa != fb


@statement_check
def check(st: SqlStatement, node: Any, state: SchemaState) -> Iterator[Hit]:
    keys = _keys(state)
    if isinstance(node, ast.AlterTableStmt) and node.relation is not None and node.objtype == ObjectType.OBJECT_TABLE:
        yield from _retyped(st, node, state, keys)
        yield from _added_apart(st, table_key(node.relation), [c.def_ for c in node.cmds or () if c.subtype in (
            AlterTableType.AT_AddConstraint, AlterTableType.AT_AddColumn)], state)
    elif isinstance(node, ast.CreateStmt) and node.relation is not None:
        yield from _added_apart(st, table_key(node.relation), list(node.tableElts or ()), state)
    _learn(node, keys)


def _added_apart(st: SqlStatement, table: TableKey, elements: list[Any], state: SchemaState) -> Iterator[Hit]:
    """MZ125 for each foreign key `elements` add whose column pairs with one of a type it cannot be compared with
    (the statement's own columns' types, else those lint knows; a column it knows nothing of is left alone)."""
    own = {cast(str, e.colname): type_spec(e.typeName) for e in elements
           if isinstance(e, ast.ColumnDef) and e.typeName is not None}
    for (_, name), k in _constraints(table, elements):
        for col, ref_col in zip(k.columns, k.ref_columns, strict=False):
            mine = own.get(col) or state.column_type(table, col)
            theirs = own.get(ref_col) if k.ref_table == table and ref_col in own else \
                state.column_type(k.ref_table, ref_col)
            if _apart(mine, theirs):
                assert mine is not None and theirs is not None
                yield Hit(KEY_ADDED_APART, f"foreign key {name} on {display(table)} pairs {col} ({mine.name}) with "
                          f"{display(k.ref_table)}.{ref_col} ({theirs.name}): PostgreSQL refuses it (\"foreign key "
                          "constraint … cannot be implemented\")", st)


def _retyped(st: SqlStatement, node: Any, state: SchemaState, keys: dict[tuple[TableKey, str], _Key]) -> Iterator[Hit]:
    key = table_key(node.relation)
    new = {cast(str, c.name): type_spec(c.def_.typeName) for c in node.cmds or ()
           if c.subtype == AlterTableType.AT_AlterColumnType and isinstance(c.def_, ast.ColumnDef)}
    for (table, name), k in sorted(keys.items()):
        for (side, col), (other, other_col) in k.pairs():
            if side != key or col not in new:
                continue
            theirs = new.get(other_col) if other == key and other_col in new else state.column_type(other, other_col)
            if _apart(new[col], theirs):
                assert theirs is not None
                yield Hit(KEY_TYPES_APART, f"{display(key)}.{col} retyped to {new[col].name} under foreign key "
                          f"{name} on {display(table)}, whose other column {display(other)}.{other_col} is "
                          f"{theirs.name}: PostgreSQL refuses it (\"foreign key constraint … cannot be "
                          "implemented\")", st)


def _attrs(items: Any) -> list[str]:
    return [cast(str, i.sval) for i in items or ()]


def _added(table: TableKey, con: Any, column: str | None) -> tuple[tuple[TableKey, str], _Key] | None:
    """A foreign key a constraint clause makes (`column`: the column it is declared on, for a column's own)."""
    if not (isinstance(con, ast.Constraint) and con.contype == ConstrType.CONSTR_FOREIGN and con.pktable):
        return None
    cols = [column] if column is not None else _attrs(con.fk_attrs)
    name = con.conname or f"{table[1]}_{'_'.join(cols)}_fkey"
    return (table, name), _Key(table, cols, table_key(con.pktable), _attrs(con.pk_attrs))


def _constraints(table: TableKey, elements: Any) -> Iterator[tuple[tuple[TableKey, str], _Key]]:
    for e in elements or ():
        found = [_added(table, c, cast(str, e.colname)) for c in e.constraints or ()] \
            if isinstance(e, ast.ColumnDef) else [_added(table, e, None)]
        yield from (f for f in found if f is not None)


def _learn(node: Any, keys: dict[tuple[TableKey, str], _Key]) -> None:
    if isinstance(node, ast.CreateStmt):
        keys.update(_constraints(table_key(node.relation), node.tableElts))
    elif isinstance(node, ast.AlterTableStmt) and node.relation is not None:
        table = table_key(node.relation)
        for cmd in node.cmds or ():
            if cmd.subtype in (AlterTableType.AT_AddConstraint, AlterTableType.AT_AddColumn):
                keys.update(_constraints(table, [cmd.def_]))
            elif cmd.subtype == AlterTableType.AT_DropConstraint:
                keys.pop((table, cast(str, cmd.name)), None)
            elif cmd.subtype == AlterTableType.AT_DropColumn:
                _forget(keys, lambda k, t=table, c=cmd.name: (k.table == t and c in k.columns)
                        or (k.ref_table == t and c in k.ref_columns))
    elif isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_TABLE:
        gone = {names_key(o) for o in node.objects or ()}
        _forget(keys, lambda k: k.table in gone or k.ref_table in gone)
    elif isinstance(node, ast.RenameStmt) and node.relation is not None:
        _renamed(node, keys)


def _forget(keys: dict[tuple[TableKey, str], _Key], gone: Any) -> None:
    for name in [n for n, k in keys.items() if gone(k)]:
        del keys[name]


def _renamed(node: Any, keys: dict[tuple[TableKey, str], _Key]) -> None:
    table, new = table_key(node.relation), cast(str, node.newname)
    if node.renameType == ObjectType.OBJECT_TABLE:
        moved = (table[0], new)
        for (t, name), k in list(keys.items()):
            k.table = moved if k.table == table else k.table
            k.ref_table = moved if k.ref_table == table else k.ref_table
            if t == table:
                keys[(moved, name)] = keys.pop((t, name))
    elif node.renameType == ObjectType.OBJECT_COLUMN:
        for k in keys.values():
            k.columns = [new if k.table == table and c == node.subname else c for c in k.columns]
            k.ref_columns = [new if k.ref_table == table and c == node.subname else c for c in k.ref_columns]
    elif node.renameType == ObjectType.OBJECT_TABCONSTRAINT and (table, node.subname) in keys:
        keys[(table, new)] = keys.pop((table, cast(str, node.subname)))

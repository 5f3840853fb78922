"""MZ1xx: changes that lose data or break the code already running — drops, renames, type changes that
rewrite or narrow a column."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ObjectType

from .registry import ERROR, WARNING, Hit, rule, statement_check
from .source import SqlStatement
from .state import SchemaState, TypeSpec, display, names_key, spoken_type, table_key, type_spec

DROP_TABLE = rule("MZ101", ERROR, "table dropped",
                  "deploy code that no longer uses it first, keep a backup, and add `-- mizzle:lint-ignore MZ101` "
                  "once that is done")
DROP_COLUMN = rule("MZ102", ERROR, "column dropped",
                   "deploy code that no longer reads or writes it first (SQLAlchemy: remove it from the model), "
                   "then drop it in a later migration")
DROP_SCHEMA = rule("MZ103", ERROR, "schema dropped",
                   "drop the objects in it explicitly, after the code stops using them")
TYPE_REWRITE = rule("MZ104", WARNING, "column type change rewrites the table",
                    "the table is rewritten under an ACCESS EXCLUSIVE lock: on a big table add a new column, "
                    "backfill it in batches and switch over instead")
TYPE_NARROW = rule("MZ105", ERROR, "column type narrowed, or converted by parsing its values",
                   "existing values may not fit (or not parse as the new type) and the change fails or truncates: "
                   "check the data first, or enforce the limit with a CHECK constraint (NOT VALID, then VALIDATE)")
NO_AUTOMATIC_CAST = rule("MZ007", ERROR, "column type changed from a string type with no USING",
                        "PostgreSQL has no automatic cast from the string types to this one and refuses the statement "
                        "on any table, empty or not (\"cannot be cast automatically\"): add `USING <column>::<type>`")
RENAME_TABLE = rule("MZ106", ERROR, "table renamed",
                    "code still running during the deploy uses the old name: create the new table (or a view), "
                    "move the code over, and drop the old name in a later migration")
RENAME_COLUMN = rule("MZ107", ERROR, "column renamed",
                     "code still running during the deploy uses the old name: add the new column, write both, "
                     "backfill, switch reads, then drop the old column in a later migration")
DROP_ROLE = rule("MZ108", WARNING, "role dropped",
                 "roles belong to the cluster, not the database: every database on the server loses it, and the DROP "
                 "fails while one of them holds objects or privileges of it; drop it outside the migrations, once "
                 "nothing on the server uses it")

# types whose modifier PostgreSQL can widen without a rewrite (a larger length or precision)
_WIDENABLE = {"varchar", "varbit", "numeric", "timestamp", "timestamptz", "time", "timetz",
              "interval"}
_TEXTLIKE = {"text", "varchar"}
# (from, to) pairs that are binary-coercible: no rewrite, no narrowing
_COERCIBLE = {("varchar", "text"), ("text", "varchar"), ("cidr", "inet"), ("xml", "text")}
# char(n) → text/varchar goes through rtrim() and json → text through I/O: the table is rewritten (checked on
# PostgreSQL 15: the relfilenode changes)
_INT_WIDTH = {"int2": 2, "int4": 4, "int8": 8, "float4": 4, "float8": 8}
# the types PostgreSQL converts text, varchar and char to by an explicit cast only: ALTER COLUMN … TYPE without USING
# fails (checked on PostgreSQL 15, on an empty table)
_EXPLICIT_FROM_TEXT = {"int2", "int4", "int8", "float4", "float8", "numeric", "bool", "uuid", "json", "jsonb", "date",
                       "timestamp", "timestamptz", "time", "timetz", "interval", "bytea", "inet", "cidr", "macaddr",
                       "money"}


def classify(old: TypeSpec, new: TypeSpec) -> str:
    """'same' | 'safe' (no rewrite) | 'narrow' | 'convert' (each value parsed as the new type: one that does not
    parse fails the migration) | 'rewrite'."""
    if old == new:
        return "same"
    if old.array != new.array:
        # text → text[] parses each value as an array literal ('a,b' fails); int[] → int has no cast at all
        return "rewrite" if old.array and new.name in _TEXTLIKE else "convert"
    if old.name in _TEXTLIKE | {"bpchar"} and new.name not in _TEXTLIKE | {"bpchar", "citext"} and not new.array:
        return "convert"  # text → integer / uuid / jsonb / an enum: a value that does not parse fails
    if old.name == new.name and old.name in _WIDENABLE and old.mods is not None and new.mods is not None:
        if not new.mods:
            return "safe"  # varchar(40) → varchar: the limit is lifted
        if not old.mods:
            return "narrow"  # an unbounded column gets a limit
        if old.name == "numeric":
            op, os_ = (old.mods + (0,))[:2]
            np_, ns = (new.mods + (0,))[:2]
            if ns < os_ or np_ - ns < op - os_:
                return "narrow"
            return "safe" if ns == os_ else "rewrite"
        return "safe" if new.mods[0] >= old.mods[0] else "narrow"
    if old.name == new.name == "bit" and old.mods != new.mods:
        return "narrow"  # bit(n) holds exactly n bits: any other length fails on the first row
    if old.name == new.name == "bpchar" and old.mods and new.mods:
        # char(n) values are stored padded to n: a wider char is a rewrite
        return "rewrite" if new.mods[0] > old.mods[0] else "narrow"
    if old.name in _TEXTLIKE and new.name == "bpchar" and new.mods:
        # the USING cast to char(n) cuts each longer value with no error (checked on PostgreSQL 15)
        return "narrow" if not old.mods or old.mods[0] > new.mods[0] else "rewrite"
    if old.name == "bpchar" and new.name in _TEXTLIKE:
        if new.name == "varchar" and new.mods and (not old.mods or new.mods[0] < old.mods[0]):
            return "narrow"
        return "rewrite"
    if (old.name, new.name) in _COERCIBLE:
        if new.name == "varchar" and new.mods:
            return "narrow"  # text → varchar(n)
        return "safe"
    if old.name in _TEXTLIKE and new.name in _TEXTLIKE:
        return "safe"
    ow, nw = _INT_WIDTH.get(old.name), _INT_WIDTH.get(new.name)
    if ow and nw and old.name[:3] == new.name[:3] and nw < ow:
        return "narrow"
    return "rewrite"


@statement_check
def no_automatic_cast(st: SqlStatement, node: Any, state: SchemaState) -> Iterator[Hit]:
    """MZ007, on a table of any age (the statement fails on an empty one too): AarnaTechLko/d1notes' drizzle-kit
    0009, varchar(255) → integer with no USING, which neither drizzle-orm's migrator nor mizzle can apply."""
    if not (isinstance(node, ast.AlterTableStmt) and node.relation is not None
            and node.objtype == ObjectType.OBJECT_TABLE):
        return
    key = table_key(node.relation)
    for cmd in node.cmds or ():
        if cmd.subtype != AlterTableType.AT_AlterColumnType or not isinstance(cmd.def_, ast.ColumnDef) \
                or cmd.def_.raw_default is not None:
            continue
        new, old = type_spec(cmd.def_.typeName), state.column_type(key, cmd.name)
        if old is not None and _needs_using(old, new):
            yield Hit(NO_AUTOMATIC_CAST, f"type of {display(key)}.{cmd.name} changed from {_fmt(old)} to "
                                         f"{_fmt(new)} with no USING", st)


def _needs_using(old: TypeSpec, new: TypeSpec) -> bool:
    """Whether PostgreSQL refuses `old` → `new` without USING: a string type to one it casts them to explicitly."""
    return not old.array and not new.array and old.name in _TEXTLIKE | {"bpchar"} and new.name in _EXPLICIT_FROM_TEXT


def _fmt(t: TypeSpec) -> str:
    return spoken_type(t)


@statement_check
def check(st: SqlStatement, node: Any, state: SchemaState) -> Iterator[Hit]:
    if isinstance(node, ast.DropStmt):
        if node.removeType == ObjectType.OBJECT_TABLE:
            for obj in node.objects or ():
                key = names_key(obj)
                if state.existing(key) and state.case_folded_miss(key) is None:  # MZ005 names that miss
                    yield Hit(DROP_TABLE, f"DROP TABLE {display(key)} deletes the table and its rows", st)
        elif node.removeType == ObjectType.OBJECT_SCHEMA:
            names = ", ".join(o.sval for o in node.objects or ())
            cascade = " CASCADE (and everything in it)" if node.behavior and node.behavior.name == "DROP_CASCADE" else ""
            yield Hit(DROP_SCHEMA, f"DROP SCHEMA {names}{cascade}", st)
    elif isinstance(node, ast.DropRoleStmt):
        names = ", ".join(r.rolename for r in node.roles or () if r.rolename)
        yield Hit(DROP_ROLE, f"DROP ROLE {names}: a role of the whole server, not of this database", st)
    elif isinstance(node, ast.RenameStmt) and node.relation is not None:
        key = table_key(node.relation)
        if not state.existing(key):
            return
        if node.renameType == ObjectType.OBJECT_TABLE:
            yield Hit(RENAME_TABLE, f"table {display(key)} renamed to {node.newname}", st)
        elif node.renameType == ObjectType.OBJECT_COLUMN:
            yield Hit(RENAME_COLUMN, f"column {display(key)}.{node.subname} renamed to {node.newname}", st)
    elif isinstance(node, ast.AlterTableStmt) and node.relation is not None \
            and node.objtype == ObjectType.OBJECT_TABLE:
        key = table_key(node.relation)
        if not state.existing(key):
            return
        for cmd in node.cmds or ():
            if cmd.subtype == AlterTableType.AT_DropColumn:
                if state.regenerated(key, cmd.name):  # added back in this file, its values computed again
                    continue
                yield Hit(DROP_COLUMN, f"column {display(key)}.{cmd.name} dropped with its data", st)
            elif cmd.subtype == AlterTableType.AT_AlterColumnType and isinstance(cmd.def_, ast.ColumnDef):
                new = type_spec(cmd.def_.typeName)
                old = state.column_type(key, cmd.name)
                where = f"{display(key)}.{cmd.name}"
                if old is None:
                    yield Hit(TYPE_REWRITE, f"type of {where} changed to {_fmt(new)} (previous type unknown: "
                                            "may rewrite the table)", st)
                    continue
                kind = classify(old, new)
                if _needs_using(old, new) and cmd.def_.raw_default is None:
                    continue  # it fails whatever the data: MZ007 (no_automatic_cast) says so
                if kind == "narrow":
                    yield Hit(TYPE_NARROW, f"type of {where} narrowed from {_fmt(old)} to {_fmt(new)}", st)
                elif kind == "convert":
                    yield Hit(TYPE_NARROW, f"type of {where} converted from {_fmt(old)} to {_fmt(new)} (each value "
                                           "parsed as the new type)", st)
                elif kind == "rewrite":
                    yield Hit(TYPE_REWRITE, f"type of {where} changed from {_fmt(old)} to {_fmt(new)}", st)

"""MZ4xx: a file marked `-- mizzle:idempotent` must be safe to run again, whole or after any prefix of it ran
(the seed's "Ensure idempotency": IF [NOT] EXISTS, or DO blocks that check the catalog first)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from pglast import ast
from pglast.enums import AlterTableType, ObjectType

from .registry import ERROR, Hit, file_check, rule
from .source import FileUnit

IDEMPOTENT = "idempotent"

NOT_IDEMPOTENT = rule("MZ401", ERROR, "statement that fails when rerun, in a file marked `-- mizzle:idempotent`",
                      "use IF [NOT] EXISTS, or wrap it in a DO block that checks pg_catalog first "
                      "(`mizzle generate --idempotent` writes these)")

_RENAMES_WITHOUT_IF_EXISTS = {ObjectType.OBJECT_COLUMN: "RENAME COLUMN", ObjectType.OBJECT_TABCONSTRAINT:
                              "RENAME CONSTRAINT", ObjectType.OBJECT_SCHEMA: "ALTER SCHEMA … RENAME",
                              ObjectType.OBJECT_TYPE: "ALTER TYPE … RENAME"}
_ALTER_NEEDS_GUARD = {AlterTableType.AT_AddConstraint: "ADD CONSTRAINT",
                      AlterTableType.AT_AddIdentity: "ADD GENERATED … AS IDENTITY"}


def problem(node: Any) -> str | None:
    """Why `node` fails on a second run, or None when it is re-runnable (DO blocks are trusted)."""
    if isinstance(node, ast.CreateStmt) and not node.if_not_exists:
        return "CREATE TABLE without IF NOT EXISTS"
    if isinstance(node, ast.IndexStmt) and not node.if_not_exists:
        return "CREATE INDEX without IF NOT EXISTS"
    if isinstance(node, ast.CreateSchemaStmt) and not node.if_not_exists:
        return "CREATE SCHEMA without IF NOT EXISTS"
    if isinstance(node, ast.CreateSeqStmt) and not node.if_not_exists:
        return "CREATE SEQUENCE without IF NOT EXISTS"
    if isinstance(node, (ast.CreateEnumStmt, ast.CompositeTypeStmt)):
        return "CREATE TYPE (it has no IF NOT EXISTS: guard it with a DO block)"
    if isinstance(node, ast.AlterEnumStmt) and node.newVal is not None and not node.oldVal \
            and not node.skipIfNewValExists:
        return "ALTER TYPE … ADD VALUE without IF NOT EXISTS"
    if isinstance(node, ast.DropStmt) and not node.missing_ok:
        return f"DROP {cast(ObjectType, node.removeType).name.removeprefix('OBJECT_')} without IF EXISTS"
    if isinstance(node, ast.RenameStmt):
        if node.renameType in _RENAMES_WITHOUT_IF_EXISTS:
            return _RENAMES_WITHOUT_IF_EXISTS[node.renameType] + " (guard it with a DO block)"
        if not node.missing_ok:
            return f"RENAME of a {cast(ObjectType, node.renameType).name.removeprefix('OBJECT_').lower()} without IF EXISTS"
    if isinstance(node, ast.AlterTableStmt):
        for cmd in node.cmds or ():
            if cmd.subtype == AlterTableType.AT_AddColumn and not cmd.missing_ok:
                return "ADD COLUMN without IF NOT EXISTS"
            if cmd.subtype in (AlterTableType.AT_DropColumn, AlterTableType.AT_DropConstraint,
                               AlterTableType.AT_DropIdentity) and not cmd.missing_ok:
                return f"{cmd.subtype.name.removeprefix('AT_')} without IF EXISTS"
            if cmd.subtype in _ALTER_NEEDS_GUARD:
                return _ALTER_NEEDS_GUARD[cmd.subtype] + " (guard it with a DO block)"
    return None


@file_check
def idempotent_file(unit: FileUnit) -> Iterator[Hit]:
    if not unit.has(IDEMPOTENT):
        return
    for st in unit.statements:
        why = problem(st.node) if st.node is not None else None
        if why:
            yield Hit(NOT_IDEMPOTENT, why, st)

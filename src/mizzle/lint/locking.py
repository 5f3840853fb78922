"""MZ2xx: changes to tables that already hold data which take long locks, rewrite the table, or fail on
existing rows — NOT NULL without a default, index builds without CONCURRENTLY, constraints validated
in place, volatile defaults."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType

from .registry import ERROR, WARNING, Hit, rule, statement_check
from .source import SqlStatement
from .state import SchemaState, display, names_key, table_key

NOT_NULL_NO_DEFAULT = rule("MZ201", ERROR, "NOT NULL column added to an existing table without a default",
                           "it fails as soon as the table has a row: add it nullable or with a DEFAULT, backfill, "
                           "then SET NOT NULL")
SET_NOT_NULL = rule("MZ202", WARNING, "SET NOT NULL on an existing table",
                    "it scans the table under an ACCESS EXCLUSIVE lock and fails on NULLs: backfill, add CHECK "
                    "(col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL")
UNIQUE_IN_PLACE = rule("MZ203", WARNING, "unique or primary key constraint added to an existing table",
                       "its index is built under an ACCESS EXCLUSIVE lock: CREATE UNIQUE INDEX CONCURRENTLY "
                       "first, then ADD CONSTRAINT … UNIQUE (a key: PRIMARY KEY) USING INDEX")
INDEX_CREATE = rule("MZ204", WARNING, "index created without CONCURRENTLY on an existing table",
                    "it blocks writes while it builds: use CREATE INDEX CONCURRENTLY in a file marked "
                    "`-- mizzle:no-transaction`")
INDEX_DROP = rule("MZ205", WARNING, "index dropped without CONCURRENTLY on an existing table",
                  "it waits for an ACCESS EXCLUSIVE lock on the table: use DROP INDEX CONCURRENTLY in a file marked "
                  "`-- mizzle:no-transaction`")
FK_VALIDATED = rule("MZ206", WARNING, "foreign key added without NOT VALID",
                    "every row is checked while writes to both tables are blocked: ADD it NOT VALID, then "
                    "VALIDATE CONSTRAINT in a later statement")
CHECK_VALIDATED = rule("MZ207", WARNING, "check constraint added without NOT VALID",
                       "every row is checked under an ACCESS EXCLUSIVE lock: ADD it NOT VALID, then "
                       "VALIDATE CONSTRAINT in a later statement")
VOLATILE_DEFAULT = rule("MZ208", WARNING, "volatile default in ADD COLUMN on an existing table",
                        "the whole table is rewritten under an ACCESS EXCLUSIVE lock: add the column without a "
                        "default, backfill in batches, then SET DEFAULT")
EXCLUSION_IN_PLACE = rule("MZ209", WARNING, "exclusion constraint added to an existing table",
                          "its index is built and every row checked under an ACCESS EXCLUSIVE lock, and PostgreSQL has "
                          "no online form (no NOT VALID, no USING INDEX for EXCLUDE): add it while writes can wait")

# PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY and ADD CONSTRAINT … USING INDEX on a partitioned table (GitLab's
# p_ci_stages): the fixes for it there
PARTITIONED_INDEX_CREATE = ("a partitioned table refuses CONCURRENTLY: CREATE INDEX … ON ONLY it, CREATE INDEX "
                            "CONCURRENTLY on each partition, then ALTER INDEX … ATTACH PARTITION each (what "
                            "`generate --online` writes)")
PARTITIONED_INDEX_DROP = ("it locks the partitioned table and every partition, and PostgreSQL cannot drop a "
                          "partitioned index CONCURRENTLY: drop it while writes can wait")
PARTITIONED_FK = ("every row of every partition is checked while writes to both tables are blocked, and a "
                  "partitioned table takes no NOT VALID foreign key: add it while writes can wait")
PARTITIONED_UNIQUE = ("its index is built on every partition under an ACCESS EXCLUSIVE lock, and a partitioned table "
                      "takes no ADD CONSTRAINT … USING INDEX: add it while writes can wait")

# functions whose value differs row by row: a column added with one as its default fills every row (a rewrite).
# now()/CURRENT_TIMESTAMP are stable, computed once: no rewrite.
_VOLATILE = {"random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
             "uuidv4", "uuidv7", "clock_timestamp", "timeofday", "nextval", "setseed", "txid_current",
             "random_normal"}
_SERIALS = {"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"}


def _volatile_call(node: Any) -> str | None:
    from pglast.visitors import Visitor

    found: list[str] = []

    class Find(Visitor):  # type: ignore[misc]
        def visit_FuncCall(self, ancestors: Any, n: Any) -> None:
            name = n.funcname[-1].sval.lower()
            if name in _VOLATILE:
                found.append(name)

    Find()(node)
    return found[0] if found else None


def _add_column_hits(st: SqlStatement, key: tuple[str, str], col: Any) -> Iterator[Hit]:
    where = f"{display(key)}.{col.colname}"
    cons = list(col.constraints or ())
    kinds = {c.contype for c in cons}
    default = next((c.raw_expr for c in cons if c.contype == ConstrType.CONSTR_DEFAULT), None)
    fills = default is not None or bool(kinds & {ConstrType.CONSTR_IDENTITY, ConstrType.CONSTR_GENERATED}) \
        or col.typeName.names[-1].sval.lower() in _SERIALS
    if (ConstrType.CONSTR_NOTNULL in kinds or ConstrType.CONSTR_PRIMARY in kinds) and not fills:
        yield Hit(NOT_NULL_NO_DEFAULT, f"column {where} added NOT NULL with no default", st)
    if kinds & {ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_PRIMARY}:
        yield Hit(UNIQUE_IN_PLACE, f"column {where} added with an inline UNIQUE/PRIMARY KEY", st)
    fn = _volatile_call(default) if default is not None else None
    if fn:
        yield Hit(VOLATILE_DEFAULT, f"column {where} added with the volatile default {fn}()", st)
    elif col.typeName.names[-1].sval.lower() in _SERIALS or ConstrType.CONSTR_IDENTITY in kinds:
        yield Hit(VOLATILE_DEFAULT, f"column {where} added as serial/identity (a nextval() default per row)", st)


@statement_check
def check(st: SqlStatement, node: Any, state: SchemaState) -> Iterator[Hit]:
    if isinstance(node, ast.IndexStmt):
        key = table_key(node.relation)
        # ON ONLY a partitioned table (relation.inh false) builds nothing: its partitions' indexes are attached
        if not node.concurrent and (node.relation is None or node.relation.inh) and state.existing(key):
            kind = "unique index" if node.unique else "index"
            yield Hit(INDEX_CREATE, f"{kind} {node.idxname or '(unnamed)'} on {display(key)} built without "
                                    "CONCURRENTLY", st,
                      PARTITIONED_INDEX_CREATE if state.partitioned(key) else None)
    elif isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_INDEX and not node.concurrent:
        for obj in node.objects or ():
            ix = names_key(obj)
            owner = state.index_owner(ix)
            if owner is None or state.existing(owner):
                on = f" on {display(owner)}" if owner else ""
                yield Hit(INDEX_DROP, f"index {display(ix)}{on} dropped without CONCURRENTLY", st,
                          PARTITIONED_INDEX_DROP if state.partitioned(owner) else None)
    elif isinstance(node, ast.AlterTableStmt) and node.relation is not None \
            and node.objtype == ObjectType.OBJECT_TABLE:
        key = table_key(node.relation)
        if not state.existing(key):
            return
        for cmd in node.cmds or ():
            if cmd.subtype == AlterTableType.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
                yield from _add_column_hits(st, key, cmd.def_)
            elif cmd.subtype == AlterTableType.AT_SetNotNull and not state.not_null_proven(key, cmd.name):
                yield Hit(SET_NOT_NULL, f"SET NOT NULL on {display(key)}.{cmd.name}", st)
            elif cmd.subtype == AlterTableType.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint):
                c = cmd.def_
                name = c.conname or "(unnamed)"
                unique_fix = PARTITIONED_UNIQUE if state.partitioned(key) else None
                if c.contype == ConstrType.CONSTR_PRIMARY and not c.indexname:
                    # the server names an unnamed key <table>_pkey; its way round is PRIMARY KEY USING INDEX
                    yield Hit(UNIQUE_IN_PLACE, f"primary key {c.conname or key[1] + '_pkey'} on {display(key)} builds "
                                               "its index in place", st, unique_fix)
                elif c.contype == ConstrType.CONSTR_UNIQUE and not c.indexname:
                    yield Hit(UNIQUE_IN_PLACE, f"constraint {name} on {display(key)} builds its index in place", st,
                              unique_fix)
                elif c.contype == ConstrType.CONSTR_EXCLUSION:
                    yield Hit(EXCLUSION_IN_PLACE, f"exclusion constraint {name} on {display(key)} builds its index "
                                                  "in place", st)
                elif c.contype == ConstrType.CONSTR_FOREIGN and not c.skip_validation:
                    yield Hit(FK_VALIDATED, f"foreign key {name} on {display(key)} validated in place", st,
                              PARTITIONED_FK if state.partitioned(key) else None)
                elif c.contype == ConstrType.CONSTR_CHECK and not c.skip_validation:
                    yield Hit(CHECK_VALIDATED, f"check {name} on {display(key)} validated in place", st)

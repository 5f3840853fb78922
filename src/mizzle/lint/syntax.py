"""MZ0xx: the file itself — statements PostgreSQL's parser rejects or cannot run (a query parameter), or that do
not do what they read (a date/time default frozen when it is stored), `-- mizzle:lint-ignore` lines that name no
rule or apply to nothing. Reported by the engine, which sees them first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import ObjectType

from .registry import ERROR, WARNING, Hit, rule, statement_check
from .source import SqlStatement
from .state import display, names_key, table_key

SYNTAX_ERROR = rule("MZ001", ERROR, "statement does not parse",
                    "fix the SQL (this is PostgreSQL's own parser talking; a psql meta-command such as \\i does "
                    "not work in a migration either)")
BAD_IGNORE = rule("MZ002", WARNING, "misplaced or unknown `-- mizzle:lint-ignore`",
                  "name rule ids (e.g. MZ204) on the line right above the statement, or at the top of the file "
                  "followed by a blank line")

QUERY_PARAMETER = rule("MZ003", ERROR, "query parameter ($1) in a statement",
                       "write the value itself: a migration runs with no parameters, and PostgreSQL refuses it "
                       "(\"there is no parameter $1\"); drizzle-kit 0.31 writes `$1` for an index's "
                       "`.where(eq(col, 'x'))`, in its SQL and its snapshot alike — put the literal in both")

_PARAMETER = re.compile(r"\$\d")


def _in_function_body(ancestors: Any) -> bool:
    """Whether a node lies in a SQL-standard function body (`RETURN …`, `BEGIN ATOMIC … END`), parsed with its
    `CREATE FUNCTION`: its `$1` is the function's first argument there."""
    path = ancestors
    while path is not None:
        if path.member == "sql_body":
            return True
        path = path.parent
    return False


@statement_check
def _query_parameter(st: SqlStatement, node: Any, state: Any) -> Iterator[Hit]:
    if not _PARAMETER.search(st.sql) or isinstance(node, ast.PrepareStmt):  # a function body's $1 is a string
        return
    from pglast.visitors import Visitor

    found: list[int] = []

    class Find(Visitor):  # type: ignore[misc]
        def visit_ParamRef(self, ancestors: Any, n: Any) -> None:
            if not _in_function_body(ancestors):
                found.append(n.number)

    Find()(node)
    if found:
        yield Hit(QUERY_PARAMETER, f"${found[0]} in a statement that has no parameters", st)

CASE_FOLDED_NAME = rule("MZ005", WARNING, "unquoted table name that misses a table whose name has capitals",
                        "PostgreSQL folds an unquoted name to lower case: quote the name as the table has it "
                        "(`\"RSVP\"`, as drizzle-kit writes every name)")


@statement_check
def _case_folded_name(st: SqlStatement, node: Any, state: Any) -> Iterator[Hit]:
    """DROP TABLE / ALTER TABLE naming, unquoted, a table whose name has capitals: PostgreSQL looks for the
    lower-cased name, so the statement fails, or with IF EXISTS does nothing (codu-code/codu's `DROP TABLE IF EXISTS
    RSVP`, which left Prisma's "RSVP" in every database while the snapshots said it was gone)."""
    if isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_TABLE:
        targets = [("DROP TABLE", names_key(obj)) for obj in node.objects or ()]
    elif isinstance(node, ast.AlterTableStmt) and node.objtype == ObjectType.OBJECT_TABLE and node.relation:
        targets = [("ALTER TABLE", table_key(node.relation))]
    else:
        return
    for verb, key in targets:
        found = state.case_folded_miss(key)
        if found is not None:
            outcome = "does nothing (IF EXISTS)" if node.missing_ok else "fails"
            yield Hit(CASE_FOLDED_NAME, f'{verb} {display(key)}: no table of that name exists before it, the table '
                      f'is "{found[1]}" (an unquoted name is folded to lower case), so the statement {outcome}', st)


FROZEN_DEFAULT = rule("MZ004", WARNING, "date/time default that PostgreSQL evaluates once, when it stores it",
                      "`DEFAULT 'now()'` is a string: PostgreSQL reads it as the column's type when the statement "
                      "runs, so every row gets that instant; write the function, `DEFAULT now()` "
                      "(SQLAlchemy: `server_default=sa.func.now()` or `sa.text(\"now()\")`)")

_SPECIAL = {"now", "now()", "today", "tomorrow", "yesterday"}
_DATETIME_TYPES = {"timestamp", "timestamptz", "date", "time", "timetz"}


def _special(expr: Any) -> str | None:
    """The special date/time input a default's literal is (`'now()'`, `'today'::date`), else None."""
    if isinstance(expr, ast.TypeCast):
        names = expr.typeName.names if expr.typeName is not None else None
        if not names or str(names[-1].sval).lower() not in _DATETIME_TYPES:
            return None
        expr = expr.arg
    if isinstance(expr, ast.A_Const) and isinstance(expr.val, ast.String):
        value = str(expr.val.sval)
        return value if value.strip().lower().replace(" ", "") in _SPECIAL else None
    return None


@statement_check
def _frozen_default(st: SqlStatement, node: Any, state: Any) -> Iterator[Hit]:
    text = st.sql.lower()
    if not any(f"'{w}" in text for w in ("now", "today", "tomorrow", "yesterday")):
        return
    from pglast.enums import AlterTableType, ConstrType
    from pglast.visitors import Visitor

    found: list[tuple[str, str]] = []

    class Find(Visitor):  # type: ignore[misc]
        def visit_ColumnDef(self, ancestors: Any, n: Any) -> None:
            if n.typeName is None or n.typeName.names[-1].sval.lower() not in _DATETIME_TYPES:
                return
            for c in n.constraints or ():
                if c.contype == ConstrType.CONSTR_DEFAULT and (value := _special(c.raw_expr)) is not None:
                    found.append((n.colname, value))

        def visit_AlterTableCmd(self, ancestors: Any, n: Any) -> None:
            if n.subtype == AlterTableType.AT_ColumnDefault and n.def_ is not None \
                    and (value := _special(n.def_)) is not None and value.strip().lower().startswith("now"):
                found.append((n.name, value))

    Find()(node)
    for column, value in found:
        yield Hit(FROZEN_DEFAULT, f"column {column}: DEFAULT '{value}' is fixed when the statement runs", st)

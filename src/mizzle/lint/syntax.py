"""MZ0xx: the file itself — statements PostgreSQL's parser rejects or cannot run (a query parameter),
`-- mizzle:lint-ignore` lines that name no rule or apply to nothing. Reported by the engine, which sees them first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pglast import ast

from .registry import ERROR, WARNING, Hit, rule, statement_check
from .source import SqlStatement

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


@statement_check
def _query_parameter(st: SqlStatement, node: Any, state: Any) -> Iterator[Hit]:
    if not _PARAMETER.search(st.sql) or isinstance(node, ast.PrepareStmt):  # a function body's $1 is a string
        return
    from pglast.visitors import Visitor

    found: list[int] = []

    class Find(Visitor):  # type: ignore[misc]
        def visit_ParamRef(self, ancestors: Any, n: Any) -> None:
            found.append(n.number)

    Find()(node)
    if found:
        yield Hit(QUERY_PARAMETER, f"${found[0]} in a statement that has no parameters", st)

"""Comparison keys for SQL expressions (checks, partial-index predicates, index expressions,
generated columns), computed with PostgreSQL's own parser (pglast): quoting, spacing, redundant
parentheses and table qualifiers on columns stop mattering."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def expression_key(sql: str | None) -> str | None:
    if sql is None:
        return None
    try:
        from pglast import ast, parse_sql
        from pglast.stream import RawStream
        from pglast.visitors import Visitor
    except ImportError:  # pragma: no cover
        return " ".join(sql.split()).lower()

    class _Unqualify(Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, ancestors, node):  # type: ignore[no-untyped-def]  # noqa: N802
            if len(node.fields) > 1:
                return ast.ColumnRef(fields=(node.fields[-1],))
            return None

        def visit_TypeCast(self, ancestors, node):  # type: ignore[no-untyped-def]  # noqa: N802
            # the server adds casts to text/varchar around column refs and literals: (email)::text
            names = [getattr(n, "sval", "") for n in node.typeName.names]
            if names and names[-1] in ("text", "varchar", "bpchar") and isinstance(node.arg, (ast.ColumnRef, ast.A_Const)):
                return node.arg
            return None

    try:
        stmts = parse_sql(f"SELECT {sql}")
        _Unqualify()(stmts)
        out = RawStream()(stmts[0].stmt.targetList[0].val)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - an expression pglast cannot read is compared as text
        return " ".join(sql.split()).lower()
    return str(out)

"""How SQLite's SQL text is read to be compared (the dialect's `reader`, `dialects.base.SqlReader`).

SQLite's expression and query grammar is, for what schema code writes (column defaults, CHECKs, partial-index
predicates, views), the subset it shares with PostgreSQL: two spellings are compared with PostgreSQL's parser
(pglast), and a text that does not parse is compared as text with whitespace folded. This is a decision of the
SQLite dialect, kept here so that a reader of SQLite's own grammar can replace it without touching the diff."""

from __future__ import annotations

from ..postgres.reader import (
    default_key,
    expression_key,
    opclass_key,
    parses,
    query_key,
    relations,
    replaceable,
)

__all__ = ["default_key", "expression_key", "opclass_key", "parses", "query_key", "relations", "replaceable",
           "stored_name"]


def stored_name(name: str) -> str:
    return name  # SQLite keeps a name of any length as it is written

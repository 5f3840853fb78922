"""How SQLite's SQL text is read to be compared (the dialect's `reader`, `dialects.base.SqlReader`).

SQLite's expression and query grammar is, for what schema code writes (column defaults, CHECKs, partial-index
predicates, views), the subset it shares with PostgreSQL: two spellings are compared with PostgreSQL's parser
(pglast), and a text that does not parse is compared as text with whitespace folded. This is a decision of the
SQLite dialect, kept here so that a reader of SQLite's own grammar can replace it without touching the diff."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from ..postgres.reader import default_key as _pg_default_key
from ..postgres.reader import expression_key as _pg_expression_key
from ..postgres.reader import (
    opclass_key,
    parses,
    query_key,
    reads_every_column,
    relations,
    replaceable,
)
from .lexer import LEXEME

__all__ = ["default_key", "expand_stars", "expression_key", "functions", "opclass_key", "parses", "query_key",
           "reads_every_column", "relations", "replaceable", "stored_name",
           "views_made"]


def functions(sql: str) -> frozenset[tuple[str, str]]:
    return frozenset()  # SQLite's functions belong to no schema (an attached database holds none)


def expand_stars(sql: str, schema: str, columns: Callable[[str, str], list[str] | None]) -> str:
    return sql  # SQLite keeps a view's SQL as written, its `*` too


def views_made(sql: str) -> frozenset[tuple[str, str]]:
    return frozenset()  # asked only where a view's `*` is expanded, which SQLite never does


def stored_name(name: str) -> str:
    return name  # SQLite keeps a name of any length as it is written


def default_key(expr: str | None, type_: str, is_enum: bool = False) -> str | None:
    """PostgreSQL's key, but for its one "now" default: SQLite's CURRENT_TIMESTAMP is not `now()` (SQLite has no
    such function: letta's Alembic `server_default=sa.text("now()")` makes every INSERT relying on it fail) nor
    `transaction_timestamp()`."""
    key = _pg_default_key(expr, type_, is_enum)
    if key == "now()" and expr is not None and _unparenthesised(expr).lower() != "current_timestamp":
        return "function " + _unparenthesised(expr).lower()
    return key


def _unparenthesised(sql: str) -> str:
    s = sql.strip()
    while s.startswith("(") and s.endswith(")") and _pg_expression_key(s[1:-1]) == _pg_expression_key(s):
        s = s[1:-1].strip()
    return s


@lru_cache(maxsize=8192)
def expression_key(sql: str | None) -> str | None:
    """One key per meaning of an expression, its names quoted SQLite's other ways (`` `a` ``, `[a]`, which SQLite
    keeps as written: emdash's hand-written partial index `WHERE ``deleted_at`` IS NULL`) read as `"a"`. One
    PostgreSQL's parser cannot read (SQLite's `x IS 'a'`, `GLOB`, `REGEXP`) gets the key `_lexical_key` gives. An
    index element's trailing DESC, which SQLite keeps in the element's expression, stays in the key: PostgreSQL's
    reader leaves it out (`lower(status) DESC` was `lower(status)`, so drift and generate missed a change of order)."""
    if sql is None:
        return None
    base = _before_desc(sql)
    if base is not None:
        return f"{_key_of(base)} DESC"
    return _key_of(sql)


def _key_of(sql: str) -> str | None:
    quoted = double_quoted(sql)
    if not _pg_reads(quoted):
        return _lexical_key(quoted)
    return _pg_expression_key(quoted)


def _pg_reads(sql: str) -> bool:
    from pglast import parse_sql

    try:
        parse_sql(f"SELECT {sql}")
    except Exception:  # noqa: BLE001 - pglast's parse errors
        return False
    return True


_PIECE = re.compile(r"[^\W\d][\w$]*|\d+(?:\.\d+)?|\S")
_WORD = re.compile(r"[^\W\d]")


def _lexical_key(sql: str) -> str:
    """The lexemes of `sql`: literals as written, names and keywords lower-cased (SQLite's are case-blind) and
    unquoted, a name's qualifier left out (`"t"."a"` is `a`: a CHECK or an index's WHERE reads its own table alone,
    and drizzle-kit qualifies what the schema code's sql`` names, Micsushi/flapstack's checks), comments and
    whitespace dropped, and parentheses around the whole left out."""
    tokens: list[str] = []
    named: list[int] = []  # the indexes of names (and keywords)
    for m in LEXEME.finditer(sql):
        lex = m.group(0)
        if lex.startswith("'"):
            tokens.append(lex)
        elif lex.startswith('"'):
            named.append(len(tokens))
            tokens.append(lex[1:-1].replace('""', '"').lower())
        elif not lex.startswith(("--", "/*")):
            for piece in _PIECE.findall(lex):
                if _WORD.match(piece):
                    named.append(len(tokens))
                tokens.append(piece.lower())
    names = set(named)
    for i in reversed(named):  # `q . a` → `a`
        if i + 2 < len(tokens) and tokens[i + 1] == "." and i + 2 in names:
            del tokens[i:i + 2]
    while len(tokens) > 2 and tokens[0] == "(" and _closing(tokens) == len(tokens) - 1:
        tokens = tokens[1:-1]
    return " ".join(tokens)


def _closing(tokens: list[str]) -> int:
    """The index of the `)` closing the `(` at tokens[0]."""
    depth = 0
    for i, t in enumerate(tokens):
        depth += (t == "(") - (t == ")")
        if depth == 0:
            return i
    return -1


_DESC = re.compile(r"(?is)(?:^|\s|(?<=\)))DESC\s*\Z")


def _before_desc(sql: str) -> str | None:
    """`sql` without its trailing DESC keyword (outside literals and quoted names); None where it has none."""
    last = None
    for m in LEXEME.finditer(sql):
        last = m
    if last is None or last[0][:1] in "'\"`[-/":
        return None
    d = _DESC.search(last[0])
    base = sql[:last.start() + d.start()].strip() if d else ""
    return base or None


def double_quoted(sql: str) -> str:
    """`sql` with each `` `name` `` and `[name]` written `"name"` (literals and comments left as they are)."""
    out = []
    for m in LEXEME.finditer(sql):
        lex = m.group(0)
        if len(lex) >= 2 and lex[0] == "`" and lex[-1] == "`":
            lex = '"' + lex[1:-1].replace("``", "`").replace('"', '""') + '"'
        elif len(lex) >= 2 and lex[0] == "[" and lex[-1] == "]":
            lex = '"' + lex[1:-1].replace('"', '""') + '"'
        out.append(lex)
    return "".join(out)

"""SQLite type and default spellings, drizzle-kit's: the column types `integer`, `text`, `text(N)`, `real`,
`numeric`, `blob`; defaults as SQL text (`'anon'`, `0`, `1.5`, `true`, `(unixepoch())`, `CURRENT_TIMESTAMP`)."""

from __future__ import annotations

import re

from ...schema.model import Identity

# the model's AUTOINCREMENT (`sqlite_autoincrement=True`, or `autoincrement=True` on the column); a plain
# INTEGER PRIMARY KEY is a rowid alias without it
AUTOINCREMENT = Identity(kind="autoincrement")

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_KEYWORD_LITERALS = ("true", "false", "null", "current_timestamp", "current_date", "current_time")


def affinity(type_: str) -> str:
    """SQLite's column affinity for a declared type (https://sqlite.org/datatype3.html §3.1)."""
    t = type_.upper()
    if "INT" in t:
        return "integer"
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return "text"
    if "BLOB" in t or not t.strip():
        return "blob"
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return "real"
    return "numeric"


def canonical_type(declared: str) -> str:
    """A declared type as drizzle-kit spells it: lower case, no spaces (`TEXT(200)` → `text(200)`)."""
    t = " ".join(declared.strip().split()).lower()
    return re.sub(r"\s*\(\s*", "(", re.sub(r"\s*\)", ")", re.sub(r"\s*,\s*", ", ", t)))


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def is_constant(default: str | None) -> bool:
    """True for defaults ALTER TABLE ADD COLUMN accepts: literals (not CURRENT_* or an expression)."""
    if default is None:
        return True
    d = default.strip()
    if d.lower() in ("true", "false", "null"):
        return True
    if _NUMBER.fullmatch(d):
        return True
    return _is_string_literal(d) or bool(re.fullmatch(r"[xX]'[0-9a-fA-F]*'", d))


def _is_string_literal(d: str) -> bool:
    return len(d) >= 2 and d[0] == "'" and d[-1] == "'" and "'" not in d[1:-1].replace("''", "")


def canonical_default(expr: str | None, type_: str) -> str | None:
    """One spelling per default: numbers bare on number columns (`'0'` → `0`), expressions parenthesised
    (SQLite requires it in DDL), literals and CURRENT_* as written."""
    if expr is None:
        return None
    d = expr.strip()
    if not d:
        return None
    low = d.lower()
    if low in _KEYWORD_LITERALS:
        return low if low in ("true", "false", "null") else d.upper()
    if _NUMBER.fullmatch(d):
        return d
    if _is_string_literal(d):
        inner = d[1:-1]
        if affinity(type_) in ("integer", "real") and _NUMBER.fullmatch(inner):
            return inner
        return d
    if re.fullmatch(r"[xX]'[0-9a-fA-F]*'", d):
        return d
    if d.startswith("(") and d.endswith(")") and _balanced(d[1:-1]):
        return d
    return f"({d})"


def _balanced(s: str) -> bool:
    depth = 0
    quote: str | None = None
    for ch in s:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and quote is None

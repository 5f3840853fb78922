"""PostgreSQL type and default spellings: one canonical form per fact, drizzle-kit's.

drizzle-kit writes `varchar(255)`, `numeric(10, 2)`, `timestamp (3) with time zone`, `text[]`;
SQLAlchemy compiles `VARCHAR(255)`, `NUMERIC(10, 2)`, `TIMESTAMP(3) WITH TIME ZONE`, and the server
answers `character varying(255)`. All of them are brought to drizzle-kit's spelling here.
"""

from __future__ import annotations

import re
from functools import lru_cache

INT_MAX = {"smallint": "32767", "integer": "2147483647", "bigint": "9223372036854775807",
           "smallserial": "32767", "serial": "2147483647", "bigserial": "9223372036854775807"}
SERIAL_BASE = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}

_ALIASES = {
    "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint",
    "float8": "double precision", "float4": "real", "float": "double precision",
    "bool": "boolean", "character varying": "varchar", "character": "char", "bpchar": "char",
    "decimal": "numeric", "timestamptz": "timestamp with time zone", "timetz": "time with time zone",
    "serial4": "serial", "serial8": "bigserial", "serial2": "smallserial", "double": "double precision",
}

NUMERIC_TYPES = {"smallint", "integer", "bigint", "serial", "bigserial", "smallserial", "real",
                 "double precision", "numeric"}


# Types and defaults repeat across thousands of columns and every one goes through several regexes: the
# spellings are few, so the pure functions below are memoised.
@lru_cache(maxsize=4096)
def canonical_type(spelling: str) -> str:
    """Any PostgreSQL type spelling → drizzle-kit's (lower case, one space style)."""
    t = " ".join(spelling.strip().split())
    dims = 0
    while t.endswith("[]"):
        dims += 1
        t = t[:-2].rstrip()
    m = re.fullmatch(r"(?i)(.*?)\s*\[\s*\d*\s*\]((?:\s*\[\s*\d*\s*\])*)", t)
    if m:  # int[3][4] → int[][]
        dims += 1 + m.group(2).count("[")
        t = m.group(1)
    low = t.lower() if not t.startswith('"') else t.strip('"')
    out = _canonical_scalar(low)
    return out + "[]" * dims


def _canonical_scalar(t: str) -> str:
    # drizzle-orm's getSQLType(): `timestamp (3)`, `timestamp (3) with time zone` (with a space: the default
    # mode "date"; mode "string" writes `timestamp(3)`, read as the same type), but `time(2) with time zone`
    m = re.fullmatch(r"(timestamp|time)(tz)?\s*(?:\(\s*(\d+)\s*\))?\s*(with time zone|without time zone)?", t)
    if m:
        base, tz_alias, prec, tz = m.groups()
        if tz_alias:
            tz = "with time zone"
        if prec is not None:
            base += f" ({prec})" if base == "timestamp" else f"({prec})"
        return base + (" with time zone" if tz == "with time zone" else "")
    if t in ("timestamptz", "timetz"):
        return _ALIASES[t]
    m = re.fullmatch(r"(numeric|decimal)\s*(?:\(\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?\))?", t)
    if m:
        _, p, s = m.groups()
        if p is None:
            return "numeric"
        return f"numeric({p}, {s})" if s is not None else f"numeric({p})"
    m = re.fullmatch(r"(character varying|varchar|character|char|bpchar|bit varying|varbit|bit)\s*(?:\(\s*(\d+)\s*\))?", t)
    if m:
        base, n = m.groups()
        base = {"character varying": "varchar", "character": "char", "bpchar": "char", "varbit": "bit varying"}.get(base, base)
        return f"{base}({n})" if n is not None else base
    m = re.fullmatch(r"interval\s*(.*)", t)
    if m:
        rest = m.group(1).strip()
        return "interval" + (f" {rest}" if rest else "")
    m = re.fullmatch(r"(float)\s*\(\s*(\d+)\s*\)", t)
    if m:
        return "real" if int(m.group(2)) <= 24 else "double precision"
    return _ALIASES.get(t, t)


def is_numeric(type_: str) -> bool:
    base = type_.split("(")[0].strip()
    return base in NUMERIC_TYPES and not type_.endswith("[]")


_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
_NEXTVAL_REGCLASS = re.compile(r"^nextval\('((?:[^']|'')+)'::regclass\)$", re.I)


@lru_cache(maxsize=16384)
def canonical_default(expr: str | None, type_: str, is_enum: bool = False) -> str | None:
    """A default expression in one spelling: literals unquoted for numbers and booleans, casts to the
    column's own type dropped, whitespace folded."""
    if expr is None:
        return None
    e = expr.strip()
    # strip redundant parentheses around the whole expression: ('x') → 'x'
    while e.startswith("(") and e.endswith(")") and _balanced(e[1:-1]):
        e = e[1:-1].strip()
    low = e.lower()
    if type_ == "boolean" or type_.startswith("boolean"):
        if low in ("true", "'true'", "'t'", "'1'", "1", "'yes'", "'on'"):
            return "true"
        if low in ("false", "'false'", "'f'", "'0'", "0", "'no'", "'off'"):
            return "false"
    if is_numeric(type_) and not type_.startswith("numeric"):
        m = re.fullmatch(r"'(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)'", e)
        if m:
            return m.group(1)
    return e


@lru_cache(maxsize=16384)
def default_key(expr: str | None, type_: str, is_enum: bool = False) -> str | None:
    """A comparison key for defaults: two spellings the server treats alike get the same key
    (`'5'` and `5` on a number, `'x'::text` and `'x'`, `CURRENT_TIMESTAMP` and `now()`)."""
    e = canonical_default(expr, type_, is_enum)
    if e is None:
        return None
    e = _strip_own_cast(e, type_, True)
    # the server stores nextval('s'::regclass); SQLAlchemy's Sequence.next_value() compiles nextval('s')
    e = _NEXTVAL_REGCLASS.sub(r"nextval('\1')", e)
    m = re.fullmatch(r"'(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)'", e)
    if m and is_numeric(type_):
        e = m.group(1)
    low = e.lower()
    if low in ("current_timestamp", "now()", "current_timestamp()", "transaction_timestamp()"):
        return "now()"
    if low in ("current_date", "current_time", "localtimestamp", "localtime", "current_user", "session_user",
               "true", "false", "null"):
        return low
    if re.fullmatch(r"-?\d+\.\d+", e) and is_numeric(type_):
        e = e.rstrip("0").rstrip(".") if "." in e else e
    return e


def _balanced(s: str) -> bool:
    depth = 0
    in_str = False
    for ch in s:
        if ch == "'":
            in_str = not in_str
        elif not in_str:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth < 0:
                    return False
    return depth == 0 and not in_str


def _strip_own_cast(e: str, type_: str, is_enum: bool) -> str:
    """'x'::character varying → 'x' when the cast is to the column's own type (the server adds it)."""
    m = re.fullmatch(r"(.+?)::([a-zA-Z_][\w .\"]*(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*)", e, flags=re.S)
    if not m:
        return e
    value, cast = m.group(1).strip(), m.group(2).strip()
    if not (value.startswith("'") and value.endswith("'")) and not _NUMBER.match(value.strip("()")):
        return e
    cast_c = canonical_type(cast.split(".")[-1].strip('"'))
    own = canonical_type(type_)
    if is_enum or cast_c == own or cast_c.split("(")[0] == own.split("(")[0] or cast_c in ("text", "varchar"):
        value = value.strip()
        if value.startswith("(") and value.endswith(")"):
            value = value[1:-1]
        return value
    return e


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"

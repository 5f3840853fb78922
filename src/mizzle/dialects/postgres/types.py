"""PostgreSQL type and default spellings: one canonical form per fact, drizzle-kit's.

drizzle-kit writes `varchar(255)`, `numeric(10, 2)`, `timestamp (3) with time zone`, `text[]`;
SQLAlchemy compiles `VARCHAR(255)`, `NUMERIC(10, 2)`, `TIMESTAMP(3) WITH TIME ZONE`, and the server
answers `character varying(255)`. All of them are brought to drizzle-kit's spelling here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from ...schema.model import SERIAL_BASE
from .expressions import balanced, interval_text
from .opclass_defaults import DEFAULT_OPCLASS

INT_MAX = {"smallint": "32767", "integer": "2147483647", "bigint": "9223372036854775807",
           "smallserial": "32767", "serial": "2147483647", "bigserial": "9223372036854775807"}

_ALIASES = {
    "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint",
    "float8": "double precision", "float4": "real", "float": "double precision",
    "bool": "boolean", "character varying": "varchar", "character": "char",
    "decimal": "numeric", "timestamptz": "timestamp with time zone", "timetz": "time with time zone",
    "serial4": "serial", "serial8": "bigserial", "serial2": "smallserial", "double": "double precision",
}

NUMERIC_TYPES = {"smallint", "integer", "bigint", "serial", "bigserial", "smallserial", "real",
                 "double precision", "numeric"}


# Types and defaults repeat across thousands of columns and every one goes through several regexes: the
# spellings are few, so the pure functions below are memoised.
_COLLATE = re.compile(r'(?is)^(.*?)\s+collate\s+((?:"(?:[^"]|"")+"|[^\s."\[]+)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[^\s."\[]+))?)'
                      r'\s*((?:\[\s*\d*\s*\])*)\s*$')


def serial_options(type_: str, increment: object, start: object, min_value: object, max_value: object,
                   cache: object, cycle: bool) -> bool:
    """Whether a sequence's options are those `serial` gives the sequence of a `type_` column: counting by 1 from 1,
    bounded by 1 and the type's maximum, cache 1, no cycle. `None` (an option left unset) counts as the default;
    values may be ints or the catalogue's text."""
    def is_(value: object, default: str) -> bool:
        return value is None or str(value) == default

    return (is_(increment, "1") and is_(start, "1") and is_(min_value, "1") and is_(cache, "1")
            and is_(max_value, INT_MAX[type_]) and not cycle)


def split_collation(spelling: str) -> tuple[str, str | None]:
    """`TEXT COLLATE "C"` → (`TEXT`, `C`); `TEXT[] COLLATE "C"` (how SQLAlchemy writes an array of a collated
    string) → (`TEXT[]`, `C`); without a COLLATE clause → (spelling, None)."""
    m = _COLLATE.match(spelling.strip())
    if not m:
        return spelling, None
    return m.group(1) + m.group(3), canonical_collation(m.group(2))


def canonical_collation(name: str | None) -> str | None:
    """A column collation as the model holds it: the bare name for one in pg_catalog or public (`C`, `en_US`,
    `und-x-icu`), the quoted qualified name (`"s"."c"`) for one elsewhere; None for `default`."""
    if not name:
        return None
    parts = [p.strip().strip('"').replace('""', '"') if p.strip().startswith('"') else p.strip()
             for p in re.findall(r'"(?:[^"]|"")*"|[^."]+', name.strip())]
    if len(parts) == 2 and parts[0] in ("pg_catalog", "public"):
        parts = parts[1:]
    if len(parts) == 1:
        return None if parts[0] == "default" else parts[0]
    return ".".join('"' + p.replace('"', '""') + '"' for p in parts)


# SQLite's built-in collations: a schema written for SQLite names them (calibre-web's `collation="NOCASE"`), and
# PostgreSQL has no collation of those names (nor of any case of them) unless one is created
_SQLITE_COLLATIONS = frozenset({"NOCASE", "RTRIM", "BINARY"})
_CREATED = re.compile(r'\bCREATE\s+COLLATION\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:(?:"(?:[^"]|"")+"|\w+)\s*\.\s*)?'
                      r'("(?:[^"]|"")+"|\w+)', re.IGNORECASE)


def unknown_collations(names: Iterable[str], folder_sql: Callable[[], Iterable[str]]) -> dict[str, str]:
    """SQLite's collations among `names`, unless the folder's SQL creates a collation of that very name (an
    unquoted name is folded to lower case, as the server does)."""
    wanted = [n for n in names if n.upper() in _SQLITE_COLLATIONS]
    if not wanted:
        return {}
    created = {m[1][1:-1].replace('""', '"') if m[1].startswith('"') else m[1].lower()
               for text in folder_sql() for m in _CREATED.finditer(text)}
    return {n: f"{n} is SQLite's collation; PostgreSQL has none of that name, so the statement naming it fails "
               "(create one first, in a migration of your own — " + (
                   f"CREATE COLLATION \"{n}\" (provider = icu, locale = 'und-u-ks-level2', deterministic = false) "
                   "compares as NOCASE does" if n.upper() == "NOCASE" else f"CREATE COLLATION \"{n}\" (…)")
            + " — or give PostgreSQL another collation)" for n in wanted if n not in created}


@lru_cache(maxsize=4096)
def canonical_type(spelling: str) -> str:
    """Any PostgreSQL type spelling → drizzle-kit's (lower case, one space style); a COLLATE clause is not part
    of the type (see `split_collation`)."""
    t = " ".join(split_collation(spelling)[0].strip().split())
    dims = 0
    while t.endswith("[]"):
        dims += 1
        t = t[:-2].rstrip()
    m = re.fullmatch(r"(?i)(.*?)\s*\[\s*\d*\s*\]((?:\s*\[\s*\d*\s*\])*)", t)
    if m:  # int[3][4] → int[][]
        dims += 1 + m.group(2).count("[")
        t = m.group(1)
    if t == '"char"':  # the one-byte internal type, which only its quotes tell from `char`, i.e. char(1)
        return t + "[]" * dims
    if '"' in t:
        return _quoted_name(t) + "[]" * dims
    return _canonical_scalar(t.lower()) + "[]" * dims


# PostgreSQL's built-in types, by the name drizzle-kit spells them (with `time…`, `timestamp…` and `interval…`
# matched by prefix): drizzle-kit writes a column of one of them without a schema prefix (its SQL generator's
# native types), whatever `typeSchema` the column's snapshot entry says
_BUILTIN_TYPES = frozenset({
    "uuid", "smallint", "integer", "bigint", "smallserial", "serial", "bigserial", "boolean", "text", "varchar",
    "char", '"char"', "numeric", "real", "double precision", "json", "jsonb", "date", "bytea", "money", "inet",
    "cidr", "macaddr", "macaddr8", "bit", "bit varying", "point", "line", "lseg", "box", "path", "polygon",
    "circle", "tsvector", "tsquery", "xml", "oid"})


def builtin_type(spelling: str) -> bool:
    """Whether a column type (any spelling, with modifiers or array brackets) is one of PostgreSQL's built-in
    types, which no schema qualifies."""
    base = re.split(r"[(\[]", canonical_type(spelling), maxsplit=1)[0].strip()
    return base in _BUILTIN_TYPES or base.split(" ", 1)[0] in ("time", "timestamp", "interval")


_PLAIN_IDENT = re.compile(r"[a-z_][a-z0-9_$]*")
_WORD_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _quoted_name(t: str) -> str:
    """A type name with quoted identifiers: `"PositiveInt"` as the model keeps it (unquoted: `type_name` quotes it
    again); a qualified one (`"public-temp".citext`, `"Other"."PosInt"`, `app."PosInt"`: a type of a schema not on
    the search_path, as format_type prints it) with each quoted part kept quoted unless it needs no quotes, each
    unquoted part lower-cased, as the server reads it."""
    parts = re.findall(r'"(?:[^"]|"")*"|[^."]+', t)
    if len(parts) == 1 and parts[0].startswith('"') and _WORD_IDENT.fullmatch(parts[0][1:-1]):
        return parts[0][1:-1]
    out = []
    for p in parts:
        if p.startswith('"'):
            out.append(p[1:-1] if _PLAIN_IDENT.fullmatch(p[1:-1]) else p)
        else:
            out.append(p.strip().lower())
    return ".".join(out)


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
        if base == "bpchar" and n is None:
            return "bpchar"  # blank-padded of any length (char without a length is char(1))
        base = {"character varying": "varchar", "character": "char", "bpchar": "char", "varbit": "bit varying"}.get(base, base)
        return f"{base}({n})" if n is not None else base
    m = re.fullmatch(r"interval\s*(.*?)\s*(?:\(\s*(\d+)\s*\))?", t)
    if m:  # fields, then precision as drizzle-orm and format_type put it: `interval day to second(3)`, `interval(3)`
        fields, precision = " ".join(m.group(1).split()), m.group(2)
        return "interval" + (f" {fields}" if fields else "") + (f"({precision})" if precision is not None else "")
    m = re.fullmatch(r"(float)\s*\(\s*(\d+)\s*\)", t)
    if m:
        return "real" if int(m.group(2)) <= 24 else "double precision"
    return _ALIASES.get(t, t)


# a fractional-seconds precision in a canonical type: `timestamp (7)`, `time(9) with time zone`, `interval day to
# second(7)`
_TIME_PRECISION = re.compile(r"^((?:timestamp |time|interval(?: [a-z ]+)?)\()(\d+)(\))")


# the type modifiers PostgreSQL's grammar fills in: `char` is char(1), `bit` bit(1), `numeric(p)` numeric(p, 0)
_FILLED_TYPMOD = re.compile(r"^(?:(char|bit)|numeric\((\d+)\))((?:\[\])*)$")


def stored_precision(type_: str) -> str:
    """A canonical type as PostgreSQL stores it: a timestamp's, time's or interval's precision above 6 is 6 (the
    server takes `timestamp(7)` with a WARNING, "precision reduced to maximum allowed, 6", and create_all succeeds);
    the modifier its grammar fills in written out (drizzle-kit's `char('c')` is `char` in its snapshot, character(1)
    in the database)."""
    f = _FILLED_TYPMOD.match(type_)
    if f is not None:
        return (f"{f[1]}(1)" if f[1] else f"numeric({f[2]}, 0)") + f[3]
    m = _TIME_PRECISION.match(type_)
    if m is None or int(m[2]) <= 6:
        return type_
    return f"{m[1]}6{m[3]}{type_[m.end():]}"


_ARG_MODES = {"o": "OUT ", "b": "INOUT ", "v": "VARIADIC "}  # IN, the default, is what the server leaves out


@lru_cache(maxsize=4096)
def canonical_args(args: str) -> str:
    """A function's arguments (the text between CREATE FUNCTION's parentheses) in one spelling, so that the code's
    `ts TIMESTAMPTZ = now()` and the server's `ts timestamp with time zone DEFAULT now()` (as `pull` writes it) are
    one function: the arguments are part of its identity, and a difference of spelling alone would drop it and
    make it again (which a column default calling it blocks). Parsed with PostgreSQL's grammar; each argument is
    written `[OUT|INOUT|VARIADIC ]name type[ DEFAULT expr]`, its type as `canonical_type` spells it (a quoted
    type name as written: its case is its name). Text the grammar refuses is kept as it is."""
    from pglast import parse_sql
    from pglast.stream import RawStream

    if not args.strip():
        return ""
    try:
        stmt: Any = parse_sql(f"CREATE FUNCTION f({args}) RETURNS void AS '' LANGUAGE sql")[0].stmt
    except Exception:  # noqa: BLE001 - pglast raises its own errors for what it cannot parse
        return args.strip()
    params = getattr(stmt, "parameters", None)
    if params is None:  # `args` closed the parentheses itself: not one argument list
        return args.strip()
    out = []
    for p in params:
        type_ = RawStream()(p.argType)
        head = _ARG_MODES.get(str(p.mode.value), "")
        if p.name:
            head += p.name if re.fullmatch(r"[a-z_][a-z0-9_$]*", p.name) else '"' + p.name.replace('"', '""') + '"'
            head += " "
        head += type_ if '"' in type_ else canonical_type(type_)
        out.append(head + (f" DEFAULT {RawStream()(p.defexpr)}" if p.defexpr is not None else ""))
    return ", ".join(out)


def is_numeric(type_: str) -> bool:
    base = type_.split("(")[0].strip()
    return base in NUMERIC_TYPES and not type_.endswith("[]")


_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
_NEXTVAL_REGCLASS = re.compile(r"^nextval\('((?:[^']|'')+)'::regclass\)$", re.I)


@lru_cache(maxsize=16384)
def canonical_default(expr: str | None, type_: str, is_enum: bool = False) -> str | None:
    """A default expression as the server would store it again: boolean literals as `true`/`false`,
    redundant outer parentheses dropped. A quoted number stays quoted: `DEFAULT '0'` on a bigint is stored as
    `'0'::bigint`, `DEFAULT 0` as `0` (the same value, another stored text: pg_dump, and a pull round trip,
    see the difference); `default_key` compares them equal."""
    if expr is None:
        return None
    e = expr.strip()
    # strip redundant parentheses around the whole expression: ('x') → 'x'
    while e.startswith("(") and e.endswith(")") and balanced(e[1:-1]):
        e = e[1:-1].strip()
    low = e.lower()
    if type_ == "boolean" or type_.startswith("boolean"):
        if low in ("true", "'true'", "'t'", "'1'", "1", "'yes'", "'on'"):
            return "true"
        if low in ("false", "'false'", "'f'", "'0'", "0", "'no'", "'off'"):
            return "false"
    return e


_NULL_DEFAULT = re.compile(r'\(?null\)?(\s*::\s*[\w" .\[\]()]+)?')


# `DEFAULT 'now()'` (a string, not the function: SQLAlchemy's `server_default="now()"`): the server reads the
# literal as the column's type when the table is made, so the default is that instant, for ever — what `\d` then
# shows ('2026-12-05 15:48:09.91+00'::timestamp with time zone) is what any database made from it holds, at
# another instant. Compared as equal to any literal of the column's type (see canonical_tables.frozen_defaults).
# how PostgreSQL before 14 stored CURRENT_DATE & co. (and TypeORM still writes them): the text 'now' cast at each
# insert, not the literal 'now'::date that is frozen at create time (_FROZEN)
_NOW_CAST = re.compile(r"\(?\s*'now'::text\s*\)?::(date|time with time zone|time without time zone|timestamp with "
                       r"time zone|timestamp without time zone)", re.I)
_NOW_CAST_KEY = {"date": "current_date", "time with time zone": "current_time",
                 "time without time zone": "localtime", "timestamp with time zone": "now()",
                 "timestamp without time zone": "localtimestamp"}
_FROZEN = re.compile(r"^'\s*(now|today|tomorrow|yesterday)\s*(\(\s*\))?\s*'(::[a-z ]+(\(\d+\))?[a-z ]*)?$", re.I)
_LITERAL = re.compile(r"^'[^']*'(::[a-z ]+(\(\d+\))?[a-z ]*)?$", re.I)
_DATETIME_TYPE = re.compile(r"^(timestamp|date|time)\b", re.I)


def frozen_at_create(expr: str | None, type_: str) -> bool:
    """A date/time column's default that the server evaluates once, when it stores it (`'now()'`, `'today'`)."""
    return bool(expr and _DATETIME_TYPE.match(type_) and _FROZEN.match(expr.strip()))


def plain_literal(expr: str | None) -> bool:
    """A quoted literal, cast or not (`'2026-12-05'::date`)."""
    return bool(expr and _LITERAL.match(expr.strip()))


@lru_cache(maxsize=16384)
def default_key(expr: str | None, type_: str, is_enum: bool = False) -> str | None:
    """A comparison key for defaults: two spellings the server treats alike get the same key
    (`'5'` and `5` on a number, `'x'::text` and `'x'`, `CURRENT_TIMESTAMP` and `now()`)."""
    e = canonical_default(expr, type_, is_enum)
    if e is None:
        return None
    e = strip_own_cast(e, type_, True)
    # the server stores nextval('s'::regclass); SQLAlchemy's Sequence.next_value() compiles nextval('s')
    e = _NEXTVAL_REGCLASS.sub(r"nextval('\1')", e)
    m = re.fullmatch(r"'(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)'", e)
    if m and is_numeric(type_):
        e = m.group(1)
    low = e.lower()
    if m := _NOW_CAST.fullmatch(low):
        return _NOW_CAST_KEY[m.group(1)]
    if _NULL_DEFAULT.fullmatch(low):  # DEFAULT NULL, NULL::type: PostgreSQL stores no default for a NULL constant
        return None
    if low in ("current_timestamp", "now()", "current_timestamp()", "transaction_timestamp()"):
        return "now()"
    if low in ("current_date", "current_time", "localtimestamp", "localtime", "current_user", "session_user",
               "true", "false"):
        return low
    if re.fullmatch(r"-?\d+\.\d+", e) and is_numeric(type_):
        e = e.rstrip("0").rstrip(".") if "." in e else e
    return _meaning(e, type_)


def _meaning(e: str, type_: str) -> str:
    """The last steps of `default_key`: a JSON literal as jsonb renders it, an interval literal as the server
    prints it, anything else through `expression_key` (function-name case, literal casts, spacing)."""
    from .expressions import array_constructor_elements, expression_key

    base = type_.split("(")[0].strip()
    lit = _literal(e)
    if lit is not None and base in ("jsonb", "json"):
        rendered = jsonb_text(lit) if base == "jsonb" else None
        return quote_literal(rendered) if rendered is not None else quote_literal(lit)
    if lit is not None and base.startswith("interval"):
        return quote_literal(interval_text(lit))
    if lit is not None and (when := datetime_key(lit, type_)) is not None:
        return when
    if type_.rstrip().endswith("]") and (elements := array_elements(lit) if lit is not None
                                         else array_constructor_elements(e)) is not None:
        # `'{"a","b"}'`, `ARRAY['a', 'b']`: as the server prints `'{a,b}'`; booleans and dates as their type's
        # output writes them
        return quote_literal(array_text(_element_keys(elements, re.sub(r"(\[\d*\])+$", "", type_.rstrip()))))
    key = expression_key(e) or e
    low = key.lower()
    if low in ("current_timestamp", "now()", "transaction_timestamp()"):
        return "now()"
    if low in ("current_date", "current_time", "localtimestamp", "localtime", "current_user", "session_user",
               "true", "false", "null"):
        return low
    return key


_DATETIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6})\d*)?)?)?"
                       r"\s*(Z|[+-]\d\d(?::?\d\d)?)?", re.I)


def datetime_key(literal: str, type_: str) -> str | None:
    """A date / timestamp literal as the instant it stands for, so that drizzle-kit's `'1970-01-01T00:00:00.000Z'`
    and the server's `'1970-01-01 00:00:00+00'` get one key: with time zone, the instant in UTC (None when the
    literal has no offset: it depends on the session's time zone); without, the offset dropped, as PostgreSQL
    drops it. None: not such a type, or not a literal this reads (`'now'`, `'infinity'`, other formats)."""
    from datetime import datetime, timedelta, timezone

    t = type_.lower().strip()
    m = _DATETIME.fullmatch(literal.strip())
    if m is None or not (t.startswith("timestamp") or t == "date"):
        return None
    y, mo, d, h, mi, sec, frac, off = m.groups()
    try:
        at = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(sec or 0), int((frac or "0").ljust(6, "0")))
    except ValueError:
        return None
    if t == "date":
        return None if h is not None else f"'{at.date().isoformat()}'"
    if "with time zone" not in t and not t.startswith("timestamptz"):
        return f"'{at.isoformat(sep=' ')}'"
    if off is None:
        return None
    if off.upper() != "Z":
        sign, hours, minutes = (-1 if off[0] == "-" else 1), int(off[1:3]), int(off.replace(":", "")[3:5] or 0)
        at -= sign * timedelta(hours=hours, minutes=minutes)
    return f"'{at.replace(tzinfo=timezone.utc).isoformat(sep=' ')}'"


def array_elements(text: str) -> list[Any] | None:
    """An array literal's elements (nested lists; None for NULL), as PostgreSQL's array input reads them; None when
    `text` is not one this reads (dimension decorations, a malformed literal)."""
    pos = 0

    def skip() -> None:
        nonlocal pos
        while pos < len(text) and text[pos].isspace():
            pos += 1

    def parse() -> list[Any]:
        nonlocal pos
        pos += 1  # the {
        out: list[Any] = []
        skip()
        if pos < len(text) and text[pos] == "}":
            pos += 1
            return out
        while True:
            skip()
            if pos >= len(text):
                raise ValueError
            if text[pos] == "{":
                out.append(parse())
            elif text[pos] == '"':
                pos += 1
                chars = []
                while text[pos] != '"':
                    if text[pos] == "\\":
                        pos += 1
                    chars.append(text[pos])
                    pos += 1
                pos += 1
                out.append("".join(chars))
            else:
                start = pos
                while pos < len(text) and text[pos] not in ",}":
                    if text[pos] in '{"\\':
                        raise ValueError
                    pos += 1
                word = text[start:pos].strip()
                out.append(None if word.upper() == "NULL" else word)
            skip()
            if text[pos] == "}":
                pos += 1
                return out
            if text[pos] != ",":
                raise ValueError
            pos += 1

    try:
        skip()
        if pos >= len(text) or text[pos] != "{":
            return None
        result = parse()
        skip()
        return result if pos == len(text) else None
    except (ValueError, IndexError):
        return None


_BOOL_IN = {"t": "t", "true": "t", "yes": "t", "y": "t", "on": "t", "1": "t",
            "f": "f", "false": "f", "no": "f", "n": "f", "off": "f", "0": "f"}


def _element_keys(elements: list[Any], element_type: str) -> list[Any]:
    """An array literal's elements as the element type's output prints them where the spelling varies: a boolean
    `true` is `t` (drizzle-kit writes `'{true,false}'`, the server `'{t,f}'`), a date or timestamp without its
    `.000` (`datetime_key`); anything else as written."""
    base = element_type.split("(")[0].strip().lower()

    def one(e: Any) -> Any:
        if isinstance(e, list):
            return [one(x) for x in e]
        if e is None:
            return None
        if base in ("boolean", "bool"):
            return _BOOL_IN.get(e.strip().lower(), e)
        when = datetime_key(e, element_type)
        return when[1:-1] if when is not None else e
    return [one(e) for e in elements]


def array_text(elements: list[Any]) -> str:
    """Elements (see array_elements) as PostgreSQL's array output writes them: an element quoted only where it
    must be (empty, NULL spelled as a word, braces, quotes, commas, backslashes or spaces)."""
    def one(e: Any) -> str:
        if isinstance(e, list):
            return array_text(e)
        if e is None:
            return "NULL"
        if e == "" or e.upper() == "NULL" or any(ch in e for ch in '{}",\\') or any(ch.isspace() for ch in e):
            return '"' + e.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return e
    return "{" + ",".join(one(e) for e in elements) + "}"


def _literal(e: str) -> str | None:
    """The value of a string literal, with or without a cast (`'x'`, `'x'::jsonb`, `E'x'`); None otherwise."""
    m = re.fullmatch(r"[eE]?'((?:[^']|'')*)'(?:::[\w .\"\[\]()]+)?", e.strip(), flags=re.S)
    return m.group(1).replace("''", "'") if m else None


def jsonb_text(text: str) -> str | None:
    """A JSON text as PostgreSQL's jsonb prints it: object keys deduplicated (the last wins) and ordered by
    length then bytes, `", "` and `": "` separators, numbers as written. None when it is not JSON."""
    import json
    from decimal import Decimal

    class _Num(str):
        pass

    try:
        value = json.loads(text, parse_float=_Num, parse_int=_Num, parse_constant=_Num)  # type: ignore[arg-type]
    except ValueError:
        return None

    def out(v: object) -> str:
        if isinstance(v, _Num):
            try:
                return str(Decimal(v)) if "e" in v.lower() else str(v)
            except ArithmeticError:  # pragma: no cover
                return str(v)
        if isinstance(v, dict):
            keys = sorted(v, key=lambda k: (len(k.encode()), k.encode()))
            return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {out(v[k])}" for k in keys) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(out(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False)

    return out(value)


_DEFAULT_NAMES = {m: frozenset(t.values()) for m, t in DEFAULT_OPCLASS.items()}


def default_opclass(method: str, type_: str | None, is_enum: bool = False) -> str | None:
    """The operator class PostgreSQL picks for a column of `type_` in an index using `method` (None: unknown)."""
    if type_ is None:
        return None
    table = DEFAULT_OPCLASS.get(method.lower(), {})
    if type_.endswith("[]"):
        return table.get("[]")
    if is_enum:
        return table.get("enum")
    t = canonical_type(type_)
    t = re.sub(r"\s*\(\d+(?:,\s*-?\d+)?\)", "", t).strip()  # varchar(64) → varchar, timestamp (3) → timestamp
    t = SERIAL_BASE.get(t, t)
    return table.get(t)


_OPCLASS_PARAMS = re.compile(r"^(.*?)\s*\((.*)\)\s*$", re.S)


def canonical_opclass(opclass: str | None, method: str, type_: str | None, is_enum: bool = False) -> str | None:
    """An index column's operator class as compared: None when it is the type's default for the method;
    otherwise `opclass_key`'s spelling."""
    if not opclass:
        return None
    name, params = _opclass_parts(opclass)
    if params:
        return name + params
    if name == default_opclass(method, type_, is_enum) or name in _DEFAULT_NAMES.get(method.lower(), ()):
        # a built-in type's default operator class on another type is one PostgreSQL refuses (`int8_ops` on a
        # uuid column): a snapshot naming it (drizzle-kit pull lists them shifted by one column) can only mean
        # the column's default
        return None
    return name


def opclass_key(opclass: str | None) -> str | None:
    """An operator class named in an index as the diff compares it: without quotes and without its schema (the
    server prints one when the operator class is outside pg_catalog: `public.gin_trgm_ops`, or
    `extensions.gin_trgm_ops` where Supabase keeps pg_trgm, while drizzle-kit's snapshot and the schema code name it
    bare, found through the search_path), its parameters as PostgreSQL prints them."""
    if not opclass:
        return None
    name, params = _opclass_parts(opclass)
    return name + params


def _opclass_parts(opclass: str) -> tuple[str, str]:
    name, params = opclass.strip(), ""
    m = _OPCLASS_PARAMS.match(name)
    if m:  # `tsvector_ops(siglen=8)` / `tsvector_ops (siglen='8')`: as PostgreSQL prints it, kept even on a default
        name = m.group(1)
        params = " (" + ", ".join(f"{k.strip()}='{v.strip().strip(chr(39))}'" for k, _, v in
                                  (p.partition("=") for p in m.group(2).split(","))) + ")"
    parts = [p.strip('"') for p in re.findall(r'"(?:[^"]|"")*"|[^.]+', name)]
    if len(parts) == 2:
        parts = parts[1:]
    return ".".join(parts), params


def canonical_bound(value: str | None, type_: str) -> str | None:
    """An identity / sequence bound: older drizzle-kit wrote bigint's maximum as a float
    (`9223372036854776000`); a value a float cannot tell from the type's maximum or minimum is that bound."""
    if value is None:
        return None
    v = value.strip()
    base = SERIAL_BASE.get(type_, type_)
    top = INT_MAX.get(base)
    if top is None:
        return v
    try:
        f = float(v)
    except ValueError:
        return v
    if not re.fullmatch(r"-?\d+", v) or len(v.lstrip("-")) > 15:
        # JavaScript's numbers hold 15-17 significant digits: drizzle-kit printed 2^63-1 as
        # 9223372036854776000 (and, in some versions, 9223372036854775000)
        if abs(f - float(top)) <= 2 ** 12:
            return top
        if abs(f + float(top) + 1) <= 2 ** 12:
            return str(-int(top) - 1)
        if f.is_integer() and abs(f) < 2 ** 53:
            return str(int(f))
    return v


_LAST_CAST = re.compile(r"(.+?)::((?:[a-zA-Z_]|\"(?:[^\"]|\"\")+\")[\w .\"]*(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*)",
                        flags=re.S)


def casts_to_another_type(e: str, type_: str) -> bool:
    """Whether default `e` ends in a cast to another type than the column's `type_` (`''::character varying` on a
    column made varchar, then altered to text): written without it, the server would add its own cast."""
    m = _LAST_CAST.fullmatch(e)
    if m is None:
        return False
    cast = canonical_type(m.group(2).strip().split(".")[-1].strip('"'))
    return _MODIFIER.sub("", cast) != _MODIFIER.sub("", canonical_type(type_))  # varchar on varchar(255): its own


_MODIFIER = re.compile(r"\(\d+(?:,\s*\d+)?\)")


def strip_own_cast(e: str, type_: str, is_enum: bool) -> str:
    """'x'::character varying → 'x' when the cast is to the column's own type (the server adds it)."""
    m = _LAST_CAST.fullmatch(e)
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


# (from, to) type changes that rewrite the table but keep every value the old type holds: a wider integer or float, an
# integer made a float whose mantissa holds it exactly (real's 24 bits a smallint, double precision's 53 an integer;
# not a bigint) or an unbounded numeric, a timestamp given a time zone (read in the session's), a date becoming a
# timestamp
_VALUES_KEPT = {("int2", "int4"), ("int2", "int8"), ("int4", "int8"), ("float4", "float8"),
                ("int2", "float4"), ("int2", "float8"), ("int4", "float8"),
                ("int2", "numeric"), ("int4", "numeric"), ("int8", "numeric"),
                ("timestamp", "timestamptz"), ("date", "timestamp"), ("date", "timestamptz"),
                ("bool", "int2"), ("bool", "int4"), ("bool", "int8")}  # false, true → 0, 1


# built-in types every value of which has a text form the server reads back as the same value (floats: printed
# shortest-exact since PostgreSQL 12); `ALTER … TYPE text` casts with it. Not money (its text follows lc_monetary),
# nor bytea (its text form is an escape of the bytes, not the bytes)
_TEXT_EXACT = frozenset({"int2", "int4", "int8", "numeric", "float4", "float8", "bool", "uuid", "date", "time",
                         "timetz", "timestamp", "timestamptz", "interval", "json", "jsonb", "inet", "cidr", "macaddr",
                         "macaddr8"})


def keeps_values(old_type: str, new_type: str) -> bool:
    """Whether a column's type change from `old_type` to `new_type` keeps every value: one lint's MZ104/MZ105
    classify as no rewrite (`varchar(40)` → `text`, a longer varchar), a widening of `_VALUES_KEPT`, or a built-in
    scalar to text or a varchar without a length (`_TEXT_EXACT`: FlexGet's Integer → String)."""
    from ...lint.destructive import classify
    from ...lint.state import spec_from_text

    old, new = spec_from_text(old_type), spec_from_text(new_type)
    if old is None or new is None:
        return False
    if classify(old, new) in ("same", "safe"):
        return True
    if new.name in ("text", "varchar") and not new.mods and not old.array and not new.array:
        return old.name in _TEXT_EXACT
    if new.name == "numeric":  # numeric(p, s) holds fewer digits than some integers have
        return old.array == new.array and (old.name, new.name) in _VALUES_KEPT and not new.mods
    unbounded = 7  # a timestamp's fractional digits when it names none: 6, the most
    return old.array == new.array and (old.name, new.name) in _VALUES_KEPT \
        and (old.mods or (unbounded,))[0] <= (new.mods or (unbounded,))[0]


_ONE_LITERAL = re.compile(r"'(?:[^']|'')*'")


def json_literal_cast(sql: str | None, type_: str) -> str | None:
    """A json or jsonb column's default that is one string literal (`server_default="{}"`, as `pull` writes it too),
    with the column's cast: `'{}'::jsonb`, the text the server stores, and the spelling drizzle-kit's SQL and
    snapshots give `.default({})`. drizzle-kit compares defaults as text: a snapshot saying `'{}'` had its next
    generate set the same default again (a pull of databuddy-analytics/Databuddy's database, then mizzle's generate)."""
    if sql is not None and type_ in ("json", "jsonb") and _ONE_LITERAL.fullmatch(sql):
        return f"{sql}::{type_}"
    return sql

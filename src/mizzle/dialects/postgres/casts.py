"""Which column type changes PostgreSQL can apply with `USING col::new_type`: the casts of pg_cast between
built-in types (any context: an explicit cast is what USING writes), the I/O conversion every type has to and
from the string types, and enum ↔ enum through text. A change between two known built-in types with none of
these is refused at generate instead of written out to fail at migrate."""

from __future__ import annotations

import re

from .types import SERIAL_BASE

STRING_TYPES = {"text", "varchar", "char"}

# pg_cast on PostgreSQL 15, between the built-in types below (source → targets), from:
#   SELECT format_type(castsource, NULL), string_agg(format_type(casttarget, NULL), '|') FROM pg_cast
#   WHERE castsource IN (…) AND casttarget IN (…) AND castsource <> casttarget GROUP BY castsource
# spelt as the model spells types (varchar, char, timestamp, time). Casts to and from the string types are
# left out: every type has them (I/O conversion).
_CASTS: dict[str, set[str]] = {
    "bigint": {"smallint", "integer", "real", "double precision", "money", "bit", "numeric"},
    "bit varying": {"bit"},
    "bit": {"bigint", "integer", "bit varying"},
    "boolean": {"integer"},
    "box": {"point", "lseg", "polygon", "circle"},
    "cidr": {"inet"},
    "circle": {"point", "box", "polygon"},
    "date": {"timestamp", "timestamp with time zone"},
    "double precision": {"bigint", "smallint", "integer", "real", "numeric"},
    "inet": {"cidr"},
    "integer": {"boolean", "bigint", "smallint", "real", "double precision", "money", "bit", "numeric"},
    "interval": {"time"},
    "jsonb": {"boolean", "bigint", "smallint", "integer", "json", "real", "double precision", "numeric"},
    "json": {"jsonb"},
    "lseg": {"point"},
    "macaddr8": {"macaddr"},
    "macaddr": {"macaddr8"},
    "money": {"numeric"},
    "numeric": {"bigint", "smallint", "integer", "real", "double precision", "money"},
    "path": {"polygon"},
    "point": {"box"},
    "polygon": {"point", "path", "box", "circle"},
    "real": {"bigint", "smallint", "integer", "double precision", "numeric"},
    "smallint": {"bigint", "integer", "real", "double precision", "numeric"},
    "time with time zone": {"time"},
    "time": {"interval", "time with time zone"},
    "timestamp with time zone": {"date", "time", "timestamp", "time with time zone"},
    "timestamp": {"date", "time", "timestamp with time zone"},
    "xml": set(),
}
KNOWN = set(_CASTS) | {t for targets in _CASTS.values() for t in targets} | STRING_TYPES | {
    "uuid", "bytea", "tsvector", "tsquery", "line"}


# the built-in range and multirange types: none has a cast to another of its kind (int4range → int8range), but
# each reads the other's text form
_RANGES = {"int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange"}
_MULTIRANGES = {r.replace("range", "multirange") for r in _RANGES}


def through_text(old_type: str, new_type: str) -> bool:
    """Whether a change between these two types converts through text: two built-in range (multirange) types."""
    o, n = base_type(old_type.replace("[]", "")), base_type(new_type.replace("[]", ""))
    return o != n and ({o, n} <= _RANGES or {o, n} <= _MULTIRANGES)


def through_integer(old_type: str, new_type: str) -> bool:
    """Whether a change between these two types converts through integer: boolean to or from smallint or bigint
    (pg_cast has boolean ↔ integer only)."""
    if old_type.count("[]") != new_type.count("[]"):
        return False
    o, n = base_type(old_type.replace("[]", "")), base_type(new_type.replace("[]", ""))
    return {o, n} in ({"boolean", "smallint"}, {"boolean", "bigint"})


def base_type(type_: str) -> str:
    """`varchar(20)` → varchar, `timestamp (3) with time zone` → timestamp with time zone, serial → integer."""
    t = re.sub(r"\s*\([^)]*\)", "", type_).strip()
    if t.startswith("interval"):
        return "interval"
    return SERIAL_BASE.get(t, t)


def has_cast(old_type: str, old_enum: bool, new_type: str, new_enum: bool) -> bool:
    """Whether `col::new_type` (through text between two enums) converts a column of `old_type`. Types this
    table does not know (extensions, domains, composite types) are given the benefit of the doubt."""
    o_dims, n_dims = old_type.count("[]"), new_type.count("[]")
    o, n = base_type(old_type.replace("[]", "")), base_type(new_type.replace("[]", ""))
    if o_dims != n_dims:  # an array from or to its string form only
        return (o in STRING_TYPES and not o_dims) or (n in STRING_TYPES and not n_dims) or not (
            o in KNOWN and n in KNOWN)
    if o == n and old_enum == new_enum:
        return True
    if old_enum or new_enum:  # an enum converts to and from the string types, and to another enum via text
        other = n if old_enum else o
        return (old_enum and new_enum) or other in STRING_TYPES or other not in KNOWN
    if o in STRING_TYPES or n in STRING_TYPES:
        return True
    if o not in KNOWN or n not in KNOWN:
        return True
    return n in _CASTS.get(o, set())

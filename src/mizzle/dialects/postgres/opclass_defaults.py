"""The default operator class of each index access method for each built-in type (PostgreSQL 15's
pg_opclass.opcdefault), with no imports of mizzle's own: read by the canonical forms (types.py) and by lint."""

from __future__ import annotations

import re

# The default operator class of each access method for each type (PostgreSQL 15's pg_opclass.opcdefault,
# types in the canonical spelling): an index column naming it says no more than one naming none.
DEFAULT_OPCLASS: dict[str, dict[str, str]] = {
    "btree": {"char": "bpchar_ops", "bpchar": "bpchar_ops", "bigint": "int8_ops", "bit": "bit_ops",
              "bit varying": "varbit_ops",
              "boolean": "bool_ops", "bytea": "bytea_ops", "date": "date_ops", "double precision": "float8_ops",
              "inet": "inet_ops", "cidr": "inet_ops", "integer": "int4_ops", "interval": "interval_ops",
              "jsonb": "jsonb_ops", "macaddr": "macaddr_ops", "macaddr8": "macaddr8_ops", "money": "money_ops",
              "name": "name_ops", "numeric": "numeric_ops", "oid": "oid_ops", "pg_lsn": "pg_lsn_ops",
              "real": "float4_ops", "smallint": "int2_ops", "text": "text_ops", "varchar": "text_ops",
              "time with time zone": "timetz_ops", "time": "time_ops", "timestamp with time zone": "timestamptz_ops",
              "timestamp": "timestamp_ops", "tsquery": "tsquery_ops", "tsvector": "tsvector_ops", "uuid": "uuid_ops",
              "xid8": "xid8_ops", "[]": "array_ops", "enum": "enum_ops"},
    "gin": {"[]": "array_ops", "jsonb": "jsonb_ops", "tsvector": "tsvector_ops"},
    "gist": {"box": "box_ops", "circle": "circle_ops", "point": "point_ops", "polygon": "poly_ops",
             "tsquery": "tsquery_ops", "tsvector": "tsvector_ops"},  # gist's inet_ops is no default (btree_gist's is)
    "spgist": {"box": "box_ops", "inet": "inet_ops", "point": "quad_point_ops", "polygon": "poly_ops",
               "text": "text_ops", "varchar": "text_ops"},
    "brin": {"char": "bpchar_minmax_ops", "bpchar": "bpchar_minmax_ops", "bigint": "int8_minmax_ops",
             "bit": "bit_minmax_ops",
             "bit varying": "varbit_minmax_ops", "box": "box_inclusion_ops", "bytea": "bytea_minmax_ops",
             "date": "date_minmax_ops", "double precision": "float8_minmax_ops", "inet": "inet_inclusion_ops",
             "integer": "int4_minmax_ops", "interval": "interval_minmax_ops", "macaddr": "macaddr_minmax_ops",
             "numeric": "numeric_minmax_ops", "real": "float4_minmax_ops", "smallint": "int2_minmax_ops",
             "text": "text_minmax_ops", "varchar": "text_minmax_ops", "time with time zone": "timetz_minmax_ops",
             "time": "time_minmax_ops", "timestamp with time zone": "timestamptz_minmax_ops",
             "timestamp": "timestamp_minmax_ops", "uuid": "uuid_minmax_ops"},
}
DEFAULT_OPCLASS["hash"] = {k: v for k, v in DEFAULT_OPCLASS["btree"].items()
                           if k not in ("bit", "bit varying", "money", "tsquery", "tsvector")}

# PostgreSQL's internal type names (its parser's, lint's TypeSpecs) → the spelling the table above uses
_INTERNAL = {"int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real", "float8": "double precision",
             "bool": "boolean", "bpchar": "char", "timestamptz": "timestamp with time zone",
             "timetz": "time with time zone", "varbit": "bit varying"}


# The default operator classes contrib's btree_gist and btree_gin add (PostgreSQL 15's, read from pg_opclass once
# the extensions are made): access method → the built-in types (spelled as above) that then have one. A varchar
# column takes btree_gist's class for text (binary coercible).
_BTREE_TYPES = frozenset({"smallint", "integer", "bigint", "real", "double precision", "numeric", "money", "oid",
                          "timestamp", "timestamp with time zone", "time", "time with time zone", "date", "interval",
                          "macaddr", "macaddr8", "inet", "cidr", "text", "varchar", "char", "bytea", "bit",
                          "bit varying", "uuid", "boolean"})
EXTENSION_OPCLASS: dict[str, tuple[str, frozenset[str]]] = {
    "btree_gist": ("gist", _BTREE_TYPES),
    "btree_gin": ("gin", _BTREE_TYPES | {"name"}),
}


def lacks_default_opclass(method: str, internal_type: str, extensions: frozenset[str] = frozenset()) -> bool:
    """Whether a built-in scalar type (`varchar`, `int4`: PostgreSQL's internal name) has no default operator class
    for index access method `method`, with the extensions named in `extensions` made (btree_gist, btree_gin give
    some); False for a type this table does not know (an extension's, an enum)."""
    t = _INTERNAL.get(internal_type, internal_type)
    if t not in DEFAULT_OPCLASS["btree"] or t in ("[]", "enum"):
        return False
    method = method.lower()
    if any(EXTENSION_OPCLASS[e][0] == method and t in EXTENSION_OPCLASS[e][1]
           for e in extensions if e in EXTENSION_OPCLASS):
        return False
    return t not in DEFAULT_OPCLASS.get(method, {t: ""})


_SERIALS = {"smallserial": "smallint", "serial": "integer", "bigserial": "bigint"}


def extension_of_default_opclass(method: str, type_: str) -> str | None:
    """The extension that gives a column of type `type_` (the model's spelling, `varchar(20)`, `timestamp (3) with
    time zone`, or PostgreSQL's internal name, `int4`) a default operator class for index access method `method`
    where PostgreSQL has none of its own: btree_gist for gist on the btree types (uuid, integer, text, inet, …);
    None otherwise (arrays too; gin's btree_gin is not named: a gin index on such a column more often wants an
    operator class of its own, pg_trgm's)."""
    t = re.sub(r"\s*\([^()]*\)", "", type_.strip().lower())
    t = _INTERNAL.get(t, _SERIALS.get(t, t))  # lint's types are PostgreSQL's internal names (int4, timestamptz)
    if method.lower() != "gist" or t.endswith("]") or t not in EXTENSION_OPCLASS["btree_gist"][1] \
            or t in DEFAULT_OPCLASS["gist"]:
        return None
    return "btree_gist"

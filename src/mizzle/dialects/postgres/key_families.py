"""Which PostgreSQL types a foreign key can pair: the families of types whose values the server compares with each
other (shared by the schema check of `generate` and lint's MZ124)."""

from __future__ import annotations

import re

# The families of types whose values PostgreSQL can compare with each other in a foreign key (an equality operator
# or an implicit cast between them); two columns of different families cannot make one ("Key columns … are of
# incompatible types", 42804). A type not listed (an enum, a domain, an array, an extension's) is left to the server.
_KEY_FAMILIES = {"number": ("smallint", "integer", "bigint", "int2", "int4", "int8", "smallserial", "serial",
                            "bigserial", "numeric", "decimal", "real", "double precision", "float4", "float8"),
                 "text": ("text", "varchar", "character varying", "char", "character", "bpchar", "name"),
                 "uuid": ("uuid",), "boolean": ("boolean", "bool"), "bytea": ("bytea",)}
_KEY_FAMILY_OF = {name: family for family, names in _KEY_FAMILIES.items() for name in names}


def key_family(type_: str) -> str | None:
    """The family of `type_` (a spelling of a type, its modifiers aside) whose members a foreign key can compare;
    None for a type not listed, or an array."""
    t = type_.strip().lower()
    if t.endswith("]"):
        return None
    return _KEY_FAMILY_OF.get(re.sub(r"\s*\(.*$", "", t))

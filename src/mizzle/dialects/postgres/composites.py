"""A column given another composite type: PostgreSQL has no cast from one composite type to another (`cannot cast
type money_type to money_type2`), so the column's ALTER … TYPE converts each value attribute by attribute, matched by
name (schema/composite_use.py says which changes PostgreSQL refuses outright)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...schema.changes import AlterColumn
from ...schema.composite_use import composite_of
from ...schema.model import Schema
from ...schema.objects import CompositeType
from .ddl import ident, qname


def composite_conversion(column: str, old: CompositeType, new: CompositeType) -> str:
    """The USING expression turning a value of `old` into one of `new`: each attribute of `new` from `old`'s of that
    name (cast where its type changes), NULL where `old` has none; a NULL value stays NULL (a row of NULLs stays
    one)."""
    was = dict(old.attributes)
    parts = [f"({ident(column)}).{ident(n)}" + ("" if was[n] == t else f"::{t}") if n in was else f"NULL::{t}"
             for n, t in new.attributes]
    return f"CASE WHEN {ident(column)} IS DISTINCT FROM NULL THEN ROW({', '.join(parts)})::{qname(new.schema, new.name)} END"


def convert_between_composites(changes: list[Any], old: Schema, new: Schema) -> list[Any]:
    """`changes` with each column given another composite type, without a USING of the schema code's, given the
    attribute-by-attribute conversion."""
    out = list(changes)
    for i, c in enumerate(out):
        if not isinstance(c, AlterColumn) or c.new.using is not None:
            continue
        a, b = composite_of(old, c.old, c.table[0]), composite_of(new, c.new, c.table[0])
        if a is not None and b is not None and a.key != b.key:
            out[i] = replace(c, new=replace(c.new, using=composite_conversion(c.new.name, a, b)))
    return out

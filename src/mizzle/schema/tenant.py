"""A model seen from one tenant schema: every reference to schema `old` (tables, enums, sequences, foreign-key
targets, enum column types, views, routines, …) moved to `new`, so that a tenant schema's introspected model
compares with the snapshots of a tenant folder, which name the config's `tenant_schema` (`drift` on
`URL#schema=NAME` targets)."""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any

from .model import DEFAULT_SCHEMA, Schema

_SCHEMA_FIELDS = frozenset({"schema", "type_schema", "ref_schema"})
_KEY_FIELDS = frozenset({"partition_of", "owned_by"})  # (schema, name[, …]) tuples


def rename_schema(model: Schema, old: str, new: str) -> Schema:
    """`model` with schema `old` renamed to `new` wherever the model names a schema."""
    if old == new:
        return model
    out = _walk(model, old, new)
    names = {new if s == old else s for s in out.schemas} - {DEFAULT_SCHEMA}  # `schemas`: non-default ones only
    return replace(out, schemas=tuple(sorted(names)))


def _walk(value: Any, old: str, new: str) -> Any:
    if isinstance(value, tuple):
        items = tuple(_walk(v, old, new) for v in value)
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if not is_dataclass(value) or isinstance(value, type):
        return value
    changes: dict[str, Any] = {}
    for f in fields(value):
        v = getattr(value, f.name)
        if f.name in _SCHEMA_FIELDS and v == old:
            changes[f.name] = new
        elif f.name in _KEY_FIELDS and isinstance(v, tuple) and v and v[0] == old:
            changes[f.name] = (new, *v[1:])
        elif f.name == "inherits" and any(k and k[0] == old for k in v):
            changes[f.name] = tuple((new, *k[1:]) if k and k[0] == old else k for k in v)
        elif f.init:
            w = _walk(v, old, new)
            if w is not v:
                changes[f.name] = w
    return replace(value, **changes) if changes else value

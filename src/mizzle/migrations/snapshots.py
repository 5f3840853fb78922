"""Snapshot files whatever their dialect: the model ↔ drizzle-kit's snapshot JSON through the dialect's codec
(`Dialect.load_snapshot` / `save_snapshot`, in dialects/*/snapshot.py), and what the codecs share (ids, JSON
defaults). Callers that hold a snapshot of either dialect use these, never a dialect's codec directly."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from .. import dialects
from ..errors import IntegrityError
from .folder import ROOT_ID

if TYPE_CHECKING:
    from ..schema.model import Schema


def new_id() -> str:
    """A snapshot id (drizzle-kit's: a random UUID)."""
    return str(uuid.uuid4())


def default_from_json(value: Any) -> str | None:
    """A column default as a snapshot holds it (JSON true, 3, 'text') → the SQL text of the default."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return str(value)


def schema_from_snapshot(data: dict[str, Any], sidecar: dict[str, Any] | None = None,
                         source: str = "snapshot") -> Schema:
    """A drizzle-kit snapshot (of the dialect its `dialect` key names; PostgreSQL when absent) → the model."""
    if not isinstance(data, dict):
        raise IntegrityError(f"{source}: not a snapshot (expected a JSON object)")
    return dialects.get(str(data.get("dialect") or dialects.DEFAULT)).load_snapshot(data, sidecar, source=source)


def snapshot_from_schema(schema: Schema, prev_id: str = ROOT_ID, id_: str | None = None,
                         renames: dict[str, dict[str, str]] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model → (drizzle-kit snapshot of its dialect, sidecar entry for facts the snapshot cannot hold)."""
    return dialects.get(schema.dialect).save_snapshot(schema, prev_id, id_ or new_id(), renames)

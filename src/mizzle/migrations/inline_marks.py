"""SQLite's inline-unique marks in mizzle's sidecar (`meta/_mizzle.json`), spelled once: a unique index the
database has as a UNIQUE of its table's CREATE TABLE (`Index.inline`; `baseline` adopts them, the snapshot codec
keeps them) is `{"snapshots": {id: {"tables": {table: {"indexes": {name: {"inline": true}}}}}}}`. The snapshot
codec reads and writes a table's part (`inline_names`, `inline_entry`), baseline adds marks to a snapshot's entry
(`add_mark`, `prune`), and drift tells a sidecar holding nothing else (`marks_only`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_MARK = {"inline": True}


def inline_names(table_side: dict[str, Any]) -> set[str]:
    """The index names a table's sidecar entry marks inline."""
    return {n for n, v in (table_side.get("indexes") or {}).items() if isinstance(v, dict) and v.get("inline")}


def inline_entry(names: Iterable[str]) -> dict[str, Any]:
    """A table's sidecar `indexes` entry marking `names` inline (empty: none)."""
    return {n: dict(_MARK) for n in names}


def add_mark(snapshot_entry: dict[str, Any], table: str, name: str) -> bool:
    """Mark index `name` of `table` inline in a snapshot's sidecar entry; False when it was already."""
    marks = snapshot_entry.setdefault("tables", {}).setdefault(table, {}).setdefault("indexes", {})
    if (marks.get(name) or {}).get("inline"):
        return False
    marks[name] = dict(_MARK)
    return True


def prune(snapshot_entry: dict[str, Any]) -> None:
    """Nothing left empty in a snapshot's sidecar entry: a table without marks, then `tables` itself."""
    tables = snapshot_entry.get("tables") or {}
    for t in list(tables):
        if not tables[t].get("indexes"):
            tables[t].pop("indexes", None)
        if not tables[t]:
            del tables[t]
    if "tables" in snapshot_entry and not tables:
        del snapshot_entry["tables"]


def marks_only(side: dict[str, Any]) -> bool:
    """Whether the sidecar holds inline marks (and the indexes' names in the database, `serverName`) and nothing
    else (a sidecar with nothing at all, `{"version": 1}`, is mizzle's, as it always was)."""
    if set(side) - {"version", "snapshots"}:
        return False
    marks = 0
    for entry in (side.get("snapshots") or {}).values():
        if set(entry) - {"tables"}:
            return False
        for table in (entry.get("tables") or {}).values():
            indexes = (table.get("indexes") or {}).values()
            # an index's server name is baseline's too (`_adopt_names`): what the database has, not an object
            if set(table) - {"indexes"} or any(set(ix) - {"inline", "serverName"} for ix in indexes):
                return False
            marks += len(indexes)
    return marks > 0

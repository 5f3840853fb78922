"""The snapshot graph of a drizzle-kit 1.x folder, checked offline: parents that exist and sort before their
child, one base, and branches that commute.

Two branches (what each leaf's history has that the other's has not) commute when neither writes an object the
other writes or depends on: a column, index or constraint, or the table holding it (a table created, dropped or
renamed in one branch and changed in the other), or the table a foreign key points at. The same change made in
both branches is no conflict. Every pair of leaves is compared, not only the last one (drizzle-kit's check
compared the latest leaf with the others only, in the versions before rc.5).

Plain JSON in, findings out: no model, no I/O beyond what folders1 reads.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import IntegrityError
from .folders1 import ROOT_ID, codec_of, is_1x, parents

Snapshots = dict[str, dict[str, Any]]


def graph_problems(snapshots: Snapshots, lost: list[str] = ()) -> list[tuple[str, str]]:  # type: ignore[assignment]
    """(migration folder, problem) for parents missing or sorting after their child, and a base count ≠ 1. `lost`:
    the migration folders that have no snapshot.json (a missing parent is likely one of theirs)."""
    out: list[tuple[str, str]] = []
    bases = sorted(s["_dir"] for s in snapshots.values() if s.get("type") == "base")
    if str(next(iter(snapshots.values()), {}).get("version")) == "9" and len(bases) != 1:
        where = bases[1] if len(bases) > 1 else min(s["_dir"] for s in snapshots.values())
        out.append((where, f"the folder has {len(bases)} base snapshots ({', '.join(bases) or 'none'}); drizzle-kit "
                           "1.x needs exactly one, the first migration's"))
    for s in snapshots.values():
        for p in parents(s):
            if p in ("", ROOT_ID):
                continue
            parent = snapshots.get(p)
            if parent is None:
                out.append((s["_dir"], _parent_lost(p, s["_dir"], lost)))
            elif parent["_dir"] >= s["_dir"]:
                out.append((s["_dir"], f"it sorts before its parent {parent['_dir']}, so migrate would run it first; "
                                       "rename the folder so that its timestamp is later"))
    return out


def _parent_lost(parent: str, child: str, lost: list[str]) -> str:
    """What to say of `child`'s parent snapshot id `parent`, which no snapshot.json holds: where migration folders
    before `child` lack their snapshot.json, it is most likely one of those (a folder is there, its snapshot is
    not), else a whole migration folder is gone."""
    before = [d for d in lost if d < child]
    if before:
        return (f"its parent snapshot {parent} is in no snapshot.json, and {', '.join(before)} "
                f"{'has' if len(before) == 1 else 'have'} none: restore the lost snapshot from version control, or "
                f"rebuild it as the finding for {before[-1]}/snapshot.json says (its steps rebuild this one too)")
    return f"its parent snapshot {parent} is in no migration folder; restore that folder from version control"


def _ancestors(snapshots: Snapshots, start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        i = stack.pop()
        if i in seen or i not in snapshots:
            continue
        seen.add(i)
        stack.extend(parents(snapshots[i]))
    return seen


def _touches(snapshots: Snapshots, id_: str) -> list[tuple[str, set[str], set[str]]]:
    """Per change of snapshot `id_`: (the change as text, the objects it writes, the objects it depends on)."""
    out: list[tuple[str, set[str], set[str]]] = []
    snapshot = snapshots[id_]
    if not is_1x(snapshot):
        return out
    for d, row in codec_of(snapshot, snapshot["_dir"]).changes(snapshots, id_):
        moved = {**row, **(d.get("set") or {})}  # a rename writes the new name too
        writes = {_obj(row), _obj(moved)}
        reads: set[str] = set()
        if row.get("table"):
            reads.add(f"table {row.get('schema')}.{row['table']}")
        if row.get("tableTo"):
            reads.add(f"table {row.get('schemaTo') or row.get('schema')}.{row['tableTo']}")
        out.append((json.dumps(d, sort_keys=True), writes, reads))
    return out


_KIND = {"tables": "table", "columns": "column", "indexes": "index", "pks": "primary key", "fks": "foreign key",
         "uniques": "unique constraint", "checks": "check", "enums": "enum", "sequences": "sequence", "views": "view",
         "policies": "policy", "roles": "role", "schemas": "schema", "privileges": "privilege"}


def _obj(row: dict[str, Any]) -> str:
    kind = _KIND.get(str(row.get("entityType")), str(row.get("entityType")))
    name = ".".join(str(row[f]) for f in ("schema", "table", "name") if row.get(f) is not None)
    return f"{kind} {name}"


def conflicts(snapshots: Snapshots) -> list[tuple[str, str, str]]:
    """(folder of one branch, folder of the other, the object both touch) for each pair of leaves whose branches
    do not commute; every pair is compared. Snapshots of an older 1.x version (PostgreSQL's version 8: whole
    states, no deltas) are compared as their conversion (what `mizzle up` writes). Two conflicting migrations that
    several pairs of leaves share (a branch against the ancestor of two leaves) are listed once."""
    snapshots = _current(snapshots)
    named = {p for s in snapshots.values() for p in parents(s)}
    leaves = sorted((i for i in snapshots if i not in named), key=lambda i: snapshots[i]["_dir"])
    out, seen = [], set()
    for i, x in enumerate(leaves):
        for y in leaves[i + 1:]:
            hx, hy = _ancestors(snapshots, x), _ancestors(snapshots, y)
            found = _first_conflict(snapshots, hx - hy, hy - hx)
            if found and frozenset(found[:2]) not in seen:
                seen.add(frozenset(found[:2]))
                out.append(found)
    return out


def _current(snapshots: Snapshots) -> Snapshots:
    first = next((s for s in snapshots.values() if is_1x(s)), None)
    if first is None:
        return snapshots
    try:
        new = codec_of(first, first["_dir"]).upgraded(snapshots, first["_dir"])
    except IntegrityError:  # a parent missing: graph_problems reports it
        return snapshots
    return {**snapshots, **{i: {**n, "_dir": snapshots[i]["_dir"]} for i, n in new.items()}}


def _first_conflict(snapshots: Snapshots, branch_x: set[str], branch_y: set[str]) -> tuple[str, str, str] | None:
    def effects(branch: set[str]) -> list[tuple[str, str, set[str], set[str]]]:
        return [(snapshots[i]["_dir"], change, w, r) for i in sorted(branch, key=lambda i: snapshots[i]["_dir"])
                for change, w, r in _touches(snapshots, i)]

    ex, ey = effects(branch_x), effects(branch_y)
    for dx, cx, wx, rx in ex:
        for dy, cy, wy, ry in ey:
            if cx == cy:
                continue  # the same change on both sides
            hit = (wx & (wy | ry)) or (wy & rx)
            if hit:
                return dx, dy, sorted(hit)[0]
    return None

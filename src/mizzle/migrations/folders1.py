"""drizzle-kit 1.x's layout: one folder per migration, `<YYYYMMDDHHMMSS>_<name>/migration.sql` + `snapshot.json`.

There is no journal: the folders sort by name, which is also the migration's name in drizzle-orm 1.x's tracking
table; its `created_at` is the folder's timestamp in milliseconds (whole seconds). PostgreSQL snapshots are version
"9" (mizzle.dialects.postgres.snapshot_v9): a base, then diffs naming their parents in `prevIds`; SQLite ones are
version "7", each the whole schema (mizzle.dialects.sqlite.snapshot_1x). Here the folder is
read as the rest of mizzle wants it (each snapshot's state as v7 JSON, the leaves of the graph) and written as
drizzle-kit 1.x writes it.

`meta/_mizzle.json` (ignored by drizzle-kit and drizzle-orm: `meta/` has no migration.sql) keeps mizzle's sidecar
and, after `mizzle up`, the journal `when` of each converted migration (`whens`), which a database that applied the
0.x folder recorded with its milliseconds.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import IntegrityError, UsageError

MIGRATION_SQL = "migration.sql"
SNAPSHOT = "snapshot.json"
WHENS_KEY = "whens"  # in meta/_mizzle.json: {folder name: journal `when`} kept by `mizzle up`
ROOT_ID = "00000000-0000-0000-0000-000000000000"
_STAMP = re.compile(r"^(\d{14})_")


def migration_dirs(path: Path) -> list[Path]:
    """The migration folders, in drizzle-orm's order (by name)."""
    if not path.is_dir():
        return []
    return sorted((p for p in path.iterdir() if (p / MIGRATION_SQL).is_file()), key=lambda p: p.name)


def folder_when(name: str) -> int | None:
    """drizzle-orm 1.x's `created_at` of a folder: its 14-digit UTC timestamp in milliseconds."""
    m = _STAMP.match(name)
    if not m:
        return None
    dt = datetime.strptime(m.group(1), "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    return int(dt.timestamp() * 1000)


def stamp(when_ms: int) -> str:
    return datetime.fromtimestamp(when_ms // 1000, timezone.utc).strftime("%Y%m%d%H%M%S")


def load_snapshots(path: Path) -> dict[str, dict[str, Any]]:
    """Every snapshot of the folder by id, each with `_dir`, the name of its migration folder."""
    from . import metafiles

    out: dict[str, dict[str, Any]] = {}
    for d in migration_dirs(path):
        p = d / SNAPSHOT
        if not p.is_file():
            continue
        data = metafiles.load_json(p)
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise IntegrityError(f"{p}: not a drizzle-kit snapshot (no id)")
        _refuse_other_dialect(data, p)
        if data["id"] in out:
            raise IntegrityError(f"{p}: snapshot id {data['id']} is also the id of {out[data['id']]['_dir']}",
                                 "Two migration folders hold the same snapshot: restore one from version control.")
        out[data["id"]] = {**data, "_dir": d.name}
    return out


def _refuse_other_dialect(data: dict[str, Any], p: Path) -> None:
    """A 1.x snapshot (`prevIds`) of another dialect than PostgreSQL: drizzle-kit 1.x's SQLite snapshots (version
    "7", every one a whole `ddl` list, unique constraints as table constraints) are not read yet; reading them as
    0.x files would find no tables at all."""
    from ..dialects.postgres import snapshot_v9 as v9
    from ..dialects.sqlite import snapshot_1x as sq1

    if isinstance(data.get("prevIds"), list) and data.get("dialect") not in (v9.DIALECT, sq1.DIALECT):
        raise UsageError(f"{p}: a drizzle-kit 1.x snapshot for {data.get('dialect')!r}; mizzle reads and writes "
                         "drizzle-kit 1.x's folder layout for PostgreSQL and SQLite only",
                         "`mizzle migrate` and `status` still apply and track this folder; `generate`, `verify`, "
                         "`drift` and `check` need its snapshots.")


def parents(snap: dict[str, Any]) -> list[str]:
    """A snapshot's parents: `prevIds` (1.x), or `prevId` (a v7 file in the 1.x layout)."""
    if isinstance(snap.get("prevIds"), list):
        return [p for p in snap["prevIds"] if isinstance(p, str)]
    return [snap["prevId"]] if isinstance(snap.get("prevId"), str) else []


def leaves(snapshots: dict[str, dict[str, Any]]) -> list[str]:
    """Snapshots no other one names as a parent, the last folder first (drizzle-kit's order of a merge's prevIds)."""
    named = {p for s in snapshots.values() for p in parents(s)}
    found = [i for i in snapshots if i not in named]
    return sorted(found, key=lambda i: snapshots[i]["_dir"], reverse=True)


def snapshot_as_v7(snapshots: dict[str, dict[str, Any]], id_: str, source: str) -> dict[str, Any]:
    """The state of snapshot `id_` as v7 JSON (a v7 file is returned as it is)."""
    snap = snapshots[id_]
    from ..dialects.sqlite import snapshot_1x as sq1

    if sq1.is_1x(snap):  # SQLite: every snapshot holds the whole schema
        prev = parents(snap)
        return sq1.v6_from_rows(snap["ddl"], id_, prev[0] if prev else ROOT_ID)
    if str(snap.get("version")) != "9":
        return {k: v for k, v in snap.items() if k != "_dir"}
    from ..dialects.postgres import snapshot_v9 as v9

    _check_dialect(snap, source)
    prev = parents(snap)
    return v9.v7_from_state(v9.state_of(snapshots, id_, source), id_, prev[0] if prev else ROOT_ID)


def _check_dialect(snap: dict[str, Any], source: str) -> None:
    from ..dialects.postgres import snapshot_v9 as v9

    if snap.get("dialect") != v9.DIALECT:
        raise UsageError(f"{source}: a drizzle-kit 1.x snapshot for {snap.get('dialect')!r}; mizzle reads and writes "
                         "the 1.x layout for PostgreSQL only so far")


def latest_state(path: Path) -> tuple[dict[str, dict[str, Any]], list[str]] | None:
    """The rows the next migration starts from and its parents: the leaf's state, or after a branch merge the
    leaves' states combined (a merge snapshot with every leaf as a parent, the last folder first)."""
    from ..dialects.postgres import snapshot_v9 as v9

    snapshots = load_snapshots(path)
    if not snapshots:
        return None
    tips = leaves(snapshots)
    for t in tips:
        if str(snapshots[t].get("version")) != "9":
            raise UsageError(f"{path / snapshots[t]['_dir'] / SNAPSHOT}: a version {snapshots[t].get('version')} "
                             "snapshot in the 1.x layout; run `drizzle-kit up` or restore the folder")
        _check_dialect(snapshots[t], str(path))
    merge = {"type": "diff", "id": "(next)", "prevIds": tips, "deltas": []}
    return v9.state_of({**snapshots, "(next)": merge}, "(next)", str(path)), tips


def latest_as_v7(path: Path) -> dict[str, Any] | None:
    from ..dialects.postgres import snapshot_v9 as v9

    snapshots = load_snapshots(path)
    sqlite_tip = _sqlite_tip(snapshots, path)
    if sqlite_tip is not None:
        return snapshot_as_v7(snapshots, sqlite_tip, str(path))
    if snapshots and any(str(s.get("version")) != "9" for s in snapshots.values()):
        # older files in the folder layout (drizzle-kit's own `up` copies 0.x snapshots before upgrading them):
        # the last folder's snapshot as it is
        last = max(snapshots.values(), key=lambda s: s["_dir"])
        return {k: v for k, v in last.items() if k != "_dir"}
    found = latest_state(path)
    if found is None:
        return None
    state, tips = found
    return v9.v7_from_state(state, tips[0], tips[0])


def _sqlite_tip(snapshots: dict[str, dict[str, Any]], path: Path) -> str | None:
    """The leaf of a drizzle-kit 1.x SQLite folder (None: not one). Two leaves (branches merged) are refused: each
    holds only its own branch's schema, and mizzle does not combine them."""
    from ..dialects.sqlite import snapshot_1x as sq1

    if not snapshots or not any(sq1.is_1x(s) for s in snapshots.values()):
        return None
    tips = leaves(snapshots)
    if len(tips) > 1:
        raise UsageError(f"{path}: {len(tips)} SQLite snapshots are leaves ({', '.join(snapshots[t]['_dir'] for t in tips)}): "
                         "branches merged without a migration that joins them",
                         "Move one branch's migration folder out, run `mizzle generate`, and bring its change again.")
    return tips[0]


def new_folder_name(path: Path, name: str, now_ms: int, whens: list[int]) -> tuple[str, int]:
    """`<stamp>_<name>` one second after the last migration at least, so the folders sort in the order written
    (drizzle-kit's check refuses a migration that sorts before its parent)."""
    when = max(now_ms // 1000 * 1000, (max(whens) // 1000 + 1) * 1000 if whens else 0)
    tag = f"{stamp(when)}_{name}"
    if (path / tag).exists():
        raise UsageError(f"{path / tag} already exists")
    return tag, when


def key_names(sidecar_entry: dict[str, Any] | None) -> dict[str, str]:
    """"schema.table" → a primary key's server name, from a snapshot's sidecar entry (PrimaryKey.server_name)."""
    return {k: t["primaryKey"]["name"] for k, t in ((sidecar_entry or {}).get("tables") or {}).items()
            if (t.get("primaryKey") or {}).get("name")}


def snapshot_v9(v7: dict[str, Any], path: Path, sidecar_entry: dict[str, Any] | None = None) -> dict[str, Any]:
    """The 1.x snapshot of a new migration whose schema is `v7` (mizzle's v7 JSON): a base for the first migration,
    else a diff from the folder's latest state with the footprints of its deltas. Rows mizzle would write the same
    way keep drizzle-kit's own (fields mizzle does not model stay as they were)."""
    from ..dialects.postgres import snapshot_v9 as v9
    from ..dialects.sqlite import snapshot_1x as sq1

    if v7.get("dialect") == sq1.DIALECT:
        return _sqlite_snapshot(v7, path)
    found = latest_state(path)
    rows = v9.rows_from_v7(v7, key_names(sidecar_entry))
    head = {"type": "base" if found is None else "diff", "version": v9.VERSION, "dialect": v9.DIALECT,
            "id": v7["id"], "prevIds": [ROOT_ID] if found is None else found[1]}
    old: dict[str, dict[str, Any]] = {} if found is None else found[0]
    if old:
        seen = {v9.entity_key(r): r for r in v9.rows_from_v7(v9.v7_from_state(old, "", ""))}
        rows = [old[k] if k in old and seen.get(k) == r else r for r in rows for k in [v9.entity_key(r)]]
    deltas = v9.deltas_between(old, rows)
    head["footprints"] = v9.footprints_of(old, deltas)
    if found is None:
        head["ddl"] = rows
    else:
        head["deltas"] = deltas
    return head


def _sqlite_snapshot(v6: dict[str, Any], path: Path) -> dict[str, Any]:
    """drizzle-kit 1.x's SQLite snapshot of a new migration: the whole schema as rows, its parent the folder's leaf."""
    from ..dialects.sqlite import snapshot_1x as sq1

    snapshots = load_snapshots(path)
    tip = _sqlite_tip(snapshots, path)
    previous = snapshots[tip].get("ddl") or [] if tip is not None else []
    return {"version": sq1.VERSION, "dialect": sq1.DIALECT, "id": v6["id"], "prevIds": [tip or ROOT_ID],
            "ddl": sq1.rows_from_v6(v6, previous), "renames": sq1.renames_of(v6)}

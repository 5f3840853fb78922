"""drizzle-kit 1.x's layout: one folder per migration, `<YYYYMMDDHHMMSS>_<name>/migration.sql` + `snapshot.json`.

There is no journal: the folders sort by name, which is also the migration's name in drizzle-orm 1.x's tracking
table; its `created_at` is the folder's timestamp in milliseconds (whole seconds). A folder whose timestamp is that
of the folder before it (Prisma's folders, which Prisma too orders by name) gets the next millisecond instead, so
that each migration's `when`, its identity in mizzle's tracking, audit and progress rows, is unique. Every snapshot
names its parents in `prevIds` and its dialect in `dialect`; what the rows inside mean is the dialect's (its `folder_codec`: PostgreSQL's
version "9", a base then diffs, and drizzle-kit 1.0.0-beta to rc.4's version "8"; SQLite's version "7", each the whole
schema). Here the folder is read as the rest of mizzle wants it (each snapshot's state as the JSON the dialect's
load_snapshot reads, the leaves of the graph) and written as drizzle-kit 1.x writes it.

`meta/_mizzle.json` (ignored by drizzle-kit and drizzle-orm: `meta/` has no migration.sql) keeps mizzle's sidecar
and, after `mizzle up`, the journal `when` of each converted migration (`whens`), which a database that applied the
0.x folder recorded with its milliseconds.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IntegrityError, UsageError

if TYPE_CHECKING:
    from ..dialects.base import FolderCodec

MIGRATION_SQL = "migration.sql"
PRISMA_LOCK = "migration_lock.toml"  # Prisma Migrate's file beside its migration folders (`provider = "postgresql"`)
SNAPSHOT = "snapshot.json"
WHENS_KEY = "whens"  # in meta/_mizzle.json: {folder name: journal `when`} kept by `mizzle up`
# in meta/_mizzle.json: the ids of the snapshots `mizzle up` wrote for migrations the journal folder had none for
# (each repeats the one before): `verify` does not compare their steps, as it did not before the conversion
MADE_UP_KEY = "upWithoutSnapshot"
ROOT_ID = "00000000-0000-0000-0000-000000000000"
_STAMP = re.compile(r"^(\d{14})_")


def migration_dirs(path: Path) -> list[Path]:
    """The migration folders, in drizzle-orm's order (by name)."""
    if not path.is_dir():
        return []
    return sorted((p for p in path.iterdir() if (p / MIGRATION_SQL).is_file()), key=lambda p: p.name)


def is_prisma(path: Path) -> bool:
    """A folder Prisma Migrate wrote (its `migration_lock.toml` beside the migrations): Prisma orders and names its
    migrations by the whole folder name, whatever that starts with (its baselining guide's `0_init`)."""
    return (path / PRISMA_LOCK).is_file()


def folder_when(name: str) -> int | None:
    """drizzle-orm 1.x's `created_at` of a folder: its 14-digit UTC timestamp in milliseconds, read as its
    formatToMillis reads it (`Date.UTC(year, month - 1, day, hour, minute, second)`): a field past its range carries
    into the next (langfuse's Prisma folder 20240524156058_…, minute 60, is 16:00:58)."""
    m = _STAMP.match(name)
    if not m:
        return None
    d = m.group(1)
    year, month, day, hour, minute, second = (int(d[a:b]) for a, b in ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12),
                                                                         (12, 14)))
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    dt = datetime(year, month, 1, tzinfo=timezone.utc) + timedelta(days=day - 1, hours=hour, minutes=minute,
                                                                   seconds=second)
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
        if is_1x(data):
            codec_of(data, str(p))
        if data["id"] in out and {k: v for k, v in out[data["id"]].items() if k != "_dir"} == data:
            # a data migration's snapshot copied from the one before (`cp`): the same node of the chain, as
            # drizzle-kit reads it (its `check` and `generate` accept the folder); the later folder stands for it
            out[data["id"]] = {**data, "_dir": d.name}
            continue
        if data["id"] in out:
            raise IntegrityError(f"{p}: snapshot id {data['id']} is also the id of {out[data['id']]['_dir']}",
                                 "Two migration folders hold the same snapshot: restore one from version control.")
        out[data["id"]] = {**data, "_dir": d.name}
    return out


def older_versions(path: Path) -> list[str]:
    """The migration folders whose snapshot an older 1.x version wrote (drizzle-kit 1.0.0-beta to rc.4: version
    8), which `up` converts and after which no snapshot is written; [] when the snapshots cannot be read (`check`
    says why)."""
    try:
        snapshots = load_snapshots(path)
    except (IntegrityError, UsageError):
        return []
    rows = [s for s in snapshots.values() if is_1x(s)]
    if not rows:
        return []
    version = codec_of(rows[0], str(path)).version
    return sorted(s["_dir"] for s in rows if str(s.get("version")) != version)


def is_1x(snap: dict[str, Any]) -> bool:
    """A drizzle-kit 1.x snapshot (`prevIds`), not a 0.x file (`prevId`) left in the folder layout."""
    return isinstance(snap.get("prevIds"), list)


def codec_of(data: dict[str, Any], source: str) -> FolderCodec:
    """The folder codec of the dialect a snapshot names. Refused for a dialect mizzle does not implement (e.g.
    MySQL): reading its snapshots as 0.x files would find no tables at all."""
    from .. import dialects

    d = dialects.find(data.get("dialect"))
    if d is None:
        raise UsageError(f"{source}: a drizzle-kit 1.x snapshot for {data.get('dialect')!r}; mizzle reads and writes "
                         "drizzle-kit 1.x's folder layout for PostgreSQL and SQLite only",
                         "`mizzle migrate` and `status` still apply and track this folder; `generate`, `verify`, "
                         "`drift` and `check` need its snapshots.")
    return d.folder_codec


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
    """The state of snapshot `id_` as the JSON the dialect's load_snapshot reads (a 0.x file as it is)."""
    snap = snapshots[id_]
    if not is_1x(snap):
        return {k: v for k, v in snap.items() if k != "_dir"}
    return codec_of(snap, source).state_json(snapshots, id_, source)


def applied_as_v7(snapshots: dict[str, dict[str, Any]], id_: str, source: str) -> dict[str, Any]:
    """The state migrate leaves once it has run every folder up to `id_`'s, in folder order: `id_`'s own, or where
    a branch not merged yet ran before it (two branches from one parent, merged later), the leaves so far combined
    as after a merge. Its id and parent stay `id_`'s."""
    upto = snapshots[id_]["_dir"]
    ran = {i: s for i, s in snapshots.items() if s["_dir"] <= upto}
    tips = leaves(ran)
    own = snapshot_as_v7(snapshots, id_, source)
    if len(tips) < 2 or not all(is_1x(s) for s in ran.values()):
        return own
    merged = codec_of(snapshots[id_], source).latest_json(snapshots, tips, source)
    return {**merged, "id": own.get("id"), "prevId": own.get("prevId")}


def latest_as_v7(path: Path) -> dict[str, Any] | None:
    """The state the next migration starts from: the leaf's, or after a branch merge the leaves' combined."""
    snapshots = load_snapshots(path)
    if not snapshots:
        return None
    if not all(is_1x(s) for s in snapshots.values()):
        # older files in the folder layout (drizzle-kit's own `up` copies 0.x snapshots before upgrading them):
        # the last folder's snapshot as it is
        last = max(snapshots.values(), key=lambda s: s["_dir"])
        return {k: v for k, v in last.items() if k != "_dir"}
    tips = leaves(snapshots)
    return codec_of(snapshots[tips[0]], str(path)).latest_json(snapshots, tips, str(path))


def new_folder_name(path: Path, name: str, now_ms: int, whens: list[int]) -> tuple[str, int]:
    """`<stamp>_<name>` one second after the last migration at least, so the folders sort in the order written
    (drizzle-kit's check refuses a migration that sorts before its parent)."""
    when = max(now_ms // 1000 * 1000, (max(whens) // 1000 + 1) * 1000 if whens else 0)
    tag = f"{stamp(when)}_{name}"
    if (path / tag).exists():
        raise UsageError(f"{path / tag} already exists")
    return tag, when


def snapshot_v9(v7: dict[str, Any], path: Path, sidecar_entry: dict[str, Any] | None = None,
                before: str | None = None) -> dict[str, Any]:
    """The 1.x snapshot of a new migration whose schema is `v7` (what the dialect's save_snapshot wrote), written
    by the codec of the dialect `v7` names, after the folder's leaves; `before` (a migration folder's name: its
    snapshot rebuilt in place, `check --rebuild-snapshots --from`), after the leaves of the folders before it only,
    the later ones' snapshots, about to be rebuilt too, left aside."""
    snapshots = load_snapshots(path)
    if before is not None:
        snapshots = {k: s for k, s in snapshots.items() if s["_dir"] < before}
    return codec_of(v7, str(path)).next_snapshot(v7, snapshots, leaves(snapshots) if snapshots else [], str(path),
                                                 sidecar_entry)


def upgrade(path: Path) -> dict[str, dict[str, Any]]:
    """The folder's snapshots an older 1.x version wrote (drizzle-kit 1.0.0-beta to rc.4: version 8), converted by their
    dialect's codec as `drizzle-kit up` does, by migration folder name; each checked to stand for the same
    schema as before."""
    snapshots = load_snapshots(path)
    rows = [s for s in snapshots.values() if is_1x(s)]
    if not rows:
        return {}
    codec = codec_of(rows[0], str(path))
    new = codec.upgraded(snapshots, str(path))
    after = {**snapshots, **{i: {**n, "_dir": snapshots[i]["_dir"]} for i, n in new.items()}}
    for i in new:
        where = str(path / snapshots[i]["_dir"] / SNAPSHOT)
        before, now = (codec.state_json(s, i, where) for s in (snapshots, after))
        if {k: v for k, v in now.items() if k != "prevId"} != {k: v for k, v in before.items() if k != "prevId"}:
            raise IntegrityError(f"{where}: converted, it no longer stands for the same schema; nothing was written",
                                 "Report this with the folder to mizzle's issue tracker.")
    return {snapshots[i]["_dir"]: n for i, n in new.items()}

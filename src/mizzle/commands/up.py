"""`mizzle up`: convert a journal folder (drizzle-kit 0.x) to drizzle-kit 1.x's layout, keeping every
migration's identity; in a folder already in that layout, convert the snapshots drizzle-kit 1.0.0-beta to rc.4 wrote
(version 8) to the current version, as `drizzle-kit up` does.

Each journal entry `<prefix>_<name>` becomes `<YYYYMMDDHHMMSS>_<name>/migration.sql` (the SQL file's bytes, so
its hash is unchanged) + a 1.x `snapshot.json` written by the dialect's folder codec (the same snapshot id; for
PostgreSQL a version 9 base, then diffs from the one before, in journal order; for SQLite each snapshot whole, as
drizzle-kit 1.x's `up` writes it). The folder's timestamp is the entry's `when` in UTC seconds (entries that share
a second share it when their names sort in journal order, as drizzle-kit's `up` names them; else, and for a
`when` earlier than the entry before, the next free second keeps the journal's order), which is how drizzle-orm
1.x's migrator recognises rows drizzle-orm 0.x recorded; the exact `when` (with its milliseconds, what mizzle and
drizzle-orm 0.x stored as `created_at`) is kept in `meta/_mizzle.json` under `whens`. drizzle-kit's own `up`
gives the snapshots new ids; this one keeps them, so the sidecar's entries still apply.
"""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import IntegrityError, UsageError, malformed_snapshot
from ..migrations import bundle, folders1
from ..migrations.folder import ROOT_ID, Migration, MigrationFolder, dump_json, write_atomic


@dataclass
class UpResult:
    folder: Path
    converted: list[tuple[str, str]] = field(default_factory=list)  # (journal tag, migration folder)
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    snapshots_only: bool = False  # a 1.x folder whose older snapshots were converted (version 8 → 9)

    def to_json(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "dry_run": self.dry_run,
                "converted": [{"tag": t, "folder": d} for t, d in self.converted], "removed": self.removed,
                "warnings": self.warnings, "snapshots_only": self.snapshots_only}


def up(config: Config, dry_run: bool = False) -> UpResult:
    """Convert `config.out` in place (nothing is written with dry_run)."""
    folder = MigrationFolder(config.out_dir, config.dialect)
    if not folder.journal_path.exists():
        if folder.uses_folders:
            return _upgrade(folder.path, dry_run)
        raise UsageError(f"{folder.journal_path} does not exist: {folder.path} is not a drizzle-kit 0.x folder")
    migrations = folder.migrations()
    if not migrations:
        raise UsageError(f"{folder.journal_path} lists no migration; set `[migrations] layout = \"folders\"` instead")
    warnings: list[str] = []
    names = _folder_names(migrations, warnings)
    result = UpResult(folder=folder.path, dry_run=dry_run,
                      converted=[(m.tag, n) for m, n in zip(migrations, names, strict=True)], warnings=warnings)
    snaps = _converted_snapshots(folder, migrations, config.dialect, result.warnings)
    listed = {m.sql_path.name for m in migrations} | {m.snapshot_path.name for m in migrations if m.snapshot_path}
    result.warnings += [f"{p.name} is not part of the journal's history; left where it is (drizzle-orm 1.x only reads "
                       "migration folders)" for p in sorted(folder.path.glob("*.sql")) if p.name not in listed]
    result.warnings += [f"meta/{p.name} left where it is" for p in folder.stray_files() if p.name not in listed]
    result.removed = sorted(listed) + ["meta/_journal.json"]
    if dry_run:
        return result
    for m, name, snap in zip(migrations, names, snaps, strict=True):
        (folder.path / name).mkdir()
        shutil.copyfile(m.sql_path, folder.path / name / folders1.MIGRATION_SQL)  # byte for byte: same hash
        write_atomic(folder.path / name / folders1.SNAPSHOT, dump_json(snap))
    _write_sidecar(folder, migrations, names, snaps)
    for m in migrations:
        m.sql_path.unlink()
        if m.snapshot_path is not None and m.snapshot_path.exists():
            m.snapshot_path.unlink()
    folder.journal_path.unlink()
    if (folder.path / bundle.BUNDLE).is_file():  # it imported the journal and the files just removed
        write_atomic(folder.path / bundle.BUNDLE, bundle.render_folders(names))
    return result


def _upgrade(path: Path, dry_run: bool) -> UpResult:
    """A folder already in the 1.x layout: the snapshots an older 1.x version wrote (drizzle-kit 1.0.0-beta to
    1.0.0-rc.4: version 8) rewritten in the current version, in place, as `drizzle-kit up` does; the SQL is not touched."""
    new = folders1.upgrade(path)
    if not new:
        raise UsageError(f"{path} already has drizzle-kit 1.x's layout; nothing to convert")
    result = UpResult(folder=path, dry_run=dry_run, converted=[(n, n) for n in sorted(new)], snapshots_only=True)
    if not dry_run:
        for name, snap in sorted(new.items()):
            write_atomic(path / name / folders1.SNAPSHOT, dump_json(snap))
    return result


def _folder_names(migrations: list[Migration], warnings: list[str]) -> list[str]:
    """`<YYYYMMDDHHMMSS>_<name>` of each entry, dated by its `when` to the second, in journal order. Entries that
    share a second share the stamp when their names sort in journal order, as drizzle-kit 1.x's `up` names them
    (drizzle-orm 1.x, upgrading a 0.x tracking table, matches a row to the folder of its second, by hash among
    several, else by hash alone); otherwise, and for a `when` earlier than the entry before (branches merged), the
    next free second keeps the journal's order, with a warning when the row's own second is another folder's
    (drizzle-orm 1.x would give the row to that folder)."""
    out: list[str] = []
    last = -1
    for m in migrations:
        if not m.exists:
            raise IntegrityError(f"{m.sql_path} is listed in the journal but does not exist",
                                 "Restore it from version control before converting the folder.")
        name = m.tag.split("_", 1)[1] if "_" in m.tag else m.tag
        name = re.sub(r"[^A-Za-z0-9_\-]+", "_", name).strip("_") or "migration"
        seconds = m.when // 1000
        if seconds < last or (seconds == last and f"{folders1.stamp(seconds * 1000)}_{name}" <= out[-1]):
            seconds = last + 1
        last = seconds
        out.append(f"{folders1.stamp(seconds * 1000)}_{name}")
    stamps = {n[:14]: n for n in out}
    for m, n in zip(migrations, out, strict=True):
        own = stamps.get(folders1.stamp(m.when // 1000 * 1000))
        if own is not None and own != n and own[:14] != n[:14]:
            warnings.append(f"{n}: dated a second later than its `when` to keep the journal's order, its second is "
                            f"{own}'s: drizzle-orm 1.x, upgrading a database's 0.x tracking table, would take its row "
                            "for that migration (mizzle matches by `when` and hash)")
    return out


def _converted_snapshots(folder: MigrationFolder, migrations: list[Migration], dialect: str,
                         warnings: list[str]) -> list[dict[str, Any]]:
    """Each snapshot as version 9: read through mizzle's model (any drizzle-kit 0.x version), written as rows, the
    first a base and each next one the deltas from the one before. Parents follow the journal order (a 0.x chain
    broken by a branch merge or a `pull` baseline becomes one line). A migration without a snapshot (hand-written)
    gets what drizzle-kit 1.x writes for a custom migration: a diff with no deltas; the next snapshot's deltas
    hold whatever its SQL changed."""
    from .. import dialects

    d = dialects.get(dialect)
    codec = d.folder_codec
    sidecar = folder.read_sidecar()
    out: list[dict[str, Any]] = []
    state: Any = None
    seen: set[str] = set()
    holders: dict[Path, str] = {}  # snapshot file → the first migration it stands for
    for m in migrations:
        _refuse_a_shared_file(m, holders)
        raw = folder.read_snapshot(m)
        if raw is None and out:
            warnings.append(f"{m.tag} has no snapshot: written as drizzle-kit 1.x writes a custom migration's (no "
                            "deltas; the next snapshot holds what its SQL changed)")
            snap, state = codec.chain(state, None, str(uuid.uuid4()), [out[-1]["id"]], None)
            out.append(snap)
            continue
        if raw is None:
            raise IntegrityError(f"{m.tag}: the first migration's snapshot is missing; the 1.x layout starts from it",
                                 "Run `mizzle check --rebuild-snapshots` first, then `mizzle up`.")
        id_ = str(raw.get("id") or "")
        if not id_ or id_ in seen or (id_ == ROOT_ID and out):
            raise IntegrityError(f"{m.snapshot_path}: snapshot id {id_!r} is empty or used twice",
                                 "Give it its own id (`mizzle rebase` re-chains merged snapshots), then `mizzle up`.")
        seen.add(id_)
        data, side = (raw, (sidecar.get("snapshots") or {}).get(id_)) if codec.up_from_raw else \
            d.save_snapshot(d.load_snapshot(raw, sidecar, source=str(m.snapshot_path)), ROOT_ID, id_)
        try:  # the raw snapshot (PostgreSQL: codec.up_from_raw) was not read through mizzle's model
            snap, state = codec.chain(state, data, _own_id(m, id_, warnings), [out[-1]["id"]] if out else [ROOT_ID],
                                      side)
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            raise IntegrityError(f"{m.snapshot_path}: {malformed_snapshot(e)}") from None
        out.append(snap)
    return out


def _refuse_a_shared_file(m: Migration, holders: dict[Path, str]) -> None:
    """IntegrityError when `m`'s snapshot file is an earlier migration's too: two journal tags with one number
    (wundergraph/cosmo's 0026_gigantic_robin_chapel at idx 24 and 0026_eager_arachne), which drizzle-kit gives one
    `meta/NNNN_snapshot.json`: it holds one of them, and `up` cannot tell which (`check` says the same)."""
    if m.snapshot_path is None:
        return
    first = holders.setdefault(m.snapshot_path, m.tag)
    if first != m.tag:
        raise IntegrityError(
            f"meta/{m.snapshot_path.name} is the snapshot of both {first} and {m.tag} (two tags with one number, and "
            "drizzle-kit names a snapshot after it): it holds one of them, and the 1.x layout needs each one's",
            "Renumber one of the two migrations (its tag in meta/_journal.json, its .sql file and its snapshot, "
            "`mizzle check --rebuild-snapshots` writes a missing one), then `mizzle up`.")


def _own_id(m: Migration, id_: str, warnings: list[str]) -> str:
    """The id of the first snapshot in the 1.x layout: its own, but for the root id, which `drizzle-kit pull` gives
    the baseline snapshot it writes (prevId ""; sim's 0000), and which in the 1.x layout is the parent of the first
    snapshot: a new one there, as drizzle-kit's own `up` gives every snapshot."""
    if id_ != ROOT_ID:
        return id_
    new = str(uuid.uuid4())
    warnings.append(f"{m.tag}'s snapshot has the root id {ROOT_ID} (drizzle-kit pull's baseline): given the id {new}")
    return new


def _write_sidecar(folder: MigrationFolder, migrations: list[Migration], names: list[str],
                   snaps: list[dict[str, Any]]) -> None:
    side = folder.read_sidecar()
    if side:  # mizzle's: an empty `snapshots` keeps it so beside `whens` (drift.holds_comments)
        side.setdefault("snapshots", {})
        if ROOT_ID in side["snapshots"] and snaps and snaps[0]["id"] != ROOT_ID:  # the first one's new id (_own_id)
            side["snapshots"][snaps[0]["id"]] = side["snapshots"].pop(ROOT_ID)
    side.setdefault("version", 1)
    side[folders1.WHENS_KEY] = {n: m.when for m, n in zip(migrations, names, strict=True)}
    made_up = [s["id"] for m, s in zip(migrations, snaps, strict=True)
               if m.snapshot_path is None or not m.snapshot_path.exists()]
    if made_up:
        side[folders1.MADE_UP_KEY] = made_up
    folder.sidecar_path.parent.mkdir(parents=True, exist_ok=True)  # meta/, but in a Prisma folder
    write_atomic(folder.sidecar_path, dump_json(side) + "\n")

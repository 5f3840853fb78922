"""`mizzle up`: convert a journal folder (drizzle-kit 0.x) to drizzle-kit 1.x's layout, keeping every
migration's identity.

Each journal entry `<prefix>_<name>` becomes `<YYYYMMDDHHMMSS>_<name>/migration.sql` (the SQL file's bytes, so
its hash is unchanged) + a version 9 `snapshot.json` (the same snapshot id; the first a base, the others diffs
from the one before, in journal order). The folder's timestamp is the entry's `when` in UTC seconds (one second
later when two entries share a second, so the folders sort in journal order), which is how drizzle-orm 1.x's
migrator recognises rows drizzle-orm 0.x recorded; the exact `when` (with its milliseconds, what mizzle and
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
from ..errors import IntegrityError, UsageError
from ..migrations import folders1
from ..migrations.folder import ROOT_ID, Migration, MigrationFolder, dump_json, write_atomic


@dataclass
class UpResult:
    folder: Path
    converted: list[tuple[str, str]] = field(default_factory=list)  # (journal tag, migration folder)
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "dry_run": self.dry_run,
                "converted": [{"tag": t, "folder": d} for t, d in self.converted], "removed": self.removed,
                "warnings": self.warnings}


def up(config: Config, dry_run: bool = False) -> UpResult:
    """Convert `config.out` in place (nothing is written with dry_run)."""
    folder = MigrationFolder(config.out_dir, config.dialect)
    if not folder.journal_path.exists():
        if folder.uses_folders:
            raise UsageError(f"{folder.path} already has drizzle-kit 1.x's layout; nothing to convert")
        raise UsageError(f"{folder.journal_path} does not exist: {folder.path} is not a drizzle-kit 0.x folder")
    migrations = folder.migrations()
    if not migrations:
        raise UsageError(f"{folder.journal_path} lists no migration; set `[migrations] layout = \"folders\"` instead")
    names = _folder_names(migrations)
    result = UpResult(folder=folder.path, dry_run=dry_run,
                      converted=[(m.tag, n) for m, n in zip(migrations, names, strict=True)])
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
    return result


def _folder_names(migrations: list[Migration]) -> list[str]:
    out: list[str] = []
    last = -1
    for m in migrations:
        if not m.exists:
            raise IntegrityError(f"{m.sql_path} is listed in the journal but does not exist",
                                 "Restore it from version control before converting the folder.")
        seconds = max(m.when // 1000, last + 1)
        last = seconds
        name = m.tag.split("_", 1)[1] if "_" in m.tag else m.tag
        name = re.sub(r"[^A-Za-z0-9_\-]+", "_", name).strip("_") or "migration"
        out.append(f"{folders1.stamp(seconds * 1000)}_{name}")
    return out


def _converted_snapshots(folder: MigrationFolder, migrations: list[Migration], dialect: str,
                         warnings: list[str]) -> list[dict[str, Any]]:
    """Each snapshot as version 9: read through mizzle's model (any drizzle-kit 0.x version), written as rows, the
    first a base and each next one the deltas from the one before. Parents follow the journal order (a 0.x chain
    broken by a branch merge or a `pull` baseline becomes one line). A migration without a snapshot (hand-written)
    gets what drizzle-kit 1.x writes for a custom migration: a diff with no deltas; the next snapshot's deltas
    hold whatever its SQL changed."""
    from .. import dialects
    from ..dialects.postgres import snapshot_v9 as v9
    from ..dialects.postgres.snapshot import snapshot_from_schema

    d = dialects.get(dialect)
    sidecar = folder.read_sidecar()
    out: list[dict[str, Any]] = []
    state: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for m in migrations:
        raw = folder.read_snapshot(m)
        if raw is None and out:
            warnings.append(f"{m.tag} has no snapshot: written as drizzle-kit 1.x writes a custom migration's (no "
                            "deltas; the next snapshot holds what its SQL changed)")
            out.append({"type": "diff", "version": v9.VERSION, "dialect": v9.DIALECT, "id": str(uuid.uuid4()),
                        "prevIds": [out[-1]["id"]], "footprints": [], "deltas": []})
            continue
        if raw is None:
            raise IntegrityError(f"{m.tag}: the first migration's snapshot is missing; the 1.x layout starts from it",
                                 "Run `mizzle check --rebuild-snapshots` first, then `mizzle up`.")
        id_ = str(raw.get("id") or "")
        if not id_ or id_ in seen or id_ == ROOT_ID:
            raise IntegrityError(f"{m.snapshot_path}: snapshot id {id_!r} is empty or used twice",
                                 "Give it its own id (`mizzle rebase` re-chains merged snapshots), then `mizzle up`.")
        seen.add(id_)
        v7, side = snapshot_from_schema(d.load_snapshot(raw, sidecar, source=str(m.snapshot_path)), ROOT_ID, id_)
        rows = v9.rows_from_v7(v7, folders1.key_names(side))
        head: dict[str, Any] = {"type": "diff" if out else "base", "version": v9.VERSION, "dialect": v9.DIALECT,
                                "id": id_, "prevIds": [out[-1]["id"]] if out else [ROOT_ID]}
        deltas = v9.deltas_between(state, rows)
        head["footprints"] = v9.footprints_of(state, deltas)
        head["deltas" if out else "ddl"] = deltas if out else rows
        out.append(head)
        state = {v9.entity_key(r): r for r in rows}
    return out


def _write_sidecar(folder: MigrationFolder, migrations: list[Migration], names: list[str],
                   snaps: list[dict[str, Any]]) -> None:
    side = folder.read_sidecar()
    side.setdefault("version", 1)
    side[folders1.WHENS_KEY] = {n: m.when for m, n in zip(migrations, names, strict=True)}
    folder.meta.mkdir(parents=True, exist_ok=True)
    write_atomic(folder.sidecar_path, dump_json(side) + "\n")

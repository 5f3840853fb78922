"""Which schema a migration file runs against: the snapshot of the migration before it in its folder's
journal (empty for the first), or None when the file is not a journaled migration."""

from __future__ import annotations

from pathlib import Path

from ..errors import MizzleError
from ..migrations.folder import MigrationFolder
from ..schema.model import Schema, make_schema


def previous_schema_for(path: Path) -> Schema | None:
    path = path.resolve()
    for root in (path.parent, path.parent.parent):  # journal layout; one-folder-per-migration layout
        folder = MigrationFolder(root)
        if not (folder.journal_path.is_file() or folder.uses_folders):
            continue
        try:
            migs = folder.migrations()
            i = next((i for i, m in enumerate(migs) if m.sql_path.resolve() == path), None)
            if i is None:
                return None
            if i == 0:
                return make_schema("postgresql")
            snap = folder.read_snapshot(migs[i - 1])
            if snap is None:
                return None
            from ..migrations.snapshots import schema_from_snapshot

            return schema_from_snapshot(snap, folder.read_sidecar(), source=str(migs[i - 1].snapshot_path))
        except MizzleError:
            return None  # a broken folder is `mizzle check`'s business; lint the file on its own
    return None

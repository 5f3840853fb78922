"""Which schema a migration file runs against: the snapshot of the migration before it in its folder's
journal (empty for the first), or None when the file is not a journaled migration."""

from __future__ import annotations

from pathlib import Path

from ..errors import MizzleError
from ..migrations.folder import Migration, MigrationFolder
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

            schema = schema_from_snapshot(snap, folder.read_sidecar(), source=str(migs[i - 1].snapshot_path))
            return _with_extensions_by_sql(schema, folder, migs[:i])
        except MizzleError:
            return None  # a broken folder is `mizzle check`'s business; lint the file on its own
    return None


def _with_extensions_by_sql(schema: Schema, folder: MigrationFolder, before: list[Migration]) -> Schema:
    """`schema` with the extensions the migrations `before` the file created in their SQL and did not drop, where the
    folder has no `meta/_mizzle.json` recording them: drizzle-kit's snapshots have none, and MZ006 warned of a gist
    index on a uuid column after an earlier migration's own CREATE EXTENSION btree_gist."""
    from dataclasses import replace

    from ..commands.drift import holds_comments
    from ..migrations.folder_objects import extensions_left_by
    from ..schema.security import Extension

    if holds_comments(folder) or not (by_sql := extensions_left_by(before)):
        return schema
    have = {e.name for e in schema.security.extensions or ()}
    added = [Extension(name, where) for name, where in by_sql.items() if name not in have]
    extensions = tuple(sorted([*(schema.security.extensions or ()), *added], key=lambda e: e.name))
    return schema.with_(security=replace(schema.security, extensions=extensions))

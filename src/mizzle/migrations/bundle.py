"""drizzle-kit's `migrations.js`: the file it writes beside the SQL files for drivers that bundle the migrations
into the app (Expo / React Native, Cloudflare Durable Objects), importing the journal and every migration's SQL
file. drizzle-orm's migrator for those drivers runs only what this file imports, so a migration the journal
lists but the file does not is never applied by the app: whoever writes the journal keeps the file in step, as
drizzle-kit's `generate` and `drop` do, and `check` says when it is not.

In drizzle-kit 1.x's layout the file imports `./<folder>/migration.sql` and no journal; its `up` rewrites it so.
A folder without the file is left without one (mizzle cannot tell the driver from the folder alone)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

BUNDLE = "migrations.js"
# drizzle-kit starts the file with this line when the driver is "expo"; a rewrite keeps the file's own choice
EXPO_HEADER = ("// This file is required for Expo/React Native SQLite migrations - "
               "https://orm.drizzle.team/quick-sqlite/expo\n\n")
_SQL_IMPORT = re.compile(r"""\bimport\s+\w+\s+from\s+['"]\./([^'"]+?)(?:\.sql|/migration\.sql)['"]""")


def render(entries: Iterable[Mapping[str, Any]], expo: bool = False) -> str:
    """The file drizzle-kit 0.x writes for these journal entries, byte for byte (`embeddedMigrations`)."""
    entries = list(entries)
    names = [f"m{int(e['idx']):04d}" for e in entries]
    text = EXPO_HEADER if expo else ""
    text += "import journal from './meta/_journal.json';\n"
    text += "".join(f"import {n} from './{e['tag']}.sql';\n" for n, e in zip(names, entries, strict=True))
    return text + "\n  export default {\n    journal,\n    migrations: {\n      " + ",\n".join(names) + \
        "\n    }\n  }\n  "


def render_folders(tags: Iterable[str]) -> str:
    """The file drizzle-kit 1.x writes for the 1.x layout's migration folders, byte for byte (its `up` writes no
    Expo line)."""
    tags = list(tags)
    text = "".join(f"import m{i:04d} from './{t}/migration.sql';\n" for i, t in enumerate(tags))
    return text + "\n  export default {\n    migrations: {\n      " + \
        ",\n".join(f'"{t}": m{i:04d}' for i, t in enumerate(tags)) + "\n}\n  }\n  "


def imported_tags(text: str) -> list[str]:
    """The tags of the SQL files the file imports (`import m0003 from './0003_name.sql'`, or
    `'./20250101000000_name/migration.sql'` in the 1.x layout), in file order."""
    return _SQL_IMPORT.findall(text)


def out_of_step(folder: Path, tags: list[str]) -> tuple[list[str], list[str]] | None:
    """(tags the journal lists that the folder's migrations.js does not import, tags it imports that the journal
    does not list), or None when the folder has no such file or the two agree."""
    path = folder / BUNDLE
    if not path.is_file():
        return None
    try:
        imported = imported_tags(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    missing = [t for t in tags if t not in imported]
    extra = [t for t in imported if t not in tags]
    return (missing, extra) if missing or extra else None


def rewritten_folders(folder: Path, tags: list[str]) -> str | None:
    """rewritten() for the 1.x layout: `tags` are the migration folders' names, in order."""
    if out_of_step(folder, tags) is None:
        return None
    return render_folders(tags)


def rewritten(folder: Path, entries: Iterable[Mapping[str, Any]]) -> str | None:
    """The folder's migrations.js as it must read for the journal's entries, when it imports other migrations
    than they list; None when the folder has none or it agrees (a file that agrees keeps its formatting)."""
    entries = list(entries)
    if out_of_step(folder, [str(e["tag"]) for e in entries]) is None:
        return None
    old = (folder / BUNDLE).read_text(encoding="utf-8")
    return render(entries, expo=old.startswith(EXPO_HEADER.rstrip("\n")))


__all__ = ["BUNDLE", "imported_tags", "out_of_step", "render", "render_folders", "rewritten", "rewritten_folders"]

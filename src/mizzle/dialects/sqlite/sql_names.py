"""Names in the SQLite statements of a folder's SQL text, read without a parser: what table_options.py and
folder_triggers.py follow through the folder (CREATE … , ALTER TABLE … RENAME TO, DROP TABLE)."""

from __future__ import annotations

import re

# a name in a statement: a schema (main., temp.) left out, quoted "…", `…`, […] or bare
NAME = r'(?:(?:"[^"]*"|`[^`]*`|\[[^\]]*\]|\w+)\s*\.\s*)?("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|\w+)'
RENAME_TABLE = re.compile(r"(?is)^\s*ALTER\s+TABLE\s+" + NAME + r"\s+RENAME\s+TO\s+" + NAME + r"\s*;?\s*$")
DROP_TABLE = re.compile(r"(?is)^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?" + NAME)


def unquoted(name: str) -> str:
    """A name as NAME matched it, its quotes taken off (as written: SQLite's names are case-blind, the caller
    lower-cases where it compares)."""
    if name[:1] in "\"`[":
        name = name[1:-1].replace('""', '"') if name[0] == '"' else name[1:-1]
    return name

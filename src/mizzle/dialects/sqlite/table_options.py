"""SQLite tables the folder's SQL made with table options (STRICT, WITHOUT ROWID) its snapshots do not record (a
hand edit, a `--custom` migration), read from the SQL text, for `generate` and `revert` to warn when a table
rebuild would make such a table without them (`Dialect.rebuild_losses`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ...schema import changes as ch
from .introspect import without_comments
from .rebuild import RebuildTable
from .runner import split_sql
from .sql_names import DROP_TABLE, NAME, RENAME_TABLE, unquoted

_CREATE = re.compile(r"(?is)^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?" + NAME)
_OPTIONS = ("STRICT", "WITHOUT ROWID")


def _unquoted(name: str) -> str:
    return unquoted(name).lower()  # SQLite's names are case-blind


def made_with_options(sql: str) -> dict[str, str]:
    """The tables the folder's SQL `sql` leaves with table options (STRICT, WITHOUT ROWID),
    lower-cased name → the options: each CREATE TABLE read in order, followed through ALTER TABLE … RENAME TO and
    DROP TABLE."""
    made: dict[str, str] = {}
    for statement in split_sql(sql):
        text = without_comments(statement).strip().rstrip(";")
        if m := _CREATE.match(text):
            tail = text[text.rfind(")") + 1:] if not re.search(r"(?is)\bAS\s+SELECT\b", text) else ""
            found = [o for o in _OPTIONS if re.search(r"(?i)\b" + o.replace(" ", r"\s+") + r"\b", tail)]
            made[_unquoted(m[1])] = ", ".join(found)
        elif m := RENAME_TABLE.match(text):
            made[_unquoted(m[2])] = made.pop(_unquoted(m[1]), "")
        elif m := DROP_TABLE.match(text):
            made.pop(_unquoted(m[1]), None)
    return {name: options for name, options in made.items() if options}


_DECLARED = {"STRICT": "sqlite_strict=True", "WITHOUT ROWID": "sqlite_with_rowid=False"}


def rebuilt_options_lost(changes: list[ch.Change], folder_sql: Callable[[], str]) -> list[str]:
    """A line for each table rebuild whose table the folder's SQL made STRICT or WITHOUT ROWID (a hand edit, a
    `--custom` migration) where neither its snapshot nor the schema code says so: the rebuild's CREATE TABLE makes
    it without them. One the snapshot records and the code drops is the change asked for."""
    rebuilt = [c for c in changes if isinstance(c, RebuildTable)]
    if not rebuilt:
        return []
    made = made_with_options(folder_sql())
    out = []
    for c in rebuilt:
        kept = {o for o, on in (("STRICT", c.old.strict or c.new.strict),
                                ("WITHOUT ROWID", c.old.without_rowid or c.new.without_rowid)) if on}
        lost = [o for o in made.get(c.old.name.lower(), "").split(", ") if o and o not in kept]
        if lost:
            out.append(f"table {c.old.name} was made {', '.join(lost)} by the folder's SQL, which its snapshot does "
                       "not record, and this migration rebuilds it without: declare "
                       f"{', '.join(_DECLARED[o] for o in lost)} on the table in the schema code to keep "
                       f"{'them' if len(lost) > 1 else 'it'} (a rebuild then writes it), or add {', '.join(lost)} "
                       f"after the closing parenthesis of its CREATE TABLE `__new_{c.new.name}` in the file")
    return out

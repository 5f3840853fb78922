"""SQLite triggers the folder's SQL made on a table (a `--custom` migration written by hand) that the schema code
does not declare, read from the SQL text, for `generate` and `revert` to warn when a table rebuild drops them
(`Dialect.rebuild_losses`): its `DROP TABLE` takes the table's triggers with it. mizzle's runner makes them again;
drizzle-orm's migrator does not, and nothing in the file can (mizzle does not know them)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ...schema import changes as ch
from ...schema import object_changes as oc
from .introspect import without_comments
from .rebuild import RebuildTable
from .runner import split_sql
from .sql_names import DROP_TABLE, NAME, RENAME_TABLE, unquoted

_CREATE = re.compile(r"(?is)^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?" + NAME
                     + r".*?\bON\s+" + NAME)
_DROP_TRIGGER = re.compile(r"(?is)^\s*DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?" + NAME)


def triggers_made(sql: str) -> dict[str, list[str]]:
    """The triggers the folder's SQL `sql` leaves on each table: lower-cased table name → the triggers' names (as
    written, unquoted), each CREATE TRIGGER read in order, followed through DROP TRIGGER, DROP TABLE (which drops
    the table's triggers) and ALTER TABLE … RENAME TO (which keeps them on the renamed table)."""
    on: dict[str, str] = {}  # lower-cased trigger name → lower-cased table
    names: dict[str, str] = {}  # lower-cased trigger name → as written
    for statement in split_sql(sql):
        text = without_comments(statement).strip()
        if m := _CREATE.match(text):
            name = unquoted(m[1])
            on[name.lower()], names[name.lower()] = unquoted(m[2]).lower(), name
        elif m := _DROP_TRIGGER.match(text):
            on.pop(unquoted(m[1]).lower(), None)
        elif m := DROP_TABLE.match(text):
            on = {t: table for t, table in on.items() if table != unquoted(m[1]).lower()}
        elif m := RENAME_TABLE.match(text):
            old, new = unquoted(m[1]).lower(), unquoted(m[2]).lower()
            on = {t: new if table == old else table for t, table in on.items()}
    out: dict[str, list[str]] = {}
    for trigger, table in on.items():
        out.setdefault(table, []).append(names[trigger])
    return out


def rebuilt_triggers_lost(changes: list[ch.Change], folder_sql: Callable[[], str]) -> list[str]:
    """A line for each table rebuild whose table holds triggers the folder's SQL made and the migration does not
    drop and make again itself (those the schema code declares it does)."""
    rebuilt = [c for c in changes if isinstance(c, RebuildTable)]
    if not rebuilt:
        return []
    handled = {c.obj.name.lower() for c in changes
               if isinstance(c, (oc.DropObject, oc.CreateObject)) and c.obj.kind == "trigger"}
    made = triggers_made(folder_sql())
    out = []
    for c in rebuilt:
        lost = [t for t in made.get(c.old.name.lower(), []) if t.lower() not in handled]
        if lost:
            which = "a trigger" if len(lost) == 1 else "triggers"
            out.append(f"table {c.old.name} has {which} the folder's SQL made, {', '.join(lost)}, that the schema "
                       f"code does not declare: this migration rebuilds the table, and its DROP TABLE drops "
                       f"{'it' if len(lost) == 1 else 'them'}; `mizzle migrate` makes "
                       f"{'it' if len(lost) == 1 else 'them'} again, drizzle-orm's migrator does not. Declare "
                       f"{'it' if len(lost) == 1 else 'them'} with mizzle.pg.Trigger (as `mizzle pull` writes "
                       f"triggers), `mizzle drop` this migration and write it again: the file then drops and makes "
                       f"{'it' if len(lost) == 1 else 'them'} again around the rebuild")
    return out

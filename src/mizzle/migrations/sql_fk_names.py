"""Foreign keys a drizzle-kit folder's snapshots name otherwise than its SQL made them (`generate`).

A migration written by hand can add a foreign key under a name of its own while the snapshot, generated from the
schema code, states drizzle-kit's name (portabase's 0026: `ADD CONSTRAINT restorations_backup_storage_id_fk`, its
snapshots `restorations_backup_storage_id_backup_storage_id_fk`). `drift` matches the two by definition; `generate`,
given schema code that names the key as the database does (what `pull` writes), renamed the snapshot's name, which
no migration ever made: `RENAME CONSTRAINT` failed on the server. Where the folder's SQL never names the snapshot's
key and does make one of the code's name with the same definition, that is the key's name.

A 1.x snapshot's row that the schema code did not name (`nameExplicit: false`; every `…_fk` of a 0.x folder
converted by `up`) is read under the name 1.x gives it today (`…_fkey`), its own kept as the server's: code naming
the key as the row does (what `pull` writes) names it as the snapshot does, so that is taken without a word (it
said "its snapshots name them otherwise" of every key of databuddy-analytics/Databuddy's converted folder)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ..schema.model import Schema, Table


def _named(sql: str, name: str) -> bool:
    """Whether `sql` names a constraint `name` anywhere (quoted, or bare as the server folds it)."""
    quoted = re.escape('"' + name.replace('"', '""') + '"')
    bare = re.escape(name) if name == name.lower() else None
    return re.search(quoted, sql) is not None or (bare is not None and re.search(
        rf"(?i)(?<![\w$\"]){bare}(?![\w$\"])", sql) is not None)


def fks_named_by_sql(old: Schema, new: Schema, sql: Callable[[], str], made: list[str]) -> Schema:
    """`old` (the latest snapshot's model) with each foreign key the SQL (`sql()`, read only where a key needs it)
    made under the name the schema code `new` gives it (see the module); `made` gets a line naming them."""
    tables: list[Table] = []
    renamed: list[str] = []
    for t in old.tables:
        code = new.table(t.schema, t.name)
        code_fks = {f.name: f for f in code.foreign_keys} if code is not None else {}
        fks = []
        for fk in t.foreign_keys:
            twin = next((f for n, f in code_fks.items() if n != fk.name and replace(fk, name=n) == f
                         and all(o.name != n for o in t.foreign_keys)), None) if fk.name not in code_fks else None
            if twin is not None and fk.server_name == twin.name:  # the snapshot's row has that name
                fk = replace(fk, name=twin.name, server_name=None)
            elif twin is not None and not _named(sql(), fk.name) and _named(sql(), twin.name):
                renamed.append(f"{fk.name} → {twin.name} on {t.name}")
                fk = replace(fk, name=twin.name)
            fks.append(fk)
        tables.append(t.with_(foreign_keys=tuple(fks)) if fks != list(t.foreign_keys) else t)
    if not renamed:
        return old
    made.append("foreign keys taken under the names the folder's SQL made them with (its snapshots name them "
                "otherwise): " + ", ".join(renamed))
    return old.with_(tables=tables)

"""What a drizzle-kit folder's own SQL made that its snapshots have no field for, taken as made when `generate`
compares the schema code with the latest snapshot: functions, procedures, triggers, domains and composite types,
materialized views' indexes and exclusion constraints, NOT VALID flags, table and column comments, extensions.
Only where the folder has no `meta/_mizzle.json` (mizzle's own folders record all of them); without this, generate
would make each again — a migration that fails where they exist. Each kind taken adds a line to `made` (generate's
warnings): their definitions are not compared with the schema code's."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..migrations.folder import MigrationFolder
    from ..schema.model import Schema, Table


def taken_as_made(old: Schema, new: Schema, folder: MigrationFolder, made: list[str]) -> Schema:
    """`old` (the latest snapshot's model) with what the folder's SQL made and the schema code states; `old` as it
    is where the folder's sidecar records such things itself (read once here, for every kind)."""
    from .drift import holds_comments

    if holds_comments(folder):
        return old
    old = _made_by_sql(old, new, folder, made)
    old = _not_valid_by_sql(old, new, folder, made)
    old = _comments_by_sql(old, new, folder, made)
    return _extensions_by_sql(old, new, folder, made)


def _made_by_sql(old: Schema, new: Schema, folder: MigrationFolder, made: list[str]) -> Schema:
    """`old` with the schema code's functions, procedures, triggers, domains and composite types, materialized
    views' indexes and exclusion constraints that the folder's own SQL created, where the folder has no
    `meta/_mizzle.json` (drizzle-kit's: its snapshots have no field for them, so they are not in `old`, and generate
    would create them a second time — a migration that fails where they exist). They are taken as they are; mizzle
    cannot compare their definitions with the code's."""
    from ..migrations.folder_objects import made_by_sql
    from ..schema.objects import make_objects
    have = {(o.kind, o.key) for o in old.objects.all()}
    candidates = [o for o in new.objects.all() if o.kind in ("function", "trigger", "domain", "composite type")
                  and (o.kind, o.key) not in have]
    if not (candidates or _parts_wanted(old, new)):
        return old
    by_sql = made_by_sql(folder)
    taken = [o for o in candidates if (o.kind, o.name) in by_sql or (o.kind, o.name.lower()) in by_sql]
    old, labels = _parts_made_by_sql(old, new, by_sql)
    if not taken and not labels:
        return old
    made.append(_taken_line("", "made", "them", [o.label for o in taken] + labels,
                            "; their definitions are not compared with the schema code's"))
    return old.with_(objects=make_objects([*old.objects.all(), *taken])) if taken else old


def _taken_line(what: str, verb: str, field: str, labels: list[str], more: str = "") -> str:
    """The line `generate` adds for what it took as the folder's SQL made it: "{what}taken as the folder's own SQL
    {verb} them (… no field for {field} …{more}): labels"."""
    return (f"{what}taken as the folder's own SQL {verb} them (drizzle-kit's snapshots have no field for {field}, and "
            f"no meta/_mizzle.json of mizzle's records them{more}): " + ", ".join(labels))


def _not_valid_by_sql(old: Schema, new: Schema, folder: MigrationFolder, made: list[str]) -> Schema:
    """`old` with the NOT VALID flag of each check and foreign key that the schema code declares NOT VALID and the
    folder's SQL added so (and left so), where the folder has no `meta/_mizzle.json`: drizzle-kit's snapshots have
    no field for the flag, so `old` says the constraint is valid and generate would drop and add it again."""
    from dataclasses import replace

    from ..migrations.folder_objects import not_valid_by_sql
    def flagged(t: Table) -> set[str]:
        return {c.name for c in t.checks if c.not_valid} | {f.name for f in t.foreign_keys if f.not_valid}

    wanted = {(t.schema, t.name): flagged(t) for t in new.tables if flagged(t)}
    if not wanted:
        return old
    by_sql = not_valid_by_sql(folder)
    tables, labels = [], []
    for t in old.tables:
        names = {n for n in wanted.get((t.schema, t.name), ()) if n in by_sql or n.lower() in by_sql}
        checks = tuple(replace(c, not_valid=True) if c.name in names and not c.not_valid else c for c in t.checks)
        fks = tuple(replace(f, not_valid=True) if f.name in names and not f.not_valid else f
                    for f in t.foreign_keys)
        labels += [f"{c.name} on {t.name}" for c, o in zip(checks, t.checks, strict=True) if c is not o]
        labels += [f"{f.name} on {t.name}" for f, o in zip(fks, t.foreign_keys, strict=True) if f is not o]
        tables.append(t.with_(checks=checks, foreign_keys=fks) if (checks, fks) != (t.checks, t.foreign_keys) else t)
    if not labels:
        return old
    made.append("taken as NOT VALID, as the folder's own SQL added them and left them (drizzle-kit's snapshots have "
                "no field for the flag): " + ", ".join(labels))
    return old.with_(tables=tables)


def _comments_by_sql(old: Schema, new: Schema, folder: MigrationFolder, made: list[str]) -> Schema:
    """`old` with each table and column comment the schema code states as the folder's SQL left it (COMMENT ON …
    IS '…', `comments_by_sql`), where the folder has no `meta/_mizzle.json`: drizzle-kit's snapshots have no field
    for comments, so `old` has none and generate would write every comment `pull` read from the database again."""
    from dataclasses import replace

    from ..migrations.folder_objects import comments_by_sql
    wanted = {t.key: t for t in new.tables if t.comment is not None or any(c.comment is not None for c in t.columns)}
    if not wanted or not (by_sql := comments_by_sql(folder)):
        return old

    def left(t: Table, column: str | None) -> str | None:
        found = [text for (schema, table, col), text in by_sql.items()
                 if col == column and table == t.name and schema in (None, t.schema)]
        return found[0] if len(set(found)) == 1 else None

    tables, labels = [], []
    for t in old.tables:
        code = wanted.get(t.key)
        if code is None:
            tables.append(t)
            continue
        comment = code.comment if t.comment is None and code.comment is not None and left(t, None) == code.comment \
            else t.comment
        labels += [t.name] if comment is not t.comment else []
        columns = []
        for c in t.columns:
            theirs = code.column(c.name)
            if c.comment is None and theirs is not None and theirs.comment is not None \
                    and left(t, c.name) == theirs.comment:
                c = replace(c, comment=theirs.comment)
                labels.append(f"{t.name}.{c.name}")
            columns.append(c)
        tables.append(t.with_(comment=comment, columns=tuple(columns)))
    if not labels:
        return old
    made.append(_taken_line("comments ", "left", "comments", labels))
    return old.with_(tables=tables)


def _extensions_by_sql(old: Schema, new: Schema, folder: MigrationFolder, made: list[str]) -> Schema:
    """`old` with each extension the schema code declares that the folder's SQL created and left (`extensions_by_sql`;
    in the schema the code names, where both name one), where the folder has no `meta/_mizzle.json`: drizzle-kit's
    snapshots have no field for extensions, so `old` has none and generate would create again every extension
    `pull` read from the database."""
    from dataclasses import replace

    from ..migrations.folder_objects import extensions_by_sql
    have = {e.name for e in old.security.extensions or ()}
    wanted = [e for e in new.security.extensions or () if e.name not in have]
    if not wanted or not (by_sql := extensions_by_sql(folder)):
        return old
    taken = [e for e in wanted if e.name in by_sql and (e.schema is None or by_sql[e.name] in (None, e.schema))]
    if not taken:
        return old
    made.append(_taken_line("extensions ", "created", "extensions", [e.name for e in taken]))
    extensions = tuple(sorted([*(old.security.extensions or ()), *taken], key=lambda e: e.name))
    return old.with_(security=replace(old.security, extensions=extensions))


def _parts_wanted(old: Schema, new: Schema) -> bool:
    """Whether the schema code has an index of a materialized view or an exclusion constraint `old` lacks."""
    return bool(_view_indexes(old, new, lambda kind, name: True)[1] or _exclusions(old, new, lambda k, n: True)[1])


def _parts_made_by_sql(old: Schema, new: Schema, by_sql: set[tuple[str, str]]) -> tuple[Schema, list[str]]:
    """`old` with the schema code's materialized views' indexes and exclusion constraints that the folder's SQL
    made (`made_by_sql`), where `old` has the view or table without them; and their labels."""
    def made(kind: str, name: str) -> bool:
        return (kind, name) in by_sql or (kind, name.lower()) in by_sql

    old, views = _view_indexes(old, new, made)
    old, tables = _exclusions(old, new, made)
    return old, views + tables


def _view_indexes(old: Schema, new: Schema, made: Callable[[str, str], bool]) -> tuple[Schema, list[str]]:
    from dataclasses import replace

    from ..schema.objects import make_objects

    code = {v.key: v for v in new.objects.views}
    views, labels = [], []
    for v in old.objects.views:
        mine = {i.name for i in v.indexes}
        extra = [i for i in code[v.key].indexes if i.name not in mine and made("index", i.name)] \
            if v.key in code else []
        labels += [f"index {i.name} on {v.label}" for i in extra]
        views.append(replace(v, indexes=tuple(sorted((*v.indexes, *extra), key=lambda i: i.name))) if extra else v)
    if not labels:
        return old, []
    rest = [o for o in old.objects.all() if o.kind != "view"]
    return old.with_(objects=make_objects([*rest, *views])), labels


def _exclusions(old: Schema, new: Schema, made: Callable[[str, str], bool]) -> tuple[Schema, list[str]]:
    tables, labels = [], []
    for t in old.tables:
        theirs = new.table(t.schema, t.name)
        mine = {x.name for x in t.excludes}
        extra = [x for x in theirs.excludes if x.name not in mine and made("exclusion", x.name)] if theirs else []
        labels += [f"exclusion constraint {x.name} on {t.name}" for x in extra]
        tables.append(t.with_(excludes=(*t.excludes, *extra)) if extra else t)
    return (old.with_(tables=tables), labels) if labels else (old, [])

"""Snapshot files whatever their dialect: the model ↔ drizzle-kit's snapshot JSON through the dialect's codec
(`Dialect.load_snapshot` / `save_snapshot`, in dialects/*/snapshot.py), and what the codecs share (ids, JSON
defaults). Callers that hold a snapshot of either dialect use these, never a dialect's codec directly."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from .. import dialects
from ..errors import IntegrityError
from ..schema.model import Table
from .folder import ROOT_ID

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..schema.model import Schema


def new_id() -> str:
    """A snapshot id (drizzle-kit's: a random UUID)."""
    return str(uuid.uuid4())


def default_from_json(value: Any) -> str | None:
    """A column default as a snapshot holds it (JSON true, 3, 'text') → the SQL text of the default."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return str(value)


def schema_from_snapshot(data: dict[str, Any], sidecar: dict[str, Any] | None = None,
                         source: str = "snapshot") -> Schema:
    """A drizzle-kit snapshot (of the dialect its `dialect` key names; PostgreSQL when absent) → the model."""
    if not isinstance(data, dict):
        raise IntegrityError(f"{source}: not a snapshot (expected a JSON object)")
    return dialects.get(str(data.get("dialect") or dialects.DEFAULT)).load_snapshot(data, sidecar, source=source)


def snapshot_from_schema(schema: Schema, prev_id: str = ROOT_ID, id_: str | None = None,
                         renames: dict[str, dict[str, str]] | None = None,
                         memo: dict[int, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model → (drizzle-kit snapshot of its dialect, sidecar entry for facts the snapshot cannot hold).
    `memo` (speed, `check --rebuild-snapshots`: ~200 snapshots of one growing schema): each table's JSON remembered
    by the table's identity, for the dialects that do; the snapshots written share those parts, so they are
    written out, never changed in place."""
    return dialects.get(schema.dialect).save_snapshot(schema, prev_id, id_ or new_id(), renames, memo=memo)


def meta_of(columns: dict[str, str], schemas: dict[str, str], tables: dict[str, str]) -> dict[str, dict[str, str]]:
    """A snapshot's `_meta` of renames (dotted "schema.table.column" → the same, as a ChangeSet holds them): each
    part quoted, as drizzle-kit writes them."""
    def q(dotted: str) -> str:
        return ".".join(f'"{p}"' for p in dotted.split("."))
    return {"columns": {q(k): q(v) for k, v in columns.items()},
            "schemas": {f'"{k}"': f'"{v}"' for k, v in schemas.items()},
            "tables": {q(k): q(v) for k, v in tables.items()}}


def keep_key_names(old: Schema, new: Schema, renamed_tables: dict[str, str], renamed_keep: bool = False) -> Schema:
    """`new` (the schema code's model, about to be the next snapshot) with the server names of the primary keys
    `old` states unnamed under another name (`PrimaryKey.server_name`: `<old>_pkey` after a table rename), where
    the key is still the same one: the code has no name for them, the next `generate` needs them.
    `renamed_keep`: the tables renamed now keep their key's name too (drizzle-kit 1.x's layout, see
    `keep_key_on_rename`)."""
    from dataclasses import replace


    back = {v: k for k, v in renamed_tables.items()}
    tables, changed = [], False
    for t in new.tables:
        pk = t.primary_key
        schema, _, name = back.get(f"{t.schema}.{t.name}", f"{t.schema}.{t.name}").partition(".")
        prev = old.table(schema, name)
        opk = prev.primary_key if prev is not None else None
        server = opk.server_name if opk is not None else None
        if renamed_keep and prev is not None and not server and name != t.name:
            server = f"{name}_pkey"
        if pk is not None and opk is not None and pk.name is None and opk.name is None and server \
                and not pk.server_name and pk.columns == opk.columns:
            t, changed = replace(t, primary_key=replace(pk, server_name=server)), True
        tables.append(t)
    if not changed:
        return new
    return new.with_(tables=tables)


def keep_server_names(old: Schema, new: Schema, changes: list[Any],
                      renamed_tables: dict[str, str] | None = None) -> Schema:
    """`new` (the schema code's model, about to be the next snapshot; drizzle-kit 0.x's layout) with the server
    names `old` had for the unique constraints, foreign keys, checks, indexes and named primary keys that stay (the
    same table, or the one `renamed_tables` renamed it to, as keep_key_names follows it; the same name, neither
    dropped nor renamed by `changes`): `baseline` keeps there the names a database gave the objects the code leaves
    unnamed (`posts_author_id_fkey` for `posts_author_id_users_id_fk`, `users_age_check` for `users_check`,
    `memberships_pkey` for a composite `memberships_user_id_group_id_pk`; on SQLite an index's) or names otherwise
    (`fk_author`); the code has no such names, and later migrations drop and change the objects by them (a table
    renamed, their names stay). A table SQLite rebuilds has the code's names after."""
    from dataclasses import replace

    from ..schema.changes import (
        DropCheck,
        DropForeignKey,
        DropIndex,
        DropUnique,
        RenameConstraint,
        SetPrimaryKey,
    )

    gone = {(c.table, c.new) for c in changes if isinstance(c, RenameConstraint)}
    gone |= {(c.table, x.name) for c in changes if isinstance(c, (DropForeignKey, DropIndex, DropUnique, DropCheck))
             for x in [c.fk if isinstance(c, DropForeignKey) else c.index if isinstance(c, DropIndex)
                       else c.check if isinstance(c, DropCheck) else c.unique]}
    rekeyed = {c.table for c in changes if isinstance(c, SetPrimaryKey)
               or (isinstance(c, RenameConstraint) and c.primary_key)}
    rebuilt = {c.table for c in changes if _rebuild(c)}  # SQLite's: it makes the indexes again by the code's names
    back = {v: k for k, v in (renamed_tables or {}).items()}
    tables, changed = [], False
    for t in new.tables:
        schema, _, name = back.get(f"{t.schema}.{t.name}", f"{t.schema}.{t.name}").partition(".")
        prev = old.table(schema, name) if t.key not in rebuilt else None
        parts: dict[str, Any] = {}
        for part in ("uniques", "foreign_keys", "checks", "indexes") if prev is not None else ():
            kept = {o.name: o.server_name for o in getattr(prev, part) if o.server_name}
            objs = getattr(t, part)
            named = tuple(replace(o, server_name=kept[o.name]) if o.name in kept and not o.server_name
                          and (t.key, o.name) not in gone else o for o in objs)
            if any(a is not b for a, b in zip(named, objs, strict=True)):
                parts[part], changed = named, True
        pk, opk = t.primary_key, prev.primary_key if prev is not None else None
        if pk is not None and opk is not None and pk.name and opk.server_name and not pk.server_name \
                and (pk.name, pk.columns) == (opk.name, opk.columns) and t.key not in rekeyed:
            parts["primary_key"], changed = replace(pk, server_name=opk.server_name), True
        tables.append(t.with_(**parts) if parts else t)
    return new.with_(tables=tables) if changed else new


def keep_spellings(old: Schema, new: Schema, changes: list[Any],
                   stored_name: Callable[[str], str] = lambda n: n) -> Schema:
    """`new` (the schema code's model, about to be the next snapshot) with `old`'s own text (the latest snapshot's:
    drizzle-kit's, in its folder) for each column default and generated expression, check, index, policy and view
    that no change touches: the diff found them the same, only spelt otherwise (`"tx"."amount" > 0` against the
    code's `amount > 0`). Written in the code's spelling, drizzle-kit's next generate from the same TypeScript read
    them as changed, and dropped and made them again (a helper, on a drizzle-kit 1.x folder). A policy is matched
    by the name the database keeps (`stored_name`, the dialect's: PostgreSQL cuts a name to 63 bytes), so a pulled
    model's cut name keeps the snapshot's whole one (midday). A unique of `old` on exactly the primary key's
    columns that the diff took for the key (schema.compare.folded_into_key: PostgreSQL kept only the key at
    CREATE TABLE, so a pulled model has no such unique) stays in the snapshot too (midday, homarr)."""
    from dataclasses import replace

    from ..schema.compare import folded_into_key

    touched = _touched(changes)

    def free(t: Table, kind: str, name: str) -> bool:
        return not {(t.key, "table"), (t.key, kind, name), (None, kind, name)} & touched

    def kept(t: Table, kind: str, mine: Any, theirs: Any) -> Any:
        return theirs if theirs is not None and theirs != mine and free(t, kind, mine.name) else mine

    tables, changed = [], False
    for t in new.tables:
        prev = old.table(*t.key)
        if prev is None or (t.key, "table") in touched:
            tables.append(t)
            continue
        prev = _columns_renamed(prev, changes)
        if (t.key, "rebuilt") in touched:
            tables.append(_rebuilt_kept(t, prev, {c.name for c in t.columns if free(t, "column", c.name)}))
            changed |= tables[-1] is not t
            continue
        cols = tuple(_column_kept(c, prev.column(c.name)) if free(t, "column", c.name) else c for c in t.columns)
        checks = tuple(kept(t, "check", x, next((y for y in prev.checks if y.name == x.name), None)) for x in t.checks)
        indexes = tuple(_inline_kept(kept(t, "index", x, y := next((y for y in prev.indexes if y.name == x.name), None)),
                                     y, free(t, "index", x.name)) for x in t.indexes)
        policies = tuple(kept(t, "policy", x, next((y for y in prev.policies if y.name == x.name), None)
                              or next((y for y in prev.policies if stored_name(y.name) == stored_name(x.name)), None))
                         for x in t.policies)
        uniques = t.uniques + tuple(u for u in prev.uniques if free(t, "unique", u.name)
                                    and folded_into_key(prev, u, t, by_definition=False))
        if (cols, checks, indexes, policies, uniques) != (t.columns, t.checks, t.indexes, t.policies, t.uniques) \
                or any(a is not b for a, b in zip(indexes, t.indexes, strict=True)) \
                or any(a is not b for a, b in zip(cols, t.columns, strict=True)):  # Index.inline, declared_not_null
            t, changed = replace(t, columns=cols, checks=checks, indexes=indexes, policies=policies,
                                 uniques=uniques), True
        tables.append(t)
    theirs = {(o.kind, o.key): _following_renames(o, changes) for o in old.objects.all()}
    objects = [_object_kept(o, theirs.get(k), ("object", *k) in touched) for o in new.objects.all()
               if (k := (o.kind, o.key))]
    if any(a is not b for a, b in zip(objects, new.objects.all(), strict=True)):
        from ..schema.objects import make_objects

        return new.with_(tables=tables, objects=replace(make_objects(objects), unmanaged=new.objects.unmanaged))
    return new.with_(tables=tables) if changed else new


def _following_renames(o: Any, changes: list[Any]) -> Any:
    """The snapshot's object `o`, a trigger calling a function `changes` rename under the function's new name:
    PostgreSQL's trigger follows its function, so the diff takes it for the same as the code's (immich's twenty
    triggers calling updated_at(), renamed); kept as it was, the snapshot named the old function."""
    from dataclasses import replace

    from ..schema.object_changes import RenameObject
    from ..schema.objects import Routine, Trigger

    if not isinstance(o, Trigger):
        return o
    renamed = {f"{c.old.schema}.{c.old.name}": f"{c.new.schema}.{c.new.name}" for c in changes
               if isinstance(c, RenameObject) and isinstance(c.old, Routine)}
    return replace(o, function=renamed[o.function]) if o.function in renamed else o


def _object_kept(o: Any, theirs: Any, touched: bool) -> Any:
    """The code's object `o`, which the diff found the same as the snapshot's (`theirs`), in the snapshot's text;
    a materialized view keeps the access method the snapshot names (drizzle-kit's `.using("heap")`, which the
    code and the server have no trace of: the next snapshot without it, drizzle-kit wrote `SET ACCESS METHOD`)."""
    from dataclasses import replace

    if theirs is None or touched:
        return o
    if theirs != o:
        return theirs
    if getattr(theirs, "using", None) and not getattr(o, "using", None):
        return replace(o, using=theirs.using)
    return o


def _rebuilt_kept(t: Table, prev: Table, free: set[str]) -> Table:
    """`t`, a table the migration rebuilds whole (SQLite's): its CREATE TABLE writes the code's text of everything
    but the default of a column no part of the rebuild touches, which keeps the snapshot's (the dialect's
    rebuilds_retyped), and so does the next snapshot."""
    from dataclasses import replace

    def kept(c: Any) -> Any:
        p = prev.column(c.name)
        if p is None or c.name not in free or None in (p.default, c.default) or p.default == c.default:
            return c
        return replace(c, default=p.default)

    cols = tuple(kept(c) for c in t.columns)
    return replace(t, columns=cols) if any(a is not b for a, b in zip(cols, t.columns, strict=True)) else t


def _column_kept(c: Any, p: Any) -> Any:
    """The code's column `c`, which no change touches, with the snapshot's own text of it (`p`): its default and
    generated expression, its type where only the snapshot can spell it (an array's sizes, `varchar(20)[3]` or
    `enum2[3]`, which the server and SQLAlchemy drop), and a composite key member's declared NOT NULL (drizzle-kit
    0.31 writes `notNull: true` for `.notNull()`, and its next generate read `false` as a change)."""
    from dataclasses import replace

    if p is None:
        return c
    kw = {"default": p.default, "generated": p.generated}
    if p.declared_not_null != c.declared_not_null and p.not_null:  # the diff found them alike: the key says it
        kw |= {"declared_not_null": p.declared_not_null, "not_null": p.not_null}
    if p.type_schema == c.type_schema and "[" in p.type:
        kw["type"] = p.type
    if all(getattr(c, k) == v for k, v in kw.items()):
        return c
    return replace(c, **kw)


def _inline_kept(index: Any, prev: Any, free: bool) -> Any:
    """`index` (the code's, or the snapshot's own spelling of it) still marked as the snapshot had it: a UNIQUE of
    its table's CREATE TABLE in the database (Index.inline, SQLite's: baseline adopted it so, drizzle-kit wrote it
    so), which a later drop must rebuild the table for. The code cannot say it; a change or rebuild of it ends it."""
    from dataclasses import replace

    if free and prev is not None and prev.inline and not index.inline and prev == index:
        return replace(index, inline=True)
    return index


def _columns_renamed(prev: Table, changes: list[Any]) -> Table:
    """`prev` (the latest snapshot's table) with the columns `changes` rename called by their new names, as the diff
    saw it: an index on a renamed column is no change, so it is "kept" — and must not bring the old name back into
    the snapshot (a Django `…_like` index on a column renamed: `drift` then found the database one index away)."""
    from ..schema.changes import RenameColumn
    from ..schema.diff import rename_column_in_table

    for c in changes:
        if isinstance(c, RenameColumn) and c.table == prev.key:
            prev = rename_column_in_table(prev, c.old, c.new)
    return prev


def _touched(changes: list[Any]) -> set[tuple[Any, ...]]:
    """What `changes` touch, for keep_spellings: (table key or None for some table, kind, name) of each column,
    check, index and policy they hold; (table key, "table") of a table made or dropped, (table key, "rebuilt") of one
    rebuilt whole (SQLite's rebuild), with what its parts touch; ("object", kind, key) of a view, function,
    trigger…"""
    from ..schema.model import CheckConstraint, Column, Index, UniqueConstraint
    from ..schema.security import Policy

    touched: set[tuple[Any, ...]] = set()

    def visit(v: Any, table: Any) -> None:
        if isinstance(v, Table):
            touched.add((v.key, "table"))
        elif isinstance(v, Column):
            touched.add((table, "column", v.name))
        elif isinstance(v, CheckConstraint):
            touched.add((table, "check", v.name))
        elif isinstance(v, Index):
            touched.add((table, "index", v.name))
        elif isinstance(v, UniqueConstraint):
            touched.add((table, "unique", v.name))
        elif isinstance(v, Policy):
            touched.add((table, "policy", v.name))
        elif isinstance(v, str) and table is not None:  # a name: RenameColumn's, a constraint validated…
            touched.update((table, kind, v) for kind in ("column", "check", "index", "policy", "unique"))
        elif isinstance(v, (tuple, list)):  # a rebuilt enum's usages, ((table, column), …)
            for x in v:
                visit(x, None)
        elif hasattr(v, "kind") and hasattr(v, "key"):
            touched.add(("object", v.kind, v.key))

    for c in changes:
        parts = getattr(c, "parts", None)
        if isinstance(parts, tuple) and isinstance(getattr(c, "new", None), Table):  # a table rebuilt whole
            touched.add((c.new.key, "rebuilt"))
        for p in parts if isinstance(parts, tuple) and isinstance(getattr(c, "new", None), Table) else (c,):
            for v in vars(p).values():
                visit(v, getattr(p, "table", None))
    return touched


def keep_key_on_rename(changes: list[Any], old: Schema) -> list[Any]:
    """drizzle-kit 1.x renames a table and nothing else: an unnamed primary key keeps `<old>_pkey` (mizzle's
    journal layout renames it along). The changes with no RENAME CONSTRAINT of such a key, for the 1.x layout (a
    composite key, which the schema code names, is still renamed along)."""
    from dataclasses import replace

    from ..schema.changes import RenameTable, SetPrimaryKey

    def unnamed(c: Any) -> bool:
        if not isinstance(c, RenameTable) or not c.implicit_pk:
            return False
        t = old.table(*c.old)
        return t is not None and t.primary_key is not None and t.primary_key.name is None

    kept = {c.new: f"{c.old[1]}_pkey" for c in changes if unnamed(c)}
    out = []
    for c in changes:
        if unnamed(c):
            c = replace(c, implicit_pk=False)
        elif isinstance(c, SetPrimaryKey) and c.table in kept and c.old is not None and c.old.name is None \
                and not c.old.server_name:  # the key dropped in the same migration: by the name it kept
            c = replace(c, old=replace(c.old, server_name=kept[c.table]))
        out.append(c)
    return out


def keep_names_on_rename(changes: list[Any], old: Schema, new: Schema, renamed_tables: dict[str, str],
                         sqlite: bool = False) -> tuple[list[Any], Schema]:
    """drizzle-kit 1.x renames a table and nothing else: the unique constraints, foreign keys (a renamed table's
    own, and those referencing it) and indexes it left unnamed keep their `<old>_…` names. For the 1.x layout: the
    changes without the RENAME of such a name, and `new` (the schema code's model, which names them after the new
    table) with the names they keep as their server names (`ForeignKey.server_name`), as well as the server names
    `old` had for the objects that stay, so that later migrations drop and rename them by the names they have.
    `sqlite`: the dialect's `rebuilds_tables` (its diff drops and creates indexes, and rebuilds tables)."""
    from dataclasses import replace

    from ..schema.changes import DropForeignKey, DropIndex, DropUnique, RenameConstraint
    from ..schema.naming import drizzle1_default_names

    back = {v: k for k, v in renamed_tables.items()}
    renamed = {(c.table, c.new): c.old for c in changes if isinstance(c, RenameConstraint)}
    dropped = {(c.table, x.name) for c in changes if isinstance(c, (DropForeignKey, DropIndex, DropUnique))
               for x in [c.fk if isinstance(c, DropForeignKey) else c.index if isinstance(c, DropIndex) else c.unique]}
    dropped |= _rebuilt_away(changes) if sqlite else set()

    def defaults(table: str, obj: Any) -> tuple[str, ...]:
        return drizzle1_default_names(table, obj, sqlite)

    def kept(table: Any, obj: Any) -> str | None:
        """The server name `obj` (of the new model's `table`) keeps: its old twin's."""
        schema, _, name = back.get(table.qualified, table.qualified).partition(".")
        prev = old.table(schema, name)
        if prev is None:
            return None
        twins = getattr(prev, _part_of(obj))
        if (table.key, obj.name) in renamed:  # the same object under a new name: kept if both are 1.x's defaults
            o = next((o for o in twins if o.real_name == renamed[(table.key, obj.name)]), None)
            return o.real_name if o is not None and o.name in defaults(prev.name, o) \
                and obj.name in defaults(table.name, obj) else None
        same = next((o for o in twins if o.name == obj.name), None)
        if same is not None or not sqlite:
            return same.server_name if same is not None and (table.key, obj.name) not in dropped else None
        # SQLite's diff drops and creates an index the rename only renamed, and lets a foreign key through: the
        # old twin of the same definition, both under 1.x's default names
        o = next((o for o in twins if _same_definition(o, obj, renamed_tables)), None)
        return o.real_name if o is not None and o.name in defaults(prev.name, o) \
            and obj.name in defaults(table.name, obj) else None

    tables, names = [], set()
    for t in new.tables:
        parts = {}
        for part in ("uniques", "foreign_keys", "indexes"):
            objs = tuple(replace(o, server_name=s) if (s := kept(t, o)) and s != o.name else o
                         for o in getattr(t, part))
            names.update({(t.key, o.real_name, o.name) for o in objs if o.server_name})
            parts[part] = objs
        tables.append(t.with_(**parts))
    kept_as = {(t, server) for t, server, _ in names}
    by_key = {t.key: t for t in tables}
    out = [replace(c, new=by_key[c.table]) if sqlite and _rebuild(c) and c.table in by_key else c for c in changes
           if not (isinstance(c, RenameConstraint) and (c.table, c.old, c.new) in names)
           and not (sqlite and _recreated(c, names, kept_as))]  # a SQLite rebuild makes the table's indexes by their kept names
    return out, new.with_(tables=tables) if names else new


def _part_of(obj: Any) -> str:
    return "foreign_keys" if hasattr(obj, "ref_table") else "indexes" if hasattr(obj, "method") else "uniques"


def _same_definition(o: Any, obj: Any, renamed_tables: dict[str, str]) -> bool:
    """`o` (the old model's) is `obj` under another name, a foreign key's referenced table renamed along."""
    from dataclasses import replace

    if hasattr(o, "ref_table"):
        ref = renamed_tables.get(f"{o.ref_schema}.{o.ref_table}", f"{o.ref_schema}.{o.ref_table}")
        o = replace(o, ref_table=ref.partition(".")[2])
    return bool(replace(o, name=obj.name) == obj)


def _recreated(c: Any, names: set[tuple[Any, str, str]], kept_as: set[tuple[Any, str]]) -> bool:
    """A DROP and CREATE of an index (SQLite's diff) that is the object keeping its name: neither is needed."""
    from ..schema.changes import CreateIndex, DropIndex

    if isinstance(c, CreateIndex):
        return any((c.table, c.index.name) == (t, name) for t, _, name in names)
    return isinstance(c, DropIndex) and (c.table, c.index.real_name) in kept_as


def _rebuild(c: Any) -> bool:
    """SQLite's RebuildTable (dialects/sqlite/rebuild.py; duck-typed: this layer imports no dialect)."""
    return hasattr(c, "parts") and isinstance(getattr(c, "old", None), Table) and isinstance(getattr(c, "new", None),
                                                                                               Table)


def _rebuilt_away(changes: list[Any]) -> set[tuple[Any, str]]:
    """The foreign keys, uniques and indexes a SQLite rebuild drops or changes (the new ones get new names)."""
    return {(c.table, o.name) for c in changes if _rebuild(c) for part in ("foreign_keys", "uniques", "indexes")
            for o in getattr(c.old, part) if o not in getattr(c.new, part)}

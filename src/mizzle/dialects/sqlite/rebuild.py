"""Which changes SQLite can make with ALTER TABLE, and which need the table rebuilt.

`sqlite_changes` post-processes the dialect-neutral diff for SQLite: every change SQLite cannot ALTER
(column type/default/nullability, keys, FKs and checks on an existing table, dropping a keyed column or one an
index the migration keeps holds, adding a column ADD COLUMN refuses, dropping or renaming a unique its CREATE TABLE may hold: Index.inline) is
folded into one `RebuildTable` per table, which carries
the whole old and new definitions; created tables get their FKs inline; index renames become drop+create.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from ...schema import changes as ch
from ...schema import object_changes as oc
from ...schema.model import Column, Index, Schema, Table
from ...schema.naming import mentions, unique_name
from ...schema.table_features import SetTableOptions
from .types import is_constant, on_the_key

_REBUILD_KINDS = (ch.AlterColumn, ch.SetPrimaryKey, ch.AddForeignKey, ch.DropForeignKey, ch.AddUnique,
                  ch.DropUnique, ch.AddCheck, ch.DropCheck, SetTableOptions)
_TABLE_LEVEL = (*_REBUILD_KINDS, ch.AddColumn, ch.DropColumn, ch.CreateIndex, ch.DropIndex, ch.RenameConstraint,
                ch.SetTableComment)


@dataclass(frozen=True)
class RebuildTable(ch.Change):
    """The 12-step procedure (https://sqlite.org/lang_altertable.html#otheralter): new table, copy rows,
    drop the old one, rename, re-create indexes. `old` is the table as it is before the rebuild (after any
    renames in the same migration), `new` as it ends up."""

    table: ch.TableKey
    old: Table
    new: Table
    parts: tuple[ch.Change, ...] = ()
    # (column, declared type before, after) of the columns whose declared type the CREATE TABLE changes where the
    # diff took the two for one type (a snapshot's `varchar(36)`, the code's `text`): `retyped` fills it in
    declared: tuple[tuple[str, str, str], ...] = ()

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return any(p.destructive for p in self.parts)

    def loses_data(self, keeps_values: Callable[[str, str], bool]) -> bool:
        return any(p.loses_data(keeps_values) for p in self.parts)

    def inverse(self) -> ch.Change:
        return RebuildTable(self.table, self.new, self.old, tuple(p.inverse() for p in reversed(self.parts)),
                            tuple((c, after, before) for c, before, after in self.declared))

    def describe(self) -> str:
        # a drop and an add of one constraint: one `~` line saying what differs (on delete no action → cascade),
        # as on PostgreSQL
        from ...schema.compare import describe_all
        from . import reader

        what = "; ".join([*describe_all(list(self.parts), reader),
                          *(f"~ column {self.table[1]}.{c}: declared type {before} → {after}"
                            for c, before, after in self.declared)]) or "definition changed"
        return f"~ table {self.table[1]} rebuilt (SQLite cannot ALTER this): {what}"

    def as_difference(self) -> list[ch.Change]:
        return [d for p in self.parts for d in p.as_difference()]


def retyped(changes: list[ch.Change], old: Schema) -> list[ch.Change]:
    """`changes` with each table rebuild's `declared` filled in from `old`, the latest snapshot as stored: a column
    whose type there differs from the one the rebuild's CREATE TABLE writes, where no part of the rebuild says so
    (the diff compared the snapshot in the code's spelling, types.code_forms: a pulled `varchar(36)` and the code's
    sa.Text are one type, so nothing else changes it — but a rebuild for another reason writes `text`). A column
    renamed, or of a table renamed, in the same migration is not paired. A column no part of the rebuild touches
    keeps `old`'s default text in the CREATE TABLE (`DEFAULT NULL`, `(current_timestamp)`, as drizzle-kit's SQL
    wrote them), where the code's canonical one (`null`, `CURRENT_TIMESTAMP`) says the same."""
    out: list[ch.Change] = []
    for c in changes:
        raw = old.table(*c.old.key) if isinstance(c, RebuildTable) else None
        if raw is None or not isinstance(c, RebuildTable):
            out.append(c)
            continue
        altered = [p for p in c.parts if isinstance(p, ch.AlterColumn)]
        told = {p.new.name for p in altered if p.old.type != p.new.type}
        touched = {n for p in altered for n in (p.old.name, p.new.name)}
        paired = [(col, was) for col in c.new.columns
                  if (was := raw.column(col.name)) is not None and c.old.column(col.name) is not None]
        declared = tuple((col.name, was.type, col.type) for col, was in paired
                         if col.name not in told and was.type != col.type)
        spelt = {col.name: was.default for col, was in paired if col.name not in touched
                 and None not in (was.default, col.default) and was.default != col.default}
        new = replace(c.new, columns=tuple(replace(col, default=spelt[col.name]) if col.name in spelt else col
                                           for col in c.new.columns)) if spelt else c.new
        out.append(replace(c, declared=declared, new=new) if declared or spelt else c)
    return out


def _folded_into_key(c: ch.Change, new: Schema) -> bool:
    """A unique index on exactly the primary key's columns, dropped from a table that keeps the key: a database
    drizzle-kit 1.x built never had it (types.on_the_key), and one that has it loses nothing by keeping it, so no
    DROP INDEX that would fail on the first."""
    if not isinstance(c, ch.DropIndex):
        return False
    t = new.table(*c.table)
    return t is not None and on_the_key(t, c.index) and all(i.name != c.index.name for i in t.indexes)


def sqlite_changes(changes: list[ch.Change], old: Schema, new: Schema) -> list[ch.Change]:
    """`old` is the previous model with this diff's renames applied; `new` the target model."""
    changes = [c for c in changes if not _folded_into_key(c, new)]
    changes, view_drops, view_makes = _split_views(changes)
    created = {c.table.key for c in changes if isinstance(c, ch.CreateTable)}
    dropped = {c.table.key for c in changes if isinstance(c, ch.DropTable)}
    rebuild = _tables_to_rebuild(changes, old, new, created | dropped)
    early: list[ch.Change] = []
    creates: list[ch.Change] = []
    adds: list[ch.Change] = []
    indexes: list[ch.Change] = []
    parts: dict[ch.TableKey, list[ch.Change]] = {k: [] for k in rebuild}
    for c in changes:
        key = _key(c)
        if key in rebuild:
            parts[key].append(c)  # type: ignore[index]
        elif isinstance(c, ch.CreateTable):
            full = new.table(*c.table.key)
            creates.append(ch.CreateTable(replace(full or c.table, indexes=())))
            creates.extend(ch.CreateIndex(c.table.key, i) for i in (full.indexes if full else ()))
        elif key in created and isinstance(c, (ch.AddForeignKey, ch.CreateIndex)):
            continue  # inline in (or right after) its CREATE TABLE
        elif key in dropped and isinstance(c, (ch.DropForeignKey, ch.DropIndex, ch.DropUnique, ch.DropCheck)):
            continue  # gone with the table
        elif isinstance(c, ch.RenameConstraint):
            ot, nt = old.table(*c.table), new.table(*c.table)
            o_ix = next((i for i in ot.indexes if i.name == c.old), None) if ot else None
            n_ix = next((i for i in nt.indexes if i.name == c.new), None) if nt else None
            if c.index and o_ix is not None and n_ix is not None and not derived_rename(c, o_ix, nt):
                early.append(ch.DropIndex(c.table, o_ix))
                indexes.append(ch.CreateIndex(c.table, n_ix))
            # a foreign key's name is not stored by SQLite: a rename changes only the snapshot
        elif isinstance(c, ch.SetTableComment):
            continue  # SQLite has no comments
        elif isinstance(c, ch.AddColumn):
            adds.append(c)
        elif isinstance(c, ch.CreateIndex):
            indexes.append(c)
        else:
            early.append(c)
    rebuilds: list[ch.Change] = []
    for key in _parents_first(sorted(rebuild), old, new):
        ot, nt = old.table(*key), new.table(*key)
        assert ot is not None and nt is not None
        # the index changes too: the rebuild re-creates the new table's indexes from `nt`, and its line names them
        rebuilds.append(RebuildTable(key, ot, nt, tuple(parts[key])))
    made = created | {c.new for c in changes if isinstance(c, ch.RenameTable)}
    early, late = _drops_after_rebuilds(_children_first(early), rebuild, old, made)
    cycled = views_over(rebuild, view_drops, old, new)
    trig = triggers_over(rebuild, {c.obj.key for c in cycled[0] if isinstance(c, oc.DropObject)}, view_drops, old,
                         new)
    keys, indexes = _referenced_keys_first(indexes, rebuild, old, new)
    return [*trig[0], *cycled[0], *view_drops, *early, *creates, *adds, *keys, *rebuilds, *late, *indexes,
            *view_makes, *cycled[1], *trig[1]]


def _referenced_keys_first(indexes: list[ch.Change], rebuild: set[ch.TableKey], old: Schema, new: Schema
                           ) -> tuple[list[ch.Change], list[ch.Change]]:
    """The unique indexes made on tables not rebuilt that a rebuilt table's new foreign key references (made before
    the rebuilds), and the other index changes (after them). Under a migrator that keeps foreign keys on
    (drizzle-orm's), `INSERT INTO __new_child` fails with 'foreign key mismatch' while the parent lacks the key
    (JupyterHub 1.5 → 6.1: oauth_clients' unique on identifier renamed uq_oauth_clients_identifier, its old index
    dropped first and the new one made after the last rebuild, so copying api_tokens failed). Not one whose name a
    rebuilt table's old definition still holds (SQLite's index names are the database's): that one waits."""
    refs = {(f.ref_schema, f.ref_table, frozenset(f.ref_columns)) for key in rebuild
            if (t := new.table(*key)) is not None for f in t.foreign_keys}
    held = {ix.real_name for key in rebuild if (t := old.table(*key)) is not None for ix in t.indexes}
    first: list[ch.Change] = [
        c for c in indexes if isinstance(c, ch.CreateIndex) and c.table not in rebuild and c.index.unique
        and not c.index.where and (*c.table, frozenset(c.index.column_names)) in refs
        and c.index.real_name not in held]
    return first, [c for c in indexes if all(c is not f for f in first)]


def _drops_after_rebuilds(early: list[ch.Change], rebuild: set[ch.TableKey], old: Schema, made: set[ch.TableKey]
                          ) -> tuple[list[ch.Change], list[ch.Change]]:
    """`early` without the DROP TABLEs of tables a rebuilt table's old definition references, and those: dropped
    after the rebuilds. Under a migrator that keeps foreign keys on (drizzle-orm's), a rebuild's `DROP TABLE` of
    another table deletes its rows and follows the keys reaching it, and one of them, still the old table's, named
    the table dropped before: 'no such table: main.alert' (reverting Airflow 3.3.2 → 3.1.8: alert dropped, deadline
    rebuilt without its key to it, run rebuilt). Not one whose name a table made or renamed in this migration takes
    (`made`): that one must be gone first."""
    referenced = {(f.ref_schema, f.ref_table) for key in rebuild if (t := old.table(*key)) is not None
                  for f in t.foreign_keys}
    late: list[ch.Change] = [c for c in early if isinstance(c, ch.DropTable) and c.table.key in referenced
                             and c.table.key not in made]
    return [c for c in early if c not in late], late


def _children_first(early: list[ch.Change]) -> list[ch.Change]:
    """`early` with its DROP TABLEs (in their places) reordered so that a table referencing another dropped in
    this migration goes first. Under a migrator that keeps foreign keys on (drizzle-orm's), a `DROP TABLE` deletes
    the table's rows and follows the keys reaching it; one of them, of a table still there, named a table dropped
    before: 'no such table: main.deployment' (reverting langflow 1.13 → 0.5: deployment, flow_version and
    flow_version_deployment_attachment, which references both, dropped in name order). In a cycle, the name order."""
    slots = [i for i, c in enumerate(early) if isinstance(c, ch.DropTable)]
    pending = [c for c in early if isinstance(c, ch.DropTable)]
    ordered: list[ch.Change] = []
    while pending:
        ready = next((c for c in pending if not any(o is not c and (f.ref_schema, f.ref_table) == c.table.key
                                                    for o in pending for f in o.table.foreign_keys)), pending[0])
        pending.remove(ready)
        ordered.append(ready)
    out = list(early)
    for i, c in zip(slots, ordered, strict=True):
        out[i] = c
    return out


def _parents_first(keys: list[ch.TableKey], old: Schema, new: Schema) -> list[ch.TableKey]:
    """`keys` (rebuilt tables, by name), each table before a rebuilt table whose new foreign key references a key
    it has only once rebuilt: under a migrator that keeps foreign keys on (drizzle-orm's), `INSERT INTO __new_child`
    fails with 'foreign key mismatch' while the parent lacks the key (reverting Airflow 3.3.2 → 3.1.8: connection's
    key to team.id, which team's own rebuild gives back). Otherwise, and in a cycle, the name order."""
    pending, out = list(keys), []
    while pending:
        ready = next((k for k in pending if not _waits_for_a_key(new.table(*k), old, pending, k)), pending[0])
        pending.remove(ready)
        out.append(ready)
    return out


def _waits_for_a_key(table: Table | None, old: Schema, keys: list[ch.TableKey], own: ch.TableKey) -> bool:
    """Whether `table` references, in another of `keys`, columns that table's old definition holds no key on."""
    for f in table.foreign_keys if table is not None else ():
        ref = (f.ref_schema, f.ref_table)
        parent = old.table(*ref)
        if ref in keys and ref != own and (parent is None or not _has_key(parent, set(f.ref_columns))):
            return True
    return False


def _has_key(t: Table, cols: set[str]) -> bool:
    pk = t.primary_key is not None and set(t.primary_key.columns) == cols
    return pk or any(ix.unique and not ix.where and set(ix.column_names) == cols for ix in t.indexes)


def derived_rename(c: ch.RenameConstraint, ix: Index, table: Table | None) -> bool:
    """A UNIQUE of the CREATE TABLE (Index.inline) left unnamed, whose name follows its table's (a table rename):
    SQLite keeps no name for it (its automatic index is `sqlite_autoindex_<table>_N`), so there is nothing to do;
    a DROP INDEX would fail, and drizzle-kit 1.x keeps the `<old>_…` name."""
    cols = ix.column_names
    return ix.inline and table is not None and c.old.endswith("_" + "_".join(cols) + "_unique") \
        and c.new == unique_name(table.name, cols, cut=False)


def _tables_to_rebuild(changes: list[ch.Change], old: Schema, new: Schema, skip: set[ch.TableKey]
                       ) -> set[ch.TableKey]:
    """The tables a change of which SQLite cannot ALTER (`skip`: those created or dropped)."""
    rebuild: set[ch.TableKey] = set()
    gone = _indexes_dropped(changes)
    for c in changes:
        key = _key(c)
        if key is None or key in skip:
            continue
        ot, nt = old.table(*key), new.table(*key)
        if ot is None or nt is None:
            continue
        if isinstance(c, _REBUILD_KINDS):
            rebuild.add(key)
        elif isinstance(c, ch.AddColumn) and not can_add_column(c.column, nt):
            rebuild.add(key)
        elif isinstance(c, ch.DropColumn) and not can_drop_column(c.column.name, _without(ot, gone.get(key, set()))):
            rebuild.add(key)
        elif isinstance(c, ch.RenameConstraint) and not c.index and any(k.name == c.old for k in ot.checks):
            rebuild.add(key)  # a check's name is part of the CREATE TABLE text
        elif isinstance(c, ch.DropIndex) and c.index.inline or isinstance(c, ch.RenameConstraint) and c.index \
                and any(i.inline and i.name == c.old and not derived_rename(c, i, nt) for i in ot.indexes):
            rebuild.add(key)  # a UNIQUE of the table's CREATE TABLE (Index.inline): DROP INDEX cannot drop it
    return rebuild


def _indexes_dropped(changes: list[ch.Change]) -> dict[ch.TableKey, set[str]]:
    """The names of the indexes (not a UNIQUE of the CREATE TABLE: Index.inline) each table's DROP INDEX drops."""
    out: dict[ch.TableKey, set[str]] = {}
    for c in changes:
        if isinstance(c, ch.DropIndex) and not c.index.inline:
            out.setdefault(c.table, set()).add(c.index.name)
    return out


def _without(t: Table, indexes: set[str]) -> Table:
    """`t` without the indexes named `indexes`."""
    return replace(t, indexes=tuple(i for i in t.indexes if i.name not in indexes)) if indexes else t


def _split_views(changes: list[ch.Change]) -> tuple[list[ch.Change], list[ch.Change], list[ch.Change]]:
    """(the table changes, the views dropped, the views made — after the tables they read from are made or
    rebuilt). SQLite can neither replace nor rename a view: it is dropped and made again."""
    rest: list[ch.Change] = []
    drops: list[ch.Change] = []
    makes: list[ch.Change] = []
    for c in changes:
        if isinstance(c, (oc.ReplaceObject, oc.RenameObject)):
            drops.append(oc.DropObject(c.old))
            makes.append(oc.CreateObject(c.new))
        elif isinstance(c, oc.DropObject):
            drops.append(c)
        elif isinstance(c, oc.CreateObject):
            makes.append(c)
        else:
            rest.append(c)
    return rest, drops, makes


def views_over(rebuilt: set[ch.TableKey], changes: list[ch.Change], old: Schema, new: Schema
               ) -> tuple[list[ch.Change], list[ch.Change]]:
    """SQLite's ALTER TABLE … RENAME, the last step of a rebuild, fails while a view reads from a table that is
    not there ("error in view v: no such table"): the views over a rebuilt table (and the views over those) that
    this diff does not already drop are dropped before and made again after."""
    from ..postgres.view_deps import relations

    if not rebuilt or not old.objects.views:
        return [], []
    handled = {c.obj.key for c in changes if isinstance(c, oc.DropObject)}
    gone: set[tuple[str, ...]] = set(rebuilt)
    cycled: list[tuple[str, ...]] = []
    changed = True
    while changed:
        changed = False
        for v in old.objects.views:
            if v.key not in handled and v.key not in cycled and relations(v.definition, v.schema) & gone:
                cycled.append(v.key)
                gone.add(v.key)
                changed = True
    olds = {v.key: v for v in old.objects.views}
    news = {v.key: v for v in new.objects.views}
    drops: list[ch.Change] = [oc.DropObject(olds[k]) for k in reversed(cycled)]
    makes: list[ch.Change] = [oc.CreateObject(news[k]) for k in cycled if k in news]
    return drops, makes


def triggers_over(rebuilt: set[ch.TableKey], views: set[tuple[str, ...]], changes: list[ch.Change], old: Schema,
                  new: Schema) -> tuple[list[ch.Change], list[ch.Change]]:
    """The RENAME fails too while another table's trigger reads a rebuilt table in its body or WHEN ("error in
    trigger fkc_comments_insert: no such table: main.books": calibre's metadata.db, whose books a rebuild could
    not make again), or a view `views_over` drops: those triggers are dropped before and made again after, so the
    file runs under any migrator. So are the triggers of those views (an INSTEAD OF trigger goes with its DROP
    VIEW, and was never made again). So are a rebuilt table's own triggers, which would go with its DROP TABLE
    (calibre's books_insert_trg, lost under drizzle-orm's migrator; mizzle's runner makes again those a folder
    drizzle-kit wrote leaves out); those this diff drops are its own."""
    if not rebuilt or not old.objects.triggers:
        return [], []
    handled = {c.obj.key for c in changes if isinstance(c, oc.DropObject)}
    names = {k[1].lower() for k in rebuilt} | {k[-1].lower() for k in views}
    cycled = [t for t in old.objects.triggers
              if t.key not in handled
              and (t.table.lower() in names or any(mentions(f"{t.body or ''} {t.when or ''}".lower(), n)
                                                   for n in names))]
    news = {t.key: t for t in new.objects.triggers}
    return ([oc.DropObject(t) for t in cycled],
            [oc.CreateObject(news[t.key]) for t in cycled if t.key in news])


def _key(c: ch.Change) -> ch.TableKey | None:
    if isinstance(c, _TABLE_LEVEL):
        return c.table  # type: ignore[attr-defined,no-any-return]
    return None


def can_add_column(c: Column, table: Table) -> bool:
    """ALTER TABLE ADD COLUMN's rules: no PRIMARY KEY/UNIQUE, a constant default, NOT NULL only with a
    non-NULL default, no generated STORED column (a VIRTUAL one may be added)."""
    if table.primary_key and c.name in table.primary_key.columns:
        return False
    if (c.generated is not None and not c.generated_virtual) or c.identity is not None:
        return False
    if not is_constant(c.default):
        return False
    return not (c.not_null and (c.default is None or c.default.lower() == "null"))


def can_drop_column(name: str, table: Table) -> bool:
    """DROP COLUMN natively only for a column no key, FK, index, check or generated column uses (`table`: without
    the indexes the migration drops before, as drizzle-kit drops an indexed column: DROP INDEX, then DROP COLUMN)."""
    if table.primary_key and name in table.primary_key.columns:
        return False
    if any(name in f.columns for f in table.foreign_keys):
        return False
    word = re.compile(r'(?<![\w$])["`\[]?' + re.escape(name) + r'["`\]]?(?![\w$])')
    for ix in table.indexes:
        if any(word.search(c.expression) for c in ix.columns) or (ix.where and word.search(ix.where)):
            return False
    if any(word.search(k.expression) for k in table.checks):
        return False
    return not any(c.generated and word.search(c.generated) for c in table.columns if c.name != name)


def not_null_without_default(changes: list[ch.Change]) -> list[str]:
    """A line for each NOT NULL column without a default that a table rebuild adds: the rebuild's `INSERT INTO
    __new_t (…) SELECT …` gives it no value, so the migration fails as soon as the table holds a row (PostgreSQL's
    lint: MZ201); and for each that becomes NOT NULL without one: the copy fails on a row holding NULL in it
    (MZ202). A generated column and the rowid key (SQLite fills it in) have values of their own."""
    from .source import rowid_alias

    out = []
    for c in changes:
        if not isinstance(c, RebuildTable):
            continue
        pk = c.new.primary_key
        rowid = pk.columns[0] if pk is not None and not c.new.without_rowid \
            and rowid_alias(pk.columns, c.new.columns) else None
        for p in c.parts:
            if isinstance(p, ch.AlterColumn) and not p.old.not_null and _no_value(p.new, rowid):
                out.append(f"column {ch.table_label(c.table)}.{p.new.name} becomes NOT NULL without a default: the "
                           "migration fails if a row holds NULL in it (its rebuild copies the NULLs into the NOT NULL "
                           "column); backfill it first (UPDATE … WHERE it IS NULL, in an earlier migration), or give "
                           "it a server_default (the copy then fills the NULLs with it)")
            if isinstance(p, ch.AddColumn) and _no_value(p.column, rowid):
                out.append(f"column {ch.table_label(c.table)}.{p.column.name} is added NOT NULL without a default: "
                           "the migration fails on a table that holds rows (its rebuild copies no value into the "
                           "column); give it a server_default, or add it nullable, backfill it, then make it NOT NULL "
                           "in a later migration")
    return out


def options_on_rows(changes: list[ch.Change]) -> list[str]:
    """A line for each table rebuild that makes its table STRICT (the copy fails on a value its column's type does
    not take: 'cannot store TEXT value in INTEGER column') or WITHOUT ROWID where its INTEGER key was the rowid (an
    INSERT without the key no longer gets one: 'NOT NULL constraint failed')."""
    from .source import rowid_alias

    out = []
    for c in changes:
        if not isinstance(c, RebuildTable):
            continue
        label = ch.table_label(c.table)
        if c.new.strict and not c.old.strict:
            out.append(f"table {label} becomes STRICT: its rebuild's copy fails on a row holding a value its column's "
                       "type does not take ('cannot store TEXT value in INTEGER column'; SQLite converts only what it "
                       "can: '7' into an INTEGER column); clean such values first")
        pk = c.old.primary_key
        if c.new.without_rowid and not c.old.without_rowid and pk is not None and rowid_alias(pk.columns,
                                                                                                c.old.columns):
            out.append(f"table {label} becomes WITHOUT ROWID: its key {pk.columns[0]} is no longer the rowid, so an "
                       "INSERT that leaves it out fails (NOT NULL constraint failed) instead of being given one")
    return out


def _no_value(col: Column, rowid: str | None) -> bool:
    """A NOT NULL column the rebuild's copy may give no value: no default, not generated, not the rowid key."""
    return col.not_null and col.generated is None and col.name != rowid and (col.default or "null").lower() == "null"


_UNDER_KEYS_ON = {"cascade": "deletes the rows of {t} that reference it", "set null": "sets {c} to NULL",
                  "set default": "sets {c} to its default"}


def rebuilt_parents(changes: list[ch.Change], old: Schema) -> list[str]:
    """A line for each table rebuild whose table other tables reference (in the database before the migration), or
    the table itself (a self-reference, which the rows copied into `__new_t` hold by the time t is dropped):
    mizzle's runner applies it with foreign keys off, but drizzle-orm's migrator runs the file in one transaction
    with foreign keys as its connection has them (better-sqlite3: on), where the `PRAGMA foreign_keys=OFF` is a
    no-op, so the rebuild's `DROP TABLE t` deletes t's rows first and SQLite acts on every key reaching them: it
    fails on a row referencing t (NO ACTION, RESTRICT), deletes the referencing rows (CASCADE) or changes them
    (SET NULL, SET DEFAULT)."""
    out = []
    for c in changes:
        if not isinstance(c, RebuildTable):
            continue
        name = c.old.name
        # the other tables' keys to it, and its own (a self-reference), which the copy's rows hold by then
        keys = [(t.name, fk) for t in old.tables if t.name != name for fk in t.foreign_keys] + \
            [(f"__new_{c.new.name}", fk) for fk in c.new.foreign_keys]
        fails, acts = [], []
        for child, fk in keys:
            if fk.ref_table != name:
                continue
            cols = ", ".join(f"{child}.{col}" for col in fk.columns)
            effect = _UNDER_KEYS_ON.get(fk.on_delete)
            (acts.append(effect.format(t=child, c=cols)) if effect else fails.append(cols))
        if not fails and not acts:
            continue
        # a key repeated (Bazarr's: named and unnamed) or a table with two keys to it (Pagure's issue_to_issue:
        # parent and child): each effect said once
        fails, acts = list(dict.fromkeys(fails)), list(dict.fromkeys(acts))
        what = ([f"fails on any row {' or '.join(fails)} points to (FOREIGN KEY constraint failed)"] if fails
                else []) + acts
        out.append(f"table {name} is rebuilt, and foreign keys reference it: `mizzle migrate` keeps their rows "
                   "(foreign keys off), but under drizzle-orm's migrator (one transaction, foreign keys on: the "
                   f"file's PRAGMA foreign_keys=OFF does nothing there) its DROP TABLE `{name}` "
                   f"{' and '.join(what)}; apply it with `mizzle migrate`, or with foreign keys off on that "
                   "connection")
    return out


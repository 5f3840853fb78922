"""`revert TAG`: a new forward migration undoing TAG, computed from the snapshots before and after it."""

from __future__ import annotations

from typing import Any

from .. import dialects
from ..config import Config
from ..errors import IntegrityError, UsageError
from ..migrations.authored import AuthoredTexts
from ..migrations.folder import Migration, MigrationFolder, find_migration
from ..migrations.snapshots import meta_of, schema_from_snapshot, snapshot_from_schema
from ..planning.plan import plan, render_file
from ..schema.compare import canonical, for_generate, for_revert
from ..schema.composite_use import refuse_converting_composite_arrays, refuse_rebuilding_types_in_use
from ..schema.diff import Renames, diff
from ..schema.merge import merge
from ..schema.model import Schema, Table, make_schema
from ..schema.naming import implicit_pkey_name
from .generate import GenerateResult, all_sql, previous_schema


def _spell(dotted: str) -> str:
    parts = [p.strip('"') for p in dotted.split('"."')]
    return ".".join(parts[1:] if parts[0] == "public" else parts)


def _inverse_renames(snapshot: dict[str, Any]) -> dict[str, str]:
    """The renames TAG recorded in its snapshot's _meta, inverted (new spelling → old spelling)."""
    meta = snapshot.get("_meta") or {}
    out = {}
    for section in ("schemas", "tables"):
        for old, new in (meta.get(section) or {}).items():
            out[_spell(new)] = _spell(old)
    back = dict(out)  # the tables (and schemas) renamed back
    for old, new in (meta.get("columns") or {}).items():
        # the forward rename spells a column by its table's new name; undone, the table is renamed back first,
        # so the column is spelled by the table's old name (a table and its column renamed at once: cosmo, fpx)
        table, _, column = _spell(new).rpartition(".")
        table_back = back.get(table, table)
        out[f"{table_back}.{column}" if table_back else column] = f"{table_back}.{_spell(old).rpartition('.')[2]}"
    return out


def revert(config: Config, tag: str, renames: dict[str, str] | None = None, no_renames: bool = False,
           name: str | None = None) -> tuple[GenerateResult, list[str]]:
    """Write a migration undoing `tag`. Returns the result and the warnings: the changes that drop data, and those
    that fail on a table holding rows where lint does not say so (SQLite's rebuild re-adding a NOT NULL column).

    TAG's changes are the difference between the snapshots before and after it; their inverse is applied on top
    of the latest snapshot (a three-way merge), so an older TAG can be reverted under later migrations as long
    as none of them changed the same objects (IntegrityError, exit 3, naming them, otherwise). The renames TAG's
    snapshot records or its SQL states are undone as renames, every other drop + add as the drop and add it was;
    `renames` declares more. `no_renames` is what every revert does now, accepted for the callers that pass it."""
    folder = MigrationFolder(config.out_dir, config.dialect)
    migrations = folder.migrations()
    if not migrations:
        raise UsageError(f"the migrations folder {folder.path} is empty: nothing to revert")
    target = find_migration(migrations, tag)
    side = folder.read_sidecar()
    after_snap = _snapshot(folder, target)
    after = schema_from_snapshot(after_snap, side, source=str(target.snapshot_path))
    idx = migrations.index(target)
    before: Schema = make_schema(config.dialect)
    if idx > 0:
        prev = migrations[idx - 1]
        before = schema_from_snapshot(_snapshot(folder, prev), side, source=str(prev.snapshot_path))
    before = _versions_left_as_they_were(_declarations_tracked(before, after), after)
    latest, prev_id = previous_schema(folder, config.dialect)
    later = migrations[idx + 1:]
    target_schema = _merged(target, later, after, latest, before) if later else before
    stated = _stated(config, target)
    latest = _keys_left_named(latest, stated)
    explicit = {**_inverse_renames(after_snap), **_inverse_renames({"_meta": meta_of(
        stated.renamed_columns, stated.renamed_schemas, stated.renamed_tables)}), **_sequences_back(stated),
        **(renames or {})}
    # TAG says what it did: the renames its snapshot records or its SQL states are undone as renames, and every
    # other drop + add pair is what TAG wrote, a drop and an add, never a question (--rename still says otherwise)
    # both sides in the form the server stores, as generate compares them: a fact two snapshots spell apart (bigint's
    # maximum written as a float, 9223372036854776000 in one and 9223372036854775000 in the next: lmnr's) is no change
    own = diff(*for_generate(before, after), Renames(explicit=explicit, none=True))
    changeset = diff(*for_revert(latest, target_schema, _rewritten(own.changes)), Renames(explicit=explicit, none=True))
    result = GenerateResult(changes=[c.describe() for c in changeset], previous=latest)
    if not changeset:
        what = "has nothing left to undo (later migrations already undid it)" if own else \
            "changed nothing in the schema (a custom migration?)"
        raise UsageError(f"{target.tag} {what}: write its undo by hand with `mizzle generate --custom`")
    refuse_rebuilding_types_in_use(latest, changeset.changes)
    refuse_converting_composite_arrays(latest, target_schema, changeset.changes)
    statements = plan(changeset.changes, config.dialect)
    result.statements = [s.sql for s in statements]
    result.sql = render_file(statements, header=[f"-- mizzle: reverts {target.tag}"])
    snap, side_entry = snapshot_from_schema(target_schema, prev_id=prev_id)
    snap = _kept_defaults(folder, snap, migrations[idx - 1] if idx else None)
    dialect = dialects.get(config.dialect)
    losses = dialect.rebuild_losses(changeset.changes, lambda: all_sql(folder))  # the folder before this file
    m = folder.add_migration(name or f"revert_{target.tag.split('_', 1)[-1]}", result.sql, snap,
                             prefix=config.prefix, sidecar_entry=side_entry)
    result.tag, result.sql_path = m.tag, m.sql_path
    warnings = [f"data loss: {c.describe()}" for c in changeset if c.loses_data(dialect.keeps_values)]
    # what fails as soon as a table holds a row, where lint does not say so (as generate warns)
    return result, warnings + dialect.fails_on_rows(changeset.changes) + dialect.migrator_hazards(
        changeset.changes, latest) + losses + _left_as_made(target, after, m.file)


def _left_as_made(target: Migration, after: Schema, file: str) -> list[str]:
    """The functions, procedures, triggers, domains and composite types TAG's SQL made by hand that its snapshot
    does not record (drizzle-kit's has no field for them): the revert cannot undo them, and one reading what it
    drops fails when it next runs (rocicorp/mono's zbugs: a trigger setting the column the revert drops)."""
    from ..migrations.folder_objects import made_by_migration

    kept = {(o.kind, o.name.lower()) for o in after.objects.all()}
    left = sorted((k, n) for k, n in made_by_migration(target.text)
                  if k in ("function", "trigger", "domain", "composite type") and (k, n.lower()) not in kept)
    if not left:
        return []
    return [f"{target.tag}'s SQL also made {', '.join(f'{k} {n}' for k, n in left)}, which its snapshot does not "
            f"record: the revert leaves {'it' if len(left) == 1 else 'them'} as {target.tag} did; undo by hand in "
            f"{file} what must go (one reading what the revert drops fails when it next runs)"]


def _rewritten(changes: list[Any]) -> set[tuple[str, str]]:
    """The tables `changes` write whole (SQLite's rebuild: a change holding the table as it ends up)."""
    return {c.table for c in changes if isinstance(getattr(c, "new", None), Table)}


def _merged(target: Migration, later: list[Migration], after: Schema, latest: Schema, before: Schema) -> Schema:
    """The latest schema minus TAG's changes (a three-way merge), or IntegrityError naming what a later migration
    changed too. The snapshots are merged in the server's forms: a fact TAG's or a later snapshot only spells
    otherwise (lmnr's pulled snapshots: bigint's maximum as a float, an index column given its neighbour's
    operator class) is no change of it; each table the merge took whole from one side keeps that side's spelling."""
    c_after, c_latest, c_before = canonical(after), canonical(latest), canonical(before)
    merged = merge(c_after, c_latest, c_before, same_change_conflicts=False)
    if merged.conflicts:
        raise IntegrityError(
            f"cannot revert {target.tag}: later migrations ({_names(later)}) changed the same object(s): "
            f"{'; '.join(merged.conflicts[:5])}" + (f" (and {len(merged.conflicts) - 5} more)"
                                                    if len(merged.conflicts) > 5 else ""),
            "Revert the later migrations first (newest first), or write the undo by hand with "
            "`mizzle generate --custom`.")
    spelled = []
    for t in merged.schema.tables:
        raw = next((s.table(*t.key) for c, s in ((c_latest, latest), (c_before, before)) if c.table(*t.key) == t),
                   None)
        spelled.append(raw or t)
    return merged.schema.with_(tables=tuple(spelled))


def _declarations_tracked(before: Schema, after: Schema) -> Schema:
    """`before` tracking extensions and grants, none, where it tracks none and `after` does: the code declared none
    before TAG (its snapshot has no field for them) and generate wrote `CREATE EXTENSION` / `GRANT` for each one
    TAG's code declares, so undoing TAG drops or revokes them (Temporal's btree_gin), as generate does when the
    declaration goes."""
    from dataclasses import replace

    sec = before.security
    kinds = {k: () for k in ("extensions", "grants") if getattr(sec, k) is None and getattr(after.security, k) is not None}
    return replace(before, security=replace(sec, **kinds)) if kinds else before


def _versions_left_as_they_were(before: Schema, after: Schema) -> Schema:
    """`before` with no version for an extension `after` gives none: a version left out is not compared, so TAG did
    not change it (a pulled baseline records the server's, btree_gist 1.7, and the module pull writes declares none:
    Boundary's), and its undo leaves it alone instead of writing `ALTER EXTENSION … UPDATE TO` back to it."""
    from dataclasses import replace

    exts, unpinned = before.security.extensions, {e.name for e in after.security.extensions or () if e.version is None}
    if not exts or not unpinned:
        return before
    kept = tuple(replace(e, version=None) if e.name in unpinned else e for e in exts)
    return replace(before, security=replace(before.security, extensions=kept))


def _sequences_back(stated: AuthoredTexts) -> dict[str, str]:
    """The sequences TAG's SQL renames (ALTER SEQUENCE … RENAME TO), inverted as --rename flags spell them: a
    snapshot's `_meta` has no field for them, and undone as a drop and an add they would start over."""
    def spell(dotted: str) -> str:
        schema, name = dotted.split(".", 1)
        return name if schema == "public" else dotted
    return {spell(new): spell(old) for old, new in stated.renamed_sequences.items()}


def _stated(config: Config, m: Migration) -> AuthoredTexts:
    """What TAG's SQL states, its renames (ALTER … RENAME) above all: read as `check --rebuild-snapshots` reads
    them, for a folder whose snapshots leave them out (drizzle-kit 0.31's `_meta` is always empty)."""
    texts = AuthoredTexts()
    dialects.get(config.dialect).authored_sql.read(m.sql_path.read_text(encoding="utf-8"), texts)
    return texts


def _keys_left_named(latest: Schema, stated: AuthoredTexts) -> Schema:
    """`latest` with the unnamed primary key of each table TAG's SQL renamed, but not its key, under the name it
    kept: drizzle-kit renames a table alone, so the key is still `<old>_pkey` (dokploy's 0147: session_temp renamed
    session, its key session_temp_pkey), and renaming the table back gives it its name again without a word."""
    from dataclasses import replace

    tables = []
    for t in latest.tables:
        old = next((o for o, n in stated.renamed_tables.items() if n == f"{t.schema}.{t.name}"), None)
        pk = t.primary_key
        if old is not None and pk is not None and pk.name is None and pk.server_name is None:
            kept = implicit_pkey_name(old.split(".", 1)[1])
            if f"{t.schema}.{t.name}.{kept}" not in stated.renamed_constraints \
                    and f"{old}.{kept}" not in stated.renamed_constraints:
                t = t.with_(primary_key=replace(pk, server_name=kept))
        elif pk is not None and pk.name is None and pk.server_name is None and any(
                k.rsplit(".", 1)[0] == f"{t.schema}.{t.name}" and n == implicit_pkey_name(t.name)
                for k, n in stated.renamed_constraints.items()):
            # TAG's SQL renamed the key to `<table>_pkey` (Open WebUI's prompt_new_pkey, the key of the table its
            # Alembic history made as prompt_new, to the models' unnamed prompt_pkey): that is its name now, which
            # the revert renames back, rather than take the older `<name>_pkey` for the name an unnamed key may keep
            t = t.with_(primary_key=replace(pk, server_name=implicit_pkey_name(t.name)))
        tables.append(t)
    return latest.with_(tables=tuple(tables))


def _kept_defaults(folder: MigrationFolder, snap: dict[str, Any], before: Migration | None) -> dict[str, Any]:
    """`snap` with each default the latest snapshot, else the one before TAG (`before`), spells as the same SQL
    text in another JSON type in theirs ("0" for drizzle-kit's sql`0`, not 0: kept_spellings.kept_defaults)."""
    if folder.uses_folders:
        return snap
    from ..migrations.kept_spellings import kept_defaults

    snap = kept_defaults(snap, folder.latest_snapshot())
    return kept_defaults(snap, folder.read_snapshot(before)) if before is not None else snap


def _snapshot(folder: MigrationFolder, m: Migration) -> dict[str, Any]:
    snap = folder.read_snapshot(m)
    if snap is None:
        raise IntegrityError(f"{m.snapshot_path}: snapshot of {m.tag} is missing",
                             "Run `mizzle check --rebuild-snapshots` to regenerate it.")
    return snap


def _names(later: list[Migration]) -> str:
    tags = [m.tag for m in later]
    return ", ".join(tags) if len(tags) <= 3 else f"{tags[0]} … {tags[-1]}"

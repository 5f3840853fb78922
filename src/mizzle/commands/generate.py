"""`generate` and `export`: schema code + last snapshot → a new migration (SQL, snapshot, journal entry)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import collector, dialects
from ..config import Config
from ..errors import IntegrityError, UsageError
from ..migrations.folder import MigrationFolder
from ..sources.cache import ModelCache

if TYPE_CHECKING:
    from ..dialects.base import Dialect
    from ..planning.plan import PlannedStatement
    from ..schema import changes as ch
    from ..schema.diff import Prompt
    from ..schema.model import Schema

# the schema model, the snapshot codec, diff and planning are imported where used: `generate --check` answered
# from the model cache (sources/cache.py) needs none of them, and importing them is most of its time (~0.08 s;
# the model's ~40 dataclasses alone ~15 ms)

CUSTOM_HEADER = "-- Custom SQL migration file, put your code below! --"


@dataclass
class GenerateResult:
    tag: str | None = None
    sql_path: Path | None = None
    changes: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    sql: str = ""
    online: bool = False  # written with the online rewrites (PostgreSQL; a no-op on SQLite)
    # the schema before this migration (its latest snapshot): linting the file written needs it too
    previous: Schema | None = field(default=None, repr=False, compare=False)
    warnings: list[str] = field(default_factory=list)  # e.g. a snapshot's view reading a column this drops

    @property
    def written(self) -> bool:
        return self.tag is not None

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "path": str(self.sql_path) if self.sql_path else None, "changes": self.changes,
                "statements": len(self.statements), "written": self.written, "online": self.online,
                "warnings": self.warnings}


def parse_rename_flags(flags: tuple[str, ...] | list[str]) -> dict[str, str]:
    """OLD → NEW of the --rename flags. One old name given two new ones (or two old names one new one) is refused:
    kept by old name, the first flag was dropped without a word (Endurain's `notifications.message`, replaced by
    `type` and `options`: both candidate flags passed, `message` renamed to `type` and nothing said of `options`)."""
    out: dict[str, str] = {}
    for f in flags:
        if "=" not in f or not f.split("=", 1)[0].strip() or not f.split("=", 1)[1].strip():
            raise UsageError(f"--rename expects OLD=NEW (e.g. users.name=users.full_name), got {f!r}")
        old, new = (x.strip() for x in f.split("=", 1))
        if out.get(old, new) != new:
            raise UsageError(f"--rename {old}={out[old]} and --rename {old}={new}: {old} can be renamed to one name; "
                             "pass one of them (the other new name is then added)")
        twin = next((o for o, n in out.items() if n == new and o != old), None)
        if twin is not None:
            raise UsageError(f"--rename {twin}={new} and --rename {old}={new}: one of them can become {new}; "
                             "pass one of them (the other old name is then dropped)")
        out[old] = new
    return out


def load_code_schema(cfg: Config, cache: ModelCache | None = None) -> tuple[Schema, dict[tuple[str, ...], str]]:
    """The model of the schema code: from `cache` when none of its inputs changed, else by importing it."""
    if cache is not None and (cached := cache.model()) is not None:
        return cached
    from ..sources.sqlalchemy import load_schema

    if cache is None:
        return load_schema(cfg.schema, cfg.root, dialect=cfg.dialect, schema_filter=cfg.schema_filter,
                           naming=cfg.naming)
    from ..sources.import_watch import watch

    with watch() as read:  # what the import reads besides modules: the cache's inputs too
        model = load_schema(cfg.schema, cfg.root, dialect=cfg.dialect, schema_filter=cfg.schema_filter,
                            naming=cfg.naming)
    cache.store(model, read)
    return model


def previous_schema(folder: MigrationFolder, dialect: str) -> tuple[Schema, str]:
    """The schema of the latest snapshot (empty for a new folder) and that snapshot's id."""
    from ..migrations.folder import ROOT_ID
    from ..migrations.snapshots import schema_from_snapshot
    from ..schema.model import make_schema

    snap = folder.latest_snapshot()
    if snap is None:
        return make_schema(dialect), ROOT_ID
    if snap.get("dialect") and dialects.canonical(snap["dialect"]) != dialect:
        raise UsageError(f"the migrations folder {folder.path} is for {snap['dialect']}, but the config says {dialect}")
    return schema_from_snapshot(snap, folder.read_sidecar(), source=str(folder.path)), str(snap.get("id", ROOT_ID))


def migration_name(changes: list[ch.Change]) -> str:
    from ..schema import changes as ch

    words: dict[str, None] = {}  # the first three distinct words are all the name needs
    for c in changes:
        if isinstance(c, ch.CreateTable):
            w = f"create_{c.table.name}"
        elif isinstance(c, ch.DropTable):
            w = f"drop_{c.table.name}"
        elif isinstance(c, ch.AddColumn):
            w = f"add_{c.table[1]}_{c.column.name}"
        elif isinstance(c, ch.DropColumn):
            w = f"drop_{c.table[1]}_{c.column.name}"
        elif isinstance(c, (ch.RenameTable, ch.RenameColumn)):
            w = f"rename_{c.new[1] if isinstance(c, ch.RenameTable) else c.new}"
        elif isinstance(c, ch.AlterColumn):
            w = f"alter_{c.table[1]}_{c.new.name}"
        elif isinstance(c, ch.CreateEnum):
            w = f"create_{c.enum.name}"
        elif isinstance(c, (ch.AddEnumValue, ch.RecreateEnum)):
            w = f"alter_{(c.enum if isinstance(c, ch.AddEnumValue) else c.new).name}"
        elif isinstance(c, ch.CreateIndex):
            w = f"index_{c.table[1]}"
        else:
            continue
        words.setdefault(w)
        if len(words) > 2:
            break
    first = list(words)[:2]
    name = "_".join(first) if words else "migration"
    if len(words) > 2:
        name += "_and_more"
    return re.sub(r"[^a-z0-9_]+", "_", name.lower())[:60].strip("_") or "migration"


def _prepare(config: Config, custom: bool, idempotent: bool, online: bool | None, lock_timeout: str | None
             ) -> tuple[Dialect, bool, str | None, MigrationFolder, ModelCache | None]:
    """generate's checks of its options, then (dialect, online, lock_timeout, folder, model cache)."""
    dialect = dialects.get(config.dialect)
    if idempotent and not dialect.idempotent:
        raise UsageError(f"--idempotent is available for PostgreSQL only (the config says {config.dialect})")
    _check_tenant(config, dialect, idempotent)
    online = config.online if online is None else online
    if online and dialect.online:
        lock_timeout = _lock_timeout(config, dialect, lock_timeout)
    folder = MigrationFolder(config.out_dir, config.dialect, config.layout)
    return dialect, online, lock_timeout, folder, None if custom else ModelCache.for_config(config)


def settled_by_cache(config: Config) -> bool:
    """Whether `generate(config, check=True)` returns at once from the model cache, with nothing to say (its option
    checks passed and the cached model diffed clean against the folder as it is now). For the CLI's fast path
    (cli/fast_check.py, a speed trick); False in every other case. Reads only."""
    _, _, _, folder, cache = _prepare(config, False, False, None, None)
    return cache is not None and cache.unchanged(folder)


# the models, changes and statements made here all live to the end of the call (1,000 tables: the collector's
# passes over them were about a fifth of it)
@collector.paused()
def generate(config: Config, name: str | None = None, custom: bool = False, check: bool = False,
             renames: dict[str, str] | None = None, no_renames: bool = False, prompt: Prompt | None = None,
             now_ms: int | None = None, idempotent: bool = False, online: bool | None = None,
             lock_timeout: str | None = None) -> GenerateResult:
    """`online` None: the config's `online`. `lock_timeout`: the online parts' (default: the config's)."""
    dialect, online, lock_timeout, folder, cache = _prepare(config, custom, idempotent, online, lock_timeout)
    if cache is not None and not renames and cache.unchanged(folder):
        return GenerateResult()  # the cached model diffed clean against this very folder state: no changes
    from ..migrations.rebuilt_keys import assumed_key_names
    from ..migrations.snapshots import (
        keep_key_names,
        keep_key_on_rename,
        keep_names_on_rename,
        keep_server_names,
        keep_spellings,
    )
    from ..schema import changes as ch
    from ..schema.compare import describe_all
    from ..schema.dependents import views_in_the_way

    old, prev_id = previous_schema(folder, config.dialect)
    if custom and check:
        raise UsageError("--custom and --check do not go together")
    made: list[str] = []  # objects the folder's SQL made, which its snapshots cannot hold (see _made_by_sql), and
    # the --rename flags that matched nothing
    new, changeset = (old, ch.ChangeSet()) if custom else _code_changes(config, old, cache, renames, no_renames,
                                                                         prompt, folder, made)
    if folder.uses_folders and changeset:  # drizzle-kit 1.x keeps a renamed table's `<old>_pkey`
        changeset.changes[:] = keep_key_on_rename(changeset.changes, old)
    if folder.uses_folders and dialect.renames_keep_names:  # … and its constraints' and indexes' `<old>_…` names
        changeset.changes[:], new = keep_names_on_rename(changeset.changes, old, new, changeset.renamed_tables,
                                                         dialect.rebuilds_tables)
    result = GenerateResult(changes=describe_all(changeset.changes, dialects.get(config.dialect).reader) if check
                            else [c.describe() for c in changeset],
                            previous=old)
    result.warnings = views_in_the_way(old, changeset.changes) + assumed_key_names(changeset.changes,
                                                                                  folder.migrations)
    result.warnings += _not_managed(new, folder) + _rewrite_hazards(dialect, changeset.changes, old, folder)
    result.warnings += made + dialect.fails_on_rows(changeset.changes) + _unknown_to_server(dialect, old, new, folder)
    if not custom and not changeset:
        if cache is not None and not result.warnings:  # a cached verdict has nothing to say: each run says these
            cache.record_unchanged(folder)
        return result
    _render(result, changeset, dialect, online, idempotent, lock_timeout, new, config.tenant_schema)
    if config.tenant_schema and not custom:
        from ..planning.tenant import outside

        if shared := outside(new, config.tenant_schema):
            result.warnings.append(f"tenant folder: {', '.join(shared[:5])}{' …' if len(shared) > 5 else ''} "
                                   f"is outside tenant_schema {config.tenant_schema!r}, so every tenant's run "
                                   "would create it; keep shared tables in the database's own folder")
    if check:
        raise IntegrityError(
            f"the schema code has {len(result.changes)} change(s) not yet in a migration; run `mizzle generate`",
            "\n".join("  " + c for c in result.changes), result=result)  # result: what was found, for `--json`
    new = new if folder.uses_folders else keep_server_names(old, new, changeset.changes, changeset.renamed_tables)
    new = keep_spellings(old, keep_key_names(old, new, changeset.renamed_tables, folder.uses_folders),
                         changeset.changes, dialect.reader.stored_name)
    _write(result, folder, config, changeset, new, prev_id, name or ("custom" if custom else None), now_ms, cache)
    return result


def _unknown_to_server(dialect: Dialect, old: Schema, new: Schema, folder: MigrationFolder | None) -> list[str]:
    """What `new` starts to use that the database may lack: collations, functions in schemas no migration makes
    (Supabase's `auth.uid()` in a default or a policy), tables and views of such schemas that views and SQL
    functions read."""
    from ..schema.outside_calls import calls_outside, reads_outside

    return (collations_unknown(dialect, old, new, folder) + calls_outside(dialect.reader, old, new)
            + reads_outside(dialect.reader, old, new) + extensions_unmade(dialect, old, new, folder))


_CREATE_EXTENSION = r'(?im)^\s*CREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?"?{}"?[\s;]'


def extensions_unmade(dialect: Dialect, old: Schema, new: Schema, folder: MigrationFolder | None) -> list[str]:
    """A warning per extension whose column types (`Dialect.extension_of_type`: pgvector's `vector(1024)`),
    functions (`Dialect.extensions_called`: uuid-ossp's `uuid_generate_v4()` in a default) or index operator classes
    (`Dialect.extension_of_opclass`: pg_trgm's `gin_trgm_ops`) `new` starts to use where `old` used none of them, and
    that neither the schema code (mizzle.pg.Extension) nor the folder's SQL creates: the statement fails where the
    database lacks it."""
    now, before = _extension_uses(dialect, new), _extension_uses(dialect, old)
    declared = {e.name for e in new.security.extensions or ()}
    todo = {ext: uses for ext, uses in now.items() if ext not in before and ext not in declared}
    if todo and folder is not None:
        texts = [m.text for m in folder.migrations(snapshots=False)]
        todo = {ext: uses for ext, uses in todo.items()
                if not any(re.search(_CREATE_EXTENSION.format(re.escape(ext)), t) for t in texts)}
    out = []
    for ext, uses in todo.items():
        spelled = ext if re.fullmatch(r"[a-z_][a-z0-9_]*", ext) else '"' + ext.replace('"', '""') + '"'
        create = f"CREATE EXTENSION {spelled}"
        kind, _, name = uses[0][1].partition(" ")
        same = [w for w, what in uses if what.partition(" ")[0] == kind]
        where = ", ".join(same[:3]) + (" …" if len(same) > 3 else "")
        more = f" (and {len(same) - 1} more)" if len(same) > 1 else ""
        method, _, type_ = name.partition(" ")
        said = (f"column {where} is of type {name}, the {ext} extension's type" if kind == "type"
                else f"{where} calls {name}(), the {ext} extension's function" if kind == "function"
                else f"{same[0]}{more} uses {method} on a column of type {type_}, which only the {ext} extension "
                     f"gives a {method} operator class" if kind == "default"
                else f"{same[0]}{more} uses {name}, the {ext} extension's operator class")
        out.append(f"{said}, and no migration creates the extension: declare mizzle.pg.Extension(\"{ext}\") in the "
                   f"schema code (or {create} in an earlier migration); the statement fails where the database "
                   "lacks it")
    return out


def refuse_dropping_used_extensions(dialect: Dialect, changes: list[Any], new: Schema) -> None:
    """An extension the schema code stops declaring (the previous snapshot has it) while its column types, functions
    or index operator classes stay in use: DROP EXTENSION would fail on the server (`index ix_certificates_cn depends
    on operator class gin_trgm_ops`), and CASCADE would drop those columns, defaults and indexes. Refused, naming a
    user."""
    from ..schema.security_changes import DropExtension

    uses = _extension_uses(dialect, new)
    for c in changes:
        if isinstance(c, DropExtension) and (used := uses.get(c.extension.name)):
            where, (kind, _, name) = used[0][0], used[0][1].partition(" ")
            user = (f"column {where} (of type {name})" if kind == "type" else f"{where} (calling {name}())"
                    if kind == "function" else f"{where} ({name.replace(' ', ' on ', 1)})" if kind == "default"
                    else f"{where} (operator class {name})")
            raise UsageError(
                f"the schema code no longer declares mizzle.pg.Extension(\"{c.extension.name}\"), but {user} still "
                "needs it: DROP EXTENSION would fail on the server",
                f"Keep declaring the extension, or drop what uses it in the schema code "
                f"({len(used)} {'use' if len(used) == 1 else 'uses'}).")


def _extension_uses(dialect: Dialect, s: Schema) -> dict[str, list[tuple[str, str]]]:
    """extension → (where, "type <type>", "function <name>" or "opclass <name>") for each column of its type, each
    expression calling its functions and each index using its operator classes, in `s`."""
    from ..schema.changes import table_label
    from ..schema.outside_calls import expressions

    out: dict[str, list[tuple[str, str]]] = {}
    for t in s.tables:
        for c in t.columns:
            if (ext := dialect.extension_of_type(c.type)) is not None:
                out.setdefault(ext, []).append((f"{table_label(t.key)}.{c.name}", f"type {c.type}"))
    for where, sql in expressions(s):
        for fn, ext in dialect.extensions_called(sql).items():
            out.setdefault(ext, []).append((where, f"function {fn}"))
    for t in s.tables:
        for ix in t.indexes:
            for ic in ix.columns:
                if ic.opclass and (ext := dialect.extension_of_opclass(ic.opclass)) is not None:
                    out.setdefault(ext, []).append((f"index {ix.name} on {table_label(t.key)}", f"opclass {ic.opclass}"))
        for where, method, cols in _opclass_defaulted(t):
            for c in cols:
                if (ext := dialect.extension_of_default_opclass(method, c.type)) is not None:
                    out.setdefault(ext, []).append((f"{where} on {table_label(t.key)}", f"default {method} {c.type}"))
                    break
    return out


def _opclass_defaulted(t: Any) -> list[tuple[str, str, list[Any]]]:
    """(what, access method, its columns) of each index and exclusion constraint of table `t`, the columns its
    elements name with no operator class (they take their type's default for the method)."""
    def columns(elements: Any) -> list[Any]:
        return [c for e in elements if not e.is_expression and not e.opclass and (c := t.column(e.expression))]

    return [*((f"exclusion constraint {x.name}", x.method, columns(x.elements)) for x in t.excludes),
            *((f"index {ix.name}", ix.method, columns(ix.columns)) for ix in t.indexes)]


def _not_managed(new: Schema, folder: MigrationFolder) -> list[str]:
    """One warning per thing the schema code makes outside the model (its DDL listeners, …); where the folder has
    mizzle's sidecar, an object mizzle.pg declares is to be declared (`advice_with_sidecar`)."""
    from ..sources.sqlalchemy import advice_with_sidecar

    lines = [f"not managed by mizzle (not in this migration): {x}" for x in new.objects.unmanaged]
    return [advice_with_sidecar(w) for w in lines] if folder.sidecar_path.exists() else lines


def collations_unknown(dialect: Dialect, old: Schema, new: Schema, folder: MigrationFolder | None) -> list[str]:
    """A warning for each collation `new` names that `old` did not and that the server has none of
    (`Dialect.unknown_collations`; the folder's SQL may create it): the statement naming it would fail."""
    from ..schema.model import collations_used

    before = collations_used(old)
    added = {k: v for k, v in collations_used(new).items() if k not in before}
    if not added:
        return []
    texts = (lambda: [m.text for m in folder.migrations(snapshots=False)]) if folder is not None else list
    return [f"collation {name} ({', '.join(added[name][:3])}{' …' if len(added[name]) > 3 else ''}): {why}"
            for name, why in dialect.unknown_collations(sorted(added), texts).items()]


def _lock_timeout(config: Config, dialect: Dialect, lock_timeout: str | None) -> str:
    """The online parts' lock_timeout as the server reads it (UsageError naming where a bad value came from)."""
    where = "--lock-timeout" if lock_timeout else f"`online_lock_timeout` in {config.source_name}"
    try:
        return dialect.lock_timeout(lock_timeout or config.online_lock_timeout)
    except ValueError as e:
        raise UsageError(f"{where}: {e}") from None


def _code_changes(config: Config, old: Schema, cache: ModelCache | None, renames: dict[str, str] | None,
                  no_renames: bool, prompt: Prompt | None, folder: MigrationFolder,
                  made: list[str]) -> tuple[Schema, ch.ChangeSet]:
    """The schema code's model and its changes from the latest snapshot's (`made`: a line for the objects taken as
    the folder's SQL made them, and one for each --rename that matched no drop + add)."""
    import functools
    from functools import partial

    from ..migrations.rebuilt_keys import keys_named_by_sql
    from ..migrations.sql_fk_names import fks_named_by_sql
    from ..schema.bookkeeping import kept_note, kept_undeclared
    from ..schema.compare import for_generate
    from ..schema.composite_use import refuse_converting_composite_arrays, refuse_rebuilding_types_in_use
    from ..schema.diff import Renames, diff
    from ..schema.scope import Scope
    from .taken_by_sql import taken_as_made

    new, declared = load_code_schema(config, cache)
    new = Scope(schemas=config.schema_filter).with_outside(old, _carry_forward(old, new))
    new, kept = kept_undeclared(old, new)  # another tool's history table the folder's SQL made: never dropped
    made += [kept_note(kept, "the latest snapshot")] if kept else []
    old = taken_as_made(old, new, folder, made)  # what drizzle-kit's snapshots cannot hold, as the SQL made it
    folder_sql = functools.cache(partial(all_sql, folder))  # read at the first call only
    old = keys_named_by_sql(old, new, folder_sql)
    old = fks_named_by_sql(old, new, folder_sql, made)
    # both sides in the form PostgreSQL stores (truncated names, default operator classes, …)
    old_c, new_c = for_generate(old, new)
    stated = Renames(explicit=renames or {}, declared=declared, prompt=prompt, none=no_renames)
    changes = diff(old_c, new_c, stated)
    changes.changes[:] = dialects.get(config.dialect).rebuilds_retyped(changes.changes, old)  # as `old` declares
    refuse_rebuilding_types_in_use(old, changes.changes)  # a migration PostgreSQL would reject: not written
    refuse_converting_composite_arrays(old, new, changes.changes)
    refuse_dropping_used_extensions(dialects.get(config.dialect), changes.changes, new)
    made += stated.not_applied()
    if config.tenant_schema:  # a placeholder: the runner creates each tenant's schema
        from ..schema import changes as ch

        changes.changes = [c for c in changes.changes
                           if not (isinstance(c, ch.CreateSchema) and c.name == config.tenant_schema)]
    return new, changes


def _rewrite_hazards(dialect: Dialect, changes: list[Any], old: Schema, folder: MigrationFolder) -> list[str]:
    """What the dialect's rewritten changes (SQLite: table rebuilds) do otherwise under drizzle-orm's migrator
    (`Dialect.migrator_hazards`), and what they make again without (`Dialect.rebuild_losses`)."""
    return dialect.migrator_hazards(changes, old) + dialect.rebuild_losses(changes, lambda: all_sql(folder))


def all_sql(folder: MigrationFolder) -> str:
    """Every migration's SQL text in the folder, in order (those whose file is missing left out)."""
    return "\n".join(m.text for m in folder.migrations(snapshots=False) if m.sql_path.is_file())


def _check_tenant(config: Config, dialect: Dialect, idempotent: bool) -> None:
    if config.tenant_schema and not dialect.tenant_schemas:
        raise UsageError(f"`tenant_schema` needs PostgreSQL (the config says {config.dialect})")
    if config.tenant_schema and idempotent:
        raise UsageError("--idempotent is not available for a tenant folder (`tenant_schema`): its guards name "
                         "the schema they test")


def _render(result: GenerateResult, changeset: ch.ChangeSet, dialect: Dialect, online: bool, idempotent: bool,
            lock_timeout: str | None, new: Schema, tenant: str | None = None) -> None:
    """The statements and the file's text (online or idempotent rewrites through the dialect), into `result`."""
    from ..planning.plan import lock_parts, lock_parts_warning, plan, plan_online, render_file

    statements: list[PlannedStatement] = plan(changeset.changes, dialect.name) if changeset else []
    result.warnings.extend(lock_parts_warning(lock_parts(statements)))
    header: list[str] = []
    if online and statements:
        statements, header = plan_online(statements, dialect.name, lock_timeout or "", idempotent, new)
        result.online = dialect.online
    elif idempotent:
        statements, header = dialect.plan_idempotent(statements)
    if tenant:  # tenant-scoped names unqualified: the runner's search_path puts them in each tenant's schema
        from ..planning.tenant import for_tenant

        statements, warnings = for_tenant(statements, tenant)
        result.warnings.extend(warnings)
    result.statements = [s.sql for s in statements]
    result.sql = render_file(statements, header) if statements else "".join(h + "\n" for h in header) + CUSTOM_HEADER + "\n"


def _write(result: GenerateResult, folder: MigrationFolder, config: Config, changeset: ch.ChangeSet, new: Schema,
           prev_id: str, name: str | None, now_ms: int | None, cache: ModelCache | None) -> None:
    """The migration added to the folder (SQL, snapshot, journal entry); the cache told when it is unchanged."""
    from ..migrations.snapshots import snapshot_from_schema
    from ..schema.diff import Renames, diff

    snap, side = snapshot_from_schema(new, prev_id=prev_id, renames=_meta(changeset))
    if not folder.uses_folders:  # an unchanged default keeps the JSON drizzle-kit wrote it in ("0" for sql`0`)
        from ..migrations.kept_spellings import kept_defaults

        snap = kept_defaults(snap, folder.latest_snapshot())
    prefix = folder.journal_prefix() or config.prefix
    if prefix != config.prefix:
        result.warnings.append(f"the folder's migrations are named with the {prefix} prefix, not {config.prefix} "
                               f"(the config's): this one follows the folder, so that drizzle-kit, which takes the "
                               f"latest snapshot by file name, finds it; set `[migrations] prefix = \"{prefix}\"`")
    m = folder.add_migration(name or migration_name(changeset.changes), result.sql, snap, prefix=prefix,
                             sidecar_entry=side, now_ms=now_ms)
    result.tag, result.sql_path = m.tag, m.sql_path
    if folder.sidecar_path.exists():  # perhaps started by this migration: the advice is the sidecar's then too
        from ..sources.sqlalchemy import advice_with_sidecar

        result.warnings = [advice_with_sidecar(w) for w in result.warnings]
    if cache is not None and not result.warnings:  # so the next `generate --check` is instant: the verdict only if
        # the new snapshot agrees, and not where the code has something to say (not managed, kept, …) every time
        written, _ = previous_schema(folder, config.dialect)
        if not diff(written, _carry_forward(written, new), Renames(none=True)):
            cache.record_unchanged(folder)


def _meta(cs: ch.ChangeSet) -> dict[str, dict[str, str]]:
    from ..migrations.snapshots import meta_of

    return meta_of(cs.renamed_columns, cs.renamed_schemas, cs.renamed_tables)


def _carry_forward(old: Schema, new: Schema) -> Schema:
    """Objects mizzle does not model (views, roles, policies, RLS flags) stay as the snapshot had them."""
    if not old.extras and not any(t.extras for t in old.tables):
        return new
    from dataclasses import replace

    from ..schema.model import make_schema

    tables = []
    for t in new.tables:
        prev = old.table(t.schema, t.name)
        tables.append(replace(t, extras=prev.extras) if prev is not None and prev.extras and not t.extras else t)
    return make_schema(new.dialect, tables, new.enums, new.sequences, new.schemas, old.extras or new.extras,
                       objects=new.objects, security=new.security)


def export(config: Config, warnings: list[str] | None = None) -> str:
    """The DDL of the schema code; what it makes outside the model (DDL listeners create_all runs: Faraday's
    uix_vulnerability) is appended to `warnings`, as generate names it."""
    from ..planning.plan import plan, render_file
    from ..schema.diff import Renames, diff
    from ..schema.model import make_schema

    new, _ = load_code_schema(config)
    if warnings is not None:
        warnings += [f"not managed by mizzle (not in this export): {x}" for x in new.objects.unmanaged]
    changes = diff(make_schema(config.dialect), new, Renames(none=True)).changes
    return render_file(plan(changes, config.dialect))


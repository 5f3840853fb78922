"""`drift`: what a live database holds that its migrations do not say — the database introspected and compared
with the snapshot of the last migration its tracking table records as applied."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dburl import parse_url
from ..errors import IntegrityError
from ..migrations.folder import Migration, MigrationFolder
from ..migrations.snapshots import schema_from_snapshot
from ..schema.model import DEFAULT_SCHEMA, Schema, make_schema
from .view_stars import as_made

if TYPE_CHECKING:
    from ..config import Config
    from ..schema.scope import Scope


@dataclass
class DriftResult:
    url: str  # masked
    migration: str | None  # tag of the last applied migration (None: nothing applied)
    changes: list[str] = field(default_factory=list)  # live database relative to that snapshot
    warnings: list[str] = field(default_factory=list)
    unmanaged: list[str] = field(default_factory=list)  # what mizzle does not manage, one line per kind: not drift
    notes: list[str] = field(default_factory=list)  # what explains a change better than a hand edit (as verify's)

    @property
    def drifted(self) -> bool:
        return bool(self.changes)

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "migration": self.migration, "drift": self.drifted, "changes": self.changes,
                "warnings": self.warnings, "unmanaged": self.unmanaged, "notes": self.notes}


def last_applied(migrations: list[Migration], applied_whens: set[int]) -> Migration | None:
    """The last migration, in journal order, that the tracking rows record as applied."""
    applied = [m for m in migrations if m.when in applied_whens]
    return applied[-1] if applied else None


def snapshot_model(folder: MigrationFolder, migration: Migration | None, dialect: str) -> tuple[Schema, bool]:
    """The model of `migration`'s snapshot (the empty schema before the first migration), and whether the snapshot
    has a field for views: drizzle-kit 0.2x's SQLite snapshots (version "6" with no `views`: likeon/geometa's) have
    none, so a view the folder's SQL made is no difference there, as its triggers are none (no snapshot, drizzle-kit
    1.x's layout: it has)."""
    if migration is None:
        return make_schema(dialect), True
    snap = folder.read_snapshot(migration)
    if snap is None:
        raise IntegrityError(f"{migration.snapshot_path}: the snapshot of {migration.tag} is missing",
                             "Run `mizzle check --rebuild-snapshots` to regenerate it by replaying the migrations.")
    views = folder.uses_folders or has_views_field(snap)
    return schema_from_snapshot(snap, folder.read_sidecar(), source=str(migration.snapshot_path)), views


def drift(*, url: str, folder: str | Path, scope: Scope | None = None, table: str = "__drizzle_migrations",
          tracking_schema: str = "drizzle", connect_timeout: float = 10,
          tenant: tuple[str, str] | None = None) -> DriftResult:
    """Compare the database at `url` with the snapshot of its last applied migration of `folder`.

    `tenant` (NAME, PLACEHOLDER): compare the tenant schema NAME (only it) with the snapshots of a tenant folder,
    whose tables are in the config's `tenant_schema` PLACEHOLDER.

    Read-only: takes no lock and creates nothing. Raises ConnectError (exit 5) when the database cannot be
    reached, IntegrityError (exit 3) when the snapshot to compare with is missing."""
    from .. import dialects
    from ..runner.migrate import load_folder
    from ..runner.tracking import TrackingTable
    from ..sources.database import scope_for

    db = parse_url(url)
    dialect = dialects.get(db.dialect)
    if dialect.database_file(db) is not None:  # read-only: never create an embedded database's file
        with dialect.connect(db, must_exist=True):
            pass
    migrations, _, present = load_folder(folder, db.dialect)
    scope = scope or scope_for(tracking_table=table, tracking_schema=tracking_schema)
    backend = dialect.open_backend(db, TrackingTable.of(db.dialect, table, tracking_schema, names=present is None),
                                   connect_timeout=connect_timeout, application_name="mizzle drift")
    try:
        state = backend.read_state(create=False, with_audit=True)
        live = introspect_connection(backend.conn, db.dialect, scope, table)
        result = DriftResult(url=db.masked, migration=None)
        _compare(result, state, migrations, folder, db.dialect, scope, live,
                 backend.conn if dialect.canonical_forms else None, tenant)
        # never compared, never dropped: listed (after what _compare set aside)
        result.unmanaged = dialect.unmanaged(backend.conn, scope) + result.unmanaged
    finally:
        backend.close()
    return result


def _compare(result: DriftResult, state: Any, migrations: list[Migration], folder: str | Path, dialect: str,
             scope: Scope, live: Schema, conn: Any, tenant: tuple[str, str] | None = None) -> None:
    from .. import dialects
    from ..runner import tracking
    from ..runner.tracking import MARKED_ROLLED_BACK
    from ..schema.bookkeeping import set_aside
    from ..schema.compare import lines

    # drizzle-orm 1.x's rows name their migration (their created_at has whole seconds only)
    applied_whens = tracking.applied_whens(migrations, state.rows)
    unknown = applied_whens - {m.when for m in migrations}
    if unknown:
        result.warnings.append(f"{len(unknown)} applied migration(s) are not in {folder}'s journal "
                               f"(created_at {', '.join(str(w) for w in sorted(unknown))}); is this the right folder?")
    # a migration rolled back by hand (`mizzle mark --rolled-back`) keeps its row, but not its changes
    rolled = {w for w, e in (state.audit or {}).items() if e.action == MARKED_ROLLED_BACK and w in applied_whens}
    last = last_applied(migrations, applied_whens - rolled)
    for m in migrations:
        if m.when in rolled:
            entry = (state.audit or {})[m.when]
            later = last is not None and m.when < last.when
            result.warnings.append(f"{m.tag} was rolled back by hand (by {entry.actor or 'unknown'}"
                                   + (f": {entry.note}" if entry.note else "") + ")"
                                   + (f"; the snapshot of {last.tag} still has its changes" if later and last else
                                      "; comparing with the snapshot before it"))
    if not state.tracking_exists:
        result.warnings.append("no tracking table: no migration was applied; comparing with an empty schema")
    result.migration = last.tag if last else None
    mfolder = MigrationFolder(folder, dialect)
    snapshot, views = snapshot_model(mfolder, last, dialect)
    snapshot = as_made(snapshot, live, migrations, last, partial(_readable_snapshot, mfolder, dialect=dialect))
    expected = comparable(scope.restrict(_for_tenant(snapshot, scope, tenant)))
    live, bookkeeping = set_aside(expected, live)  # Alembic's alembic_version, Prisma's _prisma_migrations, …
    result.warnings += [f"{f.label(not dialects.is_embedded(dialect))} ({f.kind.tool}'s bookkeeping) is not compared"
                        for f in bookkeeping]
    result.unmanaged += untracked_extensions(expected, live) + untracked_grants(expected, live)
    sidecar = holds_comments(mfolder)
    if not sidecar:
        live, aside = without_sidecar_objects(live, expected, views)
        result.unmanaged += aside
    result.changes = lines(implied_schemas(expected), live, comments=sidecar, conn=conn)
    if result.changes:  # what drizzle-kit's own SQL did (superset-sh's SQLite ADD … REFERENCES): verify says so too
        from .drizzle_kit_notes import drizzle_kit_notes

        result.notes = drizzle_kit_notes(expected, live)
        if conn is not None:  # a search_path lacking the schema of the extensions: functions printed qualified
            result.notes += dialects.get(dialect).off_path_note(conn, result.changes)
        if last is None and migrations:
            result.notes.append(_unrecorded_note(bookkeeping, not dialects.is_embedded(dialect)))


def _readable_snapshot(folder: MigrationFolder, m: Migration, dialect: str) -> Schema | None:
    """The model of `m`'s snapshot; None where it is missing or mizzle cannot read it."""
    from ..errors import MizzleError

    try:
        return snapshot_model(folder, m, dialect)[0]
    except (MizzleError, KeyError, TypeError, ValueError, AttributeError):
        return None


def _unrecorded_note(bookkeeping: list[Any], schemas: bool) -> str:
    """Nothing applied, yet the database holds tables: most often a schema built outside these migrations (by
    Alembic, `create_all`, a dump), which `baseline` records rather than a migration re-making or undoing it."""
    tools = "".join(f", and the database has {f.kind.tool}'s {f.label(schemas)}" for f in bookkeeping)
    return (f"no migration is recorded as applied here{tools}: if the database already holds the schema of the "
            "migrations (built by another tool, `create_all` or a dump), `mizzle baseline` records them as applied "
            "after checking it matches; nothing needs writing or undoing")


def _for_tenant(model: Schema, scope: Scope, tenant: tuple[str, str] | None) -> Schema:
    """A tenant folder's snapshot as tenant schema NAME should hold it: its `tenant_schema` PLACEHOLDER only,
    renamed NAME (so the differences name the tenant's schema)."""
    if tenant is None:
        return model
    from dataclasses import replace

    from ..schema.tenant import rename_schema

    name, placeholder = tenant
    model = rename_schema(replace(scope, schemas=(placeholder,)).restrict(model), placeholder, name)
    if model.is_empty:
        return model
    return replace(model, schemas=tuple(sorted({*model.schemas, name})))  # the runner created it (even for public)


def implied_schemas(model: Schema) -> Schema:
    """`model` with the schemas its tables, enums and sequences are in. drizzle-kit's snapshot lists a schema only
    when the schema code exports its `pgSchema`; one made by hand (a custom migration's CREATE SCHEMA) holds the
    snapshot's tables all the same, and is no difference."""
    used = {t.schema for t in model.tables} | {e.schema for e in model.enums} | {q.schema for q in model.sequences}
    used.discard(DEFAULT_SCHEMA)
    return model if used <= set(model.schemas) else model.with_(schemas=tuple(sorted({*model.schemas, *used})))


def untracked_extensions(expected: Schema, live: Schema) -> list[str]:
    """The database's extensions, listed where the snapshot (`expected`) tracks none (its schema code declares no
    mizzle.pg.Extension, or drizzle-kit wrote it): compared on neither side (comparable_security), so named."""
    if expected.security.extensions is not None or not live.security.extensions:
        return []
    names = sorted(e.name for e in live.security.extensions)
    return ["not compared (the snapshot tracks no extensions: the schema code declares none with "
            f"mizzle.pg.Extension): {len(names)} extensions: {', '.join(names)}"]


def untracked_grants(expected: Schema, live: Schema) -> list[str]:
    """The database's privileges (GRANT), listed where the snapshot (`expected`) tracks none (drizzle-kit wrote it,
    or the schema code declares no mizzle.pg.Grant): compared on neither side (comparable_security), so named."""
    if expected.security.grants is not None or not live.security.grants:
        return []
    names = sorted(f"on {g.on} {g.name if g.on == 'schema' or g.schema == DEFAULT_SCHEMA else g.schema + '.' + g.name}"
                   f"{f' ({g.column})' if g.column else ''} to {g.grantee}" for g in live.security.grants)
    shown = ", ".join(names[:20]) + (f", … ({len(names) - 20} more)" if len(names) > 20 else "")
    return ["not compared (the snapshot tracks no privileges: drizzle-kit's snapshots have no field for them, and "
            f"the schema code declares none with mizzle.pg.Grant): {len(names)} grants: {shown}"]


def has_views_field(data: dict[str, Any] | None) -> bool:
    """Whether a snapshot's JSON has a field for views (None: no snapshot, nothing to set aside for)."""
    return data is None or "views" in data


def without_sidecar_objects(model: Schema, expected: Schema | None = None,
                            track_views: bool = True) -> tuple[Schema, list[str]]:
    """`model` without what only mizzle's sidecar (`meta/_mizzle.json`) records — functions and procedures,
    triggers, domains, composite types, a materialized view's indexes, the NOT VALID and NO INHERIT flags of
    constraints, a column's collation that `expected` (the snapshot's model) does not state — and those set aside,
    one line per kind (comments too: they stay in the model, the comparison leaves them out). For a folder without
    a sidecar (drizzle-kit's own): its
    snapshots have no field for them, so one a migration's SQL made by hand is listed, not reported as a difference
    (appstrate adds composite foreign keys NOT VALID and validates them in a later migration; sim gives a column
    COLLATE "C"). A collation a drizzle-kit customType spells in the type (`text COLLATE "C"`) is in the snapshot,
    and compared. `track_views`: whether the snapshot has a field for views (snapshot_model); if not, views are set
    aside too."""
    from dataclasses import replace

    from ..schema.objects import make_objects

    model, collated = _without_unstated_collations(model, expected)
    model, unbound = _without_unbound_predicates(model, expected)
    o = model.objects
    views = [replace(v, indexes=()) for v in o.views] if track_views else []
    aside: dict[str, list[str]] = {} if track_views or not o.views else {"views": [v.name for v in o.views]}
    for kind, items in (("functions", o.routines), ("triggers", o.triggers), ("domains", o.domains),
                        ("composite types", o.composites),
                        ("materialized view indexes", [i for v in o.views for i in v.indexes])):
        if items:
            aside[kind] = [getattr(x, "label", None) or x.name for x in items]
    tables, flagged = _without_constraint_flags(model)
    aside.update({kind: names for kind, names in flagged.items() if names})
    if collated:
        aside["column collations"] = collated
    if comments := _comment_labels(model):  # compared with comments=False: nothing to take out of the model
        aside["comments"] = comments
    params = [f"not compared (drizzle-kit wrote a query parameter in its snapshot in place of the value): "
              f"{len(unbound)} index predicates: {', '.join(unbound)}"] if unbound else []
    if not aside:
        return model, params
    lines = [f"not compared (drizzle-kit's snapshots have no field for them, and no meta/_mizzle.json of mizzle's "
             f"records them): {len(names)} {kind}: {', '.join(names)}" for kind, names in aside.items()]
    return model.with_(tables=tables, objects=make_objects(views)), lines + params


_PARAMETER = re.compile(r"'(?:[^']|'')*'|\$\d+")


def _without_unbound_predicates(model: Schema, expected: Schema | None) -> tuple[Schema, list[str]]:
    """`model` with the predicate of each index `expected` states with a query parameter (`$1`, outside strings)
    taken from `expected`, and those indexes (`name on table` each). drizzle-kit 0.31 snapshots `.where(eq(col,
    true))` as `"t"."col" = $1` (and writes it in its SQL, which PostgreSQL refuses: lint's MZ003); the SQL fixed by
    hand makes `col = true` (network-goods-institute/negation-game's 0064), and no snapshot can say so."""
    from dataclasses import replace

    if expected is None:
        return model, []
    tables, labels = [], []
    for t in model.tables:
        et = expected.table(t.schema, t.name)
        unbound = {i.name: i.where for i in (et.indexes if et is not None else ())
                   if i.where and any(m.group(0).startswith("$") for m in _PARAMETER.finditer(i.where))}
        hit = [i for i in t.indexes if i.name in unbound and i.where != unbound[i.name]]
        labels += [f"{i.name} on {t.name}" for i in hit]
        if hit:
            t = t.with_(indexes=tuple(replace(i, where=unbound[i.name]) if i in hit else i for i in t.indexes))
        tables.append(t)
    return (model.with_(tables=tuple(tables)), labels) if labels else (model, [])


def _without_unstated_collations(model: Schema, expected: Schema | None) -> tuple[Schema, list[str]]:
    """`model` without the collations of its columns that `expected` has with none (`table.column (C)` each).
    A column `expected` lacks keeps its collation: that column is a difference anyway."""
    from dataclasses import replace

    if expected is None:
        return model, []
    tables, labels = [], []
    for t in model.tables:
        if all(c.collation is None for c in t.columns):  # most tables: nothing to look up in `expected`
            tables.append(t)
            continue
        et = expected.table(t.schema, t.name)
        plain = {c.name for c in et.columns if c.collation is None} if et is not None else set()
        unstated = [c for c in t.columns if c.collation is not None and c.name in plain]
        labels += [f"{t.name}.{c.name} ({c.collation})" for c in unstated]
        if unstated:
            t = t.with_(columns=tuple(replace(c, collation=None) if c in unstated else c for c in t.columns))
        tables.append(t)
    return (model.with_(tables=tuple(tables)), labels) if labels else (model, [])


def _comment_labels(model: Schema) -> list[str]:
    """What has a comment in `model` (`column t.c`, `table t`, `index i`, `constraint c`, `type e`)."""
    out: list[str] = []
    for t in model.tables:
        out += [f"table {t.name}"] if t.comment is not None else []
        out += [f"column {t.name}.{c.name}" for c in t.columns if c.comment is not None]
        out += [f"{kind} {name}" for kind, name, _text in t.comments]
    return out + [f"type {e.name}" for e in model.enums if e.comment is not None]


def _without_constraint_flags(model: Schema) -> tuple[list[Any], dict[str, list[str]]]:
    """`model`'s tables with every check and foreign key valid and inheritable and no exclusion constraint (a
    drizzle-kit snapshot has no field for one: bissbilanz's `EXCLUDE USING gist`, written by hand), and the
    constraints that were not or were set aside (`table.constraint`), by kind."""
    from dataclasses import replace

    flagged: dict[str, list[str]] = {"NOT VALID constraints": [], "NO INHERIT checks": [],
                                     "exclusion constraints": []}
    tables = []
    for t in model.tables:
        flagged["exclusion constraints"] += [f"{t.name}.{x.name}" for x in t.excludes]
        if t.excludes:
            t = t.with_(excludes=())
        not_valid = [c.name for c in t.checks if c.not_valid] + [f.name for f in t.foreign_keys if f.not_valid]
        flagged["NOT VALID constraints"] += [f"{t.name}.{n}" for n in not_valid]
        flagged["NO INHERIT checks"] += [f"{t.name}.{c.name}" for c in t.checks if c.no_inherit]
        if not_valid or any(c.no_inherit for c in t.checks):
            t = t.with_(checks=tuple(replace(c, not_valid=False, no_inherit=False) for c in t.checks),
                        foreign_keys=tuple(replace(f, not_valid=False) for f in t.foreign_keys))
        tables.append(t)
    return tables, flagged


def holds_comments(folder: MigrationFolder) -> bool:
    """Do the folder's snapshots hold comments? drizzle-kit's have no field for them; mizzle keeps them in its
    sidecar file, which a folder written by drizzle-kit does not have. A sidecar that holds nothing but SQLite's
    inline-unique marks (`baseline` writes them into any folder: Index.inline) or the journal's `whens` (`up` writes
    them into a folder that had none) records no comments nor objects."""
    try:
        side = folder.read_sidecar()
    except Exception:  # noqa: BLE001 - an unreadable sidecar is reported by `check`, not here
        return False
    return bool(side) and not _records_nothing(side)


def _records_nothing(side: dict[str, Any]) -> bool:
    """Whether the sidecar holds nothing but inline marks (`inline_marks.marks_only`), or nothing but the journal's
    `whens` that `up` writes into a folder that had no sidecar (up gives one that had a sidecar an empty
    `snapshots`, so that `{"version": 1}`, mizzle's, stays mizzle's), or both."""
    from ..migrations.folders1 import MADE_UP_KEY, WHENS_KEY
    from ..migrations.inline_marks import marks_only

    rest = {k: v for k, v in side.items() if k not in (WHENS_KEY, MADE_UP_KEY)}
    return marks_only(rest) or (WHENS_KEY in side and set(side) <= {"version", WHENS_KEY, MADE_UP_KEY})


def introspect_connection(conn: Any, dialect: str, scope: Scope, table: str = "__drizzle_migrations",
                          names: bool = False) -> Schema:
    """The model of the database behind `conn` (psycopg or sqlite3), within `scope`, in the form a snapshot is
    compared with (see `comparable`); `names`: with the constraint names the database has (a rebuilt snapshot's:
    SQLite's foreign keys named in their CREATE TABLE)."""
    from .. import dialects

    d = dialects.get(dialect)
    model = scope.restrict(d.introspect(conn, scope, table))
    return model if names else d.comparable(model)


def comparable(model: Schema) -> Schema:
    """What of `model` a live database of its dialect can show: SQLite keeps no constraint names."""
    from .. import dialects

    return dialects.get(model.dialect).comparable(model)


def drift_for_config(config: Config, url: str, connect_timeout: float = 10) -> DriftResult:
    from ..sources.database import scope_for

    return drift(url=url, folder=config.out_dir, scope=scope_for(config), table=config.table,
                 tracking_schema=config.tracking_schema, connect_timeout=connect_timeout)


def drift_for_tenant(config: Config, target: str, connect_timeout: float = 10) -> DriftResult:
    """`drift` of a tenant target (`URL#schema=NAME`): the schema NAME, on the connection and with the tracking
    table the fleet runner uses for it, compared with the tenant folder's snapshots (`tenant_schema`)."""
    from ..errors import UsageError
    from ..runner.fleet import tenant_connection
    from ..runner.targets import display, split_target
    from ..sources.database import scope_for

    name = split_target(target)[1]
    if name is None or not config.tenant_schema:
        raise UsageError(f"{display(target)}: drift on a tenant schema needs `tenant_schema` in the config (the "
                         "schema the tenant folder's tables are declared in)")
    url, kw = tenant_connection(target, {})
    scope = scope_for(schema_filter=(name,), tables_filter=config.tables_filter, tracking_table=config.table,
                      tracking_schema=kw["tracking_schema"])
    res = drift(url=url, folder=config.out_dir, scope=scope, table=config.table,
                tracking_schema=kw["tracking_schema"], connect_timeout=connect_timeout,
                tenant=(name, config.tenant_schema))
    res.url = display(target)
    return res


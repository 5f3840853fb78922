"""Getting out of trouble by hand, on the record: `mark` (a migration applied or rolled back outside the
runner), `baseline` (a database that already holds the schema: checked by introspection, then marked) and
`drop` (the latest migration removed from the folder, once the database is known not to have applied it).

mark and baseline write drizzle-orm's tracking row (or keep it) plus an audit entry saying who, when, why and
with which mizzle version, under the runner's lock; `status` shows those entries. Never imports SQLAlchemy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import dialects
from ..dburl import DatabaseURL, parse_url
from ..dialects import AppliedRecord, RunnerBackend, ServerError, open_backend
from ..errors import ConnectError, IntegrityError, Refused, StatementFailed, UsageError
from ..migrations.folder import Migration, MigrationFolder
from ..planning.tenant import refuse_tenant_folder
from ..version import __version__
from .tracking import (
    APPLIED,
    BASELINE,
    MARKED_APPLIED,
    MARKED_ROLLED_BACK,
    MISSING_FILE,
    MODIFIED,
    ROLLED_BACK_BY_HAND,
    AppliedRow,
    DatabaseState,
    MigrationState,
    TrackingTable,
    applied_whens,
    current_actor,
    reconcile,
    rows_of,
)

if TYPE_CHECKING:
    from ..config import Config



def _find(migrations: Sequence[Migration], tag: str) -> Migration:
    from ..migrations.folder import find_migration

    return find_migration(list(migrations), tag)


# -- the locked session shared by mark and baseline --------------------------------------------------------

@dataclass
class _Session:
    backend: RunnerBackend
    db: DatabaseURL
    migrations: list[Migration]
    state: DatabaseState
    states: dict[str, MigrationState]

    # the rows are read once, when the session starts (what `record` writes is not read back): matched to the
    # migrations once, not at each question (baseline asks has_row of every migration)
    @cached_property
    def _whens(self) -> set[int]:
        return applied_whens(self.migrations, self.state.rows)

    @cached_property
    def _rows(self) -> dict[str, list[AppliedRow]]:
        return rows_of(self.migrations, self.state.rows)

    def has_row(self, m: Migration) -> bool:
        """A tracking row records `m`: its `when`, or found as `reconcile` finds drizzle-orm's rows (1.x's by their
        name, 0.x's of a folder drizzle-kit's `up` converted by their second)."""
        return m.when in self._whens

    def row_at(self, m: Migration) -> int | None:
        """The created_at of the tracking row recording `m` (found as has_row finds it), one holding another hash
        than the file's first; None: none."""
        found = self._rows.get(m.tag) or []
        stale = [r for r in found if r.hash != m.hash] or found
        return stale[0].created_at if stale else None

    def record(self, records: Sequence[tuple[AppliedRecord, str]]) -> None:
        """All the resolutions in one transaction: either every row and audit entry is written, or none."""
        if not records:
            return
        b = self.backend
        try:
            b.begin()
            for rec, row in records:
                b.record_mark(rec, row)
            b.commit()
        except ServerError as e:
            b.rollback()
            raise StatementFailed(f"cannot record in {b.tracking.display} on {self.db.masked}: {e}",
                                  "Nothing was recorded. The role needs INSERT/UPDATE on mizzle's tracking tables."
                                  ) from None


@contextmanager
def _locked(url: str, folder: str | Path, *, table: str, tracking_schema: str, lock_timeout: float | None,
            connect_timeout: float, command: str, on_wait: Callable[[str], None] | None = None,
            before_state: Callable[[DatabaseURL, RunnerBackend], None] | None = None) -> Iterator[_Session]:
    """Connect, take the runner's lock, (run `before_state`), then create/read the tracking tables with the
    audit, and reconcile them with the folder. The lock is held until the block ends."""
    from .migrate import load_folder

    db = parse_url(url)
    migrations, stray, present = load_folder(folder, db.dialect)
    backend = open_backend(db, TrackingTable.of(db.dialect, table, tracking_schema, names=present is None),
                           connect_timeout=connect_timeout, application_name=f"mizzle {command}")
    try:
        backend.acquire_lock(lock_timeout, on_wait or (lambda who: None))
        if before_state is not None:
            before_state(db, backend)
        try:
            state = backend.read_state(create=True, with_audit=True)
        except ServerError as e:
            from .migrate import tracking_error

            raise tracking_error(backend.tracking, e) from None
        rec = reconcile(migrations, state, include_skipped=True, stray_files=stray, present=present)
        yield _Session(backend, db, migrations, state, {s.tag: s for s in rec.states if s.migration is not None})
    finally:
        backend.close()


def _record(m: Migration, action: str, reason: str | None, actor: str, clear_progress: bool) -> AppliedRecord:
    return AppliedRecord(when=m.when, hash=m.hash, tag=m.tag, duration_ms=None, statements=len(m.statements),
                         tool_version=f"mizzle {__version__}", clear_progress=clear_progress, action=action,
                         note=reason or None, actor=actor)


# -- mark ----------------------------------------------------------------------------------------------------

@dataclass
class MarkResult:
    url: str  # masked
    tag: str
    action: str  # marked-applied | rolled-back
    previous_state: str  # the migration's state before the mark
    changed: bool  # False: it already was in that state; nothing recorded
    actor: str
    reason: str | None
    tracking_row: str  # insert | update | keep
    replaced_hash: str | None = None  # the applied hash the file's replaced (a modified file marked applied)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "tag": self.tag, "action": self.action, "previous_state": self.previous_state,
                "changed": self.changed, "actor": self.actor, "reason": self.reason,
                "tracking_row": self.tracking_row if self.changed else None, "replaced_hash": self.replaced_hash,
                "tool_version": f"mizzle {__version__}", "warnings": self.warnings}


def mark(*, url: str, folder: str | Path, tag: str, applied: bool = False, rolled_back: bool = False,
         reason: str | None = None, table: str = "__drizzle_migrations", tracking_schema: str = "drizzle",
         lock_timeout: float | None = None, connect_timeout: float = 10, actor: str | None = None,
         on_wait: Callable[[str], None] | None = None) -> MarkResult:
    """Record by hand that migration `tag` is applied (its tracking row is added, or its hash re-recorded if the
    file changed since it ran; nothing is executed) or rolled back (the row stays, so neither mizzle nor
    drizzle-orm applies it again; `status` shows it as rolled back by hand). Under the runner's lock, with an
    audit entry. Raises UsageError (2) for a bad tag, IntegrityError (3) when the file is missing."""
    if applied == rolled_back:
        raise UsageError("mark needs exactly one of --applied or --rolled-back")
    action = MARKED_APPLIED if applied else MARKED_ROLLED_BACK
    who = actor or current_actor()
    from .migrate import load_folder

    listed, _, _ = load_folder(folder, parse_url(url).dialect)  # a bad tag fails before waiting for the lock
    if not listed:
        raise UsageError(f"the migrations folder {folder} has no migrations: nothing to mark")
    tag = _find(listed, tag).tag
    with _locked(url, folder, table=table, tracking_schema=tracking_schema, lock_timeout=lock_timeout,
                 connect_timeout=connect_timeout, command="mark", on_wait=on_wait) as s:
        m = _find(s.migrations, tag)
        st = s.states[m.tag]
        result = MarkResult(url=s.db.masked, tag=m.tag, action=action, previous_state=st.state, changed=True,
                            actor=who, reason=reason or None, tracking_row="keep")
        if st.state == MISSING_FILE:
            raise IntegrityError(f"{m.file} does not exist: cannot mark {m.tag} without its file",
                                 "Restore it from version control first (the tracking row records its hash).")
        row = s.has_row(m)
        if row and st.state == MODIFIED:
            result.tracking_row = "update"
            result.replaced_hash = st.applied_hash
            reason = (f"{reason}; " if reason else "") + f"file hash re-recorded (applied hash was {st.applied_hash})"
            if rolled_back:
                result.warnings.append(f"{m.file} changed since it was applied; its current text is "
                                       "recorded with the rollback")
        elif not row:
            result.tracking_row = "insert"
            if rolled_back:
                result.warnings.append(f"{m.tag} was not applied here; it is now recorded as rolled back, so "
                                       "`migrate` will never run it on this database")
        elif st.state == (APPLIED if applied else ROLLED_BACK_BY_HAND):
            result.changed = False
            return result
        rec = _record(m, action, reason, who, clear_progress=not row and m.when in s.state.progress)
        if result.tracking_row == "update":  # the row found for it, which may not be at its `when`
            rec = rec._replace(row_at=s.row_at(m))
        s.record([(rec, result.tracking_row)])
        return result


# -- baseline --------------------------------------------------------------------------------------------------

@dataclass
class BaselineResult:
    url: str  # masked
    to: str
    marked: list[str] = field(default_factory=list)  # tags recorded as applied now
    already_applied: list[str] = field(default_factory=list)
    checked: bool = True  # False: --force skipped the comparison
    actor: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "found an Alembic-managed database …"
    # constraints and indexes matched by definition whose database name the snapshot now carries
    renamed: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "to": self.to, "marked": self.marked, "already_applied": self.already_applied,
                "checked": self.checked, "actor": self.actor,
                "warnings": self.warnings, "notes": self.notes, "renamed": self.renamed}


def _compare_live(db: DatabaseURL, scope: Any, expected: Any, folder: MigrationFolder, connect_timeout: float,
                  track_views: bool = True
                  ) -> tuple[list[str], list[tuple[str, str, str, str, str]], list[_Held], list[str], list[str]]:
    """The differences between the database and `expected` (canonical forms, the server asked for the
    expressions, names matched by definition), the names `expected` takes from the database
    ((schema, table, kind, snapshot name, database name)), a note for each other migration tool's bookkeeping found
    (Alembic's, Prisma's, …: schema/bookkeeping.py), and what is not compared, as `drift` sets it aside: in a folder
    without mizzle's sidecar, the functions, triggers, … its snapshots have no field for (SQLAlchemy-Continuum's
    native versioning makes them by DDL listeners, and views where they have no field for them either:
    `track_views`), and the schemas its tables imply; last, notes explaining the differences (a search_path lacking
    the schema of the database's extensions: Dialect.off_path_note)."""
    from ..commands.drift import (
        holds_comments,
        implied_schemas,
        untracked_extensions,
        untracked_grants,
        without_sidecar_objects,
    )
    from ..schema.bookkeeping import set_aside
    from ..schema.compare import canonical, lines, renamed_by_definition
    from ..sources.database import introspect_url

    dialect = dialects.get(db.dialect)
    comments = holds_comments(folder)
    expected = implied_schemas(expected)
    aside: list[str] = []
    if not dialect.canonical_forms:  # SQLite: compared on what its catalog keeps (no constraint names), as drift
        live, found = set_aside(expected, introspect_url(db, scope, connect_timeout=connect_timeout))
        if not comments:
            live, aside = without_sidecar_objects(live, expected, track_views)
        notes: list[_Held] = []
        if found:
            with dialect.connect(db, connect_timeout=connect_timeout, application_name="mizzle baseline") as conn:
                notes = [_bookkeeping_note(conn, f, schemas=False) for f in found]
        comparable, live = dialect.comparable(expected), dialect.comparable(live)
        # its catalog keeps the names of indexes (not of constraints): those are adopted, as on PostgreSQL
        named = [a for a in renamed_by_definition(comparable, live) if a[2] == "index"]
        # and which of its uniques are its tables' own (a UNIQUE of the CREATE TABLE: Index.inline), as it has them
        named += [(t.schema, t.name, "inline", i.name, i.name) for t in live.tables for i in t.indexes if i.inline]
        return lines(comparable, live), named, notes, aside, []
    with dialect.connect(db, connect_timeout=connect_timeout, application_name="mizzle baseline") as conn:
        live, found = set_aside(expected, dialect.introspect(conn, scope))
        if not comments:
            live, aside = without_sidecar_objects(live, expected, track_views)
        aside += untracked_extensions(expected, live) + untracked_grants(expected, live)  # as drift lists them
        changes = lines(expected, live, comments=comments, conn=conn)
        adopted = renamed_by_definition(canonical(expected, comments=comments), canonical(live, comments=comments))
        notes = [_bookkeeping_note(conn, f, schemas=True) for f in found]
        why = dialect.off_path_note(conn, changes) if changes else []
    return changes, adopted, notes, aside, why


@dataclass(frozen=True)
class _Held:
    """Another migration tool's bookkeeping the database has (`name`, of `tool`; Alembic's with the revision it is
    `at`), and what baseline says of it once the baseline is recorded, or when it is refused."""

    tool: str
    name: str
    at: str = ""

    @property
    def success(self) -> str:
        if self.tool == "Alembic":
            return (f"found an Alembic-managed database ({self.name}{self.at}): once this "
                    f"baseline is recorded mizzle manages the schema, and Alembic can be retired (drop "
                    f"{self.name} when you no longer need it; mizzle leaves it alone)")
        return (f"found {self.tool}'s bookkeeping ({self.name}, not compared): once this baseline is recorded mizzle "
                f"manages the schema, and {self.tool} can be retired (drop {self.name} when you no longer need it; "
                "mizzle leaves it alone)")

    @property
    def failure(self) -> str:
        return (f"the database has {self.tool}'s {self.name}{self.at} (set aside: not among the differences, and "
                f"mizzle leaves it alone): if {self.tool} has migrations not applied here yet, the database may be "
                f"behind the schema this folder describes — apply them with {self.tool} first, then run baseline again")


def _bookkeeping_note(conn: Any, found: Any, schemas: bool) -> _Held:
    """What baseline says of a database another migration tool managed (`found`: a schema/bookkeeping.Found);
    Alembic's revision is read through the server's `conn`. `schemas` False: a database without schemas (SQLite)."""
    name = found.label(schemas)
    if not found.is_alembic:
        return _Held(found.kind.tool, name)
    table = f'"{found.schema}"."{found.kind.name}"' if schemas else f'"{found.kind.name}"'
    try:
        versions = [str(r[0]) for r in conn.execute(f"SELECT version_num FROM {table}").fetchall() if r[0]]
        at = f" at revision {', '.join(versions)}" if versions else " at no revision"
    except Exception:  # noqa: BLE001 - an alembic_version of another shape: still Alembic's table
        conn.rollback()
        at = " at an unreadable revision"
    return _Held("Alembic", name, at)


def _adopt_names(folder: MigrationFolder, target: Migration, adopted: list[tuple[str, str, str, str, str]],
                 sidecar: bool = False, bare: bool = False) -> list[str]:
    """The constraints and indexes matched by definition, named in `target`'s snapshot as the database names them,
    so the DDL of later migrations names what the database has. `sidecar` (Dialect.sidecar_server_names, drizzle-kit
    0.x's layout): each keeps the code's name in the snapshot and the database's becomes its server name in the
    sidecar entry (renamed in the snapshot, `generate` would rename it back to the code's); otherwise they are
    renamed in the snapshot. `bare`: the sidecar names a table without its schema (Dialect.embedded: SQLite)."""
    from ..migrations.folder import dump_json, write_atomic

    snap = folder.read_snapshot(target)
    path = target.snapshot_path
    if snap is None or path is None:
        return []
    sections = {"unique": "uniqueConstraints", "foreign key": "foreignKeys", "check": "checkConstraints",
                "index": "indexes", "primary key": "compositePrimaryKeys"}
    by_server_name = set(sections) if sidecar and not folder.uses_folders else set()
    side = folder.read_sidecar() if by_server_name else {}
    done, renamed, sided = [], False, False
    for schema, table, kind, old, new in adopted:
        t = (snap.get("tables") or {}).get(f"{schema}.{table}") or (snap.get("tables") or {}).get(table)
        sec = t.get(sections[kind]) if isinstance(t, dict) else None
        if not isinstance(sec, dict):
            continue
        key = next((k for k, v in sec.items() if k == old or (isinstance(v, dict) and v.get("name") == old)), None)
        if key is None or new in sec:
            continue
        done.append(f"{kind} {old} → {new} on {table if schema == 'public' else schema + '.' + table}")
        if kind in by_server_name and not _single_column_key(kind, sec[key]):
            entry = side.setdefault("snapshots", {}).setdefault(snap.get("id"), {})
            row = entry.setdefault("tables", {}).setdefault(table if bare else f"{schema}.{table}", {})
            # the table's one key: its sidecar entry is `primaryKey` (a composite key's `serverName`)
            place = row.setdefault("primaryKey", {}) if kind == "primary key" else \
                row.setdefault(sections[kind], {}).setdefault(key, {})
            place["serverName"] = new
            sided = True
            continue
        value = sec.pop(key)
        if isinstance(value, dict) and "name" in value:
            value["name"] = new
        sec[new] = dict(value) if isinstance(value, dict) else value
        renamed = True
    if renamed:
        path.write_text(dump_json(snap), encoding="utf-8")
    if sided:
        side.setdefault("version", 1)
        write_atomic(folder.sidecar_path, dump_json(side) + "\n")
    return done


def _single_column_key(kind: str, entry: Any) -> bool:
    """A primary key over one column the code names (`pk_users`) where the database has the unnamed key's
    `users_pkey`: the database reads it back as unnamed, so it is renamed in the snapshot (the next migration renames
    it to the code's name) rather than given a server name."""
    return kind == "primary key" and isinstance(entry, dict) and len(entry.get("columns") or ()) == 1


def _adopt_inline(folder: MigrationFolder, target: Migration, inline: list[tuple[str, str]]) -> list[str]:
    """Mark, in the sidecar entry of `target`'s snapshot, the unique indexes ((table, name)) the database has as a
    UNIQUE of the table's CREATE TABLE (SQLite: create_all's, Alembic's), where the folder's SQL made them with
    CREATE UNIQUE INDEX: DROP INDEX cannot drop those, so a later migration dropping or changing one rebuilds the
    table, which works on both databases. A note for each."""
    from ..migrations.folder import dump_json, write_atomic
    from ..migrations.inline_marks import add_mark, prune

    snap = folder.read_snapshot(target)
    if snap is None or target.snapshot_path is None or not inline:
        return []
    side = folder.read_sidecar()
    entry = side.setdefault("snapshots", {}).setdefault(snap.get("id"), {})
    done = []
    for table, name in inline:
        t = (snap.get("tables") or {}).get(table)
        ix = ((t or {}).get("indexes") or {}).get(name)
        # not an index of the snapshot (a `uniqueConstraints` one is its table's already), or marked already
        if isinstance(ix, dict) and ix.get("isUnique") and add_mark(entry, table, name):
            done.append(f"snapshot of {target.tag}: unique index {name} on {table} is a UNIQUE of the table's CREATE "
                        "TABLE in this database (SQLite cannot DROP INDEX it): a later migration dropping or changing "
                        "it rebuilds the table")
    prune(entry)
    if done:
        side.setdefault("version", 1)
        write_atomic(folder.sidecar_path, dump_json(side) + "\n")
    return done


def baseline(config: Config, *, url: str, to: str | None = None, force: bool = False, reason: str | None = None,
             lock_timeout: float | None = None, connect_timeout: float = 10, actor: str | None = None,
             on_wait: Callable[[str], None] | None = None) -> BaselineResult:
    """Record every migration up to `to` (default: the latest) as applied on a database that already holds the
    schema, after checking by introspection that it matches the snapshot of `to` (IntegrityError, exit 3,
    listing the differences; `force` records anyway). Refuses (exit 3) when one of them is already applied
    with another hash."""
    from functools import partial

    refuse_tenant_folder(config, "baseline")
    who = actor or current_actor()
    folder = MigrationFolder(config.out_dir, config.dialect)
    out = BaselineResult(url="", to="", actor=who)
    _must_exist(parse_url(url))
    check = partial(_baseline_skip if force else _baseline_compare, config, folder, to, out, connect_timeout)
    with _locked(url, folder.path, table=config.table, tracking_schema=config.tracking_schema,
                 lock_timeout=lock_timeout, connect_timeout=connect_timeout, command="baseline", on_wait=on_wait,
                 before_state=check) as s:
        out.url = s.db.masked
        records = _baseline_records(s, folder, out, reason, who)
        later = [m.tag for m in s.migrations[[m.tag for m in s.migrations].index(out.to) + 1:] if s.has_row(m)]
        if later:
            out.warnings.append(f"migrations after {out.to} are already applied: {', '.join(later)}")
        s.record(records)
        out.marked = [r.tag for r, _ in records]
    return out


def _baseline_target(folder: MigrationFolder, to: str | None, out: BaselineResult, hint: str | None) -> Migration:
    migrations = folder.migrations()
    if not migrations:
        raise UsageError(f"the migrations folder {folder.path} has no migrations: nothing to baseline", hint)
    target = _find(migrations, to) if to else migrations[-1]
    out.to = target.tag
    return target


def _baseline_compare(config: Config, folder: MigrationFolder, to: str | None, out: BaselineResult,
                      connect_timeout: float, db: DatabaseURL, backend: RunnerBackend) -> None:
    """Before the tracking rows are read: the database must match the snapshot of the target (exit 3 listing
    the differences); constraint names matched by definition are adopted into the snapshot."""
    target = _baseline_target(folder, to, out, "Write the first migration (`mizzle generate`, or `mizzle pull` from "
                                                "this database).")
    changes, adopted, why, held = _baseline_read(config, folder, target, out, connect_timeout, db)
    if changes:
        why = [h.failure for h in held] + why
        raise IntegrityError(
            f"{db.masked} does not match the snapshot of {target.tag} in {len(changes)} place(s); nothing "
            "was recorded",
            "\n".join(f"  {c}" for c in changes) + "\n(+ only in the database, - only in the snapshot, "
            f"~ different.) Bring the database in line, {_baseline_to(folder, to, target, backend)}"
            "or pass --force to record it without comparing." + "".join(f"\nnote: {n}" for n in why))
    out.checked = True
    out.notes += [h.success for h in held]
    _baseline_adopt(folder, target, out, adopted, db)


def _baseline_to(folder: MigrationFolder, to: str | None, target: Migration, backend: RunnerBackend) -> str:
    """The advice to baseline to another migration: with no --to given, the one another tool's record on the database
    names as its last applied (Wrangler's d1_migrations: runner.adoption), where that is not `target`."""
    from .adoption import recorded_elsewhere

    other = recorded_elsewhere(backend, folder.migrations()) if to is None else None
    if other is None or other.last is None or other.last == target.tag:
        return "baseline to the migration it does match (--to TAG), "
    return (f"baseline to the migration it does match ({other.table} ({other.tool}'s) records {len(other.recorded)} "
            f"of this folder's {other.total} migrations as applied, the last {other.last}: `mizzle baseline --to "
            f"{other.last}` compares the database with its snapshot instead), ")


def _baseline_read(config: Config, folder: MigrationFolder, target: Migration, out: BaselineResult,
                   connect_timeout: float, db: DatabaseURL
                   ) -> tuple[list[str], list[tuple[str, str, str, str, str]], list[str], list[_Held]]:
    """The differences between the database and the snapshot of `target`, and the names the snapshot takes from
    the database (constraints and indexes matched by definition under another name), and notes explaining the
    differences."""
    from ..commands.drift import snapshot_model
    from ..sources.database import scope_for

    scope = scope_for(config)
    snapshot, views = snapshot_model(folder, target, db.dialect)
    expected = scope.restrict(snapshot)
    changes, adopted, held, aside, why = _compare_live(db, scope, expected, folder, connect_timeout, views)
    out.warnings += aside
    return changes, _not_held(expected, adopted), why, held


def _not_held(expected: Any, adopted: list[tuple[str, str, str, str, str]]) -> list[tuple[str, str, str, str, str]]:
    """The database's names `expected` does not already hold as the server's name of its object: drizzle-kit
    1.x's rows keep one the code names otherwise (`<old>_pkey` after a rename; drizzle-kit 0.x's
    `<table>_<col>_<ref>_<refcol>_fk` in a folder its `up` converted, vercel/ai-chatbot's), and mizzle drops and
    changes the object by it."""
    held = {(t.schema, t.name, o.server_name) for t in expected.tables
            for o in (*t.foreign_keys, *t.uniques, *t.checks, *t.indexes, t.primary_key)
            if o is not None and getattr(o, "server_name", None)}
    return [a for a in adopted if a[2] == "inline" or (a[0], a[1], a[4]) not in held]


def _baseline_adopt(folder: MigrationFolder, target: Migration, out: BaselineResult,
                    adopted: list[tuple[str, str, str, str, str]], db: DatabaseURL) -> None:
    if adopted:
        d = dialects.get(db.dialect)
        names = [a for a in adopted if a[2] != "inline"]
        if names and not _written_as_read(folder, target):
            out.warnings.append(_names_not_recorded(target, names))
        else:
            out.renamed = _adopt_names(folder, target, names, d.sidecar_server_names, d.embedded)
        out.notes += _adopt_inline(folder, target, [(a[1], a[4]) for a in adopted if a[2] == "inline"])


def _written_as_read(folder: MigrationFolder, target: Migration) -> bool:
    """Whether `target`'s snapshot file holds the JSON `read_snapshot` gives, so that JSON can be written back into it.
    Not drizzle-kit 1.x's PostgreSQL `snapshot.json` (version "9": a diff of its parents' rows, read through the
    folder's graph as v7 JSON): written back, it held v7 JSON, which drizzle-kit 1.x refuses ("not of the latest
    version"), and the names of its rows were not the database's anyway."""
    from ..migrations.metafiles import load_json_or_none

    if not folder.uses_folders:
        return True
    raw = load_json_or_none(target.snapshot_path) if target.snapshot_path is not None else None
    read = folder.read_snapshot(target)
    return isinstance(raw, dict) and isinstance(read, dict) and str(raw.get("version")) == str(read.get("version"))


def _names_not_recorded(target: Migration, names: list[tuple[str, str, str, str, str]]) -> str:
    """The warning for the database's names a snapshot in drizzle-kit 1.x's layout cannot take (`_written_as_read`)."""
    listed = [f"{kind} {old} is {new} on {table if schema == 'public' else schema + '.' + table}"
              for schema, table, kind, old, new in names]
    shown = "; ".join(listed[:5]) + (f"; … ({len(listed) - 5} more)" if len(listed) > 5 else "")
    return (f"the database names {len(names)} constraint(s) or index(es) otherwise than the snapshot of {target.tag} "
            f"({shown}), and mizzle does not record a database's own names in drizzle-kit 1.x's snapshot.json yet: "
            "the snapshot is left as it is, so a later migration dropping or changing one of them names what this "
            "database does not have and fails there. Name them in the schema code as the database does (`name=`), or "
            "rename them on the database")


def _baseline_skip(config: Config, folder: MigrationFolder, to: str | None, out: BaselineResult,
                   connect_timeout: float, db: DatabaseURL, backend: RunnerBackend) -> None:
    """`--force`: no comparison, a warning instead. The names the database gives the snapshot's constraints and
    indexes are facts of the database all the same (`plugin_slug_key` that `create_all` made, where the snapshot
    has drizzle-kit's `plugin_slug_unique`; SQLite's uniques of a CREATE TABLE): they are read and adopted as
    a compared baseline adopts them, or a later migration dropping one names what the database does not have."""
    from ..errors import MizzleError

    target = _baseline_target(folder, to, out, None)
    out.checked = False
    out.warnings.append(f"--force: {db.masked} was not compared with the snapshot of {out.to}; "
                        "`mizzle drift` shows how far it is from it")
    try:
        _, adopted, _, held = _baseline_read(config, folder, target, out, connect_timeout, db)
    except MizzleError as e:
        out.warnings.append(f"--force: the database could not be read ({e.message}), so the names it gives "
                            "constraints and indexes are not taken into the snapshot: a later migration dropping or "
                            "changing one may name what the database does not have")
        return
    out.notes += [h.success for h in held]
    _baseline_adopt(folder, target, out, adopted, db)


def _baseline_records(s: Any, folder: MigrationFolder, out: BaselineResult, reason: str | None,
                      who: str) -> list[tuple[AppliedRecord, str]]:
    """The rows baseline writes for the migrations up to `out.to`; IntegrityError (nothing recorded) when one
    is missing or applied with another hash, or the database has rows the folder does not list."""
    upto = s.migrations[:[m.tag for m in s.migrations].index(out.to) + 1]
    problems = []
    records = []
    for m in upto:
        st = s.states[m.tag]
        if st.state == MISSING_FILE:
            problems.append(f"{m.file} is missing")
        elif st.state == MODIFIED:
            problems.append(f"{m.tag} is already applied with another hash ({st.applied_hash}; the file's is "
                            f"{st.file_hash}): if the database has the file's current text, accept it with "
                            f"`mizzle mark {m.tag} --applied`, then rerun baseline")
        elif s.has_row(m):
            out.already_applied.append(m.tag)
        else:
            records.append((_record(m, BASELINE, reason or f"baseline up to {out.to}", who,
                                    clear_progress=m.when in s.state.progress), "insert"))
    known = {m.when for m in s.migrations}
    unknown = sorted(applied_whens(s.migrations, s.state.rows) - known)
    if unknown:
        problems.append(f"the database has {len(unknown)} applied migration(s) that {folder.path} does not list "
                        f"(created_at {', '.join(map(str, unknown[:5]))}{' …' if len(unknown) > 5 else ''}): "
                        "is it managed by another migrations folder? Check --url and `out`")
    if problems:
        raise IntegrityError(f"cannot baseline {s.db.masked}: " + problems[0] + "; nothing was recorded",
                             "\n".join(f"  - {p}" for p in problems[1:]) or None)
    return records


def record_pulled(config: Config, *, url: str, tag: str, connect_timeout: float = 10) -> list[str]:
    """`pull`'s baseline recorded as applied on the database it was just pulled from (no comparison: its
    snapshot was made from that very introspection). Not when the tracking table already has rows (another
    history manages that database): a warning says so instead. Returns the warnings."""
    with _locked(url, config.out_dir, table=config.table, tracking_schema=config.tracking_schema,
                 lock_timeout=None, connect_timeout=connect_timeout, command="pull") as s:
        m = _find(s.migrations, tag)
        others = [r for r in s.state.rows if r.created_at != m.when]
        if others:
            return [f"{s.db.masked} already has {len(others)} row(s) in {s.backend.tracking.display} (another "
                    f"migrations folder manages it?): {m.tag} was not recorded as applied there; once that is "
                    f"sorted out, `mizzle baseline --to {m.tag}` records it"]
        if not s.has_row(m):
            s.record([(_record(m, BASELINE, "pulled from this database by mizzle pull", current_actor(),
                               clear_progress=False), "insert")])
        return []


# -- drop ------------------------------------------------------------------------------------------------------

@dataclass
class DropResult:
    tag: str
    removed: list[str] = field(default_factory=list)  # paths
    database: str | None = None  # masked URL checked, None when not checked (--force)
    checked: bool = False
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "removed": self.removed, "database": self.database, "checked": self.checked,
                "warnings": self.warnings}


def configured_url(config: Config, url: str | None = None, env: str | None = None) -> str | None:
    """The database the project is configured for, or None when only the built-in default would be used and it
    does not exist (no database to ask)."""
    from ..config import DEFAULT_URL

    resolved = config.resolve_url(url, env)
    if resolved != DEFAULT_URL or url or env or config.env or os.environ.get("DATABASE_URL") or config.url:
        return resolved
    from .. import dialects

    db = parse_url(resolved)
    path = dialects.get(db.dialect).database_file(db) if dialects.is_embedded(config.dialect) else None
    return resolved if path is not None and Path(path).exists() else None


def drop(config: Config, *, url: str | None, tag: str | None = None, force: bool = False,
         connect_timeout: float = 10) -> DropResult:
    """Remove the latest migration (SQL file, snapshot, journal entry, sidecar entry) after checking that the
    database at `url` has not applied it. Refused (exit 6) if it has; with `url` None or the database
    unreachable, only with `force`. `tag`, if given, must name the latest migration (UsageError otherwise)."""
    folder = MigrationFolder(config.out_dir, config.dialect)
    if not folder.path.is_dir():
        raise UsageError(f"migrations folder {folder.path} does not exist: nothing to drop")
    journal = folder.read_journal()
    migrations = folder.migrations(journal)
    if not migrations:
        raise UsageError(f"the migrations folder {folder.path} has no migrations: nothing to drop")
    latest = migrations[-1]
    if tag is not None:
        target = _find(migrations, tag)
        if target is not latest:
            raise UsageError(
                f"{target.tag} is not the latest migration ({latest.tag}); only the latest can be dropped",
                f"Dropping an older one would break the history of those after it. To undo {target.tag}'s changes, "
                f"write a new migration: `mizzle revert {target.tag}`.")
    out = DropResult(tag=latest.tag)
    if url is None:
        if not force:
            raise Refused(f"no database is configured to check whether {latest.tag} was applied; nothing was removed",
                          "Pass --url/--env (or set DATABASE_URL) so drop can check, or --force if you know no "
                          "database applied it.")
        out.warnings.append(f"--force: no database checked; make sure none applied {latest.tag}")
    else:
        _refuse_if_applied(out, migrations, url, config, force, connect_timeout)
    out.removed = [str(p) for p in _remove(folder, journal, latest)]
    return out


def _refuse_if_applied(out: DropResult, migrations: list[Migration], url: str, config: Config, force: bool,
                       connect_timeout: float) -> None:
    m = migrations[-1]
    db = parse_url(url)
    try:
        _must_exist(db)
        backend = open_backend(db, TrackingTable.of(db.dialect, config.table, config.tracking_schema,
                                                    names=MigrationFolder(config.out_dir).uses_folders),
                               connect_timeout=connect_timeout, application_name="mizzle drop")
    except ConnectError as e:
        if not force:
            raise ConnectError(f"{e.message}; cannot check whether {m.tag} was applied, nothing was removed",
                               (e.details + "\n" if e.details else "") + "Pass --force to drop it without checking.") from None
        out.warnings.append(f"--force: {db.masked} is unreachable ({e.message}); make sure it did not apply {m.tag}")
        return
    try:
        state = backend.read_state(create=False, with_audit=True)
    finally:
        backend.close()
    rows = rows_of(migrations, state.rows)[m.tag]
    if rows or m.when in state.progress:
        entry = (state.audit or {}).get(m.when)
        at = entry.applied_at if entry is not None else None
        rolled = entry is not None and entry.action == MARKED_ROLLED_BACK
        how = "partly applied" if not rows else ("recorded as rolled back by hand" if rolled else "applied")
        why = ("its tracking row would be left with no journal entry" if rolled
               else "that database would be left ahead of the folder")
        raise Refused(
            f"{m.tag} is {how} on {db.masked}"
            + (f" (since {at:%Y-%m-%d %H:%M:%S%z})" if hasattr(at, "strftime") else "")
            + f"; dropping it, {why}. Nothing was removed",
            f"Write a new migration that undoes it instead: `mizzle revert {m.tag}`.")
    out.database = db.masked
    out.checked = True


def _must_exist(db: DatabaseURL) -> None:
    """A SQLite file that does not exist has applied nothing; opening it would create it."""
    from .. import dialects

    dialect = dialects.get(db.dialect)
    path = dialect.database_file(db)
    if path is not None and path != ":memory:" and not Path(path).exists():
        raise ConnectError(f"{dialect.title} database {path} does not exist")


def _remove(folder: MigrationFolder, journal: Any, m: Migration) -> list[Path]:
    from ..migrations.metafiles import load_json_or_none

    removed: list[Path] = []
    snap = load_json_or_none(m.snapshot_path) if m.snapshot_path is not None else None
    snap_id = snap.get("id") if isinstance(snap, dict) else None
    # the journal first: if anything below fails, `check` reports a stray file rather than a missing one
    if not folder.uses_folders:
        journal.entries = [e for e in journal.entries if e.tag != m.tag or e.when != m.when]
        folder.write_journal(journal)
        removed.append(folder.journal_path)
    if snap_id is not None and folder.sidecar_path.is_file():
        side = folder.read_sidecar()
        snaps = side.get("snapshots")
        if isinstance(snaps, dict) and snap_id in snaps:
            del snaps[snap_id]
            from ..migrations.folder import dump_json, write_atomic

            if not snaps and set(side) <= {"version", "snapshots"}:
                folder.sidecar_path.unlink()
            else:
                write_atomic(folder.sidecar_path, dump_json(side) + "\n")
            removed.append(folder.sidecar_path)
    for p in (m.snapshot_path, m.sql_path):
        if p is not None and p.is_file():
            p.unlink()
            removed.append(p)
    if folder.uses_folders or m.sql_path.parent != folder.path:
        try:
            m.sql_path.parent.rmdir()
            removed.append(m.sql_path.parent)
        except OSError:
            pass  # other files were left in it: not ours to delete
    return removed


__all__ = ["BaselineResult", "DropResult", "MarkResult", "baseline", "configured_url", "current_actor", "drop",
           "mark", "record_pulled"]

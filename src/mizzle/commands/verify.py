"""`verify`: replay a migrations folder into a scratch database, one migration at a time, and compare what
each one built with its snapshot (naming the first that diverges), then the end result with the schema code.
The same replay rebuilds lost snapshots (`check --rebuild-snapshots`).

Where the scratch database lives (PostgreSQL), first match wins: `--scratch-url`'s server; the server of the
project's URL (--url / --env / DATABASE_URL / config) when that is a PostgreSQL URL; else a throwaway local
cluster started from the installed binaries (dialects/postgres/scratch.py). On the server, the scratch database
is `mizzle_verify_<random>`, dropped on success, failure, Ctrl-C and SIGTERM. SQLite replays into a temporary file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..dburl import DatabaseURL, parse_url
from ..errors import IntegrityError, MizzleError, StatementFailed
from ..migrations.folder import ROOT_ID, Migration, MigrationFolder
from ..migrations.folders1 import MADE_UP_KEY
from ..migrations.snapshots import schema_from_snapshot
from ..planning.tenant import refuse_tenant_folder
from ..schema.model import Schema
from .drift import has_views_field
from .view_stars import StarViews

if TYPE_CHECKING:
    from ..config import Config
    from ..migrations.kept_spellings import IndexTexts
    from ..schema.scope import Scope

# -- the scratch database ------------------------------------------------------------------------------

class Scratch(NamedTuple):
    url: str
    where: str  # for messages: "database mizzle_verify_… on host:port", "a throwaway local cluster", …


@contextmanager
def scratch_target(dialect: str, url: str | None = None, scratch_url: str | None = None, *,
                   connect_timeout: float = 10, flag: str = "--scratch-url") -> Iterator[Scratch]:
    """A new, empty database to replay into, removed whatever happens. PostgreSQL: on the server of
    `scratch_url`, else of `url` when it is a PostgreSQL URL, else in a throwaway local cluster. SQLite: a
    file in a temporary folder."""
    from .. import dialects

    with dialects.get(dialect).scratch(url, scratch_url, connect_timeout=connect_timeout, flag=flag) as (at, where):
        yield Scratch(at, where)


# -- replay ----------------------------------------------------------------------------------------------

class _StepReporter:
    """Receives the runner's progress; after each migration commits, introspects the scratch database. `last`: the
    model read after the latest migration (None before the first)."""

    def __init__(self, on_step: Callable[[str, Schema, Any], None], introspect: _Introspect) -> None:
        self.on_step, self.introspect = on_step, introspect
        self.last: Schema | None = None

    def warn(self, message: str) -> None:
        pass

    def info(self, message: str) -> None:
        pass

    def start(self, result: Any) -> None:
        pass

    def finish(self, result: Any) -> None:
        self.last = self.introspect()
        self.on_step(result.tag, self.last, self.introspect.conn)


class _Introspect:
    """Returns the model of the database behind `conn` (within `scope`) each time it is called; `conn` is
    None on SQLite (no server to ask for canonical forms)."""

    def __init__(self, conn: Any, dialect: str, scope: Scope, table: str, names: bool = False) -> None:
        self.raw, self.dialect, self.scope, self.table, self.names = conn, dialect, scope, table, names
        from .. import dialects

        self.conn = conn if dialects.get(dialect).canonical_forms else None

    def __call__(self) -> Schema:
        from .drift import introspect_connection

        return introspect_connection(self.raw, self.dialect, self.scope, self.table, names=self.names)


@contextmanager
def _introspector(db: DatabaseURL, scope: Scope, table: str, names: bool = False) -> Iterator[_Introspect]:
    """An `_Introspect` of the database `db`."""
    from .. import dialects

    with dialects.get(db.dialect).connect(db, application_name="mizzle verify") as conn:
        yield _Introspect(conn, db.dialect, scope, table, names)


def replay(folder: str | Path, scratch_url: str, scope: Scope, on_step: Callable[[str, Schema, Any], None], *,
           table: str = "__drizzle_migrations", tracking_schema: str = "drizzle",
           on_end: Callable[[Schema, Any], None] | None = None, watch: bool = True,
           migrations: list[Migration] | None = None, names: bool = False) -> Schema:
    """Apply every migration of `folder` to the (empty) scratch database with the runner, calling
    `on_step(tag, introspected model, connection)` after each (the connection: psycopg on PostgreSQL, to ask
    the server for canonical forms; None on SQLite) and `on_end(final model, connection)` at the end; returns
    the final model. A statement that fails is an IntegrityError naming the migration. `watch`: let the dialect
    tell what each migration changed from the server's own log (`Dialect.watch_replay`), where it can.
    `migrations`: the folder's, where the caller has loaded them (else read here). `names`: each model with the
    constraint names the database has, not in the form compared with a snapshot (`drift.comparable`)."""
    from .. import dialects
    from ..runner.migrate import load_folder, migrate

    db = parse_url(scratch_url)
    texts = [m.text for m in (migrations if migrations is not None else load_folder(folder, db.dialect)[0])]
    with _introspector(db, scope, table, names) as introspect_now, \
            dialects.get(db.dialect).replay_leftovers(introspect_now.raw, texts):
        reporter = _StepReporter(on_step, introspect_now)
        try:
            with dialects.get(db.dialect).watch_replay(introspect_now.raw, texts) if watch else nullcontext():
                migrate(url=scratch_url, folder=folder, transaction="each", table=table,
                        tracking_schema=tracking_schema, reporter=reporter)
        except StatementFailed as e:
            raise IntegrityError(f"replaying the folder into a scratch database failed: {e.message}",
                                 e.details) from None
        # speed: nothing the runner does after the last migration's commit touches the schema (its lock, the audit
        # row), so the database is as the last step read it: not read again (a whole read, ~50 ms on dokploy, the
        # watch's log being gone by now)
        final = reporter.last if reporter.last is not None else introspect_now()
        if on_end is not None:
            on_end(final, introspect_now.conn)
        return final


# -- verify ----------------------------------------------------------------------------------------------

@dataclass
class StepResult:
    tag: str
    compared: bool  # False: no snapshot to compare with
    changes: list[str] = field(default_factory=list)  # the replayed database relative to the snapshot
    reason: str | None = None  # why it was not compared: the snapshot is missing, or mizzle could not read it
    notes: list[str] = field(default_factory=list)  # what explains a change better than a hand edit

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "compared": self.compared, "matches": self.compared and not self.changes,
                "changes": self.changes, "not_compared_because": self.reason, "notes": self.notes}


@dataclass
class VerifyResult:
    steps: list[StepResult] = field(default_factory=list)
    code_changes: list[str] | None = None  # schema code relative to the replayed database (None: not compared)
    scratch: str = ""  # where the replay ran
    unmanaged: list[str] = field(default_factory=list)  # what the migrations create that mizzle does not manage

    @property
    def first_divergence(self) -> StepResult | None:
        return next((s for s in self.steps if s.changes), None)

    @property
    def not_compared(self) -> list[StepResult]:
        return [s for s in self.steps if not s.compared]

    @property
    def ok(self) -> bool:
        """Everything compared, and everything matched: a check that compared nothing never says ok."""
        return self.first_divergence is None and not self.code_changes and not self.not_compared

    def to_json(self) -> dict[str, Any]:
        first = self.first_divergence
        return {"ok": self.ok, "first_divergence": first.tag if first else None,
                "not_compared": [s.tag for s in self.not_compared],
                "migrations": [s.to_json() for s in self.steps], "schema_code_changes": self.code_changes,
                "scratch": self.scratch, "unmanaged": self.unmanaged}


def verify(config: Config, *, url: str | None = None, scratch_url: str | None = None,
           connect_timeout: float = 10, on_step: Callable[[StepResult], None] | None = None,
           incremental: bool = True) -> VerifyResult:
    """Replay `config`'s folder into a scratch database (see `scratch_target`: on the server of `scratch_url`,
    else of `url`, else in a throwaway local cluster; a temporary file on SQLite), compare each migration's
    result with its snapshot and the end result with the schema code. `incremental=False` learns each step's
    changes from fingerprints instead of the server's own log (ddl_watch.py) and compares every step from scratch
    (no RepeatMemo): the same result, slower; for tests of those speed tricks.

    Returns the result (check `.ok`); raises UsageError when no scratch database can be created,
    IntegrityError when a migration fails to apply, ConnectError when the server is unreachable or the
    throwaway cluster does not start."""
    from ..runner.migrate import load_folder, require_files
    from ..sources.database import scope_for
    from .drift import comparable, holds_comments
    from .generate import load_code_schema

    refuse_tenant_folder(config, "verify")
    code = load_code_schema(config)[0] if config.schema else None  # fail on a broken schema module first
    migrations = require_files(load_folder(config.out_dir, config.dialect)[0])
    folder = MigrationFolder(config.out_dir, config.dialect)
    sidecar = folder.read_sidecar()
    scope = scope_for(config)
    result = VerifyResult()

    deliver = partial(_deliver, result.steps, on_step)
    comparer = StepComparer(config, folder, migrations, sidecar, scope, holds_comments(folder), incremental)

    def end(final: Schema, conn: Any, aside: list[str]) -> None:
        if code is not None:  # the code's expressions asked of the server, names matched by definition
            from ..schema.bookkeeping import kept_note, kept_undeclared

            declared, kept = kept_undeclared(final, comparable(scope.restrict(code)))  # as generate keeps them
            result.code_changes = _schema_code_changes(declared, final, conn, comparer.comments)
            aside = aside + ([kept_note(kept, "what the migrations built")] if kept else [])
        if conn is not None:  # views, functions, triggers… the SQL creates: not compared, listed
            from .. import dialects

            result.unmanaged = dialects.get(config.dialect).unmanaged(conn, scope) + aside

    with scratch_target(config.dialect, url, scratch_url, connect_timeout=connect_timeout) as scratch:
        result.scratch = scratch.where
        comparer.compare(scratch.url, deliver, end)
    return result


def _schema_code_changes(code: Schema, final: Schema, conn: Any, sidecar: bool) -> list[str]:
    """The schema code compared with what the migrations built (`- …`: only in the migrations' result). In a
    folder without mizzle's sidecar, a function, trigger, domain… the migrations' SQL makes by hand that the code
    does not declare is no difference: its snapshots cannot record one, so drift and each step list it instead
    (`aside`), and `generate` does not touch it (SQLAlchemy-Continuum's audit triggers, DDL the code hands to
    create_all and a `--custom` migration makes). One the code declares is compared."""
    from ..schema.compare import lines
    from .drift import without_sidecar_objects

    full = lines(code, final, conn=conn, reverse=True)
    if sidecar or not any(x.startswith("- ") for x in full):
        return full
    lean = set(lines(without_sidecar_objects(code)[0], without_sidecar_objects(final, code)[0], conn=conn,
                     reverse=True))
    return [x for x in full if x in lean or not x.startswith("- ")]


@dataclass
class StepComparer:
    """What verify's replay compares: the folder, how it is read, and the speed tricks on or off."""

    config: Config
    folder: MigrationFolder
    migrations: list[Migration]
    sidecar: dict[str, Any]
    scope: Scope
    comments: bool  # the folder can hold comments (mizzle's sidecar)
    incremental: bool

    def compare(self, scratch_url: str, deliver: Callable[[StepResult], object],
                end: Callable[[Schema, Any, list[str]], None] | None = None) -> None:
        """Replay the folder into the empty database `scratch_url`, comparing each migration's result with its
        snapshot, `deliver`ing each step's result in order; `end(final model, connection, set-aside objects)` at
        the end."""
        from ..schema.compare import RepeatMemo

        memo = RepeatMemo() if self.incremental else None
        aside: list[str] = []  # the last step's objects a folder without a sidecar cannot record
        snapshots = _SnapshotsAhead(self.folder, self.migrations, self.sidecar) if self.incremental else None
        later = _Later(self.incremental, deliver=deliver)
        by_tag = {m.tag: m for m in self.migrations}
        stars = StarViews(self.config.dialect)

        def step(tag: str, live: Schema, conn: Any) -> None:
            later.wait()  # the previous step's comparison, finished meanwhile, delivered
            expected, why, views = (snapshots.of(tag) if snapshots
                                    else _snapshot(self.folder, by_tag[tag], self.sidecar))
            expected = stars.step(expected, lambda: by_tag[tag].text, live)
            later.start(_compared(tag, expected, why, live, conn, scope=self.scope, comments=self.comments,
                                  memo=memo, aside=aside, sql=lambda: by_tag[tag].text,
                                  track_views=self.comments or views))

        def at_end(final: Schema, conn: Any) -> None:
            later.wait()
            if end is not None:
                end(final, conn, aside)

        with snapshots if snapshots else nullcontext(), later:
            replay(self.config.out_dir, scratch_url, self.scope, step, table=self.config.table,
                   tracking_schema=self.config.tracking_schema, on_end=at_end, watch=self.incremental,
                   migrations=self.migrations)


def _deliver(steps: list[StepResult], on_step: Callable[[StepResult], None] | None, s: StepResult) -> None:
    steps.append(s)
    if on_step is not None:
        on_step(s)


def _compared(tag: str, expected: Schema | None, why: str | None, live: Schema, conn: Any, *, scope: Any,
              comments: bool, memo: Any, aside: list[str],
              sql: Callable[[], str] = lambda: "", track_views: bool = True) -> Callable[[], StepResult]:
    """One step: the snapshot's model compared with the database the step built — what asks the server now, the
    rest when the function returned is called (see _Later). A folder without mizzle's sidecar cannot record
    functions, triggers, domains… (nor views, where its snapshots have no field for them: `track_views`): those of
    the database are set aside into `aside`."""
    from ..schema.compare import lines_staged
    from ..schema.diff_security import without_roles
    from .drift import comparable, implied_schemas, without_sidecar_objects
    from .drizzle_kit_notes import drizzle_kit_notes

    if not comments:
        live, aside[:] = without_sidecar_objects(live, expected, track_views)
    if expected is None:
        return lambda: StepResult(tag, compared=False, reason=why)
    # roles are the cluster's: after an early step they already have what later steps gave them
    rest = lines_staged(implied_schemas(comparable(scope.restrict(expected))), without_roles(live),
                        comments=comments, conn=conn, memo=memo)

    def result() -> StepResult:
        changes = rest()
        notes = drizzle_kit_notes(expected, live, sql()) if changes else []
        return StepResult(tag, compared=True, changes=changes, notes=notes)
    return result


class _Later:
    """Speed: the part of a step that needs neither the server nor the next step — comparing the two models once
    the server's forms of the snapshot's expressions are in (schema/compare.py's `staged`); writing a rebuilt
    snapshot — runs on a thread of its own while the replay applies the next migration and reads what it changed
    (the replay then waits for the server, without the GIL). One job at a time, in order: `wait()`, called
    before each step's own start and at the end, gives the previous job's result (its error raised there), so no
    two jobs ever overlap, nor a job the next step's start. `enabled=False` (and the tests of the speed tricks):
    each job runs at once, on the caller's thread. `deliver`: given each job's result (not None), on the caller's
    thread, in order — also when the replay fails after the job started (then its own error is dropped). What it
    buys: on dokploy (interleaved runs) ~6% of verify's wall time, the comparing left after the server's forms."""

    def __init__(self, enabled: bool, deliver: Callable[[Any], object] | None = None) -> None:
        from concurrent.futures import Future, ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mizzle-verify-later") if enabled else None
        self.pending: Future[Any] | None = None
        self.done: list[Any] = []  # a job run at once: its result, until waited for
        self.deliver = deliver

    def start(self, job: Callable[[], Any]) -> None:
        assert self.pending is None and not self.done, "wait() first"
        if self.pool is None:
            self.done.append(job())
        else:
            self.pending = self.pool.submit(job)

    def wait(self) -> None:
        if self.done:
            out = self.done.pop()
        else:
            pending, self.pending = self.pending, None
            out = pending.result() if pending is not None else None
        if out is not None and self.deliver is not None:
            self.deliver(out)

    def __enter__(self) -> _Later:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is not None:  # the replay failed: the step before it is still delivered
            with suppress(Exception):
                self.wait()
        if self.pool is not None:
            self.pool.shutdown(wait=True)  # a job still running (the replay failed meanwhile) ends first


class _SnapshotsAhead:
    """Speed: each migration's snapshot read into a model (`_snapshot`), in order, by one thread of its own, while
    the replay waits for the server (each migration, each introspection), at most `AHEAD` migrations ahead of the
    replay. What it buys: reading dokploy's 186 snapshots (27 MB of JSON) costs ~0.35 s of CPU, most of which is
    now spent during the replay's waits. A thread, not a process: the models come back without being copied. The
    bound keeps the reading beside the replay rather than before it — read as fast as it could go, it took the GIL
    from the replay's first steps, and a replay failing early (sim's 39th of 298 migrations, pgvector missing)
    waited for 1.6 s of snapshots it never needed. Used as a context manager: the reads not yet started are
    cancelled when the replay ends (a migration that fails)."""

    AHEAD = 4

    def __init__(self, folder: MigrationFolder, migrations: list[Migration], sidecar: dict[str, Any]) -> None:
        from concurrent.futures import Future, ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mizzle-snapshots")
        self.read = partial(_snapshot, folder, sidecar=sidecar, tables_memo={})
        self.migrations, self.index = migrations, {m.tag: i for i, m in enumerate(migrations)}
        self.futures: dict[str, Future[tuple[Schema | None, str | None, bool]]] = {}
        self._ahead_of(-1)

    def _ahead_of(self, i: int) -> None:
        for m in self.migrations[i + 1:i + 1 + self.AHEAD]:
            if m.tag not in self.futures:
                self.futures[m.tag] = self.pool.submit(self.read, m)

    def of(self, tag: str) -> tuple[Schema | None, str | None, bool]:
        i = self.index[tag]
        self._ahead_of(i)
        if tag not in self.futures:  # cannot happen (the replay goes in order); to be safe
            self.futures[tag] = self.pool.submit(self.read, self.migrations[i])
        return self.futures.pop(tag).result()

    def __enter__(self) -> _SnapshotsAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        for f in self.futures.values():
            f.cancel()
        self.pool.shutdown(wait=False)


def _snapshot(folder: MigrationFolder, m: Migration, sidecar: dict[str, Any],
              tables_memo: dict[str, Any] | None = None) -> tuple[Schema | None, str | None, bool]:
    """The migration's snapshot as a schema, or None and why: missing, or unreadable (with mizzle's error); and
    whether it has a field for views (drift.has_views_field: read here, beside its JSON, not again per step).
    `tables_memo`: see MigrationFolder.read_snapshot."""
    name = f"meta/{m.snapshot_path.name}" if m.snapshot_path is not None else "its snapshot"
    try:
        snap = folder.read_applied_state(m, tables_memo)
        if snap is None:
            return None, f"{name} is missing", True
        if snap.get("id") in (sidecar.get(MADE_UP_KEY) or ()):
            return None, ("its snapshot was written by `mizzle up`, repeating the one before: the journal folder "
                          "had none for it"), True
        views = folder.uses_folders or has_views_field(snap)
        return schema_from_snapshot(snap, sidecar, source=str(m.snapshot_path)), None, views
    except (MizzleError, KeyError, TypeError, ValueError, AttributeError) as e:  # a snapshot mizzle cannot read
        why = f"mizzle could not read {name}: {getattr(e, 'message', None) or f'{type(e).__name__}: {e}'}"
        return None, why, True


# -- rebuilding lost snapshots ---------------------------------------------------------------------------

def _as_folder_states(live: Schema, prev: Schema | None, migrations: list[Migration], i: int, made_roles: set[str],
                      folder: MigrationFolder, kept: IndexTexts) -> Schema:
    """The database migration `i` built (`live`, its texts as the SQL spells them) as the folder's snapshots state
    it: keys as drizzle-kit states them, the roles the migrations create, the unique constraints CREATE TABLE
    dropped as repeats, (1.x layout) the names a renamed table's unnamed constraints keep, and the index
    expressions the latest snapshot kept so far spells but for outer parentheses (`kept`: its `index_texts`).
    `prev`: the previous migration's result; `made_roles` grows with each migration."""
    from .. import dialects
    from ..migrations.kept_spellings import kept_spellings
    from ..migrations.rebuilt_keys import (
        as_drizzle_keys,
        kept_names,
        repeated_uniques,
        rls_flags,
        whole_names,
        whole_policy_names,
    )

    text = migrations[i].text
    key = dialects.get(folder.dialect).reader.expression_key
    live = kept_spellings(live, kept, lambda a, b: bool(key(a) == key(b)))
    live = as_drizzle_keys(live, prev, lambda: "\n".join(m.text for m in migrations[:i + 1]))
    made_roles |= dialects.get(folder.dialect).roles_created([text])
    live = _roles_made(live, made_roles)
    stored_name = dialects.get(folder.dialect).reader.stored_name
    live = repeated_uniques(live, prev, text, stored_name)
    live = kept_names(live, prev) if folder.uses_folders else whole_names(live, prev, text, stored_name)
    return rls_flags(whole_policy_names(live, prev, text, stored_name), prev, text)


def _roles_made(live: Schema, made: set[str]) -> Schema:
    """`live` with the roles the migrations so far create (`made`) only: a role the database reads because a policy
    or grant names it, which the cluster already had (Supabase's `authenticated`, drizzle-kit's
    `pgRole(…).existing()`), is not the folder's. drizzle-kit's snapshot has no row for it; with one, its next
    generate wrote DROP ROLE (a helper)."""
    roles = live.security.roles
    if roles is None or all(r.name in made for r in roles):
        return live
    from ..schema.security import make_security

    sec = live.security
    return live.with_(security=make_security(sec.extensions, [r for r in roles if r.name in made], sec.grants))


def _records_renames(folder: MigrationFolder, snaps: list[dict[str, Any] | None], migrations: list[Migration]) -> bool:
    """Whether a rebuilt snapshot records the renames its SQL states (`_meta`; 1.x: `renames`), as the folder's
    tool would have: mizzle's generate records them (its sidecar is there, or a snapshot kept has some); drizzle-kit
    0.31's writes `_meta` empty whatever it renames on PostgreSQL (its writeResult is called without it) — told by
    a snapshot kept whose SQL renames and whose `_meta` is empty, or where no snapshot is kept at all, by the
    dialect (drizzle-kit's SQLite generate fills `_meta`). In drizzle-kit 1.x's layout always: its snapshots state
    a rename as a rename delta (version 8: `renames`)."""
    from .. import dialects

    if folder.sidecar_path.exists() or folder.uses_folders:  # drizzle-kit 1.x writes a rename as a rename delta
        return True
    kept = [(s, m) for s, m in zip(snaps, migrations, strict=True) if s is not None]
    if any(s.get("renames") or any((s.get("_meta") or {}).get(k) for k in ("columns", "tables", "schemas"))
           for s, _ in kept):
        return True
    from ..migrations.authored import AuthoredReader

    reader = AuthoredReader(folder.dialect)
    for _, m in kept:
        if "rename" in m.text.lower():
            reader.read(m.text)
            if any(reader.renames().values()):
                return False
    return bool(kept) or dialects.get(folder.dialect).drizzle_kit_records_renames


def _readable_snapshot(folder: MigrationFolder, m: Migration,
                       sidecar: dict[str, Any]) -> tuple[dict[str, Any], IndexTexts] | None:
    """The migration's snapshot and its index expressions (`kept_spellings.index_texts`), None when it is missing or
    mizzle cannot read it (to be rebuilt)."""
    from ..migrations.kept_spellings import index_texts

    try:
        snap = folder.read_snapshot(m)
        if snap is None:
            return None
        return snap, index_texts(schema_from_snapshot(snap, sidecar, source=str(m.snapshot_path)))
    except MizzleError:
        return None


def _kept_snapshots(folder: MigrationFolder, migrations: list[Migration], sidecar: dict[str, Any], start: int,
                    ) -> tuple[list[dict[str, Any] | None], list[IndexTexts], list[dict[str, Any] | None]]:
    """Each migration's readable snapshot before `start` (None: missing or unreadable, and from `start` on: to be
    rebuilt), at each migration the index expressions of the latest of them up to it (see _as_folder_states), and
    each snapshot as the folder holds it, those from `start` on too (see _kept_near)."""
    snaps: list[dict[str, Any] | None] = []
    latest: list[IndexTexts] = []
    texts: IndexTexts = {}
    for i, m in enumerate(migrations):
        r = None if i >= start else _readable_snapshot(folder, m, sidecar)
        snaps.append(r[0] if r else None)
        texts = r[1] if r else texts
        latest.append(texts)
    return snaps, latest, _kept_shapes(folder, migrations, snaps)


def _index_of(migrations: list[Migration], tag: str | None) -> int:
    """The index of the migration `tag` (--from: rebuilt from there on; its tag, its index `7` or `0007`, or a
    unique prefix of its tag, as revert and mark take it); past the last one when None."""
    if tag is None:
        return len(migrations)
    from ..errors import UsageError
    from ..migrations.folder import find_migration

    try:
        found = find_migration(migrations, tag)
    except UsageError as e:  # a prefix of several tags, or nothing
        what = e.message if any(m.tag.startswith(tag) for m in migrations) else "no such migration in the journal"
        raise UsageError(f"--from {tag}: {what}",
                         "Name a migration by its tag, as `mizzle status` and `mizzle verify` print it.") from None
    return next(i for i, m in enumerate(migrations) if m is found)


def _refuse_1x_middle(folder: MigrationFolder, migrations: list[Migration], snaps: list[dict[str, Any] | None],
                      start: int) -> None:
    """drizzle-kit 1.x's snapshots are diffs from their parents in the graph: mizzle rebuilds the latest ones (each
    a diff from the one before it), and only once no snapshot.json is left from the first one to rebuild on (but
    those from `start` on, which it is asked to rebuild)."""
    missing = [i for i, s in enumerate(snaps) if s is None]
    if not folder.uses_folders or not missing:
        return
    left = [m.tag for m in migrations[missing[0]:start] if m.snapshot_path is not None and m.snapshot_path.exists()]
    if left:
        from ..errors import UsageError

        raise UsageError(f"in drizzle-kit 1.x's layout `check --rebuild-snapshots` rebuilds the latest snapshots only: "
                         f"the snapshot of {migrations[missing[0]].tag} is missing or unreadable, and {', '.join(left)} "
                         "still have one",
                         "Delete the snapshot.json of that migration and of every later one, then rebuild them all.")


def _rendered(folder: MigrationFolder, m: Migration, snap: dict[str, Any], side: dict[str, Any],
              like: dict[str, Any] | None) -> str:
    """The text of `m`'s rebuilt snapshot (see _as_written)."""
    from ..migrations.folder import dump_json

    assert m.snapshot_path is not None
    return dump_json(_as_written(folder, snap, side, m.snapshot_path.parent.name, like), remember=True)


def _write_snapshot(folder: MigrationFolder, m: Migration, snap: dict[str, Any], side: dict[str, Any],
                    sidecar: dict[str, Any], snap_id: str, like: dict[str, Any] | None, text: str | None = None) -> None:
    """A rebuilt snapshot written in place of `m`'s, its sidecar entry (if any) into `sidecar` and the sidecar file;
    `like`: the folder's snapshot nearest it (see _as_written); `text`: its text, rendered already."""
    from ..migrations.folder import dump_json, write_atomic

    path = m.snapshot_path
    assert path is not None
    replaced = _snapshot_id(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text if text is not None else _rendered(folder, m, snap, side, like))
    made_up = sidecar.get(MADE_UP_KEY) or []
    unmarked = [x for x in made_up if x not in (replaced, snap_id)]  # rebuilt from the SQL: compared again
    if unmarked != made_up:
        sidecar[MADE_UP_KEY] = unmarked
        if not unmarked:
            del sidecar[MADE_UP_KEY]
    if side or unmarked != made_up:
        sidecar.setdefault("version", 1)
        if side:
            sidecar.setdefault("snapshots", {})[snap_id] = side
        folder.sidecar_path.parent.mkdir(parents=True, exist_ok=True)  # 1.x layout: meta/ may not exist yet
        write_atomic(folder.sidecar_path, dump_json(sidecar) + "\n")


def _snapshot_id(path: Path) -> str | None:
    """The id of the snapshot at `path` (None: none there, or none readable)."""
    from ..migrations.metafiles import load_json_or_none

    doc = load_json_or_none(path) if path.is_file() else None
    return doc.get("id") if isinstance(doc, dict) and isinstance(doc.get("id"), str) else None


def _as_written(folder: MigrationFolder, snap: dict[str, Any], side: dict[str, Any], dir_name: str,
                like: dict[str, Any] | None) -> dict[str, Any]:
    """The snapshot as the folder's layout stores it: drizzle-kit 1.x's version 9 (a diff from the snapshots of the
    migrations before `dir_name`, its own: with `--from`, the later ones are still there until rebuilt) in its
    layout, the v7 JSON otherwise, with the keys `like` (the folder's snapshot nearest it) has where they hold
    nothing (an older drizzle-kit's: kept_spellings.kept_keys) and the JSON it gives a default of the same SQL text
    (kept_spellings.kept_defaults)."""
    if not folder.uses_folders:
        from ..migrations.kept_spellings import kept_defaults, kept_keys, kept_view_columns

        return kept_keys(kept_view_columns(kept_defaults(snap, like), like), like)
    from ..migrations import folders1

    return folders1.snapshot_v9(snap, folder.path, side, before=dir_name)


def _kept_shapes(folder: MigrationFolder, migrations: list[Migration],
                 snaps: list[dict[str, Any] | None]) -> list[dict[str, Any] | None]:
    """Each migration's snapshot as the folder holds it before the rebuild (None: missing or unreadable), the ones
    `--from` rebuilds too: what keys its drizzle-kit version writes (kept_spellings.kept_keys)."""
    from ..migrations.metafiles import load_json_or_none

    def raw(m: Migration) -> dict[str, Any] | None:
        doc = load_json_or_none(m.snapshot_path) if m.snapshot_path is not None and m.snapshot_path.is_file() else None
        return doc if isinstance(doc, dict) and isinstance(doc.get("tables"), dict) else None

    return [s if s is not None else raw(m) for s, m in zip(snaps, migrations, strict=True)]


def _parent_id(snaps: list[dict[str, Any] | None], i: int) -> str:
    """The prevId of migration `i`'s rebuilt snapshot: the id of the snapshot before it (kept, or rebuilt already)."""
    prev = snaps[i - 1] if i else None
    return str(prev["id"]) if prev else ROOT_ID


def _outside_scope(scope: Scope, folder: MigrationFolder, sidecar: dict[str, Any], memo: dict[int, Schema],
                   like: dict[str, Any] | None, live: Schema) -> Schema:
    """`live` (introspected within `schema_filter`) with what the folder's snapshot nearest it (`like`) holds in
    the schemas the filter leaves out (onlook's drizzle-kit snapshots: Supabase's `auth.users`), as generate
    carries it forward: the database is not read there, so the rebuilt snapshot keeps the folder's. `memo`: each
    kept snapshot's model, by the JSON's identity. (drizzle-kit 1.x's layout: not done, its snapshots are diffs.)"""
    if like is None or not scope.schemas or folder.uses_folders:
        return live
    if id(like) not in memo:
        from ..migrations.snapshots import schema_from_snapshot

        memo[id(like)] = schema_from_snapshot(like, sidecar, source="a kept snapshot")
    return scope.with_outside(memo[id(like)], live)


def _kept_near(snaps: list[dict[str, Any] | None], i: int) -> dict[str, Any] | None:
    """Migration `i`'s snapshot before the rebuild, else the one nearest before it, else nearest after it (None:
    the folder holds none): which keys its drizzle-kit version writes (kept_spellings.kept_keys)."""
    return snaps[i] or next((s for s in reversed(snaps[:i]) if s is not None), None) or next(
        (s for s in snaps[i + 1:] if s is not None), None)


def _marked(config: Config, folder: MigrationFolder, migrations: list[Migration], shapes: list[dict[str, Any] | None],
            i: int, snap: dict[str, Any]) -> dict[str, Any]:
    """Migration `i`'s rebuilt snapshot `snap` marked as the dialect marks one (Dialect.mark_rebuilt), and, in
    drizzle-kit 0.x's layout, with the spelling the nearest kept snapshot after it gives a column the one before it
    lacks (kept_spellings.kept_from_later: a column added by hand, `timestamp(1)` where drizzle-kit wrote
    `timestamp (1)`)."""
    from .. import dialects
    from ..migrations.kept_spellings import kept_from_later

    dialects.get(config.dialect).mark_rebuilt(snap, [m.text for m in migrations[:i + 1]], folder.uses_folders)
    if folder.uses_folders:
        return snap
    return kept_from_later(snap, _kept_near(shapes, i), next((s for s in shapes[i + 1:] if s is not None), None))


def _rebuilt_id(snaps: list[dict[str, Any] | None], i: int) -> str | None:
    """The id of migration `i`'s rebuilt snapshot: the one the next snapshot (kept) names as its parent — the lost
    snapshot's own id, which keeps the chain whole untouched — unless it is the root or another snapshot's id (the
    next one was generated from a snapshot before the gap: miurla/morphic's 0016 from 0011, its 0012–0015 written
    by hand); None: a new one (see _repoint)."""
    nxt = snaps[i + 1] if i + 1 < len(snaps) else None
    parent = str(nxt.get("prevId") or "") if nxt else ""
    taken = {str(s.get("id")) for j, s in enumerate(snaps) if s is not None and j != i}
    return parent if parent and parent != ROOT_ID and parent not in taken else None


def _repoint(migrations: list[Migration], snaps: list[dict[str, Any] | None], i: int) -> list[str]:
    """Where the next snapshot, kept, names another parent than the rebuilt snapshot `i` (see _rebuilt_id), its
    prevId re-pointed at it, in its file (nothing else of it rewritten), and what was done (none: nothing to do). Two
    snapshots with one parent are a collision to drizzle-kit ("snapshots collision": generate stops) and to
    `check`."""
    import json

    from ..migrations.folder import write_atomic

    if i + 1 >= len(snaps):
        return []
    nxt, new, path = snaps[i + 1], str(snaps[i]["id"]), migrations[i + 1].snapshot_path  # type: ignore[index]
    if nxt is None or not nxt.get("prevId") or nxt["prevId"] == new or path is None:
        return []
    old = str(nxt["prevId"])
    text = path.read_text(encoding="utf-8")
    done = re.sub(r'("prevId"\s*:\s*)"' + re.escape(old) + '"', lambda mt: f'{mt.group(1)}"{new}"', text, count=1)
    write_atomic(path, done if done != text else json.dumps({**json.loads(text), "prevId": new}, indent=2))
    nxt["prevId"] = new
    was = next((f"meta/{m.snapshot_path.name}" for j, (m, s) in enumerate(zip(migrations, snaps, strict=True))
                if j != i and s is not None and s.get("id") == old and m.snapshot_path is not None), "the root")
    return [f"meta/{path.name}: prevId re-pointed at the rebuilt meta/{migrations[i].snapshot_path.name} "  # type: ignore[union-attr]
            f"({new}); it named {old} ({was}), which a rebuilt one follows: two snapshots with one parent, which "
            "drizzle-kit's generate refuses"]


@dataclass
class RebuildResult:
    rebuilt: list[str] = field(default_factory=list)  # tags whose snapshot was missing or corrupt
    kept: list[str] = field(default_factory=list)
    scratch: str = ""  # where the replay ran
    warnings: list[str] = field(default_factory=list)  # what the migrations create that mizzle does not manage
    repointed: list[str] = field(default_factory=list)  # kept snapshots whose prevId now names a rebuilt one

    def to_json(self) -> dict[str, Any]:
        return {"rebuilt": self.rebuilt, "kept": self.kept, "scratch": self.scratch, "repointed": self.repointed}


def rebuild_snapshots(config: Config, *, url: str | None = None, scratch_url: str | None = None,
                      connect_timeout: float = 10, all_: bool = False, incremental: bool = True,
                      from_tag: str | None = None) -> RebuildResult:
    """Replay the folder into a scratch database and write, for every migration whose snapshot is missing or
    unreadable (all with `all_`; from `from_tag` on all: SQL edited, the later snapshots lacking what it made), the
    snapshot of the database it built. Snapshot ids keep the prevId chain whole: a rebuilt snapshot takes the id the
    next snapshot names as its parent, unless that is another snapshot's id: then a new one, and the next (kept)
    snapshot's prevId is re-pointed at it. `incremental=False`: each step's changes learnt from fingerprints (tests)."""
    from ..migrations.authored import AuthoredReader
    from ..migrations.snapshots import new_id, snapshot_from_schema
    from ..runner.migrate import load_folder, require_files
    from ..sources.database import scope_for

    refuse_tenant_folder(config, "check --rebuild-snapshots")
    migrations = require_files(load_folder(config.out_dir, config.dialect)[0])
    folder = MigrationFolder(config.out_dir, config.dialect)
    sidecar = folder.read_sidecar()
    start = 0 if all_ else _index_of(migrations, from_tag)
    snaps, kept, shapes = _kept_snapshots(folder, migrations, sidecar, start)
    _refuse_1x_middle(folder, migrations, snaps, start)
    index = {m.tag: i for i, m in enumerate(migrations)}
    result = RebuildResult()
    scope = scope_for(config)
    before: list[Schema] = []  # the previous migration's model, its keys as drizzle-kit states them
    authored = AuthoredReader(config.dialect)  # the texts as the migrations' SQL spells them
    later = _Later(incremental)
    made_roles: set[str] = set()  # the roles the migrations so far create
    table_json: dict[int, Any] = {}  # speed: each table's snapshot JSON, by the table's identity
    renames_kept = _records_renames(folder, snaps, migrations)
    outside = partial(_outside_scope, scope, folder, sidecar, {})  # what schema_filter leaves out: as the folder's

    def step(tag: str, live: Schema, conn: Any) -> None:
        later.wait()  # the previous step's snapshot, written meanwhile
        i = index[tag]
        authored.read(migrations[i].text)
        live = _as_folder_states(authored.apply(live, conn), before[-1] if before else None, migrations, i,
                                 made_roles, folder, kept[i])
        before[:] = [live]
        later.start(partial(write, i, tag, live, authored.renames() if renames_kept else None))

    def write(i: int, tag: str, live: Schema, renames: dict[str, dict[str, str]] | None) -> None:
        if snaps[i] is not None:
            result.kept.append(tag)
            return
        snap_id = _rebuilt_id(snaps, i) or new_id()
        # the renames the SQL states: `revert` reads them (else it drops and adds the column: its data lost)
        snap, side = snapshot_from_schema(outside(_kept_near(shapes, i), live), prev_id=_parent_id(snaps, i),
                                          id_=snap_id, renames=renames, memo=table_json)
        snaps[i] = snap = _marked(config, folder, migrations, shapes, i, snap)  # only its id is read from here on
        result.rebuilt.append(tag)
        like = _kept_near(shapes, i)  # speed: the 0.x layout's text rendered now, on the replay's side thread
        text = None if folder.uses_folders else _rendered(folder, migrations[i], snap, side, like)
        files.append(partial(_commit_snapshot, folder, migrations, snaps, i, side, sidecar, snap_id, like, text, result))

    files: list[Callable[[], None]] = []  # written once the whole replay has succeeded: all or nothing
    _replay_then_write(config, scratch_target(config.dialect, url, scratch_url, connect_timeout=connect_timeout),
                       scope, step, later, incremental, migrations, files, result)
    return result


def _replay_then_write(config: Config, target: Any, scope: Scope, step: Callable[[str, Schema, Any], None],
                       later: _Later, watch: bool, migrations: list[Migration], files: list[Callable[[], None]],
                       result: RebuildResult) -> None:
    """The rebuild's replay into its scratch `target`, then its files written, in the replay's order (a 1.x
    snapshot is a diff from those written before it): a replay that fails writes none, where the snapshots before
    the failing step rebuilt under new ids and those after it kept would break the prevId chain."""
    try:
        with later, target as scratch:
            result.scratch = scratch.where
            replay(config.out_dir, scratch.url, scope, step, table=config.table,
                   tracking_schema=config.tracking_schema, on_end=lambda final, conn: later.wait(), watch=watch,
                   migrations=migrations, names=True)
    except IntegrityError as e:
        raise IntegrityError(e.message, "\n".join([*([e.details] if e.details else []),
                                                   "No snapshot was written: the folder is as it was."])) from None
    for write_files in files:
        write_files()


def _commit_snapshot(folder: MigrationFolder, migrations: list[Migration], snaps: list[dict[str, Any] | None], i: int,
                     side: dict[str, Any], sidecar: dict[str, Any], snap_id: str, like: dict[str, Any] | None,
                     text: str | None, result: RebuildResult) -> None:
    """Migration `i`'s rebuilt snapshot written (`text`: rendered already; a 1.x one is rendered here, as a diff from
    those written before it), and the next (kept) snapshot's prevId re-pointed at it if needed."""
    _write_snapshot(folder, migrations[i], snaps[i], side, sidecar, snap_id, like, text)  # type: ignore[arg-type]
    result.repointed += _repoint(migrations, snaps, i)


"""What a dialect is: the `Dialect` protocol (one object per dialect folder, found through the registry in
`mizzle.dialects`), the runner backend protocol, and the dialect-neutral records both speak in.

Every hook imports its implementation when called: a dialect object costs nothing to get, so `mizzle migrate`
never pays for SQLAlchemy, pglast or a driver it does not use."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from ..dburl import DatabaseURL
    from ..planning.plan import PlannedStatement
    from ..runner.tracking import DatabaseState, TrackingSQL, TrackingTable
    from ..schema.model import Schema, Table


class ServerError(Exception):
    """A statement the server refused, in dialect-neutral terms."""

    def __init__(self, message: str, code: str | None = None, detail: str | None = None, hint: str | None = None,
                 refused_in_transaction: bool = False, already_exists: bool = False,
                 permission_denied: bool = False, connection_lost: bool = False,
                 lock_not_available: bool = False, dependents: tuple[str, ...] = (), advice: str | None = None,
                 existing: str | None = None) -> None:
        super().__init__(message)
        self.message = message  # the server's primary message
        self.code = code  # SQLSTATE or the driver's error code
        self.detail = detail
        self.hint = hint
        self.refused_in_transaction = refused_in_transaction  # e.g. CREATE INDEX CONCURRENTLY inside BEGIN
        self.already_exists = already_exists
        self.permission_denied = permission_denied
        self.connection_lost = connection_lost
        self.lock_not_available = lock_not_available  # lock_timeout (or NOWAIT) gave up waiting: worth a retry
        # objects the server names as depending on what the statement drops or changes ("view v"): mizzle does
        # not manage them, so they must be dropped and made again around the statement
        self.dependents = dependents
        self.advice = advice  # mizzle's own hint for this error (the server's is `hint`)
        self.existing = existing  # already_exists: the name the server says is taken, when it says it
        # a chunk run as its statements one by one (execute_outside): them all, and which of them failed (1-based);
        # those before it committed on their own
        self.parts: tuple[str, ...] = ()
        self.part = 0

    def __str__(self) -> str:
        return self.message + (f" ({self.code})" if self.code else "")

    def report(self, statement: str | None = None) -> list[str]:
        """The lines under a failed statement's one-line message (migrate and push print the same): the
        statement, the server's detail and its hint."""
        lines = [] if statement is None else ["statement:\n    " + statement.replace("\n", "\n    ")]
        if self.detail:
            lines.append(f"detail: {self.detail}")
        if self.hint:
            lines.append(f"hint (server): {self.hint}")
        if self.advice:
            lines.append(f"hint: {self.advice}")
        return lines


def driver_error(e: BaseException) -> ServerError:
    """A driver's exception (psycopg.Error, sqlite3.Error) as a ServerError: its first line, or its type's name."""
    text = str(e).strip()
    return ServerError(text.splitlines()[0] if text else type(e).__name__)


class AppliedRecord(NamedTuple):
    """A tracking row + mizzle's audit entry: written when a migration completes, or by a manual
    resolution (`mark --applied`, `baseline`: action "marked-applied" / "baseline", with a note why)."""

    when: int
    hash: str
    tag: str
    duration_ms: float | None
    statements: int
    tool_version: str
    clear_progress: bool = False
    action: str = "applied"
    note: str | None = None
    actor: str | None = None  # who resolved it by hand (mark/baseline); None: the database's user / OS user
    # the created_at of the tracking row a manual resolution re-records, where it is not `when` (drizzle-orm 1.x's
    # row, found by its name; 0.x's of a folder drizzle-kit's `up` converted, found by its second)
    row_at: int | None = None


class PipelineFailed(Exception):
    """A migration sent in one flush (RunnerBackend.run_pipelined) failed: `index` is the statement's (0-based),
    or the number of statements when the tracking record failed; the transaction is still open (failed) for
    the caller's rollback()."""

    def __init__(self, index: int, error: ServerError) -> None:
        super().__init__(str(error))
        self.index = index
        self.error = error


class OtherHistory(NamedTuple):
    """Another tool's record of the folder's migrations it applied (Wrangler's `d1_migrations`, Prisma Migrate's
    `_prisma_migrations`): the table, the tool, and the names it lists, in the order it applied them: a migration's
    tag and `suffix` (Wrangler lists files, `0000_init.sql`; Prisma its migration folders)."""

    table: str
    tool: str
    names: tuple[str, ...]
    suffix: str = ".sql"


class RunnerBackend(Protocol):
    """What the runner (and push, protect, drift) need from a dialect's connection. Every method may raise
    ServerError (or ConnectError). The tracking rows are read and written by the one tracking store
    (mizzle.runner.tracking.TrackingStore) through `query`; a backend keeps locking, execution and the
    translation of its driver's errors."""

    dialect: str
    url: DatabaseURL
    tracking: TrackingTable

    @property
    def conn(self) -> Any:
        """The driver's connection (psycopg or sqlite3), for the dialect's own modules (introspection, the
        settings table). A transaction opened with begin() is under way on it."""

    def query(self, sql: str, params: Sequence[Any] = (), fetch: bool = True) -> list[tuple[Any, ...]]:
        """One statement with parameters in the dialect's TrackingSQL.param style; its rows when `fetch`."""

    def acquire_lock(self, timeout: float | None, on_wait: Callable[[str], None]) -> float:
        """Take the run's database-level lock; returns seconds waited. Raises LockTimeout."""

    def try_lock(self) -> bool:
        """Take the lock if it is free, without waiting."""

    def release_lock(self) -> None: ...

    def read_state(self, *, create: bool, with_audit: bool) -> DatabaseState:
        """The tracking rows (and progress, and with_audit the audit). create=True creates what is missing
        (only called with the lock held)."""

    def read_audit(self) -> DatabaseState: ...

    def set_statement_timeout(self, seconds: float) -> None: ...

    def begin(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str) -> None:
        """Run one migration chunk as written (the server may get several statements in one chunk)."""

    def must_run_outside_transaction(self, sql: str) -> bool: ...

    def alone_outside_transaction(self, sql: str) -> bool:
        """Whether `sql` (a whole migration file) is one statement the server refuses inside a transaction block
        (CREATE INDEX CONCURRENTLY): sent alone as one query, as Prisma sends a file, it runs outside any."""

    def execute_outside(self, sql: str) -> None:
        """Run a chunk of a no-transaction file outside any transaction: each of its statements on its own (sent
        together, a chunk's statements would share one implicit transaction, which CREATE INDEX CONCURRENTLY
        refuses)."""

    def prepare_outside(self, sql: str, interrupted: bool) -> tuple[bool, str | None]:
        """Before running a statement outside any transaction. Undo what an interrupted attempt leaves
        behind (e.g. an INVALID index), and with `interrupted` (a killed run had started exactly this
        statement) tell whether that attempt in fact completed: (done, note for the log)."""

    def record_applied(self, record: AppliedRecord) -> None: ...

    def run_pipelined(self, statements: Sequence[str], record: AppliedRecord, durable: bool = True) -> bool:
        """A speed trick a backend may offer (TrackingStore's default: False, nothing done): BEGIN, the
        statements, `record` (its duration_ms None: measured by the server) and COMMIT sent at once. False when
        it cannot take these statements (the caller runs them one by one); raises PipelineFailed. `durable=False`
        (not the run's last migration): the COMMIT need not wait for the disk; a later durable commit, or
        make_durable(), waits for it."""

    def make_durable(self) -> None:
        """Everything committed so far on disk, where run_pipelined(durable=False) deferred a commit's flush and
        no durable commit followed (a run that failed before its last migration). Nothing to do otherwise
        (TrackingStore's default)."""

    def take_notes(self) -> list[str]:
        """What `execute` did otherwise than the statements say since the last call, one line each, for the runner
        to warn of (SQLite: a `PRAGMA journal_mode` not run inside the migration's transaction); emptied."""
        ...

    def record_progress(self, when: int, hash: str, tag: str, statement: int, prefix_hash: str,
                        running: int | None = None) -> None: ...

    def record_mark(self, record: AppliedRecord, row: str) -> None:
        """A manual resolution (mark, baseline), inside begin()/commit(): drizzle-orm's tracking row is
        "insert"ed, its hash "update"d to the file's, or "keep"t; then the audit entry (who, why)."""

    def describe_lock_wait(self, sql: str) -> str | None:
        """After a lock timeout: who holds locks on the tables `sql` touches (None: nothing to say)."""

    def other_history(self) -> OtherHistory | None:
        """Another tool's record of applied migration files on this database (SQLite: Wrangler's `d1_migrations`,
        which `wrangler d1 migrations apply` fills from drizzle-kit's folder; PostgreSQL: Prisma Migrate's
        `_prisma_migrations`); None where there is none."""

    def catalog_tables(self, names: Sequence[str], containing: str) -> list[tuple[str, str, tuple[str, ...]]]:
        """(schema, table, its columns in order) of the tables named one of `names` or holding `containing` in
        their name, read from the catalog (PostgreSQL: in the schemas on the search_path; SQLite: schema "main"):
        how `status` finds other tools' bookkeeping without introspecting. Empty where none (or unreadable)."""

    def close(self) -> None: ...


class SqlReader(Protocol):
    """How a dialect's SQL text is read to be compared: two spellings the server treats alike get one key. The
    schema model and the diff compare expressions, defaults and queries only through a dialect's reader."""

    def expression_key(self, sql: str | None) -> str | None:
        """One key per meaning of an expression (None for None)."""

    def default_key(self, expr: str | None, type_: str, is_enum: bool = False) -> str | None:
        """One key per meaning of a column default of type `type_`."""

    def query_key(self, sql: str) -> str:
        """One key per meaning of a query (a view's definition)."""

    def opclass_key(self, opclass: str | None) -> str | None:
        """One key per operator class an index names (None for None): the server's spelling and the code's alike."""

    def parses(self, sql: str) -> bool:
        """Whether the reader can read `sql` as a query."""

    def relations(self, sql: str, schema: str = "public") -> set[tuple[str, str]]:
        """(schema, name) of every table or view the query names."""

    def functions(self, sql: str) -> frozenset[tuple[str, str]]:
        """(schema, name) of every schema-qualified function a query or an expression calls."""

    def reads_every_column(self, sql: str) -> bool:
        """Whether a query names every column of a relation (`*`, `t.*`; not `count(*)`), or may: it does not parse."""

    def expand_stars(self, sql: str, schema: str, columns: Callable[[str, str], list[str] | None]) -> str:
        """A query with its `*` / `t.*` written as the columns `columns(schema, table)` gives, where the database
        stores a view so (PostgreSQL); `sql` itself where it cannot, or does not."""

    def views_made(self, sql: str) -> frozenset[tuple[str, str]]:
        """(schema, name) of each view a migration's SQL creates or replaces (where `expand_stars` expands)."""

    def replaceable(self, old_sql: str, new_sql: str) -> bool:
        """Whether a view defined by `old_sql` can be replaced in place by one defined by `new_sql`."""

    def stored_name(self, name: str) -> str:
        """An object's name as the database keeps it (PostgreSQL: cut to 63 bytes)."""


class FolderCodec(Protocol):
    """drizzle-kit 1.x's snapshots of one dialect in its folder layout (`<stamp>_<name>/snapshot.json`, each naming
    its parents in `prevIds`) ↔ the snapshot JSON the dialect's `load_snapshot` reads (drizzle-kit 0.x's form).
    Plain JSON in and out. `snapshots` is every snapshot of a folder by id, each with `_dir` (its migration
    folder's name); `source` starts each message. mizzle.migrations.folders1 reads and writes the folder with it."""

    version: str  # the `version` this codec writes

    def state_json(self, snapshots: dict[str, dict[str, Any]], id_: str, source: str) -> dict[str, Any]:
        """The schema snapshot `id_` stands for."""

    def latest_json(self, snapshots: dict[str, dict[str, Any]], tips: list[str], source: str) -> dict[str, Any]:
        """The schema the next migration starts from: the leaves `tips` (the last folder first) combined."""

    def next_snapshot(self, data: dict[str, Any], snapshots: dict[str, dict[str, Any]], tips: list[str],
                      source: str, sidecar_entry: dict[str, Any] | None) -> dict[str, Any]:
        """The snapshot of a new migration whose schema is `data` (save_snapshot's JSON), after the leaves `tips`
        (none: the folder's first)."""

    # whether `chain` takes the 0.x snapshot as drizzle-kit wrote it (converted as drizzle-kit 1.x's own `up` does)
    # rather than save_snapshot's JSON of the model read from it
    up_from_raw: bool

    def chain(self, parent: Any, data: dict[str, Any] | None, id_: str, prev_ids: list[str],
              sidecar_entry: dict[str, Any] | None) -> tuple[dict[str, Any], Any]:
        """`mizzle up` from a 0.x folder, one snapshot at a time: the snapshot of `data` after `parent` (what the
        previous call returned second; None for the first), and what to pass as `parent` next. `data` None: a
        migration without a snapshot."""

    def upgraded(self, snapshots: dict[str, dict[str, Any]], source: str) -> dict[str, dict[str, Any]]:
        """The snapshots an older 1.x version wrote, by id, converted to `version` (as `drizzle-kit up` does)."""

    def changes(self, snapshots: dict[str, dict[str, Any]], id_: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Per change snapshot `id_` makes (its deltas, or its rows against its parents'): (the change in 1.x's
        delta form, the row it touches, as it was), for the branch check."""


class AuthoredSql(Protocol):
    """How a dialect's migration SQL is read for the author's spelling of its texts (`migrations/authored.py`)."""

    def read(self, sql: str, texts: Any) -> None:
        """Record in `texts` (an `AuthoredTexts`) what the migration `sql` writes, fact by fact."""

    def same_type(self, authored: str, stored: str) -> bool:
        """Whether the server stores the column type `authored` as `stored`."""

    def snapshot_default(self, authored: str, type_: str, is_enum: bool) -> str | None:
        """A column's default as the SQL wrote it (`authored`), in the spelling drizzle-kit's snapshot gives the
        same default of a column of type `type_` (a snapshot's default is not always its SQL's text); None where
        that snapshot states no default."""

    def unauthored_default(self, stored: str, type_: str) -> str:
        """A column's default that no statement the reader follows spells (a DO block's ALTER TABLE), from the
        server's spelling, as drizzle-kit's snapshot states that default."""


class Dialect(Protocol):
    """Everything mizzle does differently per database, as named hooks. One object per dialect folder
    (`mizzle.dialects.<folder>.DIALECT`); callers get it from the registry (`mizzle.dialects.get(name)`) and
    never compare dialect names themselves."""

    name: str  # the canonical name: in mizzle.toml, the journal, the snapshots, DatabaseURL.dialect
    title: str  # for messages: "PostgreSQL"
    journal_version: str  # drizzle-kit's journal `version` for this dialect
    embedded: bool  # a file, no server: no host, no schemas for the tracking tables
    # capabilities
    online: bool  # `generate --online` rewrites statements so writers are not blocked
    idempotent: bool  # `generate --idempotent` guards each statement
    lint: bool  # `mizzle lint`'s rules (a parser of this dialect's SQL) apply
    probe: bool  # a driver-less start-up probe exists (`mizzle migrate` with nothing to do)
    sqlalchemy_name: str  # SQLAlchemy's name of the dialect (its dialect_options keywords: <name>_where, ...)
    computed_virtual: bool  # sa.Computed without persisted= is VIRTUAL here (SQLite's own default, as create_all
    # writes it and drizzle-kit's generatedAlwaysAs), else STORED (PostgreSQL has no other)
    canonical_forms: bool  # schema.compare puts both models in the server's one spelling (types, bounds,
    #   defaults, names matched by definition) and asks a live server for the rest (`server_forms`)
    tenant_schemas: bool  # a fleet target may be a schema of a database (`URL#schema=NAME`, `schemas = [...]`)
    template_databases: bool  # CREATE DATABASE … TEMPLATE: the pytest plugin's per-test copies of a database
    # in drizzle-kit 1.x's layout, a table rename keeps the `<old>_…` names of the unique constraints, foreign keys
    # and indexes left unnamed (as drizzle-kit 1.x does); the snapshot codec keeps their server names
    renames_keep_names: bool
    # what ALTER TABLE cannot do rebuilds the table (its diff drops and makes the table's indexes again), and a
    # `.unique()` is a unique index named as drizzle-kit 0.x names it (SQLite)
    rebuilds_tables: bool
    # drizzle-kit 0.31's generate records the renames in a snapshot's `_meta` (SQLite); on PostgreSQL it leaves
    # `_meta` empty whatever it renames. A folder rebuilt with no snapshot kept is written as its tool wrote it
    drizzle_kit_records_renames: bool
    # drizzle-kit 0.31 adds a column's foreign key without its ON DELETE / ON UPDATE (SQLite's ALTER TABLE … ADD …
    # REFERENCES: SQLiteAlterTableAddColumnConvertor), while its snapshot keeps them: verify notes it
    drizzle_kit_drops_added_key_actions: bool
    # drizzle-kit 0.21 and before wrote a composite primary key's columns sorted by name, in SQL and snapshots (SQLite
    # only: drizzle-orm issue 2326); later snapshots list them as declared, with no SQL to reorder: verify notes it
    drizzle_kit_sorted_key_columns: bool
    # introspect can read on a second connection beside the first (`helper`): a server runs each connection's
    # queries on its own CPU (PostgreSQL); an embedded database gains nothing from it
    introspects_on_two_connections: bool
    # in drizzle-kit 0.x's layout, the snapshot codec keeps a unique's, foreign key's, check's, index's and composite
    # key's server name in mizzle's sidecar (`serverName`): `baseline` records the database's names there, the
    # snapshot keeps the code's
    sidecar_server_names: bool
    # the kinds of object (as a DDL listener's statement is read: "routine", "trigger", "view", …) mizzle.pg declares
    # on this dialect, each with the declaration a warning names (SQLite: views and triggers, no functions)
    pg_declarations: Mapping[str, str]
    # a foreign key's columns and those it references keep comparable types while it exists: ALTER COLUMN … TYPE
    # on either side checks it again ("foreign key constraint … cannot be implemented"), so a key over a column
    # whose type changes is dropped before and made again after (PostgreSQL; SQLite checks no types)
    foreign_keys_check_types: bool

    # -- schema sources: SQLAlchemy tables → the model -------------------------------------------------------
    def schema_from_tables(self, items: Sequence[Any], seen: dict[tuple[str, str], tuple[Any, str]],
                           schema_filter: tuple[str, ...], naming: str = "drizzle") -> Schema:
        """The model of the SQLAlchemy tables `seen` ((schema, name) → (table, origin)) found in `items`."""

    # -- snapshot codec -----------------------------------------------------------------------------------------
    def load_snapshot(self, data: dict[str, Any], sidecar: dict[str, Any] | None = None,
                      source: str = "snapshot") -> Schema: ...

    def save_snapshot(self, schema: Schema, prev_id: str, id_: str | None = None, renames: Any = None,
                      memo: dict[int, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """The model → (the snapshot JSON, the sidecar entry for facts the snapshot cannot hold); `memo`: see
        migrations/snapshots.py's snapshot_from_schema (a dialect may ignore it)."""

    @property
    def folder_codec(self) -> FolderCodec:
        """drizzle-kit 1.x's snapshots of this dialect (its folder layout)."""

    def same_pulled_module(self, text: str, expected: Schema) -> bool:
        """Whether the module `pull` wrote (`text`) reads as `expected` without loading it (a fast path: False
        sends pull to the full SQLAlchemy check, which alone reports differences)."""

    def pulled_type(self, declared: str) -> str | None:
        """How a pulled module spells a declared column type when this dialect has its own mapping of SQLAlchemy
        types (SQLite: drizzle-kit's five; anything else is kept as declared, `PgType("varchar(191)")`); None =
        the shared mapping of PostgreSQL's type names."""

    def keeps_values(self, old_type: str, new_type: str) -> bool:
        """Whether changing a column's type from `old_type` to `new_type` keeps every value it can hold (varchar →
        text, timestamp → timestamptz, integer → bigint): push's and revert's data-loss warnings leave such a change
        out. False where unsure."""

    # -- planning -----------------------------------------------------------------------------------------------
    def rewrite_changes(self, changes: list[Any], old: Schema, new: Schema) -> list[Any]:
        """What this dialect cannot ALTER, rewritten into changes it can run (SQLite: table rebuilds)."""

    def fails_on_rows(self, changes: list[Any]) -> list[str]:
        """A warning for each change (of `rewrite_changes`'s) that fails as soon as its table holds a row, where
        `mizzle lint` does not say so (SQLite: a NOT NULL column without a default added by a table rebuild)."""

    def migrator_hazards(self, changes: list[Any], old: Schema) -> list[str]:
        """A warning for each change (of `rewrite_changes`'s; `old`: the schema before them) whose file `mizzle
        migrate` applies but drizzle-orm's migrator fails on or applies otherwise once the tables hold rows (SQLite:
        a table rebuilt while other tables reference it, whose `DROP TABLE` reaches their rows under its foreign keys
        on). `generate` and `revert` write such files; `push` runs them itself."""

    def rebuild_losses(self, changes: list[Any], folder_sql: Callable[[], str]) -> list[str]:
        """A warning for each change (of `rewrite_changes`'s) that makes again, without something mizzle does not
        model, an object the folder's SQL (`folder_sql()`, all its migrations' text, read only when needed) made
        with it (SQLite: a table rebuilt that the SQL made STRICT or WITHOUT ROWID, or gave triggers the schema
        code does not declare). `generate` and `revert` warn."""

    def rebuilds_retyped(self, changes: list[Any], old: Schema) -> list[Any]:
        """`changes` (of `rewrite_changes`'s) with each table rebuild told the columns whose declared type its
        CREATE TABLE changes from `old`'s (the latest snapshot as stored), where the diff took the two for one type
        (SQLite: a pulled `varchar(36)` written again as the code's `text`), so `generate`'s summary says so."""

    def unknown_collations(self, names: Iterable[str], folder_sql: Callable[[], Iterable[str]]) -> dict[str, str]:
        """Of the collations `names` (as the model holds them), those this server has none of by that name unless
        something creates it, each with why (PostgreSQL: SQLite's NOCASE, RTRIM and BINARY, unless the folder's SQL,
        `folder_sql()`, creates one of that name; SQLite: any but those three): `generate` and `push` warn, as the
        statement naming one fails."""

    def extension_of_type(self, type_: str) -> str | None:
        """The extension that defines the column type `type_` as the model holds it (PostgreSQL: pgvector's
        `vector(1024)` → "vector", PostGIS's `geometry(Point,4326)` → "postgis"), or None (a built-in or unknown
        type; SQLite: always None): `generate` warns where the schema code starts to use one that no migration
        creates, as the statement fails where the database lacks the extension."""

    def extensions_called(self, sql: str) -> dict[str, str]:
        """The functions of extensions that the expression `sql` calls, each by its name → the extension
        (PostgreSQL: `uuid_generate_v4()` → "uuid-ossp", `gen_random_bytes(16)` → "pgcrypto"; SQLite: none):
        `generate` warns where the schema code starts to call one that no migration creates, as the statement
        fails where the database lacks the extension."""

    def extension_of_opclass(self, opclass: str) -> str | None:
        """The extension that defines the index operator class `opclass` (PostgreSQL: pg_trgm's `gin_trgm_ops` →
        "pg_trgm"), or None (built in or unknown; SQLite: always None): `generate` warns as for `extension_of_type`."""

    def extension_of_default_opclass(self, method: str, type_: str) -> str | None:
        """The extension that gives a column of type `type_` a default operator class for index access method
        `method` where the database has none built in (PostgreSQL: btree_gist for gist on uuid, integer, text, …),
        or None (SQLite: always None): an index or exclusion constraint naming no operator class for such a column
        fails where the database lacks the extension, and `generate` warns as for `extension_of_type`."""

    def chunk_statements(self, chunk: str) -> int:
        """How many statements drizzle-orm's migrator would have to run as one, in a chunk of a migration file (the
        text between two `--> statement-breakpoint`s): it runs each chunk as one statement, which SQLite's drivers
        prepare, refusing more than one (better-sqlite3: "contains more than one statement"), so `check` warns
        (SQLite: the chunk's statements, a trigger's body being one, 0 for comments or blanks only, which
        better-sqlite3 refuses too: "contains no statements"; PostgreSQL, whose drivers run a chunk of several or
        none: 1)."""

    def foreign_statement(self, sql: str) -> str | None:
        """Why mizzle cannot apply statement `sql` of a migration, where it is another database's that drizzle-kit
        writes for a sibling dialect (SQLite: libSQL's `ALTER TABLE … ALTER COLUMN`, of a Turso folder); None
        otherwise. `check` warns with it offline, before `migrate` fails on it."""

    def copy_gaps(self, statements: list[str], before: dict[str, Any] | None) -> list[tuple[int, str]]:
        """(index, why) of each statement of one migration file that copies rows from columns its table lacks in
        the snapshot before the file (`before`, the folder's JSON; None: unknown) — drizzle-kit 0.x's SQLite table
        rebuilds listing the columns they add in the copy's SELECT too, which fail under any migrator. `check`
        warns with them offline (PostgreSQL: none)."""

    def render(self, changes: list[Any]) -> list[PlannedStatement]:
        """The DDL of `changes`, in order, with transaction boundaries."""

    def plan_online(self, statements: list[PlannedStatement], lock_timeout: str, idempotent: bool,
                    schema: Schema | None = None) -> tuple[list[PlannedStatement], list[str]]:
        """`generate --online`: the statements rewritten, and the file's header (unchanged without `online`)."""

    def plan_idempotent(self, statements: list[PlannedStatement]) -> tuple[list[PlannedStatement], list[str]]:
        """`generate --idempotent` (where `idempotent`): each statement guarded, and the file's header."""

    def lock_timeout(self, value: str | int | float) -> str:
        """`online_lock_timeout` / `--lock-timeout` as the server reads it (where `online`); ValueError when it is
        not a duration."""

    # -- comparison ---------------------------------------------------------------------------------------------
    @property
    def reader(self) -> SqlReader:
        """How this dialect's SQL text is read to be compared (expressions, defaults, queries)."""

    @property
    def authored_sql(self) -> AuthoredSql:
        """How a migration's SQL is read for the author's spelling (`check --rebuild-snapshots`)."""

    def canonical(self, model: Schema, comments: bool = True) -> Schema:
        """`model` with every fact in the one spelling the server would store (where `canonical_forms`; the model
        itself otherwise). `comments=False` drops comments (one side cannot hold them)."""

    def comparable(self, model: Schema) -> Schema:
        """What of `model` a live database of this dialect can show (SQLite keeps no constraint names)."""

    def server_forms(self, conn: Any, expected: Schema, actual: Schema) -> Schema:
        """`expected` with the expressions and defaults that differ from `actual` in the spelling the server
        behind `conn` stores (it is asked); `expected` unchanged where the dialect has no such forms."""

    def declared_forms(self, expected: Schema, actual: Schema) -> Schema:
        """`expected` (mizzle's spelling) with the column types and defaults that `actual` (a live database)
        declares in another spelling of the same thing (SQLite: `create_all`'s VARCHAR(64) for `text(64)`);
        `expected` unchanged where the dialect stores one spelling only."""

    def snapshot_forms(self, old: Schema, new: Schema) -> Schema:
        """`old` (the latest snapshot, for `generate`) with the column types and defaults it declares in another
        spelling of `new`'s (the schema code's) in `new`'s (SQLite: a snapshot `pull` took from a database
        `create_all` built holds its VARCHAR(64), the app's own models give `text(64)`: one column, as drift takes
        it); `old` unchanged where the dialect's snapshots hold one spelling only."""

    def reapplicable(self, model: Schema) -> Schema:
        """`model` (introspected) with its expressions written so that applying them stores the same text again
        (what `pull` writes: the server's printed text is not always a fixed point)."""

    def push_forms(self, code: Schema, live: Schema) -> tuple[Schema, Schema]:
        """`push`'s two models (the schema code's, the live database's) in the form the database can show, so that
        only what a push can make differ is a change: SQLite's CREATE TABLE, as mizzle writes it, never names a
        foreign key or a composite primary key, and a column create_all declared VARCHAR(36) is the code's
        text(36) (both as drift compares them). PostgreSQL: the code in `declared_forms`' spellings of the live
        database (a serial kept through its table's rename is the code's serial)."""

    def object_forms(self, conn: Any, expected: Schema, actual: Schema) -> Schema:
        """`expected` with its views, functions, triggers, … as the server at `conn` stores them (PostgreSQL asks
        the server; SQLite keeps a view's text as written)."""

    # -- live databases -----------------------------------------------------------------------------------------
    def connect(self, db: DatabaseURL, *, connect_timeout: float = 10, application_name: str = "mizzle",
                must_exist: bool = False) -> AbstractContextManager[Any]:
        """A driver connection, closed when the `with` block ends."""

    def sqlalchemy_url(self, url: str) -> str:
        """`url` for sqlalchemy.create_engine (the driver mizzle uses named)."""

    def database_file(self, db: DatabaseURL) -> str | None:
        """The file an embedded database lives in (":memory:" for none); None for a server."""

    def introspect(self, conn: Any, scope: Any, table: str = "__drizzle_migrations", *, helper: Any = None,
                   unmanaged: list[str] | None = None) -> Schema:
        """The model of the database behind the driver connection `conn`, within `scope`. `helper`: a second
        connection to the same database, which the reading may use beside `conn` (introspects_on_two_connections).
        `unmanaged`: where given, `self.unmanaged(conn, scope)`'s lines are added to it, read with the model."""

    def off_path_note(self, conn: Any, changes: list[str]) -> list[str]:
        """A note explaining `changes` (a comparison of a model with the database behind `conn`) that only name
        what the server prints qualified because the connection's search_path lacks its schema (PostgreSQL:
        Supabase's `extensions`); none otherwise."""

    def unmanaged(self, conn: Any, scope: Any) -> list[str]:
        """What the database behind `conn` holds, within `scope`, that mizzle does not manage (and so never
        drops): one line per kind, with the names."""

    def open_backend(self, url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
                     application_name: str = "mizzle") -> RunnerBackend: ...

    def control_query(self, db: DatabaseURL, sql: str, where: str) -> list[tuple[Any, ...]]:
        """A fleet's control query, run once on `db`: its rows. ConnectError when `db` cannot be reached,
        UsageError when the query fails or the dialect cannot hold a control database (`where` starts each
        message)."""

    def open_probe(self, url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
                   application_name: str = "mizzle") -> Any:
        """A connection that skips the driver's import cost and can only try_lock, ready_state() and close;
        None where this dialect has none."""

    def tracking_sql(self) -> TrackingSQL:
        """The tracking store's SQL in this dialect (mizzle.runner.tracking.TrackingStore runs it)."""

    def scratch(self, url: str | None, scratch_url: str | None, *, connect_timeout: float = 10,
                flag: str = "--scratch-url") -> AbstractContextManager[tuple[str, str]]:
        """A new, empty database to replay into, removed whatever happens: yields (url, where for messages)."""

    def rowid_key(self, table: Table) -> str | None:
        """The column of `table`'s key that makes its own values with no default, serial or identity (SQLite: a
        one-column INTEGER key, the rowid's alias); None where there is none (PostgreSQL)."""

    def watch_replay(self, conn: Any, texts: Iterable[str]) -> AbstractContextManager[None]:
        """While the block runs, repeated introspections of the scratch database behind `conn` (into which the
        migrations `texts` are being replayed) may learn what each migration changed from the server itself
        (a speed trick; PostgreSQL: ddl_watch.py); nothing where the dialect or the role cannot."""

    def replay_leftovers(self, conn: Any, texts: Iterable[str]) -> AbstractContextManager[None]:
        """Around a whole replay into the scratch database behind `conn`: what the migrations `texts` made outside
        that database is removed when the block ends, however it ends (PostgreSQL: the roles they created — roles
        are the cluster's, and a second replay's CREATE ROLE would fail on them)."""

    def roles_created(self, texts: Iterable[str]) -> set[str]:
        """The roles the migration `texts` create (`CREATE ROLE`, also inside a DO block); none where the dialect
        has no roles. A rebuilt snapshot holds those only, not every role a policy or grant names."""

    def mark_rebuilt(self, snap: dict[str, Any], texts: list[str], folders: bool) -> None:
        """Mark in `snap` (a rebuilt snapshot's JSON, `texts` the migrations so far) what its layout's writer
        cannot tell from the database alone (SQLite, 1.x layout: a unique index the SQL made with CREATE UNIQUE
        INDEX, under a unique constraint's default name)."""

    # -- the settings table (protect) -----------------------------------------------------------------------------
    def settings_schema(self, tracking_schema: str) -> str:
        """The schema `protect` writes its settings table in."""

    def read_settings(self, backend: RunnerBackend, key: str) -> list[tuple[str, tuple[Any, ...] | None, str | None]]:
        """`key` in each settings table of the database: (where, (value, updated_at, updated_by, db_user) or None,
        the error reading it)."""

    def write_setting(self, backend: RunnerBackend, key: str, value: str, actor: str, schema: str,
                      everywhere: bool) -> str:
        """Set `key` in `schema`'s settings table (`everywhere`: in every settings table of the database too);
        returns the table written. ServerError when the server refuses."""

"""SQLite: the embedded default. The `Dialect` object (DIALECT) whose hooks delegate to this folder's modules —
model conventions (source.py), drizzle-kit's v6 snapshot, DDL with table rebuilds (rebuild.py decides them),
introspection, and the runner backend (stdlib sqlite3 only). Every hook imports its module when called."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .. import JOURNAL_VERSIONS

if TYPE_CHECKING:
    from ...dburl import DatabaseURL
    from ...planning.plan import PlannedStatement
    from ...runner.tracking import TrackingSQL, TrackingTable
    from ...schema.model import Schema, Table
    from ..base import AuthoredSql, FolderCodec, RunnerBackend, SqlReader


class SQLiteDialect:
    name = "sqlite"
    title = "SQLite"
    journal_version = JOURNAL_VERSIONS[name]
    embedded = True
    online = False  # a migration holds the whole database's write lock whichever way it is written
    idempotent = False
    lint = False
    sqlalchemy_name = "sqlite"  # SQLAlchemy's name of the dialect (its dialect_options keywords: <name>_where, ...)
    canonical_forms = False  # the model from SQLite's own catalog is compared as it is
    computed_virtual = True
    tenant_schemas = False
    template_databases = False
    renames_keep_names = True
    rebuilds_tables = True
    drizzle_kit_records_renames = True
    drizzle_kit_drops_added_key_actions = True
    drizzle_kit_sorted_key_columns = True
    sidecar_server_names = True  # an index's (SQLite keeps no constraint names)
    pg_declarations: Mapping[str, str] = MappingProxyType({
        "trigger": "Trigger(name, table, body=\"…\") (SQLite's: a body, no function)", "view": "View"})
    introspects_on_two_connections = False
    foreign_keys_check_types = False
    probe = False

    def schema_from_tables(self, items: Sequence[Any], seen: dict[tuple[str, str], tuple[Any, str]],
                           schema_filter: tuple[str, ...], naming: str = "drizzle") -> Schema:
        from dataclasses import replace

        from ...sources.pg_security import refuse_security
        from .source import refuse_shared_names, sqlite_schema_from_tables
        from .views import declared_views, refuse_orphan_triggers

        refuse_security(list(items), seen, self.title)  # extensions, policies, RLS, roles, grants: refused
        views = declared_views(items)  # mizzle.pg: plain views only, the rest refused
        model = sqlite_schema_from_tables([t for t, _ in seen.values()])
        refuse_orphan_triggers(model.tables, views)
        model = replace(model, objects=replace(views, unmanaged=model.objects.unmanaged))
        refuse_shared_names(model, frozenset((t.name, c.name) for t, _ in seen.values() for c in t.constraints
                                             if type(c).__name__ == "UniqueConstraint" and isinstance(c.name, str)))
        return model

    def load_snapshot(self, data: dict[str, Any], sidecar: dict[str, Any] | None = None,
                      source: str = "snapshot") -> Schema:
        from .snapshot import sqlite_schema_from_snapshot

        side = (sidecar or {}).get("snapshots", {}).get(data.get("id"), {}) if sidecar else {}
        return sqlite_schema_from_snapshot(data, source, side)

    def save_snapshot(self, schema: Schema, prev_id: str, id_: str | None = None, renames: Any = None,
                      memo: dict[int, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        from ...migrations.snapshots import new_id
        from .snapshot import sqlite_snapshot_from_schema

        return sqlite_snapshot_from_schema(schema, prev_id, id_ or new_id(), renames)

    @property
    def folder_codec(self) -> FolderCodec:
        from .snapshot_1x import FOLDER_CODEC

        return FOLDER_CODEC

    def same_pulled_module(self, text: str, expected: Schema) -> bool:
        return False  # the module reader knows PostgreSQL's types only: the SQLAlchemy check decides

    def pulled_type(self, declared: str) -> str | None:
        from .source import pulled_type

        return pulled_type(declared)

    def keeps_values(self, old_type: str, new_type: str) -> bool:
        from .types import affinity

        # the table rebuild copies each value into the new column, which converts it only where the affinity
        # differs (TEXT '007' into an INTEGER column is 7)
        return affinity(old_type) == affinity(new_type)

    def rewrite_changes(self, changes: list[Any], old: Schema, new: Schema) -> list[Any]:
        from .rebuild import sqlite_changes

        return sqlite_changes(changes, old, new)

    def fails_on_rows(self, changes: list[Any]) -> list[str]:
        from .rebuild import not_null_without_default, options_on_rows

        return not_null_without_default(changes) + options_on_rows(changes)

    def migrator_hazards(self, changes: list[Any], old: Schema) -> list[str]:
        from .rebuild import rebuilt_parents

        return rebuilt_parents(changes, old)

    def rebuild_losses(self, changes: list[Any], folder_sql: Callable[[], str]) -> list[str]:
        from functools import cache

        from .folder_triggers import rebuilt_triggers_lost
        from .table_options import rebuilt_options_lost

        sql = cache(folder_sql)  # the folder read once for both
        return rebuilt_options_lost(changes, sql) + rebuilt_triggers_lost(changes, sql)

    def rebuilds_retyped(self, changes: list[Any], old: Schema) -> list[Any]:
        from .rebuild import retyped

        return retyped(changes, old)

    def unknown_collations(self, names: Iterable[str], folder_sql: Callable[[], Iterable[str]]) -> dict[str, str]:
        from .types import unknown_collations

        return unknown_collations(names)

    def extension_of_type(self, type_: str) -> str | None:
        return None  # SQLite's loadable extensions add functions and virtual tables, not column types

    def extensions_called(self, sql: str) -> dict[str, str]:
        return {}  # a loadable extension is loaded per connection, not created in the database: nothing to create

    def extension_of_opclass(self, opclass: str) -> str | None:
        return None  # SQLite's indexes have no operator classes

    def extension_of_default_opclass(self, method: str, type_: str) -> str | None:
        return None  # SQLite's indexes have no operator classes

    def chunk_statements(self, chunk: str) -> int:
        from .introspect import without_comments
        from .runner import split_sql

        return sum(1 for s in split_sql(chunk) if without_comments(s).strip(" \t\r\n;"))  # /* … */ alone: none

    def foreign_statement(self, sql: str) -> str | None:
        from .runner import libsql_statement

        return libsql_statement(sql)

    def copy_gaps(self, statements: list[str], before: dict[str, Any] | None) -> list[tuple[int, str]]:
        from .runner import copy_gaps

        return copy_gaps(statements, before)

    def render(self, changes: list[Any]) -> list[PlannedStatement]:
        from .ddl import render

        return render(changes)

    def plan_online(self, statements: list[PlannedStatement], lock_timeout: str, idempotent: bool,
                    schema: Schema | None = None) -> tuple[list[PlannedStatement], list[str]]:
        return statements, []

    def plan_idempotent(self, statements: list[PlannedStatement]) -> tuple[list[PlannedStatement], list[str]]:
        raise NotImplementedError("SQLite has no idempotent rewrite (idempotent = False)")

    def lock_timeout(self, value: str | int | float) -> str:
        raise NotImplementedError("SQLite has no online rewrite (online = False)")

    def push_forms(self, code: Schema, live: Schema) -> tuple[Schema, Schema]:
        from .introspect import comparable
        from .types import declared_forms

        # the names introspection reads from a table's text (create_all's `CONSTRAINT fk_… FOREIGN KEY`) are left
        # out too: a rebuild would not write them, so pushing the code's name could never take
        live = comparable(live)
        return declared_forms(comparable(code), live, own_exact=True), live

    def object_forms(self, conn: Any, expected: Schema, actual: Schema) -> Schema:
        return expected  # SQLite keeps a view's text as written

    @property
    def authored_sql(self) -> AuthoredSql:
        return _KEPT_AS_WRITTEN

    @property
    def reader(self) -> SqlReader:
        from . import reader

        return reader

    def canonical(self, model: Schema, comments: bool = True) -> Schema:
        return model  # the model from SQLite's own catalog is compared as it is

    def comparable(self, model: Schema) -> Schema:
        from .introspect import comparable

        return comparable(model)

    def server_forms(self, conn: Any, expected: Schema, actual: Schema) -> Schema:
        return expected

    def declared_forms(self, expected: Schema, actual: Schema) -> Schema:
        from .types import declared_forms

        return declared_forms(expected, actual)

    def snapshot_forms(self, old: Schema, new: Schema) -> Schema:
        from .types import code_forms

        return code_forms(old, new)

    def reapplicable(self, model: Schema) -> Schema:
        return model  # SQLite keeps the statement's own text

    def connect(self, db: DatabaseURL, *, connect_timeout: float = 10, application_name: str = "mizzle",
                must_exist: bool = False) -> AbstractContextManager[Any]:
        from .connection import connect

        return closing(connect(db, must_exist=must_exist))

    def sqlalchemy_url(self, url: str) -> str:
        """`url` for sqlalchemy.create_engine (the driver mizzle uses named)."""
        return url

    def database_file(self, db: DatabaseURL) -> str | None:
        from .connection import database_path

        return database_path(db)

    def introspect(self, conn: Any, scope: Any, table: str = "__drizzle_migrations", *, helper: Any = None,
                   unmanaged: list[str] | None = None) -> Schema:
        from .introspect import in_tables_filter, introspect

        if unmanaged is not None:
            unmanaged.extend(self.unmanaged(conn, scope))
        model = introspect(conn, exclude=tuple(n for _, n in scope.exclude_tables) if scope is not None else (table,))
        return in_tables_filter(model, scope)

    def off_path_note(self, conn: Any, changes: list[str]) -> list[str]:
        return []  # no schemas, no search_path

    def unmanaged(self, conn: Any, scope: Any) -> list[str]:
        from ...schema.model import DEFAULT_SCHEMA
        from .introspect import unmanaged

        if scope is None:
            return unmanaged(conn, ())
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return unmanaged(conn, (*(n for _, n in scope.exclude_tables),
                                *(n for n in names if not scope.wants_table(DEFAULT_SCHEMA, n))))

    def open_backend(self, url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
                     application_name: str = "mizzle") -> RunnerBackend:
        from .runner import open_backend

        return open_backend(url, tracking, connect_timeout=connect_timeout, application_name=application_name)

    def control_query(self, db: DatabaseURL, sql: str, where: str) -> list[tuple[Any, ...]]:
        from ...errors import UsageError

        raise UsageError(f"{where}: a control query needs a PostgreSQL control database, not {self.name}")

    def open_probe(self, url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
                   application_name: str = "mizzle") -> Any:
        return None

    def tracking_sql(self) -> TrackingSQL:
        from .runner import TRACKING_SQL

        return TRACKING_SQL

    def scratch(self, url: str | None, scratch_url: str | None, *, connect_timeout: float = 10,
                flag: str = "--scratch-url") -> AbstractContextManager[tuple[str, str]]:
        return _scratch()

    def rowid_key(self, table: Table) -> str | None:
        from .source import rowid_alias

        pk = table.primary_key
        return pk.columns[0] if pk is not None and not table.without_rowid and rowid_alias(pk.columns, table.columns) \
            else None

    def watch_replay(self, conn: Any, texts: Iterable[str]) -> AbstractContextManager[None]:
        return nullcontext()  # introspecting SQLite again is cheap: nothing to learn

    def replay_leftovers(self, conn: Any, texts: Iterable[str]) -> AbstractContextManager[None]:
        return nullcontext()  # a SQLite database holds everything its migrations make

    def roles_created(self, texts: Iterable[str]) -> set[str]:
        return set()  # no roles

    def mark_rebuilt(self, snap: dict[str, Any], texts: list[str], folders: bool) -> None:
        if folders:
            from .introspect import add_key_uniques
            from .snapshot_1x import mark_made_as_indexes

            add_key_uniques(snap, texts)
            mark_made_as_indexes(snap, texts)

    def settings_schema(self, tracking_schema: str) -> str:
        return "main"

    def read_settings(self, backend: RunnerBackend, key: str) -> list[tuple[str, tuple[Any, ...] | None, str | None]]:
        import sqlite3

        from ..base import driver_error
        from .settings import read_settings

        try:
            return read_settings(backend.conn, key)
        except sqlite3.Error as e:
            raise driver_error(e) from None

    def write_setting(self, backend: RunnerBackend, key: str, value: str, actor: str, schema: str,
                      everywhere: bool) -> str:
        import sqlite3

        from ..base import driver_error
        from .settings import write_setting

        try:
            return write_setting(backend.conn, key, value, actor, schema, everywhere)
        except sqlite3.Error as e:
            raise driver_error(e) from None


@contextmanager
def _scratch() -> Iterator[tuple[str, str]]:
    """A file in a temporary folder."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="mizzle-verify-") as d:
        yield f"sqlite:///{Path(d).resolve() / 'scratch.db'}", "a temporary SQLite file"


DIALECT = SQLiteDialect()


class _KeptAsWritten:
    """SQLite keeps each object's SQL as written (sqlite_master): introspection already reads the author's
    spelling, so a migration's SQL adds only the renames it states (a rebuilt snapshot's `_meta`)."""

    def read(self, sql: str, texts: Any) -> None:
        from .introspect import renames_stated

        renames_stated(sql, texts)

    def same_type(self, authored: str, stored: str) -> bool:
        return authored == stored

    def snapshot_default(self, authored: str, type_: str, is_enum: bool) -> str | None:
        return authored

    def unauthored_default(self, stored: str, type_: str) -> str:
        return stored  # SQLite keeps the statement's own text


_KEPT_AS_WRITTEN = _KeptAsWritten()

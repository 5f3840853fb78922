"""PostgreSQL: the `Dialect` object (DIALECT) whose hooks delegate to this folder's modules — snapshot codec
(drizzle-kit's v7), DDL, online and idempotent rewrites, types and expressions, introspection, connection, the
runner backend and its driver-less probe, scratch databases, the settings table. Every hook imports its
module when called (psycopg, pglast and SQLAlchemy stay unimported until needed)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .. import JOURNAL_VERSIONS

if TYPE_CHECKING:
    from ...dburl import DatabaseURL
    from ...planning.plan import PlannedStatement
    from ...runner.tracking import TrackingSQL, TrackingTable
    from ...schema.model import Schema, Table
    from ..base import AuthoredSql, FolderCodec, RunnerBackend, SqlReader


class PostgresDialect:
    name = "postgresql"
    title = "PostgreSQL"
    journal_version = JOURNAL_VERSIONS[name]
    embedded = False
    online = True
    idempotent = True
    lint = True
    sqlalchemy_name = "postgresql"  # SQLAlchemy's name of the dialect (its dialect_options keywords: <name>_where, ...)
    probe = True
    canonical_forms = True
    computed_virtual = False
    tenant_schemas = True
    template_databases = True
    renames_keep_names = True
    rebuilds_tables = False
    drizzle_kit_records_renames = False
    drizzle_kit_drops_added_key_actions = False
    drizzle_kit_sorted_key_columns = False
    sidecar_server_names = True
    pg_declarations: Mapping[str, str] = MappingProxyType({
        "routine": "Function (or Procedure)", "trigger": "Trigger", "view": "View", "domain": "Domain",
        "composite type": "CompositeType"})
    introspects_on_two_connections = True
    foreign_keys_check_types = True

    def schema_from_tables(self, items: Sequence[Any], seen: dict[tuple[str, str], tuple[Any, str]],
                           schema_filter: tuple[str, ...], naming: str = "drizzle") -> Schema:
        from .source import postgres_schema_from_tables

        return postgres_schema_from_tables(list(items), seen, schema_filter, naming)

    def load_snapshot(self, data: dict[str, Any], sidecar: dict[str, Any] | None = None,
                      source: str = "snapshot") -> Schema:
        from .snapshot import schema_from_snapshot

        return schema_from_snapshot(data, sidecar, source=source)

    def save_snapshot(self, schema: Schema, prev_id: str, id_: str | None = None, renames: Any = None,
                      memo: dict[int, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        from .snapshot import snapshot_from_schema

        return snapshot_from_schema(schema, prev_id, id_, renames, memo)

    @property
    def folder_codec(self) -> FolderCodec:
        from .snapshot_v9 import FOLDER_CODEC

        return FOLDER_CODEC

    def same_pulled_module(self, text: str, expected: Schema) -> bool:
        from .pull_check import same_model

        return same_model(text, expected)

    def pulled_type(self, declared: str) -> str | None:
        return None  # the shared mapping (commands/pull_code.py) is PostgreSQL's

    def keeps_values(self, old_type: str, new_type: str) -> bool:
        from .types import keeps_values

        return keeps_values(old_type, new_type)

    def rewrite_changes(self, changes: list[Any], old: Schema, new: Schema) -> list[Any]:
        from .composites import convert_between_composites  # no cast from one composite type to another

        return convert_between_composites(changes, old, new)

    def fails_on_rows(self, changes: list[Any]) -> list[str]:
        return []  # lint's MZ201 (NOT NULL without a default), MZ202 (SET NOT NULL) say it

    def migrator_hazards(self, changes: list[Any], old: Schema) -> list[str]:
        return []  # no table rebuilds: a file's DDL reaches no rows of other tables

    def rebuild_losses(self, changes: list[Any], folder_sql: Callable[[], str]) -> list[str]:
        return []  # no table rebuilds: a change alters the object in place

    def rebuilds_retyped(self, changes: list[Any], old: Schema) -> list[Any]:
        return changes  # no table rebuilds

    def unknown_collations(self, names: Iterable[str], folder_sql: Callable[[], Iterable[str]]) -> dict[str, str]:
        from .types import unknown_collations

        return unknown_collations(names, folder_sql)

    def extension_of_type(self, type_: str) -> str | None:
        from .runner import extension_of_type

        return extension_of_type(type_)

    def extensions_called(self, sql: str) -> dict[str, str]:
        from .runner import extensions_called

        return extensions_called(sql)

    def extension_of_opclass(self, opclass: str) -> str | None:
        from .runner import extension_of_opclass

        return extension_of_opclass(opclass)

    def extension_of_default_opclass(self, method: str, type_: str) -> str | None:
        from .opclass_defaults import extension_of_default_opclass

        return extension_of_default_opclass(method, type_)

    def chunk_statements(self, chunk: str) -> int:
        return 1  # node-postgres and postgres.js run a chunk of several statements (the simple query protocol)

    def foreign_statement(self, sql: str) -> str | None:
        return None  # drizzle-kit's PostgreSQL siblings (Neon, Supabase, …) write PostgreSQL

    def copy_gaps(self, statements: list[str], before: dict[str, Any] | None) -> list[tuple[int, str]]:
        return []  # drizzle-kit changes a PostgreSQL column in place: no copies

    def render(self, changes: list[Any]) -> list[PlannedStatement]:
        from .ddl import render
        from .objects_ddl import RENDER_OBJECTS

        return render(changes, RENDER_OBJECTS)

    def plan_online(self, statements: list[PlannedStatement], lock_timeout: str, idempotent: bool,
                    schema: Schema | None = None) -> tuple[list[PlannedStatement], list[str]]:
        from .online import make_online

        return make_online(statements, lock_timeout, idempotent, schema)

    def plan_idempotent(self, statements: list[PlannedStatement]) -> tuple[list[PlannedStatement], list[str]]:
        from .idempotent import IDEMPOTENT, make_idempotent

        return make_idempotent(statements), [f"-- {IDEMPOTENT}"]

    def lock_timeout(self, value: str | int | float) -> str:
        from .online import lock_timeout_value

        return lock_timeout_value(value)

    @property
    def reader(self) -> SqlReader:
        from . import reader

        return reader

    @property
    def authored_sql(self) -> AuthoredSql:
        from . import authored_sql

        return authored_sql

    def canonical(self, model: Schema, comments: bool = True) -> Schema:
        from .canonical_tables import canonical

        return canonical(model, comments)

    def comparable(self, model: Schema) -> Schema:
        return model

    def server_forms(self, conn: Any, expected: Schema, actual: Schema) -> Schema:
        from .canonical_grants import owner_grant_forms
        from .canonical_policies import policy_forms
        from .canonical_server import server_forms
        from .lineage import server_bounds, server_partition_keys

        # expressions and defaults; partition keys and bounds; policies' USING / WITH CHECK; grants to an owner
        keyed = server_partition_keys(conn, expected, actual)
        forms = policy_forms(conn, server_forms(conn, server_bounds(conn, keyed, actual), actual), actual)
        return owner_grant_forms(conn, forms, actual)

    def declared_forms(self, expected: Schema, actual: Schema) -> Schema:
        # canonical forms already put both in the server's one spelling; a serial kept through a table's rename
        # has a spelling of its own, and so has a date/time default the server evaluated when it stored it, and
        # a function's arguments spelled otherwise (pglast's reading of them decides)
        from .canonical_policies import session_roles_resolved
        from .canonical_tables import frozen_defaults, routines_spelled_as, serials_renamed

        forms = routines_spelled_as(frozen_defaults(serials_renamed(expected, actual), actual), actual)
        return session_roles_resolved(forms, actual)

    def snapshot_forms(self, old: Schema, new: Schema) -> Schema:
        return old  # canonical forms put both snapshots in the server's one spelling

    def reapplicable(self, model: Schema) -> Schema:
        from .reapply import reapplicable

        return reapplicable(model)

    def push_forms(self, code: Schema, live: Schema) -> tuple[Schema, Schema]:
        # the server keeps every name and spelling (object_forms asks it for the rest), except the spellings
        # drift and generate take as the code's too: a serial kept through its table's rename, a date/time default
        # the server evaluated, a routine's arguments spelled otherwise
        return self.declared_forms(code, live), live

    def object_forms(self, conn: Any, expected: Schema, actual: Schema) -> Schema:
        from .canonical_objects import object_server_forms

        return object_server_forms(conn, expected, actual)

    def connect(self, db: DatabaseURL, *, connect_timeout: float = 10, application_name: str = "mizzle",
                must_exist: bool = False) -> AbstractContextManager[Any]:
        from .connection import connect

        return connect(db, connect_timeout=connect_timeout, application_name=application_name)

    def sqlalchemy_url(self, url: str) -> str:
        """`url` for sqlalchemy.create_engine (the driver mizzle uses named)."""
        return url.replace("postgresql://", "postgresql+psycopg://", 1)

    def database_file(self, db: DatabaseURL) -> str | None:
        return None

    def introspect(self, conn: Any, scope: Any, table: str = "__drizzle_migrations", *, helper: Any = None,
                   unmanaged: list[str] | None = None) -> Schema:
        from .introspect import introspect

        return introspect(conn, scope, helper=helper, unmanaged=unmanaged)

    def off_path_note(self, conn: Any, changes: list[str]) -> list[str]:
        from .search_path import off_path_note

        return off_path_note(conn, changes)

    def unmanaged(self, conn: Any, scope: Any) -> list[str]:
        from .introspect import Scope, scope_namespaces
        from .unmanaged import describe, unmanaged

        return describe(unmanaged(conn, [oid for oid, _ in scope_namespaces(conn, scope or Scope())]))

    def open_backend(self, url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
                     application_name: str = "mizzle") -> RunnerBackend:
        from .runner import open_backend

        return open_backend(url, tracking, connect_timeout=connect_timeout, application_name=application_name)

    def control_query(self, db: DatabaseURL, sql: str, where: str) -> list[tuple[Any, ...]]:
        from .connection import control_query

        return control_query(db, sql, where)

    def open_probe(self, url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
                   application_name: str = "mizzle") -> Any:
        from .probe import open_probe

        return open_probe(url, tracking, connect_timeout=connect_timeout, application_name=application_name)

    def tracking_sql(self) -> TrackingSQL:
        from .runner import TRACKING_SQL

        return TRACKING_SQL

    def scratch(self, url: str | None, scratch_url: str | None, *, connect_timeout: float = 10,
                flag: str = "--scratch-url") -> AbstractContextManager[tuple[str, str]]:
        return _scratch(url, scratch_url, connect_timeout=connect_timeout, flag=flag)

    def rowid_key(self, table: Table) -> str | None:
        return None  # a key makes its values only through a serial, an identity or a default

    def watch_replay(self, conn: Any, texts: Iterable[str]) -> AbstractContextManager[None]:
        from .ddl_watch import watching

        # speed, with the watch or without it: the introspection's statements, run ~200 times on this connection,
        # are prepared (psycopg, from the 5th run) and PostgreSQL keeps planning each run anew while a custom plan
        # looks cheaper — 1.5 of the ~2 ms the few tables' queries took per step on dokploy; one generic plan
        # each halves that (the same rows)
        conn.execute("SET plan_cache_mode = force_generic_plan")
        # speed: the log's read (ddl_watch.py) deletes what it read, a commit per step; a scratch database's
        # commits need not wait for the disk (~0.3 ms a step here)
        conn.execute("SET synchronous_commit = off")
        return watching(conn, texts)

    def replay_leftovers(self, conn: Any, texts: Iterable[str]) -> AbstractContextManager[None]:
        from .scratch import roles_made_dropped

        return roles_made_dropped(conn, texts)

    def roles_created(self, texts: Iterable[str]) -> set[str]:
        from .scratch import roles_made_by

        return roles_made_by(texts)

    def mark_rebuilt(self, snap: dict[str, Any], texts: list[str], folders: bool) -> None:
        pass  # the database tells a unique constraint from a unique index

    def settings_schema(self, tracking_schema: str) -> str:
        return tracking_schema

    def read_settings(self, backend: RunnerBackend, key: str) -> list[tuple[str, tuple[Any, ...] | None, str | None]]:
        import psycopg

        from ..base import driver_error
        from .settings import read_settings

        try:
            return read_settings(backend.conn, key)
        except psycopg.Error as e:
            raise driver_error(e) from None

    def write_setting(self, backend: RunnerBackend, key: str, value: str, actor: str, schema: str,
                      everywhere: bool) -> str:
        import psycopg

        from ..base import driver_error
        from .settings import write_setting

        try:
            return write_setting(backend.conn, key, value, actor, schema, everywhere)
        except psycopg.Error as e:
            raise driver_error(e) from None


@contextmanager
def _scratch(url: str | None, scratch_url: str | None, *, connect_timeout: float,
             flag: str) -> Iterator[tuple[str, str]]:
    """On the server of `scratch_url`, else of `url` when it is a PostgreSQL URL, else in a throwaway local
    cluster."""
    from ...dburl import parse_url
    from .scratch import scratch_database

    server = scratch_url or (url if url and parse_url(url).dialect == PostgresDialect.name else None)
    if server is not None:
        with scratch_database(server, connect_timeout=connect_timeout, flag=flag) as scratch:
            db = parse_url(scratch)
            yield scratch, f"database {db.database} on {db.where.rsplit('/', 1)[0]}"
        return
    from .scratch import throwaway_cluster

    with throwaway_cluster(flag=flag) as cluster:
        # the cluster is new and discarded: its own `postgres` database is scratch enough
        yield cluster, "a throwaway local cluster"


DIALECT = PostgresDialect()

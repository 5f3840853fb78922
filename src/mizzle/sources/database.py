"""Reading a live database into the schema model: dialect dispatch, and the scope a project's config gives
(schema_filter, tables_filter, the tracking tables left out)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..dburl import DatabaseURL, parse_url

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ..config import Config
    from ..schema.model import Schema
    from ..schema.scope import Scope


def scope_for(config: Config | None = None, *, schema_filter: tuple[str, ...] = (), tables_filter: tuple[str, ...] = (),
              tracking_table: str = "__drizzle_migrations", tracking_schema: str | None = "drizzle") -> Scope:
    """What mizzle manages in a database: the config's schema_filter and tables_filter, minus the tracking
    tables (and the tracking schema, while nothing else is in it: Scope.settled)."""
    from ..runner.tracking import AUDIT_TABLE, PROGRESS_TABLE, SETTINGS_TABLE
    from ..schema.scope import Scope

    if config is not None:
        schema_filter, tables_filter = config.schema_filter, config.tables_filter
        tracking_table, tracking_schema = config.table, config.tracking_schema
    ts = tracking_schema or "public"
    return Scope(schemas=tuple(schema_filter), tables=tuple(tables_filter),
                 tracking_schema=ts if ts != "public" else None,
                 exclude_tables=tuple((ts, n) for n in (tracking_table, AUDIT_TABLE, PROGRESS_TABLE, SETTINGS_TABLE)))


def introspect_url(url: str | DatabaseURL, scope: Scope | None = None, *, connect_timeout: float = 10,
                   unmanaged: list[str] | None = None) -> Schema:
    """The model of the database at `url`; what it holds that mizzle does not manage is appended to
    `unmanaged` (one line per kind) when a list is given."""
    db = parse_url(url) if isinstance(url, str) else url
    with open_for_introspection(db, connect_timeout) as conn:
        return introspect_connection(db, conn, scope, unmanaged)


def open_for_introspection(db: DatabaseURL, connect_timeout: float = 10) -> AbstractContextManager[Any]:
    """The connection introspect_url reads through (a context manager that closes it)."""
    from .. import dialects

    return dialects.get(db.dialect).connect(db, connect_timeout=connect_timeout, application_name="mizzle introspect",
                                            must_exist=True)


def introspect_connection(db: DatabaseURL, conn: Any, scope: Scope | None = None,
                          unmanaged: list[str] | None = None, *, helper: Any = None) -> Schema:
    """introspect_url's reading, through a connection open_for_introspection gave (and `helper`, a second one, where
    the dialect reads on two: Dialect.introspects_on_two_connections)."""
    from .. import dialects

    return dialects.get(db.dialect).introspect(conn, scope, helper=helper, unmanaged=unmanaged)

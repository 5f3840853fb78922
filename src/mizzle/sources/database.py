"""Reading a live database into the schema model: dialect dispatch, and the scope a project's config gives
(schema_filter, tables_filter, the tracking tables left out)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..dburl import DatabaseURL, parse_url
from ..errors import UsageError
from ..schema.model import Schema

if TYPE_CHECKING:
    from ..config import Config
    from ..dialects.postgres.introspect import Scope


def scope_for(config: Config | None = None, *, schema_filter: tuple[str, ...] = (), tables_filter: tuple[str, ...] = (),
              tracking_table: str = "__drizzle_migrations", tracking_schema: str | None = "drizzle") -> Scope:
    """What mizzle manages in a database: the config's schema_filter and tables_filter, minus the tracking
    tables (and the tracking schema, unless the filter names it)."""
    from ..commands.protect import SETTINGS_TABLE
    from ..dialects.postgres.introspect import Scope
    from ..runner.tracking import AUDIT_TABLE, PROGRESS_TABLE

    if config is not None:
        schema_filter, tables_filter = config.schema_filter, config.tables_filter
        tracking_table, tracking_schema = config.table, config.tracking_schema
    ts = tracking_schema or "public"
    exclude_schemas = (ts,) if ts != "public" else ()
    return Scope(schemas=tuple(schema_filter), tables=tuple(tables_filter), exclude_schemas=exclude_schemas,
                 exclude_tables=tuple((ts, n) for n in (tracking_table, AUDIT_TABLE, PROGRESS_TABLE, SETTINGS_TABLE)))


def introspect_url(url: str | DatabaseURL, scope: Scope | None = None, *, connect_timeout: float = 10) -> Schema:
    """The model of the database at `url`."""
    db = parse_url(url) if isinstance(url, str) else url
    if db.dialect == "sqlite":
        from ..dialects.sqlite.connection import connect as sqlite_connect
        from ..dialects.sqlite.introspect import introspect as sqlite_introspect

        conn = sqlite_connect(db, must_exist=True)
        try:
            exclude = tuple(n for _, n in scope.exclude_tables) if scope else ("__drizzle_migrations",)
            return sqlite_introspect(conn, exclude=exclude)
        finally:
            conn.close()
    if db.dialect != "postgresql":
        raise UsageError(f"introspecting {db.dialect} databases is not available yet (PostgreSQL is)")
    from ..dialects.postgres.connection import connect
    from ..dialects.postgres.introspect import introspect

    with connect(db, connect_timeout=connect_timeout, application_name="mizzle introspect") as conn:
        return introspect(conn, scope)

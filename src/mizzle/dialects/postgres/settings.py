"""mizzle's settings table on PostgreSQL (`<tracking schema>.__mizzle_settings`): read one key from every
such table of the database, write it (`mizzle protect`)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql as pgsql

from ...runner.tracking import SETTINGS_TABLE

_TABLES = ("SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE c.relname = %s AND c.relkind IN ('r', 'p')")


def read_settings(conn: Any, key: str) -> list[tuple[str, tuple[Any, ...] | None, str | None]]:
    """(where, (value, updated_at, updated_by, db_user) or None, error) for each settings table, by schema."""
    out: list[tuple[str, tuple[Any, ...] | None, str | None]] = []
    for (schema,) in conn.execute(_TABLES + " ORDER BY n.nspname", (SETTINGS_TABLE,)).fetchall():
        where = f"{schema}.{SETTINGS_TABLE}"
        try:
            rows = conn.execute(pgsql.SQL("SELECT value, updated_at, updated_by, db_user FROM {} WHERE key = %s")
                                .format(pgsql.Identifier(schema, SETTINGS_TABLE)), (key,)).fetchall()
        except psycopg.Error as e:
            out.append((where, None, str(e).strip().splitlines()[0]))
            continue
        out.append((where, rows[0] if rows else None, None))
    return out


def write_setting(conn: Any, key: str, value: str, actor: str, schema: str, everywhere: bool) -> str:
    """Set `key` in `schema`'s settings table (created if missing) and, with `everywhere`, in every other
    settings table of the database too. Returns the table written."""
    schemas = [schema]
    if everywhere:
        schemas += [r[0] for r in conn.execute(_TABLES + " AND n.nspname <> %s", (SETTINGS_TABLE, schema)).fetchall()]
    with conn.transaction():
        for s in schemas:
            table = pgsql.Identifier(s, SETTINGS_TABLE)
            if s == schema:
                conn.execute(pgsql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(pgsql.Identifier(s)))
                conn.execute(pgsql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (key text PRIMARY KEY, value text NOT NULL, "
                    "updated_at timestamptz NOT NULL DEFAULT now(), updated_by text, "
                    "db_user text NOT NULL DEFAULT current_user)").format(table))
            conn.execute(pgsql.SQL(
                "INSERT INTO {} (key, value, updated_by) VALUES (%s, %s, %s) ON CONFLICT (key) DO UPDATE SET "
                "value = excluded.value, updated_by = excluded.updated_by, updated_at = now(), "
                "db_user = current_user").format(table), (key, value, actor))
    return f"{schema}.{SETTINGS_TABLE}"

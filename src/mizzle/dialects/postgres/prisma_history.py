"""Prisma Migrate's record of a PostgreSQL database's migrations: `prisma migrate deploy` keeps one row per migration
folder it ran in `_prisma_migrations` (migration_name, finished_at, rolled_back_at, …), in the schema of its URL
(`?schema=`, public by default), and never writes drizzle-orm's tracking table. Read so that `status` and `migrate`
on a Prisma folder say that these migrations are applied already, and how to adopt them (documenso/documenso)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ...schema.bookkeeping import KNOWN
from ..base import OtherHistory, ServerError

TABLE = "_prisma_migrations"
_KIND = next(k for k in KNOWN if k.name == TABLE)

# the first such table on the search_path, with its columns
_FIND = ("SELECT c.oid::regclass::text, array_agg(a.attname::text) FROM pg_class c "
         "JOIN pg_namespace n ON n.oid = c.relnamespace "
         "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
         "WHERE c.relname = %s AND c.relkind IN ('r', 'p') AND n.nspname = ANY (current_schemas(false)) "
         "AND has_table_privilege(c.oid, 'SELECT') "
         "GROUP BY c.oid, n.nspname ORDER BY array_position(current_schemas(false), n.nspname::text) LIMIT 1")


def prisma_history(query: Callable[..., Sequence[tuple[Any, ...]]]) -> OtherHistory | None:
    """The migration folders `_prisma_migrations` records as applied (finished, not marked rolled back), in the order
    Prisma finished them; None without such a table (or one of another shape: the application's own)."""
    try:
        found = query(_FIND, (TABLE,))
        if not found:
            return None
        table, columns = found[0]
        if not _KIND.columns | {"rolled_back_at"} <= set(columns):
            return None
        rows = query(f"SELECT migration_name FROM {table} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL "
                     "GROUP BY migration_name ORDER BY min(finished_at), migration_name")
    except ServerError:
        return None
    return OtherHistory(table, _KIND.tool, tuple(str(r[0]) for r in rows if r[0]), suffix="")

"""Wrangler's record of a D1 database's migrations: `wrangler d1 migrations apply` keeps the names of the files it
applied from its `migrations_dir` (often drizzle-kit's folder) in `d1_migrations` (id, name, applied_at), and never
writes drizzle-orm's `__drizzle_migrations`. Read so that `status` and `migrate` can say that these migrations are
applied already, and how to adopt them (cliftonc/fintune)."""

from __future__ import annotations

import sqlite3

from ...schema.bookkeeping import KNOWN
from ..base import OtherHistory
from .ddl import dq

TABLE = "d1_migrations"
_KIND = next(k for k in KNOWN if k.name == TABLE)


def d1_history(conn: sqlite3.Connection) -> OtherHistory | None:
    """The file names `d1_migrations` lists, in the order Wrangler applied them; None without such a table (or one of
    another shape: the application's own)."""
    try:
        found = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone()
        if found is None:
            return None
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({dq(TABLE)})")}
        if not (_KIND.columns <= columns and (_KIND.only is None or columns <= _KIND.only)):
            return None
        names = tuple(str(r[0]) for r in conn.execute(f"SELECT name FROM {dq(TABLE)} ORDER BY id") if r[0])
    except sqlite3.Error:
        return None
    return OtherHistory(TABLE, _KIND.tool, names)

"""mizzle's settings table in a SQLite file (`__mizzle_settings`): read one key, write it (`mizzle protect`)."""

from __future__ import annotations

import sqlite3
from typing import Any

from ...runner.tracking import SETTINGS_TABLE


def read_settings(conn: Any, key: str) -> list[tuple[str, tuple[Any, ...] | None, str | None]]:
    """[(where, (value, updated_at, updated_by, db_user) or None, error)], or [] without a settings table."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (SETTINGS_TABLE,)).fetchall():
        return []
    try:
        rows = conn.execute(f'SELECT value, updated_at, updated_by, db_user FROM "{SETTINGS_TABLE}" '
                            "WHERE key = ?", (key,)).fetchall()
    except sqlite3.Error as e:
        return [(SETTINGS_TABLE, None, str(e))]
    return [(SETTINGS_TABLE, rows[0] if rows else None, None)]


def write_setting(conn: Any, key: str, value: str, actor: str, schema: str, everywhere: bool) -> str:
    """Set `key` (a SQLite file has one settings table); returns the table written."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f'CREATE TABLE IF NOT EXISTS "{SETTINGS_TABLE}" (key text PRIMARY KEY, value text NOT NULL, '
                     "updated_at text NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')), "
                     "updated_by text, db_user text)")
        conn.execute(f'INSERT INTO "{SETTINGS_TABLE}" (key, value, updated_by) VALUES (?, ?, ?) '
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, "
                     "updated_at = strftime('%Y-%m-%d %H:%M:%S', 'now')", (key, value, actor))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return SETTINGS_TABLE

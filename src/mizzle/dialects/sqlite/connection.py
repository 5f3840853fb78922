"""Opening a SQLite database (stdlib sqlite3) the way every mizzle command wants it: autocommit
(`isolation_level=None`, explicit `BEGIN IMMEDIATE` only) and a busy timeout, so a writer holding the
database makes mizzle wait instead of failing with "database is locked"."""

from __future__ import annotations

import os
import sqlite3
from typing import TYPE_CHECKING

from ...errors import ConnectError

if TYPE_CHECKING:
    from ...dburl import DatabaseURL

DEFAULT_BUSY_TIMEOUT = 60.0


def database_path(url: DatabaseURL) -> str:
    return str(url.database or ":memory:")


def connect(url: DatabaseURL, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, must_exist: bool = False
            ) -> sqlite3.Connection:
    path = database_path(url)
    if path != ":memory:":
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            raise ConnectError(f"cannot open SQLite database {path}: the folder {parent} does not exist",
                               "Create the folder, or fix the path in the URL (sqlite:///relative.db or "
                               "sqlite:////absolute/path.db).")
        if must_exist and not os.path.exists(path):
            raise ConnectError(f"SQLite database {path} does not exist")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError as e:
        raise ConnectError(f"cannot open SQLite database {path}: {e}",
                           "Is it a SQLite database file, readable and writable by this user?") from None
    return conn

"""Double-quoted strings read as names only, on the connection that runs migrations.

SQLite's "double-quoted string literal" misfeature (https://sqlite.org/quirks.html#dblquote): a double-quoted name
that names no column is taken as a string. drizzle-kit's table rebuild after a column rename can write
`INSERT INTO __new_t("chat_id") SELECT "chat_id" FROM t` where `t`'s column is still `room_id` (RSSNext/Folo's
0033): drizzle-orm's better-sqlite3, built without the misfeature, refuses it (`no such column: chat_id`), while
Python's sqlite3 copied the text 'chat_id' into every row. Turned off for DML (SELECT, INSERT, UPDATE, DELETE), so
such a statement fails and its migration rolls back, as under drizzle-orm; DDL keeps SQLite's default (a
`DEFAULT "x"` in an old schema still reads).

Python 3.12+ has `Connection.setconfig`; on CPython 3.10 and 3.11 the same `sqlite3_db_config` call is made through
ctypes on the sqlite3 library `_sqlite3` uses, with the connection's `sqlite3 *` (the first field after the object
header of CPython's connection object in those versions). A low-level trick kept here, away from the runner's rules:
where it is not available (another Python, a library without the symbol), the connection is left as it was.
"""

from __future__ import annotations

import sqlite3
import sys

_DQS_DML = 1013  # SQLITE_DBCONFIG_DQS_DML (SQLite 3.29+)


def strict_double_quotes(conn: sqlite3.Connection) -> bool:
    """Turn the misfeature off for DML on `conn`; whether it is off now."""
    setconfig = getattr(conn, "setconfig", None)
    if setconfig is not None:  # Python 3.12+
        try:
            setconfig(getattr(sqlite3, "SQLITE_DBCONFIG_DQS_DML", _DQS_DML), False)
            return True
        except sqlite3.Error:
            return False
    if sys.implementation.name != "cpython" or sys.version_info[:2] not in ((3, 10), (3, 11)):
        return False
    return _through_ctypes(conn)


def _through_ctypes(conn: sqlite3.Connection) -> bool:
    import _sqlite3
    import ctypes

    try:
        db_config = ctypes.CDLL(_sqlite3.__file__).sqlite3_db_config
    except (OSError, AttributeError):
        return False
    db_config.restype = ctypes.c_int
    handle = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__)
    if not handle.value:
        return False
    state = ctypes.c_int(-1)
    if db_config(handle, ctypes.c_int(_DQS_DML), ctypes.c_int(0), ctypes.byref(state)) != 0:
        return False
    return state.value == 0

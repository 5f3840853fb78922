"""A first look at the database for `mizzle migrate`, on libpq directly (ctypes), without importing psycopg.

Importing psycopg costs ~0.1 s (its package imports asyncio, importlib.metadata, ctypes.util, …): more
than everything else `mizzle migrate` does when there is nothing to do. The probe connects with the same
libpq psycopg would use (psycopg_binary's bundled copy, or the system's for psycopg_c / the pure-Python
implementation), with the same connection parameters, takes the migration lock if it is free and reads
the tracking rows under it. If that shows nothing to do, the run ends there; anything else — the lock
busy, a tracking table missing, any server error, something pending — and the probe is closed and the
run starts over on psycopg (mizzle.dialects.postgres.runner), which reports everything as usual. Where
no libpq can be loaded this way there is no probe, only the slower start.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...runner.tracking import AppliedRow, DatabaseState, Progress, TrackingTable
from ..base import ServerError

if TYPE_CHECKING:
    from ...dburl import DatabaseURL

_CONNECTION_OK = 0
_PGRES_COMMAND_OK = 1
_PGRES_TUPLES_OK = 2
_DIAG_SQLSTATE = ord("C")
_DIAG_MESSAGE_PRIMARY = ord("M")


def lock_key(tracking: TrackingTable) -> int:
    """A stable signed 64-bit advisory-lock key per tracking table (the probe and the runner share it)."""
    digest = hashlib.sha256(f"mizzle migrate {tracking.display}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def quoted(schema: str, name: str) -> str:
    return '"' + schema.replace('"', '""') + '"."' + name.replace('"', '""') + '"'


# -- loading libpq ------------------------------------------------------------------------------------------

_SYSTEM_LIBPQ = ("libpq.5.dylib", "libpq.dylib") if sys.platform == "darwin" else ("libpq.so.5", "libpq.so")


def _candidates() -> list[str]:
    """The libpq psycopg itself would load, in psycopg's order of preference (psycopg.pq.import_from_libpq):
    psycopg_c (system libpq), psycopg_binary (its bundled copy), the pure-Python one (system libpq)."""
    from importlib.util import find_spec

    impl = os.environ.get("PSYCOPG_IMPL", "").lower()
    if impl in ("", "c") and find_spec("psycopg_c") is not None:
        return list(_SYSTEM_LIBPQ)
    if impl in ("", "binary"):
        spec = find_spec("psycopg_binary")
        if spec is not None and spec.origin:
            pkg = os.path.dirname(spec.origin)
            for folder in (pkg + ".libs", os.path.join(pkg, ".dylibs")):
                try:
                    names = sorted(os.listdir(folder))
                except OSError:
                    continue
                return [os.path.join(folder, n) for n in names if n.startswith("libpq") and
                        (".so" in n or n.endswith(".dylib"))][:1]
            return []
    if impl in ("", "python"):
        return list(_SYSTEM_LIBPQ)
    return []


def _bind(lib: ctypes.CDLL) -> ctypes.CDLL:
    p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    for name, restype, argtypes in (
            ("PQconnectdbParams", p, [ctypes.POINTER(s), ctypes.POINTER(s), i]),
            ("PQstatus", i, [p]),
            ("PQerrorMessage", s, [p]),
            ("PQparameterStatus", s, [p, s]),
            ("PQsetNoticeProcessor", p, [p, p, p]),
            ("PQfinish", None, [p]),
            ("PQexecParams", p, [p, s, i, p, ctypes.POINTER(s), p, p, i]),
            ("PQresultStatus", i, [p]),
            ("PQresultErrorField", s, [p, i]),
            ("PQntuples", i, [p]),
            ("PQnfields", i, [p]),
            ("PQgetvalue", s, [p, i, i]),
            ("PQgetisnull", i, [p, i, i]),
            ("PQclear", None, [p])):
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


_lib: ctypes.CDLL | None = None
_loaded = False
# libpq prints notices to stderr by default; psycopg logs them instead. The probe's queries raise none,
# but be as quiet as psycopg.
_NoticeProcessor = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p)
_ignore_notice = _NoticeProcessor(lambda arg, message: None)


def libpq() -> ctypes.CDLL | None:
    global _lib, _loaded
    if not _loaded:
        _loaded = True
        for path in _candidates():
            try:
                _lib = _bind(ctypes.CDLL(path))
                break
            except (OSError, AttributeError):
                continue
    return _lib


# -- the probe ------------------------------------------------------------------------------------------------

def open_probe(url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
               application_name: str = "mizzle") -> ProbeBackend | None:
    """A connection on libpq directly, or None where libpq cannot be loaded that way (the caller then uses
    the psycopg backend). A connection failure raises what the psycopg backend would (mizzle.dialects.postgres.
    connection.connect_error: ConnectError, or UsageError for a URL parameter libpq rejects)."""
    lib = libpq()
    if lib is None:
        return None
    # the parameters mizzle.dialects.postgres.connection.connect gives psycopg.connect, in the same order
    params: dict[str, Any] = {"connect_timeout": max(1, int(round(connect_timeout))),
                              "application_name": application_name}
    params.update(url.libpq_params())
    keys = (ctypes.c_char_p * (len(params) + 1))(*[k.encode() for k in params], None)
    values = (ctypes.c_char_p * (len(params) + 1))(*[str(v).encode() for v in params.values()], None)
    conn = lib.PQconnectdbParams(keys, values, 0)
    if not conn:
        return None  # out of memory in libpq: let psycopg try
    if lib.PQstatus(conn) != _CONNECTION_OK:
        message = (lib.PQerrorMessage(conn) or b"").decode("utf-8", "replace").rstrip()
        lib.PQfinish(conn)
        from .connection import connect_error

        raise connect_error(url, Exception(f"connection failed: {message}")) from None
    lib.PQsetNoticeProcessor(conn, ctypes.cast(_ignore_notice, ctypes.c_void_p), None)
    probe = ProbeBackend(url, tracking, lib, conn)
    if probe._encoding is None:
        probe.close()
        return None
    return probe


class ProbeBackend:
    """Only what finding "nothing to do" takes: try_lock, ready_state, close. The rest of the runner's
    backend interface is psycopg's (mizzle.dialects.postgres.runner.PostgresBackend)."""

    dialect = "postgresql"
    probe = True

    def __init__(self, url: DatabaseURL, tracking: TrackingTable, lib: ctypes.CDLL, conn: int) -> None:
        self.url = url
        self.tracking = tracking
        self._lib = lib
        self._conn: int | None = conn
        self._locked = False
        self._key = str(lock_key(tracking)).encode()
        enc = lib.PQparameterStatus(conn, b"client_encoding")
        self._encoding = "utf-8" if enc == b"UTF8" else None

    def ready_state(self) -> DatabaseState | None:
        """With the lock free and every tracking table present: take the lock and return the tracking rows
        and progress (no audit), as PostgresBackend.read_state(create=True, with_audit=False) would.
        Otherwise None, holding nothing. Never raises ServerError: the psycopg backend will report it."""
        t = self.tracking
        schema = t.schema or "public"
        try:
            # the lock first: the state is only ever read with it held (SPEC §4)
            found = self._query(
                b"SELECT pg_try_advisory_lock($1::bigint), to_regclass($2) IS NOT NULL, to_regclass($3) IS NOT NULL,"
                b" to_regclass($4) IS NOT NULL",
                [self._key, *(quoted(schema, n).encode("utf-8") for n in (t.table, t.audit, t.progress))])[0]
            self._locked = found[0] == "t"
            if found != ("t", "t", "t", "t"):
                self.release_lock()
                return None
            # each table as one JSON document: one value to decode instead of thousands to fetch one by one;
            # drizzle-orm 1.x's `name` where the table has it (to_jsonb reads it without asking first)
            name = ", to_jsonb(m)->>'name'" if t.names else ""
            rows, progress = self._query(
                f"SELECT (SELECT json_agg(json_build_array(id, hash, created_at{name}) ORDER BY created_at, id) FROM "
                f"{quoted(schema, t.table)} m), (SELECT json_agg(json_build_array(created_at, hash, statement, tag, "
                f"prefix_hash, running)) FROM {quoted(schema, t.progress)})".encode())[0]
            state = DatabaseState(tracking_exists=True, audit_exists=True)
            state.rows = [AppliedRow(*r) for r in json.loads(rows or "[]")]
            state.progress = {r[0]: Progress(*r) for r in json.loads(progress or "[]")}
            return state
        except ServerError:
            self.release_lock()
            return None

    def try_lock(self) -> bool:
        rows = self._query(b"SELECT pg_try_advisory_lock($1::bigint)", [self._key])
        self._locked = rows[0][0] == "t"
        return self._locked

    def release_lock(self) -> None:
        if self._locked and self._conn is not None:
            self._locked = False
            try:
                self._query(b"SELECT pg_advisory_unlock($1::bigint)", [self._key])
            except ServerError:
                pass  # the session ends right after; that releases it too

    def close(self) -> None:
        try:
            self.release_lock()
        finally:
            if self._conn is not None:
                self._lib.PQfinish(self._conn)
                self._conn = None

    def _query(self, sql: bytes, params: list[bytes] | None = None) -> list[tuple[str | None, ...]]:
        lib, conn = self._lib, self._conn
        if conn is None:
            raise ServerError("the connection is closed")
        n = len(params or ())
        values = (ctypes.c_char_p * max(n, 1))(*(params or ()))
        res = lib.PQexecParams(conn, sql, n, None, values, None, None, 0)
        if not res:
            raise ServerError((lib.PQerrorMessage(conn) or b"").decode("utf-8", "replace").strip() or "no result")
        try:
            status = lib.PQresultStatus(res)
            if status not in (_PGRES_TUPLES_OK, _PGRES_COMMAND_OK):
                primary = lib.PQresultErrorField(res, _DIAG_MESSAGE_PRIMARY)
                code = lib.PQresultErrorField(res, _DIAG_SQLSTATE)
                raise ServerError((primary or b"query failed").decode("utf-8", "replace"),
                                  code.decode() if code else None)
            enc = self._encoding or "utf-8"
            getvalue, isnull = lib.PQgetvalue, lib.PQgetisnull
            fields = range(lib.PQnfields(res))
            decode: Callable[[bytes], str] = lambda b: b.decode(enc)  # noqa: E731
            return [tuple(None if isnull(res, r, f) else decode(getvalue(res, r, f)) for f in fields)
                    for r in range(lib.PQntuples(res))]
        finally:
            lib.PQclear(res)

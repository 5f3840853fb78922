"""Opening a PostgreSQL connection (psycopg 3) the way every mizzle command wants it: autocommit, with
explicit transactions only, and connection failures turned into one clear line (exit 5)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ...errors import ConnectError, MizzleError, UsageError, mask_password

if TYPE_CHECKING:
    import psycopg

    from ...dburl import DatabaseURL


def connect(url: DatabaseURL, *, connect_timeout: float = 10, application_name: str = "mizzle",
            **extra: Any) -> psycopg.Connection[Any]:
    """An autocommit connection (SPEC §6: explicit transactions only, one statement per execute)."""
    import psycopg

    params: dict[str, Any] = {"connect_timeout": max(1, int(round(connect_timeout))),
                              "application_name": application_name}
    params.update(url.libpq_params())
    params.update(extra)
    try:
        return psycopg.connect(autocommit=True, **params)
    except (psycopg.OperationalError, psycopg.ProgrammingError) as e:  # Programming: a bad parameter name
        raise connect_error(url, e) from None


def connect_error(url: DatabaseURL, exc: BaseException) -> MizzleError:
    """ConnectError (exit 5) naming host and database; UsageError (exit 2) for a URL parameter libpq rejects."""
    raw = str(exc).strip()
    reason = _reason(raw)
    if "invalid connection option" in raw or "invalid sslmode value" in raw:
        return UsageError(mask_password(f"database URL {url.masked}: {reason[reason.find('invalid'):]}"),
                          "The query parameters of a postgresql:// URL are libpq connection parameters (e.g. "
                          "sslmode=require, connect_timeout=10, application_name=deploy); check their spelling.")
    host = url.host or os.environ.get("PGHOST") or "localhost"
    port = url.port or os.environ.get("PGPORT") or 5432
    database = url.database or os.environ.get("PGDATABASE") or url.username or "postgres"
    user = url.username or os.environ.get("PGUSER")
    low = raw.lower()
    if "password authentication failed" in low or "no password supplied" in low or "authentication failed" in low:
        hint = "Check the user and password in the URL (or PGPASSWORD / ~/.pgpass)."
    elif "does not exist" in low and "database" in low:
        hint = f"Create it first (createdb -h {host} -p {port} {database}), or fix the database name in the URL."
    elif "role" in low and "does not exist" in low:
        hint = "Check the user name in the URL."
    elif "timeout" in low or "timed out" in low:
        hint = "Is the host reachable from here (firewall, VPN, security group)?"
    else:
        hint = "Is the server running and accepting TCP connections on that host and port?"
    who = f" as {user}" if user else ""
    message = f"cannot connect to PostgreSQL at {host}:{port}, database {database!r}{who}: {reason}"
    return ConnectError(mask_password(message), mask_password(hint))


def _reason(raw: str) -> str:
    """The useful part of libpq's (often multi-line, multi-host) error text, on one line."""
    lines = [ln.strip() for ln in raw.splitlines() if ln.strip()]
    fatal = [ln.split("FATAL:", 1)[1].strip() for ln in lines if "FATAL:" in ln]
    if fatal:
        best = fatal[0]
    elif lines:
        best = lines[0].rsplit("failed:", 1)[-1].strip() or lines[0]
    else:
        best = "connection failed"
    if "Connection refused" in best:
        best = "connection refused"
    return best.rstrip(".")


def control_query(db: DatabaseURL, sql: str, where: str) -> list[tuple[Any, ...]]:
    """A fleet's control query on `db`: its rows (ConnectError / UsageError starting with `where`). It runs in a
    READ ONLY transaction that is rolled back: a query that writes fails and changes nothing."""
    import psycopg

    try:
        conn = psycopg.connect(**db.libpq_params(), connect_timeout=10,  # type: ignore[arg-type]
                               application_name="mizzle fleet")
    except psycopg.OperationalError as e:
        raise ConnectError(f"{where}: cannot connect to the control database {db.masked}: "
                           f"{_reason(str(e))}") from None
    try:
        with conn:
            conn.read_only = True
            try:
                return conn.execute(sql).fetchall()
            finally:
                conn.rollback()
    except psycopg.Error as e:
        raise UsageError(f"{where}: the control query failed on {db.masked}: "
                         f"{str(e).strip().splitlines()[0]}") from None

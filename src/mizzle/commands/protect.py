"""Protection: which databases `push` (and other shortcuts that bypass migrations) must refuse.

Two sources, either one enough: an environment of the config with `protected = true` whose URL the command is
about to use, and the mark `mizzle protect` leaves in the database itself — a row of mizzle's own settings table
(`<tracking schema>.__mizzle_settings` on PostgreSQL, `__mizzle_settings` in a SQLite file), so no other spelling
of the URL gets around it. The only override is the long flag `--i-know-this-is-production`.

Light on imports: `mizzle status` reads the mark too and must start fast.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..dburl import DatabaseURL, parse_url
from ..errors import ConfigError, Refused, UsageError
from ..runner.tracking import current_actor

if TYPE_CHECKING:
    from ..config import Config
    from ..dialects import RunnerBackend

PROTECTED_KEY = "protected"
OVERRIDE_FLAG = "--i-know-this-is-production"
_LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1", "[::1]")


@dataclass
class Mark:
    """The protection mark a database holds (`protected` False: it was turned off, and by whom)."""

    protected: bool
    where: str  # the settings table holding it, e.g. drizzle.__mizzle_settings
    changed_at: Any = None
    changed_by: str | None = None
    db_user: str | None = None
    error: str | None = None  # the mark could not be read (it then counts as protected)

    def describe(self) -> str:
        if self.error:
            return f"protection mark in {self.where} cannot be read ({self.error})"
        at = self.changed_at.strftime("%Y-%m-%d %H:%M:%S") if hasattr(self.changed_at, "strftime") else self.changed_at
        who = self.changed_by or "unknown"
        if self.db_user and self.db_user not in who:
            who += f", database user {self.db_user}"
        state = "protected" if self.protected else "unprotected"
        return f"{state} by `mizzle protect` ({who}, {at or 'unknown time'}; stored in {self.where})"

    def to_json(self) -> dict[str, Any]:
        at = self.changed_at
        return {"protected": self.protected, "table": self.where, "by": self.changed_by, "db_user": self.db_user,
                "at": at.isoformat() if hasattr(at, "isoformat") else at, "error": self.error}


# -- the mark in the database ----------------------------------------------------------------------------

def read_mark(backend: RunnerBackend) -> Mark | None:
    """The database's protection mark (None: never marked). A mark that exists but cannot be read counts as
    protected. Several settings tables (marked under different tracking schemas): the protected one wins."""
    from .. import dialects

    marks: list[Mark] = []
    for where, row, error in dialects.get(backend.dialect).read_settings(backend, PROTECTED_KEY):
        if error is not None:
            marks.append(Mark(True, where, error=error))
        elif row is not None:
            marks.append(_mark(where, row))
    return next((m for m in marks if m.protected), marks[0] if marks else None)


def _mark(where: str, row: tuple[Any, ...]) -> Mark:
    return Mark(protected=str(row[0]).lower() == "true", where=where, changed_at=row[1], changed_by=row[2],
                db_user=row[3])


def write_mark(backend: RunnerBackend, protected: bool, tracking_schema: str = "drizzle") -> str:
    """Set (or clear) the mark; returns the settings table written. Clearing clears every settings table of the
    database (a mark left under another tracking schema would still protect it)."""
    from .. import dialects

    value = "true" if protected else "false"
    return dialects.get(backend.dialect).write_setting(backend, PROTECTED_KEY, value, _actor(), tracking_schema,
                                                       everywhere=not protected)


def _actor() -> str:
    """Who set the mark, and from which machine."""
    return f"{current_actor()}@{socket.gethostname()}"


# -- protected environments ------------------------------------------------------------------------------

def _identity(db: DatabaseURL) -> tuple[Any, ...]:
    """What a URL points at, blind to its spelling: scheme aliases, driver suffix, password, local host names."""
    from ..dialects import DEFAULT_PORTS, is_embedded

    if is_embedded(db.dialect):
        return (db.dialect, os.path.realpath(str(db.database)) if db.database != ":memory:" else ":memory:")
    host = (db.host or "").lower()
    if host in _LOCAL_HOSTS or host.startswith("/"):
        host = "local"
    port = db.port or DEFAULT_PORTS.get(db.dialect)
    return (db.dialect, host, port, db.database or db.username)


def protected_environment(config: Config, url: str) -> str | None:
    """The protected environment `url` belongs to: the one selected with --env, or one whose URL (resolvable
    from here) names the same database however it is spelled."""
    if config.env and config.environments.get(config.env) and config.environments[config.env].protected:
        return config.env
    try:
        target = _identity(parse_url(url))
    except UsageError:
        return None
    for name, env in sorted(config.environments.items()):
        if not env.protected:
            continue
        try:
            env_url = config.resolve_url(None, name)
            if _identity(parse_url(env_url)) == target:
                return name
        except (ConfigError, UsageError):
            continue  # its URL is not known here (url_env unset): the mark in the database still guards it
    return None


@dataclass
class Protection:
    """Why a database counts as protected (empty: it does not)."""

    environment: str | None = None
    mark: Mark | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def protected(self) -> bool:
        return bool(self.reasons)

    def to_json(self) -> dict[str, Any]:
        return {"protected": self.protected, "environment": self.environment,
                "mark": self.mark.to_json() if self.mark else None, "reasons": self.reasons}


def environment_protection(config: Config, url: str) -> Protection:
    env = protected_environment(config, url)
    p = Protection(environment=env)
    if env:
        where = config.source_name
        p.reasons.append(f"environment {env!r} is protected (protected = true in {where})")
    return p


def add_mark(p: Protection, backend: RunnerBackend) -> Protection:
    p.mark = read_mark(backend)
    if p.mark is not None and p.mark.protected:
        p.reasons.append(f"the database is {p.mark.describe()}" if not p.mark.error else
                         f"the database's {p.mark.describe()}, so it counts as protected")
    return p


def refuse(p: Protection, what: str, where: str, override: bool) -> None:
    """Raise Refused (exit 6) if `p` says protected and the long flag was not given."""
    if not p.protected or override:
        return
    raise Refused(f"{what} refused: {where}: {p.reasons[0]}",
                  "\n".join([*(f"also: {r}" for r in p.reasons[1:]),
                             f"{what.split()[0]} bypasses migrations; protected databases change through "
                             "`mizzle generate` + `mizzle migrate`. If this really is the database you mean, "
                             f"pass {OVERRIDE_FLAG}."]))


# -- `mizzle protect` ------------------------------------------------------------------------------------

@dataclass
class ProtectResult:
    url: str  # masked
    protected: bool
    changed: bool
    table: str | None = None
    mark: Mark | None = None  # as it was before this command

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "protected": self.protected, "changed": self.changed, "table": self.table,
                "previous": self.mark.to_json() if self.mark else None}


def protect(*, url: str, off: bool = False, i_know_this_is_production: bool = False,
            tracking_schema: str = "drizzle", connect_timeout: float = 10) -> ProtectResult:
    """Mark the database at `url` as protected (`off`: remove the mark, which takes the long flag)."""
    from .. import dialects
    from ..dialects import ServerError
    from ..errors import StatementFailed
    from ..runner.tracking import TrackingTable

    if off and not i_know_this_is_production:
        raise Refused(f"protect --off refused: removing the protection mark needs {OVERRIDE_FLAG}",
                      "It lets `mizzle push` change this database directly. Pass the flag if that is what you mean.")
    db = parse_url(url)
    dialect = dialects.get(db.dialect)
    path = dialect.database_file(db)
    if path is not None and path != ":memory:" and not os.path.exists(path):
        from ..errors import ConnectError

        raise ConnectError(f"{dialect.title} database {path} does not exist: nothing to protect",
                           "Check the path in the URL (sqlite:///relative.db or sqlite:////absolute/path.db).")
    backend = dialect.open_backend(db, TrackingTable.of(db.dialect, schema=tracking_schema), connect_timeout=connect_timeout,
                           application_name="mizzle protect")
    try:
        try:
            before = read_mark(backend)
            was = before is not None and before.protected
            if was == (not off) and not (before is not None and before.error):
                return ProtectResult(db.masked, protected=was, changed=False,
                                     table=before.where if before else None, mark=before)
            table = write_mark(backend, not off, dialect.settings_schema(tracking_schema))
        except ServerError as e:
            raise StatementFailed(f"cannot write the protection mark on {db.masked}: {e.message}",
                                  "Protecting needs CREATE on the tracking schema (PostgreSQL) or write access "
                                  "to the file (SQLite).") from None
    finally:
        backend.close()
    return ProtectResult(db.masked, protected=not off, changed=True,
                         table=table, mark=before)


"""Database URLs: parsing, the dialect they name, libpq parameters, and a printable masked form.

Accepted (SPEC §1): postgresql://, postgres://, postgresql+DRIVER://, sqlite:///path, sqlite://:memory:,
mysql://, mysql+DRIVER://. The password never appears in anything this module returns for printing.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from .dialects import DEFAULT_PORTS, URL_SCHEMES, is_embedded
from .errors import UsageError


class DatabaseURL(NamedTuple):
    dialect: str  # postgresql | sqlite | mysql
    scheme: str  # as written, driver suffix included (e.g. postgresql+psycopg)
    username: str | None = None
    password: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None  # for sqlite: the file path (or ":memory:")
    query: tuple[tuple[str, str], ...] = ()

    @property
    def masked(self) -> str:
        """The URL as it may be printed: password replaced by ***."""
        if is_embedded(self.dialect):
            return f"sqlite:///{self.database}" if self.database != ":memory:" else "sqlite://:memory:"
        auth = ""
        if self.username:
            auth = self.username + (":***" if self.password else "") + "@"
        elif self.password:
            auth = ":***@"
        port = f":{self.port}" if self.port else ""
        db = f"/{self.database}" if self.database else ""
        return f"{self.scheme}://{auth}{self.host or ''}{port}{db}"

    @property
    def where(self) -> str:
        """`host:port/database` (or the sqlite path) for messages."""
        if is_embedded(self.dialect):
            return str(self.database)
        host = self.host or "localhost (socket)"
        port = self.port or DEFAULT_PORTS.get(self.dialect)
        return f"{host}:{port}/{self.database or self.username or ''}"

    def __repr__(self) -> str:
        return f"DatabaseURL({self.masked!r})"

    def libpq_params(self) -> dict[str, str | int]:
        """Keyword arguments for psycopg.connect (the driver suffix never reaches libpq)."""
        params: dict[str, str | int] = {}
        if self.host:
            params["host"] = self.host
        if self.port:
            params["port"] = self.port
        if self.database:
            params["dbname"] = self.database
        if self.username:
            params["user"] = self.username
        if self.password is not None:
            params["password"] = self.password
        for k, v in self.query:
            params[k] = v
        return params


def parse_url(url: str) -> DatabaseURL:
    """Parse a database URL; a malformed one is a usage error whose message never shows the password."""
    if not isinstance(url, str) or "://" not in url:
        # nothing of it is shown: without a scheme there is no telling which part is a password
        raise UsageError("malformed database URL: expected dialect://user@host:port/database (or sqlite:///path)",
                         "Examples: postgresql://app@db.internal:5432/app, sqlite:///app.db")
    scheme, rest = url.split("://", 1)
    base = scheme.lower().split("+", 1)[0]
    dialect = URL_SCHEMES.get(base)
    if dialect is None:
        raise UsageError(f"unknown dialect {scheme!r} in database URL (supported: postgresql, sqlite, mysql)",
                         "Use postgresql://…, sqlite:///path or mysql://….")
    if is_embedded(dialect):
        path = rest[1:] if rest.startswith("/") else rest
        path = path.split("?", 1)[0]
        if not path:
            raise UsageError("malformed database URL 'sqlite://': no file path (use sqlite:///relative.db, "
                             "sqlite:////absolute.db or sqlite://:memory:)")
        return DatabaseURL(dialect=dialect, scheme=scheme.lower(), database=unquote(path))
    if "#" in rest:  # libpq has no fragments; not shown: what follows a '#' may be the rest of a password
        raise UsageError("malformed database URL: it has a '#' (write a '#' in a password as %23)",
                         "A tenant schema (URL#schema=NAME) is a fleet target: list it with --targets FILE or in "
                         "[fleets.NAME].")
    try:
        parts = urlsplit(f"{base}://{rest}")
        port = parts.port
        host = parts.hostname
    except ValueError as e:
        raise UsageError(f"malformed database URL {_masked_raw(scheme, rest)!r}: {_clean(str(e))}") from None
    if not host and not parts.path.strip("/") and not parts.query:
        raise UsageError(f"malformed database URL {_masked_raw(scheme, rest)!r}: no host or database")
    query = tuple(parse_qsl(parts.query, keep_blank_values=True))
    # libpq spells a socket directory as ?host=/path; keep that working
    for k, v in query:
        if k == "host" and not host:
            host = v
    database = unquote(parts.path.lstrip("/")) or None
    if database and "/" in database:
        raise UsageError(f"malformed database URL {_masked_raw(scheme, rest)!r}: database name contains '/'")
    return DatabaseURL(
        dialect=dialect,
        scheme=scheme.lower(),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        host=host,
        port=port,
        database=database,
        query=tuple((k, v) for k, v in query if not (k == "host" and v == host)),
    )


def _masked_raw(scheme: str, rest: str) -> str:
    """A malformed URL with everything before the last '@' (where a password could be) hidden."""
    if "@" in rest:
        user = rest.split("@", 1)[0].split(":", 1)[0]
        return f"{scheme}://{user}:***@{rest.rsplit('@', 1)[1]}"
    return f"{scheme}://{rest}"


def _clean(msg: str) -> str:
    return (msg.replace("Port could not be cast to integer value as", "port is not a number:")
               .replace("Port out of range", "port out of range"))


def mask_url(url: str) -> str:
    """Best-effort masked form of any URL string, for messages."""
    try:
        return parse_url(url).masked
    except UsageError:
        scheme, _, rest = url.partition("://")
        return _masked_raw(scheme, rest) if rest else "<database URL>"

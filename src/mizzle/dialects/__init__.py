"""Dialects: one folder each, each exposing a `Dialect` object (`DIALECT`, see base.py). This module is the
registry — the only place in mizzle where dialect names are compared: which names exist, how drizzle-kit and
URLs spell them, which are implemented, and the object for a name (its folder imported on first use)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from .base import AppliedRecord, Dialect, PipelineFailed, RunnerBackend, ServerError

if TYPE_CHECKING:
    from ..dburl import DatabaseURL
    from ..runner.tracking import TrackingTable

DEFAULT = "postgresql"  # a config file without `dialect`
NO_CONFIG = "sqlite"  # no config file at all: the zero-setup default (DEFAULT_URL is a SQLite file)
# every dialect name mizzle knows (a URL or a config may name it) → the folder implementing it (None: not yet)
_FOLDERS: dict[str, str | None] = {
    "postgresql": "mizzle.dialects.postgres",
    "sqlite": "mizzle.dialects.sqlite",
    "mysql": None,
}
KNOWN = tuple(_FOLDERS)
IMPLEMENTED = tuple(name for name, folder in _FOLDERS.items() if folder)
# drizzle-kit's journal `version` per dialect (a folder of an unimplemented dialect can still be read)
JOURNAL_VERSIONS = {"postgresql": "7", "sqlite": "6", "mysql": "5"}
# drizzle-kit's spellings of a dialect (journal, snapshot, config) → mizzle's name
ALIASES = {"postgresql": "postgresql", "postgres": "postgresql", "pg": "postgresql", "sqlite": "sqlite",
           "turso": "sqlite", "mysql": "mysql"}
# a database URL's scheme (the part before any `+driver`) → the dialect
URL_SCHEMES = {"postgresql": "postgresql", "postgres": "postgresql", "pg": "postgresql", "sqlite": "sqlite",
               "mysql": "mysql", "mariadb": "mysql"}
# facts about a name that need no import of its folder (URL parsing, messages)
_EMBEDDED = frozenset({"sqlite"})
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}


def canonical(name: str) -> str:
    """mizzle's name for a drizzle-kit spelling (`postgres` → `postgresql`); unknown names unchanged."""
    return ALIASES.get(name, name)


def is_embedded(name: str) -> bool:
    """A file database (no host, port or schemas)."""
    return name in _EMBEDDED


def is_implemented(name: str) -> bool:
    return bool(_FOLDERS.get(canonical(name)))


def get(name: str) -> Dialect:
    """The dialect object for `name` (or a drizzle-kit spelling of it). UsageError (exit 2) for a name that is
    unknown or not implemented in this version."""
    key = canonical(name)
    if (loaded := _LOADED.get(key)) is not None:
        return loaded
    folder = _FOLDERS.get(key)
    if folder is None:
        if key in _FOLDERS:
            raise UsageError(f"the {key} dialect is not implemented in this version of mizzle "
                             f"(implemented: {', '.join(IMPLEMENTED)})")
        raise UsageError(f"unknown dialect {name!r} (implemented: {', '.join(IMPLEMENTED)})")
    dialect: Dialect = importlib.import_module(folder).DIALECT
    _LOADED[key] = dialect
    return dialect


# speed: the objects `get` handed out, by name. The code writer and the planners ask per column (12,000 times in a
# 1,000-table pull), and the import machinery's lookup each time was ~15 ms of it.
_LOADED: dict[str, Dialect] = {}


def find(name: str | None) -> Dialect | None:
    """The dialect object for `name`, or None when it is unknown or not implemented."""
    return get(name) if name is not None and is_implemented(name) else None


def same(a: str | None, b: str | None) -> bool:
    """Whether two spellings name the same dialect."""
    return a is not None and b is not None and canonical(a) == canonical(b)


def open_backend(url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
                 application_name: str = "mizzle") -> RunnerBackend:
    dialect = get(url.dialect)
    try:
        return dialect.open_backend(url, tracking, connect_timeout=connect_timeout, application_name=application_name)
    except ModuleNotFoundError as e:
        if not e.name or e.name.startswith("mizzle"):
            raise
        raise UsageError(f"the {dialect.title} runner needs the Python package {e.name!r}, which is not installed",
                         f"pip install {e.name}") from None


def open_probe(url: DatabaseURL, tracking: TrackingTable, *, connect_timeout: float = 10,
               application_name: str = "mizzle") -> Any:
    """A driver-less connection for `mizzle migrate`'s fast path; None where the dialect has none."""
    return get(url.dialect).open_probe(url, tracking, connect_timeout=connect_timeout,
                                       application_name=application_name)


__all__ = ["ALIASES", "DEFAULT", "DEFAULT_PORTS", "IMPLEMENTED", "KNOWN", "URL_SCHEMES", "AppliedRecord", "Dialect", "PipelineFailed",
           "RunnerBackend", "ServerError", "canonical", "get", "is_embedded", "is_implemented", "open_backend",
           "open_probe", "same"]

"""The error classes mizzle raises and the exit code each one maps to (SPEC §3, one table)."""

from __future__ import annotations

import re
from typing import Any

OK = 0
STATEMENT_FAILED = 1
USAGE = 2
INTEGRITY = 3
LOCK_TIMEOUT = 4
CONNECT = 5
REFUSED = 6


class MizzleError(Exception):
    """Base class. The message's first line is the one-line summary; more lines are details."""

    exit_code = USAGE

    def __init__(self, message: str, details: str | None = None, result: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        # what the command had done when it failed (e.g. migrate's MigrateResult: which migrations stayed
        # applied), for `--json` and for callers of the Python API; None when it had done nothing to report
        self.result = result

    def __str__(self) -> str:
        return self.message if not self.details else f"{self.message}\n{self.details}"


class UsageError(MizzleError):
    """Bad flags, bad configuration, a schema module that does not import."""

    exit_code = USAGE


class ConfigError(UsageError):
    pass


class SchemaLoadError(UsageError):
    pass


class AmbiguousRename(UsageError):
    """A drop+add pair that might be a rename, with no terminal to ask."""


class StatementFailed(MizzleError):
    exit_code = STATEMENT_FAILED


class IntegrityError(MizzleError):
    """Folder out of sync, modified or missing applied migration, drift, pending schema changes."""

    exit_code = INTEGRITY


def malformed_snapshot(e: BaseException) -> str:
    """What a snapshot whose document has the wrong shape (a key missing, a value of the wrong type) is called in
    every message that names it: `malformed snapshot (KeyError: 'columns')`."""
    return f"malformed snapshot ({type(e).__name__}: {e})"


class LockTimeout(MizzleError):
    exit_code = LOCK_TIMEOUT


class ConnectError(MizzleError):
    exit_code = CONNECT


class Refused(MizzleError):
    """A safety rule said no: protected database, lint errors under --strict, dropping an applied migration."""

    exit_code = REFUSED


_PASSWORD_IN_URL = re.compile(r"(?P<head>[a-z][a-z0-9+.\-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?P<tail>@)", re.I)


def mask_password(text: str) -> str:
    """Replace the password of every URL in `text` with `***`."""
    return _PASSWORD_IN_URL.sub(lambda m: f"{m['head']}***{m['tail']}", text)

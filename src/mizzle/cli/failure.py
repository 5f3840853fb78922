"""How `mizzle` reports a MizzleError: shared by the click application (cli/app.py) and the fast path of a plain
`mizzle migrate` (cli/fast_migrate.py), so both print the same bytes. Imports no click."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..errors import MizzleError, mask_password


def json_failure(message: str, details: str | None, code: int) -> str:
    """The --json document of a failure that happened before the command printed its own."""
    return json.dumps({"ok": False, "error": mask_password(message),
                       "details": mask_password(details) if details else None, "exit_code": code}, indent=2)


def report_error(e: MizzleError, with_json: bool, echo: Callable[..., Any]) -> None:
    """The failure document on stdout (`with_json`: --json given and no document printed yet), then `error: …` and
    the details on stderr. `echo` is click.echo's signature (text, err=…)."""
    if with_json:
        echo(json_failure(e.message, e.details, e.exit_code))
    echo(f"error: {mask_password(e.message)}", err=True)
    if e.details:
        echo(mask_password(e.details), err=True)

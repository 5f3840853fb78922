"""The `mizzle` command: a thin shell over the library. The click application (the commands, their flags, the
error reporting) is cli/app.py; each command lives in its own module under cli/ and is imported only when invoked,
so `mizzle migrate` never pays for SQLAlchemy. This module imports no click: a plain `mizzle migrate` with nothing
to do — a deploy's every start — is settled without it (cli/fast_migrate.py, a speed trick), and so is a plain
`mizzle generate --check` that the model cache answers (cli/fast_check.py)."""

from __future__ import annotations

import atexit
import gc
import sys
from typing import Any

_APP_NAMES = ("COMMANDS", "LazyGroup", "Options", "cli", "common_options", "seconds")


def main(argv: list[str] | None = None) -> None:
    # main() ends the process (sys.exit), so the interpreter's last collection at exit, over everything still
    # alive, buys nothing: skipped (the objects are frozen first)
    atexit.register(gc.freeze)
    from . import fast_check, fast_migrate

    args = sys.argv[1:] if argv is None else argv
    code = fast_migrate.run(args)
    if code is None:
        code = fast_check.run(args)
    if code is not None:
        sys.exit(code)
    from . import dataclass_code_cache

    dataclass_code_cache.install()  # a speed trick: before the first dataclass is defined (cli/dataclass_code_cache.py)
    from . import app

    app.main(argv)


def __getattr__(name: str) -> Any:
    """mizzle.cli.cli, .COMMANDS, .Options, … live in cli/app.py (with click), imported on first use."""
    if name in _APP_NAMES:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

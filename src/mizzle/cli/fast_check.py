"""A speed trick: a plain `mizzle generate --check` that the model cache answers, settled without click.

What it buys: in CI or a pre-commit hook, `generate --check` on schema code unchanged since the last `generate`
is answered by the model cache (sources/cache.py) in a few milliseconds; importing click and building the
command was about a third of the whole run (issue 18). This module recognises exactly `generate --check`,
optionally with `-q`/`--quiet` and `--config FILE` (each at most once, in any order), loads the config as the
click command does, and asks `commands.generate.settled_by_cache` whether the cache settles "no changes". Only
then does it print what the click command prints ("No schema changes", nothing with `-q`) and exit 0.
Anything else — another argv, a stray file in meta/ (the click command warns about it), `online` set for a
dialect without online DDL (it prints a note), a cache miss, any exception — and it returns None having printed
nothing: the full click CLI then runs from the start, as if this module did not exist.

MIZZLE_NO_FAST_PATH=1 turns it off (as it does cli/fast_migrate.py); tests/cli/test_fast_check.py runs both paths
on the same cases and compares stdout, stderr and exit codes.
"""

from __future__ import annotations

import os

from .fast_migrate import plain_options

_FLAGS = {"--check": "check", "-q": "quiet", "--quiet": "quiet"}


def plain_check(args: list[str]) -> dict[str, str | bool] | None:
    """The options of a plain `mizzle generate --check` argv; None for any other argv."""
    given = plain_options(args, "generate", _FLAGS, {"--config": "config"})
    if given is None or not given.get("check"):
        return None
    config = given.get("config")
    if isinstance(config, str) and not (os.path.isfile(config) and os.access(config, os.R_OK)):
        return None  # missing, a directory, unreadable: click says it its way
    return given


def run(args: list[str]) -> int | None:
    """The exit code when the fast path settled the run (its output printed); None: run the click CLI."""
    if os.environ.get("MIZZLE_NO_FAST_PATH") or "_MIZZLE_COMPLETE" in os.environ:
        return None
    given = plain_check(args)
    if given is None:
        return None
    from .fast_migrate import closed_pipe, echo

    try:
        settled = _settled(given)
    except KeyboardInterrupt:
        echo("", err=True)  # as click's main() and cli.app.main report it
        echo("interrupted", err=True)
        return 130
    except Exception:  # noqa: BLE001 - nothing printed yet: the click CLI runs and reports it as it always has
        return None
    if not settled:
        return None
    try:
        if not given.get("quiet"):
            echo("No schema changes")
    except OSError as e:
        return closed_pipe(e)
    return 0


def _settled(given: dict[str, str | bool]) -> bool:
    from .. import dialects
    from ..commands.generate import settled_by_cache
    from ..config import load_config
    from ..migrations.folder import MigrationFolder

    config = given.get("config")
    cfg = load_config(config if isinstance(config, str) else None)  # what cli.app.Options.load_config does
    if cfg.online and not dialects.get(cfg.dialect).online:
        return False  # the click command prints a note about it
    if MigrationFolder(cfg.out_dir, cfg.dialect).stray_files():
        return False  # the click command warns about each
    return settled_by_cache(cfg)

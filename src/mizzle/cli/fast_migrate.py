"""A speed trick: a plain `mizzle migrate` with nothing to do, settled without click.

What it buys: a deploy runs `mizzle migrate` at every start, and most of the time there is nothing to do. Then
importing click and building the command (~10–15 ms of CPU) and click's handling of `-q` (it tries it as a long
option first and imports difflib) were a good part of the run. This module recognises exactly the plain forms —
`migrate` followed only by `--url URL`, `--env NAME`, `--config FILE` (each at most once, also as `--flag=value`),
`--json`, `-q`/`--quiet`, in any order, the URL possibly from DATABASE_URL or the config — loads the config as the
click command does, and asks the runner whether its probe settles "nothing to do"
(mizzle.runner.migrate.nothing_to_do). Only then does it print, the same bytes as the click command, and exit 0.
Anything else — another argv, something pending, the lock busy, no probe for the dialect, an unexpected
exception — and it returns None having printed nothing: the full click CLI then runs from the start, as if this
module did not exist. A MizzleError on the way (a bad URL, no connection, a config error) is reported here as the
click CLI reports it (cli/failure.py), so a connection that times out is not tried twice.

MIZZLE_NO_FAST_PATH=1 turns it off; tests/cli/test_fast_migrate.py runs both paths on the same cases and
compares stdout, stderr and exit codes.
"""

from __future__ import annotations

import errno
import gc
import os
import sys
from typing import TYPE_CHECKING

from ..errors import MizzleError, mask_password

if TYPE_CHECKING:
    from ..runner.migrate import MigrateResult

_VALUED = {"--url": "url", "--env": "env", "--config": "config"}
_FLAGS = {"--json": "json", "-q": "quiet", "--quiet": "quiet"}


def plain_options(args: list[str], command: str, flags: dict[str, str],
                  valued: dict[str, str]) -> dict[str, str | bool] | None:
    """The options of a plain `mizzle <command>` argv: `flags` (argv spelling → key, True) and `valued` options
    (`--url X` / `--url=X`); None for any other argv, which the click CLI reads (fast_check shares this)."""
    if not args or args[0] != command:
        return None
    given: dict[str, str | bool] = {}
    rest = iter(args[1:])
    for arg in rest:
        value: str | bool
        if arg in flags:
            key, value = flags[arg], True
        else:
            flag, eq, value = arg.partition("=")
            if flag not in valued:
                return None
            key = valued[flag]
            if not eq:
                value = next(rest, "")
            if not value or value.startswith("-"):
                return None  # click's reading of these (a missing or odd value) is not worth guessing
        if key in given:
            return None  # repeated: click takes the last one; leave it to click
        given[key] = value
    return given


def plain_migrate(args: list[str]) -> dict[str, str | bool] | None:
    """The options of a plain `mizzle migrate` argv ({"url": …, "json": True, …}); None for any other argv."""
    given = plain_options(args, "migrate", _FLAGS, _VALUED)
    config = given.get("config") if given is not None else None
    if isinstance(config, str) and os.path.exists(config) and not (
            os.path.isfile(config) and os.access(config, os.R_OK)):
        return None  # click.Path(dir_okay=False) refuses a directory or an unreadable file with its own message
    return given


def run(args: list[str]) -> int | None:
    """The exit code when the fast path settled the run (its output printed); None: run the click CLI."""
    if os.environ.get("MIZZLE_NO_FAST_PATH") or "_MIZZLE_COMPLETE" in os.environ:
        return None
    given = plain_migrate(args)
    if given is None:
        return None
    # no cyclic collection during this short run (it would only walk what the imports built; the process ends
    # right after): the collector is back on when this returns, for the click CLI when it steps aside
    gc.disable()
    try:
        return _settle_and_print(given)
    finally:
        gc.enable()


def _settle_and_print(given: dict[str, str | bool]) -> int | None:
    try:
        result = _settle(given)
    except MizzleError as e:
        if getattr(e, "result", None) is not None:
            return None  # the click command prints a partial result under --json: let it (nothing printed yet)
        from .failure import report_error

        report_error(e, bool(given.get("json")), echo)
        return e.exit_code
    except KeyboardInterrupt:
        echo("", err=True)  # click's main() ends the line (and raises Abort, which cli.app.main reports)
        echo("interrupted", err=True)
        return 130
    except Exception:  # noqa: BLE001 - nothing printed yet: the click CLI runs and reports it as it always has
        return None
    if result is None:
        return None
    try:
        if given.get("json"):
            import json

            echo(json.dumps(result.to_json(), indent=2, default=str))
        elif not given.get("quiet"):
            echo(mask_password(f"nothing to do: {result.already_applied} migration(s) applied, none pending "
                               f"({result.url})"))
    except OSError as e:
        return closed_pipe(e)
    return 0


def closed_pipe(e: OSError) -> int:
    """As click's main() does when the reader of a pipe has gone: exit 1, quietly (any other OSError raised)."""
    if e.errno != errno.EPIPE:
        raise e
    from click import utils  # its wrapper, which lost its public name in click 8.2

    pacify = getattr(utils, "_PacifyFlushWrapper", None) or getattr(utils, "PacifyFlushWrapper")  # noqa: B009
    sys.stdout = pacify(sys.stdout)
    sys.stderr = pacify(sys.stderr)
    return 1


def _settle(given: dict[str, str | bool]) -> MigrateResult | None:
    from ..config import load_config
    from ..runner.migrate import nothing_to_do

    config, env, url = (v if isinstance(v, str) else None for v in (given.get(k) for k in ("config", "env", "url")))
    cfg = load_config(config)  # what cli.app.Options.load_config and .resolve_url do
    if env:
        cfg.environment(env)
        cfg = cfg.with_overrides(env=env)
    return nothing_to_do(url=str(cfg.resolve_url(url, env)), folder=cfg.out_dir, transaction=cfg.transaction,
                         table=cfg.table, tracking_schema=cfg.tracking_schema, retries=cfg.retries,
                         reporter=_Warnings())


class _Warnings:
    """The runner's reporter when nothing is applied: only warnings (stray files) are ever said, as
    cli.migrate.ConsoleReporter says them."""

    def warn(self, message: str) -> None:
        echo(f"warning: {mask_password(message)}", err=True)

    def info(self, message: str) -> None:  # pragma: no cover - the probe never waits for the lock
        raise AssertionError(message)

    def start(self, result: object) -> None:  # pragma: no cover - nothing is applied here
        raise AssertionError(result)

    def finish(self, result: object) -> None:  # pragma: no cover
        raise AssertionError(result)


def echo(text: str, err: bool = False) -> None:
    """click.echo(text, err=err) for plain text, without importing click."""
    if "\x1b" in text:  # click strips ANSI escapes when the stream is not a terminal: let it decide
        import click

        click.echo(text, err=err)
        return
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    stream.write(text + "\n")
    stream.flush()

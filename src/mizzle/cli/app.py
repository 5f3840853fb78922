"""The click application behind `mizzle` (the entry point is mizzle.cli.main, which imports no click so that a
plain `mizzle migrate` with nothing to do can skip it: cli/fast_migrate.py). Each command lives in its own module
under cli/ and is imported only when invoked, so `mizzle migrate` never pays for SQLAlchemy."""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click

from .. import errors
from ..errors import MizzleError, mask_password
from .failure import json_failure, report_error

# command name → (module under mizzle.cli, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("init", "Write a config and an example schema module."),
    "generate": ("generate", "Diff the schema code against the last snapshot and write a new migration."),
    "export": ("generate", "Print the full DDL of the current schema."),
    "migrate": ("migrate", "Apply pending migrations, once each, under a lock."),
    "status": ("migrate", "Show every migration: applied, pending, modified, missing, out of order."),
    "check": ("check", "Check the integrity of the migrations folder, offline."),
    "drift": ("drift", "Compare the live database with the snapshot of its last applied migration."),
    "verify": ("verify", "Replay the migrations into a scratch database and compare with snapshots and schema code."),
    "pull": ("pull", "Introspect a database into a SQLAlchemy schema module and a baseline migration."),
    "revert": ("revert", "Write a new migration that undoes a migration."),
    "rebase": ("rebase", "After a branch merge, renumber the incoming migrations and re-chain the snapshots."),
    "mark": ("mark", "Record by hand that a migration is applied or rolled back (with an audit entry)."),
    "baseline": ("baseline", "Mark migrations as applied on a database that already holds the schema."),
    "drop": ("drop", "Remove the latest migration, if the database has not applied it."),
    "up": ("up", "Convert a drizzle-kit 0.x journal folder to drizzle-kit 1.x's layout, keeping identities."),
    "push": ("push", "Make the database match the schema code directly (development shortcut; no migration)."),
    "protect": ("protect", "Mark the database itself as protected, so push refuses it however it is addressed."),
    "lint": ("lint", "Lint migration SQL: data loss, long locks, transactions, idempotency (stable rule ids)."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"mizzle.cli.{COMMANDS[cmd_name][0]}")
        cmd = getattr(module, cmd_name.replace("-", "_") + "_command")
        assert isinstance(cmd, click.Command)
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, help_) in COMMANDS.items()])


@dataclass
class Options:
    config: str | None = None
    url: str | None = None
    env: str | None = None
    json: bool = False
    quiet: bool = False
    verbose: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def load_config(self) -> Any:
        from ..config import load_config

        cfg = load_config(self.config)
        if self.env:
            cfg.environment(self.env)  # unknown environment → usage error now
            cfg = cfg.with_overrides(env=self.env)
        return cfg

    def resolve_url(self, cfg: Any) -> str:
        return str(cfg.resolve_url(self.url, self.env))

    def echo(self, text: str = "", err: bool = False) -> None:
        if self.quiet and not err:
            return
        click.echo(mask_password(text), err=err or self.json)

    def lock_wait(self, who: str) -> None:
        """`on_wait` for commands that take the migration lock: say on stderr who holds it."""
        self.echo(f"waiting for the migration lock ({who})", err=True)

    def emit_json(self, data: Any) -> None:
        global _json_emitted
        _json_emitted = True
        click.echo(json.dumps(data, indent=2, default=str))


def seconds(value: str | None, flag: str) -> float | None:
    """A duration flag (`30`, `2.5s`) in seconds; a bad value is a usage error naming the flag."""
    if value is None:
        return None
    try:
        s = float(value.rstrip("s"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a number of seconds", param_hint=flag) from None
    if s < 0:
        raise click.BadParameter("must be ≥ 0", param_hint=flag)
    return s


_json_emitted = False  # a command printed its document: main() must not print another


def _json_failure(argv: list[str] | None, message: str, details: str | None, code: int) -> None:
    """Under --json, a failure before the command printed its document still prints one (exactly one)."""
    if _json_emitted or "--json" not in (argv if argv is not None else sys.argv[1:]):
        return
    click.echo(json_failure(message, details, code))


def common_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--config, --url, --env, --json, --quiet, --verbose on every command; passes `opts: Options`."""

    def store(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
        def cb(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
            opts = ctx.ensure_object(Options)
            if value not in (None, False):
                setattr(opts, name, value)
            return value
        return cb

    decorators = [
        click.option("--config", "config", type=click.Path(dir_okay=False), expose_value=False,
                     callback=store("config"), help="Path to mizzle.toml or pyproject.toml."),
        click.option("--url", "url", expose_value=False, callback=store("url"), metavar="URL",
                     help="Database URL (overrides --env, DATABASE_URL and the config)."),
        click.option("--env", "env", expose_value=False, callback=store("env"), metavar="NAME",
                     help="Use the URL of [environments.NAME]."),
        click.option("--json", "json", is_flag=True, expose_value=False, callback=store("json"),
                     help="Machine-readable output on stdout."),
        click.option("--quiet", "-q", "quiet", is_flag=True, expose_value=False, callback=store("quiet"),
                     help="Print only errors."),
        click.option("--verbose", "-v", "verbose", is_flag=True, expose_value=False, callback=store("verbose"),
                     help="More detail, and tracebacks on errors."),
    ]

    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(f, ctx.ensure_object(Options), *args, **kwargs)

    wrapper.__name__ = f.__name__
    wrapper.__doc__ = f.__doc__
    for d in reversed(decorators):
        wrapper = d(wrapper)
    return wrapper


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mizzle", prog_name="mizzle")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """mizzle: schema-as-code migrations for Python, in drizzle-kit's folder format.

    \b
    Typical flow:
      mizzle generate --name add_posts   # write SQL from your SQLAlchemy schema
      mizzle migrate                     # apply it (under a lock, once each)
      mizzle status                      # see what is applied
    """
    ctx.ensure_object(Options)


def main(argv: list[str] | None = None) -> None:
    verbose = "-v" in (argv or sys.argv) or "--verbose" in (argv or sys.argv)
    # main() ends the process (sys.exit below), so the schema modules a command imports live until then: the
    # loader imports them with the cyclic collector paused and freezes what they built (a third of `generate`'s
    # wall time on 1,000 tables was the collector walking SQLAlchemy's mapped classes, for no memory back); and
    # the interpreter's last collection at exit, over everything still alive, is skipped the same way (mizzle.cli.
    # main registers that gc.freeze; here again for a caller of this main)
    from .. import collector

    collector.freeze_imported_objects = True
    atexit.register(gc.freeze)
    try:
        code = cli.main(args=argv, prog_name="mizzle", standalone_mode=False)
    except MizzleError as e:
        report_error(e, not _json_emitted and "--json" in (argv if argv is not None else sys.argv[1:]), click.echo)
        if verbose:
            import traceback

            click.echo(mask_password(traceback.format_exc()), err=True)
        sys.exit(e.exit_code)
    except click.exceptions.Abort:  # click's form of Ctrl-C (and of EOF at a prompt)
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        _json_failure(argv, e.format_message(), None, errors.USAGE)
        e.show()
        sys.exit(errors.USAGE)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - last line of defence: one line, no traceback unless asked
        if verbose:
            raise
        _json_failure(argv, f"unexpected {type(e).__name__}: {e}", None, errors.STATEMENT_FAILED)
        click.echo(f"error: unexpected {type(e).__name__}: {mask_password(str(e)).splitlines()[0] if str(e) else ''}"
                   " (rerun with --verbose for the traceback)", err=True)
        sys.exit(errors.STATEMENT_FAILED)
    sys.exit(code if isinstance(code, int) else 0)

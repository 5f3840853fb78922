"""`mizzle push`: the development shortcut — make the database match the schema code, no migration written."""

from __future__ import annotations

import sys
from functools import partial
from typing import Any

import click

from ..errors import MizzleError, UsageError
from .app import Options, common_options


def _print_plan(opts: Options, result: Any, sql: bool, overridden: bool = True) -> None:
    opts.echo(f"push: {len(result.changes)} change(s) to {result.url}, {len(result.statements)} statement(s)")
    for line in result.changes:
        opts.echo(f"  {line}")
    if sql:
        opts.echo("SQL:")
        for st in result.statements:
            opts.echo("  " + st.sql.rstrip().rstrip(";").replace("\n", "\n  ") + ";")
    for line in result.data_loss:
        opts.echo(f"warning: data loss: {line}", err=True)
    for line in result.fails_on_rows + result.warnings:
        opts.echo(f"warning: {line}", err=True)
    for reason in result.protection.reasons:
        opts.echo(f"warning: protected database: {reason}"
                  + ("; pushing anyway" if overridden else " (push without --dry-run refuses it)"), err=True)


@click.command("push", epilog="""\b
Examples:
  mizzle push                      # shows the plan, asks before applying
  mizzle push --dry-run --verbose  # the plan and its SQL, nothing changed
  mizzle push --force              # no question (CI, scripts); never on a protected database
  mizzle push --rename users.name=users.full_name

\b
push writes no migration and does not touch the tracking table. To move the database onto migrations
afterwards: `mizzle generate` (the migration that builds this schema), then `mizzle baseline`.""")
@click.option("--force", is_flag=True, help="Apply without asking (required without a terminal).")
@click.option("--dry-run", is_flag=True, help="Print the plan and its SQL; change nothing.")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help="Declare a rename (table: users=people, column: users.name=users.full_name). Repeatable.")
@click.option("--no-renames", is_flag=True, help="Treat every ambiguous drop+add as a drop and an add.")
@click.option("--lock-timeout", type=float, metavar="SECONDS",
              help="Give up (exit 4) if a migration run holds the lock this long. Default: wait.")
@click.option("--i-know-this-is-production", "i_know", is_flag=True,
              help="Push even to a protected database (a protected environment, or one marked by `mizzle protect`).")
@common_options
def push_command(opts: Options, force: bool, dry_run: bool, renames: tuple[str, ...], no_renames: bool,
                 lock_timeout: float | None, i_know: bool) -> int:
    """Make the database match the schema code directly (development shortcut).

    Diffs the live database against the schema code, shows the plan (one line per change; the SQL with
    --verbose), asks for confirmation on a terminal, and applies it in one transaction under the migration
    lock. Data-losing changes are listed as warnings. Refuses protected databases (exit 6).

    \b
    Exit codes: 0 done, nothing to do or cancelled · 1 a statement failed (rolled back) · 2 usage, ambiguous
    rename or no terminal without --force · 4 lock timeout · 5 cannot connect · 6 protected database.
    """
    from ..commands.generate import parse_rename_flags
    from ..commands.push import push
    from .generate import terminal_prompt

    cfg = opts.load_config()
    url = opts.resolve_url(cfg)
    interactive = sys.stdin.isatty() and sys.stderr.isatty() and not opts.json

    confirm = partial(_confirm, opts, force, interactive)
    if lock_timeout is not None and lock_timeout < 0:
        raise click.BadParameter("must be ≥ 0", param_hint="--lock-timeout")
    try:
        result = push(cfg, url=url, renames=parse_rename_flags(renames), no_renames=no_renames,
                      prompt=terminal_prompt if interactive else None, confirm=confirm, dry_run=dry_run,
                      i_know_this_is_production=i_know, lock_timeout=lock_timeout,
                      on_wait=opts.lock_wait)
    except MizzleError as e:
        if opts.json and e.result is not None:
            opts.emit_json(e.result.to_json())
        raise
    if opts.json:
        opts.emit_json(result.to_json())
        return 0
    _print_outcome(opts, result, i_know)
    return 0


def _confirm(opts: Options, force: bool, interactive: bool, result: Any) -> bool:
    """Show the plan and ask on the terminal (--force: yes; no terminal: a usage error carrying the plan)."""
    if not opts.json:
        _print_plan(opts, result, sql=opts.verbose)
    if force:
        return True
    if not interactive:
        result.error = (f"push would apply {len(result.statements)} statement(s) to {result.url} and there is "
                        "no terminal to confirm: pass --force to apply them (or --dry-run to only see the plan)")
        raise UsageError(result.error, result=result)
    return click.confirm(f"Apply {len(result.statements)} statement(s) to {result.url}?", default=False, err=True)


def _print_outcome(opts: Options, result: Any, overridden: bool) -> None:
    if result.nothing_to_do:
        opts.echo("No schema changes")
        for line in result.warnings:  # what push left alone (else printed with the plan)
            opts.echo(f"warning: {line}", err=True)
        return
    if result.dry_run:
        _print_plan(opts, result, sql=True, overridden=overridden)
        opts.echo("dry run: nothing applied")
        return
    if result.cancelled:
        opts.echo("cancelled: nothing applied")
        return
    how = "1 transaction" if result.transactions == 1 else f"{result.transactions} transactions"
    opts.echo(f"done: {len(result.changes)} change(s) applied to {result.url} in {how} ({result.duration_ms:.0f} ms)")
    opts.echo("No migration was written. To adopt this database into migrations: `mizzle generate`, then "
              "`mizzle baseline`.")

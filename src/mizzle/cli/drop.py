"""`mizzle drop [TAG]`: remove the latest migration, once the database is known not to have applied it."""

from __future__ import annotations

import click

from .app import Options, common_options


@click.command("drop", epilog="""\b
Examples:
  mizzle drop                      # the latest migration, checked against the configured database
  mizzle drop 0009_add_flags --env staging
  mizzle drop --force              # no database to ask: you vouch that none applied it""")
@click.argument("tag", required=False)
@click.option("--force", is_flag=True, help="Drop without checking when no database is configured or reachable.")
@click.option("--connect-timeout", type=float, default=10, show_default=True, metavar="S",
              help="Seconds to wait for the server.")
@common_options
def drop_command(opts: Options, tag: str | None, force: bool, connect_timeout: float) -> int:
    """Remove the latest migration: its SQL file, snapshot, journal entry and sidecar entry.

    Only the latest can be dropped (TAG, if given, must name it). The configured database (--url, --env,
    DATABASE_URL or the config) is checked first: exit 6 if it applied the migration. With no database to
    ask, only with --force.
    """
    from ..runner.recovery import configured_url, drop

    cfg = opts.load_config()
    result = drop(cfg, url=configured_url(cfg, opts.url, opts.env), tag=tag, force=force,
                  connect_timeout=connect_timeout)
    for w in result.warnings:
        opts.echo(f"warning: {w}", err=True)
    if opts.json:
        opts.emit_json(result.to_json())
        return 0
    if result.checked:
        opts.echo(f"{result.database} has not applied {result.tag}")
    opts.echo(f"dropped {result.tag}:")
    for p in result.removed:
        opts.echo(f"  {p}")
    return 0

"""`mizzle baseline [--to TAG]`: record the migrations a database already holds as applied, after checking."""

from __future__ import annotations

import click

from .app import Options, common_options


@click.command("baseline", epilog="""\b
Examples:
  mizzle baseline --env staging          # the database already has the latest schema
  mizzle baseline --to 0004_add_orders   # it has the schema as of 0004; migrate applies the rest
  mizzle baseline --force --reason "restored from a dump; checked by hand\"""")
@click.option("--to", "to", metavar="TAG", help="The last migration the database already holds (default: the latest).")
@click.option("--force", is_flag=True, help="Record without comparing the database with the snapshot (a warning "
              "says so); the names it gives constraints and indexes are still taken.")
@click.option("--reason", metavar="TEXT", help="Why, for the audit entries (default: `baseline up to TAG`).")
@click.option("--lock-timeout", metavar="SECONDS", help="Give up (exit 4) if a migration run holds the lock this long.")
@click.option("--connect-timeout", type=float, default=10, show_default=True, metavar="S",
              help="Seconds to wait for the server.")
@common_options
def baseline_command(opts: Options, to: str | None, force: bool, reason: str | None, lock_timeout: str | None,
                     connect_timeout: float) -> int:
    """Mark every migration up to TAG as applied on a database that already holds the schema.

    The database (introspected within schema_filter/tables_filter) must match the snapshot of TAG: otherwise
    the differences are listed and nothing is recorded (exit 3). Migrations already applied with another hash
    are refused (exit 3).
    """
    from ..runner.recovery import baseline
    from .app import seconds

    cfg = opts.load_config()
    result = baseline(cfg, url=opts.resolve_url(cfg), to=to, force=force, reason=reason,
                      lock_timeout=seconds(lock_timeout, "--lock-timeout"), connect_timeout=connect_timeout,
                      on_wait=opts.lock_wait)
    for w in result.warnings:
        opts.echo(f"warning: {w}", err=True)
    for n in result.notes:
        opts.echo(f"note: {n}", err=True)
    for r in result.renamed:
        opts.echo(f"snapshot of {result.to}: {r} (the database's name)", err=True)
    if opts.json:
        opts.emit_json(result.to_json())
        return 0
    checked = "matches the snapshot of" if result.checked else "not compared with"
    opts.echo(f"{result.url} {checked} {result.to}")
    if result.marked:
        opts.echo(f"baseline: {len(result.marked)} migration(s) recorded as applied (up to {result.to}), "
                  f"{len(result.already_applied)} already were")
        for tag in result.marked:
            opts.echo(f"  {tag}")
    else:
        opts.echo(f"nothing to record: all {len(result.already_applied)} migration(s) up to {result.to} are applied")
    return 0

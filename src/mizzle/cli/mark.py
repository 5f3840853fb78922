"""`mizzle mark TAG --applied | --rolled-back`: record a manual resolution, with an audit entry."""

from __future__ import annotations

import click

from .app import Options, common_options


@click.command("mark", epilog="""\b
Examples:
  mizzle mark 0007_add_status --rolled-back --reason "undone by hand during incident 42" --env production
  mizzle mark 0008_revert_add_status --applied --reason "the manual SQL already did it"
  mizzle mark 0003 --applied        # accept an applied file's new text (its hash is re-recorded)""")
@click.argument("tag")
@click.option("--applied", is_flag=True, help="Record TAG as applied without running it (adds its tracking row; on a "
              "modified applied file, re-records the file's hash).")
@click.option("--rolled-back", "rolled_back", is_flag=True,
              help="Record that TAG was undone by hand: its tracking row stays, so nothing applies it again.")
@click.option("--reason", metavar="TEXT", help="Why, for the audit entry `status` shows.")
@click.option("--lock-timeout", metavar="SECONDS", help="Give up (exit 4) if a migration run holds the lock this long.")
@common_options
def mark_command(opts: Options, tag: str, applied: bool, rolled_back: bool, reason: str | None,
                 lock_timeout: str | None) -> int:
    """Record by hand that TAG is applied or rolled back (nothing is executed).

    The tracking row (drizzle-orm's three columns) and an audit entry (who: $MIZZLE_ACTOR or the OS user, when,
    why, mizzle version) are written under the migration lock; `mizzle status` shows the entry. TAG is a tag,
    an index (`7`, `0007`) or a unique prefix.
    """
    from ..runner.recovery import mark
    from .app import seconds

    if applied == rolled_back:
        raise click.UsageError("pass exactly one of --applied or --rolled-back")
    cfg = opts.load_config()
    result = mark(url=opts.resolve_url(cfg), folder=cfg.out_dir, tag=tag, applied=applied, rolled_back=rolled_back,
                  reason=reason, table=cfg.table, tracking_schema=cfg.tracking_schema,
                  lock_timeout=seconds(lock_timeout, "--lock-timeout"),
                  on_wait=opts.lock_wait)
    for w in result.warnings:
        opts.echo(f"warning: {w}", err=True)
    if opts.json:
        opts.emit_json(result.to_json())
        return 0
    what = "applied" if applied else "rolled back by hand"
    if not result.changed:
        opts.echo(f"{result.tag} is already {what} on {result.url}; nothing recorded")
        return 0
    opts.echo(f"{result.tag}: marked {what} on {result.url} by {result.actor}"
              + (f": {result.reason}" if result.reason else ""))
    if result.replaced_hash:
        opts.echo(f"  the file's current hash replaces the applied one ({result.replaced_hash[:12]}…)")
    if rolled_back:
        opts.echo("  its tracking row stays: `mizzle migrate` (and drizzle-orm) will not apply it again")
    return 0

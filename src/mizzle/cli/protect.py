"""`mizzle protect`: mark the database itself as protected, so `push` refuses it however it is addressed."""

from __future__ import annotations

import click

from .app import Options, common_options


@click.command("protect", epilog="""\b
Examples:
  mizzle protect --env production
  DATABASE_URL=postgresql://app@db.internal/app mizzle protect
  mizzle protect --off --i-know-this-is-production --url postgresql://app@db.internal/app""")
@click.option("--off", is_flag=True, help="Remove the mark (needs --i-know-this-is-production).")
@click.option("--i-know-this-is-production", "i_know", is_flag=True, help="Required by --off.")
@common_options
def protect_command(opts: Options, off: bool, i_know: bool) -> int:
    """Mark the database as protected: `mizzle push` then refuses it (exit 6).

    The mark is a row in mizzle's own settings table inside the database (PostgreSQL:
    <tracking schema>.__mizzle_settings; SQLite: __mizzle_settings), so it holds whatever URL, host
    spelling or user reaches the database. drizzle-orm's migrator ignores the table.
    """
    from ..commands.protect import protect

    cfg = opts.load_config()
    result = protect(url=opts.resolve_url(cfg), off=off, i_know_this_is_production=i_know,
                     tracking_schema=cfg.tracking_schema)
    if opts.json:
        opts.emit_json(result.to_json())
        return 0
    state = "protected" if result.protected else "not protected"
    if not result.changed:
        since = f" ({result.mark.describe()})" if result.mark is not None and result.protected else ""
        opts.echo(f"{result.url} is already {state}{since}")
    elif result.protected:
        opts.echo(f"{result.url} is now protected (mark stored in {result.table}); `mizzle push` refuses it")
    else:
        opts.echo(f"{result.url} is no longer protected; `mizzle push` may change it")
    return 0

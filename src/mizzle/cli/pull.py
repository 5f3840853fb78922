"""`mizzle pull`: an existing database → a SQLAlchemy schema module + a baseline migration."""

from __future__ import annotations

import click

from .app import Options, common_options


@click.command("pull", epilog="""\b
Examples:
  mizzle pull --url postgresql://app@localhost/legacy
  mizzle pull --env production --schema-out app/db/schema.py --name baseline""")
@click.option("--schema-out", metavar="PATH", help="Where to write the schema module (default: the first file "
              "named by `schema` in the config).")
@click.option("--name", default="baseline", show_default=True, help="Name of the baseline migration.")
@click.option("--force", is_flag=True, help="Overwrite an existing schema module.")
@click.option("--connect-timeout", type=float, default=10, show_default=True, metavar="S",
              help="Seconds to wait for the server.")
@click.option("--no-mark", is_flag=True, help="Do not record the baseline as applied on the pulled database "
              "(e.g. a read-only replica); `mizzle baseline` can record it later.")
@common_options
def pull_command(opts: Options, schema_out: str | None, name: str, force: bool, connect_timeout: float,
                 no_mark: bool) -> int:
    """Introspect a database into a SQLAlchemy schema module and a baseline migration.

    The module uses Core `sa.Table`s (exact for composite keys, tables without a primary key and expression
    indexes; map classes onto them later with `__table__`). `mizzle generate` right after finds no changes.
    The database already has the schema, so the baseline is recorded as applied there (not run), with an
    audit entry, unless --no-mark or its tracking table already has rows from another history.
    """
    from ..commands import pull_round_trip
    from ..commands.pull import pull

    pull_round_trip.fork_in_command = True  # this process ends with the command: the check may fork (a speed trick)
    cfg = opts.load_config()
    result = pull(cfg, opts.resolve_url(cfg), schema_out=schema_out, name=name, force=force,
                  connect_timeout=connect_timeout, mark=not no_mark)
    for w in [*result.unmanaged, *result.warnings]:
        opts.echo(f"warning: {w}", err=True)
    if opts.json:
        opts.emit_json(result.to_json())
        return 0
    opts.echo(f"pulled {result.tables} table(s), {result.enums} enum(s), {result.sequences} sequence(s) from "
              f"{result.url}")
    opts.echo(f"  schema module:      {result.schema_path}")
    opts.echo(f"  baseline migration: {result.sql_path}")
    if result.marked:
        opts.echo(f"{result.tag} is recorded as applied on {result.url} (it already has the schema); "
                  "`mizzle migrate` applies it to new databases only.")
    else:
        opts.echo(f"The database already has this schema: do not run {result.tag} there; record it as applied "
                  f"with `mizzle baseline --to {result.tag}` and apply it only to new databases.")
    return 0

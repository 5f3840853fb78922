"""`mizzle drift`: the live database vs the snapshot of its last applied migration."""

from __future__ import annotations

import click

from ..errors import IntegrityError
from .app import Options, common_options
from .fleet import fleet_options, fleet_requested


@click.command("drift", epilog="""\b
Examples:
  mizzle drift --env production        # exit 3 if someone changed the schema by hand
  mizzle drift --json""")
@click.option("--connect-timeout", type=float, default=10, show_default=True, metavar="S",
              help="Seconds to wait for the server.")
@fleet_options
@common_options
def drift_command(opts: Options, connect_timeout: float) -> int:
    """Compare the live database with the snapshot of its last applied migration.

    Lists what was added (+), removed (-) or changed (~) outside migrations. Exits 3 if anything differs.
    """
    from ..commands.drift import drift_for_config

    cfg = opts.load_config()
    if fleet_requested(opts):
        from . import fleet

        return fleet.run(opts, cfg, fleet.drift_action(cfg, connect_timeout), "changes", read_only=True)
    result = drift_for_config(cfg, opts.resolve_url(cfg), connect_timeout=connect_timeout)
    for w in [*result.warnings, *result.unmanaged]:
        opts.echo(f"warning: {w}", err=True)
    if opts.json:
        opts.emit_json(result.to_json())
    against = f"the snapshot of {result.migration}" if result.migration else "an empty schema (nothing applied)"
    if result.drifted:
        raise IntegrityError(
            f"drift: {result.url} differs from {against} in {len(result.changes)} place(s)",
            "\n".join(f"  {c}" for c in result.changes) + "".join(f"\nnote: {n}" for n in result.notes)
            + "\nEither write a migration that makes these changes "
            "(`mizzle generate` after updating the schema code), or undo them on the database.")
    opts.echo(f"no drift: {result.url} matches {against}")
    return 0

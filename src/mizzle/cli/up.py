"""`mizzle up`: convert a drizzle-kit 0.x journal folder to drizzle-kit 1.x's layout, keeping identities (or a 1.x
folder's version 8 snapshots to version 9)."""

from __future__ import annotations

import click

from .app import Options, common_options


@click.command("up", epilog="""\b
Examples:
  mizzle up --dry-run     # what would be converted
  mizzle up               # then commit the folder; databases that applied it recognise every migration""")
@click.option("--dry-run", is_flag=True, help="Show what would be converted; write nothing.")
@common_options
def up_command(opts: Options, dry_run: bool) -> int:
    """Convert the migrations folder (`out`) from the journal layout to drizzle-kit 1.x's layout.

    Each journal entry becomes `<YYYYMMDDHHMMSS>_<name>/migration.sql` (the same bytes: the same hash) and a
    version 9 `snapshot.json` (the same snapshot id), dated by its journal `when`, whose exact value is kept in
    meta/_mizzle.json: databases that applied the folder (by mizzle, drizzle-orm 0.x or 1.x) recognise every
    migration. Refuses a folder with a missing snapshot or SQL file (exit 3). In a folder already in the 1.x
    layout, converts the snapshots drizzle-kit 1.0.0-beta to 1.0.0-rc.4 wrote (version 8) to version 9, as `drizzle-kit up` does.
    """
    from ..commands.up import up

    cfg = opts.load_config()
    result = up(cfg, dry_run=dry_run)
    for w in result.warnings:
        opts.echo(f"warning: {w}", err=True)
    if opts.json:
        opts.emit_json(result.to_json())
        return 0
    verb = "would convert" if dry_run else "converted"
    if result.snapshots_only:
        for _, name in result.converted:
            opts.echo(f"  {name}/snapshot.json")
        opts.echo(f"{verb} {len(result.converted)} snapshot(s) in {result.folder} from version 8 (drizzle-kit "
                  "1.0.0-beta to 1.0.0-rc.4) to version 9 (drizzle-kit 1.0.0-rc.5): drizzle-kit before 1.0.0-rc.5 "
                  "cannot read the folder any more")
        return 0
    for tag, name in result.converted:
        opts.echo(f"  {tag} → {name}/")
    opts.echo(f"{verb} {len(result.converted)} migration(s) in {result.folder} to drizzle-kit 1.x's layout"
              + ("" if dry_run else f"; removed {len(result.removed)} file(s) of the journal layout"))
    return 0

"""`mizzle rebase`: renumber a merged branch's migrations after the existing ones and re-chain the snapshots."""

from __future__ import annotations

import click

from .app import Options, common_options


@click.command("rebase", epilog="""\b
Examples:
  git merge feature                    # both branches added 0005_*: journal and snapshot conflict
  mizzle rebase                        # 0005_add_bio → 0006_add_bio, snapshots re-chained
  mizzle rebase --dry-run --json       # what would be renumbered, nothing written""")
@click.option("--dry-run", is_flag=True, help="Print what would be renumbered; write nothing.")
@common_options
def rebase_command(opts: Options, dry_run: bool) -> int:
    """After a branch merge left two migrations with the same number (or two snapshots with the same parent,
    or git conflict markers in the journal), put the incoming branch's migrations after the existing ones.

    The existing branch is the one whose first migration has the smaller `when` (generated first). The
    incoming migrations keep their SQL and `when` (databases that applied them recognise them); their
    snapshots are recomputed on top of the existing branch's. Exits 3, naming the objects, when both
    branches changed the same object."""
    from ..migrations.rebase import RebaseConflict, rebase

    cfg = opts.load_config()
    try:
        result = rebase(cfg.out_dir, cfg.dialect, dry_run=dry_run)
    except RebaseConflict as e:
        if opts.json:
            opts.emit_json({"folder": str(cfg.out_dir), "written": False, "conflicts": e.conflicts})
        raise
    if opts.json:
        opts.emit_json(result.to_json())
        return 0
    if not result.changed:
        opts.echo(f"Nothing to rebase: no two migrations in {result.folder} share a number")
        return 0
    verb = "would renumber" if dry_run else "renumbered"
    opts.echo(f"existing: {', '.join(result.existing)}")
    for r in result.renumbered:
        opts.echo(f"{verb}: {r}")
    for p in result.removed:
        opts.echo(f"{'would remove' if dry_run else 'removed'} {p} (folded into the re-chained snapshots)")
    if not dry_run:
        opts.echo("Next: `mizzle check`, review, commit; `mizzle migrate` applies on each database only what it "
                  "lacks (out-of-order ones with a warning).")
    return 0

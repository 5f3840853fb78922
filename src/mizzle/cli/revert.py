"""`mizzle revert TAG`."""

from __future__ import annotations

import click

from .app import Options, common_options


@click.command("revert", epilog="""\b
Examples:
  mizzle revert 0007_add_status        # writes 0008_revert_add_status.sql
  mizzle revert 0007 --name undo_status
  mizzle revert 0003_add_bio           # an older one: refused (exit 3) if a later migration changed the same objects""")
@click.argument("tag")
@click.option("--name", help="Name part of the new migration's tag (default: revert_<name of TAG>).")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW", help="Declare a rename, as for generate.")
@click.option("--no-renames", is_flag=True,
              help="Accepted, and what a revert always does: TAG's drops and adds are undone as drops and adds.")
@common_options
def revert_command(opts: Options, tag: str, name: str | None, renames: tuple[str, ...], no_renames: bool) -> int:
    """Write a new forward migration that undoes TAG (computed from the snapshots before and after it). TAG may
    be older than the latest migration, unless a later one changed the same objects.

    The schema code still describes TAG's change: until you revert the code too, `mizzle generate --check`
    reports it."""
    from ..commands.generate import parse_rename_flags
    from ..commands.revert import revert
    from .lint import lint_written, print_findings

    cfg = opts.load_config()
    result, warnings = revert(cfg, tag, renames=parse_rename_flags(renames), no_renames=no_renames, name=name)
    # linted as generate lints what it writes: undoing a dropped NOT NULL column adds it back (MZ201)
    findings = lint_written(result.sql_path, cfg.dialect, result.previous, result.sql)
    for w in warnings:
        opts.echo(f"warning: {w}", err=True)
    if opts.json:
        opts.emit_json({**result.to_json(), "warnings": warnings, "lint": [f.to_json() for f in findings]})
        return 0
    opts.echo(f"{result.sql_path}: {len(result.statements)} statement(s)")
    for line in result.changes:
        opts.echo(f"  {line}")
    print_findings(opts, findings)
    opts.echo("Next: review and apply it; then revert the schema code too, or `mizzle generate` will re-create "
              "the change.")
    return 0

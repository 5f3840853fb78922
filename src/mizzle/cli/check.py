"""`mizzle check`: the offline integrity check of the migrations folder."""

from __future__ import annotations

from typing import Any

import click

from ..errors import IntegrityError, UsageError
from .app import Options, common_options


@click.command("check", epilog="""\b
Examples:
  mizzle check                         # offline; exit 3 on an integrity problem
  mizzle check --fix                   # repair the journal where unambiguous, explain the rest
  mizzle check --rebuild-snapshots --scratch-url postgresql://postgres@localhost/postgres
  mizzle check --rebuild-snapshots --from 0007_add_index   # 0007's SQL edited: its snapshot and later ones""")
@click.option("--fix", is_flag=True, help="Repair the journal where unambiguous (entries out of order, a renamed "
              "SQL file, a SQL file missing from the journal whose snapshot continues the chain); explain the rest.")
@click.option("--rebuild-snapshots", is_flag=True, help="Rebuild missing or corrupt snapshots by replaying the "
              "migrations into a scratch database (see `mizzle verify`).")
@click.option("--from", "from_tag", metavar="TAG", help="With --rebuild-snapshots: rebuild the snapshot of migration "
              "TAG and of every later one too, readable or not (after TAG's SQL was edited: `mizzle verify` names "
              "it).")
@click.option("--scratch-url", metavar="URL", help="With --rebuild-snapshots: a PostgreSQL server where mizzle may "
              "create a temporary database (default: the server of --url / --env / DATABASE_URL when that is "
              "PostgreSQL, else a throwaway local cluster).")
@click.option("--no-parse", is_flag=True, help="Skip parsing each SQL statement.")
@common_options
def check_command(opts: Options, fix: bool, rebuild_snapshots: bool, no_parse: bool, scratch_url: str | None,
                  from_tag: str | None) -> int:
    """Check the integrity of the migrations folder, offline.

    Journal ↔ SQL files ↔ snapshots, the id/prevId chain (two snapshots with one parent = a branch-merge
    collision), duplicate idx/tag/when, malformed JSON, SQL that does not parse, stray files.
    Exits 3 on errors; warnings alone exit 0.
    """
    if rebuild_snapshots and fix:
        raise UsageError("--fix and --rebuild-snapshots go one at a time",
                         "Run `mizzle check --fix` first, then `mizzle check --rebuild-snapshots`.")
    if from_tag is not None and not rebuild_snapshots:
        raise UsageError("--from goes with --rebuild-snapshots",
                         f"Run `mizzle check --rebuild-snapshots --from {from_tag}`.")
    if rebuild_snapshots:
        from .verify import rebuild_snapshots_cli

        return rebuild_snapshots_cli(opts, scratch_url, from_tag=from_tag)
    cfg = opts.load_config()
    if fix:
        return _fix(opts, cfg, no_parse)
    from ..migrations.check import check_folder

    report = check_folder(cfg.out_dir, dialect=cfg.dialect if cfg.source else None, parse_sql=not no_parse)
    if opts.json:
        opts.emit_json(report.to_json())
    if not report.ok:
        # the summary line first (printed by the CLI's error handler), then every finding
        errs = report.errors
        raise IntegrityError(f"{len(errs)} problem(s) in {report.folder}: {errs[0].path}: {errs[0].message}"
                             if len(errs) > 1 else f"{report.folder}: {errs[0].path}: {errs[0].message}",
                             "\n".join(f"  {f}" for f in report.findings))
    if not opts.json:
        for f in report.warnings:
            opts.echo(str(f), err=True)
        opts.echo(f"ok: {report.migrations} migration(s) in {report.folder}"
                  + (f", {len(report.warnings)} warning(s)" if report.warnings else ""))
    return 0


def _fix(opts: Options, cfg: Any, no_parse: bool) -> int:
    from ..migrations.check import fix_folder

    report = fix_folder(cfg.out_dir, dialect=cfg.dialect, parse_sql=not no_parse)
    if opts.json:
        opts.emit_json(report.to_json())
    else:
        for line in report.repairs:
            opts.echo(f"fixed: {line}")
    if report.refused:
        raise IntegrityError(f"{len(report.refused)} problem(s) left in {report.folder} that --fix does not repair: "
                             f"{report.refused[0]}", "\n".join(f"  not fixed: {x}" for x in report.refused))
    if not opts.json:
        warnings = report.after.warnings if report.after else []
        for f in warnings:
            opts.echo(str(f), err=True)
        opts.echo(f"ok: {len(report.repairs)} repair(s); {report.after.migrations if report.after else 0} "
                  f"migration(s) in {report.folder}" + (f", {len(warnings)} warning(s)" if warnings else ""))
    return 0

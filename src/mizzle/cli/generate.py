"""`mizzle generate` and `mizzle export`."""

from __future__ import annotations

import sys
from typing import Any

import click

from .app import Options, common_options


def terminal_prompt(kind: str, where: str, dropped: list[str], added: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    remaining = list(dropped)
    for new in added:
        if not remaining:
            break
        choices = ["create"] + [f"rename from {d}" for d in remaining]
        click.echo(f"\n{kind} {new!r}{' in ' + where if where else ''} is new. Is it created, or renamed?", err=True)
        for i, c in enumerate(choices):
            click.echo(f"  {i}) {c}", err=True)
        n = click.prompt("choice", type=click.IntRange(0, len(choices) - 1), default=0, err=True)
        if n > 0:
            result[remaining.pop(n - 1)] = new
    return result


@click.command("generate", epilog="""\b
Examples:
  mizzle generate --name add_posts
  mizzle generate --rename users.name=users.full_name
  mizzle generate --check          # in CI: exit 3 if the schema code has unmigrated changes
  mizzle generate --custom --name backfill_slugs
  mizzle generate --online --lock-timeout 2s   # production-safe DDL for tables that hold data""")
@click.option("--name", help="Name part of the migration tag (default: derived from the changes).")
@click.option("--custom", is_flag=True, help="Write an empty migration for hand-written SQL.")
@click.option("--check", is_flag=True, help="Write nothing; exit 3 if the schema has changes not yet in a migration.")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help="Declare a rename (table: users=people, column: users.name=users.full_name, sequence: a_seq=b_seq). "
              "Repeatable.")
@click.option("--no-renames", is_flag=True, help="Treat every ambiguous drop+add as a drop and an add.")
@click.option("--idempotent", is_flag=True, help="Write SQL that can run again (IF [NOT] EXISTS, catalog-checking DO "
              "blocks); marks the file `-- mizzle:idempotent`.")
@click.option("--online/--no-online", "online", default=None,
              help="PostgreSQL: on existing tables, build indexes CONCURRENTLY, add constraints NOT VALID and "
              "validate them later, SET NOT NULL through a validated check, each part under lock_timeout "
              "(default: the config's `online`). SQLite: no effect.")
@click.option("--lock-timeout", metavar="DURATION", help="lock_timeout of each part --online writes (e.g. 5s, "
              "500ms; default: the config's `online_lock_timeout`, else 5s).")
@click.option("--strict", is_flag=True, help="Exit 6 when the new migration has lint errors (it is written anyway).")
@common_options
def generate_command(opts: Options, name: str | None, custom: bool, check: bool, renames: tuple[str, ...],
                     no_renames: bool, idempotent: bool, online: bool | None, lock_timeout: str | None,
                     strict: bool) -> int:
    """Diff the schema code against the last snapshot and write a new migration."""
    from ..commands.generate import generate, parse_rename_flags

    cfg = opts.load_config()
    if lock_timeout is not None and not (online or (online is None and cfg.online)):
        from ..errors import UsageError

        raise UsageError("--lock-timeout applies to the parts --online writes; add --online (or `online = true` "
                         "in the config)")
    from ..migrations.folder import MigrationFolder

    for stray in MigrationFolder(cfg.out_dir, cfg.dialect).stray_files():
        opts.echo(f"warning: stray file {stray} in the migrations' meta/ folder (not used; `mizzle check` lists "
                  "every problem)", err=True)
    interactive = sys.stdin.isatty() and sys.stderr.isatty() and not opts.json and not check
    from ..errors import AmbiguousRename, IntegrityError

    try:
        result = generate(cfg, name=name, custom=custom, check=check, renames=parse_rename_flags(renames),
                          no_renames=no_renames, prompt=terminal_prompt if interactive else None,
                          idempotent=idempotent, online=online, lock_timeout=lock_timeout)
    except AmbiguousRename as e:
        if not check:
            raise
        raise _check_found_rename(opts, cfg, e, renames, idempotent, online, lock_timeout) from None
    except IntegrityError as e:
        if check and opts.json and e.result is not None:
            opts.emit_json({**e.result.to_json(), "lint": [], "check": "changes", "error": e.message})
        raise
    if (online or (online is None and cfg.online)) and not _dialect(cfg.dialect).online and not opts.json:
        opts.echo(f"note: --online has no effect on {cfg.dialect} (a migration holds the database's write lock "
                  "whichever way it is written)", err=True)
    from .lint import lint_written, print_findings, refuse_if_errors

    findings = lint_written(result.sql_path, cfg.dialect, result.previous, result.sql)
    if opts.json:
        opts.emit_json({**result.to_json(), "lint": [f.to_json() for f in findings],
                        **({"check": "no changes"} if check else {})})
        if strict:
            refuse_if_errors(findings)
        return 0
    if not result.written:
        opts.echo("No schema changes")
        for w in result.warnings:  # what is kept, taken as made or not managed: said on every run, not only when
            # a migration is written
            opts.echo(f"warning: {w}", err=True)
        return 0
    opts.echo(f"{result.sql_path}: {len(result.statements)} statement(s)")
    for line in result.changes:
        opts.echo(f"  {line}")
    for w in result.warnings:
        opts.echo(f"warning: {w}", err=True)
    print_findings(opts, findings)
    if strict:
        refuse_if_errors(findings)
    return 0


def _check_found_rename(opts: Options, cfg: Any, e: Any, renames: tuple[str, ...], idempotent: bool,
                        online: bool | None, lock_timeout: str | None) -> Exception:
    """`generate --check` met a drop+add that may be a rename. --check asks whether there are changes, and that
    is one: exit 3, not a request for --rename flags (those are for the run that writes the migration). With
    --json, the changes themselves are printed, each drop+add pair as a drop and an add."""
    from ..commands.generate import generate, parse_rename_flags
    from ..errors import IntegrityError

    err = IntegrityError(f"the schema code has changes not yet in a migration, among them a drop+add that may "
                         f"be a rename ({e.message}); run `mizzle generate` (with the --rename flags it asks "
                         "for)", e.details)
    if opts.json:
        changes = [e.message]
        try:
            generate(cfg, check=True, renames=parse_rename_flags(renames), no_renames=True,
                     idempotent=idempotent, online=online, lock_timeout=lock_timeout)
        except IntegrityError as listed:
            changes = getattr(listed.result, "changes", None) or changes
        opts.emit_json({"tag": None, "path": None, "changes": changes, "statements": 0, "written": False,
                        "online": False, "lint": [], "check": "changes", "error": err.message})
    return err


@click.command("export", epilog="""\b
Examples:
  mizzle export > schema.sql
  mizzle export --config services/api/mizzle.toml""")
@common_options
def export_command(opts: Options) -> int:
    """Print the full DDL of the current schema code."""
    from ..commands.generate import export

    cfg = opts.load_config()
    warnings: list[str] = []
    sql = export(cfg, warnings)
    if opts.json:
        opts.emit_json({"dialect": cfg.dialect, "sql": sql, "warnings": warnings})
        return 0
    click.echo(sql, nl=False)
    for line in warnings:
        opts.echo(f"warning: {line}", err=True)
    return 0


def _dialect(name: str) -> Any:
    from .. import dialects

    return dialects.get(name)

"""`mizzle lint [FILES]`, and the printing of findings that `generate` shares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import Refused, UsageError
from .app import Options, common_options


def print_findings(opts: Options, findings: list[Any]) -> None:
    for f in findings:
        opts.echo(str(f))


def lint_written(path: Any, dialect: str, previous: Any = None, text: str | None = None) -> list[Any]:
    """The findings of the migration `generate` or `revert` just wrote at `path` (none where the dialect has no
    lint). `previous` is the schema it runs against and `text` its SQL, both already at hand: reading either again
    costs on a large schema."""
    from .. import dialects

    if path is None or not dialects.get(dialect).lint:
        return []
    from ..lint import LintContext, lint_file

    if previous is None:
        return lint_file(path)
    return lint_file(text if text is not None else path, LintContext(previous=previous, file=str(path)))


def summary(findings: list[Any], files: int) -> str:
    errors = sum(1 for f in findings if f.is_error)
    warnings = len(findings) - errors
    if not findings:
        return f"lint: {files} file(s), no findings"
    return f"lint: {errors} error(s), {warnings} warning(s) in {files} file(s)"


def refuse_if_errors(findings: list[Any]) -> None:
    """--strict: exit 6 while any error-severity finding remains."""
    errors = [f for f in findings if f.is_error]
    if errors:
        first = errors[0]
        raise Refused(f"lint: {len(errors)} error(s) remain under --strict; first: {first.file}:{first.line}: "
                      f"{first.rule}", "Fix them, or silence one deliberately with `-- mizzle:lint-ignore "
                      f"{first.rule}` on the line above the statement.")


def refuse_unlinted_dialect(dialect: str) -> None:
    """A project whose config names a dialect without lint (SQLite): its migrations are not PostgreSQL's, and
    PostgreSQL's parser would call every statement a syntax error. Without a config a lone file is linted."""
    from .. import dialects

    if not dialects.get(dialect).lint:
        raise UsageError(f"mizzle lint checks PostgreSQL migrations; the config says {dialect}")


def refuse_other_folder_dialect(out_dir: Path, dialect: str) -> None:
    """The configured folder's migrations in another dialect than the config's (a SQLite folder under a config
    saying postgresql): PostgreSQL's parser would call each statement a syntax error (MZ001). The folder's dialect
    is its snapshots', else its journal's, as `mizzle check` reads it (the snapshots only where the journal
    disagrees: reading them all costs on a large folder)."""
    from .. import dialects
    from ..migrations.folder import MigrationFolder

    mf = MigrationFolder(out_dir)
    said = mf.read_journal().dialect if mf.journal_path.is_file() else None
    if not said or dialects.canonical(said) == dialect:
        return
    folder = mf.snapshots_dialect() or dialects.canonical(said)
    if folder != dialect:
        raise UsageError(f"{out_dir}: its migrations are {folder}'s (meta/_journal.json), but the config says "
                         f"{dialect}; mizzle lint checks PostgreSQL migrations",
                         "Point `out` at the PostgreSQL folder, or fix `dialect` in the config (`mizzle check` "
                         "reports it too).")


@click.command("lint", epilog="""\b
Examples:
  mizzle lint                          # every migration of the configured folder
  mizzle lint drizzle/0007_add_status.sql --strict
  mizzle lint --json drizzle/*.sql""")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 6 while any error-severity finding remains.")
@common_options
def lint_command(opts: Options, files: tuple[Path, ...], strict: bool) -> int:
    """Lint migration SQL with PostgreSQL's own parser (stable rule ids; `-- mizzle:lint-ignore RULE`).

    With no FILES, lints every migration of the configured folder, in journal order. A file inside a
    migrations folder is checked against the snapshot before it; a lone file treats every table it does not
    create as existing. Exits 0 unless --strict and errors remain (6)."""
    from ..lint import folder_sql_files, lint_paths

    paths = list(files)
    cfg = opts.load_config()
    if not paths or cfg.source is not None:
        refuse_unlinted_dialect(cfg.dialect)
    if not paths:
        refuse_other_folder_dialect(Path(cfg.out_dir), cfg.dialect)
        paths = folder_sql_files(Path(cfg.out_dir))
    for p in paths:
        if not p.is_file():
            raise UsageError(f"{p}: no such file", "Pass migration .sql files, or nothing to lint the configured folder.")
    findings = lint_paths(paths)
    if opts.json:
        opts.emit_json({"files": len(paths), "errors": sum(f.is_error for f in findings),
                        "warnings": sum(not f.is_error for f in findings),
                        "findings": [f.to_json() for f in findings]})
    else:
        print_findings(opts, findings)
        opts.echo(summary(findings, len(paths)))
    if strict:
        refuse_if_errors(findings)
    return 0

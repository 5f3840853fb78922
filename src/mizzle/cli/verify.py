"""`mizzle verify`: replay the folder into a scratch database; compare with every snapshot and the schema code."""

from __future__ import annotations

import click

from ..errors import IntegrityError
from .app import Options, common_options


@click.command("verify", epilog="""\b
Examples:
  mizzle verify        # on DATABASE_URL's server; with no PostgreSQL URL, in a throwaway local cluster
  mizzle verify --url postgresql://postgres@localhost/postgres
  mizzle verify --env ci --scratch-url postgresql://admin@localhost/postgres""")
@click.option("--scratch-url", metavar="URL",
              help="A PostgreSQL server (any database on it) where mizzle may create and drop a temporary "
                   "database. Default: the server of --url / --env / DATABASE_URL when that is PostgreSQL, else "
                   "a throwaway cluster started from the installed PostgreSQL binaries.")
@click.option("--connect-timeout", type=float, default=10, show_default=True, metavar="S",
              help="Seconds to wait for the server.")
@common_options
def verify_command(opts: Options, scratch_url: str | None, connect_timeout: float) -> int:
    """Replay every migration into a scratch database and compare.

    After each migration the scratch database is introspected and compared with that migration's snapshot;
    the first migration whose effect differs is named. At the end, the result is compared with the schema
    code. The scratch database (mizzle_verify_<random>, or the throwaway cluster; a temporary file on
    SQLite) is removed on success, failure and Ctrl-C. Exits 3 if anything differs.
    """
    from ..commands.verify import StepResult, verify

    cfg = opts.load_config()
    url = None if scratch_url else opts.resolve_url(cfg)

    def show(step: StepResult) -> None:
        if opts.json:
            return
        if not step.compared:
            opts.echo(f"{step.tag}: not compared")
            opts.echo(f"  ({step.reason or 'no snapshot'})")
        elif step.changes:
            opts.echo(f"✗ {step.tag}: differs from its snapshot in {len(step.changes)} place(s)")
        elif opts.verbose:
            opts.echo(f"✓ {step.tag}")

    result = verify(cfg, url=url, scratch_url=scratch_url, connect_timeout=connect_timeout, on_step=show)
    if opts.json:
        opts.emit_json(result.to_json())
    else:
        for w in result.unmanaged:
            opts.echo(f"warning: {w}", err=True)
    first = result.first_divergence
    if first is not None:
        raise IntegrityError(
            f"{first.tag}: the database its SQL builds differs from its snapshot in {len(first.changes)} place(s), "
            f"first: {first.changes[0]}; {_why_differs(len(first.changes), len(first.notes))}",
            "the database the SQL builds, compared with the snapshot (- only in the snapshot, + only in the "
            "database, ~ both, differently):\n" + "\n".join(f"  {c}" for c in first.changes)
            + "".join(f"\nnote: {n}" for n in first.notes)
            + f"\nIf the SQL is right, rebuild from it the snapshot of {first.tag} and of every later migration "
              f"(`mizzle check --rebuild-snapshots --from {first.tag}`), review them (`git diff`) and commit; "
              "otherwise restore the SQL from version control.")
    if result.code_changes:
        raise IntegrityError(
            f"the migrations build a schema that differs from the schema code in {len(result.code_changes)} "
            "place(s); run `mizzle generate`",
            "\n".join(f"  {c}" for c in result.code_changes))
    compared = sum(1 for s in result.steps if s.compared)
    if result.not_compared:
        missing = result.not_compared
        raise IntegrityError(
            f"verify compared {compared} of {len(result.steps)} migration(s) with their snapshots; "
            f"{len(missing)} could not be compared ({', '.join(s.tag for s in missing[:3])}"
            + (", …" if len(missing) > 3 else "") + "): not verified",
            "\n".join(f"  {s.tag}: {s.reason or 'no snapshot'}" for s in missing)
            + "\nA missing or unreadable snapshot can be rebuilt from the SQL with `mizzle check --rebuild-snapshots`.")
    opts.echo(f"ok: {len(result.steps)} migration(s) replayed in {result.scratch}, {compared} matched their snapshots"
              + ("" if result.code_changes is None else ", and the result matches the schema code"))
    return 0


def _why_differs(changes: int, notes: int) -> str:
    """The cause verify's error names: each note explains one difference by drizzle-kit's own SQL (an index's order
    or a key's actions it leaves out, a key drop it comments out), so with as many notes as differences no hand
    edit is left to blame (dittofeed's 0002, drizzle-kit's `.nullsFirst().op("uuid_ops")`)."""
    if notes and notes >= changes:
        return ("the SQL drizzle-kit wrote leaves out what its snapshot states — not a hand edit: see the note(s) "
                "below")
    why = ("the SQL and its snapshot disagree (one was edited by hand, or the snapshot was generated from another "
           "branch's schema)")
    return why + ("; drizzle-kit's own SQL explains part of it: see the notes below" if notes else "")


def rebuild_snapshots_cli(opts: Options, scratch_url: str | None, connect_timeout: float = 10,
                          from_tag: str | None = None) -> int:
    """`mizzle check --rebuild-snapshots`: replay into a scratch database, rewrite missing or corrupt snapshots
    (and, `--from TAG`, TAG's and every later one)."""
    from ..commands.verify import rebuild_snapshots

    cfg = opts.load_config()
    url = None if scratch_url else opts.resolve_url(cfg)
    result = rebuild_snapshots(cfg, url=url, scratch_url=scratch_url, connect_timeout=connect_timeout,
                               from_tag=from_tag)
    if opts.json:
        opts.emit_json(result.to_json())
        return 0
    for tag in result.rebuilt:
        opts.echo(f"rebuilt the snapshot of {tag}")
    for said in result.repointed:
        opts.echo(said)
    opts.echo(f"ok: {len(result.rebuilt)} snapshot(s) rebuilt, {len(result.kept)} kept (replayed in {result.scratch})"
              + ("; review them (`git diff`) and commit" if result.rebuilt else ""))
    return 0

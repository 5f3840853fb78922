"""`mizzle migrate` and `mizzle status`: flags → mizzle.runner.migrate → printing. Imports nothing heavy: this is
the path a deploy task runs on every start."""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from ..errors import MizzleError, mask_password
from .app import Options, common_options, seconds
from .fleet import fleet_options, fleet_requested


class ConsoleReporter:
    """Plain lines in logs; on a terminal, one live line per migration with its elapsed time."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.stream = sys.stderr if opts.json else sys.stdout
        self.live = (not opts.json and not opts.quiet and self.stream.isatty())
        self._tick: Any = None  # the live line's ticker thread (threading is imported only on a terminal)
        self._stop: Any = None
        self._current: Any = None
        self._t0 = 0.0

    def _write(self, text: str) -> None:
        self.stream.write(mask_password(text))
        self.stream.flush()

    def warn(self, message: str) -> None:
        self._clear_live()
        click.echo(f"warning: {mask_password(message)}", err=True)

    def info(self, message: str) -> None:
        if not self.opts.quiet:
            self._clear_live()
            click.echo(mask_password(message), err=True)

    def start(self, result: Any) -> None:
        if self.opts.quiet:
            return
        self._current, self._t0 = result, time.monotonic()
        if self.live:
            import threading

            self._stop = threading.Event()
            self._tick = threading.Thread(target=self._ticker, daemon=True)
            self._tick.start()
        else:
            self._write(f"{result.tag}: applying {_plural(result.statements, 'statement')}{_flags(result)} …\n")

    def finish(self, result: Any) -> None:
        if self.opts.quiet:
            return
        self._stop_ticker()
        ms = result.duration_ms or 0.0
        if self.live:
            self._write(f"\r\x1b[2K✓ {result.tag}  {_plural(result.statements, 'statement')}{_flags(result)}"
                        f"  {_ms(ms)}\n")
        else:
            self._write(f"{result.tag}: applied in {_ms(ms)}\n")

    def _ticker(self) -> None:
        while not self._stop.wait(0.1):
            r = self._current
            if r is not None:
                self._write(f"\r\x1b[2K▸ {r.tag}  {time.monotonic() - self._t0:5.1f} s")

    def _stop_ticker(self) -> None:
        if self._tick is not None:
            self._stop.set()
            self._tick.join()
            self._tick = None

    def _clear_live(self) -> None:
        if self.live and self._tick is not None:
            self._write("\r\x1b[2K")

    def close(self) -> None:
        self._stop_ticker()
        if self.live and self._current is not None:
            self._write("\r\x1b[2K")
            self._current = None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _flags(r: Any) -> str:
    bits = []
    if r.no_transaction:
        bits.append("no-transaction")
    if r.resumed_after:
        bits.append(f"resumed after statement {r.resumed_after}")
    if r.out_of_order:
        bits.append("out of order")
    return f", {', '.join(bits)}" if bits else ""


def _ms(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 10_000 else f"{ms / 1000:.1f} s"


@click.command("migrate", epilog="""\b
Examples:
  DATABASE_URL=postgresql://app@localhost/app mizzle migrate
  mizzle migrate --dry-run
  mizzle migrate --env staging --lock-timeout 60
  mizzle migrate --env production --require-applied-in staging   # promotion gate
  mizzle migrate --env production --retries 5   # retry a part that hit its lock_timeout""")
@click.option("--to", "to", metavar="TAG", help="Apply pending migrations up to and including TAG.")
@click.option("--dry-run", is_flag=True, help="Show what would run; change nothing (takes no lock).")
@click.option("--lock-timeout", metavar="SECONDS", help="Give up (exit 4) if another run holds the lock this long. "
              "Default: wait.")
@click.option("--statement-timeout", metavar="SECONDS", help="Abort any single statement running longer.")
@click.option("--transaction", type=click.Choice(["each", "all"]), default=None,
              help="One transaction per migration (each, default) or one for the whole run (all).")
@click.option("--include-skipped", is_flag=True,
              help="Also apply migrations drizzle-orm's migrator skipped (older than its newest applied one).")
@click.option("--require-applied-in", "require_applied_in", metavar="ENV|URL",
              help="Promotion gate: refuse (exit 6) before running anything if a migration to apply is not "
              "applied, with the same hash, in that environment's database (or at that URL).")
@click.option("--retries", type=click.IntRange(min=0), default=None, metavar="N",
              help="When a statement gives up waiting for a table lock (its lock_timeout, SQLSTATE 55P03), roll "
              "back its unit (the migration's transaction, or that one statement of a no-transaction file) and "
              "retry it up to N times, with exponential backoff (0.5 s, 1 s, 2 s, … ≤ 30 s, with jitter). "
              "Default: [migrations] retries, else 0.")
@fleet_options
@common_options
def migrate_command(opts: Options, to: str | None, dry_run: bool, lock_timeout: str | None,
                    statement_timeout: str | None, transaction: str | None, include_skipped: bool,
                    require_applied_in: str | None, retries: int | None) -> int:
    """Apply pending migrations, once each, under a lock.

    \b
    Exit codes: 0 done or nothing to do · 1 a statement failed · 2 usage · 3 integrity
    (modified/missing applied file, folder out of sync) · 4 lock timeout · 5 cannot connect ·
    6 refused by the promotion gate (--require-applied-in).
    """
    from ..runner import migrate as runner

    cfg = opts.load_config()
    if fleet_requested(opts):
        return _migrate_fleet(opts, cfg, to=to, dry_run=dry_run, transaction=transaction or cfg.transaction,
                              lock_timeout=seconds(lock_timeout, "--lock-timeout"),
                              statement_timeout=seconds(statement_timeout, "--statement-timeout"),
                              include_skipped=include_skipped, require_applied_in=require_applied_in,
                              retries=cfg.retries if retries is None else retries)
    url = opts.resolve_url(cfg)
    gate_url, gate_label = _reference(cfg, require_applied_in)
    rep = ConsoleReporter(opts)
    from ..runner.interrupt import sigterm_as_ctrl_c

    try:
        with sigterm_as_ctrl_c():  # a cancelled deploy: the statement cancelled on the server, as Ctrl-C does
            result = runner.migrate(
                url=url, folder=cfg.out_dir, to=to, dry_run=dry_run,
                transaction=transaction or cfg.transaction,
                lock_timeout=seconds(lock_timeout, "--lock-timeout"),
                statement_timeout=seconds(statement_timeout, "--statement-timeout"),
                table=cfg.table, tracking_schema=cfg.tracking_schema, include_skipped=include_skipped,
                reporter=rep, require_applied_in=gate_url, require_applied_in_label=gate_label,
                retries=cfg.retries if retries is None else retries)
    except MizzleError as e:
        rep.close()
        partial = getattr(e, "result", None)
        if opts.json and partial is not None:
            opts.emit_json(partial.to_json())
        raise
    finally:
        rep.close()
    if opts.json:
        opts.emit_json(result.to_json())
        return 0
    _summary(opts, result)
    return 0


def _migrate_fleet(opts: Options, cfg: Any, require_applied_in: str | None, **kwargs: Any) -> int:
    """`migrate --targets/--fleet`: runner.migrate on each target (its own connection, lock and tracking)."""
    from ..runner.fleet import migrate_action
    from . import fleet

    gate_url, gate_label = _reference(cfg, require_applied_in)
    action = migrate_action(folder=cfg.out_dir, table=cfg.table, tracking_schema=cfg.tracking_schema,
                            require_applied_in=gate_url, require_applied_in_label=gate_label, **kwargs)
    return fleet.run(opts, cfg, action, "would apply" if kwargs.get("dry_run") else "applied")


def _reference(cfg: Any, value: str | None) -> tuple[str | None, str | None]:
    """--require-applied-in: an environment of the config (its URL, named by the environment) or a URL."""
    if not value:
        return None, None
    if "://" in value or value.startswith("sqlite:"):
        from ..dburl import parse_url

        return value, parse_url(value).masked
    if value not in cfg.environments:
        known = ", ".join(sorted(cfg.environments)) or "none defined"
        raise click.BadParameter(f"{value!r} is neither an environment of {cfg.source_name} (known: {known}) "
                                 "nor a database URL", param_hint="--require-applied-in")
    return cfg.resolve_url(None, value), value


def _summary(opts: Options, result: Any) -> None:
    if result.dry_run:
        if result.nothing_to_do:
            opts.echo(f"nothing to do: {result.already_applied} applied, none pending ({result.url})")
            return
        opts.echo(f"dry run: {len(result.migrations)} migration(s) would be applied to {result.url} "
                  f"(transaction: {result.transaction}):")
        for m in result.migrations:
            opts.echo(f"  {m.tag}  {_plural(m.statements, 'statement')}{_flags(m)}")
        return
    if result.nothing_to_do:
        opts.echo(f"nothing to do: {result.already_applied} migration(s) applied, none pending ({result.url})")
        return
    applied = result.applied
    total = sum(m.duration_ms or 0 for m in applied)
    opts.echo(f"done: {len(applied)} migration(s) applied in {_ms(total)} ({result.url})")


@click.command("status", epilog="""\b
Examples:
  mizzle status
  mizzle status --env production --json""")
@fleet_options
@common_options
def status_command(opts: Options) -> int:
    """Show every migration: applied, pending, modified, missing file, out of order.

    Exits 3 if an applied migration was modified or its file is missing; 0 otherwise.
    """
    from ..errors import IntegrityError
    from ..runner import migrate as runner

    cfg = opts.load_config()
    if fleet_requested(opts):
        from ..runner.fleet import status_action
        from . import fleet

        return fleet.run(opts, cfg, status_action(folder=cfg.out_dir, table=cfg.table,
                                                  tracking_schema=cfg.tracking_schema), "applied", read_only=True)
    url = opts.resolve_url(cfg)
    res = runner.status(url=url, folder=cfg.out_dir, table=cfg.table, tracking_schema=cfg.tracking_schema)
    if opts.json:
        opts.emit_json(res.to_json())
    else:
        width = max((len(s.tag) for s in res.states), default=3)
        opts.echo(f"{res.url}  ({len(res.states)} migrations)")
        if res.protection is not None and res.protection.protected:
            opts.echo(f"  {res.protection.describe()}: `mizzle push` refuses it")
        for s in res.states:
            at = s.applied_at.strftime("%Y-%m-%d %H:%M:%S%z") if hasattr(s.applied_at, "strftime") else ""
            if not at and s.state in ("applied", "modified") and s.applied_hash:
                at = "(by drizzle-orm)"
            note = f"  {s.note}" if s.note else ""
            opts.echo(f"  {s.tag:<{width}}  {s.state:<22} {at}{note}".rstrip())
        counts: dict[str, int] = {}
        for s in res.states:
            counts[s.state] = counts.get(s.state, 0) + 1
        opts.echo(", ".join(f"{n} {k}" for k, n in counts.items()) or "no migrations")
        for w in res.warnings:
            opts.echo(f"warning: {w}", err=True)
    if res.problems:
        raise IntegrityError(res.problems[0] if len(res.problems) == 1
                             else f"{len(res.problems)} integrity problems: {res.problems[0]}",
                             "\n".join(f"  - {p}" for p in res.problems[1:]) or None)
    return 0

"""Fleet flags shared by `migrate`, `status` and `drift` (--targets, --fleet, --parallel, --canary,
--continue-on-error, --shard) → mizzle.runner.fleet → progress on stderr, a summary table, or --json."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..errors import UsageError, mask_password
from ..runner import interrupt
from .app import Options

FLAGS = ("targets", "fleet", "parallel", "canary", "continue_on_error", "shard")


def fleet_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Adds the fleet flags; their values land in `opts.extra["fleet"]` (the command's signature is unchanged)."""

    def store(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
        def cb(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
            if value not in (None, False):
                ctx.ensure_object(Options).extra.setdefault("fleet", {})[name] = value
            return value
        return cb

    decorators = [
        click.option("--targets", type=click.Path(dir_okay=False), expose_value=False, callback=store("targets"),
                     metavar="FILE", help="Fleet: run on every database listed in FILE (one URL per line, "
                     "# comments)."),
        click.option("--fleet", expose_value=False, callback=store("fleet"), metavar="NAME",
                     help="Fleet: run on the databases of [fleets.NAME] in the config."),
        click.option("--parallel", type=click.IntRange(min=1), expose_value=False, callback=store("parallel"),
                     metavar="N", help="Fleet: run on N databases at a time (default 1)."),
        click.option("--canary", type=click.IntRange(min=0), expose_value=False, callback=store("canary"),
                     metavar="K", help="Fleet: run the first K databases first, alone; stop if any fails."),
        click.option("--continue-on-error", is_flag=True, expose_value=False,
                     callback=store("continue_on_error"),
                     help="Fleet: keep going after a database fails (default: start no new one)."),
        click.option("--shard", expose_value=False, callback=store("shard"), metavar="I/N",
                     help="Fleet: only the targets whose stable hash falls in shard I of N (I from 0)."),
    ]
    for d in reversed(decorators):
        f = d(f)
    return f


def fleet_requested(opts: Options) -> bool:
    """True when --targets or --fleet was given; the other fleet flags alone are a usage error."""
    given = opts.extra.get("fleet", {})
    if not given:
        return False
    if "targets" not in given and "fleet" not in given:
        flag = "--" + next(iter(given)).replace("_", "-")
        raise UsageError(f"{flag} needs --targets FILE or --fleet NAME")
    if "targets" in given and "fleet" in given:
        raise UsageError("--targets and --fleet are alternatives: give one")
    if opts.url or opts.env:
        raise UsageError("--url/--env name one database; a fleet run takes its databases from --targets/--fleet")
    return True


def fleet_targets(opts: Options, cfg: Any) -> list[str]:
    from ..runner import targets as t

    given = opts.extra["fleet"]
    urls = t.read_targets_file(given["targets"]) if "targets" in given else t.fleet_urls(cfg, given["fleet"])
    if "shard" in given:
        i, n = t.parse_shard(given["shard"])
        urls = t.select_shard(urls, i, n)
    return urls


def run(opts: Options, cfg: Any, action: Callable[[str], Any], verb: str, read_only: bool = False) -> int:
    """Run `action` over the fleet; print progress (stderr), then the summary (or the JSON report); exit with
    the worst of the targets' codes. A `read_only` action (status, drift) reports on every target: a failed or
    drifted one changes nothing, so it does not stop the others (as --continue-on-error)."""
    from ..runner.fleet import run_fleet

    given = opts.extra["fleet"]
    urls = fleet_targets(opts, cfg)
    total = len(urls)
    if not urls:
        opts.echo(f"shard {given.get('shard')}: no targets fall in this shard; nothing to do", err=True)

    def progress(r: Any, counts: dict[str, int]) -> None:
        if opts.quiet:
            return
        what = f"ok, {r.applied} {verb}" if r.ok else f"FAILED: {r.error}"
        click.echo(mask_password(f"[{counts['done']} done, {counts['failed']} failed, {counts['running']} running"
                                 f" / {total}] {r.url}: {what} ({r.duration_ms:.0f} ms)"), err=True)

    with interrupt.sigterm_as_ctrl_c():  # the running targets cancelled, the report printed
        result = run_fleet(urls, action, parallel=given.get("parallel", 1), canary=given.get("canary", 0),
                           continue_on_error=read_only or bool(given.get("continue_on_error")), progress=progress)
    if opts.json:
        opts.emit_json(result.to_json())
    else:
        _table(opts, result, verb)
    if result.stopped:
        click.echo(f"error: {result.stopped}", err=True)
    return result.exit_code


def _table(opts: Options, result: Any, verb: str) -> None:
    """One row per target; `status` (whose targets report `pending`) adds a pending column and counts the
    targets that are behind."""
    width = max((len(t.url) for t in result.targets), default=3)
    pending = any("pending" in t.extra for t in result.targets)
    extra = f" {'pending':>8}" if pending else ""
    opts.echo(f"{'target':<{width}}  {'status':<8} {verb:>8}{extra}  {'time':>9}  error")
    for t in result.targets:
        ms = "" if t.duration_ms is None else f"{t.duration_ms:.0f} ms"
        cell = f" {t.extra.get('pending', ''):>8}" if pending else ""
        opts.echo(f"{t.url:<{width}}  {t.status:<8} {t.applied:>8}{cell}  {ms:>9}  {t.error or ''}".rstrip())
    c = result.counts()
    behind = f"; {sum(1 for t in result.targets if t.extra.get('pending'))} with pending migrations" if pending else ""
    opts.echo(f"{len(result.targets)} target(s): {c['ok']} ok, {c['failed']} failed, {c['not run']} not run"
              f"{behind} in {result.duration_ms / 1000:.1f} s")


def drift_action(cfg: Any, connect_timeout: float) -> Callable[[str], Any]:
    """Read-only: `applied` counts the differences; drift fails the target with exit 3. A tenant target
    (`URL#schema=NAME`) compares that schema with the snapshots of the tenant folder (`tenant_schema`)."""
    from ..commands.drift import drift_for_config, drift_for_tenant
    from ..errors import INTEGRITY
    from ..runner.fleet import TargetOutcome
    from ..runner.targets import split_target

    def act(url: str) -> TargetOutcome:
        if split_target(url)[1] is not None:  # a tenant schema: compared with the tenant folder's snapshots
            res = drift_for_tenant(cfg, url, connect_timeout=connect_timeout)
        else:
            res = drift_for_config(cfg, url, connect_timeout=connect_timeout)
        return TargetOutcome(applied=len(res.changes), ok=not res.drifted, exit_code=INTEGRITY if res.drifted else 0,
                             error=f"drift in {len(res.changes)} place(s): {res.changes[0]}" if res.drifted else None,
                             extra={"migration": res.migration, "changes": res.changes})
    return act


__all__ = ["FLAGS", "drift_action", "fleet_options", "fleet_requested", "run"]

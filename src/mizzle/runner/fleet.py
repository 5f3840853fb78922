"""Running one action (migrate, status, drift) over a fleet of databases: bounded parallelism on threads, a
canary group first, stop on the first failure or continue, and one result per target. Each target uses its own
connection, lock and tracking table (the action does), so a rerun does only what is still pending and two runs
over overlapping targets only wait for each other's locks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from ..errors import STATEMENT_FAILED, MizzleError, mask_password
from . import interrupt

OK = "ok"
FAILED = "failed"
NOT_RUN = "not run"
INTERRUPTED = 130  # the exit code of Ctrl-C, as for one database
INTERRUPTED_ERROR = ("interrupted (Ctrl-C or SIGTERM): what it was running was cancelled (a migration in progress "
                     "is rolled back)")


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during one target's action, with the count of migrations it had applied by then."""

    def __init__(self, applied: int) -> None:
        super().__init__()
        self.applied = applied


@dataclass
class TargetOutcome:
    """What the action returns for one target: a count of migrations applied (or, for read-only actions, the
    count it reports), whether the target is fine, and extra JSON fields."""

    applied: int = 0
    ok: bool = True
    error: str | None = None
    exit_code: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class TargetResult:
    url: str  # masked
    status: str  # ok | failed | not run
    applied: int = 0
    duration_ms: float | None = None
    error: str | None = None
    exit_code: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == OK

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "ok": self.ok, "status": self.status, "applied": self.applied,
                "duration_ms": None if self.duration_ms is None else round(self.duration_ms, 3),
                "error": self.error, "exit_code": self.exit_code, **self.extra}


@dataclass
class FleetResult:
    targets: list[TargetResult]
    duration_ms: float = 0.0
    stopped: str | None = None  # why targets were left unrun, if any were
    interrupted: bool = False  # Ctrl-C (or, from the CLI, SIGTERM) stopped the run

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.targets)

    @property
    def exit_code(self) -> int:
        """The worst (highest) of the targets' exit codes; 1 if targets were left unrun for another reason."""
        if self.interrupted:
            return INTERRUPTED
        worst = max((t.exit_code for t in self.targets), default=0)
        if worst == 0 and not self.ok:
            return STATEMENT_FAILED
        return worst

    def counts(self) -> dict[str, int]:
        out = {OK: 0, FAILED: 0, NOT_RUN: 0}
        for t in self.targets:
            out[t.status] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "exit_code": self.exit_code, "duration_ms": round(self.duration_ms, 3),
                "stopped": self.stopped, "counts": self.counts(), "targets": [t.to_json() for t in self.targets]}


Progress = Callable[[TargetResult, dict[str, int]], None]


class _Runner:
    """Runs one target and records its result (thread-safe), reporting progress as it goes."""

    def __init__(self, urls: Sequence[str], action: Callable[[str], TargetOutcome], results: list[TargetResult],
                 progress: Progress | None) -> None:
        self.urls, self.action, self.results, self.progress = urls, action, results, progress
        self.lock = threading.Lock()
        self.running = 0

    def one(self, i: int) -> TargetResult:
        with self.lock:
            self.running += 1
        t0 = time.perf_counter()
        r = self._outcome(i)
        r.duration_ms = (time.perf_counter() - t0) * 1000
        with self.lock:
            self.running -= 1
            self.results[i] = r
            if self.progress is not None:
                counts = _counts(self.results)
                counts["running"] = self.running
                self.progress(r, counts)
        return r

    def _outcome(self, i: int) -> TargetResult:
        url = self.results[i].url
        try:
            out = self.action(self.urls[i])
            return TargetResult(url=url, status=OK if out.ok else FAILED, applied=out.applied,
                                error=out.error, exit_code=out.exit_code, extra=out.extra)
        except KeyboardInterrupt as e:  # Ctrl-C: on this thread, or passed on by runner.interrupt
            interrupt.request()
            return TargetResult(url=url, status=FAILED, error=INTERRUPTED_ERROR, exit_code=INTERRUPTED,
                                applied=getattr(e, "applied", 0))
        except MizzleError as e:
            return TargetResult(url=url, status=FAILED, error=mask_password(e.message),
                                exit_code=e.exit_code, applied=len(getattr(e.result, "applied", ()) or ()))
        except Exception as e:  # noqa: BLE001 - one target's unexpected error must not take down the fleet
            return TargetResult(url=url, status=FAILED, exit_code=STATEMENT_FAILED,
                                error=f"unexpected {type(e).__name__}: {mask_password(str(e)).splitlines()[0] if str(e) else ''}")


def _run_parallel(one: Callable[[int], TargetResult], queue: list[int], parallel: int,
                  continue_on_error: bool) -> None:
    """The targets of `queue`, `parallel` at a time; after a failure none starts unless `continue_on_error`
    (those left stay in `queue`). Ctrl-C, which only the main thread gets, is passed on to the running targets
    (runner.interrupt): they cancel what they run and stop, and none starts after."""
    failed = False
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="mizzle-fleet") as pool:
        active: set[Future[TargetResult]] = set()
        while queue or active:
            while queue and len(active) < parallel and not (failed and not continue_on_error) \
                    and not interrupt.requested():
                active.add(pool.submit(one, queue.pop(0)))
            if not active:
                break
            try:
                done, active = wait(active, return_when=FIRST_COMPLETED)
            except KeyboardInterrupt:
                interrupt.request()
                continue
            if any(not f.result().ok for f in done):
                failed = True


def run_fleet(urls: Sequence[str], action: Callable[[str], TargetOutcome], *, parallel: int = 1, canary: int = 0,
              continue_on_error: bool = False, progress: Progress | None = None) -> FleetResult:
    """Run `action(url)` for every target. The first `canary` targets run first, one at a time; if any of them
    fails, nothing else runs. Then the rest, `parallel` at a time; after a failure no new target starts unless
    `continue_on_error` (targets already running finish). Results keep the order of `urls`."""
    if parallel < 1:
        raise ValueError("parallel must be ≥ 1")
    started = time.perf_counter()
    interrupt.clear()
    try:
        return _run_fleet(urls, action, parallel, canary, continue_on_error, progress, started)
    finally:
        interrupt.clear()


def _run_fleet(urls: Sequence[str], action: Callable[[str], TargetOutcome], parallel: int, canary: int,
               continue_on_error: bool, progress: Progress | None, started: float) -> FleetResult:
    from .targets import display

    results = [TargetResult(url=display(u), status=NOT_RUN) for u in urls]
    one = _Runner(urls, action, results, progress).one
    fleet = FleetResult(targets=results)
    canary = max(0, min(canary, len(urls)))
    for i in range(canary):
        if not one(i).ok:
            fleet.stopped = f"canary target {i + 1} failed: the other {len(urls) - i - 1} target(s) were not run"
            return _ended(fleet, started)
    queue = list(range(canary, len(urls)))
    _run_parallel(one, queue, parallel, continue_on_error)
    if queue:
        fleet.stopped = (f"stopped after a failure: {len(queue)} target(s) were not run "
                         "(--continue-on-error runs them anyway)")
    return _ended(fleet, started)


def _ended(fleet: FleetResult, started: float) -> FleetResult:
    fleet.interrupted = interrupt.requested()
    if fleet.interrupted:
        fleet.stopped = (f"interrupted (Ctrl-C or SIGTERM): {fleet.counts()[NOT_RUN]} target(s) were not run; "
                         "rerun to finish")
    fleet.duration_ms = (time.perf_counter() - started) * 1000
    return fleet


def _counts(results: Sequence[TargetResult]) -> dict[str, int]:
    out = {"done": 0, "failed": 0}
    for t in results:
        if t.status == OK:
            out["done"] += 1
        elif t.status == FAILED:
            out["failed"] += 1
    return out


# -- the actions -------------------------------------------------------------------------------------------------

def tenant_connection(target: str, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A tenant schema target (`URL#schema=NAME`) runs on its database with `search_path` = NAME, public (so
    unqualified names land in the tenant's schema, qualified ones where they say), and keeps its tracking
    table in NAME (so each tenant has its own tracking rows and, the lock key following the tracking table,
    its own migration lock). A plain URL is returned as it is."""
    from urllib.parse import quote

    from .targets import split_target

    url, schema = split_target(target)
    if schema is None:
        return url, kwargs
    if "options=" in url:
        from ..errors import UsageError

        raise UsageError("a tenant schema target cannot also set libpq `options` in its URL")
    sep = "&" if "?" in url else "?"
    return (f"{url}{sep}options={quote(f'-csearch_path={schema},public', safe='')}",
            {**kwargs, "tracking_schema": schema})


class _Counter:
    """A migrate reporter that stops the target before its next migration once the fleet is interrupted, and
    counts the migrations applied until then."""

    def __init__(self) -> None:
        self.applied = 0

    def warn(self, message: str) -> None:
        pass

    def info(self, message: str) -> None:
        pass

    def start(self, result: Any) -> None:
        interrupt.check()

    def finish(self, result: Any) -> None:
        from .migrate import APPLIED

        self.applied += result.status == APPLIED


def migrate_action(**kwargs: Any) -> Callable[[str], TargetOutcome]:
    """`migrate(url=…, **kwargs)` for each target; its MizzleErrors become that target's failure."""
    from .migrate import migrate

    def act(target: str) -> TargetOutcome:
        url, kw = tenant_connection(target, kwargs)
        counter = _Counter()
        try:
            res = migrate(url=url, reporter=counter, **kw)
        except KeyboardInterrupt:
            raise Interrupted(counter.applied) from None
        return TargetOutcome(applied=len(res.migrations) if res.dry_run else len(res.applied),
                             extra={"already_applied": res.already_applied, "dry_run": res.dry_run,
                                    "warnings": res.warnings})
    return act


def status_action(**kwargs: Any) -> Callable[[str], TargetOutcome]:
    """Read-only: `applied` counts the applied migrations, `pending` the rest; an integrity problem fails it."""
    from ..errors import INTEGRITY
    from .migrate import status

    def act(target: str) -> TargetOutcome:
        url, kw = tenant_connection(target, kwargs)
        res = status(url=url, **kw)
        counts: dict[str, int] = {}
        for s in res.states:
            counts[s.state] = counts.get(s.state, 0) + 1
        ok = not res.problems
        return TargetOutcome(applied=counts.get("applied", 0), ok=ok, exit_code=0 if ok else INTEGRITY,
                             error=None if ok else mask_password(res.problems[0]),
                             extra={"pending": counts.get("pending", 0), "states": counts})
    return act

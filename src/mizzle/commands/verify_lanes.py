"""Speed: `verify`'s replay in two lanes, one process each, where the machine has two CPUs or more.

A verify is one long chain: apply a migration (the server works, mizzle waits), read what it changed (the server
again), compare that with the snapshot (mizzle's CPU, while the server waits) — one CPU busy at a time, whichever
side it is. Two lanes keep two busy: lane one, a forked child process, replays the folder's first migrations into
a scratch database of its own and compares each with its snapshot; lane two, this process, applies those same
migrations to the usual scratch database as `migrate` does (no step each: ~0.4 ms of server a migration on
dokploy against ~12 ms compared), then replays and compares the rest, and makes the end's comparisons (the schema
code, what mizzle does not manage). The stretch is cut where the two lanes' work is about even (the snapshots'
sizes stand for a step's work). Each lane starts its own memos (compare.py's RepeatMemo, the introspection's);
the results are the same as one lane's (test_verify_lanes.py compares them), delivered in the folder's order:
lane two's steps are held until lane one's are all in.

Not split (one lane, as before): fewer than MIN_MIGRATIONS migrations; one CPU; no `fork` (Windows; macOS has it);
a migration creates a role (roles are the cluster's: both lanes would create it, and the second would fail); a
dialect without a server to share (SQLite: `Dialect.scratch_beside` yields None).

A failure: where lane one fails (a migration of its stretch does not apply), lane two fails on the same migration
while applying it, and lane one's error is raised after its steps, as one lane would; where lane two fails in its
own stretch, lane one's steps and lane two's before the failure are delivered, then its error. Ctrl-C and SIGTERM
reach both (one process group; SIGTERM to this process alone ends the child at the block's exit), and the child's
scratch database is dropped by this process like the other.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import dialects

if TYPE_CHECKING:
    from ..migrations.folder import Migration
    from ..schema.model import Schema
    from .verify import StepResult, VerifyLane

MIN_MIGRATIONS = 24
# lane two's work, in units of an average step compared: applying one of lane one's migrations without comparing
# it, and the end's comparisons
_APPLIED_ONLY = 0.05
_END = 3.0


def in_lanes(lane: VerifyLane, scratch_url: str, deliver: Callable[[StepResult], object],
             end: Callable[[Schema, Any, list[str]], None]) -> None:
    """`lane.compare` of all the folder's migrations into `scratch_url`, in two lanes where it pays (see above)."""
    k = split_at(lane.migrations, lane.config.dialect)
    if k is None:
        lane.compare(scratch_url, lane.migrations, deliver, end)
        return
    with dialects.get(lane.config.dialect).scratch_beside(scratch_url) as beside:
        if beside is None:
            lane.compare(scratch_url, lane.migrations, deliver, end)
            return
        first = _FirstLane(partial(lane.compare, beside, lane.migrations[:k]))
        try:
            _second_lane(lane, scratch_url, lane.migrations[k:], first, deliver, end)
        finally:
            first.close()


def _second_lane(lane: VerifyLane, scratch_url: str, compared: list[Migration], first: _FirstLane,
                 deliver: Callable[[StepResult], object], end: Callable[[Schema, Any, list[str]], None]) -> None:
    held: list[StepResult] = []  # this lane's steps, until lane one's are all in

    def mine(step: StepResult) -> None:
        first.drain(deliver)
        if first.done and first.error is None:
            _flush(held, deliver)
            deliver(step)
        else:
            held.append(step)

    try:
        lane.compare(scratch_url, compared, mine, end)
    except KeyboardInterrupt:
        raise
    except BaseException:
        first.drain(deliver, wait=True)
        if first.error is not None:
            raise first.error from None  # lane one failed first: this lane failed on the same migration
        _flush(held, deliver)
        raise
    first.drain(deliver, wait=True)
    if first.error is not None:
        raise first.error from None
    _flush(held, deliver)


def _flush(held: list[StepResult], deliver: Callable[[StepResult], object]) -> None:
    for s in held:
        deliver(s)
    held.clear()


def split_at(migrations: list[Migration], dialect: str) -> int | None:
    """How many of `migrations` lane one compares (None: one lane; see the module's docstring)."""
    import multiprocessing

    if len(migrations) < MIN_MIGRATIONS or (os.cpu_count() or 1) < 2 \
            or "fork" not in multiprocessing.get_all_start_methods() \
            or dialects.get(dialect).roles_created(m.text for m in migrations):
        return None
    sizes = [_size(m) for m in migrations]
    mean = sum(s for s in sizes if s is not None) / max(1, sum(1 for s in sizes if s is not None)) or 1.0
    weights = [1.0 + (mean if s is None else s) / mean for s in sizes]
    total, best, best_k = sum(weights), float("inf"), None
    done = 0.0
    for k in range(1, len(migrations)):
        done += weights[k - 1]
        longest = max(done, _APPLIED_ONLY * 2 * k + (total - done) + 2 * _END)
        if longest < best:
            best, best_k = longest, k
    return best_k


def _size(m: Migration) -> int | None:
    try:
        return m.snapshot_path.stat().st_size if m.snapshot_path is not None else None
    except OSError:
        return None


class _FirstLane:
    """Lane one: `job(deliver)` run in a forked child process; its steps and its end (done, or an error) come
    back through a pipe, in order."""

    def __init__(self, job: Callable[[Callable[[StepResult], None]], None]) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self.recv, send = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_child, args=(job, send), name="mizzle-verify-lane", daemon=True)
        self.proc.start()
        send.close()
        self.done = False
        self.error: BaseException | None = None

    def drain(self, deliver: Callable[[StepResult], object], wait: bool = False) -> None:
        """Deliver the steps come in so far (`wait`: all of them, until the lane ends)."""
        while not self.done and (wait or self.recv.poll()):
            try:
                kind, payload = self.recv.recv()
            except EOFError:
                self.proc.join(5)
                self.done, self.error = True, RuntimeError(
                    f"verify's first lane (a child process) ended without its results (exit code {self.proc.exitcode})")
                return
            if kind == "step":
                deliver(payload)
            else:
                self.done, self.error = True, _rebuilt(payload) if kind == "error" else None

    def close(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(5)
            if self.proc.is_alive():
                self.proc.kill()
        self.proc.join()
        self.recv.close()


def _child(job: Callable[[Callable[[StepResult], None]], None], send: Any) -> None:
    try:
        job(lambda step: send.send(("step", step)))
        send.send(("done", None))
    except BaseException as e:  # noqa: BLE001 - every end is reported to lane two
        send.send(("error", (type(e), getattr(e, "message", None), getattr(e, "details", None),
                             traceback.format_exc())))


def _rebuilt(payload: tuple[type[BaseException], str | None, str | None, str]) -> BaseException:
    """Lane one's error as this process raises it: mizzle's own errors as they were, anything else a RuntimeError
    carrying the child's traceback."""
    from ..errors import MizzleError

    cls, message, details, tb = payload
    if issubclass(cls, MizzleError) and message is not None:
        return cls(message, details)
    if issubclass(cls, KeyboardInterrupt):
        return KeyboardInterrupt()
    return RuntimeError(f"verify's first lane failed:\n{tb}")

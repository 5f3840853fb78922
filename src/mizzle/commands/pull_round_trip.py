"""pull's round-trip check: the schema module pull wrote, read back, must give the model of the snapshot it wrote
(else `generate` right after would see changes); one warning per difference.

The module is first read without SQLAlchemy (the dialect's `same_pulled_module`); only when that reading is not
the same model is it loaded through SQLAlchemy, whose reading gives the warnings.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import dialects
from ..errors import UsageError

if TYPE_CHECKING:
    from ..config import Config
    from ..schema.model import Schema

# Set by the `mizzle pull` command (cli/pull.py): its process ends with the command, so the fast reading may run
# in a forked child (see RoundTrip). A library call checks in its own process, as before.
fork_in_command = False


def round_trip_warnings(config: Config, module: Path, text: str, snapshot: dict[str, Any],
                        sidecar: dict[str, Any]) -> list[str]:
    """What the written module (`text`, at `module`) fails to say about the snapshot: one warning per difference."""
    expected = _expected(snapshot, sidecar)
    if dialects.get(config.dialect).same_pulled_module(text, expected):
        return []
    return _loaded_warnings(config, module, expected)


def _expected(snapshot: dict[str, Any], sidecar: dict[str, Any]) -> Schema:
    from ..migrations.snapshots import schema_from_snapshot

    return schema_from_snapshot(snapshot, {"snapshots": {snapshot["id"]: sidecar}})


def _loaded_warnings(config: Config, module: Path, expected: Schema) -> list[str]:
    """The module loaded through SQLAlchemy, compared with `expected`."""
    from ..schema.diff import Renames, diff
    from ..sources.sqlalchemy import load_schema

    for mod in [m for m, v in sys.modules.items() if getattr(v, "__file__", None) == str(module)]:
        del sys.modules[mod]
    try:
        code, _ = load_schema((str(module),), config.root, dialect=config.dialect, schema_filter=config.schema_filter,
                              naming=config.naming)
    except UsageError as e:
        return [f"the written module does not load: {e.message}"]
    return [f"the schema module cannot express this yet, edit it by hand: {c.describe()}"
            for c in diff(expected, code, Renames(none=True))]


# -- speed: the fast reading beside the baseline's writing ---------------------------------------------------------
# The check's fast reading (the snapshot read back, the module read without SQLAlchemy, the two compared) and the
# baseline's diff, plan and files need each other's nothing, and are each about a fifth of a 1,000-table pull's
# CPU: in the `mizzle pull` command the reading runs in a forked child, on the second CPU, and answers one byte
# (the same model, or not). Anything else — no fork on the platform, another thread alive (forking one is
# unsafe), one CPU only, the child failing or dying — and the parent runs the whole check itself, as a library
# call does; a "not the same" answer sends it straight to the SQLAlchemy reading. The check decides exactly as
# before. The cost: ~0.04 s more CPU (the pages both processes touch are copied), so it pays only where a second
# CPU is free.
_SAME, _DIFFERENT = b"1", b"0"


class RoundTrip:
    """The round-trip check of one pull, started before the baseline is written and asked after."""

    def __init__(self, config: Config, module: Path, text: str, snapshot: dict[str, Any],
                 sidecar: dict[str, Any]) -> None:
        self.args = (config, module, text, snapshot, sidecar)
        self.child: tuple[int, int] | None = None  # (pid, read end of the pipe)
        if fork_in_command and hasattr(os, "fork") and threading.active_count() == 1 and _cpus() > 1:
            self.child = _fork_reading(config.dialect, text, snapshot, sidecar)

    def warnings(self) -> list[str]:
        answer = _answer(*self.child) if self.child is not None else None
        self.child = None
        if answer == _SAME:
            return []
        if answer == _DIFFERENT:
            config, module, _, snapshot, sidecar = self.args
            return _loaded_warnings(config, module, _expected(snapshot, sidecar))
        return round_trip_warnings(*self.args)

    def close(self) -> None:
        """Reap a child whose answer was never asked for (the pull failed on the way)."""
        if self.child is not None:
            _answer(*self.child)
            self.child = None


def _cpus() -> int:
    """The CPUs this process may run on (a second one is what the fork buys)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _fork_reading(dialect: str, text: str, snapshot: dict[str, Any], sidecar: dict[str, Any]) -> tuple[int, int] | None:
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid:
        os.close(write_end)
        return pid, read_end
    try:  # the child: answer, and end without the parent's exit handlers or buffers
        os.close(read_end)
        same = dialects.get(dialect).same_pulled_module(text, _expected(snapshot, sidecar))
        os.write(write_end, _SAME if same else _DIFFERENT)
    finally:
        os._exit(0)


def _answer(pid: int, read_end: int) -> bytes | None:
    """The child's byte (None: it died without one), the child reaped."""
    try:
        with os.fdopen(read_end, "rb") as r:
            answer = r.read(1)
    finally:
        os.waitpid(pid, 0)
    return answer if answer in (_SAME, _DIFFERENT) else None

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
    from ..sources.loader import module_file
    from ..sources.sqlalchemy import load_schema

    for mod in [m for m, v in sys.modules.items() if module_file(v) == str(module)]:
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
# (the same model, or not). The child is forked as soon as the snapshot exists and reads it back while the parent
# writes the module (~0.05 s of a 1,000-table pull no longer waited for); told the module is written (one byte on
# a second pipe), it reads the file, and without that byte (the writing failed) it ends without an answer.
# Anything else — no fork on the platform, another thread alive (forking one is
# unsafe), one CPU only, the child failing or dying — and the parent runs the whole check itself, as a library
# call does; a "not the same" answer sends it straight to the SQLAlchemy reading. The check decides exactly as
# before. The cost: ~0.04 s more CPU (the pages both processes touch are copied), so it pays only where a second
# CPU is free.
_SAME, _DIFFERENT = b"1", b"0"


class RoundTrip:
    """The round-trip check of one pull, started before the baseline is written and asked after."""

    def __init__(self, config: Config, module: Path, snapshot: dict[str, Any], sidecar: dict[str, Any]) -> None:
        self.config, self.module, self.snapshot, self.sidecar = config, module, snapshot, sidecar
        self.text: str | None = None
        self.child: tuple[int, int] | None = None  # (pid, read end of the answer's pipe)
        self.go: int | None = None  # the write end of the child's "go" pipe, until told
        if may_fork():
            forked = _fork_reading(config.dialect, module, snapshot, sidecar)
            if forked is not None:
                self.child, self.go = forked[:2], forked[2]

    @property
    def pipes(self) -> tuple[int, ...]:
        """The parent's ends of the child's pipes (another child forked later must close them)."""
        return tuple(fd for fd in (self.go, self.child[1] if self.child else None) if fd is not None)

    def written(self, text: str) -> None:
        """The module is written (`text`, at `module`): the child may read it."""
        self.text = text
        self._tell(b"1")

    def _tell(self, byte: bytes) -> None:
        """One byte to the child (b"": none, an end of file: it reads no module), once."""
        if self.go is None:
            return
        fd, self.go = self.go, None
        try:
            if byte:
                os.write(fd, byte)
        except OSError:  # the child is gone: its answer is missing, and the parent checks itself
            pass
        finally:
            os.close(fd)

    def warnings(self) -> list[str]:
        assert self.text is not None, "the module is not written"
        self._tell(b"")
        answer = _answer(*self.child) if self.child is not None else None
        self.child = None
        if answer == _SAME:
            return []
        if answer == _DIFFERENT:
            return _loaded_warnings(self.config, self.module, _expected(self.snapshot, self.sidecar))
        return round_trip_warnings(self.config, self.module, self.text, self.snapshot, self.sidecar)

    def close(self) -> None:
        """Reap a child whose answer was never asked for (the pull failed on the way: it reads no module)."""
        self._tell(b"")
        if self.child is not None:
            _answer(*self.child)
            self.child = None


def may_fork() -> bool:
    """Whether a speed trick may fork a child now: in the `mizzle pull` command, where the platform can, with no
    other thread alive, and a second CPU to run it on."""
    return fork_in_command and hasattr(os, "fork") and threading.active_count() == 1 and _cpus() > 1


def _cpus() -> int:
    """The CPUs this process may run on (a second one is what the fork buys)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fork_with_pipes(count: int) -> tuple[int, list[tuple[int, int]]] | None:
    """`count` pipes (read end, write end) made, the standard streams flushed, and the process forked: the pid (0 in
    the child) and the pipes, both ends open in both processes; None when the fork fails (the pipes closed)."""
    pipes = [os.pipe() for _ in range(count)]
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        return os.fork(), pipes
    except OSError:
        for fd in (fd for pipe in pipes for fd in pipe):
            os.close(fd)
        return None


def _fork_reading(dialect: str, module: Path, snapshot: dict[str, Any],
                  sidecar: dict[str, Any]) -> tuple[int, int, int] | None:
    forked = fork_with_pipes(2)
    if forked is None:
        return None
    pid, [(read_end, write_end), (go_read, go_write)] = forked
    if pid:
        os.close(write_end)
        os.close(go_read)
        return pid, read_end, go_write
    try:  # the child: answer, and end without the parent's exit handlers or buffers
        os.close(read_end)
        os.close(go_write)
        expected = _expected(snapshot, sidecar)
        if os.read(go_read, 1) == b"1":  # the module is written
            same = dialects.get(dialect).same_pulled_module(module.read_text(encoding="utf-8"), expected)
            os.write(write_end, _SAME if same else _DIFFERENT)
    finally:
        os._exit(0)


def _answer(pid: int, read_end: int) -> bytes | None:
    """The child's byte (None: it died without one, or was never told the module is written), the child reaped."""
    try:
        with os.fdopen(read_end, "rb") as r:
            answer = r.read(1)
    finally:
        os.waitpid(pid, 0)
    return answer if answer in (_SAME, _DIFFERENT) else None

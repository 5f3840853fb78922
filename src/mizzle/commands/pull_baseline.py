"""pull's baseline migration: its SQL (the model's diff from an empty database, planned and rendered) and its
snapshot's JSON text.

-- speed: the baseline's text beside the module's writing -------------------------------------------------------
The baseline's SQL and snapshot text and the schema module's text need each other's nothing, and on a 1,000-table
pull the first (the diff, the ordering, the rendering, the 3 MB of JSON) is about as much CPU as the second. In the
`mizzle pull` command (`pull_round_trip.fork_in_command`) the texts are computed in a forked child, on the second
CPU, while the parent writes the module; the child sends them back through a pipe, length first. Anything else —
no fork, another thread alive (forking one is unsafe), one CPU only, the child failing or dying — and the parent
computes them itself, as a library call does, so that the texts and any error are the same as without the trick.
What it buys: see docs/development.md (issue 18's pull row).
"""

from __future__ import annotations

import os
import pickle
import struct
from typing import Any

# imported with this module, by pull while the server reads the catalogue (pull_reading.py), not in the child
from ..migrations.folder import dump_json
from ..planning.plan import plan, render_file
from ..schema.diff import Renames, diff
from ..schema.diff_objects import bodies_unchecked
from ..schema.model import Schema, make_schema

_LENGTH = struct.Struct("<Q")


def baseline_sql(model: Schema, dialect: str) -> str:
    """The SQL that builds `model` in an empty database."""
    return render_file(plan(bodies_unchecked(diff(make_schema(dialect), model, Renames(none=True)).changes), dialect))


def _texts(model: Schema, dialect: str, snapshot: dict[str, Any] | None) -> tuple[str, str | None]:
    return baseline_sql(model, dialect), dump_json(snapshot) if snapshot is not None else None


class BaselineTexts:
    """The baseline's SQL and (`snapshot` given: the folder stores it as is) its snapshot's JSON text, started now
    and asked with `get()`. `close_in_child`: file descriptors the child must not hold (another child's pipes:
    holding one would keep that pipe from ending)."""

    def __init__(self, model: Schema, dialect: str, snapshot: dict[str, Any] | None, *, fork: bool,
                 close_in_child: tuple[int, ...] = ()) -> None:
        self.args = model, dialect, snapshot
        self.child: tuple[int, int] | None = _fork(self.args, close_in_child) if fork else None

    def get(self) -> tuple[str, str | None]:
        child, self.child = self.child, None
        got = _receive(*child) if child is not None else None
        return got if got is not None else _texts(*self.args)

    def close(self) -> None:
        """Reap a child whose texts were never asked for (the pull failed on the way)."""
        if self.child is not None:
            pid, read_end = self.child
            self.child = None
            os.close(read_end)
            os.waitpid(pid, 0)


def _fork(args: tuple[Schema, str, dict[str, Any] | None], close: tuple[int, ...]) -> tuple[int, int] | None:
    from .pull_round_trip import fork_with_pipes

    forked = fork_with_pipes(1)
    if forked is None:
        return None
    pid, [(read_end, write_end)] = forked
    if pid:
        os.close(write_end)
        return pid, read_end
    try:  # the child: send the texts, and end without the parent's exit handlers or buffers
        os.close(read_end)
        for fd in close:
            os.close(fd)
        data = pickle.dumps(_texts(*args), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as w:
            w.write(_LENGTH.pack(len(data)))
            w.write(data)
    finally:
        os._exit(0)


def _receive(pid: int, read_end: int) -> tuple[str, str | None] | None:
    """The child's texts (None: it failed or died before sending them all), the child reaped."""
    try:
        with os.fdopen(read_end, "rb") as r:
            head = r.read(_LENGTH.size)
            data = r.read(_LENGTH.unpack(head)[0]) if len(head) == _LENGTH.size else b""
    finally:
        os.waitpid(pid, 0)
    if len(head) != _LENGTH.size or len(data) != _LENGTH.unpack(head)[0]:
        return None
    sql, snap = pickle.loads(data)
    return sql, snap

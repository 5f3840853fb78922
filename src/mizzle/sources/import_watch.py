"""What a schema import reads besides Python modules, for the model cache (sources/cache.py), which must see every
input of the model: the files the import opens for reading (a YAML of table definitions, a `.env` a settings
object loads), the directories it lists (a glob of model files) and the environment variables it reads
(`os.getenv("DB_SCHEMA")`; a settings object reading the whole environment). Not the folders the import system
lists to find modules: a module found is compared by its file; a new one that would now shadow it is not seen.

How it sees them — only observing, the import runs as it would:
- an audit hook (`sys.addaudithook`; the interpreter's "open", "os.listdir" and "os.scandir" events), added once for
  the process (an audit hook cannot be removed) and returning at once outside a watch;
- during the watch, `os.environ` is a mapping that records the names read (all of them once it is iterated or
  copied) and passes every read and write through to the real one (`os.getenv` reads `os.environ`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Watched:
    """What one import read: paths as given (relative ones to `cwd`), environment variable names."""

    cwd: str
    files: set[str] = field(default_factory=set)
    dirs: set[str] = field(default_factory=set)
    env: set[str] = field(default_factory=set)
    env_all: bool = False  # the environment was iterated or copied: every variable counts
    # the environment as the import found it (what a later process starts with: the import may set variables)
    environ: dict[str, str] = field(default_factory=dict)

    def path(self, p: str) -> str:
        return os.path.normpath(os.path.join(self.cwd, p))


_current: Watched | None = None
_hooked = False
_WRITES = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def _hook(event: str, args: tuple[Any, ...]) -> None:
    w = _current
    if w is None or event not in ("open", "os.listdir", "os.scandir"):
        return
    path = args[0] if args else None
    if event != "open":
        try:
            caller = sys._getframe(1).f_code.co_filename
        except ValueError:  # called from C with no Python frame above: not the import system's finder
            caller = ""
        if caller.startswith("<frozen importlib"):
            return  # the import system finding modules: their files are compared, not the folders they were found in
        if path is None:
            w.dirs.add(".")
        elif isinstance(path, (str, bytes)):
            w.dirs.add(os.fsdecode(path))
        return
    if not isinstance(path, (str, bytes)):  # a file descriptor, or a path-like already turned into a str by open
        return
    mode, flags = (args[1] if len(args) > 1 else None), (args[2] if len(args) > 2 else 0)
    if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (mode is None and isinstance(flags, int)
                                                                      and flags & _WRITES):
        return  # written, not read (a log file, a .pyc)
    w.files.add(os.fsdecode(path))


class _RecordingEnviron(MutableMapping[str, str]):
    """`os.environ` during a watch: every read recorded in `w`, everything passed to the real mapping."""

    def __init__(self, real: MutableMapping[str, str], w: Watched) -> None:
        self._real, self._w = real, w

    def __getitem__(self, key: str) -> str:
        if isinstance(key, str):
            self._w.env.add(key)
        return self._real[key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._w.env.add(key)
        return key in self._real

    def __setitem__(self, key: str, value: str) -> None:
        self._real[key] = value

    def __delitem__(self, key: str) -> None:
        del self._real[key]

    def __iter__(self) -> Iterator[str]:
        self._w.env_all = True
        return iter(self._real)

    def __len__(self) -> int:
        self._w.env_all = True
        return len(self._real)

    def copy(self) -> dict[str, str]:
        self._w.env_all = True
        return dict(self._real)


@contextmanager
def watch() -> Iterator[Watched]:
    """Record what the code run inside reads; not reentrant (a watch inside a watch records into the outer)."""
    global _current, _hooked
    if _current is not None:
        yield _current
        return
    if not _hooked:
        sys.addaudithook(_hook)
        _hooked = True
    real = os.environ
    w = Watched(os.getcwd(), environ=dict(real))
    os.environ = _RecordingEnviron(real, w)  # type: ignore[assignment]  # noqa: B003 - swapped, not cleared
    _current = w
    try:
        yield w
    finally:
        _current = None
        os.environ = real  # noqa: B003 - the real mapping back

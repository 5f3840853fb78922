"""Speed trick: the code `dataclasses` compiles for every dataclass's methods, kept between runs of the `mizzle`
command, as Python keeps a module's bytecode.

What it buys: `@dataclass` writes each generated method (`__init__`, `__eq__`, `__hash__`, `__repr__`, a frozen
class's `__setattr__`, …) as source text and compiles it with `exec` when the class is defined. The modules `pull`
and `verify` import hold ~110 dataclasses, ~600 such methods: compiling them was ~60% of those imports' CPU
(measured in docs/development.md, issue 18). Compiled once and loaded from one file, they cost almost nothing.

How: the `dataclasses` module calls the builtin `exec` on the text; a module global named `exec` there is looked up
first, so `install()` puts one there that compiles through a dict of code objects keyed by the exact text (compiled
as `exec` itself compiles it: no inherited `__future__` flags, the interpreter's optimization level). The same text
gives the same code, run with the same globals and locals: the classes are what they were. The codes are read from
`__pycache__/dataclass_code.<cache tag>.marshal` beside this package's modules (with the bytecode's magic number:
another interpreter's file is ignored) and, when a run compiled anything new, written back at exit (atomically; not
when Python is told not to write bytecode, nor where the folder is read-only). A missing, unreadable or foreign file
is an empty cache. Only the command installs it, never `import mizzle`: a library user's
`dataclasses` is left as it is.
"""

from __future__ import annotations

import builtins
import marshal
import os
import sys
from contextlib import suppress
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType
from typing import Any

_MAX_BYTES = 4 << 20  # a cache grown past this (texts of many mizzle versions) starts again


class _CodeCache:
    """The texts' code objects, kept by the module whose class they are for (the `__name__` of the globals `exec` is
    given): a command unmarshals only the modules it defines dataclasses in."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stored: dict[str, bytes] | None = None  # each module's marshalled texts and codes, read on first use
        self.codes: dict[str, dict[str, Any]] = {}  # each module's, unmarshalled when its first class is made
        self.loaded = 0  # how many texts this run found in the file
        self.learnt: set[str] = set()  # the modules this run compiled a text for

    def _load(self) -> dict[str, bytes]:
        try:
            data = self.path.read_bytes()
            magic, stored = marshal.loads(data) if len(data) <= _MAX_BYTES else (None, None)
        except (OSError, EOFError, ValueError, TypeError):  # missing, unreadable, another format
            return {}
        return stored if magic == MAGIC_NUMBER and isinstance(stored, dict) else {}

    def _module(self, name: str) -> dict[str, Any]:
        if self.stored is None:
            self.stored = self._load()
        if name not in self.codes:
            try:
                codes = marshal.loads(self.stored.get(name, b"\x00"))
            except (EOFError, ValueError, TypeError):
                codes = None
            self.codes[name] = codes if isinstance(codes, dict) else {}
        return self.codes[name]

    def exec(self, source: Any, globals_: Any = None, locals_: Any = None, /) -> None:
        if not isinstance(source, str):
            builtins.exec(source, globals_, locals_)
            return
        module = str(globals_.get("__name__", "")) if isinstance(globals_, dict) else ""
        codes = self._module(module)
        code = codes.get(source)
        if type(code) is CodeType:
            self.loaded += 1
        else:
            code = codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
            self.learnt.add(module)
        builtins.exec(code, globals_, locals_)

    def save(self) -> None:
        if not self.learnt or self.stored is None or sys.dont_write_bytecode:
            return
        stored = {**self.stored, **{m: marshal.dumps(self.codes[m]) for m in self.learnt}}
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(exist_ok=True)
            tmp.write_bytes(marshal.dumps((MAGIC_NUMBER, stored)))
            os.replace(tmp, self.path)
        except OSError:  # a read-only install: compiled each run, as without the cache
            with suppress(OSError):
                tmp.unlink()


def install(path: Path | None = None) -> None:
    """Route `dataclasses`' compiling through the cache (once), the cache written back at exit. `path`: the cache's
    file (tests); by default in this package's `__pycache__`."""
    import atexit
    import dataclasses

    if isinstance(getattr(getattr(dataclasses, "exec", None), "__self__", None), _CodeCache):
        return
    tag = sys.implementation.cache_tag
    if tag is None:  # an interpreter without bytecode caching
        return
    cache = _CodeCache(path or Path(__file__).resolve().parent.parent / "__pycache__" / f"dataclass_code.{tag}.marshal")
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]
    atexit.register(cache.save)

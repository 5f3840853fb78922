"""Pausing Python's cyclic garbage collector around work that builds many long-lived objects.

mizzle's big steps (importing the schema, building models, changes and statements, linting parse trees) make
objects that all stay alive until the step ends and are then freed by reference counting. The collector's
passes, triggered by their sheer number, only walk them again and again without finding anything to free.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Set by the `mizzle` command (cli.main), whose process ends with the command: see
# sources/loader.py's import_schema_modules. Kept here, not in the loader, so that setting it does not import
# the loader (and glob, importlib.util) on every command: `mizzle migrate` with nothing to do starts faster.
freeze_imported_objects = False


@contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector off for the block (or the decorated call), then switched back on as it was: nested
    pauses, and a caller that runs with the collector off, are left alone."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()

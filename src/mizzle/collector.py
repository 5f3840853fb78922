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
def paused(*, freeze_after: bool = False) -> Iterator[None]:
    """The cyclic collector off for the block (or the decorated call), then switched back on as it was: nested
    pauses, and a caller that runs with the collector off, are left alone. With `freeze_after`, in the `mizzle`
    command's process (freeze_imported_objects set), what is alive at the end of the block is frozen before the
    collector comes back on: the first collection after the pause would otherwise walk every object the block
    built (a twentieth of a 1,000-table pull), though the process ends with the command."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if freeze_after and freeze_imported_objects:
            gc.freeze()
        gc.enable()

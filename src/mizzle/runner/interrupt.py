"""Ctrl-C for work running on other threads (a fleet's targets). Python delivers the signal to the main thread
only, so the fleet sets this flag when it gets it, and the work on the other threads stops at its next check:
before each migration, and while waiting for the server (the PostgreSQL backend then cancels the statement in
progress, as Ctrl-C does on the main thread)."""

from __future__ import annotations

import threading

_requested = threading.Event()


def request() -> None:
    _requested.set()


def clear() -> None:
    _requested.clear()


def requested() -> bool:
    return _requested.is_set()


def check() -> None:
    """Raise KeyboardInterrupt here if an interruption was requested."""
    if _requested.is_set():
        raise KeyboardInterrupt

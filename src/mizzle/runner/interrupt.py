"""Ctrl-C for work running on other threads (a fleet's targets). Python delivers the signal to the main thread
only, so the fleet sets this flag when it gets it, and the work on the other threads stops at its next check:
before each migration, and while waiting for the server (the PostgreSQL backend then cancels the statement in
progress, as Ctrl-C does on the main thread)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

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


@contextlib.contextmanager
def sigterm_as_ctrl_c() -> Iterator[None]:
    """SIGTERM (a cancelled deploy, an evicted pod, `docker stop`) raised as Ctrl-C's KeyboardInterrupt for the
    `with` block, on the main thread: the statement in progress is cancelled on the server and its migration
    rolled back, as Ctrl-C does (`mizzle migrate`, a fleet). Killed at once instead, the process would leave the
    server running the statement, its locks held, for as long as it takes. Elsewhere than the main thread, or
    where there is no SIGTERM: nothing."""
    import signal

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def interrupted(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

"""Subprocess helpers for tests that interrupt the real command."""

from __future__ import annotations

import signal


def sigint_default() -> None:
    """preexec_fn: give the child SIGINT's default disposition, as a terminal would. A job started in the
    background by a non-interactive shell (CI runners often are) inherits SIGINT *ignored*, and Python then
    never installs its KeyboardInterrupt handler, so a test's Ctrl-C would do nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)

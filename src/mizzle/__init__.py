"""mizzle: schema-as-code migrations for Python (SQLAlchemy in, drizzle-kit-compatible SQL out).

The Python API (mizzle.api) mirrors the commands; heavy modules are imported only when a function is called.
"""

from __future__ import annotations

from .api import baseline, drift, drop, generate, mark, migrate, protect, push, rebase, up, verify
from .version import __version__

__all__ = ["__version__", "baseline", "drift", "drop", "generate", "mark", "migrate", "protect", "push", "rebase", "up",
           "verify"]

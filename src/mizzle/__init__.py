"""mizzle: schema-as-code migrations for Python (SQLAlchemy in, drizzle-kit-compatible SQL out).

The Python API (mizzle.api) mirrors the commands; heavy modules are imported only when a function is called.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import baseline, drift, drop, generate, mark, migrate, protect, push, rebase, up, verify  # noqa: E402

__all__ = ["__version__", "baseline", "drift", "drop", "generate", "mark", "migrate", "protect", "push", "rebase", "up",
           "verify"]

"""mizzle: schema-as-code migrations for Python (SQLAlchemy in, drizzle-kit-compatible SQL out).

The Python API (mizzle.api) mirrors the commands; heavy modules are imported only when a function is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .api import baseline, drift, drop, generate, mark, migrate, protect, push, rebase, up, verify

__all__ = ["__version__", "baseline", "drift", "drop", "generate", "mark", "migrate", "protect", "push", "rebase", "up",
           "verify"]


def __getattr__(name: str) -> Any:
    """The API functions (mizzle.api), imported on first use: `mizzle migrate` with nothing to do never needs
    them (the CLI imports mizzle.cli, which imports this package first)."""
    if name in __all__ or name == "api":
        from importlib import import_module

        api = import_module(".api", __name__)  # not `from . import api`: that asks this function for `api` again
        return api if name == "api" else getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""mizzle: schema-as-code migrations for Python (SQLAlchemy in, drizzle-kit-compatible SQL out).

The Python API mirrors the commands; heavy modules are imported only when a function is called.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def migrate(**kwargs: Any) -> Any:
    """Apply pending migrations. See `mizzle.runner.migrate`."""
    from .runner import migrate as _migrate

    return _migrate(**kwargs)


def generate(**kwargs: Any) -> Any:
    """Generate a migration from the schema code. See `mizzle.generate.generate`."""
    from .generate import generate as _generate

    return _generate(**kwargs)

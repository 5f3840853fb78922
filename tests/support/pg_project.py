"""A throwaway PostgreSQL project on disk: mizzle.toml + app/schema.py, and its config loaded fresh."""

from __future__ import annotations

import sys
from pathlib import Path

from mizzle.config import load_config


def write_project(root: Path, source: str) -> None:
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    (root / "app" / "schema.py").write_text(source)


def fresh_config(root: Path):  # type: ignore[no-untyped-def]
    for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[mod]
    return load_config(root / "mizzle.toml")

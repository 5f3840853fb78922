"""Helpers for the SQLite tests: a throwaway mizzle project, the model oracle, running SQL files."""

from __future__ import annotations

import sqlite3
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

from mizzle.config import Config, load_config
from mizzle.dialects.sqlite.introspect import introspect
from mizzle.schema.diff import Renames, diff
from mizzle.schema.model import Schema, make_schema
from mizzle.schema.naming import fk_name


def write_project(root: Path, source: str, module: str = "sqlite_app") -> Config:
    """A project whose schema is one module; imported afresh for every step."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "mizzle.toml").write_text(
        f'dialect = "sqlite"\nschema = ["{module}/schema.py"]\nout = "migrations"\n', encoding="utf-8")
    (root / module).mkdir(exist_ok=True)
    (root / module / "__init__.py").write_text("", encoding="utf-8")
    (root / module / "schema.py").write_text(textwrap.dedent(source), encoding="utf-8")
    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        del sys.modules[name]
    return load_config(root / "mizzle.toml")


def create_all_file(path: Path, source: str) -> str:
    """The SQLite file `path` made by SQLAlchemy's create_all from `source`, a module text defining `metadata`;
    its URL."""
    import sqlalchemy as sa

    namespace: dict[str, object] = {}
    exec(source, namespace)  # noqa: S102 - the test's own module text
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    try:
        namespace["metadata"].create_all(engine)  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    return url


def comparable(s: Schema) -> Schema:
    """SQLite stores no names for foreign keys: compare them under drizzle-kit's default names."""
    tables = [replace(t, foreign_keys=tuple(replace(f, name=fk_name(t.name, f.columns, f.ref_table, f.ref_columns, cut=False))
                                            for f in t.foreign_keys)) for t in s.tables]
    return make_schema("sqlite", tables=tables)


def model_diff(a: Schema, b: Schema) -> list[str]:
    """What differs between two models (empty when they describe the same database)."""
    return [c.describe() for c in diff(comparable(a), comparable(b), Renames(none=True))]


def db_model(path: Path) -> Schema:
    conn = sqlite3.connect(path)
    try:
        return introspect(conn)
    finally:
        conn.close()


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def execute(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for s in statements:
            conn.execute(s)
    finally:
        conn.close()

"""The SQLAlchemy oracle: `metadata.create_all()` into one database, `mizzle generate` + `migrate` into another;
pg_dump of both must be equal, and afterwards drift and `generate --check` must find nothing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pg_project import fresh_config, write_project
from pgtools import schema_dump, temp_database

import mizzle
from mizzle.commands.drift import drift_for_config
from mizzle.commands.generate import generate
from mizzle.commands.pull import pull
from mizzle.config import load_config


def _load_module(path: Path) -> Any:
    name = f"_sa_oracle_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    finally:
        del sys.modules[name]
    return mod


def create_all_dump(url: str, metadata: sa.MetaData) -> str:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            for schema in sorted({t.schema for t in metadata.tables.values() if t.schema}):
                conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        metadata.create_all(engine)
    finally:
        engine.dispose()
    return schema_dump(url)


def _diff(expected: str, got: str, a: str, b: str) -> str:
    import difflib

    return "\n".join(difflib.unified_diff(expected.splitlines(), got.splitlines(), a, b, lineterm="", n=1))


def assert_pull_round_trip(tmp_path: Path, url: str) -> str:
    """`mizzle pull` from the database at `url` into a fresh project (the sa_harness's check 5): the pulled
    baseline migrated into an empty database dumps like `url`, and `generate --check` with the pulled module
    finds nothing. Returns the pulled module's text."""
    project = tmp_path / "pulled"
    project.mkdir(parents=True, exist_ok=True)
    (project / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["pulled_schema.py"]\nout = "migrations"\n'
                                         'naming = "postgresql"\n')
    result = pull(load_config(project / "mizzle.toml"), url, mark=False)
    module = result.schema_path.read_text()
    expected = schema_dump(url)
    with temp_database("mzpl") as fresh:
        mizzle.migrate(url=fresh, folder=project / "migrations")
        got = schema_dump(fresh)
    if got != expected:
        raise AssertionError(f"pulled baseline dumps otherwise:\n{_diff(expected, got, 'source', 'pulled')}\n"
                             f"pulled module:\n{module}")
    for name in [n for n, m in sys.modules.items() if getattr(m, "__file__", None) == str(result.schema_path)]:
        del sys.modules[name]
    again = generate(load_config(project / "mizzle.toml"), check=True)
    assert not again.changes, f"generate --check with the pulled module: {again.changes}\n{module}"
    return module


def assert_same_as_create_all(tmp_path: Path, source: str, extra_config: str = 'naming = "postgresql"\n',
                              pull_back: bool = False) -> str:
    """Run the oracle on `source` (a module defining `md`); returns the generated SQL. With `pull_back`, the
    create_all database is also pulled and round-tripped (assert_pull_round_trip)."""
    write_project(tmp_path, source)
    if extra_config:
        toml = tmp_path / "mizzle.toml"
        toml.write_text(toml.read_text() + extra_config)
    mod = _load_module(tmp_path / "app" / "schema.py")
    with temp_database("mzsa") as sa_url, temp_database("mzmz") as mz_url:
        expected = create_all_dump(sa_url, mod.md)
        generate(fresh_config(tmp_path), name="init")
        sql = "\n".join(p.read_text() for p in sorted((tmp_path / "migrations").glob("*.sql")))
        mizzle.migrate(url=mz_url, folder=tmp_path / "migrations")
        got = schema_dump(mz_url)
        if got != expected:
            raise AssertionError(f"pg_dump differs from create_all's:\n{_diff(expected, got, 'create_all', 'mizzle')}"
                                 f"\nmizzle SQL:\n{sql}")
        d = drift_for_config(fresh_config(tmp_path), mz_url)
        assert not d.changes, f"drift after migrate: {d.changes}"
        again = generate(fresh_config(tmp_path), check=True)
        assert not again.changes, f"generate --check after migrate: {again.changes}"
        if pull_back:
            assert_pull_round_trip(tmp_path, sa_url)
    return sql

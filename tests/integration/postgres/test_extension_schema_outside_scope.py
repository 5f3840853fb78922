"""Windmill makes `uuid-ossp` in a schema of its own (`CREATE SCHEMA extensions; CREATE EXTENSION "uuid-ossp" WITH
SCHEMA extensions`) and its tables default to `extensions.uuid_generate_v4()`. Pulled with `schema_filter =
["public"]`, the baseline's `CREATE EXTENSION … SCHEMA "extensions"` fails on every new database (the schema is not
made: it is outside the scope): pull and drift say so instead of leaving it to the first migrate."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pgtools import temp_database

pytestmark = pytest.mark.pg


def test_an_extension_in_a_schema_outside_the_scope_is_named(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    for out in _pulled_and_drifted(tmp_path, run_mizzle, "CREATE SCHEMA extensions",
                                   'CREATE EXTENSION "uuid-ossp" WITH SCHEMA extensions',
                                   "CREATE TABLE j (id uuid PRIMARY KEY DEFAULT extensions.uuid_generate_v4())"):
        assert "extensions in a schema outside" in out and "uuid-ossp (extensions)" in out, out
    with temp_database("mzexs") as source:  # the whole database pulled: the schema is made, nothing to say
        with psycopg.connect(source, autocommit=True) as c:
            c.execute("CREATE SCHEMA extensions")
            c.execute('CREATE EXTENSION "uuid-ossp" WITH SCHEMA extensions')
        whole = tmp_path / "whole"
        whole.mkdir()
        (whole / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=whole, url=source)
        assert r.code == 0 and "outside" not in r.stdout + r.stderr, r.stdout + r.stderr


def test_a_default_using_a_sequence_outside_the_scope_is_named(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """`DEFAULT nextval('other.ids')` on a table pulled with `schema_filter = ["public"]`: the baseline's CREATE
    TABLE fails wherever `other.ids` is missing; pull and drift say so."""
    for out in _pulled_and_drifted(tmp_path, run_mizzle, "CREATE SCHEMA other", "CREATE SEQUENCE other.ids",
                                   "CREATE TABLE t (id bigint PRIMARY KEY DEFAULT nextval('other.ids'))"):
        assert "sequences of a schema outside" in out and "other.ids (default of public.t.id)" in out, out


def _pulled_and_drifted(tmp_path: Path, run_mizzle, *sql: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A database made by `sql` pulled with `schema_filter = ["public"]`, then drifted: each command's output (both
    must succeed)."""
    with temp_database("mzexs") as source:
        with psycopg.connect(source, autocommit=True) as c:
            for statement in sql:
                c.execute(statement)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n'
                                              'schema_filter = ["public"]\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0, r.stdout + r.stderr
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        assert d.code == 0, d.stdout + d.stderr
        return r.stdout + r.stderr, d.stdout + d.stderr

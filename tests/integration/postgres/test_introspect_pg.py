"""Introspection of a real PostgreSQL database into the schema model.

The oracle: at every step of the schema history, the introspected migrated database equals both the model of
the schema code and the model of that step's snapshot (diff finds nothing, column order aside)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pg_history
import psycopg
import pytest
from pg_project import fresh_config, write_project
from pgtools import temp_database

import mizzle
from mizzle.commands.generate import generate, load_code_schema, previous_schema
from mizzle.dialects.postgres.introspect import Scope, default_constraint_name, introspect
from mizzle.migrations.folder import MigrationFolder
from mizzle.schema.diff import Renames, diff
from mizzle.schema.model import Schema
from mizzle.sources.database import introspect_url, scope_for

pytestmark = pytest.mark.pg


def changes(a: Schema, b: Schema) -> list[str]:
    return [f"{c.describe()}  [{c!r}]" for c in diff(a, b, Renames(none=True))]


def test_history_round_trip(tmp_path: Path) -> None:
    with temp_database("mzintro") as url:
        for n in range(1, len(pg_history.STEPS) + 1):
            write_project(tmp_path, pg_history.step(n))
            cfg = fresh_config(tmp_path)
            generate(cfg, name=f"step{n}", renames=pg_history.RENAMES.get(n, {}))
            mizzle.migrate(url=url, folder=tmp_path / "migrations")
            live = introspect_url(url, scope_for(cfg))
            code, _ = load_code_schema(fresh_config(tmp_path))
            found = changes(code, live)
            assert not found, f"step {n}: live database != schema code:\n" + "\n".join(found)
            snap, _ = previous_schema(MigrationFolder(cfg.out_dir), "postgresql")
            found = changes(snap, live)
            assert not found, f"step {n}: live database != snapshot:\n" + "\n".join(found)


def _exec(url: str, *sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        for s in sql:
            c.execute(s)


def test_server_forms_map_to_canonical_ones() -> None:
    long_table = "t" * 60
    with temp_database("mzintro") as url:
        _exec(url,
              "CREATE SCHEMA app",
              "CREATE TYPE app.color AS ENUM ('red', 'green')",
              f'CREATE TABLE "{long_table}" (id serial PRIMARY KEY)',
              "CREATE TABLE app.things (id bigserial, c app.color[], n numeric, v varchar, "
              "ts timestamptz(2) DEFAULT now(), g int GENERATED ALWAYS AS (id * 2) STORED, "
              "x int DEFAULT nextval('app.things_id_seq'), CONSTRAINT things_pk PRIMARY KEY (id), "
              "CONSTRAINT positive CHECK (id > 0) NOT VALID)",
              "CREATE SEQUENCE app.free_seq AS integer INCREMENT 3",
              "CREATE TABLE app.not_serial (id integer DEFAULT nextval('app.free_seq'))",
              "CREATE INDEX things_lower_v ON app.things (lower(v)) WHERE n > 0",
              "COMMENT ON TABLE app.things IS 'stuff'",
              "COMMENT ON COLUMN app.things.v IS 'a value'",
              "CREATE SCHEMA drizzle",
              "CREATE TABLE drizzle.__drizzle_migrations (id serial PRIMARY KEY, hash text, created_at bigint)")
        live = introspect_url(url, scope_for(None))
        assert [t.qualified for t in live.tables] == ["app.not_serial", "app.things", f"public.{long_table}"]
        assert live.schemas == ("app",)
        long = live.table("public", long_table)
        assert long is not None and long.primary_key is not None and long.primary_key.name is None
        assert long.columns[0].type == "serial" and long.columns[0].default is None
        t = live.table("app", "things")
        assert t is not None and t.comment == "stuff"
        cols = {c.name: c for c in t.columns}
        assert cols["id"].type == "bigserial" and cols["id"].not_null
        assert (cols["c"].type, cols["c"].type_schema) == ("color[]", "app")
        assert cols["ts"].type == "timestamp (2) with time zone" and cols["ts"].default == "now()"
        assert cols["g"].generated == "id * 2" and cols["g"].default is None
        assert cols["v"].comment == "a value" and cols["v"].type == "varchar"
        assert t.primary_key is not None and t.primary_key.name == "things_pk"
        assert [(c.name, c.expression) for c in t.checks] == [("positive", "id > 0")]
        (ix,) = t.indexes
        assert ix.columns[0].is_expression and ix.where == "n > 0::numeric"
        # a sequence nobody owns is a sequence; the one serial owns is not
        assert [s.name for s in live.sequences] == ["free_seq"]
        assert live.sequences[0].increment == "3" and live.sequences[0].max_value == "2147483647"
        ns = live.table("app", "not_serial")
        assert ns is not None and ns.columns[0].type == "integer" and "free_seq" in (ns.columns[0].default or "")
        assert live.enum("app", "color") is not None


def test_scope_filters_schemas_and_tables() -> None:
    with temp_database("mzintro") as url:
        _exec(url, "CREATE SCHEMA a", "CREATE SCHEMA b",
              "CREATE TABLE a.keep_1 (id int)", "CREATE TABLE a.keep_2 (id int)", "CREATE TABLE a.skip (id int)",
              "CREATE TABLE b.other (id int)", "CREATE TYPE b.e AS ENUM ('x')")
        only_a = introspect_url(url, Scope(schemas=("a",)))
        assert [t.name for t in only_a.tables] == ["keep_1", "keep_2", "skip"] and not only_a.enums
        globbed = introspect_url(url, Scope(tables=("a.keep_*", "b.*", "!*_2")))
        assert [t.qualified for t in globbed.tables] == ["a.keep_1", "b.other"]


class _Counting:
    """A connection that counts the queries it is given (the server still answers them)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn, self.queries = conn, 0
        self.info = conn.info

    def execute(self, *a: Any, **kw: Any) -> Any:
        self.queries += 1
        return self.conn.execute(*a, **kw)

    def pipeline(self) -> Any:
        return self.conn.pipeline()


def test_fixed_number_of_queries() -> None:
    counts = []
    with temp_database("mzintro") as url:
        for n in (1, 40):
            _exec(url, *[f"CREATE TABLE IF NOT EXISTS t{i} (id serial PRIMARY KEY, r int REFERENCES t0(id), "
                         f"v text DEFAULT 'x' CHECK (v <> ''))" for i in range(n)],
                  *[f"CREATE INDEX IF NOT EXISTS t{i}_v ON t{i} (v)" for i in range(n)])
            with psycopg.connect(url, autocommit=True) as c:
                counting = _Counting(c)
                schema = introspect(counting, Scope())
                counts.append(counting.queries)
            assert len(schema.tables) == n
    assert counts[0] == counts[1] <= 20  # SET jit = off and namespaces in one round trip, then one pipeline: 6 for
    # tables, 6 for views, functions, …, 5 for RLS, policies, extensions, grants, the roles they name, 1 for comments
    # on indexes, constraints and enums


def test_default_constraint_name_matches_server() -> None:
    table, col = "a" * 40, "b" * 40
    with temp_database("mzintro") as url:
        _exec(url, f'CREATE TABLE "{table}" ("{col}" serial PRIMARY KEY)')
        with psycopg.connect(url, autocommit=True) as c:
            seq = c.execute("SELECT relname FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace").fetchone()
            pkey = c.execute("SELECT conname FROM pg_constraint WHERE contype = 'p' AND conrelid = %s::regclass",
                             (f'"{table}"',)).fetchone()
    assert seq is not None and pkey is not None
    assert default_constraint_name(table, "seq", col) == seq[0]
    assert default_constraint_name(table, "pkey") == pkey[0]


def test_a_catalogue_reading_turns_jit_off_for_its_session() -> None:
    """Speed (introspect_repeat.without_jit): on an analyzed 1,000-table database PostgreSQL spent 630 ms compiling
    the listing of what mizzle does not manage. Each connection that reads the catalogue — the reading's own and
    pull's second one — has JIT off once it has read; a connection that only runs SQL keeps the server's setting."""
    from mizzle.dburl import parse_url
    from mizzle.sources.database import introspect_connection, open_for_introspection

    with temp_database("mzintro") as url:
        _exec(url, "CREATE TABLE t (id int PRIMARY KEY, v text)", "ANALYZE")
        db = parse_url(url)
        with open_for_introspection(db) as conn, open_for_introspection(db) as helper, \
                psycopg.connect(url, autocommit=True) as other:
            assert conn.execute("SHOW jit").fetchone() == ("on",)  # the server's default, as the test expects it
            found: list[str] = []
            live = introspect_connection(db, conn, scope_for(None), found, helper=helper)
            assert [t.name for t in live.tables] == ["t"]
            assert conn.execute("SHOW jit").fetchone() == ("off",)
            assert helper.execute("SHOW jit").fetchone() == ("off",)
            assert other.execute("SHOW jit").fetchone() == ("on",)
        with open_for_introspection(db) as conn:  # read again, alone
            introspect_connection(db, conn, scope_for(None))
            assert conn.execute("SHOW jit").fetchone() == ("off",)

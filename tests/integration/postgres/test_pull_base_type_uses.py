"""What uses a base type of the database's own (CREATE TYPE … (INPUT = …, OUTPUT = …), which mizzle does not pull)
is named. PostgreSQL's pg_dump test suite (src/bin/pg_dump/t/002_pg_dump.pl) makes `dump_test.int42` from int4in and
int4out and a composite type `dump_test.composite (f1 int, f2 dump_test.int42)`: pull listed the base type as not
managed, wrote the composite type into the baseline, and said nothing of it, so the baseline failed in a new database
(`type "dump_test.int42" does not exist`) as verify found."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pgtools import temp_database

pytestmark = pytest.mark.pg

BASE_TYPE = [
    "CREATE TYPE int42",
    "CREATE FUNCTION int42_in(cstring) RETURNS int42 AS 'int4in' LANGUAGE internal STRICT IMMUTABLE",
    "CREATE FUNCTION int42_out(int42) RETURNS cstring AS 'int4out' LANGUAGE internal STRICT IMMUTABLE",
    "CREATE TYPE int42 (internallength = 4, input = int42_in, output = int42_out, alignment = int4, "
    "default = 42, passedbyvalue)",
    "CREATE TYPE composite AS (f1 int, f2 int42)",
    "CREATE TABLE t (id int PRIMARY KEY, n int42, ns int42[])",
]


def test_what_uses_a_base_type_of_its_own_is_named(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    with temp_database("mzbase") as source:
        with psycopg.connect(source, autocommit=True) as c:
            for s in BASE_TYPE:
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        line = ("5 uses of what mizzle does not manage (make that first where pulled SQL runs): column f2 of composite "
                "type composite uses type int42, column n of table t uses type int42, column ns of table t uses type "
                "int42[], type int42 uses function int42_in(cstring), type int42 uses function int42_out(int42)")
        r = run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=source)
        out = r.stdout + r.stderr
        assert r.code == 0 and line in out, out
        assert "int42_out(int42) uses" not in out  # the type's own functions are not pulled either
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        assert line in d.stdout + d.stderr, d.stdout + d.stderr


def test_an_array_of_an_enum_domain_or_composite_type_is_no_use_of_what_is_not_managed(  # type: ignore[no-untyped-def]
        tmp_path: Path, run_mizzle) -> None:
    """An array type is a base type (typtype 'b') whatever its element: elie222/inbox-zero's Prisma migration
    20260311120000_account_scoped_api_keys adds `"scopes" "ApiKeyScope"[] DEFAULT ARRAY[]::"ApiKeyScope"[]`, and pull,
    drift and verify listed the column and its default as using what mizzle does not manage (the enum it pulls)."""
    with temp_database("mzbasearr") as source:
        with psycopg.connect(source, autocommit=True) as c:
            c.execute("CREATE TYPE mood AS ENUM ('a', 'b')")
            c.execute("CREATE DOMAIN posint AS int CHECK (VALUE > 0)")
            c.execute("CREATE TYPE pair AS (x int, y int)")
            c.execute("CREATE TABLE t (id int PRIMARY KEY, m mood[] DEFAULT ARRAY[]::mood[], p posint[], q pair[])")
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=source)
        out = r.stdout + r.stderr
        assert r.code == 0 and "does not manage" not in out, out
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        assert "+ table t (4 columns)" in d.stderr and "does not manage" not in d.stdout + d.stderr, d.stderr

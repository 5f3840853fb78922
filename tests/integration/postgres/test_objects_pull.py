"""`pull` of a database whose objects beyond tables were made by hand (psql, another tool): columns of a domain
and of a composite type, a function with OUT and DEFAULT arguments, a statement trigger on `UPDATE OF`, a view
over a composite's field; extension-owned functions (pg_trgm) left to the extension. The module written gives
`generate --check` nothing to do and rebuilds the same database (`pg_dump -s`); an aggregate, which mizzle
does not manage, is named in a warning rather than dropped silently."""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest
from pgtools import schema_dump, temp_database

from mizzle.commands.generate import export, generate
from mizzle.commands.pull import pull
from mizzle.config import load_config
from mizzle.migrations.folder import split_statements

pytestmark = pytest.mark.pg

SETUP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE DOMAIN qty AS integer DEFAULT 1 CHECK (VALUE > 0)",
    "CREATE TYPE pair AS (a int, b varchar(10))",
    "CREATE TABLE t (id serial PRIMARY KEY, q qty, p pair, name text)",
    "CREATE FUNCTION f(a int DEFAULT 3, OUT b int) LANGUAGE sql STABLE AS 'SELECT a'",
    "CREATE FUNCTION agg_state(int, int) RETURNS int LANGUAGE sql AS 'SELECT $1 + $2'",
    "CREATE FUNCTION secure() RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp "
    "SET work_mem = '64MB' AS $$BEGIN END$$",
    "CREATE VIEW v AS SELECT id, q, (p).a FROM t WHERE name LIKE 'x%'",
    "CREATE TRIGGER tr AFTER INSERT OR DELETE OR UPDATE OF name ON t FOR EACH STATEMENT "
    "EXECUTE FUNCTION suppress_redundant_updates_trigger()",
]
AGGREGATE = "CREATE AGGREGATE mysum(int) (sfunc = agg_state, stype = int)"


def test_pull_of_hand_made_objects_rebuilds_the_database(tmp_path: Path) -> None:
    with temp_database("mzobjpull") as src, temp_database("mzobjpull2") as dst:
        with psycopg.connect(src, autocommit=True) as c:
            for sql in [*SETUP, AGGREGATE]:
                c.execute(sql)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        result = pull(load_config(tmp_path / "mizzle.toml"), src, mark=False)
        assert result.warnings == ["not pulled (mizzle does not manage it): function public.mysum(integer): an "
                                   "aggregate, a window function, a C or internal function"]
        text = result.schema_path.read_text()
        assert "similarity" not in text  # pg_trgm's functions are the extension's
        for name in [n for n, m in sys.modules.items() if getattr(m, "__file__", None) == str(result.schema_path)]:
            del sys.modules[name]
        cfg = load_config(tmp_path / "mizzle.toml")
        assert generate(cfg, check=True).changes == []
        with psycopg.connect(dst, autocommit=True) as c:
            c.execute(SETUP[0])
            for st in split_statements(export(cfg)):
                c.execute(st.sql)
            c.execute(AGGREGATE)
        assert schema_dump(dst) == schema_dump(src)

"""Objects of PostgreSQL's pg_dump test suite (src/bin/pg_dump/t/002_pg_dump.pl, its create_sql statements) that
pull neither pulled nor named: pg_dump -s of the source and of a database built from the baseline differed by
them, and pull, drift and verify said nothing. Each is now listed as not managed."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pgtools import temp_database

pytestmark = pytest.mark.pg


def _pulled(tmp_path: Path, run_mizzle, statements: list[str]) -> str:  # type: ignore[no-untyped-def]
    with temp_database("mzpgd") as source:
        with psycopg.connect(source, autocommit=True) as c:
            for s in statements:
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=source)
        assert r.code == 0, r.stdout + r.stderr
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        return r.stdout + r.stderr + "\n--- drift\n" + d.stdout + d.stderr


def test_a_table_or_materialized_view_of_another_access_method_is_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # 002_pg_dump.pl: CREATE ACCESS METHOD regress_table_am TYPE TABLE HANDLER heap_tableam_handler; tables and a
    # materialized view USING it. The baseline made them heap tables
    out = _pulled(tmp_path, run_mizzle, [
        "CREATE ACCESS METHOD mz_table_am TYPE TABLE HANDLER heap_tableam_handler",
        "CREATE ACCESS METHOD gist2 TYPE INDEX HANDLER gisthandler",
        "CREATE TABLE am_1 (col1 int) USING mz_table_am", "CREATE TABLE plain (col1 int)",
        "CREATE MATERIALIZED VIEW mv_am USING mz_table_am AS SELECT 1 AS one"])
    line = "2 table access methods (USING …): public.am_1 mz_table_am, public.mv_am mz_table_am"
    assert out.count(line) == 2, out
    assert out.count("2 access methods: gist2, mz_table_am") == 2, out


def test_objects_of_kinds_pull_did_not_name_are_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    out = _pulled(tmp_path, run_mizzle, [
        "CREATE TYPE undefined",  # a shell type
        "CREATE DEFAULT CONVERSION test_conversion FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8",
        "CREATE TEXT SEARCH PARSER alt_ts_prs1 (start = prsd_start, gettoken = prsd_nexttoken, end = prsd_end, "
        "lextypes = prsd_lextype)",
        "CREATE TEXT SEARCH TEMPLATE alt_ts_temp1 (lexize = dsimple_lexize)",
        "CREATE TEXT SEARCH DICTIONARY alt_ts_dict1 (template = pg_catalog.simple)",
        "CREATE TRANSFORM FOR int LANGUAGE SQL (FROM SQL WITH FUNCTION prsd_lextype(internal), "
        "TO SQL WITH FUNCTION int4recv(internal))",
        "CREATE FUNCTION pltestlang_call_handler() RETURNS LANGUAGE_HANDLER AS '$libdir/plpgsql', "
        "'plpgsql_call_handler' LANGUAGE C",
        "CREATE LANGUAGE pltestlang HANDLER pltestlang_call_handler",
        "CREATE TABLE t (id int PRIMARY KEY)",
    ])
    for line in ("1 shell types (CREATE TYPE with no definition): public.undefined",
                 "1 conversions: public.test_conversion",
                 "1 text search parsers: public.alt_ts_prs1",
                 "1 text search templates: public.alt_ts_temp1",
                 "1 text search dictionaries: public.alt_ts_dict1",
                 "1 transforms: integer for sql",
                 "1 procedural languages: pltestlang"):
        assert out.count(line) == 2, (line, out)


def test_a_functions_planner_support_function_is_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # 002_pg_dump.pl: CREATE FUNCTION dump_test.func_with_support() … SUPPORT varchar_support; the baseline made the
    # function without it
    out = _pulled(tmp_path, run_mizzle, [
        "CREATE FUNCTION func_with_support() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$ SUPPORT varchar_support",
        "CREATE FUNCTION plain() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$"])
    line = "1 planner support functions of functions (SUPPORT …): public.func_with_support() varchar_support"
    assert out.count(line) == 2, out


def test_privileges_changed_on_the_systems_own_objects_are_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # 002_pg_dump.pl: REVOKE … ON FUNCTION pg_catalog.pg_sleep FROM PUBLIC, GRANT SELECT (proname) ON TABLE
    # pg_catalog.pg_proc, REVOKE ALL ON LANGUAGE plpgsql FROM PUBLIC: pg_dump -s carries them, a rebuild has none
    with temp_database("mzpgd") as source:
        with psycopg.connect(source, autocommit=True) as c:
            for s in ("REVOKE EXECUTE ON FUNCTION pg_sleep(float8) FROM PUBLIC",
                      "REVOKE SELECT ON TABLE pg_catalog.pg_proc FROM PUBLIC",
                      "GRANT SELECT (proname) ON TABLE pg_catalog.pg_proc TO PUBLIC",
                      "REVOKE ALL ON LANGUAGE plpgsql FROM PUBLIC", "CREATE TABLE t (id int PRIMARY KEY)"):
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=source)
        out = r.stdout + r.stderr
        assert r.code == 0, out
        line = ("3 privileges on the system's own objects and languages (GRANT / REVOKE away from what initdb made): "
                "function pg_catalog.pg_sleep(double precision), language plpgsql, table pg_catalog.pg_proc")
        assert line in out, out
    # a database left as created lists none
    with temp_database("mzpgd") as source:
        with psycopg.connect(source, autocommit=True) as c:
            c.execute("CREATE TABLE t (id int PRIMARY KEY)")
        (tmp_path / "migrations").rename(tmp_path / "old")
        (tmp_path / "db" / "schema.py").unlink()
        r = run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=source)
        assert r.code == 0 and "system's own objects" not in r.stdout + r.stderr, r.stdout + r.stderr


def test_a_subscription_is_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # 002_pg_dump.pl: CREATE SUBSCRIPTION sub1 CONNECTION 'dbname=doesnotexist' PUBLICATION pub1 WITH (connect =
    # false); pg_dump -s carries it (publications were listed already), a rebuild has none
    with temp_database("mzpgd") as source:
        with psycopg.connect(source, autocommit=True) as c:
            c.execute("CREATE TABLE t (id int PRIMARY KEY)")
            c.execute("CREATE SUBSCRIPTION sub1 CONNECTION 'dbname=doesnotexist' PUBLICATION pub1 "
                      "WITH (connect = false, slot_name = NONE)")
        try:
            (tmp_path / "mizzle.toml").write_text(
                'dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
            r = run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=source)
            d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        finally:
            with psycopg.connect(source, autocommit=True) as c:
                c.execute("DROP SUBSCRIPTION sub1")
        out = r.stdout + r.stderr + d.stdout + d.stderr
        assert r.code == 0 and out.count("1 subscriptions: sub1") == 2, out

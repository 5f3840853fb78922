"""`pull`, `drift` and `generate` on what introspection used to miss: a table with no columns (issue 17 item 8)
and a database holding only empty schemas (issue 17 item 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from pgtools import schema_dump, temp_database

pytestmark = pytest.mark.pg


def _project(root: Path, schema_file: str = "db/schema.py") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["{schema_file}"]\nout = "migrations"\n')
    return root


def _pulled_and_rebuilt(tmp_path: Path, run_mizzle: Any, source: str, rebuilt: str) -> Path:
    """`source` pulled into a project, its baseline migrated into `rebuilt`: the same schema; the project's root."""
    root = _project(tmp_path)
    assert run_mizzle(["pull"], cwd=root, url=source).code == 0
    m = run_mizzle(["migrate"], cwd=root, url=rebuilt)
    assert m.code == 0, m.stdout + m.stderr
    assert schema_dump(rebuilt) == schema_dump(source)
    return root


def _execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        for s in statements:
            c.execute(s)


def test_a_table_with_no_columns_is_pulled_and_not_reported_as_drift(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    with temp_database("mzedge") as source, temp_database("mzedge") as rebuilt:
        _execute(source, "CREATE TABLE public.marker ()", "CREATE TABLE public.t (id integer PRIMARY KEY)")
        root = _project(tmp_path / "pulled")
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0, r.stderr
        assert '"marker"' in (root / "db" / "schema.py").read_text()
        assert run_mizzle(["generate", "--check"], cwd=root, url=source).code == 0
        assert run_mizzle(["migrate"], cwd=root, url=rebuilt).code == 0
        assert schema_dump(rebuilt) == schema_dump(source)
        # the code declares it, migrate builds it, drift sees it as it is
        code = tmp_path / "code"
        _project(code)
        (code / "db").mkdir()
        (code / "db" / "schema.py").write_text("import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
                                               "sa.Table('marker', metadata)\n")
        with temp_database("mzedge") as fresh:
            assert run_mizzle(["generate"], cwd=code).code == 0
            assert run_mizzle(["migrate"], cwd=code, url=fresh).code == 0
            d = run_mizzle(["drift"], cwd=code, url=fresh)
            assert d.code == 0, d.stdout + d.stderr
            _execute(fresh, "DROP TABLE public.marker")
            d = run_mizzle(["drift"], cwd=code, url=fresh)
            assert d.code == 3 and "marker" in d.stdout + d.stderr


def test_a_database_with_only_empty_schemas_is_pulled(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    with temp_database("mzedge") as source, temp_database("mzedge") as rebuilt:
        _execute(source, "CREATE SCHEMA staging", "CREATE SCHEMA archive")
        root = _project(tmp_path)
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0, r.stderr
        assert run_mizzle(["generate", "--check"], cwd=root, url=source).code == 0
        assert run_mizzle(["migrate"], cwd=root, url=rebuilt).code == 0
        assert schema_dump(rebuilt) == schema_dump(source)


def test_uniques_over_the_primary_key_columns_survive_pull_and_migrate(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL folds a unique over the primary key's columns (or over an earlier unique's) into that key when
    both are in one CREATE TABLE; lmnr's folder adds them by ALTER TABLE, and the rebuilt database must have them
    too (a unique over the same columns in another order, or NULLS NOT DISTINCT, is a different index)."""
    with temp_database("mzedge") as source, temp_database("mzedge") as rebuilt:
        _execute(source, "CREATE TABLE t (a integer, b integer, PRIMARY KEY (a, b))",
                 "ALTER TABLE t ADD CONSTRAINT t_ab_unique UNIQUE (a, b)",
                 "ALTER TABLE t ADD CONSTRAINT t_ab_again UNIQUE (a, b)",
                 "ALTER TABLE t ADD CONSTRAINT t_ba_unique UNIQUE (b, a)",
                 "CREATE TABLE u (x integer, y integer)",
                 "ALTER TABLE u ADD CONSTRAINT u_x UNIQUE (x)", "ALTER TABLE u ADD CONSTRAINT u_x2 UNIQUE (x)",
                 "ALTER TABLE u ADD CONSTRAINT u_x_nnd UNIQUE NULLS NOT DISTINCT (x)")
        root = _project(tmp_path)
        assert run_mizzle(["pull"], cwd=root, url=source).code == 0
        assert run_mizzle(["migrate"], cwd=root, url=rebuilt).code == 0
        assert schema_dump(rebuilt) == schema_dump(source)
        with psycopg.connect(rebuilt) as c:
            names = {r[0] for r in c.execute("SELECT conname FROM pg_constraint WHERE contype = 'u' "
                                                    "AND connamespace = 'public'::regnamespace")}
        assert names == {"t_ab_unique", "t_ab_again", "t_ba_unique", "u_x", "u_x2", "u_x_nnd"}


def test_a_foreign_key_into_a_schema_outside_the_filter_is_pulled_loadable(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # Supabase's layout (onlook): public.profiles references auth.users, and schema_filter = ["public"]; the module
    # named auth.users in a foreign key without declaring it, and SQLAlchemy could not load it
    with temp_database("mzedge") as source, temp_database("mzedge") as rebuilt:
        _execute(source, "CREATE SCHEMA auth", "CREATE TABLE auth.users (id uuid PRIMARY KEY, email text UNIQUE)",
                 "CREATE TABLE public.profiles (id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,"
                 " email text REFERENCES auth.users (email))")
        root = _project(tmp_path)
        (root / "mizzle.toml").write_text((root / "mizzle.toml").read_text() + 'schema_filter = ["public"]\n')
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0 and "warning" not in r.stderr, r.stderr
        module = (root / "db" / "schema.py").read_text()
        stub = next(line for line in module.splitlines() if 'schema="auth"' in line)
        assert all(x in stub for x in ('sa.Table("users", metadata', 'sa.Column("id", sa.Uuid)',
                                       'sa.Column("email", sa.Text)', "sa.PrimaryKeyConstraint(", "sa.UniqueConstraint(")), stub
        assert run_mizzle(["generate", "--check"], cwd=root, url=source).code == 0
        _execute(rebuilt, "CREATE SCHEMA auth", "CREATE TABLE auth.users (id uuid PRIMARY KEY, email text UNIQUE)")
        assert run_mizzle(["migrate"], cwd=root, url=rebuilt).code == 0  # the baseline leaves auth alone
        assert schema_dump(rebuilt) == schema_dump(source)


def test_the_sequence_of_a_table_the_tables_filter_leaves_out_is_not_pulled(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # b's serial sequence was pulled as a sequence of its own, clashing with the name the code's serial gives it
    with temp_database("mzedge") as source:
        _execute(source, "CREATE TABLE b (id serial PRIMARY KEY)", "CREATE TABLE a (id integer PRIMARY KEY, n serial)")
        root = _project(tmp_path)
        (root / "mizzle.toml").write_text((root / "mizzle.toml").read_text() + 'tables_filter = ["a"]\n')
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0 and "b_id_seq" not in (root / "db" / "schema.py").read_text(), r.stderr
        d = run_mizzle(["drift"], cwd=root, url=source)
        assert d.code == 0, d.stdout + d.stderr


def test_a_view_reading_a_table_the_filters_leave_out_is_named(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # pagila with tables_filter = ["!payment*"]: sales_by_store, reading payment, was written without a word, and
    # the baseline's CREATE VIEW failed where payment does not exist (a database made from the folder, verify)
    with temp_database("mzedge") as source:
        _execute(source, "CREATE SCHEMA ext", "CREATE TABLE ext.users (id integer PRIMARY KEY)",
                 "CREATE TABLE payment (id integer PRIMARY KEY, amount numeric)",
                 "CREATE TABLE store (id integer PRIMARY KEY)",
                 "CREATE VIEW sales AS SELECT s.id, sum(p.amount) FROM store s, payment p GROUP BY s.id",
                 "CREATE VIEW people AS SELECT u.id FROM ext.users u JOIN store ON store.id = u.id",
                 "CREATE VIEW stores AS SELECT id FROM store",
                 "CREATE VIEW busy AS SELECT pid FROM pg_stat_activity")
        root = _project(tmp_path)
        (root / "mizzle.toml").write_text((root / "mizzle.toml").read_text() + 'schema_filter = ["public"]\n'
                                          'tables_filter = ["!payment*"]\n')
        r = run_mizzle(["pull", "--no-mark"], cwd=root, url=source)
        assert r.code == 0, r.stderr
        lines = [x for x in r.stderr.splitlines() if "outside what was pulled" in x]
        assert len(lines) == 2, r.stderr  # not stores (it reads a pulled table), nor busy (a system view)
        assert any("view sales reads payment," in x for x in lines) and any("view people reads ext.users," in x
                                                                           for x in lines), r.stderr


def test_a_sql_function_reading_a_table_the_filters_leave_out_is_named(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # pgflow (pkgs/core/schemas): ensure_workers reads vault.decrypted_secrets and cleanup_ensure_workers_logs
    # deletes from cron.job_run_details, quoted SQL bodies: pulled without a word, though they fail when called
    # where the baseline runs; a SQL-standard body reading such a table failed the baseline's CREATE FUNCTION
    with temp_database("mzedge") as source:
        _execute(source, "CREATE SCHEMA ext", "CREATE TABLE ext.secrets (name text PRIMARY KEY, v text)",
                 "CREATE TABLE store (id integer PRIMARY KEY)",
                 "CREATE FUNCTION secret(n text) RETURNS text LANGUAGE sql STABLE "
                 "AS $$ SELECT v FROM ext.secrets WHERE name = n $$",
                 "CREATE FUNCTION purge() RETURNS bigint LANGUAGE sql "
                 "AS $$ WITH d AS (DELETE FROM ext.secrets RETURNING 1) SELECT count(*) FROM d $$",
                 "CREATE FUNCTION secret_now(n text) RETURNS text LANGUAGE sql STABLE "
                 "BEGIN ATOMIC SELECT v FROM ext.secrets WHERE name = n; END",
                 "CREATE FUNCTION stores() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM store $$",
                 "CREATE FUNCTION busy() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM pg_stat_activity $$")
        root = _project(tmp_path)
        (root / "mizzle.toml").write_text((root / "mizzle.toml").read_text() + 'schema_filter = ["public"]\n')
        r = run_mizzle(["pull", "--no-mark"], cwd=root, url=source)
        assert r.code == 0, r.stderr
        lines = [x for x in r.stderr.splitlines() if "outside what was pulled" in x]
        assert len(lines) == 3, r.stderr + r.stdout  # not stores (it reads a pulled table), nor busy (a system view)
        quoted = [x for x in lines if "function secret(n text) reads ext.secrets," in x
                  or "function purge() reads ext.secrets," in x]
        assert len(quoted) == 2 and all("fails when it is called" in x for x in quoted), lines
        assert any("function secret_now(n text) reads ext.secrets," in x and "CREATE FUNCTION needs it" in x
                   for x in lines), lines


def test_a_trigger_calling_a_function_the_filters_leave_out_is_named(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # sqlalchemy-searchable on a table in schema app: its trigger calls public.article_search_vector_update(); with
    # schema_filter = ["app"] the trigger was pulled without a word and the baseline's CREATE TRIGGER failed on a
    # fresh database (function ... does not exist)
    with temp_database("mzedge") as source:
        _execute(source, "CREATE SCHEMA app", "CREATE TABLE app.article (id integer PRIMARY KEY, v tsvector)",
                 "CREATE FUNCTION article_v_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
                 "CREATE TRIGGER article_v_trigger BEFORE INSERT ON app.article FOR EACH ROW "
                 "EXECUTE FUNCTION article_v_update()",
                 "CREATE TRIGGER article_w_trigger BEFORE INSERT ON app.article FOR EACH ROW "
                 "EXECUTE FUNCTION tsvector_update_trigger('v', 'pg_catalog.simple', 'v')")
        root = _project(tmp_path)
        (root / "mizzle.toml").write_text((root / "mizzle.toml").read_text() + 'schema_filter = ["app"]\n')
        r = run_mizzle(["pull", "--no-mark"], cwd=root, url=source)
        assert r.code == 0, r.stderr
        lines = [x for x in r.stderr.splitlines() if "outside what was pulled" in x]
        # not the one calling PostgreSQL's own tsvector_update_trigger
        assert len(lines) == 1, r.stderr
        assert "trigger article_v_trigger on app.article calls function public.article_v_update()" in lines[0], lines


def test_a_datetime_default_frozen_when_stored_is_no_drift(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # letta's `server_default="now()"`: a string the server turns into the instant of CREATE TABLE; asked again at
    # each comparison it was another instant, so drift and every verify step reported a difference for ever
    root = _project(tmp_path)
    (root / "db").mkdir()
    (root / "db" / "schema.py").write_text(
        "import sqlalchemy as sa\nmd = sa.MetaData()\nt = sa.Table('t', md, sa.Column('id', sa.Integer, primary_key=True),"
        " sa.Column('at', sa.DateTime(timezone=True), server_default='now()'))\n")
    r = run_mizzle(["generate"], cwd=root)
    assert r.code == 0 and "MZ004" in r.stdout + r.stderr, r.stdout + r.stderr  # and lint says what it does
    with temp_database("mzedge") as db:
        assert run_mizzle(["migrate"], cwd=root, url=db).code == 0
        d = run_mizzle(["drift"], cwd=root, url=db)
        assert d.code == 0, d.stdout + d.stderr
        v = run_mizzle(["verify", "--url", db], cwd=root)
        assert v.code == 0, v.stdout + v.stderr
        _execute(db, "ALTER TABLE t ALTER COLUMN at SET DEFAULT now()")  # the function: a real difference
        d = run_mizzle(["drift"], cwd=root, url=db)
        assert d.code == 3 and "default" in d.stdout + d.stderr, d.stdout + d.stderr


def test_the_one_byte_char_type_is_pulled_and_rebuilt_as_itself(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # `"char"` (PostgreSQL's internal one-byte type) lost its quotes: the baseline wrote `char`, i.e. character(1)
    with temp_database("mzedge") as source, temp_database("mzedge") as rebuilt:
        _execute(source, "CREATE TABLE flags (id int PRIMARY KEY, kind \"char\" NOT NULL DEFAULT 'a', "
                         "kinds \"char\"[], letter char, code char(3))")
        root = _project(tmp_path)
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0 and "cannot express" not in r.stderr, r.stderr
        assert run_mizzle(["generate", "--check"], cwd=root, url=source).code == 0
        assert run_mizzle(["migrate"], cwd=root, url=rebuilt).code == 0
        assert schema_dump(rebuilt) == schema_dump(source)
        d = run_mizzle(["drift"], cwd=root, url=rebuilt)
        assert d.code == 0, d.stdout + d.stderr


def test_plpgsql_variables_of_a_tables_types_come_after_the_table(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # hatchet's create_v1_step_concurrency (`r v1_workflow_concurrency%ROWTYPE`): PostgreSQL resolves a declared
    # variable's type when it checks the body, and the pulled baseline made the function before the table
    with temp_database("mzedge") as source, temp_database("mzedge") as rebuilt:
        _execute(source, "CREATE TABLE wf (id bigint PRIMARY KEY, name text)",
                 "CREATE FUNCTION touch_wf() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE r wf%ROWTYPE; "
                 "BEGIN SELECT * INTO r FROM wf WHERE id = NEW.id; RETURN NEW; END; $$",
                 "CREATE FUNCTION wf_name(i bigint) RETURNS text LANGUAGE plpgsql AS $$ DECLARE n public.wf.name%TYPE; "
                 "BEGIN SELECT name INTO n FROM wf WHERE id = i; RETURN n; END; $$",
                 # graphile/starter's reset_password: `v_user app_public.users;`, the table's name as the type
                 "CREATE FUNCTION first_wf() RETURNS bigint LANGUAGE plpgsql AS $$ DECLARE v_wf public.wf; "
                 "BEGIN SELECT * INTO v_wf FROM wf LIMIT 1; RETURN v_wf.id; END; $$")
        _pulled_and_rebuilt(tmp_path, run_mizzle, source, rebuilt)


def test_a_sql_function_reading_one_table_called_by_anothers_default_is_pulled_and_rebuilt(  # type: ignore[no-untyped-def]
        tmp_path: Path, run_mizzle, drizzle_migrate) -> None:
    # graphile/starter's current_user_id() reads app_private.sessions and is user_emails.user_id's default: the
    # baseline made it after the tables (its body reads one), and CREATE TABLE b found no function cur()
    with temp_database("mzedge") as source, temp_database("mzedge") as rebuilt, temp_database("mzedge") as orm:
        _execute(source, "CREATE TABLE a (id int PRIMARY KEY)",
                 "CREATE FUNCTION cur() RETURNS int LANGUAGE sql STABLE AS $$ SELECT max(id) FROM public.a $$",
                 "CREATE TABLE b (id int PRIMARY KEY, a_id int DEFAULT cur() CHECK (a_id <= cur()))",
                 "CREATE FUNCTION n_b() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM public.b $$")
        root = _pulled_and_rebuilt(tmp_path, run_mizzle, source, rebuilt)
        with psycopg.connect(rebuilt) as c:  # the check was off for cur() alone, not for the session after
            assert c.execute("SHOW check_function_bodies").fetchone() == ("on",)
        d = run_mizzle(["drift"], cwd=root, url=rebuilt)
        assert d.code == 0, d.stdout + d.stderr
        p = drizzle_migrate(orm, root / "migrations")
        assert p.returncode == 0, p.stderr
        assert schema_dump(orm) == schema_dump(source)


def test_an_identity_whose_sequence_kept_its_old_name_is_pulled_and_rebuilt(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL keeps an identity's sequence name when its table is renamed (graphile/worker's `_private_jobs`
    has `jobs_id_seq1`): pull says the name (`identity_sequence`), so that nothing is left for `generate`."""
    with temp_database("mzedge") as source, temp_database("mzedge") as rebuilt:
        _execute(source, "CREATE TABLE jobs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n integer "
                         "GENERATED BY DEFAULT AS IDENTITY (START WITH 5))",
                 "ALTER TABLE jobs RENAME TO _private_jobs")
        root = _project(tmp_path)
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0 and "cannot express" not in r.stdout + r.stderr, r.stdout + r.stderr
        assert '"identity_sequence": "jobs_id_seq"' in (root / "db" / "schema.py").read_text()
        g = run_mizzle(["generate", "--check"], cwd=root, url=source)
        assert g.code == 0, g.stdout + g.stderr
        assert run_mizzle(["drift"], cwd=root, url=source).code == 0
        assert run_mizzle(["migrate"], cwd=root, url=rebuilt).code == 0
        assert schema_dump(rebuilt) == schema_dump(source)
        with psycopg.connect(rebuilt) as c:
            assert c.execute("SELECT pg_get_serial_sequence('_private_jobs', 'id'), "
                             "pg_get_serial_sequence('_private_jobs', 'n')").fetchone() == (
                "public.jobs_id_seq", "public.jobs_n_seq")
        v = run_mizzle(["verify"], cwd=root, url=rebuilt)  # its scratch database on the test server, not a new cluster
        assert v.code == 0, v.stdout + v.stderr


def test_a_sql_body_naming_objects_through_its_creators_search_path_is_rebuilt(  # type: ignore[no-untyped-def]
        tmp_path: Path, run_mizzle) -> None:
    # PostgREST's test fixtures: `bom_csv_final(data "text/csv")`'s body casts to `"text/csv"`, a domain of schema
    # test found through the search_path it was made under (test); the baseline made it under the migration's
    # search_path, where PostgreSQL's check of the body found no such type, and migrate failed
    with temp_database("mzedge") as source, temp_database("mzedge") as rebuilt:
        _execute(source, "CREATE SCHEMA app", "SET search_path = app",
                 'CREATE DOMAIN "text/csv" AS text', "CREATE TABLE items (id int PRIMARY KEY, name text)",
                 'CREATE FUNCTION csv(i int) RETURNS "text/csv" LANGUAGE sql '
                 "AS $$ SELECT (id || ',' || name)::\"text/csv\" FROM items WHERE id = i $$",
                 'CREATE FUNCTION all_csv() RETURNS "text/csv" LANGUAGE sql AS $$ SELECT csv(1) $$')
        root = _pulled_and_rebuilt(tmp_path, run_mizzle, source, rebuilt)
        with psycopg.connect(rebuilt) as c:  # the check was off for those statements alone
            assert c.execute("SHOW check_function_bodies").fetchone() == ("on",)
        sql = (root / "migrations" / "0000_baseline.sql").read_text()
        assert sql.count("check_function_bodies = off") == 1  # the two routines, one after the other, share it
        d = run_mizzle(["drift"], cwd=root, url=rebuilt)
        assert d.code == 0, d.stdout + d.stderr


def test_a_parameter_named_by_a_newer_keyword_is_quoted(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # PostgREST's varied_arguments(…, json json DEFAULT '{}'::json, …): PostgreSQL 15 prints the parameter name
    # bare; 16 made JSON a keyword, and its parser (pglast's, which check and lint use) refuses `json json`, so
    # check failed on the folder pull had just written, and the baseline would not run on a newer server
    with temp_database("mzedge") as source, temp_database("mzedge") as rebuilt:
        _execute(source, "CREATE FUNCTION f(json, json json DEFAULT '{}'::json, OUT json_object int) "
                         "RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
                 "COMMENT ON FUNCTION f(json, json) IS 'two json'",
                 # the columns of RETURNS TABLE are printed the same way
                 "CREATE FUNCTION g() RETURNS TABLE(json json, n int) LANGUAGE sql AS $$ SELECT NULL::json, 1 $$")
        root = _project(tmp_path)
        assert run_mizzle(["pull"], cwd=root, url=source).code == 0
        c = run_mizzle(["check"], cwd=root)
        assert c.code == 0, c.stdout + c.stderr
        assert '"json" json DEFAULT' in (root / "db" / "schema.py").read_text()
        assert 'TABLE("json" json, n integer)' in (root / "db" / "schema.py").read_text()
        assert run_mizzle(["generate", "--check"], cwd=root, url=source).code == 0
        m = run_mizzle(["migrate"], cwd=root, url=rebuilt)
        assert m.code == 0, m.stdout + m.stderr
        assert schema_dump(rebuilt) == schema_dump(source)
        d = run_mizzle(["drift"], cwd=root, url=rebuilt)
        assert d.code == 0, d.stdout + d.stderr


def test_views_reading_themselves_are_named_not_pulled(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # PostgREST's test fixtures: `create or replace view self_recursive_view as table self_recursive_view` (and
    # test.infinite_recursion): no CREATE VIEW makes a view that reads itself, directly or through another view
    # (made again with CREATE OR REPLACE), and the baseline pull wrote failed: relation … does not exist
    with temp_database("mzedge") as source, temp_database("mzedge") as rebuilt:
        _execute(source, "CREATE TABLE t (id int PRIMARY KEY, name text)",
                 "CREATE VIEW selfv AS SELECT id, name FROM t",
                 "CREATE OR REPLACE VIEW selfv AS SELECT id, name FROM selfv",
                 "CREATE VIEW v1 AS SELECT id, name FROM t", "CREATE VIEW v2 AS SELECT id, name FROM v1",
                 "CREATE OR REPLACE VIEW v1 AS SELECT id, name FROM v2",
                 "CREATE VIEW reads_v2 AS SELECT id FROM v2",  # made after them, or not at all
                 # PostgREST's io fixtures: no column, so no dependency on one of its own (pg_depend cannot tell it
                 # from every view's on itself): read from the query
                 "CREATE VIEW no_columns AS SELECT FROM t", "CREATE OR REPLACE VIEW no_columns AS SELECT FROM no_columns",
                 "CREATE VIEW fine AS SELECT id FROM t", "CREATE VIEW fine2 AS SELECT id FROM fine",
                 # a rule's statement names its view's columns (NEW.id): not a read of the view's query
                 "CREATE RULE fine_insert AS ON INSERT TO fine DO INSTEAD INSERT INTO t VALUES (NEW.id)",
                 "GRANT SELECT ON selfv TO PUBLIC")
        root = _project(tmp_path)
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0, r.stdout + r.stderr
        for name in ("selfv", "v1", "v2", "reads_v2", "no_columns"):
            assert f"not pulled (mizzle does not manage it): view {name}: it reads" in r.stderr, r.stderr
        assert "view fine" not in r.stderr
        m = run_mizzle(["migrate"], cwd=root, url=rebuilt)
        assert m.code == 0, m.stdout + m.stderr
        with psycopg.connect(rebuilt) as c:
            views = {n for (n,) in c.execute("SELECT viewname FROM pg_views WHERE schemaname = 'public'")}
        assert views == {"fine", "fine2"}
        assert run_mizzle(["generate", "--check"], cwd=root).code == 0
        d = run_mizzle(["drift"], cwd=root, url=source)
        assert d.code == 0, d.stdout + d.stderr


def test_a_type_of_a_schema_whose_name_needs_quotes_is_pulled_as_named(  # type: ignore[no-untyped-def]
        tmp_path: Path, run_mizzle) -> None:
    # prisma-engines' extension tests (`citext(schema: "public-temp")`): format_type prints a type of a schema off
    # the search_path qualified, `"public-temp".citext`; its quotes were stripped from the ends, the baseline said
    # `public-temp".citext` (PostgreSQL refused it) and drift saw `other"."posint` → `Other"."PosInt`
    with temp_database("mzedge") as source, temp_database("mzedge") as rebuilt:
        _execute(source, 'CREATE SCHEMA "public-temp"', 'CREATE SCHEMA "Other"', "CREATE SCHEMA app",
                 'CREATE EXTENSION citext WITH SCHEMA "public-temp"',
                 'CREATE DOMAIN "Other"."PosInt" AS int CHECK (VALUE > 0)', 'CREATE DOMAIN app."PosInt" AS int',
                 'CREATE DOMAIN "my-type" AS text',
                 'CREATE TABLE a (id int PRIMARY KEY, c "public-temp".citext, c2 "public-temp".citext[], '
                 'p "Other"."PosInt", p2 app."PosInt", m "my-type")')
        root = _project(tmp_path)
        (root / "mizzle.toml").write_text((root / "mizzle.toml").read_text()
                                          + 'schema_filter = ["public", "public-temp", "Other", "app"]\n')
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0 and "cannot express" not in r.stdout + r.stderr, r.stdout + r.stderr
        assert """PgType('"public-temp".citext')""" in (root / "db" / "schema.py").read_text()
        g = run_mizzle(["generate", "--check"], cwd=root, url=source)
        assert g.code == 0, g.stdout + g.stderr
        d = run_mizzle(["drift"], cwd=root, url=source)
        assert d.code == 0, d.stdout + d.stderr
        m = run_mizzle(["migrate"], cwd=root, url=rebuilt)
        assert m.code == 0, m.stdout + m.stderr
        assert schema_dump(rebuilt) == schema_dump(source)

"""Never silent (issue 17 item 11): what the database holds that mizzle does not manage is listed by pull,
drift and verify, one line per kind with the names, and never dropped; a statement that fails because such an
object depends on what it changes names the object; a failure after a commit boundary lists what stayed."""

from __future__ import annotations

from pathlib import Path

import psycopg
import psycopg.sql
import pytest
from pgtools import drain_drops, temp_database

pytestmark = pytest.mark.pg

UNMANAGED = [
    "CREATE TABLE t (id int PRIMARY KEY, name text, x int)",
    "CREATE VIEW tv AS SELECT id, name FROM t",
    "CREATE VIEW tv2 AS SELECT * FROM tv",
    "CREATE MATERIALIZED VIEW mv AS SELECT id FROM t",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
    "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tf()",
    "CREATE RULE rl AS ON UPDATE TO tv DO INSTEAD NOTHING",
    "CREATE POLICY pol ON t USING (true)",
    "CREATE DOMAIN posint AS int CHECK (VALUE > 0)",
    "CREATE TYPE pair AS (a int, b text)",
    "CREATE TYPE floatrange AS RANGE (subtype = float8)",
    "CREATE FUNCTION evt() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END'",
    "CREATE EVENT TRIGGER mz_evt ON ddl_command_start EXECUTE FUNCTION evt()",
    "CREATE PUBLICATION mz_pub FOR TABLE t",
    # an extension's view and its rule (as PostGIS's geometry_columns has them): the extension's, not listed
    "CREATE VIEW ext_v AS SELECT 1 AS x",
    "CREATE RULE ext_rl AS ON INSERT TO ext_v DO INSTEAD NOTHING",
    "ALTER EXTENSION plpgsql ADD VIEW ext_v",
]


def _project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
    return root


def _execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        for s in statements:
            c.execute(s)


# views, materialized views, functions, triggers, domains, composite types and policies are managed (pulled into
# the module with mizzle.pg), so not listed; floatrange's constructors are the type's
EXPECTED = [
    "1 rules: rl on public.tv",
    "1 range types: public.floatrange",
    "1 event triggers: mz_evt",
    "1 publications: mz_pub",
]


def _listed(text: str) -> None:
    lines = [ln for ln in text.splitlines() if "not managed by mizzle" in ln]
    for want in EXPECTED:
        assert sum(want in ln for ln in lines) == 1, (want, text)
    assert len(lines) == len(EXPECTED), text  # one line per kind, nothing else (plpgsql is not listed)


def test_unmanaged_objects_are_listed_by_pull_drift_and_verify_and_kept(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    with temp_database("mzunm") as db:
        _execute(db, *UNMANAGED)
        root = _project(tmp_path)
        r = run_mizzle(["pull"], cwd=root, url=db)
        assert r.code == 0, r.stderr
        _listed(r.stderr)
        d = run_mizzle(["drift"], cwd=root, url=db)
        assert d.code == 0, d.stdout + d.stderr  # listed, not drift
        _listed(d.stderr)
        # a change to the managed table leaves them all in place
        schema = root / "db" / "schema.py"
        schema.write_text(schema.read_text().replace('    sa.Column("x", sa.Integer),\n', ""))
        assert run_mizzle(["generate", "--name", "drop_x"], cwd=root).code in (0, 1)
        m = run_mizzle(["migrate"], cwd=root, url=db)
        assert m.code == 0, m.stdout + m.stderr
        _listed(run_mizzle(["drift"], cwd=root, url=db).stderr)
        # a migration written by hand that creates a range type (views are managed now): verify replays it and
        # lists it
        sql = (root / "migrations" / "0001_drop_x.sql").read_text()
        (root / "migrations" / "0001_drop_x.sql").write_text(
            sql + '--> statement-breakpoint\nCREATE TYPE "public"."intrange2" AS RANGE (subtype = int4);\n')
        v = run_mizzle(["verify", "--scratch-url", db], cwd=root)
        assert "not managed by mizzle (left as they are): 1 range types: public.intrange2" in v.stderr, \
            v.stdout + v.stderr


def test_a_dependent_view_is_named_and_what_committed_is_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path)
    (root / "db").mkdir()
    (root / "db" / "schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "t = sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.Text))\n")
    with temp_database("mzunm") as db:
        assert run_mizzle(["generate"], cwd=root).code == 0
        assert run_mizzle(["migrate"], cwd=root, url=db).code == 0
        _execute(db, "CREATE VIEW tv AS SELECT id, name FROM t", "CREATE VIEW tv2 AS SELECT * FROM tv")
        mig = root / "migrations"
        (root / "db" / "schema.py").write_text(
            "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
            "t = sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True), sa.Column('y', sa.Integer))\n")
        assert run_mizzle(["generate", "--name", "two", "--no-renames"], cwd=root).code in (0, 1)
        sql = next(mig.glob("0001_*.sql"))
        sql.write_text('ALTER TABLE "public"."t" ADD COLUMN "y" integer;\n-- mizzle:commit\n'
                       'ALTER TABLE "public"."t" DROP COLUMN "name";')
        m = run_mizzle(["migrate"], cwd=root, url=db)
        assert m.code == 1
        assert "depend on it" in m.stderr and "view tv, view tv2" in m.stderr, m.stderr
        assert "hint: drop view tv, view tv2 before this statement" in m.stderr
        assert 'committed (they stay in the database):\n  1. ALTER TABLE "public"."t" ADD COLUMN "y" integer;' \
            in m.stderr, m.stderr
        with psycopg.connect(db) as c:
            assert c.execute("SELECT count(*) FROM pg_views WHERE viewname IN ('tv', 'tv2')").fetchone() == (2,)


def test_a_non_default_tablespace_is_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """mizzle models no tablespaces: a table, index or exclusion constraint placed in one is listed by pull and
    drift (a rebuild from the schema code would put it in the default tablespace), not dropped silently."""
    import os
    import pwd
    import shutil
    import uuid

    location = Path(f"/tmp/mz_ts_{uuid.uuid4().hex[:8]}")
    try:  # CREATE TABLESPACE needs a directory the server owns: the server on this machine, and root to chown
        location.mkdir()
        os.chown(location, pwd.getpwnam("postgres").pw_uid, -1)
    except (OSError, KeyError):
        pytest.skip("cannot make a directory owned by the postgres user (CREATE TABLESPACE needs one)")
    name = location.name
    with temp_database("mzunm") as db:
        try:
            _execute(db, f"CREATE TABLESPACE {name} LOCATION '{location}'")
        except psycopg.Error as e:
            pytest.skip(f"CREATE TABLESPACE: {e}")
        try:
            _execute(db, f"CREATE TABLE t (id int PRIMARY KEY, r int4range, EXCLUDE USING gist (r WITH &&) "
                         f"USING INDEX TABLESPACE {name}) TABLESPACE {name}",
                     f"CREATE INDEX t_r ON t (r) TABLESPACE {name}")
            root = _project(tmp_path)
            for command in (["pull"], ["drift"]):
                r = run_mizzle(command, cwd=root, url=db)
                assert r.code == 0, r.stdout + r.stderr
                assert f"3 tablespace placements: public.t in {name}, public.t_r in {name}, public.t_r_excl in " \
                       f"{name}" in r.stderr, r.stderr
        finally:
            _execute(db, "DROP TABLE IF EXISTS t")
            _execute(db, f"DROP TABLESPACE IF EXISTS {name}")
            shutil.rmtree(location, ignore_errors=True)


def test_a_partitions_own_name_for_its_index_copy_is_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """The schema code declares a partitioned table's index once; a partition's copy under a name of its own
    (made ON ONLY and attached) would be renamed by a rebuild: listed, the copies PostgreSQL named are not."""
    with temp_database("mzunm") as db:
        _execute(db, "CREATE TABLE ev (id int, at int, PRIMARY KEY (id, at), UNIQUE (at, id)) PARTITION BY RANGE (at)",
                 "CREATE TABLE ev_1 PARTITION OF ev FOR VALUES FROM (0) TO (10)",
                 "CREATE INDEX ev_l ON ev (lower(id::text), id)",
                 "CREATE INDEX ev_id ON ONLY ev (id)", "CREATE INDEX my_custom ON ev_1 (id)",
                 "ALTER INDEX ev_id ATTACH PARTITION my_custom",
                 "CREATE TABLE ev_2 PARTITION OF ev FOR VALUES FROM (10) TO (20)",
                 # lago: a copy's name over 63 bytes, cut by PostgreSQL as makeObjectName cuts it (not read as
                 # renamed), and a second copy of the same columns taking `_idx1`
                 "CREATE TABLE events (organization_id uuid, external_subscription_id text, code text, ts int) "
                 "PARTITION BY RANGE (ts)", "CREATE TABLE events_default PARTITION OF events DEFAULT",
                 "CREATE INDEX idx_lookup ON events (organization_id, external_subscription_id, code, ts)",
                 "CREATE INDEX idx_lookup2 ON events (organization_id, external_subscription_id, code, ts)")
        root = _project(tmp_path)
        for command in (["pull"], ["drift"]):
            r = run_mizzle(command, cwd=root, url=db)
            assert r.code == 0, r.stdout + r.stderr
            lines = [ln for ln in r.stderr.splitlines() if "not managed by mizzle" in ln]
            assert lines == ["warning: not managed by mizzle (left as they are): 1 partition index names: "
                             "my_custom on public.ev_1"], r.stderr


def test_public_usage_revoked_from_schema_public_is_listed(tmp_path: Path) -> None:
    """`REVOKE USAGE ON SCHEMA public FROM PUBLIC`: introspection leaves PUBLIC's USAGE on schema public out of the
    grants (every database is created with it), so its absence went without a word — pull wrote no REVOKE, drift
    was clean, and the baseline's database had the USAGE again. pull and drift list it now."""
    from mizzle.commands.drift import drift
    from mizzle.commands.pull import pull
    from mizzle.config import load_config

    want = "1 schemas whose USAGE is revoked from PUBLIC (REVOKE USAGE ON SCHEMA … FROM PUBLIC): public"
    line = f"not managed by mizzle (left as they are): {want}"
    with temp_database("mzunm") as db:
        _execute(db, "CREATE TABLE t (id int PRIMARY KEY)")
        root = _project(tmp_path)
        _execute(db, "REVOKE USAGE ON SCHEMA public FROM PUBLIC")
        assert pull(load_config(root / "mizzle.toml"), db, mark=True).unmanaged == [line]
        assert drift(url=db, folder=root / "migrations").unmanaged == [line]
        _execute(db, "GRANT USAGE ON SCHEMA public TO PUBLIC")  # the default again: nothing to say
        assert drift(url=db, folder=root / "migrations").unmanaged == []


def test_objects_owned_by_another_role_are_listed_once_per_role(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """mizzle creates every object as the role it connects as and models no owners (apgdiff's
    alter_sequence_owner / alter_view_owner): a table and a view owned by another role went without a word, and a
    database built from the pulled module had them owned by the migrating role. Listed now, one line per owning
    role; a serial's sequence follows its table (not counted apart), an extension's objects are the extension's."""
    with temp_database("mzunm") as db:
        role = db.rsplit("/", 1)[1] + "_owner"
        _execute(db, f'CREATE ROLE "{role}" NOLOGIN')
        try:
            _execute(db, "CREATE TABLE t (id serial PRIMARY KEY)", "CREATE VIEW v AS SELECT id FROM t",
                     "CREATE TABLE mine (id int)", f'ALTER TABLE t OWNER TO "{role}"',
                     f'ALTER VIEW v OWNER TO "{role}"', "CREATE VIEW ext_v AS SELECT 1 AS x",
                     f'ALTER VIEW ext_v OWNER TO "{role}"', "ALTER EXTENSION plpgsql ADD VIEW ext_v")
            root = _project(tmp_path)
            want = (f"warning: not managed by mizzle (left as they are): 2 objects owned by role {role} (mizzle "
                    "creates objects as the role it connects as: ALTER … OWNER TO in a migration of your own): "
                    "public.t, public.v")
            for command in (["pull"], ["drift"]):
                r = run_mizzle(command, cwd=root, url=db)
                assert r.code == 0, r.stdout + r.stderr
                lines = [ln for ln in r.stderr.splitlines() if "not managed by mizzle" in ln]
                assert lines == [want], r.stderr
        finally:
            drain_drops()  # the databases queued for dropping hold grants to it
            _execute(db, "ALTER EXTENSION plpgsql DROP VIEW ext_v", f'DROP OWNED BY "{role}"',
                     f'DROP ROLE "{role}"')


def test_nothing_is_listed_when_the_connecting_role_owns_everything(tmp_path: Path) -> None:
    """The common case: every object (and schema public, which PostgreSQL 15 gives to pg_database_owner) is the
    connecting role's — no owners line."""
    from mizzle.commands.drift import drift
    from mizzle.commands.pull import pull
    from mizzle.config import load_config

    with temp_database("mzunm") as db:
        _execute(db, "CREATE SCHEMA app", "CREATE TYPE app.mood AS ENUM ('a', 'b')",
                 "CREATE TABLE app.t (id serial PRIMARY KEY, m app.mood)", "CREATE VIEW app.v AS SELECT id FROM app.t",
                 "CREATE SEQUENCE app.s", "CREATE TABLE public.p (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY)")
        root = _project(tmp_path)
        assert pull(load_config(root / "mizzle.toml"), db, mark=True).unmanaged == []
        assert drift(url=db, folder=root / "migrations").unmanaged == []


def test_a_column_of_a_type_outside_schema_filter_is_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """AdventureWorks for PostgreSQL (lorint/AdventureWorks-for-Postgres), pulled with `schema_filter = ["person"]`:
    its tables use the public domains "Name" and "Phone", which were not pulled; the module and the baseline name
    them, and the baseline failed in a new database (`type "Name" does not exist`) with not a word from pull. Each
    such column is listed once (a view's column over it, an extension's type are not)."""
    with temp_database("mzunm") as db:
        _execute(db, 'CREATE DOMAIN public."Name" AS varchar(50)', "CREATE TYPE public.mood AS ENUM ('a', 'b')",
                 "CREATE EXTENSION IF NOT EXISTS citext", "CREATE SCHEMA person",
                 'CREATE TABLE person.person (id int PRIMARY KEY, firstname "Name", moods public.mood[], '
                 "email citext, note text)",
                 "CREATE VIEW person.v AS SELECT firstname FROM person.person")
        root = _project(tmp_path)
        (root / "mizzle.toml").write_text((root / "mizzle.toml").read_text() + 'schema_filter = ["person"]\n')
        for command in (["pull"], ["drift"]):
            r = run_mizzle(command, cwd=root, url=db)
            assert r.code == 0, r.stdout + r.stderr
            line = next(ln for ln in r.stderr.splitlines() if "outside what was pulled (schema_filter)" in ln)
            assert line.endswith(': firstname (public."Name") on person.person, moods (public.mood) on '
                                 "person.person"), line
        # the enum column is written as the enum it is (pg.ENUM(create_type=False): named, not made): the module read
        # back matches the baseline, where PgType("mood") read as another type (`public.mood → mood`) (fx46)
        module = (root / "db" / "schema.py").read_text()
        assert 'pg.ENUM(name="mood", schema="public", create_type=False)' in module, module
        r = run_mizzle(["generate", "--check"], cwd=root)
        assert r.code == 0, r.stdout + r.stderr


def test_a_partitions_index_copy_with_storage_parameters_of_its_own_is_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Supabase's supachat example builds each day's partition by hand, its indexes `WITH (fillfactor=100)`, then
    attaches them under a partitioned index that has none. The schema code declares the index once, on the
    partitioned table, so a rebuild makes every copy without the fillfactor: pull and drift said nothing (the copy
    named as PostgreSQL names it) and the rebuilt pg_dump differed. Listed now, the copies made alike are not."""
    with temp_database("mzunm") as db:
        _execute(db, "CREATE TABLE chats (id bigint, created_at timestamptz, PRIMARY KEY (id, created_at)) "
                 "PARTITION BY RANGE (created_at)",
                 "CREATE INDEX chats_created_at ON chats (created_at)",
                 "CREATE TABLE chats_d1 (LIKE chats INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
                 "ALTER TABLE chats_d1 ADD PRIMARY KEY (id, created_at)",
                 "CREATE INDEX chats_d1_created_at_idx ON chats_d1 (created_at) WITH (fillfactor=100)",
                 "ALTER TABLE chats ATTACH PARTITION chats_d1 FOR VALUES FROM ('2023-09-13') TO ('2023-09-14')",
                 "CREATE TABLE chats_d2 PARTITION OF chats FOR VALUES FROM ('2023-09-14') TO ('2023-09-15')",
                 "CREATE TABLE kept (id int, k text) PARTITION BY LIST (k)",
                 "CREATE INDEX kept_id ON kept (id) WITH (fillfactor=90)",
                 "CREATE TABLE kept_a PARTITION OF kept FOR VALUES IN ('a')")
        root = _project(tmp_path)
        for command in (["pull"], ["drift"]):
            r = run_mizzle(command, cwd=root, url=db)
            assert r.code == 0, r.stdout + r.stderr
            lines = [ln for ln in r.stderr.splitlines() if "not managed by mizzle" in ln]
            assert lines == ["warning: not managed by mizzle (left as they are): 1 partition indexes with storage "
                             "parameters unlike their partitioned index's (WITH (…)): chats_d1_created_at_idx on "
                             "public.chats_d1 (fillfactor=100)"], r.stderr


def test_a_routine_taking_or_returning_a_type_outside_schema_filter_is_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """usebasejump/basejump, pulled with `schema_filter = ["public"]`: its public API functions take the enums of
    schema basejump (`public.create_invitation(account_id uuid, account_role basejump.account_role, invitation_type
    basejump.invitation_type)`); the module and the baseline name the types without making them, and the baseline
    failed in a new database (`schema "basejump" does not exist`) with not a word from pull or drift. Each such
    routine is listed with the types it names (an extension's type, citext here, is not)."""
    with temp_database("mzunm") as db:
        _execute(db, "CREATE SCHEMA basejump", "CREATE TYPE basejump.account_role AS ENUM ('owner', 'member')",
                 "CREATE EXTENSION IF NOT EXISTS citext",
                 "CREATE FUNCTION public.current_role_of(account_id uuid) RETURNS basejump.account_role "
                 "LANGUAGE sql AS $$ SELECT 'owner'::basejump.account_role $$",
                 "CREATE FUNCTION public.has_roles(roles basejump.account_role[], email citext) RETURNS boolean "
                 "LANGUAGE sql AS $$ SELECT true $$",
                 "CREATE FUNCTION public.plain(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$")
        root = _project(tmp_path)
        (root / "mizzle.toml").write_text((root / "mizzle.toml").read_text() + 'schema_filter = ["public"]\n')
        for command in (["pull"], ["drift"]):
            r = run_mizzle(command, cwd=root, url=db)
            assert r.code == 0, r.stdout + r.stderr
            line = next((ln for ln in r.stderr.splitlines() if "routines taking or returning" in ln), r.stderr)
            assert line.endswith(": public.current_role_of(account_id uuid) uses basejump.account_role, "
                                 "public.has_roles(roles basejump.account_role[], email citext) uses "
                                 "basejump.account_role"), line


def test_privileges_revoked_from_what_default_privileges_give_are_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Supabase's slack-clone example (examples/slack-clone/nextjs-slack-clone, its auth-hook migration) runs
    `revoke all on table public.user_roles from authenticated, anon` in a database whose default privileges grant
    every new public table to them. pull and drift listed the default privileges, no more: the baseline, run where
    they hold (a new Supabase project), gave anon and authenticated every privilege on user_roles again, and only a
    drift after it said so. The table and what it lacks are listed now; a table holding all it was given is not."""
    with temp_database("mzunm") as db:
        role = db.rsplit("/", 1)[1] + "_anon"
        _execute(db, f'CREATE ROLE "{role}" NOLOGIN')
        try:
            _execute(db, f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO "{role}"',
                     f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, USAGE ON SEQUENCES TO "{role}"',
                     "CREATE TABLE user_roles (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, role text)",
                     "CREATE TABLE channels (id bigint PRIMARY KEY)",
                     f'REVOKE ALL ON TABLE user_roles FROM "{role}"',
                     f'REVOKE SELECT ON SEQUENCE user_roles_id_seq FROM "{role}"')
            root = _project(tmp_path)
            want = ("2 privileges revoked from what default privileges give a new object (a rebuild where they hold "
                    "grants them again: REVOKE in a migration of your own): "
                    f"public.user_roles: DELETE, INSERT, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE to {role}, "
                    f"public.user_roles_id_seq: SELECT to {role}")
            for command in (["pull"], ["drift"]):
                r = run_mizzle(command, cwd=root, url=db)
                assert r.code == 0, r.stdout + r.stderr
                assert want in r.stderr, r.stderr
        finally:
            drain_drops()
            _execute(db, f'DROP OWNED BY "{role}"', f'DROP ROLE "{role}"')


def test_an_extensions_objects_holding_what_default_privileges_gave_them_are_not_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Supabase's nuxt3-todo-list example runs `create extension if not exists citext` in a database whose default
    privileges grant every new public function to anon, authenticated and service_role: citext's 47 functions got
    those grants as they were made (PostgreSQL records no initial privileges for them), and pull and drift listed all
    of them as 'privileges on an extension's objects' changed by hand, though a rebuild where those default
    privileges hold makes them the same. Only a privilege changed after that is listed."""
    with temp_database("mzunm") as db:
        role = db.rsplit("/", 1)[1] + "_anon"
        _execute(db, f'CREATE ROLE "{role}" NOLOGIN')
        try:
            _execute(db, f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO "{role}"',
                     "CREATE EXTENSION IF NOT EXISTS citext SCHEMA public",
                     "GRANT EXECUTE ON FUNCTION public.citext_eq(citext, citext) TO pg_monitor")
            root = _project(tmp_path)
            for command in (["pull"], ["drift"]):
                r = run_mizzle(command, cwd=root, url=db)
                assert r.code == 0, r.stdout + r.stderr
                line = next((ln for ln in r.stderr.splitlines() if "privileges on an extension's objects" in ln), "")
                assert line.endswith("1 privileges on an extension's objects (GRANT / REVOKE): "
                                     "public.citext_eq(citext, citext)"), r.stderr
        finally:
            drain_drops()
            _execute(db, f'DROP OWNED BY "{role}"', f'DROP ROLE "{role}"')


def test_a_function_holding_what_default_privileges_gave_it_is_not_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Supabase's slack-clone example: every function it makes (public.authorize, create_user, handle_new_user) gets
    EXECUTE for anon, authenticated and service_role from the database's default privileges, and pull and drift
    listed each under 'privileges on functions and procedures', though a rebuild where they hold makes them the same
    (pg_dump -s equal). Only a function whose privileges were changed after it was made is listed (the auth hook's
    `revoke execute … from authenticated, anon`)."""
    with temp_database("mzunm") as db:
        role = db.rsplit("/", 1)[1] + "_anon"
        _execute(db, f'CREATE ROLE "{role}" NOLOGIN')
        try:
            _execute(db, f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO "{role}"',
                     "CREATE FUNCTION public.authorize(p text) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$",
                     "CREATE FUNCTION public.hook(e jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT e $$",
                     f'REVOKE EXECUTE ON FUNCTION public.hook(jsonb) FROM "{role}"')
            root = _project(tmp_path)
            for command in (["pull"], ["drift"]):
                r = run_mizzle(command, cwd=root, url=db)
                assert r.code == 0, r.stdout + r.stderr
                line = next((ln for ln in r.stderr.splitlines() if "privileges on functions" in ln), "")
                assert line.endswith("1 privileges on functions and procedures (GRANT / REVOKE): "
                                     "public.hook(e jsonb)"), r.stderr
        finally:
            drain_drops()
            _execute(db, f'DROP OWNED BY "{role}"', f'DROP ROLE "{role}"')


def test_operator_classes_and_families_and_their_uses_are_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL's regression tests (create_table.sql: `CREATE OPERATOR CLASS test_int4_ops FOR TYPE int4 USING btree
    …; CREATE TABLE partkey_t (a int4) PARTITION BY RANGE (a test_int4_ops)`): pull and drift said nothing of the
    operator class, and the baseline's CREATE TABLE failed ("operator class "test_int4_ops" does not exist"). The
    class, a family made on its own, and what uses them are listed."""
    with temp_database("mzunm") as db:
        _execute(db, "CREATE FUNCTION my_int4_sort(int4, int4) RETURNS int LANGUAGE sql AS $$ SELECT btint4cmp($1, $2) $$",
                 "CREATE OPERATOR CLASS test_int4_ops FOR TYPE int4 USING btree AS OPERATOR 1 < (int4, int4), "
                 "OPERATOR 2 <= (int4, int4), OPERATOR 3 = (int4, int4), OPERATOR 4 >= (int4, int4), "
                 "OPERATOR 5 > (int4, int4), FUNCTION 1 my_int4_sort(int4, int4)",
                 "CREATE OPERATOR FAMILY loose_ops USING hash",
                 "CREATE TABLE partkey_t (a int4) PARTITION BY RANGE (a test_int4_ops)",
                 "CREATE TABLE ix (a int4)", "CREATE INDEX ix_a ON ix (a test_int4_ops)")
        root = _project(tmp_path)
        for command in (["pull"], ["drift"]):
            r = run_mizzle(command, cwd=root, url=db)
            assert r.code == 0, r.stdout + r.stderr
            out = r.stderr
            assert "1 operator classes: public.test_int4_ops (btree)\n" in out, out
            assert "1 operator families: public.loose_ops (hash)\n" in out, out
            assert "index ix_a uses operator class test_int4_ops for access method btree" in out, out
            assert "table partkey_t uses operator class test_int4_ops for access method btree" in out, out


def test_base_types_are_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL's regression tests (create_type.sql: `CREATE TYPE int42 (internallength = 4, input = int42_in,
    output = int42_out, …)`, a table column of it): pull and drift named the type's internal functions and their
    use by the type, never the type itself, which the module names as PgType("int42") and no baseline makes."""
    with temp_database("mzunm") as db:
        _execute(db, "CREATE TYPE int42",
                 "CREATE FUNCTION int42_in(cstring) RETURNS int42 AS 'int4in' LANGUAGE internal STRICT IMMUTABLE",
                 "CREATE FUNCTION int42_out(int42) RETURNS cstring AS 'int4out' LANGUAGE internal STRICT IMMUTABLE",
                 "CREATE TYPE int42 (internallength = 4, input = int42_in, output = int42_out, alignment = int4, "
                 "default = 42, passedbyvalue)",
                 "CREATE TABLE t (id int PRIMARY KEY, v int42, vs int42[])")
        root = _project(tmp_path)
        for command in (["pull"], ["drift"]):
            r = run_mizzle(command, cwd=root, url=db)
            assert r.code == 0, r.stdout + r.stderr
            assert "1 base types: public.int42\n" in r.stderr, r.stderr


def test_an_extension_comment_changed_from_its_control_files_is_listed(tmp_path: Path) -> None:
    """Sourcegraph's migrations run `COMMENT ON EXTENSION pg_stat_statements IS '…'` with a text of their own:
    `Extension(…)` has no comment, and a database made by the baseline's `CREATE EXTENSION` has the extension's
    own; pull and drift said nothing. An extension keeping the comment its control file gives is not listed."""
    from mizzle.commands.drift import drift
    from mizzle.commands.pull import pull
    from mizzle.config import load_config

    line = "not managed by mizzle (left as they are): 1 comments: extension pg_trgm"
    with temp_database("mzunm") as db:
        _execute(db, "CREATE TABLE t (id int PRIMARY KEY)", "CREATE EXTENSION pg_trgm", "CREATE EXTENSION citext")
        root = _project(tmp_path)
        _execute(db, "COMMENT ON EXTENSION pg_trgm IS 'our trigram search'")
        assert pull(load_config(root / "mizzle.toml"), db, mark=True).unmanaged == [line]
        assert drift(url=db, folder=root / "migrations").unmanaged == [line]
        with psycopg.connect(db, autocommit=True) as c:  # its control file's text again: nothing to say
            row = c.execute("SELECT comment FROM pg_available_extensions WHERE name = 'pg_trgm'").fetchone()
            assert row is not None
            c.execute(psycopg.sql.SQL("COMMENT ON EXTENSION pg_trgm IS {}").format(psycopg.sql.Literal(row[0])))
        assert drift(url=db, folder=root / "migrations").unmanaged == []

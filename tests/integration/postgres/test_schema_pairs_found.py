"""Facts that other schema-diff tools' test suites (migra's pairs, psqldef's cases, atlas's scripts) showed
mizzle losing or breaking, rebuilt here in our own SQL: a database holding all of them is pulled, the pulled code
finds nothing to generate and no drift, and its baseline rebuilds the same database (pg_dump -s equal)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from pgtools import USER, schema_dump, temp_database

pytestmark = pytest.mark.pg

SOURCE = [
    "CREATE EXTENSION pg_trgm",
    # a domain whose CHECK calls a function: the function is made first
    "CREATE FUNCTION is_email(t text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT t LIKE '%@%' $$",
    "CREATE DOMAIN email AS text CHECK (is_email(VALUE))",
    'CREATE DOMAIN "PositiveInt" AS int CHECK (VALUE > 0)',  # a mixed-case type name, quoted where used
    "CREATE TABLE parent (id int, k int, PRIMARY KEY (id, k))",
    """CREATE TABLE people (
         id int PRIMARY KEY, name text NOT NULL, contact email, score "PositiveInt",
         pid int, pk int,
         seen timestamp DEFAULT (now() AT TIME ZONE 'utc'),
         CONSTRAINT admin_name CHECK (CASE WHEN name LIKE 'admin%' THEN id < 100 ELSE true END),
         FOREIGN KEY (pid, pk) REFERENCES parent (id, k) MATCH FULL)""",
    "CREATE INDEX people_lower ON people (lower(name) text_pattern_ops)",
    "CREATE INDEX people_trgm ON people USING gin (lower(name) gin_trgm_ops)",
    "CREATE VIEW people_v AS SELECT id, name FROM people",
    """CREATE FUNCTION people_v_ins() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN INSERT INTO people (id, name) VALUES (NEW.id, NEW.name); RETURN NEW; END $$""",
    "CREATE TRIGGER people_v_ins INSTEAD OF INSERT ON people_v FOR EACH ROW EXECUTE FUNCTION people_v_ins()",
    # an integer column over a bigint sequence it owns, as old pg_dumps wrote serials (apgdiff's add_owned_sequence:
    # read as a serial, rebuilt with an integer sequence)
    "CREATE TABLE legacy (id integer NOT NULL)",
    "CREATE SEQUENCE legacy_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1",
    "ALTER SEQUENCE legacy_id_seq OWNED BY legacy.id",
    "ALTER TABLE legacy ALTER COLUMN id SET DEFAULT nextval('legacy_id_seq'::regclass)",
    # FORCE ROW LEVEL SECURITY without ENABLE (apgdiff's enable_force_rls: pull enabled it)
    "CREATE TABLE projects (id int PRIMARY KEY)",
    "ALTER TABLE projects FORCE ROW LEVEL SECURITY",
    # an operator class's parameters, on the type's default class too (atlas's index-operator-class: pulled as a
    # plain gist index, siglen lost)
    "CREATE TABLE docs (id int PRIMARY KEY, body tsvector)",
    "CREATE INDEX docs_body ON docs USING gist (body tsvector_ops (siglen='8'))",
    # a trigger's and its table's names quoted with a space (pg-schema-diff's trigger cases: not pulled)
    'CREATE TABLE "odd table" (id int PRIMARY KEY, v int)',
    'CREATE TRIGGER "odd trigger" BEFORE UPDATE ON "odd table" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) '
    "EXECUTE FUNCTION people_v_ins()",
    # a partitioned table's trigger, which PostgreSQL clones onto each partition (pulled twice, the rebuild failed)
    "CREATE TABLE pe (id int, k text) PARTITION BY LIST (k)",
    "CREATE TABLE pe_a PARTITION OF pe FOR VALUES IN ('a')",
    "CREATE TRIGGER pe_t BEFORE UPDATE ON pe FOR EACH ROW EXECUTE FUNCTION people_v_ins()",
    # bpchar without a length: blank-padded of any length, not char(1) (atlas's column types: pulled as char(1))
    "CREATE TABLE padded (id int PRIMARY KEY, c bpchar, d bpchar[] DEFAULT '{}', e char(3))",
    "CREATE INDEX padded_c ON padded (c bpchar_ops)",
    # a foreign key referencing a partition, not its partitioned table (pulled code did not load: the partition
    # declared none of the columns it references)
    "CREATE TABLE pk_parted (id int, k text, PRIMARY KEY (id, k)) PARTITION BY LIST (k)",
    "CREATE TABLE pk_parted_a PARTITION OF pk_parted FOR VALUES IN ('a')",
    "CREATE TABLE to_partition (id int PRIMARY KEY, pid int, pk text, FOREIGN KEY (pid, pk) REFERENCES pk_parted_a)",
    # domains built on a composite type, on another domain and on a table's row type, and a composite type of a
    # domain (PostgREST's test schema: the pulled baseline made the domains first, in name order, and failed)
    "CREATE TYPE pt AS (x int, y int)",
    "CREATE DOMAIN d_pt AS pt",
    "CREATE DOMAIN b_base AS int CHECK (VALUE > 0)",
    "CREATE DOMAIN a_derived AS b_base",
    "CREATE TYPE c_derived AS (a a_derived)",
    "CREATE TABLE row_src (id int PRIMARY KEY)",
    "CREATE DOMAIN a_row AS row_src",
    "CREATE FUNCTION takes_row(r a_row) RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "CREATE TABLE uses_domains (id int PRIMARY KEY, v a_derived, p d_pt)",
    # a view named as a built-in type, and a table with a column of that type (PostgREST's `xml` view: the table was
    # ordered after the views, and a function taking its row type before it)
    "CREATE VIEW xml AS SELECT 1 AS a",
    "CREATE TABLE xml_doc (id int PRIMARY KEY, x xml)",
    "CREATE FUNCTION takes_doc(n xml_doc) RETURNS int LANGUAGE sql AS 'SELECT 1'",
]


def test_a_database_of_found_cases_is_pulled_and_rebuilt(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    with temp_database("mzfound") as source, temp_database("mzfound") as rebuilt:
        with psycopg.connect(source, autocommit=True) as c:
            for s in SOURCE:
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0, r.stderr
        assert "cannot express" not in r.stdout + r.stderr and "does not load" not in r.stdout + r.stderr, r.stderr
        code = (tmp_path / "db" / "schema.py").read_text()
        assert "force_rls(projects)" in code and "enable_rls(projects" not in code
        assert 'match="FULL"' in code and "'admin%'" in code and "%%" not in code
        assert "tsvector_ops (siglen='8')" in code and "Trigger('odd trigger'" in code
        assert code.count("Trigger('pe_t'") == 1, code
        assert code.count('PgType("bpchar")') == 2 and "sa.CHAR(3)" in code, code
        g = run_mizzle(["generate", "--check"], cwd=tmp_path, url=source)
        assert g.code == 0, g.stdout + g.stderr
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        assert d.code == 0, d.stdout + d.stderr
        m = run_mizzle(["migrate"], cwd=tmp_path, url=rebuilt)
        assert m.code == 0, m.stdout + m.stderr
        assert schema_dump(rebuilt) == schema_dump(source)


def test_settings_mizzle_does_not_model_are_listed_not_lost(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """apgdiff's add_cluster, add_statistics and disable_trigger pairs: CLUSTER ON, SET STATISTICS and a disabled
    trigger are not modelled (nor pg-schema-diff's REPLICA IDENTITY FULL, its partitioned key added ONLY, or a
    partition's UNIQUE constraint under a partitioned unique index), so pull, drift and verify name them (never
    silently gone)."""
    with temp_database("mzfound") as source:
        with psycopg.connect(source, autocommit=True) as c:
            for s in ("CREATE TABLE t (id int PRIMARY KEY, v int)", "CREATE INDEX t_v ON t (v)",
                      "ALTER TABLE t CLUSTER ON t_v", "ALTER TABLE t ALTER COLUMN v SET STATISTICS 100",
                      "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
                      "CREATE TRIGGER t_f BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()",
                      "ALTER TABLE t DISABLE TRIGGER t_f", "CREATE VIEW tv AS SELECT id FROM t",
                      "GRANT SELECT ON tv TO PUBLIC", "CREATE TABLE kid (extra int) INHERITS (t)",
                      "ALTER TABLE ONLY kid ALTER COLUMN v SET DEFAULT 0", "GRANT SELECT (v) ON t TO PUBLIC",
                      # PostgREST's complex_items_view: a default an INSERT through the view takes
                      "ALTER VIEW tv ALTER COLUMN id SET DEFAULT 7",
                      "ALTER TABLE kid REPLICA IDENTITY FULL",
                      "CREATE TABLE pt (id int NOT NULL, k text NOT NULL) PARTITION BY LIST (k)",
                      "CREATE TABLE pt_a PARTITION OF pt FOR VALUES IN ('a')",
                      "ALTER TABLE ONLY pt ADD CONSTRAINT pt_pkey PRIMARY KEY (k, id)",
                      "CREATE TABLE pu (id int NOT NULL, k text NOT NULL) PARTITION BY LIST (k)",
                      "CREATE TABLE pu_a PARTITION OF pu FOR VALUES IN ('a')",
                      "ALTER TABLE pu_a ADD CONSTRAINT pu_a_k_id_key UNIQUE (k, id)",
                      "CREATE UNIQUE INDEX pu_k_id ON pu (k, id)",
                      # a foreign key to a partitioned unique index is no constraint of that index's own
                      "CREATE TABLE pv (k text, id int, FOREIGN KEY (k, id) REFERENCES pu (k, id))",
                      # a function bound to a built-in one (MusicBrainz's immutable_unaccent): drift named nothing
                      "CREATE FUNCTION myabs(int) RETURNS int LANGUAGE internal IMMUTABLE STRICT AS 'int4abs'",
                      # a partition's own NOT NULL on a column its parent has nullable (pull read only local
                      # columns: lost); a partition's own key makes its columns NOT NULL too, and that key is
                      # modelled: not listed
                      "CREATE TABLE pn (id int, k text, v int) PARTITION BY LIST (k)",
                      "CREATE TABLE pn_a PARTITION OF pn (v WITH OPTIONS NOT NULL) FOR VALUES IN ('a')",
                      "CREATE TABLE pn_b PARTITION OF pn (PRIMARY KEY (k, id)) FOR VALUES IN ('b')"):
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0, r.stderr
        out = r.stdout + r.stderr
        assert "clustered indexes (CLUSTER ON): t_v on public.t" in out, out
        assert "column statistics targets (SET STATISTICS): v 100 on public.t" in out, out
        assert "trigger states (DISABLE / ENABLE REPLICA / ALWAYS): t_f disabled on public.t" in out, out
        assert "defaults set on an inherited column: v 0 on public.kid" in out, out
        assert "defaults set on a view's column (ALTER VIEW … SET DEFAULT): id 7 on public.tv" in out, out
        # privileges on a view and on a column are managed: declared, not listed
        assert "privileges on views" not in out and "column privileges" not in out, out
        text = (tmp_path / "db" / "schema.py").read_text()
        assert 'Grant("select", view="public.tv", to="public")' in text, text
        assert 'Grant("select", on=t, columns=["v"], to="public")' in text, text
        assert "replica identities (REPLICA IDENTITY): public.kid full" in out, out
        assert "NOT NULL set on an inherited column: v on public.pn_a\n" in out, out
        assert "invalid indexes: pt_pkey on public.pt" in out, out
        assert "partition indexes unlike their partitioned index (constraint or not): pu_a_k_id_key on public.pu_a\n" \
            in out, out
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        assert d.code == 0 and "clustered indexes" in d.stdout + d.stderr, d.stdout + d.stderr
        assert "C and internal functions: public.myabs(integer)" in d.stdout + d.stderr, d.stdout + d.stderr


ATTACH_STEPS = {
    "plain": '''
pt_b = sa.Table("pt_b", metadata, sa.Column("id", sa.Integer, autoincrement=False), sa.Column("k", sa.Text),
                sa.Index("pt_b_id_idx", sa.desc("id")), sa.Index("pt_b_k_idx", "k"))
''',
    "attached": '''
pt_b = sa.Table("pt_b", metadata, sa.Column("k", sa.Text, info={"mizzle": {"inherited": True}}),
                sa.Index("pt_b_k_idx", "k"), info={"mizzle": {"partition_of": "pt", "bounds": "FOR VALUES IN ('b')"}})
''',
    "attached, index kept": '''
pt_b = sa.Table("pt_b", metadata, sa.Column("id", sa.Integer, info={"mizzle": {"inherited": True}}),
                sa.Index("pt_b_id_idx", sa.desc("id")), info={"mizzle": {"partition_of": "pt", "bounds": "FOR VALUES IN ('b')"}})
''',
}
ATTACH_HEAD = '''import sqlalchemy as sa
metadata = sa.MetaData()
pt = sa.Table("pt", metadata, sa.Column("id", sa.Integer, autoincrement=False), sa.Column("k", sa.Text),
              sa.Index("pt_id_idx", "id"), postgresql_partition_by="LIST (k)")
'''


def test_attach_partition_and_the_matching_index(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """pg-schema-diff's "partition is not attached": ATTACH PARTITION would make the table's index matching a
    partitioned index (ASC/DESC aside) that index's partition copy. Schema code keeping it as the table's own is
    refused with the reason; dropped, it goes before the ATTACH, and the database ends as one built afresh."""
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
    (tmp_path / "db").mkdir()
    schema = tmp_path / "db" / "schema.py"
    fresh = tmp_path / "fresh"
    (fresh / "db").mkdir(parents=True)
    (fresh / "mizzle.toml").write_text((tmp_path / "mizzle.toml").read_text())
    with temp_database("mzattach") as url, temp_database("mzattach") as fresh_url:
        schema.write_text(ATTACH_HEAD + ATTACH_STEPS["plain"])
        assert run_mizzle(["generate", "--name", "plain"], cwd=tmp_path).code == 0
        assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
        schema.write_text(ATTACH_HEAD + ATTACH_STEPS["attached, index kept"])
        g = run_mizzle(["generate", "--name", "kept"], cwd=tmp_path)
        assert g.code != 0 and "pt_b_id_idx the partition's copy of pt_id_idx" in g.stderr, g.stdout + g.stderr
        schema.write_text(ATTACH_HEAD + ATTACH_STEPS["attached"])
        g = run_mizzle(["generate", "--name", "attached"], cwd=tmp_path)
        assert g.code == 0, g.stdout + g.stderr
        sql = next((tmp_path / "migrations").glob("0001_*.sql")).read_text()
        assert sql.index('DROP INDEX "public"."pt_b_id_idx"') < sql.index("ATTACH PARTITION"), sql
        assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
        d = run_mizzle(["drift"], cwd=tmp_path, url=url)
        assert d.code == 0 and "not managed" not in d.stdout + d.stderr, d.stdout + d.stderr
        (fresh / "db" / "schema.py").write_text(schema.read_text())
        assert run_mizzle(["generate", "--name", "init"], cwd=fresh).code == 0
        assert run_mizzle(["migrate"], cwd=fresh, url=fresh_url).code == 0
        assert schema_dump(url) == schema_dump(fresh_url)


def test_casts_wrappers_mappings_and_routine_privileges_are_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """pgquarrel's cast, fdw, user-mapping and function pairs: a cast, a foreign-data wrapper, a user mapping and
    the privileges of a function or a domain, a domain's COLLATE, and pgquarrel's table pair's storage parameters, column storage and options and typed
    tables (CREATE TABLE … OF type) went without a word (pull wrote nothing of them, drift said nothing
    and the pair's migration left them out); they are listed by name now."""
    with temp_database("mzfound") as source:
        with psycopg.connect(source, autocommit=True) as c:
            for s in ("CREATE CAST (json AS text) WITHOUT FUNCTION",
                      "CREATE FOREIGN DATA WRAPPER plain_wrapper", "CREATE SERVER far FOREIGN DATA WRAPPER plain_wrapper",
                      "CREATE USER MAPPING FOR PUBLIC SERVER far",
                      "CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT i + 1 $$",
                      "REVOKE EXECUTE ON FUNCTION add_one(int) FROM PUBLIC",
                      "CREATE DOMAIN small AS int CHECK (VALUE < 10)", "REVOKE USAGE ON DOMAIN small FROM PUBLIC",
                      "CREATE TABLE t (id int PRIMARY KEY, v small)",
                      'CREATE DOMAIN code AS varchar(20) COLLATE "C" NOT NULL', "CREATE DOMAIN plain_code AS text",
                      "CREATE TABLE tuned (id int PRIMARY KEY, body text, n int) WITH (fillfactor = 70)",
                      "ALTER TABLE tuned ALTER COLUMN body SET STORAGE EXTERNAL",
                      "ALTER TABLE tuned ALTER COLUMN n SET (n_distinct = 7)",
                      "CREATE TYPE pair AS (l int, r int)", "CREATE TABLE pairs OF pair",
                      # privileges of the owner itself (supabase/postgres-meta grants a column's UPDATE to it)
                      "GRANT UPDATE (v) ON t TO CURRENT_USER", "REVOKE TRUNCATE ON tuned FROM CURRENT_USER",
                      "GRANT SELECT ON pairs TO pg_monitor",
                      # tambo's: default privileges, and an extension's function granted to a role
                      "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO pg_monitor",
                      "CREATE EXTENSION IF NOT EXISTS pgcrypto",
                      "GRANT EXECUTE ON FUNCTION digest(text, text) TO pg_monitor"):
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0, r.stderr
        want = ["1 casts: (json AS text)", "1 foreign-data wrappers: plain_wrapper", "1 user mappings: public for far",
                "1 privileges on functions and procedures (GRANT / REVOKE): public.add_one(i integer)",
                "1 privileges on types and domains (GRANT / REVOKE): public.small",
                '1 domain collations (COLLATE): public.code "C"',
                "1 table storage parameters (WITH (…)): public.tuned (fillfactor=70)",
                "1 typed tables (OF type; made again as plain tables): public.pairs of pair",
                "1 column storage (SET STORAGE): body external on public.tuned",
                "1 column options (SET (n_distinct …)): n (n_distinct=7) on public.tuned",
                "2 privileges of an object's owner (GRANT / REVOKE to the owner): public.tuned, v on public.t",
                f"1 default privileges (ALTER DEFAULT PRIVILEGES): for {USER} in public on tables",
                "1 privileges on an extension's objects (GRANT / REVOKE): public.digest(text, text)"]
        for text in (r.stderr, run_mizzle(["drift"], cwd=tmp_path, url=source).stderr):
            for w in want:
                assert f"not managed by mizzle (left as they are): {w}\n" in text, (w, text)



def test_a_columns_compression_is_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """An openEHR schema's `ALTER TABLE openehr.tbl_ehr_data ALTER COLUMN data SET COMPRESSION lz4` (jsonb): pull
    wrote neither the module nor the baseline with it and said nothing, drift neither; a database migrated from the
    baseline compressed the column with the server's default. It is listed by name now, as SET STORAGE is."""
    with temp_database("mzcompress") as source:
        with psycopg.connect(source, autocommit=True) as c:
            c.execute("CREATE TABLE tbl_ehr_data (id uuid PRIMARY KEY, data jsonb NOT NULL, note text)")
            c.execute("ALTER TABLE tbl_ehr_data ALTER COLUMN data SET COMPRESSION lz4")
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0, r.stderr
        want = "not managed by mizzle (left as they are): 1 column compression (SET COMPRESSION): data lz4 on " \
               "public.tbl_ehr_data\n"
        for text in (r.stderr, run_mizzle(["drift"], cwd=tmp_path, url=source).stderr):
            assert want in text, text


def test_a_keys_index_include_and_storage_parameters_are_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL's own CREATE TABLE example `distributors (…, UNIQUE(name) WITH (fillfactor=70))`, a primary key
    `WITH (fillfactor=80)` and a `UNIQUE (a) INCLUDE (b)`: pull wrote the keys without them and said nothing (the
    table's own WITH was listed), drift neither, and a database migrated from the baseline had plain keys."""
    with temp_database("mzkeyopts") as source:
        with psycopg.connect(source, autocommit=True) as c:
            c.execute("CREATE TABLE distributors (did integer, name varchar(40), UNIQUE(name) WITH (fillfactor=70))")
            c.execute("CREATE TABLE k (id int PRIMARY KEY WITH (fillfactor=80), a int, b int, "
                      "CONSTRAINT k_a UNIQUE (a) INCLUDE (b))")
            c.execute("CREATE TABLE plain (id int PRIMARY KEY, a int UNIQUE)")
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0, r.stderr
        want = ("not managed by mizzle (left as they are): 3 key and unique constraint index options (INCLUDE, "
                "WITH (…)): public.distributors.distributors_name_key UNIQUE (name) WITH (fillfactor=70), "
                "public.k.k_a UNIQUE (a) INCLUDE (b), public.k.k_pkey PRIMARY KEY (id) WITH (fillfactor=80)\n")
        for text in (r.stderr, run_mizzle(["drift"], cwd=tmp_path, url=source).stderr):
            assert want in text, text

def test_initially_deferred_alone_is_a_deferrable_foreign_key(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Alembic's FK-options tests: `ForeignKeyConstraint(..., initially="DEFERRED")` without deferrable=True is
    DEFERRABLE INITIALLY DEFERRED in a create_all database (PostgreSQL implies DEFERRABLE); mizzle read it as a plain
    foreign key, so its migration made one that checks at once, and drift saw nothing."""
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "migrations"\n')
    (tmp_path / "schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "owners = sa.Table('owners', metadata, sa.Column('id', sa.Integer, primary_key=True))\n"
        "pets = sa.Table('pets', metadata, sa.Column('id', sa.Integer, primary_key=True), sa.Column('owner', sa.Integer),"
        " sa.ForeignKeyConstraint(['owner'], ['owners.id'], name='pets_owner_fk', initially='DEFERRED'))\n")
    with temp_database("mzfound") as url:
        assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
        m = run_mizzle(["migrate"], cwd=tmp_path, url=url)
        assert m.code == 0, m.stdout + m.stderr
        with psycopg.connect(url) as c:
            row = c.execute("SELECT condeferrable, condeferred FROM pg_constraint WHERE conname = 'pets_owner_fk'").fetchone()
        assert row == (True, True)
        d = run_mizzle(["drift"], cwd=tmp_path, url=url)
        assert d.code == 0, d.stdout + d.stderr


ROW_TYPED = [
    "CREATE TABLE notes (id int PRIMARY KEY, body text)",
    "CREATE VIEW short_notes AS SELECT id, body FROM notes WHERE length(body) < 10",
    "CREATE TYPE note_box AS (note notes, tag text)",
    "CREATE FUNCTION note_len(n notes) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN length(n.body); END $$",
    "CREATE FUNCTION short_len(s public.short_notes) RETURNS int LANGUAGE sql AS $$ SELECT length(s.body) $$",
    "CREATE FUNCTION box_tag(b note_box) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN b.tag; END $$",
    "CREATE FUNCTION all_notes() RETURNS SETOF notes LANGUAGE sql AS $$ SELECT * FROM notes $$",
    "CREATE FUNCTION pinned() RETURNS int LANGUAGE sql SET search_path = '' AS $$ SELECT 1 $$",
    "CREATE TYPE pair_of_ints AS (a int, b int)",
    "CREATE FUNCTION pair_sum(p pair_of_ints) RETURNS int LANGUAGE sql AS $$ SELECT p.a + p.b $$",
]


def _pulled_rebuilt_and_emptied(tmp_path: Path, run_mizzle: Any, statements: list[str]) -> None:
    """The database `statements` make, pulled; the baseline migrated into a new database, which must then dump alike
    and show no drift; then a migration to an empty schema code, which must leave nothing in public."""
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
    with temp_database("mzrow") as source, temp_database("mzrow") as rebuilt:
        with psycopg.connect(source, autocommit=True) as c:
            for s in statements:
                c.execute(s)
        assert run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=source).code == 0
        m = run_mizzle(["migrate"], cwd=tmp_path, url=rebuilt)
        assert m.code == 0, m.stdout + m.stderr
        assert schema_dump(rebuilt) == schema_dump(source)
        assert run_mizzle(["drift"], cwd=tmp_path, url=rebuilt).code == 0
        check = run_mizzle(["generate", "--check"], cwd=tmp_path)
        assert check.code == 0, check.stdout + check.stderr
        (tmp_path / "db" / "schema.py").write_text("import sqlalchemy as sa\n\nmetadata = sa.MetaData()\n")
        g = run_mizzle(["generate", "--name", "empty"], cwd=tmp_path)
        assert g.code in (0, 1), g.stdout + g.stderr
        m = run_mizzle(["migrate"], cwd=tmp_path, url=rebuilt)
        assert m.code == 0, m.stdout + m.stderr
        with psycopg.connect(rebuilt) as c:
            left = c.execute("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace").fetchone()
        assert left == (0,)


def test_routines_and_types_over_row_types_are_made_after_and_dropped_before(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """supabase/postgres-meta's test database: functions taking a table's or a view's row type, a composite type
    with an attribute of a table's row type, and `SET search_path = ''`. Made from nothing, the functions and the
    type came before their tables (`type "todos" does not exist`); dropped, the view and the table went before
    the routines and type using them (`cannot drop view … because other objects depend on it`); the search_path
    was written '""', a schema of that name."""
    _pulled_rebuilt_and_emptied(tmp_path, run_mizzle, ROW_TYPED)


ROW_TYPED_COLUMNS = [
    "CREATE TABLE zz_rows (id int PRIMARY KEY, body text)",
    "CREATE VIEW zz_view AS SELECT id, body FROM zz_rows",
    "CREATE TABLE aa_users (id int PRIMARY KEY, one zz_rows, many zz_rows[], seen zz_view)",
]


def test_columns_of_a_tables_or_views_row_type_are_made_after_it_and_dropped_before(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """supabase/postgres-meta's test database has a column of a view's row type; a table's row type is alike. The
    table using it was created first, in name order (`type "zz_rows" does not exist`), and an empty schema dropped
    the view or table before it (`other objects depend on it`)."""
    _pulled_rebuilt_and_emptied(tmp_path, run_mizzle, ROW_TYPED_COLUMNS)


def test_a_defaults_cast_with_a_type_modifier_is_pulled_as_the_server_stores_it(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """latitude's `DEFAULT '{}'::varchar(24)[]`: the server keeps the cast with its modifier, and adds none to a bare
    `DEFAULT '{}'` (it stores `'{}'::character varying[]`); pull's baseline wrote the bare literal, so the rebuilt
    database stored another text (the same meaning)."""
    _pulled_rebuilt_and_emptied(tmp_path, run_mizzle, [
        "CREATE TABLE typed_defaults (id int PRIMARY KEY, a varchar(24)[] DEFAULT '{}'::varchar(24)[], "
        "b varchar(24) DEFAULT 'x'::varchar(24), c numeric(10,2)[] DEFAULT '{}'::numeric(10,2)[], "
        "d varchar(24)[] DEFAULT '{}', e numeric(10,2) DEFAULT 1.5::numeric(10,2), f varchar(24) DEFAULT 'y', "
        "g timestamp(3) DEFAULT '2020-01-01'::timestamp(3) without time zone)"])


def test_a_composite_keys_autoincrement_column_comes_first_as_in_create_all(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Alembic's autoincrement tests: create_all writes a composite primary key with its `autoincrement=True`
    column first (`PRIMARY KEY (seq, region)`); mizzle wrote the columns in table order, another index."""
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "migrations"\n')
    (tmp_path / "schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "events = sa.Table('events', metadata, sa.Column('region', sa.Integer, primary_key=True),"
        " sa.Column('seq', sa.BigInteger, primary_key=True, autoincrement=True))\n")
    with temp_database("mzfound") as url:
        assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
        m = run_mizzle(["migrate"], cwd=tmp_path, url=url)
        assert m.code == 0, m.stdout + m.stderr
        with psycopg.connect(url) as c:
            key = c.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'p'").fetchone()
        assert key == ("PRIMARY KEY (seq, region)",)
        d = run_mizzle(["drift"], cwd=tmp_path, url=url)
        assert d.code == 0, d.stdout + d.stderr


def test_a_search_path_the_database_sets_is_named(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """MusicBrainz's database sets `search_path = musicbrainz, public`: the server prints the names it finds there
    unqualified, so the pulled baseline built a database only where that is set too — and nothing said so."""
    with temp_database("mzpath") as source:
        name = source.rsplit("/", 1)[1]
        with psycopg.connect(source, autocommit=True) as c:
            c.execute(f'ALTER DATABASE "{name}" SET search_path = app, public')
        with psycopg.connect(source, autocommit=True) as c:
            for s in ("CREATE SCHEMA app", "CREATE TYPE app.mood AS ENUM ('ok', 'sad')",
                      "CREATE TABLE app.t (id int PRIMARY KEY, m app.mood)",
                      "CREATE FUNCTION app.is_ok(m app.mood) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT m = 'ok' $$"):
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        line = "search path settings (ALTER DATABASE / ROLE … SET search_path): app, public"
        r = run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=source)
        assert r.code == 0 and line in r.stdout + r.stderr, r.stdout + r.stderr
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        assert line in d.stdout + d.stderr, d.stdout + d.stderr


def test_what_uses_an_object_mizzle_does_not_pull_is_named(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """pagila's view calling the aggregate group_concat, MusicBrainz's columns and indexes in a collation of its own:
    the pulled baseline fails where those are not made first, and only the aggregate and the collation were named."""
    with temp_database("mzuses") as source:
        with psycopg.connect(source, autocommit=True) as c:
            for s in ("CREATE FUNCTION _gc(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT $1 || $2'",
                      "CREATE AGGREGATE gc(text) (sfunc = _gc, stype = text)",
                      "CREATE TABLE t (s text)", "CREATE VIEW v AS SELECT gc(s) FROM t",
                      "CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                      "CREATE TABLE u (n text COLLATE ci)", "CREATE INDEX u_n ON u (n COLLATE ci)",
                      # hatchet's uuidrange: the column named, not the type's own constructors
                      "CREATE TYPE uuidrange AS RANGE (SUBTYPE = uuid)", "CREATE TABLE b (r uuidrange, rs uuidrange[])"):
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        line = ("5 uses of what mizzle does not manage (make that first where pulled SQL runs): column n of table u "
                "uses collation ci, column r of table b uses type uuidrange, column rs of table b uses type "
                "uuidrange[], index u_n uses collation ci, view public.v uses function gc(text)")
        r = run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=source)
        assert r.code == 0 and line in r.stdout + r.stderr, r.stdout + r.stderr
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        assert line in d.stdout + d.stderr, d.stdout + d.stderr


def test_a_defaults_cast_to_another_type_than_its_columns_is_pulled_as_the_server_stores_it(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """supabase/auth's users.phone_change: added `VARCHAR(15) DEFAULT ''`, later `alter column phone_change type
    text`; the server keeps `''::character varying`. Pull's baseline wrote `DEFAULT ''`, stored `''::text`."""
    _pulled_rebuilt_and_emptied(tmp_path, run_mizzle, [
        "CREATE TABLE users (id int PRIMARY KEY, phone_change varchar(15) DEFAULT '', n int DEFAULT 1, "
        "code text[] DEFAULT '{}'::varchar[], v varchar(9) DEFAULT 'x', w varchar(9)[] DEFAULT '{}', "
        "t timestamptz DEFAULT '2020-01-01'::timestamptz)",
        "ALTER TABLE users ALTER COLUMN phone_change TYPE text, ALTER COLUMN n TYPE bigint"])


def test_a_column_of_a_domain_over_an_array_type_is_pulled_as_the_domain(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """postgraphile's kitchen-sink schema: `create domain c.text_array_domain as text[]`, a column of it. The domain's
    category is the array's ('A') but it has no element type: the column was read as `-[]` (format_type of no type),
    the baseline failed `syntax error at or near "-"`, and drift compared `-[]` with `-[]`."""
    _pulled_rebuilt_and_emptied(tmp_path, run_mizzle, [
        "CREATE DOMAIN text_array_domain AS text[]", "CREATE DOMAIN int8_array_domain AS int8[] NOT NULL",
        "CREATE TABLE types (id int PRIMARY KEY, t text_array_domain, i int8_array_domain, "
        "many text_array_domain[])"])


def _pair_migrated(tmp_path: Path, run_mizzle: Any, a: list[str], b: list[str]) -> None:
    """A pulled and marked applied, B pulled as A's schema code, `generate --no-renames` and `migrate`: A must then
    dump as B does."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for p in (tmp_path / "a", tmp_path / "b"):
        (p / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
    with temp_database("mzpair") as url_a, temp_database("mzpair") as url_b:
        for url, statements in ((url_a, a), (url_b, b)):
            with psycopg.connect(url, autocommit=True) as c:
                for s in statements:
                    c.execute(s)
        assert run_mizzle(["pull"], cwd=tmp_path / "a", url=url_a).code == 0
        assert run_mizzle(["pull", "--no-mark"], cwd=tmp_path / "b", url=url_b).code == 0
        (tmp_path / "a" / "db" / "schema.py").write_text((tmp_path / "b" / "db" / "schema.py").read_text())
        g = run_mizzle(["generate", "--name", "to_b", "--no-renames"], cwd=tmp_path / "a")
        assert g.code == 0, g.stdout + g.stderr
        m = run_mizzle(["migrate"], cwd=tmp_path / "a", url=url_a)
        assert m.code == 0, m.stdout + m.stderr
        assert schema_dump(url_a) == schema_dump(url_b)


def _two_parted_tables(ext: str) -> list[str]:
    return [f"CREATE TABLE mains{ext} (k text NOT NULL, v int) PARTITION BY LIST (k)",
            f"CREATE TABLE mains_a PARTITION OF mains{ext} FOR VALUES IN ('a')",
            f"CREATE UNIQUE INDEX mains_k ON mains{ext} (k)",
            f"CREATE TABLE links{ext} (k text NOT NULL) PARTITION BY LIST (k)",
            f"CREATE TABLE links_a PARTITION OF links{ext} FOR VALUES IN ('a')",
            f"CREATE UNIQUE INDEX links_k ON links{ext} (k)",
            f"ALTER TABLE links{ext} ADD CONSTRAINT links_to_mains FOREIGN KEY (k) REFERENCES mains{ext} (k)",
            f"ALTER TABLE mains{ext} ADD CONSTRAINT mains_to_links FOREIGN KEY (k) REFERENCES links{ext} (k)"]


def test_a_partitioned_tables_foreign_keys_go_before_its_partitions_are_detached(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """pg-schema-diff's partitioned_table "Re-creating base table causes partitions to be re-created": two
    partitioned tables referencing each other are replaced by new ones the same partitions join. The partitions
    were detached first, which leaves each a standalone copy of its parent's foreign key, so dropping the parent's
    key left the copy, and DROP TABLE of the other parent failed (`constraint … on table links_a depends on it`).
    A partition left standalone while its parent goes keeps the key only where the schema code declares it; one
    whose parent stays keeps the copies of the keys the parent keeps, dropped after the DETACH where undeclared."""
    fk = "id int NOT NULL, k text NOT NULL, CONSTRAINT {} FOREIGN KEY (id) REFERENCES refd (id)"
    a = ["CREATE TABLE refd (id int PRIMARY KEY)",
         f"CREATE TABLE olds ({fk.format('olds_refd')}) PARTITION BY LIST (k)",
         "CREATE TABLE olds_a PARTITION OF olds FOR VALUES IN ('a')",
         "CREATE TABLE olds_b PARTITION OF olds FOR VALUES IN ('b')",
         f"CREATE TABLE stays ({fk.format('stays_kept')}, CONSTRAINT stays_gone FOREIGN KEY (id) REFERENCES refd (id)) "
         "PARTITION BY LIST (k)",
         "CREATE TABLE kept_a PARTITION OF stays FOR VALUES IN ('a')"]
    b = ["CREATE TABLE refd (id int PRIMARY KEY)",
         f"CREATE TABLE olds_a ({fk.format('olds_refd')})",
         "CREATE TABLE olds_b (id int NOT NULL, k text NOT NULL)",
         f"CREATE TABLE stays ({fk.format('stays_kept')}) PARTITION BY LIST (k)",
         "CREATE TABLE kept_a (id int NOT NULL, k text NOT NULL)"]
    _pair_migrated(tmp_path, run_mizzle, _two_parted_tables("") + a, _two_parted_tables("_new") + b)


def test_a_partition_without_its_partitioned_tables_default_is_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """GitLab's p_ci_stages (an excerpt of its structure.sql): ci_stages, an existing table attached as a partition,
    lacks the default its partitioned table was given with ONLY (`SET DEFAULT nextval('ci_stages_id_seq')`, as
    GitLab's EnsureIdUniquenessForPCiStages migration sets it going down). A rebuild makes the partition with its
    partitioned table's default, and pull, drift and verify said nothing: the missing default is listed like a
    child's own one."""
    with temp_database("mznodef") as source:
        with psycopg.connect(source, autocommit=True) as c:
            for s in ("CREATE TABLE p_ci_stages (id bigint NOT NULL, partition_id bigint NOT NULL) "
                      "PARTITION BY LIST (partition_id)",
                      "CREATE TABLE ci_stages (id bigint NOT NULL, partition_id bigint NOT NULL)",
                      "CREATE SEQUENCE ci_stages_id_seq",
                      "ALTER TABLE ONLY p_ci_stages ATTACH PARTITION ci_stages FOR VALUES IN ('100', '101')",
                      "ALTER TABLE ONLY p_ci_stages ALTER COLUMN id SET DEFAULT nextval('ci_stages_id_seq'::regclass)",
                      "CREATE TABLE p_ci_stages_102 PARTITION OF p_ci_stages FOR VALUES IN ('102')"):
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0, r.stderr
        out = r.stdout + r.stderr
        assert "defaults set on an inherited column: id (no default) on public.ci_stages\n" in out, out
        assert "p_ci_stages_102" not in out, out
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        assert "id (no default) on public.ci_stages" in d.stdout + d.stderr, d.stdout + d.stderr

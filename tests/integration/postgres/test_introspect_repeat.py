"""Introspecting one connection again and again (verify, check --rebuild-snapshots) re-reads only the tables
whose catalogue rows changed (dialects/postgres/introspect_repeat.py). The oracle: after each change, the
model read on the remembering connection equals the model a new connection reads, and the per-table queries
were narrowed to a few tables when only those changed. The changes are the ones a table's rows show without
any of its own catalogue rows changing (a referenced table or column renamed, an enum label renamed under a
default, a sequence renamed under nextval), and plain ones (comments, dropped constraints, renamed indexes)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

import psycopg
import pytest
from pgtools import admin, drain_drops, temp_database

from mizzle.dialects.postgres import ddl_watch
from mizzle.dialects.postgres.introspect import Scope, introspect

pytestmark = pytest.mark.pg

# each test runs twice: what changed told by the catalogue rows' fingerprints, and by the scratch database's own
# log of its DDL (ddl_watch.py, as verify and the snapshot rebuild install it)
watch_modes = pytest.mark.parametrize("watched", [False, True], ids=["fingerprints", "ddl-watch"])


@pytest.fixture
def role() -> Iterator[str]:
    """A role of its own (roles are the cluster's), dropped afterwards."""
    name = f"mz_repeat_{uuid.uuid4().hex[:8]}"
    with admin() as server:
        server.execute(f'CREATE ROLE "{name}"')
    yield name
    with admin() as server:
        drain_drops()  # the databases queued for dropping hold grants to it
        server.execute(f'DROP ROLE "{name}"')


def watching(conn: psycopg.Connection[Any], watched: bool) -> Any:
    if not watched:
        return nullcontext()
    cm = ddl_watch.watching(conn, [])
    return cm

SETUP = """
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE SEQUENCE counter_seq;
CREATE TABLE parent (id integer PRIMARY KEY, code text UNIQUE);
CREATE TABLE child (id integer PRIMARY KEY, parent_code text REFERENCES parent (code),
                    m mood DEFAULT 'ok', n integer DEFAULT nextval('counter_seq'), CHECK (id > 0));
CREATE INDEX child_m ON child (m);
CREATE TABLE counted (id serial PRIMARY KEY, note text);
CREATE TABLE hollow ();
"""
FILLER = "".join(f"CREATE TABLE filler{i} (id integer PRIMARY KEY, v text);\n" for i in range(8))

CHANGES = [
    "ALTER TABLE parent RENAME TO mother",
    "ALTER TABLE mother RENAME COLUMN code TO tag",
    "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'",
    "ALTER SEQUENCE counter_seq RENAME TO tally_seq",
    "COMMENT ON COLUMN child.m IS 'how it feels'",
    "COMMENT ON TABLE filler3 IS 'a table'",
    "ALTER TABLE child DROP CONSTRAINT child_id_check",
    "ALTER INDEX child_m RENAME TO child_mood",
    "ALTER TABLE filler1 ADD COLUMN w integer DEFAULT 1",
    "DROP TABLE filler2",
    "CREATE TABLE late (id integer PRIMARY KEY REFERENCES filler4 (id))",
    "ALTER TABLE filler4 RENAME COLUMN id TO ident",
    # a table built again from the same rows is the previous build (introspect.py's `_table_remembered`) only
    # while what else it reads is the same: its serial's own sequence, a table without columns' own facts
    "ALTER SEQUENCE counted_id_seq INCREMENT BY 5",
    "ALTER TABLE counted ALTER COLUMN note SET NOT NULL",
    "COMMENT ON TABLE hollow IS 'nothing in it'",
    "ALTER TABLE hollow SET UNLOGGED",
]


class Spy:
    """The statements a psycopg connection runs (the per-table queries narrowed or not)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn, self.sql = conn, []
        real = conn.execute

        def execute(query: Any, params: Any = None, **kw: Any) -> Any:
            self.sql.append(str(query))
            return real(query, params, **kw)

        conn.execute = execute  # type: ignore[method-assign]

    def narrowed(self) -> int:
        return sum("c.oid = ANY(%(rels)s)" in q for q in self.sql)


@watch_modes
def test_repeated_introspection_sees_every_change(watched: bool) -> None:
    with temp_database("mzrepeat") as url, psycopg.connect(url, autocommit=True) as kept, watching(kept, watched):
        assert (ddl_watch.of(kept) is not None) == watched
        kept.execute(SETUP + FILLER)
        spy = Spy(kept)
        introspect(kept, Scope())
        introspect(kept, Scope())  # the second reads everything and the fingerprints
        narrowed = 0
        for change in CHANGES:
            kept.execute(change)
            spy.sql.clear()
            remembered = introspect(kept, Scope())
            narrowed += spy.narrowed() > 0
            with psycopg.connect(url, autocommit=True) as new:
                assert remembered == introspect(new, Scope()), change
        # the enum label and the sequences are not tables: everything is read again after those three
        assert narrowed >= len(CHANGES) - 3


@watch_modes
def test_two_changes_in_one_transaction_are_both_seen(watched: bool) -> None:
    """Two versions of a row written by one transaction carry one xmin: the fingerprint tells them apart too."""
    with temp_database("mzrepeat") as url, psycopg.connect(url) as conn, watching(conn, watched):
        conn.execute("CREATE TABLE t (id integer PRIMARY KEY)")
        introspect(conn, Scope())
        conn.execute("ALTER TABLE t ADD COLUMN q integer")
        assert [c.name for c in introspect(conn, Scope()).tables[0].columns] == ["id", "q"]
        conn.execute("ALTER TABLE t RENAME COLUMN q TO r")
        assert [c.name for c in introspect(conn, Scope()).tables[0].columns] == ["id", "r"]
        conn.execute("COMMENT ON COLUMN t.r IS 'later'")
        assert introspect(conn, Scope()).tables[0].columns[1].comment == "later"
        conn.rollback()


# Each kind of whole-database query (enums, sequences, partitions, views, materialized views' indexes,
# functions, triggers, domains, composite types, row-level security, policies, extensions, grants, roles,
# comments) created, modified in place, renamed under it, and dropped between two introspections.
OBJECT_CHANGES = [
    "ALTER TYPE mood ADD VALUE 'meh'",
    "ALTER TYPE mood RENAME TO feeling",
    "CREATE VIEW v AS SELECT id FROM t",
    "ALTER TABLE t RENAME COLUMN id TO ident",
    "CREATE MATERIALIZED VIEW mv AS SELECT ident FROM t",
    "CREATE INDEX mv_i ON mv (ident)",
    "ALTER INDEX mv_i RENAME TO mv_j",
    "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
    "CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN OLD; END$$",
    "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()",
    "ALTER TRIGGER tr ON t RENAME TO tr2",
    "CREATE DOMAIN d AS integer CHECK (VALUE > 0)",
    "ALTER DOMAIN d SET DEFAULT 1",
    "CREATE TYPE pair AS (a integer, b text)",
    "ALTER TYPE pair RENAME ATTRIBUTE a TO x",
    "ALTER TABLE t ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE t FORCE ROW LEVEL SECURITY",
    "CREATE POLICY p ON t USING (ident > 0)",
    "ALTER POLICY p ON t USING (ident > 1)",
    "CREATE EXTENSION citext",
    "ALTER EXTENSION citext SET SCHEMA other",
    "GRANT SELECT ON t TO {role}",
    "GRANT UPDATE (v) ON t TO {role}",
    "ALTER POLICY p ON t TO {role}",
    "ALTER ROLE {role} CREATEDB",
    "GRANT USAGE ON SCHEMA other TO {role}",
    "ALTER TABLE t RENAME TO t2",
    "REVOKE SELECT ON t2 FROM {role}",
    "COMMENT ON INDEX t_pkey IS 'the key'",
    "COMMENT ON CONSTRAINT t_pkey ON t2 IS 'a constraint'",
    "COMMENT ON TYPE feeling IS 'a feeling'",
    "COMMENT ON INDEX t_pkey IS 'the key, again'",
    "CREATE TABLE part (id integer) PARTITION BY RANGE (id)",
    "CREATE TABLE part1 PARTITION OF part FOR VALUES FROM (0) TO (10)",
    "ALTER TABLE part DETACH PARTITION part1",
    "CREATE SEQUENCE s",
    "ALTER SEQUENCE s INCREMENT BY 3",
    "ALTER SEQUENCE s OWNED BY t2.v",
    "ALTER TABLE t2 RENAME COLUMN v TO w",
    "ALTER TABLE t2 RENAME TO t3",
    "ALTER SEQUENCE s RENAME TO s2",
    "ALTER TABLE t3 ADD COLUMN k serial",
    "ALTER TABLE t3 ADD COLUMN g integer GENERATED ALWAYS AS IDENTITY",
    "ALTER TABLE t3 ALTER COLUMN g SET INCREMENT BY 4",
    # an identity's sequence changed by an ALTER TABLE that logs the table alone (ddl_watch: its owners)
    "ALTER TABLE t3 ALTER COLUMN g TYPE bigint",
    "ALTER TABLE t3 ALTER COLUMN g SET GENERATED BY DEFAULT",
    "ALTER TABLE t3 RENAME COLUMN k TO kk",
    "ALTER TABLE t3 ALTER COLUMN g DROP IDENTITY",
    "ALTER TABLE t3 RENAME TO t2",
    "DROP VIEW v", "DROP POLICY p ON t2", "DROP TRIGGER tr2 ON t2", "DROP FUNCTION f", "DROP DOMAIN d",
    "DROP TYPE pair", "DROP MATERIALIZED VIEW mv", "ALTER TABLE t2 DISABLE ROW LEVEL SECURITY",
    "REVOKE ALL ON t2 FROM {role}", "REVOKE ALL ON SCHEMA other FROM {role}", "DROP EXTENSION citext",
    "COMMENT ON TYPE feeling IS NULL", "DROP TABLE part1", "DROP TABLE part", "DROP TYPE feeling",
]


@watch_modes
def test_whole_database_queries_see_every_change(watched: bool, role: str) -> None:
    with temp_database("mzrepeat") as url, psycopg.connect(url, autocommit=True) as kept, \
            watching(kept, watched):
        kept.execute("CREATE SCHEMA other; CREATE TYPE mood AS ENUM ('ok'); "
                     "CREATE TABLE t (id integer PRIMARY KEY, v text); CREATE TABLE r (id integer REFERENCES t)")
        spy = Spy(kept)
        scope = Scope(schemas=("public", "other"))
        introspect(kept, scope)
        introspect(kept, scope)
        # no view, function, trigger (but a foreign key's own) yet, no sequence, no partition or child, no
        # row-level security, enums unchanged: those queries are not sent
        kept.execute("ALTER TABLE t ADD COLUMN z integer")
        spy.sql.clear()
        introspect(kept, scope)
        assert not any("pg_get_viewdef" in q or "enumsortorder" in q or "pg_get_triggerdef" in q
                       or "seqincrement" in q or "pg_get_partkeydef" in q
                       or "c.relrowsecurity, c.relforcerowsecurity" in q for q in spy.sql), spy.sql
        for change in OBJECT_CHANGES:
            kept.execute(change.format(role=role))
            remembered = introspect(kept, scope)
            with psycopg.connect(url, autocommit=True) as new:
                assert remembered == introspect(new, scope), change
        kept.execute("CREATE TABLE n (id serial PRIMARY KEY)")
        introspect(kept, scope)
        kept.execute("ALTER TABLE r ADD COLUMN q integer")  # a table owning no sequence: theirs not read again
        spy.sql.clear()
        introspect(kept, scope)
        assert not any("seqincrement" in q for q in spy.sql)


# What the scratch database's own log (ddl_watch.py) must follow beyond the objects a command names: a change in
# a DO block, under another role or with replication triggers off, a schema or a function renamed under a table,
# parts of a dropped table, a key's own index, a family of tables joined and split, a column's type changed under
# a foreign key, a statement run outside a transaction.
WATCH_CHANGES = [
    "DO $$ BEGIN EXECUTE 'ALTER TABLE a ADD COLUMN from_do integer'; END $$",
    "SET ROLE {role}; ALTER TABLE owned ADD COLUMN by_role integer; RESET ROLE",
    "SET session_replication_role = replica; ALTER TABLE a ADD COLUMN quiet integer; "
    "SET session_replication_role = DEFAULT",
    "ALTER FUNCTION stamp() RENAME TO stamp2",
    "ALTER SCHEMA side RENAME TO aside",
    "ALTER TABLE aside.s SET SCHEMA public",
    "ALTER TABLE a ADD CONSTRAINT a_pk PRIMARY KEY (id)",
    "ALTER TABLE b ADD CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id)",
    "ALTER TABLE a ALTER COLUMN id TYPE bigint",
    "ALTER TABLE a RENAME COLUMN id TO ident",
    "CREATE INDEX CONCURRENTLY b_x ON b (x)",
    "DROP INDEX CONCURRENTLY b_x",
    "ALTER TABLE b DROP CONSTRAINT b_a",
    "ALTER TABLE b ADD CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (ident)",
    "DROP TABLE a CASCADE",
    "CREATE TABLE kid (extra text) INHERITS (b)",
    "ALTER TABLE b ADD COLUMN y integer",
    "ALTER TABLE kid NO INHERIT b",
    "ALTER TABLE kid INHERIT b",
    "ALTER TABLE b RENAME COLUMN y TO z",
    "CREATE DOMAIN pos AS integer CHECK (VALUE > 0)",
    "ALTER TABLE b ADD COLUMN p pos",
    "ALTER DOMAIN pos RENAME TO positive",
    "CREATE TYPE hue AS ENUM ('red')",
    "ALTER TABLE b ADD COLUMN h hue[] DEFAULT '{{red}}'",
    "ALTER TYPE hue RENAME VALUE 'red' TO 'crimson'",
    "ALTER TYPE hue RENAME TO colour",
    "CREATE TABLE l (LIKE b INCLUDING ALL)",
    "ALTER TABLE l RENAME TO m",
    "DROP TABLE kid",
]


@watch_modes
def test_the_watch_follows_what_a_change_reaches(watched: bool, role: str) -> None:
    with temp_database("mzrepeat") as url, psycopg.connect(url, autocommit=True) as kept, \
            watching(kept, watched):
        kept.execute(f"""CREATE SCHEMA side; CREATE FUNCTION stamp() RETURNS integer LANGUAGE sql AS 'SELECT 1';
            CREATE TABLE a (id integer NOT NULL, v integer DEFAULT stamp());
            CREATE TABLE b (a_id integer, x integer); CREATE TABLE side.s (id integer);
            CREATE TABLE owned (id integer); ALTER TABLE owned OWNER TO "{role}"; GRANT CREATE ON SCHEMA public
            TO "{role}";""")
        scope = Scope(schemas=("public", "side", "aside"))
        introspect(kept, scope)
        introspect(kept, scope)
        spy, whole = Spy(kept), []
        for change in WATCH_CHANGES:
            kept.execute(change.format(role=role))
            spy.sql.clear()
            remembered = introspect(kept, scope)
            if any("WITH rel AS MATERIALIZED" in q and "c.oid = ANY(%(rels)s)" not in q for q in spy.sql):
                whole.append(change)
            with psycopg.connect(url, autocommit=True) as new:
                assert remembered == introspect(new, scope), change
        if watched:  # the log names what changed: every table is read again only after a schema's rename
            assert whole == ["ALTER SCHEMA side RENAME TO aside"]
        kept.execute(f'REVOKE ALL ON SCHEMA public FROM "{role}"; DROP OWNED BY "{role}"')

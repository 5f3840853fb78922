"""Introspecting one connection again and again (verify, check --rebuild-snapshots) re-reads only the tables
whose catalogue rows changed (dialects/postgres/introspect_repeat.py). The oracle: after each change, the
model read on the remembering connection equals the model a new connection reads, and the per-table queries
were narrowed to a few tables when only those changed. The changes are the ones a table's rows show without
any of its own catalogue rows changing (a referenced table or column renamed, an enum label renamed under a
default, a sequence renamed under nextval), and plain ones (comments, dropped constraints, renamed indexes)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from pgtools import temp_database

from mizzle.dialects.postgres.introspect import Scope, introspect

pytestmark = pytest.mark.pg

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


def test_repeated_introspection_sees_every_change() -> None:
    with temp_database("mzrepeat") as url, psycopg.connect(url, autocommit=True) as kept:
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


def test_two_changes_in_one_transaction_are_both_seen() -> None:
    """Two versions of a row written by one transaction carry one xmin: the fingerprint tells them apart too."""
    with temp_database("mzrepeat") as url, psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE t (id integer PRIMARY KEY)")
        introspect(conn, Scope())
        conn.execute("ALTER TABLE t ADD COLUMN q integer")
        assert [c.name for c in introspect(conn, Scope()).tables[0].columns] == ["id", "q"]
        conn.execute("ALTER TABLE t RENAME COLUMN q TO r")
        assert [c.name for c in introspect(conn, Scope()).tables[0].columns] == ["id", "r"]
        conn.execute("COMMENT ON COLUMN t.r IS 'later'")
        assert introspect(conn, Scope()).tables[0].columns[1].comment == "later"
        conn.rollback()

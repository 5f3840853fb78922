"""The names a SQLite CREATE TABLE gives its UNIQUE and FOREIGN KEY constraints, read from its text: SQLite's catalog
keeps neither (a UNIQUE is an index `sqlite_autoindex_<table>_N`, a foreign key has no name). On karakeep's
packages/db/schema.ts migrated by drizzle-kit 1.x (`CONSTRAINT "bookmarkTags_userId_id_idx" UNIQUE(…)`,
`CONSTRAINT "ruleEngineActions_userId_listId_fk" FOREIGN KEY (…)`), introspection gave default names: a pull
then `generate --check` found the unique index renamed, and the pulled module dropped the key's name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mizzle.dialects.sqlite.introspect import introspect, unique_names, written_keys
from mizzle.schema.model import Schema, Table

# minimized from karakeep's schema as drizzle-kit 1.x writes it
KARAKEEP = [
    'CREATE TABLE "bookmarkTags" ("id" text PRIMARY KEY, "name" text NOT NULL, "userId" text NOT NULL,'
    ' CONSTRAINT "bookmarkTags_userId_id_idx" UNIQUE("userId","id"))',
    'CREATE TABLE "ruleEngineActions" ("id" text PRIMARY KEY, "userId" text NOT NULL, "listId" text,'
    ' "tagId" text, CONSTRAINT "ruleEngineActions_userId_tagId_fk" FOREIGN KEY ("userId","tagId")'
    ' REFERENCES "bookmarkTags"("userId","id") ON DELETE CASCADE)',
]


def _schema(path: Path, *statements: str) -> Schema:
    conn = sqlite3.connect(path)
    try:
        for s in statements:
            conn.execute(s)
        conn.commit()
        return introspect(conn)
    finally:
        conn.close()


def _t(s: Schema, name: str) -> Table:
    return next(t for t in s.tables if t.name == name)


def test_named_table_unique_and_foreign_key(tmp_path: Path) -> None:
    s = _schema(tmp_path / "t.db", *KARAKEEP)
    tags = _t(s, "bookmarkTags")
    assert [(i.name, i.unique, tuple(c.expression for c in i.columns)) for i in tags.indexes] == \
        [("bookmarkTags_userId_id_idx", True, ("userId", "id"))]
    fk = _t(s, "ruleEngineActions").foreign_keys[0]
    assert (fk.name, fk.columns, fk.on_delete) == ("ruleEngineActions_userId_tagId_fk", ("userId", "tagId"), "cascade")


def test_unnamed_ones_keep_the_default_names(tmp_path: Path) -> None:
    s = _schema(tmp_path / "t.db", "CREATE TABLE p (id TEXT PRIMARY KEY, u TEXT, UNIQUE (u, id))",
                "CREATE TABLE c (id INTEGER PRIMARY KEY, u TEXT, pid TEXT, FOREIGN KEY (u, pid) REFERENCES p (u, id))")
    assert [i.name for i in _t(s, "p").indexes] == ["p_u_id_unique"]
    assert [f.name for f in _t(s, "c").foreign_keys] == ["c_u_pid_p_u_id_fk"]


@pytest.mark.parametrize(("sql", "expected"), [
    ("CREATE TABLE t (a TEXT, b TEXT, CONSTRAINT x UNIQUE (a, b))", {("a", "b"): "x"}),
    ('CREATE TABLE t (a TEXT, b TEXT, CONSTRAINT `x y` UNIQUE("A" COLLATE NOCASE, b DESC))', {("a", "b"): "x y"}),
    ("CREATE TABLE t (a TEXT CONSTRAINT ua UNIQUE, b TEXT NOT NULL CONSTRAINT nn UNIQUE)", {("a",): "ua", ("b",): "nn"}),
    # the name belongs to the constraint written right after it
    ("CREATE TABLE t (a TEXT CONSTRAINT nn NOT NULL UNIQUE, b TEXT, CONSTRAINT c CHECK (b <> '') UNIQUE (b))", {}),
    # an unnamed first one takes a later one's name (SQLite makes one index of both)
    ("CREATE TABLE t (a TEXT UNIQUE, CONSTRAINT later UNIQUE (a), CONSTRAINT last UNIQUE (a))", {("a",): "later"}),
    ("CREATE TABLE t (a TEXT, -- CONSTRAINT no UNIQUE (a)\n CONSTRAINT x CHECK (a <> 'CONSTRAINT y UNIQUE (a)'))", {}),
])
def test_unique_names_read(sql: str, expected: dict[tuple[str, ...], str]) -> None:
    assert unique_names(sql) == expected


def test_foreign_key_names_read() -> None:
    keys = written_keys('CREATE TABLE c (a INTEGER CONSTRAINT ca REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED,'
                        ' b INTEGER REFERENCES p (id), d INTEGER, e INTEGER,'
                        ' CONSTRAINT "d e" FOREIGN KEY (d, e) REFERENCES q (x, y),'
                        ' CONSTRAINT chk CHECK (d > 0) FOREIGN KEY (e) REFERENCES p (id))')
    assert keys == {(("a",), "p"): [("deferred", "ca")], (("b",), "p"): [(None, None)],
                    (("d", "e"), "q"): [(None, "d e")], (("e",), "p"): [(None, None)]}


def test_a_name_an_index_or_another_table_has_is_not_used(tmp_path: Path) -> None:
    """SQLite keeps a constraint's name out of the indexes' namespace: create_all writes OpenStack designate's
    `unique_pool_host_port` on two tables, and an index or a table may have a constraint's name. The model's unique indexes
    need names of their own (pull writes them as indexes): those keep the default names."""
    s = _schema(tmp_path / "t.db",
                "CREATE TABLE a (id INTEGER PRIMARY KEY, h TEXT, p INT, CONSTRAINT unique_pool_host_port UNIQUE (h, p))",
                "CREATE TABLE b (id INTEGER PRIMARY KEY, h TEXT, p INT, CONSTRAINT unique_pool_host_port UNIQUE (h, p))",
                "CREATE TABLE c (id INTEGER PRIMARY KEY, h TEXT, CONSTRAINT ix_c_h UNIQUE (h), CONSTRAINT ok UNIQUE (id, h))",
                "CREATE INDEX ix_c_h ON c (h)",
                "CREATE TABLE d (id INTEGER PRIMARY KEY, h TEXT, CONSTRAINT a UNIQUE (h))")
    assert [i.name for i in _t(s, "a").indexes] == ["a_h_p_unique"]
    assert [i.name for i in _t(s, "b").indexes] == ["b_h_p_unique"]
    assert sorted(i.name for i in _t(s, "c").indexes) == ["c_h_unique", "ix_c_h", "ok"]
    assert [i.name for i in _t(s, "d").indexes] == ["d_h_unique"]  # a table's name


def test_two_unnamed_foreign_keys_alike_but_for_their_actions_are_both_kept(tmp_path: Path) -> None:
    """Apache Superset's SQLite migrations leave `tab_state` with two foreign keys from `database_id` to `dbs.id`, one
    ON DELETE CASCADE; mizzle's baseline writes both unnamed. Both had one default name, so introspection kept one,
    and `drift` right after migrating a pulled baseline reported `on delete cascade → no action`. The second gets
    the first free numbered name (as PostgreSQL numbers `_fkey1`)."""
    s = _schema(tmp_path / "db.sqlite", 'CREATE TABLE "dbs" ("id" integer PRIMARY KEY)',
                'CREATE TABLE "tab_state" ("id" integer PRIMARY KEY, "database_id" integer,'
                ' FOREIGN KEY ("database_id") REFERENCES "dbs"("id") ON DELETE no action,'
                ' FOREIGN KEY ("database_id") REFERENCES "dbs"("id") ON DELETE cascade)')
    fks = sorted((f.name, f.on_delete) for f in _t(s, "tab_state").foreign_keys)
    assert fks == [("tab_state_database_id_dbs_id_fk", "no action"), ("tab_state_database_id_dbs_id_fk1", "cascade")]

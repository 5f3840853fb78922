"""What SQLite's introspection reads from a table's CREATE text (checks, generated expressions, AUTOINCREMENT,
defaults in parentheses), on texts real schemas hold: Firefox's places.sqlite, hand-written migrations with comments.
Each of these lost a CHECK or a generated column without a word (pull, drift, baseline)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mizzle.dialects.sqlite.introspect import introspect
from mizzle.schema.model import Table


def _table(path: Path, *statements: str, name: str = "t") -> Table:
    conn = sqlite3.connect(path)
    try:
        for s in statements:
            conn.execute(s)
        conn.commit()
        return next(t for t in introspect(conn).tables if t.name == name)
    finally:
        conn.close()


def _checks(t: Table) -> list[tuple[str, str]]:
    """(name, expression) in the name's order (the model's)."""
    return sorted((c.name, c.expression) for c in t.checks)


@pytest.mark.parametrize("check", ["CHECK(a > 0)", "check(a > 0)", "CHECK (a > 0)"])
def test_a_table_check_without_a_space_before_its_parenthesis(tmp_path: Path, check: str) -> None:
    """`CHECK(a > 0)` was read as a column named CHECK(A: the check was lost."""
    t = _table(tmp_path / "t.db", f"CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, {check})")
    assert _checks(t) == [("t_check", "a > 0")]
    assert [c.name for c in t.columns] == ["id", "a"]


@pytest.mark.parametrize("before", [
    "FOREIGN KEY (a) REFERENCES p(id) ON DELETE CASCADE",  # Firefox's moz_places_metadata
    "FOREIGN KEY (a) REFERENCES p(id)",
    "UNIQUE (a)",
    "PRIMARY KEY (id, a)",
    "CONSTRAINT u UNIQUE (a)",
])
def test_a_check_after_another_table_constraint_without_a_comma(tmp_path: Path, before: str) -> None:
    """SQLite accepts table constraints without commas between them; the item starting with FOREIGN / UNIQUE was
    skipped whole, its CHECK with it."""
    t = _table(tmp_path / "t.db", "CREATE TABLE p (id INTEGER PRIMARY KEY)",
               f"CREATE TABLE t (id INTEGER NOT NULL, a INTEGER, b INTEGER, {before} CHECK(a != b)"
               " CONSTRAINT named CHECK (b > 0))")
    assert _checks(t) == [("named", "b > 0"), ("t_check", "a != b")]


def test_several_constraints_in_one_column_definition(tmp_path: Path) -> None:
    t = _table(tmp_path / "t.db",
               "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT CHECK(id > 0),"
               " a TEXT NOT NULL DEFAULT 'as (x) CHECK (no)' CONSTRAINT a1 CHECK (a <> '') UNIQUE CHECK(length(a) < 9),"
               " b INTEGER CHECK (b > 0) GENERATED ALWAYS AS (id * 2) VIRTUAL CHECK (b < 100))")
    assert _checks(t) == [("a1", "a <> ''"), ("t_check", "id > 0"), ("t_check1", "length(a) < 9"),
                          ("t_check2", "b > 0"), ("t_check3", "b < 100")]
    cols = {c.name: c for c in t.columns}
    assert cols["id"].identity is not None and cols["a"].default == "'as (x) CHECK (no)'"
    assert cols["a"].generated is None and cols["b"].generated == "id * 2" and cols["b"].generated_virtual


@pytest.mark.parametrize("comment", ["-- don't (\n", "/* don't ( */", "/* it's\n a ( comment */", "-- CHECK (x)\n"])
def test_comments_in_the_create_text(tmp_path: Path, comment: str) -> None:
    """SQLite keeps comments in sqlite_master.sql: an apostrophe or a parenthesis in one opened a string or a level
    that never closed, and the later columns lost their definition (CHECK, GENERATED … AS, AUTOINCREMENT,
    DEFAULT (CURRENT_TIMESTAMP))."""
    t = _table(tmp_path / "t.db",
               f"CREATE TABLE t ({comment} id INTEGER PRIMARY KEY AUTOINCREMENT, {comment}\n a INTEGER {comment},\n"
               f" c INTEGER GENERATED ALWAYS AS (a * 2) STORED, {comment}\n"
               f" d TEXT DEFAULT (CURRENT_TIMESTAMP) {comment} CHECK (d <> 'x'), {comment}\n"
               f" CHECK (a > 0) {comment})")
    cols = {c.name: c for c in t.columns}
    assert list(cols) == ["id", "a", "c", "d"]
    assert cols["id"].identity is not None
    assert cols["c"].generated == "a * 2" and not cols["c"].generated_virtual
    assert cols["d"].default == "(CURRENT_TIMESTAMP)"
    assert _checks(t) == [("t_check", "d <> 'x'"), ("t_check1", "a > 0")]


def test_a_comment_does_not_hide_a_collation(tmp_path: Path) -> None:
    t = _table(tmp_path / "t.db", "CREATE TABLE t (a TEXT, -- don't\n b TEXT COLLATE nocase, c TEXT -- it's\n,"
               " d TEXT CHECK (d COLLATE RTRIM <> 'x') COLLATE \"binary\", e TEXT DEFAULT ('COLLATE x'))")
    assert {c.name: c.collation for c in t.columns} == {"a": None, "b": "NOCASE", "c": None, "d": None, "e": None}


def test_a_table_name_with_a_parenthesis(tmp_path: Path) -> None:
    """`_body` took the first '(' of the text, the one inside the quoted name."""
    t = _table(tmp_path / "t.db", 'CREATE TABLE "weird(name)" (id INTEGER PRIMARY KEY, a INT CHECK (a>0),'
               " g INT AS (a + 1))", name="weird(name)")
    assert _checks(t) == [("weird(name)_check", "a>0")]
    assert {c.name: c.generated for c in t.columns}["g"] == "a + 1"


def test_a_bare_name_past_ascii(tmp_path: Path) -> None:
    """SQLite takes any character past ASCII as a letter; the name's pattern did not, and the column's definition
    (its generated expression, its CHECK) was not read."""
    t = _table(tmp_path / "t.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, été INT CHECK (été > 0), größe INT AS (été + 1))")
    assert _checks(t) == [("t_check", "été > 0")]
    assert {c.name: c.generated for c in t.columns}["größe"] == "été + 1"

"""SQLite virtual tables (a full-text index a migration makes by hand: `CREATE VIRTUAL TABLE … USING fts5(…)`, seen in
a real project's folder) and the shadow tables their module keeps data in are not tables mizzle manages: they were
introspected as six ordinary tables, so verify, drift and pull reported each as a table the snapshot lacks."""

from __future__ import annotations

import sqlite3

from mizzle.dialects.sqlite.introspect import introspect, unmanaged


def test_virtual_tables_and_their_shadow_tables_are_listed_not_modelled() -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript("CREATE TABLE `chats` (`id` integer PRIMARY KEY, `title` text);\n"
                       "CREATE VIRTUAL TABLE `chat_search` USING fts5(title, content='chats', content_rowid='id');\n"
                       "CREATE TABLE `chat_search_notes` (`id` integer);\n")  # a real table, only named alike
    assert [t.name for t in introspect(conn).tables] == ["chat_search_notes", "chats"]
    lines = unmanaged(conn)
    assert len(lines) == 1 and "1 virtual tables: chat_search (fts5, with 4 shadow tables)" in lines[0], lines


def test_no_virtual_table_no_line() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (x integer)")
    assert unmanaged(conn) == [] and [t.name for t in introspect(conn).tables] == ["t"]


def test_triggers_and_views_that_use_a_virtual_table_are_named() -> None:
    """Wagtail's SQLite search backend: an fts5 table kept in step by three triggers on `wagtailsearch_indexentry`.
    The triggers are pulled (mizzle manages triggers), the fts5 table is not: a database built from the baseline
    has triggers writing to a table that is not there (every insert fails, and so does the next RENAME COLUMN,
    which makes SQLite re-read every trigger). Pull says so, as it does on PostgreSQL for a view that calls an
    aggregate it does not write."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        "CREATE TABLE entry (id integer PRIMARY KEY, title text, body text);\n"
        "CREATE VIRTUAL TABLE entry_fts USING fts5(title, body);\n"
        "CREATE TRIGGER insert_entry_fts AFTER INSERT ON entry BEGIN INSERT INTO entry_fts(title, body, rowid) "
        "VALUES (NEW.title, NEW.body, NEW.id); END;\n"
        "CREATE TRIGGER delete_entry_fts AFTER DELETE ON entry BEGIN DELETE FROM \"entry_fts\" WHERE rowid=OLD.id; END;\n"
        "CREATE TRIGGER touch_entry AFTER UPDATE ON entry BEGIN SELECT 'entry_fts'; END;\n"  # a literal: no use
        "CREATE VIEW hits AS SELECT rowid FROM `entry_fts` WHERE entry_fts MATCH 'x';\n"
        "CREATE VIEW plain AS SELECT id FROM entry_fts_notes;\n"  # another name that starts alike
        "CREATE TABLE entry_fts_notes (id integer);\n")
    lines = unmanaged(conn)
    assert ("uses of what mizzle does not manage (make that first where pulled SQL runs): trigger delete_entry_fts "
            "uses virtual table entry_fts, trigger insert_entry_fts uses virtual table entry_fts, view hits uses "
            "virtual table entry_fts") in lines, lines

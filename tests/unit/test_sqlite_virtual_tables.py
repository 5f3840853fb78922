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

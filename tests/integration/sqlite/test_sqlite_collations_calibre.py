"""SQLite column collations on calibre-like tables (calibre-web's cps/db.py and cps/ub.py: nearly every text column
`String(collation='NOCASE')`; calibre's metadata.db: `TEXT NOT NULL DEFAULT 'x' COLLATE NOCASE`): several
collations in one table, create_all's `COLLATE "NOCASE"` and a custom collation read as the schema code's, a change
of NOCASE to BINARY a rebuild that keeps the rows, and only the column's own COLLATE counting. An index element's
COLLATE (calibre's `CREATE INDEX tags_idx ON tags (name COLLATE NOCASE)`) is the element's collation."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlite_support import db_model, execute, rows, write_project
from test_sqlite_interop import DRIZZLE_KIT, INTEROP, NO_CHANGES
from test_sqlite_interop import node as node  # the fixture

import mizzle
from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.dialects.sqlite.introspect import introspect, unmanaged
from mizzle.dialects.sqlite.source import sqlite_schema_from_tables
from mizzle.schema.diff import Renames, diff
from mizzle.schema.model import Schema

BOOKS = """
import sqlalchemy as sa
md = sa.MetaData()
books = sa.Table(
    "books", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(collation="NOCASE"), nullable=False, server_default="Unknown"),
    sa.Column("sort", sa.String(collation="{sort}")),
    sa.Column("isbn", sa.String(collation="nocase"), server_default=""),
    sa.Column("code", sa.String(10, collation="RTRIM")),
    sa.Column("path", sa.String, nullable=False, server_default=""),
    sqlite_autoincrement=True,
)
sa.Index("books_idx", books.c.sort)
"""


def _collations(s: Schema, table: str) -> dict[str, str | None]:
    t = s.table("public", table)
    assert t is not None
    return {c.name: c.collation for c in t.columns}


def test_collations_are_read_written_and_introspected(tmp_path: Path) -> None:
    root, db = tmp_path / "proj", tmp_path / "app.db"
    cfg = write_project(root, BOOKS.replace("{sort}", "NOCASE"))
    first = generate(cfg, name="books")
    assert "`title` text COLLATE NOCASE DEFAULT 'Unknown' NOT NULL" in first.sql, first.sql
    assert "`code` text(10) COLLATE RTRIM" in first.sql, first.sql
    snap = json.loads((cfg.out_dir / "meta" / "0000_snapshot.json").read_text())
    assert "collation" not in json.dumps(snap)  # drizzle-kit's snapshot is drizzle-kit's: the sidecar holds it
    mizzle.migrate(url=f"sqlite:///{db}", folder=cfg.out_dir)
    live = db_model(db)
    assert _collations(live, "books") == {"id": None, "title": "NOCASE", "sort": "NOCASE", "isbn": "NOCASE",
                                          "code": "RTRIM", "path": None}
    execute(db, "INSERT INTO books (title, sort) VALUES ('Bob', 'Bob')")
    assert rows(db, "SELECT count(*) FROM books WHERE sort = 'bob'") == [(1,)]
    result = drift(url=f"sqlite:///{db}", folder=cfg.out_dir)
    assert result.changes == [] and result.unmanaged == [], (result.changes, result.unmanaged)
    assert mizzle.verify(cfg).ok
    assert generate(cfg, name="again").sql == ""  # the sidecar's collations read back: nothing to do


def test_nocase_to_binary_is_a_rebuild_that_keeps_the_rows(tmp_path: Path) -> None:
    root, db = tmp_path / "proj", tmp_path / "app.db"
    cfg = write_project(root, BOOKS.replace("{sort}", "NOCASE"))
    generate(cfg, name="books")
    url = f"sqlite:///{db}"
    mizzle.migrate(url=url, folder=cfg.out_dir)
    execute(db, "INSERT INTO books (title, sort) VALUES ('Bob', 'Bob')", "INSERT INTO books (title, sort) "
            "VALUES ('ann', 'ann')")
    second = generate(write_project(root, BOOKS.replace("{sort}", "BINARY")), name="binary")
    assert "collation NOCASE → default" in "\n".join(second.changes), second.changes
    assert "INSERT INTO `__new_books`" in second.sql and "`sort` text DEFAULT" not in second.sql, second.sql
    mizzle.migrate(url=url, folder=cfg.out_dir)
    assert rows(db, "SELECT title, sort FROM books ORDER BY id") == [("Bob", "Bob"), ("ann", "ann")]
    assert rows(db, "SELECT count(*) FROM books WHERE sort = 'bob'") == [(0,)]  # BINARY: case counts now
    assert rows(db, "SELECT count(*) FROM books WHERE title = 'bob'") == [(1,)]  # the others kept theirs
    assert _collations(db_model(db), "books")["sort"] is None
    assert drift(url=url, folder=cfg.out_dir).changes == []
    back = generate(write_project(root, BOOKS.replace("{sort}", "NOCASE")), name="back")
    assert "collation default → NOCASE" in "\n".join(back.changes), back.changes


def test_create_alls_quoted_spelling_reads_as_the_same_collation(tmp_path: Path) -> None:
    """create_all writes `VARCHAR COLLATE "NOCASE"`; SQLite's names of collations ignore case; BINARY is the
    default (no collation); a custom collation keeps its name as written."""
    md = sa.MetaData()
    t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("a", sa.String(collation="NOCASE")), sa.Column("b", sa.Text(collation="rtrim")),
                 sa.Column("c", sa.String(20, collation="BINARY")), sa.Column("d", sa.Text(collation="Unicode_CI")),
                 sa.Column("e", sa.Text))
    conn = sqlite3.connect(":memory:")
    conn.create_collation("Unicode_CI", lambda x, y: (x.lower() > y.lower()) - (x.lower() < y.lower()))
    conn.execute(str(sa.schema.CreateTable(t).compile(dialect=sa.dialects.sqlite.dialect())))
    assert 'COLLATE "NOCASE"' in conn.execute("SELECT sql FROM sqlite_master").fetchone()[0]
    live = introspect(conn)
    expected = {"id": None, "a": "NOCASE", "b": "RTRIM", "c": None, "d": "Unicode_CI", "e": None}
    assert _collations(live, "t") == expected
    assert _collations(sqlite_schema_from_tables([t]), "t") == expected
    assert unmanaged(conn) == []  # managed now: nothing to list


@pytest.mark.parametrize(("definition", "collation"), [
    ("a TEXT NOT NULL DEFAULT 'x' COLLATE NOCASE", "NOCASE"),
    ("a TEXT DEFAULT 'COLLATE RTRIM'", None),
    ("a TEXT CHECK (a <> 'x' COLLATE NOCASE)", None),
    ("a TEXT COLLATE `nocase` UNIQUE", "NOCASE"),
    ("a TEXT /* COLLATE RTRIM */ COLLATE binary", None),
])
def test_only_the_columns_own_collate_counts(definition: str, collation: str | None) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE t ({definition})")
    assert _collations(introspect(conn), "t") == {"a": collation}


TAGS = """
import sqlalchemy as sa
md = sa.MetaData()
tags = sa.Table("tags", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text, nullable=False))
sa.Index("tags_idx", tags.c.name.collate("{collation}"))
sa.Index("tags_lower_idx", sa.func.lower(tags.c.name).collate("RTRIM"))
"""


def test_an_index_elements_collate_is_the_elements_collation(tmp_path: Path) -> None:
    """calibre's `CREATE INDEX tags_idx ON tags (name COLLATE NOCASE)` and the schema code's
    `tags.c.name.collate("NOCASE")` (create_all: `name COLLATE "NOCASE"`) are one index: before, both were expressions
    compared as text, and drift found the index dropped and made again."""
    root, db = tmp_path / "proj", tmp_path / "app.db"
    cfg = write_project(root, TAGS.replace("{collation}", "NOCASE"))
    first = generate(cfg, name="tags")
    assert "ON `tags` (`name` COLLATE NOCASE);" in first.sql, first.sql
    assert "ON `tags` ((lower(name)) COLLATE RTRIM);" in first.sql, first.sql
    snap = json.loads((cfg.out_dir / "meta" / "0000_snapshot.json").read_text())
    assert snap["tables"]["tags"]["indexes"]["tags_idx"]["columns"] == ['"name" COLLATE NOCASE']
    url = f"sqlite:///{db}"
    mizzle.migrate(url=url, folder=cfg.out_dir)
    ix = {i.name: i for i in db_model(db).tables[0].indexes}
    assert [(c.expression, c.is_expression, c.collation) for c in ix["tags_idx"].columns] == [("name", False, "NOCASE")]
    assert [(c.expression, c.is_expression, c.collation) for c in ix["tags_lower_idx"].columns] == \
        [("lower(name)", True, "RTRIM")]
    assert drift(url=url, folder=cfg.out_dir).changes == []
    assert generate(cfg, name="again").sql == ""

    calibre = tmp_path / "calibre.db"
    execute(calibre, "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
            "CREATE INDEX tags_idx ON tags (name COLLATE NOCASE)",
            "CREATE INDEX tags_lower_idx ON tags (lower(name) COLLATE rtrim)")
    code = sqlite_schema_from_tables(list(_tables(TAGS.replace("{collation}", "NOCASE"))))
    assert [c.describe() for c in diff(db_model(calibre), code, Renames(none=True))] == []

    binary = generate(write_project(root, TAGS.replace("{collation}", "BINARY")), name="binary")
    assert "ON `tags` (`name` COLLATE BINARY);" in binary.sql, binary.sql  # BINARY kept: not the column's NOCASE
    mizzle.migrate(url=url, folder=cfg.out_dir)
    assert drift(url=url, folder=cfg.out_dir).changes == []


def _tables(source: str) -> list[sa.Table]:
    scope: dict[str, object] = {}
    exec(source, scope)  # noqa: S102 — the test's own schema text
    return list(scope["md"].tables.values())  # type: ignore[attr-defined]


TAGS_TS = """import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
export const tags = sqliteTable('tags', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
}, (t) => [index('tags_idx').on(sql`${t.name} COLLATE NOCASE`)]);
"""
TAGS_TWIN = """
import sqlalchemy as sa
md = sa.MetaData()
tags = sa.Table("tags", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text, nullable=False))
sa.Index("tags_idx", tags.c.name.collate("NOCASE"))
"""


@pytest.mark.interop
def test_a_collated_index_element_is_drizzle_kits_expression(node: str, tmp_path: Path) -> None:
    """drizzle-kit writes `.on(sql`${t.name} COLLATE NOCASE`)` as the expression `"name" COLLATE NOCASE`; mizzle
    reads it as the SQLAlchemy twin's `tags.c.name.collate("NOCASE")` and writes it back so: each tool continues
    the other's folder with nothing to do."""
    with tempfile.TemporaryDirectory(dir=INTEROP) as here:  # drizzle-orm resolves from the schema's folder
        schema_ts = Path(here) / "schema.ts"
        schema_ts.write_text(TAGS_TS)
        _both_ways(node, schema_ts, tmp_path)


def _both_ways(node: str, schema_ts: Path, tmp_path: Path) -> None:
    def kit(out: Path, name: str) -> str:
        p = subprocess.run([node, str(DRIZZLE_KIT), "generate", "--dialect", "sqlite", "--schema", str(schema_ts),
                            "--out", os.path.relpath(out, INTEROP), "--name", name], cwd=INTEROP,
                           env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=120)
        return p.stdout + p.stderr

    assert "1 indexes" in kit(tmp_path / "D", "init")
    twin = write_project(tmp_path / "twin", TAGS_TWIN)
    assert not generate(twin.replace(out=str(tmp_path / "D")), name="again").written
    generate(twin.replace(out=str(tmp_path / "M")), name="init")
    assert NO_CHANGES in kit(tmp_path / "M", "again")

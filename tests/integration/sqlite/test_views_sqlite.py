"""SQLite's views (issue 16, part 2): a view over a table that is rebuilt (a column retyped), a view over that
view, a view changed (SQLite cannot replace one: dropped and made again) and dropped — each step applies, and
`generate --check`, `drift` and `verify` are clean after it. Functions and the other PostgreSQL kinds are
refused with one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_support import write_project

import mizzle
from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.commands.verify import verify
from mizzle.errors import SchemaLoadError

HEAD = """
import sqlalchemy as sa
from mizzle.pg import Function, View

metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("score", sa.{score}), sa.Column("active", sa.Boolean, nullable=False))
"""
STEPS = [
    HEAD.format(score="Integer") + """
active = View("active_users", 'select "id", "score" from "users" where "active"')
top = View("top_users", 'select "id" from "active_users" where "score" > 10')
""",
    # the column under both views retyped: the table is rebuilt, both views dropped before and made again after
    HEAD.format(score="Text") + """
active = View("active_users", 'select "id", "score" from "users" where "active"')
top = View("top_users", 'select "id" from "active_users" where "score" > 10')
""",
    # a view changed, the other dropped
    HEAD.format(score="Text") + """
active = View("active_users", 'select "id", "score", "active" from "users" where "active"')
""",
    HEAD.format(score="Text"),
]


def test_views_on_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    url = f"sqlite:///{db}"
    sqls = []
    for n, source in enumerate(STEPS, 1):
        cfg = write_project(tmp_path / "proj", source)
        result = generate(cfg, name=f"step{n}")
        assert result.changes, n
        sqls.append(result.sql_path.read_text())
        mizzle.migrate(url=url, folder=tmp_path / "proj" / "migrations")
        cfg = write_project(tmp_path / "proj", source)
        assert generate(cfg, check=True).changes == [], n
        d = drift(url=url, folder=tmp_path / "proj" / "migrations")
        assert not d.drifted, (n, d.changes)
        v = verify(cfg)
        assert v.ok, (n, v.first_divergence, v.code_changes)
    step2 = sqls[1]
    assert step2.index("DROP VIEW `top_users`") < step2.index("DROP VIEW `active_users`") \
        < step2.index("ALTER TABLE `__new_users` RENAME TO `users`") < step2.index("CREATE VIEW `active_users`") \
        < step2.index("CREATE VIEW `top_users`")


def test_sqlite_refuses_what_it_has_not(tmp_path: Path) -> None:
    cfg = write_project(tmp_path / "proj", HEAD.format(score="Integer") + 'f = Function("f", "SELECT 1", returns="int")\n')
    with pytest.raises(SchemaLoadError, match=r"^function f\(\) .*SQLite has plain views and triggers only"):
        generate(cfg, name="x")
    for decl, message in (
            ('Trigger("t", users, "public.f")', "a SQLite trigger runs a body"),
            ('Trigger("t", users, body="SELECT 1;", events="insert or update")', "one event"),
            ('Trigger("t", users, body="SELECT 1;", for_each="statement")', "FOR EACH ROW"),
            ('Extension("pg_trgm")', "SQLite has no extensions"),
            # pull writes a trigger's table as a name: Zotero's itemNotes renamed in the module left its trigger on
            # the old name, and generate wrote a snapshot no SQL builds
            ('Trigger("t", "itemNotes", body="SELECT 1;")', r"table 'itemNotes' is not declared")):
        cfg = write_project(tmp_path / "proj", HEAD.format(score="Integer").replace(
            "import Function, View", "import Extension, Function, Trigger, View") + f"x = {decl}\n")
        with pytest.raises(SchemaLoadError, match=message):
            generate(cfg, name="x")


TRIGGER_HEAD = HEAD.replace("import Function, View", "import Trigger, View") + """
log = sa.Table("log", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("note", sa.Text))
"""
TRIGGER_STEPS = [
    TRIGGER_HEAD.format(score="Integer") + """
scored = Trigger("users_scored", users, events="update of score", timing="after", when="NEW.score > 10",
                 body="INSERT INTO log (note) VALUES ('high ' || NEW.id);")
added = Trigger("users_added", "users", events="insert", body="INSERT INTO log (note) VALUES ('new');")
""",
    # users rebuilt (a column retyped): the triggers stay; one's body changes (dropped and made again)
    TRIGGER_HEAD.format(score="Text") + """
scored = Trigger("users_scored", users, events="UPDATE OF score", timing="AFTER", when="NEW.score > 10",
                 body="INSERT INTO log (note) VALUES ('high');")
added = Trigger("users_added", "users", events="insert", body="INSERT INTO log (note) VALUES ('new');")
""",
    TRIGGER_HEAD.format(score="Text") + """
scored = Trigger("users_scored", users, events="UPDATE OF score", timing="AFTER", when="NEW.score > 10",
                 body="INSERT INTO log (note) VALUES ('high');")
""",
]


def test_triggers_on_sqlite(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "app.db"
    url = f"sqlite:///{db}"
    for n, source in enumerate(TRIGGER_STEPS, 1):
        cfg = write_project(tmp_path / "proj", source)
        result = generate(cfg, name=f"step{n}")
        assert result.changes, n
        mizzle.migrate(url=url, folder=tmp_path / "proj" / "migrations")
        cfg = write_project(tmp_path / "proj", source)
        assert generate(cfg, check=True).changes == [], n
        d = drift(url=url, folder=tmp_path / "proj" / "migrations")
        assert not d.drifted, (n, d.changes)
        v = verify(cfg)
        assert v.ok, (n, v.first_divergence, v.code_changes)
        with sqlite3.connect(db) as c:
            names = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1")]
            assert names == (["users_added", "users_scored"] if n < 3 else ["users_scored"]), n
            c.execute("INSERT INTO users (id, score, active) VALUES (?, 1, 1)", (n,))
            c.execute("UPDATE users SET score = 20 WHERE id = ?", (n,))
            notes = [r[0] for r in c.execute("SELECT note FROM log ORDER BY id")]
            assert notes[-1] == ("high 1" if n == 1 else "high"), (n, notes)
    with sqlite3.connect(db) as c:  # a trigger changed by hand: drift sees it
        c.execute("DROP TRIGGER users_scored")
        c.execute("CREATE TRIGGER users_scored AFTER UPDATE OF score ON users BEGIN SELECT 1; END")
    assert drift(url=url, folder=tmp_path / "proj" / "migrations").drifted



# calibre's metadata.db: `fkc_comments_insert` (a trigger ON comments) reads books in its body, and a rebuild of
# books failed at its RENAME ("error in trigger fkc_comments_insert: no such table: main.books")
GUARD_HEAD = HEAD.replace("import Function, View", "import Trigger") + """
notes = sa.Table("notes", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("user", sa.Integer))
guard = Trigger("notes_user_exists", notes, events="insert", timing="before",
                body="SELECT CASE WHEN (SELECT id FROM users WHERE id = NEW.user) IS NULL "
                     "THEN RAISE(ABORT, 'no such user') END;")
"""


def test_trigger_of_another_table_over_a_rebuilt_table(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "app.db"
    url = f"sqlite:///{db}"
    for n, score in enumerate(("Integer", "Text"), 1):  # users.score retyped: users is rebuilt
        cfg = write_project(tmp_path / "proj", GUARD_HEAD.format(score=score))
        result = generate(cfg, name=f"step{n}")
        assert result.changes, n
        mizzle.migrate(url=url, folder=tmp_path / "proj" / "migrations")
        assert generate(write_project(tmp_path / "proj", GUARD_HEAD.format(score=score)), check=True).changes == []
        d = drift(url=url, folder=tmp_path / "proj" / "migrations")
        assert not d.drifted, (n, d.changes)
        v = verify(cfg)
        assert v.ok, (n, v.first_divergence, v.code_changes)
    sql = result.sql_path.read_text()  # the file works without mizzle's runner too (drizzle-orm's migrator)
    assert sql.index("DROP TRIGGER `notes_user_exists`") < sql.index("RENAME TO `users`") \
        < sql.index("CREATE TRIGGER `notes_user_exists`")
    with sqlite3.connect(db) as c:
        c.execute("INSERT INTO users (id, score, active) VALUES (1, 'x', 1)")
        c.execute("INSERT INTO notes (id, user) VALUES (1, 1)")
        with pytest.raises(sqlite3.IntegrityError, match="no such user"):
            c.execute("INSERT INTO notes (id, user) VALUES (2, 7)")


def test_runner_keeps_views_and_triggers_through_a_hand_written_rebuild(tmp_path: Path) -> None:
    """A drizzle-kit folder's rebuild, written without the triggers and views (drizzle-kit models no trigger):
    mizzle's runner drops the views and triggers before the RENAME and makes them again after, so that neither the
    trigger reading users, nor one writing a table that is not there (calibre's FTS5 tables, in a database replayed
    without them), fails it; the view over users keeps its INSTEAD OF trigger."""
    import sqlite3

    from mizzle.dialects.sqlite.runner import split_sql

    db = tmp_path / "app.db"
    with sqlite3.connect(db) as c:
        c.executescript("CREATE TABLE users (id integer PRIMARY KEY, score integer);"
                        "CREATE TABLE notes (id integer PRIMARY KEY, user integer);"
                        "CREATE TRIGGER guard BEFORE INSERT ON notes BEGIN SELECT CASE WHEN (SELECT id FROM users "
                        "WHERE id = NEW.user) IS NULL THEN RAISE(ABORT, 'no such user') END; END;"
                        "CREATE TRIGGER to_fts AFTER DELETE ON notes BEGIN INSERT INTO notes_fts VALUES (1); END;"
                        "CREATE VIEW v AS SELECT id FROM users;"
                        "CREATE TRIGGER v_add INSTEAD OF INSERT ON v BEGIN INSERT INTO users (id) VALUES (NEW.id); END;")
    folder = tmp_path / "migrations"
    (folder / "meta").mkdir(parents=True)
    sql = ("PRAGMA foreign_keys=OFF;--> statement-breakpoint\n"
           "CREATE TABLE `__new_users` (`id` integer PRIMARY KEY NOT NULL, `score` text);--> statement-breakpoint\n"
           "INSERT INTO `__new_users`(\"id\", \"score\") SELECT \"id\", \"score\" FROM `users`;"
           "--> statement-breakpoint\n"
           "DROP TABLE `users`;--> statement-breakpoint\n"
           "ALTER TABLE `__new_users` RENAME TO `users`;--> statement-breakpoint\n"
           "PRAGMA foreign_keys=ON;")
    assert len(split_sql(sql)) == 6
    (folder / "0000_retype.sql").write_text(sql)
    (folder / "meta" / "_journal.json").write_text(
        '{"version": "7", "dialect": "sqlite", "entries": [{"idx": 0, "version": "6", "when": 1700000000000, '
        '"tag": "0000_retype", "breakpoints": true}]}')
    mizzle.migrate(url=f"sqlite:///{db}", folder=folder)
    with sqlite3.connect(db) as c:
        assert sorted(r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'view')")) \
            == ["guard", "to_fts", "v", "v_add"]
        with pytest.raises(sqlite3.IntegrityError, match="no such user"):
            c.execute("INSERT INTO notes (id, user) VALUES (1, 7)")
        c.execute("INSERT INTO v (id) VALUES (3)")
        assert c.execute("SELECT id FROM v").fetchall() == [(3,)]


INSTEAD_HEAD = HEAD.replace("import Function, View", "import Trigger, View") + """
log = sa.Table("log", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("note", sa.Text))
ids = View("user_ids", 'select "id" from "users"')
add = Trigger("user_ids_add", "user_ids", events="insert", timing="instead of",
              body="INSERT INTO log (note) VALUES ('add ' || NEW.id);")
"""


def test_instead_of_trigger_of_a_view_over_a_rebuilt_table(tmp_path: Path) -> None:
    """The view over users is dropped and made again around users' rebuild (a column's default changed, which
    the view does not read): its INSTEAD OF trigger went with the DROP VIEW and was never made again, and drift
    found it missing after every such migration."""
    db = tmp_path / "app.db"
    url = f"sqlite:///{db}"
    for n, score in enumerate(("Integer", "Integer, server_default='1'"), 1):
        cfg = write_project(tmp_path / "proj", INSTEAD_HEAD.format(score=score))
        result = generate(cfg, name=f"step{n}")
        assert result.changes, n
        mizzle.migrate(url=url, folder=tmp_path / "proj" / "migrations")
        d = drift(url=url, folder=tmp_path / "proj" / "migrations")
        assert not d.drifted, (n, d.changes)
    sql = result.sql_path.read_text()
    assert sql.index("DROP TRIGGER `user_ids_add`") < sql.index("DROP VIEW `user_ids`") \
        < sql.index("RENAME TO `users`") < sql.index("CREATE VIEW `user_ids`") \
        < sql.index("CREATE TRIGGER `user_ids_add`")


# calibre's metadata.db: books_insert_trg (AFTER INSERT ON books, fills books.sort and books.uuid) went with a
# rebuild's DROP TABLE books; only mizzle's runner made it again, so the file drizzle-orm's migrator runs lost it
OWN_HEAD = HEAD.replace("import Function, View", "import Trigger") + """
books = sa.Table("books", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("title", sa.Text, nullable=False), sa.Column("sort", sa.Text),
                 sa.Column("has_cover", sa.{cover}, server_default=sa.text("0")))
filled = Trigger("books_insert_trg", books, events="insert", timing="after",
                 body="UPDATE books SET sort=lower(NEW.title) WHERE id=NEW.id;")
"""


def test_own_trigger_of_a_rebuilt_table_is_made_again_by_the_file(tmp_path: Path) -> None:
    import sqlite3

    from mizzle.dialects.sqlite.runner import split_sql

    db, plain = tmp_path / "app.db", tmp_path / "plain.db"
    for n, cover in enumerate(("Integer", "Text"), 1):  # has_cover retyped: books is rebuilt
        source = OWN_HEAD.format(score="Integer", cover=cover)
        cfg = write_project(tmp_path / "proj", source)
        result = generate(cfg, name=f"step{n}")
        assert result.changes, n
        mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "proj" / "migrations")
        with sqlite3.connect(plain, isolation_level=None) as c:  # as drizzle-orm's migrator runs the file
            for statement in split_sql(result.sql_path.read_text()):
                c.execute(statement)
        d = drift(url=f"sqlite:///{db}", folder=tmp_path / "proj" / "migrations")
        assert not d.drifted, (n, d.changes)
        assert generate(write_project(tmp_path / "proj", source), check=True).changes == []
        assert verify(cfg).ok, n
    for path in (db, plain):
        with sqlite3.connect(path) as c:
            c.execute("INSERT INTO books (id, title) VALUES (1, 'The Hobbit')")
            assert c.execute("SELECT sort FROM books").fetchall() == [("the hobbit",)], path
    sql = result.sql_path.read_text()
    assert sql.index("DROP TRIGGER `books_insert_trg`") < sql.index("DROP TABLE `books`") \
        < sql.index("RENAME TO `books`") < sql.index("CREATE TRIGGER `books_insert_trg`")

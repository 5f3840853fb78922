"""A calibre-like SQLite schema (calibre-web's cps/db.py: `String(collation='NOCASE')` on nearly every text
column; calibre's metadata.db: `TEXT NOT NULL COLLATE NOCASE`) round trips through the real commands: generate →
migrate → drift clean → verify ok → pull → generate finds nothing. The pulled module carries `collation=` on the
column's type: it wrote `sa.Text, info={"mizzle": {"collation": "NOCASE"}}`, which mizzle reads but SQLAlchemy
does not — the app's own `create_all` of the pulled models (its tests, a fresh install) made columns that compare
case-sensitively."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import mizzle_fork

CALIBRE = '''import sqlalchemy as sa

metadata = sa.MetaData()
books = sa.Table(
    "books", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(collation="NOCASE"), nullable=False, server_default="Unknown"),
    sa.Column("sort", sa.String(collation="NOCASE")),
    sa.Column("author_sort", sa.String(collation="NOCASE")),
    sa.Column("path", sa.String, nullable=False, server_default=""),
    sqlite_autoincrement=True,
)
tags = sa.Table(
    "tags", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(collation="NOCASE"), nullable=False, unique=True),
)
data = sa.Table(
    "data", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("book", sa.Integer, sa.ForeignKey("books.id"), nullable=False),
    sa.Column("format", sa.String(collation="NOCASE"), nullable=False),
    sa.Column("code", sa.String(8, collation="RTRIM")),
)
sa.Index("books_idx", books.c.sort)
'''


def mizzle(args: list[str], cwd: Path) -> mizzle_fork.Ran:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return mizzle_fork.run([*args], cwd=cwd, env=env, timeout=120)


def test_calibre_like_collations_round_trip(tmp_path: Path) -> None:
    app, pulled = tmp_path / "app", tmp_path / "pulled"
    app.mkdir()
    pulled.mkdir()
    (app / "models.py").write_text(CALIBRE)
    (app / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["models.py"]\nout = "drizzle"\n'
                                     'url = "sqlite:///app.db"\n')
    for args in (["generate", "--name", "init"], ["migrate"], ["drift"], ["verify"]):
        p = mizzle(args, app)
        assert p.returncode == 0, (args, p.stdout + p.stderr)
        assert "COLLATE" not in p.stdout + p.stderr or args == ["generate", "--name", "init"], p.stdout + p.stderr
    db = sqlite3.connect(app / "app.db")
    db.execute("INSERT INTO tags (name) VALUES ('Fantasy')")
    try:
        db.execute("INSERT INTO tags (name) VALUES ('fantasy')")
        raise AssertionError("a NOCASE unique column took 'Fantasy' and 'fantasy'")
    except sqlite3.IntegrityError:
        pass
    db.commit()
    db.close()

    (pulled / "mizzle.toml").write_text(f'dialect = "sqlite"\nschema = ["pulled.py"]\nout = "drizzle"\n'
                                        f'url = "sqlite:///{app / "app.db"}"\n')
    p = mizzle(["pull"], pulled)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "not managed" not in p.stdout + p.stderr, p.stdout + p.stderr
    module = (pulled / "pulled.py").read_text()
    assert 'sa.Column("name", sa.Text(collation="NOCASE"), nullable=False)' in module, module
    assert 'sa.Column("code", sa.String(8, collation="RTRIM"))' in module, module
    assert 'sa.Column("path", sa.Text, nullable=False' in module, module
    p = mizzle(["generate", "--check"], pulled)
    assert p.returncode == 0, p.stdout + p.stderr
    p = mizzle(["generate", "--check"], app)
    assert p.returncode == 0, p.stdout + p.stderr


def test_calibre_metadata_db_pull_keeps_nocase(tmp_path: Path) -> None:
    """calibre's own spelling (resources/metadata_sqlite.sql): COLLATE after NOT NULL and DEFAULT, an index on
    `(name COLLATE NOCASE)`. The pulled module, made again into a new database, compares case-insensitively."""
    db = sqlite3.connect(tmp_path / "metadata.db")
    db.executescript(
        "CREATE TABLE tags ( id   INTEGER PRIMARY KEY,\n name TEXT NOT NULL COLLATE NOCASE,\n UNIQUE (name));\n"
        "CREATE TABLE identifiers ( id INTEGER PRIMARY KEY, book INTEGER NON NULL,\n"
        " type TEXT NON NULL DEFAULT \"isbn\" COLLATE NOCASE, val TEXT NON NULL COLLATE NOCASE, UNIQUE(book, type));\n"
        "CREATE INDEX tags_idx ON tags (name COLLATE NOCASE);\n")
    db.close()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///metadata.db"\n')
    p = mizzle(["pull"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "not managed" not in p.stdout + p.stderr, p.stdout + p.stderr
    module = (tmp_path / "pulled.py").read_text()
    assert 'sa.Column("name", sa.Text(collation="NOCASE"), nullable=False)' in module, module
    assert """sa.Index("tags_idx", sa.text('"name" COLLATE "NOCASE"'))""" in module, module
    # `TEXT NON NULL` declares the type `TEXT NON` (kept as written), which takes no collation=: `info` says it
    assert 'sa.Column("val", PgType("text non"), info={"mizzle": {"collation": "NOCASE"}})' in module, module
    p = mizzle(["generate", "--check"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    # the app's own create_all of the pulled models compares as calibre's database does
    code = subprocess.run([sys.executable, "-c", "import sqlalchemy as sa, pulled; e = sa.create_engine('sqlite://'); "
                           "pulled.metadata.create_all(e); c = e.connect(); "
                           "c.execute(sa.text(\"INSERT INTO tags (name) VALUES ('Fantasy')\")); "
                           "print(c.execute(sa.text(\"SELECT count(*) FROM tags WHERE name = 'FANTASY'\")).scalar())"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert code.stdout.strip() == "1", code.stdout + code.stderr
    p = mizzle(["drift"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///rebuilt.db"\n')
    p = mizzle(["migrate"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    db = sqlite3.connect(tmp_path / "rebuilt.db")
    db.execute("INSERT INTO tags (name) VALUES ('Fantasy')")
    assert db.execute("SELECT count(*) FROM tags WHERE name = 'FANTASY'").fetchone() == (1,)
    db.close()

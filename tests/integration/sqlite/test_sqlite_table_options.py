"""SQLite's STRICT and WITHOUT ROWID tables, managed end to end: schema code (`sqlite_strict=True`,
`sqlite_with_rowid=False`) → the snapshot's sidecar → CREATE TABLE … STRICT / WITHOUT ROWID → a change of either
rebuilds the table with the new options → pull, drift and verify read them back (PRAGMA table_list). Before, both
were refused in schema code and pull wrote a module that made plain tables.

Real input: HackerExperience's helix/priv/schemas/sp_server.sql and singleplayer.sql (every table STRICT: a
composite key, AUTOINCREMENT, a partial index, foreign keys), rewritten shorter; the WITHOUT ROWID key-value table
follows simplexmq's agent schema (`servers(host, port, PRIMARY KEY (host, port)) WITHOUT ROWID`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlite_support import write_project

from mizzle import api as mizzle
from mizzle.commands.generate import generate
from mizzle.commands.pull import pull
from mizzle.config import load_config
from mizzle.dialects.sqlite.source import sqlite_schema_from_tables
from mizzle.errors import SchemaLoadError

GAME = """
CREATE TABLE __db_migrations (domain TEXT, version INTEGER, PRIMARY KEY (domain, version)) STRICT;
CREATE TABLE entities (id INTEGER PRIMARY KEY, type TEXT NOT NULL, inserted_at TEXT) STRICT;
CREATE TABLE servers (id INTEGER PRIMARY KEY, entity_id INTEGER, inserted_at TEXT,
  FOREIGN KEY (entity_id) REFERENCES entities(id) ON DELETE RESTRICT ON UPDATE RESTRICT) STRICT;
CREATE TABLE files (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, path TEXT NOT NULL,
  size INTEGER NOT NULL) STRICT;
CREATE UNIQUE INDEX files_path_name ON files(path, name);
CREATE TABLE installations (id INTEGER PRIMARY KEY, file_id INTEGER, memory_usage INTEGER NOT NULL) STRICT;
CREATE INDEX installations_file_id_idx ON installations(file_id) WHERE file_id IS NOT NULL;
CREATE TABLE kv_servers (host TEXT NOT NULL, port TEXT NOT NULL, key_hash BLOB, n INT, v ANY,
  PRIMARY KEY (host, port)) WITHOUT ROWID, STRICT;
CREATE TABLE plain (id INTEGER PRIMARY KEY, note TEXT);
"""


def _options(path: Path) -> dict[str, tuple[int, int]]:
    with sqlite3.connect(path) as conn:
        return {r[1]: (r[5], r[4]) for r in conn.execute("PRAGMA main.table_list")
                if r[2] == "table" and not r[1].startswith(("sqlite_", "__mizzle", "__drizzle"))}


def test_pull_writes_the_options_and_the_folder_makes_them_again(tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    with sqlite3.connect(source) as conn:
        conn.executescript(GAME)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "migrations"\n')
    config = load_config(tmp_path / "mizzle.toml")
    result = pull(config, f"sqlite:///{source}")
    said = result.warnings + result.unmanaged
    assert not any("STRICT" in w or "ROWID" in w for w in said), said  # nothing left unmanaged
    module = (tmp_path / "schema.py").read_text()
    assert module.count("sqlite_strict=True") == 6 and module.count("sqlite_with_rowid=False") == 1, module
    assert not generate(config, check=True).changes

    copy = tmp_path / "copy.db"
    mizzle.migrate(config, url=f"sqlite:///{copy}")
    assert _options(copy) == _options(source) and _options(source)["kv_servers"] == (1, 1)
    assert not mizzle.drift(config, url=f"sqlite:///{copy}").drifted
    assert not mizzle.drift(config, url=f"sqlite:///{source}").drifted


CODE = """
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("kv", metadata, sa.Column("k", sa.String(40), primary_key=True), sa.Column("v", sa.Integer),
         sqlite_with_rowid=False, sqlite_strict=True)
sa.Table("events", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("body", sa.Text),
         sqlite_strict=True)
"""


def test_schema_code_options_are_generated_recorded_and_changed_by_a_rebuild(tmp_path: Path) -> None:
    config = write_project(tmp_path, CODE)
    generate(config, name="init")
    sql = next((tmp_path / "migrations").glob("0000_*.sql")).read_text()
    # sa.String(40) is `text` in a STRICT table (`text(40)` is refused there)
    assert "`k` text PRIMARY KEY NOT NULL,\n\t`v` integer\n) STRICT, WITHOUT ROWID;" in sql, sql
    assert ") STRICT;" in sql, sql
    side = (tmp_path / "migrations" / "meta" / "_mizzle.json").read_text()
    assert '"withoutRowid": true' in side and '"strict": true' in side, side
    db = tmp_path / "app.db"
    url = f"sqlite:///{db}"
    mizzle.migrate(config, url=url)
    assert _options(db) == {"kv": (1, 1), "events": (1, 0)}
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO kv VALUES ('a', 1)")
        conn.execute("INSERT INTO events (body) VALUES ('x')")

    # kv no longer STRICT, events WITHOUT ROWID too: both rebuilt, their rows kept
    config = write_project(tmp_path, CODE.replace("sqlite_with_rowid=False, sqlite_strict=True",
                                                  "sqlite_with_rowid=False")
                           .replace("sqlite_strict=True)", "sqlite_strict=True, sqlite_with_rowid=False)"))
    result = generate(config, name="options")
    assert "~ table kv: STRICT, WITHOUT ROWID → WITHOUT ROWID" in str(result.changes), result.changes
    # events' INTEGER key was its rowid: an INSERT without it is no longer given one
    assert [w for w in result.warnings if "ROWID" in w or "STRICT" in w] == [
        "table events becomes WITHOUT ROWID: its key id is no longer the rowid, so an INSERT that leaves it out fails "
        "(NOT NULL constraint failed) instead of being given one"], result.warnings
    mizzle.migrate(config, url=url)
    assert _options(db) == {"kv": (0, 1), "events": (1, 1)}
    with sqlite3.connect(db) as conn, pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
        conn.execute("INSERT INTO events (body) VALUES ('y')")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT * FROM kv").fetchall() == [("a", 1)]
        assert conn.execute("SELECT * FROM events").fetchall() == [(1, "x")]
    assert not mizzle.drift(config, url=url).drifted
    assert mizzle.verify(config, url=url).ok
    assert not generate(config, check=True).changes


@pytest.mark.parametrize(("column", "option", "words"), [
    (sa.Column("n", sa.Numeric(10, 2)), {"sqlite_strict": True}, "a STRICT table (sqlite_strict=True) takes no "
     "column of type numeric"),
    (sa.Column("n", sa.BigInteger, primary_key=True), {"sqlite_strict": True}, "column of type bigint"),
    (sa.Column("n", sa.Text), {"sqlite_with_rowid": False}, "a WITHOUT ROWID table (sqlite_with_rowid=False) "
     "needs a primary key"),
])
def test_what_sqlite_refuses_in_such_a_table_is_refused_when_the_code_loads(column: sa.Column, option: dict,
                                                                            words: str) -> None:
    t = sa.Table("t", sa.MetaData(), column, **option)
    with pytest.raises(SchemaLoadError, match=words.replace("(", r"\(").replace(")", r"\)")):
        sqlite_schema_from_tables([t])


def test_a_table_made_strict_is_warned_of_and_its_copy_fails_on_a_value_its_type_refuses(tmp_path: Path) -> None:
    plain = CODE.replace("sqlite_with_rowid=False, sqlite_strict=True", "sqlite_with_rowid=False")
    config = write_project(tmp_path, plain)
    generate(config, name="init")
    db = tmp_path / "app.db"
    mizzle.migrate(config, url=f"sqlite:///{db}")
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO kv VALUES ('a', 'not a number')")  # a table not STRICT takes it
    result = generate(write_project(tmp_path, CODE), name="strict")
    assert any(w.startswith("table kv becomes STRICT: its rebuild's copy fails") for w in result.warnings), \
        result.warnings
    with pytest.raises(Exception, match="cannot store TEXT value in INTEGER column"):
        mizzle.migrate(config, url=f"sqlite:///{db}")

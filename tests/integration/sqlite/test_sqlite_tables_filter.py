"""`tables_filter` on SQLite: the config's globs were not applied where mizzle reads a SQLite file, so `pull` with
`tables_filter = ["!itemNotes", …]` on Zotero's userdata.sql wrote every table (and its triggers) anyway, and
`drift` reported the tables the filter leaves out; the warnings (WITHOUT ROWID, a key accepting NULL) named them
too. The tables it leaves out, and their triggers, are not read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

TOML = 'dialect = "sqlite"\nschema = "schema.py"\nout = "migrations"\ntables_filter = ["!legacy_*"]\n'

SQL = """
CREATE TABLE items (itemID INTEGER PRIMARY KEY, title TEXT NOT NULL);
CREATE TABLE legacy_notes (noteID INT PRIMARY KEY, itemID INT REFERENCES items(itemID), body TEXT) WITHOUT ROWID;
CREATE TABLE legacy_kv (k TEXT, v TEXT, PRIMARY KEY (k, v));
CREATE INDEX legacy_notes_item ON legacy_notes (itemID);
CREATE TRIGGER legacy_notes_blank BEFORE INSERT ON legacy_notes
  BEGIN SELECT RAISE(ABORT, 'blank') WHERE NEW.body = ''; END;
CREATE TRIGGER items_blank BEFORE INSERT ON items
  BEGIN SELECT RAISE(ABORT, 'blank') WHERE NEW.title = ''; END;
"""


def test_tables_filter_leaves_tables_and_their_triggers_out(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(tmp_path / "source.db")
    conn.executescript(SQL)
    conn.close()
    (tmp_path / "mizzle.toml").write_text(TOML)
    url = f"sqlite:///{tmp_path / 'source.db'}"
    r = run_mizzle(["pull"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    module = (tmp_path / "schema.py").read_text()
    assert '"items"' in module and "items_blank" in module, module
    assert "legacy_notes" not in module, module
    assert "legacy" not in r.stdout + r.stderr, r.stdout + r.stderr  # nor named in the warnings
    conn = sqlite3.connect(tmp_path / "source.db")
    conn.executescript("ALTER TABLE legacy_notes ADD extra TEXT; DROP INDEX legacy_notes_item;")
    conn.close()
    d = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert d.code == 0, d.stdout + d.stderr

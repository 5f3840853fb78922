"""Triggers and views whose text ends in a `--` comment: Zotero's triggers.sql ends each body `…;---` on its own
line before `END`. mizzle wrote `BEGIN <body> END;` on one line, so the comment swallowed the `END` and the pulled
baseline failed with "incomplete input" (in `migrate` and `verify`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

TOML = 'dialect = "sqlite"\nschema = "schema.py"\nout = "migrations"\n'

ZOTERO_LIKE = """
CREATE TABLE items (itemID INTEGER PRIMARY KEY, libraryID INT NOT NULL);
CREATE TABLE itemNotes (itemID INTEGER PRIMARY KEY, parentItemID INT);
CREATE TRIGGER fki_items_note BEFORE INSERT ON items
  FOR EACH ROW BEGIN
    SELECT RAISE(ABORT, 'insert on table "items" violates "fki_items_note"')
    WHERE NEW.itemID IN (SELECT itemID FROM itemNotes WHERE parentItemID IS NOT NULL);---
  END;
CREATE TRIGGER fku_items_library BEFORE UPDATE ON items
  FOR EACH ROW WHEN NEW.libraryID < 0 -- no negative library
  BEGIN
    SELECT RAISE(ABORT, 'negative library'); -- done
  END;
CREATE VIEW notes_of_items AS SELECT itemID FROM itemNotes -- parents only
;
"""


def test_trigger_and_view_text_ending_in_a_line_comment_round_trips(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(tmp_path / "source.db")
    conn.executescript(ZOTERO_LIKE)
    conn.close()
    (tmp_path / "mizzle.toml").write_text(TOML)
    r = run_mizzle(["pull"], cwd=tmp_path, url=f"sqlite:///{tmp_path / 'source.db'}")
    assert r.code == 0, r.stdout + r.stderr
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    m = run_mizzle(["migrate"], cwd=tmp_path, url=fresh)
    assert m.code == 0, m.stdout + m.stderr
    d = run_mizzle(["drift"], cwd=tmp_path, url=fresh)
    assert d.code == 0, d.stdout + d.stderr
    v = run_mizzle(["verify"], cwd=tmp_path)
    assert v.code == 0, v.stdout + v.stderr
    conn = sqlite3.connect(tmp_path / "fresh.db")
    conn.executescript("INSERT INTO itemNotes VALUES (2, 1); INSERT INTO items VALUES (1, 1);")
    for bad in ("INSERT INTO items VALUES (2, 1)", "UPDATE items SET libraryID = -1"):
        try:
            conn.execute(bad)
        except sqlite3.IntegrityError:
            continue
        raise AssertionError(f"the trigger did not fire: {bad}")
    assert conn.execute("SELECT count(*) FROM notes_of_items").fetchone() == (1,)
    conn.close()

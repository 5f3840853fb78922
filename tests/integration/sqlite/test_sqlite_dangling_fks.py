"""A foreign key to a table that does not exist, which SQLite keeps: Mixxx's schema.xml makes
`itunes_playlist_tracks.playlist_id REFERENCES itunes_playlist(id)` (the table is `itunes_playlists`), and its
revision 3 renames `library` to `library_old` (SQLite rewrites the children's keys to the new name) before dropping
it. pull wrote the key as it is, and the module did not load ("could not find table 'library_old'"): generate,
verify and every later command failed on the module pull had just written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from mizzle.dialects.sqlite.source import sqlite_schema_from_tables

TOML = 'dialect = "sqlite"\nschema = "schema.py"\nout = "migrations"\n'

MIXXX_LIKE = """
CREATE TABLE library (id INTEGER PRIMARY KEY AUTOINCREMENT, title varchar(48));
CREATE TABLE cues (id INTEGER PRIMARY KEY AUTOINCREMENT, track_id INTEGER NOT NULL REFERENCES library(id));
CREATE TABLE itunes_playlists (id INTEGER PRIMARY KEY, name varchar(100) UNIQUE);
CREATE TABLE itunes_playlist_tracks (id INTEGER PRIMARY KEY AUTOINCREMENT,
  playlist_id INTEGER REFERENCES itunes_playlist(id));
ALTER TABLE library RENAME TO library_old;
CREATE TABLE library (id INTEGER PRIMARY KEY AUTOINCREMENT, title varchar(64));
DROP TABLE library_old;
"""


def test_a_key_to_an_undeclared_table_is_read_as_written() -> None:
    metadata = sa.MetaData()
    t = sa.Table("tracks", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("playlist_id", sa.Integer), sa.ForeignKeyConstraint(["playlist_id"], ["playlist.id"]))
    fk = sqlite_schema_from_tables([t]).tables[0].foreign_keys[0]
    assert (fk.columns, fk.ref_table, fk.ref_columns) == (("playlist_id",), "playlist", ("id",))


def test_mixxx_keys_to_missing_tables_round_trip(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(tmp_path / "source.db")
    conn.executescript(MIXXX_LIKE)
    conn.close()
    (tmp_path / "mizzle.toml").write_text(TOML)
    r = run_mizzle(["pull"], cwd=tmp_path, url=f"sqlite:///{tmp_path / 'source.db'}")
    assert r.code == 0 and "does not load" not in r.stderr, r.stdout + r.stderr
    assert '["library_old.id"]' in (tmp_path / "schema.py").read_text()
    for args in (["generate", "--check"], ["verify"], ["migrate"]):
        res = run_mizzle(args, cwd=tmp_path, url=f"sqlite:///{tmp_path / 'fresh.db'}")
        assert res.code == 0, (args, res.stdout + res.stderr)
    conn = sqlite3.connect(tmp_path / "fresh.db")
    keys = {(row[2], row[3]) for t in ("cues", "itunes_playlist_tracks")
            for row in conn.execute(f"PRAGMA foreign_key_list({t})")}
    conn.close()
    assert keys == {("library_old", "track_id"), ("itunes_playlist", "playlist_id")}

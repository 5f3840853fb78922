"""SQLite: rebuilding an AUTOINCREMENT table keeps its high-water mark in sqlite_sequence, so a key of a deleted row
is never handed out again — the one promise AUTOINCREMENT makes. GnuCash's books (piecash's gnucash_books) keep
`slots` with AUTOINCREMENT; moving a GnuCash 2.6 book to 3.x's schema (`timespec_val text(14)` → `text(19)`)
rebuilds the table, and the copy alone left `__new_slots` with the largest id still present, so the next slot
took the id of one deleted before the migration."""

from __future__ import annotations

from pathlib import Path

from sqlite_support import execute, rows, write_project

from mizzle.commands.drift import drift_for_config
from mizzle.commands.generate import generate
from mizzle.runner.migrate import migrate

BEFORE = """
import sqlalchemy as sa
metadata = sa.MetaData()
slots = sa.Table("slots", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("timespec_val", sa.String(14)), sqlite_autoincrement=True)
"""
AFTER = BEFORE.replace("sa.String(14)", "sa.String(19)")


def _rebuilt(tmp_path: Path, prepare: tuple[str, ...]) -> tuple[Path, str]:
    config = write_project(tmp_path, BEFORE)
    generate(config, name="gnucash26")
    db = tmp_path / "book.db"
    url = f"sqlite:///{db}"
    migrate(url=url, folder=tmp_path / "migrations")
    execute(db, *prepare)
    config = write_project(tmp_path, AFTER)
    generate(config, name="gnucash3")
    migrate(url=url, folder=tmp_path / "migrations")
    assert drift_for_config(config, url=url).changes == []
    execute(db, "INSERT INTO slots (timespec_val) VALUES ('new')")
    return db, url


def test_rebuild_keeps_the_sequence_past_deleted_rows(tmp_path: Path) -> None:
    db, _ = _rebuilt(tmp_path, ("INSERT INTO slots (id, timespec_val) VALUES (1, 'a'), (2, 'b'), (3, 'c')",
                                "DELETE FROM slots WHERE id = 3"))
    assert rows(db, "SELECT id FROM slots ORDER BY id") == [(1,), (2,), (4,)]
    assert rows(db, "SELECT name, seq FROM sqlite_sequence WHERE name LIKE '%slots'") == [("slots", 4)]


def test_rebuild_keeps_the_sequence_of_a_table_emptied_before(tmp_path: Path) -> None:
    db, _ = _rebuilt(tmp_path, ("INSERT INTO slots (id, timespec_val) VALUES (7, 'a')", "DELETE FROM slots"))
    assert rows(db, "SELECT id FROM slots") == [(8,)]


def test_rebuild_of_a_table_never_written_starts_at_one(tmp_path: Path) -> None:
    db, _ = _rebuilt(tmp_path, ())
    assert rows(db, "SELECT id FROM slots") == [(1,)]
    assert rows(db, "SELECT name, seq FROM sqlite_sequence WHERE name LIKE '%slots'") == [("slots", 1)]

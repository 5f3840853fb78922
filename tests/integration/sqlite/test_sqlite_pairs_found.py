"""Facts that sqldef's SQLite cases (run through tests/integration/schema_pairs/sqlite_pairs_harness.py) showed
mizzle losing or breaking, rebuilt here in our own SQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mizzle.errors import SchemaLoadError

TOML = 'dialect = "sqlite"\nschema = "schema.py"\nout = "migrations"\n'


def _database(path: Path, *statements: str) -> str:
    conn = sqlite3.connect(path)
    for s in statements:
        conn.execute(s)
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def test_a_foreign_key_naming_its_parent_in_another_case_is_pulled_and_migrated(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """SQLite's names are case-insensitive: `REFERENCES Owners (ID)` is the table created as `owners`. Pull wrote
    `sa.ForeignKey("Owners.ID")`, a module SQLAlchemy cannot load, and generate failed."""
    source = _database(tmp_path / "source.db",
                       "CREATE TABLE pets (pid integer PRIMARY KEY, owner integer REFERENCES Owners (ID))",
                       "CREATE TABLE owners (id integer PRIMARY KEY)")
    (tmp_path / "mizzle.toml").write_text(TOML)
    r = run_mizzle(["pull", "--no-mark"], cwd=tmp_path, url=source)
    assert r.code == 0 and "does not load" not in r.stdout + r.stderr, r.stdout + r.stderr
    code = (tmp_path / "schema.py").read_text()
    assert "owners.id" in code and "Owners" not in code, code
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    rebuilt = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    m = run_mizzle(["migrate"], cwd=tmp_path, url=rebuilt)
    assert m.code == 0, m.stdout + m.stderr
    d = run_mizzle(["drift"], cwd=tmp_path, url=rebuilt)
    assert d.code == 0, d.stdout + d.stderr
    conn = sqlite3.connect(tmp_path / "rebuilt.db")
    assert [r[2:5] for r in conn.execute("PRAGMA foreign_key_list(pets)")] == [("owners", "owner", "id")]
    conn.close()


def test_strict_and_without_rowid_tables_are_listed_by_pull_and_drift(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """STRICT and WITHOUT ROWID are not modelled: pull and drift name each such table (they were lost without a
    word: the module pull wrote created a plain table)."""
    source = _database(tmp_path / "source.db",
                       "CREATE TABLE tags (id integer PRIMARY KEY, label text) STRICT",
                       "CREATE TABLE codes (code text PRIMARY KEY, v any) WITHOUT ROWID, STRICT",
                       "CREATE TABLE plain (id integer PRIMARY KEY, note text)")
    (tmp_path / "mizzle.toml").write_text(TOML)
    r = run_mizzle(["pull"], cwd=tmp_path, url=source)
    assert r.code == 0, r.stdout + r.stderr
    line = "table options not managed by mizzle (STRICT, WITHOUT ROWID: a table rebuild or a table created from " \
           "the schema code has none): codes STRICT WITHOUT ROWID, tags STRICT"
    assert line in r.stdout + r.stderr, r.stdout + r.stderr
    d = run_mizzle(["drift"], cwd=tmp_path, url=source)
    assert d.code == 0 and line in d.stdout + d.stderr, d.stdout + d.stderr


@pytest.mark.parametrize("option", [{"sqlite_strict": True}, {"sqlite_with_rowid": False}])
def test_strict_or_without_rowid_in_schema_code_is_refused(option: dict[str, bool]) -> None:
    import sqlalchemy as sa

    from mizzle.dialects.sqlite.source import sqlite_schema_from_tables

    t = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), **option)
    with pytest.raises(SchemaLoadError, match="not managed by mizzle"):
        sqlite_schema_from_tables([t])

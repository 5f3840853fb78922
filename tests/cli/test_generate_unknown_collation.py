"""A collation the server has none of: calibre-web's models (written for SQLite) declare `String(collation="NOCASE")`;
generated for PostgreSQL, the migration wrote `COLLATE "NOCASE"` without a word, and migrate failed (`collation
"NOCASE" for encoding "UTF8" does not exist`). The other way round, a PostgreSQL collation on SQLite fails with "no
such collation sequence". `generate` now warns, one line a collation, where the schema first names it; a collation
the folder's own SQL creates (CREATE COLLATION "NOCASE" …) is not warned of."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

SCHEMA = '''
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("books", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("title", sa.String(collation="{coll}")), sa.Column("sort", sa.String(collation="{coll}")))
'''
PLAIN = '''
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("books", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("title", sa.String))
'''


def _project(tmp_path: Path, dialect: str, source: str, url: str) -> None:
    (tmp_path / "app").mkdir(exist_ok=True)
    (tmp_path / "app" / "schema.py").write_text(source, encoding="utf-8")
    (tmp_path / "mizzle.toml").write_text(f'dialect = "{dialect}"\nschema = ["app/schema.py"]\nout = "drizzle"\n'
                                          f'url = "{url}"\n')


def _collation_warnings(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if "collation" in ln and "warning" in ln.lower()]


def test_postgresql_warns_of_sqlites_nocase_and_the_migration_does_fail(
        tmp_path: Path, run_mizzle: Callable[..., object], pg_url: Callable[..., str]) -> None:
    url = pg_url()
    _project(tmp_path, "postgresql", SCHEMA.format(coll="NOCASE"), url)
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    warned = _collation_warnings(r.stderr)  # type: ignore[attr-defined]
    assert len(warned) == 1, r.stderr  # type: ignore[attr-defined]
    assert "NOCASE" in warned[0] and "column public.books.title" in warned[0] and "SQLite" in warned[0], warned
    assert "CREATE COLLATION" in warned[0], warned
    # what the warning foretells: the server refuses it
    m = run_mizzle(["migrate"], cwd=tmp_path)
    assert m.code == 1 and "NOCASE" in m.stderr, m.stderr  # type: ignore[attr-defined]
    # a second generate (nothing new) says nothing again
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert not _collation_warnings(r.stderr), r.stderr  # type: ignore[attr-defined]


def test_postgresql_says_nothing_of_a_collation_the_folder_creates(
        tmp_path: Path, run_mizzle: Callable[..., object], pg_url: Callable[..., str]) -> None:
    url = pg_url()
    _project(tmp_path, "postgresql", PLAIN, url)
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0  # type: ignore[attr-defined]
    assert run_mizzle(["generate", "--custom", "--name", "nocase"], cwd=tmp_path).code == 0  # type: ignore[attr-defined]
    custom = next((tmp_path / "drizzle").glob("0001_*.sql"))
    custom.write_text(custom.read_text() + 'CREATE COLLATION "NOCASE" (provider = icu, locale = '
                      "'und-u-ks-level2', deterministic = false);\n")
    _project(tmp_path, "postgresql", SCHEMA.format(coll="NOCASE"), url)
    r = run_mizzle(["generate", "--name", "use"], cwd=tmp_path)
    assert r.code == 0 and not _collation_warnings(r.stderr), r.stderr  # type: ignore[attr-defined]
    m = run_mizzle(["migrate"], cwd=tmp_path)
    assert m.code == 0, m.stderr  # type: ignore[attr-defined]
    with psycopg.connect(url) as c:
        got = c.execute("SELECT c.collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation "
                        "WHERE a.attrelid = 'books'::regclass AND a.attname = 'title'").fetchone()
    assert got == ("NOCASE",)


@pytest.mark.parametrize("coll, warns", [("C", True), ("en_US", True), ("nocase", False), ("RTRIM", False)])
def test_sqlite_warns_of_a_collation_it_has_not(tmp_path: Path, run_mizzle: Callable[..., object],
                                                coll: str, warns: bool) -> None:
    _project(tmp_path, "sqlite", SCHEMA.format(coll=coll), "sqlite:///db.sqlite")
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    warned = _collation_warnings(r.stderr)  # type: ignore[attr-defined]
    assert len(warned) == (1 if warns else 0), r.stderr  # type: ignore[attr-defined]
    m = run_mizzle(["migrate"], cwd=tmp_path)
    assert (m.code != 0) == warns, m.stderr  # type: ignore[attr-defined]
    if warns:
        assert "no such collation sequence" in warned[0], warned
        assert "no such collation sequence" in m.stderr  # type: ignore[attr-defined]
    else:
        with sqlite3.connect(tmp_path / "db.sqlite") as c:
            assert c.execute("SELECT count(*) FROM books").fetchone() == (0,)

"""SQLite foreign keys' DEFERRABLE / INITIALLY DEFERRED / INITIALLY IMMEDIATE / NOT DEFERRABLE, managed end to end:
Django writes every SQLite foreign key as `REFERENCES "t" ("id") DEFERRABLE INITIALLY DEFERRED` (a Django
project's `manage.py migrate` into SQLite showed it). mizzle listed them as not managed, so pull → baseline built
foreign keys checked at once, and a table rebuild silently lost the deferral (a child inserted before its parent in
one transaction then failed)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from mizzle.dialects.sqlite.introspect import introspect
from mizzle.dialects.sqlite.snapshot import sqlite_schema_from_snapshot, sqlite_snapshot_from_schema
from mizzle.dialects.sqlite.source import sqlite_schema_from_tables

TOML = 'dialect = "sqlite"\nschema = "schema.py"\nout = "migrations"\n'

# the shape of Django's auth tables (its own spelling), with the other forms SQLite accepts beside
DJANGO = (
    'CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "username" varchar(150) NOT NULL '
    'UNIQUE)',
    'CREATE TABLE "auth_group" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(150) NOT NULL UNIQUE)',
    'CREATE TABLE "auth_user_groups" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" integer NOT NULL '
    'REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED, "group_id" integer NOT NULL REFERENCES '
    '"auth_group" ("id") DEFERRABLE INITIALLY DEFERRED)',
    'CREATE TABLE "forms" ("id" integer NOT NULL PRIMARY KEY, '
    '"note" text DEFAULT \'DEFERRABLE INITIALLY DEFERRED\', '  # a literal: no clause
    '"a" integer REFERENCES "auth_user" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE, '
    '"b" integer REFERENCES "auth_user" ("id") NOT DEFERRABLE INITIALLY DEFERRED, '  # checked at once in SQLite
    '"c" integer CHECK ("c" > 0) REFERENCES "auth_group" ("id") DEFERRABLE, '
    '"d" integer, "e" integer, '
    'CONSTRAINT "forms_d" FOREIGN KEY ("d", "e") REFERENCES "auth_user_groups" ("id", "user_id") '
    '/* a comment */ DEFERRABLE INITIALLY DEFERRED)',
    'CREATE UNIQUE INDEX "aug_pair" ON "auth_user_groups" ("id", "user_id")',
)


def _database(path: Path, *statements: str) -> str:
    conn = sqlite3.connect(path)
    for s in statements:
        conn.execute(s)
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def _deferral(path: Path) -> dict[tuple[str, tuple[str, ...]], str | None]:
    conn = sqlite3.connect(path)
    try:
        return {(t.name, f.columns): f.deferrable for t in introspect(conn).tables for f in t.foreign_keys}
    finally:
        conn.close()


EXPECTED = {("auth_user_groups", ("user_id",)): "deferred", ("auth_user_groups", ("group_id",)): "deferred",
            ("forms", ("a",)): "immediate", ("forms", ("b",)): None, ("forms", ("c",)): "immediate",
            ("forms", ("d", "e")): "deferred"}


def _child_before_parent(path: Path) -> None:
    """A child row before its parent, in one transaction: a deferred key waits for the COMMIT."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("BEGIN")
    conn.execute('INSERT INTO "auth_user_groups" ("id", "user_id", "group_id") VALUES (1, 7, 8)')
    conn.execute('INSERT INTO "auth_user" ("id", "username") VALUES (7, \'u\')')
    conn.execute('INSERT INTO "auth_group" ("id", "name") VALUES (8, \'g\')')
    conn.execute("COMMIT")
    conn.close()


def test_a_django_database_round_trips_with_its_deferred_foreign_keys(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """pull → generate "no changes" → migrate into a fresh file → drift clean → verify ok, each key's deferral kept."""
    source = _database(tmp_path / "source.db", *DJANGO)
    assert _deferral(tmp_path / "source.db") == EXPECTED
    (tmp_path / "mizzle.toml").write_text(TOML)
    r = run_mizzle(["pull"], cwd=tmp_path, url=source)
    assert r.code == 0 and "not managed" not in r.stdout + r.stderr, r.stdout + r.stderr
    code = (tmp_path / "schema.py").read_text()
    assert code.count('deferrable=True, initially="DEFERRED"') == 3, code
    assert code.count('deferrable=True, initially="IMMEDIATE"') == 2, code
    g = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert g.code == 0, g.stdout + g.stderr
    d = run_mizzle(["drift"], cwd=tmp_path, url=source)
    assert d.code == 0 and "not managed" not in d.stdout + d.stderr, d.stdout + d.stderr
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    m = run_mizzle(["migrate"], cwd=tmp_path, url=fresh)
    assert m.code == 0, m.stdout + m.stderr
    assert _deferral(tmp_path / "fresh.db") == EXPECTED
    d = run_mizzle(["drift"], cwd=tmp_path, url=fresh)
    assert d.code == 0, d.stdout + d.stderr
    v = run_mizzle(["verify"], cwd=tmp_path)
    assert v.code == 0, v.stdout + v.stderr
    _child_before_parent(tmp_path / "fresh.db")


SCHEMA = '''import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("auth_user", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("username", sa.Text))
sa.Table("auth_group", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text))
sa.Table("auth_user_groups", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("user_id", sa.Integer, sa.ForeignKey("auth_user.id", deferrable=True, initially="DEFERRED")),
         sa.Column("group_id", sa.Integer{group_fk}))
'''
GROUP_FK = ', sa.ForeignKey("auth_group.id", deferrable=True, initially="DEFERRED")'


def test_a_rebuild_keeps_the_deferral_and_the_rows(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """A foreign key added to a table with a deferred one: the table is rebuilt, its keys still deferred."""
    (tmp_path / "mizzle.toml").write_text(TOML)
    (tmp_path / "schema.py").write_text(SCHEMA.format(group_fk=""))
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
    conn = sqlite3.connect(tmp_path / "app.db")
    conn.executescript("INSERT INTO auth_user VALUES (1, 'ann'); INSERT INTO auth_group VALUES (2, 'staff');"
                       "INSERT INTO auth_user_groups VALUES (3, 1, 2);")
    conn.close()
    (tmp_path / "schema.py").write_text(SCHEMA.format(group_fk=GROUP_FK))
    g = run_mizzle(["generate", "--name", "group_fk"], cwd=tmp_path)
    assert g.code == 0 and "rebuilt" in g.stdout, g.stdout + g.stderr
    sql = next((tmp_path / "migrations").glob("0001_*.sql")).read_text()
    assert sql.count("DEFERRABLE INITIALLY DEFERRED") == 2, sql
    assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
    assert _deferral(tmp_path / "app.db") == {("auth_user_groups", ("user_id",)): "deferred",
                                              ("auth_user_groups", ("group_id",)): "deferred"}
    conn = sqlite3.connect(tmp_path / "app.db")
    assert conn.execute("SELECT * FROM auth_user_groups").fetchall() == [(3, 1, 2)]
    conn.execute("DELETE FROM auth_user_groups")
    conn.commit()
    conn.close()
    _child_before_parent(tmp_path / "app.db")
    d = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert d.code == 0, d.stdout + d.stderr
    assert run_mizzle(["generate", "--check"], cwd=tmp_path).code == 0


def test_a_changed_deferral_rebuilds_the_table(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """initially="DEFERRED" dropped from the code: SQLite cannot ALTER a key, so the table is rebuilt without it."""
    (tmp_path / "mizzle.toml").write_text(TOML)
    (tmp_path / "schema.py").write_text(SCHEMA.format(group_fk=GROUP_FK))
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    (tmp_path / "schema.py").write_text(SCHEMA.format(group_fk=GROUP_FK.replace(', initially="DEFERRED"', "")))
    g = run_mizzle(["generate", "--name", "immediate"], cwd=tmp_path)
    assert g.code == 0 and "deferrable deferred → immediate" in g.stdout, g.stdout + g.stderr
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
    assert _deferral(tmp_path / "app.db")[("auth_user_groups", ("group_id",))] == "immediate"
    with pytest.raises(sqlite3.IntegrityError):
        _child_before_parent(tmp_path / "app.db")


def test_the_deferral_is_in_the_sidecar_not_in_drizzle_kits_snapshot() -> None:
    """drizzle-kit's SQLite snapshot has no field for it (its strict reader must still take the file): mizzle's
    sidecar keeps it, as it keeps PostgreSQL's."""
    m = sa.MetaData()
    sa.Table("p", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("c", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("p_id", sa.Integer, sa.ForeignKey("p.id", deferrable=True, initially="DEFERRED")),
             sa.Column("q_id", sa.Integer, sa.ForeignKey("p.id", deferrable=True)),
             sa.Column("r_id", sa.Integer, sa.ForeignKey("p.id", deferrable=False)))
    model = sqlite_schema_from_tables(list(m.tables.values()))
    assert {f.columns: f.deferrable for f in model.table("public", "c").foreign_keys} == {  # type: ignore[union-attr]
        ("p_id",): "deferred", ("q_id",): "immediate", ("r_id",): None}
    snap, side = sqlite_snapshot_from_schema(model, "prev", "id")
    assert all(set(f) == {"name", "tableFrom", "tableTo", "columnsFrom", "columnsTo", "onDelete", "onUpdate"}
               for f in snap["tables"]["c"]["foreignKeys"].values())
    assert side == {"tables": {"c": {"foreignKeys": {"c_p_id_p_id_fk": {"deferrable": "deferred"},
                                                     "c_q_id_p_id_fk": {"deferrable": "immediate"}}}}}
    assert sqlite_schema_from_snapshot(snap, side=side) == model


INTEROP = Path(__file__).parents[2] / "interop"


@pytest.mark.interop
def test_drizzle_kit_reads_the_folder_and_drizzle_orm_applies_it(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """The deferral lives in the sidecar only: drizzle-kit's `check` takes every snapshot, and drizzle-orm's migrator
    applies the SQL, its keys deferred."""
    import os
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None or not (INTEROP / "node_modules" / "drizzle-kit" / "bin.cjs").exists():
        if os.environ.get("MIZZLE_ALLOW_SKIP_INTEROP") == "1":
            pytest.skip("needs node and `npm ci` in tests/interop")
        pytest.fail("needs node and `npm ci` in tests/interop (set MIZZLE_ALLOW_SKIP_INTEROP=1 to skip)")
    (tmp_path / "mizzle.toml").write_text(TOML)
    (tmp_path / "schema.py").write_text(SCHEMA.format(group_fk=GROUP_FK))
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    p = subprocess.run([node, str(INTEROP / "node_modules" / "drizzle-kit" / "bin.cjs"), "check", "--dialect", "sqlite",
                        "--out", os.path.relpath(tmp_path / "migrations", INTEROP)], cwd=INTEROP,
                       env={**os.environ, "NO_COLOR": "1"}, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0 and "Everything's fine" in p.stdout, p.stdout + p.stderr
    p = subprocess.run([node, str(INTEROP / "migrate.mjs"), f"sqlite:{tmp_path / 'app.db'}",
                        str(tmp_path / "migrations")], cwd=INTEROP, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert set(_deferral(tmp_path / "app.db").values()) == {"deferred"}
    _child_before_parent(tmp_path / "app.db")
    d = run_mizzle(["drift"], cwd=tmp_path, url=f"sqlite:///{tmp_path / 'app.db'}")
    assert d.code == 0, d.stdout + d.stderr

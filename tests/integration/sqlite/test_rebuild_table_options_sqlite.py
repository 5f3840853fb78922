"""A table the folder's SQL made STRICT or WITHOUT ROWID (a hand edit, a custom migration) where neither its snapshot
nor the schema code says so: a table rebuild makes an ordinary table. generate and revert say so, naming the fix,
and the fix they name works (fx76's finding on real SQLite schemas: the rebuild dropped WITHOUT ROWID without a
word). The option declared in the schema code (`sqlite_with_rowid=False`) is the other fix: the rebuild keeps it."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sqlite_support import write_project

from mizzle import api as mizzle
from mizzle.commands.generate import generate
from mizzle.dialects.sqlite.table_options import made_with_options

BEFORE = """
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("kv", metadata, sa.Column("k", sa.Text, primary_key=True), sa.Column("v", sa.Text))
sa.Table("plain", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))
"""
AFTER = BEFORE.replace('sa.Column("v", sa.Text))', 'sa.Column("v", sa.Text), sa.CheckConstraint("v <> \'\'"))') \
    .replace('sa.Column("n", sa.Integer))', 'sa.Column("n", sa.Integer), sa.CheckConstraint("n > 0"))')


def _options(db: Path, table: str) -> str:
    with sqlite3.connect(db) as c:
        sql = c.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    return sql[sql.rfind(")") + 1:].strip()


def test_a_rebuild_of_a_table_the_sql_made_without_rowid_says_so_and_its_fix_keeps_it(tmp_path: Path) -> None:
    generate(write_project(tmp_path, BEFORE), name="init")
    first = next((tmp_path / "migrations").glob("0000_*.sql"))
    # the team made kv WITHOUT ROWID by hand in its first migration
    first.write_text(re.sub(r'(CREATE TABLE `kv` \([^;]*?\n\))', r"\1 WITHOUT ROWID", first.read_text()))
    assert "WITHOUT ROWID" in first.read_text()
    db = tmp_path / "app.db"
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    assert _options(db, "kv") == "WITHOUT ROWID"

    result = generate(write_project(tmp_path, AFTER), name="checks")
    lost = [w for w in result.warnings if "WITHOUT ROWID" in w]
    assert len(lost) == 1 and lost[0].startswith("table kv was made WITHOUT ROWID by the folder's SQL"), result.warnings
    assert "CREATE TABLE `__new_kv`" in lost[0]
    assert not any("table plain" in w for w in result.warnings)  # made plain: nothing to say

    # the fix the warning names: the options after the rebuild's CREATE TABLE
    second = next((tmp_path / "migrations").glob("0001_*.sql"))
    text = second.read_text()
    assert re.search(r'CREATE TABLE `__new_kv` \([^;]*?\n\);', text), text
    second.write_text(re.sub(r'(CREATE TABLE `__new_kv` \([^;]*?\n\))', r"\1 WITHOUT ROWID", text))
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    assert _options(db, "kv") == "WITHOUT ROWID"
    assert _options(db, "plain") == ""


def test_the_option_declared_in_the_code_is_kept_by_the_rebuild(tmp_path: Path) -> None:
    generate(write_project(tmp_path, BEFORE), name="init")
    first = next((tmp_path / "migrations").glob("0000_*.sql"))
    first.write_text(re.sub(r'(CREATE TABLE `kv` \([^;]*?\n\))', r"\1 WITHOUT ROWID", first.read_text()))
    db = tmp_path / "app.db"
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    declared = AFTER.replace("sa.CheckConstraint(\"v <> ''\"))",
                             "sa.CheckConstraint(\"v <> ''\"), sqlite_with_rowid=False)")
    assert declared != AFTER
    result = generate(write_project(tmp_path, declared), name="checks")
    assert not [w for w in result.warnings if "ROWID" in w], result.warnings
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    assert _options(db, "kv") == "WITHOUT ROWID"


def test_the_options_are_followed_through_renames_drops_and_comments() -> None:
    sql = """
    CREATE TABLE "Strict Table" (a INTEGER) STRICT; -- a comment ) WITHOUT ROWID
    CREATE TABLE IF NOT EXISTS main.[kv] (k TEXT PRIMARY KEY, v TEXT) /* ) */ WITHOUT ROWID, STRICT;
    CREATE TABLE gone (k TEXT PRIMARY KEY) WITHOUT ROWID;
    DROP TABLE gone;
    CREATE TABLE old_name (k TEXT PRIMARY KEY) WITHOUT ROWID;
    ALTER TABLE old_name RENAME TO new_name;
    CREATE TABLE copy AS SELECT * FROM kv;
    CREATE TABLE remade (k TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE `__new_remade` (k TEXT PRIMARY KEY);
    DROP TABLE remade;
    ALTER TABLE `__new_remade` RENAME TO `remade`;
    """
    assert made_with_options(sql) == {"strict table": "STRICT", "kv": "STRICT, WITHOUT ROWID",
                                      "new_name": "WITHOUT ROWID"}

"""A trigger the folder's SQL made on a table (a `--custom` migration: catdevnull/preciazo's db-datos folder keeps
its FTS5 index up to date by precios_fts_ai/_ad/_au, written by hand in 0006–0008) goes with the table's DROP TABLE
when a later migration rebuilds it. mizzle's runner makes it again; drizzle-orm's migrator does not, and the FTS
index silently stops following the table. Where the schema code does not declare the trigger, the migration
cannot make it again: generate says so, naming the fix (declare it with mizzle.pg.Trigger, as pull writes it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_support import write_project

from mizzle import api as mizzle
from mizzle.commands.generate import generate

BEFORE = """
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("precios", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("ean", sa.Text, nullable=False),
         sa.Column("precio_centavos", sa.Integer), sa.Index("precios_ean_idx", "ean"))
"""
AFTER = BEFORE.replace('sa.Column("precio_centavos", sa.Integer)', 'sa.Column("precio_centavos", sa.Numeric)')
DECLARED = AFTER + """
from mizzle.pg import Trigger
precios_fts_ai = Trigger("precios_fts_ai", "precios", events=("INSERT",), timing="AFTER",
                         body="INSERT INTO precios_fts(rowid, ean) VALUES (new.id, new.ean);")
"""
CUSTOM = """-- Custom SQL migration file, put you code below! --
create virtual table precios_fts using fts5(ean, content=precios, content_rowid=id);--> statement-breakpoint
CREATE TRIGGER precios_fts_ai AFTER INSERT ON precios BEGIN
  INSERT INTO precios_fts(rowid, ean) VALUES (new.id, new.ean);
END;
"""


def _project(tmp_path: Path) -> Path:
    generate(write_project(tmp_path, BEFORE), name="init")
    generate(write_project(tmp_path, BEFORE), name="fts", custom=True)
    next((tmp_path / "migrations").glob("0001_*.sql")).write_text(CUSTOM)
    return tmp_path / "migrations"


def test_a_rebuild_dropping_a_trigger_the_folders_sql_made_says_so(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    result = generate(write_project(tmp_path, AFTER), name="numeric_price")
    lost = [w for w in result.warnings if "precios_fts_ai" in w]
    assert len(lost) == 1, result.warnings
    assert lost[0].startswith("table precios has a trigger the folder's SQL made, precios_fts_ai"), lost[0]
    assert "drizzle-orm's migrator" in lost[0] and "mizzle.pg.Trigger" in lost[0]
    # mizzle's runner keeps it (the warning is about other migrators)
    db = tmp_path / "app.db"
    mizzle.migrate(url=f"sqlite:///{db}", folder=folder)
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall() == [("precios_fts_ai",)]


def test_declared_the_trigger_is_made_again_by_the_file_and_nothing_is_said(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    result = generate(write_project(tmp_path, DECLARED), name="numeric_price")
    assert not any("the folder's SQL made, precios_fts_ai" in w for w in result.warnings), result.warnings
    text = next(folder.glob("0002_*.sql")).read_text()
    assert "DROP TRIGGER `precios_fts_ai`" in text and "CREATE TRIGGER `precios_fts_ai`" in text


def test_the_triggers_are_followed_through_drops_and_renames() -> None:
    from mizzle.dialects.sqlite.folder_triggers import triggers_made

    sql = """
    CREATE TRIGGER IF NOT EXISTS "a t" AFTER UPDATE OF ean ON main."Precios" BEGIN SELECT 1; END;
    CREATE TEMP TRIGGER gone BEFORE DELETE ON precios BEGIN SELECT 1; END;
    DROP TRIGGER gone;
    CREATE TRIGGER on_old AFTER INSERT ON old_name BEGIN SELECT 1; END;
    ALTER TABLE old_name RENAME TO new_name;
    CREATE TRIGGER with_table AFTER INSERT ON dropped BEGIN SELECT 1; END;
    DROP TABLE dropped;
    -- CREATE TRIGGER commented AFTER INSERT ON precios BEGIN SELECT 1; END;
    """
    assert triggers_made(sql) == {"precios": ["a t"], "new_name": ["on_old"]}

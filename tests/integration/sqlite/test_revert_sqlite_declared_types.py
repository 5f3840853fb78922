"""SQLite: the revert of a migration from a pulled baseline to the app's own models leaves alone the columns that
migration left alone. Mealie's models over the database its Alembic history built: the baseline `pull` wrote
declares create_all's `DATETIME`, `CHAR(32)`, `VARCHAR`, which generate reads as the models' `text`, `text(32)`,
`text` (no change); `mizzle revert` of the next migration compared the other way round and rebuilt every table of
the schema to "retype" them (58 tables, 429 statements, a data-loss warning for each), where the migration had
rebuilt 7. A table that migration rebuilt holds the models' spelling, and is rebuilt back to the baseline's."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.commands.pull import pull
from mizzle.commands.revert import revert
from mizzle.commands.verify import verify
from mizzle.config import load_config
from mizzle.runner.migrate import migrate

ALEMBIC_BUILT = [  # as create_all and Alembic write them
    "CREATE TABLE extras (created_at DATETIME, id INTEGER NOT NULL, key_name VARCHAR, PRIMARY KEY (id))",
    "CREATE TABLE units (created_at DATETIME, id CHAR(32) NOT NULL, group_id CHAR(32) NOT NULL, name VARCHAR, "
    "PRIMARY KEY (id), CONSTRAINT units_name_group_id_key UNIQUE (name, group_id))",
    "INSERT INTO extras VALUES ('2024-01-01 12:00:00.000000', 1, 'a')",
    "INSERT INTO units VALUES ('2024-01-02 12:00:00.000000', 'ab12', 'cd34', 'cup')",
]

MODELS = """
import sqlalchemy as sa
metadata = sa.MetaData()
extras = sa.Table("extras", metadata, sa.Column("created_at", sa.DateTime), sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("key_name", sa.String))
units = sa.Table("units", metadata, sa.Column("created_at", sa.DateTime), sa.Column("id", sa.CHAR(32), primary_key=True),
                 sa.Column("group_id", sa.CHAR(32), nullable=False), sa.Column("name", sa.String))
"""


def _rows(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as c:
        return [*c.execute("SELECT * FROM extras"), *c.execute("SELECT * FROM units")]


def test_revert_rebuilds_only_what_the_migration_rebuilt(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as c:
        for s in ALEMBIC_BUILT:
            c.execute(s)
    rows = _rows(db)
    url = f"sqlite:///{db}"
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["mealie_pulled.py"]\nout = "migrations"\n')
    pull(load_config(tmp_path / "mizzle.toml"), url)
    (tmp_path / "mealie_models.py").write_text(MODELS)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["mealie_models.py"]\nout = "migrations"\n')
    try:
        forward = generate(load_config(tmp_path / "mizzle.toml"), name="to_models")
        assert [c.split(":")[0] for c in forward.changes] == ["~ table units rebuilt (SQLite cannot ALTER this)"]
        migrate(url=url, folder=tmp_path / "migrations")
        back, _ = revert(load_config(tmp_path / "mizzle.toml"), "0001")
        assert [c.split(":")[0] for c in back.changes] == ["~ table units rebuilt (SQLite cannot ALTER this)"], \
            back.changes
        migrate(url=url, folder=tmp_path / "migrations")
        assert _rows(db) == rows
        assert not drift(url=url, folder=tmp_path / "migrations").changes
        with sqlite3.connect(db) as c:  # the baseline's spelling again, as Alembic made it
            assert "CHAR(32)" in c.execute("SELECT sql FROM sqlite_master WHERE name = 'units'").fetchone()[0].upper()
        (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["mealie_pulled.py"]\nout = "migrations"\n')
        assert not generate(load_config(tmp_path / "mizzle.toml"), check=True).changes
        assert verify(load_config(tmp_path / "mizzle.toml"), url=url).ok
    finally:
        for m in ("mealie_pulled", "mealie_models"):
            sys.modules.pop(m, None)

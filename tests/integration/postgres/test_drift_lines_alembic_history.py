"""`drift` and `baseline` on a database an app's own Alembic history built, against mizzle's snapshot of the
app's models (Open WebUI 0.12.4, `backend/open_webui/models` and `migrations/versions`, on PostgreSQL): every
line names a real difference, once.

- Open WebUI's `folder` table has `PRIMARY KEY (id, user_id)` after its migrations while the model declares
  `id` alone, unnamed: the line said `(id) → (id, user_id), name (default) → folder_pkey`, but the unnamed
  key's name *is* `folder_pkey`.
- Its `config` table was renamed `config_old`, keeping its serial's sequence `config_id_seq`: drift listed
  `+ sequence config_id_seq` and then `~ sequence config_id_seq: owned by config_old.id`, a second line for
  the sequence it had just said the database alone holds."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pgtools import temp_database

from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.config import load_config
from mizzle.runner.migrate import migrate

pytestmark = pytest.mark.pg

SCHEMA = """
import sqlalchemy as sa
metadata = sa.MetaData()
folder = sa.Table("folder", metadata, sa.Column("id", sa.Text, primary_key=True),
                  sa.Column("user_id", sa.Text, nullable=False))
"""


def _migrated(tmp_path: Path, url: str, *sql: str) -> Path:
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["owui_folder_schema.py"]\n'
                                          'out = "drizzle"\nnaming = "postgresql"\n')
    (tmp_path / "owui_folder_schema.py").write_text(SCHEMA)
    generate(load_config(tmp_path / "mizzle.toml"), name="init")
    migrate(url=url, folder=tmp_path / "drizzle")
    with psycopg.connect(url, autocommit=True) as c:
        for s in sql:
            c.execute(s)  # type: ignore[arg-type]
    return tmp_path / "drizzle"


def test_a_key_given_more_columns_keeps_its_default_name(pg_available: bool, tmp_path: Path) -> None:
    with temp_database("fxpk") as url:
        folder = _migrated(tmp_path, url, "ALTER TABLE folder DROP CONSTRAINT folder_pkey",
                           "ALTER TABLE folder ADD PRIMARY KEY (id, user_id)")
        assert drift(url=url, folder=folder).changes == ["~ primary key on folder: (id) → (id, user_id)"]


def test_a_key_renamed_as_its_columns_change_says_both(pg_available: bool, tmp_path: Path) -> None:
    with temp_database("fxpk") as url:
        folder = _migrated(tmp_path, url, "ALTER TABLE folder DROP CONSTRAINT folder_pkey",
                           "ALTER TABLE folder ADD CONSTRAINT pk_id_user_id PRIMARY KEY (id, user_id)")
        assert drift(url=url, folder=folder).changes == [
            "~ primary key on folder: (id) → (id, user_id), name (default) → pk_id_user_id"]


def test_a_sequence_only_in_the_database_is_one_line(pg_available: bool, tmp_path: Path) -> None:
    with temp_database("fxseq") as url:
        folder = _migrated(tmp_path, url, "CREATE TABLE config (id serial PRIMARY KEY, data json NOT NULL)",
                           "ALTER TABLE config RENAME TO config_old")
        changes = drift(url=url, folder=folder).changes
        assert [c for c in changes if "config_id_seq" in c] == ["+ sequence config_id_seq (owned by config_old.id)"]
        assert any(c.startswith("+ table config_old") for c in changes), changes

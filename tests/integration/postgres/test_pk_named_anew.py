"""A primary key the snapshot leaves unnamed (`<table>_pkey` on the server) that the schema code names `<other>_pkey`.

Real input: Dify's models (api/models/model.py) name trace_app_config's key `tracing_app_config_pkey`, while its
Alembic migration made the table with `trace_app_config_pkey`: pulled (unnamed key), then generated from the models,
mizzle wrote nothing for the key, and `drift` reported the name on every database the folder built. The name is
the code's to give: generate renames the key. Only a table the folder's own SQL renamed from `<other>` keeps the
key as it is (PostgreSQL kept `<other>_pkey` through the rename; `pull` names it so: dokploy's session_temp).
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pg_project import assert_clean, fresh_config
from pgtools import temp_database

import mizzle
from mizzle.commands.generate import generate

pytestmark = pytest.mark.pg

HEAD = "import sqlalchemy as sa\nmd = sa.MetaData()\n"
UNNAMED = 'sa.Table("{t}", md, sa.Column("id", sa.Integer, primary_key=True))\n'
NAMED = 'sa.Table("{t}", md, sa.Column("id", sa.Integer), sa.PrimaryKeyConstraint("id", name="{k}"))\n'


def _project(root: Path, source: str) -> None:
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n'
                                      'naming = "postgresql"\n')
    (root / "app" / "schema.py").write_text(HEAD + source)


def _key(url: str, table: str) -> str:
    with psycopg.connect(url, autocommit=True) as c:
        row = c.execute("SELECT conname FROM pg_constraint WHERE contype = 'p' AND conrelid = %s::regclass",
                        (table,)).fetchone()
    assert row is not None
    return str(row[0])


def test_a_key_the_code_names_other_pkey_is_renamed(tmp_path: Path) -> None:
    with temp_database("mzpkn") as url:
        _project(tmp_path, UNNAMED.format(t="trace_app_config"))
        assert generate(fresh_config(tmp_path), name="init").written
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        _project(tmp_path, NAMED.format(t="trace_app_config", k="tracing_app_config_pkey"))
        result = generate(fresh_config(tmp_path), name="key")
        assert result.written, "the key's new name was not written"
        assert 'RENAME CONSTRAINT "trace_app_config_pkey" TO "tracing_app_config_pkey"' in result.sql
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        assert _key(url, "trace_app_config") == "tracing_app_config_pkey"
        assert_clean(fresh_config(tmp_path), url)


def test_the_key_of_a_table_the_folder_renamed_keeps_its_name(tmp_path: Path) -> None:
    # drizzle-kit's rename (dokploy's 0147): ALTER TABLE … RENAME TO, the key left as PostgreSQL keeps it
    with temp_database("mzpkn") as url:
        _project(tmp_path, UNNAMED.format(t="session_temp"))
        assert generate(fresh_config(tmp_path), name="init").written
        _project(tmp_path, UNNAMED.format(t="session"))
        renamed = generate(fresh_config(tmp_path), name="rename", renames={"session_temp": "session"})
        assert renamed.sql_path is not None
        renamed.sql_path.write_text('ALTER TABLE "public"."session_temp" RENAME TO "session";')
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        assert _key(url, "session") == "session_temp_pkey"
        _project(tmp_path, NAMED.format(t="session", k="session_temp_pkey"))  # as `pull` writes it
        assert not generate(fresh_config(tmp_path), check=True).changes

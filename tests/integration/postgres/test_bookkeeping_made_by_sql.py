"""A folder whose own SQL makes a table shaped like another tool's history table: supabase/auth (gotrue) makes
`auth.schema_migrations ("version" varchar(255) PRIMARY KEY)` in 00_init_auth_schema.up.sql (rewritten here, two of
its tables). `pull` sets such a table aside as another tool's bookkeeping, so the module it writes never declares
it, while the folder's rebuilt snapshots hold it: `generate` wrote DROP TABLE "auth"."schema_migrations" and
`verify` reported `- table auth.schema_migrations` against the schema code. Neither may drop or report a
bookkeeping table the schema code does not declare; both say they kept it aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pgtools import url_for

from mizzle.commands.generate import generate
from mizzle.commands.verify import rebuild_snapshots, verify
from mizzle.config import load_config

pytestmark = pytest.mark.pg

INIT = """CREATE SCHEMA IF NOT EXISTS auth;
CREATE TABLE IF NOT EXISTS auth.users (
\tid uuid NOT NULL,
\temail varchar(255) NULL,
\tCONSTRAINT users_pkey PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS auth.schema_migrations (
\t"version" varchar(255) NOT NULL,
\tCONSTRAINT schema_migrations_pkey PRIMARY KEY ("version")
);
"""

# what `mizzle pull` writes for that database (auth.schema_migrations set aside)
MODULE = """import sqlalchemy as sa
metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Uuid, primary_key=True),
                 sa.Column("email", sa.String(255)), schema="auth")
"""


def _project(tmp_path: Path) -> Path:
    out = tmp_path / "migrations"
    (out / "meta").mkdir(parents=True)
    (out / "0000_init_auth_schema.sql").write_text(INIT)
    entries = [{"idx": 0, "version": "7", "when": 1700000000000, "tag": "0000_init_auth_schema", "breakpoints": True}]
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                            "entries": entries}))
    (tmp_path / "schema.py").write_text(MODULE)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n')
    rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=url_for("postgres"))
    return tmp_path / "mizzle.toml"


def test_generate_and_verify_leave_a_bookkeeping_table_the_folders_sql_made(pg_available: bool,
                                                                              tmp_path: Path) -> None:
    toml = _project(tmp_path)
    snap = json.loads((tmp_path / "migrations" / "meta" / "0000_snapshot.json").read_text())
    assert "auth.schema_migrations" in snap["tables"]  # the rebuild records what the SQL made
    result = generate(load_config(toml), check=True)
    assert result.changes == [], result.changes
    assert any("auth.schema_migrations" in w and "not dropped" in w for w in result.warnings), result.warnings
    v = verify(load_config(toml), scratch_url=url_for("postgres"))
    assert v.ok and v.code_changes == [], v.code_changes
    assert any("auth.schema_migrations" in w for w in v.unmanaged), v.unmanaged


def test_a_generated_snapshot_keeps_the_bookkeeping_table(pg_available: bool, tmp_path: Path) -> None:
    toml = _project(tmp_path)
    (tmp_path / "schema.py").write_text(MODULE + 'notes = sa.Table("notes", metadata, '
                                        'sa.Column("id", sa.Integer, primary_key=True))\n')
    result = generate(load_config(toml))
    assert "schema_migrations" not in result.sql, result.sql
    snap = json.loads((tmp_path / "migrations" / "meta" / "0001_snapshot.json").read_text())
    assert {"auth.schema_migrations", "public.notes"} <= set(snap["tables"])
    assert generate(load_config(toml), check=True).changes == []

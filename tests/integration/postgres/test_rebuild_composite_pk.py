"""A composite primary key whose columns do not say nullable=False (Netflix Dispatch's association tables:
`assoc_incident_tags` with `PrimaryKeyConstraint("incident_id", "tag_id")`). generate's snapshot marks such a
member `notNull: false`, as drizzle-kit does; its SQL wrote `"incident_id" integer NOT NULL`, which
`check --rebuild-snapshots` read back as declared, so every rebuilt snapshot differed from generate's. The SQL
leaves NOT NULL out there, as drizzle-kit's does: PostgreSQL makes a key's columns NOT NULL anyway."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import psycopg
import pytest
from pgtools import apply_sql, temp_database, url_for

from mizzle.commands.generate import generate
from mizzle.commands.verify import rebuild_snapshots
from mizzle.config import load_config

pytestmark = pytest.mark.pg

SCHEMA = '''import sqlalchemy as sa

metadata = sa.MetaData()
incident = sa.Table("incident", metadata, sa.Column("id", sa.Integer, primary_key=True))
tag = sa.Table("tag", metadata, sa.Column("id", sa.Integer, primary_key=True))
assoc_incident_tags = sa.Table(
    "assoc_incident_tags", metadata,
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incident.id", ondelete="CASCADE")),
    sa.Column("tag_id", sa.Integer, sa.ForeignKey("tag.id", ondelete="CASCADE")),
    sa.Column("weight", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("incident_id", "tag_id"),
)
'''


def test_a_rebuilt_snapshot_keeps_undeclared_composite_key_members(pg_available: bool, tmp_path: Path) -> None:
    (tmp_path / "rebuild_composite_pk_schema.py").write_text(SCHEMA)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["rebuild_composite_pk_schema.py"]\n'
                                          'out = "drizzle"\n')
    config = load_config(tmp_path / "mizzle.toml")
    try:
        generate(config, name="init")
    finally:
        sys.modules.pop("rebuild_composite_pk_schema", None)
    sql = next((tmp_path / "drizzle").glob("0000_*.sql")).read_text()
    assert '"incident_id" integer,' in sql and '"weight" integer NOT NULL' in sql
    snapshot = next((tmp_path / "drizzle" / "meta").glob("0000_snapshot.json"))
    original = json.loads(snapshot.read_text())
    assert original["tables"]["public.assoc_incident_tags"]["columns"]["incident_id"]["notNull"] is False
    snapshot.unlink()
    result = rebuild_snapshots(config, scratch_url=url_for("postgres"))
    assert result.rebuilt == ["0000_init"]
    assert json.loads(snapshot.read_text())["tables"] == original["tables"]
    with temp_database("mz_composite_pk") as url:
        apply_sql(url, sql)
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT column_name, is_nullable FROM information_schema.columns "
                                "WHERE table_name = 'assoc_incident_tags' ORDER BY ordinal_position").fetchall()
    assert rows == [("incident_id", "NO"), ("tag_id", "NO"), ("weight", "NO"), ("note", "NO")]

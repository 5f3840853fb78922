"""push of an index element given as `literal_column("ingested_at DESC")` (Polar's events index): it wrote
`(ingested_at DESC)`, which PostgreSQL refuses (syntax error at or near "DESC"); the element is column
`ingested_at` descending, as create_all makes it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pgtools import temp_database

from mizzle.commands.push import push
from mizzle.config import load_config

pytestmark = pytest.mark.pg


def test_push_makes_the_index_and_a_second_push_finds_nothing(pg_available: bool, tmp_path: Path) -> None:
    (tmp_path / "push_literal_order_schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('events', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        "         sa.Column('organization_id', sa.Integer), sa.Column('ingested_at', sa.DateTime(timezone=True)),\n"
        "         sa.Index('ix_events_ingested', 'organization_id', sa.literal_column('ingested_at DESC'),\n"
        "                  postgresql_where='organization_id IS NOT NULL'))\n")
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nnaming = "postgresql"\n'
                                          'schema = ["push_literal_order_schema.py"]\n')
    try:
        with temp_database("mzpushlit") as url:
            done = push(load_config(tmp_path / "mizzle.toml"), url=url)
            assert done.applied
            assert any('"ingested_at" DESC' in s.sql for s in done.statements), done.statements
            again = push(load_config(tmp_path / "mizzle.toml"), url=url, dry_run=True)
            assert again.changes == [] and again.statements == [], again.changes
    finally:
        sys.modules.pop("push_literal_order_schema", None)

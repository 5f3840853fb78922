"""A column name PostgreSQL would cut to 63 bytes, as Onyx's opensearch_tenant_migration_record has one
(`num_times_observed_no_additional_docs_to_populate_migration_table`, 65 bytes; its Alembic migration made the cut
column). generate refuses it, rightly, but said only "shorten it": the way that keeps the app's attribute (and the
database, which holds the cut name) is to name the column as PostgreSQL stores it, which the error now says."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mizzle.errors import SchemaLoadError
from mizzle.sources.sqlalchemy import schema_from_metadata

LONG = "num_times_observed_no_additional_docs_to_populate_migration_table"
CUT = LONG.encode()[:63].decode()


def test_the_error_names_the_column_postgresql_would_store_and_how_to_keep_the_attribute() -> None:
    md = sa.MetaData()
    sa.Table("record", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column(LONG, sa.Integer))
    with pytest.raises(SchemaLoadError) as e:
        schema_from_metadata([md])
    assert f"mapped_column({CUT!r}, …)" in str(e.value)
    assert f"sa.Column({CUT!r}, …, key={LONG!r})" in str(e.value)


def test_the_column_named_as_postgresql_stores_it_keeps_the_attribute() -> None:
    md = sa.MetaData()
    t = sa.Table("record", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column(CUT, sa.Integer, key=LONG))
    assert t.c[LONG].name == CUT
    assert [c.name for c in schema_from_metadata([md]).tables[0].columns] == ["id", CUT]

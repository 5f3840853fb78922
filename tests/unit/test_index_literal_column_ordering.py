"""An index element given as `literal_column("ingested_at DESC")`, as Polar's events index
`ix_events_org_source_name_customer_id_ingested_at` has it: create_all writes the text as it is, and PostgreSQL reads
column `ingested_at` descending. mizzle read it as the expression `ingested_at DESC`, which `push` wrote in
parentheses (`(ingested_at DESC)`: a syntax error), and the snapshot held as an expression, not as drizzle-kit's
column with `asc: false`."""

from __future__ import annotations

import sqlalchemy as sa

from mizzle.dialects.postgres.ddl import create_index
from mizzle.schema.model import IndexColumn
from mizzle.sources.sqlalchemy import schema_from_metadata


def _events(*elements: object) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("events", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("organization_id", sa.Integer),
             sa.Column("ingested_at", sa.DateTime(timezone=True)),
             sa.Index("ix_events_ingested", *elements, postgresql_where="organization_id IS NOT NULL"))
    return md


def test_a_literal_column_with_its_ordering_is_the_column_in_that_order() -> None:
    md = _events("organization_id", sa.literal_column("ingested_at DESC"))
    ix = schema_from_metadata([md], naming="postgresql").tables[0].indexes[0]
    assert ix.columns[1] == IndexColumn("ingested_at", False, False, "first")
    assert '("organization_id", "ingested_at" DESC)' in create_index(("public", "events"), ix)


def test_a_literal_expression_with_its_ordering_keeps_the_expression() -> None:
    md = _events(sa.literal_column("lower(organization_id::text) DESC NULLS LAST"))
    ix = schema_from_metadata([md], naming="postgresql").tables[0].indexes[0]
    assert ix.columns[0] == IndexColumn("lower(organization_id::text)", True, False, "last")
    assert "((lower(organization_id::text)) DESC NULLS LAST)" in create_index(("public", "events"), ix)

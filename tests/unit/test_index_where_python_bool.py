"""A partial index whose `postgresql_where` is a Python bool, as Onyx's slack_channel_config has it
(`postgresql_where=(is_default is True)` in the class body: an `is` test of the column, so `False`). create_all
writes `WHERE false` (SQLAlchemy coerces the bool to `false()`); mizzle crashed reading the schema
("'bool' object has no attribute 'compile'")."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex

from mizzle.dialects.postgres.ddl import create_index
from mizzle.sources.sqlalchemy import schema_from_metadata


def _table(where: bool) -> tuple[sa.MetaData, sa.Index]:
    md = sa.MetaData()
    t = sa.Table("slack_channel_config", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("is_default", sa.Boolean))
    ix = sa.Index("ix_default", t.c.id, t.c.is_default, unique=True, postgresql_where=where)
    return md, ix


def test_a_bool_where_is_the_sql_literal_create_all_writes() -> None:
    for value, sql in ((False, "false"), (True, "true")):
        md, ix = _table(value)
        assert f"WHERE {sql}" in str(CreateIndex(ix).compile(dialect=postgresql.dialect()))
        read = schema_from_metadata([md], naming="postgresql").tables[0].indexes[0]
        assert read.where == sql
        assert create_index(("public", "slack_channel_config"), read).rstrip(";").endswith(f"WHERE {sql}")

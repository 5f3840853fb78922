"""A fractional-seconds precision above 6 on PostgreSQL: the server takes `timestamp(7)`, `time(9)`,
`interval(7)` with a WARNING ("TIMESTAMP(7) WITH TIME ZONE precision reduced to maximum allowed, 6") and stores
precision 6, so create_all succeeds. Schema code declaring `postgresql.TIMESTAMP(precision=7)` (as a port of SQL
Server's datetime2(7) does) was read as `timestamp (7)`: `push` found `timestamp (6) → timestamp (7)` on every run
and changed the column again each time, and a pulled baseline (which reads 6) gave generate a change that does
nothing. The schema code's type is now read as the server stores it, and a snapshot that holds (7) reads the same."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from mizzle.schema.compare import for_generate
from mizzle.schema.model import Column, PrimaryKey, Schema, Table
from mizzle.sources.sqlalchemy import schema_from_metadata


def _type(type_: Any) -> str:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("at", type_))
    return schema_from_metadata([md]).tables[0].columns[1].type


@pytest.mark.parametrize("type_, stored", [
    (sa.DateTime(timezone=True).with_variant(postgresql.TIMESTAMP(precision=7, timezone=True), "postgresql"),
     "timestamp (6) with time zone"),
    (postgresql.TIMESTAMP(precision=7), "timestamp (6)"),
    (postgresql.TIME(precision=9), "time(6)"),
    (postgresql.TIME(precision=7, timezone=True), "time(6) with time zone"),
    (postgresql.INTERVAL(precision=7), "interval(6)"),
    (postgresql.INTERVAL(fields="DAY TO SECOND", precision=8), "interval day to second(6)"),
    (sa.ARRAY(postgresql.TIMESTAMP(precision=7)), "timestamp (6)[]"),
    (postgresql.TIMESTAMP(precision=6), "timestamp (6)"),
    (postgresql.TIMESTAMP(precision=3), "timestamp (3)"),
    (sa.DateTime(), "timestamp"),
])
def test_time_precision_is_read_as_postgresql_stores_it(type_: Any, stored: str) -> None:
    assert _type(type_) == stored


def test_a_snapshot_holding_precision_7_is_no_change() -> None:
    def schema(type_: str) -> Schema:
        return Schema(tables=(Table("t", "public", (Column("id", "integer", not_null=True), Column("at", type_)),
                                    primary_key=PrimaryKey(("id",))),))

    old, new = for_generate(schema("timestamp (7) with time zone"), schema("timestamp (6) with time zone"))
    assert old == new

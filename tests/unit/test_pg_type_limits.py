"""Type modifiers PostgreSQL refuses are refused when the schema code is read, naming the column, as create_all
fails on them too: ZenML 0.98.0's schemas declare `String(length=MEDIUMTEXT_MAX_LENGTH).with_variant(MEDIUMTEXT,
"mysql")`, a VARCHAR(16777215) on PostgreSQL (its varchar takes at most 10485760 characters); generate wrote it and
migrate failed ("length for type varchar cannot exceed 10485760")."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from mizzle.errors import SchemaLoadError
from mizzle.sources.sqlalchemy import schema_from_metadata


def _metadata(type_: Any) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("project", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("meta", type_))
    return md


@pytest.mark.parametrize("type_, says", [
    (sa.String(length=16777215).with_variant(mysql.MEDIUMTEXT, "mysql"), "varchar(16777215)"),  # ZenML's
    (sa.CHAR(10485761), "char(10485761)"),
    (sa.ARRAY(sa.String(20000000)), "varchar(20000000)[]"),
    (sa.Numeric(1001, 2), "numeric(1001, 2)"),
    (sa.Numeric(10, 1001), "numeric(10, 1001)"),
])
def test_type_modifiers_postgresql_refuses_are_refused(type_: Any, says: str) -> None:
    with pytest.raises(SchemaLoadError, match=r"column public\.project\.meta is " + re.escape(says)):
        schema_from_metadata([_metadata(type_)])


@pytest.mark.parametrize("type_", [sa.String(10485760), sa.CHAR(1), sa.Numeric(1000, 1000), sa.Text(),
                                   sa.String(16777215).with_variant(sa.Text(), "postgresql")])
def test_type_modifiers_within_postgresql_limits_are_read(type_: Any) -> None:
    schema_from_metadata([_metadata(type_)])


def test_sqlite_keeps_any_length() -> None:
    # SQLite ignores the length: ZenML's default database
    schema_from_metadata([_metadata(sa.String(16777215))], dialect="sqlite")


@pytest.mark.parametrize("type_, says, use", [
    (sa.DATETIME(), "DATETIME", "sa.DateTime"), (sa.BLOB(), "BLOB", "sa.LargeBinary"),
    (sa.CLOB(), "CLOB", "sa.Text"), (sa.BINARY(16), "BINARY(16)", "sa.LargeBinary"),
    (sa.VARBINARY(255), "VARBINARY(255)", "sa.LargeBinary"), (mysql.DATETIME(fsp=6), "DATETIME", "sa.DateTime"),
])
def test_types_postgresql_does_not_have_are_refused(type_: Any, says: str, use: str) -> None:
    """sa.DATETIME, BLOB, CLOB, BINARY, VARBINARY compile on PostgreSQL to their own names, which it has no type of:
    generate wrote `"at" datetime` and migrate failed ("type datetime does not exist")."""
    with pytest.raises(SchemaLoadError, match=r"meta: " + re.escape(says) + r" is not a PostgreSQL type.*"
                                              + re.escape(use)):
        schema_from_metadata([_metadata(type_)])


@pytest.mark.parametrize("type_", [sa.DateTime(), sa.LargeBinary(), sa.Text(),
                                   sa.DATETIME().with_variant(sa.DateTime(), "postgresql"),
                                   sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")])
def test_their_postgresql_counterparts_and_variants_are_read(type_: Any) -> None:
    schema_from_metadata([_metadata(type_)])


def test_sqlite_keeps_datetime() -> None:
    schema_from_metadata([_metadata(sa.DATETIME())], dialect="sqlite")


def test_a_not_valid_foreign_key_on_a_partitioned_table_is_refused() -> None:
    """PostgreSQL 15 refuses `ALTER TABLE p ADD … FOREIGN KEY … NOT VALID` on a partitioned table ("not yet supported
    on partitioned tables"): generate wrote it and migrate rolled back (fx97). A partition of it may have one."""
    md = sa.MetaData()
    sa.Table("r", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("p", md, sa.Column("at", sa.Date, nullable=False), sa.Column("rid", sa.Integer),
             sa.ForeignKeyConstraint(["rid"], ["r.id"], name="p_rid_fk", postgresql_not_valid=True),
             postgresql_partition_by="RANGE (at)")
    with pytest.raises(SchemaLoadError, match=r"foreign key p_rid_fk on public\.p is NOT VALID .* partitioned table"):
        schema_from_metadata([md])
    md2 = sa.MetaData()
    sa.Table("r", md2, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("p", md2, sa.Column("at", sa.Date, nullable=False), sa.Column("rid", sa.Integer),
             sa.ForeignKeyConstraint(["rid"], ["r.id"], name="p_rid_fk"), postgresql_partition_by="RANGE (at)")
    schema_from_metadata([md2])

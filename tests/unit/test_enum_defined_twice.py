"""Two `sa.Enum`s of one name with different values are refused, and the error says where each is and with which
values: running freqtrade's models with a changed `TradingMode` and aiida-style multi-module models, the bare
"enum public.status is defined twice with different values" left the user to search every model for the name."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mizzle.errors import SchemaLoadError
from mizzle.sources.sqlalchemy import schema_from_metadata


def test_two_columns_naming_one_enum_with_different_values_are_both_named() -> None:
    md = sa.MetaData()
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("st", sa.Enum("x", "y", name="status")))
    sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("st", sa.Enum("x", "y", "z", name="status")))
    with pytest.raises(SchemaLoadError) as e:
        schema_from_metadata([md])
    says = str(e.value)
    assert "enum public.status is defined twice with different values" in says
    assert "public.a.st" in says and "public.b.st" in says
    assert "('x', 'y')" in says and "('x', 'y', 'z')" in says


def test_an_enum_declared_with_the_metadata_and_a_column_differing_is_named() -> None:
    md = sa.MetaData()
    sa.Enum("x", "y", name="mood", metadata=md)
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("m", sa.Enum("x", name="mood")))
    with pytest.raises(SchemaLoadError, match=r"public\.a\.m.*declared with the MetaData|declared with the MetaData"
                                              r".*public\.a\.m"):
        schema_from_metadata([md])


def test_one_enum_shared_by_two_columns_is_read() -> None:
    md = sa.MetaData()
    status = sa.Enum("x", "y", name="status")
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("st", status))
    sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("st", sa.Enum("x", "y", name="status")))
    schema_from_metadata([md])

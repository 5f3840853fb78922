"""Which PostgreSQL type changes keep every value (push's and revert's "data loss" lines): a change to text, or to a
varchar without a length, from a built-in type whose every value has a text form the server reads back as the same
value keeps them (FlexGet's `Integer` → `String` columns; fx93 found push calling integer → text a data loss)."""

from __future__ import annotations

import pytest

from mizzle.dialects.postgres.types import keeps_values


@pytest.mark.parametrize("old, new", [
    ("integer", "text"), ("bigint", "varchar"), ("uuid", "text"), ("boolean", "text"), ("double precision", "text"),
    ("numeric(10,2)", "text"), ("timestamp with time zone", "text"), ("date", "character varying"),
    ("jsonb", "text"), ("interval", "text"), ("inet", "text"),
    ("varchar(40)", "text"), ("integer", "bigint"),  # as before
])
def test_kept(old: str, new: str) -> None:
    assert keeps_values(old, new)


@pytest.mark.parametrize("old, new", [
    ("integer", "varchar(5)"), ("text", "integer"), ("integer[]", "text"), ("mood", "text"), ("bytea", "text"),
    ("money", "text"), ("bigint", "integer"), ("text", "varchar(10)"),
])
def test_not_kept(old: str, new: str) -> None:
    assert not keeps_values(old, new)

"""Every table the schema code declares in a way mizzle refuses is named in one run, not one per run: a team
adopting mizzle on an app's existing models (warehouse, Apache Superset, timesketch each met several refusals)
would otherwise fix one, run again, and meet the next."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from mizzle.errors import SchemaLoadError
from mizzle.sources.sqlalchemy import schema_from_metadata


def _refusal(md: sa.MetaData, dialect: str) -> SchemaLoadError:
    with pytest.raises(SchemaLoadError) as caught:
        schema_from_metadata([md], dialect=dialect)
    return caught.value


def test_sqlite_names_every_refused_table_in_one_error() -> None:
    md = sa.MetaData()
    sa.Table("alpha", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Numeric), sqlite_strict=True)
    sa.Table("beta", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("s", postgresql.TSVECTOR))
    sa.Table("fine", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("gamma", md, sa.Column("id", sa.Integer), sqlite_with_rowid=False)
    e = _refusal(md, "sqlite")
    # the first refusal stays the error's one-line summary, as before; the others follow in its details
    assert e.message.startswith("column alpha.n: a STRICT table (sqlite_strict=True) takes no column of type numeric")
    assert e.details is not None
    lines = e.details.splitlines()
    assert lines[0] == "2 more tables are refused:"
    assert lines[1].startswith("  column beta.s: SQLite has no type for TSVECTOR")
    assert lines[2].startswith("  table gamma: a WITHOUT ROWID table (sqlite_with_rowid=False) needs a primary key")
    assert "fine" not in str(e)


def test_postgresql_names_every_refused_table_in_one_error_with_each_ones_words() -> None:
    md = sa.MetaData()
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True), prefixes=["TEMPORARY"])
    sa.Table("ok", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.String(20_000_000)))
    sa.Table("c", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("n", sa.Text, info={"mizzle": {"serial": True}}))
    e = _refusal(md, "postgresql")
    assert e.message.startswith("table a: prefixes=['TEMPORARY']")
    assert e.details is not None
    lines = e.details.splitlines()
    assert lines[0] == "2 more tables are refused:"
    # those the tables' conversion meets first, then those of the converted tables PostgreSQL would reject
    assert lines[1].startswith("  column c.n: info mizzle serial needs an integer type")
    assert lines[2].startswith("  column public.b.code is varchar(20000000): PostgreSQL's varchar takes a length")
    assert "ok" not in e.details


def test_the_first_refusals_details_stay_with_it() -> None:
    """A refusal's own hint (its details) is kept, the others listed after it."""
    md = sa.MetaData()
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Numeric), sqlite_strict=True)
    sa.Table("b", md, sa.Column("id", sa.Integer), sqlite_with_rowid=False)
    alone = sa.MetaData()
    sa.Table("a", alone, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Numeric), sqlite_strict=True)
    with pytest.raises(SchemaLoadError) as first:
        schema_from_metadata([alone], dialect="sqlite")
    e = _refusal(md, "sqlite")
    assert e.message == first.value.message
    assert e.details is not None and e.details.startswith(first.value.details or "1 more table is refused:")


def test_one_refused_table_reads_as_before() -> None:
    md = sa.MetaData()
    sa.Table("alpha", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Numeric), sqlite_strict=True)
    e = _refusal(md, "sqlite")
    assert e.details is None

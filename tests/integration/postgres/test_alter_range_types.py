"""A column moving from one built-in range (multirange) type to another: PostgreSQL has no cast between them
(`cannot cast type int4range to int8range`), but each reads the other's text form. Found on a Django project's
IntegerRangeField made a BigIntegerRangeField (django.contrib.postgres), pulled by mizzle."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pg_project import fresh_config, write_project
from pgtools import temp_database

import mizzle
from mizzle.commands.generate import generate

pytestmark = pytest.mark.pg

TABLE = ("import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql as pg\nmd = sa.MetaData()\n"
         't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("span", {}), '
         'sa.Column("spans", pg.ARRAY({})), sa.Column("many", {}))\n')


def test_a_range_column_changes_to_another_range_type_keeping_its_values(tmp_path: Path) -> None:
    with temp_database("mzrange") as url:
        for n, types in enumerate((("pg.INT4RANGE", "pg.INT4RANGE", "pg.INT4MULTIRANGE"),
                                   ("pg.INT8RANGE", "pg.INT8RANGE", "pg.INT8MULTIRANGE"),
                                   ("pg.NUMRANGE", "pg.NUMRANGE", "pg.NUMMULTIRANGE"))):
            write_project(tmp_path, TABLE.format(*types))
            result = generate(fresh_config(tmp_path))
            assert result.written
            if n:
                assert '"span"::text::' in result.sql and '"spans"::text[]::' in result.sql, result.sql
            mizzle.migrate(url=url, folder=tmp_path / "migrations")
            assert not generate(fresh_config(tmp_path)).written
            if not n:
                with psycopg.connect(url, autocommit=True) as c:
                    c.execute("INSERT INTO t VALUES (1, '[1,5)', '{\"[2,3]\",empty}', '{[1,2),[7,9)}'), "
                              "(2, NULL, NULL, NULL)")
        with psycopg.connect(url, autocommit=True) as c:
            got = c.execute("SELECT span::text, spans::text, many::text FROM t ORDER BY id").fetchall()
    assert got == [("[1,5)", '{"[2,4)",empty}', "{[1,2),[7,9)}"), (None, None, None)]

"""A boolean column becoming smallint or bigint (or back): PostgreSQL casts boolean only to and from integer
(`cannot cast type boolean to smallint`), so the change goes through integer. Found adopting PowerDNS-Admin: its
Alembic revision 3f76448bb6de adds user.confirmed as sa.Boolean, its model (powerdnsadmin/models/user.py) says
db.SmallInteger; the first migration generate wrote from the model after `pull` + `baseline` of the database its
migrations built was refused ("PostgreSQL has no cast between them")."""

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
         'u = sa.Table("user", md, sa.Column("id", sa.Integer, primary_key=True), '
         'sa.Column("confirmed", {}, nullable=False), sa.Column("flags", pg.ARRAY({})))\n')


def test_a_boolean_column_becomes_smallint_and_bigint_and_back_keeping_its_values(tmp_path: Path) -> None:
    with temp_database("mzboolint") as url:
        for n, type_ in enumerate(("sa.Boolean", "sa.SmallInteger", "sa.BigInteger", "sa.Boolean")):
            write_project(tmp_path, TABLE.format(type_, type_))
            result = generate(fresh_config(tmp_path))
            assert result.written
            if n in (1, 3):  # boolean → smallint, bigint → boolean (smallint → bigint is a cast of its own)
                assert '"confirmed"::integer::' in result.sql and '"flags"::integer[]::' in result.sql, result.sql
            mizzle.migrate(url=url, folder=tmp_path / "migrations")
            assert not generate(fresh_config(tmp_path)).written
            with psycopg.connect(url, autocommit=True) as c:
                if not n:
                    c.execute("""INSERT INTO "user" VALUES (1, true, '{true,false}'), (2, false, NULL)""")
                got = c.execute('SELECT confirmed::text, flags::text FROM "user" ORDER BY id').fetchall()
            want = [("true", "{t,f}"), ("false", None)] if n in (0, 3) else [("1", "{1,0}"), ("0", None)]
            assert got == want, (type_, got)

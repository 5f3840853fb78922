"""A domain a table column uses, given another base type. PostgreSQL has no `ALTER DOMAIN … TYPE`, so the domain is
dropped and made again, and `DROP DOMAIN` fails while a column uses it (`cannot drop type "Phone" because other
objects depend on it`). AdventureWorks for PostgreSQL (lorint/AdventureWorks-for-Postgres) declares `Phone` as
`varchar(25)` under person.personphone.phonenumber; pulled, then widened to `varchar(30)`, generate wrote a migration
the server rejects. It refuses with one line naming the domain, the columns and the way around instead."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pg_project import assert_clean, fresh_config, write_project
from pgtools import temp_database, url_for

import mizzle
from mizzle.commands.generate import generate
from mizzle.errors import UsageError

pytestmark = pg = pytest.mark.pg
SERVER = url_for("postgres")

SOURCE = '''
import sqlalchemy as sa
from mizzle.pg import Domain


class Phone(sa.types.UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw):
        return '"{name}"'


metadata = sa.MetaData()
phone = Domain("{name}", "{base}")
person_phone = sa.Table("personphone", metadata, sa.Column("id", sa.Integer, primary_key=True){column})
'''
COLUMN = ', sa.Column("phonenumber", Phone, nullable=False)'


def _write(root: Path, name: str = "Phone", base: str = "character varying(25)", column: str = COLUMN) -> None:
    write_project(root, SOURCE.format(name=name, base=base, column=column))


def _files(root: Path) -> int:
    return len(list((root / "migrations").glob("*.sql")))


@pg
def test_a_domain_in_use_given_another_base_type_is_refused_at_generate(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    _write(root)
    generate(fresh_config(root), name="one")
    _write(root, base="character varying(30)")
    with pytest.raises(UsageError) as e:
        generate(fresh_config(root), name="two")
    message = str(e.value)
    assert "\n" not in message
    assert message.startswith('domain Phone: the change gives it another base type (character varying(25) → '
                              'character varying(30))'), message
    assert "column public.personphone.phonenumber uses it" in message
    assert _files(root) == 1  # nothing written


@pg
def test_a_domain_no_column_uses_is_made_again_and_the_way_around_applies(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    with temp_database("mzdom") as url:
        _write(root, column="")
        generate(fresh_config(root), name="one")
        _write(root, base="character varying(30)", column="")  # nothing uses it: dropped and made again
        sql = generate(fresh_config(root), name="two").sql_path.read_text()
        assert 'DROP DOMAIN "public"."Phone"' in sql and "character varying(30)" in sql
        _write(root, base="character varying(30)")
        generate(fresh_config(root), name="three")
        mizzle.migrate(url=url, folder=root / "migrations")
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("INSERT INTO personphone VALUES (1, '555-0100')")
        # the way the refusal names: a domain of another name, the column given that type
        _write(root, name="Phone2", base="character varying(40)")
        generate(fresh_config(root), name="four")
        mizzle.migrate(url=url, folder=root / "migrations")
        assert_clean(fresh_config(root), url, SERVER)
        with psycopg.connect(url) as c:
            row = c.execute("SELECT phonenumber, pg_typeof(phonenumber)::text FROM personphone").fetchone()
        assert row == ("555-0100", '"Phone2"')

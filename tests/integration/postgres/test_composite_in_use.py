"""A composite type a table column uses: PostgreSQL adds, drops and renames its attributes in place, but refuses
to change an attribute's type (`cannot alter type "money_type" because column "account.balance" uses it`, with
CASCADE too) or to drop the type to make it again in a new order. `generate` refuses those with one line naming
the type, the columns using it and what to do by hand, instead of writing a migration the server rejects."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pg_project import assert_clean, fresh_config, write_project
from pgtools import temp_database, url_for

import mizzle
from mizzle.commands.generate import generate
from mizzle.commands.revert import revert
from mizzle.errors import UsageError

pytestmark = pg = pytest.mark.pg
SERVER = url_for("postgres")

SOURCE = '''
import sqlalchemy as sa
from mizzle.pg import CompositeType


class Money(sa.types.UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw):
        return "money_type"


metadata = sa.MetaData()
money = CompositeType("money_type", {attrs})
account = sa.Table("account", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("balance", Money))
'''

V1 = '{"currency": "varchar(3)", "amount": "integer"}'


def _step(root: Path, attrs: str, name: str):  # type: ignore[no-untyped-def]
    write_project(root, SOURCE.format(attrs=attrs))
    return generate(fresh_config(root), name=name)


@pg
def test_adding_an_attribute_to_a_type_in_use_applies_and_keeps_the_rows(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    with temp_database("mzcomp") as url:
        _step(root, V1, "one")
        mizzle.migrate(url=url, folder=root / "migrations")
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("INSERT INTO account VALUES (1, ROW('EUR', 5)), (2, NULL)")
        sql = _step(root, '{"currency": "varchar(3)", "amount": "integer", "note": "text"}', "two").sql_path.read_text()
        assert 'ALTER TYPE "public"."money_type" ADD ATTRIBUTE "note" text' in sql
        mizzle.migrate(url=url, folder=root / "migrations")
        assert_clean(fresh_config(root), url, SERVER)
        with psycopg.connect(url) as c:
            rows = c.execute("SELECT id, (balance).currency, (balance).amount, balance IS NULL FROM account "
                             "ORDER BY id").fetchall()
        assert rows == [(1, "EUR", 5, False), (2, None, None, True)]


@pg
@pytest.mark.parametrize("attrs, how", [
    ('{"currency": "varchar(3)", "amount": "bigint", "note": "text"}', "changes the type of attribute amount"),
    ('{"amount": "integer", "currency": "varchar(3)"}', "reorders its attributes"),
])
def test_retyping_or_reordering_a_type_in_use_is_refused_at_generate(tmp_path: Path, attrs: str, how: str) -> None:
    root = tmp_path / "proj"
    _step(root, V1, "one")
    with pytest.raises(UsageError) as e:
        _step(root, attrs, "two")
    message = str(e.value)
    assert "\n" not in message
    assert message.startswith(f"composite type money_type: the change {how}")
    assert "column public.account.balance uses it" in message
    assert len(list((root / "migrations").glob("*/migration.sql")) or
               list((root / "migrations").glob("*.sql"))) == 1  # nothing written


@pg
def test_retyping_a_type_no_column_uses_stays_in_place(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_project(root, SOURCE.format(attrs=V1).replace(', sa.Column("balance", Money)', ""))
    generate(fresh_config(root), name="one")
    write_project(root, SOURCE.format(attrs='{"currency": "varchar(3)", "amount": "bigint"}')
                  .replace(', sa.Column("balance", Money)', ""))
    sql = generate(fresh_config(root), name="two").sql_path.read_text()
    assert 'ALTER TYPE "public"."money_type" ALTER ATTRIBUTE "amount" TYPE bigint' in sql


@pg
def test_a_column_given_another_composite_type_converts_each_value(tmp_path: Path) -> None:
    # the way around the refusal: the new attributes as a type of another name; PostgreSQL has no cast from one
    # composite type to another (`"balance"::money_type2`: cannot cast type money_type to money_type2)
    root = tmp_path / "proj"
    with temp_database("mzcomp") as url:
        _step(root, V1, "one")
        mizzle.migrate(url=url, folder=root / "migrations")
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("INSERT INTO account VALUES (1, ROW('EUR', 5)), (2, NULL), (3, ROW(NULL, NULL))")
        write_project(root, SOURCE.format(attrs='{"currency": "varchar(3)", "amount": "bigint", "note": "text"}')
                      .replace('"money_type"', '"money_type2"'))
        sql = generate(fresh_config(root), name="two").sql_path.read_text()
        assert 'DROP TYPE "public"."money_type"' in sql
        mizzle.migrate(url=url, folder=root / "migrations")
        assert_clean(fresh_config(root), url, SERVER)
        with psycopg.connect(url) as c:
            rows = c.execute("SELECT id, balance::text, pg_typeof(balance)::text, pg_typeof((balance).amount)::text "
                             "FROM account ORDER BY id").fetchall()
        assert rows == [(1, "(EUR,5,)", "money_type2", "bigint"), (2, None, "money_type2", "bigint"),
                        (3, "(,,)", "money_type2", "bigint")]
        revert(fresh_config(root), "0001")  # and back, the same way
        mizzle.migrate(url=url, folder=root / "migrations")
        with psycopg.connect(url) as c:
            rows = c.execute("SELECT id, balance::text, pg_typeof(balance)::text FROM account ORDER BY id").fetchall()
        assert rows == [(1, "(EUR,5)", "money_type"), (2, None, "money_type"), (3, "(,)", "money_type")]


@pg
def test_an_array_of_a_composite_type_given_an_array_of_another_is_refused(tmp_path: Path) -> None:
    # PostgreSQL casts neither way (`cannot cast type money_type[] to money_type2[]`) and allows no subquery in
    # ALTER COLUMN … USING (`cannot use subquery in transform expression`): generate wrote the plain cast
    root = tmp_path / "proj"
    source = SOURCE.format(attrs=V1).replace('sa.Column("balance", Money)', 'sa.Column("balance", sa.ARRAY(Money))')
    write_project(root, source)
    generate(fresh_config(root), name="one")
    write_project(root, source.replace('"money_type"', '"money_type2"'))
    with pytest.raises(UsageError) as e:
        generate(fresh_config(root), name="two")
    message = str(e.value)
    assert "\n" not in message
    assert message.startswith("column public.account.balance: an array of composite type money_type given an array "
                              "of money_type2"), message
    assert len(list((root / "migrations").glob("*.sql"))) == 1  # nothing written


@pg
@pytest.mark.parametrize("attrs", ['{"currency": "varchar(3)", "amount": "bigint"}',
                                   '{"amount": "integer", "currency": "varchar(3)"}'])
@pytest.mark.parametrize("leaves", ["column dropped", "table dropped", "column retyped"])
def test_a_type_whose_last_column_leaves_in_the_same_migration_is_changed_after_it(tmp_path: Path, attrs: str,
                                                                                   leaves: str) -> None:
    # the refusal named the column even when the same change dropped it: the column now leaves first (the type is
    # altered after the DROP COLUMN / DROP TABLE / ALTER COLUMN … TYPE), and nothing is refused
    root = tmp_path / "proj"
    with temp_database("mzcomp") as url:
        _step(root, V1, "one")
        mizzle.migrate(url=url, folder=root / "migrations")
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("INSERT INTO account VALUES (1, ROW('EUR', 5))")
        source = SOURCE.format(attrs=attrs)
        if leaves == "column dropped":
            source = source.replace(', sa.Column("balance", Money)', "")
        elif leaves == "table dropped":
            source = source.split("account = ")[0]
        else:
            source = source.replace('sa.Column("balance", Money)', 'sa.Column("balance", sa.Text)')
        write_project(root, source)
        generate(fresh_config(root), name="two")
        mizzle.migrate(url=url, folder=root / "migrations")
        assert_clean(fresh_config(root), url, SERVER)
        with psycopg.connect(url) as c:
            names = [r[0] for r in c.execute(
                "SELECT a.attname FROM pg_attribute a JOIN pg_type t ON t.typrelid = a.attrelid "
                "WHERE t.typname = 'money_type' AND a.attnum > 0 ORDER BY a.attnum")]
        assert names == [n.strip('" ') for n in (p.split(":")[0] for p in attrs.strip("{}").split(","))]


@pg
def test_a_mixed_case_type_in_use_is_refused_too(tmp_path: Path) -> None:
    # the model keeps a quoted name's case without its quotes ("MoneyType" is MoneyType): read lower-cased, the
    # column was not found to use it, and generate wrote the ALTER ATTRIBUTE … TYPE PostgreSQL refuses
    root = tmp_path / "proj"
    source = SOURCE.replace('"money_type"', '\'"MoneyType"\'', 1).replace('CompositeType("money_type"',
                                                                          'CompositeType("MoneyType"')
    write_project(root, source.format(attrs=V1))
    generate(fresh_config(root), name="one")
    write_project(root, source.format(attrs='{"currency": "varchar(3)", "amount": "bigint"}'))
    with pytest.raises(UsageError) as e:
        generate(fresh_config(root), name="two")
    assert str(e.value).startswith("composite type MoneyType: the change changes the type of attribute amount")
    assert "column public.account.balance uses it" in str(e.value)

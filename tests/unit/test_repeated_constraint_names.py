"""Two foreign keys (or two checks) of one table under one name: a migration snapshot keeps a table's foreign keys
and checks by name, so it held one of the two while the migration wrote both (on PostgreSQL the second then failed
the migration, `constraint … already exists`; on SQLite `drift` right after `migrate` reported the lost one as a
change). Found on Apache Superset's `tab_state.database_id`, which its SQLite migrations leave with two foreign keys
to `dbs.id`, one ON DELETE CASCADE; pulled and re-read under the default naming they have one name."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mizzle.errors import SchemaLoadError
from mizzle.sources.sqlalchemy import schema_from_metadata


def _tab(md: sa.MetaData, *constraints: sa.Constraint) -> None:
    sa.Table("dbs", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("tab_state", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("database_id", sa.Integer),
             *constraints)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_two_foreign_keys_of_one_default_name_are_refused(dialect: str) -> None:
    md = sa.MetaData()
    _tab(md, sa.ForeignKeyConstraint(["database_id"], ["dbs.id"]),
         sa.ForeignKeyConstraint(["database_id"], ["dbs.id"], ondelete="CASCADE"))
    with pytest.raises(SchemaLoadError, match=r"^table tab_state: two foreign keys have one name, "
                                              r"tab_state_database_id_dbs_id_fk: .*name one"):
        schema_from_metadata([md], dialect=dialect)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_two_checks_of_one_name_are_refused(dialect: str) -> None:
    md = sa.MetaData()
    _tab(md, sa.CheckConstraint("id > 0", name="ck"), sa.CheckConstraint("id < 9", name="ck"))
    with pytest.raises(SchemaLoadError, match=r"^table tab_state: two checks have one name, ck: "):
        schema_from_metadata([md], dialect=dialect)


def test_named_apart_they_are_read() -> None:
    """Named apart (or numbered by naming = "postgresql", as PostgreSQL numbers them), both are kept."""
    md = sa.MetaData()
    _tab(md, sa.ForeignKeyConstraint(["database_id"], ["dbs.id"]),
         sa.ForeignKeyConstraint(["database_id"], ["dbs.id"], ondelete="CASCADE"))
    t = next(t for t in schema_from_metadata([md], naming="postgresql").tables if t.name == "tab_state")
    assert [f.name for f in t.foreign_keys] == ["tab_state_database_id_fkey", "tab_state_database_id_fkey1"]
    md2 = sa.MetaData()
    _tab(md2, sa.ForeignKeyConstraint(["database_id"], ["dbs.id"]),
         sa.ForeignKeyConstraint(["database_id"], ["dbs.id"], ondelete="CASCADE", name="tab_state_database_id_fkey"))
    t = next(t for t in schema_from_metadata([md2], dialect="sqlite").tables if t.name == "tab_state")
    assert sorted(f.on_delete for f in t.foreign_keys) == ["cascade", "no action"]

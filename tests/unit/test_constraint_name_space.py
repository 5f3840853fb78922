"""A table's constraints share one name space on PostgreSQL (`constraint … for relation … already exists`): a
primary key, unique, exclusion constraint, foreign key and check of one table under one name are refused when the
schema code is read, not left to fail the migration. Found on Faraday's `faraday/server/models.py` under the default
(drizzle) naming: `policy_violation_template_vulnerability_association`, keyed on (vulnerability_id,
policy_violation_id), gets the key `…_vulnerability_id_policy_violation_id_pk` and the foreign key
`…_vulnerability_id_vulnerability_template_id_fk`, both cut to the same 63 bytes; generate wrote both and migrate
failed at the foreign key."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mizzle.errors import SchemaLoadError
from mizzle.sources.sqlalchemy import schema_from_metadata

_LONG = "policy_violation_template_vulnerability_association"


def _faraday_association(md: sa.MetaData) -> None:
    sa.Table("vulnerability_template", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("policy_violation_template", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(_LONG, md,
             sa.Column("vulnerability_id", sa.Integer, sa.ForeignKey("vulnerability_template.id", ondelete="CASCADE"),
                       primary_key=True),
             sa.Column("policy_violation_id", sa.Integer, sa.ForeignKey("policy_violation_template.id"),
                       primary_key=True))


def test_a_key_and_a_foreign_key_cut_to_one_name_are_refused() -> None:
    md = sa.MetaData()
    _faraday_association(md)
    cut = f"{_LONG}_vulnerabili"
    with pytest.raises(SchemaLoadError, match=rf"^table {_LONG}: its primary key and foreign key have one name, "
                                              rf"{cut}: PostgreSQL keeps a table's constraints in one name space"):
        schema_from_metadata([md], dialect="postgresql")


def test_under_postgresql_naming_they_are_apart() -> None:
    md = sa.MetaData()
    _faraday_association(md)
    t = next(t for t in schema_from_metadata([md], naming="postgresql").tables if t.name == _LONG)
    assert len(t.foreign_keys) == 2


def test_a_check_named_as_a_foreign_key_is_refused_on_postgresql_only() -> None:
    md = sa.MetaData()
    sa.Table("u", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("u_id", sa.Integer),
             sa.ForeignKeyConstraint(["u_id"], ["u.id"], name="t_u"), sa.CheckConstraint("u_id > 0", name="t_u"))
    with pytest.raises(SchemaLoadError, match=r"^table t: its foreign key and check have one name, t_u: "):
        schema_from_metadata([md], dialect="postgresql")
    t = next(t for t in schema_from_metadata([md], dialect="sqlite").tables if t.name == "t")
    assert [c.name for c in t.checks] == ["t_u"]

"""A unique constraint repeating an earlier one under the same name, as Polar's `organizations.slug` has it
(`mapped_column(CITEXT, unique=True)` beside `UniqueConstraint("slug")`, both named `organizations_slug_key` by its
naming convention): PostgreSQL's CREATE TABLE keeps one (create_all and Alembic built Polar's database so), and a
snapshot keeps uniques by name. Under naming = "drizzle" (the default) `generate` refused the models, saying the
migration would fail on the second."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mizzle.sources.sqlalchemy import schema_from_metadata

POLAR_CONVENTION = {"uq": "%(table_name)s_%(column_0_N_name)s_key"}


@pytest.mark.parametrize(("naming", "convention"), [("drizzle", POLAR_CONVENTION), ("drizzle", None),
                                                     ("drizzle1", POLAR_CONVENTION), ("postgresql", POLAR_CONVENTION),
                                                     ("postgresql", None)])
def test_a_unique_repeated_under_its_own_name_is_one(naming: str, convention: dict[str, str] | None) -> None:
    md = sa.MetaData(naming_convention=convention) if convention else sa.MetaData()
    sa.Table("organizations", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("slug", sa.Text, nullable=False, unique=True), sa.UniqueConstraint("slug"))
    model = schema_from_metadata([md], naming=naming)
    uniques = model.tables[0].uniques
    assert len(uniques) == 1 and uniques[0].columns == ("slug",)
    if convention:
        assert uniques[0].name == "organizations_slug_key"


def test_a_same_named_unique_on_other_columns_is_still_refused() -> None:
    from mizzle.errors import SchemaLoadError

    md = sa.MetaData()
    sa.Table("t", md, sa.Column("a", sa.Text), sa.Column("b", sa.Text),
             sa.UniqueConstraint("a", name="t_key"), sa.UniqueConstraint("b", name="t_key"))
    with pytest.raises(SchemaLoadError, match="have one name, public.t_key"):
        schema_from_metadata([md])

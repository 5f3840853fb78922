"""Two constraints the schema code leaves unnamed, whose drizzle-kit names (`<table>_<cols>_unique`,
`<table>_<cols>_pk`) PostgreSQL cuts to one 63-byte name. Found on PyPI's warehouse:
`oidc_publisher_project_association` has the key (oidc_publisher_id, project_id, id) and
UniqueConstraint("oidc_publisher_id", "project_id"); create_all names them `…_pkey` and `…_key`, but under the
default naming = "drizzle" both became `oidc_publisher_project_association_oidc_publisher_id_project_id`, and the
refusal said "rename one" of two names the code never gave."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mizzle.errors import SchemaLoadError
from mizzle.sources.sqlalchemy import schema_from_metadata


def _md() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("organization_project_membership_links", md,
             sa.Column("organization_id", sa.Integer, primary_key=True),
             sa.Column("project_id", sa.Integer, primary_key=True),
             sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.UniqueConstraint("organization_id", "project_id"))
    return md


def test_drizzle_names_cut_alike_are_refused_naming_the_way_out() -> None:
    with pytest.raises(SchemaLoadError) as e:
        schema_from_metadata([_md()], naming="drizzle")
    message = str(e.value)
    assert "organization_project_membership_links_organization_id_project_i " in message
    assert "leaves unnamed" in message and 'naming = "drizzle"' in message
    assert "name=" in message and 'naming = "postgresql"' in message


def test_postgresql_naming_reads_them_as_create_all_names_them() -> None:
    t = schema_from_metadata([_md()], naming="postgresql").tables[0]
    assert t.primary_key is not None and t.primary_key.name in (None, "organization_project_membership_links_pkey")
    assert [u.name for u in t.uniques] == ["organization_project_membership__organization_id_project_id_key"]

"""`inet_ops` is the default operator class of inet for btree, hash and spgist, not for gist (PostgreSQL 15's
pg_opclass: gist's inet_ops has opcdefault false, and inet has no default gist class without btree_gist), so an
index `USING gist (ip inet_ops)` must keep it: read as the default, it was left out of the CREATE INDEX, which the
server then refused ('data type inet has no default operator class for access method "gist"'), while create_all
built it. Found on a public sqlacodegen/Alembic demo's GeoIp model (`geoip2_network`, a CIDR key with
`Index("network_gist", "network", postgresql_using="gist", postgresql_ops={"network": "inet_ops"})`): create_all
built it, mizzle's migration failed. No server."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import INET

from mizzle.dialects.postgres.ddl import create_index
from mizzle.dialects.postgres.types import canonical_opclass
from mizzle.schema.compare import canonical
from mizzle.sources.sqlalchemy import schema_from_metadata


def test_gist_inet_ops_is_kept_and_btree_inet_ops_is_the_default() -> None:
    assert canonical_opclass("inet_ops", "gist", "inet") == "inet_ops"
    assert canonical_opclass("inet_ops", "gist", "cidr") == "inet_ops"
    assert canonical_opclass("inet_ops", "btree", "inet") is None
    assert canonical_opclass("inet_ops", "spgist", "inet") is None


def test_a_gist_index_on_inet_keeps_its_operator_class() -> None:
    md = sa.MetaData()
    sa.Table("events", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("ip", INET),
             sa.Index("events_ip_gist", "ip", postgresql_using="gist", postgresql_ops={"ip": "inet_ops"}))
    [t] = canonical(schema_from_metadata([md], dialect="postgresql")).tables
    assert create_index(t.key, t.indexes[0]).endswith('USING gist ("ip" inet_ops)')

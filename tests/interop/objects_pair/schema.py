"""The views of schema.ts next to this file, declared with mizzle.pg (the same query text: drizzle-kit
compares a view's `definition` as text)."""

import sqlalchemy as sa

from mizzle.pg import View

metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
                 sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()))
active_users = View("active_users", 'select "id", "name" from "users" where "active"',
                    with_={"securityBarrier": True})
user_count = View("user_count", 'select count(*) as n from "users"', materialized=True, with_={"fillfactor": 70})

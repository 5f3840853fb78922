"""schema.ts next to this file in SQLAlchemy + mizzle.pg (step 1 of 3)."""

import sqlalchemy as sa

from mizzle.pg import Policy, Role, View, enable_rls

md = sa.MetaData()
admin = Role("__R1__", create_role=True, inherit=False)

users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
                 sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()))

docs = sa.Table("docs", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                sa.Column("owner", sa.Text, nullable=False), sa.Column("title", sa.Text))
enable_rls(docs)
own_rows = Policy("own_rows", docs, for_="select", using="owner = current_user")
checked = Policy("checked", docs, as_="restrictive", for_="insert", to=admin, with_check="length(title) > 0")

notes = sa.Table("notes", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("body", sa.Text))
enable_rls(notes)

items = sa.Table("items", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("owner", sa.Text), schema="app")
enable_rls(items)
items_update = Policy("items_update", items, for_="update", to=admin, using="true",
                      with_check="owner = current_user")

active_users = View("active_users", 'select "id", "name" from "users" where "active"',
                    with_={"securityBarrier": True})
user_count = View("user_count", 'select count(*) as n from "users"', materialized=True, with_={"fillfactor": 70})
recent = View("recent", 'select "id" from "app"."items"', schema="app")

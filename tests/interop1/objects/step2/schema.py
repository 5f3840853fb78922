"""schema.ts next to this file in SQLAlchemy + mizzle.pg (step 2 of 3)."""

import sqlalchemy as sa

from mizzle.pg import Policy, Role, View, enable_rls

md = sa.MetaData()
admin = Role("__R1__", create_role=True, inherit=False)
reader = Role("__R2__", create_db=True)

users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
                 sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()))

docs = sa.Table("docs", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                sa.Column("owner", sa.Text, nullable=False), sa.Column("title", sa.Text))
enable_rls(docs)
own_rows = Policy("own_rows", docs, for_="select", using="owner = current_user or title is null")

notes = sa.Table("notes", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("body", sa.Text))
enable_rls(notes)
notes_read = Policy("notes_read", notes, for_="select", to=[admin, reader], using="true")

items = sa.Table("items", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("owner", sa.Text), schema="app")
enable_rls(items)
items_update = Policy("items_update", items, for_="update", to=admin, using="true",
                      with_check="owner = current_user")

active_users = View("active_users", 'select "id", "name" from "users" where "active" and "name" is not null',
                    with_={"securityBarrier": True, "checkOption": "cascaded"})
user_count = View("user_count", 'select count(*) as n from "users"', materialized=True, with_={"fillfactor": 80})
recent = View("recent", 'select "id" from "app"."items"', schema="app")

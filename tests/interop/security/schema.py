"""mizzle interop, security: schema.ts next to this file, in SQLAlchemy + mizzle.pg."""

import sqlalchemy as sa

from mizzle.pg import Policy, enable_rls

md = sa.MetaData()

docs = sa.Table(
    "docs", md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("owner", sa.Text, nullable=False),
    sa.Column("title", sa.Text),
)
enable_rls(docs)
own_rows = Policy("own_rows", docs, for_="select", using="owner = current_user")
checked = Policy("checked", docs, as_="restrictive", for_="insert", with_check="length(title) > 0")

notes = sa.Table(
    "notes", md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("body", sa.Text),
)
enable_rls(notes)

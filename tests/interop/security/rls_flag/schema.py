"""mizzle interop, security: step2.ts next to this file, in SQLAlchemy + mizzle.pg."""

import sqlalchemy as sa

from mizzle.pg import Policy, enable_rls

md = sa.MetaData()

chats = sa.Table(
    "chats", md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("owner", sa.Text, nullable=False),
)
enable_rls(chats)
own_chats = Policy("own_chats", chats, for_="select", using="owner = current_user")

notes = sa.Table(
    "notes", md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("body", sa.Text),
)

"""schema.ts next to this file in SQLAlchemy (step 1 of 3)."""

import sqlalchemy as sa

from mizzle.pg import View

md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("email", sa.Text, nullable=False, unique=True),
                 sa.Column("name", sa.Text, server_default=sa.text("'anon'")),
                 sa.Column("age", sa.Integer, server_default=sa.text("0")),
                 sa.Index("users_name_idx", "name"), sa.CheckConstraint('"age" >= 0', name="age_ok"),
                 sqlite_autoincrement=True)
posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")),
                 sa.Column("title", sa.Text, nullable=False), sa.Index("posts_title_uq", "title", unique=True))
tags = sa.Table("tags", md, sa.Column("a", sa.Integer, primary_key=True, autoincrement=False),
                sa.Column("b", sa.Integer, primary_key=True, autoincrement=False))
v = View("v", "select 1 as x")

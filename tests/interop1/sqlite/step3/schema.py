"""schema.ts next to this file in SQLAlchemy (step 3 of 3)."""

import sqlalchemy as sa

md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("email", sa.Text, nullable=False, unique=True),
                 sa.Column("name", sa.Text, server_default=sa.text("'nobody'")),
                 sa.Column("age", sa.Integer, server_default=sa.text("0")),
                 sa.CheckConstraint('"age" >= 0', name="age_ok"),
                 sqlite_autoincrement=True)
posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
                 sa.Column("title", sa.Text, nullable=False), sa.Index("posts_title_uq", "title", unique=True),
                 sa.Index("posts_author_idx", "author_id"))
labels = sa.Table("labels", md, sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("post_id", sa.Integer, nullable=False), sa.Column("name", sa.Text, nullable=False),
                  sa.UniqueConstraint("post_id", "name"),
                  sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="labels_post"))

"""The SQLAlchemy twin of tests/interop/sqlite/steps/step4/schema.ts (drizzle-kit's SQLite reference)."""

import sqlalchemy as sa

md = sa.MetaData()

users = sa.Table(
    "users", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.Text, nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False, server_default="anonymous"),
    sa.Column("quote", sa.Text, server_default="it's"),
    sa.Column("role", sa.Enum("admin", "user", native_enum=False), nullable=False, server_default="user"),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("is_admin", sa.Boolean, server_default=sa.false()),
    sa.Column("created_at", sa.Integer, nullable=False, server_default=sa.text("(unixepoch())")),
    sa.Column("updated_at_ms", sa.Integer),
    sa.Column("created_text", sa.Text, server_default=sa.text("CURRENT_TIMESTAMP")),
    sa.Column("age", sa.Integer),
    sa.Column("score", sa.Integer, server_default=sa.text("2")),
    sa.Column("balance", sa.Numeric, server_default="0.00"),
    sa.Column("avatar", sa.LargeBinary),
    sa.Column("meta", sa.LargeBinary),
    sa.Column("big", sa.LargeBinary),
    sa.Column("settings", sa.JSON, server_default=sa.text("'{}'")),
    sa.Column("counter", sa.Integer, server_default=sa.text("0")),
    sa.Column("bio", sa.Text),
    sa.Column("login_count", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.CheckConstraint('"users"."age" >= 0', name="users_age_check"),
    sa.Index("users_email_lower_idx", sa.text('lower("email")'), unique=True),
    sa.Index("users_active_idx", "created_at", sqlite_where=sa.text('"users"."is_active" = 1')),
    sa.Index("users_age_score_idx", "age", "score"),
    sqlite_autoincrement=True,
)

posts = sa.Table(
    "posts", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("slug", sa.Text, nullable=False),
    sa.Column("body", sa.Integer),
    sa.Column("editor_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("views", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.UniqueConstraint("user_id", "slug", name="posts_user_slug_uq"),
    sa.Index("posts_user_idx", "user_id"),
    sa.Index("posts_views_idx", "views"),
)

labels = sa.Table(
    "labels", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
    sqlite_autoincrement=True,
)

post_tags = sa.Table(
    "post_tags", md,
    sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.Integer, primary_key=True),
    sa.Column("weight", sa.Float),
    sa.ForeignKeyConstraint(["tag_id"], ["labels.id"], name="post_tags_tag_fk", ondelete="SET NULL",
                            onupdate="CASCADE"),
)

comments = sa.Table(
    "comments", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created_at", sa.Integer, nullable=False, server_default=sa.text("(unixepoch() * 1000)")),
    sqlite_autoincrement=True,
)

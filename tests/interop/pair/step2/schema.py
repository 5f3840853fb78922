"""mizzle interop pair, step 2: the SQLAlchemy twin of schema.ts next to this file."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

md = sa.MetaData()

status = sa.Enum("active", "pending", "inactive", "banned", name="status")
currency = sa.Enum("usd", "eur", name="currency", schema="billing")

users = sa.Table(
    "users", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(255), nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False, server_default="anon"),
    sa.Column("country", sa.CHAR(2), server_default="US"),
    sa.Column("age", sa.SmallInteger),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("status", status, nullable=False, server_default="active"),
    sa.Column("score", sa.REAL, server_default=sa.text("1.5")),
    sa.Column("rating", sa.Double, server_default=sa.text("0")),
    sa.Column("balance", sa.Numeric(12, 2), server_default="0.00"),
    sa.Column("login_count", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Column("big_number", sa.BigInteger, server_default=sa.text("42")),
    sa.Column("created_at", pg.TIMESTAMP(timezone=True, precision=3), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime, server_default=sa.text("now()")),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    sa.Column("seen_at", pg.TIMESTAMP(precision=6)),
    sa.Column("birthday", sa.Date),
    sa.Column("profile", pg.JSONB, server_default=sa.text("'{}'::jsonb")),
    sa.Column("external_id", sa.Uuid, nullable=False, server_default=sa.text("gen_random_uuid()")),
    sa.Column("tags", pg.ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'")),
    sa.Column("legacy", sa.Text),
    sa.Column("bio", sa.Text),
    sa.Index("users_email_lower_idx", sa.text('lower("email")'), unique=True),
    sa.Index("users_active_name_idx", "name", postgresql_where=sa.text('"users"."is_active" = true')),
    sa.Index("users_created_idx", sa.desc("created_at")),
    sa.Index("users_tags_gin_idx", "tags", postgresql_using="gin"),
    sa.Index("users_name_pattern_idx", "name", postgresql_ops={"name": "text_pattern_ops"}),
    sa.CheckConstraint('"users"."age" >= 0', name="users_age_check"),
)

orgs = sa.Table(
    "orgs", md,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("slug", sa.String(64), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL", onupdate="CASCADE")),
    sa.Column("region", sa.CHAR(2)),
    sa.Column("code", sa.SmallInteger),
    sa.Column("currency", currency, server_default="eur"),
    sa.Index("orgs_name_index", sa.desc("name").nulls_last()),
    sa.UniqueConstraint("slug", name="orgs_slug_unique"),
    sa.UniqueConstraint("region", "code", name="orgs_region_code_unique", postgresql_nulls_not_distinct=True),
    sa.CheckConstraint("code > 0", name="orgs_code_check"),
)

memberships = sa.Table(
    "memberships", md,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("org_id", sa.BigInteger, sa.ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role", sa.Text, server_default="member"),
    sa.Column("joined_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
)

invoices = sa.Table(
    "invoices", md,
    sa.Column("id", sa.Integer, sa.Identity(always=True), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=False),
    sa.Column("org_id", sa.BigInteger),
    sa.Column("currency", currency, nullable=False, server_default="usd"),
    sa.Column("amount", sa.Numeric(12, 2), nullable=False),
    sa.Column("issued_on", sa.Date, server_default=sa.text("CURRENT_DATE")),
    sa.Index("invoices_user_id_issued_on_index", "user_id", "issued_on"),
    sa.ForeignKeyConstraint(["user_id", "org_id"], ["memberships.user_id", "memberships.org_id"],
                            ondelete="CASCADE", onupdate="NO ACTION"),
    schema="billing",
)

payments = sa.Table(
    "payments", md,
    sa.Column("id", sa.BigInteger, sa.Identity(always=False, start=100), primary_key=True),
    sa.Column("invoice_id", sa.Integer, sa.ForeignKey("billing.invoices.id", ondelete="CASCADE"), nullable=False),
    sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("amount", sa.Numeric(12, 2), nullable=False),
    sa.Column("note", sa.String(200)),
    schema="billing",
)

"""mizzle interop pair, step 5: the SQLAlchemy twin of schema.ts next to this file."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

md = sa.MetaData()

status = sa.Enum("active", "pending", "banned", name="status")
currency = sa.Enum("usd", "eur", "gbp", name="currency", schema="billing")

users = sa.Table(
    "users", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(255), nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("country", sa.CHAR(2), server_default="US"),
    sa.Column("age", sa.SmallInteger),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("status", status, nullable=False, server_default="pending"),
    sa.Column("score", sa.REAL, server_default=sa.text("2.5")),
    sa.Column("rating", sa.Double, server_default=sa.text("0")),
    sa.Column("balance", sa.Numeric(12, 2), server_default="0.00"),
    sa.Column("login_count", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Column("big_number", sa.BigInteger, server_default=sa.text("42")),
    sa.Column("created_at", pg.TIMESTAMP(timezone=True, precision=3), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime, server_default=sa.text("now()")),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    sa.Column("seen_at", pg.TIMESTAMP(precision=6)),
    sa.Column("birthday", sa.Date, nullable=False),
    sa.Column("profile", pg.JSONB, server_default=sa.text("'{}'::jsonb")),
    sa.Column("external_id", sa.Uuid, nullable=False, server_default=sa.text("gen_random_uuid()")),
    sa.Column("tags", pg.ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'")),
    sa.Column("bio", sa.Text),
    sa.Column("settings", pg.JSONB, server_default="{}"),
    sa.Column("meta", sa.JSON, server_default="[]"),
    sa.Index("users_email_lower_idx", sa.text('lower("email")'), unique=True),
    sa.Index("users_active_name_idx", "name", postgresql_where=sa.text('"users"."is_active" = true AND "users"."age" IS NOT NULL')),
    sa.Index("users_created_idx", sa.desc("created_at")),
    sa.Index("users_tags_gin_idx", "tags", postgresql_using="gin"),
    sa.CheckConstraint('"users"."age" >= 0 AND "users"."age" < 150', name="users_age_check"),
)

orgs = sa.Table(
    "orgs", md,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("slug", sa.String(128), nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE", onupdate="CASCADE")),
    sa.Column("region", sa.CHAR(2)),
    sa.Column("code", sa.SmallInteger),
    sa.Column("currency", currency, server_default="eur"),
    sa.Column("last_invoice_id", sa.Integer, sa.ForeignKey("billing.invoices.id", ondelete="SET NULL")),
    sa.Index("orgs_name_index", sa.desc("name").nulls_last()),
    sa.UniqueConstraint("slug", name="orgs_slug_unique"),
    sa.UniqueConstraint("region", "code", name="orgs_region_code_unique"),
    sa.CheckConstraint("code > 0", name="orgs_code_check"),
)

memberships = sa.Table(
    "memberships", md,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("org_id", sa.BigInteger, sa.ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role", sa.Text, nullable=False, server_default="member"),
)

invoices = sa.Table(
    "invoices", md,
    sa.Column("id", sa.Integer, sa.Identity(always=False), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=False),
    sa.Column("org_id", sa.BigInteger),
    sa.Column("currency", currency, nullable=False, server_default="usd"),
    sa.Column("amount", sa.Numeric(12, 2), nullable=False),
    sa.Column("issued_on", sa.Date, server_default=sa.text("CURRENT_DATE")),
    sa.Index("invoices_user_id_issued_on_index", "user_id", "issued_on"),
    sa.Index("invoices_org_positive_idx", "org_id", unique=True, postgresql_where=sa.text('"billing"."invoices"."amount" > 0')),
    sa.ForeignKeyConstraint(["user_id", "org_id"], ["memberships.user_id", "memberships.org_id"],
                            ondelete="CASCADE", onupdate="NO ACTION"),
    schema="billing",
)

api_keys = sa.Table(
    "api_keys", md,
    sa.Column("id", sa.Uuid, primary_key=True, server_default=sa.text("gen_random_uuid()")),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE", onupdate="CASCADE"), nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("created_at", pg.TIMESTAMP(precision=3), server_default=sa.text("now()")),
    sa.Column("expires_at", pg.TIMESTAMP(precision=3)),
    sa.Column("last_used_at", pg.TIMESTAMP(timezone=True, precision=6)),
    sa.Column("quiet_from", pg.TIME(timezone=True, precision=2)),
    sa.Column("quota", sa.Numeric, server_default=sa.text("1.25")),
    sa.UniqueConstraint("key", name="api_keys_key_key", postgresql_nulls_not_distinct=True),
)

line_seq = sa.Sequence("line_seq", schema="billing", start=10, increment=5, minvalue=10, maxvalue=100000, cache=2,
                       metadata=md)

invoice_lines = sa.Table(
    "invoice_lines", md,
    sa.Column("invoice_id", sa.Integer, sa.ForeignKey("billing.invoices.id", ondelete="CASCADE"), nullable=False),
    sa.Column("line_no", sa.SmallInteger, nullable=False),
    sa.Column("skus", pg.ARRAY(sa.String(32))),
    sa.Column("qty", sa.Integer, nullable=False, server_default=sa.text("1")),
    sa.Column("total", sa.Integer, sa.Computed("qty * 100")),
    sa.Column("parent_line", sa.SmallInteger),
    sa.PrimaryKeyConstraint("invoice_id", "line_no", name="invoice_lines_pk"),
    sa.ForeignKeyConstraint(["invoice_id", "parent_line"], ["billing.invoice_lines.invoice_id", "billing.invoice_lines.line_no"],
                            name="invoice_lines_parent_fk", ondelete="CASCADE", onupdate="RESTRICT"),
    schema="billing",
)

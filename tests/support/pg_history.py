"""A schema history exercising every object kind generate supports, one SQLAlchemy module per step.

Shared by the generate round-trip tests (and later revert/introspection tests)."""

from __future__ import annotations

PRELUDE = '''
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

md = Base.metadata
'''

STEP1 = '''
mood = sa.Enum("happy", "sad", name="mood")
kind = sa.Enum("click", "view", name="event_kind", schema="analytics")
order_seq = sa.Sequence("order_seq", start=100, increment=2, minvalue=100, maxvalue=1000000, cache=10,
                        cycle=True, metadata=md)

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(255), unique=True)
    name: Mapped[str] = mapped_column(sa.Text, server_default="anonymous")
    first: Mapped[str | None] = mapped_column(sa.Text)
    last: Mapped[str | None] = mapped_column(sa.Text)
    full = mapped_column(sa.Text, sa.Computed("coalesce(first, '') || ' ' || coalesce(last, '')"))
    mood = mapped_column(mood, server_default="happy", nullable=False)
    age = mapped_column(sa.SmallInteger)
    active = mapped_column(sa.Boolean, server_default=sa.true(), nullable=False)
    balance = mapped_column(sa.Numeric(10, 2), server_default="0.00")
    score = mapped_column(sa.REAL, server_default="1.5")
    created_at = mapped_column(pg.TIMESTAMP(timezone=True, precision=3), server_default=sa.func.now(),
                               nullable=False)
    tags = mapped_column(pg.ARRAY(sa.Text), server_default=sa.text("'{}'::text[]"))
    profile = mapped_column(pg.JSONB, server_default=sa.text("'{}'::jsonb"))
    ext = mapped_column(sa.Uuid, server_default=sa.text("gen_random_uuid()"), nullable=False)
    legacy = mapped_column(sa.Integer)
    __table_args__ = (
        sa.CheckConstraint("age >= 0 AND age < 200", name="users_age_check"),
        sa.Index("users_email_lower_idx", sa.func.lower(sa.text("email")), unique=True),
        sa.Index("users_active_created_idx", sa.desc("created_at"), postgresql_where=sa.text("active = true")),
        sa.Index("users_name_pattern_idx", "name", postgresql_ops={"name": "text_pattern_ops"},
                 postgresql_with={"fillfactor": 70}),
        sa.Index("users_tags_gin_idx", "tags", postgresql_using="gin"),
        sa.Index("users_last_first_idx", "last", "first", postgresql_include=["age"]),
        {"comment": "people who sign in"},
    )

class Org(Base):
    __tablename__ = "orgs"
    id = mapped_column(sa.BigInteger, primary_key=True)
    slug = mapped_column(sa.String(64), nullable=False, unique=True)
    owner_id = mapped_column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL", onupdate="CASCADE"))
    region = mapped_column(sa.CHAR(2))
    code = mapped_column(sa.SmallInteger)
    __table_args__ = (sa.UniqueConstraint("region", "code", name="orgs_region_code_unique",
                                          postgresql_nulls_not_distinct=True),)

class Membership(Base):
    __tablename__ = "memberships"
    user_id = mapped_column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    org_id = mapped_column(sa.BigInteger, sa.ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True)
    role = mapped_column(sa.Text, server_default="member", comment="what the member may do")

events = sa.Table(
    "events", md,
    sa.Column("id", sa.BigInteger, sa.Identity(always=True, start=1000, increment=5, minvalue=1000,
                                              maxvalue=9999999, cache=20), primary_key=True),
    sa.Column("kind", kind, nullable=False, server_default="view"),
    sa.Column("user_id", sa.Integer),
    sa.Column("org_id", sa.BigInteger),
    sa.Column("payload", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("order_no", sa.BigInteger, order_seq, server_default=order_seq.next_value()),
    sa.Column("at", pg.TIMESTAMP(precision=3), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
    sa.ForeignKeyConstraint(["user_id", "org_id"], ["memberships.user_id", "memberships.org_id"],
                            name="events_membership_fk", ondelete="CASCADE", deferrable=True,
                            initially="DEFERRED"),
    sa.Index("events_kind_at_idx", "kind", sa.nulls_first(sa.desc("at"))),
    sa.Index("events_payload_idx", "payload", postgresql_using="gin", postgresql_ops={"payload": "jsonb_path_ops"}),
    schema="analytics",
)

sessions = sa.Table(
    "sessions", md,
    sa.Column("id", sa.Integer, sa.Identity(always=False)),
    sa.Column("token", sa.Text),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=False),
    sa.PrimaryKeyConstraint("id", "token", name="sessions_pk"),
    schema="analytics",
)

counters = sa.Table(
    "counters", md,
    sa.Column("id", sa.SmallInteger, primary_key=True),
    sa.Column("value", sa.Integer, server_default=sa.text("(1 + 2)")),
)
'''


def step(n: int) -> str:
    return PRELUDE + STEPS[n - 1]


def _edit(src: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in src, old
        src = src.replace(old, new)
    return src


# 2: add columns and a table; an enum value added (BEFORE) and used as a default in the same step
STEP2 = _edit(
    STEP1,
    ('mood = sa.Enum("happy", "sad", name="mood")', 'mood = sa.Enum("happy", "meh", "sad", name="mood")'),
    ('server_default="happy", nullable=False)', 'server_default="meh", nullable=False)'),
    ('    legacy = mapped_column(sa.Integer)\n',
     '    legacy = mapped_column(sa.Integer)\n    nickname = mapped_column(sa.String(40))\n'
     '    visits = mapped_column(sa.Integer, nullable=False, server_default=sa.text("0"))\n'),
) + '''
class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id = mapped_column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)
    title = mapped_column(sa.Text, nullable=False)
    body = mapped_column(sa.Text)
    status = mapped_column(kind, server_default="click")
'''

# 3: type changes (with USING), defaults and nullability
STEP3 = _edit(
    STEP2,
    ("    legacy = mapped_column(sa.Integer)\n", "    legacy = mapped_column(sa.BigInteger)\n"),
    ("    nickname = mapped_column(sa.String(40))\n", "    nickname = mapped_column(sa.String(80), nullable=False, server_default=\"\")\n"),
    ('    body = mapped_column(sa.Text)\n', '    body = mapped_column(sa.Text, nullable=False, server_default="")\n'),
    ('    title = mapped_column(sa.Text, nullable=False)\n', '    title = mapped_column(sa.String(200), nullable=False)\n'),
    ('server_default="anonymous")', 'server_default="nobody")'),
    ('    region = mapped_column(sa.CHAR(2))\n', '    region = mapped_column(sa.CHAR(2), server_default="US")\n'),
    ('    code = mapped_column(sa.SmallInteger)\n', '    code = mapped_column(sa.Text)\n'),
)

# 4: renames — a column declared in the schema, a table by flag (the test passes --rename posts=articles)
STEP4 = _edit(
    STEP3,
    ('    nickname = mapped_column(sa.String(80), nullable=False, server_default="")\n',
     '    handle = mapped_column(sa.String(80), nullable=False, server_default="", '
     'info={"mizzle": {"renamed_from": "nickname"}})\n'),
    ('__tablename__ = "posts"', '__tablename__ = "articles"'),
)

# 5: indexes and foreign keys change
STEP5 = _edit(
    STEP4,
    ('        sa.Index("users_tags_gin_idx", "tags", postgresql_using="gin"),\n', ''),
    ('postgresql_where=sa.text("active = true")', 'postgresql_where=sa.text("active = true AND age > 17")'),
    ('sa.ForeignKey("users.id", ondelete="SET NULL", onupdate="CASCADE")', 'sa.ForeignKey("users.id", ondelete="CASCADE")'),
    ('    author_id = mapped_column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)\n',
     '    author_id = mapped_column(sa.Integer, nullable=False, index=True)\n'),
) + '''
sa.Index("articles_title_idx", Post.title, Post.id.desc())
'''

# 6: enum value removed (type rebuilt), serial → bigserial, an identity's options changed
STEP6 = _edit(
    STEP5,
    ('kind = sa.Enum("click", "view", name="event_kind", schema="analytics")',
     'kind = sa.Enum("view", "click", name="event_kind", schema="analytics")'),
    ('    status = mapped_column(kind, server_default="click")\n', '    status = mapped_column(kind, server_default="view")\n'),
    ('    id: Mapped[int] = mapped_column(primary_key=True)\n    author_id', '    id = mapped_column(sa.BigInteger, primary_key=True)\n    author_id'),
    ('sa.Identity(always=False)', 'sa.Identity(always=True, increment=2)'),
)

# 7: keys and checks: a new composite key, a unique dropped, a check added, a generated expression changed
STEP7 = _edit(
    STEP6,
    ('sa.PrimaryKeyConstraint("id", "token", name="sessions_pk")', 'sa.PrimaryKeyConstraint("token", "user_id", name="sessions_pk")'),
    ('    __table_args__ = (sa.UniqueConstraint("region", "code", name="orgs_region_code_unique",\n'
     '                                          postgresql_nulls_not_distinct=True),)\n',
     '    __table_args__ = (sa.CheckConstraint("char_length(slug) > 2", name="orgs_slug_len"),)\n'),
    ('''sa.Computed("coalesce(first, '') || ' ' || coalesce(last, '')")''', '''sa.Computed("coalesce(last, '') || ', ' || coalesce(first, '')")'''),
    ('{"comment": "people who sign in"}', '{"comment": "people who log in"}'),
)

# 8: drops — a table, a column, an enum, a sequence, a schema-qualified table
STEP8 = _edit(
    STEP7,
    ('    legacy = mapped_column(sa.BigInteger)\n', ''),
    ('''counters = sa.Table(
    "counters", md,
    sa.Column("id", sa.SmallInteger, primary_key=True),
    sa.Column("value", sa.Integer, server_default=sa.text("(1 + 2)")),
)
''', ''),
    ('    sa.Column("order_no", sa.BigInteger, order_seq, server_default=order_seq.next_value()),\n', ''),
    ('''order_seq = sa.Sequence("order_seq", start=100, increment=2, minvalue=100, maxvalue=1000000, cache=10,
                        cycle=True, metadata=md)
''', ''),
    ('    mood = mapped_column(mood, server_default="meh", nullable=False)\n', ''),
    ('mood = sa.Enum("happy", "meh", "sad", name="mood")\n', ''),
)

STEPS = [STEP1, STEP2, STEP3, STEP4, STEP5, STEP6, STEP7, STEP8]
RENAMES = {4: {"posts": "articles"}}

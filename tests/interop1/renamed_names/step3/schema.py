"""The SQLAlchemy twin of schema.ts (step 3): constraints and indexes unnamed, as drizzle-kit 1.x names them."""
import sqlalchemy as sa

md = sa.MetaData(naming_convention={"ix": "%(table_name)s_%(column_0_N_name)s_index"})  # drizzle-kit 1.x's index()
owner = sa.Table("owner", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
user = sa.Table(
    "user", md,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("nick", sa.Text),
    sa.Column("a", sa.Text),
    sa.Column("b", sa.Text),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("owner.id", ondelete="CASCADE")),
    sa.UniqueConstraint("a", "b"),
    sa.Index(None, "a", unique=True),
)
child = sa.Table("child", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("uid", sa.Text, sa.ForeignKey("user.id")))

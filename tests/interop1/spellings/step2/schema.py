import sqlalchemy as sa

metadata = sa.MetaData()
tx = sa.Table(
    "tx", metadata,
    sa.Column("id", sa.Uuid, primary_key=True, server_default=sa.text("gen_random_uuid()")),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("amount", sa.Integer, nullable=False),
    sa.Column("note", sa.Text),
    sa.CheckConstraint("amount > 0", name="tx_amount_check"),
    sa.Index("tx_pending_idx", "id", postgresql_where=sa.text("status = 'pending'")),
)

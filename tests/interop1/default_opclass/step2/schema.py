"""step2/schema.ts in SQLAlchemy, as `mizzle pull` writes it: the default operator class left out."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Uuid, primary_key=True), sa.Column("ws", sa.Uuid, nullable=False),
             sa.Column("doc", JSONB), sa.Column("note", sa.Text), sa.Index("t_ws_idx", "ws"),
             sa.Index("t_doc_idx", "doc", postgresql_using="gin", postgresql_ops={"doc": "jsonb_path_ops"}))

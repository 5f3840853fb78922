"""mlflow's evaluation_datasets / evaluation_dataset_tags, reduced (SQLite tests of baseline and push): a foreign key
declared on the column and again named (create_all writes both, the second as `CONSTRAINT fk_… FOREIGN KEY (…)`),
a named composite primary key, a named unique; create_all writes VARCHAR where mizzle writes text."""

TAGS = '''
import sqlalchemy as sa

md = sa.MetaData()

datasets = sa.Table(
    "evaluation_datasets", md,
    sa.Column("dataset_id", sa.String(36), primary_key=True),
    sa.Column("workspace", sa.String(63), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.UniqueConstraint("workspace", "name", name="uq_evaluation_datasets_workspace_name"),
)

# mlflow's evaluation_dataset_tags: its key declared on the column and again named, create_all writes both (the
# second as `CONSTRAINT fk_… FOREIGN KEY (…)`)
tags = sa.Table(
    "evaluation_dataset_tags", md,
    sa.Column("dataset_id", sa.String(36), sa.ForeignKey("evaluation_datasets.dataset_id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("value", sa.String(5000)),
    sa.PrimaryKeyConstraint("dataset_id", "key", name="evaluation_dataset_tags_pk"),
    sa.ForeignKeyConstraint(["dataset_id"], ["evaluation_datasets.dataset_id"],
                            name="fk_evaluation_dataset_tags_dataset_id", ondelete="CASCADE"),
)
'''

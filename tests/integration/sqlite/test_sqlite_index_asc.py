"""SQLite: an index element's ASC is the default order, so `x ASC` and `x` make one index. dstack's models write
`Index("ix_jobs_pipeline_fetch_q", last_processed_at.asc(), sqlite_where=…)` (create_all: `(last_processed_at
ASC)`) where its Alembic history made the index on `(last_processed_at)`: baseline on that database refused it,
`~ index ix_jobs_pipeline_fetch_q on jobs: columns ((last_processed_at ASC)) → (last_processed_at)`, on five
indexes. DESC is another order, and stays a difference."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_support import write_project

from mizzle.commands.drift import drift_for_config
from mizzle.commands.generate import generate
from mizzle.errors import MizzleError
from mizzle.runner.recovery import baseline

MODELS = """
import sqlalchemy as sa
metadata = sa.MetaData()
jobs = sa.Table("jobs", metadata, sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("status", sa.String(20), nullable=False),
                sa.Column("last_processed_at", sa.DateTime, nullable=False))
sa.Index("ix_jobs_fetch", jobs.c.last_processed_at.{order}(), sqlite_where=jobs.c.status != "DONE")
sa.Index("ix_jobs_status", sa.func.lower(jobs.c.status).{order}())
"""

BUILT_BY_ALEMBIC = [
    "CREATE TABLE jobs (id INTEGER NOT NULL, status VARCHAR(20) NOT NULL, last_processed_at DATETIME NOT NULL, "
    "PRIMARY KEY (id))",
    "CREATE INDEX ix_jobs_fetch ON jobs (last_processed_at) WHERE status != 'DONE'",
    "CREATE INDEX ix_jobs_status ON jobs (lower(status))",
]


def _database(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        for st in BUILT_BY_ALEMBIC:
            conn.execute(st)
    return f"sqlite:///{path}"


def test_asc_in_the_models_is_the_index_the_database_has_without_it(tmp_path: Path) -> None:
    config = write_project(tmp_path / "proj", MODELS.replace("{order}", "asc"))
    generate(config, name="init")
    assert baseline(config, url=_database(tmp_path / "alembic.db")).checked
    assert [str(c) for c in drift_for_config(config, url=f"sqlite:///{tmp_path / 'alembic.db'}").changes] == []


def test_desc_is_still_a_difference(tmp_path: Path) -> None:
    config = write_project(tmp_path / "proj", MODELS.replace("{order}", "desc"))
    generate(config, name="init")
    with pytest.raises(MizzleError, match="ix_jobs_fetch"):
        baseline(config, url=_database(tmp_path / "alembic.db"))


def test_desc_on_an_expression_is_a_difference(tmp_path: Path) -> None:
    """`lower(status) DESC` was keyed as `lower(status)` (PostgreSQL's expression reader left the order out, and
    SQLite keeps it in the element's expression): the database's `lower(status)` matched the code's DESC, and a
    change of order alone was no change to generate."""
    config = write_project(tmp_path / "proj", MODELS.replace("jobs.c.last_processed_at.{order}()",
                                                             "jobs.c.last_processed_at").replace("{order}", "desc"))
    generate(config, name="init")
    with pytest.raises(MizzleError, match=r"ix_jobs_status on jobs: columns \(\(lower\(status\) DESC\)\)"):
        baseline(config, url=_database(tmp_path / "alembic.db"))
    config = write_project(tmp_path / "proj", MODELS.replace("jobs.c.last_processed_at.{order}()",
                                                             "jobs.c.last_processed_at").replace("{order}", "asc"))
    result = generate(config, name="ascending")
    assert result is not None and "ix_jobs_status" in result.sql, "DESC → ASC remakes the index"

"""pull reads the catalogue on two connections (dialects/postgres/introspect.py, `_read_on_two`, a speed trick):
the model must be the one read on a single connection, in every field, on a database of every kind of object —
and pull's reading (commands/pull_reading.py) must give it too."""

from __future__ import annotations

from pathlib import Path

import pg_history
import psycopg
import pytest
from pg_project import fresh_config, write_project
from pgtools import temp_database

import mizzle
from mizzle.commands.generate import generate
from mizzle.commands.pull_reading import CatalogueReading
from mizzle.dburl import parse_url
from mizzle.dialects.postgres.introspect import introspect
from mizzle.sources.database import scope_for

pytestmark = pytest.mark.pg


def test_two_connections_read_what_one_reads(tmp_path: Path) -> None:
    from test_pull_pg import EXTRA

    source = tmp_path / "source"
    with temp_database("mzp2c") as url:
        for n in range(1, 8):
            write_project(source, pg_history.step(n))
            generate(fresh_config(source), name=f"step{n}", renames=pg_history.RENAMES.get(n, {}))
        mizzle.migrate(url=url, folder=source / "migrations")
        with psycopg.connect(url, autocommit=True) as c:
            for s in EXTRA:
                c.execute(s)
        scope = scope_for()
        with psycopg.connect(url, autocommit=True) as one:
            alone = introspect(one, scope)
        with psycopg.connect(url, autocommit=True) as first, psycopg.connect(url, autocommit=True) as second:
            both = introspect(first, scope, helper=second)
        pulled = CatalogueReading(parse_url(url), scope, 10).model()
    assert alone.tables and alone.enums and alone.sequences
    assert repr(both) == repr(alone)  # every field, the ones equality leaves out included
    assert repr(pulled) == repr(alone)
